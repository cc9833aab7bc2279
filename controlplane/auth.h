/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PPP authentication, both roles: PAP (RFC 1334 2), CHAP with MD5 (RFC 1994),
 * MS-CHAPv1 (RFC 2433) and MS-CHAPv2 (RFC 2759). One struct auth per PPP
 * link; the link's owner forwards ppp_ops.auth_start/auth_input/auth_stop to
 * auth_start()/auth_input()/auth_stop(), and runs one timer for it.
 *
 * The authenticator (server role) does not know where credentials live: it
 * hands a struct auth_request to a struct auth_backend and waits for
 * auth_request_done(), which may come at once (local secrets, auth_local.c)
 * or later from the event loop (RADIUS). The verdict then goes to the peer,
 * per-user IPCP/CCP parameters to ppp_set_net_params(), and the link moves
 * on with ppp_auth_done().
 *
 * Control-plane thread only. Callbacks (struct auth_ops, the backend) may be
 * invoked from inside any auth_* call; none of them may destroy the auth
 * instance or its link on the spot.
 */
#ifndef PPTPGW_AUTH_H
#define PPTPGW_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "mppe_keys.h"
#include "mschap.h"
#include "ppp.h"

enum auth_method {
	AUTH_METHOD_NONE,
	AUTH_METHOD_PAP,
	AUTH_METHOD_CHAP,     /* CHAP with MD5 */
	AUTH_METHOD_MSCHAP1,
	AUTH_METHOD_MSCHAP2,
};

#define AUTH_NAME_MAX       255  /* octets of a user name (PAP Peer-ID, CHAP Name) */
#define AUTH_PASSWORD_MAX   255  /* octets of a PAP password */
#define AUTH_CHALLENGE_MAX  16   /* our challenges: 16 (MD5, MS-CHAPv2) or 8 (MS-CHAPv1) */
#define AUTH_PEER_CHAL_MAX  64   /* CHAP-MD5 challenge a client accepts from a server */
#define AUTH_REASON_MAX     96
#define AUTH_MESSAGE_MAX    128  /* text shown to the peer (PAP msg, CHAP M=) */
#define AUTH_MPPE_KEY_LEN   MPPE_KEY_LEN_128

/* Defaults: RFC 1994 / RFC 1334 leave them open; pppd and RouterOS use these. */
#define AUTH_RESTART_MS_DEFAULT 3000
#define AUTH_MAX_TRANSMIT       10

/* Reasons the local backend and the dispatcher give (log lines, link close). */
#define AUTH_REASON_FAILED        "authentication failed"
#define AUTH_REASON_NO_USER       "no such user"
#define AUTH_REASON_DISABLED      "secret disabled"
#define AUTH_REASON_SERVICE       "secret is not for service pptp"
#define AUTH_REASON_SERVER_UNAUTH "server failed to authenticate itself"

/* --- the request a backend verifies --- */

struct auth_request_pap {
	uint8_t password[AUTH_PASSWORD_MAX];
	size_t password_len;
};

struct auth_request_chap {               /* RFC 1994 4.1 */
	uint8_t id;                      /* the Identifier: part of the MD5 input */
	uint8_t challenge[AUTH_CHALLENGE_MAX];
	size_t challenge_len;
	uint8_t response[16];            /* Value-Size 16 for MD5 */
};

struct auth_request_mschap1 {            /* RFC 2433 5 */
	uint8_t challenge[MSCHAP_CHALLENGE_LEN];
	uint8_t lm_response[MSCHAP_RESPONSE_LEN];
	uint8_t nt_response[MSCHAP_RESPONSE_LEN];
	bool use_nt;                     /* Flags 1: the NT response is valid */
};

struct auth_request_mschap2 {            /* RFC 2759 4 */
	uint8_t auth_challenge[MSCHAPV2_CHALLENGE_LEN];
	uint8_t peer_challenge[MSCHAPV2_CHALLENGE_LEN];
	uint8_t nt_response[MSCHAP_RESPONSE_LEN];
	uint8_t flags;
};

/*
 * Owned by the auth instance. Valid for the backend from verify() until it
 * calls auth_request_done(), or until cancel() tells it to forget the request.
 */
struct auth_request {
	enum auth_method method;
	char user[AUTH_NAME_MAX + 1];    /* as the peer sent it (no NUL inside), NUL-terminated */
	size_t user_len;
	union {
		struct auth_request_pap pap;
		struct auth_request_chap chap;
		struct auth_request_mschap1 mschap1;
		struct auth_request_mschap2 mschap2;
	} u;
	void *owner;                     /* the link owner's ctx (NAS port, peer address, ...) */
	/* private to auth.c */
	struct auth *auth;
	bool pending;
};

/*
 * Per-user parameters a backend returns. The session layer turns them into
 * the link's IPCP/CCP parameters (profile lookup, pool allocation) in
 * auth_ops.accept. Empty fields mean "not given: use the server's defaults".
 */
/*
 * Limits a backend may set for one session (RADIUS Session-Timeout,
 * Idle-Timeout, Mikrotik-Rate-Limit; CoA changes them live). A field not
 * given keeps the profile's value.
 */
struct auth_session_limits {
	bool has_session_timeout;
	uint32_t session_timeout_s;      /* 0 = none */
	bool has_idle_timeout;
	uint32_t idle_timeout_s;         /* 0 = none */
	struct cfg_rate_limit rate_limit; /* is_set false: the profile's */
};

/* RADIUS Framed-Route (RFC 2865 5.22): a route to a network behind the client. */
#define AUTH_FRAMED_ROUTES_MAX 8
struct auth_framed_route {
	struct cfg_prefix dst;           /* masked */
	uint32_t gateway;                /* 0: the client's address */
	uint8_t distance;                /* the first metric, 1..255 */
};

struct auth_user_params {
	char profile[CFG_NAME_MAX];
	struct cfg_addr_or_pool local_address;
	struct cfg_addr_or_pool remote_address;
	struct auth_session_limits limits;
	/* RFC 2548 2.4.4/2.4.5 MS-MPPE-Encryption-Policy/-Types from RADIUS; 0: not given. */
	uint32_t mppe_policy;            /* 1 encryption allowed, 2 required */
	uint32_t mppe_types;             /* 0x2 40-bit, 0x4 128-bit, 0x8 56-bit */
	unsigned int n_framed_routes;
	struct auth_framed_route framed_routes[AUTH_FRAMED_ROUTES_MAX];
	/*
	 * Backend-specific extras (e.g. RADIUS Framed-IP-Address, Session-Timeout),
	 * owned by the backend and valid only during auth_ops.accept/done: copy
	 * what the session needs there.
	 */
	void *attrs;
};

/* The backend's verdict, copied by auth_request_done(). */
struct auth_result {
	bool accept;
	char reason[AUTH_REASON_MAX];    /* reject: for the log and the link ("no such user") */
	char message[AUTH_MESSAGE_MAX];  /* for the peer; "" gives the default text */
	int mschap_error;                /* reject, MS-CHAP: the E= code for the peer; 0: 691 */
	char auth_response[MSCHAPV2_AUTH_RESPONSE_SIZE]; /* MS-CHAPv2 accept: "S=<40 hex>" */
	/* MS-CHAPv1/v2 accept: MPPE start keys, named from the authenticator's side. */
	bool has_mppe_keys;
	uint8_t mppe_send_key[AUTH_MPPE_KEY_LEN];
	uint8_t mppe_recv_key[AUTH_MPPE_KEY_LEN];
	struct auth_user_params user;
};

/*
 * Where credentials are checked. verify() must eventually call
 * auth_request_done(rq, ...) exactly once, now or later from the event loop,
 * unless cancel() was called first. cancel() is required for a backend that
 * answers later; a backend that always answers inside verify() may leave it NULL.
 */
struct auth_backend {
	void (*verify)(void *arg, struct auth_request *rq);
	void (*cancel)(void *arg, struct auth_request *rq);
	void *arg;
};

/* The backend's answer; result is copied. Late or repeated answers are ignored. */
void auth_request_done(struct auth_request *rq, const struct auth_result *result);

/* --- results for the session layer --- */

struct auth_info {
	enum ppp_role role;
	enum auth_method method;
	bool finished;                   /* a verdict was reached */
	bool ok;
	char user[AUTH_NAME_MAX + 1];    /* server: the peer's name; client: ours */
	char reason[AUTH_REASON_MAX];    /* failure: why ("no such user", "rejected by server: ...") */
	int mschap_error;                /* client: the server's E= value, 0 if none */
	int mschap_retry;                /* client: the server's R= value, -1 if none */
	/*
	 * MS-CHAPv1/v2 success: RFC 3079 start keys named from OUR side, 16
	 * octets; mppe_key_init() cuts them to the key length CCP agreed on.
	 */
	bool has_mppe_keys;
	uint8_t mppe_send_key[AUTH_MPPE_KEY_LEN];
	uint8_t mppe_recv_key[AUTH_MPPE_KEY_LEN];
	struct auth_user_params user_params;  /* server: what the backend returned */
};

/* IPCP/CCP parameters for ppp_set_net_params(); set_* false keeps the link's. */
struct auth_net {
	bool set_ipcp;
	struct ipcp_params ipcp;
	bool set_ccp;
	struct ccp_params ccp;
	char reason[AUTH_REASON_MAX];    /* accept() refusing: why ("address pool exhausted") */
};

/* Drops, by cause: one table gives the counters and their names. */
#define AUTH_DROP_TABLE(X) \
	X(SHORT,        "short")          /* fewer octets than a header */ \
	X(BAD_LENGTH,   "bad_length")     /* Length field < 4 or beyond the packet */ \
	X(BAD_VALUE,    "bad_value")      /* Value-Size beyond the packet or wrong for the method */ \
	X(BAD_NAME,     "bad_name")       /* name overruns, too long, or holds a NUL */ \
	X(BAD_ID,       "bad_id")         /* Identifier answers nothing we sent */ \
	X(BAD_CODE,     "bad_code")       /* unknown code, or one this role never receives */ \
	X(BAD_PROTO,    "bad_proto")      /* not the protocol being run */ \
	X(UNEXPECTED,   "unexpected")     /* valid packet the current state ignores */ \
	X(BUSY,         "busy")           /* response repeated while the backend works */

enum auth_drop {
#define AUTH_DROP_ENUM(name, str) AUTH_DROP_##name,
	AUTH_DROP_TABLE(AUTH_DROP_ENUM)
#undef AUTH_DROP_ENUM
	AUTH_DROP_COUNT
};

struct auth_stats {
	uint32_t rx_packets;
	uint32_t tx_packets;
	uint32_t retransmits;            /* Challenge / Authenticate-Request sent again */
	uint32_t resent_verdicts;        /* Success/Failure/Ack/Nak repeated for a duplicate */
	uint32_t drops[AUTH_DROP_COUNT];
};

const char *auth_drop_name(enum auth_drop d);
const char *auth_method_name(enum auth_method m);   /* "pap", "chap", "mschap1", "mschap2" */

/* --- one instance per link --- */

struct auth_ops {
	/*
	 * Required. One one-shot timer per instance (retransmission and
	 * waiting); starting it again re-arms it. When it fires the owner calls
	 * auth_timeout().
	 */
	void (*timer_start)(void *ctx, uint32_t ms);
	void (*timer_stop)(void *ctx);
	/* Optional. Random octets for challenges and Identifiers; getrandom() otherwise. 0 or -1. */
	int (*random)(void *ctx, uint8_t *buf, size_t len);
	/*
	 * Optional, server. The backend accepted info->user: fill net with the
	 * link's per-user IPCP/CCP parameters and return 0, or return -1 (with
	 * net->reason) to refuse the user after all. Without it the link keeps
	 * the parameters it was created with.
	 */
	int (*accept)(void *ctx, const struct auth_info *info, struct auth_net *net);
	/* Optional. The verdict, both roles, just before ppp_auth_done(). */
	void (*done)(void *ctx, const struct auth_info *info);
	/* Optional. One formatted line; the owner adds the session. log_msg() otherwise. */
	void (*log)(void *ctx, enum cfg_log_level level, const char *msg);
};

struct auth_params {
	const char *name;                /* server: CHAP Name of our challenges; NULL: "pptpgw" */
	const char *user;                /* client: our user name */
	const char *password;            /* client: our password (UTF-8) */
	const struct auth_backend *backend; /* server: required */
	uint32_t restart_ms;             /* retransmission period; 0: 3 s */
	uint32_t max_transmit;           /* transmissions of a Challenge/Request; 0: 10 */
};

struct auth;

/*
 * NULL when a required op is missing or out of memory. Strings in p are
 * copied. link receives ppp_send()/ppp_set_net_params()/ppp_auth_done().
 */
struct auth *auth_create(const struct auth_params *p, const struct auth_ops *ops, void *ctx,
			 struct ppp_link *link);
/* Cancels a pending backend request, stops the timer, wipes secrets, frees. */
void auth_destroy(struct auth *a);

/* ppp_ops.auth_start: begin the agreed method in our role (re-starts cleanly). */
void auth_start(struct auth *a, enum ppp_role role, uint16_t proto, uint8_t algo);
/* ppp_ops.auth_input: one PAP or CHAP packet (what follows the protocol field). */
void auth_input(struct auth *a, uint16_t proto, const uint8_t *pkt, size_t len);
/* ppp_ops.auth_stop: the link left the Authenticate phase; cancel and stop the timer. */
void auth_stop(struct auth *a);
/* The timer started through auth_ops.timer_start fired. */
void auth_timeout(struct auth *a);

/* The current (or last) exchange: method, user, verdict, keys. */
const struct auth_info *auth_get_info(const struct auth *a);
const struct auth_stats *auth_get_stats(const struct auth *a);

/* --- local secrets backend (/ppp/secret) --- */

/*
 * Verifies against cfg's /ppp/secret entries with service pptp or any,
 * answering inside verify(). Keep the struct alive as long as any auth
 * instance uses &local.backend; update cfg when the live config is swapped.
 */
struct auth_local {
	struct auth_backend backend;
	const struct pg_config *cfg;
};

void auth_local_init(struct auth_local *l, const struct pg_config *cfg);

#endif /* PPTPGW_AUTH_H */
