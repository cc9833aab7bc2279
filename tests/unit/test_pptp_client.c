/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The pptp-client role end to end, without DPDK: a /interface/pptp-client
 * entry (pptp_client.c) dials the real control-connection code
 * (pptp_ctrl.c, originator) on 127.0.0.1, places its call and runs it as a
 * client-role session (session.c) against a PAC built in this file from the
 * same pieces in the server role: pptp_ctrl's listener, session.c, the
 * local /ppp/secret backend. One fake dataplane (struct session_dp_ops)
 * holds both sides' sessions and carries each PPP frame to the session whose
 * Call-ID it names, as GRE would; a fake route layer records what the
 * kernel and the workers' route table would be told.
 *
 * What is asserted is what an operator or a peer sees: the dataplane calls
 * (roles, keys crossed, addresses), the PPTP messages (CCRQ, StopCCRQ), log
 * lines, /interface/pptp-client/print and /ip/route/print.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/event.h>

#include "auth.h"
#include "cli_parse.h"
#include "config.h"
#include "cp.h"
#include "dataplane.h"
#include "dod.h"
#include "ip_pool.h"
#include "log.h"
#include "pptp_client.h"
#include "pptp_ctrl.h"
#include "pptp_msg.h"
#include "session.h"
#include "tunnel_route.h"

#define A(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (d))
#define WAIT_MS 15000    /* generous: PPP restart timers, sanitizers, a shared 2-core machine */
#define FRAME_MAX 1600
#define QMAX 256
#define FDP_MAX 1024     /* the client's ids are the top 256 (session.h) */
#define PAC_MAX 8

/* ---- fakes the CLI and /ip/route/print need (no cp.c, no DPDK) ---- */

int cp_config_commit(struct cp_context *c, struct cfg_errors *err)
{
	return cfg_validate(c->cfg, err);
}

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

static struct event_base *base;
static struct pg_config cfg;
static struct cp_context cp;

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- fake dataplane: both roles' sessions; frames cross by Call-ID ---- */

struct fdp_session {
	bool installed;
	struct dp_session_params p;
	bool net;
	struct dp_session_keys k;
	unsigned int installs, removes;
	uint32_t kernel_local, kernel_peer;   /* kernel_up's arguments */
	bool kernel;
};

struct frame {
	uint32_t to;
	uint8_t b[FRAME_MAX];
	size_t len;
};

static struct fdp_session fdp[FDP_MAX];
static struct frame fq[QMAX];
static unsigned int fq_head, fq_tail;

static uint32_t fdp_max(void)
{
	return FDP_MAX;
}

static int fdp_install(uint32_t id, const struct dp_session_params *p)
{
	if (id >= FDP_MAX || fdp[id].installed)
		return -16;
	fdp[id].installed = true;
	fdp[id].p = *p;
	fdp[id].net = false;
	fdp[id].installs++;
	return 0;
}

static int fdp_network_up(uint32_t id, const struct dp_session_keys *k)
{
	if (id >= FDP_MAX || !fdp[id].installed)
		return -2;
	fdp[id].net = true;
	fdp[id].k = *k;
	return 0;
}

static int fdp_remove(uint32_t id)
{
	if (id >= FDP_MAX || !fdp[id].installed)
		return -2;
	fdp[id].installed = false;
	fdp[id].removes++;
	return 0;
}

/* GRE's key: the frame goes to the installed session whose own Call-ID the sender names. */
static int fdp_send_ctrl(uint32_t id, const uint8_t *frame, size_t len)
{
	const struct fdp_session *from = &fdp[id];

	for (uint32_t j = 0; j < FDP_MAX; j++) {
		const struct fdp_session *to = &fdp[j];

		if (j == id || !to->installed || to->p.our_call_id != from->p.peer_call_id ||
		    !(to->p.flags & DP_SESSION_F_CLIENT_ROLE) == !(from->p.flags & DP_SESSION_F_CLIENT_ROLE))
			continue;
		if (fq_tail - fq_head >= QMAX || len > FRAME_MAX)
			return -105;
		fq[fq_tail % QMAX].to = j;
		memcpy(fq[fq_tail % QMAX].b, frame, len);
		fq[fq_tail % QMAX].len = len;
		fq_tail++;
		return 0;
	}
	return 0;   /* nobody there: lost on the wire */
}

static int fdp_stats(uint32_t id, struct session_dp_stats *out)
{
	(void)id;
	memset(out, 0, sizeof(*out));
	return 0;
}

static uint32_t fdp_last_rx_age_ms(uint32_t id)
{
	(void)id;
	return 0;
}

static int find_by_local(uint32_t local, uint32_t peer)
{
	for (uint32_t j = 0; j < FDP_MAX; j++)
		if (fdp[j].installed && fdp[j].net && fdp[j].k.client_ip == peer)
			return (int)j;
	(void)local;
	return -1;
}

static int fdp_kernel_up(const char *ifname, uint32_t local_ip, uint32_t client_ip,
			 uint16_t mtu)
{
	int j = find_by_local(local_ip, client_ip);

	(void)ifname;
	(void)mtu;
	if (j >= 0) {
		fdp[j].kernel = true;
		fdp[j].kernel_local = local_ip;
		fdp[j].kernel_peer = client_ip;
	}
	return 0;
}

static void fdp_kernel_down(const char *ifname, uint32_t local_ip, uint32_t client_ip)
{
	int j = find_by_local(local_ip, client_ip);

	(void)ifname;
	if (j >= 0)
		fdp[j].kernel = false;
}

static const struct session_dp_ops fake_dp = {
	.max_sessions = fdp_max,
	.install = fdp_install,
	.network_up = fdp_network_up,
	.remove = fdp_remove,
	.send_ctrl = fdp_send_ctrl,
	.stats = fdp_stats,
	.last_rx_age_ms = fdp_last_rx_age_ms,
	.kernel_up = fdp_kernel_up,
	.kernel_down = fdp_kernel_down,
	.routes_up = tunnel_route_link_up,
	.routes_down = tunnel_route_link_down,
};

/* ---- fake route layer ---- */

static struct {
	struct tunnel_route_entry dp[TUNNEL_ROUTE_MAX];
	unsigned int n_dp, publishes;
	struct cfg_prefix kernel[16];
	uint32_t kernel_gw[16], kernel_metric[16];
	unsigned int n_kernel;
	unsigned int neigh_adds, neigh_dels;
	unsigned int holds;               /* dial-on-demand: kernel_neigh_hold calls */
	uint32_t neigh_last;              /* the address of the last neighbour call */
} fr;

static int fr_publish(const struct tunnel_route_entry *e, unsigned int n)
{
	memcpy(fr.dp, e, n * sizeof(*e));
	fr.n_dp = n;
	fr.publishes++;
	return 0;
}

static int fr_kernel_add(const struct cfg_prefix *dst, uint32_t gw, const char *ifname,
			 uint32_t metric, uint32_t prefsrc, uint16_t mtu)
{
	(void)ifname;
	(void)mtu;
	/*
	 * What the appliance sends via the tunnel leaves from its tunnel address;
	 * a dial-on-demand placeholder (10.112.112.0/24) has none yet.
	 */
	if ((gw & 0xFFFFFF00u) == A(10, 112, 112, 0) || (dst->addr & 0xFFFFFF00u) == A(10, 112, 112, 0))
		assert_int_equal(prefsrc, 0);
	else
		assert_int_equal(prefsrc, A(10, 0, 0, 12));
	if (fr.n_kernel >= 16)
		return -1;
	fr.kernel[fr.n_kernel] = *dst;
	fr.kernel_gw[fr.n_kernel] = gw;
	fr.kernel_metric[fr.n_kernel++] = metric;
	return 0;
}

static int fr_kernel_del(const struct cfg_prefix *dst, uint32_t gw, uint32_t metric)
{
	for (unsigned int i = 0; i < fr.n_kernel; i++) {
		if (fr.kernel[i].addr != dst->addr || fr.kernel[i].len != dst->len ||
		    fr.kernel_gw[i] != gw || fr.kernel_metric[i] != metric)
			continue;
		fr.n_kernel--;
		fr.kernel[i] = fr.kernel[fr.n_kernel];
		fr.kernel_gw[i] = fr.kernel_gw[fr.n_kernel];
		fr.kernel_metric[i] = fr.kernel_metric[fr.n_kernel];
		return 0;
	}
	return -1;
}

static int fr_kernel_neigh(const char *ifname, uint32_t addr, bool add)
{
	(void)ifname;
	fr.neigh_last = addr;
	if (add)
		fr.neigh_adds++;
	else
		fr.neigh_dels++;
	return 0;
}

static int fr_kernel_neigh_hold(const char *ifname, uint32_t addr)
{
	assert_string_equal(ifname, "ether1");
	fr.neigh_last = addr;
	fr.holds++;
	return 0;
}

static const struct tunnel_route_ops fake_routes = {
	.dp_publish = fr_publish,
	.kernel_add = fr_kernel_add,
	.kernel_del = fr_kernel_del,
	.kernel_neigh = fr_kernel_neigh,
	.kernel_neigh_hold = fr_kernel_neigh_hold,
};

/* ---- the PAC: pptp_ctrl's listener + session.c in the server role ---- */

struct pac_call {
	bool used;
	struct session *s;
	struct pptp_ctrl *ctrl;
	uint32_t id;
};

static struct {
	struct pac_call calls[PAC_MAX];
	struct auth_local local;
	uint16_t next_cid;
	unsigned int ocrqs, ccrqs, gone;
	char last_cause[PPP_REASON_MAX];
	uint16_t port;
} pac;

static void pac_gone(void *owner, struct session *s)
{
	struct pac_call *c = owner;

	snprintf(pac.last_cause, sizeof(pac.last_cause), "%s", session_cause(s));
	pac.gone++;
	c->used = false;
	c->s = NULL;
	session_destroy(s);
}

static const struct session_events pac_events = { .gone = pac_gone };

static int pac_ocrq(void *arg, struct pptp_ctrl *ctrl, const struct pptp_ocrq *rq,
		    struct pptp_ocrp *rp)
{
	struct session_params sp;
	struct pac_call *c = NULL;

	(void)arg;
	pac.ocrqs++;
	for (unsigned int i = 0; i < PAC_MAX && !c; i++)
		if (!pac.calls[i].used)
			c = &pac.calls[i];
	if (!c)
		return -1;
	memset(c, 0, sizeof(*c));
	memset(&sp, 0, sizeof(sp));
	c->id = (uint32_t)(c - pac.calls);
	sp.cp = &cp;
	sp.id = c->id;
	sp.ctrl = ctrl;
	sp.peer_addr = pptp_ctrl_peer_addr(ctrl);
	sp.local_addr = pptp_ctrl_local_addr(ctrl);
	sp.our_call_id = pac.next_cid++;
	sp.peer_call_id = rq->call_id;
	sp.peer_window = rq->recv_window;
	sp.dp = &fake_dp;
	sp.backend = &pac.local.backend;
	sp.ev = &pac_events;
	sp.owner = c;
	c->s = session_create(&sp);
	if (!c->s)
		return -1;
	if (session_start(c->s)) {
		session_destroy(c->s);
		return -1;
	}
	c->used = true;
	c->ctrl = ctrl;
	rp->call_id = sp.our_call_id;
	rp->result = PPTP_OCRP_CONNECTED;
	rp->recv_window = 64;
	return 0;
}

static struct pac_call *pac_by_peer_cid(struct pptp_ctrl *ctrl, uint16_t cid)
{
	for (unsigned int i = 0; i < PAC_MAX; i++)
		if (pac.calls[i].used && pac.calls[i].ctrl == ctrl &&
		    session_peer_call_id(pac.calls[i].s) == cid)
			return &pac.calls[i];
	return NULL;
}

/* RFC 2637 2.12: the PNS clears its call; we answer with the CDN. */
static void pac_ccrq(void *arg, struct pptp_ctrl *ctrl, const struct pptp_ccrq *m)
{
	struct pac_call *c = pac_by_peer_cid(ctrl, m->call_id);

	(void)arg;
	pac.ccrqs++;
	if (c)
		session_stop(c->s, "call cleared by the client", PPTP_CDN_REQUEST);
}

static void pac_ctrl_down(void *arg, struct pptp_ctrl *ctrl)
{
	(void)arg;
	for (unsigned int i = 0; i < PAC_MAX; i++) {
		if (!pac.calls[i].used || pac.calls[i].ctrl != ctrl)
			continue;
		session_detach_ctrl(pac.calls[i].s);
		session_stop(pac.calls[i].s, "control connection lost", 0);
	}
}

static const struct pptp_ctrl_call_ops pac_ops = {
	.outgoing_call_request = pac_ocrq,
	.call_clear_request = pac_ccrq,
	.ctrl_down = pac_ctrl_down,
};

static void pac_start(uint16_t port)
{
	pptp_ctrl_set_call_ops(&pac_ops, NULL);
	assert_int_equal(pptp_ctrl_listen(&cp, A(127, 0, 0, 1), port), 0);
	pac.port = pptp_ctrl_listen_port();
}

/* The server appliance goes away: its calls end and its connections close. */
static void pac_stop(void)
{
	for (unsigned int i = 0; i < PAC_MAX; i++)
		if (pac.calls[i].used)
			session_stop_now(pac.calls[i].s, "server shutdown", PPTP_CDN_ADMIN_SHUTDOWN);
}

/* ---- the loop ---- */

static struct pac_call *pac_by_id(uint32_t id)
{
	for (unsigned int i = 0; i < PAC_MAX; i++)
		if (pac.calls[i].used && pac.calls[i].id == id)
			return &pac.calls[i];
	return NULL;
}

/* Deliver queued frames (outside the senders' callbacks, as the rings do). */
static bool shuttle(void)
{
	bool moved = false;

	while (fq_head != fq_tail) {
		struct frame f = fq[fq_head++ % QMAX];
		struct pac_call *c;

		moved = true;
		if (pptp_client_owns_id(f.to)) {
			pptp_client_ppp_input(f.to, f.b, f.len);
		} else {
			c = pac_by_id(f.to);
			if (c)
				session_ppp_input(c->s, f.b, f.len);
		}
	}
	return moved;
}

static bool run_until(bool (*cond)(void), int ms)
{
	int64_t end = now_ms() + ms;

	for (;;) {
		event_base_loop(base, EVLOOP_NONBLOCK);
		while (shuttle())
			event_base_loop(base, EVLOOP_NONBLOCK);
		if (cond())
			return true;
		if (now_ms() > end)
			return false;
		usleep(500);
	}
}

static void run_for(int ms)
{
	int64_t end = now_ms() + ms;

	while (now_ms() < end) {
		event_base_loop(base, EVLOOP_NONBLOCK);
		while (shuttle())
			event_base_loop(base, EVLOOP_NONBLOCK);
		usleep(500);
	}
}

/* ---- helpers ---- */

struct log_count {
	const char *needle, *needle2;
	unsigned int n;
};

static void count_entry(const struct log_entry *e, void *arg)
{
	struct log_count *c = arg;

	if (strstr(e->msg, c->needle) && (!c->needle2 || strstr(e->msg, c->needle2)))
		c->n++;
}

static unsigned int log_count(const char *needle, const char *needle2)
{
	struct log_count c = { .needle = needle, .needle2 = needle2 };

	log_for_each(count_entry, &c);
	return c.n;
}

static char *cli(const char *line)
{
	struct cli_reply r;
	char *out;

	cli_execute(&cp, line, false, &r);
	if (!r.ok)
		fail_msg("%s: %s", line, r.error);
	out = strdup(r.output ? r.output : "");
	cli_reply_clear(&r);
	return out;
}

static bool client_running(void)
{
	struct pptp_client_status st;

	return pptp_client_status("pptp-out1", &st) == 0 && st.running;
}

static bool client_disabled(void)
{
	struct pptp_client_status st;

	return pptp_client_status("pptp-out1", &st) == 0 && strcmp(st.state, "disabled") == 0;
}

static bool client_waiting(void)
{
	struct pptp_client_status st;

	return pptp_client_status("pptp-out1", &st) == 0 && strcmp(st.state, "waiting") == 0;
}

static bool client_gone(void)
{
	struct pptp_client_status st;

	return pptp_client_status("pptp-out1", &st) != 0;
}

/* The client's dataplane session (the top ids), -1 when none is installed. */
static int client_sid(void)
{
	for (uint32_t j = session_server_ids(FDP_MAX); j < FDP_MAX; j++)
		if (fdp[j].installed)
			return (int)j;
	return -1;
}

static struct cfg_pptp_client *client_cfg(void)
{
	assert_int_equal(cfg.n_pptp_client, 1);
	return &cfg.pptp_client[0];
}

/* Edit the entry in place (as a committed CLI change would) and apply it. */
static void client_enable(const char *user, const char *password, uint32_t allow,
			  const char *profile)
{
	struct cfg_pptp_client *c = client_cfg();

	snprintf(c->user, sizeof(c->user), "%s", user);
	snprintf(c->password, sizeof(c->password), "%s", password);
	snprintf(c->profile, sizeof(c->profile), "%s", profile);
	c->allow = allow;
	c->disabled = false;
	pptp_client_sync();
}

/* ---- fixture ---- */

static const char config_json[] =
	"{ \"system\": { \"identity\": \"pptpgw-test\" },"
	"  \"interface\": {"
	"    \"ethernet\": [ { \"name\": \"ether1\", \"device\": \"net_null0\" } ],"
	"    \"pptp-server\": {"
	"      \"server\": { \"enabled\": true,"
	"                  \"authentication\": [\"mschap2\", \"mschap1\", \"chap\", \"pap\"],"
	"                  \"default-profile\": \"default-encryption\" } },"
	"    \"pptp-client\": [ { \"name\": \"pptp-out1\", \"connect-to\": \"127.0.0.1\","
	"                       \"user\": \"MT-User\", \"password\": \"StrongPass\" } ] },"
	"  \"ip\": {"
	"    \"address\": [ { \"address\": \"127.0.0.1/8\", \"interface\": \"ether1\" } ],"
	"    \"route\": [ { \"dst-address\": \"0.0.0.0/0\", \"gateway\": \"127.0.0.254\","
	"                   \"distance\": 1 } ],"
	"    \"pool\": [ { \"name\": \"pptp-pool\", \"ranges\": [\"10.0.0.10-10.0.0.12\"] } ] },"
	"  \"ppp\": {"
	"    \"profile\": ["
	"      { \"name\": \"default-encryption\", \"use-encryption\": \"yes\","
	"        \"local-address\": \"10.0.0.1\", \"remote-address\": \"pptp-pool\" },"
	"      { \"name\": \"plain\", \"use-encryption\": \"no\","
	"        \"local-address\": \"10.0.0.1\", \"remote-address\": \"pptp-pool\" },"
	"      { \"name\": \"stateful\", \"use-encryption\": \"yes\", \"mppe-mode\": \"stateful\","
	"        \"local-address\": \"10.0.0.1\", \"remote-address\": \"pptp-pool\" } ],"
	"    \"secret\": ["
	"      { \"name\": \"MT-User\", \"password\": \"StrongPass\", \"service\": \"pptp\","
	"        \"profile\": \"default-encryption\" },"
	"      { \"name\": \"sf\", \"password\": \"pw\", \"profile\": \"stateful\" },"
	"      { \"name\": \"papuser\", \"password\": \"pw\", \"profile\": \"plain\" } ] } }";

static int setup(void **state)
{
	struct cfg_errors err;
	const struct pptp_client_timing timing = {
		.retry_min_ms = 100, .retry_max_ms = 400, .keepalive_tick_ms = 200, .port = 0,
	};
	struct pptp_client_timing t = timing;

	(void)state;
	memset(fdp, 0, sizeof(fdp));
	memset(&fr, 0, sizeof(fr));
	memset(&pac, 0, sizeof(pac));
	fq_head = fq_tail = 0;
	cfg_errors_init(&err);
	if (cfg_load_string(config_json, &cfg, &err)) {
		for (unsigned int i = 0; i < err.n; i++)
			fprintf(stderr, "%s\n", err.msg[i]);
		fail_msg("config did not load");
	}
	cfg_errors_free(&err);
	base = event_base_new();
	assert_non_null(base);
	memset(&cp, 0, sizeof(cp));
	cp.cfg = &cfg;
	cp.base = base;
	snprintf(cp.config_path, sizeof(cp.config_path), "/nonexistent/pptpgw-test.json");
	ip_pool_sync(&cfg);
	cli_registry_reset();
	assert_int_equal(cli_cmds_pptp_register(), 0);
	assert_int_equal(cli_cmds_system_register(), 0);
	auth_local_init(&pac.local, &cfg);
	pac_start(0);
	t.port = pac.port;
	pptp_client_set_timing(&t);
	pptp_client_set_dp_ops(&fake_dp);
	tunnel_route_init(&cfg, &fake_routes);
	assert_int_equal(pptp_client_init(&cp), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	pptp_client_fini();
	tunnel_route_fini();
	pac_stop();
	pptp_ctrl_fini();
	pptp_ctrl_set_call_ops(NULL, NULL);
	cli_registry_reset();
	ip_pool_reset();
	event_base_free(base);
	base = NULL;
	cfg_free(&cfg);
	return 0;
}

/* ---- tests ---- */

/* The seed's entry, disabled by default: printed with X, nothing dialled. */
static void test_disabled_by_default(void **state)
{
	char *out;

	(void)state;
	run_for(200);
	assert_int_equal(pac.ocrqs, 0);
	assert_true(client_disabled());
	out = cli("/interface/pptp-client/print");
	assert_non_null(strstr(out, "Flags: X - disabled; R - running\n"));
	assert_non_null(strstr(out, "0 X name=\"pptp-out1\""));
	free(out);
}

/* MS-CHAPv2 + MPPE-128 stateless: up, keys crossed, routes, the seed's print line; then disable. */
static void test_mschapv2_mppe128(void **state)
{
	struct pptp_client_status st;
	char *out;
	int c;

	(void)state;
	client_enable("MT-User", "StrongPass", CFG_AUTH_ALL, "default-encryption");
	assert_true(run_until(client_running, WAIT_MS));
	c = client_sid();
	assert_true(c >= 0);
	/* The server's session is id 0 (the PAC's first). */
	assert_true(fdp[0].installed && fdp[0].net);
	assert_true(fdp[c].p.flags & DP_SESSION_F_CLIENT_ROLE);
	assert_false(fdp[0].p.flags & DP_SESSION_F_CLIENT_ROLE);
	assert_true(fdp[c].k.flags & DP_SESSION_F_CLIENT_ROLE);
	assert_int_equal(fdp[c].p.our_call_id, fdp[0].p.peer_call_id);
	assert_int_equal(fdp[c].p.peer_call_id, fdp[0].p.our_call_id);
	assert_int_equal(fdp[c].p.peer_ip, A(127, 0, 0, 1));
	assert_int_equal(fdp[c].k.mppe_bits, 128);
	assert_int_equal(fdp[0].k.mppe_bits, 128);
	assert_true(fdp[c].k.flags & DP_SESSION_F_MPPE_STATELESS);
	/* RFC 3079: the client's send key is the server's receive key, and back. */
	assert_memory_equal(fdp[c].k.send_key, fdp[0].k.recv_key, DP_MPPE_KEY_LEN);
	assert_memory_equal(fdp[c].k.recv_key, fdp[0].k.send_key, DP_MPPE_KEY_LEN);
	/* The client's downstream /32 is the server's tunnel address. */
	assert_int_equal(fdp[c].k.client_ip, A(10, 0, 0, 1));
	assert_int_equal(fdp[0].k.client_ip, A(10, 0, 0, 12));
	assert_int_equal(fdp[c].k.mtu, 1446);
	assert_true(fdp[c].kernel);
	assert_int_equal(fdp[c].kernel_local, A(10, 0, 0, 12));

	assert_int_equal(pptp_client_status("pptp-out1", &st), 0);
	assert_int_equal(st.local_addr, A(10, 0, 0, 12));
	assert_int_equal(st.remote_addr, A(10, 0, 0, 1));
	assert_string_equal(st.encoding, "MPPE128 stateless");
	assert_int_equal(log_count("pptp-client=pptp-out1 connect-to=127.0.0.1 running "
				   "address=10.0.0.12 remote-address=10.0.0.1 "
				   "encoding=\"MPPE128 stateless\"", NULL), 1);

	/* The seed's line, once the address is the seed's. */
	client_cfg()->connect_to = A(192, 168, 62, 2);
	out = cli("/interface/pptp-client/print");
	client_cfg()->connect_to = A(127, 0, 0, 1);
	assert_string_equal(out,
		"Flags: X - disabled; R - running\n"
		"0 R name=\"pptp-out1\" max-mtu=1450 max-mru=1450 mrru=disabled connect-to=192.168.62.2 "
		"user=\"MT-User\" password=\"StrongPass\" profile=default-encryption keepalive-timeout=60 "
		"add-default-route=no dial-on-demand=no allow=pap,chap,mschap1,mschap2\n");
	free(out);

	/* Only the peer's /32, no default route: nothing for the kernel beyond the session's. */
	assert_int_equal(tunnel_route_count(), 1);
	assert_int_equal(fr.n_kernel, 0);
	assert_int_equal(fr.neigh_adds, 1);
	out = cli("/ip/route/print");
	assert_non_null(strstr(out, "DAc 10.0.0.1/32  pptp-out1           0\n"));
	free(out);

	/* disable: the call is cleared (CCRQ), the session and routes go, nothing is retried. */
	free(cli("/interface/pptp-client/disable pptp-out1"));
	assert_true(run_until(client_disabled, WAIT_MS));
	assert_true(run_until(client_disabled, 200));
	assert_int_equal(pac.ccrqs, 1);
	assert_int_equal(fdp[c].removes, 1);
	assert_false(fdp[c].installed);
	assert_int_equal(tunnel_route_count(), 0);
	assert_int_equal(fr.neigh_dels, 1);
	run_for(300);
	assert_int_equal(pac.ocrqs, 1);
	out = cli("/interface/pptp-client/print");
	assert_non_null(strstr(out, "0 X name=\"pptp-out1\""));
	free(out);
}

/* PAP: no MPPE keys, so "default" encryption (allowed) comes up in clear. */
static void test_pap_unencrypted(void **state)
{
	struct pptp_client_status st;
	int c;

	(void)state;
	client_enable("papuser", "pw", CFG_AUTH_PAP, "default");
	assert_true(run_until(client_running, WAIT_MS));
	c = client_sid();
	assert_true(c >= 0);
	assert_int_equal(fdp[c].k.mppe_bits, 0);
	assert_int_equal(fdp[c].k.mtu, 1450);
	assert_int_equal(pptp_client_status("pptp-out1", &st), 0);
	assert_string_equal(st.encoding, "");
	assert_true(log_count("user=papuser auth=pap result=ok", NULL) >= 1);
}

/* Every method and every MPPE mode the server's profiles offer. */
static void test_methods_and_modes(void **state)
{
	static const struct {
		uint32_t allow;
		const char *user, *password, *profile;
		uint8_t bits;
		bool stateless;
	} cases[] = {
		{ CFG_AUTH_MSCHAP2, "MT-User", "StrongPass", "default-encryption", 128, true },
		{ CFG_AUTH_MSCHAP1, "MT-User", "StrongPass", "default-encryption", 128, true },
		{ CFG_AUTH_MSCHAP2, "sf", "pw", "default-encryption", 128, false },
		{ CFG_AUTH_CHAP, "papuser", "pw", "default", 0, false },
		{ CFG_AUTH_PAP, "papuser", "pw", "plain", 0, false },
	};

	(void)state;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		int c;

		client_enable(cases[k].user, cases[k].password, cases[k].allow, cases[k].profile);
		if (!run_until(client_running, WAIT_MS))
			fail_msg("case %zu (%s) did not come up", k, cases[k].user);
		c = client_sid();
		assert_true(c >= 0);
		assert_int_equal(fdp[c].k.mppe_bits, cases[k].bits);
		if (cases[k].bits)
			assert_int_equal(!!(fdp[c].k.flags & DP_SESSION_F_MPPE_STATELESS),
					 cases[k].stateless);
		client_cfg()->disabled = true;
		pptp_client_sync();
		assert_true(run_until(client_disabled, WAIT_MS));
	}
}

/* allow refuses what the server asks for: down, a clear line, retried with back-off. */
static void test_allow_refuses_method(void **state)
{
	(void)state;
	cfg.pptp_server.authentication = CFG_AUTH_MSCHAP2;
	client_enable("MT-User", "StrongPass", CFG_AUTH_PAP, "default");
	assert_true(run_until(client_waiting, WAIT_MS));
	assert_false(client_running());
	assert_true(log_count("peer asked auth=mschap2, suggesting pap", NULL) >= 1);
	assert_true(log_count("pptp-client=pptp-out1", "down: server ended the link: "
			      "peer refused authentication methods we allow; retrying in") >= 1);
	/* Back-off: a second attempt follows, and fails the same way. */
	assert_true(run_until(client_running, 1500) == false);
	assert_true(pac.ocrqs >= 2);
	assert_true(log_count("pptp-client=pptp-out1", "retrying in") >= 2);
}

static void test_wrong_password(void **state)
{
	(void)state;
	client_enable("MT-User", "wrong", CFG_AUTH_ALL, "default-encryption");
	assert_true(run_until(client_waiting, WAIT_MS));
	assert_true(log_count("pptp-client=pptp-out1", "down: ") >= 1);
	assert_true(log_count("user=MT-User auth=mschap2 result=failed", NULL) >= 1);
	assert_int_equal(client_sid(), -1);
}

/* The server restarts: the link goes down, is retried, and comes back by itself. */
static void test_server_restart(void **state)
{
	(void)state;
	client_enable("MT-User", "StrongPass", CFG_AUTH_ALL, "default-encryption");
	assert_true(run_until(client_running, WAIT_MS));
	pac_stop();
	pptp_ctrl_fini();
	assert_true(run_until(client_waiting, WAIT_MS));
	assert_int_equal(client_sid(), -1);
	assert_int_equal(tunnel_route_count(), 0);
	/* Down for a while: attempts fail (connection refused) and are logged. */
	run_for(500);
	assert_true(log_count("pptp-client=pptp-out1", "control connection: connect_failed") >= 1);
	pac_start(pac.port);
	assert_true(run_until(client_running, WAIT_MS));
	assert_true(client_sid() >= 0);
}

/* add-default-route: at its distance against /ip/route's 0.0.0.0/0 (distance 1). */
static void test_default_route_distance(void **state)
{
	char *out;

	(void)state;
	client_cfg()->add_default_route = true;
	client_cfg()->default_route_distance = 5;
	client_enable("MT-User", "StrongPass", CFG_AUTH_ALL, "default-encryption");
	assert_true(run_until(client_running, WAIT_MS));
	/* Distance 5 loses to the static route (1): listed, not active, not in the kernel. */
	assert_int_equal(tunnel_route_count(), 2);
	assert_int_equal(fr.n_kernel, 0);
	out = cli("/ip/route/print");
	assert_non_null(strstr(out, "Flags: D - DYNAMIC; A - ACTIVE; c - CONNECT, s - STATIC, v - VPN\n"));
	assert_non_null(strstr(out, "0  As 0.0.0.0/0    127.0.0.254         1\n"));
	assert_non_null(strstr(out, "2 DAc 10.0.0.1/32  pptp-out1           0\n"));
	assert_non_null(strstr(out, "3  Dv 0.0.0.0/0    pptp-out1           5\n"));
	free(out);

	/* A lower distance than the static route wins: kernel route via the peer, table entry. */
	free(cli("/interface/pptp-client/set pptp-out1 default-route-distance=0"));
	assert_true(run_until(client_running, WAIT_MS));
	assert_int_equal(fr.n_kernel, 1);
	assert_int_equal(fr.kernel[0].len, 0);
	assert_int_equal(fr.kernel_gw[0], A(10, 0, 0, 1));
	assert_int_equal(fr.kernel_metric[0], 0);
	out = cli("/ip/route/print");
	assert_non_null(strstr(out, "0   s 0.0.0.0/0    127.0.0.254         1\n"));
	assert_non_null(strstr(out, "3 DAv 0.0.0.0/0    pptp-out1           0\n"));
	free(out);
	/* The dataplane's table: the default into the session, the peer's outer /32 not. */
	bool via_default = false, peer_pass = false, local_pass = false;

	for (unsigned int i = 0; i < fr.n_dp; i++) {
		if (fr.dp[i].dst.len == 0 && fr.dp[i].via_session)
			via_default = true;
		if (fr.dp[i].dst.len == 32 && fr.dp[i].dst.addr == A(127, 0, 0, 1) &&
		    !fr.dp[i].via_session)
			peer_pass = true;
		/* Our own tunnel address is the kernel's, never routed back into the tunnel. */
		if (fr.dp[i].dst.len == 32 && fr.dp[i].dst.addr == A(10, 0, 0, 12) &&
		    !fr.dp[i].via_session)
			local_pass = true;
	}
	assert_true(via_default);
	assert_true(peer_pass);
	assert_true(local_pass);

	/* Down: the default route goes with the link. */
	free(cli("/interface/pptp-client/disable pptp-out1"));
	assert_true(run_until(client_disabled, WAIT_MS));
	assert_int_equal(fr.n_kernel, 0);
	assert_int_equal(fr.n_dp, 0);
}

/* /ip/route gateway=pptp-out1: active while the link runs, via the server's address. */
static void test_route_via_interface(void **state)
{
	struct cfg_ip_route *r;
	char *out;
	bool via = false;

	(void)state;
	r = realloc(cfg.ip_route, (cfg.n_ip_route + 1) * sizeof(*r));
	assert_non_null(r);
	cfg.ip_route = r;
	r = &cfg.ip_route[cfg.n_ip_route++];
	memset(r, 0, sizeof(*r));
	r->dst = (struct cfg_prefix){ .addr = A(10, 9, 0, 0), .len = 16 };
	snprintf(r->gateway_iface, sizeof(r->gateway_iface), "pptp-out1");
	r->distance = 1;
	out = cli("/ip/route/print");
	assert_non_null(strstr(out, "1   s 10.9.0.0/16  pptp-out1           1\n"));
	free(out);

	client_enable("MT-User", "StrongPass", CFG_AUTH_ALL, "default-encryption");
	assert_true(run_until(client_running, WAIT_MS));
	out = cli("/ip/route/print");
	assert_non_null(strstr(out, "1  As 10.9.0.0/16  pptp-out1           1\n"));
	free(out);
	assert_int_equal(fr.n_kernel, 1);
	assert_int_equal(fr.kernel[0].addr, A(10, 9, 0, 0));
	assert_int_equal(fr.kernel_gw[0], A(10, 0, 0, 1));
	assert_int_equal(fr.kernel_metric[0], 1);
	for (unsigned int i = 0; i < fr.n_dp; i++)
		if (fr.dp[i].dst.addr == A(10, 9, 0, 0) && fr.dp[i].dst.len == 16 &&
		    fr.dp[i].via_session && (int)fr.dp[i].session_id == client_sid())
			via = true;
	assert_true(via);

	free(cli("/interface/pptp-client/disable pptp-out1"));
	assert_true(run_until(client_disabled, WAIT_MS));
	assert_int_equal(fr.n_kernel, 0);
	out = cli("/ip/route/print");
	assert_non_null(strstr(out, "1   s 10.9.0.0/16  pptp-out1           1\n"));
	free(out);
}

/* add, set, remove from the CLI act on what runs. */
static void test_cli_add_remove(void **state)
{
	char *out;

	(void)state;
	free(cli("/interface/pptp-client/remove pptp-out1"));
	assert_true(run_until(client_gone, WAIT_MS));
	free(cli("/interface/pptp-client/add connect-to=127.0.0.1 disabled=no name=pptp-out1 "
		 "password=StrongPass user=MT-User"));
	assert_true(run_until(client_running, WAIT_MS));
	out = cli("/interface/pptp-client/print");
	assert_non_null(strstr(out, "0 R name=\"pptp-out1\" max-mtu=1450 max-mru=1450 mrru=disabled "
				    "connect-to=127.0.0.1 user=\"MT-User\" password=\"StrongPass\""));
	free(out);
	/* An edit re-dials with the new settings. */
	free(cli("/interface/pptp-client/set pptp-out1 user=papuser password=pw allow=pap "
		 "profile=default"));
	assert_true(run_until(client_running, WAIT_MS));
	assert_true(log_count("user=papuser auth=pap result=ok", NULL) >= 1);
	free(cli("/interface/pptp-client/remove 0"));
	assert_true(run_until(client_gone, WAIT_MS));
	assert_int_equal(client_sid(), -1);
	assert_true(log_count("pptp-client=pptp-out1", "removed") >= 2);
}

/* ---- dial-on-demand ---- */

static bool client_armed(void)
{
	struct pptp_client_status st;

	return pptp_client_status("pptp-out1", &st) == 0 && strcmp(st.state, "dial-on-demand") == 0;
}

/* The kernel route dst/len via gw at metric, in the fake kernel. */
static bool kernel_has(uint32_t dst, uint8_t len, uint32_t gw, uint32_t metric)
{
	for (unsigned int i = 0; i < fr.n_kernel; i++)
		if (fr.kernel[i].addr == dst && fr.kernel[i].len == len && fr.kernel_gw[i] == gw &&
		    fr.kernel_metric[i] == metric)
			return true;
	return false;
}

/* A line of text holding both a and b. */
static bool line_has(const char *text, const char *a, const char *b)
{
	for (const char *l = text; l && *l;) {
		const char *end = strchr(l, '\n');
		size_t n = end ? (size_t)(end - l) : strlen(l);
		char line[256];

		snprintf(line, sizeof(line), "%.*s", (int)n, l);
		if (strstr(line, a) && strstr(line, b))
			return true;
		l = end ? end + 1 : NULL;
	}
	return false;
}

/* The placeholder's routes: its /32 on the TAP, the default via it; nothing for the workers. */
static void assert_placeholder_routes(void)
{
	char *out;

	assert_int_equal(fr.n_kernel, 2);
	assert_true(kernel_has(A(10, 112, 112, 1), 32, 0, 0));
	assert_true(kernel_has(0, 0, A(10, 112, 112, 1), 0));
	assert_int_equal(fr.n_dp, 0);
	assert_int_equal(tunnel_route_count(), 1);
	out = cli("/ip/route/print");
	assert_true(line_has(out, "DAv 0.0.0.0/0", "10.112.112.1"));
	assert_false(line_has(out, "pptp-out1", "0.0.0.0/0"));
	free(out);
}

/* The placeholder's choice: the lowest 10.112.112.N no other entry holds. */
static void test_dod_pick(void **state)
{
	uint32_t used[DOD_HOST_MAX];

	(void)state;
	assert_int_equal(pptp_client_dod_pick(NULL, 0), A(10, 112, 112, 1));
	used[0] = A(10, 112, 112, 1);
	used[1] = A(10, 112, 112, 3);
	assert_int_equal(pptp_client_dod_pick(used, 2), A(10, 112, 112, 2));
	used[1] = A(10, 112, 112, 2);
	assert_int_equal(pptp_client_dod_pick(used, 2), A(10, 112, 112, 3));
	for (unsigned int h = 0; h < DOD_HOST_MAX; h++)
		used[h] = A(10, 112, 112, h + 1);
	assert_int_equal(pptp_client_dod_pick(used, DOD_HOST_MAX), 0);
	assert_int_equal(pptp_client_dod_pick(used + 1, DOD_HOST_MAX - 1), A(10, 112, 112, 1));
}

/*
 * dial-on-demand=yes: no dial, the routes via the placeholder; traffic for it
 * holds the kernel's queue and dials; up, the link's routes replace the
 * placeholder's and the queue is released; the server going brings the
 * placeholder back with no redial; a failed dial backs off (traffic within
 * the back-off waits for its end); disabled, nothing is left.
 */
static void test_dial_on_demand(void **state)
{
	struct pptp_client_status st;
	char *out;

	(void)state;
	client_cfg()->dial_on_demand = true;
	client_cfg()->add_default_route = true;
	client_cfg()->default_route_distance = 0;
	client_enable("MT-User", "StrongPass", CFG_AUTH_ALL, "default-encryption");
	run_for(300);
	assert_int_equal(pac.ocrqs, 0);
	assert_true(client_armed());
	assert_int_equal(pptp_client_status("pptp-out1", &st), 0);
	assert_false(st.running);
	assert_int_equal(st.placeholder, A(10, 112, 112, 1));
	assert_int_equal(log_count("pptp-client=pptp-out1 connect-to=127.0.0.1 dial-on-demand: "
				   "waiting for traffic gateway=10.112.112.1", NULL), 1);
	assert_placeholder_routes();
	/* Not the R flag; the seed's layout. */
	out = cli("/interface/pptp-client/print");
	assert_non_null(strstr(out, "0 name=\"pptp-out1\""));
	assert_non_null(strstr(out, " dial-on-demand=yes "));
	free(out);

	/* Another placeholder's traffic is not ours. */
	pptp_client_dod_traffic(A(10, 112, 112, 9));
	run_for(200);
	assert_int_equal(pac.ocrqs, 0);
	assert_int_equal(fr.holds, 0);

	/* Ours: held, dialled, up; the link's routes replace the placeholder's, the queue goes. */
	pptp_client_dod_traffic(A(10, 112, 112, 1));
	assert_int_equal(fr.holds, 1);
	assert_int_equal(fr.neigh_last, A(10, 112, 112, 1));
	assert_int_equal(log_count("dial-on-demand: traffic for 10.112.112.1, dialling", NULL), 1);
	/* The kernel asking again while the dial runs changes nothing. */
	pptp_client_dod_traffic(A(10, 112, 112, 1));
	assert_true(run_until(client_running, WAIT_MS));
	assert_int_equal(pac.ocrqs, 1);
	assert_int_equal(fr.holds, 1);
	/* Released: permanent (the queue is sent), then deleted; the peer's neighbour added. */
	assert_true(fr.neigh_adds >= 2);
	assert_true(fr.neigh_dels >= 1);
	assert_int_equal(fr.n_kernel, 1);
	assert_true(kernel_has(0, 0, A(10, 0, 0, 1), 0));
	assert_int_equal(pptp_client_status("pptp-out1", &st), 0);
	assert_int_equal(st.placeholder, 0);
	out = cli("/ip/route/print");
	assert_true(line_has(out, "DAv 0.0.0.0/0", "pptp-out1"));
	assert_false(line_has(out, "0.0.0.0/0", "10.112.112.1"));
	free(out);
	out = cli("/interface/pptp-client/print");
	assert_non_null(strstr(out, "0 R name=\"pptp-out1\""));
	free(out);

	/* The server goes: armed again, no redial without traffic. */
	pac_stop();
	assert_true(run_until(client_armed, WAIT_MS));
	assert_placeholder_routes();
	assert_int_equal(log_count("; dial-on-demand: no redial until traffic comes", NULL), 1);
	run_for(1000);
	assert_int_equal(pac.ocrqs, 1);
	assert_true(client_armed());

	/* Traffic again: a new dial, at once (the link had run: no back-off). */
	pptp_client_dod_traffic(A(10, 112, 112, 1));
	assert_true(run_until(client_running, WAIT_MS));
	assert_int_equal(pac.ocrqs, 2);

	/* A dial that fails (wrong password): armed, the held queue dropped, back-off. */
	snprintf(client_cfg()->password, sizeof(client_cfg()->password), "%s", "wrong");
	pptp_client_sync();
	assert_true(run_until(client_armed, WAIT_MS));
	fr.neigh_dels = 0;
	pptp_client_dod_traffic(A(10, 112, 112, 1));
	assert_int_equal(fr.holds, 3);
	assert_true(run_until(client_armed, WAIT_MS));
	assert_true(fr.neigh_dels >= 1);     /* what waited is dropped */
	assert_int_equal(pac.ocrqs, 3);
	assert_placeholder_routes();
	/* Traffic within the back-off: waits for its end, then dials. */
	pptp_client_dod_traffic(A(10, 112, 112, 1));
	assert_true(client_waiting());
	assert_int_equal(log_count("dial-on-demand: traffic for 10.112.112.1, dialling in ", NULL), 1);
	assert_true(run_until(client_armed, WAIT_MS));
	assert_int_equal(pac.ocrqs, 4);

	/* Disabled: no routes, no placeholder. */
	free(cli("/interface/pptp-client/disable pptp-out1"));
	assert_true(run_until(client_disabled, WAIT_MS));
	assert_int_equal(fr.n_kernel, 0);
	assert_int_equal(fr.n_dp, 0);
	assert_int_equal(tunnel_route_count(), 0);
	assert_int_equal(pptp_client_status("pptp-out1", &st), 0);
	assert_int_equal(st.placeholder, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_disabled_by_default, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mschapv2_mppe128, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pap_unencrypted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_methods_and_modes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_allow_refuses_method, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_password, setup, teardown),
		cmocka_unit_test_setup_teardown(test_server_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default_route_distance, setup, teardown),
		cmocka_unit_test_setup_teardown(test_route_via_interface, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cli_add_remove, setup, teardown),
		cmocka_unit_test(test_dod_pick),
		cmocka_unit_test_setup_teardown(test_dial_on_demand, setup, teardown),
	};

	log_init(CFG_LOG_INFO, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
