/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The RADIUS transport (radius_client.c) on a real libevent loop against
 * fake servers: UDP sockets on 127.0.0.1 in this process that stay silent,
 * answer properly, or answer without / with a wrong Message-Authenticator.
 * What a user would see: which server answered, what was counted, and that
 * a reply failing the BlastRADIUS check is never delivered.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cmocka.h>
#include <event2/event.h>

#include "cp.h"
#include "crypto_init.h"
#include "radius_client.h"
#include "radius_pkt.h"

#define LOOPBACK 0x7F000001u
#define SECRET   "testing123"

enum fake_mode {
	FAKE_SILENT,
	FAKE_ANSWER,          /* Access-Accept / Accounting-Response, Message-Authenticator */
	FAKE_NO_MA,           /* Access-Accept without Message-Authenticator */
	FAKE_BAD_MA,          /* Message-Authenticator with the wrong secret */
	FAKE_SILENT_ONCE,     /* ignore the first request, then answer */
};

struct fake {
	int fd;
	uint16_t port;
	enum fake_mode mode;
	unsigned int received;
	bool request_ma_ok;   /* the last Access-Request's Message-Authenticator verified */
	bool ma_first;        /* ... and it was the first attribute */
	uint32_t last_src;    /* source address of the last request */
	struct event *ev;
};

struct outcome {
	bool done;
	enum radius_result res;
	uint8_t code;
	struct event_base *base;
};

static struct event_base *base;
static struct pg_config cfg;
static struct cp_context cp;
static struct fake fakes[2];

static void fake_reply(struct fake *f, const uint8_t *req, size_t len, const struct sockaddr_in *to)
{
	struct radius_builder b;
	struct radius_msg *m = malloc(sizeof(*m));
	uint8_t copy[RADIUS_PKT_MAX], mac[16];
	size_t n;

	assert_non_null(m);
	assert_int_equal(radius_parse(req, len, m), RADIUS_PARSE_OK);
	if (m->code == RADIUS_ACCESS_REQUEST) {
		/* RFC 3579 3.2: HMAC over the request with the MA value zeroed. */
		f->ma_first = m->ma_off == RADIUS_HDR_LEN + RADIUS_ATTR_HDR;
		memcpy(copy, req, m->len);
		if (m->ma_off >= 0) {
			memset(copy + m->ma_off, 0, 16);
			radius_hmac_md5((const uint8_t *)SECRET, strlen(SECRET), copy, m->len, mac);
			f->request_ma_ok = memcmp(mac, req + m->ma_off, 16) == 0;
		}
	} else {
		assert_int_equal(radius_verify_request(req, m, SECRET), RADIUS_VERIFY_OK);
	}
	radius_build_init(&b, m->code == RADIUS_ACCESS_REQUEST ? RADIUS_ACCESS_ACCEPT :
			  RADIUS_ACCOUNTING_RESPONSE, m->id, NULL);
	if (f->mode != FAKE_NO_MA && m->code == RADIUS_ACCESS_REQUEST)
		radius_add_msg_auth(&b);
	radius_add_u32(&b, RADIUS_SESSION_TIMEOUT, 60);
	n = radius_finish_response(&b, m->authenticator, SECRET);
	if (f->mode == FAKE_BAD_MA) {
		/* A forged MA under a valid Response Authenticator (recomputed by hand). */
		struct crypto_buf parts[] = {
			{ b.buf, 4 }, { m->authenticator, 16 }, { b.buf + 20, n - 20 },
			{ SECRET, strlen(SECRET) },
		};

		b.buf[b.ma_off] ^= 0x5a;
		assert_int_equal(crypto_digest(crypto_md5(), parts, 4, b.buf + 4), 0);
	}
	sendto(f->fd, b.buf, n, 0, (const struct sockaddr *)to, sizeof(*to));
	free(m);
}

static void on_fake(evutil_socket_t fd, short what, void *arg)
{
	struct fake *f = arg;
	uint8_t buf[RADIUS_PKT_MAX];
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);

	(void)what;
	if (n <= 0)
		return;
	f->received++;
	f->last_src = ntohl(from.sin_addr.s_addr);
	if (f->mode == FAKE_SILENT || (f->mode == FAKE_SILENT_ONCE && f->received == 1))
		return;
	fake_reply(f, buf, (size_t)n, &from);
}

static void fake_open(struct fake *f, enum fake_mode mode)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(LOOPBACK) };
	socklen_t sl = sizeof(sa);

	memset(f, 0, sizeof(*f));
	f->mode = mode;
	f->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	assert_true(f->fd >= 0);
	assert_int_equal(bind(f->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(f->fd, (struct sockaddr *)&sa, &sl), 0);
	f->port = ntohs(sa.sin_port);
	f->ev = event_new(base, f->fd, EV_READ | EV_PERSIST, on_fake, f);
	event_add(f->ev, NULL);
}

static void fake_close(struct fake *f)
{
	event_free(f->ev);
	close(f->fd);
}

/* Two servers in order, both on 127.0.0.1 (ports tell them apart), service ppp. */
static int setup(void **state, enum fake_mode m0, enum fake_mode m1)
{
	(void)state;
	base = event_base_new();
	memset(&cfg, 0, sizeof(cfg));
	memset(&cp, 0, sizeof(cp));
	cp.cfg = &cfg;
	cp.base = base;
	fake_open(&fakes[0], m0);
	fake_open(&fakes[1], m1);
	cfg.n_radius = 2;
	cfg.radius = calloc(2, sizeof(*cfg.radius));
	for (int i = 0; i < 2; i++) {
		struct cfg_radius *r = &cfg.radius[i];

		r->address = LOOPBACK;
		snprintf(r->secret, sizeof(r->secret), "%s", SECRET);
		r->service_ppp = true;
		r->service = CFG_RADIUS_SVC_PPP;
		r->authentication_port = fakes[i].port;
		r->accounting_port = fakes[i].port;
		r->timeout_ms = 40;
	}
	radius_client_init(&cp);
	radius_client_set_pass_pause_ms(10);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	radius_client_fini();
	fake_close(&fakes[0]);
	fake_close(&fakes[1]);
	free(cfg.radius);
	event_base_free(base);
	return 0;
}

static int build_user(void *arg, struct radius_builder *b, const char *secret)
{
	(void)arg;
	(void)secret;
	radius_add_str(b, RADIUS_USER_NAME, "MT-User");
	return 0;
}

static void on_done(void *arg, enum radius_result res, const struct radius_reply *r)
{
	struct outcome *o = arg;

	o->done = true;
	o->res = res;
	if (res == RADIUS_RES_REPLY)
		o->code = r->msg->code;
	event_base_loopbreak(o->base);
}

static void run_until_done(struct outcome *o, int max_ms)
{
	struct timeval tv = { .tv_sec = max_ms / 1000, .tv_usec = (max_ms % 1000) * 1000 };

	o->base = base;
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

static const struct radius_server_stats *stats_of(uint16_t port)
{
	for (unsigned int i = 0; i < radius_client_stats_count(); i++)
		if (radius_client_stats(i)->port == port)
			return radius_client_stats(i);
	return NULL;
}

/* The first server never answers: three sends, then the second server. */
static void test_failover(void **state)
{
	struct outcome o = { 0 };
	const struct radius_server_stats *s0, *s1;

	setup(state, FAKE_SILENT, FAKE_ANSWER);
	cfg.radius[1].src_address = LOOPBACK + 1;   /* src-address 127.0.0.2 */
	assert_true(radius_client_has_server());
	assert_non_null(radius_client_send(RADIUS_SVC_AUTH, RADIUS_ACCESS_REQUEST, 1, build_user,
					   on_done, &o));
	assert_false(o.done);   /* never inside the call */
	run_until_done(&o, 3000);
	assert_true(o.done);
	assert_int_equal(o.res, RADIUS_RES_REPLY);
	assert_int_equal(o.code, RADIUS_ACCESS_ACCEPT);
	assert_int_equal(fakes[0].received, RADIUS_SENDS_PER_SERVER);
	assert_int_equal(fakes[1].received, 1);
	assert_true(fakes[1].request_ma_ok);
	assert_true(fakes[1].ma_first);
	assert_int_equal(fakes[0].last_src, LOOPBACK);
	assert_int_equal(fakes[1].last_src, LOOPBACK + 1);
	s0 = stats_of(fakes[0].port);
	s1 = stats_of(fakes[1].port);
	assert_non_null(s0);
	assert_non_null(s1);
	assert_int_equal(s0->requests, 1);
	assert_int_equal(s0->retransmits, RADIUS_SENDS_PER_SERVER - 1);
	assert_int_equal(s0->timeouts, 1);
	assert_int_equal(s1->requests, 1);
	assert_int_equal(s1->accepts, 1);
	teardown(state);
}

/* Nobody answers: one pass, then RADIUS_RES_TIMEOUT. */
static void test_all_silent(void **state)
{
	struct outcome o = { 0 };

	setup(state, FAKE_SILENT, FAKE_SILENT);
	radius_client_send(RADIUS_SVC_AUTH, RADIUS_ACCESS_REQUEST, 1, build_user, on_done, &o);
	run_until_done(&o, 3000);
	assert_true(o.done);
	assert_int_equal(o.res, RADIUS_RES_TIMEOUT);
	assert_int_equal(stats_of(fakes[1].port)->timeouts, 1);
	teardown(state);
}

/* BlastRADIUS: an Access-Accept without a (valid) Message-Authenticator is never delivered. */
static void test_reply_without_ma_dropped(void **state)
{
	static const enum fake_mode modes[] = { FAKE_NO_MA, FAKE_BAD_MA };

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		struct outcome o = { 0 };

		setup(state, modes[i], modes[i]);
		radius_client_send(RADIUS_SVC_AUTH, RADIUS_ACCESS_REQUEST, 1, build_user, on_done, &o);
		run_until_done(&o, 3000);
		assert_true(o.done);
		assert_int_equal(o.res, RADIUS_RES_TIMEOUT);
		assert_int_equal(stats_of(fakes[0].port)->bad_replies, RADIUS_SENDS_PER_SERVER);
		assert_int_equal(stats_of(fakes[0].port)->accepts, 0);
		teardown(state);
	}
}

/* Accounting retries pass after pass until a server answers. */
static void test_accounting_retries(void **state)
{
	struct outcome o = { 0 };

	setup(state, FAKE_SILENT, FAKE_SILENT);
	radius_client_send(RADIUS_SVC_ACCT, RADIUS_ACCOUNTING_REQUEST, 0, build_user, on_done, &o);
	run_until_done(&o, 600);
	assert_false(o.done);   /* two passes at least, still trying */
	assert_true(fakes[0].received >= 2 * RADIUS_SENDS_PER_SERVER);
	fakes[1].mode = FAKE_ANSWER;
	run_until_done(&o, 3000);
	assert_true(o.done);
	assert_int_equal(o.res, RADIUS_RES_REPLY);
	assert_int_equal(o.code, RADIUS_ACCOUNTING_RESPONSE);
	assert_int_equal(stats_of(fakes[1].port)->responses, 1);
	teardown(state);
}

/* A cancelled request is never answered and leaves nothing behind. */
static void test_cancel(void **state)
{
	struct outcome o = { 0 };
	struct radius_req *r;

	setup(state, FAKE_SILENT_ONCE, FAKE_ANSWER);
	r = radius_client_send(RADIUS_SVC_AUTH, RADIUS_ACCESS_REQUEST, 1, build_user, on_done, &o);
	run_until_done(&o, 20);
	radius_client_cancel(r);
	run_until_done(&o, 300);
	assert_false(o.done);
	teardown(state);
}

/* No server with service ppp. */
static void test_no_server(void **state)
{
	struct outcome o = { 0 };

	setup(state, FAKE_ANSWER, FAKE_ANSWER);
	cfg.radius[0].service_ppp = cfg.radius[1].service_ppp = false;
	assert_false(radius_client_has_server());
	radius_client_send(RADIUS_SVC_AUTH, RADIUS_ACCESS_REQUEST, 1, build_user, on_done, &o);
	run_until_done(&o, 500);
	assert_true(o.done);
	assert_int_equal(o.res, RADIUS_RES_NO_SERVER);
	teardown(state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_failover),
		cmocka_unit_test(test_all_silent),
		cmocka_unit_test(test_reply_without_ma_dropped),
		cmocka_unit_test(test_accounting_retries),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_no_server),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
