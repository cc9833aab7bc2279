/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The loader's schema walk: JSON tree -> struct pg_config.
 *
 * The schema is a set of tables, one per JSON object, each row naming a
 * RouterOS key, the member it fills and the parser for its value. One engine
 * walks the tables: unknown keys, wrong types, bad values and missing
 * required keys are all reported with their JSON path, and parsing goes on so
 * that one run shows every error. A bad value leaves the default in place.
 * Cross-references (profiles, pools, interfaces, lcores) are checked
 * afterwards by config_check.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "config.h"
#include "config_priv.h"

#define KEY_SHOW_MAX      48    /* bytes of an unknown key quoted in a path */
#define MS_PER_S          1000

/* ------------------------------------------------------- message helpers */

/* A JSON value as the user wrote it, for "VALUE is not ..." messages. */
static void describe(const json_t *v, char *buf, size_t len)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		cfg_quote(json_string_value(v), json_string_length(v), buf, len);
		break;
	case JSON_INTEGER:
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		snprintf(buf, len, "%.15g", json_real_value(v));
		break;
	case JSON_TRUE:
		snprintf(buf, len, "true");
		break;
	case JSON_FALSE:
		snprintf(buf, len, "false");
		break;
	case JSON_NULL:
		snprintf(buf, len, "null");
		break;
	case JSON_ARRAY:
		snprintf(buf, len, json_array_size(v) ? "[...]" : "[]");
		break;
	case JSON_OBJECT:
		snprintf(buf, len, json_object_size(v) ? "{...}" : "{}");
		break;
	}
}

static const char *json_kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "object";
	case JSON_ARRAY: return "array";
	case JSON_STRING: return "string";
	case JSON_INTEGER: return "number";
	case JSON_REAL: return "number";
	case JSON_TRUE: return "boolean";
	case JSON_FALSE: return "boolean";
	case JSON_NULL: return "null";
	}
	return "?";
}

static bool has_control_char(const char *s)
{
	for (; *s; s++)
		if (cfg_is_control((unsigned char)*s))
			return true;
	return false;
}

/* ------------------------------------------------------------------ parser */

struct cfg_parser {
	struct cfg_errors *err;
	unsigned int n_errors;
	bool oom;
	char path[PATH_TEXT_MAX];
	size_t path_len;
	/* JSON index of each ppp_profile entry (built-ins move to the front). */
	uint32_t *profile_src;
	/* A bad value here keeps the default, which later checks must not blame. */
	bool lcores_failed, workers_failed;
};

static void perr(struct cfg_parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void perr(struct cfg_parser *p, const char *fmt, ...)
{
	char msg[MSG_TEXT_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->n_errors++;
	cfg_errors_add(p->err, "%s: %s", p->path_len ? p->path : "top level", msg);
}

static void poom(struct cfg_parser *p)
{
	if (!p->oom)
		perr(p, "out of memory");
	p->oom = true;
}

static size_t path_append(struct cfg_parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static size_t path_append(struct cfg_parser *p, const char *fmt, ...)
{
	size_t saved = p->path_len;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(p->path + p->path_len, sizeof(p->path) - p->path_len, fmt, ap);
	va_end(ap);
	if (n > 0)
		p->path_len += (size_t)n;
	if (p->path_len >= sizeof(p->path))
		p->path_len = sizeof(p->path) - 1;
	return saved;
}

/* Keys come from the user: control characters become '?' and long ones are cut. */
static size_t path_key(struct cfg_parser *p, const char *key)
{
	char shown[KEY_SHOW_MAX + sizeof("...")];
	size_t n = strlen(key), i;
	bool cut = n > KEY_SHOW_MAX;

	if (cut)
		n = cfg_utf8_cut(key, KEY_SHOW_MAX);
	for (i = 0; i < n; i++)
		shown[i] = cfg_is_control((unsigned char)key[i]) ? '?' : key[i];
	shown[i] = '\0';
	return path_append(p, "%s%s%s", p->path_len ? "." : "", shown, cut ? "..." : "");
}

static size_t path_index(struct cfg_parser *p, size_t i)
{
	return path_append(p, "[%zu]", i);
}

static void path_pop(struct cfg_parser *p, size_t saved)
{
	p->path_len = saved;
	p->path[saved] = '\0';
}

static void type_error(struct cfg_parser *p, const char *expected, const json_t *v)
{
	perr(p, "expected %s, got %s", expected, json_kind(v));
}

static void value_error(struct cfg_parser *p, const json_t *v, const char *what)
{
	char shown[VALUE_SHOW_MAX * 2];

	describe(v, shown, sizeof(shown));
	perr(p, "%s %s", shown, what);
}

static void string_error(struct cfg_parser *p, const char *s, const char *what)
{
	char shown[VALUE_SHOW_MAX * 2];

	cfg_quote_str(s, shown, sizeof(shown));
	perr(p, "%s %s", shown, what);
}

/* ---- schema ---- */

struct cfg_field;
struct cfg_schema;
typedef void cfg_field_fn(struct cfg_parser *p, const struct cfg_field *f, json_t *v, char *base);

enum {
	FIELD_REQUIRED = 1u << 0,  /* missing key is an error */
	FIELD_NONEMPTY = 1u << 1,  /* "" is an error */
	FIELD_NAME     = 1u << 2,  /* a name: non-empty, no control characters */
};

struct cfg_field {
	const char *key;
	cfg_field_fn *parse;
	size_t off;                 /* member offset from the object's base */
	size_t size;                /* member size */
	size_t count_off;           /* lists: offset of the unsigned int count */
	unsigned int flags;
	uint64_t min, max;          /* numbers, durations */
	const struct cfg_words *words;
	const struct cfg_schema *schema;
};

struct cfg_schema {
	const struct cfg_field *fields;
	size_t n_fields;
	size_t elem_size;                       /* list element size */
	void (*init)(void *elem, json_t *j);    /* list element defaults */
	void (*free_elem)(void *elem);
};

static void range_error(struct cfg_parser *p, const json_t *v, const struct cfg_field *f,
			const char *unit)
{
	char what[MSG_TEXT_MAX];

	snprintf(what, sizeof(what), "is out of range (%llu..%llu%s)",
		 (unsigned long long)f->min, (unsigned long long)f->max, unit);
	value_error(p, v, what);
}

/*
 * A whole number from a JSON number or a decimal string. Returns 0, or -1
 * with no message (so callers can say what else they accept) for another
 * type, or -2 with the message given for a bad number.
 */
static int get_uint(struct cfg_parser *p, const struct cfg_field *f, json_t *v,
		    const char *unit, uint64_t *out)
{
	uint64_t x = 0;
	bool in_range = true;

	if (json_is_integer(v)) {
		json_int_t i = json_integer_value(v);

		in_range = i >= 0;
		x = (uint64_t)i;
	} else if (json_is_real(v)) {
		double d = json_real_value(v);

		/* (double)UINT64_MAX rounds up to 2^64, which no uint64_t holds. */
		in_range = d >= 0 && d <= (double)f->max && d < (double)UINT64_MAX;
		if (in_range) {
			x = (uint64_t)d;
			if ((double)x != d) {
				value_error(p, v, "is not a whole number");
				return -2;
			}
		}
	} else if (json_is_string(v)) {
		int rc = cfg_parse_uint(json_string_value(v), UINT64_MAX, &x);

		if (rc == CFG_PARSE_SYNTAX) {
			value_error(p, v, "is not a number");
			return -2;
		}
		in_range = rc == 0;
	} else {
		return -1;
	}
	if (!in_range || x < f->min || x > f->max) {
		range_error(p, v, f, unit);
		return -2;
	}
	*out = x;
	return 0;
}

static void parse_uint(struct cfg_parser *p, const struct cfg_field *f, json_t *v, char *base)
{
	uint64_t x;
	int rc = get_uint(p, f, v, "", &x);

	if (rc == -1)
		type_error(p, "a number", v);
	if (rc == 0)
		cfg_store_uint(base + f->off, f->size, x);
}

static void parse_bool(struct cfg_parser *p, const struct cfg_field *f, json_t *v, char *base)
{
	bool b;

	if (json_is_boolean(v)) {
		b = json_is_true(v);
	} else if (json_is_string(v)) {
		if (cfg_parse_bool(json_string_value(v), &b) < 0) {
			value_error(p, v, "is not a boolean (true, false, \"yes\" or \"no\")");
			return;
		}
	} else {
		type_error(p, "a boolean", v);
		return;
	}
	memcpy(base + f->off, &b, sizeof(b));
}

/* Check a string against the field's size and flags; NULL if it failed (reported). */
static const char *get_string(struct cfg_parser *p, const struct cfg_field *f, json_t *v)
{
	const char *s;
	size_t n;

	if (!json_is_string(v)) {
		type_error(p, "a string", v);
		return NULL;
	}
	s = json_string_value(v);
	n = json_string_length(v);
	if (n >= f->size) {
		char what[MSG_TEXT_MAX];

		snprintf(what, sizeof(what), "is too long (at most %zu bytes)", f->size - 1);
		value_error(p, v, what);
		return NULL;
	}
	if ((f->flags & (FIELD_NONEMPTY | FIELD_NAME)) && n == 0) {
		value_error(p, v, "is empty");
		return NULL;
	}
	if ((f->flags & FIELD_NAME) && has_control_char(s)) {
		value_error(p, v, "contains a control character");
		return NULL;
	}
	return s;
}

static void parse_string(struct cfg_parser *p, const struct cfg_field *f, json_t *v, char *base)
{
	const char *s = get_string(p, f, v);

	if (s)
		cfg_set_str(base + f->off, f->size, s);
}

static void parse_file_prefix(struct cfg_parser *p, const struct cfg_field *f, json_t *v,
			      char *base)
{
	const char *s = get_string(p, f, v);

	if (!s)
		return;
	if (!cfg_file_prefix_ok(s)) {
		value_error(p, v, "is not a file prefix (letters, digits, '.', '_', '-')");
		return;
	}
	cfg_set_str(base + f->off, f->size, s);
}

static void parse_lcores(struct cfg_parser *p, const struct cfg_field *f, json_t *v, char *base)
{
	const char *s = get_string(p, f, v);
	struct cfg_lcore_set set;
	int rc;

	p->lcores_failed = true;
	if (!s)
		return;
	rc = cfg_parse_lcores(s, &set);
	if (rc == CFG_PARSE_SYNTAX) {
		value_error(p, v, "is not an lcore list " LCORES_HINT);
		return;
	}
	if (rc == CFG_PARSE_RANGE) {
		char what[MSG_TEXT_MAX];

		snprintf(what, sizeof(what), "is out of range (lcore ids 0..%u)", CFG_LCORE_ID_MAX);
		value_error(p, v, what);
		return;
	}
	cfg_set_str(base + f->off, f->size, s);
	p->lcores_failed = false;
}

/* Enum words; sets that hold "yes"/"no" also take JSON booleans. */
static void parse_enum(struct cfg_parser *p, const struct cfg_field *f, json_t *v, char *base)
{
	const char *s;
	char what[MSG_TEXT_MAX];
	int i;

	if (json_is_boolean(v) && cfg_word_index(f->words, "yes") >= 0)
		s = json_is_true(v) ? "yes" : "no";
	else if (json_is_string(v))
		s = json_string_value(v);
	else {
		type_error(p, "a string", v);
		return;
	}
	i = cfg_word_index(f->words, s);
	if (i < 0) {
		snprintf(what, sizeof(what), "is not one of %s", f->words->list);
		value_error(p, v, what);
		return;
	}
	cfg_store_uint(base + f->off, f->size, (uint64_t)i);
}

static void parse_duration(struct cfg_parser *p, const struct cfg_field *f, json_t *v, char *base)
{
	uint64_t x;
	uint32_t secs;
	int rc;

	if (json_is_string(v) && !cfg_parse_uint(json_string_value(v), UINT64_MAX, &x))
		rc = get_uint(p, f, v, " seconds", &x);
	else if (json_is_string(v)) {
		rc = cfg_parse_duration(json_string_value(v), &secs);
		if (rc == CFG_PARSE_SYNTAX) {
			value_error(p, v, "is not a duration (seconds, or like 30s, 1m, 1h30m, 1d)");
			return;
		}
		if (rc == CFG_PARSE_RANGE || secs < f->min || secs > f->max) {
			range_error(p, v, f, " seconds");
			return;
		}
		x = secs;
	} else {
		rc = get_uint(p, f, v, " seconds", &x);
	}
	if (rc == -1)
		type_error(p, "a number of seconds or a duration string", v);
	if (rc == 0)
		cfg_store_uint(base + f->off, f->size, x);
}

static void format_ms(uint64_t ms, char *buf, size_t len)
{
	if (ms % MS_PER_S == 0)
		snprintf(buf, len, "%llus", (unsigned long long)(ms / MS_PER_S));
	else
		snprintf(buf, len, "%llums", (unsigned long long)ms);
}

/* RADIUS timeout: a number is seconds (0.3 is 300ms), strings may say "300ms". */
static void parse_duration_ms(struct cfg_parser *p, const struct cfg_field *f, json_t *v,
			      char *base)
{
	char what[MSG_TEXT_MAX], lo[CFG_DURATION_STRLEN], hi[CFG_DURATION_STRLEN];
	uint32_t ms = 0;
	bool in_range;

	format_ms(f->min, lo, sizeof(lo));
	format_ms(f->max, hi, sizeof(hi));
	snprintf(what, sizeof(what), "is out of range (%s..%s)", lo, hi);
	if (json_is_string(v)) {
		int rc = cfg_parse_duration_ms(json_string_value(v), &ms);

		if (rc == CFG_PARSE_SYNTAX) {
			value_error(p, v, "is not a duration (like 300ms, 1s)");
			return;
		}
		in_range = rc == 0 && ms >= f->min && ms <= f->max;
	} else if (json_is_number(v)) {
		double msd = json_number_value(v) * MS_PER_S;

		in_range = msd >= (double)f->min && msd <= (double)f->max;
		if (in_range) {
			ms = (uint32_t)msd;
			if ((double)ms != msd) {
				value_error(p, v, "is not a whole number of milliseconds");
				return;
			}
		}
	} else {
		type_error(p, "a number of seconds or a duration string", v);
		return;
	}
	if (!in_range) {
		value_error(p, v, what);
		return;
	}
	cfg_store_uint(base + f->off, f->size, ms);
}

static void parse_ipv4(struct cfg_parser *p, const struct cfg_field *f, json_t *v, char *base)
{
	uint32_t a;

	if (!json_is_string(v)) {
		type_error(p, "a string", v);
		return;
	}
	if (cfg_parse_ipv4(json_string_value(v), &a) < 0) {
		value_error(p, v, "is not an IPv4 address");
		return;
	}
	memcpy(base + f->off, &a, sizeof(a));
}

/* /ip/route gateway: an IPv4 address, or (RouterOS) the name of a tunnel interface. */
static void parse_route_gateway(struct cfg_parser *p, const struct cfg_field *f, json_t *v,
				char *base)
{
	struct cfg_ip_route *r = (struct cfg_ip_route *)base;
	const char *s;

	(void)f;
	if (!json_is_string(v)) {
		type_error(p, "a string", v);
		return;
	}
	s = json_string_value(v);
	if (cfg_parse_ipv4(s, &r->gateway) == 0)
		return;
	r->gateway = 0;
	/* Interface names do not start with a digit: that is a mistyped address. */
	if (s[0] >= '0' && s[0] <= '9') {
		value_error(p, v, "is not an IPv4 address");
		return;
	}
	if (s[0] == '\0' || strlen(s) >= sizeof(r->gateway_iface) || strchr(s, '/')) {
		value_error(p, v, "is not an IPv4 address or an interface name");
		return;
	}
	snprintf(r->gateway_iface, sizeof(r->gateway_iface), "%s", s);
}

static void parse_prefix(struct cfg_parser *p, const struct cfg_field *f, json_t *v, char *base)
{
	struct cfg_prefix pfx;

	if (!json_is_string(v)) {
		type_error(p, "a string", v);
		return;
	}
	if (cfg_parse_prefix(json_string_value(v), &pfx) < 0) {
		value_error(p, v, "is not an IPv4 prefix");
		return;
	}
	memcpy(base + f->off, &pfx, sizeof(pfx));
}

static void parse_mrru(struct cfg_parser *p, const struct cfg_field *f, json_t *v, char *base)
{
	uint64_t x = 0;
	int rc = 0;

	if (json_is_string(v) && strcmp(json_string_value(v), "disabled") == 0)
		x = 0;
	else if (json_is_string(v) &&
		 cfg_parse_uint(json_string_value(v), UINT64_MAX, &x) == CFG_PARSE_SYNTAX) {
		value_error(p, v, "is not \"disabled\" or a number (1500..16384)");
		return;
	} else {
		rc = get_uint(p, f, v, "", &x);
	}
	if (rc == -1)
		type_error(p, "\"disabled\" or a number", v);
	if (rc == 0)
		cfg_store_uint(base + f->off, f->size, x);
}

static void parse_addr_or_pool(struct cfg_parser *p, const struct cfg_field *f, json_t *v,
			       char *base)
{
	struct cfg_addr_or_pool a;
	struct cfg_field name_field = *f;
	const char *s;

	memset(&a, 0, sizeof(a));
	if (json_is_null(v) || (json_is_string(v) && json_string_length(v) == 0)) {
		memcpy(base + f->off, &a, sizeof(a));
		return;
	}
	name_field.size = sizeof(a.pool);
	name_field.flags |= FIELD_NAME;
	s = get_string(p, &name_field, v);
	if (!s)
		return;
	a.is_set = true;
	if (cfg_parse_ipv4(s, &a.addr) < 0) {
		a.is_pool = true;
		cfg_set_str(a.pool, sizeof(a.pool), s);
	}
	memcpy(base + f->off, &a, sizeof(a));
}

static void parse_rate_limit(struct cfg_parser *p, const struct cfg_field *f, json_t *v,
			     char *base)
{
	struct cfg_rate_limit r;
	int rc;

	memset(&r, 0, sizeof(r));
	if (!json_is_null(v)) {
		if (!json_is_string(v)) {
			type_error(p, "a string or null", v);
			return;
		}
		rc = cfg_parse_rate_limit(json_string_value(v), &r);
		if (rc == CFG_PARSE_SYNTAX) {
			value_error(p, v, "is not a rate limit (rx/tx, like 10M/20M or 512k)");
			return;
		}
		if (rc == CFG_PARSE_RANGE) {
			value_error(p, v, "is too large");
			return;
		}
	}
	memcpy(base + f->off, &r, sizeof(r));
}

static void parse_service(struct cfg_parser *p, const struct cfg_field *f, json_t *v, char *base)
{
	struct cfg_ppp_secret *sec = (struct cfg_ppp_secret *)(void *)base;
	char what[MSG_TEXT_MAX];
	enum cfg_service svc;

	(void)f;
	if (!json_is_string(v)) {
		type_error(p, "a string", v);
		return;
	}
	if (cfg_parse_service(json_string_value(v), &svc) < 0) {
		snprintf(what, sizeof(what), "is not one of %s", cfg_service_words.list);
		value_error(p, v, what);
		return;
	}
	sec->service = svc;
	cfg_set_str(sec->service_name, sizeof(sec->service_name), json_string_value(v));
}

/* ---- lists of scalars: an array, or RouterOS's comma-separated string ---- */

/* Calls item() for each element with the path at that element (arrays) or the field. */
typedef int item_fn(struct cfg_parser *p, const struct cfg_field *f, json_t *item,
		    unsigned int i, void *acc);

static int for_each_item(struct cfg_parser *p, const struct cfg_field *f, json_t *v,
			 unsigned int max_items, bool allow_string, item_fn *item, void *acc)
{
	unsigned int before = p->n_errors, n = 0;

	if (json_is_array(v)) {
		size_t i;
		json_t *e;

		if (json_array_size(v) > max_items) {
			perr(p, "%zu entries is too many (at most %u)", json_array_size(v), max_items);
			return -1;
		}
		json_array_foreach(v, i, e) {
			size_t saved = path_index(p, i);

			item(p, f, e, n++, acc);
			path_pop(p, saved);
		}
	} else if (allow_string && json_is_string(v)) {
		const char *s = json_string_value(v);

		/* Each word goes to item() as a JSON string of its own. */
		for (bool more = json_string_length(v) > 0; more;) {
			const char *comma = strchr(s, ',');
			size_t len = comma ? (size_t)(comma - s) : strlen(s);
			json_t *word;

			if (n >= max_items) {
				perr(p, "more than %u entries is too many", max_items);
				return -1;
			}
			word = json_stringn(s, len);
			if (!word) {
				poom(p);
				return -1;
			}
			item(p, f, word, n++, acc);
			json_decref(word);
			more = comma != NULL;
			s = comma ? comma + 1 : s;
		}
	} else {
		type_error(p, allow_string ? "an array or a string" : "an array", v);
		return -1;
	}
	if ((f->flags & FIELD_NONEMPTY) && n == 0) {
		value_error(p, v, "is empty");
		return -1;
	}
	return p->n_errors == before ? (int)n : -1;
}

static int word_item(struct cfg_parser *p, const struct cfg_field *f, json_t *item,
		     unsigned int i, void *acc)
{
	uint32_t *set = acc;
	char what[MSG_TEXT_MAX];
	int w;

	(void)i;
	if (!json_is_string(item)) {
		type_error(p, "a string", item);
		return -1;
	}
	w = cfg_word_index(f->words, json_string_value(item));
	if (w < 0) {
		snprintf(what, sizeof(what), "is not one of %s", f->words->list);
		value_error(p, item, what);
		return -1;
	}
	if (*set & (1u << w)) {
		value_error(p, item, "is listed twice");
		return -1;
	}
	*set |= 1u << w;
	return 0;
}

/* authentication, allow, radius service: a set of words as bits. */
static void parse_word_set(struct cfg_parser *p, const struct cfg_field *f, json_t *v, char *base)
{
	uint32_t set = 0;

	if (for_each_item(p, f, v, f->words->n, true, word_item, &set) >= 0)
		memcpy(base + f->off, &set, sizeof(set));
}

static int ipv4_item(struct cfg_parser *p, const struct cfg_field *f, json_t *item,
		     unsigned int i, void *acc)
{
	uint32_t *addrs = acc;

	(void)f;
	if (!json_is_string(item)) {
		type_error(p, "a string", item);
		return -1;
	}
	if (cfg_parse_ipv4(json_string_value(item), &addrs[i]) < 0) {
		value_error(p, item, "is not an IPv4 address");
		return -1;
	}
	return 0;
}

static void parse_dns(struct cfg_parser *p, const struct cfg_field *f, json_t *v, char *base)
{
	struct cfg_ppp_profile *prof = (struct cfg_ppp_profile *)(void *)base;
	uint32_t addrs[CFG_MAX_DNS] = { 0 };
	int n = for_each_item(p, f, v, CFG_MAX_DNS, true, ipv4_item, addrs);

	if (n < 0)
		return;
	memcpy(prof->dns_server, addrs, sizeof(addrs));
	prof->n_dns_server = (unsigned int)n;
}

static int worker_item(struct cfg_parser *p, const struct cfg_field *f, json_t *item,
		       unsigned int i, void *acc)
{
	uint16_t *ids = acc;
	uint64_t x;
	int rc = get_uint(p, f, item, "", &x);

	if (rc == -1)
		type_error(p, "a number", item);
	if (rc < 0)
		return -1;
	ids[i] = (uint16_t)x;
	return 0;
}

static void parse_workers(struct cfg_parser *p, const struct cfg_field *f, json_t *v, char *base)
{
	struct cfg_dataplane *dp = (struct cfg_dataplane *)(void *)base;
	uint16_t ids[CFG_MAX_WORKERS] = { 0 };
	int n = for_each_item(p, f, v, CFG_MAX_WORKERS, false, worker_item, ids);

	if (n < 0) {
		p->workers_failed = true;
		return;
	}
	memcpy(dp->workers, ids, sizeof(ids));
	dp->n_workers = (unsigned int)n;
}

static int eal_arg_item(struct cfg_parser *p, const struct cfg_field *f, json_t *item,
			unsigned int i, void *acc)
{
	char **args = acc;
	struct cfg_field arg_field = *f;
	const char *s;

	arg_field.size = CFG_EAL_ARG_MAX;
	s = get_string(p, &arg_field, item);
	if (!s)
		return -1;
	args[i] = strdup(s);
	if (!args[i]) {
		poom(p);
		return -1;
	}
	return 0;
}

static void parse_eal_args(struct cfg_parser *p, const struct cfg_field *f, json_t *v, char *base)
{
	struct cfg_dataplane *dp = (struct cfg_dataplane *)(void *)base;
	char **args = calloc(CFG_MAX_EAL_ARGS, sizeof(*args));
	int n;

	if (!args) {
		poom(p);
		return;
	}
	n = for_each_item(p, f, v, CFG_MAX_EAL_ARGS, false, eal_arg_item, args);
	if (n < 0) {
		for (unsigned int i = 0; i < CFG_MAX_EAL_ARGS; i++)
			free(args[i]);
		free(args);
		return;
	}
	cfg_free_eal_args(dp);
	dp->eal_args = args;
	dp->n_eal_args = (unsigned int)n;
}

static int range_item(struct cfg_parser *p, const struct cfg_field *f, json_t *item,
		      unsigned int i, void *acc)
{
	struct cfg_ip_range *ranges = acc;
	int rc;

	(void)f;
	if (!json_is_string(item)) {
		type_error(p, "a string", item);
		return -1;
	}
	rc = cfg_parse_range(json_string_value(item), &ranges[i]);
	if (rc == CFG_PARSE_RANGE) {
		value_error(p, item, "has its first address above its last");
		return -1;
	}
	if (rc < 0) {
		value_error(p, item, "is not an address range (like 10.0.0.10-10.0.0.254 or 10.0.0.0/24)");
		return -1;
	}
	return 0;
}

static void parse_ranges(struct cfg_parser *p, const struct cfg_field *f, json_t *v, char *base)
{
	struct cfg_ip_pool *pool = (struct cfg_ip_pool *)(void *)base;
	struct cfg_ip_range ranges[CFG_MAX_POOL_RANGES];
	int n = for_each_item(p, f, v, CFG_MAX_POOL_RANGES, true, range_item, ranges);
	struct cfg_ip_range *copy;

	if (n <= 0)
		return;
	copy = cfg_memdup(ranges, (size_t)n, sizeof(*copy));
	if (!copy) {
		poom(p);
		return;
	}
	free(pool->ranges);
	pool->ranges = copy;
	pool->n_ranges = (unsigned int)n;
}

/* ---- objects and lists of objects ---- */

static uint64_t parse_fields(struct cfg_parser *p, const struct cfg_schema *sc, json_t *obj,
			     char *base)
{
	uint64_t seen = 0;
	const char *key;
	json_t *val;

	json_object_foreach(obj, key, val) {
		size_t saved = path_key(p, key);
		size_t i;

		for (i = 0; i < sc->n_fields; i++)
			if (strcmp(sc->fields[i].key, key) == 0)
				break;
		if (i == sc->n_fields) {
			perr(p, "unknown key");
		} else {
			seen |= 1ull << i;
			sc->fields[i].parse(p, &sc->fields[i], val, base);
		}
		path_pop(p, saved);
	}
	for (size_t i = 0; i < sc->n_fields; i++) {
		if ((sc->fields[i].flags & FIELD_REQUIRED) && !(seen & (1ull << i))) {
			size_t saved = path_key(p, sc->fields[i].key);

			perr(p, "required key is missing");
			path_pop(p, saved);
		}
	}
	return seen;
}

static void parse_object(struct cfg_parser *p, const struct cfg_field *f, json_t *v, char *base)
{
	if (!json_is_object(v)) {
		type_error(p, "an object", v);
		return;
	}
	parse_fields(p, f->schema, v, base + f->off);
}

static void free_list(const struct cfg_schema *sc, char *elems, unsigned int n)
{
	if (sc->free_elem)
		for (unsigned int i = 0; i < n; i++)
			sc->free_elem(elems + (size_t)i * sc->elem_size);
	free(elems);
}

/*
 * A list replaces the default one (only profiles have a default: the
 * built-ins). False when the JSON value was not stored at all.
 */
static bool store_list(struct cfg_parser *p, const struct cfg_field *f, json_t *v, char *base)
{
	const struct cfg_schema *sc = f->schema;
	char *elems = NULL, *old;
	unsigned int n_old, n;

	if (!json_is_array(v)) {
		type_error(p, "an array", v);
		return false;
	}
	if (json_array_size(v) > CFG_MAX_LIST) {
		perr(p, "%zu entries is too many (at most %u)", json_array_size(v), CFG_MAX_LIST);
		return false;
	}
	n = (unsigned int)json_array_size(v);
	if (n) {
		elems = calloc(n, sc->elem_size);
		if (!elems) {
			poom(p);
			return false;
		}
	}
	memcpy(&old, base + f->off, sizeof(old));
	memcpy(&n_old, base + f->count_off, sizeof(n_old));
	free_list(sc, old, n_old);
	memcpy(base + f->off, &elems, sizeof(elems));
	memcpy(base + f->count_off, &n, sizeof(n));

	for (unsigned int i = 0; i < n; i++) {
		json_t *item = json_array_get(v, i);
		char *elem = elems + (size_t)i * sc->elem_size;
		size_t saved = path_index(p, i);

		if (sc->init)
			sc->init(elem, item);
		if (json_is_object(item))
			parse_fields(p, sc, item, elem);
		else
			type_error(p, "an object", item);
		path_pop(p, saved);
	}
	return true;
}

static void parse_list(struct cfg_parser *p, const struct cfg_field *f, json_t *v, char *base)
{
	store_list(p, f, v, base);
}

/*
 * Profiles: the built-ins keep slots 0 and 1 (a config entry of the same
 * name redefines them in place); the config's own follow in file order.
 * profile_src remembers each entry's JSON index for later messages.
 */
static void parse_profiles(struct cfg_parser *p, const struct cfg_field *f, json_t *v, char *base)
{
	struct pg_config *cfg = (struct pg_config *)(void *)base;
	struct cfg_ppp_profile *merged = NULL, *parsed;
	uint32_t *src = NULL;
	unsigned int n_parsed, n = N_BUILTIN_PROFILES;
	uint32_t builtin_src[N_BUILTIN_PROFILES];

	if (!store_list(p, f, v, base) || p->oom)
		return;
	parsed = cfg->ppp_profile;
	n_parsed = cfg->n_ppp_profile;
	merged = calloc(N_BUILTIN_PROFILES + n_parsed, sizeof(*merged));
	src = calloc(N_BUILTIN_PROFILES + n_parsed, sizeof(*src));
	if (!merged || !src) {
		poom(p);
		goto fail;
	}
	memcpy(merged, cfg_builtin_profiles, sizeof(cfg_builtin_profiles));
	for (size_t b = 0; b < N_BUILTIN_PROFILES; b++)
		builtin_src[b] = src[b] = NO_SOURCE_INDEX;
	for (unsigned int i = 0; i < n_parsed; i++) {
		size_t b;

		for (b = 0; b < N_BUILTIN_PROFILES; b++)
			if (strcmp(parsed[i].name, cfg_builtin_profiles[b].name) == 0)
				break;
		if (b == N_BUILTIN_PROFILES) {
			src[n] = i;
			merged[n++] = parsed[i];
		} else if (builtin_src[b] == NO_SOURCE_INDEX) {
			builtin_src[b] = src[b] = i;
			merged[b] = parsed[i];
		} else {
			size_t saved = path_append(p, "[%u].name", i);
			char what[MSG_TEXT_MAX];

			snprintf(what, sizeof(what), "is already used by ppp.profile[%u]",
				 builtin_src[b]);
			string_error(p, parsed[i].name, what);
			path_pop(p, saved);
		}
	}
	free(parsed);
	cfg->ppp_profile = merged;
	cfg->n_ppp_profile = n;
	free(p->profile_src);
	p->profile_src = src;
	merged = NULL;   /* now owned by cfg and p */
	src = NULL;
fail:
	free(merged);
	free(src);
}

/* ---- element defaults ---- */

static void ethernet_init(void *elem, json_t *j)
{
	struct cfg_ethernet *e = elem;

	(void)j;
	e->mtu = DEFAULT_ETHER_MTU;
	e->disabled = false;
}

static void client_init(void *elem, json_t *j)
{
	struct cfg_pptp_client *c = elem;

	(void)j;
	c->disabled = true;
	cfg_set_str(c->profile, sizeof(c->profile), PROFILE_DEFAULT_ENC);
	c->add_default_route = false;
	c->default_route_distance = DEFAULT_ROUTE_DISTANCE;
	c->dial_on_demand = false;
	c->allow = CFG_AUTH_ALL;
	cfg_link_defaults(&c->link, DEFAULT_KEEPALIVE_CLIENT);
}

static void route_init(void *elem, json_t *j)
{
	struct cfg_ip_route *r = elem;

	(void)j;
	r->dst.addr = 0;
	r->dst.len = 0;
	r->distance = DEFAULT_ROUTE_DISTANCE;
}

/* A profile named like a built-in starts from the built-in's values. */
static void profile_init(void *elem, json_t *j)
{
	struct cfg_ppp_profile *pr = elem;
	const json_t *name = json_is_object(j) ? json_object_get(j, "name") : NULL;
	const struct cfg_ppp_profile *b = NULL;

	if (json_is_string(name))
		b = cfg_builtin_profile(json_string_value(name));
	if (b) {
		*pr = *b;
		return;
	}
	pr->use_encryption = CFG_ENC_DEFAULT;
	pr->mppe_mode = CFG_MPPE_MODE_ANY;
	pr->only_one = CFG_ONLY_ONE_DEFAULT;
	pr->builtin = false;
}

static void secret_init(void *elem, json_t *j)
{
	struct cfg_ppp_secret *s = elem;

	(void)j;
	s->service = CFG_SERVICE_ANY;
	cfg_set_str(s->service_name, sizeof(s->service_name), "any");
	cfg_set_str(s->profile, sizeof(s->profile), PROFILE_DEFAULT);
	s->disabled = false;
}

static void radius_init(void *elem, json_t *j)
{
	struct cfg_radius *r = elem;

	(void)j;
	r->authentication_port = DEFAULT_RADIUS_AUTH_PORT;
	r->accounting_port = DEFAULT_RADIUS_ACCT_PORT;
	r->timeout_ms = DEFAULT_RADIUS_TIMEOUT_MS;
}

/* ---- the schema (DESIGN.md section 3) ---- */

#define MEMBER_SIZE(T, m) sizeof(((T *)0)->m)
#define FIELD(T, m, k, fn, ...) \
	{ .key = (k), .parse = (fn), .off = offsetof(T, m), .size = MEMBER_SIZE(T, m), __VA_ARGS__ }
#define UINT(T, m, k, lo, hi) FIELD(T, m, k, parse_uint, .min = (lo), .max = (hi))
#define DURATION(T, m, k, lo, hi) FIELD(T, m, k, parse_duration, .min = (lo), .max = (hi))
#define ENUM(T, m, k, w) FIELD(T, m, k, parse_enum, .words = &(w))
#define WORDSET(T, m, k, w, fl) FIELD(T, m, k, parse_word_set, .words = &(w), .flags = (fl))
/* A JSON object whose keys fill members of the same C struct (base + off). */
#define GROUP(k, o, sc) { .key = (k), .parse = parse_object, .off = (o), .schema = &(sc) }
#define LIST(k, fn, T, m, n, sc) \
	{ .key = (k), .parse = (fn), .off = offsetof(T, m), .count_off = offsetof(T, n), .schema = &(sc) }
#define SCHEMA(f, ...) { .fields = (f), .n_fields = sizeof(f) / sizeof((f)[0]), __VA_ARGS__ }
#define REQ FIELD_REQUIRED
#define NAME FIELD_NAME

static const struct cfg_field system_fields[] = {
	FIELD(struct cfg_system, identity, "identity", parse_string, .flags = NAME),
	ENUM(struct cfg_system, log_level, "log-level", cfg_log_level_words),
};
static const struct cfg_schema system_schema = SCHEMA(system_fields);

static const struct cfg_field dataplane_fields[] = {
	FIELD(struct cfg_dataplane, lcores, "lcores", parse_lcores),
	{ .key = "workers", .parse = parse_workers, .min = 0, .max = CFG_LCORE_ID_MAX },
	FIELD(struct cfg_dataplane, huge_pages, "huge-pages", parse_bool),
	UINT(struct cfg_dataplane, memory_mb, "memory-mb", CFG_MEMORY_MB_MIN, CFG_MEMORY_MB_MAX),
	ENUM(struct cfg_dataplane, poll, "poll", cfg_poll_words),
	FIELD(struct cfg_dataplane, file_prefix, "file-prefix", parse_file_prefix),
	{ .key = "eal-args", .parse = parse_eal_args },
};
static const struct cfg_schema dataplane_schema = SCHEMA(dataplane_fields);

static const struct cfg_field management_fields[] = {
	FIELD(struct cfg_management, socket, "socket", parse_string, .flags = FIELD_NONEMPTY),
};
static const struct cfg_schema management_schema = SCHEMA(management_fields);

static const struct cfg_field ethernet_fields[] = {
	FIELD(struct cfg_ethernet, name, "name", parse_string, .flags = REQ | NAME),
	FIELD(struct cfg_ethernet, device, "device", parse_string, .flags = REQ | NAME),
	UINT(struct cfg_ethernet, mtu, "mtu", CFG_ETHER_MTU_MIN, CFG_ETHER_MTU_MAX),
	FIELD(struct cfg_ethernet, disabled, "disabled", parse_bool),
};
static const struct cfg_schema ethernet_schema = SCHEMA(ethernet_fields,
	.elem_size = sizeof(struct cfg_ethernet), .init = ethernet_init);

#define LINK_FIELDS(T, ka_min, ka_max)                                                 \
	DURATION(T, link.keepalive_timeout, "keepalive-timeout", ka_min, ka_max),      \
	UINT(T, link.max_mtu, "max-mtu", CFG_MTU_MIN, CFG_MTU_MAX),                    \
	UINT(T, link.max_mru, "max-mru", CFG_MTU_MIN, CFG_MTU_MAX),                    \
	FIELD(T, link.mrru, "mrru", parse_mrru, .min = CFG_MRRU_MIN, .max = CFG_MRRU_MAX)

static const struct cfg_field server_fields[] = {
	FIELD(struct cfg_pptp_server, enabled, "enabled", parse_bool),
	WORDSET(struct cfg_pptp_server, authentication, "authentication", cfg_auth_words,
		FIELD_NONEMPTY),
	FIELD(struct cfg_pptp_server, default_profile, "default-profile", parse_string, .flags = NAME),
	LINK_FIELDS(struct cfg_pptp_server, CFG_KEEPALIVE_MIN, CFG_KEEPALIVE_MAX),
};
static const struct cfg_schema server_schema = SCHEMA(server_fields);

static const struct cfg_field static_fields[] = {
	FIELD(struct cfg_pptp_static, name, "name", parse_string, .flags = REQ | NAME),
	FIELD(struct cfg_pptp_static, user, "user", parse_string, .flags = REQ | NAME),
};
static const struct cfg_schema static_schema = SCHEMA(static_fields,
	.elem_size = sizeof(struct cfg_pptp_static));

static const struct cfg_field pptp_server_fields[] = {
	GROUP("server", offsetof(struct pg_config, pptp_server), server_schema),
	LIST("static", parse_list, struct pg_config, pptp_static, n_pptp_static, static_schema),
};
static const struct cfg_schema pptp_server_schema = SCHEMA(pptp_server_fields);

static const struct cfg_field client_fields[] = {
	FIELD(struct cfg_pptp_client, name, "name", parse_string, .flags = REQ | NAME),
	FIELD(struct cfg_pptp_client, connect_to, "connect-to", parse_ipv4, .flags = REQ),
	FIELD(struct cfg_pptp_client, user, "user", parse_string),
	FIELD(struct cfg_pptp_client, password, "password", parse_string),
	FIELD(struct cfg_pptp_client, disabled, "disabled", parse_bool),
	FIELD(struct cfg_pptp_client, profile, "profile", parse_string, .flags = NAME),
	FIELD(struct cfg_pptp_client, add_default_route, "add-default-route", parse_bool),
	UINT(struct cfg_pptp_client, default_route_distance, "default-route-distance", 0,
	     DISTANCE_MAX),
	FIELD(struct cfg_pptp_client, dial_on_demand, "dial-on-demand", parse_bool),
	WORDSET(struct cfg_pptp_client, allow, "allow", cfg_auth_words, FIELD_NONEMPTY),
	LINK_FIELDS(struct cfg_pptp_client, CFG_KEEPALIVE_MIN, CFG_KEEPALIVE_MAX),
};
static const struct cfg_schema client_schema = SCHEMA(client_fields,
	.elem_size = sizeof(struct cfg_pptp_client), .init = client_init);

static const struct cfg_field interface_fields[] = {
	LIST("ethernet", parse_list, struct pg_config, ethernet, n_ethernet, ethernet_schema),
	GROUP("pptp-server", 0, pptp_server_schema),
	LIST("pptp-client", parse_list, struct pg_config, pptp_client, n_pptp_client, client_schema),
};
static const struct cfg_schema interface_schema = SCHEMA(interface_fields);

static const struct cfg_field address_fields[] = {
	FIELD(struct cfg_ip_address, address, "address", parse_prefix, .flags = REQ),
	FIELD(struct cfg_ip_address, interface, "interface", parse_string, .flags = REQ | NAME),
};
static const struct cfg_schema address_schema = SCHEMA(address_fields,
	.elem_size = sizeof(struct cfg_ip_address));

static const struct cfg_field route_fields[] = {
	FIELD(struct cfg_ip_route, dst, "dst-address", parse_prefix),
	FIELD(struct cfg_ip_route, gateway, "gateway", parse_route_gateway, .flags = REQ),
	UINT(struct cfg_ip_route, distance, "distance", 1, DISTANCE_MAX),
};
static const struct cfg_schema route_schema = SCHEMA(route_fields,
	.elem_size = sizeof(struct cfg_ip_route), .init = route_init);

static const struct cfg_field pool_fields[] = {
	FIELD(struct cfg_ip_pool, name, "name", parse_string, .flags = REQ | NAME),
	{ .key = "ranges", .parse = parse_ranges, .flags = REQ | FIELD_NONEMPTY },
};
static const struct cfg_schema pool_schema = SCHEMA(pool_fields,
	.elem_size = sizeof(struct cfg_ip_pool), .free_elem = cfg_free_pool);

static const struct cfg_field ip_fields[] = {
	LIST("address", parse_list, struct pg_config, ip_address, n_ip_address, address_schema),
	LIST("route", parse_list, struct pg_config, ip_route, n_ip_route, route_schema),
	LIST("pool", parse_list, struct pg_config, ip_pool, n_ip_pool, pool_schema),
};
static const struct cfg_schema ip_schema = SCHEMA(ip_fields);

#define ADDR_OR_POOL(T, m, k) FIELD(T, m, k, parse_addr_or_pool)
static const struct cfg_field profile_fields[] = {
	FIELD(struct cfg_ppp_profile, name, "name", parse_string, .flags = REQ | NAME),
	ENUM(struct cfg_ppp_profile, use_encryption, "use-encryption", cfg_use_encryption_words),
	ENUM(struct cfg_ppp_profile, mppe_mode, "mppe-mode", cfg_mppe_mode_words),
	ADDR_OR_POOL(struct cfg_ppp_profile, local_address, "local-address"),
	ADDR_OR_POOL(struct cfg_ppp_profile, remote_address, "remote-address"),
	{ .key = "dns-server", .parse = parse_dns },
	FIELD(struct cfg_ppp_profile, rate_limit, "rate-limit", parse_rate_limit),
	DURATION(struct cfg_ppp_profile, session_timeout, "session-timeout", 0, UINT32_MAX),
	DURATION(struct cfg_ppp_profile, idle_timeout, "idle-timeout", 0, UINT32_MAX),
	ENUM(struct cfg_ppp_profile, only_one, "only-one", cfg_only_one_words),
};
static const struct cfg_schema profile_schema = SCHEMA(profile_fields,
	.elem_size = sizeof(struct cfg_ppp_profile), .init = profile_init);

static const struct cfg_field secret_fields[] = {
	FIELD(struct cfg_ppp_secret, name, "name", parse_string, .flags = REQ | NAME),
	FIELD(struct cfg_ppp_secret, password, "password", parse_string),
	{ .key = "service", .parse = parse_service },
	FIELD(struct cfg_ppp_secret, profile, "profile", parse_string, .flags = NAME),
	ADDR_OR_POOL(struct cfg_ppp_secret, local_address, "local-address"),
	ADDR_OR_POOL(struct cfg_ppp_secret, remote_address, "remote-address"),
	FIELD(struct cfg_ppp_secret, disabled, "disabled", parse_bool),
};
static const struct cfg_schema secret_schema = SCHEMA(secret_fields,
	.elem_size = sizeof(struct cfg_ppp_secret), .init = secret_init);

static const struct cfg_field aaa_fields[] = {
	FIELD(struct cfg_ppp_aaa, use_radius, "use-radius", parse_bool),
	FIELD(struct cfg_ppp_aaa, accounting, "accounting", parse_bool),
	DURATION(struct cfg_ppp_aaa, interim_update, "interim-update", 0, UINT32_MAX),
};
static const struct cfg_schema aaa_schema = SCHEMA(aaa_fields);

static const struct cfg_field ppp_fields[] = {
	LIST("profile", parse_profiles, struct pg_config, ppp_profile, n_ppp_profile, profile_schema),
	LIST("secret", parse_list, struct pg_config, ppp_secret, n_ppp_secret, secret_schema),
	GROUP("aaa", offsetof(struct pg_config, ppp_aaa), aaa_schema),
};
static const struct cfg_schema ppp_schema = SCHEMA(ppp_fields);

static const struct cfg_field radius_fields[] = {
	FIELD(struct cfg_radius, address, "address", parse_ipv4, .flags = REQ),
	FIELD(struct cfg_radius, secret, "secret", parse_string),
	WORDSET(struct cfg_radius, service, "service", cfg_radius_service_words, 0),
	UINT(struct cfg_radius, authentication_port, "authentication-port", 1, PORT_MAX),
	UINT(struct cfg_radius, accounting_port, "accounting-port", 1, PORT_MAX),
	FIELD(struct cfg_radius, timeout_ms, "timeout", parse_duration_ms,
	      .min = CFG_RADIUS_TIMEOUT_MIN_MS, .max = CFG_RADIUS_TIMEOUT_MAX_MS),
	FIELD(struct cfg_radius, src_address, "src-address", parse_ipv4),
};
static const struct cfg_schema radius_schema = SCHEMA(radius_fields,
	.elem_size = sizeof(struct cfg_radius), .init = radius_init);

static const struct cfg_field radius_incoming_fields[] = {
	FIELD(struct cfg_radius_incoming, accept, "accept", parse_bool),
	UINT(struct cfg_radius_incoming, port, "port", 1, PORT_MAX),
};
static const struct cfg_schema radius_incoming_schema = SCHEMA(radius_incoming_fields);

static const struct cfg_field root_fields[] = {
	GROUP("system", offsetof(struct pg_config, system), system_schema),
	GROUP("dataplane", offsetof(struct pg_config, dataplane), dataplane_schema),
	GROUP("management", offsetof(struct pg_config, management), management_schema),
	GROUP("interface", 0, interface_schema),
	GROUP("ip", 0, ip_schema),
	GROUP("ppp", 0, ppp_schema),
	LIST("radius", parse_list, struct pg_config, radius, n_radius, radius_schema),
	GROUP("radius-incoming", offsetof(struct pg_config, radius_incoming), radius_incoming_schema),
};
static const struct cfg_schema root_schema = SCHEMA(root_fields);

/* ---- after the walk ---- */

/*
 * Without a workers list, every lcore but the main one is a worker. A list
 * that was rejected is replaced the same way, so later checks see something
 * consistent rather than blaming the default.
 */
static void derive_workers(struct cfg_parser *p, struct pg_config *cfg, json_t *root)
{
	struct cfg_dataplane *dp = &cfg->dataplane;
	const json_t *dpj = json_object_get(root, "dataplane");
	struct cfg_lcore_set set;
	unsigned int n = 0, total = 0;
	int main_lcore;

	if (json_is_object(dpj) && json_object_get(dpj, "workers") && !p->workers_failed)
		return;
	if (cfg_parse_lcores(dp->lcores, &set) < 0)
		return;
	main_lcore = cfg_lcore_set_first(&set);
	for (unsigned int id = 0; id <= CFG_LCORE_ID_MAX; id++) {
		if (!cfg_lcore_set_has(&set, id) || (int)id == main_lcore)
			continue;
		if (n < CFG_MAX_WORKERS)
			dp->workers[n++] = (uint16_t)id;
		total++;
	}
	dp->n_workers = n;
	/* A rejected workers list was reported already; only a missing one is news. */
	if (total > CFG_MAX_WORKERS && !p->workers_failed) {
		size_t saved = path_append(p, "dataplane.lcores");
		char what[MSG_TEXT_MAX];

		snprintf(what, sizeof(what),
			 "has %u worker lcores, more than %u; list the ones to use in dataplane.workers",
			 total, CFG_MAX_WORKERS);
		string_error(p, dp->lcores, what);
		path_pop(p, saved);
	}
}

/* ------------------------------------------------------------------- entry */

int cfg_schema_walk(json_t *root, struct pg_config *cfg, struct cfg_errors *err,
		    struct cfg_walk *w)
{
	struct cfg_parser p = { .err = err };
	int rc = -1;

	if (!json_is_object(root)) {
		perr(&p, "expected an object, got %s", json_kind(root));
		goto out;
	}
	parse_fields(&p, &root_schema, root, (char *)cfg);
	if (p.oom)
		goto out;
	derive_workers(&p, cfg, root);
	for (unsigned int i = 0; i < cfg->n_radius; i++)
		cfg->radius[i].service_ppp = cfg->radius[i].service & CFG_RADIUS_SVC_PPP;
	rc = 0;
out:
	w->n_errors = p.n_errors;
	w->profile_src = p.profile_src;
	w->lcores_failed = p.lcores_failed;
	return rc;
}
