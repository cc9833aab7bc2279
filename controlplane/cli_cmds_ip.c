/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * /ip/pool add set remove (print is in cli_cmds_system.c) and
 * /ip/pool/used/print, the addresses the allocator (ip_pool.h) has handed out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_cfg_edit.h"
#include "cli_parse.h"
#include "cli_table.h"
#include "config.h"
#include "cp.h"
#include "ip_pool.h"

#define NUM_TEXT_MAX 24
#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static const struct cli_arg_spec pool_add_args[] = {
	{ .name = "name", .type = CLI_ARG_STRING, .flags = CLI_ARG_REQUIRED, .max = CFG_NAME_MAX - 1 },
	{ .name = "ranges", .type = CLI_ARG_STRING, .flags = CLI_ARG_REQUIRED, .max = CLI_LINE_MAX },
};
static const struct cli_arg_spec pool_set_args[] = {
	CLI_EDIT_NUMBERS_ARG,
	{ .name = "name", .type = CLI_ARG_STRING, .max = CFG_NAME_MAX - 1 },
	{ .name = "ranges", .type = CLI_ARG_STRING, .max = CLI_LINE_MAX },
};
static const struct cli_arg_spec pool_remove_args[] = { CLI_EDIT_NUMBERS_ARG };

/* "10.0.0.10-10.0.0.254,10.1.0.0/24,10.2.0.1" into a new array. */
static int parse_ranges(struct cli_ctx *ctx, const char *s, struct cfg_ip_range **out,
			unsigned int *n_out)
{
	struct cfg_ip_range ranges[CFG_MAX_POOL_RANGES];
	unsigned int n = 0;
	char max[NUM_TEXT_MAX];

	for (;;) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);
		char word[CFG_RANGE_STRLEN];

		if (n == CFG_MAX_POOL_RANGES) {
			snprintf(max, sizeof(max), "%u", CFG_MAX_POOL_RANGES);
			return cli_edit_fail(ctx, EDIT_TOO_MANY_VALUES, "ranges", max);
		}
		if (len == 0 || len >= sizeof(word))
			return cli_edit_fail(ctx, EDIT_INVALID, "ranges", NULL);
		memcpy(word, s, len);
		word[len] = '\0';
		if (cfg_parse_range(word, &ranges[n++]))
			return cli_edit_fail(ctx, EDIT_INVALID, "ranges", NULL);
		if (!comma)
			break;
		s = comma + 1;
	}
	*out = malloc(n * sizeof(**out));
	if (!*out)
		return cli_edit_fail(ctx, EDIT_NO_MEMORY, NULL, NULL);
	memcpy(*out, ranges, n * sizeof(**out));
	*n_out = n;
	return 0;
}

/* The given properties onto one pool of the copy. */
static int pool_apply(struct cli_ctx *ctx, const struct pg_config *cfg, void *elem)
{
	struct cfg_ip_pool *p = elem;
	const struct cli_arg *a = cli_args_find(ctx->args, "name");
	uint32_t addr;

	(void)cfg;
	/* An address would read as an address wherever a pool is named. */
	if (a && cfg_parse_ipv4(a->str, &addr) == 0)
		return cli_edit_fail(ctx, EDIT_INVALID, "name", NULL);
	if (cli_edit_name(ctx, "name", p->name, sizeof(p->name)))
		return -1;
	a = cli_args_find(ctx->args, "ranges");
	if (a) {
		struct cfg_ip_range *ranges;
		unsigned int n;

		if (parse_ranges(ctx, a->str, &ranges, &n))
			return -1;
		free(p->ranges);
		p->ranges = ranges;
		p->n_ranges = n;
	}
	return 0;
}

static bool aop_names(const struct cfg_addr_or_pool *a, const char *pool)
{
	return a->is_set && a->is_pool && strcmp(a->pool, pool) == 0;
}

static bool pool_in_use(const struct pg_config *cfg, const char *name)
{
	for (unsigned int i = 0; i < cfg->n_ppp_profile; i++)
		if (aop_names(&cfg->ppp_profile[i].local_address, name) ||
		    aop_names(&cfg->ppp_profile[i].remote_address, name))
			return true;
	for (unsigned int i = 0; i < cfg->n_ppp_secret; i++)
		if (aop_names(&cfg->ppp_secret[i].local_address, name) ||
		    aop_names(&cfg->ppp_secret[i].remote_address, name))
			return true;
	return false;
}

static void aop_rename(struct cfg_addr_or_pool *a, const char *from, const char *to)
{
	if (aop_names(a, from))
		snprintf(a->pool, sizeof(a->pool), "%s", to);
}

/* References follow a rename, as on RouterOS (which refers by id). */
static int pool_renamed(struct cli_ctx *ctx, struct pg_config *cfg, void *elem, const char *old)
{
	const struct cfg_ip_pool *p = elem;

	(void)ctx;
	for (unsigned int i = 0; i < cfg->n_ppp_profile; i++) {
		aop_rename(&cfg->ppp_profile[i].local_address, old, p->name);
		aop_rename(&cfg->ppp_profile[i].remote_address, old, p->name);
	}
	for (unsigned int i = 0; i < cfg->n_ppp_secret; i++) {
		aop_rename(&cfg->ppp_secret[i].local_address, old, p->name);
		aop_rename(&cfg->ppp_secret[i].remote_address, old, p->name);
	}
	return 0;
}

static int pool_can_remove(struct cli_ctx *ctx, const struct pg_config *cfg, const void *elem)
{
	const struct cfg_ip_pool *p = elem;

	if (pool_in_use(cfg, p->name))
		return cli_edit_fail(ctx, EDIT_POOL_IN_USE, NULL, NULL);
	return 0;
}

static void pool_release(void *elem)
{
	struct cfg_ip_pool *p = elem;

	free(p->ranges);
	p->ranges = NULL;
	p->n_ranges = 0;
}

static const struct cli_list_menu pool_menu = {
	CLI_LIST_OF(ip_pool, n_ip_pool),
	CLI_LIST_NAMED(struct cfg_ip_pool, name),
	.apply = pool_apply,
	.renamed = pool_renamed,
	.can_remove = pool_can_remove,
	.release = pool_release,
};

static int pool_add(struct cli_ctx *ctx)
{
	struct cfg_ip_pool p;

	return cli_list_add(ctx, &pool_menu, &p);
}

static int pool_set(struct cli_ctx *ctx)
{
	return cli_list_set(ctx, &pool_menu);
}

static int pool_remove(struct cli_ctx *ctx)
{
	return cli_list_remove(ctx, &pool_menu);
}

/* ---- /ip/pool/used ---- */

static const struct cli_column used_cols[] = {
	{ "pool", CLI_COL_WORD, 0 },
	{ "address", CLI_COL_WORD, 0 },
	{ "owner", CLI_COL_WORD, 0 },
	{ "info", CLI_COL_STR, 0 },
};

static const struct cli_table_spec used_table = {
	.layout = CLI_LAYOUT_TABLE,
	.cols = used_cols, .n_cols = N_OF(used_cols),
};

struct used_fill {
	const struct pg_config *cfg;
	struct cli_table *t;
};

/* The first pool (config order) with a range holding addr, NULL if none. */
static const char *pool_of(const struct pg_config *cfg, uint32_t addr)
{
	for (unsigned int i = 0; i < cfg->n_ip_pool; i++)
		for (unsigned int r = 0; r < cfg->ip_pool[i].n_ranges; r++)
			if (addr >= cfg->ip_pool[i].ranges[r].first &&
			    addr <= cfg->ip_pool[i].ranges[r].last)
				return cfg->ip_pool[i].name;
	return NULL;
}

static void used_row(const struct ip_pool_used *u, void *arg)
{
	struct used_fill *f = arg;
	const char *pool = pool_of(f->cfg, u->addr);
	char text[CFG_IPV4_STRLEN];

	cli_table_add_row(f->t);
	cli_table_set(f->t, "pool", pool ? pool : "");
	cfg_format_ipv4(u->addr, text, sizeof(text));
	cli_table_set(f->t, "address", text);
	cli_table_set(f->t, "owner", u->owner);
	cli_table_set(f->t, "info", u->info);
}

static int used_fill(struct cli_ctx *ctx, struct cli_table *t)
{
	struct used_fill f = { .cfg = ctx->cp->cfg, .t = t };

	if (ip_pool_for_each_used(used_row, &f))
		return cli_edit_fail(ctx, EDIT_NO_MEMORY, NULL, NULL);
	return 0;
}

/* ---- registration ---- */

static const struct cli_command pool_cmds[] = {
	{ .name = "add", .args = pool_add_args, .n_args = N_OF(pool_add_args), .run = pool_add },
	{ .name = "set", .args = pool_set_args, .n_args = N_OF(pool_set_args), .run = pool_set },
	{ .name = "remove", .args = pool_remove_args, .n_args = 1, .run = pool_remove },
};

static const struct cli_command used_cmds[] = {
	{ .name = "print", .fill = used_fill, .table = &used_table },
};

int cli_cmds_ip_register(void)
{
	if (cli_register_menu("/ip/pool", pool_cmds, N_OF(pool_cmds)) ||
	    cli_register_menu("/ip/pool/used", used_cmds, N_OF(used_cmds)))
		return -1;
	return 0;
}
