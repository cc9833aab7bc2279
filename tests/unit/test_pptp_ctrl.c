/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PPTP control connections over loopback: a client socket in the test talks
 * to pptp_ctrl listening on 127.0.0.1 (ephemeral port), and the test drives
 * the event loop by hand (EVLOOP_NONBLOCK) until a deadline. Everything is
 * asserted from the client's side of the wire, plus the drop counters.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "cp.h"
#include "log.h"
#include "pptp_ctrl.h"
#include "pptp_msg.h"

#define WAIT_MS 3000   /* generous: sanitizers and a shared 2-core machine */

static struct event_base *base;
static struct pg_config cfg;
static struct cp_context cp;

struct client {
	int fd;
	uint8_t buf[8192];
	size_t len;
};

static const struct pptp_ctrl_timeouts test_timeouts = {
	.sccrq_ms = 30 * 1000,
	.echo_interval_ms = 60 * 1000,
	.echo_reply_ms = 60 * 1000,
	.stop_reply_ms = 5 * 1000,
	.linger_ms = 5 * 1000,
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void run_loop_for(int ms)
{
	int64_t end = now_ms() + ms;

	while (now_ms() < end) {
		event_base_loop(base, EVLOOP_NONBLOCK);
		usleep(1000);
	}
}

static void client_open(struct client *cl)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };

	memset(cl, 0, sizeof(*cl));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(pptp_ctrl_listen_port());
	cl->fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(cl->fd >= 0);
	/* The kernel completes the handshake from the backlog; accept comes later. */
	assert_int_equal(connect(cl->fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	event_base_loop(base, EVLOOP_NONBLOCK);
}

static void client_close(struct client *cl)
{
	if (cl->fd >= 0)
		close(cl->fd);
	cl->fd = -1;
}

static void client_send_raw(struct client *cl, const void *p, size_t n)
{
	assert_int_equal(send(cl->fd, p, n, MSG_NOSIGNAL), (ssize_t)n);
}

static void client_send(struct client *cl, const struct pptp_msg *m)
{
	uint8_t buf[PPTP_MSG_MAX_LEN];
	size_t n = pptp_msg_build(m, buf, sizeof(buf));

	assert_true(n > 0);
	client_send_raw(cl, buf, n);
}

/* 0: *m received; 1: connection closed by the server; -1: nothing in time. */
static int client_recv(struct client *cl, struct pptp_msg *m, int ms)
{
	int64_t end = now_ms() + ms;

	for (;;) {
		ssize_t n;

		if (cl->len >= 2) {
			size_t flen = (size_t)cl->buf[0] << 8 | cl->buf[1];
			const char *why = NULL;

			assert_true(flen >= PPTP_MSG_HDR_LEN && flen <= PPTP_MSG_MAX_LEN);
			if (cl->len >= flen) {
				int rc = pptp_msg_parse(cl->buf, flen, m, &why);

				if (rc != PPTP_MSG_OK)
					fail_msg("server sent a bad message: %s", why);
				memmove(cl->buf, cl->buf + flen, cl->len - flen);
				cl->len -= flen;
				return 0;
			}
		}
		if (now_ms() > end)
			return -1;
		event_base_loop(base, EVLOOP_NONBLOCK);
		n = recv(cl->fd, cl->buf + cl->len, sizeof(cl->buf) - cl->len, MSG_DONTWAIT);
		if (n > 0)
			cl->len += (size_t)n;
		else if (n == 0 || (n < 0 && errno == ECONNRESET))
			return 1;
		else
			usleep(1000);
	}
}

static void client_expect(struct client *cl, struct pptp_msg *m, uint16_t type)
{
	int rc = client_recv(cl, m, WAIT_MS);

	if (rc != 0)
		fail_msg("expected %s, got %s", pptp_msg_name(type),
			 rc > 0 ? "connection closed" : "nothing");
	if (m->type != type)
		fail_msg("expected %s, got %s", pptp_msg_name(type), pptp_msg_name(m->type));
}

static void client_expect_closed(struct client *cl)
{
	struct pptp_msg m;
	int rc = client_recv(cl, &m, WAIT_MS);

	if (rc == 0)
		fail_msg("expected close, got %s", pptp_msg_name(m.type));
	assert_int_equal(rc, 1);
}

/* Nothing arrives and the connection stays open for ms. */
static void client_expect_quiet(struct client *cl, int ms)
{
	struct pptp_msg m;
	int rc = client_recv(cl, &m, ms);

	if (rc == 0)
		fail_msg("unexpected %s", pptp_msg_name(m.type));
	assert_int_equal(rc, -1);
}

/* pptp-linux's SCCRQ, as INTEROP.md records it. */
static void client_send_sccrq(struct client *cl, uint16_t version)
{
	struct pptp_msg m = { .type = PPTP_SCCRQ, .u.sccrq = {
		.protocol_version = version, .framing_caps = 3, .bearer_caps = 3,
		.max_channels = 65535, .firmware_revision = 1,
		.host_name = "local", .vendor = "cananian" } };

	client_send(cl, &m);
}

static void client_establish(struct client *cl)
{
	struct pptp_msg m;

	client_open(cl);
	client_send_sccrq(cl, PPTP_PROTOCOL_VERSION);
	client_expect(cl, &m, PPTP_SCCRP);
	assert_int_equal(m.u.sccrp.result, PPTP_SCCRP_OK);
}

static void client_echo(struct client *cl, uint32_t id)
{
	struct pptp_msg m = { .type = PPTP_ECHORQ, .u.echorq.id = id };

	client_send(cl, &m);
	client_expect(cl, &m, PPTP_ECHORP);
	assert_int_equal(m.u.echorp.id, id);
	assert_int_equal(m.u.echorp.result, PPTP_ECHORP_OK);
}

static struct pptp_ctrl_stats stats(void)
{
	struct pptp_ctrl_stats s;

	pptp_ctrl_get_stats(&s);
	return s;
}

static int group_setup(void **state)
{
	(void)state;
	log_set_level(CFG_LOG_DEBUG);
	base = event_base_new();
	assert_non_null(base);
	snprintf(cfg.system.identity, sizeof(cfg.system.identity), "test-gw");
	cp.cfg = &cfg;
	cp.base = base;
	pptp_ctrl_set_timeouts(&test_timeouts);
	assert_int_equal(pptp_ctrl_listen(&cp, INADDR_LOOPBACK, 0), 0);
	assert_true(pptp_ctrl_listen_port() != 0);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	pptp_ctrl_fini();
	event_base_free(base);
	return 0;
}

/*
 * Each test starts from the defaults, no call layer, and the previous test's
 * closed sockets noticed by the server (so counters are stable).
 */
static int test_reset(void **state)
{
	(void)state;
	pptp_ctrl_set_timeouts(&test_timeouts);
	pptp_ctrl_set_call_ops(NULL, NULL);
	run_loop_for(30);
	return 0;
}

static void test_sccrq_gets_sccrp(void **state)
{
	struct pptp_ctrl_stats before = stats();
	struct client cl;
	struct pptp_msg m;

	(void)state;
	client_open(&cl);
	client_send_sccrq(&cl, PPTP_PROTOCOL_VERSION);
	client_expect(&cl, &m, PPTP_SCCRP);
	assert_int_equal(m.u.sccrp.protocol_version, 0x0100);
	assert_int_equal(m.u.sccrp.result, PPTP_SCCRP_OK);
	assert_int_equal(m.u.sccrp.error, PPTP_ERR_NONE);
	assert_int_equal(m.u.sccrp.framing_caps, PPTP_FRAMING_CAP_ASYNC | PPTP_FRAMING_CAP_SYNC);
	assert_int_equal(m.u.sccrp.bearer_caps, PPTP_BEARER_CAP_ANALOG | PPTP_BEARER_CAP_DIGITAL);
	assert_int_equal(m.u.sccrp.max_channels, 65535);
	assert_string_equal(m.u.sccrp.host_name, "test-gw");
	assert_string_equal(m.u.sccrp.vendor, "pptpgw");
	assert_int_equal(stats().established, before.established + 1);
	client_close(&cl);
	run_loop_for(20);
	assert_int_equal(stats().closes[PPTP_CTRL_CLOSE_PEER_CLOSED],
			 before.closes[PPTP_CTRL_CLOSE_PEER_CLOSED] + 1);
	assert_int_equal(stats().active, before.active);
}

static void test_echo_same_id(void **state)
{
	struct client cl;

	(void)state;
	client_establish(&cl);
	client_echo(&cl, 0xdeadbeef);
	client_echo(&cl, 0);
	client_echo(&cl, 1);
	client_close(&cl);
}

static void test_ocrq_without_call_layer(void **state)
{
	struct pptp_ctrl_stats before = stats();
	struct pptp_msg m = { .type = PPTP_OCRQ, .u.ocrq = {
		.call_id = 0x1234, .call_serial = 1, .min_bps = 2400, .max_bps = 10000000,
		.bearer_type = PPTP_BEARER_TYPE_ANY, .framing_type = PPTP_FRAMING_TYPE_ANY,
		.recv_window = 3 } };
	struct client cl;

	(void)state;
	client_establish(&cl);
	client_send(&cl, &m);
	client_expect(&cl, &m, PPTP_OCRP);
	assert_int_equal(m.u.ocrp.peer_call_id, 0x1234);
	assert_int_equal(m.u.ocrp.result, PPTP_OCRP_GENERAL_ERROR);
	assert_int_equal(m.u.ocrp.error, PPTP_ERR_NO_RESOURCE);
	assert_int_equal(stats().drops[PPTP_CTRL_DROP_NO_CALL_LAYER],
			 before.drops[PPTP_CTRL_DROP_NO_CALL_LAYER] + 1);
	/* The control connection stays up. */
	client_echo(&cl, 42);

	/* So does an ICRQ, answered the same way. */
	m = (struct pptp_msg){ .type = PPTP_ICRQ, .u.icrq.call_id = 5 };
	client_send(&cl, &m);
	client_expect(&cl, &m, PPTP_ICRP);
	assert_int_equal(m.u.icrp.peer_call_id, 5);
	assert_int_equal(m.u.icrp.result, PPTP_ICRP_GENERAL_ERROR);
	assert_int_equal(m.u.icrp.error, PPTP_ERR_NO_RESOURCE);
	client_echo(&cl, 43);
	client_close(&cl);
}

static void test_garbage_length_closes(void **state)
{
	static const uint8_t garbage[12] = { 0x00, 0x05, 0x00, 0x01, 0x1a, 0x2b, 0x3c, 0x4d };
	static const uint8_t huge[12] = { 0x40, 0x00, 0x00, 0x01, 0x1a, 0x2b, 0x3c, 0x4d };
	struct pptp_ctrl_stats before = stats();
	struct client cl;

	(void)state;
	client_establish(&cl);
	client_send_raw(&cl, garbage, sizeof(garbage));
	client_expect_closed(&cl);
	client_close(&cl);

	/* Also before any SCCRQ, and for a length above the limit. */
	client_open(&cl);
	client_send_raw(&cl, huge, sizeof(huge));
	client_expect_closed(&cl);
	client_close(&cl);
	run_loop_for(20);
	assert_int_equal(stats().drops[PPTP_CTRL_DROP_FRAME_LENGTH],
			 before.drops[PPTP_CTRL_DROP_FRAME_LENGTH] + 2);
	assert_int_equal(stats().closes[PPTP_CTRL_CLOSE_FRAME_LENGTH],
			 before.closes[PPTP_CTRL_CLOSE_FRAME_LENGTH] + 2);
	assert_int_equal(stats().active, before.active);
}

static void test_bad_cookie_closes(void **state)
{
	struct pptp_ctrl_stats before = stats();
	uint8_t buf[PPTP_MSG_MAX_LEN];
	struct pptp_msg m = { .type = PPTP_ECHORQ };
	struct client cl;
	size_t n;

	(void)state;
	client_establish(&cl);
	n = pptp_msg_build(&m, buf, sizeof(buf));
	buf[7] ^= 1;
	client_send_raw(&cl, buf, n);
	client_expect_closed(&cl);
	client_close(&cl);
	assert_int_equal(stats().drops[PPTP_CTRL_DROP_BAD_HEADER],
			 before.drops[PPTP_CTRL_DROP_BAD_HEADER] + 1);
}

/* Well framed but wrong: dropped and counted, the connection stays. */
static void test_malformed_dropped(void **state)
{
	struct pptp_ctrl_stats before = stats();
	uint8_t buf[PPTP_MSG_MAX_LEN] = { 0 };
	struct pptp_msg m = { .type = PPTP_ECHORP };
	struct client cl;
	size_t n;

	(void)state;
	client_establish(&cl);
	n = pptp_msg_build(&m, buf, sizeof(buf));
	buf[9] = PPTP_ECHORQ;            /* 20 bytes is not an ECHORQ */
	client_send_raw(&cl, buf, n);
	buf[9] = 99;                     /* unknown type */
	client_send_raw(&cl, buf, n);
	client_echo(&cl, 7);
	assert_int_equal(stats().drops[PPTP_CTRL_DROP_MALFORMED],
			 before.drops[PPTP_CTRL_DROP_MALFORMED] + 2);
	client_close(&cl);
}

/* Byte by byte: framing must not depend on how TCP splits the stream. */
static void test_split_and_coalesced_frames(void **state)
{
	uint8_t buf[2 * PPTP_MSG_MAX_LEN];
	struct pptp_msg m = { .type = PPTP_ECHORQ, .u.echorq.id = 100 };
	struct pptp_msg r;
	struct client cl;
	size_t n;

	(void)state;
	client_establish(&cl);
	n = pptp_msg_build(&m, buf, sizeof(buf));
	for (size_t i = 0; i < n; i++) {
		client_send_raw(&cl, buf + i, 1);
		run_loop_for(1);
	}
	client_expect(&cl, &r, PPTP_ECHORP);
	assert_int_equal(r.u.echorp.id, 100);

	/* Two in one write. */
	m.u.echorq.id = 101;
	n = pptp_msg_build(&m, buf, sizeof(buf));
	m.u.echorq.id = 102;
	n += pptp_msg_build(&m, buf + n, sizeof(buf) - n);
	client_send_raw(&cl, buf, n);
	client_expect(&cl, &r, PPTP_ECHORP);
	assert_int_equal(r.u.echorp.id, 101);
	client_expect(&cl, &r, PPTP_ECHORP);
	assert_int_equal(r.u.echorp.id, 102);
	client_close(&cl);
}

static void test_stopccrq_gets_stopccrp_and_close(void **state)
{
	struct pptp_ctrl_stats before = stats();
	struct pptp_msg m = { .type = PPTP_StopCCRQ, .u.stopccrq.reason = PPTP_StopCCRQ_NONE };
	struct client cl;

	(void)state;
	client_establish(&cl);
	client_send(&cl, &m);
	client_expect(&cl, &m, PPTP_StopCCRP);
	assert_int_equal(m.u.stopccrp.result, PPTP_StopCCRP_OK);
	client_expect_closed(&cl);
	client_close(&cl);
	assert_int_equal(stats().closes[PPTP_CTRL_CLOSE_STOP_REQUEST],
			 before.closes[PPTP_CTRL_CLOSE_STOP_REQUEST] + 1);
}

static void test_second_sccrq_refused(void **state)
{
	struct pptp_ctrl_stats before = stats();
	struct client cl;
	struct pptp_msg m;

	(void)state;
	client_establish(&cl);
	client_send_sccrq(&cl, PPTP_PROTOCOL_VERSION);
	client_expect(&cl, &m, PPTP_SCCRP);
	assert_int_equal(m.u.sccrp.result, PPTP_SCCRP_CHANNEL_EXISTS);
	client_echo(&cl, 9);   /* still up */
	assert_int_equal(stats().drops[PPTP_CTRL_DROP_SCCRQ_AGAIN],
			 before.drops[PPTP_CTRL_DROP_SCCRQ_AGAIN] + 1);
	client_close(&cl);
}

static void test_bad_version_refused_and_closed(void **state)
{
	struct pptp_ctrl_stats before = stats();
	struct client cl;
	struct pptp_msg m;

	(void)state;
	client_open(&cl);
	client_send_sccrq(&cl, 0x0200);
	client_expect(&cl, &m, PPTP_SCCRP);
	assert_int_equal(m.u.sccrp.result, PPTP_SCCRP_BAD_VERSION);
	assert_int_equal(m.u.sccrp.protocol_version, PPTP_PROTOCOL_VERSION);
	client_expect_closed(&cl);
	client_close(&cl);
	assert_int_equal(stats().drops[PPTP_CTRL_DROP_BAD_VERSION],
			 before.drops[PPTP_CTRL_DROP_BAD_VERSION] + 1);
	assert_int_equal(stats().established, before.established);
}

static void test_messages_before_sccrq(void **state)
{
	struct pptp_ctrl_stats before = stats();
	struct pptp_msg m = { .type = PPTP_ECHORQ, .u.echorq.id = 5 };
	struct client cl;

	(void)state;
	client_open(&cl);
	client_send(&cl, &m);
	m = (struct pptp_msg){ .type = PPTP_OCRQ, .u.ocrq.call_id = 1 };
	client_send(&cl, &m);
	client_expect_quiet(&cl, 100);
	assert_int_equal(stats().drops[PPTP_CTRL_DROP_BEFORE_SCCRQ],
			 before.drops[PPTP_CTRL_DROP_BEFORE_SCCRQ] + 2);
	/* The SCCRQ still works afterwards. */
	client_send_sccrq(&cl, PPTP_PROTOCOL_VERSION);
	client_expect(&cl, &m, PPTP_SCCRP);
	assert_int_equal(m.u.sccrp.result, PPTP_SCCRP_OK);
	client_close(&cl);
}

static void test_sccrq_timeout(void **state)
{
	struct pptp_ctrl_timeouts t = test_timeouts;
	struct pptp_ctrl_stats before = stats();
	struct client cl;

	(void)state;
	t.sccrq_ms = 100;
	pptp_ctrl_set_timeouts(&t);
	client_open(&cl);
	client_expect_closed(&cl);
	client_close(&cl);
	assert_int_equal(stats().closes[PPTP_CTRL_CLOSE_SCCRQ_TIMEOUT],
			 before.closes[PPTP_CTRL_CLOSE_SCCRQ_TIMEOUT] + 1);
}

/* RFC 2637 3.1.3: silence -> our Echo-Request; an answer keeps us, silence closes. */
static void test_keepalive(void **state)
{
	struct pptp_ctrl_timeouts t = test_timeouts;
	struct pptp_ctrl_stats before = stats();
	struct pptp_msg m, rq;
	struct client cl;

	(void)state;
	t.echo_interval_ms = 150;
	t.echo_reply_ms = 150;
	pptp_ctrl_set_timeouts(&t);
	client_establish(&cl);

	client_expect(&cl, &rq, PPTP_ECHORQ);
	m = (struct pptp_msg){ .type = PPTP_ECHORP, .u.echorp = {
		.id = rq.u.echorq.id, .result = PPTP_ECHORP_OK } };
	client_send(&cl, &m);

	/* Answered: the next request comes after another quiet interval. */
	client_expect(&cl, &m, PPTP_ECHORQ);
	assert_int_not_equal(m.u.echorq.id, rq.u.echorq.id);

	/* A reply with an id we never sent is counted, not trusted. */
	rq = m;
	m = (struct pptp_msg){ .type = PPTP_ECHORP, .u.echorp = { .id = rq.u.echorq.id + 1000 } };
	client_send(&cl, &m);
	run_loop_for(20);
	assert_int_equal(stats().drops[PPTP_CTRL_DROP_ECHO_ID],
			 before.drops[PPTP_CTRL_DROP_ECHO_ID] + 1);

	/* Now say nothing: the next Echo-Request goes unanswered and we are closed. */
	client_expect(&cl, &m, PPTP_ECHORQ);
	client_expect_closed(&cl);
	client_close(&cl);
	assert_int_equal(stats().closes[PPTP_CTRL_CLOSE_ECHO_TIMEOUT],
			 before.closes[PPTP_CTRL_CLOSE_ECHO_TIMEOUT] + 1);
}

/* INTEROP.md: SLI is accepted and ignored; WEN is logged. Neither tears down. */
static void test_sli_and_wen_keep_connection(void **state)
{
	struct pptp_ctrl_stats before = stats();
	struct pptp_msg m = { .type = PPTP_SLI, .u.sli = {
		.peer_call_id = 0, .send_accm = 0xffffffff, .recv_accm = 0xffffffff } };
	struct client cl;

	(void)state;
	client_establish(&cl);
	client_send(&cl, &m);
	m = (struct pptp_msg){ .type = PPTP_WEN, .u.wen = { .peer_call_id = 0, .crc_errors = 3 } };
	client_send(&cl, &m);
	client_echo(&cl, 77);
	assert_int_equal(stats().drops[PPTP_CTRL_DROP_UNEXPECTED],
			 before.drops[PPTP_CTRL_DROP_UNEXPECTED]);
	/* A reply we never asked for is a counted drop, still no teardown. */
	m = (struct pptp_msg){ .type = PPTP_OCRP };
	client_send(&cl, &m);
	client_echo(&cl, 78);
	assert_int_equal(stats().drops[PPTP_CTRL_DROP_UNEXPECTED],
			 before.drops[PPTP_CTRL_DROP_UNEXPECTED] + 1);
	client_close(&cl);
}

/* A stand-in call layer: counts what it sees and stops the link from a callback. */
static struct {
	int ocrq, ccrq, sli, down;
	struct pptp_ctrl *ctrl;
} calls;

static int fake_ocrq(void *arg, struct pptp_ctrl *ctrl, const struct pptp_ocrq *rq,
		     struct pptp_ocrp *rp)
{
	assert_ptr_equal(arg, &calls);
	assert_int_equal(rp->peer_call_id, rq->call_id);
	assert_int_equal(pptp_ctrl_peer_addr(ctrl), INADDR_LOOPBACK);
	assert_int_equal(pptp_ctrl_state(ctrl), PPTP_CTRL_ESTABLISHED);
	calls.ocrq++;
	calls.ctrl = ctrl;
	rp->call_id = 77;
	rp->result = PPTP_OCRP_CONNECTED;
	rp->connect_speed = 10000000;
	rp->recv_window = 64;
	return 0;
}

static void fake_ccrq(void *arg, struct pptp_ctrl *ctrl, const struct pptp_ccrq *rq)
{
	struct pptp_msg m = { .type = PPTP_CDN, .u.cdn = {
		.call_id = rq->call_id, .result = PPTP_CDN_REQUEST } };

	(void)arg;
	calls.ccrq++;
	assert_int_equal(pptp_ctrl_send(ctrl, &m), 0);
}

static void fake_sli(void *arg, struct pptp_ctrl *ctrl, const struct pptp_sli *m)
{
	(void)arg;
	(void)m;
	calls.sli++;
	/* Teardown asked for inside a callback: must be deferred, not done here. */
	pptp_ctrl_stop(ctrl, PPTP_StopCCRQ_NONE);
	assert_int_equal(pptp_ctrl_state(ctrl), PPTP_CTRL_WAIT_STOP_REPLY);
}

static void fake_down(void *arg, struct pptp_ctrl *ctrl)
{
	(void)arg;
	assert_ptr_equal(ctrl, calls.ctrl);
	calls.down++;
}

static void test_call_layer_ops(void **state)
{
	static const struct pptp_ctrl_call_ops ops = {
		.outgoing_call_request = fake_ocrq,
		.call_clear_request = fake_ccrq,
		.set_link_info = fake_sli,
		.ctrl_down = fake_down,
	};
	struct pptp_ctrl_stats before = stats();
	struct pptp_msg m = { .type = PPTP_OCRQ, .u.ocrq = { .call_id = 0, .recv_window = 3 } };
	struct client cl;

	(void)state;
	memset(&calls, 0, sizeof(calls));
	pptp_ctrl_set_call_ops(&ops, &calls);
	client_establish(&cl);

	/* poptop's first Call-ID is 0, and it is valid. */
	client_send(&cl, &m);
	client_expect(&cl, &m, PPTP_OCRP);
	assert_int_equal(calls.ocrq, 1);
	assert_int_equal(m.u.ocrp.call_id, 77);
	assert_int_equal(m.u.ocrp.peer_call_id, 0);
	assert_int_equal(m.u.ocrp.result, PPTP_OCRP_CONNECTED);
	assert_int_equal(m.u.ocrp.recv_window, 64);

	m = (struct pptp_msg){ .type = PPTP_CCRQ, .u.ccrq.call_id = 0 };
	client_send(&cl, &m);
	client_expect(&cl, &m, PPTP_CDN);
	assert_int_equal(m.u.cdn.result, PPTP_CDN_REQUEST);
	assert_int_equal(calls.ccrq, 1);

	/* The fake stops the connection from inside the SLI callback. */
	m = (struct pptp_msg){ .type = PPTP_SLI };
	client_send(&cl, &m);
	client_expect(&cl, &m, PPTP_StopCCRQ);
	assert_int_equal(m.u.stopccrq.reason, PPTP_StopCCRQ_NONE);
	assert_int_equal(calls.down, 0);
	m = (struct pptp_msg){ .type = PPTP_StopCCRP, .u.stopccrp.result = PPTP_StopCCRP_OK };
	client_send(&cl, &m);
	client_expect_closed(&cl);
	client_close(&cl);
	run_loop_for(20);
	assert_int_equal(calls.down, 1);
	assert_int_equal(stats().closes[PPTP_CTRL_CLOSE_STOP_REPLY],
			 before.closes[PPTP_CTRL_CLOSE_STOP_REPLY] + 1);
}

static void test_stop_reply_timeout(void **state)
{
	static const struct pptp_ctrl_call_ops ops = {
		.outgoing_call_request = fake_ocrq,
		.set_link_info = fake_sli,
		.ctrl_down = fake_down,
	};
	struct pptp_ctrl_timeouts t = test_timeouts;
	struct pptp_ctrl_stats before = stats();
	struct pptp_msg m = { .type = PPTP_OCRQ };
	struct client cl;

	(void)state;
	t.stop_reply_ms = 100;
	pptp_ctrl_set_timeouts(&t);
	memset(&calls, 0, sizeof(calls));
	pptp_ctrl_set_call_ops(&ops, &calls);
	client_establish(&cl);
	client_send(&cl, &m);
	client_expect(&cl, &m, PPTP_OCRP);
	m = (struct pptp_msg){ .type = PPTP_SLI };
	client_send(&cl, &m);
	client_expect(&cl, &m, PPTP_StopCCRQ);
	/* Anything but the StopCCRP is dropped while we wait for it. */
	m = (struct pptp_msg){ .type = PPTP_ECHORQ, .u.echorq.id = 1 };
	client_send(&cl, &m);
	client_expect_closed(&cl);
	client_close(&cl);
	run_loop_for(20);
	assert_int_equal(calls.down, 1);
	assert_int_equal(stats().closes[PPTP_CTRL_CLOSE_STOP_TIMEOUT],
			 before.closes[PPTP_CTRL_CLOSE_STOP_TIMEOUT] + 1);
	assert_int_equal(stats().drops[PPTP_CTRL_DROP_STOPPING],
			 before.drops[PPTP_CTRL_DROP_STOPPING] + 1);
}

static void test_many_connections(void **state)
{
	enum { N = 64 };
	struct pptp_ctrl_stats before = stats();
	static struct client cl[N];

	(void)state;
	for (int i = 0; i < N; i++)
		client_establish(&cl[i]);
	assert_int_equal(stats().active, before.active + N);
	for (int i = 0; i < N; i++)
		client_echo(&cl[i], (uint32_t)i);
	for (int i = 0; i < N; i++)
		client_close(&cl[i]);
	run_loop_for(50);
	assert_int_equal(stats().active, before.active);
}

/* fini: established peers get StopCCRQ (local shutdown) and a close; then listen again. */
static void test_fini_stops_peers(void **state)
{
	struct client est, idle;
	struct pptp_msg m;

	(void)state;
	client_establish(&est);
	client_open(&idle);
	run_loop_for(20);
	pptp_ctrl_fini();
	assert_int_equal(pptp_ctrl_listen_port(), 0);
	assert_int_equal(stats().active, 0);

	client_expect(&est, &m, PPTP_StopCCRQ);
	assert_int_equal(m.u.stopccrq.reason, PPTP_StopCCRQ_LOCAL_SHUTDOWN);
	client_expect_closed(&est);
	client_expect_closed(&idle);
	client_close(&est);
	client_close(&idle);

	assert_int_equal(pptp_ctrl_listen(&cp, INADDR_LOOPBACK, 0), 0);
	client_establish(&est);
	client_close(&est);
}

static void test_listen_twice_fails(void **state)
{
	(void)state;
	assert_int_equal(pptp_ctrl_listen(&cp, INADDR_LOOPBACK, 0), -1);
	assert_true(pptp_ctrl_listen_port() != 0);
}

/* ---- originator (pptp_ctrl_connect: the pptp-client role) ---- */

/* What the call layer of an originated connection saw. */
static struct {
	unsigned int ups, downs, ocrps, cdns;
	enum pptp_ctrl_close reason;
	struct pptp_ocrp ocrp;
	struct pptp_cdn cdn;
} orig;

static void orig_up(void *arg, struct pptp_ctrl *ctrl)
{
	(void)arg;
	(void)ctrl;
	orig.ups++;
}

static void orig_down(void *arg, struct pptp_ctrl *ctrl)
{
	(void)arg;
	orig.downs++;
	orig.reason = pptp_ctrl_close_reason(ctrl);
}

static void orig_ocrp(void *arg, struct pptp_ctrl *ctrl, const struct pptp_ocrp *m)
{
	(void)arg;
	(void)ctrl;
	orig.ocrps++;
	orig.ocrp = *m;
}

static void orig_cdn(void *arg, struct pptp_ctrl *ctrl, const struct pptp_cdn *m)
{
	(void)arg;
	(void)ctrl;
	orig.cdns++;
	orig.cdn = *m;
}

static const struct pptp_ctrl_call_ops orig_ops = {
	.ctrl_up = orig_up,
	.ctrl_down = orig_down,
	.outgoing_call_reply = orig_ocrp,
	.call_disconnect_notify = orig_cdn,
};

/* A scripted PAC: a plain listening socket on 127.0.0.1, ephemeral port. */
static int pac_listen(uint16_t *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

/* The originator's connection, accepted by the scripted PAC (the loop runs meanwhile). */
static void pac_accept(int lfd, struct client *pac)
{
	int64_t end = now_ms() + WAIT_MS;

	memset(pac, 0, sizeof(*pac));
	pac->fd = -1;
	while (pac->fd < 0 && now_ms() < end) {
		event_base_loop(base, EVLOOP_NONBLOCK);
		pac->fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
		if (pac->fd < 0)
			usleep(1000);
	}
	assert_true(pac->fd >= 0);
}

static bool wait_for(const unsigned int *counter, unsigned int n)
{
	int64_t end = now_ms() + WAIT_MS;

	while (*counter < n && now_ms() < end) {
		event_base_loop(base, EVLOOP_NONBLOCK);
		usleep(1000);
	}
	return *counter >= n;
}

static int orig_reset(void **state)
{
	memset(&orig, 0, sizeof(orig));
	return test_reset(state);
}

/* RFC 2637 3.1.1: SCCRQ first, SCCRP OK -> established; then the call and the stop. */
static void test_originator_call(void **state)
{
	struct client pac;
	struct pptp_msg m;
	struct pptp_ctrl *c;
	uint16_t port;
	int lfd = pac_listen(&port);

	(void)state;
	c = pptp_ctrl_connect(&cp, INADDR_LOOPBACK, port, &orig_ops, NULL);
	assert_non_null(c);
	pac_accept(lfd, &pac);
	client_expect(&pac, &m, PPTP_SCCRQ);
	assert_int_equal(m.u.sccrq.protocol_version, PPTP_PROTOCOL_VERSION);
	assert_int_equal(m.u.sccrq.max_channels, 0);     /* RFC 2637 2.1: a PNS sends 0 */
	assert_string_equal(m.u.sccrq.host_name, "test-gw");
	assert_int_equal(pptp_ctrl_state(c), PPTP_CTRL_WAIT_CTL_REPLY);
	m = (struct pptp_msg){ .type = PPTP_SCCRP, .u.sccrp = {
		.protocol_version = PPTP_PROTOCOL_VERSION, .result = PPTP_SCCRP_OK,
		.framing_caps = 3, .bearer_caps = 3, .host_name = "pac" } };
	client_send(&pac, &m);
	assert_true(wait_for(&orig.ups, 1));
	assert_int_equal(pptp_ctrl_state(c), PPTP_CTRL_ESTABLISHED);

	m = (struct pptp_msg){ .type = PPTP_OCRQ, .u.ocrq = { .call_id = 7, .call_serial = 1,
		.min_bps = 2400, .max_bps = 10000000, .bearer_type = 3, .framing_type = 3,
		.recv_window = 64 } };
	assert_int_equal(pptp_ctrl_send(c, &m), 0);
	client_expect(&pac, &m, PPTP_OCRQ);
	assert_int_equal(m.u.ocrq.call_id, 7);
	m = (struct pptp_msg){ .type = PPTP_OCRP, .u.ocrp = { .call_id = 99, .peer_call_id = 7,
		.result = PPTP_OCRP_CONNECTED, .recv_window = 32 } };
	client_send(&pac, &m);
	assert_true(wait_for(&orig.ocrps, 1));
	assert_int_equal(orig.ocrp.call_id, 99);
	assert_int_equal(orig.ocrp.peer_call_id, 7);
	assert_int_equal(orig.ocrp.recv_window, 32);
	/* Keep-alive works both ways on an originated connection too. */
	client_echo(&pac, 0x1234);
	m = (struct pptp_msg){ .type = PPTP_CDN, .u.cdn = { .call_id = 99, .result = 3 } };
	client_send(&pac, &m);
	assert_true(wait_for(&orig.cdns, 1));
	assert_int_equal(orig.cdn.call_id, 99);
	/* Requests only a PNS makes, and replies to requests it never sent: dropped. */
	uint64_t before = stats().drops[PPTP_CTRL_DROP_UNEXPECTED];

	client_send_sccrq(&pac, PPTP_PROTOCOL_VERSION);
	client_expect_quiet(&pac, 100);
	assert_int_equal(stats().drops[PPTP_CTRL_DROP_UNEXPECTED], before + 1);

	pptp_ctrl_stop(c, PPTP_StopCCRQ_NONE);
	client_expect(&pac, &m, PPTP_StopCCRQ);
	m = (struct pptp_msg){ .type = PPTP_StopCCRP, .u.stopccrp.result = PPTP_StopCCRP_OK };
	client_send(&pac, &m);
	assert_true(wait_for(&orig.downs, 1));
	assert_int_equal(orig.reason, PPTP_CTRL_CLOSE_STOP_REPLY);
	assert_int_equal(orig.ups, 1);
	client_close(&pac);
	close(lfd);
}

/* Nobody listening: ctrl_down once, connect_failed, never up. */
static void test_originator_refused(void **state)
{
	uint16_t port;
	int lfd = pac_listen(&port);

	(void)state;
	close(lfd);   /* the port is now closed: the kernel refuses */
	assert_non_null(pptp_ctrl_connect(&cp, INADDR_LOOPBACK, port, &orig_ops, NULL));
	assert_true(wait_for(&orig.downs, 1));
	assert_int_equal(orig.reason, PPTP_CTRL_CLOSE_CONNECT_FAILED);
	run_loop_for(50);
	assert_int_equal(orig.downs, 1);
	assert_int_equal(orig.ups, 0);
}

/* SCCRP with a result other than 1: closed, never up (RFC 2637 3.1.1). */
static void test_originator_sccrp_refused(void **state)
{
	struct client pac;
	struct pptp_msg m;
	uint16_t port;
	int lfd = pac_listen(&port);

	(void)state;
	assert_non_null(pptp_ctrl_connect(&cp, INADDR_LOOPBACK, port, &orig_ops, NULL));
	pac_accept(lfd, &pac);
	client_expect(&pac, &m, PPTP_SCCRQ);
	m = (struct pptp_msg){ .type = PPTP_SCCRP, .u.sccrp = {
		.protocol_version = PPTP_PROTOCOL_VERSION, .result = PPTP_SCCRP_NOT_AUTHORIZED } };
	client_send(&pac, &m);
	assert_true(wait_for(&orig.downs, 1));
	assert_int_equal(orig.reason, PPTP_CTRL_CLOSE_SCCRP_REFUSED);
	assert_int_equal(orig.ups, 0);
	client_expect_closed(&pac);
	client_close(&pac);
	close(lfd);
}

/* A PAC that takes the TCP connection and never answers: sccrp_timeout. */
static void test_originator_sccrp_timeout(void **state)
{
	struct pptp_ctrl_timeouts t = test_timeouts;
	struct client pac;
	struct pptp_msg m;
	uint16_t port;
	int lfd = pac_listen(&port);

	(void)state;
	t.sccrp_ms = 200;
	pptp_ctrl_set_timeouts(&t);
	assert_non_null(pptp_ctrl_connect(&cp, INADDR_LOOPBACK, port, &orig_ops, NULL));
	pac_accept(lfd, &pac);
	client_expect(&pac, &m, PPTP_SCCRQ);
	assert_true(wait_for(&orig.downs, 1));
	assert_int_equal(orig.reason, PPTP_CTRL_CLOSE_SCCRP_TIMEOUT);
	client_close(&pac);
	close(lfd);
}

/* The call layer lets go: no callback after pptp_ctrl_detach(), StopCCRQ still sent. */
static void test_originator_detach(void **state)
{
	struct client pac;
	struct pptp_msg m;
	struct pptp_ctrl *c;
	uint16_t port;
	int lfd = pac_listen(&port);

	(void)state;
	c = pptp_ctrl_connect(&cp, INADDR_LOOPBACK, port, &orig_ops, NULL);
	pac_accept(lfd, &pac);
	client_expect(&pac, &m, PPTP_SCCRQ);
	m = (struct pptp_msg){ .type = PPTP_SCCRP, .u.sccrp = {
		.protocol_version = PPTP_PROTOCOL_VERSION, .result = PPTP_SCCRP_OK } };
	client_send(&pac, &m);
	assert_true(wait_for(&orig.ups, 1));
	pptp_ctrl_detach(c, PPTP_StopCCRQ_LOCAL_SHUTDOWN);
	client_expect(&pac, &m, PPTP_StopCCRQ);
	assert_int_equal(m.u.stopccrq.reason, PPTP_StopCCRQ_LOCAL_SHUTDOWN);
	client_close(&pac);
	run_loop_for(100);
	assert_int_equal(orig.downs, 0);
	close(lfd);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(pptp_ctrl_drop_name(PPTP_CTRL_DROP_FRAME_LENGTH), "frame_length");
	assert_string_equal(pptp_ctrl_drop_name(PPTP_CTRL_DROP_MAX), "?");
	assert_string_equal(pptp_ctrl_close_name(PPTP_CTRL_CLOSE_ECHO_TIMEOUT), "echo_timeout");
	assert_string_equal(pptp_ctrl_state_name(PPTP_CTRL_WAIT_CTL_REQUEST), "wait-ctl-request");
	for (int d = 0; d < PPTP_CTRL_DROP_MAX; d++) {
		assert_non_null(pptp_ctrl_drop_name((enum pptp_ctrl_drop)d));
		assert_non_null(pptp_ctrl_drop_desc((enum pptp_ctrl_drop)d));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_sccrq_gets_sccrp, test_reset),
		cmocka_unit_test_setup(test_echo_same_id, test_reset),
		cmocka_unit_test_setup(test_ocrq_without_call_layer, test_reset),
		cmocka_unit_test_setup(test_garbage_length_closes, test_reset),
		cmocka_unit_test_setup(test_bad_cookie_closes, test_reset),
		cmocka_unit_test_setup(test_malformed_dropped, test_reset),
		cmocka_unit_test_setup(test_split_and_coalesced_frames, test_reset),
		cmocka_unit_test_setup(test_stopccrq_gets_stopccrp_and_close, test_reset),
		cmocka_unit_test_setup(test_second_sccrq_refused, test_reset),
		cmocka_unit_test_setup(test_bad_version_refused_and_closed, test_reset),
		cmocka_unit_test_setup(test_messages_before_sccrq, test_reset),
		cmocka_unit_test_setup(test_sccrq_timeout, test_reset),
		cmocka_unit_test_setup(test_keepalive, test_reset),
		cmocka_unit_test_setup(test_sli_and_wen_keep_connection, test_reset),
		cmocka_unit_test_setup(test_call_layer_ops, test_reset),
		cmocka_unit_test_setup(test_stop_reply_timeout, test_reset),
		cmocka_unit_test_setup(test_many_connections, test_reset),
		cmocka_unit_test_setup(test_originator_call, orig_reset),
		cmocka_unit_test_setup(test_originator_refused, orig_reset),
		cmocka_unit_test_setup(test_originator_sccrp_refused, orig_reset),
		cmocka_unit_test_setup(test_originator_sccrp_timeout, orig_reset),
		cmocka_unit_test_setup(test_originator_detach, orig_reset),
		cmocka_unit_test_setup(test_listen_twice_fails, test_reset),
		cmocka_unit_test_setup(test_fini_stops_peers, test_reset),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
