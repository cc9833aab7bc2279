/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared by the loader's files only, not part of the config API:
 *   config.c         errors and their message text, defaults, free/copy,
 *                    lookups, the load entry points
 *   config_schema.c  the key tables and the per-field parsers that walk the
 *                    JSON tree into struct pg_config
 *   config_check.c   cfg_validate(): cross-references, names, value ranges
 */
#ifndef PPTPGW_CONFIG_PRIV_H
#define PPTPGW_CONFIG_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "config.h"

/* Defaults (RouterOS's where RouterOS has the key; seed documentation). */
#define DEFAULT_IDENTITY        "pptpgw"
#define DEFAULT_LCORES          "0-1"
#define DEFAULT_MEMORY_MB       512
#define DEFAULT_FILE_PREFIX     "pptpgw"
#define DEFAULT_SOCKET          "/run/pptpgw/pptpgw.sock"
#define DEFAULT_LINK_MTU        1450
#define DEFAULT_KEEPALIVE_SERVER 30
#define DEFAULT_KEEPALIVE_CLIENT 60
#define DEFAULT_ETHER_MTU       1500
#define DEFAULT_ROUTE_DISTANCE  1
#define DEFAULT_RADIUS_AUTH_PORT 1812
#define DEFAULT_RADIUS_ACCT_PORT 1813
#define DEFAULT_RADIUS_TIMEOUT_MS 300
#define DEFAULT_RADIUS_INCOMING_PORT 1700
#define PROFILE_DEFAULT         "default"
#define PROFILE_DEFAULT_ENC     "default-encryption"

#define PATH_TEXT_MAX     256   /* JSON path in a message */
#define FIELD_TEXT_MAX    (PATH_TEXT_MAX + 32) /* a path plus one key */
#define MSG_TEXT_MAX      512   /* one error message before the path */
#define VALUE_SHOW_MAX    64    /* bytes of a string value quoted in a message */
#define LCORES_HINT       "(like 0-1 or 0,2,4)"
#define NO_SOURCE_INDEX   UINT32_MAX
#define PORT_MAX          65535
#define DISTANCE_MAX      255

/* ---- config.c ---- */

/* "default" and "default-encryption", in the order they take in ppp_profile. */
#define N_BUILTIN_PROFILES 2
extern const struct cfg_ppp_profile cfg_builtin_profiles[N_BUILTIN_PROFILES];

static inline void cfg_set_str(char *dst, size_t size, const char *s)
{
	memset(dst, 0, size);
	snprintf(dst, size, "%s", s);
}

void cfg_link_defaults(struct cfg_ppp_link *l, uint32_t keepalive);
void cfg_free_pool(void *elem);                 /* an ip_pool's ranges */
void cfg_free_eal_args(struct cfg_dataplane *dp);
void *cfg_memdup(const void *src, size_t n, size_t size); /* NULL when n is 0 */

/* Message text: user values are quoted, control characters escaped, long ones cut. */
bool cfg_is_control(unsigned char c);
size_t cfg_utf8_cut(const char *s, size_t n);
void cfg_quote(const char *s, size_t n, char *buf, size_t len);
void cfg_quote_str(const char *s, char *buf, size_t len);

/* ---- config_schema.c ---- */

/* What the walk over one JSON document tells the checks that follow it. */
struct cfg_walk {
	unsigned int n_errors;        /* reported so far */
	uint32_t *profile_src;        /* JSON index of each ppp_profile entry; free() it */
	bool lcores_failed;           /* dataplane.lcores was rejected */
};

/*
 * Fill *cfg (holding the defaults) from root, reporting into err. -1 when
 * the document could not be walked (not an object, out of memory): *w then
 * still owns what it holds.
 */
int cfg_schema_walk(json_t *root, struct pg_config *cfg, struct cfg_errors *err,
		    struct cfg_walk *w);

/* ---- config_check.c ---- */

/* DPDK builds paths from the prefix: keep it to a plain file-name word. */
bool cfg_file_prefix_ok(const char *s);

/*
 * cfg_validate() with what the walk learned (NULL after CLI edits): list
 * paths then name JSON entries, and what the walk reported is not repeated.
 * Returns the number of errors added.
 */
unsigned int cfg_check(const struct pg_config *cfg, struct cfg_errors *err,
		       const struct cfg_walk *w);

#endif /* PPTPGW_CONFIG_PRIV_H */
