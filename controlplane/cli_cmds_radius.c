/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RADIUS configuration (the client itself lives elsewhere):
 *   /radius           add set remove print   (servers; referred to by number)
 *   /radius/incoming  set print              (CoA / Disconnect-Request listener)
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cli_cfg_edit.h"
#include "cli_parse.h"
#include "cli_table.h"
#include "config.h"
#include "cp.h"

#define DEFAULT_AUTH_PORT  1812    /* as the JSON loader */
#define DEFAULT_ACCT_PORT  1813
#define DEFAULT_TIMEOUT_MS 300
#define PORT_MAX           65535
#define MS_PER_S           1000
#define SERVICE_TEXT_MAX   96      /* every service word, comma-separated */
#define WORD_TEXT_MAX      16
#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

#define RADIUS_PROPS(address_flags) \
	{ .name = "address", .type = CLI_ARG_IP, .flags = (address_flags) }, \
	{ .name = "secret", .type = CLI_ARG_STRING, .max = CFG_SECRET_MAX - 1 }, \
	{ .name = "service", .type = CLI_ARG_STRING, .max = SERVICE_TEXT_MAX }, \
	{ .name = "authentication-port", .type = CLI_ARG_INT, .min = 1, .max = PORT_MAX }, \
	{ .name = "accounting-port", .type = CLI_ARG_INT, .min = 1, .max = PORT_MAX }, \
	{ .name = "timeout", .type = CLI_ARG_STRING, .max = CFG_DURATION_STRLEN }, \
	{ .name = "src-address", .type = CLI_ARG_IP }

static const struct cli_arg_spec radius_add_args[] = { RADIUS_PROPS(CLI_ARG_REQUIRED) };
static const struct cli_arg_spec radius_set_args[] = { CLI_EDIT_NUMBERS_ARG, RADIUS_PROPS(0) };
static const struct cli_arg_spec radius_remove_args[] = { CLI_EDIT_NUMBERS_ARG };

static const struct cli_column radius_cols[] = {
	{ "service", CLI_COL_WORD, 0 },
	{ "address", CLI_COL_WORD, 0 },
	{ "secret", CLI_COL_STR, 0 },
	{ "authentication-port", CLI_COL_NUM, CLI_COL_DETAIL_ONLY },
	{ "accounting-port", CLI_COL_NUM, CLI_COL_DETAIL_ONLY },
	{ "timeout", CLI_COL_WORD, CLI_COL_DETAIL_ONLY },
	{ "src-address", CLI_COL_WORD, CLI_COL_DETAIL_ONLY },
};

static const struct cli_table_spec radius_table = {
	.layout = CLI_LAYOUT_TABLE,
	.cols = radius_cols, .n_cols = N_OF(radius_cols),
};

static int radius_fill(struct cli_ctx *ctx, struct cli_table *t)
{
	const struct pg_config *cfg = ctx->cp->cfg;

	for (unsigned int i = 0; i < cfg->n_radius; i++) {
		const struct cfg_radius *r = &cfg->radius[i];
		char text[SERVICE_TEXT_MAX];

		cli_table_add_row(t);
		cfg_format_radius_service(r->service, text, sizeof(text));
		cli_table_set(t, "service", text);
		cfg_format_ipv4(r->address, text, sizeof(text));
		cli_table_set(t, "address", text);
		cli_table_set(t, "secret", r->secret);
		cli_table_set_num(t, "authentication-port", r->authentication_port);
		cli_table_set_num(t, "accounting-port", r->accounting_port);
		cfg_format_duration_ms(r->timeout_ms, text, sizeof(text));
		cli_table_set(t, "timeout", text);
		cfg_format_ipv4(r->src_address, text, sizeof(text));
		cli_table_set(t, "src-address", text);
	}
	return 0;
}

/* "ppp,login" into the service bit set; "" is no service (RouterOS's default). */
static int parse_service(struct cli_ctx *ctx, const char *s, uint32_t *set)
{
	uint32_t bits = 0;

	while (*s) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);
		char word[WORD_TEXT_MAX];
		int i;

		if (len == 0 || len >= sizeof(word))
			return cli_edit_fail(ctx, EDIT_NO_MATCH, "service", NULL);
		memcpy(word, s, len);
		word[len] = '\0';
		i = cfg_word_index(&cfg_radius_service_words, word);
		if (i < 0 || (bits & (1u << i)))
			return cli_edit_fail(ctx, EDIT_NO_MATCH, "service", NULL);
		bits |= 1u << i;
		s += len;
		if (comma && !*++s)
			return cli_edit_fail(ctx, EDIT_NO_MATCH, "service", NULL);
	}
	*set = bits;
	return 0;
}

/* As the loader's range message: whole seconds as "60s", else milliseconds. */
static void format_ms_bound(uint32_t ms, char *buf, size_t len)
{
	if (ms % MS_PER_S == 0)
		snprintf(buf, len, "%us", ms / MS_PER_S);
	else
		snprintf(buf, len, "%ums", ms);
}

static int parse_timeout(struct cli_ctx *ctx, const char *s, uint32_t *ms)
{
	char lo[CFG_DURATION_STRLEN], hi[CFG_DURATION_STRLEN], range[2 * CFG_DURATION_STRLEN + 2];
	uint32_t v;
	int rc = cfg_parse_duration_ms(s, &v);

	if (rc == CFG_PARSE_SYNTAX)
		return cli_edit_fail(ctx, EDIT_INVALID, "timeout", NULL);
	if (rc == CFG_PARSE_RANGE || v < CFG_RADIUS_TIMEOUT_MIN_MS || v > CFG_RADIUS_TIMEOUT_MAX_MS) {
		format_ms_bound(CFG_RADIUS_TIMEOUT_MIN_MS, lo, sizeof(lo));
		format_ms_bound(CFG_RADIUS_TIMEOUT_MAX_MS, hi, sizeof(hi));
		snprintf(range, sizeof(range), "%s..%s", lo, hi);
		return cli_edit_fail(ctx, EDIT_RANGE, "timeout", range);
	}
	*ms = v;
	return 0;
}

static const struct cli_edit_prop radius_props[] = {
	CLI_EDIT_PROP(struct cfg_radius, address, "address"),
	CLI_EDIT_PROP(struct cfg_radius, authentication_port, "authentication-port"),
	CLI_EDIT_PROP(struct cfg_radius, accounting_port, "accounting-port"),
	CLI_EDIT_PROP(struct cfg_radius, src_address, "src-address"),
};

static int radius_apply(struct cli_ctx *ctx, const struct pg_config *cfg, void *elem)
{
	struct cfg_radius *r = elem;
	const struct cli_arg *a;

	(void)cfg;
	if (cli_edit_text(ctx, "secret", r->secret, sizeof(r->secret)))
		return -1;
	a = cli_args_find(ctx->args, "service");
	if (a && parse_service(ctx, a->str, &r->service))
		return -1;
	r->service_ppp = (r->service & CFG_RADIUS_SVC_PPP) != 0;
	a = cli_args_find(ctx->args, "timeout");
	if (a && parse_timeout(ctx, a->str, &r->timeout_ms))
		return -1;
	cli_edit_props(ctx, radius_props, N_OF(radius_props), r);
	return 0;
}

static void radius_init(const struct pg_config *cfg, void *elem)
{
	struct cfg_radius *r = elem;

	(void)cfg;
	r->authentication_port = DEFAULT_AUTH_PORT;
	r->accounting_port = DEFAULT_ACCT_PORT;
	r->timeout_ms = DEFAULT_TIMEOUT_MS;
}

/* Servers have no names: set and remove take print numbers only. */
static const struct cli_list_menu radius_menu = {
	CLI_LIST_OF(radius, n_radius),
	.init = radius_init,
	.apply = radius_apply,
};

static int radius_add(struct cli_ctx *ctx)
{
	struct cfg_radius r;

	return cli_list_add(ctx, &radius_menu, &r);
}

static int radius_set(struct cli_ctx *ctx)
{
	return cli_list_set(ctx, &radius_menu);
}

static int radius_remove(struct cli_ctx *ctx)
{
	return cli_list_remove(ctx, &radius_menu);
}

/* ---- /radius/incoming ---- */

static const struct cli_arg_spec incoming_set_args[] = {
	{ .name = "accept", .type = CLI_ARG_BOOL },
	{ .name = "port", .type = CLI_ARG_INT, .min = 1, .max = PORT_MAX },
};

static const struct cli_column incoming_cols[] = {
	{ "accept", CLI_COL_BOOL, 0 },
	{ "port", CLI_COL_NUM, 0 },
};

static const struct cli_table_spec incoming_table = {
	.layout = CLI_LAYOUT_OBJECT,
	.cols = incoming_cols, .n_cols = N_OF(incoming_cols),
};

static int incoming_fill(struct cli_ctx *ctx, struct cli_table *t)
{
	const struct cfg_radius_incoming *in = &ctx->cp->cfg->radius_incoming;

	cli_table_add_row(t);
	cli_table_set_bool(t, "accept", in->accept);
	cli_table_set_num(t, "port", in->port);
	return 0;
}

static const struct cli_edit_prop incoming_props[] = {
	CLI_EDIT_PROP(struct cfg_radius_incoming, accept, "accept"),
	CLI_EDIT_PROP(struct cfg_radius_incoming, port, "port"),
};

static const struct cli_object_menu incoming_menu = {
	.off = offsetof(struct pg_config, radius_incoming),
	.props = incoming_props, .n_props = N_OF(incoming_props),
};

static int incoming_set(struct cli_ctx *ctx)
{
	return cli_object_set(ctx, &incoming_menu);
}

/* ---- registration ---- */

static const struct cli_command radius_cmds[] = {
	{ .name = "print", .fill = radius_fill, .table = &radius_table },
	{ .name = "add", .args = radius_add_args, .n_args = N_OF(radius_add_args),
	  .run = radius_add },
	{ .name = "set", .args = radius_set_args, .n_args = N_OF(radius_set_args),
	  .run = radius_set },
	{ .name = "remove", .args = radius_remove_args, .n_args = 1, .run = radius_remove },
};

static const struct cli_command incoming_cmds[] = {
	{ .name = "print", .fill = incoming_fill, .table = &incoming_table },
	{ .name = "set", .args = incoming_set_args, .n_args = N_OF(incoming_set_args),
	  .run = incoming_set },
};

int cli_cmds_radius_register(void)
{
	if (cli_register_menu("/radius/incoming", incoming_cmds, N_OF(incoming_cmds)) ||
	    cli_register_menu("/radius", radius_cmds, N_OF(radius_cmds)))
		return -1;
	return 0;
}
