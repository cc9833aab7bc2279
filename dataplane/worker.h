/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A worker: one EAL lcore running the burst loop over the RX queues it owns
 * (queue w of every port that has one per worker; queue 0 of single-queue
 * ports belongs to worker 0). Everything the loop touches per packet is in
 * its own cache-aligned struct worker, bound once at loop entry.
 */
#ifndef PPTPGW_WORKER_H
#define PPTPGW_WORKER_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>

#include "classify.h"
#include "dp_priv.h"
#include "neigh.h"
#include "session_table.h"
#include "stats.h"

#define WORKER_BURST          32    /* rx burst and tx buffer size (l3fwd's MAX_PKT_BURST) */
/*
 * Control messages taken per pass. Not rare during a burst of set-ups: every
 * PPP control frame we send is one, ~10 a session (docs/PERFORMANCE.md,
 * control plane). With 8, the ring backed up behind them: installs then lagged
 * behind the hash entry (the client's first LCP frame dropped as session_gone,
 * a 3 s restart) or found the ring full (the call refused).
 */
#define WORKER_MSG_BURST      32
#define WORKER_DRAIN_US       100   /* flush partly filled tx buffers at least this often */
#define WORKER_PREFETCH_AHEAD 3     /* packets ahead whose headers we prefetch */
/* Adaptive poll: spin this many empty passes, then sleep, doubling the sleep up to the cap. */
#define WORKER_IDLE_SPINS     64
#define WORKER_SLEEP_MIN_NS   1000
#define WORKER_SLEEP_MAX_NS   200000
/* nanosleep's default 50 us timer slack would swallow the short sleeps. */
#define WORKER_TIMER_SLACK_NS 1000

struct rte_eth_dev_tx_buffer;
struct worker;

/* What a tx buffer's error callback needs to count and free unsent packets. */
struct tx_err_ctx {
	struct worker_counters *wc;
	struct port_counters *pc;
	bool to_wire;          /* wire tx (else: TAP tx, i.e. to the kernel) */
};

/* One port as seen by one worker: its queue on both sides and its tx buffers. */
struct worker_port {
	uint16_t idx;          /* config port index (dp.ports[idx], w->pc[idx]) */
	uint16_t wire_port;
	uint16_t tap_port;
	uint16_t queue;
	struct rte_eth_dev_tx_buffer *wire_txb;
	struct rte_eth_dev_tx_buffer *tap_txb;
	struct tx_err_ctx wire_err;
	struct tx_err_ctx tap_err;
};

struct worker {
	/* Read every pass. */
	unsigned int id;
	unsigned int n_ports;                  /* ports this worker polls */
	const struct classify_ctx *cls;
	uint64_t drain_tsc;                    /* WORKER_DRAIN_US in TSC ticks */
	uint64_t next_drain;
	uint64_t age_period_tsc, next_age, max_age_tsc;
	uint32_t idle_passes;                  /* consecutive empty passes (adaptive) */
	uint32_t sleep_ns;                     /* next back-off sleep */
	struct worker_port ports[DP_MAX_PORTS];
	int8_t port_slot[DP_MAX_PORTS];        /* config port index -> ports[], -1: no queue here */
	uint64_t ack_delay_tsc;                /* SESSION_ACK_DELAY_US */
	uint64_t nh_refresh_tsc;               /* SESSION_NH_REFRESH_MS */
	uint32_t ack_head;                     /* sessions owing an ack (owner's list) */
	uint32_t mp_n_held;                    /* sessions holding a half-reassembled packet */
	uint32_t mp_held[SESSION_MP_HELD_MAX]; /* ... their ids (tunnel_mp_tick expires them) */
	uint64_t mp_timeout_tsc;               /* SESSION_MP_TIMEOUT_MS */
	struct session_cache_entry scache[SESSION_CACHE_SIZE];

	/* Written by this worker only; read by telemetry. */
	struct worker_counters wc;
	struct port_counters pc[DP_MAX_PORTS]; /* by config port index */
	struct neigh_table neigh;

	unsigned int lcore;                    /* informational: where it runs */
} __rte_cache_aligned;

/* Set-up / teardown on the control-plane thread. */
int worker_init(struct worker *w, unsigned int id, unsigned int lcore);
void worker_fini(struct worker *w);

/*
 * One pass of the loop minus timers: control messages, then for every owned
 * port an rx burst from the wire (classified into buckets and handled) and
 * one from the TAP (sent to the wire). Transmits go through the tx buffers;
 * worker_drain_tx() flushes them. Returns packets received (0: idle pass).
 * Every received packet is sent, or freed and counted.
 */
unsigned int worker_poll_once(struct worker *w, uint64_t now_tsc);
void worker_drain_tx(struct worker *w);
/*
 * Apply up to WORKER_MSG_BURST of the control plane's queued messages for w
 * (once per pass, and on demand: tunnel.c); how many.
 */
unsigned int worker_poll_msgs(struct worker *w, uint64_t now_tsc);

/* lcore entry point (rte_eal_remote_launch); arg is the struct worker. */
int worker_main(void *arg);

#endif /* PPTPGW_WORKER_H */
