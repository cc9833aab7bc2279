/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PPP Multilink (RFC 1990) for a one-link bundle: the MP header, splitting a
 * bundle-level frame into fragments, and the receiver's reassembly state.
 * Pure functions over bytes (no DPDK, no allocation); the worker keeps the
 * bytes of a packet being reassembled in an mbuf and asks mp_rx_input() what
 * to do with each fragment, tests and the fuzz target in a flat buffer
 * (mp_reasm_feed()).
 *
 * Why a PPTP link wants MP at all: the bundle's MRRU, not the link's MRU,
 * bounds a packet, so a full 1500-byte IPv4 packet crosses a 1450-MRU tunnel
 * in two fragments, DF or not (RouterOS `mrru`).
 *
 * Header (RFC 1990 3), after the PPP protocol field 0x003D:
 *   long (default):  |B|E|0|0|0|0|0|0|  24-bit sequence number  |   4 octets
 *   short (option 18 agreed by the receiver): |B|E|0|0| 12-bit seq |   2 octets
 * B marks the first fragment of a packet, E the last; both on a packet sent
 * whole. The fragments carry, in order, the packet's protocol field (maybe
 * compressed) and information field. As ppp_generic does, compression and
 * MPPE run at bundle level: the frame is encrypted first, then fragmented;
 * fragments are reassembled, then decrypted.
 */
#ifndef PPTPGW_MP_H
#define PPTPGW_MP_H

#include <stdbool.h>
#include <stdint.h>

#include "drop.h"

#define MP_HDR_LONG_LEN   4u
#define MP_HDR_SHORT_LEN  2u
#define MP_HDR_MAX_LEN    MP_HDR_LONG_LEN
#define MP_FLAG_B         0x80u   /* RFC 1990 3: (B)eginning fragment */
#define MP_FLAG_E         0x40u   /* (E)nding fragment */
#define MP_LONG_RSVD      0x3Fu   /* bits that must be zero, long format */
#define MP_SHORT_RSVD     0x30u   /* short format */
#define MP_SEQ_LONG_MASK  0xFFFFFFu
#define MP_SEQ_SHORT_MASK 0xFFFu

/* Most fragments one packet is split into; more is dropped (mp_frag_count). */
#define MP_FRAGS_MAX      8u

struct mp_hdr {
	uint32_t seq;
	bool begin;
	bool end;
	uint8_t hdr_len;   /* 2 or 4: the fragment data starts here */
};

enum mp_result {
	MP_OK,
	MP_E_SHORT,   /* fewer octets than the header */
	MP_E_FLAGS,   /* reserved header bits set */
};

static inline uint16_t mp_hdr_len(bool short_seq)
{
	return short_seq ? MP_HDR_SHORT_LEN : MP_HDR_LONG_LEN;
}

static inline uint32_t mp_seq_mask(bool short_seq)
{
	return short_seq ? MP_SEQ_SHORT_MASK : MP_SEQ_LONG_MASK;
}

/* p: what follows the 0x003D protocol field. */
enum mp_result mp_parse(const uint8_t *p, uint16_t len, bool short_seq, struct mp_hdr *out);
/* Write a header of mp_hdr_len(short_seq) octets at p. */
void mp_build(uint8_t *p, bool short_seq, uint32_t seq, bool begin, bool end);
enum drop_reason mp_drop_reason(enum mp_result r);

/*
 * Sizes of the fragments that carry len octets, none over max_data: as even
 * as possible (the first len % n one octet longer), so no fragment is a
 * runt. Returns the count, or 0 when more than max_frags would be needed (or
 * max_data is 0). A packet of 0 octets is one empty fragment.
 */
unsigned int mp_split(uint16_t len, uint16_t max_data, uint16_t *sizes, unsigned int max_frags);

/* Transmit side: the bundle's sequence numbers (RFC 1990 3: one per fragment). */
struct mp_tx {
	uint32_t seq;
};

static inline uint32_t mp_tx_next(struct mp_tx *tx, bool short_seq)
{
	uint32_t s = tx->seq & mp_seq_mask(short_seq);

	tx->seq = (s + 1) & mp_seq_mask(short_seq);
	return s;
}

/*
 * Receive side. RFC 1990 4.1 finds lost fragments through M, the least of the
 * newest sequence numbers seen on each link; on a bundle of one link M is
 * simply the newest number, so any gap is a loss at once: the packet being
 * reassembled is discarded and fragments are dropped until the next B.
 * Numbers behind the expected one (GRE let a late or duplicated packet
 * through its window) are dropped without touching the state.
 */
struct mp_rx {
	uint32_t next;       /* sequence number expected */
	uint64_t start;      /* when the held packet's first fragment came (caller's clock) */
	uint16_t len;        /* octets held */
	uint8_t holding;     /* a packet is being reassembled */
	uint8_t synced;      /* next is meaningful */
};

/* What to do with the fragment just parsed. */
enum mp_rx_action {
	MP_RX_DROP,          /* drop it, counted as why */
	MP_RX_DELIVER,       /* B and E: it is a whole packet */
	MP_RX_START,         /* B: hold its data as the packet's start */
	MP_RX_APPEND,        /* append its data to what is held */
	MP_RX_COMPLETE,      /* append, and the held packet is whole: deliver it */
};

struct mp_rx_verdict {
	enum mp_rx_action action;
	enum drop_reason why;       /* MP_RX_DROP: this fragment's drop reason */
	/*
	 * DROP_MAX, or the reason the packet held so far is given up (before
	 * acting on this fragment): the caller frees it and counts one drop.
	 */
	enum drop_reason discard;
};

void mp_rx_init(struct mp_rx *rx);

/*
 * One fragment of frag_len data octets with header h. cap bounds a
 * reassembled packet (the MRRU plus its protocol field, or the buffer,
 * whichever is less); a held packet older than timeout (same unit as now)
 * is given up first.
 */
void mp_rx_input(struct mp_rx *rx, const struct mp_hdr *h, uint16_t frag_len, uint16_t cap,
		 uint64_t now, uint64_t timeout, bool short_seq, struct mp_rx_verdict *v);

/*
 * The held packet is older than timeout: give it up (the caller frees it,
 * counted as DROP_MP_TIMEOUT). For a periodic sweep; false when nothing is
 * held or it is young.
 */
bool mp_rx_expire(struct mp_rx *rx, uint64_t now, uint64_t timeout);

/* Forget the held packet (the caller frees it): session removed, keys changed. */
static inline void mp_rx_reset(struct mp_rx *rx)
{
	rx->holding = 0;
	rx->len = 0;
}

/*
 * The same over a flat buffer, for tests and the fuzz target: feed one MP
 * payload (what follows 0x003D). Returns 1 when a packet is complete
 * (out, out_len: in buf, or inside p for a single-fragment packet), 0 when
 * the fragment was taken and nothing is complete, -1 with *why when it was
 * dropped. *discarded: why the packet held before was given up, or DROP_MAX.
 */
struct mp_reasm_buf {
	struct mp_rx rx;
	uint8_t *buf;        /* cap octets */
	uint16_t cap;
	uint16_t len;        /* octets in buf */
};

int mp_reasm_feed(struct mp_reasm_buf *b, const uint8_t *p, uint16_t len, bool short_seq,
		  uint64_t now, uint64_t timeout, const uint8_t **out, uint16_t *out_len,
		  enum drop_reason *why, enum drop_reason *discarded);

#endif /* PPTPGW_MP_H */
