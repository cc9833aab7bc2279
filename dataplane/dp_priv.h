/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Dataplane internals shared by its files (not for the rest of the
 * appliance: that is dataplane.h). One global struct dp_state, written by
 * the control-plane thread during set-up and teardown only; workers and the
 * telemetry thread read it.
 */
#ifndef PPTPGW_DP_PRIV_H
#define PPTPGW_DP_PRIV_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_ether.h>

#include "classify.h"
#include "config.h"
#include "dataplane.h"

#define DP_MAX_PORTS     16          /* ethernet entries; each uses two ethdev ports (wire + TAP) */
#define DP_MSG_RING_SIZE 1024        /* per direction per worker; power of two not required */

struct worker;
struct rte_mempool;

struct dp_port {
	char name[CFG_NAME_MAX];           /* config name, also the TAP's kernel name */
	char device[CFG_DEVICE_MAX];
	bool enabled;                      /* false: "disabled": yes, nothing probed */
	uint16_t port_id;                  /* wire ethdev */
	uint16_t tap_port_id;              /* exception ethdev */
	bool tap_created;                  /* we rte_vdev_init'ed it (tests pass their own) */
	char tap_vdev[DP_IFNAME_MAX + 8];  /* "net_tap_<idx>", for rte_vdev_uninit */
	char tap_ifname[DP_IFNAME_MAX];
	struct rte_ether_addr mac;
	uint16_t mtu;
	uint16_t n_queues;                 /* RX and TX queues on both sides: n_workers or 1 */
	uint16_t rx_desc, tx_desc;         /* wire, after the PMD's limits */
	uint16_t tap_rx_desc, tap_tx_desc;
	bool wire_up, tap_up;              /* configured and started: stop/close on teardown */
};

struct dp_state {
	/*
	 * Serialises the telemetry thread's readers against set-up and
	 * teardown (ports closing under a reader). Never taken by a worker.
	 */
	pthread_mutex_t lock;
	bool eal_up;
	bool ready;                        /* ports, pools, rings, workers exist */
	bool launched;                     /* worker lcores running */
	uint32_t stop;                     /* atomic: workers leave their loop when set */
	enum cfg_poll_mode poll;
	uint64_t start_tsc;

	unsigned int n_ports;
	struct dp_port ports[DP_MAX_PORTS];

	unsigned int n_workers;
	struct worker *workers;            /* rte_zmalloc'ed, cache aligned, n_workers */

	struct rte_mempool *pool;          /* packet mbufs for every port */
	struct classify_ctx cls;

	char **eal_argv;                   /* kept until dp_cleanup: EAL may keep pointers */
	int eal_argc;
};

extern struct dp_state dp;

/* Sessions dp_setup allocates (DP_SESSIONS_DEFAULT; tests and the bench set it before). */
extern uint32_t dp_sessions_max;

static inline bool dp_stop_requested(void)
{
	return __atomic_load_n(&dp.stop, __ATOMIC_RELAXED) != 0;
}

/*
 * Everything dp_init does after EAL is up: ports, exception TAPs, pools,
 * rings, workers, telemetry. tap_ports NULL creates a net_tap per ethernet
 * entry; tests pass existing ports (net_ring) to stand in for the TAPs.
 * Returns 0, or -1 with everything undone.
 */
int dp_setup(const struct pg_config *cfg, const uint16_t *tap_ports);
/* Undo dp_setup (after workers stopped). */
void dp_teardown(void);
struct worker *dp_worker_get(unsigned int worker);
/* dp_port_get without the lock, for callers that hold dp.lock (telemetry). */
int dp_port_fill(unsigned int idx, struct dp_port_info *out);

/* eal.c: EAL command line from the config. */
int eal_build_argv(const struct pg_config *cfg, const char *prog, int *argc, char ***argv,
		   char *err, size_t errlen);
void eal_free_argv(int argc, char **argv);
/* The main lcore: first of cfg lcores that is not a worker. -1 if none or invalid. */
int eal_main_lcore(const struct cfg_dataplane *dpc, char *err, size_t errlen);
bool eal_device_is_pci(const char *device);
/* Ethdev name a device string creates: PCI address (normalised) or vdev name. */
int eal_device_name(const char *device, char *out, size_t len);

/* port.c: wire ports. */
int port_resolve(struct dp_port *p, const struct cfg_ethernet *e);
int port_plan_queues(struct dp_port *p, unsigned int n_workers);
unsigned int port_mbufs_needed(const struct dp_port *p);
struct rte_mempool *port_pool_create(unsigned int n_mbufs, unsigned int n_lcores, uint16_t max_mtu);
int port_dev_start(uint16_t port_id, const char *what, uint16_t n_queues, uint16_t rx_desc,
		   uint16_t tx_desc, uint16_t mtu, bool rss, struct rte_mempool *pool);
void port_dev_close(uint16_t port_id, bool started);

/* exception.c: one net_tap per wire port, same MAC and MTU. */
int exception_create(unsigned int idx, struct dp_port *p);
void exception_destroy(struct dp_port *p);

/* telemetry.c */
int telemetry_register(void);

#endif /* PPTPGW_DP_PRIV_H */
