/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RFC 1661 section 4: the option negotiation automaton. Transitions come from
 * one table laid out like the RFC's state transition table (4.1), whose
 * "irc,scr/6" notation the comments keep. Packet parsing (section 5) happens
 * before any event is raised: a packet that fails a length check never
 * reaches the automaton.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "ppp_fsm.h"

/* RFC 1661 4.3 events. */
enum fsm_event {
	EV_UP, EV_DOWN, EV_OPEN, EV_CLOSE, EV_TO_PLUS, EV_TO_MINUS,
	EV_RCR_PLUS, EV_RCR_MINUS, EV_RCA, EV_RCN, EV_RTR, EV_RTA,
	EV_RUC, EV_RXJ_PLUS, EV_RXJ_MINUS,
};

static const char *const fsm_event_names[] = {
	[EV_UP] = "Up", [EV_DOWN] = "Down", [EV_OPEN] = "Open", [EV_CLOSE] = "Close",
	[EV_TO_PLUS] = "TO+", [EV_TO_MINUS] = "TO-", [EV_RCR_PLUS] = "RCR+",
	[EV_RCR_MINUS] = "RCR-", [EV_RCA] = "RCA", [EV_RCN] = "RCN", [EV_RTR] = "RTR",
	[EV_RTA] = "RTA", [EV_RUC] = "RUC", [EV_RXJ_PLUS] = "RXJ+", [EV_RXJ_MINUS] = "RXJ-",
};

static const char *const fsm_state_names[PPP_FSM_NSTATES] = {
	[PPP_FSM_INITIAL] = "initial", [PPP_FSM_STARTING] = "starting",
	[PPP_FSM_CLOSED] = "closed", [PPP_FSM_STOPPED] = "stopped",
	[PPP_FSM_CLOSING] = "closing", [PPP_FSM_STOPPING] = "stopping",
	[PPP_FSM_REQ_SENT] = "req-sent", [PPP_FSM_ACK_RCVD] = "ack-rcvd",
	[PPP_FSM_ACK_SENT] = "ack-sent", [PPP_FSM_OPENED] = "opened",
};

/* Why a Configure-Request goes out: changes what is put in it. */
enum scr_kind {
	SCR_NEW,         /* a fresh negotiation: our wishes back to the configured ones */
	SCR_UPDATED,     /* after a Nak/Reject changed our wishes: new Identifier */
	SCR_RETRANSMIT,  /* timer: same Identifier, same options */
};

/* A received packet and, for a Configure-Request, the reply we built for it. */
struct fsm_rx {
	uint8_t code;
	uint8_t id;
	const uint8_t *pkt;          /* whole packet (Code-Reject quotes it) */
	size_t len;
	const uint8_t *data;         /* after the header */
	size_t data_len;
	uint8_t reply_code;
	size_t reply_len;
	uint8_t reply[PPP_CTRL_MAX];
};

/* Appends options to a bounded buffer; overflow drops the option, never writes past. */
struct opt_writer {
	uint8_t *buf;
	size_t len;
	size_t cap;
};

const char *ppp_fsm_state_name(enum ppp_fsm_state s)
{
	return (unsigned int)s < PPP_FSM_NSTATES ? fsm_state_names[s] : "?";
}

void ppp_fsm_log(struct ppp_fsm *f, enum cfg_log_level level, const char *fmt, ...)
{
	char msg[200];
	int n = snprintf(msg, sizeof(msg), "%s: ", f->proto->name);
	va_list ap;

	if (n < 0 || (size_t)n >= sizeof(msg))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	if (f->env->log)
		f->env->log(f->env_ctx, level, msg);
	else
		log_msg(level, LOG_TOPIC_PPP, "%s", msg);
}

void ppp_fsm_init(struct ppp_fsm *f, const struct ppp_fsm_proto *proto, void *ctx,
		  const struct ppp_fsm_env *env, void *env_ctx, unsigned int timer_id)
{
	memset(f, 0, sizeof(*f));
	f->proto = proto;
	f->ctx = ctx;
	f->env = env;
	f->env_ctx = env_ctx;
	f->timer_id = timer_id;
	f->state = PPP_FSM_INITIAL;
	f->next_id = 1;
	f->max_configure = PPP_MAX_CONFIGURE;
	f->max_terminate = PPP_MAX_TERMINATE;
	f->max_failure = PPP_MAX_FAILURE;
	f->restart_ms = PPP_RESTART_MS_DEFAULT;
	f->peer_mru = PPP_MRU_DEFAULT;
}

void ppp_fsm_set_restart(struct ppp_fsm *f, uint32_t ms)
{
	f->restart_ms = ms ? ms : PPP_RESTART_MS_DEFAULT;
}

void ppp_fsm_set_peer_mru(struct ppp_fsm *f, uint16_t mru)
{
	f->peer_mru = mru >= PPP_MRU_MIN ? mru : PPP_MRU_MIN;
}

uint8_t ppp_fsm_new_id(struct ppp_fsm *f)
{
	return f->next_id++;
}

int ppp_fsm_send_code(struct ppp_fsm *f, uint8_t code, uint8_t id,
		      const uint8_t *data, size_t len)
{
	uint8_t buf[PPP_CTRL_MAX];
	size_t limit = f->peer_mru < sizeof(buf) ? f->peer_mru : sizeof(buf);

	/* RFC 1661 5.6/5.7: rejected packets are quoted only as far as the MRU allows. */
	if (PPP_CP_HDR_LEN + len > limit)
		len = limit - PPP_CP_HDR_LEN;
	buf[0] = code;
	buf[1] = id;
	ppp_put16(buf + 2, (uint16_t)(PPP_CP_HDR_LEN + len));
	if (len)
		memcpy(buf + PPP_CP_HDR_LEN, data, len);
	f->stats.tx_packets++;
	return f->env->send(f->env_ctx, f->proto->proto, buf, PPP_CP_HDR_LEN + len);
}

/* --- timer and counters (RFC 1661 4.6) --- */

static bool state_has_timer(enum ppp_fsm_state s)
{
	return s == PPP_FSM_CLOSING || s == PPP_FSM_STOPPING || s == PPP_FSM_REQ_SENT ||
	       s == PPP_FSM_ACK_RCVD || s == PPP_FSM_ACK_SENT;
}

static void fsm_timer_start(struct ppp_fsm *f)
{
	f->timer_running = true;
	f->env->timer_start(f->env_ctx, f, f->restart_ms);
}

static void fsm_timer_stop(struct ppp_fsm *f)
{
	if (!f->timer_running)
		return;
	f->timer_running = false;
	f->env->timer_stop(f->env_ctx, f);
}

static void fsm_set_state(struct ppp_fsm *f, enum ppp_fsm_state s)
{
	if (f->state != s)
		ppp_fsm_log(f, CFG_LOG_DEBUG, "state=%s->%s", ppp_fsm_state_name(f->state),
			ppp_fsm_state_name(s));
	f->state = s;
	/* 4.6: the Restart timer runs only while a request awaits its answer. */
	if (!state_has_timer(s))
		fsm_timer_stop(f);
}

/* 4.4 zrc: wait one restart period before finishing (peer's Terminate-Request). */
static void fsm_zrc(struct ppp_fsm *f)
{
	f->restart_count = 0;
	fsm_timer_start(f);
}

/* --- actions (RFC 1661 4.4) --- */

/* tlu, tld, tls: tell the protocol its layer changed. */
static void fsm_layer(struct ppp_fsm *f, void (*hook)(struct ppp_fsm *), const char *what)
{
	ppp_fsm_log(f, CFG_LOG_DEBUG, "layer %s", what);
	if (hook)
		hook(f);
}

static void fsm_tlf(struct ppp_fsm *f, const char *why)
{
	ppp_fsm_log(f, CFG_LOG_DEBUG, "layer finished reason=\"%s\"", why);
	f->finish_reason = why;
	if (f->proto->tlf)
		f->proto->tlf(f);
}

static void fsm_build_request(struct ppp_fsm *f)
{
	size_t used = 0;

	for (size_t i = 0; i < f->proto->n_opts; i++) {
		const struct ppp_opt_handler *h = &f->proto->opts[i];
		size_t room;
		int n;

		if (!h->add_to_request)
			continue;
		if (PPP_FSM_REQ_MAX - used < PPP_OPT_HDR_LEN)
			break;
		room = PPP_FSM_REQ_MAX - used - PPP_OPT_HDR_LEN;
		if (room > PPP_OPT_PAYLOAD_MAX)
			room = PPP_OPT_PAYLOAD_MAX;
		n = h->add_to_request(f->ctx, f->req + used + PPP_OPT_HDR_LEN, room);
		if (n < 0 || (size_t)n > room)
			continue;
		f->req[used] = h->type;
		f->req[used + 1] = (uint8_t)(n + PPP_OPT_HDR_LEN);
		used += (size_t)n + PPP_OPT_HDR_LEN;
	}
	f->req_len = (uint8_t)used;
}

static void fsm_scr(struct ppp_fsm *f, enum scr_kind kind)
{
	if (kind == SCR_NEW) {
		if (f->proto->reset_ours)
			f->proto->reset_ours(f);
		f->naks_rcvd = 0;
		f->naks_sent = 0;
	}
	if (kind != SCR_RETRANSMIT) {
		fsm_build_request(f);
		f->req_id = ppp_fsm_new_id(f);
	}
	f->reply_seen = false;
	ppp_fsm_send_code(f, PPP_CODE_CONF_REQ, f->req_id, f->req, f->req_len);
	if (f->restart_count > 0)
		f->restart_count--;
	fsm_timer_start(f);
}

static void fsm_sca(struct ppp_fsm *f, const struct fsm_rx *rx)
{
	f->stats.acks_sent++;
	f->naks_sent = 0;
	ppp_fsm_send_code(f, PPP_CODE_CONF_ACK, rx->id, rx->data, rx->data_len);
}

/* Sends the Nak or Reject judged for this request. */
static void fsm_scn(struct ppp_fsm *f, const struct fsm_rx *rx)
{
	if (rx->reply_code == PPP_CODE_CONF_NAK) {
		f->stats.naks_sent++;
		f->naks_sent++;
	} else {
		f->stats.rejs_sent++;
	}
	ppp_fsm_send_code(f, rx->reply_code, rx->id, rx->reply, rx->reply_len);
}

static void fsm_str(struct ppp_fsm *f)
{
	const char *text = f->term_reason ? f->term_reason : "";

	ppp_fsm_send_code(f, PPP_CODE_TERM_REQ, ppp_fsm_new_id(f),
			  (const uint8_t *)text, strlen(text));
	if (f->restart_count > 0)
		f->restart_count--;
	fsm_timer_start(f);
}

static void fsm_sta(struct ppp_fsm *f, uint8_t id)
{
	ppp_fsm_send_code(f, PPP_CODE_TERM_ACK, id, NULL, 0);
}

static void fsm_scj(struct ppp_fsm *f, const struct fsm_rx *rx)
{
	ppp_fsm_send_code(f, PPP_CODE_CODE_REJ, ppp_fsm_new_id(f), rx->pkt, rx->len);
}

static void fsm_bad_event(struct ppp_fsm *f, enum fsm_event ev)
{
	f->stats.rx_bad_state++;
	ppp_fsm_log(f, CFG_LOG_DEBUG, "event=%s ignored state=%s", fsm_event_names[ev],
		    ppp_fsm_state_name(f->state));
}

/* RFC 1661 4.4 actions; a cell's actions run in this order (it fits every cell). */
enum {
	A_TLD = 1u << 0,
	A_IRC = 1u << 1,
	A_ZRC = 1u << 2,
	A_SCR = 1u << 3,
	A_SCA = 1u << 4,
	A_SCN = 1u << 5,
	A_STR = 1u << 6,
	A_STA = 1u << 7,
	A_SCJ = 1u << 8,
	A_TLU = 1u << 9,
	A_TLS = 1u << 10,
	A_TLF = 1u << 11,
};

struct fsm_cell {
	bool legal;             /* false: the table's "-" */
	uint16_t actions;
	enum ppp_fsm_state next;
};

#define C(acts, st) { .legal = true, .actions = (acts), .next = PPP_FSM_##st }
#define NO          { .legal = false, .actions = 0, .next = PPP_FSM_INITIAL }

/*
 * RFC 1661 4.1 state transition table, in its two halves. The footnotes
 * (p passive, r restart, x crossed) change no transition here: we implement
 * neither the passive nor the restart option.
 */
static const struct fsm_cell fsm_table[][PPP_FSM_NSTATES] = {
	/*              Initial         Starting               Closed
	 *              Stopped                   Closing           Stopping
	 *              Req-Sent                  Ack-Rcvd          Ack-Sent
	 *              Opened */
	[EV_UP] = {     C(0, CLOSED),   C(A_IRC | A_SCR, REQ_SENT), NO,
			NO,                       NO,               NO,
			NO,                       NO,               NO,
			NO },
	[EV_DOWN] = {   NO,             NO,                    C(0, INITIAL),
			C(A_TLS, STARTING),       C(0, INITIAL),    C(0, STARTING),
			C(0, STARTING),           C(0, STARTING),   C(0, STARTING),
			C(A_TLD, STARTING) },
	[EV_OPEN] = {   C(A_TLS, STARTING), C(0, STARTING),    C(A_IRC | A_SCR, REQ_SENT),
			C(0, STOPPED),            C(0, STOPPING),   C(0, STOPPING),
			C(0, REQ_SENT),           C(0, ACK_RCVD),   C(0, ACK_SENT),
			C(0, OPENED) },
	[EV_CLOSE] = {  C(0, INITIAL),  C(A_TLF, INITIAL),     C(0, CLOSED),
			C(0, CLOSED),             C(0, CLOSING),    C(0, CLOSING),
			C(A_IRC | A_STR, CLOSING), C(A_IRC | A_STR, CLOSING),
			C(A_IRC | A_STR, CLOSING),
			C(A_TLD | A_IRC | A_STR, CLOSING) },
	[EV_TO_PLUS] = { NO,            NO,                    NO,
			NO,                       C(A_STR, CLOSING), C(A_STR, STOPPING),
			C(A_SCR, REQ_SENT),       C(A_SCR, REQ_SENT), C(A_SCR, ACK_SENT),
			NO },
	[EV_TO_MINUS] = { NO,           NO,                    NO,
			NO,                       C(A_TLF, CLOSED), C(A_TLF, STOPPED),
			C(A_TLF, STOPPED),        C(A_TLF, STOPPED), C(A_TLF, STOPPED),
			NO },
	[EV_RCR_PLUS] = { NO,           NO,                    C(A_STA, CLOSED),
			C(A_IRC | A_SCR | A_SCA, ACK_SENT), C(0, CLOSING), C(0, STOPPING),
			C(A_SCA, ACK_SENT),       C(A_SCA | A_TLU, OPENED), C(A_SCA, ACK_SENT),
			C(A_TLD | A_SCR | A_SCA, ACK_SENT) },
	[EV_RCR_MINUS] = { NO,          NO,                    C(A_STA, CLOSED),
			C(A_IRC | A_SCR | A_SCN, REQ_SENT), C(0, CLOSING), C(0, STOPPING),
			C(A_SCN, REQ_SENT),       C(A_SCN, ACK_RCVD), C(A_SCN, REQ_SENT),
			C(A_TLD | A_SCR | A_SCN, REQ_SENT) },
	[EV_RCA] = {    NO,             NO,                    C(A_STA, CLOSED),
			C(A_STA, STOPPED),        C(0, CLOSING),    C(0, STOPPING),
			C(A_IRC, ACK_RCVD),       C(A_SCR, REQ_SENT), C(A_IRC | A_TLU, OPENED),
			C(A_TLD | A_SCR, REQ_SENT) },
	[EV_RCN] = {    NO,             NO,                    C(A_STA, CLOSED),
			C(A_STA, STOPPED),        C(0, CLOSING),    C(0, STOPPING),
			C(A_IRC | A_SCR, REQ_SENT), C(A_SCR, REQ_SENT), C(A_IRC | A_SCR, ACK_SENT),
			C(A_TLD | A_SCR, REQ_SENT) },
	[EV_RTR] = {    NO,             NO,                    C(A_STA, CLOSED),
			C(A_STA, STOPPED),        C(A_STA, CLOSING), C(A_STA, STOPPING),
			C(A_STA, REQ_SENT),       C(A_STA, REQ_SENT), C(A_STA, REQ_SENT),
			C(A_TLD | A_ZRC | A_STA, STOPPING) },
	[EV_RTA] = {    NO,             NO,                    C(0, CLOSED),
			C(0, STOPPED),            C(A_TLF, CLOSED), C(A_TLF, STOPPED),
			C(0, REQ_SENT),           C(0, REQ_SENT),   C(0, ACK_SENT),
			C(A_TLD | A_SCR, REQ_SENT) },
	[EV_RUC] = {    NO,             NO,                    C(A_SCJ, CLOSED),
			C(A_SCJ, STOPPED),        C(A_SCJ, CLOSING), C(A_SCJ, STOPPING),
			C(A_SCJ, REQ_SENT),       C(A_SCJ, ACK_RCVD), C(A_SCJ, ACK_SENT),
			C(A_SCJ, OPENED) },
	[EV_RXJ_PLUS] = { NO,           NO,                    C(0, CLOSED),
			C(0, STOPPED),            C(0, CLOSING),    C(0, STOPPING),
			C(0, REQ_SENT),           C(0, REQ_SENT),   C(0, ACK_SENT),
			C(0, OPENED) },
	[EV_RXJ_MINUS] = { NO,          NO,                    C(A_TLF, CLOSED),
			C(A_TLF, STOPPED),        C(A_TLF, CLOSED), C(A_TLF, STOPPED),
			C(A_TLF, STOPPED),        C(A_TLF, STOPPED), C(A_TLF, STOPPED),
			C(A_TLD | A_IRC | A_STR, STOPPING) },
};

#undef C
#undef NO

/* Text handed to tlf: why the layer finished. */
static const char *fsm_finish_reason(const struct ppp_fsm *f, enum fsm_event ev,
				     enum ppp_fsm_state from)
{
	if (ev == EV_RXJ_MINUS)
		return "rejected by peer";
	if (ev == EV_TO_MINUS && from != PPP_FSM_CLOSING && from != PPP_FSM_STOPPING)
		return "negotiation timed out";
	return f->term_reason ? f->term_reason : "terminated";
}

/*
 * Look the event up and run the cell. The state changes before the actions
 * run, so layer callbacks already see the new state.
 */
static void fsm_event(struct ppp_fsm *f, enum fsm_event ev, const struct fsm_rx *rx)
{
	enum ppp_fsm_state from = f->state;
	const struct fsm_cell *c = &fsm_table[ev][from];
	unsigned int a = c->actions;

	if (!c->legal) {
		fsm_bad_event(f, ev);
		return;
	}
	fsm_set_state(f, c->next);
	if (from == PPP_FSM_OPENED && ev == EV_RTR)
		f->term_reason = NULL;             /* the peer's doing, not ours */
	if (ev == EV_RXJ_MINUS && (a & A_STR) && !f->term_reason)
		f->term_reason = "rejected by peer";
	if (ev == EV_TO_MINUS && from != PPP_FSM_CLOSING && from != PPP_FSM_STOPPING)
		ppp_fsm_log(f, CFG_LOG_INFO, "no answer after %u Configure-Requests",
			    (unsigned int)f->max_configure);
	if (a & A_TLD)
		fsm_layer(f, f->proto->tld, "down");
	if (a & A_IRC)
		f->restart_count = (a & A_STR) ? f->max_terminate : f->max_configure;
	if (a & A_ZRC)
		fsm_zrc(f);
	if (a & A_SCR) {
		enum scr_kind kind = SCR_UPDATED;

		/* A fresh negotiation starts from our configured wishes. */
		if ((a & A_TLD) || from == PPP_FSM_STARTING || from == PPP_FSM_CLOSED ||
		    from == PPP_FSM_STOPPED)
			kind = SCR_NEW;
		else if (ev == EV_TO_PLUS)
			kind = SCR_RETRANSMIT;
		fsm_scr(f, kind);
	}
	if (a & A_SCA)
		fsm_sca(f, rx);
	if (a & A_SCN)
		fsm_scn(f, rx);
	if (a & A_STR)
		fsm_str(f);
	if (a & A_STA)
		fsm_sta(f, rx->id);
	if (a & A_SCJ)
		fsm_scj(f, rx);
	if (a & A_TLU)
		fsm_layer(f, f->proto->tlu, "up");
	if (a & A_TLS)
		fsm_layer(f, f->proto->tls, "started");
	if (a & A_TLF)
		fsm_tlf(f, fsm_finish_reason(f, ev, from));
}

/* --- entry points --- */

static void fsm_enter(struct ppp_fsm *f)
{
	f->busy++;
}

/* Leaving the outermost entry point applies a close asked for by a callback. */
static void fsm_leave(struct ppp_fsm *f)
{
	if (--f->busy == 0 && f->close_reason) {
		const char *reason = f->close_reason;

		f->close_reason = NULL;
		ppp_fsm_close(f, reason);
	}
}

/* An event that carries no packet, from outside the automaton. */
static void fsm_run(struct ppp_fsm *f, enum fsm_event ev)
{
	fsm_enter(f);
	fsm_event(f, ev, NULL);
	fsm_leave(f);
}

void ppp_fsm_up(struct ppp_fsm *f)
{
	fsm_run(f, EV_UP);
}

void ppp_fsm_down(struct ppp_fsm *f)
{
	fsm_run(f, EV_DOWN);
}

void ppp_fsm_open(struct ppp_fsm *f)
{
	fsm_enter(f);
	f->term_reason = NULL;
	fsm_event(f, EV_OPEN, NULL);
	fsm_leave(f);
}

void ppp_fsm_close(struct ppp_fsm *f, const char *reason)
{
	fsm_enter(f);
	if (reason)
		f->term_reason = reason;
	fsm_event(f, EV_CLOSE, NULL);
	fsm_leave(f);
}

void ppp_fsm_request_close(struct ppp_fsm *f, const char *reason)
{
	if (!reason)
		reason = "closed";
	if (f->busy == 0)
		ppp_fsm_close(f, reason);
	else if (!f->close_reason)
		f->close_reason = reason;
}

void ppp_fsm_timeout(struct ppp_fsm *f)
{
	fsm_enter(f);
	if (f->timer_running) {
		f->timer_running = false;   /* the owner's timer is one-shot */
		f->stats.timeouts++;
		fsm_event(f, f->restart_count > 0 ? EV_TO_PLUS : EV_TO_MINUS, NULL);
	}
	fsm_leave(f);
}

void ppp_fsm_rejected(struct ppp_fsm *f, bool catastrophic)
{
	fsm_run(f, catastrophic ? EV_RXJ_MINUS : EV_RXJ_PLUS);
}

/* RFC 1661 6: options are Type, Length (>= 2), Data, and tile the field exactly. */
static bool opts_valid(const uint8_t *p, size_t len)
{
	while (len > 0) {
		if (len < PPP_OPT_HDR_LEN || p[1] < PPP_OPT_HDR_LEN || p[1] > len)
			return false;
		len -= p[1];
		p += p[1];
	}
	return true;
}

static const struct ppp_opt_handler *fsm_handler(const struct ppp_fsm *f, uint8_t type)
{
	for (size_t i = 0; i < f->proto->n_opts; i++)
		if (f->proto->opts[i].type == type)
			return &f->proto->opts[i];
	return NULL;
}

static bool handler_len_ok(const struct ppp_opt_handler *h, uint8_t olen)
{
	return olen >= h->min_len && olen <= h->max_len;
}

static void writer_put(struct opt_writer *w, uint8_t type, const uint8_t *payload, size_t n)
{
	if (w->len + PPP_OPT_HDR_LEN + n > w->cap)
		return;
	w->buf[w->len] = type;
	w->buf[w->len + 1] = (uint8_t)(n + PPP_OPT_HDR_LEN);
	if (n)
		memcpy(w->buf + w->len + PPP_OPT_HDR_LEN, payload, n);
	w->len += PPP_OPT_HDR_LEN + n;
}

/*
 * RFC 1661 5.1-5.4: judge a whole Configure-Request. Any rejected option
 * makes the reply a Configure-Reject of just those; otherwise any Nak'd
 * option a Configure-Nak; otherwise a Configure-Ack. After Max-Failure Naks
 * without an Ack (4.6), options we would Nak are rejected instead.
 */
static bool fsm_judge_request(struct ppp_fsm *f, struct fsm_rx *rx)
{
	uint8_t rej_buf[PPP_CTRL_MAX], nak_buf[PPP_CTRL_MAX], nak_orig_buf[PPP_CTRL_MAX];
	struct opt_writer rej = { rej_buf, 0, sizeof(rej_buf) };
	struct opt_writer nak = { nak_buf, 0, sizeof(nak_buf) };
	struct opt_writer nak_orig = { nak_orig_buf, 0, sizeof(nak_orig_buf) };
	uint8_t seen[(UINT8_MAX + 1) / 8] = { 0 };
	uint8_t payload[PPP_OPT_PAYLOAD_MAX];
	const uint8_t *p = rx->data;
	size_t left = rx->data_len;
	const struct opt_writer *reply;

	if (f->proto->reset_peer)
		f->proto->reset_peer(f);
	while (left > 0) {
		uint8_t type = p[0], olen = p[1];
		const struct ppp_opt_handler *h = fsm_handler(f, type);
		enum ppp_opt_verdict v = PPP_OPT_REJ;
		size_t nlen = 0;

		seen[type / 8] |= (uint8_t)(1u << (type % 8));
		if (h && h->check_request && handler_len_ok(h, olen))
			v = h->check_request(f->ctx, p + PPP_OPT_HDR_LEN,
					     olen - PPP_OPT_HDR_LEN, payload, &nlen);
		if (v == PPP_OPT_NAK && nlen > PPP_OPT_PAYLOAD_MAX)
			v = PPP_OPT_REJ;
		if (v != PPP_OPT_ACK)
			ppp_fsm_log(f, CFG_LOG_DEBUG, "peer option=%s(%u) %s",
				h ? h->name : "unknown", (unsigned int)type,
				v == PPP_OPT_NAK ? "nak" : "reject");
		if (v == PPP_OPT_REJ) {
			writer_put(&rej, type, p + PPP_OPT_HDR_LEN, olen - PPP_OPT_HDR_LEN);
		} else if (v == PPP_OPT_NAK) {
			writer_put(&nak, type, payload, nlen);
			writer_put(&nak_orig, type, p + PPP_OPT_HDR_LEN, olen - PPP_OPT_HDR_LEN);
		}
		left -= olen;
		p += olen;
	}
	for (size_t i = 0; i < f->proto->n_opts; i++) {
		const struct ppp_opt_handler *h = &f->proto->opts[i];
		int n;

		if (!h->nak_if_absent || (seen[h->type / 8] & (1u << (h->type % 8))))
			continue;
		n = h->nak_if_absent(f->ctx, payload);
		if (n >= 0 && n <= PPP_OPT_PAYLOAD_MAX)
			writer_put(&nak, h->type, payload, (size_t)n);
	}

	if (rej.len > 0) {
		rx->reply_code = PPP_CODE_CONF_REJ;
		reply = &rej;
	} else if (nak.len > 0 && f->naks_sent >= f->max_failure) {
		/* 4.6 Max-Failure: stop suggesting; a hint alone is simply dropped. */
		f->stats.naks_to_rejs++;
		rx->reply_code = nak_orig.len > 0 ? PPP_CODE_CONF_REJ : PPP_CODE_CONF_ACK;
		reply = &nak_orig;
	} else if (nak.len > 0) {
		rx->reply_code = PPP_CODE_CONF_NAK;
		reply = &nak;
	} else {
		rx->reply_code = PPP_CODE_CONF_ACK;
		reply = NULL;
	}
	rx->reply_len = reply ? reply->len : 0;
	if (reply && reply->len)
		memcpy(rx->reply, reply->buf, reply->len);
	return rx->reply_code == PPP_CODE_CONF_ACK;
}

static void fsm_rcv_conf_req(struct ppp_fsm *f, struct fsm_rx *rx)
{
	bool good;

	if (f->state == PPP_FSM_CLOSED) {                      /* sta/2 without judging */
		fsm_event(f, EV_RCR_PLUS, rx);
		return;
	}
	if (f->state == PPP_FSM_CLOSING || f->state == PPP_FSM_STOPPING)
		return;                                        /* 4, 5 */
	if (!opts_valid(rx->data, rx->data_len)) {
		f->stats.rx_bad_options++;
		return;
	}
	good = fsm_judge_request(f, rx);
	fsm_event(f, good ? EV_RCR_PLUS : EV_RCR_MINUS, rx);
}

static bool fsm_awaiting_reply(const struct ppp_fsm *f)
{
	return f->state == PPP_FSM_REQ_SENT || f->state == PPP_FSM_ACK_RCVD ||
	       f->state == PPP_FSM_ACK_SENT || f->state == PPP_FSM_OPENED;
}

/* RFC 1661 5.2-5.4: a reply must carry our last request's Identifier, once. */
static bool fsm_reply_current(struct ppp_fsm *f, const struct fsm_rx *rx)
{
	if (rx->id != f->req_id || f->reply_seen) {
		f->stats.rx_stale_id++;
		ppp_fsm_log(f, CFG_LOG_DEBUG, "stale reply code=%u id=%u want=%u",
			(unsigned int)rx->code, (unsigned int)rx->id, (unsigned int)f->req_id);
		return false;
	}
	return true;
}

/* RFC 1661 5.2: a Configure-Ack repeats our options exactly. */
static void fsm_rcv_conf_ack(struct ppp_fsm *f, struct fsm_rx *rx)
{
	const uint8_t *p = f->req;
	size_t left = f->req_len;

	if (!fsm_awaiting_reply(f)) {
		fsm_event(f, EV_RCA, rx);
		return;
	}
	if (!fsm_reply_current(f, rx))
		return;
	if (rx->data_len != f->req_len || memcmp(rx->data, f->req, f->req_len) != 0) {
		f->stats.rx_bad_ack++;
		return;
	}
	f->reply_seen = true;
	f->naks_rcvd = 0;
	while (left > 0) {
		const struct ppp_opt_handler *h = fsm_handler(f, p[0]);

		if (h && h->on_ack)
			h->on_ack(f->ctx, p + PPP_OPT_HDR_LEN, p[1] - PPP_OPT_HDR_LEN);
		left -= p[1];
		p += p[1];
	}
	fsm_event(f, EV_RCA, rx);
}

/* RFC 1661 5.4: every rejected option must be one we sent, unchanged. */
static bool fsm_reject_valid(const struct ppp_fsm *f, const uint8_t *p, size_t left)
{
	while (left > 0) {
		const uint8_t *q = f->req;
		size_t qleft = f->req_len;
		bool found = false;

		while (qleft > 0 && !found) {
			found = q[1] == p[1] && memcmp(q, p, p[1]) == 0;
			qleft -= q[1];
			q += q[1];
		}
		if (!found)
			return false;
		left -= p[1];
		p += p[1];
	}
	return true;
}

static void fsm_rcv_conf_nak_rej(struct ppp_fsm *f, struct fsm_rx *rx)
{
	bool is_rej = rx->code == PPP_CODE_CONF_REJ;
	const uint8_t *p = rx->data;
	size_t left = rx->data_len;

	if (!fsm_awaiting_reply(f)) {
		fsm_event(f, EV_RCN, rx);
		return;
	}
	if (!fsm_reply_current(f, rx))
		return;
	if (!opts_valid(rx->data, rx->data_len)) {
		f->stats.rx_bad_options++;
		return;
	}
	if (is_rej && !fsm_reject_valid(f, rx->data, rx->data_len)) {
		f->stats.rx_bad_reject++;
		return;
	}
	f->reply_seen = true;
	if (++f->naks_rcvd > PPP_FSM_MAX_NAKS_RCVD) {
		ppp_fsm_request_close(f, "negotiation did not converge");
		return;
	}
	while (left > 0) {
		const struct ppp_opt_handler *h = fsm_handler(f, p[0]);
		uint8_t olen = p[1];

		if (h && handler_len_ok(h, olen)) {
			if (is_rej && h->on_reject)
				h->on_reject(f->ctx);
			else if (!is_rej && h->on_nak)
				h->on_nak(f->ctx, p + PPP_OPT_HDR_LEN, olen - PPP_OPT_HDR_LEN);
		}
		left -= olen;
		p += olen;
	}
	/* A handler gave up (e.g. nothing acceptable left): close instead of retrying. */
	if (f->close_reason)
		return;
	fsm_event(f, EV_RCN, rx);
}

static void fsm_rcv_code_rej(struct ppp_fsm *f, struct fsm_rx *rx)
{
	uint8_t code;
	bool catastrophic;

	if (rx->data_len < 1) {
		f->stats.rx_bad_code_rej++;
		return;
	}
	code = rx->data[0];
	/* RFC 1661 5.6: losing any of codes 1-7 makes the protocol unusable. */
	catastrophic = code >= PPP_CODE_CONF_REQ && code <= PPP_CODE_CODE_REJ;
	ppp_fsm_log(f, CFG_LOG_INFO, "peer rejected code=%u", (unsigned int)code);
	if (!catastrophic && f->proto->code_rejected)
		f->proto->code_rejected(f, code);
	fsm_event(f, catastrophic ? EV_RXJ_MINUS : EV_RXJ_PLUS, rx);
}

void ppp_fsm_input(struct ppp_fsm *f, const uint8_t *pkt, size_t len)
{
	struct fsm_rx rx;
	size_t plen;

	fsm_enter(f);
	f->stats.rx_packets++;
	/* RFC 1661 5: Length below the header or beyond the buffer: discard. */
	if (len < PPP_CP_HDR_LEN) {
		f->stats.rx_short++;
		goto out;
	}
	plen = ppp_get16(pkt + 2);
	if (plen < PPP_CP_HDR_LEN || plen > len) {
		f->stats.rx_short++;
		goto out;
	}
	if (plen > PPP_CTRL_MAX) {
		f->stats.rx_too_long++;
		goto out;
	}
	if (f->state == PPP_FSM_INITIAL || f->state == PPP_FSM_STARTING) {
		f->stats.rx_bad_state++;
		goto out;
	}
	/* Octets past Length are padding (RFC 1661 5). */
	rx.code = pkt[0];
	rx.id = pkt[1];
	rx.pkt = pkt;
	rx.len = plen;
	rx.data = pkt + PPP_CP_HDR_LEN;
	rx.data_len = plen - PPP_CP_HDR_LEN;
	rx.reply_code = 0;
	rx.reply_len = 0;

	switch (rx.code) {
	case PPP_CODE_CONF_REQ:
		fsm_rcv_conf_req(f, &rx);
		break;
	case PPP_CODE_CONF_ACK:
		fsm_rcv_conf_ack(f, &rx);
		break;
	case PPP_CODE_CONF_NAK:
	case PPP_CODE_CONF_REJ:
		fsm_rcv_conf_nak_rej(f, &rx);
		break;
	case PPP_CODE_TERM_REQ:
		if (f->proto->peer_terminate && f->state != PPP_FSM_CLOSED &&
		    f->state != PPP_FSM_STOPPED)
			f->proto->peer_terminate(f, rx.data, rx.data_len);
		fsm_event(f, EV_RTR, &rx);
		break;
	case PPP_CODE_TERM_ACK:
		fsm_event(f, EV_RTA, &rx);
		break;
	case PPP_CODE_CODE_REJ:
		fsm_rcv_code_rej(f, &rx);
		break;
	default:
		if (f->proto->extcode &&
		    f->proto->extcode(f, rx.code, rx.id, rx.data, rx.data_len))
			break;
		f->stats.rx_unknown_code++;
		fsm_event(f, EV_RUC, &rx);
		break;
	}
out:
	fsm_leave(f);
}
