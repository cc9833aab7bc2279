/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dataplane/dod.h: which frames the kernel sends through a TAP are its ARP
 * requests for a dial-on-demand placeholder gateway (10.112.112.1-254), the
 * ones the worker keeps off the wire and reports to the control plane.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dod.h"

#define A(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (d))

/* An Ethernet/IPv4 ARP frame (RFC 826) with operation op asking for tpa. */
static size_t arp_frame(uint8_t *f, uint16_t op, uint32_t tpa)
{
	static const uint8_t head[] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06,
		0x00, 0x01, 0x08, 0x00, 6, 4,
	};

	memset(f, 0, 60);
	memcpy(f, head, sizeof(head));
	f[20] = (uint8_t)(op >> 8);
	f[21] = (uint8_t)op;
	memcpy(f + 22, (const uint8_t[]){ 0x02, 0, 0, 0, 0, 1, 192, 0, 2, 2 }, 10);
	f[38] = (uint8_t)(tpa >> 24);
	f[39] = (uint8_t)(tpa >> 16);
	f[40] = (uint8_t)(tpa >> 8);
	f[41] = (uint8_t)tpa;
	return 60;   /* padded to the Ethernet minimum, as the TAP hands it over */
}

static void test_placeholder_range(void **state)
{
	(void)state;
	assert_true(dod_is_placeholder(A(10, 112, 112, 1)));
	assert_true(dod_is_placeholder(A(10, 112, 112, 254)));
	/* The network and broadcast addresses are nobody's gateway. */
	assert_false(dod_is_placeholder(A(10, 112, 112, 0)));
	assert_false(dod_is_placeholder(A(10, 112, 112, 255)));
	assert_false(dod_is_placeholder(A(10, 112, 113, 1)));
	assert_false(dod_is_placeholder(A(10, 0, 0, 1)));
}

static void test_arp_request_for_placeholder(void **state)
{
	uint8_t f[64];
	uint32_t target = 0;
	size_t len = arp_frame(f, 1, A(10, 112, 112, 7));

	(void)state;
	assert_true(dod_arp_request(f, (uint32_t)len, &target));
	assert_int_equal(target, A(10, 112, 112, 7));
	/* Without the padding (42 octets) too. */
	target = 0;
	assert_true(dod_arp_request(f, 42, &target));
	assert_int_equal(target, A(10, 112, 112, 7));
}

static void test_other_frames_pass(void **state)
{
	uint8_t f[64];
	uint32_t target = 0;
	size_t len;

	(void)state;
	/* An ARP request for anything else goes to the wire as before. */
	len = arp_frame(f, 1, A(192, 0, 2, 1));
	assert_false(dod_arp_request(f, (uint32_t)len, &target));
	/* A reply is not the kernel asking. */
	len = arp_frame(f, 2, A(10, 112, 112, 1));
	assert_false(dod_arp_request(f, (uint32_t)len, &target));
	/* Truncated. */
	len = arp_frame(f, 1, A(10, 112, 112, 1));
	assert_false(dod_arp_request(f, 41, &target));
	/* IPv4, not ARP. */
	f[13] = 0x00;
	assert_false(dod_arp_request(f, (uint32_t)len, &target));
	/* Not Ethernet/IPv4 ARP (hardware type, protocol, lengths). */
	len = arp_frame(f, 1, A(10, 112, 112, 1));
	f[15] = 6;
	assert_false(dod_arp_request(f, (uint32_t)len, &target));
	len = arp_frame(f, 1, A(10, 112, 112, 1));
	f[19] = 16;
	assert_false(dod_arp_request(f, (uint32_t)len, &target));
	assert_int_equal(target, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_placeholder_range),
		cmocka_unit_test(test_arp_request_for_placeholder),
		cmocka_unit_test(test_other_frames_pass),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
