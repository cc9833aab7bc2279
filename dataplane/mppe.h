/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MPPE packets (RFC 3078) on the fast path: one state per direction, and
 * per-packet encrypt/decrypt in place. Keys come from crypto/mppe_keys.h
 * (RFC 3079 derivation, RFC 3078 7.3 key change); RC4 from crypto/rc4.h.
 * No allocation, no OpenSSL call of our own, no failure path but the
 * result codes (which map to drop reasons).
 *
 * Wire format after the PPP protocol field 0x00FD (RFC 3078 3):
 *
 *   |A|B|C|D| Coherency Count (12) | RC4(protocol field + payload) ...
 *
 *   A 0x80 flushed: the sender re-initialised RC4 before this packet
 *   B      MPPC only; ignored
 *   C 0x20 compressed (MPPC): never negotiated here, dropped
 *   D 0x10 encrypted: must be set
 *
 * Key schedule, both directions (RFC 3078 7.3, and what Linux ppp_mppe,
 * npppd, FreeBSD and Windows do on the wire):
 * - The count of the first packet is 0. Linux keeps its counter at 0xFFF
 *   before the first packet and increments before sending; we do the same,
 *   so "last count" is 0xFFF at start on both sides.
 * - Stateless: the session key changes before EVERY packet, the first
 *   included (count 0 is sent under one key change from the initial session
 *   key), RC4 is re-initialised with it, A is set.
 * - Stateful: the key changes on "flag" packets, whose count's low octet is
 *   0xFF (every 256th packet: 0x0FF, 0x1FF, ...), before encrypting them;
 *   RC4 is then re-initialised and A set. Otherwise RC4 runs on across
 *   packets. After a CCP Reset-Request the next packet re-initialises RC4
 *   with the CURRENT session key and carries A (once, however many requests
 *   arrived). The first packet carries no A (Linux does not set it, and a
 *   Linux receiver would take A as a key change).
 */
#ifndef PPTPGW_DP_MPPE_H
#define PPTPGW_DP_MPPE_H

#include <stdbool.h>
#include <stdint.h>

#include "drop.h"
#include "mppe_keys.h"
#include "rc4.h"

#define MPPE_HDR_LEN        2u
#define MPPE_HDR_A          0x8000u  /* flushed */
#define MPPE_HDR_B          0x4000u  /* MPPC: history at the front */
#define MPPE_HDR_C          0x2000u  /* MPPC: compressed */
#define MPPE_HDR_D          0x1000u  /* encrypted */
#define MPPE_CCOUNT_MASK    0x0FFFu
#define MPPE_CCOUNT_SPACE   0x1000u
/* Low octet of a flag packet's count (stateful rekey point). */
#define MPPE_FLAG_MASK      0xFFu
/*
 * A count this far ahead of the last one (or further) is a late packet, not
 * 3841+ lost ones: drop it instead of rekeying thousands of times and
 * desynchronising for good (npppd's rule, INTEROP.md).
 */
#define MPPE_REORDER_LIMIT  0xF00u
/* MPPE's growth of a frame: the header and an uncompressed protocol field. */
#define MPPE_OVERHEAD       4u

/*
 * Stateful mode, what a flushed (A) packet means for the key. 0: RFC 3078
 * 8.2 as npppd and FreeBSD read it: a Reset-Request only restarts RC4 with
 * the current key, and a received A restarts RC4 after catching up with the
 * flag packets passed. 1 (ours): Linux ppp_mppe's reading: the flushed packet
 * sent after a Reset-Request also changes the key, and so does every received
 * A (one key change on top of the flag-packet catch-up, unless the packet is
 * a flag packet itself). The one switch for both directions. The stateful
 * interop case with injected loss decided: with 0, 18 of 400 pings crossed
 * a real pppd after the first reset; with 1 the link resynchronises
 * (docs/dataplane.md).
 */
#define MPPE_STATEFUL_FLUSH_REKEY 1

/* One direction we transmit. Owned by the session's worker. */
struct mppe_tx_state {
	struct rc4_state rc4;  /* the running keystream */
	struct mppe_key key;   /* start key, current session key, strength */
	uint16_t ccount;       /* count of the last packet sent (0xFFF before the first) */
	bool stateless;
	bool reset_pending;    /* stateful: CCP Reset-Request seen, flush on next packet */
};

/* One direction we receive. Owned by the session's worker. */
struct mppe_rx_state {
	struct rc4_state rc4;
	struct mppe_key key;
	uint16_t ccount;       /* count of the last packet accepted (0xFFF before the first) */
	bool stateless;
	bool started;          /* a packet has been accepted */
	bool discard;          /* stateful: lost a packet, waiting for a flushed one */
};

/*
 * Start a direction from the key the control plane derived (mppe_key_init
 * or mppe_keys_from_mschap*: session key = initial session key). Also used
 * to restart after a CCP renegotiation. key->bits gives the strength.
 */
void mppe_tx_init(struct mppe_tx_state *st, const struct mppe_key *key, bool stateless);
void mppe_rx_init(struct mppe_rx_state *st, const struct mppe_key *key, bool stateless);

/*
 * Encrypt one packet in place. p: MPPE_HDR_LEN bytes for the header (written
 * here), followed by len bytes of plaintext: the PPP protocol field (PFC
 * allowed) and the payload. Returns 0, or -1 when len is 0 (nothing sent,
 * state unchanged). The frame grows by MPPE_HDR_LEN; the caller puts the
 * PPP protocol 0x00FD in front.
 */
int mppe_tx_encrypt(struct mppe_tx_state *st, uint8_t *p, uint16_t len);
/* The same, specialised: for a worker that has already sorted by mode. */
int mppe_tx_encrypt_stateless(struct mppe_tx_state *st, uint8_t *p, uint16_t len);
int mppe_tx_encrypt_stateful(struct mppe_tx_state *st, uint8_t *p, uint16_t len);

/*
 * The peer sent a CCP Reset-Request (RFC 3078 8 / RFC 1962 3): the next
 * stateful packet re-initialises RC4 and sets A. Idempotent; no effect in
 * stateless mode, where every packet is flushed anyway.
 */
void mppe_tx_reset_request(struct mppe_tx_state *st);

enum mppe_rx_result {
	MPPE_RX_OK,
	MPPE_RX_E_SHORT,          /* less than the header and one octet */
	MPPE_RX_E_COMPRESSED,     /* C set: MPPC, never negotiated */
	MPPE_RX_E_NOT_ENCRYPTED,  /* D clear */
	MPPE_RX_E_DUPLICATE,      /* same count as the last accepted packet */
	MPPE_RX_E_REORDERED,      /* count behind (> MPPE_REORDER_LIMIT ahead): late */
	MPPE_RX_E_LOST_SYNC,      /* stateful: gap without A. The caller raises
				   * DP_EVENT_MPPE_RESET_NEEDED (CCP Reset-Request);
				   * reported once per loss */
	MPPE_RX_E_RESYNC_WAIT,    /* stateful: still waiting for a flushed packet */
};

/*
 * Decrypt one packet in place. p: the MPPE header, len bytes from there to
 * the end of the PPP frame. On MPPE_RX_OK, p + MPPE_HDR_LEN holds len - 2
 * bytes of plaintext: protocol field (maybe PFC-compressed, see
 * ppp_proto_parse) and payload. On any other result the packet is to be
 * dropped; the bytes and the state are untouched except that LOST_SYNC
 * enters the discard state.
 *
 * Stateless: the key changes once per count step (RFC 3078 8.1), so a gap
 * of n lost packets costs n key changes and the packet still decrypts.
 * Stateful (RFC 3078 8.2): a gap without A cannot be decrypted; drop until a
 * flushed packet, then change the key once per flag packet passed and
 * re-initialise RC4 with the result.
 *
 * The first packet after init is taken with whatever count it carries
 * (count c costs (c + 1) mod 4096 stateless key changes, as from Linux's
 * 0xFFF start); only later packets are held to the reorder rule.
 */
enum mppe_rx_result mppe_rx_decrypt(struct mppe_rx_state *st, uint8_t *p, uint16_t len);
enum mppe_rx_result mppe_rx_decrypt_stateless(struct mppe_rx_state *st, uint8_t *p, uint16_t len);
enum mppe_rx_result mppe_rx_decrypt_stateful(struct mppe_rx_state *st, uint8_t *p, uint16_t len);

/* The drop counter for a result (MPPE_RX_OK: DROP_MAX). */
enum drop_reason mppe_rx_drop_reason(enum mppe_rx_result r);

#endif /* PPTPGW_DP_MPPE_H */
