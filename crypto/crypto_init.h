/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * OpenSSL 3 set-up for the crypto core. MD4, DES and RC4 live in OpenSSL's
 * "legacy" provider, which is not loaded by default: crypto_init() loads it
 * (and "default") once per process and fetches every algorithm the core uses,
 * so later calls never look an algorithm up by name.
 *
 * Every function of the crypto core calls crypto_init() itself, so calling it
 * first is optional; calling it at start-up turns a missing provider into a
 * clear start-up error instead of a failed authentication later.
 */
#ifndef PPTPGW_CRYPTO_INIT_H
#define PPTPGW_CRYPTO_INIT_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

/* Message used when the legacy provider cannot be loaded. */
#define CRYPTO_ERR_NO_LEGACY \
	"OpenSSL legacy provider not found: MD4, DES and RC4 are needed for " \
	"MS-CHAP and MPPE; install openssl's ossl-modules (Debian: libssl3)"

/*
 * Load the "legacy" and "default" providers and fetch MD4, MD5, SHA-1,
 * DES-ECB and RC4. Runs once per process (thread-safe); later calls return
 * the first call's result. Returns 0 on success, -1 on failure with the reason
 * in crypto_last_error().
 */
int crypto_init(void);

/* Why crypto_init() failed; "" when it succeeded or has not run. */
const char *crypto_last_error(void);

/*
 * Fetched algorithms, owned by this module for the life of the process.
 * NULL when crypto_init() failed.
 */
const EVP_MD *crypto_md4(void);
const EVP_MD *crypto_md5(void);
const EVP_MD *crypto_sha1(void);
const EVP_CIPHER *crypto_des_ecb(void);
const EVP_CIPHER *crypto_rc4(void);

/* Element count of an array (not a pointer). */
#define CRYPTO_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* One piece of a digest's input. */
struct crypto_buf {
	const void *data;
	size_t len;
};

/*
 * out = md(parts[0] || parts[1] || ...). out must hold EVP_MD_get_size(md)
 * bytes. Returns 0, or -1 when md is NULL or OpenSSL fails.
 */
int crypto_digest(const EVP_MD *md, const struct crypto_buf *parts,
		  size_t n_parts, uint8_t *out);

#endif /* PPTPGW_CRYPTO_INIT_H */
