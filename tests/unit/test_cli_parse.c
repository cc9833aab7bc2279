/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The CLI layer: RouterOS syntax (table of named good and bad lines with the
 * exact words a user sees), rendering (a fixed table in every form), the
 * read-only menus over a config built here, and the management socket end
 * to end (a temp socket on a private event loop, the client side in this test).
 *
 * No EAL: the few dataplane readers the menus call are faked below, as is
 * cp_config_commit (the lead's cp.c, which pulls in the whole control plane).
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/event.h>
#include <jansson.h>

#include "cli_parse.h"
#include "cli_table.h"
#include "config.h"
#include "cp.h"
#include "dataplane.h"
#include "log.h"
#include "mgmt.h"

/* ---- fakes ---- */

static struct dp_port_info fake_ports[2];
static unsigned int fake_n_ports;
static int commit_result;
static unsigned int commit_calls;

unsigned int dp_port_count(void)
{
	return fake_n_ports;
}

int dp_port_get(unsigned int idx, struct dp_port_info *out)
{
	if (idx >= fake_n_ports)
		return -1;
	*out = fake_ports[idx];
	return 0;
}

uint64_t dp_memory_used_bytes(void)
{
	return 96ull * 1024 * 1024;
}

int cp_config_commit(struct cp_context *cp, struct cfg_errors *err)
{
	(void)cp;
	commit_calls++;
	if (commit_result)
		cfg_errors_add(err, "ip.address[0].interface: \"ether9\" is not an ethernet name");
	return commit_result;
}

/* ---- a config built in code ---- */

static struct cfg_ethernet test_eth[] = {
	{ .name = "ether1", .device = "net_af_packet0,iface=wan0", .mtu = 1500 },
	{ .name = "ether2", .device = "0000:03:00.1", .mtu = 1500 },
};
static struct cfg_ip_address test_addr[] = {
	{ .address = { 0xc0000201, 24 }, .interface = "ether1" },   /* 192.0.2.1/24 */
	{ .address = { 0x0a000001, 8 }, .interface = "ether2" },    /* 10.0.0.1/8 */
};
static struct cfg_ip_route test_route[] = {
	{ .dst = { 0, 0 }, .gateway = 0xc00002fe, .distance = 1 },          /* via 192.0.2.254 */
	{ .dst = { 0xc6336400, 24 }, .gateway = 0xcb007101, .distance = 20 }, /* via 203.0.113.1 */
};
static struct cfg_ip_range test_ranges[] = {
	{ 0x0a00000a, 0x0a0000fe },   /* 10.0.0.10-10.0.0.254 */
	{ 0x0a010001, 0x0a010001 },   /* 10.1.0.1 */
};
static struct cfg_ip_pool test_pool[] = {
	{ .name = "pptp-pool", .ranges = test_ranges, .n_ranges = 2 },
};

static struct pg_config test_cfg;
static struct cp_context test_cp;

static void build_config(void)
{
	memset(&test_cfg, 0, sizeof(test_cfg));
	snprintf(test_cfg.system.identity, sizeof(test_cfg.system.identity), "gw-test");
	test_cfg.ethernet = test_eth;
	test_cfg.n_ethernet = 2;
	test_cfg.ip_address = test_addr;
	test_cfg.n_ip_address = 2;
	test_cfg.ip_route = test_route;
	test_cfg.n_ip_route = 2;
	test_cfg.ip_pool = test_pool;
	test_cfg.n_ip_pool = 1;

	memset(&test_cp, 0, sizeof(test_cp));
	test_cp.cfg = &test_cfg;
	test_cp.started = time(NULL) - 3723;   /* 1h2m3s */

	memset(fake_ports, 0, sizeof(fake_ports));
	snprintf(fake_ports[0].name, sizeof(fake_ports[0].name), "ether1");
	memcpy(fake_ports[0].mac, "\x02\x00\x00\x00\x00\x01", 6);
	fake_ports[0].mtu = 1500;
	fake_ports[0].link_up = true;
	snprintf(fake_ports[0].tap_ifname, sizeof(fake_ports[0].tap_ifname), "ether1");
	fake_ports[0].stats.rx_packets = 12;
	fake_ports[0].stats.rx_bytes = 3456;
	snprintf(fake_ports[1].name, sizeof(fake_ports[1].name), "ether2");
	memcpy(fake_ports[1].mac, "\x02\x00\x00\x00\x00\x02", 6);
	fake_ports[1].mtu = 1500;
	fake_ports[1].link_up = false;
	fake_n_ports = 2;
}

/* ---- a test menu with every argument type ---- */

static const char *const only_one_values[] = { "default", "no", "yes", NULL };

static const struct cli_arg_spec thing_args[] = {
	{ .name = "numbers", .type = CLI_ARG_STRING, .flags = CLI_ARG_UNNAMED },
	{ .name = "name", .type = CLI_ARG_STRING, .flags = CLI_ARG_REQUIRED, .max = CFG_NAME_MAX - 1 },
	{ .name = "connect-to", .type = CLI_ARG_IP },
	{ .name = "address", .type = CLI_ARG_PREFIX },
	{ .name = "disabled", .type = CLI_ARG_BOOL },
	{ .name = "max-mtu", .type = CLI_ARG_INT, .min = CFG_MTU_MIN, .max = CFG_MTU_MAX },
	{ .name = "use-encryption", .type = CLI_ARG_ENUM, .words = &cfg_use_encryption_words },
	{ .name = "only-one", .type = CLI_ARG_ENUM, .values = only_one_values },
	{ .name = "keepalive-timeout", .type = CLI_ARG_DURATION,
	  .min = CFG_KEEPALIVE_MIN, .max = CFG_KEEPALIVE_MAX },
	{ .name = "allow", .type = CLI_ARG_AUTH_LIST },
	{ .name = "mrru", .type = CLI_ARG_MRRU },
	{ .name = "comment", .type = CLI_ARG_STRING },
};

static const struct cli_arg_spec thing_remove_args[] = {
	{ .name = "numbers", .type = CLI_ARG_STRING, .flags = CLI_ARG_UNNAMED | CLI_ARG_REQUIRED },
};

static const struct cli_column thing_cols[] = {
	{ "name", CLI_COL_STR, 0 },
	{ "disabled", CLI_COL_BOOL, 0 },
};
static const struct cli_flag thing_flags[] = {
	{ .letter = 'X', .name = "DISABLED" },
};
static const struct cli_table_spec thing_table = {
	.layout = CLI_LAYOUT_TABLE, .flags = thing_flags, .n_flags = 1,
	.cols = thing_cols, .n_cols = 2,
};

static int thing_set(struct cli_ctx *ctx)
{
	const struct cli_arg *name = cli_args_find(ctx->args, "name");

	cli_buf_printf(ctx->out, "set %s\n", name->str);
	return 0;
}

static int thing_add(struct cli_ctx *ctx)
{
	if (cli_commit(ctx))
		return -1;
	ctx->data = json_pack("{s:s}", "ret", "*1");
	return 0;
}

static int thing_remove(struct cli_ctx *ctx)
{
	return cli_fail(ctx, "failure: %s is in use", cli_args_find(ctx->args, "numbers")->str);
}

static int thing_fill(struct cli_ctx *ctx, struct cli_table *t)
{
	(void)ctx;
	cli_table_add_row(t);
	cli_table_set(t, "name", "a");
	cli_table_set_bool(t, "disabled", false);
	cli_table_add_row(t);
	cli_table_set_flag(t, 'X');
	cli_table_set(t, "name", "b");
	cli_table_set_bool(t, "disabled", true);
	return 0;
}

static const struct cli_command thing_cmds[] = {
	{ .name = "set", .args = thing_args, .n_args = 12, .run = thing_set },
	{ .name = "add", .args = thing_args + 1, .n_args = 11, .run = thing_add },
	{ .name = "remove", .args = thing_remove_args, .n_args = 1, .run = thing_remove },
	{ .name = "print", .fill = thing_fill, .table = &thing_table },
};

static int register_all(void **state)
{
	(void)state;
	cli_registry_reset();
	if (cli_cmds_system_register() || cli_register_menu("/test", thing_cmds, 4))
		return -1;
	build_config();
	return 0;
}

/* ---- parser: table of named cases ---- */

struct parse_case {
	const char *name;
	const char *line;
	const char *path;    /* expected resolved path; NULL: an error is expected */
	const char *args;    /* "name=value ..." as parsed (flags bare) */
	const char *error;   /* exact message */
};

static const struct parse_case parse_cases[] = {
	/* both path styles and their mixtures */
	{ "slash path", "/ip/address/print", "/ip/address/print", "", NULL },
	{ "space path", "ip address print", "/ip/address/print", "", NULL },
	{ "slash then spaces", "/ip address print", "/ip/address/print", "", NULL },
	{ "partial slashes", "ip/address print", "/ip/address/print", "", NULL },
	{ "extra spaces and tabs", "  /ip\t address   print  ", "/ip/address/print", "", NULL },
	{ "trailing slash", "/ip/address/print/", "/ip/address/print", "", NULL },
	{ "print flags", "/interface/ethernet/print detail without-paging",
	  "/interface/ethernet/print", "detail without-paging", NULL },
	{ "where clause", "/ip/address/print where interface=ether1 and !dynamic",
	  "/ip/address/print", "", NULL },
	{ "every type", "/test/set name=x connect-to=192.168.62.2 address=10.0.0.1/24 disabled=no "
	  "max-mtu=1450 use-encryption=required only-one=yes keepalive-timeout=1m "
	  "allow=pap,mschap2 mrru=disabled",
	  "/test/set", "name=x connect-to=192.168.62.2 address=10.0.0.1/24 disabled=no "
	  "max-mtu=1450 use-encryption=required only-one=yes keepalive-timeout=1m "
	  "allow=pap,mschap2 mrru=disabled", NULL },
	{ "quoted value with escapes", "/test/set name=\"a \\\"b\\\" \\\\c\"",
	  "/test/set", "name=a \"b\" \\c", NULL },
	{ "empty quoted value", "/test/set name=x comment=\"\"", "/test/set", "name=x comment=", NULL },
	{ "empty bare value", "/test/set name=x comment=", "/test/set", "name=x comment=", NULL },
	{ "value holding =", "/test/set name=a=b", "/test/set", "name=a=b", NULL },
	{ "unnamed item", "/test/set pptp-out1 name=x", "/test/set", "numbers=pptp-out1 name=x", NULL },
	{ "quoted unnamed item", "/test/set \"my if\" name=x", "/test/set", "numbers=my if name=x", NULL },
	{ "numbers by name", "/test/set numbers=0,1 name=x", "/test/set", "numbers=0,1 name=x", NULL },
	{ "utf-8 value", "/test/set name=\xc3\xa9t\xc3\xa9", "/test/set", "name=\xc3\xa9t\xc3\xa9", NULL },

	/* unknown words */
	{ "unknown menu", "/ip/foo/print", NULL, NULL, "bad command name foo (line 1 column 5)" },
	{ "unknown menu, spaces", "ip foo print", NULL, NULL, "bad command name foo (line 1 column 4)" },
	{ "unknown top menu", "foo", NULL, NULL, "bad command name foo (line 1 column 1)" },
	{ "unknown command", "/interface/ethernet/frobnicate", NULL, NULL,
	  "bad command name frobnicate (line 1 column 21)" },
	{ "abbreviation is not a name", "/ip/addr/print", NULL, NULL,
	  "bad command name addr (line 1 column 5)" },
	{ "case matters", "/IP/address/print", NULL, NULL, "bad command name IP (line 1 column 2)" },
	{ "menu without command", "/ip/address", NULL, NULL,
	  "expected command name (line 1 column 12)" },
	{ "argument before command", "/ip/address name=x", NULL, NULL,
	  "expected command name (line 1 column 13)" },
	{ "empty quoted word in path", "/ip \"\" address print", NULL, NULL,
	  "expected command name (line 1 column 5)" },
	{ "quoted path word", "/ip \"address\" print", "/ip/address/print", "", NULL },
	{ "root alone", "/", NULL, NULL, "expected command name (line 1 column 2)" },

	/* junk after a complete command */
	{ "junk word", "/ip/address/print junk", NULL, NULL,
	  "expected end of command (line 1 column 19)" },
	{ "junk path segment", "/ip/address/print/junk", NULL, NULL,
	  "expected end of command (line 1 column 19)" },
	{ "unknown argument", "/ip/address/print foo=bar", NULL, NULL,
	  "expected end of command (line 1 column 19)" },
	{ "flag given a value", "/ip/address/print detail=yes", NULL, NULL,
	  "expected end of command (line 1 column 19)" },
	{ "second unnamed", "/test/set a b name=x", NULL, NULL,
	  "expected end of command (line 1 column 13)" },
	{ "where unknown property", "/ip/address/print where foo=1", NULL, NULL,
	  "expected end of command (line 1 column 25)" },
	{ "where unknown flag", "/ip/address/print where running", NULL, NULL,
	  "expected end of command (line 1 column 25)" },

	/* lexical errors */
	{ "=value with no name", "/test/set =x", NULL, NULL, "syntax error (line 1 column 11)" },
	{ "unterminated quote", "/test/set name=\"abc", NULL, NULL,
	  "syntax error (line 1 column 16)" },
	{ "unterminated quote ends in backslash", "/test/set name=\"abc\\", NULL, NULL,
	  "syntax error (line 1 column 20)" },
	{ "bad escape", "/test/set name=\"a\\qb\"", NULL, NULL, "syntax error (line 1 column 18)" },
	{ "quote inside a bare value", "/test/set name=ab\"c", NULL, NULL,
	  "syntax error (line 1 column 18)" },
	{ "text after a closing quote", "/test/set name=\"ab\"c", NULL, NULL,
	  "syntax error (line 1 column 20)" },
	{ "control character", "/ip/address/print\x01", NULL, NULL,
	  "syntax error (line 1 column 18)" },

	/* argument values */
	{ "duplicate argument", "/test/set name=a name=b", NULL, NULL,
	  "duplicate argument name (line 1 column 18)" },
	{ "duplicate flag", "/ip/address/print detail detail", NULL, NULL,
	  "duplicate argument detail (line 1 column 26)" },
	{ "missing required", "/test/set disabled=yes", NULL, NULL,
	  "missing value(s) of argument(s) name" },
	{ "missing unnamed required", "/test/remove", NULL, NULL,
	  "missing value(s) of argument(s) numbers" },
	{ "bad enum", "/test/set name=x use-encryption=maybe", NULL, NULL,
	  "input does not match any value of use-encryption" },
	{ "bad enum from values", "/test/set name=x only-one=sometimes", NULL, NULL,
	  "input does not match any value of only-one" },
	{ "bad bool", "/test/set name=x disabled=maybe", NULL, NULL,
	  "input does not match any value of disabled" },
	{ "number too big", "/test/set name=x max-mtu=99999", NULL, NULL,
	  "value of max-mtu out of range (64..65535)" },
	{ "number too small", "/test/set name=x max-mtu=0", NULL, NULL,
	  "value of max-mtu out of range (64..65535)" },
	{ "negative number", "/test/set name=x max-mtu=-1500", NULL, NULL,
	  "value of max-mtu out of range (64..65535)" },
	{ "not a number", "/test/set name=x max-mtu=abc", NULL, NULL,
	  "value of max-mtu out of range (64..65535)" },
	{ "huge number", "/test/set name=x max-mtu=99999999999999999999999", NULL, NULL,
	  "value of max-mtu out of range (64..65535)" },
	{ "bad address", "/test/set name=x connect-to=192.168.62", NULL, NULL,
	  "invalid value for argument connect-to" },
	{ "bad prefix", "/test/set name=x address=10.0.0.1/33", NULL, NULL,
	  "invalid value for argument address" },
	{ "bad duration", "/test/set name=x keepalive-timeout=soon", NULL, NULL,
	  "invalid value for argument keepalive-timeout" },
	{ "duration out of range", "/test/set name=x keepalive-timeout=2d", NULL, NULL,
	  "value of keepalive-timeout out of range (1s..1d)" },
	{ "bad auth list", "/test/set name=x allow=pap,foo", NULL, NULL,
	  "input does not match any value of allow" },
	{ "mrru too small", "/test/set name=x mrru=1400", NULL, NULL,
	  "value of mrru out of range (1500..16384)" },
	{ "mrru word", "/test/set name=x mrru=enabled", NULL, NULL,
	  "input does not match any value of mrru" },
	{ "string too long", "/test/set name=0123456789012345678901234567890123456789"
	  "012345678901234567890123", NULL, NULL, "value of name too long (max 63 bytes)" },
};

static void format_args(const struct cli_parsed *p, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < p->args.n && used < len; i++) {
		const struct cli_arg *a = &p->args.a[i];
		int n;

		if (a->spec->type == CLI_ARG_FLAG)
			n = snprintf(buf + used, len - used, "%s%s", i ? " " : "", a->spec->name);
		else
			n = snprintf(buf + used, len - used, "%s%s=%s", i ? " " : "", a->spec->name,
				     a->str);
		if (n > 0)
			used += (size_t)n;
	}
}

static void test_parse_table(void **state)
{
	static struct cli_parsed p;
	char args[1024];

	(void)state;
	for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		const struct parse_case *c = &parse_cases[i];
		struct cli_error err;
		int rc = cli_parse_line(c->line, &p, &err);

		if (c->path) {
			if (rc)
				fail_msg("%s: unexpected error \"%s\"", c->name, err.msg);
			format_args(&p, args, sizeof(args));
			if (strcmp(p.path, c->path) || strcmp(args, c->args))
				fail_msg("%s: got %s [%s], want %s [%s]", c->name, p.path, args,
					 c->path, c->args);
		} else if (rc != -1 || strcmp(err.msg, c->error)) {
			fail_msg("%s: got %d \"%s\", want \"%s\"", c->name, rc, rc ? err.msg : "",
				 c->error);
		}
	}
}

static void test_parse_empty_lines(void **state)
{
	static struct cli_parsed p;
	static const char *const blanks[] = { "", " ", "\t \r\n" };
	struct cli_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(blanks) / sizeof(blanks[0]); i++) {
		assert_int_equal(cli_parse_line(blanks[i], &p, &err), 0);
		assert_true(p.empty);
		assert_null(p.cmd);
	}
}

static void test_parse_long_lines(void **state)
{
	static struct cli_parsed p;
	static char line[CLI_LINE_MAX + 2];
	struct cli_error err;
	size_t n;

	(void)state;
	/* One byte over the limit. */
	memset(line, 'a', CLI_LINE_MAX + 1);
	line[CLI_LINE_MAX + 1] = '\0';
	assert_int_equal(cli_parse_line(line, &p, &err), -1);
	assert_string_equal(err.msg, "command line too long (max 4096 bytes)");

	/* Exactly at the limit: parsed (and refused on its merits). */
	n = (size_t)snprintf(line, sizeof(line), "/test/set name=x comment=");
	memset(line + n, 'c', CLI_LINE_MAX - n);
	line[CLI_LINE_MAX] = '\0';
	assert_int_equal(cli_parse_line(line, &p, &err), -1);
	assert_string_equal(err.msg, "value of comment too long (max 255 bytes)");

	/* 70 words: the 65th is one too many. */
	n = (size_t)snprintf(line, sizeof(line), "/ip/address/print");
	for (int i = 0; i < 70; i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, " x");
	assert_int_equal(cli_parse_line(line, &p, &err), -1);
	assert_string_equal(err.msg, "too many words (max 64) (line 1 column 145)");
}

static void test_parse_typed_values(void **state)
{
	static struct cli_parsed p;
	struct cli_error err;

	(void)state;
	assert_int_equal(cli_parse_line("/test/set name=x connect-to=192.168.62.2 address=10.0.0.1/24 "
					"disabled=true max-mtu=1450 use-encryption=required "
					"only-one=yes keepalive-timeout=1h30m allow=mschap2,pap mrru=1600",
					&p, &err), 0);
	assert_int_equal(cli_args_find(&p.args, "connect-to")->v.ip, 0xc0a83e02);
	assert_int_equal(cli_args_find(&p.args, "address")->v.prefix.addr, 0x0a000001);
	assert_int_equal(cli_args_find(&p.args, "address")->v.prefix.len, 24);
	assert_true(cli_args_find(&p.args, "disabled")->v.b);
	assert_int_equal(cli_args_find(&p.args, "max-mtu")->v.i, 1450);
	assert_int_equal(cli_args_find(&p.args, "use-encryption")->v.e, CFG_ENC_REQUIRED);
	assert_int_equal(cli_args_find(&p.args, "only-one")->v.e, 2);
	assert_int_equal(cli_args_find(&p.args, "keepalive-timeout")->v.seconds, 5400);
	assert_int_equal(cli_args_find(&p.args, "allow")->v.auth, CFG_AUTH_PAP | CFG_AUTH_MSCHAP2);
	assert_int_equal(cli_args_find(&p.args, "mrru")->v.mrru, 1600);
	assert_int_equal(cli_args_find(&p.args, "max-mtu")->column, 76);
	assert_null(cli_args_find(&p.args, "comment"));

	assert_int_equal(cli_parse_line("/ip/route/print terse where !dynamic distance!=1 static",
					&p, &err), 0);
	assert_int_equal(p.form, CLI_FORM_TERSE);
	assert_int_equal(p.n_where, 3);
	assert_true(p.where[0].negate);
	assert_true(p.where[0].flag >= 0);
	assert_true(p.where[1].negate);
	assert_string_equal(p.where[1].value, "1");
	assert_false(p.where[2].negate);
}

/* ---- registration API ---- */

static int ok_run(struct cli_ctx *ctx)
{
	(void)ctx;
	return 0;
}

static void test_register_rules(void **state)
{
	static const struct cli_command one[] = { { .name = "go", .run = ok_run } };
	static const struct cli_command print_no_table[] = { { .name = "print", .fill = thing_fill } };
	static const struct cli_command both[] = {
		{ .name = "print", .run = ok_run, .fill = thing_fill, .table = &thing_table },
	};
	static const struct cli_arg_spec two_unnamed[] = {
		{ .name = "a", .type = CLI_ARG_STRING, .flags = CLI_ARG_UNNAMED },
		{ .name = "b", .type = CLI_ARG_STRING, .flags = CLI_ARG_UNNAMED },
	};
	static const struct cli_command bad_args[] = {
		{ .name = "go", .args = two_unnamed, .n_args = 2, .run = ok_run },
	};
	static const struct cli_command menu_clash[] = { { .name = "address", .run = ok_run } };
	static const struct cli_command twice[] = {
		{ .name = "go", .run = ok_run }, { .name = "go", .run = ok_run },
	};
	static struct cli_parsed p;
	struct cli_error err;

	(void)state;
	assert_int_equal(cli_register_menu("/x/y", one, 1), 0);
	assert_int_equal(cli_register_menu("/x/y", one, 1), -1);            /* already there */
	assert_int_equal(cli_register_menu("x/z", one, 1), -1);             /* not absolute */
	assert_int_equal(cli_register_menu("/x/z", print_no_table, 1), -1);
	assert_int_equal(cli_register_menu("/x/z", both, 1), -1);
	assert_int_equal(cli_register_menu("/x/z", bad_args, 1), -1);
	assert_int_equal(cli_register_menu("/x/z", twice, 2), -1);
	assert_int_equal(cli_register_menu("/ip", menu_clash, 1), -1);      /* /ip/address is a menu */
	assert_int_equal(cli_register_menu("/x/y/go/deeper", one, 1), -1);  /* go is a command */
	/* A second set of commands may join an existing menu. */
	assert_int_equal(cli_register_menu("/ip/address", one, 1), 0);
	assert_int_equal(cli_parse_line("/ip/address/go", &p, &err), 0);
	assert_int_equal(cli_parse_line("/x/y/go", &p, &err), 0);
	assert_int_equal(register_all(NULL), 0);
	assert_int_equal(cli_parse_line("/x/y/go", &p, &err), -1);
	assert_string_equal(err.msg, "bad command name x (line 1 column 2)");
}

static const char *item_name(unsigned int i, void *arg)
{
	static const char *const names[] = { "pptp-out1", "pptp-out2", "pptp-out3" };

	(void)arg;
	return names[i];
}

static void test_items_resolve(void **state)
{
	unsigned int idx[4];
	struct cli_error err;

	(void)state;
	assert_int_equal(cli_items_resolve("0", 3, item_name, NULL, idx, 4, &err), 1);
	assert_int_equal(idx[0], 0);
	assert_int_equal(cli_items_resolve("pptp-out3,0,pptp-out3", 3, item_name, NULL, idx, 4, &err), 2);
	assert_int_equal(idx[0], 2);
	assert_int_equal(idx[1], 0);
	assert_int_equal(cli_items_resolve("*2", 3, item_name, NULL, idx, 4, &err), 1);
	assert_int_equal(idx[0], 1);
	assert_int_equal(cli_items_resolve("3", 3, item_name, NULL, idx, 4, &err), -1);
	assert_string_equal(err.msg, "no such item");
	assert_int_equal(cli_items_resolve("pptp-out9", 3, item_name, NULL, idx, 4, &err), -1);
	assert_int_equal(cli_items_resolve("", 3, item_name, NULL, idx, 4, &err), -1);
	assert_int_equal(cli_items_resolve("0,,1", 3, item_name, NULL, idx, 4, &err), -1);
	assert_int_equal(cli_items_resolve("*0", 3, item_name, NULL, idx, 4, &err), -1);
	assert_int_equal(cli_items_resolve("0,1,2", 3, item_name, NULL, idx, 2, &err), -1);
	assert_string_equal(err.msg, "too many items (max 2)");
}

/* ---- rendering a fixed table ---- */

static const struct cli_flag demo_flags[] = {
	{ .letter = 'X', .name = "DISABLED", .group = 0, .hide_unused = true },
	{ .letter = 'R', .name = "RUNNING", .group = 1 },
};
static const struct cli_column demo_cols[] = {
	{ "name", CLI_COL_STR, 0 },
	{ "mtu", CLI_COL_NUM, 0 },
	{ "mac-address", CLI_COL_WORD, 0 },
	{ "comment", CLI_COL_STR, CLI_COL_DETAIL_ONLY },
};
static const struct cli_table_spec demo_spec = {
	.layout = CLI_LAYOUT_TABLE, .flags = demo_flags, .n_flags = 2,
	.cols = demo_cols, .n_cols = 4,
};

static struct cli_table *demo_table(void)
{
	struct cli_table *t = cli_table_new(&demo_spec);

	assert_non_null(t);
	assert_int_equal(cli_table_add_row(t), 0);
	assert_int_equal(cli_table_set_flag(t, 'R'), 0);
	assert_int_equal(cli_table_set(t, "name", "ether1"), 0);
	assert_int_equal(cli_table_set_num(t, "mtu", 1500), 0);
	assert_int_equal(cli_table_set(t, "mac-address", "02:00:00:00:00:01"), 0);
	assert_int_equal(cli_table_set(t, "comment", "uplink \"wan\" \\ provider"), 0);
	assert_int_equal(cli_table_add_row(t), 1);
	assert_int_equal(cli_table_set(t, "name", "ether2"), 0);
	assert_int_equal(cli_table_set_num(t, "mtu", 9000), 0);
	assert_false(cli_table_broken(t));
	return t;
}

static char *render(const struct cli_table *t, enum cli_form form)
{
	struct cli_buf b;

	cli_buf_init(&b);
	assert_int_equal(cli_table_render(t, form, &b), 0);
	return cli_buf_take(&b);
}

static void assert_json_text(json_t *got, const char *expected)
{
	json_error_t jerr;
	json_t *want = json_loads(expected, 0, &jerr);

	assert_non_null(want);
	assert_non_null(got);
	if (!json_equal(got, want)) {
		char *s = json_dumps(got, JSON_COMPACT);

		fail_msg("JSON differs: got %s", s);
	}
	json_decref(want);
}

static void test_render_forms(void **state)
{
	struct cli_table *t = demo_table();
	char *s;
	json_t *j;

	(void)state;
	s = render(t, CLI_FORM_DEFAULT);
	assert_string_equal(s,
		"Flags: R - RUNNING\n"
		"Columns: NAME, MTU, MAC-ADDRESS\n"
		"#   NAME     MTU  MAC-ADDRESS\n"
		"0 R ether1  1500  02:00:00:00:00:01\n"
		"1   ether2  9000\n");
	free(s);

	s = render(t, CLI_FORM_DETAIL);
	assert_string_equal(s,
		"Flags: R - RUNNING\n"
		"0 R name=\"ether1\" mtu=1500 mac-address=02:00:00:00:00:01\n"
		"    comment=\"uplink \\\"wan\\\" \\\\ provider\"\n"
		"\n"
		"1   name=\"ether2\" mtu=9000\n");
	free(s);

	s = render(t, CLI_FORM_TERSE);
	assert_string_equal(s,
		"0 R name=\"ether1\" mtu=1500 mac-address=02:00:00:00:00:01 "
		"comment=\"uplink \\\"wan\\\" \\\\ provider\"\n"
		"1   name=\"ether2\" mtu=9000\n");
	free(s);

	j = cli_table_to_json(t);
	assert_json_text(j,
		"[{\".id\": \"*1\", \"name\": \"ether1\", \"mtu\": 1500, "
		"\"mac-address\": \"02:00:00:00:00:01\", \"comment\": \"uplink \\\"wan\\\" \\\\ provider\", "
		"\"disabled\": false, \"running\": true},"
		" {\".id\": \"*2\", \"name\": \"ether2\", \"mtu\": 9000, "
		"\"disabled\": false, \"running\": false}]");
	json_decref(j);

	/* A hidden row keeps its number; a used hide_unused flag is listed. */
	cli_table_hide_row(t, 0);
	assert_int_equal(cli_table_add_row(t), 2);
	assert_int_equal(cli_table_set_flag(t, 'X'), 0);
	assert_int_equal(cli_table_set(t, "name", "ether3"), 0);
	assert_int_equal(cli_table_set_id(t, 0x1f), 0);
	s = render(t, CLI_FORM_DEFAULT);
	assert_string_equal(s,
		"Flags: X - DISABLED; R - RUNNING\n"
		"Columns: NAME, MTU, MAC-ADDRESS\n"
		"#   NAME     MTU  MAC-ADDRESS\n"
		"1   ether2  9000\n"
		"2 X ether3\n");
	free(s);
	j = cli_table_to_json(t);
	assert_int_equal(json_array_size(j), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(j, 1), ".id")), "*1F");
	json_decref(j);
	cli_table_free(t);
}

static void test_render_bad_property(void **state)
{
	struct cli_table *t = cli_table_new(&demo_spec);

	(void)state;
	assert_int_equal(cli_table_set(t, "name", "x"), -1);        /* no row yet */
	assert_int_equal(cli_table_add_row(t), 0);
	assert_int_equal(cli_table_set(t, "nmae", "x"), -1);
	assert_int_equal(cli_table_set_flag(t, 'Q'), -1);
	assert_true(cli_table_broken(t));
	cli_table_free(t);
}

static void test_render_groups_and_numbers(void **state)
{
	static const struct cli_flag flags[] = {
		{ .letter = 'D', .name = "DYNAMIC", .group = 0 },
		{ .letter = 'A', .name = "ACTIVE", .group = 1 },
		{ .letter = 'c', .name = "CONNECT", .group = 2 },
		{ .letter = 's', .name = "STATIC", .group = 2 },
	};
	static const struct cli_column cols[] = {
		{ "dst-address", CLI_COL_WORD, 0 },
		{ "distance", CLI_COL_NUM, 0 },
	};
	static const struct cli_table_spec spec = {
		.layout = CLI_LAYOUT_TABLE, .flags = flags, .n_flags = 4, .cols = cols, .n_cols = 2,
	};
	struct cli_table *t = cli_table_new(&spec);
	char *s;

	(void)state;
	for (int i = 0; i < 11; i++) {
		cli_table_add_row(t);
		cli_table_set_flag(t, i == 10 ? 'D' : 's');
		if (i == 10) {
			cli_table_set_flag(t, 'A');
			cli_table_set_flag(t, 'c');
		}
		cli_table_setf(t, "dst-address", "10.%d.0.0/16", i);
		cli_table_set_num(t, "distance", i);
	}
	for (int i = 1; i < 9; i++)
		cli_table_hide_row(t, (unsigned int)i);
	s = render(t, CLI_FORM_DEFAULT);
	assert_string_equal(s,
		"Flags: D - DYNAMIC; A - ACTIVE; c - CONNECT, s - STATIC\n"
		"Columns: DST-ADDRESS, DISTANCE\n"
		"#      DST-ADDRESS   DISTANCE\n"
		" 0   s 10.0.0.0/16          0\n"
		" 9   s 10.9.0.0/16          9\n"
		"10 DAc 10.10.0.0/16        10\n");
	free(s);
	cli_table_free(t);
}

static void test_render_object_and_lines(void **state)
{
	static const struct cli_column obj_cols[] = {
		{ "uptime", CLI_COL_DURATION, 0 },
		{ "version", CLI_COL_WORD, 0 },
		{ "free-memory", CLI_COL_BYTES, 0 },
		{ "cpu-load", CLI_COL_PERCENT, 0 },
		{ "board-name", CLI_COL_STR, 0 },
		{ "unset", CLI_COL_STR, 0 },
	};
	static const struct cli_table_spec obj = {
		.layout = CLI_LAYOUT_OBJECT, .cols = obj_cols, .n_cols = 6,
	};
	static const struct cli_column line_cols[] = {
		{ "time", CLI_COL_WORD, 0 },
		{ "topics", CLI_COL_WORD, 0 },
		{ "message", CLI_COL_STR, 0 },
	};
	static const struct cli_table_spec lines = {
		.layout = CLI_LAYOUT_LINES, .cols = line_cols, .n_cols = 3,
	};
	struct cli_table *t = cli_table_new(&obj);
	char *s;
	json_t *j;

	(void)state;
	cli_table_add_row(t);
	cli_table_set_num(t, "uptime", 3723);
	cli_table_set(t, "version", "0.1.0");
	cli_table_set_num(t, "free-memory", 512ll * 1024 * 1024);
	cli_table_set_num(t, "cpu-load", 7);
	cli_table_set(t, "board-name", "pptpgw");
	s = render(t, CLI_FORM_DEFAULT);
	assert_string_equal(s,
		"     uptime: 1h2m3s\n"
		"    version: 0.1.0\n"
		"free-memory: 512.0MiB\n"
		"   cpu-load: 7%\n"
		" board-name: pptpgw\n");
	free(s);
	s = render(t, CLI_FORM_TERSE);
	assert_string_equal(s, "uptime=1h2m3s version=0.1.0 free-memory=512.0MiB cpu-load=7% "
			       "board-name=\"pptpgw\"\n");
	free(s);
	j = cli_table_to_json(t);
	assert_json_text(j, "{\"uptime\": \"1h2m3s\", \"version\": \"0.1.0\", "
			 "\"free-memory\": 536870912, \"cpu-load\": 7, \"board-name\": \"pptpgw\"}");
	json_decref(j);
	cli_table_free(t);

	t = cli_table_new(&lines);
	cli_table_add_row(t);
	cli_table_set(t, "time", "12:00:01");
	cli_table_set(t, "topics", "system,info");
	cli_table_set(t, "message", "started\nwith a\x01 newline \xff");
	s = render(t, CLI_FORM_DEFAULT);
	assert_string_equal(s, "12:00:01 system,info started?with a? newline ?\n");
	free(s);
	s = render(t, CLI_FORM_DETAIL);
	assert_string_equal(s, "0 time=12:00:01 topics=system,info message=\"started?with a? newline ?\"\n");
	free(s);
	cli_table_free(t);
}

static void test_render_empty(void **state)
{
	struct cli_table *t = cli_table_new(&demo_spec);
	char *s;
	json_t *j;

	(void)state;
	s = render(t, CLI_FORM_DEFAULT);
	assert_string_equal(s, "Flags: R - RUNNING\nColumns: NAME, MTU, MAC-ADDRESS\n");
	free(s);
	s = render(t, CLI_FORM_TERSE);
	assert_null(s);
	j = cli_table_to_json(t);
	assert_json_text(j, "[]");
	json_decref(j);
	cli_table_free(t);
}

static void test_format_helpers(void **state)
{
	static const struct {
		uint64_t secs;
		const char *text;
	} durations[] = {
		{ 0, "0s" }, { 59, "59s" }, { 60, "1m" }, { 3600, "1h" }, { 2648, "44m8s" },
		{ 90061, "1d1h1m1s" }, { 694861, "1w1d1h1m1s" },
	};
	char buf[64];
	char text[] = "ok \xc3\xa9 \xed\xa0\x80 \xc0\xaf \xf4\x90\x80\x80 \x7f end";

	(void)state;
	for (size_t i = 0; i < sizeof(durations) / sizeof(durations[0]); i++) {
		cli_format_duration(durations[i].secs, buf, sizeof(buf));
		assert_string_equal(buf, durations[i].text);
	}
	cli_format_bytes(1000, buf, sizeof(buf));
	assert_string_equal(buf, "1.0KiB");
	cli_format_bytes(3ull * 1024 * 1024 * 1024 + 800ull * 1024 * 1024, buf, sizeof(buf));
	assert_string_equal(buf, "3.8GiB");
	cli_text_sanitize(text);
	assert_string_equal(text, "ok \xc3\xa9 ??? ?? ???? ? end");
}

/* ---- the read-only menus over the config ---- */

static char *run_ok(const char *line, bool json, json_t **data)
{
	struct cli_reply r;
	char *out;

	cli_execute(&test_cp, line, json, &r);
	if (!r.ok)
		fail_msg("%s: %s", line, r.error);
	out = r.output;
	r.output = NULL;
	if (data) {
		*data = r.data;
		r.data = NULL;
	}
	cli_reply_clear(&r);
	return out;
}

static void run_err(const char *line, const char *error)
{
	struct cli_reply r;

	cli_execute(&test_cp, line, false, &r);
	assert_false(r.ok);
	assert_null(r.output);
	assert_string_equal(r.error, error);
	cli_reply_clear(&r);
}

static void test_cmd_ethernet(void **state)
{
	json_t *data;
	char *s;

	(void)state;
	s = run_ok("/interface/ethernet/print", false, NULL);
	assert_string_equal(s,
		"Flags: R - RUNNING\n"
		"Columns: NAME, MTU, MAC-ADDRESS, DEVICE\n"
		"#   NAME     MTU  MAC-ADDRESS        DEVICE\n"
		"0 R ether1  1500  02:00:00:00:00:01  net_af_packet0,iface=wan0\n"
		"1   ether2  1500  02:00:00:00:00:02  0000:03:00.1\n");
	free(s);
	s = run_ok("interface ethernet print detail where running", false, NULL);
	assert_string_equal(s,
		"Flags: R - RUNNING\n"
		"0 R name=\"ether1\" mtu=1500 mac-address=02:00:00:00:00:01\n"
		"    device=\"net_af_packet0,iface=wan0\" kernel-interface=ether1 rx-byte=3456\n"
		"    tx-byte=0 rx-packet=12 tx-packet=0 rx-error=0 tx-error=0 rx-drop=0\n"
		"    to-kernel-packet=0 from-kernel-packet=0\n");
	free(s);
	s = run_ok("/interface/ethernet/print", true, &data);
	assert_null(s);
	assert_int_equal(json_array_size(data), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(data, 0), "mac-address")),
			    "02:00:00:00:00:01");
	assert_true(json_is_true(json_object_get(json_array_get(data, 0), "running")));
	assert_int_equal(json_integer_value(json_object_get(json_array_get(data, 0), "rx-packet")), 12);
	json_decref(data);

	/* No dataplane (yet): the config still lists the ports, without MAC or R. */
	fake_n_ports = 0;
	s = run_ok("/interface/ethernet/print count-only", false, NULL);
	assert_string_equal(s, "2\n");
	free(s);
	s = run_ok("/interface/ethernet/print terse", false, NULL);
	assert_string_equal(s,
		"0 name=\"ether1\" mtu=1500 device=\"net_af_packet0,iface=wan0\"\n"
		"1 name=\"ether2\" mtu=1500 device=\"0000:03:00.1\"\n");
	free(s);
	fake_n_ports = 2;
}

static void test_cmd_ip(void **state)
{
	char *s;
	json_t *data;

	(void)state;
	s = run_ok("/ip/address/print", false, NULL);
	assert_string_equal(s,
		"Flags: D - DYNAMIC\n"
		"Columns: ADDRESS, NETWORK, INTERFACE\n"
		"# ADDRESS       NETWORK    INTERFACE\n"
		"0 192.0.2.1/24  192.0.2.0  ether1\n"
		"1 10.0.0.1/8    10.0.0.0   ether2\n");
	free(s);
	s = run_ok("/ip/address/print where interface=ether2", false, NULL);
	assert_string_equal(s,
		"Flags: D - DYNAMIC\n"
		"Columns: ADDRESS, NETWORK, INTERFACE\n"
		"# ADDRESS     NETWORK   INTERFACE\n"
		"1 10.0.0.1/8  10.0.0.0  ether2\n");
	free(s);

	s = run_ok("ip route print", false, NULL);
	assert_string_equal(s,
		"Flags: D - DYNAMIC; A - ACTIVE; c - CONNECT, s - STATIC\n"
		"Columns: DST-ADDRESS, GATEWAY, DISTANCE\n"
		"#     DST-ADDRESS      GATEWAY      DISTANCE\n"
		"0  As 0.0.0.0/0        192.0.2.254         1\n"
		"1   s 198.51.100.0/24  203.0.113.1        20\n"
		"2 DAc 192.0.2.0/24     ether1              0\n"
		"3 DAc 10.0.0.0/8       ether2              0\n");
	free(s);
	s = run_ok("/ip/route/print detail where static", false, NULL);
	assert_string_equal(s,
		"Flags: D - DYNAMIC; A - ACTIVE; c - CONNECT, s - STATIC\n"
		"0 As dst-address=0.0.0.0/0 routing-table=main gateway=192.0.2.254\n"
		"     immediate-gw=192.0.2.254%ether1 distance=1\n"
		"\n"
		"1  s dst-address=198.51.100.0/24 routing-table=main gateway=203.0.113.1\n"
		"     distance=20\n");
	free(s);
	run_ok("/ip/route/print where dynamic", true, &data);
	assert_json_text(data,
		"[{\".id\": \"*3\", \"dst-address\": \"192.0.2.0/24\", \"routing-table\": \"main\", "
		"\"gateway\": \"ether1\", \"immediate-gw\": \"ether1\", \"distance\": 0, "
		"\"dynamic\": true, \"active\": true, \"connect\": true, \"static\": false, \"vpn\": false},"
		" {\".id\": \"*4\", \"dst-address\": \"10.0.0.0/8\", \"routing-table\": \"main\", "
		"\"gateway\": \"ether2\", \"immediate-gw\": \"ether2\", \"distance\": 0, "
		"\"dynamic\": true, \"active\": true, \"connect\": true, \"static\": false, \"vpn\": false}]");
	json_decref(data);

	s = run_ok("/ip/pool/print", false, NULL);
	assert_string_equal(s,
		"Columns: NAME, RANGES\n"
		"# NAME       RANGES\n"
		"0 pptp-pool  10.0.0.10-10.0.0.254,10.1.0.1\n");
	free(s);
	s = run_ok("/ip/pool/print detail", false, NULL);
	assert_string_equal(s, "0 name=\"pptp-pool\" ranges=10.0.0.10-10.0.0.254,10.1.0.1\n");
	free(s);
}

static void test_cmd_system_and_log(void **state)
{
	json_t *data;
	char *s;

	(void)state;
	s = run_ok("/system/resource/print", false, NULL);
	assert_non_null(strstr(s, "           uptime: 1h2m"));
	assert_non_null(strstr(s, "          version: " PPTPGW_VERSION "\n"));
	assert_non_null(strstr(s, "      free-memory: "));
	assert_non_null(strstr(s, "     total-memory: "));
	assert_non_null(strstr(s, "        cpu-count: "));
	assert_non_null(strstr(s, "architecture-name: "));
	assert_non_null(strstr(s, "       board-name: pptpgw\n"));
	assert_non_null(strstr(s, "         identity: gw-test\n"));
	assert_non_null(strstr(s, " dataplane-memory: 96.0MiB\n"));
	free(s);
	run_ok("/system/resource/print", true, &data);
	assert_true(json_is_object(data));
	assert_true(json_integer_value(json_object_get(data, "total-memory")) > 0);
	assert_true(json_integer_value(json_object_get(data, "cpu-count")) > 0);
	assert_string_equal(json_string_value(json_object_get(data, "identity")), "gw-test");
	json_decref(data);

	LOG_INFO(LOG_TOPIC_PPTP, "user=MT-User connected");
	LOG_WARN(LOG_TOPIC_PPP, "user=MT-User LCP missed echo reply");
	s = run_ok("/log/print", false, NULL);
	assert_non_null(strstr(s, " pptp,info user=MT-User connected\n"));
	assert_non_null(strstr(s, " ppp,warning user=MT-User LCP missed echo reply\n"));
	assert_true(s[2] == ':' && s[5] == ':' && s[8] == ' ');
	free(s);
	run_ok("/log/print where topics=ppp,warning", true, &data);
	assert_int_equal(json_array_size(data), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(data, 0), "message")),
			    "user=MT-User LCP missed echo reply");
	json_decref(data);
}

static void test_cmd_run_and_errors(void **state)
{
	json_t *data;
	char *s;

	(void)state;
	s = run_ok("/test/set x name=\"a b\"", false, NULL);
	assert_string_equal(s, "set a b\n");
	free(s);
	s = run_ok("", false, NULL);
	assert_null(s);
	s = run_ok("/ip/address/print count-only", true, &data);
	assert_int_equal(json_integer_value(data), 2);
	json_decref(data);
	free(s);

	commit_result = 0;
	run_ok("/test/add name=x", true, &data);
	assert_json_text(data, "{\"ret\": \"*1\"}");
	json_decref(data);
	commit_result = -1;
	run_err("/test/add name=x",
		"failure: ip.address[0].interface: \"ether9\" is not an ethernet name");
	commit_result = 0;
	assert_int_equal(commit_calls, 2);

	run_err("/test/remove 0", "failure: 0 is in use");
	run_err("/interface/ethernet/frobnicate", "bad command name frobnicate (line 1 column 21)");
	run_err("/test/print where disabled=maybe junk", "expected end of command (line 1 column 34)");
	s = run_ok("/test/print where disabled", false, NULL);
	assert_string_equal(s,
		"Flags: X - DISABLED\n"
		"Columns: NAME, DISABLED\n"
		"#   NAME  DISABLED\n"
		"1 X b     yes\n");
	free(s);
	s = run_ok("/test/print where !disabled", false, NULL);
	assert_non_null(strstr(s, "\n0 a     no\n"));
	free(s);
}

/* ---- the management socket, end to end ---- */

static char sock_dir[48];
static char sock_path[96];
static struct event_base *sock_base;

static int mgmt_setup(void **state)
{
	(void)state;
	snprintf(sock_dir, sizeof(sock_dir), "/tmp/pptpgw-cli-test.XXXXXX");
	if (!mkdtemp(sock_dir))
		return -1;
	snprintf(sock_path, sizeof(sock_path), "%s/run/sub/pptpgw.sock", sock_dir);
	register_all(NULL);
	snprintf(test_cfg.management.socket, sizeof(test_cfg.management.socket), "%s", sock_path);
	sock_base = event_base_new();
	test_cp.base = sock_base;
	return sock_base ? 0 : -1;
}

static int mgmt_teardown(void **state)
{
	char cmd[256];

	(void)state;
	mgmt_fini();
	event_base_free(sock_base);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", sock_dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int client_connect(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);

	assert_true(fd >= 0);
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	assert_int_equal(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	return fd;
}

/*
 * Send req (len bytes) and read the reply to EOF, running the server's loop
 * in between; returns the reply (caller frees).
 */
static char *exchange(int fd, const char *req, size_t len, bool shut_wr)
{
	size_t sent = 0, used = 0, cap = 65536;
	char *buf = malloc(cap);
	bool shut = false;

	assert_non_null(buf);
	for (int i = 0; i < 4000; i++) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (sent < len) {
			n = send(fd, req + sent, len - sent, MSG_NOSIGNAL);
			if (n > 0)
				sent += (size_t)n;
			else if (n < 0 && errno != EAGAIN)
				sent = len;   /* the server stopped reading: read its answer */
		}
		if (sent == len && shut_wr && !shut) {
			shutdown(fd, SHUT_WR);
			shut = true;
		}
		event_base_loop(sock_base, EVLOOP_NONBLOCK);
		if (used + 1 == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		n = recv(fd, buf + used, cap - 1 - used, 0);
		if (n == 0 || (n < 0 && errno == ECONNRESET && used > 0))
			break;
		if (n > 0) {
			used += (size_t)n;
			continue;
		}
		assert_true(errno == EAGAIN);
		poll(&pfd, 1, 2);
	}
	buf[used] = '\0';
	close(fd);
	return buf;
}

static json_t *request(const char *command, bool json)
{
	json_t *req = json_pack("{s:s, s:b}", "command", command, "json", json);
	char *text = json_dumps(req, JSON_COMPACT);
	char *line, *reply;
	json_error_t jerr;
	json_t *out;

	assert_true(asprintf(&line, "%s\n", text) > 0);
	reply = exchange(client_connect(sock_path), line, strlen(line), false);
	out = json_loads(reply, 0, &jerr);
	if (!out)
		fail_msg("reply is not JSON: \"%s\"", reply);
	assert_int_equal(reply[strlen(reply) - 1], '\n');
	free(reply);
	free(line);
	free(text);
	json_decref(req);
	return out;
}

static void test_mgmt_socket(void **state)
{
	char big[MGMT_REQUEST_MAX + 100];
	struct stat st;
	json_t *r;
	char *reply;
	int fds[MGMT_MAX_CLIENTS + 1];

	(void)state;
	assert_int_equal(mgmt_init(&test_cp), 0);
	assert_int_equal(stat(sock_path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0660);
	snprintf(big, sizeof(big), "%s/run", sock_dir);
	assert_int_equal(stat(big, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);

	/* Text reply. */
	r = request("/ip/address/print", false);
	assert_true(json_is_true(json_object_get(r, "ok")));
	assert_non_null(strstr(json_string_value(json_object_get(r, "output")),
			       "0 192.0.2.1/24  192.0.2.0  ether1\n"));
	assert_null(json_object_get(r, "data"));
	json_decref(r);

	/* JSON reply. */
	r = request("ip address print", true);
	assert_true(json_is_true(json_object_get(r, "ok")));
	assert_int_equal(json_array_size(json_object_get(r, "data")), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
		json_object_get(r, "data"), 1), "interface")), "ether2");
	json_decref(r);

	/* RouterOS error. */
	r = request("/interface/ethernet/frobnicate", false);
	assert_true(json_is_false(json_object_get(r, "ok")));
	assert_string_equal(json_string_value(json_object_get(r, "error")),
			    "bad command name frobnicate (line 1 column 21)");
	json_decref(r);

	/* Invalid UTF-8 in the command still gets a JSON reply. */
	r = request("/ip/\xc3\xa9/print", false);
	assert_string_equal(json_string_value(json_object_get(r, "error")),
			    "bad command name \xc3\xa9 (line 1 column 5)");
	json_decref(r);

	/* Not JSON; wrong types; the request ended by EOF rather than newline. */
	reply = exchange(client_connect(sock_path), "hello\n", 6, false);
	assert_non_null(strstr(reply, "\"ok\":false,\"error\":\"bad request: "));
	free(reply);
	reply = exchange(client_connect(sock_path), "{\"command\": 5}\n", 15, false);
	assert_string_equal(reply, "{\"ok\":false,\"error\":\"bad request: \\\"command\\\" must be a string\"}\n");
	free(reply);
	reply = exchange(client_connect(sock_path), "{\"command\": \"a\\u0000b\"}\n", 24, false);
	assert_non_null(strstr(reply, "\"ok\":false,\"error\":\"bad request: "));
	free(reply);
	reply = exchange(client_connect(sock_path), "{\"command\": \"/log/print\", \"json\": 1}", 36,
			 true);
	assert_string_equal(reply, "{\"ok\":false,\"error\":\"bad request: \\\"json\\\" must be true or false\"}\n");
	free(reply);
	reply = exchange(client_connect(sock_path), "{\"command\": \"/ip/pool/print count-only\"}",
			 40, true);
	assert_string_equal(reply, "{\"ok\":true,\"output\":\"1\\n\"}\n");
	free(reply);

	/* Too large: refused after MGMT_REQUEST_MAX bytes, not buffered forever. */
	memset(big, 'x', sizeof(big));
	reply = exchange(client_connect(sock_path), big, sizeof(big), false);
	assert_string_equal(reply, "{\"ok\":false,\"error\":\"request too large (max 65536 bytes)\"}\n");
	free(reply);

	/* Connections beyond the limit are told so; the others still get served. */
	for (int i = 0; i <= MGMT_MAX_CLIENTS; i++) {
		fds[i] = client_connect(sock_path);
		for (int k = 0; k < 5; k++)
			event_base_loop(sock_base, EVLOOP_NONBLOCK);
	}
	reply = exchange(fds[MGMT_MAX_CLIENTS], "", 0, false);
	assert_string_equal(reply, "{\"ok\":false,\"error\":\"too many management connections\"}\n");
	free(reply);
	reply = exchange(fds[0], "{\"command\": \"/ip/pool/print count-only\"}\n", 41, false);
	assert_string_equal(reply, "{\"ok\":true,\"output\":\"1\\n\"}\n");
	free(reply);
	for (int i = 1; i < MGMT_MAX_CLIENTS; i++)
		close(fds[i]);
	for (int k = 0; k < 20; k++)
		event_base_loop(sock_base, EVLOOP_NONBLOCK);
	r = request("/ip/pool/print", false);
	assert_true(json_is_true(json_object_get(r, "ok")));
	json_decref(r);

	mgmt_fini();
	assert_int_equal(stat(sock_path, &st), -1);
	assert_int_equal(errno, ENOENT);
}

static void test_mgmt_stale_and_busy_paths(void **state)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct stat st;
	int fd;
	FILE *f;
	json_t *r;

	(void)state;
	/* A socket left behind by a crash is replaced. */
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", sock_path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	close(fd);
	assert_int_equal(mgmt_init(&test_cp), 0);
	r = request("/ip/pool/print", false);
	assert_true(json_is_true(json_object_get(r, "ok")));
	json_decref(r);
	mgmt_fini();

	/* Someone is listening there: refuse, and leave it alone. */
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	assert_int_equal(listen(fd, 1), 0);
	assert_int_equal(mgmt_init(&test_cp), -1);
	assert_int_equal(stat(sock_path, &st), 0);
	close(fd);
	unlink(sock_path);

	/* Not a socket: refuse, and leave it alone. */
	f = fopen(sock_path, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(mgmt_init(&test_cp), -1);
	assert_int_equal(stat(sock_path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	unlink(sock_path);
}

int main(void)
{
	const struct CMUnitTest parse_tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_parse_empty_lines),
		cmocka_unit_test(test_parse_long_lines),
		cmocka_unit_test(test_parse_typed_values),
		cmocka_unit_test(test_register_rules),
		cmocka_unit_test(test_items_resolve),
	};
	const struct CMUnitTest render_tests[] = {
		cmocka_unit_test(test_render_forms),
		cmocka_unit_test(test_render_bad_property),
		cmocka_unit_test(test_render_groups_and_numbers),
		cmocka_unit_test(test_render_object_and_lines),
		cmocka_unit_test(test_render_empty),
		cmocka_unit_test(test_format_helpers),
	};
	const struct CMUnitTest cmd_tests[] = {
		cmocka_unit_test(test_cmd_ethernet),
		cmocka_unit_test(test_cmd_ip),
		cmocka_unit_test(test_cmd_system_and_log),
		cmocka_unit_test(test_cmd_run_and_errors),
	};
	const struct CMUnitTest mgmt_tests[] = {
		cmocka_unit_test(test_mgmt_socket),
		cmocka_unit_test(test_mgmt_stale_and_busy_paths),
	};
	int failed = 0;

	log_init(CFG_LOG_DEBUG, 0);
	failed += cmocka_run_group_tests_name("cli_parse", parse_tests, register_all, NULL);
	failed += cmocka_run_group_tests_name("cli_table", render_tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("cli_cmds", cmd_tests, register_all, NULL);
	failed += cmocka_run_group_tests_name("mgmt", mgmt_tests, mgmt_setup, mgmt_teardown);
	return failed ? 1 : 0;
}
