/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * /radius/incoming (radius_coa.h): RFC 5176 Disconnect and CoA.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <event2/event.h>

#include "auth_radius.h"
#include "cp.h"
#include "log.h"
#include "pptp_server.h"
#include "radius_acct.h"
#include "radius_coa.h"
#include "radius_socket.h"
#include "session.h"

#define COA_CAUSE "radius disconnect"
/* RFC 5176 2.3: retransmissions carry the same Identifier: answer them the same way. */
#define COA_REPLY_CACHE 16
/* Sessions one request may name (a user with several calls). */
#define COA_SESSIONS_MAX 64

struct coa_cached {
	uint32_t addr;
	uint16_t port;
	uint8_t id;
	uint8_t auth[RADIUS_AUTH_LEN];
	size_t len;
	uint8_t reply[RADIUS_PKT_MAX];
};

static struct {
	struct cp_context *cp;
	int fd;                        /* -1: not listening */
	struct event *ev;
	uint16_t port;                 /* fd's */
	struct radius_coa_stats st;
	struct coa_cached cache[COA_REPLY_CACHE];
	unsigned int cache_next;
} co = { .fd = -1 };

static void text_attr(const struct radius_attr *a, char *out, bool *has)
{
	memcpy(out, a->val, a->len);
	out[a->len] = '\0';
	*has = true;
}

uint32_t radius_coa_parse(const struct radius_msg *msg, struct radius_coa_request *req)
{
	uint32_t v;

	memset(req, 0, sizeof(*req));
	req->code = msg->code;
	if (msg->code != RADIUS_DISCONNECT_REQUEST && msg->code != RADIUS_COA_REQUEST)
		return RADIUS_ERR_UNSUPPORTED_SERVICE;
	for (unsigned int i = 0; i < msg->n_attrs; i++) {
		const struct radius_attr *a = &msg->attrs[i];

		if (a->vendor)
			continue;
		switch (a->type) {
		case RADIUS_USER_NAME:
			text_attr(a, req->user, &req->has_user);
			break;
		case RADIUS_ACCT_SESSION_ID:
			text_attr(a, req->acct_session_id, &req->has_acct_session_id);
			break;
		case RADIUS_NAS_IDENTIFIER:
			text_attr(a, req->nas_identifier, &req->has_nas_identifier);
			break;
		case RADIUS_FRAMED_IP_ADDRESS:
			if (a->len != 4)
				return RADIUS_ERR_INVALID_ATTR_VALUE;
			req->framed_ip = (uint32_t)a->val[0] << 24 | (uint32_t)a->val[1] << 16 |
					 (uint32_t)a->val[2] << 8 | a->val[3];
			break;
		default:
			break;
		}
	}
	/* RFC 5176 3: the session is named by at least one identification attribute. */
	if (!req->has_user && !req->has_acct_session_id && !req->framed_ip)
		return RADIUS_ERR_MISSING_ATTRIBUTE;
	if (msg->code != RADIUS_COA_REQUEST)
		return 0;
	if (radius_get_u32(msg, 0, RADIUS_SESSION_TIMEOUT, &v) == 0) {
		req->limits.has_session_timeout = true;
		req->limits.session_timeout_s = v;
		req->has_limits = true;
	} else if (radius_find(msg, 0, RADIUS_SESSION_TIMEOUT)) {
		return RADIUS_ERR_INVALID_ATTR_VALUE;
	}
	if (radius_get_u32(msg, 0, RADIUS_IDLE_TIMEOUT, &v) == 0) {
		req->limits.has_idle_timeout = true;
		req->limits.idle_timeout_s = v;
		req->has_limits = true;
	} else if (radius_find(msg, 0, RADIUS_IDLE_TIMEOUT)) {
		return RADIUS_ERR_INVALID_ATTR_VALUE;
	}
	if (radius_find(msg, RADIUS_VENDOR_MIKROTIK, RADIUS_MIKROTIK_RATE_LIMIT)) {
		if (auth_radius_rate_limit(msg, &req->limits) < 0)
			return RADIUS_ERR_INVALID_ATTR_VALUE;
		req->has_limits = true;
	}
	return 0;
}

static const struct cfg_radius *client_for(uint32_t addr)
{
	const struct pg_config *cfg = co.cp->cfg;

	for (unsigned int i = 0; i < cfg->n_radius; i++)
		if (cfg->radius[i].address == addr)
			return &cfg->radius[i];
	return NULL;
}

static const struct coa_cached *cache_find(uint32_t addr, uint16_t port, const struct radius_msg *m)
{
	for (unsigned int i = 0; i < COA_REPLY_CACHE; i++) {
		const struct coa_cached *c = &co.cache[i];

		if (c->len && c->addr == addr && c->port == port && c->id == m->id &&
		    memcmp(c->auth, m->authenticator, RADIUS_AUTH_LEN) == 0)
			return c;
	}
	return NULL;
}

static void send_reply(const struct sockaddr_in *to, const struct radius_msg *req,
		       const char *secret, uint32_t error_cause)
{
	struct radius_builder *b = malloc(sizeof(*b));
	uint8_t code;
	size_t len;
	struct coa_cached *c;

	if (!b)
		return;
	if (req->code == RADIUS_DISCONNECT_REQUEST)
		code = error_cause ? RADIUS_DISCONNECT_NAK : RADIUS_DISCONNECT_ACK;
	else
		code = error_cause ? RADIUS_COA_NAK : RADIUS_COA_ACK;
	radius_build_init(b, code, req->id, NULL);
	radius_add_msg_auth(b);
	if (error_cause)
		radius_add_u32(b, RADIUS_ERROR_CAUSE, error_cause);
	/* RFC 2865 5.33: Proxy-State comes back unchanged, in order. */
	for (unsigned int i = 0; i < req->n_attrs; i++)
		if (!req->attrs[i].vendor && req->attrs[i].type == RADIUS_PROXY_STATE)
			radius_add(b, RADIUS_PROXY_STATE, req->attrs[i].val, req->attrs[i].len);
	len = radius_finish_response(b, req->authenticator, secret);
	if (len) {
		sendto(co.fd, b->buf, len, 0, (const struct sockaddr *)to, sizeof(*to));
		c = &co.cache[co.cache_next++ % COA_REPLY_CACHE];
		c->addr = ntohl(to->sin_addr.s_addr);
		c->port = ntohs(to->sin_port);
		c->id = req->id;
		memcpy(c->auth, req->authenticator, RADIUS_AUTH_LEN);
		memcpy(c->reply, b->buf, len);
		c->len = len;
		if (error_cause)
			co.st.naks++;
		else
			co.st.acks++;
	}
	free(b);
}

/* The request names sessions: end them or change them, every one it names. 0 or an Error-Cause. */
static uint32_t coa_act(const struct radius_coa_request *rq, const char *src)
{
	const struct pg_config *cfg = co.cp->cfg;
	struct session *s[COA_SESSIONS_MAX];
	unsigned int n;
	uint32_t err = 0;

	/* RFC 5176 3: a NAS-Identifier that is not ours means the request is not for us. */
	if (rq->has_nas_identifier && strcmp(rq->nas_identifier, cfg->system.identity) != 0)
		return RADIUS_ERR_NAS_ID_MISMATCH;
	if (rq->code == RADIUS_COA_REQUEST && !rq->has_limits)
		return RADIUS_ERR_UNSUPPORTED_ATTRIBUTE;
	n = radius_acct_find_all(rq->has_user ? rq->user : NULL,
				 rq->has_acct_session_id ? rq->acct_session_id : NULL, rq->framed_ip,
				 s, COA_SESSIONS_MAX);
	if (n == 0)
		return RADIUS_ERR_SESSION_NOT_FOUND;
	if (n > COA_SESSIONS_MAX)
		n = COA_SESSIONS_MAX;   /* a Disconnect repeated by the server takes the rest */
	for (unsigned int i = 0; i < n; i++) {
		if (rq->code == RADIUS_DISCONNECT_REQUEST) {
			LOG_INFO(LOG_TOPIC_RADIUS, "user=%s session=%u disconnect requested by %s",
				 session_user(s[i]), session_id(s[i]), src);
			/* Teardown is deferred to the loop: safe while we walk the list. */
			if (pptp_server_disconnect(session_id(s[i]), COA_CAUSE) < 0)
				err = RADIUS_ERR_SESSION_NOT_FOUND;
			continue;
		}
		if (session_apply_limits(s[i], &rq->limits) < 0) {
			err = RADIUS_ERR_RESOURCES_UNAVAILABLE;
			continue;
		}
		LOG_INFO(LOG_TOPIC_RADIUS, "user=%s session=%u limits changed by CoA from %s",
			 session_user(s[i]), session_id(s[i]), src);
	}
	return err;
}

static void handle(const uint8_t *buf, size_t len, const struct sockaddr_in *from)
{
	uint32_t addr = ntohl(from->sin_addr.s_addr);
	const struct cfg_radius *client = client_for(addr);
	struct radius_msg *msg = NULL;
	struct radius_coa_request *rq = NULL;
	const struct coa_cached *c;
	enum radius_parse_err pe;
	enum radius_verify v;
	char src[CFG_IPV4_STRLEN];
	uint32_t err;

	cfg_format_ipv4(addr, src, sizeof(src));
	/* RFC 5176 5.1: only the servers we know may ask. */
	if (!client) {
		co.st.unknown_client++;
		LOG_WARN(LOG_TOPIC_RADIUS, "incoming request from unknown client %s dropped", src);
		return;
	}
	msg = malloc(sizeof(*msg));
	rq = malloc(sizeof(*rq));
	if (!msg || !rq)
		goto out;
	pe = radius_parse(buf, len, msg);
	if (pe != RADIUS_PARSE_OK) {
		co.st.malformed++;
		LOG_WARN(LOG_TOPIC_RADIUS, "incoming request from %s dropped: %s", src,
			 radius_parse_err_name(pe));
		goto out;
	}
	v = radius_verify_request(buf, msg, client->secret);
	if (v != RADIUS_VERIFY_OK) {
		co.st.bad_authenticator++;
		LOG_WARN(LOG_TOPIC_RADIUS, "incoming request from %s id=%u dropped: %s (wrong secret?)",
			 src, msg->id, radius_verify_name(v));
		goto out;
	}
	c = cache_find(addr, ntohs(from->sin_port), msg);
	if (c) {
		sendto(co.fd, c->reply, c->len, 0, (const struct sockaddr *)from, sizeof(*from));
		goto out;
	}
	co.st.requests++;
	err = radius_coa_parse(msg, rq);
	if (err == RADIUS_ERR_UNSUPPORTED_SERVICE) {
		co.st.malformed++;
		goto out;   /* not a code this port serves: nothing to answer */
	}
	if (!err)
		err = coa_act(rq, src);
	LOG_INFO(LOG_TOPIC_RADIUS, "%s from %s id=%u: %s%s%u",
		 msg->code == RADIUS_DISCONNECT_REQUEST ? "Disconnect-Request" : "CoA-Request",
		 src, msg->id, err ? "NAK" : "ACK", err ? " error-cause=" : "", err ? err : 0);
	send_reply(from, msg, client->secret, err);
out:
	free(msg);
	free(rq);
}

static void on_readable(evutil_socket_t fd, short what, void *arg)
{
	uint8_t buf[RADIUS_PKT_MAX + 1];
	struct sockaddr_in from;
	socklen_t fl;
	ssize_t n;

	(void)what;
	(void)arg;
	for (int i = 0; i < 64; i++) {
		fl = sizeof(from);
		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
		if (n < 0)
			return;
		if (fl < sizeof(from) || from.sin_family != AF_INET) {
			co.st.unknown_client++;
			continue;
		}
		handle(buf, (size_t)n, &from);
	}
}

/* Make the listener what /radius/incoming says: closed, or open on its port. 0 or -1. */
static int coa_listen(const struct cfg_radius_incoming *in)
{
	if (co.fd >= 0 && in->accept && co.port == in->port)
		return 0;
	if (co.fd >= 0) {
		radius_socket_close(&co.fd, &co.ev);
		LOG_INFO(LOG_TOPIC_RADIUS, "radius-incoming closed port=%u", co.port);
	}
	if (!in->accept)
		return 0;
	co.fd = radius_socket_open(co.cp->base, 0, in->port, on_readable, NULL, &co.ev);
	if (co.fd < 0) {
		LOG_ERR(LOG_TOPIC_RADIUS, "radius-incoming: cannot listen on udp port %u: %s",
			in->port, strerror(errno));
		return -1;
	}
	co.port = in->port;
	LOG_INFO(LOG_TOPIC_RADIUS, "radius-incoming listening port=%u", in->port);
	return 0;
}

int radius_coa_init(struct cp_context *cp)
{
	memset(&co, 0, sizeof(co));
	co.fd = -1;
	co.cp = cp;
	return coa_listen(&cp->cfg->radius_incoming);
}

void radius_coa_sync(void)
{
	/* A failure is logged; the next commit tries again. */
	if (co.cp)
		coa_listen(&co.cp->cfg->radius_incoming);
}

void radius_coa_fini(void)
{
	radius_socket_close(&co.fd, &co.ev);
	co.cp = NULL;
}

void radius_coa_get_stats(struct radius_coa_stats *out)
{
	*out = co.st;
}
