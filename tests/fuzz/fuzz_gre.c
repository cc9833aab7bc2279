/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the decapsulation chain a GRE packet meets after the
 * classifier: gre_parse() and the receive window, ppp_frame_parse() and
 * ppp_classify(), then for IPv4 ipv4_check(), TTL decrement and the TCP MSS
 * clamp. Each parser gets a buffer of exactly the bytes it may read, so
 * ASan catches any overread. Checks each layer's promises:
 *   - GRE: header length 8/12/16 matching S and A, payload within the
 *     buffer, and gre_build() reproduces the parsed header byte for byte;
 *   - window: NEW moves the ack to that number, a repeat is never NEW;
 *   - PPP: header length 1..4 within the frame, protocol low octet odd;
 *   - IPv4: a header that verified still verifies after the TTL decrement
 *     and the clamp, and the clamp never raises an MSS.
 *
 * Input: byte 0 is a mode, bytes 1-4 the window's first sequence number,
 * the rest the GRE packet. Checksums and the masked flag compare are walls a
 * fuzzer climbs slowly, so the mode can have the harness build them:
 *   bit 0  replace the GRE header by gre_build() from the next 10 bytes
 *          (call ID, seq, ack; bits 3 and 4 say S and A), payload = the rest
 *   bit 1  fix the tunnelled IPv4 header checksum before the checks
 *   bit 2  fix the TCP checksum too (so the clamp's update is checked)
 *
 *   clang -g -fsanitize=fuzzer,address,undefined -Idataplane \
 *         tests/fuzz/fuzz_gre.c dataplane/gre.c dataplane/ppp_frame.c \
 *         dataplane/ipv4.c -o fuzz_gre
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gre.h"
#include "ipv4.h"
#include "ppp_frame.h"

#define SEED_LEN     4u
#define MSS_MAX      1360u  /* tunnel MTU 1400 - 40 */
#define MODE_BUILD_GRE 0x01u
#define MODE_FIX_IP    0x02u
#define MODE_FIX_TCP   0x04u
#define MODE_S         0x08u
#define MODE_A         0x10u
#define BUILD_FIELDS_LEN 10u  /* call ID, seq, ack */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t *dup_exact(const uint8_t *p, size_t len)
{
	uint8_t *b = malloc(len ? len : 1);

	if (b != NULL)
		memcpy(b, p, len);
	return b;
}

/* Does the TCP checksum (RFC 793 3.1 pseudo-header) verify? */
static int tcp_cksum_ok(const uint8_t *ip, const struct ipv4_info *info)
{
	uint32_t seg = (uint32_t)info->total_len - info->hdr_len;
	const uint8_t *t = ip + info->hdr_len;
	uint32_t sum = 0;

	for (int i = 12; i < 20; i += 2)
		sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	sum += IPV4_PROTO_TCP + seg;
	for (uint32_t i = 0; i + 1 < seg; i += 2)
		sum += (uint32_t)(t[i] << 8 | t[i + 1]);
	if (seg & 1u)
		sum += (uint32_t)t[seg - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xFFFFu) + (sum >> 16);
	return sum == 0xFFFFu;
}

static void check_ipv4(const uint8_t *p, uint16_t len)
{
	struct ipv4_info info;
	uint8_t *ip = dup_exact(p, len);

	if (ip == NULL)
		return;
	if (ipv4_check(ip, len, &info) == IPV4_OK) {
		if (info.hdr_len < IPV4_HDR_MIN_LEN || info.total_len > len ||
		    info.hdr_len > info.total_len)
			abort();
		if (ipv4_ttl_decrement(ip) != (info.ttl > 1))
			abort();
		if (ipv4_cksum(ip, info.hdr_len) != 0)
			abort();  /* the incremental update broke the header */
		uint8_t before[IPV4_HDR_MAX_LEN + 64];
		size_t keep = info.total_len < sizeof(before) ? info.total_len : sizeof(before);
		memcpy(before, ip, keep);
		int tcp = info.proto == IPV4_PROTO_TCP && info.total_len >= info.hdr_len + 20u &&
			  tcp_cksum_ok(ip, &info);
		enum ipv4_mss_result r = ipv4_tcp_mss_clamp(ip, info.total_len, MSS_MAX);
		if (r != IPV4_MSS_CLAMPED && memcmp(before, ip, keep) != 0)
			abort();  /* untouched means untouched */
		if (tcp && !tcp_cksum_ok(ip, &info))
			abort();  /* the incremental TCP checksum update is exact */
		if (ipv4_cksum(ip, info.hdr_len) != 0)
			abort();  /* the clamp never edits the IP header */
	}
	free(ip);
}

/* Internet checksum of a buffer added to sum, not folded or inverted. */
static uint32_t sum16(const uint8_t *p, uint32_t len, uint32_t sum)
{
	for (uint32_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1u)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xFFFFu) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Mode bits 1 and 2: make the IPv4 (and TCP) checksums right. */
static void fix_checksums(uint8_t *ip, uint16_t len, uint8_t mode)
{
	uint16_t hl, total;

	if (len < IPV4_HDR_MIN_LEN)
		return;
	hl = (uint16_t)((ip[0] & 0x0Fu) * 4u);
	total = (uint16_t)(ip[2] << 8 | ip[3]);
	if (hl < IPV4_HDR_MIN_LEN || hl > len)
		return;
	if ((mode & MODE_FIX_TCP) && ip[9] == IPV4_PROTO_TCP && total <= len &&
	    total >= hl + 20u) {
		uint8_t pseudo[12];
		uint16_t seg = (uint16_t)(total - hl);

		memcpy(pseudo, ip + 12, 8);
		pseudo[8] = 0;
		pseudo[9] = IPV4_PROTO_TCP;
		pseudo[10] = (uint8_t)(seg >> 8);
		pseudo[11] = (uint8_t)seg;
		ip[hl + 16] = ip[hl + 17] = 0;
		uint16_t ck = fold(sum16(ip + hl, seg, sum16(pseudo, sizeof(pseudo), 0)));
		ip[hl + 16] = (uint8_t)(ck >> 8);
		ip[hl + 17] = (uint8_t)ck;
	}
	ip[10] = ip[11] = 0;
	uint16_t ck = fold(sum16(ip, hl, 0));
	ip[10] = (uint8_t)(ck >> 8);
	ip[11] = (uint8_t)ck;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gre_rx_seq w;
	struct gre_info gi;
	uint32_t first;

	if (size < 1 + SEED_LEN || size - 1 - SEED_LEN > UINT16_MAX - GRE_HDR_MAX_LEN)
		return 0;
	uint8_t mode = data[0];
	memcpy(&first, data + 1, sizeof(first));
	data += 1 + SEED_LEN;
	size -= 1 + SEED_LEN;

	uint8_t *pkt;
	uint16_t len;
	if ((mode & MODE_BUILD_GRE) && size >= BUILD_FIELDS_LEN) {
		uint8_t h[GRE_HDR_MAX_LEN];
		uint32_t seq, ack;
		uint16_t call_id = (uint16_t)(data[0] << 8 | data[1]);
		uint16_t paylen = (uint16_t)(size - BUILD_FIELDS_LEN);
		bool s = mode & MODE_S, a = mode & MODE_A;

		memcpy(&seq, data + 2, sizeof(seq));
		memcpy(&ack, data + 6, sizeof(ack));
		uint16_t hl = gre_build(h, call_id, s ? paylen : 0, s, seq, a, ack);
		len = (uint16_t)(hl + paylen);
		pkt = malloc(len);
		if (pkt == NULL)
			return 0;
		memcpy(pkt, h, hl);
		memcpy(pkt + hl, data + BUILD_FIELDS_LEN, paylen);
	} else {
		len = (uint16_t)size;
		pkt = dup_exact(data, len);
		if (pkt == NULL)
			return 0;
	}
	enum gre_result gr = gre_parse(pkt, len, &gi);
	if (gr != GRE_OK) {
		if (gre_drop_reason(gr) >= DROP_MAX)
			abort();  /* a drop always names its reason */
		free(pkt);
		return 0;
	}
	if (gi.hdr_len != GRE_HDR_BASE_LEN + (gi.has_seq ? 4u : 0u) + (gi.has_ack ? 4u : 0u))
		abort();
	if ((uint32_t)gi.hdr_len + gi.payload_len > len || (gi.payload_len && !gi.has_seq))
		abort();
	uint8_t hdr[GRE_HDR_MAX_LEN];
	if (gre_build(hdr, gi.call_id, gi.payload_len, gi.has_seq, gi.seq, gi.has_ack,
		      gi.ack) != gi.hdr_len || memcmp(hdr, pkt, gi.hdr_len) != 0)
		abort();

	/* The window: a start, this packet's number, then the same again. */
	gre_rx_seq_init(&w);
	if (gre_rx_seq_check(&w, first) != GRE_SEQ_NEW)
		abort();
	if (gi.has_seq) {
		enum gre_seq_verdict v = gre_rx_seq_check(&w, gi.seq);
		uint32_t ack = 0;

		if (v == GRE_SEQ_NEW && (!gre_rx_ack_take(&w, &ack) || ack != gi.seq))
			abort();
		if (gre_rx_seq_check(&w, gi.seq) == GRE_SEQ_NEW)
			abort();  /* a number is new once */
	}

	/* The PPP frame: exactly payload_len bytes. */
	struct ppp_frame_info fi;
	uint8_t *frame = dup_exact(pkt + gi.hdr_len, gi.payload_len);
	if (frame != NULL && ppp_frame_parse(frame, gi.payload_len, &fi) == PPP_FRAME_OK) {
		if (fi.hdr_len < 1 || fi.hdr_len > PPP_FRAME_HEADROOM || fi.hdr_len > gi.payload_len ||
		    (fi.proto & 1u) == 0)
			abort();
		if (ppp_classify(fi.proto) == PPP_CLASS_IPV4) {
			uint16_t ip_len = (uint16_t)(gi.payload_len - fi.hdr_len);

			if (mode & (MODE_FIX_IP | MODE_FIX_TCP))
				fix_checksums(frame + fi.hdr_len, ip_len, mode);
			check_ipv4(frame + fi.hdr_len, ip_len);
		}
	}
	free(frame);
	free(pkt);
	return 0;
}
