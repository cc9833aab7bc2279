/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PPTP control connections on TCP 1723 (RFC 2637 section 3.1). Accepted
 * ones: we are the Control Connection Receiver (3.1.2) and the PAC (server
 * role). Ones we open with pptp_ctrl_connect(): we are the originator
 * (3.1.1) and the PNS (the pptp-client role), with our own call ops.
 *
 * One struct pptp_ctrl per TCP connection, held in a bufferevent whose input
 * is bounded. Bytes are framed by the length field, parsed by pptp_msg.c and
 * dispatched by state. Teardown never happens inside a callback: a connection
 * to be closed moves to the dying list and one deferred event frees it from
 * the loop (npppd's "disposing" state, done with a list).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>

#include "cp.h"
#include "log.h"
#include "mono_clock.h"
#include "pptp_ctrl.h"
#include "pptp_msg.h"

/* Input held per connection: a few frames; reading pauses when full. */
#define PPTP_CTRL_RX_MAX        (4 * PPTP_MSG_MAX_LEN)
/* Output a peer may leave unread before we give up on it. */
#define PPTP_CTRL_TX_MAX        (64 * 1024)
#define PPTP_CTRL_BACKLOG       128
/* After accept() fails (EMFILE...), wait this long before accepting again. */
#define PPTP_CTRL_RELISTEN_MS   1000

/* What we announce in the SCCRP (RFC 2637 2.2). */
#define PPTP_CTRL_VENDOR        "pptpgw"
#define PPTP_CTRL_FIRMWARE_REV  1
#define PPTP_CTRL_MAX_CHANNELS  65535
#define PPTP_CTRL_FRAMING_CAPS  (PPTP_FRAMING_CAP_ASYNC | PPTP_FRAMING_CAP_SYNC)
#define PPTP_CTRL_BEARER_CAPS   (PPTP_BEARER_CAP_ANALOG | PPTP_BEARER_CAP_DIGITAL)
#define PPTP_CTRL_DEFAULT_HOST  "pptpgw"

/*
 * Real clients send the SCCRQ at once; a short wait limits how long idle
 * sockets can hold connection slots. Keep-alive per RFC 2637 3.1.3.
 */
#define PPTP_CTRL_TIMEOUTS_DEFAULT {    \
	.sccrq_ms = 30 * 1000,          \
	.echo_interval_ms = 60 * 1000,  \
	.echo_reply_ms = 60 * 1000,     \
	.stop_reply_ms = 5 * 1000,      \
	.linger_ms = 5 * 1000,          \
	.sccrp_ms = 10 * 1000,          \
}

struct pptp_ctrl {
	TAILQ_ENTRY(pptp_ctrl) link;       /* on g.conns, then on g.dying */
	uint32_t id;
	enum pptp_ctrl_state state;
	enum pptp_ctrl_close close_reason; /* for CLOSING: why, once the reply is out */
	bool dying;                        /* on g.dying: no more I/O, no more sends */
	bool was_established;              /* the call layer may know us: ctrl_down owed */
	bool echo_outstanding;             /* our Echo-Request unanswered */
	bool echo_sent;                    /* echo_id is meaningful */
	uint32_t echo_id;                  /* identifier of our last Echo-Request */
	struct bufferevent *bev;
	struct event *timer;               /* the one timer of the current state */
	struct sockaddr_in peer;
	struct sockaddr_in local;
	char peer_str[INET_ADDRSTRLEN + sizeof(":65535")];
	void *user;
	bool originator;                   /* pptp_ctrl_connect(): we are the PNS */
	struct pptp_ctrl_call_ops own_ops; /* originator: this connection's call layer */
	void *own_arg;
};

TAILQ_HEAD(pptp_ctrl_list, pptp_ctrl);

static struct {
	struct cp_context *cp;
	struct evconnlistener *listener;
	struct event *reap_ev;       /* frees g.dying from the loop */
	struct event *relisten_ev;   /* re-enables accept after an accept error */
	uint16_t port;
	struct pptp_ctrl_list conns;
	struct pptp_ctrl_list dying;
	struct pptp_ctrl_call_ops ops;
	void *ops_arg;
	bool have_ops;
	struct pptp_ctrl_timeouts to;
	struct pptp_ctrl_stats stats;
	uint32_t next_id;
	uint32_t next_echo_id;
	time_t last_limit_log;       /* rate limit for the connection-limit warning */
} g = {
	.conns = TAILQ_HEAD_INITIALIZER(g.conns),
	.dying = TAILQ_HEAD_INITIALIZER(g.dying),
	.to = PPTP_CTRL_TIMEOUTS_DEFAULT,
};

static const struct pptp_ctrl_timeouts default_timeouts = PPTP_CTRL_TIMEOUTS_DEFAULT;

static const char *const drop_names[PPTP_CTRL_DROP_MAX] = {
#define PPTP_CTRL_DROP_NAME(e, name, desc) [PPTP_CTRL_DROP_##e] = name,
	PPTP_CTRL_DROP_LIST(PPTP_CTRL_DROP_NAME)
#undef PPTP_CTRL_DROP_NAME
};

static const char *const drop_descs[PPTP_CTRL_DROP_MAX] = {
#define PPTP_CTRL_DROP_DESC(e, name, desc) [PPTP_CTRL_DROP_##e] = desc,
	PPTP_CTRL_DROP_LIST(PPTP_CTRL_DROP_DESC)
#undef PPTP_CTRL_DROP_DESC
};

static const char *const close_names[PPTP_CTRL_CLOSE_MAX] = {
#define PPTP_CTRL_CLOSE_NAME(e, name, desc) [PPTP_CTRL_CLOSE_##e] = name,
	PPTP_CTRL_CLOSE_LIST(PPTP_CTRL_CLOSE_NAME)
#undef PPTP_CTRL_CLOSE_NAME
};

/* The call layer of a connection: its own (originator) or the registered one. */
static const struct pptp_ctrl_call_ops *ops_of(const struct pptp_ctrl *c)
{
	if (c->originator)
		return &c->own_ops;
	return g.have_ops ? &g.ops : NULL;
}

static void *ops_arg_of(const struct pptp_ctrl *c)
{
	return c->originator ? c->own_arg : g.ops_arg;
}

const char *pptp_ctrl_drop_name(enum pptp_ctrl_drop d)
{
	return (unsigned int)d < PPTP_CTRL_DROP_MAX ? drop_names[d] : "?";
}

const char *pptp_ctrl_drop_desc(enum pptp_ctrl_drop d)
{
	return (unsigned int)d < PPTP_CTRL_DROP_MAX ? drop_descs[d] : "?";
}

const char *pptp_ctrl_close_name(enum pptp_ctrl_close c)
{
	return (unsigned int)c < PPTP_CTRL_CLOSE_MAX ? close_names[c] : "?";
}

const char *pptp_ctrl_state_name(enum pptp_ctrl_state s)
{
	switch (s) {
	case PPTP_CTRL_IDLE: return "idle";
	case PPTP_CTRL_WAIT_CTL_REQUEST: return "wait-ctl-request";
	case PPTP_CTRL_ESTABLISHED: return "established";
	case PPTP_CTRL_WAIT_STOP_REPLY: return "wait-stop-reply";
	case PPTP_CTRL_CLOSING: return "closing";
	case PPTP_CTRL_WAIT_CONNECT: return "wait-connect";
	case PPTP_CTRL_WAIT_CTL_REPLY: return "wait-ctl-reply";
	}
	return "?";
}

/* Every line about a connection carries its peer and id. */
static void ctrl_log(const struct pptp_ctrl *c, enum cfg_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void ctrl_log(const struct pptp_ctrl *c, enum cfg_log_level level, const char *fmt, ...)
{
	char buf[192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_msg(level, LOG_TOPIC_PPTP, "peer=%s ctrl=%u %s", c->peer_str, c->id, buf);
}

/* Peer-supplied strings go into log lines: keep them printable and quotable. */
static void log_safe(char *dst, size_t n, const char *src)
{
	size_t i = 0;

	for (; src[i] != '\0' && i + 1 < n; i++) {
		unsigned char ch = (unsigned char)src[i];

		dst[i] = (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\') ? (char)ch : '?';
	}
	dst[i] = '\0';
}

static void ctrl_drop(struct pptp_ctrl *c, enum pptp_ctrl_drop d, const char *what)
{
	g.stats.drops[d]++;
	ctrl_log(c, CFG_LOG_WARNING, "drop=%s state=%s %s", drop_names[d],
		 pptp_ctrl_state_name(c->state), what);
}

static void ctrl_arm(struct pptp_ctrl *c, uint32_t ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };

	evtimer_add(c->timer, &tv);
}

/*
 * Request teardown. Safe anywhere, any number of times: the connection stops
 * all I/O now and is freed by reap_cb from the loop.
 */
static void ctrl_close(struct pptp_ctrl *c, enum pptp_ctrl_close reason)
{
	if (c->dying)
		return;
	c->dying = true;
	c->close_reason = reason;
	g.stats.closes[reason]++;
	ctrl_log(c, CFG_LOG_INFO, "closed reason=%s state=%s", close_names[reason],
		 pptp_ctrl_state_name(c->state));
	bufferevent_disable(c->bev, EV_READ | EV_WRITE);
	evtimer_del(c->timer);
	TAILQ_REMOVE(&g.conns, c, link);
	TAILQ_INSERT_TAIL(&g.dying, c, link);
	event_active(g.reap_ev, EV_TIMEOUT, 0);
}

/*
 * Our last word is queued (StopCCRP, a failing SCCRP): stop reading and
 * close once it is written, or after linger_ms if the peer does not read.
 */
static void ctrl_close_after_flush(struct pptp_ctrl *c, enum pptp_ctrl_close reason)
{
	if (c->dying)
		return;
	c->state = PPTP_CTRL_CLOSING;
	c->close_reason = reason;
	bufferevent_disable(c->bev, EV_READ);
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0) {
		ctrl_close(c, reason);
		return;
	}
	ctrl_arm(c, g.to.linger_ms);
}

/* Free one connection. Only from reap_cb or pptp_ctrl_fini(). */
static void ctrl_destroy(struct pptp_ctrl *c)
{
	const struct pptp_ctrl_call_ops *ops = ops_of(c);

	TAILQ_REMOVE(&g.dying, c, link);
	if ((c->was_established || c->originator) && ops != NULL && ops->ctrl_down != NULL)
		ops->ctrl_down(ops_arg_of(c), c);
	bufferevent_free(c->bev);  /* closes the socket */
	event_free(c->timer);
	g.stats.active--;
	free(c);
}

static void reap_cb(evutil_socket_t fd, short what, void *arg)
{
	struct pptp_ctrl *c;

	(void)fd;
	(void)what;
	(void)arg;
	while ((c = TAILQ_FIRST(&g.dying)) != NULL)
		ctrl_destroy(c);
}

static int ctrl_send(struct pptp_ctrl *c, const struct pptp_msg *m)
{
	uint8_t buf[PPTP_MSG_MAX_LEN];
	size_t len;
	int rc = -1;

	if (c->dying || c->state == PPTP_CTRL_CLOSING)
		goto out;
	len = pptp_msg_build(m, buf, sizeof(buf));
	if (len == 0) {
		ctrl_log(c, CFG_LOG_ERROR, "cannot build message type=%u", m->type);
		goto out;
	}
	if (bufferevent_write(c->bev, buf, len) != 0) {
		ctrl_log(c, CFG_LOG_ERROR, "cannot queue %s", pptp_msg_name(m->type));
		ctrl_close(c, PPTP_CTRL_CLOSE_IO_ERROR);
		goto out;
	}
	g.stats.tx_msgs++;
	ctrl_log(c, CFG_LOG_DEBUG, "sent %s", pptp_msg_name(m->type));
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) > PPTP_CTRL_TX_MAX) {
		ctrl_log(c, CFG_LOG_WARNING, "peer is not reading: %zu bytes unsent",
			 evbuffer_get_length(bufferevent_get_output(c->bev)));
		ctrl_close(c, PPTP_CTRL_CLOSE_TX_OVERFLOW);
		goto out;
	}
	rc = 0;
out:
	return rc;
}

static void pptp_ctrl_send_SCCRP(struct pptp_ctrl *c, uint8_t result, uint8_t error)
{
	const char *host = PPTP_CTRL_DEFAULT_HOST;
	struct pptp_msg m = { .type = PPTP_SCCRP };
	struct pptp_sccrp *rp = &m.u.sccrp;

	/* Read the identity each time: the CLI may change it live. */
	if (g.cp != NULL && g.cp->cfg != NULL && g.cp->cfg->system.identity[0] != '\0')
		host = g.cp->cfg->system.identity;
	rp->protocol_version = PPTP_PROTOCOL_VERSION;
	rp->result = result;
	rp->error = error;
	rp->framing_caps = PPTP_CTRL_FRAMING_CAPS;
	rp->bearer_caps = PPTP_CTRL_BEARER_CAPS;
	rp->max_channels = PPTP_CTRL_MAX_CHANNELS;
	rp->firmware_revision = PPTP_CTRL_FIRMWARE_REV;
	snprintf(rp->host_name, sizeof(rp->host_name), "%s", host);
	snprintf(rp->vendor, sizeof(rp->vendor), "%s", PPTP_CTRL_VENDOR);
	ctrl_send(c, &m);
}

static void pptp_ctrl_send_StopCCRQ(struct pptp_ctrl *c, uint8_t reason)
{
	struct pptp_msg m = { .type = PPTP_StopCCRQ, .u.stopccrq.reason = reason };

	ctrl_send(c, &m);
}

static void pptp_ctrl_send_StopCCRP(struct pptp_ctrl *c)
{
	struct pptp_msg m = { .type = PPTP_StopCCRP, .u.stopccrp.result = PPTP_StopCCRP_OK };

	ctrl_send(c, &m);
}

static void pptp_ctrl_send_ECHORQ(struct pptp_ctrl *c)
{
	struct pptp_msg m = { .type = PPTP_ECHORQ };

	c->echo_id = g.next_echo_id++;
	c->echo_sent = true;
	c->echo_outstanding = true;
	m.u.echorq.id = c->echo_id;
	ctrl_send(c, &m);
}

/* RFC 2637 3.1.2: the Control Connection Receiver answers the SCCRQ. */
static void pptp_ctrl_recv_SCCRQ(struct pptp_ctrl *c, const struct pptp_sccrq *rq)
{
	char host[PPTP_STRING_LEN + 1], vendor[PPTP_STRING_LEN + 1];

	log_safe(host, sizeof(host), rq->host_name);
	log_safe(vendor, sizeof(vendor), rq->vendor);
	ctrl_log(c, CFG_LOG_INFO,
		 "SCCRQ version=%u.%u framing=%u bearer=%u max-channels=%u firmware=0x%04x "
		 "host=\"%s\" vendor=\"%s\"",
		 rq->protocol_version >> 8, rq->protocol_version & 0xff, rq->framing_caps,
		 rq->bearer_caps, rq->max_channels, rq->firmware_revision, host, vendor);

	if (rq->protocol_version != PPTP_PROTOCOL_VERSION) {
		/* RFC 2637 3.1.2: refuse with a reason, then close the TCP connection. */
		ctrl_drop(c, PPTP_CTRL_DROP_BAD_VERSION, "protocol version not 1.0");
		pptp_ctrl_send_SCCRP(c, PPTP_SCCRP_BAD_VERSION, PPTP_ERR_NONE);
		ctrl_close_after_flush(c, PPTP_CTRL_CLOSE_BAD_VERSION);
		return;
	}
	pptp_ctrl_send_SCCRP(c, PPTP_SCCRP_OK, PPTP_ERR_NONE);
	if (c->dying)
		return;
	c->state = PPTP_CTRL_ESTABLISHED;
	c->was_established = true;
	g.stats.established++;
	ctrl_log(c, CFG_LOG_INFO, "established");
	ctrl_arm(c, g.to.echo_interval_ms);
}

/* RFC 2637 3.1.1: the originator opens with its SCCRQ once TCP is up. */
static void pptp_ctrl_send_SCCRQ(struct pptp_ctrl *c)
{
	const char *host = PPTP_CTRL_DEFAULT_HOST;
	struct pptp_msg m = { .type = PPTP_SCCRQ };
	struct pptp_sccrq *rq = &m.u.sccrq;

	if (g.cp != NULL && g.cp->cfg != NULL && g.cp->cfg->system.identity[0] != '\0')
		host = g.cp->cfg->system.identity;
	rq->protocol_version = PPTP_PROTOCOL_VERSION;
	rq->framing_caps = PPTP_CTRL_FRAMING_CAPS;
	rq->bearer_caps = PPTP_CTRL_BEARER_CAPS;
	/* RFC 2637 2.1: a PNS sends Maximum Channels 0. */
	rq->max_channels = 0;
	rq->firmware_revision = PPTP_CTRL_FIRMWARE_REV;
	snprintf(rq->host_name, sizeof(rq->host_name), "%s", host);
	snprintf(rq->vendor, sizeof(rq->vendor), "%s", PPTP_CTRL_VENDOR);
	ctrl_send(c, &m);
}

/* RFC 2637 3.1.1: wait-ctl-reply -> established on result 1, closed otherwise. */
static void pptp_ctrl_recv_SCCRP(struct pptp_ctrl *c, const struct pptp_sccrp *rp)
{
	char host[PPTP_STRING_LEN + 1], vendor[PPTP_STRING_LEN + 1];

	log_safe(host, sizeof(host), rp->host_name);
	log_safe(vendor, sizeof(vendor), rp->vendor);
	ctrl_log(c, CFG_LOG_INFO,
		 "SCCRP version=%u.%u result=%u error=%u max-channels=%u firmware=0x%04x "
		 "host=\"%s\" vendor=\"%s\"",
		 rp->protocol_version >> 8, rp->protocol_version & 0xff, rp->result, rp->error,
		 rp->max_channels, rp->firmware_revision, host, vendor);
	if (rp->result != PPTP_SCCRP_OK) {
		ctrl_close(c, PPTP_CTRL_CLOSE_SCCRP_REFUSED);
		return;
	}
	c->state = PPTP_CTRL_ESTABLISHED;
	c->was_established = true;
	g.stats.established++;
	ctrl_log(c, CFG_LOG_INFO, "established");
	ctrl_arm(c, g.to.echo_interval_ms);
	if (c->own_ops.ctrl_up != NULL)
		c->own_ops.ctrl_up(c->own_arg, c);
}

static void pptp_ctrl_recv_StopCCRQ(struct pptp_ctrl *c, const struct pptp_stopccrq *rq)
{
	ctrl_log(c, CFG_LOG_INFO, "StopCCRQ reason=%u", rq->reason);
	pptp_ctrl_send_StopCCRP(c);
	ctrl_close_after_flush(c, PPTP_CTRL_CLOSE_STOP_REQUEST);
}

static void pptp_ctrl_recv_StopCCRP(struct pptp_ctrl *c, const struct pptp_stopccrp *rp)
{
	ctrl_log(c, CFG_LOG_INFO, "StopCCRP result=%u error=%u", rp->result, rp->error);
	ctrl_close(c, PPTP_CTRL_CLOSE_STOP_REPLY);
}

static void pptp_ctrl_recv_ECHORQ(struct pptp_ctrl *c, const struct pptp_echorq *rq)
{
	struct pptp_msg m = { .type = PPTP_ECHORP };

	m.u.echorp.id = rq->id;
	m.u.echorp.result = PPTP_ECHORP_OK;
	ctrl_send(c, &m);
}

static void pptp_ctrl_recv_ECHORP(struct pptp_ctrl *c, const struct pptp_echorp *rp)
{
	char what[64];

	if (!c->echo_sent || rp->id != c->echo_id) {
		snprintf(what, sizeof(what), "ECHORP id=%u", rp->id);
		ctrl_drop(c, PPTP_CTRL_DROP_ECHO_ID, what);
		return;
	}
	ctrl_log(c, CFG_LOG_DEBUG, "ECHORP id=%u result=%u", rp->id, rp->result);
}

/*
 * Why a call request (msg: "OCRQ", "ICRQ") gets General error / No-Resource:
 * no call layer (a counted drop), or the call layer said no.
 */
static void ctrl_call_refused(struct pptp_ctrl *c, const char *msg, uint16_t call_id,
			      bool no_call_layer)
{
	char what[96];

	if (no_call_layer) {
		snprintf(what, sizeof(what), "%s call-id=%u refused: General error/No-Resource",
			 msg, call_id);
		ctrl_drop(c, PPTP_CTRL_DROP_NO_CALL_LAYER, what);
	} else {
		ctrl_log(c, CFG_LOG_WARNING, "%s call-id=%u refused by the call layer", msg,
			 call_id);
	}
}

/*
 * No call layer yet (the PPP layer is the next piece of work): every call
 * request is refused with General error / No-Resource and the control
 * connection stays up, so the peer sees a clean refusal, not a dead link.
 */
static void pptp_ctrl_recv_OCRQ(struct pptp_ctrl *c, const struct pptp_ocrq *rq)
{
	struct pptp_msg m = { .type = PPTP_OCRP };
	struct pptp_ocrp *rp = &m.u.ocrp;
	const struct pptp_ctrl_call_ops *ops = ops_of(c);

	ctrl_log(c, CFG_LOG_INFO, "OCRQ call-id=%u serial=%u bps=%u..%u window=%u",
		 rq->call_id, rq->call_serial, rq->min_bps, rq->max_bps, rq->recv_window);
	rp->peer_call_id = rq->call_id;
	if (ops != NULL && ops->outgoing_call_request != NULL &&
	    ops->outgoing_call_request(ops_arg_of(c), c, rq, rp) == 0) {
		rp->peer_call_id = rq->call_id;
		ctrl_send(c, &m);
		return;
	}
	ctrl_call_refused(c, "OCRQ", rq->call_id,
			  ops == NULL || ops->outgoing_call_request == NULL);
	memset(rp, 0, sizeof(*rp));
	rp->peer_call_id = rq->call_id;
	rp->result = PPTP_OCRP_GENERAL_ERROR;
	rp->error = PPTP_ERR_NO_RESOURCE;
	ctrl_send(c, &m);
}

/* Same contract as the OCRQ, for a peer acting as PAC. */
static void pptp_ctrl_recv_ICRQ(struct pptp_ctrl *c, const struct pptp_icrq *rq)
{
	struct pptp_msg m = { .type = PPTP_ICRP };
	struct pptp_icrp *rp = &m.u.icrp;
	const struct pptp_ctrl_call_ops *ops = ops_of(c);

	ctrl_log(c, CFG_LOG_INFO, "ICRQ call-id=%u serial=%u", rq->call_id, rq->call_serial);
	rp->peer_call_id = rq->call_id;
	if (ops != NULL && ops->incoming_call_request != NULL &&
	    ops->incoming_call_request(ops_arg_of(c), c, rq, rp) == 0) {
		rp->peer_call_id = rq->call_id;
		ctrl_send(c, &m);
		return;
	}
	ctrl_call_refused(c, "ICRQ", rq->call_id,
			  ops == NULL || ops->incoming_call_request == NULL);
	memset(rp, 0, sizeof(*rp));
	rp->peer_call_id = rq->call_id;
	rp->result = PPTP_ICRP_GENERAL_ERROR;
	rp->error = PPTP_ERR_NO_RESOURCE;
	ctrl_send(c, &m);
}

static void pptp_ctrl_recv_WEN(struct pptp_ctrl *c, const struct pptp_wen *m)
{
	ctrl_log(c, CFG_LOG_INFO,
		 "WEN call-id=%u crc=%u framing=%u hardware-overruns=%u buffer-overruns=%u "
		 "timeouts=%u alignment=%u",
		 m->peer_call_id, m->crc_errors, m->framing_errors, m->hardware_overruns,
		 m->buffer_overruns, m->timeout_errors, m->alignment_errors);
	if (ops_of(c) != NULL && ops_of(c)->wan_error_notify != NULL)
		ops_of(c)->wan_error_notify(ops_arg_of(c), c, m);
}

/* INTEROP.md: Windows sends SLI with real ACCMs; accept it, never tear down over it. */
static void pptp_ctrl_recv_SLI(struct pptp_ctrl *c, const struct pptp_sli *m)
{
	ctrl_log(c, CFG_LOG_DEBUG, "SLI call-id=%u send-accm=0x%08x recv-accm=0x%08x",
		 m->peer_call_id, m->send_accm, m->recv_accm);
	if (ops_of(c) != NULL && ops_of(c)->set_link_info != NULL)
		ops_of(c)->set_link_info(ops_arg_of(c), c, m);
}

/* Messages that only concern the call layer; without one they are dropped. */
static void ctrl_to_call_layer(struct pptp_ctrl *c, const struct pptp_msg *m)
{
	const struct pptp_ctrl_call_ops *ops = ops_of(c);
	void *arg = ops_arg_of(c);
	bool handled = false;

	if (ops != NULL) {
		switch (m->type) {
		case PPTP_ICCN:
			if (ops->incoming_call_connected != NULL) {
				ops->incoming_call_connected(arg, c, &m->u.iccn);
				handled = true;
			}
			break;
		case PPTP_CCRQ:
			if (ops->call_clear_request != NULL) {
				ops->call_clear_request(arg, c, &m->u.ccrq);
				handled = true;
			}
			break;
		case PPTP_CDN:
			if (ops->call_disconnect_notify != NULL) {
				ops->call_disconnect_notify(arg, c, &m->u.cdn);
				handled = true;
			}
			break;
		case PPTP_OCRP:
			if (ops->outgoing_call_reply != NULL) {
				ops->outgoing_call_reply(arg, c, &m->u.ocrp);
				handled = true;
			}
			break;
		default:
			break;
		}
	}
	if (!handled)
		ctrl_drop(c, PPTP_CTRL_DROP_NO_CALL_LAYER, pptp_msg_name(m->type));
}

static void ctrl_recv_established(struct pptp_ctrl *c, const struct pptp_msg *m)
{
	switch ((enum pptp_ctrl_type)m->type) {
	case PPTP_SCCRQ:
		if (c->originator) {
			/* RFC 2637 3.1.1: the receiver never starts the connection. */
			ctrl_drop(c, PPTP_CTRL_DROP_UNEXPECTED, "SCCRQ");
			break;
		}
		/* RFC 2637 2.2 result 3: this connection already is the control channel. */
		ctrl_drop(c, PPTP_CTRL_DROP_SCCRQ_AGAIN, "SCCRQ");
		pptp_ctrl_send_SCCRP(c, PPTP_SCCRP_CHANNEL_EXISTS, PPTP_ERR_NONE);
		break;
	case PPTP_StopCCRQ:
		pptp_ctrl_recv_StopCCRQ(c, &m->u.stopccrq);
		break;
	case PPTP_ECHORQ:
		pptp_ctrl_recv_ECHORQ(c, &m->u.echorq);
		break;
	case PPTP_ECHORP:
		pptp_ctrl_recv_ECHORP(c, &m->u.echorp);
		break;
	case PPTP_OCRQ:
		pptp_ctrl_recv_OCRQ(c, &m->u.ocrq);
		break;
	case PPTP_ICRQ:
		pptp_ctrl_recv_ICRQ(c, &m->u.icrq);
		break;
	case PPTP_ICCN:
	case PPTP_CCRQ:
	case PPTP_CDN:
		ctrl_to_call_layer(c, m);
		break;
	case PPTP_WEN:
		pptp_ctrl_recv_WEN(c, &m->u.wen);
		break;
	case PPTP_SLI:
		pptp_ctrl_recv_SLI(c, &m->u.sli);
		break;
	case PPTP_OCRP:
		/* RFC 2637 2.8: the answer to the PNS's OCRQ; a PAC never gets one. */
		if (c->originator) {
			ctrl_to_call_layer(c, m);
			break;
		}
		ctrl_drop(c, PPTP_CTRL_DROP_UNEXPECTED, pptp_msg_name(m->type));
		break;
	case PPTP_SCCRP:
	case PPTP_StopCCRP:
	case PPTP_ICRP:
		/* Replies to requests this side (PAC, receiver; PNS, originator) never makes. */
		ctrl_drop(c, PPTP_CTRL_DROP_UNEXPECTED, pptp_msg_name(m->type));
		break;
	}
}

/* One framed message of exactly len bytes. */
static void ctrl_input(struct pptp_ctrl *c, const uint8_t *buf, size_t len)
{
	struct pptp_msg m;
	const char *why = NULL;
	char what[128];
	int rc;

	rc = pptp_msg_parse(buf, len, &m, &why);
	if (rc == PPTP_MSG_ERR_HEADER) {
		/* The stream cannot be trusted to be in step any more. */
		ctrl_drop(c, PPTP_CTRL_DROP_BAD_HEADER, why);
		ctrl_close(c, PPTP_CTRL_CLOSE_BAD_HEADER);
		return;
	}
	if (rc != PPTP_MSG_OK) {
		snprintf(what, sizeof(what), "type=%u length=%zu: %s",
			 (unsigned int)(buf[8] << 8 | buf[9]), len, why);
		ctrl_drop(c, PPTP_CTRL_DROP_MALFORMED, what);
		return;
	}
	g.stats.rx_msgs++;
	ctrl_log(c, CFG_LOG_DEBUG, "rcvd %s", pptp_msg_name(m.type));
	if (m.reserved_nonzero)
		ctrl_log(c, CFG_LOG_DEBUG, "%s has non-zero reserved fields (ignored)",
			 pptp_msg_name(m.type));

	switch (c->state) {
	case PPTP_CTRL_WAIT_CTL_REQUEST:
		if (m.type == PPTP_SCCRQ)
			pptp_ctrl_recv_SCCRQ(c, &m.u.sccrq);
		else
			ctrl_drop(c, PPTP_CTRL_DROP_BEFORE_SCCRQ, pptp_msg_name(m.type));
		break;
	case PPTP_CTRL_ESTABLISHED:
		/*
		 * RFC 2637 3.1.3: the keep-alive counts silence. Any message shows
		 * the peer alive, so it also settles an outstanding Echo-Request.
		 */
		c->echo_outstanding = false;
		ctrl_arm(c, g.to.echo_interval_ms);
		ctrl_recv_established(c, &m);
		break;
	case PPTP_CTRL_WAIT_CTL_REPLY:
		if (m.type == PPTP_SCCRP)
			pptp_ctrl_recv_SCCRP(c, &m.u.sccrp);
		else if (m.type == PPTP_StopCCRQ)
			pptp_ctrl_recv_StopCCRQ(c, &m.u.stopccrq);
		else
			ctrl_drop(c, PPTP_CTRL_DROP_UNEXPECTED, pptp_msg_name(m.type));
		break;
	case PPTP_CTRL_WAIT_STOP_REPLY:
		if (m.type == PPTP_StopCCRP) {
			pptp_ctrl_recv_StopCCRP(c, &m.u.stopccrp);
		} else if (m.type == PPTP_StopCCRQ) {
			/* Both sides stopping at once: answer and close. */
			pptp_ctrl_recv_StopCCRQ(c, &m.u.stopccrq);
		} else {
			ctrl_drop(c, PPTP_CTRL_DROP_STOPPING, pptp_msg_name(m.type));
		}
		break;
	case PPTP_CTRL_IDLE:
	case PPTP_CTRL_CLOSING:
	case PPTP_CTRL_WAIT_CONNECT:
		ctrl_drop(c, PPTP_CTRL_DROP_STOPPING, pptp_msg_name(m.type));
		break;
	}
}

/* Frame the input by the length field (RFC 2637 2: the first word). */
static void ctrl_read_cb(struct bufferevent *bev, void *arg)
{
	struct pptp_ctrl *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	uint8_t frame[PPTP_MSG_MAX_LEN];
	uint8_t lenbuf[2];
	size_t len;
	char what[64];

	while (!c->dying && c->state != PPTP_CTRL_CLOSING) {
		if (evbuffer_copyout(in, lenbuf, sizeof(lenbuf)) != (ev_ssize_t)sizeof(lenbuf))
			break;
		len = (size_t)lenbuf[0] << 8 | lenbuf[1];
		if (len < PPTP_MSG_HDR_LEN || len > PPTP_MSG_MAX_LEN) {
			snprintf(what, sizeof(what), "length=%zu", len);
			ctrl_drop(c, PPTP_CTRL_DROP_FRAME_LENGTH, what);
			ctrl_close(c, PPTP_CTRL_CLOSE_FRAME_LENGTH);
			break;
		}
		if (evbuffer_get_length(in) < len)
			break;
		if (evbuffer_remove(in, frame, len) != (int)len) {
			ctrl_close(c, PPTP_CTRL_CLOSE_IO_ERROR);
			break;
		}
		ctrl_input(c, frame, len);
	}
}

/* Output drained: if our last reply was pending, the connection can go now. */
static void ctrl_write_cb(struct bufferevent *bev, void *arg)
{
	struct pptp_ctrl *c = arg;

	(void)bev;
	if (c->state == PPTP_CTRL_CLOSING && !c->dying)
		ctrl_close(c, c->close_reason);
}

static void ctrl_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct pptp_ctrl *c = arg;
	int err = EVUTIL_SOCKET_ERROR();

	(void)bev;
	if ((what & BEV_EVENT_CONNECTED) && c->state == PPTP_CTRL_WAIT_CONNECT) {
		struct sockaddr_in local;
		socklen_t llen = sizeof(local);
		int one = 1;

		if (getsockname(bufferevent_getfd(c->bev), (struct sockaddr *)&local, &llen) == 0)
			c->local = local;
		setsockopt(bufferevent_getfd(c->bev), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		ctrl_log(c, CFG_LOG_INFO, "TCP connection established");
		c->state = PPTP_CTRL_WAIT_CTL_REPLY;
		pptp_ctrl_send_SCCRQ(c);
		return;
	}
	if (c->state == PPTP_CTRL_WAIT_CONNECT && (what & (BEV_EVENT_ERROR | BEV_EVENT_EOF))) {
		ctrl_log(c, CFG_LOG_INFO, "connect failed: %s",
			 err ? evutil_socket_error_to_string(err) : "connection closed");
		ctrl_close(c, PPTP_CTRL_CLOSE_CONNECT_FAILED);
		return;
	}
	if (what & BEV_EVENT_EOF) {
		ctrl_close(c, c->state == PPTP_CTRL_CLOSING ? c->close_reason
							    : PPTP_CTRL_CLOSE_PEER_CLOSED);
	} else if (what & BEV_EVENT_ERROR) {
		ctrl_log(c, CFG_LOG_INFO, "socket error: %s", evutil_socket_error_to_string(err));
		ctrl_close(c, c->state == PPTP_CTRL_CLOSING ? c->close_reason
							    : PPTP_CTRL_CLOSE_IO_ERROR);
	}
}

static uint32_t sccrp_ms(void)
{
	return g.to.sccrp_ms != 0 ? g.to.sccrp_ms : default_timeouts.sccrp_ms;
}

/* The single timer; what it means depends on the state (RFC 2637 3.1.3). */
static void ctrl_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct pptp_ctrl *c = arg;

	(void)fd;
	(void)what;
	if (c->dying)
		return;
	switch (c->state) {
	case PPTP_CTRL_IDLE:
	case PPTP_CTRL_WAIT_CTL_REQUEST:
		ctrl_log(c, CFG_LOG_INFO, "no SCCRQ within %u ms", g.to.sccrq_ms);
		ctrl_close(c, PPTP_CTRL_CLOSE_SCCRQ_TIMEOUT);
		break;
	case PPTP_CTRL_ESTABLISHED:
		if (c->echo_outstanding) {
			ctrl_log(c, CFG_LOG_INFO, "no reply to Echo-Request id=%u within %u ms",
				 c->echo_id, g.to.echo_reply_ms);
			ctrl_close(c, PPTP_CTRL_CLOSE_ECHO_TIMEOUT);
			break;
		}
		pptp_ctrl_send_ECHORQ(c);
		if (!c->dying)
			ctrl_arm(c, g.to.echo_reply_ms);
		break;
	case PPTP_CTRL_WAIT_STOP_REPLY:
		ctrl_log(c, CFG_LOG_INFO, "no StopCCRP within %u ms", g.to.stop_reply_ms);
		ctrl_close(c, PPTP_CTRL_CLOSE_STOP_TIMEOUT);
		break;
	case PPTP_CTRL_CLOSING:
		ctrl_log(c, CFG_LOG_INFO, "last reply not taken within %u ms", g.to.linger_ms);
		ctrl_close(c, c->close_reason);
		break;
	case PPTP_CTRL_WAIT_CONNECT:
	case PPTP_CTRL_WAIT_CTL_REPLY:
		ctrl_log(c, CFG_LOG_INFO, "no SCCRP within %u ms", sccrp_ms());
		ctrl_close(c, PPTP_CTRL_CLOSE_SCCRP_TIMEOUT);
		break;
	}
}

static void ctrl_refuse(evutil_socket_t fd, const struct sockaddr_in *peer)
{
	char addr[INET_ADDRSTRLEN] = "?";
	time_t now = time(NULL);

	g.stats.closes[PPTP_CTRL_CLOSE_CONN_LIMIT]++;
	if (now != g.last_limit_log) {
		g.last_limit_log = now;
		inet_ntop(AF_INET, &peer->sin_addr, addr, sizeof(addr));
		log_msg(CFG_LOG_WARNING, LOG_TOPIC_PPTP, "peer=%s:%u refused: %u connections held (limit)",
			 addr, ntohs(peer->sin_port), g.stats.active);
	}
	evutil_closesocket(fd);
}

static void accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
		      int socklen, void *arg)
{
	struct pptp_ctrl *c = NULL;
	struct sockaddr_in peer = { 0 };
	socklen_t llen = sizeof(struct sockaddr_in);
	char addr[INET_ADDRSTRLEN] = "?";
	int one = 1;

	(void)l;
	(void)arg;
	g.stats.accepted++;
	if (sa->sa_family == AF_INET && (size_t)socklen >= sizeof(peer))
		memcpy(&peer, sa, sizeof(peer));
	if (g.stats.active >= PPTP_CTRL_MAX_CONNS) {
		ctrl_refuse(fd, &peer);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		goto fail;
	c->id = ++g.next_id;
	c->peer = peer;
	inet_ntop(AF_INET, &peer.sin_addr, addr, sizeof(addr));
	snprintf(c->peer_str, sizeof(c->peer_str), "%s:%u", addr, ntohs(peer.sin_port));
	if (getsockname(fd, (struct sockaddr *)&c->local, &llen) != 0)
		memset(&c->local, 0, sizeof(c->local));
	/* Requests and replies are single small writes: do not wait for ACKs. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));

	c->timer = evtimer_new(g.cp->base, ctrl_timer_cb, c);
	if (c->timer == NULL)
		goto fail;
	c->bev = bufferevent_socket_new(g.cp->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL)
		goto fail;
	fd = -1;  /* the bufferevent owns it now */
	bufferevent_setcb(c->bev, ctrl_read_cb, ctrl_write_cb, ctrl_event_cb, c);
	bufferevent_setwatermark(c->bev, EV_READ, 0, PPTP_CTRL_RX_MAX);
	if (bufferevent_enable(c->bev, EV_READ | EV_WRITE) != 0)
		goto fail;

	c->state = PPTP_CTRL_WAIT_CTL_REQUEST;
	TAILQ_INSERT_TAIL(&g.conns, c, link);
	g.stats.active++;
	ctrl_log(c, CFG_LOG_INFO, "TCP connection established");
	ctrl_arm(c, g.to.sccrq_ms);
	return;

fail:
	log_msg(CFG_LOG_ERROR, LOG_TOPIC_PPTP, "peer=%s cannot set up a control connection: out of memory",
		c != NULL ? c->peer_str : "?");
	if (c != NULL) {
		if (c->bev != NULL)
			bufferevent_free(c->bev);
		if (c->timer != NULL)
			event_free(c->timer);
		free(c);
	}
	if (fd >= 0)
		evutil_closesocket(fd);
}

static void relisten_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	if (g.listener != NULL)
		evconnlistener_enable(g.listener);
}

/* accept() failed (EMFILE, ENOBUFS...): back off instead of spinning. */
static void accept_error_cb(struct evconnlistener *l, void *arg)
{
	int err = EVUTIL_SOCKET_ERROR();
	struct timeval tv = { .tv_sec = PPTP_CTRL_RELISTEN_MS / 1000,
			      .tv_usec = (PPTP_CTRL_RELISTEN_MS % 1000) * 1000 };

	(void)arg;
	log_msg(CFG_LOG_WARNING, LOG_TOPIC_PPTP, "accept failed: %s; pausing %u ms",
		 evutil_socket_error_to_string(err), PPTP_CTRL_RELISTEN_MS);
	evconnlistener_disable(l);
	evtimer_add(g.relisten_ev, &tv);
}

/* What listening and connecting both need: the loop, the reaper. 0 or -1. */
static int ctrl_events_init(struct cp_context *cp)
{
	if (g.cp == NULL) {
		uint64_t ns = mono_ns();

		g.next_echo_id = (uint32_t)ns ^ (uint32_t)(ns >> 32);
	}
	g.cp = cp;
	if (g.reap_ev == NULL)
		g.reap_ev = event_new(cp->base, -1, 0, reap_cb, NULL);
	if (g.relisten_ev == NULL)
		g.relisten_ev = evtimer_new(cp->base, relisten_cb, NULL);
	return g.reap_ev != NULL ? 0 : -1;
}

/*
 * One descriptor per connection: the usual soft limit (1,024) would make
 * accept() fail near a thousand clients. Raise it, the hard one too where
 * we may (root); say what the limit allows when it stays short.
 */
static void ctrl_raise_fd_limit(void)
{
	const rlim_t want = PPTP_CTRL_MAX_CONNS + PPTP_CTRL_FD_RESERVE;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want)
		return;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want) {
		struct rlimit up = { .rlim_cur = want, .rlim_max = want };

		if (setrlimit(RLIMIT_NOFILE, &up) == 0)
			return;
	}
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= want ? want : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur < want)
		log_msg(CFG_LOG_WARNING, LOG_TOPIC_PPTP,
			"open-file limit %llu: about %llu control connections, not %u",
			(unsigned long long)rl.rlim_cur,
			(unsigned long long)(rl.rlim_cur > PPTP_CTRL_FD_RESERVE ?
					     rl.rlim_cur - PPTP_CTRL_FD_RESERVE : 0),
			PPTP_CTRL_MAX_CONNS);
}

int pptp_ctrl_listen(struct cp_context *cp, uint32_t addr, uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct sockaddr_in bound;
	socklen_t blen = sizeof(bound);
	char astr[INET_ADDRSTRLEN] = "?";

	sin.sin_addr.s_addr = htonl(addr);
	sin.sin_port = htons(port);
	inet_ntop(AF_INET, &sin.sin_addr, astr, sizeof(astr));

	if (g.listener != NULL) {
		log_msg(CFG_LOG_ERROR, LOG_TOPIC_PPTP, "listen %s:%u: already listening on port %u",
			astr, port, g.port);
		goto fail;
	}
	/*
	 * libevent writes sockets with writev(): a peer that resets the
	 * connection would otherwise kill the process with SIGPIPE.
	 */
	signal(SIGPIPE, SIG_IGN);
	ctrl_raise_fd_limit();
	if (ctrl_events_init(cp) != 0 || g.relisten_ev == NULL) {
		log_msg(CFG_LOG_ERROR, LOG_TOPIC_PPTP, "listen %s:%u: out of memory", astr, port);
		goto fail;
	}
	g.listener = evconnlistener_new_bind(cp->base, accept_cb, NULL,
					     LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_FREE |
					     LEV_OPT_CLOSE_ON_EXEC,
					     PPTP_CTRL_BACKLOG, (struct sockaddr *)&sin, sizeof(sin));
	if (g.listener == NULL) {
		log_msg(CFG_LOG_ERROR, LOG_TOPIC_PPTP, "listen %s:%u: %s", astr, port, strerror(errno));
		goto fail;
	}
	evconnlistener_set_error_cb(g.listener, accept_error_cb);
	if (getsockname(evconnlistener_get_fd(g.listener), (struct sockaddr *)&bound, &blen) == 0)
		g.port = ntohs(bound.sin_port);
	else
		g.port = port;
	log_msg(CFG_LOG_INFO, LOG_TOPIC_PPTP, "listening on %s:%u", astr, g.port);
	return 0;

fail:
	if (g.listener == NULL) {
		if (g.reap_ev != NULL && TAILQ_EMPTY(&g.dying)) {
			event_free(g.reap_ev);
			g.reap_ev = NULL;
		}
		if (g.relisten_ev != NULL) {
			event_free(g.relisten_ev);
			g.relisten_ev = NULL;
		}
	}
	return -1;
}

uint16_t pptp_ctrl_listen_port(void)
{
	return g.listener != NULL ? g.port : 0;
}

/*
 * Push queued output out now, without the loop, as far as the socket takes
 * it. (A bufferevent's output cannot be written with evbuffer_write(): it is
 * frozen at the front for the bufferevent's own writer.)
 */
static void ctrl_flush_now(struct pptp_ctrl *c)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);
	size_t n = evbuffer_get_length(out);
	unsigned char *p = n > 0 ? evbuffer_pullup(out, -1) : NULL;

	if (p != NULL && send(bufferevent_getfd(c->bev), p, n, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		ctrl_log(c, CFG_LOG_DEBUG, "final write failed: %s", strerror(errno));
}

void pptp_ctrl_fini(void)
{
	struct pptp_msg stop = { .type = PPTP_StopCCRQ,
				 .u.stopccrq.reason = PPTP_StopCCRQ_LOCAL_SHUTDOWN };
	struct pptp_ctrl *c;

	if (g.listener != NULL) {
		evconnlistener_free(g.listener);
		g.listener = NULL;
		log_msg(CFG_LOG_INFO, LOG_TOPIC_PPTP, "stopped listening on port %u", g.port);
	}
	/* Established peers get told, best effort: the loop will not run again. */
	while ((c = TAILQ_FIRST(&g.conns)) != NULL) {
		if (c->state == PPTP_CTRL_ESTABLISHED && ctrl_send(c, &stop) == 0)
			ctrl_flush_now(c);
		ctrl_close(c, PPTP_CTRL_CLOSE_SHUTDOWN);
	}
	while ((c = TAILQ_FIRST(&g.dying)) != NULL)
		ctrl_destroy(c);
	if (g.reap_ev != NULL) {
		event_free(g.reap_ev);
		g.reap_ev = NULL;
	}
	if (g.relisten_ev != NULL) {
		event_free(g.relisten_ev);
		g.relisten_ev = NULL;
	}
	g.cp = NULL;
	g.port = 0;
}

struct pptp_ctrl *pptp_ctrl_connect(struct cp_context *cp, uint32_t addr, uint16_t port,
				    const struct pptp_ctrl_call_ops *ops, void *arg)
{
	struct pptp_ctrl *c = NULL;
	char astr[INET_ADDRSTRLEN] = "?";

	signal(SIGPIPE, SIG_IGN);
	if (ctrl_events_init(cp) != 0)
		goto fail;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		goto fail;
	c->id = ++g.next_id;
	c->originator = true;
	if (ops != NULL)
		c->own_ops = *ops;
	c->own_arg = arg;
	c->peer.sin_family = AF_INET;
	c->peer.sin_addr.s_addr = htonl(addr);
	c->peer.sin_port = htons(port);
	inet_ntop(AF_INET, &c->peer.sin_addr, astr, sizeof(astr));
	snprintf(c->peer_str, sizeof(c->peer_str), "%s:%u", astr, port);
	c->timer = evtimer_new(cp->base, ctrl_timer_cb, c);
	c->bev = bufferevent_socket_new(cp->base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (c->timer == NULL || c->bev == NULL)
		goto fail;
	bufferevent_setcb(c->bev, ctrl_read_cb, ctrl_write_cb, ctrl_event_cb, c);
	bufferevent_setwatermark(c->bev, EV_READ, 0, PPTP_CTRL_RX_MAX);
	if (bufferevent_enable(c->bev, EV_READ | EV_WRITE) != 0)
		goto fail;
	c->state = PPTP_CTRL_WAIT_CONNECT;
	TAILQ_INSERT_TAIL(&g.conns, c, link);
	g.stats.active++;
	ctrl_arm(c, sccrp_ms());
	ctrl_log(c, CFG_LOG_INFO, "connecting");
	/*
	 * A refusal known at once (no route, ...) comes back through
	 * ctrl_event_cb from the loop, like a late one: one path for both.
	 */
	if (bufferevent_socket_connect(c->bev, (struct sockaddr *)&c->peer, sizeof(c->peer)) != 0)
		ctrl_log(c, CFG_LOG_INFO, "connect failed at once: %s", strerror(errno));
	return c;
fail:
	log_msg(CFG_LOG_ERROR, LOG_TOPIC_PPTP, "peer=%s cannot open a control connection: out of memory",
		c != NULL ? c->peer_str : "?");
	if (c != NULL) {
		if (c->bev != NULL)
			bufferevent_free(c->bev);
		if (c->timer != NULL)
			event_free(c->timer);
		free(c);
	}
	return NULL;
}

void pptp_ctrl_detach(struct pptp_ctrl *ctrl, uint8_t reason)
{
	memset(&ctrl->own_ops, 0, sizeof(ctrl->own_ops));
	ctrl->own_arg = NULL;
	pptp_ctrl_stop(ctrl, reason);
}

enum pptp_ctrl_close pptp_ctrl_close_reason(const struct pptp_ctrl *ctrl)
{
	return ctrl->close_reason;
}

void pptp_ctrl_set_call_ops(const struct pptp_ctrl_call_ops *ops, void *arg)
{
	if (ops != NULL) {
		g.ops = *ops;
		g.ops_arg = arg;
		g.have_ops = true;
	} else {
		memset(&g.ops, 0, sizeof(g.ops));
		g.ops_arg = NULL;
		g.have_ops = false;
	}
}

void pptp_ctrl_set_timeouts(const struct pptp_ctrl_timeouts *t)
{
	g.to = t != NULL ? *t : default_timeouts;
}

int pptp_ctrl_send(struct pptp_ctrl *ctrl, const struct pptp_msg *m)
{
	return ctrl_send(ctrl, m);
}

void pptp_ctrl_stop(struct pptp_ctrl *ctrl, uint8_t reason)
{
	if (ctrl->dying)
		return;
	switch (ctrl->state) {
	case PPTP_CTRL_ESTABLISHED:
		ctrl_log(ctrl, CFG_LOG_INFO, "stopping reason=%u", reason);
		pptp_ctrl_send_StopCCRQ(ctrl, reason);
		if (ctrl->dying)
			break;
		ctrl->state = PPTP_CTRL_WAIT_STOP_REPLY;
		ctrl_arm(ctrl, g.to.stop_reply_ms);
		break;
	case PPTP_CTRL_IDLE:
	case PPTP_CTRL_WAIT_CTL_REQUEST:
	case PPTP_CTRL_WAIT_CONNECT:
	case PPTP_CTRL_WAIT_CTL_REPLY:
		/* Nothing established, nothing to stop politely. */
		ctrl_close(ctrl, PPTP_CTRL_CLOSE_SHUTDOWN);
		break;
	case PPTP_CTRL_WAIT_STOP_REPLY:
	case PPTP_CTRL_CLOSING:
		break;
	}
}

uint32_t pptp_ctrl_id(const struct pptp_ctrl *ctrl)
{
	return ctrl->id;
}

uint32_t pptp_ctrl_peer_addr(const struct pptp_ctrl *ctrl)
{
	return ntohl(ctrl->peer.sin_addr.s_addr);
}

uint16_t pptp_ctrl_peer_port(const struct pptp_ctrl *ctrl)
{
	return ntohs(ctrl->peer.sin_port);
}

uint32_t pptp_ctrl_local_addr(const struct pptp_ctrl *ctrl)
{
	return ntohl(ctrl->local.sin_addr.s_addr);
}

const char *pptp_ctrl_peer_str(const struct pptp_ctrl *ctrl)
{
	return ctrl->peer_str;
}

enum pptp_ctrl_state pptp_ctrl_state(const struct pptp_ctrl *ctrl)
{
	return ctrl->state;
}

void pptp_ctrl_set_user(struct pptp_ctrl *ctrl, void *user)
{
	ctrl->user = user;
}

void *pptp_ctrl_get_user(const struct pptp_ctrl *ctrl)
{
	return ctrl->user;
}

void pptp_ctrl_get_stats(struct pptp_ctrl_stats *out)
{
	*out = g.stats;
}
