/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MS-CHAPv1 (RFC 2433) and MS-CHAPv2 (RFC 2759) as CHAP algorithms 0x80 and
 * 0x81: the Response Value layout, the Success/Failure messages, and the
 * client's side of the arithmetic (the authenticator's is the backend's).
 * Change-password (codes 5-7) is not supported: our failures say R=0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "auth_priv.h"

/* --- messages --- */

static size_t msg_done(int n, size_t cap)
{
	if (n < 0)
		return 0;
	return (size_t)n < cap ? (size_t)n : cap - 1;
}

static size_t mschap_success_text(const struct auth_result *r, char *buf, size_t cap)
{
	return msg_done(snprintf(buf, cap, "%s", r->message[0] ? r->message : AUTH_MSG_OK), cap);
}

/* The backend's E= code (RADIUS MS-CHAP-Error), else 691 authentication failure. */
static int mschap_error_code(const struct auth_result *r)
{
	return r->mschap_error > 0 ? r->mschap_error : MSCHAP_ERROR_AUTH_FAILURE;
}

/* RFC 2433 5.2 "E=eeeeeeeeee R=r": no retry, since we end the link on failure. */
static size_t mschap1_failure_msg(struct auth *a, const struct auth_result *r, char *buf,
				  size_t cap)
{
	(void)a;
	return msg_done(snprintf(buf, cap, "E=%d R=0", mschap_error_code(r)), cap);
}

static size_t mschap1_success_msg(struct auth *a, const struct auth_result *r, char *buf,
				  size_t cap)
{
	(void)a;
	return mschap_success_text(r, buf, cap);
}

/*
 * RFC 2759 5 "S=<auth_string> M=<message>". Windows 98 sets Flags 0x04 and
 * takes a trailing M= for an error (pppd's observation): omit it for them.
 */
static size_t mschap2_success_msg(struct auth *a, const struct auth_result *r, char *buf,
				  size_t cap)
{
	if (a->rq.u.mschap2.flags)
		return msg_done(snprintf(buf, cap, "%s", r->auth_response), cap);
	return msg_done(snprintf(buf, cap, "%s M=%s", r->auth_response,
				 r->message[0] ? r->message : AUTH_MSG_OK), cap);
}

/* RFC 2759 6 "E=eeeeeeeeee R=r C=cccc...(32) V=vvvvvvvvvv M=<msg>". */
static size_t mschap2_failure_msg(struct auth *a, const struct auth_result *r, char *buf,
				  size_t cap)
{
	uint8_t next[MSCHAPV2_CHALLENGE_LEN];
	char hex[2 * MSCHAPV2_CHALLENGE_LEN + 1];

	/* A fresh challenge for a retry we do not allow; the old one if randomness failed. */
	if (auth_random(a, next, sizeof(next)) < 0)
		memcpy(next, a->challenge, sizeof(next));
	auth_hex(hex, next, sizeof(next));
	return msg_done(snprintf(buf, cap, "E=%d R=0 C=%s V=3 M=%s", mschap_error_code(r),
				 hex, r->message[0] ? r->message : AUTH_MSG_FAIL), cap);
}

/* RFC 2433 / RFC 2759 E= codes a Windows server sends, in words. */
static const char *mschap_error_text(long e)
{
	switch (e) {
	case 646:
		return "restricted logon hours";
	case 647:
		return "account disabled";
	case 648:
		return "password expired";
	case 649:
		return "no dial-in permission";
	case MSCHAP_ERROR_AUTH_FAILURE:
		return "authentication failure";
	case 709:
		return "error changing password";
	default:
		return "error";
	}
}

/* "KEY=<decimal>" at the start of s or after a space; -1 when absent or malformed. */
static long mschap_field(const char *s, const char *key)
{
	size_t klen = strlen(key);
	const char *p = s;

	while ((p = strstr(p, key)) != NULL) {
		if (p == s || p[-1] == ' ') {
			char *end;
			long v;

			p += klen;
			if (*p < '0' || *p > '9')
				return -1;
			v = strtol(p, &end, 10);
			if ((*end != '\0' && *end != ' ') || v > 99999)
				return -1;
			return v;
		}
		p += klen;
	}
	return -1;
}

/* Client: the server's Failure text into info (E=, R=) and a reason (M=). */
static void mschap_failure_reason(struct auth *a, const uint8_t *msg, size_t len,
				  char *reason, size_t cap)
{
	char text[AUTH_PKT_MAX];
	char *m;
	long e, r;

	auth_printable(text, sizeof(text), msg, len);
	if (!strncmp(text, "M=", 2)) {
		text[0] = '\0';
		m = text + 2;
	} else if ((m = strstr(text, " M=")) != NULL) {
		*m = '\0';
		m += 3;
	}
	e = mschap_field(text, "E=");
	r = mschap_field(text, "R=");
	a->info.mschap_error = e > 0 ? (int)e : 0;
	a->info.mschap_retry = (int)r;
	if (e < 0) {
		auth_rejected_reason(msg, len, reason, cap);
		return;
	}
	if (m && m[0])
		snprintf(reason, cap, "rejected by server: %.*s (E=%ld)", AUTH_MESSAGE_MAX, m, e);
	else
		snprintf(reason, cap, "rejected by server: %s (E=%ld)", mschap_error_text(e), e);
}

/* --- MS-CHAPv1 (RFC 2433) --- */

static int mschap1_parse_response(struct auth *a, const uint8_t *value, struct auth_request *rq)
{
	struct auth_request_mschap1 *m = &rq->u.mschap1;

	memcpy(m->challenge, a->challenge, MSCHAP_CHALLENGE_LEN);
	memcpy(m->lm_response, value + MSCHAP1_LM_OFF, MSCHAP_RESPONSE_LEN);
	memcpy(m->nt_response, value + MSCHAP1_NT_OFF, MSCHAP_RESPONSE_LEN);
	m->use_nt = value[MSCHAP1_FLAGS_OFF] & MSCHAP1_FLAG_USE_NT;
	return 0;
}

/* RFC 2433 5.1: LM response left zero (as pppd without ms-lanman), NT response, Flags 1. */
static int mschap1_make_response(struct auth *a, uint8_t id, uint8_t *value)
{
	(void)id;
	memset(value, 0, MSCHAP_VALUE_LEN);
	if (mschap_NtChallengeResponse(a->challenge, a->password, a->nt_response) < 0)
		return -1;
	memcpy(value + MSCHAP1_NT_OFF, a->nt_response, MSCHAP_RESPONSE_LEN);
	value[MSCHAP1_FLAGS_OFF] = MSCHAP1_FLAG_USE_NT;
	return 0;
}

/* Both MPPE start keys from our password; NT-based for every strength (RFC 3079 2.3). */
static void mschap1_client_keys(struct auth *a)
{
	uint8_t hash[MSCHAP_HASH_LEN], hash_hash[MSCHAP_HASH_LEN];
	struct mppe_key send, recv;

	if (mschap_NtPasswordHash(a->password, hash) == 0 &&
	    mschap_HashNtPasswordHash(hash, hash_hash) == 0 &&
	    mppe_keys_from_mschapv1(hash_hash, a->challenge, MPPE_BITS_128, &send, &recv) == 0) {
		memcpy(a->info.mppe_send_key, send.start, AUTH_MPPE_KEY_LEN);
		memcpy(a->info.mppe_recv_key, recv.start, AUTH_MPPE_KEY_LEN);
		a->info.has_mppe_keys = true;
	} else {
		auth_log(a, CFG_LOG_WARNING, "auth=mschap1 mppe keys not derived");
	}
	OPENSSL_cleanse(hash, sizeof(hash));
	OPENSSL_cleanse(hash_hash, sizeof(hash_hash));
	OPENSSL_cleanse(&send, sizeof(send));
	OPENSSL_cleanse(&recv, sizeof(recv));
}

/* RFC 2433 carries no proof from the authenticator: Success is taken as it is. */
static int mschap1_check_success(struct auth *a, const uint8_t *msg, size_t len)
{
	(void)msg; (void)len;
	mschap1_client_keys(a);
	return 0;
}

const struct auth_chap_alg auth_chap_mschap1 = {
	.algo = CHAP_ALG_MSCHAP,
	.method = AUTH_METHOD_MSCHAP1,
	.challenge_len = MSCHAP_CHALLENGE_LEN,
	.response_len = MSCHAP_VALUE_LEN,
	.parse_response = mschap1_parse_response,
	.success_msg = mschap1_success_msg,
	.failure_msg = mschap1_failure_msg,
	.make_response = mschap1_make_response,
	.check_success = mschap1_check_success,
	.failure_reason = mschap_failure_reason,
};

/* --- MS-CHAPv2 (RFC 2759) --- */

static int mschap2_parse_response(struct auth *a, const uint8_t *value, struct auth_request *rq)
{
	struct auth_request_mschap2 *m = &rq->u.mschap2;

	/* RFC 2759 4: the Reserved octets "MUST be zero"; pppd and Windows ignore them. */
	memcpy(m->auth_challenge, a->challenge, MSCHAPV2_CHALLENGE_LEN);
	memcpy(m->peer_challenge, value + MSCHAP2_PEER_CHAL_OFF, MSCHAPV2_CHALLENGE_LEN);
	memcpy(m->nt_response, value + MSCHAP2_NT_OFF, MSCHAP_RESPONSE_LEN);
	m->flags = value[MSCHAP2_FLAGS_OFF];
	return 0;
}

/* RFC 2759 4: Peer-Challenge (random), 8 zero octets, NT-Response, Flags 0. */
static int mschap2_make_response(struct auth *a, uint8_t id, uint8_t *value)
{
	uint8_t hash[MSCHAP_HASH_LEN];
	int rc = -1;

	(void)id;
	if (auth_random(a, a->peer_challenge, sizeof(a->peer_challenge)) < 0 ||
	    mschap_NtPasswordHash(a->password, hash) < 0 ||
	    mschap_GenerateNTResponse(a->challenge, a->peer_challenge, a->user, a->user_len,
				      hash, a->nt_response) < 0)
		goto out;
	memset(value, 0, MSCHAP_VALUE_LEN);
	memcpy(value + MSCHAP2_PEER_CHAL_OFF, a->peer_challenge, MSCHAPV2_CHALLENGE_LEN);
	memcpy(value + MSCHAP2_NT_OFF, a->nt_response, MSCHAP_RESPONSE_LEN);
	rc = 0;
out:
	OPENSSL_cleanse(hash, sizeof(hash));
	return rc;
}

/* RFC 2759 8.8: the server must prove it knows our password too. Then RFC 3079 keys. */
static int mschap2_check_success(struct auth *a, const uint8_t *msg, size_t len)
{
	uint8_t hash[MSCHAP_HASH_LEN], hash_hash[MSCHAP_HASH_LEN];
	struct mppe_key send, recv;
	int rc = -1;

	if (mschap_NtPasswordHash(a->password, hash) < 0)
		goto out;
	if (!mschap_CheckAuthenticatorResponse(hash, a->nt_response, a->peer_challenge,
					       a->challenge, a->user, a->user_len,
					       (const char *)msg, len))
		goto out;
	rc = 0;
	if (mschap_HashNtPasswordHash(hash, hash_hash) == 0 &&
	    mppe_keys_from_mschapv2(hash_hash, a->nt_response, MPPE_BITS_128, MPPE_ROLE_CLIENT,
				    &send, &recv) == 0) {
		memcpy(a->info.mppe_send_key, send.start, AUTH_MPPE_KEY_LEN);
		memcpy(a->info.mppe_recv_key, recv.start, AUTH_MPPE_KEY_LEN);
		a->info.has_mppe_keys = true;
	} else {
		auth_log(a, CFG_LOG_WARNING, "auth=mschap2 mppe keys not derived");
	}
out:
	OPENSSL_cleanse(hash, sizeof(hash));
	OPENSSL_cleanse(hash_hash, sizeof(hash_hash));
	OPENSSL_cleanse(&send, sizeof(send));
	OPENSSL_cleanse(&recv, sizeof(recv));
	return rc;
}

const struct auth_chap_alg auth_chap_mschap2 = {
	.algo = CHAP_ALG_MSCHAP2,
	.method = AUTH_METHOD_MSCHAP2,
	.challenge_len = MSCHAPV2_CHALLENGE_LEN,
	.response_len = MSCHAP_VALUE_LEN,
	.parse_response = mschap2_parse_response,
	.success_msg = mschap2_success_msg,
	.failure_msg = mschap2_failure_msg,
	.make_response = mschap2_make_response,
	.check_success = mschap2_check_success,
	.failure_reason = mschap_failure_reason,
};
