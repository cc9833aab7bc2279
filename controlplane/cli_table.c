/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RouterOS-style rendering of print results (see cli_table.h). The layouts
 * imitate RouterOS 7:
 *
 *   Flags: D - DYNAMIC; A - ACTIVE; c - CONNECT, s - STATIC
 *   Columns: DST-ADDRESS, GATEWAY, DISTANCE
 *   #     DST-ADDRESS      GATEWAY     DISTANCE
 *   0  As 0.0.0.0/0        192.0.2.254        1
 *   1 DAc 192.0.2.0/24     ether1             0
 *
 * and `detail`: `0 R name="ether1" mtu=1500 ...` wrapped at 80 columns with
 * continuation lines indented under the first property.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_table.h"

#define CLI_FLAGS_MAX 32          /* flags are a bit set per row */
#define CLI_BUF_MIN 256
#define CLI_COL_GAP "  "          /* between table columns */
#define CLI_HEADER_MAX 64         /* upper-cased property name */

/* ---- output buffer ---- */

void cli_buf_init(struct cli_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void cli_buf_free(struct cli_buf *b)
{
	free(b->data);
	cli_buf_init(b);
}

static bool cli_buf_reserve(struct cli_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (b->oom)
		return false;
	if (extra > SIZE_MAX / 2 - b->len)
		goto fail;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return true;
	cap = b->cap ? b->cap : CLI_BUF_MIN;
	while (cap < need)
		cap *= 2;
	p = realloc(b->data, cap);
	if (!p)
		goto fail;
	b->data = p;
	b->cap = cap;
	return true;
fail:
	b->oom = true;
	return false;
}

void cli_buf_append(struct cli_buf *b, const char *s, size_t n)
{
	if (!cli_buf_reserve(b, n))
		return;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void cli_buf_puts(struct cli_buf *b, const char *s)
{
	cli_buf_append(b, s, strlen(s));
}

void cli_buf_printf(struct cli_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->oom = true;
		return;
	}
	if (!cli_buf_reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

static void cli_buf_spaces(struct cli_buf *b, size_t n)
{
	if (!cli_buf_reserve(b, n))
		return;
	memset(b->data + b->len, ' ', n);
	b->len += n;
	b->data[b->len] = '\0';
}

/* Drop trailing spaces of the line being built, then end it. */
static void cli_buf_endline(struct cli_buf *b)
{
	while (b->len > 0 && b->data[b->len - 1] == ' ')
		b->len--;
	if (b->data)
		b->data[b->len] = '\0';
	cli_buf_append(b, "\n", 1);
}

char *cli_buf_take(struct cli_buf *b)
{
	char *s = NULL;

	if (!b->oom && b->len > 0) {
		s = b->data;
		b->data = NULL;
	}
	cli_buf_free(b);
	return s;
}

/* ---- text helpers ---- */

/* Length of a valid UTF-8 sequence at s (RFC 3629 table), 0 if invalid. */
static size_t utf8_seq_len(const unsigned char *s)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;      /* overlong */
	else if (c == 0xed)
		hi = 0x9f;      /* surrogates */
	else if (c == 0xf0)
		lo = 0x90;      /* overlong */
	else if (c == 0xf4)
		hi = 0x8f;      /* above U+10FFFF */
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

static void sanitize(char *s, bool controls)
{
	unsigned char *p = (unsigned char *)s;

	while (*p) {
		size_t n;

		if (controls && (*p < 0x20 || *p == 0x7f)) {
			*p++ = '?';
			continue;
		}
		n = utf8_seq_len(p);
		if (n == 0) {
			*p++ = '?';
			continue;
		}
		p += n;
	}
}

void cli_text_sanitize(char *s)
{
	sanitize(s, true);
}

void cli_utf8_sanitize(char *s)
{
	sanitize(s, false);
}

/* Characters on screen (UTF-8 continuation bytes take no column). */
static size_t text_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

void cli_format_duration(uint64_t seconds, char *buf, size_t len)
{
	static const struct {
		uint64_t secs;
		char unit;
	} units[] = {
		{ 7 * 86400, 'w' }, { 86400, 'd' }, { 3600, 'h' }, { 60, 'm' }, { 1, 's' },
	};
	size_t off = 0;

	if (len == 0)
		return;
	buf[0] = '\0';
	if (seconds == 0) {
		snprintf(buf, len, "0s");
		return;
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]) && off < len; i++) {
		uint64_t n = seconds / units[i].secs;
		int w;

		if (n == 0)
			continue;
		seconds -= n * units[i].secs;
		w = snprintf(buf + off, len - off, "%" PRIu64 "%c", n, units[i].unit);
		if (w < 0)
			break;
		off += (size_t)w;
	}
}

void cli_format_bytes(uint64_t bytes, char *buf, size_t len)
{
	static const uint64_t kib = 1024, mib = 1024 * 1024, gib = 1024ull * 1024 * 1024;

	if (bytes < mib)
		snprintf(buf, len, "%.1fKiB", (double)bytes / (double)kib);
	else if (bytes < gib)
		snprintf(buf, len, "%.1fMiB", (double)bytes / (double)mib);
	else
		snprintf(buf, len, "%.1fGiB", (double)bytes / (double)gib);
}

/* ---- the table ---- */

struct cli_cell {
	char *text;          /* as printed; NULL = unset */
	int64_t num;
	bool has_num;
};

struct cli_row {
	struct cli_cell *cells;  /* spec->n_cols */
	uint32_t flags;          /* bit i = spec->flags[i] */
	uint32_t id;
	bool hidden;
};

struct cli_table {
	const struct cli_table_spec *spec;
	struct cli_row *rows;
	unsigned int n_rows;
	unsigned int cap_rows;
	bool broken;
};

struct cli_table *cli_table_new(const struct cli_table_spec *spec)
{
	struct cli_table *t;

	if (!spec || spec->n_flags > CLI_FLAGS_MAX)
		return NULL;
	t = calloc(1, sizeof(*t));
	if (t)
		t->spec = spec;
	return t;
}

void cli_table_free(struct cli_table *t)
{
	if (!t)
		return;
	for (unsigned int r = 0; r < t->n_rows; r++) {
		for (unsigned int c = 0; c < t->spec->n_cols; c++)
			free(t->rows[r].cells[c].text);
		free(t->rows[r].cells);
	}
	free(t->rows);
	free(t);
}

const struct cli_table_spec *cli_table_spec(const struct cli_table *t)
{
	return t->spec;
}

int cli_table_add_row(struct cli_table *t)
{
	struct cli_row *row;

	if (t->n_rows == t->cap_rows) {
		unsigned int cap = t->cap_rows ? t->cap_rows * 2 : 8;
		struct cli_row *rows;

		if (cap < t->cap_rows)
			goto fail;
		rows = realloc(t->rows, (size_t)cap * sizeof(*rows));
		if (!rows)
			goto fail;
		t->rows = rows;
		t->cap_rows = cap;
	}
	row = &t->rows[t->n_rows];
	memset(row, 0, sizeof(*row));
	row->cells = calloc(t->spec->n_cols ? t->spec->n_cols : 1, sizeof(*row->cells));
	if (!row->cells)
		goto fail;
	row->id = t->n_rows + 1;
	return (int)t->n_rows++;
fail:
	t->broken = true;
	return -1;
}

static struct cli_row *current_row(struct cli_table *t)
{
	if (t->n_rows == 0) {
		t->broken = true;
		return NULL;
	}
	return &t->rows[t->n_rows - 1];
}

int cli_table_set_id(struct cli_table *t, uint32_t id)
{
	struct cli_row *row = current_row(t);

	if (!row)
		return -1;
	row->id = id;
	return 0;
}

int cli_table_col_index(const struct cli_table_spec *spec, const char *name)
{
	for (unsigned int i = 0; i < spec->n_cols; i++)
		if (strcmp(spec->cols[i].name, name) == 0)
			return (int)i;
	return -1;
}

static void lower_copy(char *dst, size_t len, const char *src)
{
	size_t i;

	for (i = 0; src[i] && i + 1 < len; i++)
		dst[i] = (char)tolower((unsigned char)src[i]);
	dst[i] = '\0';
}

int cli_table_flag_index(const struct cli_table_spec *spec, const char *name)
{
	char key[CLI_HEADER_MAX];

	for (unsigned int i = 0; i < spec->n_flags; i++) {
		lower_copy(key, sizeof(key), spec->flags[i].name);
		if (strcmp(key, name) == 0)
			return (int)i;
	}
	return -1;
}

/* Store text (copied, cut to CLI_CELL_MAX, cleaned) in a cell of the current row. */
static struct cli_cell *cell_store(struct cli_table *t, const char *col, const char *text)
{
	struct cli_row *row = current_row(t);
	struct cli_cell *cell;
	size_t n;
	char *copy;
	int c;

	if (!row)
		return NULL;
	c = cli_table_col_index(t->spec, col);
	if (c < 0)
		goto fail;
	n = strnlen(text, CLI_CELL_MAX);
	copy = malloc(n + 1);
	if (!copy)
		goto fail;
	memcpy(copy, text, n);
	copy[n] = '\0';
	cli_text_sanitize(copy);
	cell = &row->cells[c];
	free(cell->text);
	cell->text = copy;
	cell->has_num = false;
	return cell;
fail:
	t->broken = true;
	return NULL;
}

int cli_table_set(struct cli_table *t, const char *col, const char *value)
{
	return cell_store(t, col, value ? value : "") ? 0 : -1;
}

int cli_table_setf(struct cli_table *t, const char *col, const char *fmt, ...)
{
	char text[CLI_CELL_MAX + 1];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	return cli_table_set(t, col, text);
}

int cli_table_set_num(struct cli_table *t, const char *col, int64_t v)
{
	char text[64];
	struct cli_cell *cell;
	int c = cli_table_col_index(t->spec, col);

	if (c < 0) {
		t->broken = true;
		return -1;
	}
	switch (t->spec->cols[c].kind) {
	case CLI_COL_BYTES:
		cli_format_bytes(v < 0 ? 0 : (uint64_t)v, text, sizeof(text));
		break;
	case CLI_COL_DURATION:
		cli_format_duration(v < 0 ? 0 : (uint64_t)v, text, sizeof(text));
		break;
	case CLI_COL_BOOL:
		snprintf(text, sizeof(text), "%s", v ? "yes" : "no");
		break;
	case CLI_COL_PERCENT:
		snprintf(text, sizeof(text), "%" PRId64 "%%", v);
		break;
	case CLI_COL_STR:
	case CLI_COL_WORD:
	case CLI_COL_NUM:
		snprintf(text, sizeof(text), "%" PRId64, v);
		break;
	}
	cell = cell_store(t, col, text);
	if (!cell)
		return -1;
	cell->num = v;
	cell->has_num = true;
	return 0;
}

int cli_table_set_bool(struct cli_table *t, const char *col, bool v)
{
	return cli_table_set_num(t, col, v ? 1 : 0);
}

int cli_table_set_flag(struct cli_table *t, char letter)
{
	struct cli_row *row = current_row(t);

	if (!row)
		return -1;
	for (unsigned int i = 0; i < t->spec->n_flags; i++) {
		if (t->spec->flags[i].letter == letter) {
			row->flags |= 1u << i;
			return 0;
		}
	}
	t->broken = true;
	return -1;
}

bool cli_table_broken(const struct cli_table *t)
{
	return t->broken;
}

unsigned int cli_table_row_count(const struct cli_table *t)
{
	return t->n_rows;
}

const char *cli_table_cell(const struct cli_table *t, unsigned int row, unsigned int col)
{
	if (row >= t->n_rows || col >= t->spec->n_cols)
		return NULL;
	return t->rows[row].cells[col].text;
}

bool cli_table_row_flag(const struct cli_table *t, unsigned int row, unsigned int flag)
{
	if (row >= t->n_rows || flag >= t->spec->n_flags)
		return false;
	return (t->rows[row].flags >> flag) & 1u;
}

void cli_table_hide_row(struct cli_table *t, unsigned int row)
{
	if (row < t->n_rows)
		t->rows[row].hidden = true;
}

unsigned int cli_table_visible_count(const struct cli_table *t)
{
	unsigned int n = 0;

	for (unsigned int r = 0; r < t->n_rows; r++)
		n += !t->rows[r].hidden;
	return n;
}

/* ---- text rendering ---- */

static bool flag_listed(const struct cli_table *t, unsigned int f)
{
	if (!t->spec->flags[f].hide_unused)
		return true;
	for (unsigned int r = 0; r < t->n_rows; r++)
		if (!t->rows[r].hidden && (t->rows[r].flags >> f) & 1u)
			return true;
	return false;
}

/* "Flags: D - DYNAMIC; A - ACTIVE; c - CONNECT, s - STATIC" */
static void render_flags_line(const struct cli_table *t, struct cli_buf *out)
{
	bool any = false;
	unsigned int group = 0;

	for (unsigned int f = 0; f < t->spec->n_flags; f++) {
		const struct cli_flag *fl = &t->spec->flags[f];

		if (!flag_listed(t, f))
			continue;
		if (!any)
			cli_buf_puts(out, "Flags: ");
		else
			cli_buf_puts(out, fl->group == group ? ", " : "; ");
		cli_buf_printf(out, "%c - %s", fl->letter, fl->name);
		group = fl->group;
		any = true;
	}
	if (any)
		cli_buf_endline(out);
}

/* The row's flag letters in spec order: "DAc". */
static void row_flag_letters(const struct cli_table *t, const struct cli_row *row,
			     char *buf, size_t len)
{
	size_t n = 0;

	for (unsigned int f = 0; f < t->spec->n_flags && n + 1 < len; f++)
		if ((row->flags >> f) & 1u)
			buf[n++] = t->spec->flags[f].letter;
	buf[n] = '\0';
}

static unsigned int digits(unsigned int v)
{
	unsigned int d = 1;

	while (v >= 10) {
		v /= 10;
		d++;
	}
	return d;
}

/* Width of the `#` column and of the flags column over the visible rows. */
static void prefix_widths(const struct cli_table *t, size_t *idxw, size_t *flagw)
{
	char letters[CLI_FLAGS_MAX + 1];

	*idxw = 1;
	*flagw = 0;
	for (unsigned int r = 0; r < t->n_rows; r++) {
		size_t n;

		if (t->rows[r].hidden)
			continue;
		if (digits(r) > *idxw)
			*idxw = digits(r);
		row_flag_letters(t, &t->rows[r], letters, sizeof(letters));
		n = strlen(letters);
		if (n > *flagw)
			*flagw = n;
	}
}

/* "  0 DR " : the print number right-aligned, then the flags right-aligned. */
static size_t render_prefix(const struct cli_table *t, unsigned int r, size_t idxw,
			    size_t flagw, struct cli_buf *out)
{
	char letters[CLI_FLAGS_MAX + 1];

	cli_buf_printf(out, "%*u ", (int)idxw, r);
	if (flagw == 0)
		return idxw + 1;
	row_flag_letters(t, &t->rows[r], letters, sizeof(letters));
	cli_buf_printf(out, "%*s ", (int)flagw, letters);
	return idxw + 1 + flagw + 1;
}

static void header_of(const char *name, char *buf, size_t len)
{
	size_t i;

	for (i = 0; name[i] && i + 1 < len; i++)
		buf[i] = (char)toupper((unsigned char)name[i]);
	buf[i] = '\0';
}

static bool col_in_table(const struct cli_column *c)
{
	return !(c->flags & CLI_COL_DETAIL_ONLY);
}

static void render_table(const struct cli_table *t, struct cli_buf *out)
{
	const struct cli_table_spec *s = t->spec;
	char header[CLI_HEADER_MAX];
	size_t idxw, flagw, *w = NULL;
	bool first;

	render_flags_line(t, out);
	first = true;
	for (unsigned int c = 0; c < s->n_cols; c++) {
		if (!col_in_table(&s->cols[c]))
			continue;
		header_of(s->cols[c].name, header, sizeof(header));
		cli_buf_printf(out, "%s%s", first ? "Columns: " : ", ", header);
		first = false;
	}
	if (!first)
		cli_buf_endline(out);
	if (cli_table_visible_count(t) == 0)
		return;

	w = calloc(s->n_cols ? s->n_cols : 1, sizeof(*w));
	if (!w) {
		out->oom = true;
		return;
	}
	for (unsigned int c = 0; c < s->n_cols; c++) {
		header_of(s->cols[c].name, header, sizeof(header));
		w[c] = text_width(header);
		for (unsigned int r = 0; r < t->n_rows; r++) {
			const char *text = t->rows[r].cells[c].text;

			if (!t->rows[r].hidden && text && text_width(text) > w[c])
				w[c] = text_width(text);
		}
	}
	prefix_widths(t, &idxw, &flagw);

	cli_buf_printf(out, "%-*s ", (int)idxw, "#");
	if (flagw)
		cli_buf_spaces(out, flagw + 1);
	first = true;
	for (unsigned int c = 0; c < s->n_cols; c++) {
		size_t hw;

		if (!col_in_table(&s->cols[c]))
			continue;
		header_of(s->cols[c].name, header, sizeof(header));
		hw = text_width(header);
		if (!first)
			cli_buf_puts(out, CLI_COL_GAP);
		if (s->cols[c].kind == CLI_COL_NUM)
			cli_buf_spaces(out, w[c] - hw);
		cli_buf_puts(out, header);
		if (s->cols[c].kind != CLI_COL_NUM)
			cli_buf_spaces(out, w[c] - hw);
		first = false;
	}
	cli_buf_endline(out);

	for (unsigned int r = 0; r < t->n_rows; r++) {
		if (t->rows[r].hidden)
			continue;
		render_prefix(t, r, idxw, flagw, out);
		first = true;
		for (unsigned int c = 0; c < s->n_cols; c++) {
			const char *text = t->rows[r].cells[c].text;
			size_t tw;

			if (!col_in_table(&s->cols[c]))
				continue;
			if (!text)
				text = "";
			tw = text_width(text);
			if (!first)
				cli_buf_puts(out, CLI_COL_GAP);
			if (s->cols[c].kind == CLI_COL_NUM)
				cli_buf_spaces(out, w[c] - tw);
			cli_buf_puts(out, text);
			if (s->cols[c].kind != CLI_COL_NUM)
				cli_buf_spaces(out, w[c] - tw);
			first = false;
		}
		cli_buf_endline(out);
	}
	free(w);
}

/* name=value with RouterOS quoting: free text in double quotes, \ and " escaped. */
static void format_pair(const struct cli_column *c, const char *text, struct cli_buf *pair)
{
	pair->len = 0;
	if (pair->data)
		pair->data[0] = '\0';
	cli_buf_printf(pair, "%s=", c->name);
	if (c->kind != CLI_COL_STR && text[0] != '\0') {
		cli_buf_puts(pair, text);
		return;
	}
	cli_buf_append(pair, "\"", 1);
	for (const char *p = text; *p; p++) {
		if (*p == '"' || *p == '\\')
			cli_buf_append(pair, "\\", 1);
		cli_buf_append(pair, p, 1);
	}
	cli_buf_append(pair, "\"", 1);
}

/* One entry as name=value pairs after its prefix; wrap > 0 wraps at that width. */
static void render_pairs(const struct cli_table *t, unsigned int r, size_t prefixw,
			 size_t wrap, struct cli_buf *out)
{
	const struct cli_table_spec *s = t->spec;
	struct cli_buf pair;
	size_t linew = prefixw;
	bool first = true;

	cli_buf_init(&pair);
	for (unsigned int c = 0; c < s->n_cols; c++) {
		const char *text = t->rows[r].cells[c].text;
		size_t pw;

		if (!text)
			continue;
		format_pair(&s->cols[c], text, &pair);
		if (pair.oom) {
			out->oom = true;
			break;
		}
		pw = text_width(pair.data);
		if (!first && wrap && linew + 1 + pw > wrap) {
			cli_buf_endline(out);
			cli_buf_spaces(out, prefixw);
			linew = prefixw;
		} else if (!first) {
			cli_buf_append(out, " ", 1);
			linew++;
		}
		cli_buf_append(out, pair.data, pair.len);
		linew += pw;
		first = false;
	}
	cli_buf_free(&pair);
	cli_buf_endline(out);
}

static void render_list_pairs(const struct cli_table *t, enum cli_form form, struct cli_buf *out)
{
	size_t idxw, flagw, prefixw;
	bool first = true;

	if (form != CLI_FORM_TERSE)
		render_flags_line(t, out);
	prefix_widths(t, &idxw, &flagw);
	for (unsigned int r = 0; r < t->n_rows; r++) {
		if (t->rows[r].hidden)
			continue;
		if (form != CLI_FORM_TERSE && !first)
			cli_buf_append(out, "\n", 1);
		prefixw = render_prefix(t, r, idxw, flagw, out);
		render_pairs(t, r, prefixw,
			     form == CLI_FORM_TERSE || t->spec->detail_one_line ? 0 : CLI_DETAIL_WIDTH,
			     out);
		first = false;
	}
}

/* "   uptime: 1h2m3s" -- names right-aligned like RouterOS's single-entry menus. */
static void render_object(const struct cli_table *t, enum cli_form form, struct cli_buf *out)
{
	const struct cli_table_spec *s = t->spec;
	bool first = true;

	for (unsigned int r = 0; r < t->n_rows; r++) {
		size_t namew = 0;

		if (t->rows[r].hidden)
			continue;
		if (form == CLI_FORM_TERSE) {
			render_pairs(t, r, 0, 0, out);
			continue;
		}
		if (!first)
			cli_buf_append(out, "\n", 1);
		first = false;
		for (unsigned int c = 0; c < s->n_cols; c++)
			if (t->rows[r].cells[c].text && strlen(s->cols[c].name) > namew)
				namew = strlen(s->cols[c].name);
		for (unsigned int c = 0; c < s->n_cols; c++) {
			const char *text = t->rows[r].cells[c].text;

			if (!text)
				continue;
			cli_buf_printf(out, "%*s: %s", (int)namew, s->cols[c].name, text);
			cli_buf_endline(out);
		}
	}
}

/* "12:00:01 system,info router started": set cells joined by a space. */
static void render_lines(const struct cli_table *t, struct cli_buf *out)
{
	const struct cli_table_spec *s = t->spec;

	for (unsigned int r = 0; r < t->n_rows; r++) {
		bool first = true;

		if (t->rows[r].hidden)
			continue;
		for (unsigned int c = 0; c < s->n_cols; c++) {
			const char *text = t->rows[r].cells[c].text;

			if (!text || !col_in_table(&s->cols[c]))
				continue;
			if (!first)
				cli_buf_append(out, " ", 1);
			cli_buf_puts(out, text);
			first = false;
		}
		cli_buf_endline(out);
	}
}

int cli_table_render(const struct cli_table *t, enum cli_form form, struct cli_buf *out)
{
	switch (t->spec->layout) {
	case CLI_LAYOUT_TABLE:
		if (form == CLI_FORM_DEFAULT)
			render_table(t, out);
		else
			render_list_pairs(t, form, out);
		break;
	case CLI_LAYOUT_DETAIL:
		render_list_pairs(t, form, out);
		break;
	case CLI_LAYOUT_OBJECT:
		render_object(t, form, out);
		break;
	case CLI_LAYOUT_LINES:
		if (form == CLI_FORM_DEFAULT)
			render_lines(t, out);
		else
			render_list_pairs(t, form, out);
		break;
	}
	return out->oom ? -1 : 0;
}

/* ---- JSON ---- */

static json_t *cell_json(const struct cli_column *c, const struct cli_cell *cell)
{
	if (cell->has_num) {
		switch (c->kind) {
		case CLI_COL_NUM:
		case CLI_COL_BYTES:
		case CLI_COL_PERCENT:
			return json_integer(cell->num);
		case CLI_COL_BOOL:
			return json_boolean(cell->num != 0);
		case CLI_COL_STR:
		case CLI_COL_WORD:
		case CLI_COL_DURATION:
			break;
		}
	}
	if (c->kind == CLI_COL_BOOL && strcmp(cell->text, "yes") == 0)
		return json_true();
	if (c->kind == CLI_COL_BOOL && strcmp(cell->text, "no") == 0)
		return json_false();
	return json_string(cell->text);   /* text was sanitised: valid UTF-8 */
}

static json_t *row_json(const struct cli_table *t, unsigned int r, bool with_id)
{
	const struct cli_table_spec *s = t->spec;
	const struct cli_row *row = &t->rows[r];
	json_t *obj = json_object();
	char key[CLI_HEADER_MAX];

	if (!obj)
		return NULL;
	if (with_id) {
		snprintf(key, sizeof(key), "*%" PRIX32, row->id);
		if (json_object_set_new(obj, ".id", json_string(key)))
			goto fail;
	}
	for (unsigned int c = 0; c < s->n_cols; c++) {
		if (!row->cells[c].text)
			continue;
		if (json_object_set_new(obj, s->cols[c].name, cell_json(&s->cols[c], &row->cells[c])))
			goto fail;
	}
	for (unsigned int f = 0; f < s->n_flags; f++) {
		lower_copy(key, sizeof(key), s->flags[f].name);
		if (json_object_set_new(obj, key, json_boolean((row->flags >> f) & 1u)))
			goto fail;
	}
	return obj;
fail:
	json_decref(obj);
	return NULL;
}

json_t *cli_table_to_json(const struct cli_table *t)
{
	json_t *arr;

	if (t->spec->layout == CLI_LAYOUT_OBJECT) {
		for (unsigned int r = 0; r < t->n_rows; r++)
			if (!t->rows[r].hidden)
				return row_json(t, r, false);
		return json_object();
	}
	arr = json_array();
	if (!arr)
		return NULL;
	for (unsigned int r = 0; r < t->n_rows; r++) {
		if (t->rows[r].hidden)
			continue;
		if (json_array_append_new(arr, row_json(t, r, true))) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}
