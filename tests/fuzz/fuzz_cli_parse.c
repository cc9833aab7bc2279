/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the CLI command layer: the tokenizer, path
 * resolution, every argument type, `where`, and (for what parses) running the
 * read-only prints over a small config and rendering them in every form.
 *
 * Beyond "no crash":
 *  - an error is one non-empty line;
 *  - whatever parses, written back in canonical form (every value quoted and
 *    escaped), parses again to the same arguments. Any difference aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_parse.h"
#include "config.h"
#include "cp.h"
#include "dataplane.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- what the prints read, faked (no EAL here) ---- */

unsigned int dp_port_count(void)
{
	return 1;
}

int dp_port_get(unsigned int idx, struct dp_port_info *out)
{
	if (idx > 0)
		return -1;
	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "ether1");
	out->mtu = 1500;
	out->link_up = true;
	return 0;
}

uint64_t dp_memory_used_bytes(void)
{
	return 0;
}

int cp_config_commit(struct cp_context *cp, struct cfg_errors *err)
{
	(void)cp;
	(void)err;
	return 0;
}

/* ---- a menu with every argument type ---- */

static const char *const only_one_values[] = { "default", "no", "yes", NULL };

static const struct cli_arg_spec fuzz_args[] = {
	{ .name = "numbers", .type = CLI_ARG_STRING, .flags = CLI_ARG_UNNAMED },
	{ .name = "name", .type = CLI_ARG_STRING, .max = CFG_NAME_MAX - 1 },
	{ .name = "connect-to", .type = CLI_ARG_IP },
	{ .name = "address", .type = CLI_ARG_PREFIX },
	{ .name = "disabled", .type = CLI_ARG_BOOL },
	{ .name = "max-mtu", .type = CLI_ARG_INT, .min = CFG_MTU_MIN, .max = CFG_MTU_MAX },
	{ .name = "use-encryption", .type = CLI_ARG_ENUM, .words = &cfg_use_encryption_words },
	{ .name = "only-one", .type = CLI_ARG_ENUM, .values = only_one_values },
	{ .name = "keepalive-timeout", .type = CLI_ARG_DURATION, .min = 1, .max = 86400 },
	{ .name = "allow", .type = CLI_ARG_AUTH_LIST },
	{ .name = "mrru", .type = CLI_ARG_MRRU },
	{ .name = "verbose", .type = CLI_ARG_FLAG },
};

static int fuzz_run(struct cli_ctx *ctx)
{
	(void)ctx;
	return 0;
}

static const struct cli_command fuzz_cmds[] = {
	{ .name = "set", .args = fuzz_args, .n_args = sizeof(fuzz_args) / sizeof(fuzz_args[0]),
	  .run = fuzz_run },
};

static struct cfg_ethernet eth[] = { { .name = "ether1", .device = "net_null0", .mtu = 1500 } };
static struct cfg_ip_address addr[] = { { .address = { 0xc0000201, 24 }, .interface = "ether1" } };
static struct cfg_ip_route route[] = { { .dst = { 0, 0 }, .gateway = 0xc00002fe, .distance = 1 } };
static struct cfg_ip_range ranges[] = { { 0x0a00000a, 0x0a0000fe } };
static struct cfg_ip_pool pool[] = { { .name = "pool \"1\"", .ranges = ranges, .n_ranges = 1 } };
static struct pg_config cfg;
static struct cp_context cp;

static void fuzz_init(void)
{
	log_init(CFG_LOG_ERROR, 0);
	cli_registry_reset();
	if (cli_cmds_system_register() || cli_register_menu("/fuzz", fuzz_cmds, 1))
		abort();
	snprintf(cfg.system.identity, sizeof(cfg.system.identity), "fuzz");
	cfg.ethernet = eth;
	cfg.n_ethernet = 1;
	cfg.ip_address = addr;
	cfg.n_ip_address = 1;
	cfg.ip_route = route;
	cfg.n_ip_route = 1;
	cfg.ip_pool = pool;
	cfg.n_ip_pool = 1;
	cp.cfg = &cfg;
	log_msg(CFG_LOG_ERROR, LOG_TOPIC_SYSTEM, "a \"logged\" line");
}

/* Append s to buf as a RouterOS "..." string; -1 when it does not fit. */
static int put_quoted(char *buf, size_t len, size_t *used, const char *s)
{
	if (*used + 2 >= len)
		return -1;
	buf[(*used)++] = '"';
	for (; *s; s++) {
		char c = *s, esc = 0;

		switch (c) {
		case '"':
		case '\\':
		case '$':
		case '?':
			esc = c;
			break;
		case '\n':
			esc = 'n';
			break;
		case '\t':
			esc = 't';
			break;
		case '\r':
			esc = 'r';
			break;
		default:
			break;
		}
		if (*used + 3 >= len)
			return -1;
		if (esc) {
			buf[(*used)++] = '\\';
			c = esc;
		}
		buf[(*used)++] = c;
	}
	if (*used + 2 >= len)
		return -1;
	buf[(*used)++] = '"';
	buf[*used] = '\0';
	return 0;
}

/* The parsed command written back: path, then name="value" for every argument. */
static int canonical(const struct cli_parsed *p, char *buf, size_t len)
{
	size_t used = (size_t)snprintf(buf, len, "%s", p->path);

	for (unsigned int i = 0; i < p->args.n; i++) {
		const struct cli_arg *a = &p->args.a[i];
		int n = snprintf(buf + used, len - used, " %s%s", a->spec->name,
				 a->spec->type == CLI_ARG_FLAG ? "" : "=");

		if (n < 0 || (size_t)n >= len - used)
			return -1;
		used += (size_t)n;
		if (a->spec->type != CLI_ARG_FLAG && put_quoted(buf, len, &used, a->str))
			return -1;
	}
	return used <= CLI_LINE_MAX ? 0 : -1;
}

static void check_reparse(const struct cli_parsed *p)
{
	static struct cli_parsed again;
	static char line[CLI_LINE_MAX * 4];
	struct cli_error err;

	if (canonical(p, line, sizeof(line)))
		return;
	if (cli_parse_line(line, &again, &err) != 0)
		abort();
	if (again.cmd != p->cmd || again.args.n != p->args.n || strcmp(again.path, p->path))
		abort();
	for (unsigned int i = 0; i < p->args.n; i++)
		if (again.args.a[i].spec != p->args.a[i].spec ||
		    strcmp(again.args.a[i].str, p->args.a[i].str))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cli_parsed p;
	static bool ready;
	struct cli_error err;
	struct cli_reply r;
	char *line;

	if (!ready) {
		fuzz_init();
		ready = true;
	}
	if (size > CLI_LINE_MAX + 16)
		return 0;
	line = malloc(size + 1);
	if (!line)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';

	if (cli_parse_line(line, &p, &err)) {
		if (err.msg[0] == '\0' || strchr(err.msg, '\n'))
			abort();
	} else if (!p.empty) {
		check_reparse(&p);
		/* /system/resource reads /proc: correct, but slow for a fuzzer. */
		if (strcmp(p.path, "/system/resource/print") != 0) {
			cli_execute(&cp, line, false, &r);
			cli_reply_clear(&r);
			cli_execute(&cp, line, true, &r);
			cli_reply_clear(&r);
		}
	}
	free(line);
	return 0;
}
