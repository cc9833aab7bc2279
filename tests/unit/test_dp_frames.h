/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Frame builders shared by the dataplane tests: real Ethernet/ARP/IPv4
 * bytes with correct checksums, which a test then breaks on purpose.
 */
#ifndef PPTPGW_TEST_DP_FRAMES_H
#define PPTPGW_TEST_DP_FRAMES_H

#include <stdint.h>
#include <string.h>

#define TF_ETH_LEN      14
#define TF_IPV4_LEN     20
#define TF_ARP_LEN      28
#define TF_ICMP_ECHO    8       /* type 8 */
#define TF_IPPROTO_ICMP 1
#define TF_IPPROTO_GRE  47
#define TF_MIN_FRAME    60      /* Ethernet minimum without FCS */
#define TF_MAX_FRAME    1514

static const uint8_t tf_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t tf_our_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t tf_peer_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };

static inline void tf_w16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void tf_w32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline uint32_t tf_ip(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	return ((uint32_t)a << 24) | ((uint32_t)b << 16) | ((uint32_t)c << 8) | d;
}

static inline size_t tf_eth(uint8_t *f, const uint8_t dst[6], const uint8_t src[6], uint16_t type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	tf_w16(f + 12, type);
	return TF_ETH_LEN;
}

static inline uint16_t tf_cksum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Recompute the IPv4 header checksum after a test edits the header. */
static inline void tf_ipv4_fix_cksum(uint8_t *ip)
{
	size_t hlen = (size_t)(ip[0] & 0x0f) * 4;

	tf_w16(ip + 10, 0);
	tf_w16(ip + 10, tf_cksum(ip, hlen));
}

/* ARP request or reply, padded to the Ethernet minimum. Returns the frame length. */
static inline size_t tf_arp(uint8_t *f, uint16_t op, const uint8_t sha[6], uint32_t spa,
			    uint32_t tpa)
{
	size_t n = tf_eth(f, tf_bcast, sha, 0x0806);
	uint8_t *a = f + n;

	memset(a, 0, TF_MIN_FRAME - n);
	tf_w16(a, 1);          /* Ethernet */
	tf_w16(a + 2, 0x0800); /* IPv4 */
	a[4] = 6;
	a[5] = 4;
	tf_w16(a + 6, op);
	memcpy(a + 8, sha, 6);
	tf_w32(a + 14, spa);
	tf_w32(a + 24, tpa);
	return TF_MIN_FRAME;
}

/* IPv4 packet with payload_len bytes of pattern after the header; padded to 60. */
static inline size_t tf_ipv4(uint8_t *f, uint8_t proto, uint32_t src, uint32_t dst,
			     size_t payload_len)
{
	size_t n = tf_eth(f, tf_our_mac, tf_peer_mac, 0x0800);
	uint8_t *ip = f + n;
	size_t total = TF_IPV4_LEN + payload_len;

	memset(ip, 0, TF_IPV4_LEN);
	ip[0] = 0x45;
	tf_w16(ip + 2, (uint16_t)total);
	tf_w16(ip + 4, 0x1234);
	tf_w16(ip + 6, 0x4000);  /* DF, as PPTP peers send */
	ip[8] = 64;
	ip[9] = proto;
	tf_w32(ip + 12, src);
	tf_w32(ip + 16, dst);
	for (size_t i = 0; i < payload_len; i++)
		ip[TF_IPV4_LEN + i] = (uint8_t)i;
	tf_ipv4_fix_cksum(ip);
	n += total;
	if (n < TF_MIN_FRAME) {
		memset(f + n, 0, TF_MIN_FRAME - n);
		n = TF_MIN_FRAME;
	}
	return n;
}

/* ICMP echo request (type 8) with a valid ICMP checksum. */
static inline size_t tf_icmp_echo(uint8_t *f, uint32_t src, uint32_t dst)
{
	const size_t icmp_len = 8 + 32;
	size_t n = tf_ipv4(f, TF_IPPROTO_ICMP, src, dst, icmp_len);
	uint8_t *icmp = f + TF_ETH_LEN + TF_IPV4_LEN;

	icmp[0] = TF_ICMP_ECHO;
	icmp[1] = 0;
	tf_w16(icmp + 2, 0);
	tf_w16(icmp + 2, tf_cksum(icmp, icmp_len));
	return n;
}

/* Enhanced GRE (RFC 2637 4.1) header: flags 0x3001 (key + sequence), PPP. */
static inline size_t tf_gre(uint8_t *f, uint32_t src, uint32_t dst)
{
	const size_t gre_len = 16 + 4;
	size_t n = tf_ipv4(f, TF_IPPROTO_GRE, src, dst, gre_len);
	uint8_t *g = f + TF_ETH_LEN + TF_IPV4_LEN;

	tf_w16(g, 0x3001);
	tf_w16(g + 2, 0x880b);
	tf_w16(g + 4, 4);      /* payload length */
	tf_w16(g + 6, 0);      /* call id */
	tf_w32(g + 8, 1);      /* sequence */
	return n;
}

#endif /* PPTPGW_TEST_DP_FRAMES_H */
