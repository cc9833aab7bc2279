/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pptpgw: load and validate the config, bring up the dataplane (EAL, ports,
 * exception TAPs, workers) and run the control plane on the main lcore until
 * SIGINT/SIGTERM (DESIGN.md section 4).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "cp.h"
#include "crypto_init.h"
#include "dataplane.h"
#include "log.h"

#define DEFAULT_CONFIG_PATH "/etc/pptpgw/pptpgw.json"
/*
 * After the control plane has said goodbye (CDN, Stop-Control-Connection,
 * TCP FIN, accounting), the kernel still has to hand those frames to the
 * TAPs and the workers to the wire: they run this much longer.
 */
#define SHUTDOWN_GRACE_MS 200

static void usage(FILE *out)
{
	fprintf(out,
		"usage: pptpgw [-c CONFIG] [--check] [--syslog]\n"
		"  -c, --config FILE  configuration (default %s)\n"
		"      --check        validate the configuration and exit 0 (valid) or 1\n"
		"      --syslog       also log to syslog\n"
		"  -V, --version      print the version\n",
		DEFAULT_CONFIG_PATH);
}

static int print_errors(const char *path, const struct cfg_errors *err)
{
	for (unsigned int i = 0; i < err->n; i++)
		fprintf(stderr, "%s: %s\n", path, err->msg[i]);
	return 1;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, 'k' },
		{ "syslog", no_argument, NULL, 's' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config_path = DEFAULT_CONFIG_PATH;
	struct pg_config cfg;
	struct cfg_errors err;
	struct cp_context cp;
	int check_only = 0, use_syslog = 0, opt, rc = 1;

	while ((opt = getopt_long(argc, argv, "c:Vh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			config_path = optarg;
			break;
		case 'k':
			check_only = 1;
			break;
		case 's':
			use_syslog = 1;
			break;
		case 'V':
			printf("pptpgw %s\n", PPTPGW_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 1;
	}

	cfg_errors_init(&err);
	if (cfg_load_file(config_path, &cfg, &err)) {
		print_errors(config_path, &err);
		cfg_errors_free(&err);
		return 1;
	}
	cfg_errors_free(&err);
	if (check_only) {
		printf("%s: configuration OK\n", config_path);
		cfg_free(&cfg);
		return 0;
	}

	log_init(cfg.system.log_level, use_syslog);
	if (crypto_init()) {
		LOG_ERR(LOG_TOPIC_SYSTEM, "%s", crypto_last_error());
		goto out_cfg;
	}
	if (dp_init(&cfg, argv[0]))
		goto out_cfg;
	if (cp_init(&cp, &cfg, config_path))
		goto out_dp;
	if (dp_start())
		goto out_cp;
	rc = cp_run(&cp) ? 1 : 0;
	/* Goodbyes leave through the exception path: workers stop last. */
	cp_fini(&cp);
	nanosleep(&(struct timespec){ .tv_nsec = SHUTDOWN_GRACE_MS * 1000000L }, NULL);
	dp_stop();
	goto out_dp;
out_cp:
	dp_stop();
	cp_fini(&cp);
out_dp:
	dp_stop();
	dp_cleanup();
out_cfg:
	cfg_free(&cfg);
	LOG_INFO(LOG_TOPIC_SYSTEM, "stopped");
	return rc;
}
