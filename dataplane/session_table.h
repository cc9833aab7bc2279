/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PPTP sessions in the dataplane: the preallocated session array, the two
 * lookup tables and their retirement, as the workers see them. The control
 * plane's side (install, network up, remove, stats) is dp_session.h.
 *
 * Who writes what:
 * - struct dp_session (the fast-path state of one call) has ONE writer, its
 *   owner worker, which applies SESSION_INSTALL / SESSION_KEYS /
 *   SESSION_REMOVE from its message ring. The control plane and telemetry
 *   only read its counters and last_rx_tsc (relaxed atomic loads).
 * - The lookup tables (rte_hash, RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF)
 *   have ONE writer, the control-plane thread (dp_session.c); workers read
 *   them lock-free.
 *     upstream:   (peer IPv4, our Call-ID) -> session
 *     downstream: client IPv4              -> session
 *   Downstream is a second LF rte_hash, not rte_lpm with /32s: rte_lpm's
 *   tbl24 alone is 64 MiB whatever the session count (1 KiB a session at
 *   65,536, the whole budget), every /32 also takes a 1 KiB tbl8 group per
 *   /24 touched, and an exact-match lookup on a 4-byte key is what a hash does
 *   best (a miss, the common case for LAN traffic, is one bucket compare).
 * - A table value is a struct session_ref packed into the hash's data
 *   pointer: session id, generation, owner worker. The generation changes on
 *   every install, and the owner keeps the generation it applied: a packet
 *   looked up (or cached, or handed off) under an older life of the slot is
 *   recognised and dropped, never processed with the new session's state.
 * - Retirement (rte_rcu_qsbr): remove deletes the keys, tells the owner, and
 *   starts a grace period; once every worker has reported a quiescent state
 *   (once per loop pass) AND the owner has applied the SESSION_REMOVE (it
 *   publishes retired_gen), the key positions are freed and the slot may be
 *   installed again, possibly with another owner. No worker can then still
 *   hold a position or a reference from before the delete, and the old owner
 *   has let go of the slot (its ack list included).
 */
#ifndef PPTPGW_SESSION_TABLE_H
#define PPTPGW_SESSION_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>

#include "config.h"
#include "dp_msg.h"
#include "gre.h"
#include "mp.h"
#include "mppe.h"
#include "rate.h"

/*
 * Sessions the dataplane holds (the array is allocated once, at set-up):
 * DESIGN.md 6's 65,536 server sessions, plus the 256 ids the control plane
 * keeps for pptp-client interfaces (SESSION_CLIENT_IDS, controlplane/session.h).
 */
#define DP_SESSIONS_DEFAULT   (65536u + 256u)
/* Per-worker direct-mapped cache in front of the upstream hash. */
#define SESSION_CACHE_SIZE    256u
/* Neighbour (next hop MAC) of a session re-read this often (ms). */
#define SESSION_NH_REFRESH_MS 1000u
/* An owed GRE ack goes out ack-only once no data carried it for this long. */
#define SESSION_ACK_DELAY_US  500u
/* Packets in flight between workers, per worker. */
#define SESSION_HANDOFF_RING  1024u
/* No session: end of a worker's ack list. */
#define SESSION_NONE          UINT32_MAX
/*
 * Multilink packets a worker may hold half reassembled (one per session at
 * most), and how long one may wait for its remaining fragments: bounded so
 * that sessions whose fragments stop coming cannot drain the mbuf pool.
 */
#define SESSION_MP_HELD_MAX   256u
#define SESSION_MP_TIMEOUT_MS 500u

/* dp_session.rate_on: which directions are limited (the one test unlimited sessions pay). */
#define SESSION_RATE_RX 0x1u   /* upstream, client -> us */
#define SESSION_RATE_TX 0x2u   /* downstream, us -> client */

/* Rate-limit buckets (rate.h): a line of their own, touched only when limited. */
struct session_rate {
	struct rate_bucket rx, tx;
} __rte_cache_aligned;

enum session_state {
	SESSION_FREE = 0,      /* never installed, or removed */
	SESSION_ESTABLISHING,  /* installed: GRE and PPP control flow, no data */
	SESSION_UP,            /* network up: data flows */
};

/* Owner-written counters, read by the control plane and telemetry. */
struct session_counters {
	uint64_t rx_packets, rx_bytes;   /* GRE packets received (all, ack-only included) */
	uint64_t rx_drops;
	uint64_t tx_packets, tx_bytes;   /* GRE packets sent (data, control, ack-only) */
	uint64_t tx_drops;
	uint64_t ctrl_in, ctrl_out;      /* PPP control frames up to / down from the control plane */
};

struct dp_session {
	/* Hot, read per packet (first cache lines). */
	uint32_t gen;              /* generation applied by the owner */
	uint8_t state;             /* enum session_state */
	uint8_t flags;             /* DP_SESSION_F_* */
	uint8_t mppe_bits;         /* 0: no MPPE */
	uint8_t reset_event;       /* a RESET_NEEDED event is outstanding */
	uint32_t peer_ip;          /* host order */
	uint32_t local_ip;
	uint32_t client_ip;
	uint16_t our_call_id;
	uint16_t peer_call_id;
	uint16_t port;             /* config port index towards the peer */
	uint16_t mtu;
	uint16_t mru;
	uint16_t peer_window;
	uint8_t nh_mac[6];         /* peer's next hop, when nh_valid */
	uint8_t nh_valid;
	uint8_t ack_listed;        /* on the owner's ack list */
	uint16_t nh_port;          /* config port index of the next hop */
	uint8_t rate_on;           /* SESSION_RATE_*: buckets in use */
	uint32_t ack_next;         /* next on the owner's ack list */
	uint64_t nh_checked_tsc;
	uint64_t last_rx_tsc;      /* any GRE from the peer (keepalive idle time) */
	uint64_t last_data_tsc;    /* IPv4 data either way (idle-timeout; cp reads) */
	uint64_t ack_due_tsc;      /* when the owed ack became due */
	uint32_t ip_id;            /* outer IPv4 identification */
	uint32_t retired_gen;      /* the generation whose SESSION_REMOVE the owner applied (cp reads) */
	struct gre_rx_seq rx_seq;
	struct gre_tx_seq tx_seq;
	struct session_counters c;
	struct mppe_tx_state mtx;
	struct mppe_rx_state mrx;
	/* RFC 1990 multilink (flags & DP_SESSION_F_MP): touched by multilink sessions only. */
	struct mp_tx mp_tx;
	struct mp_rx mp_rx;
	struct rte_mbuf *mp_held;  /* the packet being reassembled (mp_rx.holding) */
	uint16_t mp_cap;           /* largest reassembled packet: our MRRU + protocol field */
	uint16_t mp_frag_data;     /* data octets per fragment: link MTU less the MP header */
	uint16_t mp_held_slot;     /* its index in the owner's held list, while mp_held */
	struct session_rate rate;
} __rte_cache_aligned;

/* What a table lookup yields (packed into the hash's data pointer). */
struct session_ref {
	uint32_t id;
	uint32_t gen;              /* 24 bits */
	uint8_t owner;
};

#define SESSION_GEN_MASK 0xFFFFFFu

static inline uint64_t session_ref_pack(uint32_t id, uint32_t gen, uint8_t owner)
{
	return (uint64_t)id | ((uint64_t)(gen & SESSION_GEN_MASK) << 32) | ((uint64_t)owner << 56);
}

static inline struct session_ref session_ref_unpack(uint64_t v)
{
	return (struct session_ref){ .id = (uint32_t)v, .gen = (uint32_t)(v >> 32) & SESSION_GEN_MASK,
				     .owner = (uint8_t)(v >> 56) };
}

/* Upstream key: (peer IPv4, our Call-ID) as one 8-byte integer, host order. */
static inline uint64_t session_up_key(uint32_t peer_ip, uint16_t call_id)
{
	return ((uint64_t)peer_ip << 16) | call_id;
}

/* One worker's direct-mapped cache line: key and what it mapped to. */
struct session_cache_entry {
	uint64_t key;              /* session_up_key | SESSION_CACHE_VALID */
	uint64_t ref;
};
#define SESSION_CACHE_VALID (1ull << 48)

/* Control-plane side of a slot: written by the control plane only. */
struct session_cp {
	uint8_t state;             /* SESSION_CP_* */
	uint8_t owner;
	uint16_t port;
	uint32_t gen;
	uint64_t up_key;
	uint32_t client_ip;        /* 0: not in the downstream table */
	int32_t up_pos, down_pos;  /* >= 0: key in the table; from the delete on, its position (freed after the grace period) */
	uint32_t retire_next;      /* FIFO of slots waiting for their grace period */
	uint64_t token;            /* rte_rcu_qsbr token of the retirement */
	uint64_t rate_rx_bps, rate_tx_bps;  /* the limit last sent to the owner (0: none), for readers */
};

enum {
	SESSION_CP_FREE = 0,
	SESSION_CP_USED,
	SESSION_CP_RETIRING,
};

struct rte_hash;
struct rte_ring;
struct rte_rcu_qsbr;

/* The tables, shared read-only by workers. */
struct session_tables {
	uint32_t max;                  /* sessions */
	struct dp_session *s;          /* [max], rte_zmalloc, cache aligned: owners write */
	struct session_cp *cp;         /* [max]: control plane writes */
	struct rte_hash *up;           /* session_up_key -> ref */
	struct rte_hash *down;         /* client IPv4 (host order) -> ref */
	struct rte_rcu_qsbr *qsv;      /* one thread per worker */
	struct rte_ring *handoff[CFG_MAX_WORKERS];
	unsigned int n_workers;
	int handoff_dynfield;          /* mbuf dynfield offset of the handoff tag */
	uint32_t default_gw;           /* next hop for off-link peers (0.0.0.0/0 in ip.route), host order */
	uint32_t retire_head, retire_tail;
	uint32_t n_used, n_retiring;   /* control plane's counts */
	uint64_t to_worker_full;       /* messages the control plane could not queue (DROP_TO_WORKER_FULL) */
	uint64_t mem_bytes;            /* what the tables took from the DPDK heap */
};

extern struct session_tables sess;

/* dp_setup / dp_teardown (control-plane thread). */
int session_tables_create(uint32_t max, unsigned int n_workers);
void session_tables_destroy(void);

/* Handoff tag: the ref, with the kind in the owner byte (the receiver is the owner). */
enum handoff_kind {
	HANDOFF_UP = 1,    /* GRE frame from the wire, Ethernet header on */
	HANDOFF_DOWN,      /* inner IPv4 packet for the session, ready to encapsulate */
};

static inline uint64_t *session_tag(struct rte_mbuf *m)
{
	return RTE_MBUF_DYNFIELD(m, sess.handoff_dynfield, uint64_t *);
}

/* Worker side: the upstream lookup (cache, then the hash). false: no session. */
struct worker;
bool session_lookup_up(struct worker *w, uint32_t peer_ip, uint16_t call_id, struct session_ref *out);
bool session_lookup_down(uint32_t client_ip, struct session_ref *out);
/*
 * The same for a burst (n <= RTE_HASH_LOOKUP_BULK_MAX): one bulk table lookup,
 * which prefetches its buckets. Bit i of the result: out[i] is valid.
 */
uint64_t session_lookup_up_bulk(struct worker *w, const uint64_t *keys, unsigned int n,
				struct session_ref *out);
uint64_t session_lookup_down_bulk(const uint32_t *client_ips, unsigned int n, struct session_ref *out);

#endif /* PPTPGW_SESSION_TABLE_H */
