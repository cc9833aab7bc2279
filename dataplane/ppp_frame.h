/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PPP framing inside GRE (RFC 2637 4.1 carries PPP without HDLC flags,
 * escaping or FCS): the optional Address/Control field FF 03 (RFC 1662 3.1,
 * compressed away by ACFC, RFC 1661 6.6) and the 1- or 2-octet Protocol
 * field (RFC 1661 2, compressed by PFC, RFC 1661 6.5). Parse, build, and
 * sort a protocol into data (the fast path) or control (the control plane).
 * Pure functions, no DPDK.
 *
 * Names carry a PPP_FRAME_ prefix: the control plane's ppp_proto.h owns the
 * plain PPP_PROTO_* names and both may end up in one translation unit.
 */
#ifndef PPTPGW_PPP_FRAME_H
#define PPTPGW_PPP_FRAME_H

#include <stdbool.h>
#include <stdint.h>

#include "dp_msg.h"  /* DP_SESSION_F_PFC, DP_SESSION_F_ACFC */
#include "drop.h"

#define PPP_FRAME_ADDRESS       0xFFu
#define PPP_FRAME_CONTROL       0x03u
#define PPP_FRAME_ACF_LEN       2u
#define PPP_FRAME_PROTO_MAX_LEN 2u
/* Room a frame header needs in front of the payload. */
#define PPP_FRAME_HEADROOM       (PPP_FRAME_ACF_LEN + PPP_FRAME_PROTO_MAX_LEN)

/* RFC 1661 2 / IANA protocol numbers the dataplane looks at. */
#define PPP_FRAME_PROTO_IP      0x0021u
#define PPP_FRAME_PROTO_MP      0x003Du  /* RFC 1990 multilink */
#define PPP_FRAME_PROTO_IPV6    0x0057u
#define PPP_FRAME_PROTO_COMP    0x00FDu  /* RFC 1962 compressed datagram: MPPE */
#define PPP_FRAME_PROTO_IPCP    0x8021u
#define PPP_FRAME_PROTO_IPV6CP  0x8057u
#define PPP_FRAME_PROTO_CCP     0x80FDu
#define PPP_FRAME_PROTO_LCP     0xC021u
#define PPP_FRAME_PROTO_PAP     0xC023u
#define PPP_FRAME_PROTO_CHAP    0xC223u
/* RFC 1661 2: 0x8000 and up are control protocols (NCPs, LCP and friends). */
#define PPP_FRAME_PROTO_CTRL_MIN 0x8000u
/* RFC 1661 6.5: PFC applies to protocol numbers that fit one octet. */
#define PPP_FRAME_PROTO_PFC_MAX 0x00FFu

struct ppp_frame_info {
	uint16_t proto;    /* protocol number, decompressed */
	uint16_t hdr_len;  /* bytes before the payload: 1 to 4 */
};

enum ppp_frame_result {
	PPP_FRAME_OK,
	PPP_FRAME_E_SHORT,  /* no room for the protocol field */
	PPP_FRAME_E_PROTO,  /* protocol field not of the form xxxxxxx0 xxxxxxx1 */
};

/*
 * A frame as GRE carries it: FF 03 when present (RFC 1661 6.6: the first two
 * octets FF 03 are the Address and Control fields, anything else means they
 * were compressed), then the protocol field. Zero-length payloads are
 * accepted; the protocol's own layer judges them.
 */
enum ppp_frame_result ppp_frame_parse(const uint8_t *p, uint16_t len,
				      struct ppp_frame_info *out);

/*
 * A bare protocol field (what MPPE decrypts: no Address/Control inside).
 * An odd first octet is a PFC-compressed 1-octet protocol (RFC 1661 6.5).
 */
enum ppp_frame_result ppp_proto_parse(const uint8_t *p, uint16_t len,
				      struct ppp_frame_info *out);

/* Protocol field length for proto: 1 when pfc and proto < 0x100, else 2. */
static inline uint16_t ppp_proto_len(uint16_t proto, bool pfc)
{
	return (pfc && proto <= PPP_FRAME_PROTO_PFC_MAX) ? 1u : 2u;
}

/*
 * Frame header length for proto under the session's DP_SESSION_F_ACFC /
 * DP_SESSION_F_PFC flags. LCP always takes FF 03 and a 2-octet protocol
 * (RFC 1661 6.5, 6.6: never compressed on LCP frames).
 */
uint16_t ppp_frame_hdr_len(uint16_t proto, uint32_t flags);

/*
 * Write the frame header in front of payload (PPP_FRAME_HEADROOM bytes of
 * headroom) and return where the frame now starts.
 */
uint8_t *ppp_frame_prepend(uint8_t *payload, uint16_t proto, uint32_t flags);

/* Write a bare protocol field in front of payload (MPPE's plaintext). */
uint8_t *ppp_proto_prepend(uint8_t *payload, uint16_t proto, bool pfc);

/* Where a received frame goes. */
enum ppp_class {
	PPP_CLASS_IPV4,     /* 0x0021: decrypt/forward on the fast path */
	PPP_CLASS_MPPE,     /* 0x00FD: MPPE, then parse the inner protocol */
	PPP_CLASS_MP,       /* 0x003D: multilink fragment (RFC 1990) */
	PPP_CLASS_CONTROL,  /* 0x8000 and up: LCP, auth, NCPs, CCP: control plane */
	PPP_CLASS_REJECT,   /* any other data protocol (IPv6 ...): the control
			     * plane answers LCP Protocol-Reject (RFC 1661 5.7) */
};

static inline enum ppp_class ppp_classify(uint16_t proto)
{
	if (proto == PPP_FRAME_PROTO_IP)
		return PPP_CLASS_IPV4;
	if (proto == PPP_FRAME_PROTO_COMP)
		return PPP_CLASS_MPPE;
	if (proto >= PPP_FRAME_PROTO_CTRL_MIN)
		return PPP_CLASS_CONTROL;
	if (proto == PPP_FRAME_PROTO_MP)
		return PPP_CLASS_MP;
	return PPP_CLASS_REJECT;
}

/* The drop counter for a parse failure (PPP_FRAME_OK: DROP_MAX). */
enum drop_reason ppp_frame_drop_reason(enum ppp_frame_result r);

#endif /* PPTPGW_PPP_FRAME_H */
