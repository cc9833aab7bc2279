/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MS-CHAPv1 (RFC 2433) and MS-CHAPv2 (RFC 2759) arithmetic (see mschap.h).
 */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "crypto_init.h"
#include "mschap.h"

#define SHA1_LEN 20 /* SHA-1 digest octets */

/* RFC 2759 8.5: the 16-octet hash zero-padded to three 7-octet DES keys. */
#define MSCHAP_ZHASH_LEN (3 * MSCHAP_DES_KEY7_LEN)

/* RFC 2759 8.2: the user name may carry a "DOMAIN\" prefix to drop. */
#define MSCHAP_DOMAIN_SEP '\\'

/* RFC 2759 8.7: "S=" then the 20-octet digest in upper-case hex. */
#define MSCHAPV2_AUTH_PREFIX     "S="
#define MSCHAPV2_AUTH_PREFIX_LEN (sizeof(MSCHAPV2_AUTH_PREFIX) - 1)
#define MSCHAPV2_AUTH_MSG_SEP    ' ' /* before the Success packet's "M=" */
#define HEX_DIGITS_UPPER         "0123456789ABCDEF"
#define HEX_BASE                 16
#define HEX_ALPHA_VALUE          10 /* value of 'A' / 'a' */
#define HEX_NIBBLE_BITS          4
#define ASCII_MAX                0x7F

/* RFC 2759 8.7 GenerateAuthenticatorResponse's two constants. */
static const char mschapv2_auth_magic1[] =
	"Magic server to client signing constant";
static const char mschapv2_auth_magic2[] =
	"Pad to make it do more than one iteration";
#define MSCHAPV2_AUTH_MAGIC1_LEN 39 /* octets, as listed in RFC 2759 8.7 */
#define MSCHAPV2_AUTH_MAGIC2_LEN 41
_Static_assert(sizeof(mschapv2_auth_magic1) - 1 == MSCHAPV2_AUTH_MAGIC1_LEN,
	       "RFC 2759 Magic1 length");
_Static_assert(sizeof(mschapv2_auth_magic2) - 1 == MSCHAPV2_AUTH_MAGIC2_LEN,
	       "RFC 2759 Magic2 length");
_Static_assert(MSCHAPV2_AUTH_PREFIX_LEN + 2 * SHA1_LEN ==
	       MSCHAPV2_AUTH_RESPONSE_LEN, "authenticator response length");

/* RFC 2433 appendix A DesHash: the LM hash encrypts this "StdText". */
static const uint8_t mschap_lm_std_text[MSCHAP_DES_BLOCK_LEN] = {
	'K', 'G', 'S', '!', '@', '#', '$', '%',
};

/* --- UTF-8 to UTF-16LE (RFC 3629 section 3; RFC 2781 section 2.1) --- */

#define UTF8_CONT_MASK     0xC0 /* continuation octets are 10xxxxxx */
#define UTF8_CONT_TAG      0x80
#define UTF8_CONT_BITS     6
#define UNICODE_MAX        0x10FFFFu
#define UNICODE_BMP_MAX    0xFFFFu
#define UTF16_SURR_FIRST   0xD800u /* U+D800..U+DFFF are not characters */
#define UTF16_SURR_LAST    0xDFFFu
#define UTF16_HIGH_BASE    0xD800u
#define UTF16_LOW_BASE     0xDC00u
#define UTF16_SUPP_BASE    0x10000u
#define UTF16_SURR_BITS    10
#define UTF16_SURR_MASK    0x3FFu
#define UTF16_UNIT_LEN     2
#define BYTE_BITS          8
#define BYTE_MASK          0xFFu

/* The four UTF-8 forms: lead octet pattern and the smallest code point. */
static const struct utf8_form {
	uint8_t lead_mask;
	uint8_t lead_tag;
	uint32_t min_cp; /* anything below is an overlong form */
	size_t len;
} utf8_forms[] = {
	{ 0x80, 0x00, 0x0, 1 },       /* 0xxxxxxx */
	{ 0xE0, 0xC0, 0x80, 2 },      /* 110xxxxx 10xxxxxx */
	{ 0xF0, 0xE0, 0x800, 3 },     /* 1110xxxx 10xxxxxx x2 */
	{ 0xF8, 0xF0, 0x10000, 4 },   /* 11110xxx 10xxxxxx x3 */
};

/* Decodes one code point at s (NUL-terminated); returns its length or 0. */
static size_t
utf8_decode(const uint8_t *s, uint32_t *cp_out)
{
	const struct utf8_form *f = NULL;
	uint32_t cp;
	size_t i;

	for (i = 0; i < CRYPTO_ARRAY_LEN(utf8_forms); i++) {
		if ((s[0] & utf8_forms[i].lead_mask) == utf8_forms[i].lead_tag) {
			f = &utf8_forms[i];
			break;
		}
	}
	if (f == NULL)
		return 0;
	cp = s[0] & (uint8_t)~f->lead_mask;
	/* A NUL ends the string and also fails the continuation test. */
	for (i = 1; i < f->len; i++) {
		if ((s[i] & UTF8_CONT_MASK) != UTF8_CONT_TAG)
			return 0;
		cp = (cp << UTF8_CONT_BITS) | (s[i] & (uint8_t)~UTF8_CONT_MASK);
	}
	if (cp < f->min_cp || cp > UNICODE_MAX ||
	    (cp >= UTF16_SURR_FIRST && cp <= UTF16_SURR_LAST))
		return 0;
	*cp_out = cp;
	return f->len;
}

static void
utf16le_put(uint8_t *out, uint32_t unit)
{
	out[0] = (uint8_t)(unit & BYTE_MASK);
	out[1] = (uint8_t)(unit >> BYTE_BITS);
}

int
mschap_utf8_to_utf16le(const char *utf8, uint8_t *out, size_t out_cap,
		       size_t *out_len)
{
	const uint8_t *s = (const uint8_t *)utf8;
	size_t n = 0;

	if (s == NULL || out_len == NULL)
		return -1;
	while (*s != '\0') {
		uint32_t cp;
		size_t used = utf8_decode(s, &cp);

		if (used == 0)
			return -1;
		s += used;
		if (cp <= UNICODE_BMP_MAX) {
			if (out_cap - n < UTF16_UNIT_LEN)
				return -1;
			utf16le_put(out + n, cp);
			n += UTF16_UNIT_LEN;
		} else {
			cp -= UTF16_SUPP_BASE;
			if (out_cap - n < 2 * UTF16_UNIT_LEN)
				return -1;
			utf16le_put(out + n, UTF16_HIGH_BASE + (cp >> UTF16_SURR_BITS));
			utf16le_put(out + n + UTF16_UNIT_LEN,
				    UTF16_LOW_BASE + (cp & UTF16_SURR_MASK));
			n += 2 * UTF16_UNIT_LEN;
		}
	}
	*out_len = n;
	return 0;
}

/* --- Hashes --- */

int
mschap_NtPasswordHash(const char *password,
		      uint8_t password_hash[MSCHAP_HASH_LEN])
{
	uint8_t unicode[MSCHAP_PASSWORD_MAX_CHARS * UTF16_UNIT_LEN];
	size_t len = 0;
	int rc = -1;

	if (password == NULL ||
	    mschap_utf8_to_utf16le(password, unicode, sizeof(unicode), &len) != 0)
		goto out;
	{
		const struct crypto_buf parts[] = { { unicode, len } };

		rc = crypto_digest(crypto_md4(), parts, CRYPTO_ARRAY_LEN(parts),
				   password_hash);
	}
out:
	OPENSSL_cleanse(unicode, sizeof(unicode));
	return rc;
}

int
mschap_HashNtPasswordHash(const uint8_t password_hash[MSCHAP_HASH_LEN],
			  uint8_t password_hash_hash[MSCHAP_HASH_LEN])
{
	const struct crypto_buf parts[] = { { password_hash, MSCHAP_HASH_LEN } };

	return crypto_digest(crypto_md4(), parts, CRYPTO_ARRAY_LEN(parts),
			     password_hash_hash);
}

/* --- DES --- */

void
mschap_des_key_expand(const uint8_t key7[MSCHAP_DES_KEY7_LEN],
		      uint8_t key8[MSCHAP_DES_KEY_LEN])
{
	/* Zero octets on both sides so every output reads a 16-bit window. */
	uint8_t p[MSCHAP_DES_KEY7_LEN + 2] = { 0 };
	unsigned int i;

	memcpy(p + 1, key7, MSCHAP_DES_KEY7_LEN);
	/*
	 * Output octet i carries key bits 7i..7i+6 in its top seven bits: they
	 * sit in the window p[i] p[i+1] shifted right by i. Bit 0 is parity.
	 */
	for (i = 0; i < MSCHAP_DES_KEY_LEN; i++) {
		unsigned int window = (unsigned int)p[i] << BYTE_BITS | p[i + 1];
		uint8_t b = (uint8_t)((window >> i) & (BYTE_MASK - 1));

		/* Odd parity: set bit 0 when the seven key bits hold an even count. */
		key8[i] = (uint8_t)(b | !__builtin_parity(b));
	}
}

/* One DES-ECB block with a 7-octet key, on a caller's cipher context. */
static int
mschap_des_block(EVP_CIPHER_CTX *ctx, const uint8_t clear[MSCHAP_DES_BLOCK_LEN],
		 const uint8_t key7[MSCHAP_DES_KEY7_LEN],
		 uint8_t cypher[MSCHAP_DES_BLOCK_LEN])
{
	const EVP_CIPHER *des = crypto_des_ecb();
	uint8_t key8[MSCHAP_DES_KEY_LEN];
	int out_len = 0;
	int rc = -1;

	if (des == NULL)
		goto out;
	mschap_des_key_expand(key7, key8);
	if (EVP_EncryptInit_ex2(ctx, des, key8, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_set_padding(ctx, 0) != 1 ||
	    EVP_EncryptUpdate(ctx, cypher, &out_len, clear,
			      MSCHAP_DES_BLOCK_LEN) != 1 ||
	    out_len != MSCHAP_DES_BLOCK_LEN)
		goto out;
	rc = 0;
out:
	OPENSSL_cleanse(key8, sizeof(key8));
	if (rc != 0)
		ERR_clear_error();
	return rc;
}

int
mschap_DesEncrypt(const uint8_t clear[MSCHAP_DES_BLOCK_LEN],
		  const uint8_t key7[MSCHAP_DES_KEY7_LEN],
		  uint8_t cypher[MSCHAP_DES_BLOCK_LEN])
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int rc = -1;

	if (ctx != NULL)
		rc = mschap_des_block(ctx, clear, key7, cypher);
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}

int
mschap_ChallengeResponse(const uint8_t challenge[MSCHAP_CHALLENGE_LEN],
			 const uint8_t password_hash[MSCHAP_HASH_LEN],
			 uint8_t response[MSCHAP_RESPONSE_LEN])
{
	uint8_t zhash[MSCHAP_ZHASH_LEN] = { 0 };
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	unsigned int k;
	int rc = -1;

	if (ctx == NULL)
		goto out;
	memcpy(zhash, password_hash, MSCHAP_HASH_LEN);
	for (k = 0; k < MSCHAP_RESPONSE_LEN / MSCHAP_DES_BLOCK_LEN; k++)
		if (mschap_des_block(ctx, challenge,
				     zhash + k * MSCHAP_DES_KEY7_LEN,
				     response + k * MSCHAP_DES_BLOCK_LEN) != 0)
			goto out;
	rc = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	OPENSSL_cleanse(zhash, sizeof(zhash));
	return rc;
}

bool
mschap_response_equal(const uint8_t a[MSCHAP_RESPONSE_LEN],
		      const uint8_t b[MSCHAP_RESPONSE_LEN])
{
	return CRYPTO_memcmp(a, b, MSCHAP_RESPONSE_LEN) == 0;
}

/* --- MS-CHAPv1 --- */

int
mschap_NtChallengeResponse(const uint8_t challenge[MSCHAP_CHALLENGE_LEN],
			   const char *password,
			   uint8_t response[MSCHAP_RESPONSE_LEN])
{
	uint8_t hash[MSCHAP_HASH_LEN];
	int rc = -1;

	if (mschap_NtPasswordHash(password, hash) == 0)
		rc = mschap_ChallengeResponse(challenge, hash, response);
	OPENSSL_cleanse(hash, sizeof(hash));
	return rc;
}

int
mschap_LmPasswordHash(const char *password,
		      uint8_t password_hash[MSCHAP_HASH_LEN])
{
	/* Upper-cased and zero-padded to 14 characters, two DES keys. */
	uint8_t ucase[MSCHAP_LM_PASSWORD_MAX] = { 0 };
	size_t i;
	int rc = -1;

	if (password == NULL || strlen(password) > MSCHAP_LM_PASSWORD_MAX)
		goto out;
	for (i = 0; password[i] != '\0'; i++) {
		uint8_t c = (uint8_t)password[i];

		/* ASCII only: upper-casing other octets needs the peer's code page. */
		if (c > ASCII_MAX)
			goto out;
		if (c >= 'a' && c <= 'z')
			c = (uint8_t)(c - 'a' + 'A');
		ucase[i] = c;
	}
	/* RFC 2433 appendix A DesHash: DesEncrypt(StdText, 7 octets). */
	if (mschap_DesEncrypt(mschap_lm_std_text, ucase, password_hash) != 0 ||
	    mschap_DesEncrypt(mschap_lm_std_text, ucase + MSCHAP_DES_KEY7_LEN,
			      password_hash + MSCHAP_DES_BLOCK_LEN) != 0)
		goto out;
	rc = 0;
out:
	OPENSSL_cleanse(ucase, sizeof(ucase));
	return rc;
}

int
mschap_LmChallengeResponse(const uint8_t challenge[MSCHAP_CHALLENGE_LEN],
			   const char *password,
			   uint8_t response[MSCHAP_RESPONSE_LEN])
{
	uint8_t hash[MSCHAP_HASH_LEN];
	int rc = -1;

	if (mschap_LmPasswordHash(password, hash) == 0)
		rc = mschap_ChallengeResponse(challenge, hash, response);
	OPENSSL_cleanse(hash, sizeof(hash));
	return rc;
}

/* --- MS-CHAPv2 --- */

int
mschap_ChallengeHash(const uint8_t peer_challenge[MSCHAPV2_CHALLENGE_LEN],
		     const uint8_t auth_challenge[MSCHAPV2_CHALLENGE_LEN],
		     const char *user, size_t user_len,
		     uint8_t challenge[MSCHAP_CHALLENGE_LEN])
{
	uint8_t digest[SHA1_LEN];
	size_t i;

	if (user == NULL)
		user_len = 0;
	/*
	 * RFC 2759 8.2: "Only the user name (as presented by the peer and
	 * excluding any prepended domain name)". Windows sends "DOMAIN\user".
	 */
	for (i = user_len; i > 0; i--) {
		if (user[i - 1] == MSCHAP_DOMAIN_SEP) {
			user += i;
			user_len -= i;
			break;
		}
	}
	{
		const struct crypto_buf parts[] = {
			{ peer_challenge, MSCHAPV2_CHALLENGE_LEN },
			{ auth_challenge, MSCHAPV2_CHALLENGE_LEN },
			{ user, user_len },
		};

		if (crypto_digest(crypto_sha1(), parts, CRYPTO_ARRAY_LEN(parts),
				  digest) != 0)
			return -1;
	}
	memcpy(challenge, digest, MSCHAP_CHALLENGE_LEN);
	return 0;
}

int
mschap_GenerateNTResponse(const uint8_t auth_challenge[MSCHAPV2_CHALLENGE_LEN],
			  const uint8_t peer_challenge[MSCHAPV2_CHALLENGE_LEN],
			  const char *user, size_t user_len,
			  const uint8_t password_hash[MSCHAP_HASH_LEN],
			  uint8_t response[MSCHAP_RESPONSE_LEN])
{
	uint8_t challenge[MSCHAP_CHALLENGE_LEN];

	if (mschap_ChallengeHash(peer_challenge, auth_challenge, user, user_len,
				 challenge) != 0)
		return -1;
	return mschap_ChallengeResponse(challenge, password_hash, response);
}

/* RFC 2759 8.7: the 20-octet digest behind "S=". */
static int
mschap_authenticator_digest(const uint8_t password_hash[MSCHAP_HASH_LEN],
			    const uint8_t nt_response[MSCHAP_RESPONSE_LEN],
			    const uint8_t peer_challenge[MSCHAPV2_CHALLENGE_LEN],
			    const uint8_t auth_challenge[MSCHAPV2_CHALLENGE_LEN],
			    const char *user, size_t user_len,
			    uint8_t digest[SHA1_LEN])
{
	uint8_t hash_hash[MSCHAP_HASH_LEN];
	uint8_t challenge[MSCHAP_CHALLENGE_LEN];
	uint8_t inner[SHA1_LEN];
	const struct crypto_buf first[] = {
		{ hash_hash, MSCHAP_HASH_LEN },
		{ nt_response, MSCHAP_RESPONSE_LEN },
		{ mschapv2_auth_magic1, MSCHAPV2_AUTH_MAGIC1_LEN },
	};
	const struct crypto_buf second[] = {
		{ inner, SHA1_LEN },
		{ challenge, MSCHAP_CHALLENGE_LEN },
		{ mschapv2_auth_magic2, MSCHAPV2_AUTH_MAGIC2_LEN },
	};
	int rc = -1;

	if (mschap_HashNtPasswordHash(password_hash, hash_hash) != 0 ||
	    crypto_digest(crypto_sha1(), first, CRYPTO_ARRAY_LEN(first),
			  inner) != 0 ||
	    mschap_ChallengeHash(peer_challenge, auth_challenge, user, user_len,
				 challenge) != 0 ||
	    crypto_digest(crypto_sha1(), second, CRYPTO_ARRAY_LEN(second),
			  digest) != 0)
		goto out;
	rc = 0;
out:
	OPENSSL_cleanse(hash_hash, sizeof(hash_hash));
	OPENSSL_cleanse(inner, sizeof(inner));
	return rc;
}

int
mschap_GenerateAuthenticatorResponse(
	const uint8_t password_hash[MSCHAP_HASH_LEN],
	const uint8_t nt_response[MSCHAP_RESPONSE_LEN],
	const uint8_t peer_challenge[MSCHAPV2_CHALLENGE_LEN],
	const uint8_t auth_challenge[MSCHAPV2_CHALLENGE_LEN],
	const char *user, size_t user_len,
	char auth_response[MSCHAPV2_AUTH_RESPONSE_SIZE])
{
	static const char hex[] = HEX_DIGITS_UPPER;
	uint8_t digest[SHA1_LEN];
	char *p = auth_response + MSCHAPV2_AUTH_PREFIX_LEN;
	size_t i;

	if (mschap_authenticator_digest(password_hash, nt_response,
					peer_challenge, auth_challenge, user,
					user_len, digest) != 0)
		return -1;
	memcpy(auth_response, MSCHAPV2_AUTH_PREFIX, MSCHAPV2_AUTH_PREFIX_LEN);
	for (i = 0; i < SHA1_LEN; i++) {
		*p++ = hex[digest[i] >> HEX_NIBBLE_BITS];
		*p++ = hex[digest[i] & (HEX_BASE - 1)];
	}
	*p = '\0';
	return 0;
}

/* Value of one hex digit of either case, or -1. */
static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + HEX_ALPHA_VALUE;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + HEX_ALPHA_VALUE;
	return -1;
}

bool
mschap_CheckAuthenticatorResponse(
	const uint8_t password_hash[MSCHAP_HASH_LEN],
	const uint8_t nt_response[MSCHAP_RESPONSE_LEN],
	const uint8_t peer_challenge[MSCHAPV2_CHALLENGE_LEN],
	const uint8_t auth_challenge[MSCHAPV2_CHALLENGE_LEN],
	const char *user, size_t user_len,
	const char *received, size_t received_len)
{
	uint8_t want[SHA1_LEN];
	uint8_t got[SHA1_LEN];
	const char *p;
	size_t i;

	/* The form depends only on what the peer sent: checking it may branch. */
	if (received == NULL || received_len < MSCHAPV2_AUTH_RESPONSE_LEN ||
	    memcmp(received, MSCHAPV2_AUTH_PREFIX, MSCHAPV2_AUTH_PREFIX_LEN) != 0)
		return false;
	if (received_len > MSCHAPV2_AUTH_RESPONSE_LEN &&
	    received[MSCHAPV2_AUTH_RESPONSE_LEN] != MSCHAPV2_AUTH_MSG_SEP)
		return false;
	p = received + MSCHAPV2_AUTH_PREFIX_LEN;
	for (i = 0; i < SHA1_LEN; i++) {
		int hi = hex_value(p[2 * i]);
		int lo = hex_value(p[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		got[i] = (uint8_t)(hi << HEX_NIBBLE_BITS | lo);
	}

	if (mschap_authenticator_digest(password_hash, nt_response,
					peer_challenge, auth_challenge, user,
					user_len, want) != 0)
		return false;
	/* Compared in constant time: the digest is derived from the secret. */
	return CRYPTO_memcmp(want, got, SHA1_LEN) == 0;
}
