/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PPTP data path in a worker (see tunnel.h). Layers are the pure functions
 * of gre.c, ppp_frame.c, mppe.c and ipv4.c; this file moves mbufs between
 * them and owns the per-session decisions. Single-segment mbufs throughout
 * (the pool holds a full frame per segment); anything else is linearised.
 *
 * A session's state is touched only by its owner worker: a packet found on
 * another worker is handed over (HANDOFF_UP / HANDOFF_DOWN) before any of
 * it is read, so GRE numbers and RC4 keystreams have one writer.
 */
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_hash.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>
#include <rte_ring.h>

#include "dp_msg.h"
#include "gre.h"
#include "ipv4.h"
#include "mppe.h"
#include "ppp_frame.h"
#include "session_table.h"
#include "tunnel.h"
#include "tunnel_fib.h"
#include "tunnel_mp.h"
#include "worker.h"

#define ETH_LEN           RTE_ETHER_HDR_LEN
#define OUTER_IP_LEN      20u
#define OUTER_TTL         64u
#define IPV4_VER_IHL      0x45u
#define IPV4_FLAG_DF      0x4000u
#define IPV4_OFF_TOTLEN   2u
#define IPV4_OFF_DST      16u
#define CCP_RESET_REQUEST 14u     /* RFC 1962 5.1 code */
#define HANDOFF_BURST     32u

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* --- drops and transmit --- */

static inline void drop(struct worker *w, struct rte_mbuf *m, enum drop_reason why)
{
	drop_count(&w->wc, why, 1);
	rte_pktmbuf_free(m);
}

static inline void drop_rx(struct worker *w, struct dp_session *s, struct rte_mbuf *m,
			   enum drop_reason why)
{
	ctr_add(&s->c.rx_drops, 1);
	drop(w, m, why);
}

static inline void drop_tx(struct worker *w, struct dp_session *s, struct rte_mbuf *m,
			   enum drop_reason why)
{
	ctr_add(&s->c.tx_drops, 1);
	drop(w, m, why);
}

static inline struct worker_port *port_of(struct worker *w, uint16_t port_idx)
{
	int slot = port_idx < DP_MAX_PORTS ? w->port_slot[port_idx] : -1;

	return slot < 0 ? NULL : &w->ports[slot];
}

/* Counted before buffering: the buffer's error callback uncounts refusals. */
static void tx_wire(struct worker *w, uint16_t port_idx, struct rte_mbuf *m)
{
	struct worker_port *wp = port_of(w, port_idx);

	if (unlikely(wp == NULL)) {
		drop(w, m, DROP_NO_TX_QUEUE);
		return;
	}
	ctr_add(&w->pc[port_idx].tx_packets, 1);
	ctr_add(&w->pc[port_idx].tx_bytes, m->pkt_len);
	rte_eth_tx_buffer(wp->wire_port, wp->queue, wp->wire_txb, m);
}

/* An IPv4 packet (data at the IP header) to the kernel behind port_idx's TAP. */
static void tx_kernel_ip(struct worker *w, uint16_t port_idx, struct rte_mbuf *m)
{
	struct worker_port *wp = port_of(w, port_idx);
	struct rte_ether_hdr *eh;

	if (unlikely(wp == NULL)) {
		drop(w, m, DROP_NO_TX_QUEUE);
		return;
	}
	eh = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, ETH_LEN);
	if (unlikely(eh == NULL)) {
		drop(w, m, DROP_NO_HEADROOM);
		return;
	}
	/* Addressed to the TAP's own MAC: the kernel takes it as received. */
	eh->dst_addr = dp.ports[port_idx].mac;
	eh->src_addr = dp.ports[port_idx].mac;
	eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ctr_add(&w->pc[port_idx].to_exception, 1);
	ctr_add(&w->pc[port_idx].to_exception_bytes, m->pkt_len);
	rte_eth_tx_buffer(wp->tap_port, wp->queue, wp->tap_txb, m);
}

/* --- events and control frames to the control plane --- */

static void event_to_cp(struct worker *w, uint32_t id, uint32_t gen, enum dp_event kind)
{
	struct dp_msg *msg = dp_msg_alloc();

	if (msg == NULL) {
		drop_count(&w->wc, DROP_TO_CP_FULL, 1);
		return;
	}
	msg->type = DP_MSG_EVENT;
	msg->session_id = id;
	msg->gen = gen;
	msg->u.event.kind = kind;
	if (dp_msg_to_cp(msg) < 0) {
		dp_msg_free(msg);
		drop_count(&w->wc, DROP_TO_CP_FULL, 1);
	}
}

/* frame..frame+len (inside m) is a PPP frame for the control plane: m becomes just that. */
static void ctrl_to_cp(struct worker *w, struct dp_session *s, uint32_t id, struct rte_mbuf *m,
		       const uint8_t *frame, uint16_t len)
{
	uint16_t off = (uint16_t)(frame - rte_pktmbuf_mtod(m, uint8_t *));
	struct dp_msg *msg;

	rte_pktmbuf_adj(m, off);
	rte_pktmbuf_trim(m, (uint16_t)(m->pkt_len - len));
	msg = dp_msg_alloc();
	if (msg == NULL) {
		drop_rx(w, s, m, DROP_TO_CP_FULL);
		return;
	}
	msg->type = DP_MSG_PPP_CTRL_IN;
	msg->session_id = id;
	msg->gen = s->gen;
	msg->u.frame = m;
	if (dp_msg_to_cp(msg) < 0) {
		dp_msg_free(msg);
		drop_rx(w, s, m, DROP_TO_CP_FULL);
		return;
	}
	ctr_add(&s->c.ctrl_in, 1);
	ctr_add(&w->wc.ctrl_in, 1);
}

/* --- downstream: encapsulation (owner only) --- */

/* The peer's next hop: the peer when on one of our links, else the default gateway. */
static void nh_resolve(struct worker *w, struct dp_session *s, uint64_t now)
{
	uint32_t peer_be = rte_cpu_to_be_32(s->peer_ip);
	uint32_t target = classify_on_link(w->cls, peer_be) ? peer_be : rte_cpu_to_be_32(sess.default_gw);
	struct neigh_view v;

	s->nh_checked_tsc = now;
	s->nh_valid = target != 0 && neigh_lookup(target, &v);
	if (s->nh_valid) {
		memcpy(s->nh_mac, v.mac, sizeof(s->nh_mac));
		s->nh_port = v.port;
	}
}

/*
 * m holds a GRE packet (data at the GRE header): outer IPv4 and Ethernet,
 * then the wire. An unknown next hop sends the outer packet to the kernel,
 * which resolves it and sends it back out through the TAP (slow path).
 */
static void outer_send(struct worker *w, struct dp_session *s, struct rte_mbuf *m, uint64_t now)
{
	uint16_t total = (uint16_t)(m->pkt_len + OUTER_IP_LEN);
	uint8_t *ip = (uint8_t *)rte_pktmbuf_prepend(m, OUTER_IP_LEN);

	if (unlikely(ip == NULL)) {
		drop_tx(w, s, m, DROP_NO_HEADROOM);
		return;
	}
	ip[0] = IPV4_VER_IHL;
	ip[1] = 0;
	wr16(ip + 2, total);
	wr16(ip + 4, (uint16_t)s->ip_id++);
	wr16(ip + 6, IPV4_FLAG_DF);  /* RFC 2637 and every real peer: DF */
	ip[8] = OUTER_TTL;
	ip[9] = CLS_IPPROTO_GRE;
	wr16(ip + 10, 0);
	wr32(ip + 12, s->local_ip);
	wr32(ip + 16, s->peer_ip);
	wr16(ip + 10, ipv4_cksum(ip, OUTER_IP_LEN));

	ctr_add(&s->c.tx_packets, 1);
	ctr_add(&s->c.tx_bytes, total);
	if (unlikely(now - s->nh_checked_tsc > w->nh_refresh_tsc || !s->nh_valid))
		nh_resolve(w, s, now);
	/* No neighbour yet, or one behind a port this worker cannot send on: via the kernel. */
	if (unlikely(!s->nh_valid || port_of(w, s->nh_port) == NULL)) {
		tx_kernel_ip(w, s->port, m);
		return;
	}
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, ETH_LEN);
	if (unlikely(eh == NULL)) {
		drop_tx(w, s, m, DROP_NO_HEADROOM);
		return;
	}
	memcpy(&eh->dst_addr, s->nh_mac, sizeof(eh->dst_addr));
	eh->src_addr = dp.ports[s->nh_port].mac;
	eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	tx_wire(w, s->nh_port, m);
}

/* m holds a PPP frame: GRE with our next number and the owed ack, if any. */
static void gre_send(struct worker *w, struct dp_session *s, struct rte_mbuf *m, uint64_t now)
{
	uint16_t plen = (uint16_t)m->pkt_len;
	uint32_t ack = 0;
	bool has_ack = gre_rx_ack_take(&s->rx_seq, &ack);
	uint16_t hl = (uint16_t)(GRE_HDR_BASE_LEN + GRE_SEQ_LEN + (has_ack ? GRE_SEQ_LEN : 0));
	uint8_t *g = (uint8_t *)rte_pktmbuf_prepend(m, hl);

	if (unlikely(g == NULL)) {
		drop_tx(w, s, m, DROP_NO_HEADROOM);
		return;
	}
	gre_build(g, s->peer_call_id, plen, true, gre_tx_seq_next(&s->tx_seq), has_ack, ack);
	outer_send(w, s, m, now);
}

/*
 * RFC 1990 3, multilink agreed: m holds a PPP payload of protocol proto at
 * bundle level (encrypted already, as ppp_generic does): its protocol field,
 * then MP fragments within the link MTU, each framed as 0x003D.
 */
static void mp_send(struct worker *w, struct dp_session *s, struct rte_mbuf *m, uint16_t proto,
		    uint64_t now)
{
	struct rte_mbuf *frags[MP_FRAGS_MAX];
	bool pfc = (s->flags & DP_SESSION_F_PFC) != 0;
	uint16_t pfl = ppp_proto_len(proto, pfc);
	uint16_t hl = ppp_frame_hdr_len(PPP_FRAME_PROTO_MP, s->flags);
	uint8_t *p = (uint8_t *)rte_pktmbuf_prepend(m, pfl);

	if (unlikely(p == NULL)) {
		drop_tx(w, s, m, DROP_NO_HEADROOM);
		return;
	}
	ppp_proto_prepend(p + pfl, proto, pfc);
	unsigned int n = tunnel_mp_fragment(w, s, m, frags);
	for (unsigned int i = 0; i < n; i++) {
		p = (uint8_t *)rte_pktmbuf_prepend(frags[i], hl);
		if (unlikely(p == NULL)) {
			drop_tx(w, s, frags[i], DROP_NO_HEADROOM);
			continue;
		}
		ppp_frame_prepend(p + hl, PPP_FRAME_PROTO_MP, s->flags);
		gre_send(w, s, frags[i], now);
	}
}

/* m holds a PPP payload of protocol proto: the frame header, then GRE. */
static void frame_send(struct worker *w, struct dp_session *s, struct rte_mbuf *m, uint16_t proto,
		       uint64_t now)
{
	/* Multilink carries data protocols; LCP, and NCPs in clear, go on the link as before. */
	if ((s->flags & DP_SESSION_F_MP) && proto < PPP_FRAME_PROTO_CTRL_MIN) {
		mp_send(w, s, m, proto, now);
		return;
	}
	uint16_t hl = ppp_frame_hdr_len(proto, s->flags);
	uint8_t *p = (uint8_t *)rte_pktmbuf_prepend(m, hl);

	if (unlikely(p == NULL)) {
		drop_tx(w, s, m, DROP_NO_HEADROOM);
		return;
	}
	ppp_frame_prepend(p + hl, proto, s->flags);
	gre_send(w, s, m, now);
}

/*
 * m holds a PPP payload of protocol proto: MPPE (protocol field inside the
 * encryption, RFC 3078 3), then framed as protocol 0x00FD.
 */
static void mppe_send(struct worker *w, struct dp_session *s, struct rte_mbuf *m, uint16_t proto,
		      uint64_t now)
{
	uint16_t pfl = ppp_proto_len(proto, (s->flags & DP_SESSION_F_PFC) != 0);
	uint16_t len = (uint16_t)(m->pkt_len + pfl);
	uint8_t *p = (uint8_t *)rte_pktmbuf_prepend(m, (uint16_t)(MPPE_HDR_LEN + pfl));

	if (unlikely(p == NULL)) {
		drop_tx(w, s, m, DROP_NO_HEADROOM);
		return;
	}
	ppp_proto_prepend(p + MPPE_HDR_LEN + pfl, proto, (s->flags & DP_SESSION_F_PFC) != 0);
	(void)mppe_tx_encrypt(&s->mtx, p, len);  /* len >= 1: cannot fail */
	frame_send(w, s, m, PPP_FRAME_PROTO_COMP, now);
}

/*
 * Too big for the tunnel: the kernel's route to the session carries the
 * tunnel MTU, so the kernel fragments the packet, or answers ICMP
 * "fragmentation needed" when DF is set (RFC 1191, RFC 1812 4.2.2.7/5.2.6),
 * with its own routing and source address. The packet goes to the TAP of
 * the port it came in on (so reverse-path checks see it where its source
 * lives); the fragments come back through that TAP into the tunnel. What
 * the kernel itself sends too big (it knows the MTU: nothing) is dropped.
 */
static void encap_too_big(struct worker *w, struct dp_session *s, struct rte_mbuf *m)
{
	for (uint16_t i = 0; i < dp.n_ports; i++) {
		if (dp.ports[i].port_id == m->port && dp.ports[i].enabled) {
			/* The kernel decrements TTL again when it forwards. */
			ipv4_ttl_restore(rte_pktmbuf_mtod(m, uint8_t *));
			ctr_add(&w->wc.too_big_to_kernel, 1);
			tx_kernel_ip(w, i, m);
			return;
		}
	}
	drop_tx(w, s, m, DROP_SESSION_MTU);
}

/* An IPv4 packet (data at its header, trimmed) into the session, which is up. */
static void encap_ipv4(struct worker *w, struct dp_session *s, struct rte_mbuf *m, uint64_t now)
{
	uint16_t len = (uint16_t)m->pkt_len;

	if (unlikely(len > s->mtu)) {
		encap_too_big(w, s, m);
		return;
	}
	if (s->mtu > IPV4_TCP_MSS_OVERHEAD)
		(void)ipv4_tcp_mss_clamp(rte_pktmbuf_mtod(m, uint8_t *), len,
					 (uint16_t)(s->mtu - IPV4_TCP_MSS_OVERHEAD));
	if (s->mppe_bits != 0)
		mppe_send(w, s, m, PPP_FRAME_PROTO_IP, now);
	else
		frame_send(w, s, m, PPP_FRAME_PROTO_IP, now);
}

/* The owner's view of a ref: NULL when that life of the slot is over. */
static inline struct dp_session *owned(struct session_ref r)
{
	struct dp_session *s = &sess.s[r.id];

	if (unlikely(r.id >= sess.max || s->gen != r.gen || s->state == SESSION_FREE))
		return NULL;
	return s;
}

/*
 * owned() for a frame in hand. dp_session_install() queues the install for
 * the owner before it adds the hash entry, but the owner may have polled its
 * messages just before: a frame found under a newer generation than the
 * slot holds means the install is waiting in the ring. Apply what is queued
 * and look again, rather than drop the session's first frame (the peer's LCP
 * Configure-Request, which would cost it a restart timer).
 */
static struct dp_session *owned_now(struct worker *w, struct session_ref r, uint64_t now)
{
	struct dp_session *s = owned(r);

	if (likely(s != NULL) || r.id >= sess.max || sess.s[r.id].gen == r.gen)
		return s;
	ctr_add(&w->wc.install_waited, 1);
	/* Under a burst of set-ups the install may sit behind more than one poll's worth. */
	while (s == NULL && worker_poll_msgs(w, now) != 0)
		s = owned(r);
	return s;
}

static void handoff(struct worker *w, struct session_ref r, enum handoff_kind kind,
		    struct rte_mbuf *m)
{
	*session_tag(m) = session_ref_pack(r.id, r.gen, (uint8_t)kind);
	if (unlikely(rte_ring_enqueue(sess.handoff[r.owner], m) != 0)) {
		drop(w, m, DROP_HANDOFF_FULL);
		return;
	}
	ctr_add(&w->wc.handoff_out, 1);
}

static void down_owned(struct worker *w, struct session_ref r, struct rte_mbuf *m, uint64_t now)
{
	struct dp_session *s = owned_now(w, r, now);

	if (unlikely(s == NULL)) {
		drop(w, m, DROP_SESSION_GONE);
		return;
	}
	if (unlikely(s->state != SESSION_UP)) {
		drop_tx(w, s, m, DROP_SESSION_NOT_UP);
		return;
	}
	__atomic_store_n(&s->last_data_tsc, now, __ATOMIC_RELAXED);
	/* Unlimited sessions pay this one test of a hot-line byte. */
	if ((s->rate_on & SESSION_RATE_TX) && !rate_bucket_take(&s->rate.tx, m->pkt_len, now)) {
		ctr_add(&s->rate.tx.drops, 1);
		drop_tx(w, s, m, DROP_RATE_LIMIT_TX);
		return;
	}
	encap_ipv4(w, s, m, now);
}

static inline void down_dispatch(struct worker *w, struct session_ref r, struct rte_mbuf *m,
				 uint64_t now)
{
	if (r.owner != w->id)
		handoff(w, r, HANDOFF_DOWN, m);
	else
		down_owned(w, r, m, now);
}

/*
 * The lines a session's packet touches: header, GRE state and counters, and
 * the RC4 state of the direction (its S-box is read at random, all of it).
 */
static inline void session_prefetch(const struct dp_session *s, const struct rc4_state *rc4)
{
	rte_prefetch0(s);
	rte_prefetch0((const uint8_t *)s + RTE_CACHE_LINE_SIZE);
	if (s->mppe_bits == 0)
		return;
	for (size_t off = 0; off < sizeof(*rc4); off += RTE_CACHE_LINE_SIZE)
		rte_prefetch0((const uint8_t *)rc4 + off);
}

uint16_t tunnel_downstream_filter(struct worker *w, struct rte_mbuf **pkts, uint16_t n,
				  bool from_tap, uint64_t now)
{
	struct rte_mbuf *mine[WORKER_BURST];
	struct session_ref refs[WORKER_BURST], found[WORKER_BURST];
	uint32_t dst[WORKER_BURST] = { 0 };  /* (gcc cannot see pass 1 fills what the lookup reads) */
	int8_t cand[WORKER_BURST];
	uint16_t keep = 0, k = 0, nc = 0;

	RTE_BUILD_BUG_ON(WORKER_BURST > RTE_HASH_LOOKUP_BULK_MAX);
	if (unlikely(n > WORKER_BURST))
		n = WORKER_BURST;  /* callers pass one rx burst */
	/* Pass 1: which frames are IPv4 whose destination may be a session; one bulk lookup. */
	for (uint16_t i = 0; i < n; i++) {
		const struct rte_mbuf *m = pkts[i];
		const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);

		cand[i] = -1;
		if (m->data_len < ETH_LEN + IPV4_HDR_MIN_LEN || m->nb_segs != 1 ||
		    rd16(f + CLS_ETH_TYPE_OFF) != CLS_ETHERTYPE_IPV4)
			continue;
		dst[nc] = rd32(f + ETH_LEN + IPV4_OFF_DST);
		cand[i] = (int8_t)nc++;
	}
	uint64_t hits = session_lookup_down_bulk(dst, nc, found);

	/* Pass 2, in arrival order: the rest stays in pkts, ours are checked and dispatched. */
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct ipv4_info ii;

		struct session_ref r;

		/* No session of that address: a route into one (tunnel_fib.h)? */
		if (cand[i] >= 0 && (hits & (1ull << cand[i]))) {
			r = found[cand[i]];
		} else if (cand[i] < 0 || !tunnel_fib_lookup(dst[cand[i]], &r)) {
			pkts[keep++] = m;
			continue;
		}
		uint8_t *ip = rte_pktmbuf_mtod(m, uint8_t *) + ETH_LEN;
		enum ipv4_result ir = ipv4_check(ip, (uint16_t)(m->data_len - ETH_LEN), &ii);
		if (unlikely(ir != IPV4_OK)) {
			drop(w, m, ipv4_drop_reason(ir));
			continue;
		}
		/* The kernel already decremented what it forwards. */
		if (!from_tap && unlikely(!ipv4_ttl_decrement(ip))) {
			drop(w, m, DROP_IPV4_TTL_EXPIRED);
			continue;
		}
		rte_pktmbuf_adj(m, ETH_LEN);
		rte_pktmbuf_trim(m, (uint16_t)(m->pkt_len - ii.total_len));
		ctr_add(&w->wc.ip_to_session, 1);
		if (r.owner != w->id) {
			handoff(w, r, HANDOFF_DOWN, m);
			continue;
		}
		if (likely(r.id < sess.max))
			session_prefetch(&sess.s[r.id], &sess.s[r.id].mtx.rc4);
		refs[k] = r;
		mine[k++] = m;
	}
	/* Pass 3: the sessions, their lines on the way. */
	for (uint16_t i = 0; i < k; i++)
		down_owned(w, refs[i], mine[i], now);
	return keep;
}

/* --- upstream (owner only) --- */

/* Decrypted IPv4 from a session (data at its header, trimmed): where it goes. */
static void route_up(struct worker *w, struct dp_session *s, struct rte_mbuf *m, uint32_t dst,
		     uint64_t now)
{
	uint8_t *ip = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t dst_be = rte_cpu_to_be_32(dst);
	struct session_ref r;
	struct neigh_view v;

	if (session_lookup_down(dst, &r) || tunnel_fib_lookup(dst, &r)) {
		/* Client to client (or to a route via a tunnel), through us. */
		if (unlikely(!ipv4_ttl_decrement(ip))) {
			drop(w, m, DROP_IPV4_TTL_EXPIRED);
			return;
		}
		ctr_add(&w->wc.ip_to_session, 1);
		down_dispatch(w, r, m, now);
		return;
	}
	/* Our addresses, and anything we have no neighbour for: the kernel routes it. */
	if (classify_is_local(w->cls, dst_be) || !classify_on_link(w->cls, dst_be) ||
	    !neigh_lookup(dst_be, &v) || port_of(w, v.port) == NULL) {
		tx_kernel_ip(w, s->port, m);
		return;
	}
	if (unlikely(!ipv4_ttl_decrement(ip))) {
		drop(w, m, DROP_IPV4_TTL_EXPIRED);
		return;
	}
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, ETH_LEN);
	if (unlikely(eh == NULL)) {
		drop(w, m, DROP_NO_HEADROOM);
		return;
	}
	memcpy(&eh->dst_addr, v.mac, sizeof(eh->dst_addr));
	eh->src_addr = dp.ports[v.port].mac;
	eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	tx_wire(w, v.port, m);
}

static void ack_note(struct worker *w, struct dp_session *s, uint32_t id, uint64_t now)
{
	if (!s->rx_seq.ack_due || s->ack_listed)
		return;
	s->ack_listed = 1;
	s->ack_due_tsc = now;
	s->ack_next = w->ack_head;
	w->ack_head = id;
}

/*
 * Anti-spoofing beyond the session's own address. A pptp-client session
 * takes any source: its server is our route to networks we do not know. A
 * server session takes the sources routed into it (strict uRPF over the
 * routes via tunnels).
 */
static inline bool src_routed_via(const struct dp_session *s, struct session_ref r, uint32_t src)
{
	struct session_ref via;

	if (s->flags & DP_SESSION_F_CLIENT_ROLE)
		return true;
	return tunnel_fib_lookup(src, &via) && via.id == r.id && via.gen == r.gen;
}

/* A GRE frame (Ethernet on) for session r, on its owner. */
static void up_owned(struct worker *w, struct session_ref r, struct rte_mbuf *m, uint64_t now)
{
	struct dp_session *s = owned_now(w, r, now);
	struct gre_info gi;
	struct ppp_frame_info fi;

	if (unlikely(s == NULL)) {
		drop(w, m, DROP_SESSION_GONE);
		return;
	}
	uint8_t *ip = rte_pktmbuf_mtod(m, uint8_t *) + ETH_LEN;
	uint16_t ihl = (uint16_t)((ip[0] & 0x0Fu) * 4u);
	uint16_t ip_total = rd16(ip + IPV4_OFF_TOTLEN);
	uint8_t *g = ip + ihl;

	/* Parsed before the lookup already; again here, as the handoff carries no parse. */
	if (unlikely(gre_parse(g, (uint16_t)(ip_total - ihl), &gi) != GRE_OK)) {
		drop_rx(w, s, m, DROP_GRE_SHORT);
		return;
	}
	ctr_add(&s->c.rx_packets, 1);
	ctr_add(&s->c.rx_bytes, ip_total);
	__atomic_store_n(&s->last_rx_tsc, now, __ATOMIC_RELAXED);
	if (gi.has_ack)
		(void)gre_tx_ack(&s->tx_seq, gi.ack);
	if (!gi.has_seq) {
		rte_pktmbuf_free(m);  /* ack-only: its work is done */
		return;
	}
	enum gre_seq_verdict v = gre_rx_seq_check(&s->rx_seq, gi.seq);
	if (unlikely(v != GRE_SEQ_NEW && v != GRE_SEQ_LATE)) {
		drop_rx(w, s, m, gre_seq_drop_reason(v));
		return;
	}
	ack_note(w, s, r.id, now);

	uint8_t *frame = g + gi.hdr_len;
	uint16_t flen = gi.payload_len;
	enum ppp_frame_result pr = ppp_frame_parse(frame, flen, &fi);
	if (unlikely(pr != PPP_FRAME_OK)) {
		drop_rx(w, s, m, ppp_frame_drop_reason(pr));
		return;
	}
	/*
	 * RFC 1990: fragments are reassembled first, then the whole frame takes
	 * the path below (MPPE at bundle level). Before network up the control
	 * plane unwraps the peer's single-fragment NCP frames itself.
	 */
	if (fi.proto == PPP_FRAME_PROTO_MP && (s->flags & DP_SESSION_F_MP)) {
		m = tunnel_mp_reassemble(w, s, r.id, m, frame + fi.hdr_len,
					 (uint16_t)(flen - fi.hdr_len), now);
		if (m == NULL)
			return;
		frame = rte_pktmbuf_mtod(m, uint8_t *);
		flen = m->data_len;
		pr = ppp_proto_parse(frame, flen, &fi);
		if (unlikely(pr != PPP_FRAME_OK)) {
			drop_rx(w, s, m, ppp_frame_drop_reason(pr));
			return;
		}
	}
	uint16_t proto = fi.proto;
	uint8_t *pl = frame + fi.hdr_len;
	uint16_t pllen = (uint16_t)(flen - fi.hdr_len);
	bool encrypted = false;

	if (proto == PPP_FRAME_PROTO_COMP) {
		if (unlikely(s->mppe_bits == 0)) {
			drop_rx(w, s, m, DROP_MPPE_NOT_KEYED);
			return;
		}
		enum mppe_rx_result mr = mppe_rx_decrypt(&s->mrx, pl, pllen);
		if (unlikely(mr != MPPE_RX_OK)) {
			/* mppe.c reports LOST_SYNC once per loss: one Reset-Request. */
			if (mr == MPPE_RX_E_LOST_SYNC)
				event_to_cp(w, r.id, s->gen, DP_EVENT_MPPE_RESET_NEEDED);
			drop_rx(w, s, m, mppe_rx_drop_reason(mr));
			return;
		}
		/* What the control plane gets for an encrypted control frame: the plaintext. */
		frame = pl + MPPE_HDR_LEN;
		flen = (uint16_t)(pllen - MPPE_HDR_LEN);
		pr = ppp_proto_parse(frame, flen, &fi);
		if (unlikely(pr != PPP_FRAME_OK)) {
			drop_rx(w, s, m, ppp_frame_drop_reason(pr));
			return;
		}
		proto = fi.proto;
		pl = frame + fi.hdr_len;
		pllen = (uint16_t)(flen - fi.hdr_len);
		encrypted = true;
	}

	switch (ppp_classify(proto)) {
	case PPP_CLASS_IPV4: {
		struct ipv4_info ii;
		if (unlikely(s->state != SESSION_UP)) {
			drop_rx(w, s, m, DROP_SESSION_NOT_UP);
			return;
		}
		/* RFC 3078: with MPPE negotiated, only encrypted data is taken. */
		if (unlikely(!encrypted && s->mppe_bits != 0)) {
			drop_rx(w, s, m, DROP_SESSION_UNENCRYPTED);
			return;
		}
		enum ipv4_result ir = ipv4_check(pl, pllen, &ii);
		if (unlikely(ir != IPV4_OK)) {
			drop_rx(w, s, m, ipv4_drop_reason(ir));
			return;
		}
		if (unlikely(ii.src != s->client_ip) && !src_routed_via(s, r, ii.src)) {
			drop_rx(w, s, m, DROP_IPV4_SPOOFED);
			return;
		}
		__atomic_store_n(&s->last_data_tsc, now, __ATOMIC_RELAXED);
		/* Unlimited sessions pay this one test of a hot-line byte. */
		if ((s->rate_on & SESSION_RATE_RX) &&
		    !rate_bucket_take(&s->rate.rx, ii.total_len, now)) {
			ctr_add(&s->rate.rx.drops, 1);
			drop_rx(w, s, m, DROP_RATE_LIMIT_RX);
			return;
		}
		rte_pktmbuf_adj(m, (uint16_t)(pl - rte_pktmbuf_mtod(m, uint8_t *)));
		rte_pktmbuf_trim(m, (uint16_t)(m->pkt_len - ii.total_len));
		route_up(w, s, m, ii.dst, now);
		return;
	}
	case PPP_CLASS_MPPE:
		drop_rx(w, s, m, DROP_PPP_NESTED);
		return;
	case PPP_CLASS_MP:
	case PPP_CLASS_CONTROL:
	case PPP_CLASS_REJECT:
	default:
		break;
	}
	/*
	 * A CCP Reset-Request asks our transmitter to flush (RFC 1962 5.1, RFC
	 * 3078 8): done here, by the only writer of the MPPE state, before the
	 * control plane answers with the Reset-Ack.
	 */
	if (proto == PPP_FRAME_PROTO_CCP && pllen > 0 && pl[0] == CCP_RESET_REQUEST &&
	    s->mppe_bits != 0)
		mppe_tx_reset_request(&s->mtx);
	ctrl_to_cp(w, s, r.id, m, frame, flen);
}

void tunnel_upstream_burst(struct worker *w, struct rte_mbuf **pkts, uint16_t n, uint64_t now)
{
	struct rte_mbuf *cand[WORKER_BURST], *mine[WORKER_BURST];
	struct session_ref found[WORKER_BURST], refs[WORKER_BURST];
	uint64_t keys[WORKER_BURST] = { 0 };  /* (gcc cannot see pass 1 fills what the lookup reads) */
	uint16_t nc = 0, k = 0;

	if (unlikely(n > WORKER_BURST))
		n = WORKER_BURST;  /* callers pass one rx burst */
	/*
	 * Pass 1: parse and key every packet; one lookup for the burst (cache,
	 * then a bulk table lookup for the misses).
	 */
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct gre_info gi;

		if (unlikely(m->nb_segs != 1) && rte_pktmbuf_linearize(m) != 0) {
			drop(w, m, DROP_GRE_TRUNCATED);
			continue;
		}
		/* classify_frame checked the outer header: contiguous, lengths sane. */
		uint8_t *ip = rte_pktmbuf_mtod(m, uint8_t *) + ETH_LEN;
		uint16_t ihl = (uint16_t)((ip[0] & 0x0Fu) * 4u);
		enum gre_result gr = gre_parse(ip + ihl, (uint16_t)(rd16(ip + IPV4_OFF_TOTLEN) - ihl), &gi);
		if (unlikely(gr != GRE_OK)) {
			drop(w, m, gre_drop_reason(gr));
			continue;
		}
		keys[nc] = session_up_key(rd32(ip + IPV4_SRC_OFF), gi.call_id);
		cand[nc++] = m;
	}
	uint64_t hits = session_lookup_up_bulk(w, keys, nc, found);

	/* Pass 2: hand over what is not ours, prefetch the sessions that are (l3fwd's shape). */
	for (uint16_t i = 0; i < nc; i++) {
		struct rte_mbuf *m = cand[i];
		struct session_ref r = found[i];

		if (unlikely(!(hits & (1ull << i)))) {
			drop(w, m, DROP_SESSION_UNKNOWN);
			continue;
		}
		ctr_add(&w->wc.gre_in, 1);
		if (r.owner != w->id) {
			handoff(w, r, HANDOFF_UP, m);
			continue;
		}
		if (likely(r.id < sess.max))
			session_prefetch(&sess.s[r.id], &sess.s[r.id].mrx.rc4);
		refs[k] = r;
		mine[k++] = m;
	}
	/* Pass 3: the sessions. */
	for (uint16_t i = 0; i < k; i++)
		up_owned(w, refs[i], mine[i], now);
}

unsigned int tunnel_handoff_poll(struct worker *w, uint64_t now)
{
	struct rte_mbuf *pkts[HANDOFF_BURST];
	unsigned int n = rte_ring_dequeue_burst(sess.handoff[w->id], (void **)pkts, HANDOFF_BURST, NULL);

	if (n == 0)
		return 0;
	ctr_add(&w->wc.handoff_in, n);
	for (unsigned int i = 0; i < n; i++) {
		struct session_ref r = session_ref_unpack(*session_tag(pkts[i]));
		enum handoff_kind kind = (enum handoff_kind)r.owner;

		r.owner = (uint8_t)w->id;
		if (kind == HANDOFF_UP)
			up_owned(w, r, pkts[i], now);
		else
			down_owned(w, r, pkts[i], now);
	}
	return n;
}

/* --- acks --- */

static void send_ack_only(struct worker *w, struct dp_session *s, uint64_t now)
{
	uint32_t ack;
	struct rte_mbuf *m;

	if (!gre_rx_ack_take(&s->rx_seq, &ack))
		return;
	m = rte_pktmbuf_alloc(dp.pool);
	if (unlikely(m == NULL)) {
		drop_count(&w->wc, DROP_MBUF_ALLOC, 1);
		ctr_add(&s->c.tx_drops, 1);
		return;
	}
	/* RFC 2637 4.1: no S, A set, the ack in the sequence number's place (0x2081). */
	uint8_t *g = (uint8_t *)rte_pktmbuf_append(m, GRE_HDR_BASE_LEN + GRE_SEQ_LEN);
	gre_build(g, s->peer_call_id, 0, false, 0, true, ack);
	ctr_add(&w->wc.ack_only, 1);
	outer_send(w, s, m, now);
}

void tunnel_ack_tick(struct worker *w, uint64_t now)
{
	if (unlikely(w->mp_n_held != 0))
		tunnel_mp_tick(w, now);
	uint32_t *link = &w->ack_head;

	while (*link != SESSION_NONE) {
		uint32_t id = *link;
		struct dp_session *s = &sess.s[id];

		if (s->rx_seq.ack_due && s->state != SESSION_FREE) {
			if (now - s->ack_due_tsc < w->ack_delay_tsc) {
				link = &s->ack_next;
				continue;
			}
			send_ack_only(w, s, now);
		}
		/* Acked (piggy-backed or just now), or gone: off the list. */
		*link = s->ack_next;
		s->ack_next = SESSION_NONE;
		s->ack_listed = 0;
	}
}

/* --- messages (owner) --- */

static void apply_install(struct dp_session *s, const struct dp_msg *msg, uint64_t now)
{
	const struct dp_session_params *p = &msg->u.install;

	/* The previous life left the slot, ack list included (apply_remove). */
	memset(s, 0, sizeof(*s));
	s->ack_next = SESSION_NONE;
	s->peer_ip = p->peer_ip;
	s->local_ip = p->local_ip;
	s->our_call_id = p->our_call_id;
	s->peer_call_id = p->peer_call_id;
	s->port = p->port;
	s->nh_port = p->port;
	s->mtu = p->mtu;
	s->mru = p->mru;
	s->peer_window = p->peer_window;
	s->flags = p->flags;
	gre_rx_seq_init(&s->rx_seq);
	gre_tx_seq_init(&s->tx_seq, 0);
	__atomic_store_n(&s->last_rx_tsc, now, __ATOMIC_RELAXED);
	s->gen = msg->gen;
	__atomic_store_n(&s->state, SESSION_ESTABLISHING, __ATOMIC_RELEASE);
}

static void apply_keys(struct dp_session *s, const struct dp_session_keys *k)
{
	struct mppe_key tx, rx;
	bool stateless = (k->flags & DP_SESSION_F_MPPE_STATELESS) != 0;

	s->client_ip = k->client_ip;
	s->mtu = k->mtu;
	s->mru = k->mru;
	s->flags = k->flags;
	s->mppe_bits = 0;
	if (k->mppe_bits != 0) {
		/* dp_session_network_up checked the strength: a failure here is a bug,
		 * and must not let the session carry data in clear. */
		if (mppe_key_init(&tx, k->send_key, sizeof(k->send_key), (enum mppe_bits)k->mppe_bits) != 0 ||
		    mppe_key_init(&rx, k->recv_key, sizeof(k->recv_key), (enum mppe_bits)k->mppe_bits) != 0) {
			__atomic_store_n(&s->state, SESSION_ESTABLISHING, __ATOMIC_RELEASE);
			return;
		}
		mppe_tx_init(&s->mtx, &tx, stateless);
		mppe_rx_init(&s->mrx, &rx, stateless);
		s->mppe_bits = k->mppe_bits;
		memset(&tx, 0, sizeof(tx));
		memset(&rx, 0, sizeof(rx));
	}
	__atomic_store_n(&s->state, SESSION_UP, __ATOMIC_RELEASE);
}

/*
 * A new limit (network up, or a CoA): buckets restart full, drop counts go
 * on. The control plane chose the burst (docs/dataplane.md).
 */
static void apply_rate(struct dp_session *s, const struct dp_session_rate *r)
{
	uint64_t hz = rte_get_tsc_hz();
	uint64_t rx_drops = s->rate.rx.drops, tx_drops = s->rate.tx.drops;
	uint8_t on = 0;

	if (r->rx_bps != 0) {
		rate_bucket_init(&s->rate.rx, r->rx_bps, r->rx_burst, hz);
		on |= SESSION_RATE_RX;
	}
	if (r->tx_bps != 0) {
		rate_bucket_init(&s->rate.tx, r->tx_bps, r->tx_burst, hz);
		on |= SESSION_RATE_TX;
	}
	__atomic_store_n(&s->rate.rx.drops, rx_drops, __ATOMIC_RELAXED);
	__atomic_store_n(&s->rate.tx.drops, tx_drops, __ATOMIC_RELAXED);
	s->rate_on = on;
}

/*
 * The owner lets go of the slot: off its ack list (the next life may have
 * another owner), keys wiped, and retired_gen published last, which is what
 * lets the control plane reuse the id.
 */
static void apply_remove(struct worker *w, struct dp_session *s, uint32_t id)
{
	tunnel_mp_release(w, s);
	if (s->ack_listed) {
		uint32_t *link = &w->ack_head;
		while (*link != SESSION_NONE && *link != id)
			link = &sess.s[*link].ack_next;
		if (*link == id)
			*link = s->ack_next;
		s->ack_next = SESSION_NONE;
		s->ack_listed = 0;
	}
	__atomic_store_n(&s->state, SESSION_FREE, __ATOMIC_RELEASE);
	/* No key material outlives the session. */
	memset(&s->mtx, 0, sizeof(s->mtx));
	memset(&s->mrx, 0, sizeof(s->mrx));
	s->mppe_bits = 0;
	__atomic_store_n(&s->retired_gen, s->gen, __ATOMIC_RELEASE);
}

/*
 * A control frame from the control plane. Encrypted when MPPE is up, except
 * LCP and CCP (as Linux ppp_generic: CCP itself and the link layer must stay
 * readable for the peer to recover); IPCP, PAP/CHAP, IPV6CP rejects and the
 * rest go through MPPE like data.
 */
static void ctrl_out(struct worker *w, struct dp_session *s, struct rte_mbuf *m, uint64_t now)
{
	struct ppp_frame_info fi;

	if (unlikely(m->nb_segs != 1 && rte_pktmbuf_linearize(m) != 0)) {
		drop_tx(w, s, m, DROP_NO_HEADROOM);
		return;
	}
	if (ppp_frame_parse(rte_pktmbuf_mtod(m, uint8_t *), (uint16_t)m->pkt_len, &fi) != PPP_FRAME_OK) {
		drop_tx(w, s, m, DROP_PPP_SHORT);
		return;
	}
	ctr_add(&s->c.ctrl_out, 1);
	ctr_add(&w->wc.ctrl_out, 1);
	if (s->state == SESSION_UP && s->mppe_bits != 0 && fi.proto != PPP_FRAME_PROTO_LCP &&
	    fi.proto != PPP_FRAME_PROTO_CCP) {
		rte_pktmbuf_adj(m, fi.hdr_len);
		if (m->pkt_len == 0) {
			drop_tx(w, s, m, DROP_PPP_SHORT);
			return;
		}
		mppe_send(w, s, m, fi.proto, now);
		return;
	}
	gre_send(w, s, m, now);
}

void tunnel_msg(struct worker *w, struct dp_msg *msg, uint64_t now)
{
	struct dp_session *s = msg->session_id < sess.max ? &sess.s[msg->session_id] : NULL;
	bool live = s != NULL && s->gen == msg->gen && s->state != SESSION_FREE;

	switch (msg->type) {
	case DP_MSG_SESSION_INSTALL:
		if (s == NULL) {
			drop_count(&w->wc, DROP_MSG_UNSUPPORTED, 1);
			break;
		}
		apply_install(s, msg, now);
		break;
	case DP_MSG_SESSION_KEYS:
		if (!live) {
			drop_count(&w->wc, DROP_SESSION_GONE, 1);
			break;
		}
		apply_keys(s, &msg->u.keys);
		tunnel_mp_apply_keys(w, s, &msg->u.keys);
		apply_rate(s, &msg->u.keys.rate);
		/* Idle time counts from network up. */
		__atomic_store_n(&s->last_data_tsc, now, __ATOMIC_RELAXED);
		break;
	case DP_MSG_SESSION_RATE:
		if (!live) {
			drop_count(&w->wc, DROP_SESSION_GONE, 1);
			break;
		}
		apply_rate(s, &msg->u.rate);
		break;
	case DP_MSG_SESSION_REMOVE:
		if (!live) {
			drop_count(&w->wc, DROP_SESSION_GONE, 1);
			break;
		}
		apply_remove(w, s, msg->session_id);
		break;
	case DP_MSG_PPP_CTRL_OUT:
		if (!live) {
			rte_pktmbuf_free(msg->u.frame);
			drop_count(&w->wc, DROP_SESSION_GONE, 1);
			break;
		}
		ctrl_out(w, s, msg->u.frame, now);
		break;
	case DP_MSG_PPP_CTRL_IN:
	case DP_MSG_EVENT:
	default:
		drop_count(&w->wc, DROP_MSG_UNSUPPORTED, 1);
		break;
	}
}
