/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Dial-on-demand in the workers (docs/client.md): while an on-demand
 * pptp-client link is down, its routes stand in the kernel via a placeholder
 * gateway from 10.112.112.0/24 (RouterOS shows the same placeholder), so the
 * kernel ARPs for that gateway and queues the packets meanwhile. That ARP
 * request, sent through the TAP, is the signal that traffic waits: the worker
 * drops it (nobody on the wire owns these addresses; it must not leak) and
 * tells the control plane, which dials. Why not rtnetlink: the kernel sends
 * no notification when a neighbour entry becomes INCOMPLETE (only when it
 * fails, ~3 s later, with its queue dropped), and arpd-style app_solicit
 * would delay every ARP resolution on the TAP by a second.
 *
 * Pure (no DPDK) so the unit tests and the control plane share it.
 */
#ifndef PPTPGW_DOD_H
#define PPTPGW_DOD_H

#include <stdbool.h>
#include <stdint.h>

#define DOD_NET        0x0A707000u   /* 10.112.112.0, host order */
#define DOD_MASK       0xFFFFFF00u   /* /24 */
#define DOD_HOST_MIN   1u            /* 10.112.112.1 .. 10.112.112.254 */
#define DOD_HOST_MAX   254u

/* Ethernet/IPv4 ARP (RFC 826) as the kernel sends it, offsets from the frame start. */
#define DOD_ETH_TYPE_OFF   12u
#define DOD_ARP_OFF        14u   /* the ARP body, behind the Ethernet header */
#define DOD_ARP_LEN        28u   /* 8 fixed + 2 * (6 + 4) */
#define DOD_ARP_TPA_OFF    24u   /* target protocol address, in the body */
#define DOD_ARP_OP_REQUEST 1u

static inline bool dod_is_placeholder(uint32_t addr)
{
	uint32_t host = addr & ~DOD_MASK;

	return (addr & DOD_MASK) == DOD_NET && host >= DOD_HOST_MIN && host <= DOD_HOST_MAX;
}

/*
 * An Ethernet frame (f, len octets in its first segment) that is an ARP
 * request for a placeholder gateway: true, with the asked-for address
 * (host order) in *target. RFC 826: htype 1, ptype 0x0800, hlen 6, plen 4,
 * op 1 (request); the target protocol address sits at body offset 24.
 */
static inline bool dod_arp_request(const uint8_t *f, uint32_t len, uint32_t *target)
{
	/* htype 1 (Ethernet), ptype 0x0800, hlen 6, plen 4, op 1 */
	static const uint8_t request[8] = { 0, 1, 0x08, 0x00, 6, 4, 0, DOD_ARP_OP_REQUEST };
	const uint8_t *a = f + DOD_ARP_OFF, *t = a + DOD_ARP_TPA_OFF;
	uint32_t tpa;

	if (len < DOD_ARP_OFF + DOD_ARP_LEN || f[DOD_ETH_TYPE_OFF] != 0x08 ||
	    f[DOD_ETH_TYPE_OFF + 1] != 0x06)
		return false;
	for (unsigned int i = 0; i < sizeof(request); i++)
		if (a[i] != request[i])
			return false;
	tpa = (uint32_t)t[0] << 24 | (uint32_t)t[1] << 16 | (uint32_t)t[2] << 8 | t[3];
	if (!dod_is_placeholder(tpa))
		return false;
	*target = tpa;
	return true;
}

#endif /* PPTPGW_DOD_H */
