/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Multilink (RFC 1990, mp.h) in the worker: the mbuf side of fragmenting a
 * session's bundle-level frames and reassembling the peer's, for tunnel.c.
 * Owner worker only, like the rest of a session's state. A reassembled
 * packet lives in the mbuf of its first fragment (moved to the front of the
 * buffer, later fragments copied behind it); a worker holds at most
 * SESSION_MP_HELD_MAX of them and gives up any older than
 * SESSION_MP_TIMEOUT_MS (tunnel_mp_tick).
 */
#ifndef PPTPGW_TUNNEL_MP_H
#define PPTPGW_TUNNEL_MP_H

#include <stdint.h>

#include "mp.h"

struct worker;
struct dp_session;
struct dp_session_keys;
struct rte_mbuf;

/*
 * m holds a bundle-level frame (protocol field, then the information field:
 * MPPE's output or the datagram). Splits it into fragments of at most the
 * session's fragment size, each [MP header][data] with the bundle's next
 * sequence number, into frags (m is reused as the first). Returns how many;
 * 0 when m was dropped and counted (too many fragments, no mbufs).
 */
unsigned int tunnel_mp_fragment(struct worker *w, struct dp_session *s, struct rte_mbuf *m,
				struct rte_mbuf *frags[MP_FRAGS_MAX]);

/*
 * mp..mp+len (inside m) is what follows protocol 0x003D. Returns an mbuf
 * whose data is one whole bundle-level frame (protocol field first), or NULL
 * when m was kept (first fragments) or consumed, or dropped and counted.
 */
struct rte_mbuf *tunnel_mp_reassemble(struct worker *w, struct dp_session *s, uint32_t id,
				      struct rte_mbuf *m, const uint8_t *mp, uint16_t len,
				      uint64_t now);

/* SESSION_KEYS: multilink on (DP_SESSION_F_MP), off, or changed. */
void tunnel_mp_apply_keys(struct worker *w, struct dp_session *s, const struct dp_session_keys *k);

/* The session goes: let go of a held packet (freed, not counted as a drop). */
void tunnel_mp_release(struct worker *w, struct dp_session *s);

/* Give up the held packets whose remaining fragments are late (drain timer). */
void tunnel_mp_tick(struct worker *w, uint64_t now);

#endif /* PPTPGW_TUNNEL_MP_H */
