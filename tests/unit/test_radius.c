/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RADIUS codec (radius_pkt.c), the Access-Accept/Reject interpretation
 * (auth_radius.c) and Disconnect/CoA parsing (radius_coa.c).
 *
 * Fixed bytes: RFC 2865 7.1 (User-Password of "arctangent"), RFC 2104
 * (HMAC-MD5), and packets computed independently with Python's hashlib/hmac
 * (the script is in the comment above each vector), never with this code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "auth_radius.h"
#include "crypto_init.h"
#include "radius_acct.h"
#include "radius_client.h"
#include "radius_coa.h"
#include "radius_pkt.h"
#include "session.h"

/* ---- stubs for what auth_radius.c / radius_coa.c reach outside the codec ---- */

uint32_t session_id(const struct session *s) { (void)s; return 7; }
uint32_t session_peer_addr(const struct session *s) { (void)s; return 0xC0A83E0A; }
const char *session_user(const struct session *s) { (void)s; return "u"; }
bool radius_client_has_server(void) { return true; }
struct radius_req *radius_client_send(enum radius_service svc, uint8_t code, unsigned int rounds,
				      radius_build_fn build, radius_done_fn done, void *arg)
{
	(void)svc; (void)code; (void)rounds; (void)build; (void)done; (void)arg;
	return NULL;
}
void radius_client_cancel(struct radius_req *r) { (void)r; }
void radius_acct_note_auth(struct session *s, const struct radius_auth_attrs *a) { (void)s; (void)a; }
int session_apply_limits(struct session *s, const struct auth_session_limits *l)
{
	(void)s; (void)l;
	return 0;
}
unsigned int radius_acct_find_all(const char *user, const char *sid, uint32_t ip,
				  struct session **out, unsigned int cap)
{
	(void)user; (void)sid; (void)ip; (void)out; (void)cap;
	return 0;
}
int pptp_server_disconnect(uint32_t id, const char *cause) { (void)id; (void)cause; return 0; }
void auth_request_done(struct auth_request *rq, const struct auth_result *r) { (void)rq; (void)r; }

/* ---- helpers ---- */

static size_t unhex(const char *h, uint8_t *out)
{
	size_t n = strlen(h) / 2;

	for (size_t i = 0; i < n; i++) {
		unsigned int v;

		sscanf(h + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
	return n;
}

static const char SECRET[] = "xyzzy5461";
static const char *const RA_HEX = "0f403f9473978057bd83d5cb98f4227a";   /* RFC 2865 7.1 */

/* ---- HMAC-MD5 ---- */

static void test_hmac_md5_rfc2104(void **state)
{
	uint8_t key[16], out[16], want[16];

	(void)state;
	memset(key, 0x0b, sizeof(key));
	assert_int_equal(radius_hmac_md5(key, sizeof(key), (const uint8_t *)"Hi There", 8, out), 0);
	unhex("9294727a3638bb1c13f48ef8158bfc9d", want);
	assert_memory_equal(out, want, 16);
	assert_int_equal(radius_hmac_md5((const uint8_t *)"Jefe", 4,
					 (const uint8_t *)"what do ya want for nothing?", 28, out), 0);
	unhex("750c783e6ab0b503eaa86e310a5db738", want);
	assert_memory_equal(out, want, 16);
}

/* ---- User-Password ---- */

static void test_password_rfc2865_7_1(void **state)
{
	uint8_t ra[16], out[128], want[16], back[128];
	size_t n;

	(void)state;
	unhex(RA_HEX, ra);
	n = radius_hide_password((const uint8_t *)"arctangent", 10, SECRET, ra, out, sizeof(out));
	assert_int_equal(n, 16);
	unhex("0dbe708d93d413ce3196e43f782a0aee", want);
	assert_memory_equal(out, want, 16);
	assert_int_equal(radius_unhide_password(out, n, SECRET, ra, back), 0);
	assert_memory_equal(back, "arctangent\0\0\0\0\0\0", 16);
	/* Two blocks chain on the first block's ciphertext. */
	n = radius_hide_password((const uint8_t *)"a-password-longer-than-16", 25, SECRET, ra, out,
				 sizeof(out));
	assert_int_equal(n, 32);
	assert_int_equal(radius_unhide_password(out, n, SECRET, ra, back), 0);
	assert_memory_equal(back, "a-password-longer-than-16", 25);
	/* Bad sizes. */
	assert_int_equal(radius_unhide_password(out, 15, SECRET, ra, back), -1);
	assert_int_equal(radius_hide_password(back, 129, SECRET, ra, out, sizeof(out)), 0);
}

/* ---- RFC 2548 2.4.2 salt encryption ---- */

/*
 * python3: P = bytes([16]) + bytes(range(16)) + 15 zero octets;
 * b1 = md5(secret + RA + b"\x80\x01"); c1 = P[0:16]^b1; b2 = md5(secret + c1); ...
 */
static const char *const SALT_HEX =
	"8001d74fd77a66159af1c00e2603ed8f8a2da18214fcd796204e7e1edd8c11cafce2";

static void test_salt_fixed_bytes(void **state)
{
	uint8_t ra[16], key[16], out[64], want[34], back[64];
	static const uint8_t salt[2] = { 0x80, 0x01 };
	size_t n;

	(void)state;
	unhex(RA_HEX, ra);
	for (int i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	unhex(SALT_HEX, want);
	n = radius_salt_encrypt(key, sizeof(key), salt, SECRET, ra, out, sizeof(out));
	assert_int_equal(n, 34);
	assert_memory_equal(out, want, 34);
	assert_int_equal(radius_salt_decrypt(want, 34, SECRET, ra, back, sizeof(back)), 16);
	assert_memory_equal(back, key, 16);
}

static void test_salt_bad(void **state)
{
	uint8_t ra[16], in[34], back[64];

	(void)state;
	unhex(RA_HEX, ra);
	unhex(SALT_HEX, in);
	/* short: no whole block */
	assert_int_equal(radius_salt_decrypt(in, 17, SECRET, ra, back, sizeof(back)), -1);
	/* truncated: not a whole number of blocks */
	assert_int_equal(radius_salt_decrypt(in, 33, SECRET, ra, back, sizeof(back)), -1);
	/* zero: the salt's high bit clear */
	in[0] &= 0x7f;
	assert_int_equal(radius_salt_decrypt(in, 34, SECRET, ra, back, sizeof(back)), -1);
	in[0] |= 0x80;
	/* wrong secret: the key length octet comes out as garbage (> 31 here) */
	assert_true(radius_salt_decrypt(in, 34, "other", ra, back, sizeof(back)) != 16);
	/* huge: the key does not fit the caller's buffer */
	assert_int_equal(radius_salt_decrypt(in, 34, SECRET, ra, back, 8), -1);
}

/* ---- Message-Authenticator and the authenticators ---- */

/*
 * python3: pkt = 01 07 LEN RA 01 06 "nemo" 50 12 <16 zero>;
 * MA = hmac.new(secret, pkt, md5).
 */
static const char *const REQ_HEX =
	"0107002c0f403f9473978057bd83d5cb98f4227a01066e656d6f5012c8aada187f1f5aa15ca5fbf14054b932";
/*
 * python3: rep = 02 07 LEN RA 50 12 <zero> 1b 06 0000003c; MA = hmac over rep;
 * then ResponseAuth = md5(rep[0:4] + RA + rep[20:] + secret).
 */
static const char *const REP_HEX =
	"0207002c8215f6497f06a640a76996ea12b1160d5012ff1585239832165b179165a4b8a7d0371b060000003c";

static void test_msg_auth_request(void **state)
{
	struct radius_builder b;
	uint8_t ra[16], want[64];
	size_t n, wn;

	(void)state;
	unhex(RA_HEX, ra);
	radius_build_init(&b, RADIUS_ACCESS_REQUEST, 7, ra);
	radius_add_str(&b, RADIUS_USER_NAME, "nemo");
	radius_add_msg_auth(&b);
	n = radius_finish_request(&b, SECRET);
	wn = unhex(REQ_HEX, want);
	assert_int_equal(n, wn);
	assert_memory_equal(b.buf, want, wn);
}

static void test_msg_auth_response(void **state)
{
	uint8_t ra[16], buf[64];
	struct radius_msg *m = malloc(sizeof(*m));
	size_t n;
	uint32_t v;

	(void)state;
	unhex(RA_HEX, ra);
	n = unhex(REP_HEX, buf);
	assert_int_equal(radius_parse(buf, n, m), RADIUS_PARSE_OK);
	assert_int_equal(radius_verify_response(buf, m, ra, SECRET, true), RADIUS_VERIFY_OK);
	assert_int_equal(radius_get_u32(m, 0, RADIUS_SESSION_TIMEOUT, &v), 0);
	assert_int_equal(v, 60);
	/* Wrong secret: the Response Authenticator fails first. */
	assert_int_equal(radius_verify_response(buf, m, ra, "wrong", true),
			 RADIUS_VERIFY_BAD_AUTHENTICATOR);
	/* Our own builder gives the same octets. */
	{
		struct radius_builder b;

		radius_build_init(&b, RADIUS_ACCESS_ACCEPT, 7, NULL);
		radius_add_msg_auth(&b);
		radius_add_u32(&b, RADIUS_SESSION_TIMEOUT, 60);
		assert_int_equal(radius_finish_response(&b, ra, SECRET), n);
		assert_memory_equal(b.buf, buf, n);
	}
	free(m);
}

/* A reply whose authenticator is right but whose Message-Authenticator is absent or forged. */
static void test_msg_auth_required(void **state)
{
	struct radius_builder b;
	struct radius_msg *m = malloc(sizeof(*m));
	uint8_t ra[16];
	size_t n;

	(void)state;
	unhex(RA_HEX, ra);
	radius_build_init(&b, RADIUS_ACCESS_ACCEPT, 1, NULL);
	radius_add_u32(&b, RADIUS_SESSION_TIMEOUT, 60);
	n = radius_finish_response(&b, ra, SECRET);
	assert_int_equal(radius_parse(b.buf, n, m), RADIUS_PARSE_OK);
	assert_int_equal(radius_verify_response(b.buf, m, ra, SECRET, true), RADIUS_VERIFY_NO_MSG_AUTH);
	assert_int_equal(radius_verify_response(b.buf, m, ra, SECRET, false), RADIUS_VERIFY_OK);

	/* Forge: flip a bit of the MA and recompute only the Response Authenticator. */
	radius_build_init(&b, RADIUS_ACCESS_ACCEPT, 1, NULL);
	radius_add_msg_auth(&b);
	radius_add_u32(&b, RADIUS_SESSION_TIMEOUT, 60);
	n = radius_finish_response(&b, ra, SECRET);
	b.buf[b.ma_off] ^= 1;
	{
		/* Re-sign the Response Authenticator by hand: only the MA is wrong now. */
		struct crypto_buf parts[] = {
			{ b.buf, 4 }, { ra, 16 }, { b.buf + 20, n - 20 }, { SECRET, strlen(SECRET) },
		};

		assert_int_equal(crypto_digest(crypto_md5(), parts, 4, b.buf + 4), 0);
		assert_int_equal(radius_parse(b.buf, n, m), RADIUS_PARSE_OK);
		assert_int_equal(radius_verify_response(b.buf, m, ra, SECRET, true),
				 RADIUS_VERIFY_BAD_MSG_AUTH);
	}
	free(m);
}

/* Accounting / CoA requests: MD5 authenticator, optional MA over a zero authenticator. */
static void test_request_authenticator(void **state)
{
	struct radius_builder b;
	struct radius_msg *m = malloc(sizeof(*m));
	size_t n;

	(void)state;
	radius_build_init(&b, RADIUS_DISCONNECT_REQUEST, 9, NULL);
	radius_add_str(&b, RADIUS_USER_NAME, "MT-User");
	radius_add_msg_auth(&b);
	n = radius_finish_request(&b, "testing123");
	assert_true(n > 0);
	assert_int_equal(radius_parse(b.buf, n, m), RADIUS_PARSE_OK);
	assert_int_equal(radius_verify_request(b.buf, m, "testing123"), RADIUS_VERIFY_OK);
	assert_int_equal(radius_verify_request(b.buf, m, "wrong"), RADIUS_VERIFY_BAD_AUTHENTICATOR);
	b.buf[n - 1] ^= 0x80;   /* the MA's last octet */
	assert_int_equal(radius_parse(b.buf, n, m), RADIUS_PARSE_OK);
	assert_int_not_equal(radius_verify_request(b.buf, m, "testing123"), RADIUS_VERIFY_OK);
	free(m);
}

/* ---- encode / decode ---- */

static void test_encode_decode(void **state)
{
	struct radius_builder b;
	struct radius_msg *m = malloc(sizeof(*m));
	char text[64];
	uint32_t v;
	size_t n;
	const struct radius_attr *a;
	static const uint8_t ms_chal[16] = { 1, 2, 3 };

	(void)state;
	radius_build_init(&b, RADIUS_ACCOUNTING_REQUEST, 200, NULL);
	radius_add_u32(&b, RADIUS_ACCT_STATUS_TYPE, RADIUS_ACCT_START);
	radius_add_str(&b, RADIUS_ACCT_SESSION_ID, "ABC");
	radius_add_str(&b, RADIUS_USER_NAME, "");   /* empty text is left out */
	radius_add_vsa(&b, RADIUS_VENDOR_MICROSOFT, RADIUS_MS_CHAP_CHALLENGE, ms_chal, 16);
	radius_add_vsa(&b, RADIUS_VENDOR_MIKROTIK, RADIUS_MIKROTIK_RATE_LIMIT, "1M/2M", 5);
	radius_add_vsa(&b, 9, 1, "cisco", 5);
	n = radius_finish_request(&b, "s");
	assert_int_equal(n, 20 + 6 + 5 + (8 + 16) + (8 + 5) + (8 + 5));
	assert_int_equal(radius_parse(b.buf, n, m), RADIUS_PARSE_OK);
	assert_int_equal(m->code, RADIUS_ACCOUNTING_REQUEST);
	assert_int_equal(m->id, 200);
	assert_int_equal(m->n_attrs, 5);
	assert_int_equal(radius_get_u32(m, 0, RADIUS_ACCT_STATUS_TYPE, &v), 0);
	assert_int_equal(v, RADIUS_ACCT_START);
	assert_int_equal(radius_get_str(m, 0, RADIUS_ACCT_SESSION_ID, text, sizeof(text)), 0);
	assert_string_equal(text, "ABC");
	assert_int_equal(radius_get_str(m, 0, RADIUS_USER_NAME, text, sizeof(text)), -1);
	a = radius_find(m, RADIUS_VENDOR_MICROSOFT, RADIUS_MS_CHAP_CHALLENGE);
	assert_non_null(a);
	assert_int_equal(a->len, 16);
	assert_memory_equal(a->val, ms_chal, 16);
	assert_int_equal(radius_get_str(m, RADIUS_VENDOR_MIKROTIK, RADIUS_MIKROTIK_RATE_LIMIT,
					text, sizeof(text)), 0);
	assert_string_equal(text, "1M/2M");
	/* An unknown vendor is kept whole. */
	a = &m->attrs[4];
	assert_int_equal(a->vendor, 9);
	assert_int_equal(a->vtype, 0);
	assert_int_equal(a->len, 7);
	/* Padding after Length is ignored (RFC 2865 3). */
	assert_int_equal(radius_parse(b.buf, n + 5, m), RADIUS_PARSE_OK);
	assert_int_equal(m->n_attrs, 5);
	assert_int_equal(radius_verify_request(b.buf, m, "s"), RADIUS_VERIFY_OK);
	free(m);
}

static void test_builder_overflow(void **state)
{
	struct radius_builder b;
	uint8_t big[254] = { 0 };

	(void)state;
	radius_build_init(&b, RADIUS_ACCESS_REQUEST, 1, NULL);
	radius_add(&b, RADIUS_CLASS, big, 253);
	assert_false(b.overflow);
	radius_add(&b, RADIUS_CLASS, big, 254);
	assert_true(b.overflow);
	assert_int_equal(radius_finish_request(&b, "s"), 0);
	radius_build_init(&b, RADIUS_ACCESS_REQUEST, 1, NULL);
	radius_add_vsa(&b, RADIUS_VENDOR_MICROSOFT, 1, big, 248);
	assert_true(b.overflow);
	radius_build_init(&b, RADIUS_ACCESS_REQUEST, 1, NULL);
	for (int i = 0; i < 20; i++)
		radius_add(&b, RADIUS_CLASS, big, 253);
	assert_true(b.overflow);
	assert_true(b.len <= RADIUS_PKT_MAX);
}

/* ---- malformed packets: named bad cases ---- */

struct bad_case {
	const char *name;
	const char *hex;              /* the datagram */
	size_t extra_len;             /* received length beyond the hex (0: exact) */
	enum radius_parse_err want;
};

#define HDR(len) "0201" len "00000000000000000000000000000000"

static const struct bad_case bad_cases[] = {
	{ "empty",                 "", 0, RADIUS_PARSE_SHORT },
	{ "short header",          "02010014000000", 0, RADIUS_PARSE_SHORT },
	{ "length below header",   HDR("0013"), 0, RADIUS_PARSE_BAD_LENGTH },
	{ "length zero",           HDR("0000"), 0, RADIUS_PARSE_BAD_LENGTH },
	{ "long: beyond datagram", HDR("0020"), 0, RADIUS_PARSE_BAD_LENGTH },
	{ "huge length",           HDR("ffff"), 0, RADIUS_PARSE_BAD_LENGTH },
	{ "attr header truncated", HDR("0015") "01", 0, RADIUS_PARSE_ATTR_TRUNC },
	{ "attr length zero",      HDR("0016") "0100", 0, RADIUS_PARSE_ATTR_SHORT },
	{ "attr length one",       HDR("0016") "0101", 0, RADIUS_PARSE_ATTR_SHORT },
	{ "attr runs past length", HDR("0017") "010561", 0, RADIUS_PARSE_ATTR_TRUNC },
	{ "attr huge",             HDR("0017") "01ff61", 0, RADIUS_PARSE_ATTR_TRUNC },
	{ "vsa short vendor",      HDR("0017") "1a0300", 0, RADIUS_PARSE_VSA_BAD },
	{ "vsa ms empty",          HDR("001a") "1a06" "00000137", 0, RADIUS_PARSE_VSA_BAD },
	{ "vsa ms sub zero",       HDR("001c") "1a08" "00000137" "0b00", 0, RADIUS_PARSE_VSA_BAD },
	{ "vsa ms sub too long",   HDR("001d") "1a09" "00000137" "0b0561", 0, RADIUS_PARSE_VSA_BAD },
	{ "vsa ms sub truncated",  HDR("001b") "1a07" "00000137" "0b", 0, RADIUS_PARSE_VSA_BAD },
	{ "msg-auth short",        HDR("0016") "5002", 0, RADIUS_PARSE_MA_BAD_LEN },
	{ "msg-auth twice",        HDR("0038") "5012" "00000000000000000000000000000000"
				   "5012" "00000000000000000000000000000000", 0,
				   RADIUS_PARSE_MA_BAD_LEN },
	{ "ok: header only",       HDR("0014"), 0, RADIUS_PARSE_OK },
	{ "ok: padding after",     HDR("0014"), 40, RADIUS_PARSE_OK },
};

static void test_malformed(void **state)
{
	uint8_t buf[RADIUS_PKT_MAX + 64];
	struct radius_msg *m = malloc(sizeof(*m));

	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		size_t n;

		memset(buf, 0, sizeof(buf));
		n = unhex(c->hex, buf) + c->extra_len;
		if (radius_parse(buf, n, m) != c->want) {
			print_error("case \"%s\": got %s, want %s\n", c->name,
				    radius_parse_err_name(radius_parse(buf, n, m)),
				    radius_parse_err_name(c->want));
			fail();
		}
	}
	free(m);
}

static void test_too_many_attrs(void **state)
{
	uint8_t buf[RADIUS_PKT_MAX];
	struct radius_msg *m = malloc(sizeof(*m));
	size_t n = RADIUS_HDR_LEN;

	(void)state;
	memset(buf, 0, sizeof(buf));
	while (n + 2 <= RADIUS_PKT_MAX) {   /* 2038 empty-valued attributes */
		buf[n] = RADIUS_CLASS;
		buf[n + 1] = 2;
		n += 2;
	}
	buf[0] = RADIUS_ACCESS_ACCEPT;
	buf[2] = (uint8_t)(n >> 8);
	buf[3] = (uint8_t)n;
	assert_int_equal(radius_parse(buf, n, m), RADIUS_PARSE_TOO_MANY);
	free(m);
}

/* ---- Access-Accept / Reject for the session ---- */

static size_t mschap2_accept(uint8_t *out, const uint8_t ra[16], bool with_success)
{
	struct radius_builder b;
	uint8_t send_key[16], recv_key[16], enc[64], v[64];
	static const uint8_t salt1[2] = { 0x81, 0x23 }, salt2[2] = { 0x84, 0x56 };
	size_t n;

	for (int i = 0; i < 16; i++) {
		send_key[i] = (uint8_t)(0xA0 + i);
		recv_key[i] = (uint8_t)(0x50 + i);
	}
	radius_build_init(&b, RADIUS_ACCESS_ACCEPT, 3, NULL);
	radius_add_msg_auth(&b);
	if (with_success) {
		v[0] = 1;   /* Ident */
		memcpy(v + 1, "S=407A5589115FD0D6209F510FE9C04566932CDA56", 42);
		radius_add_vsa(&b, RADIUS_VENDOR_MICROSOFT, RADIUS_MS_CHAP2_SUCCESS, v, 43);
	}
	n = radius_salt_encrypt(send_key, 16, salt1, SECRET, ra, enc, sizeof(enc));
	radius_add_vsa(&b, RADIUS_VENDOR_MICROSOFT, RADIUS_MS_MPPE_SEND_KEY, enc, n);
	n = radius_salt_encrypt(recv_key, 16, salt2, SECRET, ra, enc, sizeof(enc));
	radius_add_vsa(&b, RADIUS_VENDOR_MICROSOFT, RADIUS_MS_MPPE_RECV_KEY, enc, n);
	radius_add_u32(&b, RADIUS_FRAMED_IP_ADDRESS, 0x0A00002A);
	radius_add_u32(&b, RADIUS_SESSION_TIMEOUT, 3600);
	radius_add_u32(&b, RADIUS_IDLE_TIMEOUT, 300);
	radius_add_vsa(&b, RADIUS_VENDOR_MIKROTIK, RADIUS_MIKROTIK_RATE_LIMIT, "512k/2M 1M/4M", 13);
	radius_add_vsa(&b, RADIUS_VENDOR_MIKROTIK, RADIUS_MIKROTIK_GROUP, "gold", 4);
	radius_add_u32(&b, RADIUS_CLASS, 0x01020304);
	n = radius_finish_response(&b, ra, SECRET);
	memcpy(out, b.buf, n);
	return n;
}

static void test_accept_mschap2(void **state)
{
	uint8_t ra[16], buf[RADIUS_PKT_MAX];
	struct radius_msg *m = malloc(sizeof(*m));
	struct auth_request rq = { .method = AUTH_METHOD_MSCHAP2 };
	struct auth_result r;
	size_t n;

	(void)state;
	unhex(RA_HEX, ra);
	n = mschap2_accept(buf, ra, true);
	assert_int_equal(radius_parse(buf, n, m), RADIUS_PARSE_OK);
	assert_int_equal(radius_verify_response(buf, m, ra, SECRET, true), RADIUS_VERIFY_OK);
	memset(&r, 0, sizeof(r));
	assert_int_equal(auth_radius_accept(&rq, m, ra, SECRET, &r), 0);
	assert_true(r.accept);
	assert_string_equal(r.auth_response, "S=407A5589115FD0D6209F510FE9C04566932CDA56");
	assert_true(r.has_mppe_keys);
	/* RFC 2548 2.4.2: Send-Key is what the NAS (we) sends with. */
	for (int i = 0; i < 16; i++) {
		assert_int_equal(r.mppe_send_key[i], 0xA0 + i);
		assert_int_equal(r.mppe_recv_key[i], 0x50 + i);
	}
	assert_true(r.user.remote_address.is_set);
	assert_false(r.user.remote_address.is_pool);
	assert_int_equal(r.user.remote_address.addr, 0x0A00002A);
	assert_true(r.user.limits.has_session_timeout);
	assert_int_equal(r.user.limits.session_timeout_s, 3600);
	assert_int_equal(r.user.limits.idle_timeout_s, 300);
	assert_true(r.user.limits.rate_limit.is_set);
	assert_int_equal(r.user.limits.rate_limit.rx_bps, 512000);
	assert_int_equal(r.user.limits.rate_limit.tx_bps, 2000000);
	assert_string_equal(r.user.profile, "gold");

	/* MS-CHAPv2 accept without MS-CHAP2-Success is useless to the peer. */
	n = mschap2_accept(buf, ra, false);
	assert_int_equal(radius_parse(buf, n, m), RADIUS_PARSE_OK);
	memset(&r, 0, sizeof(r));
	assert_int_equal(auth_radius_accept(&rq, m, ra, SECRET, &r), -1);
	assert_false(r.accept);
	assert_false(r.has_mppe_keys);
	free(m);
}

static void test_accept_pool_policy(void **state)
{
	struct radius_builder b;
	struct radius_msg *m = malloc(sizeof(*m));
	struct auth_request rq = { .method = AUTH_METHOD_PAP };
	struct auth_result r;
	uint8_t ra[16] = { 0 }, be[4] = { 0, 0, 0, 2 };
	size_t n;

	(void)state;
	radius_build_init(&b, RADIUS_ACCESS_ACCEPT, 3, NULL);
	radius_add_u32(&b, RADIUS_FRAMED_IP_ADDRESS, 0xFFFFFFFE);   /* NAS chooses */
	radius_add_str(&b, RADIUS_FRAMED_POOL, "pool2");
	radius_add_vsa(&b, RADIUS_VENDOR_MIKROTIK, RADIUS_MIKROTIK_RATE_LIMIT, "fast", 4);
	n = radius_finish_response(&b, ra, SECRET);
	assert_int_equal(radius_parse(b.buf, n, m), RADIUS_PARSE_OK);
	memset(&r, 0, sizeof(r));
	assert_int_equal(auth_radius_accept(&rq, m, ra, SECRET, &r), 0);
	assert_true(r.user.remote_address.is_pool);
	assert_string_equal(r.user.remote_address.pool, "pool2");
	assert_false(r.user.limits.rate_limit.is_set);   /* not understood: ignored */

	/* Encryption required by policy, but PAP gives no keys: refused. */
	radius_build_init(&b, RADIUS_ACCESS_ACCEPT, 3, NULL);
	radius_add_vsa(&b, RADIUS_VENDOR_MICROSOFT, RADIUS_MS_MPPE_ENCRYPTION_POLICY, be, 4);
	n = radius_finish_response(&b, ra, SECRET);
	assert_int_equal(radius_parse(b.buf, n, m), RADIUS_PARSE_OK);
	memset(&r, 0, sizeof(r));
	assert_int_equal(auth_radius_accept(&rq, m, ra, SECRET, &r), -1);
	free(m);
}

/* An Access-Reject carrying MS-CHAP-Error err, read into r. */
static void reject_with_error(struct radius_msg *m, const char *err, struct auth_result *r)
{
	static struct radius_builder b;
	static const uint8_t ra[16];
	size_t n;

	radius_build_init(&b, RADIUS_ACCESS_REJECT, 3, NULL);
	radius_add_vsa(&b, RADIUS_VENDOR_MICROSOFT, RADIUS_MS_CHAP_ERROR, err, strlen(err));
	n = radius_finish_response(&b, ra, SECRET);
	assert_int_equal(radius_parse(b.buf, n, m), RADIUS_PARSE_OK);
	memset(r, 0, sizeof(*r));
	auth_radius_reject(m, r);
}

static void test_reject_texts(void **state)
{
	struct radius_builder b;
	struct radius_msg *m = malloc(sizeof(*m));
	struct auth_result r;
	uint8_t ra[16] = { 0 };
	static const char err[] = "\001E=691 R=1 C=00112233445566778899AABBCCDDEEFF V=3 M=Go away";
	size_t n;

	(void)state;
	radius_build_init(&b, RADIUS_ACCESS_REJECT, 3, NULL);
	radius_add_vsa(&b, RADIUS_VENDOR_MICROSOFT, RADIUS_MS_CHAP_ERROR, err, sizeof(err) - 1);
	n = radius_finish_response(&b, ra, SECRET);
	assert_int_equal(radius_parse(b.buf, n, m), RADIUS_PARSE_OK);
	memset(&r, 0, sizeof(r));
	auth_radius_reject(m, &r);
	assert_false(r.accept);
	assert_string_equal(r.message, "Go away");
	assert_non_null(strstr(r.reason, "E=691"));
	assert_int_equal(r.mschap_error, 691);

	/* RFC 2759 6: the server's own code (648 password expired) reaches the peer. */
	reject_with_error(m, "\001E=648 R=0 V=3 M=Password expired", &r);
	assert_int_equal(r.mschap_error, 648);
	assert_string_equal(r.message, "Password expired");
	/* A code without M= text: the code goes on, the text is ours. */
	reject_with_error(m, "\001E=647 R=0", &r);
	assert_int_equal(r.mschap_error, 647);
	assert_string_equal(r.message, "");
	/* A code that is not a number is not passed on (the link says 691). */
	reject_with_error(m, "\001E=69x R=0 M=odd", &r);
	assert_int_equal(r.mschap_error, 0);

	radius_build_init(&b, RADIUS_ACCESS_REJECT, 3, NULL);
	radius_add_str(&b, RADIUS_REPLY_MESSAGE, "Account expired");
	n = radius_finish_response(&b, ra, SECRET);
	assert_int_equal(radius_parse(b.buf, n, m), RADIUS_PARSE_OK);
	memset(&r, 0, sizeof(r));
	auth_radius_reject(m, &r);
	assert_string_equal(r.message, "Account expired");
	free(m);
}

/* ---- Framed-Route (RFC 2865 5.22) ---- */

static void test_framed_route_text(void **state)
{
	static const struct {
		const char *name, *text;
		int rc;
		uint32_t addr, gateway;
		uint8_t len, distance;
	} cases[] = {
		{ "rfc example", "192.168.1.0/24 192.168.1.1 1 2 -1 3 400", 0, 0xC0A80100, 0xC0A80101, 24, 1 },
		{ "user's address", "10.20.0.0/16 0.0.0.0 5", 0, 0x0A140000, 0, 16, 5 },
		{ "prefix only", "172.16.5.0/24", 0, 0xAC100500, 0, 24, 1 },
		{ "host bits masked", "10.1.2.3/8 0.0.0.0 1", 0, 0x0A000000, 0, 8, 1 },
		{ "host route", "198.51.100.7/32 0.0.0.0 2", 0, 0xC6336407, 0, 32, 2 },
		{ "default", "0.0.0.0/0 0.0.0.0 10", 0, 0, 0, 0, 10 },
		{ "classful A", "10.0.0.0 0.0.0.0 1", 0, 0x0A000000, 0, 8, 1 },
		{ "classful B", "172.16.0.0", 0, 0xAC100000, 0, 16, 1 },
		{ "classful C", "192.0.2.0 0.0.0.0", 0, 0xC0000200, 0, 24, 1 },
		{ "tabs and spaces", "  192.0.2.0/24\t0.0.0.0   7 ", 0, 0xC0000200, 0, 24, 7 },
		{ "negative metric", "192.0.2.0/24 0.0.0.0 -1", 0, 0xC0000200, 0, 24, 1 },
		{ "zero metric", "192.0.2.0/24 0.0.0.0 0", 0, 0xC0000200, 0, 24, 1 },
		{ "huge metric", "192.0.2.0/24 0.0.0.0 400", 0, 0xC0000200, 0, 24, 1 },
		{ "empty", "", -1, 0, 0, 0, 0 },
		{ "blank", "   ", -1, 0, 0, 0, 0 },
		{ "class D no length", "224.0.0.0 0.0.0.0 1", -1, 0, 0, 0, 0 },
		{ "length too long", "192.0.2.0/33 0.0.0.0 1", -1, 0, 0, 0, 0 },
		{ "bad prefix", "192.0.2/24 0.0.0.0 1", -1, 0, 0, 0, 0 },
		{ "bad gateway", "192.0.2.0/24 gw 1", -1, 0, 0, 0, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct auth_framed_route f;
		int rc = auth_radius_framed_route(cases[i].text, &f);

		if (rc != cases[i].rc)
			fail_msg("%s: rc %d, want %d", cases[i].name, rc, cases[i].rc);
		if (rc != 0)
			continue;
		if (f.dst.addr != cases[i].addr || f.dst.len != cases[i].len ||
		    f.gateway != cases[i].gateway || f.distance != cases[i].distance)
			fail_msg("%s: %08x/%u gw %08x d %u", cases[i].name, f.dst.addr, f.dst.len,
				 f.gateway, f.distance);
	}
}

static void test_accept_framed_routes(void **state)
{
	struct radius_builder b;
	struct radius_msg *m = malloc(sizeof(*m));
	struct auth_request rq = { .method = AUTH_METHOD_PAP };
	struct auth_result r;
	uint8_t ra[16] = { 0 };
	char text[32];
	size_t n;

	(void)state;
	radius_build_init(&b, RADIUS_ACCESS_ACCEPT, 3, NULL);
	radius_add_str(&b, RADIUS_FRAMED_ROUTE, "192.168.77.0/24 0.0.0.0 1");
	radius_add_str(&b, RADIUS_FRAMED_ROUTE, "not a route");
	radius_add_str(&b, RADIUS_FRAMED_ROUTE, "10.99.0.0/16 0.0.0.0 20");
	n = radius_finish_response(&b, ra, SECRET);
	assert_int_equal(radius_parse(b.buf, n, m), RADIUS_PARSE_OK);
	memset(&r, 0, sizeof(r));
	assert_int_equal(auth_radius_accept(&rq, m, ra, SECRET, &r), 0);
	/* The one not understood is left out; the session still comes up. */
	assert_int_equal(r.user.n_framed_routes, 2);
	assert_int_equal(r.user.framed_routes[0].dst.addr, 0xC0A84D00);
	assert_int_equal(r.user.framed_routes[0].dst.len, 24);
	assert_int_equal(r.user.framed_routes[1].dst.addr, 0x0A630000);
	assert_int_equal(r.user.framed_routes[1].distance, 20);

	/* More than AUTH_FRAMED_ROUTES_MAX: the first ones are kept. */
	radius_build_init(&b, RADIUS_ACCESS_ACCEPT, 3, NULL);
	for (int i = 0; i < AUTH_FRAMED_ROUTES_MAX + 3; i++) {
		snprintf(text, sizeof(text), "10.%d.0.0/16", i);
		radius_add_str(&b, RADIUS_FRAMED_ROUTE, text);
	}
	n = radius_finish_response(&b, ra, SECRET);
	assert_int_equal(radius_parse(b.buf, n, m), RADIUS_PARSE_OK);
	memset(&r, 0, sizeof(r));
	assert_int_equal(auth_radius_accept(&rq, m, ra, SECRET, &r), 0);
	assert_int_equal(r.user.n_framed_routes, AUTH_FRAMED_ROUTES_MAX);
	assert_int_equal(r.user.framed_routes[AUTH_FRAMED_ROUTES_MAX - 1].dst.addr,
			 (uint32_t)(10u << 24 | (AUTH_FRAMED_ROUTES_MAX - 1u) << 16));
	free(m);
}

/* ---- Disconnect / CoA ---- */

static void test_coa_parse(void **state)
{
	struct radius_builder b;
	struct radius_msg *m = malloc(sizeof(*m));
	struct radius_coa_request *rq = malloc(sizeof(*rq));
	size_t n;

	(void)state;
	/* Disconnect by User-Name. */
	radius_build_init(&b, RADIUS_DISCONNECT_REQUEST, 1, NULL);
	radius_add_str(&b, RADIUS_USER_NAME, "MT-User");
	n = radius_finish_request(&b, SECRET);
	assert_int_equal(radius_parse(b.buf, n, m), RADIUS_PARSE_OK);
	assert_int_equal(radius_coa_parse(m, rq), 0);
	assert_true(rq->has_user);
	assert_string_equal(rq->user, "MT-User");
	assert_false(rq->has_limits);

	/* CoA by Acct-Session-Id and Framed-IP-Address, new rate and timeout. */
	radius_build_init(&b, RADIUS_COA_REQUEST, 2, NULL);
	radius_add_str(&b, RADIUS_ACCT_SESSION_ID, "0001");
	radius_add_u32(&b, RADIUS_FRAMED_IP_ADDRESS, 0x0A00000A);
	radius_add_u32(&b, RADIUS_SESSION_TIMEOUT, 120);
	radius_add_vsa(&b, RADIUS_VENDOR_MIKROTIK, RADIUS_MIKROTIK_RATE_LIMIT, "1M/1M", 5);
	n = radius_finish_request(&b, SECRET);
	assert_int_equal(radius_parse(b.buf, n, m), RADIUS_PARSE_OK);
	assert_int_equal(radius_coa_parse(m, rq), 0);
	assert_string_equal(rq->acct_session_id, "0001");
	assert_int_equal(rq->framed_ip, 0x0A00000A);
	assert_true(rq->has_limits);
	assert_int_equal(rq->limits.session_timeout_s, 120);
	assert_int_equal(rq->limits.rate_limit.rx_bps, 1000000);

	/* Named bad cases. */
	radius_build_init(&b, RADIUS_COA_REQUEST, 3, NULL);
	radius_add_u32(&b, RADIUS_SESSION_TIMEOUT, 120);
	n = radius_finish_request(&b, SECRET);
	assert_int_equal(radius_parse(b.buf, n, m), RADIUS_PARSE_OK);
	assert_int_equal(radius_coa_parse(m, rq), RADIUS_ERR_MISSING_ATTRIBUTE);

	radius_build_init(&b, RADIUS_DISCONNECT_REQUEST, 4, NULL);
	radius_add(&b, RADIUS_FRAMED_IP_ADDRESS, "\x0a\x00\x00", 3);
	n = radius_finish_request(&b, SECRET);
	assert_int_equal(radius_parse(b.buf, n, m), RADIUS_PARSE_OK);
	assert_int_equal(radius_coa_parse(m, rq), RADIUS_ERR_INVALID_ATTR_VALUE);

	radius_build_init(&b, RADIUS_COA_REQUEST, 5, NULL);
	radius_add_str(&b, RADIUS_USER_NAME, "u");
	radius_add(&b, RADIUS_SESSION_TIMEOUT, "\x00\x01", 2);
	n = radius_finish_request(&b, SECRET);
	assert_int_equal(radius_parse(b.buf, n, m), RADIUS_PARSE_OK);
	assert_int_equal(radius_coa_parse(m, rq), RADIUS_ERR_INVALID_ATTR_VALUE);

	radius_build_init(&b, RADIUS_ACCESS_REQUEST, 6, NULL);
	radius_add_str(&b, RADIUS_USER_NAME, "u");
	n = radius_finish_request(&b, SECRET);
	assert_int_equal(radius_parse(b.buf, n, m), RADIUS_PARSE_OK);
	assert_int_equal(radius_coa_parse(m, rq), RADIUS_ERR_UNSUPPORTED_SERVICE);
	free(m);
	free(rq);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hmac_md5_rfc2104),
		cmocka_unit_test(test_password_rfc2865_7_1),
		cmocka_unit_test(test_salt_fixed_bytes),
		cmocka_unit_test(test_salt_bad),
		cmocka_unit_test(test_msg_auth_request),
		cmocka_unit_test(test_msg_auth_response),
		cmocka_unit_test(test_msg_auth_required),
		cmocka_unit_test(test_request_authenticator),
		cmocka_unit_test(test_encode_decode),
		cmocka_unit_test(test_builder_overflow),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_too_many_attrs),
		cmocka_unit_test(test_accept_mschap2),
		cmocka_unit_test(test_accept_pool_policy),
		cmocka_unit_test(test_reject_texts),
		cmocka_unit_test(test_framed_route_text),
		cmocka_unit_test(test_accept_framed_routes),
		cmocka_unit_test(test_coa_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
