/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * /pptpgw/radius on DPDK's telemetry socket (dpdk-telemetry.py): the RADIUS
 * client's counters per server (requests, accepts, rejects, timeouts,
 * retransmits, ...), the accounting queue and /radius/incoming.
 *
 * The callback runs on DPDK's telemetry thread and reads counters the
 * control plane writes: plain 64-bit loads, a snapshot that may be a
 * request old, never a torn pointer (the tables are static and only grow).
 */
#include <stdio.h>

#include <rte_telemetry.h>

#include "config.h"
#include "radius_acct.h"
#include "radius_client.h"
#include "radius_coa.h"
#include "radius_telemetry.h"

#define KEY_MAX 12

static void add_u64(struct rte_tel_data *d, const char *k, uint64_t v)
{
	(void)rte_tel_data_add_dict_u64(d, k, v);
}

static void server_to_dict(const struct radius_server_stats *s, struct rte_tel_data *c)
{
	char addr[CFG_IPV4_STRLEN];

	rte_tel_data_start_dict(c);
	cfg_format_ipv4(s->addr, addr, sizeof(addr));
	rte_tel_data_add_dict_string(c, "address", addr);
	add_u64(c, "port", s->port);
	rte_tel_data_add_dict_string(c, "service", s->svc == RADIUS_SVC_AUTH ? "auth" : "acct");
	add_u64(c, "requests", s->requests);
	add_u64(c, "retransmits", s->retransmits);
	add_u64(c, "timeouts", s->timeouts);
	if (s->svc == RADIUS_SVC_AUTH) {
		add_u64(c, "accepts", s->accepts);
		add_u64(c, "rejects", s->rejects);
	} else {
		add_u64(c, "responses", s->responses);
	}
	add_u64(c, "bad_replies", s->bad_replies);
	add_u64(c, "malformed", s->malformed);
}

/*
 * {"0": {"address": "127.0.0.1", "port": 1812, ...}, "1": {...}, ...,
 *  "unmatched_replies": N, "accounting": {...}, "incoming": {...}}
 * Telemetry keys allow no dots or colons and containers nest one level: the
 * servers are keyed by index, their address inside.
 */
static int cmd_radius(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct radius_acct_stats as;
	struct radius_coa_stats cs;
	struct rte_tel_data *c;
	unsigned int n = radius_client_stats_count();

	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	for (unsigned int i = 0; i < n; i++) {
		const struct radius_server_stats *s = radius_client_stats(i);
		char key[KEY_MAX];

		if (!s || !(c = rte_tel_data_alloc()))
			continue;
		server_to_dict(s, c);
		snprintf(key, sizeof(key), "%u", i);
		if (rte_tel_data_add_dict_container(d, key, c, 0) != 0)
			rte_tel_data_free(c);
	}
	add_u64(d, "unmatched_replies", radius_client_unmatched());
	radius_acct_get_stats(&as);
	if ((c = rte_tel_data_alloc()) != NULL) {
		rte_tel_data_start_dict(c);
		add_u64(c, "records", as.queued);
		add_u64(c, "acknowledged", as.acked);
		add_u64(c, "dropped", as.dropped);
		add_u64(c, "waiting", as.waiting);
		if (rte_tel_data_add_dict_container(d, "accounting", c, 0) != 0)
			rte_tel_data_free(c);
	}
	radius_coa_get_stats(&cs);
	if ((c = rte_tel_data_alloc()) != NULL) {
		rte_tel_data_start_dict(c);
		add_u64(c, "requests", cs.requests);
		add_u64(c, "acks", cs.acks);
		add_u64(c, "naks", cs.naks);
		add_u64(c, "unknown_client", cs.unknown_client);
		add_u64(c, "bad_authenticator", cs.bad_authenticator);
		add_u64(c, "malformed", cs.malformed);
		if (rte_tel_data_add_dict_container(d, "incoming", c, 0) != 0)
			rte_tel_data_free(c);
	}
	return 0;
}

int radius_telemetry_register(void)
{
	static bool done;

	/* Commands cannot be unregistered: once per process. */
	if (done)
		return 0;
	done = true;
	return rte_telemetry_register_cmd("/pptpgw/radius", cmd_radius,
					  "RADIUS client counters per server, accounting queue, "
					  "incoming Disconnect/CoA. No parameters.") == 0 ? 0 : -1;
}
