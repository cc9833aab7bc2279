/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CCP with MPPE only. RFC 3078 2: a Configure-Request lists every key length
 * (and the H bit) the sender can receive; the other side Naks with the
 * single value it picks; the sender then asks for exactly that. Both roles
 * follow the same rules, so our server and our client talk to each other and
 * to Windows/pppd the same way.
 */
#include <string.h>

#include "ppp_ccp.h"

#define MPPE_PAYLOAD_LEN (CCP_OPT_MPPE_LEN - PPP_OPT_HDR_LEN)

static struct ccp *ccp_of(struct ppp_fsm *f)
{
	return f->ctx;
}

void ccp_params_default(struct ccp_params *p)
{
	p->encryption = CCP_ENC_ALLOWED;
	p->key_bits = MPPE_KEY_BITS;
	p->stateless_allowed = true;
	p->stateful_allowed = true;
}

enum ccp_encryption ccp_encryption_from_cfg(enum cfg_use_encryption e)
{
	switch (e) {
	case CFG_ENC_NO:
		return CCP_ENC_REFUSED;
	case CFG_ENC_YES:
	case CFG_ENC_REQUIRED:
		return CCP_ENC_REQUIRED;
	case CFG_ENC_DEFAULT:
	default:
		return CCP_ENC_ALLOWED;
	}
}

void ccp_params_set_mode(struct ccp_params *p, enum cfg_mppe_mode m)
{
	p->stateless_allowed = m != CFG_MPPE_MODE_STATEFUL;
	p->stateful_allowed = m != CFG_MPPE_MODE_STATELESS;
}

const char *ccp_mppe_name(uint32_t key_bit)
{
	switch (key_bit) {
	case MPPE_BIT_S:
		return "MPPE128";
	case MPPE_BIT_M:
		return "MPPE56";
	case MPPE_BIT_L:
		return "MPPE40";
	default:
		return "";
	}
}

/* Strongest single key bit of a set: 128 over 56 over 40. */
static uint32_t mppe_strongest(uint32_t bits)
{
	if (bits & MPPE_BIT_S)
		return MPPE_BIT_S;
	if (bits & MPPE_BIT_M)
		return MPPE_BIT_M;
	if (bits & MPPE_BIT_L)
		return MPPE_BIT_L;
	return 0;
}

static bool ccp_wants_mppe(const struct ccp *ccp)
{
	return ccp->params.encryption != CCP_ENC_REFUSED &&
	       (ccp->params.key_bits & MPPE_KEY_BITS) &&
	       (ccp->params.stateless_allowed || ccp->params.stateful_allowed);
}

/* Our offer: every allowed key length, H when stateless is allowed (preferred). */
static uint32_t ccp_offer(const struct ccp *ccp)
{
	return (ccp->params.key_bits & MPPE_KEY_BITS) |
	       (ccp->params.stateless_allowed ? MPPE_BIT_H : 0);
}

/* The mode for a value the peer proposed: its choice if we allow it, else ours. */
static uint32_t ccp_pick_h(const struct ccp *ccp, uint32_t proposed)
{
	if (proposed & MPPE_BIT_H)
		return ccp->params.stateless_allowed ? MPPE_BIT_H : 0;
	return ccp->params.stateful_allowed ? 0 : MPPE_BIT_H;
}

/* Encryption cannot be agreed: fatal when required, else CCP just closes. */
static void ccp_give_up(struct ccp *ccp, const char *why)
{
	ppp_fsm_log(&ccp->fsm, CFG_LOG_INFO, "mppe not agreed: %s", why);
	if (ccp->params.encryption == CCP_ENC_REQUIRED) {
		ccp->ops->fail(ccp->owner, CCP_REASON_REQUIRED);
		ppp_fsm_request_close(&ccp->fsm, CCP_REASON_REQUIRED);
	} else {
		ppp_fsm_request_close(&ccp->fsm, "no encryption");
	}
}

/* --- MPPE option (RFC 3078 2) --- */

static int ccp_mppe_add(void *ctx, uint8_t *d, size_t room)
{
	struct ccp *ccp = ctx;

	(void)room;
	if (!ccp->want_mppe)
		return -1;
	ppp_put32(d, ccp->want_bits);
	return MPPE_PAYLOAD_LEN;
}

/*
 * The peer's request: several key bits are Nak'd down to the strongest we
 * share, C (MPPC) and D and unknown bits are Nak'd away, the mode follows
 * ccp_pick_h(). No common key: Nak with our strongest, the peer may move.
 */
static enum ppp_opt_verdict ccp_mppe_check(void *ctx, const uint8_t *d, size_t len,
					   uint8_t *nak, size_t *nak_len)
{
	struct ccp *ccp = ctx;
	uint32_t p = ppp_get32(d);
	uint32_t key, want;

	(void)len;
	if (!ccp_wants_mppe(ccp))
		return PPP_OPT_REJ;
	key = mppe_strongest(p & ccp->params.key_bits);
	if (!key)
		key = mppe_strongest(ccp->params.key_bits);
	want = key | ccp_pick_h(ccp, p);
	if (p != want) {
		ppp_put32(nak, want);
		*nak_len = MPPE_PAYLOAD_LEN;
		return PPP_OPT_NAK;
	}
	ccp->his_acked = true;
	ccp->his_bits = p;
	return PPP_OPT_ACK;
}

static void ccp_mppe_ack(void *ctx, const uint8_t *d, size_t len)
{
	struct ccp *ccp = ctx;

	(void)len;
	ccp->ours_acked = true;
	ccp->ours_bits = ppp_get32(d);
}

/* The peer picked a value for us: take its key and mode if we allow them. */
static void ccp_mppe_nak(void *ctx, const uint8_t *d, size_t len)
{
	struct ccp *ccp = ctx;
	uint32_t n = ppp_get32(d);
	uint32_t key = mppe_strongest(n & ccp->params.key_bits);

	(void)len;
	if (!ccp_wants_mppe(ccp))
		return;
	if (!key) {
		ccp_give_up(ccp, "no common key length");
		return;
	}
	ccp->want_mppe = true;
	ccp->want_bits = key | ccp_pick_h(ccp, n);
}

static void ccp_mppe_rej(void *ctx)
{
	struct ccp *ccp = ctx;

	ccp->want_mppe = false;
	ccp_give_up(ccp, "peer rejected mppe");
}

/* A peer that asks for no MPPE at all is told what we want (RFC 1661 5.3 hint). */
static int ccp_mppe_absent(void *ctx, uint8_t *nak)
{
	struct ccp *ccp = ctx;

	if (!ccp_wants_mppe(ccp))
		return -1;
	ppp_put32(nak, mppe_strongest(ccp->params.key_bits) | ccp_pick_h(ccp, ccp_offer(ccp)));
	return MPPE_PAYLOAD_LEN;
}

static const struct ppp_opt_handler ccp_opts[] = {
	{ .type = CCP_OPT_MPPE, .name = "mppe", .min_len = CCP_OPT_MPPE_LEN,
	  .max_len = CCP_OPT_MPPE_LEN, .add_to_request = ccp_mppe_add,
	  .check_request = ccp_mppe_check, .on_ack = ccp_mppe_ack,
	  .on_nak = ccp_mppe_nak, .on_reject = ccp_mppe_rej,
	  .nak_if_absent = ccp_mppe_absent },
};

/* --- automaton hooks --- */

static void ccp_reset_ours(struct ppp_fsm *f)
{
	struct ccp *ccp = ccp_of(f);

	ccp->want_mppe = ccp_wants_mppe(ccp);
	ccp->want_bits = ccp_offer(ccp);
	ccp->ours_acked = false;
	ccp->ours_bits = 0;
	ccp->reset_pending = false;
}

static void ccp_reset_peer(struct ppp_fsm *f)
{
	struct ccp *ccp = ccp_of(f);

	ccp->his_acked = false;
	ccp->his_bits = 0;
}

/*
 * Both directions must carry one and the same key length and mode: the
 * dataplane keeps one MPPE configuration per session.
 */
static void ccp_tlu(struct ppp_fsm *f)
{
	struct ccp *ccp = ccp_of(f);
	uint32_t ours_key = mppe_strongest(ccp->ours_bits);
	uint32_t his_key = mppe_strongest(ccp->his_bits);

	if (!ccp->ours_acked || !ccp->his_acked) {
		ccp_give_up(ccp, "one direction without mppe");
		return;
	}
	if (ours_key != his_key || ((ccp->ours_bits ^ ccp->his_bits) & MPPE_BIT_H)) {
		ccp_give_up(ccp, "directions disagree");
		return;
	}
	ppp_fsm_log(f, CFG_LOG_INFO, "encoding=\"%s %s\"", ccp_mppe_name(his_key),
		    (ccp->his_bits & MPPE_BIT_H) ? "stateless" : "stateful");
	ccp->ops->on_up(ccp->owner, his_key, (ccp->his_bits & MPPE_BIT_H) != 0);
}

static void ccp_tld(struct ppp_fsm *f)
{
	struct ccp *ccp = ccp_of(f);

	ccp->ops->on_down(ccp->owner);
}

static void ccp_tlf(struct ppp_fsm *f)
{
	struct ccp *ccp = ccp_of(f);

	ccp->ops->on_finished(ccp->owner);
}

/* RFC 1962 5.1: Reset-Request gets a Reset-Ack with its Identifier. */
static bool ccp_extcode(struct ppp_fsm *f, uint8_t code, uint8_t id,
			const uint8_t *d, size_t len)
{
	struct ccp *ccp = ccp_of(f);

	(void)d; (void)len;
	if (code != PPP_CODE_RESET_REQ && code != PPP_CODE_RESET_ACK)
		return false;
	if (f->state != PPP_FSM_OPENED) {
		ccp->stats.reset_drop_state++;
		return true;
	}
	if (code == PPP_CODE_RESET_REQ) {
		ccp->stats.reset_req_rx++;
		ccp->stats.reset_ack_tx++;
		ppp_fsm_send_code(f, PPP_CODE_RESET_ACK, id, NULL, 0);
		ccp->ops->reset_request(ccp->owner);
	} else if (ccp->reset_pending && id == ccp->reset_id) {
		ccp->stats.reset_ack_rx++;
		ccp->reset_pending = false;
	} else {
		ccp->stats.reset_ack_stale++;
	}
	return true;
}

static const struct ppp_fsm_proto ccp_proto = {
	.name = "ccp",
	.proto = PPP_PROTO_CCP,
	.opts = ccp_opts,
	.n_opts = sizeof(ccp_opts) / sizeof(ccp_opts[0]),
	.tlu = ccp_tlu,
	.tld = ccp_tld,
	.tlf = ccp_tlf,
	.reset_ours = ccp_reset_ours,
	.reset_peer = ccp_reset_peer,
	.extcode = ccp_extcode,
};

void ccp_init(struct ccp *ccp, enum ppp_role role, const struct ccp_params *params,
	      const struct ccp_ops *ops, void *owner,
	      const struct ppp_fsm_env *env, void *env_ctx, unsigned int timer_id)
{
	memset(ccp, 0, sizeof(*ccp));
	ccp->role = role;
	if (params)
		ccp->params = *params;
	else
		ccp_params_default(&ccp->params);
	ccp->ops = ops;
	ccp->owner = owner;
	ppp_fsm_init(&ccp->fsm, &ccp_proto, ccp, env, env_ctx, timer_id);
}

void ccp_set_params(struct ccp *ccp, const struct ccp_params *params)
{
	ccp->params = *params;
}

int ccp_send_reset_request(struct ccp *ccp)
{
	if (ccp->fsm.state != PPP_FSM_OPENED)
		return -1;
	ccp->reset_id = ppp_fsm_new_id(&ccp->fsm);
	ccp->reset_pending = true;
	ccp->stats.reset_req_tx++;
	return ppp_fsm_send_code(&ccp->fsm, PPP_CODE_RESET_REQ, ccp->reset_id, NULL, 0) < 0 ? -1 : 0;
}
