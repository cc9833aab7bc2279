/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Session tables and the control plane's session API (session_table.h for the
 * concurrency design, dp_session.h for the API). Everything here but the
 * two lookups runs on the control-plane thread, the tables' single writer.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "dp_priv.h"
#include "dp_session.h"
#include "log.h"
#include "session_table.h"
#include "stats.h"
#include "tunnel_fib.h"
#include "worker.h"

struct session_tables sess;

static const struct rte_mbuf_dynfield tag_desc = {
	.name = "pptpgw_session_tag",
	.size = sizeof(uint64_t),
	.align = __alignof__(uint64_t),
};

static uint64_t heap_used(void)
{
	struct rte_malloc_socket_stats st;
	uint64_t used = 0;

	for (unsigned int s = 0; s < rte_socket_count(); s++)
		if (rte_malloc_get_socket_stats(rte_socket_id_by_idx(s), &st) == 0)
			used += st.heap_allocsz_bytes;
	return used;
}

static struct rte_hash *table_create(const char *name, uint32_t entries, uint32_t key_len)
{
	struct rte_hash_parameters hp = {
		.name = name,
		.entries = entries,
		.key_len = key_len,
		.hash_func = rte_hash_crc,
		.socket_id = (int)rte_socket_id(),
		/* LF: workers read while the control plane writes; EXT_TABLE: an
		 * insert fails only when the table is full, never on a full bucket. */
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF | RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};

	return rte_hash_create(&hp);
}

int session_tables_create(uint32_t max, unsigned int n_workers)
{
	char name[RTE_RING_NAMESIZE];
	uint64_t before = heap_used();

	memset(&sess, 0, sizeof(sess));
	sess.max = max;
	sess.n_workers = n_workers;
	sess.retire_head = sess.retire_tail = SESSION_NONE;
	sess.handoff_dynfield = rte_mbuf_dynfield_register(&tag_desc);
	if (sess.handoff_dynfield < 0)
		goto fail;
	sess.s = rte_zmalloc("dp_sessions", sizeof(*sess.s) * max, RTE_CACHE_LINE_SIZE);
	sess.cp = rte_zmalloc("dp_sessions_cp", sizeof(*sess.cp) * max, RTE_CACHE_LINE_SIZE);
	if (sess.s == NULL || sess.cp == NULL)
		goto fail;
	sess.up = table_create("sess_up", max, sizeof(uint64_t));
	sess.down = table_create("sess_down", max, sizeof(uint32_t));
	if (sess.up == NULL || sess.down == NULL)
		goto fail;
	size_t qsz = rte_rcu_qsbr_get_memsize(n_workers);
	sess.qsv = rte_zmalloc("sess_qsbr", qsz, RTE_CACHE_LINE_SIZE);
	if (sess.qsv == NULL || rte_rcu_qsbr_init(sess.qsv, n_workers) != 0)
		goto fail;
	for (unsigned int w = 0; w < n_workers; w++) {
		snprintf(name, sizeof(name), "sess_handoff_%u", w);
		/* MP/SC: any worker hands packets to this one. */
		sess.handoff[w] = rte_ring_create(name, SESSION_HANDOFF_RING, (int)rte_socket_id(),
						  RING_F_SC_DEQ);
		if (sess.handoff[w] == NULL)
			goto fail;
	}
	for (uint32_t i = 0; i < max; i++)
		sess.s[i].ack_next = SESSION_NONE;
	sess.mem_bytes = heap_used() - before;
	return 0;
fail:
	LOG_ERR(LOG_TOPIC_SYSTEM, "cannot create the session tables for %u sessions: %s", max,
		rte_strerror(rte_errno));
	session_tables_destroy();
	return -1;
}

void session_tables_destroy(void)
{
	for (unsigned int w = 0; w < CFG_MAX_WORKERS; w++) {
		if (sess.handoff[w] == NULL)
			continue;
		struct rte_mbuf *m;
		while (rte_ring_dequeue(sess.handoff[w], (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(sess.handoff[w]);
	}
	tunnel_fib_destroy();
	rte_hash_free(sess.up);
	rte_hash_free(sess.down);
	rte_free(sess.qsv);
	if (sess.s != NULL) {
		/* Key material does not linger in freed heap. */
		memset(sess.s, 0, sizeof(*sess.s) * sess.max);
		rte_free(sess.s);
	}
	rte_free(sess.cp);
	int dyn = sess.handoff_dynfield;
	memset(&sess, 0, sizeof(sess));
	sess.handoff_dynfield = dyn;
}

/* --- worker side --- */

static inline uint32_t cache_slot(uint64_t key)
{
	return rte_hash_crc_8byte(key, 0) & (SESSION_CACHE_SIZE - 1);
}

/* A cache hit is good while the slot is still in the life it was cached from. */
static inline bool cache_get(struct session_cache_entry *ce, uint64_t key, struct session_ref *out)
{
	if (ce->key != (key | SESSION_CACHE_VALID))
		return false;
	*out = session_ref_unpack(ce->ref);
	const struct session_cp *c = &sess.cp[out->id];
	if (likely(__atomic_load_n(&c->gen, __ATOMIC_RELAXED) == out->gen &&
		   __atomic_load_n(&c->state, __ATOMIC_RELAXED) == SESSION_CP_USED))
		return true;
	ce->key = 0;
	return false;
}

uint64_t session_lookup_up_bulk(struct worker *w, const uint64_t *keys, unsigned int n,
				struct session_ref *out)
{
	const void *kp[RTE_HASH_LOOKUP_BULK_MAX];
	void *data[RTE_HASH_LOOKUP_BULK_MAX];
	uint8_t miss[RTE_HASH_LOOKUP_BULK_MAX];
	uint64_t found = 0, hits = 0;
	unsigned int nm = 0;

	for (unsigned int i = 0; i < n; i++) {
		if (cache_get(&w->scache[cache_slot(keys[i])], keys[i], &out[i])) {
			found |= 1ull << i;
			continue;
		}
		kp[nm] = &keys[i];
		miss[nm++] = (uint8_t)i;
	}
	if (nm == 0 || rte_hash_lookup_bulk_data(sess.up, kp, nm, &hits, data) <= 0)
		return found;
	for (unsigned int j = 0; j < nm; j++) {
		if (!(hits & (1ull << j)))
			continue;
		unsigned int i = miss[j];
		struct session_cache_entry *ce = &w->scache[cache_slot(keys[i])];
		ce->key = keys[i] | SESSION_CACHE_VALID;
		ce->ref = (uint64_t)(uintptr_t)data[j];
		out[i] = session_ref_unpack(ce->ref);
		found |= 1ull << i;
	}
	return found;
}

uint64_t session_lookup_down_bulk(const uint32_t *ips, unsigned int n, struct session_ref *out)
{
	const void *kp[RTE_HASH_LOOKUP_BULK_MAX];
	void *data[RTE_HASH_LOOKUP_BULK_MAX];
	uint64_t hits = 0;

	for (unsigned int i = 0; i < n; i++)
		kp[i] = &ips[i];
	if (n == 0 || rte_hash_lookup_bulk_data(sess.down, kp, n, &hits, data) <= 0)
		return 0;
	for (unsigned int i = 0; i < n; i++)
		if (hits & (1ull << i))
			out[i] = session_ref_unpack((uint64_t)(uintptr_t)data[i]);
	return hits;
}

bool session_lookup_up(struct worker *w, uint32_t peer_ip, uint16_t call_id, struct session_ref *out)
{
	uint64_t key = session_up_key(peer_ip, call_id);
	struct session_cache_entry *ce = &w->scache[cache_slot(key)];
	void *data;

	/*
	 * A hit is good while the slot is still in the life it was cached from
	 * (the control plane's generation, one shared read-mostly line): a
	 * removed or re-installed session falls through to the table.
	 */
	if (cache_get(ce, key, out))
		return true;
	if (rte_hash_lookup_data(sess.up, &key, &data) < 0)
		return false;
	ce->key = key | SESSION_CACHE_VALID;
	ce->ref = (uint64_t)(uintptr_t)data;
	*out = session_ref_unpack(ce->ref);
	return true;
}

bool session_lookup_down(uint32_t client_ip, struct session_ref *out)
{
	void *data;

	if (rte_hash_lookup_data(sess.down, &client_ip, &data) < 0)
		return false;
	*out = session_ref_unpack((uint64_t)(uintptr_t)data);
	return true;
}

/* --- control-plane side --- */

uint32_t dp_session_max(void)
{
	return sess.max;
}

static bool id_ok(uint32_t id)
{
	return sess.s != NULL && id < sess.max;
}

/*
 * The owner: session_id % workers, as long as that worker has a queue on the
 * session's port; a port with a single queue is served by worker 0 alone.
 */
static uint8_t owner_of(uint32_t id, uint16_t port)
{
	if (port >= dp.n_ports || dp.ports[port].n_queues < sess.n_workers)
		return 0;
	return (uint8_t)(id % sess.n_workers);
}

static int send_msg(uint32_t id, enum dp_msg_type type, const void *body, size_t len)
{
	struct session_cp *c = &sess.cp[id];
	struct dp_msg *m = dp_msg_alloc();

	if (m == NULL) {
		ctr_add(&sess.to_worker_full, 1);
		return -EAGAIN;
	}
	m->type = type;
	m->session_id = id;
	m->gen = c->gen;
	if (body != NULL)
		memcpy(&m->u, body, len);
	if (dp_msg_to_worker(c->owner, m) < 0) {
		ctr_add(&sess.to_worker_full, 1);
		dp_msg_free(m);
		return -EAGAIN;
	}
	return 0;
}

int dp_session_install(uint32_t id, const struct dp_session_params *p)
{
	if (!id_ok(id) || p == NULL || p->port >= dp.n_ports || !dp.ports[p->port].enabled)
		return -EINVAL;
	(void)dp_session_reclaim();
	struct session_cp *c = &sess.cp[id];
	if (c->state != SESSION_CP_FREE)
		return -EBUSY;
	uint64_t key = session_up_key(p->peer_ip, p->our_call_id);
	if (rte_hash_lookup(sess.up, &key) >= 0)
		return -EEXIST;

	__atomic_store_n(&c->gen, (c->gen + 1) & SESSION_GEN_MASK, __ATOMIC_RELAXED);
	c->owner = owner_of(id, p->port);
	c->port = p->port;
	c->up_key = key;
	c->client_ip = 0;
	c->down_pos = -1;
	__atomic_store_n(&c->rate_rx_bps, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&c->rate_tx_bps, 0, __ATOMIC_RELAXED);
	/* The owner learns the session before any worker can find it. */
	int r = send_msg(id, DP_MSG_SESSION_INSTALL, p, sizeof(*p));
	if (r < 0)
		return r;
	/* add_key_data returns 0, not the position: the delete will tell it. */
	c->up_pos = rte_hash_add_key_data(sess.up, &key,
					  (void *)(uintptr_t)session_ref_pack(id, c->gen, c->owner));
	__atomic_store_n(&c->state, SESSION_CP_USED, __ATOMIC_RELAXED);
	sess.n_used++;
	if (c->up_pos < 0) {
		/* Full: take the install back (the owner applies both in order). */
		c->up_pos = -1;
		(void)dp_session_remove(id);
		return -ENOSPC;
	}
	return 0;
}

int dp_session_network_up(uint32_t id, const struct dp_session_keys *k)
{
	if (!id_ok(id) || k == NULL || k->client_ip == 0)
		return -EINVAL;
	if (k->mppe_bits != 0 && mppe_key_len((enum mppe_bits)k->mppe_bits) == 0)
		return -EINVAL;
	struct session_cp *c = &sess.cp[id];
	if (c->state != SESSION_CP_USED)
		return -ENOENT;
	if (c->client_ip != 0 && c->client_ip != k->client_ip)
		return -EINVAL;
	if (c->client_ip == 0) {
		uint32_t ip = k->client_ip;
		if (rte_hash_lookup(sess.down, &ip) >= 0)
			return -EEXIST;
		/* Keys first (the owner marks the session up), then the address:
		 * a downstream packet never finds a session not yet up. */
		int r = send_msg(id, DP_MSG_SESSION_KEYS, k, sizeof(*k));
		if (r < 0)
			return r;
		c->down_pos = rte_hash_add_key_data(sess.down, &ip,
						    (void *)(uintptr_t)session_ref_pack(id, c->gen, c->owner));
		if (c->down_pos < 0) {
			c->down_pos = -1;
			return -ENOSPC;
		}
		c->client_ip = ip;
		__atomic_store_n(&c->rate_rx_bps, k->rate.rx_bps, __ATOMIC_RELAXED);
		__atomic_store_n(&c->rate_tx_bps, k->rate.tx_bps, __ATOMIC_RELAXED);
		return 0;
	}
	int r = send_msg(id, DP_MSG_SESSION_KEYS, k, sizeof(*k));
	if (r == 0) {
		__atomic_store_n(&c->rate_rx_bps, k->rate.rx_bps, __ATOMIC_RELAXED);
		__atomic_store_n(&c->rate_tx_bps, k->rate.tx_bps, __ATOMIC_RELAXED);
	}
	return r;
}

int dp_session_set_rate(uint32_t id, const struct dp_session_rate *r)
{
	if (!id_ok(id) || r == NULL)
		return -EINVAL;
	struct session_cp *c = &sess.cp[id];
	if (c->state != SESSION_CP_USED)
		return -ENOENT;
	int rc = send_msg(id, DP_MSG_SESSION_RATE, r, sizeof(*r));
	if (rc == 0) {
		__atomic_store_n(&c->rate_rx_bps, r->rx_bps, __ATOMIC_RELAXED);
		__atomic_store_n(&c->rate_tx_bps, r->tx_bps, __ATOMIC_RELAXED);
	}
	return rc;
}

int dp_session_remove(uint32_t id)
{
	if (!id_ok(id))
		return -EINVAL;
	struct session_cp *c = &sess.cp[id];
	if (c->state != SESSION_CP_USED)
		return -ENOENT;
	int r = send_msg(id, DP_MSG_SESSION_REMOVE, NULL, 0);
	if (r < 0)
		return r;
	/* Deleted now; LF tables keep the positions (returned here) until we free them. */
	if (c->up_pos >= 0)
		c->up_pos = rte_hash_del_key(sess.up, &c->up_key);
	if (c->down_pos >= 0)
		c->down_pos = rte_hash_del_key(sess.down, &c->client_ip);
	__atomic_store_n(&c->state, SESSION_CP_RETIRING, __ATOMIC_RELAXED);
	c->token = rte_rcu_qsbr_start(sess.qsv);
	c->retire_next = SESSION_NONE;
	if (sess.retire_tail == SESSION_NONE)
		sess.retire_head = id;
	else
		sess.cp[sess.retire_tail].retire_next = id;
	sess.retire_tail = id;
	sess.n_used--;
	sess.n_retiring++;
	(void)dp_session_reclaim();
	return 0;
}

unsigned int dp_session_reclaim(void)
{
	unsigned int freed = 0;

	if (sess.s == NULL)
		return 0;
	(void)tunnel_fib_reclaim();   /* route tables replaced meanwhile (tunnel_fib.h) */
	/*
	 * Tokens grow in FIFO order: stop at the first one still in its grace
	 * period, or whose owner has not applied the REMOVE yet (its ring is FIFO too).
	 */
	while (sess.retire_head != SESSION_NONE) {
		uint32_t id = sess.retire_head;
		struct session_cp *c = &sess.cp[id];
		if (rte_rcu_qsbr_check(sess.qsv, c->token, false) != 1 ||
		    __atomic_load_n(&sess.s[id].retired_gen, __ATOMIC_ACQUIRE) != c->gen)
			break;
		if (c->up_pos >= 0)
			(void)rte_hash_free_key_with_position(sess.up, c->up_pos);
		if (c->down_pos >= 0)
			(void)rte_hash_free_key_with_position(sess.down, c->down_pos);
		c->up_pos = c->down_pos = -1;
		c->client_ip = 0;
		__atomic_store_n(&c->state, SESSION_CP_FREE, __ATOMIC_RELAXED);
		sess.retire_head = c->retire_next;
		if (sess.retire_head == SESSION_NONE)
			sess.retire_tail = SESSION_NONE;
		sess.n_retiring--;
		freed++;
	}
	return freed;
}

unsigned int dp_session_retiring(void)
{
	return sess.n_retiring;
}

int dp_session_owner(uint32_t id)
{
	if (!id_ok(id) || sess.cp[id].state != SESSION_CP_USED)
		return -1;
	return sess.cp[id].owner;
}

int dp_session_stats(uint32_t id, struct dp_session_stats *out)
{
	if (!id_ok(id) || __atomic_load_n(&sess.cp[id].state, __ATOMIC_RELAXED) != SESSION_CP_USED)
		return -ENOENT;
	const struct dp_session *s = &sess.s[id];
	memset(out, 0, sizeof(*out));
	out->state = __atomic_load_n(&s->state, __ATOMIC_RELAXED);
	out->rx_packets = ctr_read(&s->c.rx_packets);
	out->rx_bytes = ctr_read(&s->c.rx_bytes);
	out->rx_drops = ctr_read(&s->c.rx_drops);
	out->tx_packets = ctr_read(&s->c.tx_packets);
	out->tx_bytes = ctr_read(&s->c.tx_bytes);
	out->tx_drops = ctr_read(&s->c.tx_drops);
	out->ctrl_in = ctr_read(&s->c.ctrl_in);
	out->ctrl_out = ctr_read(&s->c.ctrl_out);
	out->rate_rx_bps = __atomic_load_n(&sess.cp[id].rate_rx_bps, __ATOMIC_RELAXED);
	out->rate_tx_bps = __atomic_load_n(&sess.cp[id].rate_tx_bps, __ATOMIC_RELAXED);
	out->rate_rx_drops = ctr_read(&s->rate.rx.drops);
	out->rate_tx_drops = ctr_read(&s->rate.tx.drops);
	return 0;
}

int64_t dp_session_last_rx_age_ms(uint32_t id)
{
	if (!id_ok(id) || sess.cp[id].state != SESSION_CP_USED)
		return -1;
	uint64_t last = __atomic_load_n(&sess.s[id].last_rx_tsc, __ATOMIC_RELAXED);
	uint64_t now = rte_rdtsc();
	if (last == 0 || now < last)
		return 0;  /* the owner has not applied the install yet */
	return (int64_t)((now - last) * MS_PER_S / rte_get_tsc_hz());
}

int64_t dp_session_last_data_age_ms(uint32_t id)
{
	if (!id_ok(id) || sess.cp[id].state != SESSION_CP_USED)
		return -1;
	uint64_t last = __atomic_load_n(&sess.s[id].last_data_tsc, __ATOMIC_RELAXED);
	uint64_t now = rte_rdtsc();
	if (last == 0 || now < last)
		return 0;  /* the owner has not applied the network up yet */
	return (int64_t)((now - last) * MS_PER_S / rte_get_tsc_hz());
}

struct rte_mbuf *dp_ctrl_frame_alloc(void)
{
	/* dp_setup sized the pool for a full message ring of frames per worker. */
	return dp.pool != NULL ? rte_pktmbuf_alloc(dp.pool) : NULL;
}

int dp_session_send_ctrl_mbuf(uint32_t id, struct rte_mbuf *frame)
{
	if (frame == NULL)
		return -EINVAL;
	if (!id_ok(id) || sess.cp[id].state != SESSION_CP_USED) {
		rte_pktmbuf_free(frame);
		return -ENOENT;
	}
	int r = send_msg(id, DP_MSG_PPP_CTRL_OUT, &frame, sizeof(frame));
	if (r < 0)
		rte_pktmbuf_free(frame);
	return r;
}

int dp_session_send_ctrl(uint32_t id, const uint8_t *ppp_frame, size_t len)
{
	if (ppp_frame == NULL || len == 0 || len > UINT16_MAX)
		return -EINVAL;
	struct rte_mbuf *m = dp_ctrl_frame_alloc();
	if (m == NULL)
		return -ENOMEM;
	char *d = rte_pktmbuf_append(m, (uint16_t)len);
	if (d == NULL) {
		rte_pktmbuf_free(m);
		return -EMSGSIZE;
	}
	memcpy(d, ppp_frame, len);
	return dp_session_send_ctrl_mbuf(id, m);
}
