/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Whole links. Back to back: a server-role and a client-role ppp instance
 * wired through in-memory queues, with a fake authentication module, driven
 * from LCP to IPCP and CCP. Scripted peers: frames written by hand the way
 * Windows and Linux's pppd send them, checked against what we answer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ppp.h"

#define QMAX 64
#define IP(a, b, c, d) (((uint32_t)(a) << 24) | ((b) << 16) | ((c) << 8) | (d))

/* Fake authentication exchange: challenge, response, success/failure. */
#define FAKE_CHALLENGE 1
#define FAKE_RESPONSE  2
#define FAKE_SUCCESS   3
#define FAKE_FAILURE   4

struct frame {
	size_t len;
	uint8_t b[PPP_FRAME_HDR_MAX + PPP_CTRL_MAX];
};

struct end {
	const char *name;
	struct ppp_link *l;
	struct end *peer;           /* NULL: scripted, the test reads out[] itself */
	struct frame out[QMAX];
	size_t head, tail;
	bool timer[PPP_TIMER_COUNT];
	uint32_t timer_ms[PPP_TIMER_COUNT];
	int closes;
	char close_reason[PPP_REASON_MAX];
	int net_ups, net_downs;
	struct ppp_net_result net;
	int auth_starts;
	uint16_t auth_proto;
	uint8_t auth_algo;
	bool auth_refuse;           /* server: say no to the response */
	int ccp_resets;
	int echo_replies;
	uint8_t last_echo_id;
};

static int op_send(void *ctx, uint16_t proto, const uint8_t *pkt, size_t len)
{
	struct end *e = ctx;
	struct frame *f;
	size_t h;

	assert_true(e->tail - e->head < QMAX);
	f = &e->out[e->tail++ % QMAX];
	h = ppp_frame_header(e->l, proto, f->b);
	memcpy(f->b + h, pkt, len);
	f->len = h + len;
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
	struct end *e = ctx;

	e->timer[t] = true;
	e->timer_ms[t] = ms;
}

static void op_timer_stop(void *ctx, enum ppp_timer t)
{
	struct end *e = ctx;

	e->timer[t] = false;
}

static void auth_send(struct end *e, uint16_t proto, uint8_t code)
{
	uint8_t pkt[PPP_CP_HDR_LEN] = { code, 1, 0, PPP_CP_HDR_LEN };

	assert_int_equal(ppp_send(e->l, proto, pkt, sizeof(pkt)), 0);
}

static void op_auth_start(void *ctx, enum ppp_role role, uint16_t proto, uint8_t algo)
{
	struct end *e = ctx;

	e->auth_starts++;
	e->auth_proto = proto;
	e->auth_algo = algo;
	if (role == PPP_ROLE_SERVER)
		auth_send(e, proto, FAKE_CHALLENGE);
}

static void op_auth_input(void *ctx, uint16_t proto, const uint8_t *pkt, size_t len)
{
	struct end *e = ctx;

	assert_true(len >= 1);
	switch (pkt[0]) {
	case FAKE_CHALLENGE:
		auth_send(e, proto, FAKE_RESPONSE);
		break;
	case FAKE_RESPONSE:
		auth_send(e, proto, e->auth_refuse ? FAKE_FAILURE : FAKE_SUCCESS);
		ppp_auth_done(e->l, !e->auth_refuse, e->auth_refuse ? "bad password" : NULL);
		break;
	case FAKE_SUCCESS:
		ppp_auth_done(e->l, true, NULL);
		break;
	default:
		ppp_auth_done(e->l, false, "server said no");
		break;
	}
}

static void op_network_up(void *ctx, const struct ppp_net_result *r)
{
	struct end *e = ctx;

	e->net_ups++;
	e->net = *r;
}

static void op_network_down(void *ctx)
{
	((struct end *)ctx)->net_downs++;
}

static void op_ccp_reset(void *ctx)
{
	((struct end *)ctx)->ccp_resets++;
}

static void op_echo_reply(void *ctx, uint8_t id)
{
	struct end *e = ctx;

	e->echo_replies++;
	e->last_echo_id = id;
}

static void op_log(void *ctx, enum cfg_log_level level, const char *msg)
{
	struct end *e = ctx;

	(void)level;
	if (getenv("PPP_TEST_VERBOSE"))
		fprintf(stderr, "  %s: %s\n", e->name, msg);
}

static const struct ppp_ops test_ops = {
	.send = op_send,
	.close = op_close,
	.timer_start = op_timer_start,
	.timer_stop = op_timer_stop,
	.auth_start = op_auth_start,
	.auth_input = op_auth_input,
	.network_up = op_network_up,
	.network_down = op_network_down,
	.ccp_reset = op_ccp_reset,
	.echo_reply = op_echo_reply,
	.log = op_log,
};

/* RouterOS-like server: local 10.0.0.1, client 10.0.0.5, two DNS, encryption yes. */
static void server_params(struct ppp_params *p)
{
	ppp_params_default(p, PPP_ROLE_SERVER);
	p->ipcp.local_addr = IP(10, 0, 0, 1);
	p->ipcp.remote_addr = IP(10, 0, 0, 5);
	p->ipcp.dns[0] = IP(10, 0, 0, 1);
	p->ipcp.dns[1] = IP(10, 0, 0, 2);
	p->ccp.encryption = ccp_encryption_from_cfg(CFG_ENC_YES);
}

static struct end *end_new(const char *name, const struct ppp_params *p)
{
	struct end *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	e->name = name;
	e->l = ppp_create(p, &test_ops, e);
	assert_non_null(e->l);
	return e;
}

static void end_free(struct end *e)
{
	ppp_destroy(e->l);
	free(e);
}

static void wire(struct end *a, struct end *b)
{
	a->peer = b;
	b->peer = a;
}

static struct frame *pop(struct end *e)
{
	return e->head == e->tail ? NULL : &e->out[e->head++ % QMAX];
}

static size_t queued(const struct end *e)
{
	return e->tail - e->head;
}

/* Deliver frames both ways until both queues are empty. */
static void pump(struct end *a, struct end *b)
{
	for (int i = 0; i < 1000; i++) {
		struct frame *f;
		bool moved = false;

		if ((f = pop(a)) != NULL) {
			struct frame copy = *f;

			ppp_input(b->l, copy.b, copy.len);
			moved = true;
		}
		if ((f = pop(b)) != NULL) {
			struct frame copy = *f;

			ppp_input(a->l, copy.b, copy.len);
			moved = true;
		}
		if (!moved)
			return;
	}
	fail_msg("frames kept flowing");
}

static void fire(struct end *e, enum ppp_timer t)
{
	assert_true(e->timer[t]);
	e->timer[t] = false;
	ppp_timeout(e->l, t);
}

/* A frame's protocol and packet, whatever compression it was sent with. */
static uint16_t parse(const struct frame *f, const uint8_t **pkt, size_t *len)
{
	const uint8_t *p = f->b;
	size_t n = f->len;
	uint16_t proto;

	if (n >= 2 && p[0] == PPP_ADDRESS && p[1] == PPP_CONTROL) {
		p += 2;
		n -= 2;
	}
	if (p[0] & 1) {
		proto = p[0];
		p++;
		n--;
	} else {
		proto = ppp_get16(p);
		p += 2;
		n -= 2;
	}
	*pkt = p;
	*len = n;
	return proto;
}

/* Next frame of a scripted peer's queue with this protocol and code; others dropped. */
static const uint8_t *expect(struct end *e, uint16_t proto, uint8_t code, size_t *len)
{
	struct frame *f;

	while ((f = pop(e)) != NULL) {
		const uint8_t *pkt;
		size_t n;

		if (parse(f, &pkt, &n) == proto && pkt[0] == code) {
			if (len)
				*len = n;
			return pkt;
		}
	}
	fail_msg("%s sent no protocol 0x%04x code %u", e->name, proto, code);
	return NULL;
}

/* Hand a frame to a link, full header (FF 03, two-octet protocol). */
static void inject(struct end *e, uint16_t proto, uint8_t code, uint8_t id,
		   const uint8_t *data, size_t len)
{
	uint8_t f[PPP_FRAME_HDR_MAX + PPP_CTRL_MAX] = { PPP_ADDRESS, PPP_CONTROL };

	ppp_put16(f + 2, proto);
	f[4] = code;
	f[5] = id;
	ppp_put16(f + 6, (uint16_t)(len + PPP_CP_HDR_LEN));
	if (len)
		memcpy(f + 8, data, len);
	ppp_input(e->l, f, len + 8);
}

/* Back to back with the defaults both sides would have on RouterOS. */
static void test_b2b_full_session(void **state)
{
	struct ppp_params sp, cp;
	struct end *s, *c;
	struct ppp_info si, ci;

	(void)state;
	server_params(&sp);
	ppp_params_default(&cp, PPP_ROLE_CLIENT);
	s = end_new("server", &sp);
	c = end_new("client", &cp);
	wire(s, c);
	ppp_start(s->l);
	ppp_start(c->l);
	pump(s, c);

	assert_int_equal(s->auth_starts, 1);
	assert_int_equal(c->auth_starts, 1);
	assert_int_equal(s->auth_proto, PPP_PROTO_CHAP);
	assert_int_equal(s->auth_algo, CHAP_ALG_MSCHAP2);
	assert_int_equal(c->auth_algo, CHAP_ALG_MSCHAP2);
	assert_int_equal(s->net_ups, 1);
	assert_int_equal(c->net_ups, 1);
	assert_int_equal(s->net.local_addr, IP(10, 0, 0, 1));
	assert_int_equal(s->net.peer_addr, IP(10, 0, 0, 5));
	assert_int_equal(c->net.local_addr, IP(10, 0, 0, 5));
	assert_int_equal(c->net.peer_addr, IP(10, 0, 0, 1));
	assert_int_equal(c->net.dns[0], IP(10, 0, 0, 1));
	assert_int_equal(c->net.dns[1], IP(10, 0, 0, 2));
	assert_int_equal(s->net.mppe_key, MPPE_BIT_S);
	assert_int_equal(c->net.mppe_key, MPPE_BIT_S);
	assert_true(s->net.mppe_stateless);
	assert_true(c->net.mppe_stateless);
	assert_int_equal(s->net.mtu, 1450);
	assert_int_equal(c->net.mtu, 1450);
	assert_true(ppp_data_allowed(s->l));
	assert_true(ppp_data_allowed(c->l));

	ppp_get_info(s->l, &si);
	ppp_get_info(c->l, &ci);
	assert_int_equal(si.phase, PPP_PHASE_NETWORK);
	assert_int_equal(si.peer_mru, 1450);
	assert_int_equal(si.our_mru, 1450);
	assert_int_equal(ci.peer_mru, 1450);
	assert_int_equal(si.lcp_state, PPP_FSM_OPENED);
	assert_int_equal(si.ipcp_state, PPP_FSM_OPENED);
	assert_int_equal(si.ccp_state, PPP_FSM_OPENED);
	assert_int_not_equal(si.our_magic, si.peer_magic);
	assert_int_equal(si.our_magic, ci.peer_magic);
	/* Nothing was dropped on the way. */
	assert_int_equal(si.stats.rx_wrong_phase + si.stats.rx_bad_proto + si.stats.rx_short, 0);
	assert_int_equal(ci.stats.rx_wrong_phase + ci.stats.rx_bad_proto + ci.stats.rx_short, 0);
	assert_false(s->timer[PPP_TIMER_LCP] || s->timer[PPP_TIMER_IPCP] || s->timer[PPP_TIMER_CCP]);

	/* Graceful stop from the server: both sides go down, both close. */
	ppp_stop(s->l, "admin disconnect");
	pump(s, c);
	assert_int_equal(s->closes, 1);
	assert_string_equal(s->close_reason, "admin disconnect");
	assert_int_equal(s->net_downs, 1);
	assert_int_equal(c->net_downs, 1);
	/* RFC 1661 5.5: the client waits one restart period after Terminate-Ack. */
	assert_int_equal(c->closes, 0);
	fire(c, PPP_TIMER_LCP);
	assert_int_equal(c->closes, 1);
	assert_string_equal(c->close_reason, "peer terminated: admin disconnect");
	end_free(s);
	end_free(c);
}

/* The server falls back through its list when the client Naks; chap-md5, PFC/ACFC. */
static void test_b2b_auth_fallback_and_compression(void **state)
{
	struct ppp_params sp, cp;
	struct end *s, *c;
	uint8_t hdr[PPP_FRAME_HDR_MAX];

	(void)state;
	server_params(&sp);
	sp.auth = CFG_AUTH_MSCHAP2 | CFG_AUTH_CHAP;
	sp.request_pfc = sp.request_acfc = true;
	ppp_params_default(&cp, PPP_ROLE_CLIENT);
	cp.auth = CFG_AUTH_CHAP | CFG_AUTH_PAP;
	cp.request_pfc = cp.request_acfc = true;
	cp.max_mru = 1400;
	s = end_new("server", &sp);
	c = end_new("client", &cp);
	wire(s, c);
	ppp_start(s->l);
	ppp_start(c->l);
	pump(s, c);
	assert_int_equal(s->auth_proto, PPP_PROTO_CHAP);
	assert_int_equal(s->auth_algo, CHAP_ALG_MD5);
	assert_int_equal(c->auth_algo, CHAP_ALG_MD5);
	assert_int_equal(s->net_ups, 1);
	/* The client's MRU bounds what the server sends. */
	assert_int_equal(s->net.mtu, 1400);
	assert_int_equal(c->net.mtu, 1450);
	assert_true(s->net.tx_pfc && s->net.tx_acfc);
	/* IP goes out as one octet with no address/control; LCP never compressed. */
	assert_int_equal(ppp_frame_header(s->l, PPP_PROTO_IP, hdr), 1);
	assert_int_equal(hdr[0], PPP_PROTO_IP);
	assert_int_equal(ppp_frame_header(s->l, PPP_PROTO_IPCP, hdr), 2);
	assert_int_equal(ppp_frame_header(s->l, PPP_PROTO_LCP, hdr), 4);
	assert_int_equal(hdr[0], PPP_ADDRESS);
	assert_false(ppp_tx_acfc(s->l, PPP_PROTO_LCP));
	end_free(s);
	end_free(c);
}

/* Server role: the client allows nothing we offer. */
static void test_server_auth_refused(void **state)
{
	struct ppp_params sp, cp;
	struct end *s, *c;

	(void)state;
	server_params(&sp);
	sp.auth = CFG_AUTH_MSCHAP2;
	ppp_params_default(&cp, PPP_ROLE_CLIENT);
	cp.auth = CFG_AUTH_PAP;
	s = end_new("server", &sp);
	c = end_new("client", &cp);
	wire(s, c);
	ppp_start(s->l);
	ppp_start(c->l);
	pump(s, c);
	assert_int_equal(s->closes, 1);
	assert_string_equal(s->close_reason, LCP_REASON_AUTH_REFUSED);
	assert_int_equal(s->auth_starts, 0);
	assert_int_equal(s->net_ups + c->net_ups, 0);
	end_free(s);
	end_free(c);
}

/* Client role: a server proposing PAP to a client that allows only MS-CHAPv2. */
static void test_client_auth_nak(void **state)
{
	struct ppp_params cp;
	struct end *c;
	static const uint8_t pap_req[] = { LCP_OPT_AUTH, 4, 0xc0, 0x23,
					   LCP_OPT_MAGIC, 6, 1, 2, 3, 4 };
	static const uint8_t want[] = { LCP_OPT_AUTH, 5, 0xc2, 0x23, CHAP_ALG_MSCHAP2 };
	const uint8_t *pkt;
	size_t len;

	(void)state;
	ppp_params_default(&cp, PPP_ROLE_CLIENT);
	cp.auth = CFG_AUTH_MSCHAP2;
	c = end_new("client", &cp);
	ppp_start(c->l);
	expect(c, PPP_PROTO_LCP, PPP_CODE_CONF_REQ, NULL);
	inject(c, PPP_PROTO_LCP, PPP_CODE_CONF_REQ, 9, pap_req, sizeof(pap_req));
	pkt = expect(c, PPP_PROTO_LCP, PPP_CODE_CONF_NAK, &len);
	assert_int_equal(pkt[1], 9);
	assert_int_equal(len, PPP_CP_HDR_LEN + sizeof(want));
	assert_memory_equal(pkt + PPP_CP_HDR_LEN, want, sizeof(want));
	end_free(c);
}

/* Drive a server link with a scripted client up to the Network phase. */
static struct end *scripted_server(const struct ppp_params *sp, bool auth)
{
	struct end *s = end_new("server", sp);
	static const uint8_t creq[] = { LCP_OPT_MAGIC, 6, 0x5a, 0x5a, 0x5a, 0x5a };
	const uint8_t *pkt;
	size_t len;

	ppp_start(s->l);
	pkt = expect(s, PPP_PROTO_LCP, PPP_CODE_CONF_REQ, &len);
	inject(s, PPP_PROTO_LCP, PPP_CODE_CONF_ACK, pkt[1], pkt + PPP_CP_HDR_LEN,
	       len - PPP_CP_HDR_LEN);
	inject(s, PPP_PROTO_LCP, PPP_CODE_CONF_REQ, 1, creq, sizeof(creq));
	expect(s, PPP_PROTO_LCP, PPP_CODE_CONF_ACK, NULL);
	if (auth) {
		static const uint8_t resp[] = { FAKE_RESPONSE, 1, 0, 4 };
		uint8_t f[4 + sizeof(resp)] = { PPP_ADDRESS, PPP_CONTROL };

		expect(s, PPP_PROTO_CHAP, FAKE_CHALLENGE, NULL);
		ppp_put16(f + 2, PPP_PROTO_CHAP);
		memcpy(f + 4, resp, sizeof(resp));
		ppp_input(s->l, f, sizeof(f));
		expect(s, PPP_PROTO_CHAP, FAKE_SUCCESS, NULL);
	}
	assert_int_equal(ppp_phase(s->l), PPP_PHASE_NETWORK);
	return s;
}

/* Windows: MRU 1400, PFC, ACFC and Callback; Identification; early CCP. */
static void test_windows_peer(void **state)
{
	struct ppp_params sp;
	struct end *s;
	static const uint8_t win_req[] = { LCP_OPT_MRU, 4, 0x05, 0x78,
					   LCP_OPT_MAGIC, 6, 0x12, 0x34, 0x56, 0x78,
					   LCP_OPT_PFC, 2, LCP_OPT_ACFC, 2,
					   LCP_OPT_CALLBACK, 3, 6 };
	static const uint8_t ident[] = { 0x12, 0x34, 0x56, 0x78, 'M', 'S', 'R', 'A', 'S',
					 'V', '5', '.', '2', '0' };
	static const uint8_t ccp_req[] = { CCP_OPT_MPPE, 6, 1, 0, 0, 0x60 };
	const uint8_t *pkt, *ours;
	size_t len, ours_len;
	struct ppp_info info;

	(void)state;
	server_params(&sp);
	s = end_new("server", &sp);
	ppp_start(s->l);
	ours = expect(s, PPP_PROTO_LCP, PPP_CODE_CONF_REQ, &ours_len);
	inject(s, PPP_PROTO_LCP, PPP_CODE_CONF_REQ, 1, win_req, sizeof(win_req));
	pkt = expect(s, PPP_PROTO_LCP, PPP_CODE_CONF_REJ, &len);
	assert_int_equal(len, PPP_CP_HDR_LEN + 3);
	assert_int_equal(pkt[PPP_CP_HDR_LEN], LCP_OPT_CALLBACK);
	inject(s, PPP_PROTO_LCP, PPP_CODE_CONF_REQ, 2, win_req, sizeof(win_req) - 3);
	expect(s, PPP_PROTO_LCP, PPP_CODE_CONF_ACK, NULL);
	inject(s, PPP_PROTO_LCP, PPP_CODE_CONF_ACK, ours[1], ours + PPP_CP_HDR_LEN,
	       ours_len - PPP_CP_HDR_LEN);
	assert_int_equal(ppp_phase(s->l), PPP_PHASE_AUTHENTICATE);
	expect(s, PPP_PROTO_CHAP, FAKE_CHALLENGE, NULL);
	/* Identification is taken, not Code-Rejected; CCP before auth is dropped. */
	inject(s, PPP_PROTO_LCP, PPP_CODE_IDENTIFICATION, 3, ident, sizeof(ident));
	inject(s, PPP_PROTO_CCP, PPP_CODE_CONF_REQ, 1, ccp_req, sizeof(ccp_req));
	assert_int_equal(queued(s), 0);
	ppp_get_info(s->l, &info);
	assert_int_equal(info.lcp.ident_rx, 1);
	assert_int_equal(info.stats.rx_wrong_phase, 1);
	assert_int_equal(info.peer_mru, 1400);
	assert_int_equal(ppp_frame_header(s->l, PPP_PROTO_COMP, (uint8_t[PPP_FRAME_HDR_MAX]){ 0 }),
			 1);
	end_free(s);
}

/* pppd asks IPCP for 0.0.0.0 and expects a Nak with its address; then IPv6CP. */
static void test_linux_ipcp_and_ipv6cp(void **state)
{
	struct ppp_params sp;
	struct end *s;
	static const uint8_t ipcp_req[] = { IPCP_OPT_ADDRESS, 6, 0, 0, 0, 0 };
	static const uint8_t want[] = { IPCP_OPT_ADDRESS, 6, 10, 0, 0, 5 };
	static const uint8_t v6_req[] = { 1, 10, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 };
	const uint8_t *pkt;
	size_t len;
	struct ppp_info info;

	(void)state;
	server_params(&sp);
	s = scripted_server(&sp, true);
	inject(s, PPP_PROTO_IPCP, PPP_CODE_CONF_REQ, 1, ipcp_req, sizeof(ipcp_req));
	pkt = expect(s, PPP_PROTO_IPCP, PPP_CODE_CONF_NAK, &len);
	assert_int_equal(pkt[1], 1);
	assert_int_equal(len, PPP_CP_HDR_LEN + sizeof(want));
	assert_memory_equal(pkt + PPP_CP_HDR_LEN, want, sizeof(want));

	/* RFC 1661 5.7: Protocol-Reject quoting the rejected protocol and packet. */
	inject(s, PPP_PROTO_IPV6CP, PPP_CODE_CONF_REQ, 1, v6_req, sizeof(v6_req));
	pkt = expect(s, PPP_PROTO_LCP, PPP_CODE_PROTO_REJ, &len);
	assert_int_equal(len, PPP_CP_HDR_LEN + PPP_PROTO_LEN + PPP_CP_HDR_LEN + sizeof(v6_req));
	assert_int_equal(ppp_get16(pkt + PPP_CP_HDR_LEN), PPP_PROTO_IPV6CP);
	assert_int_equal(pkt[PPP_CP_HDR_LEN + PPP_PROTO_LEN], PPP_CODE_CONF_REQ);
	ppp_get_info(s->l, &info);
	assert_int_equal(info.stats.tx_proto_rej, 1);
	end_free(s);
}

/* RFC 1990 5.1.1: MRRU agreed both ways reaches network up; one way is no multilink. */
static void test_b2b_mrru(void **state)
{
	static const struct { uint16_t srv, cli, want_s_tx, want_s_rx; } cases[] = {
		{ 1600, 1600, 1600, 1600 },
		{ 1600, 1500, 1500, 1600 },   /* each side sends within the other's MRRU */
		{ 1600, 0, 0, 0 },            /* the client rejects MRRU: no multilink */
		{ 0, 1600, 0, 0 },            /* the server rejects it */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ppp_params sp, cp;
		struct end *s, *c;
		struct ppp_info si;

		server_params(&sp);
		sp.mrru = cases[i].srv;
		ppp_params_default(&cp, PPP_ROLE_CLIENT);
		cp.mrru = cases[i].cli;
		s = end_new("server", &sp);
		c = end_new("client", &cp);
		wire(s, c);
		ppp_start(s->l);
		ppp_start(c->l);
		pump(s, c);
		assert_int_equal(s->net_ups, 1);
		assert_int_equal(c->net_ups, 1);
		assert_int_equal(s->net.mp_mrru_tx, cases[i].want_s_tx);
		assert_int_equal(s->net.mp_mrru_rx, cases[i].want_s_rx);
		assert_int_equal(c->net.mp_mrru_tx, cases[i].want_s_rx);
		assert_int_equal(c->net.mp_mrru_rx, cases[i].want_s_tx);
		assert_false(s->net.mp_ssn_tx || s->net.mp_ssn_rx || c->net.mp_ssn_tx || c->net.mp_ssn_rx);
		/* The link MTU stays what it was: it bounds each fragment. */
		assert_int_equal(s->net.mtu, 1450);
		ppp_get_info(s->l, &si);
		assert_int_equal(si.mrru, cases[i].want_s_rx);
		end_free(s);
		end_free(c);
	}
}

/*
 * pppd with `multilink`: MRRU, short sequence numbers and an endpoint
 * discriminator in its LCP request (all acked), then its NCPs through the
 * bundle before our dataplane knows of it: IPCP inside MP, one fragment,
 * protocol field compressed or not. We unwrap and answer them.
 */
static void test_pppd_multilink(void **state)
{
	struct ppp_params sp;
	struct end *s = NULL;
	static const uint8_t creq[] = { LCP_OPT_MAGIC, 6, 0x5a, 0x5a, 0x5a, 0x5a,
					LCP_OPT_MRRU, 4, 0x05, 0xDC, LCP_OPT_SSNHF, 2,
					LCP_OPT_EPDISC, 10, 1, 'p', 'p', 'p', 'd', '-', 'v', 'm' };
	static const uint8_t ipcp_req[] = { IPCP_OPT_ADDRESS, 6, 0, 0, 0, 0 };
	static const uint8_t want[] = { IPCP_OPT_ADDRESS, 6, 10, 0, 0, 5 };
	const uint8_t *pkt;
	size_t len;
	struct ppp_info info;

	(void)state;
	server_params(&sp);
	sp.mrru = 1600;
	s = end_new("server", &sp);
	ppp_start(s->l);
	pkt = expect(s, PPP_PROTO_LCP, PPP_CODE_CONF_REQ, &len);
	/* Our request carries MRRU 1600 (and no endpoint discriminator: pppd needs none). */
	bool mrru_seen = false;
	for (size_t o = PPP_CP_HDR_LEN; o + 2 <= len; o += pkt[o + 1]) {
		assert_int_not_equal(pkt[o], LCP_OPT_EPDISC);
		if (pkt[o] == LCP_OPT_MRRU) {
			assert_int_equal(ppp_get16(pkt + o + 2), 1600);
			mrru_seen = true;
		}
	}
	assert_true(mrru_seen);
	inject(s, PPP_PROTO_LCP, PPP_CODE_CONF_ACK, pkt[1], pkt + PPP_CP_HDR_LEN, len - PPP_CP_HDR_LEN);
	inject(s, PPP_PROTO_LCP, PPP_CODE_CONF_REQ, 1, creq, sizeof(creq));
	expect(s, PPP_PROTO_LCP, PPP_CODE_CONF_ACK, NULL);
	{
		static const uint8_t resp[] = { FAKE_RESPONSE, 1, 0, 4 };
		uint8_t f[4 + sizeof(resp)] = { PPP_ADDRESS, PPP_CONTROL };

		expect(s, PPP_PROTO_CHAP, FAKE_CHALLENGE, NULL);
		ppp_put16(f + 2, PPP_PROTO_CHAP);
		memcpy(f + 4, resp, sizeof(resp));
		ppp_input(s->l, f, sizeof(f));
		expect(s, PPP_PROTO_CHAP, FAKE_SUCCESS, NULL);
	}
	assert_int_equal(ppp_phase(s->l), PPP_PHASE_NETWORK);
	for (int compressed = 0; compressed < 2; compressed++) {
		/* FF 03 00 3D, B E and a sequence number, then IPCP (80 21: never compressed). */
		uint8_t f[64] = { PPP_ADDRESS, PPP_CONTROL, 0x00, 0x3D, 0xC0, 0, 0, (uint8_t)compressed };
		size_t n = 8;

		ppp_put16(f + n, PPP_PROTO_IPCP);
		n += 2;
		f[n++] = PPP_CODE_CONF_REQ;
		f[n++] = (uint8_t)(1 + compressed);
		ppp_put16(f + n, (uint16_t)(PPP_CP_HDR_LEN + sizeof(ipcp_req)));
		n += 2;
		memcpy(f + n, ipcp_req, sizeof(ipcp_req));
		n += sizeof(ipcp_req);
		if (compressed) {
			/* The MP protocol field itself compressed (PFC): 3D. */
			memmove(f + 2, f + 3, n - 3);
			n--;
		}
		ppp_input(s->l, f, n);
		pkt = expect(s, PPP_PROTO_IPCP, PPP_CODE_CONF_NAK, &len);
		assert_int_equal(pkt[1], 1 + compressed);
		assert_memory_equal(pkt + PPP_CP_HDR_LEN, want, sizeof(want));
	}
	/* A fragment of a larger packet is data: counted, not answered. */
	{
		static const uint8_t frag[] = { PPP_ADDRESS, PPP_CONTROL, 0x00, 0x3D, 0x80, 0, 0, 9,
						0x00, 0xFD, 0x90, 0x00 };

		ppp_get_info(s->l, &info);
		uint32_t data = info.stats.rx_data;
		ppp_input(s->l, frag, sizeof(frag));
		assert_int_equal(queued(s), 0);
		ppp_get_info(s->l, &info);
		assert_int_equal(info.stats.rx_data, data + 1);
	}
	/* A compressed inner protocol (as Linux always sends it): IPv4 0x21 is data too. */
	{
		static const uint8_t ip1[] = { PPP_ADDRESS, PPP_CONTROL, 0x00, 0x3D, 0xC0, 0, 0, 10,
					       0x21, 0x45, 0x00 };

		ppp_input(s->l, ip1, sizeof(ip1));
		assert_int_equal(queued(s), 0);
	}
	ppp_get_info(s->l, &info);
	assert_int_equal(info.mrru, 1600);
	assert_int_equal(info.stats.rx_bad_proto + info.stats.rx_short, 0);
	end_free(s);
}

/* Before LCP is open, unknown protocols are dropped, not Protocol-Rejected. */
static void test_ipv6cp_before_network(void **state)
{
	struct ppp_params sp;
	struct end *s;
	static const uint8_t v6_req[] = { 1, 10, 1, 2, 3, 4, 5, 6, 7, 8 };
	struct ppp_info info;

	(void)state;
	server_params(&sp);
	s = end_new("server", &sp);
	ppp_start(s->l);
	pop(s);
	inject(s, PPP_PROTO_IPV6CP, PPP_CODE_CONF_REQ, 1, v6_req, sizeof(v6_req));
	inject(s, PPP_PROTO_IPCP, PPP_CODE_CONF_REQ, 1, NULL, 0);
	assert_int_equal(queued(s), 0);
	ppp_get_info(s->l, &info);
	assert_int_equal(info.stats.rx_wrong_phase, 2);
	end_free(s);
}

/* Required encryption: no data before CCP is up, even with IPCP open. */
static void test_data_waits_for_ccp(void **state)
{
	struct ppp_params sp;
	struct end *s;
	static const uint8_t ip_ok[] = { IPCP_OPT_ADDRESS, 6, 10, 0, 0, 5 };
	static const uint8_t mppe[] = { CCP_OPT_MPPE, 6, 1, 0, 0, 0x40 };
	uint8_t ipcp_req[64], ccp_id;
	const uint8_t *pkt;
	size_t len, ipcp_len;

	(void)state;
	server_params(&sp);
	s = scripted_server(&sp, true);
	/* MPPE required: CCP goes first, our IPCP is held. */
	ccp_id = expect(s, PPP_PROTO_CCP, PPP_CODE_CONF_REQ, NULL)[1];
	assert_int_equal(queued(s), 0);
	/* A peer that starts IPCP early (Windows) releases ours at once. */
	inject(s, PPP_PROTO_IPCP, PPP_CODE_CONF_REQ, 1, ip_ok, sizeof(ip_ok));
	pkt = expect(s, PPP_PROTO_IPCP, PPP_CODE_CONF_REQ, &ipcp_len);
	memcpy(ipcp_req, pkt, ipcp_len);
	expect(s, PPP_PROTO_IPCP, PPP_CODE_CONF_ACK, NULL);
	inject(s, PPP_PROTO_IPCP, PPP_CODE_CONF_ACK, ipcp_req[1], ipcp_req + PPP_CP_HDR_LEN,
	       ipcp_len - PPP_CP_HDR_LEN);
	assert_false(ppp_data_allowed(s->l));
	assert_int_equal(s->net_ups, 0);
	/* Our offer gets Nak'd down to 128-bit stateless, then both sides agree. */
	inject(s, PPP_PROTO_CCP, PPP_CODE_CONF_NAK, ccp_id, mppe, sizeof(mppe));
	pkt = expect(s, PPP_PROTO_CCP, PPP_CODE_CONF_REQ, &len);
	assert_int_equal(len, PPP_CP_HDR_LEN + sizeof(mppe));
	assert_memory_equal(pkt + PPP_CP_HDR_LEN, mppe, sizeof(mppe));
	inject(s, PPP_PROTO_CCP, PPP_CODE_CONF_ACK, pkt[1], mppe, sizeof(mppe));
	assert_false(ppp_data_allowed(s->l));
	inject(s, PPP_PROTO_CCP, PPP_CODE_CONF_REQ, 7, mppe, sizeof(mppe));
	assert_true(ppp_data_allowed(s->l));
	assert_int_equal(s->net_ups, 1);
	assert_int_equal(s->net.mppe_key, MPPE_BIT_S);
	assert_true(s->net.mppe_stateless);
	end_free(s);
}

/*
 * pppd with require-mppe keeps IPCP closed until CCP is up (an early IPCP
 * Configure-Request would get a Terminate-Ack and cost a 3 s restart): our
 * IPCP request goes out when CCP opens.
 */
static void test_ipcp_waits_for_ccp(void **state)
{
	struct ppp_params sp;
	struct end *s;
	static const uint8_t ip_ok[] = { IPCP_OPT_ADDRESS, 6, 10, 0, 0, 5 };
	static const uint8_t mppe[] = { CCP_OPT_MPPE, 6, 1, 0, 0, 0x40 };
	const uint8_t *pkt;
	size_t len;

	(void)state;
	server_params(&sp);
	s = scripted_server(&sp, true);
	pkt = expect(s, PPP_PROTO_CCP, PPP_CODE_CONF_REQ, NULL);
	assert_int_equal(queued(s), 0);
	inject(s, PPP_PROTO_CCP, PPP_CODE_CONF_NAK, pkt[1], mppe, sizeof(mppe));
	pkt = expect(s, PPP_PROTO_CCP, PPP_CODE_CONF_REQ, NULL);
	inject(s, PPP_PROTO_CCP, PPP_CODE_CONF_ACK, pkt[1], mppe, sizeof(mppe));
	assert_int_equal(queued(s), 0);
	inject(s, PPP_PROTO_CCP, PPP_CODE_CONF_REQ, 7, mppe, sizeof(mppe));
	expect(s, PPP_PROTO_CCP, PPP_CODE_CONF_ACK, NULL);
	/* CCP opened: now IPCP asks. */
	pkt = expect(s, PPP_PROTO_IPCP, PPP_CODE_CONF_REQ, &len);
	assert_int_equal(s->net_ups, 0);
	inject(s, PPP_PROTO_IPCP, PPP_CODE_CONF_ACK, pkt[1], pkt + PPP_CP_HDR_LEN,
	       len - PPP_CP_HDR_LEN);
	inject(s, PPP_PROTO_IPCP, PPP_CODE_CONF_REQ, 1, ip_ok, sizeof(ip_ok));
	expect(s, PPP_PROTO_IPCP, PPP_CODE_CONF_ACK, NULL);
	assert_int_equal(s->net_ups, 1);
	assert_true(s->net.mppe_stateless);
	end_free(s);
}

/* Server requires encryption, client refuses: the client Protocol-Rejects CCP. */
static void test_ccp_required_vs_refused(void **state)
{
	struct ppp_params sp, cp;
	struct end *s, *c;

	(void)state;
	server_params(&sp);
	ppp_params_default(&cp, PPP_ROLE_CLIENT);
	cp.ccp.encryption = ccp_encryption_from_cfg(CFG_ENC_NO);
	s = end_new("server", &sp);
	c = end_new("client", &cp);
	wire(s, c);
	ppp_start(s->l);
	ppp_start(c->l);
	pump(s, c);
	assert_int_equal(s->closes, 1);
	assert_string_equal(s->close_reason, CCP_REASON_REQUIRED);
	assert_int_equal(s->net_ups, 0);
	assert_false(ppp_data_allowed(s->l));
	end_free(s);
	end_free(c);
}

/* Encryption allowed (RouterOS "default") meets a refusing client: plain IP. */
static void test_ccp_allowed_vs_refused(void **state)
{
	struct ppp_params sp, cp;
	struct end *s, *c;

	(void)state;
	server_params(&sp);
	sp.ccp.encryption = ccp_encryption_from_cfg(CFG_ENC_DEFAULT);
	ppp_params_default(&cp, PPP_ROLE_CLIENT);
	cp.ccp.encryption = CCP_ENC_REFUSED;
	s = end_new("server", &sp);
	c = end_new("client", &cp);
	wire(s, c);
	ppp_start(s->l);
	ppp_start(c->l);
	pump(s, c);
	assert_int_equal(s->closes + c->closes, 0);
	assert_int_equal(s->net_ups, 1);
	assert_int_equal(c->net_ups, 1);
	assert_int_equal(s->net.mppe_key, 0);
	assert_int_equal(c->net.mppe_key, 0);
	end_free(s);
	end_free(c);
}

/* Both sides 40-bit stateful only: they still meet. */
static void test_ccp_40bit_stateful(void **state)
{
	struct ppp_params sp, cp;
	struct end *s, *c;

	(void)state;
	server_params(&sp);
	sp.ccp.key_bits = MPPE_BIT_L | MPPE_BIT_S;
	ppp_params_default(&cp, PPP_ROLE_CLIENT);
	cp.ccp.key_bits = MPPE_BIT_L;
	cp.ccp.stateless_allowed = false;
	s = end_new("server", &sp);
	c = end_new("client", &cp);
	wire(s, c);
	ppp_start(s->l);
	ppp_start(c->l);
	pump(s, c);
	assert_int_equal(s->net_ups, 1);
	assert_int_equal(s->net.mppe_key, MPPE_BIT_L);
	assert_false(s->net.mppe_stateless);
	assert_int_equal(c->net.mppe_key, MPPE_BIT_L);
	assert_false(c->net.mppe_stateless);
	end_free(s);
	end_free(c);
}

/* RFC 1962 5.1: Reset-Request answered with Reset-Ack, same Identifier. */
static void test_ccp_reset(void **state)
{
	struct ppp_params sp, cp;
	struct end *s, *c;
	struct ppp_info ci;

	(void)state;
	server_params(&sp);
	ppp_params_default(&cp, PPP_ROLE_CLIENT);
	s = end_new("server", &sp);
	c = end_new("client", &cp);
	wire(s, c);
	ppp_start(s->l);
	ppp_start(c->l);
	pump(s, c);
	assert_int_equal(ppp_ccp_send_reset_request(c->l), 0);
	pump(s, c);
	assert_int_equal(s->ccp_resets, 1);
	ppp_get_info(c->l, &ci);
	assert_int_equal(ci.ccp.reset_ack_rx, 1);
	assert_int_equal(ci.ccp.reset_ack_stale, 0);

	/* Scripted: a Reset-Request with id 0x77 straight into the server. */
	s->peer = NULL;
	inject(s, PPP_PROTO_CCP, PPP_CODE_RESET_REQ, 0x77, NULL, 0);
	assert_int_equal(expect(s, PPP_PROTO_CCP, PPP_CODE_RESET_ACK, NULL)[1], 0x77);
	assert_int_equal(s->ccp_resets, 2);
	end_free(s);
	end_free(c);
}

/* Keepalive: Echo-Request, Echo-Reply with the peer's magic, our callback. */
static void test_lcp_echo(void **state)
{
	struct ppp_params sp, cp;
	struct end *s, *c;
	struct ppp_info si, ci;
	int id;

	(void)state;
	server_params(&sp);
	ppp_params_default(&cp, PPP_ROLE_CLIENT);
	s = end_new("server", &sp);
	c = end_new("client", &cp);
	assert_int_equal(ppp_lcp_send_echo(s->l), -1);
	wire(s, c);
	ppp_start(s->l);
	ppp_start(c->l);
	pump(s, c);
	id = ppp_lcp_send_echo(s->l);
	assert_true(id >= 0);
	ppp_get_info(s->l, &si);
	assert_int_equal(si.echo_outstanding, 1);
	pump(s, c);
	assert_int_equal(s->echo_replies, 1);
	assert_int_equal(s->last_echo_id, id);
	ppp_get_info(s->l, &si);
	ppp_get_info(c->l, &ci);
	assert_int_equal(ci.lcp.echo_req_rx, 1);
	assert_int_equal(ci.lcp.echo_reply_tx, 1);
	assert_int_equal(si.lcp.echo_reply_rx, 1);
	assert_int_equal(si.lcp.echo_looped, 0);
	assert_int_equal(si.echo_outstanding, 0);
	end_free(s);
	end_free(c);
}

/* Nobody answers: ten Configure-Requests three seconds apart, then close. */
static void test_lcp_timeout(void **state)
{
	struct ppp_params sp;
	struct end *s;
	int reqs = 0;

	(void)state;
	server_params(&sp);
	s = end_new("server", &sp);
	ppp_start(s->l);
	while (s->timer[PPP_TIMER_LCP]) {
		assert_int_equal(s->timer_ms[PPP_TIMER_LCP], PPP_RESTART_MS_DEFAULT);
		fire(s, PPP_TIMER_LCP);
	}
	while (pop(s))
		reqs++;
	assert_int_equal(reqs, PPP_MAX_CONFIGURE);
	assert_int_equal(s->closes, 1);
	assert_string_equal(s->close_reason, "lcp: negotiation timed out");
	assert_int_equal(ppp_phase(s->l), PPP_PHASE_DEAD);
	end_free(s);
}

/* The authentication module says no: the server terminates with its reason. */
static void test_auth_failure(void **state)
{
	struct ppp_params sp, cp;
	struct end *s, *c;

	(void)state;
	server_params(&sp);
	ppp_params_default(&cp, PPP_ROLE_CLIENT);
	s = end_new("server", &sp);
	c = end_new("client", &cp);
	s->auth_refuse = true;
	wire(s, c);
	ppp_start(s->l);
	ppp_start(c->l);
	pump(s, c);
	assert_int_equal(s->closes, 1);
	assert_string_equal(s->close_reason, "authentication failed: bad password");
	assert_int_equal(s->net_ups + c->net_ups, 0);
	/* The fake client gives up on the failure message by itself. */
	assert_int_equal(c->closes, 1);
	assert_string_equal(c->close_reason, "authentication failed: server said no");
	end_free(s);
	end_free(c);
}

/* Framing: with and without FF 03, one- or two-octet protocol, bad ones counted. */
static void test_input_framing(void **state)
{
	struct ppp_params sp;
	struct end *s;
	struct ppp_info info;
	static const uint8_t short1[] = { PPP_ADDRESS, PPP_CONTROL };
	static const uint8_t short2[] = { 0xc0 };
	static const uint8_t even[] = { 0xc0, 0x22, 1, 1, 0, 4 };
	static const uint8_t ip_pfc[] = { 0x21, 0x45, 0 };
	static const uint8_t lcp_bare[] = { 0xc0, 0x21, PPP_CODE_DISCARD_REQ, 1, 0, 8, 0, 0, 0, 0 };

	(void)state;
	server_params(&sp);
	s = scripted_server(&sp, true);
	ppp_input(s->l, short1, sizeof(short1));
	ppp_input(s->l, short2, sizeof(short2));
	ppp_input(s->l, even, sizeof(even));
	ppp_input(s->l, ip_pfc, sizeof(ip_pfc));
	ppp_input(s->l, lcp_bare, sizeof(lcp_bare));
	ppp_get_info(s->l, &info);
	assert_int_equal(info.stats.rx_short, 2);
	assert_int_equal(info.stats.rx_bad_proto, 1);
	assert_int_equal(info.stats.rx_data, 1);
	assert_int_equal(info.lcp.discard_rx, 1);
	end_free(s);
}

/* The transport drops: everything goes down quietly, nothing is sent. */
static void test_lower_down(void **state)
{
	struct ppp_params sp, cp;
	struct end *s, *c;

	(void)state;
	server_params(&sp);
	ppp_params_default(&cp, PPP_ROLE_CLIENT);
	s = end_new("server", &sp);
	c = end_new("client", &cp);
	wire(s, c);
	ppp_start(s->l);
	ppp_start(c->l);
	pump(s, c);
	ppp_lower_down(s->l);
	assert_int_equal(queued(s), 0);
	assert_int_equal(s->net_downs, 1);
	assert_int_equal(s->closes, 0);
	assert_int_equal(ppp_phase(s->l), PPP_PHASE_DEAD);
	assert_false(ppp_data_allowed(s->l));
	assert_false(s->timer[PPP_TIMER_LCP] || s->timer[PPP_TIMER_IPCP] || s->timer[PPP_TIMER_CCP]);
	end_free(s);
	end_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_b2b_full_session),
		cmocka_unit_test(test_b2b_auth_fallback_and_compression),
		cmocka_unit_test(test_server_auth_refused),
		cmocka_unit_test(test_client_auth_nak),
		cmocka_unit_test(test_windows_peer),
		cmocka_unit_test(test_linux_ipcp_and_ipv6cp),
		cmocka_unit_test(test_ipv6cp_before_network),
		cmocka_unit_test(test_b2b_mrru),
		cmocka_unit_test(test_pppd_multilink),
		cmocka_unit_test(test_data_waits_for_ccp),
		cmocka_unit_test(test_ipcp_waits_for_ccp),
		cmocka_unit_test(test_ccp_required_vs_refused),
		cmocka_unit_test(test_ccp_allowed_vs_refused),
		cmocka_unit_test(test_ccp_40bit_stateful),
		cmocka_unit_test(test_ccp_reset),
		cmocka_unit_test(test_lcp_echo),
		cmocka_unit_test(test_lcp_timeout),
		cmocka_unit_test(test_auth_failure),
		cmocka_unit_test(test_input_framing),
		cmocka_unit_test(test_lower_down),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
