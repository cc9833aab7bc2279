/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * JSON config -> validated struct pg_config: the entry points, and what the
 * rest of the loader shares (collected errors and their message text,
 * defaults, free and copy, lookups).
 *
 * Loading is three steps: JSON text -> tree (jansson), the schema walk that
 * fills the struct and reports every bad key or value with its JSON path
 * (config_schema.c), then the cross-reference checks the CLI also runs after
 * edits (config_check.c). The writer is in config_json.c, value syntax in
 * config_values.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "config.h"
#include "config_priv.h"

#define CFG_FILE_MAX      (16u * 1024u * 1024u) /* bytes; far above any real config */
#define ASCII_DEL         0x7f

/* ------------------------------------------------------------------ errors */

void cfg_errors_init(struct cfg_errors *e)
{
	memset(e, 0, sizeof(*e));
}

static void errors_append(struct cfg_errors *e, char *m)
{
	char **grown = realloc(e->msg, (e->n + 1) * sizeof(*grown));

	if (!grown) {
		free(m);
		return;
	}
	e->msg = grown;
	e->msg[e->n++] = m;
}

/* Past CFG_ERRORS_MAX, one last line counts what was left out. */
void cfg_errors_add(struct cfg_errors *e, const char *fmt, ...)
{
	char *m = NULL;
	va_list ap;
	int rc;

	if (!e)
		return;
	if (e->n_dropped > 0 || e->n == CFG_ERRORS_MAX) {
		e->n_dropped++;
		if (asprintf(&m, "%u more error%s not shown", e->n_dropped,
			     e->n_dropped == 1 ? "" : "s") < 0)
			return;
		if (e->n_dropped == 1) {
			errors_append(e, m);
		} else {
			free(e->msg[e->n - 1]);
			e->msg[e->n - 1] = m;
		}
		return;
	}
	va_start(ap, fmt);
	rc = vasprintf(&m, fmt, ap);
	va_end(ap);
	if (rc < 0)
		return;
	errors_append(e, m);
}

void cfg_errors_free(struct cfg_errors *e)
{
	for (unsigned int i = 0; i < e->n; i++)
		free(e->msg[i]);
	free(e->msg);
	cfg_errors_init(e);
}

/* ------------------------------------------------------------ message text */

bool cfg_is_control(unsigned char c)
{
	return c < ' ' || c == ASCII_DEL;
}

/* Cut points must not split a UTF-8 sequence: step back over continuation bytes. */
size_t cfg_utf8_cut(const char *s, size_t n)
{
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)  /* 10xxxxxx */
		n--;
	return n;
}

/*
 * Quote n bytes of s JSON-style for a message, cut at VALUE_SHOW_MAX bytes
 * (on a UTF-8 boundary) with "..." so a huge value cannot flood the log.
 */
void cfg_quote(const char *s, size_t n, char *buf, size_t len)
{
	size_t used = 0, shown = n;
	bool cut = false;

	if (shown > VALUE_SHOW_MAX) {
		shown = cfg_utf8_cut(s, VALUE_SHOW_MAX);
		cut = true;
	}
#define PUT(...)                                                              \
	do {                                                                  \
		int w_ = snprintf(buf + used, len - used, __VA_ARGS__);       \
		if (w_ < 0 || (size_t)w_ >= len - used)                       \
			return;                                               \
		used += (size_t)w_;                                           \
	} while (0)
	if (len == 0)
		return;
	buf[0] = '\0';
	PUT("\"");
	for (size_t i = 0; i < shown; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			PUT("\\%c", c);
		else if (c == '\n')
			PUT("\\n");
		else if (c == '\t')
			PUT("\\t");
		else if (cfg_is_control(c))
			PUT("\\u%04x", c);
		else
			PUT("%c", c);
	}
	PUT("%s\"", cut ? "..." : "");
#undef PUT
}

void cfg_quote_str(const char *s, char *buf, size_t len)
{
	cfg_quote(s, strlen(s), buf, len);
}

/* ---------------------------------------------------- defaults, free, copy */

const struct cfg_ppp_profile cfg_builtin_profiles[N_BUILTIN_PROFILES] = {
	{ .name = PROFILE_DEFAULT, .use_encryption = CFG_ENC_DEFAULT, .builtin = true },
	{ .name = PROFILE_DEFAULT_ENC, .use_encryption = CFG_ENC_YES, .builtin = true },
};

const struct cfg_ppp_profile *cfg_builtin_profile(const char *name)
{
	for (size_t i = 0; i < N_BUILTIN_PROFILES; i++)
		if (strcmp(cfg_builtin_profiles[i].name, name) == 0)
			return &cfg_builtin_profiles[i];
	return NULL;
}

void cfg_link_defaults(struct cfg_ppp_link *l, uint32_t keepalive)
{
	l->max_mtu = DEFAULT_LINK_MTU;
	l->max_mru = DEFAULT_LINK_MTU;
	l->mrru = 0;
	l->keepalive_timeout = keepalive;
}

void cfg_init_defaults(struct pg_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg_set_str(cfg->system.identity, sizeof(cfg->system.identity), DEFAULT_IDENTITY);
	cfg->system.log_level = CFG_LOG_INFO;

	cfg_set_str(cfg->dataplane.lcores, sizeof(cfg->dataplane.lcores), DEFAULT_LCORES);
	cfg->dataplane.workers[0] = 1;
	cfg->dataplane.n_workers = 1;
	cfg->dataplane.huge_pages = false;
	cfg->dataplane.memory_mb = DEFAULT_MEMORY_MB;
	cfg->dataplane.poll = CFG_POLL_ADAPTIVE;
	cfg_set_str(cfg->dataplane.file_prefix, sizeof(cfg->dataplane.file_prefix), DEFAULT_FILE_PREFIX);

	cfg_set_str(cfg->management.socket, sizeof(cfg->management.socket), DEFAULT_SOCKET);

	cfg->pptp_server.enabled = false;
	cfg->pptp_server.authentication = CFG_AUTH_MSCHAP1 | CFG_AUTH_MSCHAP2;
	cfg_set_str(cfg->pptp_server.default_profile, sizeof(cfg->pptp_server.default_profile),
		PROFILE_DEFAULT_ENC);
	cfg_link_defaults(&cfg->pptp_server.link, DEFAULT_KEEPALIVE_SERVER);

	cfg->ppp_aaa.use_radius = false;
	cfg->ppp_aaa.accounting = true;
	cfg->ppp_aaa.interim_update = 0;

	cfg->radius_incoming.accept = false;
	cfg->radius_incoming.port = DEFAULT_RADIUS_INCOMING_PORT;

	/* Without memory the list stays empty and cfg_validate says so. */
	cfg->ppp_profile = calloc(N_BUILTIN_PROFILES, sizeof(*cfg->ppp_profile));
	if (cfg->ppp_profile) {
		memcpy(cfg->ppp_profile, cfg_builtin_profiles, sizeof(cfg_builtin_profiles));
		cfg->n_ppp_profile = N_BUILTIN_PROFILES;
	}
}

void cfg_free_pool(void *elem)
{
	struct cfg_ip_pool *pool = elem;

	free(pool->ranges);
	pool->ranges = NULL;
	pool->n_ranges = 0;
}

void cfg_free_eal_args(struct cfg_dataplane *dp)
{
	for (unsigned int i = 0; i < dp->n_eal_args; i++)
		free(dp->eal_args[i]);
	free(dp->eal_args);
	dp->eal_args = NULL;
	dp->n_eal_args = 0;
}

void cfg_free(struct pg_config *cfg)
{
	cfg_free_eal_args(&cfg->dataplane);
	for (unsigned int i = 0; i < cfg->n_ip_pool; i++)
		cfg_free_pool(&cfg->ip_pool[i]);
	free(cfg->ethernet);
	free(cfg->pptp_static);
	free(cfg->pptp_client);
	free(cfg->ip_address);
	free(cfg->ip_route);
	free(cfg->ip_pool);
	free(cfg->ppp_profile);
	free(cfg->ppp_secret);
	free(cfg->radius);
	memset(cfg, 0, sizeof(*cfg));
}

void *cfg_memdup(const void *src, size_t n, size_t size)
{
	void *p;

	if (n == 0 || !src)
		return NULL;
	p = calloc(n, size);
	if (p)
		memcpy(p, src, n * size);
	return p;
}

/* Copy a list; on failure the count stays 0 so cfg_free stays safe. */
#define COPY_LIST(dst, src, field, count)                                           \
	do {                                                                        \
		(dst)->field = cfg_memdup((src)->field, (src)->count, sizeof(*(src)->field)); \
		if ((src)->count && !(dst)->field)                                  \
			goto fail;                                                  \
		(dst)->count = (src)->count;                                        \
	} while (0)

int cfg_copy(struct pg_config *dst, const struct pg_config *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->system = src->system;
	dst->dataplane = src->dataplane;
	dst->dataplane.eal_args = NULL;
	dst->dataplane.n_eal_args = 0;
	dst->management = src->management;
	dst->pptp_server = src->pptp_server;
	dst->ppp_aaa = src->ppp_aaa;
	dst->radius_incoming = src->radius_incoming;

	if (src->dataplane.n_eal_args) {
		dst->dataplane.eal_args = calloc(src->dataplane.n_eal_args, sizeof(char *));
		if (!dst->dataplane.eal_args)
			goto fail;
		for (unsigned int i = 0; i < src->dataplane.n_eal_args; i++) {
			dst->dataplane.eal_args[i] = strdup(src->dataplane.eal_args[i]);
			if (!dst->dataplane.eal_args[i])
				goto fail;
			dst->dataplane.n_eal_args = i + 1;
		}
	}
	COPY_LIST(dst, src, ethernet, n_ethernet);
	COPY_LIST(dst, src, pptp_static, n_pptp_static);
	COPY_LIST(dst, src, pptp_client, n_pptp_client);
	COPY_LIST(dst, src, ip_address, n_ip_address);
	COPY_LIST(dst, src, ip_route, n_ip_route);
	COPY_LIST(dst, src, ppp_profile, n_ppp_profile);
	COPY_LIST(dst, src, ppp_secret, n_ppp_secret);
	COPY_LIST(dst, src, radius, n_radius);
	COPY_LIST(dst, src, ip_pool, n_ip_pool);
	for (unsigned int i = 0; i < dst->n_ip_pool; i++) {
		dst->ip_pool[i].ranges = NULL;
		dst->ip_pool[i].n_ranges = 0;
	}
	for (unsigned int i = 0; i < dst->n_ip_pool; i++) {
		const struct cfg_ip_pool *sp = &src->ip_pool[i];

		dst->ip_pool[i].ranges = cfg_memdup(sp->ranges, sp->n_ranges, sizeof(*sp->ranges));
		if (sp->n_ranges && !dst->ip_pool[i].ranges)
			goto fail;
		dst->ip_pool[i].n_ranges = sp->n_ranges;
	}
	return 0;
fail:
	cfg_free(dst);
	return -1;
}

void cfg_store_uint(void *dst, size_t size, uint64_t v)
{
	switch (size) {
	case sizeof(uint8_t): { uint8_t x = (uint8_t)v; memcpy(dst, &x, size); break; }
	case sizeof(uint16_t): { uint16_t x = (uint16_t)v; memcpy(dst, &x, size); break; }
	case sizeof(uint32_t): { uint32_t x = (uint32_t)v; memcpy(dst, &x, size); break; }
	case sizeof(uint64_t): memcpy(dst, &v, size); break;
	default: break;
	}
}

/* ----------------------------------------------------------------- lookups */

const struct cfg_ppp_profile *cfg_find_profile(const struct pg_config *cfg, const char *name)
{
	for (unsigned int i = 0; i < cfg->n_ppp_profile; i++)
		if (strcmp(cfg->ppp_profile[i].name, name) == 0)
			return &cfg->ppp_profile[i];
	return NULL;
}

const struct cfg_ip_pool *cfg_find_pool(const struct pg_config *cfg, const char *name)
{
	for (unsigned int i = 0; i < cfg->n_ip_pool; i++)
		if (strcmp(cfg->ip_pool[i].name, name) == 0)
			return &cfg->ip_pool[i];
	return NULL;
}

const struct cfg_ethernet *cfg_find_ethernet(const struct pg_config *cfg, const char *name)
{
	for (unsigned int i = 0; i < cfg->n_ethernet; i++)
		if (strcmp(cfg->ethernet[i].name, name) == 0)
			return &cfg->ethernet[i];
	return NULL;
}

/* ----------------------------------------------------------------- loading */

static bool is_blank(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\n' && buf[i] != '\r')
			return false;
	return true;
}

int cfg_load_buffer(const char *buf, size_t len, struct pg_config *cfg, struct cfg_errors *err)
{
	struct cfg_walk walk = { 0 };
	json_error_t jerr;
	json_t *root = NULL;
	int rc = -1;

	cfg_init_defaults(cfg);
	if (is_blank(buf, len)) {
		cfg_errors_add(err, "config is empty");
		goto fail;
	}
	if (memchr(buf, '\0', len)) {
		cfg_errors_add(err, "config contains a NUL byte");
		goto fail;
	}
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
	if (!root) {
		cfg_errors_add(err, "line %d, column %d: %s", jerr.line, jerr.column, jerr.text);
		goto fail;
	}
	if (cfg_schema_walk(root, cfg, err, &walk) < 0)
		goto fail;
	walk.n_errors += cfg_check(cfg, err, &walk);
	if (walk.n_errors)
		goto fail;
	rc = 0;
fail:
	json_decref(root);
	free(walk.profile_src);
	if (rc)
		cfg_free(cfg);
	return rc;
}

int cfg_load_string(const char *json, struct pg_config *cfg, struct cfg_errors *err)
{
	return cfg_load_buffer(json, strlen(json), cfg, err);
}

int cfg_load_file(const char *path, struct pg_config *cfg, struct cfg_errors *err)
{
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	int fd, rc = -1;

	memset(cfg, 0, sizeof(*cfg));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		cfg_errors_add(err, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (fstat(fd, &st) < 0) {
		cfg_errors_add(err, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		cfg_errors_add(err, "%s: not a regular file", path);
		goto fail;
	}
	if ((uintmax_t)st.st_size > CFG_FILE_MAX) {
		cfg_errors_add(err, "%s: %jd bytes is too large (at most %u)", path,
			       (intmax_t)st.st_size, CFG_FILE_MAX);
		goto fail;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		cfg_errors_add(err, "%s: out of memory", path);
		goto fail;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			cfg_errors_add(err, "%s: %s", path, strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	rc = cfg_load_buffer(buf, got, cfg, err);
fail:
	if (fd >= 0)
		close(fd);
	free(buf);
	return rc;
}
