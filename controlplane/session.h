/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One PPTP call on the server: the call's PPP link (server role), its
 * authentication, the addresses it holds and its dataplane session. With
 * session_params.client_role, one pptp-client link's call instead (PPP and
 * authentication in the client role, owner pptp_client.c).
 *
 * Lifecycle: session_create() builds the object (nothing is sent),
 * session_start() installs the dataplane session and starts LCP,
 * session_stop() asks for the one teardown path (deferred to the loop: safe
 * from inside any callback), and once the teardown has run the owner hears
 * session_events.gone() and calls session_destroy() (from there or later).
 *
 * The dataplane is reached only through struct session_dp_ops: the real one
 * (session_dp_real.c) talks to the workers, tests plug in a fake. PPTP
 * control (OCRQ, Call-IDs, the control connection) belongs to the owner,
 * pptp_server.c or pptp_client.c; the session only sends the CDN (server)
 * or the Call-Clear-Request (client) at teardown.
 *
 * Control-plane thread only.
 */
#ifndef PPTPGW_SESSION_H
#define PPTPGW_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth.h"
#include "dp_msg.h"

struct cp_context;
struct pptp_ctrl;
struct session;
struct tunnel_route_link;

/* An interface name: a static entry's, or "<pptp-USER>" (cli_cmds_pptp.h's size). */
#define SESSION_IFACE_MAX (CFG_NAME_MAX + 8)

/*
 * One id space for both roles: the server allocates below
 * session_server_ids(max), the pptp-client entries take the rest (the top
 * SESSION_CLIENT_IDS, or a quarter of a small dataplane).
 */
#define SESSION_CLIENT_IDS 256u

static inline uint32_t session_server_ids(uint32_t max)
{
	return max >= 2 * SESSION_CLIENT_IDS ? max - SESSION_CLIENT_IDS : max - max / 4;
}

/* Per-session traffic as the dataplane counts it (data and control). */
struct session_dp_stats {
	uint64_t rx_packets, tx_packets;
	uint64_t rx_bytes, tx_bytes;
};

#define SESSION_DP_AGE_UNKNOWN UINT32_MAX

/*
 * The dataplane boundary (dataplane/dp_session.h behind it). Every op but
 * tick is required; int ops return 0 or a negative errno.
 */
struct session_dp_ops {
	/* Session ids the dataplane takes: 0 .. max_sessions() - 1. */
	uint32_t (*max_sessions)(void);
	int (*install)(uint32_t session_id, const struct dp_session_params *p);
	/* Network up: client address, MTU/MRU, MPPE bits and start keys (our side), flags. */
	int (*network_up)(uint32_t session_id, const struct dp_session_keys *k);
	int (*remove)(uint32_t session_id);
	/* A whole PPP frame (address/control as chosen, protocol, payload). */
	int (*send_ctrl)(uint32_t session_id, const uint8_t *ppp_frame, size_t len);
	int (*stats)(uint32_t session_id, struct session_dp_stats *out);
	/* Milliseconds since the dataplane last received anything on the session. */
	uint32_t (*last_rx_age_ms)(uint32_t session_id);
	/*
	 * Optional (session_limits.h): milliseconds since the last IPv4 data
	 * either way (idle-timeout; absent: idle-timeout counts from network
	 * up), and a running session's new rate limit.
	 */
	uint32_t (*last_data_age_ms)(uint32_t session_id);
	int (*set_rate)(uint32_t session_id, const struct dp_session_rate *r);
	/* Optional, once a second: retire ids, retry what a full ring refused. */
	void (*tick)(void);
	/*
	 * Optional: the kernel's side of a running session (docs/dataplane.md):
	 * our tunnel address on the port's TAP (local_ip 0: nothing to add, e.g.
	 * it is an /ip/address already) and a /32 route to the client through
	 * it, so the kernel answers for the one and routes back to the other.
	 * mtu is the largest IPv4 packet the tunnel carries: the kernel
	 * fragments, or answers "fragmentation needed", for anything larger
	 * the dataplane hands it (RFC 1191).
	 */
	int (*kernel_up)(const char *ifname, uint32_t local_ip, uint32_t client_ip, uint16_t mtu);
	void (*kernel_down)(const char *ifname, uint32_t local_ip, uint32_t client_ip);
	/*
	 * Optional: routes via the session's interface (tunnel_route.h): a
	 * pptp-client link's (its server's /32, add-default-route), and any
	 * session's that /ip/route names as a gateway. Down by interface name.
	 */
	int (*routes_up)(const struct tunnel_route_link *l);
	void (*routes_down)(const char *iface);
};

/* The real dataplane (session_dp_real.c; not linked into the unit tests). */
extern const struct session_dp_ops session_dp_real_ops;

/* What the owner (the server role) decides and hears. */
struct session_events {
	/*
	 * Authentication accepted user with this profile: the owner may refuse
	 * (only-one) by returning -1 with reason filled; on 0 it has named the
	 * interface with session_set_iface().
	 */
	int (*authorize)(void *owner, struct session *s, const char *user,
			 const struct cfg_ppp_profile *profile, char *reason, size_t reason_len);
	/* Network up: the interface is running. Optional. */
	void (*up)(void *owner, struct session *s);
	/* Teardown finished (called from the loop): unlink, then session_destroy(). */
	void (*gone)(void *owner, struct session *s);
};

/*
 * The client role (a /interface/pptp-client entry, pptp_client.c): what we
 * dial with, copied out of the config (which the CLI may swap at any time).
 */
struct session_client {
	char name[CFG_NAME_MAX];              /* the interface */
	char user[CFG_NAME_MAX];
	char password[CFG_SECRET_MAX];
	uint32_t allow;                       /* enum cfg_auth set */
	struct cfg_ppp_link link;
	enum cfg_use_encryption use_encryption;  /* the entry's profile's */
	enum cfg_mppe_mode mppe_mode;
	bool add_default_route;
	uint8_t default_route_distance;
};

/* Keepalive (DESIGN.md 5): silence, then one Echo-Request per tick, five times. */
#define SESSION_KEEPALIVE_ECHOES 5
#define SESSION_KEEPALIVE_TICK_MS 1000

struct session_params {
	struct cp_context *cp;
	uint32_t id;                      /* the dataplane's handle, < dp->max_sessions() */
	struct pptp_ctrl *ctrl;           /* the control connection carrying the call */
	uint32_t peer_addr, local_addr;   /* outer IPv4, host order */
	uint16_t our_call_id, peer_call_id;
	uint16_t peer_window;             /* OCRQ Packet Recv. Window Size */
	uint16_t port;                    /* config ethernet index of local_addr */
	const struct session_dp_ops *dp;
	const struct auth_backend *backend;
	const struct session_events *ev;
	void *owner;
	uint32_t keepalive_ms;            /* silence before echoes; 0: keepalive off */
	uint32_t keepalive_tick_ms;       /* echo interval; 0: SESSION_KEEPALIVE_TICK_MS */
	/*
	 * Client role: we placed the call (our OCRQ), answer the server's PPP
	 * and authenticate to it; backend is not used. Teardown sends a
	 * Call-Clear-Request instead of a CDN (RFC 2637 2.12).
	 */
	bool client_role;
	struct session_client client;
};

/* Read-only view for prints and tests. */
struct session_info {
	uint32_t id;
	uint16_t our_call_id, peer_call_id;
	uint32_t peer_addr, local_addr;
	char user[CFG_NAME_MAX];          /* "" before authentication */
	char iface[SESSION_IFACE_MAX];    /* "" before authentication */
	bool dynamic;
	bool running;                     /* network up */
	bool stopping;
	uint32_t client_ip, our_ip;       /* tunnel addresses, 0 before network up (client role:
					     client_ip is the server's) */
	uint16_t mtu;                     /* interface MTU (RouterOS: 1450, MPPE not taken off) */
	char encoding[32];                /* "MPPE128 stateless", "" unencrypted */
	uint64_t uptime;                  /* seconds since network up */
	struct session_dp_stats stats;    /* from the dataplane */
	struct cfg_rate_limit rate_limit; /* in effect; is_set false: unlimited */
	uint32_t session_timeout, idle_timeout;  /* seconds in effect, 0: none */
};

/*
 * Process-wide observer of server sessions (RADIUS accounting and dynamic
 * authorization, radius_acct.c): up at network up; down at teardown with
 * the session_stop() cause, the final counters and seconds since network
 * up, for every session that had authenticated or not, before the owner
 * hears gone. NULL removes it.
 */
struct session_observer {
	void (*up)(struct session *s);
	void (*down)(struct session *s, const char *cause, const struct session_dp_stats *st,
		     uint64_t uptime_s);
};
void session_set_observer(const struct session_observer *o);

struct session *session_create(const struct session_params *p);
/* Install in the dataplane; LCP starts from the loop. 0 or the install op's error. */
int session_start(struct session *s);
/*
 * The one teardown path, deferred to the loop. cause goes to the accounting
 * line; cdn_result (PPTP_CDN_*) is sent to the peer if the control
 * connection is up, 0 sends none. Only the first call counts.
 */
void session_stop(struct session *s, const char *cause, uint8_t cdn_result);
/* The same, now (never from inside a callback of this session). */
void session_stop_now(struct session *s, const char *cause, uint8_t cdn_result);
/* Frees. The session must have finished (gone) or never started. */
void session_destroy(struct session *s);

/* The control connection went away: nothing more is sent on it. */
void session_detach_ctrl(struct session *s);

/* A PPP frame the dataplane received for this session. */
void session_ppp_input(struct session *s, const uint8_t *frame, size_t len);
/* Dataplane events: stateful MPPE lost sync; data seen. */
void session_mppe_reset(struct session *s);

void session_set_iface(struct session *s, const char *name, bool dynamic);
void session_get_info(const struct session *s, struct session_info *out);
uint32_t session_id(const struct session *s);
const char *session_user(const struct session *s);   /* "" before authentication */
const char *session_iface(const struct session *s);  /* "" before authentication */
struct pptp_ctrl *session_ctrl(const struct session *s);
uint16_t session_peer_call_id(const struct session *s);
uint16_t session_our_call_id(const struct session *s);
uint32_t session_peer_addr(const struct session *s);
struct ppp_link *session_link(const struct session *s);
/* Why the session ended (the first session_stop() cause); "" while it runs. */
const char *session_cause(const struct session *s);

/*
 * Limits of a server session (session_limits.h), live: at authentication
 * with the profile's values under the backend's, later from RADIUS CoA.
 * Fields not given (has_* false, rate_limit.is_set false) keep their
 * current values; 0 is "none" for a timeout and for a rate direction. A
 * running session's timers are re-armed at once (session-timeout still
 * counted from network up, idle time from now) and a changed rate goes
 * to the dataplane (retried while its ring is full). 0, or -ENOENT when
 * the session is stopping.
 */
int session_apply_limits(struct session *s, const struct auth_session_limits *l);

#endif /* PPTPGW_SESSION_H */
