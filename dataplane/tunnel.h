/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The PPTP data path inside a worker: upstream (GRE from the wire ->
 * session -> PPP -> MPPE -> IPv4 forwarding or the control plane),
 * downstream (IPv4 for a session's address -> PPP -> MPPE -> GRE -> outer
 * IPv4 -> wire), the owner's session messages, the handoff between workers
 * and the GRE ack timer. Every function takes the packets it is given: each
 * is sent, handed on, or freed and counted, unless the comment says it is
 * returned to the caller.
 */
#ifndef PPTPGW_TUNNEL_H
#define PPTPGW_TUNNEL_H

#include <stdbool.h>
#include <stdint.h>

struct worker;
struct dp_msg;
struct rte_mbuf;

/* Apply one control-plane message (owner). The message itself stays the caller's. */
void tunnel_msg(struct worker *w, struct dp_msg *m, uint64_t now);

/* GRE frames to our addresses (classify_frame said DP_CLASS_GRE). Takes all n. */
void tunnel_upstream_burst(struct worker *w, struct rte_mbuf **pkts, uint16_t n, uint64_t now);

/*
 * Frames from the wire (from_tap false: forwarded, TTL decremented) or the
 * kernel (from_tap true) whose IPv4 destination is a session's address are
 * taken; the others are compacted at the front of pkts and their count
 * returned, for the caller to send where they went before.
 */
uint16_t tunnel_downstream_filter(struct worker *w, struct rte_mbuf **pkts, uint16_t n,
				  bool from_tap, uint64_t now);

/* Packets other workers handed to this one (their sessions' owner). Returns how many. */
unsigned int tunnel_handoff_poll(struct worker *w, uint64_t now);

/* Send the GRE acks owed for SESSION_ACK_DELAY_US with no data to carry them. */
void tunnel_ack_tick(struct worker *w, uint64_t now);

#endif /* PPTPGW_TUNNEL_H */
