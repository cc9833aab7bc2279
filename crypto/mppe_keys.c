/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MPPE key derivation (RFC 3079) and key change (RFC 3078 7.3), see
 * mppe_keys.h.
 *
 * GetNewKeyFromSHA runs on the fast path for every stateless packet, so it
 * uses OpenSSL's low-level SHA1_Init/Update/Final: deprecated in OpenSSL 3,
 * but the only SHA-1 entry that neither allocates nor fails. An EVP digest
 * frees and re-creates its provider context on every init (one malloc per
 * packet) and costs about 40% more (measured: 112 vs 82 ns for the 112-octet
 * input here). Everything else goes through EVP.
 */
#define OPENSSL_SUPPRESS_DEPRECATED

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "crypto_init.h"
#include "mppe_keys.h"
#include "rc4.h"

#define MPPE_SHA1_LEN SHA_DIGEST_LENGTH

/* RFC 3079 2.4 / 3.4: the two 40-octet pads around the key material. */
#define MPPE_SHS_PAD_LEN  40
#define MPPE_SHS_PAD2_OCT 0xF2
static const uint8_t mppe_shs_pad1[MPPE_SHS_PAD_LEN]; /* all zero */
static const uint8_t mppe_shs_pad2[MPPE_SHS_PAD_LEN] = {
	[0 ... MPPE_SHS_PAD_LEN - 1] = MPPE_SHS_PAD2_OCT,
};

/* RFC 3079 3.4: GetMasterKey's and GetAsymmetricStartKey's constants. */
static const char mppe_magic1[] = "This is the MPPE Master Key";
static const char mppe_magic2[] =
	"On the client side, this is the send key; "
	"on the server side, it is the receive key.";
static const char mppe_magic3[] =
	"On the client side, this is the receive key; "
	"on the server side, it is the send key.";
#define MPPE_MAGIC1_LEN  27 /* octets, as listed in RFC 3079 3.4 */
#define MPPE_MAGIC23_LEN 84
_Static_assert(sizeof(mppe_magic1) - 1 == MPPE_MAGIC1_LEN, "RFC 3079 Magic1");
_Static_assert(sizeof(mppe_magic2) - 1 == MPPE_MAGIC23_LEN, "RFC 3079 Magic2");
_Static_assert(sizeof(mppe_magic3) - 1 == MPPE_MAGIC23_LEN, "RFC 3079 Magic3");

/* RFC 3079 2.1 / 3.1 and 2.2 / 3.2: the fixed leading octets. */
static const uint8_t mppe_salt_40[] = { 0xD1, 0x26, 0x9E };
static const uint8_t mppe_salt_56[] = { 0xD1 };

_Static_assert(MPPE_SHA1_LEN >= MPPE_KEY_MAX_LEN, "SHA-1 yields the key");

size_t
mppe_key_len(enum mppe_bits bits)
{
	switch (bits) {
	case MPPE_BITS_40:
	case MPPE_BITS_56:
		return MPPE_KEY_LEN_64;
	case MPPE_BITS_128:
		return MPPE_KEY_LEN_128;
	}
	return 0;
}

void
mppe_key_reduce(uint8_t *key, enum mppe_bits bits)
{
	switch (bits) {
	case MPPE_BITS_40:
		memcpy(key, mppe_salt_40, sizeof(mppe_salt_40));
		break;
	case MPPE_BITS_56:
		memcpy(key, mppe_salt_56, sizeof(mppe_salt_56));
		break;
	case MPPE_BITS_128:
		break;
	}
}

void
mppe_GetNewKeyFromSHA(const uint8_t *start_key, const uint8_t *session_key,
		      size_t len, uint8_t *interim_key)
{
	uint8_t digest[MPPE_SHA1_LEN];
	SHA_CTX ctx;

	SHA1_Init(&ctx);
	SHA1_Update(&ctx, start_key, len);
	SHA1_Update(&ctx, mppe_shs_pad1, sizeof(mppe_shs_pad1));
	SHA1_Update(&ctx, session_key, len);
	SHA1_Update(&ctx, mppe_shs_pad2, sizeof(mppe_shs_pad2));
	SHA1_Final(digest, &ctx);
	memcpy(interim_key, digest, len);
}

void
mppe_rekey(struct mppe_key *k)
{
	uint8_t interim[MPPE_KEY_MAX_LEN];
	struct rc4_state rc4;

	/* RFC 3078 7.3: the interim key encrypts itself into the new key. */
	mppe_GetNewKeyFromSHA(k->start, k->session, k->len, interim);
	rc4_init(&rc4, interim, k->len);
	rc4_crypt(&rc4, interim, k->session, k->len);
	mppe_key_reduce(k->session, k->bits);
}

int
mppe_key_init(struct mppe_key *k, const uint8_t *start_key, size_t start_len,
	      enum mppe_bits bits)
{
	size_t len = mppe_key_len(bits);

	if (len == 0 || start_key == NULL || start_len < len)
		return -1;
	memset(k, 0, sizeof(*k));
	k->len = (uint8_t)len;
	k->bits = bits;
	memcpy(k->start, start_key, len);
	/* RFC 3079 2.x / 3.x: the initial key is not RC4-encrypted. */
	mppe_GetNewKeyFromSHA(k->start, k->start, len, k->session);
	mppe_key_reduce(k->session, bits);
	return 0;
}

int
mppe_GetStartKey(const uint8_t challenge[MPPE_CHALLENGE_LEN],
		 const uint8_t password_hash_hash[MPPE_HASH_LEN],
		 uint8_t initial_session_key[MPPE_KEY_MAX_LEN])
{
	const struct crypto_buf parts[] = {
		{ password_hash_hash, MPPE_HASH_LEN },
		{ password_hash_hash, MPPE_HASH_LEN },
		{ challenge, MPPE_CHALLENGE_LEN },
	};
	uint8_t digest[MPPE_SHA1_LEN];

	if (crypto_digest(crypto_sha1(), parts, CRYPTO_ARRAY_LEN(parts),
			  digest) != 0)
		return -1;
	memcpy(initial_session_key, digest, MPPE_KEY_MAX_LEN);
	OPENSSL_cleanse(digest, sizeof(digest));
	return 0;
}

int
mppe_GetMasterKey(const uint8_t password_hash_hash[MPPE_HASH_LEN],
		  const uint8_t nt_response[MPPE_NT_RESPONSE_LEN],
		  uint8_t master_key[MPPE_MASTER_KEY_LEN])
{
	const struct crypto_buf parts[] = {
		{ password_hash_hash, MPPE_HASH_LEN },
		{ nt_response, MPPE_NT_RESPONSE_LEN },
		{ mppe_magic1, MPPE_MAGIC1_LEN },
	};
	uint8_t digest[MPPE_SHA1_LEN];

	if (crypto_digest(crypto_sha1(), parts, CRYPTO_ARRAY_LEN(parts),
			  digest) != 0)
		return -1;
	memcpy(master_key, digest, MPPE_MASTER_KEY_LEN);
	OPENSSL_cleanse(digest, sizeof(digest));
	return 0;
}

int
mppe_GetAsymmetricStartKey(const uint8_t master_key[MPPE_MASTER_KEY_LEN],
			   uint8_t *session_key, size_t len, bool is_send,
			   bool is_server)
{
	/* RFC 3079 3.4: send/server and receive/client share Magic3. */
	const char *magic = is_send == is_server ? mppe_magic3 : mppe_magic2;
	const struct crypto_buf parts[] = {
		{ master_key, MPPE_MASTER_KEY_LEN },
		{ mppe_shs_pad1, sizeof(mppe_shs_pad1) },
		{ magic, MPPE_MAGIC23_LEN },
		{ mppe_shs_pad2, sizeof(mppe_shs_pad2) },
	};
	uint8_t digest[MPPE_SHA1_LEN];

	if (len > MPPE_KEY_MAX_LEN ||
	    crypto_digest(crypto_sha1(), parts, CRYPTO_ARRAY_LEN(parts),
			  digest) != 0)
		return -1;
	memcpy(session_key, digest, len);
	OPENSSL_cleanse(digest, sizeof(digest));
	return 0;
}

int
mppe_keys_from_mschapv1(const uint8_t password_hash_hash[MPPE_HASH_LEN],
			const uint8_t challenge[MPPE_CHALLENGE_LEN],
			enum mppe_bits bits, struct mppe_key *send,
			struct mppe_key *recv)
{
	uint8_t start[MPPE_KEY_MAX_LEN];
	int rc = -1;

	if (mppe_GetStartKey(challenge, password_hash_hash, start) != 0 ||
	    mppe_key_init(send, start, sizeof(start), bits) != 0)
		goto out;
	/* RFC 3079 2: MS-CHAPv1 keys are the same in both directions. */
	*recv = *send;
	rc = 0;
out:
	OPENSSL_cleanse(start, sizeof(start));
	return rc;
}

int
mppe_keys_from_mschapv1_lm(const uint8_t lm_password_hash[MPPE_HASH_LEN],
			   enum mppe_bits bits, struct mppe_key *send,
			   struct mppe_key *recv)
{
	if (bits == MPPE_BITS_128 ||
	    mppe_key_init(send, lm_password_hash, MPPE_HASH_LEN, bits) != 0)
		return -1;
	*recv = *send;
	return 0;
}

int
mppe_keys_from_mschapv2(const uint8_t password_hash_hash[MPPE_HASH_LEN],
			const uint8_t nt_response[MPPE_NT_RESPONSE_LEN],
			enum mppe_bits bits, enum mppe_role role,
			struct mppe_key *send, struct mppe_key *recv)
{
	const bool is_server = role == MPPE_ROLE_SERVER;
	size_t len = mppe_key_len(bits);
	uint8_t master[MPPE_MASTER_KEY_LEN];
	uint8_t send_start[MPPE_KEY_MAX_LEN];
	uint8_t recv_start[MPPE_KEY_MAX_LEN];
	int rc = -1;

	if (len == 0 ||
	    (role != MPPE_ROLE_SERVER && role != MPPE_ROLE_CLIENT) ||
	    mppe_GetMasterKey(password_hash_hash, nt_response, master) != 0 ||
	    mppe_GetAsymmetricStartKey(master, send_start, len, true,
				       is_server) != 0 ||
	    mppe_GetAsymmetricStartKey(master, recv_start, len, false,
				       is_server) != 0 ||
	    mppe_key_init(send, send_start, len, bits) != 0 ||
	    mppe_key_init(recv, recv_start, len, bits) != 0)
		goto out;
	rc = 0;
out:
	OPENSSL_cleanse(master, sizeof(master));
	OPENSSL_cleanse(send_start, sizeof(send_start));
	OPENSSL_cleanse(recv_start, sizeof(recv_start));
	return rc;
}
