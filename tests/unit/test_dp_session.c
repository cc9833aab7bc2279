/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PPTP sessions in the real worker pass, over in-memory ports (net_ring):
 * the control plane's API installs sessions, a reference client built from
 * the pure layer functions (gre_build, ppp framing, mppe_tx_encrypt with the
 * crossed keys) sends, and what the worker transmits is decrypted by the
 * client's own receive state. Both directions, every MPPE mode, loss,
 * reordering, control frames both ways, acks, removal, and two workers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <cmocka.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_hash.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "dataplane.h"
#include "dp_harness.h"
#include "dp_msg.h"
#include "dp_priv.h"
#include "dp_session.h"
#include "gre.h"
#include "ipv4.h"
#include "mppe.h"
#include "ppp_frame.h"
#include "session_table.h"
#include "stats.h"
#include "test_dp_frames.h"
#include "tunnel.h"
#include "tunnel_fib.h"
#include "worker.h"

#define RING_SLOTS  256
#define POOL_MBUFS  1023
#define N_SESSIONS  64
#define OUR_IP      tf_ip(192, 0, 2, 1)
#define PEER_IP     tf_ip(192, 0, 2, 2)
#define LAN_IP      tf_ip(192, 0, 2, 50)
#define CLIENT_IP   tf_ip(10, 0, 0, 5)
#define CLIENT2_IP  tf_ip(10, 0, 0, 6)
#define MTU         1400
#define BIG_TSC     (rte_get_tsc_hz() * 10)

static const uint8_t lan_mac[6] = { 0x02, 0, 0, 0, 0, 0x50 };
static const uint8_t key_a[16] = { 0x8B, 0x7C, 0xDC, 0x14, 0x9B, 0x99, 0x3A, 0x1B,
				   0xA1, 0x18, 0xCB, 0x15, 0x3F, 0x56, 0xDC, 0xCB };
static const uint8_t key_b[16] = { 0xD5, 0xF0, 0xE9, 0x52, 0x1E, 0x3E, 0xA9, 0x58,
				   0x96, 0x7E, 0x3A, 0x4F, 0xAF, 0xD0, 0x15, 0x2E };

static struct rte_ring *wire_rx, *wire_tx, *tap_rx, *tap_tx;  /* the queue the tests use */
static struct dp_harness h;
static struct rte_mempool *pool;
static struct worker *w;

/* The far end of a call, made of the same pure layers. */
struct client {
	uint32_t id;              /* our session id */
	uint16_t our_call;        /* the server's Call-ID: the key the client sends with */
	uint16_t peer_call;       /* the client's Call-ID: the key we send with */
	uint32_t ip;
	uint32_t seq;             /* next GRE number it sends */
	uint8_t bits;
	bool stateless;
	struct mppe_tx_state mtx;
	struct mppe_rx_state mrx;
};

static void inject(struct rte_ring *r, const uint8_t *f, size_t len)
{
	assert_int_equal(dp_harness_inject(pool, r, f, len), 0);
}

static void run_w(struct worker *x)
{
	dp_harness_run(x);
}

static void run(void)
{
	run_w(w);
}

static void expect_no_leak(void)
{
	assert_int_equal(rte_mempool_avail_count(pool), POOL_MBUFS);
}

static uint64_t drops(enum drop_reason r)
{
	return stats_drop_total(r);
}

/* An inner IPv4 packet: header + payload_len bytes of pattern. */
static size_t inner_ipv4(uint8_t *ip, uint32_t src, uint32_t dst, size_t payload_len, uint8_t ttl)
{
	memset(ip, 0, TF_IPV4_LEN);
	ip[0] = 0x45;
	tf_w16(ip + 2, (uint16_t)(TF_IPV4_LEN + payload_len));
	tf_w16(ip + 4, 0x4242);
	ip[8] = ttl;
	ip[9] = 17;
	tf_w32(ip + 12, src);
	tf_w32(ip + 16, dst);
	for (size_t i = 0; i < payload_len; i++)
		ip[TF_IPV4_LEN + i] = (uint8_t)(i * 7);
	tf_ipv4_fix_cksum(ip);
	return TF_IPV4_LEN + payload_len;
}

/*
 * A GRE frame from the client: PPP (FF 03, 2-octet protocol), MPPE when
 * encrypt, with the client's next sequence number (or seq_override).
 */
static size_t client_frame(struct client *c, uint8_t *f, uint16_t proto, const uint8_t *pl,
			   size_t plen, bool encrypt)
{
	uint8_t ppp[TF_MAX_FRAME];
	size_t n;

	ppp[0] = 0xFF;
	ppp[1] = 0x03;
	if (encrypt) {
		tf_w16(ppp + 2, PPP_FRAME_PROTO_COMP);
		tf_w16(ppp + 6, proto);
		memcpy(ppp + 8, pl, plen);
		assert_int_equal(mppe_tx_encrypt(&c->mtx, ppp + 4, (uint16_t)(plen + 2)), 0);
		n = 8 + plen;
	} else {
		tf_w16(ppp + 2, proto);
		memcpy(ppp + 4, pl, plen);
		n = 4 + plen;
	}
	return dp_harness_gre_frame(f, PEER_IP, OUR_IP, c->our_call, c->seq++, ppp, n);
}

/* The client sends an IPv4 packet (src, dst) with payload_len bytes; returns the inner packet. */
static size_t client_send_ip(struct client *c, uint32_t src, uint32_t dst, size_t payload_len,
			     bool encrypt, uint8_t *inner)
{
	uint8_t f[TF_MAX_FRAME];
	size_t il = inner_ipv4(inner, src, dst, payload_len, 64);
	size_t n = client_frame(c, f, PPP_FRAME_PROTO_IP, inner, il, encrypt);

	inject(wire_rx, f, n);
	return il;
}

/* What the client makes of a frame we sent. */
struct rx_view {
	struct gre_info gi;
	uint16_t proto;           /* inner protocol (after MPPE when encrypted) */
	bool encrypted;
	uint8_t data[TF_MAX_FRAME];
	size_t len;               /* payload after the protocol field */
	uint16_t ip_id;
};

/* Take one frame from r and check its outer layers; decrypt with the client's state. */
static void client_take(struct rte_ring *r, struct client *c, struct rx_view *v)
{
	struct rte_mbuf *m = NULL;
	struct ipv4_info oi;
	struct ppp_frame_info fi;

	assert_int_equal(rte_ring_dequeue(r, (void **)&m), 0);
	uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);
	uint16_t len = (uint16_t)m->pkt_len;
	assert_memory_equal(f, tf_peer_mac, 6);
	assert_memory_equal(f + 6, dp.ports[0].mac.addr_bytes, 6);
	assert_int_equal(f[12] << 8 | f[13], 0x0800);
	uint8_t *ip = f + TF_ETH_LEN;
	assert_int_equal(ipv4_check(ip, (uint16_t)(len - TF_ETH_LEN), &oi), IPV4_OK);
	assert_int_equal(oi.ttl, 64);
	assert_int_equal(oi.proto, TF_IPPROTO_GRE);
	assert_int_equal(oi.frag, 0x4000);  /* DF */
	assert_int_equal(oi.src, OUR_IP);
	assert_int_equal(oi.dst, PEER_IP);
	assert_int_equal(oi.total_len, len - TF_ETH_LEN);
	uint8_t *g = ip + oi.hdr_len;
	assert_int_equal(gre_parse(g, (uint16_t)(oi.total_len - oi.hdr_len), &v->gi), GRE_OK);
	assert_int_equal(v->gi.call_id, c->peer_call);
	v->encrypted = false;
	v->proto = 0;
	v->len = 0;
	if (v->gi.payload_len == 0) {
		rte_pktmbuf_free(m);
		return;
	}
	uint8_t *p = g + v->gi.hdr_len;
	assert_int_equal(ppp_frame_parse(p, v->gi.payload_len, &fi), PPP_FRAME_OK);
	uint8_t *pl = p + fi.hdr_len;
	uint16_t pll = (uint16_t)(v->gi.payload_len - fi.hdr_len);
	if (fi.proto == PPP_FRAME_PROTO_COMP) {
		assert_int_equal(mppe_rx_decrypt(&c->mrx, pl, pll), MPPE_RX_OK);
		assert_int_equal(ppp_proto_parse(pl + 2, (uint16_t)(pll - 2), &fi), PPP_FRAME_OK);
		pl += 2 + fi.hdr_len;
		pll = (uint16_t)(pll - 2 - fi.hdr_len);
		v->encrypted = true;
	}
	v->proto = fi.proto;
	memcpy(v->data, pl, pll);
	v->len = pll;
	rte_pktmbuf_free(m);
}

/* Take whatever the workers sent the control plane. */
static unsigned int cp_take(struct dp_msg **msgs, unsigned int max)
{
	return dp_msg_from_workers(msgs, max);
}

static void cp_free(struct dp_msg **msgs, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		if (msgs[i]->type == DP_MSG_PPP_CTRL_IN)
			rte_pktmbuf_free(msgs[i]->u.frame);
		dp_msg_free(msgs[i]);
	}
}

static void client_open(struct client *c, uint32_t id, uint16_t call, uint32_t ip, uint8_t bits,
			bool stateless)
{
	struct dp_session_params p = {
		.peer_ip = PEER_IP, .local_ip = OUR_IP, .our_call_id = call,
		.peer_call_id = (uint16_t)(call + 1000), .port = 0, .mtu = MTU, .mru = MTU,
		.peer_window = 64,
	};

	memset(c, 0, sizeof(*c));
	c->id = id;
	c->our_call = call;
	c->peer_call = (uint16_t)(call + 1000);
	c->ip = ip;
	c->bits = bits;
	c->stateless = stateless;
	assert_int_equal(dp_session_install(id, &p), 0);
}

static void client_up(struct client *c, struct worker *owner)
{
	struct dp_session_keys k = {
		.client_ip = c->ip, .mtu = MTU, .mru = MTU, .mppe_bits = c->bits,
		.flags = c->stateless ? DP_SESSION_F_MPPE_STATELESS : 0,
	};
	struct mppe_key ck;

	/* Ours: send key_a, receive key_b. The client: the other way round. */
	memcpy(k.send_key, key_a, 16);
	memcpy(k.recv_key, key_b, 16);
	assert_int_equal(dp_session_network_up(c->id, &k), 0);
	if (c->bits != 0) {
		assert_int_equal(mppe_key_init(&ck, key_b, 16, (enum mppe_bits)c->bits), 0);
		mppe_tx_init(&c->mtx, &ck, c->stateless);
		assert_int_equal(mppe_key_init(&ck, key_a, 16, (enum mppe_bits)c->bits), 0);
		mppe_rx_init(&c->mrx, &ck, c->stateless);
	}
	run_w(owner);  /* the owner applies install and keys */
}

/* Remove, let the worker(s) pass a quiescent state, and see the id freed. */
static void client_close(struct client *c)
{
	assert_int_equal(dp_session_remove(c->id), 0);
	for (unsigned int i = 0; i < dp.n_workers; i++)
		run_w(dp_worker_get(i));
	(void)dp_session_reclaim();
	assert_int_equal(dp_session_retiring(), 0);
}

/* The tests run on worker 0 and queue q, where the peer and the LAN host are learnt. */
static int use_queue(const struct dp_harness_queue *q)
{
	wire_rx = q->wire_rx;
	wire_tx = q->wire_tx;
	tap_rx = q->tap_rx;
	tap_tx = q->tap_tx;
	w = dp_worker_get(0);
	if (dp_harness_learn(pool, q, w, PEER_IP, tf_peer_mac, OUR_IP) < 0 ||
	    dp_harness_learn(pool, q, w, LAN_IP, lan_mac, OUR_IP) < 0)
		return -1;
	return 0;
}

static int group_setup(void **state)
{
	if (dp_harness_setup(&h, "s", RING_SLOTS, OUR_IP) < 0)
		return -1;
	*state = &h;
	return use_queue(&h.port.q[0]);
}

/* Both groups: the set-up left its harness in *state. */
static int group_teardown(void **state)
{
	dp_harness_teardown(*state);
	return 0;
}

/* ---- the API's refusals ---- */

static void test_api_errors(void **state)
{
	struct dp_session_params p = { .peer_ip = PEER_IP, .local_ip = OUR_IP, .our_call_id = 5,
				       .port = 0, .mtu = MTU };
	struct dp_session_keys k = { .client_ip = CLIENT_IP, .mtu = MTU };
	struct dp_session_stats st;
	(void)state;

	assert_int_equal(dp_session_max(), N_SESSIONS);
	assert_int_equal(dp_session_install(N_SESSIONS, &p), -EINVAL);
	p.port = 3;
	assert_int_equal(dp_session_install(1, &p), -EINVAL);
	p.port = 0;
	assert_int_equal(dp_session_network_up(1, &k), -ENOENT);
	assert_int_equal(dp_session_remove(1), -ENOENT);
	assert_int_equal(dp_session_stats(1, &st), -ENOENT);
	assert_int_equal(dp_session_last_rx_age_ms(1), -1);
	assert_int_equal(dp_session_install(1, &p), 0);
	assert_int_equal(dp_session_install(1, &p), -EBUSY);
	assert_int_equal(dp_session_install(2, &p), -EEXIST);  /* same (peer, call id) */
	assert_int_equal(dp_session_owner(1), 0);
	assert_int_equal(dp_session_network_up(1, &k), 0);
	k.client_ip = CLIENT2_IP;
	assert_int_equal(dp_session_network_up(1, &k), -EINVAL);  /* the address cannot move */
	p.our_call_id = 6;
	assert_int_equal(dp_session_install(2, &p), 0);
	k.client_ip = CLIENT_IP;
	assert_int_equal(dp_session_network_up(2, &k), -EEXIST);  /* taken by session 1 */
	k.mppe_bits = 64;
	assert_int_equal(dp_session_network_up(2, &k), -EINVAL);
	run();
	assert_int_equal(dp_session_stats(1, &st), 0);
	assert_int_equal(st.state, SESSION_UP);
	assert_int_equal(dp_session_stats(2, &st), 0);
	assert_int_equal(st.state, SESSION_ESTABLISHING);
	assert_true(dp_session_last_rx_age_ms(1) >= 0);

	/* Removed: retiring until the worker passes a quiescent state. */
	assert_int_equal(dp_session_remove(1), 0);
	assert_int_equal(dp_session_remove(2), 0);
	assert_int_equal(dp_session_retiring(), 2);
	assert_int_equal(dp_session_install(1, &p), -EBUSY);
	run();
	assert_int_equal(dp_session_reclaim(), 2);
	assert_int_equal(dp_session_retiring(), 0);
	assert_int_equal(dp_session_stats(1, &st), -ENOENT);
	expect_no_leak();
}

/* ---- both directions, every MPPE mode ---- */

static const struct {
	const char *name;
	uint8_t bits;
	bool stateless;
} modes[] = {
	{ "none", 0, false },
	{ "MPPE-128 stateless", 128, true },
	{ "MPPE-128 stateful", 128, false },
	{ "MPPE-40 stateless", 40, true },
	{ "MPPE-56 stateful", 56, false },
};

static void test_both_directions_all_modes(void **state)
{
	uint8_t inner[TF_MAX_FRAME], expect[TF_MAX_FRAME], f[TF_MAX_FRAME];
	struct rx_view v;
	(void)state;

	for (size_t mi = 0; mi < sizeof(modes) / sizeof(modes[0]); mi++) {
		struct client c;
		print_message("mode %s\n", modes[mi].name);
		client_open(&c, 10 + (uint32_t)mi, (uint16_t)(100 + mi), CLIENT_IP, modes[mi].bits,
			    modes[mi].stateless);
		client_up(&c, w);
		bool enc = modes[mi].bits != 0;

		for (unsigned int k = 0; k < 3; k++) {
			size_t sizes[3] = { 36, 472, 1360 };
			/* Upstream: the client's packet reaches the LAN host, TTL - 1. */
			size_t il = client_send_ip(&c, CLIENT_IP, LAN_IP, sizes[k], enc, inner);
			run();
			memcpy(expect, inner, il);
			expect[8]--;
			tf_ipv4_fix_cksum(expect);
			struct rte_mbuf *m = NULL;
			assert_int_equal(rte_ring_dequeue(wire_tx, (void **)&m), 0);
			uint8_t *o = rte_pktmbuf_mtod(m, uint8_t *);
			assert_int_equal(m->pkt_len, TF_ETH_LEN + il);
			assert_memory_equal(o, lan_mac, 6);
			assert_memory_equal(o + 6, dp.ports[0].mac.addr_bytes, 6);
			assert_memory_equal(o + TF_ETH_LEN, expect, il);
			rte_pktmbuf_free(m);

			/* Downstream: the LAN host's packet reaches the client, TTL - 1. */
			size_t fl = tf_eth(f, tf_our_mac, lan_mac, 0x0800);
			il = inner_ipv4(f + fl, LAN_IP, CLIENT_IP, sizes[k], 64);
			memcpy(expect, f + fl, il);
			expect[8]--;
			tf_ipv4_fix_cksum(expect);
			inject(wire_rx, f, fl + il);
			run();
			client_take(wire_tx, &c, &v);
			assert_int_equal(v.gi.seq, k);       /* our numbers start at 0 */
			assert_true(v.gi.has_ack);           /* the client's packet k is owed */
			assert_int_equal(v.gi.ack, k);
			assert_int_equal(v.encrypted, enc);
			assert_int_equal(v.proto, PPP_FRAME_PROTO_IP);
			assert_int_equal(v.len, il);
			assert_memory_equal(v.data, expect, il);
		}
		struct dp_session_stats st;
		assert_int_equal(dp_session_stats(c.id, &st), 0);
		assert_int_equal(st.rx_packets, 3);
		assert_int_equal(st.tx_packets, 3);
		assert_int_equal(st.rx_drops + st.tx_drops, 0);
		client_close(&c);
	}
	assert_int_equal(rte_ring_count(wire_tx) + rte_ring_count(tap_tx), 0);
	expect_no_leak();
}

/* ---- kernel side: local delivery and TAP-originated downstream ---- */

static void test_local_and_tap(void **state)
{
	uint8_t inner[TF_MAX_FRAME], f[TF_MAX_FRAME];
	struct rx_view v;
	struct client c;
	(void)state;

	client_open(&c, 20, 200, CLIENT_IP, 128, true);
	client_up(&c, w);
	/* To our own address: to the kernel, unchanged (no TTL decrement), Ethernet to the TAP's MAC. */
	size_t il = client_send_ip(&c, CLIENT_IP, OUR_IP, 56, true, inner);
	run();
	struct rte_mbuf *m = NULL;
	assert_int_equal(rte_ring_dequeue(tap_tx, (void **)&m), 0);
	assert_int_equal(m->pkt_len, TF_ETH_LEN + il);
	assert_memory_equal(rte_pktmbuf_mtod(m, uint8_t *), dp.ports[0].mac.addr_bytes, 6);
	assert_memory_equal(rte_pktmbuf_mtod(m, uint8_t *) + TF_ETH_LEN, inner, il);
	rte_pktmbuf_free(m);
	/* Off-link destination: the kernel routes it too. */
	client_send_ip(&c, CLIENT_IP, tf_ip(198, 51, 100, 9), 20, true, inner);
	run();
	assert_int_equal(rte_ring_dequeue(tap_tx, (void **)&m), 0);
	rte_pktmbuf_free(m);

	/* The kernel's reply comes from the TAP: into the tunnel, TTL untouched. */
	size_t fl = tf_eth(f, tf_peer_mac, dp.ports[0].mac.addr_bytes, 0x0800);
	il = inner_ipv4(f + fl, OUR_IP, CLIENT_IP, 56, 64);
	inject(tap_rx, f, fl + il);
	run();
	client_take(wire_tx, &c, &v);
	assert_int_equal(v.len, il);
	assert_memory_equal(v.data, f + fl, il);
	client_close(&c);
	expect_no_leak();
}

/* ---- TCP MSS clamp on the way in ---- */

static void test_mss_clamp(void **state)
{
	uint8_t f[TF_MAX_FRAME];
	struct rx_view v;
	struct client c;
	(void)state;

	client_open(&c, 21, 210, CLIENT_IP, 0, false);
	client_up(&c, w);
	size_t fl = tf_eth(f, tf_our_mac, lan_mac, 0x0800);
	uint8_t *ip = f + fl;
	inner_ipv4(ip, LAN_IP, CLIENT_IP, 24, 64);
	ip[9] = 6;
	uint8_t *tcp = ip + 20;
	memset(tcp, 0, 24);
	tcp[12] = 6 << 4;
	tcp[13] = 0x02;  /* SYN */
	tcp[20] = 2;
	tcp[21] = 4;
	tf_w16(tcp + 22, 1460);
	tf_ipv4_fix_cksum(ip);
	inject(wire_rx, f, fl + 44);
	run();
	client_take(wire_tx, &c, &v);
	assert_int_equal(v.data[20 + 22] << 8 | v.data[20 + 23], MTU - 40);
	client_close(&c);
	expect_no_leak();
}

/* ---- loss and reordering ---- */

static void test_stateless_loss_and_late(void **state)
{
	uint8_t inner[TF_MAX_FRAME], f[TF_MAX_FRAME];
	struct client c;
	struct rte_mbuf *m = NULL;
	(void)state;

	client_open(&c, 22, 220, CLIENT_IP, 128, true);
	client_up(&c, w);
	/* Packet 0 arrives, 1 is held back (late), 2 arrives: 2 decrypts across the gap. */
	client_send_ip(&c, CLIENT_IP, LAN_IP, 30, true, inner);
	size_t il = inner_ipv4(inner, CLIENT_IP, LAN_IP, 30, 64);
	size_t late = client_frame(&c, f, PPP_FRAME_PROTO_IP, inner, il, true);
	client_send_ip(&c, CLIENT_IP, LAN_IP, 30, true, inner);
	run();
	assert_int_equal(rte_ring_count(wire_tx), 2);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(rte_ring_dequeue(wire_tx, (void **)&m), 0);
		rte_pktmbuf_free(m);
	}
	/* The late one is inside the GRE window but MPPE's count is behind: dropped, state intact. */
	uint64_t before = drops(DROP_MPPE_REORDERED);
	inject(wire_rx, f, late);
	run();
	assert_int_equal(drops(DROP_MPPE_REORDERED) - before, 1);
	assert_int_equal(rte_ring_count(wire_tx), 0);
	/* Beyond the GRE window (64 back): dropped before MPPE sees it. */
	c.seq += 100;
	client_send_ip(&c, CLIENT_IP, LAN_IP, 30, true, inner);
	run();
	assert_int_equal(rte_ring_dequeue(wire_tx, (void **)&m), 0);
	rte_pktmbuf_free(m);
	before = drops(DROP_GRE_SEQ_STALE);
	inject(wire_rx, f, late);
	run();
	assert_int_equal(drops(DROP_GRE_SEQ_STALE) - before, 1);
	/* And the next packet still decrypts. */
	client_send_ip(&c, CLIENT_IP, LAN_IP, 30, true, inner);
	run();
	assert_int_equal(rte_ring_dequeue(wire_tx, (void **)&m), 0);
	rte_pktmbuf_free(m);
	client_close(&c);
	expect_no_leak();
}

static void test_stateful_loss_one_reset_event(void **state)
{
	uint8_t inner[TF_MAX_FRAME], f[TF_MAX_FRAME];
	struct dp_msg *msgs[8];
	struct client c;
	struct rte_mbuf *m = NULL;
	(void)state;

	client_open(&c, 23, 230, CLIENT_IP, 128, false);
	client_up(&c, w);
	client_send_ip(&c, CLIENT_IP, LAN_IP, 30, true, inner);
	run();
	assert_int_equal(rte_ring_dequeue(wire_tx, (void **)&m), 0);
	rte_pktmbuf_free(m);
	/* Packet 1 is lost: 2, 3 and 4 cannot be decrypted; exactly one event. */
	size_t il = inner_ipv4(inner, CLIENT_IP, LAN_IP, 30, 64);
	(void)client_frame(&c, f, PPP_FRAME_PROTO_IP, inner, il, true);
	uint64_t lost = drops(DROP_MPPE_LOST_SYNC), wait = drops(DROP_MPPE_RESYNC_WAIT);
	for (int i = 0; i < 3; i++)
		client_send_ip(&c, CLIENT_IP, LAN_IP, 30, true, inner);
	run();
	assert_int_equal(rte_ring_count(wire_tx), 0);
	assert_int_equal(drops(DROP_MPPE_LOST_SYNC) - lost, 1);
	assert_int_equal(drops(DROP_MPPE_RESYNC_WAIT) - wait, 2);
	unsigned int n = cp_take(msgs, 8);
	assert_int_equal(n, 1);
	assert_int_equal(msgs[0]->type, DP_MSG_EVENT);
	assert_int_equal(msgs[0]->session_id, c.id);
	assert_int_equal(msgs[0]->u.event.kind, DP_EVENT_MPPE_RESET_NEEDED);
	cp_free(msgs, n);
	/* The client answers our Reset-Request with a flushed packet: in sync again. */
	mppe_tx_reset_request(&c.mtx);
	client_send_ip(&c, CLIENT_IP, LAN_IP, 30, true, inner);
	client_send_ip(&c, CLIENT_IP, LAN_IP, 30, true, inner);
	run();
	assert_int_equal(rte_ring_count(wire_tx), 2);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(rte_ring_dequeue(wire_tx, (void **)&m), 0);
		rte_pktmbuf_free(m);
	}
	assert_int_equal(cp_take(msgs, 8), 0);
	client_close(&c);
	expect_no_leak();
}

/* A CCP Reset-Request from the peer flushes our next packet (A bit), and still reaches the control plane. */
static void test_peer_reset_request_flushes_tx(void **state)
{
	uint8_t f[TF_MAX_FRAME];
	struct dp_msg *msgs[8];
	struct rx_view v;
	struct client c;
	(void)state;

	client_open(&c, 24, 240, CLIENT_IP, 128, false);
	client_up(&c, w);
	const uint8_t rr[4] = { 14, 7, 0, 4 };  /* CCP Reset-Request id 7 */
	size_t n = client_frame(&c, f, PPP_FRAME_PROTO_CCP, rr, sizeof(rr), false);
	inject(wire_rx, f, n);
	run();
	unsigned int k = cp_take(msgs, 8);
	assert_int_equal(k, 1);
	assert_int_equal(msgs[0]->type, DP_MSG_PPP_CTRL_IN);
	cp_free(msgs, k);
	size_t fl = tf_eth(f, tf_our_mac, lan_mac, 0x0800);
	size_t il = inner_ipv4(f + fl, LAN_IP, CLIENT_IP, 20, 64);
	inject(wire_rx, f, fl + il);
	run();
	struct rte_mbuf *m = NULL;
	assert_int_equal(rte_ring_dequeue(wire_tx, (void **)&m), 0);
	/* MPPE header right after GRE (16 with ack) and FF 03 00 FD: A and D set. */
	uint8_t *mp = rte_pktmbuf_mtod(m, uint8_t *) + TF_ETH_LEN + TF_IPV4_LEN + 16 + 4;
	assert_int_equal(mp[0] & 0x90, 0x90);
	assert_int_equal(rte_ring_enqueue(wire_tx, m), 0);
	client_take(wire_tx, &c, &v);  /* and the client decrypts it */
	client_close(&c);
	expect_no_leak();
}

/* ---- drops ---- */

static void test_spoof_unknown_unencrypted_not_up(void **state)
{
	uint8_t inner[TF_MAX_FRAME];
	struct dp_session_stats st;
	struct client c;
	(void)state;

	client_open(&c, 25, 250, CLIENT_IP, 128, true);
	run();
	/* Establishing: no data yet. */
	uint64_t b = drops(DROP_SESSION_NOT_UP);
	client_send_ip(&c, CLIENT_IP, LAN_IP, 20, false, inner);
	run();
	assert_int_equal(drops(DROP_SESSION_NOT_UP) - b, 1);
	client_up(&c, w);
	/* Another source address. */
	b = drops(DROP_IPV4_SPOOFED);
	client_send_ip(&c, tf_ip(10, 0, 0, 99), LAN_IP, 20, true, inner);
	run();
	assert_int_equal(drops(DROP_IPV4_SPOOFED) - b, 1);
	/* Plain IPv4 on a session that requires MPPE. */
	b = drops(DROP_SESSION_UNENCRYPTED);
	client_send_ip(&c, CLIENT_IP, LAN_IP, 20, false, inner);
	run();
	assert_int_equal(drops(DROP_SESSION_UNENCRYPTED) - b, 1);
	/* A Call-ID nobody has. */
	b = drops(DROP_SESSION_UNKNOWN);
	c.our_call = 4242;
	client_send_ip(&c, CLIENT_IP, LAN_IP, 20, true, inner);
	run();
	assert_int_equal(drops(DROP_SESSION_UNKNOWN) - b, 1);
	assert_int_equal(rte_ring_count(wire_tx) + rte_ring_count(tap_tx), 0);
	assert_int_equal(dp_session_stats(c.id, &st), 0);
	assert_int_equal(st.rx_drops, 3);  /* the unknown Call-ID is nobody's */
	client_close(&c);
	expect_no_leak();
}

/* ---- control frames both ways, acks ---- */

static void test_ctrl_in_lcp_and_encrypted_ipcp(void **state)
{
	uint8_t f[TF_MAX_FRAME];
	struct dp_msg *msgs[8];
	struct client c;
	(void)state;

	client_open(&c, 26, 260, CLIENT_IP, 128, true);
	run();
	/* LCP Echo-Request while establishing. */
	const uint8_t echo[8] = { 9, 1, 0, 8, 0x11, 0x22, 0x33, 0x44 };
	size_t n = client_frame(&c, f, PPP_FRAME_PROTO_LCP, echo, sizeof(echo), false);
	inject(wire_rx, f, n);
	run();
	unsigned int k = cp_take(msgs, 8);
	assert_int_equal(k, 1);
	assert_int_equal(msgs[0]->type, DP_MSG_PPP_CTRL_IN);
	assert_int_equal(msgs[0]->session_id, c.id);
	const uint8_t want_lcp[12] = { 0xFF, 0x03, 0xC0, 0x21, 9, 1, 0, 8, 0x11, 0x22, 0x33, 0x44 };
	assert_int_equal(rte_pktmbuf_pkt_len(msgs[0]->u.frame), sizeof(want_lcp));
	assert_memory_equal(rte_pktmbuf_mtod(msgs[0]->u.frame, uint8_t *), want_lcp, sizeof(want_lcp));
	cp_free(msgs, k);

	/* IPCP inside MPPE once keyed: the control plane gets the plaintext. */
	client_up(&c, w);
	const uint8_t ipcp[10] = { 1, 3, 0, 10, 3, 6, 10, 0, 0, 5 };
	n = client_frame(&c, f, PPP_FRAME_PROTO_IPCP, ipcp, sizeof(ipcp), true);
	inject(wire_rx, f, n);
	run();
	k = cp_take(msgs, 8);
	assert_int_equal(k, 1);
	const uint8_t want_ipcp[12] = { 0x80, 0x21, 1, 3, 0, 10, 3, 6, 10, 0, 0, 5 };
	assert_int_equal(rte_pktmbuf_pkt_len(msgs[0]->u.frame), sizeof(want_ipcp));
	assert_memory_equal(rte_pktmbuf_mtod(msgs[0]->u.frame, uint8_t *), want_ipcp, sizeof(want_ipcp));
	cp_free(msgs, k);
	struct dp_session_stats st;
	assert_int_equal(dp_session_stats(c.id, &st), 0);
	assert_int_equal(st.ctrl_in, 2);
	client_close(&c);
	expect_no_leak();
}

static void test_ctrl_out_seq_ack_and_ack_only(void **state)
{
	uint8_t f[TF_MAX_FRAME];
	struct rx_view v;
	struct client c;
	(void)state;

	client_open(&c, 27, 270, CLIENT_IP, 128, true);
	run();
	/* Two frames from the client (seq 0, 1): our first control frame acks 1. */
	const uint8_t echo[8] = { 9, 1, 0, 8, 1, 2, 3, 4 };
	for (int i = 0; i < 2; i++) {
		size_t n = client_frame(&c, f, PPP_FRAME_PROTO_LCP, echo, sizeof(echo), false);
		inject(wire_rx, f, n);
	}
	run();
	struct dp_msg *msgs[8];
	cp_free(msgs, cp_take(msgs, 8));
	const uint8_t reply[12] = { 0xFF, 0x03, 0xC0, 0x21, 10, 1, 0, 8, 5, 6, 7, 8 };
	assert_int_equal(dp_session_send_ctrl(c.id, reply, sizeof(reply)), 0);
	run();
	client_take(wire_tx, &c, &v);
	assert_true(v.gi.has_seq);
	assert_int_equal(v.gi.seq, 0);
	assert_true(v.gi.has_ack);
	assert_int_equal(v.gi.ack, 1);
	assert_int_equal(v.proto, PPP_FRAME_PROTO_LCP);
	assert_memory_equal(v.data, reply + 4, 8);

	/* One more from the client, no data back: an ack-only after the delay (0x2081). */
	size_t n = client_frame(&c, f, PPP_FRAME_PROTO_LCP, echo, sizeof(echo), false);
	inject(wire_rx, f, n);
	run();
	cp_free(msgs, cp_take(msgs, 8));
	tunnel_ack_tick(w, sess.s[c.id].ack_due_tsc);  /* too early */
	worker_drain_tx(w);
	assert_int_equal(rte_ring_count(wire_tx), 0);
	tunnel_ack_tick(w, rte_rdtsc() + BIG_TSC);
	worker_drain_tx(w);
	struct rte_mbuf *m = NULL;
	assert_int_equal(rte_ring_dequeue(wire_tx, (void **)&m), 0);
	uint8_t *g = rte_pktmbuf_mtod(m, uint8_t *) + TF_ETH_LEN + TF_IPV4_LEN;
	assert_int_equal(g[0] << 8 | g[1], 0x2081);
	assert_int_equal(rte_ring_enqueue(wire_tx, m), 0);
	client_take(wire_tx, &c, &v);
	assert_false(v.gi.has_seq);
	assert_int_equal(v.gi.ack, 2);
	/* Nothing more owed. */
	tunnel_ack_tick(w, rte_rdtsc() + BIG_TSC);
	worker_drain_tx(w);
	assert_int_equal(rte_ring_count(wire_tx), 0);

	/* Keyed: IPCP goes out encrypted, LCP and CCP do not. */
	client_up(&c, w);
	const uint8_t ipcp[10] = { 2, 3, 0, 10, 3, 6, 10, 0, 0, 5 };
	uint8_t fr[14] = { 0xFF, 0x03, 0x80, 0x21 };
	memcpy(fr + 4, ipcp, sizeof(ipcp));
	assert_int_equal(dp_session_send_ctrl(c.id, fr, sizeof(fr)), 0);
	assert_int_equal(dp_session_send_ctrl(c.id, reply, sizeof(reply)), 0);
	run();
	client_take(wire_tx, &c, &v);
	assert_true(v.encrypted);
	assert_int_equal(v.proto, PPP_FRAME_PROTO_IPCP);
	assert_int_equal(v.gi.seq, 1);
	assert_memory_equal(v.data, ipcp, sizeof(ipcp));
	client_take(wire_tx, &c, &v);
	assert_false(v.encrypted);
	assert_int_equal(v.proto, PPP_FRAME_PROTO_LCP);
	assert_int_equal(v.gi.seq, 2);
	client_close(&c);
	expect_no_leak();
}

/* The client's acks move our transmit window. */
static void test_peer_ack_recorded(void **state)
{
	struct client c;
	uint8_t f[TF_MAX_FRAME];
	struct rx_view v;
	(void)state;

	client_open(&c, 28, 280, CLIENT_IP, 0, false);
	client_up(&c, w);
	const uint8_t reply[8] = { 0xFF, 0x03, 0xC0, 0x21, 10, 1, 0, 4 };
	for (int i = 0; i < 3; i++)
		assert_int_equal(dp_session_send_ctrl(c.id, reply, sizeof(reply)), 0);
	run();
	for (int i = 0; i < 3; i++)
		client_take(wire_tx, &c, &v);
	assert_int_equal(gre_tx_in_flight(&sess.s[c.id].tx_seq), 3);
	/* Ack-only 0x2081 acking 1. */
	size_t off = tf_eth(f, tf_our_mac, tf_peer_mac, 0x0800);
	size_t il = inner_ipv4(f + off, PEER_IP, OUR_IP, 12, 64);
	f[off + 9] = TF_IPPROTO_GRE;
	gre_build(f + off + 20, c.our_call, 0, false, 0, true, 1);
	tf_ipv4_fix_cksum(f + off);
	inject(wire_rx, f, off + il);
	run();
	assert_int_equal(gre_tx_in_flight(&sess.s[c.id].tx_seq), 1);
	client_close(&c);
	expect_no_leak();
}

/* ---- removal ---- */

static void test_remove_then_dropped_and_reinstall(void **state)
{
	uint8_t inner[TF_MAX_FRAME], f[TF_MAX_FRAME];
	struct client c, c2;
	struct rte_mbuf *m = NULL;
	(void)state;

	client_open(&c, 29, 290, CLIENT_IP, 128, true);
	client_up(&c, w);
	client_send_ip(&c, CLIENT_IP, LAN_IP, 20, true, inner);  /* fills the worker's cache */
	run();
	assert_int_equal(rte_ring_dequeue(wire_tx, (void **)&m), 0);
	rte_pktmbuf_free(m);
	assert_int_equal(dp_session_remove(c.id), 0);
	/* In the same pass as the REMOVE: the cached ref is no longer trusted, the key is gone. */
	uint64_t gone = drops(DROP_SESSION_GONE), unknown = drops(DROP_SESSION_UNKNOWN);
	client_send_ip(&c, CLIENT_IP, LAN_IP, 20, true, inner);
	size_t fl = tf_eth(f, tf_our_mac, lan_mac, 0x0800);
	size_t il = inner_ipv4(f + fl, LAN_IP, CLIENT_IP, 20, 64);
	inject(wire_rx, f, fl + il);  /* downstream: the address is gone from the table */
	run();
	assert_int_equal(drops(DROP_SESSION_UNKNOWN) - unknown, 1);
	assert_int_equal(rte_ring_count(wire_tx), 0);
	/* Downstream to a removed address is plain kernel traffic now. */
	assert_int_equal(rte_ring_dequeue(tap_tx, (void **)&m), 0);
	rte_pktmbuf_free(m);
	assert_int_equal(dp_session_reclaim(), 1);

	/* The id again, for another call (new peer Call-ID, other address). */
	client_open(&c2, 29, 291, CLIENT2_IP, 128, true);
	client_up(&c2, w);
	/* The old call's packets: unknown key now, never the new session's state. */
	client_send_ip(&c, CLIENT_IP, LAN_IP, 20, true, inner);
	run();
	assert_true(drops(DROP_SESSION_UNKNOWN) + drops(DROP_SESSION_GONE) - unknown - gone >= 2);
	assert_int_equal(rte_ring_count(wire_tx), 0);
	client_send_ip(&c2, CLIENT2_IP, LAN_IP, 20, true, inner);
	run();
	assert_int_equal(rte_ring_dequeue(wire_tx, (void **)&m), 0);
	rte_pktmbuf_free(m);
	client_close(&c2);
	expect_no_leak();
}

/* Many sessions at once: each packet lands in its own session. */
static void test_many_sessions(void **state)
{
	static struct client cs[N_SESSIONS - 1];
	uint8_t inner[TF_MAX_FRAME];
	(void)state;

	for (uint32_t i = 0; i < N_SESSIONS - 1; i++) {
		client_open(&cs[i], i + 1, (uint16_t)(1000 + i), tf_ip(10, 1, 0, (uint8_t)(i + 1)), 128, true);
		client_up(&cs[i], w);
	}
	assert_int_equal(dp_session_install(0, &(struct dp_session_params){ .peer_ip = 1, .port = 0 }), 0);
	for (uint32_t round = 0; round < 2; round++) {
		for (uint32_t i = 0; i < N_SESSIONS - 1; i++) {
			client_send_ip(&cs[i], cs[i].ip, LAN_IP, 20, true, inner);
			if ((i + 1) % 16 == 0) {
				run();
				struct rte_mbuf *m[16];
				assert_int_equal(rte_ring_dequeue_bulk(wire_tx, (void **)m, 16, NULL), 16);
				rte_pktmbuf_free_bulk(m, 16);
			}
		}
		run();
		struct rte_mbuf *m[16];
		unsigned int k = rte_ring_dequeue_burst(wire_tx, (void **)m, 16, NULL);
		assert_int_equal(k, (N_SESSIONS - 1) % 16);
		rte_pktmbuf_free_bulk(m, k);
	}
	struct dp_session_params p = { .peer_ip = 2, .port = 0 };
	assert_int_equal(dp_session_install(N_SESSIONS - 1, &p), -EBUSY);  /* id in use */
	for (uint32_t i = 0; i < N_SESSIONS - 1; i++)
		assert_int_equal(dp_session_remove(cs[i].id), 0);
	assert_int_equal(dp_session_remove(0), 0);
	/* Ids come back once the owner applied each REMOVE (8 messages a pass). */
	run();
	unsigned int freed = dp_session_reclaim();
	assert_true(freed < N_SESSIONS);
	for (int i = 0; i < N_SESSIONS / WORKER_MSG_BURST; i++)
		run();
	assert_int_equal(freed + dp_session_reclaim(), N_SESSIONS);
	/* All 63 owed an ack when removed: every one left the owner's ack list. */
	assert_int_equal(w->ack_head, SESSION_NONE);
	expect_no_leak();
}

/* ---- telemetry: what an operator reads with dpdk-telemetry.py ---- */

/* One command on our own telemetry socket; the JSON reply in buf. */
static void telemetry_query(const char *cmd, char *buf, size_t len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);

	assert_true(fd >= 0);
	static const char sock[] = "/dpdk_telemetry.v2";
	const char *dir = dp_harness_runtime_dir();
	size_t dl = strlen(dir);
	assert_true(dl + sizeof(sock) <= sizeof(sa.sun_path));
	memcpy(sa.sun_path, dir, dl);
	memcpy(sa.sun_path + dl, sock, sizeof(sock));
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ssize_t n = read(fd, buf, len - 1);  /* the server's greeting */
	assert_true(n > 0);
	assert_int_equal(write(fd, cmd, strlen(cmd)), (ssize_t)strlen(cmd));
	n = read(fd, buf, len - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	close(fd);
}

static void test_telemetry_sessions(void **state)
{
	uint8_t inner[TF_MAX_FRAME];
	char buf[16384];
	struct client c;
	struct rte_mbuf *m = NULL;
	(void)state;

	client_open(&c, 30, 300, CLIENT_IP, 128, true);
	client_up(&c, w);
	client_send_ip(&c, CLIENT_IP, LAN_IP, 20, true, inner);
	run();
	assert_int_equal(rte_ring_dequeue(wire_tx, (void **)&m), 0);
	rte_pktmbuf_free(m);
	telemetry_query("/pptpgw/sessions", buf, sizeof(buf));
	assert_non_null(strstr(buf, "\"installed\":1"));
	assert_non_null(strstr(buf, "\"up\":1"));
	assert_non_null(strstr(buf, "\"rx_packets\":1"));
	telemetry_query("/pptpgw/session,30", buf, sizeof(buf));
	assert_non_null(strstr(buf, "\"state\":\"up\""));
	assert_non_null(strstr(buf, "\"peer\":\"192.0.2.2\""));
	assert_non_null(strstr(buf, "\"client\":\"10.0.0.5\""));
	assert_non_null(strstr(buf, "\"our_call_id\":300"));
	assert_non_null(strstr(buf, "\"mppe_mode\":\"stateless\""));
	telemetry_query("/pptpgw/session,31", buf, sizeof(buf));  /* not installed: null */
	assert_null(strstr(buf, "state"));
	telemetry_query("/pptpgw/drops", buf, sizeof(buf));
	assert_non_null(strstr(buf, "\"session_unknown\""));
	client_close(&c);
	expect_no_leak();
}

/* ---- rate limit: the owner's buckets on a controlled clock ---- */

static void run_at(uint64_t now)
{
	worker_poll_once(w, now);
	worker_drain_tx(w);
}

/* Frames on wire_tx to the LAN host (the client's data, forwarded); everything is taken. */
static unsigned int take_to_lan(void)
{
	struct rte_mbuf *m = NULL;
	unsigned int n = 0;

	while (rte_ring_dequeue(wire_tx, (void **)&m) == 0) {
		n += memcmp(rte_pktmbuf_mtod(m, uint8_t *), lan_mac, 6) == 0;
		rte_pktmbuf_free(m);
	}
	return n;
}

/* Data frames on wire_tx to the client (acks alone are skipped), decrypted by it. */
static unsigned int client_take_data(struct client *c, size_t ip_len)
{
	struct rx_view v;
	unsigned int n = 0;

	while (rte_ring_count(wire_tx) > 0) {
		client_take(wire_tx, c, &v);
		if (v.len == 0)
			continue;
		assert_int_equal(v.proto, PPP_FRAME_PROTO_IP);
		assert_int_equal(v.len, ip_len);
		n++;
	}
	return n;
}

/* n packets of ip_len bytes from the LAN host to the client, all in one rx burst. */
static void lan_send(unsigned int n, size_t ip_len)
{
	uint8_t f[TF_MAX_FRAME];

	for (unsigned int i = 0; i < n; i++) {
		size_t fl = tf_eth(f, tf_our_mac, lan_mac, 0x0800);
		size_t il = inner_ipv4(f + fl, LAN_IP, CLIENT_IP, ip_len - TF_IPV4_LEN, 64);
		inject(wire_rx, f, fl + il);
	}
}

#define RATE_BURST_PKTS 30u   /* one rx burst (WORKER_BURST is 32) */
#define RATE_IP_LEN     1000u
#define MS_TSC(ms)      (rte_get_tsc_hz() / 1000 * (ms))

/*
 * 1 Mbit/s up, 2 Mbit/s down, 10,000-byte buckets, 1000-byte packets: a
 * burst of 30 passes 10 each way and drops 20; 40 ms later the rate has
 * refilled 5,000 bytes up and 10,000 down. Dropped packets were never
 * encrypted, so stateful MPPE stays in step; a CoA to 0/0 lifts the limit.
 */
static void test_rate_limit_burst_refill(void **state)
{
	uint8_t inner[TF_MAX_FRAME];
	struct dp_session_stats st;
	struct dp_session_rate rate = { .rx_bps = 1000000, .tx_bps = 2000000,
					.rx_burst = 10000, .tx_burst = 10000 };
	struct client c;
	char buf[16384];
	(void)state;

	client_open(&c, 40, 400, CLIENT_IP, 128, false);
	client_up(&c, w);
	assert_int_equal(dp_session_set_rate(c.id, &rate), 0);
	uint64_t t0 = rte_rdtsc();
	run_at(t0);  /* the owner applies it: buckets full */

	/* Upstream. */
	uint64_t d_rx = drops(DROP_RATE_LIMIT_RX);
	for (unsigned int i = 0; i < RATE_BURST_PKTS; i++)
		client_send_ip(&c, CLIENT_IP, LAN_IP, RATE_IP_LEN - TF_IPV4_LEN, true, inner);
	run_at(t0);
	assert_int_equal(take_to_lan(), 10);
	assert_int_equal(drops(DROP_RATE_LIMIT_RX) - d_rx, 20);
	for (unsigned int i = 0; i < RATE_BURST_PKTS; i++)
		client_send_ip(&c, CLIENT_IP, LAN_IP, RATE_IP_LEN - TF_IPV4_LEN, true, inner);
	run_at(t0 + MS_TSC(40));
	assert_int_equal(take_to_lan(), 5);
	assert_int_equal(drops(DROP_RATE_LIMIT_RX) - d_rx, 45);

	/* Downstream, encrypted after the bucket: the client decrypts every one it gets. */
	uint64_t d_tx = drops(DROP_RATE_LIMIT_TX);
	lan_send(RATE_BURST_PKTS, RATE_IP_LEN);
	run_at(t0 + MS_TSC(40));
	assert_int_equal(client_take_data(&c, RATE_IP_LEN), 10);
	assert_int_equal(drops(DROP_RATE_LIMIT_TX) - d_tx, 20);
	lan_send(RATE_BURST_PKTS, RATE_IP_LEN);
	run_at(t0 + MS_TSC(80));
	assert_int_equal(client_take_data(&c, RATE_IP_LEN), 10);
	assert_int_equal(drops(DROP_RATE_LIMIT_TX) - d_tx, 40);

	assert_int_equal(dp_session_stats(c.id, &st), 0);
	assert_int_equal(st.rate_rx_bps, 1000000);
	assert_int_equal(st.rate_tx_bps, 2000000);
	assert_int_equal(st.rate_rx_drops, 45);
	assert_int_equal(st.rate_tx_drops, 40);
	assert_int_equal(st.rx_drops, 45);
	assert_int_equal(st.tx_drops, 40);
	telemetry_query("/pptpgw/session,40", buf, sizeof(buf));
	assert_non_null(strstr(buf, "\"rate_limit\":\"1M/2M\""));
	assert_non_null(strstr(buf, "\"rate_limit_rx_drops\":45"));
	telemetry_query("/pptpgw/drops", buf, sizeof(buf));
	assert_non_null(strstr(buf, "\"rate_limit_rx\""));
	assert_non_null(strstr(buf, "\"rate_limit_tx\""));

	/* Lifted (0 is unlimited): the same bursts at the same instant all pass. */
	memset(&rate, 0, sizeof(rate));
	assert_int_equal(dp_session_set_rate(c.id, &rate), 0);
	run_at(t0 + MS_TSC(80));
	for (unsigned int i = 0; i < RATE_BURST_PKTS; i++)
		client_send_ip(&c, CLIENT_IP, LAN_IP, RATE_IP_LEN - TF_IPV4_LEN, true, inner);
	run_at(t0 + MS_TSC(80));
	assert_int_equal(take_to_lan(), RATE_BURST_PKTS);
	lan_send(RATE_BURST_PKTS, RATE_IP_LEN);
	run_at(t0 + MS_TSC(80));
	assert_int_equal(client_take_data(&c, RATE_IP_LEN), RATE_BURST_PKTS);
	assert_int_equal(dp_session_stats(c.id, &st), 0);
	assert_int_equal(st.rate_rx_bps + st.rate_tx_bps, 0);
	telemetry_query("/pptpgw/session,40", buf, sizeof(buf));
	assert_non_null(strstr(buf, "\"rate_limit\":\"\""));
	client_close(&c);
	expect_no_leak();
}

/*
 * The limit given at network up (dp_session_keys.rate) is in force from the
 * first packet, in one direction only here; an unlimited session beside it
 * passes a whole burst.
 */
static void test_rate_limit_at_network_up_and_unlimited(void **state)
{
	uint8_t inner[TF_MAX_FRAME];
	struct dp_session_keys k = { .client_ip = CLIENT_IP, .mtu = MTU, .mru = MTU,
				     .rate = { .tx_bps = 1000000, .tx_burst = 5000 } };
	struct client lim, free_c;
	(void)state;

	client_open(&lim, 41, 410, CLIENT_IP, 0, false);
	assert_int_equal(dp_session_network_up(lim.id, &k), 0);
	client_open(&free_c, 42, 420, CLIENT2_IP, 0, false);
	client_up(&free_c, w);
	uint64_t t0 = rte_rdtsc();
	run_at(t0);

	/* Limited down only: 5 of 30 pass down, all 30 pass up. */
	lan_send(RATE_BURST_PKTS, RATE_IP_LEN);
	run_at(t0);
	assert_int_equal(client_take_data(&lim, RATE_IP_LEN), 5);
	for (unsigned int i = 0; i < RATE_BURST_PKTS; i++)
		client_send_ip(&lim, CLIENT_IP, LAN_IP, RATE_IP_LEN - TF_IPV4_LEN, false, inner);
	run_at(t0);
	assert_int_equal(take_to_lan(), RATE_BURST_PKTS);

	/* The unlimited session, same instant, both ways. */
	uint64_t d = drops(DROP_RATE_LIMIT_RX) + drops(DROP_RATE_LIMIT_TX);
	for (unsigned int i = 0; i < RATE_BURST_PKTS; i++)
		client_send_ip(&free_c, CLIENT2_IP, LAN_IP, RATE_IP_LEN - TF_IPV4_LEN, false, inner);
	run_at(t0);
	assert_int_equal(take_to_lan(), RATE_BURST_PKTS);
	uint8_t f[TF_MAX_FRAME];
	for (unsigned int i = 0; i < RATE_BURST_PKTS; i++) {
		size_t fl = tf_eth(f, tf_our_mac, lan_mac, 0x0800);
		size_t il = inner_ipv4(f + fl, LAN_IP, CLIENT2_IP, RATE_IP_LEN - TF_IPV4_LEN, 64);
		inject(wire_rx, f, fl + il);
	}
	run_at(t0);
	assert_int_equal(client_take_data(&free_c, RATE_IP_LEN), RATE_BURST_PKTS);
	assert_int_equal(drops(DROP_RATE_LIMIT_RX) + drops(DROP_RATE_LIMIT_TX), d);

	/* Data just passed: idle near 0; an id not installed has no idle time. */
	assert_true(dp_session_last_data_age_ms(lim.id) < 1000);
	assert_int_equal(dp_session_last_data_age_ms(N_SESSIONS), -1);
	client_close(&lim);
	client_close(&free_c);
	expect_no_leak();
}

/* ---- two workers: handoff to the owner ---- */

#define MQ 2
static struct dp_harness mqh;

static int mq_setup(void **state)
{
	if (dp_harness_port_create(&mqh.port, "h", MQ, RING_SLOTS) < 0)
		return -1;
	dp_harness_config(&mqh, OUR_IP);
	mqh.cfg.dataplane.workers[1] = 2;
	mqh.cfg.dataplane.n_workers = MQ;
	if (dp_harness_dp_setup(&mqh) < 0)
		return -1;
	*state = &mqh;
	/* Learn the peer and the LAN host on worker 0's queue. */
	return use_queue(&mqh.port.q[0]);
}

static void test_handoff_to_owner(void **state)
{
	uint8_t inner[TF_MAX_FRAME], f[TF_MAX_FRAME];
	struct worker *w0 = dp_worker_get(0), *w1 = dp_worker_get(1);
	struct rx_view v;
	struct client c;
	(void)state;

	/* Session 3: owner 3 % 2 = 1. Its packets arrive on worker 0's queue. */
	client_open(&c, 3, 300, CLIENT_IP, 128, false);
	assert_int_equal(dp_session_owner(3), 1);
	client_up(&c, w1);
	for (int i = 0; i < 4; i++)
		client_send_ip(&c, CLIENT_IP, LAN_IP, 40, true, inner);  /* into worker 0's queue */
	size_t fl = tf_eth(f, tf_our_mac, lan_mac, 0x0800);
	size_t il = inner_ipv4(f + fl, LAN_IP, CLIENT_IP, 40, 64);
	inject(mqh.port.q[0].wire_rx, f, fl + il);
	run_w(w0);
	/* Worker 0 touched nothing of the session: all five went to worker 1. */
	assert_int_equal(w0->wc.handoff_out, 5);
	assert_int_equal(rte_ring_count(mqh.port.q[0].wire_tx) +
			 rte_ring_count(mqh.port.q[1].wire_tx), 0);
	assert_int_equal(sess.s[3].c.rx_packets, 0);
	run_w(w1);
	assert_int_equal(w1->wc.handoff_in, 5);
	/* Worker 1 sends on its own queue: four upstream to the LAN, one into the tunnel. */
	assert_int_equal(rte_ring_count(mqh.port.q[1].wire_tx), 5);
	struct rte_mbuf *m[4] = { NULL };
	assert_int_equal(rte_ring_dequeue_bulk(mqh.port.q[1].wire_tx, (void **)m, 4, NULL), 4);
	for (int i = 0; i < 4; i++) {
		assert_memory_equal(rte_pktmbuf_mtod(m[i], uint8_t *), lan_mac, 6);
		rte_pktmbuf_free(m[i]);
	}
	client_take(mqh.port.q[1].wire_tx, &c, &v);
	assert_int_equal(v.gi.seq, 0);
	assert_int_equal(v.gi.ack, 3);
	assert_int_equal(v.len, il);

	/* A packet in flight to the owner when the session goes: dropped by the owner, never used. */
	client_send_ip(&c, CLIENT_IP, LAN_IP, 40, true, inner);
	run_w(w0);
	assert_int_equal(w0->wc.handoff_out, 6);
	uint64_t gone = stats_drop_total(DROP_SESSION_GONE);
	/* Removal waits for both workers' quiescent states. */
	assert_int_equal(dp_session_remove(3), 0);
	run_w(w0);
	assert_int_equal(dp_session_reclaim(), 0);
	run_w(w1);
	assert_int_equal(stats_drop_total(DROP_SESSION_GONE) - gone, 1);
	assert_int_equal(rte_ring_count(mqh.port.q[1].wire_tx), 0);
	assert_int_equal(dp_session_reclaim(), 1);
	expect_no_leak();
}

/*
 * The install race: the owner polled its messages, then the control plane
 * queued the install and added the hash entry, and the client's first LCP
 * frame reached the owner (here handed off by worker 0) before the owner's
 * next poll. The owner applies the queued install then and delivers the
 * frame, instead of dropping it as a session that is gone.
 */
static void test_first_frame_before_install_applied(void **state)
{
	uint8_t f[TF_MAX_FRAME];
	struct worker *w0 = dp_worker_get(0), *w1 = dp_worker_get(1);
	struct dp_msg *msgs[8];
	struct client c;
	(void)state;

	uint64_t gone = stats_drop_total(DROP_SESSION_GONE);
	uint64_t waited = w1->wc.install_waited, out = w0->wc.handoff_out;
	client_open(&c, 5, 500, CLIENT_IP, 0, false);   /* owner 5 % 2 = 1; install queued */
	assert_int_equal(dp_session_owner(5), 1);
	const uint8_t conf_req[8] = { 1, 1, 0, 8, 5, 4, 0x12, 0x34 };
	size_t n = client_frame(&c, f, PPP_FRAME_PROTO_LCP, conf_req, sizeof(conf_req), false);
	inject(mqh.port.q[0].wire_rx, f, n);
	run_w(w0);
	assert_int_equal(w0->wc.handoff_out - out, 1);
	/* Worker 1 takes the handoff before its next message poll. */
	assert_int_equal(tunnel_handoff_poll(w1, rte_rdtsc()), 1);
	assert_int_equal(stats_drop_total(DROP_SESSION_GONE) - gone, 0);
	assert_int_equal(w1->wc.install_waited - waited, 1);
	unsigned int k = cp_take(msgs, 8);
	assert_int_equal(k, 1);
	assert_int_equal(msgs[0]->type, DP_MSG_PPP_CTRL_IN);
	assert_int_equal(msgs[0]->session_id, 5);
	cp_free(msgs, k);

	/* A frame of a session that really is gone is still dropped. */
	assert_int_equal(dp_session_remove(5), 0);
	run_w(w1);
	inject(mqh.port.q[0].wire_rx, f, n);
	run_w(w0);
	run_w(w1);
	assert_int_equal(cp_take(msgs, 8), 0);
	run_w(w0);
	(void)dp_session_reclaim();
	expect_no_leak();
}

/* ---- routes into sessions (tunnel_fib.h) and the client role ---- */

/* client_up with extra session flags (DP_SESSION_F_CLIENT_ROLE). */
static void client_up_flags(struct client *c, uint8_t flags)
{
	struct dp_session_keys k = {
		.client_ip = c->ip, .mtu = MTU, .mru = MTU, .mppe_bits = 0, .flags = flags,
	};

	assert_int_equal(dp_session_network_up(c->id, &k), 0);
	run_w(w);
}

/* A LAN frame to dst from the wire: how many GRE packets left for the peer. */
static unsigned int lan_to(uint32_t dst, struct client *c)
{
	uint8_t f[TF_MAX_FRAME];
	size_t fl = tf_eth(f, tf_our_mac, lan_mac, 0x0800);
	size_t il = inner_ipv4(f + fl, LAN_IP, dst, 40, 64);
	unsigned int n = 0;
	struct rx_view v;

	inject(wire_rx, f, fl + il);
	run();
	while (rte_ring_count(wire_tx) > 0) {
		struct rte_mbuf *m = NULL;
		const uint8_t *o;

		assert_int_equal(rte_ring_dequeue(wire_tx, (void **)&m), 0);
		o = rte_pktmbuf_mtod(m, const uint8_t *);
		/* GRE to the peer, or the frame forwarded elsewhere. */
		if (m->pkt_len > TF_ETH_LEN + 20 && o[TF_ETH_LEN + 9] == 47) {
			rte_pktmbuf_free(m);
			n++;
			continue;
		}
		rte_pktmbuf_free(m);
	}
	(void)c;
	(void)v;
	while (rte_ring_count(tap_tx) > 0) {
		struct rte_mbuf *m = NULL;

		assert_int_equal(rte_ring_dequeue(tap_tx, (void **)&m), 0);
		rte_pktmbuf_free(m);
	}
	return n;
}

static void drain_out(void)
{
	struct rte_mbuf *m = NULL;

	while (rte_ring_dequeue(wire_tx, (void **)&m) == 0)
		rte_pktmbuf_free(m);
	while (rte_ring_dequeue(tap_tx, (void **)&m) == 0)
		rte_pktmbuf_free(m);
}

static void test_routes_into_sessions(void **state)
{
	uint8_t inner[TF_MAX_FRAME];
	struct client cl, sv;
	(void)state;

	/* A pptp-client session (its peer's tunnel address 10.0.0.1) and a server session. */
	client_open(&cl, 40, 400, tf_ip(10, 0, 0, 1), 0, false);
	client_up_flags(&cl, DP_SESSION_F_CLIENT_ROLE);
	client_open(&sv, 41, 410, CLIENT_IP, 0, false);
	client_up_flags(&sv, 0);

	/* No table: only the /32s; the default route does not exist yet. */
	assert_int_equal(lan_to(tf_ip(10, 9, 1, 1), &cl), 0);
	assert_int_equal(lan_to(tf_ip(10, 0, 0, 1), &cl), 1);

	/* 10.9.0.0/16 and the default into the client session, 10.1.1.0/24 into the server's. */
	const struct tunnel_fib_route r[] = {
		{ .prefix = tf_ip(10, 9, 0, 0), .len = 16, .via_session = true, .session_id = 40 },
		{ .prefix = 0, .len = 0, .via_session = true, .session_id = 40 },
		{ .prefix = tf_ip(10, 1, 1, 0), .len = 24, .via_session = true, .session_id = 41 },
		{ .prefix = tf_ip(192, 0, 2, 0), .len = 24, .via_session = false },
		{ .prefix = tf_ip(10, 9, 9, 0), .len = 24, .via_session = false },
		{ .prefix = tf_ip(10, 8, 0, 0), .len = 16, .via_session = true, .session_id = 63 },
	};
	assert_int_equal(tunnel_fib_publish(r, sizeof(r) / sizeof(r[0])), 0);
	assert_non_null(tunnel_fib_live);
	/* An id not installed (63) is left out. */
	assert_int_equal(tunnel_fib_live->n, 5);
	/* Longest prefix first, pass entries where they belong. */
	struct session_ref ref;
	assert_true(tunnel_fib_lookup(tf_ip(10, 9, 1, 1), &ref));
	assert_int_equal(ref.id, 40);
	assert_false(tunnel_fib_lookup(tf_ip(10, 9, 9, 9), &ref));
	assert_false(tunnel_fib_lookup(LAN_IP, &ref));
	assert_true(tunnel_fib_lookup(tf_ip(203, 0, 113, 7), &ref));
	assert_int_equal(ref.id, 40);
	assert_true(tunnel_fib_lookup(tf_ip(10, 1, 1, 2), &ref));
	assert_int_equal(ref.id, 41);

	/* Downstream: the LAN's packets follow the routes into the tunnels. */
	assert_int_equal(lan_to(tf_ip(10, 9, 1, 1), &cl), 1);
	assert_int_equal(lan_to(tf_ip(203, 0, 113, 7), &cl), 1);
	assert_int_equal(lan_to(tf_ip(10, 9, 9, 9), &cl), 0);

	/* Upstream, client role: any source is taken (the server routes for networks behind it). */
	uint64_t b = drops(DROP_IPV4_SPOOFED);
	client_send_ip(&cl, tf_ip(10, 2, 2, 2), LAN_IP, 20, false, inner);
	run();
	assert_int_equal(drops(DROP_IPV4_SPOOFED) - b, 0);
	drain_out();
	/* Upstream, server role: its address and what is routed into it; nothing else. */
	client_send_ip(&sv, tf_ip(10, 1, 1, 2), LAN_IP, 20, false, inner);
	run();
	assert_int_equal(drops(DROP_IPV4_SPOOFED) - b, 0);
	client_send_ip(&sv, tf_ip(10, 9, 1, 1), LAN_IP, 20, false, inner);
	run();
	assert_int_equal(drops(DROP_IPV4_SPOOFED) - b, 1);
	drain_out();
	/* From the server session into a route of the client session: tunnel to tunnel. */
	client_send_ip(&sv, CLIENT_IP, tf_ip(10, 9, 1, 1), 20, false, inner);
	run();
	struct rx_view v;
	client_take(wire_tx, &cl, &v);
	assert_int_equal(v.proto, PPP_FRAME_PROTO_IP);
	drain_out();

	/* Withdrawn: back to the /32s only. */
	assert_int_equal(tunnel_fib_publish(NULL, 0), 0);
	assert_null(tunnel_fib_live);
	assert_int_equal(lan_to(tf_ip(10, 9, 1, 1), &cl), 0);
	client_close(&cl);
	client_close(&sv);
	expect_no_leak();
}

/*
 * The route table at Framed-Route scale: thousands of prefixes of every
 * length, into two sessions or "pass", against a linear longest-prefix
 * reference, for addresses inside each prefix and at random.
 */
#define FIB_ROUTES 4000u
#define FIB_PROBES 20000u

static uint32_t fib_rand(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

static uint32_t fib_mask(uint8_t len)
{
	return len == 0 ? 0 : ~(UINT32_MAX >> 1 >> (len - 1));
}

/* The reference: the longest matching route's session, -1 for pass or none. */
static int fib_reference(const struct tunnel_fib_route *r, unsigned int n, uint32_t dst)
{
	int best = -1, id = -1;

	for (unsigned int i = 0; i < n; i++) {
		if ((dst & fib_mask(r[i].len)) != (r[i].prefix & fib_mask(r[i].len)) ||
		    (int)r[i].len <= best)
			continue;
		best = r[i].len;
		id = r[i].via_session ? (int)r[i].session_id : -1;
	}
	return id;
}

static void test_route_table_at_scale(void **state)
{
	static struct tunnel_fib_route r[FIB_ROUTES];
	struct client a, b;
	uint32_t x = 0x9E3779B9u;
	unsigned int n = 0;
	(void)state;

	client_open(&a, 40, 400, tf_ip(10, 0, 0, 1), 0, false);
	client_up_flags(&a, 0);
	client_open(&b, 41, 410, CLIENT_IP, 0, false);
	client_up_flags(&b, 0);
	while (n < FIB_ROUTES) {
		/* Mostly /16../32 (Framed-Routes), some short ones, a default. */
		uint8_t len = n == 0 ? 0 : (uint8_t)(fib_rand(&x) % 8 == 0 ? 1 + fib_rand(&x) % 15
									    : 16 + fib_rand(&x) % 17);
		uint32_t prefix = fib_rand(&x) & fib_mask(len);
		unsigned int kind = fib_rand(&x) % 3;
		bool dup = false;

		for (unsigned int i = 0; i < n && !dup; i++)
			dup = r[i].len == len && r[i].prefix == prefix;
		if (dup)
			continue;
		r[n++] = (struct tunnel_fib_route){ .prefix = prefix, .len = len,
						    .via_session = kind != 2,
						    .session_id = kind == 0 ? 40 : 41 };
	}
	assert_int_equal(tunnel_fib_publish(r, n), 0);
	assert_non_null(tunnel_fib_live);
	assert_int_equal(tunnel_fib_live->n, n);
	assert_true(tunnel_fib_live->n_groups <= TUNNEL_FIB_LENS);
	for (unsigned int i = 0; i < FIB_PROBES; i++) {
		/* Half inside a route (its first, last or a random host), half anywhere. */
		const struct tunnel_fib_route *t = &r[fib_rand(&x) % n];
		uint32_t host = fib_rand(&x) & ~fib_mask(t->len);
		uint32_t dst = i % 2 ? fib_rand(&x)
				     : (t->prefix & fib_mask(t->len)) |
					       (i % 6 == 0 ? 0 : i % 6 == 2 ? ~fib_mask(t->len) : host);
		struct session_ref ref;
		int want = fib_reference(r, n, dst);
		bool got = tunnel_fib_lookup(dst, &ref);

		if (got != (want >= 0) || (got && (int)ref.id != want))
			fail_msg("dst %08x: got %d (id %u), want %d", dst, got, got ? ref.id : 0, want);
	}
	/* Of one prefix given twice, "pass" stands (the static route's tie). */
	const struct tunnel_fib_route twice[] = {
		{ .prefix = tf_ip(10, 77, 0, 0), .len = 16, .via_session = true, .session_id = 40 },
		{ .prefix = tf_ip(10, 77, 0, 0), .len = 16, .via_session = false },
		{ .prefix = tf_ip(10, 78, 0, 0), .len = 16, .via_session = true, .session_id = 41 },
	};
	struct session_ref ref;
	assert_int_equal(tunnel_fib_publish(twice, 3), 0);
	assert_int_equal(tunnel_fib_live->n, 2);
	assert_false(tunnel_fib_lookup(tf_ip(10, 77, 1, 1), &ref));
	assert_true(tunnel_fib_lookup(tf_ip(10, 78, 1, 1), &ref));
	assert_int_equal(ref.id, 41);

	assert_int_equal(tunnel_fib_publish(NULL, 0), 0);
	client_close(&a);
	client_close(&b);
	expect_no_leak();
}

int main(void)
{
	pool = dp_harness_eal_init("test_dp_session", 256, true, POOL_MBUFS, 0);
	if (pool == NULL)
		return 1;
	dp_sessions_max = N_SESSIONS;

	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_api_errors),
		cmocka_unit_test(test_both_directions_all_modes),
		cmocka_unit_test(test_local_and_tap),
		cmocka_unit_test(test_mss_clamp),
		cmocka_unit_test(test_stateless_loss_and_late),
		cmocka_unit_test(test_stateful_loss_one_reset_event),
		cmocka_unit_test(test_peer_reset_request_flushes_tx),
		cmocka_unit_test(test_spoof_unknown_unencrypted_not_up),
		cmocka_unit_test(test_ctrl_in_lcp_and_encrypted_ipcp),
		cmocka_unit_test(test_ctrl_out_seq_ack_and_ack_only),
		cmocka_unit_test(test_peer_ack_recorded),
		cmocka_unit_test(test_remove_then_dropped_and_reinstall),
		cmocka_unit_test(test_many_sessions),
		cmocka_unit_test(test_telemetry_sessions),
		cmocka_unit_test(test_routes_into_sessions),
		cmocka_unit_test(test_route_table_at_scale),
		/* Last: they run the worker on a clock slightly ahead of the TSC. */
		cmocka_unit_test(test_rate_limit_burst_refill),
		cmocka_unit_test(test_rate_limit_at_network_up_and_unlimited),
	};
	const struct CMUnitTest mq_tests[] = {
		cmocka_unit_test(test_handoff_to_owner),
		cmocka_unit_test(test_first_frame_before_install_applied),
	};
	int failed = cmocka_run_group_tests_name("one worker", tests, group_setup, group_teardown);
	failed += cmocka_run_group_tests_name("two workers", mq_tests, mq_setup, group_teardown);

	dp_harness_eal_cleanup(pool);
	return failed;
}
