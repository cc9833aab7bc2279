/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The exception path: per wire port one DPDK net_tap whose kernel side is
 * named after the ethernet entry ("ether1") and carries the wire port's MAC,
 * so the kernel's ARP replies, TCP 1723 and ICMP leave with the address the
 * world already knows. Addresses, routes and link state of that kernel
 * interface belong to the control plane (netlink), not to us.
 */
#include <stdio.h>
#include <string.h>

#include <rte_bus_vdev.h>
#include <rte_ethdev.h>
#include <rte_ether.h>

#include "dp_priv.h"
#include "log.h"

/* net_tap devargs: "iface=<kernel name>,mac=<xx:xx:xx:xx:xx:xx>" */
#define TAP_ARGS_MAX (sizeof("iface=,mac=") + DP_IFNAME_MAX + RTE_ETHER_ADDR_FMT_SIZE)

int exception_create(unsigned int idx, struct dp_port *p)
{
	char mac[RTE_ETHER_ADDR_FMT_SIZE];
	char args[TAP_ARGS_MAX];

	if (strlen(p->name) >= DP_IFNAME_MAX) {
		LOG_ERR(LOG_TOPIC_SYSTEM,
			"interface=%s: name longer than %d characters cannot name its kernel TAP",
			p->name, DP_IFNAME_MAX - 1);
		return -1;
	}
	snprintf(p->tap_vdev, sizeof(p->tap_vdev), "net_tap_%u", idx);
	rte_ether_format_addr(mac, sizeof(mac), &p->mac);
	snprintf(args, sizeof(args), "iface=%s,mac=%s", p->name, mac);
	int r = rte_vdev_init(p->tap_vdev, args);
	if (r != 0) {
		LOG_ERR(LOG_TOPIC_SYSTEM,
			"interface=%s: cannot create exception TAP %s (%s): %s (is /dev/net/tun there, is the name free?)",
			p->name, p->tap_vdev, args, rte_strerror(r < 0 ? -r : r));
		return -1;
	}
	p->tap_created = true;
	if (rte_eth_dev_get_port_by_name(p->tap_vdev, &p->tap_port_id) != 0) {
		p->tap_port_id = DP_PORT_NONE;
		LOG_ERR(LOG_TOPIC_SYSTEM, "interface=%s: TAP %s made no ethdev", p->name, p->tap_vdev);
		exception_destroy(p);
		return -1;
	}
	snprintf(p->tap_ifname, sizeof(p->tap_ifname), "%s", p->name);
	return 0;
}

void exception_destroy(struct dp_port *p)
{
	if (p->tap_created) {
		if (p->tap_port_id != DP_PORT_NONE && p->tap_up)
			(void)rte_eth_dev_stop(p->tap_port_id);
		/* The vdev's remove closes the ethdev and the kernel interface goes away. */
		(void)rte_vdev_uninit(p->tap_vdev);
		p->tap_created = false;
	} else {
		port_dev_close(p->tap_port_id, p->tap_up);
	}
	p->tap_port_id = DP_PORT_NONE;
	p->tap_up = false;
}
