/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Drop reasons as an enum, generated from drop_reasons.def. Kept free of
 * DPDK headers so the pure classifier (and its fuzz target) can use it.
 */
#ifndef PPTPGW_DROP_H
#define PPTPGW_DROP_H

enum drop_reason {
#define DROP(sym, name, desc) DROP_##sym,
#include "drop_reasons.def"
#undef DROP
	DROP_MAX
};

/* Telemetry name ("runt") and operator description, indexed by reason. */
extern const char *const drop_reason_name[DROP_MAX];
extern const char *const drop_reason_desc[DROP_MAX];

#endif /* PPTPGW_DROP_H */
