/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The appliance's configuration: one JSON file whose tree mirrors RouterOS
 * menus (DESIGN.md section 3). Parsed once into this validated struct; every
 * later change (CLI) edits the struct and writes it back atomically.
 *
 * Strings are NUL-terminated and bounded; lists are heap arrays with a count.
 * Defaults are RouterOS's (seed documentation).
 */
#ifndef PPTPGW_CONFIG_H
#define PPTPGW_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CFG_NAME_MAX      64   /* interface, profile, pool, user names */
#define CFG_SECRET_MAX    128  /* passwords, RADIUS secrets */
#define CFG_DEVICE_MAX    256  /* DPDK device string (PCI address or vdev args) */
#define CFG_PATH_MAX      108  /* sun_path size */
#define CFG_MAX_WORKERS   16
#define CFG_MAX_DNS       2

/* Value ranges the loader enforces (and the CLI should too). */
#define CFG_MTU_MIN       64      /* max-mtu, max-mru */
#define CFG_MTU_MAX       65535
#define CFG_MRRU_MIN      1500    /* mrru when not "disabled" */
#define CFG_MRRU_MAX      16384
#define CFG_KEEPALIVE_MIN 1       /* keepalive-timeout, seconds */
#define CFG_KEEPALIVE_MAX 86400
#define CFG_ETHER_MTU_MIN 68      /* RFC 791 minimum */
#define CFG_ETHER_MTU_MAX 9216    /* common jumbo-frame limit */
#define CFG_MEMORY_MB_MIN 64
#define CFG_MEMORY_MB_MAX (1024u * 1024u)
#define CFG_RADIUS_TIMEOUT_MIN_MS 1
#define CFG_RADIUS_TIMEOUT_MAX_MS 60000
#define CFG_LCORE_ID_MAX  1023    /* highest lcore id an lcore list may name */
#define CFG_MAX_EAL_ARGS  64
#define CFG_EAL_ARG_MAX   256     /* bytes per EAL argument, NUL included */
#define CFG_MAX_LIST      262144  /* entries in any one list (secrets, pools, ...) */
#define CFG_MAX_POOL_RANGES 64   /* ranges in one /ip/pool entry */
#define CFG_ERRORS_MAX    100     /* messages kept; the rest are counted in one last line */

enum cfg_log_level {
	CFG_LOG_ERROR,
	CFG_LOG_WARNING,
	CFG_LOG_INFO,
	CFG_LOG_DEBUG,
};

enum cfg_poll_mode {
	CFG_POLL_ADAPTIVE,  /* idle workers back off (default: shared cores) */
	CFG_POLL_BUSY,      /* spin always (dedicated cores) */
};

/* Authentication methods, as a bit set (RouterOS: pap, chap, mschap1, mschap2). */
enum cfg_auth {
	CFG_AUTH_PAP     = 1u << 0,
	CFG_AUTH_CHAP    = 1u << 1,
	CFG_AUTH_MSCHAP1 = 1u << 2,
	CFG_AUTH_MSCHAP2 = 1u << 3,
};
#define CFG_AUTH_ALL (CFG_AUTH_PAP | CFG_AUTH_CHAP | CFG_AUTH_MSCHAP1 | CFG_AUTH_MSCHAP2)

/* /ppp/profile use-encryption */
enum cfg_use_encryption {
	CFG_ENC_DEFAULT,  /* "default": allowed, not required */
	CFG_ENC_NO,       /* "no": refused */
	CFG_ENC_YES,      /* "yes": required */
	CFG_ENC_REQUIRED, /* "required": same as yes (RouterOS accepts both) */
};

/*
 * /ppp/profile mppe-mode (pptpgw's own: RouterOS has no knob for it). Which
 * MPPE mode (RFC 3078 2, the H bit) a session may use: "any" offers
 * stateless and takes what the peer asks for; "stateless" or "stateful" is
 * the only one accepted, and a peer asking for the other is Nak'd to it.
 */
enum cfg_mppe_mode {
	CFG_MPPE_MODE_ANY,
	CFG_MPPE_MODE_STATELESS,
	CFG_MPPE_MODE_STATEFUL,
};

/* /ppp/profile only-one */
enum cfg_only_one {
	CFG_ONLY_ONE_DEFAULT,
	CFG_ONLY_ONE_NO,
	CFG_ONLY_ONE_YES,
};

/* IPv4 address in host byte order plus prefix length. */
struct cfg_prefix {
	uint32_t addr;
	uint8_t len;
};

/* The netmask of a prefix length, host order: 0 for /0, all ones from /32 up. */
static inline uint32_t cfg_prefix_mask(uint8_t len)
{
	return len == 0 ? 0 : len >= 32 ? UINT32_MAX : ~(UINT32_MAX >> len);
}

struct cfg_system {
	char identity[CFG_NAME_MAX];          /* default "pptpgw" */
	enum cfg_log_level log_level;         /* default info */
};

struct cfg_dataplane {
	char lcores[64];                      /* EAL -l list, default "0-1" */
	uint16_t workers[CFG_MAX_WORKERS];    /* worker lcore ids, default [1] */
	unsigned int n_workers;
	bool huge_pages;                      /* default false (adds --no-huge) */
	uint32_t memory_mb;                   /* default 512 */
	enum cfg_poll_mode poll;              /* default adaptive */
	char file_prefix[CFG_NAME_MAX];       /* default "pptpgw" */
	char **eal_args;                      /* extra EAL arguments, verbatim */
	unsigned int n_eal_args;
};

struct cfg_management {
	char socket[CFG_PATH_MAX];            /* default /run/pptpgw/pptpgw.sock */
};

struct cfg_ethernet {
	char name[CFG_NAME_MAX];              /* "ether1" */
	char device[CFG_DEVICE_MAX];          /* "0000:03:00.1" or "net_af_packet0,iface=wan0" */
	uint16_t mtu;                         /* default 1500 */
	bool disabled;                        /* default false */
};

/* "mrru": "disabled" or a size. 0 means disabled. */
struct cfg_ppp_link {
	uint16_t max_mtu;                     /* default 1450 */
	uint16_t max_mru;                     /* default 1450 */
	uint16_t mrru;                        /* 0 = disabled; else 1500..16384 */
	uint32_t keepalive_timeout;           /* seconds; 30 server, 60 client */
};

struct cfg_pptp_server {
	bool enabled;                         /* default false (RouterOS) */
	uint32_t authentication;              /* enum cfg_auth set; default mschap1,mschap2 */
	char default_profile[CFG_NAME_MAX];   /* default "default-encryption" */
	struct cfg_ppp_link link;
};

struct cfg_pptp_static {
	char name[CFG_NAME_MAX];
	char user[CFG_NAME_MAX];
};

struct cfg_pptp_client {
	char name[CFG_NAME_MAX];
	uint32_t connect_to;                  /* IPv4 host order; required */
	char user[CFG_NAME_MAX];
	char password[CFG_SECRET_MAX];
	bool disabled;                        /* default true */
	char profile[CFG_NAME_MAX];           /* default "default-encryption" */
	bool add_default_route;               /* default false */
	uint8_t default_route_distance;       /* default 1 */
	bool dial_on_demand;                  /* default false */
	uint32_t allow;                       /* enum cfg_auth set; default all four */
	struct cfg_ppp_link link;             /* keepalive default 60 */
};

struct cfg_ip_address {
	struct cfg_prefix address;            /* "192.0.2.1/24" */
	char interface[CFG_NAME_MAX];         /* must name an ethernet entry */
};

struct cfg_ip_route {
	struct cfg_prefix dst;                /* "0.0.0.0/0" */
	uint32_t gateway;                     /* IPv4 host order; 0 when gateway_iface is set */
	/*
	 * RouterOS gateway=<interface>: a pptp-client or pptp-server static
	 * interface; the route is active while that tunnel runs. "" for an
	 * address gateway.
	 */
	char gateway_iface[CFG_NAME_MAX];
	uint8_t distance;                     /* default 1 */
};

struct cfg_ip_range {
	uint32_t first, last;                 /* inclusive, host order */
};

struct cfg_ip_pool {
	char name[CFG_NAME_MAX];
	struct cfg_ip_range *ranges;          /* "10.0.0.10-10.0.0.254" or a prefix */
	unsigned int n_ranges;
};

/*
 * A remote/local address is either an IPv4 address or the name of a pool.
 * Empty (is_set false) means "not given here": inherit.
 */
struct cfg_addr_or_pool {
	bool is_set;
	bool is_pool;
	uint32_t addr;                        /* when !is_pool */
	char pool[CFG_NAME_MAX];              /* when is_pool */
};

struct cfg_rate_limit {
	bool is_set;
	uint64_t rx_bps;                      /* RouterOS "rx/tx": rx is what the router receives from the client */
	uint64_t tx_bps;
};

struct cfg_ppp_profile {
	char name[CFG_NAME_MAX];
	enum cfg_use_encryption use_encryption;  /* default "default" */
	enum cfg_mppe_mode mppe_mode;            /* default "any" */
	struct cfg_addr_or_pool local_address;
	struct cfg_addr_or_pool remote_address;
	uint32_t dns_server[CFG_MAX_DNS];
	unsigned int n_dns_server;
	struct cfg_rate_limit rate_limit;        /* null = unlimited */
	uint32_t session_timeout;                /* seconds, 0 = none */
	uint32_t idle_timeout;                   /* seconds, 0 = none */
	enum cfg_only_one only_one;
	bool builtin;                            /* "default" / "default-encryption": not written back unless changed */
};

/* Secret services (RouterOS: any, async, l2tp, ovpn, pppoe, pptp, sstp). */
enum cfg_service {
	CFG_SERVICE_ANY,
	CFG_SERVICE_PPTP,
	CFG_SERVICE_OTHER,  /* a valid RouterOS service that never matches PPTP */
};

struct cfg_ppp_secret {
	char name[CFG_NAME_MAX];
	char password[CFG_SECRET_MAX];
	enum cfg_service service;             /* default any */
	char service_name[16];                /* the word as written, for print */
	char profile[CFG_NAME_MAX];           /* default "default" */
	struct cfg_addr_or_pool local_address;
	struct cfg_addr_or_pool remote_address;
	bool disabled;                        /* default false */
};

struct cfg_ppp_aaa {
	bool use_radius;                      /* default false */
	bool accounting;                      /* default true */
	uint32_t interim_update;              /* seconds, 0 = off */
};

/* /radius service, as a bit set (index order of cfg_radius_service_words). */
enum cfg_radius_service {
	CFG_RADIUS_SVC_PPP      = 1u << 0,
	CFG_RADIUS_SVC_LOGIN    = 1u << 1,
	CFG_RADIUS_SVC_HOTSPOT  = 1u << 2,
	CFG_RADIUS_SVC_WIRELESS = 1u << 3,
	CFG_RADIUS_SVC_DHCP     = 1u << 4,
	CFG_RADIUS_SVC_IPSEC    = 1u << 5,
	CFG_RADIUS_SVC_DOT1X    = 1u << 6,
};

struct cfg_radius {
	uint32_t address;                     /* IPv4 host order */
	char secret[CFG_SECRET_MAX];
	bool service_ppp;                     /* service contains "ppp" */
	uint32_t service;                     /* enum cfg_radius_service set; default empty (RouterOS) */
	uint16_t authentication_port;         /* default 1812 */
	uint16_t accounting_port;             /* default 1813 */
	uint32_t timeout_ms;                  /* default 300 ms */
	uint32_t src_address;                 /* 0 = any */
};

struct cfg_radius_incoming {
	bool accept;                          /* default false */
	uint16_t port;                        /* default 1700 */
};

struct pg_config {
	struct cfg_system system;
	struct cfg_dataplane dataplane;
	struct cfg_management management;

	struct cfg_ethernet *ethernet;
	unsigned int n_ethernet;

	struct cfg_pptp_server pptp_server;
	struct cfg_pptp_static *pptp_static;
	unsigned int n_pptp_static;

	struct cfg_pptp_client *pptp_client;
	unsigned int n_pptp_client;

	struct cfg_ip_address *ip_address;
	unsigned int n_ip_address;
	struct cfg_ip_route *ip_route;
	unsigned int n_ip_route;
	struct cfg_ip_pool *ip_pool;
	unsigned int n_ip_pool;

	/*
	 * Profiles always include the built-ins: [0] "default", [1]
	 * "default-encryption" (redefined in place when the config lists them),
	 * then the config's own profiles in file order.
	 */
	struct cfg_ppp_profile *ppp_profile;
	unsigned int n_ppp_profile;
	struct cfg_ppp_secret *ppp_secret;
	unsigned int n_ppp_secret;
	struct cfg_ppp_aaa ppp_aaa;

	struct cfg_radius *radius;
	unsigned int n_radius;
	struct cfg_radius_incoming radius_incoming;
};

/*
 * Errors are collected, not printed: each one is a full sentence naming the
 * JSON path, the value and what was expected, e.g.
 *   ip.address[0].address: "192.0.2.300/24" is not an IPv4 prefix
 */
struct cfg_errors {
	char **msg;
	unsigned int n;
	unsigned int n_dropped;  /* beyond CFG_ERRORS_MAX; msg[n - 1] then says how many */
};

void cfg_errors_init(struct cfg_errors *e);
void cfg_errors_add(struct cfg_errors *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void cfg_errors_free(struct cfg_errors *e);

/* Fill *cfg with RouterOS defaults and the built-in profiles. */
void cfg_init_defaults(struct pg_config *cfg);

/*
 * Parse and validate. On any error returns -1 and leaves *cfg freed. *cfg is
 * output only (its old contents are not freed). err may be NULL.
 */
int cfg_load_file(const char *path, struct pg_config *cfg, struct cfg_errors *err);
int cfg_load_string(const char *json, struct pg_config *cfg, struct cfg_errors *err);
int cfg_load_buffer(const char *buf, size_t len, struct pg_config *cfg, struct cfg_errors *err);

/*
 * Cross-reference checks (interfaces, profiles, pools exist; names unique;
 * workers inside lcores) and value ranges. Also used after CLI edits; list
 * paths are then struct indices. 0, or -1 with the messages added to err.
 */
int cfg_validate(const struct pg_config *cfg, struct cfg_errors *err);

/*
 * Serialise back to JSON (RouterOS names; defaults included so the file is
 * self-describing). Caller frees with free(). NULL when out of memory or a
 * string is not valid UTF-8 (the loader only ever stores UTF-8).
 */
char *cfg_to_json(const struct pg_config *cfg);

/*
 * Write atomically: PATH.tmp.PID in the same directory, fsync, rename, fsync
 * the directory. A new file is mode 0600 (it holds passwords); an existing
 * file keeps its mode. 0, or -1 with errno set; on failure before the rename
 * the old file is untouched and the temp file removed.
 */
int cfg_save_file(const struct pg_config *cfg, const char *path);

/* Zeroes *cfg afterwards, so a second cfg_free is harmless. */
void cfg_free(struct pg_config *cfg);

/* Deep copy (e.g. edit a copy, validate, then swap). 0, or -1 on ENOMEM with *dst zeroed. */
int cfg_copy(struct pg_config *dst, const struct pg_config *src);

/* The pristine built-in profile of that name ("default", "default-encryption"), else NULL. */
const struct cfg_ppp_profile *cfg_builtin_profile(const char *name);

/*
 * Store v in an unsigned integer, bool or enum member of size 1, 2, 4 or 8
 * bytes, cut to that size: for tables that name members by offset (the
 * loader's schema, the CLI's property lists).
 */
void cfg_store_uint(void *dst, size_t size, uint64_t v);

/* Lookups (NULL if absent). */
const struct cfg_ppp_profile *cfg_find_profile(const struct pg_config *cfg, const char *name);
const struct cfg_ip_pool *cfg_find_pool(const struct pg_config *cfg, const char *name);
const struct cfg_ethernet *cfg_find_ethernet(const struct pg_config *cfg, const char *name);

/*
 * Shared value parsers (also used by the CLI). Return 0 on success, else
 * CFG_PARSE_SYNTAX, or CFG_PARSE_RANGE where noted (defined below).
 * Strict: the whole string must match; no spaces, signs or leading zeros.
 */
int cfg_parse_ipv4(const char *s, uint32_t *out);               /* "192.0.2.1" */
int cfg_parse_prefix(const char *s, struct cfg_prefix *out);    /* "192.0.2.1/24"; bare address = /32 */
int cfg_parse_duration(const char *s, uint32_t *seconds);       /* "30", "30s", "1m", "1h30m", "1d", "2w"; RANGE */
int cfg_parse_duration_ms(const char *s, uint32_t *ms);         /* adds "300ms"; a bare number is seconds; RANGE */
int cfg_parse_auth_list(const char *s, uint32_t *set);          /* "pap,chap,mschap1,mschap2" */
int cfg_parse_rate_limit(const char *s, struct cfg_rate_limit *out); /* "10M/20M", "512k" (both ways), "" unset; RANGE */
int cfg_parse_mrru(const char *s, uint16_t *out);               /* "disabled" (0) or 1500..16384; RANGE */
int cfg_parse_use_encryption(const char *s, enum cfg_use_encryption *out);
/*
 * Parsers that can tell why they failed return CFG_PARSE_SYNTAX for a
 * malformed value and CFG_PARSE_RANGE for a well-formed one out of range.
 */
#define CFG_PARSE_SYNTAX (-1)
#define CFG_PARSE_RANGE  (-2)
int cfg_parse_uint(const char *s, uint64_t max, uint64_t *out); /* strict decimal, no sign/space */
int cfg_parse_bool(const char *s, bool *out);                   /* "yes" / "no" */
int cfg_parse_range(const char *s, struct cfg_ip_range *out);   /* "a-b", a prefix, or one address; RANGE if a > b */
int cfg_parse_service(const char *s, enum cfg_service *out);    /* any, async, l2tp, ... */

/*
 * EAL lcore lists ("0-1", "0,2,4", "0-3,8"). The EAL's main lcore is the
 * lowest id in the list; the rest may be workers.
 */
#define CFG_LCORE_WORDS ((CFG_LCORE_ID_MAX + 64) / 64)
struct cfg_lcore_set {
	uint64_t bits[CFG_LCORE_WORDS];
};
int cfg_parse_lcores(const char *s, struct cfg_lcore_set *out); /* RANGE: an id above CFG_LCORE_ID_MAX */
bool cfg_lcore_set_has(const struct cfg_lcore_set *set, unsigned int id);
int cfg_lcore_set_first(const struct cfg_lcore_set *set);      /* -1 if empty */

/* A closed set of RouterOS words; an enum's value (or bit number) is the index. */
struct cfg_words {
	const char *const *names;
	unsigned int n;
	const char *list;                    /* "default, no, yes, required" */
};
extern const struct cfg_words cfg_use_encryption_words;
extern const struct cfg_words cfg_mppe_mode_words;
extern const struct cfg_words cfg_only_one_words;
extern const struct cfg_words cfg_log_level_words;
extern const struct cfg_words cfg_poll_words;
extern const struct cfg_words cfg_auth_words;           /* bit i of enum cfg_auth */
extern const struct cfg_words cfg_service_words;        /* any, async, l2tp, ovpn, pppoe, pptp, sstp */
extern const struct cfg_words cfg_radius_service_words; /* bit i of enum cfg_radius_service */
int cfg_word_index(const struct cfg_words *w, const char *s);   /* -1 if not in the set */
const char *cfg_word_name(const struct cfg_words *w, unsigned int i); /* "?" if out of range */

/* Formatting helpers shared by print commands and the JSON writer. */
const char *cfg_use_encryption_name(enum cfg_use_encryption e);
void cfg_format_auth_list(uint32_t set, char *buf, size_t len); /* "pap,chap,mschap1,mschap2" */
void cfg_format_ipv4(uint32_t addr, char *buf, size_t len);
void cfg_format_prefix(const struct cfg_prefix *p, char *buf, size_t len);
void cfg_format_duration(uint32_t seconds, char *buf, size_t len); /* RouterOS style "1h30m" */
void cfg_format_duration_ms(uint32_t ms, char *buf, size_t len);  /* "300ms" */
void cfg_format_range(const struct cfg_ip_range *r, char *buf, size_t len); /* "a-b", prefix or address */
void cfg_format_rate_limit(const struct cfg_rate_limit *r, char *buf, size_t len); /* "10M/20M", "" unset */
void cfg_format_mrru(uint16_t mrru, char *buf, size_t len);        /* "disabled" or "1600" */
void cfg_format_radius_service(uint32_t set, char *buf, size_t len); /* "ppp,login" */

/* Buffer sizes that always fit the formatters' output. */
#define CFG_IPV4_STRLEN     16   /* "255.255.255.255" */
#define CFG_PREFIX_STRLEN   19   /* "255.255.255.255/32" */
#define CFG_RANGE_STRLEN    32   /* "255.255.255.255-255.255.255.255" */
#define CFG_DURATION_STRLEN 32
#define CFG_RATE_STRLEN     48

#endif /* PPTPGW_CONFIG_H */
