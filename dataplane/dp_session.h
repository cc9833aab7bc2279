/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PPTP sessions in the dataplane, as the control plane drives them. Every
 * function here runs on the control-plane thread only (it is the single
 * writer of the session lookup tables); each one writes the tables, then
 * sends the per-session message to the session's owner worker, which alone
 * writes the session's fast-path state (GRE numbers, MPPE, counters).
 *
 * Life of a session id (the control plane's handle, 0 .. dp_session_max()-1):
 *   dp_session_install()     call connected: GRE and PPP control frames flow
 *   dp_session_network_up()  IPCP (and CCP) up: address, MTU, keys; data flows
 *   dp_session_remove()      keys deleted at once, owner told; the id becomes
 *                            reusable after every worker passed a quiescent
 *                            state (rte_rcu_qsbr): dp_session_reclaim()
 * Return values: 0, or a negative errno (the message ring full is -EAGAIN:
 * nothing was changed, try again on the next tick).
 */
#ifndef PPTPGW_DP_SESSION_H
#define PPTPGW_DP_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "dp_msg.h"

struct rte_mbuf;

/* Sessions the dataplane holds: ids run from 0 to this minus one. */
uint32_t dp_session_max(void);

/*
 * A new call (SESSION_INSTALL). p: peer/local outer addresses, Call-IDs,
 * port, window; client_ip/keys are ignored here (dp_session_network_up).
 * -EBUSY: the id is in use or still retiring; -EEXIST: (peer_ip,
 * our_call_id) already names a session; -EINVAL: bad id or port.
 */
int dp_session_install(uint32_t session_id, const struct dp_session_params *p);

/*
 * Network up (SESSION_KEYS): the client address enters the downstream table,
 * then the owner takes MTU, flags and MPPE keys (start keys from our side,
 * reduced to mppe_bits here: 0 none, 40, 56, 128). May be sent again to
 * change keys or mode; the address cannot change (-EINVAL). -EEXIST: another
 * session has that address.
 */
int dp_session_network_up(uint32_t session_id, const struct dp_session_keys *k);

/*
 * Change a session's rate limit (SESSION_RATE) without touching its keys:
 * both buckets restart full. Network up sets the first one (dp_session_keys.rate).
 * -ENOENT: not installed.
 */
int dp_session_set_rate(uint32_t session_id, const struct dp_session_rate *r);

/* Retire a session (SESSION_REMOVE). -ENOENT: not installed. */
int dp_session_remove(uint32_t session_id);

/*
 * Free the ids whose grace period has ended (non-blocking; also done by
 * install and remove). Returns how many became free. Call it from a timer.
 */
unsigned int dp_session_reclaim(void);

/* Retiring ids still waiting for their grace period. */
unsigned int dp_session_retiring(void);

struct dp_session_stats {
	uint8_t state;                  /* 0 free, 1 establishing, 2 up (owner's view) */
	uint64_t rx_packets, rx_bytes, rx_drops;
	uint64_t tx_packets, tx_bytes, tx_drops;
	uint64_t ctrl_in, ctrl_out;
	uint64_t rate_rx_bps, rate_tx_bps;       /* limit in effect, 0: unlimited */
	uint64_t rate_rx_drops, rate_tx_drops;   /* refused by it (also in rx/tx_drops) */
};

/* Counters of an installed session, read while the owner writes them. -ENOENT: not installed. */
int dp_session_stats(uint32_t session_id, struct dp_session_stats *out);

/*
 * Milliseconds since the last GRE packet from the peer (or since install when
 * none came yet): the keepalive's idle time. -1 when the id is not installed.
 */
int64_t dp_session_last_rx_age_ms(uint32_t session_id);

/*
 * Milliseconds since the last IPv4 data packet either way (or since network
 * up when none): the idle-timeout's idle time. PPP control frames (LCP
 * echoes) and GRE acks do not count. -1 when the id is not installed.
 */
int64_t dp_session_last_data_age_ms(uint32_t session_id);

/* An mbuf for a PPP_CTRL_OUT frame (headroom for GRE/IP/Ethernet). NULL: pool empty. */
struct rte_mbuf *dp_ctrl_frame_alloc(void);

/*
 * Send a PPP control frame (address/control as the caller chose, protocol,
 * payload) on a session: PPP_CTRL_OUT to the owner, which adds GRE with the
 * session's sequence number, IPv4 and Ethernet. The _mbuf variant takes the
 * frame's ownership whatever it returns.
 */
int dp_session_send_ctrl(uint32_t session_id, const uint8_t *ppp_frame, size_t len);
int dp_session_send_ctrl_mbuf(uint32_t session_id, struct rte_mbuf *frame);

/* Worker that owns a session's state (for logs); -1 when not installed. */
int dp_session_owner(uint32_t session_id);

#endif /* PPTPGW_DP_SESSION_H */
