/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The RADIUS credential backend (auth_radius.h): one Access-Request per
 * verify() (RFC 2865 4.1), the method's proof in the attributes RFC 2865
 * and RFC 2548 define for it, and the Access-Accept turned into what the
 * session needs: MS-CHAPv2 Success, MPPE keys, addresses, profile, limits,
 * and the Class / Acct-Interim-Interval accounting echoes later.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "auth_radius.h"
#include "cp.h"
#include "log.h"
#include "mppe_keys.h"
#include "radius_acct.h"
#include "radius_client.h"
#include "session.h"

/* RFC 2548 2.3.2 MS-CHAP-Response / MS-CHAP2-Response: Ident, Flags, 48 octets. */
#define MS_CHAP_RESPONSE_LEN   50
#define MS_CHAP_V1_LM_OFF      2
#define MS_CHAP_V1_NT_OFF      26
#define MS_CHAP_V2_PEER_OFF    2
#define MS_CHAP_V2_NT_OFF      26   /* after Peer-Challenge (16) and Reserved (8) */
/* RFC 2548 2.4.1 MS-CHAP-MPPE-Keys: LM key (8), NT key (16), padding to 32. */
#define MS_CHAP_MPPE_KEYS_LEN  32
#define MS_CHAP_MPPE_NT_OFF    8
/* RFC 2548 2.4.4 MS-MPPE-Encryption-Policy / 2.4.5 -Types. */
#define MS_MPPE_POLICY_ALLOWED  1
#define MS_MPPE_POLICY_REQUIRED 2
/* RFC 2865 5.8 Framed-IP-Address values that name no address. */
#define FRAMED_IP_USER_CHOOSES 0xFFFFFFFFu
#define FRAMED_IP_NAS_CHOOSES  0xFFFFFFFEu

/* RFC 2759 6: E= is a decimal error code; Windows' are three and four digits. */
#define MSCHAP_ERROR_CODE_LIMIT 10000

#define REASON_REJECTED   "rejected by RADIUS"
#define REASON_NO_ANSWER  "no RADIUS server answered"
#define REASON_NO_SERVER  "no RADIUS server with service ppp"

struct radius_pending {
	struct radius_pending *next;
	struct auth_radius *ar;
	struct auth_request *rq;
	struct radius_req *req;
};

/* ---- local first (RouterOS) ---- */

/* A /ppp/secret the local backend would use for this user. */
static bool local_has_user(const struct pg_config *cfg, const char *user)
{
	for (unsigned int i = 0; i < cfg->n_ppp_secret; i++) {
		const struct cfg_ppp_secret *s = &cfg->ppp_secret[i];

		if (!s->disabled && strcmp(s->name, user) == 0 &&
		    (s->service == CFG_SERVICE_ANY || s->service == CFG_SERVICE_PPTP))
			return true;
	}
	return false;
}

/* ---- the Access-Request ---- */

static int build_access_request(void *arg, struct radius_builder *b, const char *secret)
{
	struct radius_pending *p = arg;
	const struct auth_request *rq = p->rq;
	const struct pg_config *cfg = p->ar->cp->cfg;
	struct session *s = rq->owner;
	uint8_t v[MS_CHAP_RESPONSE_LEN];
	uint8_t hidden[RADIUS_PASSWORD_MAX];
	char ip[CFG_IPV4_STRLEN];
	size_t n;

	radius_add(b, RADIUS_USER_NAME, rq->user, rq->user_len);
	switch (rq->method) {
	case AUTH_METHOD_PAP:
		/* RFC 2865 5.2: hidden with the secret and this packet's authenticator. */
		n = radius_hide_password(rq->u.pap.password, rq->u.pap.password_len, secret,
					 b->buf + 4, hidden, sizeof(hidden));
		if (!n)
			return -1;
		radius_add(b, RADIUS_USER_PASSWORD, hidden, n);
		OPENSSL_cleanse(hidden, sizeof(hidden));
		break;
	case AUTH_METHOD_CHAP:
		/* RFC 2865 5.3: CHAP Ident then the 16-octet response; 5.40 the challenge. */
		v[0] = rq->u.chap.id;
		memcpy(v + 1, rq->u.chap.response, sizeof(rq->u.chap.response));
		radius_add(b, RADIUS_CHAP_PASSWORD, v, 1 + sizeof(rq->u.chap.response));
		radius_add(b, RADIUS_CHAP_CHALLENGE, rq->u.chap.challenge, rq->u.chap.challenge_len);
		break;
	case AUTH_METHOD_MSCHAP1:
		/* RFC 2548 2.3.2 MS-CHAP-Response: Ident, Flags (1: use NT), LM, NT. */
		memset(v, 0, sizeof(v));
		v[1] = rq->u.mschap1.use_nt ? 1 : 0;
		memcpy(v + MS_CHAP_V1_LM_OFF, rq->u.mschap1.lm_response, MSCHAP_RESPONSE_LEN);
		memcpy(v + MS_CHAP_V1_NT_OFF, rq->u.mschap1.nt_response, MSCHAP_RESPONSE_LEN);
		radius_add_vsa(b, RADIUS_VENDOR_MICROSOFT, RADIUS_MS_CHAP_CHALLENGE,
			       rq->u.mschap1.challenge, MSCHAP_CHALLENGE_LEN);
		radius_add_vsa(b, RADIUS_VENDOR_MICROSOFT, RADIUS_MS_CHAP_RESPONSE, v, sizeof(v));
		break;
	case AUTH_METHOD_MSCHAP2:
		/* RFC 2548 2.3.2 MS-CHAP2-Response: Ident, Flags, Peer-Challenge, Reserved, NT. */
		memset(v, 0, sizeof(v));
		v[1] = rq->u.mschap2.flags;
		memcpy(v + MS_CHAP_V2_PEER_OFF, rq->u.mschap2.peer_challenge, MSCHAPV2_CHALLENGE_LEN);
		memcpy(v + MS_CHAP_V2_NT_OFF, rq->u.mschap2.nt_response, MSCHAP_RESPONSE_LEN);
		radius_add_vsa(b, RADIUS_VENDOR_MICROSOFT, RADIUS_MS_CHAP_CHALLENGE,
			       rq->u.mschap2.auth_challenge, MSCHAPV2_CHALLENGE_LEN);
		radius_add_vsa(b, RADIUS_VENDOR_MICROSOFT, RADIUS_MS_CHAP2_RESPONSE, v, sizeof(v));
		break;
	case AUTH_METHOD_NONE:
		return -1;
	}
	/* RFC 2865 4.1: NAS-IP-Address or NAS-Identifier; the rest helps the server's policy. */
	radius_add_str(b, RADIUS_NAS_IDENTIFIER, cfg->system.identity);
	radius_add_u32(b, RADIUS_SERVICE_TYPE, RADIUS_SERVICE_FRAMED);
	radius_add_u32(b, RADIUS_FRAMED_PROTOCOL, RADIUS_FRAMED_PROTOCOL_PPP);
	radius_add_u32(b, RADIUS_NAS_PORT_TYPE, RADIUS_NAS_PORT_TYPE_VIRTUAL);
	if (s) {
		radius_add_u32(b, RADIUS_NAS_PORT, session_id(s));
		cfg_format_ipv4(session_peer_addr(s), ip, sizeof(ip));
		radius_add_str(b, RADIUS_CALLING_STATION_ID, ip);
	}
	return 0;
}

/* ---- the Access-Accept ---- */

/* RFC 2548 2.4.2/2.4.3: one salt-encrypted 16-octet (or longer) key. */
static int get_salted_key(const struct radius_msg *msg, uint8_t type, const uint8_t *request_auth,
			  const char *secret, uint8_t out[AUTH_MPPE_KEY_LEN])
{
	const struct radius_attr *a = radius_find(msg, RADIUS_VENDOR_MICROSOFT, type);
	uint8_t key[RADIUS_ATTR_VAL_MAX];
	int n;

	if (!a)
		return -1;
	n = radius_salt_decrypt(a->val, a->len, secret, request_auth, key, sizeof(key));
	if (n < AUTH_MPPE_KEY_LEN) {
		OPENSSL_cleanse(key, sizeof(key));
		return -1;
	}
	memcpy(out, key, AUTH_MPPE_KEY_LEN);
	OPENSSL_cleanse(key, sizeof(key));
	return 0;
}

/*
 * MS-CHAPv1 (RFC 2548 2.4.1): MS-CHAP-MPPE-Keys hides LM key and NT key
 * like a User-Password. Servers (FreeRADIUS, IAS) put the NT
 * PasswordHashHash in the NT slot; the start key is RFC 3079 2.4
 * GetStartKey(challenge, it), the same both ways.
 */
static int mschap1_keys(const struct auth_request *rq, const struct radius_msg *msg,
			const uint8_t *request_auth, const char *secret, struct auth_result *r)
{
	const struct radius_attr *a = radius_find(msg, RADIUS_VENDOR_MICROSOFT,
						  RADIUS_MS_CHAP_MPPE_KEYS);
	uint8_t plain[RADIUS_PASSWORD_MAX], start[MPPE_KEY_MAX_LEN];
	int rc = -1;

	if (!a || a->len != MS_CHAP_MPPE_KEYS_LEN ||
	    radius_unhide_password(a->val, a->len, secret, request_auth, plain) < 0)
		goto out;
	if (mppe_GetStartKey(rq->u.mschap1.challenge, plain + MS_CHAP_MPPE_NT_OFF, start) < 0)
		goto out;
	memcpy(r->mppe_send_key, start, AUTH_MPPE_KEY_LEN);
	memcpy(r->mppe_recv_key, start, AUTH_MPPE_KEY_LEN);
	r->has_mppe_keys = true;
	rc = 0;
out:
	OPENSSL_cleanse(plain, sizeof(plain));
	OPENSSL_cleanse(start, sizeof(start));
	return rc;
}

/* RouterOS Mikrotik-Rate-Limit: "rx[/tx] [bursts...]"; the first word is the rate. */
int auth_radius_rate_limit(const struct radius_msg *msg, struct auth_session_limits *l)
{
	char text[RADIUS_ATTR_VAL_MAX + 1];
	struct cfg_rate_limit rl;
	char *sp;

	if (radius_get_str(msg, RADIUS_VENDOR_MIKROTIK, RADIUS_MIKROTIK_RATE_LIMIT, text,
			   sizeof(text)) < 0)
		return 0;
	sp = strchr(text, ' ');
	if (sp)
		*sp = '\0';
	if (cfg_parse_rate_limit(text, &rl) != 0) {
		LOG_WARN(LOG_TOPIC_RADIUS, "Mikrotik-Rate-Limit \"%s\" not understood: ignored", text);
		return -1;
	}
	l->rate_limit = rl;
	return 0;
}

/* RFC 2865 5.22: without "/len" the prefix's class gives its length. */
static int classful_len(uint32_t addr, uint8_t *len)
{
	if ((addr >> 31) == 0)
		*len = 8;              /* class A */
	else if ((addr >> 30) == 2)
		*len = 16;             /* class B */
	else if ((addr >> 29) == 6)
		*len = 24;             /* class C */
	else
		return -1;
	return 0;
}

int auth_radius_framed_route(const char *text, struct auth_framed_route *out)
{
	char buf[RADIUS_ATTR_VAL_MAX + 1], *words[3] = { NULL }, *save = NULL, *slash;
	struct cfg_prefix p = { 0 };
	uint32_t gateway = 0;
	uint64_t metric = 1;
	unsigned int n = 0;

	snprintf(buf, sizeof(buf), "%s", text);
	for (char *w = strtok_r(buf, " \t", &save); w && n < 3; w = strtok_r(NULL, " \t", &save))
		words[n++] = w;
	if (n == 0)
		return -1;
	/* "prefix[/len] gateway metric [metric...]": only the first metric counts here. */
	slash = strchr(words[0], '/');
	if (slash) {
		if (cfg_parse_prefix(words[0], &p) != 0)
			return -1;
	} else {
		if (cfg_parse_ipv4(words[0], &p.addr) != 0 || classful_len(p.addr, &p.len) != 0)
			return -1;
	}
	if (n > 1 && cfg_parse_ipv4(words[1], &gateway) != 0)
		return -1;
	/* Metrics are signed in the RFC's example; one that is not 1..255 leaves distance 1. */
	if (n > 2 && (cfg_parse_uint(words[2], UINT8_MAX, &metric) != 0 || metric == 0))
		metric = 1;
	p.addr &= cfg_prefix_mask(p.len);
	*out = (struct auth_framed_route){ .dst = p, .gateway = gateway, .distance = (uint8_t)metric };
	return 0;
}

/* Every Framed-Route of the reply into u (those not understood are logged and left out). */
static void framed_routes(const struct radius_msg *msg, struct auth_user_params *u)
{
	char text[RADIUS_ATTR_VAL_MAX + 1];

	for (unsigned int i = 0; i < msg->n_attrs; i++) {
		const struct radius_attr *a = &msg->attrs[i];

		if (a->vendor != 0 || a->type != RADIUS_FRAMED_ROUTE)
			continue;
		memcpy(text, a->val, a->len);
		text[a->len] = '\0';
		for (char *c = text; *c; c++)
			if (!isprint((unsigned char)*c))
				*c = '?';
		if (u->n_framed_routes == AUTH_FRAMED_ROUTES_MAX) {
			LOG_WARN(LOG_TOPIC_RADIUS, "Framed-Route \"%s\" beyond the first %u: ignored",
				 text, AUTH_FRAMED_ROUTES_MAX);
			continue;
		}
		if (auth_radius_framed_route(text, &u->framed_routes[u->n_framed_routes]) != 0) {
			LOG_WARN(LOG_TOPIC_RADIUS, "Framed-Route \"%s\" not understood: ignored", text);
			continue;
		}
		u->n_framed_routes++;
	}
}

int auth_radius_accept(const struct auth_request *rq, const struct radius_msg *msg,
		       const uint8_t *request_auth, const char *secret, struct auth_result *r)
{
	const struct radius_attr *a;
	uint32_t v;

	r->accept = true;
	if (rq->method == AUTH_METHOD_MSCHAP2) {
		/* RFC 2548 2.3.3 MS-CHAP2-Success: Ident then "S=<40 hex>". */
		a = radius_find(msg, RADIUS_VENDOR_MICROSOFT, RADIUS_MS_CHAP2_SUCCESS);
		if (!a || a->len < 1 + MSCHAPV2_AUTH_RESPONSE_LEN) {
			snprintf(r->reason, sizeof(r->reason), "Access-Accept without MS-CHAP2-Success");
			goto refuse;
		}
		memcpy(r->auth_response, a->val + 1, MSCHAPV2_AUTH_RESPONSE_LEN);
		r->auth_response[MSCHAPV2_AUTH_RESPONSE_LEN] = '\0';
		/* RFC 2548 2.4.2/2.4.3: Send-Key is the NAS's send key: ours, as auth.h names them. */
		if (get_salted_key(msg, RADIUS_MS_MPPE_SEND_KEY, request_auth, secret,
				   r->mppe_send_key) == 0 &&
		    get_salted_key(msg, RADIUS_MS_MPPE_RECV_KEY, request_auth, secret,
				   r->mppe_recv_key) == 0)
			r->has_mppe_keys = true;
	} else if (rq->method == AUTH_METHOD_MSCHAP1) {
		mschap1_keys(rq, msg, request_auth, secret, r);
	}
	if (radius_get_u32(msg, 0, RADIUS_FRAMED_IP_ADDRESS, &v) == 0 &&
	    v != FRAMED_IP_USER_CHOOSES && v != FRAMED_IP_NAS_CHOOSES && v != 0) {
		r->user.remote_address.is_set = true;
		r->user.remote_address.is_pool = false;
		r->user.remote_address.addr = v;
	} else if (radius_get_str(msg, 0, RADIUS_FRAMED_POOL, r->user.remote_address.pool,
				  sizeof(r->user.remote_address.pool)) == 0) {
		/* RFC 2869 5.18: the NAS's pool of that name. */
		r->user.remote_address.is_set = true;
		r->user.remote_address.is_pool = true;
	}
	radius_get_str(msg, RADIUS_VENDOR_MIKROTIK, RADIUS_MIKROTIK_GROUP, r->user.profile,
		       sizeof(r->user.profile));
	/* RFC 2865 5.27, 5.28. */
	if (radius_get_u32(msg, 0, RADIUS_SESSION_TIMEOUT, &v) == 0) {
		r->user.limits.has_session_timeout = true;
		r->user.limits.session_timeout_s = v;
	}
	if (radius_get_u32(msg, 0, RADIUS_IDLE_TIMEOUT, &v) == 0) {
		r->user.limits.has_idle_timeout = true;
		r->user.limits.idle_timeout_s = v;
	}
	auth_radius_rate_limit(msg, &r->user.limits);
	framed_routes(msg, &r->user);
	/* RFC 2548 2.4.4, 2.4.5: handed to the session's CCP policy. */
	if (radius_get_u32(msg, RADIUS_VENDOR_MICROSOFT, RADIUS_MS_MPPE_ENCRYPTION_POLICY, &v) == 0)
		r->user.mppe_policy = v;
	if (radius_get_u32(msg, RADIUS_VENDOR_MICROSOFT, RADIUS_MS_MPPE_ENCRYPTION_TYPES, &v) == 0)
		r->user.mppe_types = v;
	if (r->user.mppe_policy == MS_MPPE_POLICY_REQUIRED && !r->has_mppe_keys) {
		snprintf(r->reason, sizeof(r->reason),
			 "MS-MPPE-Encryption-Policy requires encryption but no MPPE keys came");
		goto refuse;
	}
	return 0;
refuse:
	r->accept = false;
	r->has_mppe_keys = false;
	OPENSSL_cleanse(r->mppe_send_key, sizeof(r->mppe_send_key));
	OPENSSL_cleanse(r->mppe_recv_key, sizeof(r->mppe_recv_key));
	return -1;
}

void auth_radius_reject(const struct radius_msg *msg, struct auth_result *r)
{
	const struct radius_attr *a = radius_find(msg, RADIUS_VENDOR_MICROSOFT, RADIUS_MS_CHAP_ERROR);
	char text[RADIUS_ATTR_VAL_MAX + 1];
	const char *m, *e;
	unsigned long code;

	snprintf(r->reason, sizeof(r->reason), REASON_REJECTED);
	if (a && a->len > 1) {
		/*
		 * RFC 2548 2.3.4: Ident then "E=691 R=0 ... M=text". The link
		 * writes its own R=/C=/V= (we allow no retry); the server's E=
		 * code (RFC 2759 6: 646 restricted hours, 647 disabled, 648
		 * expired, 649 no dial-in, 691) and its words go to the peer.
		 */
		memcpy(text, a->val + 1, a->len - 1u);
		text[a->len - 1u] = '\0';
		e = strstr(text, "E=");
		if (e) {
			char *end;

			code = strtoul(e + 2, &end, 10);
			if (end != e + 2 && (*end == ' ' || *end == '\0') && code > 0 &&
			    code < MSCHAP_ERROR_CODE_LIMIT)
				r->mschap_error = (int)code;
		}
		m = strstr(text, "M=");
		/* "E=647 R=0" alone (FreeRADIUS for a disabled account): our text for the code. */
		if (m || !r->mschap_error)
			snprintf(r->message, sizeof(r->message), "%.*s", AUTH_MESSAGE_MAX - 1,
				 m ? m + 2 : text);
		snprintf(r->reason, sizeof(r->reason), REASON_REJECTED ": %.60s", text);
		return;
	}
	if (radius_get_str(msg, 0, RADIUS_REPLY_MESSAGE, text, sizeof(text)) == 0) {
		snprintf(r->message, sizeof(r->message), "%.*s", AUTH_MESSAGE_MAX - 1, text);
		snprintf(r->reason, sizeof(r->reason), REASON_REJECTED ": %.60s", text);
	}
}

/* Class and Acct-Interim-Interval for the Start/Interim/Stop records. */
static void note_for_accounting(const struct auth_request *rq, const struct radius_msg *msg)
{
	struct radius_auth_attrs aa;
	const struct radius_attr *cls = radius_find(msg, 0, RADIUS_CLASS);

	if (!rq->owner)
		return;
	memset(&aa, 0, sizeof(aa));
	aa.by_radius = true;
	if (cls && cls->len) {
		aa.class_len = cls->len;
		memcpy(aa.class_val, cls->val, cls->len);
	}
	if (radius_get_u32(msg, 0, RADIUS_ACCT_INTERIM_INTERVAL, &aa.interim_s) == 0)
		aa.has_interim = true;
	radius_acct_note_auth(rq->owner, &aa);
}

/* ---- the backend ---- */

static void pending_unlink(struct radius_pending *p)
{
	struct radius_pending **pp = &p->ar->pending;

	while (*pp && *pp != p)
		pp = &(*pp)->next;
	if (*pp)
		*pp = p->next;
}

static void on_access_reply(void *arg, enum radius_result res, const struct radius_reply *rep)
{
	struct radius_pending *p = arg;
	struct auth_request *rq = p->rq;
	struct auth_result r;

	pending_unlink(p);
	memset(&r, 0, sizeof(r));
	switch (res) {
	case RADIUS_RES_REPLY:
		if (rep->msg->code == RADIUS_ACCESS_ACCEPT) {
			if (auth_radius_accept(rq, rep->msg, rep->request_auth, rep->secret, &r) == 0)
				note_for_accounting(rq, rep->msg);
		} else if (rep->msg->code == RADIUS_ACCESS_CHALLENGE) {
			/* RFC 2865 4.4: PPP has no way to put a challenge to the user. */
			snprintf(r.reason, sizeof(r.reason), "Access-Challenge not supported");
		} else {
			auth_radius_reject(rep->msg, &r);
		}
		break;
	case RADIUS_RES_TIMEOUT:
		snprintf(r.reason, sizeof(r.reason), REASON_NO_ANSWER);
		LOG_WARN(LOG_TOPIC_RADIUS, "user=%s %s: login refused", rq->user, REASON_NO_ANSWER);
		break;
	case RADIUS_RES_NO_SERVER:
		snprintf(r.reason, sizeof(r.reason), REASON_NO_SERVER);
		break;
	case RADIUS_RES_ERROR:
		snprintf(r.reason, sizeof(r.reason), "RADIUS request failed");
		break;
	}
	free(p);
	auth_request_done(rq, &r);
	OPENSSL_cleanse(&r, sizeof(r));
}

static void radius_verify(void *arg, struct auth_request *rq)
{
	struct auth_radius *ar = arg;
	const struct pg_config *cfg = ar->cp->cfg;
	struct radius_pending *p;
	struct auth_result r;

	/* RouterOS: local secrets first; RADIUS only for the users it does not know. */
	if (!cfg->ppp_aaa.use_radius || !radius_client_has_server() ||
	    local_has_user(cfg, rq->user)) {
		ar->local->backend.verify(ar->local->backend.arg, rq);
		return;
	}
	p = calloc(1, sizeof(*p));
	if (p) {
		p->ar = ar;
		p->rq = rq;
		p->req = radius_client_send(RADIUS_SVC_AUTH, RADIUS_ACCESS_REQUEST, 1,
					    build_access_request, on_access_reply, p);
	}
	if (!p || !p->req) {
		free(p);
		memset(&r, 0, sizeof(r));
		snprintf(r.reason, sizeof(r.reason), "out of memory");
		auth_request_done(rq, &r);
		return;
	}
	p->next = ar->pending;
	ar->pending = p;
}

static void radius_cancel(void *arg, struct auth_request *rq)
{
	struct auth_radius *ar = arg;

	for (struct radius_pending *p = ar->pending; p; p = p->next) {
		if (p->rq == rq) {
			pending_unlink(p);
			radius_client_cancel(p->req);
			free(p);
			return;
		}
	}
}

void auth_radius_init(struct auth_radius *ar, struct cp_context *cp, struct auth_local *local)
{
	memset(ar, 0, sizeof(*ar));
	ar->backend.verify = radius_verify;
	ar->backend.cancel = radius_cancel;
	ar->backend.arg = ar;
	ar->local = local;
	ar->cp = cp;
}

void auth_radius_fini(struct auth_radius *ar)
{
	while (ar->pending) {
		struct radius_pending *p = ar->pending;

		ar->pending = p->next;
		radius_client_cancel(p->req);
		free(p);
	}
}
