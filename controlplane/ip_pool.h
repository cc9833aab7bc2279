/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Address allocation from /ip/pool ranges for PPP sessions (control-plane
 * thread only; nothing here is thread-safe).
 *
 * Every address in use is recorded once, globally, whatever handed it out
 * (a pool, or a secret's fixed remote-address through ip_pool_reserve()), so
 * no address is ever given to two sessions -- not even by two overlapping
 * pools. Each pool keeps a two-level bitmap per range, so finding a free
 * address costs a few word scans, not a walk over the pool.
 *
 * Pools are named by their config entry (struct cfg_ip_pool). The allocator
 * notices when a pool's ranges were edited and rebuilds that pool's bitmaps
 * from the addresses in use: those stay reserved until released, also when
 * they are no longer inside any range (a range or a whole pool removed while
 * sessions hold addresses); releasing them is always clean.
 *
 * As RouterOS: exactly the addresses of each range are handed out (network
 * and broadcast addresses of a prefix too), from the end of the pool down
 * (the last range's highest free address first). 0.0.0.0 is never handed out
 * (0 means "none" here). A range larger than IP_POOL_RANGE_MAX addresses is
 * used for its first IP_POOL_RANGE_MAX only (logged once per rebuild).
 */
#ifndef PPTPGW_IP_POOL_H
#define PPTPGW_IP_POOL_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"

#define IP_POOL_RANGE_MAX (1u << 24)   /* addresses per range: 2 MiB of bitmap */

/*
 * A free address of the pool, marked in use; 0 when the pool is exhausted
 * (or out of memory). preferred, when not 0, is returned if it lies in one
 * of the pool's ranges and is free; otherwise any free address is.
 * owner ("PPP") and info (the user, "MT-User") are kept for
 * /ip/pool/used/print; either may be NULL.
 */
uint32_t ip_pool_alloc(const struct cfg_ip_pool *pool, uint32_t preferred,
		       const char *owner, const char *info);

/*
 * Mark an address in use that no pool handed out (a secret's fixed
 * remote-address), so that no pool hands it out while it is. 0, or -1 when
 * it is in use already (or addr is 0, or out of memory).
 */
int ip_pool_reserve(uint32_t addr, const char *owner, const char *info);

/* Give an address back (from ip_pool_alloc or ip_pool_reserve). Unknown: no-op. */
void ip_pool_release(uint32_t addr);

bool ip_pool_in_use(uint32_t addr);

/* Addresses in use in all, over every pool and reservation. */
unsigned int ip_pool_used_count(void);

/* A pool's size (addresses the allocator handles) and how many of them are in use. */
struct ip_pool_usage {
	uint64_t total;
	uint64_t used;
};
int ip_pool_usage(const struct cfg_ip_pool *pool, struct ip_pool_usage *out);

/* One address in use, for /ip/pool/used/print. Strings are "" when not given. */
struct ip_pool_used {
	uint32_t addr;
	const char *owner;
	const char *info;
};
/*
 * Call fn for every address in use, in address order. Returns 0, or -1 when
 * out of memory (nothing called). fn must not allocate or release.
 */
int ip_pool_for_each_used(void (*fn)(const struct ip_pool_used *u, void *arg), void *arg);

/*
 * After a config change: forget the pools cfg no longer has (their addresses
 * in use stay reserved). Pools whose ranges changed are rebuilt when next used.
 */
void ip_pool_sync(const struct pg_config *cfg);

/* Forget everything, addresses in use included (shutdown, tests). */
void ip_pool_reset(void);

#endif /* PPTPGW_IP_POOL_H */
