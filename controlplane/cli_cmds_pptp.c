/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The PPTP menus:
 *   /interface/pptp-server/server  set print   (the server's settings)
 *   /interface/pptp-server         add set remove print
 *                                  (static entries binding an interface name
 *                                  to a user, and the running sessions from
 *                                  the provider in cli_cmds_pptp.h)
 *   /interface/pptp-client         add set remove enable disable print
 *                                  (the dial-out entries; the R flag from the
 *                                  client role's provider)
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_cfg_edit.h"
#include "cli_cmds_pptp.h"
#include "cli_parse.h"
#include "cli_table.h"
#include "config.h"
#include "cp.h"

#define STATIC_NAME_PREFIX "pptp-in"    /* RouterOS's default names: pptp-in1, pptp-in2, ... */
#define CLIENT_NAME_PREFIX "pptp-out"   /* ... and pptp-out1, pptp-out2, ... for clients */
/* The seed's pptp-client defaults (DESIGN.md 3). */
#define CLIENT_DEFAULT_PROFILE   "default-encryption"
#define CLIENT_DEFAULT_KEEPALIVE 60
#define CLIENT_DEFAULT_MTU       1450
#define CLIENT_DEFAULT_DISTANCE  1
#define CLIENT_DISTANCE_MAX      255
#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static const struct pptp_iface_provider *iface_provider;

void pptp_iface_provider_register(const struct pptp_iface_provider *p)
{
	iface_provider = p;
}

/* ---- /interface/pptp-server/server ---- */

static const struct cli_arg_spec server_set_args[] = {
	{ .name = "enabled", .type = CLI_ARG_BOOL },
	{ .name = "authentication", .type = CLI_ARG_AUTH_LIST },
	{ .name = "default-profile", .type = CLI_ARG_STRING, .max = CFG_NAME_MAX - 1 },
	{ .name = "keepalive-timeout", .type = CLI_ARG_DURATION,
	  .min = CFG_KEEPALIVE_MIN, .max = CFG_KEEPALIVE_MAX },
	{ .name = "max-mtu", .type = CLI_ARG_INT, .min = CFG_MTU_MIN, .max = CFG_MTU_MAX },
	{ .name = "max-mru", .type = CLI_ARG_INT, .min = CFG_MTU_MIN, .max = CFG_MTU_MAX },
	{ .name = "mrru", .type = CLI_ARG_MRRU },
};

/* RouterOS's order. */
static const struct cli_column server_cols[] = {
	{ "enabled", CLI_COL_BOOL, 0 },
	{ "max-mtu", CLI_COL_NUM, 0 },
	{ "max-mru", CLI_COL_NUM, 0 },
	{ "mrru", CLI_COL_WORD, 0 },
	{ "authentication", CLI_COL_WORD, 0 },
	{ "keepalive-timeout", CLI_COL_NUM, 0 },
	{ "default-profile", CLI_COL_WORD, 0 },
};

static const struct cli_table_spec server_table = {
	.layout = CLI_LAYOUT_OBJECT,
	.cols = server_cols, .n_cols = N_OF(server_cols),
};

static int server_fill(struct cli_ctx *ctx, struct cli_table *t)
{
	const struct cfg_pptp_server *sv = &ctx->cp->cfg->pptp_server;
	char text[CFG_DURATION_STRLEN + CFG_NAME_MAX];

	cli_table_add_row(t);
	cli_table_set_bool(t, "enabled", sv->enabled);
	cli_table_set_num(t, "max-mtu", sv->link.max_mtu);
	cli_table_set_num(t, "max-mru", sv->link.max_mru);
	cfg_format_mrru(sv->link.mrru, text, sizeof(text));
	cli_table_set(t, "mrru", text);
	cfg_format_auth_list(sv->authentication, text, sizeof(text));
	cli_table_set(t, "authentication", text);
	cli_table_set_num(t, "keepalive-timeout", sv->link.keepalive_timeout);
	cli_table_set(t, "default-profile", sv->default_profile);
	return 0;
}

static int server_apply(struct cli_ctx *ctx, struct pg_config *cfg)
{
	struct cfg_pptp_server *sv = &cfg->pptp_server;

	return cli_edit_profile_ref(ctx, cfg, "default-profile", sv->default_profile,
				    sizeof(sv->default_profile));
}

static const struct cli_edit_prop server_props[] = {
	CLI_EDIT_PROP(struct cfg_pptp_server, enabled, "enabled"),
	CLI_EDIT_PROP(struct cfg_pptp_server, authentication, "authentication"),
	CLI_EDIT_PROP(struct cfg_pptp_server, link.keepalive_timeout, "keepalive-timeout"),
	CLI_EDIT_PROP(struct cfg_pptp_server, link.max_mtu, "max-mtu"),
	CLI_EDIT_PROP(struct cfg_pptp_server, link.max_mru, "max-mru"),
	CLI_EDIT_PROP(struct cfg_pptp_server, link.mrru, "mrru"),
};

static const struct cli_object_menu server_menu = {
	.off = offsetof(struct pg_config, pptp_server),
	.props = server_props, .n_props = N_OF(server_props),
	.apply = server_apply,
};

static int server_set(struct cli_ctx *ctx)
{
	return cli_object_set(ctx, &server_menu);
}

/* ---- /interface/pptp-server (static entries and sessions) ---- */

static const struct cli_arg_spec static_add_args[] = {
	{ .name = "name", .type = CLI_ARG_STRING, .max = CFG_NAME_MAX - 1 },
	{ .name = "user", .type = CLI_ARG_STRING, .flags = CLI_ARG_REQUIRED, .max = CFG_NAME_MAX - 1 },
};
static const struct cli_arg_spec static_set_args[] = {
	CLI_EDIT_NUMBERS_ARG,
	{ .name = "name", .type = CLI_ARG_STRING, .max = CFG_NAME_MAX - 1 },
	{ .name = "user", .type = CLI_ARG_STRING, .max = CFG_NAME_MAX - 1 },
};
static const struct cli_arg_spec static_remove_args[] = { CLI_EDIT_NUMBERS_ARG };

/* DESIGN.md section 4 spells these in lower case, as the seed's RouterOS does. */
static const struct cli_flag iface_flags[] = {
	{ .letter = 'D', .name = "dynamic", .group = 0 },
	{ .letter = 'R', .name = "running", .group = 1 },
};

static const struct cli_column iface_cols[] = {
	{ "name", CLI_COL_STR, 0 },
	{ "user", CLI_COL_STR, 0 },
	{ "mtu", CLI_COL_NUM, 0 },
	{ "client-address", CLI_COL_WORD, 0 },
	{ "uptime", CLI_COL_DURATION, 0 },
	{ "encoding", CLI_COL_STR, 0 },
};

static const struct cli_table_spec iface_table = {
	.layout = CLI_LAYOUT_TABLE,
	.flags = iface_flags, .n_flags = N_OF(iface_flags),
	.cols = iface_cols, .n_cols = N_OF(iface_cols),
};

/* The session columns of one row (the name and user are set by the caller). */
static void iface_session_cells(struct cli_table *t, const struct pptp_iface_row *r)
{
	char text[CFG_IPV4_STRLEN];

	if (r->running)
		cli_table_set_flag(t, 'R');
	if (r->mtu)
		cli_table_set_num(t, "mtu", r->mtu);
	if (r->client_address) {
		cfg_format_ipv4(r->client_address, text, sizeof(text));
		cli_table_set(t, "client-address", text);
	}
	if (r->running) {
		cli_table_set_num(t, "uptime", (int64_t)r->uptime);
		cli_table_set(t, "encoding", r->encoding);
	}
}

static int static_index(const struct pg_config *cfg, const char *name)
{
	for (unsigned int i = 0; i < cfg->n_pptp_static; i++)
		if (strcmp(cfg->pptp_static[i].name, name) == 0)
			return (int)i;
	return -1;
}

/*
 * Static entries in config order (their print numbers are their config
 * positions, so set/remove take them), each with its session when one runs
 * on it; then every other session.
 */
static int iface_fill(struct cli_ctx *ctx, struct cli_table *t)
{
	const struct pg_config *cfg = ctx->cp->cfg;
	unsigned int n = iface_provider ? iface_provider->count() : 0;
	struct pptp_iface_row *rows = NULL;
	bool *shown = NULL;
	int *session_of = NULL, rc = -1;

	if (n) {
		rows = calloc(n, sizeof(*rows));
		shown = calloc(n, sizeof(*shown));
	}
	if (cfg->n_pptp_static)
		session_of = malloc(cfg->n_pptp_static * sizeof(*session_of));
	if ((n && (!rows || !shown)) || (cfg->n_pptp_static && !session_of)) {
		cli_edit_fail(ctx, EDIT_NO_MEMORY, NULL, NULL);
		goto out;
	}
	for (unsigned int j = 0; j < cfg->n_pptp_static; j++)
		session_of[j] = -1;
	for (unsigned int i = 0; i < n; i++) {
		int j;

		if (iface_provider->get(i, &rows[i])) {
			shown[i] = true;   /* gone: skip */
			continue;
		}
		rows[i].name[sizeof(rows[i].name) - 1] = '\0';
		rows[i].user[sizeof(rows[i].user) - 1] = '\0';
		rows[i].encoding[sizeof(rows[i].encoding) - 1] = '\0';
		if (rows[i].dynamic)
			continue;
		j = static_index(cfg, rows[i].name);
		if (j >= 0 && session_of[j] < 0) {
			session_of[j] = (int)i;
			shown[i] = true;
		}
	}
	for (unsigned int j = 0; j < cfg->n_pptp_static; j++) {
		cli_table_add_row(t);
		cli_table_set(t, "name", cfg->pptp_static[j].name);
		cli_table_set(t, "user", cfg->pptp_static[j].user);
		if (session_of[j] >= 0)
			iface_session_cells(t, &rows[session_of[j]]);
	}
	for (unsigned int i = 0; i < n; i++) {
		if (shown[i])
			continue;
		cli_table_add_row(t);
		if (rows[i].dynamic)
			cli_table_set_flag(t, 'D');
		cli_table_set(t, "name", rows[i].name);
		cli_table_set(t, "user", rows[i].user);
		iface_session_cells(t, &rows[i]);
	}
	rc = 0;
out:
	free(rows);
	free(shown);
	free(session_of);
	return rc;
}

/* Interface names are one namespace: ethernet, pptp-client and these entries. */
static bool iface_name_elsewhere(const struct pg_config *cfg, const char *name)
{
	if (cfg_find_ethernet(cfg, name))
		return true;
	for (unsigned int i = 0; i < cfg->n_pptp_client; i++)
		if (strcmp(cfg->pptp_client[i].name, name) == 0)
			return true;
	return false;
}

/* Beyond the entries' own names: no ethernet or pptp-client interface of that name. */
static int static_check_name(struct cli_ctx *ctx, const struct pg_config *cfg, unsigned int i)
{
	if (iface_name_elsewhere(cfg, cfg->pptp_static[i].name))
		return cli_edit_fail(ctx, EDIT_IFACE_EXISTS, NULL, NULL);
	return 0;
}

/* RouterOS names an unnamed entry pptp-in1, pptp-in2, ...: the first free one. */
static void static_init(const struct pg_config *cfg, void *elem)
{
	struct cfg_pptp_static *s = elem;

	for (unsigned int n = 1;; n++) {
		snprintf(s->name, sizeof(s->name), STATIC_NAME_PREFIX "%u", n);
		if (static_index(cfg, s->name) < 0 && !iface_name_elsewhere(cfg, s->name))
			return;
	}
}

static int static_apply(struct cli_ctx *ctx, const struct pg_config *cfg, void *elem)
{
	struct cfg_pptp_static *s = elem;

	(void)cfg;
	if (cli_edit_name(ctx, "name", s->name, sizeof(s->name)) ||
	    cli_edit_name(ctx, "user", s->user, sizeof(s->user)))
		return -1;
	return 0;
}

static const struct cli_list_menu static_menu = {
	CLI_LIST_OF(pptp_static, n_pptp_static),
	CLI_LIST_NAMED(struct cfg_pptp_static, name),
	.init = static_init,
	.apply = static_apply,
	.check_name = static_check_name,
};

static int static_add(struct cli_ctx *ctx)
{
	struct cfg_pptp_static s;

	return cli_list_add(ctx, &static_menu, &s);
}

static int static_set(struct cli_ctx *ctx)
{
	return cli_list_set(ctx, &static_menu);
}

static int static_remove(struct cli_ctx *ctx)
{
	return cli_list_remove(ctx, &static_menu);
}

/* ---- /interface/pptp-client ---- */

static const struct pptp_client_provider *client_provider;

void pptp_client_provider_register(const struct pptp_client_provider *p)
{
	client_provider = p;
}

/* Every property of an entry; add requires connect-to, set takes numbers first. */
#define CLIENT_PROP_ARGS(connect_flags)                                                     \
	{ .name = "name", .type = CLI_ARG_STRING, .max = CFG_NAME_MAX - 1 },                   \
	{ .name = "connect-to", .type = CLI_ARG_IP, .flags = (connect_flags) },                \
	{ .name = "user", .type = CLI_ARG_STRING, .max = CFG_NAME_MAX - 1 },                   \
	{ .name = "password", .type = CLI_ARG_STRING, .max = CFG_SECRET_MAX - 1 },             \
	{ .name = "disabled", .type = CLI_ARG_BOOL },                                          \
	{ .name = "profile", .type = CLI_ARG_STRING, .max = CFG_NAME_MAX - 1 },                \
	{ .name = "keepalive-timeout", .type = CLI_ARG_DURATION,                               \
	  .min = CFG_KEEPALIVE_MIN, .max = CFG_KEEPALIVE_MAX },                                \
	{ .name = "add-default-route", .type = CLI_ARG_BOOL },                                 \
	{ .name = "default-route-distance", .type = CLI_ARG_INT, .min = 0,                     \
	  .max = CLIENT_DISTANCE_MAX },                                                       \
	{ .name = "dial-on-demand", .type = CLI_ARG_BOOL },                                    \
	{ .name = "allow", .type = CLI_ARG_AUTH_LIST },                                        \
	{ .name = "max-mtu", .type = CLI_ARG_INT, .min = CFG_MTU_MIN, .max = CFG_MTU_MAX },    \
	{ .name = "max-mru", .type = CLI_ARG_INT, .min = CFG_MTU_MIN, .max = CFG_MTU_MAX },    \
	{ .name = "mrru", .type = CLI_ARG_MRRU }

static const struct cli_arg_spec client_add_args[] = { CLIENT_PROP_ARGS(CLI_ARG_REQUIRED) };
static const struct cli_arg_spec client_set_args[] = { CLI_EDIT_NUMBERS_ARG, CLIENT_PROP_ARGS(0) };
static const struct cli_arg_spec client_numbers_args[] = { CLI_EDIT_NUMBERS_ARG };

static const struct cli_flag client_flags[] = {
	{ .letter = 'X', .name = "disabled", .group = 0 },
	{ .letter = 'R', .name = "running", .group = 1 },
};

/* The seed's order (RouterOS 7's print). */
static const struct cli_column client_cols[] = {
	{ "name", CLI_COL_STR, 0 },
	{ "max-mtu", CLI_COL_NUM, 0 },
	{ "max-mru", CLI_COL_NUM, 0 },
	{ "mrru", CLI_COL_WORD, 0 },
	{ "connect-to", CLI_COL_WORD, 0 },
	{ "user", CLI_COL_STR, 0 },
	{ "password", CLI_COL_STR, 0 },
	{ "profile", CLI_COL_WORD, 0 },
	{ "keepalive-timeout", CLI_COL_NUM, 0 },
	{ "add-default-route", CLI_COL_BOOL, 0 },
	{ "default-route-distance", CLI_COL_NUM, 0 },
	{ "dial-on-demand", CLI_COL_BOOL, 0 },
	{ "allow", CLI_COL_WORD, 0 },
};

static const struct cli_table_spec client_table = {
	.layout = CLI_LAYOUT_DETAIL,
	.flags = client_flags, .n_flags = N_OF(client_flags),
	.cols = client_cols, .n_cols = N_OF(client_cols),
	.detail_one_line = true,
};

/* Entries in config order: their print numbers are their positions, as set/remove take them. */
static int client_fill(struct cli_ctx *ctx, struct cli_table *t)
{
	const struct pg_config *cfg = ctx->cp->cfg;
	char text[CFG_NAME_MAX + CFG_IPV4_STRLEN];

	for (unsigned int i = 0; i < cfg->n_pptp_client; i++) {
		const struct cfg_pptp_client *c = &cfg->pptp_client[i];

		cli_table_add_row(t);
		if (c->disabled)
			cli_table_set_flag(t, 'X');
		else if (client_provider && client_provider->running(c->name))
			cli_table_set_flag(t, 'R');
		cli_table_set(t, "name", c->name);
		cli_table_set_num(t, "max-mtu", c->link.max_mtu);
		cli_table_set_num(t, "max-mru", c->link.max_mru);
		cfg_format_mrru(c->link.mrru, text, sizeof(text));
		cli_table_set(t, "mrru", text);
		cfg_format_ipv4(c->connect_to, text, sizeof(text));
		cli_table_set(t, "connect-to", text);
		cli_table_set(t, "user", c->user);
		cli_table_set(t, "password", c->password);
		cli_table_set(t, "profile", c->profile);
		cli_table_set_num(t, "keepalive-timeout", c->link.keepalive_timeout);
		cli_table_set_bool(t, "add-default-route", c->add_default_route);
		/* RouterOS shows the distance only where it applies. */
		if (c->add_default_route)
			cli_table_set_num(t, "default-route-distance", c->default_route_distance);
		cli_table_set_bool(t, "dial-on-demand", c->dial_on_demand);
		cfg_format_auth_list(c->allow, text, sizeof(text));
		cli_table_set(t, "allow", text);
	}
	return 0;
}

static int client_index(const struct pg_config *cfg, const char *name)
{
	for (unsigned int i = 0; i < cfg->n_pptp_client; i++)
		if (strcmp(cfg->pptp_client[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* RouterOS names an unnamed entry pptp-out1, pptp-out2, ...: the first free one. */
static void client_init(const struct pg_config *cfg, void *elem)
{
	struct cfg_pptp_client *c = elem;

	c->disabled = true;
	snprintf(c->profile, sizeof(c->profile), CLIENT_DEFAULT_PROFILE);
	c->default_route_distance = CLIENT_DEFAULT_DISTANCE;
	c->allow = CFG_AUTH_ALL;
	c->link.max_mtu = CLIENT_DEFAULT_MTU;
	c->link.max_mru = CLIENT_DEFAULT_MTU;
	c->link.keepalive_timeout = CLIENT_DEFAULT_KEEPALIVE;
	for (unsigned int n = 1;; n++) {
		snprintf(c->name, sizeof(c->name), CLIENT_NAME_PREFIX "%u", n);
		if (client_index(cfg, c->name) < 0 && static_index(cfg, c->name) < 0 &&
		    !cfg_find_ethernet(cfg, c->name))
			return;
	}
}

static const struct cli_edit_prop client_props[] = {
	CLI_EDIT_PROP(struct cfg_pptp_client, connect_to, "connect-to"),
	CLI_EDIT_PROP(struct cfg_pptp_client, disabled, "disabled"),
	CLI_EDIT_PROP(struct cfg_pptp_client, add_default_route, "add-default-route"),
	CLI_EDIT_PROP(struct cfg_pptp_client, default_route_distance, "default-route-distance"),
	CLI_EDIT_PROP(struct cfg_pptp_client, dial_on_demand, "dial-on-demand"),
	CLI_EDIT_PROP(struct cfg_pptp_client, allow, "allow"),
	CLI_EDIT_PROP(struct cfg_pptp_client, link.keepalive_timeout, "keepalive-timeout"),
	CLI_EDIT_PROP(struct cfg_pptp_client, link.max_mtu, "max-mtu"),
	CLI_EDIT_PROP(struct cfg_pptp_client, link.max_mru, "max-mru"),
	CLI_EDIT_PROP(struct cfg_pptp_client, link.mrru, "mrru"),
};

static int client_apply(struct cli_ctx *ctx, const struct pg_config *cfg, void *elem)
{
	struct cfg_pptp_client *c = elem;
	const struct cli_arg *a = cli_args_find(ctx->args, "allow");

	if (cli_edit_name(ctx, "name", c->name, sizeof(c->name)) ||
	    cli_edit_text(ctx, "user", c->user, sizeof(c->user)) ||
	    cli_edit_text(ctx, "password", c->password, sizeof(c->password)) ||
	    cli_edit_profile_ref(ctx, cfg, "profile", c->profile, sizeof(c->profile)))
		return -1;
	/* The config requires at least one method (an empty allow could never log in). */
	if (a && a->v.auth == 0)
		return cli_edit_fail(ctx, EDIT_INVALID, "allow", NULL);
	cli_edit_props(ctx, client_props, N_OF(client_props), c);
	return 0;
}

/* Interface names are one namespace: no ethernet or pptp-server static entry of that name. */
static int client_check_name(struct cli_ctx *ctx, const struct pg_config *cfg, unsigned int i)
{
	const char *name = cfg->pptp_client[i].name;

	if (cfg_find_ethernet(cfg, name) || static_index(cfg, name) >= 0)
		return cli_edit_fail(ctx, EDIT_IFACE_EXISTS, NULL, NULL);
	return 0;
}

static const struct cli_list_menu client_menu = {
	CLI_LIST_OF(pptp_client, n_pptp_client),
	CLI_LIST_NAMED(struct cfg_pptp_client, name),
	.disabled_off = offsetof(struct cfg_pptp_client, disabled),
	.init = client_init,
	.apply = client_apply,
	.check_name = client_check_name,
};

static int client_add(struct cli_ctx *ctx)
{
	struct cfg_pptp_client c;

	return cli_list_add(ctx, &client_menu, &c);
}

static int client_set(struct cli_ctx *ctx)
{
	return cli_list_set(ctx, &client_menu);
}

static int client_remove(struct cli_ctx *ctx)
{
	return cli_list_remove(ctx, &client_menu);
}

static int client_enable(struct cli_ctx *ctx)
{
	return cli_list_enable(ctx, &client_menu);
}

static int client_disable(struct cli_ctx *ctx)
{
	return cli_list_disable(ctx, &client_menu);
}

/* ---- registration ---- */

static const struct cli_command server_cmds[] = {
	{ .name = "print", .fill = server_fill, .table = &server_table },
	{ .name = "set", .args = server_set_args, .n_args = N_OF(server_set_args),
	  .run = server_set },
};

static const struct cli_command iface_cmds[] = {
	{ .name = "print", .fill = iface_fill, .table = &iface_table },
	{ .name = "add", .args = static_add_args, .n_args = N_OF(static_add_args),
	  .run = static_add },
	{ .name = "set", .args = static_set_args, .n_args = N_OF(static_set_args),
	  .run = static_set },
	{ .name = "remove", .args = static_remove_args, .n_args = 1, .run = static_remove },
};

static const struct cli_command client_cmds[] = {
	{ .name = "print", .fill = client_fill, .table = &client_table },
	{ .name = "add", .args = client_add_args, .n_args = N_OF(client_add_args),
	  .run = client_add },
	{ .name = "set", .args = client_set_args, .n_args = N_OF(client_set_args),
	  .run = client_set },
	{ .name = "remove", .args = client_numbers_args, .n_args = 1, .run = client_remove },
	{ .name = "enable", .args = client_numbers_args, .n_args = 1, .run = client_enable },
	{ .name = "disable", .args = client_numbers_args, .n_args = 1, .run = client_disable },
};

int cli_cmds_pptp_register(void)
{
	if (cli_register_menu("/interface/pptp-server/server", server_cmds, N_OF(server_cmds)) ||
	    cli_register_menu("/interface/pptp-server", iface_cmds, N_OF(iface_cmds)) ||
	    cli_register_menu("/interface/pptp-client", client_cmds, N_OF(client_cmds)))
		return -1;
	return 0;
}
