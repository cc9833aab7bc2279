/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPCP (RFC 1332) with the DNS options of RFC 1877. Addresses are IPv4 in
 * host byte order; 0 means "none". The owner hands in the addresses (pool
 * allocation lives elsewhere) and hears the result through ipcp_ops.on_up.
 */
#ifndef PPTPGW_PPP_IPCP_H
#define PPTPGW_PPP_IPCP_H

#include <stdbool.h>
#include <stdint.h>

#include "ppp_fsm.h"

#define IPCP_N_DNS 2

/*
 * Seen from this end of the link.
 * Server: local_addr is the configured local-address, remote_addr the one
 *   assigned to the peer (its requests for anything else are Nak'd with
 *   it), dns[] the servers offered (a slot at 0 rejects that option).
 * Client: local_addr is what we ask for (0: let the server assign),
 *   remote_addr the server's address if known (0: take what it says),
 *   request_dns asks for both DNS servers.
 */
struct ipcp_params {
	uint32_t local_addr;
	uint32_t remote_addr;
	uint32_t dns[IPCP_N_DNS];
	bool request_dns;
};

struct ipcp_ops {
	void (*on_up)(void *owner, uint32_t local, uint32_t peer, uint32_t dns1, uint32_t dns2);
	void (*on_down)(void *owner);
	void (*on_finished)(void *owner);
};

struct ipcp {
	struct ppp_fsm fsm;
	enum ppp_role role;
	struct ipcp_params params;
	const struct ipcp_ops *ops;
	void *owner;
	/* Our requests: the address option is sent while want_addr is set. */
	bool want_addr;
	uint32_t addr;                  /* our address: requested, then acknowledged */
	bool want_dns[IPCP_N_DNS];
	uint32_t dns[IPCP_N_DNS];       /* client: DNS servers learnt from the server */
	uint32_t peer_addr;             /* the peer's address from its request */
};

void ipcp_init(struct ipcp *ipcp, enum ppp_role role, const struct ipcp_params *params,
	       const struct ipcp_ops *ops, void *owner,
	       const struct ppp_fsm_env *env, void *env_ctx, unsigned int timer_id);
/* Replace the parameters before the layer opens (after authentication, say). */
void ipcp_set_params(struct ipcp *ipcp, const struct ipcp_params *params);

#endif /* PPTPGW_PPP_IPCP_H */
