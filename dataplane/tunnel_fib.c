/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The routes-into-sessions table (tunnel_fib.h): built on the control-plane
 * thread, published with one store, the old one freed after the workers'
 * grace period.
 */
#include <errno.h>
#include <stdlib.h>

#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "tunnel_fib.h"

struct tunnel_fib *tunnel_fib_live;

/*
 * Replaced tables wait here for the workers' grace period (the control plane
 * never blocks on the workers): freed by tunnel_fib_reclaim(), which the
 * next publish and dp_session_reclaim() (the control plane's tick) call.
 */
#define TUNNEL_FIB_RETIRE_MAX 16
static struct {
	struct tunnel_fib *t;
	uint64_t token;
} retire[TUNNEL_FIB_RETIRE_MAX];
static unsigned int n_retire;

unsigned int tunnel_fib_reclaim(void)
{
	unsigned int kept = 0, freed = 0;

	for (unsigned int i = 0; i < n_retire; i++) {
		if (sess.qsv == NULL || rte_rcu_qsbr_check(sess.qsv, retire[i].token, false) == 1) {
			rte_free(retire[i].t);
			freed++;
			continue;
		}
		retire[kept++] = retire[i];
	}
	n_retire = kept;
	return freed;
}

static uint32_t mask_of(uint8_t len)
{
	return len == 0 ? 0 : len >= 32 ? UINT32_MAX : ~(UINT32_MAX >> len);
}

/* Longest prefix first; then "pass" before a session (a tie is the static route's). */
static int entry_cmp(const void *a, const void *b)
{
	const struct tunnel_fib_entry *x = a, *y = b;

	if (x->mask != y->mask)
		return x->mask > y->mask ? -1 : 1;
	if (x->ref != y->ref)
		return x->ref == TUNNEL_FIB_PASS ? -1 : y->ref == TUNNEL_FIB_PASS ? 1 : 0;
	return 0;
}

int tunnel_fib_publish(const struct tunnel_fib_route *routes, unsigned int n)
{
	struct tunnel_fib *t = NULL, *old;
	bool any_session = false;

	if (n > TUNNEL_FIB_MAX)
		return -EINVAL;
	for (unsigned int i = 0; i < n; i++)
		if (routes[i].via_session && routes[i].session_id < sess.max &&
		    sess.cp[routes[i].session_id].state == SESSION_CP_USED)
			any_session = true;
	if (any_session) {
		t = rte_zmalloc("tunnel_fib", sizeof(*t) + n * sizeof(t->e[0]), RTE_CACHE_LINE_SIZE);
		if (t == NULL)
			return -ENOMEM;
		for (unsigned int i = 0; i < n; i++) {
			const struct tunnel_fib_route *r = &routes[i];
			struct tunnel_fib_entry *e = &t->e[t->n];

			e->mask = mask_of(r->len);
			e->prefix = r->prefix & e->mask;
			if (!r->via_session) {
				e->ref = TUNNEL_FIB_PASS;
			} else {
				const struct session_cp *c;

				if (r->session_id >= sess.max)
					continue;
				c = &sess.cp[r->session_id];
				if (c->state != SESSION_CP_USED)
					continue;
				e->ref = session_ref_pack(r->session_id, c->gen, c->owner);
			}
			t->n++;
		}
		qsort(t->e, t->n, sizeof(t->e[0]), entry_cmp);
	}
	(void)tunnel_fib_reclaim();
	if (n_retire == TUNNEL_FIB_RETIRE_MAX) {
		rte_free(t);
		return -EBUSY;   /* changes faster than the workers pass: try again */
	}
	old = __atomic_exchange_n(&tunnel_fib_live, t, __ATOMIC_ACQ_REL);
	if (old != NULL) {
		retire[n_retire].t = old;
		retire[n_retire].token = sess.qsv != NULL ? rte_rcu_qsbr_start(sess.qsv) : 0;
		n_retire++;
	}
	return 0;
}

void tunnel_fib_destroy(void)
{
	rte_free(__atomic_exchange_n(&tunnel_fib_live, NULL, __ATOMIC_ACQ_REL));
	for (unsigned int i = 0; i < n_retire; i++)
		rte_free(retire[i].t);
	n_retire = 0;
}
