/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The RFC 1661 option negotiation automaton (section 4), one implementation
 * shared by LCP, IPCP and CCP. A protocol describes itself with a
 * struct ppp_fsm_proto (name, number, option handler table, layer actions);
 * the environment (sending, the restart timer, logging) comes in through a
 * struct ppp_fsm_env. The FSM never touches an event loop: it asks for its
 * timer through env->timer_start/timer_stop and the owner calls
 * ppp_fsm_timeout() when it fires, so tests drive time by hand.
 *
 * Re-entrancy: none of the functions below may be called from inside the
 * env or proto callbacks of the same FSM, except ppp_fsm_request_close(),
 * ppp_fsm_send_code(), ppp_fsm_new_id(), ppp_fsm_log() and, from extcode,
 * ppp_fsm_rejected() (a Protocol-Reject naming the protocol itself).
 */
#ifndef PPTPGW_PPP_FSM_H
#define PPTPGW_PPP_FSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "ppp_proto.h"

/* The side of the link we play; shared by the protocol modules. */
enum ppp_role {
	PPP_ROLE_SERVER,   /* authenticator, assigns addresses */
	PPP_ROLE_CLIENT,   /* authenticates itself, takes an address */
};

/* RFC 1661 4.2: states, numbered as in the state transition table. */
enum ppp_fsm_state {
	PPP_FSM_INITIAL,
	PPP_FSM_STARTING,
	PPP_FSM_CLOSED,
	PPP_FSM_STOPPED,
	PPP_FSM_CLOSING,
	PPP_FSM_STOPPING,
	PPP_FSM_REQ_SENT,
	PPP_FSM_ACK_RCVD,
	PPP_FSM_ACK_SENT,
	PPP_FSM_OPENED,
	PPP_FSM_NSTATES,
};

/* What a handler says about one option of the peer's Configure-Request. */
enum ppp_opt_verdict {
	PPP_OPT_ACK,
	PPP_OPT_NAK,   /* the handler wrote the value it wants instead */
	PPP_OPT_REJ,
};

/* Largest option payload: the length octet counts the 2-octet header too. */
#define PPP_OPT_PAYLOAD_MAX   253
/* Our own Configure-Request is kept for retransmission and Ack checking. */
#define PPP_FSM_REQ_MAX       64
/*
 * Configure-Naks received in a row without an Ack before we give up: RFC 1661
 * bounds only the Naks we send (Max-Failure), but a peer that Naks forever
 * would otherwise keep us sending Configure-Requests forever.
 */
#define PPP_FSM_MAX_NAKS_RCVD 10

/*
 * One entry of a protocol's option table (accel-ppp's lcp_opt_*.c shape).
 * Lengths are checked by the FSM before any callback runs: min_len/max_len
 * count the whole option, header included; callbacks see the payload only.
 * A NULL check_request marks an option we know by name but always reject.
 */
struct ppp_opt_handler {
	uint8_t type;
	const char *name;
	uint8_t min_len;
	uint8_t max_len;
	/* Write our payload for a Configure-Request; its length, or -1 to leave it out. */
	int (*add_to_request)(void *ctx, uint8_t *data, size_t room);
	/* Judge the peer's option; on NAK write the wanted payload to nak (PPP_OPT_PAYLOAD_MAX). */
	enum ppp_opt_verdict (*check_request)(void *ctx, const uint8_t *data, size_t len,
					      uint8_t *nak, size_t *nak_len);
	/* The peer acknowledged our request holding this payload. */
	void (*on_ack)(void *ctx, const uint8_t *data, size_t len);
	/* The peer Nak'd this option (or hinted it) with the value it prefers. */
	void (*on_nak)(void *ctx, const uint8_t *data, size_t len);
	/* The peer rejected the option: stop asking for it. */
	void (*on_reject)(void *ctx);
	/*
	 * The peer's request lacked this option and we want it to ask for one
	 * (RFC 1332 3.3): write a payload to nak and return its length, or -1.
	 */
	int (*nak_if_absent)(void *ctx, uint8_t *nak);
};

struct ppp_fsm;

/* A control protocol: LCP, IPCP or CCP. */
struct ppp_fsm_proto {
	const char *name;
	uint16_t proto;
	const struct ppp_opt_handler *opts;
	size_t n_opts;
	/* RFC 1661 4.4 layer actions: This-Layer-Up/-Down/-Started/-Finished. */
	void (*tlu)(struct ppp_fsm *f);
	void (*tld)(struct ppp_fsm *f);
	void (*tls)(struct ppp_fsm *f);
	void (*tlf)(struct ppp_fsm *f);
	/* A fresh negotiation starts: put our wishes back to the configured ones. */
	void (*reset_ours)(struct ppp_fsm *f);
	/* A Configure-Request is about to be judged: forget the peer's last values. */
	void (*reset_peer)(struct ppp_fsm *f);
	/* Codes beyond 1..7 (LCP 8-13, CCP 14-15). false: unknown, Code-Reject it. */
	bool (*extcode)(struct ppp_fsm *f, uint8_t code, uint8_t id,
			const uint8_t *data, size_t len);
	/* RFC 1661 5.6: the peer Code-Rejected a code we can live without (RXJ+). */
	void (*code_rejected)(struct ppp_fsm *f, uint8_t code);
	/* The peer sent Terminate-Request; data is its uninterpreted reason text. */
	void (*peer_terminate)(struct ppp_fsm *f, const uint8_t *data, size_t len);
};

struct ppp_fsm_env {
	/* Send one control packet (code onward) with protocol proto. */
	int (*send)(void *ctx, uint16_t proto, const uint8_t *pkt, size_t len);
	void (*timer_start)(void *ctx, struct ppp_fsm *f, uint32_t ms);
	void (*timer_stop)(void *ctx, struct ppp_fsm *f);
	void (*log)(void *ctx, enum cfg_log_level level, const char *msg);  /* optional */
};

/* Counters: every dropped packet lands in exactly one of the rx_* drop counters. */
struct ppp_fsm_stats {
	uint32_t rx_packets;
	uint32_t tx_packets;
	uint32_t rx_short;          /* under 4 octets, Length < 4 or beyond the buffer */
	uint32_t rx_too_long;       /* Length above PPP_CTRL_MAX */
	uint32_t rx_bad_options;    /* option framing broken: length < 2 or overrun */
	uint32_t rx_stale_id;       /* reply to an old request, or a duplicate reply */
	uint32_t rx_bad_ack;        /* Configure-Ack not equal to our request */
	uint32_t rx_bad_reject;     /* Configure-Reject naming options we did not send */
	uint32_t rx_bad_state;      /* event the table marks "-" (lower layer down) */
	uint32_t rx_unknown_code;   /* answered with Code-Reject */
	uint32_t rx_bad_code_rej;   /* Code-Reject too short to name a code */
	uint32_t acks_sent;
	uint32_t naks_sent;
	uint32_t rejs_sent;
	uint32_t naks_to_rejs;      /* Max-Failure reached: a Nak became a Reject */
	uint32_t timeouts;
};

struct ppp_fsm {
	const struct ppp_fsm_proto *proto;
	void *ctx;                      /* the protocol object, given to handlers */
	const struct ppp_fsm_env *env;
	void *env_ctx;
	unsigned int timer_id;          /* the owner's name for this FSM's timer */

	enum ppp_fsm_state state;
	uint8_t next_id;                /* Identifier for the next packet we originate */
	uint8_t req_id;                 /* Identifier of our last Configure-Request */
	bool reply_seen;                /* a reply to req_id was processed already */
	bool timer_running;
	uint8_t restart_count;          /* RFC 1661 4.6 Restart counter */
	uint8_t naks_sent;              /* Naks sent since our last Ack (Max-Failure) */
	uint8_t naks_rcvd;              /* Naks received since the negotiation began */
	uint8_t max_configure;
	uint8_t max_terminate;
	uint8_t max_failure;
	uint32_t restart_ms;
	uint16_t peer_mru;              /* bound on what we send */
	uint8_t busy;                   /* nesting of public entry points */

	const char *close_reason;       /* deferred close, applied when the event is done */
	const char *term_reason;        /* text of our Terminate-Request; static or owner-held */
	const char *finish_reason;      /* why the layer last finished (tlf) */

	uint8_t req_len;
	uint8_t req[PPP_FSM_REQ_MAX];   /* options of our last Configure-Request */

	struct ppp_fsm_stats stats;
};

void ppp_fsm_init(struct ppp_fsm *f, const struct ppp_fsm_proto *proto, void *ctx,
		  const struct ppp_fsm_env *env, void *env_ctx, unsigned int timer_id);
/* RFC 1661 4.6 restart timer, per instance; 0 keeps the 3 s default. */
void ppp_fsm_set_restart(struct ppp_fsm *f, uint32_t ms);
void ppp_fsm_set_peer_mru(struct ppp_fsm *f, uint16_t mru);

/* RFC 1661 4.3 administrative and lower-layer events. */
void ppp_fsm_up(struct ppp_fsm *f);
void ppp_fsm_down(struct ppp_fsm *f);
void ppp_fsm_open(struct ppp_fsm *f);
/* reason: text for our Terminate-Request; must outlive Closing (static or owner-held). */
void ppp_fsm_close(struct ppp_fsm *f, const char *reason);
/* The restart timer fired (TO+ or TO-). */
void ppp_fsm_timeout(struct ppp_fsm *f);
/* One control packet, starting at the Code octet. Bad packets are counted and dropped. */
void ppp_fsm_input(struct ppp_fsm *f, const uint8_t *pkt, size_t len);
/* RFC 1661 5.6/5.7: a Code-/Protocol-Reject hit this protocol (RXJ- or RXJ+). */
void ppp_fsm_rejected(struct ppp_fsm *f, bool catastrophic);

/* From inside callbacks: close once the current event has been handled. */
void ppp_fsm_request_close(struct ppp_fsm *f, const char *reason);
/* Send a packet of this protocol (code, id, data); data is cut to the peer's MRU. */
int ppp_fsm_send_code(struct ppp_fsm *f, uint8_t code, uint8_t id,
		      const uint8_t *data, size_t len);
uint8_t ppp_fsm_new_id(struct ppp_fsm *f);

static inline bool ppp_fsm_is_opened(const struct ppp_fsm *f)
{
	return f->state == PPP_FSM_OPENED;
}

const char *ppp_fsm_state_name(enum ppp_fsm_state s);
/* Log through the environment, prefixed with the protocol name. */
void ppp_fsm_log(struct ppp_fsm *f, enum cfg_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* RFC 1661 2/5: big-endian helpers for handlers. */
static inline uint16_t ppp_get16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t ppp_get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	       ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static inline void ppp_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void ppp_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

#endif /* PPTPGW_PPP_FSM_H */
