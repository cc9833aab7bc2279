/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PPTP control message codec (RFC 2637 section 2): every message round trips,
 * a few are checked byte by byte against the RFC layout, and a table of named
 * bad inputs each gets its exact error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pptp_msg.h"

#define N_ELEM(a) (sizeof(a) / sizeof((a)[0]))

/* One sample of each message, every field non-zero where it can be. */
static const struct pptp_msg samples[] = {
	{ .type = PPTP_SCCRQ, .u.sccrq = {
		.protocol_version = PPTP_PROTOCOL_VERSION, .framing_caps = 3, .bearer_caps = 3,
		.max_channels = 65535, .firmware_revision = 1,
		.host_name = "local", .vendor = "cananian" } },
	{ .type = PPTP_SCCRP, .u.sccrp = {
		.protocol_version = PPTP_PROTOCOL_VERSION, .result = PPTP_SCCRP_GENERAL_ERROR,
		.error = PPTP_ERR_NO_RESOURCE, .framing_caps = 1, .bearer_caps = 2,
		.max_channels = 4096, .firmware_revision = 0x0203,
		.host_name = "MikroTik", .vendor = "pptpgw" } },
	{ .type = PPTP_StopCCRQ, .u.stopccrq = { .reason = PPTP_StopCCRQ_LOCAL_SHUTDOWN } },
	{ .type = PPTP_StopCCRP, .u.stopccrp = { .result = PPTP_StopCCRP_GENERAL_ERROR,
						 .error = PPTP_ERR_PAC_ERROR } },
	{ .type = PPTP_ECHORQ, .u.echorq = { .id = 0xdeadbeef } },
	{ .type = PPTP_ECHORP, .u.echorp = { .id = 0x01020304, .result = PPTP_ECHORP_GENERAL_ERROR,
					     .error = PPTP_ERR_BAD_FORMAT } },
	{ .type = PPTP_OCRQ, .u.ocrq = {
		.call_id = 0x1234, .call_serial = 0x5678, .min_bps = 2400, .max_bps = 10000000,
		.bearer_type = PPTP_BEARER_TYPE_ANY, .framing_type = PPTP_FRAMING_TYPE_ANY,
		.recv_window = 3, .processing_delay = 7, .phone_number_len = 8,
		.phone_number = "55501234", .subaddress = "sub" } },
	{ .type = PPTP_OCRP, .u.ocrp = {
		.call_id = 77, .peer_call_id = 0x1234, .result = PPTP_OCRP_CONNECTED,
		.error = PPTP_ERR_NONE, .cause = 0x1111, .connect_speed = 100000000,
		.recv_window = 64, .processing_delay = 2, .physical_channel_id = 0xabcdef01 } },
	{ .type = PPTP_ICRQ, .u.icrq = {
		.call_id = 9, .call_serial = 10, .bearer_type = PPTP_BEARER_TYPE_DIGITAL,
		.physical_channel_id = 11, .dialed_number_len = 3, .dialing_number_len = 4,
		.dialed_number = "123", .dialing_number = "4567", .subaddress = "x" } },
	{ .type = PPTP_ICRP, .u.icrp = {
		.call_id = 12, .peer_call_id = 9, .result = PPTP_ICRP_DO_NOT_ACCEPT,
		.error = PPTP_ERR_BAD_CALL_ID, .recv_window = 16, .transmit_delay = 5 } },
	{ .type = PPTP_ICCN, .u.iccn = {
		.peer_call_id = 12, .connect_speed = 64000, .recv_window = 8,
		.transmit_delay = 1, .framing_type = PPTP_FRAMING_TYPE_SYNC } },
	{ .type = PPTP_CCRQ, .u.ccrq = { .call_id = 0xfffe } },
	{ .type = PPTP_CDN, .u.cdn = {
		.call_id = 7, .result = PPTP_CDN_REQUEST, .error = PPTP_ERR_NOT_CONNECTED,
		.cause = 0x0102, .call_stats = "rx=1 tx=2" } },
	{ .type = PPTP_WEN, .u.wen = {
		.peer_call_id = 3, .crc_errors = 1, .framing_errors = 2, .hardware_overruns = 3,
		.buffer_overruns = 4, .timeout_errors = 5, .alignment_errors = 6 } },
	{ .type = PPTP_SLI, .u.sli = { .peer_call_id = 0, .send_accm = 0xffffffff,
				       .recv_accm = 0x000a0000 } },
};

static const struct {
	uint16_t type;
	size_t len;
	const char *name;
} rfc_lengths[] = {
	{ PPTP_SCCRQ, 156, "SCCRQ" }, { PPTP_SCCRP, 156, "SCCRP" },
	{ PPTP_StopCCRQ, 16, "StopCCRQ" }, { PPTP_StopCCRP, 16, "StopCCRP" },
	{ PPTP_ECHORQ, 16, "ECHORQ" }, { PPTP_ECHORP, 20, "ECHORP" },
	{ PPTP_OCRQ, 168, "OCRQ" }, { PPTP_OCRP, 32, "OCRP" },
	{ PPTP_ICRQ, 220, "ICRQ" }, { PPTP_ICRP, 24, "ICRP" },
	{ PPTP_ICCN, 28, "ICCN" }, { PPTP_CCRQ, 16, "CCRQ" },
	{ PPTP_CDN, 148, "CDN" }, { PPTP_WEN, 40, "WEN" }, { PPTP_SLI, 24, "SLI" },
};

static void test_lengths_and_names(void **state)
{
	(void)state;
	assert_int_equal(N_ELEM(rfc_lengths), PPTP_CTRL_TYPE_MAX);
	for (size_t i = 0; i < N_ELEM(rfc_lengths); i++) {
		assert_int_equal(pptp_msg_len(rfc_lengths[i].type), rfc_lengths[i].len);
		assert_string_equal(pptp_msg_name(rfc_lengths[i].type), rfc_lengths[i].name);
	}
	assert_int_equal(pptp_msg_len(0), 0);
	assert_int_equal(pptp_msg_len(16), 0);
	assert_string_equal(pptp_msg_name(0), "unknown");
	assert_string_equal(pptp_msg_name(0xffff), "unknown");
}

static void test_round_trip_all(void **state)
{
	uint8_t buf[PPTP_MSG_MAX_LEN];
	struct pptp_msg out;
	const char *why = "unset";

	(void)state;
	assert_int_equal(N_ELEM(samples), PPTP_CTRL_TYPE_MAX);
	for (size_t i = 0; i < N_ELEM(samples); i++) {
		size_t len = pptp_msg_build(&samples[i], buf, sizeof(buf));

		assert_int_equal(len, pptp_msg_len(samples[i].type));
		/* Header: length, type 1, cookie, control type, Reserved0. */
		assert_int_equal(buf[0] << 8 | buf[1], len);
		assert_int_equal(buf[2] << 8 | buf[3], PPTP_MSG_TYPE_CONTROL);
		assert_memory_equal(buf + 4, "\x1a\x2b\x3c\x4d", 4);
		assert_int_equal(buf[8] << 8 | buf[9], samples[i].type);
		assert_int_equal(buf[10] | buf[11], 0);

		assert_int_equal(pptp_msg_parse(buf, len, &out, &why), PPTP_MSG_OK);
		assert_null(why);
		assert_false(out.reserved_nonzero);
		assert_memory_equal(&out, &samples[i], sizeof(out));
	}
}

/* pptp-linux's SCCRQ (INTEROP.md), laid out by hand from RFC 2637 2.1. */
static void test_sccrq_wire_bytes(void **state)
{
	uint8_t want[PPTP_SCCRQ_LEN] = {
		0x00, 0x9c, 0x00, 0x01, 0x1a, 0x2b, 0x3c, 0x4d, 0x00, 0x01, 0x00, 0x00,
		0x01, 0x00, 0x00, 0x00,                       /* version 1.0, Reserved1 */
		0x00, 0x00, 0x00, 0x03,                       /* framing capabilities */
		0x00, 0x00, 0x00, 0x03,                       /* bearer capabilities */
		0xff, 0xff, 0x00, 0x01,                       /* max channels, firmware */
	};
	uint8_t buf[PPTP_MSG_MAX_LEN];
	struct pptp_msg out;

	(void)state;
	memcpy(want + 28, "local", 5);
	memcpy(want + 28 + 64, "cananian", 8);
	assert_int_equal(pptp_msg_build(&samples[0], buf, sizeof(buf)), sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));

	assert_int_equal(pptp_msg_parse(want, sizeof(want), &out, NULL), PPTP_MSG_OK);
	assert_int_equal(out.type, PPTP_SCCRQ);
	assert_int_equal(out.u.sccrq.protocol_version, 0x0100);
	assert_int_equal(out.u.sccrq.framing_caps, 3);
	assert_int_equal(out.u.sccrq.bearer_caps, 3);
	assert_int_equal(out.u.sccrq.max_channels, 65535);
	assert_string_equal(out.u.sccrq.host_name, "local");
	assert_string_equal(out.u.sccrq.vendor, "cananian");
}

/* The refusal we send while there is no call layer (RFC 2637 2.8). */
static void test_ocrp_wire_bytes(void **state)
{
	static const uint8_t want[PPTP_OCRP_LEN] = {
		0x00, 0x20, 0x00, 0x01, 0x1a, 0x2b, 0x3c, 0x4d, 0x00, 0x08, 0x00, 0x00,
		0x00, 0x00, 0x12, 0x34,   /* Call ID 0, Peer's Call ID */
		0x02, 0x04, 0x00, 0x00,   /* General error, No-Resource, cause 0 */
		0x00, 0x00, 0x00, 0x00,   /* connect speed */
		0x00, 0x00, 0x00, 0x00,   /* window, processing delay */
		0x00, 0x00, 0x00, 0x00,   /* physical channel */
	};
	struct pptp_msg m = { .type = PPTP_OCRP, .u.ocrp = {
		.peer_call_id = 0x1234, .result = PPTP_OCRP_GENERAL_ERROR,
		.error = PPTP_ERR_NO_RESOURCE } };
	uint8_t buf[64];

	(void)state;
	assert_int_equal(pptp_msg_build(&m, buf, sizeof(buf)), sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
}

static void test_echorp_and_cdn_wire_bytes(void **state)
{
	static const uint8_t echorp[PPTP_ECHORP_LEN] = {
		0x00, 0x14, 0x00, 0x01, 0x1a, 0x2b, 0x3c, 0x4d, 0x00, 0x06, 0x00, 0x00,
		0xde, 0xad, 0xbe, 0xef, 0x01, 0x00, 0x00, 0x00,
	};
	static const uint8_t cdn_head[20] = {
		0x00, 0x94, 0x00, 0x01, 0x1a, 0x2b, 0x3c, 0x4d, 0x00, 0x0d, 0x00, 0x00,
		0x00, 0x07, 0x04, 0x01, 0x01, 0x02, 0x00, 0x00,  /* call 7, Request, err 1, cause */
	};
	struct pptp_msg e = { .type = PPTP_ECHORP,
			      .u.echorp = { .id = 0xdeadbeef, .result = PPTP_ECHORP_OK } };
	uint8_t buf[PPTP_MSG_MAX_LEN];

	(void)state;
	assert_int_equal(pptp_msg_build(&e, buf, sizeof(buf)), sizeof(echorp));
	assert_memory_equal(buf, echorp, sizeof(echorp));

	assert_int_equal(pptp_msg_build(&samples[12], buf, sizeof(buf)), PPTP_CDN_LEN);
	assert_memory_equal(buf, cdn_head, sizeof(cdn_head));
	assert_memory_equal(buf + 20, "rx=1 tx=2", 9);
	for (size_t i = 20 + 9; i < PPTP_CDN_LEN; i++)
		assert_int_equal(buf[i], 0);
}

/* Strings fill their whole field without a NUL; longer ones are cut. */
static void test_string_bounds(void **state)
{
	struct pptp_msg m = { .type = PPTP_SCCRQ };
	struct pptp_msg out;
	uint8_t buf[PPTP_MSG_MAX_LEN];
	char longname[100];

	(void)state;
	memset(longname, 'h', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	memcpy(m.u.sccrq.host_name, longname, PPTP_STRING_LEN);
	m.u.sccrq.host_name[PPTP_STRING_LEN] = '\0';
	memset(m.u.sccrq.vendor, 'v', PPTP_STRING_LEN);
	m.u.sccrq.vendor[PPTP_STRING_LEN] = '\0';
	assert_int_equal(pptp_msg_build(&m, buf, sizeof(buf)), PPTP_SCCRQ_LEN);
	assert_int_equal(buf[28 + 63], 'h');
	assert_int_equal(buf[28 + 64], 'v');   /* no NUL between the two fields */
	assert_int_equal(pptp_msg_parse(buf, PPTP_SCCRQ_LEN, &out, NULL), PPTP_MSG_OK);
	assert_int_equal(strlen(out.u.sccrq.host_name), PPTP_STRING_LEN);
	assert_int_equal(strlen(out.u.sccrq.vendor), PPTP_STRING_LEN);

	/* Bytes after an embedded NUL are not part of the string. */
	buf[28 + 3] = '\0';
	assert_int_equal(pptp_msg_parse(buf, PPTP_SCCRQ_LEN, &out, NULL), PPTP_MSG_OK);
	assert_string_equal(out.u.sccrq.host_name, "hhh");

	/* A full 128-octet CDN Call Statistics field. */
	m = (struct pptp_msg){ .type = PPTP_CDN };
	memset(m.u.cdn.call_stats, 's', PPTP_CALL_STATS_LEN);
	assert_int_equal(pptp_msg_build(&m, buf, sizeof(buf)), PPTP_CDN_LEN);
	assert_int_equal(pptp_msg_parse(buf, PPTP_CDN_LEN, &out, NULL), PPTP_MSG_OK);
	assert_int_equal(strlen(out.u.cdn.call_stats), PPTP_CALL_STATS_LEN);
}

static void test_build_refuses(void **state)
{
	struct pptp_msg m = { .type = PPTP_SCCRQ };
	uint8_t buf[PPTP_MSG_MAX_LEN];

	(void)state;
	assert_int_equal(pptp_msg_build(&m, buf, PPTP_SCCRQ_LEN - 1), 0);
	assert_int_equal(pptp_msg_build(&m, NULL, sizeof(buf)), 0);
	m.type = 0;
	assert_int_equal(pptp_msg_build(&m, buf, sizeof(buf)), 0);
	m.type = 16;
	assert_int_equal(pptp_msg_build(&m, buf, sizeof(buf)), 0);
}

/* Non-zero Reserved1/2 is reported, not refused (see pptp_msg.h). */
static void test_reserved_payload_reported(void **state)
{
	uint8_t buf[PPTP_MSG_MAX_LEN];
	struct pptp_msg out;
	size_t len;

	(void)state;
	len = pptp_msg_build(&samples[0], buf, sizeof(buf));
	buf[14] = 0x55;   /* SCCRQ Reserved1 */
	assert_int_equal(pptp_msg_parse(buf, len, &out, NULL), PPTP_MSG_OK);
	assert_true(out.reserved_nonzero);
	assert_string_equal(out.u.sccrq.host_name, "local");

	len = pptp_msg_build(&samples[2], buf, sizeof(buf));
	buf[15] = 1;      /* StopCCRQ Reserved2 */
	assert_int_equal(pptp_msg_parse(buf, len, &out, NULL), PPTP_MSG_OK);
	assert_true(out.reserved_nonzero);
}

/*
 * Named bad inputs, each made from a good message of type base: the buffer
 * cut or padded to buf_len (0 = as built, BUF_EMPTY = no bytes), then one
 * field overwritten.
 */
#define BUF_EMPTY SIZE_MAX
struct bad_case {
	const char *name;
	uint16_t base;
	size_t buf_len;
	int off;          /* -1: no overwrite */
	int width;        /* 1, 2 or 4 bytes, big-endian */
	uint32_t value;
	int rc;
	const char *why;
};

static const struct bad_case bad_cases[] = {
	{ "empty buffer", PPTP_ECHORQ, BUF_EMPTY, -1, 0, 0, PPTP_MSG_ERR_HEADER,
	  "shorter than the PPTP header" },
	{ "short: 8 bytes", PPTP_ECHORQ, 8, -1, 0, 0, PPTP_MSG_ERR_HEADER,
	  "shorter than the PPTP header" },
	{ "short: 11 bytes", PPTP_ECHORQ, 11, -1, 0, 0, PPTP_MSG_ERR_HEADER,
	  "shorter than the PPTP header" },
	{ "truncated SCCRQ", PPTP_SCCRQ, 100, -1, 0, 0, PPTP_MSG_ERR_HEADER,
	  "truncated: length field beyond the data" },
	{ "truncated by one", PPTP_OCRQ, PPTP_OCRQ_LEN - 1, -1, 0, 0, PPTP_MSG_ERR_HEADER,
	  "truncated: length field beyond the data" },
	{ "long: bytes after the message", PPTP_ECHORQ, 20, -1, 0, 0, PPTP_MSG_ERR_HEADER,
	  "data beyond the length field" },
	{ "bad length field: says 15 of 16", PPTP_ECHORQ, 0, 0, 2, 15, PPTP_MSG_ERR_HEADER,
	  "data beyond the length field" },
	{ "bad length field: says 20 of 16", PPTP_ECHORQ, 0, 0, 2, 20, PPTP_MSG_ERR_HEADER,
	  "truncated: length field beyond the data" },
	{ "zero length", PPTP_ECHORQ, 0, 0, 2, 0, PPTP_MSG_ERR_HEADER,
	  "zero length field" },
	{ "length below header", PPTP_ECHORQ, 0, 0, 2, 11, PPTP_MSG_ERR_HEADER,
	  "length field shorter than the PPTP header" },
	{ "huge length", PPTP_ECHORQ, 0, 0, 2, 0xffff, PPTP_MSG_ERR_HEADER,
	  "length field too large" },
	{ "length just above the limit", PPTP_ECHORQ, 0, 0, 2, PPTP_MSG_MAX_LEN + 1,
	  PPTP_MSG_ERR_HEADER, "length field too large" },
	{ "bad type: management", PPTP_ECHORQ, 0, 2, 2, PPTP_MSG_TYPE_MGMT, PPTP_MSG_ERR_HEADER,
	  "not a control message" },
	{ "bad type: zero", PPTP_ECHORQ, 0, 2, 2, 0, PPTP_MSG_ERR_HEADER,
	  "not a control message" },
	{ "bad cookie", PPTP_ECHORQ, 0, 4, 4, 0x1a2b3c4e, PPTP_MSG_ERR_HEADER,
	  "bad magic cookie" },
	{ "bad cookie: byte-swapped", PPTP_SCCRQ, 0, 4, 4, 0x4d3c2b1a, PPTP_MSG_ERR_HEADER,
	  "bad magic cookie" },
	{ "unknown control type 0", PPTP_ECHORQ, 0, 8, 2, 0, PPTP_MSG_ERR_BODY,
	  "unknown control message type" },
	{ "unknown control type 16", PPTP_ECHORQ, 0, 8, 2, 16, PPTP_MSG_ERR_BODY,
	  "unknown control message type" },
	{ "unknown control type 0xffff", PPTP_ECHORQ, 0, 8, 2, 0xffff, PPTP_MSG_ERR_BODY,
	  "unknown control message type" },
	{ "wrong length for type: ECHORQ as 20", PPTP_ECHORP, 0, 8, 2, PPTP_ECHORQ,
	  PPTP_MSG_ERR_BODY, "wrong length for the control message type" },
	{ "wrong length for type: SCCRQ as StopCCRQ", PPTP_SCCRQ, 0, 8, 2, PPTP_StopCCRQ,
	  PPTP_MSG_ERR_BODY, "wrong length for the control message type" },
	{ "reserved0 not zero", PPTP_ECHORQ, 0, 10, 2, 1, PPTP_MSG_ERR_BODY,
	  "reserved0 not zero" },
};

static void put_be(uint8_t *p, int width, uint32_t v)
{
	for (int i = width - 1; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static void test_bad_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEM(bad_cases); i++) {
		const struct bad_case *bc = &bad_cases[i];
		struct pptp_msg m = { .type = bc->base };
		uint8_t buf[PPTP_MSG_MAX_LEN + 64] = { 0 };
		struct pptp_msg out;
		const char *why = NULL;
		size_t len;
		int rc;

		len = pptp_msg_build(&m, buf, sizeof(buf));
		assert_true(len > 0);
		if (bc->buf_len == BUF_EMPTY)
			len = 0;
		else if (bc->buf_len != 0)
			len = bc->buf_len;
		if (bc->off >= 0)
			put_be(buf + bc->off, bc->width, bc->value);

		memset(&out, 0xa5, sizeof(out));
		rc = pptp_msg_parse(buf, len, &out, &why);
		print_message("bad case \"%s\": rc=%d why=%s\n", bc->name, rc,
			      why != NULL ? why : "(null)");
		assert_int_equal(rc, bc->rc);
		assert_non_null(why);
		assert_string_equal(why, bc->why);
		assert_int_equal(out.type, 0);   /* nothing half-filled is left behind */
	}
}

/* Every type, one octet short or long (length field and buffer agreeing). */
static void test_every_type_wrong_length(void **state)
{
	(void)state;
	for (uint16_t t = 1; t <= PPTP_CTRL_TYPE_MAX; t++) {
		struct pptp_msg m = { .type = t };
		uint8_t buf[PPTP_MSG_MAX_LEN] = { 0 };
		size_t len = pptp_msg_build(&m, buf, sizeof(buf));
		const char *why = NULL;
		struct pptp_msg out;

		for (int delta = -1; delta <= 1; delta += 2) {
			size_t l = len + (size_t)delta;

			put_be(buf, 2, (uint32_t)l);
			assert_int_equal(pptp_msg_parse(buf, l, &out, &why), PPTP_MSG_ERR_BODY);
			assert_string_equal(why, "wrong length for the control message type");
		}
	}
}

static void test_null_buffer(void **state)
{
	struct pptp_msg out;
	const char *why = NULL;

	(void)state;
	assert_int_equal(pptp_msg_parse(NULL, 16, &out, &why), PPTP_MSG_ERR_HEADER);
	assert_string_equal(why, "shorter than the PPTP header");
	/* why may be NULL */
	assert_int_equal(pptp_msg_parse(NULL, 0, &out, NULL), PPTP_MSG_ERR_HEADER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lengths_and_names),
		cmocka_unit_test(test_round_trip_all),
		cmocka_unit_test(test_sccrq_wire_bytes),
		cmocka_unit_test(test_ocrp_wire_bytes),
		cmocka_unit_test(test_echorp_and_cdn_wire_bytes),
		cmocka_unit_test(test_string_bounds),
		cmocka_unit_test(test_build_refuses),
		cmocka_unit_test(test_reserved_payload_reported),
		cmocka_unit_test(test_bad_cases),
		cmocka_unit_test(test_every_type_wrong_length),
		cmocka_unit_test(test_null_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
