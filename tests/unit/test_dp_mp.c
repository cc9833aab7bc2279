/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PPP Multilink for a one-link bundle (RFC 1990 3, 4.1): the header in both
 * sequence formats with named bad cases, the fragment sizes a split yields,
 * and reassembly scripts (in order, lost, duplicate, out of order, huge
 * jumps, wrap-around, overflow, missing end, timeout) checked byte for byte
 * against what must come out whole.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mp.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* --- header --- */

struct hcase {
	const char *name;
	bool short_seq;
	uint8_t bytes[6];
	uint16_t len;
	enum mp_result want;
	uint32_t seq;
	bool begin, end;
};

static const struct hcase headers[] = {
	{ "long, B+E, seq 0", false, { 0xC0, 0x00, 0x00, 0x00, 0x21 }, 5, MP_OK, 0, true, true },
	{ "long, B, seq 0x123456", false, { 0x80, 0x12, 0x34, 0x56, 0xFD }, 5, MP_OK, 0x123456, true, false },
	{ "long, E, seq 0xFFFFFF", false, { 0x40, 0xFF, 0xFF, 0xFF, 0x00 }, 5, MP_OK, 0xFFFFFF, false, true },
	{ "long, middle, seq 7", false, { 0x00, 0x00, 0x00, 0x07, 0x00 }, 5, MP_OK, 7, false, false },
	{ "long, header only (empty fragment)", false, { 0xC0, 0x00, 0x01, 0x00 }, 4, MP_OK, 0x100, true, true },
	{ "short, B+E, seq 0xABC", true, { 0xCA, 0xBC, 0x21 }, 3, MP_OK, 0xABC, true, true },
	{ "short, E, seq 0xFFF", true, { 0x4F, 0xFF, 0x00 }, 3, MP_OK, 0xFFF, false, true },
	{ "short, header only", true, { 0x80, 0x01 }, 2, MP_OK, 1, true, false },
	/* bad cases */
	{ "zero length (long)", false, { 0 }, 0, MP_E_SHORT, 0, false, false },
	{ "zero length (short)", true, { 0 }, 0, MP_E_SHORT, 0, false, false },
	{ "truncated long header (3 octets)", false, { 0xC0, 0x00, 0x00 }, 3, MP_E_SHORT, 0, false, false },
	{ "truncated short header (1 octet)", true, { 0xC0 }, 1, MP_E_SHORT, 0, false, false },
	{ "long, reserved bit 0x01", false, { 0xC1, 0x00, 0x00, 0x00, 0x21 }, 5, MP_E_FLAGS, 0, false, false },
	{ "long, reserved bit 0x20", false, { 0xA0, 0x00, 0x00, 0x00, 0x21 }, 5, MP_E_FLAGS, 0, false, false },
	{ "short, reserved bit 0x20", true, { 0xE0, 0x00, 0x21 }, 3, MP_E_FLAGS, 0, false, false },
	{ "short, reserved bit 0x10", true, { 0x90, 0x00, 0x21 }, 3, MP_E_FLAGS, 0, false, false },
	/* A short-format header read as long: its sequence bits are reserved there. */
	{ "short header read as long", false, { 0xCA, 0xBC, 0x21, 0x45 }, 4, MP_E_FLAGS, 0, false, false },
};

static void test_header_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(headers); i++) {
		const struct hcase *c = &headers[i];
		struct mp_hdr h = { 0 };
		enum mp_result r = mp_parse(c->bytes, c->len, c->short_seq, &h);

		print_message("  %s\n", c->name);
		assert_int_equal(r, c->want);
		if (r != MP_OK) {
			assert_true(mp_drop_reason(r) < DROP_MAX);
			continue;
		}
		assert_int_equal(mp_drop_reason(r), DROP_MAX);
		assert_int_equal(h.seq, c->seq);
		assert_int_equal(h.begin, c->begin);
		assert_int_equal(h.end, c->end);
		assert_int_equal(h.hdr_len, mp_hdr_len(c->short_seq));
	}
}

/* What we build parses back, and matches the RFC 1990 3 pictures octet for octet. */
static void test_header_build(void **state)
{
	uint8_t b[MP_HDR_MAX_LEN];
	struct mp_hdr h;
	static const uint8_t long_b[] = { 0x80, 0x12, 0x34, 0x56 };
	static const uint8_t long_e[] = { 0x40, 0x00, 0x00, 0x01 };
	static const uint8_t short_be[] = { 0xCA, 0xBC };

	(void)state;
	mp_build(b, false, 0x123456, true, false);
	assert_memory_equal(b, long_b, sizeof(long_b));
	mp_build(b, false, 1, false, true);
	assert_memory_equal(b, long_e, sizeof(long_e));
	mp_build(b, true, 0xABC, true, true);
	assert_memory_equal(b, short_be, sizeof(short_be));
	for (uint32_t seq = 0; seq < 0x1000000; seq += 0x10101) {
		for (int fmt = 0; fmt < 2; fmt++) {
			bool s = fmt == 1;
			uint32_t want = seq & mp_seq_mask(s);

			mp_build(b, s, seq, seq & 1, seq & 2);
			assert_int_equal(mp_parse(b, mp_hdr_len(s), s, &h), MP_OK);
			assert_int_equal(h.seq, want);
			assert_int_equal(h.begin, (seq & 1) != 0);
			assert_int_equal(h.end, (seq & 2) != 0);
		}
	}
}

static void test_tx_seq_wraps(void **state)
{
	struct mp_tx tx = { .seq = 0xFFE };

	(void)state;
	assert_int_equal(mp_tx_next(&tx, true), 0xFFE);
	assert_int_equal(mp_tx_next(&tx, true), 0xFFF);
	assert_int_equal(mp_tx_next(&tx, true), 0);
	tx.seq = 0xFFFFFF;
	assert_int_equal(mp_tx_next(&tx, false), 0xFFFFFF);
	assert_int_equal(mp_tx_next(&tx, false), 0);
}

/* --- split --- */

struct scase {
	const char *name;
	uint16_t len, max_data;
	unsigned int max_frags;
	unsigned int n;
	uint16_t sizes[MP_FRAGS_MAX];
};

static const struct scase splits[] = {
	{ "fits: one fragment", 1000, 1446, MP_FRAGS_MAX, 1, { 1000 } },
	{ "exactly the limit", 1446, 1446, MP_FRAGS_MAX, 1, { 1446 } },
	{ "one over: two, first longer", 1447, 1446, MP_FRAGS_MAX, 2, { 724, 723 } },
	/* 1500-byte IPv4 + MPPE (FD, header, inner protocol) over a 1450 MRU. */
	{ "1500 DF packet encrypted", 1505, 1446, MP_FRAGS_MAX, 2, { 753, 752 } },
	{ "three even", 300, 100, MP_FRAGS_MAX, 3, { 100, 100, 100 } },
	{ "remainder spread", 302, 100, MP_FRAGS_MAX, 4, { 76, 76, 75, 75 } },
	{ "empty packet: one empty fragment", 0, 100, MP_FRAGS_MAX, 1, { 0 } },
	{ "exactly max fragments", 800, 100, MP_FRAGS_MAX, 8, { 100, 100, 100, 100, 100, 100, 100, 100 } },
	/* bad cases */
	{ "too many fragments", 801, 100, MP_FRAGS_MAX, 0, { 0 } },
	{ "zero room per fragment", 10, 0, MP_FRAGS_MAX, 0, { 0 } },
	{ "no fragments allowed", 10, 100, 0, 0, { 0 } },
};

static void test_split_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(splits); i++) {
		const struct scase *c = &splits[i];
		uint16_t sizes[MP_FRAGS_MAX] = { 0 };
		unsigned int n = mp_split(c->len, c->max_data, sizes, c->max_frags);
		unsigned int sum = 0;

		print_message("  %s\n", c->name);
		assert_int_equal(n, c->n);
		for (unsigned int k = 0; k < n; k++) {
			assert_int_equal(sizes[k], c->sizes[k]);
			assert_true(sizes[k] <= c->max_data);
			sum += sizes[k];
		}
		if (n)
			assert_int_equal(sum, c->len);
	}
}

/* --- reassembly scripts --- */

#define STEPS_MAX 8
#define CAP       200u
#define TIMEOUT   1000u

/* One fragment fed, and what must happen. Data octets are (seq * 7 + i). */
struct step {
	uint32_t seq;
	uint8_t be;             /* MP_FLAG_B | MP_FLAG_E */
	uint16_t len;           /* data octets */
	uint64_t t;             /* clock */
	int ret;                /* mp_reasm_feed(): 1 complete, 0 taken, -1 dropped */
	enum drop_reason why;   /* when dropped */
	enum drop_reason disc;  /* the held packet given up first, or DROP_MAX */
	uint8_t first;          /* when complete: the packet began at this step ... */
	uint16_t out_len;       /* ... and is this long */
};

struct rcase {
	const char *name;
	bool short_seq;
	uint16_t cap;
	struct step s[STEPS_MAX];
	unsigned int n;
};

#define B  MP_FLAG_B
#define E  MP_FLAG_E
#define BE (MP_FLAG_B | MP_FLAG_E)
#define NONE DROP_MAX

static const struct rcase scripts[] = {
	{ "whole packet in one fragment", false, CAP, {
		{ 0, BE, 50, 0, 1, NONE, NONE, 0, 50 } }, 1 },
	{ "two fragments in order", false, CAP, {
		{ 10, B, 60, 0, 0, NONE, NONE, 0, 0 },
		{ 11, E, 40, 1, 1, NONE, NONE, 0, 100 } }, 2 },
	{ "three fragments, then a whole one", false, CAP, {
		{ 5, B, 30, 0, 0, NONE, NONE, 0, 0 },
		{ 6, 0, 30, 0, 0, NONE, NONE, 0, 0 },
		{ 7, E, 30, 0, 1, NONE, NONE, 0, 90 },
		{ 8, BE, 20, 0, 1, NONE, NONE, 3, 20 } }, 4 },
	{ "lost middle: held given up, rest dropped until B", false, CAP, {
		{ 1, B, 30, 0, 0, NONE, NONE, 0, 0 },
		{ 3, 0, 30, 0, -1, DROP_MP_NO_BEGIN, DROP_MP_LOST, 0, 0 },
		{ 4, E, 30, 0, -1, DROP_MP_NO_BEGIN, NONE, 0, 0 },
		{ 5, BE, 10, 0, 1, NONE, NONE, 3, 10 } }, 4 },
	{ "lost first fragment: no B, dropped", false, CAP, {
		{ 1, BE, 10, 0, 1, NONE, NONE, 0, 10 },
		{ 3, E, 30, 0, -1, DROP_MP_NO_BEGIN, NONE, 0, 0 },
		{ 4, B, 30, 0, 0, NONE, NONE, 0, 0 },
		{ 5, E, 30, 0, 1, NONE, NONE, 2, 60 } }, 4 },
	{ "lost last fragment: next B gives the held one up", false, CAP, {
		{ 1, B, 30, 0, 0, NONE, NONE, 0, 0 },
		{ 3, BE, 10, 0, 1, NONE, DROP_MP_LOST, 1, 10 } }, 2 },
	{ "duplicate fragment", false, CAP, {
		{ 20, B, 30, 0, 0, NONE, NONE, 0, 0 },
		{ 20, B, 30, 0, -1, DROP_MP_SEQ_STALE, NONE, 0, 0 },
		{ 21, E, 30, 0, 1, NONE, NONE, 0, 60 },
		{ 21, E, 30, 0, -1, DROP_MP_SEQ_STALE, NONE, 0, 0 } }, 4 },
	{ "out of order: the early one is a loss, the late one stale", false, CAP, {
		{ 1, B, 30, 0, 0, NONE, NONE, 0, 0 },
		{ 3, E, 30, 0, -1, DROP_MP_NO_BEGIN, DROP_MP_LOST, 0, 0 },
		{ 2, 0, 30, 0, -1, DROP_MP_SEQ_STALE, NONE, 0, 0 },
		{ 4, BE, 5, 0, 1, NONE, NONE, 3, 5 } }, 4 },
	{ "huge forward jump (24-bit): a loss, new B taken", false, CAP, {
		{ 0x10, B, 30, 0, 0, NONE, NONE, 0, 0 },
		{ 0x700010, B, 30, 0, 0, NONE, DROP_MP_LOST, 0, 0 },
		{ 0x700011, E, 30, 0, 1, NONE, NONE, 1, 60 } }, 3 },
	{ "jump back by 0x700000 (24-bit): stale", false, CAP, {
		{ 0x900000, BE, 30, 0, 1, NONE, NONE, 0, 30 },
		{ 0x200000, BE, 30, 0, -1, DROP_MP_SEQ_STALE, NONE, 0, 0 },
		{ 0x900001, BE, 30, 0, 1, NONE, NONE, 2, 30 } }, 3 },
	{ "long sequence wraps", false, CAP, {
		{ 0xFFFFFF, B, 30, 0, 0, NONE, NONE, 0, 0 },
		{ 0x000000, E, 30, 0, 1, NONE, NONE, 0, 60 } }, 2 },
	{ "short sequence wraps", true, CAP, {
		{ 0xFFE, B, 30, 0, 0, NONE, NONE, 0, 0 },
		{ 0xFFF, 0, 30, 0, 0, NONE, NONE, 0, 0 },
		{ 0x000, E, 30, 0, 1, NONE, NONE, 0, 90 } }, 3 },
	{ "short: jump back by 0x700 is stale", true, CAP, {
		{ 0x100, BE, 30, 0, 1, NONE, NONE, 0, 30 },
		{ 0xA00, BE, 30, 0, -1, DROP_MP_SEQ_STALE, NONE, 0, 0 } }, 2 },
	{ "overflow of the reassembly buffer", false, 100, {
		{ 1, B, 60, 0, 0, NONE, NONE, 0, 0 },
		{ 2, 0, 60, 0, -1, DROP_MP_OVERFLOW, DROP_MP_OVERFLOW, 0, 0 },
		{ 3, E, 10, 0, -1, DROP_MP_NO_BEGIN, NONE, 0, 0 },
		{ 4, B, 50, 0, 0, NONE, NONE, 0, 0 },
		{ 5, E, 50, 0, 1, NONE, NONE, 3, 100 } }, 5 },
	{ "first fragment alone over the cap", false, 100, {
		{ 1, B, 101, 0, -1, DROP_MP_OVERFLOW, NONE, 0, 0 },
		{ 2, E, 10, 0, -1, DROP_MP_NO_BEGIN, NONE, 0, 0 },
		{ 3, BE, 101, 0, -1, DROP_MP_OVERFLOW, NONE, 0, 0 } }, 3 },
	{ "B before E: the held packet has no end", false, CAP, {
		{ 1, B, 30, 0, 0, NONE, NONE, 0, 0 },
		{ 2, B, 30, 0, 0, NONE, DROP_MP_NO_END, 0, 0 },
		{ 3, E, 30, 0, 1, NONE, NONE, 1, 60 } }, 3 },
	{ "timeout", false, CAP, {
		{ 1, B, 30, 0, 0, NONE, NONE, 0, 0 },
		{ 2, E, 30, TIMEOUT + 1, -1, DROP_MP_NO_BEGIN, DROP_MP_TIMEOUT, 0, 0 },
		{ 3, B, 30, TIMEOUT + 2, 0, NONE, NONE, 0, 0 },
		{ 4, E, 30, 2 * TIMEOUT + 2, 1, NONE, NONE, 2, 60 } }, 4 },
	{ "first fragment seen is a middle one", false, CAP, {
		{ 77, 0, 30, 0, -1, DROP_MP_NO_BEGIN, NONE, 0, 0 },
		{ 78, E, 30, 0, -1, DROP_MP_NO_BEGIN, NONE, 0, 0 },
		{ 79, BE, 30, 0, 1, NONE, NONE, 2, 30 } }, 3 },
	{ "empty fragments", false, CAP, {
		{ 1, B, 0, 0, 0, NONE, NONE, 0, 0 },
		{ 2, 0, 0, 0, 0, NONE, NONE, 0, 0 },
		{ 3, E, 5, 0, 1, NONE, NONE, 0, 5 } }, 3 },
};

static void fill(uint8_t *p, uint32_t seq, uint16_t len)
{
	for (uint16_t i = 0; i < len; i++)
		p[i] = (uint8_t)(seq * 7u + i);
}

static void test_reassembly_scripts(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(scripts); i++) {
		const struct rcase *c = &scripts[i];
		uint8_t buf[CAP];
		struct mp_reasm_buf rb = { .buf = buf, .cap = c->cap };

		print_message("  %s\n", c->name);
		mp_rx_init(&rb.rx);
		for (unsigned int k = 0; k < c->n; k++) {
			const struct step *st = &c->s[k];
			uint8_t frag[MP_HDR_MAX_LEN + CAP + 8];
			uint16_t hl = mp_hdr_len(c->short_seq);
			const uint8_t *out = NULL;
			uint16_t out_len = 0;
			enum drop_reason why = DROP_MAX, disc = DROP_MAX;

			mp_build(frag, c->short_seq, st->seq, st->be & B, st->be & E);
			fill(frag + hl, st->seq, st->len);
			int r = mp_reasm_feed(&rb, frag, (uint16_t)(hl + st->len), c->short_seq, st->t,
					      TIMEOUT, &out, &out_len, &why, &disc);
			print_message("    step %u seq 0x%x: ret %d why %d discarded %d\n", k,
				      (unsigned int)st->seq, r, (int)why, (int)disc);
			assert_int_equal(r, st->ret);
			assert_int_equal(disc, st->disc);
			if (r < 0)
				assert_int_equal(why, st->why);
			if (r != 1)
				continue;
			/* The packet is the data of its fragments, first to last, in order. */
			uint8_t want[CAP];
			uint16_t off = 0;
			assert_int_equal(out_len, st->out_len);
			for (unsigned int j = st->first; j <= k; j++) {
				const struct step *f = &c->s[j];

				if (f->ret < 0)
					continue;
				fill(want + off, f->seq, f->len);
				off = (uint16_t)(off + f->len);
			}
			assert_int_equal(off, out_len);
			assert_memory_equal(out, want, out_len);
		}
	}
}

static void test_expire(void **state)
{
	struct mp_rx rx;
	struct mp_hdr h = { .seq = 1, .begin = true, .end = false, .hdr_len = MP_HDR_LONG_LEN };
	struct mp_rx_verdict v;

	(void)state;
	mp_rx_init(&rx);
	assert_false(mp_rx_expire(&rx, 1000000, 10));
	mp_rx_input(&rx, &h, 10, CAP, 100, 10, false, &v);
	assert_int_equal(v.action, MP_RX_START);
	assert_false(mp_rx_expire(&rx, 110, 10));
	assert_true(mp_rx_expire(&rx, 111, 10));
	assert_false(rx.holding);
	/* The next fragment of the packet given up has no start. */
	h.seq = 2;
	h.begin = false;
	h.end = true;
	mp_rx_input(&rx, &h, 10, CAP, 112, 10, false, &v);
	assert_int_equal(v.action, MP_RX_DROP);
	assert_int_equal(v.why, DROP_MP_NO_BEGIN);
	assert_int_equal(v.discard, DROP_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_table),
		cmocka_unit_test(test_header_build),
		cmocka_unit_test(test_tx_seq_wraps),
		cmocka_unit_test(test_split_table),
		cmocka_unit_test(test_reassembly_scripts),
		cmocka_unit_test(test_expire),
	};

	return cmocka_run_group_tests_name("dp_mp", tests, NULL, NULL);
}
