/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Frame classification (see classify.h). Checks follow RFC 791 section 3.1
 * in the order a receiver can trust them: version, header length, total
 * length against what arrived, then the header checksum.
 */
#include <stdbool.h>
#include <string.h>

#include "classify.h"

#define IPV4_VERSION       4u
#define IPV4_IHL_MIN       5u      /* 32-bit words */
#define IPV4_WORD          4u
#define IPV4_FLAG_MF       0x2000u /* more fragments */
#define IPV4_FRAG_OFF_MASK 0x1fffu
#define IPV4_TOTLEN_OFF    2u
#define IPV4_FRAG_OFF      6u
#define IPV4_PROTO_OFF     9u
#define IPV4_DST_OFF       16u

#define ARP_HRD_OFF        0u
#define ARP_PRO_OFF        2u
#define ARP_HLN_OFF        4u
#define ARP_PLN_OFF        5u
#define ARP_OP_OFF         6u
#define ARP_HRD_ETHER      1u
#define ARP_PLN_IPV4       4u
#define ARP_HLN_ETHER      6u
#define ARP_OP_REQUEST     1u
#define ARP_OP_REPLY       2u

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

/* RFC 1071 one's complement sum; a correct header sums to 0xffff. */
static bool ipv4_cksum_ok(const uint8_t *ip, uint32_t hlen)
{
	uint32_t sum = 0;

	for (uint32_t i = 0; i < hlen; i += 2)
		sum += rd16(ip + i);
	while (sum >> 16)
		sum = (sum & 0xffffu) + (sum >> 16);
	return sum == 0xffffu;
}

static bool is_local(const struct classify_ctx *ctx, uint32_t dst_be)
{
	for (unsigned int i = 0; i < ctx->n_local; i++)
		if (ctx->local_be[i] == dst_be)
			return true;
	return false;
}

static enum dp_class drop(enum drop_reason *reason, enum drop_reason r)
{
	*reason = r;
	return DP_CLASS_DROP;
}

static enum dp_class classify_arp(const uint8_t *arp, uint32_t contig, uint32_t avail,
				  enum drop_reason *reason)
{
	if (avail < CLS_ARP_BODY_LEN)
		return drop(reason, DROP_ARP_TRUNCATED);
	if (contig < CLS_ARP_BODY_LEN)
		return DP_CLASS_EXCEPTION;
	/* Only Ethernet/IPv4 requests and replies carry a mapping we can learn. */
	uint16_t op = rd16(arp + ARP_OP_OFF);
	if (rd16(arp + ARP_HRD_OFF) != ARP_HRD_ETHER || rd16(arp + ARP_PRO_OFF) != CLS_ETHERTYPE_IPV4 ||
	    arp[ARP_HLN_OFF] != ARP_HLN_ETHER || arp[ARP_PLN_OFF] != ARP_PLN_IPV4 ||
	    (op != ARP_OP_REQUEST && op != ARP_OP_REPLY))
		return DP_CLASS_EXCEPTION;
	return DP_CLASS_ARP;
}

static enum dp_class classify_ipv4(const struct classify_ctx *ctx, const uint8_t *ip,
				   uint32_t contig, uint32_t avail, enum drop_reason *reason)
{
	if (avail < CLS_IPV4_MIN_HDR)
		return drop(reason, DROP_IPV4_TRUNCATED);
	if (contig < CLS_IPV4_MIN_HDR)
		return DP_CLASS_EXCEPTION;
	if ((ip[0] >> 4) != IPV4_VERSION)
		return drop(reason, DROP_IPV4_VERSION);
	uint32_t ihl = ip[0] & 0x0fu;
	if (ihl < IPV4_IHL_MIN)
		return drop(reason, DROP_IPV4_IHL);
	uint32_t hlen = ihl * IPV4_WORD;
	if (hlen > avail)
		return drop(reason, DROP_IPV4_TRUNCATED);
	uint32_t totlen = rd16(ip + IPV4_TOTLEN_OFF);
	if (totlen < hlen)
		return drop(reason, DROP_IPV4_TOTAL_LEN);
	/* Anything past totlen is Ethernet padding (short frames pad to 60). */
	if (totlen > avail)
		return drop(reason, DROP_IPV4_TRUNCATED);
	if (hlen > contig)
		return DP_CLASS_EXCEPTION;
	if (!ipv4_cksum_ok(ip, hlen))
		return drop(reason, DROP_IPV4_CHECKSUM);
	if (ip[IPV4_PROTO_OFF] != CLS_IPPROTO_GRE)
		return DP_CLASS_EXCEPTION;

	uint32_t dst_be;
	memcpy(&dst_be, ip + IPV4_DST_OFF, sizeof(dst_be));
	if (!is_local(ctx, dst_be))
		return DP_CLASS_EXCEPTION;  /* not ours: the kernel decides */
	uint16_t frag = rd16(ip + IPV4_FRAG_OFF);
	if ((frag & IPV4_FLAG_MF) || (frag & IPV4_FRAG_OFF_MASK))
		return drop(reason, DROP_GRE_FRAGMENT);
	return DP_CLASS_GRE;
}

enum dp_class classify_frame(const struct classify_ctx *ctx, const uint8_t *data,
			     uint32_t data_len, uint32_t pkt_len, enum drop_reason *reason)
{
	if (data_len > pkt_len)
		data_len = pkt_len;
	if (pkt_len < CLS_ETH_HDR_LEN)
		return drop(reason, DROP_RUNT);
	if (data_len < CLS_ETH_HDR_LEN)
		return DP_CLASS_EXCEPTION;

	uint32_t contig = data_len - CLS_ETH_HDR_LEN;
	uint32_t avail = pkt_len - CLS_ETH_HDR_LEN;
	const uint8_t *l3 = data + CLS_ETH_HDR_LEN;

	switch (rd16(data + CLS_ETH_TYPE_OFF)) {
	case CLS_ETHERTYPE_IPV4:
		return classify_ipv4(ctx, l3, contig, avail, reason);
	case CLS_ETHERTYPE_ARP:
		return classify_arp(l3, contig, avail, reason);
	default:
		/* IPv6, VLAN-tagged, LLDP...: the kernel's business. */
		return DP_CLASS_EXCEPTION;
	}
}
