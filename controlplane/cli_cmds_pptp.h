/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * /interface/pptp-server/print lists the static entries of the config and
 * the server's running sessions. The sessions come from the session layer
 * through this small provider, so the CLI does not depend on it:
 *
 *   static const struct pptp_iface_provider sessions = {
 *           .count = pptp_sessions_count, .get = pptp_sessions_row,
 *   };
 *   pptp_iface_provider_register(&sessions);
 *
 * The print calls count() once, then get(i) for i in [0, count): a row whose
 * name is a static entry's name (and !dynamic) fills in that entry's line
 * (flag R, MTU, address, uptime, encoding); every other row gets a line of its
 * own after the static entries, flag D when dynamic ("<pptp-MT-User>").
 * get() returning -1 skips the row (a session gone meanwhile).
 * With no provider registered only the static entries print.
 */
#ifndef PPTPGW_CLI_CMDS_PPTP_H
#define PPTPGW_CLI_CMDS_PPTP_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"

#define PPTP_IFACE_NAME_MAX     (CFG_NAME_MAX + 8)   /* "<pptp-" USER ">" */
#define PPTP_IFACE_ENCODING_MAX 32                   /* "MPPE128 stateless" */

struct pptp_iface_row {
	char name[PPTP_IFACE_NAME_MAX];      /* static entry name, or "<pptp-USER>" */
	char user[CFG_NAME_MAX];
	bool dynamic;                        /* flag D: no static entry holds it */
	bool running;                        /* flag R */
	uint16_t mtu;                        /* 0: not shown */
	uint32_t client_address;             /* the peer's outer IPv4, host order; 0: not shown */
	uint64_t uptime;                     /* seconds */
	char encoding[PPTP_IFACE_ENCODING_MAX]; /* "MPPE128 stateless", "" unencrypted */
};

struct pptp_iface_provider {
	unsigned int (*count)(void);
	int (*get)(unsigned int i, struct pptp_iface_row *out);   /* 0, or -1 to skip */
};

/* Register (or with NULL, remove) the session provider; p must outlive the registration. */
void pptp_iface_provider_register(const struct pptp_iface_provider *p);

/*
 * /interface/pptp-client/print's R flag comes from the client role
 * (pptp_client.c) when it runs; with none registered no entry is running.
 */
struct pptp_client_provider {
	bool (*running)(const char *name);
};
void pptp_client_provider_register(const struct pptp_client_provider *p);

#endif /* PPTPGW_CLI_CMDS_PPTP_H */
