/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CHAP-MD5 (RFC 1994 4.1), see chap_md5.h.
 */
#include <openssl/crypto.h>

#include "chap_md5.h"
#include "crypto_init.h"

int
chap_md5_response(uint8_t id, const uint8_t *secret, size_t secret_len,
		  const uint8_t *challenge, size_t challenge_len,
		  uint8_t response[CHAP_MD5_RESPONSE_LEN])
{
	/* RFC 1994 4.1: "the Identifier, followed by the secret, followed by
	 * the Challenge Value". */
	const struct crypto_buf parts[] = {
		{ &id, sizeof(id) },
		{ secret, secret != NULL ? secret_len : 0 },
		{ challenge, challenge != NULL ? challenge_len : 0 },
	};

	return crypto_digest(crypto_md5(), parts, CRYPTO_ARRAY_LEN(parts),
			     response);
}

bool
chap_md5_verify(uint8_t id, const uint8_t *secret, size_t secret_len,
		const uint8_t *challenge, size_t challenge_len,
		const uint8_t *value, size_t value_len)
{
	uint8_t want[CHAP_MD5_RESPONSE_LEN];
	bool ok;

	if (value == NULL || value_len != CHAP_MD5_RESPONSE_LEN ||
	    chap_md5_response(id, secret, secret_len, challenge, challenge_len,
			      want) != 0)
		return false;
	ok = CRYPTO_memcmp(want, value, CHAP_MD5_RESPONSE_LEN) == 0;
	OPENSSL_cleanse(want, sizeof(want));
	return ok;
}
