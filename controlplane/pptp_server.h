/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The PPTP server role (RouterOS /interface/pptp-server): the call layer of
 * pptp_ctrl (OCRQ, CCRQ, CDN, control connection down), our Call-IDs (unique
 * per peer address: many clients behind one NAT), the server's sessions
 * (session.h) and their interface names (static entries or <pptp-USER>),
 * and the rows of /interface/pptp-server/print and /ppp/active/print.
 *
 * Control-plane thread only.
 */
#ifndef PPTPGW_PPTP_SERVER_H
#define PPTPGW_PPTP_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

struct cp_context;
struct dp_msg;
struct session;
struct session_dp_ops;

/* RFC 2637 2.8 OCRP fields we announce. */
#define PPTP_SERVER_RECV_WINDOW   64
#define PPTP_SERVER_CONNECT_SPEED 100000000u   /* when the OCRQ names no maximum */

/* Tests shorten the keepalive; 0 keeps the default. */
struct pptp_server_timing {
	uint32_t keepalive_ms;       /* silence before echoes; default keepalive-timeout s */
	uint32_t keepalive_tick_ms;  /* echo interval; default 1 s */
};

/*
 * Register the call layer and the print providers; the local /ppp/secret
 * backend reads cp->cfg. After mgmt_init(), before pptp_ctrl_listen().
 */
int pptp_server_init(struct cp_context *cp);
/* Tear every session down now (CDN best effort), unregister. Before pptp_ctrl_fini(). */
void pptp_server_fini(void);

/* The dataplane for new sessions (cp.c: session_dp_real_ops); none refuses calls. */
void pptp_server_set_dp_ops(const struct session_dp_ops *ops);
void pptp_server_set_timing(const struct pptp_server_timing *t);

/* From the workers (cp.c): a PPP control frame, an event. Unknown ids are counted. */
void pptp_server_ppp_input(uint32_t session_id, const uint8_t *frame, size_t len);
void pptp_server_dp_event(uint32_t session_id, int kind, uint64_t arg);
/*
 * cp.c's hook (session_dp_real.c, DPDK side): PPP_CTRL_IN and EVENT messages
 * go to the server (the mbuf is freed); true when taken, the caller frees m.
 */
bool pptp_server_handle_worker_msg(struct dp_msg *m);

/* Sessions held (any state), one by its dataplane id, an admin disconnect. */
unsigned int pptp_server_session_count(void);
struct session *pptp_server_find(uint32_t session_id);
int pptp_server_disconnect(uint32_t session_id, const char *cause);
/* Unknown session ids seen in frames from the workers. */
uint64_t pptp_server_unknown_frames(void);

/* ---- /ppp/active/print rows (cli_cmds_session.c renders them) ---- */

struct ppp_active_row {
	char name[CFG_NAME_MAX];           /* the user */
	char service[8];                   /* "pptp" */
	uint32_t caller_id;                /* the peer's outer IPv4, host order */
	char encoding[32];                 /* "MPPE128 stateless", "" */
	uint32_t address;                  /* the client's tunnel address; 0 before IPCP */
	uint64_t uptime;                   /* seconds */
	uint32_t session_id;
	char iface[CFG_NAME_MAX + 8];
	uint64_t rx_bytes, tx_bytes, rx_packets, tx_packets;
	struct cfg_rate_limit rate_limit;  /* in effect; is_set false: unlimited */
	uint32_t session_timeout, idle_timeout;  /* seconds in effect, 0: none */
};

struct ppp_active_provider {
	unsigned int (*count)(void);
	int (*get)(unsigned int i, struct ppp_active_row *out);   /* 0, or -1 to skip */
};

/* cli_cmds_session.c: register (NULL: remove) the rows' source. */
void ppp_active_provider_register(const struct ppp_active_provider *p);

#endif /* PPTPGW_PPTP_SERVER_H */
