/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The RADIUS credential backend (RFC 2865, RFC 2548) behind /ppp/aaa
 * use-radius. RouterOS order: a user with a usable local /ppp/secret
 * (service pptp or any, enabled) is checked locally; anyone else goes to
 * the /radius servers. With use-radius off, or no server with service ppp,
 * everything is local.
 *
 * Control-plane thread only.
 */
#ifndef PPTPGW_AUTH_RADIUS_H
#define PPTPGW_AUTH_RADIUS_H

#include <stdbool.h>
#include <stdint.h>

#include "auth.h"

struct cp_context;
struct radius_msg;
struct radius_pending;

struct auth_radius {
	struct auth_backend backend;     /* give &backend to the sessions */
	struct auth_local *local;
	struct cp_context *cp;
	struct radius_pending *pending;  /* requests waiting for a server */
};

void auth_radius_init(struct auth_radius *ar, struct cp_context *cp, struct auth_local *local);
/* Cancels what is pending (their links get no answer: they are going away). */
void auth_radius_fini(struct auth_radius *ar);

/*
 * Turn a verified Access-Accept into r (exposed for the unit tests):
 * MS-CHAP2-Success, MPPE keys, addresses, profile, limits. request_auth and
 * secret decrypt the hidden attributes. 0, or -1 with r->reason when the
 * accept cannot be used (e.g. MS-CHAPv2 without MS-CHAP2-Success).
 */
int auth_radius_accept(const struct auth_request *rq, const struct radius_msg *msg,
		       const uint8_t *request_auth, const char *secret, struct auth_result *r);
/* Mikrotik-Rate-Limit into l->rate_limit: 0 (also when absent), -1 when not understood. */
int auth_radius_rate_limit(const struct radius_msg *msg, struct auth_session_limits *l);
/*
 * One Framed-Route (RFC 2865 5.22) "prefix[/len] [gateway [metric ...]]":
 * without /len the class gives it, gateway 0.0.0.0 (or none) is the
 * client's address, the first metric becomes the distance (1 when absent
 * or not 1..255). 0, or -1 when not understood.
 */
int auth_radius_framed_route(const char *text, struct auth_framed_route *out);
/* A reject's text for the peer (MS-CHAP-Error M=, or Reply-Message) into r->message. */
void auth_radius_reject(const struct radius_msg *msg, struct auth_result *r);

#endif /* PPTPGW_AUTH_RADIUS_H */
