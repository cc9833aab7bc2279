/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Config changes from CLI commands, as one transaction each:
 *
 *   cli_edit_begin()   deep copy of the live config (cfg_copy)
 *   ... the handler edits e.cfg ...
 *   cli_edit_commit()  cfg_validate the copy; on success swap it into the
 *                      live config and persist it (cp_config_commit: write,
 *                      fsync, rename); on any failure the live config is
 *                      left exactly as it was
 *
 * The swap replaces the contents of *cp->cfg (the struct stays where it is,
 * its lists are new): code outside the CLI must not keep pointers into
 * config lists across a return to the event loop; keep names instead.
 *
 * The menus over a config list (/ppp/secret, /ip/pool, ...) and over one
 * settings object (/ppp/aaa, ...) describe themselves in a table and run the
 * shared flows below; each menu keeps only what is its own.
 *
 * Also the messages every config command uses (one table, so the wording is
 * the same everywhere and docs/cli.md can list it) and argument helpers that
 * turn typed values into config values with the same rules as the JSON
 * loader (names: no control characters; text: UTF-8; references must exist).
 */
#ifndef PPTPGW_CLI_CFG_EDIT_H
#define PPTPGW_CLI_CFG_EDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "cli_parse.h"
#include "config.h"

/* Each message takes at most two string arguments. */
#define CLI_EDIT_MESSAGES(X) \
	X(EDIT_EXISTS,          "failure: entry already exists") \
	X(EDIT_IFACE_EXISTS,    "failure: already have interface with such name") \
	X(EDIT_BUILTIN_REMOVE,  "failure: cannot remove builtin profile") \
	X(EDIT_BUILTIN_RENAME,  "failure: cannot rename builtin profile") \
	X(EDIT_PROFILE_IN_USE,  "failure: profile is in use") \
	X(EDIT_POOL_IN_USE,     "failure: pool is in use") \
	X(EDIT_LIST_FULL,       "failure: too many entries (max %s)") \
	X(EDIT_NO_MEMORY,       "failure: not enough memory") \
	X(EDIT_NO_MATCH,        "input does not match any value of %s") \
	X(EDIT_INVALID,         "invalid value for argument %s") \
	X(EDIT_RANGE,           "value of %s out of range (%s)") \
	X(EDIT_TOO_MANY_VALUES, "value of %s has too many entries (max %s)")

#define CLI_EDIT_MSG_ENUM(id, fmt) id,
enum cli_edit_msg { CLI_EDIT_MESSAGES(CLI_EDIT_MSG_ENUM) };
#undef CLI_EDIT_MSG_ENUM

/* Fill ctx->err with message id; returns -1. */
int cli_edit_fail(struct cli_ctx *ctx, enum cli_edit_msg id, const char *a1, const char *a2);

/* ---- the transaction ---- */

struct cli_edit {
	struct cli_ctx *ctx;
	struct pg_config cfg;     /* the copy being edited */
};

/* 0, or -1 with "failure: not enough memory". */
int cli_edit_begin(struct cli_ctx *ctx, struct cli_edit *e);
/*
 * Validate, swap in, persist. Always consumes e. 0, or -1 with ctx->err set
 * ("failure: <first config error>") and the live config untouched.
 */
int cli_edit_commit(struct cli_edit *e);
void cli_edit_abort(struct cli_edit *e);

/*
 * Run fn after every committed change (the live config swapped in), e.g. to
 * apply it to what runs (pptp-client links, routes). At most
 * CLI_EDIT_COMMIT_HOOKS; registering one again does nothing. 0 or -1.
 */
#define CLI_EDIT_COMMIT_HOOKS 4
int cli_edit_commit_hook_add(void (*fn)(void));
void cli_edit_commit_hook_del(void (*fn)(void));

/* ---- lists ---- */

/* The entries a set, remove, enable or disable works on: `remove 0,2`, `set pptp-in1 ...`. */
#define CLI_EDIT_NUMBERS_ARG \
	{ .name = "numbers", .type = CLI_ARG_STRING, \
	  .flags = CLI_ARG_UNNAMED | CLI_ARG_REQUIRED, .max = CLI_LINE_MAX }

/*
 * Resolve the command's "numbers" argument against n entries (print numbers,
 * names via name_of, or *ids; comma-separated). *idx is malloc'd (caller
 * frees). Returns the count, or -1 with "no such item" (or out of memory).
 */
int cli_edit_items(struct cli_ctx *ctx, unsigned int n,
		   const char *(*name_of)(unsigned int i, void *arg), void *arg,
		   unsigned int **idx);

/*
 * Append one zeroed element to a list of the copy (list/count are the
 * pg_config members). Returns it, or NULL with ctx->err set (list full at
 * CFG_MAX_LIST, out of memory).
 */
void *cli_edit_append(struct cli_ctx *ctx, void *list_ptr, unsigned int *n, size_t size);

/* Remove the entries idx[0..k) (any order, no repeats) from a list, keeping the order of the rest. */
void cli_edit_remove(void *list, unsigned int *n, size_t size, const unsigned int *idx,
		     unsigned int k);

/* JSON result of an add: {"ret": "*<hex position + 1>"} (RouterOS API style). */
void cli_edit_ret(struct cli_ctx *ctx, unsigned int pos);

/* ---- menus over one config list (add, set, remove, enable, disable) ---- */

/*
 * What the list menus differ in; the flows are the same for all of them:
 *   add     a zeroed scratch entry, init, apply, append to the copy, name
 *           checks, commit, {"ret": ...}
 *   set     resolve "numbers" on the live config, apply onto each entry of
 *           the copy (renamed() when its name changed), name checks, commit
 *   enable, disable   as set, but only the entry's disabled flag changes
 *   remove  resolve "numbers", can_remove() on each live entry, release()
 *           each entry of the copy, remove them, commit
 * Name checks (named lists only): no other entry has the name ("failure:
 * entry already exists"), then check_name() when given.
 */
struct cli_list_menu {
	size_t list_off;       /* offsetof(struct pg_config, <list>) */
	size_t count_off;      /* offsetof(struct pg_config, n_<list>) */
	size_t elem_size;
	bool named;            /* entries have unique names (else: print numbers only) */
	size_t name_off;       /* named: the entry's char[CFG_NAME_MAX] name */
	size_t disabled_off;   /* enable/disable: the entry's bool disabled */
	/* add: defaults onto the zeroed new entry (NULL: zero is the default). */
	void (*init)(const struct pg_config *cfg, void *elem);
	/* The command's properties onto one entry; cfg is the copy. 0, or -1 with ctx->err set. */
	int (*apply)(struct cli_ctx *ctx, const struct pg_config *cfg, void *elem);
	/* set: the entry's name changed from old. 0, or -1 with ctx->err set. */
	int (*renamed)(struct cli_ctx *ctx, struct pg_config *cfg, void *elem, const char *old);
	/* After the unique-name check of entry i. 0, or -1 with ctx->err set. */
	int (*check_name)(struct cli_ctx *ctx, const struct pg_config *cfg, unsigned int i);
	/* remove: may this entry of the live config go? 0, or -1 with ctx->err set. */
	int (*can_remove)(struct cli_ctx *ctx, const struct pg_config *cfg, const void *elem);
	/* Free what an entry owns (a new entry not appended; removed entries). */
	void (*release)(void *elem);
};

/* The list's place in struct pg_config, e.g. CLI_LIST_OF(ppp_secret, n_ppp_secret). */
#define CLI_LIST_OF(list, count) \
	.list_off = offsetof(struct pg_config, list), \
	.count_off = offsetof(struct pg_config, count), \
	.elem_size = sizeof(*((struct pg_config *)0)->list)
#define CLI_LIST_NAMED(type, member) .named = true, .name_off = offsetof(type, member)

/* scratch: elem_size bytes for the new entry (the caller's typed local). */
int cli_list_add(struct cli_ctx *ctx, const struct cli_list_menu *m, void *scratch);
int cli_list_set(struct cli_ctx *ctx, const struct cli_list_menu *m);
int cli_list_enable(struct cli_ctx *ctx, const struct cli_list_menu *m);
int cli_list_disable(struct cli_ctx *ctx, const struct cli_list_menu *m);
int cli_list_remove(struct cli_ctx *ctx, const struct cli_list_menu *m);

/* ---- properties copied as typed ---- */

/*
 * A property whose parsed argument is stored as it is: BOOL, INT, ENUM
 * (the word's index), DURATION (seconds), AUTH_LIST, MRRU or IP, into the
 * member at base + off (size bytes; INT is cut to the member's size, as
 * the argument spec's range already fits it).
 */
struct cli_edit_prop {
	const char *name;
	size_t off;
	size_t size;
};
#define CLI_EDIT_PROP(type, member, prop) \
	{ .name = (prop), .off = offsetof(type, member), .size = sizeof(((type *)0)->member) }

/* Each property the command gives, onto base. */
void cli_edit_props(struct cli_ctx *ctx, const struct cli_edit_prop *props, size_t n, void *base);

/*
 * set on a menu that is one object of the config (/ppp/aaa, ...): apply
 * (when given; 0, or -1 with ctx->err set), then props onto the object at
 * off in the copy, then commit.
 */
struct cli_object_menu {
	size_t off;            /* offsetof(struct pg_config, <object>) */
	const struct cli_edit_prop *props;
	size_t n_props;
	int (*apply)(struct cli_ctx *ctx, struct pg_config *cfg);
};
int cli_object_set(struct cli_ctx *ctx, const struct cli_object_menu *m);

/* ---- arguments (each: 0 when absent or stored, -1 with ctx->err set) ---- */

/* A name (entries, users, references): not empty, no control characters, UTF-8. */
int cli_edit_name(struct cli_ctx *ctx, const char *arg, char *dst, size_t size);
/* Free text (passwords, secrets): UTF-8. */
int cli_edit_text(struct cli_ctx *ctx, const char *arg, char *dst, size_t size);
/* A profile name that cfg has ("input does not match any value of profile"). */
int cli_edit_profile_ref(struct cli_ctx *ctx, const struct pg_config *cfg, const char *arg,
			 char *dst, size_t size);
/* An IPv4 address or the name of a pool cfg has; "" unsets (inherit). */
int cli_edit_addr_or_pool(struct cli_ctx *ctx, const struct pg_config *cfg, const char *arg,
			  struct cfg_addr_or_pool *dst);

/* Valid UTF-8 (as jansson and the config writer require). */
bool cli_edit_utf8_ok(const char *s);

#endif /* PPTPGW_CLI_CFG_EDIT_H */
