/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Wire ports: find the ethdev an /interface/ethernet device created, decide
 * its queue layout, size the mbuf pool, configure and start. The same
 * configure/start helper serves the exception TAPs (exception.c).
 */
#include <errno.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "dp_priv.h"
#include "log.h"
#include "worker.h"

/* Ring sizes asked of the PMD (it may round them to its limits). */
#define WIRE_RX_DESC 1024
#define WIRE_TX_DESC 1024
/* The kernel side is slower than the wire anyway; smaller rings save mbufs. */
#define TAP_RX_DESC  512
#define TAP_TX_DESC  512
/* Per-lcore mempool cache: a few bursts' worth, and well under RTE_MEMPOOL_CACHE_MAX_SIZE. */
#define MBUF_CACHE   256
/* Room for a VLAN tag or two (QinQ) above the MTU in one segment. */
#define FRAME_OVERHEAD (RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN + 2 * RTE_VLAN_HLEN)

int port_resolve(struct dp_port *p, const struct cfg_ethernet *e)
{
	char devname[RTE_ETH_NAME_MAX_LEN];

	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", e->name);
	snprintf(p->device, sizeof(p->device), "%s", e->device);
	p->port_id = DP_PORT_NONE;
	p->tap_port_id = DP_PORT_NONE;
	p->mtu = e->mtu != 0 ? e->mtu : RTE_ETHER_MTU;
	p->enabled = !e->disabled;
	if (!p->enabled)
		return 0;

	if (eal_device_name(e->device, devname, sizeof(devname)) < 0) {
		LOG_ERR(LOG_TOPIC_SYSTEM, "interface=%s device=\"%s\": no device name before the first comma",
			e->name, e->device);
		return -1;
	}
	if (rte_eth_dev_get_port_by_name(devname, &p->port_id) != 0) {
		LOG_ERR(LOG_TOPIC_SYSTEM,
			"interface=%s device=\"%s\": no DPDK port named %s (device failed to probe, or its PMD is missing)",
			e->name, e->device, devname);
		p->port_id = DP_PORT_NONE;
		return -1;
	}
	if (rte_eth_macaddr_get(p->port_id, &p->mac) != 0) {
		LOG_ERR(LOG_TOPIC_SYSTEM, "interface=%s: cannot read the MAC of port %u", e->name, p->port_id);
		return -1;
	}
	return 0;
}

/*
 * One queue per worker on all four sides (wire rx/tx, TAP rx/tx), or one
 * queue everywhere if any side cannot: worker w then needs its own TX queue
 * on both ports for whatever it receives, so the layouts must match.
 */
int port_plan_queues(struct dp_port *p, unsigned int n_workers)
{
	struct rte_eth_dev_info wi, ti;

	if (rte_eth_dev_info_get(p->port_id, &wi) != 0 || rte_eth_dev_info_get(p->tap_port_id, &ti) != 0) {
		LOG_ERR(LOG_TOPIC_SYSTEM, "interface=%s: cannot query device info", p->name);
		return -1;
	}
	unsigned int can = RTE_MIN(RTE_MIN(wi.max_rx_queues, wi.max_tx_queues),
				   RTE_MIN(ti.max_rx_queues, ti.max_tx_queues));
	p->n_queues = can >= n_workers ? (uint16_t)n_workers : 1;
	if (p->n_queues < n_workers)
		LOG_INFO(LOG_TOPIC_SYSTEM,
			 "interface=%s: device offers %u queue(s) for %u workers; worker 0 alone serves it",
			 p->name, can, n_workers);

	p->rx_desc = WIRE_RX_DESC;
	p->tx_desc = WIRE_TX_DESC;
	p->tap_rx_desc = TAP_RX_DESC;
	p->tap_tx_desc = TAP_TX_DESC;
	if (rte_eth_dev_adjust_nb_rx_tx_desc(p->port_id, &p->rx_desc, &p->tx_desc) != 0 ||
	    rte_eth_dev_adjust_nb_rx_tx_desc(p->tap_port_id, &p->tap_rx_desc, &p->tap_tx_desc) != 0) {
		LOG_ERR(LOG_TOPIC_SYSTEM, "interface=%s: cannot fit descriptor counts to the device", p->name);
		return -1;
	}
	return 0;
}

/* Worst case held by one port pair: every ring full plus every tx buffer full. */
unsigned int port_mbufs_needed(const struct dp_port *p)
{
	if (!p->enabled)
		return 0;
	return p->n_queues * (p->rx_desc + p->tx_desc + p->tap_rx_desc + p->tap_tx_desc +
			      2 * WORKER_BURST);
}

struct rte_mempool *port_pool_create(unsigned int n_mbufs, unsigned int n_lcores, uint16_t max_mtu)
{
	/* One segment holds a full frame: no scatter-gather on any path. */
	uint32_t room = RTE_MAX((uint32_t)RTE_MBUF_DEFAULT_BUF_SIZE,
				(uint32_t)(RTE_PKTMBUF_HEADROOM + max_mtu + FRAME_OVERHEAD));
	/* Each lcore's cache may hold up to 1.5 x its size (rte_mempool flush threshold). */
	unsigned int cached = n_lcores * (MBUF_CACHE + MBUF_CACHE / 2);
	/* 2^k - 1 elements is the mempool's most memory-efficient size. */
	unsigned int n = rte_align32pow2(n_mbufs + cached + 1) - 1;

	struct rte_mempool *mp = rte_pktmbuf_pool_create("dp_mbuf", n, MBUF_CACHE, 0, (uint16_t)room,
							 (int)rte_socket_id());
	if (mp == NULL)
		LOG_ERR(LOG_TOPIC_SYSTEM, "cannot create the mbuf pool (%u mbufs of %u bytes): %s",
			n, room, rte_strerror(rte_errno));
	return mp;
}

int port_dev_start(uint16_t port_id, const char *what, uint16_t n_queues, uint16_t rx_desc,
		   uint16_t tx_desc, uint16_t mtu, bool rss, struct rte_mempool *pool)
{
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	int socket = rte_eth_dev_socket_id(port_id);
	int r;

	if (socket < 0)
		socket = (int)rte_socket_id();  /* virtual devices have no NUMA node */
	memset(&conf, 0, sizeof(conf));
	r = rte_eth_dev_info_get(port_id, &info);
	if (r != 0)
		goto fail;
	if (rss && n_queues > 1) {
		/* Spread by addresses only: all of one PPTP peer's GRE lands on one queue. */
		uint64_t hf = RTE_ETH_RSS_IP & info.flow_type_rss_offloads;
		if (hf != 0) {
			conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
			conf.rx_adv_conf.rss_conf.rss_hf = hf;
		}
	}
	r = rte_eth_dev_configure(port_id, n_queues, n_queues, &conf);
	if (r != 0)
		goto fail;

	uint16_t cur = 0;
	(void)rte_eth_dev_get_mtu(port_id, &cur);
	if (cur != mtu) {
		/* Not fatal: the port works, at its own MTU, which telemetry shows. */
		int m = rte_eth_dev_set_mtu(port_id, mtu);
		if (m != 0)
			LOG_WARN(LOG_TOPIC_SYSTEM, "%s: port %u cannot take MTU %u (%s), keeps %u",
				 what, port_id, mtu, rte_strerror(-m), cur);
	}
	for (uint16_t q = 0; q < n_queues; q++) {
		r = rte_eth_rx_queue_setup(port_id, q, rx_desc, (unsigned int)socket, NULL, pool);
		if (r != 0)
			goto fail;
		r = rte_eth_tx_queue_setup(port_id, q, tx_desc, (unsigned int)socket, NULL);
		if (r != 0)
			goto fail;
	}
	r = rte_eth_dev_start(port_id);
	if (r != 0)
		goto fail;
	/* The kernel behind the TAP needs multicast (IPv6 ND, routing protocols). */
	(void)rte_eth_allmulticast_enable(port_id);
	return 0;
fail:
	LOG_ERR(LOG_TOPIC_SYSTEM, "%s: cannot set up port %u with %u queue(s): %s",
		what, port_id, n_queues, rte_strerror(r < 0 ? -r : r));
	return -1;
}

void port_dev_close(uint16_t port_id, bool started)
{
	if (port_id == DP_PORT_NONE)
		return;
	/* Stopping a port that never started only earns a log line from ethdev. */
	if (started)
		(void)rte_eth_dev_stop(port_id);
	(void)rte_eth_dev_close(port_id);
}
