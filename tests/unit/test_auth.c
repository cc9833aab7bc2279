/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PPP authentication, whole path: a server-role and a client-role PPP link
 * wired back to back through in-memory queues, each with a real auth
 * instance, the server verifying against /ppp/secret (the local backend) of
 * a config loaded from JSON. Timers are flags the test fires by hand; random
 * numbers can be pinned so the RFC 2759 example runs through the wire.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "auth.h"
#include "ppp.h"

#define QMAX       64
#define SENT_MAX   64
#define LOG_MAX    64
#define IP(a, b, c, d) (((uint32_t)(a) << 24) | ((b) << 16) | ((c) << 8) | (d))

/* Wire codes, by their RFC names (RFC 1334 2.2, RFC 1994 4). */
#define PAP_REQ 1
#define PAP_ACK 2
#define PAP_NAK 3
#define CHAP_CHALLENGE 1
#define CHAP_RESPONSE  2
#define CHAP_SUCCESS   3
#define CHAP_FAILURE   4

/* RFC 2759 9.2 worked example (the same values as test_crypto.c). */
static const uint8_t rfc_auth_chal[16] = {
	0x5B, 0x5D, 0x7C, 0x7D, 0x7B, 0x3F, 0x2F, 0x3E,
	0x3C, 0x2C, 0x60, 0x21, 0x32, 0x26, 0x26, 0x28 };
static const uint8_t rfc_peer_chal[16] = {
	0x21, 0x40, 0x23, 0x24, 0x25, 0x5E, 0x26, 0x2A,
	0x28, 0x29, 0x5F, 0x2B, 0x3A, 0x33, 0x7C, 0x7E };
static const uint8_t rfc_nt_response[24] = {
	0x82, 0x30, 0x9E, 0xCD, 0x8D, 0x70, 0x8B, 0x5E, 0xA0, 0x8F, 0xAA, 0x39,
	0x81, 0xCD, 0x83, 0x54, 0x42, 0x33, 0x11, 0x4A, 0x3D, 0x85, 0xD6, 0xDF };
/* RFC 3079 3.5: the 128-bit start key of the server's send direction. */
static const uint8_t rfc_server_send_start[16] = {
	0x8B, 0x7C, 0xDC, 0x14, 0x9B, 0x99, 0x3A, 0x1B,
	0xA1, 0x18, 0xCB, 0x15, 0x3F, 0x56, 0xDC, 0xCB };
#define RFC_AUTH_RESP "S=407A5589115FD0D6209F510FE9C04566932CDA56"

static const char secrets_json[] =
	"{ \"ppp\": { \"secret\": ["
	"  { \"name\": \"MT-User\", \"password\": \"StrongPass\", \"service\": \"pptp\","
	"    \"profile\": \"default-encryption\", \"local-address\": \"10.0.0.1\","
	"    \"remote-address\": \"10.0.0.77\" },"
	"  { \"name\": \"AnyUser\", \"password\": \"AnyPass\", \"service\": \"any\" },"
	"  { \"name\": \"Disabled\", \"password\": \"pw\", \"disabled\": true },"
	"  { \"name\": \"L2tpUser\", \"password\": \"pw\", \"service\": \"l2tp\" },"
	"  { \"name\": \"User\", \"password\": \"clientPass\" }"
	"] } }";

struct frame {
	size_t len;
	uint8_t b[PPP_FRAME_HDR_MAX + PPP_CTRL_MAX];
};

/* One authentication packet as sent (protocol, then the packet from Code on). */
struct sent {
	uint16_t proto;
	size_t len;
	uint8_t pkt[PPP_CTRL_MAX];
};

struct end {
	const char *name;
	struct ppp_link *l;
	struct auth *a;
	struct frame out[QMAX];
	size_t head, tail;
	bool timer[PPP_TIMER_COUNT];
	bool auth_timer;
	uint32_t auth_timer_ms;
	int closes;
	char close_reason[PPP_REASON_MAX];
	int net_ups;
	struct ppp_net_result net;
	int dones;
	struct auth_info done_info;
	/* what this end sent of PAP/CHAP */
	struct sent sent[SENT_MAX];
	size_t n_sent;
	bool block_auth;            /* PAP/CHAP recorded but not put on the wire */
	void (*mutate)(struct end *e, uint8_t *pkt, size_t len);
	/* random numbers: 16-octet requests get fixed16 when set */
	const uint8_t *fixed16;
	uint32_t seed;
	/* auth_ops.accept */
	bool has_accept;
	bool accept_refuse;
	uint32_t accept_remote;
	int accepts;
	char logs[LOG_MAX][240];
	size_t n_logs;
};

/* --- the async backend: keeps the request, answers when the test says --- */

struct async_backend {
	struct auth_backend backend;
	struct auth_local *local;    /* does the arithmetic when released */
	struct auth_request *held;
	int verifies;
	int cancels;
};

static void async_verify(void *arg, struct auth_request *rq)
{
	struct async_backend *b = arg;

	b->verifies++;
	b->held = rq;
}

static void async_cancel(void *arg, struct auth_request *rq)
{
	struct async_backend *b = arg;

	assert_ptr_equal(rq, b->held);
	b->cancels++;
	b->held = NULL;
}

/* The answer arrives "later": the local backend runs on the held request now. */
static void async_release(struct async_backend *b)
{
	struct auth_request *rq = b->held;

	assert_non_null(rq);
	b->held = NULL;
	b->local->backend.verify(b->local->backend.arg, rq);
}

/* --- fixture --- */

struct fixture {
	struct pg_config cfg;
	struct auth_local local;
	struct async_backend async;
	struct end *s, *c;
};

static struct fixture *fx;

/* --- PPP ops --- */

static void record_sent(struct end *e, uint16_t proto, const uint8_t *pkt, size_t len)
{
	struct sent *s;

	assert_true(e->n_sent < SENT_MAX);
	s = &e->sent[e->n_sent++];
	s->proto = proto;
	s->len = len;
	memcpy(s->pkt, pkt, len);
}

static int op_send(void *ctx, uint16_t proto, const uint8_t *pkt, size_t len)
{
	struct end *e = ctx;
	struct frame *f;
	size_t h;
	bool auth = proto == PPP_PROTO_PAP || proto == PPP_PROTO_CHAP;

	assert_true(len <= PPP_CTRL_MAX);
	if (auth)
		record_sent(e, proto, pkt, len);
	if (auth && e->block_auth)
		return 0;
	assert_true(e->tail - e->head < QMAX);
	f = &e->out[e->tail++ % QMAX];
	h = ppp_frame_header(e->l, proto, f->b);
	memcpy(f->b + h, pkt, len);
	f->len = h + len;
	if (auth && e->mutate)
		e->mutate(e, f->b + h, len);
	return 0;
}

static void op_close(void *ctx, const char *reason)
{
	struct end *e = ctx;

	e->closes++;
	snprintf(e->close_reason, sizeof(e->close_reason), "%s", reason);
}

static void op_timer_start(void *ctx, enum ppp_timer t, uint32_t ms)
{
	(void)ms;
	((struct end *)ctx)->timer[t] = true;
}

static void op_timer_stop(void *ctx, enum ppp_timer t)
{
	((struct end *)ctx)->timer[t] = false;
}

static void op_auth_start(void *ctx, enum ppp_role role, uint16_t proto, uint8_t algo)
{
	auth_start(((struct end *)ctx)->a, role, proto, algo);
}

static void op_auth_input(void *ctx, uint16_t proto, const uint8_t *pkt, size_t len)
{
	auth_input(((struct end *)ctx)->a, proto, pkt, len);
}

static void op_auth_stop(void *ctx)
{
	auth_stop(((struct end *)ctx)->a);
}

static void op_network_up(void *ctx, const struct ppp_net_result *r)
{
	struct end *e = ctx;

	e->net_ups++;
	e->net = *r;
}

static void op_network_down(void *ctx)
{
	(void)ctx;
}

static void op_log(void *ctx, enum cfg_log_level level, const char *msg)
{
	struct end *e = ctx;

	(void)level;
	if (e->n_logs < LOG_MAX)
		snprintf(e->logs[e->n_logs++], sizeof(e->logs[0]), "%s", msg);
	if (getenv("AUTH_TEST_VERBOSE"))
		fprintf(stderr, "  %s: %s\n", e->name, msg);
}

static const struct ppp_ops test_ppp_ops = {
	.send = op_send,
	.close = op_close,
	.timer_start = op_timer_start,
	.timer_stop = op_timer_stop,
	.auth_start = op_auth_start,
	.auth_input = op_auth_input,
	.auth_stop = op_auth_stop,
	.network_up = op_network_up,
	.network_down = op_network_down,
	.log = op_log,
};

/* --- auth ops --- */

static void aop_timer_start(void *ctx, uint32_t ms)
{
	struct end *e = ctx;

	e->auth_timer = true;
	e->auth_timer_ms = ms;
}

static void aop_timer_stop(void *ctx)
{
	((struct end *)ctx)->auth_timer = false;
}

static int aop_random(void *ctx, uint8_t *buf, size_t len)
{
	struct end *e = ctx;

	if (e->fixed16 && len == 16) {
		memcpy(buf, e->fixed16, len);
		return 0;
	}
	for (size_t i = 0; i < len; i++) {
		e->seed = e->seed * 1103515245u + 12345u;
		buf[i] = (uint8_t)(e->seed >> 16);
	}
	return 0;
}

static int aop_accept(void *ctx, const struct auth_info *info, struct auth_net *net)
{
	struct end *e = ctx;

	e->accepts++;
	if (!e->has_accept)
		return 0;
	if (e->accept_refuse) {
		snprintf(net->reason, sizeof(net->reason), "address pool exhausted");
		return -1;
	}
	/* What a session layer does: the secret's fixed remote-address for the peer. */
	assert_true(info->user_params.remote_address.is_set);
	assert_false(info->user_params.remote_address.is_pool);
	net->set_ipcp = true;
	net->ipcp.local_addr = IP(10, 0, 0, 1);
	net->ipcp.remote_addr = info->user_params.remote_address.addr;
	e->accept_remote = net->ipcp.remote_addr;
	return 0;
}

static void aop_done(void *ctx, const struct auth_info *info)
{
	struct end *e = ctx;

	e->dones++;
	e->done_info = *info;
}

static const struct auth_ops test_auth_ops = {
	.timer_start = aop_timer_start,
	.timer_stop = aop_timer_stop,
	.random = aop_random,
	.accept = aop_accept,
	.done = aop_done,
	.log = op_log,
};

/* --- helpers --- */

static int setup(void **state)
{
	struct cfg_errors err;

	(void)state;
	fx = calloc(1, sizeof(*fx));
	assert_non_null(fx);
	cfg_errors_init(&err);
	if (cfg_load_string(secrets_json, &fx->cfg, &err) != 0) {
		for (unsigned int i = 0; i < err.n; i++)
			fprintf(stderr, "%s\n", err.msg[i]);
		fail_msg("secrets did not load");
	}
	cfg_errors_free(&err);
	auth_local_init(&fx->local, &fx->cfg);
	fx->async.backend.verify = async_verify;
	fx->async.backend.cancel = async_cancel;
	fx->async.backend.arg = &fx->async;
	fx->async.local = &fx->local;
	return 0;
}

static void end_free(struct end *e)
{
	if (!e)
		return;
	ppp_destroy(e->l);
	auth_destroy(e->a);
	free(e);
}

static int teardown(void **state)
{
	(void)state;
	end_free(fx->s);
	end_free(fx->c);
	cfg_free(&fx->cfg);
	free(fx);
	fx = NULL;
	return 0;
}

static struct end *end_new(const char *name, const struct ppp_params *pp,
			   const struct auth_params *ap, uint32_t seed)
{
	struct end *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	e->name = name;
	e->seed = seed;
	e->l = ppp_create(pp, &test_ppp_ops, e);
	assert_non_null(e->l);
	e->a = auth_create(ap, &test_auth_ops, e, e->l);
	assert_non_null(e->a);
	return e;
}

static uint32_t method_bit(enum auth_method m)
{
	switch (m) {
	case AUTH_METHOD_PAP:
		return CFG_AUTH_PAP;
	case AUTH_METHOD_CHAP:
		return CFG_AUTH_CHAP;
	case AUTH_METHOD_MSCHAP1:
		return CFG_AUTH_MSCHAP1;
	default:
		return CFG_AUTH_MSCHAP2;
	}
}

/* A server offering only m and a client allowing everything, not started yet. */
static void make_pair_backend(enum auth_method m, const char *user, const char *password,
			      const struct auth_backend *backend)
{
	struct ppp_params sp, cp;
	struct auth_params sa = { .name = "pptpgw", .backend = backend };
	struct auth_params ca = { .user = user, .password = password };

	ppp_params_default(&sp, PPP_ROLE_SERVER);
	sp.auth = method_bit(m);
	sp.ipcp.local_addr = IP(10, 0, 0, 1);
	sp.ipcp.remote_addr = IP(10, 0, 0, 5);
	sp.ccp.encryption = CCP_ENC_ALLOWED;
	ppp_params_default(&cp, PPP_ROLE_CLIENT);
	fx->s = end_new("server", &sp, &sa, 1);
	fx->c = end_new("client", &cp, &ca, 2);
}

static void make_pair(enum auth_method m, const char *user, const char *password)
{
	make_pair_backend(m, user, password, &fx->local.backend);
}

static struct frame *pop(struct end *e)
{
	return e->head == e->tail ? NULL : &e->out[e->head++ % QMAX];
}

/* Deliver frames both ways until both queues are empty. */
static void pump(void)
{
	for (int i = 0; i < 1000; i++) {
		struct frame *f;
		bool moved = false;

		if ((f = pop(fx->s)) != NULL) {
			struct frame copy = *f;

			ppp_input(fx->c->l, copy.b, copy.len);
			moved = true;
		}
		if ((f = pop(fx->c)) != NULL) {
			struct frame copy = *f;

			ppp_input(fx->s->l, copy.b, copy.len);
			moved = true;
		}
		if (!moved)
			return;
	}
	fail_msg("frames kept flowing");
}

static void start_pair(void)
{
	ppp_start(fx->s->l);
	ppp_start(fx->c->l);
	pump();
}

/* Fire every pending PPP restart timer once, then deliver what follows. */
static void fire_ppp_timers(void)
{
	for (int t = 0; t < PPP_TIMER_COUNT; t++) {
		if (fx->s->timer[t]) {
			fx->s->timer[t] = false;
			ppp_timeout(fx->s->l, (enum ppp_timer)t);
		}
		if (fx->c->timer[t]) {
			fx->c->timer[t] = false;
			ppp_timeout(fx->c->l, (enum ppp_timer)t);
		}
	}
	pump();
}

/* Let both links finish terminating (RFC 1661 restart timers) until both closed. */
static void settle_closed(void)
{
	for (int i = 0; i < 8 && (!fx->s->closes || !fx->c->closes); i++)
		fire_ppp_timers();
	assert_int_equal(fx->s->closes, 1);
	assert_int_equal(fx->c->closes, 1);
}

static void fire_auth(struct end *e)
{
	assert_true(e->auth_timer);
	e->auth_timer = false;
	auth_timeout(e->a);
}

/* The n-th from last packet of this protocol and code this end sent (0: last). */
static const struct sent *find_sent(const struct end *e, uint16_t proto, uint8_t code,
				    unsigned int back)
{
	for (size_t i = e->n_sent; i-- > 0;) {
		if (e->sent[i].proto == proto && e->sent[i].pkt[0] == code) {
			if (back == 0)
				return &e->sent[i];
			back--;
		}
	}
	return NULL;
}

static unsigned int count_sent(const struct end *e, uint16_t proto, uint8_t code)
{
	unsigned int n = 0;

	for (size_t i = 0; i < e->n_sent; i++)
		n += e->sent[i].proto == proto && e->sent[i].pkt[0] == code;
	return n;
}

/* A frame with FF 03 and a two-octet protocol, to one end's link. */
static void inject_raw(struct end *e, uint16_t proto, const uint8_t *pkt, size_t len)
{
	uint8_t f[PPP_FRAME_HDR_MAX + PPP_CTRL_MAX] = { PPP_ADDRESS, PPP_CONTROL };

	assert_true(len <= PPP_CTRL_MAX);
	ppp_put16(f + 2, proto);
	memcpy(f + 4, pkt, len);
	ppp_input(e->l, f, len + 4);
}

/* The message of a Success/Failure (CHAP) as a string. */
static const char *chap_message(const struct sent *s, char *buf, size_t cap)
{
	size_t n = s->len - PPP_CP_HDR_LEN;

	assert_true(n < cap);
	memcpy(buf, s->pkt + PPP_CP_HDR_LEN, n);
	buf[n] = '\0';
	return buf;
}

static bool logged(const struct end *e, const char *needle)
{
	for (size_t i = 0; i < e->n_logs; i++)
		if (strstr(e->logs[i], needle))
			return true;
	return false;
}

static void assert_no_log(const struct end *e, const char *needle)
{
	for (size_t i = 0; i < e->n_logs; i++)
		if (strstr(e->logs[i], needle))
			fail_msg("%s logged \"%s\": %s", e->name, needle, e->logs[i]);
}

static const enum auth_method all_methods[] = {
	AUTH_METHOD_PAP, AUTH_METHOD_CHAP, AUTH_METHOD_MSCHAP1, AUTH_METHOD_MSCHAP2,
};

static void next_case(void)
{
	end_free(fx->s);
	end_free(fx->c);
	fx->s = fx->c = NULL;
}

/* --- success, per method --- */

static void test_success_each_method(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(all_methods) / sizeof(all_methods[0]); i++) {
		enum auth_method m = all_methods[i];
		const struct auth_info *si, *ci;
		char line[96];

		make_pair(m, "MT-User", "StrongPass");
		start_pair();
		si = auth_get_info(fx->s->a);
		ci = auth_get_info(fx->c->a);
		assert_int_equal(si->method, m);
		assert_int_equal(ci->method, m);
		assert_true(si->finished && si->ok);
		assert_true(ci->finished && ci->ok);
		assert_string_equal(si->user, "MT-User");
		assert_string_equal(ci->user, "MT-User");
		assert_int_equal(fx->s->net_ups, 1);
		assert_int_equal(fx->c->net_ups, 1);
		/* The backend's per-user parameters reached the session layer. */
		assert_int_equal(fx->s->dones, 1);
		assert_int_equal(fx->s->accepts, 1);
		assert_string_equal(si->user_params.profile, "default-encryption");
		assert_true(si->user_params.remote_address.is_set);
		assert_int_equal(si->user_params.remote_address.addr, IP(10, 0, 0, 77));
		/* Keys only where the method yields them; named from each side. */
		if (m == AUTH_METHOD_MSCHAP1 || m == AUTH_METHOD_MSCHAP2) {
			assert_true(si->has_mppe_keys && ci->has_mppe_keys);
			assert_memory_equal(si->mppe_send_key, ci->mppe_recv_key, 16);
			assert_memory_equal(si->mppe_recv_key, ci->mppe_send_key, 16);
			if (m == AUTH_METHOD_MSCHAP1)  /* RFC 3079 2.3: one key both ways */
				assert_memory_equal(si->mppe_send_key, si->mppe_recv_key, 16);
			else
				assert_memory_not_equal(si->mppe_send_key, si->mppe_recv_key, 16);
		} else {
			assert_false(si->has_mppe_keys || ci->has_mppe_keys);
		}
		/* No timer left behind, nothing dropped. */
		assert_false(fx->s->auth_timer || fx->c->auth_timer);
		for (int d = 0; d < AUTH_DROP_COUNT; d++) {
			assert_int_equal(auth_get_stats(fx->s->a)->drops[d], 0);
			assert_int_equal(auth_get_stats(fx->c->a)->drops[d], 0);
		}
		snprintf(line, sizeof(line), "user=MT-User auth=%s result=ok", auth_method_name(m));
		assert_true(logged(fx->s, line));
		assert_true(logged(fx->c, line));
		assert_no_log(fx->s, "StrongPass");
		assert_no_log(fx->c, "StrongPass");
		next_case();
	}
}

/* The Challenge carries our name and the right Value-Size per algorithm. */
static void test_challenge_format(void **state)
{
	static const struct { enum auth_method m; size_t size; } cases[] = {
		{ AUTH_METHOD_CHAP, 16 }, { AUTH_METHOD_MSCHAP1, 8 }, { AUTH_METHOD_MSCHAP2, 16 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct sent *ch, *rsp;

		make_pair(cases[i].m, "MT-User", "StrongPass");
		start_pair();
		ch = find_sent(fx->s, PPP_PROTO_CHAP, CHAP_CHALLENGE, 0);
		assert_non_null(ch);
		assert_int_equal(ch->pkt[4], cases[i].size);
		assert_int_equal(ch->len, 4 + 1 + cases[i].size + strlen("pptpgw"));
		assert_memory_equal(ch->pkt + 5 + cases[i].size, "pptpgw", 6);
		rsp = find_sent(fx->c, PPP_PROTO_CHAP, CHAP_RESPONSE, 0);
		assert_non_null(rsp);
		assert_int_equal(rsp->pkt[1], ch->pkt[1]);
		assert_int_equal(rsp->pkt[4], cases[i].m == AUTH_METHOD_CHAP ? 16 : 49);
		next_case();
	}
}

/* --- refusals --- */

struct refusal {
	const char *what;
	enum auth_method m;
	const char *user, *password;
	const char *server_reason;      /* auth_info.reason on the server */
	const char *server_close;       /* the server link's close reason */
	const char *client_reason;      /* auth_info.reason on the client */
	const char *server_message;     /* what the server's Failure/Nak says */
};

static void run_refusal(const struct refusal *r)
{
	const struct auth_info *si, *ci;
	const struct sent *f;
	char msg[256];

	make_pair(r->m, r->user, r->password);
	start_pair();
	si = auth_get_info(fx->s->a);
	ci = auth_get_info(fx->c->a);
	assert_true(si->finished);
	assert_false(si->ok);
	assert_true(ci->finished);
	assert_false(ci->ok);
	assert_string_equal(si->reason, r->server_reason);
	assert_string_equal(ci->reason, r->client_reason);
	assert_false(si->has_mppe_keys || ci->has_mppe_keys);
	assert_int_equal(fx->s->net_ups + fx->c->net_ups, 0);
	if (r->m == AUTH_METHOD_PAP) {
		f = find_sent(fx->s, PPP_PROTO_PAP, PAP_NAK, 0);
		assert_non_null(f);
		assert_int_equal(f->pkt[4], f->len - 5);
		memcpy(msg, f->pkt + 5, f->len - 5);
		msg[f->len - 5] = '\0';
	} else {
		f = find_sent(fx->s, PPP_PROTO_CHAP, CHAP_FAILURE, 0);
		assert_non_null(f);
		chap_message(f, msg, sizeof(msg));
	}
	if (r->m == AUTH_METHOD_MSCHAP2) {
		/* "E=691 R=0 C=<32 hex> V=3 M=..." */
		assert_int_equal(strncmp(msg, "E=691 R=0 C=", 12), 0);
		assert_int_equal(strspn(msg + 12, "0123456789ABCDEF"), 32);
		assert_string_equal(msg + 44, r->server_message);
	} else {
		assert_string_equal(msg, r->server_message);
	}
	settle_closed();
	assert_string_equal(fx->s->close_reason, r->server_close);
	assert_non_null(strstr(fx->c->close_reason, "authentication failed"));
	assert_true(logged(fx->s, "result=failed"));
	assert_no_log(fx->s, r->password);
	assert_no_log(fx->c, r->password);
	next_case();
}

static void test_wrong_password(void **state)
{
	static const struct refusal cases[] = {
		{ "pap", AUTH_METHOD_PAP, "MT-User", "WrongPass", "authentication failed",
		  "authentication failed", "rejected by server: Authentication failure",
		  "Authentication failure" },
		{ "chap", AUTH_METHOD_CHAP, "MT-User", "WrongPass", "authentication failed",
		  "authentication failed", "rejected by server: Authentication failure",
		  "Authentication failure" },
		{ "mschap1", AUTH_METHOD_MSCHAP1, "MT-User", "WrongPass", "authentication failed",
		  "authentication failed", "rejected by server: authentication failure (E=691)",
		  "E=691 R=0" },
		{ "mschap2", AUTH_METHOD_MSCHAP2, "MT-User", "WrongPass", "authentication failed",
		  "authentication failed", "rejected by server: Authentication failure (E=691)",
		  " V=3 M=Authentication failure" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_refusal(&cases[i]);
	/* The client learnt E= and R= from the MS-CHAP failure. */
}

static void test_mschap_failure_fields(void **state)
{
	const struct auth_info *ci;

	(void)state;
	make_pair(AUTH_METHOD_MSCHAP2, "MT-User", "WrongPass");
	start_pair();
	ci = auth_get_info(fx->c->a);
	assert_int_equal(ci->mschap_error, 691);
	assert_int_equal(ci->mschap_retry, 0);
	assert_int_equal(fx->c->dones, 1);
	assert_false(fx->c->done_info.ok);
}

/* Unknown, disabled, other-service secrets per method; "any" is accepted. */
static void test_secret_lookup(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(all_methods) / sizeof(all_methods[0]); i++) {
		enum auth_method m = all_methods[i];
		bool ms = m == AUTH_METHOD_MSCHAP1 || m == AUTH_METHOD_MSCHAP2;
		const char *client = m == AUTH_METHOD_MSCHAP1 ?
			"rejected by server: authentication failure (E=691)" :
			m == AUTH_METHOD_MSCHAP2 ?
			"rejected by server: Authentication failure (E=691)" :
			"rejected by server: Authentication failure";
		const char *smsg = m == AUTH_METHOD_MSCHAP1 ? "E=691 R=0" :
			m == AUTH_METHOD_MSCHAP2 ? " V=3 M=Authentication failure" :
			"Authentication failure";
		struct refusal cases[] = {
			{ "unknown", m, "Nobody", "x", "no such user",
			  "authentication failed: no such user", client, smsg },
			{ "disabled", m, "Disabled", "pw", "secret disabled",
			  "authentication failed: secret disabled", client, smsg },
			{ "l2tp", m, "L2tpUser", "pw", "secret is not for service pptp",
			  "authentication failed: secret is not for service pptp", client, smsg },
		};

		for (size_t j = 0; j < sizeof(cases) / sizeof(cases[0]); j++)
			run_refusal(&cases[j]);

		make_pair(m, "AnyUser", "AnyPass");
		start_pair();
		assert_true(auth_get_info(fx->s->a)->ok);
		assert_true(auth_get_info(fx->c->a)->ok);
		assert_int_equal(auth_get_info(fx->s->a)->has_mppe_keys, ms);
		next_case();
	}
}

/* --- MS-CHAPv2: RFC 2759 section 9 through the wire; mutual authentication --- */

static void test_rfc2759_vector(void **state)
{
	const struct sent *rsp, *ok;
	const struct auth_info *si, *ci;
	char msg[256];

	(void)state;
	make_pair(AUTH_METHOD_MSCHAP2, "User", "clientPass");
	fx->s->fixed16 = rfc_auth_chal;
	fx->c->fixed16 = rfc_peer_chal;
	start_pair();

	rsp = find_sent(fx->c, PPP_PROTO_CHAP, CHAP_RESPONSE, 0);
	assert_non_null(rsp);
	/* RFC 2759 4: Value-Size 49: Peer-Challenge, 8 reserved, NT-Response, Flags. */
	assert_int_equal(rsp->pkt[4], 49);
	assert_memory_equal(rsp->pkt + 5, rfc_peer_chal, 16);
	assert_memory_equal(rsp->pkt + 5 + 16, "\0\0\0\0\0\0\0\0", 8);
	assert_memory_equal(rsp->pkt + 5 + 24, rfc_nt_response, 24);
	assert_int_equal(rsp->pkt[5 + 48], 0);
	assert_memory_equal(rsp->pkt + 5 + 49, "User", 4);
	assert_int_equal(rsp->len, 4 + 1 + 49 + 4);

	ok = find_sent(fx->s, PPP_PROTO_CHAP, CHAP_SUCCESS, 0);
	assert_non_null(ok);
	assert_int_equal(ok->pkt[1], rsp->pkt[1]);
	assert_string_equal(chap_message(ok, msg, sizeof(msg)), RFC_AUTH_RESP " M=Access granted");

	si = auth_get_info(fx->s->a);
	ci = auth_get_info(fx->c->a);
	assert_true(si->ok && ci->ok);
	/* RFC 3079 3.5: the server's send start key, the client's receive key. */
	assert_memory_equal(si->mppe_send_key, rfc_server_send_start, 16);
	assert_memory_equal(ci->mppe_recv_key, rfc_server_send_start, 16);
	assert_memory_equal(si->mppe_recv_key, ci->mppe_send_key, 16);
}

static void corrupt_auth_response(struct end *e, uint8_t *pkt, size_t len)
{
	(void)e;
	if (pkt[0] == CHAP_SUCCESS && len > PPP_CP_HDR_LEN + 10)
		pkt[PPP_CP_HDR_LEN + 5] ^= 0x01;   /* one hex digit of S= */
}

static void strip_auth_response(struct end *e, uint8_t *pkt, size_t len)
{
	(void)e;
	if (pkt[0] == CHAP_SUCCESS && len > PPP_CP_HDR_LEN + 2)
		pkt[PPP_CP_HDR_LEN] = 'X';         /* "X=..." is no authenticator response */
}

/* A server that cannot prove it knows the password is refused. */
static void test_client_refuses_bad_authenticator(void **state)
{
	void (*mutations[])(struct end *, uint8_t *, size_t) = {
		corrupt_auth_response, strip_auth_response,
	};

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		const struct auth_info *ci;

		make_pair(AUTH_METHOD_MSCHAP2, "MT-User", "StrongPass");
		fx->s->mutate = mutations[i];
		start_pair();
		ci = auth_get_info(fx->c->a);
		assert_true(ci->finished);
		assert_false(ci->ok);
		assert_false(ci->has_mppe_keys);
		assert_string_equal(ci->reason, "server failed to authenticate itself");
		assert_int_equal(fx->c->net_ups, 0);
		settle_closed();
		assert_string_equal(fx->c->close_reason,
				    "authentication failed: server failed to authenticate itself");
		assert_true(logged(fx->c, "user=MT-User auth=mschap2 result=failed"));
		next_case();
	}
}

static void set_flags_04(struct end *e, uint8_t *pkt, size_t len)
{
	(void)e;
	if (pkt[0] == CHAP_RESPONSE && len > 5 + 48)
		pkt[5 + 48] = 0x04;
}

/* Windows 98 sets Flags 0x04 and chokes on " M=": it gets "S=..." alone. */
static void test_mschap2_win98_flags(void **state)
{
	const struct sent *ok;
	char msg[256];

	(void)state;
	make_pair(AUTH_METHOD_MSCHAP2, "User", "clientPass");
	fx->s->fixed16 = rfc_auth_chal;
	fx->c->fixed16 = rfc_peer_chal;
	fx->c->mutate = set_flags_04;
	start_pair();
	ok = find_sent(fx->s, PPP_PROTO_CHAP, CHAP_SUCCESS, 0);
	assert_non_null(ok);
	assert_string_equal(chap_message(ok, msg, sizeof(msg)), RFC_AUTH_RESP);
	assert_true(auth_get_info(fx->c->a)->ok);
}

/* --- malformed packets --- */

/* Server in Authenticate phase, Challenge out, the client's Response held back. */
static void pair_waiting_for_response(enum auth_method m)
{
	make_pair(m, "MT-User", "StrongPass");
	fx->c->block_auth = true;
	start_pair();
	assert_int_equal(ppp_phase(fx->s->l), PPP_PHASE_AUTHENTICATE);
	assert_false(auth_get_info(fx->s->a)->finished);
}

struct bad_case {
	const char *name;
	uint8_t pkt[400];
	size_t len;
	enum auth_drop drop;
};

/* A well-formed MS-CHAPv2 Response body for an Identifier, as a base to break. */
static size_t good_mschap2_response(uint8_t *p, uint8_t id, const char *name)
{
	size_t n = strlen(name);

	p[0] = CHAP_RESPONSE;
	p[1] = id;
	ppp_put16(p + 2, (uint16_t)(4 + 1 + 49 + n));
	p[4] = 49;
	memset(p + 5, 0x11, 49);
	p[5 + 48] = 0;
	memcpy(p + 5 + 49, name, n);
	return 4 + 1 + 49 + n;
}

static void test_malformed_server_chap(void **state)
{
	struct bad_case cases[16];
	size_t n = 0;
	uint8_t id;
	const struct sent *ch, *rsp;
	const struct auth_stats *st;
	uint32_t before[AUTH_DROP_COUNT];

	(void)state;
	pair_waiting_for_response(AUTH_METHOD_MSCHAP2);
	ch = find_sent(fx->s, PPP_PROTO_CHAP, CHAP_CHALLENGE, 0);
	id = ch->pkt[1];
	memset(cases, 0, sizeof(cases));

	cases[n] = (struct bad_case){ .name = "short", .len = 3, .drop = AUTH_DROP_SHORT };
	cases[n].pkt[0] = CHAP_RESPONSE;
	cases[n++].pkt[1] = id;

	cases[n] = (struct bad_case){ .name = "length field below header", .drop = AUTH_DROP_BAD_LENGTH };
	cases[n].len = good_mschap2_response(cases[n].pkt, id, "MT-User");
	ppp_put16(cases[n++].pkt + 2, 3);

	cases[n] = (struct bad_case){ .name = "length field beyond packet", .drop = AUTH_DROP_BAD_LENGTH };
	cases[n].len = good_mschap2_response(cases[n].pkt, id, "MT-User");
	ppp_put16(cases[n].pkt + 2, (uint16_t)(cases[n].len + 1));
	n++;

	cases[n] = (struct bad_case){ .name = "no value-size", .len = 4, .drop = AUTH_DROP_SHORT };
	cases[n].pkt[0] = CHAP_RESPONSE;
	cases[n].pkt[1] = id;
	ppp_put16(cases[n++].pkt + 2, 4);

	cases[n] = (struct bad_case){ .name = "value-size beyond packet", .drop = AUTH_DROP_BAD_VALUE };
	cases[n].len = good_mschap2_response(cases[n].pkt, id, "");
	cases[n].len -= 10;
	ppp_put16(cases[n].pkt + 2, (uint16_t)cases[n].len);
	n++;

	cases[n] = (struct bad_case){ .name = "value-size 48", .drop = AUTH_DROP_BAD_VALUE };
	cases[n].len = good_mschap2_response(cases[n].pkt, id, "MT-User");
	cases[n++].pkt[4] = 48;

	cases[n] = (struct bad_case){ .name = "value-size 50", .drop = AUTH_DROP_BAD_VALUE };
	cases[n].len = good_mschap2_response(cases[n].pkt, id, "MT-User");
	cases[n++].pkt[4] = 50;

	cases[n] = (struct bad_case){ .name = "name with NUL", .drop = AUTH_DROP_BAD_NAME };
	cases[n].len = good_mschap2_response(cases[n].pkt, id, "MT-User");
	cases[n++].pkt[5 + 49 + 2] = '\0';

	cases[n] = (struct bad_case){ .name = "name of 300 octets", .drop = AUTH_DROP_BAD_NAME };
	{
		char longname[301];

		memset(longname, 'a', 300);
		longname[300] = '\0';
		cases[n].len = good_mschap2_response(cases[n].pkt, id, longname);
		n++;
	}

	cases[n] = (struct bad_case){ .name = "wrong id", .drop = AUTH_DROP_BAD_ID };
	cases[n].len = good_mschap2_response(cases[n].pkt, (uint8_t)(id + 1), "MT-User");
	n++;

	cases[n] = (struct bad_case){ .name = "success sent to a server", .drop = AUTH_DROP_BAD_CODE };
	cases[n].len = good_mschap2_response(cases[n].pkt, id, "MT-User");
	cases[n++].pkt[0] = CHAP_SUCCESS;

	cases[n] = (struct bad_case){ .name = "unknown code 9", .drop = AUTH_DROP_BAD_CODE };
	cases[n].len = good_mschap2_response(cases[n].pkt, id, "MT-User");
	cases[n++].pkt[0] = 9;

	st = auth_get_stats(fx->s->a);
	for (size_t i = 0; i < n; i++) {
		size_t sent_before = fx->s->n_sent;

		memcpy(before, st->drops, sizeof(before));
		inject_raw(fx->s, PPP_PROTO_CHAP, cases[i].pkt, cases[i].len);
		for (int d = 0; d < AUTH_DROP_COUNT; d++) {
			if (st->drops[d] != before[d] + (d == (int)cases[i].drop))
				fail_msg("case \"%s\": drop counter %s is %u, expected %u", cases[i].name,
					 auth_drop_name((enum auth_drop)d), st->drops[d],
					 before[d] + (d == (int)cases[i].drop));
		}
		/* Dropped: nothing answered, the exchange goes on. */
		assert_int_equal(fx->s->n_sent, sent_before);
		assert_false(auth_get_info(fx->s->a)->finished);
		assert_int_equal(ppp_phase(fx->s->l), PPP_PHASE_AUTHENTICATE);
	}

	/* Padding after Length is allowed (RFC 1661 5); the real Response still works. */
	rsp = find_sent(fx->c, PPP_PROTO_CHAP, CHAP_RESPONSE, 0);
	assert_non_null(rsp);
	{
		uint8_t padded[PPP_CTRL_MAX];

		memcpy(padded, rsp->pkt, rsp->len);
		memset(padded + rsp->len, 0xEE, 3);
		inject_raw(fx->s, PPP_PROTO_CHAP, padded, rsp->len + 3);
	}
	assert_true(auth_get_info(fx->s->a)->ok);
}

/* Client side: bad Challenges and verdicts are dropped and counted. */
static void test_malformed_client_chap(void **state)
{
	uint8_t p[64];
	const struct auth_stats *st;
	const struct sent *rsp;

	(void)state;
	make_pair(AUTH_METHOD_MSCHAP2, "MT-User", "StrongPass");
	fx->s->block_auth = true;        /* the client never sees the real Challenge */
	start_pair();
	st = auth_get_stats(fx->c->a);

	/* Challenge of 8 octets under MS-CHAPv2. */
	memset(p, 0, sizeof(p));
	p[0] = CHAP_CHALLENGE; p[1] = 7; ppp_put16(p + 2, 4 + 1 + 8); p[4] = 8;
	inject_raw(fx->c, PPP_PROTO_CHAP, p, 4 + 1 + 8);
	assert_int_equal(st->drops[AUTH_DROP_BAD_VALUE], 1);
	/* Value-Size beyond the packet. */
	p[4] = 16;
	inject_raw(fx->c, PPP_PROTO_CHAP, p, 4 + 1 + 8);
	assert_int_equal(st->drops[AUTH_DROP_BAD_VALUE], 2);
	/* A Response sent to a client. */
	p[0] = CHAP_RESPONSE;
	inject_raw(fx->c, PPP_PROTO_CHAP, p, 4 + 1 + 8);
	assert_int_equal(st->drops[AUTH_DROP_BAD_CODE], 1);
	/* Success before any Challenge. */
	p[0] = CHAP_SUCCESS; ppp_put16(p + 2, 4);
	inject_raw(fx->c, PPP_PROTO_CHAP, p, 4);
	assert_int_equal(st->drops[AUTH_DROP_UNEXPECTED], 1);
	assert_int_equal(count_sent(fx->c, PPP_PROTO_CHAP, CHAP_RESPONSE), 0);

	/* A good Challenge is answered; a Success with another Identifier is not taken. */
	p[0] = CHAP_CHALLENGE; p[1] = 9; ppp_put16(p + 2, 4 + 1 + 16); p[4] = 16;
	inject_raw(fx->c, PPP_PROTO_CHAP, p, 4 + 1 + 16);
	rsp = find_sent(fx->c, PPP_PROTO_CHAP, CHAP_RESPONSE, 0);
	assert_non_null(rsp);
	assert_int_equal(rsp->pkt[1], 9);
	p[0] = CHAP_SUCCESS; p[1] = 10; ppp_put16(p + 2, 4);
	inject_raw(fx->c, PPP_PROTO_CHAP, p, 4);
	assert_int_equal(st->drops[AUTH_DROP_BAD_ID], 1);
	assert_false(auth_get_info(fx->c->a)->finished);
	/* A Failure for our Identifier ends it, with the server's words. */
	{
		static const char fail[] = "E=691 R=0 C=00000000000000000000000000000000 V=3 M=Go away";

		p[0] = CHAP_FAILURE; p[1] = 9;
		ppp_put16(p + 2, (uint16_t)(4 + strlen(fail)));
		assert_true(sizeof(p) >= 4 + strlen(fail));
		memcpy(p + 4, fail, strlen(fail));
		inject_raw(fx->c, PPP_PROTO_CHAP, p, 4 + strlen(fail));
	}
	assert_string_equal(auth_get_info(fx->c->a)->reason, "rejected by server: Go away (E=691)");
}

static void test_malformed_server_pap(void **state)
{
	static const struct {
		const char *name;
		uint8_t pkt[32];
		size_t len;
		enum auth_drop drop;
	} cases[] = {
		{ "empty request", { PAP_REQ, 1, 0, 4 }, 4, AUTH_DROP_SHORT },
		{ "peer-id overruns", { PAP_REQ, 1, 0, 9, 10, 'a', 'b', 'c', 'd' }, 9,
		  AUTH_DROP_BAD_NAME },
		{ "no passwd-length", { PAP_REQ, 1, 0, 7, 2, 'a', 'b' }, 7, AUTH_DROP_BAD_NAME },
		{ "password overruns", { PAP_REQ, 1, 0, 9, 2, 'a', 'b', 5, 'x' }, 9,
		  AUTH_DROP_BAD_VALUE },
		{ "peer-id with NUL", { PAP_REQ, 1, 0, 9, 2, 'a', 0, 1, 'x' }, 9, AUTH_DROP_BAD_NAME },
		{ "ack sent to a server", { PAP_ACK, 1, 0, 5, 0 }, 5, AUTH_DROP_BAD_CODE },
		{ "bad length field", { PAP_REQ, 1, 0, 40, 1, 'a', 1, 'x' }, 8, AUTH_DROP_BAD_LENGTH },
		{ "short", { PAP_REQ, 1 }, 2, AUTH_DROP_SHORT },
	};
	const struct auth_stats *st;
	const struct sent *req;

	(void)state;
	pair_waiting_for_response(AUTH_METHOD_PAP);
	st = auth_get_stats(fx->s->a);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t was = st->drops[cases[i].drop];

		inject_raw(fx->s, PPP_PROTO_PAP, cases[i].pkt, cases[i].len);
		if (st->drops[cases[i].drop] != was + 1)
			fail_msg("case \"%s\": %s not counted", cases[i].name,
				 auth_drop_name(cases[i].drop));
		assert_int_equal(fx->s->n_sent, 0);
	}
	/* CHAP on a PAP link never reaches us (the link counts it); PAP still works. */
	req = find_sent(fx->c, PPP_PROTO_PAP, PAP_REQ, 0);
	assert_non_null(req);
	inject_raw(fx->s, PPP_PROTO_PAP, req->pkt, req->len);
	assert_true(auth_get_info(fx->s->a)->ok);
}

/* --- lost verdicts, retransmissions --- */

static void test_duplicate_response_after_success(void **state)
{
	static const enum auth_method ms[] = { AUTH_METHOD_CHAP, AUTH_METHOD_MSCHAP2 };

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		const struct sent *rsp, *ok1, *ok2;

		make_pair(ms[i], "MT-User", "StrongPass");
		start_pair();
		assert_true(auth_get_info(fx->s->a)->ok);
		rsp = find_sent(fx->c, PPP_PROTO_CHAP, CHAP_RESPONSE, 0);
		ok1 = find_sent(fx->s, PPP_PROTO_CHAP, CHAP_SUCCESS, 0);
		assert_non_null(rsp);
		assert_non_null(ok1);
		/* The Success was lost: the peer sends its Response again. */
		inject_raw(fx->s, PPP_PROTO_CHAP, rsp->pkt, rsp->len);
		ok2 = find_sent(fx->s, PPP_PROTO_CHAP, CHAP_SUCCESS, 0);
		assert_ptr_not_equal(ok1, ok2);
		assert_int_equal(ok1->len, ok2->len);
		assert_memory_equal(ok1->pkt, ok2->pkt, ok1->len);
		assert_int_equal(auth_get_stats(fx->s->a)->resent_verdicts, 1);
		/* Nothing else changed: verified once, network up once. */
		assert_int_equal(fx->s->dones, 1);
		assert_int_equal(fx->s->net_ups, 1);
		/* A Response under another Identifier is not answered. */
		{
			uint8_t other[PPP_CTRL_MAX];

			memcpy(other, rsp->pkt, rsp->len);
			other[1]++;
			inject_raw(fx->s, PPP_PROTO_CHAP, other, rsp->len);
			assert_int_equal(count_sent(fx->s, PPP_PROTO_CHAP, CHAP_SUCCESS), 2);
			assert_int_equal(auth_get_stats(fx->s->a)->drops[AUTH_DROP_BAD_ID], 1);
		}
		/* The client, done already, drops the repeated Success. */
		pump();
		assert_int_equal(auth_get_stats(fx->c->a)->drops[AUTH_DROP_UNEXPECTED], 1);
		assert_true(auth_get_info(fx->c->a)->ok);
		next_case();
	}
}

static void test_pap_duplicate_request_after_ack(void **state)
{
	const struct sent *req, *ack1, *ack2;
	uint8_t again[PPP_CTRL_MAX];

	(void)state;
	make_pair(AUTH_METHOD_PAP, "MT-User", "StrongPass");
	start_pair();
	assert_true(auth_get_info(fx->s->a)->ok);
	req = find_sent(fx->c, PPP_PROTO_PAP, PAP_REQ, 0);
	ack1 = find_sent(fx->s, PPP_PROTO_PAP, PAP_ACK, 0);
	assert_non_null(req);
	assert_non_null(ack1);
	assert_int_equal(ack1->pkt[1], req->pkt[1]);
	/* RFC 1334 2.2.1: a retransmission carries a new Identifier; the Ack follows it. */
	memcpy(again, req->pkt, req->len);
	again[1]++;
	inject_raw(fx->s, PPP_PROTO_PAP, again, req->len);
	ack2 = find_sent(fx->s, PPP_PROTO_PAP, PAP_ACK, 0);
	assert_ptr_not_equal(ack1, ack2);
	assert_int_equal(ack2->pkt[1], again[1]);
	assert_memory_equal(ack1->pkt + 2, ack2->pkt + 2, ack1->len - 2);
	assert_int_equal(auth_get_stats(fx->s->a)->resent_verdicts, 1);
	assert_int_equal(fx->s->dones, 1);
	/* "Access granted" as the Ack message. */
	assert_int_equal(ack1->pkt[4], strlen("Access granted"));
	assert_memory_equal(ack1->pkt + 5, "Access granted", ack1->pkt[4]);
}

/* Server CHAP: the same Challenge every 3 s, 10 in all, then it gives up. */
static void test_server_challenge_retransmit(void **state)
{
	const struct sent *first, *last;
	const struct sent *r0, *r1;

	(void)state;
	pair_waiting_for_response(AUTH_METHOD_MSCHAP2);
	assert_true(fx->s->auth_timer);
	assert_int_equal(fx->s->auth_timer_ms, 3000);
	for (int i = 0; i < 9; i++) {
		fire_auth(fx->s);
		pump();
		assert_int_equal(fx->s->auth_timer_ms, 3000);
	}
	assert_int_equal(count_sent(fx->s, PPP_PROTO_CHAP, CHAP_CHALLENGE), 10);
	assert_int_equal(auth_get_stats(fx->s->a)->retransmits, 9);
	first = find_sent(fx->s, PPP_PROTO_CHAP, CHAP_CHALLENGE, 9);
	last = find_sent(fx->s, PPP_PROTO_CHAP, CHAP_CHALLENGE, 0);
	assert_int_equal(first->len, last->len);
	assert_memory_equal(first->pkt, last->pkt, first->len);
	/* The client answered each copy with the very same Response (same peer challenge). */
	assert_int_equal(count_sent(fx->c, PPP_PROTO_CHAP, CHAP_RESPONSE), 10);
	r0 = find_sent(fx->c, PPP_PROTO_CHAP, CHAP_RESPONSE, 9);
	r1 = find_sent(fx->c, PPP_PROTO_CHAP, CHAP_RESPONSE, 0);
	assert_memory_equal(r0->pkt, r1->pkt, r0->len);

	fire_auth(fx->s);
	assert_string_equal(auth_get_info(fx->s->a)->reason, "peer did not answer the challenge");
	assert_int_equal(count_sent(fx->s, PPP_PROTO_CHAP, CHAP_CHALLENGE), 10);
	assert_false(fx->s->auth_timer);
	fx->c->block_auth = false;
	settle_closed();
	assert_string_equal(fx->s->close_reason,
			    "authentication failed: peer did not answer the challenge");
}

/* A late Response to a retransmitted Challenge still counts. */
static void test_server_late_response(void **state)
{
	const struct sent *rsp;

	(void)state;
	pair_waiting_for_response(AUTH_METHOD_CHAP);
	fire_auth(fx->s);
	fire_auth(fx->s);
	pump();
	rsp = find_sent(fx->c, PPP_PROTO_CHAP, CHAP_RESPONSE, 2);
	assert_non_null(rsp);
	inject_raw(fx->s, PPP_PROTO_CHAP, rsp->pkt, rsp->len);
	assert_true(auth_get_info(fx->s->a)->ok);
	assert_false(fx->s->auth_timer);
}

/* PAP client: a new Identifier each 3 s, 10 requests, then it gives up. */
static void test_pap_client_retransmit(void **state)
{
	const struct sent *a, *b;

	(void)state;
	make_pair(AUTH_METHOD_PAP, "MT-User", "StrongPass");
	fx->c->block_auth = true;
	start_pair();
	assert_true(fx->c->auth_timer);
	assert_int_equal(fx->c->auth_timer_ms, 3000);
	/* The server waits as long as the client would keep trying. */
	assert_true(fx->s->auth_timer);
	assert_int_equal(fx->s->auth_timer_ms, 30000);
	for (int i = 0; i < 9; i++)
		fire_auth(fx->c);
	assert_int_equal(count_sent(fx->c, PPP_PROTO_PAP, PAP_REQ), 10);
	assert_int_equal(auth_get_stats(fx->c->a)->retransmits, 9);
	a = find_sent(fx->c, PPP_PROTO_PAP, PAP_REQ, 1);
	b = find_sent(fx->c, PPP_PROTO_PAP, PAP_REQ, 0);
	assert_int_equal((uint8_t)(a->pkt[1] + 1), b->pkt[1]);
	assert_memory_equal(a->pkt + 2, b->pkt + 2, a->len - 2);
	fire_auth(fx->c);
	assert_string_equal(auth_get_info(fx->c->a)->reason, "no answer to authenticate-request");
	assert_int_equal(count_sent(fx->c, PPP_PROTO_PAP, PAP_REQ), 10);
	next_case();

	/* Answered on the third try: the Ack for an older Identifier is not taken. */
	make_pair(AUTH_METHOD_PAP, "MT-User", "StrongPass");
	fx->c->block_auth = true;
	start_pair();
	fire_auth(fx->c);
	fire_auth(fx->c);
	a = find_sent(fx->c, PPP_PROTO_PAP, PAP_REQ, 2);   /* the first */
	inject_raw(fx->s, PPP_PROTO_PAP, a->pkt, a->len);
	assert_true(auth_get_info(fx->s->a)->ok);
	/* The server's Ack carries the first request's id: stale for the client. */
	pump();
	assert_int_equal(auth_get_stats(fx->c->a)->drops[AUTH_DROP_BAD_ID], 1);
	assert_false(auth_get_info(fx->c->a)->finished);
	/* The latest request gets the Ack repeated under its id: done. */
	b = find_sent(fx->c, PPP_PROTO_PAP, PAP_REQ, 0);
	inject_raw(fx->s, PPP_PROTO_PAP, b->pkt, b->len);
	pump();
	assert_true(auth_get_info(fx->c->a)->ok);
	/* The server's first IPCP request reached a client still authenticating: resent. */
	fire_ppp_timers();
	assert_int_equal(fx->c->net_ups, 1);
}

/* CHAP client waits for the server as long as the server would retransmit. */
static void test_client_wait_timeout(void **state)
{
	(void)state;
	make_pair(AUTH_METHOD_MSCHAP2, "MT-User", "StrongPass");
	fx->s->block_auth = true;
	start_pair();
	assert_true(fx->c->auth_timer);
	assert_int_equal(fx->c->auth_timer_ms, 30000);
	fire_auth(fx->c);
	assert_string_equal(auth_get_info(fx->c->a)->reason, "server sent no challenge");
}

/* --- async backend (RADIUS-shaped) --- */

static void test_async_backend(void **state)
{
	const struct sent *rsp;
	const struct auth_info *si, *ci;

	(void)state;
	make_pair_backend(AUTH_METHOD_MSCHAP2, "MT-User", "StrongPass", &fx->async.backend);
	start_pair();
	/* The request is out; nothing is answered yet, retransmission has stopped. */
	assert_int_equal(fx->async.verifies, 1);
	assert_non_null(fx->async.held);
	assert_string_equal(fx->async.held->user, "MT-User");
	assert_int_equal(fx->async.held->method, AUTH_METHOD_MSCHAP2);
	assert_ptr_equal(fx->async.held->owner, fx->s);
	assert_int_equal(count_sent(fx->s, PPP_PROTO_CHAP, CHAP_SUCCESS), 0);
	assert_false(auth_get_info(fx->s->a)->finished);
	assert_true(fx->s->auth_timer);
	assert_int_equal(fx->s->auth_timer_ms, 30000);
	/* A repeated Response while the backend works is not verified twice. */
	rsp = find_sent(fx->c, PPP_PROTO_CHAP, CHAP_RESPONSE, 0);
	inject_raw(fx->s, PPP_PROTO_CHAP, rsp->pkt, rsp->len);
	assert_int_equal(auth_get_stats(fx->s->a)->drops[AUTH_DROP_BUSY], 1);
	assert_int_equal(fx->async.verifies, 1);

	/* Later, from the event loop: the answer arrives. */
	async_release(&fx->async);
	pump();
	si = auth_get_info(fx->s->a);
	ci = auth_get_info(fx->c->a);
	assert_true(si->ok && ci->ok);
	assert_memory_equal(si->mppe_send_key, ci->mppe_recv_key, 16);
	assert_int_equal(fx->s->net_ups, 1);
	assert_int_equal(fx->c->net_ups, 1);
	assert_int_equal(fx->async.cancels, 0);
}

/* The link goes away mid-verification: the backend is told to forget it. */
static void test_async_backend_cancel(void **state)
{
	struct auth_request *rq;
	struct auth_result late;

	(void)state;
	make_pair_backend(AUTH_METHOD_PAP, "MT-User", "StrongPass", &fx->async.backend);
	start_pair();
	rq = fx->async.held;
	assert_non_null(rq);
	ppp_lower_down(fx->s->l);
	assert_int_equal(fx->async.cancels, 1);
	assert_false(fx->s->auth_timer);
	/* A backend answering anyway is ignored. */
	memset(&late, 0, sizeof(late));
	late.accept = true;
	auth_request_done(rq, &late);
	assert_false(auth_get_info(fx->s->a)->finished);
	assert_int_equal(count_sent(fx->s, PPP_PROTO_PAP, PAP_ACK), 0);
}

/* The backend never answers: after the wait the peer is refused. */
static void test_async_backend_timeout(void **state)
{
	(void)state;
	make_pair_backend(AUTH_METHOD_MSCHAP2, "MT-User", "StrongPass", &fx->async.backend);
	start_pair();
	assert_non_null(fx->async.held);
	fire_auth(fx->s);
	assert_int_equal(fx->async.cancels, 1);
	assert_string_equal(auth_get_info(fx->s->a)->reason, "authentication backend did not answer");
	assert_int_equal(count_sent(fx->s, PPP_PROTO_CHAP, CHAP_FAILURE), 1);
	pump();
	assert_false(auth_get_info(fx->c->a)->ok);
	assert_int_equal(auth_get_info(fx->c->a)->mschap_error, 691);
}

/* A backend's MS-CHAP error code (RADIUS MS-CHAP-Error E=648) reaches the peer. */
static void test_async_backend_error_code(void **state)
{
	static const enum auth_method methods[] = { AUTH_METHOD_MSCHAP1, AUTH_METHOD_MSCHAP2 };

	(void)state;
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		struct auth_result res = { .accept = false, .mschap_error = 648 };

		snprintf(res.reason, sizeof(res.reason), "rejected by RADIUS");
		snprintf(res.message, sizeof(res.message), "Password expired");
		make_pair_backend(methods[i], "MT-User", "StrongPass", &fx->async.backend);
		start_pair();
		assert_non_null(fx->async.held);
		auth_request_done(fx->async.held, &res);
		pump();
		assert_false(auth_get_info(fx->c->a)->ok);
		assert_int_equal(auth_get_info(fx->c->a)->mschap_error, 648);
		if (methods[i] == AUTH_METHOD_MSCHAP2)
			assert_string_equal(auth_get_info(fx->c->a)->reason,
					    "rejected by server: Password expired (E=648)");
		end_free(fx->s);
		end_free(fx->c);
		fx->s = fx->c = NULL;
		fx->async.held = NULL;
	}
}

/* --- the session layer's accept hook --- */

static void test_accept_sets_net_params(void **state)
{
	(void)state;
	make_pair(AUTH_METHOD_MSCHAP2, "MT-User", "StrongPass");
	fx->s->has_accept = true;
	start_pair();
	assert_int_equal(fx->s->accept_remote, IP(10, 0, 0, 77));
	/* ppp_set_net_params() took effect before IPCP ran. */
	assert_int_equal(fx->s->net_ups, 1);
	assert_int_equal(fx->s->net.peer_addr, IP(10, 0, 0, 77));
	assert_int_equal(fx->c->net.local_addr, IP(10, 0, 0, 77));
}

static void test_accept_refuses(void **state)
{
	const struct sent *f;
	char msg[256];

	(void)state;
	make_pair(AUTH_METHOD_CHAP, "MT-User", "StrongPass");
	fx->s->has_accept = true;
	fx->s->accept_refuse = true;
	start_pair();
	assert_false(auth_get_info(fx->s->a)->ok);
	assert_string_equal(auth_get_info(fx->s->a)->reason, "address pool exhausted");
	f = find_sent(fx->s, PPP_PROTO_CHAP, CHAP_FAILURE, 0);
	assert_non_null(f);
	assert_string_equal(chap_message(f, msg, sizeof(msg)), "Authentication failure");
	assert_int_equal(count_sent(fx->s, PPP_PROTO_CHAP, CHAP_SUCCESS), 0);
	settle_closed();
	assert_string_equal(fx->s->close_reason, "authentication failed: address pool exhausted");
}

/* --- API edges --- */

static void test_create_and_names(void **state)
{
	struct ppp_params pp;
	struct ppp_link *l;
	struct auth_params ap = { 0 };
	struct auth_ops no_timer = { 0 };
	char big[300];

	(void)state;
	ppp_params_default(&pp, PPP_ROLE_CLIENT);
	l = ppp_create(&pp, &test_ppp_ops, NULL);
	assert_non_null(l);
	assert_null(auth_create(&ap, &no_timer, NULL, l));
	assert_null(auth_create(&ap, &test_auth_ops, NULL, NULL));
	memset(big, 'p', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ap.password = big;
	assert_null(auth_create(&ap, &test_auth_ops, NULL, l));
	auth_destroy(NULL);
	ppp_destroy(l);

	assert_string_equal(auth_method_name(AUTH_METHOD_PAP), "pap");
	assert_string_equal(auth_method_name(AUTH_METHOD_CHAP), "chap");
	assert_string_equal(auth_method_name(AUTH_METHOD_MSCHAP1), "mschap1");
	assert_string_equal(auth_method_name(AUTH_METHOD_MSCHAP2), "mschap2");
	assert_string_equal(auth_drop_name(AUTH_DROP_BAD_NAME), "bad_name");
	assert_string_equal(auth_drop_name(AUTH_DROP_COUNT), "?");
}

/* An MS-CHAPv1 peer offering only the LAN Manager response is refused. */
static void clear_use_nt(struct end *e, uint8_t *pkt, size_t len)
{
	(void)e;
	if (pkt[0] == CHAP_RESPONSE && len > 5 + 48)
		pkt[5 + 48] = 0;
}

static void test_mschap1_lm_only_refused(void **state)
{
	(void)state;
	make_pair(AUTH_METHOD_MSCHAP1, "MT-User", "StrongPass");
	fx->c->mutate = clear_use_nt;
	start_pair();
	assert_false(auth_get_info(fx->s->a)->ok);
	assert_string_equal(auth_get_info(fx->s->a)->reason, "authentication failed");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_success_each_method),
		T(test_challenge_format),
		T(test_wrong_password),
		T(test_mschap_failure_fields),
		T(test_secret_lookup),
		T(test_rfc2759_vector),
		T(test_client_refuses_bad_authenticator),
		T(test_mschap2_win98_flags),
		T(test_malformed_server_chap),
		T(test_malformed_client_chap),
		T(test_malformed_server_pap),
		T(test_duplicate_response_after_success),
		T(test_pap_duplicate_request_after_ack),
		T(test_server_challenge_retransmit),
		T(test_server_late_response),
		T(test_pap_client_retransmit),
		T(test_client_wait_timeout),
		T(test_async_backend),
		T(test_async_backend_cancel),
		T(test_async_backend_timeout),
		T(test_async_backend_error_code),
		T(test_accept_sets_net_params),
		T(test_accept_refuses),
		T(test_create_and_names),
		T(test_mschap1_lm_only_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
