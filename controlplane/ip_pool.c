/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The /ip/pool address allocator (see ip_pool.h).
 *
 * Two structures, kept consistent on every change:
 *  - one hash of every address in use (open addressing, linear probing,
 *    backward-shift deletion), which is the truth;
 *  - per pool and range, a bitmap of the addresses in use with a summary
 *    bitmap of full words, which answers "highest free address" in
 *    O(range size / 4096) word reads. An address taken or given back is
 *    marked in every range that holds it, so overlapping pools agree.
 * A pool's bitmaps are rebuilt from the hash when its ranges change.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ip_pool.h"
#include "log.h"

#define WORD_BITS        64u
#define WORD_SHIFT       6u
#define WORD_MASK        (WORD_BITS - 1u)
#define HASH_MIN_SLOTS   64u
#define HASH_MULT        0x9E3779B1u   /* Fibonacci hashing */
#define HASH_MIX_SHIFT   16u

struct pool_range {
	uint32_t first;
	uint32_t n;          /* addresses in the bitmap (<= IP_POOL_RANGE_MAX) */
	uint32_t used;       /* of them in use */
	uint32_t blocked;    /* of them never handed out (0.0.0.0) */
	uint32_t nwords;
	uint32_t nsummary;
	uint64_t *bits;      /* 1 = in use; bits past n are set */
	uint64_t *full;      /* bit w: bits[w] has no free address; bits past nwords are set */
};

struct pool_state {
	char name[CFG_NAME_MAX];
	struct cfg_ip_range *src;     /* the ranges the bitmaps were built from */
	unsigned int n_src;
	struct pool_range *ranges;
	unsigned int n_ranges;
};

struct used_slot {
	uint32_t addr;       /* 0: empty */
	char *owner;
	char *info;
};

static struct {
	struct pool_state *pools;
	unsigned int n_pools;
	struct used_slot *slots;
	uint32_t cap;        /* power of two, or 0 */
	uint32_t count;
} ipp;

/* ---- the in-use hash ---- */

static uint32_t home_slot(uint32_t addr)
{
	uint32_t h = addr * HASH_MULT;

	return (h ^ (h >> HASH_MIX_SHIFT)) & (ipp.cap - 1);
}

static struct used_slot *used_find(uint32_t addr)
{
	if (addr == 0 || ipp.cap == 0)
		return NULL;
	for (uint32_t i = home_slot(addr);; i = (i + 1) & (ipp.cap - 1)) {
		if (ipp.slots[i].addr == addr)
			return &ipp.slots[i];
		if (ipp.slots[i].addr == 0)
			return NULL;
	}
}

static void used_place(struct used_slot *s)
{
	uint32_t i = home_slot(s->addr);

	while (ipp.slots[i].addr)
		i = (i + 1) & (ipp.cap - 1);
	ipp.slots[i] = *s;
}

static int used_grow(void)
{
	struct used_slot *old = ipp.slots;
	uint32_t old_cap = ipp.cap, cap = ipp.cap ? ipp.cap * 2 : HASH_MIN_SLOTS;
	struct used_slot *slots;

	if (cap < ipp.cap)
		return -1;
	slots = calloc(cap, sizeof(*slots));
	if (!slots)
		return -1;
	ipp.slots = slots;
	ipp.cap = cap;
	for (uint32_t i = 0; i < old_cap; i++)
		if (old[i].addr)
			used_place(&old[i]);
	free(old);
	return 0;
}

static char *dup_or_null(const char *s)
{
	return s && *s ? strdup(s) : NULL;
}

static int used_insert(uint32_t addr, const char *owner, const char *info)
{
	struct used_slot s = { .addr = addr };

	/* Load factor at most 1/2 keeps probe runs short. */
	if ((ipp.count + 1) * 2 > ipp.cap && used_grow())
		return -1;
	s.owner = dup_or_null(owner);
	s.info = dup_or_null(info);
	if ((owner && *owner && !s.owner) || (info && *info && !s.info)) {
		free(s.owner);
		free(s.info);
		return -1;
	}
	used_place(&s);
	ipp.count++;
	return 0;
}

/* Backward-shift deletion: later members of the probe run move up. */
static void used_delete(struct used_slot *s)
{
	uint32_t mask = ipp.cap - 1, i = (uint32_t)(s - ipp.slots), j = i;

	free(s->owner);
	free(s->info);
	for (;;) {
		uint32_t k;
		bool stays;

		j = (j + 1) & mask;
		if (ipp.slots[j].addr == 0)
			break;
		k = home_slot(ipp.slots[j].addr);
		/* Slot j's entry may move to i unless its home lies cyclically in (i, j]. */
		stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
		if (stays)
			continue;
		ipp.slots[i] = ipp.slots[j];
		i = j;
	}
	memset(&ipp.slots[i], 0, sizeof(ipp.slots[i]));
	ipp.count--;
}

/* ---- range bitmaps ---- */

static bool range_has(const struct pool_range *r, uint32_t addr)
{
	return addr >= r->first && addr - r->first < r->n;
}

static bool bit_is_set(const struct pool_range *r, uint32_t off)
{
	return (r->bits[off >> WORD_SHIFT] >> (off & WORD_MASK)) & 1u;
}

static void bit_set(struct pool_range *r, uint32_t off)
{
	uint32_t w = off >> WORD_SHIFT;

	r->bits[w] |= 1ull << (off & WORD_MASK);
	if (r->bits[w] == UINT64_MAX)
		r->full[w >> WORD_SHIFT] |= 1ull << (w & WORD_MASK);
}

static void bit_clear(struct pool_range *r, uint32_t off)
{
	uint32_t w = off >> WORD_SHIFT;

	r->bits[w] &= ~(1ull << (off & WORD_MASK));
	r->full[w >> WORD_SHIFT] &= ~(1ull << (w & WORD_MASK));
}

static unsigned int top_bit(uint64_t v)
{
	return WORD_MASK - (unsigned int)__builtin_clzll(v);
}

/* The highest free offset of the range, false when it is full. */
static bool range_highest_free(const struct pool_range *r, uint32_t *off)
{
	for (uint32_t s = r->nsummary; s-- > 0;) {
		uint64_t avail = ~r->full[s];
		uint32_t w;

		if (!avail)
			continue;
		w = s * WORD_BITS + top_bit(avail);
		*off = w * WORD_BITS + top_bit(~r->bits[w]);
		return true;
	}
	return false;
}

static void range_free(struct pool_range *r)
{
	free(r->bits);
	free(r->full);
	memset(r, 0, sizeof(*r));
}

/* Mark one address in (true) or out of use in every range of every pool that holds it. */
static void mark_everywhere(uint32_t addr, bool in_use)
{
	for (unsigned int p = 0; p < ipp.n_pools; p++) {
		for (unsigned int i = 0; i < ipp.pools[p].n_ranges; i++) {
			struct pool_range *r = &ipp.pools[p].ranges[i];
			uint32_t off;

			if (!range_has(r, addr))
				continue;
			off = addr - r->first;
			if (in_use && !bit_is_set(r, off)) {
				bit_set(r, off);
				r->used++;
			} else if (!in_use && bit_is_set(r, off)) {
				bit_clear(r, off);
				r->used--;
			}
		}
	}
}

static int range_build(struct pool_range *r, const struct cfg_ip_range *src, const char *pool)
{
	uint64_t size = (uint64_t)src->last - src->first + 1;

	memset(r, 0, sizeof(*r));
	if (size > IP_POOL_RANGE_MAX) {
		LOG_WARN(LOG_TOPIC_SYSTEM,
			 "ip pool=%s range of %llu addresses: only the first %u are handed out",
			 pool, (unsigned long long)size, IP_POOL_RANGE_MAX);
		size = IP_POOL_RANGE_MAX;
	}
	r->first = src->first;
	r->n = (uint32_t)size;
	r->nwords = (r->n + WORD_MASK) / WORD_BITS;
	r->nsummary = (r->nwords + WORD_MASK) / WORD_BITS;
	r->bits = calloc(r->nwords, sizeof(*r->bits));
	r->full = calloc(r->nsummary, sizeof(*r->full));
	if (!r->bits || !r->full) {
		range_free(r);
		return -1;
	}
	/* Padding is "in use" so the search never sees it. */
	for (uint32_t w = r->nwords; w < r->nsummary * WORD_BITS; w++)
		r->full[w >> WORD_SHIFT] |= 1ull << (w & WORD_MASK);
	for (uint64_t off = r->n; off < (uint64_t)r->nwords * WORD_BITS; off++)
		bit_set(r, (uint32_t)off);
	if (r->first == 0) {
		bit_set(r, 0);
		r->blocked = 1;
	}
	for (uint32_t i = 0; i < ipp.cap; i++) {
		uint32_t a = ipp.slots[i].addr;

		if (a && range_has(r, a) && !bit_is_set(r, a - r->first)) {
			bit_set(r, a - r->first);
			r->used++;
		}
	}
	return 0;
}

/* ---- pools ---- */

static void pool_clear(struct pool_state *st)
{
	for (unsigned int i = 0; i < st->n_ranges; i++)
		range_free(&st->ranges[i]);
	free(st->ranges);
	free(st->src);
	st->ranges = NULL;
	st->src = NULL;
	st->n_ranges = st->n_src = 0;
}

static int pool_build(struct pool_state *st, const struct cfg_ip_pool *pool)
{
	pool_clear(st);
	if (pool->n_ranges == 0)
		return 0;
	st->src = malloc(pool->n_ranges * sizeof(*st->src));
	st->ranges = calloc(pool->n_ranges, sizeof(*st->ranges));
	if (!st->src || !st->ranges)
		goto fail;
	memcpy(st->src, pool->ranges, pool->n_ranges * sizeof(*st->src));
	st->n_src = pool->n_ranges;
	for (unsigned int i = 0; i < pool->n_ranges; i++) {
		if (range_build(&st->ranges[i], &pool->ranges[i], pool->name))
			goto fail;
		st->n_ranges = i + 1;
	}
	return 0;
fail:
	pool_clear(st);
	return -1;
}

static bool pool_changed(const struct pool_state *st, const struct cfg_ip_pool *pool)
{
	return st->n_src != pool->n_ranges ||
	       (pool->n_ranges &&
		memcmp(st->src, pool->ranges, pool->n_ranges * sizeof(*st->src)) != 0);
}

static void pool_drop(unsigned int p)
{
	pool_clear(&ipp.pools[p]);
	ipp.pools[p] = ipp.pools[ipp.n_pools - 1];
	ipp.n_pools--;
}

/* The allocator state of a config pool, created or rebuilt as needed; NULL when out of memory. */
static struct pool_state *pool_get(const struct cfg_ip_pool *pool)
{
	struct pool_state *st = NULL, *grown;
	unsigned int p;

	for (p = 0; p < ipp.n_pools; p++) {
		if (strcmp(ipp.pools[p].name, pool->name) == 0) {
			st = &ipp.pools[p];
			break;
		}
	}
	if (!st) {
		grown = realloc(ipp.pools, (ipp.n_pools + 1) * sizeof(*grown));
		if (!grown)
			return NULL;
		ipp.pools = grown;
		st = &ipp.pools[ipp.n_pools++];
		memset(st, 0, sizeof(*st));
		snprintf(st->name, sizeof(st->name), "%s", pool->name);
	} else if (!pool_changed(st, pool)) {
		return st;
	}
	if (pool_build(st, pool)) {
		pool_drop((unsigned int)(st - ipp.pools));
		return NULL;
	}
	return st;
}

static bool pool_has(const struct pool_state *st, uint32_t addr)
{
	for (unsigned int i = 0; i < st->n_ranges; i++)
		if (range_has(&st->ranges[i], addr))
			return true;
	return false;
}

/* ---- API ---- */

uint32_t ip_pool_alloc(const struct cfg_ip_pool *pool, uint32_t preferred,
		       const char *owner, const char *info)
{
	struct pool_state *st = pool_get(pool);
	uint32_t addr = 0;

	if (!st)
		return 0;
	if (preferred && pool_has(st, preferred) && !used_find(preferred)) {
		addr = preferred;
	} else {
		/* From the end of the pool, as RouterOS. */
		for (unsigned int i = st->n_ranges; i-- > 0;) {
			uint32_t off;

			if (range_highest_free(&st->ranges[i], &off)) {
				addr = st->ranges[i].first + off;
				break;
			}
		}
	}
	if (!addr || used_insert(addr, owner, info))
		return 0;
	mark_everywhere(addr, true);
	return addr;
}

int ip_pool_reserve(uint32_t addr, const char *owner, const char *info)
{
	if (addr == 0 || used_find(addr) || used_insert(addr, owner, info))
		return -1;
	mark_everywhere(addr, true);
	return 0;
}

void ip_pool_release(uint32_t addr)
{
	struct used_slot *s = used_find(addr);

	if (!s)
		return;
	used_delete(s);
	mark_everywhere(addr, false);
}

bool ip_pool_in_use(uint32_t addr)
{
	return used_find(addr) != NULL;
}

unsigned int ip_pool_used_count(void)
{
	return ipp.count;
}

int ip_pool_usage(const struct cfg_ip_pool *pool, struct ip_pool_usage *out)
{
	const struct pool_state *st = pool_get(pool);

	memset(out, 0, sizeof(*out));
	if (!st)
		return -1;
	for (unsigned int i = 0; i < st->n_ranges; i++) {
		out->total += st->ranges[i].n - st->ranges[i].blocked;
		out->used += st->ranges[i].used;
	}
	return 0;
}

static int used_by_addr(const void *a, const void *b)
{
	const struct used_slot *x = *(const struct used_slot *const *)a;
	const struct used_slot *y = *(const struct used_slot *const *)b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

int ip_pool_for_each_used(void (*fn)(const struct ip_pool_used *u, void *arg), void *arg)
{
	const struct used_slot **order;
	unsigned int n = 0;

	if (ipp.count == 0)
		return 0;
	order = malloc(ipp.count * sizeof(*order));
	if (!order)
		return -1;
	for (uint32_t i = 0; i < ipp.cap; i++)
		if (ipp.slots[i].addr)
			order[n++] = &ipp.slots[i];
	qsort(order, n, sizeof(*order), used_by_addr);
	for (unsigned int i = 0; i < n; i++) {
		struct ip_pool_used u = {
			.addr = order[i]->addr,
			.owner = order[i]->owner ? order[i]->owner : "",
			.info = order[i]->info ? order[i]->info : "",
		};

		fn(&u, arg);
	}
	free(order);
	return 0;
}

void ip_pool_sync(const struct pg_config *cfg)
{
	for (unsigned int p = ipp.n_pools; p-- > 0;)
		if (!cfg_find_pool(cfg, ipp.pools[p].name))
			pool_drop(p);
}

void ip_pool_reset(void)
{
	for (unsigned int p = 0; p < ipp.n_pools; p++)
		pool_clear(&ipp.pools[p]);
	free(ipp.pools);
	for (uint32_t i = 0; i < ipp.cap; i++) {
		free(ipp.slots[i].owner);
		free(ipp.slots[i].info);
	}
	free(ipp.slots);
	memset(&ipp, 0, sizeof(ipp));
}
