/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The rate-limit bucket (dataplane/rate.h) alone, on a made-up clock: a
 * burst from idle passes exactly the bucket's depth, then the rate refills
 * it, never beyond the depth; nothing is charged for a refused packet; the
 * clamps keep large packets and tiny rates sane.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "rate.h"

#define HZ      2600000000ull   /* a 2.6 GHz TSC */
#define T0      (HZ * 100)      /* the clock does not start at 0 */

/* Packets of len bytes offered n times at now; how many passed. */
static unsigned int offer(struct rate_bucket *b, uint32_t len, unsigned int n, uint64_t now)
{
	unsigned int ok = 0;

	for (unsigned int i = 0; i < n; i++)
		ok += rate_bucket_take(b, len, now);
	return ok;
}

static const struct {
	const char *name;
	uint64_t bps;
	uint32_t burst, len;
	unsigned int offered;
	unsigned int passed_at_once;       /* from a full bucket */
	uint64_t later_ns;                 /* then this much later */
	unsigned int passed_later;
} cases[] = {
	/* 1 Mbit/s = 125,000 B/s: a 1000-byte packet every 8 ms. */
	{ "1M, 10 kB burst, 30 x 1000 B", 1000000, 10000, 1000, 30, 10, 40000000, 5 },
	{ "1M, refill capped at the depth", 1000000, 10000, 1000, 30, 10, 1000000000, 10 },
	{ "1M, less than one packet later", 1000000, 10000, 1000, 30, 10, 7000000, 0 },
	{ "512k, 64-byte packets", 512000, 6400, 64, 200, 100, 1000000, 1 },
	{ "10G, 1500-byte packets", 10000000000ull, 150000, 1500, 200, 100, 1200, 1 },
	{ "burst below the floor: one big frame still fits", 1000000, 1, 1500, 3, 1, 0, 0 },
	{ "a rate below the floor is the floor", 1, 2048, 1024, 4, 2, 1000000000, 0 },
};

static void test_bucket_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rate_bucket b;
		uint64_t later = T0 + cases[i].later_ns * (HZ / 1000000) / 1000;

		print_message("%s\n", cases[i].name);
		rate_bucket_init(&b, cases[i].bps, cases[i].burst, HZ);
		assert_int_equal(offer(&b, cases[i].len, cases[i].offered, T0), cases[i].passed_at_once);
		assert_int_equal(offer(&b, cases[i].len, cases[i].offered, later), cases[i].passed_later);
	}
}

/* Over a long run at twice the rate, what passes is the rate (plus the one burst). */
static void test_long_run_holds_the_rate(void **state)
{
	struct rate_bucket b;
	const uint64_t bps = 2000000;               /* 250,000 B/s */
	const uint32_t len = 1250, burst = 25000;
	const uint64_t gap = HZ * len * 8 / (2 * bps); /* packets at twice the rate */
	uint64_t bytes = 0;
	(void)state;

	rate_bucket_init(&b, bps, burst, HZ);
	/* 10 s of offered traffic. */
	for (uint64_t t = T0; t < T0 + 10 * HZ; t += gap)
		if (rate_bucket_take(&b, len, t))
			bytes += len;
	/* 2,500,000 B of rate + the 25,000 B bucket, within a packet. */
	assert_true(bytes >= 2500000 + burst - len);
	assert_true(bytes <= 2500000 + burst + len);
}

/* A refused packet costs nothing: a smaller one that fits still passes. */
static void test_refused_not_charged(void **state)
{
	struct rate_bucket b;
	(void)state;

	rate_bucket_init(&b, 1000000, 3000, HZ);
	assert_true(rate_bucket_take(&b, 1500, T0));
	assert_false(rate_bucket_take(&b, 2000, T0));
	assert_true(rate_bucket_take(&b, 1500, T0));
	assert_false(rate_bucket_take(&b, 1, T0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bucket_table),
		cmocka_unit_test(test_long_run_holds_the_rate),
		cmocka_unit_test(test_refused_not_charged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
