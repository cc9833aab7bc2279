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

/* ---- lists ---- */

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
