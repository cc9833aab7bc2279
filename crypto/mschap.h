/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MS-CHAP arithmetic: MS-CHAPv1 (RFC 2433 appendix A) and MS-CHAPv2
 * (RFC 2759 section 8), for both the authenticator and the peer. Functions
 * keep their RFC names behind the module prefix.
 *
 * Passwords are NUL-terminated UTF-8 and are converted to UTF-16LE as the
 * RFCs require (RFC 2759 8.3: "0-to-256-unicode-char Password"); characters
 * outside the BMP become surrogate pairs. User names are the octets of the
 * CHAP Name field, given with their length.
 *
 * Where an RFC function takes the Password and only ever uses its
 * NtPasswordHash, the function here takes the PasswordHash instead, so that a
 * secret store may keep NT hashes rather than passwords.
 *
 * All functions return 0 on success and -1 on bad input (a malformed or too
 * long password) or an OpenSSL failure, unless noted otherwise.
 */
#ifndef PPTPGW_MSCHAP_H
#define PPTPGW_MSCHAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MSCHAP_CHALLENGE_LEN      8   /* MS-CHAPv1 challenge, v2 ChallengeHash */
#define MSCHAPV2_CHALLENGE_LEN    16  /* v2 Authenticator and Peer challenges */
#define MSCHAP_HASH_LEN           16  /* NT / LM PasswordHash, PasswordHashHash */
#define MSCHAP_RESPONSE_LEN       24  /* NT-Response, LM-Response */
#define MSCHAP_PASSWORD_MAX_CHARS 256 /* UTF-16 code units (RFC 2759 8.3) */
#define MSCHAP_LM_PASSWORD_MAX    14  /* OEM characters (RFC 2433 LmPasswordHash) */
#define MSCHAP_DES_KEY7_LEN       7   /* key bits before parity insertion */
#define MSCHAP_DES_KEY_LEN        8   /* DES key with parity bits */
#define MSCHAP_DES_BLOCK_LEN      8

/* "S=" followed by 40 upper-case hex digits (RFC 2759 8.7). */
#define MSCHAPV2_AUTH_RESPONSE_LEN 42
/* Buffer size for the response string with its NUL. */
#define MSCHAPV2_AUTH_RESPONSE_SIZE (MSCHAPV2_AUTH_RESPONSE_LEN + 1)

/* --- Shared by v1 and v2 --- */

/*
 * RFC 2759 8.3 (also RFC 2433 appendix A): MD4 of the UTF-16LE password.
 */
int mschap_NtPasswordHash(const char *password,
			  uint8_t password_hash[MSCHAP_HASH_LEN]);

/* RFC 2759 8.4: MD4 of the PasswordHash. */
int mschap_HashNtPasswordHash(const uint8_t password_hash[MSCHAP_HASH_LEN],
			      uint8_t password_hash_hash[MSCHAP_HASH_LEN]);

/*
 * RFC 2759 8.5 (also RFC 2433 appendix A): three DES encryptions of the
 * challenge under the zero-padded 21-octet hash.
 */
int mschap_ChallengeResponse(const uint8_t challenge[MSCHAP_CHALLENGE_LEN],
			     const uint8_t password_hash[MSCHAP_HASH_LEN],
			     uint8_t response[MSCHAP_RESPONSE_LEN]);

/*
 * RFC 2759 8.6: DesEncrypt, the 7-octet key expanded to a DES key with odd
 * parity first.
 */
int mschap_DesEncrypt(const uint8_t clear[MSCHAP_DES_BLOCK_LEN],
		      const uint8_t key7[MSCHAP_DES_KEY7_LEN],
		      uint8_t cypher[MSCHAP_DES_BLOCK_LEN]);

/* RFC 2759 8.6 / 9.3: spread 56 key bits over 8 octets and set odd parity. */
void mschap_des_key_expand(const uint8_t key7[MSCHAP_DES_KEY7_LEN],
			   uint8_t key8[MSCHAP_DES_KEY_LEN]);

/* Constant-time comparison of two 24-octet responses. */
bool mschap_response_equal(const uint8_t a[MSCHAP_RESPONSE_LEN],
			   const uint8_t b[MSCHAP_RESPONSE_LEN]);

/* --- MS-CHAPv1 (RFC 2433) --- */

/* RFC 2433 appendix A: ChallengeResponse(NtPasswordHash(password)). */
int mschap_NtChallengeResponse(const uint8_t challenge[MSCHAP_CHALLENGE_LEN],
			       const char *password,
			       uint8_t response[MSCHAP_RESPONSE_LEN]);

/*
 * RFC 2433 appendix A: LAN Manager hash of the upper-cased password,
 * zero-padded to 14 characters. Only ASCII passwords of at most 14
 * characters have one (the peer's OEM code page is unknown); others return -1.
 */
int mschap_LmPasswordHash(const char *password,
			  uint8_t password_hash[MSCHAP_HASH_LEN]);

/* RFC 2433 appendix A: ChallengeResponse(LmPasswordHash(password)). */
int mschap_LmChallengeResponse(const uint8_t challenge[MSCHAP_CHALLENGE_LEN],
			       const char *password,
			       uint8_t response[MSCHAP_RESPONSE_LEN]);

/* --- MS-CHAPv2 (RFC 2759) --- */

/*
 * RFC 2759 8.2: first 8 octets of SHA1(PeerChallenge || AuthenticatorChallenge
 * || UserName), where UserName excludes any "DOMAIN\" prefix.
 */
int mschap_ChallengeHash(const uint8_t peer_challenge[MSCHAPV2_CHALLENGE_LEN],
			 const uint8_t auth_challenge[MSCHAPV2_CHALLENGE_LEN],
			 const char *user, size_t user_len,
			 uint8_t challenge[MSCHAP_CHALLENGE_LEN]);

/* RFC 2759 8.1, from the PasswordHash. */
int mschap_GenerateNTResponse(const uint8_t auth_challenge[MSCHAPV2_CHALLENGE_LEN],
			      const uint8_t peer_challenge[MSCHAPV2_CHALLENGE_LEN],
			      const char *user, size_t user_len,
			      const uint8_t password_hash[MSCHAP_HASH_LEN],
			      uint8_t response[MSCHAP_RESPONSE_LEN]);

/*
 * RFC 2759 8.7, from the PasswordHash: writes the NUL-terminated 42-character
 * "S=<40 upper-case hex>" into auth_response.
 */
int mschap_GenerateAuthenticatorResponse(
	const uint8_t password_hash[MSCHAP_HASH_LEN],
	const uint8_t nt_response[MSCHAP_RESPONSE_LEN],
	const uint8_t peer_challenge[MSCHAPV2_CHALLENGE_LEN],
	const uint8_t auth_challenge[MSCHAPV2_CHALLENGE_LEN],
	const char *user, size_t user_len,
	char auth_response[MSCHAPV2_AUTH_RESPONSE_SIZE]);

/*
 * RFC 2759 8.8, from the PasswordHash: true when received (the Success
 * packet's message, received_len octets, need not be NUL-terminated) starts
 * with the expected "S=..." string, followed by its end or a space (the
 * " M=<msg>" part). Hex digits compare case-insensitively; the comparison
 * of the digest itself is constant-time. False on any error.
 */
bool mschap_CheckAuthenticatorResponse(
	const uint8_t password_hash[MSCHAP_HASH_LEN],
	const uint8_t nt_response[MSCHAP_RESPONSE_LEN],
	const uint8_t peer_challenge[MSCHAPV2_CHALLENGE_LEN],
	const uint8_t auth_challenge[MSCHAPV2_CHALLENGE_LEN],
	const char *user, size_t user_len,
	const char *received, size_t received_len);

/*
 * UTF-8 to UTF-16LE as NtPasswordHash uses it. Writes at most out_cap
 * octets, sets *out_len; -1 on malformed UTF-8 (overlong forms, surrogates,
 * code points above U+10FFFF, truncated sequences) or when the result would
 * exceed out_cap. Exposed for tests and for callers that hash elsewhere.
 */
int mschap_utf8_to_utf16le(const char *utf8, uint8_t *out, size_t out_cap,
			   size_t *out_len);

#endif /* PPTPGW_MSCHAP_H */
