/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RADIUS client transport (radius_client.h): non-blocking UDP on the
 * control-plane loop, one socket per source address with its own 256
 * Identifiers, one timer per request.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <event2/event.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "cp.h"
#include "log.h"
#include "radius_client.h"
#include "radius_socket.h"

#define RADIUS_SOCKS_MAX     8        /* distinct src-address values */
#define RADIUS_IDS           256
#define RADIUS_ID_WAIT_MS    50       /* every Identifier of the socket in use: try again */
#define RADIUS_PASS_PAUSE_MS 1000     /* accounting: pause between passes over the servers */

struct radius_sock {
	uint32_t src;                 /* host order; 0 any */
	int fd;
	struct event *ev;
	struct radius_req *inflight[RADIUS_IDS];
	uint8_t next_id;
};

struct radius_req {
	enum radius_service svc;
	uint8_t code;
	unsigned int rounds;          /* 0: for ever */
	unsigned int pass;            /* passes over the list completed */
	radius_build_fn build;
	radius_done_fn done;
	void *arg;

	/* The server being tried: a snapshot, the config may change under us. */
	unsigned int server;          /* index in cfg->radius */
	bool has_server;              /* false: on the timer, start at resume */
	unsigned int resume;
	bool ever_sent;
	uint32_t addr;
	uint16_t port;
	uint32_t timeout_ms;
	char secret[CFG_SECRET_MAX];
	unsigned int sends;           /* to this server */
	struct radius_server_stats *st;

	struct radius_sock *sock;
	bool has_id;
	uint8_t id;
	uint8_t pkt[RADIUS_PKT_MAX];
	size_t len;
	struct event *timer;
	bool firing;                  /* inside done: cancel is a no-op */
};

static struct {
	struct cp_context *cp;
	struct radius_sock socks[RADIUS_SOCKS_MAX];
	unsigned int n_socks;
	struct radius_server_stats stats[RADIUS_STATS_MAX];
	unsigned int n_stats;
	uint64_t unmatched;
	uint32_t pass_pause_ms;
} rc;

static void rlog(enum cfg_log_level level, const struct radius_req *r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Every line names the server and the Identifier. */
static void rlog(enum cfg_log_level level, const struct radius_req *r, const char *fmt, ...)
{
	char msg[192], addr[CFG_IPV4_STRLEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cfg_format_ipv4(r->addr, addr, sizeof(addr));
	log_msg(level, LOG_TOPIC_RADIUS, "server=%s:%u id=%u %s", addr, r->port, r->id, msg);
}

static struct radius_server_stats *stats_for(uint32_t addr, uint16_t port, enum radius_service svc)
{
	for (unsigned int i = 0; i < rc.n_stats; i++)
		if (rc.stats[i].addr == addr && rc.stats[i].port == port && rc.stats[i].svc == svc)
			return &rc.stats[i];
	if (rc.n_stats >= RADIUS_STATS_MAX)
		return &rc.stats[RADIUS_STATS_MAX - 1];   /* the last row absorbs the rest */
	rc.stats[rc.n_stats].addr = addr;
	rc.stats[rc.n_stats].port = port;
	rc.stats[rc.n_stats].svc = svc;
	return &rc.stats[rc.n_stats++];
}

static bool server_usable(const struct cfg_radius *s)
{
	return s->service_ppp;
}

bool radius_client_has_server(void)
{
	const struct pg_config *cfg = rc.cp ? rc.cp->cfg : NULL;

	if (!cfg)
		return false;
	for (unsigned int i = 0; i < cfg->n_radius; i++)
		if (server_usable(&cfg->radius[i]))
			return true;
	return false;
}

/* ---- sockets ---- */

static void on_readable(evutil_socket_t fd, short what, void *arg);

static struct radius_sock *sock_for(uint32_t src)
{
	struct radius_sock *s;
	char addr[CFG_IPV4_STRLEN];

	for (unsigned int i = 0; i < rc.n_socks; i++)
		if (rc.socks[i].src == src)
			return &rc.socks[i];
	if (rc.n_socks >= RADIUS_SOCKS_MAX)
		return NULL;
	s = &rc.socks[rc.n_socks];
	memset(s, 0, sizeof(*s));
	s->src = src;
	/* src-address (RouterOS): the address our requests come from; any port. */
	s->fd = radius_socket_open(rc.cp->base, src, 0, on_readable, s, &s->ev);
	if (s->fd < 0) {
		cfg_format_ipv4(src, addr, sizeof(addr));
		LOG_WARN(LOG_TOPIC_RADIUS, "cannot bind src-address %s: %s", addr, strerror(errno));
		return NULL;
	}
	rc.n_socks++;
	return s;
}

static void id_release(struct radius_req *r)
{
	if (r->has_id && r->sock->inflight[r->id] == r)
		r->sock->inflight[r->id] = NULL;
	r->has_id = false;
}

static bool id_take(struct radius_req *r)
{
	struct radius_sock *s = r->sock;

	for (unsigned int n = 0; n < RADIUS_IDS; n++) {
		uint8_t id = (uint8_t)(s->next_id + n);

		if (!s->inflight[id]) {
			s->inflight[id] = r;
			s->next_id = (uint8_t)(id + 1);
			r->id = id;
			r->has_id = true;
			return true;
		}
	}
	return false;
}

/* ---- the request's life ---- */

static void req_free(struct radius_req *r)
{
	id_release(r);
	if (r->timer)
		event_free(r->timer);
	OPENSSL_cleanse(r->secret, sizeof(r->secret));
	OPENSSL_cleanse(r->pkt, sizeof(r->pkt));
	free(r);
}

static void req_finish(struct radius_req *r, enum radius_result res, const struct radius_reply *rep)
{
	id_release(r);
	event_del(r->timer);
	r->firing = true;
	r->done(r->arg, res, rep);
	req_free(r);
}

static void timer_add(struct radius_req *r, uint32_t ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };

	event_add(r->timer, &tv);
}

/* The next usable server at or after index i, or -1. */
static int next_server(unsigned int i)
{
	const struct pg_config *cfg = rc.cp->cfg;

	for (; i < cfg->n_radius; i++)
		if (server_usable(&cfg->radius[i]))
			return (int)i;
	return -1;
}

/* Snapshot server i and build the packet for it: new Identifier and authenticator. */
static int req_prepare(struct radius_req *r, unsigned int i)
{
	const struct cfg_radius *s = &rc.cp->cfg->radius[i];
	uint8_t auth[RADIUS_AUTH_LEN];
	struct radius_builder *b;
	int ret = -1;

	id_release(r);
	r->server = i;
	r->has_server = true;
	r->addr = s->address;
	r->port = r->svc == RADIUS_SVC_AUTH ? s->authentication_port : s->accounting_port;
	r->timeout_ms = s->timeout_ms ? s->timeout_ms : 300;
	snprintf(r->secret, sizeof(r->secret), "%s", s->secret);
	r->sends = 0;
	r->st = stats_for(r->addr, r->port, r->svc);
	r->sock = sock_for(s->src_address);
	if (!r->sock) {
		rlog(CFG_LOG_WARNING, r, "no socket for src-address");
		return -1;
	}
	if (!id_take(r))
		return 1;   /* the caller waits for an Identifier */
	b = malloc(sizeof(*b));
	if (!b)
		return -1;
	/* RFC 2865 3: the Access-Request authenticator is unpredictable and unique. */
	if (r->code == RADIUS_ACCESS_REQUEST && RAND_bytes(auth, sizeof(auth)) != 1)
		goto out;
	radius_build_init(b, r->code, r->id, r->code == RADIUS_ACCESS_REQUEST ? auth : NULL);
	/*
	 * RFC 3579 3.2 on every Access-Request, first in the packet as the
	 * BlastRADIUS advisory recommends (a forged prefix cannot move it).
	 */
	if (r->code == RADIUS_ACCESS_REQUEST)
		radius_add_msg_auth(b);
	if (r->build(r->arg, b, r->secret) < 0)
		goto out;
	r->len = radius_finish_request(b, r->secret);
	if (!r->len) {
		rlog(CFG_LOG_WARNING, r, "request does not fit in %d octets", RADIUS_PKT_MAX);
		goto out;
	}
	memcpy(r->pkt, b->buf, r->len);
	ret = 0;
out:
	OPENSSL_cleanse(b, sizeof(*b));
	free(b);
	return ret;
}

static void req_transmit(struct radius_req *r)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(r->port),
				  .sin_addr.s_addr = htonl(r->addr) };

	r->ever_sent = true;
	if (r->sends == 0)
		r->st->requests++;
	else
		r->st->retransmits++;
	r->sends++;
	if (sendto(r->sock->fd, r->pkt, r->len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		rlog(CFG_LOG_DEBUG, r, "send failed: %s", strerror(errno));
	timer_add(r, r->timeout_ms);
}

/* Move to server index i (or the next pass, or give up) and send. */
static void req_try_from(struct radius_req *r, unsigned int i)
{
	int next = next_server(i);
	int prep;

	if (next < 0) {
		r->pass++;
		if (next_server(0) < 0) {
			req_finish(r, r->ever_sent ? RADIUS_RES_TIMEOUT : RADIUS_RES_NO_SERVER,
				   NULL);
			return;
		}
		if (r->rounds && r->pass >= r->rounds) {
			req_finish(r, RADIUS_RES_TIMEOUT, NULL);
			return;
		}
		/* Accounting keeps going, a pass at a time (RFC 2866 2: retry until answered). */
		r->has_server = false;
		r->resume = 0;
		id_release(r);
		timer_add(r, rc.pass_pause_ms ? rc.pass_pause_ms : RADIUS_PASS_PAUSE_MS);
		return;
	}
	prep = req_prepare(r, (unsigned int)next);
	if (prep > 0) {
		r->has_server = false;   /* on the timer: prepare this server again */
		r->resume = (unsigned int)next;
		timer_add(r, RADIUS_ID_WAIT_MS);
		return;
	}
	if (prep < 0) {
		req_finish(r, RADIUS_RES_ERROR, NULL);
		return;
	}
	req_transmit(r);
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct radius_req *r = arg;

	(void)fd;
	(void)what;
	if (!r->has_server) {
		/* Waiting for an Identifier (server set) or between passes (start over). */
		req_try_from(r, r->resume);
		return;
	}
	if (r->sends < RADIUS_SENDS_PER_SERVER) {
		req_transmit(r);
		return;
	}
	r->st->timeouts++;
	rlog(CFG_LOG_INFO, r, "no reply after %u tries of %u ms", r->sends, r->timeout_ms);
	req_try_from(r, r->server + 1);
}

struct radius_req *radius_client_send(enum radius_service svc, uint8_t code, unsigned int rounds,
				      radius_build_fn build, radius_done_fn done, void *arg)
{
	struct radius_req *r;

	if (!rc.cp || !build || !done)
		return NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->svc = svc;
	r->code = code;
	r->rounds = rounds;
	r->build = build;
	r->done = done;
	r->arg = arg;
	r->timer = evtimer_new(rc.cp->base, on_timer, r);
	if (!r->timer) {
		free(r);
		return NULL;
	}
	/* Start from the loop: done must never run inside the caller's call. */
	r->resume = 0;
	timer_add(r, 0);
	return r;
}

void radius_client_cancel(struct radius_req *r)
{
	if (!r || r->firing)
		return;
	req_free(r);
}

/* ---- replies ---- */

static bool code_answers(uint8_t req, uint8_t rep)
{
	if (req == RADIUS_ACCESS_REQUEST)
		return rep == RADIUS_ACCESS_ACCEPT || rep == RADIUS_ACCESS_REJECT ||
		       rep == RADIUS_ACCESS_CHALLENGE;
	if (req == RADIUS_ACCOUNTING_REQUEST)
		return rep == RADIUS_ACCOUNTING_RESPONSE;
	return false;
}

static void handle_reply(struct radius_sock *s, const uint8_t *buf, size_t len,
			 const struct sockaddr_in *from)
{
	struct radius_msg *msg = NULL;
	struct radius_req *r;
	enum radius_parse_err pe;
	enum radius_verify v;
	struct radius_reply rep;

	if (len < RADIUS_HDR_LEN) {
		rc.unmatched++;
		return;
	}
	r = s->inflight[buf[1]];
	/* RFC 2865 3: a reply is matched by Identifier and comes from the server we asked. */
	if (!r || !r->has_server || ntohl(from->sin_addr.s_addr) != r->addr ||
	    ntohs(from->sin_port) != r->port) {
		rc.unmatched++;
		return;
	}
	msg = malloc(sizeof(*msg));
	if (!msg)
		return;
	pe = radius_parse(buf, len, msg);
	if (pe != RADIUS_PARSE_OK || !code_answers(r->code, msg->code)) {
		r->st->malformed++;
		rlog(CFG_LOG_WARNING, r, "reply dropped: %s",
		     pe != RADIUS_PARSE_OK ? radius_parse_err_name(pe) : "unexpected code");
		goto out;
	}
	/*
	 * BlastRADIUS (CVE-2024-3596): an Access reply is trusted only with a
	 * valid Message-Authenticator (RFC 3579 3.2), whatever the server sends.
	 */
	v = radius_verify_response(buf, msg, r->pkt + 4, r->secret,
				   r->code == RADIUS_ACCESS_REQUEST);
	if (v != RADIUS_VERIFY_OK) {
		r->st->bad_replies++;
		rlog(CFG_LOG_WARNING, r, "reply dropped: %s%s", radius_verify_name(v),
		     v == RADIUS_VERIFY_NO_MSG_AUTH ?
		     " (required on every Access reply: BlastRADIUS; configure the server to send it)" :
		     v == RADIUS_VERIFY_BAD_AUTHENTICATOR ? " (wrong secret?)" : "");
		goto out;
	}
	if (msg->code == RADIUS_ACCESS_ACCEPT)
		r->st->accepts++;
	else if (msg->code == RADIUS_ACCESS_REJECT)
		r->st->rejects++;
	else if (msg->code == RADIUS_ACCOUNTING_RESPONSE)
		r->st->responses++;
	rep.msg = msg;
	rep.request_auth = r->pkt + 4;
	rep.secret = r->secret;
	rep.server_addr = r->addr;
	req_finish(r, RADIUS_RES_REPLY, &rep);
out:
	free(msg);
}

static void on_readable(evutil_socket_t fd, short what, void *arg)
{
	struct radius_sock *s = arg;
	uint8_t buf[RADIUS_PKT_MAX + 1];
	struct sockaddr_in from;
	socklen_t fl;
	ssize_t n;

	(void)what;
	/* Drain what is there; a burst of replies costs one wake-up. */
	for (int i = 0; i < 64; i++) {
		fl = sizeof(from);
		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
		if (n < 0)
			return;
		if (fl < sizeof(from) || from.sin_family != AF_INET) {
			rc.unmatched++;
			continue;
		}
		handle_reply(s, buf, (size_t)n, &from);
	}
}

/* ---- module ---- */

int radius_client_init(struct cp_context *cp)
{
	memset(&rc, 0, sizeof(rc));
	rc.cp = cp;
	return 0;
}

void radius_client_fini(void)
{
	for (unsigned int i = 0; i < rc.n_socks; i++) {
		struct radius_sock *s = &rc.socks[i];

		for (unsigned int id = 0; id < RADIUS_IDS; id++)
			if (s->inflight[id])
				s->inflight[id]->has_id = false;
		radius_socket_close(&s->fd, &s->ev);
	}
	rc.n_socks = 0;
	rc.cp = NULL;
}

unsigned int radius_client_stats_count(void)
{
	return rc.n_stats;
}

const struct radius_server_stats *radius_client_stats(unsigned int i)
{
	return i < rc.n_stats ? &rc.stats[i] : NULL;
}

uint64_t radius_client_unmatched(void)
{
	return rc.unmatched;
}

void radius_client_set_pass_pause_ms(uint32_t ms)
{
	rc.pass_pause_ms = ms;
}
