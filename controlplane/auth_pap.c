/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PAP (RFC 1334 section 2), both roles.
 *
 * Client: Authenticate-Request every restart period, a new Identifier each
 * time (RFC 1334 2.2.1), up to max-transmit times; the Ack or Nak must carry
 * the Identifier of the last one sent.
 * Server: waits for a Request (as long as a client would retransmit), hands
 * it to the backend, answers Ack/Nak with the Request's Identifier; a Request
 * repeated after the verdict (the Ack was lost) gets the same answer again.
 */
#include <string.h>

#include "auth_priv.h"

/* --- client --- */

static void pap_send_request(struct auth *a)
{
	uint8_t body[1 + AUTH_NAME_MAX + 1 + AUTH_PASSWORD_MAX];
	size_t n = 0;
	uint8_t id;

	if (a->id_valid) {
		id = (uint8_t)(a->id + 1);
	} else if (auth_random(a, &id, 1) < 0) {
		auth_finish(a, false, "no random numbers");
		return;
	}
	body[n++] = (uint8_t)a->user_len;
	memcpy(body + n, a->user, a->user_len);
	n += a->user_len;
	body[n++] = (uint8_t)a->password_len;
	memcpy(body + n, a->password, a->password_len);
	n += a->password_len;
	a->id = id;
	a->id_valid = true;
	a->transmits++;
	(void)auth_send(a, PAP_AUTH_REQ, id, body, n);
	memset(body, 0, sizeof(body));
	auth_timer_start(a, a->restart_ms);
}

static void pap_client_input(struct auth *a, const struct auth_pkt *p)
{
	size_t msg_len = 0;
	char reason[AUTH_REASON_MAX];

	if (p->code != PAP_AUTH_ACK && p->code != PAP_AUTH_NAK) {
		auth_drop(a, AUTH_DROP_BAD_CODE);
		return;
	}
	/* RFC 1334 2.2.2: Msg-Length then Message; pppd tolerates a missing Msg-Length. */
	if (p->len >= 1) {
		msg_len = p->data[0];
		if (1 + msg_len > p->len) {
			auth_drop(a, AUTH_DROP_BAD_VALUE);
			return;
		}
	}
	if (!auth_client_reply_ok(a, p))
		return;
	if (p->code == PAP_AUTH_ACK) {
		auth_finish(a, true, NULL);
		return;
	}
	auth_rejected_reason(p->data + 1, msg_len, reason, sizeof(reason));
	auth_finish(a, false, reason);
}

static void pap_client_timeout(struct auth *a)
{
	if (a->state != AUTH_ST_WAIT_RESULT)
		return;
	if (a->transmits >= a->max_transmit) {
		auth_finish(a, false, "no answer to authenticate-request");
		return;
	}
	a->stats.retransmits++;
	pap_send_request(a);
}

/* --- server --- */

static void pap_server_input(struct auth *a, const struct auth_pkt *p)
{
	size_t id_len, pw_len;
	const uint8_t *peer_id, *pw;

	if (p->code != PAP_AUTH_REQ) {
		auth_drop(a, AUTH_DROP_BAD_CODE);
		return;
	}
	/* RFC 1334 2.2.1: Peer-ID-Length, Peer-ID, Passwd-Length, Password. */
	if (p->len < 1) {
		auth_drop(a, AUTH_DROP_SHORT);
		return;
	}
	id_len = p->data[0];
	if (1 + id_len + 1 > p->len) {
		auth_drop(a, AUTH_DROP_BAD_NAME);
		return;
	}
	peer_id = p->data + 1;
	if (memchr(peer_id, '\0', id_len)) {
		auth_drop(a, AUTH_DROP_BAD_NAME);
		return;
	}
	pw_len = p->data[1 + id_len];
	pw = p->data + 1 + id_len + 1;
	if (1 + id_len + 1 + pw_len > p->len) {
		auth_drop(a, AUTH_DROP_BAD_VALUE);
		return;
	}
	/* A repeat after our Ack/Nak was lost: the same answer, under this Identifier. */
	if (!auth_server_request_ok(a, p->id))
		return;
	a->id = p->id;
	a->id_valid = true;
	a->rq.method = AUTH_METHOD_PAP;
	memcpy(a->rq.user, peer_id, id_len);
	a->rq.user[id_len] = '\0';
	a->rq.user_len = id_len;
	memcpy(a->rq.u.pap.password, pw, pw_len);
	a->rq.u.pap.password_len = pw_len;
	auth_verify(a);
}

static void pap_server_verdict(struct auth *a, const struct auth_result *r)
{
	uint8_t body[1 + AUTH_MESSAGE_MAX];
	const char *msg = r->message[0] ? r->message : (r->accept ? AUTH_MSG_OK : AUTH_MSG_FAIL);
	size_t n = strlen(msg);

	body[0] = (uint8_t)n;
	memcpy(body + 1, msg, n);
	(void)auth_send(a, r->accept ? PAP_AUTH_ACK : PAP_AUTH_NAK, a->id, body, 1 + n);
}

/* --- both --- */

static void pap_start(struct auth *a)
{
	if (a->role == PPP_ROLE_SERVER) {
		a->state = AUTH_ST_WAIT_REQUEST;
		auth_timer_start(a, auth_wait_ms(a));
		return;
	}
	a->state = AUTH_ST_WAIT_RESULT;
	pap_send_request(a);
}

static void pap_input(struct auth *a, const struct auth_pkt *p)
{
	if (a->role == PPP_ROLE_SERVER)
		pap_server_input(a, p);
	else
		pap_client_input(a, p);
}

static void pap_timeout(struct auth *a)
{
	if (a->role == PPP_ROLE_CLIENT)
		pap_client_timeout(a);
	else if (a->state == AUTH_ST_WAIT_REQUEST)
		auth_finish(a, false, "peer sent no authenticate-request");
}

const struct auth_method_ops auth_pap_ops = {
	.start = pap_start,
	.input = pap_input,
	.timeout = pap_timeout,
	.verdict = pap_server_verdict,
};
