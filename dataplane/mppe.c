/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MPPE packets (see mppe.h for the key schedule both ends follow).
 *
 * Each direction has one always-inline body specialised by a const
 * `stateless` flag (STYLE.md): the stateless path has no flag-packet or
 * reset logic in it, the stateful path no per-packet key change.
 */
#include <endian.h>
#include <string.h>

#include "mppe.h"

#define MPPE_ALWAYS_INLINE static inline __attribute__((always_inline))
#define MPPE_LIKELY(x)     __builtin_expect(!!(x), 1)
#define MPPE_UNLIKELY(x)   __builtin_expect(!!(x), 0)

/* Counts are 12 bits: the last count "before" 0 is 0xFFF (Linux's start). */
#define MPPE_CCOUNT_START  MPPE_CCOUNT_MASK
/* log2 of the flag-packet period: a key change every 256 packets. */
#define MPPE_FLAG_SHIFT    8u
/* The smallest packet: header and a PFC-compressed protocol field. */
#define MPPE_MIN_LEN       (MPPE_HDR_LEN + 1u)

static inline uint16_t ld16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return be16toh(v);
}

static inline void st16(uint8_t *p, uint16_t v)
{
	v = htobe16(v);
	memcpy(p, &v, sizeof(v));
}

static inline bool is_flag_count(uint16_t cc)
{
	return (cc & MPPE_FLAG_MASK) == MPPE_FLAG_MASK;
}

/* RC4 restarts from the current session key (the "flushed" state). */
static inline void rc4_restart(struct rc4_state *rc4, const struct mppe_key *k)
{
	rc4_init(rc4, k->session, k->len);
}

void mppe_tx_init(struct mppe_tx_state *st, const struct mppe_key *key, bool stateless)
{
	memset(st, 0, sizeof(*st));
	st->key = *key;
	st->ccount = MPPE_CCOUNT_START;
	st->stateless = stateless;
	/* Stateful: the first packets run on the initial session key. */
	rc4_restart(&st->rc4, &st->key);
}

void mppe_rx_init(struct mppe_rx_state *st, const struct mppe_key *key, bool stateless)
{
	memset(st, 0, sizeof(*st));
	st->key = *key;
	st->ccount = MPPE_CCOUNT_START;
	st->stateless = stateless;
	rc4_restart(&st->rc4, &st->key);
}

void mppe_tx_reset_request(struct mppe_tx_state *st)
{
	st->reset_pending = !st->stateless;
}

MPPE_ALWAYS_INLINE int
mppe_tx_body(struct mppe_tx_state *st, uint8_t *p, uint16_t len, const bool stateless)
{
	uint16_t cc, hdr;

	if (MPPE_UNLIKELY(len == 0))
		return -1;
	cc = (uint16_t)((st->ccount + 1u) & MPPE_CCOUNT_MASK);
	st->ccount = cc;
	hdr = (uint16_t)(MPPE_HDR_D | cc);
	if (stateless) {
		/* RFC 3078 7.3: stateless, a new key for every packet. */
		mppe_rekey(&st->key);
		rc4_restart(&st->rc4, &st->key);
		hdr |= MPPE_HDR_A;
	} else if (MPPE_UNLIKELY(is_flag_count(cc) || st->reset_pending)) {
		/* RFC 3078 7.3: stateful, a new key on each flag packet. */
		if (is_flag_count(cc) || (MPPE_STATEFUL_FLUSH_REKEY && st->reset_pending))
			mppe_rekey(&st->key);
		/* RFC 3078 8.2: a Reset-Request only restarts RC4, once. */
		rc4_restart(&st->rc4, &st->key);
		st->reset_pending = false;
		hdr |= MPPE_HDR_A;
	}
	st16(p, hdr);
	rc4_crypt(&st->rc4, p + MPPE_HDR_LEN, p + MPPE_HDR_LEN, len);
	return 0;
}

int mppe_tx_encrypt_stateless(struct mppe_tx_state *st, uint8_t *p, uint16_t len)
{
	return mppe_tx_body(st, p, len, true);
}

int mppe_tx_encrypt_stateful(struct mppe_tx_state *st, uint8_t *p, uint16_t len)
{
	return mppe_tx_body(st, p, len, false);
}

int mppe_tx_encrypt(struct mppe_tx_state *st, uint8_t *p, uint16_t len)
{
	return st->stateless ? mppe_tx_body(st, p, len, true) : mppe_tx_body(st, p, len, false);
}

/*
 * Flag packets (count low octet 0xFF) among the `ahead` counts after `last`:
 * the stateful key changes a receiver missed. Counts are unrolled past 0xFFF
 * so that the wrap needs no special case.
 */
static inline unsigned int flags_passed(uint16_t last, unsigned int ahead)
{
	unsigned int first = last + 1u;

	return ((first + ahead) >> MPPE_FLAG_SHIFT) - (first >> MPPE_FLAG_SHIFT);
}

MPPE_ALWAYS_INLINE enum mppe_rx_result
mppe_rx_body(struct mppe_rx_state *st, uint8_t *p, uint16_t len, const bool stateless)
{
	uint16_t hdr, cc;
	unsigned int ahead;

	if (MPPE_UNLIKELY(len < MPPE_MIN_LEN))
		return MPPE_RX_E_SHORT;
	hdr = ld16(p);
	if (MPPE_UNLIKELY(hdr & MPPE_HDR_C))
		return MPPE_RX_E_COMPRESSED;
	if (MPPE_UNLIKELY(!(hdr & MPPE_HDR_D)))
		return MPPE_RX_E_NOT_ENCRYPTED;
	cc = hdr & MPPE_CCOUNT_MASK;
	/* 1 for the next packet in sequence, modulo the 12-bit count. */
	ahead = (cc - st->ccount) & MPPE_CCOUNT_MASK;
	if (MPPE_LIKELY(st->started)) {
		if (MPPE_UNLIKELY(ahead == 0))
			return MPPE_RX_E_DUPLICATE;
		if (MPPE_UNLIKELY(ahead > MPPE_REORDER_LIMIT))
			return MPPE_RX_E_REORDERED;
	}

	if (stateless) {
		/* RFC 3078 8.1: one key change per count step, lost packets included. */
		for (unsigned int i = 0; i < ahead; i++)
			mppe_rekey(&st->key);
		rc4_restart(&st->rc4, &st->key);
	} else if (MPPE_LIKELY(!(hdr & MPPE_HDR_A))) {
		if (MPPE_UNLIKELY(st->discard))
			return MPPE_RX_E_RESYNC_WAIT;
		if (MPPE_UNLIKELY(ahead != 1)) {
			/* RFC 3078 8.2: the keystream position is lost; ask for a reset. */
			st->discard = true;
			return MPPE_RX_E_LOST_SYNC;
		}
		/* A flag packet without A: the sender still changed its key. */
		if (MPPE_UNLIKELY(is_flag_count(cc))) {
			mppe_rekey(&st->key);
			rc4_restart(&st->rc4, &st->key);
		}
	} else {
		/*
		 * Flushed: catch up with every flag packet's key change between
		 * the last packet and this one (this one included), then restart
		 * RC4. This resynchronises after loss, and is the whole job on an
		 * in-sequence flag packet or the answer to a Reset-Request.
		 */
		for (unsigned int n = flags_passed(st->ccount, ahead); n > 0; n--)
			mppe_rekey(&st->key);
		if (MPPE_STATEFUL_FLUSH_REKEY && !is_flag_count(cc))
			mppe_rekey(&st->key);  /* Linux: every A is a key change */
		rc4_restart(&st->rc4, &st->key);
		st->discard = false;
	}
	st->ccount = cc;
	st->started = true;
	rc4_crypt(&st->rc4, p + MPPE_HDR_LEN, p + MPPE_HDR_LEN, (size_t)(len - MPPE_HDR_LEN));
	return MPPE_RX_OK;
}

enum mppe_rx_result mppe_rx_decrypt_stateless(struct mppe_rx_state *st, uint8_t *p, uint16_t len)
{
	return mppe_rx_body(st, p, len, true);
}

enum mppe_rx_result mppe_rx_decrypt_stateful(struct mppe_rx_state *st, uint8_t *p, uint16_t len)
{
	return mppe_rx_body(st, p, len, false);
}

enum mppe_rx_result mppe_rx_decrypt(struct mppe_rx_state *st, uint8_t *p, uint16_t len)
{
	return st->stateless ? mppe_rx_body(st, p, len, true) : mppe_rx_body(st, p, len, false);
}

enum drop_reason mppe_rx_drop_reason(enum mppe_rx_result r)
{
	switch (r) {
	case MPPE_RX_OK:
		break;
	case MPPE_RX_E_SHORT:
		return DROP_MPPE_SHORT;
	case MPPE_RX_E_COMPRESSED:
		return DROP_MPPE_COMPRESSED;
	case MPPE_RX_E_NOT_ENCRYPTED:
		return DROP_MPPE_NOT_ENCRYPTED;
	case MPPE_RX_E_DUPLICATE:
		return DROP_MPPE_DUPLICATE;
	case MPPE_RX_E_REORDERED:
		return DROP_MPPE_REORDERED;
	case MPPE_RX_E_LOST_SYNC:
		return DROP_MPPE_LOST_SYNC;
	case MPPE_RX_E_RESYNC_WAIT:
		return DROP_MPPE_RESYNC_WAIT;
	}
	return DROP_MAX;
}
