/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One PPP link (RFC 1661 section 3): phases Dead, Establish, Authenticate,
 * Network, Terminate; LCP, IPCP and CCP automatons; demultiplexing by
 * protocol number; Protocol-Reject. PPP does not know its transport: it sends,
 * closes, runs timers and hands authentication frames through struct ppp_ops,
 * so the same code serves the PPTP server, the PPTP client and the load
 * generator (npppd's send_packet/phy_close).
 *
 * Callbacks may be invoked from inside any ppp_* call. The owner must not
 * destroy the link from inside a callback: ops->close only asks for it, and
 * the owner tears down later from its event loop. Calling ppp_stop(),
 * ppp_send(), ppp_auth_done() and the other ppp_* entry points from inside
 * a callback is fine: state changes they cause are applied once the
 * outermost call returns.
 */
#ifndef PPTPGW_PPP_H
#define PPTPGW_PPP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "ppp_ccp.h"
#include "ppp_fsm.h"
#include "ppp_ipcp.h"
#include "ppp_lcp.h"
#include "ppp_proto.h"

/* RFC 1661 3.2 phase diagram. */
enum ppp_phase {
	PPP_PHASE_DEAD,
	PPP_PHASE_ESTABLISH,
	PPP_PHASE_AUTHENTICATE,
	PPP_PHASE_NETWORK,
	PPP_PHASE_TERMINATE,
};

/* Each automaton has its own restart timer; the owner keeps one per value. */
enum ppp_timer {
	PPP_TIMER_LCP,
	PPP_TIMER_IPCP,
	PPP_TIMER_CCP,
	PPP_TIMER_COUNT,
};

#define PPP_REASON_MAX 96
/* RouterOS max-mtu/max-mru default for PPTP (seed). */
#define PPP_ROUTEROS_MTU_DEFAULT 1450

struct ppp_params {
	enum ppp_role role;
	uint16_t max_mru;        /* RouterOS max-mru: MRU we ask for (0: 1500, not sent) */
	uint16_t max_mtu;        /* RouterOS max-mtu: bound on what we send (0: 1500) */
	uint16_t mrru;           /* RFC 1990 MRRU; 0: multilink options rejected */
	/*
	 * enum cfg_auth set. Server: methods proposed, mschap2 > mschap1 > chap
	 * > pap; 0 means no authentication. Client: methods accepted ("allow").
	 */
	uint32_t auth;
	bool request_pfc;        /* let the peer compress protocol fields to us */
	bool request_acfc;       /* let the peer drop address/control to us */
	uint32_t restart_ms;     /* RFC 1661 4.6 restart timer; 0: 3 s */
	struct ipcp_params ipcp; /* may be replaced with ppp_set_net_params() */
	struct ccp_params ccp;
};

/* What the network layer needs once IPCP is up and CCP has settled. */
struct ppp_net_result {
	uint32_t local_addr;     /* IPv4, host order */
	uint32_t peer_addr;
	uint32_t dns[IPCP_N_DNS];
	uint32_t mppe_key;       /* 0: unencrypted; else MPPE_BIT_S, _M or _L */
	bool mppe_stateless;
	uint16_t mtu;            /* min(max-mtu, peer's MRU); MPPE's 4 octets not taken off */
	uint16_t mru;            /* largest frame the peer may send us */
	bool tx_pfc;             /* we may compress protocol fields of data frames */
	bool tx_acfc;            /* we may omit address/control on non-LCP frames */
	/* RFC 1990 multilink, when MRRU was agreed in both directions (else 0/false). */
	uint16_t mp_mrru_tx;     /* the peer's MRRU: largest packet we send, in fragments */
	uint16_t mp_mrru_rx;     /* ours: largest packet the peer sends us */
	bool mp_ssn_tx;          /* the peer wants 12-bit sequence numbers */
	bool mp_ssn_rx;          /* we asked for them (never, today) */
};

struct ppp_ops {
	/*
	 * Required. One PPP packet: pkt is what follows the protocol field. The
	 * owner frames it, ppp_frame_header() giving the negotiated header.
	 */
	int (*send)(void *ctx, uint16_t proto, const uint8_t *pkt, size_t len);
	/* Required. PPP finished: tear the transport down (later, from the loop). */
	void (*close)(void *ctx, const char *reason);
	/*
	 * Required. One-shot timers, one per enum ppp_timer; starting a running
	 * one re-arms it. The owner calls ppp_timeout(link, t) when one fires.
	 */
	void (*timer_start)(void *ctx, enum ppp_timer t, uint32_t ms);
	void (*timer_stop)(void *ctx, enum ppp_timer t);
	/* Required when auth is negotiated: run PAP/CHAP/MS-CHAP, then ppp_auth_done(). */
	void (*auth_start)(void *ctx, enum ppp_role role, uint16_t proto, uint8_t algo);
	void (*auth_input)(void *ctx, uint16_t proto, const uint8_t *pkt, size_t len);
	void (*auth_stop)(void *ctx);                                  /* optional */
	/* Data may flow (IPCP up, CCP settled as policy demands) / must stop. */
	void (*network_up)(void *ctx, const struct ppp_net_result *r);
	void (*network_down)(void *ctx);
	/* Optional. The peer sent CCP Reset-Request: rekey on the next transmit. */
	void (*ccp_reset)(void *ctx);
	/* Optional. LCP Echo-Reply received (keepalive). */
	void (*echo_reply)(void *ctx, uint8_t id);
	/* Optional. One formatted line; the owner adds the session/user. */
	void (*log)(void *ctx, enum cfg_log_level level, const char *msg);
	/* Optional. Random numbers for Magic-Number; getrandom() otherwise. */
	uint32_t (*random)(void *ctx);
};

/* Link-level drops and events; the automatons keep their own counters. */
struct ppp_stats {
	uint32_t rx_frames;
	uint32_t rx_short;          /* no room for a protocol field */
	uint32_t rx_bad_proto;      /* protocol field not a valid PPP number */
	uint32_t rx_dead;           /* not started, or finished */
	uint32_t rx_wrong_phase;    /* RFC 1661 3.4-3.6: not allowed in this phase */
	uint32_t rx_auth_other;     /* authentication protocol other than the agreed one */
	uint32_t rx_data;           /* data frames (the dataplane's job) reaching us */
	uint32_t tx_proto_rej;
	uint32_t tx_dropped;        /* send refused: link down, or over the peer's MRU */
};

struct ppp_info {
	enum ppp_role role;
	enum ppp_phase phase;
	enum ppp_fsm_state lcp_state;
	enum ppp_fsm_state ipcp_state;
	enum ppp_fsm_state ccp_state;
	uint16_t auth_proto;        /* agreed, 0 none */
	uint8_t auth_algo;
	uint16_t peer_mru;          /* his MRU: bounds what we send */
	uint16_t our_mru;           /* ours, acknowledged by the peer */
	uint32_t our_magic;
	uint32_t peer_magic;
	uint16_t mrru;              /* multilink: our MRRU when both sides agreed, else 0 */
	uint32_t echo_outstanding;  /* Echo-Requests sent since the last reply */
	bool net_up;
	bool encryption_required;
	struct ppp_net_result net;
	struct ppp_stats stats;
	struct ppp_fsm_stats lcp_fsm;
	struct ppp_fsm_stats ipcp_fsm;
	struct ppp_fsm_stats ccp_fsm;
	struct lcp_stats lcp;
	struct ccp_stats ccp;
};

struct ppp_link;

/* RouterOS defaults for a role: max-mru/max-mtu 1450, auth, encryption allowed. */
void ppp_params_default(struct ppp_params *p, enum ppp_role role);

/* NULL when a required op is missing. Nothing is sent until ppp_start(). */
struct ppp_link *ppp_create(const struct ppp_params *p, const struct ppp_ops *ops, void *ctx);
/* Lower layer up: Establish phase, LCP Open + Up (first Configure-Request goes out). */
void ppp_start(struct ppp_link *l);
/* Administrative close: LCP Terminate-Request; ops->close once LCP has finished. */
void ppp_stop(struct ppp_link *l, const char *reason);
/* The transport is gone: layers go down without sending; ops->close is not called. */
void ppp_lower_down(struct ppp_link *l);
/* Stops pending timers and frees. Never from inside a callback of this link. */
void ppp_destroy(struct ppp_link *l);

/*
 * One received frame: optional FF 03, a 1- or 2-octet protocol field, the
 * payload. Bad or out-of-phase frames are counted and dropped.
 */
void ppp_input(struct ppp_link *l, const uint8_t *frame, size_t len);
void ppp_timeout(struct ppp_link *l, enum ppp_timer t);

/* Send a packet of any protocol (authentication modules use this). 0 or -1. */
int ppp_send(struct ppp_link *l, uint16_t proto, const uint8_t *pkt, size_t len);
/*
 * The authentication module's verdict: ok moves to the Network phase (IPCP,
 * then CCP); otherwise the link terminates with the reason. Set per-user
 * addresses and encryption with ppp_set_net_params() before calling it.
 */
void ppp_auth_done(struct ppp_link *l, bool ok, const char *reason);
/* Replace IPCP/CCP parameters (NULL keeps one) before the Network phase. 0 or -1. */
int ppp_set_net_params(struct ppp_link *l, const struct ipcp_params *ip,
		       const struct ccp_params *ccp);

/* RFC 1661 5.8 keepalive Echo-Request; the Identifier, or -1 when LCP is not open. */
int ppp_lcp_send_echo(struct ppp_link *l);
/* RFC 1962 5.1 Reset-Request for the dataplane's "lost sync" event. 0 or -1. */
int ppp_ccp_send_reset_request(struct ppp_link *l);

/* Data may be carried: network up, and CCP up when encryption is required. */
bool ppp_data_allowed(const struct ppp_link *l);
/* RFC 1661 6.5/6.6: compression we may use sending proto (never ACFC on LCP). */
bool ppp_tx_acfc(const struct ppp_link *l, uint16_t proto);
bool ppp_tx_pfc(const struct ppp_link *l, uint16_t proto);
/* Address/control and protocol field for proto, as negotiated; returns its length. */
size_t ppp_frame_header(const struct ppp_link *l, uint16_t proto,
			uint8_t hdr[PPP_FRAME_HDR_MAX]);

enum ppp_phase ppp_phase(const struct ppp_link *l);
/* The printable text of the peer's Terminate-Request; "" when none came. */
const char *ppp_peer_term_reason(const struct ppp_link *l);
void ppp_get_info(const struct ppp_link *l, struct ppp_info *out);
const char *ppp_phase_name(enum ppp_phase phase);

#endif /* PPTPGW_PPP_H */
