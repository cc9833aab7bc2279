/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PPP framing inside GRE (RFC 1661 2, 6.5, 6.6; RFC 1662 3.1): parsing with
 * and without Address/Control and protocol compression, a table of named
 * bad frames, building under every ACFC/PFC combination (LCP never
 * compressed), and the data/control classification.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ppp_frame.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_BYTES    8

struct pcase {
	const char *name;
	uint8_t bytes[MAX_BYTES];
	uint16_t len;
	enum ppp_frame_result want;
	uint16_t proto;
	uint16_t hdr_len;
};

static const struct pcase frames[] = {
	{ "FF 03 00 21 (IPv4, full)", { 0xFF, 0x03, 0x00, 0x21, 0x45 }, 5, PPP_FRAME_OK, 0x0021, 4 },
	{ "FF 03 21 (IPv4, PFC)", { 0xFF, 0x03, 0x21, 0x45 }, 4, PPP_FRAME_OK, 0x0021, 3 },
	{ "00 21 (IPv4, ACFC)", { 0x00, 0x21, 0x45 }, 3, PPP_FRAME_OK, 0x0021, 2 },
	{ "21 (IPv4, ACFC+PFC)", { 0x21, 0x45 }, 2, PPP_FRAME_OK, 0x0021, 1 },
	{ "FD (MPPE, ACFC+PFC)", { 0xFD, 0x90, 0x00 }, 3, PPP_FRAME_OK, 0x00FD, 1 },
	{ "FF 03 00 FD (MPPE)", { 0xFF, 0x03, 0x00, 0xFD, 0x90 }, 5, PPP_FRAME_OK, 0x00FD, 4 },
	{ "FF 03 C0 21 (LCP)", { 0xFF, 0x03, 0xC0, 0x21, 0x01 }, 5, PPP_FRAME_OK, 0xC021, 4 },
	{ "C0 21 (LCP without ACF, accepted)", { 0xC0, 0x21, 0x09 }, 3, PPP_FRAME_OK, 0xC021, 2 },
	{ "80 FD (CCP)", { 0x80, 0xFD, 0x0E }, 3, PPP_FRAME_OK, 0x80FD, 2 },
	{ "protocol, empty payload", { 0xFF, 0x03, 0x00, 0x21 }, 4, PPP_FRAME_OK, 0x0021, 4 },
	/* RFC 1661 6.6: FF not followed by 03 is no ACF; 0xFF is then a (reserved) protocol. */
	{ "FF 05: no ACF, protocol 0xFF", { 0xFF, 0x05 }, 2, PPP_FRAME_OK, 0x00FF, 1 },
	{ "FF alone: protocol 0xFF", { 0xFF }, 1, PPP_FRAME_OK, 0x00FF, 1 },
	/* bad cases */
	{ "zero length", { 0 }, 0, PPP_FRAME_E_SHORT, 0, 0 },
	{ "ACF only", { 0xFF, 0x03 }, 2, PPP_FRAME_E_SHORT, 0, 0 },
	{ "ACF + half a protocol", { 0xFF, 0x03, 0x00 }, 3, PPP_FRAME_E_SHORT, 0, 0 },
	{ "even first octet alone", { 0xC0 }, 1, PPP_FRAME_E_SHORT, 0, 0 },
	{ "both octets even (00 20)", { 0x00, 0x20, 0x45 }, 3, PPP_FRAME_E_PROTO, 0, 0 },
	{ "protocol 00 00", { 0xFF, 0x03, 0x00, 0x00 }, 4, PPP_FRAME_E_PROTO, 0, 0 },
	{ "C0 20 (low octet even)", { 0xC0, 0x20, 0x00 }, 3, PPP_FRAME_E_PROTO, 0, 0 },
};

static void test_parse_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(frames); i++) {
		const struct pcase *c = &frames[i];
		struct ppp_frame_info fi = { 0, 0 };
		uint8_t *buf = test_malloc(c->len ? c->len : 1);

		memcpy(buf, c->bytes, c->len);
		enum ppp_frame_result r = ppp_frame_parse(buf, c->len, &fi);
		if (r != c->want)
			fail_msg("%s: got %d want %d", c->name, r, c->want);
		if (r == PPP_FRAME_OK) {
			if (fi.proto != c->proto || fi.hdr_len != c->hdr_len)
				fail_msg("%s: proto %04x/%u, want %04x/%u", c->name,
					 fi.proto, fi.hdr_len, c->proto, c->hdr_len);
			assert_int_equal(ppp_frame_drop_reason(r), DROP_MAX);
		} else {
			assert_true(ppp_frame_drop_reason(r) < DROP_MAX);
		}
		test_free(buf);
	}
	assert_int_equal(ppp_frame_drop_reason(PPP_FRAME_E_SHORT), DROP_PPP_SHORT);
	assert_int_equal(ppp_frame_drop_reason(PPP_FRAME_E_PROTO), DROP_PPP_PROTOCOL);
}

/* Inside MPPE there is no ACF: FF 03 there is a protocol 0xFF, not framing. */
static void test_proto_parse(void **state)
{
	static const uint8_t ff03[] = { 0xFF, 0x03 };
	static const uint8_t v4[] = { 0x00, 0x21 };
	static const uint8_t v4c[] = { 0x21 };
	struct ppp_frame_info fi;

	(void)state;
	assert_int_equal(ppp_proto_parse(ff03, 2, &fi), PPP_FRAME_OK);
	assert_int_equal(fi.proto, 0x00FF);
	assert_int_equal(fi.hdr_len, 1);
	assert_int_equal(ppp_proto_parse(v4, 2, &fi), PPP_FRAME_OK);
	assert_int_equal(fi.proto, 0x0021);
	assert_int_equal(fi.hdr_len, 2);
	assert_int_equal(ppp_proto_parse(v4c, 1, &fi), PPP_FRAME_OK);
	assert_int_equal(fi.proto, 0x0021);
	assert_int_equal(fi.hdr_len, 1);
	assert_int_equal(ppp_proto_parse(v4, 1, &fi), PPP_FRAME_E_SHORT);
	assert_int_equal(ppp_proto_parse(v4, 0, &fi), PPP_FRAME_E_SHORT);
}

struct bcase {
	uint16_t proto;
	uint32_t flags;
	uint8_t want[4];
	uint16_t want_len;
};

#define ACFC DP_SESSION_F_ACFC
#define PFC  DP_SESSION_F_PFC

static const struct bcase builds[] = {
	{ 0x0021, 0, { 0xFF, 0x03, 0x00, 0x21 }, 4 },
	{ 0x0021, PFC, { 0xFF, 0x03, 0x21 }, 3 },
	{ 0x0021, ACFC, { 0x00, 0x21 }, 2 },
	{ 0x0021, ACFC | PFC, { 0x21 }, 1 },
	{ 0x00FD, ACFC | PFC, { 0xFD }, 1 },
	{ 0x00FD, 0, { 0xFF, 0x03, 0x00, 0xFD }, 4 },
	/* PFC only below 0x100. */
	{ 0x8021, ACFC | PFC, { 0x80, 0x21 }, 2 },
	{ 0x80FD, PFC, { 0xFF, 0x03, 0x80, 0xFD }, 4 },
	/* LCP: always FF 03 and two octets (RFC 1661 6.5, 6.6; INTEROP.md). */
	{ 0xC021, 0, { 0xFF, 0x03, 0xC0, 0x21 }, 4 },
	{ 0xC021, ACFC, { 0xFF, 0x03, 0xC0, 0x21 }, 4 },
	{ 0xC021, PFC, { 0xFF, 0x03, 0xC0, 0x21 }, 4 },
	{ 0xC021, ACFC | PFC, { 0xFF, 0x03, 0xC0, 0x21 }, 4 },
	/* Others may lose the ACF. */
	{ 0xC223, ACFC | PFC, { 0xC2, 0x23 }, 2 },
};

static void test_build(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(builds); i++) {
		const struct bcase *c = &builds[i];
		uint8_t buf[16];
		uint8_t *payload = buf + 8;
		struct ppp_frame_info fi;

		memset(buf, 0xAA, sizeof(buf));
		payload[0] = 0x45;
		assert_int_equal(ppp_frame_hdr_len(c->proto, c->flags), c->want_len);
		uint8_t *start = ppp_frame_prepend(payload, c->proto, c->flags);
		assert_ptr_equal(start, payload - c->want_len);
		assert_memory_equal(start, c->want, c->want_len);
		assert_int_equal(buf[8 - c->want_len - 1], 0xAA);  /* nothing written before */
		/* And it parses back. */
		assert_int_equal(ppp_frame_parse(start, (uint16_t)(c->want_len + 1), &fi), PPP_FRAME_OK);
		assert_int_equal(fi.proto, c->proto);
		assert_int_equal(fi.hdr_len, c->want_len);
	}
}

static void test_proto_prepend(void **state)
{
	uint8_t buf[8];
	uint8_t *p;

	(void)state;
	p = ppp_proto_prepend(buf + 4, 0x0021, true);
	assert_ptr_equal(p, buf + 3);
	assert_int_equal(p[0], 0x21);
	p = ppp_proto_prepend(buf + 4, 0x0021, false);
	assert_ptr_equal(p, buf + 2);
	assert_int_equal(p[0], 0x00);
	assert_int_equal(p[1], 0x21);
	p = ppp_proto_prepend(buf + 4, 0x8021, true);
	assert_ptr_equal(p, buf + 2);
	assert_int_equal(ppp_proto_len(0x00FF, true), 1);
	assert_int_equal(ppp_proto_len(0x0100, true), 2);
	assert_int_equal(ppp_proto_len(0x0021, false), 2);
}

static void test_classify(void **state)
{
	static const struct { uint16_t proto; enum ppp_class want; } t[] = {
		{ 0x0021, PPP_CLASS_IPV4 },
		{ 0x00FD, PPP_CLASS_MPPE },
		{ 0x003D, PPP_CLASS_MP },
		{ 0xC021, PPP_CLASS_CONTROL },  /* LCP */
		{ 0x8021, PPP_CLASS_CONTROL },  /* IPCP */
		{ 0x80FD, PPP_CLASS_CONTROL },  /* CCP */
		{ 0xC023, PPP_CLASS_CONTROL },  /* PAP */
		{ 0xC223, PPP_CLASS_CONTROL },  /* CHAP */
		{ 0x8057, PPP_CLASS_CONTROL },  /* IPV6CP: control plane rejects it */
		{ 0xC029, PPP_CLASS_CONTROL },  /* CBCP */
		{ 0x8281, PPP_CLASS_CONTROL },  /* any other NCP */
		{ 0xFFFF, PPP_CLASS_CONTROL },
		{ 0x0057, PPP_CLASS_REJECT },   /* IPv6 data */
		{ 0x002B, PPP_CLASS_REJECT },   /* IPX */
		{ 0x4021, PPP_CLASS_REJECT },   /* low-volume, no NCP */
		{ 0x00FF, PPP_CLASS_REJECT },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(t); i++)
		if (ppp_classify(t[i].proto) != t[i].want)
			fail_msg("proto %04x: got %d want %d", t[i].proto,
				 ppp_classify(t[i].proto), t[i].want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_proto_parse),
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_proto_prepend),
		cmocka_unit_test(test_classify),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
