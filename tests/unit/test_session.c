/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The PPTP server's sessions end to end, without DPDK: the real control
 * connection code (pptp_ctrl) on 127.0.0.1 with an ephemeral port, the real
 * session layer, PPP, authentication and address pools, and a fake dataplane
 * (struct session_dp_ops) that records what the workers would be told and
 * carries PPP control frames to a scripted peer. The peer speaks PPTP over
 * its TCP socket and PPP through the client role of ppp.c + auth.c.
 *
 * The loop is driven by hand (EVLOOP_NONBLOCK) until a condition or a
 * deadline; everything asserted is what an operator or a peer would see:
 * dataplane calls, addresses in use, log lines, print rows, PPTP messages.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/event.h>
#include <jansson.h>

#include "auth.h"
#include "cli_parse.h"
#include "config.h"
#include "cp.h"
#include "ip_pool.h"
#include "log.h"
#include "ppp.h"
#include "pptp_ctrl.h"
#include "pptp_msg.h"
#include "pptp_server.h"
#include "session.h"
#include "session_limits.h"

#define A(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (d))
#define WAIT_MS 5000     /* generous: sanitizers and a shared 2-core machine */
#define FRAME_MAX 1600
#define QMAX 128
#define FDP_MAX 16
#define PEERS_MAX 4

/* ---- CLI fakes (the config commands link without cp.c) ---- */

int cp_config_commit(struct cp_context *c, struct cfg_errors *err)
{
	return cfg_validate(c->cfg, err);
}

/* ---- loop ---- */

static struct event_base *base;
static struct pg_config cfg;
static struct cp_context cp;

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- fake dataplane ---- */

struct frame {
	uint8_t b[FRAME_MAX];
	size_t len;
};

struct fq {
	struct frame f[QMAX];
	unsigned int head, tail;
};

static bool fq_push(struct fq *q, const uint8_t *p, size_t len)
{
	if (q->tail - q->head >= QMAX || len > FRAME_MAX)
		return false;
	memcpy(q->f[q->tail % QMAX].b, p, len);
	q->f[q->tail % QMAX].len = len;
	q->tail++;
	return true;
}

static bool fq_pop(struct fq *q, struct frame *out)
{
	if (q->head == q->tail)
		return false;
	*out = q->f[q->head++ % QMAX];
	return true;
}

struct fdp_session {
	bool installed;
	struct dp_session_params p;
	bool net;
	struct dp_session_keys k;
	unsigned int installs, net_ups, removes;
	unsigned int order;           /* 1 install, 2 then network_up */
	int64_t data_ms;              /* last IPv4 data (idle-timeout), from network up */
	struct dp_session_rate rate;  /* the last set_rate */
	unsigned int rate_sets;
	struct fq to_peer;            /* PPP frames the "worker" would send */
};

static struct fdp_session fdp[FDP_MAX];
static unsigned int fdp_removes_total;

static uint32_t fdp_max(void)
{
	return FDP_MAX;
}

static int fdp_install(uint32_t id, const struct dp_session_params *p)
{
	assert_true(id < FDP_MAX);
	if (fdp[id].installed)
		return -EBUSY;
	memset(&fdp[id], 0, offsetof(struct fdp_session, to_peer));
	fdp[id].to_peer.head = fdp[id].to_peer.tail = 0;
	fdp[id].installed = true;
	fdp[id].p = *p;
	fdp[id].installs = 1;
	fdp[id].order = 1;
	return 0;
}

static int fdp_network_up(uint32_t id, const struct dp_session_keys *k)
{
	assert_true(id < FDP_MAX);
	assert_true(fdp[id].installed);
	fdp[id].net = true;
	fdp[id].k = *k;
	fdp[id].net_ups++;
	if (fdp[id].order == 1)
		fdp[id].order = 2;
	fdp[id].data_ms = now_ms();
	return 0;
}

static int fdp_remove(uint32_t id)
{
	assert_true(id < FDP_MAX);
	if (!fdp[id].installed)
		return -ENOENT;
	fdp[id].installed = false;
	fdp[id].removes++;
	fdp_removes_total++;
	return 0;
}

static int fdp_send_ctrl(uint32_t id, const uint8_t *frame, size_t len)
{
	assert_true(id < FDP_MAX);
	assert_true(fdp[id].installed);
	return fq_push(&fdp[id].to_peer, frame, len) ? 0 : -EAGAIN;
}

static int fdp_stats(uint32_t id, struct session_dp_stats *out)
{
	(void)id;
	out->rx_packets = 10;
	out->tx_packets = 20;
	out->rx_bytes = 1000;
	out->tx_bytes = 2000;
	return 0;
}

static uint32_t fdp_data_age(uint32_t id)
{
	assert_true(id < FDP_MAX);
	return fdp[id].net ? (uint32_t)(now_ms() - fdp[id].data_ms) : SESSION_DP_AGE_UNKNOWN;
}

static int fdp_set_rate(uint32_t id, const struct dp_session_rate *r)
{
	assert_true(id < FDP_MAX);
	assert_true(fdp[id].net);
	fdp[id].rate = *r;
	fdp[id].rate_sets++;
	return 0;
}

static uint32_t fdp_age(uint32_t id)
{
	(void)id;
	return SESSION_DP_AGE_UNKNOWN;
}

/* The kernel side: one route per running session, our address with it. */
static struct {
	unsigned int ups, downs;
	char ifname[CFG_NAME_MAX], down_ifname[CFG_NAME_MAX];
	uint32_t local, client, down_local, down_client;
	uint16_t mtu;                  /* kernel_up: the tunnel's IPv4 MTU */
} fk;

static int fk_up(const char *ifname, uint32_t local_ip, uint32_t client_ip, uint16_t mtu)
{
	fk.ups++;
	fk.mtu = mtu;
	snprintf(fk.ifname, sizeof(fk.ifname), "%s", ifname);
	fk.local = local_ip;
	fk.client = client_ip;
	return 0;
}

static void fk_down(const char *ifname, uint32_t local_ip, uint32_t client_ip)
{
	fk.downs++;
	snprintf(fk.down_ifname, sizeof(fk.down_ifname), "%s", ifname);
	fk.down_local = local_ip;
	fk.down_client = client_ip;
}

static const struct session_dp_ops fake_dp = {
	.max_sessions = fdp_max,
	.install = fdp_install,
	.network_up = fdp_network_up,
	.remove = fdp_remove,
	.send_ctrl = fdp_send_ctrl,
	.stats = fdp_stats,
	.last_rx_age_ms = fdp_age,
	.last_data_age_ms = fdp_data_age,
	.set_rate = fdp_set_rate,
	.kernel_up = fk_up,
	.kernel_down = fk_down,
};

/* ---- the scripted peer: PPTP over TCP, PPP through the fake dataplane ---- */

struct peer {
	bool used;
	int fd;
	uint8_t rx[8192];
	size_t rx_len;
	uint16_t call_id;             /* ours, as the PNS */
	uint16_t srv_call_id;         /* the server's, from the OCRP */
	uint32_t sid;                 /* the server's session id (fake dataplane slot) */
	bool has_sid;
	struct ppp_link *l;
	struct auth *a;
	struct fq out;                /* PPP frames towards the server */
	bool mute;                    /* frames from the server are lost */
	unsigned int closes;
	char close_reason[128];
	bool net_up;
	struct ppp_net_result net;
};

static struct peer peers[PEERS_MAX];

static int pop_send(void *ctx, uint16_t proto, const uint8_t *pkt, size_t len)
{
	struct peer *p = ctx;
	uint8_t b[FRAME_MAX];
	size_t h = ppp_frame_header(p->l, proto, b);

	assert_true(h + len <= sizeof(b));
	memcpy(b + h, pkt, len);
	return fq_push(&p->out, b, h + len) ? 0 : -1;
}

static void pop_close(void *ctx, const char *reason)
{
	struct peer *p = ctx;

	p->closes++;
	snprintf(p->close_reason, sizeof(p->close_reason), "%s", reason);
}

/* The peer never loses a frame in these tests: its restart timers are not needed. */
static void pop_timer_start(void *ctx, enum ppp_timer t, uint32_t ms)
{
	(void)ctx;
	(void)t;
	(void)ms;
}

static void pop_timer_stop(void *ctx, enum ppp_timer t)
{
	(void)ctx;
	(void)t;
}

static void pop_auth_start(void *ctx, enum ppp_role role, uint16_t proto, uint8_t algo)
{
	struct peer *p = ctx;

	auth_start(p->a, role, proto, algo);
}

static void pop_auth_input(void *ctx, uint16_t proto, const uint8_t *pkt, size_t len)
{
	struct peer *p = ctx;

	auth_input(p->a, proto, pkt, len);
}

static void pop_auth_stop(void *ctx)
{
	struct peer *p = ctx;

	auth_stop(p->a);
}

static void pop_network_up(void *ctx, const struct ppp_net_result *r)
{
	struct peer *p = ctx;

	p->net_up = true;
	p->net = *r;
}

static void pop_network_down(void *ctx)
{
	struct peer *p = ctx;

	p->net_up = false;
}

static const struct ppp_ops peer_ppp_ops = {
	.send = pop_send,
	.close = pop_close,
	.timer_start = pop_timer_start,
	.timer_stop = pop_timer_stop,
	.auth_start = pop_auth_start,
	.auth_input = pop_auth_input,
	.auth_stop = pop_auth_stop,
	.network_up = pop_network_up,
	.network_down = pop_network_down,
};

static void paop_timer_start(void *ctx, uint32_t ms)
{
	(void)ctx;
	(void)ms;
}

static void paop_timer_stop(void *ctx)
{
	(void)ctx;
}

static const struct auth_ops peer_auth_ops = {
	.timer_start = paop_timer_start,
	.timer_stop = paop_timer_stop,
};

/* Move frames both ways once; true if any moved. */
static bool shuttle(void)
{
	bool moved = false;
	struct frame f;

	for (unsigned int i = 0; i < PEERS_MAX; i++) {
		struct peer *p = &peers[i];

		if (!p->used || !p->has_sid)
			continue;
		while (fq_pop(&fdp[p->sid].to_peer, &f)) {
			moved = true;
			if (!p->mute && p->l)
				ppp_input(p->l, f.b, f.len);
		}
		while (fq_pop(&p->out, &f)) {
			moved = true;
			if (!p->mute)
				pptp_server_ppp_input(p->sid, f.b, f.len);
		}
	}
	return moved;
}

static void spin(void)
{
	event_base_loop(base, EVLOOP_NONBLOCK);
	while (shuttle())
		event_base_loop(base, EVLOOP_NONBLOCK);
}

/* Run the loop and the frame shuttle until cond() holds; false at the deadline. */
static bool run_until(bool (*cond)(void *), void *arg, int ms)
{
	int64_t end = now_ms() + ms;

	for (;;) {
		spin();
		if (cond(arg))
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
		spin();
		usleep(500);
	}
}

/* ---- PPTP on the peer's socket ---- */

static void peer_send(struct peer *p, const struct pptp_msg *m)
{
	uint8_t buf[PPTP_MSG_MAX_LEN];
	size_t n = pptp_msg_build(m, buf, sizeof(buf));

	assert_true(n > 0);
	assert_int_equal(send(p->fd, buf, n, MSG_NOSIGNAL), (ssize_t)n);
}

/* 0: *m received; 1: connection closed; -1: nothing in time. */
static int peer_recv(struct peer *p, struct pptp_msg *m, int ms)
{
	int64_t end = now_ms() + ms;

	for (;;) {
		ssize_t n;

		if (p->rx_len >= 2) {
			size_t flen = (size_t)p->rx[0] << 8 | p->rx[1];
			const char *why = NULL;

			assert_true(flen >= PPTP_MSG_HDR_LEN && flen <= PPTP_MSG_MAX_LEN);
			if (p->rx_len >= flen) {
				if (pptp_msg_parse(p->rx, flen, m, &why) != PPTP_MSG_OK)
					fail_msg("server sent a bad message: %s", why);
				memmove(p->rx, p->rx + flen, p->rx_len - flen);
				p->rx_len -= flen;
				return 0;
			}
		}
		if (now_ms() > end)
			return -1;
		spin();
		n = recv(p->fd, p->rx + p->rx_len, sizeof(p->rx) - p->rx_len, MSG_DONTWAIT);
		if (n > 0)
			p->rx_len += (size_t)n;
		else if (n == 0 || (n < 0 && errno == ECONNRESET))
			return 1;
		else
			usleep(500);
	}
}

static void peer_expect(struct peer *p, struct pptp_msg *m, uint16_t type)
{
	int rc = peer_recv(p, m, WAIT_MS);

	if (rc != 0)
		fail_msg("expected %s, got %s", pptp_msg_name(type),
			 rc > 0 ? "connection closed" : "nothing");
	if (m->type != type)
		fail_msg("expected %s, got %s", pptp_msg_name(type), pptp_msg_name(m->type));
}

static struct peer *peer_new(void)
{
	for (unsigned int i = 0; i < PEERS_MAX; i++) {
		if (!peers[i].used) {
			memset(&peers[i], 0, sizeof(peers[i]));
			peers[i].used = true;
			peers[i].fd = -1;
			return &peers[i];
		}
	}
	fail_msg("too many peers");
	return NULL;
}

/* TCP, SCCRQ/SCCRP as pptp-linux sends it. */
static struct peer *peer_open(void)
{
	struct peer *p = peer_new();
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct pptp_msg m = { .type = PPTP_SCCRQ, .u.sccrq = {
		.protocol_version = PPTP_PROTOCOL_VERSION, .framing_caps = 3, .bearer_caps = 3,
		.max_channels = 65535, .host_name = "local", .vendor = "cananian" } };

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(pptp_ctrl_listen_port());
	p->fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(p->fd >= 0);
	assert_int_equal(connect(p->fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	peer_send(p, &m);
	peer_expect(p, &m, PPTP_SCCRP);
	assert_int_equal(m.u.sccrp.result, PPTP_SCCRP_OK);
	return p;
}

/* OCRQ; returns the OCRP (whatever its result). */
static void peer_call(struct peer *p, uint16_t call_id, struct pptp_ocrp *rp)
{
	struct pptp_msg m = { .type = PPTP_OCRQ, .u.ocrq = {
		.call_id = call_id, .call_serial = 1, .min_bps = 2400, .max_bps = 10000000,
		.bearer_type = PPTP_BEARER_TYPE_ANY, .framing_type = PPTP_FRAMING_TYPE_ANY,
		.recv_window = 3 } };

	p->call_id = call_id;
	peer_send(p, &m);
	peer_expect(p, &m, PPTP_OCRP);
	*rp = m.u.ocrp;
	if (rp->result != PPTP_OCRP_CONNECTED)
		return;
	p->srv_call_id = rp->call_id;
	for (uint32_t i = 0; i < FDP_MAX; i++) {
		if (fdp[i].installed && fdp[i].p.our_call_id == rp->call_id &&
		    fdp[i].p.peer_call_id == call_id) {
			p->sid = i;
			p->has_sid = true;
		}
	}
	assert_true(p->has_sid);
}

/* PPP client role with its credentials; LCP starts at once. */
static void peer_ppp(struct peer *p, const char *user, const char *password)
{
	struct ppp_params pp;
	struct auth_params ap = { .user = user, .password = password };

	ppp_params_default(&pp, PPP_ROLE_CLIENT);
	p->l = ppp_create(&pp, &peer_ppp_ops, p);
	assert_non_null(p->l);
	p->a = auth_create(&ap, &peer_auth_ops, p, p->l);
	assert_non_null(p->a);
	ppp_start(p->l);
}

static bool cond_up(void *arg)
{
	struct peer *p = arg;
	struct session *s = pptp_server_find(p->sid);
	struct session_info si;

	if (!p->net_up || !s)
		return false;
	session_get_info(s, &si);
	return si.running;
}

static bool cond_peer_closed(void *arg)
{
	struct peer *p = arg;

	return p->closes > 0;
}

static bool cond_sessions(void *arg)
{
	return pptp_server_session_count() == *(unsigned int *)arg;
}

static void wait_sessions(unsigned int n)
{
	if (!run_until(cond_sessions, &n, WAIT_MS))
		fail_msg("expected %u sessions, have %u", n, pptp_server_session_count());
}

/* A whole session: TCP, call, PPP, authentication, IPCP, CCP. */
static struct peer *peer_up(const char *user, const char *password, uint16_t call_id)
{
	struct peer *p = peer_open();
	struct pptp_ocrp rp;

	peer_call(p, call_id, &rp);
	assert_int_equal(rp.result, PPTP_OCRP_CONNECTED);
	peer_ppp(p, user, password);
	if (!run_until(cond_up, p, WAIT_MS))
		fail_msg("session for %s did not come up (peer closes=%u reason=%s)", user,
			 p->closes, p->close_reason);
	return p;
}

static void peer_free(struct peer *p)
{
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	if (p->a)
		auth_destroy(p->a);
	if (p->l)
		ppp_destroy(p->l);
	p->a = NULL;
	p->l = NULL;
	p->used = false;
}

/* ---- log lines ---- */

struct log_count {
	const char *needle;
	const char *needle2;
	unsigned int n;
};

static void count_entry(const struct log_entry *e, void *arg)
{
	struct log_count *c = arg;

	if (strstr(e->msg, c->needle) && (!c->needle2 || strstr(e->msg, c->needle2)))
		c->n++;
}

/* Lines in the history holding needle (and needle2 when given). */
static unsigned int log_count(const char *needle, const char *needle2)
{
	struct log_count c = { .needle = needle, .needle2 = needle2 };

	log_for_each(count_entry, &c);
	return c.n;
}

/* ---- CLI ---- */

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

/* A line of text starting with prefix and ending with suffix (the uptime between varies). */
static bool has_line(const char *text, const char *prefix, const char *suffix)
{
	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		const char *end = strchr(l, '\n');
		size_t len = end ? (size_t)(end - l) : strlen(l);

		if (len >= strlen(prefix) + strlen(suffix) && strncmp(l, prefix, strlen(prefix)) == 0 &&
		    strncmp(l + len - strlen(suffix), suffix, strlen(suffix)) == 0)
			return true;
	}
	return false;
}

/* ---- fixture ---- */

static const char config_json[] =
	"{ \"system\": { \"identity\": \"pptpgw-test\" },"
	"  \"interface\": {"
	"    \"ethernet\": [ { \"name\": \"ether1\", \"device\": \"net_null0\" } ],"
	"    \"pptp-server\": {"
	"      \"server\": { \"enabled\": true, \"authentication\": [\"mschap2\", \"pap\"],"
	"                  \"default-profile\": \"default-encryption\" },"
	"      \"static\": [ { \"name\": \"pptp-office\", \"user\": \"office\" } ] } },"
	"  \"ip\": {"
	"    \"address\": [ { \"address\": \"127.0.0.1/8\", \"interface\": \"ether1\" } ],"
	"    \"pool\": [ { \"name\": \"pptp-pool\", \"ranges\": [\"10.0.0.10-10.0.0.12\"] } ] },"
	"  \"ppp\": {"
	"    \"profile\": ["
	"      { \"name\": \"default-encryption\", \"use-encryption\": \"yes\","
	"        \"local-address\": \"10.0.0.1\", \"remote-address\": \"pptp-pool\","
	"        \"dns-server\": [\"10.0.0.1\"] },"
	"      { \"name\": \"plain\", \"use-encryption\": \"no\","
	"        \"local-address\": \"10.0.0.1\", \"remote-address\": \"pptp-pool\" },"
	"      { \"name\": \"single\", \"use-encryption\": \"yes\", \"only-one\": \"yes\","
	"        \"local-address\": \"10.0.0.1\", \"remote-address\": \"pptp-pool\" },"
	"      { \"name\": \"noaddr\", \"use-encryption\": \"yes\", \"local-address\": \"10.0.0.1\" } ],"
	"    \"secret\": ["
	"      { \"name\": \"MT-User\", \"password\": \"StrongPass\", \"service\": \"pptp\","
	"        \"profile\": \"default-encryption\" },"
	"      { \"name\": \"fixed\", \"password\": \"pw\", \"profile\": \"default-encryption\","
	"        \"remote-address\": \"10.0.0.5\" },"
	"      { \"name\": \"office\", \"password\": \"pw\", \"profile\": \"default-encryption\" },"
	"      { \"name\": \"papuser\", \"password\": \"pw\", \"profile\": \"plain\" },"
	"      { \"name\": \"solo\", \"password\": \"pw\", \"profile\": \"single\" },"
	"      { \"name\": \"lost\", \"password\": \"pw\", \"profile\": \"noaddr\" } ] } }";

static int setup(void **state)
{
	struct cfg_errors err;

	(void)state;
	memset(fdp, 0, sizeof(fdp));
	memset(peers, 0, sizeof(peers));
	memset(&fk, 0, sizeof(fk));
	fdp_removes_total = 0;
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
	cli_registry_reset();
	assert_int_equal(cli_cmds_pptp_register(), 0);
	assert_int_equal(cli_cmds_session_register(), 0);
	pptp_server_set_dp_ops(&fake_dp);
	pptp_server_set_timing(NULL);
	assert_int_equal(pptp_server_init(&cp), 0);
	assert_int_equal(pptp_ctrl_listen(&cp, A(127, 0, 0, 1), 0), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < PEERS_MAX; i++)
		if (peers[i].used)
			peer_free(&peers[i]);
	pptp_server_fini();
	pptp_ctrl_fini();
	cli_registry_reset();
	ip_pool_reset();
	event_base_free(base);
	base = NULL;
	cfg_free(&cfg);
	return 0;
}

/* ---- tests ---- */

/* MS-CHAPv2 + MPPE-128 stateless: what the dataplane is told, in order. */
static void test_mschapv2_mppe_up(void **state)
{
	unsigned int before = log_count("user=MT-User address=10.0.0.12 "
					"encoding=\"MPPE128 stateless\" connected", NULL);
	struct peer *p;
	const struct auth_info *ci;
	struct fdp_session *d;

	(void)state;
	p = peer_up("MT-User", "StrongPass", 0);   /* Call-ID 0 is valid (poptop) */
	d = &fdp[p->sid];
	assert_int_equal(d->installs, 1);
	assert_int_equal(d->net_ups, 1);
	assert_int_equal(d->order, 2);             /* install, then network_up */
	assert_int_equal(d->p.peer_ip, A(127, 0, 0, 1));
	assert_int_equal(d->p.local_ip, A(127, 0, 0, 1));
	assert_int_equal(d->p.peer_call_id, 0);
	assert_int_equal(d->p.our_call_id, p->srv_call_id);
	assert_int_equal(d->p.peer_window, 3);
	assert_int_equal(d->p.port, 0);
	/* Highest free pool address first, as RouterOS. */
	assert_int_equal(d->k.client_ip, A(10, 0, 0, 12));
	assert_int_equal(p->net.local_addr, A(10, 0, 0, 12));
	assert_int_equal(p->net.peer_addr, A(10, 0, 0, 1));
	assert_int_equal(p->net.dns[0], A(10, 0, 0, 1));
	assert_int_equal(d->k.mppe_bits, 128);
	assert_true(d->k.flags & DP_SESSION_F_MPPE_STATELESS);
	assert_int_equal(d->k.mtu, 1450 - 4);
	/* Keys crossed: what we send with is what the client receives with. */
	ci = auth_get_info(p->a);
	assert_true(ci->has_mppe_keys);
	assert_memory_equal(d->k.send_key, ci->mppe_recv_key, 16);
	assert_memory_equal(d->k.recv_key, ci->mppe_send_key, 16);
	assert_memory_not_equal(d->k.send_key, d->k.recv_key, 16);
	assert_true(ip_pool_in_use(A(10, 0, 0, 12)));
	assert_int_equal(log_count("user=MT-User address=10.0.0.12 "
				   "encoding=\"MPPE128 stateless\" connected", NULL), before + 1);
	assert_int_equal(pptp_server_session_count(), 1);
	/* The kernel routes to the client through ether1's TAP and owns 10.0.0.1. */
	assert_int_equal(fk.ups, 1);
	assert_string_equal(fk.ifname, "ether1");
	assert_int_equal(fk.local, A(10, 0, 0, 1));
	assert_int_equal(fk.client, A(10, 0, 0, 12));
	/* Its MTU is the dataplane's: anything larger goes to the kernel to fragment. */
	assert_int_equal(fk.mtu, 1450 - 4);
	assert_int_equal(fk.downs, 0);
}

/* PAP with a use-encryption=no profile: no CCP, no keys, full MTU. */
static void test_pap_unencrypted(void **state)
{
	struct peer *p;
	struct fdp_session *d;
	struct session_info si;

	(void)state;
	cfg.pptp_server.authentication = CFG_AUTH_PAP;
	p = peer_up("papuser", "pw", 1);
	d = &fdp[p->sid];
	assert_int_equal(d->k.mppe_bits, 0);
	assert_false(d->k.flags & DP_SESSION_F_MPPE_STATELESS);
	assert_int_equal(d->k.mtu, 1450);
	assert_int_equal(p->net.mppe_key, 0);
	session_get_info(pptp_server_find(p->sid), &si);
	assert_string_equal(si.encoding, "");
	assert_string_equal(si.iface, "<pptp-papuser>");
	assert_true(log_count("user=papuser address=10.0.0.12 encoding=\"\" connected", NULL) >= 1);
}

static bool cond_no_sessions(void *arg)
{
	(void)arg;
	return pptp_server_session_count() == 0;
}

/* Wrong password: refused, logged, CDN, and nothing left behind. */
static void test_wrong_password(void **state)
{
	unsigned int failed = log_count("user=MT-User auth=mschap2 result=failed", "session=");
	unsigned int acct = log_count("user=MT-User cause=\"authentication failed", NULL);
	struct peer *p = peer_open();
	struct pptp_ocrp rp;
	struct pptp_msg m;
	char *out;

	(void)state;
	peer_call(p, 5, &rp);
	assert_int_equal(rp.result, PPTP_OCRP_CONNECTED);
	peer_ppp(p, "MT-User", "wrong");
	assert_true(run_until(cond_peer_closed, p, WAIT_MS));
	assert_true(run_until(cond_no_sessions, NULL, WAIT_MS));
	assert_int_equal(log_count("user=MT-User auth=mschap2 result=failed", "session="), failed + 1);
	assert_int_equal(log_count("user=MT-User cause=\"authentication failed", NULL), acct + 1);
	peer_expect(p, &m, PPTP_CDN);
	assert_int_equal(m.u.cdn.call_id, p->srv_call_id);
	assert_false(fdp[p->sid].installed);
	assert_int_equal(fdp[p->sid].removes, 1);
	assert_int_equal(fdp[p->sid].net_ups, 0);
	assert_int_equal(ip_pool_used_count(), 0);
	out = cli("/ppp/active/print");
	assert_null(strstr(out, "MT-User"));
	free(out);
	out = cli("/interface/pptp-server/print");
	assert_null(strstr(out, "MT-User"));
	free(out);
}

/* Pool addresses: allocated highest first, released at teardown, reused. */
static void test_pool_alloc_release(void **state)
{
	struct peer *a, *b, *c;
	struct pptp_msg m = { .type = PPTP_CCRQ };

	(void)state;
	a = peer_up("MT-User", "StrongPass", 10);
	b = peer_up("office", "pw", 11);
	assert_int_equal(fdp[a->sid].k.client_ip, A(10, 0, 0, 12));
	assert_int_equal(fdp[b->sid].k.client_ip, A(10, 0, 0, 11));
	assert_int_equal(ip_pool_used_count(), 2);
	m.u.ccrq.call_id = a->call_id;
	peer_send(a, &m);
	wait_sessions(1);
	assert_false(ip_pool_in_use(A(10, 0, 0, 12)));
	assert_true(ip_pool_in_use(A(10, 0, 0, 11)));
	c = peer_up("papuser", "pw", 12);
	(void)c;
	assert_int_equal(fdp[c->sid].k.client_ip, A(10, 0, 0, 12));
}

/* The pool has three addresses: the fourth login is refused with the reason logged. */
static void test_pool_exhausted(void **state)
{
	struct peer *p;
	struct pptp_ocrp rp;

	(void)state;
	peer_up("MT-User", "StrongPass", 1);
	peer_up("office", "pw", 2);
	peer_up("papuser", "pw", 3);
	p = peer_open();
	peer_call(p, 4, &rp);
	peer_ppp(p, "MT-User", "StrongPass");
	assert_true(run_until(cond_peer_closed, p, WAIT_MS));
	wait_sessions(3);
	assert_true(log_count("address pool pptp-pool exhausted", NULL) >= 1);
	assert_int_equal(ip_pool_used_count(), 3);
}

/* A profile without remote-address: "no remote address". */
static void test_no_remote_address(void **state)
{
	struct peer *p = peer_open();
	struct pptp_ocrp rp;

	(void)state;
	peer_call(p, 4, &rp);
	peer_ppp(p, "lost", "pw");
	assert_true(run_until(cond_peer_closed, p, WAIT_MS));
	wait_sessions(0);
	assert_true(log_count("no remote address", NULL) >= 1);
	assert_int_equal(fdp[p->sid].net_ups, 0);
}

/* A secret's fixed remote-address is reserved while the session runs. */
static void test_secret_fixed_address(void **state)
{
	struct peer *p;

	(void)state;
	p = peer_up("fixed", "pw", 3);
	assert_int_equal(fdp[p->sid].k.client_ip, A(10, 0, 0, 5));
	assert_int_equal(p->net.local_addr, A(10, 0, 0, 5));
	assert_true(ip_pool_in_use(A(10, 0, 0, 5)));
	close(p->fd);
	p->fd = -1;
	wait_sessions(0);
	assert_false(ip_pool_in_use(A(10, 0, 0, 5)));
	assert_int_equal(ip_pool_used_count(), 0);
}

/* Two clients behind one NAT with the same Call-ID: own Call-IDs, both up. */
static void test_same_peer_call_id(void **state)
{
	struct peer *a, *b;
	struct session_info sa, sb;

	(void)state;
	a = peer_up("MT-User", "StrongPass", 7);
	b = peer_up("MT-User", "StrongPass", 7);
	assert_int_not_equal(a->srv_call_id, b->srv_call_id);
	assert_int_not_equal(a->sid, b->sid);
	assert_int_equal(fdp[a->sid].p.peer_call_id, 7);
	assert_int_equal(fdp[b->sid].p.peer_call_id, 7);
	assert_int_not_equal(fdp[a->sid].k.client_ip, fdp[b->sid].k.client_ip);
	session_get_info(pptp_server_find(a->sid), &sa);
	session_get_info(pptp_server_find(b->sid), &sb);
	assert_true(sa.running && sb.running);
	assert_string_equal(sa.iface, "<pptp-MT-User>");
	assert_string_equal(sb.iface, "<pptp-MT-User-1>");
}

/* Static entry binds the name; a second login of that user gets a dynamic one. */
static void test_static_dynamic_names(void **state)
{
	struct peer *a, *b;
	struct session_info si;
	char *out;

	(void)state;
	a = peer_up("office", "pw", 1);
	session_get_info(pptp_server_find(a->sid), &si);
	assert_string_equal(si.iface, "pptp-office");
	assert_false(si.dynamic);
	b = peer_up("office", "pw", 2);
	session_get_info(pptp_server_find(b->sid), &si);
	assert_string_equal(si.iface, "<pptp-office>");
	assert_true(si.dynamic);
	out = cli("/interface/pptp-server/print");
	assert_non_null(strstr(out, "Columns: NAME, USER, MTU, CLIENT-ADDRESS, UPTIME, ENCODING"));
	/* The static line carries R; the dynamic one D and R. */
	assert_true(has_line(out, "0  R pptp-office    office  1450  127.0.0.1       ",
			     "MPPE128 stateless"));
	assert_true(has_line(out, "1 DR <pptp-office>  office  1450  127.0.0.1       ",
			     "MPPE128 stateless"));
	free(out);
	/* The static name is free again once its session goes; the next login takes it. */
	close(a->fd);
	a->fd = -1;
	wait_sessions(1);
	a = peer_up("office", "pw", 3);
	session_get_info(pptp_server_find(a->sid), &si);
	assert_string_equal(si.iface, "pptp-office");
}

/* only-one=yes: a second login of the same user is refused. */
static void test_only_one(void **state)
{
	struct peer *p;
	struct pptp_ocrp rp;

	(void)state;
	peer_up("solo", "pw", 1);
	p = peer_open();
	peer_call(p, 2, &rp);
	peer_ppp(p, "solo", "pw");
	assert_true(run_until(cond_peer_closed, p, WAIT_MS));
	wait_sessions(1);
	assert_true(log_count("user solo is already connected (only-one)", NULL) >= 1);
}

/* Keepalive: silence, five Echo-Requests a tick apart, five log lines, teardown. */
static void test_keepalive_timeout(void **state)
{
	static const struct pptp_server_timing fast = { .keepalive_ms = 200, .keepalive_tick_ms = 50 };
	unsigned int missed = log_count("LCP missed echo reply", "user=MT-User");
	unsigned int acct = log_count("user=MT-User cause=\"keepalive timeout\"", NULL);
	struct peer *p;
	struct pptp_msg m;
	struct frame f;
	unsigned int echoes = 0;

	(void)state;
	pptp_server_set_timing(&fast);
	p = peer_up("MT-User", "StrongPass", 9);
	p->mute = true;
	/* Count the Echo-Requests the server sends while the peer is silent. */
	for (int64_t end = now_ms() + WAIT_MS; now_ms() < end && pptp_server_session_count();) {
		event_base_loop(base, EVLOOP_NONBLOCK);
		while (fq_pop(&fdp[p->sid].to_peer, &f))
			if (f.len >= 5 && f.b[0] == 0xff && f.b[2] == 0xc0 && f.b[3] == 0x21 &&
			    f.b[4] == 9 /* Echo-Request */)
				echoes++;
		usleep(500);
	}
	assert_int_equal(pptp_server_session_count(), 0);
	assert_int_equal(echoes, 5);
	assert_int_equal(log_count("LCP missed echo reply", "user=MT-User"), missed + 5);
	assert_int_equal(log_count("user=MT-User cause=\"keepalive timeout\"", NULL), acct + 1);
	peer_expect(p, &m, PPTP_CDN);
	assert_int_equal(m.u.cdn.result, PPTP_CDN_LOST_CARRIER);
	assert_false(fdp[p->sid].installed);
	assert_int_equal(ip_pool_used_count(), 0);
}

/* Echo replies keep a quiet session alive. */
static void test_keepalive_answered(void **state)
{
	static const struct pptp_server_timing fast = { .keepalive_ms = 100, .keepalive_tick_ms = 30 };
	unsigned int missed = log_count("LCP missed echo reply", "user=MT-User");
	struct peer *p;
	struct ppp_info pi;

	(void)state;
	pptp_server_set_timing(&fast);
	p = peer_up("MT-User", "StrongPass", 9);
	run_for(600);
	assert_int_equal(pptp_server_session_count(), 1);
	ppp_get_info(session_link(pptp_server_find(p->sid)), &pi);
	assert_true(pi.lcp.echo_req_tx >= 2);
	assert_int_equal(log_count("LCP missed echo reply", "user=MT-User"), missed);
}

/* CCRQ from the peer: CDN "Call-Clear-Request" with our Call-ID, then teardown. */
static void test_ccrq_teardown(void **state)
{
	unsigned int acct = log_count("user=MT-User cause=\"call cleared by peer\"", "rx-bytes=1000");
	struct peer *p;
	struct pptp_msg m = { .type = PPTP_CCRQ };

	(void)state;
	p = peer_up("MT-User", "StrongPass", 21);
	m.u.ccrq.call_id = 21;
	peer_send(p, &m);
	peer_expect(p, &m, PPTP_CDN);
	assert_int_equal(m.u.cdn.call_id, p->srv_call_id);
	assert_int_equal(m.u.cdn.result, PPTP_CDN_REQUEST);
	wait_sessions(0);
	assert_int_equal(fdp[p->sid].removes, 1);
	assert_int_equal(fk.ups, 1);
	assert_int_equal(fk.downs, 1);
	assert_string_equal(fk.down_ifname, "ether1");
	assert_int_equal(fk.down_local, A(10, 0, 0, 1));
	assert_int_equal(fk.down_client, A(10, 0, 0, 12));
	assert_int_equal(ip_pool_used_count(), 0);
	assert_int_equal(log_count("user=MT-User cause=\"call cleared by peer\"", "rx-bytes=1000"),
			 acct + 1);
	assert_true(log_count("tx-bytes=2000 rx-packets=10 tx-packets=20", NULL) >= 1);
}

/* The control connection drops: every call on it goes. */
static void test_ctrl_drop_teardown(void **state)
{
	unsigned int acct = log_count("cause=\"control connection lost\"", NULL);
	struct peer *a, *b;
	struct pptp_ocrp rp;

	(void)state;
	a = peer_up("MT-User", "StrongPass", 1);
	/* A second call on the same control connection. */
	peer_call(a, 2, &rp);
	assert_int_equal(rp.result, PPTP_OCRP_CONNECTED);
	b = peer_up("office", "pw", 3);
	wait_sessions(3);
	close(a->fd);
	a->fd = -1;
	wait_sessions(1);
	assert_int_equal(log_count("cause=\"control connection lost\"", NULL), acct + 2);
	assert_int_equal(fdp_removes_total, 2);
	assert_true(pptp_server_find(b->sid) != NULL);
	assert_int_equal(ip_pool_used_count(), 1);
}

/* The peer ends PPP (LCP Terminate-Request): teardown with a CDN. */
static void test_peer_lcp_terminate(void **state)
{
	struct peer *p;
	struct pptp_msg m;

	(void)state;
	p = peer_up("MT-User", "StrongPass", 4);
	ppp_stop(p->l, "user request");
	wait_sessions(0);
	peer_expect(p, &m, PPTP_CDN);
	assert_int_equal(m.u.cdn.call_id, p->srv_call_id);
	assert_int_equal(ip_pool_used_count(), 0);
}

/* enabled=no: the call is refused and the control connection stopped. */
static void test_disabled_refuses(void **state)
{
	struct peer *p;
	struct pptp_ocrp rp;
	struct pptp_msg m;

	(void)state;
	cfg.pptp_server.enabled = false;
	p = peer_open();
	peer_call(p, 1, &rp);
	assert_int_equal(rp.result, PPTP_OCRP_GENERAL_ERROR);
	peer_expect(p, &m, PPTP_StopCCRQ);
	for (unsigned int i = 0; i < FDP_MAX; i++)
		assert_int_equal(fdp[i].installs, 0);
	assert_int_equal(pptp_server_session_count(), 0);
	assert_true(log_count("call refused: pptp server disabled", NULL) >= 1);
}

/* /ppp/active/print in every form, counters in detail and JSON. */
static void test_ppp_active_print(void **state)
{
	struct cli_reply r;
	json_t *row;
	char *out;

	(void)state;
	peer_up("MT-User", "StrongPass", 1);
	out = cli("/ppp/active/print");
	assert_non_null(strstr(out, "Columns: NAME, SERVICE, CALLER-ID, ENCODING, ADDRESS, UPTIME"));
	assert_non_null(strstr(out, "MT-User"));
	assert_non_null(strstr(out, "pptp"));
	assert_non_null(strstr(out, "127.0.0.1"));
	assert_non_null(strstr(out, "MPPE128 stateless"));
	assert_non_null(strstr(out, "10.0.0.12"));
	assert_null(strstr(out, "rx-bytes"));
	free(out);
	out = cli("/ppp/active/print detail");
	assert_non_null(strstr(out, "name=\"MT-User\""));
	assert_non_null(strstr(out, "caller-id=127.0.0.1"));
	assert_non_null(strstr(out, "rx-bytes=1000"));
	assert_non_null(strstr(out, "tx-packets=20"));
	free(out);
	out = cli("/ppp/active/print terse");
	assert_non_null(strstr(out, "address=10.0.0.12"));
	free(out);
	cli_execute(&cp, "/ppp/active/print", true, &r);
	assert_true(r.ok);
	assert_true(json_is_array(r.data));
	assert_int_equal(json_array_size(r.data), 1);
	row = json_array_get(r.data, 0);
	assert_string_equal(json_string_value(json_object_get(row, "name")), "MT-User");
	assert_string_equal(json_string_value(json_object_get(row, "service")), "pptp");
	assert_string_equal(json_string_value(json_object_get(row, "address")), "10.0.0.12");
	assert_int_equal(json_integer_value(json_object_get(row, "rx-bytes")), 1000);
	assert_int_equal(json_integer_value(json_object_get(row, "tx-bytes")), 2000);
	cli_reply_clear(&r);
}

/* Protocol and code of a PPP control frame, whatever its header compression. */
static bool frame_proto_code(const struct frame *f, uint16_t *proto, uint8_t *code)
{
	size_t i = 0;

	if (f->len >= 2 && f->b[0] == 0xff && f->b[1] == 0x03)
		i = 2;
	if (i < f->len && (f->b[i] & 1)) {
		*proto = f->b[i];
		i += 1;
	} else if (i + 1 < f->len) {
		*proto = (uint16_t)(f->b[i] << 8 | f->b[i + 1]);
		i += 2;
	} else {
		return false;
	}
	if (i >= f->len)
		return false;
	*code = f->b[i];
	return true;
}

/* Worker events and frames for unknown sessions; an admin disconnect. */
static void test_dp_events_and_admin(void **state)
{
	struct peer *p;
	struct pptp_msg m;
	struct frame f;
	uint64_t unknown = pptp_server_unknown_frames();
	uint8_t junk[] = { 0xff, 0x03, 0xc0, 0x21, 0x09, 0x01, 0x00, 0x08, 0, 0, 0, 0 };
	unsigned int reset_reqs = 0;

	(void)state;
	p = peer_up("MT-User", "StrongPass", 1);
	/* Stateful MPPE lost sync in the dataplane: CCP Reset-Request to the peer. */
	pptp_server_dp_event(p->sid, DP_EVENT_MPPE_RESET_NEEDED, 0);
	while (fq_pop(&fdp[p->sid].to_peer, &f)) {
		uint16_t proto;
		uint8_t code;

		if (frame_proto_code(&f, &proto, &code) && proto == PPP_PROTO_CCP && code == 14)
			reset_reqs++;
	}
	assert_int_equal(reset_reqs, 1);
	/* A frame for a session id nobody holds is counted, not a crash. */
	pptp_server_ppp_input(FDP_MAX - 1, junk, sizeof(junk));
	assert_int_equal(pptp_server_unknown_frames(), unknown + 1);
	assert_int_equal(pptp_server_disconnect(FDP_MAX - 1, NULL), -ENOENT);
	/* Admin disconnect: CDN Admin Shutdown, everything released. */
	assert_int_equal(pptp_server_disconnect(p->sid, "admin disconnect"), 0);
	peer_expect(p, &m, PPTP_CDN);
	assert_int_equal(m.u.cdn.result, PPTP_CDN_ADMIN_SHUTDOWN);
	wait_sessions(0);
	assert_int_equal(ip_pool_used_count(), 0);
	assert_true(log_count("user=MT-User cause=\"admin disconnect\"", NULL) >= 1);
}

/* ---- limits: session-timeout, idle-timeout, rate-limit ---- */

static struct cfg_ppp_profile *profile_rw(const char *name)
{
	for (unsigned int i = 0; i < cfg.n_ppp_profile; i++)
		if (strcmp(cfg.ppp_profile[i].name, name) == 0)
			return &cfg.ppp_profile[i];
	fail_msg("no profile %s", name);
	return NULL;
}

/* Run until the session count is 0; milliseconds it took, or -1 at the deadline. */
static int64_t ms_until_gone(int ms)
{
	unsigned int zero = 0;
	int64_t t0 = now_ms();

	if (!run_until(cond_sessions, &zero, ms))
		return -1;
	return now_ms() - t0;
}

/* Profile session-timeout=1s: the session ends about 1 s after network up. */
static void test_session_timeout(void **state)
{
	unsigned int acct = log_count("user=MT-User cause=\"session timeout\"", NULL);
	unsigned int line = log_count("session-timeout 1s reached", "user=MT-User");
	struct peer *p;
	struct pptp_msg m;
	char *out;

	(void)state;
	profile_rw("default-encryption")->session_timeout = 1;
	int64_t t0 = now_ms();
	p = peer_up("MT-User", "StrongPass", 3);
	out = cli("/ppp/active/print detail");
	assert_non_null(strstr(out, "session-timeout=1s"));
	assert_null(strstr(out, "idle-timeout="));
	assert_null(strstr(out, "rate-limit="));
	free(out);
	int64_t gone = ms_until_gone(WAIT_MS);
	assert_true(gone >= 0);
	assert_true(now_ms() - t0 >= 1000 - 50);   /* not before (timer slack) */
	assert_int_equal(log_count("user=MT-User cause=\"session timeout\"", NULL), acct + 1);
	assert_int_equal(log_count("session-timeout 1s reached", "user=MT-User"), line + 1);
	peer_expect(p, &m, PPTP_CDN);
	assert_int_equal(m.u.cdn.result, PPTP_CDN_ADMIN_SHUTDOWN);
	assert_false(fdp[p->sid].installed);
	assert_int_equal(ip_pool_used_count(), 0);
}

/*
 * Profile idle-timeout=1s: data (the dataplane's last-data age) keeps the
 * session up for longer than that; once it stops, the session ends about
 * 1 s after the last packet.
 */
static void test_idle_timeout(void **state)
{
	unsigned int acct = log_count("user=MT-User cause=\"idle timeout\"", NULL);
	unsigned int line = log_count("idle-timeout 1s reached", "user=MT-User");
	struct peer *p;
	struct pptp_msg m;

	(void)state;
	profile_rw("default-encryption")->idle_timeout = 1;
	p = peer_up("MT-User", "StrongPass", 4);
	/* 2 s of traffic, a packet every 200 ms. */
	for (int64_t end = now_ms() + 2000; now_ms() < end;) {
		fdp[p->sid].data_ms = now_ms();
		run_for(200);
	}
	assert_int_equal(pptp_server_session_count(), 1);
	int64_t last = fdp[p->sid].data_ms;
	assert_true(ms_until_gone(WAIT_MS) >= 0);
	assert_true(now_ms() - last >= 1000 - 50);
	assert_int_equal(log_count("user=MT-User cause=\"idle timeout\"", NULL), acct + 1);
	assert_int_equal(log_count("idle-timeout 1s reached", "user=MT-User"), line + 1);
	peer_expect(p, &m, PPTP_CDN);
	assert_int_equal(m.u.cdn.result, PPTP_CDN_ADMIN_SHUTDOWN);
	assert_int_equal(ip_pool_used_count(), 0);
}

/*
 * rate-limit from the profile goes with network up (one message: keys and
 * rate), with a TCP-sized bucket; session_apply_limits() changes it live
 * (what RADIUS CoA calls): a new rate alone, then a session-timeout alone,
 * counted from network up, so one already overdue ends the session at once.
 */
static void test_rate_limit_and_live_change(void **state)
{
	struct auth_session_limits l = { 0 };
	struct peer *p;
	struct session *s;
	struct fdp_session *d;
	char *out;

	(void)state;
	cfg_parse_rate_limit("2M/4M", &profile_rw("default-encryption")->rate_limit);
	p = peer_up("MT-User", "StrongPass", 5);
	d = &fdp[p->sid];
	s = pptp_server_find(p->sid);
	assert_int_equal(d->k.rate.rx_bps, 2000000);
	assert_int_equal(d->k.rate.tx_bps, 4000000);
	assert_int_equal(d->k.rate.rx_burst, 25000);   /* 100 ms of 2 Mbit/s */
	assert_int_equal(d->k.rate.tx_burst, 50000);
	assert_int_equal(d->rate_sets, 0);
	out = cli("/ppp/active/print detail");
	assert_non_null(strstr(out, "rate-limit=2M/4M"));
	free(out);

	/* Nothing given: nothing changes. */
	assert_int_equal(session_apply_limits(s, &l), 0);
	assert_int_equal(d->rate_sets, 0);
	/* A new rate alone (RouterOS "512k/1M"): pushed; small rates get the floor bucket. */
	assert_int_equal(cfg_parse_rate_limit("512k/1M", &l.rate_limit), 0);
	assert_int_equal(session_apply_limits(s, &l), 0);
	assert_int_equal(d->rate_sets, 1);
	assert_int_equal(d->rate.rx_bps, 512000);
	assert_int_equal(d->rate.tx_bps, 1000000);
	assert_int_equal(d->rate.rx_burst, SESSION_RATE_BURST_MIN);
	assert_int_equal(d->rate.tx_burst, SESSION_RATE_BURST_MIN);
	out = cli("/ppp/active/print detail");
	assert_non_null(strstr(out, "rate-limit=512k/1M"));
	free(out);
	/* The same again is no change; 0/0 lifts the limit. */
	assert_int_equal(session_apply_limits(s, &l), 0);
	assert_int_equal(d->rate_sets, 1);
	assert_int_equal(cfg_parse_rate_limit("0/0", &l.rate_limit), 0);
	assert_int_equal(session_apply_limits(s, &l), 0);
	assert_int_equal(d->rate_sets, 2);
	assert_int_equal(d->rate.rx_bps + d->rate.tx_bps, 0);
	out = cli("/ppp/active/print detail");
	assert_null(strstr(out, "rate-limit="));
	free(out);

	/* A session-timeout alone, after 1.2 s up: 1 s from network up is past. */
	run_for(1200);
	memset(&l, 0, sizeof(l));
	l.has_session_timeout = true;
	l.session_timeout_s = 1;
	assert_int_equal(session_apply_limits(s, &l), 0);
	assert_int_equal(d->rate_sets, 2);
	int64_t gone = ms_until_gone(WAIT_MS);
	assert_true(gone >= 0 && gone < 800);   /* not a fresh second from now */
	assert_true(log_count("user=MT-User cause=\"session timeout\"", NULL) >= 1);
}

/* A longer session-timeout given live re-arms it; 0 cancels; a stopping session refuses. */
static void test_live_timeout_rearm_and_cancel(void **state)
{
	struct auth_session_limits l = { .has_session_timeout = true, .session_timeout_s = 1 };
	struct peer *p;
	struct session *s;

	(void)state;
	profile_rw("default-encryption")->session_timeout = 1;
	p = peer_up("MT-User", "StrongPass", 6);
	s = pptp_server_find(p->sid);
	l.session_timeout_s = 0;
	l.has_idle_timeout = true;
	l.idle_timeout_s = 0;
	assert_int_equal(session_apply_limits(s, &l), 0);
	run_for(1500);
	assert_int_equal(pptp_server_session_count(), 1);
	l.session_timeout_s = 60;
	assert_int_equal(session_apply_limits(s, &l), 0);
	assert_int_equal(pptp_server_session_count(), 1);
	assert_int_equal(pptp_server_disconnect(p->sid, "admin disconnect"), 0);
	assert_int_equal(session_apply_limits(s, &l), -ENOENT);
	wait_sessions(0);
}

/* The backend's limits over the profile's, field by field. */
static void test_limits_merge(void **state)
{
	struct cfg_ppp_profile prof = { .session_timeout = 3600, .idle_timeout = 600 };
	struct auth_session_limits b = { 0 }, out;

	(void)state;
	cfg_parse_rate_limit("10M/20M", &prof.rate_limit);
	session_limits_merge(&out, &prof, &b);
	assert_true(out.has_session_timeout && out.has_idle_timeout);
	assert_int_equal(out.session_timeout_s, 3600);
	assert_int_equal(out.idle_timeout_s, 600);
	assert_int_equal(out.rate_limit.rx_bps, 10000000);
	b.has_session_timeout = true;
	b.session_timeout_s = 0;                  /* RADIUS may say "none" */
	cfg_parse_rate_limit("1M", &b.rate_limit); /* both ways */
	session_limits_merge(&out, &prof, &b);
	assert_int_equal(out.session_timeout_s, 0);
	assert_int_equal(out.idle_timeout_s, 600);
	assert_int_equal(out.rate_limit.rx_bps, 1000000);
	assert_int_equal(out.rate_limit.tx_bps, 1000000);
}

/* Shutdown with sessions up: each torn down with a CDN, nothing left. */
static void test_fini_with_sessions(void **state)
{
	struct peer *p;
	struct pptp_msg m;

	(void)state;
	p = peer_up("MT-User", "StrongPass", 1);
	pptp_server_fini();
	assert_int_equal(pptp_server_session_count(), 0);
	assert_int_equal(fdp[p->sid].removes, 1);
	assert_int_equal(ip_pool_used_count(), 0);
	peer_expect(p, &m, PPTP_CDN);
	assert_int_equal(m.u.cdn.result, PPTP_CDN_ADMIN_SHUTDOWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mschapv2_mppe_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pap_unencrypted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_password, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pool_alloc_release, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pool_exhausted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_remote_address, setup, teardown),
		cmocka_unit_test_setup_teardown(test_secret_fixed_address, setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_peer_call_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_static_dynamic_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_only_one, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keepalive_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keepalive_answered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ccrq_teardown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctrl_drop_teardown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peer_lcp_terminate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disabled_refuses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ppp_active_print, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dp_events_and_admin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fini_with_sessions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idle_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rate_limit_and_live_change, setup, teardown),
		cmocka_unit_test_setup_teardown(test_live_timeout_rearm_and_cancel, setup, teardown),
		cmocka_unit_test(test_limits_merge),
	};

	log_init(CFG_LOG_INFO, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
