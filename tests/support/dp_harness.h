/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The set-up the dataplane tests and pptpgw-bench share: EAL without
 * hugepages or PCI, the wire and the exception TAP as net_ring ports over
 * in-memory rings (rte_eth_from_rings), and a config by hand with only what
 * dp_setup reads. No cmocka here (the bench links it too): calls return
 * 0 or -1 and the caller asserts.
 */
#ifndef PPTPGW_TESTS_DP_HARNESS_H
#define PPTPGW_TESTS_DP_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_ring.h>

#include "config.h"

struct worker;

#define DP_HARNESS_MAX_QUEUES 2
#define DP_HARNESS_NAME_MAX   32

/* One queue of a port: what the test injects into and reads back from. */
struct dp_harness_queue {
	struct rte_ring *wire_rx, *wire_tx, *tap_rx, *tap_tx;
};

/* A wire port and its TAP, named "<prefix>wire" and "<prefix>tap". */
struct dp_harness_port {
	struct dp_harness_queue q[DP_HARNESS_MAX_QUEUES];
	unsigned int n_queues;
	uint16_t wire_port, tap_port;
	char device[CFG_DEVICE_MAX];  /* the config's device: "net_ring_<prefix>wire" */
};

/* One port (one queue), the config naming it "ether1", and the dataplane on it. */
struct dp_harness {
	struct dp_harness_port port;
	struct pg_config cfg;
	struct cfg_ethernet eth;
	struct cfg_ip_address addr;
};

/*
 * EAL for a test process: --no-huge --no-pci on lcore 0 with mem_mb of
 * memory and the file prefix "<name>_<pid>", so runs in parallel do not
 * meet; telemetry false adds --no-telemetry. Then the mbuf pool the frames
 * come from (n_mbufs, per-lcore cache): returned, or NULL.
 */
struct rte_mempool *dp_harness_eal_init(const char *name, unsigned int mem_mb, bool telemetry,
					unsigned int n_mbufs, unsigned int cache);
/* EAL's runtime directory (where its telemetry socket is). */
const char *dp_harness_runtime_dir(void);
/* The pool, rte_eal_cleanup, then the runtime directory EAL leaves behind. */
void dp_harness_eal_cleanup(struct rte_mempool *pool);

/* The rings (ring_slots each, single producer and consumer) and both ports. */
int dp_harness_port_create(struct dp_harness_port *p, const char *prefix, unsigned int n_queues,
			   unsigned int ring_slots);
/* The rings; the ports stay (net_ring ports are not removed): a prefix is used once. */
void dp_harness_port_free(struct dp_harness_port *p);

/*
 * h->cfg: ether1 (MTU 1500) on h->port's device, our_ip/24 on ether1, one
 * worker on lcore 1, adaptive polling.
 */
void dp_harness_config(struct dp_harness *h, uint32_t our_ip);
/* dp_setup on h->cfg with h->port's TAP. */
int dp_harness_dp_setup(struct dp_harness *h);
/* All three: a one-queue port named by prefix, the config, dp_setup. */
int dp_harness_setup(struct dp_harness *h, const char *prefix, unsigned int ring_slots,
		     uint32_t our_ip);
/* dp_stop, then the rings. */
void dp_harness_teardown(struct dp_harness *h);

/* A frame of len octets from pool into r, as a NIC would deliver it. */
int dp_harness_inject(struct rte_mempool *pool, struct rte_ring *r, const uint8_t *f, size_t len);
/* One worker pass, then flush what it buffered, as the loop's timer would. */
void dp_harness_run(struct worker *w);
/*
 * Teach worker w (on queue q) that ip is at mac with an ARP reply from it
 * to our_ip; the reply also reaches the kernel: taken off the TAP here.
 * -1 when it did not.
 */
int dp_harness_learn(struct rte_mempool *pool, const struct dp_harness_queue *q, struct worker *w,
		     uint32_t ip, const uint8_t mac[6], uint32_t our_ip);
/*
 * The peer's GRE frame into f: Ethernet (peer to us), IPv4 src -> dst with
 * DF, GRE with Call-ID call_id and sequence number seq, the PPP frame
 * ppp[0..n); padded to the Ethernet minimum. Returns its length.
 */
size_t dp_harness_gre_frame(uint8_t *f, uint32_t src, uint32_t dst, uint16_t call_id, uint32_t seq,
			    const uint8_t *ppp, size_t n);

#endif
