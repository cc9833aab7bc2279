/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The PPTP client role (pptp_client.h): per /interface/pptp-client entry a
 * small state machine over one control connection and one call.
 *
 *   idle --enable--> connecting --SCCRP--> calling --OCRP--> up --gone-->
 *        stopping --ctrl_down--> waiting --back-off--> connecting ...
 *
 * With dial-on-demand (RouterOS; docs/client.md) an enabled entry does not
 * dial: it is "armed", its routes stand in the kernel via a placeholder
 * gateway, and the first packet for them (the kernel's ARP for the
 * placeholder, seen by a worker: pptp_client_dod_traffic) starts the dial:
 *
 *   idle --enable--> armed --traffic--> connecting ... up --gone--> armed
 *                    armed --traffic, within a failed dial's back-off--> waiting
 *
 * Every path down ends in the same place (iface_settle): nothing left
 * (no session, no control connection), then retry, stay idle, or free.
 * Teardown asked for inside a callback is only recorded; session.c and
 * pptp_ctrl.c defer their own work to the loop.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <time.h>

#include <event2/event.h>

#include "cli_cfg_edit.h"
#include "cli_cmds_pptp.h"
#include "cp.h"
#include "dod.h"
#include "dp_msg.h"
#include "log.h"
#include "mono_clock.h"
#include "pptp_client.h"
#include "pptp_ctrl.h"
#include "ppp.h"
#include "pptp_msg.h"
#include "session.h"
#include "tunnel_route.h"

#define PC_WHY_MAX 128

/* BSD's, missing from glibc's sys/queue.h: the body may free the element. */
#ifndef TAILQ_FOREACH_SAFE
#define TAILQ_FOREACH_SAFE(var, head, field, tvar)                           \
	for ((var) = TAILQ_FIRST(head); (var) && ((tvar) = TAILQ_NEXT(var, field), 1); \
	     (var) = (tvar))
#endif

enum pc_state {
	PC_IDLE,          /* disabled: nothing runs */
	PC_WAITING,       /* down, the retry timer runs */
	PC_CONNECTING,    /* TCP connect, SCCRQ sent */
	PC_CALLING,       /* OCRQ sent */
	PC_UP,            /* the call runs as a session (PPP negotiating or network up) */
	PC_STOPPING,      /* session and/or control connection going */
	PC_ARMED,         /* dial-on-demand: placeholder routes in, waiting for traffic */
};

struct pc_iface {
	TAILQ_ENTRY(pc_iface) link;
	struct cfg_pptp_client cfg;     /* the entry as this instance runs it */
	enum pc_state state;
	struct pptp_ctrl *ctrl;
	struct session *s;
	uint32_t id;                    /* dataplane session id, while s exists */
	uint16_t our_cid;
	uint16_t call_serial;
	struct event *timer;            /* retry back-off, or the OCRP wait */
	uint32_t backoff_ms;
	bool running;                   /* network up */
	bool want_up;                   /* enabled in the config */
	bool removed;                   /* gone from the config: free once down */
	bool restart;                   /* edited: dial again at once once down */
	int64_t up_ms;
	char why[PC_WHY_MAX];           /* the first reason of the current way down */
	char last_error[PC_WHY_MAX];    /* the last way down's reason */
	/* dial-on-demand */
	bool was_running;               /* this attempt reached network up */
	uint32_t dod_gw;                /* our placeholder gateway (10.112.112.N), 0 none */
	char dod_tap[CFG_NAME_MAX];     /* the TAP its routes and neighbour entry are on */
	bool dod_routes;                /* tunnel_route holds our placeholder link (or held it) */
	bool dod_held;                  /* the kernel's queue for the placeholder is held */
	int64_t dod_not_before;         /* a failed dial's back-off: traffic earlier waits */
};

TAILQ_HEAD(pc_list, pc_iface);

static struct {
	struct cp_context *cp;
	const struct session_dp_ops *dp;
	struct pptp_client_timing timing;
	struct pc_list ifaces;
	uint32_t next_id;               /* rolling, within the client's ids */
	uint16_t next_cid;
	uint16_t next_serial;
} pc = {
	.ifaces = TAILQ_HEAD_INITIALIZER(pc.ifaces),
};

static void iface_settle(struct pc_iface *i);
static void iface_start(struct pc_iface *i);
static void iface_begin(struct pc_iface *i);
static uint32_t retry_min_ms(void);
static uint32_t retry_max_ms(void);

static void pc_log(const struct pc_iface *i, enum cfg_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Every line names the interface and the server. */
static void pc_log(const struct pc_iface *i, enum cfg_log_level level, const char *fmt, ...)
{
	char msg[256], to[CFG_IPV4_STRLEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cfg_format_ipv4(i->cfg.connect_to, to, sizeof(to));
	log_msg(level, LOG_TOPIC_PPTP, "pptp-client=%s connect-to=%s %s", i->cfg.name, to, msg);
}

static const char *state_name(enum pc_state s)
{
	switch (s) {
	case PC_IDLE: return "disabled";
	case PC_WAITING: return "waiting";
	case PC_CONNECTING: return "connecting";
	case PC_CALLING: return "calling";
	case PC_UP: return "up";
	case PC_STOPPING: return "stopping";
	case PC_ARMED: return "dial-on-demand";
	}
	return "?";
}

static void timer_add_ms(struct event *ev, uint32_t ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };

	event_add(ev, &tv);
}

/* The first reason wins: later ones are consequences of it. */
static void set_why(struct pc_iface *i, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void set_why(struct pc_iface *i, const char *fmt, ...)
{
	va_list ap;

	if (i->why[0])
		return;
	va_start(ap, fmt);
	vsnprintf(i->why, sizeof(i->why), fmt, ap);
	va_end(ap);
}

/* ---- ids ---- */

bool pptp_client_owns_id(uint32_t id)
{
	uint32_t max = pc.dp ? pc.dp->max_sessions() : 0;

	return max > 0 && id < max && id >= session_server_ids(max);
}

static struct pc_iface *find_by_id(uint32_t id)
{
	struct pc_iface *i;

	TAILQ_FOREACH(i, &pc.ifaces, link)
		if (i->s && i->id == id)
			return i;
	return NULL;
}

/* A free id among the client's, rolling so that a just-retired one rests. */
static int alloc_id(uint32_t *out)
{
	uint32_t max = pc.dp ? pc.dp->max_sessions() : 0;
	uint32_t first = session_server_ids(max), n = max - first;

	for (uint32_t tries = 0; tries < n; tries++) {
		uint32_t id = first + pc.next_id++ % n;

		if (!find_by_id(id)) {
			*out = id;
			return 0;
		}
	}
	return -1;
}

/*
 * Our Call-ID: the dataplane's upstream key is (server address, our
 * Call-ID), so two entries dialling the same server must differ.
 */
static uint16_t alloc_cid(uint32_t server)
{
	for (uint32_t tries = 0; tries <= UINT16_MAX; tries++) {
		uint16_t cid = pc.next_cid++;
		struct pc_iface *i;
		bool used = false;

		TAILQ_FOREACH(i, &pc.ifaces, link)
			if (i->state >= PC_CALLING && i->cfg.connect_to == server && i->our_cid == cid)
				used = true;
		if (!used)
			return cid;
	}
	return 0;
}

/* The config ethernet whose /ip/address holds addr; 0 when none does. */
static uint16_t port_of_addr(uint32_t addr)
{
	const struct pg_config *cfg = pc.cp->cfg;

	for (unsigned int a = 0; a < cfg->n_ip_address; a++) {
		if (cfg->ip_address[a].address.addr != addr)
			continue;
		for (unsigned int e = 0; e < cfg->n_ethernet; e++)
			if (strcmp(cfg->ethernet[e].name, cfg->ip_address[a].interface) == 0)
				return (uint16_t)e;
	}
	return 0;
}

/* ---- session events ---- */

static void ev_up(void *owner, struct session *s)
{
	struct pc_iface *i = owner;
	struct session_info si;
	char addr[CFG_IPV4_STRLEN], gw[CFG_IPV4_STRLEN];

	(void)s;
	i->running = true;
	i->was_running = true;
	i->up_ms = mono_ms();
	i->backoff_ms = 0;
	i->last_error[0] = '\0';
	session_get_info(i->s, &si);
	cfg_format_ipv4(si.our_ip, addr, sizeof(addr));
	cfg_format_ipv4(si.client_ip, gw, sizeof(gw));
	pc_log(i, CFG_LOG_INFO, "running address=%s remote-address=%s encoding=\"%s\"", addr, gw,
	       si.encoding);
	/*
	 * The link's own routes replaced the placeholder's (session.c routes_up,
	 * before this event): what the kernel queued now goes, through the TAP
	 * and the workers' route table, into the tunnel.
	 */
	if (i->dod_held) {
		if (tunnel_route_dod_queue(i->dod_tap, i->dod_gw, TUNNEL_ROUTE_DOD_RELEASE))
			pc_log(i, CFG_LOG_WARNING, "dial-on-demand: queued traffic not released");
		i->dod_held = false;
	}
}

/* The session finished its teardown (from the loop): the call is over. */
static void ev_gone(void *owner, struct session *s)
{
	struct pc_iface *i = owner;

	set_why(i, "%s", session_cause(s)[0] ? session_cause(s) : "call ended");
	i->running = false;
	i->s = NULL;
	session_destroy(s);
	/* One call per control connection (as pptp-linux): it goes with the call. */
	if (i->ctrl)
		pptp_ctrl_stop(i->ctrl, PPTP_StopCCRQ_NONE);
	iface_settle(i);
}

static const struct session_events pc_session_events = {
	.up = ev_up,
	.gone = ev_gone,
};

/*
 * The link ends: the first reason is kept, and the session (if any) and the
 * control connection are taken down; iface_settle() runs once both are gone.
 */
static void iface_stop(struct pc_iface *i, const char *why)
{
	set_why(i, "%s", why);
	if (i->state == PC_IDLE || i->state == PC_WAITING || i->state == PC_ARMED) {
		event_del(i->timer);
		i->state = PC_IDLE;
		iface_settle(i);
		return;
	}
	i->state = PC_STOPPING;
	event_del(i->timer);
	if (i->s) {
		/* The session clears the call (CCRQ) and says goodbye in LCP terms. */
		session_stop(i->s, i->why, PPTP_CDN_ADMIN_SHUTDOWN);
		return;
	}
	if (i->ctrl)
		pptp_ctrl_stop(i->ctrl, PPTP_StopCCRQ_NONE);
}

/* ---- control connection (our own call ops) ---- */

/* RFC 2637 2.7: the PNS asks the PAC to place the call. */
static void pptp_client_send_OCRQ(struct pc_iface *i)
{
	struct pptp_msg m = { .type = PPTP_OCRQ };
	struct pptp_ocrq *rq = &m.u.ocrq;

	i->our_cid = alloc_cid(i->cfg.connect_to);
	i->call_serial = pc.next_serial++;
	rq->call_id = i->our_cid;
	rq->call_serial = i->call_serial;
	rq->min_bps = PPTP_CLIENT_MIN_BPS;
	rq->max_bps = PPTP_CLIENT_MAX_BPS;
	rq->bearer_type = PPTP_BEARER_TYPE_ANY;
	rq->framing_type = PPTP_FRAMING_TYPE_ANY;
	rq->recv_window = PPTP_CLIENT_RECV_WINDOW;
	rq->processing_delay = 0;
	i->state = PC_CALLING;
	if (pptp_ctrl_send(i->ctrl, &m)) {
		iface_stop(i, "cannot send the call request");
		return;
	}
	timer_add_ms(i->timer, PPTP_CLIENT_OCRP_MS);
}

static void on_ctrl_up(void *arg, struct pptp_ctrl *ctrl)
{
	struct pc_iface *i = arg;

	(void)ctrl;
	if (i->state != PC_CONNECTING)
		return;
	pptp_client_send_OCRQ(i);
}

/* RFC 2637 2.8: Connected starts the call; anything else ends the attempt. */
static void on_ocrp(void *arg, struct pptp_ctrl *ctrl, const struct pptp_ocrp *rp)
{
	struct pc_iface *i = arg;
	struct session_params sp;
	const struct cfg_ppp_profile *prof;
	int rc;

	if (i->state != PC_CALLING || rp->peer_call_id != i->our_cid) {
		pc_log(i, CFG_LOG_WARNING, "OCRP for call-id=%u ignored (state=%s, ours=%u)",
		       rp->peer_call_id, state_name(i->state), i->our_cid);
		return;
	}
	event_del(i->timer);
	if (rp->result != PPTP_OCRP_CONNECTED) {
		char why[PC_WHY_MAX];

		snprintf(why, sizeof(why), "server refused the call: OCRP result=%u error=%u cause=%u",
			 rp->result, rp->error, rp->cause);
		iface_stop(i, why);
		return;
	}
	prof = cfg_find_profile(pc.cp->cfg, i->cfg.profile);
	if (!prof) {
		iface_stop(i, "profile not found");
		return;
	}
	if (alloc_id(&i->id)) {
		iface_stop(i, "no free session id");
		return;
	}
	memset(&sp, 0, sizeof(sp));
	sp.cp = pc.cp;
	sp.id = i->id;
	sp.ctrl = ctrl;
	sp.peer_addr = i->cfg.connect_to;
	sp.local_addr = pptp_ctrl_local_addr(ctrl);
	sp.our_call_id = i->our_cid;
	sp.peer_call_id = rp->call_id;
	sp.peer_window = rp->recv_window;
	sp.port = port_of_addr(sp.local_addr);
	sp.dp = pc.dp;
	sp.ev = &pc_session_events;
	sp.owner = i;
	sp.keepalive_ms = i->cfg.link.keepalive_timeout * 1000u;
	sp.keepalive_tick_ms = pc.timing.keepalive_tick_ms;
	sp.client_role = true;
	snprintf(sp.client.name, sizeof(sp.client.name), "%s", i->cfg.name);
	snprintf(sp.client.user, sizeof(sp.client.user), "%s", i->cfg.user);
	memcpy(sp.client.password, i->cfg.password, sizeof(sp.client.password));
	sp.client.allow = i->cfg.allow;
	sp.client.link = i->cfg.link;
	sp.client.use_encryption = prof->use_encryption;
	sp.client.mppe_mode = prof->mppe_mode;
	sp.client.add_default_route = i->cfg.add_default_route;
	sp.client.default_route_distance = i->cfg.default_route_distance;
	i->s = session_create(&sp);
	memset(&sp.client, 0, sizeof(sp.client));
	if (!i->s) {
		iface_stop(i, "out of memory");
		return;
	}
	i->state = PC_UP;
	pc_log(i, CFG_LOG_INFO, "call connected our-call-id=%u peer-call-id=%u session=%u",
	       i->our_cid, rp->call_id, i->id);
	rc = session_start(i->s);
	if (rc) {
		char why[PC_WHY_MAX];

		snprintf(why, sizeof(why), "dataplane refused the session rc=%d", rc);
		/* Never installed: the teardown sends the CCRQ and reports gone. */
		session_stop(i->s, why, PPTP_CDN_GENERAL_ERROR);
		set_why(i, "%s", why);
		i->state = PC_STOPPING;
	}
}

/* RFC 2637 2.13: the server cleared our call (its Call ID is the peer's). */
static void on_cdn(void *arg, struct pptp_ctrl *ctrl, const struct pptp_cdn *m)
{
	struct pc_iface *i = arg;
	char why[PC_WHY_MAX];

	(void)ctrl;
	if (!i->s || m->call_id != session_peer_call_id(i->s))
		return;
	/* A server that refuses us in PPP says why in its Terminate-Request, then clears. */
	if (ppp_peer_term_reason(session_link(i->s))[0])
		snprintf(why, sizeof(why), "server ended the link: %s",
			 ppp_peer_term_reason(session_link(i->s)));
	else
		snprintf(why, sizeof(why), "server disconnected the call: CDN result=%u error=%u",
			 m->result, m->error);
	set_why(i, "%s", why);
	i->state = PC_STOPPING;
	/* Nothing to tell the server: it cleared the call itself. */
	session_stop(i->s, i->why, 0);
}

static void on_ctrl_down(void *arg, struct pptp_ctrl *ctrl)
{
	struct pc_iface *i = arg;

	if (i->ctrl != ctrl)
		return;
	i->ctrl = NULL;
	set_why(i, "control connection: %s", pptp_ctrl_close_name(pptp_ctrl_close_reason(ctrl)));
	if (i->state != PC_IDLE)
		i->state = PC_STOPPING;
	event_del(i->timer);
	if (i->s) {
		session_detach_ctrl(i->s);
		session_stop(i->s, i->why, 0);
		return;
	}
	iface_settle(i);
}

static const struct pptp_ctrl_call_ops pc_ctrl_ops = {
	.ctrl_up = on_ctrl_up,
	.outgoing_call_reply = on_ocrp,
	.call_disconnect_notify = on_cdn,
	.ctrl_down = on_ctrl_down,
};

/* ---- lifecycle ---- */

static void iface_free(struct pc_iface *i)
{
	TAILQ_REMOVE(&pc.ifaces, i, link);
	if (i->timer)
		event_free(i->timer);
	memset(i->cfg.password, 0, sizeof(i->cfg.password));
	free(i);
}

/* ---- dial-on-demand ---- */

uint32_t pptp_client_dod_pick(const uint32_t *used, unsigned int n)
{
	for (uint32_t h = DOD_HOST_MIN; h <= DOD_HOST_MAX; h++) {
		bool taken = false;

		for (unsigned int k = 0; k < n && !taken; k++)
			taken = used[k] == (DOD_NET | h);
		if (!taken)
			return DOD_NET | h;
	}
	return 0;
}

/*
 * The lowest placeholder no other entry holds, kept while the entry is armed
 * or up: not the entry's list index (as the brief suggested), which shifts
 * when an earlier entry is removed and would move a running entry's routes.
 */
static uint32_t dod_gateway(struct pc_iface *i)
{
	uint32_t used[DOD_HOST_MAX];
	unsigned int n = 0;
	struct pc_iface *o;

	if (i->dod_gw)
		return i->dod_gw;
	TAILQ_FOREACH(o, &pc.ifaces, link)
		if (o != i && o->dod_gw && n < DOD_HOST_MAX)
			used[n++] = o->dod_gw;
	i->dod_gw = pptp_client_dod_pick(used, n);
	return i->dod_gw;
}

/* The enabled ethernet whose /ip/address network holds addr; NULL: none. */
static const char *ether_for(uint32_t addr)
{
	const struct pg_config *cfg = pc.cp->cfg;

	for (unsigned int a = 0; a < cfg->n_ip_address; a++) {
		const struct cfg_ip_address *ia = &cfg->ip_address[a];
		const struct cfg_ethernet *e = cfg_find_ethernet(cfg, ia->interface);
		uint32_t m = cfg_prefix_mask(ia->address.len);

		if (e && !e->disabled && (addr & m) == (ia->address.addr & m))
			return e->name;
	}
	return NULL;
}

/*
 * The TAP the placeholder lives on: the one toward connect-to (on its link,
 * else toward the /ip/route gateway that reaches it), else the first port.
 * Any TAP would do for the queued packets (the workers route them into the
 * session wherever it runs); this one is where the dial goes out.
 */
static const char *dod_tap(const struct pc_iface *i)
{
	const struct pg_config *cfg = pc.cp->cfg;
	const char *tap = ether_for(i->cfg.connect_to);
	int best = -1;

	for (unsigned int r = 0; !tap && r < cfg->n_ip_route; r++) {
		const struct cfg_ip_route *ir = &cfg->ip_route[r];
		uint32_t m = cfg_prefix_mask(ir->dst.len);

		if (ir->gateway_iface[0] || (i->cfg.connect_to & m) != (ir->dst.addr & m))
			continue;
		if (best < 0 || ir->dst.len > cfg->ip_route[best].dst.len)
			best = (int)r;
	}
	if (!tap && best >= 0)
		tap = ether_for(cfg->ip_route[best].gateway);
	for (unsigned int e = 0; !tap && e < cfg->n_ethernet; e++)
		if (!cfg->ethernet[e].disabled)
			tap = cfg->ethernet[e].name;
	return tap;
}

/* Armed: the entry's routes go to the kernel via its placeholder; no dial. */
static void dod_arm(struct pc_iface *i)
{
	struct tunnel_route_link l;
	const char *tap = dod_tap(i);
	char gw[CFG_IPV4_STRLEN];

	i->state = PC_ARMED;
	if (!dod_gateway(i) || !tap) {
		pc_log(i, CFG_LOG_ERROR, "dial-on-demand: %s: cannot wait for traffic",
		       tap ? "every placeholder gateway is taken" : "no ethernet port");
		return;
	}
	snprintf(i->dod_tap, sizeof(i->dod_tap), "%s", tap);
	memset(&l, 0, sizeof(l));
	l.iface = i->cfg.name;
	l.tap = i->dod_tap;
	l.gateway = i->dod_gw;
	l.peer_outer = i->cfg.connect_to;
	l.add_default = i->cfg.add_default_route;
	l.distance = i->cfg.default_route_distance;
	l.placeholder = true;
	cfg_format_ipv4(i->dod_gw, gw, sizeof(gw));
	if (tunnel_route_link_up(&l)) {
		pc_log(i, CFG_LOG_ERROR, "dial-on-demand: routes via %s not installed", gw);
		return;
	}
	i->dod_routes = true;
	pc_log(i, CFG_LOG_INFO, "dial-on-demand: waiting for traffic gateway=%s", gw);
}

/* What the kernel holds for us is dropped: its senders retry, and ask again. */
static void dod_forget(struct pc_iface *i)
{
	if (i->dod_held)
		(void)tunnel_route_dod_queue(i->dod_tap, i->dod_gw, TUNNEL_ROUTE_DOD_FORGET);
	i->dod_held = false;
}

/* Nothing of dial-on-demand left: placeholder routes, held packets, the address. */
static void dod_disarm(struct pc_iface *i)
{
	dod_forget(i);
	/* No session here (settled): what tunnel_route holds under our name is the placeholder. */
	if (i->dod_routes)
		tunnel_route_link_down(i->cfg.name);
	i->dod_routes = false;
	i->dod_gw = 0;
}

/*
 * An on-demand link is down (or its dial failed): armed again, waiting for
 * traffic, not redialled (RouterOS). A link that ran starts afresh; a failed
 * dial backs off as a redial would, but only traffic ends the wait. What the
 * kernel held for the failed dial is dropped: its senders retry, and their
 * next packet asks again.
 */
static void dod_settle(struct pc_iface *i)
{
	if (i->was_running) {
		i->backoff_ms = 0;
		i->dod_not_before = 0;
	} else {
		i->backoff_ms = i->backoff_ms ? i->backoff_ms * 2 : retry_min_ms();
		if (i->backoff_ms > retry_max_ms())
			i->backoff_ms = retry_max_ms();
		i->dod_not_before = mono_ms() + i->backoff_ms;
	}
	dod_forget(i);
	pc_log(i, CFG_LOG_WARNING, "down: %s; dial-on-demand: no redial until traffic comes",
	       i->last_error);
	dod_arm(i);
}

void pptp_client_dod_traffic(uint32_t addr)
{
	struct pc_iface *i;
	char a[CFG_IPV4_STRLEN];
	int64_t now = mono_ms();

	TAILQ_FOREACH(i, &pc.ifaces, link)
		if (i->dod_gw == addr && i->dod_routes && i->want_up && !i->removed)
			break;
	cfg_format_ipv4(addr, a, sizeof(a));
	if (!i || i->running) {
		LOG_DEBUG(LOG_TOPIC_PPTP, "dial-on-demand: traffic for %s: no entry waits for it", a);
		return;
	}
	/* Kept past the kernel's ~3 s of ARP until the link is up or the dial fails. */
	if (!i->dod_held && tunnel_route_dod_queue(i->dod_tap, addr, TUNNEL_ROUTE_DOD_HOLD) == 0)
		i->dod_held = true;
	if (i->state != PC_ARMED)
		return;   /* dialling, or waiting out a back-off, already */
	if (now < i->dod_not_before) {
		uint32_t wait = (uint32_t)(i->dod_not_before - now);

		pc_log(i, CFG_LOG_INFO, "dial-on-demand: traffic for %s, dialling in %u ms", a, wait);
		i->state = PC_WAITING;
		timer_add_ms(i->timer, wait);
		return;
	}
	pc_log(i, CFG_LOG_INFO, "dial-on-demand: traffic for %s, dialling", a);
	iface_start(i);
}

/* An enabled entry starts: dials, or (dial-on-demand) waits for traffic. */
static void iface_begin(struct pc_iface *i)
{
	if (i->cfg.dial_on_demand) {
		dod_arm(i);
		return;
	}
	dod_disarm(i);
	iface_start(i);
}

static uint32_t retry_min_ms(void)
{
	return pc.timing.retry_min_ms ? pc.timing.retry_min_ms : PPTP_CLIENT_RETRY_MIN_MS;
}

static uint32_t retry_max_ms(void)
{
	return pc.timing.retry_max_ms ? pc.timing.retry_max_ms : PPTP_CLIENT_RETRY_MAX_MS;
}

/*
 * Nothing of the last attempt is left (no session, no control connection):
 * dial again after the back-off, or stay down, or go.
 */
static void iface_settle(struct pc_iface *i)
{
	if (i->s || i->ctrl)
		return;
	if (i->why[0]) {
		snprintf(i->last_error, sizeof(i->last_error), "%s", i->why);
		i->why[0] = '\0';
	}
	if (i->removed) {
		dod_disarm(i);
		pc_log(i, CFG_LOG_INFO, "removed");
		iface_free(i);
		return;
	}
	if (!i->want_up) {
		dod_disarm(i);
		if (i->state != PC_IDLE)
			pc_log(i, CFG_LOG_INFO, "disabled");
		i->state = PC_IDLE;
		return;
	}
	if (i->restart) {
		i->restart = false;
		i->backoff_ms = 0;
		i->dod_not_before = 0;
		/* Edited: an on-demand entry waits for new traffic with its new settings. */
		dod_forget(i);
		iface_begin(i);
		return;
	}
	if (i->cfg.dial_on_demand) {
		dod_settle(i);
		return;
	}
	i->backoff_ms = i->backoff_ms ? i->backoff_ms * 2 : retry_min_ms();
	if (i->backoff_ms > retry_max_ms())
		i->backoff_ms = retry_max_ms();
	i->state = PC_WAITING;
	pc_log(i, CFG_LOG_WARNING, "down: %s; retrying in %u ms", i->last_error, i->backoff_ms);
	timer_add_ms(i->timer, i->backoff_ms);
}

static void iface_start(struct pc_iface *i)
{
	uint16_t port = pc.timing.port ? pc.timing.port : PPTP_TCP_PORT;

	i->why[0] = '\0';
	i->was_running = false;
	i->state = PC_CONNECTING;
	pc_log(i, CFG_LOG_INFO, "dialling user=%s", i->cfg.user);
	i->ctrl = pptp_ctrl_connect(pc.cp, i->cfg.connect_to, port, &pc_ctrl_ops, i);
	if (!i->ctrl) {
		set_why(i, "cannot open a control connection");
		iface_settle(i);
	}
}

/* The one timer: the retry back-off, or (calling) the OCRP that never came. */
static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct pc_iface *i = arg;

	(void)fd;
	(void)what;
	if (i->state == PC_WAITING) {
		iface_start(i);
		return;
	}
	if (i->state == PC_CALLING)
		iface_stop(i, "no answer to the call request (OCRP)");
}

static struct pc_iface *iface_find(const char *name)
{
	struct pc_iface *i;

	TAILQ_FOREACH(i, &pc.ifaces, link)
		if (!i->removed && strcmp(i->cfg.name, name) == 0)
			return i;
	return NULL;
}

static struct pc_iface *iface_new(const struct cfg_pptp_client *c)
{
	struct pc_iface *i = calloc(1, sizeof(*i));

	if (!i)
		return NULL;
	i->cfg = *c;
	i->timer = evtimer_new(pc.cp->base, on_timer, i);
	if (!i->timer) {
		free(i);
		return NULL;
	}
	TAILQ_INSERT_TAIL(&pc.ifaces, i, link);
	return i;
}

void pptp_client_sync(void)
{
	const struct pg_config *cfg;
	struct pc_iface *i, *tmp;

	if (!pc.cp)
		return;
	cfg = pc.cp->cfg;
	/* Gone from the config (or renamed): down, then freed. */
	TAILQ_FOREACH_SAFE(i, &pc.ifaces, link, tmp) {
		bool found = false;

		for (unsigned int k = 0; k < cfg->n_pptp_client; k++)
			if (strcmp(cfg->pptp_client[k].name, i->cfg.name) == 0)
				found = true;
		if (found || i->removed)
			continue;
		i->removed = true;
		i->want_up = false;
		iface_stop(i, "removed");
	}
	for (unsigned int k = 0; k < cfg->n_pptp_client; k++) {
		const struct cfg_pptp_client *c = &cfg->pptp_client[k];
		bool was_up;

		i = iface_find(c->name);
		if (!i) {
			i = iface_new(c);
			if (!i) {
				log_msg(CFG_LOG_ERROR, LOG_TOPIC_PPTP, "pptp-client=%s out of memory", c->name);
				continue;
			}
		} else if (memcmp(&i->cfg, c, sizeof(*c)) != 0) {
			/* Edited: what runs uses the old settings; dial again with the new ones. */
			was_up = i->state != PC_IDLE;
			i->cfg = *c;
			if (was_up) {
				i->want_up = !c->disabled;
				i->restart = i->want_up;
				iface_stop(i, c->disabled ? "disabled" : "settings changed");
				continue;
			}
		}
		i->want_up = !c->disabled;
		if (i->want_up && i->state == PC_IDLE) {
			i->backoff_ms = 0;
			i->dod_not_before = 0;
			iface_begin(i);
		} else if (!i->want_up && i->state != PC_IDLE) {
			iface_stop(i, "disabled");
		}
	}
}

static bool provider_running(const char *name)
{
	struct pc_iface *i = iface_find(name);

	return i && i->running;
}

static const struct pptp_client_provider pc_provider = {
	.running = provider_running,
};

/* Every committed CLI change: the entries, and routes that /ip/route may now beat. */
static void on_commit(void)
{
	pptp_client_sync();
	tunnel_route_sync();
}

int pptp_client_init(struct cp_context *cp)
{
	pc.cp = cp;
	pptp_client_provider_register(&pc_provider);
	if (cli_edit_commit_hook_add(on_commit))
		return -1;
	pptp_client_sync();
	return 0;
}

void pptp_client_fini(void)
{
	struct pc_iface *i, *tmp;

	cli_edit_commit_hook_del(on_commit);
	pptp_client_provider_register(NULL);
	TAILQ_FOREACH_SAFE(i, &pc.ifaces, link, tmp) {
		/* Not "removed": settling must not free i under our feet. */
		i->want_up = false;
		i->restart = false;
		i->state = PC_IDLE;
		event_del(i->timer);
		/* Now, the loop will not run again: CCRQ, then gone() frees the session. */
		if (i->s)
			session_stop_now(i->s, "shutdown", PPTP_CDN_ADMIN_SHUTDOWN);
		/* StopCCRQ; pptp_ctrl_fini() closes it without calling us back. */
		if (i->ctrl) {
			pptp_ctrl_detach(i->ctrl, PPTP_StopCCRQ_LOCAL_SHUTDOWN);
			i->ctrl = NULL;
		}
		dod_disarm(i);
		iface_free(i);
	}
	pc.cp = NULL;
}

void pptp_client_set_dp_ops(const struct session_dp_ops *ops)
{
	pc.dp = ops;
}

void pptp_client_set_timing(const struct pptp_client_timing *t)
{
	if (t)
		pc.timing = *t;
	else
		memset(&pc.timing, 0, sizeof(pc.timing));
}

void pptp_client_ppp_input(uint32_t id, const uint8_t *frame, size_t len)
{
	struct pc_iface *i = find_by_id(id);

	if (!i) {
		LOG_DEBUG(LOG_TOPIC_PPP, "session=%u control frame with no client session", id);
		return;
	}
	session_ppp_input(i->s, frame, len);
}

void pptp_client_dp_event(uint32_t id, int kind, uint64_t arg)
{
	struct pc_iface *i = find_by_id(id);

	(void)arg;
	if (i && kind == DP_EVENT_MPPE_RESET_NEEDED)
		session_mppe_reset(i->s);
}

int pptp_client_status(const char *name, struct pptp_client_status *out)
{
	struct pc_iface *i = iface_find(name);
	struct session_info si;

	memset(out, 0, sizeof(*out));
	if (!i)
		return -1;
	out->running = i->running;
	out->state = state_name(i->state);
	out->placeholder = i->dod_routes && !i->running ? i->dod_gw : 0;
	snprintf(out->last_error, sizeof(out->last_error), "%s", i->last_error);
	if (i->s && i->running) {
		session_get_info(i->s, &si);
		out->local_addr = si.our_ip;
		out->remote_addr = si.client_ip;
		memcpy(out->encoding, si.encoding, sizeof(out->encoding));
		out->uptime = si.uptime;
	}
	return 0;
}
