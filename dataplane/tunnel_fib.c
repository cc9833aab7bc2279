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

/*
 * Building order: longest prefix first, then by prefix (the groups the
 * lookup searches), then "pass" before a session, so that of one prefix
 * the static route's "pass" is the one kept (a tie is the static route's).
 */
struct fib_build {
	uint8_t len;
	struct tunnel_fib_entry e;
};

static int build_cmp(const void *a, const void *b)
{
	const struct fib_build *x = a, *y = b;

	if (x->len != y->len)
		return x->len > y->len ? -1 : 1;
	if (x->e.prefix != y->e.prefix)
		return x->e.prefix < y->e.prefix ? -1 : 1;
	if (x->e.ref != y->e.ref)
		return x->e.ref == TUNNEL_FIB_PASS ? -1 : y->e.ref == TUNNEL_FIB_PASS ? 1 : 0;
	return 0;
}

/* The table of routes[0..n), NULL when none leads into an installed session. */
static int fib_build(const struct tunnel_fib_route *routes, unsigned int n, struct tunnel_fib **out)
{
	struct fib_build *b = NULL;
	struct tunnel_fib *t = NULL;
	unsigned int nb = 0;
	bool any_session = false;
	int rc = -ENOMEM;

	*out = NULL;
	if (n == 0)
		return 0;
	b = malloc(n * sizeof(*b));
	if (b == NULL)
		goto fail;
	for (unsigned int i = 0; i < n; i++) {
		const struct tunnel_fib_route *r = &routes[i];
		struct fib_build *x = &b[nb];

		x->len = r->len > 32 ? 32 : r->len;
		x->e.prefix = r->prefix & cfg_prefix_mask(x->len);
		if (!r->via_session) {
			x->e.ref = TUNNEL_FIB_PASS;
		} else {
			const struct session_cp *c;

			if (r->session_id >= sess.max)
				continue;
			c = &sess.cp[r->session_id];
			if (c->state != SESSION_CP_USED)
				continue;
			x->e.ref = session_ref_pack(r->session_id, c->gen, c->owner);
			any_session = true;
		}
		nb++;
	}
	if (!any_session) {
		rc = 0;
		goto fail;
	}
	qsort(b, nb, sizeof(*b), build_cmp);
	t = rte_zmalloc("tunnel_fib", sizeof(*t) + nb * sizeof(t->e[0]), RTE_CACHE_LINE_SIZE);
	if (t == NULL)
		goto fail;
	for (unsigned int i = 0; i < nb; i++) {
		struct tunnel_fib_group *g = t->n_groups ? &t->g[t->n_groups - 1] : NULL;

		if (g == NULL || b[i - 1].len != b[i].len) {
			g = &t->g[t->n_groups++];
			*g = (struct tunnel_fib_group){ .mask = cfg_prefix_mask(b[i].len), .first = t->n };
		} else if (t->e[t->n - 1].prefix == b[i].e.prefix) {
			continue;   /* the same prefix again: the first (build_cmp) stands */
		}
		t->e[t->n++] = b[i].e;
		g->count++;
	}
	free(b);
	*out = t;
	return 0;
fail:
	free(b);
	return rc;
}

int tunnel_fib_publish(const struct tunnel_fib_route *routes, unsigned int n)
{
	struct tunnel_fib *t, *old;
	int rc;

	if (n > TUNNEL_FIB_MAX)
		return -EINVAL;
	rc = fib_build(routes, n, &t);
	if (rc)
		return rc;
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
