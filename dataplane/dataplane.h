/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The dataplane as the rest of the appliance sees it: start-up (EAL, ports,
 * exception TAPs, rings), worker launch and shutdown, read-only stats for
 * telemetry and the CLI, and the message rings to and from the workers.
 *
 * Threads: dp_init/dp_start/dp_stop/dp_cleanup and every dp_* reader run on
 * the control-plane thread (the EAL main lcore). Workers run on the lcores
 * listed in dataplane.workers.
 */
#ifndef PPTPGW_DATAPLANE_H
#define PPTPGW_DATAPLANE_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "dp_msg.h"

#define DP_IFNAME_MAX 16  /* IFNAMSIZ */
/* port_id / tap_port_id of an entry with "disabled": yes (nothing probed, no TAP, empty tap_ifname). */
#define DP_PORT_NONE  UINT16_MAX

struct dp_port_stats {
	uint64_t rx_packets, rx_bytes, rx_errors, rx_missed;
	uint64_t tx_packets, tx_bytes, tx_errors;
	uint64_t to_exception;    /* handed to the TAP (kernel) */
	uint64_t from_exception;  /* sent by the kernel through the TAP */
};

struct dp_port_info {
	char name[CFG_NAME_MAX];         /* config name, "ether1" */
	char device[CFG_DEVICE_MAX];
	uint16_t port_id;                /* DPDK port of the wire side */
	uint16_t tap_port_id;            /* DPDK port of the exception TAP */
	char tap_ifname[DP_IFNAME_MAX];  /* kernel name of the TAP */
	uint8_t mac[6];
	uint16_t mtu;
	bool link_up;
	struct dp_port_stats stats;
};

/*
 * Initialise EAL from the config (huge pages, memory, lcores, file prefix,
 * extra args), create mempools, one wire port per /interface/ethernet entry
 * and its exception TAP (same MAC), and the message rings. Logs and returns
 * -1 on failure (nothing left running).
 */
int dp_init(const struct pg_config *cfg, const char *prog_name);

/* Launch a worker loop on every worker lcore. */
int dp_start(void);

/* Ask workers to stop, join every lcore, stop and close ports. Idempotent. */
void dp_stop(void);

/* Release EAL (after dp_stop). */
void dp_cleanup(void);

unsigned int dp_port_count(void);
/* Snapshot of port idx (config order) with its counters summed over workers. */
int dp_port_get(unsigned int idx, struct dp_port_info *out);

unsigned int dp_worker_count(void);
unsigned int dp_worker_lcore(unsigned int worker);

/* Uptime of the dataplane in seconds, memory in use by DPDK, for /system/resource. */
uint64_t dp_uptime_seconds(void);
/* Bytes of DPDK heap in use (pools, rings, tables), summed over NUMA sockets. */
uint64_t dp_memory_used_bytes(void);

#endif /* PPTPGW_DATAPLANE_H */
