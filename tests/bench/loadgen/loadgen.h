/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pptpgw-loadgen: many PPTP sessions against one appliance, to measure the
 * control plane (DESIGN.md 6: set-ups per second, 65,536 sessions held).
 *
 * It is the PNS side of RFC 2637 built from the appliance's own layers in
 * the client role: pptp_msg.c (control messages), ppp*.c (LCP, IPCP, CCP),
 * auth*.c (MS-CHAPv2 client) and dataplane/gre.c (enhanced GRE). Only the
 * transport is its own: TCP control connections through libevent, several
 * calls on each (RFC 2637 3.1: a control connection carries many calls),
 * and one raw IPPROTO_GRE socket for every call, demultiplexed by the GRE
 * key, which is our Call-ID (the call's index).
 *
 * Lives in tests/bench/ (built only with -Dtests=true, like pptpgw-bench):
 * it is a measuring tool for the tests and the docs, not part of the
 * appliance, and it links controlplane/ and dataplane/ sources directly
 * without DPDK.
 */
#ifndef PPTPGW_LOADGEN_H
#define PPTPGW_LOADGEN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include <event2/event.h>

#include "auth.h"
#include "gre.h"
#include "ppp.h"
#include "pptp_msg.h"

/* Call-IDs are 16 bits and ours are the call indexes. */
#define LG_MAX_SESSIONS     65536u
#define LG_REASON_MAX       96
#define LG_MAX_REASONS      32

struct lg_opts {
	uint32_t server;             /* IPv4, host order */
	uint32_t bind;               /* source address for TCP, 0: any */
	const char *user;
	const char *password;
	uint32_t sessions;
	uint32_t concurrency;        /* set-ups (and teardowns) in flight */
	uint32_t calls_per_conn;
	uint32_t hold_s;
	uint32_t rate;               /* set-ups started per second; 0: as fast as concurrency allows */
	uint32_t timeout_s;          /* one set-up or teardown, from its start */
	bool teardown;               /* clear every call at the end (LCP, CCRQ, StopCCRQ) */
	bool verbose;
};

enum lg_call_state {
	LG_CALL_IDLE,          /* not started */
	LG_CALL_WAIT_CONN,     /* its control connection is not established yet */
	LG_CALL_WAIT_OCRP,     /* OCRQ sent */
	LG_CALL_PPP,           /* OCRP connected: LCP, MS-CHAPv2, IPCP, CCP */
	LG_CALL_UP,            /* IPCP and CCP open: counted */
	LG_CALL_STOPPING,      /* LCP Terminate / CCRQ sent, waiting for the CDN */
	LG_CALL_DONE,          /* finished (cleared, or failed) */
};

struct lg_conn;
struct lg_call;

/* One PPP restart timer: its event knows which one it is (ppp_timeout()). */
struct lg_ptimer {
	struct lg_call *c;
	enum ppp_timer t;
	struct event *ev;
};

struct lg_call {
	uint32_t idx;                /* = our Call-ID */
	enum lg_call_state state;
	struct lg_conn *conn;
	uint16_t peer_cid;
	bool has_peer_cid;
	bool failed;                 /* set-up failed */
	bool dropped;                /* went down while held */
	bool reaping;                /* PPP objects queued for destruction */
	struct ppp_link *link;
	struct auth *auth;
	struct lg_ptimer ppp_tm[PPP_TIMER_COUNT];
	struct event *auth_tm;
	struct gre_rx_seq rx;
	struct gre_tx_seq tx;
	uint8_t *early;              /* a GRE packet that beat the OCRP here (see lg_call.c) */
	uint16_t early_len;
	uint64_t t_start_ns;         /* admitted: set-up or teardown started */
	TAILQ_ENTRY(lg_call) busy;   /* in lg.busy while a set-up or teardown runs */
	bool in_busy;
	TAILQ_ENTRY(lg_call) reap;
};

enum lg_conn_state {
	LG_CONN_IDLE,
	LG_CONN_CONNECTING,          /* TCP connect, then SCCRQ sent */
	LG_CONN_ESTABLISHED,         /* SCCRP ok */
	LG_CONN_STOPPING,            /* StopCCRQ sent */
	LG_CONN_CLOSED,
};

struct lg_conn {
	uint32_t idx;
	enum lg_conn_state state;
	struct bufferevent *bev;
	uint32_t first, n;           /* its calls: first .. first + n - 1 */
	uint32_t finished;           /* of them, DONE */
};

enum lg_phase {
	LG_PHASE_SETUP,
	LG_PHASE_HOLD,
	LG_PHASE_TEARDOWN,
	LG_PHASE_END,
};

struct lg_reason {
	char text[LG_REASON_MAX];
	uint32_t count;
};

struct lg_stats {
	uint32_t attempted, up, failed, dropped;
	uint32_t cleared, teardown_timeouts;
	uint32_t renegotiated;       /* IPCP/CCP went down and up again while held */
	/* Of the sessions that came up: our restart timers that fired (RFC 1661 4.6), by layer. */
	uint32_t lcp_timeouts, ipcp_timeouts, ccp_timeouts;
	uint32_t auth_extra_rx;      /* MS-CHAP packets beyond Challenge + Success: resent ones */
	uint64_t t_first_sccrq_ns, t_last_up_ns;
	uint64_t t_teardown_ns, t_cleared_ns;
	uint64_t gre_rx, gre_tx, gre_rx_bad, gre_rx_unknown, gre_tx_err;
	uint64_t gre_rx_early;       /* arrived before the OCRP was read, replayed after it */
	uint64_t ctrl_rx, ctrl_tx, ctrl_rx_bad;
	struct lg_reason reasons[LG_MAX_REASONS];
	uint32_t n_reasons;
	uint32_t other_reasons;
};

struct lg {
	struct lg_opts o;
	struct event_base *base;
	enum lg_phase phase;
	struct lg_call *calls;
	struct lg_conn *conns;
	uint32_t n_conns;
	uint32_t next_call;          /* next to admit (set-up), or to stop (teardown) */
	uint32_t in_flight;          /* set-ups or teardowns running */
	uint32_t *lat_us;            /* set-up latency of each call that came up */
	int gre_fd;
	struct event *gre_ev;
	struct event *admit_ev;      /* deferred: admit more calls */
	struct event *reap_ev;       /* deferred: destroy PPP objects outside their callbacks */
	struct event *tick_ev;       /* timeouts, rate, progress */
	struct event *hold_ev;
	TAILQ_HEAD(, lg_call) busy;
	TAILQ_HEAD(, lg_call) reapq;
	uint64_t t_start_ns;         /* of the run (rate mode's clock) */
	uint32_t progress_up;        /* up at the last progress line */
	uint64_t t_progress_ns;
	struct lg_stats st;
};

extern struct lg lg;

uint64_t lg_now_ns(void);
void lg_reason_add(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void lg_admit_soon(void);

/* lg_ctrl.c: PPTP control connections. */
int lg_conn_open(struct lg_conn *cn);
void lg_conn_send_ocrq(struct lg_conn *cn, struct lg_call *c);
void lg_conn_send_ccrq(struct lg_conn *cn, struct lg_call *c);
/* A call of cn finished: stop the connection once all of them have. */
void lg_conn_call_finished(struct lg_conn *cn);
void lg_conn_close(struct lg_conn *cn);

/* lg_call.c: one call (PPP over GRE). */
int lg_gre_open(void);
void lg_gre_read(evutil_socket_t fd, short what, void *arg);
void lg_call_admit(struct lg_call *c);
void lg_call_ocrp(struct lg_call *c, const struct pptp_ocrp *rp);
void lg_call_cdn(struct lg_call *c, const struct pptp_cdn *m);
/* The call's control connection failed or closed. */
void lg_call_conn_lost(struct lg_call *c, const char *why);
void lg_call_fail(struct lg_call *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void lg_call_stop(struct lg_call *c);
void lg_call_check_timeout(struct lg_call *c, uint64_t now);
void lg_reap(evutil_socket_t fd, short what, void *arg);

#endif /* PPTPGW_LOADGEN_H */
