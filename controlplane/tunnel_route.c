/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Routes via tunnel interfaces (tunnel_route.h). Every change re-evaluates
 * the whole set: which routes win, what the kernel must hold (added and
 * removed by difference, so a route that keeps winning is not touched) and
 * the dataplane's table (published whole). With RADIUS Framed-Routes the set
 * can reach thousands, so each step sorts instead of comparing all pairs:
 * O(n log n) a change.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "tunnel_route.h"

/* RouterOS shows a link's peer /32 as connected: distance 0. */
#define TR_PEER_DISTANCE 0
/*
 * Routes per link: the peer's /32, with add-default-route 0.0.0.0/0, then
 * the extra ones (Framed-Route).
 */
#define TR_K_PEER 0
#define TR_K_DEFAULT 1
#define TR_K_EXTRA 2
#define TR_PER_LINK (TR_K_EXTRA + TUNNEL_ROUTE_LINK_EXTRA)
#define TR_LINKS_MAX TUNNEL_ROUTE_LINKS_MAX

struct tr_link {
	char iface[CFG_NAME_MAX];
	char tap[CFG_NAME_MAX];
	uint32_t session_id;
	uint32_t gateway;
	uint32_t local;
	uint32_t peer_outer;
	bool add_default;
	uint8_t distance;
	uint64_t seq;              /* up order: ties go to the earlier link */
	bool neigh;                /* the kernel holds our neighbour entry */
	bool placeholder;          /* dial-on-demand stand-in (tunnel_route_link.placeholder) */
	uint16_t mtu;              /* the tunnel's IPv4 MTU (0: the device's) */
	struct tunnel_route_extra extra[TUNNEL_ROUTE_LINK_EXTRA];
	unsigned int n_extra;
	bool active[TR_PER_LINK];  /* route k wins (cands_build) */
};

/* One route as the kernel got it from us. */
struct tr_kroute {
	struct cfg_prefix dst;
	uint32_t gateway;
	uint32_t metric;
	uint32_t prefsrc;
	uint16_t mtu;
	char ifname[CFG_NAME_MAX];
};

static struct {
	const struct pg_config *cfg;
	const struct tunnel_route_ops *ops;
	struct tr_link links[TR_LINKS_MAX];
	unsigned int n_links;
	struct tr_kroute kr[TUNNEL_ROUTE_MAX];
	unsigned int n_kr;
	uint64_t next_seq;
	bool cands_valid;          /* cands[] reflect the links and config as they are */
	bool dp_pending;           /* the dataplane refused the last table as busy */
} tr;

static bool prefix_eq(const struct cfg_prefix *a, const struct cfg_prefix *b)
{
	return a->len == b->len && (a->addr & cfg_prefix_mask(a->len)) == (b->addr & cfg_prefix_mask(b->len));
}

static bool prefix_has(const struct cfg_prefix *p, uint32_t addr)
{
	return (addr & cfg_prefix_mask(p->len)) == (p->addr & cfg_prefix_mask(p->len));
}

/* Route k of link l (k < TR_PER_LINK); false when the link has no such route. */
static bool link_route(const struct tr_link *l, unsigned int k, struct cfg_prefix *dst,
		       uint8_t *distance)
{
	if (k == TR_K_PEER) {
		*dst = (struct cfg_prefix){ .addr = l->gateway, .len = 32 };
		*distance = TR_PEER_DISTANCE;
		return true;
	}
	if (k == TR_K_DEFAULT && l->add_default) {
		*dst = (struct cfg_prefix){ .addr = 0, .len = 0 };
		*distance = l->distance;
		return true;
	}
	if (k >= TR_K_EXTRA && k - TR_K_EXTRA < l->n_extra) {
		*dst = l->extra[k - TR_K_EXTRA].dst;
		*distance = l->extra[k - TR_K_EXTRA].distance;
		return true;
	}
	return false;
}

static int link_find(const char *iface)
{
	for (unsigned int i = 0; i < tr.n_links; i++)
		if (strcmp(tr.links[i].iface, iface) == 0)
			return (int)i;
	return -1;
}

/*
 * Every route that could carry a prefix, this evaluation: /ip/route entries
 * (an address gateway, or a tunnel interface that runs) and each link's own.
 */
struct tr_cand {
	struct cfg_prefix dst;
	uint8_t distance;
	int link;                  /* index in tr.links; -1: an address gateway */
	int route;                 /* index in cfg->ip_route; -1: a link's own */
	unsigned int k;            /* a link's own: which (link_route) */
	uint64_t order;            /* ties: /ip/route in config order, then links as they came up */
	bool active;
};

static struct tr_cand cands[TUNNEL_ROUTE_MAX];
static unsigned int n_cands;

/* By prefix, then the better first: a lower distance, then the earlier. */
static int cand_cmp(const void *a, const void *b)
{
	const struct tr_cand *x = a, *y = b;
	uint32_t xa = x->dst.addr & cfg_prefix_mask(x->dst.len), ya = y->dst.addr & cfg_prefix_mask(y->dst.len);

	if (x->dst.len != y->dst.len)
		return x->dst.len > y->dst.len ? -1 : 1;
	if (xa != ya)
		return xa < ya ? -1 : 1;
	if (x->distance != y->distance)
		return x->distance < y->distance ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order ? 1 : 0;
}

/*
 * A lower distance wins; on a tie the /ip/route entry, then the link that
 * came up first (RouterOS would balance equal routes; we keep one). Sorted
 * so that the winner of each prefix comes first among its own.
 */
static void cands_build(void)
{
	const struct pg_config *cfg = tr.cfg;

	n_cands = 0;
	for (unsigned int i = 0; cfg && i < cfg->n_ip_route && n_cands < TUNNEL_ROUTE_MAX; i++) {
		const struct cfg_ip_route *r = &cfg->ip_route[i];
		int li = r->gateway_iface[0] ? link_find(r->gateway_iface) : -1;

		if (r->gateway_iface[0] && li < 0)
			continue;      /* its tunnel is down: the route is not there */
		cands[n_cands++] = (struct tr_cand){ .dst = r->dst, .distance = r->distance,
						     .link = li, .route = (int)i, .order = i };
	}
	for (unsigned int li = 0; li < tr.n_links; li++) {
		memset(tr.links[li].active, 0, sizeof(tr.links[li].active));
		for (unsigned int k = 0; k < TR_PER_LINK && n_cands < TUNNEL_ROUTE_MAX; k++) {
			struct tr_cand c = { .link = (int)li, .route = -1, .k = k };

			if (!link_route(&tr.links[li], k, &c.dst, &c.distance))
				continue;
			c.order = (uint64_t)CFG_MAX_LIST + tr.links[li].seq * TR_PER_LINK + k;
			cands[n_cands++] = c;
		}
	}
	qsort(cands, n_cands, sizeof(cands[0]), cand_cmp);
	for (unsigned int i = 0; i < n_cands; i++) {
		cands[i].active = i == 0 || !prefix_eq(&cands[i].dst, &cands[i - 1].dst);
		if (cands[i].route < 0)
			tr.links[cands[i].link].active[cands[i].k] = cands[i].active;
	}
	tr.cands_valid = true;
}

static void cands_ensure(void)
{
	if (!tr.cands_valid)
		cands_build();
}

/* The gateway of the best /ip/route address route covering addr; 0: none. */
static uint32_t static_gateway_for(uint32_t addr, uint8_t *len_out)
{
	const struct pg_config *cfg = tr.cfg;
	int best = -1;

	for (unsigned int i = 0; cfg && i < cfg->n_ip_route; i++) {
		const struct cfg_ip_route *r = &cfg->ip_route[i];

		if (r->gateway_iface[0] || !prefix_has(&r->dst, addr))
			continue;
		if (best < 0 || r->dst.len > cfg->ip_route[best].dst.len ||
		    (r->dst.len == cfg->ip_route[best].dst.len &&
		     r->distance < cfg->ip_route[best].distance))
			best = (int)i;
	}
	if (best < 0)
		return 0;
	*len_out = cfg->ip_route[best].dst.len;
	return cfg->ip_route[best].gateway;
}

static bool on_link(uint32_t addr)
{
	const struct pg_config *cfg = tr.cfg;

	for (unsigned int i = 0; cfg && i < cfg->n_ip_address; i++)
		if (prefix_has(&cfg->ip_address[i].address, addr))
			return true;
	return false;
}

/* ---- the kernel: what we want, applied by difference ---- */

static int kr_cmp(const void *a, const void *b)
{
	const struct tr_kroute *x = a, *y = b;
	uint32_t xa = x->dst.addr & cfg_prefix_mask(x->dst.len), ya = y->dst.addr & cfg_prefix_mask(y->dst.len);

	if (x->dst.len != y->dst.len)
		return x->dst.len < y->dst.len ? -1 : 1;
	if (xa != ya)
		return xa < ya ? -1 : 1;
	if (x->gateway != y->gateway)
		return x->gateway < y->gateway ? -1 : 1;
	if (x->metric != y->metric)
		return x->metric < y->metric ? -1 : 1;
	if (x->prefsrc != y->prefsrc)
		return x->prefsrc < y->prefsrc ? -1 : 1;
	if (x->mtu != y->mtu)
		return x->mtu < y->mtu ? -1 : 1;
	return strcmp(x->ifname, y->ifname);
}

static void kr_want(struct tr_kroute *want, unsigned int *n, const struct cfg_prefix *dst,
		    uint32_t gw, uint32_t metric, const char *ifname, uint32_t prefsrc, uint16_t mtu)
{
	struct tr_kroute *k;

	if (*n >= TUNNEL_ROUTE_MAX)
		return;
	k = &want[(*n)++];
	memset(k, 0, sizeof(*k));
	k->dst = *dst;
	k->gateway = gw;
	k->metric = metric;
	k->prefsrc = prefsrc;
	k->mtu = mtu;
	snprintf(k->ifname, sizeof(k->ifname), "%s", ifname ? ifname : "");
}

/*
 * The kernel's routes become want[0..n_want): what is no longer wanted goes
 * first (a replaced default route must not be deleted after its successor),
 * then what is new is added in want's order (a placeholder's /32 before the
 * routes via it). Membership by binary search in sorted copies.
 */
static void kernel_apply(const struct tr_kroute *want, unsigned int n_want)
{
	static struct tr_kroute want_sorted[TUNNEL_ROUTE_MAX];
	static bool seen[TUNNEL_ROUTE_MAX];   /* by want_sorted position: a route wanted twice */
	unsigned int kept = 0, n_had;

	memcpy(want_sorted, want, n_want * sizeof(want[0]));
	qsort(want_sorted, n_want, sizeof(want_sorted[0]), kr_cmp);
	for (unsigned int i = 0; i < tr.n_kr; i++) {
		if (bsearch(&tr.kr[i], want_sorted, n_want, sizeof(want_sorted[0]), kr_cmp))
			tr.kr[kept++] = tr.kr[i];
		else if (tr.ops && tr.ops->kernel_del)
			tr.ops->kernel_del(&tr.kr[i].dst, tr.kr[i].gateway, tr.kr[i].metric);
	}
	tr.n_kr = kept;
	/* tr.kr stays sorted: what was had is searched, what is added goes after it. */
	qsort(tr.kr, tr.n_kr, sizeof(tr.kr[0]), kr_cmp);
	n_had = tr.n_kr;
	memset(seen, 0, n_want * sizeof(seen[0]));
	for (unsigned int j = 0; j < n_want; j++) {
		const struct tr_kroute *w = bsearch(&want[j], want_sorted, n_want,
						    sizeof(want_sorted[0]), kr_cmp);
		size_t pos = (size_t)(w - want_sorted);

		while (pos > 0 && kr_cmp(&want_sorted[pos - 1], &want[j]) == 0)
			pos--;
		if (seen[pos])
			continue;
		seen[pos] = true;
		if (tr.n_kr >= TUNNEL_ROUTE_MAX)
			break;
		if (bsearch(&want[j], tr.kr, n_had, sizeof(tr.kr[0]), kr_cmp))
			continue;
		if (tr.ops && tr.ops->kernel_add &&
		    tr.ops->kernel_add(&want[j].dst, want[j].gateway,
				       want[j].ifname[0] ? want[j].ifname : NULL, want[j].metric,
				       want[j].prefsrc, want[j].mtu))
			continue;
		tr.kr[tr.n_kr++] = want[j];
	}
}

/* ---- evaluation ---- */

static void evaluate(void)
{
	static struct tr_kroute want[TUNNEL_ROUTE_MAX];
	static struct tunnel_route_entry dp[TUNNEL_ROUTE_MAX];
	const struct pg_config *cfg = tr.cfg;
	unsigned int n_want = 0, n_dp = 0;
	bool any = false;

	cands_build();
	/*
	 * A placeholder gateway is on no link: a /32 device route to it on the TAP
	 * first (what `onlink` would say), so that routes via it are accepted.
	 */
	for (unsigned int li = 0; li < tr.n_links; li++) {
		struct cfg_prefix gw = { .addr = tr.links[li].gateway, .len = 32 };

		if (tr.links[li].placeholder)
			kr_want(want, &n_want, &gw, 0, TR_PEER_DISTANCE, tr.links[li].tap, 0, 0);
	}
	for (unsigned int i = 0; i < n_cands && n_dp < TUNNEL_ROUTE_MAX; i++) {
		const struct tr_cand *c = &cands[i];
		const struct tr_link *l;

		if (!c->active)
			continue;
		if (c->link < 0) {
			/* An address route wins here: the dataplane must not take it. */
			dp[n_dp++] = (struct tunnel_route_entry){ .dst = c->dst };
			continue;
		}
		l = &tr.links[c->link];
		if (l->placeholder) {
			/* The kernel's (it queues, then dials); the workers pass it to the kernel. */
			dp[n_dp++] = (struct tunnel_route_entry){ .dst = c->dst };
			if (c->route < 0 && c->k == TR_K_PEER)
				continue;   /* the /32 above */
		} else {
			dp[n_dp++] = (struct tunnel_route_entry){
				.dst = c->dst, .via_session = true, .session_id = l->session_id };
			any = true;
			/* The peer's /32 is the session's own kernel route (session.c kernel_up). */
			if (c->route < 0 && c->k == TR_K_PEER)
				continue;
		}
		/* The tunnel's MTU: the kernel fragments or says "too big" (RFC 1191). */
		kr_want(want, &n_want, &c->dst, l->gateway, c->distance, l->tap, l->local, l->mtu);
		/*
		 * The control connection and GRE to the server must not follow a
		 * default route into the tunnel they carry: pin the server to the
		 * route it had, unless it is on one of our links.
		 */
		if (c->dst.len == 0 && !on_link(l->peer_outer)) {
			uint8_t plen = 0;
			uint32_t gw = static_gateway_for(l->peer_outer, &plen);
			struct cfg_prefix pin = { .addr = l->peer_outer, .len = 32 };

			if (gw && plen < 32)
				kr_want(want, &n_want, &pin, gw, 0, NULL, 0, 0);
		}
	}
	/* What is not routed into a tunnel, for the dataplane to tell apart. */
	if (any) {
		for (unsigned int i = 0; cfg && i < cfg->n_ip_address && n_dp < TUNNEL_ROUTE_MAX; i++)
			dp[n_dp++] = (struct tunnel_route_entry){ .dst = cfg->ip_address[i].address };
		/* Each peer's outer address, and our own tunnel addresses (for the kernel). */
		for (unsigned int li = 0; li < tr.n_links && n_dp + 1 < TUNNEL_ROUTE_MAX; li++) {
			dp[n_dp++] = (struct tunnel_route_entry){
				.dst = { .addr = tr.links[li].peer_outer, .len = 32 } };
			if (tr.links[li].local)
				dp[n_dp++] = (struct tunnel_route_entry){
					.dst = { .addr = tr.links[li].local, .len = 32 } };
		}
	}
	kernel_apply(want, n_want);
	if (tr.ops && tr.ops->dp_publish) {
		int rc = tr.ops->dp_publish(dp, any ? n_dp : 0);

		/* Busy: the workers still hold older tables; the next tick tries again. */
		tr.dp_pending = rc == -EBUSY;
		if (rc && rc != -EBUSY)
			LOG_ERR(LOG_TOPIC_SYSTEM, "routes via tunnels not published to the dataplane: %s",
				strerror(-rc));
	}
}

static bool provider_static_active(const struct cfg_ip_route *r, bool reachable)
{
	const struct pg_config *cfg = tr.cfg;

	if (!cfg || r < cfg->ip_route || r >= cfg->ip_route + cfg->n_ip_route)
		return reachable;
	cands_build();   /* print asks before anything else: the config may have moved */
	for (unsigned int i = 0; i < n_cands; i++)
		if (cands[i].route == (int)(r - cfg->ip_route))
			return cands[i].active && (reachable || cands[i].link >= 0);
	return false;   /* via a tunnel that is down */
}

static const struct tunnel_route_provider route_rows = {
	.count = tunnel_route_count,
	.get = tunnel_route_get,
	.static_active = provider_static_active,
};

void tunnel_route_init(const struct pg_config *cfg, const struct tunnel_route_ops *ops)
{
	tr.cfg = cfg;
	tr.ops = ops;
	ip_route_provider_register(&route_rows);
}

int tunnel_route_link_up(const struct tunnel_route_link *l)
{
	struct tr_link *t;
	int at = link_find(l->iface);

	if (at >= 0) {
		t = &tr.links[at];
	} else {
		if (tr.n_links >= TR_LINKS_MAX)
			return -ENOSPC;
		t = &tr.links[tr.n_links++];
		memset(t, 0, sizeof(*t));
		t->seq = tr.next_seq++;
	}
	snprintf(t->iface, sizeof(t->iface), "%s", l->iface);
	snprintf(t->tap, sizeof(t->tap), "%s", l->tap ? l->tap : "");
	t->session_id = l->session_id;
	t->gateway = l->gateway;
	t->local = l->local;
	t->peer_outer = l->peer_outer;
	t->add_default = l->add_default;
	t->distance = l->distance;
	t->placeholder = l->placeholder;
	t->mtu = l->mtu;
	t->n_extra = 0;
	for (unsigned int i = 0; l->extra && i < l->n_extra && i < TUNNEL_ROUTE_LINK_EXTRA; i++)
		t->extra[t->n_extra++] = l->extra[i];
	/* A placeholder must stay unresolved: the kernel's ARP for it is the dial signal. */
	if (!t->neigh && !t->placeholder && t->tap[0] && tr.ops && tr.ops->kernel_neigh)
		t->neigh = tr.ops->kernel_neigh(t->tap, t->gateway, true) == 0;
	evaluate();
	return 0;
}

void tunnel_route_link_down(const char *iface)
{
	int at = link_find(iface);
	struct tr_link gone;

	if (at < 0)
		return;
	gone = tr.links[at];
	tr.links[at] = tr.links[--tr.n_links];
	/* Routes first: the neighbour must outlive the routes through it. */
	evaluate();
	if (gone.neigh && tr.ops && tr.ops->kernel_neigh)
		tr.ops->kernel_neigh(gone.tap, gone.gateway, false);
}

void tunnel_route_sync(void)
{
	tr.cands_valid = false;   /* /ip/route may have changed */
	if (tr.n_links)
		evaluate();
}

void tunnel_route_retry(void)
{
	if (tr.dp_pending)
		evaluate();
}

/* Rows /ip/route/print shows: a placeholder's own /32 is plumbing, not a route to list. */
static bool link_row(const struct tr_link *l, unsigned int k)
{
	return !(l->placeholder && k == TR_K_PEER);
}

unsigned int tunnel_route_count(void)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < tr.n_links; i++)
		for (unsigned int k = 0; k < TR_PER_LINK; k++) {
			struct cfg_prefix d;
			uint8_t dist;

			n += link_route(&tr.links[i], k, &d, &dist) && link_row(&tr.links[i], k);
		}
	return n;
}

int tunnel_route_get(unsigned int idx, struct tunnel_route_row *out)
{
	for (unsigned int i = 0; i < tr.n_links; i++) {
		for (unsigned int k = 0; k < TR_PER_LINK; k++) {
			struct cfg_prefix d;
			uint8_t dist;

			if (!link_route(&tr.links[i], k, &d, &dist) || !link_row(&tr.links[i], k))
				continue;
			if (idx--)
				continue;
			memset(out, 0, sizeof(*out));
			out->dst = d;
			/* RouterOS shows an on-demand link's routes via the placeholder itself. */
			if (tr.links[i].placeholder)
				cfg_format_ipv4(tr.links[i].gateway, out->gateway, sizeof(out->gateway));
			else
				snprintf(out->gateway, sizeof(out->gateway), "%s", tr.links[i].iface);
			out->distance = dist;
			cands_ensure();
			out->active = tr.links[i].active[k];
			return 0;
		}
	}
	return -1;
}

int tunnel_route_dod_queue(const char *tap, uint32_t gateway, enum tunnel_route_dod what)
{
	int rc = 0;

	if (!tr.ops || !tap || !tap[0])
		return -EINVAL;
	if (what == TUNNEL_ROUTE_DOD_HOLD)
		return tr.ops->kernel_neigh_hold ? tr.ops->kernel_neigh_hold(tap, gateway) : 0;
	if (!tr.ops->kernel_neigh)
		return 0;
	/*
	 * Release: a permanent entry sends the queue at once (the kernel flushes
	 * it in the update), through the TAP to the workers, whose route table
	 * now leads into the session. Then (and to forget) the entry goes: the
	 * queue, if still there, with it, and the next time the placeholder's
	 * routes stand the kernel asks (ARPs) again.
	 */
	if (what == TUNNEL_ROUTE_DOD_RELEASE)
		rc = tr.ops->kernel_neigh(tap, gateway, true);
	(void)tr.ops->kernel_neigh(tap, gateway, false);
	return rc;
}

void tunnel_route_fini(void)
{
	while (tr.n_links)
		tunnel_route_link_down(tr.links[tr.n_links - 1].iface);
	tr.n_kr = 0;
	ip_route_provider_register(NULL);
	tr.ops = NULL;
}
