/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Multilink fragments and reassembly on mbufs (see tunnel_mp.h). The rules
 * are mp.c's; this file only moves bytes and counts.
 */
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_mbuf.h>

#include "dp_msg.h"
#include "ppp_frame.h"
#include "session_table.h"
#include "tunnel_mp.h"
#include "worker.h"

/* MPPE's header and the inner protocol field: what the link MTU loses to it. */
#define MP_MPPE_OVERHEAD 4u

static inline void mp_drop_rx(struct worker *w, struct dp_session *s, struct rte_mbuf *m,
			      enum drop_reason why)
{
	ctr_add(&s->c.rx_drops, 1);
	drop_count(&w->wc, why, 1);
	rte_pktmbuf_free(m);
}

static inline void mp_drop_tx(struct worker *w, struct dp_session *s, struct rte_mbuf *m,
			      enum drop_reason why)
{
	ctr_add(&s->c.tx_drops, 1);
	drop_count(&w->wc, why, 1);
	rte_pktmbuf_free(m);
}

/* --- downstream --- */

unsigned int tunnel_mp_fragment(struct worker *w, struct dp_session *s, struct rte_mbuf *m,
				struct rte_mbuf *frags[MP_FRAGS_MAX])
{
	bool ssn = (s->flags & DP_SESSION_F_MP_SSN_TX) != 0;
	uint16_t hl = mp_hdr_len(ssn);
	uint16_t sizes[MP_FRAGS_MAX];
	uint16_t len = (uint16_t)m->pkt_len;
	unsigned int n = mp_split(len, s->mp_frag_data, sizes, MP_FRAGS_MAX);

	if (unlikely(n == 0)) {
		mp_drop_tx(w, s, m, DROP_MP_FRAG_COUNT);
		return 0;
	}
	/* All the mbufs first: a packet goes out whole or not at all. */
	if (n > 1 && unlikely(rte_pktmbuf_alloc_bulk(dp.pool, frags + 1, n - 1) != 0)) {
		mp_drop_tx(w, s, m, DROP_MP_MBUF_ALLOC);
		return 0;
	}
	if (unlikely(rte_pktmbuf_headroom(m) < hl)) {
		if (n > 1)
			rte_pktmbuf_free_bulk(frags + 1, n - 1);
		mp_drop_tx(w, s, m, DROP_NO_HEADROOM);
		return 0;
	}
	const uint8_t *src = rte_pktmbuf_mtod(m, const uint8_t *);
	uint16_t off = sizes[0];

	for (unsigned int i = 1; i < n; i++) {
		/* A fresh mbuf has the standard headroom for MP, PPP, GRE, IPv4, Ethernet. */
		uint8_t *d = (uint8_t *)rte_pktmbuf_append(frags[i], sizes[i]);

		if (unlikely(d == NULL)) {
			/* A link MTU beyond one mbuf: no frame that large leaves a port anyway. */
			rte_pktmbuf_free_bulk(frags + 1, n - 1);
			mp_drop_tx(w, s, m, DROP_MP_FRAG_COUNT);
			return 0;
		}
		memcpy(d, src + off, sizes[i]);
		off = (uint16_t)(off + sizes[i]);
	}
	rte_pktmbuf_trim(m, (uint16_t)(len - sizes[0]));
	frags[0] = m;
	/* RFC 1990 3: one sequence number per fragment, B on the first, E on the last. */
	for (unsigned int i = 0; i < n; i++) {
		uint8_t *h = (uint8_t *)rte_pktmbuf_prepend(frags[i], hl);

		mp_build(h, ssn, mp_tx_next(&s->mp_tx, ssn), i == 0, i == n - 1);
	}
	return n;
}

/* --- upstream --- */

static void held_add(struct worker *w, struct dp_session *s, uint32_t id, struct rte_mbuf *m)
{
	s->mp_held = m;
	s->mp_held_slot = (uint16_t)w->mp_n_held;
	w->mp_held[w->mp_n_held++] = id;
}

/* Off the worker's list (the last entry takes its place); the mbuf is the caller's. */
static struct rte_mbuf *held_take(struct worker *w, struct dp_session *s)
{
	struct rte_mbuf *m = s->mp_held;
	uint32_t last = w->mp_held[--w->mp_n_held];

	w->mp_held[s->mp_held_slot] = last;
	sess.s[last].mp_held_slot = s->mp_held_slot;
	s->mp_held = NULL;
	return m;
}

/* What one mbuf can hold behind the standard headroom, bounded by our MRRU. */
static inline uint16_t reasm_cap(const struct dp_session *s, const struct rte_mbuf *m)
{
	uint16_t room = m->buf_len > RTE_PKTMBUF_HEADROOM ?
		(uint16_t)(m->buf_len - RTE_PKTMBUF_HEADROOM) : 0;

	return room < s->mp_cap ? room : s->mp_cap;
}

struct rte_mbuf *tunnel_mp_reassemble(struct worker *w, struct dp_session *s, uint32_t id,
				      struct rte_mbuf *m, const uint8_t *mp, uint16_t len,
				      uint64_t now)
{
	bool ssn = (s->flags & DP_SESSION_F_MP_SSN_RX) != 0;
	struct mp_hdr h;
	struct mp_rx_verdict v;
	enum mp_result r = mp_parse(mp, len, ssn, &h);

	if (unlikely(r != MP_OK)) {
		mp_drop_rx(w, s, m, mp_drop_reason(r));
		return NULL;
	}
	const uint8_t *data = mp + h.hdr_len;
	uint16_t flen = (uint16_t)(len - h.hdr_len);

	/* A packet to start while the worker holds all it may: refuse it up front. */
	if (h.begin && !h.end && s->mp_held == NULL && unlikely(w->mp_n_held >= SESSION_MP_HELD_MAX)) {
		mp_drop_rx(w, s, m, DROP_MP_BUSY);
		return NULL;
	}
	mp_rx_input(&s->mp_rx, &h, flen, reasm_cap(s, s->mp_held ? s->mp_held : m), now,
		    w->mp_timeout_tsc, ssn, &v);
	if (v.discard != DROP_MAX && s->mp_held != NULL)
		mp_drop_rx(w, s, held_take(w, s), v.discard);

	struct rte_mbuf *held = s->mp_held;

	switch (v.action) {
	case MP_RX_DELIVER:
		rte_pktmbuf_adj(m, (uint16_t)(data - rte_pktmbuf_mtod(m, const uint8_t *)));
		rte_pktmbuf_trim(m, (uint16_t)(m->pkt_len - flen));
		return m;
	case MP_RX_START: {
		/* To the front of the buffer: the most room for what follows. */
		uint8_t *front = (uint8_t *)m->buf_addr + RTE_PKTMBUF_HEADROOM;

		memmove(front, data, flen);
		m->data_off = RTE_PKTMBUF_HEADROOM;
		m->data_len = flen;
		m->pkt_len = flen;
		held_add(w, s, id, m);
		return NULL;
	}
	case MP_RX_APPEND:
	case MP_RX_COMPLETE:
		/* mp_rx_input checked the room (reasm_cap of the held mbuf). */
		memcpy(rte_pktmbuf_mtod_offset(held, uint8_t *, held->data_len), data, flen);
		held->data_len = (uint16_t)(held->data_len + flen);
		held->pkt_len += flen;
		rte_pktmbuf_free(m);  /* its bytes live on in the held packet: not a drop */
		if (v.action == MP_RX_APPEND)
			return NULL;
		return held_take(w, s);
	case MP_RX_DROP:
	default:
		mp_drop_rx(w, s, m, v.why);
		return NULL;
	}
}

/* --- life --- */

void tunnel_mp_apply_keys(struct worker *w, struct dp_session *s, const struct dp_session_keys *k)
{
	bool was = s->mp_cap != 0;
	bool on = (k->flags & DP_SESSION_F_MP) && k->mp_mrru_rx != 0 && k->mp_mrru_tx != 0 &&
		  k->mp_link_mtu > MP_HDR_MAX_LEN;

	if (w->mp_timeout_tsc == 0)
		w->mp_timeout_tsc = rte_get_tsc_hz() / MS_PER_S * SESSION_MP_TIMEOUT_MS;
	if (!on) {
		/* Not agreed, or nonsense: no multilink, the link MTU governs as before. */
		tunnel_mp_release(w, s);
		s->flags &= (uint8_t)~(DP_SESSION_F_MP | DP_SESSION_F_MP_SSN_TX | DP_SESSION_F_MP_SSN_RX);
		s->mp_cap = 0;
		if ((k->flags & DP_SESSION_F_MP) && k->mp_link_mtu > MP_MPPE_OVERHEAD)
			s->mtu = (uint16_t)(k->mp_link_mtu - (k->mppe_bits ? MP_MPPE_OVERHEAD : 0u));
		return;
	}
	/* A new bundle starts its numbers at 0 (as Linux); new keys keep them running. */
	if (!was) {
		s->mp_tx.seq = 0;
		mp_rx_init(&s->mp_rx);
	}
	s->mp_cap = (uint16_t)(k->mp_mrru_rx + PPP_FRAME_PROTO_MAX_LEN);
	s->mp_frag_data = (uint16_t)(k->mp_link_mtu - mp_hdr_len((k->flags & DP_SESSION_F_MP_SSN_TX) != 0));
}

void tunnel_mp_release(struct worker *w, struct dp_session *s)
{
	if (s->mp_held != NULL)
		rte_pktmbuf_free(held_take(w, s));
	mp_rx_reset(&s->mp_rx);
}

void tunnel_mp_tick(struct worker *w, uint64_t now)
{
	for (uint32_t i = 0; i < w->mp_n_held;) {
		struct dp_session *s = &sess.s[w->mp_held[i]];

		if (!mp_rx_expire(&s->mp_rx, now, w->mp_timeout_tsc)) {
			i++;
			continue;
		}
		/* The last entry moves into slot i: look at it next. */
		mp_drop_rx(w, s, held_take(w, s), DROP_MP_TIMEOUT);
	}
}
