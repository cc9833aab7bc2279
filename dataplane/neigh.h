/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Neighbour table: IPv4 -> MAC learned by snooping ARP that arrives on the
 * wire (the kernel keeps its own table behind the TAP; this copy is for the
 * fast path, which will need next-hop MACs without asking the kernel).
 *
 * Choice: one table per worker, and that worker is its only writer. With
 * RSS an ARP frame can arrive on any worker's queue, so "one writer per
 * port" would need a hand-off ring or a writer lock; per-worker tables need
 * neither. A reader (any worker, the telemetry thread) looks in every
 * worker's table (neigh_lookup); a mapping learned by two workers exists
 * twice and the newer one wins.
 *
 * Readers never lock: the rte_hash is created with
 * RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF and maps IP -> key position; the
 * value lives in our own array indexed by that position, guarded by a
 * per-entry sequence count. Each entry repeats its IP, and a reader checks
 * it, so a position freed and reused under a reader reads as a miss (or as
 * the same IP's new value), never as another host's MAC. That is why the
 * writer may free positions at once on ageing, without RCU.
 */
#ifndef PPTPGW_NEIGH_H
#define PPTPGW_NEIGH_H

#include <stdbool.h>
#include <stdint.h>

#define NEIGH_ENTRIES     4096   /* per worker; a /20 of hosts on the wire side */
#define NEIGH_MAX_AGE_S   300    /* forget a sender not heard for 5 min (the kernel re-ARPs in use hosts long before) */
#define NEIGH_SCAN_SLICE  64     /* positions aged per step: bounded work per loop pass */
#define NEIGH_SCAN_PERIOD_MS 10  /* one step every 10 ms: a full sweep well under a minute */

struct rte_hash;

struct neigh_entry {
	uint32_t seq;          /* odd while the writer is changing the entry */
	uint32_t ip_be;        /* 0: empty (0.0.0.0 is never learned) */
	uint64_t mac_port;     /* MAC in the low 48 bits (wire order), port index above */
	uint64_t updated_tsc;  /* last time the sender was heard */
};

struct neigh_table {
	struct rte_hash *h;
	struct neigh_entry *e; /* indexed by rte_hash key position */
	uint32_t n_slots;
	uint32_t scan_pos;     /* writer only: where ageing resumes */
};

/* A consistent copy of one entry. */
struct neigh_view {
	uint32_t ip_be;
	uint8_t mac[6];
	uint16_t port;         /* config port index */
	uint64_t updated_tsc;
};

int neigh_table_create(struct neigh_table *t, unsigned int owner, int socket);
void neigh_table_destroy(struct neigh_table *t);

/*
 * Writer (owner worker) only. Returns 1 when the mapping was added or its
 * MAC/port changed, 0 when only refreshed, -1 when the table is full.
 */
int neigh_learn(struct neigh_table *t, uint32_t ip_be, const uint8_t mac[6], uint16_t port,
		uint64_t now_tsc);
/* Writer only: age out up to NEIGH_SCAN_SLICE positions. Returns entries removed. */
unsigned int neigh_age_step(struct neigh_table *t, uint64_t now_tsc, uint64_t max_age_tsc);

/* Readers, any thread. */
bool neigh_table_lookup(const struct neigh_table *t, uint32_t ip_be, struct neigh_view *out);
bool neigh_read_slot(const struct neigh_table *t, uint32_t slot, struct neigh_view *out);
/* Across every worker's table, newest mapping. */
bool neigh_lookup(uint32_t ip_be, struct neigh_view *out);

#endif /* PPTPGW_NEIGH_H */
