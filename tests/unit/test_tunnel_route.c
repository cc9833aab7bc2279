/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Routes via tunnel interfaces (controlplane/tunnel_route.c) with a fake
 * kernel and dataplane: which routes win, what the kernel is told (by
 * difference: a route that keeps winning is never touched again), what the
 * workers' table holds, and RADIUS Framed-Routes at thousands of sessions.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "tunnel_route.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))
#define MANY_LINKS 1000u

/* ---- the fake kernel and dataplane ---- */

struct kroute {
	struct cfg_prefix dst;
	uint32_t gateway, metric;
	char ifname[CFG_NAME_MAX];
};

static struct {
	struct kroute kr[TUNNEL_ROUTE_MAX];
	unsigned int n_kr;
	unsigned int adds, dels, neighs;
	struct tunnel_route_entry dp[TUNNEL_ROUTE_MAX];
	unsigned int n_dp, publishes;
	int publish_rc;            /* what the next publish returns */
} fk;

static int fk_publish(const struct tunnel_route_entry *e, unsigned int n)
{
	fk.publishes++;
	if (fk.publish_rc)
		return fk.publish_rc;
	memcpy(fk.dp, e, n * sizeof(e[0]));
	fk.n_dp = n;
	return 0;
}

static int fk_kernel_add(const struct cfg_prefix *dst, uint32_t gateway, const char *ifname,
			 uint32_t metric, uint32_t prefsrc, uint16_t mtu)
{
	(void)prefsrc;
	(void)mtu;
	for (unsigned int i = 0; i < fk.n_kr; i++)
		if (fk.kr[i].dst.addr == dst->addr && fk.kr[i].dst.len == dst->len &&
		    fk.kr[i].metric == metric)
			return -EEXIST;   /* as the kernel answers a second add */
	assert_true(fk.n_kr < TUNNEL_ROUTE_MAX);
	fk.kr[fk.n_kr] = (struct kroute){ .dst = *dst, .gateway = gateway, .metric = metric };
	snprintf(fk.kr[fk.n_kr].ifname, sizeof(fk.kr[0].ifname), "%s", ifname ? ifname : "");
	fk.n_kr++;
	fk.adds++;
	return 0;
}

static int fk_kernel_del(const struct cfg_prefix *dst, uint32_t gateway, uint32_t metric)
{
	for (unsigned int i = 0; i < fk.n_kr; i++) {
		if (fk.kr[i].dst.addr == dst->addr && fk.kr[i].dst.len == dst->len &&
		    fk.kr[i].gateway == gateway && fk.kr[i].metric == metric) {
			fk.kr[i] = fk.kr[--fk.n_kr];
			fk.dels++;
			return 0;
		}
	}
	fail_msg("kernel_del of a route the kernel does not hold");
	return -ESRCH;
}

static int fk_neigh(const char *ifname, uint32_t addr, bool add)
{
	(void)ifname;
	(void)addr;
	(void)add;
	fk.neighs++;
	return 0;
}

static const struct tunnel_route_ops fake_ops = {
	.dp_publish = fk_publish,
	.kernel_add = fk_kernel_add,
	.kernel_del = fk_kernel_del,
	.kernel_neigh = fk_neigh,
};

/* cli_cmds_system.c's; the rows are read through tunnel_route_count/get here. */
void ip_route_provider_register(const struct tunnel_route_provider *p)
{
	(void)p;
}

/* ---- helpers ---- */

static struct pg_config cfg;
static struct cfg_ip_address lan = { .address = { .addr = IP(192, 168, 88, 1), .len = 24 } };

static int setup(void **state)
{
	(void)state;
	memset(&fk, 0, sizeof(fk));
	memset(&cfg, 0, sizeof(cfg));
	cfg.ip_address = &lan;
	cfg.n_ip_address = 1;
	tunnel_route_init(&cfg, &fake_ops);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tunnel_route_fini();
	/* Everything withdrawn from the kernel. */
	assert_int_equal(fk.n_kr, 0);
	return 0;
}

/* A server session <pptp-userN> with client address 10.0.N/16.N%256+1 and its Framed-Routes. */
static int session_up(unsigned int n, const struct tunnel_route_extra *extra, unsigned int n_extra)
{
	char iface[CFG_NAME_MAX];
	struct tunnel_route_link l = {
		.iface = iface,
		.tap = "tap0",
		.session_id = n,
		.gateway = IP(10, 0, n >> 8, n & 0xFF),
		.local = IP(10, 255, 255, 1),
		.peer_outer = IP(198, 51, (n >> 8) & 0xFF, n & 0xFF),
		.extra = extra,
		.n_extra = n_extra,
	};

	snprintf(iface, sizeof(iface), "<pptp-user%u>", n);
	return tunnel_route_link_up(&l);
}

static void session_down(unsigned int n)
{
	char iface[CFG_NAME_MAX];

	snprintf(iface, sizeof(iface), "<pptp-user%u>", n);
	tunnel_route_link_down(iface);
}

static const struct kroute *kernel_route(uint32_t addr, uint8_t len)
{
	for (unsigned int i = 0; i < fk.n_kr; i++)
		if (fk.kr[i].dst.addr == addr && fk.kr[i].dst.len == len)
			return &fk.kr[i];
	return NULL;
}

/* The workers' verdict for dst: the session id, or -1 for "not into a tunnel". */
static int dp_route(uint32_t dst)
{
	int best_len = -1, id = -1;

	for (unsigned int i = 0; i < fk.n_dp; i++) {
		const struct tunnel_route_entry *e = &fk.dp[i];
		uint32_t mask = e->dst.len == 0 ? 0 : ~(UINT32_MAX >> 1 >> (e->dst.len - 1));

		if ((dst & mask) != (e->dst.addr & mask) || (int)e->dst.len < best_len)
			continue;
		/* Of one prefix a "pass" entry wins (tunnel_fib.c build order). */
		if ((int)e->dst.len == best_len && e->via_session)
			continue;
		best_len = e->dst.len;
		id = e->via_session ? (int)e->session_id : -1;
	}
	return id;
}

/* ---- tests ---- */

static void test_framed_routes_up_down(void **state)
{
	const struct tunnel_route_extra fr[] = {
		{ .dst = { .addr = IP(192, 168, 77, 0), .len = 24 }, .distance = 1 },
		{ .dst = { .addr = IP(10, 99, 0, 0), .len = 16 }, .distance = 20 },
	};
	const struct kroute *k;

	(void)state;
	assert_int_equal(session_up(5, fr, 2), 0);
	/* In the kernel via the client's address on the TAP, distance as metric. */
	k = kernel_route(IP(192, 168, 77, 0), 24);
	assert_non_null(k);
	assert_int_equal(k->gateway, IP(10, 0, 0, 5));
	assert_int_equal(k->metric, 1);
	assert_string_equal(k->ifname, "tap0");
	k = kernel_route(IP(10, 99, 0, 0), 16);
	assert_non_null(k);
	assert_int_equal(k->metric, 20);
	/* The session's own /32 is its kernel route already (session.c), not ours. */
	assert_null(kernel_route(IP(10, 0, 0, 5), 32));
	/* The workers: into session 5; the LAN stays out. */
	assert_int_equal(dp_route(IP(192, 168, 77, 9)), 5);
	assert_int_equal(dp_route(IP(10, 99, 3, 4)), 5);
	assert_int_equal(dp_route(IP(192, 168, 88, 20)), -1);
	/* /ip/route/print rows: the /32 and both Framed-Routes, active. */
	assert_int_equal(tunnel_route_count(), 3);
	for (unsigned int i = 0; i < 3; i++) {
		struct tunnel_route_row row;

		assert_int_equal(tunnel_route_get(i, &row), 0);
		assert_true(row.active);
		assert_string_equal(row.gateway, "<pptp-user5>");
	}

	session_down(5);
	assert_int_equal(fk.n_kr, 0);
	assert_int_equal(fk.n_dp, 0);
	assert_int_equal(tunnel_route_count(), 0);
}

/* One prefix from two sessions: the lower distance, then the earlier; the loser takes over. */
static void test_same_prefix_two_sessions(void **state)
{
	const struct tunnel_route_extra a = { .dst = { .addr = IP(172, 16, 0, 0), .len = 24 },
					      .distance = 5 };
	const struct tunnel_route_extra b = { .dst = { .addr = IP(172, 16, 0, 0), .len = 24 },
					      .distance = 5 };
	const struct tunnel_route_extra c = { .dst = { .addr = IP(172, 16, 0, 0), .len = 24 },
					      .distance = 2 };

	(void)state;
	assert_int_equal(session_up(1, &a, 1), 0);
	assert_int_equal(session_up(2, &b, 1), 0);
	assert_int_equal(dp_route(IP(172, 16, 0, 1)), 1);   /* a tie: the first up */
	assert_int_equal(kernel_route(IP(172, 16, 0, 0), 24)->gateway, IP(10, 0, 0, 1));
	assert_int_equal(session_up(3, &c, 1), 0);
	assert_int_equal(dp_route(IP(172, 16, 0, 1)), 3);   /* lower distance */
	assert_int_equal(kernel_route(IP(172, 16, 0, 0), 24)->gateway, IP(10, 0, 0, 3));
	session_down(3);
	assert_int_equal(dp_route(IP(172, 16, 0, 1)), 1);
	session_down(1);
	assert_int_equal(dp_route(IP(172, 16, 0, 1)), 2);
	assert_int_equal(kernel_route(IP(172, 16, 0, 0), 24)->gateway, IP(10, 0, 0, 2));
	session_down(2);
}

/* A connected prefix or an /ip/route entry beats a Framed-Route of the same prefix. */
static void test_static_and_connected_win(void **state)
{
	struct cfg_ip_route r = { .dst = { .addr = IP(10, 50, 0, 0), .len = 16 },
				  .gateway = IP(192, 168, 88, 254), .distance = 1 };
	const struct tunnel_route_extra fr[] = {
		{ .dst = { .addr = IP(10, 50, 0, 0), .len = 16 }, .distance = 1 },
		{ .dst = { .addr = IP(0, 0, 0, 0), .len = 0 }, .distance = 1 },
	};

	(void)state;
	cfg.ip_route = &r;
	cfg.n_ip_route = 1;
	tunnel_route_sync();
	assert_int_equal(session_up(7, fr, 2), 0);
	assert_int_equal(dp_route(IP(10, 50, 1, 1)), -1);       /* the static route's */
	assert_null(kernel_route(IP(10, 50, 0, 0), 16));
	assert_int_equal(dp_route(IP(192, 168, 88, 7)), -1);     /* connected */
	assert_int_equal(dp_route(IP(203, 0, 113, 1)), 7);       /* the rest: the Framed default */
	/* The client's own outer address never follows a route into its tunnel. */
	assert_int_equal(dp_route(IP(198, 51, 0, 7)), -1);
	session_down(7);
	cfg.n_ip_route = 0;
	cfg.ip_route = NULL;
	tunnel_route_sync();
}

/*
 * Thousands of sessions with a Framed-Route each: every route lands, and
 * each change touches only its own routes in the kernel (the diff), not
 * the thousand that keep winning.
 */
static void test_many_sessions(void **state)
{
	struct tunnel_route_extra fr;

	(void)state;
	for (unsigned int n = 1; n <= MANY_LINKS; n++) {
		fr = (struct tunnel_route_extra){ .dst = { .addr = IP(100, 64 + (n >> 8), n & 0xFF, 0),
							   .len = 24 },
						  .distance = 1 };
		assert_int_equal(session_up(n, &fr, 1), 0);
	}
	assert_int_equal(fk.n_kr, MANY_LINKS);
	assert_int_equal(fk.adds, MANY_LINKS);
	assert_int_equal(fk.dels, 0);
	for (unsigned int n = 1; n <= MANY_LINKS; n += 97)
		assert_int_equal(dp_route(IP(100, 64 + (n >> 8), n & 0xFF, 33)), (int)n);

	fk.adds = 0;
	session_down(500);
	assert_int_equal(fk.dels, 1);
	assert_int_equal(fk.adds, 0);
	assert_int_equal(dp_route(IP(100, 65, 244, 1)), -1);    /* 500 = 0x1F4 */
	assert_int_equal(dp_route(IP(100, 65, 245, 1)), 501);

	for (unsigned int n = 1; n <= MANY_LINKS; n++)
		session_down(n);
	assert_int_equal(fk.n_kr, 0);
}

/* The dataplane busy (old tables still in their grace period): the tick publishes again. */
static void test_publish_retry(void **state)
{
	const struct tunnel_route_extra fr = { .dst = { .addr = IP(192, 0, 2, 0), .len = 24 },
					       .distance = 1 };

	(void)state;
	fk.publish_rc = -EBUSY;
	assert_int_equal(session_up(9, &fr, 1), 0);
	assert_int_equal(fk.n_dp, 0);
	fk.publish_rc = 0;
	fk.publishes = 0;
	tunnel_route_retry();
	assert_int_equal(fk.publishes, 1);
	assert_int_equal(dp_route(IP(192, 0, 2, 1)), 9);
	tunnel_route_retry();   /* nothing pending: nothing published */
	assert_int_equal(fk.publishes, 1);
	session_down(9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_framed_routes_up_down, setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_prefix_two_sessions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_static_and_connected_win, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_sessions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_publish_retry, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
