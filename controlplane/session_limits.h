/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A server session's limits: session-timeout, idle-timeout and rate-limit
 * (RouterOS /ppp/profile; RADIUS Session-Timeout, Idle-Timeout and
 * Mikrotik-Rate-Limit, also changed live by CoA). session.c embeds one per
 * session and drives it: the profile's and the backend's values at
 * authentication, start at network up, stop at network down or teardown.
 *
 * - session-timeout ends the session that many seconds after network up
 *   (cause "session timeout"); a change re-arms it, still counted from
 *   network up (already past: it ends now).
 * - idle-timeout ends it after that many seconds without IPv4 data either
 *   way (cause "idle timeout"): the dataplane's last-data age, so LCP
 *   echoes and GRE acks do not keep a session alive. A change re-arms it
 *   from now (idle time before the change does not count).
 * - rate-limit goes to the dataplane with network up, and by itself when
 *   it changes later; 0 in a direction is unlimited.
 *
 * Control-plane thread only.
 */
#ifndef PPTPGW_SESSION_LIMITS_H
#define PPTPGW_SESSION_LIMITS_H

#include <stdbool.h>
#include <stdint.h>

#include "auth.h"
#include "config.h"
#include "dp_msg.h"

struct event;
struct event_base;
struct session;
struct session_dp_ops;

/*
 * The token bucket's depth: this long at the rate (RouterOS queues' default
 * bucket-size is 0.1 s of max-limit), but never below
 * SESSION_RATE_BURST_MIN bytes: a TCP sender leaving slow start sends a
 * window of 10+ full segments back to back, and a bucket smaller than that
 * turns every window into losses and the rate into a sawtooth far below
 * the limit.
 */
#define SESSION_RATE_BURST_MS  100u
#define SESSION_RATE_BURST_MIN (16u * 1500u)
/* A rate change the dataplane's ring refused is tried again this often. */
#define SESSION_RATE_RETRY_MS  100u

struct session_limits {
	struct session *s;
	const struct session_dp_ops *dp;
	uint32_t id;
	uint32_t session_timeout_s;       /* 0: none */
	uint32_t idle_timeout_s;          /* 0: none */
	struct cfg_rate_limit rate;       /* is_set false (or 0/0): unlimited */
	bool running;                     /* between start and stop */
	int64_t up_ms;                    /* network up, monotonic */
	int64_t idle_from_ms;             /* idle time counts from here at the earliest */
	struct event *session_ev, *idle_ev, *rate_ev;
};

int session_limits_init(struct session_limits *l, struct session *s, struct event_base *base,
			const struct session_dp_ops *dp, uint32_t id);
void session_limits_fini(struct session_limits *l);

/* A backend's limits over the profile's: each field given by the backend wins. */
void session_limits_merge(struct auth_session_limits *out, const struct cfg_ppp_profile *prof,
			  const struct auth_session_limits *backend);
/* Take the fields given; when running, re-arm the timers and push a new rate. */
void session_limits_apply(struct session_limits *l, const struct auth_session_limits *in);
/* What network up tells the dataplane (dp_session_keys.rate). */
void session_limits_dp_rate(const struct session_limits *l, struct dp_session_rate *out);
/* Network up (the rate went with it): arm the timers. */
void session_limits_start(struct session_limits *l, int64_t up_ms);
/* Network down or teardown: nothing fires any more. */
void session_limits_stop(struct session_limits *l);

#endif /* PPTPGW_SESSION_LIMITS_H */
