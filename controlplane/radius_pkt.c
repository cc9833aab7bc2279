/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RADIUS wire format (radius_pkt.h). MD5 comes from the crypto core
 * (OpenSSL); HMAC-MD5 is built on it here so every digest goes one way.
 */
#include <string.h>

#include <openssl/crypto.h>

#include "crypto_init.h"
#include "radius_pkt.h"

#define MD5_LEN      16
#define HMAC_BLOCK   64      /* RFC 2104: MD5's block size */
#define HMAC_IPAD    0x36
#define HMAC_OPAD    0x5c
#define SALT_HIGH    0x80    /* RFC 2548 2.4.2: the Salt's most significant bit is set */

static const char *const parse_err_names[] = {
#define RADIUS_PARSE_NAME(name, str) str,
	RADIUS_PARSE_ERR_TABLE(RADIUS_PARSE_NAME)
#undef RADIUS_PARSE_NAME
};

const char *radius_parse_err_name(enum radius_parse_err e)
{
	return (unsigned int)e < RADIUS_PARSE_ERR_COUNT ? parse_err_names[e] : "?";
}

const char *radius_verify_name(enum radius_verify v)
{
	switch (v) {
	case RADIUS_VERIFY_OK:
		return "ok";
	case RADIUS_VERIFY_BAD_AUTHENTICATOR:
		return "bad authenticator";
	case RADIUS_VERIFY_NO_MSG_AUTH:
		return "no Message-Authenticator";
	case RADIUS_VERIFY_BAD_MSG_AUTH:
		return "bad Message-Authenticator";
	}
	return "?";
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* ---- parsing ---- */

static bool vendor_is_split(uint32_t vendor)
{
	/* Both use the RFC 2865 5.26 suggested format: Type (1), Length (1), Value. */
	return vendor == RADIUS_VENDOR_MICROSOFT || vendor == RADIUS_VENDOR_MIKROTIK;
}

static enum radius_parse_err push_attr(struct radius_msg *msg, uint8_t type, uint32_t vendor,
				       uint8_t vtype, const uint8_t *val, size_t len)
{
	struct radius_attr *a;

	if (msg->n_attrs >= RADIUS_ATTRS_MAX)
		return RADIUS_PARSE_TOO_MANY;
	a = &msg->attrs[msg->n_attrs++];
	a->type = type;
	a->vendor = vendor;
	a->vtype = vtype;
	a->len = (uint8_t)len;
	a->val = val;
	return RADIUS_PARSE_OK;
}

/* RFC 2865 5.26: Vendor-Id, then (for the vendors we know) Type/Length/Value triples. */
static enum radius_parse_err parse_vsa(struct radius_msg *msg, const uint8_t *val, size_t len)
{
	uint32_t vendor;
	size_t off;
	enum radius_parse_err e;

	if (len < 4)
		return RADIUS_PARSE_VSA_BAD;
	vendor = get32(val);
	if (!vendor_is_split(vendor))
		return push_attr(msg, RADIUS_VENDOR_SPECIFIC, vendor, 0, val + 4, len - 4);
	off = 4;
	if (off == len)
		return RADIUS_PARSE_VSA_BAD;
	while (off < len) {
		uint8_t vlen;

		if (len - off < RADIUS_ATTR_HDR)
			return RADIUS_PARSE_VSA_BAD;
		vlen = val[off + 1];
		if (vlen < RADIUS_ATTR_HDR || vlen > len - off)
			return RADIUS_PARSE_VSA_BAD;
		e = push_attr(msg, RADIUS_VENDOR_SPECIFIC, vendor, val[off], val + off + 2,
			      vlen - RADIUS_ATTR_HDR);
		if (e != RADIUS_PARSE_OK)
			return e;
		off += vlen;
	}
	return RADIUS_PARSE_OK;
}

enum radius_parse_err radius_parse(const uint8_t *buf, size_t len, struct radius_msg *msg)
{
	size_t off, plen;
	enum radius_parse_err e;

	msg->n_attrs = 0;
	msg->ma_off = -1;
	if (len < RADIUS_HDR_LEN)
		return RADIUS_PARSE_SHORT;
	plen = get16(buf + 2);
	/* RFC 2865 3: shorter than Length is discarded; octets beyond it are padding. */
	if (plen < RADIUS_HDR_LEN || plen > RADIUS_PKT_MAX || plen > len)
		return RADIUS_PARSE_BAD_LENGTH;
	msg->code = buf[0];
	msg->id = buf[1];
	msg->len = (uint16_t)plen;
	memcpy(msg->authenticator, buf + 4, RADIUS_AUTH_LEN);

	for (off = RADIUS_HDR_LEN; off < plen;) {
		uint8_t type, alen;

		if (plen - off < RADIUS_ATTR_HDR)
			return RADIUS_PARSE_ATTR_TRUNC;
		type = buf[off];
		alen = buf[off + 1];
		if (alen < RADIUS_ATTR_HDR)
			return RADIUS_PARSE_ATTR_SHORT;
		if (alen > plen - off)
			return RADIUS_PARSE_ATTR_TRUNC;
		if (type == RADIUS_MESSAGE_AUTHENTICATOR) {
			/* RFC 3579 3.2: exactly 16 octets; two would make the HMAC ambiguous. */
			if (alen != RADIUS_ATTR_HDR + RADIUS_MA_LEN || msg->ma_off >= 0)
				return RADIUS_PARSE_MA_BAD_LEN;
			msg->ma_off = (int)(off + RADIUS_ATTR_HDR);
		}
		if (type == RADIUS_VENDOR_SPECIFIC)
			e = parse_vsa(msg, buf + off + 2, alen - RADIUS_ATTR_HDR);
		else
			e = push_attr(msg, type, 0, 0, buf + off + 2, alen - RADIUS_ATTR_HDR);
		if (e != RADIUS_PARSE_OK)
			return e;
		off += alen;
	}
	return RADIUS_PARSE_OK;
}

const struct radius_attr *radius_find(const struct radius_msg *msg, uint32_t vendor, uint8_t type)
{
	for (unsigned int i = 0; i < msg->n_attrs; i++) {
		const struct radius_attr *a = &msg->attrs[i];

		if (vendor == 0 && a->vendor == 0 && a->type == type)
			return a;
		if (vendor != 0 && a->vendor == vendor && a->vtype == type)
			return a;
	}
	return NULL;
}

int radius_get_u32(const struct radius_msg *msg, uint32_t vendor, uint8_t type, uint32_t *out)
{
	const struct radius_attr *a = radius_find(msg, vendor, type);

	if (!a || a->len != 4)
		return -1;
	*out = get32(a->val);
	return 0;
}

int radius_get_str(const struct radius_msg *msg, uint32_t vendor, uint8_t type, char *out,
		   size_t cap)
{
	const struct radius_attr *a = radius_find(msg, vendor, type);
	size_t n;

	if (!a || cap == 0)
		return -1;
	/* RFC 2865 5: text is not NUL-terminated on the wire; an embedded NUL ends it here. */
	n = a->len < cap - 1 ? a->len : cap - 1;
	memcpy(out, a->val, n);
	out[n] = '\0';
	return 0;
}

/* ---- building ---- */

void radius_build_init(struct radius_builder *b, uint8_t code, uint8_t id,
		       const uint8_t auth[RADIUS_AUTH_LEN])
{
	b->buf[0] = code;
	b->buf[1] = id;
	put16(b->buf + 2, RADIUS_HDR_LEN);
	if (auth)
		memcpy(b->buf + 4, auth, RADIUS_AUTH_LEN);
	else
		memset(b->buf + 4, 0, RADIUS_AUTH_LEN);
	b->len = RADIUS_HDR_LEN;
	b->overflow = false;
	b->ma_off = -1;
}

/* Room for an attribute of n value octets with hdr header octets, or mark overflow. */
static uint8_t *reserve(struct radius_builder *b, size_t hdr, size_t n)
{
	uint8_t *p;

	if (b->overflow || n > RADIUS_ATTR_VAL_MAX - (hdr - RADIUS_ATTR_HDR) ||
	    b->len + hdr + n > RADIUS_PKT_MAX) {
		b->overflow = true;
		return NULL;
	}
	p = b->buf + b->len;
	b->len += hdr + n;
	return p;
}

void radius_add(struct radius_builder *b, uint8_t type, const void *val, size_t len)
{
	uint8_t *p = reserve(b, RADIUS_ATTR_HDR, len);

	if (!p)
		return;
	p[0] = type;
	p[1] = (uint8_t)(RADIUS_ATTR_HDR + len);
	if (len)
		memcpy(p + 2, val, len);
}

void radius_add_u32(struct radius_builder *b, uint8_t type, uint32_t v)
{
	uint8_t be[4];

	put32(be, v);
	radius_add(b, type, be, sizeof(be));
}

void radius_add_str(struct radius_builder *b, uint8_t type, const char *s)
{
	size_t n = strlen(s);

	/* RFC 2865 5: text and string attributes are never empty. */
	if (n)
		radius_add(b, type, s, n);
}

void radius_add_vsa(struct radius_builder *b, uint32_t vendor, uint8_t vtype, const void *val,
		    size_t len)
{
	uint8_t *p = reserve(b, RADIUS_ATTR_HDR + RADIUS_VSA_HDR, len);

	if (!p)
		return;
	p[0] = RADIUS_VENDOR_SPECIFIC;
	p[1] = (uint8_t)(RADIUS_ATTR_HDR + RADIUS_VSA_HDR + len);
	put32(p + 2, vendor);
	p[6] = vtype;
	p[7] = (uint8_t)(RADIUS_ATTR_HDR + len);
	if (len)
		memcpy(p + 8, val, len);
}

void radius_add_msg_auth(struct radius_builder *b)
{
	static const uint8_t zero[RADIUS_MA_LEN];
	size_t at = b->len;

	if (b->ma_off >= 0)
		return;
	radius_add(b, RADIUS_MESSAGE_AUTHENTICATOR, zero, sizeof(zero));
	if (!b->overflow)
		b->ma_off = (int)(at + RADIUS_ATTR_HDR);
}

static int md5(const struct crypto_buf *parts, size_t n, uint8_t out[MD5_LEN])
{
	return crypto_digest(crypto_md5(), parts, n, out);
}

int radius_hmac_md5(const uint8_t *key, size_t key_len, const uint8_t *data, size_t len,
		    uint8_t out[RADIUS_MA_LEN])
{
	uint8_t k[HMAC_BLOCK] = { 0 }, ipad[HMAC_BLOCK], opad[HMAC_BLOCK], inner[MD5_LEN];
	int rc = -1;

	/* RFC 2104 2: keys longer than the block are hashed first. */
	if (key_len > HMAC_BLOCK) {
		struct crypto_buf kp[] = { { key, key_len } };

		if (md5(kp, 1, k) < 0)
			goto out;
	} else if (key_len) {
		memcpy(k, key, key_len);
	}
	for (size_t i = 0; i < HMAC_BLOCK; i++) {
		ipad[i] = k[i] ^ HMAC_IPAD;
		opad[i] = k[i] ^ HMAC_OPAD;
	}
	{
		struct crypto_buf ip[] = { { ipad, sizeof(ipad) }, { data, len } };
		struct crypto_buf op[] = { { opad, sizeof(opad) }, { inner, sizeof(inner) } };

		if (md5(ip, 2, inner) < 0 || md5(op, 2, out) < 0)
			goto out;
	}
	rc = 0;
out:
	OPENSSL_cleanse(k, sizeof(k));
	OPENSSL_cleanse(ipad, sizeof(ipad));
	OPENSSL_cleanse(opad, sizeof(opad));
	return rc;
}

static int hmac_secret(const char *secret, const uint8_t *data, size_t len, uint8_t out[RADIUS_MA_LEN])
{
	return radius_hmac_md5((const uint8_t *)secret, strlen(secret), data, len, out);
}

/* MD5(Code+Id+Length+auth+Attributes+Secret) over buf[0..len) with auth in place of 4..20. */
static int content_md5(const uint8_t *buf, size_t len, const uint8_t auth[RADIUS_AUTH_LEN],
		       const char *secret, uint8_t out[MD5_LEN])
{
	struct crypto_buf parts[] = {
		{ buf, 4 },
		{ auth, RADIUS_AUTH_LEN },
		{ buf + RADIUS_HDR_LEN, len - RADIUS_HDR_LEN },
		{ secret, strlen(secret) },
	};

	return md5(parts, CRYPTO_ARRAY_LEN(parts), out);
}

size_t radius_finish_request(struct radius_builder *b, const char *secret)
{
	static const uint8_t zero[RADIUS_AUTH_LEN];
	uint8_t *buf = b->buf;
	uint8_t digest[MD5_LEN];

	if (b->overflow)
		return 0;
	put16(buf + 2, (uint16_t)b->len);
	if (buf[0] == RADIUS_ACCESS_REQUEST) {
		/* RFC 3579 3.2: HMAC over the packet with the random authenticator in place. */
		if (b->ma_off >= 0 && hmac_secret(secret, buf, b->len, buf + b->ma_off) < 0)
			return 0;
		return b->len;
	}
	/* RFC 5176 3.3 / RFC 5080 2.2.2: the HMAC is taken with a zero authenticator. */
	memset(buf + 4, 0, RADIUS_AUTH_LEN);
	if (b->ma_off >= 0 && hmac_secret(secret, buf, b->len, buf + b->ma_off) < 0)
		return 0;
	/* RFC 2866 3 / RFC 5176 2.3: Request Authenticator = MD5 over the zeroed packet. */
	if (content_md5(buf, b->len, zero, secret, digest) < 0)
		return 0;
	memcpy(buf + 4, digest, RADIUS_AUTH_LEN);
	return b->len;
}

size_t radius_finish_response(struct radius_builder *b, const uint8_t request_auth[RADIUS_AUTH_LEN],
			      const char *secret)
{
	uint8_t *buf = b->buf;
	uint8_t digest[MD5_LEN];

	if (b->overflow)
		return 0;
	put16(buf + 2, (uint16_t)b->len);
	/* RFC 3579 3.2: a response's HMAC is taken over the Request Authenticator. */
	memcpy(buf + 4, request_auth, RADIUS_AUTH_LEN);
	if (b->ma_off >= 0 && hmac_secret(secret, buf, b->len, buf + b->ma_off) < 0)
		return 0;
	/* RFC 2865 3: ResponseAuth = MD5(Code+ID+Length+RequestAuth+Attributes+Secret). */
	if (content_md5(buf, b->len, request_auth, secret, digest) < 0)
		return 0;
	memcpy(buf + 4, digest, RADIUS_AUTH_LEN);
	return b->len;
}

/* ---- checking ---- */

/* HMAC over msg's octets with auth in the authenticator field and the MA value zeroed. */
static enum radius_verify check_ma(const uint8_t *buf, const struct radius_msg *msg,
				   const uint8_t auth[RADIUS_AUTH_LEN], const char *secret)
{
	uint8_t copy[RADIUS_PKT_MAX];
	uint8_t mac[RADIUS_MA_LEN];
	enum radius_verify v = RADIUS_VERIFY_BAD_MSG_AUTH;

	memcpy(copy, buf, msg->len);
	memcpy(copy + 4, auth, RADIUS_AUTH_LEN);
	memset(copy + msg->ma_off, 0, RADIUS_MA_LEN);
	if (hmac_secret(secret, copy, msg->len, mac) == 0 &&
	    CRYPTO_memcmp(mac, buf + msg->ma_off, RADIUS_MA_LEN) == 0)
		v = RADIUS_VERIFY_OK;
	return v;
}

enum radius_verify radius_verify_response(const uint8_t *buf, const struct radius_msg *msg,
					  const uint8_t request_auth[RADIUS_AUTH_LEN],
					  const char *secret, bool require_ma)
{
	uint8_t digest[MD5_LEN];

	if (content_md5(buf, msg->len, request_auth, secret, digest) < 0 ||
	    CRYPTO_memcmp(digest, buf + 4, RADIUS_AUTH_LEN) != 0)
		return RADIUS_VERIFY_BAD_AUTHENTICATOR;
	if (msg->ma_off < 0)
		return require_ma ? RADIUS_VERIFY_NO_MSG_AUTH : RADIUS_VERIFY_OK;
	return check_ma(buf, msg, request_auth, secret);
}

enum radius_verify radius_verify_request(const uint8_t *buf, const struct radius_msg *msg,
					 const char *secret)
{
	static const uint8_t zero[RADIUS_AUTH_LEN];
	uint8_t digest[MD5_LEN];

	if (content_md5(buf, msg->len, zero, secret, digest) < 0 ||
	    CRYPTO_memcmp(digest, buf + 4, RADIUS_AUTH_LEN) != 0)
		return RADIUS_VERIFY_BAD_AUTHENTICATOR;
	if (msg->ma_off < 0)
		return RADIUS_VERIFY_OK;
	return check_ma(buf, msg, zero, secret);
}

/* ---- hidden values ---- */

/* out[i] = in[i] ^ MD5(secret + prev [+ extra]) per 16-octet block, prev chained on ciphertext. */
static int xor_chain(const uint8_t *in, size_t len, const char *secret, const uint8_t *first,
		     size_t first_len, bool decrypt, uint8_t *out)
{
	uint8_t b[MD5_LEN], prev[MD5_LEN];
	const uint8_t *chain = first;
	size_t chain_len = first_len;
	int rc = -1;

	for (size_t off = 0; off < len; off += MD5_LEN) {
		struct crypto_buf parts[] = { { secret, strlen(secret) }, { chain, chain_len } };

		if (md5(parts, 2, b) < 0)
			goto out;
		for (size_t i = 0; i < MD5_LEN; i++)
			out[off + i] = in[off + i] ^ b[i];
		/* The next block is keyed on this block's ciphertext (in and out never overlap). */
		memcpy(prev, decrypt ? in + off : out + off, MD5_LEN);
		chain = prev;
		chain_len = MD5_LEN;
	}
	rc = 0;
out:
	OPENSSL_cleanse(b, sizeof(b));
	return rc;
}

size_t radius_hide_password(const uint8_t *pw, size_t pw_len, const char *secret,
			    const uint8_t request_auth[RADIUS_AUTH_LEN], uint8_t *out,
			    size_t out_cap)
{
	uint8_t padded[RADIUS_PASSWORD_MAX] = { 0 };
	size_t n = pw_len ? (pw_len + MD5_LEN - 1) / MD5_LEN * MD5_LEN : MD5_LEN;

	if (pw_len > RADIUS_PASSWORD_MAX || n > out_cap)
		return 0;
	memcpy(padded, pw, pw_len);
	if (xor_chain(padded, n, secret, request_auth, RADIUS_AUTH_LEN, false, out) < 0)
		n = 0;
	OPENSSL_cleanse(padded, sizeof(padded));
	return n;
}

int radius_unhide_password(const uint8_t *in, size_t in_len, const char *secret,
			   const uint8_t request_auth[RADIUS_AUTH_LEN], uint8_t *out)
{
	if (in_len == 0 || in_len % MD5_LEN || in_len > RADIUS_PASSWORD_MAX)
		return -1;
	return xor_chain(in, in_len, secret, request_auth, RADIUS_AUTH_LEN, true, out);
}

size_t radius_salt_encrypt(const uint8_t *key, size_t key_len, const uint8_t salt[2],
			   const char *secret, const uint8_t request_auth[RADIUS_AUTH_LEN],
			   uint8_t *out, size_t out_cap)
{
	uint8_t plain[RADIUS_ATTR_VAL_MAX] = { 0 };
	uint8_t first[RADIUS_AUTH_LEN + 2];
	size_t n = (1 + key_len + MD5_LEN - 1) / MD5_LEN * MD5_LEN;

	if (key_len > UINT8_MAX || 2 + n > out_cap || 2 + n > RADIUS_ATTR_VAL_MAX - RADIUS_VSA_HDR)
		return 0;
	plain[0] = (uint8_t)key_len;
	memcpy(plain + 1, key, key_len);
	out[0] = salt[0] | SALT_HIGH;
	out[1] = salt[1];
	/* RFC 2548 2.4.2: b(1) = MD5(S + R + A), R the Request Authenticator, A the Salt. */
	memcpy(first, request_auth, RADIUS_AUTH_LEN);
	memcpy(first + RADIUS_AUTH_LEN, out, 2);
	if (xor_chain(plain, n, secret, first, sizeof(first), false, out + 2) < 0)
		n = 0;
	else
		n += 2;
	OPENSSL_cleanse(plain, sizeof(plain));
	return n;
}

int radius_salt_decrypt(const uint8_t *in, size_t in_len, const char *secret,
			const uint8_t request_auth[RADIUS_AUTH_LEN], uint8_t *key, size_t cap)
{
	uint8_t plain[RADIUS_ATTR_VAL_MAX];
	uint8_t first[RADIUS_AUTH_LEN + 2];
	size_t n;
	int rc = -1;

	/* Salt + at least one block, whole blocks only; the Salt's high bit set. */
	if (in_len < 2 + MD5_LEN || (in_len - 2) % MD5_LEN || in_len > sizeof(plain) ||
	    !(in[0] & SALT_HIGH))
		return -1;
	n = in_len - 2;
	memcpy(first, request_auth, RADIUS_AUTH_LEN);
	memcpy(first + RADIUS_AUTH_LEN, in, 2);
	if (xor_chain(in + 2, n, secret, first, sizeof(first), true, plain) < 0)
		goto out;
	/* The Key-Length octet must fit in what was sent. */
	if (plain[0] == 0 || plain[0] > n - 1 || plain[0] > cap)
		goto out;
	memcpy(key, plain + 1, plain[0]);
	rc = plain[0];
out:
	OPENSSL_cleanse(plain, sizeof(plain));
	return rc;
}
