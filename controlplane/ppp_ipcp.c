/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPCP options: IP-Address (RFC 1332 3.3), Primary/Secondary DNS (RFC 1877
 * 1.1, 1.3). IP-Compression-Protocol (VJ), the old IP-Addresses option and
 * NBNS (RFC 1877 1.2, 1.4) are known by name and rejected.
 */
#include <string.h>

#include "ppp_ipcp.h"

#define IPCP_ADDR_PAYLOAD (IPCP_OPT_ADDR_LEN - PPP_OPT_HDR_LEN)
#define IPCP_ADDR_NONE    0u

static struct ipcp *ipcp_of(struct ppp_fsm *f)
{
	return f->ctx;
}

/* --- IP-Address --- */

static int ipcp_addr_add(void *ctx, uint8_t *d, size_t room)
{
	struct ipcp *ipcp = ctx;

	(void)room;
	if (!ipcp->want_addr)
		return -1;
	ppp_put32(d, ipcp->addr);
	return IPCP_ADDR_PAYLOAD;
}

static enum ppp_opt_verdict ipcp_nak_addr(uint32_t addr, uint8_t *nak, size_t *nak_len)
{
	ppp_put32(nak, addr);
	*nak_len = IPCP_ADDR_PAYLOAD;
	return PPP_OPT_NAK;
}

/*
 * The peer's own address. Server: only the assigned address is acceptable;
 * 0.0.0.0 ("assign me one", what pppd sends) or anything else is Nak'd with
 * it. Either role without an address to give rejects a request for 0.0.0.0.
 */
static enum ppp_opt_verdict ipcp_addr_check(void *ctx, const uint8_t *d, size_t len,
					    uint8_t *nak, size_t *nak_len)
{
	struct ipcp *ipcp = ctx;
	uint32_t v = ppp_get32(d);
	uint32_t assigned = ipcp->params.remote_addr;

	(void)len;
	if (assigned != IPCP_ADDR_NONE && v != assigned &&
	    (ipcp->role == PPP_ROLE_SERVER || v == IPCP_ADDR_NONE))
		return ipcp_nak_addr(assigned, nak, nak_len);
	if (v == IPCP_ADDR_NONE)
		return PPP_OPT_REJ;
	ipcp->peer_addr = v;
	return PPP_OPT_ACK;
}

static void ipcp_addr_ack(void *ctx, const uint8_t *d, size_t len)
{
	struct ipcp *ipcp = ctx;

	(void)len;
	ipcp->addr = ppp_get32(d);
}

/* Client: the server tells us our address. Server: ours is configured, kept. */
static void ipcp_addr_nak(void *ctx, const uint8_t *d, size_t len)
{
	struct ipcp *ipcp = ctx;
	uint32_t v = ppp_get32(d);

	(void)len;
	if (ipcp->role == PPP_ROLE_CLIENT && v != IPCP_ADDR_NONE) {
		ipcp->addr = v;
		ipcp->want_addr = true;
	}
}

static void ipcp_addr_rej(void *ctx)
{
	struct ipcp *ipcp = ctx;

	ipcp->want_addr = false;
}

/* RFC 1332 3.3: a peer that did not ask for an address is told which to use. */
static int ipcp_addr_absent(void *ctx, uint8_t *nak)
{
	struct ipcp *ipcp = ctx;

	if (ipcp->role != PPP_ROLE_SERVER || ipcp->params.remote_addr == IPCP_ADDR_NONE)
		return -1;
	ppp_put32(nak, ipcp->params.remote_addr);
	return IPCP_ADDR_PAYLOAD;
}

/* --- Primary/Secondary DNS (RFC 1877) --- */

static int ipcp_dns_add(struct ipcp *ipcp, unsigned int slot, uint8_t *d)
{
	if (!ipcp->want_dns[slot])
		return -1;
	ppp_put32(d, ipcp->dns[slot]);
	return IPCP_ADDR_PAYLOAD;
}

/*
 * Server: Nak anything but the configured server (0.0.0.0 is the usual ask);
 * reject when none is configured. Client: we serve no DNS, reject.
 */
static enum ppp_opt_verdict ipcp_dns_check(struct ipcp *ipcp, unsigned int slot,
					   const uint8_t *d, uint8_t *nak, size_t *nak_len)
{
	uint32_t want = ipcp->params.dns[slot];

	if (ipcp->role != PPP_ROLE_SERVER || want == IPCP_ADDR_NONE)
		return PPP_OPT_REJ;
	if (ppp_get32(d) != want)
		return ipcp_nak_addr(want, nak, nak_len);
	return PPP_OPT_ACK;
}

static void ipcp_dns_learn(struct ipcp *ipcp, unsigned int slot, const uint8_t *d)
{
	ipcp->dns[slot] = ppp_get32(d);
}

static void ipcp_dns_rej(struct ipcp *ipcp, unsigned int slot)
{
	ipcp->want_dns[slot] = false;
	ipcp->dns[slot] = IPCP_ADDR_NONE;
}

static int ipcp_dns1_add(void *ctx, uint8_t *d, size_t room)
{
	(void)room;
	return ipcp_dns_add(ctx, 0, d);
}

static int ipcp_dns2_add(void *ctx, uint8_t *d, size_t room)
{
	(void)room;
	return ipcp_dns_add(ctx, 1, d);
}

static enum ppp_opt_verdict ipcp_dns1_check(void *ctx, const uint8_t *d, size_t len,
					    uint8_t *nak, size_t *nak_len)
{
	(void)len;
	return ipcp_dns_check(ctx, 0, d, nak, nak_len);
}

static enum ppp_opt_verdict ipcp_dns2_check(void *ctx, const uint8_t *d, size_t len,
					    uint8_t *nak, size_t *nak_len)
{
	(void)len;
	return ipcp_dns_check(ctx, 1, d, nak, nak_len);
}

static void ipcp_dns1_learn(void *ctx, const uint8_t *d, size_t len)
{
	(void)len;
	ipcp_dns_learn(ctx, 0, d);
}

static void ipcp_dns2_learn(void *ctx, const uint8_t *d, size_t len)
{
	(void)len;
	ipcp_dns_learn(ctx, 1, d);
}

static void ipcp_dns1_rej(void *ctx)
{
	ipcp_dns_rej(ctx, 0);
}

static void ipcp_dns2_rej(void *ctx)
{
	ipcp_dns_rej(ctx, 1);
}

static const struct ppp_opt_handler ipcp_opts[] = {
	{ .type = IPCP_OPT_ADDRESSES, .name = "ip-addresses", .min_len = 0,
	  .max_len = UINT8_MAX },
	{ .type = IPCP_OPT_COMP, .name = "ip-compression", .min_len = 0,
	  .max_len = UINT8_MAX },
	{ .type = IPCP_OPT_ADDRESS, .name = "ip-address", .min_len = IPCP_OPT_ADDR_LEN,
	  .max_len = IPCP_OPT_ADDR_LEN, .add_to_request = ipcp_addr_add,
	  .check_request = ipcp_addr_check, .on_ack = ipcp_addr_ack,
	  .on_nak = ipcp_addr_nak, .on_reject = ipcp_addr_rej,
	  .nak_if_absent = ipcp_addr_absent },
	{ .type = IPCP_OPT_DNS1, .name = "primary-dns", .min_len = IPCP_OPT_ADDR_LEN,
	  .max_len = IPCP_OPT_ADDR_LEN, .add_to_request = ipcp_dns1_add,
	  .check_request = ipcp_dns1_check, .on_ack = ipcp_dns1_learn,
	  .on_nak = ipcp_dns1_learn, .on_reject = ipcp_dns1_rej },
	{ .type = IPCP_OPT_NBNS1, .name = "primary-nbns", .min_len = 0,
	  .max_len = UINT8_MAX },
	{ .type = IPCP_OPT_DNS2, .name = "secondary-dns", .min_len = IPCP_OPT_ADDR_LEN,
	  .max_len = IPCP_OPT_ADDR_LEN, .add_to_request = ipcp_dns2_add,
	  .check_request = ipcp_dns2_check, .on_ack = ipcp_dns2_learn,
	  .on_nak = ipcp_dns2_learn, .on_reject = ipcp_dns2_rej },
	{ .type = IPCP_OPT_NBNS2, .name = "secondary-nbns", .min_len = 0,
	  .max_len = UINT8_MAX },
};

/* --- automaton hooks --- */

static void ipcp_reset_ours(struct ppp_fsm *f)
{
	struct ipcp *ipcp = ipcp_of(f);
	bool client = ipcp->role == PPP_ROLE_CLIENT;

	ipcp->addr = ipcp->params.local_addr;
	/* A client always asks, 0.0.0.0 meaning "assign me one" (RFC 1332 3.3). */
	ipcp->want_addr = client || ipcp->addr != IPCP_ADDR_NONE;
	for (unsigned int i = 0; i < IPCP_N_DNS; i++) {
		ipcp->want_dns[i] = client && ipcp->params.request_dns;
		ipcp->dns[i] = IPCP_ADDR_NONE;
	}
}

static void ipcp_reset_peer(struct ppp_fsm *f)
{
	ipcp_of(f)->peer_addr = IPCP_ADDR_NONE;
}

static void ipcp_tlu(struct ppp_fsm *f)
{
	struct ipcp *ipcp = ipcp_of(f);
	uint32_t local, peer;
	const uint32_t *dns;

	if (ipcp->role == PPP_ROLE_SERVER) {
		local = ipcp->params.local_addr;
		dns = ipcp->params.dns;
	} else {
		local = ipcp->addr;
		dns = ipcp->dns;
	}
	peer = ipcp->peer_addr ? ipcp->peer_addr : ipcp->params.remote_addr;
	if (local == IPCP_ADDR_NONE) {
		ppp_fsm_log(f, CFG_LOG_WARNING, "no local address negotiated");
		ppp_fsm_request_close(f, "no IP address assigned");
		return;
	}
	ipcp->ops->on_up(ipcp->owner, local, peer, dns[0], dns[1]);
}

static void ipcp_tld(struct ppp_fsm *f)
{
	struct ipcp *ipcp = ipcp_of(f);

	ipcp->ops->on_down(ipcp->owner);
}

static void ipcp_tlf(struct ppp_fsm *f)
{
	struct ipcp *ipcp = ipcp_of(f);

	ipcp->ops->on_finished(ipcp->owner);
}

static const struct ppp_fsm_proto ipcp_proto = {
	.name = "ipcp",
	.proto = PPP_PROTO_IPCP,
	.opts = ipcp_opts,
	.n_opts = sizeof(ipcp_opts) / sizeof(ipcp_opts[0]),
	.tlu = ipcp_tlu,
	.tld = ipcp_tld,
	.tlf = ipcp_tlf,
	.reset_ours = ipcp_reset_ours,
	.reset_peer = ipcp_reset_peer,
};

void ipcp_init(struct ipcp *ipcp, enum ppp_role role, const struct ipcp_params *params,
	       const struct ipcp_ops *ops, void *owner,
	       const struct ppp_fsm_env *env, void *env_ctx, unsigned int timer_id)
{
	memset(ipcp, 0, sizeof(*ipcp));
	ipcp->role = role;
	if (params)
		ipcp->params = *params;
	ipcp->ops = ops;
	ipcp->owner = owner;
	ppp_fsm_init(&ipcp->fsm, &ipcp_proto, ipcp, env, env_ctx, timer_id);
}

void ipcp_set_params(struct ipcp *ipcp, const struct ipcp_params *params)
{
	ipcp->params = *params;
}
