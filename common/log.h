/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Logging for the control plane and start-up (never the fast path).
 * Lines go to stderr (and syslog when enabled) and into an in-memory ring that
 * /log/print reads. Fields are key=value; per-object wrappers add the object's
 * identity (session, user) to every line.
 */
#ifndef PPTPGW_LOG_H
#define PPTPGW_LOG_H

#include <stdint.h>
#include <stddef.h>
#include <time.h>

#include "config.h"

/* RouterOS-like topics shown by /log/print. */
#define LOG_TOPIC_SYSTEM "system"
#define LOG_TOPIC_PPTP   "pptp"
#define LOG_TOPIC_PPP    "ppp"
#define LOG_TOPIC_RADIUS "radius"

struct log_entry {
	struct timespec when;       /* CLOCK_REALTIME */
	enum cfg_log_level level;
	char topic[16];
	char msg[240];
};

void log_init(enum cfg_log_level level, int use_syslog);
void log_set_level(enum cfg_log_level level);

void log_msg(enum cfg_log_level level, const char *topic, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define LOG_ERR(topic, ...)  log_msg(CFG_LOG_ERROR, topic, __VA_ARGS__)
#define LOG_WARN(topic, ...) log_msg(CFG_LOG_WARNING, topic, __VA_ARGS__)
#define LOG_INFO(topic, ...) log_msg(CFG_LOG_INFO, topic, __VA_ARGS__)
#define LOG_DEBUG(topic, ...) log_msg(CFG_LOG_DEBUG, topic, __VA_ARGS__)

/*
 * Read the in-memory history, oldest first. Calls fn for each kept entry.
 * Control-plane thread only.
 */
#define LOG_HISTORY 1000
void log_for_each(void (*fn)(const struct log_entry *e, void *arg), void *arg);

const char *log_level_name(enum cfg_log_level level);

#endif /* PPTPGW_LOG_H */
