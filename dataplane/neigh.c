/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Neighbour table (see neigh.h for the concurrency design).
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_malloc.h>
#include <rte_pause.h>

#include "neigh.h"
#include "dp_priv.h"
#include "worker.h"

#define MAC_LEN        6
#define MAC_BITS       48
/* A reader that keeps meeting a busy entry gives up: only telemetry could spin here. */
#define NEIGH_READ_TRIES 64

static uint64_t pack_mac_port(const uint8_t mac[MAC_LEN], uint16_t port)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < MAC_LEN; i++)
		v |= (uint64_t)mac[i] << (CHAR_BIT * i);
	return v | ((uint64_t)port << MAC_BITS);
}

static void unpack_mac_port(uint64_t v, struct neigh_view *out)
{
	for (unsigned int i = 0; i < MAC_LEN; i++)
		out->mac[i] = (uint8_t)(v >> (CHAR_BIT * i));
	out->port = (uint16_t)(v >> MAC_BITS);
}

int neigh_table_create(struct neigh_table *t, unsigned int owner, int socket)
{
	char name[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters hp = {
		.entries = NEIGH_ENTRIES,
		.key_len = sizeof(uint32_t),
		.hash_func = rte_jhash,
		.socket_id = socket,
		/* LF: lock-free readers beside the single writer; EXT_TABLE: no
		 * insert failure from a full bucket before the table is full. */
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF | RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};

	memset(t, 0, sizeof(*t));
	snprintf(name, sizeof(name), "neigh_w%u", owner);
	hp.name = name;
	t->h = rte_hash_create(&hp);
	if (t->h == NULL)
		return -1;
	int32_t max_id = rte_hash_max_key_id(t->h);
	if (max_id < 0)
		goto fail;
	t->n_slots = (uint32_t)max_id + 1;
	t->e = rte_zmalloc_socket("neigh_entries", sizeof(*t->e) * t->n_slots,
				  RTE_CACHE_LINE_SIZE, socket);
	if (t->e == NULL)
		goto fail;
	return 0;
fail:
	rte_hash_free(t->h);
	t->h = NULL;
	return -1;
}

void neigh_table_destroy(struct neigh_table *t)
{
	rte_hash_free(t->h);
	rte_free(t->e);
	memset(t, 0, sizeof(*t));
}

/* Single-writer sequence count: odd while fields are in flux. */
static void entry_write(struct neigh_entry *e, uint32_t ip_be, uint64_t mac_port, uint64_t tsc)
{
	uint32_t s = e->seq;

	__atomic_store_n(&e->seq, s + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&e->ip_be, ip_be, __ATOMIC_RELAXED);
	__atomic_store_n(&e->mac_port, mac_port, __ATOMIC_RELAXED);
	__atomic_store_n(&e->updated_tsc, tsc, __ATOMIC_RELAXED);
	__atomic_store_n(&e->seq, s + 2, __ATOMIC_RELEASE);
}

static bool entry_read(const struct neigh_entry *e, struct neigh_view *out)
{
	for (unsigned int i = 0; i < NEIGH_READ_TRIES; i++) {
		uint32_t s1 = __atomic_load_n(&e->seq, __ATOMIC_ACQUIRE);
		if (s1 & 1) {
			rte_pause();
			continue;
		}
		uint32_t ip = __atomic_load_n(&e->ip_be, __ATOMIC_RELAXED);
		uint64_t mp = __atomic_load_n(&e->mac_port, __ATOMIC_RELAXED);
		uint64_t tsc = __atomic_load_n(&e->updated_tsc, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&e->seq, __ATOMIC_RELAXED) != s1)
			continue;
		if (ip == 0)
			return false;
		out->ip_be = ip;
		unpack_mac_port(mp, out);
		out->updated_tsc = tsc;
		return true;
	}
	return false;
}

int neigh_learn(struct neigh_table *t, uint32_t ip_be, const uint8_t mac[MAC_LEN], uint16_t port,
		uint64_t now_tsc)
{
	uint64_t mp = pack_mac_port(mac, port);
	int32_t pos = rte_hash_lookup(t->h, &ip_be);

	if (pos >= 0 && (uint32_t)pos < t->n_slots) {
		struct neigh_entry *e = &t->e[pos];
		/* The writer reads its own entries without ceremony. */
		if (e->ip_be == ip_be && e->mac_port == mp) {
			__atomic_store_n(&e->updated_tsc, now_tsc, __ATOMIC_RELAXED);
			return 0;
		}
		entry_write(e, ip_be, mp, now_tsc);
		return 1;
	}
	pos = rte_hash_add_key(t->h, &ip_be);
	if (pos < 0 || (uint32_t)pos >= t->n_slots)
		return -1;
	/* The key is visible before the entry is filled: readers see a mismatching IP and miss. */
	entry_write(&t->e[pos], ip_be, mp, now_tsc);
	return 1;
}

unsigned int neigh_age_step(struct neigh_table *t, uint64_t now_tsc, uint64_t max_age_tsc)
{
	unsigned int removed = 0;

	for (unsigned int i = 0; i < NEIGH_SCAN_SLICE && t->n_slots > 0; i++) {
		uint32_t slot = t->scan_pos;
		struct neigh_entry *e = &t->e[slot];

		t->scan_pos = (slot + 1) % t->n_slots;
		if (e->ip_be == 0 || now_tsc - e->updated_tsc <= max_age_tsc)
			continue;
		uint32_t ip = e->ip_be;
		int32_t pos = rte_hash_del_key(t->h, &ip);
		entry_write(e, 0, 0, 0);
		/* LF tables leave freeing the position to us; safe at once (neigh.h). */
		if (pos >= 0)
			rte_hash_free_key_with_position(t->h, pos);
		removed++;
	}
	return removed;
}

bool neigh_table_lookup(const struct neigh_table *t, uint32_t ip_be, struct neigh_view *out)
{
	int32_t pos = rte_hash_lookup(t->h, &ip_be);

	if (pos < 0 || (uint32_t)pos >= t->n_slots)
		return false;
	if (!entry_read(&t->e[pos], out))
		return false;
	return out->ip_be == ip_be;
}

bool neigh_read_slot(const struct neigh_table *t, uint32_t slot, struct neigh_view *out)
{
	if (slot >= t->n_slots)
		return false;
	return entry_read(&t->e[slot], out);
}

bool neigh_lookup(uint32_t ip_be, struct neigh_view *out)
{
	bool found = false;

	for (unsigned int w = 0; w < dp.n_workers; w++) {
		struct neigh_view v;
		if (!neigh_table_lookup(&dp_worker_get(w)->neigh, ip_be, &v))
			continue;
		if (!found || v.updated_tsc > out->updated_tsc) {
			*out = v;
			found = true;
		}
	}
	return found;
}
