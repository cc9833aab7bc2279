/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 helpers for tunnelled packets: header validation with named bad
 * cases, TTL decrement whose incremental checksum (RFC 1624) equals a full
 * recompute, TCP MSS clamping checked by recomputing the TCP checksum, and
 * malformed TCP options that must leave the packet alone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ipv4.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define PKT_LEN      128
#define TUNNEL_MTU   1400  /* e.g. max-mtu 1450 less MPPE and a margin */

static void w16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t r16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Reference RFC 1071 sum, written independently of ipv4.c. */
static uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += r16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xFFFF) + (sum >> 16);
	return (uint16_t)~sum;
}

static void ip_fix_cksum(uint8_t *ip)
{
	size_t hl = (size_t)(ip[0] & 0x0F) * 4;

	w16(ip + 10, 0);
	w16(ip + 10, fold(sum16(ip, hl, 0)));
}

/* TCP checksum over the pseudo-header (RFC 793 3.1) and the segment. */
static uint16_t tcp_cksum_full(const uint8_t *ip)
{
	size_t hl = (size_t)(ip[0] & 0x0F) * 4;
	size_t seg = r16(ip + 2) - hl;
	uint8_t pseudo[12];
	uint8_t copy[PKT_LEN];

	memcpy(pseudo, ip + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = 6;
	w16(pseudo + 10, (uint16_t)seg);
	memcpy(copy, ip + hl, seg);
	w16(copy + 16, 0);
	return fold(sum16(copy, seg, sum16(pseudo, sizeof(pseudo), 0)));
}

/* Wikipedia's/RFC 1071-style worked header: checksum B861. */
static const uint8_t known_hdr[] = {
	0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xB8, 0x61,
	0xC0, 0xA8, 0x00, 0x01, 0xC0, 0xA8, 0x00, 0xC7,
};

static void test_known_checksum(void **state)
{
	uint8_t h[sizeof(known_hdr)];

	(void)state;
	memcpy(h, known_hdr, sizeof(h));
	assert_int_equal(ipv4_cksum(h, sizeof(h)), 0);  /* verifies */
	w16(h + 10, 0);
	assert_int_equal(ipv4_cksum(h, sizeof(h)), 0xB861);
	/* An odd length pads with zero. */
	static const uint8_t odd[] = { 0x01, 0x02, 0x03 };
	assert_int_equal(ipv4_cksum(odd, 3), (uint16_t)~(0x0102 + 0x0300));
}

/* A 20-byte header + 8 bytes of payload, total length 28. */
static uint16_t make_ip(uint8_t *p, uint8_t ttl, uint8_t proto, uint32_t seed)
{
	memset(p, 0, PKT_LEN);
	p[0] = 0x45;
	w16(p + 2, 28);
	w16(p + 4, (uint16_t)seed);
	w16(p + 6, 0x4000);
	p[8] = ttl;
	p[9] = proto;
	p[12] = 10;
	p[13] = 0;
	p[14] = (uint8_t)(seed >> 8);
	p[15] = (uint8_t)seed;
	p[16] = 192;
	p[17] = 168;
	p[18] = (uint8_t)(seed >> 16);
	p[19] = (uint8_t)(seed >> 24);
	ip_fix_cksum(p);
	return 28;
}

enum ip_edit { IE_NONE, IE_LEN, IE_VERSION, IE_IHL, IE_TOTLEN, IE_CKSUM, IE_OPTIONS };

struct icase {
	const char *name;
	enum ip_edit edit;
	uint16_t arg;
	enum ipv4_result want;
};

static const struct icase ip_cases[] = {
	{ "good", IE_NONE, 0, IPV4_OK },
	{ "trailing bytes after total length", IE_LEN, 60, IPV4_OK },
	{ "with 4 bytes of options (IHL 6)", IE_OPTIONS, 0, IPV4_OK },
	{ "zero length", IE_LEN, 0, IPV4_E_TRUNCATED },
	{ "19 bytes", IE_LEN, 19, IPV4_E_TRUNCATED },
	{ "header only, total 28", IE_LEN, 20, IPV4_E_TRUNCATED },
	{ "one short of total", IE_LEN, 27, IPV4_E_TRUNCATED },
	{ "version 6", IE_VERSION, 6, IPV4_E_VERSION },
	{ "version 0", IE_VERSION, 0, IPV4_E_VERSION },
	{ "IHL 4", IE_IHL, 4, IPV4_E_IHL },
	{ "IHL 0", IE_IHL, 0, IPV4_E_IHL },
	{ "IHL 15 past buffer", IE_IHL, 15, IPV4_E_TRUNCATED },
	{ "total length 19", IE_TOTLEN, 19, IPV4_E_TOTAL_LEN },
	{ "total length 0", IE_TOTLEN, 0, IPV4_E_TOTAL_LEN },
	{ "total length huge", IE_TOTLEN, 0xFFFF, IPV4_E_TRUNCATED },
	{ "bad checksum", IE_CKSUM, 0, IPV4_E_CHECKSUM },
};

static void test_check_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(ip_cases); i++) {
		const struct icase *c = &ip_cases[i];
		uint8_t p[PKT_LEN];
		uint16_t len = make_ip(p, 64, 17, (uint32_t)i * 77u);
		struct ipv4_info info;

		switch (c->edit) {
		case IE_NONE:
			break;
		case IE_LEN:
			len = c->arg;
			break;
		case IE_VERSION:
			p[0] = (uint8_t)(c->arg << 4 | (p[0] & 0x0F));
			ip_fix_cksum(p);
			break;
		case IE_IHL:
			p[0] = (uint8_t)(0x40 | c->arg);
			break;
		case IE_TOTLEN:
			w16(p + 2, c->arg);
			ip_fix_cksum(p);
			break;
		case IE_CKSUM:
			p[11] ^= 0x01;
			break;
		case IE_OPTIONS:
			p[0] = 0x46;
			w16(p + 2, 32);
			memset(p + 20, 0x01, 4);  /* NOPs */
			ip_fix_cksum(p);
			len = 32;
			break;
		}
		uint8_t *buf = test_malloc(len ? len : 1);
		memcpy(buf, p, len);
		enum ipv4_result r = ipv4_check(buf, len, &info);
		if (r != c->want)
			fail_msg("%s: got %d want %d", c->name, r, c->want);
		if (r == IPV4_OK) {
			assert_int_equal(info.hdr_len, (p[0] & 0x0F) * 4);
			assert_int_equal(info.total_len, r16(p + 2));
			assert_int_equal(info.ttl, 64);
			assert_int_equal(info.proto, 17);
			assert_int_equal(info.src >> 24, 10);
			assert_int_equal(info.dst >> 24, 192);
			assert_int_equal(info.frag, 0x4000);
			assert_int_equal(ipv4_drop_reason(r), DROP_MAX);
		} else {
			assert_true(ipv4_drop_reason(r) < DROP_MAX);
		}
		test_free(buf);
	}
	assert_int_equal(ipv4_drop_reason(IPV4_E_TRUNCATED), DROP_IPV4_TRUNCATED);
	assert_int_equal(ipv4_drop_reason(IPV4_E_VERSION), DROP_IPV4_VERSION);
	assert_int_equal(ipv4_drop_reason(IPV4_E_IHL), DROP_IPV4_IHL);
	assert_int_equal(ipv4_drop_reason(IPV4_E_TOTAL_LEN), DROP_IPV4_TOTAL_LEN);
	assert_int_equal(ipv4_drop_reason(IPV4_E_CHECKSUM), DROP_IPV4_CHECKSUM);
}

/* Every TTL from 255 down, over many headers: incremental == full recompute. */
static void test_ttl_decrement_matches_recompute(void **state)
{
	uint8_t p[PKT_LEN], q[PKT_LEN];
	struct ipv4_info info;

	(void)state;
	for (uint32_t seed = 0; seed < 2000; seed++) {
		make_ip(p, 255, (uint8_t)seed, seed * 2654435761u);
		for (int ttl = 255; ttl > 1; ttl--) {
			assert_int_equal(p[8], ttl);
			assert_true(ipv4_ttl_decrement(p));
			assert_int_equal(p[8], ttl - 1);
			memcpy(q, p, PKT_LEN);
			ip_fix_cksum(q);
			if (r16(p + 10) != r16(q + 10))
				fail_msg("seed %u ttl %d: incremental %04x full %04x",
					 seed, ttl - 1, r16(p + 10), r16(q + 10));
			assert_int_equal(ipv4_check(p, 28, &info), IPV4_OK);
		}
		/* TTL 1 and 0: not forwarded, nothing touched. */
		memcpy(q, p, PKT_LEN);
		assert_false(ipv4_ttl_decrement(p));
		assert_memory_equal(p, q, PKT_LEN);
		p[8] = 0;
		ip_fix_cksum(p);
		memcpy(q, p, PKT_LEN);
		assert_false(ipv4_ttl_decrement(p));
		assert_memory_equal(p, q, PKT_LEN);
	}
}

/* RFC 1624 eqn. 3 on the RFC's own example (section 3), where eqn. 2 gave -0. */
static void test_cksum_adjust_edges(void **state)
{
	(void)state;
	/* RFC 1624 section 3: HC 0xDD2F, m 0x5555 -> m' 0x3285: HC' 0x0000. */
	assert_int_equal(ipv4_cksum_adjust(0xDD2F, 0x5555, 0x3285), 0x0000);
	/* No change, no change. */
	assert_int_equal(ipv4_cksum_adjust(0x1234, 0xABCD, 0xABCD), 0x1234);
}

/* --- TCP MSS clamp --- */

/*
 * IPv4 + TCP SYN with the options given (padded to a 4-byte boundary with
 * EOL), real checksums. Returns the packet length.
 */
static uint16_t make_syn(uint8_t *p, const uint8_t *opts, size_t opt_len, uint8_t flags)
{
	size_t olen4 = (opt_len + 3) & ~(size_t)3;
	uint16_t tcp_len = (uint16_t)(20 + olen4);
	uint8_t *t = p + 20;

	memset(p, 0, PKT_LEN);
	p[0] = 0x45;
	w16(p + 2, (uint16_t)(20 + tcp_len));
	w16(p + 6, 0x4000);
	p[8] = 64;
	p[9] = 6;
	p[12] = 10; p[13] = 0; p[14] = 0; p[15] = 5;
	p[16] = 93; p[17] = 184; p[18] = 216; p[19] = 34;
	w16(t, 51234);
	w16(t + 2, 443);
	t[4] = 0x12; t[5] = 0x34; t[6] = 0x56; t[7] = 0x78;
	t[12] = (uint8_t)((tcp_len / 4) << 4);
	t[13] = flags;
	w16(t + 14, 64240);
	memcpy(t + 20, opts, opt_len);
	ip_fix_cksum(p);
	w16(t + 16, tcp_cksum_full(p));
	return (uint16_t)(20 + tcp_len);
}

#define SYN     0x02
#define SYN_ACK 0x12
#define ACK     0x10

/* Linux's SYN options: MSS 1460, SACK permitted, timestamps, NOP, wscale 7. */
static const uint8_t linux_syn_opts[] = {
	0x02, 0x04, 0x05, 0xB4, 0x04, 0x02, 0x08, 0x0A, 0x00, 0x01, 0x02, 0x03,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07,
};
/* Windows-like: MSS first after a NOP, so the value sits at an odd offset. */
static const uint8_t odd_mss_opts[] = { 0x01, 0x02, 0x04, 0x05, 0xB4, 0x01, 0x01, 0x04, 0x02 };

static void clamp_and_verify(const uint8_t *opts, size_t opt_len, uint8_t flags,
			     uint16_t mss_max, enum ipv4_mss_result want, uint16_t want_mss,
			     size_t mss_at)
{
	uint8_t p[PKT_LEN];
	uint16_t len = make_syn(p, opts, opt_len, flags);

	assert_int_equal(ipv4_tcp_mss_clamp(p, len, mss_max), want);
	assert_int_equal(r16(p + 20 + 20 + mss_at), want_mss);
	/* The TCP checksum verifies by a full recompute, the IP one too. */
	assert_int_equal(r16(p + 36), tcp_cksum_full(p));
	assert_int_equal(ipv4_cksum(p, 20), 0);
}

static void test_mss_clamp(void **state)
{
	uint16_t mss_max = TUNNEL_MTU - IPV4_TCP_MSS_OVERHEAD;

	(void)state;
	assert_int_equal(mss_max, 1360);
	clamp_and_verify(linux_syn_opts, sizeof(linux_syn_opts), SYN, mss_max,
			 IPV4_MSS_CLAMPED, 1360, 2);
	clamp_and_verify(linux_syn_opts, sizeof(linux_syn_opts), SYN_ACK, mss_max,
			 IPV4_MSS_CLAMPED, 1360, 2);
	clamp_and_verify(odd_mss_opts, sizeof(odd_mss_opts), SYN, mss_max,
			 IPV4_MSS_CLAMPED, 1360, 3);
	/* Already small enough, or equal: untouched. */
	clamp_and_verify(linux_syn_opts, sizeof(linux_syn_opts), SYN, 1460,
			 IPV4_MSS_UNTOUCHED, 1460, 2);
	clamp_and_verify(linux_syn_opts, sizeof(linux_syn_opts), SYN, 1500,
			 IPV4_MSS_UNTOUCHED, 1460, 2);
	/* Not a SYN. */
	clamp_and_verify(linux_syn_opts, sizeof(linux_syn_opts), ACK, mss_max,
			 IPV4_MSS_UNTOUCHED, 1460, 2);
}

/* Many MSS values and clamp targets, odd and even offsets: checksum always right. */
static void test_mss_clamp_sweep(void **state)
{
	(void)state;
	for (uint32_t mss = 536; mss <= 65535; mss += 97) {
		for (uint16_t max = 500; max < 1500; max += 113) {
			uint8_t even[4] = { 0x02, 0x04, (uint8_t)(mss >> 8), (uint8_t)mss };
			uint8_t odd[5] = { 0x01, 0x02, 0x04, (uint8_t)(mss >> 8), (uint8_t)mss };
			bool lower = mss > max;

			clamp_and_verify(even, sizeof(even), SYN, max,
					 lower ? IPV4_MSS_CLAMPED : IPV4_MSS_UNTOUCHED,
					 lower ? max : (uint16_t)mss, 2);
			clamp_and_verify(odd, sizeof(odd), SYN, max,
					 lower ? IPV4_MSS_CLAMPED : IPV4_MSS_UNTOUCHED,
					 lower ? max : (uint16_t)mss, 3);
		}
	}
}

struct mcase {
	const char *name;
	uint8_t opts[12];
	uint8_t opt_len;
	int tweak;  /* 0 none, 1 doff 4, 2 doff 15, 3 not TCP, 4 fragment, 5 cut buffer */
	enum ipv4_mss_result want;
};

static const struct mcase bad_opts[] = {
	{ "option length 0", { 0x08, 0x00, 0x02, 0x04, 0x05, 0xB4 }, 6, 0, IPV4_MSS_MALFORMED },
	{ "option length 1", { 0x08, 0x01, 0x02, 0x04, 0x05, 0xB4 }, 6, 0, IPV4_MSS_MALFORMED },
	{ "option runs past header", { 0x01, 0x01, 0x08, 0x0A, 0x00, 0x00 }, 6, 0, IPV4_MSS_MALFORMED },
	{ "MSS length 3", { 0x02, 0x03, 0x05, 0x01 }, 4, 0, IPV4_MSS_MALFORMED },
	{ "MSS length 5", { 0x02, 0x05, 0x05, 0xB4, 0x00 }, 5, 0, IPV4_MSS_MALFORMED },
	{ "MSS length 255", { 0x02, 0xFF, 0x05, 0xB4 }, 4, 0, IPV4_MSS_MALFORMED },
	{ "kind without length at end", { 0x01, 0x01, 0x01, 0x02 }, 4, 0, IPV4_MSS_MALFORMED },
	{ "MSS after EOL is not an option", { 0x00, 0x00, 0x00, 0x00, 0x02, 0x04, 0x05, 0xB4 }, 8, 0, IPV4_MSS_UNTOUCHED },
	{ "only NOPs", { 0x01, 0x01, 0x01, 0x01 }, 4, 0, IPV4_MSS_UNTOUCHED },
	{ "no options", { 0 }, 0, 0, IPV4_MSS_UNTOUCHED },
	{ "data offset 4", { 0x02, 0x04, 0x05, 0xB4 }, 4, 1, IPV4_MSS_MALFORMED },
	{ "data offset past packet", { 0x02, 0x04, 0x05, 0xB4 }, 4, 2, IPV4_MSS_MALFORMED },
	{ "not TCP", { 0x02, 0x04, 0x05, 0xB4 }, 4, 3, IPV4_MSS_UNTOUCHED },
	{ "non-first fragment", { 0x02, 0x04, 0x05, 0xB4 }, 4, 4, IPV4_MSS_UNTOUCHED },
	{ "buffer ends inside TCP header", { 0x02, 0x04, 0x05, 0xB4 }, 4, 5, IPV4_MSS_UNTOUCHED },
};

static void test_mss_malformed_options(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(bad_opts); i++) {
		const struct mcase *c = &bad_opts[i];
		uint8_t p[PKT_LEN];
		uint16_t len = make_syn(p, c->opts, c->opt_len, SYN);

		switch (c->tweak) {
		case 1:
			p[32] = 0x40;
			break;
		case 2:
			p[32] = 0xF0;
			break;
		case 3:
			p[9] = 17;
			break;
		case 4:
			w16(p + 6, 0x0010);
			break;
		case 5:
			len = 20 + 19;
			break;
		default:
			break;
		}
		uint8_t *buf = test_malloc(len);
		memcpy(buf, p, len);
		enum ipv4_mss_result r = ipv4_tcp_mss_clamp(buf, len, 1000);
		if (r != c->want)
			fail_msg("%s: got %d want %d", c->name, r, c->want);
		assert_memory_equal(buf, p, len);  /* left alone */
		test_free(buf);
	}
}

static void test_src_is(void **state)
{
	uint8_t p[PKT_LEN];

	(void)state;
	make_ip(p, 64, 6, 0x0102);
	assert_true(ipv4_src_is(p, 0x0A000102u));
	assert_false(ipv4_src_is(p, 0x0A000103u));
	assert_false(ipv4_src_is(p, 0x0B000102u));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_checksum),
		cmocka_unit_test(test_check_table),
		cmocka_unit_test(test_ttl_decrement_matches_recompute),
		cmocka_unit_test(test_cksum_adjust_edges),
		cmocka_unit_test(test_mss_clamp),
		cmocka_unit_test(test_mss_clamp_sweep),
		cmocka_unit_test(test_mss_malformed_options),
		cmocka_unit_test(test_src_is),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
