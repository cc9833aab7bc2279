/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 helpers for tunnelled packets (see ipv4.h).
 */
#include <endian.h>
#include <string.h>

#include "ipv4.h"

#define IPV4_VERSION       4u
#define IPV4_WORD          4u      /* IHL and TCP data offset unit */
#define IPV4_OFF_TOTLEN    2u
#define IPV4_OFF_FRAG      6u
#define IPV4_OFF_TTL       8u      /* TTL and protocol share a 16-bit word */
#define IPV4_OFF_PROTO     9u
#define IPV4_OFF_CKSUM     10u
#define IPV4_OFF_DST       16u
#define IPV4_FRAG_OFF_MASK 0x1FFFu

#define TCP_OFF_DOFF       12u     /* data offset: high nibble */
#define TCP_OFF_FLAGS      13u
#define TCP_OFF_CKSUM      16u
#define TCP_FLAG_SYN       0x02u

/* RFC 793 3.1 / RFC 879: option kinds and the MSS option's length. */
#define TCP_OPT_EOL        0u
#define TCP_OPT_NOP        1u
#define TCP_OPT_MSS        2u
#define TCP_OPT_MSS_LEN    4u
#define TCP_OPT_MIN_LEN    2u      /* kind and length */

static inline uint16_t ld16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return be16toh(v);
}

static inline uint32_t ld32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return be32toh(v);
}

static inline void st16(uint8_t *p, uint16_t v)
{
	v = htobe16(v);
	memcpy(p, &v, sizeof(v));
}

uint16_t ipv4_cksum(const uint8_t *p, uint16_t len)
{
	uint32_t sum = 0;
	uint16_t i;

	for (i = 0; i + 1u < len; i += 2)
		sum += ld16(p + i);
	if (len & 1u)
		sum += (uint32_t)p[len - 1u] << 8;
	while (sum >> 16)
		sum = (sum & 0xFFFFu) + (sum >> 16);
	return (uint16_t)~sum;
}

enum ipv4_result ipv4_check(const uint8_t *p, uint16_t len, struct ipv4_info *out)
{
	uint16_t hdr_len, total_len;

	/* RFC 791 3.1, in the order a receiver can trust the fields. */
	if (len < IPV4_HDR_MIN_LEN)
		return IPV4_E_TRUNCATED;
	if ((p[0] >> 4) != IPV4_VERSION)
		return IPV4_E_VERSION;
	hdr_len = (uint16_t)((p[0] & 0x0Fu) * IPV4_WORD);
	if (hdr_len < IPV4_HDR_MIN_LEN)
		return IPV4_E_IHL;
	if (hdr_len > len)
		return IPV4_E_TRUNCATED;
	total_len = ld16(p + IPV4_OFF_TOTLEN);
	if (total_len < hdr_len)
		return IPV4_E_TOTAL_LEN;
	if (total_len > len)
		return IPV4_E_TRUNCATED;
	/* A correct header sums to 0xFFFF, so its checksum over itself is 0. */
	if (ipv4_cksum(p, hdr_len) != 0)
		return IPV4_E_CHECKSUM;
	out->hdr_len = hdr_len;
	out->total_len = total_len;
	out->frag = ld16(p + IPV4_OFF_FRAG);
	out->ttl = p[IPV4_OFF_TTL];
	out->proto = p[IPV4_OFF_PROTO];
	out->src = ld32(p + IPV4_SRC_OFF);
	out->dst = ld32(p + IPV4_OFF_DST);
	return IPV4_OK;
}

enum drop_reason ipv4_drop_reason(enum ipv4_result r)
{
	switch (r) {
	case IPV4_OK:
		break;
	case IPV4_E_TRUNCATED:
		return DROP_IPV4_TRUNCATED;
	case IPV4_E_VERSION:
		return DROP_IPV4_VERSION;
	case IPV4_E_IHL:
		return DROP_IPV4_IHL;
	case IPV4_E_TOTAL_LEN:
		return DROP_IPV4_TOTAL_LEN;
	case IPV4_E_CHECKSUM:
		return DROP_IPV4_CHECKSUM;
	}
	return DROP_MAX;
}

bool ipv4_ttl_decrement(uint8_t *ip)
{
	uint16_t old_word = ld16(ip + IPV4_OFF_TTL);

	if (ip[IPV4_OFF_TTL] <= 1u)
		return false;
	ip[IPV4_OFF_TTL]--;
	st16(ip + IPV4_OFF_CKSUM,
	     ipv4_cksum_adjust(ld16(ip + IPV4_OFF_CKSUM), old_word, ld16(ip + IPV4_OFF_TTL)));
	return true;
}

void ipv4_ttl_restore(uint8_t *ip)
{
	uint16_t old_word = ld16(ip + IPV4_OFF_TTL);

	ip[IPV4_OFF_TTL]++;
	st16(ip + IPV4_OFF_CKSUM,
	     ipv4_cksum_adjust(ld16(ip + IPV4_OFF_CKSUM), old_word, ld16(ip + IPV4_OFF_TTL)));
}

/*
 * Replace the 16-bit value at tcp + off, fixing the TCP checksum. The sum
 * runs over 16-bit words aligned to the TCP header (the pseudo-header is an
 * even length); a value at an odd offset straddles two words, which by the
 * byte-order independence of the sum (RFC 1071 2(B)) is the same as
 * adjusting with both values byte-swapped.
 */
static void tcp_replace16(uint8_t *tcp, uint16_t off, uint16_t old_val, uint16_t new_val)
{
	uint16_t ck = ld16(tcp + TCP_OFF_CKSUM);

	st16(tcp + off, new_val);
	if (off & 1u) {
		old_val = __builtin_bswap16(old_val);
		new_val = __builtin_bswap16(new_val);
	}
	st16(tcp + TCP_OFF_CKSUM, ipv4_cksum_adjust(ck, old_val, new_val));
}

enum ipv4_mss_result ipv4_tcp_mss_clamp(uint8_t *ip, uint16_t len, uint16_t mss_max)
{
	uint16_t ihl = (uint16_t)((ip[0] & 0x0Fu) * IPV4_WORD);
	uint16_t total = ld16(ip + IPV4_OFF_TOTLEN);
	uint16_t avail, doff, off;
	uint8_t *tcp;

	if (ip[IPV4_OFF_PROTO] != IPV4_PROTO_TCP ||
	    (ld16(ip + IPV4_OFF_FRAG) & IPV4_FRAG_OFF_MASK) != 0)
		return IPV4_MSS_UNTOUCHED;
	/* The TCP header must lie within both the datagram and the buffer. */
	if (total > len)
		total = len;
	if (ihl < IPV4_HDR_MIN_LEN || total < ihl + TCP_HDR_MIN_LEN)
		return IPV4_MSS_UNTOUCHED;
	tcp = ip + ihl;
	avail = (uint16_t)(total - ihl);
	if (!(tcp[TCP_OFF_FLAGS] & TCP_FLAG_SYN))
		return IPV4_MSS_UNTOUCHED;
	doff = (uint16_t)((tcp[TCP_OFF_DOFF] >> 4) * IPV4_WORD);
	if (doff < TCP_HDR_MIN_LEN || doff > avail)
		return IPV4_MSS_MALFORMED;

	/* RFC 793 3.1 options: EOL ends, NOP is one octet, others kind+length. */
	off = TCP_HDR_MIN_LEN;
	while (off < doff) {
		uint8_t kind = tcp[off];
		uint8_t olen;

		if (kind == TCP_OPT_EOL)
			break;
		if (kind == TCP_OPT_NOP) {
			off++;
			continue;
		}
		if (off + TCP_OPT_MIN_LEN > doff)
			return IPV4_MSS_MALFORMED;
		olen = tcp[off + 1u];
		if (olen < TCP_OPT_MIN_LEN || off + olen > doff)
			return IPV4_MSS_MALFORMED;
		if (kind == TCP_OPT_MSS) {
			uint16_t mss;

			if (olen != TCP_OPT_MSS_LEN)
				return IPV4_MSS_MALFORMED;
			mss = ld16(tcp + off + 2u);
			if (mss <= mss_max)
				return IPV4_MSS_UNTOUCHED;
			tcp_replace16(tcp, (uint16_t)(off + 2u), mss, mss_max);
			return IPV4_MSS_CLAMPED;
		}
		off = (uint16_t)(off + olen);
	}
	return IPV4_MSS_UNTOUCHED;
}
