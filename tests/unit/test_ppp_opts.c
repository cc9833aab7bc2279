/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * LCP, IPCP and CCP option handling, each protocol on its own: the reply to
 * one Configure-Request per named case (good, Nak'd, rejected, malformed),
 * then what our side does with the peer's Naks and Rejects.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ppp_ccp.h"
#include "ppp_ipcp.h"
#include "ppp_lcp.h"

#define MAX_SENT 16
#define NO_COUNTER SIZE_MAX
#define IP(a, b, c, d) (((uint32_t)(a) << 24) | ((b) << 16) | ((c) << 8) | (d))

enum rig_kind {
	LCP_SRV,          /* auth mschap1,mschap2; MRU 1450 */
	LCP_CLI,          /* allow all four */
	LCP_CLI_MSCHAP2,  /* allow mschap2 only */
	LCP_CLI_NONE,     /* allow nothing */
	LCP_MP,           /* server with mrru 1600 */
	IPCP_SRV,         /* 10.0.0.1 -> 10.0.0.5, DNS 10.0.0.1 only */
	IPCP_CLI,
	CCP_DEFAULT,      /* allowed, 40/56/128, both modes */
	CCP_STATELESS,    /* stateless only */
	CCP_STATEFUL,     /* profile mppe-mode=stateful */
	CCP_40,           /* 40-bit only */
	CCP_REFUSED,
};

struct sent {
	uint16_t proto;
	uint8_t code;
	uint8_t id;
	size_t len;
	uint8_t data[PPP_CTRL_MAX];
};

struct rig {
	enum rig_kind kind;
	struct lcp lcp;
	struct ipcp ipcp;
	struct ccp ccp;
	struct ppp_fsm *f;
	struct sent sent[MAX_SENT];
	size_t n_sent;
	uint32_t rnd;
	int ups, downs, finished, fails;
	const char *fail_reason;
	uint32_t up_local, up_peer, up_dns[2], up_bits;
	bool up_stateless;
};

static int env_send(void *ctx, uint16_t proto, const uint8_t *pkt, size_t len)
{
	struct rig *r = ctx;
	struct sent *s;

	assert_true(r->n_sent < MAX_SENT);
	s = &r->sent[r->n_sent++];
	s->proto = proto;
	s->code = pkt[0];
	s->id = pkt[1];
	s->len = len - PPP_CP_HDR_LEN;
	memcpy(s->data, pkt + PPP_CP_HDR_LEN, s->len);
	return 0;
}

static void env_timer(void *ctx, struct ppp_fsm *f, uint32_t ms)
{
	(void)ctx; (void)f; (void)ms;
}

static void env_timer_stop(void *ctx, struct ppp_fsm *f)
{
	(void)ctx; (void)f;
}

static void env_log(void *ctx, enum cfg_log_level level, const char *msg)
{
	(void)ctx; (void)level;
	if (getenv("PPP_TEST_VERBOSE"))
		fprintf(stderr, "  log: %s\n", msg);
}

static const struct ppp_fsm_env rig_env = {
	.send = env_send, .timer_start = env_timer, .timer_stop = env_timer_stop, .log = env_log,
};

static void o_up(void *o) { ((struct rig *)o)->ups++; }
static void o_down(void *o) { ((struct rig *)o)->downs++; }
static void o_fin(void *o) { ((struct rig *)o)->finished++; }
static void o_prej(void *o, uint16_t p) { (void)o; (void)p; }
static uint32_t o_rand(void *o) { return ((struct rig *)o)->rnd += 0x01010101; }

static const struct lcp_ops rig_lcp_ops = {
	.up = o_up, .down = o_down, .finished = o_fin, .protocol_reject = o_prej, .random = o_rand,
};

static void o_ipcp_up(void *o, uint32_t l, uint32_t p, uint32_t d1, uint32_t d2)
{
	struct rig *r = o;

	r->ups++;
	r->up_local = l;
	r->up_peer = p;
	r->up_dns[0] = d1;
	r->up_dns[1] = d2;
}

static const struct ipcp_ops rig_ipcp_ops = {
	.on_up = o_ipcp_up, .on_down = o_down, .on_finished = o_fin,
};

static void o_ccp_up(void *o, uint32_t bits, bool stateless)
{
	struct rig *r = o;

	r->ups++;
	r->up_bits = bits;
	r->up_stateless = stateless;
}

static void o_reset(void *o) { (void)o; }

static void o_fail(void *o, const char *reason)
{
	struct rig *r = o;

	r->fails++;
	r->fail_reason = reason;
}

static const struct ccp_ops rig_ccp_ops = {
	.on_up = o_ccp_up, .on_down = o_down, .on_finished = o_fin,
	.reset_request = o_reset, .fail = o_fail,
};

static struct rig *rig_new(enum rig_kind kind)
{
	struct rig *r = calloc(1, sizeof(*r));
	struct lcp_config lc = { .role = PPP_ROLE_SERVER, .mru = 1450,
				 .auth = CFG_AUTH_MSCHAP1 | CFG_AUTH_MSCHAP2 };
	struct ipcp_params ip = { 0 };
	struct ccp_params cp;

	assert_non_null(r);
	r->kind = kind;
	ccp_params_default(&cp);
	switch (kind) {
	case LCP_CLI:
	case LCP_CLI_MSCHAP2:
	case LCP_CLI_NONE:
		lc.role = PPP_ROLE_CLIENT;
		lc.auth = kind == LCP_CLI ? CFG_AUTH_ALL :
			  kind == LCP_CLI_MSCHAP2 ? CFG_AUTH_MSCHAP2 : 0;
		__attribute__((fallthrough));
	case LCP_SRV:
	case LCP_MP:
		if (kind == LCP_MP)
			lc.mrru = 1600;
		lcp_init(&r->lcp, &lc, &rig_lcp_ops, r, &rig_env, r, 0);
		r->f = &r->lcp.fsm;
		break;
	case IPCP_SRV:
		ip.local_addr = IP(10, 0, 0, 1);
		ip.remote_addr = IP(10, 0, 0, 5);
		ip.dns[0] = IP(10, 0, 0, 1);
		ipcp_init(&r->ipcp, PPP_ROLE_SERVER, &ip, &rig_ipcp_ops, r, &rig_env, r, 0);
		r->f = &r->ipcp.fsm;
		break;
	case IPCP_CLI:
		ip.request_dns = true;
		ipcp_init(&r->ipcp, PPP_ROLE_CLIENT, &ip, &rig_ipcp_ops, r, &rig_env, r, 0);
		r->f = &r->ipcp.fsm;
		break;
	case CCP_STATELESS:
		cp.stateful_allowed = false;
		goto ccp;
	case CCP_STATEFUL:
		ccp_params_set_mode(&cp, CFG_MPPE_MODE_STATEFUL);
		goto ccp;
	case CCP_40:
		cp.key_bits = MPPE_BIT_L;
		goto ccp;
	case CCP_REFUSED:
		cp.encryption = CCP_ENC_REFUSED;
		goto ccp;
	case CCP_DEFAULT:
	ccp:
		ccp_init(&r->ccp, PPP_ROLE_SERVER, &cp, &rig_ccp_ops, r, &rig_env, r, 0);
		r->f = &r->ccp.fsm;
		break;
	}
	ppp_fsm_open(r->f);
	ppp_fsm_up(r->f);
	assert_int_equal(r->f->state, PPP_FSM_REQ_SENT);
	assert_int_equal(r->sent[0].code, PPP_CODE_CONF_REQ);
	return r;
}

static void rig_clear(struct rig *r)
{
	r->n_sent = 0;
}

static void rig_rx(struct rig *r, uint8_t code, uint8_t id, const uint8_t *d, size_t len)
{
	uint8_t pkt[PPP_CTRL_MAX];

	pkt[0] = code;
	pkt[1] = id;
	ppp_put16(pkt + 2, (uint16_t)(len + PPP_CP_HDR_LEN));
	if (len)
		memcpy(pkt + PPP_CP_HDR_LEN, d, len);
	ppp_fsm_input(r->f, pkt, len + PPP_CP_HDR_LEN);
}

static struct sent *last(struct rig *r)
{
	assert_true(r->n_sent > 0);
	return &r->sent[r->n_sent - 1];
}

/* --- one Configure-Request, one expected answer --- */

struct opt_case {
	const char *name;
	enum rig_kind kind;
	uint8_t opts[48];
	size_t opts_len;
	uint16_t length_field;  /* 0: correct */
	size_t buf_len;         /* 0: whole packet */
	uint8_t reply_code;     /* 0: nothing may be sent */
	uint8_t reply[48];
	size_t reply_len;
	size_t counter;         /* a ppp_fsm_stats field that must read 1 */
};

#define STAT(f) offsetof(struct ppp_fsm_stats, f)
#define ACK PPP_CODE_CONF_ACK
#define NAK PPP_CODE_CONF_NAK
#define REJ PPP_CODE_CONF_REJ
#define B(...) { __VA_ARGS__ }, sizeof((uint8_t[]){ __VA_ARGS__ })
#define NONE { 0 }, 0

/* Options spelled out as on the wire. */
#define MRU(hi, lo)   LCP_OPT_MRU, 4, hi, lo
#define MAGIC_X       LCP_OPT_MAGIC, 6, 0x11, 0x22, 0x33, 0x44
#define PFC           LCP_OPT_PFC, 2
#define ACFC          LCP_OPT_ACFC, 2
#define CBCP          LCP_OPT_CALLBACK, 3, 6
#define AUTH_PAP      LCP_OPT_AUTH, 4, 0xc0, 0x23
#define AUTH_CHAP(a)  LCP_OPT_AUTH, 5, 0xc2, 0x23, a
#define ADDR(o, a, b, c, d) o, 6, a, b, c, d
#define MPPE(a, b, c, d) CCP_OPT_MPPE, 6, a, b, c, d

static const struct opt_case opt_cases[] = {
	/* LCP, server role */
	{ "lcp windows mru/magic/pfc/acfc/callback: callback rejected alone", LCP_SRV,
	  B(MRU(0x05, 0x78), MAGIC_X, PFC, ACFC, CBCP), 0, 0, REJ, B(CBCP), NO_COUNTER },
	{ "lcp windows retry without callback", LCP_SRV,
	  B(MRU(0x05, 0x78), MAGIC_X, PFC, ACFC), 0, 0, ACK,
	  B(MRU(0x05, 0x78), MAGIC_X, PFC, ACFC), NO_COUNTER },
	{ "lcp pppd accm and magic", LCP_SRV,
	  B(LCP_OPT_ACCM, 6, 0, 0, 0, 0, MAGIC_X), 0, 0, ACK,
	  B(LCP_OPT_ACCM, 6, 0, 0, 0, 0, MAGIC_X), NO_COUNTER },
	{ "lcp mru below 64 nak'd up to 64", LCP_SRV, B(MRU(0, 40)), 0, 0, NAK, B(MRU(0, 64)),
	  NO_COUNTER },
	{ "lcp mru 64 accepted", LCP_SRV, B(MRU(0, 64)), 0, 0, ACK, B(MRU(0, 64)), NO_COUNTER },
	{ "lcp mru with length 3 rejected", LCP_SRV, B(LCP_OPT_MRU, 3, 5), 0, 0, REJ,
	  B(LCP_OPT_MRU, 3, 5), NO_COUNTER },
	{ "lcp magic zero nak'd", LCP_SRV, B(LCP_OPT_MAGIC, 6, 0, 0, 0, 0), 0, 0, NAK,
	  B(LCP_OPT_MAGIC, 6, 2, 2, 2, 2), NO_COUNTER },
	{ "lcp server refuses to authenticate itself", LCP_SRV, B(AUTH_PAP, MAGIC_X), 0, 0,
	  REJ, B(AUTH_PAP), NO_COUNTER },
	{ "lcp quality protocol rejected", LCP_SRV, B(LCP_OPT_QUALITY, 4, 0xc0, 0x25), 0, 0,
	  REJ, B(LCP_OPT_QUALITY, 4, 0xc0, 0x25), NO_COUNTER },
	{ "lcp unknown option rejected", LCP_SRV, B(99, 3, 1, PFC), 0, 0, REJ, B(99, 3, 1),
	  NO_COUNTER },
	{ "lcp mrru/ssnhf/epdisc rejected without mrru", LCP_SRV,
	  B(LCP_OPT_MRRU, 4, 0x06, 0x40, LCP_OPT_SSNHF, 2, LCP_OPT_EPDISC, 3, 0), 0, 0, REJ,
	  B(LCP_OPT_MRRU, 4, 0x06, 0x40, LCP_OPT_SSNHF, 2, LCP_OPT_EPDISC, 3, 0), NO_COUNTER },
	{ "lcp mrru/ssnhf/epdisc acked with mrru", LCP_MP,
	  B(LCP_OPT_MRRU, 4, 0x06, 0x40, LCP_OPT_SSNHF, 2, LCP_OPT_EPDISC, 3, 0), 0, 0, ACK,
	  B(LCP_OPT_MRRU, 4, 0x06, 0x40, LCP_OPT_SSNHF, 2, LCP_OPT_EPDISC, 3, 0), NO_COUNTER },
	{ "lcp mrru below 64 nak'd up to 64", LCP_MP, B(LCP_OPT_MRRU, 4, 0, 40), 0, 0, NAK,
	  B(LCP_OPT_MRRU, 4, 0, 64), NO_COUNTER },
	{ "lcp mrru with length 3 rejected", LCP_MP, B(LCP_OPT_MRRU, 3, 5), 0, 0, REJ,
	  B(LCP_OPT_MRRU, 3, 5), NO_COUNTER },
	/* RFC 1990 5.1.3 class 3 (IEEE 802.1 MAC): what pppd sent in the interop run. */
	{ "lcp pppd endpoint discriminator acked with mrru", LCP_MP,
	  B(LCP_OPT_MRRU, 4, 0x06, 0x40, LCP_OPT_EPDISC, 9, 3, 0x52, 0x54, 0, 0x62, 0, 0x20), 0, 0, ACK,
	  B(LCP_OPT_MRRU, 4, 0x06, 0x40, LCP_OPT_EPDISC, 9, 3, 0x52, 0x54, 0, 0x62, 0, 0x20), NO_COUNTER },
	{ "lcp reject wins over nak", LCP_SRV, B(MRU(0, 10), CBCP), 0, 0, REJ, B(CBCP),
	  NO_COUNTER },
	{ "lcp empty request acked", LCP_SRV, NONE, 0, 0, ACK, NONE, NO_COUNTER },
	/* LCP, malformed packets: never answered, always counted */
	{ "lcp option length 0", LCP_SRV, B(LCP_OPT_PFC, 0), 0, 0, 0, NONE, STAT(rx_bad_options) },
	{ "lcp option length 1", LCP_SRV, B(LCP_OPT_PFC, 1), 0, 0, 0, NONE, STAT(rx_bad_options) },
	{ "lcp option overruns packet", LCP_SRV, B(MRU(5, 0x78), LCP_OPT_MAGIC, 6, 1, 2), 0, 0, 0,
	  NONE, STAT(rx_bad_options) },
	{ "lcp length field beyond buffer", LCP_SRV, B(MRU(5, 0x78)), 12, 0, 0, NONE,
	  STAT(rx_short) },
	{ "lcp length field below header", LCP_SRV, B(MRU(5, 0x78)), 3, 0, 0, NONE,
	  STAT(rx_short) },
	{ "lcp truncated buffer", LCP_SRV, B(MRU(5, 0x78)), 0, 7, 0, NONE, STAT(rx_short) },
	{ "lcp short header", LCP_SRV, NONE, 0, 3, 0, NONE, STAT(rx_short) },
	{ "lcp huge length", LCP_SRV, B(MRU(5, 0x78)), 0xffff, 0, 0, NONE, STAT(rx_short) },
	/* LCP, client role: the server's authentication proposal */
	{ "lcp client takes mschap2", LCP_CLI, B(AUTH_CHAP(0x81), MAGIC_X), 0, 0, ACK,
	  B(AUTH_CHAP(0x81), MAGIC_X), NO_COUNTER },
	{ "lcp client takes pap", LCP_CLI, B(AUTH_PAP), 0, 0, ACK, B(AUTH_PAP), NO_COUNTER },
	{ "lcp client naks chap-md5 with mschap2", LCP_CLI_MSCHAP2, B(AUTH_CHAP(5)), 0, 0, NAK,
	  B(AUTH_CHAP(0x81)), NO_COUNTER },
	{ "lcp client naks unknown chap algorithm", LCP_CLI, B(AUTH_CHAP(0x99)), 0, 0, NAK,
	  B(AUTH_CHAP(0x81)), NO_COUNTER },
	{ "lcp client naks unknown auth protocol", LCP_CLI, B(LCP_OPT_AUTH, 4, 0xc0, 0x27), 0, 0,
	  NAK, B(AUTH_CHAP(0x81)), NO_COUNTER },
	{ "lcp client with nothing allowed rejects auth", LCP_CLI_NONE, B(AUTH_PAP), 0, 0, REJ,
	  B(AUTH_PAP), NO_COUNTER },
	/* IPCP, server role */
	{ "ipcp linux asks 0.0.0.0: nak with assigned", IPCP_SRV,
	  B(ADDR(IPCP_OPT_ADDRESS, 0, 0, 0, 0)), 0, 0, NAK,
	  B(ADDR(IPCP_OPT_ADDRESS, 10, 0, 0, 5)), NO_COUNTER },
	{ "ipcp assigned address acked", IPCP_SRV, B(ADDR(IPCP_OPT_ADDRESS, 10, 0, 0, 5)), 0, 0,
	  ACK, B(ADDR(IPCP_OPT_ADDRESS, 10, 0, 0, 5)), NO_COUNTER },
	{ "ipcp other address nak'd", IPCP_SRV, B(ADDR(IPCP_OPT_ADDRESS, 192, 168, 1, 9)), 0, 0,
	  NAK, B(ADDR(IPCP_OPT_ADDRESS, 10, 0, 0, 5)), NO_COUNTER },
	{ "ipcp primary dns nak'd with configured", IPCP_SRV,
	  B(ADDR(IPCP_OPT_ADDRESS, 10, 0, 0, 5), ADDR(IPCP_OPT_DNS1, 0, 0, 0, 0)), 0, 0, NAK,
	  B(ADDR(IPCP_OPT_DNS1, 10, 0, 0, 1)), NO_COUNTER },
	{ "ipcp secondary dns unconfigured: rejected", IPCP_SRV,
	  B(ADDR(IPCP_OPT_ADDRESS, 0, 0, 0, 0), ADDR(IPCP_OPT_DNS1, 0, 0, 0, 0),
	    ADDR(IPCP_OPT_DNS2, 0, 0, 0, 0)), 0, 0, REJ,
	  B(ADDR(IPCP_OPT_DNS2, 0, 0, 0, 0)), NO_COUNTER },
	{ "ipcp vj and nbns rejected", IPCP_SRV,
	  B(IPCP_OPT_COMP, 6, 0, 0x2d, 0x0f, 1, ADDR(IPCP_OPT_NBNS1, 0, 0, 0, 0),
	    ADDR(IPCP_OPT_NBNS2, 0, 0, 0, 0)), 0, 0, REJ,
	  B(IPCP_OPT_COMP, 6, 0, 0x2d, 0x0f, 1, ADDR(IPCP_OPT_NBNS1, 0, 0, 0, 0),
	    ADDR(IPCP_OPT_NBNS2, 0, 0, 0, 0)), NO_COUNTER },
	{ "ipcp no address asked: nak suggests one", IPCP_SRV, NONE, 0, 0, NAK,
	  B(ADDR(IPCP_OPT_ADDRESS, 10, 0, 0, 5)), NO_COUNTER },
	{ "ipcp address with length 4 rejected", IPCP_SRV, B(IPCP_OPT_ADDRESS, 4, 10, 0), 0, 0,
	  REJ, B(IPCP_OPT_ADDRESS, 4, 10, 0), NO_COUNTER },
	{ "ipcp option overruns packet", IPCP_SRV, B(IPCP_OPT_ADDRESS, 6, 10, 0), 0, 0, 0, NONE,
	  STAT(rx_bad_options) },
	{ "ipcp truncated buffer", IPCP_SRV, B(ADDR(IPCP_OPT_ADDRESS, 10, 0, 0, 5)), 0, 8, 0,
	  NONE, STAT(rx_short) },
	/* IPCP, client role */
	{ "ipcp client acks the server's address", IPCP_CLI,
	  B(ADDR(IPCP_OPT_ADDRESS, 10, 0, 0, 1)), 0, 0, ACK,
	  B(ADDR(IPCP_OPT_ADDRESS, 10, 0, 0, 1)), NO_COUNTER },
	{ "ipcp client serves no dns", IPCP_CLI,
	  B(ADDR(IPCP_OPT_ADDRESS, 10, 0, 0, 1), ADDR(IPCP_OPT_DNS1, 0, 0, 0, 0)), 0, 0, REJ,
	  B(ADDR(IPCP_OPT_DNS1, 0, 0, 0, 0)), NO_COUNTER },
	/* CCP / MPPE (RFC 3078 2) */
	{ "ccp windows H+S+M+L nak'd to H+S", CCP_DEFAULT, B(MPPE(1, 0, 0, 0xe0)), 0, 0, NAK,
	  B(MPPE(1, 0, 0, 0x40)), NO_COUNTER },
	{ "ccp H+S acked", CCP_DEFAULT, B(MPPE(1, 0, 0, 0x40)), 0, 0, ACK, B(MPPE(1, 0, 0, 0x40)),
	  NO_COUNTER },
	{ "ccp mppc bit refused", CCP_DEFAULT, B(MPPE(1, 0, 0, 0x41)), 0, 0, NAK,
	  B(MPPE(1, 0, 0, 0x40)), NO_COUNTER },
	{ "ccp obsolete D bit dropped", CCP_DEFAULT, B(MPPE(1, 0, 0, 0x50)), 0, 0, NAK,
	  B(MPPE(1, 0, 0, 0x40)), NO_COUNTER },
	{ "ccp stateful accepted when allowed", CCP_DEFAULT, B(MPPE(0, 0, 0, 0x40)), 0, 0, ACK,
	  B(MPPE(0, 0, 0, 0x40)), NO_COUNTER },
	{ "ccp stateful nak'd when stateless only", CCP_STATELESS, B(MPPE(0, 0, 0, 0x40)), 0, 0,
	  NAK, B(MPPE(1, 0, 0, 0x40)), NO_COUNTER },
	{ "ccp stateless nak'd to stateful by mppe-mode=stateful", CCP_STATEFUL,
	  B(MPPE(1, 0, 0, 0x40)), 0, 0, NAK, B(MPPE(0, 0, 0, 0x40)), NO_COUNTER },
	{ "ccp pppd H+S+L nak'd to S stateful", CCP_STATEFUL, B(MPPE(1, 0, 0, 0x60)), 0, 0, NAK,
	  B(MPPE(0, 0, 0, 0x40)), NO_COUNTER },
	{ "ccp stateful acked by mppe-mode=stateful", CCP_STATEFUL, B(MPPE(0, 0, 0, 0x40)), 0, 0,
	  ACK, B(MPPE(0, 0, 0, 0x40)), NO_COUNTER },
	{ "ccp 128 nak'd to 40 when only 40 allowed", CCP_40, B(MPPE(1, 0, 0, 0x60)), 0, 0, NAK,
	  B(MPPE(1, 0, 0, 0x20)), NO_COUNTER },
	{ "ccp compression only (no key) nak'd with ours", CCP_DEFAULT, B(MPPE(0, 0, 0, 1)), 0, 0,
	  NAK, B(MPPE(0, 0, 0, 0x40)), NO_COUNTER },
	{ "ccp deflate and bsd rejected", CCP_DEFAULT,
	  B(26, 4, 0x78, 0, 21, 3, 0x2f, MPPE(1, 0, 0, 0x40)), 0, 0, REJ,
	  B(26, 4, 0x78, 0, 21, 3, 0x2f), NO_COUNTER },
	{ "ccp mppe with length 5 rejected", CCP_DEFAULT, B(CCP_OPT_MPPE, 5, 1, 0, 0), 0, 0, REJ,
	  B(CCP_OPT_MPPE, 5, 1, 0, 0), NO_COUNTER },
	{ "ccp refused policy rejects mppe", CCP_REFUSED, B(MPPE(1, 0, 0, 0x40)), 0, 0, REJ,
	  B(MPPE(1, 0, 0, 0x40)), NO_COUNTER },
	{ "ccp empty request: nak hints mppe", CCP_DEFAULT, NONE, 0, 0, NAK,
	  B(MPPE(1, 0, 0, 0x40)), NO_COUNTER },
	{ "ccp option length 1", CCP_DEFAULT, B(CCP_OPT_MPPE, 1), 0, 0, 0, NONE,
	  STAT(rx_bad_options) },
	{ "ccp huge length", CCP_DEFAULT, B(MPPE(1, 0, 0, 0x40)), 0xfff0, 0, 0, NONE,
	  STAT(rx_short) },
};

static void test_configure_requests(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(opt_cases) / sizeof(opt_cases[0]); i++) {
		const struct opt_case *c = &opt_cases[i];
		struct rig *r = rig_new(c->kind);
		uint8_t pkt[PPP_CTRL_MAX];
		size_t total = PPP_CP_HDR_LEN + c->opts_len;
		uint32_t counter = 1;

		rig_clear(r);
		pkt[0] = PPP_CODE_CONF_REQ;
		pkt[1] = 0x21;
		ppp_put16(pkt + 2, c->length_field ? c->length_field : (uint16_t)total);
		memcpy(pkt + PPP_CP_HDR_LEN, c->opts, c->opts_len);
		ppp_fsm_input(r->f, pkt, c->buf_len ? c->buf_len : total);
		if (c->counter != NO_COUNTER)
			memcpy(&counter, (const uint8_t *)&r->f->stats + c->counter, sizeof(counter));
		if (!c->reply_code) {
			if (r->n_sent != 0 || counter != 1)
				fail_msg("case \"%s\": sent %zu, counter %u", c->name, r->n_sent,
					 counter);
		} else if (r->n_sent != 1 || r->sent[0].code != c->reply_code ||
			   r->sent[0].id != 0x21 || r->sent[0].len != c->reply_len ||
			   memcmp(r->sent[0].data, c->reply, c->reply_len) != 0) {
			fail_msg("case \"%s\": sent %zu, code %u, len %zu (want code %u len %zu)",
				 c->name, r->n_sent, r->n_sent ? r->sent[0].code : 0,
				 r->n_sent ? r->sent[0].len : 0, c->reply_code, c->reply_len);
		}
		free(r);
	}
}

/* --- our own requests and what the peer's answers do to them --- */

static bool has_opt(const struct sent *s, const uint8_t *opt, size_t len)
{
	for (size_t i = 0; i + 1 < s->len; i += s->data[i + 1] ? s->data[i + 1] : 1)
		if (s->data[i + 1] == len && memcmp(s->data + i, opt, len) == 0)
			return true;
	return false;
}

/* RouterOS-like server request: MRU 1450, mschap2, a magic. */
static void test_lcp_server_request(void **state)
{
	struct rig *r = rig_new(LCP_SRV);
	static const uint8_t mru[] = { MRU(0x05, 0xaa) };
	static const uint8_t auth[] = { AUTH_CHAP(0x81) };

	(void)state;
	assert_true(has_opt(&r->sent[0], mru, sizeof(mru)));
	assert_true(has_opt(&r->sent[0], auth, sizeof(auth)));
	assert_int_equal(r->sent[0].len, sizeof(mru) + sizeof(auth) + LCP_OPT_MAGIC_LEN);
	free(r);
}

/* Nak'd to a method we also allow: switch to it. */
static void test_lcp_auth_nak_switch(void **state)
{
	struct rig *r = rig_new(LCP_SRV);
	static const uint8_t nak[] = { AUTH_CHAP(0x80) };

	(void)state;
	rig_clear(r);
	rig_rx(r, NAK, r->f->req_id, nak, sizeof(nak));
	assert_int_equal(last(r)->code, PPP_CODE_CONF_REQ);
	assert_true(has_opt(last(r), nak, sizeof(nak)));
	/* Back to mschap2, already Nak'd away: nothing left, give up. */
	{
		static const uint8_t back[] = { AUTH_CHAP(0x81) };

		rig_rx(r, NAK, r->f->req_id, back, sizeof(back));
	}
	assert_int_equal(last(r)->code, PPP_CODE_TERM_REQ);
	assert_int_equal(r->f->state, PPP_FSM_CLOSING);
	free(r);
}

/* Server role: Nak'd to something we do not allow, or rejected: a clear reason. */
static void test_lcp_auth_refused(void **state)
{
	static const uint8_t pap[] = { AUTH_PAP };
	static const uint8_t chap[] = { AUTH_CHAP(0x81) };

	(void)state;
	for (int rej = 0; rej <= 1; rej++) {
		struct rig *r = rig_new(LCP_SRV);

		rig_clear(r);
		if (rej)
			rig_rx(r, REJ, r->f->req_id, chap, sizeof(chap));
		else
			rig_rx(r, NAK, r->f->req_id, pap, sizeof(pap));
		assert_int_equal(r->n_sent, 1);
		assert_int_equal(r->sent[0].code, PPP_CODE_TERM_REQ);
		assert_int_equal(r->sent[0].len, strlen(LCP_REASON_AUTH_REFUSED));
		assert_memory_equal(r->sent[0].data, LCP_REASON_AUTH_REFUSED,
				    strlen(LCP_REASON_AUTH_REFUSED));
		free(r);
	}
}

/* RFC 1661 6.4: our own magic coming back means a loop: Nak with another. */
static void test_lcp_magic_loopback(void **state)
{
	struct rig *r = rig_new(LCP_SRV);
	uint8_t opt[LCP_OPT_MAGIC_LEN] = { LCP_OPT_MAGIC, LCP_OPT_MAGIC_LEN };
	uint32_t ours = r->lcp.want.magic;

	(void)state;
	ppp_put32(opt + 2, ours);
	rig_clear(r);
	rig_rx(r, PPP_CODE_CONF_REQ, 1, opt, sizeof(opt));
	assert_int_equal(r->sent[0].code, NAK);
	assert_int_not_equal(ppp_get32(r->sent[0].data + 2), ours);
	assert_int_not_equal(ppp_get32(r->sent[0].data + 2), 0);
	assert_int_equal(r->lcp.stats.magic_loop_naks, 1);
	/* A Nak of our magic makes us pick a new one. */
	rig_rx(r, NAK, r->f->req_id, opt, sizeof(opt));
	assert_int_not_equal(r->lcp.want.magic, ours);
	free(r);
}

/* Client IPCP: ask 0.0.0.0 and DNS, take what the Nak says, report it. */
static void test_ipcp_client_learns(void **state)
{
	struct rig *r = rig_new(IPCP_CLI);
	static const uint8_t asked[] = { ADDR(IPCP_OPT_ADDRESS, 0, 0, 0, 0),
					 ADDR(IPCP_OPT_DNS1, 0, 0, 0, 0),
					 ADDR(IPCP_OPT_DNS2, 0, 0, 0, 0) };
	static const uint8_t nak[] = { ADDR(IPCP_OPT_ADDRESS, 10, 0, 0, 5),
				       ADDR(IPCP_OPT_DNS1, 8, 8, 8, 8),
				       ADDR(IPCP_OPT_DNS2, 1, 1, 1, 1) };
	static const uint8_t server[] = { ADDR(IPCP_OPT_ADDRESS, 10, 0, 0, 1) };

	(void)state;
	assert_int_equal(r->sent[0].len, sizeof(asked));
	assert_memory_equal(r->sent[0].data, asked, sizeof(asked));
	rig_clear(r);
	rig_rx(r, NAK, r->f->req_id, nak, sizeof(nak));
	assert_memory_equal(last(r)->data, nak, sizeof(nak));
	rig_rx(r, ACK, r->f->req_id, nak, sizeof(nak));
	rig_rx(r, PPP_CODE_CONF_REQ, 3, server, sizeof(server));
	assert_int_equal(r->f->state, PPP_FSM_OPENED);
	assert_int_equal(r->ups, 1);
	assert_int_equal(r->up_local, IP(10, 0, 0, 5));
	assert_int_equal(r->up_peer, IP(10, 0, 0, 1));
	assert_int_equal(r->up_dns[0], IP(8, 8, 8, 8));
	assert_int_equal(r->up_dns[1], IP(1, 1, 1, 1));
	free(r);
}

/* CCP: our offer, narrowed by the peer's Nak, then up with one key both ways. */
static void test_ccp_offer_and_nak(void **state)
{
	struct rig *r = rig_new(CCP_DEFAULT);
	static const uint8_t offer[] = { MPPE(1, 0, 0, 0xe0) };
	static const uint8_t pick[] = { MPPE(1, 0, 0, 0x40) };

	(void)state;
	assert_int_equal(r->sent[0].len, sizeof(offer));
	assert_memory_equal(r->sent[0].data, offer, sizeof(offer));
	rig_clear(r);
	rig_rx(r, NAK, r->f->req_id, pick, sizeof(pick));
	assert_memory_equal(last(r)->data, pick, sizeof(pick));
	rig_rx(r, ACK, r->f->req_id, pick, sizeof(pick));
	rig_rx(r, PPP_CODE_CONF_REQ, 5, pick, sizeof(pick));
	assert_int_equal(r->f->state, PPP_FSM_OPENED);
	assert_int_equal(r->ups, 1);
	assert_int_equal(r->up_bits, MPPE_BIT_S);
	assert_true(r->up_stateless);
	free(r);
}

/* CCP: the peer rejects MPPE. Required: fail the link; allowed: close CCP. */
static void test_ccp_rejected(void **state)
{
	static const uint8_t offer[] = { MPPE(1, 0, 0, 0xe0) };

	(void)state;
	for (int required = 0; required <= 1; required++) {
		struct rig *r = rig_new(CCP_DEFAULT);

		r->ccp.params.encryption = required ? CCP_ENC_REQUIRED : CCP_ENC_ALLOWED;
		rig_clear(r);
		rig_rx(r, REJ, r->f->req_id, offer, sizeof(offer));
		assert_int_equal(r->fails, required);
		if (required)
			assert_string_equal(r->fail_reason, CCP_REASON_REQUIRED);
		assert_int_equal(last(r)->code, PPP_CODE_TERM_REQ);
		assert_int_equal(r->f->state, PPP_FSM_CLOSING);
		free(r);
	}
}

/* CCP: Reset-Request in Opened gets a Reset-Ack with the same Identifier. */
static void test_ccp_reset_ack(void **state)
{
	struct rig *r = rig_new(CCP_DEFAULT);
	static const uint8_t pick[] = { MPPE(1, 0, 0, 0x40) };

	(void)state;
	rig_rx(r, PPP_CODE_RESET_REQ, 0x66, NULL, 0);
	assert_int_equal(r->ccp.stats.reset_drop_state, 1);
	rig_rx(r, NAK, r->f->req_id, pick, sizeof(pick));
	rig_rx(r, ACK, r->f->req_id, pick, sizeof(pick));
	rig_rx(r, PPP_CODE_CONF_REQ, 5, pick, sizeof(pick));
	assert_int_equal(r->f->state, PPP_FSM_OPENED);
	rig_clear(r);
	rig_rx(r, PPP_CODE_RESET_REQ, 0x77, NULL, 0);
	assert_int_equal(r->n_sent, 1);
	assert_int_equal(r->sent[0].code, PPP_CODE_RESET_ACK);
	assert_int_equal(r->sent[0].id, 0x77);
	assert_int_equal(r->ccp.stats.reset_req_rx, 1);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_configure_requests),
		cmocka_unit_test(test_lcp_server_request),
		cmocka_unit_test(test_lcp_auth_nak_switch),
		cmocka_unit_test(test_lcp_auth_refused),
		cmocka_unit_test(test_lcp_magic_loopback),
		cmocka_unit_test(test_ipcp_client_learns),
		cmocka_unit_test(test_ccp_offer_and_nak),
		cmocka_unit_test(test_ccp_rejected),
		cmocka_unit_test(test_ccp_reset_ack),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
