/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One PPTP call on the server: PPP link, authentication, addresses,
 * dataplane state, keepalive and the one teardown path (session.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "cp.h"
#include "ip_pool.h"
#include "log.h"
#include "mono_clock.h"
#include "ppp.h"
#include "pptp_ctrl.h"
#include "pptp_msg.h"
#include "session.h"
#include "session_limits.h"
#include "tunnel_route.h"

/* PPP control frames we build: the largest LCP/IPCP/CCP/auth packet plus its header. */
#define SESSION_FRAME_MAX (PPP_FRAME_HDR_MAX + 1600)
/* RFC 3078 3: MPPE adds 4 octets (header) to every data packet. */
#define SESSION_MPPE_OVERHEAD 4
#define SESSION_LOG_MAX 224
#define SESSION_POOL_OWNER "pptp"
/*
 * Our LCP waits for the peer's first frame (a client sends its
 * Configure-Request as soon as it has the OCRP), or this long. The OCRP
 * goes through the kernel's TCP and the TAP, our GRE straight out of a
 * worker: started at once, our first Configure-Request overtook the OCRP in
 * up to 12 % of set-ups under load, and a client that drops GRE for a call
 * it does not know yet only answers our retransmission 3 s later. A passive
 * peer (RFC 1661 4.1, rare) waits this long.
 */
#define SESSION_LCP_START_MS 100

struct session_timer {
	struct session *s;
	enum ppp_timer t;
	struct event *ev;
};

struct session {
	struct session_params p;
	struct ppp_link *link;
	struct auth *auth;
	struct session_timer ppp_timers[PPP_TIMER_COUNT];
	struct event *auth_ev;
	struct event *ka_ev;         /* keepalive tick, from network up */
	struct event *reap_ev;       /* the deferred teardown */
	struct event *start_ev;      /* LCP starts once the OCRP is on its way */

	char user[CFG_NAME_MAX];
	char iface[SESSION_IFACE_MAX];
	bool dynamic;
	char peer_str[CFG_IPV4_STRLEN];

	bool installed;              /* dataplane session exists */
	bool lcp_started;
	bool running;                /* network up */
	bool stopping;               /* teardown requested */
	bool finished;               /* teardown done */
	char cause[PPP_REASON_MAX];
	uint8_t cdn_result;

	uint32_t remote_addr;        /* the client's tunnel address we hold */
	bool remote_held;
	uint32_t local_addr;         /* our tunnel address */
	bool local_held;             /* allocated from a pool: ours to give back */

	uint32_t mppe_bit;           /* MPPE_BIT_S/M/L, 0 unencrypted */
	bool mppe_stateless;
	uint16_t mtu;                /* the interface's: min(max-mtu, peer MRU), as RouterOS shows it */

	bool kernel_up;              /* dp->kernel_up succeeded */
	bool routes_up;              /* dp->routes_up succeeded */
	uint32_t kernel_local;       /* the local address it was given */
	uint16_t ip_mtu;             /* largest IPv4 packet the dataplane carries: the kernel route's mtu */

	int64_t up_ms;               /* network up, monotonic */
	int64_t last_rx_ms;          /* last PPP frame seen by us */
	unsigned int echoes;         /* keepalive Echo-Requests unanswered */
	struct session_limits limits; /* session/idle timeout, rate limit */
};

/* Accounting and dynamic authorization watch server sessions (radius_acct.c). */
static const struct session_observer *session_obs;

void session_set_observer(const struct session_observer *o)
{
	session_obs = o;
}

static void session_log(const struct session *s, enum cfg_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Every line names the session, its peer and (once known) the user. */
static void session_log(const struct session *s, enum cfg_log_level level, const char *fmt, ...)
{
	char msg[SESSION_LOG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* The auth module's lines name the user themselves. */
	if (strncmp(msg, "user=", 5) == 0)
		log_msg(level, LOG_TOPIC_PPTP, "%s session=%u peer=%s", msg, s->p.id, s->peer_str);
	else
		log_msg(level, LOG_TOPIC_PPTP, "user=%s session=%u peer=%s %s",
			s->user[0] ? s->user : "-", s->p.id, s->peer_str, msg);
}

static void session_timer_add(struct event *ev, uint32_t ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };

	event_add(ev, &tv);
}

static uint8_t mppe_bits_of(uint32_t key_bit)
{
	switch (key_bit) {
	case MPPE_BIT_S:
		return 128;
	case MPPE_BIT_M:
		return 56;
	case MPPE_BIT_L:
		return 40;
	default:
		return 0;
	}
}

/* ---- PPP ops ---- */

static int sop_send(void *ctx, uint16_t proto, const uint8_t *pkt, size_t len)
{
	struct session *s = ctx;
	uint8_t frame[SESSION_FRAME_MAX];
	size_t h;

	if (s->finished || !s->installed)
		return -1;
	h = ppp_frame_header(s->link, proto, frame);
	if (h + len > sizeof(frame))
		return -1;
	memcpy(frame + h, pkt, len);
	return s->p.dp->send_ctrl(s->p.id, frame, h + len);
}

static void sop_close(void *ctx, const char *reason)
{
	session_stop(ctx, reason, PPTP_CDN_LOST_CARRIER);
}

static void sop_timer_start(void *ctx, enum ppp_timer t, uint32_t ms)
{
	struct session *s = ctx;

	if (t < PPP_TIMER_COUNT)
		session_timer_add(s->ppp_timers[t].ev, ms);
}

static void sop_timer_stop(void *ctx, enum ppp_timer t)
{
	struct session *s = ctx;

	if (t < PPP_TIMER_COUNT)
		event_del(s->ppp_timers[t].ev);
}

static void sop_auth_start(void *ctx, enum ppp_role role, uint16_t proto, uint8_t algo)
{
	struct session *s = ctx;

	auth_start(s->auth, role, proto, algo);
}

static void sop_auth_input(void *ctx, uint16_t proto, const uint8_t *pkt, size_t len)
{
	struct session *s = ctx;

	auth_input(s->auth, proto, pkt, len);
}

static void sop_auth_stop(void *ctx)
{
	struct session *s = ctx;

	auth_stop(s->auth);
}

static void keepalive_start(struct session *s);

/* The TAP (named as its ethernet) of the session's port; NULL when there is none. */
static const char *session_ifname(const struct session *s)
{
	const struct pg_config *cfg = s->p.cp->cfg;

	return s->p.port < cfg->n_ethernet ? cfg->ethernet[s->p.port].name : NULL;
}

/* Our tunnel address, unless /ip/address holds it already (not ours to add or remove). */
static uint32_t session_kernel_local(const struct session *s)
{
	const struct pg_config *cfg = s->p.cp->cfg;

	for (unsigned int i = 0; i < cfg->n_ip_address; i++)
		if (cfg->ip_address[i].address.addr == s->local_addr)
			return 0;
	return s->local_addr;
}

static void session_kernel_up(struct session *s)
{
	const char *ifname = session_ifname(s);

	if (!s->p.dp->kernel_up || !ifname)
		return;
	s->kernel_local = session_kernel_local(s);
	if (s->p.dp->kernel_up(ifname, s->kernel_local, s->remote_addr, s->ip_mtu)) {
		session_log(s, CFG_LOG_WARNING, "kernel route to the client not installed");
		return;
	}
	s->kernel_up = true;
}

static void session_kernel_down(struct session *s)
{
	const char *ifname = session_ifname(s);

	if (s->kernel_up && s->p.dp->kernel_down && ifname)
		s->p.dp->kernel_down(ifname, s->kernel_local, s->remote_addr);
	s->kernel_up = false;
}

/*
 * RADIUS Framed-Routes (RFC 2865 5.22) into extra[]: those via the client's
 * own address. Another gateway would be a route we cannot send into the
 * session: logged and left out. How many.
 */
static unsigned int session_framed_routes(struct session *s, struct tunnel_route_extra *extra)
{
	const struct auth_info *ai = s->auth ? auth_get_info(s->auth) : NULL;
	unsigned int n = 0;

	for (unsigned int i = 0; ai && !s->p.client_role && i < ai->user_params.n_framed_routes &&
			     i < TUNNEL_ROUTE_LINK_EXTRA; i++) {
		const struct auth_framed_route *f = &ai->user_params.framed_routes[i];
		char dst[CFG_PREFIX_STRLEN], gw[CFG_IPV4_STRLEN];

		if (f->gateway != 0 && f->gateway != s->remote_addr) {
			cfg_format_prefix(&f->dst, dst, sizeof(dst));
			cfg_format_ipv4(f->gateway, gw, sizeof(gw));
			session_log(s, CFG_LOG_WARNING,
				    "Framed-Route %s via %s ignored: not the client's address", dst, gw);
			continue;
		}
		extra[n++] = (struct tunnel_route_extra){ .dst = f->dst, .distance = f->distance };
	}
	return n;
}

/*
 * Routes via this interface: always for a pptp-client link (its server's
 * /32, add-default-route); for a server session only when /ip/route names
 * its interface or RADIUS gave it Framed-Routes (thousands of sessions must
 * not each cost a route).
 */
static void session_routes_up(struct session *s)
{
	const struct pg_config *cfg = s->p.cp->cfg;
	struct tunnel_route_extra extra[TUNNEL_ROUTE_LINK_EXTRA];
	unsigned int n_extra = session_framed_routes(s, extra);
	bool named = s->p.client_role || n_extra > 0;
	struct tunnel_route_link l = {
		.iface = s->iface,
		.tap = session_ifname(s),
		.session_id = s->p.id,
		.gateway = s->remote_addr,
		.local = s->local_addr,
		.peer_outer = s->p.peer_addr,
		.add_default = s->p.client_role && s->p.client.add_default_route,
		.distance = s->p.client.default_route_distance,
		.mtu = s->ip_mtu,
		.extra = extra,
		.n_extra = n_extra,
	};

	for (unsigned int i = 0; i < cfg->n_ip_route && !named; i++)
		named = strcmp(cfg->ip_route[i].gateway_iface, s->iface) == 0;
	if (!named || !s->p.dp->routes_up || !l.tap || !s->iface[0])
		return;
	if (s->p.dp->routes_up(&l)) {
		session_log(s, CFG_LOG_WARNING, "routes via %s not installed", s->iface);
		return;
	}
	s->routes_up = true;
}

static void session_routes_down(struct session *s)
{
	if (s->routes_up && s->p.dp->routes_down)
		s->p.dp->routes_down(s->iface);
	s->routes_up = false;
}

static void sop_network_up(void *ctx, const struct ppp_net_result *r)
{
	struct session *s = ctx;
	const struct auth_info *ai = auth_get_info(s->auth);
	struct dp_session_keys n = { 0 };
	char addr[CFG_IPV4_STRLEN];
	const char *enc;

	if (s->stopping)
		return;
	if (s->p.client_role) {
		/* The server gave us our address; its own is what routes point at. */
		s->local_addr = r->local_addr;
		s->remote_addr = r->peer_addr;
		n.flags |= DP_SESSION_F_CLIENT_ROLE;
	}
	n.client_ip = r->peer_addr;
	n.mru = r->mru;
	n.mtu = r->mtu;
	if (r->mp_mrru_tx) {
		/* RFC 1990: the peer's MRRU bounds a packet, the link MTU each fragment. */
		n.flags |= DP_SESSION_F_MP;
		if (r->mp_ssn_tx)
			n.flags |= DP_SESSION_F_MP_SSN_TX;
		if (r->mp_ssn_rx)
			n.flags |= DP_SESSION_F_MP_SSN_RX;
		n.mp_mrru_tx = r->mp_mrru_tx;
		n.mp_mrru_rx = r->mp_mrru_rx;
		n.mp_link_mtu = r->mtu;
		n.mtu = r->mp_mrru_tx;
	}
	n.mppe_bits = mppe_bits_of(r->mppe_key);
	if (n.mppe_bits) {
		n.mtu = (uint16_t)(n.mtu > SESSION_MPPE_OVERHEAD ? n.mtu - SESSION_MPPE_OVERHEAD : n.mtu);
		if (r->mppe_stateless)
			n.flags |= DP_SESSION_F_MPPE_STATELESS;
		if (ai->has_mppe_keys) {
			memcpy(n.send_key, ai->mppe_send_key, sizeof(n.send_key));
			memcpy(n.recv_key, ai->mppe_recv_key, sizeof(n.recv_key));
		}
	}
	if (r->tx_pfc)
		n.flags |= DP_SESSION_F_PFC;
	if (r->tx_acfc)
		n.flags |= DP_SESSION_F_ACFC;
	session_limits_dp_rate(&s->limits, &n.rate);
	s->ip_mtu = n.mtu;
	int rc = s->p.dp->network_up(s->p.id, &n);

	if (rc) {
		session_log(s, CFG_LOG_ERROR, "dataplane refused network-up rc=%d", rc);
		session_stop(s, "dataplane refused the session", PPTP_CDN_GENERAL_ERROR);
		return;
	}
	s->running = true;
	s->mppe_bit = n.mppe_bits ? r->mppe_key : 0;
	s->mppe_stateless = r->mppe_stateless;
	s->mtu = r->mtu;
	s->up_ms = mono_ms();
	s->last_rx_ms = s->up_ms;
	memset(&n, 0, sizeof(n));   /* no key copies left on the stack */
	cfg_format_ipv4(s->p.client_role ? r->local_addr : r->peer_addr, addr, sizeof(addr));
	enc = s->mppe_bit ? (s->mppe_stateless ? "stateless" : "stateful") : "";
	log_msg(CFG_LOG_INFO, LOG_TOPIC_PPTP,
		"user=%s address=%s encoding=\"%s%s%s\" connected session=%u peer=%s iface=%s",
		s->user, addr, ccp_mppe_name(s->mppe_bit), s->mppe_bit ? " " : "", enc,
		s->p.id, s->peer_str, s->iface);
	session_kernel_up(s);
	session_routes_up(s);
	keepalive_start(s);
	session_limits_start(&s->limits, s->up_ms);
	if (session_obs && session_obs->up && !s->p.client_role)
		session_obs->up(s);
	if (s->p.ev->up)
		s->p.ev->up(s->p.owner, s);
}

static void sop_network_down(void *ctx)
{
	struct session *s = ctx;

	s->running = false;
	if (s->ka_ev)
		event_del(s->ka_ev);
	session_limits_stop(&s->limits);
}

static void sop_ccp_reset(void *ctx)
{
	struct session *s = ctx;

	/* The dataplane rekeys stateful MPPE itself on flag packets; nothing to send yet. */
	session_log(s, CFG_LOG_DEBUG, "CCP Reset-Request from peer");
}

static void sop_echo_reply(void *ctx, uint8_t id)
{
	struct session *s = ctx;

	(void)id;
	s->last_rx_ms = mono_ms();
	s->echoes = 0;
}

static void sop_log(void *ctx, enum cfg_log_level level, const char *msg)
{
	session_log(ctx, level, "%s", msg);
}

static const struct ppp_ops session_ppp_ops = {
	.send = sop_send,
	.close = sop_close,
	.timer_start = sop_timer_start,
	.timer_stop = sop_timer_stop,
	.auth_start = sop_auth_start,
	.auth_input = sop_auth_input,
	.auth_stop = sop_auth_stop,
	.network_up = sop_network_up,
	.network_down = sop_network_down,
	.ccp_reset = sop_ccp_reset,
	.echo_reply = sop_echo_reply,
	.log = sop_log,
};

/* ---- auth ops ---- */

static void aop_timer_start(void *ctx, uint32_t ms)
{
	struct session *s = ctx;

	session_timer_add(s->auth_ev, ms);
}

static void aop_timer_stop(void *ctx)
{
	struct session *s = ctx;

	event_del(s->auth_ev);
}

/* Secret first, then profile (DESIGN.md 3: a secret overrides its profile). */
static const struct cfg_addr_or_pool *pick_addr(const struct cfg_addr_or_pool *secret,
						const struct cfg_addr_or_pool *profile)
{
	if (secret->is_set)
		return secret;
	if (profile->is_set)
		return profile;
	return NULL;
}

/* An address from a pool or a fixed one, marked in use. 0 or -1 with reason. */
static int take_addr(struct session *s, const struct cfg_addr_or_pool *a, bool fixed_reserve,
		     uint32_t *out, bool *held, char *reason, size_t reason_len)
{
	const struct pg_config *cfg = s->p.cp->cfg;
	char text[CFG_IPV4_STRLEN];

	if (a->is_pool) {
		const struct cfg_ip_pool *pool = cfg_find_pool(cfg, a->pool);

		if (!pool) {
			snprintf(reason, reason_len, "no such pool %s", a->pool);
			return -1;
		}
		*out = ip_pool_alloc(pool, 0, SESSION_POOL_OWNER, s->user);
		if (!*out) {
			snprintf(reason, reason_len, "address pool %s exhausted", a->pool);
			return -1;
		}
		*held = true;
		return 0;
	}
	*out = a->addr;
	if (!fixed_reserve)
		return 0;
	if (ip_pool_reserve(a->addr, SESSION_POOL_OWNER, s->user)) {
		cfg_format_ipv4(a->addr, text, sizeof(text));
		snprintf(reason, reason_len, "remote address %s in use", text);
		return -1;
	}
	*held = true;
	return 0;
}

/* RFC 2548 2.4.4/2.4.5: a RADIUS MS-MPPE-Encryption-Policy/-Types overrides the profile. */
static void session_apply_mppe_policy(struct ccp_params *ccp, const struct auth_user_params *up)
{
	uint32_t bits = 0;

	if (up->mppe_policy == 2)
		ccp->encryption = CCP_ENC_REQUIRED;
	else if (up->mppe_policy == 1)
		ccp->encryption = CCP_ENC_ALLOWED;
	if (up->mppe_types & 0x2)
		bits |= MPPE_BIT_L;
	if (up->mppe_types & 0x8)
		bits |= MPPE_BIT_M;
	if (up->mppe_types & 0x4)
		bits |= MPPE_BIT_S;
	if (bits)
		ccp->key_bits = bits;
}

/*
 * The backend accepted the user: profile, only-one, addresses, DNS and the
 * encryption policy become the link's Network-phase parameters.
 */
static int aop_accept(void *ctx, const struct auth_info *info, struct auth_net *net)
{
	struct session *s = ctx;
	const struct pg_config *cfg = s->p.cp->cfg;
	const struct auth_user_params *up = &info->user_params;
	const char *pname = up->profile[0] ? up->profile : cfg->pptp_server.default_profile;
	const struct cfg_ppp_profile *prof = cfg_find_profile(cfg, pname);
	const struct cfg_addr_or_pool *la, *ra;
	struct auth_session_limits lim;

	snprintf(s->user, sizeof(s->user), "%.*s", (int)sizeof(s->user) - 1, info->user);
	if (!prof) {
		snprintf(net->reason, sizeof(net->reason), "no such profile %s", pname);
		return -1;
	}
	if (s->p.ev->authorize &&
	    s->p.ev->authorize(s->p.owner, s, s->user, prof, net->reason, sizeof(net->reason)))
		return -1;

	ra = pick_addr(&up->remote_address, &prof->remote_address);
	if (!ra) {
		snprintf(net->reason, sizeof(net->reason), "no remote address");
		return -1;
	}
	if (take_addr(s, ra, true, &s->remote_addr, &s->remote_held, net->reason,
		      sizeof(net->reason)))
		return -1;
	la = pick_addr(&up->local_address, &prof->local_address);
	/* Our own address may be shared by every session: only a pool hands one out. */
	if (la && take_addr(s, la, false, &s->local_addr, &s->local_held, net->reason,
			    sizeof(net->reason)))
		return -1;

	net->set_ipcp = true;
	memset(&net->ipcp, 0, sizeof(net->ipcp));
	net->ipcp.local_addr = s->local_addr;
	net->ipcp.remote_addr = s->remote_addr;
	for (unsigned int i = 0; i < prof->n_dns_server && i < IPCP_N_DNS; i++)
		net->ipcp.dns[i] = prof->dns_server[i];

	net->set_ccp = true;
	ccp_params_default(&net->ccp);
	net->ccp.encryption = ccp_encryption_from_cfg(prof->use_encryption);
	ccp_params_set_mode(&net->ccp, prof->mppe_mode);
	session_apply_mppe_policy(&net->ccp, up);
	if (!info->has_mppe_keys && net->ccp.encryption != CCP_ENC_REFUSED) {
		/* RFC 3079: MPPE keys come from MS-CHAP; PAP and CHAP give none. */
		if (net->ccp.encryption == CCP_ENC_REQUIRED) {
			snprintf(net->reason, sizeof(net->reason),
				 "encryption required but %s gives no MPPE keys",
				 auth_method_name(info->method));
			return -1;
		}
		net->ccp.encryption = CCP_ENC_REFUSED;
	}
	/* The profile's limits under the backend's (RADIUS Session-Timeout, ...). */
	session_limits_merge(&lim, prof, &up->limits);
	session_limits_apply(&s->limits, &lim);
	return 0;
}

/*
 * Client role: RFC 3079 derives MPPE keys from MS-CHAP only. After PAP or
 * CHAP the profile's "allowed" becomes refused, and "required" cannot be met.
 */
static void client_auth_done(struct session *s, const struct auth_info *info)
{
	struct ccp_params ccp;

	if (!info->ok || info->has_mppe_keys)
		return;
	ccp_params_default(&ccp);
	ccp.encryption = ccp_encryption_from_cfg(s->p.client.use_encryption);
	if (ccp.encryption == CCP_ENC_REQUIRED) {
		char why[PPP_REASON_MAX];

		snprintf(why, sizeof(why), "encryption required but %s gives no MPPE keys",
			 auth_method_name(info->method));
		session_log(s, CFG_LOG_WARNING, "%s", why);
		session_stop(s, why, PPTP_CDN_GENERAL_ERROR);
		return;
	}
	ccp.encryption = CCP_ENC_REFUSED;
	ppp_set_net_params(s->link, NULL, &ccp);
}

static void aop_done(void *ctx, const struct auth_info *info)
{
	struct session *s = ctx;

	if (s->p.client_role) {
		client_auth_done(s, info);
		return;
	}
	if (info->user[0])
		snprintf(s->user, sizeof(s->user), "%.*s", (int)sizeof(s->user) - 1, info->user);
}

static void aop_log(void *ctx, enum cfg_log_level level, const char *msg)
{
	session_log(ctx, level, "%s", msg);
}

static const struct auth_ops session_auth_ops = {
	.timer_start = aop_timer_start,
	.timer_stop = aop_timer_stop,
	.accept = aop_accept,
	.done = aop_done,
	.log = aop_log,
};

/* ---- timers ---- */

static void on_ppp_timer(evutil_socket_t fd, short what, void *arg)
{
	struct session_timer *t = arg;

	(void)fd;
	(void)what;
	if (!t->s->finished)
		ppp_timeout(t->s->link, t->t);
}

static void on_auth_timer(evutil_socket_t fd, short what, void *arg)
{
	struct session *s = arg;

	(void)fd;
	(void)what;
	if (!s->finished)
		auth_timeout(s->auth);
}

/*
 * DESIGN.md 5 / RouterOS keepalive-timeout: after that long without a
 * packet from the peer, one Echo-Request per tick; each tick that finds no
 * answer logs a missed reply; five missed and the call goes.
 */
static void on_keepalive(evutil_socket_t fd, short what, void *arg)
{
	struct session *s = arg;
	int64_t idle = mono_ms() - s->last_rx_ms;
	uint32_t dp_age = s->p.dp->last_rx_age_ms(s->p.id);

	(void)fd;
	(void)what;
	if (s->stopping || !s->running)
		return;
	if (dp_age != SESSION_DP_AGE_UNKNOWN && (int64_t)dp_age < idle)
		idle = dp_age;
	if (idle < (int64_t)s->p.keepalive_ms) {
		s->echoes = 0;
		return;
	}
	if (s->echoes > 0)
		session_log(s, CFG_LOG_INFO, "LCP missed echo reply");
	if (s->echoes >= SESSION_KEEPALIVE_ECHOES) {
		event_del(s->ka_ev);
		session_stop(s, "keepalive timeout", PPTP_CDN_LOST_CARRIER);
		return;
	}
	if (ppp_lcp_send_echo(s->link) >= 0)
		s->echoes++;
}

static void keepalive_start(struct session *s)
{
	uint32_t tick = s->p.keepalive_tick_ms ? s->p.keepalive_tick_ms : SESSION_KEEPALIVE_TICK_MS;
	struct timeval tv = { .tv_sec = tick / 1000, .tv_usec = (tick % 1000) * 1000 };

	s->echoes = 0;
	if (s->p.keepalive_ms && s->ka_ev) {
		/*
		 * Every session ticks with the same period: libevent's common
		 * timeout keeps them in one FIFO instead of its heap (65,536
		 * sessions cost most of the idle control plane's time in the heap).
		 */
		const struct timeval *common =
			event_base_init_common_timeout(event_get_base(s->ka_ev), &tv);

		event_add(s->ka_ev, common ? common : &tv);
	}
}

/* ---- teardown ---- */

static void session_teardown(struct session *s)
{
	struct session_dp_stats st = { 0 };
	char up[CFG_DURATION_STRLEN];
	uint64_t uptime = 0;

	if (s->finished)
		return;
	s->finished = true;
	if (s->ka_ev)
		event_del(s->ka_ev);
	session_limits_stop(&s->limits);
	event_del(s->start_ev);
	if (s->installed)
		s->p.dp->stats(s->p.id, &st);
	/* Since network up, even when PPP took the network down first (LCP Terminate). */
	if (s->up_ms)
		uptime = (uint64_t)(mono_ms() - s->up_ms) / 1000;
	/* PPP and auth go quiet: nothing more is sent, no callback closes again. */
	ppp_lower_down(s->link);
	auth_stop(s->auth);
	s->running = false;

	if (s->p.ctrl && s->cdn_result && s->p.client_role &&
	    pptp_ctrl_state(s->p.ctrl) == PPTP_CTRL_ESTABLISHED) {
		/* RFC 2637 2.12: the PNS clears a call with the Call ID it assigned. */
		struct pptp_msg m = { .type = PPTP_CCRQ, .u.ccrq.call_id = s->p.our_call_id };

		pptp_ctrl_send(s->p.ctrl, &m);
	} else if (s->p.ctrl && s->cdn_result &&
		   pptp_ctrl_state(s->p.ctrl) == PPTP_CTRL_ESTABLISHED) {
		struct pptp_msg m = { .type = PPTP_CDN };

		m.u.cdn.call_id = s->p.our_call_id;
		m.u.cdn.result = s->cdn_result;
		snprintf(m.u.cdn.call_stats, sizeof(m.u.cdn.call_stats), "%s", s->cause);
		pptp_ctrl_send(s->p.ctrl, &m);
	}
	session_routes_down(s);
	session_kernel_down(s);
	if (s->installed && s->p.dp->remove(s->p.id))
		session_log(s, CFG_LOG_WARNING, "dataplane remove failed");
	s->installed = false;
	if (s->remote_held)
		ip_pool_release(s->remote_addr);
	if (s->local_held)
		ip_pool_release(s->local_addr);
	s->remote_held = s->local_held = false;

	cfg_format_duration(uptime > UINT32_MAX ? UINT32_MAX : (uint32_t)uptime, up, sizeof(up));
	if (s->p.cp->cfg->ppp_aaa.accounting)
		log_msg(CFG_LOG_INFO, LOG_TOPIC_PPTP,
			"user=%s cause=\"%s\" uptime=%s rx-bytes=%llu tx-bytes=%llu rx-packets=%llu "
			"tx-packets=%llu session=%u peer=%s disconnected",
			s->user[0] ? s->user : "-", s->cause, up,
			(unsigned long long)st.rx_bytes, (unsigned long long)st.tx_bytes,
			(unsigned long long)st.rx_packets, (unsigned long long)st.tx_packets,
			s->p.id, s->peer_str);
	if (session_obs && session_obs->down && !s->p.client_role)
		session_obs->down(s, s->cause, &st, uptime);
	/* Last: the owner may destroy s from here. */
	s->p.ev->gone(s->p.owner, s);
}

static void on_start(evutil_socket_t fd, short what, void *arg)
{
	struct session *s = arg;

	(void)fd;
	(void)what;
	if (!s->stopping && !s->lcp_started) {
		s->lcp_started = true;
		ppp_start(s->link);
	}
}

static void on_reap(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	session_teardown(arg);
}

void session_stop(struct session *s, const char *cause, uint8_t cdn_result)
{
	if (s->stopping)
		return;
	s->stopping = true;
	snprintf(s->cause, sizeof(s->cause), "%s", cause ? cause : "");
	s->cdn_result = cdn_result;
	event_active(s->reap_ev, EV_TIMEOUT, 0);
}

void session_stop_now(struct session *s, const char *cause, uint8_t cdn_result)
{
	if (!s->stopping) {
		s->stopping = true;
		snprintf(s->cause, sizeof(s->cause), "%s", cause ? cause : "");
		s->cdn_result = cdn_result;
	}
	event_del(s->reap_ev);
	session_teardown(s);
}

/* ---- lifecycle ---- */

/*
 * Client role: the entry's link settings, "allow" as the methods we accept
 * (RFC 1661 5.3: others are Nak'd in LCP), its profile's encryption policy,
 * and our credentials. The interface has the entry's name from the start.
 */
static int session_client_link(struct session *s, struct ppp_params *pp, struct auth_params *ap)
{
	const struct session_client *c = &s->p.client;

	ppp_params_default(pp, PPP_ROLE_CLIENT);
	pp->max_mru = c->link.max_mru;
	pp->max_mtu = c->link.max_mtu;
	pp->mrru = c->link.mrru > DP_MP_MRRU_MAX ? DP_MP_MRRU_MAX : c->link.mrru;
	pp->auth = c->allow;
	ccp_params_default(&pp->ccp);
	pp->ccp.encryption = ccp_encryption_from_cfg(c->use_encryption);
	ccp_params_set_mode(&pp->ccp, c->mppe_mode);
	ap->user = c->user;
	ap->password = c->password;
	ap->backend = NULL;
	snprintf(s->user, sizeof(s->user), "%s", c->user);
	snprintf(s->iface, sizeof(s->iface), "%s", c->name);
	return 0;
}

struct session *session_create(const struct session_params *p)
{
	struct session *s;
	struct event_base *base = p->cp->base;
	const struct pg_config *cfg = p->cp->cfg;
	const struct cfg_pptp_server *sv = &cfg->pptp_server;
	const struct cfg_ppp_profile *dflt = cfg_find_profile(cfg, sv->default_profile);
	struct ppp_params pp;
	struct auth_params ap = { .name = cfg->system.identity, .backend = p->backend };

	if (!p->dp || !p->ev || !p->ev->gone || (!p->backend && !p->client_role))
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->p = *p;
	cfg_format_ipv4(p->peer_addr, s->peer_str, sizeof(s->peer_str));
	s->last_rx_ms = mono_ms();

	for (unsigned int t = 0; t < PPP_TIMER_COUNT; t++) {
		s->ppp_timers[t].s = s;
		s->ppp_timers[t].t = (enum ppp_timer)t;
		s->ppp_timers[t].ev = evtimer_new(base, on_ppp_timer, &s->ppp_timers[t]);
		if (!s->ppp_timers[t].ev)
			goto fail;
	}
	s->auth_ev = evtimer_new(base, on_auth_timer, s);
	s->ka_ev = event_new(base, -1, EV_PERSIST, on_keepalive, s);
	s->reap_ev = event_new(base, -1, 0, on_reap, s);
	s->start_ev = event_new(base, -1, 0, on_start, s);
	if (!s->auth_ev || !s->ka_ev || !s->reap_ev || !s->start_ev)
		goto fail;
	if (session_limits_init(&s->limits, s, base, p->dp, p->id))
		goto fail;

	if (p->client_role) {
		if (session_client_link(s, &pp, &ap))
			goto fail;
		goto link;
	}
	/* Before authentication the default profile sets the CCP policy; accept refines it. */
	ppp_params_default(&pp, PPP_ROLE_SERVER);
	pp.max_mru = sv->link.max_mru;
	pp.max_mtu = sv->link.max_mtu;
	/* What the workers can reassemble bounds the MRRU we offer (dp_msg.h). */
	pp.mrru = sv->link.mrru > DP_MP_MRRU_MAX ? DP_MP_MRRU_MAX : sv->link.mrru;
	pp.auth = sv->authentication;
	ccp_params_default(&pp.ccp);
	if (dflt) {
		pp.ccp.encryption = ccp_encryption_from_cfg(dflt->use_encryption);
		ccp_params_set_mode(&pp.ccp, dflt->mppe_mode);
	}
link:
	s->link = ppp_create(&pp, &session_ppp_ops, s);
	if (!s->link)
		goto fail;
	s->auth = auth_create(&ap, &session_auth_ops, s, s->link);
	if (!s->auth)
		goto fail;
	return s;
fail:
	session_destroy(s);
	return NULL;
}

int session_start(struct session *s)
{
	const struct cfg_ppp_link *link = s->p.client_role ? &s->p.client.link
							 : &s->p.cp->cfg->pptp_server.link;
	struct dp_session_params dp = {
		.peer_ip = s->p.peer_addr,
		.local_ip = s->p.local_addr,
		.our_call_id = s->p.our_call_id,
		.peer_call_id = s->p.peer_call_id,
		.port = s->p.port,
		.mtu = link->max_mtu,
		.mru = link->max_mru,
		.peer_window = s->p.peer_window,
		.flags = s->p.client_role ? DP_SESSION_F_CLIENT_ROLE : 0,
	};

	int rc = s->p.dp->install(s->p.id, &dp);

	if (rc) {
		session_log(s, CFG_LOG_ERROR, "dataplane install failed rc=%d", rc);
		return rc;
	}
	s->installed = true;
	session_log(s, CFG_LOG_DEBUG, "call our-call-id=%u peer-call-id=%u started",
		    s->p.our_call_id, s->p.peer_call_id);
	/*
	 * RFC 2637 2.8: the peer learns our Call-ID from the OCRP; LCP follows
	 * it. A client has the OCRP already: it starts at once.
	 */
	session_timer_add(s->start_ev, s->p.client_role ? 0 : SESSION_LCP_START_MS);
	return 0;
}

void session_destroy(struct session *s)
{
	if (!s)
		return;
	if (s->auth)
		auth_destroy(s->auth);
	if (s->link)
		ppp_destroy(s->link);
	for (unsigned int t = 0; t < PPP_TIMER_COUNT; t++)
		if (s->ppp_timers[t].ev)
			event_free(s->ppp_timers[t].ev);
	if (s->auth_ev)
		event_free(s->auth_ev);
	if (s->ka_ev)
		event_free(s->ka_ev);
	if (s->reap_ev)
		event_free(s->reap_ev);
	if (s->start_ev)
		event_free(s->start_ev);
	session_limits_fini(&s->limits);
	if (s->remote_held)
		ip_pool_release(s->remote_addr);
	if (s->local_held)
		ip_pool_release(s->local_addr);
	/* The client role's copy of its password goes with it. */
	memset(&s->p.client, 0, sizeof(s->p.client));
	free(s);
}

void session_detach_ctrl(struct session *s)
{
	s->p.ctrl = NULL;
}

void session_ppp_input(struct session *s, const uint8_t *frame, size_t len)
{
	if (s->stopping)
		return;
	s->last_rx_ms = mono_ms();
	if (!s->lcp_started) {
		/* The peer spoke first: a link not yet started would drop its Configure-Request. */
		event_del(s->start_ev);
		s->lcp_started = true;
		ppp_start(s->link);
	}
	ppp_input(s->link, frame, len);
}

void session_mppe_reset(struct session *s)
{
	if (!s->stopping && ppp_ccp_send_reset_request(s->link))
		session_log(s, CFG_LOG_DEBUG, "CCP Reset-Request not sent: CCP not open");
}

void session_set_iface(struct session *s, const char *name, bool dynamic)
{
	size_t n = name ? strnlen(name, sizeof(s->iface) - 1) : 0;

	memcpy(s->iface, name, n);
	s->iface[n] = '\0';
	s->dynamic = dynamic;
}

void session_get_info(const struct session *s, struct session_info *out)
{
	memset(out, 0, sizeof(*out));
	out->id = s->p.id;
	out->our_call_id = s->p.our_call_id;
	out->peer_call_id = s->p.peer_call_id;
	out->peer_addr = s->p.peer_addr;
	out->local_addr = s->p.local_addr;
	memcpy(out->user, s->user, sizeof(out->user));
	memcpy(out->iface, s->iface, sizeof(out->iface));
	out->dynamic = s->dynamic;
	out->running = s->running;
	out->stopping = s->stopping;
	if (s->running) {
		out->client_ip = s->remote_addr;
		out->our_ip = s->local_addr;
		out->mtu = s->mtu;
		out->uptime = (uint64_t)(mono_ms() - s->up_ms) / 1000;
		if (s->mppe_bit)
			snprintf(out->encoding, sizeof(out->encoding), "%s %s",
				 ccp_mppe_name(s->mppe_bit),
				 s->mppe_stateless ? "stateless" : "stateful");
	}
	if (s->installed)
		s->p.dp->stats(s->p.id, &out->stats);
	out->rate_limit = s->limits.rate;
	out->session_timeout = s->limits.session_timeout_s;
	out->idle_timeout = s->limits.idle_timeout_s;
}

uint32_t session_id(const struct session *s)
{
	return s->p.id;
}

const char *session_user(const struct session *s)
{
	return s->user;
}

const char *session_iface(const struct session *s)
{
	return s->iface;
}

struct pptp_ctrl *session_ctrl(const struct session *s)
{
	return s->p.ctrl;
}

uint16_t session_peer_call_id(const struct session *s)
{
	return s->p.peer_call_id;
}

uint16_t session_our_call_id(const struct session *s)
{
	return s->p.our_call_id;
}

uint32_t session_peer_addr(const struct session *s)
{
	return s->p.peer_addr;
}

struct ppp_link *session_link(const struct session *s)
{
	return s->link;
}

const char *session_cause(const struct session *s)
{
	return s->cause;
}

int session_apply_limits(struct session *s, const struct auth_session_limits *l)
{
	if (s->stopping || s->finished)
		return -ENOENT;
	session_limits_apply(&s->limits, l);
	return 0;
}
