/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Enhanced GRE (see gre.h). The common case, a well-formed PPTP header, is
 * recognised with one masked compare of the flag word; only a packet that
 * fails it walks the checks one by one to name its drop reason.
 */
#include <endian.h>
#include <string.h>

#include "gre.h"

#define GRE_OFF_PROTO   2u
#define GRE_OFF_PAYLEN  4u
#define GRE_OFF_CALLID  6u
/* S (0x1000) and A (0x0080) shifted onto 4: the bytes each one adds. */
#define GRE_S_SHIFT     10u
#define GRE_A_SHIFT     5u
/* The flag word of every good header, S and A masked out. */
#define GRE_F_EXPECTED  (GRE_F_K | GRE_VERSION_PPTP)

static inline uint16_t ld16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return be16toh(v);
}

static inline uint32_t ld32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return be32toh(v);
}

static inline void st16(uint8_t *p, uint16_t v)
{
	v = htobe16(v);
	memcpy(p, &v, sizeof(v));
}

static inline void st32(uint8_t *p, uint32_t v)
{
	v = htobe32(v);
	memcpy(p, &v, sizeof(v));
}

/* Why a header that failed the fast check is bad, in RFC 2637 4.1 order. */
static enum gre_result gre_why(const uint8_t *p, uint16_t len)
{
	uint16_t flags;

	if (len < GRE_HDR_BASE_LEN)
		return GRE_E_SHORT;
	flags = ld16(p);
	if ((flags & GRE_F_VER) != GRE_VERSION_PPTP)
		return GRE_E_VERSION;
	if (ld16(p + GRE_OFF_PROTO) != GRE_PROTO_PPP)
		return GRE_E_PROTOCOL;
	if ((flags & GRE_F_K) == 0)
		return GRE_E_NO_KEY;
	return GRE_E_FLAGS;
}

enum gre_result gre_parse(const uint8_t *p, uint16_t len, struct gre_info *out)
{
	uint16_t flags, hdr_len, seq_bytes, payload_len;

	if (len < GRE_HDR_BASE_LEN)
		return GRE_E_SHORT;
	flags = ld16(p);
	if ((flags & (uint16_t)~(GRE_F_S | GRE_F_A)) != GRE_F_EXPECTED ||
	    ld16(p + GRE_OFF_PROTO) != GRE_PROTO_PPP)
		return gre_why(p, len);

	/* RFC 2637 4.1: the ack takes the sequence number's place when S is clear. */
	seq_bytes = (uint16_t)((flags >> GRE_S_SHIFT) & GRE_SEQ_LEN);
	hdr_len = (uint16_t)(GRE_HDR_BASE_LEN + seq_bytes +
			     ((flags >> GRE_A_SHIFT) & GRE_SEQ_LEN));
	if (len < hdr_len)
		return GRE_E_SHORT;
	payload_len = ld16(p + GRE_OFF_PAYLEN);
	if (payload_len > len - hdr_len)
		return GRE_E_TRUNCATED;
	/* RFC 2637 4.1: S is set iff a payload is present. */
	if (payload_len != 0 && seq_bytes == 0)
		return GRE_E_NO_SEQ;

	out->hdr_len = hdr_len;
	out->payload_len = payload_len;
	out->call_id = ld16(p + GRE_OFF_CALLID);
	out->has_seq = seq_bytes != 0;
	out->has_ack = (flags & GRE_F_A) != 0;
	out->seq = out->has_seq ? ld32(p + GRE_HDR_BASE_LEN) : 0;
	out->ack = out->has_ack ? ld32(p + GRE_HDR_BASE_LEN + seq_bytes) : 0;
	return GRE_OK;
}

uint16_t gre_build(uint8_t *p, uint16_t call_id, uint16_t payload_len,
		   bool has_seq, uint32_t seq, bool has_ack, uint32_t ack)
{
	uint16_t flags = GRE_F_K | GRE_VERSION_PPTP;
	uint16_t off = GRE_HDR_BASE_LEN;

	if (has_seq)
		flags |= GRE_F_S;
	if (has_ack)
		flags |= GRE_F_A;
	st16(p, flags);
	st16(p + GRE_OFF_PROTO, GRE_PROTO_PPP);
	st16(p + GRE_OFF_PAYLEN, payload_len);
	st16(p + GRE_OFF_CALLID, call_id);
	if (has_seq) {
		st32(p + off, seq);
		off += GRE_SEQ_LEN;
	}
	if (has_ack) {
		st32(p + off, ack);
		off += GRE_SEQ_LEN;
	}
	return off;
}

enum drop_reason gre_drop_reason(enum gre_result r)
{
	switch (r) {
	case GRE_OK:
		break;
	case GRE_E_SHORT:
		return DROP_GRE_SHORT;
	case GRE_E_VERSION:
		return DROP_GRE_VERSION;
	case GRE_E_PROTOCOL:
		return DROP_GRE_PROTOCOL;
	case GRE_E_NO_KEY:
		return DROP_GRE_NO_KEY;
	case GRE_E_FLAGS:
		return DROP_GRE_FLAGS;
	case GRE_E_TRUNCATED:
		return DROP_GRE_TRUNCATED;
	case GRE_E_NO_SEQ:
		return DROP_GRE_NO_SEQ;
	}
	return DROP_MAX;
}

void gre_rx_seq_init(struct gre_rx_seq *w)
{
	memset(w, 0, sizeof(*w));
}

enum gre_seq_verdict gre_rx_seq_check(struct gre_rx_seq *w, uint32_t seq)
{
	uint32_t ahead = seq - w->highest;
	uint32_t back;

	if (!w->started || (ahead != 0 && gre_seq_after(seq, w->highest))) {
		/* Slide the bitmap; a jump past the window clears it. */
		w->seen = (w->started && ahead < GRE_RX_WINDOW) ? (w->seen << ahead) | 1u : 1u;
		w->highest = seq;
		w->started = true;
		w->ack_due = true;
		return GRE_SEQ_NEW;
	}
	back = w->highest - seq;
	if (back >= GRE_RX_WINDOW)
		return GRE_SEQ_STALE;
	if (w->seen & ((uint64_t)1 << back))
		return GRE_SEQ_DUPLICATE;
	w->seen |= (uint64_t)1 << back;
	return GRE_SEQ_LATE;
}

enum drop_reason gre_seq_drop_reason(enum gre_seq_verdict v)
{
	switch (v) {
	case GRE_SEQ_NEW:
	case GRE_SEQ_LATE:
		break;
	case GRE_SEQ_DUPLICATE:
		return DROP_GRE_SEQ_DUPLICATE;
	case GRE_SEQ_STALE:
		return DROP_GRE_SEQ_STALE;
	}
	return DROP_MAX;
}

void gre_tx_seq_init(struct gre_tx_seq *t, uint32_t first)
{
	t->next = first;
	t->acked = first - 1u;  /* nothing in flight */
}

bool gre_tx_ack(struct gre_tx_seq *t, uint32_t ack)
{
	/* Forward of what was acked, and not past the last number sent. */
	if (!gre_seq_after(ack, t->acked) || gre_seq_after(ack, t->next - 1u))
		return false;
	t->acked = ack;
	return true;
}
