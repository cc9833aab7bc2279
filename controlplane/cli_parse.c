/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RouterOS command syntax: tokenizer, menu tree and path resolution,
 * argument checking against each command's spec, `where` filters, and the
 * dispatcher that runs a line and builds the reply (see cli_parse.h).
 *
 * Every error the user can see is one line of CLI_MESSAGES below, so the
 * wording stays RouterOS's and consistent across commands.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_parse.h"
#include "cp.h"
#include "log.h"

/* ---- messages ---- */

/* Each takes at most two string arguments; those with a position get
 * " (line 1 column N)" appended. */
#define CLI_MESSAGES(X) \
	X(MSG_BAD_COMMAND,    "bad command name %s") \
	X(MSG_END_EXPECTED,   "expected end of command") \
	X(MSG_CMD_EXPECTED,   "expected command name") \
	X(MSG_SYNTAX,         "syntax error") \
	X(MSG_LINE_TOO_LONG,  "command line too long (max %s bytes)") \
	X(MSG_TOO_MANY_WORDS, "too many words (max %s)") \
	X(MSG_TOO_MANY_CONDS, "too many conditions (max %s)") \
	X(MSG_DUPLICATE,      "duplicate argument %s") \
	X(MSG_NO_MATCH,       "input does not match any value of %s") \
	X(MSG_INVALID,        "invalid value for argument %s") \
	X(MSG_RANGE,          "value of %s out of range (%s)") \
	X(MSG_TOO_LONG,       "value of %s too long (max %s bytes)") \
	X(MSG_MISSING,        "missing value(s) of argument(s) %s") \
	X(MSG_NO_SUCH_ITEM,   "no such item") \
	X(MSG_TOO_MANY_ITEMS, "too many items (max %s)") \
	X(MSG_NO_MEMORY,      "not enough memory") \
	X(MSG_INTERNAL,       "internal error in %s")

#define CLI_MSG_ENUM(id, fmt) id,
#define CLI_MSG_FMT(id, fmt) [id] = fmt,
enum cli_msg { CLI_MESSAGES(CLI_MSG_ENUM) };
static const char *const cli_msg_fmt[] = { CLI_MESSAGES(CLI_MSG_FMT) };

/* Fill err with message id; col > 0 adds the position. Returns -1. */
static int cli_err(struct cli_error *err, unsigned int col, enum cli_msg id,
		   const char *a1, const char *a2)
{
	int n = snprintf(err->msg, sizeof(err->msg), cli_msg_fmt[id], a1 ? a1 : "", a2 ? a2 : "");

	if (col > 0 && n >= 0 && (size_t)n < sizeof(err->msg))
		snprintf(err->msg + n, sizeof(err->msg) - (size_t)n,
			 " (line 1 column %u)", col);
	return -1;
}

static int cli_err_num(struct cli_error *err, enum cli_msg id, const char *a1, int64_t num)
{
	char s[32];

	snprintf(s, sizeof(s), "%" PRId64, num);
	return cli_err(err, 0, id, a1, s);
}

/* ---- registry ---- */

#define CLI_MENU_NAME_MAX 32
#define CLI_REGS_MAX 128

struct cli_menu {
	char name[CLI_MENU_NAME_MAX];
	int first_child;
	int next_sibling;
};

struct cli_reg {
	int menu;
	const struct cli_command *cmds;
	unsigned int n;
};

static struct cli_menu menus[CLI_MENUS_MAX] = { [0] = { "", -1, -1 } };
static unsigned int n_menus = 1;          /* menus[0] is the root */
static struct cli_reg regs[CLI_REGS_MAX];
static unsigned int n_regs;

void cli_registry_reset(void)
{
	memset(menus, 0, sizeof(menus));
	menus[0].first_child = menus[0].next_sibling = -1;
	n_menus = 1;
	n_regs = 0;
}

static int menu_child(int parent, const char *name, size_t len)
{
	for (int c = menus[parent].first_child; c >= 0; c = menus[c].next_sibling)
		if (strlen(menus[c].name) == len && memcmp(menus[c].name, name, len) == 0)
			return c;
	return -1;
}

static const struct cli_command *menu_command(int menu, const char *name, size_t len)
{
	for (unsigned int r = 0; r < n_regs; r++) {
		if (regs[r].menu != menu)
			continue;
		for (unsigned int i = 0; i < regs[r].n; i++) {
			const char *cn = regs[r].cmds[i].name;

			if (strlen(cn) == len && memcmp(cn, name, len) == 0)
				return &regs[r].cmds[i];
		}
	}
	return NULL;
}

static bool command_is_sane(const struct cli_command *c)
{
	unsigned int unnamed = 0;

	if (!c->name || !c->name[0] || (!c->run == !c->fill) || (c->fill && !c->table))
		return false;
	if (c->n_args && !c->args)
		return false;
	for (unsigned int i = 0; i < c->n_args; i++) {
		if (!c->args[i].name || !c->args[i].name[0])
			return false;
		if (c->args[i].type == CLI_ARG_ENUM && !c->args[i].values && !c->args[i].words)
			return false;
		if (c->args[i].flags & CLI_ARG_UNNAMED)
			unnamed++;
	}
	return unnamed <= 1;
}

int cli_register_menu(const char *path, const struct cli_command *cmds, unsigned int n_cmds)
{
	int menu = 0;
	const char *p = path;

	if (!path || path[0] != '/' || n_regs == CLI_REGS_MAX || (n_cmds && !cmds))
		return -1;
	while (*p) {
		const char *seg;
		size_t len;
		int child;

		while (*p == '/')
			p++;
		seg = p;
		while (*p && *p != '/')
			p++;
		len = (size_t)(p - seg);
		if (len == 0)
			break;
		if (len >= CLI_MENU_NAME_MAX)
			return -1;
		child = menu_child(menu, seg, len);
		if (child < 0) {
			if (n_menus == CLI_MENUS_MAX || menu_command(menu, seg, len))
				return -1;
			child = (int)n_menus++;
			memcpy(menus[child].name, seg, len);
			menus[child].name[len] = '\0';
			menus[child].first_child = -1;
			menus[child].next_sibling = menus[menu].first_child;
			menus[menu].first_child = child;
		}
		menu = child;
	}
	for (unsigned int i = 0; i < n_cmds; i++) {
		size_t len = strlen(cmds[i].name ? cmds[i].name : "");

		if (!command_is_sane(&cmds[i]) || menu_command(menu, cmds[i].name, len) ||
		    menu_child(menu, cmds[i].name, len) >= 0)
			return -1;
		for (unsigned int j = 0; j < i; j++)
			if (strcmp(cmds[i].name, cmds[j].name) == 0)
				return -1;
	}
	regs[n_regs].menu = menu;
	regs[n_regs].cmds = cmds;
	regs[n_regs].n = n_cmds;
	n_regs++;
	return 0;
}

/* ---- tokenizer ---- */

struct cli_word {
	char *name;           /* of name=value; NULL for a bare word */
	char *value;          /* the value, or the bare word */
	unsigned int col;     /* 1-based column where the word starts */
	bool quoted;          /* a bare word written in quotes (never a path) */
};

struct cli_lexer {
	const char *line;
	size_t pos;
	char *out;            /* next free byte of the parsed buffer */
	char *out_end;
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_' || c == '.' || c == '!';
}

static bool is_control(char c)
{
	return (unsigned char)c < 0x20 || c == 0x7f;
}

static int lex_put(struct cli_lexer *lx, char c, struct cli_error *err)
{
	char limit[16];

	if (lx->out >= lx->out_end) {
		snprintf(limit, sizeof(limit), "%d", CLI_LINE_MAX);
		return cli_err(err, 0, MSG_LINE_TOO_LONG, limit, NULL);
	}
	*lx->out++ = c;
	return 0;
}

/* A "..." string at lx->pos (on the opening quote); RouterOS escapes. */
static int lex_quoted(struct cli_lexer *lx, struct cli_error *err)
{
	size_t start = lx->pos;

	lx->pos++;
	for (;;) {
		char c = lx->line[lx->pos];

		if (c == '\0')
			return cli_err(err, (unsigned int)start + 1, MSG_SYNTAX, NULL, NULL);
		if (c == '"') {
			lx->pos++;
			break;
		}
		if (c == '\\') {
			char e = lx->line[lx->pos + 1];

			switch (e) {
			case '"':
			case '\\':
			case '$':
			case '?':
				c = e;
				break;
			case 'n':
				c = '\n';
				break;
			case 't':
				c = '\t';
				break;
			case 'r':
				c = '\r';
				break;
			default:
				return cli_err(err, (unsigned int)lx->pos + 1, MSG_SYNTAX, NULL, NULL);
			}
			lx->pos++;
		} else if (is_control(c) && c != '\t') {
			return cli_err(err, (unsigned int)lx->pos + 1, MSG_SYNTAX, NULL, NULL);
		}
		if (lex_put(lx, c, err))
			return -1;
		lx->pos++;
	}
	/* A closing quote ends the word. */
	if (lx->line[lx->pos] != '\0' && !is_space(lx->line[lx->pos]))
		return cli_err(err, (unsigned int)lx->pos + 1, MSG_SYNTAX, NULL, NULL);
	return 0;
}

/* Unquoted text up to the next space; stop_at_eq stops at the first '='. */
static int lex_bare(struct cli_lexer *lx, bool stop_at_eq, struct cli_error *err)
{
	for (;;) {
		char c = lx->line[lx->pos];

		if (c == '\0' || is_space(c) || (stop_at_eq && c == '='))
			return 0;
		if (c == '"' || is_control(c))
			return cli_err(err, (unsigned int)lx->pos + 1, MSG_SYNTAX, NULL, NULL);
		if (lex_put(lx, c, err))
			return -1;
		lx->pos++;
	}
}

/* Does the word at pos start with "name=" (name characters, then '=')? */
static bool word_has_name(const char *s)
{
	size_t i = 0;

	while (is_name_char(s[i]))
		i++;
	return i > 0 && s[i] == '=';
}

static int lex_word(struct cli_lexer *lx, struct cli_word *w, struct cli_error *err)
{
	const char *s = lx->line + lx->pos;

	memset(w, 0, sizeof(*w));
	w->col = (unsigned int)lx->pos + 1;
	if (s[0] == '=')
		return cli_err(err, w->col, MSG_SYNTAX, NULL, NULL);
	if (s[0] == '"') {
		w->value = lx->out;
		w->quoted = true;
		if (lex_quoted(lx, err))
			return -1;
		return lex_put(lx, '\0', err);
	}
	if (word_has_name(s)) {
		w->name = lx->out;
		if (lex_bare(lx, true, err) || lex_put(lx, '\0', err))
			return -1;
		lx->pos++;  /* '=' */
		w->value = lx->out;
		if (lx->line[lx->pos] == '"') {
			if (lex_quoted(lx, err))
				return -1;
		} else if (lex_bare(lx, false, err)) {
			return -1;
		}
		return lex_put(lx, '\0', err);
	}
	w->value = lx->out;
	if (lex_bare(lx, false, err))
		return -1;
	return lex_put(lx, '\0', err);
}

static int lex_line(const char *line, char *buf, size_t buflen, struct cli_word *words,
		    unsigned int *n_words, struct cli_error *err)
{
	struct cli_lexer lx = { .line = line, .pos = 0, .out = buf, .out_end = buf + buflen };
	char limit[16];

	*n_words = 0;
	if (strnlen(line, CLI_LINE_MAX + 1) > CLI_LINE_MAX) {
		snprintf(limit, sizeof(limit), "%d", CLI_LINE_MAX);
		return cli_err(err, 0, MSG_LINE_TOO_LONG, limit, NULL);
	}
	for (;;) {
		while (is_space(line[lx.pos]))
			lx.pos++;
		if (line[lx.pos] == '\0')
			return 0;
		if (*n_words == CLI_WORDS_MAX) {
			snprintf(limit, sizeof(limit), "%d", CLI_WORDS_MAX);
			return cli_err(err, (unsigned int)lx.pos + 1, MSG_TOO_MANY_WORDS, limit, NULL);
		}
		if (lex_word(&lx, &words[*n_words], err))
			return -1;
		(*n_words)++;
	}
}

/* ---- argument values (one parser per type) ---- */

typedef int (*value_parse_fn)(const struct cli_arg_spec *s, const char *str,
			      union cli_value *v, struct cli_error *err);

static int parse_int_text(const char *str, int64_t *out)
{
	char *end;
	long long n;

	if (!isdigit((unsigned char)str[0]) && !(str[0] == '-' && isdigit((unsigned char)str[1])))
		return -1;
	errno = 0;
	n = strtoll(str, &end, 10);
	if (errno || *end)
		return -1;
	*out = n;
	return 0;
}

static int range_error(const struct cli_arg_spec *s, struct cli_error *err, bool duration)
{
	char range[96], lo[32], hi[32];

	if (duration) {
		cli_format_duration(s->min < 0 ? 0 : (uint64_t)s->min, lo, sizeof(lo));
		cli_format_duration(s->max < 0 ? 0 : (uint64_t)s->max, hi, sizeof(hi));
	} else {
		snprintf(lo, sizeof(lo), "%" PRId64, s->min);
		snprintf(hi, sizeof(hi), "%" PRId64, s->max);
	}
	snprintf(range, sizeof(range), "%s..%s", lo, hi);
	return cli_err(err, 0, MSG_RANGE, s->name, range);
}

static int parse_string(const struct cli_arg_spec *s, const char *str, union cli_value *v,
			struct cli_error *err)
{
	int64_t max = s->max > 0 ? s->max : CLI_STRING_DEFAULT_MAX;

	(void)v;
	if ((int64_t)strlen(str) > max)
		return cli_err_num(err, MSG_TOO_LONG, s->name, max);
	return 0;
}

static int parse_ip(const struct cli_arg_spec *s, const char *str, union cli_value *v,
		    struct cli_error *err)
{
	if (cfg_parse_ipv4(str, &v->ip))
		return cli_err(err, 0, MSG_INVALID, s->name, NULL);
	return 0;
}

static int parse_prefix(const struct cli_arg_spec *s, const char *str, union cli_value *v,
			struct cli_error *err)
{
	if (cfg_parse_prefix(str, &v->prefix))
		return cli_err(err, 0, MSG_INVALID, s->name, NULL);
	return 0;
}

static int parse_bool(const struct cli_arg_spec *s, const char *str, union cli_value *v,
		      struct cli_error *err)
{
	if (strcmp(str, "yes") == 0 || strcmp(str, "true") == 0)
		v->b = true;
	else if (strcmp(str, "no") == 0 || strcmp(str, "false") == 0)
		v->b = false;
	else
		return cli_err(err, 0, MSG_NO_MATCH, s->name, NULL);
	return 0;
}

static int parse_int(const struct cli_arg_spec *s, const char *str, union cli_value *v,
		     struct cli_error *err)
{
	if (parse_int_text(str, &v->i) || v->i < s->min || v->i > s->max)
		return range_error(s, err, false);
	return 0;
}

static int parse_enum(const struct cli_arg_spec *s, const char *str, union cli_value *v,
		      struct cli_error *err)
{
	if (s->words) {
		int i = cfg_word_index(s->words, str);

		if (i < 0)
			return cli_err(err, 0, MSG_NO_MATCH, s->name, NULL);
		v->e = (unsigned int)i;
		return 0;
	}
	for (unsigned int i = 0; s->values[i]; i++) {
		if (strcmp(s->values[i], str) == 0) {
			v->e = i;
			return 0;
		}
	}
	return cli_err(err, 0, MSG_NO_MATCH, s->name, NULL);
}

static int parse_duration(const struct cli_arg_spec *s, const char *str, union cli_value *v,
			  struct cli_error *err)
{
	if (cfg_parse_duration(str, &v->seconds))
		return cli_err(err, 0, MSG_INVALID, s->name, NULL);
	if (s->max > 0 && ((int64_t)v->seconds < s->min || (int64_t)v->seconds > s->max))
		return range_error(s, err, true);
	return 0;
}

static int parse_auth_list(const struct cli_arg_spec *s, const char *str, union cli_value *v,
			   struct cli_error *err)
{
	if (cfg_parse_auth_list(str, &v->auth))
		return cli_err(err, 0, MSG_NO_MATCH, s->name, NULL);
	return 0;
}

static int parse_mrru(const struct cli_arg_spec *s, const char *str, union cli_value *v,
		      struct cli_error *err)
{
	int rc = cfg_parse_mrru(str, &v->mrru);

	if (rc == 0)
		return 0;
	if (rc == CFG_PARSE_RANGE) {
		struct cli_arg_spec r = {
			.name = s->name, .type = CLI_ARG_INT, .min = CFG_MRRU_MIN, .max = CFG_MRRU_MAX,
		};

		return range_error(&r, err, false);
	}
	return cli_err(err, 0, MSG_NO_MATCH, s->name, NULL);
}

static int parse_flag(const struct cli_arg_spec *s, const char *str, union cli_value *v,
		      struct cli_error *err)
{
	(void)s;
	(void)str;
	(void)err;
	v->b = true;
	return 0;
}

static const value_parse_fn value_parsers[] = {
	[CLI_ARG_STRING] = parse_string,
	[CLI_ARG_IP] = parse_ip,
	[CLI_ARG_PREFIX] = parse_prefix,
	[CLI_ARG_BOOL] = parse_bool,
	[CLI_ARG_INT] = parse_int,
	[CLI_ARG_ENUM] = parse_enum,
	[CLI_ARG_DURATION] = parse_duration,
	[CLI_ARG_AUTH_LIST] = parse_auth_list,
	[CLI_ARG_MRRU] = parse_mrru,
	[CLI_ARG_FLAG] = parse_flag,
};

/* ---- path, arguments, where ---- */

/* Flags every print takes (RouterOS print's own arguments). */
static const struct cli_arg_spec print_builtin_args[] = {
	{ .name = "detail", .type = CLI_ARG_FLAG },
	{ .name = "terse", .type = CLI_ARG_FLAG },
	{ .name = "without-paging", .type = CLI_ARG_FLAG },
	{ .name = "count-only", .type = CLI_ARG_FLAG },
};
#define N_PRINT_BUILTIN (sizeof(print_builtin_args) / sizeof(print_builtin_args[0]))

static const struct cli_arg_spec *find_arg_spec(const struct cli_command *cmd, const char *name)
{
	for (unsigned int i = 0; i < cmd->n_args; i++)
		if (strcmp(cmd->args[i].name, name) == 0)
			return &cmd->args[i];
	if (cmd->fill)
		for (unsigned int i = 0; i < N_PRINT_BUILTIN; i++)
			if (strcmp(print_builtin_args[i].name, name) == 0)
				return &print_builtin_args[i];
	return NULL;
}

static const struct cli_arg_spec *unnamed_spec(const struct cli_command *cmd)
{
	for (unsigned int i = 0; i < cmd->n_args; i++)
		if (cmd->args[i].flags & CLI_ARG_UNNAMED)
			return &cmd->args[i];
	return NULL;
}

const struct cli_arg *cli_args_find(const struct cli_args *args, const char *name)
{
	for (unsigned int i = 0; i < args->n; i++)
		if (strcmp(args->a[i].spec->name, name) == 0)
			return &args->a[i];
	return NULL;
}

static void path_append(struct cli_parsed *p, const char *seg, size_t len)
{
	size_t used = strlen(p->path);

	if (used + 1 + len < sizeof(p->path)) {
		p->path[used] = '/';
		memcpy(p->path + used + 1, seg, len);
		p->path[used + 1 + len] = '\0';
	}
}

/*
 * Walk the menu tree over the leading words; on success *next is the first
 * word after the command. A word may hold several segments: /ip/address/print.
 */
static int resolve_path(struct cli_parsed *p, struct cli_word *words, unsigned int n_words,
			unsigned int *next, size_t line_len, struct cli_error *err)
{
	int menu = 0;

	for (unsigned int w = 0; w < n_words; w++) {
		const char *s = words[w].value;
		size_t off = 0, len = strlen(s);

		if (words[w].name || (words[w].quoted && len == 0))
			return cli_err(err, words[w].col, MSG_CMD_EXPECTED, NULL, NULL);
		while (off < len) {
			const struct cli_command *cmd;
			size_t seg_len;
			unsigned int col = words[w].col + (unsigned int)off;
			int child;

			if (!words[w].quoted && s[off] == '/') {
				off++;
				continue;
			}
			seg_len = words[w].quoted ? len - off : strcspn(s + off, "/");
			if (p->cmd)
				return cli_err(err, col, MSG_END_EXPECTED, NULL, NULL);
			cmd = menu_command(menu, s + off, seg_len);
			child = cmd ? -1 : menu_child(menu, s + off, seg_len);
			if (!cmd && child < 0) {
				char bad[CLI_ERR_MAX / 2];

				/* The word is echoed back: keep the message one clean line. */
				snprintf(bad, sizeof(bad), "%.*s", (int)seg_len, s + off);
				cli_text_sanitize(bad);
				return cli_err(err, col, MSG_BAD_COMMAND, bad, NULL);
			}
			path_append(p, s + off, seg_len);
			if (cmd)
				p->cmd = cmd;
			else
				menu = child;
			off += seg_len;
		}
		if (p->cmd) {
			*next = w + 1;
			return 0;
		}
	}
	return cli_err(err, (unsigned int)line_len + 1, MSG_CMD_EXPECTED, NULL, NULL);
}

static int parse_where(struct cli_parsed *p, struct cli_word *words, unsigned int from,
		       unsigned int n_words, struct cli_error *err)
{
	const struct cli_table_spec *spec = p->cmd->table;
	char limit[16];

	for (unsigned int w = from; w < n_words; w++) {
		struct cli_cond *c = &p->where[p->n_where];
		const char *name = words[w].name ? words[w].name : words[w].value;
		size_t len;

		if (!words[w].name && !words[w].quoted && strcmp(name, "and") == 0)
			continue;
		if (p->n_where == CLI_WHERE_MAX) {
			snprintf(limit, sizeof(limit), "%d", CLI_WHERE_MAX);
			return cli_err(err, words[w].col, MSG_TOO_MANY_CONDS, limit, NULL);
		}
		memset(c, 0, sizeof(*c));
		c->col = c->flag = -1;
		if (words[w].quoted)
			return cli_err(err, words[w].col, MSG_END_EXPECTED, NULL, NULL);
		if (words[w].name) {
			/* prop=value or prop!=value (the tokenizer kept the '!' in the name) */
			len = strlen(name);
			if (len > 1 && name[len - 1] == '!') {
				c->negate = true;
				words[w].name[len - 1] = '\0';
			}
			c->col = cli_table_col_index(spec, name);
			if (c->col < 0)
				return cli_err(err, words[w].col, MSG_END_EXPECTED, NULL, NULL);
			c->value = words[w].value;
			if (spec->cols[c->col].kind == CLI_COL_BOOL)
				c->value = strcmp(c->value, "true") == 0 ? "yes" :
					   strcmp(c->value, "false") == 0 ? "no" : c->value;
		} else {
			/* flag or yes/no property: running, !disabled */
			if (name[0] == '!') {
				c->negate = true;
				name++;
			}
			c->flag = cli_table_flag_index(spec, name);
			if (c->flag < 0) {
				c->col = cli_table_col_index(spec, name);
				if (c->col < 0 || spec->cols[c->col].kind != CLI_COL_BOOL)
					return cli_err(err, words[w].col, MSG_END_EXPECTED, NULL, NULL);
				c->value = "yes";
			}
		}
		p->n_where++;
	}
	return 0;
}

static int add_arg(struct cli_parsed *p, const struct cli_arg_spec *spec, const char *value,
		   unsigned int col, struct cli_error *err)
{
	struct cli_arg *a;

	if (cli_args_find(&p->args, spec->name))
		return cli_err(err, col, MSG_DUPLICATE, spec->name, NULL);
	a = &p->args.a[p->args.n];
	memset(a, 0, sizeof(*a));
	a->spec = spec;
	a->str = value;
	a->column = col;
	if (value_parsers[spec->type](spec, value, &a->v, err))
		return -1;
	p->args.n++;
	return 0;
}

static int parse_args(struct cli_parsed *p, struct cli_word *words, unsigned int from,
		      unsigned int n_words, struct cli_error *err)
{
	const struct cli_command *cmd = p->cmd;
	char missing[CLI_ERR_MAX / 2];
	size_t used = 0;

	for (unsigned int w = from; w < n_words; w++) {
		const struct cli_arg_spec *spec;

		if (words[w].name) {
			spec = find_arg_spec(cmd, words[w].name);
			if (!spec || spec->type == CLI_ARG_FLAG)
				return cli_err(err, words[w].col, MSG_END_EXPECTED, NULL, NULL);
			if (add_arg(p, spec, words[w].value, words[w].col, err))
				return -1;
			continue;
		}
		if (cmd->fill && !words[w].quoted && strcmp(words[w].value, "where") == 0)
			return parse_where(p, words, w + 1, n_words, err);
		spec = words[w].quoted ? NULL : find_arg_spec(cmd, words[w].value);
		if (spec && spec->type == CLI_ARG_FLAG) {
			if (add_arg(p, spec, "", words[w].col, err))
				return -1;
			continue;
		}
		spec = unnamed_spec(cmd);
		if (!spec || cli_args_find(&p->args, spec->name))
			return cli_err(err, words[w].col, MSG_END_EXPECTED, NULL, NULL);
		if (add_arg(p, spec, words[w].value, words[w].col, err))
			return -1;
	}

	missing[0] = '\0';
	for (unsigned int i = 0; i < cmd->n_args; i++) {
		const char *name = cmd->args[i].name;
		int n;

		if (!(cmd->args[i].flags & CLI_ARG_REQUIRED) || cli_args_find(&p->args, name))
			continue;
		n = snprintf(missing + used, sizeof(missing) - used, "%s%s", used ? ", " : "", name);
		if (n > 0 && (size_t)n < sizeof(missing) - used)
			used += (size_t)n;
	}
	if (used)
		return cli_err(err, 0, MSG_MISSING, missing, NULL);
	return 0;
}

int cli_parse_line(const char *line, struct cli_parsed *p, struct cli_error *err)
{
	struct cli_word words[CLI_WORDS_MAX];
	unsigned int n_words = 0, next = 0;

	memset(p, 0, offsetof(struct cli_parsed, buf));
	err->msg[0] = '\0';
	if (lex_line(line, p->buf, sizeof(p->buf), words, &n_words, err))
		return -1;
	if (n_words == 0) {
		p->empty = true;
		return 0;
	}
	if (resolve_path(p, words, n_words, &next, strlen(line), err))
		return -1;
	if (parse_args(p, words, next, n_words, err))
		return -1;
	if (p->cmd->fill) {
		if (cli_args_find(&p->args, "detail"))
			p->form = CLI_FORM_DETAIL;
		if (cli_args_find(&p->args, "terse"))
			p->form = CLI_FORM_TERSE;
		p->count_only = cli_args_find(&p->args, "count-only") != NULL;
	}
	return 0;
}

/* ---- helpers for handlers ---- */

int cli_fail(struct cli_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx->err->msg, sizeof(ctx->err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int cli_commit(struct cli_ctx *ctx)
{
	struct cfg_errors errs;
	int rc = 0;

	cfg_errors_init(&errs);
	if (cp_config_commit(ctx->cp, &errs)) {
		rc = cli_fail(ctx, "failure: %s", errs.n ? errs.msg[0] : "configuration not saved");
		LOG_WARN(LOG_TOPIC_SYSTEM, "cli change refused: %s", ctx->err->msg);
	}
	cfg_errors_free(&errs);
	return rc;
}

int cli_items_resolve(const char *spec, unsigned int n,
		      const char *(*name_of)(unsigned int i, void *arg), void *arg,
		      unsigned int *idx, unsigned int max, struct cli_error *err)
{
	unsigned int count = 0;
	const char *p = spec;
	char limit[16];

	for (;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		long long found = -1;
		bool dup = false;

		if (len > 0 && p[0] == '*' && len > 1) {
			/* a JSON ".id" as printed by default: *<hex print number + 1> */
			char *e;
			unsigned long long id;

			errno = 0;
			id = strtoull(p + 1, &e, 16);
			if (!errno && e == p + len && isxdigit((unsigned char)p[1]) && id >= 1 && id <= n)
				found = (long long)id - 1;
		} else if (len > 0 && isdigit((unsigned char)p[0])) {
			char *e;
			unsigned long long v;

			errno = 0;
			v = strtoull(p, &e, 10);
			if (!errno && e == p + len && v < n)
				found = (long long)v;
		} else if (len > 0 && name_of) {
			for (unsigned int i = 0; i < n; i++) {
				const char *name = name_of(i, arg);

				if (name && strlen(name) == len && memcmp(name, p, len) == 0) {
					found = i;
					break;
				}
			}
		}
		if (found < 0)
			return cli_err(err, 0, MSG_NO_SUCH_ITEM, NULL, NULL);
		for (unsigned int i = 0; i < count; i++)
			dup |= idx[i] == (unsigned int)found;
		if (!dup) {
			if (count == max) {
				snprintf(limit, sizeof(limit), "%u", max);
				return cli_err(err, 0, MSG_TOO_MANY_ITEMS, limit, NULL);
			}
			idx[count++] = (unsigned int)found;
		}
		if (!end)
			return (int)count;
		p = end + 1;
	}
}

/* ---- running a line ---- */

static bool row_matches(const struct cli_table *t, unsigned int row, const struct cli_parsed *p)
{
	for (unsigned int i = 0; i < p->n_where; i++) {
		const struct cli_cond *c = &p->where[i];
		bool match;

		if (c->flag >= 0) {
			match = cli_table_row_flag(t, row, (unsigned int)c->flag);
		} else {
			const char *text = cli_table_cell(t, row, (unsigned int)c->col);

			match = strcmp(text ? text : "", c->value) == 0;
		}
		if (match == c->negate)
			return false;
	}
	return true;
}

static int run_print(struct cli_ctx *ctx, const struct cli_parsed *p, struct cli_reply *r)
{
	struct cli_table *t = cli_table_new(p->cmd->table);
	int rc = -1;

	if (!t) {
		cli_err(ctx->err, 0, MSG_NO_MEMORY, NULL, NULL);
		goto out;
	}
	if (p->cmd->fill(ctx, t))
		goto out;
	if (cli_table_broken(t)) {
		cli_err(ctx->err, 0, MSG_INTERNAL, p->path, NULL);
		LOG_ERR(LOG_TOPIC_SYSTEM, "cli print=%s filled a bad property or ran out of memory",
			p->path);
		goto out;
	}
	for (unsigned int row = 0; row < cli_table_row_count(t); row++)
		if (!row_matches(t, row, p))
			cli_table_hide_row(t, row);

	if (p->count_only) {
		if (ctx->json)
			r->data = json_integer(cli_table_visible_count(t));
		else
			cli_buf_printf(ctx->out, "%u\n", cli_table_visible_count(t));
	} else if (ctx->json) {
		r->data = cli_table_to_json(t);
	} else {
		cli_table_render(t, p->form, ctx->out);
	}
	if (ctx->out->oom || (ctx->json && !r->data)) {
		cli_err(ctx->err, 0, MSG_NO_MEMORY, NULL, NULL);
		goto out;
	}
	rc = 0;
out:
	cli_table_free(t);
	return rc;
}

void cli_execute(struct cp_context *cp, const char *line, bool json, struct cli_reply *r)
{
	struct cli_parsed *p = malloc(sizeof(*p));
	struct cli_error err = { .msg = "" };
	struct cli_buf out;
	struct cli_ctx ctx = { .cp = cp, .out = &out, .json = json, .err = &err };
	int rc = -1;

	memset(r, 0, sizeof(*r));
	cli_buf_init(&out);
	if (!p) {
		cli_err(&err, 0, MSG_NO_MEMORY, NULL, NULL);
		goto out;
	}
	if (cli_parse_line(line, p, &err))
		goto out;
	if (p->empty) {
		rc = 0;
		goto out;
	}
	ctx.args = &p->args;
	if (p->cmd->fill) {
		rc = run_print(&ctx, p, r);
		goto out;
	}
	rc = p->cmd->run(&ctx);
	if (rc == 0) {
		/* The path only: arguments may hold passwords. */
		LOG_INFO(LOG_TOPIC_SYSTEM, "cli change command=%s", p->path);
		if (json) {
			r->data = ctx.data ? ctx.data : json_object();
			ctx.data = NULL;
		}
	}
	if (out.oom) {
		cli_err(&err, 0, MSG_NO_MEMORY, NULL, NULL);
		rc = -1;
	}
out:
	if (ctx.data)
		json_decref(ctx.data);
	r->ok = rc == 0;
	if (r->ok) {
		r->output = cli_buf_take(&out);
	} else {
		json_decref(r->data);
		r->data = NULL;
		snprintf(r->error, sizeof(r->error), "%s", err.msg[0] ? err.msg : "failure");
	}
	cli_buf_free(&out);
	free(p);
}

void cli_reply_clear(struct cli_reply *r)
{
	free(r->output);
	json_decref(r->data);
	memset(r, 0, sizeof(*r));
}
