/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The RouterOS-syntax command layer behind the management socket.
 *
 * A command line is a menu path and a command, then arguments:
 *
 *   /interface/pptp-client/add name=pptp-out1 connect-to=192.168.62.2 user="MT-User"
 *   interface pptp-client set pptp-out1 disabled=no
 *   /ip address print detail where interface=ether1
 *
 * The command tree is data. Each controlplane/cli_cmds_*.c holds static
 * tables of commands (name, handler, argument spec) and registers them under
 * a menu path with cli_register_menu() from its cli_cmds_<x>_register()
 * function; mgmt_init() calls every such function (list in mgmt.c).
 *
 * Arguments are parsed and checked against the spec before a handler runs,
 * so every command reports bad input in the same words (RouterOS's):
 *   bad command name foo (line 1 column 5)
 *   expected end of command (line 1 column 24)
 *   input does not match any value of use-encryption
 *   value of max-mtu out of range (64..65535)
 *   missing value(s) of argument(s) name
 */
#ifndef PPTPGW_CLI_PARSE_H
#define PPTPGW_CLI_PARSE_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "cli_table.h"
#include "config.h"

struct cp_context;

#define CLI_LINE_MAX   4096  /* bytes of one command line */
#define CLI_WORDS_MAX  64    /* words of one command line */
#define CLI_WHERE_MAX  16    /* conditions after `where` */
#define CLI_ERR_MAX    256
#define CLI_MENUS_MAX  64    /* menu nodes in the whole tree */
#define CLI_STRING_DEFAULT_MAX 255  /* CLI_ARG_STRING length when the spec gives none */

struct cli_error {
	char msg[CLI_ERR_MAX];
};

/* ---- argument specs ---- */

enum cli_arg_type {
	CLI_ARG_STRING,     /* any text; max = longest length in bytes (0: CLI_STRING_DEFAULT_MAX) */
	CLI_ARG_IP,         /* 192.0.2.1 */
	CLI_ARG_PREFIX,     /* 192.0.2.1/24 (a bare address is /32) */
	CLI_ARG_BOOL,       /* yes | no (true | false accepted) */
	CLI_ARG_INT,        /* decimal in [min, max] */
	CLI_ARG_ENUM,       /* one of values[] */
	CLI_ARG_DURATION,   /* 30, 30s, 1m, 1h30m; in [min, max] seconds when max > 0 */
	CLI_ARG_AUTH_LIST,  /* pap,chap,mschap1,mschap2 */
	CLI_ARG_MRRU,       /* disabled | 1500..16384 */
	CLI_ARG_FLAG,       /* a bare word with no value: detail, terse */
};

/* struct cli_arg_spec.flags */
#define CLI_ARG_REQUIRED (1u << 0)
/* May also be given as a bare word: `remove 0`, `set pptp-out1 disabled=no`
 * (RouterOS's "numbers"). At most one per command. */
#define CLI_ARG_UNNAMED  (1u << 1)

struct cli_arg_spec {
	const char *name;             /* RouterOS property name, verbatim */
	enum cli_arg_type type;
	unsigned int flags;           /* CLI_ARG_* */
	int64_t min, max;             /* INT, DURATION: range; STRING: max length */
	const char *const *values;    /* ENUM: NULL-terminated list of words, or: */
	const struct cfg_words *words;/* ENUM: a config.h word set (&cfg_use_encryption_words) */
};

union cli_value {
	int64_t i;                    /* INT */
	bool b;                       /* BOOL, FLAG */
	uint32_t ip;                  /* IP, host order */
	struct cfg_prefix prefix;     /* PREFIX */
	uint32_t seconds;             /* DURATION */
	uint32_t auth;                /* AUTH_LIST: enum cfg_auth set */
	uint16_t mrru;                /* MRRU: 0 = disabled */
	unsigned int e;               /* ENUM: index into values[] / words->names[] */
};

struct cli_arg {
	const struct cli_arg_spec *spec;
	const char *str;              /* the value as typed, unquoted ("" for a flag) */
	union cli_value v;            /* parsed by type */
	unsigned int column;          /* 1-based column where the argument starts */
};

struct cli_args {
	struct cli_arg a[CLI_WORDS_MAX];
	unsigned int n;
};

/* The argument named name, NULL when not given. */
const struct cli_arg *cli_args_find(const struct cli_args *args, const char *name);

/* ---- commands ---- */

struct cli_ctx {
	struct cp_context *cp;
	const struct cli_args *args;
	struct cli_buf *out;          /* text a run() handler prints (normally nothing) */
	json_t *data;                 /* run(): optional result for JSON callers; the layer owns it */
	bool json;                    /* the caller asked for JSON */
	struct cli_error *err;
};

/*
 * A command that acts (add, set, remove, enable, disable): returns 0, or -1
 * after cli_fail() / cli_commit() filled ctx->err.
 */
typedef int (*cli_run_fn)(struct cli_ctx *ctx);
/*
 * A print: add one row per entry to t (cli_table.h). The layer then applies
 * `where`, `count-only`, `detail`, `terse` or JSON. Returns 0 or -1 (ctx->err set).
 */
typedef int (*cli_fill_fn)(struct cli_ctx *ctx, struct cli_table *t);

struct cli_command {
	const char *name;                   /* "print", "add", "set", ... */
	const struct cli_arg_spec *args;    /* may be NULL when n_args is 0 */
	unsigned int n_args;
	cli_run_fn run;                     /* exactly one of run and fill */
	cli_fill_fn fill;
	const struct cli_table_spec *table; /* with fill */
};

/*
 * Register the commands of one menu, e.g. ("/ip/address", cmds, 1). Menus on
 * the path are created as needed; the arrays must outlive the registry
 * (static const). Returns -1 for a malformed path, a command name already
 * registered in that menu, an inconsistent command (no handler, print with no
 * table, two unnamed arguments) or a full tree.
 * Every print command also takes the flags detail, terse, without-paging,
 * count-only, and `where` conditions: do not list them in args.
 */
int cli_register_menu(const char *path, const struct cli_command *cmds, unsigned int n_cmds);
/* Forget every registration (mgmt_init starts from scratch; tests). */
void cli_registry_reset(void);

/* Command sets: one per controlplane/cli_cmds_*.c, called by mgmt_init(). */
int cli_cmds_system_register(void);
int cli_cmds_ppp_register(void);     /* /ppp/secret, /ppp/profile, /ppp/aaa */
int cli_cmds_ip_register(void);      /* /ip/pool add/set/remove, /ip/pool/used */
int cli_cmds_pptp_register(void);    /* /interface/pptp-server, .../server */
int cli_cmds_radius_register(void);  /* /radius, /radius/incoming */
int cli_cmds_session_register(void); /* /ppp/active */

/* ---- helpers for handlers ---- */

/* Set ctx->err (RouterOS style: "failure: ..." for refused changes) and return -1. */
int cli_fail(struct cli_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * After editing ctx->cp->cfg: validate and write back (cp_config_commit).
 * On failure fills ctx->err with "failure: <first error>" and returns -1;
 * the caller then restores what it changed.
 */
int cli_commit(struct cli_ctx *ctx);

/*
 * Resolve RouterOS item references against n entries: a comma-separated
 * list of print numbers ("0,2") or names ("pptp-out1"; name_of(i) gives
 * entry i's name, or NULL when entries have none). Stores up to max indices
 * in idx (each once, in the order given) and returns how many, or -1 with
 * "no such item" in err.
 */
int cli_items_resolve(const char *spec, unsigned int n,
		      const char *(*name_of)(unsigned int i, void *arg), void *arg,
		      unsigned int *idx, unsigned int max, struct cli_error *err);

/* ---- parsing and running a line ---- */

struct cli_cond {
	int col;                      /* property index in the print's table, or -1 */
	int flag;                     /* flag index, or -1 */
	const char *value;            /* for a property */
	bool negate;                  /* prop!=value, !flag */
};

struct cli_parsed {
	bool empty;                   /* blank line: nothing to do */
	const struct cli_command *cmd;
	char path[128];               /* "/ip/address/print", for logs */
	struct cli_args args;
	enum cli_form form;           /* print: detail / terse */
	bool count_only;
	struct cli_cond where[CLI_WHERE_MAX];
	unsigned int n_where;
	char buf[CLI_LINE_MAX + 1];   /* the unquoted words live here */
};

/* Parse one line (no execution). Returns 0, or -1 with err filled. */
int cli_parse_line(const char *line, struct cli_parsed *p, struct cli_error *err);

struct cli_reply {
	bool ok;
	char *output;                 /* text (malloc'd, may be NULL for none) */
	json_t *data;                 /* JSON result when asked for JSON (owned) */
	char error[CLI_ERR_MAX];      /* when !ok */
};

/* Parse and run one command line against the live appliance. */
void cli_execute(struct cp_context *cp, const char *line, bool json, struct cli_reply *r);
void cli_reply_clear(struct cli_reply *r);

#endif /* PPTPGW_CLI_PARSE_H */
