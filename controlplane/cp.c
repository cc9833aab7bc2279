/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control-plane loop: signals, the worker message ring, the kernel side
 * of the exception path, and the listeners (management socket, TCP 1723).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <event2/event.h>

#include "cli_cfg_edit.h"
#include "cp.h"
#include "dataplane.h"
#include "dp_msg.h"
#include "kernel_if.h"
#include "log.h"
#include "mgmt.h"
#include "pptp_client.h"
#include "pptp_ctrl.h"
#include "pptp_msg.h"
#include "pptp_server.h"
#include "radius_acct.h"
#include "radius_client.h"
#include "radius_coa.h"
#include "radius_telemetry.h"
#include "session.h"
#include "tunnel_route.h"

/* How often the loop drains the workers' ring: short enough for PPP timers. */
#define CP_RING_POLL_USEC 1000
#define CP_RING_BURST 32

static struct event *ev_sigint, *ev_sigterm, *ev_ring_poll;

static void cp_on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct cp_context *cp = arg;

	(void)what;
	LOG_INFO(LOG_TOPIC_SYSTEM, "signal=%s stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
	cp_request_stop(cp);
}

/* PPP control frames and events belong to the server's sessions; nothing else comes back. */
static void cp_handle_worker_msg(struct dp_msg *m)
{
	if (!pptp_server_handle_worker_msg(m))
		LOG_WARN(LOG_TOPIC_SYSTEM, "worker sent a control-plane-only message type=%d",
			 (int)m->type);
	dp_msg_free(m);
}

static void cp_on_ring_poll(evutil_socket_t fd, short what, void *arg)
{
	struct dp_msg *msgs[CP_RING_BURST];
	unsigned int n;

	(void)fd;
	(void)what;
	(void)arg;
	do {
		n = dp_msg_from_workers(msgs, CP_RING_BURST);
		for (unsigned int i = 0; i < n; i++)
			cp_handle_worker_msg(msgs[i]);
	} while (n == CP_RING_BURST);
}

int cp_init(struct cp_context *cp, struct pg_config *cfg, const char *config_path)
{
	static const struct timeval ring_poll = { .tv_sec = 0, .tv_usec = CP_RING_POLL_USEC };

	memset(cp, 0, sizeof(*cp));
	/* A peer that resets a socket we write must not kill the appliance. */
	signal(SIGPIPE, SIG_IGN);
	cp->cfg = cfg;
	snprintf(cp->config_path, sizeof(cp->config_path), "%s", config_path);
	cp->started = time(NULL);
	cp->base = event_base_new();
	if (!cp->base) {
		LOG_ERR(LOG_TOPIC_SYSTEM, "cannot create the event loop");
		return -1;
	}

	ev_sigint = evsignal_new(cp->base, SIGINT, cp_on_signal, cp);
	ev_sigterm = evsignal_new(cp->base, SIGTERM, cp_on_signal, cp);
	ev_ring_poll = event_new(cp->base, -1, EV_PERSIST, cp_on_ring_poll, cp);
	if (!ev_sigint || !ev_sigterm || !ev_ring_poll ||
	    evsignal_add(ev_sigint, NULL) || evsignal_add(ev_sigterm, NULL) ||
	    event_add(ev_ring_poll, &ring_poll))
		goto fail;

	if (kernel_if_apply_config(cfg))
		goto fail;
	if (mgmt_init(cp))
		goto fail;
	pptp_server_set_dp_ops(&session_dp_real_ops);
	if (radius_client_init(cp) || radius_acct_init(cp) || radius_coa_init(cp))
		goto fail;
	/* /radius/incoming edits reopen or close the listener at once. */
	if (cli_edit_commit_hook_add(radius_coa_sync)) {
		LOG_ERR(LOG_TOPIC_RADIUS, "no room for the radius-incoming commit hook");
		goto fail;
	}
	if (radius_telemetry_register())
		LOG_WARN(LOG_TOPIC_RADIUS, "telemetry command /pptpgw/radius not registered");
	if (pptp_server_init(cp))
		goto fail;
	if (pptp_ctrl_listen(cp, 0, PPTP_TCP_PORT))
		goto fail;
	tunnel_route_init(cfg, &tunnel_route_real_ops);
	pptp_client_set_dp_ops(&session_dp_real_ops);
	if (pptp_client_init(cp))
		goto fail;
	return 0;
fail:
	LOG_ERR(LOG_TOPIC_SYSTEM, "control plane start-up failed");
	cp_fini(cp);
	return -1;
}

int cp_run(struct cp_context *cp)
{
	LOG_INFO(LOG_TOPIC_SYSTEM, "identity=%s running", cp->cfg->system.identity);
	return event_base_dispatch(cp->base) < 0 ? -1 : 0;
}

void cp_request_stop(struct cp_context *cp)
{
	event_base_loopbreak(cp->base);
}

void cp_fini(struct cp_context *cp)
{
	pptp_client_fini();
	tunnel_route_fini();
	pptp_server_fini();
	/* After the sessions' Stop records are queued: flush them (bounded), then close. */
	cli_edit_commit_hook_del(radius_coa_sync);
	radius_coa_fini();
	radius_acct_fini();
	radius_client_fini();
	pptp_ctrl_fini();
	mgmt_fini();
	if (ev_ring_poll)
		event_free(ev_ring_poll);
	if (ev_sigterm)
		event_free(ev_sigterm);
	if (ev_sigint)
		event_free(ev_sigint);
	ev_ring_poll = ev_sigterm = ev_sigint = NULL;
	if (cp->base)
		event_base_free(cp->base);
	cp->base = NULL;
}

int cp_config_commit(struct cp_context *cp, struct cfg_errors *err)
{
	if (cfg_validate(cp->cfg, err))
		return -1;
	if (cfg_save_file(cp->cfg, cp->config_path)) {
		cfg_errors_add(err, "cannot write %s: %s", cp->config_path, strerror(errno));
		return -1;
	}
	return 0;
}
