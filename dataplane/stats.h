/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Dataplane counters. Every counter has exactly one writer, the worker that
 * owns it; readers (telemetry thread, control plane) sum over workers.
 * The writer updates with a relaxed atomic store of its own value plus n:
 * on x86-64 that is a plain add/mov (no lock prefix), and it keeps a
 * concurrent reader from seeing a torn value (and the C memory model happy).
 */
#ifndef PPTPGW_STATS_H
#define PPTPGW_STATS_H

#include <stdint.h>

#include "drop.h"

/* Per (worker, port) traffic counters. */
struct port_counters {
	uint64_t rx_packets, rx_bytes;       /* received on the wire */
	uint64_t tx_packets, tx_bytes;       /* sent on the wire */
	uint64_t tx_errors;                  /* wire transmit failures (also a drop reason) */
	uint64_t to_exception;               /* delivered to the TAP */
	uint64_t from_exception;             /* received from the TAP */
	uint64_t to_exception_bytes, from_exception_bytes;
};

/* Per-worker counters that are not per port. */
struct worker_counters {
	uint64_t rx_packets;                 /* all received: wire + TAP */
	uint64_t idle_sleeps;                /* nanosleep calls of the adaptive poll */
	uint64_t gre_in;                     /* GRE to us taken by the tunnel path (upstream) */
	uint64_t ip_to_session;              /* IPv4 for a session's address (downstream), wire and TAP */
	uint64_t too_big_to_kernel;          /* larger than the tunnel MTU: the kernel fragments or says so */
	uint64_t handoff_out, handoff_in;    /* packets handed to / taken from another worker */
	uint64_t ctrl_in, ctrl_out;          /* PPP control frames to / from the control plane */
	uint64_t ack_only;                   /* GRE ack-only packets sent */
	uint64_t arp_learned;                /* neighbour entries added or changed */
	uint64_t neigh_full;                 /* ARP whose sender could not be stored */
	uint64_t msgs;                       /* control-plane messages taken */
	uint64_t install_waited;             /* frames that found their session's install still queued */
	uint64_t drops[DROP_MAX];
};

/* Single-writer increment: see the top of this file. */
static inline void ctr_add(uint64_t *c, uint64_t n)
{
	__atomic_store_n(c, *c + n, __ATOMIC_RELAXED);
}

/* Same for a counter read back to subtract a failure (tx buffer errors). */
static inline void ctr_sub(uint64_t *c, uint64_t n)
{
	__atomic_store_n(c, *c - n, __ATOMIC_RELAXED);
}

/* Reader side, any thread. */
static inline uint64_t ctr_read(const uint64_t *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

static inline void drop_count(struct worker_counters *wc, enum drop_reason r, uint64_t n)
{
	ctr_add(&wc->drops[r], n);
}

/* Sums over all workers (stats.c), for telemetry, the CLI and tests. */
struct dp_port_stats;
void stats_port_sum(unsigned int port_idx, struct dp_port_stats *out);
uint64_t stats_drop_total(enum drop_reason r);
void stats_worker_snapshot(unsigned int worker, struct worker_counters *out);

#endif /* PPTPGW_STATS_H */
