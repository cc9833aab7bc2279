/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The kernel side of the exception path: each wire port's TAP carries the
 * port's MAC and /ip/address entries, and /ip/route entries become kernel
 * routes, so the kernel answers ARP and ICMP and the control plane's ordinary
 * sockets (TCP 1723, RADIUS, the client's dial-out) reach the wire.
 * Talks rtnetlink directly (one request, one ack, synchronous: start-up and
 * CLI edits only).
 */
#ifndef PPTPGW_KERNEL_IF_H
#define PPTPGW_KERNEL_IF_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"

int kernel_if_set_up(const char *ifname, uint16_t mtu);
int kernel_if_add_address(const char *ifname, const struct cfg_prefix *addr);
int kernel_if_del_address(const char *ifname, const struct cfg_prefix *addr);
/* gateway 0 means a device route on ifname; metric carries the RouterOS distance. */
int kernel_route_add(const struct cfg_prefix *dst, uint32_t gateway, const char *ifname,
		     uint32_t metric);
/*
 * The same with a preferred source (a tunnel's local address: what the
 * appliance sends from) and, for routes into a tunnel, the tunnel's MTU (0:
 * the device's): the kernel then fragments, or answers ICMP "fragmentation
 * needed" (RFC 1191), whatever is too big for the tunnel.
 */
int kernel_route_add_src(const struct cfg_prefix *dst, uint32_t gateway, const char *ifname,
			 uint32_t metric, uint32_t prefsrc, uint16_t mtu);
int kernel_route_del(const struct cfg_prefix *dst, uint32_t gateway, uint32_t metric);
/* What a tunnel gateway's permanent neighbour entry carries (locally administered). */
#define KERNEL_TUNNEL_NEIGH_MAC { 0x02, 0x50, 0x50, 0x54, 0x50, 0x00 }
/* Add (or delete) a permanent neighbour for addr on ifname. 0 or -errno. */
int kernel_neigh_set(const char *ifname, uint32_t addr, bool add);
/* Dial-on-demand: keep the packets queued on addr's (unresolved) entry, with no ARP timer. */
int kernel_neigh_hold(const char *ifname, uint32_t addr);
/* PPTP carries no IPv6 (seed); keep the TAP from sending router solicitations. */
int kernel_if_disable_ipv6(const char *ifname);

/* Apply every /ip/address and /ip/route entry of cfg to the TAPs. */
int kernel_if_apply_config(const struct pg_config *cfg);

#endif /* PPTPGW_KERNEL_IF_H */
