/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RADIUS accounting (radius_acct.c) against fake sessions and a fake
 * transport: the records' attributes as a server would decode them
 * (Gigawords, Acct-Terminate-Cause, Class echo), the queue bound and its
 * drop counter, and the session lookup Disconnect/CoA use.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <event2/event.h>

#include "cp.h"
#include "radius_acct.h"
#include "radius_client.h"
#include "radius_pkt.h"
#include "session.h"

/* ---- fake sessions ---- */

struct session {
	uint32_t id;
	struct session_info info;
};

static const struct session_observer *obs;

void session_set_observer(const struct session_observer *o) { obs = o; }
uint32_t session_id(const struct session *s) { return s->id; }
void session_get_info(const struct session *s, struct session_info *out) { *out = s->info; }

/* ---- fake transport: requests wait here until the test answers them ---- */

#define PENDING_MAX 64

struct pending {
	radius_build_fn build;
	radius_done_fn done;
	void *arg;
	bool live;
};

static struct pending pend[PENDING_MAX];
static unsigned int n_pend;
static bool has_server = true;

bool radius_client_has_server(void) { return has_server; }

struct radius_req *radius_client_send(enum radius_service svc, uint8_t code, unsigned int rounds,
				      radius_build_fn build, radius_done_fn done, void *arg)
{
	assert_int_equal(svc, RADIUS_SVC_ACCT);
	assert_int_equal(code, RADIUS_ACCOUNTING_REQUEST);
	assert_int_equal(rounds, 0);   /* accounting never gives up */
	if (n_pend >= PENDING_MAX)
		return NULL;
	pend[n_pend] = (struct pending){ .build = build, .done = done, .arg = arg, .live = true };
	return (struct radius_req *)&pend[n_pend++];
}

void radius_client_cancel(struct radius_req *r)
{
	if (r)
		((struct pending *)r)->live = false;
}

/* The i-th request as the server would read it. */
static void decode(unsigned int i, struct radius_builder *b, struct radius_msg *m)
{
	radius_build_init(b, RADIUS_ACCOUNTING_REQUEST, 1, NULL);
	assert_int_equal(pend[i].build(pend[i].arg, b, "s"), 0);
	assert_true(radius_finish_request(b, "s") > 0);
	assert_int_equal(radius_parse(b->buf, b->len, m), RADIUS_PARSE_OK);
}

static void ack(unsigned int i)
{
	struct radius_reply rep = { 0 };

	assert_true(pend[i].live);
	pend[i].live = false;
	pend[i].done(pend[i].arg, RADIUS_RES_REPLY, &rep);
}

static uint32_t u32(const struct radius_msg *m, uint8_t type)
{
	uint32_t v = 0xDEADBEEF;

	radius_get_u32(m, 0, type, &v);
	return v;
}

/* ---- fixture ---- */

static struct pg_config cfg;
static struct cp_context cp;

static int setup(void **state)
{
	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	memset(&cp, 0, sizeof(cp));
	memset(pend, 0, sizeof(pend));
	n_pend = 0;
	has_server = true;
	snprintf(cfg.system.identity, sizeof(cfg.system.identity), "pptpgw");
	cfg.ppp_aaa.accounting = true;
	cp.cfg = &cfg;
	cp.base = event_base_new();
	assert_int_equal(radius_acct_init(&cp), 0);
	assert_non_null(obs);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	/* Nothing answers here: do not wait out the flush. */
	has_server = false;
	radius_acct_fini();
	assert_null(obs);
	event_base_free(cp.base);
	return 0;
}

static void fake_session(struct session *s, uint32_t id, const char *user, uint32_t ip)
{
	memset(s, 0, sizeof(*s));
	s->id = id;
	snprintf(s->info.user, sizeof(s->info.user), "%s", user);
	s->info.client_ip = ip;
	s->info.peer_addr = 0xC0A83E0A;   /* 192.168.62.10 */
	s->info.running = true;
}

/* ---- tests ---- */

static void test_start_stop(void **state)
{
	struct session s;
	struct radius_builder *b = malloc(sizeof(*b));
	struct radius_msg *m = malloc(sizeof(*m));
	struct radius_auth_attrs aa = { .by_radius = true, .class_len = 3,
					.class_val = { 'c', 'l', 's' } };
	struct session_dp_stats st = { .rx_bytes = (5ull << 32) + 7, .tx_bytes = 1000,
				       .rx_packets = 11, .tx_packets = 12 };
	char text[64], sid[64];
	struct radius_acct_stats as;
	const struct radius_attr *a;

	(void)state;
	fake_session(&s, 3, "MT-User", 0x0A00004D);
	radius_acct_note_auth(&s, &aa);
	obs->up(&s);
	assert_int_equal(n_pend, 1);
	decode(0, b, m);
	assert_int_equal(u32(m, RADIUS_ACCT_STATUS_TYPE), RADIUS_ACCT_START);
	assert_int_equal(radius_get_str(m, 0, RADIUS_ACCT_SESSION_ID, sid, sizeof(sid)), 0);
	assert_int_equal(strlen(sid), 20);
	assert_string_equal(sid, radius_acct_session_id(&s));
	assert_int_equal(radius_get_str(m, 0, RADIUS_USER_NAME, text, sizeof(text)), 0);
	assert_string_equal(text, "MT-User");
	assert_int_equal(radius_get_str(m, 0, RADIUS_CALLING_STATION_ID, text, sizeof(text)), 0);
	assert_string_equal(text, "192.168.62.10");
	assert_int_equal(u32(m, RADIUS_FRAMED_IP_ADDRESS), 0x0A00004D);
	assert_int_equal(u32(m, RADIUS_NAS_PORT_TYPE), RADIUS_NAS_PORT_TYPE_VIRTUAL);
	assert_int_equal(u32(m, RADIUS_NAS_PORT), 3);
	assert_int_equal(u32(m, RADIUS_ACCT_AUTHENTIC), RADIUS_ACCT_AUTHENTIC_RADIUS);
	a = radius_find(m, 0, RADIUS_CLASS);
	assert_non_null(a);
	assert_int_equal(a->len, 3);
	assert_memory_equal(a->val, "cls", 3);
	assert_null(radius_find(m, 0, RADIUS_ACCT_INPUT_OCTETS));   /* none on a Start */
	ack(0);

	/* Found for Disconnect/CoA while up, by any of the three keys. */
	assert_ptr_equal(radius_acct_find("MT-User", NULL, 0, NULL), &s);
	assert_ptr_equal(radius_acct_find(NULL, sid, 0, NULL), &s);
	assert_ptr_equal(radius_acct_find(NULL, NULL, 0x0A00004D, NULL), &s);
	assert_null(radius_acct_find("MT-User", "0000", 0, NULL));

	obs->down(&s, "session timeout", &st, 42);
	assert_int_equal(n_pend, 2);
	decode(1, b, m);
	assert_int_equal(u32(m, RADIUS_ACCT_STATUS_TYPE), RADIUS_ACCT_STOP);
	/* RFC 2869 5.1: the counter's low 32 bits, and the overflows in Gigawords. */
	assert_int_equal(u32(m, RADIUS_ACCT_INPUT_OCTETS), 7);
	assert_int_equal(u32(m, RADIUS_ACCT_INPUT_GIGAWORDS), 5);
	assert_int_equal(u32(m, RADIUS_ACCT_OUTPUT_OCTETS), 1000);
	assert_int_equal(u32(m, RADIUS_ACCT_OUTPUT_GIGAWORDS), 0);
	assert_int_equal(u32(m, RADIUS_ACCT_INPUT_PACKETS), 11);
	assert_int_equal(u32(m, RADIUS_ACCT_OUTPUT_PACKETS), 12);
	assert_int_equal(u32(m, RADIUS_ACCT_SESSION_TIME), 42);
	assert_int_equal(u32(m, RADIUS_ACCT_TERMINATE_CAUSE), RADIUS_TERM_SESSION_TIMEOUT);
	assert_int_equal(radius_get_str(m, 0, RADIUS_ACCT_SESSION_ID, text, sizeof(text)), 0);
	assert_string_equal(text, sid);
	ack(1);
	assert_null(radius_acct_find("MT-User", NULL, 0, NULL));
	radius_acct_get_stats(&as);
	assert_int_equal(as.queued, 2);
	assert_int_equal(as.acked, 2);
	assert_int_equal(as.waiting, 0);
	free(b);
	free(m);
}

static void test_terminate_causes(void **state)
{
	static const struct {
		const char *cause;
		uint32_t code;
	} cases[] = {
		{ "peer disconnected", RADIUS_TERM_USER_REQUEST },
		{ "call cleared by peer", RADIUS_TERM_USER_REQUEST },
		{ "keepalive timeout", RADIUS_TERM_LOST_CARRIER },
		{ "control connection lost", RADIUS_TERM_LOST_CARRIER },
		{ "idle timeout", RADIUS_TERM_IDLE_TIMEOUT },
		{ "session timeout", RADIUS_TERM_SESSION_TIMEOUT },
		{ "admin disconnect", RADIUS_TERM_ADMIN_RESET },
		{ "radius disconnect", RADIUS_TERM_ADMIN_RESET },
		{ "server shutdown", RADIUS_TERM_NAS_REQUEST },
		{ "dataplane refused the session", RADIUS_TERM_NAS_ERROR },
		{ "", RADIUS_TERM_USER_REQUEST },
		{ NULL, RADIUS_TERM_USER_REQUEST },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(radius_acct_terminate_cause(cases[i].cause), cases[i].code);
}

/* Unique ids: two sessions of one run differ; the prefix carries the start time. */
static void test_session_ids(void **state)
{
	struct session a, b;

	(void)state;
	fake_session(&a, 1, "a", 1);
	fake_session(&b, 2, "b", 2);
	obs->up(&a);
	obs->up(&b);
	assert_string_not_equal(radius_acct_session_id(&a), radius_acct_session_id(&b));
	{
		struct session *found[2] = { NULL, NULL };

		/* Disconnect/CoA by User-Name names every call of that user. */
		snprintf(b.info.user, sizeof(b.info.user), "a");
		obs->down(&b, "x", NULL, 0);
		obs->up(&b);
		assert_int_equal(radius_acct_find_all("a", NULL, 0, found, 2), 2);
		assert_true((found[0] == &a && found[1] == &b) || (found[0] == &b && found[1] == &a));
		assert_int_equal(radius_acct_find_all("a", NULL, 2, found, 2), 1);
		assert_ptr_equal(found[0], &b);
		/* One on its way out is not found any more. */
		b.info.stopping = true;
		assert_int_equal(radius_acct_find_all("a", NULL, 0, found, 2), 1);
		assert_ptr_equal(found[0], &a);
	}
	assert_memory_equal(radius_acct_session_id(&a), radius_acct_session_id(&b), 12);
	obs->down(&a, "x", NULL, 0);
	obs->down(&b, "x", NULL, 0);
}

/* The FIFO holds RADIUS_ACCT_QUEUE_MAX records; more are dropped and counted. */
static void test_queue_bound(void **state)
{
	static struct session s[RADIUS_ACCT_QUEUE_MAX + 3];
	struct radius_acct_stats as;

	(void)state;
	for (unsigned int i = 0; i < RADIUS_ACCT_QUEUE_MAX + 3; i++) {
		fake_session(&s[i], i, "u", i + 1);
		obs->up(&s[i]);
	}
	radius_acct_get_stats(&as);
	assert_int_equal(as.waiting, RADIUS_ACCT_QUEUE_MAX);
	assert_int_equal(as.dropped, 3);
	/* Only the in-flight bound goes out at once. */
	assert_int_equal(n_pend, RADIUS_ACCT_INFLIGHT);
	/* An answer frees a place and sends the next. */
	ack(0);
	assert_int_equal(n_pend, RADIUS_ACCT_INFLIGHT + 1);
	radius_acct_get_stats(&as);
	assert_int_equal(as.waiting, RADIUS_ACCT_QUEUE_MAX - 1);
	for (unsigned int i = 0; i < RADIUS_ACCT_QUEUE_MAX + 3; i++)
		obs->down(&s[i], "x", NULL, 0);
}

/* Accounting off: no records, but the session is still found for Disconnect. */
static void test_accounting_off(void **state)
{
	struct session s;

	(void)state;
	cfg.ppp_aaa.accounting = false;
	fake_session(&s, 9, "quiet", 5);
	obs->up(&s);
	assert_int_equal(n_pend, 0);
	assert_ptr_equal(radius_acct_find("quiet", NULL, 0, NULL), &s);
	obs->down(&s, "x", NULL, 0);
	assert_int_equal(n_pend, 0);
}

/*
 * 65,536 sessions (a full dataplane): set-up, lookup by each Disconnect/CoA
 * key and teardown in an order unlike set-up stay O(1) each (a list walked
 * per call would take minutes here), and nothing is left behind.
 */
#define MANY_SESSIONS 65536u

static void test_many_sessions(void **state)
{
	struct session *s = calloc(MANY_SESSIONS, sizeof(*s));
	struct session *found[2];
	char user[CFG_NAME_MAX];

	(void)state;
	assert_non_null(s);
	cfg.ppp_aaa.accounting = false;   /* the table, not the queue */
	for (uint32_t i = 0; i < MANY_SESSIONS; i++) {
		snprintf(user, sizeof(user), "u%u", i % 1000);   /* 65 or 66 calls per user */
		fake_session(&s[i], i, user, 0x0A000000u + i + 1);
		radius_acct_note_auth(&s[i], &(struct radius_auth_attrs){ .by_radius = true });
		obs->up(&s[i]);
	}
	for (uint32_t i = 0; i < MANY_SESSIONS; i++) {
		assert_ptr_equal(radius_acct_find(NULL, NULL, 0x0A000000u + i + 1, NULL), &s[i]);
		assert_ptr_equal(radius_acct_find(NULL, radius_acct_session_id(&s[i]), 0, NULL), &s[i]);
	}
	assert_int_equal(radius_acct_find_all("u7", NULL, 0, found, 2), 66);
	assert_int_equal(radius_acct_find_all("u7", NULL, 0x0A000000u + 8, found, 2), 1);
	assert_ptr_equal(found[0], &s[7]);
	assert_int_equal(radius_acct_find_all("u7", NULL, 0x0A000000u + 9, found, 2), 0);
	/* Down: odd ones from the end, then even ones from the start. */
	for (uint32_t i = MANY_SESSIONS - 1; i < MANY_SESSIONS; i -= 2)
		obs->down(&s[i], "x", NULL, 0);
	assert_int_equal(radius_acct_find_all("u7", NULL, 0, found, 2), 0);    /* 7 + 1000k: odd */
	assert_int_equal(radius_acct_find_all("u8", NULL, 0, found, 2), 66);
	assert_null(radius_acct_find(NULL, NULL, 0x0A000000u + 2, NULL));
	assert_ptr_equal(radius_acct_find(NULL, NULL, 0x0A000000u + 1, NULL), &s[0]);
	for (uint32_t i = 0; i < MANY_SESSIONS; i += 2)
		obs->down(&s[i], "x", NULL, 0);
	assert_int_equal(radius_acct_find_all("u8", NULL, 0, found, 2), 0);
	assert_int_equal(radius_acct_find_all(NULL, NULL, 0, found, 2), 0);
	assert_string_equal(radius_acct_session_id(&s[0]), "");
	free(s);
}

/* Answers out of order: each record leaves the FIFO wherever it is; the next waiting one goes out. */
static void test_acks_out_of_order(void **state)
{
	static struct session s[RADIUS_ACCT_INFLIGHT + 4];
	struct radius_acct_stats as;
	unsigned int n = RADIUS_ACCT_INFLIGHT + 4;

	(void)state;
	for (unsigned int i = 0; i < n; i++) {
		fake_session(&s[i], i, "o", i + 1);
		obs->up(&s[i]);
	}
	assert_int_equal(n_pend, RADIUS_ACCT_INFLIGHT);
	ack(RADIUS_ACCT_INFLIGHT - 1);   /* the newest in flight */
	ack(5);                          /* one in the middle */
	ack(0);                          /* the oldest */
	assert_int_equal(n_pend, RADIUS_ACCT_INFLIGHT + 3);
	for (unsigned int i = 0; i < n_pend; i++)
		if (pend[i].live)
			ack(i);
	/* The last waiting record went out when the first of those answers came. */
	for (unsigned int i = 0; i < n_pend; i++)
		if (pend[i].live)
			ack(i);
	radius_acct_get_stats(&as);
	assert_int_equal(as.acked, n);
	assert_int_equal(as.waiting, 0);
	assert_int_equal(n_pend, n);
	cfg.ppp_aaa.accounting = false;   /* no Stops: nothing left to flush */
	for (unsigned int i = 0; i < n; i++)
		obs->down(&s[i], "x", NULL, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_start_stop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_terminate_causes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_ids, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_bound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_accounting_off, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_sessions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_acks_out_of_order, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
