/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One call of the load generator: the appliance's PPP link and MS-CHAPv2
 * client (ppp*.c, auth*.c) over enhanced GRE (dataplane/gre.c) on the one
 * raw IPPROTO_GRE socket every call shares.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "loadgen.h"

/* What the server says to us in one datagram: IPv4 header, GRE, PPP. */
#define LG_RX_MAX        2048
/* Largest frame we send: GRE, PPP header, one control packet. */
#define LG_TX_MAX        (GRE_HDR_MAX_LEN + PPP_FRAME_HDR_MAX + PPP_CTRL_MAX)
/* Datagrams taken per wake-up, so the TCP side is not starved under load. */
#define LG_RX_BURST      256
/* Raw socket buffers: a burst of set-ups is thousands of frames at once. */
#define LG_SOCKBUF       (32 * 1024 * 1024)
/* RFC 2637 4.1: GRE runs over IP protocol 47. */
#define LG_IPPROTO_GRE   47

static struct sockaddr_in gre_peer;

static void gre_deliver(struct lg_call *c, const uint8_t *g, const struct gre_info *gi);

int lg_gre_open(void)
{
	int fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, LG_IPPROTO_GRE);
	int sz = LG_SOCKBUF;

	if (fd < 0)
		return -1;
	/* The FORCE variants pass the sysctl caps (we run as root); fall back quietly. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) != 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) != 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	gre_peer.sin_family = AF_INET;
	gre_peer.sin_addr.s_addr = htonl(lg.o.server);
	return fd;
}

static void gre_send(const uint8_t *buf, size_t len)
{
	/* The kernel writes the IPv4 header (no IP_HDRINCL): protocol 47 to the server. */
	if (sendto(lg.gre_fd, buf, len, 0, (const struct sockaddr *)&gre_peer,
		   sizeof(gre_peer)) == (ssize_t)len)
		lg.st.gre_tx++;
	else
		lg.st.gre_tx_err++;
}

/* RFC 2637 4.2: acknowledge what we received even when PPP has nothing to say. */
static void gre_send_ack(struct lg_call *c)
{
	uint8_t buf[GRE_HDR_MAX_LEN];
	uint32_t ack;
	uint16_t h;

	if (!c->has_peer_cid || !gre_rx_ack_take(&c->rx, &ack))
		return;
	h = gre_build(buf, c->peer_cid, 0, false, 0, true, ack);
	gre_send(buf, h);
}

/* ---- bookkeeping ---- */

static void busy_add(struct lg_call *c)
{
	if (c->in_busy)
		return;
	TAILQ_INSERT_TAIL(&lg.busy, c, busy);
	c->in_busy = true;
	lg.in_flight++;
}

static void busy_del(struct lg_call *c)
{
	if (!c->in_busy)
		return;
	TAILQ_REMOVE(&lg.busy, c, busy);
	c->in_busy = false;
	lg.in_flight--;
	lg_admit_soon();
}

/* PPP and auth objects go from the loop, never from inside their callbacks (ppp.h). */
static void reap_later(struct lg_call *c)
{
	if (c->reaping || c->link == NULL)
		return;
	ppp_lower_down(c->link);
	if (c->auth != NULL)
		auth_stop(c->auth);
	c->reaping = true;
	TAILQ_INSERT_TAIL(&lg.reapq, c, reap);
	event_active(lg.reap_ev, EV_TIMEOUT, 0);
}

void lg_reap(evutil_socket_t fd, short what, void *arg)
{
	struct lg_call *c;

	(void)fd;
	(void)what;
	(void)arg;
	while ((c = TAILQ_FIRST(&lg.reapq)) != NULL) {
		TAILQ_REMOVE(&lg.reapq, c, reap);
		if (c->auth != NULL)
			auth_destroy(c->auth);
		ppp_destroy(c->link);
		for (unsigned int t = 0; t < PPP_TIMER_COUNT; t++) {
			if (c->ppp_tm[t].ev != NULL)
				event_free(c->ppp_tm[t].ev);
			c->ppp_tm[t].ev = NULL;
		}
		if (c->auth_tm != NULL)
			event_free(c->auth_tm);
		c->auth = NULL;
		c->link = NULL;
		c->auth_tm = NULL;
		c->reaping = false;
	}
}

/* The call is over: PPP goes, the connection learns it; clear tells the server (CCRQ). */
static void call_finish(struct lg_call *c, bool clear)
{
	if (c->state == LG_CALL_DONE)
		return;
	reap_later(c);
	free(c->early);
	c->early = NULL;
	if (clear && c->has_peer_cid)
		lg_conn_send_ccrq(c->conn, c);
	busy_del(c);
	c->state = LG_CALL_DONE;
	lg_conn_call_finished(c->conn);
}

void lg_call_fail(struct lg_call *c, const char *fmt, ...)
{
	char why[LG_REASON_MAX];
	va_list ap;

	if (c->state == LG_CALL_DONE)
		return;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (c->state == LG_CALL_UP) {
		c->dropped = true;
		lg.st.dropped++;
		lg_reason_add("dropped while held: %s", why);
	} else if (c->state == LG_CALL_STOPPING) {
		lg.st.teardown_timeouts++;
		lg_reason_add("teardown: %s", why);
	} else {
		c->failed = true;
		lg.st.failed++;
		lg_reason_add("%s", why);
	}
	if (lg.o.verbose)
		fprintf(stderr, "call %u: %s\n", c->idx, why);
	call_finish(c, true);
}

/* ---- PPP and auth ops ---- */

static int op_send(void *ctx, uint16_t proto, const uint8_t *pkt, size_t len)
{
	struct lg_call *c = ctx;
	uint8_t buf[LG_TX_MAX];
	uint8_t ph[PPP_FRAME_HDR_MAX];
	size_t phl, plen;
	uint32_t ack = 0;
	bool has_ack;
	uint16_t h;

	if (!c->has_peer_cid || len > PPP_CTRL_MAX)
		return -1;
	phl = ppp_frame_header(c->link, proto, ph);
	plen = phl + len;
	has_ack = gre_rx_ack_take(&c->rx, &ack);
	h = gre_build(buf, c->peer_cid, (uint16_t)plen, true, gre_tx_seq_next(&c->tx), has_ack, ack);
	memcpy(buf + h, ph, phl);
	memcpy(buf + h + phl, pkt, len);
	gre_send(buf, h + plen);
	return 0;
}

static void op_close(void *ctx, const char *reason)
{
	struct lg_call *c = ctx;

	switch (c->state) {
	case LG_CALL_STOPPING:
		/* Our LCP Terminate is acknowledged: RFC 2637 2.12, clear the call, await the CDN. */
		lg_conn_send_ccrq(c->conn, c);
		reap_later(c);
		break;
	case LG_CALL_PPP:
	case LG_CALL_UP:
		lg_call_fail(c, "ppp closed: %s", reason);
		break;
	default:
		break;
	}
}

static void op_timer_start(void *ctx, enum ppp_timer t, uint32_t ms)
{
	struct lg_call *c = ctx;
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };

	evtimer_add(c->ppp_tm[t].ev, &tv);
}

static void op_timer_stop(void *ctx, enum ppp_timer t)
{
	struct lg_call *c = ctx;

	evtimer_del(c->ppp_tm[t].ev);
}

static void op_auth_start(void *ctx, enum ppp_role role, uint16_t proto, uint8_t algo)
{
	struct lg_call *c = ctx;

	auth_start(c->auth, role, proto, algo);
}

static void op_auth_input(void *ctx, uint16_t proto, const uint8_t *pkt, size_t len)
{
	struct lg_call *c = ctx;

	auth_input(c->auth, proto, pkt, len);
}

static void op_auth_stop(void *ctx)
{
	struct lg_call *c = ctx;

	auth_stop(c->auth);
}

/* DESIGN.md 6: a set-up is complete when IPCP is open and CCP (MPPE) is up. */
static void op_network_up(void *ctx, const struct ppp_net_result *r)
{
	struct lg_call *c = ctx;
	uint64_t now = lg_now_ns();
	const struct auth_stats *as;
	struct ppp_info pi;

	if (c->state == LG_CALL_UP)
		return;   /* back after a renegotiation (op_network_down) */
	if (c->state != LG_CALL_PPP)
		return;
	if (r->mppe_key == 0) {
		lg_call_fail(c, "network up without MPPE");
		return;
	}
	c->state = LG_CALL_UP;
	lg.lat_us[lg.st.up++] = (uint32_t)((now - c->t_start_ns) / 1000u);
	/* Where slow set-ups lost time: a frame lost either way costs a 3 s restart. */
	ppp_get_info(c->link, &pi);
	lg.st.lcp_timeouts += pi.lcp_fsm.timeouts;
	lg.st.ipcp_timeouts += pi.ipcp_fsm.timeouts;
	lg.st.ccp_timeouts += pi.ccp_fsm.timeouts;
	as = auth_get_stats(c->auth);
	if (as->rx_packets > 2)
		lg.st.auth_extra_rx += as->rx_packets - 2;
	lg.st.t_last_up_ns = now;
	busy_del(c);
}

/*
 * RFC 1661 4.3: a Configure-Request in Opened (the peer retransmitted one
 * whose answer it lost) renegotiates the layer. The session is not lost
 * unless the link closes (op_close), so this is counted, not failed.
 */
static void op_network_down(void *ctx)
{
	struct lg_call *c = ctx;

	if (c->state == LG_CALL_UP)
		lg.st.renegotiated++;
}

static void op_log(void *ctx, enum cfg_log_level level, const char *msg)
{
	struct lg_call *c = ctx;

	if (lg.o.verbose || level <= CFG_LOG_ERROR)
		fprintf(stderr, "call %u: %s\n", c->idx, msg);
}

static const struct ppp_ops lg_ppp_ops = {
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

static void aop_timer_start(void *ctx, uint32_t ms)
{
	struct lg_call *c = ctx;
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };

	evtimer_add(c->auth_tm, &tv);
}

static void aop_timer_stop(void *ctx)
{
	struct lg_call *c = ctx;

	evtimer_del(c->auth_tm);
}

static void aop_log(void *ctx, enum cfg_log_level level, const char *msg)
{
	op_log(ctx, level, msg);
}

static const struct auth_ops lg_auth_ops = {
	.timer_start = aop_timer_start,
	.timer_stop = aop_timer_stop,
	.log = aop_log,
};

static void on_ppp_timer(evutil_socket_t fd, short what, void *arg)
{
	struct lg_ptimer *pt = arg;

	(void)fd;
	(void)what;
	if (pt->c->link != NULL && !pt->c->reaping)
		ppp_timeout(pt->c->link, pt->t);
}

static void on_auth_timer(evutil_socket_t fd, short what, void *arg)
{
	struct lg_call *c = arg;

	(void)fd;
	(void)what;
	if (c->auth != NULL && !c->reaping)
		auth_timeout(c->auth);
}

/* ---- the call's life ---- */

void lg_call_admit(struct lg_call *c)
{
	struct lg_conn *cn = c->conn;

	c->t_start_ns = lg_now_ns();
	c->state = LG_CALL_WAIT_CONN;
	lg.st.attempted++;
	busy_add(c);
	switch (cn->state) {
	case LG_CONN_IDLE:
		if (lg_conn_open(cn) != 0)
			lg_call_fail(c, "tcp connect: %s", strerror(errno));
		break;
	case LG_CONN_ESTABLISHED:
		c->state = LG_CALL_WAIT_OCRP;
		lg_conn_send_ocrq(cn, c);
		break;
	case LG_CONN_CONNECTING:
		break;   /* the SCCRP sends its OCRQ */
	default:
		lg_call_fail(c, "control connection already closed");
		break;
	}
}

static int call_ppp_create(struct lg_call *c)
{
	struct ppp_params pp;
	struct auth_params ap = { .user = lg.o.user, .password = lg.o.password };

	/* The appliance's own client role, MS-CHAPv2 only, MPPE-128 required. */
	ppp_params_default(&pp, PPP_ROLE_CLIENT);
	pp.auth = CFG_AUTH_MSCHAP2;
	pp.ccp.encryption = CCP_ENC_REQUIRED;
	pp.ccp.key_bits = MPPE_BIT_S;
	for (unsigned int t = 0; t < PPP_TIMER_COUNT; t++) {
		c->ppp_tm[t].c = c;
		c->ppp_tm[t].t = (enum ppp_timer)t;
		c->ppp_tm[t].ev = evtimer_new(lg.base, on_ppp_timer, &c->ppp_tm[t]);
		if (c->ppp_tm[t].ev == NULL)
			return -1;
	}
	c->auth_tm = evtimer_new(lg.base, on_auth_timer, c);
	c->link = ppp_create(&pp, &lg_ppp_ops, c);
	if (c->auth_tm == NULL || c->link == NULL)
		return -1;
	c->auth = auth_create(&ap, &lg_auth_ops, c, c->link);
	return c->auth != NULL ? 0 : -1;
}

/* RFC 2637 2.8: the PAC's Call ID is the GRE key of everything we send. */
void lg_call_ocrp(struct lg_call *c, const struct pptp_ocrp *rp)
{
	if (c->state != LG_CALL_WAIT_OCRP)
		return;
	if (rp->result != PPTP_OCRP_CONNECTED) {
		lg_call_fail(c, "OCRP result=%u error=%u", rp->result, rp->error);
		return;
	}
	c->peer_cid = rp->call_id;
	c->has_peer_cid = true;
	gre_rx_seq_init(&c->rx);
	gre_tx_seq_init(&c->tx, 0);
	if (call_ppp_create(c) != 0) {
		lg_call_fail(c, "out of memory");
		return;
	}
	c->state = LG_CALL_PPP;
	ppp_start(c->link);
	if (c->early != NULL) {
		struct gre_info gi;

		if (gre_parse(c->early, c->early_len, &gi) == GRE_OK)
			gre_deliver(c, c->early, &gi);
		free(c->early);
		c->early = NULL;
	}
}

/* RFC 2637 2.13: the server cleared the call (our CCRQ answered, or its own doing). */
void lg_call_cdn(struct lg_call *c, const struct pptp_cdn *m)
{
	switch (c->state) {
	case LG_CALL_STOPPING:
		lg.st.cleared++;
		lg.st.t_cleared_ns = lg_now_ns();
		call_finish(c, false);
		break;
	case LG_CALL_DONE:
	case LG_CALL_IDLE:
		break;
	default:
		c->has_peer_cid = false;   /* nothing left to clear */
		lg_call_fail(c, "CDN result=%u error=%u cause=%u \"%s\"", m->result, m->error,
			     m->cause, m->call_stats);
		break;
	}
}

void lg_call_conn_lost(struct lg_call *c, const char *why)
{
	if (c->state == LG_CALL_IDLE || c->state == LG_CALL_DONE)
		return;
	c->has_peer_cid = false;
	lg_call_fail(c, "%s", why);
}

/* Teardown: RFC 1661 LCP Terminate first, then CCRQ (op_close), then the CDN. */
void lg_call_stop(struct lg_call *c)
{
	if (c->state != LG_CALL_UP)
		return;
	c->state = LG_CALL_STOPPING;
	c->t_start_ns = lg_now_ns();
	busy_add(c);
	ppp_stop(c->link, "load generator done");
}

static void call_phase(const struct lg_call *c, char *buf, size_t len)
{
	struct ppp_info pi;

	switch (c->state) {
	case LG_CALL_WAIT_CONN:
		snprintf(buf, len, "waiting for SCCRP");
		return;
	case LG_CALL_WAIT_OCRP:
		snprintf(buf, len, "waiting for OCRP");
		return;
	case LG_CALL_STOPPING:
		snprintf(buf, len, c->link && !c->reaping ? "waiting for LCP Terminate-Ack"
							   : "waiting for CDN");
		return;
	default:
		break;
	}
	if (c->link == NULL) {
		snprintf(buf, len, "no link");
		return;
	}
	ppp_get_info(c->link, &pi);
	snprintf(buf, len, "phase %s lcp %s ipcp %s ccp %s", ppp_phase_name(pi.phase),
		 ppp_fsm_state_name(pi.lcp_state), ppp_fsm_state_name(pi.ipcp_state),
		 ppp_fsm_state_name(pi.ccp_state));
}

void lg_call_check_timeout(struct lg_call *c, uint64_t now)
{
	char phase[LG_REASON_MAX];

	if (now - c->t_start_ns < (uint64_t)lg.o.timeout_s * 1000000000u)
		return;
	call_phase(c, phase, sizeof(phase));
	lg_call_fail(c, "timeout: %s", phase);
}

/* ---- GRE in ---- */

/* One parsed GRE packet for call c: acks, sequence window, then PPP. */
static void gre_deliver(struct lg_call *c, const uint8_t *g, const struct gre_info *gi)
{
	if (c->link == NULL || c->reaping || !c->has_peer_cid) {
		lg.st.gre_rx_unknown++;
		return;
	}
	lg.st.gre_rx++;
	if (gi->has_ack)
		gre_tx_ack(&c->tx, gi->ack);
	if (!gi->has_seq)
		return;   /* ack-only */
	switch (gre_rx_seq_check(&c->rx, gi->seq)) {
	case GRE_SEQ_NEW:
	case GRE_SEQ_LATE:
		break;
	default:
		return;
	}
	ppp_input(c->link, g + gi->hdr_len, gi->payload_len);
	/* PPP answered (the ack rode on it), or we owe a bare one. */
	gre_send_ack(c);
}


static void gre_input(const uint8_t *p, size_t n, uint32_t src)
{
	const struct iphdr *ip = (const struct iphdr *)p;
	struct gre_info gi;
	struct lg_call *c;
	size_t ihl;

	/* A raw socket hands us the IPv4 header too: check it before the GRE. */
	if (n < sizeof(*ip) || ip->version != 4 || ip->protocol != LG_IPPROTO_GRE)
		goto bad;
	ihl = (size_t)ip->ihl * 4u;
	if (ihl < sizeof(*ip) || ihl > n)
		goto bad;
	if (gre_parse(p + ihl, (uint16_t)(n - ihl), &gi) != GRE_OK)
		goto bad;
	if (src != lg.o.server || gi.call_id >= lg.o.sessions) {
		lg.st.gre_rx_unknown++;
		return;
	}
	c = &lg.calls[gi.call_id];
	if (c->state == LG_CALL_WAIT_OCRP && c->early == NULL) {
		/*
		 * The server starts LCP as soon as its OCRP is queued, and GRE
		 * overtakes TCP (or is read first from the same wake-up): keep
		 * the first such packet for lg_call_ocrp() instead of losing it
		 * to the peer's 3 s restart timer (RFC 1661 4.6).
		 */
		c->early = malloc(n - ihl);
		if (c->early != NULL) {
			memcpy(c->early, p + ihl, n - ihl);
			c->early_len = (uint16_t)(n - ihl);
			lg.st.gre_rx_early++;
			return;
		}
	}
	gre_deliver(c, p + ihl, &gi);
	return;
bad:
	lg.st.gre_rx_bad++;
}

void lg_gre_read(evutil_socket_t fd, short what, void *arg)
{
	uint8_t buf[LG_RX_MAX];

	(void)what;
	(void)arg;
	for (unsigned int i = 0; i < LG_RX_BURST; i++) {
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);

		if (n < 0)
			break;
		gre_input(buf, (size_t)n, ntohl(from.sin_addr.s_addr));
	}
}
