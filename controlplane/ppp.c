/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The PPP link: phases (RFC 1661 3), demultiplexing (RFC 1661 2), and the
 * glue between LCP, authentication, IPCP and CCP. Everything the link asks
 * of the outside world goes through struct ppp_ops.
 *
 * Teardown asked for from inside a callback (an option handler giving up,
 * CCP failing with encryption required, an authentication failure) is not
 * done on the spot: it is recorded and applied when the outermost ppp_* call
 * returns, so no automaton is ever re-entered mid-event.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "ppp.h"

struct ppp_link {
	struct ppp_params params;
	const struct ppp_ops *ops;
	void *ctx;
	enum ppp_phase phase;
	struct lcp lcp;
	struct ipcp ipcp;
	struct ccp ccp;
	bool started;
	bool lower_down;
	bool close_reported;
	bool stop_pending;
	bool stop_done;
	bool auth_running;
	uint16_t auth_proto;          /* agreed when LCP opened */
	uint8_t auth_algo;
	bool ipcp_up;
	bool ccp_up;
	bool ccp_settled;             /* CCP up, or finished where that is allowed */
	bool ipcp_held;               /* IPCP opened, its lower layer held down until CCP */
	bool net_up;
	unsigned int busy;
	struct ppp_net_result net;
	char reason[PPP_REASON_MAX];
	struct ppp_stats stats;
};

static const char *const ppp_phase_names[] = {
	[PPP_PHASE_DEAD] = "dead",
	[PPP_PHASE_ESTABLISH] = "establish",
	[PPP_PHASE_AUTHENTICATE] = "authenticate",
	[PPP_PHASE_NETWORK] = "network",
	[PPP_PHASE_TERMINATE] = "terminate",
};

const char *ppp_phase_name(enum ppp_phase phase)
{
	return (unsigned int)phase <= PPP_PHASE_TERMINATE ? ppp_phase_names[phase] : "?";
}

static void ppp_log(struct ppp_link *l, enum cfg_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void ppp_log(struct ppp_link *l, enum cfg_log_level level, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (l->ops->log)
		l->ops->log(l->ctx, level, msg);
	else
		log_msg(level, LOG_TOPIC_PPP, "%s", msg);
}

static void ppp_set_phase(struct ppp_link *l, enum ppp_phase phase)
{
	if (l->phase != phase)
		ppp_log(l, CFG_LOG_DEBUG, "phase=%s->%s", ppp_phase_name(l->phase),
			ppp_phase_name(phase));
	l->phase = phase;
}

/* First reason wins: later ones are consequences. */
static void ppp_set_reason(struct ppp_link *l, const char *reason)
{
	if (!l->reason[0] && reason && reason[0])
		snprintf(l->reason, sizeof(l->reason), "%s", reason);
}

static void ppp_request_stop(struct ppp_link *l, const char *reason)
{
	ppp_set_reason(l, reason);
	l->stop_pending = true;
}

/* --- environment given to the automatons --- */

static int env_send(void *ctx, uint16_t proto, const uint8_t *pkt, size_t len)
{
	struct ppp_link *l = ctx;

	if (l->lower_down) {
		l->stats.tx_dropped++;
		return -1;
	}
	return l->ops->send(l->ctx, proto, pkt, len);
}

static void env_timer_start(void *ctx, struct ppp_fsm *f, uint32_t ms)
{
	struct ppp_link *l = ctx;

	l->ops->timer_start(l->ctx, (enum ppp_timer)f->timer_id, ms);
}

static void env_timer_stop(void *ctx, struct ppp_fsm *f)
{
	struct ppp_link *l = ctx;

	l->ops->timer_stop(l->ctx, (enum ppp_timer)f->timer_id);
}

static void env_log(void *ctx, enum cfg_log_level level, const char *msg)
{
	ppp_log(ctx, level, "%s", msg);
}

static const struct ppp_fsm_env ppp_env = {
	.send = env_send,
	.timer_start = env_timer_start,
	.timer_stop = env_timer_stop,
	.log = env_log,
};

/* --- network layer state --- */

static void ppp_net_down(struct ppp_link *l)
{
	if (!l->net_up)
		return;
	l->net_up = false;
	ppp_log(l, CFG_LOG_INFO, "network down");
	l->ops->network_down(l->ctx);
}

/* Up once IPCP is open and CCP has settled the way the policy allows. */
static void ppp_net_maybe_up(struct ppp_link *l)
{
	uint16_t mtu = l->params.max_mtu ? l->params.max_mtu : PPP_MRU_DEFAULT;

	if (l->net_up || l->phase != PPP_PHASE_NETWORK || !l->ipcp_up || !l->ccp_settled)
		return;
	if (l->lcp.his.mru < mtu)
		mtu = l->lcp.his.mru;
	l->net.mtu = mtu;
	l->net.mru = l->lcp.ours.mru;
	l->net.tx_pfc = l->lcp.his.pfc;
	l->net.tx_acfc = l->lcp.his.acfc;
	/* RFC 1990 5.1.1: multilink only when each side took the other's MRRU. */
	l->net.mp_mrru_tx = 0;
	l->net.mp_mrru_rx = 0;
	l->net.mp_ssn_tx = false;
	l->net.mp_ssn_rx = false;
	if (l->lcp.ours.mrru && l->lcp.his.mrru) {
		l->net.mp_mrru_tx = l->lcp.his.mrru;
		l->net.mp_mrru_rx = l->lcp.ours.mrru;
		l->net.mp_ssn_tx = l->lcp.his.ssnhf;
		l->net.mp_ssn_rx = l->lcp.ours.ssnhf;
		ppp_log(l, CFG_LOG_INFO, "multilink mrru=%u peer-mrru=%u short-seq=%s",
			(unsigned int)l->net.mp_mrru_rx, (unsigned int)l->net.mp_mrru_tx,
			l->net.mp_ssn_tx ? "yes" : "no");
	}
	if (!l->ccp_up) {
		l->net.mppe_key = 0;
		l->net.mppe_stateless = false;
	}
	l->net_up = true;
	ppp_log(l, CFG_LOG_INFO, "network up local=%u.%u.%u.%u peer=%u.%u.%u.%u mtu=%u encoding=\"%s%s\"",
		(l->net.local_addr >> 24) & 0xff, (l->net.local_addr >> 16) & 0xff,
		(l->net.local_addr >> 8) & 0xff, l->net.local_addr & 0xff,
		(l->net.peer_addr >> 24) & 0xff, (l->net.peer_addr >> 16) & 0xff,
		(l->net.peer_addr >> 8) & 0xff, l->net.peer_addr & 0xff,
		(unsigned int)mtu, ccp_mppe_name(l->net.mppe_key),
		l->net.mppe_key ? (l->net.mppe_stateless ? " stateless" : " stateful") : "");
	l->ops->network_up(l->ctx, &l->net);
}

/* IPCP may send from now on: its Configure-Request goes out. */
static void ppp_ipcp_release(struct ppp_link *l)
{
	if (!l->ipcp_held)
		return;
	l->ipcp_held = false;
	ppp_fsm_up(&l->ipcp.fsm);
}

static void ppp_enter_network(struct ppp_link *l)
{
	ppp_set_phase(l, PPP_PHASE_NETWORK);
	ppp_fsm_open(&l->ipcp.fsm);
	/*
	 * With MPPE required, IPCP waits for CCP (or for the peer's own IPCP
	 * Configure-Request, whichever comes first). pppd with require-mppe
	 * keeps its IPCP closed until CCP is up and answers an early
	 * Configure-Request with Terminate-Ack, which in Req-Sent only waits
	 * for our restart timer (RFC 1661 4.1, RTA): 3 s lost per connection.
	 */
	l->ipcp_held = l->ccp.params.encryption == CCP_ENC_REQUIRED;
	if (!l->ipcp_held)
		ppp_fsm_up(&l->ipcp.fsm);
	/* RFC 1962: CCP starts only now, after authentication (MPPE keys need it). */
	if (l->ccp.params.encryption == CCP_ENC_REFUSED) {
		l->ccp_settled = true;
	} else {
		l->ccp_settled = false;
		ppp_fsm_open(&l->ccp.fsm);
		ppp_fsm_up(&l->ccp.fsm);
	}
}

/* LCP left Opened or the link is going away: NCPs back to Initial. */
static void ppp_ncps_down(struct ppp_link *l)
{
	ppp_fsm_down(&l->ipcp.fsm);
	ppp_fsm_close(&l->ipcp.fsm, NULL);
	ppp_fsm_down(&l->ccp.fsm);
	ppp_fsm_close(&l->ccp.fsm, NULL);
	l->ipcp_up = false;
	l->ipcp_held = false;
	l->ccp_up = false;
	l->ccp_settled = false;
	ppp_net_down(l);
}

static void ppp_finish(struct ppp_link *l, const char *reason)
{
	ppp_set_phase(l, PPP_PHASE_DEAD);
	ppp_set_reason(l, reason);
	if (l->close_reported || l->lower_down)
		return;
	l->close_reported = true;
	ppp_log(l, CFG_LOG_INFO, "link closed reason=\"%s\"", l->reason);
	l->ops->close(l->ctx, l->reason);
}

/* --- LCP events --- */

static void link_lcp_up(void *owner)
{
	struct ppp_link *l = owner;
	bool server = l->params.role == PPP_ROLE_SERVER;
	const struct lcp_neg *n = server ? &l->lcp.ours : &l->lcp.his;

	ppp_fsm_set_peer_mru(&l->ipcp.fsm, l->lcp.his.mru);
	ppp_fsm_set_peer_mru(&l->ccp.fsm, l->lcp.his.mru);
	l->auth_proto = n->auth_proto;
	l->auth_algo = n->auth_algo;
	ppp_log(l, CFG_LOG_INFO, "lcp opened mru=%u peer-mru=%u auth=%s",
		(unsigned int)l->lcp.ours.mru, (unsigned int)l->lcp.his.mru,
		lcp_auth_name(l->auth_proto, l->auth_algo));
	if (server && l->params.auth && !l->auth_proto) {
		ppp_request_stop(l, LCP_REASON_AUTH_REFUSED);
		return;
	}
	if (!l->auth_proto) {
		ppp_enter_network(l);
		return;
	}
	ppp_set_phase(l, PPP_PHASE_AUTHENTICATE);
	l->auth_running = true;
	l->ops->auth_start(l->ctx, l->params.role, l->auth_proto, l->auth_algo);
}

static void link_lcp_down(void *owner)
{
	struct ppp_link *l = owner;
	enum ppp_fsm_state s = l->lcp.fsm.state;

	ppp_set_phase(l, (s == PPP_FSM_CLOSING || s == PPP_FSM_STOPPING) ?
			  PPP_PHASE_TERMINATE : PPP_PHASE_ESTABLISH);
	if (l->auth_running) {
		l->auth_running = false;
		if (l->ops->auth_stop)
			l->ops->auth_stop(l->ctx);
	}
	l->auth_proto = 0;
	ppp_ncps_down(l);
}

static void link_lcp_finished(void *owner)
{
	struct ppp_link *l = owner;
	char why[PPP_REASON_MAX];

	if (l->lcp.peer_terminated)
		snprintf(why, sizeof(why), "peer terminated%s%s",
			 l->lcp.peer_reason[0] ? ": " : "", l->lcp.peer_reason);
	else if (l->lcp.fsm.term_reason)
		snprintf(why, sizeof(why), "%s", l->lcp.fsm.term_reason);
	else
		snprintf(why, sizeof(why), "lcp: %s",
			 l->lcp.fsm.finish_reason ? l->lcp.fsm.finish_reason : "finished");
	ppp_finish(l, why);
}

const char *ppp_peer_term_reason(const struct ppp_link *l)
{
	return l->lcp.peer_terminated ? l->lcp.peer_reason : "";
}

static void link_lcp_protocol_reject(void *owner, uint16_t proto)
{
	struct ppp_link *l = owner;

	if (proto == PPP_PROTO_IPCP) {
		ppp_fsm_rejected(&l->ipcp.fsm, true);
	} else if (proto == PPP_PROTO_CCP) {
		ppp_fsm_rejected(&l->ccp.fsm, true);
	} else if (l->auth_proto && proto == l->auth_proto && l->phase == PPP_PHASE_AUTHENTICATE) {
		ppp_request_stop(l, "peer rejected the authentication protocol");
	}
}

static void link_lcp_echo_reply(void *owner, uint8_t id)
{
	struct ppp_link *l = owner;

	if (l->ops->echo_reply)
		l->ops->echo_reply(l->ctx, id);
}

static uint32_t link_random(void *owner)
{
	struct ppp_link *l = owner;

	return l->ops->random(l->ctx);
}

static const struct lcp_ops link_lcp_ops = {
	.up = link_lcp_up,
	.down = link_lcp_down,
	.finished = link_lcp_finished,
	.protocol_reject = link_lcp_protocol_reject,
	.echo_reply = link_lcp_echo_reply,
	.random = link_random,
};

static const struct lcp_ops link_lcp_ops_getrandom = {
	.up = link_lcp_up,
	.down = link_lcp_down,
	.finished = link_lcp_finished,
	.protocol_reject = link_lcp_protocol_reject,
	.echo_reply = link_lcp_echo_reply,
};

/* --- IPCP events --- */

static void link_ipcp_up(void *owner, uint32_t local, uint32_t peer, uint32_t dns1, uint32_t dns2)
{
	struct ppp_link *l = owner;

	l->net.local_addr = local;
	l->net.peer_addr = peer;
	l->net.dns[0] = dns1;
	l->net.dns[1] = dns2;
	l->ipcp_up = true;
	ppp_net_maybe_up(l);
}

static void link_ipcp_down(void *owner)
{
	struct ppp_link *l = owner;

	l->ipcp_up = false;
	ppp_net_down(l);
}

/* Without IPCP a PPTP link carries nothing: end it (pppd does the same). */
static void link_ipcp_finished(void *owner)
{
	struct ppp_link *l = owner;
	char why[PPP_REASON_MAX];

	l->ipcp_up = false;
	if (l->phase != PPP_PHASE_NETWORK)
		return;
	snprintf(why, sizeof(why), "ipcp: %s",
		 l->ipcp.fsm.finish_reason ? l->ipcp.fsm.finish_reason : "finished");
	ppp_request_stop(l, why);
}

static const struct ipcp_ops link_ipcp_ops = {
	.on_up = link_ipcp_up,
	.on_down = link_ipcp_down,
	.on_finished = link_ipcp_finished,
};

/* --- CCP events --- */

static void link_ccp_up(void *owner, uint32_t key_bit, bool stateless)
{
	struct ppp_link *l = owner;

	l->net.mppe_key = key_bit;
	l->net.mppe_stateless = stateless;
	l->ccp_up = true;
	l->ccp_settled = true;
	ppp_ipcp_release(l);
	ppp_net_maybe_up(l);
}

/* The encryption of a running network changes: take it down until CCP settles. */
static void link_ccp_down(void *owner)
{
	struct ppp_link *l = owner;

	l->ccp_up = false;
	l->ccp_settled = false;
	ppp_net_down(l);
}

static void link_ccp_finished(void *owner)
{
	struct ppp_link *l = owner;

	l->ccp_up = false;
	if (l->phase != PPP_PHASE_NETWORK)
		return;
	if (l->ccp.params.encryption == CCP_ENC_REQUIRED) {
		ppp_request_stop(l, CCP_REASON_REQUIRED);
		return;
	}
	l->ccp_settled = true;
	ppp_net_maybe_up(l);
}

static void link_ccp_reset_request(void *owner)
{
	struct ppp_link *l = owner;

	if (l->ops->ccp_reset)
		l->ops->ccp_reset(l->ctx);
}

static void link_ccp_fail(void *owner, const char *reason)
{
	ppp_request_stop(owner, reason);
}

static const struct ccp_ops link_ccp_ops = {
	.on_up = link_ccp_up,
	.on_down = link_ccp_down,
	.on_finished = link_ccp_finished,
	.reset_request = link_ccp_reset_request,
	.fail = link_ccp_fail,
};

/* --- entry points --- */

static void ppp_do_stop(struct ppp_link *l)
{
	enum ppp_fsm_state s = l->lcp.fsm.state;

	ppp_log(l, CFG_LOG_INFO, "stopping reason=\"%s\"", l->reason);
	if (l->phase != PPP_PHASE_DEAD)
		ppp_set_phase(l, PPP_PHASE_TERMINATE);
	ppp_fsm_close(&l->lcp.fsm, l->reason);
	/* Nothing to terminate with the peer from these states: finished now. */
	if (s == PPP_FSM_INITIAL || s == PPP_FSM_CLOSED || s == PPP_FSM_STOPPED) {
		ppp_ncps_down(l);
		ppp_finish(l, l->reason);
	}
}

static void ppp_enter(struct ppp_link *l)
{
	l->busy++;
}

static void ppp_leave(struct ppp_link *l)
{
	if (l->busy > 1) {
		l->busy--;
		return;
	}
	while (l->stop_pending) {
		l->stop_pending = false;
		if (!l->stop_done) {
			l->stop_done = true;
			ppp_do_stop(l);
		}
	}
	l->busy--;
}

void ppp_params_default(struct ppp_params *p, enum ppp_role role)
{
	memset(p, 0, sizeof(*p));
	p->role = role;
	p->max_mru = PPP_ROUTEROS_MTU_DEFAULT;
	p->max_mtu = PPP_ROUTEROS_MTU_DEFAULT;
	p->auth = role == PPP_ROLE_SERVER ? (CFG_AUTH_MSCHAP1 | CFG_AUTH_MSCHAP2) : CFG_AUTH_ALL;
	p->restart_ms = PPP_RESTART_MS_DEFAULT;
	p->ipcp.request_dns = role == PPP_ROLE_CLIENT;
	ccp_params_default(&p->ccp);
}

struct ppp_link *ppp_create(const struct ppp_params *p, const struct ppp_ops *ops, void *ctx)
{
	struct ppp_link *l;
	struct lcp_config lc = {
		.role = p->role,
		.mru = p->max_mru,
		.auth = p->auth,
		.mrru = p->mrru,
		.request_pfc = p->request_pfc,
		.request_acfc = p->request_acfc,
	};

	if (!ops || !ops->send || !ops->close || !ops->timer_start || !ops->timer_stop ||
	    !ops->network_up || !ops->network_down)
		return NULL;
	if (p->auth && (!ops->auth_start || !ops->auth_input))
		return NULL;
	l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	l->params = *p;
	l->ops = ops;
	l->ctx = ctx;
	l->phase = PPP_PHASE_DEAD;
	lcp_init(&l->lcp, &lc, ops->random ? &link_lcp_ops : &link_lcp_ops_getrandom, l,
		 &ppp_env, l, PPP_TIMER_LCP);
	ipcp_init(&l->ipcp, p->role, &p->ipcp, &link_ipcp_ops, l, &ppp_env, l, PPP_TIMER_IPCP);
	ccp_init(&l->ccp, p->role, &p->ccp, &link_ccp_ops, l, &ppp_env, l, PPP_TIMER_CCP);
	ppp_fsm_set_restart(&l->lcp.fsm, p->restart_ms);
	ppp_fsm_set_restart(&l->ipcp.fsm, p->restart_ms);
	ppp_fsm_set_restart(&l->ccp.fsm, p->restart_ms);
	return l;
}

void ppp_start(struct ppp_link *l)
{
	ppp_enter(l);
	if (!l->started) {
		l->started = true;
		ppp_set_phase(l, PPP_PHASE_ESTABLISH);
		ppp_fsm_open(&l->lcp.fsm);
		ppp_fsm_up(&l->lcp.fsm);
	}
	ppp_leave(l);
}

void ppp_stop(struct ppp_link *l, const char *reason)
{
	ppp_enter(l);
	ppp_request_stop(l, reason ? reason : "administrative close");
	ppp_leave(l);
}

void ppp_lower_down(struct ppp_link *l)
{
	ppp_enter(l);
	l->lower_down = true;
	ppp_set_reason(l, "lower layer down");
	ppp_fsm_down(&l->lcp.fsm);
	ppp_fsm_close(&l->lcp.fsm, NULL);
	ppp_ncps_down(l);
	ppp_set_phase(l, PPP_PHASE_DEAD);
	ppp_leave(l);
}

void ppp_destroy(struct ppp_link *l)
{
	struct ppp_fsm *fsms[] = { &l->lcp.fsm, &l->ipcp.fsm, &l->ccp.fsm };

	if (!l)
		return;
	for (size_t i = 0; i < sizeof(fsms) / sizeof(fsms[0]); i++)
		if (fsms[i]->timer_running)
			l->ops->timer_stop(l->ctx, (enum ppp_timer)fsms[i]->timer_id);
	free(l);
}

void ppp_timeout(struct ppp_link *l, enum ppp_timer t)
{
	ppp_enter(l);
	switch (t) {
	case PPP_TIMER_LCP:
		ppp_fsm_timeout(&l->lcp.fsm);
		break;
	case PPP_TIMER_IPCP:
		ppp_fsm_timeout(&l->ipcp.fsm);
		break;
	case PPP_TIMER_CCP:
		ppp_fsm_timeout(&l->ccp.fsm);
		break;
	default:
		break;
	}
	ppp_leave(l);
}

static void ppp_protocol_reject(struct ppp_link *l, uint16_t proto, const uint8_t *p, size_t n)
{
	ppp_log(l, CFG_LOG_DEBUG, "protocol-reject protocol=0x%04x", (unsigned int)proto);
	if (lcp_send_protocol_reject(&l->lcp, proto, p, n) < 0) {
		l->stats.rx_wrong_phase++;
		return;
	}
	l->stats.tx_proto_rej++;
}

static void ppp_demux(struct ppp_link *l, uint16_t proto, const uint8_t *p, size_t n);

/*
 * RFC 1990 3: a multilink frame that reached the control plane. Until
 * network up the dataplane knows nothing of multilink, while pppd already
 * sends its NCPs (IPCP, CCP) through the bundle, each whole in one fragment
 * (B and E): unwrap those and demultiplex what they carry. A fragment of a
 * larger packet is data, the dataplane's.
 */
static void ppp_mp_input(struct ppp_link *l, const uint8_t *p, size_t n)
{
	size_t hl = l->lcp.ours.ssnhf ? PPP_MP_SHORT_HDR_LEN : PPP_MP_LONG_HDR_LEN;
	uint16_t proto;

	if (n < hl + PPP_PROTO_COMPRESSED_LEN) {
		l->stats.rx_short++;
		return;
	}
	if ((p[0] & (PPP_MP_FLAG_B | PPP_MP_FLAG_E)) != (PPP_MP_FLAG_B | PPP_MP_FLAG_E)) {
		l->stats.rx_data++;
		return;
	}
	p += hl;
	n -= hl;
	/* The inner protocol field may be compressed whatever PFC says (Linux always does). */
	if (p[0] & 1) {
		proto = p[0];
		p += PPP_PROTO_COMPRESSED_LEN;
		n -= PPP_PROTO_COMPRESSED_LEN;
	} else {
		if (n < PPP_PROTO_LEN) {
			l->stats.rx_short++;
			return;
		}
		proto = ppp_get16(p);
		p += PPP_PROTO_LEN;
		n -= PPP_PROTO_LEN;
	}
	if (!(proto & 1) || proto == PPP_PROTO_MP) {
		l->stats.rx_bad_proto++;
		return;
	}
	ppp_demux(l, proto, p, n);
}

static void ppp_demux(struct ppp_link *l, uint16_t proto, const uint8_t *p, size_t n)
{
	bool network = l->phase == PPP_PHASE_NETWORK;

	switch (proto) {
	case PPP_PROTO_LCP:
		ppp_fsm_input(&l->lcp.fsm, p, n);
		break;
	case PPP_PROTO_PAP:
	case PPP_PROTO_CHAP:
		/*
		 * RFC 1661 3.5: authentication belongs to its phase. Frames of the
		 * agreed protocol are still passed on in Network phase: RFC 1994
		 * allows re-challenges, and a peer that lost our Success resends.
		 */
		if (l->phase != PPP_PHASE_AUTHENTICATE && !network)
			l->stats.rx_wrong_phase++;
		else if (proto != l->auth_proto)
			l->stats.rx_auth_other++;
		else
			l->ops->auth_input(l->ctx, proto, p, n);
		break;
	case PPP_PROTO_IPCP:
		/* RFC 1661 3.6: NCP packets before the Network phase are discarded. */
		if (!network) {
			l->stats.rx_wrong_phase++;
		} else {
			/* The peer is ready for IPCP: no reason to hold ours. */
			ppp_ipcp_release(l);
			ppp_fsm_input(&l->ipcp.fsm, p, n);
		}
		break;
	case PPP_PROTO_CCP:
		if (!network)
			l->stats.rx_wrong_phase++;
		else if (l->ccp.params.encryption == CCP_ENC_REFUSED)
			ppp_protocol_reject(l, proto, p, n);
		else
			ppp_fsm_input(&l->ccp.fsm, p, n);
		break;
	case PPP_PROTO_IP:
	case PPP_PROTO_COMP:
		/* Data belongs to the dataplane; before its NCP opens it is discarded. */
		if (network)
			l->stats.rx_data++;
		else
			l->stats.rx_wrong_phase++;
		break;
	case PPP_PROTO_MP:
		if (!network)
			l->stats.rx_wrong_phase++;
		else if (l->lcp.ours.mrru)
			ppp_mp_input(l, p, n);
		else
			ppp_protocol_reject(l, proto, p, n);
		break;
	default:
		/* IPv6CP among them: PPTP here carries no IPv6 (RFC 1661 5.7). */
		if (!network)
			l->stats.rx_wrong_phase++;
		else
			ppp_protocol_reject(l, proto, p, n);
		break;
	}
}

void ppp_input(struct ppp_link *l, const uint8_t *frame, size_t len)
{
	const uint8_t *p = frame;
	size_t n = len;
	uint16_t proto;

	ppp_enter(l);
	l->stats.rx_frames++;
	if (!l->started || l->phase == PPP_PHASE_DEAD || l->lower_down) {
		l->stats.rx_dead++;
		goto out;
	}
	/* RFC 1662 3.2: address/control may be present whatever ACFC says. */
	if (n >= PPP_ADDR_CTRL_LEN && p[0] == PPP_ADDRESS && p[1] == PPP_CONTROL) {
		p += PPP_ADDR_CTRL_LEN;
		n -= PPP_ADDR_CTRL_LEN;
	}
	if (n < PPP_PROTO_COMPRESSED_LEN) {
		l->stats.rx_short++;
		goto out;
	}
	/* RFC 1661 2: an odd first octet is a PFC-compressed one-octet field. */
	if (p[0] & 1) {
		proto = p[0];
		p += PPP_PROTO_COMPRESSED_LEN;
		n -= PPP_PROTO_COMPRESSED_LEN;
	} else {
		if (n < PPP_PROTO_LEN) {
			l->stats.rx_short++;
			goto out;
		}
		proto = ppp_get16(p);
		p += PPP_PROTO_LEN;
		n -= PPP_PROTO_LEN;
		/* Low octet odd; the high octet's low bit is clear. */
		if (!(proto & 1)) {
			l->stats.rx_bad_proto++;
			goto out;
		}
	}
	ppp_demux(l, proto, p, n);
out:
	ppp_leave(l);
}

int ppp_send(struct ppp_link *l, uint16_t proto, const uint8_t *pkt, size_t len)
{
	int rc = -1;

	ppp_enter(l);
	if (l->started && !l->lower_down && l->phase != PPP_PHASE_DEAD &&
	    len <= l->lcp.his.mru)
		rc = l->ops->send(l->ctx, proto, pkt, len) < 0 ? -1 : 0;
	else
		l->stats.tx_dropped++;
	ppp_leave(l);
	return rc;
}

void ppp_auth_done(struct ppp_link *l, bool ok, const char *reason)
{
	char why[PPP_REASON_MAX];

	ppp_enter(l);
	if (l->phase != PPP_PHASE_AUTHENTICATE || !l->auth_running) {
		ppp_log(l, CFG_LOG_DEBUG, "auth result outside the authenticate phase ignored");
	} else if (!ok) {
		l->auth_running = false;
		snprintf(why, sizeof(why), "authentication failed%s%s",
			 reason && reason[0] ? ": " : "", reason ? reason : "");
		ppp_request_stop(l, why);
	} else {
		l->auth_running = false;
		ppp_log(l, CFG_LOG_INFO, "authenticated auth=%s",
			lcp_auth_name(l->auth_proto, l->auth_algo));
		ppp_enter_network(l);
	}
	ppp_leave(l);
}

int ppp_set_net_params(struct ppp_link *l, const struct ipcp_params *ip,
		       const struct ccp_params *ccp)
{
	if (l->phase == PPP_PHASE_NETWORK)
		return -1;
	if (ip)
		ipcp_set_params(&l->ipcp, ip);
	if (ccp)
		ccp_set_params(&l->ccp, ccp);
	return 0;
}

int ppp_lcp_send_echo(struct ppp_link *l)
{
	int rc;

	ppp_enter(l);
	rc = l->lower_down ? -1 : lcp_send_echo(&l->lcp);
	ppp_leave(l);
	return rc;
}

int ppp_ccp_send_reset_request(struct ppp_link *l)
{
	int rc;

	ppp_enter(l);
	rc = l->lower_down ? -1 : ccp_send_reset_request(&l->ccp);
	ppp_leave(l);
	return rc;
}

bool ppp_data_allowed(const struct ppp_link *l)
{
	return l->net_up && !l->lower_down;
}

bool ppp_tx_acfc(const struct ppp_link *l, uint16_t proto)
{
	/* RFC 1661 6.6: never on LCP, so LCP frames are always recognisable. */
	return proto != PPP_PROTO_LCP && l->lcp.fsm.state == PPP_FSM_OPENED && l->lcp.his.acfc;
}

bool ppp_tx_pfc(const struct ppp_link *l, uint16_t proto)
{
	return proto <= PPP_PROTO_PFC_MAX && l->lcp.fsm.state == PPP_FSM_OPENED && l->lcp.his.pfc;
}

size_t ppp_frame_header(const struct ppp_link *l, uint16_t proto,
			uint8_t hdr[PPP_FRAME_HDR_MAX])
{
	size_t n = 0;

	if (!ppp_tx_acfc(l, proto)) {
		hdr[n++] = PPP_ADDRESS;
		hdr[n++] = PPP_CONTROL;
	}
	if (ppp_tx_pfc(l, proto)) {
		hdr[n++] = (uint8_t)proto;
	} else {
		ppp_put16(hdr + n, proto);
		n += PPP_PROTO_LEN;
	}
	return n;
}

enum ppp_phase ppp_phase(const struct ppp_link *l)
{
	return l->phase;
}

void ppp_get_info(const struct ppp_link *l, struct ppp_info *out)
{
	memset(out, 0, sizeof(*out));
	out->role = l->params.role;
	out->phase = l->phase;
	out->lcp_state = l->lcp.fsm.state;
	out->ipcp_state = l->ipcp.fsm.state;
	out->ccp_state = l->ccp.fsm.state;
	out->auth_proto = l->auth_proto;
	out->auth_algo = l->auth_algo;
	out->peer_mru = l->lcp.his.mru;
	out->our_mru = l->lcp.ours.mru;
	out->our_magic = l->lcp.ours.magic;
	out->peer_magic = l->lcp.his.magic;
	out->mrru = (l->lcp.ours.mrru && l->lcp.his.mrru) ? l->lcp.ours.mrru : 0;
	out->echo_outstanding = l->lcp.echo_outstanding;
	out->net_up = l->net_up;
	out->encryption_required = l->ccp.params.encryption == CCP_ENC_REQUIRED;
	out->net = l->net;
	out->stats = l->stats;
	out->lcp_fsm = l->lcp.fsm.stats;
	out->ipcp_fsm = l->ipcp.fsm.stats;
	out->ccp_fsm = l->ccp.fsm.stats;
	out->lcp = l->lcp.stats;
	out->ccp = l->ccp.stats;
}
