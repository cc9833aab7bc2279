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
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cli_cfg_edit.h"
#include "cli_parse.h"
#include "cli_table.h"
#include "config.h"
#include "cp.h"

#define PROFILE_DEFAULT "default"
#define DNS_TEXT_MAX (CFG_MAX_DNS * CFG_IPV4_STRLEN)
#define NUM_TEXT_MAX 24

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
static const struct cli_arg_spec secret_set_args[] = { CLI_EDIT_NUMBERS_ARG, SECRET_PROPS(0) };
static const struct cli_arg_spec numbers_args[] = { CLI_EDIT_NUMBERS_ARG };

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

static void secret_init(const struct pg_config *cfg, void *elem)
{
	struct cfg_ppp_secret *s = elem;

	(void)cfg;
	s->service = CFG_SERVICE_ANY;
	snprintf(s->service_name, sizeof(s->service_name), "any");
	snprintf(s->profile, sizeof(s->profile), PROFILE_DEFAULT);
	s->disabled = false;
}

static const struct cli_edit_prop secret_props[] = {
	CLI_EDIT_PROP(struct cfg_ppp_secret, disabled, "disabled"),
};

/* The given properties onto one secret of the copy cfg. */
static int secret_apply(struct cli_ctx *ctx, const struct pg_config *cfg, void *elem)
{
	struct cfg_ppp_secret *s = elem;
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
	cli_edit_props(ctx, secret_props, N_OF(secret_props), s);
	return 0;
}

static const struct cli_list_menu secret_menu = {
	CLI_LIST_OF(ppp_secret, n_ppp_secret),
	CLI_LIST_NAMED(struct cfg_ppp_secret, name),
	.disabled_off = offsetof(struct cfg_ppp_secret, disabled),
	.init = secret_init,
	.apply = secret_apply,
};

static int secret_add(struct cli_ctx *ctx)
{
	struct cfg_ppp_secret s;

	return cli_list_add(ctx, &secret_menu, &s);
}

static int secret_set(struct cli_ctx *ctx)
{
	return cli_list_set(ctx, &secret_menu);
}

static int secret_enable(struct cli_ctx *ctx)
{
	return cli_list_enable(ctx, &secret_menu);
}

static int secret_disable(struct cli_ctx *ctx)
{
	return cli_list_disable(ctx, &secret_menu);
}

static int secret_remove(struct cli_ctx *ctx)
{
	return cli_list_remove(ctx, &secret_menu);
}

/* ---- /ppp/profile ---- */

#define PROFILE_PROPS(name_flags) \
	{ .name = "name", .type = CLI_ARG_STRING, .flags = (name_flags), .max = CFG_NAME_MAX - 1 }, \
	{ .name = "use-encryption", .type = CLI_ARG_ENUM, .words = &cfg_use_encryption_words }, \
	{ .name = "mppe-mode", .type = CLI_ARG_ENUM, .words = &cfg_mppe_mode_words }, \
	{ .name = "local-address", .type = CLI_ARG_STRING, .max = CFG_NAME_MAX - 1 }, \
	{ .name = "remote-address", .type = CLI_ARG_STRING, .max = CFG_NAME_MAX - 1 }, \
	{ .name = "dns-server", .type = CLI_ARG_STRING, .max = DNS_TEXT_MAX }, \
	{ .name = "rate-limit", .type = CLI_ARG_STRING, .max = CFG_RATE_STRLEN - 1 }, \
	{ .name = "session-timeout", .type = CLI_ARG_DURATION }, \
	{ .name = "idle-timeout", .type = CLI_ARG_DURATION }, \
	{ .name = "only-one", .type = CLI_ARG_ENUM, .words = &cfg_only_one_words }

static const struct cli_arg_spec profile_add_args[] = { PROFILE_PROPS(CLI_ARG_REQUIRED) };
static const struct cli_arg_spec profile_set_args[] = { CLI_EDIT_NUMBERS_ARG, PROFILE_PROPS(0) };

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
	{ "mppe-mode", CLI_COL_WORD, CLI_COL_DETAIL_ONLY },
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
		/* pptpgw's own property: shown only where it differs from "any". */
		if (p->mppe_mode != CFG_MPPE_MODE_ANY)
			cli_table_set(t, "mppe-mode", cfg_word_name(&cfg_mppe_mode_words, p->mppe_mode));
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

static void profile_init(const struct pg_config *cfg, void *elem)
{
	struct cfg_ppp_profile *p = elem;

	(void)cfg;
	p->use_encryption = CFG_ENC_DEFAULT;
	p->only_one = CFG_ONLY_ONE_DEFAULT;
}

static const struct cli_edit_prop profile_props[] = {
	CLI_EDIT_PROP(struct cfg_ppp_profile, use_encryption, "use-encryption"),
	CLI_EDIT_PROP(struct cfg_ppp_profile, mppe_mode, "mppe-mode"),
	CLI_EDIT_PROP(struct cfg_ppp_profile, only_one, "only-one"),
	CLI_EDIT_PROP(struct cfg_ppp_profile, session_timeout, "session-timeout"),
	CLI_EDIT_PROP(struct cfg_ppp_profile, idle_timeout, "idle-timeout"),
};

static int profile_apply(struct cli_ctx *ctx, const struct pg_config *cfg, void *elem)
{
	struct cfg_ppp_profile *p = elem;
	const struct cli_arg *a;

	if (cli_edit_name(ctx, "name", p->name, sizeof(p->name)) ||
	    cli_edit_addr_or_pool(ctx, cfg, "local-address", &p->local_address) ||
	    cli_edit_addr_or_pool(ctx, cfg, "remote-address", &p->remote_address))
		return -1;
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
	cli_edit_props(ctx, profile_props, N_OF(profile_props), p);
	return 0;
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

/* References follow a rename, as on RouterOS (which refers by id); built-ins keep their names. */
static int profile_renamed(struct cli_ctx *ctx, struct pg_config *cfg, void *elem, const char *old)
{
	const struct cfg_ppp_profile *p = elem;

	if (p->builtin)
		return cli_edit_fail(ctx, EDIT_BUILTIN_RENAME, NULL, NULL);
	if (strcmp(cfg->pptp_server.default_profile, old) == 0)
		snprintf(cfg->pptp_server.default_profile, CFG_NAME_MAX, "%s", p->name);
	for (unsigned int i = 0; i < cfg->n_ppp_secret; i++)
		if (strcmp(cfg->ppp_secret[i].profile, old) == 0)
			snprintf(cfg->ppp_secret[i].profile, CFG_NAME_MAX, "%s", p->name);
	for (unsigned int i = 0; i < cfg->n_pptp_client; i++)
		if (strcmp(cfg->pptp_client[i].profile, old) == 0)
			snprintf(cfg->pptp_client[i].profile, CFG_NAME_MAX, "%s", p->name);
	return 0;
}

static int profile_can_remove(struct cli_ctx *ctx, const struct pg_config *cfg, const void *elem)
{
	const struct cfg_ppp_profile *p = elem;

	if (p->builtin || cfg_builtin_profile(p->name))
		return cli_edit_fail(ctx, EDIT_BUILTIN_REMOVE, NULL, NULL);
	if (profile_in_use(cfg, p->name))
		return cli_edit_fail(ctx, EDIT_PROFILE_IN_USE, NULL, NULL);
	return 0;
}

static const struct cli_list_menu profile_menu = {
	CLI_LIST_OF(ppp_profile, n_ppp_profile),
	CLI_LIST_NAMED(struct cfg_ppp_profile, name),
	.init = profile_init,
	.apply = profile_apply,
	.renamed = profile_renamed,
	.can_remove = profile_can_remove,
};

static int profile_add(struct cli_ctx *ctx)
{
	struct cfg_ppp_profile p;

	return cli_list_add(ctx, &profile_menu, &p);
}

static int profile_set(struct cli_ctx *ctx)
{
	return cli_list_set(ctx, &profile_menu);
}

static int profile_remove(struct cli_ctx *ctx)
{
	return cli_list_remove(ctx, &profile_menu);
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

static const struct cli_edit_prop aaa_props[] = {
	CLI_EDIT_PROP(struct cfg_ppp_aaa, use_radius, "use-radius"),
	CLI_EDIT_PROP(struct cfg_ppp_aaa, accounting, "accounting"),
	CLI_EDIT_PROP(struct cfg_ppp_aaa, interim_update, "interim-update"),
};

static const struct cli_object_menu aaa_menu = {
	.off = offsetof(struct pg_config, ppp_aaa),
	.props = aaa_props, .n_props = N_OF(aaa_props),
};

static int aaa_set(struct cli_ctx *ctx)
{
	return cli_object_set(ctx, &aaa_menu);
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
