/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * struct pg_config -> JSON, and the atomic write of the config file.
 *
 * Every key is written, defaults included, so the file is self-describing;
 * what cfg_load_string() reads back is equal to what was written
 * (tests/unit/test_config.c checks this on every example). Built-in profiles
 * are written only when they differ from the built-in.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "config.h"

#define NEW_FILE_MODE 0600    /* the file holds passwords */
#define MODE_BITS     07777

/*
 * Builders: each sets one key and records failure (out of memory, or a
 * string that is not UTF-8) in *ok, so callers can chain them and check once.
 */
static void put(json_t *obj, const char *key, json_t *v, bool *ok)
{
	if (!v || json_object_set_new(obj, key, v) < 0)
		*ok = false;
}

static void put_str(json_t *obj, const char *key, const char *s, bool *ok)
{
	put(obj, key, json_string(s), ok);
}

static void put_uint(json_t *obj, const char *key, uint64_t v, bool *ok)
{
	put(obj, key, json_integer((json_int_t)v), ok);
}

static void put_bool(json_t *obj, const char *key, bool b, bool *ok)
{
	put(obj, key, json_boolean(b), ok);
}

static void put_ipv4(json_t *obj, const char *key, uint32_t a, bool *ok)
{
	char buf[CFG_IPV4_STRLEN];

	cfg_format_ipv4(a, buf, sizeof(buf));
	put_str(obj, key, buf, ok);
}

static void put_prefix(json_t *obj, const char *key, const struct cfg_prefix *p, bool *ok)
{
	char buf[CFG_PREFIX_STRLEN];

	cfg_format_prefix(p, buf, sizeof(buf));
	put_str(obj, key, buf, ok);
}

static void put_word(json_t *obj, const char *key, const struct cfg_words *w, unsigned int i,
		     bool *ok)
{
	if (i >= w->n)
		*ok = false;
	else
		put_str(obj, key, w->names[i], ok);
}

static void put_word_set(json_t *obj, const char *key, const struct cfg_words *w, uint32_t set,
			 bool *ok)
{
	json_t *arr = json_array();

	for (unsigned int i = 0; arr && i < w->n; i++)
		if ((set & (1u << i)) && json_array_append_new(arr, json_string(w->names[i])) < 0)
			*ok = false;
	put(obj, key, arr, ok);
}

/* Omitted when not set: the value is inherited (secret from profile, profile from default). */
static void put_addr_or_pool(json_t *obj, const char *key, const struct cfg_addr_or_pool *a,
			     bool *ok)
{
	if (!a->is_set)
		return;
	if (a->is_pool)
		put_str(obj, key, a->pool, ok);
	else
		put_ipv4(obj, key, a->addr, ok);
}

static void put_mrru(json_t *obj, const char *key, uint16_t mrru, bool *ok)
{
	if (mrru == 0)
		put_str(obj, key, "disabled", ok);
	else
		put_uint(obj, key, mrru, ok);
}

/* keepalive-timeout comes earlier in RouterOS's order, so it is written by the caller. */
static void put_link(json_t *obj, const struct cfg_ppp_link *l, bool *ok)
{
	put_uint(obj, "max-mtu", l->max_mtu, ok);
	put_uint(obj, "max-mru", l->max_mru, ok);
	put_mrru(obj, "mrru", l->mrru, ok);
}

/* Adds obj to arr; NULL obj (allocation failed) is a failure. */
static void append(json_t *arr, json_t *obj, bool *ok)
{
	if (!arr || !obj || json_array_append_new(arr, obj) < 0)
		*ok = false;
}

static json_t *system_json(const struct cfg_system *s, bool *ok)
{
	json_t *o = json_object();

	put_str(o, "identity", s->identity, ok);
	put_word(o, "log-level", &cfg_log_level_words, s->log_level, ok);
	return o;
}

static json_t *dataplane_json(const struct cfg_dataplane *dp, bool *ok)
{
	json_t *o = json_object(), *workers = json_array(), *eal = json_array();

	put_str(o, "lcores", dp->lcores, ok);
	for (unsigned int i = 0; workers && i < dp->n_workers && i < CFG_MAX_WORKERS; i++)
		append(workers, json_integer(dp->workers[i]), ok);
	put(o, "workers", workers, ok);
	put_bool(o, "huge-pages", dp->huge_pages, ok);
	put_uint(o, "memory-mb", dp->memory_mb, ok);
	put_word(o, "poll", &cfg_poll_words, dp->poll, ok);
	put_str(o, "file-prefix", dp->file_prefix, ok);
	for (unsigned int i = 0; eal && i < dp->n_eal_args; i++)
		append(eal, json_string(dp->eal_args[i]), ok);
	put(o, "eal-args", eal, ok);
	return o;
}

static json_t *interface_json(const struct pg_config *cfg, bool *ok)
{
	const struct cfg_pptp_server *sv = &cfg->pptp_server;
	json_t *o = json_object(), *eth = json_array(), *pptp = json_object();
	json_t *server = json_object(), *stat = json_array(), *clients = json_array();

	for (unsigned int i = 0; eth && i < cfg->n_ethernet; i++) {
		const struct cfg_ethernet *e = &cfg->ethernet[i];
		json_t *x = json_object();

		put_str(x, "name", e->name, ok);
		put_str(x, "device", e->device, ok);
		put_uint(x, "mtu", e->mtu, ok);
		put_bool(x, "disabled", e->disabled, ok);
		append(eth, x, ok);
	}
	put(o, "ethernet", eth, ok);

	put_bool(server, "enabled", sv->enabled, ok);
	put_word_set(server, "authentication", &cfg_auth_words, sv->authentication, ok);
	put_str(server, "default-profile", sv->default_profile, ok);
	put_uint(server, "keepalive-timeout", sv->link.keepalive_timeout, ok);
	put_link(server, &sv->link, ok);
	put(pptp, "server", server, ok);
	for (unsigned int i = 0; stat && i < cfg->n_pptp_static; i++) {
		json_t *x = json_object();

		put_str(x, "name", cfg->pptp_static[i].name, ok);
		put_str(x, "user", cfg->pptp_static[i].user, ok);
		append(stat, x, ok);
	}
	put(pptp, "static", stat, ok);
	put(o, "pptp-server", pptp, ok);

	for (unsigned int i = 0; clients && i < cfg->n_pptp_client; i++) {
		const struct cfg_pptp_client *c = &cfg->pptp_client[i];
		json_t *x = json_object();

		put_str(x, "name", c->name, ok);
		put_ipv4(x, "connect-to", c->connect_to, ok);
		put_str(x, "user", c->user, ok);
		put_str(x, "password", c->password, ok);
		put_bool(x, "disabled", c->disabled, ok);
		put_str(x, "profile", c->profile, ok);
		put_uint(x, "keepalive-timeout", c->link.keepalive_timeout, ok);
		put_bool(x, "add-default-route", c->add_default_route, ok);
		put_uint(x, "default-route-distance", c->default_route_distance, ok);
		put_bool(x, "dial-on-demand", c->dial_on_demand, ok);
		put_word_set(x, "allow", &cfg_auth_words, c->allow, ok);
		put_link(x, &c->link, ok);
		append(clients, x, ok);
	}
	put(o, "pptp-client", clients, ok);
	return o;
}

static json_t *ip_json(const struct pg_config *cfg, bool *ok)
{
	json_t *o = json_object(), *addr = json_array(), *route = json_array(), *pool = json_array();
	char buf[CFG_RANGE_STRLEN];

	for (unsigned int i = 0; addr && i < cfg->n_ip_address; i++) {
		json_t *x = json_object();

		put_prefix(x, "address", &cfg->ip_address[i].address, ok);
		put_str(x, "interface", cfg->ip_address[i].interface, ok);
		append(addr, x, ok);
	}
	put(o, "address", addr, ok);
	for (unsigned int i = 0; route && i < cfg->n_ip_route; i++) {
		json_t *x = json_object();

		put_prefix(x, "dst-address", &cfg->ip_route[i].dst, ok);
		if (cfg->ip_route[i].gateway_iface[0])
			put_str(x, "gateway", cfg->ip_route[i].gateway_iface, ok);
		else
			put_ipv4(x, "gateway", cfg->ip_route[i].gateway, ok);
		put_uint(x, "distance", cfg->ip_route[i].distance, ok);
		append(route, x, ok);
	}
	put(o, "route", route, ok);
	for (unsigned int i = 0; pool && i < cfg->n_ip_pool; i++) {
		const struct cfg_ip_pool *p = &cfg->ip_pool[i];
		json_t *x = json_object(), *ranges = json_array();

		put_str(x, "name", p->name, ok);
		for (unsigned int r = 0; ranges && r < p->n_ranges; r++) {
			cfg_format_range(&p->ranges[r], buf, sizeof(buf));
			append(ranges, json_string(buf), ok);
		}
		put(x, "ranges", ranges, ok);
		append(pool, x, ok);
	}
	put(o, "pool", pool, ok);
	return o;
}

static bool addr_or_pool_equal(const struct cfg_addr_or_pool *a, const struct cfg_addr_or_pool *b)
{
	if (a->is_set != b->is_set)
		return false;
	if (!a->is_set)
		return true;
	if (a->is_pool != b->is_pool)
		return false;
	return a->is_pool ? strcmp(a->pool, b->pool) == 0 : a->addr == b->addr;
}

/* True when p carries nothing beyond the built-in profile of its name. */
static bool profile_is_pristine(const struct cfg_ppp_profile *p)
{
	const struct cfg_ppp_profile *b = cfg_builtin_profile(p->name);

	if (!b)
		return false;
	return p->use_encryption == b->use_encryption && p->mppe_mode == b->mppe_mode &&
	       addr_or_pool_equal(&p->local_address, &b->local_address) &&
	       addr_or_pool_equal(&p->remote_address, &b->remote_address) &&
	       p->n_dns_server == b->n_dns_server &&
	       memcmp(p->dns_server, b->dns_server, sizeof(p->dns_server[0]) * p->n_dns_server) == 0 &&
	       p->rate_limit.is_set == b->rate_limit.is_set &&
	       (!p->rate_limit.is_set || (p->rate_limit.rx_bps == b->rate_limit.rx_bps &&
					  p->rate_limit.tx_bps == b->rate_limit.tx_bps)) &&
	       p->session_timeout == b->session_timeout &&
	       p->idle_timeout == b->idle_timeout &&
	       p->only_one == b->only_one;
}

static json_t *profile_json(const struct cfg_ppp_profile *p, bool *ok)
{
	json_t *x = json_object(), *dns = json_array();
	char buf[CFG_RATE_STRLEN];

	put_str(x, "name", p->name, ok);
	put_word(x, "use-encryption", &cfg_use_encryption_words, p->use_encryption, ok);
	if (p->mppe_mode != CFG_MPPE_MODE_ANY)
		put_word(x, "mppe-mode", &cfg_mppe_mode_words, p->mppe_mode, ok);
	put_addr_or_pool(x, "local-address", &p->local_address, ok);
	put_addr_or_pool(x, "remote-address", &p->remote_address, ok);
	for (unsigned int i = 0; dns && i < p->n_dns_server && i < CFG_MAX_DNS; i++) {
		cfg_format_ipv4(p->dns_server[i], buf, sizeof(buf));
		append(dns, json_string(buf), ok);
	}
	put(x, "dns-server", dns, ok);
	if (p->rate_limit.is_set) {
		cfg_format_rate_limit(&p->rate_limit, buf, sizeof(buf));
		put_str(x, "rate-limit", buf, ok);
	} else {
		put(x, "rate-limit", json_null(), ok);
	}
	put_uint(x, "session-timeout", p->session_timeout, ok);
	put_uint(x, "idle-timeout", p->idle_timeout, ok);
	put_word(x, "only-one", &cfg_only_one_words, p->only_one, ok);
	return x;
}

static json_t *ppp_json(const struct pg_config *cfg, bool *ok)
{
	json_t *o = json_object(), *profiles = json_array(), *secrets = json_array();
	json_t *aaa = json_object();

	for (unsigned int i = 0; profiles && i < cfg->n_ppp_profile; i++) {
		const struct cfg_ppp_profile *p = &cfg->ppp_profile[i];

		if (cfg_builtin_profile(p->name) && profile_is_pristine(p))
			continue;
		append(profiles, profile_json(p, ok), ok);
	}
	put(o, "profile", profiles, ok);
	for (unsigned int i = 0; secrets && i < cfg->n_ppp_secret; i++) {
		const struct cfg_ppp_secret *s = &cfg->ppp_secret[i];
		json_t *x = json_object();

		put_str(x, "name", s->name, ok);
		put_str(x, "password", s->password, ok);
		put_str(x, "service", s->service_name, ok);
		put_str(x, "profile", s->profile, ok);
		put_addr_or_pool(x, "local-address", &s->local_address, ok);
		put_addr_or_pool(x, "remote-address", &s->remote_address, ok);
		put_bool(x, "disabled", s->disabled, ok);
		append(secrets, x, ok);
	}
	put(o, "secret", secrets, ok);
	put_bool(aaa, "use-radius", cfg->ppp_aaa.use_radius, ok);
	put_bool(aaa, "accounting", cfg->ppp_aaa.accounting, ok);
	put_uint(aaa, "interim-update", cfg->ppp_aaa.interim_update, ok);
	put(o, "aaa", aaa, ok);
	return o;
}

static json_t *radius_json(const struct pg_config *cfg, bool *ok)
{
	json_t *arr = json_array();
	char buf[CFG_DURATION_STRLEN];

	for (unsigned int i = 0; arr && i < cfg->n_radius; i++) {
		const struct cfg_radius *r = &cfg->radius[i];
		json_t *x = json_object();

		put_ipv4(x, "address", r->address, ok);
		put_str(x, "secret", r->secret, ok);
		put_word_set(x, "service", &cfg_radius_service_words, r->service, ok);
		put_uint(x, "authentication-port", r->authentication_port, ok);
		put_uint(x, "accounting-port", r->accounting_port, ok);
		cfg_format_duration_ms(r->timeout_ms, buf, sizeof(buf));
		put_str(x, "timeout", buf, ok);
		put_ipv4(x, "src-address", r->src_address, ok);
		append(arr, x, ok);
	}
	return arr;
}

#define INDENT_STEP 2

static bool is_scalar(const json_t *v)
{
	return !json_is_object(v) && !json_is_array(v);
}

/*
 * jansson's indenting puts every array element on its own line; an operator
 * reads "workers": [1] more easily, so arrays of scalars stay on one line.
 */
static int emit(FILE *f, const json_t *v, int indent)
{
	const char *key;
	json_t *item;
	size_t i, n = 0;
	bool flat = true;
	char *text;
	int rc;

	if (is_scalar(v)) {
		text = json_dumps(v, JSON_ENCODE_ANY);
		if (!text)
			return -1;
		rc = fputs(text, f) < 0 ? -1 : 0;
		free(text);
		return rc;
	}
	if (json_is_object(v)) {
		if (json_object_size(v) == 0)
			return fputs("{}", f) < 0 ? -1 : 0;
		fputs("{\n", f);
		json_object_foreach((json_t *)v, key, item) {
			json_t *k = json_string(key);

			text = k ? json_dumps(k, JSON_ENCODE_ANY) : NULL;
			json_decref(k);
			if (!text)
				return -1;
			fprintf(f, "%s%*s%s: ", n++ ? ",\n" : "", indent + INDENT_STEP, "", text);
			free(text);
			if (emit(f, item, indent + INDENT_STEP) < 0)
				return -1;
		}
		return fprintf(f, "\n%*s}", indent, "") < 0 ? -1 : 0;
	}
	json_array_foreach(v, i, item)
		flat = flat && is_scalar(item);
	if (flat) {
		fputs("[", f);
		json_array_foreach(v, i, item) {
			if (i)
				fputs(", ", f);
			if (emit(f, item, indent) < 0)
				return -1;
		}
		return fputs("]", f) < 0 ? -1 : 0;
	}
	fputs("[\n", f);
	json_array_foreach(v, i, item) {
		fprintf(f, "%s%*s", i ? ",\n" : "", indent + INDENT_STEP, "");
		if (emit(f, item, indent + INDENT_STEP) < 0)
			return -1;
	}
	return fprintf(f, "\n%*s]", indent, "") < 0 ? -1 : 0;
}

char *cfg_to_json(const struct pg_config *cfg)
{
	json_t *root = json_object(), *mgmt = json_object(), *rin = json_object();
	char *out = NULL;
	size_t out_len = 0;
	bool ok = root != NULL;
	FILE *f = NULL;

	put(root, "system", system_json(&cfg->system, &ok), &ok);
	put(root, "dataplane", dataplane_json(&cfg->dataplane, &ok), &ok);
	put_str(mgmt, "socket", cfg->management.socket, &ok);
	put(root, "management", mgmt, &ok);
	put(root, "interface", interface_json(cfg, &ok), &ok);
	put(root, "ip", ip_json(cfg, &ok), &ok);
	put(root, "ppp", ppp_json(cfg, &ok), &ok);
	put(root, "radius", radius_json(cfg, &ok), &ok);
	put_bool(rin, "accept", cfg->radius_incoming.accept, &ok);
	put_uint(rin, "port", cfg->radius_incoming.port, &ok);
	put(root, "radius-incoming", rin, &ok);
	if (!ok)
		goto fail;
	f = open_memstream(&out, &out_len);
	if (!f)
		goto fail;
	ok = emit(f, root, 0) == 0 && fputs("\n", f) >= 0;
	if (fclose(f) != 0)
		ok = false;
	if (!ok) {
		free(out);
		out = NULL;
	}
fail:
	json_decref(root);
	return out;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Write to PATH.tmp.PID beside the target, fsync, rename over the target,
 * fsync the directory: after a crash either the old or the new file is
 * there, whole. On failure the temp file is removed and errno says why.
 */
int cfg_save_file(const struct pg_config *cfg, const char *path)
{
	char tmp[PATH_MAX], dir[PATH_MAX];
	char *text = NULL;
	struct stat st;
	mode_t mode = NEW_FILE_MODE;
	int fd = -1, dfd = -1, rc = -1, saved_errno = 0;
	bool tmp_made = false;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >= sizeof(tmp) ||
	    (size_t)snprintf(dir, sizeof(dir), "%s", path) >= sizeof(dir)) {
		saved_errno = ENAMETOOLONG;
		goto fail;
	}
	text = cfg_to_json(cfg);
	if (!text) {
		saved_errno = ENOMEM;
		goto fail;
	}
	/* Keep the permissions an operator gave the file. */
	if (stat(path, &st) == 0)
		mode = st.st_mode & MODE_BITS;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0 && errno == EEXIST && unlink(tmp) == 0)  /* left by a crashed run of this pid */
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		goto fail_errno;
	tmp_made = true;
	if (fchmod(fd, mode) < 0 || write_all(fd, text, strlen(text)) < 0 || fsync(fd) < 0)
		goto fail_errno;
	if (close(fd) < 0) {
		fd = -1;
		goto fail_errno;
	}
	fd = -1;
	if (rename(tmp, path) < 0)
		goto fail_errno;
	tmp_made = false;
	dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd) < 0)
		goto fail_errno;
	rc = 0;
	goto out;
fail_errno:
	saved_errno = errno;
fail:
	if (fd >= 0)
		close(fd);
	if (tmp_made)
		unlink(tmp);
out:
	if (dfd >= 0)
		close(dfd);
	free(text);
	if (rc < 0)
		errno = saved_errno;
	return rc;
}
