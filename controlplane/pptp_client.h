/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The PPTP client role (RouterOS /interface/pptp-client): one dial-out
 * interface per config entry. Each enabled entry opens its own control
 * connection to connect-to:1723 (pptp_ctrl_connect: we are the PNS), places
 * one call (OCRQ), and runs the call as a session (session.c, client role)
 * whose GRE and data go through the workers like a server session's. A link
 * that goes down (refused login, lost control connection, keepalive,
 * server restart, ...) is retried with back-off, each time with a log line
 * saying why, until the entry is disabled or removed.
 *
 * While the link is up the interface's routes (the server's tunnel address,
 * add-default-route at default-route-distance) are held in tunnel_route.c,
 * through the session's dataplane ops (session.c).
 *
 * Control-plane thread only.
 */
#ifndef PPTPGW_PPTP_CLIENT_H
#define PPTPGW_PPTP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

struct cp_context;
struct dp_msg;
struct session_dp_ops;

/* RFC 2637 2.7 OCRQ fields we send (as pptp-linux does). */
#define PPTP_CLIENT_RECV_WINDOW  64
#define PPTP_CLIENT_MIN_BPS      2400
#define PPTP_CLIENT_MAX_BPS      10000000u

/* Retry back-off: first wait, doubled per failure up to the cap; reset once up. */
#define PPTP_CLIENT_RETRY_MIN_MS 1000
#define PPTP_CLIENT_RETRY_MAX_MS 60000
/* An OCRQ unanswered this long ends the attempt. */
#define PPTP_CLIENT_OCRP_MS      10000

/* Tests shorten the waits; 0 keeps a default. */
struct pptp_client_timing {
	uint32_t retry_min_ms;
	uint32_t retry_max_ms;
	uint32_t keepalive_tick_ms;   /* LCP echo interval (default 1 s) */
	uint16_t port;                /* TCP port to dial (default 1723) */
};

/* Start every enabled entry of cp->cfg. After pptp_server_init(). */
int pptp_client_init(struct cp_context *cp);
/* Every link down now (CCRQ/StopCCRQ best effort), everything freed. Before pptp_ctrl_fini(). */
void pptp_client_fini(void);

void pptp_client_set_dp_ops(const struct session_dp_ops *ops);
void pptp_client_set_timing(const struct pptp_client_timing *t);

/*
 * The config changed (CLI): entries added, removed, enabled, disabled or
 * edited. An edited entry that runs is taken down and dialled again with
 * its new settings; the others are left alone.
 */
void pptp_client_sync(void);

/* Session ids of the client role (the top of the dataplane's id space). */
bool pptp_client_owns_id(uint32_t session_id);
/* From the workers: a PPP control frame, an event. */
void pptp_client_ppp_input(uint32_t session_id, const uint8_t *frame, size_t len);
void pptp_client_dp_event(uint32_t session_id, int kind, uint64_t arg);

/* The state of one entry, by name (the CLI's R flag and detail). */
struct pptp_client_status {
	bool running;                 /* network up */
	const char *state;            /* "disabled", "connecting", "up", "waiting", ... */
	uint32_t local_addr;          /* our tunnel address, 0 when down */
	uint32_t remote_addr;         /* the server's tunnel address */
	char encoding[32];
	uint64_t uptime;              /* seconds */
	char last_error[128];         /* why the link last went down, "" none */
	uint32_t placeholder;         /* dial-on-demand: the placeholder gateway while down, else 0 */
};
/* 0, or -1 when no entry of that name runs here. */
int pptp_client_status(const char *name, struct pptp_client_status *out);

/*
 * Dial-on-demand (docs/client.md): the kernel asked (ARP) for placeholder
 * gateway addr, so traffic waits for the entry that holds it: it dials.
 * From the workers' DP_EVENT_DOD_TRAFFIC.
 */
void pptp_client_dod_traffic(uint32_t addr);
/* The lowest placeholder 10.112.112.N (N 1..254) not in used[0..n); 0 when all are. */
uint32_t pptp_client_dod_pick(const uint32_t *used, unsigned int n);

#endif /* PPTPGW_PPTP_CLIENT_H */
