/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RC4 for the MPPE fast path. Stateless MPPE sets a new key on every packet
 * (RFC 3078 7.1), and OpenSSL's EVP set-up per key costs more than the key
 * schedule itself, so this is a lean RC4 with a caller-owned state: no
 * allocation, no library call, no failure path. Checked against RFC 6229 and
 * against OpenSSL's RC4 in tests/unit/test_crypto.c.
 */
#ifndef PPTPGW_RC4_H
#define PPTPGW_RC4_H

#include <stddef.h>
#include <stdint.h>

#define RC4_STATE_SIZE  256
#define RC4_KEY_MIN_LEN 1
#define RC4_KEY_MAX_LEN 256

/* One RC4 keystream. Copyable: a copy continues the same keystream. */
struct rc4_state {
	uint8_t s[RC4_STATE_SIZE];
	uint8_t i;
	uint8_t j;
};

/*
 * Key schedule. key_len must be RC4_KEY_MIN_LEN..RC4_KEY_MAX_LEN (MPPE uses
 * 8 or 16); other lengths are clamped into that range, an empty key reads as
 * a single zero byte.
 */
void rc4_init(struct rc4_state *st, const uint8_t *key, size_t key_len);

/*
 * out[n] = in[n] XOR keystream, advancing the state by len bytes. in and out
 * may be the same buffer (in-place); otherwise they must not overlap.
 */
void rc4_crypt(struct rc4_state *st, const uint8_t *in, uint8_t *out,
	       size_t len);

#endif /* PPTPGW_RC4_H */
