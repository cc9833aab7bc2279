/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control plane <-> worker messages (dp_msg.h): one mempool of fixed-size
 * messages, one SP/SC ring per worker (only the control plane enqueues,
 * only that worker dequeues) and one MP/SC ring from all workers to the
 * control plane.
 */
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "config.h"
#include "dp_msg.h"
#include "log.h"

/* Messages in flight are few and slow; drain this many at a time on teardown. */
#define MSG_DRAIN_BURST 32

static struct {
	struct rte_mempool *pool;
	struct rte_ring *to_worker[CFG_MAX_WORKERS];
	struct rte_ring *to_cp;
	unsigned int n_workers;
	unsigned int capacity;
} msgs;

int dp_msg_init(unsigned int n_workers, unsigned int ring_size)
{
	char name[RTE_RING_NAMESIZE];

	if (n_workers == 0 || n_workers > CFG_MAX_WORKERS || ring_size == 0 ||
	    ring_size > RTE_RING_SZ_MASK) {
		LOG_ERR(LOG_TOPIC_SYSTEM, "dp_msg_init: bad sizes (workers=%u ring=%u)", n_workers, ring_size);
		return -1;
	}
	memset(&msgs, 0, sizeof(msgs));
	msgs.n_workers = n_workers;
	/* Enough for every ring to be full at once: a full ring, never an empty pool, is the normal back-pressure. */
	msgs.capacity = ring_size * (n_workers + 1);
	/*
	 * No per-lcore cache: messages are rare, and a cache would strand
	 * objects on one lcore so "pool empty" would come early and vary.
	 */
	msgs.pool = rte_mempool_create("dp_msg_pool", msgs.capacity, sizeof(struct dp_msg), 0, 0,
				       NULL, NULL, NULL, NULL, (int)rte_socket_id(), 0);
	if (msgs.pool == NULL)
		goto fail;
	/* EXACT_SZ: the ring holds exactly ring_size, the number the caller reasons with. */
	for (unsigned int w = 0; w < n_workers; w++) {
		snprintf(name, sizeof(name), "dp_msg_w%u", w);
		msgs.to_worker[w] = rte_ring_create(name, ring_size, (int)rte_socket_id(),
						    RING_F_SP_ENQ | RING_F_SC_DEQ | RING_F_EXACT_SZ);
		if (msgs.to_worker[w] == NULL)
			goto fail;
	}
	msgs.to_cp = rte_ring_create("dp_msg_cp", ring_size, (int)rte_socket_id(),
				     RING_F_SC_DEQ | RING_F_EXACT_SZ);
	if (msgs.to_cp == NULL)
		goto fail;
	return 0;
fail:
	LOG_ERR(LOG_TOPIC_SYSTEM, "dp_msg_init: cannot create message pool/rings: %s",
		rte_strerror(rte_errno));
	dp_msg_fini();
	return -1;
}

/* Return whatever is still queued, with the frames PPP messages carry. */
static void drain_ring(struct rte_ring *r)
{
	void *objs[MSG_DRAIN_BURST];
	unsigned int n;

	while ((n = rte_ring_dequeue_burst(r, objs, MSG_DRAIN_BURST, NULL)) > 0) {
		for (unsigned int i = 0; i < n; i++) {
			struct dp_msg *m = objs[i];
			if ((m->type == DP_MSG_PPP_CTRL_IN || m->type == DP_MSG_PPP_CTRL_OUT) &&
			    m->u.frame != NULL)
				rte_pktmbuf_free(m->u.frame);
			dp_msg_free(m);
		}
	}
}

void dp_msg_fini(void)
{
	for (unsigned int w = 0; w < CFG_MAX_WORKERS; w++) {
		if (msgs.to_worker[w] != NULL) {
			drain_ring(msgs.to_worker[w]);
			rte_ring_free(msgs.to_worker[w]);
		}
	}
	if (msgs.to_cp != NULL) {
		drain_ring(msgs.to_cp);
		rte_ring_free(msgs.to_cp);
	}
	rte_mempool_free(msgs.pool);
	memset(&msgs, 0, sizeof(msgs));
}

unsigned int dp_msg_pool_capacity(void)
{
	return msgs.capacity;
}

struct dp_msg *dp_msg_alloc(void)
{
	void *obj;

	if (msgs.pool == NULL || rte_mempool_get(msgs.pool, &obj) != 0)
		return NULL;
	memset(obj, 0, sizeof(struct dp_msg));
	return obj;
}

/*
 * Frees the message only. A PPP message's frame is the receiver's to send
 * or free; dp_msg_fini frees frames of messages nobody took.
 */
void dp_msg_free(struct dp_msg *m)
{
	if (m == NULL)
		return;
	rte_mempool_put(msgs.pool, m);
}

int dp_msg_to_worker(unsigned int worker, struct dp_msg *m)
{
	if (worker >= msgs.n_workers)
		return -1;
	return rte_ring_enqueue(msgs.to_worker[worker], m) == 0 ? 0 : -1;
}

int dp_msg_to_cp(struct dp_msg *m)
{
	return rte_ring_enqueue(msgs.to_cp, m) == 0 ? 0 : -1;
}

unsigned int dp_msg_from_workers(struct dp_msg **out, unsigned int max)
{
	if (msgs.to_cp == NULL)
		return 0;
	return rte_ring_dequeue_burst(msgs.to_cp, (void **)out, max, NULL);
}

unsigned int dp_msg_for_worker(unsigned int worker, struct dp_msg **out, unsigned int max)
{
	if (worker >= msgs.n_workers)
		return 0;
	return rte_ring_dequeue_burst(msgs.to_worker[worker], (void **)out, max, NULL);
}
