/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RADIUS client transport on the control-plane loop: /radius servers with
 * service ppp tried in config order, each for its own timeout, a request
 * sent RADIUS_SENDS_PER_SERVER times to a server before the next one (the
 * repeats are the retransmits: same Identifier and authenticator, RFC 2865
 * 2.5), UDP sockets bound to the server's src-address, and every reply
 * checked (Response Authenticator, and Message-Authenticator on Access
 * replies) before its owner sees it.
 *
 * Why not libradcli's rc_aaa()/rc_acct(): they block the calling thread for
 * the whole retry schedule, and they verify a reply without exposing its
 * octets, so the Message-Authenticator we require on every Access reply
 * (BlastRADIUS) could not be checked. A helper thread would fix the first
 * but not the second. The packet codec (radius_pkt.c) is ours; the loop
 * never waits on a socket.
 *
 * Control-plane thread only.
 */
#ifndef PPTPGW_RADIUS_CLIENT_H
#define PPTPGW_RADIUS_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "radius_pkt.h"

struct cp_context;
struct radius_req;

/* Transmissions to one server before moving on: 1 + 2 retransmits. */
#define RADIUS_SENDS_PER_SERVER 3
/* Servers whose counters are kept (distinct address:port pairs). */
#define RADIUS_STATS_MAX 32

enum radius_service {
	RADIUS_SVC_AUTH,   /* authentication-port */
	RADIUS_SVC_ACCT,   /* accounting-port */
};

enum radius_result {
	RADIUS_RES_REPLY,     /* a verified reply: see reply->msg */
	RADIUS_RES_TIMEOUT,   /* every server tried, none answered */
	RADIUS_RES_NO_SERVER, /* no /radius entry with service ppp */
	RADIUS_RES_ERROR,     /* the request could not be built or sent */
};

/* What a done callback sees; valid only during the call. */
struct radius_reply {
	const struct radius_msg *msg;
	const uint8_t *request_auth;   /* our Request Authenticator (for hidden attributes) */
	const char *secret;            /* the answering server's secret */
	uint32_t server_addr;          /* host order */
};

/*
 * Fill b (already holding the header, the authenticator and, for an
 * Access-Request, a Message-Authenticator) with the request's attributes
 * for a server with this secret. Called again whenever the request moves
 * to another server. 0, or -1 to abandon the request (RADIUS_RES_ERROR).
 */
typedef int (*radius_build_fn)(void *arg, struct radius_builder *b, const char *secret);
/* The outcome, once. The request is freed after it returns. */
typedef void (*radius_done_fn)(void *arg, enum radius_result res, const struct radius_reply *r);

/* Per server (address:port) counters: telemetry, logs, tests. */
struct radius_server_stats {
	uint32_t addr;
	uint16_t port;
	enum radius_service svc;
	uint64_t requests;      /* first transmissions */
	uint64_t retransmits;
	uint64_t timeouts;      /* gave up on this server */
	uint64_t accepts;       /* Access-Accept */
	uint64_t rejects;       /* Access-Reject */
	uint64_t responses;     /* Accounting-Response */
	uint64_t bad_replies;   /* authenticator or Message-Authenticator wrong or missing */
	uint64_t malformed;     /* did not parse, or a code that answers nothing we sent */
};

int radius_client_init(struct cp_context *cp);
/* Cancels nothing: owners cancel their requests first. Closes the sockets. */
void radius_client_fini(void);

/* True when at least one /radius entry has service ppp. */
bool radius_client_has_server(void);

/*
 * Start a request of code on service svc. rounds: passes over the server
 * list before RADIUS_RES_TIMEOUT (0: retry for ever, pausing between
 * passes: accounting). done is never called from inside this call; NULL
 * when out of memory.
 */
struct radius_req *radius_client_send(enum radius_service svc, uint8_t code, unsigned int rounds,
				      radius_build_fn build, radius_done_fn done, void *arg);
/* Forget a request: done is not called. */
void radius_client_cancel(struct radius_req *r);

/* Counters: n in use, one by index. */
unsigned int radius_client_stats_count(void);
const struct radius_server_stats *radius_client_stats(unsigned int i);
/* Replies dropped before a request was found (unknown id or source, short). */
uint64_t radius_client_unmatched(void);

/* Tests: shorten the pause between accounting passes (0: default). */
void radius_client_set_pass_pause_ms(uint32_t ms);

#endif /* PPTPGW_RADIUS_CLIENT_H */
