/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CHAP (RFC 1994), both roles, for every algorithm: the packet layout,
 * Identifiers, retransmission and verdicts live here; what an algorithm puts
 * in a Value or a message is in struct auth_chap_alg (MD5 below, MS-CHAP in
 * auth_mschap.c).
 *
 * Server: Challenge (random Value, our name), sent again unchanged every
 * restart period up to max-transmit times as pppd does (RFC 1994 4.1 asks for
 * a new Identifier per Challenge; repeating the packet keeps a late Response
 * valid). The Response must carry the Challenge's Identifier; it goes to the
 * backend, and the Success/Failure that follows is repeated for a duplicate
 * Response (the peer lost it).
 * Client: answers every Challenge; a repeated Challenge gets the same Response
 * (MS-CHAPv2's peer challenge must not change under the server's feet).
 */
#include <stdio.h>
#include <string.h>

#include "auth_priv.h"
#include "chap_md5.h"

/* --- server --- */

static void chap_send_challenge(struct auth *a)
{
	uint8_t body[1 + AUTH_CHALLENGE_MAX + AUTH_NAME_MAX];
	size_t name_len = strlen(a->name);
	size_t n = 0;

	body[n++] = (uint8_t)a->challenge_len;
	memcpy(body + n, a->challenge, a->challenge_len);
	n += a->challenge_len;
	memcpy(body + n, a->name, name_len);
	n += name_len;
	a->transmits = 1;
	(void)auth_send(a, CHAP_CHALLENGE, a->id, body, n);
	auth_timer_start(a, a->restart_ms);
}

static void chap_server_start(struct auth *a)
{
	a->challenge_len = a->alg->challenge_len;
	if (auth_random(a, &a->id, 1) < 0 ||
	    auth_random(a, a->challenge, a->challenge_len) < 0) {
		auth_finish(a, false, "no random numbers");
		return;
	}
	a->id_valid = true;
	a->state = AUTH_ST_WAIT_REQUEST;
	chap_send_challenge(a);
}

static void chap_server_input(struct auth *a, const struct auth_pkt *p)
{
	const uint8_t *value, *name;
	size_t vs, name_len;

	if (p->code != CHAP_RESPONSE) {
		auth_drop(a, AUTH_DROP_BAD_CODE);
		return;
	}
	/* RFC 1994 4.1: Value-Size, Value, Name (the rest). */
	if (p->len < 1) {
		auth_drop(a, AUTH_DROP_SHORT);
		return;
	}
	vs = p->data[0];
	if (1 + vs > p->len || vs != a->alg->response_len) {
		auth_drop(a, AUTH_DROP_BAD_VALUE);
		return;
	}
	value = p->data + 1;
	name = value + vs;
	name_len = p->len - 1 - vs;
	if (name_len > AUTH_NAME_MAX || memchr(name, '\0', name_len)) {
		auth_drop(a, AUTH_DROP_BAD_NAME);
		return;
	}
	if (p->id != a->id) {
		auth_drop(a, AUTH_DROP_BAD_ID);
		return;
	}
	/* RFC 1994 4.2: a repeat means the Success/Failure was lost; it goes again. */
	if (!auth_server_request_ok(a, p->id))
		return;
	a->rq.method = a->alg->method;
	memcpy(a->rq.user, name, name_len);
	a->rq.user[name_len] = '\0';
	a->rq.user_len = name_len;
	if (a->alg->parse_response(a, value, &a->rq) < 0) {
		memset(&a->rq, 0, sizeof(a->rq));
		auth_drop(a, AUTH_DROP_BAD_VALUE);
		return;
	}
	auth_verify(a);
}

static void chap_server_timeout(struct auth *a)
{
	if (a->state != AUTH_ST_WAIT_REQUEST)
		return;
	if (a->transmits >= a->max_transmit) {
		auth_finish(a, false, "peer did not answer the challenge");
		return;
	}
	a->transmits++;
	a->stats.retransmits++;
	auth_resend(a);
	auth_timer_start(a, a->restart_ms);
}

static void chap_server_verdict(struct auth *a, const struct auth_result *r)
{
	char msg[AUTH_PKT_MAX - PPP_CP_HDR_LEN];
	size_t n;

	if (r->accept)
		n = a->alg->success_msg(a, r, msg, sizeof(msg));
	else
		n = a->alg->failure_msg(a, r, msg, sizeof(msg));
	(void)auth_send(a, r->accept ? CHAP_SUCCESS : CHAP_FAILURE, a->id, (const uint8_t *)msg, n);
}

/* --- client --- */

static void chap_client_challenge(struct auth *a, const struct auth_pkt *p)
{
	uint8_t body[1 + MSCHAP_VALUE_LEN + AUTH_NAME_MAX];
	const struct auth_chap_alg *alg = a->alg;
	size_t vs, n = 0;

	if (p->len < 1) {
		auth_drop(a, AUTH_DROP_SHORT);
		return;
	}
	vs = p->data[0];
	if (1 + vs > p->len ||
	    (alg->challenge_any_len ? (vs == 0 || vs > AUTH_PEER_CHAL_MAX) : vs != alg->challenge_len)) {
		auth_drop(a, AUTH_DROP_BAD_VALUE);
		return;
	}
	/* The same Challenge again: our Response was lost. */
	if (a->id_valid && a->pkt_len && p->id == a->id && vs == a->challenge_len &&
	    !memcmp(p->data + 1, a->challenge, vs)) {
		auth_resend(a);
		return;
	}
	a->id = p->id;
	a->id_valid = true;
	a->challenge_len = vs;
	memcpy(a->challenge, p->data + 1, vs);
	body[n++] = alg->response_len;
	if (alg->make_response(a, p->id, body + n) < 0) {
		auth_finish(a, false, "cannot compute the response");
		return;
	}
	n += alg->response_len;
	memcpy(body + n, a->user, a->user_len);
	n += a->user_len;
	(void)auth_send(a, CHAP_RESPONSE, p->id, body, n);
	memset(body, 0, sizeof(body));
	/* RFC 1994 allows re-challenges after success: answered, the verdict stands. */
	if (a->state != AUTH_ST_DONE) {
		a->state = AUTH_ST_WAIT_RESULT;
		auth_timer_start(a, auth_wait_ms(a));
	}
}

static void chap_client_input(struct auth *a, const struct auth_pkt *p)
{
	char reason[AUTH_REASON_MAX];

	switch (p->code) {
	case CHAP_CHALLENGE:
		chap_client_challenge(a, p);
		return;
	case CHAP_SUCCESS:
	case CHAP_FAILURE:
		break;
	default:
		auth_drop(a, AUTH_DROP_BAD_CODE);
		return;
	}
	if (!auth_client_reply_ok(a, p))
		return;
	if (p->code == CHAP_SUCCESS) {
		if (a->alg->check_success(a, p->data, p->len) < 0)
			auth_finish(a, false, AUTH_REASON_SERVER_UNAUTH);
		else
			auth_finish(a, true, NULL);
		return;
	}
	a->alg->failure_reason(a, p->data, p->len, reason, sizeof(reason));
	auth_finish(a, false, reason);
}

static void chap_client_timeout(struct auth *a)
{
	if (a->state == AUTH_ST_WAIT_CHALLENGE)
		auth_finish(a, false, "server sent no challenge");
	else if (a->state == AUTH_ST_WAIT_RESULT)
		auth_finish(a, false, "server did not answer our response");
}

/* --- both --- */

static void chap_start(struct auth *a)
{
	if (a->role == PPP_ROLE_SERVER) {
		chap_server_start(a);
		return;
	}
	a->state = AUTH_ST_WAIT_CHALLENGE;
	auth_timer_start(a, auth_wait_ms(a));
}

static void chap_input(struct auth *a, const struct auth_pkt *p)
{
	if (a->role == PPP_ROLE_SERVER)
		chap_server_input(a, p);
	else
		chap_client_input(a, p);
}

static void chap_timeout(struct auth *a)
{
	if (a->role == PPP_ROLE_SERVER)
		chap_server_timeout(a);
	else
		chap_client_timeout(a);
}

const struct auth_method_ops auth_chap_ops = {
	.start = chap_start,
	.input = chap_input,
	.timeout = chap_timeout,
	.verdict = chap_server_verdict,
};

/* --- MD5 (RFC 1994 4.1) --- */

static int md5_parse_response(struct auth *a, const uint8_t *value, struct auth_request *rq)
{
	rq->u.chap.id = a->id;
	memcpy(rq->u.chap.challenge, a->challenge, a->challenge_len);
	rq->u.chap.challenge_len = a->challenge_len;
	memcpy(rq->u.chap.response, value, CHAP_MD5_RESPONSE_LEN);
	return 0;
}

static size_t md5_msg(const char *given, const char *dflt, char *buf, size_t cap)
{
	int n = snprintf(buf, cap, "%s", given[0] ? given : dflt);

	return n < 0 ? 0 : ((size_t)n < cap ? (size_t)n : cap - 1);
}

static size_t md5_success_msg(struct auth *a, const struct auth_result *r, char *buf, size_t cap)
{
	(void)a;
	return md5_msg(r->message, AUTH_MSG_OK, buf, cap);
}

static size_t md5_failure_msg(struct auth *a, const struct auth_result *r, char *buf, size_t cap)
{
	(void)a;
	return md5_msg(r->message, AUTH_MSG_FAIL, buf, cap);
}

static int md5_make_response(struct auth *a, uint8_t id, uint8_t *value)
{
	return chap_md5_response(id, (const uint8_t *)a->password, a->password_len,
				 a->challenge, a->challenge_len, value);
}

static int md5_check_success(struct auth *a, const uint8_t *msg, size_t len)
{
	(void)a; (void)msg; (void)len;
	return 0;
}

static void md5_failure_reason(struct auth *a, const uint8_t *msg, size_t len,
			       char *reason, size_t cap)
{
	(void)a;
	auth_rejected_reason(msg, len, reason, cap);
}

const struct auth_chap_alg auth_chap_md5 = {
	.algo = CHAP_ALG_MD5,
	.method = AUTH_METHOD_CHAP,
	.challenge_len = 16,
	.challenge_any_len = true,
	.response_len = CHAP_MD5_RESPONSE_LEN,
	.parse_response = md5_parse_response,
	.success_msg = md5_success_msg,
	.failure_msg = md5_failure_msg,
	.make_response = md5_make_response,
	.check_success = md5_check_success,
	.failure_reason = md5_failure_reason,
};
