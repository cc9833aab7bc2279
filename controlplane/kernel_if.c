/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dataplane.h"
#include "kernel_if.h"
#include "log.h"

#define NL_BUF_SIZE 1024

struct nl_request {
	struct nlmsghdr hdr;
	union {
		struct ifaddrmsg ifa;
		struct rtmsg rt;
		struct ndmsg nd;
	} body;
	uint8_t attrs[256];
};

/*
 * Not inlined: gcc's object-size tracking then takes h for the 16-byte header
 * alone and flags attributes written after it (-Wstringop-overflow), though
 * the caller's buffer (cap) holds them.
 */
__attribute__((noinline))
static void nl_add_attr(struct nlmsghdr *h, size_t cap, uint16_t type,
			const void *data, size_t len)
{
	struct rtattr *rta = (struct rtattr *)((uint8_t *)h + NLMSG_ALIGN(h->nlmsg_len));
	size_t need = NLMSG_ALIGN(h->nlmsg_len) + RTA_SPACE(len);

	if (need > cap)
		return;  /* callers size their buffers; never reached */
	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	h->nlmsg_len = need;
}

/* Send one request and wait for its ack. Returns 0 or -errno. */
static int nl_transact(struct nlmsghdr *req)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	uint8_t reply[NL_BUF_SIZE];
	int fd, rc = -EIO;
	ssize_t n;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	req->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	req->nlmsg_seq = 1;
	if (sendto(fd, req, req->nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0) {
		rc = -errno;
		goto out;
	}
	n = recv(fd, reply, sizeof(reply), 0);
	if (n < 0) {
		rc = -errno;
		goto out;
	}
	for (struct nlmsghdr *h = (struct nlmsghdr *)reply; NLMSG_OK(h, (size_t)n);
	     h = NLMSG_NEXT(h, n)) {
		if (h->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(h);

			rc = e->error;  /* 0 is the ack */
			goto out;
		}
	}
out:
	close(fd);
	return rc;
}

int kernel_if_set_up(const char *ifname, uint16_t mtu)
{
	struct ifreq ifr;
	int fd, rc = -1;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (mtu) {
		ifr.ifr_mtu = mtu;
		if (ioctl(fd, SIOCSIFMTU, &ifr) < 0)
			LOG_WARN(LOG_TOPIC_SYSTEM, "interface=%s cannot set mtu=%u: %s",
				 ifname, mtu, strerror(errno));
	}
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		goto out;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		goto out;
	rc = 0;
out:
	if (rc)
		LOG_ERR(LOG_TOPIC_SYSTEM, "interface=%s cannot bring up: %s", ifname, strerror(errno));
	close(fd);
	return rc;
}

static int kernel_if_address(int type, int flags, const char *ifname,
			     const struct cfg_prefix *addr)
{
	struct nl_request req;
	unsigned int ifindex = if_nametoindex(ifname);
	uint32_t be = htonl(addr->addr);
	int rc;

	if (!ifindex)
		return -ENODEV;
	memset(&req, 0, sizeof(req));
	req.hdr.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg));
	req.hdr.nlmsg_type = type;
	req.hdr.nlmsg_flags = flags;
	req.body.ifa.ifa_family = AF_INET;
	req.body.ifa.ifa_prefixlen = addr->len;
	req.body.ifa.ifa_scope = RT_SCOPE_UNIVERSE;
	req.body.ifa.ifa_index = ifindex;
	nl_add_attr(&req.hdr, sizeof(req), IFA_LOCAL, &be, sizeof(be));
	nl_add_attr(&req.hdr, sizeof(req), IFA_ADDRESS, &be, sizeof(be));
	if (addr->len < 31) {
		uint32_t bcast = htonl(addr->addr | (addr->len ? (0xffffffffu >> addr->len) : 0xffffffffu));

		nl_add_attr(&req.hdr, sizeof(req), IFA_BROADCAST, &bcast, sizeof(bcast));
	}
	rc = nl_transact(&req.hdr);
	return rc;
}

int kernel_if_add_address(const char *ifname, const struct cfg_prefix *addr)
{
	char text[32];
	int rc = kernel_if_address(RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, ifname, addr);

	cfg_format_prefix(addr, text, sizeof(text));
	if (rc)
		LOG_ERR(LOG_TOPIC_SYSTEM, "interface=%s cannot add address=%s: %s",
			ifname, text, strerror(-rc));
	return rc;
}

int kernel_if_del_address(const char *ifname, const struct cfg_prefix *addr)
{
	return kernel_if_address(RTM_DELADDR, 0, ifname, addr);
}

static int kernel_route(int type, int flags, const struct cfg_prefix *dst, uint32_t gateway,
			const char *ifname, uint32_t metric, uint32_t prefsrc, uint16_t mtu)
{
	struct nl_request req;
	uint32_t be_dst = htonl(dst->addr), be_gw = htonl(gateway), be_src = htonl(prefsrc);

	memset(&req, 0, sizeof(req));
	req.hdr.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	req.hdr.nlmsg_type = type;
	req.hdr.nlmsg_flags = flags;
	req.body.rt.rtm_family = AF_INET;
	req.body.rt.rtm_dst_len = dst->len;
	req.body.rt.rtm_table = RT_TABLE_MAIN;
	req.body.rt.rtm_protocol = RTPROT_STATIC;
	req.body.rt.rtm_scope = gateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	req.body.rt.rtm_type = RTN_UNICAST;
	nl_add_attr(&req.hdr, sizeof(req), RTA_DST, &be_dst, sizeof(be_dst));
	if (gateway)
		nl_add_attr(&req.hdr, sizeof(req), RTA_GATEWAY, &be_gw, sizeof(be_gw));
	if (ifname) {
		uint32_t ifindex = if_nametoindex(ifname);

		if (!ifindex)
			return -ENODEV;
		nl_add_attr(&req.hdr, sizeof(req), RTA_OIF, &ifindex, sizeof(ifindex));
	}
	nl_add_attr(&req.hdr, sizeof(req), RTA_PRIORITY, &metric, sizeof(metric));
	if (prefsrc)
		nl_add_attr(&req.hdr, sizeof(req), RTA_PREFSRC, &be_src, sizeof(be_src));
	if (mtu) {
		/* RTA_METRICS nests one RTAX_MTU attribute (rtnetlink(7)). */
		struct {
			struct rtattr rta;
			uint32_t value;
		} metric_mtu = { .rta = { .rta_len = RTA_LENGTH(sizeof(uint32_t)),
					  .rta_type = RTAX_MTU },
				 .value = mtu };

		nl_add_attr(&req.hdr, sizeof(req), RTA_METRICS, &metric_mtu, sizeof(metric_mtu));
	}
	return nl_transact(&req.hdr);
}

int kernel_route_add(const struct cfg_prefix *dst, uint32_t gateway, const char *ifname,
		     uint32_t metric)
{
	return kernel_route_add_src(dst, gateway, ifname, metric, 0, 0);
}

int kernel_route_add_src(const struct cfg_prefix *dst, uint32_t gateway, const char *ifname,
			 uint32_t metric, uint32_t prefsrc, uint16_t mtu)
{
	char d[32], g[16];
	int rc = kernel_route(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, dst, gateway,
			      ifname, metric, prefsrc, mtu);

	if (rc) {
		cfg_format_prefix(dst, d, sizeof(d));
		cfg_format_ipv4(gateway, g, sizeof(g));
		LOG_ERR(LOG_TOPIC_SYSTEM, "route dst-address=%s gateway=%s: %s", d, g, strerror(-rc));
	}
	return rc;
}

int kernel_route_del(const struct cfg_prefix *dst, uint32_t gateway, uint32_t metric)
{
	return kernel_route(RTM_DELROUTE, 0, dst, gateway, NULL, metric, 0, 0);
}


/*
 * A permanent neighbour for a tunnel gateway (a pptp-client's server tunnel
 * address) on a TAP. The MAC does not matter: the dataplane takes the frame
 * by its IPv4 destination; it only spares the kernel an ARP nobody answers.
 */
int kernel_neigh_set(const char *ifname, uint32_t addr, bool add)
{
	static const uint8_t lladdr[6] = KERNEL_TUNNEL_NEIGH_MAC;
	struct nl_request req;
	unsigned int ifindex = if_nametoindex(ifname);
	uint32_t be = htonl(addr);
	int rc;

	if (!ifindex)
		return -ENODEV;
	memset(&req, 0, sizeof(req));
	req.hdr.nlmsg_len = NLMSG_LENGTH(sizeof(struct ndmsg));
	req.hdr.nlmsg_type = add ? RTM_NEWNEIGH : RTM_DELNEIGH;
	req.hdr.nlmsg_flags = add ? NLM_F_CREATE | NLM_F_REPLACE : 0;
	req.body.nd.ndm_family = AF_INET;
	req.body.nd.ndm_ifindex = (int)ifindex;
	req.body.nd.ndm_state = NUD_PERMANENT;
	nl_add_attr(&req.hdr, sizeof(req), NDA_DST, &be, sizeof(be));
	if (add)
		nl_add_attr(&req.hdr, sizeof(req), NDA_LLADDR, lladdr, sizeof(lladdr));
	rc = nl_transact(&req.hdr);
	if (rc && add)
		LOG_ERR(LOG_TOPIC_SYSTEM, "interface=%s neighbour: %s", ifname, strerror(-rc));
	return rc;
}

/*
 * Dial-on-demand (docs/client.md): keep what the kernel queued for a
 * placeholder gateway. The kernel gives up on an unanswered ARP after
 * mcast_solicit (3) probes a second apart and drops its queue; an entry set
 * INCOMPLETE from user space has no timer, so it keeps its queue (bounded by
 * unres_qlen_bytes) and sends no more ARP until kernel_neigh_set() makes it
 * permanent (the queue goes out) or deletes it (the queue is freed).
 */
int kernel_neigh_hold(const char *ifname, uint32_t addr)
{
	struct nl_request req;
	unsigned int ifindex = if_nametoindex(ifname);
	uint32_t be = htonl(addr);

	if (!ifindex)
		return -ENODEV;
	memset(&req, 0, sizeof(req));
	req.hdr.nlmsg_len = NLMSG_LENGTH(sizeof(struct ndmsg));
	req.hdr.nlmsg_type = RTM_NEWNEIGH;
	req.hdr.nlmsg_flags = NLM_F_CREATE | NLM_F_REPLACE;
	req.body.nd.ndm_family = AF_INET;
	req.body.nd.ndm_ifindex = (int)ifindex;
	req.body.nd.ndm_state = NUD_INCOMPLETE;
	nl_add_attr(&req.hdr, sizeof(req), NDA_DST, &be, sizeof(be));
	return nl_transact(&req.hdr);
}

/* Write one /proc/sys value; a missing file (no IPv6 in the kernel) is not an error. */
static int kernel_proc_write(const char *path, const char *value)
{
	size_t len = strlen(value);
	int fd, rc = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0 || write(fd, value, len) != (ssize_t)len)
		rc = -1;
	if (rc)
		LOG_WARN(LOG_TOPIC_SYSTEM, "cannot set %s=%s: %s", path, value, strerror(errno));
	if (fd >= 0)
		close(fd);
	return rc;
}

/* A per-interface sysctl: /proc/sys/net/FAMILY/conf/IFNAME/KEY. */
static int kernel_sysctl_write(const char *family, const char *ifname, const char *key,
			       const char *value)
{
	char path[160];

	snprintf(path, sizeof(path), "/proc/sys/net/%s/conf/%s/%s", family, ifname, key);
	return kernel_proc_write(path, value);
}

int kernel_if_disable_ipv6(const char *ifname)
{
	return kernel_sysctl_write("ipv6", ifname, "disable_ipv6", "1");
}

/*
 * An af_packet port is a kernel interface the dataplane owns: the kernel must
 * not answer on it too (it would, since the TAP's addresses are local to the
 * namespace), or every ARP and ping gets two replies. Strict reverse-path
 * filtering drops what arrives there for our addresses, arp_ignore=8 keeps it
 * from answering ARP, and it carries no IPv6.
 */
static int kernel_if_isolate_af_packet(const char *device)
{
	const char *iface = strstr(device, "iface=");
	char ifname[IF_NAMESIZE];
	size_t len;
	int rc = 0;

	if (strncmp(device, "net_af_packet", strlen("net_af_packet")) != 0 || !iface)
		return 0;
	iface += strlen("iface=");
	len = strcspn(iface, ",");
	if (len == 0 || len >= sizeof(ifname))
		return -1;
	memcpy(ifname, iface, len);
	ifname[len] = '\0';
	rc |= kernel_sysctl_write("ipv4", ifname, "rp_filter", "1");
	rc |= kernel_sysctl_write("ipv4", ifname, "arp_ignore", "8");
	rc |= kernel_if_disable_ipv6(ifname);
	return rc;
}

int kernel_if_apply_config(const struct pg_config *cfg)
{
	struct dp_port_info port;
	int rc = 0;

	/*
	 * The appliance is a router: tunnelled packets the dataplane cannot
	 * send itself (no neighbour yet) reach the kernel through the TAP and
	 * must be forwarded, not dropped.
	 */
	kernel_proc_write("/proc/sys/net/ipv4/ip_forward", "1");

	for (unsigned int p = 0; p < dp_port_count(); p++) {
		if (dp_port_get(p, &port))
			return -1;
		if (port.tap_port_id == DP_PORT_NONE)
			continue;  /* disabled ethernet entry: no port, no TAP */
		kernel_if_isolate_af_packet(port.device);
		kernel_if_disable_ipv6(port.tap_ifname);
		if (kernel_if_set_up(port.tap_ifname, port.mtu))
			rc = -1;
		for (unsigned int i = 0; i < cfg->n_ip_address; i++) {
			const struct cfg_ip_address *a = &cfg->ip_address[i];

			if (strcmp(a->interface, port.name) == 0 &&
			    kernel_if_add_address(port.tap_ifname, &a->address))
				rc = -1;
		}
	}
	for (unsigned int i = 0; i < cfg->n_ip_route; i++) {
		const struct cfg_ip_route *r = &cfg->ip_route[i];

		/* Via a tunnel interface: added while the tunnel runs (tunnel_route.c). */
		if (r->gateway_iface[0])
			continue;
		if (kernel_route_add(&r->dst, r->gateway, NULL, r->distance))
			rc = -1;
	}
	return rc;
}
