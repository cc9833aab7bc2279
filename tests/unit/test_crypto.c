/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Crypto core against published examples, byte for byte:
 *   RFC 2759 9.2 / 9.3 (MS-CHAPv2 worked example, DES key parity),
 *   RFC 2433 B.2 (MS-CHAPv1 "MyPw" example),
 *   RFC 3079 2.5 and 3.5 (MPPE keys from MS-CHAPv1 / MS-CHAPv2),
 *   RFC 6229 (RC4 keystreams),
 *   RFC 1994 4.1 (CHAP-MD5, a vector built from the MD5 definition),
 * plus cross-checks against OpenSSL's own RC4/SHA-1/MD4/MD5 and round trips
 * between the server and client roles.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/evp.h>

#include "chap_md5.h"
#include "crypto_init.h"
#include "mppe_keys.h"
#include "mschap.h"
#include "rc4.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define HEX_MAX      64   /* octets any hex literal below decodes to */
#define SHA1_LEN     20

/* Decodes a hex string (spaces ignored) into out; returns the octet count. */
static size_t
hex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;

	while (*s != '\0') {
		unsigned int v;

		if (*s == ' ') {
			s++;
			continue;
		}
		assert_true(n < cap);
		assert_int_equal(sscanf(s, "%2x", &v), 1);
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

/* Asserts that got[0..len) equals the hex string want. */
static void
assert_hex(const uint8_t *got, size_t len, const char *want)
{
	uint8_t w[HEX_MAX];

	assert_int_equal(hex(want, w, sizeof(w)), len);
	assert_memory_equal(got, w, len);
}

/* Deterministic filler so that failures reproduce. */
static void
fill_pattern(uint8_t *buf, size_t len, uint32_t seed)
{
	size_t i;

	for (i = 0; i < len; i++) {
		seed = seed * 1103515245u + 12345u;
		buf[i] = (uint8_t)(seed >> 16);
	}
}

/* ---------------------------------------------------------------------- */
/* RFC 2759 section 9.2 worked example (also the input of RFC 3079 3.5).  */

#define RFC2759_USER        "User"
#define RFC2759_PASSWORD    "clientPass"
#define RFC2759_AUTH_CHAL   "5B 5D 7C 7D 7B 3F 2F 3E 3C 2C 60 21 32 26 26 28"
#define RFC2759_PEER_CHAL   "21 40 23 24 25 5E 26 2A 28 29 5F 2B 3A 33 7C 7E"
#define RFC2759_CHALLENGE   "D0 2E 43 86 BC E9 12 26"
#define RFC2759_PW_UNICODE  "63 00 6C 00 69 00 65 00 6E 00 74 00 50 00 61 00 73 00 73 00"
#define RFC2759_PW_HASH     "44 EB BA 8D 53 12 B8 D6 11 47 44 11 F5 69 89 AE"
#define RFC2759_NT_RESPONSE \
	"82 30 9E CD 8D 70 8B 5E A0 8F AA 39 81 CD 83 54 42 33 11 4A 3D 85 D6 DF"
#define RFC2759_PW_HASH_HASH "41 C0 0C 58 4B D2 D9 1C 40 17 A2 A1 2F A5 9F 3F"
#define RFC2759_AUTH_RESP   "S=407A5589115FD0D6209F510FE9C04566932CDA56"

struct rfc2759 {
	uint8_t auth[MSCHAPV2_CHALLENGE_LEN];
	uint8_t peer[MSCHAPV2_CHALLENGE_LEN];
	uint8_t hash[MSCHAP_HASH_LEN];
	uint8_t nt_response[MSCHAP_RESPONSE_LEN];
};

static void
rfc2759_load(struct rfc2759 *v)
{
	hex(RFC2759_AUTH_CHAL, v->auth, sizeof(v->auth));
	hex(RFC2759_PEER_CHAL, v->peer, sizeof(v->peer));
	hex(RFC2759_PW_HASH, v->hash, sizeof(v->hash));
	hex(RFC2759_NT_RESPONSE, v->nt_response, sizeof(v->nt_response));
}

static void
test_init(void **state)
{
	(void)state;
	assert_int_equal(crypto_init(), 0);
	assert_int_equal(crypto_init(), 0); /* once; later calls agree */
	assert_string_equal(crypto_last_error(), "");
	assert_non_null(crypto_md4());
	assert_non_null(crypto_md5());
	assert_non_null(crypto_sha1());
	assert_non_null(crypto_des_ecb());
	assert_non_null(crypto_rc4());
}

static void
test_rfc2759_password_hash(void **state)
{
	uint8_t unicode[MSCHAP_PASSWORD_MAX_CHARS * 2];
	uint8_t hash[MSCHAP_HASH_LEN], hash_hash[MSCHAP_HASH_LEN];
	size_t len;

	(void)state;
	assert_int_equal(mschap_utf8_to_utf16le(RFC2759_PASSWORD, unicode,
						sizeof(unicode), &len), 0);
	assert_hex(unicode, len, RFC2759_PW_UNICODE);
	assert_int_equal(mschap_NtPasswordHash(RFC2759_PASSWORD, hash), 0);
	assert_hex(hash, sizeof(hash), RFC2759_PW_HASH);
	assert_int_equal(mschap_HashNtPasswordHash(hash, hash_hash), 0);
	assert_hex(hash_hash, sizeof(hash_hash), RFC2759_PW_HASH_HASH);
}

static void
test_rfc2759_nt_response(void **state)
{
	struct rfc2759 v;
	uint8_t challenge[MSCHAP_CHALLENGE_LEN];
	uint8_t response[MSCHAP_RESPONSE_LEN];

	(void)state;
	rfc2759_load(&v);
	assert_int_equal(mschap_ChallengeHash(v.peer, v.auth, RFC2759_USER,
					      strlen(RFC2759_USER), challenge), 0);
	assert_hex(challenge, sizeof(challenge), RFC2759_CHALLENGE);
	assert_int_equal(mschap_ChallengeResponse(challenge, v.hash, response), 0);
	assert_hex(response, sizeof(response), RFC2759_NT_RESPONSE);
	memset(response, 0, sizeof(response));
	assert_int_equal(mschap_GenerateNTResponse(v.auth, v.peer, RFC2759_USER,
						   strlen(RFC2759_USER), v.hash,
						   response), 0);
	assert_hex(response, sizeof(response), RFC2759_NT_RESPONSE);
}

static void
test_rfc2759_authenticator_response(void **state)
{
	struct rfc2759 v;
	char resp[MSCHAPV2_AUTH_RESPONSE_SIZE];

	(void)state;
	rfc2759_load(&v);
	memset(resp, 'x', sizeof(resp));
	assert_int_equal(mschap_GenerateAuthenticatorResponse(
		v.hash, v.nt_response, v.peer, v.auth, RFC2759_USER,
		strlen(RFC2759_USER), resp), 0);
	assert_string_equal(resp, RFC2759_AUTH_RESP);
	assert_int_equal(strlen(resp), MSCHAPV2_AUTH_RESPONSE_LEN);
}

/* RFC 2759 9.3: the first 7 octets of "MyPw"'s hash as a DES key. */
static void
test_rfc2759_des_key_parity(void **state)
{
	uint8_t k7[MSCHAP_DES_KEY7_LEN], k8[MSCHAP_DES_KEY_LEN];

	(void)state;
	hex("FC 15 6A F7 ED CD 6C", k7, sizeof(k7));
	mschap_des_key_expand(k7, k8);
	assert_hex(k8, sizeof(k8), "FD 0B 5B 5E 7F 6E 34 D9");
}

/* RFC 2759 8.2: a "DOMAIN\" prefix does not enter the ChallengeHash. */
static void
test_challenge_hash_domain(void **state)
{
	static const struct {
		const char *name;
		const char *user;
		bool same_as_rfc;
	} cases[] = {
		{ "plain", "User", true },
		{ "domain", "DOMAIN\\User", true },
		{ "two separators", "a\\b\\User", true },
		{ "separator only", "\\User", true },
		{ "trailing separator", "User\\", false },
		{ "other user", "user", false },
	};
	struct rfc2759 v;
	uint8_t want[MSCHAP_CHALLENGE_LEN], got[MSCHAP_CHALLENGE_LEN];
	size_t i;

	(void)state;
	rfc2759_load(&v);
	hex(RFC2759_CHALLENGE, want, sizeof(want));
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		assert_int_equal(mschap_ChallengeHash(v.peer, v.auth, cases[i].user,
						      strlen(cases[i].user), got), 0);
		if ((memcmp(got, want, sizeof(want)) == 0) != cases[i].same_as_rfc)
			fail_msg("case '%s'", cases[i].name);
	}
}

static void
test_check_authenticator_response(void **state)
{
	static const struct {
		const char *name;
		const char *msg;
		bool ok;
	} cases[] = {
		{ "exact", RFC2759_AUTH_RESP, true },
		{ "with message", RFC2759_AUTH_RESP " M=Access granted", true },
		{ "lower-case hex", "S=407a5589115fd0d6209f510fe9c04566932cda56", true },
		{ "one digit off", "S=407A5589115FD0D6209F510FE9C04566932CDA57", false },
		{ "first digit off", "S=507A5589115FD0D6209F510FE9C04566932CDA56", false },
		{ "short", "S=407A5589115FD0D6209F510FE9C04566932CDA5", false },
		{ "no prefix", "X=407A5589115FD0D6209F510FE9C04566932CDA56", false },
		{ "lower prefix", "s=407A5589115FD0D6209F510FE9C04566932CDA56", false },
		{ "glued text", RFC2759_AUTH_RESP "M=x", false },
		{ "not hex", "S=407A5589115FD0D6209F510FE9C04566932CDAZ6", false },
		{ "empty", "", false },
	};
	struct rfc2759 v;
	size_t i;

	(void)state;
	rfc2759_load(&v);
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		bool ok = mschap_CheckAuthenticatorResponse(
			v.hash, v.nt_response, v.peer, v.auth, RFC2759_USER,
			strlen(RFC2759_USER), cases[i].msg, strlen(cases[i].msg));

		if (ok != cases[i].ok)
			fail_msg("case '%s': got %d", cases[i].name, ok);
	}
	/* Right string, wrong credentials. */
	v.nt_response[0] ^= 1;
	assert_false(mschap_CheckAuthenticatorResponse(
		v.hash, v.nt_response, v.peer, v.auth, RFC2759_USER,
		strlen(RFC2759_USER), RFC2759_AUTH_RESP,
		strlen(RFC2759_AUTH_RESP)));
	assert_false(mschap_CheckAuthenticatorResponse(
		v.hash, v.nt_response, v.peer, v.auth, RFC2759_USER,
		strlen(RFC2759_USER), NULL, 0));
}

/* Peer computes a response, the authenticator recomputes and compares. */
static void
test_mschapv2_round_trip(void **state)
{
	static const char *const passwords[] = {
		"StrongPass", "", "p\xc3\xa4ss w\xc3\xb6rd \xe2\x82\xac",
		"\xf0\x9f\x98\x80", "\xe5\xaf\x86\xe7\xa0\x81",
	};
	uint8_t auth[MSCHAPV2_CHALLENGE_LEN], peer[MSCHAPV2_CHALLENGE_LEN];
	uint8_t client_hash[MSCHAP_HASH_LEN], server_hash[MSCHAP_HASH_LEN];
	uint8_t wrong_hash[MSCHAP_HASH_LEN];
	uint8_t sent[MSCHAP_RESPONSE_LEN], want[MSCHAP_RESPONSE_LEN];
	char s_resp[MSCHAPV2_AUTH_RESPONSE_SIZE];
	size_t i;

	(void)state;
	assert_int_equal(mschap_NtPasswordHash("not it", wrong_hash), 0);
	for (i = 0; i < ARRAY_LEN(passwords); i++) {
		fill_pattern(auth, sizeof(auth), (uint32_t)i);
		fill_pattern(peer, sizeof(peer), (uint32_t)i + 100);
		/* Client. */
		assert_int_equal(mschap_NtPasswordHash(passwords[i], client_hash), 0);
		assert_int_equal(mschap_GenerateNTResponse(auth, peer, "MT-User", 7,
							   client_hash, sent), 0);
		/* Server, from its own copy of the secret. */
		assert_int_equal(mschap_NtPasswordHash(passwords[i], server_hash), 0);
		assert_int_equal(mschap_GenerateNTResponse(auth, peer, "MT-User", 7,
							   server_hash, want), 0);
		assert_true(mschap_response_equal(sent, want));
		assert_int_equal(mschap_GenerateAuthenticatorResponse(
			server_hash, sent, peer, auth, "MT-User", 7, s_resp), 0);
		/* Client checks the server's answer. */
		assert_true(mschap_CheckAuthenticatorResponse(
			client_hash, sent, peer, auth, "MT-User", 7, s_resp,
			strlen(s_resp)));
		/* A wrong password fails both ways. */
		assert_int_equal(mschap_GenerateNTResponse(auth, peer, "MT-User", 7,
							   wrong_hash, want), 0);
		assert_false(mschap_response_equal(sent, want));
		assert_false(mschap_CheckAuthenticatorResponse(
			wrong_hash, sent, peer, auth, "MT-User", 7, s_resp,
			strlen(s_resp)));
	}
}

/* ---------------------------------------------------------------------- */
/* RFC 2433 appendix B.2: MS-CHAPv1 with password "MyPw".                 */

#define RFC2433_PASSWORD    "MyPw"
#define RFC2433_PW_UNICODE  "4D 00 79 00 50 00 77 00"
#define RFC2433_PW_HASH     "FC 15 6A F7 ED CD 6C 0E DD E3 33 7D 42 7F 4E AC"
#define RFC2433_CHALLENGE   "10 2D B5 DF 08 5D 30 41"
#define RFC2433_NT_RESPONSE \
	"4E 9D 3C 8F 9C FD 38 5D 5B F4 D3 24 67 91 95 6C A4 C3 51 AB 40 9A 3D 61"

static void
test_rfc2433_nt_response(void **state)
{
	uint8_t unicode[MSCHAP_PASSWORD_MAX_CHARS * 2];
	uint8_t hash[MSCHAP_HASH_LEN], challenge[MSCHAP_CHALLENGE_LEN];
	uint8_t response[MSCHAP_RESPONSE_LEN], again[MSCHAP_RESPONSE_LEN];
	size_t len;

	(void)state;
	assert_int_equal(mschap_utf8_to_utf16le(RFC2433_PASSWORD, unicode,
						sizeof(unicode), &len), 0);
	assert_hex(unicode, len, RFC2433_PW_UNICODE);
	assert_int_equal(mschap_NtPasswordHash(RFC2433_PASSWORD, hash), 0);
	assert_hex(hash, sizeof(hash), RFC2433_PW_HASH);
	hex(RFC2433_CHALLENGE, challenge, sizeof(challenge));
	assert_int_equal(mschap_NtChallengeResponse(challenge, RFC2433_PASSWORD,
						    response), 0);
	assert_hex(response, sizeof(response), RFC2433_NT_RESPONSE);
	/* The authenticator's check, from a stored NT hash. */
	assert_int_equal(mschap_ChallengeResponse(challenge, hash, again), 0);
	assert_true(mschap_response_equal(response, again));
	assert_int_equal(mschap_NtChallengeResponse(challenge, "MyPW", again), 0);
	assert_false(mschap_response_equal(response, again));
}

/* RFC 3079 2.5 quotes LmPasswordHash("clientPass"); LM is case-blind. */
static void
test_lm_password_hash(void **state)
{
	static const struct {
		const char *name;
		const char *password;
		int rc;
		bool is_rfc; /* hashes to RFC 3079's value */
	} cases[] = {
		{ "rfc 3079", "clientPass", 0, true },
		{ "lower", "clientpass", 0, true },
		{ "upper", "CLIENTPASS", 0, true },
		{ "14 chars", "abcdefghijklmn", 0, false },
		{ "15 chars", "abcdefghijklmno", -1, false },
		{ "non-ascii", "p\xc3\xa4ss", -1, false },
		{ "empty", "", 0, false },
	};
	uint8_t rfc[MSCHAP_HASH_LEN], hash[MSCHAP_HASH_LEN];
	uint8_t challenge[MSCHAP_CHALLENGE_LEN], resp[MSCHAP_RESPONSE_LEN];
	uint8_t want[MSCHAP_RESPONSE_LEN];
	size_t i;

	(void)state;
	hex("76 A1 52 93 60 96 D7 83 0E 23 90 22 74 04 AF D2", rfc, sizeof(rfc));
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		int rc = mschap_LmPasswordHash(cases[i].password, hash);

		if (rc != cases[i].rc)
			fail_msg("case '%s': rc %d", cases[i].name, rc);
		if (cases[i].is_rfc)
			assert_memory_equal(hash, rfc, sizeof(rfc));
	}
	hex(RFC2433_CHALLENGE, challenge, sizeof(challenge));
	assert_int_equal(mschap_LmChallengeResponse(challenge, "clientPass", resp), 0);
	assert_int_equal(mschap_ChallengeResponse(challenge, rfc, want), 0);
	assert_memory_equal(resp, want, sizeof(want));
	assert_int_equal(mschap_LmChallengeResponse(challenge, "abcdefghijklmno",
						    resp), -1);
}

/* ---------------------------------------------------------------------- */
/* UTF-8 to UTF-16LE for NtPasswordHash.                                   */

static void
test_utf16_conversion(void **state)
{
	static const struct {
		const char *name;
		const char *utf8;
		const char *utf16le; /* NULL: must be refused */
	} cases[] = {
		{ "empty", "", "" },
		{ "ascii", "Ab1", "41 00 62 00 31 00" },
		{ "2-octet", "\xc3\xa9", "E9 00" },
		{ "3-octet", "\xe2\x82\xac", "AC 20" },
		{ "last bmp", "\xef\xbf\xbf", "FF FF" },
		{ "4-octet pair", "\xf0\x9f\x98\x80", "3D D8 00 DE" },
		{ "first supplementary", "\xf0\x90\x80\x80", "00 D8 00 DC" },
		{ "last code point", "\xf4\x8f\xbf\xbf", "FF DB FF DF" },
		{ "overlong 2", "\xc0\xaf", NULL },
		{ "overlong 3", "\xe0\x80\xaf", NULL },
		{ "overlong 4", "\xf0\x80\x80\xaf", NULL },
		{ "surrogate", "\xed\xa0\x80", NULL },
		{ "above U+10FFFF", "\xf4\x90\x80\x80", NULL },
		{ "truncated", "a\xc3", NULL },
		{ "truncated 4", "\xf0\x9f\x98", NULL },
		{ "lone continuation", "\x80", NULL },
		{ "5-octet form", "\xf8\x88\x80\x80\x80", NULL },
		{ "0xFF", "\xff", NULL },
	};
	uint8_t out[MSCHAP_PASSWORD_MAX_CHARS * 2];
	uint8_t want[HEX_MAX];
	size_t i, len, want_len;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		int rc = mschap_utf8_to_utf16le(cases[i].utf8, out, sizeof(out), &len);

		if (cases[i].utf16le == NULL) {
			if (rc != -1)
				fail_msg("case '%s' accepted", cases[i].name);
			continue;
		}
		if (rc != 0)
			fail_msg("case '%s' refused", cases[i].name);
		want_len = hex(cases[i].utf16le, want, sizeof(want));
		assert_int_equal(len, want_len);
		assert_memory_equal(out, want, len);
	}
}

/* NtPasswordHash of a non-ASCII password is MD4 over its UTF-16LE form. */
static void
test_nt_hash_unicode(void **state)
{
	/* "pä€😀" and its UTF-16LE octets, written out by hand. */
	static const char password[] = "p\xc3\xa4\xe2\x82\xac\xf0\x9f\x98\x80";
	static const uint8_t utf16[] = {
		0x70, 0x00, 0xE4, 0x00, 0xAC, 0x20, 0x3D, 0xD8, 0x00, 0xDE,
	};
	uint8_t want[MSCHAP_HASH_LEN], got[MSCHAP_HASH_LEN];
	unsigned int len;

	(void)state;
	assert_int_equal(EVP_Digest(utf16, sizeof(utf16), want, &len, crypto_md4(),
				    NULL), 1);
	assert_int_equal(mschap_NtPasswordHash(password, got), 0);
	assert_memory_equal(got, want, sizeof(want));
	/* Invalid UTF-8 has no hash. */
	assert_int_equal(mschap_NtPasswordHash("bad\xc0\xaf", got), -1);
	assert_int_equal(mschap_NtPasswordHash(NULL, got), -1);
}

/* RFC 2759 8.3: at most 256 UTF-16 units. */
static void
test_password_length_limit(void **state)
{
	static const char emoji[] = "\xf0\x9f\x98\x80"; /* 2 UTF-16 units */
	char pw[MSCHAP_PASSWORD_MAX_CHARS * 4 + 8];
	uint8_t hash[MSCHAP_HASH_LEN];
	size_t i;

	(void)state;
	memset(pw, 'a', MSCHAP_PASSWORD_MAX_CHARS);
	pw[MSCHAP_PASSWORD_MAX_CHARS] = '\0';
	assert_int_equal(mschap_NtPasswordHash(pw, hash), 0);
	pw[MSCHAP_PASSWORD_MAX_CHARS] = 'a';
	pw[MSCHAP_PASSWORD_MAX_CHARS + 1] = '\0';
	assert_int_equal(mschap_NtPasswordHash(pw, hash), -1);

	pw[0] = '\0';
	for (i = 0; i < MSCHAP_PASSWORD_MAX_CHARS / 2; i++)
		strcat(pw, emoji);
	assert_int_equal(mschap_NtPasswordHash(pw, hash), 0);
	strcat(pw, emoji);
	assert_int_equal(mschap_NtPasswordHash(pw, hash), -1);
	/* The pair must fit whole: 255 units then one pair is 257. */
	memset(pw, 'a', MSCHAP_PASSWORD_MAX_CHARS - 1);
	memcpy(pw + MSCHAP_PASSWORD_MAX_CHARS - 1, emoji, sizeof(emoji));
	assert_int_equal(mschap_NtPasswordHash(pw, hash), -1);
}

/* ---------------------------------------------------------------------- */
/* RFC 1994 4.1: CHAP-MD5.                                                 */

static void
test_chap_md5_vector(void **state)
{
	/* MD5(01 "MyPw" C4 9C ... 4C), computed from the MD5 definition. */
	uint8_t challenge[CHAP_MD5_RESPONSE_LEN], resp[CHAP_MD5_RESPONSE_LEN];

	(void)state;
	hex("C4 9C 74 A7 D3 F8 FA 00 6E A5 71 90 F2 8A B3 4C", challenge,
	    sizeof(challenge));
	assert_int_equal(chap_md5_response(1, (const uint8_t *)"MyPw", 4, challenge,
					   sizeof(challenge), resp), 0);
	assert_hex(resp, sizeof(resp),
		   "82 2C 2B C6 54 B1 D0 A8 DB EA 87 37 FB BD DE 0E");
}

static void
test_chap_md5_vs_openssl(void **state)
{
	static const struct {
		uint8_t id;
		const char *secret;
		size_t challenge_len;
	} cases[] = {
		{ 0, "", 16 }, { 42, "secret", 16 }, { 255, "x", 1 },
		{ 7, "a much longer shared secret of many words", 64 },
		{ 1, "secret", 0 },
	};
	uint8_t challenge[64], concat[1 + 64 + 64];
	uint8_t want[CHAP_MD5_RESPONSE_LEN], got[CHAP_MD5_RESPONSE_LEN];
	size_t i, n;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		size_t slen = strlen(cases[i].secret);

		fill_pattern(challenge, cases[i].challenge_len, (uint32_t)i);
		n = 0;
		concat[n++] = cases[i].id;
		memcpy(concat + n, cases[i].secret, slen);
		n += slen;
		memcpy(concat + n, challenge, cases[i].challenge_len);
		n += cases[i].challenge_len;
		assert_int_equal(EVP_Digest(concat, n, want, NULL, crypto_md5(), NULL), 1);
		assert_int_equal(chap_md5_response(cases[i].id,
						   (const uint8_t *)cases[i].secret,
						   slen, challenge,
						   cases[i].challenge_len, got), 0);
		assert_memory_equal(got, want, sizeof(want));
		assert_true(chap_md5_verify(cases[i].id,
					    (const uint8_t *)cases[i].secret, slen,
					    challenge, cases[i].challenge_len,
					    want, sizeof(want)));
	}
}

static void
test_chap_md5_verify_rejects(void **state)
{
	const uint8_t *secret = (const uint8_t *)"secret";
	uint8_t challenge[16], resp[CHAP_MD5_RESPONSE_LEN + 1];

	(void)state;
	fill_pattern(challenge, sizeof(challenge), 9);
	assert_int_equal(chap_md5_response(5, secret, 6, challenge,
					   sizeof(challenge), resp), 0);
	assert_true(chap_md5_verify(5, secret, 6, challenge, sizeof(challenge),
				    resp, CHAP_MD5_RESPONSE_LEN));
	assert_false(chap_md5_verify(6, secret, 6, challenge, sizeof(challenge),
				     resp, CHAP_MD5_RESPONSE_LEN));
	assert_false(chap_md5_verify(5, secret, 5, challenge, sizeof(challenge),
				     resp, CHAP_MD5_RESPONSE_LEN));
	assert_false(chap_md5_verify(5, secret, 6, challenge, sizeof(challenge),
				     resp, CHAP_MD5_RESPONSE_LEN - 1));
	assert_false(chap_md5_verify(5, secret, 6, challenge, sizeof(challenge),
				     resp, CHAP_MD5_RESPONSE_LEN + 1));
	assert_false(chap_md5_verify(5, secret, 6, challenge, sizeof(challenge),
				     NULL, CHAP_MD5_RESPONSE_LEN));
	resp[CHAP_MD5_RESPONSE_LEN - 1] ^= 0x80;
	assert_false(chap_md5_verify(5, secret, 6, challenge, sizeof(challenge),
				     resp, CHAP_MD5_RESPONSE_LEN));
}

/* ---------------------------------------------------------------------- */
/* RC4: RFC 6229 keystreams and OpenSSL.                                   */

#define RFC6229_STREAM_LEN 4112 /* through offset 4096 + 16 */
#define RFC6229_ROW_LEN    16

static void
test_rc4_rfc6229(void **state)
{
	/* Keys 0x0102..., keystream rows at the RFC's offsets. */
	static const struct {
		size_t key_len;
		size_t offset;
		const char *stream;
	} rows[] = {
		{ 5, 0, "b2 39 63 05 f0 3d c0 27 cc c3 52 4a 0a 11 18 a8" },
		{ 5, 16, "69 82 94 4f 18 fc 82 d5 89 c4 03 a4 7a 0d 09 19" },
		{ 5, 240, "28 cb 11 32 c9 6c e2 86 42 1d ca ad b8 b6 9e ae" },
		{ 5, 4080, "06 83 26 a2 11 84 16 d2 1f 9d 04 b2 cd 1c a0 50" },
		{ 5, 4096, "ff 25 b5 89 95 99 67 07 e5 1f bd f0 8b 34 d8 75" },
		{ 7, 0, "29 3f 02 d4 7f 37 c9 b6 33 f2 af 52 85 fe b4 6b" },
		{ 7, 4096, "e7 4b 0b 97 31 22 7f d3 7c 0e c0 8a 47 dd d8 b8" },
		{ 8, 0, "97 ab 8a 1b f0 af b9 61 32 f2 f6 72 58 da 15 a8" },
		{ 8, 16, "82 63 ef db 45 c4 a1 86 84 ef 87 e6 b1 9e 5b 09" },
		{ 8, 1520, "1f e8 98 67 13 f0 7c 3d 9a e1 c1 63 ff 8c f9 d3" },
		{ 8, 4096, "3f b4 6e 2c 8f 0f 06 8e dc e8 cd cd 7d fc 58 62" },
		{ 16, 0, "9a c7 cc 9a 60 9d 1e f7 b2 93 28 99 cd e4 1b 97" },
		{ 16, 16, "52 48 c4 95 90 14 12 6a 6e 8a 84 f1 1d 1a 9e 1c" },
		{ 16, 240, "06 59 02 e4 b6 20 f6 cc 36 c8 58 9f 66 43 2f 2b" },
		{ 16, 4096, "a3 6a 4c 30 1a e8 ac 13 61 0c cb c1 22 56 ca cc" },
		{ 24, 0, "05 95 e5 7f e5 f0 bb 3c 70 6e da c8 a4 b2 db 11" },
		{ 32, 0, "ea a6 bd 25 88 0b f9 3d 3f 5d 1e 4c a2 61 1d 91" },
		{ 32, 4096, "f3 e4 c0 a2 e0 2d 1d 01 f7 f0 a7 46 18 af 2b 48" },
	};
	static uint8_t zeros[RFC6229_STREAM_LEN], stream[RFC6229_STREAM_LEN];
	uint8_t key[RC4_KEY_MAX_LEN];
	struct rc4_state st;
	size_t i, k;

	(void)state;
	for (k = 0; k < sizeof(key); k++)
		key[k] = (uint8_t)(k + 1);
	for (i = 0; i < ARRAY_LEN(rows); i++) {
		rc4_init(&st, key, rows[i].key_len);
		rc4_crypt(&st, zeros, stream, sizeof(stream));
		assert_hex(stream + rows[i].offset, RFC6229_ROW_LEN, rows[i].stream);
	}
}

/* Reference: OpenSSL's EVP RC4 over the same key and data. */
static void
openssl_rc4(const uint8_t *key, size_t key_len, const uint8_t *in, uint8_t *out,
	    size_t len)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n = 0;

	assert_non_null(ctx);
	assert_int_equal(EVP_EncryptInit_ex2(ctx, crypto_rc4(), NULL, NULL, NULL), 1);
	assert_int_equal(EVP_CIPHER_CTX_set_key_length(ctx, (int)key_len), 1);
	assert_int_equal(EVP_EncryptInit_ex2(ctx, NULL, key, NULL, NULL), 1);
	assert_int_equal(EVP_EncryptUpdate(ctx, out, &n, in, (int)len), 1);
	assert_int_equal((size_t)n, len);
	EVP_CIPHER_CTX_free(ctx);
}

static void
test_rc4_vs_openssl(void **state)
{
	static const size_t key_lens[] = { 1, 5, 7, 8, 13, 16, 31, 32, 200, 255, 256 };
	static const size_t data_lens[] = { 1, 15, 64, 257, 1500, 4096 };
	static uint8_t in[4096], want[4096], got[4096];
	uint8_t key[RC4_KEY_MAX_LEN];
	struct rc4_state st;
	size_t k, d;

	(void)state;
	for (k = 0; k < ARRAY_LEN(key_lens); k++) {
		for (d = 0; d < ARRAY_LEN(data_lens); d++) {
			size_t len = data_lens[d];

			fill_pattern(key, key_lens[k], (uint32_t)(k * 31 + d));
			fill_pattern(in, len, (uint32_t)(k * 7 + d + 1000));
			openssl_rc4(key, key_lens[k], in, want, len);
			rc4_init(&st, key, key_lens[k]);
			rc4_crypt(&st, in, got, len);
			if (memcmp(got, want, len) != 0)
				fail_msg("key %zu octets, data %zu octets",
					 key_lens[k], len);
		}
	}
}

/* MPPE-length keys over many keys: the unrolled 8/16-octet schedules. */
static void
test_rc4_many_keys(void **state)
{
	static const size_t key_lens[] = { MPPE_KEY_LEN_64, MPPE_KEY_LEN_128 };
	uint8_t key[MPPE_KEY_MAX_LEN], in[64], want[64], got[64];
	struct rc4_state st;
	uint32_t seed;
	size_t k;

	(void)state;
	memset(in, 0, sizeof(in));
	for (k = 0; k < ARRAY_LEN(key_lens); k++) {
		for (seed = 0; seed < 2000; seed++) {
			fill_pattern(key, key_lens[k], seed);
			openssl_rc4(key, key_lens[k], in, want, sizeof(in));
			rc4_init(&st, key, key_lens[k]);
			rc4_crypt(&st, in, got, sizeof(in));
			if (memcmp(got, want, sizeof(got)) != 0)
				fail_msg("key length %zu seed %u", key_lens[k], seed);
		}
	}
}

/* A stream cut in uneven pieces, in place, equals one pass. */
static void
test_rc4_chunks_in_place(void **state)
{
	static const size_t cuts[] = { 0, 1, 2, 3, 5, 250, 256, 257, 1, 700 };
	static uint8_t data[2048], want[2048];
	uint8_t key[MPPE_KEY_LEN_128];
	struct rc4_state one, many;
	size_t i, off = 0;

	(void)state;
	fill_pattern(key, sizeof(key), 77);
	fill_pattern(data, sizeof(data), 78);
	rc4_init(&one, key, sizeof(key));
	rc4_crypt(&one, data, want, sizeof(data));
	rc4_init(&many, key, sizeof(key));
	for (i = 0; i < ARRAY_LEN(cuts); i++) {
		rc4_crypt(&many, data + off, data + off, cuts[i]);
		off += cuts[i];
	}
	rc4_crypt(&many, data + off, data + off, sizeof(data) - off);
	assert_memory_equal(data, want, sizeof(data));
	assert_memory_equal(&one, &many, sizeof(one));
	/* Decrypting with a fresh state restores the plaintext. */
	rc4_init(&one, key, sizeof(key));
	rc4_crypt(&one, want, want, sizeof(want));
	fill_pattern(data, sizeof(data), 78);
	assert_memory_equal(want, data, sizeof(data));
}

/* ---------------------------------------------------------------------- */
/* RFC 3079 3.5: MPPE keys from the RFC 2759 example.                      */

#define RFC3079_MASTER_KEY  "FD EC E3 71 7A 8C 83 8C B3 88 E5 27 AE 3C DD 31"
#define RFC3079_START_128   "8B 7C DC 14 9B 99 3A 1B A1 18 CB 15 3F 56 DC CB"
#define RFC3079_START_64    "8B 7C DC 14 9B 99 3A 1B"
#define RFC3079_MESSAGE     "test message"

static void
test_rfc3079_master_and_start_keys(void **state)
{
	uint8_t phh[MPPE_HASH_LEN], nt[MPPE_NT_RESPONSE_LEN];
	uint8_t master[MPPE_MASTER_KEY_LEN], start[MPPE_KEY_MAX_LEN];
	uint8_t interim[MPPE_KEY_MAX_LEN];

	(void)state;
	hex(RFC2759_PW_HASH_HASH, phh, sizeof(phh));
	hex(RFC2759_NT_RESPONSE, nt, sizeof(nt));
	assert_int_equal(mppe_GetMasterKey(phh, nt, master), 0);
	assert_hex(master, sizeof(master), RFC3079_MASTER_KEY);
	/* The RFC's "send" key is the server's (IsSend, IsServer: Magic3). */
	assert_int_equal(mppe_GetAsymmetricStartKey(master, start, 16, true, true), 0);
	assert_hex(start, 16, RFC3079_START_128);
	assert_int_equal(mppe_GetAsymmetricStartKey(master, start, 16, false, false), 0);
	assert_hex(start, 16, RFC3079_START_128);
	assert_int_equal(mppe_GetAsymmetricStartKey(master, start, 8, true, true), 0);
	assert_hex(start, 8, RFC3079_START_64);
	/* GetNewKeyFromSHA before the reduction. */
	hex(RFC3079_START_128, start, sizeof(start));
	mppe_GetNewKeyFromSHA(start, start, 8, interim);
	assert_hex(interim, 8, "96 5C 00 C4 9F A6 2E 3E");
	mppe_GetNewKeyFromSHA(start, start, 16, interim);
	assert_hex(interim, 16, "40 5C B2 24 7A 79 56 E6 E2 11 00 7A E2 7B 22 D4");
}

static void
test_rfc3079_session_keys(void **state)
{
	static const struct {
		enum mppe_bits bits;
		const char *start;
		const char *session;
		const char *message; /* RC4(session, "test message") */
	} cases[] = {
		{ MPPE_BITS_40, RFC3079_START_64, "D1 26 9E C4 9F A6 2E 3E",
		  "92 91 37 91 7E 58 03 D6 68 D7 58 98" },
		/*
		 * RFC 3079 3.5.2 prints the last octet as 58; RC4 under its
		 * own session key gives B8 (OpenSSL agrees, checked below):
		 * a misprint in the RFC.
		 */
		{ MPPE_BITS_56, RFC3079_START_64, "D1 5C 00 C4 9F A6 2E 3E",
		  "3F 10 68 33 FA 44 8D A8 42 BC 57 B8" },
		{ MPPE_BITS_128, RFC3079_START_128,
		  "40 5C B2 24 7A 79 56 E6 E2 11 00 7A E2 7B 22 D4",
		  "81 84 83 17 DF 68 84 62 72 FB 5A BE" },
	};
	uint8_t phh[MPPE_HASH_LEN], nt[MPPE_NT_RESPONSE_LEN];
	uint8_t msg[sizeof(RFC3079_MESSAGE) - 1];
	struct mppe_key server_send, server_recv, client_send, client_recv;
	struct rc4_state st;
	size_t i, len;

	(void)state;
	hex(RFC2759_PW_HASH_HASH, phh, sizeof(phh));
	hex(RFC2759_NT_RESPONSE, nt, sizeof(nt));
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		len = mppe_key_len(cases[i].bits);
		assert_int_equal(mppe_keys_from_mschapv2(phh, nt, cases[i].bits,
							 MPPE_ROLE_SERVER,
							 &server_send,
							 &server_recv), 0);
		assert_int_equal(server_send.len, len);
		assert_int_equal(server_send.bits, cases[i].bits);
		assert_hex(server_send.start, len, cases[i].start);
		assert_hex(server_send.session, len, cases[i].session);
		rc4_init(&st, server_send.session, len);
		rc4_crypt(&st, (const uint8_t *)RFC3079_MESSAGE, msg, sizeof(msg));
		assert_hex(msg, sizeof(msg), cases[i].message);
		openssl_rc4(server_send.session, len,
			    (const uint8_t *)RFC3079_MESSAGE, msg, sizeof(msg));
		assert_hex(msg, sizeof(msg), cases[i].message);

		/* The client receives with the server's send key and back. */
		assert_int_equal(mppe_keys_from_mschapv2(phh, nt, cases[i].bits,
							 MPPE_ROLE_CLIENT,
							 &client_send,
							 &client_recv), 0);
		assert_memory_equal(&client_recv, &server_send, sizeof(server_send));
		assert_memory_equal(&client_send, &server_recv, sizeof(server_recv));
		assert_memory_not_equal(server_send.start, server_recv.start, len);
	}
}

/* ---------------------------------------------------------------------- */
/* RFC 3079 2.5: MPPE keys from MS-CHAPv1 ("clientPass", RFC 2433's
 * challenge). The RFC's step 3 prints the start key with "AC CA D1"; its
 * step 4 and the session key that follows use "AC C1 D1", as here.        */

#define RFC3079_V1_START    "A8 94 78 50 CF C0 AC C1 D1 78 9F B6 2D DC DD B0"
#define RFC3079_V1_SESSION  "59 D1 59 BC 09 F7 6F 1D A2 A8 6A 28 FF EC 0B 1E"

static void
test_rfc3079_mschapv1_keys(void **state)
{
	uint8_t phh[MPPE_HASH_LEN], challenge[MPPE_CHALLENGE_LEN];
	uint8_t start[MPPE_KEY_MAX_LEN], lm[MSCHAP_HASH_LEN];
	struct mppe_key send, recv;

	(void)state;
	hex(RFC2759_PW_HASH_HASH, phh, sizeof(phh));
	hex(RFC2433_CHALLENGE, challenge, sizeof(challenge));
	assert_int_equal(mppe_GetStartKey(challenge, phh, start), 0);
	assert_hex(start, sizeof(start), RFC3079_V1_START);

	/* 2.3: 128-bit, both directions alike. */
	assert_int_equal(mppe_keys_from_mschapv1(phh, challenge, MPPE_BITS_128,
						 &send, &recv), 0);
	assert_hex(send.start, MPPE_KEY_LEN_128, RFC3079_V1_START);
	assert_hex(send.session, MPPE_KEY_LEN_128, RFC3079_V1_SESSION);
	assert_memory_equal(&send, &recv, sizeof(send));

	/* NT-based 40/56-bit (pppd's choice): the 128-bit start key cut to 8. */
	assert_int_equal(mppe_keys_from_mschapv1(phh, challenge, MPPE_BITS_40,
						 &send, &recv), 0);
	assert_hex(send.start, MPPE_KEY_LEN_64, "A8 94 78 50 CF C0 AC C1");
	assert_hex(send.session, 3, "D1 26 9E");
	assert_memory_equal(&send, &recv, sizeof(send));

	/* 2.1 / 2.2: 40/56-bit from the LM hash. */
	assert_int_equal(mschap_LmPasswordHash(RFC2759_PASSWORD, lm), 0);
	assert_int_equal(mppe_keys_from_mschapv1_lm(lm, MPPE_BITS_40, &send,
						    &recv), 0);
	assert_hex(send.session, MPPE_KEY_LEN_64, "D1 26 9E 53 8C EC 4A 08");
	assert_memory_equal(&send, &recv, sizeof(send));
	assert_int_equal(mppe_keys_from_mschapv1_lm(lm, MPPE_BITS_56, &send,
						    &recv), 0);
	assert_hex(send.session, MPPE_KEY_LEN_64, "D1 08 01 53 8C EC 4A 08");
	assert_int_equal(mppe_keys_from_mschapv1_lm(lm, MPPE_BITS_128, &send,
						    &recv), -1);
	/* GetKey(LmHash) itself, before the reduction. */
	mppe_GetNewKeyFromSHA(lm, lm, MPPE_KEY_LEN_64, start);
	assert_hex(start, MPPE_KEY_LEN_64, "D8 08 01 53 8C EC 4A 08");
}

/* ---------------------------------------------------------------------- */
/* Key changes (RFC 3078 7.3).                                             */

#define REF_PAD_LEN  40   /* RFC 3079 SHSpad1 / SHSpad2 */
#define REF_PAD2_OCT 0xF2

/* Reference key change from OpenSSL's EVP SHA-1 and RC4 only. */
static void
reference_rekey(struct mppe_key *k)
{
	static const uint8_t pad1[REF_PAD_LEN];
	uint8_t pad2[REF_PAD_LEN], digest[SHA1_LEN];
	uint8_t buf[2 * MPPE_KEY_MAX_LEN + 2 * REF_PAD_LEN];
	size_t n = 0;
	unsigned int dlen;

	memset(pad2, REF_PAD2_OCT, sizeof(pad2));
	memcpy(buf + n, k->start, k->len);
	n += k->len;
	memcpy(buf + n, pad1, sizeof(pad1));
	n += sizeof(pad1);
	memcpy(buf + n, k->session, k->len);
	n += k->len;
	memcpy(buf + n, pad2, sizeof(pad2));
	n += sizeof(pad2);
	assert_int_equal(EVP_Digest(buf, n, digest, &dlen, crypto_sha1(), NULL), 1);
	openssl_rc4(digest, k->len, digest, k->session, k->len);
	if (k->bits == MPPE_BITS_40) {
		k->session[0] = 0xD1;
		k->session[1] = 0x26;
		k->session[2] = 0x9E;
	} else if (k->bits == MPPE_BITS_56) {
		k->session[0] = 0xD1;
	}
}

#define REKEY_STEPS 300

static void
test_rekey_vs_reference(void **state)
{
	static const enum mppe_bits strengths[] = {
		MPPE_BITS_40, MPPE_BITS_56, MPPE_BITS_128,
	};
	uint8_t phh[MPPE_HASH_LEN], nt[MPPE_NT_RESPONSE_LEN];
	struct mppe_key ours, ref, recv;
	uint8_t prev[MPPE_KEY_MAX_LEN], start0[MPPE_KEY_MAX_LEN];
	size_t s;
	int step;

	(void)state;
	hex(RFC2759_PW_HASH_HASH, phh, sizeof(phh));
	hex(RFC2759_NT_RESPONSE, nt, sizeof(nt));
	for (s = 0; s < ARRAY_LEN(strengths); s++) {
		assert_int_equal(mppe_keys_from_mschapv2(phh, nt, strengths[s],
							 MPPE_ROLE_SERVER, &ours,
							 &recv), 0);
		ref = ours;
		memcpy(start0, ours.start, sizeof(start0));
		for (step = 0; step < REKEY_STEPS; step++) {
			memcpy(prev, ours.session, sizeof(prev));
			mppe_rekey(&ours);
			reference_rekey(&ref);
			if (memcmp(&ours, &ref, sizeof(ours)) != 0)
				fail_msg("%d-bit, step %d", strengths[s], step);
			assert_memory_not_equal(prev, ours.session, ours.len);
			if (strengths[s] == MPPE_BITS_40)
				assert_hex(ours.session, 3, "D1 26 9E");
			if (strengths[s] == MPPE_BITS_56)
				assert_hex(ours.session, 1, "D1");
		}
		/* The start key never changes. */
		assert_memory_equal(ours.start, start0, ours.len);
	}
}

/* Both ends rekey in step: server send == client recv at every step. */
static void
test_rekey_both_ends(void **state)
{
	static const enum mppe_bits strengths[] = {
		MPPE_BITS_40, MPPE_BITS_56, MPPE_BITS_128,
	};
	uint8_t hash[MSCHAP_HASH_LEN], phh[MPPE_HASH_LEN];
	uint8_t auth[MSCHAPV2_CHALLENGE_LEN], peer[MSCHAPV2_CHALLENGE_LEN];
	uint8_t nt[MSCHAP_RESPONSE_LEN], packet[64], wire[64], back[64];
	struct mppe_key s_send, s_recv, c_send, c_recv;
	struct rc4_state enc, dec;
	size_t s;
	int step;

	(void)state;
	fill_pattern(auth, sizeof(auth), 1);
	fill_pattern(peer, sizeof(peer), 2);
	assert_int_equal(mschap_NtPasswordHash("StrongPass", hash), 0);
	assert_int_equal(mschap_HashNtPasswordHash(hash, phh), 0);
	assert_int_equal(mschap_GenerateNTResponse(auth, peer, "MT-User", 7, hash,
						   nt), 0);
	for (s = 0; s < ARRAY_LEN(strengths); s++) {
		assert_int_equal(mppe_keys_from_mschapv2(phh, nt, strengths[s],
							 MPPE_ROLE_SERVER,
							 &s_send, &s_recv), 0);
		assert_int_equal(mppe_keys_from_mschapv2(phh, nt, strengths[s],
							 MPPE_ROLE_CLIENT,
							 &c_send, &c_recv), 0);
		for (step = 0; step < REKEY_STEPS; step++) {
			/* Stateless: new key, then the packet, each way. */
			mppe_rekey(&s_send);
			mppe_rekey(&c_recv);
			mppe_rekey(&c_send);
			mppe_rekey(&s_recv);
			assert_memory_equal(&s_send, &c_recv, sizeof(s_send));
			assert_memory_equal(&c_send, &s_recv, sizeof(c_send));
			fill_pattern(packet, sizeof(packet), (uint32_t)step);
			rc4_init(&enc, s_send.session, s_send.len);
			rc4_crypt(&enc, packet, wire, sizeof(wire));
			rc4_init(&dec, c_recv.session, c_recv.len);
			rc4_crypt(&dec, wire, back, sizeof(back));
			assert_memory_equal(back, packet, sizeof(packet));
		}
	}
}

static void
test_rekey_deterministic(void **state)
{
	uint8_t start[MPPE_KEY_MAX_LEN];
	struct mppe_key a, b;
	int step;

	(void)state;
	hex(RFC3079_START_128, start, sizeof(start));
	assert_int_equal(mppe_key_init(&a, start, sizeof(start), MPPE_BITS_128), 0);
	assert_int_equal(mppe_key_init(&b, start, sizeof(start), MPPE_BITS_128), 0);
	for (step = 0; step < REKEY_STEPS; step++)
		mppe_rekey(&a);
	for (step = 0; step < REKEY_STEPS; step++)
		mppe_rekey(&b);
	assert_memory_equal(&a, &b, sizeof(a));
	/* mppe_key_init on the RFC start key gives the RFC session key. */
	assert_int_equal(mppe_key_init(&a, start, sizeof(start), MPPE_BITS_128), 0);
	assert_hex(a.session, MPPE_KEY_LEN_128,
		   "40 5C B2 24 7A 79 56 E6 E2 11 00 7A E2 7B 22 D4");
}

static void
test_key_bad_arguments(void **state)
{
	static const struct {
		const char *name;
		enum mppe_bits bits;
		size_t start_len;
	} cases[] = {
		{ "zero bits", (enum mppe_bits)0, 16 },
		{ "64 bits", (enum mppe_bits)64, 16 },
		{ "short for 128", MPPE_BITS_128, 15 },
		{ "short for 40", MPPE_BITS_40, 7 },
		{ "empty", MPPE_BITS_56, 0 },
	};
	uint8_t start[MPPE_KEY_MAX_LEN] = { 0 };
	uint8_t phh[MPPE_HASH_LEN] = { 0 }, nt[MPPE_NT_RESPONSE_LEN] = { 0 };
	struct mppe_key k, r;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++)
		if (mppe_key_init(&k, start, cases[i].start_len, cases[i].bits) != -1)
			fail_msg("case '%s' accepted", cases[i].name);
	assert_int_equal(mppe_key_init(&k, NULL, 16, MPPE_BITS_128), -1);
	assert_int_equal(mppe_key_len((enum mppe_bits)0), 0);
	assert_int_equal(mppe_keys_from_mschapv2(phh, nt, MPPE_BITS_128,
						 (enum mppe_role)7, &k, &r), -1);
	assert_int_equal(mppe_keys_from_mschapv2(phh, nt, (enum mppe_bits)64,
						 MPPE_ROLE_SERVER, &k, &r), -1);
	assert_int_equal(mppe_keys_from_mschapv1(phh, start, (enum mppe_bits)64,
						 &k, &r), -1);
	assert_int_equal(mppe_GetAsymmetricStartKey(phh, start, 17, true, true), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_rfc2759_password_hash),
		cmocka_unit_test(test_rfc2759_nt_response),
		cmocka_unit_test(test_rfc2759_authenticator_response),
		cmocka_unit_test(test_rfc2759_des_key_parity),
		cmocka_unit_test(test_challenge_hash_domain),
		cmocka_unit_test(test_check_authenticator_response),
		cmocka_unit_test(test_mschapv2_round_trip),
		cmocka_unit_test(test_rfc2433_nt_response),
		cmocka_unit_test(test_lm_password_hash),
		cmocka_unit_test(test_utf16_conversion),
		cmocka_unit_test(test_nt_hash_unicode),
		cmocka_unit_test(test_password_length_limit),
		cmocka_unit_test(test_chap_md5_vector),
		cmocka_unit_test(test_chap_md5_vs_openssl),
		cmocka_unit_test(test_chap_md5_verify_rejects),
		cmocka_unit_test(test_rc4_rfc6229),
		cmocka_unit_test(test_rc4_vs_openssl),
		cmocka_unit_test(test_rc4_many_keys),
		cmocka_unit_test(test_rc4_chunks_in_place),
		cmocka_unit_test(test_rfc3079_master_and_start_keys),
		cmocka_unit_test(test_rfc3079_session_keys),
		cmocka_unit_test(test_rfc3079_mschapv1_keys),
		cmocka_unit_test(test_rekey_vs_reference),
		cmocka_unit_test(test_rekey_both_ends),
		cmocka_unit_test(test_rekey_deterministic),
		cmocka_unit_test(test_key_bad_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
