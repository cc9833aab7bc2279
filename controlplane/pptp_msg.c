/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PPTP control message codec (RFC 2637 section 2). See pptp_msg.h.
 *
 * Field order below follows the RFC's diagrams word by word; each message has
 * one parse and one build function so the two can be read side by side.
 */
#include <string.h>

#include "pptp_msg.h"

static const uint16_t msg_len[PPTP_CTRL_TYPE_MAX + 1] = {
	[PPTP_SCCRQ] = PPTP_SCCRQ_LEN,
	[PPTP_SCCRP] = PPTP_SCCRP_LEN,
	[PPTP_StopCCRQ] = PPTP_StopCCRQ_LEN,
	[PPTP_StopCCRP] = PPTP_StopCCRP_LEN,
	[PPTP_ECHORQ] = PPTP_ECHORQ_LEN,
	[PPTP_ECHORP] = PPTP_ECHORP_LEN,
	[PPTP_OCRQ] = PPTP_OCRQ_LEN,
	[PPTP_OCRP] = PPTP_OCRP_LEN,
	[PPTP_ICRQ] = PPTP_ICRQ_LEN,
	[PPTP_ICRP] = PPTP_ICRP_LEN,
	[PPTP_ICCN] = PPTP_ICCN_LEN,
	[PPTP_CCRQ] = PPTP_CCRQ_LEN,
	[PPTP_CDN] = PPTP_CDN_LEN,
	[PPTP_WEN] = PPTP_WEN_LEN,
	[PPTP_SLI] = PPTP_SLI_LEN,
};

static const char *const msg_name[PPTP_CTRL_TYPE_MAX + 1] = {
	[PPTP_SCCRQ] = "SCCRQ",
	[PPTP_SCCRP] = "SCCRP",
	[PPTP_StopCCRQ] = "StopCCRQ",
	[PPTP_StopCCRP] = "StopCCRP",
	[PPTP_ECHORQ] = "ECHORQ",
	[PPTP_ECHORP] = "ECHORP",
	[PPTP_OCRQ] = "OCRQ",
	[PPTP_OCRP] = "OCRP",
	[PPTP_ICRQ] = "ICRQ",
	[PPTP_ICRP] = "ICRP",
	[PPTP_ICCN] = "ICCN",
	[PPTP_CCRQ] = "CCRQ",
	[PPTP_CDN] = "CDN",
	[PPTP_WEN] = "WEN",
	[PPTP_SLI] = "SLI",
};

size_t pptp_msg_len(uint16_t type)
{
	if (type == 0 || type > PPTP_CTRL_TYPE_MAX)
		return 0;
	return msg_len[type];
}

const char *pptp_msg_name(uint16_t type)
{
	if (type == 0 || type > PPTP_CTRL_TYPE_MAX)
		return "unknown";
	return msg_name[type];
}

/*
 * Bounded readers over the message body. The caller has already checked the
 * exact length, so running short here is a bug; the cursor still refuses to
 * read past the end and yields zeros instead.
 */
struct rd {
	const uint8_t *p;
	size_t left;
	bool *reserved_nonzero;
};

static const uint8_t *rd_take(struct rd *r, size_t n)
{
	const uint8_t *p;

	if (r->left < n) {
		r->left = 0;
		return NULL;
	}
	p = r->p;
	r->p += n;
	r->left -= n;
	return p;
}

static uint8_t rd_u8(struct rd *r)
{
	const uint8_t *p = rd_take(r, 1);

	return p ? p[0] : 0;
}

static uint16_t rd_u16(struct rd *r)
{
	const uint8_t *p = rd_take(r, 2);

	return p ? (uint16_t)(p[0] << 8 | p[1]) : 0;
}

static uint32_t rd_u32(struct rd *r)
{
	const uint8_t *p = rd_take(r, 4);

	return p ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		   (uint32_t)p[2] << 8 | p[3] : 0;
}

/* A fixed-size string field: copy up to the first NUL; dst holds n + 1. */
static void rd_str(struct rd *r, char *dst, size_t n)
{
	const uint8_t *p = rd_take(r, n);
	size_t i = 0;

	if (p != NULL)
		for (; i < n && p[i] != '\0'; i++)
			dst[i] = (char)p[i];
	dst[i] = '\0';
}

static void rd_reserved(struct rd *r, size_t n)
{
	const uint8_t *p = rd_take(r, n);

	for (size_t i = 0; p != NULL && i < n; i++)
		if (p[i] != 0)
			*r->reserved_nonzero = true;
}

struct wr {
	uint8_t *p;
};

static void wr_u8(struct wr *w, uint8_t v)
{
	*w->p++ = v;
}

static void wr_u16(struct wr *w, uint16_t v)
{
	w->p[0] = (uint8_t)(v >> 8);
	w->p[1] = (uint8_t)v;
	w->p += 2;
}

static void wr_u32(struct wr *w, uint32_t v)
{
	w->p[0] = (uint8_t)(v >> 24);
	w->p[1] = (uint8_t)(v >> 16);
	w->p[2] = (uint8_t)(v >> 8);
	w->p[3] = (uint8_t)v;
	w->p += 4;
}

static void wr_zero(struct wr *w, size_t n)
{
	memset(w->p, 0, n);
	w->p += n;
}

/* A fixed-size string field, zero padded; a longer string is cut at n. */
static void wr_str(struct wr *w, const char *s, size_t n)
{
	size_t l = strnlen(s, n);

	memcpy(w->p, s, l);
	memset(w->p + l, 0, n - l);
	w->p += n;
}

/* ---- parse, one function per RFC 2637 2.x section ---- */

static void parse_sccrq(struct rd *r, struct pptp_sccrq *m)
{
	m->protocol_version = rd_u16(r);
	rd_reserved(r, 2);
	m->framing_caps = rd_u32(r);
	m->bearer_caps = rd_u32(r);
	m->max_channels = rd_u16(r);
	m->firmware_revision = rd_u16(r);
	rd_str(r, m->host_name, PPTP_STRING_LEN);
	rd_str(r, m->vendor, PPTP_STRING_LEN);
}

static void parse_sccrp(struct rd *r, struct pptp_sccrp *m)
{
	m->protocol_version = rd_u16(r);
	m->result = rd_u8(r);
	m->error = rd_u8(r);
	m->framing_caps = rd_u32(r);
	m->bearer_caps = rd_u32(r);
	m->max_channels = rd_u16(r);
	m->firmware_revision = rd_u16(r);
	rd_str(r, m->host_name, PPTP_STRING_LEN);
	rd_str(r, m->vendor, PPTP_STRING_LEN);
}

static void parse_stopccrq(struct rd *r, struct pptp_stopccrq *m)
{
	m->reason = rd_u8(r);
	rd_reserved(r, 1);
	rd_reserved(r, 2);
}

static void parse_stopccrp(struct rd *r, struct pptp_stopccrp *m)
{
	m->result = rd_u8(r);
	m->error = rd_u8(r);
	rd_reserved(r, 2);
}

static void parse_echorq(struct rd *r, struct pptp_echorq *m)
{
	m->id = rd_u32(r);
}

static void parse_echorp(struct rd *r, struct pptp_echorp *m)
{
	m->id = rd_u32(r);
	m->result = rd_u8(r);
	m->error = rd_u8(r);
	rd_reserved(r, 2);
}

static void parse_ocrq(struct rd *r, struct pptp_ocrq *m)
{
	m->call_id = rd_u16(r);
	m->call_serial = rd_u16(r);
	m->min_bps = rd_u32(r);
	m->max_bps = rd_u32(r);
	m->bearer_type = rd_u32(r);
	m->framing_type = rd_u32(r);
	m->recv_window = rd_u16(r);
	m->processing_delay = rd_u16(r);
	m->phone_number_len = rd_u16(r);
	rd_reserved(r, 2);
	rd_str(r, m->phone_number, PPTP_STRING_LEN);
	rd_str(r, m->subaddress, PPTP_STRING_LEN);
}

static void parse_ocrp(struct rd *r, struct pptp_ocrp *m)
{
	m->call_id = rd_u16(r);
	m->peer_call_id = rd_u16(r);
	m->result = rd_u8(r);
	m->error = rd_u8(r);
	m->cause = rd_u16(r);
	m->connect_speed = rd_u32(r);
	m->recv_window = rd_u16(r);
	m->processing_delay = rd_u16(r);
	m->physical_channel_id = rd_u32(r);
}

static void parse_icrq(struct rd *r, struct pptp_icrq *m)
{
	m->call_id = rd_u16(r);
	m->call_serial = rd_u16(r);
	m->bearer_type = rd_u32(r);
	m->physical_channel_id = rd_u32(r);
	m->dialed_number_len = rd_u16(r);
	m->dialing_number_len = rd_u16(r);
	rd_str(r, m->dialed_number, PPTP_STRING_LEN);
	rd_str(r, m->dialing_number, PPTP_STRING_LEN);
	rd_str(r, m->subaddress, PPTP_STRING_LEN);
}

static void parse_icrp(struct rd *r, struct pptp_icrp *m)
{
	m->call_id = rd_u16(r);
	m->peer_call_id = rd_u16(r);
	m->result = rd_u8(r);
	m->error = rd_u8(r);
	m->recv_window = rd_u16(r);
	m->transmit_delay = rd_u16(r);
	rd_reserved(r, 2);
}

static void parse_iccn(struct rd *r, struct pptp_iccn *m)
{
	m->peer_call_id = rd_u16(r);
	rd_reserved(r, 2);
	m->connect_speed = rd_u32(r);
	m->recv_window = rd_u16(r);
	m->transmit_delay = rd_u16(r);
	m->framing_type = rd_u32(r);
}

static void parse_ccrq(struct rd *r, struct pptp_ccrq *m)
{
	m->call_id = rd_u16(r);
	rd_reserved(r, 2);
}

static void parse_cdn(struct rd *r, struct pptp_cdn *m)
{
	m->call_id = rd_u16(r);
	m->result = rd_u8(r);
	m->error = rd_u8(r);
	m->cause = rd_u16(r);
	rd_reserved(r, 2);
	rd_str(r, m->call_stats, PPTP_CALL_STATS_LEN);
}

static void parse_wen(struct rd *r, struct pptp_wen *m)
{
	m->peer_call_id = rd_u16(r);
	rd_reserved(r, 2);
	m->crc_errors = rd_u32(r);
	m->framing_errors = rd_u32(r);
	m->hardware_overruns = rd_u32(r);
	m->buffer_overruns = rd_u32(r);
	m->timeout_errors = rd_u32(r);
	m->alignment_errors = rd_u32(r);
}

static void parse_sli(struct rd *r, struct pptp_sli *m)
{
	m->peer_call_id = rd_u16(r);
	rd_reserved(r, 2);
	m->send_accm = rd_u32(r);
	m->recv_accm = rd_u32(r);
}

int pptp_msg_parse(const uint8_t *buf, size_t len, struct pptp_msg *out, const char **why)
{
	const char *reason = NULL;
	int rc = PPTP_MSG_ERR_HEADER;
	struct rd r;
	uint16_t length, pptp_type, ctrl_type, reserved0;
	uint32_t cookie;

	memset(out, 0, sizeof(*out));

	/* RFC 2637 1.3/2: Length, PPTP Message Type, Magic Cookie, Control Message Type, Reserved0. */
	if (buf == NULL || len < PPTP_MSG_HDR_LEN) {
		reason = "shorter than the PPTP header";
		goto fail;
	}
	r = (struct rd){ .p = buf, .left = len, .reserved_nonzero = &out->reserved_nonzero };
	length = rd_u16(&r);
	pptp_type = rd_u16(&r);
	cookie = rd_u32(&r);
	ctrl_type = rd_u16(&r);
	reserved0 = rd_u16(&r);

	if (length == 0) {
		reason = "zero length field";
		goto fail;
	}
	if (length < PPTP_MSG_HDR_LEN) {
		reason = "length field shorter than the PPTP header";
		goto fail;
	}
	if (length > PPTP_MSG_MAX_LEN) {
		reason = "length field too large";
		goto fail;
	}
	if (length > len) {
		reason = "truncated: length field beyond the data";
		goto fail;
	}
	if (length < len) {
		reason = "data beyond the length field";
		goto fail;
	}
	if (pptp_type != PPTP_MSG_TYPE_CONTROL) {
		reason = "not a control message";
		goto fail;
	}
	if (cookie != PPTP_MAGIC_COOKIE) {
		reason = "bad magic cookie";
		goto fail;
	}

	/* From here on the stream is in step: errors only cost this message. */
	rc = PPTP_MSG_ERR_BODY;
	if (pptp_msg_len(ctrl_type) == 0) {
		reason = "unknown control message type";
		goto fail;
	}
	if (length != pptp_msg_len(ctrl_type)) {
		reason = "wrong length for the control message type";
		goto fail;
	}
	if (reserved0 != 0) {
		reason = "reserved0 not zero";
		goto fail;
	}

	out->type = ctrl_type;
	switch ((enum pptp_ctrl_type)ctrl_type) {
	case PPTP_SCCRQ: parse_sccrq(&r, &out->u.sccrq); break;
	case PPTP_SCCRP: parse_sccrp(&r, &out->u.sccrp); break;
	case PPTP_StopCCRQ: parse_stopccrq(&r, &out->u.stopccrq); break;
	case PPTP_StopCCRP: parse_stopccrp(&r, &out->u.stopccrp); break;
	case PPTP_ECHORQ: parse_echorq(&r, &out->u.echorq); break;
	case PPTP_ECHORP: parse_echorp(&r, &out->u.echorp); break;
	case PPTP_OCRQ: parse_ocrq(&r, &out->u.ocrq); break;
	case PPTP_OCRP: parse_ocrp(&r, &out->u.ocrp); break;
	case PPTP_ICRQ: parse_icrq(&r, &out->u.icrq); break;
	case PPTP_ICRP: parse_icrp(&r, &out->u.icrp); break;
	case PPTP_ICCN: parse_iccn(&r, &out->u.iccn); break;
	case PPTP_CCRQ: parse_ccrq(&r, &out->u.ccrq); break;
	case PPTP_CDN: parse_cdn(&r, &out->u.cdn); break;
	case PPTP_WEN: parse_wen(&r, &out->u.wen); break;
	case PPTP_SLI: parse_sli(&r, &out->u.sli); break;
	}
	if (why != NULL)
		*why = NULL;
	return PPTP_MSG_OK;

fail:
	memset(out, 0, sizeof(*out));
	if (why != NULL)
		*why = reason;
	return rc;
}

/* ---- build ---- */

static void build_sccrq(struct wr *w, const struct pptp_sccrq *m)
{
	wr_u16(w, m->protocol_version);
	wr_zero(w, 2);
	wr_u32(w, m->framing_caps);
	wr_u32(w, m->bearer_caps);
	wr_u16(w, m->max_channels);
	wr_u16(w, m->firmware_revision);
	wr_str(w, m->host_name, PPTP_STRING_LEN);
	wr_str(w, m->vendor, PPTP_STRING_LEN);
}

static void build_sccrp(struct wr *w, const struct pptp_sccrp *m)
{
	wr_u16(w, m->protocol_version);
	wr_u8(w, m->result);
	wr_u8(w, m->error);
	wr_u32(w, m->framing_caps);
	wr_u32(w, m->bearer_caps);
	wr_u16(w, m->max_channels);
	wr_u16(w, m->firmware_revision);
	wr_str(w, m->host_name, PPTP_STRING_LEN);
	wr_str(w, m->vendor, PPTP_STRING_LEN);
}

static void build_stopccrq(struct wr *w, const struct pptp_stopccrq *m)
{
	wr_u8(w, m->reason);
	wr_zero(w, 3);
}

static void build_stopccrp(struct wr *w, const struct pptp_stopccrp *m)
{
	wr_u8(w, m->result);
	wr_u8(w, m->error);
	wr_zero(w, 2);
}

static void build_echorq(struct wr *w, const struct pptp_echorq *m)
{
	wr_u32(w, m->id);
}

static void build_echorp(struct wr *w, const struct pptp_echorp *m)
{
	wr_u32(w, m->id);
	wr_u8(w, m->result);
	wr_u8(w, m->error);
	wr_zero(w, 2);
}

static void build_ocrq(struct wr *w, const struct pptp_ocrq *m)
{
	wr_u16(w, m->call_id);
	wr_u16(w, m->call_serial);
	wr_u32(w, m->min_bps);
	wr_u32(w, m->max_bps);
	wr_u32(w, m->bearer_type);
	wr_u32(w, m->framing_type);
	wr_u16(w, m->recv_window);
	wr_u16(w, m->processing_delay);
	wr_u16(w, m->phone_number_len);
	wr_zero(w, 2);
	wr_str(w, m->phone_number, PPTP_STRING_LEN);
	wr_str(w, m->subaddress, PPTP_STRING_LEN);
}

static void build_ocrp(struct wr *w, const struct pptp_ocrp *m)
{
	wr_u16(w, m->call_id);
	wr_u16(w, m->peer_call_id);
	wr_u8(w, m->result);
	wr_u8(w, m->error);
	wr_u16(w, m->cause);
	wr_u32(w, m->connect_speed);
	wr_u16(w, m->recv_window);
	wr_u16(w, m->processing_delay);
	wr_u32(w, m->physical_channel_id);
}

static void build_icrq(struct wr *w, const struct pptp_icrq *m)
{
	wr_u16(w, m->call_id);
	wr_u16(w, m->call_serial);
	wr_u32(w, m->bearer_type);
	wr_u32(w, m->physical_channel_id);
	wr_u16(w, m->dialed_number_len);
	wr_u16(w, m->dialing_number_len);
	wr_str(w, m->dialed_number, PPTP_STRING_LEN);
	wr_str(w, m->dialing_number, PPTP_STRING_LEN);
	wr_str(w, m->subaddress, PPTP_STRING_LEN);
}

static void build_icrp(struct wr *w, const struct pptp_icrp *m)
{
	wr_u16(w, m->call_id);
	wr_u16(w, m->peer_call_id);
	wr_u8(w, m->result);
	wr_u8(w, m->error);
	wr_u16(w, m->recv_window);
	wr_u16(w, m->transmit_delay);
	wr_zero(w, 2);
}

static void build_iccn(struct wr *w, const struct pptp_iccn *m)
{
	wr_u16(w, m->peer_call_id);
	wr_zero(w, 2);
	wr_u32(w, m->connect_speed);
	wr_u16(w, m->recv_window);
	wr_u16(w, m->transmit_delay);
	wr_u32(w, m->framing_type);
}

static void build_ccrq(struct wr *w, const struct pptp_ccrq *m)
{
	wr_u16(w, m->call_id);
	wr_zero(w, 2);
}

static void build_cdn(struct wr *w, const struct pptp_cdn *m)
{
	wr_u16(w, m->call_id);
	wr_u8(w, m->result);
	wr_u8(w, m->error);
	wr_u16(w, m->cause);
	wr_zero(w, 2);
	wr_str(w, m->call_stats, PPTP_CALL_STATS_LEN);
}

static void build_wen(struct wr *w, const struct pptp_wen *m)
{
	wr_u16(w, m->peer_call_id);
	wr_zero(w, 2);
	wr_u32(w, m->crc_errors);
	wr_u32(w, m->framing_errors);
	wr_u32(w, m->hardware_overruns);
	wr_u32(w, m->buffer_overruns);
	wr_u32(w, m->timeout_errors);
	wr_u32(w, m->alignment_errors);
}

static void build_sli(struct wr *w, const struct pptp_sli *m)
{
	wr_u16(w, m->peer_call_id);
	wr_zero(w, 2);
	wr_u32(w, m->send_accm);
	wr_u32(w, m->recv_accm);
}

size_t pptp_msg_build(const struct pptp_msg *m, uint8_t *buf, size_t cap)
{
	size_t len = pptp_msg_len(m->type);
	struct wr w = { .p = buf };

	if (len == 0 || buf == NULL || cap < len)
		return 0;

	wr_u16(&w, (uint16_t)len);
	wr_u16(&w, PPTP_MSG_TYPE_CONTROL);
	wr_u32(&w, PPTP_MAGIC_COOKIE);
	wr_u16(&w, m->type);
	wr_zero(&w, 2);

	switch ((enum pptp_ctrl_type)m->type) {
	case PPTP_SCCRQ: build_sccrq(&w, &m->u.sccrq); break;
	case PPTP_SCCRP: build_sccrp(&w, &m->u.sccrp); break;
	case PPTP_StopCCRQ: build_stopccrq(&w, &m->u.stopccrq); break;
	case PPTP_StopCCRP: build_stopccrp(&w, &m->u.stopccrp); break;
	case PPTP_ECHORQ: build_echorq(&w, &m->u.echorq); break;
	case PPTP_ECHORP: build_echorp(&w, &m->u.echorp); break;
	case PPTP_OCRQ: build_ocrq(&w, &m->u.ocrq); break;
	case PPTP_OCRP: build_ocrp(&w, &m->u.ocrp); break;
	case PPTP_ICRQ: build_icrq(&w, &m->u.icrq); break;
	case PPTP_ICRP: build_icrp(&w, &m->u.icrp); break;
	case PPTP_ICCN: build_iccn(&w, &m->u.iccn); break;
	case PPTP_CCRQ: build_ccrq(&w, &m->u.ccrq); break;
	case PPTP_CDN: build_cdn(&w, &m->u.cdn); break;
	case PPTP_WEN: build_wen(&w, &m->u.wen); break;
	case PPTP_SLI: build_sli(&w, &m->u.sli); break;
	}
	return (size_t)(w.p - buf);
}
