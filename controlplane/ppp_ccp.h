/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CCP (RFC 1962) carrying only MPPE (RFC 3078 option 18, keys per RFC 3079).
 * MPPC compression is never offered and always refused; every other
 * compression option is rejected. Each direction's option is negotiated by
 * the automaton; the layer comes up only when both directions agree on one
 * key length and one mode, reported through ccp_ops.on_up.
 */
#ifndef PPTPGW_PPP_CCP_H
#define PPTPGW_PPP_CCP_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "ppp_fsm.h"

/* RouterOS use-encryption: no -> refused, default -> allowed, yes|required -> required. */
enum ccp_encryption {
	CCP_ENC_REFUSED,
	CCP_ENC_ALLOWED,
	CCP_ENC_REQUIRED,
};

struct ccp_params {
	enum ccp_encryption encryption;
	uint32_t key_bits;        /* allowed MPPE_BIT_L | MPPE_BIT_M | MPPE_BIT_S */
	bool stateless_allowed;   /* when allowed it is also what we ask for */
	bool stateful_allowed;
};

struct ccp_ops {
	/* MPPE agreed both ways: one key bit (MPPE_BIT_S/M/L) and the mode. */
	void (*on_up)(void *owner, uint32_t key_bit, bool stateless);
	void (*on_down)(void *owner);
	/* CCP finished (closed, timed out or refused): no encryption from here. */
	void (*on_finished)(void *owner);
	/* RFC 1962 5.1: the peer lost sync; rekey on our next transmit. */
	void (*reset_request)(void *owner);
	/* Encryption is required and cannot be agreed: terminate the link. */
	void (*fail)(void *owner, const char *reason);
};

struct ccp_stats {
	uint32_t reset_req_rx;
	uint32_t reset_ack_tx;
	uint32_t reset_req_tx;
	uint32_t reset_ack_rx;
	uint32_t reset_drop_state;  /* Reset-* outside Opened */
	uint32_t reset_ack_stale;   /* Reset-Ack not answering our last request */
};

struct ccp {
	struct ppp_fsm fsm;
	enum ppp_role role;
	struct ccp_params params;
	const struct ccp_ops *ops;
	void *owner;
	bool want_mppe;           /* our request carries option 18 */
	uint32_t want_bits;
	bool ours_acked;          /* the peer acknowledged our option: how it sends to us */
	uint32_t ours_bits;
	bool his_acked;           /* we acknowledged the peer's option: how we send */
	uint32_t his_bits;
	uint8_t reset_id;
	bool reset_pending;
	struct ccp_stats stats;
};

#define CCP_REASON_REQUIRED "encryption required"

/* 40/56/128-bit allowed, stateless preferred, stateful allowed, encryption allowed. */
void ccp_params_default(struct ccp_params *p);
enum ccp_encryption ccp_encryption_from_cfg(enum cfg_use_encryption e);
/* The profile's mppe-mode: which of the two modes p allows. */
void ccp_params_set_mode(struct ccp_params *p, enum cfg_mppe_mode m);

void ccp_init(struct ccp *ccp, enum ppp_role role, const struct ccp_params *params,
	      const struct ccp_ops *ops, void *owner,
	      const struct ppp_fsm_env *env, void *env_ctx, unsigned int timer_id);
void ccp_set_params(struct ccp *ccp, const struct ccp_params *params);
/* RFC 1962 5.1 Reset-Request (dataplane lost stateful sync). 0, or -1 outside Opened. */
int ccp_send_reset_request(struct ccp *ccp);
/* Human form like RouterOS's ENCODING column: "MPPE128 stateless". */
const char *ccp_mppe_name(uint32_t key_bit);

#endif /* PPTPGW_PPP_CCP_H */
