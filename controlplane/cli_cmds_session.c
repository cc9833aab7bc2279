/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * /ppp/active/print: one row per authenticated PPP session, as RouterOS
 * prints it (Columns: NAME, SERVICE, CALLER-ID, ENCODING, ADDRESS, UPTIME;
 * traffic counters in detail and JSON). The rows come from the server
 * through struct ppp_active_provider (pptp_server.h), so this file links
 * without the session layer.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli_parse.h"
#include "cli_table.h"
#include "config.h"
#include "pptp_server.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static const struct ppp_active_provider *active_provider;

void ppp_active_provider_register(const struct ppp_active_provider *p)
{
	active_provider = p;
}

/* RouterOS: R - radius; never set while only local secrets authenticate. */
static const struct cli_flag active_flags[] = {
	{ .letter = 'R', .name = "radius", .group = 0, .hide_unused = true },
};

static const struct cli_column active_cols[] = {
	{ "name", CLI_COL_STR, 0 },
	{ "service", CLI_COL_WORD, 0 },
	{ "caller-id", CLI_COL_WORD, 0 },
	{ "encoding", CLI_COL_STR, 0 },
	{ "address", CLI_COL_WORD, 0 },
	{ "uptime", CLI_COL_DURATION, 0 },
	{ "interface", CLI_COL_STR, CLI_COL_DETAIL_ONLY },
	{ "session-id", CLI_COL_NUM, CLI_COL_DETAIL_ONLY },
	{ "rx-bytes", CLI_COL_NUM, CLI_COL_DETAIL_ONLY },
	{ "tx-bytes", CLI_COL_NUM, CLI_COL_DETAIL_ONLY },
	{ "rx-packets", CLI_COL_NUM, CLI_COL_DETAIL_ONLY },
	{ "tx-packets", CLI_COL_NUM, CLI_COL_DETAIL_ONLY },
	/* The limits in effect (profile, or RADIUS / CoA): rx/tx as the profile's rate-limit. */
	{ "rate-limit", CLI_COL_WORD, CLI_COL_DETAIL_ONLY },
	{ "session-timeout", CLI_COL_DURATION, CLI_COL_DETAIL_ONLY },
	{ "idle-timeout", CLI_COL_DURATION, CLI_COL_DETAIL_ONLY },
};

static const struct cli_table_spec active_table = {
	.layout = CLI_LAYOUT_TABLE,
	.flags = active_flags, .n_flags = N_OF(active_flags),
	.cols = active_cols, .n_cols = N_OF(active_cols),
};

static int active_fill(struct cli_ctx *ctx, struct cli_table *t)
{
	unsigned int n = active_provider ? active_provider->count() : 0;

	(void)ctx;
	for (unsigned int i = 0; i < n; i++) {
		struct ppp_active_row r;
		char text[CFG_IPV4_STRLEN];

		if (active_provider->get(i, &r))
			continue;
		r.name[sizeof(r.name) - 1] = '\0';
		r.service[sizeof(r.service) - 1] = '\0';
		r.encoding[sizeof(r.encoding) - 1] = '\0';
		r.iface[sizeof(r.iface) - 1] = '\0';
		cli_table_add_row(t);
		cli_table_set_id(t, r.session_id + 1);   /* ".id" *1 for session 0 */
		cli_table_set(t, "name", r.name);
		cli_table_set(t, "service", r.service);
		cfg_format_ipv4(r.caller_id, text, sizeof(text));
		cli_table_set(t, "caller-id", text);
		cli_table_set(t, "encoding", r.encoding);
		if (r.address) {
			cfg_format_ipv4(r.address, text, sizeof(text));
			cli_table_set(t, "address", text);
		}
		cli_table_set_num(t, "uptime", (int64_t)r.uptime);
		cli_table_set(t, "interface", r.iface);
		cli_table_set_num(t, "session-id", r.session_id);
		cli_table_set_num(t, "rx-bytes", (int64_t)r.rx_bytes);
		cli_table_set_num(t, "tx-bytes", (int64_t)r.tx_bytes);
		cli_table_set_num(t, "rx-packets", (int64_t)r.rx_packets);
		cli_table_set_num(t, "tx-packets", (int64_t)r.tx_packets);
		if (r.rate_limit.is_set) {
			char rate[CFG_RATE_STRLEN];

			cfg_format_rate_limit(&r.rate_limit, rate, sizeof(rate));
			cli_table_set(t, "rate-limit", rate);
		}
		if (r.session_timeout)
			cli_table_set_num(t, "session-timeout", r.session_timeout);
		if (r.idle_timeout)
			cli_table_set_num(t, "idle-timeout", r.idle_timeout);
	}
	return 0;
}

static const struct cli_command active_cmds[] = {
	{ .name = "print", .fill = active_fill, .table = &active_table },
};

int cli_cmds_session_register(void)
{
	return cli_register_menu("/ppp/active", active_cmds, N_OF(active_cmds));
}
