/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker burst loop (DPDK examples/l3fwd shape): drain TX on a TSC
 * timer, rx burst, sort into buckets (drop / ARP / GRE / exception),
 * handle bucket by bucket, transmit through per-queue tx buffers.
 * No locks, no allocation, no logging from here on.
 */
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_pause.h>
#include <rte_prefetch.h>
#include <rte_rcu_qsbr.h>

#include "dod.h"
#include "dp_msg.h"
#include "session_table.h"
#include "tunnel.h"
#include "worker.h"


/*
 * Called by rte_eth_tx_buffer/flush with what the queue refused: free it,
 * count it as a drop, and take it back out of the tx counters that counted
 * it when it was buffered.
 */
static void worker_tx_error(struct rte_mbuf **unsent, uint16_t count, void *userdata)
{
	struct tx_err_ctx *ctx = userdata;
	uint64_t bytes = 0;

	for (uint16_t i = 0; i < count; i++)
		bytes += unsent[i]->pkt_len;
	if (ctx->to_wire) {
		ctr_sub(&ctx->pc->tx_packets, count);
		ctr_sub(&ctx->pc->tx_bytes, bytes);
		ctr_add(&ctx->pc->tx_errors, count);
		drop_count(ctx->wc, DROP_TX_WIRE_FULL, count);
	} else {
		ctr_sub(&ctx->pc->to_exception, count);
		ctr_sub(&ctx->pc->to_exception_bytes, bytes);
		drop_count(ctx->wc, DROP_TX_EXC_FULL, count);
	}
	rte_pktmbuf_free_bulk(unsent, count);
}

static struct rte_eth_dev_tx_buffer *txb_create(struct tx_err_ctx *ctx, int socket)
{
	struct rte_eth_dev_tx_buffer *b;

	b = rte_zmalloc_socket("worker_txb", RTE_ETH_TX_BUFFER_SIZE(WORKER_BURST), 0, socket);
	if (b == NULL)
		return NULL;
	rte_eth_tx_buffer_init(b, WORKER_BURST);
	rte_eth_tx_buffer_set_err_callback(b, worker_tx_error, ctx);
	return b;
}

int worker_init(struct worker *w, unsigned int id, unsigned int lcore)
{
	int socket = (int)rte_socket_id();
	uint64_t hz = rte_get_tsc_hz();

	memset(w, 0, sizeof(*w));
	w->id = id;
	w->lcore = lcore;
	w->cls = &dp.cls;
	w->drain_tsc = (hz + US_PER_S - 1) / US_PER_S * WORKER_DRAIN_US;
	w->age_period_tsc = hz / MS_PER_S * NEIGH_SCAN_PERIOD_MS;
	w->max_age_tsc = hz * NEIGH_MAX_AGE_S;
	w->sleep_ns = WORKER_SLEEP_MIN_NS;
	w->ack_delay_tsc = (hz + US_PER_S - 1) / US_PER_S * SESSION_ACK_DELAY_US;
	w->nh_refresh_tsc = hz / MS_PER_S * SESSION_NH_REFRESH_MS;
	w->ack_head = SESSION_NONE;
	memset(w->port_slot, -1, sizeof(w->port_slot));
	if (neigh_table_create(&w->neigh, id, socket) < 0)
		return -1;
	/* A reader of the session tables from now on (tests poll without launching). */
	if (rte_rcu_qsbr_thread_register(sess.qsv, id) != 0)
		return -1;
	rte_rcu_qsbr_thread_online(sess.qsv, id);

	for (unsigned int i = 0; i < dp.n_ports; i++) {
		const struct dp_port *p = &dp.ports[i];
		if (!p->enabled || id >= p->n_queues)
			continue;  /* single-queue port: worker 0 owns it */
		w->port_slot[i] = (int8_t)w->n_ports;
		struct worker_port *wp = &w->ports[w->n_ports++];
		wp->idx = (uint16_t)i;
		wp->wire_port = p->port_id;
		wp->tap_port = p->tap_port_id;
		wp->queue = (uint16_t)id;
		wp->wire_err = (struct tx_err_ctx){ .wc = &w->wc, .pc = &w->pc[i], .to_wire = true };
		wp->tap_err = (struct tx_err_ctx){ .wc = &w->wc, .pc = &w->pc[i], .to_wire = false };
		wp->wire_txb = txb_create(&wp->wire_err, socket);
		wp->tap_txb = txb_create(&wp->tap_err, socket);
		if (wp->wire_txb == NULL || wp->tap_txb == NULL)
			return -1;  /* worker_fini frees what was made */
	}
	return 0;
}

void worker_fini(struct worker *w)
{
	for (unsigned int i = 0; i < w->n_ports; i++) {
		struct worker_port *wp = &w->ports[i];
		/* Ports are still up: whatever is buffered goes out (or is counted). */
		if (wp->wire_txb != NULL)
			rte_eth_tx_buffer_flush(wp->wire_port, wp->queue, wp->wire_txb);
		if (wp->tap_txb != NULL)
			rte_eth_tx_buffer_flush(wp->tap_port, wp->queue, wp->tap_txb);
		rte_free(wp->wire_txb);
		rte_free(wp->tap_txb);
		wp->wire_txb = wp->tap_txb = NULL;
	}
	w->n_ports = 0;
	neigh_table_destroy(&w->neigh);
	if (sess.qsv != NULL) {
		rte_rcu_qsbr_thread_offline(sess.qsv, w->id);
		(void)rte_rcu_qsbr_thread_unregister(sess.qsv, w->id);
	}
}

void worker_drain_tx(struct worker *w)
{
	for (unsigned int i = 0; i < w->n_ports; i++) {
		struct worker_port *wp = &w->ports[i];
		rte_eth_tx_buffer_flush(wp->wire_port, wp->queue, wp->wire_txb);
		rte_eth_tx_buffer_flush(wp->tap_port, wp->queue, wp->tap_txb);
	}
}

/* Control-plane messages: session state changes and control frames, applied by the owner. */
unsigned int worker_poll_msgs(struct worker *w, uint64_t now_tsc)
{
	struct dp_msg *msgs[WORKER_MSG_BURST];
	unsigned int n = dp_msg_for_worker(w->id, msgs, WORKER_MSG_BURST);

	if (n == 0)
		return 0;
	ctr_add(&w->wc.msgs, n);
	for (unsigned int i = 0; i < n; i++) {
		tunnel_msg(w, msgs[i], now_tsc);
		dp_msg_free(msgs[i]);
	}
	return n;
}

/* Buffer a bucket for the kernel; the buffer's callback uncounts refusals. */
static void worker_to_exception(struct worker *w, struct worker_port *wp,
				struct rte_mbuf **pkts, uint16_t n)
{
	struct port_counters *pc = &w->pc[wp->idx];
	uint64_t bytes = 0;

	if (n == 0)
		return;
	for (uint16_t i = 0; i < n; i++)
		bytes += pkts[i]->pkt_len;
	/* Counted before buffering: the error callback may subtract from them. */
	ctr_add(&pc->to_exception, n);
	ctr_add(&pc->to_exception_bytes, bytes);
	for (uint16_t i = 0; i < n; i++)
		rte_eth_tx_buffer(wp->tap_port, wp->queue, wp->tap_txb, pkts[i]);
}

/* ARP from the wire: learn sender IP -> MAC when the sender is on one of our links. */
static void worker_snoop_arp(struct worker *w, uint16_t port_idx, struct rte_mbuf **pkts,
			     uint16_t n, uint64_t now_tsc)
{
	for (uint16_t i = 0; i < n; i++) {
		/* classify_frame returned ARP: the 28-byte body is contiguous. */
		const uint8_t *arp = rte_pktmbuf_mtod_offset(pkts[i], const uint8_t *,
							     CLS_ETH_HDR_LEN);
		const uint8_t *sha = arp + CLS_ARP_SHA_OFF;
		uint32_t spa_be;

		memcpy(&spa_be, arp + CLS_ARP_SPA_OFF, sizeof(spa_be));
		/* Probes (sender 0.0.0.0) and multicast senders teach nothing. */
		if (spa_be == 0 || rte_is_multicast_ether_addr((const struct rte_ether_addr *)sha) ||
		    rte_is_zero_ether_addr((const struct rte_ether_addr *)sha))
			continue;
		if (!classify_on_link(w->cls, spa_be))
			continue;
		int r = neigh_learn(&w->neigh, spa_be, sha, port_idx, now_tsc);
		if (r > 0)
			ctr_add(&w->wc.arp_learned, 1);
		else if (r < 0)
			ctr_add(&w->wc.neigh_full, 1);
	}
}

static uint16_t worker_rx_wire(struct worker *w, struct worker_port *wp, uint64_t now_tsc)
{
	struct rte_mbuf *pkts[WORKER_BURST];
	struct rte_mbuf *exc[WORKER_BURST], *arp[WORKER_BURST], *gre[WORKER_BURST];
	struct rte_mbuf *bad[WORKER_BURST];
	uint16_t n_exc = 0, n_arp = 0, n_gre = 0, n_bad = 0;
	uint64_t bytes = 0;

	uint16_t n = rte_eth_rx_burst(wp->wire_port, wp->queue, pkts, WORKER_BURST);
	if (n == 0)
		return 0;

	for (uint16_t i = 0; i < n && i < WORKER_PREFETCH_AHEAD; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		enum drop_reason why = DROP_MAX;

		if (i + WORKER_PREFETCH_AHEAD < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + WORKER_PREFETCH_AHEAD], void *));
		bytes += m->pkt_len;
		switch (classify_frame(w->cls, rte_pktmbuf_mtod(m, const uint8_t *), m->data_len,
				       m->pkt_len, &why)) {
		case DP_CLASS_DROP:
			drop_count(&w->wc, why, 1);
			bad[n_bad++] = m;
			break;
		case DP_CLASS_ARP:
			arp[n_arp++] = m;
			break;
		case DP_CLASS_GRE:
			gre[n_gre++] = m;
			break;
		case DP_CLASS_EXCEPTION:
		default:
			exc[n_exc++] = m;
			break;
		}
	}

	struct port_counters *pc = &w->pc[wp->idx];
	ctr_add(&pc->rx_packets, n);
	ctr_add(&pc->rx_bytes, bytes);
	ctr_add(&w->wc.rx_packets, n);

	if (n_bad > 0)
		rte_pktmbuf_free_bulk(bad, n_bad);
	worker_snoop_arp(w, wp->idx, arp, n_arp, now_tsc);
	worker_to_exception(w, wp, arp, n_arp);
	if (n_gre > 0)
		tunnel_upstream_burst(w, gre, n_gre, now_tsc);
	/* IPv4 for a session's address is ours; the rest goes to the kernel as before. */
	if (n_exc > 0)
		n_exc = tunnel_downstream_filter(w, exc, n_exc, false, now_tsc);
	worker_to_exception(w, wp, exc, n_exc);
	return n;
}

/*
 * Dial-on-demand (dod.h): the kernel's ARP requests for a placeholder gateway
 * stay off the wire, and each tells the control plane that traffic waits.
 * The kernel asks at most once a second per placeholder (and not at all once
 * the control plane holds the entry), so one message each is cheap; a full
 * ring loses a message, not the dial: the kernel asks again. Returns how many
 * frames are left in pkts (order kept).
 */
static uint16_t worker_tap_dod_arp(struct worker *w, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t keep = 0;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct dp_msg *msg;
		uint32_t target;

		if (likely(!dod_arp_request(rte_pktmbuf_mtod(m, const uint8_t *), m->data_len,
					    &target))) {
			pkts[keep++] = m;
			continue;
		}
		drop_count(&w->wc, DROP_DOD_ARP, 1);
		rte_pktmbuf_free(m);
		msg = dp_msg_alloc();
		if (msg == NULL) {
			drop_count(&w->wc, DROP_TO_CP_FULL, 1);
			continue;
		}
		msg->type = DP_MSG_EVENT;
		msg->session_id = DP_EVENT_NO_SESSION;
		msg->u.event.kind = DP_EVENT_DOD_TRAFFIC;
		msg->u.event.arg = target;
		if (dp_msg_to_cp(msg) < 0) {
			dp_msg_free(msg);
			drop_count(&w->wc, DROP_TO_CP_FULL, 1);
		}
	}
	return keep;
}

/*
 * The kernel's IPv4 for a session's address (replies from the appliance,
 * kernel-forwarded traffic) goes into the tunnel; everything else the kernel
 * sends through the TAP goes to the wire unchanged.
 */
static uint16_t worker_rx_tap(struct worker *w, struct worker_port *wp, uint64_t now_tsc)
{
	struct rte_mbuf *pkts[WORKER_BURST];
	struct port_counters *pc = &w->pc[wp->idx];
	uint64_t bytes = 0;

	uint16_t n = rte_eth_rx_burst(wp->tap_port, wp->queue, pkts, WORKER_BURST);
	if (n == 0)
		return 0;
	for (uint16_t i = 0; i < n; i++)
		bytes += pkts[i]->pkt_len;
	ctr_add(&pc->from_exception, n);
	ctr_add(&pc->from_exception_bytes, bytes);
	ctr_add(&w->wc.rx_packets, n);
	uint16_t rest = worker_tap_dod_arp(w, pkts, n);
	rest = tunnel_downstream_filter(w, pkts, rest, true, now_tsc);
	if (rest != n) {
		bytes = 0;
		for (uint16_t i = 0; i < rest; i++)
			bytes += pkts[i]->pkt_len;
	}
	/* Counted before buffering: the error callback may subtract from them. */
	ctr_add(&pc->tx_packets, rest);
	ctr_add(&pc->tx_bytes, bytes);
	for (uint16_t i = 0; i < rest; i++)
		rte_eth_tx_buffer(wp->wire_port, wp->queue, wp->wire_txb, pkts[i]);
	return n;
}

unsigned int worker_poll_once(struct worker *w, uint64_t now_tsc)
{
	unsigned int got = 0;

	worker_poll_msgs(w, now_tsc);
	got += tunnel_handoff_poll(w, now_tsc);
	for (unsigned int i = 0; i < w->n_ports; i++) {
		struct worker_port *wp = &w->ports[i];
		got += worker_rx_wire(w, wp, now_tsc);
		got += worker_rx_tap(w, wp, now_tsc);
	}
	/* Nothing looked up in the session tables is held past this point. */
	rte_rcu_qsbr_quiescent(sess.qsv, w->id);
	return got;
}

/*
 * Adaptive poll: after WORKER_IDLE_SPINS empty passes, sleep; each further
 * empty pass doubles the sleep up to WORKER_SLEEP_MAX_NS, so an idle worker
 * wakes a few thousand times a second instead of spinning, and the first
 * packet brings it back to full speed.
 */
static inline void worker_backoff(struct worker *w, unsigned int got)
{
	if (got != 0) {
		w->idle_passes = 0;
		w->sleep_ns = WORKER_SLEEP_MIN_NS;
		return;
	}
	if (++w->idle_passes < WORKER_IDLE_SPINS) {
		rte_pause();
		return;
	}
	/* Nothing may wait in a tx buffer while we sleep. */
	worker_drain_tx(w);
	struct timespec ts = { .tv_sec = 0, .tv_nsec = w->sleep_ns };
	/* Asleep, we hold no session reference: retirement need not wait for us. */
	rte_rcu_qsbr_thread_offline(sess.qsv, w->id);
	nanosleep(&ts, NULL);
	rte_rcu_qsbr_thread_online(sess.qsv, w->id);
	ctr_add(&w->wc.idle_sleeps, 1);
	w->sleep_ns = RTE_MIN(w->sleep_ns * 2, (uint32_t)WORKER_SLEEP_MAX_NS);
}

/* One body, specialised by the const flag (l3fwd's *_main_loop variants). */
static __rte_always_inline int worker_loop(struct worker *w, const bool adaptive)
{
	uint64_t now = rte_rdtsc();

	w->next_drain = now + w->drain_tsc;
	w->next_age = now + w->age_period_tsc;
	rte_rcu_qsbr_thread_online(sess.qsv, w->id);
	while (!dp_stop_requested()) {
		now = rte_rdtsc();
		if (now >= w->next_drain) {
			tunnel_ack_tick(w, now);
			worker_drain_tx(w);
			w->next_drain = now + w->drain_tsc;
		}
		if (now >= w->next_age) {
			neigh_age_step(&w->neigh, now, w->max_age_tsc);
			w->next_age = now + w->age_period_tsc;
		}
		unsigned int got = worker_poll_once(w, now);
		if (adaptive)
			worker_backoff(w, got);
	}
	worker_drain_tx(w);
	rte_rcu_qsbr_thread_offline(sess.qsv, w->id);
	return 0;
}

static int worker_loop_busy(struct worker *w)
{
	return worker_loop(w, false);
}

static int worker_loop_adaptive(struct worker *w)
{
	return worker_loop(w, true);
}

int worker_main(void *arg)
{
	struct worker *w = arg;

	if (dp.poll == CFG_POLL_ADAPTIVE) {
		/* Best effort: without it the short sleeps are ~50 us, still correct. */
		(void)prctl(PR_SET_TIMERSLACK, WORKER_TIMER_SLACK_NS, 0, 0, 0);
		return worker_loop_adaptive(w);
	}
	return worker_loop_busy(w);
}
