/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Routes into sessions by prefix: what the downstream /32 session lookup
 * does not find (a pptp-client's server /32 and default route, and later
 * any route whose gateway is a tunnel interface). The control plane
 * (controlplane/tunnel_route.c) computes which routes win and publishes the
 * whole table at once; workers read it lock-free.
 *
 * The table is immutable once published: entries grouped by prefix length,
 * longest first, each group sorted by prefix. A lookup binary-searches one
 * group per length present (a handful: /32s, a few LAN lengths, the
 * default), so its cost grows with the log of the routes, not their number:
 * RADIUS Framed-Routes can put thousands here. Entries that lead to no
 * session ("pass") keep the more specific non-tunnel routes (connected
 * prefixes, /ip/route entries, each server's outer address) from being
 * caught by a shorter tunnel route. Not rte_lpm: its tbl24 alone is 64 MiB
 * whatever the route count; with no tunnel route at all nothing is
 * published and the lookup costs one pointer load.
 *
 * Publication: a new table replaces the old with one atomic store; the old
 * one is freed once the workers have passed an rte_rcu_qsbr grace period
 * (checked, never waited for: the control plane does not block on them).
 */
#ifndef PPTPGW_TUNNEL_FIB_H
#define PPTPGW_TUNNEL_FIB_H

#include <stdbool.h>
#include <stdint.h>

#include "session_table.h"

#define TUNNEL_FIB_MAX 8192u
/* Prefix lengths 0..32. */
#define TUNNEL_FIB_LENS 33u

struct tunnel_fib_entry {
	uint32_t prefix;           /* host order, masked */
	uint64_t ref;              /* session_ref_pack(), or TUNNEL_FIB_PASS */
};
#define TUNNEL_FIB_PASS UINT64_MAX

/* The entries of one prefix length: e[first .. first + count), by prefix. */
struct tunnel_fib_group {
	uint32_t mask;
	uint32_t first;
	uint32_t count;
};

struct tunnel_fib {
	uint32_t n;                /* entries */
	uint32_t n_groups;         /* lengths present, longest first */
	struct tunnel_fib_group g[TUNNEL_FIB_LENS];
	struct tunnel_fib_entry e[];
};

/* The table workers read; NULL: no route into a session. */
extern struct tunnel_fib *tunnel_fib_live;

/* Worker: the session dst is routed into; false for none or "pass". */
static inline bool tunnel_fib_lookup(uint32_t dst, struct session_ref *out)
{
	const struct tunnel_fib *t = __atomic_load_n(&tunnel_fib_live, __ATOMIC_ACQUIRE);

	if (t == NULL)
		return false;
	for (uint32_t gi = 0; gi < t->n_groups; gi++) {
		const struct tunnel_fib_group *g = &t->g[gi];
		uint32_t key = dst & g->mask, lo = g->first, hi = g->first + g->count;

		while (lo < hi) {
			uint32_t mid = lo + (hi - lo) / 2;

			if (t->e[mid].prefix < key) {
				lo = mid + 1;
			} else if (t->e[mid].prefix > key) {
				hi = mid;
			} else {
				if (t->e[mid].ref == TUNNEL_FIB_PASS)
					return false;
				*out = session_ref_unpack(t->e[mid].ref);
				return true;
			}
		}
	}
	return false;
}

/* One route as the control plane gives it. */
struct tunnel_fib_route {
	uint32_t prefix;           /* host order */
	uint8_t len;
	bool via_session;
	uint32_t session_id;
};

/*
 * Control plane: replace the table with routes[0..n) (any order; entries of
 * sessions not installed are left out). 0, -EINVAL (n too large), -ENOMEM,
 * -EBUSY (too many replaced tables still in their grace period: retry).
 */
int tunnel_fib_publish(const struct tunnel_fib_route *routes, unsigned int n);
/* Free the replaced tables whose grace period has ended; how many. */
unsigned int tunnel_fib_reclaim(void);
/* dp teardown: free the table (workers stopped). */
void tunnel_fib_destroy(void);

#endif /* PPTPGW_TUNNEL_FIB_H */
