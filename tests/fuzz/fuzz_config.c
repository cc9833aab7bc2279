/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the JSON config loader and the value parsers the CLI
 * shares (common/config*.c).
 *
 * Beyond "no crash, no leak": a rejected config must say why (at least one
 * message); an accepted one must pass cfg_validate, survive the writer
 * (written text loads again, and writing that gives the same text) and a deep
 * copy. Every value a parser accepts must format back to text that parses to
 * the same value. Any break aborts.
 * Seed corpus: conf/ (e.g. ./fuzz_config -max_total_time=60 CORPUS_DIR ../conf).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

#define VALUE_MAX 256   /* longer inputs are not worth trying as one value */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_config_round_trip(const struct pg_config *cfg)
{
	struct pg_config again, copy;
	struct cfg_errors err;
	char *text, *text2 = NULL, *text3 = NULL;

	cfg_errors_init(&err);
	if (cfg_validate(cfg, &err) != 0 || err.n != 0)
		abort();
	text = cfg_to_json(cfg);
	if (!text)
		abort();
	if (cfg_load_string(text, &again, &err) != 0)
		abort();
	text2 = cfg_to_json(&again);
	if (!text2 || strcmp(text, text2) != 0)
		abort();
	if (cfg_copy(&copy, &again) != 0)
		abort();
	text3 = cfg_to_json(&copy);
	if (!text3 || strcmp(text, text3) != 0)
		abort();
	cfg_free(&copy);
	cfg_free(&again);
	free(text3);
	free(text2);
	free(text);
	cfg_errors_free(&err);
}

/* Each parser on the raw input; what parses must format and parse back the same. */
static void check_values(const char *s)
{
	char buf[CFG_RATE_STRLEN > CFG_RANGE_STRLEN ? CFG_RATE_STRLEN : CFG_RANGE_STRLEN];
	struct cfg_prefix p, p2;
	struct cfg_ip_range r, r2;
	struct cfg_rate_limit rl, rl2;
	struct cfg_lcore_set ls;
	uint32_t u32, u32b;
	uint16_t u16, u16b;
	uint64_t u64;

	if (cfg_parse_ipv4(s, &u32) == 0) {
		cfg_format_ipv4(u32, buf, sizeof(buf));
		if (cfg_parse_ipv4(buf, &u32b) != 0 || u32 != u32b || strcmp(buf, s) != 0)
			abort();
	}
	if (cfg_parse_prefix(s, &p) == 0) {
		cfg_format_prefix(&p, buf, sizeof(buf));
		if (cfg_parse_prefix(buf, &p2) != 0 || p.addr != p2.addr || p.len != p2.len)
			abort();
	}
	if (cfg_parse_range(s, &r) == 0) {
		cfg_format_range(&r, buf, sizeof(buf));
		if (cfg_parse_range(buf, &r2) != 0 || r.first != r2.first || r.last != r2.last ||
		    r.first > r.last)
			abort();
	}
	if (cfg_parse_duration(s, &u32) == 0) {
		cfg_format_duration(u32, buf, sizeof(buf));
		if (cfg_parse_duration(buf, &u32b) != 0 || u32 != u32b)
			abort();
	}
	if (cfg_parse_duration_ms(s, &u32) == 0) {
		cfg_format_duration_ms(u32, buf, sizeof(buf));
		if (cfg_parse_duration_ms(buf, &u32b) != 0 || u32 != u32b)
			abort();
	}
	if (cfg_parse_rate_limit(s, &rl) == 0) {
		cfg_format_rate_limit(&rl, buf, sizeof(buf));
		if (cfg_parse_rate_limit(buf, &rl2) != 0 || rl.is_set != rl2.is_set ||
		    rl.rx_bps != rl2.rx_bps || rl.tx_bps != rl2.tx_bps)
			abort();
	}
	if (cfg_parse_mrru(s, &u16) == 0) {
		cfg_format_mrru(u16, buf, sizeof(buf));
		if (cfg_parse_mrru(buf, &u16b) != 0 || u16 != u16b)
			abort();
	}
	if (cfg_parse_auth_list(s, &u32) == 0) {
		cfg_format_auth_list(u32, buf, sizeof(buf));
		if (u32 == 0 || (u32 & ~(uint32_t)CFG_AUTH_ALL) ||
		    cfg_parse_auth_list(buf, &u32b) != 0 || u32 != u32b)
			abort();
	}
	if (cfg_parse_lcores(s, &ls) == 0 && cfg_lcore_set_first(&ls) < 0)
		abort();
	(void)cfg_parse_uint(s, UINT64_MAX, &u64);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pg_config cfg;
	struct cfg_errors err;
	char value[VALUE_MAX + 1];

	cfg_errors_init(&err);
	if (cfg_load_buffer((const char *)data, size, &cfg, &err) == 0) {
		if (err.n != 0)
			abort();
		check_config_round_trip(&cfg);
		cfg_free(&cfg);
	} else if (err.n == 0) {
		abort();
	}
	cfg_errors_free(&err);

	if (size <= VALUE_MAX && !memchr(data, '\0', size)) {
		memcpy(value, data, size);
		value[size] = '\0';
		check_values(value);
	}
	return 0;
}
