/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The routes via tunnels on the real appliance: the dataplane's table
 * (dataplane/tunnel_fib.h) and the kernel's routes and neighbours
 * (kernel_if.h). The only DPDK-side file of tunnel_route.c.
 */
#include <errno.h>

#include "kernel_if.h"
#include "tunnel_fib.h"
#include "tunnel_route.h"

static int real_dp_publish(const struct tunnel_route_entry *e, unsigned int n)
{
	static struct tunnel_fib_route r[TUNNEL_FIB_MAX];

	if (n > TUNNEL_FIB_MAX)
		return -EINVAL;
	for (unsigned int i = 0; i < n; i++)
		r[i] = (struct tunnel_fib_route){ .prefix = e[i].dst.addr, .len = e[i].dst.len,
						  .via_session = e[i].via_session,
						  .session_id = e[i].session_id };
	return tunnel_fib_publish(r, n);
}

static int real_kernel_neigh(const char *ifname, uint32_t addr, bool add)
{
	return kernel_neigh_set(ifname, addr, add);
}

const struct tunnel_route_ops tunnel_route_real_ops = {
	.dp_publish = real_dp_publish,
	.kernel_add = kernel_route_add_src,
	.kernel_del = kernel_route_del,
	.kernel_neigh = real_kernel_neigh,
	.kernel_neigh_hold = kernel_neigh_hold,
};
