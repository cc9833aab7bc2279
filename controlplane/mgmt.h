/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The management unix socket that pptpgw-cli talks to.
 *
 * Wire protocol, one exchange per connection:
 *   client -> {"command": "/ip/address/print", "json": false}\n
 *   server -> {"ok": true, "output": "<text>"}            (json false)
 *             {"ok": true, "data": <array|object|number>}  (json true)
 *             {"ok": false, "error": "<RouterOS-style message>"}
 *   then the server closes the connection (the client reads to EOF).
 * A request is at most MGMT_REQUEST_MAX bytes up to its newline (or EOF).
 */
#ifndef PPTPGW_MGMT_H
#define PPTPGW_MGMT_H

struct cp_context;

#define MGMT_DEFAULT_SOCKET "/run/pptpgw/pptpgw.sock"
#define MGMT_REQUEST_MAX (64 * 1024)
#define MGMT_MAX_CLIENTS 16          /* more are refused with an error reply */
#define MGMT_READ_TIMEOUT_SEC 10     /* for the request */
#define MGMT_WRITE_TIMEOUT_SEC 60    /* for the reply to drain */

/*
 * Register every CLI command set, create the socket at
 * cp->cfg->management.socket (default MGMT_DEFAULT_SOCKET; missing
 * directories are created 0755, a stale socket is replaced, the socket is
 * mode 0660) and serve it on cp->base. Returns 0, or -1 (logged).
 */
int mgmt_init(struct cp_context *cp);

/* Close every connection and the listener, and remove the socket file. */
void mgmt_fini(void);

#endif /* PPTPGW_MGMT_H */
