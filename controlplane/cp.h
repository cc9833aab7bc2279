/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control plane: one thread (the EAL main lcore), one libevent loop for
 * every fd and timer. Everything in controlplane/ runs on it and reaches the
 * appliance's state through this context.
 */
#ifndef PPTPGW_CP_H
#define PPTPGW_CP_H

#include <limits.h>
#include <stdint.h>
#include <time.h>

#include "config.h"

struct event_base;

struct cp_context {
	struct pg_config *cfg;          /* live config: CLI edits it, then cp_config_commit() */
	char config_path[PATH_MAX];     /* where changes are written back */
	struct event_base *base;
	time_t started;                 /* wall clock at start, for uptime */
};

/* Create the loop, listeners and timers. */
int cp_init(struct cp_context *cp, struct pg_config *cfg, const char *config_path);
/* Run until SIGINT/SIGTERM or cp_request_stop(). */
int cp_run(struct cp_context *cp);
void cp_request_stop(struct cp_context *cp);
void cp_fini(struct cp_context *cp);

/*
 * After a CLI edit: validate the whole config, and on success write it back
 * atomically. On failure the caller restores its previous value; errors go to *err.
 */
int cp_config_commit(struct cp_context *cp, struct cfg_errors *err);

#endif /* PPTPGW_CP_H */
