/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The EAL command line built from the config (no EAL needed): lcores and
 * main lcore, memory flags, one --vdev / -a per ethernet device, --no-pci
 * only without PCI devices, eal-args verbatim and last; bad lcore setups.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "dp_priv.h"

struct fixture {
	struct pg_config cfg;
	struct cfg_ethernet eth[3];
	char *extra[2];
};

static struct fixture fx;

static int setup(void **state)
{
	(void)state;
	memset(&fx, 0, sizeof(fx));
	struct cfg_dataplane *d = &fx.cfg.dataplane;
	snprintf(d->lcores, sizeof(d->lcores), "0-1");
	d->workers[0] = 1;
	d->n_workers = 1;
	d->huge_pages = false;
	d->memory_mb = 512;
	snprintf(d->file_prefix, sizeof(d->file_prefix), "pptpgw");
	snprintf(fx.eth[0].name, sizeof(fx.eth[0].name), "ether1");
	snprintf(fx.eth[0].device, sizeof(fx.eth[0].device), "net_af_packet0,iface=wan0");
	fx.eth[0].mtu = 1500;
	fx.cfg.ethernet = fx.eth;
	fx.cfg.n_ethernet = 1;
	return 0;
}

/* Index of arg in argv, -1 if absent. */
static int find(int argc, char **argv, const char *arg)
{
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], arg) == 0)
			return i;
	return -1;
}

static void test_defaults(void **state)
{
	int argc;
	char **argv;
	char err[256] = "";

	(void)state;
	assert_int_equal(eal_build_argv(&fx.cfg, "pptpgw", &argc, &argv, err, sizeof(err)), 0);
	assert_string_equal(argv[0], "pptpgw");
	int i = find(argc, argv, "-l");
	assert_true(i > 0);
	assert_string_equal(argv[i + 1], "0-1");
	i = find(argc, argv, "--main-lcore");
	assert_true(i > 0);
	assert_string_equal(argv[i + 1], "0");
	assert_true(find(argc, argv, "--no-huge") > 0);
	i = find(argc, argv, "-m");
	assert_true(i > 0);
	assert_string_equal(argv[i + 1], "512");
	i = find(argc, argv, "--file-prefix");
	assert_string_equal(argv[i + 1], "pptpgw");
	assert_true(find(argc, argv, "--no-pci") > 0);
	assert_true(find(argc, argv, "--vdev=net_af_packet0,iface=wan0") > 0);
	assert_true(find(argc, argv, "-a") < 0);
	assert_null(argv[argc]);
	eal_free_argv(argc, argv);
}

static void test_pci_and_extra_args(void **state)
{
	int argc;
	char **argv;
	char err[256] = "";

	(void)state;
	snprintf(fx.eth[1].name, sizeof(fx.eth[1].name), "ether2");
	snprintf(fx.eth[1].device, sizeof(fx.eth[1].device), "0000:03:00.1");
	snprintf(fx.eth[2].name, sizeof(fx.eth[2].name), "ether3");
	snprintf(fx.eth[2].device, sizeof(fx.eth[2].device), "net_tap9,iface=x");
	fx.eth[2].disabled = true;
	fx.cfg.n_ethernet = 3;
	fx.cfg.dataplane.huge_pages = true;
	fx.extra[0] = "--log-level=pmd.net.tap:debug";
	fx.extra[1] = "--in-memory";
	fx.cfg.dataplane.eal_args = fx.extra;
	fx.cfg.dataplane.n_eal_args = 2;

	assert_int_equal(eal_build_argv(&fx.cfg, NULL, &argc, &argv, err, sizeof(err)), 0);
	assert_true(find(argc, argv, "--no-pci") < 0);
	assert_true(find(argc, argv, "--no-huge") < 0);
	assert_true(find(argc, argv, "-m") < 0);
	int i = find(argc, argv, "-a");
	assert_true(i > 0);
	assert_string_equal(argv[i + 1], "0000:03:00.1");
	assert_true(find(argc, argv, "--vdev=net_af_packet0,iface=wan0") > 0);
	assert_true(find(argc, argv, "--vdev=net_tap9,iface=x") < 0);  /* disabled */
	/* The operator's args come last, after ours, verbatim. */
	assert_string_equal(argv[argc - 2], "--log-level=pmd.net.tap:debug");
	assert_string_equal(argv[argc - 1], "--in-memory");
	eal_free_argv(argc, argv);
}

static void test_main_lcore(void **state)
{
	char err[256];
	struct cfg_dataplane *d = &fx.cfg.dataplane;

	(void)state;
	snprintf(d->lcores, sizeof(d->lcores), "2,4-6");
	d->workers[0] = 2;
	d->workers[1] = 5;
	d->n_workers = 2;
	assert_int_equal(eal_main_lcore(d, err, sizeof(err)), 4);

	struct {
		const char *name, *lcores;
		uint16_t w0;
	} bad[] = {
		{ "empty list", "", 1 },
		{ "garbage", "0-x", 1 },
		{ "reversed range", "3-1", 1 },
		{ "trailing comma", "0,", 1 },
		{ "huge lcore", "0-100000", 1 },
		{ "worker outside list", "0-1", 7 },
		{ "no room for main", "1", 1 },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(d->lcores, sizeof(d->lcores), "%s", bad[i].lcores);
		d->workers[0] = bad[i].w0;
		d->n_workers = 1;
		err[0] = '\0';
		if (eal_main_lcore(d, err, sizeof(err)) >= 0) {
			print_error("case \"%s\" accepted\n", bad[i].name);
			fail();
		}
		assert_true(strlen(err) > 0);
	}
	snprintf(d->lcores, sizeof(d->lcores), "0-3");
	d->workers[0] = 1;
	d->workers[1] = 1;
	d->n_workers = 2;
	assert_true(eal_main_lcore(d, err, sizeof(err)) < 0);  /* worker twice */
	d->n_workers = 0;
	assert_true(eal_main_lcore(d, err, sizeof(err)) < 0);  /* no worker */
}

static void test_device_names(void **state)
{
	char name[64];

	(void)state;
	assert_true(eal_device_is_pci("0000:03:00.1"));
	assert_true(eal_device_is_pci("03:00.1,rxq_cqe_comp_en=0"));
	assert_false(eal_device_is_pci("net_af_packet0,iface=wan0"));
	assert_false(eal_device_is_pci(""));
	assert_int_equal(eal_device_name("net_af_packet0,iface=wan0", name, sizeof(name)), 0);
	assert_string_equal(name, "net_af_packet0");
	assert_int_equal(eal_device_name("03:00.1", name, sizeof(name)), 0);
	assert_string_equal(name, "0000:03:00.1");
	assert_true(eal_device_name(",iface=x", name, sizeof(name)) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_defaults, setup),
		cmocka_unit_test_setup(test_pci_and_extra_args, setup),
		cmocka_unit_test_setup(test_main_lcore, setup),
		cmocka_unit_test_setup(test_device_names, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
