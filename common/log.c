/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "config.h"

/*
 * <syslog.h> names its priorities LOG_ERR, LOG_INFO, LOG_DEBUG, which log.h
 * uses for its macros: take the priorities first, then drop syslog's names.
 */
#include <syslog.h>
static const int syslog_priority[] = {
	[CFG_LOG_ERROR] = LOG_ERR,
	[CFG_LOG_WARNING] = LOG_WARNING,
	[CFG_LOG_INFO] = LOG_INFO,
	[CFG_LOG_DEBUG] = LOG_DEBUG,
};
#undef LOG_ERR
#undef LOG_INFO
#undef LOG_DEBUG

#include "log.h"

/* A fixed ring of recent lines for /log/print; written only by the control plane. */
static struct log_entry history[LOG_HISTORY];
static unsigned int history_head;  /* next slot to write */
static unsigned int history_count;
static enum cfg_log_level current_level = CFG_LOG_INFO;
static int syslog_enabled;

const char *log_level_name(enum cfg_log_level level)
{
	switch (level) {
	case CFG_LOG_ERROR: return "error";
	case CFG_LOG_WARNING: return "warning";
	case CFG_LOG_INFO: return "info";
	case CFG_LOG_DEBUG: return "debug";
	}
	return "?";
}

void log_init(enum cfg_log_level level, int use_syslog)
{
	current_level = level;
	syslog_enabled = use_syslog;
	if (use_syslog)
		openlog("pptpgw", LOG_PID, LOG_DAEMON);
}

void log_set_level(enum cfg_log_level level)
{
	current_level = level;
}

void log_msg(enum cfg_log_level level, const char *topic, const char *fmt, ...)
{
	struct log_entry *e;
	va_list ap;

	if (level > current_level)
		return;

	e = &history[history_head];
	clock_gettime(CLOCK_REALTIME, &e->when);
	e->level = level;
	snprintf(e->topic, sizeof(e->topic), "%s", topic);
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	history_head = (history_head + 1) % LOG_HISTORY;
	if (history_count < LOG_HISTORY)
		history_count++;

	fprintf(stderr, "pptpgw: %s,%s %s\n", e->topic, log_level_name(level), e->msg);
	if (syslog_enabled)
		syslog(syslog_priority[level], "%s,%s %s", e->topic,
		       log_level_name(level), e->msg);
}

void log_for_each(void (*fn)(const struct log_entry *e, void *arg), void *arg)
{
	unsigned int start = (history_head + LOG_HISTORY - history_count) % LOG_HISTORY;

	for (unsigned int i = 0; i < history_count; i++)
		fn(&history[(start + i) % LOG_HISTORY], arg);
}
