/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A server session's session-timeout, idle-timeout and rate-limit
 * (session_limits.h). One one-shot timer each: the session timer at its
 * deadline, the idle timer when the session would have been idle long
 * enough if nothing passes meanwhile (then it looks at the dataplane's
 * last-data age and either ends the session or waits the rest), so an
 * active session costs one timer event per idle-timeout period.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "log.h"
#include "mono_clock.h"
#include "pptp_msg.h"
#include "session.h"
#include "session_limits.h"

#define MS_PER_S 1000

static void limits_log(const struct session_limits *l, enum cfg_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* As session.c's lines: the user, the session and its peer first. */
static void limits_log(const struct session_limits *l, enum cfg_log_level level, const char *fmt, ...)
{
	char msg[160], peer[CFG_IPV4_STRLEN];
	const char *user = session_user(l->s);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cfg_format_ipv4(session_peer_addr(l->s), peer, sizeof(peer));
	log_msg(level, LOG_TOPIC_PPTP, "user=%s session=%u peer=%s %s", user[0] ? user : "-",
		l->id, peer, msg);
}

static void timer_in(struct event *ev, int64_t ms)
{
	struct timeval tv;

	if (ms < 0)
		ms = 0;
	tv.tv_sec = (time_t)(ms / MS_PER_S);
	tv.tv_usec = (suseconds_t)(ms % MS_PER_S) * 1000;
	event_add(ev, &tv);
}

/* ---- session-timeout ---- */

static void on_session_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct session_limits *l = arg;
	char d[CFG_DURATION_STRLEN];

	int64_t left;

	(void)fd;
	(void)what;
	if (!l->running || !l->session_timeout_s)
		return;
	/*
	 * libevent keeps time with the coarse monotonic clock: a timer may fire
	 * a few milliseconds early by ours. Wait out the rest, so that the
	 * session's uptime (and Acct-Session-Time) is never a second short.
	 */
	left = l->up_ms + (int64_t)l->session_timeout_s * MS_PER_S - mono_ms();
	if (left > 0) {
		timer_in(l->session_ev, left);
		return;
	}
	cfg_format_duration(l->session_timeout_s, d, sizeof(d));
	limits_log(l, CFG_LOG_INFO, "session-timeout %s reached", d);
	session_stop(l->s, "session timeout", PPTP_CDN_ADMIN_SHUTDOWN);
}

/* Counted from network up, whenever it is (re)armed. */
static void arm_session_timeout(struct session_limits *l)
{
	event_del(l->session_ev);
	if (!l->running || !l->session_timeout_s)
		return;
	timer_in(l->session_ev, l->up_ms + (int64_t)l->session_timeout_s * MS_PER_S - mono_ms());
}

/* ---- idle-timeout ---- */

/* Milliseconds without data: the dataplane's view, but not before idle_from_ms. */
static int64_t idle_ms(const struct session_limits *l)
{
	int64_t idle = mono_ms() - l->idle_from_ms;
	uint32_t dp_age = SESSION_DP_AGE_UNKNOWN;

	if (l->dp->last_data_age_ms)
		dp_age = l->dp->last_data_age_ms(l->id);
	if (dp_age != SESSION_DP_AGE_UNKNOWN && (int64_t)dp_age < idle)
		idle = dp_age;
	return idle;
}

static void on_idle(evutil_socket_t fd, short what, void *arg)
{
	struct session_limits *l = arg;
	int64_t limit = (int64_t)l->idle_timeout_s * MS_PER_S;
	int64_t idle;
	char d[CFG_DURATION_STRLEN];

	(void)fd;
	(void)what;
	if (!l->running || !l->idle_timeout_s)
		return;
	idle = idle_ms(l);
	if (idle < limit) {
		/* Data passed meanwhile: wait for the rest of the period from that packet. */
		timer_in(l->idle_ev, limit - idle);
		return;
	}
	cfg_format_duration(l->idle_timeout_s, d, sizeof(d));
	limits_log(l, CFG_LOG_INFO, "idle-timeout %s reached: no traffic for %llds", d,
		   (long long)(idle / MS_PER_S));
	session_stop(l->s, "idle timeout", PPTP_CDN_ADMIN_SHUTDOWN);
}

static void arm_idle(struct session_limits *l)
{
	event_del(l->idle_ev);
	if (!l->running || !l->idle_timeout_s)
		return;
	timer_in(l->idle_ev, (int64_t)l->idle_timeout_s * MS_PER_S - idle_ms(l));
}

/* ---- rate-limit ---- */

static uint32_t burst_for(uint64_t bps)
{
	uint64_t b = bps / 8 * SESSION_RATE_BURST_MS / MS_PER_S;

	if (b < SESSION_RATE_BURST_MIN)
		b = SESSION_RATE_BURST_MIN;
	return b > UINT32_MAX ? UINT32_MAX : (uint32_t)b;
}

void session_limits_dp_rate(const struct session_limits *l, struct dp_session_rate *out)
{
	memset(out, 0, sizeof(*out));
	if (!l->rate.is_set)
		return;
	out->rx_bps = l->rate.rx_bps;
	out->tx_bps = l->rate.tx_bps;
	out->rx_burst = out->rx_bps ? burst_for(out->rx_bps) : 0;
	out->tx_burst = out->tx_bps ? burst_for(out->tx_bps) : 0;
}

/* A running session's new rate; a full ring is tried again shortly. */
static void push_rate(struct session_limits *l)
{
	struct dp_session_rate r;
	int rc;

	event_del(l->rate_ev);
	if (!l->running)
		return;
	if (!l->dp->set_rate) {
		limits_log(l, CFG_LOG_WARNING, "rate-limit change not supported by the dataplane");
		return;
	}
	session_limits_dp_rate(l, &r);
	rc = l->dp->set_rate(l->id, &r);
	if (rc == -EAGAIN)
		timer_in(l->rate_ev, SESSION_RATE_RETRY_MS);
	else if (rc)
		limits_log(l, CFG_LOG_WARNING, "rate-limit not applied rc=%d", rc);
}

static void on_rate_retry(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	push_rate(arg);
}

/* ---- entry points ---- */

int session_limits_init(struct session_limits *l, struct session *s, struct event_base *base,
			const struct session_dp_ops *dp, uint32_t id)
{
	memset(l, 0, sizeof(*l));
	l->s = s;
	l->dp = dp;
	l->id = id;
	l->session_ev = evtimer_new(base, on_session_timeout, l);
	l->idle_ev = evtimer_new(base, on_idle, l);
	l->rate_ev = evtimer_new(base, on_rate_retry, l);
	if (!l->session_ev || !l->idle_ev || !l->rate_ev) {
		session_limits_fini(l);
		return -ENOMEM;
	}
	return 0;
}

void session_limits_fini(struct session_limits *l)
{
	if (l->session_ev)
		event_free(l->session_ev);
	if (l->idle_ev)
		event_free(l->idle_ev);
	if (l->rate_ev)
		event_free(l->rate_ev);
	l->session_ev = l->idle_ev = l->rate_ev = NULL;
	l->running = false;
}

void session_limits_merge(struct auth_session_limits *out, const struct cfg_ppp_profile *prof,
			  const struct auth_session_limits *backend)
{
	memset(out, 0, sizeof(*out));
	out->has_session_timeout = true;
	out->session_timeout_s = backend->has_session_timeout ? backend->session_timeout_s
							      : prof->session_timeout;
	out->has_idle_timeout = true;
	out->idle_timeout_s = backend->has_idle_timeout ? backend->idle_timeout_s : prof->idle_timeout;
	out->rate_limit = backend->rate_limit.is_set ? backend->rate_limit : prof->rate_limit;
}

void session_limits_apply(struct session_limits *l, const struct auth_session_limits *in)
{
	bool rate_changed = false;

	if (in->has_session_timeout)
		l->session_timeout_s = in->session_timeout_s;
	if (in->has_idle_timeout) {
		l->idle_timeout_s = in->idle_timeout_s;
		l->idle_from_ms = mono_ms();
	}
	if (in->rate_limit.is_set) {
		struct cfg_rate_limit r = in->rate_limit;

		/* 0/0 is no limit: shown and sent as none. */
		r.is_set = r.rx_bps != 0 || r.tx_bps != 0;
		rate_changed = r.is_set != l->rate.is_set || r.rx_bps != l->rate.rx_bps ||
			       r.tx_bps != l->rate.tx_bps;
		l->rate = r;
	}
	if (!l->running)
		return;
	if (in->has_session_timeout)
		arm_session_timeout(l);
	if (in->has_idle_timeout)
		arm_idle(l);
	if (rate_changed)
		push_rate(l);
}

void session_limits_start(struct session_limits *l, int64_t up_ms)
{
	l->running = true;
	l->up_ms = up_ms;
	l->idle_from_ms = up_ms;
	arm_session_timeout(l);
	arm_idle(l);
}

void session_limits_stop(struct session_limits *l)
{
	l->running = false;
	if (l->session_ev)
		event_del(l->session_ev);
	if (l->idle_ev)
		event_del(l->idle_ev);
	if (l->rate_ev)
		event_del(l->rate_ev);
}
