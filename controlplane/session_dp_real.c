/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The session layer's dataplane ops on the real workers (dataplane/dp_session.h),
 * and the cp.c hook that hands worker messages to the server. The only file
 * of the session layer that needs DPDK.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_mbuf.h>

#include "config.h"
#include "dp_msg.h"
#include "dp_session.h"
#include "kernel_if.h"
#include "log.h"
#include "pptp_client.h"
#include "pptp_server.h"
#include "session.h"
#include "tunnel_route.h"

/* Largest PPP control frame we take from a worker (LCP/auth/NCP; 1500 + headers). */
#define SESSION_DP_CTRL_IN_MAX 1600
/* Removals a full ring refused, retried on the next tick. */
#define SESSION_DP_RETRY_MAX   4096

static struct {
	uint32_t ids[SESSION_DP_RETRY_MAX];
	unsigned int n;
} retry_remove;

static uint32_t real_max_sessions(void)
{
	return dp_session_max();
}

static int real_install(uint32_t id, const struct dp_session_params *p)
{
	return dp_session_install(id, p);
}

static int real_network_up(uint32_t id, const struct dp_session_keys *k)
{
	return dp_session_network_up(id, k);
}

static int real_remove(uint32_t id)
{
	int rc = dp_session_remove(id);

	/* A full ring changed nothing: the session must still go, so try again. */
	if (rc == -EAGAIN && retry_remove.n < SESSION_DP_RETRY_MAX) {
		retry_remove.ids[retry_remove.n++] = id;
		return 0;
	}
	return rc;
}

static int real_send_ctrl(uint32_t id, const uint8_t *frame, size_t len)
{
	return dp_session_send_ctrl(id, frame, len);
}

static int real_stats(uint32_t id, struct session_dp_stats *out)
{
	struct dp_session_stats st;
	int rc = dp_session_stats(id, &st);

	memset(out, 0, sizeof(*out));
	if (rc)
		return rc;
	out->rx_packets = st.rx_packets;
	out->tx_packets = st.tx_packets;
	out->rx_bytes = st.rx_bytes;
	out->tx_bytes = st.tx_bytes;
	return 0;
}

static uint32_t real_last_rx_age_ms(uint32_t id)
{
	int64_t age = dp_session_last_rx_age_ms(id);

	if (age < 0)
		return SESSION_DP_AGE_UNKNOWN;
	return age >= (int64_t)SESSION_DP_AGE_UNKNOWN ? SESSION_DP_AGE_UNKNOWN - 1 : (uint32_t)age;
}

static uint32_t real_last_data_age_ms(uint32_t id)
{
	int64_t age = dp_session_last_data_age_ms(id);

	if (age < 0)
		return SESSION_DP_AGE_UNKNOWN;
	return age >= (int64_t)SESSION_DP_AGE_UNKNOWN ? SESSION_DP_AGE_UNKNOWN - 1 : (uint32_t)age;
}

static int real_set_rate(uint32_t id, const struct dp_session_rate *r)
{
	return dp_session_set_rate(id, r);
}

static void real_tick(void)
{
	unsigned int n = retry_remove.n, kept = 0;

	for (unsigned int i = 0; i < n; i++) {
		if (dp_session_remove(retry_remove.ids[i]) == -EAGAIN)
			retry_remove.ids[kept++] = retry_remove.ids[i];
	}
	retry_remove.n = kept;
	dp_session_reclaim();
	tunnel_route_retry();
}

/*
 * Our tunnel addresses on the TAPs, counted: every session of a profile
 * shares one local-address, added with the first and removed with the last.
 */
struct local_ref {
	uint32_t addr;
	unsigned int refs;
	char ifname[CFG_NAME_MAX];
};

static struct {
	struct local_ref *v;
	unsigned int n, cap;
} locals;

static struct local_ref *local_find(uint32_t addr)
{
	for (unsigned int i = 0; i < locals.n; i++)
		if (locals.v[i].addr == addr)
			return &locals.v[i];
	return NULL;
}

static int local_get(const char *ifname, uint32_t addr)
{
	struct local_ref *r = local_find(addr);
	struct cfg_prefix p = { .addr = addr, .len = 32 };

	if (r) {
		r->refs++;
		return 0;
	}
	if (locals.n == locals.cap) {
		unsigned int cap = locals.cap ? locals.cap * 2 : 8;
		struct local_ref *v = realloc(locals.v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		locals.v = v;
		locals.cap = cap;
	}
	if (kernel_if_add_address(ifname, &p))
		return -EIO;
	r = &locals.v[locals.n++];
	r->addr = addr;
	r->refs = 1;
	snprintf(r->ifname, sizeof(r->ifname), "%s", ifname);
	return 0;
}

static void local_put(uint32_t addr)
{
	struct local_ref *r = local_find(addr);
	struct cfg_prefix p = { .addr = addr, .len = 32 };

	if (!r || --r->refs)
		return;
	kernel_if_del_address(r->ifname, &p);
	*r = locals.v[--locals.n];
}

static int real_kernel_up(const char *ifname, uint32_t local_ip, uint32_t client_ip,
			  uint16_t mtu)
{
	struct cfg_prefix dst = { .addr = client_ip, .len = 32 };

	if (local_ip && local_get(ifname, local_ip))
		return -EIO;
	/* The appliance's own packets to the peer leave from its tunnel address. */
	if (kernel_route_add_src(&dst, 0, ifname, 0, local_ip, mtu)) {
		if (local_ip)
			local_put(local_ip);
		return -EIO;
	}
	/*
	 * A permanent neighbour: the kernel never ARPs on the wire for an
	 * address that lives at the far end of a tunnel (nobody there would
	 * answer); the dataplane takes the frame by its IPv4 destination.
	 */
	if (kernel_neigh_set(ifname, client_ip, true))
		LOG_WARN(LOG_TOPIC_PPTP, "interface=%s no neighbour entry for the client", ifname);
	return 0;
}

static void real_kernel_down(const char *ifname, uint32_t local_ip, uint32_t client_ip)
{
	struct cfg_prefix dst = { .addr = client_ip, .len = 32 };

	kernel_neigh_set(ifname, client_ip, false);
	kernel_route_del(&dst, 0, 0);
	if (local_ip)
		local_put(local_ip);
}

const struct session_dp_ops session_dp_real_ops = {
	.max_sessions = real_max_sessions,
	.install = real_install,
	.network_up = real_network_up,
	.remove = real_remove,
	.send_ctrl = real_send_ctrl,
	.stats = real_stats,
	.last_rx_age_ms = real_last_rx_age_ms,
	.last_data_age_ms = real_last_data_age_ms,
	.set_rate = real_set_rate,
	.tick = real_tick,
	.kernel_up = real_kernel_up,
	.kernel_down = real_kernel_down,
	.routes_up = tunnel_route_link_up,
	.routes_down = tunnel_route_link_down,
};

bool pptp_server_handle_worker_msg(struct dp_msg *m)
{
	switch (m->type) {
	case DP_MSG_PPP_CTRL_IN: {
		uint8_t copy[SESSION_DP_CTRL_IN_MAX];
		uint32_t len = rte_pktmbuf_pkt_len(m->u.frame);
		const uint8_t *p = NULL;

		if (len <= sizeof(copy))
			p = rte_pktmbuf_read(m->u.frame, 0, len, copy);
		if (p && pptp_client_owns_id(m->session_id))
			pptp_client_ppp_input(m->session_id, p, len);
		else if (p)
			pptp_server_ppp_input(m->session_id, p, len);
		else
			LOG_DEBUG(LOG_TOPIC_PPP, "session=%u control frame of %u octets dropped",
				  m->session_id, len);
		rte_pktmbuf_free(m->u.frame);
		return true;
	}
	case DP_MSG_EVENT:
		/* Not a session's: the kernel asked for a dial-on-demand placeholder (dod.h). */
		if (m->u.event.kind == DP_EVENT_DOD_TRAFFIC)
			pptp_client_dod_traffic((uint32_t)m->u.event.arg);
		else if (pptp_client_owns_id(m->session_id))
			pptp_client_dp_event(m->session_id, (int)m->u.event.kind, m->u.event.arg);
		else
			pptp_server_dp_event(m->session_id, (int)m->u.event.kind, m->u.event.arg);
		return true;
	default:
		return false;
	}
}
