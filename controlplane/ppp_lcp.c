/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * LCP options and extra codes. "ours" is what the peer acknowledged of our
 * requests (it governs what we receive); "his" is what we acknowledged of the
 * peer's (it governs what we send): his.mru bounds our frames, his.pfc/acfc
 * allow us to compress, his.auth_proto is what the server wants from us.
 */
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "config.h"
#include "mono_clock.h"
#include "ppp_lcp.h"

/* Server role proposal order, strongest first. */
struct lcp_auth_method {
	uint32_t bit;
	uint16_t proto;
	uint8_t algo;
	const char *name;
};

static const struct lcp_auth_method lcp_auth_pref[] = {
	{ CFG_AUTH_MSCHAP2, PPP_PROTO_CHAP, CHAP_ALG_MSCHAP2, "mschap2" },
	{ CFG_AUTH_MSCHAP1, PPP_PROTO_CHAP, CHAP_ALG_MSCHAP, "mschap1" },
	{ CFG_AUTH_CHAP, PPP_PROTO_CHAP, CHAP_ALG_MD5, "chap" },
	{ CFG_AUTH_PAP, PPP_PROTO_PAP, PPP_AUTH_ALG_NONE, "pap" },
};
#define LCP_N_AUTH (sizeof(lcp_auth_pref) / sizeof(lcp_auth_pref[0]))

static const struct lcp_auth_method *lcp_auth_find(uint16_t proto, uint8_t algo)
{
	for (size_t i = 0; i < LCP_N_AUTH; i++)
		if (lcp_auth_pref[i].proto == proto &&
		    (proto == PPP_PROTO_PAP || lcp_auth_pref[i].algo == algo))
			return &lcp_auth_pref[i];
	return NULL;
}

static const struct lcp_auth_method *lcp_auth_first(uint32_t set)
{
	for (size_t i = 0; i < LCP_N_AUTH; i++)
		if (lcp_auth_pref[i].bit & set)
			return &lcp_auth_pref[i];
	return NULL;
}

uint32_t lcp_auth_bit(uint16_t proto, uint8_t algo)
{
	const struct lcp_auth_method *m = lcp_auth_find(proto, algo);

	return m ? m->bit : 0;
}

const char *lcp_auth_name(uint16_t proto, uint8_t algo)
{
	const struct lcp_auth_method *m = lcp_auth_find(proto, algo);

	return m ? m->name : "none";
}

/* Parse an Authentication-Protocol payload; NULL if malformed or unknown. */
static const struct lcp_auth_method *lcp_auth_parse(const uint8_t *d, size_t len)
{
	uint16_t proto = ppp_get16(d);

	if (proto == PPP_PROTO_PAP && len == LCP_OPT_AUTH_PAP_LEN - PPP_OPT_HDR_LEN)
		return lcp_auth_find(proto, PPP_AUTH_ALG_NONE);
	if (proto == PPP_PROTO_CHAP && len == LCP_OPT_AUTH_CHAP_LEN - PPP_OPT_HDR_LEN)
		return lcp_auth_find(proto, d[2]);
	return NULL;
}

static int lcp_auth_write(const struct lcp_auth_method *m, uint8_t *d)
{
	ppp_put16(d, m->proto);
	if (m->proto == PPP_PROTO_PAP)
		return LCP_OPT_AUTH_PAP_LEN - PPP_OPT_HDR_LEN;
	d[2] = m->algo;
	return LCP_OPT_AUTH_CHAP_LEN - PPP_OPT_HDR_LEN;
}

static uint32_t lcp_random(struct lcp *lcp)
{
	uint32_t v = 0;

	if (lcp->ops->random)
		return lcp->ops->random(lcp->owner);
	if (getrandom(&v, sizeof(v), GRND_NONBLOCK) != (ssize_t)sizeof(v)) {
		uint64_t ns = mono_ns();

		v = (uint32_t)ns ^ (uint32_t)(ns >> 32) ^ (uint32_t)(uintptr_t)lcp;
	}
	return v;
}

/* RFC 1661 6.4: a new magic, never zero and never the one we had. */
static uint32_t lcp_new_magic(struct lcp *lcp, uint32_t avoid)
{
	uint32_t v;

	do
		v = lcp_random(lcp);
	while (v == LCP_MAGIC_NONE || v == avoid);
	return v;
}

/* --- option handlers: MRU (RFC 1661 6.1) --- */

static int lcp_mru_add(void *ctx, uint8_t *d, size_t room)
{
	struct lcp *lcp = ctx;

	(void)room;
	if (!lcp->want.mru)
		return -1;
	ppp_put16(d, lcp->want.mru);
	return LCP_OPT_MRU_LEN - PPP_OPT_HDR_LEN;
}

/*
 * The peer's MRU bounds what we send. RFC 1661 lets it go below the 1500
 * default; we accept anything from 64 up (an IPv4 header plus a little)
 * rather than 576, since Windows and RouterOS ask for 1400-1450 and a floor
 * of 64 only keeps out nonsense.
 */
static enum ppp_opt_verdict lcp_mru_check(void *ctx, const uint8_t *d, size_t len,
					  uint8_t *nak, size_t *nak_len)
{
	struct lcp *lcp = ctx;
	uint16_t v = ppp_get16(d);

	(void)len;
	if (v < PPP_MRU_MIN) {
		ppp_put16(nak, PPP_MRU_MIN);
		*nak_len = LCP_OPT_MRU_LEN - PPP_OPT_HDR_LEN;
		return PPP_OPT_NAK;
	}
	lcp->his.mru = v;
	return PPP_OPT_ACK;
}

static void lcp_mru_ack(void *ctx, const uint8_t *d, size_t len)
{
	struct lcp *lcp = ctx;

	(void)len;
	lcp->ours.mru = ppp_get16(d);
}

/* A smaller MRU than ours is fine to receive with; a larger one is not. */
static void lcp_mru_nak(void *ctx, const uint8_t *d, size_t len)
{
	struct lcp *lcp = ctx;
	uint16_t v = ppp_get16(d);
	uint16_t max = lcp->cfg.mru ? lcp->cfg.mru : PPP_MRU_DEFAULT;

	(void)len;
	if (v >= PPP_MRU_MIN && v <= max)
		lcp->want.mru = v;
}

static void lcp_mru_rej(void *ctx)
{
	struct lcp *lcp = ctx;

	lcp->want.mru = 0;
}

/* --- ACCM (RFC 1662 7.1): meaningless on PPTP's synchronous link, acked --- */

static enum ppp_opt_verdict lcp_accm_check(void *ctx, const uint8_t *d, size_t len,
					   uint8_t *nak, size_t *nak_len)
{
	(void)ctx; (void)d; (void)len; (void)nak; (void)nak_len;
	return PPP_OPT_ACK;
}

/* --- Authentication-Protocol (RFC 1661 6.2, RFC 1994 3, RFC 2433, RFC 2759) --- */

static int lcp_auth_add(void *ctx, uint8_t *d, size_t room)
{
	struct lcp *lcp = ctx;
	const struct lcp_auth_method *m;

	(void)room;
	if (!lcp->want.auth_proto)
		return -1;
	m = lcp_auth_find(lcp->want.auth_proto, lcp->want.auth_algo);
	return m ? lcp_auth_write(m, d) : -1;
}

/*
 * Server role: we never authenticate ourselves to a client, so its request is
 * rejected. Client role: the server's choice is taken if `allow` has it,
 * otherwise we Nak with our most preferred allowed method (RFC 1661 6.2).
 */
static enum ppp_opt_verdict lcp_auth_check(void *ctx, const uint8_t *d, size_t len,
					   uint8_t *nak, size_t *nak_len)
{
	struct lcp *lcp = ctx;
	const struct lcp_auth_method *m, *pref;

	if (lcp->cfg.role == PPP_ROLE_SERVER)
		return PPP_OPT_REJ;
	m = lcp_auth_parse(d, len);
	if (m && (m->bit & lcp->cfg.auth)) {
		lcp->his.auth_proto = m->proto;
		lcp->his.auth_algo = m->algo;
		return PPP_OPT_ACK;
	}
	pref = lcp_auth_first(lcp->cfg.auth);
	if (!pref)
		return PPP_OPT_REJ;
	ppp_fsm_log(&lcp->fsm, CFG_LOG_INFO, "peer asked auth=%s, suggesting %s",
		    m ? m->name : "unknown", pref->name);
	*nak_len = (size_t)lcp_auth_write(pref, nak);
	return PPP_OPT_NAK;
}

static void lcp_auth_ack(void *ctx, const uint8_t *d, size_t len)
{
	struct lcp *lcp = ctx;
	const struct lcp_auth_method *m = lcp_auth_parse(d, len);

	if (m) {
		lcp->ours.auth_proto = m->proto;
		lcp->ours.auth_algo = m->algo;
	}
}

/*
 * Server role: the peer suggests another method. Take it if we allow it and
 * have not been Nak'd away from it already; otherwise give up, since asking
 * again would only loop.
 */
static void lcp_auth_nak(void *ctx, const uint8_t *d, size_t len)
{
	struct lcp *lcp = ctx;
	const struct lcp_auth_method *cur, *m;

	if (lcp->cfg.role != PPP_ROLE_SERVER || !lcp->want.auth_proto)
		return;
	cur = lcp_auth_find(lcp->want.auth_proto, lcp->want.auth_algo);
	m = lcp_auth_parse(d, len);
	if (cur)
		lcp->auth_tried |= cur->bit;
	if (!m || !(m->bit & lcp->cfg.auth) || (m->bit & lcp->auth_tried)) {
		ppp_fsm_log(&lcp->fsm, CFG_LOG_INFO, "peer wants auth=%s, not allowed",
			    m ? m->name : "unknown");
		ppp_fsm_request_close(&lcp->fsm, LCP_REASON_AUTH_REFUSED);
		return;
	}
	lcp->want.auth_proto = m->proto;
	lcp->want.auth_algo = m->algo;
}

static void lcp_auth_rej(void *ctx)
{
	struct lcp *lcp = ctx;

	if (lcp->cfg.role == PPP_ROLE_SERVER && lcp->want.auth_proto)
		ppp_fsm_request_close(&lcp->fsm, LCP_REASON_AUTH_REFUSED);
	lcp->want.auth_proto = 0;
}

/* --- Magic-Number (RFC 1661 6.4) --- */

static int lcp_magic_add(void *ctx, uint8_t *d, size_t room)
{
	struct lcp *lcp = ctx;

	(void)room;
	if (lcp->want.magic == LCP_MAGIC_NONE)
		return -1;
	ppp_put32(d, lcp->want.magic);
	return LCP_OPT_MAGIC_LEN - PPP_OPT_HDR_LEN;
}

/* Zero is illegal; our own value may mean a looped-back link: Nak with another. */
static enum ppp_opt_verdict lcp_magic_check(void *ctx, const uint8_t *d, size_t len,
					    uint8_t *nak, size_t *nak_len)
{
	struct lcp *lcp = ctx;
	uint32_t v = ppp_get32(d);

	(void)len;
	if (v == LCP_MAGIC_NONE || v == lcp->want.magic) {
		if (v != LCP_MAGIC_NONE)
			lcp->stats.magic_loop_naks++;
		ppp_put32(nak, lcp_new_magic(lcp, v));
		*nak_len = LCP_OPT_MAGIC_LEN - PPP_OPT_HDR_LEN;
		return PPP_OPT_NAK;
	}
	lcp->his.magic = v;
	return PPP_OPT_ACK;
}

static void lcp_magic_ack(void *ctx, const uint8_t *d, size_t len)
{
	struct lcp *lcp = ctx;

	(void)len;
	lcp->ours.magic = ppp_get32(d);
}

/* 6.4: a Nak of our magic means pick a different one. */
static void lcp_magic_nak(void *ctx, const uint8_t *d, size_t len)
{
	struct lcp *lcp = ctx;

	(void)d; (void)len;
	if (lcp->want.magic != LCP_MAGIC_NONE)
		lcp->want.magic = lcp_new_magic(lcp, lcp->want.magic);
}

static void lcp_magic_rej(void *ctx)
{
	struct lcp *lcp = ctx;

	lcp->want.magic = LCP_MAGIC_NONE;
}

/* --- PFC (6.5) and ACFC (6.6): flags, no data --- */

static int lcp_pfc_add(void *ctx, uint8_t *d, size_t room)
{
	struct lcp *lcp = ctx;

	(void)d; (void)room;
	return lcp->want.pfc ? 0 : -1;
}

static enum ppp_opt_verdict lcp_pfc_check(void *ctx, const uint8_t *d, size_t len,
					  uint8_t *nak, size_t *nak_len)
{
	struct lcp *lcp = ctx;

	(void)d; (void)len; (void)nak; (void)nak_len;
	lcp->his.pfc = true;
	return PPP_OPT_ACK;
}

static void lcp_pfc_ack(void *ctx, const uint8_t *d, size_t len)
{
	struct lcp *lcp = ctx;

	(void)d; (void)len;
	lcp->ours.pfc = true;
}

static void lcp_pfc_rej(void *ctx)
{
	struct lcp *lcp = ctx;

	lcp->want.pfc = false;
}

static int lcp_acfc_add(void *ctx, uint8_t *d, size_t room)
{
	struct lcp *lcp = ctx;

	(void)d; (void)room;
	return lcp->want.acfc ? 0 : -1;
}

static enum ppp_opt_verdict lcp_acfc_check(void *ctx, const uint8_t *d, size_t len,
					   uint8_t *nak, size_t *nak_len)
{
	struct lcp *lcp = ctx;

	(void)d; (void)len; (void)nak; (void)nak_len;
	lcp->his.acfc = true;
	return PPP_OPT_ACK;
}

static void lcp_acfc_ack(void *ctx, const uint8_t *d, size_t len)
{
	struct lcp *lcp = ctx;

	(void)d; (void)len;
	lcp->ours.acfc = true;
}

static void lcp_acfc_rej(void *ctx)
{
	struct lcp *lcp = ctx;

	lcp->want.acfc = false;
}

/* --- RFC 1990 5.1: MRRU, short sequence numbers, endpoint discriminator --- */

static int lcp_mrru_add(void *ctx, uint8_t *d, size_t room)
{
	struct lcp *lcp = ctx;

	(void)room;
	if (!lcp->want.mrru)
		return -1;
	ppp_put16(d, lcp->want.mrru);
	return LCP_OPT_MRRU_LEN - PPP_OPT_HDR_LEN;
}

static enum ppp_opt_verdict lcp_mrru_check(void *ctx, const uint8_t *d, size_t len,
					   uint8_t *nak, size_t *nak_len)
{
	struct lcp *lcp = ctx;
	uint16_t v = ppp_get16(d);

	(void)len;
	if (!lcp->cfg.mrru)
		return PPP_OPT_REJ;
	if (v < PPP_MRU_MIN) {
		ppp_put16(nak, PPP_MRU_MIN);
		*nak_len = LCP_OPT_MRRU_LEN - PPP_OPT_HDR_LEN;
		return PPP_OPT_NAK;
	}
	lcp->his.mrru = v;
	return PPP_OPT_ACK;
}

static void lcp_mrru_ack(void *ctx, const uint8_t *d, size_t len)
{
	struct lcp *lcp = ctx;

	(void)len;
	lcp->ours.mrru = ppp_get16(d);
}

static void lcp_mrru_nak(void *ctx, const uint8_t *d, size_t len)
{
	struct lcp *lcp = ctx;
	uint16_t v = ppp_get16(d);

	(void)len;
	if (lcp->cfg.mrru && v >= PPP_MRU_MIN && v <= lcp->cfg.mrru)
		lcp->want.mrru = v;
}

static void lcp_mrru_rej(void *ctx)
{
	struct lcp *lcp = ctx;

	lcp->want.mrru = 0;
}

static enum ppp_opt_verdict lcp_ssnhf_check(void *ctx, const uint8_t *d, size_t len,
					    uint8_t *nak, size_t *nak_len)
{
	struct lcp *lcp = ctx;

	(void)d; (void)len; (void)nak; (void)nak_len;
	if (!lcp->cfg.mrru)
		return PPP_OPT_REJ;
	lcp->his.ssnhf = true;
	return PPP_OPT_ACK;
}

static enum ppp_opt_verdict lcp_epdisc_check(void *ctx, const uint8_t *d, size_t len,
					     uint8_t *nak, size_t *nak_len)
{
	struct lcp *lcp = ctx;

	(void)d; (void)len; (void)nak; (void)nak_len;
	if (!lcp->cfg.mrru)
		return PPP_OPT_REJ;
	lcp->his.epdisc = true;
	return PPP_OPT_ACK;
}

/*
 * One entry per option we know. Callback (13, Windows' CBCP) and Quality
 * Protocol carry no check_request: known by name, always rejected; anything
 * not listed is rejected as unknown.
 */
static const struct ppp_opt_handler lcp_opts[] = {
	{ .type = LCP_OPT_MRU, .name = "mru", .min_len = LCP_OPT_MRU_LEN,
	  .max_len = LCP_OPT_MRU_LEN, .add_to_request = lcp_mru_add,
	  .check_request = lcp_mru_check, .on_ack = lcp_mru_ack,
	  .on_nak = lcp_mru_nak, .on_reject = lcp_mru_rej },
	{ .type = LCP_OPT_ACCM, .name = "accm", .min_len = LCP_OPT_ACCM_LEN,
	  .max_len = LCP_OPT_ACCM_LEN, .check_request = lcp_accm_check },
	{ .type = LCP_OPT_AUTH, .name = "auth-protocol", .min_len = LCP_OPT_AUTH_PAP_LEN,
	  .max_len = UINT8_MAX, .add_to_request = lcp_auth_add,
	  .check_request = lcp_auth_check, .on_ack = lcp_auth_ack,
	  .on_nak = lcp_auth_nak, .on_reject = lcp_auth_rej },
	{ .type = LCP_OPT_QUALITY, .name = "quality-protocol", .min_len = 0,
	  .max_len = UINT8_MAX },
	{ .type = LCP_OPT_MAGIC, .name = "magic-number", .min_len = LCP_OPT_MAGIC_LEN,
	  .max_len = LCP_OPT_MAGIC_LEN, .add_to_request = lcp_magic_add,
	  .check_request = lcp_magic_check, .on_ack = lcp_magic_ack,
	  .on_nak = lcp_magic_nak, .on_reject = lcp_magic_rej },
	{ .type = LCP_OPT_PFC, .name = "pfc", .min_len = LCP_OPT_FLAG_LEN,
	  .max_len = LCP_OPT_FLAG_LEN, .add_to_request = lcp_pfc_add,
	  .check_request = lcp_pfc_check, .on_ack = lcp_pfc_ack, .on_reject = lcp_pfc_rej },
	{ .type = LCP_OPT_ACFC, .name = "acfc", .min_len = LCP_OPT_FLAG_LEN,
	  .max_len = LCP_OPT_FLAG_LEN, .add_to_request = lcp_acfc_add,
	  .check_request = lcp_acfc_check, .on_ack = lcp_acfc_ack, .on_reject = lcp_acfc_rej },
	{ .type = LCP_OPT_CALLBACK, .name = "callback", .min_len = 0, .max_len = UINT8_MAX },
	{ .type = LCP_OPT_MRRU, .name = "mrru", .min_len = LCP_OPT_MRRU_LEN,
	  .max_len = LCP_OPT_MRRU_LEN, .add_to_request = lcp_mrru_add,
	  .check_request = lcp_mrru_check, .on_ack = lcp_mrru_ack,
	  .on_nak = lcp_mrru_nak, .on_reject = lcp_mrru_rej },
	{ .type = LCP_OPT_SSNHF, .name = "short-sequence", .min_len = LCP_OPT_FLAG_LEN,
	  .max_len = LCP_OPT_FLAG_LEN, .check_request = lcp_ssnhf_check },
	{ .type = LCP_OPT_EPDISC, .name = "endpoint-discriminator",
	  .min_len = LCP_OPT_EPDISC_MIN_LEN, .max_len = LCP_OPT_EPDISC_MAX_LEN,
	  .check_request = lcp_epdisc_check },
};

/* --- automaton hooks --- */

static struct lcp *lcp_of(struct ppp_fsm *f)
{
	return f->ctx;
}

static void lcp_neg_defaults(struct lcp_neg *n)
{
	memset(n, 0, sizeof(*n));
	n->mru = PPP_MRU_DEFAULT;
}

static void lcp_reset_ours(struct ppp_fsm *f)
{
	struct lcp *lcp = lcp_of(f);
	const struct lcp_auth_method *m = NULL;

	memset(&lcp->want, 0, sizeof(lcp->want));
	if (lcp->cfg.mru && lcp->cfg.mru != PPP_MRU_DEFAULT)
		lcp->want.mru = lcp->cfg.mru;
	lcp->want.magic = lcp_new_magic(lcp, LCP_MAGIC_NONE);
	if (lcp->cfg.role == PPP_ROLE_SERVER)
		m = lcp_auth_first(lcp->cfg.auth);
	if (m) {
		lcp->want.auth_proto = m->proto;
		lcp->want.auth_algo = m->algo;
	}
	lcp->want.pfc = lcp->cfg.request_pfc;
	lcp->want.acfc = lcp->cfg.request_acfc;
	lcp->want.mrru = lcp->cfg.mrru;
	lcp->auth_tried = 0;
	lcp_neg_defaults(&lcp->ours);
}

static void lcp_reset_peer(struct ppp_fsm *f)
{
	lcp_neg_defaults(&lcp_of(f)->his);
}

static void lcp_tlu(struct ppp_fsm *f)
{
	struct lcp *lcp = lcp_of(f);

	lcp->echo_outstanding = 0;
	lcp->echo_rejected = false;
	lcp->peer_terminated = false;
	ppp_fsm_set_peer_mru(f, lcp->his.mru);
	lcp->ops->up(lcp->owner);
}

static void lcp_tld(struct ppp_fsm *f)
{
	struct lcp *lcp = lcp_of(f);

	lcp->ops->down(lcp->owner);
}

static void lcp_tlf(struct ppp_fsm *f)
{
	struct lcp *lcp = lcp_of(f);

	lcp->ops->finished(lcp->owner);
}

/* Keep printable ASCII only: the text goes into logs. */
static void lcp_copy_text(char *dst, size_t cap, const uint8_t *src, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len && n + 1 < cap; i++)
		dst[n++] = (src[i] >= ' ' && src[i] < 0x7f) ? (char)src[i] : '.';
	dst[n] = '\0';
}

static void lcp_peer_terminate(struct ppp_fsm *f, const uint8_t *data, size_t len)
{
	struct lcp *lcp = lcp_of(f);

	lcp->peer_terminated = true;
	lcp_copy_text(lcp->peer_reason, sizeof(lcp->peer_reason), data, len);
	ppp_fsm_log(f, CFG_LOG_INFO, "peer terminated reason=\"%s\"", lcp->peer_reason);
}

static void lcp_code_rejected(struct ppp_fsm *f, uint8_t code)
{
	if (code == PPP_CODE_ECHO_REQ)
		lcp_of(f)->echo_rejected = true;
}

/* RFC 1661 5.7: Protocol-Reject. LCP itself rejected is fatal (RXJ-). */
static void lcp_rcv_proto_rej(struct lcp *lcp, const uint8_t *d, size_t len)
{
	uint16_t proto;

	if (len < PPP_PROTO_LEN) {
		lcp->stats.proto_rej_short++;
		return;
	}
	proto = ppp_get16(d);
	lcp->stats.proto_rej_rx++;
	ppp_fsm_log(&lcp->fsm, CFG_LOG_INFO, "peer rejected protocol=0x%04x",
		    (unsigned int)proto);
	if (proto == PPP_PROTO_LCP) {
		ppp_fsm_rejected(&lcp->fsm, true);
		return;
	}
	if (lcp->fsm.state == PPP_FSM_OPENED)
		lcp->ops->protocol_reject(lcp->owner, proto);
	ppp_fsm_rejected(&lcp->fsm, false);
}

/* RFC 1661 5.8: Echo-Request answered only in Opened, with our magic. */
static void lcp_rcv_echo_req(struct lcp *lcp, uint8_t id, const uint8_t *d, size_t len)
{
	uint8_t reply[PPP_CTRL_MAX - PPP_CP_HDR_LEN];

	if (lcp->fsm.state != PPP_FSM_OPENED) {
		lcp->stats.echo_drop_state++;
		return;
	}
	if (len < sizeof(uint32_t)) {
		lcp->stats.echo_drop_short++;
		return;
	}
	lcp->stats.echo_req_rx++;
	if (lcp->ours.magic != LCP_MAGIC_NONE && ppp_get32(d) == lcp->ours.magic) {
		lcp->stats.echo_looped++;
		return;
	}
	if (len > sizeof(reply))
		len = sizeof(reply);
	ppp_put32(reply, lcp->ours.magic);
	memcpy(reply + sizeof(uint32_t), d + sizeof(uint32_t), len - sizeof(uint32_t));
	lcp->stats.echo_reply_tx++;
	ppp_fsm_send_code(&lcp->fsm, PPP_CODE_ECHO_REPLY, id, reply, len);
}

static void lcp_rcv_echo_reply(struct lcp *lcp, uint8_t id, const uint8_t *d, size_t len)
{
	if (lcp->fsm.state != PPP_FSM_OPENED) {
		lcp->stats.echo_drop_state++;
		return;
	}
	if (len < sizeof(uint32_t)) {
		lcp->stats.echo_drop_short++;
		return;
	}
	if (lcp->ours.magic != LCP_MAGIC_NONE && ppp_get32(d) == lcp->ours.magic) {
		lcp->stats.echo_looped++;
		return;
	}
	lcp->stats.echo_reply_rx++;
	lcp->echo_outstanding = 0;
	if (lcp->ops->echo_reply)
		lcp->ops->echo_reply(lcp->owner, id);
}

/* RFC 1570 2.1 Identification (Windows sends "MSRASV5.x"), 2.2 Time-Remaining. */
static void lcp_rcv_info(struct lcp *lcp, uint8_t code, const uint8_t *d, size_t len)
{
	char text[LCP_REASON_MAX];
	size_t need = sizeof(uint32_t) + (code == PPP_CODE_TIME_REMAINING ? sizeof(uint32_t) : 0);

	if (len < need) {
		lcp->stats.short_ext++;
		return;
	}
	if (code == PPP_CODE_IDENTIFICATION) {
		lcp->stats.ident_rx++;
		lcp_copy_text(text, sizeof(text), d + sizeof(uint32_t), len - sizeof(uint32_t));
		ppp_fsm_log(&lcp->fsm, CFG_LOG_INFO, "peer identification=\"%s\"", text);
	} else {
		lcp->stats.time_remaining_rx++;
		lcp_copy_text(text, sizeof(text), d + need, len - need);
		ppp_fsm_log(&lcp->fsm, CFG_LOG_INFO, "peer time-remaining=%u message=\"%s\"",
			    (unsigned int)ppp_get32(d + sizeof(uint32_t)), text);
	}
}

static bool lcp_extcode(struct ppp_fsm *f, uint8_t code, uint8_t id,
			const uint8_t *d, size_t len)
{
	struct lcp *lcp = lcp_of(f);

	switch (code) {
	case PPP_CODE_PROTO_REJ:
		lcp_rcv_proto_rej(lcp, d, len);
		return true;
	case PPP_CODE_ECHO_REQ:
		lcp_rcv_echo_req(lcp, id, d, len);
		return true;
	case PPP_CODE_ECHO_REPLY:
		lcp_rcv_echo_reply(lcp, id, d, len);
		return true;
	case PPP_CODE_DISCARD_REQ:
		lcp->stats.discard_rx++;
		return true;
	case PPP_CODE_IDENTIFICATION:
	case PPP_CODE_TIME_REMAINING:
		lcp_rcv_info(lcp, code, d, len);
		return true;
	default:
		return false;
	}
}

static const struct ppp_fsm_proto lcp_proto = {
	.name = "lcp",
	.proto = PPP_PROTO_LCP,
	.opts = lcp_opts,
	.n_opts = sizeof(lcp_opts) / sizeof(lcp_opts[0]),
	.tlu = lcp_tlu,
	.tld = lcp_tld,
	.tlf = lcp_tlf,
	.reset_ours = lcp_reset_ours,
	.reset_peer = lcp_reset_peer,
	.extcode = lcp_extcode,
	.code_rejected = lcp_code_rejected,
	.peer_terminate = lcp_peer_terminate,
};

void lcp_init(struct lcp *lcp, const struct lcp_config *cfg, const struct lcp_ops *ops,
	      void *owner, const struct ppp_fsm_env *env, void *env_ctx, unsigned int timer_id)
{
	memset(lcp, 0, sizeof(*lcp));
	lcp->cfg = *cfg;
	lcp->ops = ops;
	lcp->owner = owner;
	lcp_neg_defaults(&lcp->ours);
	lcp_neg_defaults(&lcp->his);
	ppp_fsm_init(&lcp->fsm, &lcp_proto, lcp, env, env_ctx, timer_id);
}

int lcp_send_echo(struct lcp *lcp)
{
	uint8_t magic[sizeof(uint32_t)];
	uint8_t id;

	if (lcp->fsm.state != PPP_FSM_OPENED)
		return -1;
	id = lcp->echo_id++;
	ppp_put32(magic, lcp->ours.magic);
	lcp->stats.echo_req_tx++;
	lcp->echo_outstanding++;
	ppp_fsm_send_code(&lcp->fsm, PPP_CODE_ECHO_REQ, id, magic, sizeof(magic));
	return id;
}

int lcp_send_protocol_reject(struct lcp *lcp, uint16_t proto, const uint8_t *info, size_t len)
{
	uint8_t buf[PPP_CTRL_MAX - PPP_CP_HDR_LEN];

	/* RFC 1661 5.7: only in the Opened state. */
	if (lcp->fsm.state != PPP_FSM_OPENED)
		return -1;
	if (len > sizeof(buf) - PPP_PROTO_LEN)
		len = sizeof(buf) - PPP_PROTO_LEN;
	ppp_put16(buf, proto);
	if (len)
		memcpy(buf + PPP_PROTO_LEN, info, len);
	return ppp_fsm_send_code(&lcp->fsm, PPP_CODE_PROTO_REJ, ppp_fsm_new_id(&lcp->fsm),
				 buf, PPP_PROTO_LEN + len);
}
