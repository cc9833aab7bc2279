/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hash functions for the control plane's chained tables (pptp_server.c's
 * calls, radius_acct.c's sessions): cheap, well mixed, not keyed. The
 * tables hold what peers name (users, addresses), so a table that must
 * resist chosen keys needs a keyed hash instead.
 */
#ifndef PPTPGW_HASH_FN_H
#define PPTPGW_HASH_FN_H

#include <stdint.h>

/* A 32-bit integer finaliser (the "lowbias32" constants): every input bit moves every output bit. */
static inline uint32_t hash_u32(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352du;
	x ^= x >> 15;
	x *= 0x846ca68bu;
	x ^= x >> 16;
	return x;
}

/* FNV-1a over a NUL-terminated string. */
static inline uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

static inline uint32_t hash_ptr(const void *p)
{
	uint64_t x = (uintptr_t)p;

	return hash_u32((uint32_t)x ^ (uint32_t)(x >> 32));
}

#endif /* PPTPGW_HASH_FN_H */
