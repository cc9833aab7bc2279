/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The config commands (/ppp/secret, /ppp/profile, /ppp/aaa, /ip/pool,
 * /ip/pool/used, /interface/pptp-server[/server], /radius[/incoming]) run
 * through cli_execute() against a config built in code, asserting what an
 * operator sees: prints in every form, every refusal with its exact words,
 * a live config left untouched by any refusal, and a config file that
 * reloads to the same config (cp_config_commit is faked here, but really
 * writes with cfg_save_file, as cp.c does).
 *
 * No EAL: the dp_* readers of cli_cmds_system.c are faked too.
 */
#include <errno.h>
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
#include <jansson.h>

#include "cli_cmds_pptp.h"
#include "cli_parse.h"
#include "config.h"
#include "cp.h"
#include "dataplane.h"
#include "ip_pool.h"

#define A(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (d))
#define N_OF(x) (sizeof(x) / sizeof((x)[0]))

/* ---- fakes ---- */

unsigned int dp_port_count(void)
{
	return 0;
}

int dp_port_get(unsigned int idx, struct dp_port_info *out)
{
	(void)idx;
	(void)out;
	return -1;
}

uint64_t dp_memory_used_bytes(void)
{
	return 0;
}

static unsigned int commit_calls;
static bool commit_fail_write;

/* As cp.c: validate, then write atomically; the write can be made to fail. */
int cp_config_commit(struct cp_context *cp, struct cfg_errors *err)
{
	commit_calls++;
	if (cfg_validate(cp->cfg, err))
		return -1;
	if (commit_fail_write) {
		cfg_errors_add(err, "cannot write %s: %s", cp->config_path, strerror(EIO));
		return -1;
	}
	if (cfg_save_file(cp->cfg, cp->config_path)) {
		cfg_errors_add(err, "cannot write %s: %s", cp->config_path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Sessions for /interface/pptp-server/print. */
static struct pptp_iface_row fake_rows[4];
static bool fake_gone[4];
static unsigned int fake_n_rows;

static unsigned int fake_count(void)
{
	return fake_n_rows;
}

static int fake_get(unsigned int i, struct pptp_iface_row *out)
{
	if (i >= fake_n_rows || fake_gone[i])
		return -1;
	*out = fake_rows[i];
	return 0;
}

static const struct pptp_iface_provider fake_provider = { .count = fake_count, .get = fake_get };

static void fake_session(unsigned int i, const char *name, const char *user, bool dynamic,
			 uint32_t client, uint64_t uptime, const char *encoding)
{
	struct pptp_iface_row *r = &fake_rows[i];

	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
	snprintf(r->user, sizeof(r->user), "%s", user);
	r->dynamic = dynamic;
	r->running = true;
	r->mtu = 1450;
	r->client_address = client;
	r->uptime = uptime;
	snprintf(r->encoding, sizeof(r->encoding), "%s", encoding);
	fake_gone[i] = false;
	if (fake_n_rows <= i)
		fake_n_rows = i + 1;
}

/* ---- a config built in code ---- */

static struct pg_config live;
static struct cp_context cp;
static char tmpdir[64];

/* An ethernet port and the pool the profile examples use; everything else default. */
static void build_config(struct pg_config *cfg)
{
	cfg_init_defaults(cfg);
	cfg->ethernet = calloc(1, sizeof(*cfg->ethernet));
	assert_non_null(cfg->ethernet);
	snprintf(cfg->ethernet[0].name, sizeof(cfg->ethernet[0].name), "ether1");
	snprintf(cfg->ethernet[0].device, sizeof(cfg->ethernet[0].device), "net_null0");
	cfg->ethernet[0].mtu = 1500;
	cfg->n_ethernet = 1;
	cfg->ip_pool = calloc(1, sizeof(*cfg->ip_pool));
	assert_non_null(cfg->ip_pool);
	snprintf(cfg->ip_pool[0].name, sizeof(cfg->ip_pool[0].name), "pptp-pool");
	cfg->ip_pool[0].ranges = calloc(1, sizeof(*cfg->ip_pool[0].ranges));
	assert_non_null(cfg->ip_pool[0].ranges);
	cfg->ip_pool[0].ranges[0].first = A(10, 0, 0, 10);
	cfg->ip_pool[0].ranges[0].last = A(10, 0, 0, 254);
	cfg->ip_pool[0].n_ranges = 1;
	cfg->n_ip_pool = 1;
}

/* The same config as JSON, plus extra (a fragment of the ppp/radius/... objects). */
static const char base_json_head[] =
	"{\"interface\": {\"ethernet\": [{\"name\": \"ether1\", \"device\": \"net_null0\"}]";

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/pptpgw-cli-cmds.XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	build_config(&live);
	assert_int_equal(cfg_validate(&live, NULL), 0);
	memset(&cp, 0, sizeof(cp));
	cp.cfg = &live;
	snprintf(cp.config_path, sizeof(cp.config_path), "%s/pptpgw.json", tmpdir);
	commit_calls = 0;
	commit_fail_write = false;
	fake_n_rows = 0;
	return 0;
}

static int teardown(void **state)
{
	char path[PATH_MAX];

	(void)state;
	cfg_free(&live);
	ip_pool_reset();
	pptp_iface_provider_register(NULL);
	pptp_client_provider_register(NULL);
	unlink(cp.config_path);
	snprintf(path, sizeof(path), "%s", tmpdir);
	rmdir(path);
	return 0;
}

static int group_setup(void **state)
{
	(void)state;
	cli_registry_reset();
	if (cli_cmds_system_register() || cli_cmds_ppp_register() || cli_cmds_ip_register() ||
	    cli_cmds_pptp_register() || cli_cmds_radius_register())
		return -1;
	return 0;
}

/* ---- running commands ---- */

static char *config_text(const struct pg_config *cfg)
{
	char *s = cfg_to_json(cfg);

	assert_non_null(s);
	return s;
}

/* Runs a change or print that must succeed; returns its text ("" for none). */
static char *run(const char *line)
{
	struct cli_reply r;
	char *out;

	cli_execute(&cp, line, false, &r);
	if (!r.ok)
		fail_msg("%s: %s", line, r.error);
	out = r.output ? r.output : strdup("");
	r.output = NULL;
	cli_reply_clear(&r);
	return out;
}

static void ok(const char *line)
{
	free(run(line));
}

static void expect(const char *line, const char *text)
{
	char *out = run(line);

	if (strcmp(out, text) != 0)
		fail_msg("%s:\n--- got ---\n%s--- expected ---\n%s", line, out, text);
	free(out);
}

static json_t *run_json(const char *line)
{
	struct cli_reply r;
	json_t *data;

	cli_execute(&cp, line, true, &r);
	if (!r.ok)
		fail_msg("%s: %s", line, r.error);
	data = r.data;
	r.data = NULL;
	cli_reply_clear(&r);
	assert_non_null(data);
	return data;
}

static void expect_json(const char *line, const char *json_text)
{
	json_t *got = run_json(line);
	json_t *want = json_loads(json_text, 0, NULL);

	assert_non_null(want);
	if (!json_equal(got, want)) {
		char *g = json_dumps(got, JSON_COMPACT);

		fail_msg("%s: got %s", line, g);
	}
	json_decref(got);
	json_decref(want);
}

/* A refused command: the exact message, and neither the live config nor the file changed. */
static void expect_err(const char *line, const char *error)
{
	char *before = config_text(&live), *after, *file_before = NULL, *file_after = NULL;
	struct pg_config disk;
	struct cli_reply r;

	if (access(cp.config_path, F_OK) == 0) {
		assert_int_equal(cfg_load_file(cp.config_path, &disk, NULL), 0);
		file_before = config_text(&disk);
		cfg_free(&disk);
	}
	cli_execute(&cp, line, false, &r);
	if (r.ok)
		fail_msg("%s: succeeded, expected \"%s\"", line, error);
	if (strcmp(r.error, error) != 0)
		fail_msg("%s: got \"%s\", expected \"%s\"", line, r.error, error);
	assert_null(r.output);
	cli_reply_clear(&r);
	after = config_text(&live);
	assert_string_equal(before, after);
	if (file_before) {
		assert_int_equal(cfg_load_file(cp.config_path, &disk, NULL), 0);
		file_after = config_text(&disk);
		cfg_free(&disk);
		assert_string_equal(file_before, file_after);
	}
	free(before);
	free(after);
	free(file_before);
	free(file_after);
}

/* The live config equals what the JSON loader makes of json_text. */
static void assert_config_is(const char *json_text)
{
	struct pg_config want;
	struct cfg_errors errs;
	char *a, *b;

	cfg_errors_init(&errs);
	if (cfg_load_string(json_text, &want, &errs))
		fail_msg("reference JSON: %s", errs.n ? errs.msg[0] : "?");
	cfg_errors_free(&errs);
	a = config_text(&live);
	b = config_text(&want);
	if (strcmp(a, b) != 0)
		fail_msg("--- live ---\n%s\n--- from JSON ---\n%s", a, b);
	free(a);
	free(b);
	cfg_free(&want);
}

/* The file on disk reloads to the live config. */
static void assert_file_matches_live(void)
{
	struct pg_config disk;
	struct cfg_errors errs;
	char *a, *b;

	cfg_errors_init(&errs);
	if (cfg_load_file(cp.config_path, &disk, &errs))
		fail_msg("reload: %s", errs.n ? errs.msg[0] : "?");
	cfg_errors_free(&errs);
	a = config_text(&live);
	b = config_text(&disk);
	assert_string_equal(a, b);
	free(a);
	free(b);
	cfg_free(&disk);
}

/* ---- the seed (RouterOS documentation's PPTP server example) ---- */

static void test_seed_server(void **state)
{
	(void)state;
	ok("/interface/pptp-server/server/set enabled=yes");
	ok("/ppp/secret/add local-address=10.0.0.1 name=MT-User password=StrongPass "
	   "profile=default-encryption remote-address=10.0.0.5 service=pptp");
	expect("/interface/pptp-server/server/print",
	       "          enabled: yes\n"
	       "          max-mtu: 1450\n"
	       "          max-mru: 1450\n"
	       "             mrru: disabled\n"
	       "   authentication: mschap1,mschap2\n"
	       "keepalive-timeout: 30\n"
	       "  default-profile: default-encryption\n");
	expect("/ppp/secret/print",
	       "Flags: X - DISABLED\n"
	       "Columns: NAME, SERVICE, PASSWORD, PROFILE, REMOTE-ADDRESS\n"
	       "# NAME     SERVICE  PASSWORD    PROFILE             REMOTE-ADDRESS\n"
	       "0 MT-User  pptp     StrongPass  default-encryption  10.0.0.5\n");
	expect("/ppp/secret/print detail",
	       "Flags: X - DISABLED\n"
	       "0 name=\"MT-User\" service=pptp password=\"StrongPass\" profile=default-encryption\n"
	       "  local-address=10.0.0.1 remote-address=10.0.0.5\n");
	expect("interface pptp-server print",
	       "Flags: D - dynamic; R - running\n"
	       "Columns: NAME, USER, MTU, CLIENT-ADDRESS, UPTIME, ENCODING\n");

	/* The seed's session, once the session layer provides it. */
	fake_session(0, "<pptp-MT-User>", "MT-User", true, A(192, 168, 51, 3), 44 * 60 + 8,
		     "MPPE128 stateless");
	pptp_iface_provider_register(&fake_provider);
	expect("interface pptp-server print",
	       "Flags: D - dynamic; R - running\n"
	       "Columns: NAME, USER, MTU, CLIENT-ADDRESS, UPTIME, ENCODING\n"
	       "#    NAME            USER      MTU  CLIENT-ADDRESS  UPTIME  ENCODING\n"
	       "0 DR <pptp-MT-User>  MT-User  1450  192.168.51.3    44m8s   MPPE128 stateless\n");

	/* The same as conf/seed-server.json says (less what this test's base differs in). */
	{
		char json[2048];

		snprintf(json, sizeof(json), "%s%s", base_json_head,
			 ", \"pptp-server\": {\"server\": {\"enabled\": true}}},"
			 " \"ip\": {\"pool\": [{\"name\": \"pptp-pool\", \"ranges\": \"10.0.0.10-10.0.0.254\"}]},"
			 " \"ppp\": {\"secret\": [{\"name\": \"MT-User\", \"password\": \"StrongPass\","
			 " \"service\": \"pptp\", \"profile\": \"default-encryption\","
			 " \"local-address\": \"10.0.0.1\", \"remote-address\": \"10.0.0.5\"}]}}");
		assert_config_is(json);
	}
	assert_file_matches_live();
}

/* ---- /ppp/secret ---- */

static void test_secret_commands(void **state)
{
	json_t *ret;

	(void)state;
	ret = run_json("/ppp/secret/add name=alice");
	assert_string_equal(json_string_value(json_object_get(ret, "ret")), "*1");
	json_decref(ret);
	ret = run_json("/ppp/secret/add name=bob password=\"two words\" service=pptp "
		       "profile=default-encryption local-address=10.0.0.1 remote-address=pptp-pool "
		       "disabled=yes");
	assert_string_equal(json_string_value(json_object_get(ret, "ret")), "*2");
	json_decref(ret);
	ok("ppp secret add name=carol service=l2tp");
	expect("/ppp/secret/print",
	       "Flags: X - DISABLED\n"
	       "Columns: NAME, SERVICE, PASSWORD, PROFILE, REMOTE-ADDRESS\n"
	       "#   NAME   SERVICE  PASSWORD   PROFILE             REMOTE-ADDRESS\n"
	       "0   alice  any                 default\n"
	       "1 X bob    pptp     two words  default-encryption  pptp-pool\n"
	       "2   carol  l2tp                default\n");
	expect("/ppp/secret/print terse",
	       "0   name=\"alice\" service=any password=\"\" profile=default\n"
	       "1 X name=\"bob\" service=pptp password=\"two words\" profile=default-encryption "
	       "local-address=10.0.0.1 remote-address=pptp-pool\n"
	       "2   name=\"carol\" service=l2tp password=\"\" profile=default\n");
	expect("/ppp/secret/print count-only where !disabled", "2\n");
	expect("/ppp/secret/print terse where disabled", "1 X name=\"bob\" service=pptp "
	       "password=\"two words\" profile=default-encryption local-address=10.0.0.1 "
	       "remote-address=pptp-pool\n");
	expect_json("/ppp/secret/print where name=alice",
		    "[{\".id\": \"*1\", \"name\": \"alice\", \"service\": \"any\", \"password\": \"\","
		    " \"profile\": \"default\", \"disabled\": false}]");

	/* set: by name, by number, several at once; enable / disable. */
	ok("/ppp/secret/set alice password=secret1 remote-address=10.0.0.7");
	ok("/ppp/secret/set 0,2 profile=default-encryption");
	ok("/ppp/secret/set numbers=bob remote-address=\"\" local-address=\"\"");
	ok("/ppp/secret/enable bob");
	ok("/ppp/secret/disable 0,carol");
	ok("/ppp/secret/set carol name=carol2 service=any");
	expect("/ppp/secret/print",
	       "Flags: X - DISABLED\n"
	       "Columns: NAME, SERVICE, PASSWORD, PROFILE, REMOTE-ADDRESS\n"
	       "#   NAME    SERVICE  PASSWORD   PROFILE             REMOTE-ADDRESS\n"
	       "0 X alice   any      secret1    default-encryption  10.0.0.7\n"
	       "1   bob     pptp     two words  default-encryption\n"
	       "2 X carol2  any                 default-encryption\n");

	/* remove: a list, then by name. */
	ok("/ppp/secret/remove 0,2");
	ok("/ppp/secret/add name=dave");
	ok("/ppp/secret/remove bob");
	expect("/ppp/secret/print terse", "0 name=\"dave\" service=any password=\"\" profile=default\n");
	assert_config_is("{\"interface\": {\"ethernet\": [{\"name\": \"ether1\", \"device\": \"net_null0\"}]},"
			 " \"ip\": {\"pool\": [{\"name\": \"pptp-pool\", \"ranges\": [\"10.0.0.10-10.0.0.254\"]}]},"
			 " \"ppp\": {\"secret\": [{\"name\": \"dave\"}]}}");
	assert_file_matches_live();
}

static void test_secret_errors(void **state)
{
	char line[256];

	(void)state;
	ok("/ppp/secret/add name=alice");
	ok("/ppp/secret/add name=bob");
	expect_err("/ppp/secret/add name=alice", "failure: entry already exists");
	expect_err("/ppp/secret/set bob name=alice", "failure: entry already exists");
	expect_err("/ppp/secret/set 0,1 name=carol", "failure: entry already exists");
	expect_err("/ppp/secret/add name=carol profile=nope",
		   "input does not match any value of profile");
	expect_err("/ppp/secret/set alice profile=nope", "input does not match any value of profile");
	expect_err("/ppp/secret/add name=carol remote-address=nopool",
		   "input does not match any value of remote-address");
	expect_err("/ppp/secret/add name=carol local-address=10.0.0",
		   "input does not match any value of local-address");
	expect_err("/ppp/secret/add name=carol service=telnet",
		   "input does not match any value of service");
	expect_err("/ppp/secret/add name=carol disabled=maybe",
		   "input does not match any value of disabled");
	snprintf(line, sizeof(line), "/ppp/secret/add name=%064d", 0);
	expect_err(line, "value of name too long (max 63 bytes)");
	expect_err("/ppp/secret/add password=x", "missing value(s) of argument(s) name");
	expect_err("/ppp/secret/add name=\"\"", "invalid value for argument name");
	expect_err("/ppp/secret/add name=\"tab\\there\"", "invalid value for argument name");
	expect_err("/ppp/secret/add name=\"\xff\xfe\"", "invalid value for argument name");
	expect_err("/ppp/secret/add name=x password=\"\xc0\xaf\"",
		   "invalid value for argument password");
	expect_err("/ppp/secret/set 2 password=x", "no such item");
	expect_err("/ppp/secret/set nobody password=x", "no such item");
	expect_err("/ppp/secret/remove 0,5", "no such item");
	expect_err("/ppp/secret/disable carol", "no such item");
	expect_err("/ppp/secret/remove", "missing value(s) of argument(s) numbers");
	expect_err("/ppp/secret/set alice comment=x", "expected end of command (line 1 column 23)");
	expect("/ppp/secret/print count-only", "2\n");
}

/* ---- /ppp/profile ---- */

static void test_profile_commands(void **state)
{
	(void)state;
	expect("/ppp/profile/print",
	       "Flags: * - DEFAULT\n"
	       "Columns: NAME, LOCAL-ADDRESS, REMOTE-ADDRESS, USE-ENCRYPTION, ONLY-ONE\n"
	       "#   NAME                LOCAL-ADDRESS  REMOTE-ADDRESS  USE-ENCRYPTION  ONLY-ONE\n"
	       "0 * default                                            default         default\n"
	       "1 * default-encryption                                 yes             default\n");
	ok("/ppp/profile/add name=office local-address=10.0.0.1 remote-address=pptp-pool "
	   "dns-server=10.0.0.1,192.0.2.53 rate-limit=10M/20M session-timeout=1h idle-timeout=5m "
	   "only-one=yes use-encryption=required");
	expect("/ppp/profile/print",
	       "Flags: * - DEFAULT\n"
	       "Columns: NAME, LOCAL-ADDRESS, REMOTE-ADDRESS, USE-ENCRYPTION, ONLY-ONE\n"
	       "#   NAME                LOCAL-ADDRESS  REMOTE-ADDRESS  USE-ENCRYPTION  ONLY-ONE\n"
	       "0 * default                                            default         default\n"
	       "1 * default-encryption                                 yes             default\n"
	       "2   office              10.0.0.1       pptp-pool       required        yes\n");
	expect("/ppp/profile/print detail where name=office",
	       "Flags: * - DEFAULT\n"
	       "2 name=\"office\" local-address=10.0.0.1 remote-address=pptp-pool\n"
	       "  use-encryption=required only-one=yes dns-server=10.0.0.1,192.0.2.53\n"
	       "  rate-limit=10M/20M session-timeout=1h idle-timeout=5m\n");
	expect_json("/ppp/profile/print where default",
		    "[{\".id\": \"*1\", \"name\": \"default\", \"use-encryption\": \"default\","
		    " \"only-one\": \"default\", \"session-timeout\": \"0s\", \"idle-timeout\": \"0s\","
		    " \"default\": true},"
		    " {\".id\": \"*2\", \"name\": \"default-encryption\", \"use-encryption\": \"yes\","
		    " \"only-one\": \"default\", \"session-timeout\": \"0s\", \"idle-timeout\": \"0s\","
		    " \"default\": true}]");

	/* A rename carries the references along (RouterOS refers by id). */
	ok("/ppp/secret/add name=boss profile=office");
	ok("/interface/pptp-server/server/set default-profile=office");
	ok("/ppp/profile/set office name=hq dns-server=\"\" rate-limit=\"\" remote-address=10.0.0.9");
	expect("/ppp/secret/print terse", "0 name=\"boss\" service=any password=\"\" profile=hq\n");
	ok("/ppp/profile/set hq mppe-mode=stateful");
	expect("/ppp/profile/print terse where name=hq",
	       "2 name=\"hq\" local-address=10.0.0.1 remote-address=10.0.0.9 use-encryption=required "
	       "only-one=yes session-timeout=1h idle-timeout=5m mppe-mode=stateful\n");
	ok("/ppp/profile/set hq mppe-mode=any");
	expect("/interface/pptp-server/server/print terse",
	       "enabled=no max-mtu=1450 max-mru=1450 mrru=disabled authentication=mschap1,mschap2 "
	       "keepalive-timeout=30 default-profile=hq\n");

	/* Built-ins can be edited (then they are written out), not removed or renamed. */
	ok("/ppp/profile/set default-encryption dns-server=10.0.0.1 only-one=no");
	assert_config_is("{\"interface\": {\"ethernet\": [{\"name\": \"ether1\", \"device\": \"net_null0\"}],"
			 " \"pptp-server\": {\"server\": {\"default-profile\": \"hq\"}}},"
			 " \"ip\": {\"pool\": [{\"name\": \"pptp-pool\", \"ranges\": [\"10.0.0.10-10.0.0.254\"]}]},"
			 " \"ppp\": {\"profile\": [{\"name\": \"default-encryption\", \"use-encryption\": \"yes\","
			 " \"dns-server\": [\"10.0.0.1\"], \"only-one\": \"no\"},"
			 " {\"name\": \"hq\", \"use-encryption\": \"required\", \"local-address\": \"10.0.0.1\","
			 " \"remote-address\": \"10.0.0.9\", \"session-timeout\": \"1h\", \"idle-timeout\": 300,"
			 " \"only-one\": \"yes\"}],"
			 " \"secret\": [{\"name\": \"boss\", \"profile\": \"hq\"}]}}");
	assert_file_matches_live();

	ok("/ppp/profile/add name=spare");
	ok("/ppp/profile/remove spare");
	expect("/ppp/profile/print count-only", "3\n");
}

static void test_profile_errors(void **state)
{
	(void)state;
	ok("/ppp/profile/add name=office");
	ok("/ppp/profile/add name=lab");
	ok("/ppp/secret/add name=boss profile=office");
	expect_err("/ppp/profile/add name=office", "failure: entry already exists");
	expect_err("/ppp/profile/add name=default", "failure: entry already exists");
	expect_err("/ppp/profile/set lab name=office", "failure: entry already exists");
	expect_err("/ppp/profile/remove default", "failure: cannot remove builtin profile");
	expect_err("/ppp/profile/remove 1", "failure: cannot remove builtin profile");
	expect_err("/ppp/profile/remove lab,0", "failure: cannot remove builtin profile");
	expect_err("/ppp/profile/set default name=plain", "failure: cannot rename builtin profile");
	expect_err("/ppp/profile/remove office", "failure: profile is in use");
	ok("/interface/pptp-server/server/set default-profile=lab");
	expect_err("/ppp/profile/remove lab", "failure: profile is in use");
	expect_err("/ppp/profile/set lab dns-server=10.0.0.1,10.0.0.2,10.0.0.3",
		   "value of dns-server has too many entries (max 2)");
	expect_err("/ppp/profile/set lab dns-server=10.0.0", "invalid value for argument dns-server");
	expect_err("/ppp/profile/set lab dns-server=10.0.0.1,", "invalid value for argument dns-server");
	expect_err("/ppp/profile/set lab rate-limit=fast", "invalid value for argument rate-limit");
	expect_err("/ppp/profile/set lab use-encryption=maybe",
		   "input does not match any value of use-encryption");
	expect_err("/ppp/profile/set lab only-one=always", "input does not match any value of only-one");
	expect_err("/ppp/profile/set lab session-timeout=soon",
		   "invalid value for argument session-timeout");
	expect_err("/ppp/profile/set lab remote-address=nopool",
		   "input does not match any value of remote-address");
	expect_err("/ppp/profile/set 9 only-one=yes", "no such item");
	expect_err("/ppp/profile/remove nope", "no such item");
}

/* ---- /ppp/aaa ---- */

static void test_aaa(void **state)
{
	(void)state;
	expect("/ppp/aaa/print",
	       "    use-radius: no\n"
	       "    accounting: yes\n"
	       "interim-update: 0s\n");
	ok("/ppp/aaa/set use-radius=yes accounting=no interim-update=5m");
	expect("/ppp/aaa/print",
	       "    use-radius: yes\n"
	       "    accounting: no\n"
	       "interim-update: 5m\n");
	expect_json("/ppp/aaa/print",
		    "{\"use-radius\": true, \"accounting\": false, \"interim-update\": \"5m\"}");
	expect_err("/ppp/aaa/set use-radius=perhaps", "input does not match any value of use-radius");
	expect_err("/ppp/aaa/set interim-update=-1", "invalid value for argument interim-update");
	assert_config_is("{\"interface\": {\"ethernet\": [{\"name\": \"ether1\", \"device\": \"net_null0\"}]},"
			 " \"ip\": {\"pool\": [{\"name\": \"pptp-pool\", \"ranges\": [\"10.0.0.10-10.0.0.254\"]}]},"
			 " \"ppp\": {\"aaa\": {\"use-radius\": true, \"accounting\": false,"
			 " \"interim-update\": \"5m\"}}}");
}

/* ---- /ip/pool ---- */

static void test_pool_commands(void **state)
{
	char ranges[1024];
	size_t used = 0;

	(void)state;
	ok("/ip/pool/add name=office ranges=10.1.0.0/24,10.2.0.1-10.2.0.9,10.3.0.1");
	expect("/ip/pool/print",
	       "Columns: NAME, RANGES\n"
	       "# NAME       RANGES\n"
	       "0 pptp-pool  10.0.0.10-10.0.0.254\n"
	       "1 office     10.1.0.0/24,10.2.0.1-10.2.0.9,10.3.0.1\n");
	ok("/ppp/profile/add name=p remote-address=office");
	ok("/ppp/secret/add name=s local-address=office");
	ok("/ip/pool/set office name=branch ranges=10.4.0.1-10.4.0.20");
	expect("/ppp/profile/print terse where name=p",
	       "2 name=\"p\" remote-address=branch use-encryption=default only-one=default "
	       "session-timeout=0s idle-timeout=0s\n");
	expect("/ppp/secret/print terse", "0 name=\"s\" service=any password=\"\" profile=default "
	       "local-address=branch\n");
	assert_config_is("{\"interface\": {\"ethernet\": [{\"name\": \"ether1\", \"device\": \"net_null0\"}]},"
			 " \"ip\": {\"pool\": [{\"name\": \"pptp-pool\", \"ranges\": [\"10.0.0.10-10.0.0.254\"]},"
			 " {\"name\": \"branch\", \"ranges\": \"10.4.0.1-10.4.0.20\"}]},"
			 " \"ppp\": {\"profile\": [{\"name\": \"p\", \"remote-address\": \"branch\"}],"
			 " \"secret\": [{\"name\": \"s\", \"local-address\": \"branch\"}]}}");
	ok("/ppp/secret/remove s");
	ok("/ppp/profile/remove p");
	ok("/ip/pool/remove branch");
	expect("/ip/pool/print count-only", "1\n");

	/* 64 ranges is the loader's limit too. */
	for (int i = 0; i < 64; i++)
		used += (size_t)snprintf(ranges + used, sizeof(ranges) - used, "%s10.9.%d.1",
					 i ? "," : "", i);
	{
		char line[1200];

		snprintf(line, sizeof(line), "/ip/pool/add name=many ranges=%s", ranges);
		ok(line);
		snprintf(line, sizeof(line), "/ip/pool/set many ranges=%s,10.9.99.1", ranges);
		expect_err(line, "value of ranges has too many entries (max 64)");
	}
	assert_file_matches_live();
}

static void test_pool_errors(void **state)
{
	(void)state;
	ok("/ip/pool/add name=office ranges=10.1.0.0/24");
	expect_err("/ip/pool/add name=pptp-pool ranges=10.2.0.1", "failure: entry already exists");
	expect_err("/ip/pool/set office name=pptp-pool", "failure: entry already exists");
	expect_err("/ip/pool/add name=x ranges=10.0.0.9-10.0.0.1", "invalid value for argument ranges");
	expect_err("/ip/pool/add name=x ranges=bogus", "invalid value for argument ranges");
	expect_err("/ip/pool/add name=x ranges=\"\"", "invalid value for argument ranges");
	expect_err("/ip/pool/add name=x ranges=10.0.0.1,", "invalid value for argument ranges");
	expect_err("/ip/pool/add name=10.0.0.1 ranges=10.2.0.1", "invalid value for argument name");
	expect_err("/ip/pool/add name=x", "missing value(s) of argument(s) ranges");
	expect_err("/ip/pool/add ranges=10.2.0.1", "missing value(s) of argument(s) name");
	ok("/ppp/profile/add name=p remote-address=office");
	expect_err("/ip/pool/remove office", "failure: pool is in use");
	ok("/ppp/profile/set p remote-address=\"\"");
	ok("/ppp/secret/add name=s remote-address=office");
	expect_err("/ip/pool/remove 1", "failure: pool is in use");
	expect_err("/ip/pool/remove 2", "no such item");
	expect_err("/ip/pool/set nopool ranges=10.5.0.1", "no such item");
}

static void test_pool_used(void **state)
{
	const struct cfg_ip_pool *pool;

	(void)state;
	expect("/ip/pool/used/print", "Columns: POOL, ADDRESS, OWNER, INFO\n");
	pool = cfg_find_pool(&live, "pptp-pool");
	assert_int_equal(ip_pool_alloc(pool, 0, "PPP", "MT-User"), A(10, 0, 0, 254));
	assert_int_equal(ip_pool_reserve(A(10, 0, 0, 5), "PPP", "static-user"), 0);
	expect("/ip/pool/used/print",
	       "Columns: POOL, ADDRESS, OWNER, INFO\n"
	       "# POOL       ADDRESS     OWNER  INFO\n"
	       "0            10.0.0.5    PPP    static-user\n"
	       "1 pptp-pool  10.0.0.254  PPP    MT-User\n");
	expect_json("/ip/pool/used/print where info=MT-User",
		    "[{\".id\": \"*2\", \"pool\": \"pptp-pool\", \"address\": \"10.0.0.254\","
		    " \"owner\": \"PPP\", \"info\": \"MT-User\"}]");

	/* Edited live: the address in use stays in use, outside the pool now. */
	ok("/ip/pool/set pptp-pool ranges=10.0.0.100-10.0.0.200");
	pool = cfg_find_pool(&live, "pptp-pool");
	assert_true(ip_pool_in_use(A(10, 0, 0, 254)));
	assert_int_equal(ip_pool_alloc(pool, 0, "PPP", "second"), A(10, 0, 0, 200));
	expect("/ip/pool/used/print",
	       "Columns: POOL, ADDRESS, OWNER, INFO\n"
	       "# POOL       ADDRESS     OWNER  INFO\n"
	       "0            10.0.0.5    PPP    static-user\n"
	       "1 pptp-pool  10.0.0.200  PPP    second\n"
	       "2            10.0.0.254  PPP    MT-User\n");
	ip_pool_release(A(10, 0, 0, 254));
	ip_pool_release(A(10, 0, 0, 200));
	ip_pool_release(A(10, 0, 0, 5));
	expect("/ip/pool/used/print count-only", "0\n");
}

/* ---- /interface/pptp-server ---- */

static void test_server_settings(void **state)
{
	(void)state;
	ok("/interface/pptp-server/server/set enabled=yes authentication=pap,mschap2 "
	   "keepalive-timeout=1m max-mtu=1400 max-mru=1380 mrru=1600 default-profile=default");
	expect("/interface/pptp-server/server/print",
	       "          enabled: yes\n"
	       "          max-mtu: 1400\n"
	       "          max-mru: 1380\n"
	       "             mrru: 1600\n"
	       "   authentication: pap,mschap2\n"
	       "keepalive-timeout: 60\n"
	       "  default-profile: default\n");
	expect_json("/interface/pptp-server/server/print",
		    "{\"enabled\": true, \"max-mtu\": 1400, \"max-mru\": 1380, \"mrru\": \"1600\","
		    " \"authentication\": \"pap,mschap2\", \"keepalive-timeout\": 60,"
		    " \"default-profile\": \"default\"}");
	ok("/interface/pptp-server/server/set mrru=disabled");
	assert_config_is("{\"interface\": {\"ethernet\": [{\"name\": \"ether1\", \"device\": \"net_null0\"}],"
			 " \"pptp-server\": {\"server\": {\"enabled\": true, \"authentication\": \"pap,mschap2\","
			 " \"keepalive-timeout\": \"1m\", \"max-mtu\": 1400, \"max-mru\": 1380,"
			 " \"default-profile\": \"default\"}}},"
			 " \"ip\": {\"pool\": [{\"name\": \"pptp-pool\", \"ranges\": [\"10.0.0.10-10.0.0.254\"]}]}}");
	expect_err("/interface/pptp-server/server/set keepalive-timeout=0",
		   "value of keepalive-timeout out of range (1s..1d)");
	expect_err("/interface/pptp-server/server/set keepalive-timeout=2d",
		   "value of keepalive-timeout out of range (1s..1d)");
	expect_err("/interface/pptp-server/server/set max-mtu=10",
		   "value of max-mtu out of range (64..65535)");
	expect_err("/interface/pptp-server/server/set max-mru=70000",
		   "value of max-mru out of range (64..65535)");
	expect_err("/interface/pptp-server/server/set mrru=1000",
		   "value of mrru out of range (1500..16384)");
	expect_err("/interface/pptp-server/server/set authentication=pap,telnet",
		   "input does not match any value of authentication");
	expect_err("/interface/pptp-server/server/set enabled=sometimes",
		   "input does not match any value of enabled");
	expect_err("/interface/pptp-server/server/set default-profile=nope",
		   "input does not match any value of default-profile");
	assert_file_matches_live();
}

static void test_static_entries(void **state)
{
	json_t *ret;

	(void)state;
	ok("/interface/pptp-server/add name=pptp-office user=office");
	ret = run_json("/interface/pptp-server/add user=bob");
	assert_string_equal(json_string_value(json_object_get(ret, "ret")), "*2");
	json_decref(ret);
	ok("/interface/pptp-server/add user=carol");
	expect("/interface/pptp-server/print",
	       "Flags: D - dynamic; R - running\n"
	       "Columns: NAME, USER, MTU, CLIENT-ADDRESS, UPTIME, ENCODING\n"
	       "# NAME         USER    MTU  CLIENT-ADDRESS  UPTIME  ENCODING\n"
	       "0 pptp-office  office\n"
	       "1 pptp-in1     bob\n"
	       "2 pptp-in2     carol\n");
	ok("/interface/pptp-server/set pptp-in1 name=pptp-bob user=bobby");
	ok("/interface/pptp-server/remove 2");
	ok("/interface/pptp-server/add user=dave");      /* pptp-in1 is free again */
	expect("/interface/pptp-server/print detail",
	       "Flags: D - dynamic; R - running\n"
	       "0 name=\"pptp-office\" user=\"office\"\n"
	       "\n"
	       "1 name=\"pptp-bob\" user=\"bobby\"\n"
	       "\n"
	       "2 name=\"pptp-in1\" user=\"dave\"\n");
	assert_config_is("{\"interface\": {\"ethernet\": [{\"name\": \"ether1\", \"device\": \"net_null0\"}],"
			 " \"pptp-server\": {\"static\": [{\"name\": \"pptp-office\", \"user\": \"office\"},"
			 " {\"name\": \"pptp-bob\", \"user\": \"bobby\"}, {\"name\": \"pptp-in1\", \"user\": \"dave\"}]}},"
			 " \"ip\": {\"pool\": [{\"name\": \"pptp-pool\", \"ranges\": [\"10.0.0.10-10.0.0.254\"]}]}}");

	/* Running sessions: one on a static entry, a dynamic one, one gone meanwhile. */
	fake_session(0, "<pptp-MT-User>", "MT-User", true, A(192, 168, 51, 3), 44 * 60 + 8,
		     "MPPE128 stateless");
	fake_session(1, "pptp-office", "office", false, A(198, 51, 100, 7), 90061, "");
	fake_session(2, "<pptp-gone>", "gone", true, A(198, 51, 100, 8), 1, "MPPE40 stateless");
	fake_gone[2] = true;
	fake_session(3, "<pptp-office>", "office", true, A(198, 51, 100, 9), 5, "MPPE128 stateful");
	pptp_iface_provider_register(&fake_provider);
	expect("/interface/pptp-server/print",
	       "Flags: D - dynamic; R - running\n"
	       "Columns: NAME, USER, MTU, CLIENT-ADDRESS, UPTIME, ENCODING\n"
	       "#    NAME            USER      MTU  CLIENT-ADDRESS  UPTIME    ENCODING\n"
	       "0  R pptp-office     office   1450  198.51.100.7    1d1h1m1s\n"
	       "1    pptp-bob        bobby\n"
	       "2    pptp-in1        dave\n"
	       "3 DR <pptp-MT-User>  MT-User  1450  192.168.51.3    44m8s     MPPE128 stateless\n"
	       "4 DR <pptp-office>   office   1450  198.51.100.9    5s        MPPE128 stateful\n");
	expect("/interface/pptp-server/print count-only where running", "3\n");
	expect("/interface/pptp-server/print count-only where !dynamic", "3\n");
	expect_json("/interface/pptp-server/print where user=MT-User",
		    "[{\".id\": \"*4\", \"name\": \"<pptp-MT-User>\", \"user\": \"MT-User\", \"mtu\": 1450,"
		    " \"client-address\": \"192.168.51.3\", \"uptime\": \"44m8s\","
		    " \"encoding\": \"MPPE128 stateless\", \"dynamic\": true, \"running\": true}]");
	/* Dynamic entries are not the config's: numbers past the static ones refer to nothing. */
	expect_err("/interface/pptp-server/remove 3", "no such item");
}

static void test_static_errors(void **state)
{
	(void)state;
	ok("/interface/pptp-server/add name=pptp-office user=office");
	ok("/interface/pptp-server/add name=pptp-lab user=lab");
	expect_err("/interface/pptp-server/add name=pptp-office user=x", "failure: entry already exists");
	expect_err("/interface/pptp-server/set pptp-lab name=pptp-office",
		   "failure: entry already exists");
	expect_err("/interface/pptp-server/add name=ether1 user=x",
		   "failure: already have interface with such name");
	expect_err("/interface/pptp-server/add name=x", "missing value(s) of argument(s) user");
	expect_err("/interface/pptp-server/add name=x user=\"\"", "invalid value for argument user");
	expect_err("/interface/pptp-server/set pptp-lab user=\"a\\nb\"", "invalid value for argument user");
	expect_err("/interface/pptp-server/remove 5", "no such item");
	expect_err("/interface/pptp-server/set nope user=x", "no such item");
}

/* ---- /interface/pptp-client ---- */

static bool fake_client_running(const char *name)
{
	return strcmp(name, "pptp-out1") == 0;
}

static const struct pptp_client_provider fake_client_provider = {
	.running = fake_client_running,
};

/* The seed's client example, typed as the seed types it, prints the seed's lines. */
static void test_seed_client(void **state)
{
	json_t *ret;

	(void)state;
	ret = run_json("/interface/pptp-client/add connect-to=192.168.62.2 disabled=no name=pptp-out1 "
		       "password=StrongPass user=MT-User");
	assert_string_equal(json_string_value(json_object_get(ret, "ret")), "*1");
	json_decref(ret);
	expect("/interface/pptp-client/print",
	       "Flags: X - disabled; R - running\n"
	       "0 name=\"pptp-out1\" max-mtu=1450 max-mru=1450 mrru=disabled connect-to=192.168.62.2 "
	       "user=\"MT-User\" password=\"StrongPass\" profile=default-encryption keepalive-timeout=60 "
	       "add-default-route=no dial-on-demand=no allow=pap,chap,mschap1,mschap2\n");
	pptp_client_provider_register(&fake_client_provider);
	expect("/interface/pptp-client/print",
	       "Flags: X - disabled; R - running\n"
	       "0 R name=\"pptp-out1\" max-mtu=1450 max-mru=1450 mrru=disabled connect-to=192.168.62.2 "
	       "user=\"MT-User\" password=\"StrongPass\" profile=default-encryption keepalive-timeout=60 "
	       "add-default-route=no dial-on-demand=no allow=pap,chap,mschap1,mschap2\n");
	pptp_client_provider_register(NULL);
	assert_config_is("{\"interface\": {\"ethernet\": [{\"name\": \"ether1\", \"device\": \"net_null0\"}],"
			 " \"pptp-client\": [{\"name\": \"pptp-out1\", \"connect-to\": \"192.168.62.2\","
			 " \"user\": \"MT-User\", \"password\": \"StrongPass\", \"disabled\": false}]},"
			 " \"ip\": {\"pool\": [{\"name\": \"pptp-pool\", \"ranges\": [\"10.0.0.10-10.0.0.254\"]}]}}");
	assert_file_matches_live();
}

static void test_client_commands(void **state)
{
	(void)state;
	/* RouterOS adds clients disabled, named pptp-out1, pptp-out2, ... */
	ok("/interface/pptp-client/add connect-to=192.0.2.1");
	ok("/interface/pptp-client/add connect-to=192.0.2.2 user=u password=p allow=mschap2,pap "
	   "add-default-route=yes default-route-distance=5 keepalive-timeout=1m max-mtu=1400 "
	   "max-mru=1400 mrru=1600 profile=default dial-on-demand=yes");
	expect("/interface/pptp-client/print",
	       "Flags: X - disabled; R - running\n"
	       "0 X name=\"pptp-out1\" max-mtu=1450 max-mru=1450 mrru=disabled connect-to=192.0.2.1 "
	       "user=\"\" password=\"\" profile=default-encryption keepalive-timeout=60 "
	       "add-default-route=no dial-on-demand=no allow=pap,chap,mschap1,mschap2\n"
	       "\n"
	       "1 X name=\"pptp-out2\" max-mtu=1400 max-mru=1400 mrru=1600 connect-to=192.0.2.2 "
	       "user=\"u\" password=\"p\" profile=default keepalive-timeout=60 "
	       "add-default-route=yes default-route-distance=5 dial-on-demand=yes allow=pap,mschap2\n");
	ok("/interface/pptp-client/enable pptp-out2");
	ok("/interface/pptp-client/set 0 name=office connect-to=198.51.100.1 disabled=no");
	ok("/interface/pptp-client/disable office,pptp-out2");
	expect("/interface/pptp-client/print count-only where disabled", "2\n");
	ok("/interface/pptp-client/remove pptp-out2");
	expect_json("/interface/pptp-client/print",
		    "[{\".id\": \"*1\", \"name\": \"office\", \"max-mtu\": 1450, \"max-mru\": 1450,"
		    " \"mrru\": \"disabled\", \"connect-to\": \"198.51.100.1\", \"user\": \"\","
		    " \"password\": \"\", \"profile\": \"default-encryption\", \"keepalive-timeout\": 60,"
		    " \"add-default-route\": false, \"dial-on-demand\": false,"
		    " \"allow\": \"pap,chap,mschap1,mschap2\", \"disabled\": true, \"running\": false}]");
	assert_file_matches_live();
}

static void test_client_errors(void **state)
{
	(void)state;
	ok("/interface/pptp-client/add name=pptp-out1 connect-to=192.0.2.1");
	ok("/interface/pptp-server/add name=pptp-in1 user=bob");
	expect_err("/interface/pptp-client/add user=x", "missing value(s) of argument(s) connect-to");
	expect_err("/interface/pptp-client/add name=pptp-out1 connect-to=192.0.2.9",
		   "failure: entry already exists");
	expect_err("/interface/pptp-client/add name=ether1 connect-to=192.0.2.9",
		   "failure: already have interface with such name");
	expect_err("/interface/pptp-client/add name=pptp-in1 connect-to=192.0.2.9",
		   "failure: already have interface with such name");
	expect_err("/interface/pptp-server/add name=pptp-out1 user=x",
		   "failure: already have interface with such name");
	expect_err("/interface/pptp-client/add connect-to=192.0.2.300", "invalid value for argument connect-to");
	expect_err("/interface/pptp-client/set pptp-out1 default-route-distance=256",
		   "value of default-route-distance out of range (0..255)");
	expect_err("/interface/pptp-client/set pptp-out1 profile=nosuch",
		   "input does not match any value of profile");
	expect_err("/interface/pptp-client/set pptp-out1 allow=ntlm",
		   "input does not match any value of allow");
	expect_err("/interface/pptp-client/set nope disabled=no", "no such item");
	expect_err("/interface/pptp-client/remove 3", "no such item");
	/* A profile a client names cannot go. */
	ok("/ppp/profile/add name=vpn");
	ok("/interface/pptp-client/set pptp-out1 profile=vpn");
	expect_err("/ppp/profile/remove vpn", "failure: profile is in use");
}

/* ---- /radius ---- */

static void test_radius(void **state)
{
	json_t *ret;

	(void)state;
	expect("/radius/print", "Columns: SERVICE, ADDRESS, SECRET\n");
	ret = run_json("/radius/add address=127.0.0.1 secret=testing123 service=ppp timeout=300ms");
	assert_string_equal(json_string_value(json_object_get(ret, "ret")), "*1");
	json_decref(ret);
	ok("/radius/add address=192.0.2.10 secret=\"s e c\" service=ppp,login authentication-port=1645 "
	   "accounting-port=1646 timeout=1s src-address=192.0.2.1");
	ok("/radius/add address=192.0.2.11");
	expect("/radius/print",
	       "Columns: SERVICE, ADDRESS, SECRET\n"
	       "# SERVICE    ADDRESS     SECRET\n"
	       "0 ppp        127.0.0.1   testing123\n"
	       "1 ppp,login  192.0.2.10  s e c\n"
	       "2            192.0.2.11\n");
	expect("/radius/print detail where address=192.0.2.10",
	       "1 service=ppp,login address=192.0.2.10 secret=\"s e c\" authentication-port=1645\n"
	       "  accounting-port=1646 timeout=1000ms src-address=192.0.2.1\n");
	expect_json("/radius/print where address=127.0.0.1",
		    "[{\".id\": \"*1\", \"service\": \"ppp\", \"address\": \"127.0.0.1\","
		    " \"secret\": \"testing123\", \"authentication-port\": 1812, \"accounting-port\": 1813,"
		    " \"timeout\": \"300ms\", \"src-address\": \"0.0.0.0\"}]");
	ok("/radius/set 2 service=ppp timeout=2s");
	ok("/radius/set 1 service=\"\"");
	ok("/radius/remove 0");
	assert_int_equal(live.n_radius, 2);
	assert_false(live.radius[0].service_ppp);
	assert_true(live.radius[1].service_ppp);
	assert_config_is("{\"interface\": {\"ethernet\": [{\"name\": \"ether1\", \"device\": \"net_null0\"}]},"
			 " \"ip\": {\"pool\": [{\"name\": \"pptp-pool\", \"ranges\": [\"10.0.0.10-10.0.0.254\"]}]},"
			 " \"radius\": [{\"address\": \"192.0.2.10\", \"secret\": \"s e c\", \"service\": [],"
			 " \"authentication-port\": 1645, \"accounting-port\": 1646, \"timeout\": 1,"
			 " \"src-address\": \"192.0.2.1\"},"
			 " {\"address\": \"192.0.2.11\", \"service\": \"ppp\", \"timeout\": \"2s\"}]}");

	expect_err("/radius/add secret=x", "missing value(s) of argument(s) address");
	expect_err("/radius/add address=10.0.0", "invalid value for argument address");
	expect_err("/radius/add address=10.0.0.1 service=ppp,bogus",
		   "input does not match any value of service");
	expect_err("/radius/add address=10.0.0.1 service=ppp,ppp",
		   "input does not match any value of service");
	expect_err("/radius/set 0 timeout=0ms", "value of timeout out of range (1ms..60s)");
	expect_err("/radius/set 0 timeout=61s", "value of timeout out of range (1ms..60s)");
	expect_err("/radius/set 0 timeout=soon", "invalid value for argument timeout");
	expect_err("/radius/set 0 authentication-port=0",
		   "value of authentication-port out of range (1..65535)");
	expect_err("/radius/set 0 accounting-port=65536",
		   "value of accounting-port out of range (1..65535)");
	expect_err("/radius/set 192.0.2.10 secret=x", "no such item");
	expect_err("/radius/remove 2", "no such item");
	assert_file_matches_live();
}

static void test_radius_incoming(void **state)
{
	(void)state;
	expect("/radius/incoming/print", "accept: no\n  port: 1700\n");
	ok("/radius/incoming/set accept=yes port=3799");
	expect("/radius/incoming/print", "accept: yes\n  port: 3799\n");
	expect_json("/radius/incoming/print", "{\"accept\": true, \"port\": 3799}");
	expect_err("/radius/incoming/set port=0", "value of port out of range (1..65535)");
	expect_err("/radius/incoming/set accept=1", "input does not match any value of accept");
	assert_config_is("{\"interface\": {\"ethernet\": [{\"name\": \"ether1\", \"device\": \"net_null0\"}]},"
			 " \"ip\": {\"pool\": [{\"name\": \"pptp-pool\", \"ranges\": [\"10.0.0.10-10.0.0.254\"]}]},"
			 " \"radius-incoming\": {\"accept\": true, \"port\": 3799}}");
}

/* ---- transactions and persistence ---- */

/* Everything at once, then the config equals the loader's reading of the same JSON. */
static void test_json_equivalence(void **state)
{
	(void)state;
	ok("/interface/pptp-server/server/set enabled=yes max-mtu=1400");
	ok("/interface/pptp-server/add name=pptp-office user=office");
	ok("/ip/pool/add name=p2 ranges=10.1.0.0/24,10.2.0.1");
	ok("/ppp/profile/set default-encryption dns-server=10.0.0.1");
	ok("/ppp/profile/add name=office local-address=10.0.0.1 remote-address=p2 "
	   "rate-limit=10M/20M session-timeout=1h only-one=yes");
	ok("/ppp/secret/add local-address=10.0.0.1 name=MT-User password=StrongPass "
	   "profile=default-encryption remote-address=10.0.0.5 service=pptp");
	ok("/ppp/secret/add name=office password=x profile=office disabled=yes");
	ok("/ppp/aaa/set use-radius=yes interim-update=5m");
	ok("/radius/add address=127.0.0.1 secret=testing123 service=ppp timeout=300ms");
	ok("/radius/incoming/set accept=yes");
	assert_config_is(
		"{\"interface\": {\"ethernet\": [{\"name\": \"ether1\", \"device\": \"net_null0\"}],"
		"  \"pptp-server\": {\"server\": {\"enabled\": true, \"max-mtu\": 1400},"
		"    \"static\": [{\"name\": \"pptp-office\", \"user\": \"office\"}]}},"
		" \"ip\": {\"pool\": [{\"name\": \"pptp-pool\", \"ranges\": [\"10.0.0.10-10.0.0.254\"]},"
		"   {\"name\": \"p2\", \"ranges\": \"10.1.0.0/24,10.2.0.1\"}]},"
		" \"ppp\": {\"profile\": [{\"name\": \"default-encryption\", \"use-encryption\": \"yes\","
		"     \"dns-server\": [\"10.0.0.1\"]},"
		"   {\"name\": \"office\", \"local-address\": \"10.0.0.1\", \"remote-address\": \"p2\","
		"     \"rate-limit\": \"10M/20M\", \"session-timeout\": \"1h\", \"only-one\": \"yes\"}],"
		"   \"secret\": [{\"name\": \"MT-User\", \"password\": \"StrongPass\", \"service\": \"pptp\","
		"     \"profile\": \"default-encryption\", \"local-address\": \"10.0.0.1\","
		"     \"remote-address\": \"10.0.0.5\"},"
		"     {\"name\": \"office\", \"password\": \"x\", \"profile\": \"office\", \"disabled\": true}],"
		"   \"aaa\": {\"use-radius\": true, \"interim-update\": \"5m\"}},"
		" \"radius\": [{\"address\": \"127.0.0.1\", \"secret\": \"testing123\", \"service\": [\"ppp\"],"
		"   \"timeout\": \"300ms\"}],"
		" \"radius-incoming\": {\"accept\": true}}");
	assert_file_matches_live();
}

static void test_persistence(void **state)
{
	struct stat st;
	unsigned int calls;

	(void)state;
	assert_int_equal(access(cp.config_path, F_OK), -1);   /* nothing written yet */
	ok("/ppp/secret/add name=MT-User password=StrongPass");
	assert_int_equal(stat(cp.config_path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);           /* it holds passwords */
	assert_file_matches_live();

	/* The write fails: the change is refused, the live config and the file keep the old one. */
	commit_fail_write = true;
	calls = commit_calls;
	{
		char msg[PATH_MAX + 64];

		snprintf(msg, sizeof(msg), "failure: cannot write %s: %s", cp.config_path,
			 strerror(EIO));
		expect_err("/ppp/secret/add name=other", msg);
		expect_err("/ppp/secret/set MT-User password=new", msg);
		expect_err("/ip/pool/remove pptp-pool", msg);
	}
	assert_int_equal(commit_calls, calls + 3);
	commit_fail_write = false;
	assert_file_matches_live();
	expect("/ppp/secret/print count-only", "1\n");

	/* A config that would not validate is never committed (an error elsewhere in it here). */
	calls = commit_calls;
	live.dataplane.memory_mb = 1;
	expect_err("/ppp/secret/add name=other",
		   "failure: dataplane.memory-mb: 1 is out of range (64..1048576)");
	assert_int_equal(commit_calls, calls);
	live.dataplane.memory_mb = 512;
	ok("/ppp/secret/add name=other");
	assert_file_matches_live();
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_seed_server),
		T(test_secret_commands),
		T(test_secret_errors),
		T(test_profile_commands),
		T(test_profile_errors),
		T(test_aaa),
		T(test_pool_commands),
		T(test_pool_errors),
		T(test_pool_used),
		T(test_server_settings),
		T(test_static_entries),
		T(test_static_errors),
		T(test_seed_client),
		T(test_client_commands),
		T(test_client_errors),
		T(test_radius),
		T(test_radius_incoming),
		T(test_json_equivalence),
		T(test_persistence),
	};
#undef T

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
