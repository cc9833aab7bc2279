/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The load generator's PPTP control connections (RFC 2637 3.1, originator
 * and PNS): TCP through libevent, messages through the appliance's codec
 * (pptp_msg.c). Each connection carries the calls first .. first + n - 1.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>

#include "loadgen.h"

/* OCRQ values as pptp-linux sends them (RFC 2637 2.7). */
#define LG_OCRQ_MIN_BPS     2400u
#define LG_OCRQ_MAX_BPS     10000000u
#define LG_RECV_WINDOW      64u
#define LG_HOST_NAME        "pptpgw-loadgen"
#define LG_VENDOR           "pptpgw"

static void conn_send(struct lg_conn *cn, const struct pptp_msg *m)
{
	uint8_t buf[PPTP_MSG_MAX_LEN];
	size_t n = pptp_msg_build(m, buf, sizeof(buf));

	if (n == 0 || cn->bev == NULL)
		return;
	if (bufferevent_write(cn->bev, buf, n) == 0)
		lg.st.ctrl_tx++;
}

static struct lg_call *conn_call(struct lg_conn *cn, uint32_t i)
{
	return &lg.calls[cn->first + i];
}

static void conn_free_bev(struct lg_conn *cn)
{
	if (cn->bev != NULL)
		bufferevent_free(cn->bev);
	cn->bev = NULL;
}

/* The connection is gone: every call still on it fails (or is lost while held). */
static void conn_fail(struct lg_conn *cn, const char *why)
{
	cn->state = LG_CONN_CLOSED;
	conn_free_bev(cn);
	for (uint32_t i = 0; i < cn->n; i++)
		lg_call_conn_lost(conn_call(cn, i), why);
}

void lg_conn_close(struct lg_conn *cn)
{
	if (cn->state == LG_CONN_CLOSED)
		return;
	conn_fail(cn, "control connection closed by us");
}

void lg_conn_send_ocrq(struct lg_conn *cn, struct lg_call *c)
{
	struct pptp_msg m = { .type = PPTP_OCRQ };

	m.u.ocrq.call_id = (uint16_t)c->idx;
	m.u.ocrq.call_serial = (uint16_t)c->idx;
	m.u.ocrq.min_bps = LG_OCRQ_MIN_BPS;
	m.u.ocrq.max_bps = LG_OCRQ_MAX_BPS;
	m.u.ocrq.bearer_type = PPTP_BEARER_TYPE_ANY;
	m.u.ocrq.framing_type = PPTP_FRAMING_TYPE_ANY;
	m.u.ocrq.recv_window = LG_RECV_WINDOW;
	conn_send(cn, &m);
}

/* RFC 2637 2.12: the PNS clears a call with its own Call ID. */
void lg_conn_send_ccrq(struct lg_conn *cn, struct lg_call *c)
{
	struct pptp_msg m = { .type = PPTP_CCRQ };

	if (cn->state != LG_CONN_ESTABLISHED)
		return;
	m.u.ccrq.call_id = (uint16_t)c->idx;
	conn_send(cn, &m);
}

/* RFC 2637 2.3: once no call is left, the originator stops the connection. */
void lg_conn_call_finished(struct lg_conn *cn)
{
	struct pptp_msg m = { .type = PPTP_StopCCRQ };

	cn->finished++;
	if (cn->finished < cn->n || cn->state != LG_CONN_ESTABLISHED)
		return;
	m.u.stopccrq.reason = PPTP_StopCCRQ_NONE;
	conn_send(cn, &m);
	cn->state = LG_CONN_STOPPING;
}

static void recv_SCCRP(struct lg_conn *cn, const struct pptp_sccrp *rp)
{
	char why[LG_REASON_MAX];

	if (cn->state != LG_CONN_CONNECTING)
		return;
	if (rp->result != PPTP_SCCRP_OK) {
		snprintf(why, sizeof(why), "SCCRP result=%u error=%u", rp->result, rp->error);
		conn_fail(cn, why);
		return;
	}
	cn->state = LG_CONN_ESTABLISHED;
	for (uint32_t i = 0; i < cn->n; i++) {
		struct lg_call *c = conn_call(cn, i);

		if (c->state == LG_CALL_WAIT_CONN) {
			c->state = LG_CALL_WAIT_OCRP;
			lg_conn_send_ocrq(cn, c);
		}
	}
}

/* RFC 2637 2.8: Peer's Call ID is ours, i.e. the call's index. */
static void recv_OCRP(struct lg_conn *cn, const struct pptp_ocrp *rp)
{
	if (rp->peer_call_id < cn->first || rp->peer_call_id >= cn->first + cn->n) {
		lg.st.ctrl_rx_bad++;
		return;
	}
	lg_call_ocrp(&lg.calls[rp->peer_call_id], rp);
}

/* RFC 2637 2.13: the CDN names the PAC's Call ID. */
static void recv_CDN(struct lg_conn *cn, const struct pptp_cdn *m)
{
	for (uint32_t i = 0; i < cn->n; i++) {
		struct lg_call *c = conn_call(cn, i);

		if (c->has_peer_cid && c->peer_cid == m->call_id && c->state != LG_CALL_DONE) {
			lg_call_cdn(c, m);
			return;
		}
	}
	lg.st.ctrl_rx_bad++;
}

static void conn_dispatch(struct lg_conn *cn, const struct pptp_msg *m)
{
	struct pptp_msg r = { 0 };

	switch (m->type) {
	case PPTP_SCCRP:
		recv_SCCRP(cn, &m->u.sccrp);
		break;
	case PPTP_OCRP:
		recv_OCRP(cn, &m->u.ocrp);
		break;
	case PPTP_CDN:
		recv_CDN(cn, &m->u.cdn);
		break;
	case PPTP_ECHORQ:
		/* RFC 2637 2.5: keep-alive, answered whatever the state. */
		r.type = PPTP_ECHORP;
		r.u.echorp.id = m->u.echorq.id;
		r.u.echorp.result = PPTP_ECHORP_OK;
		conn_send(cn, &r);
		break;
	case PPTP_StopCCRQ:
		r.type = PPTP_StopCCRP;
		r.u.stopccrp.result = PPTP_StopCCRP_OK;
		conn_send(cn, &r);
		conn_fail(cn, "server stopped the control connection");
		break;
	case PPTP_StopCCRP:
		if (cn->state == LG_CONN_STOPPING) {
			cn->state = LG_CONN_CLOSED;
			conn_free_bev(cn);
		}
		break;
	case PPTP_ECHORP:
	case PPTP_SLI:
	case PPTP_WEN:
		break;
	default:
		lg.st.ctrl_rx_bad++;
		break;
	}
}

static void conn_read_cb(struct bufferevent *bev, void *arg)
{
	struct lg_conn *cn = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	uint8_t buf[PPTP_MSG_MAX_LEN];

	while (cn->bev != NULL) {
		struct pptp_msg m;
		size_t avail = evbuffer_get_length(in);
		uint16_t len;
		int rc;

		/* RFC 2637 2: the first two octets are the message's length. */
		if (avail < 2 || evbuffer_copyout(in, buf, 2) != 2)
			return;
		len = (uint16_t)(buf[0] << 8 | buf[1]);
		if (len < PPTP_MSG_HDR_LEN || len > PPTP_MSG_MAX_LEN) {
			conn_fail(cn, "bad PPTP length field from server");
			return;
		}
		if (avail < len)
			return;
		if (evbuffer_remove(in, buf, len) != (int)len) {
			conn_fail(cn, "short read");
			return;
		}
		lg.st.ctrl_rx++;
		rc = pptp_msg_parse(buf, len, &m, NULL);
		if (rc == PPTP_MSG_ERR_HEADER) {
			conn_fail(cn, "bad PPTP header from server");
			return;
		}
		if (rc != PPTP_MSG_OK) {
			lg.st.ctrl_rx_bad++;
			continue;
		}
		conn_dispatch(cn, &m);
	}
}

static void conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct lg_conn *cn = arg;
	struct pptp_msg m = { .type = PPTP_SCCRQ };
	char why[LG_REASON_MAX];

	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		m.u.sccrq.protocol_version = PPTP_PROTOCOL_VERSION;
		m.u.sccrq.framing_caps = PPTP_FRAMING_CAP_ASYNC | PPTP_FRAMING_CAP_SYNC;
		m.u.sccrq.bearer_caps = PPTP_BEARER_CAP_ANALOG | PPTP_BEARER_CAP_DIGITAL;
		m.u.sccrq.max_channels = UINT16_MAX;
		m.u.sccrq.firmware_revision = 1;
		snprintf(m.u.sccrq.host_name, sizeof(m.u.sccrq.host_name), LG_HOST_NAME);
		snprintf(m.u.sccrq.vendor, sizeof(m.u.sccrq.vendor), LG_VENDOR);
		if (lg.st.t_first_sccrq_ns == 0)
			lg.st.t_first_sccrq_ns = lg_now_ns();
		conn_send(cn, &m);
		return;
	}
	if (cn->state == LG_CONN_STOPPING) {
		/* The server closed after (or instead of) its StopCCRP: done either way. */
		cn->state = LG_CONN_CLOSED;
		conn_free_bev(cn);
		return;
	}
	if (what & BEV_EVENT_EOF)
		snprintf(why, sizeof(why), "control connection closed by server");
	else
		snprintf(why, sizeof(why), "tcp: %s", strerror(EVUTIL_SOCKET_ERROR()));
	conn_fail(cn, why);
}

int lg_conn_open(struct lg_conn *cn)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1;
	int err;

	if (fd < 0)
		return -1;
	/* One small message per write, and replies wait for them: no Nagle. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (lg.o.bind) {
		sin.sin_addr.s_addr = htonl(lg.o.bind);
		if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0)
			goto fail;
	}
	cn->bev = bufferevent_socket_new(lg.base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (cn->bev == NULL)
		goto fail;
	fd = -1;
	bufferevent_setcb(cn->bev, conn_read_cb, NULL, conn_event_cb, cn);
	if (bufferevent_enable(cn->bev, EV_READ | EV_WRITE) != 0)
		goto fail;
	sin.sin_addr.s_addr = htonl(lg.o.server);
	sin.sin_port = htons(PPTP_TCP_PORT);
	cn->state = LG_CONN_CONNECTING;
	if (bufferevent_socket_connect(cn->bev, (struct sockaddr *)&sin, sizeof(sin)) != 0)
		goto fail;
	return 0;
fail:
	err = errno;
	if (fd >= 0)
		close(fd);
	conn_free_bev(cn);
	cn->state = LG_CONN_CLOSED;
	errno = err;   /* the caller names the reason */
	return -1;
}
