/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PPP Multilink for a one-link bundle (see mp.h).
 */
#include <string.h>

#include "mp.h"

enum mp_result mp_parse(const uint8_t *p, uint16_t len, bool short_seq, struct mp_hdr *out)
{
	uint16_t hl = mp_hdr_len(short_seq);

	if (len < hl)
		return MP_E_SHORT;
	/* RFC 1990 3: the bits between E and the sequence number are reserved, zero. */
	if (p[0] & (short_seq ? MP_SHORT_RSVD : MP_LONG_RSVD))
		return MP_E_FLAGS;
	out->begin = (p[0] & MP_FLAG_B) != 0;
	out->end = (p[0] & MP_FLAG_E) != 0;
	out->hdr_len = (uint8_t)hl;
	if (short_seq)
		out->seq = (uint32_t)(p[0] & 0x0Fu) << 8 | p[1];
	else
		out->seq = (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return MP_OK;
}

void mp_build(uint8_t *p, bool short_seq, uint32_t seq, bool begin, bool end)
{
	uint8_t be = (uint8_t)((begin ? MP_FLAG_B : 0u) | (end ? MP_FLAG_E : 0u));

	if (short_seq) {
		p[0] = (uint8_t)(be | ((seq >> 8) & 0x0Fu));
		p[1] = (uint8_t)seq;
		return;
	}
	p[0] = be;
	p[1] = (uint8_t)(seq >> 16);
	p[2] = (uint8_t)(seq >> 8);
	p[3] = (uint8_t)seq;
}

enum drop_reason mp_drop_reason(enum mp_result r)
{
	switch (r) {
	case MP_E_SHORT:
		return DROP_MP_SHORT;
	case MP_E_FLAGS:
		return DROP_MP_FLAGS;
	case MP_OK:
	default:
		return DROP_MAX;
	}
}

unsigned int mp_split(uint16_t len, uint16_t max_data, uint16_t *sizes, unsigned int max_frags)
{
	unsigned int n;

	if (max_data == 0 || max_frags == 0)
		return 0;
	n = len == 0 ? 1u : ((unsigned int)len + max_data - 1u) / max_data;
	if (n > max_frags)
		return 0;
	for (unsigned int i = 0; i < n; i++)
		sizes[i] = (uint16_t)(len / n + (i < len % n ? 1u : 0u));
	return n;
}

void mp_rx_init(struct mp_rx *rx)
{
	memset(rx, 0, sizeof(*rx));
}

/* The held packet is given up; the caller frees it and counts why. */
static inline void mp_rx_discard(struct mp_rx *rx, struct mp_rx_verdict *v, enum drop_reason why)
{
	v->discard = why;
	mp_rx_reset(rx);
}

void mp_rx_input(struct mp_rx *rx, const struct mp_hdr *h, uint16_t frag_len, uint16_t cap,
		 uint64_t now, uint64_t timeout, bool short_seq, struct mp_rx_verdict *v)
{
	uint32_t mask = mp_seq_mask(short_seq);

	v->action = MP_RX_DROP;
	v->why = DROP_MAX;
	v->discard = DROP_MAX;
	if (rx->holding && now - rx->start > timeout)
		mp_rx_discard(rx, v, DROP_MP_TIMEOUT);
	if (rx->synced) {
		uint32_t ahead = (h->seq - rx->next) & mask;

		/* Serial arithmetic over the 12- or 24-bit space: the back half is the past. */
		if (ahead > mask / 2u) {
			v->why = DROP_MP_SEQ_STALE;
			return;
		}
		/* RFC 1990 4.1 with M = this number: the fragments in the gap are lost. */
		if (ahead != 0 && rx->holding)
			mp_rx_discard(rx, v, DROP_MP_LOST);
	}
	rx->synced = 1;
	rx->next = (h->seq + 1u) & mask;

	if (h->begin) {
		/* A new first fragment with no E before it: the held packet has no end. */
		if (rx->holding)
			mp_rx_discard(rx, v, DROP_MP_NO_END);
		if (frag_len > cap) {
			v->why = DROP_MP_OVERFLOW;
			return;
		}
		if (h->end) {
			v->action = MP_RX_DELIVER;
			return;
		}
		rx->holding = 1;
		rx->len = frag_len;
		rx->start = now;
		v->action = MP_RX_START;
		return;
	}
	/* RFC 1990 4.1: after a loss, fragments are discarded up to the next B. */
	if (!rx->holding) {
		v->why = DROP_MP_NO_BEGIN;
		return;
	}
	if ((uint32_t)rx->len + frag_len > cap) {
		mp_rx_discard(rx, v, DROP_MP_OVERFLOW);
		v->why = DROP_MP_OVERFLOW;
		return;
	}
	rx->len = (uint16_t)(rx->len + frag_len);
	if (h->end) {
		mp_rx_reset(rx);
		v->action = MP_RX_COMPLETE;
		return;
	}
	v->action = MP_RX_APPEND;
}

bool mp_rx_expire(struct mp_rx *rx, uint64_t now, uint64_t timeout)
{
	if (!rx->holding || now - rx->start <= timeout)
		return false;
	mp_rx_reset(rx);
	return true;
}

int mp_reasm_feed(struct mp_reasm_buf *b, const uint8_t *p, uint16_t len, bool short_seq,
		  uint64_t now, uint64_t timeout, const uint8_t **out, uint16_t *out_len,
		  enum drop_reason *why, enum drop_reason *discarded)
{
	struct mp_hdr h;
	struct mp_rx_verdict v;
	enum mp_result r = mp_parse(p, len, short_seq, &h);
	uint16_t flen;
	const uint8_t *data;

	*discarded = DROP_MAX;
	if (r != MP_OK) {
		*why = mp_drop_reason(r);
		return -1;
	}
	data = p + h.hdr_len;
	flen = (uint16_t)(len - h.hdr_len);
	mp_rx_input(&b->rx, &h, flen, b->cap, now, timeout, short_seq, &v);
	*discarded = v.discard;
	if (v.discard != DROP_MAX)
		b->len = 0;
	switch (v.action) {
	case MP_RX_DELIVER:
		*out = data;
		*out_len = flen;
		return 1;
	case MP_RX_START:
		memcpy(b->buf, data, flen);
		b->len = flen;
		return 0;
	case MP_RX_APPEND:
	case MP_RX_COMPLETE:
		memcpy(b->buf + b->len, data, flen);
		b->len = (uint16_t)(b->len + flen);
		if (v.action == MP_RX_APPEND)
			return 0;
		*out = b->buf;
		*out_len = b->len;
		b->len = 0;
		return 1;
	case MP_RX_DROP:
	default:
		*why = v.why;
		return -1;
	}
}
