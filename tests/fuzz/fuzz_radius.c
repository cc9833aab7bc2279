/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for every RADIUS parser: radius_parse() and the checks
 * on a parsed packet (authenticators, Message-Authenticator), the hidden
 * values (User-Password / MS-CHAP-MPPE-Keys, RFC 2548 salt), the
 * Access-Accept/Reject reading of auth_radius.c and the Disconnect/CoA
 * parser of radius_coa.c.
 *
 * Beyond "no crash": every attribute the parser returns lies inside the
 * packet's Length, and a packet rebuilt from the parsed standard attributes
 * parses to the same list.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth_radius.h"
#include "radius_acct.h"
#include "radius_client.h"
#include "radius_coa.h"
#include "radius_pkt.h"
#include "session.h"

/* What auth_radius.c and radius_coa.c reach outside the parsers. */
uint32_t session_id(const struct session *s) { (void)s; return 1; }
uint32_t session_peer_addr(const struct session *s) { (void)s; return 1; }
const char *session_user(const struct session *s) { (void)s; return "u"; }
bool radius_client_has_server(void) { return false; }
struct radius_req *radius_client_send(enum radius_service svc, uint8_t code, unsigned int rounds,
				      radius_build_fn build, radius_done_fn done, void *arg)
{
	(void)svc; (void)code; (void)rounds; (void)build; (void)done; (void)arg;
	return NULL;
}
void radius_client_cancel(struct radius_req *r) { (void)r; }
void radius_acct_note_auth(struct session *s, const struct radius_auth_attrs *a) { (void)s; (void)a; }
int session_apply_limits(struct session *s, const struct auth_session_limits *l)
{
	(void)s; (void)l;
	return 0;
}
unsigned int radius_acct_find_all(const char *user, const char *sid, uint32_t ip,
				  struct session **out, unsigned int cap)
{
	(void)user; (void)sid; (void)ip; (void)out; (void)cap;
	return 0;
}
int pptp_server_disconnect(uint32_t id, const char *cause) { (void)id; (void)cause; return 0; }
void auth_request_done(struct auth_request *rq, const struct auth_result *r) { (void)rq; (void)r; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void framed_route_check(const char *text)
{
	struct auth_framed_route f;
	uint32_t mask;

	if (auth_radius_framed_route(text, &f) != 0)
		return;
	mask = f.dst.len == 0 ? 0 : f.dst.len >= 32 ? UINT32_MAX : ~(UINT32_MAX >> f.dst.len);
	if (f.dst.len > 32 || (f.dst.addr & ~mask) != 0 || f.distance == 0)
		abort();
}

static struct radius_msg msg, again;
static struct radius_builder b;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t ra[RADIUS_AUTH_LEN] = { 1, 2, 3 };
	struct radius_coa_request coa;
	struct auth_result r;
	uint8_t out[RADIUS_ATTR_VAL_MAX];
	enum auth_method method;
	bool std_only = true;

	/* The input as one Framed-Route text, too: what comes out is a masked prefix. */
	if (size <= RADIUS_ATTR_VAL_MAX) {
		char text[RADIUS_ATTR_VAL_MAX + 1];

		memcpy(text, data, size);
		text[size] = '\0';
		framed_route_check(text);
	}
	if (radius_parse(data, size, &msg) != RADIUS_PARSE_OK)
		return 0;
	for (unsigned int i = 0; i < msg.n_attrs; i++) {
		const struct radius_attr *a = &msg.attrs[i];

		if (a->val < data + RADIUS_HDR_LEN || a->val + a->len > data + msg.len)
			abort();
		/* A VSA's value starts after its Vendor-Id: not rebuilt as a plain attribute. */
		if (a->vendor || a->type == RADIUS_VENDOR_SPECIFIC)
			std_only = false;
		radius_unhide_password(a->val, a->len, "secret", ra, out);
		radius_salt_decrypt(a->val, a->len, "secret", ra, out, sizeof(out));
	}
	radius_verify_response(data, &msg, ra, "secret", true);
	radius_verify_request(data, &msg, "secret");
	radius_coa_parse(&msg, &coa);
	for (method = AUTH_METHOD_PAP; method <= AUTH_METHOD_MSCHAP2; method++) {
		struct auth_request rq = { .method = method };

		memset(&r, 0, sizeof(r));
		auth_radius_accept(&rq, &msg, ra, "secret", &r);
		if (r.user.n_framed_routes > AUTH_FRAMED_ROUTES_MAX)
			abort();
		auth_radius_reject(&msg, &r);
	}
	/* Standard attributes rebuild to the same list. */
	if (std_only) {
		radius_build_init(&b, msg.code, msg.id, msg.authenticator);
		for (unsigned int i = 0; i < msg.n_attrs; i++)
			radius_add(&b, msg.attrs[i].type, msg.attrs[i].val, msg.attrs[i].len);
		if (b.overflow || b.len != msg.len)
			abort();
		b.buf[2] = (uint8_t)(b.len >> 8);
		b.buf[3] = (uint8_t)b.len;
		if (radius_parse(b.buf, b.len, &again) != RADIUS_PARSE_OK ||
		    again.n_attrs != msg.n_attrs)
			abort();
		for (unsigned int i = 0; i < msg.n_attrs; i++)
			if (again.attrs[i].type != msg.attrs[i].type ||
			    again.attrs[i].len != msg.attrs[i].len ||
			    memcmp(again.attrs[i].val, msg.attrs[i].val, msg.attrs[i].len) != 0)
				abort();
	}
	return 0;
}
