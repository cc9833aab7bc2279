/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a `print` produces: a generic table (rows of property values plus
 * flags) that this module renders the way RouterOS 7 prints it -- the default
 * table with its "Flags:" and "Columns:" lines and the `#` column, the
 * `detail` and `terse` forms -- or as JSON for `pptpgw-cli --json`.
 *
 * A print handler fills rows; it never formats text itself, so every print
 * gets every form (and `where`, `count-only`) for free.
 *
 * Also the growable output buffer the command layer writes into.
 */
#ifndef PPTPGW_CLI_TABLE_H
#define PPTPGW_CLI_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* ---- output buffer ---- */

/* Text output; grows on the heap. After an allocation failure it stays
 * failed (oom) and drops further writes, so callers check once at the end. */
struct cli_buf {
	char *data;     /* NUL-terminated when len > 0 */
	size_t len;
	size_t cap;
	bool oom;
};

void cli_buf_init(struct cli_buf *b);
void cli_buf_free(struct cli_buf *b);
void cli_buf_append(struct cli_buf *b, const char *s, size_t n);
void cli_buf_puts(struct cli_buf *b, const char *s);
void cli_buf_printf(struct cli_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Hand the text over (caller frees); the buffer is empty afterwards. NULL if empty or oom. */
char *cli_buf_take(struct cli_buf *b);

/* ---- table definition (static data in each cli_cmds_*.c) ---- */

enum cli_col_kind {
	CLI_COL_STR,      /* free text (names, passwords): quoted in detail/terse; JSON string */
	CLI_COL_WORD,     /* enum words, addresses, lists, references: bare; JSON string */
	CLI_COL_NUM,      /* integer: right-aligned in tables; JSON number */
	CLI_COL_BOOL,     /* yes / no; JSON true / false */
	CLI_COL_BYTES,    /* byte count: "1024.0MiB" in text; JSON number of bytes */
	CLI_COL_DURATION, /* seconds: "1h2m3s" in text and JSON */
	CLI_COL_PERCENT,  /* "12%" in text; JSON number */
};

/* struct cli_column.flags */
#define CLI_COL_DETAIL_ONLY (1u << 0)  /* not one of the default table's columns */

struct cli_column {
	const char *name;        /* RouterOS property name, "mac-address"; header is its upper case */
	enum cli_col_kind kind;
	unsigned int flags;      /* CLI_COL_* */
};

struct cli_flag {
	char letter;             /* 'R' */
	const char *name;        /* printed after the letter: "RUNNING"; JSON key is its lower case */
	uint8_t group;           /* flags of one group are joined with ", " (c - CONNECT, s - STATIC),
				    groups with "; " */
	bool hide_unused;        /* listed in the Flags line only when some row has it */
};

enum cli_layout {
	CLI_LAYOUT_TABLE,   /* Flags + Columns lines, `#` header, aligned rows (RouterOS 7 default) */
	CLI_LAYOUT_DETAIL,  /* a list that prints as `detail` by default (/interface/pptp-client) */
	CLI_LAYOUT_OBJECT,  /* one entry as right-aligned "name: value" lines (/system/resource) */
	CLI_LAYOUT_LINES,   /* set cells joined by a space, no header, no index (/log) */
};

struct cli_table_spec {
	enum cli_layout layout;
	const struct cli_flag *flags;
	unsigned int n_flags;
	const struct cli_column *cols;
	unsigned int n_cols;
	/*
	 * Detail form: one line per entry whatever its length, no wrapping at
	 * CLI_DETAIL_WIDTH (/interface/pptp-client: the seed's print line).
	 */
	bool detail_one_line;
};

enum cli_form {
	CLI_FORM_DEFAULT,
	CLI_FORM_DETAIL,
	CLI_FORM_TERSE,
};

/* Text wider than this wraps in the detail form (RouterOS's default terminal width). */
#define CLI_DETAIL_WIDTH 80

/* Bounds: an over-long cell is cut (never an error). */
#define CLI_CELL_MAX 1024

/* ---- filling a table (print handlers) ---- */

struct cli_table;

struct cli_table *cli_table_new(const struct cli_table_spec *spec);
void cli_table_free(struct cli_table *t);
const struct cli_table_spec *cli_table_spec(const struct cli_table *t);

/*
 * Start a new row; the setters below act on it. Its print number (`#`) is its
 * position, its JSON ".id" is "*<hex position+1>" unless cli_table_set_id()
 * gives a stable one. Returns the row index, or -1 when out of memory.
 */
int cli_table_add_row(struct cli_table *t);
int cli_table_set_id(struct cli_table *t, uint32_t id);

/*
 * Set a property of the current row by its RouterOS name. Returns -1 for a
 * name that is not in the spec (a programming error: also marks the table
 * broken, which fails the print) or when out of memory.
 * Text is cleaned: invalid UTF-8 and control characters become '?'.
 */
int cli_table_set(struct cli_table *t, const char *col, const char *value);
int cli_table_setf(struct cli_table *t, const char *col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* For CLI_COL_NUM, BYTES, DURATION, PERCENT (and BOOL: 0/1). */
int cli_table_set_num(struct cli_table *t, const char *col, int64_t v);
int cli_table_set_bool(struct cli_table *t, const char *col, bool v);
/* Set a flag of the current row by letter. */
int cli_table_set_flag(struct cli_table *t, char letter);

/* True when a setter failed (unknown property, out of memory). */
bool cli_table_broken(const struct cli_table *t);

/* ---- reading back (where-filters, tests) ---- */

unsigned int cli_table_row_count(const struct cli_table *t);
int cli_table_col_index(const struct cli_table_spec *spec, const char *name);
/* Flag index by its JSON name ("running", "dynamic"), -1 if none. */
int cli_table_flag_index(const struct cli_table_spec *spec, const char *name);
/* Cell text as printed, NULL when unset. */
const char *cli_table_cell(const struct cli_table *t, unsigned int row, unsigned int col);
bool cli_table_row_flag(const struct cli_table *t, unsigned int row, unsigned int flag);
/* Hidden rows are skipped by every renderer but keep their print number. */
void cli_table_hide_row(struct cli_table *t, unsigned int row);
unsigned int cli_table_visible_count(const struct cli_table *t);

/* ---- rendering ---- */

/* RouterOS text for the given form. Returns -1 when out of memory. */
int cli_table_render(const struct cli_table *t, enum cli_form form, struct cli_buf *out);
/*
 * JSON: an array of objects (an object for CLI_LAYOUT_OBJECT) keyed by
 * RouterOS property names, with ".id" and every flag as a boolean.
 * NULL when out of memory.
 */
json_t *cli_table_to_json(const struct cli_table *t);

/* RouterOS duration "1w2d3h4m5s" ("0s" for zero). */
void cli_format_duration(uint64_t seconds, char *buf, size_t len);
/* RouterOS memory size: "1024.0MiB", "512.0KiB", "3.8GiB". */
void cli_format_bytes(uint64_t bytes, char *buf, size_t len);
/* Replace invalid UTF-8 and control characters with '?', in place. */
void cli_text_sanitize(char *s);
/* Replace invalid UTF-8 with '?' (keeps newlines), in place: before JSON. */
void cli_utf8_sanitize(char *s);

#endif /* PPTPGW_CLI_TABLE_H */
