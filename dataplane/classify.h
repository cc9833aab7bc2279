/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * First look at a frame received on the wire: which bucket it goes to, or
 * why it is dropped. A pure function over the frame's bytes (no DPDK, no
 * state) so it can be unit-tested and fuzzed; the worker calls it once per
 * received packet.
 */
#ifndef PPTPGW_CLASSIFY_H
#define PPTPGW_CLASSIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "drop.h"

enum dp_class {
	DP_CLASS_DROP,       /* malformed: *reason says why */
	DP_CLASS_ARP,        /* Ethernet/IPv4 ARP request or reply: snoop, then exception */
	DP_CLASS_GRE,        /* IPv4 GRE (proto 47) to one of our addresses */
	DP_CLASS_EXCEPTION,  /* everything else: to the kernel through the TAP */
};

/* Our addresses are few (one per /ip/address entry): a linear scan is fastest. */
#define CLASSIFY_MAX_LOCAL 16

/* Read-only after set-up; shared by all workers. */
struct classify_ctx {
	unsigned int n_local;
	uint32_t local_be[CLASSIFY_MAX_LOCAL];  /* our IPv4 addresses, network order */
	uint32_t mask_be[CLASSIFY_MAX_LOCAL];   /* their prefix masks: the links we are on */
};

/* Byte offsets and sizes the classifier relies on (and the worker reuses). */
#define CLS_ETH_HDR_LEN    14u
#define CLS_ETH_TYPE_OFF   12u
#define CLS_ETHERTYPE_IPV4 0x0800u
#define CLS_ETHERTYPE_ARP  0x0806u
#define CLS_IPV4_MIN_HDR   20u
#define CLS_ARP_BODY_LEN   28u   /* Ethernet/IPv4 ARP: 8 fixed + 2 * (6 + 4) */
#define CLS_IPPROTO_GRE    47u
#define CLS_ARP_SHA_OFF    8u    /* sender hardware address, from the ARP body */
#define CLS_ARP_SPA_OFF    14u   /* sender protocol (IPv4) address */

/*
 * Classify one frame. data/data_len: the contiguous bytes (first mbuf
 * segment); pkt_len: the whole frame (>= data_len). Headers that are present
 * but not contiguous send the frame to the exception path (the kernel copes);
 * headers that are missing are a drop. Never reads past data_len.
 */
enum dp_class classify_frame(const struct classify_ctx *ctx, const uint8_t *data,
			     uint32_t data_len, uint32_t pkt_len, enum drop_reason *reason);

/* Is ip (network order) inside one of our connected prefixes? */
static inline bool classify_on_link(const struct classify_ctx *ctx, uint32_t ip_be)
{
	for (unsigned int i = 0; i < ctx->n_local; i++)
		if (((ip_be ^ ctx->local_be[i]) & ctx->mask_be[i]) == 0)
			return true;
	return false;
}

/* Is ip (network order) one of our own addresses? */
static inline bool classify_is_local(const struct classify_ctx *ctx, uint32_t ip_be)
{
	for (unsigned int i = 0; i < ctx->n_local; i++)
		if (ctx->local_be[i] == ip_be)
			return true;
	return false;
}

#endif /* PPTPGW_CLASSIFY_H */
