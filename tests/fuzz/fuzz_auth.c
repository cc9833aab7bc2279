/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the authentication protocols (PAP, CHAP-MD5,
 * MS-CHAPv1/v2), both roles, one auth instance per input. The first octet
 * picks the method (bits 0-1), the role (bit 2) and whether the backend is
 * the local secrets one or a held, fuzzer-answered one (bit 3). Then records
 * [kind][len][data...]: kind 0 a PAP/CHAP packet, 1 the timer firing, 2 the
 * held backend's answer (data: accept bit, then an authenticator response
 * string), 3 auth_stop + auth_start again. Random numbers are fixed so the
 * fuzzer can learn Identifiers and challenges.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "auth.h"

enum fuzz_kind { FZ_PACKET, FZ_TIMER, FZ_ANSWER, FZ_RESTART, FZ_KINDS };

struct fuzz_ctx {
	struct auth *a;
	struct auth_request *held;
	bool timer;
};

static int fz_send(void *ctx, uint16_t proto, const uint8_t *pkt, size_t len)
{
	(void)ctx; (void)proto; (void)pkt; (void)len;
	return 0;
}

static void fz_close(void *ctx, const char *reason)
{
	(void)ctx; (void)reason;
}

static void fz_ppp_timer_start(void *ctx, enum ppp_timer t, uint32_t ms)
{
	(void)ctx; (void)t; (void)ms;
}

static void fz_ppp_timer_stop(void *ctx, enum ppp_timer t)
{
	(void)ctx; (void)t;
}

static void fz_auth_start(void *ctx, enum ppp_role role, uint16_t proto, uint8_t algo)
{
	(void)ctx; (void)role; (void)proto; (void)algo;
}

static void fz_auth_input(void *ctx, uint16_t proto, const uint8_t *pkt, size_t len)
{
	(void)ctx; (void)proto; (void)pkt; (void)len;
}

static void fz_net_up(void *ctx, const struct ppp_net_result *r)
{
	(void)ctx; (void)r;
}

static void fz_net_down(void *ctx)
{
	(void)ctx;
}

static void fz_log(void *ctx, enum cfg_log_level level, const char *msg)
{
	(void)ctx; (void)level;
	(void)strlen(msg);
}

static const struct ppp_ops fz_ppp_ops = {
	.send = fz_send,
	.close = fz_close,
	.timer_start = fz_ppp_timer_start,
	.timer_stop = fz_ppp_timer_stop,
	.auth_start = fz_auth_start,
	.auth_input = fz_auth_input,
	.network_up = fz_net_up,
	.network_down = fz_net_down,
	.log = fz_log,
};

static void fz_timer_start(void *ctx, uint32_t ms)
{
	(void)ms;
	((struct fuzz_ctx *)ctx)->timer = true;
}

static void fz_timer_stop(void *ctx)
{
	((struct fuzz_ctx *)ctx)->timer = false;
}

static int fz_random(void *ctx, uint8_t *buf, size_t len)
{
	(void)ctx;
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(0x41 + i);
	return 0;
}

static const struct auth_ops fz_auth_ops = {
	.timer_start = fz_timer_start,
	.timer_stop = fz_timer_stop,
	.random = fz_random,
	.log = fz_log,
};

static void held_verify(void *arg, struct auth_request *rq)
{
	((struct fuzz_ctx *)arg)->held = rq;
}

static void held_cancel(void *arg, struct auth_request *rq)
{
	(void)rq;
	((struct fuzz_ctx *)arg)->held = NULL;
}

static const uint16_t fz_proto[] = { PPP_PROTO_PAP, PPP_PROTO_CHAP, PPP_PROTO_CHAP, PPP_PROTO_CHAP };
static const uint8_t fz_algo[] = { PPP_AUTH_ALG_NONE, CHAP_ALG_MD5, CHAP_ALG_MSCHAP, CHAP_ALG_MSCHAP2 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cfg_ppp_secret secret = {
		.name = "u", .password = "p", .service = CFG_SERVICE_ANY, .profile = "default",
	};
	struct pg_config cfg;
	struct auth_local local;
	struct auth_backend held;
	struct fuzz_ctx fc;
	struct ppp_params pp;
	struct ppp_link *l;
	struct auth_params ap;
	unsigned int method;
	enum ppp_role role;
	size_t off = 1;

	if (size < 1)
		return 0;
	method = data[0] & 3;
	role = (data[0] & 4) ? PPP_ROLE_CLIENT : PPP_ROLE_SERVER;
	memset(&cfg, 0, sizeof(cfg));
	cfg.ppp_secret = &secret;
	cfg.n_ppp_secret = 1;
	auth_local_init(&local, &cfg);
	memset(&fc, 0, sizeof(fc));
	held.verify = held_verify;
	held.cancel = held_cancel;
	held.arg = &fc;

	ppp_params_default(&pp, role);
	l = ppp_create(&pp, &fz_ppp_ops, &fc);
	if (!l)
		return 0;
	memset(&ap, 0, sizeof(ap));
	ap.user = "u";
	ap.password = "p";
	ap.backend = (data[0] & 8) ? &held : &local.backend;
	fc.a = auth_create(&ap, &fz_auth_ops, &fc, l);
	if (!fc.a) {
		ppp_destroy(l);
		return 0;
	}
	auth_start(fc.a, role, fz_proto[method], fz_algo[method]);

	while (off + 3 <= size) {
		unsigned int kind = data[off] % FZ_KINDS;
		size_t len = ((size_t)data[off + 1] << 8) | data[off + 2];
		const uint8_t *p = data + off + 3;

		off += 3;
		if (len > size - off)
			len = size - off;
		off += len;
		switch (kind) {
		case FZ_PACKET:
			/* An odd first octet picks the other protocol, to exercise that check. */
			auth_input(fc.a, (len && (p[0] & 0x80)) ? PPP_PROTO_LCP : fz_proto[method],
				   len ? p + 1 : p, len ? len - 1 : 0);
			break;
		case FZ_TIMER:
			if (fc.timer) {
				fc.timer = false;
				auth_timeout(fc.a);
			}
			break;
		case FZ_ANSWER:
			if (fc.held) {
				struct auth_result r;
				struct auth_request *rq = fc.held;

				memset(&r, 0, sizeof(r));
				r.accept = len && (p[0] & 1);
				r.has_mppe_keys = len && (p[0] & 2);
				if (len > 1)
					memcpy(r.auth_response, p + 1,
					       len - 1 < sizeof(r.auth_response) ? len - 1 :
					       sizeof(r.auth_response));
				if (len > 1)
					memcpy(r.message, p + 1,
					       len - 1 < sizeof(r.message) ? len - 1 : sizeof(r.message));
				fc.held = NULL;
				auth_request_done(rq, &r);
			}
			break;
		case FZ_RESTART:
			auth_stop(fc.a);
			auth_start(fc.a, role, fz_proto[method], fz_algo[method]);
			break;
		default:
			break;
		}
	}
	(void)auth_get_info(fc.a);
	auth_destroy(fc.a);
	ppp_destroy(l);
	return 0;
}
