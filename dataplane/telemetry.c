/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * /pptpgw/... commands on DPDK's telemetry socket, so Debian's
 * dpdk-telemetry.py (and anything speaking telemetry v2) reads our counters:
 *   echo /pptpgw/ports | dpdk-telemetry.py -f FILE-PREFIX
 * Callbacks run on DPDK's telemetry thread: they take dp.lock so ports
 * cannot close under them, and read worker counters atomically (stats.h).
 * docs/telemetry.md describes every field.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_telemetry.h>
#include <rte_version.h>

#include "dataplane.h"
#include "dp_priv.h"
#include "neigh.h"
#include "stats.h"
#include "worker.h"

#define KEY_MAX 32
#define IPV4_STR_MAX 16
/* ~100 bytes a row: 128 rows stay well inside the 16 KiB reply limit. */
#define NEIGH_TELEMETRY_ROWS 128

static void add_u64(struct rte_tel_data *d, const char *k, uint64_t v)
{
	(void)rte_tel_data_add_dict_u64(d, k, v);
}

static int cmd_version(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "version", PPTPGW_VERSION);
	rte_tel_data_add_dict_string(d, "dpdk", rte_version());
	return 0;
}

static void port_to_dict(const struct dp_port_info *pi, unsigned int n_queues, struct rte_tel_data *d)
{
	char mac[RTE_ETHER_ADDR_FMT_SIZE];
	struct rte_ether_addr ea;

	memcpy(ea.addr_bytes, pi->mac, sizeof(ea.addr_bytes));
	rte_ether_format_addr(mac, sizeof(mac), &ea);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "name", pi->name);
	rte_tel_data_add_dict_string(d, "device", pi->device);
	rte_tel_data_add_dict_int(d, "port_id", pi->port_id == DP_PORT_NONE ? -1 : pi->port_id);
	rte_tel_data_add_dict_int(d, "tap_port_id", pi->tap_port_id == DP_PORT_NONE ? -1 : pi->tap_port_id);
	rte_tel_data_add_dict_string(d, "tap_ifname", pi->tap_ifname);
	rte_tel_data_add_dict_string(d, "mac", mac);
	add_u64(d, "mtu", pi->mtu);
	add_u64(d, "queues", n_queues);
	rte_tel_data_add_dict_string(d, "link", pi->link_up ? "up" : "down");
	add_u64(d, "rx_packets", pi->stats.rx_packets);
	add_u64(d, "rx_bytes", pi->stats.rx_bytes);
	add_u64(d, "rx_errors", pi->stats.rx_errors);
	add_u64(d, "rx_missed", pi->stats.rx_missed);
	add_u64(d, "tx_packets", pi->stats.tx_packets);
	add_u64(d, "tx_bytes", pi->stats.tx_bytes);
	add_u64(d, "tx_errors", pi->stats.tx_errors);
	add_u64(d, "to_exception", pi->stats.to_exception);
	add_u64(d, "from_exception", pi->stats.from_exception);
}

/* A parameter names one item by config name or index; -1 when it names none. */
static int pick_port(const char *params)
{
	if (params == NULL || *params == '\0')
		return -1;
	for (unsigned int i = 0; i < dp.n_ports; i++)
		if (strcmp(dp.ports[i].name, params) == 0)
			return (int)i;
	char *end;
	unsigned long v = strtoul(params, &end, 10);
	if (*end != '\0' || v >= dp.n_ports)
		return -1;
	return (int)v;
}

/*
 * No parameter: every port, keyed by config index (telemetry keys allow only
 * [A-Za-z0-9_/], and RouterOS names often hold '-'). "ether1" or "0": that
 * port alone.
 */
static int cmd_ports(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct dp_port_info pi;
	int r = 0;

	(void)cmd;
	pthread_mutex_lock(&dp.lock);
	if (!dp.ready) {
		r = -1;
		goto out;
	}
	if (params != NULL && *params != '\0') {
		int idx = pick_port(params);
		if (idx < 0 || dp_port_fill((unsigned int)idx, &pi) < 0) {
			r = -1;
			goto out;
		}
		port_to_dict(&pi, dp.ports[idx].n_queues, d);
		goto out;
	}
	rte_tel_data_start_dict(d);
	for (unsigned int i = 0; i < dp.n_ports; i++) {
		struct rte_tel_data *c = rte_tel_data_alloc();
		if (c == NULL || dp_port_fill(i, &pi) < 0) {
			rte_tel_data_free(c);
			continue;
		}
		char key[KEY_MAX];
		port_to_dict(&pi, dp.ports[i].n_queues, c);
		snprintf(key, sizeof(key), "%u", i);
		if (rte_tel_data_add_dict_container(d, key, c, 0) != 0)
			rte_tel_data_free(c);
	}
out:
	pthread_mutex_unlock(&dp.lock);
	return r;
}

static void worker_to_dict(unsigned int w, struct rte_tel_data *d)
{
	struct worker_counters wc;
	struct rte_tel_data *drops = rte_tel_data_alloc();

	stats_worker_snapshot(w, &wc);
	rte_tel_data_start_dict(d);
	add_u64(d, "worker", w);
	add_u64(d, "lcore", dp.workers[w].lcore);
	add_u64(d, "ports", dp.workers[w].n_ports);
	add_u64(d, "packets", wc.rx_packets);
	add_u64(d, "idle_sleeps", wc.idle_sleeps);
	add_u64(d, "gre_to_exception", wc.gre_to_exception);
	add_u64(d, "arp_learned", wc.arp_learned);
	add_u64(d, "neigh_full", wc.neigh_full);
	add_u64(d, "messages", wc.msgs);
	if (drops == NULL)
		return;
	rte_tel_data_start_dict(drops);
	for (unsigned int r = 0; r < DROP_MAX; r++)
		add_u64(drops, drop_reason_name[r], wc.drops[r]);
	if (rte_tel_data_add_dict_container(d, "drops", drops, 0) != 0)
		rte_tel_data_free(drops);
}

/* No parameter: every worker keyed by index; "N": worker N alone (with its drops). */
static int cmd_workers(const char *cmd, const char *params, struct rte_tel_data *d)
{
	int r = 0;

	(void)cmd;
	pthread_mutex_lock(&dp.lock);
	if (!dp.ready) {
		r = -1;
		goto out;
	}
	if (params != NULL && *params != '\0') {
		char *end;
		unsigned long w = strtoul(params, &end, 10);
		if (*end != '\0' || w >= dp.n_workers) {
			r = -1;
			goto out;
		}
		worker_to_dict((unsigned int)w, d);
		goto out;
	}
	rte_tel_data_start_dict(d);
	for (unsigned int w = 0; w < dp.n_workers; w++) {
		char key[KEY_MAX];
		struct rte_tel_data *c = rte_tel_data_alloc();
		if (c == NULL)
			continue;
		worker_to_dict(w, c);
		snprintf(key, sizeof(key), "%u", w);
		if (rte_tel_data_add_dict_container(d, key, c, 0) != 0)
			rte_tel_data_free(c);
	}
out:
	pthread_mutex_unlock(&dp.lock);
	return r;
}

/* The drop reason table with counts summed over workers. */
static int cmd_drops(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	(void)params;
	pthread_mutex_lock(&dp.lock);
	rte_tel_data_start_dict(d);
	for (unsigned int r = 0; r < DROP_MAX; r++) {
		struct rte_tel_data *c = rte_tel_data_alloc();
		if (c == NULL)
			continue;
		rte_tel_data_start_dict(c);
		rte_tel_data_add_dict_string(c, "description", drop_reason_desc[r]);
		add_u64(c, "count", dp.ready ? stats_drop_total(r) : 0);
		if (rte_tel_data_add_dict_container(d, drop_reason_name[r], c, 0) != 0)
			rte_tel_data_free(c);
	}
	pthread_mutex_unlock(&dp.lock);
	return 0;
}

/* Collected from every worker's table; one line per IP, newest mapping wins. */
struct neigh_row {
	struct neigh_view v;
	unsigned int worker;
};

static int row_cmp(const void *a, const void *b)
{
	const struct neigh_row *x = a, *y = b;
	uint32_t ix = rte_be_to_cpu_32(x->v.ip_be), iy = rte_be_to_cpu_32(y->v.ip_be);

	if (ix != iy)
		return ix < iy ? -1 : 1;
	/* Newest first within one IP. */
	return x->v.updated_tsc > y->v.updated_tsc ? -1 : x->v.updated_tsc < y->v.updated_tsc;
}

/*
 * Rows keyed "0", "1", ... in IP order (an address cannot be a telemetry
 * key). One reply holds at most 16 KiB, so at most NEIGH_TELEMETRY_ROWS rows;
 * "count" says how many exist, "shown" how many are listed (the CLI serves
 * full listings).
 */
static int cmd_neighbours(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct neigh_row *rows = NULL;
	size_t n = 0, cap = 0;
	int r = 0;

	(void)cmd;
	(void)params;
	pthread_mutex_lock(&dp.lock);
	if (!dp.ready) {
		r = -1;
		goto out;
	}
	for (unsigned int w = 0; w < dp.n_workers; w++)
		cap += dp.workers[w].neigh.n_slots;
	rows = calloc(cap ? cap : 1, sizeof(*rows));
	if (rows == NULL) {
		r = -1;
		goto out;
	}
	for (unsigned int w = 0; w < dp.n_workers; w++) {
		const struct neigh_table *t = &dp.workers[w].neigh;
		for (uint32_t s = 0; s < t->n_slots && n < cap; s++) {
			if (neigh_read_slot(t, s, &rows[n].v)) {
				rows[n].worker = w;
				n++;
			}
		}
	}
	qsort(rows, n, sizeof(*rows), row_cmp);

	uint64_t now = rte_rdtsc(), hz = rte_get_tsc_hz();
	size_t unique = 0, shown = 0;
	rte_tel_data_start_dict(d);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && rows[i].v.ip_be == rows[i - 1].v.ip_be)
			continue;
		unique++;
		if (shown == NEIGH_TELEMETRY_ROWS)
			continue;
		struct rte_tel_data *c = rte_tel_data_alloc();
		if (c == NULL)
			continue;
		char ip[IPV4_STR_MAX], mac[RTE_ETHER_ADDR_FMT_SIZE];
		struct rte_ether_addr ea;
		const uint8_t *b = (const uint8_t *)&rows[i].v.ip_be;
		snprintf(ip, sizeof(ip), "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
		memcpy(ea.addr_bytes, rows[i].v.mac, sizeof(ea.addr_bytes));
		rte_ether_format_addr(mac, sizeof(mac), &ea);
		rte_tel_data_start_dict(c);
		rte_tel_data_add_dict_string(c, "ip", ip);
		rte_tel_data_add_dict_string(c, "mac", mac);
		rte_tel_data_add_dict_string(c, "interface",
					     rows[i].v.port < dp.n_ports ? dp.ports[rows[i].v.port].name : "?");
		add_u64(c, "age_s", now > rows[i].v.updated_tsc ? (now - rows[i].v.updated_tsc) / hz : 0);
		add_u64(c, "worker", rows[i].worker);
		char key[KEY_MAX];
		snprintf(key, sizeof(key), "%zu", shown);
		if (rte_tel_data_add_dict_container(d, key, c, 0) != 0)
			rte_tel_data_free(c);
		else
			shown++;
	}
	add_u64(d, "count", unique);
	add_u64(d, "shown", shown);
out:
	pthread_mutex_unlock(&dp.lock);
	free(rows);
	return r;
}

int telemetry_register(void)
{
	static bool done;
	int r = 0;

	/* Commands cannot be unregistered: register once per process; they read dp state. */
	if (done)
		return 0;
	r |= rte_telemetry_register_cmd("/pptpgw/version", cmd_version,
					"pptpgw and DPDK versions. No parameters.");
	r |= rte_telemetry_register_cmd("/pptpgw/ports", cmd_ports,
					"Ports with counters. Parameter: port name or index (optional).");
	r |= rte_telemetry_register_cmd("/pptpgw/workers", cmd_workers,
					"Worker lcores with counters and drops. Parameter: worker index (optional).");
	r |= rte_telemetry_register_cmd("/pptpgw/drops", cmd_drops,
					"Drop reasons: description and count summed over workers.");
	r |= rte_telemetry_register_cmd("/pptpgw/neighbours", cmd_neighbours,
					"IPv4 neighbours learned from ARP on the wire.");
	if (r == 0)
		done = true;
	return r == 0 ? 0 : -1;
}
