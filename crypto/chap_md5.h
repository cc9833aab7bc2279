/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CHAP with MD5 (RFC 1994, algorithm 5): the response both a peer sends and
 * an authenticator expects.
 */
#ifndef PPTPGW_CHAP_MD5_H
#define PPTPGW_CHAP_MD5_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CHAP_MD5_RESPONSE_LEN 16 /* RFC 1994 4.1: Value-Size for MD5 */

/*
 * RFC 1994 4.1: Response Value = MD5(Identifier || secret || Challenge).
 * The secret is raw octets (no terminator). Returns 0, or -1 when OpenSSL
 * fails.
 */
int chap_md5_response(uint8_t id, const uint8_t *secret, size_t secret_len,
		      const uint8_t *challenge, size_t challenge_len,
		      uint8_t response[CHAP_MD5_RESPONSE_LEN]);

/*
 * Authenticator side: true when the received Value (value_len octets) is the
 * expected response. A wrong length fails at once; the comparison of the
 * value itself is constant-time.
 */
bool chap_md5_verify(uint8_t id, const uint8_t *secret, size_t secret_len,
		     const uint8_t *challenge, size_t challenge_len,
		     const uint8_t *value, size_t value_len);

#endif /* PPTPGW_CHAP_MD5_H */
