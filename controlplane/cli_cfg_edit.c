/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Config edit transactions, the add/set/remove flows every list menu shares,
 * and argument helpers for the config commands (see cli_cfg_edit.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli_cfg_edit.h"
#include "cp.h"
#include "ip_pool.h"
#include "log.h"

#define NUM_TEXT_MAX 24
#define ASCII_DEL 0x7f

#define CLI_EDIT_MSG_FMT(id, fmt) [id] = fmt,
static const char *const edit_msg_fmt[] = { CLI_EDIT_MESSAGES(CLI_EDIT_MSG_FMT) };
#undef CLI_EDIT_MSG_FMT

int cli_edit_fail(struct cli_ctx *ctx, enum cli_edit_msg id, const char *a1, const char *a2)
{
	snprintf(ctx->err->msg, sizeof(ctx->err->msg), edit_msg_fmt[id], a1 ? a1 : "",
		 a2 ? a2 : "");
	return -1;
}

/* ---- the transaction ---- */

static void (*commit_hooks[CLI_EDIT_COMMIT_HOOKS])(void);

int cli_edit_commit_hook_add(void (*fn)(void))
{
	int free_slot = -1;

	for (int i = 0; i < CLI_EDIT_COMMIT_HOOKS; i++) {
		if (commit_hooks[i] == fn)
			return 0;
		if (!commit_hooks[i] && free_slot < 0)
			free_slot = i;
	}
	if (free_slot < 0)
		return -1;
	commit_hooks[free_slot] = fn;
	return 0;
}

void cli_edit_commit_hook_del(void (*fn)(void))
{
	for (int i = 0; i < CLI_EDIT_COMMIT_HOOKS; i++)
		if (commit_hooks[i] == fn)
			commit_hooks[i] = NULL;
}

int cli_edit_begin(struct cli_ctx *ctx, struct cli_edit *e)
{
	e->ctx = ctx;
	if (cfg_copy(&e->cfg, ctx->cp->cfg))
		return cli_edit_fail(ctx, EDIT_NO_MEMORY, NULL, NULL);
	return 0;
}

void cli_edit_abort(struct cli_edit *e)
{
	cfg_free(&e->cfg);
}

int cli_edit_commit(struct cli_edit *e)
{
	struct cli_ctx *ctx = e->ctx;
	struct pg_config *live = ctx->cp->cfg, old;
	struct cfg_errors errs;
	int rc = -1;

	cfg_errors_init(&errs);
	if (cfg_validate(&e->cfg, &errs)) {
		cli_fail(ctx, "failure: %s", errs.n ? errs.msg[0] : "configuration not valid");
		goto out;
	}
	old = *live;
	*live = e->cfg;
	e->cfg = old;
	if (cli_commit(ctx)) {
		/* Not written: put the old config back, the copy gets freed. */
		e->cfg = *live;
		*live = old;
		goto out;
	}
	ip_pool_sync(live);
	for (int i = 0; i < CLI_EDIT_COMMIT_HOOKS; i++)
		if (commit_hooks[i])
			commit_hooks[i]();
	rc = 0;
out:
	cfg_free(&e->cfg);
	cfg_errors_free(&errs);
	return rc;
}

/* ---- lists ---- */

int cli_edit_items(struct cli_ctx *ctx, unsigned int n,
		   const char *(*name_of)(unsigned int i, void *arg), void *arg,
		   unsigned int **idx)
{
	const struct cli_arg *numbers = cli_args_find(ctx->args, "numbers");
	int k;

	*idx = malloc((n ? n : 1) * sizeof(**idx));
	if (!*idx)
		return cli_edit_fail(ctx, EDIT_NO_MEMORY, NULL, NULL);
	k = cli_items_resolve(numbers ? numbers->str : "", n, name_of, arg, *idx, n ? n : 1,
			      ctx->err);
	if (k < 0) {
		free(*idx);
		*idx = NULL;
	}
	return k;
}

void *cli_edit_append(struct cli_ctx *ctx, void *list_ptr, unsigned int *n, size_t size)
{
	char **list = list_ptr;
	char *grown;
	char limit[NUM_TEXT_MAX];

	if (*n >= CFG_MAX_LIST) {
		snprintf(limit, sizeof(limit), "%u", CFG_MAX_LIST);
		cli_edit_fail(ctx, EDIT_LIST_FULL, limit, NULL);
		return NULL;
	}
	grown = realloc(*list, (*n + 1) * size);
	if (!grown) {
		cli_edit_fail(ctx, EDIT_NO_MEMORY, NULL, NULL);
		return NULL;
	}
	*list = grown;
	memset(grown + *n * size, 0, size);
	return grown + (*n)++ * size;
}

void cli_edit_remove(void *list, unsigned int *n, size_t size, const unsigned int *idx,
		     unsigned int k)
{
	char *base = list;
	unsigned int kept = 0;

	for (unsigned int i = 0; i < *n; i++) {
		bool gone = false;

		for (unsigned int j = 0; j < k && !gone; j++)
			gone = idx[j] == i;
		if (gone)
			continue;
		if (kept != i)
			memcpy(base + (size_t)kept * size, base + (size_t)i * size, size);
		kept++;
	}
	*n = kept;
}

void cli_edit_ret(struct cli_ctx *ctx, unsigned int pos)
{
	char id[NUM_TEXT_MAX];

	snprintf(id, sizeof(id), "*%X", pos + 1);
	json_decref(ctx->data);
	ctx->data = json_pack("{s:s}", "ret", id);
}

/* ---- arguments ---- */

/* Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF. */
bool cli_edit_utf8_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned int c = *p, need;
		uint32_t cp, min;

		if (c < 0x80) {
			p++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			need = 1;
			cp = c & 0x1f;
			min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			need = 2;
			cp = c & 0x0f;
			min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			need = 3;
			cp = c & 0x07;
			min = 0x10000;
		} else {
			return false;
		}
		p++;
		for (unsigned int i = 0; i < need; i++, p++) {
			if ((*p & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (*p & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
	}
	return true;
}

static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < ' ' || *s == ASCII_DEL)
			return true;
	return false;
}

static int store(struct cli_ctx *ctx, const char *arg, const char *v, char *dst, size_t size)
{
	if (strlen(v) >= size)
		return cli_edit_fail(ctx, EDIT_INVALID, arg, NULL);
	memset(dst, 0, size);
	memcpy(dst, v, strlen(v));
	return 0;
}

int cli_edit_name(struct cli_ctx *ctx, const char *arg, char *dst, size_t size)
{
	const struct cli_arg *a = cli_args_find(ctx->args, arg);

	if (!a)
		return 0;
	if (!a->str[0] || has_control(a->str) || !cli_edit_utf8_ok(a->str))
		return cli_edit_fail(ctx, EDIT_INVALID, arg, NULL);
	return store(ctx, arg, a->str, dst, size);
}

int cli_edit_text(struct cli_ctx *ctx, const char *arg, char *dst, size_t size)
{
	const struct cli_arg *a = cli_args_find(ctx->args, arg);

	if (!a)
		return 0;
	if (!cli_edit_utf8_ok(a->str))
		return cli_edit_fail(ctx, EDIT_INVALID, arg, NULL);
	return store(ctx, arg, a->str, dst, size);
}

int cli_edit_profile_ref(struct cli_ctx *ctx, const struct pg_config *cfg, const char *arg,
			 char *dst, size_t size)
{
	const struct cli_arg *a = cli_args_find(ctx->args, arg);

	if (!a)
		return 0;
	if (!cfg_find_profile(cfg, a->str))
		return cli_edit_fail(ctx, EDIT_NO_MATCH, arg, NULL);
	return store(ctx, arg, a->str, dst, size);
}

int cli_edit_addr_or_pool(struct cli_ctx *ctx, const struct pg_config *cfg, const char *arg,
			  struct cfg_addr_or_pool *dst)
{
	const struct cli_arg *a = cli_args_find(ctx->args, arg);
	struct cfg_addr_or_pool v;

	if (!a)
		return 0;
	memset(&v, 0, sizeof(v));
	if (a->str[0] == '\0') {
		*dst = v;
		return 0;
	}
	v.is_set = true;
	if (cfg_parse_ipv4(a->str, &v.addr) == 0) {
		*dst = v;
		return 0;
	}
	/* Not an address: must be a pool (RouterOS's words for a reference to nothing). */
	if (!cfg_find_pool(cfg, a->str))
		return cli_edit_fail(ctx, EDIT_NO_MATCH, arg, NULL);
	v.is_pool = true;
	if (store(ctx, arg, a->str, v.pool, sizeof(v.pool)))
		return -1;
	*dst = v;
	return 0;
}

/* ---- menus over one config list ---- */

/* The list's array inside cfg (read like the loader does: member at an offset). */
static char *list_base(const struct cli_list_menu *m, const struct pg_config *cfg)
{
	char *base;

	memcpy(&base, (const char *)cfg + m->list_off, sizeof(base));
	return base;
}

static unsigned int *count_ptr(const struct cli_list_menu *m, struct pg_config *cfg)
{
	return (unsigned int *)(void *)((char *)cfg + m->count_off);
}

static unsigned int list_count(const struct cli_list_menu *m, const struct pg_config *cfg)
{
	unsigned int n;

	memcpy(&n, (const char *)cfg + m->count_off, sizeof(n));
	return n;
}

static char *entry(const struct cli_list_menu *m, const struct pg_config *cfg, unsigned int i)
{
	return list_base(m, cfg) + (size_t)i * m->elem_size;
}

static const char *entry_name(const struct cli_list_menu *m, const struct pg_config *cfg,
			      unsigned int i)
{
	return entry(m, cfg, i) + m->name_off;
}

struct list_names {
	const struct cli_list_menu *m;
	const struct pg_config *cfg;
};

static const char *list_name_of(unsigned int i, void *arg)
{
	const struct list_names *ln = arg;

	return entry_name(ln->m, ln->cfg, i);
}

/*
 * The entries the command's "numbers" select in the live config (for a
 * remove, each must pass can_remove there), then the copy to edit. Returns
 * how many, with *idx malloc'd, or -1 with ctx->err set.
 */
static int list_select(struct cli_ctx *ctx, const struct cli_list_menu *m, bool removing,
		       struct cli_edit *e, unsigned int **idx)
{
	struct list_names ln = { .m = m, .cfg = ctx->cp->cfg };
	int k;

	k = cli_edit_items(ctx, list_count(m, ln.cfg), m->named ? list_name_of : NULL,
			   m->named ? &ln : NULL, idx);
	if (k < 0)
		return -1;
	for (int i = 0; removing && m->can_remove && i < k; i++)
		if (m->can_remove(ctx, ln.cfg, entry(m, ln.cfg, (*idx)[i])))
			goto fail;
	if (cli_edit_begin(ctx, e))
		goto fail;
	return k;
fail:
	free(*idx);
	*idx = NULL;
	return -1;
}

/* Another entry than i named like entry i? */
static bool name_taken(const struct cli_list_menu *m, const struct pg_config *cfg, unsigned int i)
{
	for (unsigned int j = 0; j < list_count(m, cfg); j++)
		if (j != i && strcmp(entry_name(m, cfg, j), entry_name(m, cfg, i)) == 0)
			return true;
	return false;
}

static int name_check(struct cli_ctx *ctx, const struct cli_list_menu *m,
		      const struct pg_config *cfg, unsigned int i)
{
	if (!m->named)
		return 0;
	if (name_taken(m, cfg, i))
		return cli_edit_fail(ctx, EDIT_EXISTS, NULL, NULL);
	return m->check_name ? m->check_name(ctx, cfg, i) : 0;
}

int cli_list_add(struct cli_ctx *ctx, const struct cli_list_menu *m, void *scratch)
{
	struct cli_edit e;
	void *slot;
	unsigned int pos;

	if (cli_edit_begin(ctx, &e))
		return -1;
	memset(scratch, 0, m->elem_size);
	if (m->init)
		m->init(&e.cfg, scratch);
	if (m->apply(ctx, &e.cfg, scratch))
		goto fail_new;
	slot = cli_edit_append(ctx, (char *)&e.cfg + m->list_off, count_ptr(m, &e.cfg),
			       m->elem_size);
	if (!slot)
		goto fail_new;
	memcpy(slot, scratch, m->elem_size);   /* the copy owns what it holds now */
	pos = list_count(m, &e.cfg) - 1;
	if (name_check(ctx, m, &e.cfg, pos))
		goto fail;
	if (cli_edit_commit(&e))
		return -1;
	cli_edit_ret(ctx, pos);
	return 0;
fail_new:
	if (m->release)
		m->release(scratch);
fail:
	cli_edit_abort(&e);
	return -1;
}

/* set (disabled < 0), enable (0) and disable (1) on every selected entry. */
static int list_change(struct cli_ctx *ctx, const struct cli_list_menu *m, int disabled)
{
	struct cli_edit e;
	unsigned int *idx = NULL;
	int k;

	k = list_select(ctx, m, false, &e, &idx);
	if (k < 0)
		return -1;
	for (int i = 0; i < k; i++) {
		char *elem = entry(m, &e.cfg, idx[i]);
		char old[CFG_NAME_MAX];

		if (disabled >= 0) {
			bool flag = disabled;

			memcpy(elem + m->disabled_off, &flag, sizeof(flag));
			continue;
		}
		if (m->renamed)
			snprintf(old, sizeof(old), "%s", elem + m->name_off);
		if (m->apply(ctx, &e.cfg, elem))
			goto fail;
		if (m->renamed && strcmp(old, elem + m->name_off) != 0 &&
		    m->renamed(ctx, &e.cfg, elem, old))
			goto fail;
	}
	for (int i = 0; i < k; i++)
		if (name_check(ctx, m, &e.cfg, idx[i]))
			goto fail;
	free(idx);
	return cli_edit_commit(&e);
fail:
	free(idx);
	cli_edit_abort(&e);
	return -1;
}

int cli_list_set(struct cli_ctx *ctx, const struct cli_list_menu *m)
{
	return list_change(ctx, m, -1);
}

int cli_list_enable(struct cli_ctx *ctx, const struct cli_list_menu *m)
{
	return list_change(ctx, m, 0);
}

int cli_list_disable(struct cli_ctx *ctx, const struct cli_list_menu *m)
{
	return list_change(ctx, m, 1);
}

int cli_list_remove(struct cli_ctx *ctx, const struct cli_list_menu *m)
{
	struct cli_edit e;
	unsigned int *idx = NULL;
	int k;

	k = list_select(ctx, m, true, &e, &idx);
	if (k < 0)
		return -1;
	for (int i = 0; m->release && i < k; i++)
		m->release(entry(m, &e.cfg, idx[i]));
	cli_edit_remove(list_base(m, &e.cfg), count_ptr(m, &e.cfg), m->elem_size, idx,
			(unsigned int)k);
	free(idx);
	return cli_edit_commit(&e);
}

/* ---- properties copied as typed ---- */

/* The value of a typed argument; false for types the menus parse themselves. */
static bool arg_value(const struct cli_arg *a, uint64_t *v)
{
	switch (a->spec->type) {
	case CLI_ARG_BOOL:      *v = a->v.b; return true;
	case CLI_ARG_INT:       *v = (uint64_t)a->v.i; return true;
	case CLI_ARG_ENUM:      *v = a->v.e; return true;
	case CLI_ARG_DURATION:  *v = a->v.seconds; return true;
	case CLI_ARG_AUTH_LIST: *v = a->v.auth; return true;
	case CLI_ARG_MRRU:      *v = a->v.mrru; return true;
	case CLI_ARG_IP:        *v = a->v.ip; return true;
	default:                return false;   /* STRING, PREFIX, FLAG */
	}
}

void cli_edit_props(struct cli_ctx *ctx, const struct cli_edit_prop *props, size_t n, void *base)
{
	for (size_t i = 0; i < n; i++) {
		const struct cli_arg *a = cli_args_find(ctx->args, props[i].name);
		uint64_t v;

		if (a && arg_value(a, &v))
			cfg_store_uint((char *)base + props[i].off, props[i].size, v);
	}
}

int cli_object_set(struct cli_ctx *ctx, const struct cli_object_menu *m)
{
	struct cli_edit e;

	if (cli_edit_begin(ctx, &e))
		return -1;
	if (m->apply && m->apply(ctx, &e.cfg)) {
		cli_edit_abort(&e);
		return -1;
	}
	cli_edit_props(ctx, m->props, m->n_props, (char *)&e.cfg + m->off);
	return cli_edit_commit(&e);
}
