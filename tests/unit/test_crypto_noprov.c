/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * crypto_init() without OpenSSL's legacy provider: OPENSSL_MODULES points at
 * an empty directory before OpenSSL first looks for modules. Start-up must
 * fail with the message an operator can act on, and every crypto function
 * must fail cleanly instead of crashing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "chap_md5.h"
#include "crypto_init.h"
#include "mppe_keys.h"
#include "mschap.h"

static char modules_dir[] = "/tmp/pptpgw-no-ossl-modules-XXXXXX";

static void
test_init_without_legacy(void **state)
{
	(void)state;
	assert_int_equal(crypto_init(), -1);
	assert_int_equal(crypto_init(), -1); /* the answer does not change */
	assert_string_equal(crypto_last_error(), CRYPTO_ERR_NO_LEGACY);
	assert_non_null(strstr(crypto_last_error(), "legacy provider not found"));
	assert_null(crypto_md4());
	assert_null(crypto_sha1());
	assert_null(crypto_des_ecb());
}

static void
test_functions_fail_cleanly(void **state)
{
	uint8_t hash[MSCHAP_HASH_LEN] = { 0 }, resp[MSCHAP_RESPONSE_LEN];
	uint8_t chal[MSCHAPV2_CHALLENGE_LEN] = { 0 };
	uint8_t nt[MPPE_NT_RESPONSE_LEN] = { 0 };
	char s_resp[MSCHAPV2_AUTH_RESPONSE_SIZE];
	struct mppe_key send, recv;

	(void)state;
	assert_int_equal(mschap_NtPasswordHash("x", hash), -1);
	assert_int_equal(mschap_ChallengeResponse(chal, hash, resp), -1);
	assert_int_equal(mschap_GenerateNTResponse(chal, chal, "u", 1, hash, resp),
			 -1);
	assert_int_equal(mschap_GenerateAuthenticatorResponse(hash, resp, chal, chal,
							      "u", 1, s_resp), -1);
	assert_int_equal(chap_md5_response(1, hash, 1, chal, 1, resp), -1);
	assert_false(chap_md5_verify(1, hash, 1, chal, 1, resp,
				     CHAP_MD5_RESPONSE_LEN));
	assert_int_equal(mppe_keys_from_mschapv2(hash, nt, MPPE_BITS_128,
						 MPPE_ROLE_SERVER, &send, &recv),
			 -1);
	/* Start keys from RADIUS need no OpenSSL digest beyond SHA1_*(). */
	assert_int_equal(mppe_key_init(&send, chal, sizeof(chal), MPPE_BITS_128), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_without_legacy),
		cmocka_unit_test(test_functions_fail_cleanly),
	};
	int rc;

	if (mkdtemp(modules_dir) == NULL ||
	    setenv("OPENSSL_MODULES", modules_dir, 1) != 0) {
		perror("test set-up");
		return 1;
	}
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	rmdir(modules_dir);
	return rc;
}
