/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Value syntax shared by the JSON loader and the CLI: RouterOS spellings of
 * addresses, durations, rates and word sets, and their formatting back.
 * Parsers are strict: the whole string must match, numbers are checked for
 * overflow, and nothing depends on the locale.
 */
#include <stdio.h>
#include <string.h>

#include "config.h"

#define IPV4_OCTETS      4
#define IPV4_OCTET_MAX   255
#define IPV4_OCTET_BITS  8
#define BITS_PER_WORD    64
#define IPV4_OCTET_DIGITS 3
#define PREFIX_LEN_MAX   32
#define ADDR_TEXT_MAX    15   /* "255.255.255.255" */

#define MS_PER_S   1000ull
#define S_PER_MIN  60ull
#define S_PER_HOUR (60ull * S_PER_MIN)
#define S_PER_DAY  (24ull * S_PER_HOUR)
#define S_PER_WEEK (7ull * S_PER_DAY)

#define RATE_K 1000ull
#define RATE_M (1000ull * RATE_K)
#define RATE_G (1000ull * RATE_M)

#define AUTH_WORDS_N   4
#define WORD_TEXT_MAX  32     /* longest word any set holds, with NUL */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* ---- word sets ---- */

static const char *const use_encryption_names[] = {
	[CFG_ENC_DEFAULT] = "default", [CFG_ENC_NO] = "no",
	[CFG_ENC_YES] = "yes", [CFG_ENC_REQUIRED] = "required",
};
static const char *const mppe_mode_names[] = {
	[CFG_MPPE_MODE_ANY] = "any", [CFG_MPPE_MODE_STATELESS] = "stateless",
	[CFG_MPPE_MODE_STATEFUL] = "stateful",
};
static const char *const only_one_names[] = {
	[CFG_ONLY_ONE_DEFAULT] = "default", [CFG_ONLY_ONE_NO] = "no", [CFG_ONLY_ONE_YES] = "yes",
};
static const char *const log_level_names[] = {
	[CFG_LOG_ERROR] = "error", [CFG_LOG_WARNING] = "warning",
	[CFG_LOG_INFO] = "info", [CFG_LOG_DEBUG] = "debug",
};
static const char *const poll_names[] = {
	[CFG_POLL_ADAPTIVE] = "adaptive", [CFG_POLL_BUSY] = "busy",
};
static const char *const auth_names[AUTH_WORDS_N] = { "pap", "chap", "mschap1", "mschap2" };
static const char *const service_names[] = {
	"any", "async", "l2tp", "ovpn", "pppoe", "pptp", "sstp",
};
static const char *const radius_service_names[] = {
	"ppp", "login", "hotspot", "wireless", "dhcp", "ipsec", "dot1x",
};

#define WORDS(arr, text) { .names = (arr), .n = sizeof(arr) / sizeof((arr)[0]), .list = (text) }
const struct cfg_words cfg_use_encryption_words =
	WORDS(use_encryption_names, "default, no, yes, required");
const struct cfg_words cfg_mppe_mode_words =
	WORDS(mppe_mode_names, "any, stateless, stateful");
const struct cfg_words cfg_only_one_words = WORDS(only_one_names, "default, no, yes");
const struct cfg_words cfg_log_level_words = WORDS(log_level_names, "error, warning, info, debug");
const struct cfg_words cfg_poll_words = WORDS(poll_names, "adaptive, busy");
const struct cfg_words cfg_auth_words = WORDS(auth_names, "pap, chap, mschap1, mschap2");
const struct cfg_words cfg_service_words =
	WORDS(service_names, "any, async, l2tp, ovpn, pppoe, pptp, sstp");
const struct cfg_words cfg_radius_service_words =
	WORDS(radius_service_names, "ppp, login, hotspot, wireless, dhcp, ipsec, dot1x");

_Static_assert(CFG_AUTH_ALL == (1u << AUTH_WORDS_N) - 1, "auth words match enum cfg_auth bits");

int cfg_word_index(const struct cfg_words *w, const char *s)
{
	for (unsigned int i = 0; i < w->n; i++)
		if (strcmp(w->names[i], s) == 0)
			return (int)i;
	return -1;
}

const char *cfg_word_name(const struct cfg_words *w, unsigned int i)
{
	return i < w->n ? w->names[i] : "?";
}

int cfg_parse_use_encryption(const char *s, enum cfg_use_encryption *out)
{
	int i = cfg_word_index(&cfg_use_encryption_words, s);

	if (i < 0)
		return CFG_PARSE_SYNTAX;
	*out = (enum cfg_use_encryption)i;
	return 0;
}

const char *cfg_use_encryption_name(enum cfg_use_encryption e)
{
	return cfg_word_name(&cfg_use_encryption_words, (unsigned int)e);
}

int cfg_parse_service(const char *s, enum cfg_service *out)
{
	int i = cfg_word_index(&cfg_service_words, s);

	if (i < 0)
		return CFG_PARSE_SYNTAX;
	if (strcmp(s, "any") == 0)
		*out = CFG_SERVICE_ANY;
	else if (strcmp(s, "pptp") == 0)
		*out = CFG_SERVICE_PPTP;
	else
		*out = CFG_SERVICE_OTHER;
	return 0;
}

int cfg_parse_bool(const char *s, bool *out)
{
	if (strcmp(s, "yes") == 0) {
		*out = true;
		return 0;
	}
	if (strcmp(s, "no") == 0) {
		*out = false;
		return 0;
	}
	return CFG_PARSE_SYNTAX;
}

/* ---- numbers ---- */

/*
 * Accumulate decimal digits from *sp into *out, stopping at the first
 * non-digit. Rejects an empty run and leading zeros ("007"), which RouterOS
 * users would not expect to mean octal or anything else.
 */
static int take_digits(const char **sp, uint64_t *out)
{
	const char *s = *sp;
	uint64_t v = 0;

	if (!is_digit(*s))
		return CFG_PARSE_SYNTAX;
	if (s[0] == '0' && is_digit(s[1]))
		return CFG_PARSE_SYNTAX;
	for (; is_digit(*s); s++) {
		unsigned int d = (unsigned int)(*s - '0');

		if (v > (UINT64_MAX - d) / 10) {
			while (is_digit(*s))
				s++;
			*sp = s;
			return CFG_PARSE_RANGE;
		}
		v = v * 10 + d;
	}
	*sp = s;
	*out = v;
	return 0;
}

int cfg_parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v;
	int rc = take_digits(&s, &v);

	if (rc == CFG_PARSE_RANGE)
		return *s ? CFG_PARSE_SYNTAX : CFG_PARSE_RANGE;
	if (rc < 0 || *s)
		return CFG_PARSE_SYNTAX;
	if (v > max)
		return CFG_PARSE_RANGE;
	*out = v;
	return 0;
}

/* ---- addresses ---- */

static int take_octet(const char **sp, uint32_t *out)
{
	const char *s = *sp;
	uint32_t v = 0;
	int n = 0;

	if (!is_digit(*s) || (s[0] == '0' && is_digit(s[1])))
		return -1;
	while (is_digit(*s) && n < IPV4_OCTET_DIGITS) {
		v = v * 10 + (uint32_t)(*s - '0');
		s++;
		n++;
	}
	if (is_digit(*s) || v > IPV4_OCTET_MAX)
		return -1;
	*sp = s;
	*out = v;
	return 0;
}

/* Parse a dotted quad at *sp, leaving *sp after it. */
static int take_ipv4(const char **sp, uint32_t *out)
{
	const char *s = *sp;
	uint32_t addr = 0;

	for (int i = 0; i < IPV4_OCTETS; i++) {
		uint32_t o;

		if (i > 0 && *s++ != '.')
			return -1;
		if (take_octet(&s, &o) < 0)
			return -1;
		addr = (addr << IPV4_OCTET_BITS) | o;
	}
	*sp = s;
	*out = addr;
	return 0;
}

int cfg_parse_ipv4(const char *s, uint32_t *out)
{
	uint32_t a;

	if (take_ipv4(&s, &a) < 0 || *s)
		return CFG_PARSE_SYNTAX;
	*out = a;
	return 0;
}

int cfg_parse_prefix(const char *s, struct cfg_prefix *out)
{
	uint32_t a;
	uint64_t len = PREFIX_LEN_MAX;

	if (take_ipv4(&s, &a) < 0)
		return CFG_PARSE_SYNTAX;
	if (*s == '/') {
		s++;
		if (take_digits(&s, &len) < 0 || *s || len > PREFIX_LEN_MAX)
			return CFG_PARSE_SYNTAX;
	} else if (*s) {
		return CFG_PARSE_SYNTAX;
	}
	out->addr = a;
	out->len = (uint8_t)len;
	return 0;
}

int cfg_parse_range(const char *s, struct cfg_ip_range *out)
{
	const char *dash = strchr(s, '-');
	struct cfg_prefix p;

	if (dash) {
		char first[ADDR_TEXT_MAX + 1];
		size_t n = (size_t)(dash - s);
		uint32_t a, b;

		if (n > ADDR_TEXT_MAX)
			return CFG_PARSE_SYNTAX;
		memcpy(first, s, n);
		first[n] = '\0';
		if (cfg_parse_ipv4(first, &a) < 0 || cfg_parse_ipv4(dash + 1, &b) < 0)
			return CFG_PARSE_SYNTAX;
		if (a > b)
			return CFG_PARSE_RANGE;
		out->first = a;
		out->last = b;
		return 0;
	}
	if (cfg_parse_prefix(s, &p) < 0)
		return CFG_PARSE_SYNTAX;
	out->first = p.addr & cfg_prefix_mask(p.len);
	out->last = out->first | ~cfg_prefix_mask(p.len);
	return 0;
}

void cfg_format_ipv4(uint32_t addr, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & IPV4_OCTET_MAX,
		 (addr >> 8) & IPV4_OCTET_MAX, addr & IPV4_OCTET_MAX);
}

void cfg_format_prefix(const struct cfg_prefix *p, char *buf, size_t len)
{
	char a[CFG_IPV4_STRLEN];

	cfg_format_ipv4(p->addr, a, sizeof(a));
	snprintf(buf, len, "%s/%u", a, p->len);
}

/* An aligned block is written as a prefix, one address bare, anything else "a-b". */
void cfg_format_range(const struct cfg_ip_range *r, char *buf, size_t len)
{
	char a[CFG_IPV4_STRLEN], b[CFG_IPV4_STRLEN];

	cfg_format_ipv4(r->first, a, sizeof(a));
	if (r->first == r->last) {
		snprintf(buf, len, "%s", a);
		return;
	}
	for (uint8_t plen = 0; plen < PREFIX_LEN_MAX; plen++) {
		uint32_t m = cfg_prefix_mask(plen);

		if ((r->first & ~m) == 0 && r->last == (r->first | ~m)) {
			snprintf(buf, len, "%s/%u", a, plen);
			return;
		}
	}
	cfg_format_ipv4(r->last, b, sizeof(b));
	snprintf(buf, len, "%s-%s", a, b);
}

/* ---- durations ---- */

struct duration_unit {
	const char *suffix;
	uint64_t ms;
};

/* Largest first: a duration names each unit at most once, in this order. */
static const struct duration_unit duration_units[] = {
	{ "w", S_PER_WEEK * MS_PER_S },
	{ "d", S_PER_DAY * MS_PER_S },
	{ "h", S_PER_HOUR * MS_PER_S },
	{ "ms", 1 },      /* before "m" so "300ms" is not 300 minutes and an "s" */
	{ "m", S_PER_MIN * MS_PER_S },
	{ "s", MS_PER_S },
};
#define N_DURATION_UNITS (sizeof(duration_units) / sizeof(duration_units[0]))

/* Rank for ordering: "ms" is the smallest unit even though it is matched before "m". */
static unsigned int unit_rank(const struct duration_unit *u)
{
	return u->ms == 1 ? (unsigned int)N_DURATION_UNITS : (unsigned int)(u - duration_units);
}

/*
 * "30" (seconds), "30s", "1m", "1h30m", "1d2h", "2w", and with allow_ms "300ms".
 * The result is in milliseconds; RANGE when it exceeds max_ms.
 */
static int parse_duration(const char *s, bool allow_ms, uint64_t max_ms, uint64_t *out_ms)
{
	uint64_t total = 0, v;
	unsigned int last_rank = 0;
	bool first = true, too_big = false;
	int rc;

	rc = take_digits(&s, &v);
	if (rc != CFG_PARSE_SYNTAX && *s == '\0') {
		/* A bare number is seconds. */
		if (rc == CFG_PARSE_RANGE || v > max_ms / MS_PER_S)
			return CFG_PARSE_RANGE;
		*out_ms = v * MS_PER_S;
		return 0;
	}
	for (;;) {
		const struct duration_unit *u = NULL;

		if (rc == CFG_PARSE_RANGE)
			too_big = true;
		else if (rc < 0)
			return CFG_PARSE_SYNTAX;
		for (size_t i = 0; i < N_DURATION_UNITS; i++) {
			size_t n = strlen(duration_units[i].suffix);

			if (strncmp(s, duration_units[i].suffix, n) == 0) {
				u = &duration_units[i];
				s += n;
				break;
			}
		}
		if (!u || (u->ms == 1 && !allow_ms))
			return CFG_PARSE_SYNTAX;
		if (!first && unit_rank(u) <= last_rank)
			return CFG_PARSE_SYNTAX;
		last_rank = unit_rank(u);
		first = false;
		if (!too_big) {
			if (v > (UINT64_MAX - total) / u->ms)
				too_big = true;
			else
				total += v * u->ms;
		}
		if (*s == '\0')
			break;
		rc = take_digits(&s, &v);
	}
	if (too_big || total > max_ms)
		return CFG_PARSE_RANGE;
	*out_ms = total;
	return 0;
}

int cfg_parse_duration(const char *s, uint32_t *seconds)
{
	uint64_t ms;
	int rc = parse_duration(s, false, (uint64_t)UINT32_MAX * MS_PER_S, &ms);

	if (rc < 0)
		return rc;
	*seconds = (uint32_t)(ms / MS_PER_S);
	return 0;
}

int cfg_parse_duration_ms(const char *s, uint32_t *ms)
{
	uint64_t v;
	int rc = parse_duration(s, true, UINT32_MAX, &v);

	if (rc < 0)
		return rc;
	*ms = (uint32_t)v;
	return 0;
}

void cfg_format_duration(uint32_t seconds, char *buf, size_t len)
{
	static const struct { char unit; uint64_t s; } parts[] = {
		{ 'w', S_PER_WEEK }, { 'd', S_PER_DAY }, { 'h', S_PER_HOUR },
		{ 'm', S_PER_MIN }, { 's', 1 },
	};
	uint64_t left = seconds;
	size_t used = 0;

	if (len == 0)
		return;
	buf[0] = '\0';
	if (seconds == 0) {
		snprintf(buf, len, "0s");
		return;
	}
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]) && left; i++) {
		uint64_t n = left / parts[i].s;
		int w;

		if (n == 0)
			continue;
		left -= n * parts[i].s;
		w = snprintf(buf + used, len - used, "%llu%c", (unsigned long long)n, parts[i].unit);
		if (w < 0 || (size_t)w >= len - used)
			return;
		used += (size_t)w;
	}
}

void cfg_format_duration_ms(uint32_t ms, char *buf, size_t len)
{
	snprintf(buf, len, "%ums", ms);
}

/* ---- word lists ---- */

/* Comma-separated words of one set into a bit set; unknown or repeated words fail. */
static int parse_word_set(const struct cfg_words *w, const char *s, uint32_t *set)
{
	uint32_t bits = 0;

	if (*s == '\0')
		return CFG_PARSE_SYNTAX;
	for (;;) {
		const char *comma = strchr(s, ',');
		size_t n = comma ? (size_t)(comma - s) : strlen(s);
		char word[WORD_TEXT_MAX];
		int i;

		if (n == 0 || n >= sizeof(word))
			return CFG_PARSE_SYNTAX;
		memcpy(word, s, n);
		word[n] = '\0';
		i = cfg_word_index(w, word);
		if (i < 0 || (bits & (1u << i)))
			return CFG_PARSE_SYNTAX;
		bits |= 1u << i;
		if (!comma)
			break;
		s = comma + 1;
	}
	*set = bits;
	return 0;
}

static void format_word_set(const struct cfg_words *w, uint32_t set, char *buf, size_t len)
{
	size_t used = 0;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (unsigned int i = 0; i < w->n; i++) {
		int n;

		if (!(set & (1u << i)))
			continue;
		n = snprintf(buf + used, len - used, "%s%s", used ? "," : "", w->names[i]);
		if (n < 0 || (size_t)n >= len - used)
			return;
		used += (size_t)n;
	}
}

int cfg_parse_auth_list(const char *s, uint32_t *set)
{
	return parse_word_set(&cfg_auth_words, s, set);
}

void cfg_format_auth_list(uint32_t set, char *buf, size_t len)
{
	format_word_set(&cfg_auth_words, set, buf, len);
}

void cfg_format_radius_service(uint32_t set, char *buf, size_t len)
{
	format_word_set(&cfg_radius_service_words, set, buf, len);
}

/* ---- mrru ---- */

int cfg_parse_mrru(const char *s, uint16_t *out)
{
	uint64_t v;
	int rc;

	if (strcmp(s, "disabled") == 0) {
		*out = 0;
		return 0;
	}
	rc = cfg_parse_uint(s, UINT64_MAX, &v);
	if (rc < 0)
		return rc;
	if (v < CFG_MRRU_MIN || v > CFG_MRRU_MAX)
		return CFG_PARSE_RANGE;
	*out = (uint16_t)v;
	return 0;
}

void cfg_format_mrru(uint16_t mrru, char *buf, size_t len)
{
	if (mrru == 0)
		snprintf(buf, len, "disabled");
	else
		snprintf(buf, len, "%u", mrru);
}

/* ---- rate-limit ---- */

/* One rate: digits with an optional k/K, M or G suffix (decimal, as RouterOS). */
static int take_rate(const char **sp, uint64_t *out)
{
	uint64_t v, mult = 1;
	int rc = take_digits(sp, &v);

	if (rc < 0)
		return rc;
	switch (**sp) {
	case 'k':
	case 'K':
		mult = RATE_K;
		break;
	case 'M':
		mult = RATE_M;
		break;
	case 'G':
		mult = RATE_G;
		break;
	default:
		break;
	}
	if (mult != 1)
		(*sp)++;
	if (v > UINT64_MAX / mult)
		return CFG_PARSE_RANGE;
	*out = v * mult;
	return 0;
}

/* "rx/tx" or "rx" (both directions); "" means unlimited (unset). */
int cfg_parse_rate_limit(const char *s, struct cfg_rate_limit *out)
{
	uint64_t rx, tx;
	int rc;

	if (*s == '\0') {
		out->is_set = false;
		out->rx_bps = out->tx_bps = 0;
		return 0;
	}
	rc = take_rate(&s, &rx);
	if (rc < 0)
		return rc;
	tx = rx;
	if (*s == '/') {
		s++;
		rc = take_rate(&s, &tx);
		if (rc < 0)
			return rc;
	}
	if (*s)
		return CFG_PARSE_SYNTAX;
	out->is_set = true;
	out->rx_bps = rx;
	out->tx_bps = tx;
	return 0;
}

static void format_rate(uint64_t v, char *buf, size_t len)
{
	if (v != 0 && v % RATE_G == 0)
		snprintf(buf, len, "%lluG", (unsigned long long)(v / RATE_G));
	else if (v != 0 && v % RATE_M == 0)
		snprintf(buf, len, "%lluM", (unsigned long long)(v / RATE_M));
	else if (v != 0 && v % RATE_K == 0)
		snprintf(buf, len, "%lluk", (unsigned long long)(v / RATE_K));
	else
		snprintf(buf, len, "%llu", (unsigned long long)v);
}

void cfg_format_rate_limit(const struct cfg_rate_limit *r, char *buf, size_t len)
{
	char rx[CFG_RATE_STRLEN / 2], tx[CFG_RATE_STRLEN / 2];

	if (!r->is_set) {
		snprintf(buf, len, "%s", "");
		return;
	}
	format_rate(r->rx_bps, rx, sizeof(rx));
	format_rate(r->tx_bps, tx, sizeof(tx));
	snprintf(buf, len, "%s/%s", rx, tx);
}

/* ---- lcore lists ---- */

static void lcore_set_add(struct cfg_lcore_set *set, unsigned int id)
{
	set->bits[id / BITS_PER_WORD] |= 1ull << (id % BITS_PER_WORD);
}

bool cfg_lcore_set_has(const struct cfg_lcore_set *set, unsigned int id)
{
	return id <= CFG_LCORE_ID_MAX &&
	       (set->bits[id / BITS_PER_WORD] & (1ull << (id % BITS_PER_WORD)));
}

int cfg_lcore_set_first(const struct cfg_lcore_set *set)
{
	for (unsigned int id = 0; id <= CFG_LCORE_ID_MAX; id++)
		if (cfg_lcore_set_has(set, id))
			return (int)id;
	return -1;
}

/* EAL "-l" syntax: comma-separated ids or "lo-hi" ranges. */
int cfg_parse_lcores(const char *s, struct cfg_lcore_set *out)
{
	struct cfg_lcore_set set;
	bool too_big = false;

	memset(&set, 0, sizeof(set));
	for (;;) {
		uint64_t lo, hi;
		int rc = take_digits(&s, &lo);

		if (rc == CFG_PARSE_SYNTAX)
			return CFG_PARSE_SYNTAX;
		if (rc == CFG_PARSE_RANGE)
			too_big = true;
		hi = lo;
		if (*s == '-') {
			s++;
			rc = take_digits(&s, &hi);
			if (rc == CFG_PARSE_SYNTAX)
				return CFG_PARSE_SYNTAX;
			if (rc == CFG_PARSE_RANGE)
				too_big = true;
		}
		if (!too_big) {
			if (hi < lo)
				return CFG_PARSE_SYNTAX;
			if (hi > CFG_LCORE_ID_MAX)
				too_big = true;
			else
				for (uint64_t id = lo; id <= hi; id++)
					lcore_set_add(&set, (unsigned int)id);
		}
		if (*s == '\0')
			break;
		if (*s++ != ',')
			return CFG_PARSE_SYNTAX;
	}
	if (too_big)
		return CFG_PARSE_RANGE;
	*out = set;
	return 0;
}
