/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the PPP core: one link per input, fed a script of
 * frames and events. The first octet picks role and policy; then records of
 * [kind][len hi][len lo][data...]: kind 0 a received frame, 1 a timer firing,
 * 2 the authentication verdict, 3 an LCP echo, 4 a CCP Reset-Request, 5 a stop.
 * Magic numbers are deterministic so the fuzzer can learn to Ack our requests
 * and reach the Authenticate and Network phases.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ppp.h"

enum fuzz_kind { FZ_FRAME, FZ_TIMER, FZ_AUTH, FZ_ECHO, FZ_RESET, FZ_STOP, FZ_KINDS };

struct fuzz_ctx {
	struct ppp_link *l;
	uint32_t rnd;
	bool timer[PPP_TIMER_COUNT];
	bool closed;
};

static int fz_send(void *ctx, uint16_t proto, const uint8_t *pkt, size_t len)
{
	struct fuzz_ctx *c = ctx;
	uint8_t hdr[PPP_FRAME_HDR_MAX];
	volatile uint8_t sink = 0;

	/* Touch every byte so ASan sees any overread of what we send. */
	for (size_t i = 0; i < len; i++)
		sink ^= pkt[i];
	(void)sink;
	return ppp_frame_header(c->l, proto, hdr) > 0 ? 0 : -1;
}

static void fz_close(void *ctx, const char *reason)
{
	struct fuzz_ctx *c = ctx;

	(void)strlen(reason);
	c->closed = true;
}

static void fz_timer_start(void *ctx, enum ppp_timer t, uint32_t ms)
{
	struct fuzz_ctx *c = ctx;

	(void)ms;
	c->timer[t] = true;
}

static void fz_timer_stop(void *ctx, enum ppp_timer t)
{
	struct fuzz_ctx *c = ctx;

	c->timer[t] = false;
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
	(void)ctx; (void)level; (void)strlen(msg);
}

static uint32_t fz_random(void *ctx)
{
	struct fuzz_ctx *c = ctx;

	return c->rnd += 0x01010101;
}

static const struct ppp_ops fz_ops = {
	.send = fz_send,
	.close = fz_close,
	.timer_start = fz_timer_start,
	.timer_stop = fz_timer_stop,
	.auth_start = fz_auth_start,
	.auth_input = fz_auth_input,
	.network_up = fz_net_up,
	.network_down = fz_net_down,
	.log = fz_log,
	.random = fz_random,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_ctx c = { 0 };
	struct ppp_params p;
	uint8_t mode;

	if (size < 1)
		return 0;
	mode = data[0];
	data++;
	size--;
	ppp_params_default(&p, (mode & 1) ? PPP_ROLE_CLIENT : PPP_ROLE_SERVER);
	if (mode & 2)
		p.auth = 0;
	if (mode & 4)
		p.ccp.encryption = CCP_ENC_REQUIRED;
	if (mode & 8)
		p.ccp.encryption = CCP_ENC_REFUSED;
	if (mode & 16)
		p.mrru = 1600;
	p.request_pfc = p.request_acfc = (mode & 32) != 0;
	p.ipcp.local_addr = 0x0a000001;
	p.ipcp.remote_addr = 0x0a000005;
	p.ipcp.dns[0] = 0x0a000001;
	c.l = ppp_create(&p, &fz_ops, &c);
	if (!c.l)
		return 0;
	ppp_start(c.l);
	while (size >= 3) {
		uint8_t kind = data[0] % FZ_KINDS;
		size_t len = ((size_t)data[1] << 8) | data[2];

		data += 3;
		size -= 3;
		if (len > size)
			len = size;
		switch (kind) {
		case FZ_FRAME:
			ppp_input(c.l, data, len);
			break;
		case FZ_TIMER: {
			enum ppp_timer t = (enum ppp_timer)((len ? data[0] : 0) % PPP_TIMER_COUNT);

			if (c.timer[t]) {
				c.timer[t] = false;
				ppp_timeout(c.l, t);
			}
			break;
		}
		case FZ_AUTH:
			ppp_auth_done(c.l, (len & 1) != 0, "fuzz");
			break;
		case FZ_ECHO:
			ppp_lcp_send_echo(c.l);
			break;
		case FZ_RESET:
			ppp_ccp_send_reset_request(c.l);
			break;
		default:
			ppp_stop(c.l, "fuzz stop");
			break;
		}
		data += len;
		size -= len;
	}
	ppp_destroy(c.l);
	return 0;
}
