/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * classify_frame() over hand-built frames: every bucket, and every drop
 * reason with named bad cases (short, truncated, zero, huge).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "classify.h"
#include "test_dp_frames.h"

#define OUR_IP   tf_ip(192, 0, 2, 1)
#define PEER_IP  tf_ip(192, 0, 2, 2)
#define OTHER_IP tf_ip(198, 51, 100, 9)

static struct classify_ctx ctx;

static void be32(uint32_t *dst, uint32_t host)
{
	uint8_t *b = (uint8_t *)dst;

	tf_w32(b, host);
}

static int setup(void **state)
{
	(void)state;
	ctx.n_local = 1;
	be32(&ctx.local_be[0], OUR_IP);
	be32(&ctx.mask_be[0], 0xffffff00u);
	return 0;
}

enum edit {
	E_NONE,
	E_TRUNC_TO,       /* cut the frame to arg bytes */
	E_IP_VERSION,     /* version nibble = arg */
	E_IP_IHL,         /* IHL = arg (checksum fixed) */
	E_IP_TOTLEN,      /* total length = arg (checksum fixed) */
	E_IP_BAD_CKSUM,
	E_IP_FRAG,        /* flags/fragment field = arg (checksum fixed) */
	E_ETHERTYPE,      /* ethertype = arg */
	E_ARP_HRD,        /* ARP hardware type = arg */
};

enum frame_kind { F_ARP, F_ICMP_US, F_GRE_US, F_GRE_OTHER, F_RAW_ETH };

struct ccase {
	const char *name;
	enum frame_kind kind;
	enum edit edit;
	uint32_t arg;
	enum dp_class want;
	enum drop_reason why;
};

static const struct ccase cases[] = {
	{ "arp request", F_ARP, E_NONE, 0, DP_CLASS_ARP, DROP_MAX },
	{ "arp non-ethernet hardware", F_ARP, E_ARP_HRD, 6, DP_CLASS_EXCEPTION, DROP_MAX },
	{ "arp truncated body", F_ARP, E_TRUNC_TO, TF_ETH_LEN + TF_ARP_LEN - 1, DP_CLASS_DROP, DROP_ARP_TRUNCATED },
	{ "arp exact body, no padding", F_ARP, E_TRUNC_TO, TF_ETH_LEN + TF_ARP_LEN, DP_CLASS_ARP, DROP_MAX },
	{ "icmp to us", F_ICMP_US, E_NONE, 0, DP_CLASS_EXCEPTION, DROP_MAX },
	{ "gre to us", F_GRE_US, E_NONE, 0, DP_CLASS_GRE, DROP_MAX },
	{ "gre to someone else", F_GRE_OTHER, E_NONE, 0, DP_CLASS_EXCEPTION, DROP_MAX },
	{ "gre first fragment (MF)", F_GRE_US, E_IP_FRAG, 0x2000, DP_CLASS_DROP, DROP_GRE_FRAGMENT },
	{ "gre later fragment", F_GRE_US, E_IP_FRAG, 0x0010, DP_CLASS_DROP, DROP_GRE_FRAGMENT },
	{ "gre to us, DF only", F_GRE_US, E_IP_FRAG, 0x4000, DP_CLASS_GRE, DROP_MAX },
	{ "ipv6 ethertype", F_RAW_ETH, E_ETHERTYPE, 0x86dd, DP_CLASS_EXCEPTION, DROP_MAX },
	{ "vlan tagged", F_RAW_ETH, E_ETHERTYPE, 0x8100, DP_CLASS_EXCEPTION, DROP_MAX },
	/* bad cases */
	{ "zero length", F_ICMP_US, E_TRUNC_TO, 0, DP_CLASS_DROP, DROP_RUNT },
	{ "runt 13 bytes", F_ICMP_US, E_TRUNC_TO, TF_ETH_LEN - 1, DP_CLASS_DROP, DROP_RUNT },
	{ "bare ethernet header, ipv4 type", F_ICMP_US, E_TRUNC_TO, TF_ETH_LEN, DP_CLASS_DROP, DROP_IPV4_TRUNCATED },
	{ "ipv4 header cut at 19", F_ICMP_US, E_TRUNC_TO, TF_ETH_LEN + TF_IPV4_LEN - 1, DP_CLASS_DROP, DROP_IPV4_TRUNCATED },
	{ "ipv4 payload cut short", F_ICMP_US, E_TRUNC_TO, TF_ETH_LEN + TF_IPV4_LEN + 4, DP_CLASS_DROP, DROP_IPV4_TRUNCATED },
	{ "ip version 6 in ipv4 type", F_ICMP_US, E_IP_VERSION, 6, DP_CLASS_DROP, DROP_IPV4_VERSION },
	{ "ip version 0", F_ICMP_US, E_IP_VERSION, 0, DP_CLASS_DROP, DROP_IPV4_VERSION },
	{ "ihl 0", F_ICMP_US, E_IP_IHL, 0, DP_CLASS_DROP, DROP_IPV4_IHL },
	{ "ihl 4", F_ICMP_US, E_IP_IHL, 4, DP_CLASS_DROP, DROP_IPV4_IHL },
	{ "ihl 15 past the frame", F_GRE_US, E_IP_IHL, 15, DP_CLASS_DROP, DROP_IPV4_TRUNCATED },
	{ "total length 0", F_ICMP_US, E_IP_TOTLEN, 0, DP_CLASS_DROP, DROP_IPV4_TOTAL_LEN },
	{ "total length 19", F_ICMP_US, E_IP_TOTLEN, 19, DP_CLASS_DROP, DROP_IPV4_TOTAL_LEN },
	{ "total length huge", F_ICMP_US, E_IP_TOTLEN, 65535, DP_CLASS_DROP, DROP_IPV4_TRUNCATED },
	{ "total length 20 (padding after)", F_ICMP_US, E_IP_TOTLEN, 20, DP_CLASS_EXCEPTION, DROP_MAX },
	{ "bad header checksum", F_ICMP_US, E_IP_BAD_CKSUM, 0, DP_CLASS_DROP, DROP_IPV4_CHECKSUM },
	{ "bad checksum on gre to us", F_GRE_US, E_IP_BAD_CKSUM, 0, DP_CLASS_DROP, DROP_IPV4_CHECKSUM },
};

static size_t build(const struct ccase *c, uint8_t *f)
{
	size_t n = 0;
	uint8_t *ip = f + TF_ETH_LEN;

	switch (c->kind) {
	case F_ARP:
		n = tf_arp(f, 1, tf_peer_mac, PEER_IP, OUR_IP);
		break;
	case F_ICMP_US:
		n = tf_icmp_echo(f, PEER_IP, OUR_IP);
		break;
	case F_GRE_US:
		n = tf_gre(f, PEER_IP, OUR_IP);
		break;
	case F_GRE_OTHER:
		n = tf_gre(f, PEER_IP, OTHER_IP);
		break;
	case F_RAW_ETH:
		n = tf_icmp_echo(f, PEER_IP, OUR_IP);
		break;
	}
	switch (c->edit) {
	case E_NONE:
		break;
	case E_TRUNC_TO:
		n = c->arg;
		break;
	case E_IP_VERSION:
		ip[0] = (uint8_t)((c->arg << 4) | (ip[0] & 0x0f));
		tf_ipv4_fix_cksum(ip);
		break;
	case E_IP_IHL:
		ip[0] = (uint8_t)((ip[0] & 0xf0) | c->arg);
		/* Checksum over the first 20 bytes; a bad IHL must be caught before it matters. */
		tf_w16(ip + 10, 0);
		tf_w16(ip + 10, tf_cksum(ip, TF_IPV4_LEN));
		break;
	case E_IP_TOTLEN:
		tf_w16(ip + 2, (uint16_t)c->arg);
		tf_ipv4_fix_cksum(ip);
		break;
	case E_IP_BAD_CKSUM:
		ip[10] ^= 0x01;
		break;
	case E_IP_FRAG:
		tf_w16(ip + 6, (uint16_t)c->arg);
		tf_ipv4_fix_cksum(ip);
		break;
	case E_ETHERTYPE:
		tf_w16(f + 12, (uint16_t)c->arg);
		break;
	case E_ARP_HRD:
		tf_w16(ip, (uint16_t)c->arg);
		break;
	}
	return n;
}

static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct ccase *c = &cases[i];
		uint8_t f[TF_MAX_FRAME];
		enum drop_reason why = DROP_MAX;
		size_t n = build(c, f);
		enum dp_class got = classify_frame(&ctx, f, (uint32_t)n, (uint32_t)n, &why);

		if (got != c->want || (c->want == DP_CLASS_DROP && why != c->why)) {
			print_error("case \"%s\": class %d reason %d, want class %d reason %d\n",
				    c->name, got, why, c->want, c->why);
			fail();
		}
	}
}

/* Headers split across mbuf segments: not ours to parse, the kernel copes. */
static void test_non_contiguous(void **state)
{
	uint8_t f[TF_MAX_FRAME];
	enum drop_reason why = DROP_MAX;
	size_t n = tf_gre(f, PEER_IP, OUR_IP);

	(void)state;
	assert_int_equal(classify_frame(&ctx, f, TF_ETH_LEN + 10, (uint32_t)n, &why), DP_CLASS_EXCEPTION);
	assert_int_equal(classify_frame(&ctx, f, 8, (uint32_t)n, &why), DP_CLASS_EXCEPTION);
	/* data_len beyond pkt_len is clamped, not trusted. */
	assert_int_equal(classify_frame(&ctx, f, (uint32_t)n, 10, &why), DP_CLASS_DROP);
	assert_int_equal(why, DROP_RUNT);
}

static void test_on_link(void **state)
{
	uint32_t a;

	(void)state;
	be32(&a, PEER_IP);
	assert_true(classify_on_link(&ctx, a));
	be32(&a, OTHER_IP);
	assert_false(classify_on_link(&ctx, a));
}

static void test_no_local_addresses(void **state)
{
	struct classify_ctx empty = { 0 };
	uint8_t f[TF_MAX_FRAME];
	enum drop_reason why = DROP_MAX;
	size_t n = tf_gre(f, PEER_IP, OUR_IP);

	(void)state;
	assert_int_equal(classify_frame(&empty, f, (uint32_t)n, (uint32_t)n, &why), DP_CLASS_EXCEPTION);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_non_contiguous),
		cmocka_unit_test(test_on_link),
		cmocka_unit_test(test_no_local_addresses),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
