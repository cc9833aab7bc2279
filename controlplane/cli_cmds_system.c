/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Read-only menus about the appliance itself:
 *   /interface/ethernet/print  /ip/address/print  /ip/route/print
 *   /ip/pool/print  /system/resource/print  /log/print
 *
 * Handlers only fill rows; cli_table.c prints them (RouterOS text, detail,
 * terse, JSON). Ports and their counters come from the dataplane through
 * dataplane.h's dp_* readers, everything else from the live config.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cli_parse.h"
#include "cli_table.h"
#include "config.h"
#include "cp.h"
#include "dataplane.h"
#include "log.h"
#include "tunnel_route.h"

#define ADDR_TEXT_MAX CFG_RANGE_STRLEN
#define PROC_LINE_MAX 512

static const char *const board_name = "pptpgw";

/* ---- /interface/ethernet ---- */

static const struct cli_flag ethernet_flags[] = {
	{ .letter = 'X', .name = "DISABLED", .group = 0, .hide_unused = true },
	{ .letter = 'R', .name = "RUNNING", .group = 1 },
};

static const struct cli_column ethernet_cols[] = {
	{ "name", CLI_COL_STR, 0 },
	{ "mtu", CLI_COL_NUM, 0 },
	{ "mac-address", CLI_COL_WORD, 0 },
	{ "device", CLI_COL_STR, 0 },
	{ "kernel-interface", CLI_COL_WORD, CLI_COL_DETAIL_ONLY },
	{ "rx-byte", CLI_COL_NUM, CLI_COL_DETAIL_ONLY },
	{ "tx-byte", CLI_COL_NUM, CLI_COL_DETAIL_ONLY },
	{ "rx-packet", CLI_COL_NUM, CLI_COL_DETAIL_ONLY },
	{ "tx-packet", CLI_COL_NUM, CLI_COL_DETAIL_ONLY },
	{ "rx-error", CLI_COL_NUM, CLI_COL_DETAIL_ONLY },
	{ "tx-error", CLI_COL_NUM, CLI_COL_DETAIL_ONLY },
	{ "rx-drop", CLI_COL_NUM, CLI_COL_DETAIL_ONLY },
	{ "to-kernel-packet", CLI_COL_NUM, CLI_COL_DETAIL_ONLY },
	{ "from-kernel-packet", CLI_COL_NUM, CLI_COL_DETAIL_ONLY },
};

static const struct cli_table_spec ethernet_table = {
	.layout = CLI_LAYOUT_TABLE,
	.flags = ethernet_flags, .n_flags = sizeof(ethernet_flags) / sizeof(ethernet_flags[0]),
	.cols = ethernet_cols, .n_cols = sizeof(ethernet_cols) / sizeof(ethernet_cols[0]),
};

static int ethernet_fill(struct cli_ctx *ctx, struct cli_table *t)
{
	const struct pg_config *cfg = ctx->cp->cfg;
	unsigned int n_ports = dp_port_count();

	for (unsigned int i = 0; i < cfg->n_ethernet; i++) {
		const struct cfg_ethernet *e = &cfg->ethernet[i];
		struct dp_port_info info;
		bool have_port = i < n_ports && dp_port_get(i, &info) == 0 &&
				 strcmp(info.name, e->name) == 0;

		cli_table_add_row(t);
		if (e->disabled)
			cli_table_set_flag(t, 'X');
		if (have_port && info.link_up && !e->disabled)
			cli_table_set_flag(t, 'R');
		cli_table_set(t, "name", e->name);
		cli_table_set_num(t, "mtu", have_port && info.mtu ? info.mtu : e->mtu);
		if (have_port) {
			const uint8_t *m = info.mac;

			cli_table_setf(t, "mac-address", "%02X:%02X:%02X:%02X:%02X:%02X",
				       m[0], m[1], m[2], m[3], m[4], m[5]);
		}
		cli_table_set(t, "device", e->device);
		if (!have_port)
			continue;
		if (info.tap_ifname[0])
			cli_table_set(t, "kernel-interface", info.tap_ifname);
		cli_table_set_num(t, "rx-byte", (int64_t)info.stats.rx_bytes);
		cli_table_set_num(t, "tx-byte", (int64_t)info.stats.tx_bytes);
		cli_table_set_num(t, "rx-packet", (int64_t)info.stats.rx_packets);
		cli_table_set_num(t, "tx-packet", (int64_t)info.stats.tx_packets);
		cli_table_set_num(t, "rx-error", (int64_t)info.stats.rx_errors);
		cli_table_set_num(t, "tx-error", (int64_t)info.stats.tx_errors);
		cli_table_set_num(t, "rx-drop", (int64_t)info.stats.rx_missed);
		cli_table_set_num(t, "to-kernel-packet", (int64_t)info.stats.to_exception);
		cli_table_set_num(t, "from-kernel-packet", (int64_t)info.stats.from_exception);
	}
	return 0;
}

/* ---- /ip/address ---- */

static const struct cli_flag address_flags[] = {
	{ .letter = 'D', .name = "DYNAMIC" },
};

static const struct cli_column address_cols[] = {
	{ "address", CLI_COL_WORD, 0 },
	{ "network", CLI_COL_WORD, 0 },
	{ "interface", CLI_COL_WORD, 0 },
};

static const struct cli_table_spec address_table = {
	.layout = CLI_LAYOUT_TABLE,
	.flags = address_flags, .n_flags = sizeof(address_flags) / sizeof(address_flags[0]),
	.cols = address_cols, .n_cols = sizeof(address_cols) / sizeof(address_cols[0]),
};

static int address_fill(struct cli_ctx *ctx, struct cli_table *t)
{
	const struct pg_config *cfg = ctx->cp->cfg;
	char text[ADDR_TEXT_MAX];

	for (unsigned int i = 0; i < cfg->n_ip_address; i++) {
		const struct cfg_ip_address *a = &cfg->ip_address[i];

		cli_table_add_row(t);
		cfg_format_prefix(&a->address, text, sizeof(text));
		cli_table_set(t, "address", text);
		cfg_format_ipv4(a->address.addr & cfg_prefix_mask(a->address.len), text, sizeof(text));
		cli_table_set(t, "network", text);
		cli_table_set(t, "interface", a->interface);
	}
	return 0;
}

/* ---- /ip/route ---- */

static const struct cli_flag route_flags[] = {
	{ .letter = 'D', .name = "DYNAMIC", .group = 0 },
	{ .letter = 'A', .name = "ACTIVE", .group = 1 },
	{ .letter = 'c', .name = "CONNECT", .group = 2 },
	{ .letter = 's', .name = "STATIC", .group = 2 },
	{ .letter = 'v', .name = "VPN", .group = 2, .hide_unused = true },
};

/* Routes via tunnel interfaces (tunnel_route.c), when it runs. */
static const struct tunnel_route_provider *route_provider;

void ip_route_provider_register(const struct tunnel_route_provider *p)
{
	route_provider = p;
}

static const struct cli_column route_cols[] = {
	{ "dst-address", CLI_COL_WORD, 0 },
	{ "routing-table", CLI_COL_WORD, CLI_COL_DETAIL_ONLY },
	{ "gateway", CLI_COL_WORD, 0 },
	{ "immediate-gw", CLI_COL_WORD, CLI_COL_DETAIL_ONLY },
	{ "distance", CLI_COL_NUM, 0 },
};

static const struct cli_table_spec route_table = {
	.layout = CLI_LAYOUT_TABLE,
	.flags = route_flags, .n_flags = sizeof(route_flags) / sizeof(route_flags[0]),
	.cols = route_cols, .n_cols = sizeof(route_cols) / sizeof(route_cols[0]),
};

/* The interface whose connected network holds addr, NULL if none. */
static const char *connected_interface(const struct pg_config *cfg, uint32_t addr)
{
	for (unsigned int i = 0; i < cfg->n_ip_address; i++) {
		const struct cfg_ip_address *a = &cfg->ip_address[i];
		const struct cfg_ethernet *e = cfg_find_ethernet(cfg, a->interface);
		uint32_t mask = cfg_prefix_mask(a->address.len);

		if (e && !e->disabled && (addr & mask) == (a->address.addr & mask))
			return a->interface;
	}
	return NULL;
}

/*
 * Configured routes first (their print numbers are their config positions),
 * then one connected route per address, as RouterOS shows them (DAc).
 */
static int route_fill(struct cli_ctx *ctx, struct cli_table *t)
{
	const struct pg_config *cfg = ctx->cp->cfg;
	char text[ADDR_TEXT_MAX], gw[ADDR_TEXT_MAX];

	for (unsigned int i = 0; i < cfg->n_ip_route; i++) {
		const struct cfg_ip_route *r = &cfg->ip_route[i];
		const char *via = r->gateway_iface[0] ? NULL : connected_interface(cfg, r->gateway);
		bool active = route_provider ? route_provider->static_active(r, via != NULL)
					     : via != NULL;

		cli_table_add_row(t);
		if (active)
			cli_table_set_flag(t, 'A');
		cli_table_set_flag(t, 's');
		cfg_format_prefix(&r->dst, text, sizeof(text));
		cli_table_set(t, "dst-address", text);
		cli_table_set(t, "routing-table", "main");
		if (r->gateway_iface[0]) {
			cli_table_set(t, "gateway", r->gateway_iface);
			if (active)
				cli_table_set(t, "immediate-gw", r->gateway_iface);
		} else {
			cfg_format_ipv4(r->gateway, gw, sizeof(gw));
			cli_table_set(t, "gateway", gw);
		}
		if (via)
			cli_table_setf(t, "immediate-gw", "%s%%%s", gw, via);
		cli_table_set_num(t, "distance", r->distance);
	}
	for (unsigned int i = 0; i < cfg->n_ip_address; i++) {
		const struct cfg_ip_address *a = &cfg->ip_address[i];
		const struct cfg_ethernet *e = cfg_find_ethernet(cfg, a->interface);
		struct cfg_prefix net = {
			.addr = a->address.addr & cfg_prefix_mask(a->address.len),
			.len = a->address.len,
		};

		if (!e || e->disabled)
			continue;
		cli_table_add_row(t);
		cli_table_set_flag(t, 'D');
		cli_table_set_flag(t, 'A');
		cli_table_set_flag(t, 'c');
		cfg_format_prefix(&net, text, sizeof(text));
		cli_table_set(t, "dst-address", text);
		cli_table_set(t, "routing-table", "main");
		cli_table_set(t, "gateway", a->interface);
		cli_table_set(t, "immediate-gw", a->interface);
		cli_table_set_num(t, "distance", 0);
	}
	/* RouterOS: a link's peer /32 is connected (DAc), its default route VPN (DAv). */
	for (unsigned int i = 0, n = route_provider ? route_provider->count() : 0; i < n; i++) {
		struct tunnel_route_row r;

		if (route_provider->get(i, &r))
			continue;
		cli_table_add_row(t);
		cli_table_set_flag(t, 'D');
		if (r.active)
			cli_table_set_flag(t, 'A');
		cli_table_set_flag(t, r.dst.len == 32 ? 'c' : 'v');
		cfg_format_prefix(&r.dst, text, sizeof(text));
		cli_table_set(t, "dst-address", text);
		cli_table_set(t, "routing-table", "main");
		cli_table_set(t, "gateway", r.gateway);
		cli_table_set(t, "immediate-gw", r.gateway);
		cli_table_set_num(t, "distance", r.distance);
	}
	return 0;
}

/* ---- /ip/pool ---- */

static const struct cli_column pool_cols[] = {
	{ "name", CLI_COL_STR, 0 },
	{ "ranges", CLI_COL_WORD, 0 },
};

static const struct cli_table_spec pool_table = {
	.layout = CLI_LAYOUT_TABLE,
	.cols = pool_cols, .n_cols = sizeof(pool_cols) / sizeof(pool_cols[0]),
};

static int pool_fill(struct cli_ctx *ctx, struct cli_table *t)
{
	const struct pg_config *cfg = ctx->cp->cfg;
	struct cli_buf ranges;
	int rc = 0;

	cli_buf_init(&ranges);
	for (unsigned int i = 0; i < cfg->n_ip_pool; i++) {
		const struct cfg_ip_pool *p = &cfg->ip_pool[i];

		ranges.len = 0;
		for (unsigned int r = 0; r < p->n_ranges; r++) {
			char text[CFG_RANGE_STRLEN];

			cfg_format_range(&p->ranges[r], text, sizeof(text));
			cli_buf_printf(&ranges, "%s%s", r ? "," : "", text);
		}
		cli_table_add_row(t);
		cli_table_set(t, "name", p->name);
		cli_table_set(t, "ranges", ranges.len ? ranges.data : "");
	}
	if (ranges.oom)
		rc = cli_fail(ctx, "not enough memory");
	cli_buf_free(&ranges);
	return rc;
}

/* ---- /system/resource ---- */

static const struct cli_column resource_cols[] = {
	{ "uptime", CLI_COL_DURATION, 0 },
	{ "version", CLI_COL_WORD, 0 },
	{ "free-memory", CLI_COL_BYTES, 0 },
	{ "total-memory", CLI_COL_BYTES, 0 },
	{ "cpu", CLI_COL_STR, 0 },
	{ "cpu-count", CLI_COL_NUM, 0 },
	{ "cpu-load", CLI_COL_PERCENT, 0 },
	{ "architecture-name", CLI_COL_WORD, 0 },
	{ "board-name", CLI_COL_STR, 0 },
	{ "platform", CLI_COL_STR, 0 },
	{ "identity", CLI_COL_STR, 0 },
	{ "dataplane-memory", CLI_COL_BYTES, 0 },
};

static const struct cli_table_spec resource_table = {
	.layout = CLI_LAYOUT_OBJECT,
	.cols = resource_cols, .n_cols = sizeof(resource_cols) / sizeof(resource_cols[0]),
};

/* "MemTotal:  8034548 kB" -> bytes; 0 when absent. */
static uint64_t meminfo_bytes(const char *key)
{
	char line[PROC_LINE_MAX];
	size_t klen = strlen(key);
	unsigned long long kb = 0;
	FILE *f = fopen("/proc/meminfo", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
			if (sscanf(line + klen + 1, "%llu", &kb) != 1)
				kb = 0;
			break;
		}
	}
	fclose(f);
	return (uint64_t)kb * 1024;
}

/* The "model name" of the first CPU, "" when /proc/cpuinfo has none. */
static void cpu_model(char *buf, size_t len)
{
	char line[PROC_LINE_MAX];
	FILE *f = fopen("/proc/cpuinfo", "re");

	buf[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "model name", 10) != 0 || !colon)
			continue;
		colon++;
		while (*colon == ' ' || *colon == '\t')
			colon++;
		colon[strcspn(colon, "\n")] = '\0';
		snprintf(buf, len, "%s", colon);
		break;
	}
	fclose(f);
}

/*
 * CPU load in percent over all CPUs since the previous print (since boot
 * for the first), from /proc/stat's "cpu" line. -1 when unreadable.
 */
static int cpu_load_percent(void)
{
	static unsigned long long prev_total, prev_idle;
	unsigned long long v[8] = { 0 }, total = 0, idle, dt, di;
	char line[PROC_LINE_MAX];
	FILE *f = fopen("/proc/stat", "re");
	int n, load = -1;

	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f))
		goto out;
	n = sscanf(line, "cpu %llu %llu %llu %llu %llu %llu %llu %llu",
		   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
	if (n < 4)
		goto out;
	for (int i = 0; i < 8; i++)
		total += v[i];
	idle = v[3] + v[4];   /* idle + iowait */
	dt = total - prev_total;
	di = idle - prev_idle;
	if (total > prev_total && idle >= prev_idle && di <= dt)
		load = (int)((dt - di) * 100 / dt);
	prev_total = total;
	prev_idle = idle;
out:
	fclose(f);
	return load;
}

static const char *architecture_name(const struct utsname *u)
{
	if (strcmp(u->machine, "aarch64") == 0)
		return "arm64";
	return u->machine;
}

static int resource_fill(struct cli_ctx *ctx, struct cli_table *t)
{
	const struct pg_config *cfg = ctx->cp->cfg;
	time_t now = time(NULL);
	uint64_t mem_avail = meminfo_bytes("MemAvailable");
	char cpu[128];
	struct utsname u;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int load = cpu_load_percent();

	if (mem_avail == 0)
		mem_avail = meminfo_bytes("MemFree");
	cli_table_add_row(t);
	cli_table_set_num(t, "uptime",
			  ctx->cp->started && now > ctx->cp->started ? now - ctx->cp->started : 0);
	cli_table_set(t, "version", PPTPGW_VERSION);
	cli_table_set_num(t, "free-memory", (int64_t)mem_avail);
	cli_table_set_num(t, "total-memory", (int64_t)meminfo_bytes("MemTotal"));
	cpu_model(cpu, sizeof(cpu));
	if (cpu[0])
		cli_table_set(t, "cpu", cpu);
	if (ncpu > 0)
		cli_table_set_num(t, "cpu-count", ncpu);
	if (load >= 0)
		cli_table_set_num(t, "cpu-load", load);
	if (uname(&u) == 0)
		cli_table_set(t, "architecture-name", architecture_name(&u));
	cli_table_set(t, "board-name", board_name);
	cli_table_set(t, "platform", board_name);
	cli_table_set(t, "identity", cfg->system.identity);
	cli_table_set_num(t, "dataplane-memory", (int64_t)dp_memory_used_bytes());
	return 0;
}

/* ---- /log ---- */

static const struct cli_column log_cols[] = {
	{ "time", CLI_COL_WORD, 0 },
	{ "topics", CLI_COL_WORD, 0 },
	{ "message", CLI_COL_STR, 0 },
};

static const struct cli_table_spec log_table = {
	.layout = CLI_LAYOUT_LINES,
	.cols = log_cols, .n_cols = sizeof(log_cols) / sizeof(log_cols[0]),
};

struct log_fill_state {
	struct cli_table *t;
	struct tm today;
};

/* RouterOS: "12:00:01" for today's lines, with the date before it for older ones. */
static void log_add_row(const struct log_entry *e, void *arg)
{
	struct log_fill_state *st = arg;
	struct tm tm;
	char when[32];

	if (!localtime_r(&e->when.tv_sec, &tm))
		memset(&tm, 0, sizeof(tm));
	if (tm.tm_year == st->today.tm_year && tm.tm_yday == st->today.tm_yday)
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
	else
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	cli_table_add_row(st->t);
	cli_table_set(st->t, "time", when);
	cli_table_setf(st->t, "topics", "%s,%s", e->topic, log_level_name(e->level));
	cli_table_set(st->t, "message", e->msg);
}

static int log_fill(struct cli_ctx *ctx, struct cli_table *t)
{
	struct log_fill_state st = { .t = t };
	time_t now = time(NULL);

	(void)ctx;
	if (!localtime_r(&now, &st.today))
		memset(&st.today, 0, sizeof(st.today));
	log_for_each(log_add_row, &st);
	return 0;
}

/* ---- registration ---- */

static const struct cli_command ethernet_cmds[] = {
	{ .name = "print", .fill = ethernet_fill, .table = &ethernet_table },
};
static const struct cli_command address_cmds[] = {
	{ .name = "print", .fill = address_fill, .table = &address_table },
};
static const struct cli_command route_cmds[] = {
	{ .name = "print", .fill = route_fill, .table = &route_table },
};
static const struct cli_command pool_cmds[] = {
	{ .name = "print", .fill = pool_fill, .table = &pool_table },
};
static const struct cli_command resource_cmds[] = {
	{ .name = "print", .fill = resource_fill, .table = &resource_table },
};
static const struct cli_command log_cmds[] = {
	{ .name = "print", .fill = log_fill, .table = &log_table },
};

static const struct {
	const char *path;
	const struct cli_command *cmds;
	unsigned int n;
} system_menus[] = {
	{ "/interface/ethernet", ethernet_cmds, 1 },
	{ "/ip/address", address_cmds, 1 },
	{ "/ip/route", route_cmds, 1 },
	{ "/ip/pool", pool_cmds, 1 },
	{ "/system/resource", resource_cmds, 1 },
	{ "/log", log_cmds, 1 },
};

int cli_cmds_system_register(void)
{
	for (size_t i = 0; i < sizeof(system_menus) / sizeof(system_menus[0]); i++)
		if (cli_register_menu(system_menus[i].path, system_menus[i].cmds, system_menus[i].n))
			return -1;
	return 0;
}
