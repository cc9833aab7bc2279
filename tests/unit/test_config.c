/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The JSON config loader, validator and writer (common/config*.c).
 *
 * A table of named bad configs, each with the exact messages an operator
 * would read; the shipped examples (every conf/ JSON file) load cleanly and round trip
 * through the writer to an equal struct; defaults are RouterOS's; the value
 * parsers the CLI shares are strict; saving is atomic.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"

#define N_ELEM(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_WANT 4
#define IP(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (d))

/* ------------------------------------------------------------ deep compare */

/*
 * Field by field, written independently of the loader's schema tables so a
 * key the writer forgets shows up as a difference.
 */
#define SAME(f)                                                                  \
	do {                                                                     \
		if ((a)->f != (b)->f) {                                          \
			print_message("differs: %s.%s\n", where, #f);              \
			return false;                                            \
		}                                                                \
	} while (0)
#define SAME_STR(f)                                                              \
	do {                                                                     \
		if (strcmp((a)->f, (b)->f) != 0) {                               \
			print_message("differs: %s.%s (\"%s\" vs \"%s\")\n", where, #f, \
				      (a)->f, (b)->f);                            \
			return false;                                            \
		}                                                                \
	} while (0)

static bool link_equal(const char *where, const struct cfg_ppp_link *a,
		       const struct cfg_ppp_link *b)
{
	SAME(max_mtu);
	SAME(max_mru);
	SAME(mrru);
	SAME(keepalive_timeout);
	return true;
}

static bool aop_equal(const char *where, const struct cfg_addr_or_pool *a,
		      const struct cfg_addr_or_pool *b)
{
	SAME(is_set);
	if (!a->is_set)
		return true;
	SAME(is_pool);
	if (a->is_pool)
		SAME_STR(pool);
	else
		SAME(addr);
	return true;
}

static bool profile_equal(const char *where, const struct cfg_ppp_profile *a,
			  const struct cfg_ppp_profile *b)
{
	SAME_STR(name);
	SAME(use_encryption);
	SAME(mppe_mode);
	if (!aop_equal(where, &a->local_address, &b->local_address) ||
	    !aop_equal(where, &a->remote_address, &b->remote_address))
		return false;
	SAME(n_dns_server);
	for (unsigned int i = 0; i < a->n_dns_server; i++)
		SAME(dns_server[i]);
	SAME(rate_limit.is_set);
	SAME(rate_limit.rx_bps);
	SAME(rate_limit.tx_bps);
	SAME(session_timeout);
	SAME(idle_timeout);
	SAME(only_one);
	SAME(builtin);
	return true;
}

static bool config_equal(const struct pg_config *a, const struct pg_config *b)
{
	const char *where = "cfg";

	SAME_STR(system.identity);
	SAME(system.log_level);
	SAME_STR(dataplane.lcores);
	SAME(dataplane.n_workers);
	for (unsigned int i = 0; i < a->dataplane.n_workers; i++)
		SAME(dataplane.workers[i]);
	SAME(dataplane.huge_pages);
	SAME(dataplane.memory_mb);
	SAME(dataplane.poll);
	SAME_STR(dataplane.file_prefix);
	SAME(dataplane.n_eal_args);
	for (unsigned int i = 0; i < a->dataplane.n_eal_args; i++)
		SAME_STR(dataplane.eal_args[i]);
	SAME_STR(management.socket);

	SAME(n_ethernet);
	for (unsigned int i = 0; i < a->n_ethernet; i++) {
		SAME_STR(ethernet[i].name);
		SAME_STR(ethernet[i].device);
		SAME(ethernet[i].mtu);
		SAME(ethernet[i].disabled);
	}
	SAME(pptp_server.enabled);
	SAME(pptp_server.authentication);
	SAME_STR(pptp_server.default_profile);
	if (!link_equal("pptp_server", &a->pptp_server.link, &b->pptp_server.link))
		return false;
	SAME(n_pptp_static);
	for (unsigned int i = 0; i < a->n_pptp_static; i++) {
		SAME_STR(pptp_static[i].name);
		SAME_STR(pptp_static[i].user);
	}
	SAME(n_pptp_client);
	for (unsigned int i = 0; i < a->n_pptp_client; i++) {
		SAME_STR(pptp_client[i].name);
		SAME(pptp_client[i].connect_to);
		SAME_STR(pptp_client[i].user);
		SAME_STR(pptp_client[i].password);
		SAME(pptp_client[i].disabled);
		SAME_STR(pptp_client[i].profile);
		SAME(pptp_client[i].add_default_route);
		SAME(pptp_client[i].default_route_distance);
		SAME(pptp_client[i].dial_on_demand);
		SAME(pptp_client[i].allow);
		if (!link_equal("pptp_client", &a->pptp_client[i].link, &b->pptp_client[i].link))
			return false;
	}
	SAME(n_ip_address);
	for (unsigned int i = 0; i < a->n_ip_address; i++) {
		SAME(ip_address[i].address.addr);
		SAME(ip_address[i].address.len);
		SAME_STR(ip_address[i].interface);
	}
	SAME(n_ip_route);
	for (unsigned int i = 0; i < a->n_ip_route; i++) {
		SAME(ip_route[i].dst.addr);
		SAME(ip_route[i].dst.len);
		SAME(ip_route[i].gateway);
		SAME(ip_route[i].distance);
	}
	SAME(n_ip_pool);
	for (unsigned int i = 0; i < a->n_ip_pool; i++) {
		SAME_STR(ip_pool[i].name);
		SAME(ip_pool[i].n_ranges);
		for (unsigned int r = 0; r < a->ip_pool[i].n_ranges; r++) {
			SAME(ip_pool[i].ranges[r].first);
			SAME(ip_pool[i].ranges[r].last);
		}
	}
	SAME(n_ppp_profile);
	for (unsigned int i = 0; i < a->n_ppp_profile; i++)
		if (!profile_equal("ppp_profile", &a->ppp_profile[i], &b->ppp_profile[i]))
			return false;
	SAME(n_ppp_secret);
	for (unsigned int i = 0; i < a->n_ppp_secret; i++) {
		SAME_STR(ppp_secret[i].name);
		SAME_STR(ppp_secret[i].password);
		SAME(ppp_secret[i].service);
		SAME_STR(ppp_secret[i].service_name);
		SAME_STR(ppp_secret[i].profile);
		if (!aop_equal("ppp_secret", &a->ppp_secret[i].local_address,
			       &b->ppp_secret[i].local_address) ||
		    !aop_equal("ppp_secret", &a->ppp_secret[i].remote_address,
			       &b->ppp_secret[i].remote_address))
			return false;
		SAME(ppp_secret[i].disabled);
	}
	SAME(ppp_aaa.use_radius);
	SAME(ppp_aaa.accounting);
	SAME(ppp_aaa.interim_update);
	SAME(n_radius);
	for (unsigned int i = 0; i < a->n_radius; i++) {
		SAME(radius[i].address);
		SAME_STR(radius[i].secret);
		SAME(radius[i].service_ppp);
		SAME(radius[i].service);
		SAME(radius[i].authentication_port);
		SAME(radius[i].accounting_port);
		SAME(radius[i].timeout_ms);
		SAME(radius[i].src_address);
	}
	SAME(radius_incoming.accept);
	SAME(radius_incoming.port);
	return true;
}

/* -------------------------------------------------------------- helpers */

static void print_errors(const struct cfg_errors *e)
{
	for (unsigned int i = 0; i < e->n; i++)
		print_message("  error: %s\n", e->msg[i]);
}

/* Load a config that must be good; fails the test with its errors otherwise. */
static void load_ok(const char *json, struct pg_config *cfg)
{
	struct cfg_errors e;
	int rc;

	cfg_errors_init(&e);
	rc = cfg_load_string(json, cfg, &e);
	if (rc != 0 || e.n != 0)
		print_errors(&e);
	assert_int_equal(rc, 0);
	assert_int_equal(e.n, 0);
	cfg_errors_free(&e);
}

/* Writer -> loader: the struct must come back equal, and the text stable. */
static void assert_round_trip(const struct pg_config *cfg)
{
	struct pg_config again;
	char *text = cfg_to_json(cfg), *text2;

	assert_non_null(text);
	load_ok(text, &again);
	assert_true(config_equal(cfg, &again));
	text2 = cfg_to_json(&again);
	assert_non_null(text2);
	assert_string_equal(text, text2);
	free(text);
	free(text2);
	cfg_free(&again);
}

/* ------------------------------------------------------------ bad configs */

struct bad_case {
	const char *name;
	const char *json;
	const char *want[MAX_WANT];   /* every message, in order */
};

#define CLIENT_A "\"name\":\"c1\",\"connect-to\":\"192.0.2.9\""
#define ETHER(n) "{\"name\":\"" n "\",\"device\":\"net_null0\"}"

static const struct bad_case bad_cases[] = {
	/* JSON itself */
	{ "syntax error", "{\"system\": {\"identity\": \"x\",\n  }}",
	  { "line 2, column 3: string or '}' expected near '}'" } },
	{ "truncated", "{\"system\": {\"identity\": \"x\"",
	  { "line 1, column 27: '}' expected near end of file" } },
	{ "empty", "", { "config is empty" } },
	{ "whitespace only", " \n\t\n", { "config is empty" } },
	{ "root array", "[]", { "top level: expected an object, got array" } },
	{ "root number", "5", { "top level: expected an object, got number" } },
	{ "root string", "\"pptpgw\"", { "top level: expected an object, got string" } },
	{ "root null", "null", { "top level: expected an object, got null" } },
	{ "duplicate key", "{\"system\":{},\"system\":{}}",
	  { "line 1, column 21: duplicate object key near '\"system\"'" } },
	{ "trailing junk", "{} {}", { "line 1, column 4: end of file expected near '{'" } },
	{ "invalid utf-8", "{\"system\":{\"identity\":\"\xff\"}}",
	  { "line 1, column 23: unable to decode byte 0xff near '\"'" } },

	/* unknown keys, one per level */
	{ "unknown root key", "{\"foo\":1}", { "foo: unknown key" } },
	{ "unknown system key", "{\"system\":{\"name\":\"x\"}}", { "system.name: unknown key" } },
	{ "unknown dataplane key", "{\"dataplane\":{\"cores\":2}}",
	  { "dataplane.cores: unknown key" } },
	{ "unknown management key", "{\"management\":{\"port\":1}}",
	  { "management.port: unknown key" } },
	{ "unknown interface key", "{\"interface\":{\"l2tp-server\":{}}}",
	  { "interface.l2tp-server: unknown key" } },
	{ "unknown ethernet key",
	  "{\"interface\":{\"ethernet\":[{\"name\":\"e\",\"device\":\"d\",\"speed\":1}]}}",
	  { "interface.ethernet[0].speed: unknown key" } },
	{ "unknown pptp-server key", "{\"interface\":{\"pptp-server\":{\"foo\":{}}}}",
	  { "interface.pptp-server.foo: unknown key" } },
	{ "unknown server key", "{\"interface\":{\"pptp-server\":{\"server\":{\"foo\":1}}}}",
	  { "interface.pptp-server.server.foo: unknown key" } },
	{ "unknown static key",
	  "{\"interface\":{\"pptp-server\":{\"static\":[{\"name\":\"s\",\"user\":\"u\",\"x\":1}]}}}",
	  { "interface.pptp-server.static[0].x: unknown key" } },
	{ "unknown client key", "{\"interface\":{\"pptp-client\":[{" CLIENT_A ",\"comment\":\"\"}]}}",
	  { "interface.pptp-client[0].comment: unknown key" } },
	{ "unknown ip key", "{\"ip\":{\"firewall\":[]}}", { "ip.firewall: unknown key" } },
	{ "unknown ip address key",
	  "{\"interface\":{\"ethernet\":[" ETHER("e") "]},"
	  "\"ip\":{\"address\":[{\"address\":\"192.0.2.1/24\",\"interface\":\"e\",\"network\":\"x\"}]}}",
	  { "ip.address[0].network: unknown key" } },
	{ "unknown route key", "{\"ip\":{\"route\":[{\"gateway\":\"192.0.2.1\",\"scope\":30}]}}",
	  { "ip.route[0].scope: unknown key" } },
	{ "unknown pool key", "{\"ip\":{\"pool\":[{\"name\":\"p\",\"ranges\":\"10.0.0.1\",\"next-pool\":\"q\"}]}}",
	  { "ip.pool[0].next-pool: unknown key" } },
	{ "unknown ppp key", "{\"ppp\":{\"l2tp-secret\":[]}}", { "ppp.l2tp-secret: unknown key" } },
	{ "unknown profile key", "{\"ppp\":{\"profile\":[{\"name\":\"p\",\"bridge\":\"b\"}]}}",
	  { "ppp.profile[0].bridge: unknown key" } },
	{ "unknown secret key", "{\"ppp\":{\"secret\":[{\"name\":\"s\",\"routes\":\"\"}]}}",
	  { "ppp.secret[0].routes: unknown key" } },
	{ "unknown aaa key", "{\"ppp\":{\"aaa\":{\"use-circuit-id-in-nas-port-id\":true}}}",
	  { "ppp.aaa.use-circuit-id-in-nas-port-id: unknown key" } },
	{ "unknown radius key", "{\"radius\":[{\"address\":\"127.0.0.1\",\"realm\":\"x\"}]}",
	  { "radius[0].realm: unknown key" } },
	{ "unknown radius-incoming key", "{\"radius-incoming\":{\"vrf\":\"main\"}}",
	  { "radius-incoming.vrf: unknown key" } },
	{ "unknown key with control characters", "{\"a\\u0001b\":1}", { "a?b: unknown key" } },
	{ "unknown long key",
	  "{\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\":1}",
	  { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...: unknown key" } },

	/* wrong types */
	{ "poll is a number", "{\"dataplane\":{\"poll\":5}}",
	  { "dataplane.poll: expected a string, got number" } },
	{ "system is an array", "{\"system\":[]}", { "system: expected an object, got array" } },
	{ "ethernet is an object", "{\"interface\":{\"ethernet\":{}}}",
	  { "interface.ethernet: expected an array, got object" } },
	{ "ethernet entry is a string", "{\"interface\":{\"ethernet\":[\"ether1\"]}}",
	  { "interface.ethernet[0]: expected an object, got string" } },
	{ "enabled is a number", "{\"interface\":{\"pptp-server\":{\"server\":{\"enabled\":1}}}}",
	  { "interface.pptp-server.server.enabled: expected a boolean, got number" } },
	{ "max-mtu is a boolean", "{\"interface\":{\"pptp-server\":{\"server\":{\"max-mtu\":true}}}}",
	  { "interface.pptp-server.server.max-mtu: expected a number, got boolean" } },
	{ "identity is null", "{\"system\":{\"identity\":null}}",
	  { "system.identity: expected a string, got null" } },
	{ "connect-to is a number", "{\"interface\":{\"pptp-client\":[{\"name\":\"c\",\"connect-to\":3232235010}]}}",
	  { "interface.pptp-client[0].connect-to: expected a string, got number" } },
	{ "authentication is a number",
	  "{\"interface\":{\"pptp-server\":{\"server\":{\"authentication\":4}}}}",
	  { "interface.pptp-server.server.authentication: expected an array or a string, got number" } },
	{ "authentication word is a number",
	  "{\"interface\":{\"pptp-server\":{\"server\":{\"authentication\":[\"pap\",2]}}}}",
	  { "interface.pptp-server.server.authentication[1]: expected a string, got number" } },
	{ "rate-limit is a number", "{\"ppp\":{\"profile\":[{\"name\":\"p\",\"rate-limit\":1000}]}}",
	  { "ppp.profile[0].rate-limit: expected a string or null, got number" } },
	{ "keepalive is a boolean",
	  "{\"interface\":{\"pptp-server\":{\"server\":{\"keepalive-timeout\":false}}}}",
	  { "interface.pptp-server.server.keepalive-timeout: expected a number of seconds or a duration string, got boolean" } },
	{ "mrru is a boolean", "{\"interface\":{\"pptp-server\":{\"server\":{\"mrru\":false}}}}",
	  { "interface.pptp-server.server.mrru: expected \"disabled\" or a number, got boolean" } },
	{ "workers is a number", "{\"dataplane\":{\"workers\":1}}",
	  { "dataplane.workers: expected an array, got number" } },
	{ "dns-server is an object", "{\"ppp\":{\"profile\":[{\"name\":\"p\",\"dns-server\":{}}]}}",
	  { "ppp.profile[0].dns-server: expected an array or a string, got object" } },
	{ "eal arg is a number", "{\"dataplane\":{\"eal-args\":[\"--log-level=8\",8]}}",
	  { "dataplane.eal-args[1]: expected a string, got number" } },

	/* numbers: range, huge, negative, fractions */
	{ "max-mtu too big",
	  "{\"interface\":{\"pptp-client\":[{" CLIENT_A ",\"max-mtu\":70000}]}}",
	  { "interface.pptp-client[0].max-mtu: 70000 is out of range (64..65535)" } },
	{ "max-mru too small", "{\"interface\":{\"pptp-server\":{\"server\":{\"max-mru\":63}}}}",
	  { "interface.pptp-server.server.max-mru: 63 is out of range (64..65535)" } },
	{ "max-mtu negative", "{\"interface\":{\"pptp-server\":{\"server\":{\"max-mtu\":-1}}}}",
	  { "interface.pptp-server.server.max-mtu: -1 is out of range (64..65535)" } },
	{ "max-mtu negative string", "{\"interface\":{\"pptp-server\":{\"server\":{\"max-mtu\":\"-1\"}}}}",
	  { "interface.pptp-server.server.max-mtu: \"-1\" is not a number" } },
	{ "max-mtu 2^32", "{\"interface\":{\"pptp-server\":{\"server\":{\"max-mtu\":4294967296}}}}",
	  { "interface.pptp-server.server.max-mtu: 4294967296 is out of range (64..65535)" } },
	{ "max-mtu fraction", "{\"interface\":{\"pptp-server\":{\"server\":{\"max-mtu\":1450.5}}}}",
	  { "interface.pptp-server.server.max-mtu: 1450.5 is not a whole number" } },
	{ "max-mtu leading zero string",
	  "{\"interface\":{\"pptp-server\":{\"server\":{\"max-mtu\":\"01450\"}}}}",
	  { "interface.pptp-server.server.max-mtu: \"01450\" is not a number" } },
	{ "memory-mb beyond json_int_t", "{\"dataplane\":{\"memory-mb\":99999999999999999999999}}",
	  { "line 1, column 49: too big integer" } },
	{ "memory-mb huge real", "{\"dataplane\":{\"memory-mb\":1e30}}",
	  { "dataplane.memory-mb: 1e+30 is out of range (64..1048576)" } },
	{ "memory-mb huge string", "{\"dataplane\":{\"memory-mb\":\"99999999999999999999999\"}}",
	  { "dataplane.memory-mb: \"99999999999999999999999\" is out of range (64..1048576)" } },
	{ "memory-mb negative", "{\"dataplane\":{\"memory-mb\":-5}}",
	  { "dataplane.memory-mb: -5 is out of range (64..1048576)" } },
	{ "ethernet mtu too small",
	  "{\"interface\":{\"ethernet\":[{\"name\":\"e\",\"device\":\"d\",\"mtu\":67}]}}",
	  { "interface.ethernet[0].mtu: 67 is out of range (68..9216)" } },
	{ "route distance zero", "{\"ip\":{\"route\":[{\"gateway\":\"192.0.2.1\",\"distance\":0}]}}",
	  { "ip.route[0].distance: 0 is out of range (1..255)" } },
	{ "client route distance 256",
	  "{\"interface\":{\"pptp-client\":[{" CLIENT_A ",\"default-route-distance\":256}]}}",
	  { "interface.pptp-client[0].default-route-distance: 256 is out of range (0..255)" } },
	{ "radius port zero", "{\"radius\":[{\"address\":\"127.0.0.1\",\"accounting-port\":0}]}",
	  { "radius[0].accounting-port: 0 is out of range (1..65535)" } },
	{ "radius-incoming port 65536", "{\"radius-incoming\":{\"port\":65536}}",
	  { "radius-incoming.port: 65536 is out of range (1..65535)" } },

	/* durations */
	{ "keepalive zero", "{\"interface\":{\"pptp-server\":{\"server\":{\"keepalive-timeout\":0}}}}",
	  { "interface.pptp-server.server.keepalive-timeout: 0 is out of range (1..86400 seconds)" } },
	{ "keepalive two days",
	  "{\"interface\":{\"pptp-server\":{\"server\":{\"keepalive-timeout\":\"2d\"}}}}",
	  { "interface.pptp-server.server.keepalive-timeout: \"2d\" is out of range (1..86400 seconds)" } },
	{ "keepalive bad unit",
	  "{\"interface\":{\"pptp-server\":{\"server\":{\"keepalive-timeout\":\"30x\"}}}}",
	  { "interface.pptp-server.server.keepalive-timeout: \"30x\" is not a duration (seconds, or like 30s, 1m, 1h30m, 1d)" } },
	{ "keepalive units out of order",
	  "{\"interface\":{\"pptp-server\":{\"server\":{\"keepalive-timeout\":\"30s1m\"}}}}",
	  { "interface.pptp-server.server.keepalive-timeout: \"30s1m\" is not a duration (seconds, or like 30s, 1m, 1h30m, 1d)" } },
	{ "keepalive in ms",
	  "{\"interface\":{\"pptp-server\":{\"server\":{\"keepalive-timeout\":\"300ms\"}}}}",
	  { "interface.pptp-server.server.keepalive-timeout: \"300ms\" is not a duration (seconds, or like 30s, 1m, 1h30m, 1d)" } },
	{ "session-timeout empty", "{\"ppp\":{\"profile\":[{\"name\":\"p\",\"session-timeout\":\"\"}]}}",
	  { "ppp.profile[0].session-timeout: \"\" is not a duration (seconds, or like 30s, 1m, 1h30m, 1d)" } },
	{ "session-timeout overflow",
	  "{\"ppp\":{\"profile\":[{\"name\":\"p\",\"session-timeout\":\"99999999999999999999w\"}]}}",
	  { "ppp.profile[0].session-timeout: \"99999999999999999999w\" is out of range (0..4294967295 seconds)" } },
	{ "radius timeout 61 s", "{\"radius\":[{\"address\":\"127.0.0.1\",\"timeout\":61}]}",
	  { "radius[0].timeout: 61 is out of range (1ms..60s)" } },
	{ "radius timeout 0ms", "{\"radius\":[{\"address\":\"127.0.0.1\",\"timeout\":\"0ms\"}]}",
	  { "radius[0].timeout: \"0ms\" is out of range (1ms..60s)" } },
	{ "radius timeout bad", "{\"radius\":[{\"address\":\"127.0.0.1\",\"timeout\":\"fast\"}]}",
	  { "radius[0].timeout: \"fast\" is not a duration (like 300ms, 1s)" } },

	/* strings */
	{ "identity too long",
	  "{\"system\":{\"identity\":\"0123456789012345678901234567890123456789012345678901234567890123\"}}",
	  { "system.identity: \"0123456789012345678901234567890123456789012345678901234567890123\" is too long (at most 63 bytes)" } },
	{ "socket too long",
	  "{\"management\":{\"socket\":\"/run/0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789.sock\"}}",
	  { "management.socket: \"/run/01234567890123456789012345678901234567890123456789012345678...\" is too long (at most 107 bytes)" } },
	{ "socket empty", "{\"management\":{\"socket\":\"\"}}", { "management.socket: \"\" is empty" } },
	{ "ethernet name empty", "{\"interface\":{\"ethernet\":[{\"name\":\"\",\"device\":\"d\"}]}}",
	  { "interface.ethernet[0].name: \"\" is empty" } },
	{ "secret name with newline", "{\"ppp\":{\"secret\":[{\"name\":\"a\\nb\"}]}}",
	  { "ppp.secret[0].name: \"a\\nb\" contains a control character" } },
	{ "file-prefix with slash", "{\"dataplane\":{\"file-prefix\":\"../x\"}}",
	  { "dataplane.file-prefix: \"../x\" is not a file prefix (letters, digits, '.', '_', '-')" } },

	/* addresses, prefixes, ranges */
	{ "address octet 300",
	  "{\"interface\":{\"ethernet\":[" ETHER("ether1") "]},"
	  "\"ip\":{\"address\":[{\"address\":\"192.0.2.300/24\",\"interface\":\"ether1\"}]}}",
	  { "ip.address[0].address: \"192.0.2.300/24\" is not an IPv4 prefix" } },
	{ "prefix length 33", "{\"ip\":{\"route\":[{\"dst-address\":\"10.0.0.0/33\",\"gateway\":\"192.0.2.1\"}]}}",
	  { "ip.route[0].dst-address: \"10.0.0.0/33\" is not an IPv4 prefix" } },
	{ "prefix without length", "{\"ip\":{\"route\":[{\"dst-address\":\"10.0.0.0/\",\"gateway\":\"192.0.2.1\"}]}}",
	  { "ip.route[0].dst-address: \"10.0.0.0/\" is not an IPv4 prefix" } },
	{ "gateway with leading zero", "{\"ip\":{\"route\":[{\"gateway\":\"192.0.2.01\"}]}}",
	  { "ip.route[0].gateway: \"192.0.2.01\" is not an IPv4 address" } },
	{ "gateway three octets", "{\"ip\":{\"route\":[{\"gateway\":\"192.0.2\"}]}}",
	  { "ip.route[0].gateway: \"192.0.2\" is not an IPv4 address" } },
	{ "gateway name with a slash", "{\"ip\":{\"route\":[{\"gateway\":\"a/b\"}]}}",
	  { "ip.route[0].gateway: \"a/b\" is not an IPv4 address or an interface name" } },
	{ "connect-to trailing space",
	  "{\"interface\":{\"pptp-client\":[{\"name\":\"c\",\"connect-to\":\"192.0.2.1 \"}]}}",
	  { "interface.pptp-client[0].connect-to: \"192.0.2.1 \" is not an IPv4 address" } },
	{ "radius address hostname", "{\"radius\":[{\"address\":\"radius.example\"}]}",
	  { "radius[0].address: \"radius.example\" is not an IPv4 address" } },
	{ "pool range reversed", "{\"ip\":{\"pool\":[{\"name\":\"p\",\"ranges\":[\"10.0.0.9-10.0.0.1\"]}]}}",
	  { "ip.pool[0].ranges[0]: \"10.0.0.9-10.0.0.1\" has its first address above its last" } },
	{ "pool range junk", "{\"ip\":{\"pool\":[{\"name\":\"p\",\"ranges\":\"10.0.0.1-10.0.0.9,10.0.0.x\"}]}}",
	  { "ip.pool[0].ranges: \"10.0.0.x\" is not an address range (like 10.0.0.10-10.0.0.254 or 10.0.0.0/24)" } },
	{ "pool ranges empty", "{\"ip\":{\"pool\":[{\"name\":\"p\",\"ranges\":[]}]}}",
	  { "ip.pool[0].ranges: [] is empty" } },
	{ "pool named like an address", "{\"ip\":{\"pool\":[{\"name\":\"10.0.0.1\",\"ranges\":\"10.0.0.0/24\"}]}}",
	  { "ip.pool[0].name: \"10.0.0.1\" is an IPv4 address, which cannot name a pool" } },
	{ "dns server bad", "{\"ppp\":{\"profile\":[{\"name\":\"p\",\"dns-server\":[\"10.0.0.1\",\"dns\"]}]}}",
	  { "ppp.profile[0].dns-server[1]: \"dns\" is not an IPv4 address" } },
	{ "three dns servers",
	  "{\"ppp\":{\"profile\":[{\"name\":\"p\",\"dns-server\":[\"10.0.0.1\",\"10.0.0.2\",\"10.0.0.3\"]}]}}",
	  { "ppp.profile[0].dns-server: 3 entries is too many (at most 2)" } },

	/* rate-limit, mrru, words */
	{ "rate-limit bad suffix", "{\"ppp\":{\"profile\":[{\"name\":\"p\",\"rate-limit\":\"10Q\"}]}}",
	  { "ppp.profile[0].rate-limit: \"10Q\" is not a rate limit (rx/tx, like 10M/20M or 512k)" } },
	{ "rate-limit missing tx", "{\"ppp\":{\"profile\":[{\"name\":\"p\",\"rate-limit\":\"10M/\"}]}}",
	  { "ppp.profile[0].rate-limit: \"10M/\" is not a rate limit (rx/tx, like 10M/20M or 512k)" } },
	{ "rate-limit bursts", "{\"ppp\":{\"profile\":[{\"name\":\"p\",\"rate-limit\":\"10M/20M 20M/40M\"}]}}",
	  { "ppp.profile[0].rate-limit: \"10M/20M 20M/40M\" is not a rate limit (rx/tx, like 10M/20M or 512k)" } },
	{ "rate-limit overflow",
	  "{\"ppp\":{\"profile\":[{\"name\":\"p\",\"rate-limit\":\"99999999999999999G\"}]}}",
	  { "ppp.profile[0].rate-limit: \"99999999999999999G\" is too large" } },
	{ "mrru below 1500", "{\"interface\":{\"pptp-server\":{\"server\":{\"mrru\":1499}}}}",
	  { "interface.pptp-server.server.mrru: 1499 is out of range (1500..16384)" } },
	{ "mrru string above 16384", "{\"interface\":{\"pptp-server\":{\"server\":{\"mrru\":\"16385\"}}}}",
	  { "interface.pptp-server.server.mrru: \"16385\" is out of range (1500..16384)" } },
	{ "mrru word", "{\"interface\":{\"pptp-server\":{\"server\":{\"mrru\":\"auto\"}}}}",
	  { "interface.pptp-server.server.mrru: \"auto\" is not \"disabled\" or a number (1500..16384)" } },
	{ "auth word unknown",
	  "{\"interface\":{\"pptp-server\":{\"server\":{\"authentication\":[\"mschap2\",\"eap\"]}}}}",
	  { "interface.pptp-server.server.authentication[1]: \"eap\" is not one of pap, chap, mschap1, mschap2" } },
	{ "auth word twice",
	  "{\"interface\":{\"pptp-client\":[{" CLIENT_A ",\"allow\":\"pap,chap,pap\"}]}}",
	  { "interface.pptp-client[0].allow: \"pap\" is listed twice" } },
	{ "auth list empty", "{\"interface\":{\"pptp-server\":{\"server\":{\"authentication\":[]}}}}",
	  { "interface.pptp-server.server.authentication: [] is empty" } },
	{ "auth string empty", "{\"interface\":{\"pptp-server\":{\"server\":{\"authentication\":\"\"}}}}",
	  { "interface.pptp-server.server.authentication: \"\" is empty" } },
	{ "use-encryption maybe", "{\"ppp\":{\"profile\":[{\"name\":\"a\"},{\"name\":\"b\",\"use-encryption\":\"maybe\"}]}}",
	  { "ppp.profile[1].use-encryption: \"maybe\" is not one of default, no, yes, required" } },
	{ "mppe-mode both", "{\"ppp\":{\"profile\":[{\"name\":\"a\",\"mppe-mode\":\"both\"}]}}",
	  { "ppp.profile[0].mppe-mode: \"both\" is not one of any, stateless, stateful" } },
	{ "only-one maybe", "{\"ppp\":{\"profile\":[{\"name\":\"a\",\"only-one\":\"maybe\"}]}}",
	  { "ppp.profile[0].only-one: \"maybe\" is not one of default, no, yes" } },
	{ "log-level verbose", "{\"system\":{\"log-level\":\"verbose\"}}",
	  { "system.log-level: \"verbose\" is not one of error, warning, info, debug" } },
	{ "log-level boolean", "{\"system\":{\"log-level\":true}}",
	  { "system.log-level: expected a string, got boolean" } },
	{ "poll spin", "{\"dataplane\":{\"poll\":\"spin\"}}",
	  { "dataplane.poll: \"spin\" is not one of adaptive, busy" } },
	{ "service ssh", "{\"ppp\":{\"secret\":[{\"name\":\"s\",\"service\":\"ssh\"}]}}",
	  { "ppp.secret[0].service: \"ssh\" is not one of any, async, l2tp, ovpn, pppoe, pptp, sstp" } },
	{ "radius service unknown", "{\"radius\":[{\"address\":\"127.0.0.1\",\"service\":[\"ppp\",\"web\"]}]}",
	  { "radius[0].service[1]: \"web\" is not one of ppp, login, hotspot, wireless, dhcp, ipsec, dot1x" } },
	{ "boolean maybe", "{\"ppp\":{\"secret\":[{\"name\":\"s\",\"disabled\":\"maybe\"}]}}",
	  { "ppp.secret[0].disabled: \"maybe\" is not a boolean (true, false, \"yes\" or \"no\")" } },

	/* lcores and workers */
	{ "lcores junk", "{\"dataplane\":{\"lcores\":\"0-x\"}}",
	  { "dataplane.lcores: \"0-x\" is not an lcore list (like 0-1 or 0,2,4)" } },
	{ "lcores reversed", "{\"dataplane\":{\"lcores\":\"3-1\"}}",
	  { "dataplane.lcores: \"3-1\" is not an lcore list (like 0-1 or 0,2,4)" } },
	{ "lcores beyond 1023", "{\"dataplane\":{\"lcores\":\"0,2048\"}}",
	  { "dataplane.lcores: \"0,2048\" is out of range (lcore ids 0..1023)" } },
	{ "lcores only main", "{\"dataplane\":{\"lcores\":\"0\"}}",
	  { "dataplane.lcores: \"0\" has no lcore left for a worker (the lowest is the main lcore)" } },
	{ "lcores too many workers to derive", "{\"dataplane\":{\"lcores\":\"0-17\"}}",
	  { "dataplane.lcores: \"0-17\" has 17 worker lcores, more than 16; list the ones to use in dataplane.workers" } },
	{ "worker is main lcore", "{\"dataplane\":{\"lcores\":\"0-3\",\"workers\":[0,1]}}",
	  { "dataplane.workers[0]: 0 is the main lcore (the lowest in lcores \"0-3\")" } },
	{ "worker outside lcores", "{\"dataplane\":{\"lcores\":\"0-3\",\"workers\":[1,5]}}",
	  { "dataplane.workers[1]: 5 is not in lcores \"0-3\"" } },
	{ "worker twice", "{\"dataplane\":{\"lcores\":\"0-3\",\"workers\":[2,2]}}",
	  { "dataplane.workers[1]: 2 is listed twice" } },
	{ "no workers", "{\"dataplane\":{\"workers\":[]}}",
	  { "dataplane.workers: [] is empty (at least one worker is needed)" } },
	{ "seventeen workers",
	  "{\"dataplane\":{\"lcores\":\"0-17\",\"workers\":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17]}}",
	  { "dataplane.workers: 17 entries is too many (at most 16)" } },
	{ "bad worker does not blame lcores", "{\"dataplane\":{\"lcores\":\"2-3\",\"workers\":[\"x\"]}}",
	  { "dataplane.workers[0]: \"x\" is not a number" } },
	{ "bad lcores does not blame workers", "{\"dataplane\":{\"lcores\":\"2-x\",\"workers\":[2,3]}}",
	  { "dataplane.lcores: \"2-x\" is not an lcore list (like 0-1 or 0,2,4)" } },
	{ "worker id huge", "{\"dataplane\":{\"workers\":[70000]}}",
	  { "dataplane.workers[0]: 70000 is out of range (0..1023)" } },

	/* required keys */
	{ "client without connect-to", "{\"interface\":{\"pptp-client\":[{\"name\":\"pptp-out1\"}]}}",
	  { "interface.pptp-client[0].connect-to: required key is missing" } },
	{ "client empty", "{\"interface\":{\"pptp-client\":[{}]}}",
	  { "interface.pptp-client[0].name: required key is missing",
	    "interface.pptp-client[0].connect-to: required key is missing" } },
	{ "ethernet without device", "{\"interface\":{\"ethernet\":[{\"name\":\"ether1\"}]}}",
	  { "interface.ethernet[0].device: required key is missing" } },
	{ "ethernet without name", "{\"interface\":{\"ethernet\":[{\"device\":\"net_null0\"}]}}",
	  { "interface.ethernet[0].name: required key is missing" } },
	{ "secret without name", "{\"ppp\":{\"secret\":[{\"password\":\"x\"}]}}",
	  { "ppp.secret[0].name: required key is missing" } },
	{ "profile without name", "{\"ppp\":{\"profile\":[{\"use-encryption\":\"yes\"}]}}",
	  { "ppp.profile[0].name: required key is missing" } },
	{ "pool without ranges", "{\"ip\":{\"pool\":[{\"name\":\"p\"}]}}",
	  { "ip.pool[0].ranges: required key is missing" } },
	{ "address without interface", "{\"ip\":{\"address\":[{\"address\":\"192.0.2.1/24\"}]}}",
	  { "ip.address[0].interface: required key is missing" } },
	{ "route without gateway", "{\"ip\":{\"route\":[{\"dst-address\":\"0.0.0.0/0\"}]}}",
	  { "ip.route[0].gateway: required key is missing" } },
	{ "static without user", "{\"interface\":{\"pptp-server\":{\"static\":[{\"name\":\"s\"}]}}}",
	  { "interface.pptp-server.static[0].user: required key is missing" } },
	{ "static user empty", "{\"interface\":{\"pptp-server\":{\"static\":[{\"name\":\"s\",\"user\":\"\"}]}}}",
	  { "interface.pptp-server.static[0].user: \"\" is empty" } },
	{ "radius without address", "{\"radius\":[{\"secret\":\"x\"}]}",
	  { "radius[0].address: required key is missing" } },

	/* duplicate names */
	{ "duplicate ethernet",
	  "{\"interface\":{\"ethernet\":[" ETHER("ether1") "," ETHER("ether2") "," ETHER("ether1") "]}}",
	  { "interface.ethernet[2].name: \"ether1\" is already used by interface.ethernet[0]" } },
	{ "client named like an ethernet",
	  "{\"interface\":{\"ethernet\":[" ETHER("ether1") "],"
	  "\"pptp-client\":[{\"name\":\"ether1\",\"connect-to\":\"192.0.2.9\"}]}}",
	  { "interface.pptp-client[0].name: \"ether1\" is already used by interface.ethernet[0]" } },
	{ "duplicate client",
	  "{\"interface\":{\"pptp-client\":[{" CLIENT_A "},{" CLIENT_A "}]}}",
	  { "interface.pptp-client[1].name: \"c1\" is already used by interface.pptp-client[0]" } },
	{ "duplicate static",
	  "{\"interface\":{\"pptp-server\":{\"static\":[{\"name\":\"s\",\"user\":\"a\"},{\"name\":\"s\",\"user\":\"b\"}]}}}",
	  { "interface.pptp-server.static[1].name: \"s\" is already used by interface.pptp-server.static[0]" } },
	{ "duplicate pool",
	  "{\"ip\":{\"pool\":[{\"name\":\"p\",\"ranges\":\"10.0.0.1\"},{\"name\":\"p\",\"ranges\":\"10.0.0.2\"}]}}",
	  { "ip.pool[1].name: \"p\" is already used by ip.pool[0]" } },
	{ "duplicate profile", "{\"ppp\":{\"profile\":[{\"name\":\"a\"},{\"name\":\"b\"},{\"name\":\"a\"}]}}",
	  { "ppp.profile[2].name: \"a\" is already used by ppp.profile[0]" } },
	{ "built-in profile twice",
	  "{\"ppp\":{\"profile\":[{\"name\":\"default\"},{\"name\":\"default\",\"only-one\":\"yes\"}]}}",
	  { "ppp.profile[1].name: \"default\" is already used by ppp.profile[0]" } },
	{ "duplicate secret", "{\"ppp\":{\"secret\":[{\"name\":\"u\"},{\"name\":\"v\"},{\"name\":\"u\"},{\"name\":\"u\"}]}}",
	  { "ppp.secret[2].name: \"u\" is already used by ppp.secret[0]",
	    "ppp.secret[3].name: \"u\" is already used by ppp.secret[0]" } },

	/* dangling references */
	{ "address on a missing interface",
	  "{\"ip\":{\"address\":[{\"address\":\"192.0.2.1/24\",\"interface\":\"ether9\"}]}}",
	  { "ip.address[0].interface: \"ether9\" is not an ethernet interface" } },
	{ "secret with a missing profile", "{\"ppp\":{\"secret\":[{\"name\":\"u\",\"profile\":\"nosuch\"}]}}",
	  { "ppp.secret[0].profile: \"nosuch\" is not a profile" } },
	{ "route via an interface that is not a tunnel",
	  "{\"ip\":{\"route\":[{\"dst-address\":\"10.9.0.0/16\",\"gateway\":\"nosuch\"}]}}",
	  { "ip.route[0].gateway: \"nosuch\" is not a pptp-client or pptp-server interface" } },
	{ "client with a missing profile",
	  "{\"interface\":{\"pptp-client\":[{" CLIENT_A ",\"profile\":\"nosuch\"}]}}",
	  { "interface.pptp-client[0].profile: \"nosuch\" is not a profile" } },
	{ "server default-profile missing",
	  "{\"interface\":{\"pptp-server\":{\"server\":{\"default-profile\":\"vpn\"}}}}",
	  { "interface.pptp-server.server.default-profile: \"vpn\" is not a profile" } },
	{ "profile with a missing pool",
	  "{\"ppp\":{\"profile\":[{\"name\":\"a\"},{\"name\":\"b\",\"remote-address\":\"nosuch\"}]}}",
	  { "ppp.profile[1].remote-address: \"nosuch\" is not an IPv4 address or a pool" } },
	{ "redefined built-in with a missing pool",
	  "{\"ppp\":{\"profile\":[{\"name\":\"a\"},{\"name\":\"default-encryption\",\"local-address\":\"lp\"}]}}",
	  { "ppp.profile[1].local-address: \"lp\" is not an IPv4 address or a pool" } },
	{ "secret with a bad address",
	  "{\"ppp\":{\"secret\":[{\"name\":\"u\",\"remote-address\":\"10.0.0.256\"}]}}",
	  { "ppp.secret[0].remote-address: \"10.0.0.256\" is not an IPv4 address or a pool" } },

	/* many errors in one file, in file order */
	{ "errors are collected",
	  "{\"system\":{\"log-level\":\"loud\"},\"dataplane\":{\"poll\":1,\"memory-mb\":1},"
	  "\"ppp\":{\"secret\":[{\"name\":\"u\",\"profile\":\"nosuch\"}]}}",
	  { "system.log-level: \"loud\" is not one of error, warning, info, debug",
	    "dataplane.poll: expected a string, got number",
	    "dataplane.memory-mb: 1 is out of range (64..1048576)",
	    "ppp.secret[0].profile: \"nosuch\" is not a profile" } },
};

static void check_bad(const struct bad_case *c, const char *json, size_t len)
{
	struct pg_config cfg;
	struct cfg_errors e;
	unsigned int n_want = 0;
	int rc;

	while (n_want < MAX_WANT && c->want[n_want])
		n_want++;
	cfg_errors_init(&e);
	memset(&cfg, 0xa5, sizeof(cfg));
	rc = cfg_load_buffer(json, len, &cfg, &e);
	if (e.n != n_want) {
		print_message("case \"%s\": %u messages, expected %u\n", c->name, e.n, n_want);
		print_errors(&e);
	}
	assert_int_equal(rc, -1);
	assert_int_equal(e.n, n_want);
	for (unsigned int i = 0; i < n_want; i++)
		assert_string_equal(e.msg[i], c->want[i]);
	/* Left freed: nothing to free, and freeing again is harmless. */
	assert_null(cfg.ppp_profile);
	assert_int_equal(cfg.n_ppp_profile, 0);
	cfg_free(&cfg);
	cfg_errors_free(&e);
}

static void test_bad_case(void **state)
{
	const struct bad_case *c = *state;

	check_bad(c, c->json, strlen(c->json));
}

static void test_nul_byte(void **state)
{
	static const char json[] = "{\"system\":{}}\0{}";
	const struct bad_case c = { "nul byte", json, { "config contains a NUL byte" } };

	(void)state;
	check_bad(&c, json, sizeof(json) - 1);
}

/* Past CFG_ERRORS_MAX, one line says how many more there were. */
static void test_error_cap(void **state)
{
	char json[8192];
	size_t used = 0;
	struct pg_config cfg;
	struct cfg_errors e;
	const unsigned int n_keys = CFG_ERRORS_MAX + 50;

	(void)state;
	used += (size_t)snprintf(json + used, sizeof(json) - used, "{");
	for (unsigned int i = 0; i < n_keys; i++)
		used += (size_t)snprintf(json + used, sizeof(json) - used, "%s\"k%u\":0",
					 i ? "," : "", i);
	snprintf(json + used, sizeof(json) - used, "}");
	assert_true(used + 2 < sizeof(json));
	cfg_errors_init(&e);
	assert_int_equal(cfg_load_string(json, &cfg, &e), -1);
	assert_int_equal(e.n, CFG_ERRORS_MAX + 1);
	assert_string_equal(e.msg[0], "k0: unknown key");
	assert_string_equal(e.msg[CFG_ERRORS_MAX - 1], "k99: unknown key");
	assert_string_equal(e.msg[CFG_ERRORS_MAX], "50 more errors not shown");
	assert_int_equal(e.n_dropped, 50);
	cfg_errors_free(&e);
}

static void test_missing_file(void **state)
{
	struct pg_config cfg;
	struct cfg_errors e;

	(void)state;
	cfg_errors_init(&e);
	assert_int_equal(cfg_load_file("/nonexistent/pptpgw.json", &cfg, &e), -1);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.msg[0], "/nonexistent/pptpgw.json: No such file or directory");
	cfg_errors_free(&e);
	assert_int_equal(cfg_load_file("/", &cfg, &e), -1);
	assert_string_equal(e.msg[0], "/: not a regular file");
	cfg_errors_free(&e);
}

/* ------------------------------------------------------------- defaults */

static void test_defaults(void **state)
{
	struct pg_config cfg;

	(void)state;
	load_ok("{}", &cfg);
	assert_string_equal(cfg.system.identity, "pptpgw");
	assert_int_equal(cfg.system.log_level, CFG_LOG_INFO);
	assert_string_equal(cfg.dataplane.lcores, "0-1");
	assert_int_equal(cfg.dataplane.n_workers, 1);
	assert_int_equal(cfg.dataplane.workers[0], 1);
	assert_false(cfg.dataplane.huge_pages);
	assert_int_equal(cfg.dataplane.memory_mb, 512);
	assert_int_equal(cfg.dataplane.poll, CFG_POLL_ADAPTIVE);
	assert_string_equal(cfg.dataplane.file_prefix, "pptpgw");
	assert_int_equal(cfg.dataplane.n_eal_args, 0);
	assert_string_equal(cfg.management.socket, "/run/pptpgw/pptpgw.sock");

	assert_false(cfg.pptp_server.enabled);
	assert_int_equal(cfg.pptp_server.authentication, CFG_AUTH_MSCHAP1 | CFG_AUTH_MSCHAP2);
	assert_string_equal(cfg.pptp_server.default_profile, "default-encryption");
	assert_int_equal(cfg.pptp_server.link.max_mtu, 1450);
	assert_int_equal(cfg.pptp_server.link.max_mru, 1450);
	assert_int_equal(cfg.pptp_server.link.mrru, 0);
	assert_int_equal(cfg.pptp_server.link.keepalive_timeout, 30);

	assert_true(cfg.ppp_aaa.accounting);
	assert_false(cfg.ppp_aaa.use_radius);
	assert_int_equal(cfg.ppp_aaa.interim_update, 0);
	assert_false(cfg.radius_incoming.accept);
	assert_int_equal(cfg.radius_incoming.port, 1700);

	assert_int_equal(cfg.n_ethernet + cfg.n_pptp_static + cfg.n_pptp_client + cfg.n_ip_address +
			 cfg.n_ip_route + cfg.n_ip_pool + cfg.n_ppp_secret + cfg.n_radius, 0);
	/* The built-in profiles exist without being written. */
	assert_int_equal(cfg.n_ppp_profile, 2);
	assert_string_equal(cfg.ppp_profile[0].name, "default");
	assert_int_equal(cfg.ppp_profile[0].use_encryption, CFG_ENC_DEFAULT);
	assert_true(cfg.ppp_profile[0].builtin);
	assert_string_equal(cfg.ppp_profile[1].name, "default-encryption");
	assert_int_equal(cfg.ppp_profile[1].use_encryption, CFG_ENC_YES);
	assert_true(cfg.ppp_profile[1].builtin);
	assert_ptr_equal(cfg_find_profile(&cfg, "default-encryption"), &cfg.ppp_profile[1]);
	cfg_free(&cfg);
}

static void test_entry_defaults(void **state)
{
	struct pg_config cfg;
	const struct cfg_pptp_client *c;
	const struct cfg_ppp_secret *s;
	const struct cfg_ppp_profile *p;

	(void)state;
	load_ok("{\"interface\":{\"ethernet\":[{\"name\":\"ether1\",\"device\":\"net_null0\"}],"
		"\"pptp-client\":[{\"name\":\"pptp-out1\",\"connect-to\":\"192.168.62.2\"}]},"
		"\"ip\":{\"route\":[{\"gateway\":\"192.0.2.254\"}]},"
		"\"ppp\":{\"profile\":[{\"name\":\"vpn\"}],\"secret\":[{\"name\":\"MT-User\"}]},"
		"\"radius\":[{\"address\":\"127.0.0.1\"}]}", &cfg);
	assert_int_equal(cfg.ethernet[0].mtu, 1500);
	assert_false(cfg.ethernet[0].disabled);

	c = &cfg.pptp_client[0];
	assert_int_equal(c->connect_to, IP(192, 168, 62, 2));
	assert_true(c->disabled);
	assert_string_equal(c->user, "");
	assert_string_equal(c->password, "");
	assert_string_equal(c->profile, "default-encryption");
	assert_false(c->add_default_route);
	assert_int_equal(c->default_route_distance, 1);
	assert_false(c->dial_on_demand);
	assert_int_equal(c->allow, CFG_AUTH_ALL);
	assert_int_equal(c->link.keepalive_timeout, 60);
	assert_int_equal(c->link.max_mtu, 1450);
	assert_int_equal(c->link.max_mru, 1450);
	assert_int_equal(c->link.mrru, 0);

	assert_int_equal(cfg.ip_route[0].dst.addr, 0);
	assert_int_equal(cfg.ip_route[0].dst.len, 0);
	assert_int_equal(cfg.ip_route[0].distance, 1);

	/* Built-ins first, then the config's own profiles. */
	assert_int_equal(cfg.n_ppp_profile, 3);
	p = &cfg.ppp_profile[2];
	assert_string_equal(p->name, "vpn");
	assert_false(p->builtin);
	assert_int_equal(p->use_encryption, CFG_ENC_DEFAULT);
	assert_int_equal(p->only_one, CFG_ONLY_ONE_DEFAULT);
	assert_false(p->local_address.is_set);
	assert_false(p->remote_address.is_set);
	assert_false(p->rate_limit.is_set);
	assert_int_equal(p->n_dns_server, 0);

	s = &cfg.ppp_secret[0];
	assert_string_equal(s->password, "");
	assert_int_equal(s->service, CFG_SERVICE_ANY);
	assert_string_equal(s->service_name, "any");
	assert_string_equal(s->profile, "default");
	assert_false(s->local_address.is_set);
	assert_false(s->remote_address.is_set);
	assert_false(s->disabled);

	assert_int_equal(cfg.radius[0].authentication_port, 1812);
	assert_int_equal(cfg.radius[0].accounting_port, 1813);
	assert_int_equal(cfg.radius[0].timeout_ms, 300);
	assert_int_equal(cfg.radius[0].service, 0);
	assert_false(cfg.radius[0].service_ppp);
	assert_int_equal(cfg.radius[0].src_address, 0);
	assert_round_trip(&cfg);
	cfg_free(&cfg);
}

/* A config may redefine a built-in profile; its values win, keys it leaves out keep the built-in's. */
static void test_builtin_redefined(void **state)
{
	struct pg_config cfg;
	char *text;

	(void)state;
	load_ok("{\"ppp\":{\"profile\":["
		"{\"name\":\"vpn\",\"use-encryption\":\"required\",\"mppe-mode\":\"stateful\"},"
		"{\"name\":\"default-encryption\",\"remote-address\":\"10.0.0.5\"},"
		"{\"name\":\"default\",\"use-encryption\":\"no\"}]}}", &cfg);
	assert_int_equal(cfg.n_ppp_profile, 3);
	assert_string_equal(cfg.ppp_profile[0].name, "default");
	assert_int_equal(cfg.ppp_profile[0].use_encryption, CFG_ENC_NO);
	assert_true(cfg.ppp_profile[0].builtin);
	assert_string_equal(cfg.ppp_profile[1].name, "default-encryption");
	assert_int_equal(cfg.ppp_profile[1].use_encryption, CFG_ENC_YES);
	assert_true(cfg.ppp_profile[1].remote_address.is_set);
	assert_int_equal(cfg.ppp_profile[1].remote_address.addr, IP(10, 0, 0, 5));
	assert_string_equal(cfg.ppp_profile[2].name, "vpn");
	assert_int_equal(cfg.ppp_profile[2].mppe_mode, CFG_MPPE_MODE_STATEFUL);
	assert_int_equal(cfg.ppp_profile[1].mppe_mode, CFG_MPPE_MODE_ANY);
	assert_int_equal(cfg.ppp_profile[2].use_encryption, CFG_ENC_REQUIRED);
	assert_round_trip(&cfg);
	cfg_free(&cfg);

	/* Unchanged built-ins are not written back. */
	load_ok("{\"ppp\":{\"profile\":[{\"name\":\"default\"},{\"name\":\"default-encryption\","
		"\"use-encryption\":\"yes\"}]}}", &cfg);
	text = cfg_to_json(&cfg);
	assert_non_null(text);
	assert_non_null(strstr(text, "\"profile\": []"));
	free(text);
	assert_round_trip(&cfg);
	cfg_free(&cfg);
}

/* RouterOS spellings the loader accepts besides the canonical JSON ones. */
static void test_value_forms(void **state)
{
	struct pg_config cfg;
	const struct cfg_ppp_profile *p;

	(void)state;
	load_ok("{\"dataplane\":{\"lcores\":\"2-4,7\",\"huge-pages\":\"yes\",\"memory-mb\":\"1024\","
		"\"poll\":\"busy\",\"eal-args\":[\"--log-level=lib.eal:debug\"]},"
		"\"interface\":{\"pptp-server\":{\"server\":{\"enabled\":\"yes\","
		"\"authentication\":\"pap,mschap2\",\"keepalive-timeout\":\"1h30m\",\"mrru\":\"1600\"}},"
		"\"pptp-client\":[{\"name\":\"c\",\"connect-to\":\"192.0.2.9\",\"disabled\":\"no\","
		"\"allow\":[\"mschap2\"],\"keepalive-timeout\":\"1m\",\"mrru\":1614}]},"
		"\"ip\":{\"pool\":[{\"name\":\"p\",\"ranges\":\"10.0.0.0/30,10.0.1.7,10.0.2.1-10.0.2.9\"}]},"
		"\"ppp\":{\"profile\":[{\"name\":\"a\",\"rate-limit\":\"512k\",\"dns-server\":\"10.0.0.1,10.0.0.2\","
		"\"session-timeout\":\"1d2h\",\"idle-timeout\":\"5m\",\"use-encryption\":true,"
		"\"local-address\":\"10.0.0.1\",\"remote-address\":\"p\"},"
		"{\"name\":\"b\",\"rate-limit\":\"10M/20M\",\"only-one\":\"yes\"},"
		"{\"name\":\"c\",\"rate-limit\":\"1000000/2000000\",\"remote-address\":null}],"
		"\"aaa\":{\"interim-update\":\"5m\"}},"
		"\"radius\":[{\"address\":\"127.0.0.1\",\"timeout\":\"1s\",\"service\":\"login,ppp\"},"
		"{\"address\":\"127.0.0.2\",\"timeout\":2},{\"address\":\"127.0.0.3\",\"timeout\":0.25}]}",
		&cfg);
	/* Without a workers list, every lcore but the lowest works. */
	assert_int_equal(cfg.dataplane.n_workers, 3);
	assert_int_equal(cfg.dataplane.workers[0], 3);
	assert_int_equal(cfg.dataplane.workers[1], 4);
	assert_int_equal(cfg.dataplane.workers[2], 7);
	assert_true(cfg.dataplane.huge_pages);
	assert_int_equal(cfg.dataplane.memory_mb, 1024);
	assert_int_equal(cfg.dataplane.poll, CFG_POLL_BUSY);
	assert_int_equal(cfg.dataplane.n_eal_args, 1);
	assert_string_equal(cfg.dataplane.eal_args[0], "--log-level=lib.eal:debug");
	assert_true(cfg.pptp_server.enabled);
	assert_int_equal(cfg.pptp_server.authentication, CFG_AUTH_PAP | CFG_AUTH_MSCHAP2);
	assert_int_equal(cfg.pptp_server.link.keepalive_timeout, 5400);
	assert_int_equal(cfg.pptp_server.link.mrru, 1600);
	assert_false(cfg.pptp_client[0].disabled);
	assert_int_equal(cfg.pptp_client[0].allow, CFG_AUTH_MSCHAP2);
	assert_int_equal(cfg.pptp_client[0].link.keepalive_timeout, 60);
	assert_int_equal(cfg.pptp_client[0].link.mrru, 1614);

	assert_int_equal(cfg.ip_pool[0].n_ranges, 3);
	assert_int_equal(cfg.ip_pool[0].ranges[0].first, IP(10, 0, 0, 0));
	assert_int_equal(cfg.ip_pool[0].ranges[0].last, IP(10, 0, 0, 3));
	assert_int_equal(cfg.ip_pool[0].ranges[1].first, IP(10, 0, 1, 7));
	assert_int_equal(cfg.ip_pool[0].ranges[1].last, IP(10, 0, 1, 7));
	assert_int_equal(cfg.ip_pool[0].ranges[2].first, IP(10, 0, 2, 1));
	assert_int_equal(cfg.ip_pool[0].ranges[2].last, IP(10, 0, 2, 9));

	p = cfg_find_profile(&cfg, "a");
	assert_non_null(p);
	assert_true(p->rate_limit.is_set);
	assert_int_equal(p->rate_limit.rx_bps, 512000);
	assert_int_equal(p->rate_limit.tx_bps, 512000);
	assert_int_equal(p->n_dns_server, 2);
	assert_int_equal(p->dns_server[1], IP(10, 0, 0, 2));
	assert_int_equal(p->session_timeout, 26 * 3600);
	assert_int_equal(p->idle_timeout, 300);
	assert_int_equal(p->use_encryption, CFG_ENC_YES);
	assert_false(p->local_address.is_pool);
	assert_int_equal(p->local_address.addr, IP(10, 0, 0, 1));
	assert_true(p->remote_address.is_pool);
	assert_string_equal(p->remote_address.pool, "p");
	p = cfg_find_profile(&cfg, "b");
	assert_int_equal(p->rate_limit.rx_bps, 10000000);
	assert_int_equal(p->rate_limit.tx_bps, 20000000);
	assert_int_equal(p->only_one, CFG_ONLY_ONE_YES);
	p = cfg_find_profile(&cfg, "c");
	assert_int_equal(p->rate_limit.rx_bps, 1000000);
	assert_int_equal(p->rate_limit.tx_bps, 2000000);
	assert_false(p->remote_address.is_set);
	assert_int_equal(cfg.ppp_aaa.interim_update, 300);

	assert_int_equal(cfg.radius[0].timeout_ms, 1000);
	assert_int_equal(cfg.radius[0].service, CFG_RADIUS_SVC_PPP | CFG_RADIUS_SVC_LOGIN);
	assert_true(cfg.radius[0].service_ppp);
	assert_int_equal(cfg.radius[1].timeout_ms, 2000);
	assert_int_equal(cfg.radius[2].timeout_ms, 250);
	assert_round_trip(&cfg);
	cfg_free(&cfg);
}

/* ------------------------------------------------------------ examples */

/* meson's unit_env sets it; by hand: PPTPGW_SOURCE_ROOT=$PWD build/tests/unit/test_config */
static const char *source_root(void)
{
	const char *root = getenv("PPTPGW_SOURCE_ROOT");

	if (!root)
		print_message("PPTPGW_SOURCE_ROOT is not set (run through meson test)\n");
	assert_non_null(root);
	return root;
}

static void load_example(const char *name, struct pg_config *cfg)
{
	const char *root = source_root();
	char path[PATH_MAX];
	struct cfg_errors e;
	int rc;

	snprintf(path, sizeof(path), "%s/conf/%s", root, name);
	cfg_errors_init(&e);
	rc = cfg_load_file(path, cfg, &e);
	if (rc != 0 || e.n)
		print_message("%s:\n", path), print_errors(&e);
	assert_int_equal(rc, 0);
	assert_int_equal(e.n, 0);
	cfg_errors_free(&e);
}

/* Every JSON file in conf/ loads without a message and round trips. */
static void test_examples(void **state)
{
	const char *root = source_root();
	char dir[PATH_MAX];
	struct dirent *de;
	unsigned int n = 0;
	DIR *d;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/conf", root);
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		struct pg_config cfg;

		if (len < sizeof(".json") || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		load_example(de->d_name, &cfg);
		assert_round_trip(&cfg);
		cfg_free(&cfg);
		n++;
	}
	closedir(d);
	assert_true(n >= 4);
}

static void test_seed_examples(void **state)
{
	struct pg_config cfg;
	const struct cfg_ppp_secret *s;
	const struct cfg_pptp_client *c;

	(void)state;
	load_example("seed-server.json", &cfg);
	assert_true(cfg.pptp_server.enabled);
	assert_int_equal(cfg.n_ppp_secret, 1);
	s = &cfg.ppp_secret[0];
	assert_string_equal(s->name, "MT-User");
	assert_string_equal(s->password, "StrongPass");
	assert_int_equal(s->service, CFG_SERVICE_PPTP);
	assert_string_equal(s->profile, "default-encryption");
	assert_int_equal(s->local_address.addr, IP(10, 0, 0, 1));
	assert_int_equal(s->remote_address.addr, IP(10, 0, 0, 5));
	assert_string_equal(cfg.ethernet[0].name, "ether1");
	assert_string_equal(cfg.ethernet[0].device, "net_af_packet0,iface=veth-wan");
	assert_int_equal(cfg.ip_address[0].address.addr, IP(192, 168, 62, 2));
	assert_int_equal(cfg.ip_address[0].address.len, 24);
	cfg_free(&cfg);

	load_example("seed-client.json", &cfg);
	assert_int_equal(cfg.n_pptp_client, 1);
	c = &cfg.pptp_client[0];
	assert_string_equal(c->name, "pptp-out1");
	assert_int_equal(c->connect_to, IP(192, 168, 62, 2));
	assert_string_equal(c->user, "MT-User");
	assert_string_equal(c->password, "StrongPass");
	assert_false(c->disabled);
	/* The rest is the seed's print-out: RouterOS defaults. */
	assert_int_equal(c->link.max_mtu, 1450);
	assert_int_equal(c->link.keepalive_timeout, 60);
	assert_string_equal(c->profile, "default-encryption");
	assert_int_equal(c->allow, CFG_AUTH_ALL);
	assert_int_equal(cfg.ip_address[0].address.addr, IP(192, 168, 62, 1));
	cfg_free(&cfg);

	load_example("demo.json", &cfg);
	assert_true(cfg.pptp_server.enabled);
	assert_string_equal(cfg.ethernet[0].device, "net_af_packet0,iface=pg-demo0");
	assert_int_equal(cfg.ip_address[0].address.addr, IP(192, 0, 2, 1));
	assert_string_equal(cfg.management.socket, "/run/pptpgw/demo.sock");
	assert_string_equal(cfg.dataplane.file_prefix, "pptpgw-demo");
	assert_true(cfg.n_ppp_secret >= 1);
	cfg_free(&cfg);
}

/* Every field away from its default survives the writer. */
static const char *const all_set_json =
	"{\"system\":{\"identity\":\"gw-\\u00e9\\\"q\\\"\",\"log-level\":\"debug\"},"
	"\"dataplane\":{\"lcores\":\"0,2-3\",\"workers\":[3,2],\"huge-pages\":true,\"memory-mb\":2048,"
	"\"poll\":\"busy\",\"file-prefix\":\"gw.1\",\"eal-args\":[\"--vdev=net_null0\",\"-n\",\"4\"]},"
	"\"management\":{\"socket\":\"/tmp/gw.sock\"},"
	"\"interface\":{\"ethernet\":[{\"name\":\"wan\",\"device\":\"0000:03:00.0\",\"mtu\":9000,\"disabled\":true}],"
	"\"pptp-server\":{\"server\":{\"enabled\":true,\"authentication\":[\"pap\",\"chap\"],"
	"\"default-profile\":\"vpn\",\"keepalive-timeout\":\"2m\",\"max-mtu\":1400,\"max-mru\":1300,\"mrru\":1600},"
	"\"static\":[{\"name\":\"pptp-office\",\"user\":\"office\"}]},"
	"\"pptp-client\":[{\"name\":\"out\",\"connect-to\":\"198.51.100.7\",\"user\":\"u\",\"password\":\"p w\","
	"\"disabled\":false,\"profile\":\"vpn\",\"keepalive-timeout\":10,\"add-default-route\":true,"
	"\"default-route-distance\":0,\"dial-on-demand\":true,\"allow\":\"mschap1\",\"max-mtu\":1200,"
	"\"max-mru\":1100,\"mrru\":16384}]},"
	"\"ip\":{\"address\":[{\"address\":\"192.0.2.1/24\",\"interface\":\"wan\"},"
	"{\"address\":\"198.51.100.1\",\"interface\":\"wan\"}],"
	"\"route\":[{\"dst-address\":\"10.9.0.0/16\",\"gateway\":\"192.0.2.254\",\"distance\":200}],"
	"\"pool\":[{\"name\":\"pl\",\"ranges\":[\"10.0.0.0/24\",\"10.0.1.1\",\"10.0.2.5-10.0.2.7\",\"0.0.0.0/0\"]}]},"
	"\"ppp\":{\"profile\":[{\"name\":\"vpn\",\"use-encryption\":\"required\",\"local-address\":\"pl\","
	"\"remote-address\":\"10.0.0.9\",\"dns-server\":[\"9.9.9.9\",\"1.1.1.1\"],\"rate-limit\":\"1500/3G\","
	"\"session-timeout\":86400,\"idle-timeout\":600,\"only-one\":\"no\"},"
	"{\"name\":\"default\",\"idle-timeout\":60}],"
	"\"secret\":[{\"name\":\"u1\",\"password\":\"s3cr\\\\et\",\"service\":\"l2tp\",\"profile\":\"vpn\","
	"\"local-address\":\"10.0.0.1\",\"remote-address\":\"pl\",\"disabled\":true},"
	"{\"name\":\"u2\",\"service\":\"any\"}],"
	"\"aaa\":{\"use-radius\":true,\"accounting\":false,\"interim-update\":120}},"
	"\"radius\":[{\"address\":\"192.0.2.10\",\"secret\":\"rs\",\"service\":[\"ppp\",\"dot1x\"],"
	"\"authentication-port\":11812,\"accounting-port\":11813,\"timeout\":\"1500ms\",\"src-address\":\"192.0.2.1\"}],"
	"\"radius-incoming\":{\"accept\":true,\"port\":3799}}";

static void test_round_trip_everything(void **state)
{
	struct pg_config cfg, copy;

	(void)state;
	load_ok(all_set_json, &cfg);
	assert_string_equal(cfg.system.identity, "gw-\xc3\xa9\"q\"");
	assert_int_equal(cfg.ppp_profile[0].idle_timeout, 60);
	assert_int_equal(cfg.ip_pool[0].ranges[3].last, UINT32_MAX);
	assert_int_equal(cfg.ppp_secret[0].service, CFG_SERVICE_OTHER);
	assert_string_equal(cfg.ppp_secret[0].service_name, "l2tp");
	assert_int_equal(cfg.ppp_profile[2].rate_limit.tx_bps, 3000000000ull);
	assert_round_trip(&cfg);

	/* cfg_copy is deep: the copy outlives the original. */
	assert_int_equal(cfg_copy(&copy, &cfg), 0);
	assert_true(config_equal(&cfg, &copy));
	assert_ptr_not_equal(copy.ip_pool[0].ranges, cfg.ip_pool[0].ranges);
	cfg_free(&cfg);
	assert_round_trip(&copy);
	cfg_free(&copy);
}

/* What the CLI does: edit the struct, then validate (paths are struct indices). */
static void test_validate_after_edit(void **state)
{
	struct pg_config cfg;
	struct cfg_errors e;

	(void)state;
	load_example("pptpgw.json", &cfg);
	assert_int_equal(cfg_validate(&cfg, NULL), 0);
	snprintf(cfg.ppp_secret[0].profile, sizeof(cfg.ppp_secret[0].profile), "gone");
	cfg.pptp_client[0].link.max_mtu = 10;
	cfg.pptp_server.authentication = 0;
	cfg.ip_pool[0].name[0] = '\0';
	cfg_errors_init(&e);
	assert_int_equal(cfg_validate(&cfg, &e), -1);
	assert_int_equal(e.n, 5);
	assert_string_equal(e.msg[0], "interface.pptp-server.server.authentication: "
			    "expected one or more of pap, chap, mschap1, mschap2");
	assert_string_equal(e.msg[1], "interface.pptp-client[0].max-mtu: 10 is out of range (64..65535)");
	assert_string_equal(e.msg[2], "ip.pool[0].name: \"\" is empty");
	assert_string_equal(e.msg[3], "ppp.profile[1].remote-address: \"pptp-pool\" is not an IPv4 address or a pool");
	assert_string_equal(e.msg[4], "ppp.secret[0].profile: \"gone\" is not a profile");
	cfg_errors_free(&e);
	cfg_free(&cfg);
}

/* ----------------------------------------------------------- atomic save */

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = calloc(1, (size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static unsigned int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	unsigned int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void test_save(void **state)
{
	char dir[] = "/tmp/test_config.XXXXXX";
	char path[PATH_MAX], tmp[PATH_MAX + 32];
	struct pg_config cfg, back;
	struct cfg_errors e;
	struct stat st;
	char *before, *after;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/pptpgw.json", dir);
	load_ok(all_set_json, &cfg);

	/* A new file: private (it holds passwords), and it loads back equal. */
	assert_int_equal(cfg_save_file(&cfg, path), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(count_entries(dir), 1);
	cfg_errors_init(&e);
	assert_int_equal(cfg_load_file(path, &back, &e), 0);
	assert_true(config_equal(&cfg, &back));
	cfg_free(&back);

	/* Overwriting keeps the operator's permissions. */
	assert_int_equal(chmod(path, 0640), 0);
	cfg.pptp_server.enabled = false;
	assert_int_equal(cfg_save_file(&cfg, path), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(cfg_load_file(path, &back, &e), 0);
	assert_false(back.pptp_server.enabled);
	cfg_free(&back);
	before = read_text(path);
	assert_non_null(before);

	/* A save that fails leaves the file as it was. */
	cfg.pptp_server.enabled = true;
	assert_int_equal(cfg_save_file(&cfg, "/nonexistent-dir/pptpgw.json"), -1);
	assert_int_equal(errno, ENOENT);
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	assert_int_equal(mkdir(tmp, 0700), 0);  /* the temp file cannot be created */
	assert_int_equal(cfg_save_file(&cfg, path), -1);
	after = read_text(path);
	assert_non_null(after);
	assert_string_equal(before, after);
	assert_int_equal(rmdir(tmp), 0);
	free(after);

	/* A save onto a directory fails at rename and removes its temp file. */
	snprintf(tmp, sizeof(tmp), "%s/sub", dir);
	assert_int_equal(mkdir(tmp, 0700), 0);
	assert_int_equal(cfg_save_file(&cfg, tmp), -1);
	assert_int_equal(count_entries(dir), 2);
	assert_int_equal(rmdir(tmp), 0);

	free(before);
	cfg_errors_free(&e);
	cfg_free(&cfg);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

/* -------------------------------------------------------- value parsers */

struct str_case {
	const char *in;
	int rc;             /* 0, CFG_PARSE_SYNTAX or CFG_PARSE_RANGE */
	uint64_t want;
};

static void test_parse_ipv4(void **state)
{
	static const struct str_case cases[] = {
		{ "192.0.2.1", 0, IP(192, 0, 2, 1) }, { "0.0.0.0", 0, 0 },
		{ "255.255.255.255", 0, UINT32_MAX }, { "10.0.0.0", 0, IP(10, 0, 0, 0) },
		{ "", CFG_PARSE_SYNTAX, 0 }, { "1.2.3", CFG_PARSE_SYNTAX, 0 },
		{ "1.2.3.4.5", CFG_PARSE_SYNTAX, 0 }, { "256.1.1.1", CFG_PARSE_SYNTAX, 0 },
		{ "1.2.3.04", CFG_PARSE_SYNTAX, 0 }, { "1.2.3.4 ", CFG_PARSE_SYNTAX, 0 },
		{ " 1.2.3.4", CFG_PARSE_SYNTAX, 0 }, { "1.2.3.4/32", CFG_PARSE_SYNTAX, 0 },
		{ "1..3.4", CFG_PARSE_SYNTAX, 0 }, { "1.2.3.", CFG_PARSE_SYNTAX, 0 },
		{ "+1.2.3.4", CFG_PARSE_SYNTAX, 0 }, { "1.2.3.1000", CFG_PARSE_SYNTAX, 0 },
		{ "0x1.2.3.4", CFG_PARSE_SYNTAX, 0 }, { "1.2.3.4x", CFG_PARSE_SYNTAX, 0 },
	};
	(void)state;
	for (size_t i = 0; i < N_ELEM(cases); i++) {
		uint32_t a = 0;
		int rc = cfg_parse_ipv4(cases[i].in, &a);

		if (rc != cases[i].rc || (rc == 0 && a != cases[i].want))
			print_message("ipv4 \"%s\": rc %d value %08x\n", cases[i].in, rc, a);
		assert_int_equal(rc, cases[i].rc);
		if (rc == 0)
			assert_int_equal(a, cases[i].want);
	}
}

static void test_parse_prefix_and_range(void **state)
{
	struct cfg_prefix p;
	struct cfg_ip_range r;
	char buf[CFG_RANGE_STRLEN];

	(void)state;
	assert_int_equal(cfg_parse_prefix("192.0.2.1/24", &p), 0);
	assert_int_equal(p.addr, IP(192, 0, 2, 1));  /* host bits kept, as RouterOS */
	assert_int_equal(p.len, 24);
	assert_int_equal(cfg_parse_prefix("192.0.2.1", &p), 0);
	assert_int_equal(p.len, 32);
	assert_int_equal(cfg_parse_prefix("0.0.0.0/0", &p), 0);
	assert_int_equal(p.len, 0);
	assert_int_equal(cfg_parse_prefix("1.2.3.4/33", &p), CFG_PARSE_SYNTAX);
	assert_int_equal(cfg_parse_prefix("1.2.3.4/08", &p), CFG_PARSE_SYNTAX);
	assert_int_equal(cfg_parse_prefix("1.2.3.4/", &p), CFG_PARSE_SYNTAX);
	assert_int_equal(cfg_parse_prefix("1.2.3.4/8/8", &p), CFG_PARSE_SYNTAX);
	assert_int_equal(cfg_parse_prefix("1.2.3.4/-1", &p), CFG_PARSE_SYNTAX);
	cfg_format_prefix(&(struct cfg_prefix){ IP(192, 0, 2, 1), 24 }, buf, sizeof(buf));
	assert_string_equal(buf, "192.0.2.1/24");

	assert_int_equal(cfg_parse_range("10.0.0.10-10.0.0.254", &r), 0);
	assert_int_equal(r.first, IP(10, 0, 0, 10));
	assert_int_equal(r.last, IP(10, 0, 0, 254));
	assert_int_equal(cfg_parse_range("10.0.0.7/29", &r), 0);
	assert_int_equal(r.first, IP(10, 0, 0, 0));
	assert_int_equal(r.last, IP(10, 0, 0, 7));
	assert_int_equal(cfg_parse_range("10.0.0.9-10.0.0.1", &r), CFG_PARSE_RANGE);
	assert_int_equal(cfg_parse_range("10.0.0.1-", &r), CFG_PARSE_SYNTAX);
	assert_int_equal(cfg_parse_range("-10.0.0.1", &r), CFG_PARSE_SYNTAX);
	assert_int_equal(cfg_parse_range("10.0.0.1-10.0.0.2-10.0.0.3", &r), CFG_PARSE_SYNTAX);
	assert_int_equal(cfg_parse_range("1111111111111111.0.0.1-10.0.0.2", &r), CFG_PARSE_SYNTAX);

	cfg_format_range(&(struct cfg_ip_range){ IP(10, 0, 0, 0), IP(10, 0, 0, 255) }, buf, sizeof(buf));
	assert_string_equal(buf, "10.0.0.0/24");
	cfg_format_range(&(struct cfg_ip_range){ IP(10, 0, 0, 1), IP(10, 0, 0, 1) }, buf, sizeof(buf));
	assert_string_equal(buf, "10.0.0.1");
	cfg_format_range(&(struct cfg_ip_range){ IP(10, 0, 0, 1), IP(10, 0, 0, 2) }, buf, sizeof(buf));
	assert_string_equal(buf, "10.0.0.1-10.0.0.2");
	cfg_format_range(&(struct cfg_ip_range){ 0, UINT32_MAX }, buf, sizeof(buf));
	assert_string_equal(buf, "0.0.0.0/0");
}

static void test_parse_duration(void **state)
{
	static const struct str_case secs[] = {
		{ "0", 0, 0 }, { "30", 0, 30 }, { "30s", 0, 30 }, { "1m", 0, 60 },
		{ "1h30m", 0, 5400 }, { "1d2h", 0, 93600 }, { "2w", 0, 1209600 },
		{ "1w2d3h4m5s", 0, 788645 }, { "4294967295", 0, UINT32_MAX },
		{ "4294967296", CFG_PARSE_RANGE, 0 }, { "99999999999999999999999", CFG_PARSE_RANGE, 0 },
		{ "100000w", CFG_PARSE_RANGE, 0 }, { "", CFG_PARSE_SYNTAX, 0 },
		{ "s", CFG_PARSE_SYNTAX, 0 }, { "1x", CFG_PARSE_SYNTAX, 0 },
		{ "30s1m", CFG_PARSE_SYNTAX, 0 }, { "1m1m", CFG_PARSE_SYNTAX, 0 },
		{ "1h 30m", CFG_PARSE_SYNTAX, 0 }, { "-1s", CFG_PARSE_SYNTAX, 0 },
		{ "1.5s", CFG_PARSE_SYNTAX, 0 }, { "300ms", CFG_PARSE_SYNTAX, 0 },
		{ "05s", CFG_PARSE_SYNTAX, 0 }, { "1h30", CFG_PARSE_SYNTAX, 0 },
	};
	static const struct str_case ms[] = {
		{ "300ms", 0, 300 }, { "1s500ms", 0, 1500 }, { "2", 0, 2000 }, { "1m", 0, 60000 },
		{ "4294967295ms", 0, UINT32_MAX }, { "4294968s", CFG_PARSE_RANGE, 0 },
		{ "ms", CFG_PARSE_SYNTAX, 0 }, { "300ms1s", CFG_PARSE_SYNTAX, 0 },
	};
	char buf[CFG_DURATION_STRLEN];

	(void)state;
	for (size_t i = 0; i < N_ELEM(secs); i++) {
		uint32_t v = 0;
		int rc = cfg_parse_duration(secs[i].in, &v);

		if (rc != secs[i].rc || (rc == 0 && v != secs[i].want))
			print_message("duration \"%s\": rc %d value %u\n", secs[i].in, rc, v);
		assert_int_equal(rc, secs[i].rc);
		if (rc == 0)
			assert_int_equal(v, secs[i].want);
	}
	for (size_t i = 0; i < N_ELEM(ms); i++) {
		uint32_t v = 0;
		int rc = cfg_parse_duration_ms(ms[i].in, &v);

		if (rc != ms[i].rc || (rc == 0 && v != ms[i].want))
			print_message("duration_ms \"%s\": rc %d value %u\n", ms[i].in, rc, v);
		assert_int_equal(rc, ms[i].rc);
		if (rc == 0)
			assert_int_equal(v, ms[i].want);
	}
	cfg_format_duration(5400, buf, sizeof(buf));
	assert_string_equal(buf, "1h30m");
	cfg_format_duration(0, buf, sizeof(buf));
	assert_string_equal(buf, "0s");
	cfg_format_duration(UINT32_MAX, buf, sizeof(buf));
	assert_string_equal(buf, "7101w3d6h28m15s");
	cfg_format_duration_ms(300, buf, sizeof(buf));
	assert_string_equal(buf, "300ms");
}

static void test_parse_rate_mrru_words(void **state)
{
	struct cfg_rate_limit r;
	uint32_t set;
	uint16_t mrru;
	uint64_t u;
	char buf[CFG_RATE_STRLEN];

	(void)state;
	assert_int_equal(cfg_parse_rate_limit("10M/20M", &r), 0);
	assert_true(r.is_set);
	assert_int_equal(r.rx_bps, 10000000);
	assert_int_equal(r.tx_bps, 20000000);
	cfg_format_rate_limit(&r, buf, sizeof(buf));
	assert_string_equal(buf, "10M/20M");
	assert_int_equal(cfg_parse_rate_limit("512k", &r), 0);
	assert_int_equal(r.tx_bps, 512000);
	/* The forms profiles and Mikrotik-Rate-Limit use: mixed suffixes, 0 = no limit that way. */
	assert_int_equal(cfg_parse_rate_limit("512k/1M", &r), 0);
	assert_int_equal(r.rx_bps, 512000);
	assert_int_equal(r.tx_bps, 1000000);
	cfg_format_rate_limit(&r, buf, sizeof(buf));
	assert_string_equal(buf, "512k/1M");
	assert_int_equal(cfg_parse_rate_limit("2M/4M", &r), 0);
	assert_int_equal(r.rx_bps, 2000000);
	assert_int_equal(r.tx_bps, 4000000);
	assert_int_equal(cfg_parse_rate_limit("0/1M", &r), 0);
	assert_true(r.is_set);
	assert_int_equal(r.rx_bps, 0);
	assert_int_equal(cfg_parse_rate_limit("1G/1500", &r), 0);
	cfg_format_rate_limit(&r, buf, sizeof(buf));
	assert_string_equal(buf, "1G/1500");
	assert_int_equal(cfg_parse_rate_limit("", &r), 0);
	assert_false(r.is_set);
	assert_int_equal(cfg_parse_rate_limit("10m", &r), CFG_PARSE_SYNTAX);
	assert_int_equal(cfg_parse_rate_limit("/1M", &r), CFG_PARSE_SYNTAX);
	assert_int_equal(cfg_parse_rate_limit("1M//1M", &r), CFG_PARSE_SYNTAX);
	assert_int_equal(cfg_parse_rate_limit("18446744073709551615", &r), 0);
	assert_int_equal(cfg_parse_rate_limit("18446744073709551616", &r), CFG_PARSE_RANGE);
	assert_int_equal(cfg_parse_rate_limit("18446744073709552k", &r), CFG_PARSE_RANGE);

	assert_int_equal(cfg_parse_mrru("disabled", &mrru), 0);
	assert_int_equal(mrru, 0);
	assert_int_equal(cfg_parse_mrru("1500", &mrru), 0);
	assert_int_equal(mrru, 1500);
	assert_int_equal(cfg_parse_mrru("16385", &mrru), CFG_PARSE_RANGE);
	assert_int_equal(cfg_parse_mrru("1499", &mrru), CFG_PARSE_RANGE);
	assert_int_equal(cfg_parse_mrru("enabled", &mrru), CFG_PARSE_SYNTAX);
	cfg_format_mrru(0, buf, sizeof(buf));
	assert_string_equal(buf, "disabled");

	assert_int_equal(cfg_parse_auth_list("mschap2,pap", &set), 0);
	assert_int_equal(set, CFG_AUTH_MSCHAP2 | CFG_AUTH_PAP);
	cfg_format_auth_list(CFG_AUTH_ALL, buf, sizeof(buf));
	assert_string_equal(buf, "pap,chap,mschap1,mschap2");
	assert_int_equal(cfg_parse_auth_list("pap,pap", &set), CFG_PARSE_SYNTAX);
	assert_int_equal(cfg_parse_auth_list("pap,", &set), CFG_PARSE_SYNTAX);
	assert_int_equal(cfg_parse_auth_list("", &set), CFG_PARSE_SYNTAX);
	assert_int_equal(cfg_parse_auth_list("eap", &set), CFG_PARSE_SYNTAX);
	cfg_format_radius_service(CFG_RADIUS_SVC_PPP | CFG_RADIUS_SVC_DOT1X, buf, sizeof(buf));
	assert_string_equal(buf, "ppp,dot1x");

	assert_int_equal(cfg_parse_uint("65535", 65535, &u), 0);
	assert_int_equal(cfg_parse_uint("65536", 65535, &u), CFG_PARSE_RANGE);
	assert_int_equal(cfg_parse_uint("18446744073709551616", UINT64_MAX, &u), CFG_PARSE_RANGE);
	assert_int_equal(cfg_parse_uint("12a", 100, &u), CFG_PARSE_SYNTAX);
	assert_int_equal(cfg_parse_uint("-1", 100, &u), CFG_PARSE_SYNTAX);
	assert_int_equal(cfg_parse_uint(" 1", 100, &u), CFG_PARSE_SYNTAX);
	assert_int_equal(cfg_parse_uint("", 100, &u), CFG_PARSE_SYNTAX);
	assert_string_equal(cfg_use_encryption_name(CFG_ENC_REQUIRED), "required");
	assert_string_equal(cfg_word_name(&cfg_poll_words, 99), "?");
	assert_null(cfg_builtin_profile("vpn"));
	assert_int_equal(cfg_builtin_profile("default-encryption")->use_encryption, CFG_ENC_YES);
}

static void test_parse_lcores(void **state)
{
	struct cfg_lcore_set set;

	(void)state;
	assert_int_equal(cfg_parse_lcores("0-3,8", &set), 0);
	assert_true(cfg_lcore_set_has(&set, 0));
	assert_true(cfg_lcore_set_has(&set, 3));
	assert_false(cfg_lcore_set_has(&set, 4));
	assert_true(cfg_lcore_set_has(&set, 8));
	assert_false(cfg_lcore_set_has(&set, 5000));
	assert_int_equal(cfg_lcore_set_first(&set), 0);
	assert_int_equal(cfg_parse_lcores("5,2", &set), 0);
	assert_int_equal(cfg_lcore_set_first(&set), 2);
	assert_int_equal(cfg_parse_lcores("1023", &set), 0);
	assert_int_equal(cfg_parse_lcores("1024", &set), CFG_PARSE_RANGE);
	assert_int_equal(cfg_parse_lcores("", &set), CFG_PARSE_SYNTAX);
	assert_int_equal(cfg_parse_lcores("0,", &set), CFG_PARSE_SYNTAX);
	assert_int_equal(cfg_parse_lcores("0-", &set), CFG_PARSE_SYNTAX);
	assert_int_equal(cfg_parse_lcores("(0,1)@0", &set), CFG_PARSE_SYNTAX);
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_error_cap),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_entry_defaults),
		cmocka_unit_test(test_builtin_redefined),
		cmocka_unit_test(test_value_forms),
		cmocka_unit_test(test_examples),
		cmocka_unit_test(test_seed_examples),
		cmocka_unit_test(test_round_trip_everything),
		cmocka_unit_test(test_validate_after_edit),
		cmocka_unit_test(test_save),
		cmocka_unit_test(test_parse_ipv4),
		cmocka_unit_test(test_parse_prefix_and_range),
		cmocka_unit_test(test_parse_duration),
		cmocka_unit_test(test_parse_rate_mrru_words),
		cmocka_unit_test(test_parse_lcores),
	};
	struct CMUnitTest tests[N_ELEM(fixed) + N_ELEM(bad_cases)];
	size_t n = 0;

	/* One named test per bad config, so a failure names its case. */
	for (size_t i = 0; i < N_ELEM(bad_cases); i++)
		tests[n++] = (struct CMUnitTest){ .name = bad_cases[i].name, .test_func = test_bad_case,
						  .initial_state = (void *)&bad_cases[i] };
	for (size_t i = 0; i < N_ELEM(fixed); i++)
		tests[n++] = fixed[i];
	return _cmocka_run_group_tests("config", tests, n, NULL, NULL);
}
