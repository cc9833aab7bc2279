/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Multilink (RFC 1990) sessions in the real worker pass, over in-memory ports
 * (net_ring), against a reference peer built from the pure layers (mp.c,
 * mppe.c, gre.c): a 1500-byte IPv4 packet with DF crosses a 1450-MTU link
 * whole, both ways, for MPPE-128 stateless and stateful and unencrypted,
 * with long and short sequence numbers. Checked octet for octet: the PPP and
 * MP headers of every fragment, the bundle-level frame they carry (against
 * an independent MPPE encryptor with our keys), and the packet that comes
 * out. Then loss, control frames inside MP, timeout, the held-packet limit,
 * removal with a packet held, and the unchanged non-multilink MTU drop.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "dataplane.h"
#include "dp_harness.h"
#include "dp_msg.h"
#include "dp_priv.h"
#include "dp_session.h"
#include "gre.h"
#include "ipv4.h"
#include "mp.h"
#include "mppe.h"
#include "ppp_frame.h"
#include "session_table.h"
#include "stats.h"
#include "test_dp_frames.h"
#include "tunnel.h"
#include "worker.h"

#define RING_SLOTS  256
#define POOL_MBUFS  1023
#define N_SESSIONS  16
#define OUR_IP      tf_ip(192, 0, 2, 1)
#define PEER_IP     tf_ip(192, 0, 2, 2)
#define LAN_IP      tf_ip(192, 0, 2, 50)
#define CLIENT_IP   tf_ip(10, 0, 0, 5)
#define LINK_MTU    1450    /* RouterOS max-mtu / the peer's MRU */
#define MRRU        1600
#define MPPE_OVH    4
#define BIG         1500    /* the DF packet that must cross whole */
#define BUNDLE_MAX  1700

static const uint8_t lan_mac[6] = { 0x02, 0, 0, 0, 0, 0x50 };
static const uint8_t key_a[16] = { 0x8B, 0x7C, 0xDC, 0x14, 0x9B, 0x99, 0x3A, 0x1B,
				   0xA1, 0x18, 0xCB, 0x15, 0x3F, 0x56, 0xDC, 0xCB };
static const uint8_t key_b[16] = { 0xD5, 0xF0, 0xE9, 0x52, 0x1E, 0x3E, 0xA9, 0x58,
				   0x96, 0x7E, 0x3A, 0x4F, 0xAF, 0xD0, 0x15, 0x2E };

static struct rte_ring *wire_rx, *wire_tx, *tap_tx;
static struct dp_harness h;
static struct rte_mempool *pool;
static struct worker *w;

struct mode {
	const char *name;
	uint8_t bits;           /* MPPE: 0, 128 */
	bool stateless;
	bool ssn;               /* short sequence numbers both ways */
	uint16_t link_mtu;
};

/* The peer: GRE numbers, MP numbers, MPPE both ways, and a model of our MPPE transmitter. */
struct peer {
	uint32_t id;
	uint16_t our_call, peer_call;
	uint32_t gre_seq;
	struct mp_tx mp;
	struct mode md;
	struct mppe_tx_state mtx;     /* what the peer sends with */
	struct mppe_rx_state mrx;     /* what it receives with */
	struct mppe_tx_state ours;    /* our transmitter, modelled: the bytes we must send */
};

static void inject(struct rte_ring *r, const uint8_t *f, size_t len)
{
	assert_int_equal(dp_harness_inject(pool, r, f, len), 0);
}

static void run(void)
{
	dp_harness_run(w);
}

static void expect_no_leak(void)
{
	assert_int_equal(rte_mempool_avail_count(pool), POOL_MBUFS);
	assert_int_equal(w->mp_n_held, 0);
}

/* IPv4 with DF: header + payload_len octets of pattern. */
static size_t inner_ipv4(uint8_t *ip, uint32_t src, uint32_t dst, size_t payload_len, uint8_t salt)
{
	memset(ip, 0, TF_IPV4_LEN);
	ip[0] = 0x45;
	tf_w16(ip + 2, (uint16_t)(TF_IPV4_LEN + payload_len));
	tf_w16(ip + 4, 0x4242);
	tf_w16(ip + 6, 0x4000);
	ip[8] = 64;
	ip[9] = 17;
	tf_w32(ip + 12, src);
	tf_w32(ip + 16, dst);
	for (size_t i = 0; i < payload_len; i++)
		ip[TF_IPV4_LEN + i] = (uint8_t)(i * 7 + salt);
	tf_ipv4_fix_cksum(ip);
	return TF_IPV4_LEN + payload_len;
}

/* One GRE frame from the peer carrying the PPP frame ppp[0..n). */
static void peer_gre(struct peer *p, const uint8_t *ppp, size_t n)
{
	uint8_t f[TF_MAX_FRAME + 64];

	n = dp_harness_gre_frame(f, PEER_IP, OUR_IP, p->our_call, p->gre_seq++, ppp, n);
	inject(wire_rx, f, n);
}

/*
 * The peer's bundle-level frame for (proto, payload): protocol field (1
 * octet when compress, as Linux always does inside MP), MPPE when keyed.
 */
static size_t peer_bundle(struct peer *p, uint8_t *b, uint16_t proto, const uint8_t *pl, size_t n,
			  bool compress)
{
	if (p->md.bits == 0) {
		size_t h = ppp_proto_len(proto, compress);
		ppp_proto_prepend(b + h, proto, compress);
		memcpy(b + h, pl, n);
		return h + n;
	}
	size_t h = ppp_proto_len(PPP_FRAME_PROTO_COMP, compress);
	ppp_proto_prepend(b + h, PPP_FRAME_PROTO_COMP, compress);
	tf_w16(b + h + 2, proto);
	memcpy(b + h + 4, pl, n);
	assert_int_equal(mppe_tx_encrypt(&p->mtx, b + h, (uint16_t)(n + 2)), 0);
	return h + 4 + n;
}

/* Send a bundle-level frame in fragments of the given sizes (0-terminated); skip: one not sent. */
static void peer_send_frags(struct peer *p, const uint8_t *b, size_t n, const uint16_t *sizes,
			    int skip)
{
	size_t off = 0;
	unsigned int nf = 0;

	while (sizes[nf])
		nf++;
	for (unsigned int i = 0; i < nf; i++) {
		uint8_t ppp[TF_MAX_FRAME];
		uint16_t hl = mp_hdr_len(p->md.ssn);
		uint16_t sz = i == nf - 1 ? (uint16_t)(n - off) : sizes[i];

		ppp[0] = 0xFF;
		ppp[1] = 0x03;
		tf_w16(ppp + 2, PPP_FRAME_PROTO_MP);
		mp_build(ppp + 4, p->md.ssn, mp_tx_next(&p->mp, p->md.ssn), i == 0, i == nf - 1);
		memcpy(ppp + 4 + hl, b + off, sz);
		off += sz;
		if ((int)i != skip)
			peer_gre(p, ppp, 4u + hl + sz);
	}
}

/* Take one frame we sent; return its PPP frame (after GRE). */
static size_t take_ppp(struct peer *p, uint8_t *out, struct gre_info *gi)
{
	struct rte_mbuf *m = NULL;
	struct ipv4_info oi;

	assert_int_equal(rte_ring_dequeue(wire_tx, (void **)&m), 0);
	uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);
	uint16_t len = (uint16_t)m->pkt_len;
	assert_memory_equal(f, tf_peer_mac, 6);
	uint8_t *ip = f + TF_ETH_LEN;
	assert_int_equal(ipv4_check(ip, (uint16_t)(len - TF_ETH_LEN), &oi), IPV4_OK);
	assert_int_equal(oi.frag, 0x4000);  /* outer DF, as every PPTP peer */
	assert_int_equal(oi.src, OUR_IP);
	assert_int_equal(oi.dst, PEER_IP);
	uint8_t *g = ip + oi.hdr_len;
	assert_int_equal(gre_parse(g, (uint16_t)(oi.total_len - oi.hdr_len), gi), GRE_OK);
	assert_int_equal(gi->call_id, p->peer_call);
	memcpy(out, g + gi->hdr_len, gi->payload_len);
	rte_pktmbuf_free(m);
	return gi->payload_len;
}

/* Whatever else we sent (GRE ack-only packets): away. */
static void drain_wire(void)
{
	struct rte_mbuf *m = NULL;

	run();
	while (rte_ring_dequeue(wire_tx, (void **)&m) == 0)
		rte_pktmbuf_free(m);
}

static void peer_open(struct peer *p, uint32_t id, uint16_t call, const struct mode *md)
{
	struct dp_session_params sp = {
		.peer_ip = PEER_IP, .local_ip = OUR_IP, .our_call_id = call,
		.peer_call_id = (uint16_t)(call + 1000), .port = 0, .mtu = md->link_mtu,
		.mru = md->link_mtu, .peer_window = 64,
	};
	/* What session.c sends when LCP agreed MRRU both ways. */
	struct dp_session_keys k = {
		.client_ip = CLIENT_IP, .mru = md->link_mtu, .mppe_bits = md->bits,
		.mtu = (uint16_t)(MRRU - (md->bits ? MPPE_OVH : 0)),
		.flags = (uint8_t)(DP_SESSION_F_MP | (md->stateless ? DP_SESSION_F_MPPE_STATELESS : 0) |
				   (md->ssn ? DP_SESSION_F_MP_SSN_TX | DP_SESSION_F_MP_SSN_RX : 0)),
		.mp_mrru_tx = MRRU, .mp_mrru_rx = MRRU, .mp_link_mtu = md->link_mtu,
	};
	struct mppe_key ck;

	memset(p, 0, sizeof(*p));
	p->id = id;
	p->our_call = call;
	p->peer_call = (uint16_t)(call + 1000);
	p->md = *md;
	assert_int_equal(dp_session_install(id, &sp), 0);
	memcpy(k.send_key, key_a, 16);
	memcpy(k.recv_key, key_b, 16);
	assert_int_equal(dp_session_network_up(id, &k), 0);
	if (md->bits) {
		assert_int_equal(mppe_key_init(&ck, key_b, 16, (enum mppe_bits)md->bits), 0);
		mppe_tx_init(&p->mtx, &ck, md->stateless);
		assert_int_equal(mppe_key_init(&ck, key_a, 16, (enum mppe_bits)md->bits), 0);
		mppe_rx_init(&p->mrx, &ck, md->stateless);
		mppe_tx_init(&p->ours, &ck, md->stateless);
	}
	run();
}

static void peer_close(struct peer *p)
{
	assert_int_equal(dp_session_remove(p->id), 0);
	run();
	(void)dp_session_reclaim();
	assert_int_equal(dp_session_retiring(), 0);
}

static int group_setup(void **state)
{
	const struct dp_harness_queue *q = &h.port.q[0];

	(void)state;
	if (dp_harness_setup(&h, "s", RING_SLOTS, OUR_IP) < 0)
		return -1;
	wire_rx = q->wire_rx;
	wire_tx = q->wire_tx;
	tap_tx = q->tap_tx;
	w = dp_worker_get(0);
	/* The peer and the LAN host (their ARP replies reach the kernel too). */
	if (dp_harness_learn(pool, q, w, PEER_IP, tf_peer_mac, OUR_IP) < 0 ||
	    dp_harness_learn(pool, q, w, LAN_IP, lan_mac, OUR_IP) < 0)
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	dp_harness_teardown(&h);
	return 0;
}

static const struct mode modes[] = {
	{ "MPPE-128 stateless, long sequence", 128, true, false, LINK_MTU },
	{ "MPPE-128 stateful, long sequence", 128, false, false, LINK_MTU },
	{ "unencrypted, short sequence, 600-octet link (3 fragments)", 0, false, true, 600 },
	{ "MPPE-128 stateful, short sequence", 128, false, true, LINK_MTU },
};

/*
 * Downstream: the LAN host's 1500-octet DF packet leaves as MP fragments
 * within the link MTU, B on the first, E on the last, consecutive numbers;
 * together they are exactly the bundle frame our MPPE makes of it.
 */
static void check_down(struct peer *p, unsigned int k, uint32_t *mp_seq)
{
	uint8_t f[TF_MAX_FRAME], expect[BUNDLE_MAX], got[BUNDLE_MAX], ppp[TF_MAX_FRAME];
	size_t fl = tf_eth(f, tf_our_mac, lan_mac, 0x0800);
	size_t il = inner_ipv4(f + fl, LAN_IP, CLIENT_IP, BIG - TF_IPV4_LEN, (uint8_t)k);
	size_t el, gl = 0;
	uint16_t hl = mp_hdr_len(p->md.ssn);
	unsigned int n = 0;

	/* What must be carried: protocol 00 FD, then our MPPE of 00 21 + the packet, TTL - 1. */
	uint8_t ipx[TF_MAX_FRAME];
	memcpy(ipx, f + fl, il);
	ipx[8]--;
	tf_ipv4_fix_cksum(ipx);
	if (p->md.bits) {
		tf_w16(expect, PPP_FRAME_PROTO_COMP);
		tf_w16(expect + 4, PPP_FRAME_PROTO_IP);
		memcpy(expect + 6, ipx, il);
		assert_int_equal(mppe_tx_encrypt(&p->ours, expect + 2, (uint16_t)(il + 2)), 0);
		el = 6 + il;
	} else {
		tf_w16(expect, PPP_FRAME_PROTO_IP);
		memcpy(expect + 2, ipx, il);
		el = 2 + il;
	}
	inject(wire_rx, f, fl + il);
	run();
	while (rte_ring_count(wire_tx) > 0) {
		struct gre_info gi;
		struct mp_hdr h;
		size_t pl = take_ppp(p, ppp, &gi);

		/* PPP: FF 03 00 3D (nothing compressed here), within the link MTU. */
		assert_true(pl - 2 <= p->md.link_mtu);
		assert_int_equal(ppp[0], 0xFF);
		assert_int_equal(ppp[1], 0x03);
		assert_int_equal(ppp[2] << 8 | ppp[3], PPP_FRAME_PROTO_MP);
		assert_int_equal(mp_parse(ppp + 4, (uint16_t)(pl - 4), p->md.ssn, &h), MP_OK);
		assert_int_equal(h.seq, *mp_seq & mp_seq_mask(p->md.ssn));
		(*mp_seq)++;
		assert_int_equal(h.begin, n == 0);
		assert_int_equal(h.end, rte_ring_count(wire_tx) == 0);
		memcpy(got + gl, ppp + 4 + hl, pl - 4 - hl);
		gl += pl - 4 - hl;
		n++;
	}
	assert_int_equal(n, (el + p->md.link_mtu - hl - 1) / (p->md.link_mtu - hl));
	assert_int_equal(gl, el);
	assert_memory_equal(got, expect, el);
	/* And the peer's own MPPE receiver makes the packet of it. */
	if (p->md.bits) {
		struct ppp_frame_info fi;

		assert_int_equal(mppe_rx_decrypt(&p->mrx, got + 2, (uint16_t)(gl - 2)), MPPE_RX_OK);
		assert_int_equal(ppp_proto_parse(got + 4, (uint16_t)(gl - 4), &fi), PPP_FRAME_OK);
		assert_int_equal(fi.proto, PPP_FRAME_PROTO_IP);
		assert_memory_equal(got + 4 + fi.hdr_len, ipx, il);
	}
}

/* Upstream: the peer's 1500-octet DF packet in fragments reaches the LAN host whole. */
static void check_up(struct peer *p, unsigned int k, const uint16_t *sizes, bool compress)
{
	uint8_t inner[TF_MAX_FRAME], b[BUNDLE_MAX], expect[TF_MAX_FRAME];
	size_t il = inner_ipv4(inner, CLIENT_IP, LAN_IP, BIG - TF_IPV4_LEN, (uint8_t)(k + 100));
	size_t bl = peer_bundle(p, b, PPP_FRAME_PROTO_IP, inner, il, compress);
	struct rte_mbuf *m = NULL;

	peer_send_frags(p, b, bl, sizes, -1);
	run();
	memcpy(expect, inner, il);
	expect[8]--;
	tf_ipv4_fix_cksum(expect);
	assert_int_equal(rte_ring_dequeue(wire_tx, (void **)&m), 0);
	assert_int_equal(m->pkt_len, TF_ETH_LEN + il);
	assert_memory_equal(rte_pktmbuf_mtod(m, uint8_t *), lan_mac, 6);
	assert_memory_equal(rte_pktmbuf_mtod(m, uint8_t *) + TF_ETH_LEN, expect, il);
	rte_pktmbuf_free(m);
}

static void test_big_df_both_ways(void **state)
{
	(void)state;
	for (size_t mi = 0; mi < sizeof(modes) / sizeof(modes[0]); mi++) {
		struct peer p;
		uint32_t mp_seq = 0;
		/* Linux's split (one channel: MTU-sized first fragment), then an even one, then three. */
		static const uint16_t linux_split[] = { 1400, 1, 0 };
		static const uint16_t even[] = { 760, 1, 0 };
		static const uint16_t three[] = { 500, 500, 1, 0 };

		print_message("mode %s\n", modes[mi].name);
		peer_open(&p, 1 + (uint32_t)mi, (uint16_t)(10 + mi), &modes[mi]);
		for (unsigned int k = 0; k < 3; k++) {
			const uint16_t *sz = k == 0 ? linux_split : k == 1 ? even : three;

			check_up(&p, k, sz, k != 1);
			check_down(&p, k, &mp_seq);
		}
		struct dp_session_stats st;
		assert_int_equal(dp_session_stats(p.id, &st), 0);
		assert_int_equal(st.rx_drops + st.tx_drops, 0);
		peer_close(&p);
	}
	assert_int_equal(rte_ring_count(wire_tx) + rte_ring_count(tap_tx), 0);
	expect_no_leak();
}

/* A lost fragment costs its packet only (RFC 1990 4.1); the next one passes. */
static void test_lost_fragment(void **state)
{
	static const struct mode md = { "stateless", 128, true, false, LINK_MTU };
	static const uint16_t two[] = { 760, 1, 0 };
	uint8_t inner[TF_MAX_FRAME], b[BUNDLE_MAX];
	struct peer p;
	uint64_t lost = stats_drop_total(DROP_MP_LOST), nob = stats_drop_total(DROP_MP_NO_BEGIN);
	(void)state;

	peer_open(&p, 5, 50, &md);
	/* Second fragment lost: the held half goes when the next packet's B arrives. */
	size_t il = inner_ipv4(inner, CLIENT_IP, LAN_IP, BIG - TF_IPV4_LEN, 1);
	size_t bl = peer_bundle(&p, b, PPP_FRAME_PROTO_IP, inner, il, true);
	peer_send_frags(&p, b, bl, two, 1);
	run();
	assert_int_equal(w->mp_n_held, 1);
	check_up(&p, 1, two, true);
	assert_int_equal(stats_drop_total(DROP_MP_LOST) - lost, 1);
	/* First fragment lost: the second has no B. */
	bl = peer_bundle(&p, b, PPP_FRAME_PROTO_IP, inner, il, true);
	peer_send_frags(&p, b, bl, two, 0);
	run();
	assert_int_equal(stats_drop_total(DROP_MP_NO_BEGIN) - nob, 1);
	check_up(&p, 2, two, true);
	assert_int_equal(rte_ring_count(wire_tx), 0);
	peer_close(&p);
	expect_no_leak();
}

/* Control frames in MP after network up reach the control plane plain; a Reset-Request flushes. */
static void test_ctrl_inside_mp(void **state)
{
	static const struct mode md = { "stateful", 128, false, false, LINK_MTU };
	static const uint16_t one[] = { 1, 0 };
	static const uint8_t ipcp[] = { 0x01, 0x07, 0x00, 0x0A, 0x03, 0x06, 10, 0, 0, 5 };
	static const uint8_t reset[] = { 0x0E, 0x01, 0x00, 0x04 };
	uint8_t b[BUNDLE_MAX];
	struct dp_msg *msgs[4];
	struct peer p;
	(void)state;

	peer_open(&p, 6, 60, &md);
	/* IPCP, encrypted (as Linux sends NCPs once MPPE is up), in one fragment. */
	size_t bl = peer_bundle(&p, b, PPP_FRAME_PROTO_IPCP, ipcp, sizeof(ipcp), true);
	peer_send_frags(&p, b, bl, one, -1);
	/* CCP Reset-Request in clear: CCP is never encrypted. */
	b[0] = 0x80;
	b[1] = 0xFD;
	memcpy(b + 2, reset, sizeof(reset));
	peer_send_frags(&p, b, 2 + sizeof(reset), one, -1);
	run();
	assert_int_equal(dp_msg_from_workers(msgs, 4), 2);
	for (unsigned int i = 0; i < 2; i++) {
		const uint8_t *fr = rte_pktmbuf_mtod(msgs[i]->u.frame, const uint8_t *);
		uint16_t len = (uint16_t)msgs[i]->u.frame->pkt_len;

		assert_int_equal(msgs[i]->type, DP_MSG_PPP_CTRL_IN);
		if (i == 0) {
			assert_int_equal(len, 2 + sizeof(ipcp));
			assert_int_equal(fr[0] << 8 | fr[1], PPP_FRAME_PROTO_IPCP);
			assert_memory_equal(fr + 2, ipcp, sizeof(ipcp));
		} else {
			assert_int_equal(len, 2 + sizeof(reset));
			assert_int_equal(fr[0] << 8 | fr[1], PPP_FRAME_PROTO_CCP);
		}
		rte_pktmbuf_free(msgs[i]->u.frame);
		dp_msg_free(msgs[i]);
	}
	/* The Reset-Request was applied: our next packet carries A (flushed). */
	uint32_t seq = 0;
	mppe_tx_reset_request(&p.ours);
	check_down(&p, 0, &seq);
	peer_close(&p);
	expect_no_leak();
}

/* A half packet whose rest never comes is given up by the drain timer; removal frees one too. */
static void test_timeout_busy_and_remove(void **state)
{
	static const struct mode md = { "plain", 0, false, false, LINK_MTU };
	static const uint16_t two[] = { 760, 1, 0 };
	uint8_t inner[TF_MAX_FRAME], b[BUNDLE_MAX];
	struct peer p;
	uint64_t to = stats_drop_total(DROP_MP_TIMEOUT), busy = stats_drop_total(DROP_MP_BUSY);
	(void)state;

	peer_open(&p, 7, 70, &md);
	size_t il = inner_ipv4(inner, CLIENT_IP, LAN_IP, BIG - TF_IPV4_LEN, 2);
	size_t bl = peer_bundle(&p, b, PPP_FRAME_PROTO_IP, inner, il, false);
	peer_send_frags(&p, b, bl, two, 1);
	run();
	assert_int_equal(w->mp_n_held, 1);
	tunnel_ack_tick(w, rte_rdtsc() + rte_get_tsc_hz() / 1000 * (SESSION_MP_TIMEOUT_MS / 2));
	assert_int_equal(w->mp_n_held, 1);
	tunnel_ack_tick(w, rte_rdtsc() + rte_get_tsc_hz() / 1000 * (SESSION_MP_TIMEOUT_MS + 10));
	assert_int_equal(w->mp_n_held, 0);
	assert_int_equal(stats_drop_total(DROP_MP_TIMEOUT) - to, 1);

	/* Every slot taken (as if by other sessions): a new first fragment is refused. */
	w->mp_n_held = SESSION_MP_HELD_MAX;
	peer_send_frags(&p, b, bl, two, 1);
	run();
	assert_int_equal(stats_drop_total(DROP_MP_BUSY) - busy, 1);
	w->mp_n_held = 0;

	/* Held when the session goes: freed with it. */
	peer_send_frags(&p, b, bl, two, 1);
	run();
	assert_int_equal(w->mp_n_held, 1);
	peer_close(&p);
	drain_wire();  /* the ticks above sent the owed GRE acks */
	expect_no_leak();
}

/* Without multilink a packet over the tunnel MTU is dropped as before (session_mtu). */
static void test_no_mp_keeps_mtu_drop(void **state)
{
	struct dp_session_params sp = {
		.peer_ip = PEER_IP, .local_ip = OUR_IP, .our_call_id = 80, .peer_call_id = 1080,
		.port = 0, .mtu = LINK_MTU, .mru = LINK_MTU, .peer_window = 64,
	};
	struct dp_session_keys k = { .client_ip = CLIENT_IP, .mtu = LINK_MTU - MPPE_OVH,
				     .mru = LINK_MTU, .mppe_bits = 128 };
	uint8_t f[TF_MAX_FRAME];
	uint64_t before = stats_drop_total(DROP_SESSION_MTU);
	(void)state;

	memcpy(k.send_key, key_a, 16);
	memcpy(k.recv_key, key_b, 16);
	assert_int_equal(dp_session_install(8, &sp), 0);
	assert_int_equal(dp_session_network_up(8, &k), 0);
	run();
	size_t fl = tf_eth(f, tf_our_mac, lan_mac, 0x0800);
	size_t il = inner_ipv4(f + fl, LAN_IP, CLIENT_IP, BIG - TF_IPV4_LEN, 3);
	inject(wire_rx, f, fl + il);
	run();
	assert_int_equal(rte_ring_count(wire_tx), 0);
	assert_int_equal(stats_drop_total(DROP_SESSION_MTU) - before, 1);
	assert_int_equal(dp_session_remove(8), 0);
	run();
	(void)dp_session_reclaim();
	expect_no_leak();
}

int main(void)
{
	pool = dp_harness_eal_init("test_dp_mp_session", 256, true, POOL_MBUFS, 0);
	if (pool == NULL)
		return 1;
	dp_sessions_max = N_SESSIONS;

	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_big_df_both_ways),
		cmocka_unit_test(test_lost_fragment),
		cmocka_unit_test(test_ctrl_inside_mp),
		cmocka_unit_test(test_timeout_busy_and_remove),
		cmocka_unit_test(test_no_mp_keeps_mtu_drop),
	};
	int failed = cmocka_run_group_tests_name("multilink sessions", tests, group_setup, group_teardown);

	dp_harness_eal_cleanup(pool);
	return failed;
}
