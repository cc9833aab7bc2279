/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RADIUS accounting (radius_acct.h). Sessions are observed through
 * session_set_observer(); records are built when sent (so Acct-Delay-Time
 * is true, RFC 2866 5.2) from a snapshot taken when the event happened.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <openssl/rand.h>

#include "cp.h"
#include "hash_fn.h"
#include "log.h"
#include "radius_acct.h"
#include "radius_client.h"
#include "session.h"

#define GIGAWORD_SHIFT 32    /* RFC 2869 5.1: the 2^32 overflows of the octet counter */

/*
 * The running sessions are found through four hash tables: by session (the
 * observer's and the backend's key, every set-up and teardown) and, once
 * up, by the three keys a Disconnect/CoA names a session with. Chains are
 * doubly linked so removal is O(1) even when every session has the same user.
 */
enum acct_index {
	IX_SESSION,    /* struct session *, from note_auth until down */
	IX_SID,        /* Acct-Session-Id, while up */
	IX_USER,       /* User-Name, while up: a user's calls share a chain */
	IX_IP,         /* Framed-IP-Address, while up */
	IX_COUNT,
};

#define ACCT_HASH_MIN 256   /* buckets at first; doubled when the load reaches 1 */

/* A session the NAS serves: what Interim/Stop and Disconnect/CoA need. */
struct acct_sess {
	struct session *s;
	char sid[RADIUS_ACCT_SID_LEN];
	char user[CFG_NAME_MAX];
	uint32_t client_ip;            /* tunnel address */
	uint32_t peer_ip;              /* outer address: Calling-Station-Id */
	bool up;
	struct radius_auth_attrs aa;
	struct event *interim_ev;
	bool in_ix[IX_COUNT];
	struct acct_sess *hnext[IX_COUNT];
	struct acct_sess **hpprev[IX_COUNT];   /* what points at us: bucket or previous hnext */
};

struct acct_htab {
	struct acct_sess **b;
	size_t nb, n;
};

/* One record, snapshot at the event. */
struct acct_rec {
	struct acct_rec *next, *prev;
	uint32_t status;               /* Acct-Status-Type */
	char sid[RADIUS_ACCT_SID_LEN];
	char user[CFG_NAME_MAX];
	uint32_t client_ip, peer_ip, nas_port;
	struct radius_auth_attrs aa;
	struct session_dp_stats st;
	uint32_t session_time;
	uint32_t terminate_cause;      /* Stop only */
	time_t when;                   /* Event-Timestamp; Acct-Delay-Time counts from it */
	struct radius_req *req;        /* in flight */
};

static struct {
	struct cp_context *cp;
	struct acct_htab ix[IX_COUNT];
	/*
	 * FIFO, the oldest first. Records are sent in order and leave only when
	 * done, so the ones in flight are always a prefix: unsent is the first
	 * of the rest.
	 */
	struct acct_rec *head, *tail, *unsent;
	unsigned int waiting, inflight;
	uint64_t queued, acked, dropped;
	char sid_prefix[16];
	uint32_t sid_next;
} ra;

/* ---- Acct-Session-Id ---- */

/*
 * RFC 2866 5.5: unique per NAS. The start time and 16 random bits make the
 * prefix, so ids stay unique across restarts (even two in the same second);
 * a counter tells this run's sessions apart.
 */
static void sid_init(void)
{
	uint8_t rnd[2] = { 0, 0 };

	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		rnd[0] = (uint8_t)clock();
	snprintf(ra.sid_prefix, sizeof(ra.sid_prefix), "%08X%02X%02X", (uint32_t)time(NULL),
		 rnd[0], rnd[1]);
	ra.sid_next = 1;
}

/* ---- session tables ---- */

static uint32_t sess_hash(const struct acct_sess *a, enum acct_index ix)
{
	switch (ix) {
	case IX_SESSION:
		return hash_ptr(a->s);
	case IX_SID:
		return hash_str(a->sid);
	case IX_USER:
		return hash_str(a->user);
	case IX_IP:
		return hash_u32(a->client_ip);
	case IX_COUNT:
		break;
	}
	return 0;
}

static void chain_push(struct acct_sess **head, struct acct_sess *a, enum acct_index ix)
{
	a->hnext[ix] = *head;
	if (*head)
		(*head)->hpprev[ix] = &a->hnext[ix];
	*head = a;
	a->hpprev[ix] = head;
}

static int htab_grow(enum acct_index ix)
{
	struct acct_htab *t = &ra.ix[ix];
	size_t nb = t->nb ? t->nb * 2 : ACCT_HASH_MIN;
	struct acct_sess **b = calloc(nb, sizeof(*b));

	if (!b)
		return t->nb ? 0 : -1;   /* a full table still works, only slower */
	for (size_t i = 0; i < t->nb; i++) {
		struct acct_sess *a = t->b[i], *next;

		for (; a; a = next) {
			next = a->hnext[ix];
			chain_push(&b[sess_hash(a, ix) & (nb - 1)], a, ix);
		}
	}
	free(t->b);
	t->b = b;
	t->nb = nb;
	return 0;
}

static int htab_add(struct acct_sess *a, enum acct_index ix)
{
	struct acct_htab *t = &ra.ix[ix];

	if ((t->n >= t->nb || !t->b) && htab_grow(ix))
		return -1;
	chain_push(&t->b[sess_hash(a, ix) & (t->nb - 1)], a, ix);
	t->n++;
	a->in_ix[ix] = true;
	return 0;
}

static void htab_del(struct acct_sess *a, enum acct_index ix)
{
	if (!a->in_ix[ix])
		return;
	*a->hpprev[ix] = a->hnext[ix];
	if (a->hnext[ix])
		a->hnext[ix]->hpprev[ix] = a->hpprev[ix];
	ra.ix[ix].n--;
	a->in_ix[ix] = false;
	a->hnext[ix] = NULL;
	a->hpprev[ix] = NULL;
}

/* The chain a key hashes to (NULL: table empty); callers compare keys. */
static struct acct_sess *htab_chain(enum acct_index ix, uint32_t h)
{
	const struct acct_htab *t = &ra.ix[ix];

	return t->b ? t->b[h & (t->nb - 1)] : NULL;
}

static struct acct_sess *sess_find(const struct session *s)
{
	for (struct acct_sess *a = htab_chain(IX_SESSION, hash_ptr(s)); a; a = a->hnext[IX_SESSION])
		if (a->s == s)
			return a;
	return NULL;
}

static struct acct_sess *sess_get(struct session *s)
{
	struct acct_sess *a = sess_find(s);

	if (a)
		return a;
	a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	a->s = s;
	if (htab_add(a, IX_SESSION)) {
		free(a);
		return NULL;
	}
	return a;
}

/* Up: findable by the keys Disconnect/CoA use (a failed add only hides it from them). */
static void sess_index_keys(struct acct_sess *a)
{
	for (enum acct_index ix = IX_SID; ix < IX_COUNT; ix++) {
		htab_del(a, ix);
		if (htab_add(a, ix))
			LOG_WARN(LOG_TOPIC_RADIUS, "user=%s sid=%s not findable by Disconnect/CoA: "
				 "out of memory", a->user, a->sid);
	}
}

static void sess_free(struct acct_sess *a)
{
	for (enum acct_index ix = 0; ix < IX_COUNT; ix++)
		htab_del(a, ix);
	if (a->interim_ev)
		event_free(a->interim_ev);
	free(a);
}

/* ---- records ---- */

static bool accounting_on(void)
{
	return ra.cp && ra.cp->cfg->ppp_aaa.accounting && radius_client_has_server();
}

static void pump(void);

static void rec_unlink(struct acct_rec *r)
{
	if (r->prev)
		r->prev->next = r->next;
	else
		ra.head = r->next;
	if (r->next)
		r->next->prev = r->prev;
	else
		ra.tail = r->prev;
	if (ra.unsent == r)
		ra.unsent = r->next;
	ra.waiting--;
}

static void put_counter(struct radius_builder *b, uint8_t lo, uint8_t hi, uint64_t v)
{
	radius_add_u32(b, lo, (uint32_t)v);
	if (hi)
		radius_add_u32(b, hi, (uint32_t)(v >> GIGAWORD_SHIFT));
}

static int build_acct(void *arg, struct radius_builder *b, const char *secret)
{
	struct acct_rec *r = arg;
	const struct pg_config *cfg = ra.cp->cfg;
	char ip[CFG_IPV4_STRLEN];
	time_t now = time(NULL);

	(void)secret;
	radius_add_u32(b, RADIUS_ACCT_STATUS_TYPE, r->status);
	radius_add_str(b, RADIUS_ACCT_SESSION_ID, r->sid);
	radius_add_str(b, RADIUS_USER_NAME, r->user);
	radius_add_str(b, RADIUS_NAS_IDENTIFIER, cfg->system.identity);
	radius_add_u32(b, RADIUS_NAS_PORT, r->nas_port);
	radius_add_u32(b, RADIUS_NAS_PORT_TYPE, RADIUS_NAS_PORT_TYPE_VIRTUAL);
	radius_add_u32(b, RADIUS_SERVICE_TYPE, RADIUS_SERVICE_FRAMED);
	radius_add_u32(b, RADIUS_FRAMED_PROTOCOL, RADIUS_FRAMED_PROTOCOL_PPP);
	radius_add_u32(b, RADIUS_ACCT_AUTHENTIC, r->aa.by_radius ? RADIUS_ACCT_AUTHENTIC_RADIUS :
						  RADIUS_ACCT_AUTHENTIC_LOCAL);
	cfg_format_ipv4(r->peer_ip, ip, sizeof(ip));
	radius_add_str(b, RADIUS_CALLING_STATION_ID, ip);
	if (r->client_ip)
		radius_add_u32(b, RADIUS_FRAMED_IP_ADDRESS, r->client_ip);
	/* RFC 2865 5.25: Class comes back unchanged in accounting. */
	if (r->aa.class_len)
		radius_add(b, RADIUS_CLASS, r->aa.class_val, r->aa.class_len);
	radius_add_u32(b, RADIUS_EVENT_TIMESTAMP, (uint32_t)r->when);
	radius_add_u32(b, RADIUS_ACCT_DELAY_TIME, now > r->when ? (uint32_t)(now - r->when) : 0);
	if (r->status != RADIUS_ACCT_START) {
		/* RFC 2866 5.3/5.4: input is what the user sent us. */
		put_counter(b, RADIUS_ACCT_INPUT_OCTETS, RADIUS_ACCT_INPUT_GIGAWORDS, r->st.rx_bytes);
		put_counter(b, RADIUS_ACCT_OUTPUT_OCTETS, RADIUS_ACCT_OUTPUT_GIGAWORDS, r->st.tx_bytes);
		put_counter(b, RADIUS_ACCT_INPUT_PACKETS, 0, r->st.rx_packets);
		put_counter(b, RADIUS_ACCT_OUTPUT_PACKETS, 0, r->st.tx_packets);
		radius_add_u32(b, RADIUS_ACCT_SESSION_TIME, r->session_time);
	}
	if (r->status == RADIUS_ACCT_STOP)
		radius_add_u32(b, RADIUS_ACCT_TERMINATE_CAUSE, r->terminate_cause);
	return 0;
}

static void on_acct_reply(void *arg, enum radius_result res, const struct radius_reply *rep)
{
	struct acct_rec *r = arg;

	(void)rep;
	r->req = NULL;
	ra.inflight--;
	if (res == RADIUS_RES_REPLY) {
		ra.acked++;
	} else {
		/*
		 * Records are retried for ever, so only a server list emptied by
		 * the operator or a record that cannot be built ends here:
		 * retrying would spin. Dropped and counted.
		 */
		ra.dropped++;
		LOG_WARN(LOG_TOPIC_RADIUS, "user=%s sid=%s accounting record dropped: %s", r->user,
			 r->sid, res == RADIUS_RES_ERROR ? "cannot be sent" : "no server left");
	}
	rec_unlink(r);
	free(r);
	pump();
}

/* Send the oldest records not yet in flight, up to the in-flight bound. */
static void pump(void)
{
	while (ra.unsent && ra.inflight < RADIUS_ACCT_INFLIGHT) {
		struct acct_rec *r = ra.unsent;

		/* rounds 0: passes over the servers until one answers (RFC 2866 2). */
		r->req = radius_client_send(RADIUS_SVC_ACCT, RADIUS_ACCOUNTING_REQUEST, 0, build_acct,
					    on_acct_reply, r);
		if (!r->req)
			return;
		ra.inflight++;
		ra.unsent = r->next;
	}
}

static void rec_queue(const struct acct_sess *a, uint32_t status, const struct session_dp_stats *st,
		      uint32_t session_time, uint32_t cause)
{
	struct acct_rec *r;

	ra.queued++;
	if (ra.waiting >= RADIUS_ACCT_QUEUE_MAX || !(r = calloc(1, sizeof(*r)))) {
		ra.dropped++;
		LOG_WARN(LOG_TOPIC_RADIUS, "user=%s sid=%s accounting queue full: record dropped "
			 "(%llu dropped so far)", a->user, a->sid, (unsigned long long)ra.dropped);
		return;
	}
	r->status = status;
	memcpy(r->sid, a->sid, sizeof(r->sid));
	memcpy(r->user, a->user, sizeof(r->user));
	r->client_ip = a->client_ip;
	r->peer_ip = a->peer_ip;
	r->nas_port = session_id(a->s);
	r->aa = a->aa;
	if (st)
		r->st = *st;
	r->session_time = session_time;
	r->terminate_cause = cause;
	r->when = time(NULL);
	r->prev = ra.tail;
	if (ra.tail)
		ra.tail->next = r;
	else
		ra.head = r;
	ra.tail = r;
	if (!ra.unsent)
		ra.unsent = r;
	ra.waiting++;
	pump();
}

/* ---- session events ---- */

static uint32_t interim_interval(const struct acct_sess *a)
{
	/* RFC 2869 5.16: the server's Acct-Interim-Interval wins over ours. */
	if (a->aa.has_interim)
		return a->aa.interim_s;
	return ra.cp->cfg->ppp_aaa.interim_update;
}

static void on_interim(evutil_socket_t fd, short what, void *arg)
{
	struct acct_sess *a = arg;
	struct session_info info;

	(void)fd;
	(void)what;
	if (!accounting_on())
		return;
	session_get_info(a->s, &info);
	rec_queue(a, RADIUS_ACCT_INTERIM, &info.stats,
		  info.uptime > UINT32_MAX ? UINT32_MAX : (uint32_t)info.uptime, 0);
}

static void obs_up(struct session *s)
{
	struct acct_sess *a = sess_get(s);
	struct session_info info;
	uint32_t iv;

	if (!a)
		return;
	session_get_info(s, &info);
	a->up = true;
	snprintf(a->sid, sizeof(a->sid), "%s%08X", ra.sid_prefix, ra.sid_next++);
	snprintf(a->user, sizeof(a->user), "%s", info.user);
	a->client_ip = info.client_ip;
	a->peer_ip = info.peer_addr;
	sess_index_keys(a);
	if (!accounting_on())
		return;
	rec_queue(a, RADIUS_ACCT_START, NULL, 0, 0);
	iv = interim_interval(a);
	if (iv) {
		struct timeval tv = { .tv_sec = iv, .tv_usec = 0 };

		a->interim_ev = event_new(ra.cp->base, -1, EV_PERSIST, on_interim, a);
		if (a->interim_ev)
			event_add(a->interim_ev, &tv);
	}
}

static void obs_down(struct session *s, const char *cause, const struct session_dp_stats *st,
		     uint64_t uptime_s)
{
	struct acct_sess *a = sess_find(s);

	if (!a)
		return;
	if (a->up && accounting_on())
		rec_queue(a, RADIUS_ACCT_STOP, st, uptime_s > UINT32_MAX ? UINT32_MAX : (uint32_t)uptime_s,
			  radius_acct_terminate_cause(cause));
	sess_free(a);
}

static const struct session_observer acct_observer = {
	.up = obs_up,
	.down = obs_down,
};

void radius_acct_note_auth(struct session *s, const struct radius_auth_attrs *aa)
{
	struct acct_sess *a = sess_get(s);

	if (a)
		a->aa = *aa;
}

uint32_t radius_acct_terminate_cause(const char *cause)
{
	static const struct {
		const char *prefix;
		uint32_t code;
	} map[] = {
		{ "keepalive timeout", RADIUS_TERM_LOST_CARRIER },
		{ "control connection lost", RADIUS_TERM_LOST_CARRIER },
		{ "idle timeout", RADIUS_TERM_IDLE_TIMEOUT },
		{ "session timeout", RADIUS_TERM_SESSION_TIMEOUT },
		{ "admin disconnect", RADIUS_TERM_ADMIN_RESET },
		{ "radius disconnect", RADIUS_TERM_ADMIN_RESET },
		{ "server shutdown", RADIUS_TERM_NAS_REQUEST },
		{ "dataplane refused", RADIUS_TERM_NAS_ERROR },
	};

	if (cause)
		for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
			if (strncmp(cause, map[i].prefix, strlen(map[i].prefix)) == 0)
				return map[i].code;
	/* The peer hung up: LCP Terminate, Call-Clear, Stop-Control-Connection. */
	return RADIUS_TERM_USER_REQUEST;
}

/* Does a (up, not stopping) match every key given? */
static bool sess_matches(const struct acct_sess *a, const char *user, const char *acct_session_id,
			 uint32_t framed_ip)
{
	struct session_info info;

	if (!a->up)
		return false;
	if (user && strcmp(user, a->user) != 0)
		return false;
	if (acct_session_id && strcmp(acct_session_id, a->sid) != 0)
		return false;
	if (framed_ip && framed_ip != a->client_ip)
		return false;
	/* A session already on its way out is not there any more for Disconnect/CoA. */
	session_get_info(a->s, &info);
	return !info.stopping;
}

/* a into out[n] when it matches (and there is room); the new count. */
static unsigned int match_one(const struct acct_sess *a, const char *user,
			      const char *acct_session_id, uint32_t framed_ip, struct session **out,
			      unsigned int cap, unsigned int n)
{
	if (!sess_matches(a, user, acct_session_id, framed_ip))
		return n;
	if (n < cap)
		out[n] = a->s;
	return n + 1;
}

unsigned int radius_acct_find_all(const char *user, const char *acct_session_id,
				  uint32_t framed_ip, struct session **out, unsigned int cap)
{
	enum acct_index ix;
	uint32_t h;
	unsigned int n = 0;

	/* Walk the chain of the most selective key given; every key given must match. */
	if (acct_session_id) {
		ix = IX_SID;
		h = hash_str(acct_session_id);
	} else if (framed_ip) {
		ix = IX_IP;
		h = hash_u32(framed_ip);
	} else if (user) {
		ix = IX_USER;
		h = hash_str(user);
	} else {
		/* No key: every running session, bucket by bucket. */
		for (size_t i = 0; i < ra.ix[IX_SESSION].nb; i++)
			for (struct acct_sess *a = ra.ix[IX_SESSION].b[i]; a; a = a->hnext[IX_SESSION])
				n = match_one(a, NULL, NULL, 0, out, cap, n);
		return n;
	}
	for (struct acct_sess *a = htab_chain(ix, h); a; a = a->hnext[ix])
		n = match_one(a, user, acct_session_id, framed_ip, out, cap, n);
	return n;
}

struct session *radius_acct_find(const char *user, const char *acct_session_id,
				 uint32_t framed_ip, unsigned int *n_matches)
{
	struct session *first = NULL;
	unsigned int n = radius_acct_find_all(user, acct_session_id, framed_ip, &first, 1);

	if (n_matches)
		*n_matches = n;
	return first;
}

const char *radius_acct_session_id(const struct session *s)
{
	const struct acct_sess *a = sess_find(s);

	return a ? a->sid : "";
}

void radius_acct_get_stats(struct radius_acct_stats *out)
{
	out->queued = ra.queued;
	out->acked = ra.acked;
	out->dropped = ra.dropped;
	out->waiting = ra.waiting;
}

int radius_acct_init(struct cp_context *cp)
{
	memset(&ra, 0, sizeof(ra));
	ra.cp = cp;
	sid_init();
	session_set_observer(&acct_observer);
	return 0;
}

static void on_flush_tick(evutil_socket_t fd, short what, void *arg)
{
	struct event_base *base = arg;

	(void)fd;
	(void)what;
	if (!ra.head)
		event_base_loopbreak(base);
}

void radius_acct_fini(void)
{
	if (!ra.cp)
		return;
	/* Clean shutdown: give the queued records (the Stops among them) a bounded chance. */
	if (ra.head && ra.cp->base) {
		struct timeval limit = { .tv_sec = RADIUS_ACCT_FLUSH_MS / 1000,
					 .tv_usec = (RADIUS_ACCT_FLUSH_MS % 1000) * 1000 };
		struct timeval tick = { .tv_sec = 0, .tv_usec = 20000 };
		struct event *t = event_new(ra.cp->base, -1, EV_PERSIST, on_flush_tick, ra.cp->base);

		LOG_INFO(LOG_TOPIC_RADIUS, "flushing %u accounting records", ra.waiting);
		if (t) {
			event_add(t, &tick);
			event_base_loopexit(ra.cp->base, &limit);
			event_base_dispatch(ra.cp->base);
			event_free(t);
		}
		if (ra.head)
			LOG_WARN(LOG_TOPIC_RADIUS, "%u accounting records not acknowledged at shutdown",
				 ra.waiting);
	}
	session_set_observer(NULL);
	while (ra.head) {
		struct acct_rec *r = ra.head;

		ra.head = r->next;
		radius_client_cancel(r->req);
		free(r);
	}
	ra.tail = ra.unsent = NULL;
	for (size_t i = 0; i < ra.ix[IX_SESSION].nb; i++)
		while (ra.ix[IX_SESSION].b[i])
			sess_free(ra.ix[IX_SESSION].b[i]);
	for (enum acct_index ix = 0; ix < IX_COUNT; ix++)
		free(ra.ix[ix].b);
	memset(ra.ix, 0, sizeof(ra.ix));
	ra.cp = NULL;
}
