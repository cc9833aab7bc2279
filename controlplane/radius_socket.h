/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The UDP sockets of RADIUS (radius_client.c: one per src-address;
 * radius_coa.c: the /radius/incoming listener): non-blocking, bound, read
 * from the control-plane loop.
 *
 * Header-only: the unit tests and the fuzzer link radius_client.c and
 * radius_coa.c each without the other.
 *
 * Control-plane thread only.
 */
#ifndef PPTPGW_RADIUS_SOCKET_H
#define PPTPGW_RADIUS_SOCKET_H

#include <errno.h>
#include <stdint.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <event2/event.h>

/*
 * A UDP socket bound to addr:port (host order; 0: any), its read event
 * (on_read(fd, EV_READ, arg)) added to base. The fd, with *ev set; or -1
 * with errno set and nothing left open.
 */
static inline int radius_socket_open(struct event_base *base, uint32_t addr, uint16_t port,
				     event_callback_fn on_read, void *arg, struct event **ev)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(addr) };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int err;

	*ev = NULL;
	if (fd < 0)
		return -1;
	if (bind(fd, (const struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto fail;
	*ev = event_new(base, fd, EV_READ | EV_PERSIST, on_read, arg);
	if (!*ev) {
		errno = ENOMEM;
		goto fail;
	}
	if (event_add(*ev, NULL)) {
		errno = EINVAL;
		goto fail;
	}
	return fd;
fail:
	err = errno;
	if (*ev)
		event_free(*ev);
	*ev = NULL;
	close(fd);
	errno = err;
	return -1;
}

/* Undo radius_socket_open (either may already be closed: -1, NULL); both reset. */
static inline void radius_socket_close(int *fd, struct event **ev)
{
	if (*ev)
		event_free(*ev);
	*ev = NULL;
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

#endif /* PPTPGW_RADIUS_SOCKET_H */
