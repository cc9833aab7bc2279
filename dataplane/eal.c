/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The EAL command line, built from /dataplane and /interface/ethernet:
 *   prog -l LCORES --main-lcore M [--no-huge -m MB] --file-prefix P
 *        [--no-pci] [--vdev DEV]... [-a PCI]... --log-level=... EAL-ARGS...
 * Our own --log-level goes before the operator's eal-args so theirs win.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_pci.h>

#include "dp_priv.h"

/* Upper bound of the fixed arguments: prog, -l X, --main-lcore X, --no-huge, -m X, --file-prefix X, --no-pci. */
#define EAL_FIXED_ARGS 16
/* EAL's own start-up chatter is INFO; keep NOTICE and worse. */
static const char *const eal_log_args[] = {
	"--log-level=lib.eal:notice",
};

static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Text before the first comma: the device's name without its devargs. */
static void device_head(const char *device, char *out, size_t len)
{
	size_t n = strcspn(device, ",");

	if (n >= len)
		n = len - 1;
	memcpy(out, device, n);
	out[n] = '\0';
}

bool eal_device_is_pci(const char *device)
{
	char head[CFG_DEVICE_MAX];
	struct rte_pci_addr addr;

	device_head(device, head, sizeof(head));
	return rte_pci_addr_parse(head, &addr) == 0;
}

int eal_device_name(const char *device, char *out, size_t len)
{
	char head[CFG_DEVICE_MAX];
	struct rte_pci_addr addr;

	device_head(device, head, sizeof(head));
	if (head[0] == '\0')
		return -1;
	if (rte_pci_addr_parse(head, &addr) == 0) {
		/* "03:00.1" probes as "0000:03:00.1": look it up by the full form. */
		rte_pci_device_name(&addr, out, len);
		return 0;
	}
	if (strlen(head) >= len)
		return -1;
	memcpy(out, head, strlen(head) + 1);
	return 0;
}

static int parse_uint(const char **s, unsigned long *v)
{
	char *end;

	if (**s < '0' || **s > '9')
		return -1;
	errno = 0;
	*v = strtoul(*s, &end, 10);
	if (errno != 0 || *v >= RTE_MAX_LCORE)
		return -1;
	*s = end;
	return 0;
}

/*
 * Parse an EAL -l list ("0-1", "0,2,4-6") into a membership table.
 * Returns the number of lcores, -1 on a syntax error.
 */
static int parse_lcore_list(const char *list, bool in[RTE_MAX_LCORE])
{
	const char *s = list;
	int count = 0;

	memset(in, 0, sizeof(bool) * RTE_MAX_LCORE);
	while (*s != '\0') {
		unsigned long lo, hi;
		if (parse_uint(&s, &lo) < 0)
			return -1;
		hi = lo;
		if (*s == '-') {
			s++;
			if (parse_uint(&s, &hi) < 0 || hi < lo)
				return -1;
		}
		for (unsigned long c = lo; c <= hi; c++) {
			if (!in[c])
				count++;
			in[c] = true;
		}
		if (*s == ',')
			s++;
		else if (*s != '\0')
			return -1;
	}
	return count;
}

int eal_main_lcore(const struct cfg_dataplane *dpc, char *err, size_t errlen)
{
	bool in[RTE_MAX_LCORE];
	bool worker[RTE_MAX_LCORE] = { false };

	if (parse_lcore_list(dpc->lcores, in) <= 0) {
		set_err(err, errlen, "dataplane.lcores: \"%s\" is not an lcore list like \"0-1\" or \"0,2-3\" (lcores < %d)",
			dpc->lcores, RTE_MAX_LCORE);
		return -1;
	}
	if (dpc->n_workers == 0 || dpc->n_workers > CFG_MAX_WORKERS) {
		set_err(err, errlen, "dataplane.workers: need 1 to %d worker lcores, got %u",
			CFG_MAX_WORKERS, dpc->n_workers);
		return -1;
	}
	for (unsigned int i = 0; i < dpc->n_workers; i++) {
		unsigned int c = dpc->workers[i];
		if (c >= RTE_MAX_LCORE || !in[c]) {
			set_err(err, errlen, "dataplane.workers[%u]: lcore %u is not in dataplane.lcores \"%s\"",
				i, c, dpc->lcores);
			return -1;
		}
		if (worker[c]) {
			set_err(err, errlen, "dataplane.workers[%u]: lcore %u listed twice", i, c);
			return -1;
		}
		worker[c] = true;
	}
	for (unsigned int c = 0; c < RTE_MAX_LCORE; c++)
		if (in[c] && !worker[c])
			return (int)c;
	set_err(err, errlen, "dataplane.lcores: \"%s\" leaves no lcore for the control plane besides the workers",
		dpc->lcores);
	return -1;
}

static int push(char **argv, int *argc, int max, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int push(char **argv, int *argc, int max, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (*argc >= max)
		return -1;
	va_start(ap, fmt);
	int r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -1;
	argv[(*argc)++] = s;
	return 0;
}

void eal_free_argv(int argc, char **argv)
{
	if (argv == NULL)
		return;
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
}

int eal_build_argv(const struct pg_config *cfg, const char *prog, int *argc_out, char ***argv_out,
		   char *err, size_t errlen)
{
	const struct cfg_dataplane *dpc = &cfg->dataplane;
	bool any_pci = false;
	int argc = 0;
	/* Two slots per device (--vdev X / -a X), the fixed ones, the verbatim extras, NULL. */
	int max = EAL_FIXED_ARGS + (int)RTE_DIM(eal_log_args) + 2 * (int)cfg->n_ethernet +
		  (int)dpc->n_eal_args + 1;
	char **argv = calloc((size_t)max, sizeof(*argv));

	if (argv == NULL) {
		set_err(err, errlen, "out of memory building the EAL command line");
		return -1;
	}
	int main_lcore = eal_main_lcore(dpc, err, errlen);
	if (main_lcore < 0)
		goto fail;
	for (unsigned int i = 0; i < cfg->n_ethernet; i++)
		if (!cfg->ethernet[i].disabled && eal_device_is_pci(cfg->ethernet[i].device))
			any_pci = true;

	int r = 0;
	r |= push(argv, &argc, max, "%s", prog != NULL ? prog : "pptpgw");
	r |= push(argv, &argc, max, "-l");
	r |= push(argv, &argc, max, "%s", dpc->lcores);
	r |= push(argv, &argc, max, "--main-lcore");
	r |= push(argv, &argc, max, "%d", main_lcore);
	if (!dpc->huge_pages) {
		/* Without huge pages EAL needs to be told how much to reserve. */
		r |= push(argv, &argc, max, "--no-huge");
		r |= push(argv, &argc, max, "-m");
		r |= push(argv, &argc, max, "%u", dpc->memory_mb);
	}
	r |= push(argv, &argc, max, "--file-prefix");
	r |= push(argv, &argc, max, "%s", dpc->file_prefix);
	if (!any_pci)
		r |= push(argv, &argc, max, "--no-pci");
	for (unsigned int i = 0; i < cfg->n_ethernet; i++) {
		const struct cfg_ethernet *e = &cfg->ethernet[i];
		if (e->disabled)
			continue;
		if (eal_device_is_pci(e->device)) {
			r |= push(argv, &argc, max, "-a");
			r |= push(argv, &argc, max, "%s", e->device);
		} else {
			r |= push(argv, &argc, max, "--vdev=%s", e->device);
		}
	}
	for (size_t i = 0; i < RTE_DIM(eal_log_args); i++)
		r |= push(argv, &argc, max, "%s", eal_log_args[i]);
	for (unsigned int i = 0; i < dpc->n_eal_args; i++)
		r |= push(argv, &argc, max, "%s", dpc->eal_args[i]);
	if (r != 0) {
		set_err(err, errlen, "out of memory building the EAL command line");
		goto fail;
	}
	argv[argc] = NULL;
	*argc_out = argc;
	*argv_out = argv;
	return 0;
fail:
	eal_free_argv(argc, argv);
	return -1;
}
