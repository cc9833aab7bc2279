/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RADIUS accounting (RFC 2866) for the server's sessions, and the table of
 * running sessions that dynamic authorization (radius_coa.c) matches on:
 * hashed by session, Acct-Session-Id, User-Name and Framed-IP-Address, so
 * every call here is O(1) at any session count. Nothing to keep for the
 * caller: sessions come and go through session_set_observer().
 *
 * Start at network up, Interim-Update every /ppp/aaa interim-update (or the
 * server's Acct-Interim-Interval), Stop at teardown with the cause mapped to
 * Acct-Terminate-Cause. Every record waits in one bounded FIFO and is
 * resent until a server acknowledges it; a record that finds the FIFO full
 * is dropped and counted. On a clean shutdown the FIFO is flushed with a
 * bounded wait.
 *
 * Control-plane thread only.
 */
#ifndef PPTPGW_RADIUS_ACCT_H
#define PPTPGW_RADIUS_ACCT_H

#include <stdbool.h>
#include <stdint.h>

#include "radius_pkt.h"

struct cp_context;
struct session;
struct session_dp_stats;

#define RADIUS_ACCT_QUEUE_MAX   4096   /* records waiting for an acknowledgement */
#define RADIUS_ACCT_INFLIGHT    32     /* records sent at once */
#define RADIUS_ACCT_FLUSH_MS    3000   /* clean shutdown: longest wait for the FIFO */
#define RADIUS_ACCT_SID_LEN     24     /* Acct-Session-Id text, NUL included */

/* What the Access-Accept said that accounting needs later. */
struct radius_auth_attrs {
	bool by_radius;                  /* Acct-Authentic RADIUS, else Local */
	uint8_t class_len;               /* 0: no Class */
	uint8_t class_val[RADIUS_ATTR_VAL_MAX];
	bool has_interim;
	uint32_t interim_s;              /* Acct-Interim-Interval */
};

struct radius_acct_stats {
	uint64_t queued;                 /* records created */
	uint64_t acked;                  /* Accounting-Response received */
	uint64_t dropped;                /* FIFO full, or no server left to take it */
	unsigned int waiting;            /* in the FIFO now */
};

int radius_acct_init(struct cp_context *cp);
/* Flush the FIFO (bounded by RADIUS_ACCT_FLUSH_MS), then free everything. */
void radius_acct_fini(void);

/* The backend accepted s (before network up). */
void radius_acct_note_auth(struct session *s, const struct radius_auth_attrs *a);

/* RFC 2866 5.10: the session_stop() cause, as Acct-Terminate-Cause. */
uint32_t radius_acct_terminate_cause(const char *cause);

/* Running sessions, for Disconnect/CoA: the n-th, its Acct-Session-Id. */
struct session *radius_acct_find(const char *user, const char *acct_session_id,
				 uint32_t framed_ip, unsigned int *n_matches);
/* Every running session matching (up to cap of them into out); how many matched. */
unsigned int radius_acct_find_all(const char *user, const char *acct_session_id,
				  uint32_t framed_ip, struct session **out, unsigned int cap);
const char *radius_acct_session_id(const struct session *s);

void radius_acct_get_stats(struct radius_acct_stats *out);

#endif /* PPTPGW_RADIUS_ACCT_H */
