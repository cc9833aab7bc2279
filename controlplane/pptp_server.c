/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The PPTP server role: calls on control connections become sessions
 * (pptp_server.h). Lookups are hash tables (session id, (peer address, our
 * Call-ID), interface name, user) so that set-up and teardown cost the same
 * with one session or 65,536; the prints walk a dense array.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "auth.h"
#include "auth_radius.h"
#include "cli_cmds_pptp.h"
#include "cp.h"
#include "dp_msg.h"
#include "hash_fn.h"
#include "log.h"
#include "pptp_ctrl.h"
#include "pptp_msg.h"
#include "pptp_server.h"
#include "session.h"

#define SRV_HASH_MIN      256
/* <pptp-USER-1> ..: as many as there are sessions, so no name is ever given twice. */
#define SRV_DYN_NAME_TRIES 65536u
#define SRV_TICK_MS       1000

enum srv_hash {
	H_ID,      /* dataplane session id */
	H_CID,     /* (peer address, our Call-ID) */
	H_NAME,    /* interface name, once authenticated */
	H_USER,    /* user name, once authenticated */
	H_COUNT,
};

struct srv_conn;

struct srv_call {
	struct session *s;
	uint32_t id;
	uint32_t peer_addr;
	uint16_t our_cid, peer_cid;
	char name[SESSION_IFACE_MAX];
	char user[CFG_NAME_MAX];
	uint32_t dyn_n;              /* N of a <pptp-USER-N> name; 0: none */
	bool in_hash[H_COUNT];
	struct srv_call *hnext[H_COUNT];
	/*
	 * What points at this call in its chain (the bucket or the previous
	 * call's hnext): removal is O(1) even when every session has the same
	 * user, and so the same H_USER chain.
	 */
	struct srv_call **hpprev[H_COUNT];
	struct srv_conn *conn;
	struct srv_call *conn_prev, *conn_next;
	unsigned int idx;            /* in srv.calls */
};

/* The call layer's state of one control connection. */
struct srv_conn {
	struct pptp_ctrl *ctrl;
	struct srv_call *calls;
	struct event *stop_ev;       /* stop the connection once our reply is out */
	struct srv_conn *prev, *next;
};

struct srv_htab {
	struct srv_call **b;
	size_t nb, n;
};

static struct {
	struct cp_context *cp;
	bool up;
	struct auth_local local;
	struct auth_radius radius;       /* /ppp/aaa use-radius; local secrets first */
	const struct session_dp_ops *dp;
	struct pptp_server_timing timing;
	struct srv_htab h[H_COUNT];
	struct srv_call **calls;
	unsigned int n_calls, cap_calls;
	struct srv_conn *conns;
	uint32_t next_id;
	uint16_t next_cid;
	/*
	 * pick_iface_name()'s memory of one user (the last to need a numbered
	 * name): <pptp-USER-1> .. <pptp-USER-(dyn_low - 1)> are all taken, so
	 * thousands of sessions of one user do not each try every name again.
	 */
	char dyn_user[CFG_NAME_MAX];
	uint32_t dyn_low;
	uint64_t unknown_frames;
	struct event *tick_ev;
} srv;

/* Only with a dataplane (pptp_server_set_dp_ops) do calls get through. */
static const struct session_dp_ops *srv_dp(void)
{
	return srv.dp;
}

/* ---- hash tables ---- */

/* Put c at the head of the chain *head. */
static void chain_push(struct srv_call **head, struct srv_call *c, enum srv_hash h)
{
	c->hnext[h] = *head;
	if (*head)
		(*head)->hpprev[h] = &c->hnext[h];
	*head = c;
	c->hpprev[h] = head;
}

static uint32_t call_hash(const struct srv_call *c, enum srv_hash h)
{
	switch (h) {
	case H_ID:
		return hash_u32(c->id);
	case H_CID:
		return hash_u32(c->peer_addr ^ hash_u32(c->our_cid));
	case H_NAME:
		return hash_str(c->name);
	case H_USER:
		return hash_str(c->user);
	default:
		return 0;
	}
}

static bool call_eq(const struct srv_call *a, const struct srv_call *b, enum srv_hash h)
{
	switch (h) {
	case H_ID:
		return a->id == b->id;
	case H_CID:
		return a->peer_addr == b->peer_addr && a->our_cid == b->our_cid;
	case H_NAME:
		return strcmp(a->name, b->name) == 0;
	case H_USER:
		return strcmp(a->user, b->user) == 0;
	default:
		return false;
	}
}

static int htab_grow(enum srv_hash h)
{
	struct srv_htab *t = &srv.h[h];
	size_t nb = t->nb ? t->nb * 2 : SRV_HASH_MIN;
	struct srv_call **b = calloc(nb, sizeof(*b));

	if (!b)
		return t->nb ? 0 : -1;   /* a full table still works, only slower */
	for (size_t i = 0; i < t->nb; i++) {
		struct srv_call *c = t->b[i], *next;

		for (; c; c = next) {
			size_t k = call_hash(c, h) & (nb - 1);

			next = c->hnext[h];
			chain_push(&b[k], c, h);
		}
	}
	free(t->b);
	t->b = b;
	t->nb = nb;
	return 0;
}

static int htab_add(struct srv_call *c, enum srv_hash h)
{
	struct srv_htab *t = &srv.h[h];
	size_t k;

	if ((t->n >= t->nb || !t->b) && htab_grow(h))
		return -1;
	k = call_hash(c, h) & (t->nb - 1);
	chain_push(&t->b[k], c, h);
	t->n++;
	c->in_hash[h] = true;
	return 0;
}

static void htab_del(struct srv_call *c, enum srv_hash h)
{
	struct srv_htab *t = &srv.h[h];

	if (!c->in_hash[h])
		return;
	*c->hpprev[h] = c->hnext[h];
	if (c->hnext[h])
		c->hnext[h]->hpprev[h] = c->hpprev[h];
	t->n--;
	c->in_hash[h] = false;
	c->hnext[h] = NULL;
	c->hpprev[h] = NULL;
}

static struct srv_call *htab_find(const struct srv_call *key, enum srv_hash h)
{
	struct srv_htab *t = &srv.h[h];

	if (!t->b)
		return NULL;
	for (struct srv_call *c = t->b[call_hash(key, h) & (t->nb - 1)]; c; c = c->hnext[h])
		if (call_eq(c, key, h))
			return c;
	return NULL;
}

static struct srv_call *find_by_id(uint32_t id)
{
	struct srv_call key = { .id = id };

	return htab_find(&key, H_ID);
}

/* ---- the dense array the prints walk ---- */

static int calls_add(struct srv_call *c)
{
	if (srv.n_calls == srv.cap_calls) {
		unsigned int cap = srv.cap_calls ? srv.cap_calls * 2 : 64;
		struct srv_call **n = realloc(srv.calls, cap * sizeof(*n));

		if (!n)
			return -1;
		srv.calls = n;
		srv.cap_calls = cap;
	}
	c->idx = srv.n_calls;
	srv.calls[srv.n_calls++] = c;
	return 0;
}

static void calls_del(struct srv_call *c)
{
	struct srv_call *last = srv.calls[--srv.n_calls];

	srv.calls[c->idx] = last;
	last->idx = c->idx;
}

/* ---- ids ---- */

/* A session id the dataplane takes, not in use; rolling, so retiring ids rest. */
static int alloc_id(uint32_t *out)
{
	/* The top of the id space belongs to the pptp-client role (session.h). */
	uint32_t max = srv_dp() ? session_server_ids(srv_dp()->max_sessions()) : 0;

	if (!max || srv.n_calls >= max)
		return -1;
	for (uint32_t tries = 0; tries < max; tries++) {
		uint32_t id = srv.next_id++ % max;

		if (srv.next_id >= max)
			srv.next_id = 0;
		if (!find_by_id(id)) {
			*out = id;
			return 0;
		}
	}
	return -1;
}

/*
 * Our Call-ID: unique per peer address (DESIGN.md 1: the upstream key is
 * (peer IPv4, our Call-ID)), so clients behind one NAT never collide. 0 is
 * a valid Call-ID (INTEROP.md).
 */
static int alloc_call_id(uint32_t peer, uint16_t *out)
{
	struct srv_call key = { .peer_addr = peer };

	for (uint32_t tries = 0; tries <= UINT16_MAX; tries++) {
		key.our_cid = srv.next_cid++;
		if (!htab_find(&key, H_CID)) {
			*out = key.our_cid;
			return 0;
		}
	}
	return -1;
}

/* The config ethernet whose /ip/address holds addr; 0 when none does. */
static uint16_t port_of_addr(uint32_t addr)
{
	const struct pg_config *cfg = srv.cp->cfg;

	for (unsigned int i = 0; i < cfg->n_ip_address; i++) {
		if (cfg->ip_address[i].address.addr != addr)
			continue;
		for (unsigned int e = 0; e < cfg->n_ethernet; e++)
			if (strcmp(cfg->ethernet[e].name, cfg->ip_address[i].interface) == 0)
				return (uint16_t)e;
	}
	return 0;
}

/* ---- session events ---- */

static bool name_taken(const char *name)
{
	struct srv_call key = { .id = 0 };

	size_t len = strlen(name);

	if (len >= sizeof(key.name))
		return false;   /* cannot be an interface name here */
	memcpy(key.name, name, len);
	key.name[len] = '\0';
	return htab_find(&key, H_NAME) != NULL;
}

/*
 * RouterOS: a static entry binds a name to a user; otherwise, or when that
 * name is running already, the interface is dynamic, <pptp-USER>.
 */
static void pick_iface_name(struct srv_call *c, bool *dynamic)
{
	const struct pg_config *cfg = srv.cp->cfg;
	char cand[SESSION_IFACE_MAX + 24];
	size_t len = 0;

	for (unsigned int i = 0; i < cfg->n_pptp_static; i++) {
		const struct cfg_pptp_static *st = &cfg->pptp_static[i];

		if (strcmp(st->user, c->user) == 0 && !name_taken(st->name)) {
			len = strnlen(st->name, sizeof(st->name) - 1);
			memcpy(c->name, st->name, len);
			c->name[len] = '\0';
			*dynamic = false;
			return;
		}
	}
	*dynamic = true;
	c->dyn_n = 0;
	if (srv.dyn_low == 0 || strcmp(srv.dyn_user, c->user) != 0) {
		snprintf(srv.dyn_user, sizeof(srv.dyn_user), "%s", c->user);
		srv.dyn_low = 1;
	}
	/* The plain name first, then the lowest free number (names below dyn_low are taken). */
	for (uint32_t n = 0; n <= SRV_DYN_NAME_TRIES; n = n ? n + 1 : srv.dyn_low) {
		if (n == 0)
			snprintf(cand, sizeof(cand), "<pptp-%s>", c->user);
		else
			snprintf(cand, sizeof(cand), "<pptp-%s-%u>", c->user, n);
		len = strlen(cand);
		if (len < sizeof(c->name) && !name_taken(cand)) {
			c->dyn_n = n;
			if (n)
				srv.dyn_low = n + 1;
			break;
		}
	}
	len = len < sizeof(c->name) ? len : sizeof(c->name) - 1;
	memcpy(c->name, cand, len);
	c->name[len] = '\0';
}

/* c's numbered name becomes free: the lowest free number may now be below dyn_low. */
static void name_release(struct srv_call *c)
{
	if (c->dyn_n && c->dyn_n < srv.dyn_low && strcmp(c->user, srv.dyn_user) == 0)
		srv.dyn_low = c->dyn_n;
	c->dyn_n = 0;
}

static int ev_authorize(void *owner, struct session *s, const char *user,
			const struct cfg_ppp_profile *profile, char *reason, size_t reason_len)
{
	struct srv_call *c = owner;
	struct srv_call key = { .id = 0 };
	bool dynamic = true;

	name_release(c);
	htab_del(c, H_NAME);
	htab_del(c, H_USER);
	snprintf(key.user, sizeof(key.user), "%s", user);
	if (profile->only_one == CFG_ONLY_ONE_YES && htab_find(&key, H_USER)) {
		snprintf(reason, reason_len, "user %s is already connected (only-one)", user);
		return -1;
	}
	snprintf(c->user, sizeof(c->user), "%s", user);
	pick_iface_name(c, &dynamic);
	if (htab_add(c, H_USER) || htab_add(c, H_NAME)) {
		snprintf(reason, reason_len, "out of memory");
		return -1;
	}
	session_set_iface(s, c->name, dynamic);
	return 0;
}

static void conn_unlink_call(struct srv_call *c)
{
	if (!c->conn)
		return;
	if (c->conn_prev)
		c->conn_prev->conn_next = c->conn_next;
	else
		c->conn->calls = c->conn_next;
	if (c->conn_next)
		c->conn_next->conn_prev = c->conn_prev;
	c->conn = NULL;
	c->conn_prev = c->conn_next = NULL;
}

static void call_free(struct srv_call *c)
{
	name_release(c);
	for (int h = 0; h < H_COUNT; h++)
		htab_del(c, (enum srv_hash)h);
	conn_unlink_call(c);
	calls_del(c);
	session_destroy(c->s);
	free(c);
}

static void ev_gone(void *owner, struct session *s)
{
	(void)s;
	call_free(owner);
}

static const struct session_events srv_session_events = {
	.authorize = ev_authorize,
	.gone = ev_gone,
};

/* ---- call layer (pptp_ctrl) ---- */

static void on_conn_stop(evutil_socket_t fd, short what, void *arg)
{
	struct srv_conn *cn = arg;

	(void)fd;
	(void)what;
	pptp_ctrl_stop(cn->ctrl, PPTP_StopCCRQ_NONE);
}

static struct srv_conn *conn_get(struct pptp_ctrl *ctrl)
{
	struct srv_conn *cn = pptp_ctrl_get_user(ctrl);

	if (cn)
		return cn;
	cn = calloc(1, sizeof(*cn));
	if (!cn)
		return NULL;
	cn->stop_ev = event_new(srv.cp->base, -1, 0, on_conn_stop, cn);
	if (!cn->stop_ev) {
		free(cn);
		return NULL;
	}
	cn->ctrl = ctrl;
	cn->next = srv.conns;
	if (srv.conns)
		srv.conns->prev = cn;
	srv.conns = cn;
	pptp_ctrl_set_user(ctrl, cn);
	return cn;
}

static void conn_free(struct srv_conn *cn)
{
	if (cn->prev)
		cn->prev->next = cn->next;
	else
		srv.conns = cn->next;
	if (cn->next)
		cn->next->prev = cn->prev;
	pptp_ctrl_set_user(cn->ctrl, NULL);
	event_free(cn->stop_ev);
	free(cn);
}

/* RFC 2637 2.7: an Outgoing-Call-Request from the PNS makes a call here. */
static int on_ocrq(void *arg, struct pptp_ctrl *ctrl, const struct pptp_ocrq *rq,
		   struct pptp_ocrp *rp)
{
	const struct pg_config *cfg = srv.cp->cfg;
	uint32_t peer = pptp_ctrl_peer_addr(ctrl);
	struct srv_conn *cn;
	struct srv_call *c = NULL;
	struct session_params sp;
	int rc;

	(void)arg;
	cn = conn_get(ctrl);
	if (cn && !cfg->pptp_server.enabled) {
		/*
		 * RouterOS enabled=no: nobody connects. pptp_ctrl has no accept
		 * hook, so the call is refused and the connection stopped once
		 * the OCRP is out.
		 */
		LOG_INFO(LOG_TOPIC_PPTP, "peer=%s ctrl=%u call refused: pptp server disabled",
			 pptp_ctrl_peer_str(ctrl), pptp_ctrl_id(ctrl));
		event_active(cn->stop_ev, EV_TIMEOUT, 0);
		return -1;
	}
	c = calloc(1, sizeof(*c));
	if (!cn || !c)
		goto fail;
	c->peer_addr = peer;
	c->peer_cid = rq->call_id;
	if (alloc_id(&c->id) || alloc_call_id(peer, &c->our_cid)) {
		LOG_WARN(LOG_TOPIC_PPTP, "peer=%s call refused: no session id or Call-ID free",
			 pptp_ctrl_peer_str(ctrl));
		goto fail;
	}
	sp = (struct session_params){
		.cp = srv.cp,
		.id = c->id,
		.ctrl = ctrl,
		.peer_addr = peer,
		.local_addr = pptp_ctrl_local_addr(ctrl),
		.our_call_id = c->our_cid,
		.peer_call_id = c->peer_cid,
		.peer_window = rq->recv_window,
		.port = port_of_addr(pptp_ctrl_local_addr(ctrl)),
		.dp = srv_dp(),
		.backend = &srv.radius.backend,
		.ev = &srv_session_events,
		.owner = c,
		.keepalive_ms = srv.timing.keepalive_ms ? srv.timing.keepalive_ms
			: cfg->pptp_server.link.keepalive_timeout * 1000u,
		.keepalive_tick_ms = srv.timing.keepalive_tick_ms,
	};
	c->s = session_create(&sp);
	if (!c->s)
		goto fail;
	if (htab_add(c, H_ID) || htab_add(c, H_CID) || calls_add(c)) {
		htab_del(c, H_ID);
		htab_del(c, H_CID);
		goto fail;
	}
	rc = session_start(c->s);
	if (rc) {
		for (int h = 0; h < H_COUNT; h++)
			htab_del(c, (enum srv_hash)h);
		calls_del(c);
		goto fail;
	}
	c->conn = cn;
	c->conn_next = cn->calls;
	if (cn->calls)
		cn->calls->conn_prev = c;
	cn->calls = c;

	rp->call_id = c->our_cid;
	rp->result = PPTP_OCRP_CONNECTED;
	rp->error = PPTP_ERR_NONE;
	rp->connect_speed = rq->max_bps ? rq->max_bps : PPTP_SERVER_CONNECT_SPEED;
	rp->recv_window = PPTP_SERVER_RECV_WINDOW;
	rp->processing_delay = 0;
	rp->physical_channel_id = c->id;
	LOG_INFO(LOG_TOPIC_PPTP, "peer=%s ctrl=%u session=%u call our-call-id=%u peer-call-id=%u "
		 "window=%u connected", pptp_ctrl_peer_str(ctrl), pptp_ctrl_id(ctrl), c->id,
		 c->our_cid, c->peer_cid, rq->recv_window);
	return 0;
fail:
	if (c) {
		session_destroy(c->s);
		free(c);
	}
	return -1;
}

static struct srv_call *conn_find_peer_cid(struct pptp_ctrl *ctrl, uint16_t peer_cid)
{
	struct srv_conn *cn = pptp_ctrl_get_user(ctrl);

	for (struct srv_call *c = cn ? cn->calls : NULL; c; c = c->conn_next)
		if (c->peer_cid == peer_cid)
			return c;
	return NULL;
}

/* RFC 2637 2.12: the PNS clears its call (Call ID = the PNS's); we answer with a CDN. */
static void on_ccrq(void *arg, struct pptp_ctrl *ctrl, const struct pptp_ccrq *m)
{
	struct srv_call *c = conn_find_peer_cid(ctrl, m->call_id);

	(void)arg;
	if (!c) {
		LOG_INFO(LOG_TOPIC_PPTP, "peer=%s CCRQ for unknown peer-call-id=%u",
			 pptp_ctrl_peer_str(ctrl), m->call_id);
		return;
	}
	session_stop(c->s, "call cleared by peer", PPTP_CDN_REQUEST);
}

/* RFC 2637 2.13: the peer has cleared the call; nothing to answer. */
static void on_cdn(void *arg, struct pptp_ctrl *ctrl, const struct pptp_cdn *m)
{
	struct srv_call *c = conn_find_peer_cid(ctrl, m->call_id);

	(void)arg;
	if (c)
		session_stop(c->s, "peer disconnected", 0);
}

static void on_ctrl_down(void *arg, struct pptp_ctrl *ctrl)
{
	struct srv_conn *cn = pptp_ctrl_get_user(ctrl);

	(void)arg;
	if (!cn)
		return;
	while (cn->calls) {
		struct srv_call *c = cn->calls;

		conn_unlink_call(c);
		session_detach_ctrl(c->s);
		session_stop(c->s, "control connection lost", 0);
	}
	conn_free(cn);
}

static const struct pptp_ctrl_call_ops srv_call_ops = {
	.outgoing_call_request = on_ocrq,
	.call_clear_request = on_ccrq,
	.call_disconnect_notify = on_cdn,
	.ctrl_down = on_ctrl_down,
};

/* ---- print providers ---- */

static unsigned int rows_count(void)
{
	return srv.n_calls;
}

/* Row i's session, when it is one to show (named and not stopping): 0, or -1. */
static int row_info(unsigned int i, struct session_info *si)
{
	if (i >= srv.n_calls || !srv.calls[i]->name[0])
		return -1;
	session_get_info(srv.calls[i]->s, si);
	return si->stopping ? -1 : 0;
}

static int iface_row(unsigned int i, struct pptp_iface_row *out)
{
	struct session_info si;

	if (row_info(i, &si) < 0)
		return -1;
	memset(out, 0, sizeof(*out));
	memcpy(out->name, si.iface, sizeof(out->name) < sizeof(si.iface) ? sizeof(out->name) : sizeof(si.iface));
	out->name[sizeof(out->name) - 1] = '\0';
	memcpy(out->user, si.user, sizeof(out->user));
	out->dynamic = si.dynamic;
	out->running = si.running;
	out->mtu = si.mtu;
	out->client_address = si.peer_addr;
	out->uptime = si.uptime;
	memcpy(out->encoding, si.encoding, sizeof(out->encoding));
	return 0;
}

static int active_row(unsigned int i, struct ppp_active_row *out)
{
	struct session_info si;

	if (row_info(i, &si) < 0)
		return -1;
	memset(out, 0, sizeof(*out));
	memcpy(out->name, si.user, sizeof(out->name));
	snprintf(out->service, sizeof(out->service), "pptp");
	out->caller_id = si.peer_addr;
	memcpy(out->encoding, si.encoding, sizeof(out->encoding));
	out->address = si.client_ip;
	out->uptime = si.uptime;
	out->session_id = si.id;
	memcpy(out->iface, si.iface, sizeof(out->iface));
	out->rx_bytes = si.stats.rx_bytes;
	out->tx_bytes = si.stats.tx_bytes;
	out->rx_packets = si.stats.rx_packets;
	out->tx_packets = si.stats.tx_packets;
	out->rate_limit = si.rate_limit;
	out->session_timeout = si.session_timeout;
	out->idle_timeout = si.idle_timeout;
	return 0;
}

static const struct pptp_iface_provider srv_iface_provider = {
	.count = rows_count,
	.get = iface_row,
};

static const struct ppp_active_provider srv_active_provider = {
	.count = rows_count,
	.get = active_row,
};

/* ---- entry points ---- */

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	if (srv_dp() && srv_dp()->tick)
		srv_dp()->tick();
}

int pptp_server_init(struct cp_context *cp)
{
	struct timeval tv = { .tv_sec = SRV_TICK_MS / 1000, .tv_usec = (SRV_TICK_MS % 1000) * 1000 };

	srv.cp = cp;
	auth_local_init(&srv.local, cp->cfg);
	auth_radius_init(&srv.radius, cp, &srv.local);
	srv.tick_ev = event_new(cp->base, -1, EV_PERSIST, on_tick, NULL);
	if (!srv.tick_ev || event_add(srv.tick_ev, &tv)) {
		LOG_ERR(LOG_TOPIC_PPTP, "pptp server: cannot start its timer");
		if (srv.tick_ev)
			event_free(srv.tick_ev);
		srv.tick_ev = NULL;
		return -1;
	}
	pptp_ctrl_set_call_ops(&srv_call_ops, NULL);
	pptp_iface_provider_register(&srv_iface_provider);
	ppp_active_provider_register(&srv_active_provider);
	srv.up = true;
	LOG_INFO(LOG_TOPIC_PPTP, "pptp server enabled=%s", cp->cfg->pptp_server.enabled ? "yes" : "no");
	return 0;
}

void pptp_server_fini(void)
{
	const struct session_dp_ops *dp = srv.dp;

	if (!srv.up)
		return;
	while (srv.n_calls)
		session_stop_now(srv.calls[srv.n_calls - 1]->s, "server shutdown",
				 PPTP_CDN_ADMIN_SHUTDOWN);
	while (srv.conns)
		conn_free(srv.conns);
	auth_radius_fini(&srv.radius);
	pptp_ctrl_set_call_ops(NULL, NULL);
	pptp_iface_provider_register(NULL);
	ppp_active_provider_register(NULL);
	if (srv.tick_ev)
		event_free(srv.tick_ev);
	for (int h = 0; h < H_COUNT; h++)
		free(srv.h[h].b);
	free(srv.calls);
	memset(&srv, 0, sizeof(srv));
	srv.dp = dp;
}

void pptp_server_set_dp_ops(const struct session_dp_ops *ops)
{
	srv.dp = ops;
}

void pptp_server_set_timing(const struct pptp_server_timing *t)
{
	if (t)
		srv.timing = *t;
	else
		memset(&srv.timing, 0, sizeof(srv.timing));
}

void pptp_server_ppp_input(uint32_t session_id, const uint8_t *frame, size_t len)
{
	struct srv_call *c = find_by_id(session_id);

	if (!c) {
		srv.unknown_frames++;
		LOG_DEBUG(LOG_TOPIC_PPP, "session=%u control frame with no session", session_id);
		return;
	}
	session_ppp_input(c->s, frame, len);
}

void pptp_server_dp_event(uint32_t session_id, int kind, uint64_t arg)
{
	struct srv_call *c = find_by_id(session_id);

	(void)arg;
	if (!c)
		return;
	if (kind == DP_EVENT_MPPE_RESET_NEEDED)
		session_mppe_reset(c->s);
}

unsigned int pptp_server_session_count(void)
{
	return srv.n_calls;
}

struct session *pptp_server_find(uint32_t session_id)
{
	struct srv_call *c = find_by_id(session_id);

	return c ? c->s : NULL;
}

int pptp_server_disconnect(uint32_t session_id, const char *cause)
{
	struct srv_call *c = find_by_id(session_id);

	if (!c)
		return -ENOENT;
	session_stop(c->s, cause ? cause : "admin disconnect", PPTP_CDN_ADMIN_SHUTDOWN);
	return 0;
}

uint64_t pptp_server_unknown_frames(void)
{
	return srv.unknown_frames;
}
