/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 helpers for the packets inside the tunnel (the outer header is the
 * classifier's): header validation (RFC 791 3.1), TTL decrement and TCP MSS
 * clamping with incremental checksum updates (RFC 1624), and the session's
 * source-address check. Pure functions over packet bytes, no DPDK.
 */
#ifndef PPTPGW_IPV4_H
#define PPTPGW_IPV4_H

#include <stdbool.h>
#include <stdint.h>

#include "drop.h"

#define IPV4_HDR_MIN_LEN   20u
#define IPV4_SRC_OFF       12u
#define IPV4_HDR_MAX_LEN   60u
#define IPV4_PROTO_TCP     6u
#define TCP_HDR_MIN_LEN    20u
/* RFC 879 / RFC 6691: MSS = MTU - 20 (IPv4) - 20 (TCP), no options assumed. */
#define IPV4_TCP_MSS_OVERHEAD (IPV4_HDR_MIN_LEN + TCP_HDR_MIN_LEN)

/* What ipv4_check() read, host order. */
struct ipv4_info {
	uint16_t hdr_len;    /* 20..60 */
	uint16_t total_len;  /* <= the buffer: trim the packet to this */
	uint16_t frag;       /* flags and fragment offset field */
	uint8_t ttl;
	uint8_t proto;
	uint32_t src;
	uint32_t dst;
};

enum ipv4_result {
	IPV4_OK,
	IPV4_E_TRUNCATED,  /* header or total length past the buffer */
	IPV4_E_VERSION,    /* version != 4 */
	IPV4_E_IHL,        /* header length < 20 */
	IPV4_E_TOTAL_LEN,  /* total length < header length */
	IPV4_E_CHECKSUM,   /* header checksum does not verify */
};

/*
 * Validate the IPv4 header at p (len bytes of packet; trailing bytes beyond
 * the total length are allowed and reported through out->total_len).
 * Never reads past len; *out only meaningful on IPV4_OK.
 */
enum ipv4_result ipv4_check(const uint8_t *p, uint16_t len, struct ipv4_info *out);

/* The drop counter for a result (IPV4_OK: DROP_MAX). */
enum drop_reason ipv4_drop_reason(enum ipv4_result r);

/* RFC 1071 checksum of len bytes (an odd tail is padded with zero). */
uint16_t ipv4_cksum(const uint8_t *p, uint16_t len);

/*
 * RFC 1624 eqn. 3: the checksum after a 16-bit word of the covered data
 * changes from old to new: HC' = ~(~HC + ~m + m'). Host-order values.
 */
static inline uint16_t ipv4_cksum_adjust(uint16_t cksum, uint16_t old_word, uint16_t new_word)
{
	uint32_t sum = (uint32_t)(uint16_t)~cksum + (uint16_t)~old_word + new_word;

	sum = (sum & 0xFFFFu) + (sum >> 16);
	sum = (sum & 0xFFFFu) + (sum >> 16);
	return (uint16_t)~sum;
}

/*
 * Forwarding's TTL decrement on a validated header, with the checksum
 * updated incrementally. Returns false, touching nothing, when the TTL is
 * 0 or 1: the packet must not be forwarded (RFC 1812 5.3.1).
 */
bool ipv4_ttl_decrement(uint8_t *ip);
/* Undo one ipv4_ttl_decrement (the packet goes to a router that will decrement it). */
void ipv4_ttl_restore(uint8_t *ip);

enum ipv4_mss_result {
	IPV4_MSS_UNTOUCHED,  /* not TCP SYN, no MSS option, or MSS already small */
	IPV4_MSS_CLAMPED,    /* MSS lowered, TCP checksum updated */
	IPV4_MSS_MALFORMED,  /* options unparsable: left alone */
};

/*
 * Lower the MSS option of a TCP SYN (or SYN-ACK) to mss_max, e.g.
 * tunnel MTU - IPV4_TCP_MSS_OVERHEAD, fixing the TCP checksum (RFC 1624).
 * ip: a header that passed ipv4_check(), len: bytes of packet from ip.
 * Fragments other than the first, short TCP headers and bad option lengths
 * leave the packet as it is.
 */
enum ipv4_mss_result ipv4_tcp_mss_clamp(uint8_t *ip, uint16_t len, uint16_t mss_max);

/* Anti-spoofing: does the packet come from the session's address (host order)? */
static inline bool ipv4_src_is(const uint8_t *ip, uint32_t addr)
{
	const uint8_t *s = ip + IPV4_SRC_OFF;

	return s[0] == (uint8_t)(addr >> 24) && s[1] == (uint8_t)(addr >> 16) &&
	       s[2] == (uint8_t)(addr >> 8) && s[3] == (uint8_t)addr;
}

#endif /* PPTPGW_IPV4_H */
