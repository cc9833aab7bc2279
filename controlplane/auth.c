/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The authentication dispatcher: one instance per PPP link. It maps the
 * protocol LCP agreed on to a method engine (auth_pap.c, auth_chap.c with
 * the algorithms of auth_chap.c and auth_mschap.c), checks the RFC 1661 5
 * packet header for every method, runs the single timer, talks to the
 * credential backend, and reports the verdict to the link.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <openssl/crypto.h>

#include "auth_priv.h"
#include "log.h"

#define AUTH_DEFAULT_NAME "pptpgw"

static const char *const auth_drop_names[] = {
#define AUTH_DROP_NAME(name, str) [AUTH_DROP_##name] = str,
	AUTH_DROP_TABLE(AUTH_DROP_NAME)
#undef AUTH_DROP_NAME
};

const char *auth_drop_name(enum auth_drop d)
{
	return (unsigned int)d < AUTH_DROP_COUNT ? auth_drop_names[d] : "?";
}

const char *auth_method_name(enum auth_method m)
{
	switch (m) {
	case AUTH_METHOD_PAP:
		return "pap";
	case AUTH_METHOD_CHAP:
		return "chap";
	case AUTH_METHOD_MSCHAP1:
		return "mschap1";
	case AUTH_METHOD_MSCHAP2:
		return "mschap2";
	case AUTH_METHOD_NONE:
		break;
	}
	return "none";
}

/* --- services for the method engines --- */

void auth_log(struct auth *a, enum cfg_log_level level, const char *fmt, ...)
{
	char msg[240];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (a->ops->log)
		a->ops->log(a->ctx, level, msg);
	else
		log_msg(level, LOG_TOPIC_PPP, "%s", msg);
}

void auth_drop(struct auth *a, enum auth_drop d)
{
	a->stats.drops[d]++;
	auth_log(a, CFG_LOG_DEBUG, "auth=%s dropped %s packet",
		 auth_method_name(a->info.method), auth_drop_name(d));
}

/* getrandom() needs no file descriptor and never returns short for <= 256 octets. */
int auth_random(struct auth *a, uint8_t *buf, size_t len)
{
	size_t done = 0;

	if (a->ops->random)
		return a->ops->random(a->ctx, buf, len) == 0 ? 0 : -1;
	while (done < len) {
		ssize_t n = getrandom(buf + done, len - done, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			auth_log(a, CFG_LOG_ERROR, "getrandom failed: %s", strerror(errno));
			return -1;
		}
		done += (size_t)n;
	}
	return 0;
}

void auth_timer_start(struct auth *a, uint32_t ms)
{
	a->timer_on = true;
	a->ops->timer_start(a->ctx, ms);
}

void auth_timer_stop(struct auth *a)
{
	if (!a->timer_on)
		return;
	a->timer_on = false;
	a->ops->timer_stop(a->ctx);
}

uint32_t auth_wait_ms(const struct auth *a)
{
	return a->restart_ms * a->max_transmit;
}

int auth_send(struct auth *a, uint8_t code, uint8_t id, const uint8_t *body, size_t len)
{
	if (len > sizeof(a->pkt) - PPP_CP_HDR_LEN)
		return -1;
	a->pkt[0] = code;
	a->pkt[1] = id;
	ppp_put16(a->pkt + 2, (uint16_t)(len + PPP_CP_HDR_LEN));
	if (len)
		memcpy(a->pkt + PPP_CP_HDR_LEN, body, len);
	a->pkt_len = len + PPP_CP_HDR_LEN;
	a->stats.tx_packets++;
	return ppp_send(a->link, a->proto, a->pkt, a->pkt_len);
}

void auth_resend(struct auth *a)
{
	if (!a->pkt_len)
		return;
	a->stats.tx_packets++;
	(void)ppp_send(a->link, a->proto, a->pkt, a->pkt_len);
}

char *auth_printable(char *out, size_t cap, const uint8_t *in, size_t len)
{
	size_t i;

	if (!cap)
		return out;
	for (i = 0; i < len && i + 1 < cap; i++)
		out[i] = (in[i] >= 0x20 && in[i] < 0x7f && in[i] != '"' && in[i] != '\\') ?
			 (char)in[i] : '?';
	out[i] = '\0';
	return out;
}

void auth_hex(char *out, const uint8_t *in, size_t len)
{
	static const char digits[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0x0f];
	}
	out[2 * len] = '\0';
}

void auth_rejected_reason(const uint8_t *msg, size_t len, char *reason, size_t cap)
{
	char text[AUTH_MESSAGE_MAX];

	auth_printable(text, sizeof(text), msg, len);
	snprintf(reason, cap, "rejected by server%s%s", text[0] ? ": " : "", text);
}

bool auth_client_reply_ok(struct auth *a, const struct auth_pkt *p)
{
	if (a->state != AUTH_ST_WAIT_RESULT) {
		auth_drop(a, AUTH_DROP_UNEXPECTED);
		return false;
	}
	if (p->id != a->id) {
		auth_drop(a, AUTH_DROP_BAD_ID);
		return false;
	}
	return true;
}

bool auth_server_request_ok(struct auth *a, uint8_t id)
{
	switch (a->state) {
	case AUTH_ST_WAIT_REQUEST:
		return true;
	case AUTH_ST_VERIFYING:
		auth_drop(a, AUTH_DROP_BUSY);
		return false;
	case AUTH_ST_DONE:
		if (a->pkt_len) {
			a->pkt[1] = id;
			a->stats.resent_verdicts++;
			auth_resend(a);
		}
		return false;
	default:
		auth_drop(a, AUTH_DROP_UNEXPECTED);
		return false;
	}
}

void auth_verify(struct auth *a)
{
	a->rq.auth = a;
	a->rq.owner = a->ctx;
	a->rq.pending = true;
	a->state = AUTH_ST_VERIFYING;
	snprintf(a->info.user, sizeof(a->info.user), "%s", a->rq.user);
	/* A backend that never answers must not hold the link forever. */
	auth_timer_start(a, auth_wait_ms(a));
	a->backend.verify(a->backend.arg, &a->rq);
	/* The backend may have answered already: a is in its final state. */
}

static void auth_wipe_keys(struct auth_info *info)
{
	info->has_mppe_keys = false;
	OPENSSL_cleanse(info->mppe_send_key, sizeof(info->mppe_send_key));
	OPENSSL_cleanse(info->mppe_recv_key, sizeof(info->mppe_recv_key));
}

void auth_finish(struct auth *a, bool ok, const char *reason)
{
	char user[2 * AUTH_NAME_MAX + 3];
	char shown[AUTH_NAME_MAX + 1];
	const char *link_reason;

	auth_timer_stop(a);
	a->state = AUTH_ST_DONE;
	a->info.finished = true;
	a->info.ok = ok;
	if (ok) {
		a->info.reason[0] = '\0';
	} else {
		snprintf(a->info.reason, sizeof(a->info.reason), "%s",
			 reason && reason[0] ? reason : AUTH_REASON_FAILED);
		auth_wipe_keys(&a->info);
	}
	auth_printable(shown, sizeof(shown), (const uint8_t *)a->info.user, strlen(a->info.user));
	/* key=value: quote a name that is empty or holds spaces. */
	if (!shown[0] || strchr(shown, ' '))
		snprintf(user, sizeof(user), "\"%s\"", shown);
	else
		snprintf(user, sizeof(user), "%s", shown);
	if (ok)
		auth_log(a, CFG_LOG_INFO, "user=%s auth=%s result=ok", user,
			 auth_method_name(a->info.method));
	else
		auth_log(a, CFG_LOG_WARNING, "user=%s auth=%s result=failed reason=\"%s\"", user,
			 auth_method_name(a->info.method), a->info.reason);
	if (a->ops->done)
		a->ops->done(a->ctx, &a->info);
	/* The link says "authentication failed" itself; add only what is more specific. */
	link_reason = ok || !strcmp(a->info.reason, AUTH_REASON_FAILED) ? NULL : a->info.reason;
	ppp_auth_done(a->link, ok, link_reason);
}

/* --- the backend's answer --- */

/* "S=" and 40 hex digits, nothing else (RFC 2759 8.7). */
static bool auth_response_valid(const char *s)
{
	size_t i;

	if (strncmp(s, "S=", 2) != 0 || strlen(s) != MSCHAPV2_AUTH_RESPONSE_LEN)
		return false;
	for (i = 2; i < MSCHAPV2_AUTH_RESPONSE_LEN; i++) {
		char c = s[i];

		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return true;
}

/* The verdict on a->rq: to the peer, the session layer and the link. */
static void auth_deliver(struct auth *a, const struct auth_result *result)
{
	struct auth_result res;
	struct auth_net net;

	auth_timer_stop(a);
	res = *result;
	res.reason[sizeof(res.reason) - 1] = '\0';
	res.message[sizeof(res.message) - 1] = '\0';
	res.auth_response[sizeof(res.auth_response) - 1] = '\0';
	res.user.profile[sizeof(res.user.profile) - 1] = '\0';

	if (res.accept && a->info.method == AUTH_METHOD_MSCHAP2 &&
	    !auth_response_valid(res.auth_response)) {
		res.accept = false;
		snprintf(res.reason, sizeof(res.reason), "backend gave no authenticator response");
	}
	a->info.user_params = res.user;
	if (res.accept && res.has_mppe_keys) {
		/* The backend speaks for the authenticator, which is us. */
		a->info.has_mppe_keys = true;
		memcpy(a->info.mppe_send_key, res.mppe_send_key, AUTH_MPPE_KEY_LEN);
		memcpy(a->info.mppe_recv_key, res.mppe_recv_key, AUTH_MPPE_KEY_LEN);
	}
	memset(&net, 0, sizeof(net));
	if (res.accept && a->ops->accept && a->ops->accept(a->ctx, &a->info, &net) < 0) {
		res.accept = false;
		net.reason[sizeof(net.reason) - 1] = '\0';
		snprintf(res.reason, sizeof(res.reason), "%s",
			 net.reason[0] ? net.reason : "refused by the session layer");
		res.message[0] = '\0';
	}
	a->m->verdict(a, &res);
	if (res.accept && (net.set_ipcp || net.set_ccp) &&
	    ppp_set_net_params(a->link, net.set_ipcp ? &net.ipcp : NULL,
			       net.set_ccp ? &net.ccp : NULL) < 0)
		auth_log(a, CFG_LOG_WARNING, "per-user network parameters not applied");
	auth_finish(a, res.accept, res.reason);
	OPENSSL_cleanse(&res, sizeof(res));
}

void auth_request_done(struct auth_request *rq, const struct auth_result *result)
{
	if (!rq || !result || !rq->pending || !rq->auth)
		return;
	rq->pending = false;
	auth_deliver(rq->auth, result);
}

/* --- lifecycle --- */

static int auth_copy(char *dst, size_t cap, const char *src, size_t *len)
{
	size_t n = src ? strlen(src) : 0;

	if (n >= cap)
		return -1;
	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
	if (len)
		*len = n;
	return 0;
}

struct auth *auth_create(const struct auth_params *p, const struct auth_ops *ops, void *ctx,
			 struct ppp_link *link)
{
	struct auth *a;

	if (!p || !ops || !ops->timer_start || !ops->timer_stop || !link)
		return NULL;
	a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	a->ops = ops;
	a->ctx = ctx;
	a->link = link;
	if (p->backend)
		a->backend = *p->backend;
	if (auth_copy(a->name, sizeof(a->name), p->name ? p->name : AUTH_DEFAULT_NAME, NULL) < 0 ||
	    auth_copy(a->user, sizeof(a->user), p->user, &a->user_len) < 0 ||
	    auth_copy(a->password, sizeof(a->password), p->password, &a->password_len) < 0) {
		auth_destroy(a);
		return NULL;
	}
	a->restart_ms = p->restart_ms ? p->restart_ms : AUTH_RESTART_MS_DEFAULT;
	a->max_transmit = p->max_transmit ? p->max_transmit : AUTH_MAX_TRANSMIT;
	a->info.mschap_retry = -1;
	return a;
}

/* Forget the current exchange; a pending backend request is cancelled. */
static void auth_reset(struct auth *a)
{
	if (a->rq.pending) {
		a->rq.pending = false;
		if (a->backend.cancel)
			a->backend.cancel(a->backend.arg, &a->rq);
	}
	auth_timer_stop(a);
	a->state = AUTH_ST_IDLE;
	OPENSSL_cleanse(&a->rq, sizeof(a->rq));
	OPENSSL_cleanse(a->pkt, sizeof(a->pkt));
	OPENSSL_cleanse(a->nt_response, sizeof(a->nt_response));
	a->pkt_len = 0;
	a->transmits = 0;
	a->id_valid = false;
}

void auth_destroy(struct auth *a)
{
	if (!a)
		return;
	auth_reset(a);
	OPENSSL_cleanse(a, sizeof(*a));
	free(a);
}

void auth_start(struct auth *a, enum ppp_role role, uint16_t proto, uint8_t algo)
{
	auth_reset(a);
	auth_wipe_keys(&a->info);
	memset(&a->info, 0, sizeof(a->info));
	a->info.mschap_retry = -1;
	a->info.role = role;
	a->role = role;
	a->proto = proto;
	a->m = NULL;
	a->alg = NULL;
	if (proto == PPP_PROTO_PAP) {
		a->m = &auth_pap_ops;
		a->info.method = AUTH_METHOD_PAP;
	} else if (proto == PPP_PROTO_CHAP) {
		if (algo == CHAP_ALG_MD5)
			a->alg = &auth_chap_md5;
		else if (algo == CHAP_ALG_MSCHAP)
			a->alg = &auth_chap_mschap1;
		else if (algo == CHAP_ALG_MSCHAP2)
			a->alg = &auth_chap_mschap2;
		if (a->alg) {
			a->m = &auth_chap_ops;
			a->info.method = a->alg->method;
		}
	}
	if (role == PPP_ROLE_CLIENT)
		snprintf(a->info.user, sizeof(a->info.user), "%s", a->user);
	if (!a->m) {
		auth_finish(a, false, "unsupported authentication protocol");
		return;
	}
	if (role == PPP_ROLE_SERVER && !a->backend.verify) {
		auth_finish(a, false, "no authentication backend");
		return;
	}
	a->m->start(a);
}

void auth_stop(struct auth *a)
{
	auth_reset(a);
}

void auth_timeout(struct auth *a)
{
	/* A stale expiry (stopped meanwhile) is ignored. */
	if (!a->timer_on)
		return;
	a->timer_on = false;
	if (a->state == AUTH_ST_IDLE || a->state == AUTH_ST_DONE || !a->m)
		return;
	if (a->state == AUTH_ST_VERIFYING) {
		/* The backend never answered: make it forget the request, and refuse. */
		struct auth_result r;

		if (a->rq.pending) {
			a->rq.pending = false;
			if (a->backend.cancel)
				a->backend.cancel(a->backend.arg, &a->rq);
		}
		memset(&r, 0, sizeof(r));
		snprintf(r.reason, sizeof(r.reason), "authentication backend did not answer");
		auth_deliver(a, &r);
		return;
	}
	a->m->timeout(a);
}

void auth_input(struct auth *a, uint16_t proto, const uint8_t *pkt, size_t len)
{
	struct auth_pkt p;
	size_t plen;

	a->stats.rx_packets++;
	if (!a->m || a->state == AUTH_ST_IDLE) {
		auth_drop(a, AUTH_DROP_UNEXPECTED);
		return;
	}
	if (proto != a->proto) {
		auth_drop(a, AUTH_DROP_BAD_PROTO);
		return;
	}
	if (len < PPP_CP_HDR_LEN) {
		auth_drop(a, AUTH_DROP_SHORT);
		return;
	}
	/* RFC 1661 5: octets beyond Length are padding; fewer than Length is malformed. */
	plen = ppp_get16(pkt + 2);
	if (plen < PPP_CP_HDR_LEN || plen > len) {
		auth_drop(a, AUTH_DROP_BAD_LENGTH);
		return;
	}
	p.code = pkt[0];
	p.id = pkt[1];
	p.data = pkt + PPP_CP_HDR_LEN;
	p.len = plen - PPP_CP_HDR_LEN;
	a->m->input(a, &p);
}

const struct auth_info *auth_get_info(const struct auth *a)
{
	return &a->info;
}

const struct auth_stats *auth_get_stats(const struct auth *a)
{
	return &a->stats;
}
