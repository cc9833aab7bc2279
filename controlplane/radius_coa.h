/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * /radius/incoming: Dynamic Authorization (RFC 5176). A UDP listener on
 * the control-plane loop (radius-incoming port, default 1700) takes
 * Disconnect-Request and CoA-Request from the /radius servers only, checks
 * the Request Authenticator with that server's secret, finds the session by
 * User-Name, Acct-Session-Id and/or Framed-IP-Address, and answers ACK or
 * NAK with an Error-Cause. Requests from unknown addresses or with a bad
 * authenticator are dropped and counted (RFC 5176 3.4/5.1: silently).
 * The listener follows /radius/incoming edits at once (radius_coa_sync).
 *
 * Control-plane thread only.
 */
#ifndef PPTPGW_RADIUS_COA_H
#define PPTPGW_RADIUS_COA_H

#include <stdbool.h>
#include <stdint.h>

#include "auth.h"
#include "radius_pkt.h"

struct cp_context;

/* A Disconnect/CoA request in host order (radius_coa_parse). */
struct radius_coa_request {
	uint8_t code;                      /* RADIUS_DISCONNECT_REQUEST or RADIUS_COA_REQUEST */
	char user[RADIUS_ATTR_VAL_MAX + 1];
	bool has_user;
	char acct_session_id[RADIUS_ATTR_VAL_MAX + 1];
	bool has_acct_session_id;
	uint32_t framed_ip;                /* 0: not given */
	char nas_identifier[RADIUS_ATTR_VAL_MAX + 1];
	bool has_nas_identifier;
	struct auth_session_limits limits; /* CoA: what changes */
	bool has_limits;
};

/*
 * Attributes into req. 0, or the RFC 5176 3.5 Error-Cause to NAK with
 * (Missing-Attribute when nothing names a session, Invalid-Attribute-Value
 * for a value we cannot use, Unsupported-Service for another code).
 */
uint32_t radius_coa_parse(const struct radius_msg *msg, struct radius_coa_request *req);

struct radius_coa_stats {
	uint64_t requests;                 /* verified requests */
	uint64_t acks, naks;
	uint64_t unknown_client;           /* source is no /radius entry */
	uint64_t bad_authenticator;
	uint64_t malformed;
};

/* Opens the listener when /radius/incoming accept=yes. 0, or -1 when it cannot bind. */
int radius_coa_init(struct cp_context *cp);
/*
 * After a config change (cp.c runs it as a CLI commit hook): close the
 * listener (accept=no), or reopen it on a new port. Nothing happens while
 * it already matches; a port that cannot be bound is logged and left
 * closed until the next change.
 */
void radius_coa_sync(void);
void radius_coa_fini(void);
void radius_coa_get_stats(struct radius_coa_stats *out);

#endif /* PPTPGW_RADIUS_COA_H */
