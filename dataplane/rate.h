/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-session rate limit (RouterOS rate-limit "rx/tx"): one single-rate
 * token bucket per direction, kept as a GCRA ("virtual scheduling", ITU-T
 * I.371): the bucket is the time tat at which it would be full again, so a
 * packet costs one multiply, one max and one compare, with no division and
 * no refill step on the fast path.
 *
 * Why not rte_meter's srTCM: it is two buckets and three colours where we
 * need one bucket and a verdict; its check divides (time since the last
 * update by the period) on every packet, and its profile plus state are 56
 * bytes a direction, where this is 32 with the per-session drop counter, so
 * both directions fit one cache line that unlimited sessions never touch.
 *
 * Pure C over plain integers (no DPDK): the worker passes the TSC and its
 * frequency; tests/unit/test_dp_rate.c drives it with a made-up clock.
 */
#ifndef PPTPGW_RATE_H
#define PPTPGW_RATE_H

#include <stdbool.h>
#include <stdint.h>

/* Cycles per byte carry 16 fractional bits: 0.002% at 10 Gbit/s and 2.6 GHz. */
#define RATE_CPB_SHIFT    16
/*
 * Below this a rate is taken as this (bit/s): it bounds cycles per byte so
 * that len * cpb cannot overflow for any 16-bit length.
 */
#define RATE_MIN_BPS      1000ull
/* The bucket always holds one full frame, or a large packet could never pass. */
#define RATE_MIN_BURST    2048u

struct rate_bucket {
	uint64_t tat;     /* TSC time at which the bucket is full again; <= now: full */
	uint64_t cpb;     /* TSC cycles per byte << RATE_CPB_SHIFT */
	uint64_t tau;     /* bucket depth, in TSC cycles (burst bytes * cpb) */
	uint64_t drops;   /* packets refused (owner-written, read by telemetry) */
};

/* bps: bit/s of IPv4 packet bytes (> 0); burst: bucket depth in bytes. Full at start. */
static inline void rate_bucket_init(struct rate_bucket *b, uint64_t bps, uint32_t burst,
				    uint64_t tsc_hz)
{
	uint64_t cpb;

	if (bps < RATE_MIN_BPS)
		bps = RATE_MIN_BPS;
	if (burst < RATE_MIN_BURST)
		burst = RATE_MIN_BURST;
	cpb = (tsc_hz * 8u << RATE_CPB_SHIFT) / bps;
	if (cpb == 0)
		cpb = 1;
	b->tat = 0;
	b->cpb = cpb;
	/* Split so the product cannot overflow (burst < 2^32, cpb >> 16 < 2^42). */
	b->tau = (uint64_t)burst * (cpb >> RATE_CPB_SHIFT) +
		 (((uint64_t)burst * (cpb & ((1u << RATE_CPB_SHIFT) - 1))) >> RATE_CPB_SHIFT);
	b->drops = 0;
}

/*
 * A packet of len bytes at time now: true (and charged) if the bucket holds
 * len bytes, false (nothing charged) if not. The debt is tat - now; the
 * packet fits when debt + its cost stays within the depth.
 */
static inline bool rate_bucket_take(struct rate_bucket *b, uint32_t len, uint64_t now)
{
	uint64_t cost = ((uint64_t)len * b->cpb) >> RATE_CPB_SHIFT;
	uint64_t t = b->tat > now ? b->tat : now;

	if (t + cost - now > b->tau)
		return false;
	b->tat = t + cost;
	return true;
}

#endif /* PPTPGW_RATE_H */
