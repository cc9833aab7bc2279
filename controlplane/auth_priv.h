/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Inside the authentication module family: the per-link state shared by the
 * dispatcher (auth.c) and the methods (auth_pap.c, auth_chap.c,
 * auth_mschap.c). Nothing outside controlplane/auth*.c includes this.
 */
#ifndef PPTPGW_AUTH_PRIV_H
#define PPTPGW_AUTH_PRIV_H

#include "auth.h"

/* RFC 1334 2.2 PAP codes. */
#define PAP_AUTH_REQ            1
#define PAP_AUTH_ACK            2
#define PAP_AUTH_NAK            3

/* RFC 1994 4 CHAP codes. */
#define CHAP_CHALLENGE          1
#define CHAP_RESPONSE           2
#define CHAP_SUCCESS            3
#define CHAP_FAILURE            4

/* RFC 2433 5 / RFC 2759 4: the Response Value of both MS-CHAP versions. */
#define MSCHAP_VALUE_LEN        49
#define MSCHAP1_LM_OFF          0
#define MSCHAP1_NT_OFF          24
#define MSCHAP1_FLAGS_OFF       48
#define MSCHAP1_FLAG_USE_NT     0x01
#define MSCHAP2_PEER_CHAL_OFF   0
#define MSCHAP2_RESERVED_LEN    8
#define MSCHAP2_NT_OFF          24
#define MSCHAP2_FLAGS_OFF       48

/* RFC 2433 / RFC 2759 failure codes (E=). */
#define MSCHAP_ERROR_AUTH_FAILURE 691

/* Texts we send when the backend gives none (pppd's words). */
#define AUTH_MSG_OK             "Access granted"
#define AUTH_MSG_FAIL           "Authentication failure"

/* Largest packet we build: PAP Request with 255-octet name and password. */
#define AUTH_PKT_MAX            (PPP_CP_HDR_LEN + 1 + AUTH_NAME_MAX + 1 + AUTH_PASSWORD_MAX)

enum auth_state {
	AUTH_ST_IDLE,            /* not started, or stopped */
	AUTH_ST_WAIT_REQUEST,    /* server: Challenge out (CHAP) / waiting for a Request (PAP) */
	AUTH_ST_VERIFYING,       /* server: the backend has the request */
	AUTH_ST_WAIT_CHALLENGE,  /* client CHAP: nothing from the server yet */
	AUTH_ST_WAIT_RESULT,     /* client: Response / Request sent */
	AUTH_ST_DONE,            /* verdict reached (info.ok says which) */
};

/* A received packet after the RFC 1661 5 header checks. */
struct auth_pkt {
	uint8_t code;
	uint8_t id;
	const uint8_t *data;     /* after the header, bounded by the Length field */
	size_t len;
};

struct auth_method_ops;
struct auth_chap_alg;

struct auth {
	const struct auth_ops *ops;
	void *ctx;
	struct ppp_link *link;
	struct auth_backend backend;
	char name[AUTH_NAME_MAX + 1];
	char user[AUTH_NAME_MAX + 1];
	char password[AUTH_PASSWORD_MAX + 1];
	size_t user_len;
	size_t password_len;
	uint32_t restart_ms;
	uint32_t max_transmit;

	enum ppp_role role;
	uint16_t proto;
	const struct auth_method_ops *m;
	const struct auth_chap_alg *alg;     /* CHAP family only */
	enum auth_state state;
	uint8_t id;                          /* Identifier of our last Challenge/Request, or the peer's */
	bool id_valid;
	uint32_t transmits;
	bool timer_on;                       /* started through auth_ops and not yet fired or stopped */
	uint8_t challenge[AUTH_PEER_CHAL_MAX]; /* server: ours; client: the server's last */
	size_t challenge_len;
	uint8_t pkt[AUTH_PKT_MAX];           /* last packet sent: retransmitted or repeated */
	size_t pkt_len;
	/* client, MS-CHAP: what the server's verdict is checked against */
	uint8_t peer_challenge[MSCHAPV2_CHALLENGE_LEN];
	uint8_t nt_response[MSCHAP_RESPONSE_LEN];

	struct auth_request rq;
	struct auth_info info;
	struct auth_stats stats;
};

/* One method's engine (PAP, or the CHAP family). */
struct auth_method_ops {
	void (*start)(struct auth *a);
	void (*input)(struct auth *a, const struct auth_pkt *p);
	void (*timeout)(struct auth *a);
	/* Server: send the verdict the backend (and accept hook) reached. */
	void (*verdict)(struct auth *a, const struct auth_result *r);
};

extern const struct auth_method_ops auth_pap_ops;
extern const struct auth_method_ops auth_chap_ops;

/* What differs between CHAP algorithms (RFC 1994 MD5, RFC 2433, RFC 2759). */
struct auth_chap_alg {
	uint8_t algo;
	enum auth_method method;
	uint8_t challenge_len;   /* octets of the challenges we send as a server */
	bool challenge_any_len;  /* client: accept 1..AUTH_PEER_CHAL_MAX octets, not just challenge_len */
	uint8_t response_len;    /* Value-Size of a Response */
	/* Server: the Response Value (response_len octets) into rq; -1 malformed. */
	int (*parse_response)(struct auth *a, const uint8_t *value, struct auth_request *rq);
	/* Server: the Success / Failure message; its length. */
	size_t (*success_msg)(struct auth *a, const struct auth_result *r, char *buf, size_t cap);
	size_t (*failure_msg)(struct auth *a, const struct auth_result *r, char *buf, size_t cap);
	/* Client: the Response Value for a->challenge (id given); -1 on error. */
	int (*make_response)(struct auth *a, uint8_t id, uint8_t *value);
	/* Client: the server's Success message; 0, or -1 when it does not prove itself. Sets keys. */
	int (*check_success)(struct auth *a, const uint8_t *msg, size_t len);
	/* Client: why the server's Failure message says no, into reason. */
	void (*failure_reason)(struct auth *a, const uint8_t *msg, size_t len,
			       char *reason, size_t cap);
};

extern const struct auth_chap_alg auth_chap_md5;
extern const struct auth_chap_alg auth_chap_mschap1;
extern const struct auth_chap_alg auth_chap_mschap2;

/* --- dispatcher services for the methods (auth.c) --- */

void auth_log(struct auth *a, enum cfg_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void auth_drop(struct auth *a, enum auth_drop d);
/* Random octets from auth_ops.random or getrandom(). 0, or -1 (logged). */
int auth_random(struct auth *a, uint8_t *buf, size_t len);
void auth_timer_start(struct auth *a, uint32_t ms);
void auth_timer_stop(struct auth *a);
/* How long a passive side waits: restart period x max transmissions. */
uint32_t auth_wait_ms(const struct auth *a);
/* Build code/id/body into a->pkt and send it. 0, or -1 (too big, or link refused). */
int auth_send(struct auth *a, uint8_t code, uint8_t id, const uint8_t *body, size_t len);
/* Send a->pkt again (retransmission or a repeated verdict). */
void auth_resend(struct auth *a);
/* Server: hand a->rq (method, user and material filled) to the backend. */
void auth_verify(struct auth *a);
/* Verdict reached: log, report, ppp_auth_done(). Nothing of a may be used afterwards by the caller's caller. */
void auth_finish(struct auth *a, bool ok, const char *reason);
/*
 * Client: a verdict (PAP Ack/Nak, CHAP Success/Failure) must answer the
 * packet we wait on, by its Identifier. true, or dropped and counted.
 */
bool auth_client_reply_ok(struct auth *a, const struct auth_pkt *p);
/*
 * Server: a request (PAP Authenticate-Request, CHAP Response) with
 * Identifier id goes to the backend only while we wait for one. true, or
 * dropped and counted; once decided, our verdict was lost: sent again
 * under id (RFC 1334 2.2.1, RFC 1994 4.2).
 */
bool auth_server_request_ok(struct auth *a, uint8_t id);
/* Client: "rejected by server[: <text>]" from a PAP/CHAP message. */
void auth_rejected_reason(const uint8_t *msg, size_t len, char *reason, size_t cap);

/*
 * Copy octets that came from the wire into a printable, NUL-terminated
 * string: anything outside printable ASCII becomes '?'. Returns out.
 */
char *auth_printable(char *out, size_t cap, const uint8_t *in, size_t len);

/* Upper-case hex of len octets into out (2 * len + 1 octets). */
void auth_hex(char *out, const uint8_t *in, size_t len);

#endif /* PPTPGW_AUTH_PRIV_H */
