/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for classify_frame(), the first parser every wire frame
 * meets. Input: byte 0 chooses how much of the frame is contiguous (the
 * first mbuf segment), the rest is the frame. The contiguous part is copied
 * into a buffer of exactly that size, so ASan catches any read past
 * data_len, not only past the frame. Checks the classifier's promises, and
 * the TAP path's dial-on-demand ARP test (dod.h) over the same bytes.
 *
 *   clang -g -fsanitize=fuzzer,address,undefined -Idataplane \
 *         tests/fuzz/fuzz_classify.c dataplane/classify.c -o fuzz_classify
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "dod.h"

#define ALL_CONTIGUOUS 0xffu
#define IPV4_DST_OFF   16u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct classify_ctx ctx = {
	.n_local = 2,
	/* 192.0.2.1/24 and 10.0.0.1/8, network order */
	.local_be = { 0x010200c0u, 0x0100000au },
	.mask_be = { 0x00ffffffu, 0x000000ffu },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint32_t pkt_len = (uint32_t)(size - 1);
	uint32_t contig = data[0] == ALL_CONTIGUOUS ? pkt_len : data[0];
	if (contig > pkt_len)
		contig = pkt_len;
	uint8_t *buf = malloc(contig ? contig : 1);
	if (buf == NULL)
		return 0;
	memcpy(buf, data + 1, contig);

	enum drop_reason why = DROP_MAX;
	enum dp_class c = classify_frame(&ctx, buf, contig, pkt_len, &why);

	switch (c) {
	case DP_CLASS_DROP:
		if (why >= DROP_MAX)
			abort();  /* a drop always names its reason */
		break;
	case DP_CLASS_ARP:
		/* The worker reads the ARP body in place: it must be contiguous. */
		if (contig < CLS_ETH_HDR_LEN + CLS_ARP_BODY_LEN)
			abort();
		break;
	case DP_CLASS_GRE: {
		/* GRE goes to a session lookup: IPv4 header contiguous, addressed to us. */
		if (contig < CLS_ETH_HDR_LEN + CLS_IPV4_MIN_HDR)
			abort();
		uint32_t dst;
		memcpy(&dst, buf + CLS_ETH_HDR_LEN + IPV4_DST_OFF, sizeof(dst));
		if (dst != ctx.local_be[0] && dst != ctx.local_be[1])
			abort();
		break;
	}
	case DP_CLASS_EXCEPTION:
		break;
	default:
		abort();
	}
	if (pkt_len < CLS_ETH_HDR_LEN && c != DP_CLASS_DROP)
		abort();  /* runts never pass */
	/*
	 * The worker's TAP path reads the same first segment for the kernel's
	 * ARP for a dial-on-demand placeholder (dod.h): in bounds, and a match
	 * names a placeholder.
	 */
	uint32_t target = 0;
	if (dod_arp_request(buf, contig, &target) && !dod_is_placeholder(target))
		abort();
	free(buf);
	return 0;
}
