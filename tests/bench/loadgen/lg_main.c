/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pptpgw-loadgen: set up many PPTP sessions (TCP, PPTP, LCP, MS-CHAPv2,
 * CCP/MPPE, IPCP), hold them, tear them down, and report set-ups per
 * second, latency percentiles and failure reasons (loadgen.h).
 *
 *   pptpgw-loadgen -s 192.0.2.1 -u MT-User -p StrongPass -n 10000 -c 1000 -k 1
 *
 * Exit status 0 when every session came up, none dropped while held and
 * (with teardown) every call was cleared; 1 otherwise; 2 on bad usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "crypto_init.h"
#include "loadgen.h"
#include "log.h"

/* Timeouts, rate admission and the progress line run on this tick. */
#define LG_TICK_MS          50
#define LG_PROGRESS_NS      1000000000ull
/* After the last CDN, StopCCRQ/StopCCRP get this long before we just exit. */
#define LG_STOP_GRACE_NS    5000000000ull

struct lg lg;

uint64_t lg_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void lg_reason_add(const char *fmt, ...)
{
	char text[LG_REASON_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	for (uint32_t i = 0; i < lg.st.n_reasons; i++) {
		if (strcmp(lg.st.reasons[i].text, text) == 0) {
			lg.st.reasons[i].count++;
			return;
		}
	}
	if (lg.st.n_reasons == LG_MAX_REASONS) {
		lg.st.other_reasons++;
		return;
	}
	snprintf(lg.st.reasons[lg.st.n_reasons].text, LG_REASON_MAX, "%s", text);
	lg.st.reasons[lg.st.n_reasons++].count = 1;
}

void lg_admit_soon(void)
{
	event_active(lg.admit_ev, EV_TIMEOUT, 0);
}

static double secs(uint64_t ns)
{
	return (double)ns / 1e9;
}

/* ---- reports ---- */

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static double pct_ms(const uint32_t *v, uint32_t n, double p)
{
	uint32_t i;

	if (n == 0)
		return 0.0;
	i = (uint32_t)(p / 100.0 * (double)(n - 1) + 0.5);
	return (double)v[i] / 1000.0;
}

static void report_reasons(void)
{
	if (lg.st.n_reasons == 0) {
		printf("failures: none\n");
		return;
	}
	printf("failures:\n");
	for (uint32_t i = 0; i < lg.st.n_reasons; i++)
		printf("  %7u  %s\n", lg.st.reasons[i].count, lg.st.reasons[i].text);
	if (lg.st.other_reasons)
		printf("  %7u  (other reasons)\n", lg.st.other_reasons);
}

static void report_setup(void)
{
	const struct lg_stats *st = &lg.st;
	uint64_t wall = st->t_last_up_ns > st->t_first_sccrq_ns ?
			st->t_last_up_ns - st->t_first_sccrq_ns : 0;

	qsort(lg.lat_us, st->up, sizeof(*lg.lat_us), cmp_u32);
	printf("setup: attempted %u up %u failed %u\n", st->attempted, st->up, st->failed);
	printf("setup: wall %.3f s (first SCCRQ -> last IPCP+CCP open), %.1f set-ups/s\n",
	       secs(wall), wall ? (double)st->up / secs(wall) : 0.0);
	printf("setup: our PPP restart timeouts lcp %u ipcp %u ccp %u; MS-CHAP packets resent to us %u\n",
	       st->lcp_timeouts, st->ipcp_timeouts, st->ccp_timeouts, st->auth_extra_rx);
	printf("latency ms (admitted -> IPCP+CCP open): p50 %.1f p90 %.1f p99 %.1f p99.9 %.1f max %.1f\n",
	       pct_ms(lg.lat_us, st->up, 50), pct_ms(lg.lat_us, st->up, 90),
	       pct_ms(lg.lat_us, st->up, 99), pct_ms(lg.lat_us, st->up, 99.9),
	       pct_ms(lg.lat_us, st->up, 100));
	fflush(stdout);
}

static void report_end(void)
{
	const struct lg_stats *st = &lg.st;
	uint32_t open_conns = 0;

	for (uint32_t i = 0; i < lg.n_conns; i++)
		open_conns += lg.conns[i].state != LG_CONN_CLOSED && lg.conns[i].state != LG_CONN_IDLE;
	if (lg.o.teardown)
		printf("teardown: cleared %u in %.3f s, timeouts %u, control connections left open %u\n",
		       st->cleared, st->t_cleared_ns > st->t_teardown_ns ?
		       secs(st->t_cleared_ns - st->t_teardown_ns) : 0.0, st->teardown_timeouts, open_conns);
	printf("renegotiated while held (IPCP/CCP down and up again): %u\n", st->renegotiated);
	printf("gre: rx %llu tx %llu rx-bad %llu rx-unknown-call %llu rx-before-OCRP %llu "
	       "tx-errors %llu; pptp: rx %llu tx %llu rx-bad %llu\n",
	       (unsigned long long)st->gre_rx, (unsigned long long)st->gre_tx,
	       (unsigned long long)st->gre_rx_bad, (unsigned long long)st->gre_rx_unknown,
	       (unsigned long long)st->gre_rx_early,
	       (unsigned long long)st->gre_tx_err, (unsigned long long)st->ctrl_rx,
	       (unsigned long long)st->ctrl_tx, (unsigned long long)st->ctrl_rx_bad);
	report_reasons();
}

/* ---- phases ---- */

static void hold_cb(evutil_socket_t fd, short what, void *arg);

static void setup_done(void)
{
	struct timeval tv = { .tv_sec = lg.o.hold_s };

	report_setup();
	lg.phase = LG_PHASE_HOLD;
	/* The bench script reads this line to look at the appliance meanwhile. */
	printf("hold: %u sessions up, holding %u s\n", lg.st.up, lg.o.hold_s);
	fflush(stdout);
	evtimer_add(lg.hold_ev, &tv);
}

static void teardown_done(void)
{
	lg.phase = LG_PHASE_END;
	lg.t_progress_ns = lg_now_ns();   /* the StopCCRQ grace starts now */
}

static void hold_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	printf("hold: %u s over, dropped %u\n", lg.o.hold_s, lg.st.dropped);
	fflush(stdout);
	if (!lg.o.teardown) {
		lg.phase = LG_PHASE_END;
		event_base_loopbreak(lg.base);
		return;
	}
	lg.phase = LG_PHASE_TEARDOWN;
	lg.next_call = 0;
	lg.st.t_teardown_ns = lg_now_ns();
	lg_admit_soon();
}

/* Calls allowed to have started by now in rate mode (all of them otherwise). */
static uint32_t rate_allowed(void)
{
	uint64_t el;
	uint64_t n;

	if (lg.o.rate == 0)
		return lg.o.sessions;
	el = lg_now_ns() - lg.t_start_ns;
	n = el * lg.o.rate / 1000000000ull + 1;
	return n < lg.o.sessions ? (uint32_t)n : lg.o.sessions;
}

static void admit_cb(evutil_socket_t fd, short what, void *arg)
{
	uint32_t allowed;

	(void)fd;
	(void)what;
	(void)arg;
	switch (lg.phase) {
	case LG_PHASE_SETUP:
		allowed = rate_allowed();
		while (lg.next_call < allowed && lg.in_flight < lg.o.concurrency)
			lg_call_admit(&lg.calls[lg.next_call++]);
		if (lg.next_call == lg.o.sessions && lg.in_flight == 0)
			setup_done();
		break;
	case LG_PHASE_TEARDOWN:
		while (lg.next_call < lg.o.sessions && lg.in_flight < lg.o.concurrency)
			lg_call_stop(&lg.calls[lg.next_call++]);
		if (lg.next_call == lg.o.sessions && lg.in_flight == 0)
			teardown_done();
		break;
	default:
		break;
	}
}

static bool conns_all_closed(void)
{
	for (uint32_t i = 0; i < lg.n_conns; i++)
		if (lg.conns[i].state != LG_CONN_CLOSED && lg.conns[i].state != LG_CONN_IDLE)
			return false;
	return true;
}

static void tick_cb(evutil_socket_t fd, short what, void *arg)
{
	uint64_t now = lg_now_ns();
	struct lg_call *c, *next;

	(void)fd;
	(void)what;
	(void)arg;
	for (c = TAILQ_FIRST(&lg.busy); c != NULL; c = next) {
		next = TAILQ_NEXT(c, busy);
		lg_call_check_timeout(c, now);
	}
	if (lg.o.rate && lg.phase == LG_PHASE_SETUP)
		lg_admit_soon();
	if (lg.phase == LG_PHASE_END) {
		if (conns_all_closed() || now - lg.t_progress_ns > LG_STOP_GRACE_NS)
			event_base_loopbreak(lg.base);
		return;
	}
	if (now - lg.t_progress_ns >= LG_PROGRESS_NS && lg.phase != LG_PHASE_HOLD) {
		fprintf(stderr, "[%7.1f s] %s up %u failed %u in-flight %u cleared %u (%.0f up/s)\n",
			secs(now - lg.t_start_ns), lg.phase == LG_PHASE_SETUP ? "setup" : "teardown",
			lg.st.up, lg.st.failed, lg.in_flight, lg.st.cleared,
			(double)(lg.st.up - lg.progress_up) / secs(now - lg.t_progress_ns));
		lg.progress_up = lg.st.up;
		lg.t_progress_ns = now;
	}
}

static void signal_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	fprintf(stderr, "interrupted\n");
	event_base_loopbreak(lg.base);
}

/* ---- options ---- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: pptpgw-loadgen -s SERVER -u USER -p PASSWORD [options]\n"
		"  -s, --server ADDR           the appliance's PPTP address (IPv4)\n"
		"  -b, --bind ADDR             our source address for TCP (default: any)\n"
		"  -u, --user NAME             /ppp/secret name (MS-CHAPv2)\n"
		"  -p, --password TEXT\n"
		"  -n, --sessions N            sessions to set up, 1..65536 (default 100)\n"
		"  -c, --concurrency N         set-ups and teardowns in flight (default 100)\n"
		"  -k, --calls-per-conn N      calls on one PPTP control connection (default 1)\n"
		"  -H, --hold SECONDS          hold every session this long (default 0)\n"
		"  -r, --rate N                start at most N set-ups per second (default: no limit)\n"
		"  -t, --timeout SECONDS       one set-up or teardown, at most (default 60)\n"
		"      --no-teardown           exit after the hold without clearing the calls\n"
		"  -v, --verbose               every PPP/auth log line and failure\n");
}

static int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end != '\0' || *s == '-' || v < min || v > max)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int parse_addr(const char *s, uint32_t *out)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return -1;
	*out = ntohl(a.s_addr);
	return 0;
}

static int parse_opts(int argc, char **argv, struct lg_opts *o)
{
	static const struct option longs[] = {
		{ "server", required_argument, NULL, 's' },
		{ "bind", required_argument, NULL, 'b' },
		{ "user", required_argument, NULL, 'u' },
		{ "password", required_argument, NULL, 'p' },
		{ "sessions", required_argument, NULL, 'n' },
		{ "concurrency", required_argument, NULL, 'c' },
		{ "calls-per-conn", required_argument, NULL, 'k' },
		{ "hold", required_argument, NULL, 'H' },
		{ "rate", required_argument, NULL, 'r' },
		{ "timeout", required_argument, NULL, 't' },
		{ "no-teardown", no_argument, NULL, 'T' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int ch, rc = 0;

	*o = (struct lg_opts){ .sessions = 100, .concurrency = 100, .calls_per_conn = 1,
			       .timeout_s = 60, .teardown = true };
	while ((ch = getopt_long(argc, argv, "s:b:u:p:n:c:k:H:r:t:vh", longs, NULL)) != -1) {
		switch (ch) {
		case 's': rc |= parse_addr(optarg, &o->server); break;
		case 'b': rc |= parse_addr(optarg, &o->bind); break;
		case 'u': o->user = optarg; break;
		case 'p': o->password = optarg; break;
		case 'n': rc |= parse_u32(optarg, 1, LG_MAX_SESSIONS, &o->sessions); break;
		case 'c': rc |= parse_u32(optarg, 1, LG_MAX_SESSIONS, &o->concurrency); break;
		case 'k': rc |= parse_u32(optarg, 1, LG_MAX_SESSIONS, &o->calls_per_conn); break;
		case 'H': rc |= parse_u32(optarg, 0, 86400, &o->hold_s); break;
		case 'r': rc |= parse_u32(optarg, 0, 1000000, &o->rate); break;
		case 't': rc |= parse_u32(optarg, 1, 3600, &o->timeout_s); break;
		case 'T': o->teardown = false; break;
		case 'v': o->verbose = true; break;
		case 'h': usage(stdout); exit(0);
		default: rc = -1; break;
		}
		if (rc) {
			fprintf(stderr, "pptpgw-loadgen: bad value for -%c: %s\n", ch, optarg ? optarg : "");
			return -1;
		}
	}
	if (optind != argc || o->server == 0 || o->user == NULL || o->password == NULL) {
		fprintf(stderr, "pptpgw-loadgen: -s, -u and -p are required\n");
		return -1;
	}
	return 0;
}

/* A descriptor per control connection plus a few: raise the soft limit to the hard one. */
static void raise_nofile(uint32_t conns)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= conns + 64)
		return;
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
}

static int lg_init(void)
{
	struct timeval tick = { .tv_usec = LG_TICK_MS * 1000 };
	struct event *sig_int, *sig_term;

	lg.n_conns = (lg.o.sessions + lg.o.calls_per_conn - 1) / lg.o.calls_per_conn;
	lg.calls = calloc(lg.o.sessions, sizeof(*lg.calls));
	lg.conns = calloc(lg.n_conns, sizeof(*lg.conns));
	lg.lat_us = calloc(lg.o.sessions, sizeof(*lg.lat_us));
	if (!lg.calls || !lg.conns || !lg.lat_us)
		return -1;
	for (uint32_t i = 0; i < lg.o.sessions; i++) {
		lg.calls[i].idx = i;
		lg.calls[i].conn = &lg.conns[i / lg.o.calls_per_conn];
	}
	for (uint32_t k = 0; k < lg.n_conns; k++) {
		lg.conns[k].idx = k;
		lg.conns[k].first = k * lg.o.calls_per_conn;
		lg.conns[k].n = lg.o.sessions - lg.conns[k].first < lg.o.calls_per_conn ?
				lg.o.sessions - lg.conns[k].first : lg.o.calls_per_conn;
	}
	TAILQ_INIT(&lg.busy);
	TAILQ_INIT(&lg.reapq);
	raise_nofile(lg.n_conns);

	lg.base = event_base_new();
	if (!lg.base)
		return -1;
	lg.gre_fd = lg_gre_open();
	if (lg.gre_fd < 0) {
		fprintf(stderr, "pptpgw-loadgen: raw GRE socket: %s (needs root or CAP_NET_RAW)\n",
			strerror(errno));
		return -1;
	}
	lg.gre_ev = event_new(lg.base, lg.gre_fd, EV_READ | EV_PERSIST, lg_gre_read, NULL);
	lg.admit_ev = event_new(lg.base, -1, 0, admit_cb, NULL);
	lg.reap_ev = event_new(lg.base, -1, 0, lg_reap, NULL);
	lg.tick_ev = event_new(lg.base, -1, EV_PERSIST, tick_cb, NULL);
	lg.hold_ev = evtimer_new(lg.base, hold_cb, NULL);
	sig_int = evsignal_new(lg.base, SIGINT, signal_cb, NULL);
	sig_term = evsignal_new(lg.base, SIGTERM, signal_cb, NULL);
	if (!lg.gre_ev || !lg.admit_ev || !lg.reap_ev || !lg.tick_ev || !lg.hold_ev ||
	    !sig_int || !sig_term)
		return -1;
	if (event_add(lg.gre_ev, NULL) || event_add(lg.tick_ev, &tick) ||
	    event_add(sig_int, NULL) || event_add(sig_term, NULL))
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	char srv[INET_ADDRSTRLEN];
	struct in_addr a;
	bool ok;

	if (parse_opts(argc, argv, &lg.o) != 0) {
		usage(stderr);
		return 2;
	}
	/* Our peers write to a socket we may have closed: EPIPE, not death. */
	signal(SIGPIPE, SIG_IGN);
	log_init(lg.o.verbose ? CFG_LOG_DEBUG : CFG_LOG_ERROR, 0);
	/* MS-CHAP's MD4 and DES live in OpenSSL's legacy provider. */
	if (crypto_init() != 0) {
		fprintf(stderr, "pptpgw-loadgen: OpenSSL legacy provider not available\n");
		return 1;
	}
	if (lg_init() != 0) {
		fprintf(stderr, "pptpgw-loadgen: set-up failed: %s\n", strerror(errno));
		return 1;
	}
	a.s_addr = htonl(lg.o.server);
	inet_ntop(AF_INET, &a, srv, sizeof(srv));
	printf("pptpgw-loadgen: server %s user %s sessions %u concurrency %u calls/conn %u "
	       "(%u control connections) rate %u/s (0: unlimited) hold %u s\n", srv, lg.o.user,
	       lg.o.sessions, lg.o.concurrency, lg.o.calls_per_conn, lg.n_conns, lg.o.rate,
	       lg.o.hold_s);
	fflush(stdout);

	lg.t_start_ns = lg.t_progress_ns = lg_now_ns();
	lg.phase = LG_PHASE_SETUP;
	lg_admit_soon();
	event_base_dispatch(lg.base);

	if (lg.phase == LG_PHASE_SETUP)
		report_setup();
	report_end();
	ok = lg.st.up == lg.o.sessions && lg.st.failed == 0 && lg.st.dropped == 0 &&
	     lg.st.teardown_timeouts == 0 && lg.phase == LG_PHASE_END &&
	     (!lg.o.teardown || lg.st.cleared == lg.st.up);
	printf("RESULT %s\n", ok ? "ok" : "FAIL");
	return ok ? 0 : 1;
}
