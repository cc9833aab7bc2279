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
#include "dp_session.h"
#include "neigh.h"
#include "session_table.h"
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
	add_u64(d, "gre_in", wc.gre_in);
	add_u64(d, "ip_to_session", wc.ip_to_session);
	add_u64(d, "too_big_to_kernel", wc.too_big_to_kernel);
	add_u64(d, "handoff_out", wc.handoff_out);
	add_u64(d, "handoff_in", wc.handoff_in);
	add_u64(d, "ctrl_in", wc.ctrl_in);
	add_u64(d, "ctrl_out", wc.ctrl_out);
	add_u64(d, "ack_only", wc.ack_only);
	add_u64(d, "arp_learned", wc.arp_learned);
	add_u64(d, "neigh_full", wc.neigh_full);
	add_u64(d, "messages", wc.msgs);
	add_u64(d, "install_waited", wc.install_waited);
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

static void ip_str(uint32_t host, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u", host >> 24, (host >> 16) & 0xFFu, (host >> 8) & 0xFFu,
		 host & 0xFFu);
}

static const char *const session_state_name[] = { "free", "establishing", "up" };

/*
 * Totals over the session array: the control plane's counts and the owners'
 * counters (a scan of up to dp_sessions_max slots, on the telemetry thread).
 */
static int cmd_sessions(const char *cmd, const char *params, struct rte_tel_data *d)
{
	uint64_t up = 0, est = 0, rxp = 0, rxb = 0, txp = 0, txb = 0, rxd = 0, txd = 0;
	int r = 0;

	(void)cmd;
	(void)params;
	pthread_mutex_lock(&dp.lock);
	if (!dp.ready || sess.s == NULL) {
		r = -1;
		goto out;
	}
	for (uint32_t id = 0; id < sess.max; id++) {
		struct dp_session_stats st;
		if (dp_session_stats(id, &st) != 0)
			continue;
		up += st.state == SESSION_UP;
		est += st.state == SESSION_ESTABLISHING;
		rxp += st.rx_packets;
		rxb += st.rx_bytes;
		rxd += st.rx_drops;
		txp += st.tx_packets;
		txb += st.tx_bytes;
		txd += st.tx_drops;
	}
	rte_tel_data_start_dict(d);
	add_u64(d, "max", sess.max);
	add_u64(d, "installed", __atomic_load_n(&sess.n_used, __ATOMIC_RELAXED));
	add_u64(d, "retiring", __atomic_load_n(&sess.n_retiring, __ATOMIC_RELAXED));
	add_u64(d, "establishing", est);
	add_u64(d, "up", up);
	add_u64(d, "rx_packets", rxp);
	add_u64(d, "rx_bytes", rxb);
	add_u64(d, "rx_drops", rxd);
	add_u64(d, "tx_packets", txp);
	add_u64(d, "tx_bytes", txb);
	add_u64(d, "tx_drops", txd);
	add_u64(d, "table_bytes", sess.mem_bytes);
out:
	pthread_mutex_unlock(&dp.lock);
	return r;
}

/* One session by id: addresses, Call-IDs, owner, state, counters. */
static int cmd_session(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct dp_session_stats st;
	char ip[IPV4_STR_MAX];
	char *end;
	int r = 0;

	(void)cmd;
	if (params == NULL || *params == '\0')
		return -1;
	unsigned long id = strtoul(params, &end, 10);
	if (*end != '\0')
		return -1;
	pthread_mutex_lock(&dp.lock);
	if (!dp.ready || sess.s == NULL || id >= sess.max || dp_session_stats((uint32_t)id, &st) != 0) {
		r = -1;
		goto out;
	}
	const struct dp_session *s = &sess.s[id];
	const struct session_cp *c = &sess.cp[id];
	rte_tel_data_start_dict(d);
	add_u64(d, "id", id);
	add_u64(d, "owner", c->owner);
	rte_tel_data_add_dict_string(d, "state",
				     st.state < RTE_DIM(session_state_name) ? session_state_name[st.state] : "?");
	ip_str(__atomic_load_n(&s->peer_ip, __ATOMIC_RELAXED), ip, sizeof(ip));
	rte_tel_data_add_dict_string(d, "peer", ip);
	add_u64(d, "our_call_id", (uint16_t)c->up_key);
	add_u64(d, "peer_call_id", __atomic_load_n(&s->peer_call_id, __ATOMIC_RELAXED));
	ip_str(c->client_ip, ip, sizeof(ip));
	rte_tel_data_add_dict_string(d, "client", ip);
	add_u64(d, "interface", c->port);
	add_u64(d, "mtu", __atomic_load_n(&s->mtu, __ATOMIC_RELAXED));
	add_u64(d, "mppe_bits", __atomic_load_n(&s->mppe_bits, __ATOMIC_RELAXED));
	rte_tel_data_add_dict_string(d, "mppe_mode",
				     __atomic_load_n(&s->flags, __ATOMIC_RELAXED) & DP_SESSION_F_MPPE_STATELESS ?
				     "stateless" : "stateful");
	int64_t age = dp_session_last_rx_age_ms((uint32_t)id);
	add_u64(d, "last_rx_ms", age < 0 ? 0 : (uint64_t)age);
	add_u64(d, "rx_packets", st.rx_packets);
	add_u64(d, "rx_bytes", st.rx_bytes);
	add_u64(d, "rx_drops", st.rx_drops);
	add_u64(d, "tx_packets", st.tx_packets);
	add_u64(d, "tx_bytes", st.tx_bytes);
	add_u64(d, "tx_drops", st.tx_drops);
	add_u64(d, "ctrl_in", st.ctrl_in);
	add_u64(d, "ctrl_out", st.ctrl_out);
	/* The rate limit in effect (RouterOS "rx/tx", "" unlimited) and what it refused. */
	struct cfg_rate_limit rl = { .is_set = st.rate_rx_bps != 0 || st.rate_tx_bps != 0,
				     .rx_bps = st.rate_rx_bps, .tx_bps = st.rate_tx_bps };
	char rate[CFG_RATE_STRLEN];
	cfg_format_rate_limit(&rl, rate, sizeof(rate));
	rte_tel_data_add_dict_string(d, "rate_limit", rate);
	add_u64(d, "rate_rx_bps", st.rate_rx_bps);
	add_u64(d, "rate_tx_bps", st.rate_tx_bps);
	add_u64(d, "rate_limit_rx_drops", st.rate_rx_drops);
	add_u64(d, "rate_limit_tx_drops", st.rate_tx_drops);
	age = dp_session_last_data_age_ms((uint32_t)id);
	add_u64(d, "last_data_ms", age < 0 ? 0 : (uint64_t)age);
out:
	pthread_mutex_unlock(&dp.lock);
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
	r |= rte_telemetry_register_cmd("/pptpgw/sessions", cmd_sessions,
					"PPTP sessions in the dataplane: counts and summed counters.");
	r |= rte_telemetry_register_cmd("/pptpgw/session", cmd_session,
					"One PPTP session. Parameter: session id.");
	if (r == 0)
		done = true;
	return r == 0 ? 0 : -1;
}
