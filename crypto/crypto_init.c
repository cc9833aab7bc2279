/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * OpenSSL provider loading and algorithm fetching (see crypto_init.h).
 */
#include <pthread.h>
#include <stdio.h>

#include <openssl/err.h>
#include <openssl/provider.h>

#include "crypto_init.h"

#define CRYPTO_ERR_MAX 256

static pthread_once_t crypto_once = PTHREAD_ONCE_INIT;
static int crypto_rc = -1;
static char crypto_err[CRYPTO_ERR_MAX];

/* Held for the life of the process; never unloaded. */
static OSSL_PROVIDER *crypto_prov_legacy;
static OSSL_PROVIDER *crypto_prov_default;
static EVP_MD *crypto_alg_md4;
static EVP_MD *crypto_alg_md5;
static EVP_MD *crypto_alg_sha1;
static EVP_CIPHER *crypto_alg_des_ecb;
static EVP_CIPHER *crypto_alg_rc4;

/* Keeps OpenSSL's own reason next to ours, then empties its error queue. */
static void
crypto_set_error(const char *what)
{
	unsigned long e = ERR_peek_last_error();

	if (e != 0)
		snprintf(crypto_err, sizeof(crypto_err), "%s (%s)", what,
			 ERR_reason_error_string(e) ? ERR_reason_error_string(e) : "?");
	else
		snprintf(crypto_err, sizeof(crypto_err), "%s", what);
	ERR_clear_error();
}

static void
crypto_init_once(void)
{
	char what[CRYPTO_ERR_MAX];
	const char *name;

	/*
	 * Loading any provider explicitly stops OpenSSL from loading "default"
	 * by itself, so both are loaded here.
	 */
	crypto_prov_legacy = OSSL_PROVIDER_load(NULL, "legacy");
	if (crypto_prov_legacy == NULL) {
		ERR_clear_error();
		snprintf(crypto_err, sizeof(crypto_err), "%s", CRYPTO_ERR_NO_LEGACY);
		goto fail;
	}
	crypto_prov_default = OSSL_PROVIDER_load(NULL, "default");
	if (crypto_prov_default == NULL) {
		crypto_set_error("OpenSSL default provider could not be loaded");
		goto fail;
	}

	name = "MD4";
	if ((crypto_alg_md4 = EVP_MD_fetch(NULL, name, NULL)) == NULL)
		goto fail_fetch;
	name = "MD5";
	if ((crypto_alg_md5 = EVP_MD_fetch(NULL, name, NULL)) == NULL)
		goto fail_fetch;
	name = "SHA1";
	if ((crypto_alg_sha1 = EVP_MD_fetch(NULL, name, NULL)) == NULL)
		goto fail_fetch;
	name = "DES-ECB";
	if ((crypto_alg_des_ecb = EVP_CIPHER_fetch(NULL, name, NULL)) == NULL)
		goto fail_fetch;
	name = "RC4";
	if ((crypto_alg_rc4 = EVP_CIPHER_fetch(NULL, name, NULL)) == NULL)
		goto fail_fetch;

	crypto_err[0] = '\0';
	crypto_rc = 0;
	return;

fail_fetch:
	snprintf(what, sizeof(what), "OpenSSL cannot fetch %s", name);
	crypto_set_error(what);
fail:
	/* Leave no half-initialised set behind: every accessor returns NULL. */
	EVP_MD_free(crypto_alg_md4);
	EVP_MD_free(crypto_alg_md5);
	EVP_MD_free(crypto_alg_sha1);
	EVP_CIPHER_free(crypto_alg_des_ecb);
	EVP_CIPHER_free(crypto_alg_rc4);
	crypto_alg_md4 = crypto_alg_md5 = crypto_alg_sha1 = NULL;
	crypto_alg_des_ecb = crypto_alg_rc4 = NULL;
	crypto_rc = -1;
}

int
crypto_init(void)
{
	if (pthread_once(&crypto_once, crypto_init_once) != 0)
		return -1;
	return crypto_rc;
}

const char *
crypto_last_error(void)
{
	return crypto_err;
}

const EVP_MD *
crypto_md4(void)
{
	return crypto_init() == 0 ? crypto_alg_md4 : NULL;
}

const EVP_MD *
crypto_md5(void)
{
	return crypto_init() == 0 ? crypto_alg_md5 : NULL;
}

const EVP_MD *
crypto_sha1(void)
{
	return crypto_init() == 0 ? crypto_alg_sha1 : NULL;
}

const EVP_CIPHER *
crypto_des_ecb(void)
{
	return crypto_init() == 0 ? crypto_alg_des_ecb : NULL;
}

const EVP_CIPHER *
crypto_rc4(void)
{
	return crypto_init() == 0 ? crypto_alg_rc4 : NULL;
}

int
crypto_digest(const EVP_MD *md, const struct crypto_buf *parts, size_t n_parts,
	      uint8_t *out)
{
	EVP_MD_CTX *ctx = NULL;
	unsigned int out_len;
	size_t i;
	int rc = -1;

	if (md == NULL)
		goto out;
	ctx = EVP_MD_CTX_new();
	if (ctx == NULL || EVP_DigestInit_ex2(ctx, md, NULL) != 1)
		goto out;
	for (i = 0; i < n_parts; i++)
		if (EVP_DigestUpdate(ctx, parts[i].data, parts[i].len) != 1)
			goto out;
	if (EVP_DigestFinal_ex(ctx, out, &out_len) != 1)
		goto out;
	rc = 0;
out:
	EVP_MD_CTX_free(ctx);
	if (rc != 0)
		ERR_clear_error();
	return rc;
}
