/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Enhanced GRE (RFC 2637 4.1): gre_parse() over the headers real peers send
 * (INTEROP.md: 0x3001, 0x3081, 0x2081) and a table of named bad cases;
 * gre_build() round trips; sequence arithmetic across the 32-bit wrap; the
 * receive window and the transmit ack bookkeeping.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "gre.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define BUF_LEN      64

/* A header from its flag word, then key and up to two 32-bit numbers. */
static uint16_t hdr(uint8_t *p, uint16_t flags, uint16_t proto, uint16_t paylen,
		    uint16_t call_id, uint32_t n1, uint32_t n2)
{
	p[0] = (uint8_t)(flags >> 8);
	p[1] = (uint8_t)flags;
	p[2] = (uint8_t)(proto >> 8);
	p[3] = (uint8_t)proto;
	p[4] = (uint8_t)(paylen >> 8);
	p[5] = (uint8_t)paylen;
	p[6] = (uint8_t)(call_id >> 8);
	p[7] = (uint8_t)call_id;
	for (int i = 0; i < 4; i++) {
		p[8 + i] = (uint8_t)(n1 >> (24 - 8 * i));
		p[12 + i] = (uint8_t)(n2 >> (24 - 8 * i));
	}
	return 8;
}

struct gcase {
	const char *name;
	uint16_t flags;
	uint16_t proto;
	uint16_t paylen;   /* key high half */
	uint16_t len;      /* bytes handed to gre_parse */
	enum gre_result want;
	/* expectations on GRE_OK */
	uint16_t hdr_len;
	bool has_seq, has_ack;
	uint32_t seq, ack;
};

#define N1 0x01020304u
#define N2 0xA0B0C0D0u

static const struct gcase cases[] = {
	/* What real peers send. */
	{ "data, key+seq (0x3001)", 0x3001, 0x880B, 20, 12 + 20, GRE_OK, 12, true, false, N1, 0 },
	{ "data+ack (0x3081)", 0x3081, 0x880B, 20, 16 + 20, GRE_OK, 16, true, true, N1, N2 },
	{ "ack only (0x2081): ack in seq's place", 0x2081, 0x880B, 0, 12, GRE_OK, 12, false, true, 0, N1 },
	{ "key only, empty (0x2001)", 0x2001, 0x880B, 0, 8, GRE_OK, 8, false, false, 0, 0 },
	{ "ethernet padding after payload", 0x3001, 0x880B, 4, 12 + 4 + 30, GRE_OK, 12, true, false, N1, 0 },
	{ "data with empty payload", 0x3001, 0x880B, 0, 12, GRE_OK, 12, true, false, N1, 0 },
	{ "payload exactly fills", 0x3081, 0x880B, 48, 64, GRE_OK, 16, true, true, N1, N2 },
	/* bad cases */
	{ "zero length", 0x3001, 0x880B, 0, 0, GRE_E_SHORT, 0, 0, 0, 0, 0 },
	{ "one byte", 0x3001, 0x880B, 0, 1, GRE_E_SHORT, 0, 0, 0, 0, 0 },
	{ "7 bytes", 0x3001, 0x880B, 0, 7, GRE_E_SHORT, 0, 0, 0, 0, 0 },
	{ "S set, seq cut", 0x3001, 0x880B, 0, 11, GRE_E_SHORT, 0, 0, 0, 0, 0 },
	{ "S+A set, ack cut", 0x3081, 0x880B, 0, 15, GRE_E_SHORT, 0, 0, 0, 0, 0 },
	{ "A only, ack cut", 0x2081, 0x880B, 0, 11, GRE_E_SHORT, 0, 0, 0, 0, 0 },
	{ "version 0 (RFC 2784 GRE)", 0x3000, 0x880B, 0, 12, GRE_E_VERSION, 0, 0, 0, 0, 0 },
	{ "version 2", 0x3002, 0x880B, 0, 12, GRE_E_VERSION, 0, 0, 0, 0, 0 },
	{ "version 7", 0x3007, 0x880B, 0, 12, GRE_E_VERSION, 0, 0, 0, 0, 0 },
	{ "protocol IPv4", 0x3001, 0x0800, 0, 12, GRE_E_PROTOCOL, 0, 0, 0, 0, 0 },
	{ "protocol zero", 0x3001, 0x0000, 0, 12, GRE_E_PROTOCOL, 0, 0, 0, 0, 0 },
	{ "K clear", 0x1001, 0x880B, 0, 12, GRE_E_NO_KEY, 0, 0, 0, 0, 0 },
	{ "C set", 0xB001, 0x880B, 0, 16, GRE_E_FLAGS, 0, 0, 0, 0, 0 },
	{ "R set", 0x7001, 0x880B, 0, 16, GRE_E_FLAGS, 0, 0, 0, 0, 0 },
	{ "strict source route", 0x3801, 0x880B, 0, 16, GRE_E_FLAGS, 0, 0, 0, 0, 0 },
	{ "recursion 1", 0x3101, 0x880B, 0, 16, GRE_E_FLAGS, 0, 0, 0, 0, 0 },
	{ "recursion 7", 0x3701, 0x880B, 0, 16, GRE_E_FLAGS, 0, 0, 0, 0, 0 },
	{ "reserved flag 0x40", 0x3041, 0x880B, 0, 16, GRE_E_FLAGS, 0, 0, 0, 0, 0 },
	{ "reserved flag 0x08", 0x3009, 0x880B, 0, 16, GRE_E_FLAGS, 0, 0, 0, 0, 0 },
	{ "all flags", 0xFFF9, 0x880B, 0, 16, GRE_E_FLAGS, 0, 0, 0, 0, 0 },
	{ "payload length one past", 0x3001, 0x880B, 21, 12 + 20, GRE_E_TRUNCATED, 0, 0, 0, 0, 0 },
	{ "payload length huge", 0x3081, 0x880B, 0xFFFF, 64, GRE_E_TRUNCATED, 0, 0, 0, 0, 0 },
	{ "payload length, header only", 0x3001, 0x880B, 1, 12, GRE_E_TRUNCATED, 0, 0, 0, 0, 0 },
	{ "payload without S", 0x2081, 0x880B, 4, 12 + 4, GRE_E_NO_SEQ, 0, 0, 0, 0, 0 },
	{ "payload, key only", 0x2001, 0x880B, 4, 8 + 4, GRE_E_NO_SEQ, 0, 0, 0, 0, 0 },
};

static void test_parse_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct gcase *c = &cases[i];
		uint8_t full[BUF_LEN];
		struct gre_info gi;

		memset(full, 0xEE, sizeof(full));
		hdr(full, c->flags, c->proto, c->paylen, 0xBEEF, N1, N2);
		/* The parser gets a buffer of exactly len bytes (ASan sees overreads). */
		uint8_t *buf = test_malloc(c->len ? c->len : 1);
		memcpy(buf, full, c->len);
		enum gre_result r = gre_parse(buf, c->len, &gi);
		if (r != c->want)
			fail_msg("%s: got %d want %d", c->name, r, c->want);
		if (r == GRE_OK) {
			assert_int_equal(gi.hdr_len, c->hdr_len);
			assert_int_equal(gi.payload_len, c->paylen);
			assert_int_equal(gi.call_id, 0xBEEF);
			assert_int_equal(gi.has_seq, c->has_seq);
			assert_int_equal(gi.has_ack, c->has_ack);
			assert_int_equal(gi.seq, c->seq);
			assert_int_equal(gi.ack, c->ack);
			assert_int_equal(gre_drop_reason(r), DROP_MAX);
		} else {
			assert_true(gre_drop_reason(r) < DROP_MAX);
		}
		test_free(buf);
	}
}

/* Every result names its own drop counter. */
static void test_drop_reasons(void **state)
{
	static const struct { enum gre_result r; enum drop_reason d; } map[] = {
		{ GRE_E_SHORT, DROP_GRE_SHORT }, { GRE_E_VERSION, DROP_GRE_VERSION },
		{ GRE_E_PROTOCOL, DROP_GRE_PROTOCOL }, { GRE_E_NO_KEY, DROP_GRE_NO_KEY },
		{ GRE_E_FLAGS, DROP_GRE_FLAGS }, { GRE_E_TRUNCATED, DROP_GRE_TRUNCATED },
		{ GRE_E_NO_SEQ, DROP_GRE_NO_SEQ },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(map); i++)
		assert_int_equal(gre_drop_reason(map[i].r), map[i].d);
	assert_int_equal(gre_seq_drop_reason(GRE_SEQ_NEW), DROP_MAX);
	assert_int_equal(gre_seq_drop_reason(GRE_SEQ_LATE), DROP_MAX);
	assert_int_equal(gre_seq_drop_reason(GRE_SEQ_DUPLICATE), DROP_GRE_SEQ_DUPLICATE);
	assert_int_equal(gre_seq_drop_reason(GRE_SEQ_STALE), DROP_GRE_SEQ_STALE);
}

/* Call ID 0 is valid (poptop's first call); the key's halves don't mix. */
static void test_call_id_and_length_halves(void **state)
{
	static const uint16_t ids[] = { 0, 1, 0x00FF, 0xFF00, 0xFFFF };
	uint8_t b[BUF_LEN];
	struct gre_info gi;

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(ids); i++) {
		hdr(b, 0x3001, 0x880B, 0x0030, ids[i], 7, 0);
		assert_int_equal(gre_parse(b, sizeof(b), &gi), GRE_OK);
		assert_int_equal(gi.call_id, ids[i]);
		assert_int_equal(gi.payload_len, 0x0030);
	}
}

static void test_build_roundtrip(void **state)
{
	static const uint16_t want_flags[2][2] = { { 0x2001, 0x2081 }, { 0x3001, 0x3081 } };
	uint8_t b[GRE_HDR_MAX_LEN + 8];
	struct gre_info gi;

	(void)state;
	for (int s = 0; s < 2; s++) {
		for (int a = 0; a < 2; a++) {
			uint16_t paylen = s ? 8 : 0;

			memset(b, 0, sizeof(b));
			uint16_t n = gre_build(b, 0x1234, paylen, s, 0xFFFFFFFEu, a, 0x80000001u);
			assert_int_equal(n, 8 + 4 * s + 4 * a);
			assert_int_equal((b[0] << 8) | b[1], want_flags[s][a]);
			assert_int_equal((b[2] << 8) | b[3], 0x880B);
			assert_int_equal(gre_parse(b, (uint16_t)(n + paylen), &gi), GRE_OK);
			assert_int_equal(gi.hdr_len, n);
			assert_int_equal(gi.call_id, 0x1234);
			assert_int_equal(gi.payload_len, paylen);
			assert_int_equal(gi.has_seq, s);
			assert_int_equal(gi.has_ack, a);
			if (s)
				assert_int_equal(gi.seq, 0xFFFFFFFEu);
			if (a)
				assert_int_equal(gi.ack, 0x80000001u);
		}
	}
}

static void test_seq_after(void **state)
{
	(void)state;
	assert_true(gre_seq_after(1, 0));
	assert_false(gre_seq_after(0, 1));
	assert_false(gre_seq_after(5, 5));
	/* across the wrap */
	assert_true(gre_seq_after(0, 0xFFFFFFFFu));
	assert_true(gre_seq_after(10, 0xFFFFFFF0u));
	assert_false(gre_seq_after(0xFFFFFFF0u, 10));
	/* half the space: 2^31 - 1 ahead is after, 2^31 is not */
	assert_true(gre_seq_after(0x7FFFFFFFu, 0));
	assert_false(gre_seq_after(0x80000000u, 0));
}

static void test_rx_window(void **state)
{
	struct gre_rx_seq w;
	uint32_t ack;

	(void)state;
	gre_rx_seq_init(&w);
	assert_false(gre_rx_ack_take(&w, &ack));
	/* Whatever number comes first starts the window. */
	assert_int_equal(gre_rx_seq_check(&w, 1000), GRE_SEQ_NEW);
	assert_true(gre_rx_ack_take(&w, &ack));
	assert_int_equal(ack, 1000);
	assert_false(gre_rx_ack_take(&w, &ack));  /* taken once */
	assert_int_equal(gre_rx_seq_check(&w, 1000), GRE_SEQ_DUPLICATE);
	assert_int_equal(gre_rx_seq_check(&w, 1001), GRE_SEQ_NEW);
	/* Loss of 1002..1004, then 1005. */
	assert_int_equal(gre_rx_seq_check(&w, 1005), GRE_SEQ_NEW);
	/* 1003 arrives late: accepted once, no new ack, then duplicate. */
	assert_true(gre_rx_ack_take(&w, &ack));
	assert_int_equal(ack, 1005);
	assert_int_equal(gre_rx_seq_check(&w, 1003), GRE_SEQ_LATE);
	assert_false(gre_rx_ack_take(&w, &ack));
	assert_int_equal(gre_rx_seq_check(&w, 1003), GRE_SEQ_DUPLICATE);
	assert_int_equal(gre_rx_seq_check(&w, 1001), GRE_SEQ_DUPLICATE);
	/* Window edge: highest - 63 is in, highest - 64 is stale. */
	assert_int_equal(gre_rx_seq_check(&w, 1005 - 63), GRE_SEQ_LATE);
	assert_int_equal(gre_rx_seq_check(&w, 1005 - 64), GRE_SEQ_STALE);
	assert_int_equal(gre_rx_seq_check(&w, 1005 - 100000), GRE_SEQ_STALE);
	/* A big jump forward clears the bitmap. */
	assert_int_equal(gre_rx_seq_check(&w, 1005 + 1000), GRE_SEQ_NEW);
	assert_int_equal(gre_rx_seq_check(&w, 1005 + 999), GRE_SEQ_LATE);
	assert_int_equal(gre_rx_seq_check(&w, 1005 + 999), GRE_SEQ_DUPLICATE);
	assert_int_equal(gre_rx_seq_check(&w, 1005), GRE_SEQ_STALE);
}

static void test_rx_window_wraps(void **state)
{
	struct gre_rx_seq w;
	uint32_t ack;

	(void)state;
	gre_rx_seq_init(&w);
	for (uint32_t s = 0xFFFFFFF0u, n = 0; n < 40; s++, n++) {
		if (n == 20)
			continue;  /* lost: 0x00000004 */
		assert_int_equal(gre_rx_seq_check(&w, s), GRE_SEQ_NEW);
	}
	assert_true(gre_rx_ack_take(&w, &ack));
	assert_int_equal(ack, 0xFFFFFFF0u + 39);
	assert_int_equal(gre_rx_seq_check(&w, 0xFFFFFFF0u + 20), GRE_SEQ_LATE);
	assert_int_equal(gre_rx_seq_check(&w, 0xFFFFFFFFu), GRE_SEQ_DUPLICATE);
	assert_int_equal(gre_rx_seq_check(&w, 0), GRE_SEQ_DUPLICATE);
}

static void test_tx_acks(void **state)
{
	struct gre_tx_seq t;

	(void)state;
	gre_tx_seq_init(&t, 0);
	assert_int_equal(gre_tx_in_flight(&t), 0);
	/* An ack for something never sent is ignored. */
	assert_false(gre_tx_ack(&t, 0));
	for (int i = 0; i < 5; i++)
		assert_int_equal(gre_tx_seq_next(&t), (uint32_t)i);
	assert_int_equal(gre_tx_in_flight(&t), 5);
	assert_true(gre_tx_ack(&t, 2));
	assert_int_equal(gre_tx_in_flight(&t), 2);
	assert_false(gre_tx_ack(&t, 1));   /* reordered, older */
	assert_false(gre_tx_ack(&t, 2));   /* repeated */
	assert_false(gre_tx_ack(&t, 5));   /* not sent yet */
	assert_true(gre_tx_ack(&t, 4));
	assert_int_equal(gre_tx_in_flight(&t), 0);

	/* Across the wrap. */
	gre_tx_seq_init(&t, 0xFFFFFFFEu);
	for (int i = 0; i < 4; i++)
		gre_tx_seq_next(&t);
	assert_int_equal(gre_tx_in_flight(&t), 4);
	assert_true(gre_tx_ack(&t, 0xFFFFFFFFu));
	assert_int_equal(gre_tx_in_flight(&t), 2);
	assert_true(gre_tx_ack(&t, 1));
	assert_int_equal(gre_tx_in_flight(&t), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_drop_reasons),
		cmocka_unit_test(test_call_id_and_length_halves),
		cmocka_unit_test(test_build_roundtrip),
		cmocka_unit_test(test_seq_after),
		cmocka_unit_test(test_rx_window),
		cmocka_unit_test(test_rx_window_wraps),
		cmocka_unit_test(test_tx_acks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
