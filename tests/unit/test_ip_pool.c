/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The /ip/pool allocator: order (from the end of the pool, as RouterOS),
 * exhaustion, release, reservations of static addresses, the preferred
 * address, 65,536 addresses, pools edited and removed while addresses are
 * in use, overlapping pools, and the in-use hash against a model under a
 * long random sequence.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "ip_pool.h"

#define A(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (d))
#define N_OF(x) (sizeof(x) / sizeof((x)[0]))

static struct cfg_ip_pool make_pool(const char *name, struct cfg_ip_range *ranges, unsigned int n)
{
	struct cfg_ip_pool p;

	memset(&p, 0, sizeof(p));
	snprintf(p.name, sizeof(p.name), "%s", name);
	p.ranges = ranges;
	p.n_ranges = n;
	return p;
}

static int teardown(void **state)
{
	(void)state;
	ip_pool_reset();
	return 0;
}

static void test_order_and_exhaustion(void **state)
{
	struct cfg_ip_range r[] = { { A(10, 0, 0, 10), A(10, 0, 0, 12) } };
	struct cfg_ip_pool p = make_pool("p", r, 1);
	struct ip_pool_usage u;

	(void)state;
	assert_int_equal(ip_pool_alloc(&p, 0, "PPP", "a"), A(10, 0, 0, 12));
	assert_int_equal(ip_pool_alloc(&p, 0, "PPP", "b"), A(10, 0, 0, 11));
	assert_int_equal(ip_pool_alloc(&p, 0, "PPP", "c"), A(10, 0, 0, 10));
	assert_int_equal(ip_pool_alloc(&p, 0, "PPP", "d"), 0);          /* exhausted */
	assert_int_equal(ip_pool_usage(&p, &u), 0);
	assert_int_equal(u.total, 3);
	assert_int_equal(u.used, 3);
	assert_int_equal(ip_pool_used_count(), 3);

	ip_pool_release(A(10, 0, 0, 11));
	assert_false(ip_pool_in_use(A(10, 0, 0, 11)));
	assert_int_equal(ip_pool_alloc(&p, 0, NULL, NULL), A(10, 0, 0, 11));
	ip_pool_release(A(10, 0, 0, 99));                                /* unknown: no-op */
	ip_pool_release(0);
	assert_int_equal(ip_pool_used_count(), 3);
}

static void test_ranges_from_the_end(void **state)
{
	struct cfg_ip_range r[] = {
		{ A(10, 0, 0, 1), A(10, 0, 0, 2) },
		{ A(10, 9, 0, 0), A(10, 9, 0, 0) },
	};
	struct cfg_ip_pool p = make_pool("p", r, 2);

	(void)state;
	assert_int_equal(ip_pool_alloc(&p, 0, NULL, NULL), A(10, 9, 0, 0));
	assert_int_equal(ip_pool_alloc(&p, 0, NULL, NULL), A(10, 0, 0, 2));
	assert_int_equal(ip_pool_alloc(&p, 0, NULL, NULL), A(10, 0, 0, 1));
	assert_int_equal(ip_pool_alloc(&p, 0, NULL, NULL), 0);
}

static void test_prefix_range_is_exact(void **state)
{
	/* RouterOS hands out exactly the range: network and broadcast of a prefix too. */
	struct cfg_ip_range r;
	struct cfg_ip_pool p;
	uint32_t got[4];

	(void)state;
	assert_int_equal(cfg_parse_range("192.0.2.0/30", &r), 0);
	p = make_pool("p", &r, 1);
	for (int i = 0; i < 4; i++)
		got[i] = ip_pool_alloc(&p, 0, NULL, NULL);
	assert_int_equal(got[0], A(192, 0, 2, 3));
	assert_int_equal(got[3], A(192, 0, 2, 0));
	assert_int_equal(ip_pool_alloc(&p, 0, NULL, NULL), 0);
}

static void test_zero_address_never(void **state)
{
	struct cfg_ip_range r[] = { { 0, 1 } };
	struct cfg_ip_pool p = make_pool("p", r, 1);
	struct ip_pool_usage u;

	(void)state;
	assert_int_equal(ip_pool_alloc(&p, 0, NULL, NULL), 1);
	assert_int_equal(ip_pool_alloc(&p, 0, NULL, NULL), 0);
	assert_int_equal(ip_pool_usage(&p, &u), 0);
	assert_int_equal(u.total, 1);
	assert_int_equal(u.used, 1);
	assert_int_equal(ip_pool_reserve(0, NULL, NULL), -1);
}

static void test_reserve(void **state)
{
	struct cfg_ip_range r[] = { { A(10, 0, 0, 4), A(10, 0, 0, 6) } };
	struct cfg_ip_pool p = make_pool("p", r, 1);

	(void)state;
	/* A secret's static address inside the pool, reserved before and after the pool is built. */
	assert_int_equal(ip_pool_reserve(A(10, 0, 0, 6), "PPP", "static-user"), 0);
	assert_int_equal(ip_pool_reserve(A(10, 0, 0, 6), "PPP", "again"), -1);
	assert_true(ip_pool_in_use(A(10, 0, 0, 6)));
	assert_int_equal(ip_pool_alloc(&p, 0, NULL, NULL), A(10, 0, 0, 5));
	assert_int_equal(ip_pool_reserve(A(10, 0, 0, 5), NULL, NULL), -1);   /* pool gave it */
	assert_int_equal(ip_pool_reserve(A(10, 0, 0, 4), NULL, NULL), 0);
	assert_int_equal(ip_pool_alloc(&p, 0, NULL, NULL), 0);
	ip_pool_release(A(10, 0, 0, 6));
	assert_int_equal(ip_pool_alloc(&p, 0, NULL, NULL), A(10, 0, 0, 6));
	/* Outside every pool: fine too. */
	assert_int_equal(ip_pool_reserve(A(172, 16, 0, 1), NULL, NULL), 0);
	assert_int_equal(ip_pool_used_count(), 4);
}

static void test_preferred(void **state)
{
	struct cfg_ip_range r[] = { { A(10, 0, 0, 10), A(10, 0, 0, 20) } };
	struct cfg_ip_pool p = make_pool("p", r, 1);

	(void)state;
	assert_int_equal(ip_pool_alloc(&p, A(10, 0, 0, 15), NULL, NULL), A(10, 0, 0, 15));
	/* In use: any other. */
	assert_int_equal(ip_pool_alloc(&p, A(10, 0, 0, 15), NULL, NULL), A(10, 0, 0, 20));
	/* Outside the pool: never handed out. */
	assert_int_equal(ip_pool_alloc(&p, A(10, 0, 0, 21), NULL, NULL), A(10, 0, 0, 19));
	assert_false(ip_pool_in_use(A(10, 0, 0, 21)));
	assert_int_equal(ip_pool_alloc(&p, A(10, 0, 0, 10), NULL, NULL), A(10, 0, 0, 10));
}

static void test_65536(void **state)
{
	struct cfg_ip_range r;
	struct cfg_ip_pool p;
	struct ip_pool_usage u;
	uint8_t *seen = calloc(65536, 1);

	(void)state;
	assert_non_null(seen);
	assert_int_equal(cfg_parse_range("10.0.0.0/16", &r), 0);
	p = make_pool("big", &r, 1);
	for (unsigned int i = 0; i < 65536; i++) {
		uint32_t a = ip_pool_alloc(&p, 0, "PPP", NULL);

		assert_int_equal(a >> 16, A(10, 0, 0, 0) >> 16);
		assert_int_equal(seen[a & 0xffff], 0);
		seen[a & 0xffff] = 1;
	}
	assert_int_equal(ip_pool_alloc(&p, 0, NULL, NULL), 0);
	assert_int_equal(ip_pool_usage(&p, &u), 0);
	assert_int_equal(u.total, 65536);
	assert_int_equal(u.used, 65536);
	assert_int_equal(ip_pool_used_count(), 65536);
	/* Release every other one, then they come back, highest first. */
	for (unsigned int i = 0; i < 65536; i += 2)
		ip_pool_release(A(10, 0, 0, 0) + i);
	assert_int_equal(ip_pool_used_count(), 32768);
	assert_int_equal(ip_pool_alloc(&p, 0, NULL, NULL), A(10, 0, 255, 254));
	for (unsigned int i = 0; i < 65536; i++)
		ip_pool_release(A(10, 0, 0, 0) + i);
	assert_int_equal(ip_pool_used_count(), 0);
	assert_int_equal(ip_pool_usage(&p, &u), 0);
	assert_int_equal(u.used, 0);
	free(seen);
}

static void test_huge_range_capped(void **state)
{
	struct cfg_ip_range r;
	struct cfg_ip_pool p;
	struct ip_pool_usage u;

	(void)state;
	assert_int_equal(cfg_parse_range("10.0.0.0/7", &r), 0);   /* 2^25 addresses */
	p = make_pool("huge", &r, 1);
	assert_int_equal(ip_pool_usage(&p, &u), 0);
	assert_int_equal(u.total, IP_POOL_RANGE_MAX);
	assert_int_equal(ip_pool_alloc(&p, 0, NULL, NULL), A(10, 0, 0, 0) + IP_POOL_RANGE_MAX - 1);
}

static void test_live_range_edit(void **state)
{
	struct cfg_ip_range before[] = { { A(10, 0, 0, 1), A(10, 0, 0, 4) } };
	struct cfg_ip_range after[] = {
		{ A(10, 0, 0, 3), A(10, 0, 0, 6) },
	};
	struct cfg_ip_pool p = make_pool("p", before, 1);
	struct ip_pool_usage u;

	(void)state;
	assert_int_equal(ip_pool_alloc(&p, 0, NULL, "u4"), A(10, 0, 0, 4));
	assert_int_equal(ip_pool_alloc(&p, 0, NULL, "u3"), A(10, 0, 0, 3));
	assert_int_equal(ip_pool_alloc(&p, 0, NULL, "u2"), A(10, 0, 0, 2));

	/* The operator changes the ranges: addresses in use stay in use. */
	p.ranges = after;
	assert_int_equal(ip_pool_usage(&p, &u), 0);
	assert_int_equal(u.total, 4);
	assert_int_equal(u.used, 2);                           /* .3 and .4 */
	assert_true(ip_pool_in_use(A(10, 0, 0, 2)));            /* outside now, still held */
	assert_int_equal(ip_pool_alloc(&p, 0, NULL, NULL), A(10, 0, 0, 6));
	assert_int_equal(ip_pool_alloc(&p, 0, NULL, NULL), A(10, 0, 0, 5));
	assert_int_equal(ip_pool_alloc(&p, 0, NULL, NULL), 0);  /* .3, .4 not handed out twice */

	/* The removed range's address releases cleanly; the kept ones free up. */
	ip_pool_release(A(10, 0, 0, 2));
	assert_false(ip_pool_in_use(A(10, 0, 0, 2)));
	ip_pool_release(A(10, 0, 0, 4));
	assert_int_equal(ip_pool_alloc(&p, 0, NULL, NULL), A(10, 0, 0, 4));
	assert_int_equal(ip_pool_usage(&p, &u), 0);
	assert_int_equal(u.used, 4);
}

static void test_pool_removed_and_synced(void **state)
{
	struct cfg_ip_range r[] = { { A(10, 0, 0, 1), A(10, 0, 0, 2) } };
	struct cfg_ip_pool p = make_pool("gone", r, 1);
	struct pg_config cfg;

	(void)state;
	assert_int_equal(ip_pool_alloc(&p, 0, NULL, NULL), A(10, 0, 0, 2));
	cfg_init_defaults(&cfg);                 /* no pools at all */
	ip_pool_sync(&cfg);
	assert_true(ip_pool_in_use(A(10, 0, 0, 2)));
	/* Re-created with the same name: rebuilt from what is in use. */
	assert_int_equal(ip_pool_alloc(&p, 0, NULL, NULL), A(10, 0, 0, 1));
	assert_int_equal(ip_pool_alloc(&p, 0, NULL, NULL), 0);
	ip_pool_sync(&cfg);
	ip_pool_release(A(10, 0, 0, 2));
	ip_pool_release(A(10, 0, 0, 1));
	assert_int_equal(ip_pool_used_count(), 0);
	cfg_free(&cfg);
}

static void test_overlapping_pools(void **state)
{
	struct cfg_ip_range ra[] = { { A(10, 0, 0, 1), A(10, 0, 0, 4) } };
	struct cfg_ip_range rb[] = { { A(10, 0, 0, 3), A(10, 0, 0, 8) } };
	struct cfg_ip_pool a = make_pool("a", ra, 1), b = make_pool("b", rb, 1);
	struct ip_pool_usage u;

	(void)state;
	assert_int_equal(ip_pool_alloc(&a, 0, NULL, NULL), A(10, 0, 0, 4));
	for (uint32_t want = A(10, 0, 0, 8); want >= A(10, 0, 0, 5); want--)
		assert_int_equal(ip_pool_alloc(&b, 0, NULL, NULL), want);
	assert_int_equal(ip_pool_alloc(&b, 0, NULL, NULL), A(10, 0, 0, 3));  /* skips a's .4 */
	assert_int_equal(ip_pool_alloc(&b, 0, NULL, NULL), 0);
	assert_int_equal(ip_pool_alloc(&a, 0, NULL, NULL), A(10, 0, 0, 2));  /* skips b's .3 */
	assert_int_equal(ip_pool_usage(&a, &u), 0);
	assert_int_equal(u.used, 3);
	ip_pool_release(A(10, 0, 0, 3));
	assert_int_equal(ip_pool_alloc(&a, 0, NULL, NULL), A(10, 0, 0, 3));
}

struct used_list {
	uint32_t addr[8];
	char text[8][64];
	unsigned int n;
};

static void collect(const struct ip_pool_used *u, void *arg)
{
	struct used_list *l = arg;

	if (l->n < N_OF(l->addr)) {
		l->addr[l->n] = u->addr;
		snprintf(l->text[l->n], sizeof(l->text[0]), "%s/%s", u->owner, u->info);
		l->n++;
	}
}

static void test_for_each_used(void **state)
{
	struct cfg_ip_range r[] = { { A(10, 0, 0, 1), A(10, 0, 0, 9) } };
	struct cfg_ip_pool p = make_pool("p", r, 1);
	struct used_list l = { .n = 0 };

	(void)state;
	assert_int_equal(ip_pool_for_each_used(collect, &l), 0);
	assert_int_equal(l.n, 0);
	ip_pool_alloc(&p, 0, "PPP", "MT-User");
	ip_pool_reserve(A(10, 0, 0, 2), "PPP", "static");
	ip_pool_alloc(&p, 0, NULL, NULL);
	assert_int_equal(ip_pool_for_each_used(collect, &l), 0);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.addr[0], A(10, 0, 0, 2));
	assert_string_equal(l.text[0], "PPP/static");
	assert_int_equal(l.addr[1], A(10, 0, 0, 8));
	assert_string_equal(l.text[1], "/");
	assert_int_equal(l.addr[2], A(10, 0, 0, 9));
	assert_string_equal(l.text[2], "PPP/MT-User");
}

/* The hash (growth, backward-shift deletion) against a plain array model. */
static void test_random_against_model(void **state)
{
	enum { SPAN = 4096, STEPS = 200000 };
	struct cfg_ip_range r[] = { { A(10, 1, 0, 0), A(10, 1, 0, 0) + SPAN - 1 } };
	struct cfg_ip_pool p = make_pool("p", r, 1);
	uint8_t *model = calloc(SPAN, 1);
	unsigned int used = 0, seed = 12345;

	(void)state;
	assert_non_null(model);
	for (unsigned int step = 0; step < STEPS; step++) {
		unsigned int i;

		seed = seed * 1103515245u + 12345u;
		i = (seed >> 8) % SPAN;
		if ((seed >> 4) & 1) {
			uint32_t a = ip_pool_alloc(&p, A(10, 1, 0, 0) + i, NULL, NULL);

			if (used == SPAN) {
				assert_int_equal(a, 0);
				continue;
			}
			assert_true(a >= r[0].first && a <= r[0].last);
			assert_int_equal(model[a - r[0].first], 0);
			if (!model[i])
				assert_int_equal(a, A(10, 1, 0, 0) + i);    /* preferred honoured */
			model[a - r[0].first] = 1;
			used++;
		} else {
			ip_pool_release(A(10, 1, 0, 0) + i);
			used -= model[i];
			model[i] = 0;
		}
		assert_int_equal(ip_pool_in_use(A(10, 1, 0, 0) + i), model[i]);
	}
	assert_int_equal(ip_pool_used_count(), used);
	for (unsigned int i = 0; i < SPAN; i++)
		assert_int_equal(ip_pool_in_use(A(10, 1, 0, 0) + i), model[i]);
	free(model);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_order_and_exhaustion, teardown),
		cmocka_unit_test_teardown(test_ranges_from_the_end, teardown),
		cmocka_unit_test_teardown(test_prefix_range_is_exact, teardown),
		cmocka_unit_test_teardown(test_zero_address_never, teardown),
		cmocka_unit_test_teardown(test_reserve, teardown),
		cmocka_unit_test_teardown(test_preferred, teardown),
		cmocka_unit_test_teardown(test_65536, teardown),
		cmocka_unit_test_teardown(test_huge_range_capped, teardown),
		cmocka_unit_test_teardown(test_live_range_edit, teardown),
		cmocka_unit_test_teardown(test_pool_removed_and_synced, teardown),
		cmocka_unit_test_teardown(test_overlapping_pools, teardown),
		cmocka_unit_test_teardown(test_for_each_used, teardown),
		cmocka_unit_test_teardown(test_random_against_model, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
