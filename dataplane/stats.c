/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counter read side: the drop reason tables and sums over workers. Readers
 * run on the control-plane or telemetry thread while workers write; each
 * counter is read atomically (stats.h), the sums are not a snapshot across
 * counters and need not be.
 */
#include <string.h>

#include <rte_ethdev.h>

#include "dataplane.h"
#include "dp_priv.h"
#include "stats.h"
#include "worker.h"

const char *const drop_reason_name[DROP_MAX] = {
#define DROP(sym, name, desc) [DROP_##sym] = name,
#include "drop_reasons.def"
#undef DROP
};

const char *const drop_reason_desc[DROP_MAX] = {
#define DROP(sym, name, desc) [DROP_##sym] = desc,
#include "drop_reasons.def"
#undef DROP
};

void stats_port_sum(unsigned int port_idx, struct dp_port_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (port_idx >= DP_MAX_PORTS)
		return;
	for (unsigned int w = 0; w < dp.n_workers; w++) {
		const struct port_counters *pc = &dp_worker_get(w)->pc[port_idx];
		out->rx_packets += ctr_read(&pc->rx_packets);
		out->rx_bytes += ctr_read(&pc->rx_bytes);
		out->tx_packets += ctr_read(&pc->tx_packets);
		out->tx_bytes += ctr_read(&pc->tx_bytes);
		out->tx_errors += ctr_read(&pc->tx_errors);
		out->to_exception += ctr_read(&pc->to_exception);
		out->from_exception += ctr_read(&pc->from_exception);
	}
}

uint64_t stats_drop_total(enum drop_reason r)
{
	uint64_t sum = 0;

	if (r >= DROP_MAX)
		return 0;
	/* The one reason the control plane counts (its own single-writer counter). */
	if (r == DROP_TO_WORKER_FULL)
		sum = ctr_read(&sess.to_worker_full);
	for (unsigned int w = 0; w < dp.n_workers; w++)
		sum += ctr_read(&dp_worker_get(w)->wc.drops[r]);
	return sum;
}

void stats_worker_snapshot(unsigned int worker, struct worker_counters *out)
{
	const struct worker_counters *wc = &dp_worker_get(worker)->wc;

	out->rx_packets = ctr_read(&wc->rx_packets);
	out->idle_sleeps = ctr_read(&wc->idle_sleeps);
	out->gre_in = ctr_read(&wc->gre_in);
	out->ip_to_session = ctr_read(&wc->ip_to_session);
	out->too_big_to_kernel = ctr_read(&wc->too_big_to_kernel);
	out->handoff_out = ctr_read(&wc->handoff_out);
	out->handoff_in = ctr_read(&wc->handoff_in);
	out->ctrl_in = ctr_read(&wc->ctrl_in);
	out->ctrl_out = ctr_read(&wc->ctrl_out);
	out->ack_only = ctr_read(&wc->ack_only);
	out->arp_learned = ctr_read(&wc->arp_learned);
	out->neigh_full = ctr_read(&wc->neigh_full);
	out->msgs = ctr_read(&wc->msgs);
	out->install_waited = ctr_read(&wc->install_waited);
	for (unsigned int r = 0; r < DROP_MAX; r++)
		out->drops[r] = ctr_read(&wc->drops[r]);
}
