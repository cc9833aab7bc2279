/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Routes via tunnel interfaces: the dynamic routes a running pptp-client
 * link adds (its server's tunnel address /32, and 0.0.0.0/0 at
 * default-route-distance with add-default-route), and those a server
 * session brings (RADIUS Framed-Route, RFC 2865 5.22). They are
 *   - shown by /ip/route/print (flag D, gateway the interface),
 *   - mirrored in the kernel (via the peer's tunnel address on the TAP, with
 *     a permanent neighbour entry for it), so the appliance itself and
 *     anything the kernel forwards use them,
 *   - published to the dataplane's route table (dataplane/tunnel_fib.h), so
 *     the workers send matching traffic into the session themselves.
 * A route is active only while it wins: for one prefix the lowest distance
 * among /ip/route entries and every link's routes (ties: the static entry,
 * then the link that came up first). The losers stay listed, not active.
 *
 * Control-plane thread only.
 */
#ifndef PPTPGW_TUNNEL_ROUTE_H
#define PPTPGW_TUNNEL_ROUTE_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"

/* Routes of all links together, and links (each has at most TUNNEL_ROUTE_LINK_EXTRA extra). */
#define TUNNEL_ROUTE_MAX 8192
#define TUNNEL_ROUTE_LINKS_MAX 1024
#define TUNNEL_ROUTE_LINK_EXTRA 8

/* A route of a link's own besides its peer /32 and default (a Framed-Route). */
struct tunnel_route_extra {
	struct cfg_prefix dst;
	uint8_t distance;
};

/* One route entry handed to the dataplane (its table is rebuilt whole). */
struct tunnel_route_entry {
	struct cfg_prefix dst;
	bool via_session;          /* false: this prefix is not routed into a tunnel */
	uint32_t session_id;
};

/* What the routes act on; the real ones are DPDK/netlink, tests plug in fakes. */
struct tunnel_route_ops {
	/* Replace the dataplane's table with e[0..n) (longest prefix first). 0 or -errno. */
	int (*dp_publish)(const struct tunnel_route_entry *e, unsigned int n);
	/* Kernel: dst via gateway (0: device route) on ifname at metric, from prefsrc (0: any). */
	int (*kernel_add)(const struct cfg_prefix *dst, uint32_t gateway, const char *ifname,
			  uint32_t metric, uint32_t prefsrc, uint16_t mtu);
	int (*kernel_del)(const struct cfg_prefix *dst, uint32_t gateway, uint32_t metric);
	/* A permanent neighbour for a tunnel gateway on ifname (add: true). 0 or -1. */
	int (*kernel_neigh)(const char *ifname, uint32_t addr, bool add);
	/* Dial-on-demand: keep what the kernel queued on addr's unresolved entry. 0 or -errno. */
	int (*kernel_neigh_hold)(const char *ifname, uint32_t addr);
};

struct tunnel_route_link {
	const char *iface;         /* the tunnel interface ("pptp-out1") */
	const char *tap;           /* kernel interface carrying it (the port's TAP) */
	uint32_t session_id;
	uint32_t gateway;          /* the peer's tunnel address */
	uint32_t local;            /* ours: the source of what the appliance sends that way */
	uint32_t peer_outer;       /* the peer's outer address: never routed into this tunnel */
	bool add_default;
	uint8_t distance;
	uint16_t mtu;              /* the tunnel's IPv4 MTU, for the kernel's routes (0: none) */
	/* More routes via the peer (RADIUS Framed-Route); at most TUNNEL_ROUTE_LINK_EXTRA. */
	const struct tunnel_route_extra *extra;
	unsigned int n_extra;
	/*
	 * Dial-on-demand, while the link is down (docs/client.md): the same
	 * routes in the kernel via gateway, a placeholder from 10.112.112.0/24
	 * (onlink: a /32 device route to it on tap), with no neighbour entry, so
	 * the kernel ARPs for it and queues; nothing into a session (session_id
	 * and local unused). The real link's tunnel_route_link_up() of the same
	 * iface takes its place; tunnel_route_link_down() removes it.
	 */
	bool placeholder;
};

/* Dial-on-demand: what becomes of the packets queued for a placeholder gateway. */
enum tunnel_route_dod {
	TUNNEL_ROUTE_DOD_HOLD,     /* keep them (the kernel would drop them after ~3 s of ARP) */
	TUNNEL_ROUTE_DOD_RELEASE,  /* the link is up: send them (through the tunnel's routes) */
	TUNNEL_ROUTE_DOD_FORGET,   /* drop them; the next packet asks (ARPs) again */
};
int tunnel_route_dod_queue(const char *tap, uint32_t gateway, enum tunnel_route_dod what);

/* The real dataplane and kernel (tunnel_route_real.c; not in the unit tests). */
extern const struct tunnel_route_ops tunnel_route_real_ops;

/* cfg: the live config (its struct stays put; lists are read at each evaluation). */
void tunnel_route_init(const struct pg_config *cfg, const struct tunnel_route_ops *ops);

/* A link came up / went down: its routes appear / go, everything is re-evaluated. */
int tunnel_route_link_up(const struct tunnel_route_link *l);
void tunnel_route_link_down(const char *iface);
/* /ip/route or /ip/address changed (CLI): re-evaluate which routes win. */
void tunnel_route_sync(void);
/* The control plane's tick: publish again what the dataplane refused as busy. */
void tunnel_route_retry(void);

/* /ip/route/print rows of the dynamic routes. */
struct tunnel_route_row {
	struct cfg_prefix dst;
	char gateway[CFG_NAME_MAX];   /* the interface */
	uint8_t distance;
	bool active;
};
unsigned int tunnel_route_count(void);
int tunnel_route_get(unsigned int i, struct tunnel_route_row *out);

/*
 * /ip/route/print's source for these rows (cli_cmds_system.c keeps the
 * pointer; NULL: none). static_active: whether an /ip/route entry is active
 * (reachable: its address gateway is on a link, or its tunnel runs) and
 * wins over the tunnel routes of the same prefix.
 */
struct tunnel_route_provider {
	unsigned int (*count)(void);
	int (*get)(unsigned int i, struct tunnel_route_row *out);
	bool (*static_active)(const struct cfg_ip_route *r, bool reachable);
};
void ip_route_provider_register(const struct tunnel_route_provider *p);

/* Everything withdrawn (kernel and dataplane), state freed. */
void tunnel_route_fini(void);

#endif /* PPTPGW_TUNNEL_ROUTE_H */
