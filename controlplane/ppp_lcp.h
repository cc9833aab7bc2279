/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * LCP (RFC 1661 section 6 options, 5.5-5.9 codes; RFC 1570 codes 12/13;
 * RFC 1990 multilink options). The negotiation itself is the shared
 * automaton in ppp_fsm.c; this module owns the option table and the codes
 * beyond Configure/Terminate/Code-Reject. It reports to its owner (ppp.c)
 * through struct lcp_ops.
 */
#ifndef PPTPGW_PPP_LCP_H
#define PPTPGW_PPP_LCP_H

#include <stdbool.h>
#include <stdint.h>

#include "ppp_fsm.h"

struct lcp_config {
	enum ppp_role role;
	uint16_t mru;           /* MRU we ask for; 0 or 1500 (the default) sends none */
	uint32_t auth;          /* enum cfg_auth set: server proposes, client allows */
	uint16_t mrru;          /* RFC 1990 MRRU; 0 rejects all multilink options */
	bool request_pfc;       /* ask the peer to compress protocol fields to us */
	bool request_acfc;      /* ask the peer to drop address/control to us */
};

struct lcp_ops {
	void (*up)(void *owner);                        /* LCP Opened */
	void (*down)(void *owner);                      /* left Opened */
	void (*finished)(void *owner);                  /* This-Layer-Finished */
	/* RFC 1661 5.7: the peer refuses a protocol other than LCP. */
	void (*protocol_reject)(void *owner, uint16_t proto);
	void (*echo_reply)(void *owner, uint8_t id);    /* optional */
	uint32_t (*random)(void *owner);                /* optional; getrandom() otherwise */
};

/* One direction's negotiated options. */
struct lcp_neg {
	uint16_t mru;           /* 0 in "want": not requested */
	uint32_t magic;         /* 0: none */
	uint16_t auth_proto;    /* 0: no authentication */
	uint8_t auth_algo;      /* CHAP algorithm */
	bool pfc;
	bool acfc;
	uint16_t mrru;          /* 0: no multilink */
	bool ssnhf;
	bool epdisc;
};

struct lcp_stats {
	uint32_t echo_req_rx;
	uint32_t echo_reply_tx;
	uint32_t echo_req_tx;
	uint32_t echo_reply_rx;
	uint32_t echo_drop_state;   /* echo outside Opened */
	uint32_t echo_drop_short;   /* no room for the Magic-Number */
	uint32_t echo_looped;       /* carried our own magic: looped-back link */
	uint32_t magic_loop_naks;   /* Configure-Request with our magic (RFC 1661 6.4) */
	uint32_t discard_rx;
	uint32_t ident_rx;
	uint32_t time_remaining_rx;
	uint32_t proto_rej_rx;
	uint32_t proto_rej_short;
	uint32_t short_ext;         /* Identification/Time-Remaining too short */
};

#define LCP_REASON_MAX 64

struct lcp {
	struct ppp_fsm fsm;
	struct lcp_config cfg;
	const struct lcp_ops *ops;
	void *owner;
	struct lcp_neg want;    /* our next Configure-Request */
	struct lcp_neg ours;    /* acknowledged by the peer: how the peer sends to us */
	struct lcp_neg his;     /* acknowledged by us: how we send to the peer */
	uint32_t auth_tried;    /* server: methods the peer Nak'd away */
	uint8_t echo_id;
	uint32_t echo_outstanding;
	bool echo_rejected;     /* peer Code-Rejected Echo-Request */
	bool peer_terminated;
	char peer_reason[LCP_REASON_MAX];   /* printable text of its Terminate-Request */
	struct lcp_stats stats;
};

/* The peer refused every authentication method we allow (server role). */
#define LCP_REASON_AUTH_REFUSED "peer refused authentication methods we allow"

void lcp_init(struct lcp *lcp, const struct lcp_config *cfg, const struct lcp_ops *ops,
	      void *owner, const struct ppp_fsm_env *env, void *env_ctx, unsigned int timer_id);

/*
 * RFC 1661 5.8 Echo-Request with our magic, for keepalive. Returns the
 * Identifier used, or -1 outside the Opened state.
 */
int lcp_send_echo(struct lcp *lcp);
/* RFC 1661 5.7 Protocol-Reject: quote as much of the packet as the peer's MRU allows. */
int lcp_send_protocol_reject(struct lcp *lcp, uint16_t proto, const uint8_t *info, size_t len);

/* The cfg_auth bit for a (protocol, algorithm) pair, 0 when unknown. */
uint32_t lcp_auth_bit(uint16_t proto, uint8_t algo);
const char *lcp_auth_name(uint16_t proto, uint8_t algo);

#endif /* PPTPGW_PPP_LCP_H */
