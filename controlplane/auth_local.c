/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The local credential backend: /ppp/secret entries of the live config,
 * service pptp or any. It computes what the peer should have sent with the
 * crypto core and answers inside verify(). MPPE keys follow pppd and Linux:
 * MS-CHAPv1 keys are NT-based for every strength (RFC 3079 2.3), MS-CHAPv2
 * keys are RFC 3079 3.x in the server role.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "auth.h"
#include "chap_md5.h"
#include "mppe_keys.h"
#include "mschap.h"

/* Compare without an early exit: time depends on the lengths only. */
static bool local_equal(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	size_t n = alen > blen ? alen : blen;
	unsigned int diff = alen != blen;
	size_t i;

	for (i = 0; i < n; i++) {
		uint8_t x = i < alen ? a[i] : 0;
		uint8_t y = i < blen ? b[i] : 0;

		diff |= (unsigned int)(x ^ y);
	}
	return diff == 0;
}

/* The user's secret for PPTP, or NULL with the reason. */
static const struct cfg_ppp_secret *local_find(const struct pg_config *cfg, const char *user,
					       const char **why)
{
	const struct cfg_ppp_secret *other_service = NULL;
	unsigned int i;

	*why = AUTH_REASON_NO_USER;
	if (!cfg)
		return NULL;
	for (i = 0; i < cfg->n_ppp_secret; i++) {
		const struct cfg_ppp_secret *s = &cfg->ppp_secret[i];

		if (strcmp(s->name, user) != 0)
			continue;
		if (s->service != CFG_SERVICE_ANY && s->service != CFG_SERVICE_PPTP) {
			other_service = s;
			continue;
		}
		if (s->disabled) {
			*why = AUTH_REASON_DISABLED;
			return NULL;
		}
		return s;
	}
	if (other_service)
		*why = AUTH_REASON_SERVICE;
	return NULL;
}

static void local_keys(struct auth_result *r, const struct mppe_key *send,
		       const struct mppe_key *recv)
{
	memcpy(r->mppe_send_key, send->start, AUTH_MPPE_KEY_LEN);
	memcpy(r->mppe_recv_key, recv->start, AUTH_MPPE_KEY_LEN);
	r->has_mppe_keys = true;
}

/* 1 accepted, 0 wrong password, -1 the password cannot be used for the method. */
static int local_check(const struct auth_request *rq, const char *password, struct auth_result *r)
{
	size_t pw_len = strlen(password);
	uint8_t hash[MSCHAP_HASH_LEN], hash_hash[MSCHAP_HASH_LEN];
	uint8_t expect[MSCHAP_RESPONSE_LEN];
	struct mppe_key send, recv;
	int rc = -1;

	memset(&send, 0, sizeof(send));
	memset(&recv, 0, sizeof(recv));
	switch (rq->method) {
	case AUTH_METHOD_PAP:
		rc = local_equal(rq->u.pap.password, rq->u.pap.password_len,
				 (const uint8_t *)password, pw_len);
		break;
	case AUTH_METHOD_CHAP:
		rc = chap_md5_verify(rq->u.chap.id, (const uint8_t *)password, pw_len,
				     rq->u.chap.challenge, rq->u.chap.challenge_len,
				     rq->u.chap.response, sizeof(rq->u.chap.response));
		break;
	case AUTH_METHOD_MSCHAP1:
		/* LAN Manager responses are not accepted (pppd without ms-lanman). */
		if (!rq->u.mschap1.use_nt) {
			rc = 0;
			break;
		}
		if (mschap_NtPasswordHash(password, hash) < 0 ||
		    mschap_ChallengeResponse(rq->u.mschap1.challenge, hash, expect) < 0)
			break;
		rc = mschap_response_equal(expect, rq->u.mschap1.nt_response);
		if (rc != 1)
			break;
		if (mschap_HashNtPasswordHash(hash, hash_hash) < 0 ||
		    mppe_keys_from_mschapv1(hash_hash, rq->u.mschap1.challenge, MPPE_BITS_128,
					    &send, &recv) < 0) {
			rc = -1;
			break;
		}
		local_keys(r, &send, &recv);
		break;
	case AUTH_METHOD_MSCHAP2:
		if (mschap_NtPasswordHash(password, hash) < 0 ||
		    mschap_GenerateNTResponse(rq->u.mschap2.auth_challenge,
					      rq->u.mschap2.peer_challenge, rq->user, rq->user_len,
					      hash, expect) < 0)
			break;
		rc = mschap_response_equal(expect, rq->u.mschap2.nt_response);
		if (rc != 1)
			break;
		if (mschap_GenerateAuthenticatorResponse(hash, rq->u.mschap2.nt_response,
							 rq->u.mschap2.peer_challenge,
							 rq->u.mschap2.auth_challenge, rq->user,
							 rq->user_len, r->auth_response) < 0 ||
		    mschap_HashNtPasswordHash(hash, hash_hash) < 0 ||
		    mppe_keys_from_mschapv2(hash_hash, rq->u.mschap2.nt_response, MPPE_BITS_128,
					    MPPE_ROLE_SERVER, &send, &recv) < 0) {
			rc = -1;
			break;
		}
		local_keys(r, &send, &recv);
		break;
	case AUTH_METHOD_NONE:
		break;
	}
	OPENSSL_cleanse(hash, sizeof(hash));
	OPENSSL_cleanse(hash_hash, sizeof(hash_hash));
	OPENSSL_cleanse(expect, sizeof(expect));
	OPENSSL_cleanse(&send, sizeof(send));
	OPENSSL_cleanse(&recv, sizeof(recv));
	return rc;
}

static void local_verify(void *arg, struct auth_request *rq)
{
	struct auth_local *l = arg;
	const struct cfg_ppp_secret *s;
	struct auth_result r;
	const char *why;
	int rc;

	memset(&r, 0, sizeof(r));
	s = local_find(l->cfg, rq->user, &why);
	if (!s) {
		snprintf(r.reason, sizeof(r.reason), "%s", why);
		goto done;
	}
	rc = local_check(rq, s->password, &r);
	if (rc != 1) {
		snprintf(r.reason, sizeof(r.reason), "%s",
			 rc == 0 ? AUTH_REASON_FAILED : "password unusable for this method");
		r.has_mppe_keys = false;
		goto done;
	}
	r.accept = true;
	snprintf(r.user.profile, sizeof(r.user.profile), "%s", s->profile);
	r.user.local_address = s->local_address;
	r.user.remote_address = s->remote_address;
done:
	auth_request_done(rq, &r);
	OPENSSL_cleanse(&r, sizeof(r));
}

void auth_local_init(struct auth_local *l, const struct pg_config *cfg)
{
	memset(l, 0, sizeof(*l));
	l->backend.verify = local_verify;
	l->backend.arg = l;
	l->cfg = cfg;
}
