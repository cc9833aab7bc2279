/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PPP framing inside GRE (see ppp_frame.h).
 */
#include "ppp_frame.h"

#define PPP_PROTO_ODD 0x01u

enum ppp_frame_result ppp_proto_parse(const uint8_t *p, uint16_t len,
				      struct ppp_frame_info *out)
{
	if (len == 0)
		return PPP_FRAME_E_SHORT;
	/* RFC 1661 6.5: an odd first octet is the whole (compressed) field. */
	if (p[0] & PPP_PROTO_ODD) {
		out->proto = p[0];
		out->hdr_len = 1;
		return PPP_FRAME_OK;
	}
	if (len < PPP_FRAME_PROTO_MAX_LEN)
		return PPP_FRAME_E_SHORT;
	/* RFC 1661 2: the low octet of every protocol number is odd. */
	if ((p[1] & PPP_PROTO_ODD) == 0)
		return PPP_FRAME_E_PROTO;
	out->proto = (uint16_t)(p[0] << 8 | p[1]);
	out->hdr_len = PPP_FRAME_PROTO_MAX_LEN;
	return PPP_FRAME_OK;
}

enum ppp_frame_result ppp_frame_parse(const uint8_t *p, uint16_t len,
				      struct ppp_frame_info *out)
{
	uint16_t acf = 0;
	enum ppp_frame_result r;

	if (len >= PPP_FRAME_ACF_LEN && p[0] == PPP_FRAME_ADDRESS &&
	    p[1] == PPP_FRAME_CONTROL)
		acf = PPP_FRAME_ACF_LEN;
	r = ppp_proto_parse(p + acf, (uint16_t)(len - acf), out);
	if (r == PPP_FRAME_OK)
		out->hdr_len = (uint16_t)(out->hdr_len + acf);
	return r;
}

uint16_t ppp_frame_hdr_len(uint16_t proto, uint32_t flags)
{
	if (proto == PPP_FRAME_PROTO_LCP)
		return PPP_FRAME_HEADROOM;
	return (uint16_t)(((flags & DP_SESSION_F_ACFC) ? 0u : PPP_FRAME_ACF_LEN) +
			  ppp_proto_len(proto, (flags & DP_SESSION_F_PFC) != 0));
}

uint8_t *ppp_proto_prepend(uint8_t *payload, uint16_t proto, bool pfc)
{
	if (ppp_proto_len(proto, pfc) == 1) {
		payload[-1] = (uint8_t)proto;
		return payload - 1;
	}
	payload[-2] = (uint8_t)(proto >> 8);
	payload[-1] = (uint8_t)proto;
	return payload - 2;
}

uint8_t *ppp_frame_prepend(uint8_t *payload, uint16_t proto, uint32_t flags)
{
	bool lcp = proto == PPP_FRAME_PROTO_LCP;
	uint8_t *p = ppp_proto_prepend(payload, proto,
				       !lcp && (flags & DP_SESSION_F_PFC) != 0);

	/* RFC 1661 6.6: LCP frames always carry the Address and Control fields. */
	if (lcp || (flags & DP_SESSION_F_ACFC) == 0) {
		p -= PPP_FRAME_ACF_LEN;
		p[0] = PPP_FRAME_ADDRESS;
		p[1] = PPP_FRAME_CONTROL;
	}
	return p;
}

enum drop_reason ppp_frame_drop_reason(enum ppp_frame_result r)
{
	switch (r) {
	case PPP_FRAME_OK:
		break;
	case PPP_FRAME_E_SHORT:
		return DROP_PPP_SHORT;
	case PPP_FRAME_E_PROTO:
		return DROP_PPP_PROTOCOL;
	}
	return DROP_MAX;
}
