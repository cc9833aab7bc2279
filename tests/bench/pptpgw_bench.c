/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pptpgw-bench: the REAL worker pass (worker_poll_once + worker_drain_tx)
 * over in-memory net_ring ports, one core, per direction, per MPPE mode,
 * packet size and session count, with the OpenSSL crypto floor for the same
 * per-packet MPPE work measured in the same run (DESIGN.md section 6).
 *
 * Only the worker's calls are timed (rdtsc around them); building the input
 * (a reference client encrypting with the pure layer functions) and taking
 * the output off the TX ring are not. Numbers from a shared machine are
 * noisy: each configuration runs BENCH_REPEAT times and the best run of the
 * worker and of the floor are shown; compare the ratios within one run.
 *
 *   pptpgw-bench [--quick] [--sessions N] [--dir up|down] [--mode none|stateful|stateless]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "crypto_init.h"
#include "dataplane.h"
#include "dp_harness.h"
#include "dp_msg.h"
#include "dp_priv.h"
#include "dp_session.h"
#include "gre.h"
#include "mppe.h"
#include "mppe_keys.h"
#include "session_table.h"
#include "stats.h"
#include "worker.h"

#define RING_SLOTS   4096
#define POOL_MBUFS   16383
#define BATCH        WORKER_BURST
#define MAX_SESSIONS 65536u
#define OUR_IP       0xC0000201u  /* 192.0.2.1 */
#define PEER_IP      0xC0000202u
#define LAN_IP       0xC0000232u  /* 192.0.2.50 */
#define ETH_LEN      14
#define IP_LEN       20
#define GRE_LEN      12           /* S, no ack */
#define MTU          1500
#define BENCH_REPEAT 3            /* runs per configuration; the best is shown */

static const uint8_t peer_mac[6] = { 0x02, 0, 0, 0, 0, 0x02 };
static const uint8_t lan_mac[6] = { 0x02, 0, 0, 0, 0, 0x50 };
static const uint8_t our_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t key_a[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
static const uint8_t key_b[16] = { 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1 };

static struct rte_ring *wire_rx, *wire_tx, *tap_tx;
static struct rte_mempool *pool;
static struct worker *w;

/* The far ends: one transmit state per session (upstream input). */
struct peer {
	uint32_t seq;
	struct mppe_tx_state mtx;
};
static struct peer *peers;

enum mode { M_NONE, M_STATEFUL, M_STATELESS };
static const char *const mode_name[] = { "none", "stateful", "stateless" };

static void w16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void w32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint16_t cksum(const uint8_t *p, size_t len)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (s >> 16)
		s = (s & 0xFFFF) + (s >> 16);
	return (uint16_t)~s;
}

static void ip_hdr(uint8_t *ip, uint32_t src, uint32_t dst, uint16_t total, uint8_t proto)
{
	memset(ip, 0, IP_LEN);
	ip[0] = 0x45;
	w16(ip + 2, total);
	w16(ip + 6, 0x4000);
	ip[8] = 64;
	ip[9] = proto;
	w32(ip + 12, src);
	w32(ip + 16, dst);
	w16(ip + 10, cksum(ip, IP_LEN));
}

static uint32_t client_ip(uint32_t i)
{
	return 0x0A000000u + i + 1;  /* 10.0.0.1 ... */
}

static struct rte_mbuf *frame_alloc(size_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);

	if (m == NULL || rte_pktmbuf_append(m, (uint16_t)len) == NULL) {
		fprintf(stderr, "bench: mbuf pool exhausted\n");
		exit(1);
	}
	return m;
}

/* GRE from peer i carrying an inner IPv4 packet of `size` bytes to the LAN host. */
static struct rte_mbuf *up_frame(uint32_t i, size_t size, enum mode mode)
{
	struct peer *p = &peers[i];
	size_t ppp = 4 + (mode == M_NONE ? 0 : 4) + size;
	struct rte_mbuf *m = frame_alloc(ETH_LEN + IP_LEN + GRE_LEN + ppp);
	uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);

	memcpy(f, our_mac, 6);
	memcpy(f + 6, peer_mac, 6);
	w16(f + 12, 0x0800);
	ip_hdr(f + ETH_LEN, PEER_IP, OUR_IP, (uint16_t)(IP_LEN + GRE_LEN + ppp), 47);
	uint8_t *g = f + ETH_LEN + IP_LEN;
	gre_build(g, (uint16_t)i, (uint16_t)ppp, true, p->seq++, false, 0);
	uint8_t *q = g + GRE_LEN;
	q[0] = 0xFF;
	q[1] = 0x03;
	uint8_t *inner = q + (mode == M_NONE ? 4 : 8);
	memset(inner + IP_LEN, 0xA5, size - IP_LEN);
	ip_hdr(inner, client_ip(i), LAN_IP, (uint16_t)size, 17);
	if (mode == M_NONE) {
		w16(q + 2, 0x0021);
	} else {
		w16(q + 2, 0x00FD);
		w16(q + 6, 0x0021);
		mppe_tx_encrypt(&p->mtx, q + 4, (uint16_t)(size + 2));
	}
	return m;
}

/* A LAN host's IPv4 packet of `size` bytes to session i's client. */
static struct rte_mbuf *down_frame(uint32_t i, size_t size)
{
	struct rte_mbuf *m = frame_alloc(ETH_LEN + size);
	uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);

	memcpy(f, our_mac, 6);
	memcpy(f + 6, lan_mac, 6);
	w16(f + 12, 0x0800);
	memset(f + ETH_LEN + IP_LEN, 0x5A, size - IP_LEN);
	ip_hdr(f + ETH_LEN, LAN_IP, client_ip(i), (uint16_t)size, 17);
	return m;
}

static void drain_all(void)
{
	struct rte_mbuf *m[BATCH];
	unsigned int n;

	while ((n = rte_ring_dequeue_burst(wire_tx, (void **)m, BATCH, NULL)) > 0)
		rte_pktmbuf_free_bulk(m, n);
	while ((n = rte_ring_dequeue_burst(tap_tx, (void **)m, BATCH, NULL)) > 0)
		rte_pktmbuf_free_bulk(m, n);
}

static void worker_pass(void)
{
	dp_harness_run(w);
}

/* Install n sessions in the given mode (and remove what was there). */
static void sessions_setup(uint32_t n, enum mode mode)
{
	static uint32_t installed;

	for (uint32_t i = 0; i < installed; i++) {
		while (dp_session_remove(i) == -EAGAIN)
			worker_pass();
	}
	worker_pass();
	while (dp_session_reclaim() > 0 || dp_session_retiring() > 0)
		worker_pass();
	for (uint32_t i = 0; i < n; i++) {
		struct dp_session_params p = {
			.peer_ip = PEER_IP, .local_ip = OUR_IP, .our_call_id = (uint16_t)i,
			.peer_call_id = (uint16_t)i, .port = 0, .mtu = MTU, .mru = MTU, .peer_window = 64,
		};
		struct dp_session_keys k = {
			.client_ip = client_ip(i), .mtu = MTU, .mru = MTU,
			.mppe_bits = mode == M_NONE ? 0 : 128,
			.flags = mode == M_STATELESS ? DP_SESSION_F_MPPE_STATELESS : 0,
		};
		memcpy(k.send_key, key_a, 16);
		memcpy(k.recv_key, key_b, 16);
		int r;
		while ((r = dp_session_install(i, &p)) == -EAGAIN)
			worker_pass();
		if (r != 0) {
			fprintf(stderr, "bench: install %u: %d\n", i, r);
			exit(1);
		}
		while ((r = dp_session_network_up(i, &k)) == -EAGAIN)
			worker_pass();
		if (r != 0) {
			fprintf(stderr, "bench: network up %u: %d\n", i, r);
			exit(1);
		}
		struct mppe_key ck;
		peers[i].seq = 0;
		if (mode != M_NONE) {
			mppe_key_init(&ck, key_b, 16, MPPE_BITS_128);
			mppe_tx_init(&peers[i].mtx, &ck, mode == M_STATELESS);
		}
	}
	for (int i = 0; i < 64; i++)
		worker_pass();
	installed = n;
}

struct result {
	double cycles_per_pkt;
	uint64_t out;       /* frames the worker transmitted */
};

static struct result run_dir(bool up, uint32_t n_sess, size_t size, enum mode mode, uint64_t n_pkts)
{
	struct rte_mbuf *m[BATCH];
	uint64_t cycles = 0, done = 0, out = 0;
	uint32_t next = 0;

	while (done < n_pkts) {
		for (unsigned int i = 0; i < BATCH; i++) {
			m[i] = up ? up_frame(next, size, mode) : down_frame(next, size);
			next = next + 1 == n_sess ? 0 : next + 1;
		}
		rte_ring_enqueue_bulk(wire_rx, (void **)m, BATCH, NULL);
		uint64_t t0 = rte_rdtsc_precise();
		worker_poll_once(w, t0);
		worker_drain_tx(w);
		cycles += rte_rdtsc_precise() - t0;
		done += BATCH;
		out += rte_ring_count(wire_tx);
		drain_all();
	}
	return (struct result){ .cycles_per_pkt = (double)cycles / (double)done, .out = out };
}

/*
 * The crypto floor: OpenSSL EVP doing the per-packet MPPE work of the same
 * packet (payload = protocol field + inner packet). Stateless: the RFC 3078
 * 7.3 key change (SHA-1 over start key, pad1, session key, pad2; RC4 of the
 * interim key with itself), then RC4 set up with the new key and run over
 * the payload. Stateful: RC4 over the payload on a running keystream.
 */
static double crypto_floor(enum mode mode, size_t size, uint64_t n)
{
	static const uint8_t pad1[40] = { 0 };
	uint8_t pad2[40], start[16], sess[16], digest[20], buf[2048];
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	EVP_CIPHER_CTX *rc4 = EVP_CIPHER_CTX_new();
	EVP_CIPHER_CTX *kc = EVP_CIPHER_CTX_new();
	size_t len = size + 2;
	int outl;

	memset(pad2, 0xF2, sizeof(pad2));
	memcpy(start, key_a, 16);
	memcpy(sess, key_b, 16);
	memset(buf, 0x33, sizeof(buf));
	EVP_CipherInit_ex(rc4, crypto_rc4(), NULL, sess, NULL, 1);
	uint64_t t0 = rte_rdtsc_precise();
	for (uint64_t i = 0; i < n; i++) {
		if (mode == M_STATELESS) {
			unsigned int dl;
			EVP_DigestInit_ex(md, crypto_sha1(), NULL);
			EVP_DigestUpdate(md, start, 16);
			EVP_DigestUpdate(md, pad1, 40);
			EVP_DigestUpdate(md, sess, 16);
			EVP_DigestUpdate(md, pad2, 40);
			EVP_DigestFinal_ex(md, digest, &dl);
			EVP_CipherInit_ex(kc, crypto_rc4(), NULL, digest, NULL, 1);
			EVP_CipherUpdate(kc, sess, &outl, digest, 16);
			EVP_CipherInit_ex(rc4, crypto_rc4(), NULL, sess, NULL, 1);
		}
		EVP_CipherUpdate(rc4, buf, &outl, buf, (int)len);
	}
	uint64_t t = rte_rdtsc_precise() - t0;
	EVP_MD_CTX_free(md);
	EVP_CIPHER_CTX_free(rc4);
	EVP_CIPHER_CTX_free(kc);
	return (double)t / (double)n;
}

static int setup(void)
{
	static struct dp_harness h;
	const struct dp_harness_queue *q = &h.port.q[0];

	if (dp_harness_port_create(&h.port, "b", 1, RING_SLOTS) < 0)
		return -1;
	dp_harness_config(&h, OUR_IP);
	h.cfg.dataplane.poll = CFG_POLL_BUSY;
	dp_sessions_max = MAX_SESSIONS;
	if (dp_harness_dp_setup(&h) < 0)
		return -1;
	wire_rx = q->wire_rx;
	wire_tx = q->wire_tx;
	tap_tx = q->tap_tx;
	w = dp_worker_get(0);
	/* The peer and the LAN host, so that nothing waits on ARP. */
	if (dp_harness_learn(pool, q, w, PEER_IP, peer_mac, OUR_IP) < 0 ||
	    dp_harness_learn(pool, q, w, LAN_IP, lan_mac, OUR_IP) < 0)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	bool quick = false;
	uint32_t only_sess = 0;
	int only_dir = -1, only_mode = -1;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--quick") == 0)
			quick = true;
		else if (strcmp(argv[i], "--sessions") == 0 && i + 1 < argc)
			only_sess = (uint32_t)strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
			only_dir = strcmp(argv[++i], "up") == 0 ? 1 : 0;
		else if (strcmp(argv[i], "--mode") == 0 && i + 1 < argc) {
			i++;
			only_mode = strcmp(argv[i], "none") == 0 ? M_NONE :
				    strcmp(argv[i], "stateful") == 0 ? M_STATEFUL : M_STATELESS;
		} else {
			fprintf(stderr, "usage: %s [--quick] [--sessions N] [--dir up|down] [--mode none|stateful|stateless]\n",
				argv[0]);
			return 2;
		}
	}
	pool = dp_harness_eal_init("pptpgw_bench", 1024, false, POOL_MBUFS, 256);
	if (pool == NULL)
		return 1;
	if (crypto_init() < 0) {
		fprintf(stderr, "bench: %s\n", crypto_last_error());
		return 1;
	}
	peers = calloc(MAX_SESSIONS, sizeof(*peers));
	if (peers == NULL || setup() < 0) {
		fprintf(stderr, "bench: set-up failed\n");
		return 1;
	}
	double hz = (double)rte_get_tsc_hz();
	printf("pptpgw-bench: one worker, in-memory ports; TSC %.0f MHz; %u sessions max\n",
	       hz / 1e6, dp_session_max());
	printf("session tables: %lu bytes for %u sessions = %.0f bytes/session "
	       "(struct dp_session %zu, control-plane side %zu)\n",
	       (unsigned long)sess.mem_bytes, sess.max, (double)sess.mem_bytes / sess.max,
	       sizeof(struct dp_session), sizeof(struct session_cp));
	printf("%-5s %-9s %5s %8s %8s %9s %11s %11s %7s\n", "dir", "mppe", "size", "sessions",
	       "Mpps", "cyc/pkt", "floor Mpps", "floor cyc", "ratio");

	const uint32_t sess_counts[2] = { 1, MAX_SESSIONS };
	const size_t sizes[3] = { 64, 512, 1400 };
	for (int mi = 0; mi < 3; mi++) {
		if (only_mode >= 0 && mi != only_mode)
			continue;
		for (int si = 0; si < 2; si++) {
			uint32_t ns = sess_counts[si];
			if (only_sess != 0 && ns != only_sess)
				continue;
			sessions_setup(ns, (enum mode)mi);
			for (int dir = 1; dir >= 0; dir--) {
				if (only_dir >= 0 && dir != only_dir)
					continue;
				for (int zi = 0; zi < 3; zi++) {
					uint64_t n = mi == M_STATELESS ? 131072 : 524288;
					if (quick)
						n /= 8;
					/* Warm the sessions (and caches) first: every session at least once. */
					(void)run_dir(dir, ns, sizes[zi], (enum mode)mi, ns < 4096 ? 4096 : ns);
					/* Best of BENCH_REPEAT for both: a shared machine only ever adds time. */
					struct result r = { .cycles_per_pkt = 1e18 };
					double floor = 1e18;
					for (int rep = 0; rep < BENCH_REPEAT; rep++) {
						struct result x = run_dir(dir, ns, sizes[zi], (enum mode)mi, n);
						if (x.cycles_per_pkt < r.cycles_per_pkt)
							r = x;
						if (mi != M_NONE) {
							double f = crypto_floor((enum mode)mi, sizes[zi], n);
							floor = f < floor ? f : floor;
						}
					}
					if (mi == M_NONE)
						floor = 0;
					char fl[16] = "-", flc[16] = "-", ratio[16] = "-";
					if (floor > 0) {
						snprintf(fl, sizeof(fl), "%.2f", hz / floor / 1e6);
						snprintf(flc, sizeof(flc), "%.0f", floor);
						snprintf(ratio, sizeof(ratio), "%.2f", floor / r.cycles_per_pkt);
					}
					printf("%-5s %-9s %5zu %8u %8.2f %9.0f %11s %11s %7s%s\n", dir ? "up" : "down",
					       mode_name[mi], sizes[zi], ns, hz / r.cycles_per_pkt / 1e6,
					       r.cycles_per_pkt, fl, flc, ratio,
					       r.out == n ? "" : "  (NOT ALL FORWARDED)");
					fflush(stdout);
				}
			}
		}
	}
	dp_stop();
	dp_harness_eal_cleanup(pool);
	free(peers);
	return 0;
}
