/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Enhanced GRE (RFC 2637 section 4.1), the PPTP data channel: parse and
 * build the header, and the per-session sequence/acknowledgment state.
 * Pure functions over packet bytes (no DPDK, no allocation), so they can be
 * unit-tested and fuzzed; the worker calls them once per GRE packet.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  |C|R|K|S|s|Recur|A| Flags | Ver |   Protocol Type (0x880B)      |
 *  |   Key (HW) Payload Length     |   Key (LW) Call ID            |
 *  |              Sequence Number (optional, S)                    |
 *  |          Acknowledgment Number (optional, A)                  |
 */
#ifndef PPTPGW_GRE_H
#define PPTPGW_GRE_H

#include <stdbool.h>
#include <stdint.h>

#include "drop.h"

#define GRE_PROTO_PPP     0x880Bu
#define GRE_VERSION_PPTP  1u
#define GRE_HDR_BASE_LEN  8u   /* flags, protocol type, key */
#define GRE_SEQ_LEN       4u   /* sequence or acknowledgment number */
#define GRE_HDR_MAX_LEN   (GRE_HDR_BASE_LEN + 2u * GRE_SEQ_LEN)

/* RFC 2637 4.1: the first 16 bits of the header. */
#define GRE_F_C       0x8000u  /* checksum present: 0 for PPTP */
#define GRE_F_R       0x4000u  /* routing present: 0 */
#define GRE_F_K       0x2000u  /* key present: 1 (payload length + call ID) */
#define GRE_F_S       0x1000u  /* sequence number present: a data packet */
#define GRE_F_SSR     0x0800u  /* strict source route: 0 */
#define GRE_F_RECUR   0x0700u  /* recursion control: 0 */
#define GRE_F_A       0x0080u  /* acknowledgment number present */
#define GRE_F_FLAGS   0x0078u  /* reserved flags: 0 */
#define GRE_F_VER     0x0007u  /* version: 1 */
#define GRE_F_MUST_ZERO \
	(GRE_F_C | GRE_F_R | GRE_F_SSR | GRE_F_RECUR | GRE_F_FLAGS)

/* What gre_parse() found, host order. */
struct gre_info {
	uint16_t hdr_len;     /* 8, 12 or 16: the PPP frame starts here */
	uint16_t payload_len; /* key high half; <= bytes after the header */
	uint16_t call_id;     /* key low half: the receiver's (our) Call ID */
	bool has_seq;
	bool has_ack;
	uint32_t seq;         /* valid when has_seq */
	uint32_t ack;         /* valid when has_ack */
};

enum gre_result {
	GRE_OK,
	GRE_E_SHORT,      /* fewer bytes than the header the flags announce */
	GRE_E_VERSION,    /* version != 1: plain GRE (RFC 2784) is not ours */
	GRE_E_PROTOCOL,   /* protocol type != 0x880B */
	GRE_E_NO_KEY,     /* K clear: no Call ID */
	GRE_E_FLAGS,      /* C, R, s, Recur or a reserved flag set */
	GRE_E_TRUNCATED,  /* payload length runs past the buffer */
	GRE_E_NO_SEQ,     /* payload without a sequence number (S clear) */
};

/*
 * Parse an enhanced GRE header at p (len bytes from the GRE header to the
 * end of the IP payload). A payload shorter than what follows the header is
 * fine (Ethernet padding): use out->payload_len, not len. Never reads past
 * len; *out is only meaningful on GRE_OK.
 */
enum gre_result gre_parse(const uint8_t *p, uint16_t len, struct gre_info *out);

/*
 * Write a header at p (room for GRE_HDR_MAX_LEN bytes): K and version 1,
 * S with seq when has_seq, A with ack when has_ack (an ack-only packet is
 * has_seq false, payload_len 0: flags 0x2081). call_id is the PEER's Call
 * ID. Returns the header length, 8 to 16.
 */
uint16_t gre_build(uint8_t *p, uint16_t call_id, uint16_t payload_len,
		   bool has_seq, uint32_t seq, bool has_ack, uint32_t ack);

/* The drop counter for a parse failure (GRE_OK has none: DROP_MAX). */
enum drop_reason gre_drop_reason(enum gre_result r);

/* --- sequence numbers (32-bit, wrapping: serial number arithmetic) --- */

/* a is after b: at most 2^31 - 1 ahead of it, modulo 2^32. */
static inline bool gre_seq_after(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

/*
 * Receive side, one per session. RFC 2637 4.4 leaves reordering to the
 * receiver; ours accepts anything newer than the highest number seen (a gap
 * is loss: PPP and MPPE cope), drops exact duplicates, and lets a late
 * packet through once if it is within GRE_RX_WINDOW of the highest (an
 * IPsec-style bitmap, RFC 4303 3.4.3), so unencrypted sessions survive mild
 * reordering; MPPE applies its own rule after this (see mppe.h).
 */
#define GRE_RX_WINDOW 64u

struct gre_rx_seq {
	uint32_t highest;  /* highest sequence number received: what we ack */
	uint64_t seen;     /* bit i set: highest - i was received */
	bool started;      /* a numbered packet has been received */
	bool ack_due;      /* highest moved since the last ack we sent */
};

enum gre_seq_verdict {
	GRE_SEQ_NEW,        /* newer than anything seen: accept, ack it */
	GRE_SEQ_LATE,       /* older but inside the window, first copy: accept */
	GRE_SEQ_DUPLICATE,  /* seen before: drop */
	GRE_SEQ_STALE,      /* older than the window: drop */
};

/* A session's receive state before its first packet. */
void gre_rx_seq_init(struct gre_rx_seq *w);

/* Judge (and record) one received sequence number. */
enum gre_seq_verdict gre_rx_seq_check(struct gre_rx_seq *w, uint32_t seq);

/* The drop counter for a verdict (NEW and LATE have none: DROP_MAX). */
enum drop_reason gre_seq_drop_reason(enum gre_seq_verdict v);

/*
 * What to acknowledge: true with *ack = the highest sequence number
 * received when an ack is owed (RFC 2637 4.1: "the highest numbered GRE
 * packet received"), and marks it sent; false when nothing new arrived.
 * Piggyback it on the next data packet, or send it ack-only on a timer.
 */
static inline bool gre_rx_ack_take(struct gre_rx_seq *w, uint32_t *ack)
{
	if (!w->ack_due)
		return false;
	w->ack_due = false;
	*ack = w->highest;
	return true;
}

/* Transmit side, one per session. */
struct gre_tx_seq {
	uint32_t next;   /* sequence number of the next data packet */
	uint32_t acked;  /* highest of ours the peer acknowledged */
};

/* First data packet gets number `first` (0 for us, as pptpd and Linux). */
void gre_tx_seq_init(struct gre_tx_seq *t, uint32_t first);

/* Number for the next data packet. */
static inline uint32_t gre_tx_seq_next(struct gre_tx_seq *t)
{
	return t->next++;
}

/*
 * Record a received acknowledgment. Ignored (false) unless it moves forward
 * and names a packet we actually sent; acks may arrive reordered too.
 */
bool gre_tx_ack(struct gre_tx_seq *t, uint32_t ack);

/* Packets sent and not yet acknowledged (for the PPTP receive window). */
static inline uint32_t gre_tx_in_flight(const struct gre_tx_seq *t)
{
	return t->next - 1u - t->acked;
}

#endif /* PPTPGW_GRE_H */
