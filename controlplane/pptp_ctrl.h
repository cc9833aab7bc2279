/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PPTP control connections (RFC 2637 section 3.1) on TCP 1723: the listener,
 * framing by the length field, the per-connection state machine, keep-alives.
 * Connections are accepted (we are the receiver and PAC: the server role) or
 * opened with pptp_ctrl_connect() (we are the originator and PNS: the
 * pptp-client role, one connection per client interface).
 *
 * Calls (OCRQ, ICRQ, CCRQ, ...) are not handled here: they go to the call
 * layer through struct pptp_ctrl_call_ops. Until one is registered, call
 * requests are refused (see pptp_ctrl_call_ops).
 *
 * Everything here runs on the control-plane thread, in cp->base.
 */
#ifndef PPTPGW_PPTP_CTRL_H
#define PPTPGW_PPTP_CTRL_H

#include <stdint.h>

#include "pptp_msg.h"

struct cp_context;
struct pptp_ctrl;   /* one control connection */

/*
 * Connections held at once; more are accepted and closed at once. Every
 * Windows or pppd client brings its own connection for its one call, so
 * this is the session count such clients can reach (DESIGN.md 6: 65,536).
 */
#define PPTP_CTRL_MAX_CONNS      65536
/* Descriptors besides the connections: TAPs, netlink, RADIUS, management, logs. */
#define PPTP_CTRL_FD_RESERVE     1024

/* RFC 2637 3.1 states, receiver side (3.1.2) plus our own teardown. */
enum pptp_ctrl_state {
	PPTP_CTRL_IDLE,              /* not connected (transient) */
	PPTP_CTRL_WAIT_CTL_REQUEST,  /* TCP up, waiting for the SCCRQ */
	PPTP_CTRL_ESTABLISHED,       /* SCCRP OK sent */
	PPTP_CTRL_WAIT_STOP_REPLY,   /* our StopCCRQ sent */
	PPTP_CTRL_CLOSING,           /* last reply queued; closing once it is written */
	PPTP_CTRL_WAIT_CONNECT,      /* originator: TCP connect in progress */
	PPTP_CTRL_WAIT_CTL_REPLY,    /* originator: SCCRQ sent, waiting for the SCCRP (3.1.1) */
};

/* Timers, in milliseconds. Defaults: RFC 2637 3.1.3 keep-alive, ours elsewhere. */
struct pptp_ctrl_timeouts {
	uint32_t sccrq_ms;          /* TCP accepted -> SCCRQ (default 30 s) */
	uint32_t echo_interval_ms;  /* silence before our Echo-Request (RFC: 60 s) */
	uint32_t echo_reply_ms;     /* then silence before we close (RFC: 60 s) */
	uint32_t stop_reply_ms;     /* our StopCCRQ -> StopCCRP (default 5 s) */
	uint32_t linger_ms;         /* last reply queued -> closed even if unsent (default 5 s) */
	uint32_t sccrp_ms;          /* originator: connect + SCCRQ -> SCCRP (default 10 s; 0: default) */
};

/*
 * The call layer (PPP sessions, next to come). Every pointer may be NULL.
 * Callbacks run inside the control connection's read callback: they may call
 * pptp_ctrl_send() and pptp_ctrl_stop() freely (teardown is deferred), but
 * must not free anything of ours.
 *
 * Lifetime: a struct pptp_ctrl the call layer has seen stays valid until
 * ctrl_down() has returned for it; after that it must not be used.
 */
struct pptp_ctrl_call_ops {
	/*
	 * OCRQ from the PNS (RFC 2637 2.7). *rp arrives zeroed with
	 * peer_call_id = rq->call_id. Fill it (our Call ID, result, window, speed)
	 * and return 0 to have it sent as the OCRP, whatever its result. Return
	 * -1 to have OCRP General error / No-Resource sent instead.
	 */
	int (*outgoing_call_request)(void *arg, struct pptp_ctrl *ctrl,
				     const struct pptp_ocrq *rq, struct pptp_ocrp *rp);
	/* ICRQ from a PAC (RFC 2637 2.9); same contract, answered with an ICRP. */
	int (*incoming_call_request)(void *arg, struct pptp_ctrl *ctrl,
				     const struct pptp_icrq *rq, struct pptp_icrp *rp);
	/* ICCN (RFC 2637 2.11). */
	void (*incoming_call_connected)(void *arg, struct pptp_ctrl *ctrl,
					const struct pptp_iccn *m);
	/* CCRQ (RFC 2637 2.12): the call layer clears the call and sends the CDN. */
	void (*call_clear_request)(void *arg, struct pptp_ctrl *ctrl,
				   const struct pptp_ccrq *m);
	/* CDN (RFC 2637 2.13): the peer has cleared its call. */
	void (*call_disconnect_notify)(void *arg, struct pptp_ctrl *ctrl,
				       const struct pptp_cdn *m);
	/* SLI (RFC 2637 2.15): ACCMs; accept and ignore is fine, never tear down. */
	void (*set_link_info)(void *arg, struct pptp_ctrl *ctrl,
			      const struct pptp_sli *m);
	/* WEN (RFC 2637 2.14); already logged here. */
	void (*wan_error_notify)(void *arg, struct pptp_ctrl *ctrl,
				 const struct pptp_wen *m);
	/*
	 * The connection is going away: every call on it is gone. Called once per
	 * connection that reached ESTABLISHED, and once for every connection made
	 * with pptp_ctrl_connect() whatever state it reached, from the loop
	 * (never from inside one of the callbacks above) or from
	 * pptp_ctrl_fini(). Nothing can be sent on ctrl any more;
	 * pptp_ctrl_close_reason() still says why it went.
	 */
	void (*ctrl_down)(void *arg, struct pptp_ctrl *ctrl);
	/* Originator: the SCCRP accepted us (RFC 2637 3.1.1): calls may be placed. */
	void (*ctrl_up)(void *arg, struct pptp_ctrl *ctrl);
	/* Originator: the OCRP answering our OCRQ (RFC 2637 2.8). */
	void (*outgoing_call_reply)(void *arg, struct pptp_ctrl *ctrl,
				    const struct pptp_ocrp *m);
};

/*
 * Drops: messages that did not fit, each counted and logged with its reason.
 * X(enum suffix, telemetry name, description)
 */
#define PPTP_CTRL_DROP_LIST(X)                                                                  \
	X(FRAME_LENGTH,   "frame_length",    "length field below 12 or above 1024; connection closed") \
	X(BAD_HEADER,     "bad_header",      "not a control message or bad magic cookie; connection closed") \
	X(MALFORMED,      "malformed",       "unknown control type, wrong length for the type, or Reserved0 set") \
	X(BEFORE_SCCRQ,   "before_sccrq",    "message other than SCCRQ before the SCCRQ")             \
	X(SCCRQ_AGAIN,    "sccrq_again",     "SCCRQ on an established connection; SCCRP result 3 sent") \
	X(BAD_VERSION,    "bad_version",     "SCCRQ with protocol version other than 1.0; SCCRP result 5 sent, closed") \
	X(UNEXPECTED,     "unexpected",      "message this side never receives in this state")         \
	X(ECHO_ID,        "echo_id",         "Echo-Reply whose identifier we did not send")           \
	X(NO_CALL_LAYER,  "no_call_layer",   "call message while no call layer is registered")        \
	X(STOPPING,       "stopping",        "message while the connection is being stopped")

enum pptp_ctrl_drop {
#define PPTP_CTRL_DROP_ENUM(e, name, desc) PPTP_CTRL_DROP_##e,
	PPTP_CTRL_DROP_LIST(PPTP_CTRL_DROP_ENUM)
#undef PPTP_CTRL_DROP_ENUM
	PPTP_CTRL_DROP_MAX
};

/* Why connections ended (or were refused). X(enum suffix, telemetry name, description) */
#define PPTP_CTRL_CLOSE_LIST(X)                                                      \
	X(PEER_CLOSED,    "peer_closed",     "peer closed the TCP connection")              \
	X(IO_ERROR,       "io_error",        "socket error")                               \
	X(FRAME_LENGTH,   "frame_length",    "length field out of range")                   \
	X(BAD_HEADER,     "bad_header",      "not a PPTP control stream")                   \
	X(SCCRQ_TIMEOUT,  "sccrq_timeout",   "no SCCRQ in time")                            \
	X(BAD_VERSION,    "bad_version",     "unsupported protocol version")                \
	X(ECHO_TIMEOUT,   "echo_timeout",    "no answer to our Echo-Request")               \
	X(STOP_REQUEST,   "stop_request",    "peer sent StopCCRQ")                          \
	X(STOP_REPLY,     "stop_reply",      "peer answered our StopCCRQ")                  \
	X(STOP_TIMEOUT,   "stop_timeout",    "no StopCCRP in time")                         \
	X(TX_OVERFLOW,    "tx_overflow",     "peer does not read; output buffer full")      \
	X(CONN_LIMIT,     "conn_limit",      "refused: too many connections")               \
	X(SHUTDOWN,       "shutdown",        "pptp_ctrl_fini()")                            \
	X(CONNECT_FAILED, "connect_failed",  "originator: TCP connect failed")              \
	X(SCCRP_TIMEOUT,  "sccrp_timeout",   "originator: no SCCRP in time")                \
	X(SCCRP_REFUSED,  "sccrp_refused",   "originator: SCCRP result other than OK")

enum pptp_ctrl_close {
#define PPTP_CTRL_CLOSE_ENUM(e, name, desc) PPTP_CTRL_CLOSE_##e,
	PPTP_CTRL_CLOSE_LIST(PPTP_CTRL_CLOSE_ENUM)
#undef PPTP_CTRL_CLOSE_ENUM
	PPTP_CTRL_CLOSE_MAX
};

struct pptp_ctrl_stats {
	uint64_t accepted;          /* TCP connections taken (refused ones included) */
	uint64_t established;       /* SCCRP OK sent */
	uint32_t active;            /* connections held now */
	uint64_t rx_msgs;           /* well-framed messages received */
	uint64_t tx_msgs;           /* messages queued for sending */
	uint64_t drops[PPTP_CTRL_DROP_MAX];
	uint64_t closes[PPTP_CTRL_CLOSE_MAX];
};

/*
 * Listen on addr:port (IPv4, host order; INADDR_ANY = 0; port 0 = ephemeral,
 * PPTP_TCP_PORT normally). Non-blocking, SO_REUSEADDR, registered on cp->base.
 * One listener at a time. Returns 0, or -1 (logged) on failure.
 */
int pptp_ctrl_listen(struct cp_context *cp, uint32_t addr, uint16_t port);

/* The bound port (useful after port 0), host order; 0 when not listening. */
uint16_t pptp_ctrl_listen_port(void);

/*
 * Close the listener and every connection: established ones get a StopCCRQ
 * (Stop-Local-Shutdown), best effort, then each is closed and freed. Not to
 * be called from inside a pptp_ctrl callback.
 */
void pptp_ctrl_fini(void);

/*
 * Open a control connection to addr:port (host order) as the originator
 * (RFC 2637 3.1.1): non-blocking TCP connect through the kernel, then the
 * SCCRQ; ops (copied) and arg serve this connection only, whatever
 * pptp_ctrl_set_call_ops() says. ops->ctrl_up follows the SCCRP OK;
 * ops->ctrl_down comes once in every case (connect failure included).
 * Returns the connection, or NULL (logged) when it cannot even be started.
 */
struct pptp_ctrl *pptp_ctrl_connect(struct cp_context *cp, uint32_t addr, uint16_t port,
				    const struct pptp_ctrl_call_ops *ops, void *arg);

/*
 * Originator: the call layer lets go of the connection (it is about to
 * free what arg points at): no more callbacks, ctrl_down included; the
 * connection is stopped with reason as by pptp_ctrl_stop().
 */
void pptp_ctrl_detach(struct pptp_ctrl *ctrl, uint8_t reason);

/* Why the connection ended (meaningful in ctrl_down). */
enum pptp_ctrl_close pptp_ctrl_close_reason(const struct pptp_ctrl *ctrl);

/* Register the call layer (NULL ops = none). arg is passed back to every op. */
void pptp_ctrl_set_call_ops(const struct pptp_ctrl_call_ops *ops, void *arg);

/* Replace the timers (new values apply as timers are next armed); NULL = defaults. */
void pptp_ctrl_set_timeouts(const struct pptp_ctrl_timeouts *t);

/* Queue one message on the connection. Returns 0, or -1 if it is closing. */
int pptp_ctrl_send(struct pptp_ctrl *ctrl, const struct pptp_msg *m);

/*
 * Ask for an orderly stop (RFC 2637 3.1: StopCCRQ with reason, then wait
 * for the StopCCRP). Returns at once; the teardown happens in the loop.
 */
void pptp_ctrl_stop(struct pptp_ctrl *ctrl, uint8_t reason);

/* Identity of a connection. Addresses and ports in host order. */
uint32_t pptp_ctrl_id(const struct pptp_ctrl *ctrl);
uint32_t pptp_ctrl_peer_addr(const struct pptp_ctrl *ctrl);
uint16_t pptp_ctrl_peer_port(const struct pptp_ctrl *ctrl);
uint32_t pptp_ctrl_local_addr(const struct pptp_ctrl *ctrl);
const char *pptp_ctrl_peer_str(const struct pptp_ctrl *ctrl);   /* "192.0.2.10:40000" */
enum pptp_ctrl_state pptp_ctrl_state(const struct pptp_ctrl *ctrl);
const char *pptp_ctrl_state_name(enum pptp_ctrl_state s);

/* One pointer for the call layer's own per-connection state. */
void pptp_ctrl_set_user(struct pptp_ctrl *ctrl, void *user);
void *pptp_ctrl_get_user(const struct pptp_ctrl *ctrl);

/* Counters for telemetry (copied out). */
void pptp_ctrl_get_stats(struct pptp_ctrl_stats *out);
const char *pptp_ctrl_drop_name(enum pptp_ctrl_drop d);
const char *pptp_ctrl_drop_desc(enum pptp_ctrl_drop d);
const char *pptp_ctrl_close_name(enum pptp_ctrl_close c);

#endif /* PPTPGW_PPTP_CTRL_H */
