/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The PPP configuration menus, RouterOS style:
 *   /ppp/secret   add set remove enable disable print
 *   /ppp/profile  add set remove print
 *   /ppp/aaa      set print
 *
 * Every change is one transaction on a copy of the config (cli_cfg_edit.h):
 * nothing changes unless the whole config still validates and was written.
 * Defaults for omitted properties are the JSON loader's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_cfg_edit.h"
#include "cli_parse.h"
#include "cli_table.h"
#include "config.h"
#include "cp.h"

#define PROFILE_DEFAULT "default"
#define DNS_TEXT_MAX (CFG_MAX_DNS * CFG_IPV4_STRLEN)
#define NUM_TEXT_MAX 24

#define NUMBERS_ARG \
	{ .name = "numbers", .type = CLI_ARG_STRING, \
	  .flags = CLI_ARG_UNNAMED | CLI_ARG_REQUIRED, .max = CLI_LINE_MAX }
#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ---- /ppp/secret ---- */

#define SECRET_PROPS(name_flags) \
	{ .name = "name", .type = CLI_ARG_STRING, .flags = (name_flags), .max = CFG_NAME_MAX - 1 }, \
	{ .name = "password", .type = CLI_ARG_STRING, .max = CFG_SECRET_MAX - 1 }, \
	{ .name = "service", .type = CLI_ARG_ENUM, .words = &cfg_service_words }, \
	{ .name = "profile", .type = CLI_ARG_STRING, .max = CFG_NAME_MAX - 1 }, \
	{ .name = "local-address", .type = CLI_ARG_STRING, .max = CFG_NAME_MAX - 1 }, \
	{ .name = "remote-address", .type = CLI_ARG_STRING, .max = CFG_NAME_MAX - 1 }, \
	{ .name = "disabled", .type = CLI_ARG_BOOL }

static const struct cli_arg_spec secret_add_args[] = { SECRET_PROPS(CLI_ARG_REQUIRED) };
static const struct cli_arg_spec secret_set_args[] = { NUMBERS_ARG, SECRET_PROPS(0) };
static const struct cli_arg_spec numbers_args[] = { NUMBERS_ARG };

static const struct cli_flag secret_flags[] = {
	{ .letter = 'X', .name = "DISABLED" },
};

static const struct cli_column secret_cols[] = {
	{ "name", CLI_COL_STR, 0 },
	{ "service", CLI_COL_WORD, 0 },
	{ "password", CLI_COL_STR, 0 },
	{ "profile", CLI_COL_WORD, 0 },
	{ "local-address", CLI_COL_WORD, CLI_COL_DETAIL_ONLY },
	{ "remote-address", CLI_COL_WORD, 0 },
};

static const struct cli_table_spec secret_table = {
	.layout = CLI_LAYOUT_TABLE,
	.flags = secret_flags, .n_flags = N_OF(secret_flags),
	.cols = secret_cols, .n_cols = N_OF(secret_cols),
};

static void set_addr_or_pool(struct cli_table *t, const char *col, const struct cfg_addr_or_pool *a)
{
	char text[CFG_IPV4_STRLEN];

	if (!a->is_set)
		return;
	if (a->is_pool) {
		cli_table_set(t, col, a->pool);
		return;
	}
	cfg_format_ipv4(a->addr, text, sizeof(text));
	cli_table_set(t, col, text);
}

static int secret_fill(struct cli_ctx *ctx, struct cli_table *t)
{
	const struct pg_config *cfg = ctx->cp->cfg;

	for (unsigned int i = 0; i < cfg->n_ppp_secret; i++) {
		const struct cfg_ppp_secret *s = &cfg->ppp_secret[i];

		cli_table_add_row(t);
		if (s->disabled)
			cli_table_set_flag(t, 'X');
		cli_table_set(t, "name", s->name);
		cli_table_set(t, "service", s->service_name);
		cli_table_set(t, "password", s->password);
		cli_table_set(t, "profile", s->profile);
		set_addr_or_pool(t, "local-address", &s->local_address);
		set_addr_or_pool(t, "remote-address", &s->remote_address);
	}
	return 0;
}

static const char *secret_name_of(unsigned int i, void *arg)
{
	const struct pg_config *cfg = arg;

	return cfg->ppp_secret[i].name;
}

static void secret_defaults(struct cfg_ppp_secret *s)
{
	memset(s, 0, sizeof(*s));
	s->service = CFG_SERVICE_ANY;
	snprintf(s->service_name, sizeof(s->service_name), "any");
	snprintf(s->profile, sizeof(s->profile), PROFILE_DEFAULT);
	s->disabled = false;
}

/* The given properties onto one secret of the copy cfg. */
static int secret_apply(struct cli_ctx *ctx, const struct pg_config *cfg, struct cfg_ppp_secret *s)
{
	const struct cli_arg *a;

	if (cli_edit_name(ctx, "name", s->name, sizeof(s->name)) ||
	    cli_edit_text(ctx, "password", s->password, sizeof(s->password)) ||
	    cli_edit_profile_ref(ctx, cfg, "profile", s->profile, sizeof(s->profile)) ||
	    cli_edit_addr_or_pool(ctx, cfg, "local-address", &s->local_address) ||
	    cli_edit_addr_or_pool(ctx, cfg, "remote-address", &s->remote_address))
		return -1;
	a = cli_args_find(ctx->args, "service");
	if (a) {
		const char *word = cfg_word_name(&cfg_service_words, a->v.e);

		if (cfg_parse_service(word, &s->service))
			return cli_edit_fail(ctx, EDIT_NO_MATCH, "service", NULL);
		snprintf(s->service_name, sizeof(s->service_name), "%s", word);
	}
	a = cli_args_find(ctx->args, "disabled");
	if (a)
		s->disabled = a->v.b;
	return 0;
}

/* Another secret than skip named like secret skip? */
static bool secret_name_taken(const struct pg_config *cfg, unsigned int skip)
{
	for (unsigned int i = 0; i < cfg->n_ppp_secret; i++)
		if (i != skip && strcmp(cfg->ppp_secret[i].name, cfg->ppp_secret[skip].name) == 0)
			return true;
	return false;
}

static int secret_add(struct cli_ctx *ctx)
{
	struct cli_edit e;
	struct cfg_ppp_secret s, *slot;
	unsigned int pos;

	if (cli_edit_begin(ctx, &e))
		return -1;
	secret_defaults(&s);
	if (secret_apply(ctx, &e.cfg, &s))
		goto fail;
	slot = cli_edit_append(ctx, &e.cfg.ppp_secret, &e.cfg.n_ppp_secret, sizeof(*slot));
	if (!slot)
		goto fail;
	*slot = s;
	pos = e.cfg.n_ppp_secret - 1;
	if (secret_name_taken(&e.cfg, pos)) {
		cli_edit_fail(ctx, EDIT_EXISTS, NULL, NULL);
		goto fail;
	}
	if (cli_edit_commit(&e))
		return -1;
	cli_edit_ret(ctx, pos);
	return 0;
fail:
	cli_edit_abort(&e);
	return -1;
}

/* set, enable and disable: the given properties onto every selected secret. */
static int secret_change(struct cli_ctx *ctx, int disabled)
{
	struct cli_edit e;
	unsigned int *idx = NULL;
	int k;

	k = cli_edit_items(ctx, ctx->cp->cfg->n_ppp_secret, secret_name_of, ctx->cp->cfg, &idx);
	if (k < 0)
		return -1;
	if (cli_edit_begin(ctx, &e)) {
		free(idx);
		return -1;
	}
	for (int i = 0; i < k; i++) {
		struct cfg_ppp_secret *s = &e.cfg.ppp_secret[idx[i]];

		if (disabled >= 0)
			s->disabled = disabled;
		else if (secret_apply(ctx, &e.cfg, s))
			goto fail;
	}
	for (int i = 0; i < k; i++) {
		if (secret_name_taken(&e.cfg, idx[i])) {
			cli_edit_fail(ctx, EDIT_EXISTS, NULL, NULL);
			goto fail;
		}
	}
	free(idx);
	return cli_edit_commit(&e);
fail:
	free(idx);
	cli_edit_abort(&e);
	return -1;
}

static int secret_set(struct cli_ctx *ctx)
{
	return secret_change(ctx, -1);
}

static int secret_enable(struct cli_ctx *ctx)
{
	return secret_change(ctx, 0);
}

static int secret_disable(struct cli_ctx *ctx)
{
	return secret_change(ctx, 1);
}

static int secret_remove(struct cli_ctx *ctx)
{
	struct cli_edit e;
	unsigned int *idx = NULL;
	int k;

	k = cli_edit_items(ctx, ctx->cp->cfg->n_ppp_secret, secret_name_of, ctx->cp->cfg, &idx);
	if (k < 0)
		return -1;
	if (cli_edit_begin(ctx, &e)) {
		free(idx);
		return -1;
	}
	cli_edit_remove(e.cfg.ppp_secret, &e.cfg.n_ppp_secret, sizeof(*e.cfg.ppp_secret), idx,
			(unsigned int)k);
	free(idx);
	return cli_edit_commit(&e);
}

/* ---- /ppp/profile ---- */

#define PROFILE_PROPS(name_flags) \
	{ .name = "name", .type = CLI_ARG_STRING, .flags = (name_flags), .max = CFG_NAME_MAX - 1 }, \
	{ .name = "use-encryption", .type = CLI_ARG_ENUM, .words = &cfg_use_encryption_words }, \
	{ .name = "local-address", .type = CLI_ARG_STRING, .max = CFG_NAME_MAX - 1 }, \
	{ .name = "remote-address", .type = CLI_ARG_STRING, .max = CFG_NAME_MAX - 1 }, \
	{ .name = "dns-server", .type = CLI_ARG_STRING, .max = DNS_TEXT_MAX }, \
	{ .name = "rate-limit", .type = CLI_ARG_STRING, .max = CFG_RATE_STRLEN - 1 }, \
	{ .name = "session-timeout", .type = CLI_ARG_DURATION }, \
	{ .name = "idle-timeout", .type = CLI_ARG_DURATION }, \
	{ .name = "only-one", .type = CLI_ARG_ENUM, .words = &cfg_only_one_words }

static const struct cli_arg_spec profile_add_args[] = { PROFILE_PROPS(CLI_ARG_REQUIRED) };
static const struct cli_arg_spec profile_set_args[] = { NUMBERS_ARG, PROFILE_PROPS(0) };

static const struct cli_flag profile_flags[] = {
	{ .letter = '*', .name = "DEFAULT" },
};

static const struct cli_column profile_cols[] = {
	{ "name", CLI_COL_STR, 0 },
	{ "local-address", CLI_COL_WORD, 0 },
	{ "remote-address", CLI_COL_WORD, 0 },
	{ "use-encryption", CLI_COL_WORD, 0 },
	{ "only-one", CLI_COL_WORD, 0 },
	{ "dns-server", CLI_COL_WORD, CLI_COL_DETAIL_ONLY },
	{ "rate-limit", CLI_COL_WORD, CLI_COL_DETAIL_ONLY },
	{ "session-timeout", CLI_COL_DURATION, CLI_COL_DETAIL_ONLY },
	{ "idle-timeout", CLI_COL_DURATION, CLI_COL_DETAIL_ONLY },
};

static const struct cli_table_spec profile_table = {
	.layout = CLI_LAYOUT_TABLE,
	.flags = profile_flags, .n_flags = N_OF(profile_flags),
	.cols = profile_cols, .n_cols = N_OF(profile_cols),
};

static int profile_fill(struct cli_ctx *ctx, struct cli_table *t)
{
	const struct pg_config *cfg = ctx->cp->cfg;

	for (unsigned int i = 0; i < cfg->n_ppp_profile; i++) {
		const struct cfg_ppp_profile *p = &cfg->ppp_profile[i];
		char text[DNS_TEXT_MAX + CFG_RATE_STRLEN];
		size_t used = 0;

		cli_table_add_row(t);
		if (p->builtin)
			cli_table_set_flag(t, '*');
		cli_table_set(t, "name", p->name);
		set_addr_or_pool(t, "local-address", &p->local_address);
		set_addr_or_pool(t, "remote-address", &p->remote_address);
		cli_table_set(t, "use-encryption", cfg_use_encryption_name(p->use_encryption));
		cli_table_set(t, "only-one", cfg_word_name(&cfg_only_one_words, p->only_one));
		text[0] = '\0';
		for (unsigned int d = 0; d < p->n_dns_server && d < CFG_MAX_DNS; d++) {
			if (d)
				text[used++] = ',';
			cfg_format_ipv4(p->dns_server[d], text + used, sizeof(text) - used);
			used = strlen(text);
		}
		if (p->n_dns_server)
			cli_table_set(t, "dns-server", text);
		if (p->rate_limit.is_set) {
			cfg_format_rate_limit(&p->rate_limit, text, sizeof(text));
			cli_table_set(t, "rate-limit", text);
		}
		cli_table_set_num(t, "session-timeout", p->session_timeout);
		cli_table_set_num(t, "idle-timeout", p->idle_timeout);
	}
	return 0;
}

static const char *profile_name_of(unsigned int i, void *arg)
{
	const struct pg_config *cfg = arg;

	return cfg->ppp_profile[i].name;
}

/* "10.0.0.1,10.0.0.2" (at most CFG_MAX_DNS), "" for none. */
static int parse_dns(struct cli_ctx *ctx, const char *s, struct cfg_ppp_profile *p)
{
	uint32_t addrs[CFG_MAX_DNS] = { 0 };
	unsigned int n = 0;
	char max[NUM_TEXT_MAX];

	while (*s) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);
		char word[CFG_IPV4_STRLEN];

		if (n == CFG_MAX_DNS) {
			snprintf(max, sizeof(max), "%u", CFG_MAX_DNS);
			return cli_edit_fail(ctx, EDIT_TOO_MANY_VALUES, "dns-server", max);
		}
		if (len == 0 || len >= sizeof(word))
			return cli_edit_fail(ctx, EDIT_INVALID, "dns-server", NULL);
		memcpy(word, s, len);
		word[len] = '\0';
		if (cfg_parse_ipv4(word, &addrs[n++]))
			return cli_edit_fail(ctx, EDIT_INVALID, "dns-server", NULL);
		s += len;
		if (comma && !*++s)
			return cli_edit_fail(ctx, EDIT_INVALID, "dns-server", NULL);
	}
	memcpy(p->dns_server, addrs, sizeof(addrs));
	p->n_dns_server = n;
	return 0;
}

static int profile_apply(struct cli_ctx *ctx, const struct pg_config *cfg, struct cfg_ppp_profile *p)
{
	const struct cli_arg *a;

	if (cli_edit_name(ctx, "name", p->name, sizeof(p->name)) ||
	    cli_edit_addr_or_pool(ctx, cfg, "local-address", &p->local_address) ||
	    cli_edit_addr_or_pool(ctx, cfg, "remote-address", &p->remote_address))
		return -1;
	a = cli_args_find(ctx->args, "use-encryption");
	if (a)
		p->use_encryption = (enum cfg_use_encryption)a->v.e;
	a = cli_args_find(ctx->args, "only-one");
	if (a)
		p->only_one = (enum cfg_only_one)a->v.e;
	a = cli_args_find(ctx->args, "dns-server");
	if (a && parse_dns(ctx, a->str, p))
		return -1;
	a = cli_args_find(ctx->args, "rate-limit");
	if (a) {
		struct cfg_rate_limit r;

		if (cfg_parse_rate_limit(a->str, &r))
			return cli_edit_fail(ctx, EDIT_INVALID, "rate-limit", NULL);
		p->rate_limit = r;
	}
	a = cli_args_find(ctx->args, "session-timeout");
	if (a)
		p->session_timeout = a->v.seconds;
	a = cli_args_find(ctx->args, "idle-timeout");
	if (a)
		p->idle_timeout = a->v.seconds;
	return 0;
}

static bool profile_name_taken(const struct pg_config *cfg, unsigned int skip)
{
	for (unsigned int i = 0; i < cfg->n_ppp_profile; i++)
		if (i != skip && strcmp(cfg->ppp_profile[i].name, cfg->ppp_profile[skip].name) == 0)
			return true;
	return false;
}

/* Whatever names the profile: secrets, the server's default, clients. */
static bool profile_in_use(const struct pg_config *cfg, const char *name)
{
	if (strcmp(cfg->pptp_server.default_profile, name) == 0)
		return true;
	for (unsigned int i = 0; i < cfg->n_ppp_secret; i++)
		if (strcmp(cfg->ppp_secret[i].profile, name) == 0)
			return true;
	for (unsigned int i = 0; i < cfg->n_pptp_client; i++)
		if (strcmp(cfg->pptp_client[i].profile, name) == 0)
			return true;
	return false;
}

/* References follow a rename, as on RouterOS (which refers by id). */
static void profile_rename_refs(struct pg_config *cfg, const char *from, const char *to)
{
	if (strcmp(cfg->pptp_server.default_profile, from) == 0)
		snprintf(cfg->pptp_server.default_profile, CFG_NAME_MAX, "%s", to);
	for (unsigned int i = 0; i < cfg->n_ppp_secret; i++)
		if (strcmp(cfg->ppp_secret[i].profile, from) == 0)
			snprintf(cfg->ppp_secret[i].profile, CFG_NAME_MAX, "%s", to);
	for (unsigned int i = 0; i < cfg->n_pptp_client; i++)
		if (strcmp(cfg->pptp_client[i].profile, from) == 0)
			snprintf(cfg->pptp_client[i].profile, CFG_NAME_MAX, "%s", to);
}

static int profile_add(struct cli_ctx *ctx)
{
	struct cli_edit e;
	struct cfg_ppp_profile p, *slot;
	unsigned int pos;

	if (cli_edit_begin(ctx, &e))
		return -1;
	memset(&p, 0, sizeof(p));
	p.use_encryption = CFG_ENC_DEFAULT;
	p.only_one = CFG_ONLY_ONE_DEFAULT;
	if (profile_apply(ctx, &e.cfg, &p))
		goto fail;
	slot = cli_edit_append(ctx, &e.cfg.ppp_profile, &e.cfg.n_ppp_profile, sizeof(*slot));
	if (!slot)
		goto fail;
	*slot = p;
	pos = e.cfg.n_ppp_profile - 1;
	if (profile_name_taken(&e.cfg, pos)) {
		cli_edit_fail(ctx, EDIT_EXISTS, NULL, NULL);
		goto fail;
	}
	if (cli_edit_commit(&e))
		return -1;
	cli_edit_ret(ctx, pos);
	return 0;
fail:
	cli_edit_abort(&e);
	return -1;
}

static int profile_set(struct cli_ctx *ctx)
{
	struct cli_edit e;
	unsigned int *idx = NULL;
	int k;

	k = cli_edit_items(ctx, ctx->cp->cfg->n_ppp_profile, profile_name_of, ctx->cp->cfg, &idx);
	if (k < 0)
		return -1;
	if (cli_edit_begin(ctx, &e)) {
		free(idx);
		return -1;
	}
	for (int i = 0; i < k; i++) {
		struct cfg_ppp_profile *p = &e.cfg.ppp_profile[idx[i]];
		char old[CFG_NAME_MAX];

		snprintf(old, sizeof(old), "%s", p->name);
		if (profile_apply(ctx, &e.cfg, p))
			goto fail;
		if (strcmp(old, p->name) == 0)
			continue;
		if (p->builtin) {
			cli_edit_fail(ctx, EDIT_BUILTIN_RENAME, NULL, NULL);
			goto fail;
		}
		profile_rename_refs(&e.cfg, old, p->name);
	}
	for (int i = 0; i < k; i++) {
		if (profile_name_taken(&e.cfg, idx[i])) {
			cli_edit_fail(ctx, EDIT_EXISTS, NULL, NULL);
			goto fail;
		}
	}
	free(idx);
	return cli_edit_commit(&e);
fail:
	free(idx);
	cli_edit_abort(&e);
	return -1;
}

static int profile_remove(struct cli_ctx *ctx)
{
	const struct pg_config *cfg = ctx->cp->cfg;
	struct cli_edit e;
	unsigned int *idx = NULL;
	int k;

	k = cli_edit_items(ctx, cfg->n_ppp_profile, profile_name_of, ctx->cp->cfg, &idx);
	if (k < 0)
		return -1;
	for (int i = 0; i < k; i++) {
		const struct cfg_ppp_profile *p = &cfg->ppp_profile[idx[i]];

		if (p->builtin || cfg_builtin_profile(p->name)) {
			free(idx);
			return cli_edit_fail(ctx, EDIT_BUILTIN_REMOVE, NULL, NULL);
		}
		if (profile_in_use(cfg, p->name)) {
			free(idx);
			return cli_edit_fail(ctx, EDIT_PROFILE_IN_USE, NULL, NULL);
		}
	}
	if (cli_edit_begin(ctx, &e)) {
		free(idx);
		return -1;
	}
	cli_edit_remove(e.cfg.ppp_profile, &e.cfg.n_ppp_profile, sizeof(*e.cfg.ppp_profile), idx,
			(unsigned int)k);
	free(idx);
	return cli_edit_commit(&e);
}

/* ---- /ppp/aaa ---- */

static const struct cli_arg_spec aaa_set_args[] = {
	{ .name = "use-radius", .type = CLI_ARG_BOOL },
	{ .name = "accounting", .type = CLI_ARG_BOOL },
	{ .name = "interim-update", .type = CLI_ARG_DURATION },
};

static const struct cli_column aaa_cols[] = {
	{ "use-radius", CLI_COL_BOOL, 0 },
	{ "accounting", CLI_COL_BOOL, 0 },
	{ "interim-update", CLI_COL_DURATION, 0 },
};

static const struct cli_table_spec aaa_table = {
	.layout = CLI_LAYOUT_OBJECT,
	.cols = aaa_cols, .n_cols = N_OF(aaa_cols),
};

static int aaa_fill(struct cli_ctx *ctx, struct cli_table *t)
{
	const struct cfg_ppp_aaa *aaa = &ctx->cp->cfg->ppp_aaa;

	cli_table_add_row(t);
	cli_table_set_bool(t, "use-radius", aaa->use_radius);
	cli_table_set_bool(t, "accounting", aaa->accounting);
	cli_table_set_num(t, "interim-update", aaa->interim_update);
	return 0;
}

static int aaa_set(struct cli_ctx *ctx)
{
	struct cli_edit e;
	const struct cli_arg *a;

	if (cli_edit_begin(ctx, &e))
		return -1;
	a = cli_args_find(ctx->args, "use-radius");
	if (a)
		e.cfg.ppp_aaa.use_radius = a->v.b;
	a = cli_args_find(ctx->args, "accounting");
	if (a)
		e.cfg.ppp_aaa.accounting = a->v.b;
	a = cli_args_find(ctx->args, "interim-update");
	if (a)
		e.cfg.ppp_aaa.interim_update = a->v.seconds;
	return cli_edit_commit(&e);
}

/* ---- registration ---- */

static const struct cli_command secret_cmds[] = {
	{ .name = "print", .fill = secret_fill, .table = &secret_table },
	{ .name = "add", .args = secret_add_args, .n_args = N_OF(secret_add_args), .run = secret_add },
	{ .name = "set", .args = secret_set_args, .n_args = N_OF(secret_set_args), .run = secret_set },
	{ .name = "remove", .args = numbers_args, .n_args = 1, .run = secret_remove },
	{ .name = "enable", .args = numbers_args, .n_args = 1, .run = secret_enable },
	{ .name = "disable", .args = numbers_args, .n_args = 1, .run = secret_disable },
};

static const struct cli_command profile_cmds[] = {
	{ .name = "print", .fill = profile_fill, .table = &profile_table },
	{ .name = "add", .args = profile_add_args, .n_args = N_OF(profile_add_args),
	  .run = profile_add },
	{ .name = "set", .args = profile_set_args, .n_args = N_OF(profile_set_args),
	  .run = profile_set },
	{ .name = "remove", .args = numbers_args, .n_args = 1, .run = profile_remove },
};

static const struct cli_command aaa_cmds[] = {
	{ .name = "print", .fill = aaa_fill, .table = &aaa_table },
	{ .name = "set", .args = aaa_set_args, .n_args = N_OF(aaa_set_args), .run = aaa_set },
};

int cli_cmds_ppp_register(void)
{
	if (cli_register_menu("/ppp/secret", secret_cmds, N_OF(secret_cmds)) ||
	    cli_register_menu("/ppp/profile", profile_cmds, N_OF(profile_cmds)) ||
	    cli_register_menu("/ppp/aaa", aaa_cmds, N_OF(aaa_cmds)))
		return -1;
	return 0;
}
