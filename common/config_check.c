/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cfg_validate(): what one key cannot tell alone. Interfaces, profiles and
 * pools that are named must exist, names must be unique, workers must lie
 * inside lcores; value ranges are checked again because the CLI edits the
 * struct directly. After a load, list paths name JSON entries and keys the
 * schema walk already reported are not blamed twice.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config_priv.h"

/* DPDK builds paths from the prefix: keep it to a plain file-name word. */
bool cfg_file_prefix_ok(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++) {
		char c = *s;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

struct cfg_checker {
	struct cfg_errors *err;
	unsigned int n_errors;
	const struct pg_config *cfg;
	const uint32_t *profile_src;  /* JSON index per profile, or NULL */
	/* Right after a parse with errors, missing keys were already named there. */
	bool check_empty;
	bool skip_workers;            /* lcores was rejected: workers cannot be judged */
};

static void verr(struct cfg_checker *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void verr(struct cfg_checker *c, const char *fmt, ...)
{
	char msg[PATH_TEXT_MAX + MSG_TEXT_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->n_errors++;
	cfg_errors_add(c->err, "%s", msg);
}

static unsigned int profile_index(const struct cfg_checker *c, unsigned int i)
{
	if (c->profile_src && c->profile_src[i] != NO_SOURCE_INDEX)
		return c->profile_src[i];
	return i;
}

/* "ppp.secret[3]" style prefix for list entry i. */
static void entry_path(const struct cfg_checker *c, const char *list, unsigned int i,
		       char *buf, size_t len)
{
	if (strcmp(list, "ppp.profile") == 0)
		i = profile_index(c, i);
	snprintf(buf, len, "%s[%u]", list, i);
}

static void check_nonempty(struct cfg_checker *c, const char *path, const char *s)
{
	if (c->check_empty && *s == '\0')
		verr(c, "%s: \"\" is empty", path);
}

struct name_ref {
	const char *name;
	const char *list;          /* JSON path of the list */
	unsigned int idx;
	unsigned int order;        /* position across the lists, for file-order output */
	const char *first_list;    /* earlier entry of the same name, if any */
	unsigned int first_idx;
};

static int name_ref_by_name(const void *a, const void *b)
{
	const struct name_ref *x = a, *y = b;
	int d = strcmp(x->name, y->name);

	if (d)
		return d;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int name_ref_by_order(const void *a, const void *b)
{
	const struct name_ref *x = a, *y = b;

	return x->order < y->order ? -1 : x->order > y->order;
}

/*
 * Names must be unique within a namespace. Sorting keeps this O(n log n)
 * for the tens of thousands of secrets an appliance may hold; messages come
 * out in file order, each naming the first user of the name.
 */
static void check_unique(struct cfg_checker *c, struct name_ref *refs, size_t n)
{
	char shown[VALUE_SHOW_MAX * 2], here[PATH_TEXT_MAX], there[PATH_TEXT_MAX];
	size_t run = 0;

	qsort(refs, n, sizeof(*refs), name_ref_by_name);
	for (size_t i = 1; i < n; i++) {
		if (strcmp(refs[i].name, refs[run].name) != 0) {
			run = i;
			continue;
		}
		refs[i].first_list = refs[run].list;
		refs[i].first_idx = refs[run].idx;
	}
	qsort(refs, n, sizeof(*refs), name_ref_by_order);
	for (size_t i = 0; i < n; i++) {
		if (!refs[i].first_list)
			continue;
		entry_path(c, refs[i].first_list, refs[i].first_idx, there, sizeof(there));
		entry_path(c, refs[i].list, refs[i].idx, here, sizeof(here));
		cfg_quote_str(refs[i].name, shown, sizeof(shown));
		verr(c, "%s.name: %s is already used by %s", here, shown, there);
	}
}

static const char *const iface_lists[] = {
	"interface.ethernet", "interface.pptp-server.static", "interface.pptp-client",
};

static void check_names(struct cfg_checker *c)
{
	const struct pg_config *cfg = c->cfg;
	size_t cap = (size_t)cfg->n_ethernet + cfg->n_pptp_static + cfg->n_pptp_client +
		     cfg->n_ip_pool + cfg->n_ppp_profile + cfg->n_ppp_secret;
	struct name_ref *refs = calloc(cap ? cap : 1, sizeof(*refs));
	size_t n = 0;
	unsigned int order = 0;

#define ADD_REFS(list_path, arr, count)                                        \
	for (unsigned int i_ = 0; i_ < (count); i_++) {                      \
		if ((arr)[i_].name[0] == '\0')                                \
			continue;                                             \
		refs[n++] = (struct name_ref){ .name = (arr)[i_].name,        \
			.list = (list_path), .idx = i_, .order = order++ };   \
	}
	if (!refs) {
		verr(c, "out of memory");
		return;
	}
	/* Interface names share one namespace, as on RouterOS. */
	ADD_REFS(iface_lists[0], cfg->ethernet, cfg->n_ethernet);
	ADD_REFS(iface_lists[1], cfg->pptp_static, cfg->n_pptp_static);
	ADD_REFS(iface_lists[2], cfg->pptp_client, cfg->n_pptp_client);
	check_unique(c, refs, n);
	n = 0;
	ADD_REFS("ip.pool", cfg->ip_pool, cfg->n_ip_pool);
	check_unique(c, refs, n);
	n = 0;
	ADD_REFS("ppp.profile", cfg->ppp_profile, cfg->n_ppp_profile);
	check_unique(c, refs, n);
	n = 0;
	ADD_REFS("ppp.secret", cfg->ppp_secret, cfg->n_ppp_secret);
	check_unique(c, refs, n);
#undef ADD_REFS
	free(refs);
}

static void check_range(struct cfg_checker *c, const char *path, const char *key,
			uint64_t v, uint64_t lo, uint64_t hi)
{
	if (v < lo || v > hi)
		verr(c, "%s.%s: %llu is out of range (%llu..%llu)", path, key,
		     (unsigned long long)v, (unsigned long long)lo, (unsigned long long)hi);
}

static void check_link(struct cfg_checker *c, const char *path, const struct cfg_ppp_link *l)
{
	check_range(c, path, "max-mtu", l->max_mtu, CFG_MTU_MIN, CFG_MTU_MAX);
	check_range(c, path, "max-mru", l->max_mru, CFG_MTU_MIN, CFG_MTU_MAX);
	if (l->mrru)
		check_range(c, path, "mrru", l->mrru, CFG_MRRU_MIN, CFG_MRRU_MAX);
	check_range(c, path, "keepalive-timeout", l->keepalive_timeout, CFG_KEEPALIVE_MIN,
		    CFG_KEEPALIVE_MAX);
}

static void check_profile_ref(struct cfg_checker *c, const char *path, const char *name)
{
	char shown[VALUE_SHOW_MAX * 2];

	if (*name == '\0' && !c->check_empty)
		return;
	if (!cfg_find_profile(c->cfg, name)) {
		cfg_quote_str(name, shown, sizeof(shown));
		verr(c, "%s: %s is not a profile", path, shown);
	}
}

static void check_pool_ref(struct cfg_checker *c, const char *path,
			   const struct cfg_addr_or_pool *a)
{
	char shown[VALUE_SHOW_MAX * 2];

	if (!a->is_set || !a->is_pool || cfg_find_pool(c->cfg, a->pool))
		return;
	cfg_quote_str(a->pool, shown, sizeof(shown));
	verr(c, "%s: %s is not an IPv4 address or a pool", path, shown);
}

static void check_auth(struct cfg_checker *c, const char *path, uint32_t set)
{
	if (set == 0 || (set & ~(uint32_t)CFG_AUTH_ALL))
		verr(c, "%s: expected one or more of %s", path, cfg_auth_words.list);
}

static void check_dataplane(struct cfg_checker *c)
{
	const struct cfg_dataplane *dp = &c->cfg->dataplane;
	char shown[VALUE_SHOW_MAX * 2];
	struct cfg_lcore_set set;
	int main_lcore;

	cfg_quote_str(dp->lcores, shown, sizeof(shown));
	if (cfg_parse_lcores(dp->lcores, &set) < 0) {
		verr(c, "dataplane.lcores: %s is not an lcore list " LCORES_HINT, shown);
		goto rest;
	}
	main_lcore = cfg_lcore_set_first(&set);
	if (c->skip_workers)
		goto rest;
	if (dp->n_workers == 0) {
		bool only_main = true;

		for (unsigned int id = 0; id <= CFG_LCORE_ID_MAX; id++)
			if (cfg_lcore_set_has(&set, id) && (int)id != main_lcore)
				only_main = false;
		if (only_main)
			verr(c, "dataplane.lcores: %s has no lcore left for a worker "
			     "(the lowest is the main lcore)", shown);
		else
			verr(c, "dataplane.workers: [] is empty (at least one worker is needed)");
	}
	if (dp->n_workers > CFG_MAX_WORKERS) {
		verr(c, "dataplane.workers: %u entries is too many (at most %u)", dp->n_workers,
		     CFG_MAX_WORKERS);
		goto rest;
	}
	for (unsigned int i = 0; i < dp->n_workers; i++) {
		unsigned int id = dp->workers[i];
		bool repeated = false;

		for (unsigned int j = 0; j < i; j++)
			repeated = repeated || dp->workers[j] == id;
		if (repeated)
			verr(c, "dataplane.workers[%u]: %u is listed twice", i, id);
		else if (!cfg_lcore_set_has(&set, id))
			verr(c, "dataplane.workers[%u]: %u is not in lcores %s", i, id, shown);
		else if ((int)id == main_lcore)
			verr(c, "dataplane.workers[%u]: %u is the main lcore (the lowest in lcores %s)",
			     i, id, shown);
	}
rest:
	if (!cfg_file_prefix_ok(dp->file_prefix)) {
		cfg_quote_str(dp->file_prefix, shown, sizeof(shown));
		verr(c, "dataplane.file-prefix: %s is not a file prefix (letters, digits, '.', '_', '-')",
		     shown);
	}
	check_range(c, "dataplane", "memory-mb", dp->memory_mb, CFG_MEMORY_MB_MIN, CFG_MEMORY_MB_MAX);
}

static void check_interfaces(struct cfg_checker *c)
{
	const struct pg_config *cfg = c->cfg;
	char path[PATH_TEXT_MAX], field[FIELD_TEXT_MAX];

	for (unsigned int i = 0; i < cfg->n_ethernet; i++) {
		const struct cfg_ethernet *e = &cfg->ethernet[i];

		snprintf(path, sizeof(path), "interface.ethernet[%u]", i);
		snprintf(field, sizeof(field), "%s.name", path);
		check_nonempty(c, field, e->name);
		snprintf(field, sizeof(field), "%s.device", path);
		check_nonempty(c, field, e->device);
		check_range(c, path, "mtu", e->mtu, CFG_ETHER_MTU_MIN, CFG_ETHER_MTU_MAX);
	}

	check_profile_ref(c, "interface.pptp-server.server.default-profile",
			  cfg->pptp_server.default_profile);
	check_auth(c, "interface.pptp-server.server.authentication",
		   cfg->pptp_server.authentication);
	check_link(c, "interface.pptp-server.server", &cfg->pptp_server.link);

	for (unsigned int i = 0; i < cfg->n_pptp_static; i++) {
		snprintf(field, sizeof(field), "interface.pptp-server.static[%u].name", i);
		check_nonempty(c, field, cfg->pptp_static[i].name);
		snprintf(field, sizeof(field), "interface.pptp-server.static[%u].user", i);
		check_nonempty(c, field, cfg->pptp_static[i].user);
	}

	for (unsigned int i = 0; i < cfg->n_pptp_client; i++) {
		const struct cfg_pptp_client *cl = &cfg->pptp_client[i];

		snprintf(path, sizeof(path), "interface.pptp-client[%u]", i);
		snprintf(field, sizeof(field), "%s.name", path);
		check_nonempty(c, field, cl->name);
		snprintf(field, sizeof(field), "%s.profile", path);
		check_profile_ref(c, field, cl->profile);
		snprintf(field, sizeof(field), "%s.allow", path);
		check_auth(c, field, cl->allow);
		check_link(c, path, &cl->link);
	}
}

static void check_ip(struct cfg_checker *c)
{
	const struct pg_config *cfg = c->cfg;
	char shown[VALUE_SHOW_MAX * 2], path[PATH_TEXT_MAX];

	for (unsigned int i = 0; i < cfg->n_ip_address; i++) {
		const char *ifname = cfg->ip_address[i].interface;

		if (*ifname == '\0' && !c->check_empty)
			continue;
		if (!cfg_find_ethernet(cfg, ifname)) {
			cfg_quote_str(ifname, shown, sizeof(shown));
			verr(c, "ip.address[%u].interface: %s is not an ethernet interface", i, shown);
		}
	}
	for (unsigned int i = 0; i < cfg->n_ip_route; i++) {
		const char *gw = cfg->ip_route[i].gateway_iface;
		bool tunnel = false;

		snprintf(path, sizeof(path), "ip.route[%u]", i);
		check_range(c, path, "distance", cfg->ip_route[i].distance, 1, DISTANCE_MAX);
		if (!gw[0])
			continue;
		/* gateway=<interface>: only tunnel interfaces carry routes by name. */
		for (unsigned int k = 0; k < cfg->n_pptp_client && !tunnel; k++)
			tunnel = strcmp(cfg->pptp_client[k].name, gw) == 0;
		for (unsigned int k = 0; k < cfg->n_pptp_static && !tunnel; k++)
			tunnel = strcmp(cfg->pptp_static[k].name, gw) == 0;
		if (!tunnel) {
			cfg_quote_str(gw, shown, sizeof(shown));
			verr(c, "ip.route[%u].gateway: %s is not a pptp-client or pptp-server interface",
			     i, shown);
		}
	}
	for (unsigned int i = 0; i < cfg->n_ip_pool; i++) {
		const struct cfg_ip_pool *pool = &cfg->ip_pool[i];
		uint32_t addr;

		snprintf(path, sizeof(path), "ip.pool[%u].name", i);
		check_nonempty(c, path, pool->name);
		if (cfg_parse_ipv4(pool->name, &addr) == 0) {
			cfg_quote_str(pool->name, shown, sizeof(shown));
			verr(c, "%s: %s is an IPv4 address, which cannot name a pool", path, shown);
		}
		if (pool->n_ranges == 0 && c->check_empty)
			verr(c, "ip.pool[%u].ranges: [] is empty", i);
		for (unsigned int r = 0; r < pool->n_ranges; r++)
			if (pool->ranges[r].first > pool->ranges[r].last)
				verr(c, "ip.pool[%u].ranges[%u]: first address above last", i, r);
	}
}

static void check_ppp(struct cfg_checker *c)
{
	const struct pg_config *cfg = c->cfg;
	char path[PATH_TEXT_MAX], field[FIELD_TEXT_MAX];

	for (size_t b = 0; b < N_BUILTIN_PROFILES; b++)
		if (!cfg_find_profile(cfg, cfg_builtin_profiles[b].name))
			verr(c, "ppp.profile: the built-in profile \"%s\" is missing",
			     cfg_builtin_profiles[b].name);
	for (unsigned int i = 0; i < cfg->n_ppp_profile; i++) {
		const struct cfg_ppp_profile *pr = &cfg->ppp_profile[i];

		entry_path(c, "ppp.profile", i, path, sizeof(path));
		snprintf(field, sizeof(field), "%s.name", path);
		check_nonempty(c, field, pr->name);
		snprintf(field, sizeof(field), "%s.local-address", path);
		check_pool_ref(c, field, &pr->local_address);
		snprintf(field, sizeof(field), "%s.remote-address", path);
		check_pool_ref(c, field, &pr->remote_address);
		if (pr->n_dns_server > CFG_MAX_DNS)
			verr(c, "%s.dns-server: %u entries is too many (at most %u)", path,
			     pr->n_dns_server, CFG_MAX_DNS);
	}
	for (unsigned int i = 0; i < cfg->n_ppp_secret; i++) {
		const struct cfg_ppp_secret *s = &cfg->ppp_secret[i];

		snprintf(path, sizeof(path), "ppp.secret[%u]", i);
		snprintf(field, sizeof(field), "%s.name", path);
		check_nonempty(c, field, s->name);
		snprintf(field, sizeof(field), "%s.profile", path);
		check_profile_ref(c, field, s->profile);
		snprintf(field, sizeof(field), "%s.local-address", path);
		check_pool_ref(c, field, &s->local_address);
		snprintf(field, sizeof(field), "%s.remote-address", path);
		check_pool_ref(c, field, &s->remote_address);
	}
}

static void check_radius(struct cfg_checker *c)
{
	const struct pg_config *cfg = c->cfg;
	char path[PATH_TEXT_MAX];

	for (unsigned int i = 0; i < cfg->n_radius; i++) {
		const struct cfg_radius *r = &cfg->radius[i];

		snprintf(path, sizeof(path), "radius[%u]", i);
		check_range(c, path, "authentication-port", r->authentication_port, 1, PORT_MAX);
		check_range(c, path, "accounting-port", r->accounting_port, 1, PORT_MAX);
		check_range(c, path, "timeout", r->timeout_ms, CFG_RADIUS_TIMEOUT_MIN_MS,
			    CFG_RADIUS_TIMEOUT_MAX_MS);
	}
	check_range(c, "radius-incoming", "port", cfg->radius_incoming.port, 1, PORT_MAX);
}

unsigned int cfg_check(const struct pg_config *cfg, struct cfg_errors *err,
		       const struct cfg_walk *w)
{
	struct cfg_checker c = {
		.err = err, .cfg = cfg,
		.profile_src = w ? w->profile_src : NULL,
		.check_empty = !w || w->n_errors == 0,
		.skip_workers = w && w->lcores_failed,
	};

	check_nonempty(&c, "system.identity", cfg->system.identity);
	check_nonempty(&c, "management.socket", cfg->management.socket);
	check_dataplane(&c);
	check_interfaces(&c);
	check_ip(&c);
	check_ppp(&c);
	check_radius(&c);
	check_names(&c);
	return c.n_errors;
}

int cfg_validate(const struct pg_config *cfg, struct cfg_errors *err)
{
	return cfg_check(cfg, err, NULL) ? -1 : 0;
}
