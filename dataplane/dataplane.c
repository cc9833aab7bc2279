/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Dataplane lifecycle (dataplane.h): EAL, then ports and their exception
 * TAPs, the mbuf pool, message rings and workers; launch; stop and undo in
 * reverse. Everything here runs on the control-plane thread.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mempool.h>

#include "dataplane.h"
#include "dp_priv.h"
#include "log.h"
#include "session_table.h"
#include "stats.h"
#include "worker.h"

#define EAL_CMDLINE_LOG_MAX 1024
#define SESSION_MEM_SHARE   4     /* session tables may take 1/4 of memory-mb */
#define SESSION_BYTES_BUDGET 1024 /* per session, tables included (962 measured) */

struct dp_state dp = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
};

uint32_t dp_sessions_max = DP_SESSIONS_DEFAULT;

struct worker *dp_worker_get(unsigned int worker)
{
	return &dp.workers[worker];
}

/* Our addresses, for "GRE to us" and "ARP sender on our link". */
static void build_classify_ctx(const struct pg_config *cfg)
{
	memset(&dp.cls, 0, sizeof(dp.cls));
	for (unsigned int i = 0; i < cfg->n_ip_address; i++) {
		const struct cfg_ip_address *a = &cfg->ip_address[i];
		if (dp.cls.n_local == CLASSIFY_MAX_LOCAL) {
			LOG_WARN(LOG_TOPIC_SYSTEM,
				 "ip.address: more than %d addresses; the dataplane treats only the first %d as ours",
				 CLASSIFY_MAX_LOCAL, CLASSIFY_MAX_LOCAL);
			break;
		}
		dp.cls.local_be[dp.cls.n_local] = rte_cpu_to_be_32(a->address.addr);
		dp.cls.mask_be[dp.cls.n_local] = rte_cpu_to_be_32(cfg_prefix_mask(a->address.len));
		dp.cls.n_local++;
	}
}

/* The gateway of the best 0.0.0.0/0 in ip.route (0: none): next hop of off-link peers. */
static uint32_t default_gateway(const struct pg_config *cfg)
{
	uint32_t gw = 0;
	unsigned int best = UINT32_MAX;

	for (unsigned int i = 0; i < cfg->n_ip_route; i++) {
		const struct cfg_ip_route *r = &cfg->ip_route[i];
		if (r->dst.len == 0 && r->gateway != 0 && r->distance < best) {
			best = r->distance;
			gw = r->gateway;
		}
	}
	return gw;
}

/*
 * dp_sessions_max, or fewer when dataplane.memory-mb is small: the session
 * tables (about 1 KiB a session, docs/PERFORMANCE.md) may take a quarter of
 * it, the rest is for mbufs, rings and EAL.
 */
static uint32_t sessions_that_fit(const struct pg_config *cfg)
{
	uint64_t fit = (uint64_t)cfg->dataplane.memory_mb * (1u << 20) / SESSION_MEM_SHARE /
		       SESSION_BYTES_BUDGET;

	if (cfg->dataplane.memory_mb == 0 || fit >= dp_sessions_max)
		return dp_sessions_max;
	LOG_INFO(LOG_TOPIC_SYSTEM, "dataplane.memory-mb=%u holds %lu sessions (of %u)",
		 cfg->dataplane.memory_mb, (unsigned long)fit, dp_sessions_max);
	return fit > 0 ? (uint32_t)fit : 1;
}

/* Caller holds dp.lock. Safe on a half-built state. */
static void dp_teardown_locked(void)
{
	dp.ready = false;
	/* Workers first: their tx buffers flush into ports that are still up. */
	if (dp.workers != NULL) {
		for (unsigned int w = 0; w < dp.n_workers; w++)
			worker_fini(&dp.workers[w]);
		rte_free(dp.workers);
		dp.workers = NULL;
	}
	/* Handoff rings hold mbufs: before the pool goes. */
	session_tables_destroy();
	for (unsigned int i = 0; i < dp.n_ports; i++) {
		struct dp_port *p = &dp.ports[i];
		if (p->tap_port_id != DP_PORT_NONE || p->tap_created)
			exception_destroy(p);
		port_dev_close(p->port_id, p->wire_up);
		p->port_id = DP_PORT_NONE;
		p->wire_up = false;
	}
	/* Queued PPP messages hold mbufs: return them before the pool goes. */
	dp_msg_fini();
	rte_mempool_free(dp.pool);
	dp.pool = NULL;
	dp.n_ports = 0;
	dp.n_workers = 0;
}

void dp_teardown(void)
{
	pthread_mutex_lock(&dp.lock);
	dp_teardown_locked();
	pthread_mutex_unlock(&dp.lock);
}

static int setup_ports(const struct pg_config *cfg, const uint16_t *tap_ports)
{
	for (unsigned int i = 0; i < cfg->n_ethernet; i++) {
		struct dp_port *p = &dp.ports[i];
		int r = port_resolve(p, &cfg->ethernet[i]);
		dp.n_ports = i + 1;  /* so teardown sees this entry, whatever happens next */
		if (r < 0)
			return -1;
		if (!p->enabled)
			continue;
		if (tap_ports != NULL)
			p->tap_port_id = tap_ports[i];
		else if (exception_create(i, p) < 0)
			return -1;
		if (port_plan_queues(p, dp.n_workers) < 0)
			return -1;
	}
	return 0;
}

static int start_ports(void)
{
	char what[CFG_NAME_MAX + sizeof("interface= exception")];

	for (unsigned int i = 0; i < dp.n_ports; i++) {
		struct dp_port *p = &dp.ports[i];
		if (!p->enabled)
			continue;
		snprintf(what, sizeof(what), "interface=%s", p->name);
		if (port_dev_start(p->port_id, what, p->n_queues, p->rx_desc, p->tx_desc, p->mtu, true,
				   dp.pool) < 0)
			return -1;
		p->wire_up = true;
		snprintf(what, sizeof(what), "interface=%s exception", p->name);
		if (port_dev_start(p->tap_port_id, what, p->n_queues, p->tap_rx_desc, p->tap_tx_desc,
				   p->mtu, false, dp.pool) < 0)
			return -1;
		p->tap_up = true;
		(void)rte_eth_dev_get_mtu(p->port_id, &p->mtu);

		char mac[RTE_ETHER_ADDR_FMT_SIZE];
		rte_ether_format_addr(mac, sizeof(mac), &p->mac);
		LOG_INFO(LOG_TOPIC_SYSTEM,
			 "interface=%s device=\"%s\" port=%u tap=%s tap-port=%u mac=%s mtu=%u queues=%u",
			 p->name, p->device, p->port_id, p->tap_ifname[0] ? p->tap_ifname : "-",
			 p->tap_port_id, mac, p->mtu, p->n_queues);
	}
	return 0;
}

int dp_setup(const struct pg_config *cfg, const uint16_t *tap_ports)
{
	unsigned int n_workers = cfg->dataplane.n_workers;
	unsigned int mbufs = 0;
	uint16_t max_mtu = RTE_ETHER_MTU;

	pthread_mutex_lock(&dp.lock);
	if (dp.ready) {
		LOG_ERR(LOG_TOPIC_SYSTEM, "dataplane already set up");
		pthread_mutex_unlock(&dp.lock);
		return -1;
	}
	if (cfg->n_ethernet > DP_MAX_PORTS) {
		LOG_ERR(LOG_TOPIC_SYSTEM, "interface.ethernet: %u entries, the dataplane handles at most %d",
			cfg->n_ethernet, DP_MAX_PORTS);
		goto fail;
	}
	if (n_workers == 0 || n_workers > CFG_MAX_WORKERS) {
		LOG_ERR(LOG_TOPIC_SYSTEM, "dataplane.workers: need 1 to %d workers, got %u",
			CFG_MAX_WORKERS, n_workers);
		goto fail;
	}
	__atomic_store_n(&dp.stop, 0, __ATOMIC_RELAXED);
	dp.poll = cfg->dataplane.poll;
	dp.n_workers = n_workers;
	build_classify_ctx(cfg);

	if (setup_ports(cfg, tap_ports) < 0)
		goto fail;
	for (unsigned int i = 0; i < dp.n_ports; i++) {
		mbufs += port_mbufs_needed(&dp.ports[i]);
		max_mtu = RTE_MAX(max_mtu, dp.ports[i].mtu);
	}
	/* PPP control frames in flight on the message rings come from this pool too. */
	mbufs += DP_MSG_RING_SIZE * (n_workers + 1);
	/* And packets in flight between workers. */
	mbufs += SESSION_HANDOFF_RING * n_workers;
	/* And multilink packets held half reassembled. */
	mbufs += SESSION_MP_HELD_MAX * n_workers;
	dp.pool = port_pool_create(mbufs, n_workers + 1, max_mtu);
	if (dp.pool == NULL)
		goto fail;
	if (start_ports() < 0)
		goto fail;
	if (dp_msg_init(n_workers, DP_MSG_RING_SIZE) < 0)
		goto fail;

	if (session_tables_create(sessions_that_fit(cfg), n_workers) < 0)
		goto fail;
	sess.default_gw = default_gateway(cfg);
	dp.workers = rte_zmalloc("dp_workers", sizeof(struct worker) * n_workers, RTE_CACHE_LINE_SIZE);
	if (dp.workers == NULL) {
		LOG_ERR(LOG_TOPIC_SYSTEM, "cannot allocate %u workers", n_workers);
		goto fail;
	}
	for (unsigned int w = 0; w < n_workers; w++) {
		if (worker_init(&dp.workers[w], w, cfg->dataplane.workers[w]) < 0) {
			LOG_ERR(LOG_TOPIC_SYSTEM, "worker %u: cannot create its neighbour table or tx buffers", w);
			goto fail;
		}
	}
	if (telemetry_register() < 0)
		LOG_WARN(LOG_TOPIC_SYSTEM, "telemetry commands not registered: /pptpgw/* will be missing");
	dp.start_tsc = rte_rdtsc();
	dp.ready = true;
	pthread_mutex_unlock(&dp.lock);
	return 0;
fail:
	dp_teardown_locked();
	pthread_mutex_unlock(&dp.lock);
	return -1;
}

static void log_eal_cmdline(int argc, char **argv)
{
	char line[EAL_CMDLINE_LOG_MAX];
	size_t used = 0;

	line[0] = '\0';
	for (int i = 0; i < argc && used < sizeof(line); i++) {
		int n = snprintf(line + used, sizeof(line) - used, "%s%s", i ? " " : "", argv[i]);
		if (n < 0)
			break;
		used += (size_t)n;
	}
	LOG_INFO(LOG_TOPIC_SYSTEM, "EAL: %s", line);
}

int dp_init(const struct pg_config *cfg, const char *prog_name)
{
	char err[256];
	char **argv = NULL, **scratch = NULL;
	int argc = 0;

	if (dp.eal_up) {
		LOG_ERR(LOG_TOPIC_SYSTEM, "dp_init: EAL is already initialised in this process");
		return -1;
	}
	if (eal_build_argv(cfg, prog_name, &argc, &argv, err, sizeof(err)) < 0) {
		LOG_ERR(LOG_TOPIC_SYSTEM, "%s", err);
		return -1;
	}
	log_eal_cmdline(argc, argv);
	/* rte_eal_init reorders its argv: give it a copy of the pointers, keep ours to free. */
	scratch = calloc((size_t)argc + 1, sizeof(*scratch));
	if (scratch == NULL)
		goto fail;
	memcpy(scratch, argv, sizeof(*argv) * (size_t)argc);
	if (rte_eal_init(argc, scratch) < 0) {
		LOG_ERR(LOG_TOPIC_SYSTEM, "EAL initialisation failed: %s", rte_strerror(rte_errno));
		goto fail;
	}
	dp.eal_up = true;
	dp.eal_argc = argc;
	dp.eal_argv = argv;
	free(scratch);
	if (dp_setup(cfg, NULL) < 0) {
		dp_cleanup();
		return -1;
	}
	return 0;
fail:
	free(scratch);
	eal_free_argv(argc, argv);
	return -1;
}

int dp_start(void)
{
	if (!dp.ready || dp.launched) {
		LOG_ERR(LOG_TOPIC_SYSTEM, "dp_start: dataplane %s", dp.ready ? "already running" : "not set up");
		return -1;
	}
	__atomic_store_n(&dp.stop, 0, __ATOMIC_RELAXED);
	for (unsigned int w = 0; w < dp.n_workers; w++) {
		unsigned int lcore = dp.workers[w].lcore;
		if (lcore == rte_get_main_lcore() || !rte_lcore_is_enabled(lcore) ||
		    rte_eal_remote_launch(worker_main, &dp.workers[w], lcore) != 0) {
			LOG_ERR(LOG_TOPIC_SYSTEM, "worker %u: cannot launch on lcore %u", w, lcore);
			__atomic_store_n(&dp.stop, 1, __ATOMIC_RELEASE);
			rte_eal_mp_wait_lcore();
			return -1;
		}
	}
	dp.launched = true;
	LOG_INFO(LOG_TOPIC_SYSTEM, "dataplane running: %u worker(s), poll=%s", dp.n_workers,
		 dp.poll == CFG_POLL_BUSY ? "busy" : "adaptive");
	return 0;
}

void dp_stop(void)
{
	__atomic_store_n(&dp.stop, 1, __ATOMIC_RELEASE);
	if (dp.launched) {
		rte_eal_mp_wait_lcore();
		dp.launched = false;
		LOG_INFO(LOG_TOPIC_SYSTEM, "dataplane workers stopped");
	}
	pthread_mutex_lock(&dp.lock);
	if (dp.ready || dp.n_ports > 0 || dp.pool != NULL)
		dp_teardown_locked();
	pthread_mutex_unlock(&dp.lock);
}

void dp_cleanup(void)
{
	dp_stop();
	if (dp.eal_up) {
		(void)rte_eal_cleanup();
		dp.eal_up = false;
	}
	eal_free_argv(dp.eal_argc, dp.eal_argv);
	dp.eal_argv = NULL;
	dp.eal_argc = 0;
}

unsigned int dp_port_count(void)
{
	return dp.n_ports;
}

/* Caller holds dp.lock (control plane or telemetry thread). */
int dp_port_fill(unsigned int idx, struct dp_port_info *out)
{
	if (!dp.ready || idx >= dp.n_ports)
		return -1;
	const struct dp_port *p = &dp.ports[idx];
	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", p->name);
	snprintf(out->device, sizeof(out->device), "%s", p->device);
	snprintf(out->tap_ifname, sizeof(out->tap_ifname), "%s", p->tap_ifname);
	out->port_id = p->port_id;
	out->tap_port_id = p->tap_port_id;
	memcpy(out->mac, p->mac.addr_bytes, sizeof(out->mac));
	out->mtu = p->mtu;
	stats_port_sum(idx, &out->stats);
	if (!p->enabled)
		return 0;

	struct rte_eth_link link;
	if (rte_eth_link_get_nowait(p->port_id, &link) == 0)
		out->link_up = link.link_status == RTE_ETH_LINK_UP;
	/* What the PMD saw but we never received: its own errors and ring overruns. */
	struct rte_eth_stats es;
	if (rte_eth_stats_get(p->port_id, &es) == 0) {
		out->stats.rx_errors = es.ierrors + es.rx_nombuf;
		out->stats.rx_missed = es.imissed;
		out->stats.tx_errors += es.oerrors;
	}
	return 0;
}

int dp_port_get(unsigned int idx, struct dp_port_info *out)
{
	pthread_mutex_lock(&dp.lock);
	int r = dp_port_fill(idx, out);
	pthread_mutex_unlock(&dp.lock);
	return r;
}

unsigned int dp_worker_count(void)
{
	return dp.ready ? dp.n_workers : 0;
}

unsigned int dp_worker_lcore(unsigned int worker)
{
	if (!dp.ready || worker >= dp.n_workers)
		return 0;
	return dp.workers[worker].lcore;
}

uint64_t dp_uptime_seconds(void)
{
	if (!dp.ready)
		return 0;
	return (rte_rdtsc() - dp.start_tsc) / rte_get_tsc_hz();
}

uint64_t dp_memory_used_bytes(void)
{
	uint64_t used = 0;

	if (!dp.eal_up)
		return 0;
	for (unsigned int s = 0; s < rte_socket_count(); s++) {
		struct rte_malloc_socket_stats st;
		if (rte_malloc_get_socket_stats(rte_socket_id_by_idx(s), &st) == 0)
			used += st.heap_allocsz_bytes;
	}
	return used;
}
