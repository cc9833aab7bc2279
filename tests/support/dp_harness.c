/* SPDX-License-Identifier: BSD-3-Clause */
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_eth_ring.h>

#include "dataplane.h"
#include "dp_harness.h"
#include "gre.h"
#include "test_dp_frames.h"
#include "worker.h"

#define NFTW_OPEN_FDS 16  /* directory fds nftw may keep open */
#define ARP_OP_REPLY  2

static char runtime_dir[PATH_MAX];

struct rte_mempool *dp_harness_eal_init(const char *name, unsigned int mem_mb, bool telemetry,
					unsigned int n_mbufs, unsigned int cache)
{
	char prog[DP_HARNESS_NAME_MAX], mem[16], prefix[64];
	char *argv[] = { prog, "--no-huge", "--no-pci", "-m", mem, prefix, "-l", "0",
			 "--log-level=lib.eal:error", "--no-telemetry", NULL };
	int argc = (int)(sizeof(argv) / sizeof(argv[0])) - 1;

	snprintf(prog, sizeof(prog), "%s", name);
	snprintf(mem, sizeof(mem), "%u", mem_mb);
	snprintf(prefix, sizeof(prefix), "--file-prefix=%s_%d", name, (int)getpid());
	if (telemetry)
		argc--;  /* without the last: --no-telemetry */
	if (rte_eal_init(argc, argv) < 0)
		return NULL;
	snprintf(runtime_dir, sizeof(runtime_dir), "%s", rte_eal_get_runtime_dir());
	return rte_pktmbuf_pool_create("harness_pool", n_mbufs, cache, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				       0);
}

const char *dp_harness_runtime_dir(void)
{
	return runtime_dir;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/*
 * EAL leaves its runtime directory (/var/run/dpdk/PREFIX) behind; a per-PID
 * prefix would litter one per run.
 */
void dp_harness_eal_cleanup(struct rte_mempool *pool)
{
	rte_mempool_free(pool);
	rte_eal_cleanup();
	if (runtime_dir[0] != '\0')
		(void)nftw(runtime_dir, rm_entry, NFTW_OPEN_FDS, FTW_DEPTH | FTW_PHYS);
}

static struct rte_ring *mkring(const char *prefix, const char *what, unsigned int q,
			       unsigned int slots)
{
	char name[RTE_RING_NAMESIZE];

	snprintf(name, sizeof(name), "%s%s%u", prefix, what, q);
	return rte_ring_create(name, slots, 0, RING_F_SP_ENQ | RING_F_SC_DEQ | RING_F_EXACT_SZ);
}

int dp_harness_port_create(struct dp_harness_port *p, const char *prefix, unsigned int n_queues,
			   unsigned int ring_slots)
{
	struct rte_ring *wrx[DP_HARNESS_MAX_QUEUES], *wtx[DP_HARNESS_MAX_QUEUES];
	struct rte_ring *trx[DP_HARNESS_MAX_QUEUES], *ttx[DP_HARNESS_MAX_QUEUES];
	char name[DP_HARNESS_NAME_MAX];

	memset(p, 0, sizeof(*p));
	if (n_queues == 0 || n_queues > DP_HARNESS_MAX_QUEUES)
		return -1;
	p->n_queues = n_queues;
	for (unsigned int q = 0; q < n_queues; q++) {
		struct dp_harness_queue *hq = &p->q[q];

		hq->wire_rx = wrx[q] = mkring(prefix, "wire_rx", q, ring_slots);
		hq->wire_tx = wtx[q] = mkring(prefix, "wire_tx", q, ring_slots);
		hq->tap_rx = trx[q] = mkring(prefix, "tap_rx", q, ring_slots);
		hq->tap_tx = ttx[q] = mkring(prefix, "tap_tx", q, ring_slots);
		if (!hq->wire_rx || !hq->wire_tx || !hq->tap_rx || !hq->tap_tx)
			return -1;
	}
	/* The PMD names them "net_ring_<name>": the config's device. */
	snprintf(name, sizeof(name), "%swire", prefix);
	int wp = rte_eth_from_rings(name, wrx, n_queues, wtx, n_queues, 0);
	snprintf(p->device, sizeof(p->device), "net_ring_%swire", prefix);
	snprintf(name, sizeof(name), "%stap", prefix);
	int tp = rte_eth_from_rings(name, trx, n_queues, ttx, n_queues, 0);
	if (wp < 0 || tp < 0)
		return -1;
	p->wire_port = (uint16_t)wp;
	p->tap_port = (uint16_t)tp;
	return 0;
}

void dp_harness_port_free(struct dp_harness_port *p)
{
	for (unsigned int q = 0; q < p->n_queues; q++) {
		rte_ring_free(p->q[q].wire_rx);
		rte_ring_free(p->q[q].wire_tx);
		rte_ring_free(p->q[q].tap_rx);
		rte_ring_free(p->q[q].tap_tx);
	}
}

void dp_harness_config(struct dp_harness *h, uint32_t our_ip)
{
	memset(&h->cfg, 0, sizeof(h->cfg));
	memset(&h->eth, 0, sizeof(h->eth));
	memset(&h->addr, 0, sizeof(h->addr));
	snprintf(h->cfg.dataplane.lcores, sizeof(h->cfg.dataplane.lcores), "0-1");
	h->cfg.dataplane.workers[0] = 1;
	h->cfg.dataplane.n_workers = 1;
	h->cfg.dataplane.poll = CFG_POLL_ADAPTIVE;
	snprintf(h->eth.name, sizeof(h->eth.name), "ether1");
	snprintf(h->eth.device, sizeof(h->eth.device), "%s", h->port.device);
	h->eth.mtu = 1500;
	h->cfg.ethernet = &h->eth;
	h->cfg.n_ethernet = 1;
	h->addr.address.addr = our_ip;
	h->addr.address.len = 24;
	snprintf(h->addr.interface, sizeof(h->addr.interface), "ether1");
	h->cfg.ip_address = &h->addr;
	h->cfg.n_ip_address = 1;
}

int dp_harness_dp_setup(struct dp_harness *h)
{
	uint16_t taps[1] = { h->port.tap_port };

	return dp_setup(&h->cfg, taps);
}

int dp_harness_setup(struct dp_harness *h, const char *prefix, unsigned int ring_slots,
		     uint32_t our_ip)
{
	if (dp_harness_port_create(&h->port, prefix, 1, ring_slots) < 0)
		return -1;
	dp_harness_config(h, our_ip);
	return dp_harness_dp_setup(h);
}

void dp_harness_teardown(struct dp_harness *h)
{
	dp_stop();
	dp_harness_port_free(&h->port);
}

int dp_harness_inject(struct rte_mempool *pool, struct rte_ring *r, const uint8_t *f, size_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);

	if (m == NULL)
		return -1;
	if (len > 0) {
		char *d = rte_pktmbuf_append(m, (uint16_t)len);

		if (d == NULL) {
			rte_pktmbuf_free(m);
			return -1;
		}
		memcpy(d, f, len);
	}
	if (rte_ring_enqueue(r, m) != 0) {
		rte_pktmbuf_free(m);
		return -1;
	}
	return 0;
}

void dp_harness_run(struct worker *w)
{
	worker_poll_once(w, rte_rdtsc());
	worker_drain_tx(w);
}

int dp_harness_learn(struct rte_mempool *pool, const struct dp_harness_queue *q, struct worker *w,
		     uint32_t ip, const uint8_t mac[6], uint32_t our_ip)
{
	uint8_t f[TF_MIN_FRAME];
	size_t n = tf_arp(f, ARP_OP_REPLY, mac, ip, our_ip);
	struct rte_mbuf *m = NULL;

	if (dp_harness_inject(pool, q->wire_rx, f, n) < 0)
		return -1;
	dp_harness_run(w);
	if (rte_ring_dequeue(q->tap_tx, (void **)&m) != 0)
		return -1;
	rte_pktmbuf_free(m);
	return 0;
}

size_t dp_harness_gre_frame(uint8_t *f, uint32_t src, uint32_t dst, uint16_t call_id, uint32_t seq,
			    const uint8_t *ppp, size_t n)
{
	size_t off = tf_eth(f, tf_our_mac, tf_peer_mac, 0x0800);
	uint8_t *ip = f + off;
	uint8_t *g = ip + TF_IPV4_LEN;
	uint16_t gl = gre_build(g, call_id, (uint16_t)n, true, seq, false, 0);

	memcpy(g + gl, ppp, n);
	size_t total = TF_IPV4_LEN + gl + n;
	memset(ip, 0, TF_IPV4_LEN);
	ip[0] = 0x45;
	tf_w16(ip + 2, (uint16_t)total);
	tf_w16(ip + 6, 0x4000);  /* DF, as PPTP peers send */
	ip[8] = 64;
	ip[9] = TF_IPPROTO_GRE;
	tf_w32(ip + 12, src);
	tf_w32(ip + 16, dst);
	tf_ipv4_fix_cksum(ip);
	n = off + total;
	if (n < TF_MIN_FRAME) {
		memset(f + n, 0, TF_MIN_FRAME - n);
		n = TF_MIN_FRAME;
	}
	return n;
}
