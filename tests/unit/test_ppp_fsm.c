/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The RFC 1661 automaton alone, on a toy protocol: every cell of the state
 * transition table (4.1), the counters and timer of 4.6, Identifier rules
 * (5.1-5.4) and the Configure packet parser's bad cases.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ppp_fsm.h"

#define TST_PROTO    0x8123
#define OPT_FLAG     1      /* no data, always acked */
#define OPT_VAL      2      /* one octet; 0 is Nak'd with 1 */
#define OPT_UNKNOWN  99
#define MAX_SENT     64

struct sent {
	uint8_t code;
	uint8_t id;
	size_t len;
	uint8_t data[PPP_CTRL_MAX];
};

struct rig {
	struct ppp_fsm f;
	struct sent sent[MAX_SENT];
	size_t n_sent;
	char actions[256];       /* "scr,sca,tlu" as they happened */
	bool timer;
	uint32_t timer_ms;
	int timer_starts;
	bool want_flag;
	uint8_t want_val;        /* 0: not requested */
	uint8_t nak_val_seen;
};

static void note(struct rig *r, const char *what)
{
	if (r->actions[0])
		strcat(r->actions, ",");
	strcat(r->actions, what);
}

static int env_send(void *ctx, uint16_t proto, const uint8_t *pkt, size_t len)
{
	struct rig *r = ctx;
	static const char *const names[] = {
		[PPP_CODE_CONF_REQ] = "scr", [PPP_CODE_CONF_ACK] = "sca",
		[PPP_CODE_CONF_NAK] = "scn", [PPP_CODE_CONF_REJ] = "scn",
		[PPP_CODE_TERM_REQ] = "str", [PPP_CODE_TERM_ACK] = "sta",
		[PPP_CODE_CODE_REJ] = "scj",
	};
	struct sent *s;

	assert_int_equal(proto, TST_PROTO);
	assert_true(len >= PPP_CP_HDR_LEN);
	assert_int_equal(ppp_get16(pkt + 2), len);
	assert_true(r->n_sent < MAX_SENT);
	s = &r->sent[r->n_sent++];
	s->code = pkt[0];
	s->id = pkt[1];
	s->len = len - PPP_CP_HDR_LEN;
	memcpy(s->data, pkt + PPP_CP_HDR_LEN, s->len);
	note(r, pkt[0] <= PPP_CODE_CODE_REJ ? names[pkt[0]] : "other");
	return 0;
}

static void env_timer_start(void *ctx, struct ppp_fsm *f, uint32_t ms)
{
	struct rig *r = ctx;

	(void)f;
	r->timer = true;
	r->timer_ms = ms;
	r->timer_starts++;
}

static void env_timer_stop(void *ctx, struct ppp_fsm *f)
{
	struct rig *r = ctx;

	(void)f;
	r->timer = false;
}

static void env_log(void *ctx, enum cfg_log_level level, const char *msg)
{
	(void)ctx; (void)level;
	if (getenv("PPP_TEST_VERBOSE"))
		fprintf(stderr, "  log: %s\n", msg);
}

static const struct ppp_fsm_env rig_env = {
	.send = env_send, .timer_start = env_timer_start,
	.timer_stop = env_timer_stop, .log = env_log,
};

static int flag_add(void *ctx, uint8_t *d, size_t room)
{
	struct rig *r = ctx;

	(void)d; (void)room;
	return r->want_flag ? 0 : -1;
}

static enum ppp_opt_verdict flag_check(void *ctx, const uint8_t *d, size_t len,
				       uint8_t *nak, size_t *nak_len)
{
	(void)ctx; (void)d; (void)len; (void)nak; (void)nak_len;
	return PPP_OPT_ACK;
}

static void flag_rej(void *ctx)
{
	((struct rig *)ctx)->want_flag = false;
}

static int val_add(void *ctx, uint8_t *d, size_t room)
{
	struct rig *r = ctx;

	(void)room;
	if (!r->want_val)
		return -1;
	d[0] = r->want_val;
	return 1;
}

static enum ppp_opt_verdict val_check(void *ctx, const uint8_t *d, size_t len,
				      uint8_t *nak, size_t *nak_len)
{
	(void)ctx; (void)len;
	if (d[0] != 0)
		return PPP_OPT_ACK;
	nak[0] = 1;
	*nak_len = 1;
	return PPP_OPT_NAK;
}

static void val_nak(void *ctx, const uint8_t *d, size_t len)
{
	struct rig *r = ctx;

	(void)len;
	r->nak_val_seen = d[0];
	r->want_val = d[0];
}

static const struct ppp_opt_handler rig_opts[] = {
	{ .type = OPT_FLAG, .name = "flag", .min_len = 2, .max_len = 2,
	  .add_to_request = flag_add, .check_request = flag_check, .on_reject = flag_rej },
	{ .type = OPT_VAL, .name = "val", .min_len = 3, .max_len = 3,
	  .add_to_request = val_add, .check_request = val_check, .on_nak = val_nak },
};

static void hook_tlu(struct ppp_fsm *f) { note(f->ctx, "tlu"); }
static void hook_tld(struct ppp_fsm *f) { note(f->ctx, "tld"); }
static void hook_tls(struct ppp_fsm *f) { note(f->ctx, "tls"); }
static void hook_tlf(struct ppp_fsm *f) { note(f->ctx, "tlf"); }

static const struct ppp_fsm_proto rig_proto = {
	.name = "tst", .proto = TST_PROTO, .opts = rig_opts,
	.n_opts = sizeof(rig_opts) / sizeof(rig_opts[0]),
	.tlu = hook_tlu, .tld = hook_tld, .tls = hook_tls, .tlf = hook_tlf,
};

static struct rig *rig_new(void)
{
	struct rig *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	ppp_fsm_init(&r->f, &rig_proto, r, &rig_env, r, 0);
	return r;
}

static void rig_clear(struct rig *r)
{
	r->n_sent = 0;
	r->actions[0] = '\0';
}

static void rx(struct rig *r, uint8_t code, uint8_t id, const uint8_t *data, size_t len)
{
	uint8_t pkt[PPP_CTRL_MAX];

	pkt[0] = code;
	pkt[1] = id;
	ppp_put16(pkt + 2, (uint16_t)(len + PPP_CP_HDR_LEN));
	if (len)
		memcpy(pkt + PPP_CP_HDR_LEN, data, len);
	ppp_fsm_input(&r->f, pkt, len + PPP_CP_HDR_LEN);
}

/* The owner's timer is one-shot: firing disarms it. */
static void fire(struct rig *r)
{
	r->timer = false;
	ppp_fsm_timeout(&r->f);
}

/* --- events, as the RFC names them --- */

enum ev { UP, DOWN, OPEN, CLOSE, TO_P, TO_M, RCR_P, RCR_M, RCA, RCN, RTR, RTA, RUC,
	  RXJ_P, RXJ_M, N_EV };

static const char *const ev_names[N_EV] = {
	"Up", "Down", "Open", "Close", "TO+", "TO-", "RCR+", "RCR-", "RCA", "RCN",
	"RTR", "RTA", "RUC", "RXJ+", "RXJ-",
};

static void inject(struct rig *r, enum ev e)
{
	static const uint8_t unknown_opt[] = { OPT_UNKNOWN, 2 };
	static const uint8_t rej_echo[] = { PPP_CODE_ECHO_REQ, 1, 0, 4 };
	static const uint8_t rej_confreq[] = { PPP_CODE_CONF_REQ, 1, 0, 4 };

	switch (e) {
	case UP: ppp_fsm_up(&r->f); break;
	case DOWN: ppp_fsm_down(&r->f); break;
	case OPEN: ppp_fsm_open(&r->f); break;
	case CLOSE: ppp_fsm_close(&r->f, "test"); break;
	case TO_P:
		if (r->timer && r->f.restart_count == 0)
			r->f.restart_count = 1;
		fire(r);
		break;
	case TO_M: r->f.restart_count = 0; fire(r); break;
	case RCR_P: rx(r, PPP_CODE_CONF_REQ, 0x40, NULL, 0); break;
	case RCR_M: rx(r, PPP_CODE_CONF_REQ, 0x41, unknown_opt, sizeof(unknown_opt)); break;
	/* A reply we have not seen yet to our current request. */
	case RCA: r->f.reply_seen = false;
		rx(r, PPP_CODE_CONF_ACK, r->f.req_id, r->f.req, r->f.req_len); break;
	case RCN: r->f.reply_seen = false;
		rx(r, PPP_CODE_CONF_NAK, r->f.req_id, NULL, 0); break;
	case RTR: rx(r, PPP_CODE_TERM_REQ, 0x50, NULL, 0); break;
	case RTA: rx(r, PPP_CODE_TERM_ACK, 0x51, NULL, 0); break;
	case RUC: rx(r, 0x30, 0x52, NULL, 0); break;
	case RXJ_P: rx(r, PPP_CODE_CODE_REJ, 0x53, rej_echo, sizeof(rej_echo)); break;
	case RXJ_M: rx(r, PPP_CODE_CODE_REJ, 0x54, rej_confreq, sizeof(rej_confreq)); break;
	default: fail();
	}
}

/* The shortest way into each state, by real events. */
static void goto_state(struct rig *r, enum ppp_fsm_state s)
{
	switch (s) {
	case PPP_FSM_INITIAL: break;
	case PPP_FSM_STARTING: inject(r, OPEN); break;
	case PPP_FSM_CLOSED: inject(r, UP); break;
	case PPP_FSM_STOPPED: inject(r, UP); inject(r, OPEN); inject(r, RXJ_M); break;
	case PPP_FSM_CLOSING: inject(r, UP); inject(r, OPEN); inject(r, CLOSE); break;
	case PPP_FSM_STOPPING:
		inject(r, UP); inject(r, OPEN); inject(r, RCR_P); inject(r, RCA); inject(r, RTR);
		break;
	case PPP_FSM_REQ_SENT: inject(r, UP); inject(r, OPEN); break;
	case PPP_FSM_ACK_RCVD: inject(r, UP); inject(r, OPEN); inject(r, RCA); break;
	case PPP_FSM_ACK_SENT: inject(r, UP); inject(r, OPEN); inject(r, RCR_P); break;
	case PPP_FSM_OPENED:
		inject(r, UP); inject(r, OPEN); inject(r, RCR_P); inject(r, RCA);
		break;
	default: fail();
	}
	assert_int_equal(r->f.state, s);
	rig_clear(r);
}

/*
 * RFC 1661 4.1, as printed on page 12 and 13. irc and zrc are not packets:
 * they are checked through the restart counter.
 */
static const char *const rfc_table[] = {
"      | State",
"      |    0         1         2         3         4         5",
"Events| Initial   Starting  Closed    Stopped   Closing   Stopping",
"------+-----------------------------------------------------------",
" Up   |    2     irc,scr/6     -         -         -         -",
" Down |    -         -         0       tls/1       0         1",
" Open |  tls/1       1     irc,scr/6     3r        5r        5r",
" Close|    0       tlf/0       2         2         4         4",
"  TO+ |    -         -         -         -       str/4     str/5",
"  TO- |    -         -         -         -       tlf/2     tlf/3",
" RCR+ |    -         -       sta/2 irc,scr,sca/8   4         5",
" RCR- |    -         -       sta/2 irc,scr,scn/6   4         5",
" RCA  |    -         -       sta/2     sta/3       4         5",
" RCN  |    -         -       sta/2     sta/3       4         5",
" RTR  |    -         -       sta/2     sta/3     sta/4     sta/5",
" RTA  |    -         -         2         3       tlf/2     tlf/3",
" RUC  |    -         -       scj/2     scj/3     scj/4     scj/5",
" RXJ+ |    -         -         2         3         4         5",
" RXJ- |    -         -       tlf/2     tlf/3     tlf/2     tlf/3",
"",
"      | State",
"      |    6         7         8           9",
"Events| Req-Sent  Ack-Rcvd  Ack-Sent    Opened",
"------+-----------------------------------------",
" Up   |    -         -         -           -",
" Down |    1         1         1         tld/1",
" Open |    6         7         8           9r",
" Close|irc,str/4 irc,str/4 irc,str/4 tld,irc,str/4",
"  TO+ |  scr/6     scr/6     scr/8         -",
"  TO- |  tlf/3p    tlf/3p    tlf/3p        -",
" RCR+ |  sca/8   sca,tlu/9   sca/8   tld,scr,sca/8",
" RCR- |  scn/6     scn/7     scn/6   tld,scr,scn/6",
" RCA  |  irc/7     scr/6x  irc,tlu/9   tld,scr/6x",
" RCN  |irc,scr/6   scr/6x  irc,scr/8   tld,scr/6x",
" RTR  |  sta/6     sta/6     sta/6   tld,zrc,sta/5",
" RTA  |    6         6         8       tld,scr/6",
" RUC  |  scj/6     scj/7     scj/8       scj/9",
" RXJ+ |    6         6         8           9",
" RXJ- |  tlf/3     tlf/3     tlf/3   tld,irc,str/5",
};

static enum ev ev_from_label(const char *label)
{
	for (int e = 0; e < N_EV; e++)
		if (strcmp(label, ev_names[e]) == 0)
			return (enum ev)e;
	return N_EV;
}

/* Run one cell: from state s, event e, expect "acts/next" or "-". */
static void check_cell(enum ppp_fsm_state s, enum ev e, const char *cell)
{
	struct rig *r = rig_new();
	char acts[64] = "", observed[64] = "";
	const char *slash = strchr(cell, '/');
	enum ppp_fsm_state want;
	bool irc = false, zrc = false, str = false, scr = false;
	char *tok, *save;

	goto_state(r, s);
	if (strcmp(cell, "-") == 0) {
		inject(r, e);
		assert_int_equal(r->f.state, s);
		assert_string_equal(r->actions, "");
		free(r);
		return;
	}
	if (slash) {
		memcpy(acts, cell, (size_t)(slash - cell));
		want = (enum ppp_fsm_state)atoi(slash + 1);
	} else {
		want = (enum ppp_fsm_state)atoi(cell);
	}
	for (tok = strtok_r(acts, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (strcmp(tok, "irc") == 0) {
			irc = true;
			continue;
		}
		if (strcmp(tok, "zrc") == 0) {
			zrc = true;
			continue;
		}
		str |= strcmp(tok, "str") == 0;
		scr |= strcmp(tok, "scr") == 0;
		if (observed[0])
			strcat(observed, ",");
		strcat(observed, tok);
	}
	inject(r, e);
	if (r->f.state != want || strcmp(r->actions, observed) != 0)
		fail_msg("state %s event %s: want \"%s\" -> %s, got \"%s\" -> %s",
			 ppp_fsm_state_name(s), ev_names[e], cell, ppp_fsm_state_name(want),
			 r->actions, ppp_fsm_state_name(r->f.state));
	/* 4.6: scr and str each spend one from the counter irc set. */
	if (irc && str)
		assert_int_equal(r->f.restart_count, PPP_MAX_TERMINATE - 1);
	else if (irc && scr)
		assert_int_equal(r->f.restart_count, PPP_MAX_CONFIGURE - 1);
	else if (irc)
		assert_int_equal(r->f.restart_count, PPP_MAX_CONFIGURE);
	if (zrc) {
		assert_int_equal(r->f.restart_count, 0);
		assert_true(r->timer);
	}
	free(r);
}

static void test_rfc1661_table(void **state)
{
	int first = 0, cells = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(rfc_table) / sizeof(rfc_table[0]); i++) {
		char line[128], head[16], label[16] = "";
		const char *bar = strchr(rfc_table[i], '|');
		char *tok, *save;
		enum ev e;
		int col = 0;

		if (!bar)
			continue;
		if (strstr(rfc_table[i], "Initial"))
			first = 0;
		if (strstr(rfc_table[i], "Req-Sent"))
			first = 6;
		snprintf(head, sizeof(head), "%.*s", (int)(bar - rfc_table[i]), rfc_table[i]);
		if (sscanf(head, "%15s", label) != 1)
			continue;
		e = ev_from_label(label);
		if (e == N_EV)
			continue;
		snprintf(line, sizeof(line), "%s", bar + 1);
		/* Cells are separated by spaces; "irc,scr/6" has none inside. */
		for (tok = strtok_r(line, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
			check_cell((enum ppp_fsm_state)(first + col), e, tok);
			col++;
			cells++;
		}
		assert_int_equal(col, first == 0 ? 6 : 4);
	}
	assert_int_equal(cells, 15 * 10);
}

/* A duplicate Ack must not tear an Opened link down (5.2 Identifier). */
static void test_duplicate_and_stale_replies(void **state)
{
	struct rig *r = rig_new();
	uint8_t id;

	(void)state;
	r->want_flag = true;
	goto_state(r, PPP_FSM_REQ_SENT);
	id = r->f.req_id;
	rx(r, PPP_CODE_CONF_ACK, (uint8_t)(id + 1), r->f.req, r->f.req_len);
	assert_int_equal(r->f.stats.rx_stale_id, 1);
	assert_int_equal(r->f.state, PPP_FSM_REQ_SENT);
	/* An Ack whose options differ from our request. */
	rx(r, PPP_CODE_CONF_ACK, id, NULL, 0);
	assert_int_equal(r->f.stats.rx_bad_ack, 1);
	rx(r, PPP_CODE_CONF_ACK, id, r->f.req, r->f.req_len);
	assert_int_equal(r->f.state, PPP_FSM_ACK_RCVD);
	inject(r, RCR_P);
	assert_int_equal(r->f.state, PPP_FSM_OPENED);
	rig_clear(r);
	rx(r, PPP_CODE_CONF_ACK, id, r->f.req, r->f.req_len);
	assert_int_equal(r->f.state, PPP_FSM_OPENED);
	assert_int_equal(r->f.stats.rx_stale_id, 2);
	assert_string_equal(r->actions, "");
	free(r);
}

/* 5.4: a Reject naming options we never sent is discarded. */
static void test_bad_reject(void **state)
{
	struct rig *r = rig_new();
	static const uint8_t not_ours[] = { OPT_VAL, 3, 7 };
	static const uint8_t flag[] = { OPT_FLAG, 2 };

	(void)state;
	r->want_flag = true;
	goto_state(r, PPP_FSM_REQ_SENT);
	rx(r, PPP_CODE_CONF_REJ, r->f.req_id, not_ours, sizeof(not_ours));
	assert_int_equal(r->f.stats.rx_bad_reject, 1);
	assert_string_equal(r->actions, "");
	rx(r, PPP_CODE_CONF_REJ, r->f.req_id, flag, sizeof(flag));
	assert_string_equal(r->actions, "scr");
	assert_int_equal(r->f.req_len, 0);
	free(r);
}

/* 4.6 Max-Configure: ten requests, then This-Layer-Finished. */
static void test_max_configure(void **state)
{
	struct rig *r = rig_new();
	int timeouts = 0;

	(void)state;
	ppp_fsm_set_restart(&r->f, 1000);
	goto_state(r, PPP_FSM_REQ_SENT);
	assert_int_equal(r->timer_ms, 1000);
	while (r->timer && timeouts < 50) {
		fire(r);
		timeouts++;
	}
	assert_int_equal(timeouts, PPP_MAX_CONFIGURE);
	/* Nine retransmissions after the first request, then tlf. */
	assert_int_equal(r->n_sent, PPP_MAX_CONFIGURE - 1);
	assert_int_equal(r->f.state, PPP_FSM_STOPPED);
	assert_non_null(strstr(r->actions, "tlf"));
	assert_string_equal(r->f.finish_reason, "negotiation timed out");
	for (size_t i = 0; i < r->n_sent; i++)
		assert_int_equal(r->sent[i].id, r->f.req_id);
	free(r);
}

/* 4.6 Max-Terminate: two Terminate-Requests, then tlf. */
static void test_max_terminate(void **state)
{
	struct rig *r = rig_new();

	(void)state;
	goto_state(r, PPP_FSM_OPENED);
	ppp_fsm_close(&r->f, "bye");
	assert_int_equal(r->sent[0].code, PPP_CODE_TERM_REQ);
	assert_int_equal(r->sent[0].len, 3);
	assert_memory_equal(r->sent[0].data, "bye", 3);
	fire(r);
	fire(r);
	assert_string_equal(r->actions, "tld,str,str,tlf");
	assert_int_equal(r->f.state, PPP_FSM_CLOSED);
	assert_false(r->timer);
	free(r);
}

/* 4.6 Max-Failure: after five Naks, the sixth answer is a Reject. */
static void test_max_failure(void **state)
{
	struct rig *r = rig_new();
	static const uint8_t bad_val[] = { OPT_VAL, 3, 0 };

	(void)state;
	goto_state(r, PPP_FSM_REQ_SENT);
	for (int i = 0; i < PPP_MAX_FAILURE; i++) {
		rx(r, PPP_CODE_CONF_REQ, (uint8_t)i, bad_val, sizeof(bad_val));
		assert_int_equal(r->sent[r->n_sent - 1].code, PPP_CODE_CONF_NAK);
		assert_int_equal(r->sent[r->n_sent - 1].data[2], 1);
	}
	rx(r, PPP_CODE_CONF_REQ, 9, bad_val, sizeof(bad_val));
	assert_int_equal(r->sent[r->n_sent - 1].code, PPP_CODE_CONF_REJ);
	assert_int_equal(r->sent[r->n_sent - 1].len, sizeof(bad_val));
	assert_memory_equal(r->sent[r->n_sent - 1].data, bad_val, sizeof(bad_val));
	assert_int_equal(r->f.stats.naks_to_rejs, 1);
	free(r);
}

/* A peer that Naks forever is given up on rather than answered forever. */
static void test_nak_loop_bounded(void **state)
{
	struct rig *r = rig_new();
	static const uint8_t nak_val[] = { OPT_VAL, 3, 5 };
	int i;

	(void)state;
	r->want_val = 5;
	goto_state(r, PPP_FSM_REQ_SENT);
	for (i = 0; i < 40 && r->f.state == PPP_FSM_REQ_SENT; i++)
		rx(r, PPP_CODE_CONF_NAK, r->f.req_id, nak_val, sizeof(nak_val));
	assert_int_equal(i, PPP_FSM_MAX_NAKS_RCVD + 1);
	assert_int_equal(r->f.state, PPP_FSM_CLOSING);
	assert_int_equal(r->sent[r->n_sent - 1].code, PPP_CODE_TERM_REQ);
	assert_int_equal(r->nak_val_seen, 5);
	free(r);
}

/* The Conf-Req the Nak asked for goes out with a new Identifier. */
static void test_nak_changes_request(void **state)
{
	struct rig *r = rig_new();
	static const uint8_t nak_val[] = { OPT_VAL, 3, 9 };
	uint8_t id;

	(void)state;
	r->want_val = 4;
	goto_state(r, PPP_FSM_REQ_SENT);
	id = r->f.req_id;
	rx(r, PPP_CODE_CONF_NAK, id, nak_val, sizeof(nak_val));
	assert_int_equal(r->n_sent, 1);
	assert_int_equal(r->sent[0].code, PPP_CODE_CONF_REQ);
	assert_int_not_equal(r->sent[0].id, id);
	assert_memory_equal(r->sent[0].data, nak_val, sizeof(nak_val));
	free(r);
}

/* Named bad packets: none may reach the automaton, each is counted. */
struct bad_case {
	const char *name;
	uint8_t pkt[16];
	size_t len;             /* buffer length handed in */
	size_t counter;         /* offsetof(struct ppp_fsm_stats, ...) */
};

#define STAT(field) offsetof(struct ppp_fsm_stats, field)

static const struct bad_case bad_cases[] = {
	{ "empty", { 0 }, 0, STAT(rx_short) },
	{ "short header", { 1, 1, 0 }, 3, STAT(rx_short) },
	{ "length below header", { 1, 1, 0, 3 }, 4, STAT(rx_short) },
	{ "length beyond buffer (truncated)", { 1, 1, 0, 10, 1, 2 }, 6, STAT(rx_short) },
	{ "huge length", { 1, 1, 0xff, 0xff, 1, 2 }, 6, STAT(rx_short) },
	{ "option length 0", { 1, 1, 0, 6, 1, 0 }, 6, STAT(rx_bad_options) },
	{ "option length 1", { 1, 1, 0, 6, 1, 1 }, 6, STAT(rx_bad_options) },
	{ "option overruns packet", { 1, 1, 0, 7, 2, 4, 0 }, 7, STAT(rx_bad_options) },
	{ "lone type octet", { 1, 1, 0, 7, 1, 2, 2 }, 7, STAT(rx_bad_options) },
	{ "nak option overruns", { 3, 0, 0, 6, 2, 3 }, 6, STAT(rx_bad_options) },
	{ "code-reject without code", { 7, 1, 0, 4 }, 4, STAT(rx_bad_code_rej) },
};

static void test_bad_packets(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct rig *r = rig_new();
		uint32_t after;

		goto_state(r, PPP_FSM_REQ_SENT);
		/* Naks must carry our Identifier to be parsed at all. */
		if (c->pkt[0] == PPP_CODE_CONF_NAK) {
			uint8_t p[16];

			memcpy(p, c->pkt, sizeof(p));
			p[1] = r->f.req_id;
			ppp_fsm_input(&r->f, p, c->len);
		} else {
			ppp_fsm_input(&r->f, c->pkt, c->len);
		}
		memcpy(&after, (const uint8_t *)&r->f.stats + c->counter, sizeof(after));
		if (after != 1 || r->n_sent != 0 || r->f.state != PPP_FSM_REQ_SENT)
			fail_msg("case \"%s\": counter %u, sent %zu, state %s", c->name,
				 after, r->n_sent, ppp_fsm_state_name(r->f.state));
		free(r);
	}
}

/* Longer than any control packet we accept, even with a matching buffer. */
static void test_oversized_packet(void **state)
{
	struct rig *r = rig_new();
	size_t n = PPP_CTRL_MAX + 100;
	uint8_t *pkt = calloc(1, n);

	(void)state;
	assert_non_null(pkt);
	goto_state(r, PPP_FSM_REQ_SENT);
	pkt[0] = PPP_CODE_CONF_REQ;
	ppp_put16(pkt + 2, (uint16_t)n);
	for (size_t i = PPP_CP_HDR_LEN; i + 2 <= n; i += 2) {
		pkt[i] = OPT_FLAG;
		pkt[i + 1] = 2;
	}
	ppp_fsm_input(&r->f, pkt, n);
	assert_int_equal(r->f.stats.rx_too_long, 1);
	assert_int_equal(r->n_sent, 0);
	free(pkt);
	free(r);
}

/* 5: octets past Length are padding, not options. */
static void test_padding_ignored(void **state)
{
	struct rig *r = rig_new();
	static const uint8_t pkt[] = { PPP_CODE_CONF_REQ, 7, 0, 6, OPT_FLAG, 2, 0xde, 0xad };

	(void)state;
	goto_state(r, PPP_FSM_REQ_SENT);
	ppp_fsm_input(&r->f, pkt, sizeof(pkt));
	assert_int_equal(r->sent[0].code, PPP_CODE_CONF_ACK);
	assert_int_equal(r->sent[0].id, 7);
	assert_int_equal(r->sent[0].len, 2);
	assert_int_equal(r->f.state, PPP_FSM_ACK_SENT);
	free(r);
}

/* 5.6: Code-Reject quotes the packet, cut to the peer's MRU. */
static void test_code_reject_truncated(void **state)
{
	struct rig *r = rig_new();
	uint8_t big[200];

	(void)state;
	memset(big, 0xab, sizeof(big));
	ppp_fsm_set_peer_mru(&r->f, 100);
	goto_state(r, PPP_FSM_REQ_SENT);
	rx(r, 0x31, 9, big, sizeof(big));
	assert_int_equal(r->sent[0].code, PPP_CODE_CODE_REJ);
	assert_int_equal(r->sent[0].len, 100 - PPP_CP_HDR_LEN);
	assert_int_equal(r->sent[0].data[0], 0x31);
	assert_int_equal(r->sent[0].data[1], 9);
	assert_int_equal(r->f.stats.rx_unknown_code, 1);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc1661_table),
		cmocka_unit_test(test_duplicate_and_stale_replies),
		cmocka_unit_test(test_bad_reject),
		cmocka_unit_test(test_max_configure),
		cmocka_unit_test(test_max_terminate),
		cmocka_unit_test(test_max_failure),
		cmocka_unit_test(test_nak_loop_bounded),
		cmocka_unit_test(test_nak_changes_request),
		cmocka_unit_test(test_bad_packets),
		cmocka_unit_test(test_oversized_packet),
		cmocka_unit_test(test_padding_ignored),
		cmocka_unit_test(test_code_reject_truncated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
