/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for dataplane/mp.c (RFC 1990 multilink, one-link bundle).
 *
 * Byte 0: bit 0 short sequence numbers, bit 1 raw mode; byte 1: the
 * reassembly cap (64 + 4 * b).
 * Raw mode: the rest is a list of (length byte, that many octets) MP payloads
 *   fed to the reassembler as they are; nothing may crash, read or write out
 *   of bounds, or come out larger than the cap.
 * Scripted mode: the rest drives a sender and a faulty link. Per packet, two
 *   bytes choose its length and the fragment size (split with mp_split,
 *   headers with mp_build); then one byte per fragment chooses the link's
 *   fault: pass, drop, duplicate, or swap with the next one. Checked: every
 *   packet that comes out is one that was sent, byte for byte, none twice
 *   and none out of order; over a link that made no fault, every packet that
 *   fits the cap comes out.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mp.h"

#define CAP_MAX      (64u + 4u * 255u)
#define PKT_MAX      1400u
#define QUEUE_MAX    32u
#define TIMEOUT      1000000u

struct frag {
	uint8_t b[MP_HDR_MAX_LEN + PKT_MAX];
	uint16_t len;
};

static uint8_t pattern(uint32_t id, uint32_t i)
{
	return (uint8_t)(id * 31u + i * 7u + (i >> 8));
}

static void fuzz_raw(const uint8_t *d, size_t n, bool short_seq, uint16_t cap)
{
	static uint8_t buf[CAP_MAX];
	struct mp_reasm_buf rb = { .buf = buf, .cap = cap };
	uint64_t now = 0;

	mp_rx_init(&rb.rx);
	while (n > 0) {
		uint16_t len = d[0];
		const uint8_t *out;
		uint16_t out_len;
		enum drop_reason why, disc;
		uint8_t *p;

		d++;
		n--;
		if (len > n)
			len = (uint16_t)n;
		/* A private copy: reads past len are caught by ASan. */
		p = malloc(len ? len : 1);
		if (!p)
			abort();
		memcpy(p, d, len);
		int r = mp_reasm_feed(&rb, p, len, short_seq, now, TIMEOUT, &out, &out_len, &why, &disc);
		if (r == 1 && out_len > cap)
			abort();
		if (r < 0 && why >= DROP_MAX)
			abort();
		free(p);
		d += len;
		n -= len;
		now += len * 1000u;
	}
}

struct sent {
	uint16_t len;
	bool fits;
	bool delivered;
};

static void check_out(const uint8_t *out, uint16_t out_len, struct sent *sent, uint32_t n_sent,
		      int32_t *last_id)
{
	uint32_t id;

	if (out_len < 2)
		abort();  /* every packet sent carries its id */
	id = (uint32_t)out[0] << 8 | out[1];
	if (id >= n_sent || sent[id].delivered || (int32_t)id <= *last_id)
		abort();
	if (out_len != sent[id].len)
		abort();
	for (uint16_t i = 2; i < out_len; i++)
		if (out[i] != pattern(id, i))
			abort();
	sent[id].delivered = true;
	*last_id = (int32_t)id;
}

static void fuzz_scripted(const uint8_t *d, size_t n, bool short_seq, uint16_t cap)
{
	static uint8_t buf[CAP_MAX];
	static struct frag q[QUEUE_MAX];
	static struct sent sent[1024];
	struct mp_reasm_buf rb = { .buf = buf, .cap = cap };
	struct mp_tx tx = { 0 };
	uint32_t n_sent = 0;
	int32_t last_id = -1;
	bool faults = false;
	size_t at = 0;

	mp_rx_init(&rb.rx);
	while (at + 2 <= n && n_sent < 1024) {
		uint8_t pkt[PKT_MAX];
		uint16_t sizes[MP_FRAGS_MAX];
		uint16_t len = (uint16_t)(2u + (d[at] * 5u) % (PKT_MAX - 2u));
		uint16_t max_data = (uint16_t)(1u + (d[at + 1] * 3u) % PKT_MAX);
		unsigned int nf;
		uint16_t off = 0;

		at += 2;
		nf = mp_split(len, max_data, sizes, MP_FRAGS_MAX);
		if (nf == 0)
			continue;
		pkt[0] = (uint8_t)(n_sent >> 8);
		pkt[1] = (uint8_t)n_sent;
		for (uint16_t i = 2; i < len; i++)
			pkt[i] = pattern(n_sent, i);
		sent[n_sent] = (struct sent){ .len = len, .fits = len <= cap };
		n_sent++;
		for (unsigned int k = 0; k < nf; k++) {
			uint16_t hl = mp_hdr_len(short_seq);

			mp_build(q[k].b, short_seq, mp_tx_next(&tx, short_seq), k == 0, k == nf - 1);
			memcpy(q[k].b + hl, pkt + off, sizes[k]);
			q[k].len = (uint16_t)(hl + sizes[k]);
			off = (uint16_t)(off + sizes[k]);
		}
		/* The link: one fault byte per fragment (none left: pass). */
		for (unsigned int k = 0; k < nf; k++) {
			uint8_t f = at < n ? d[at++] % 4u : 0u;
			unsigned int times = 1;
			const uint8_t *out;
			uint16_t out_len;
			enum drop_reason why, disc;

			if (f == 1) {          /* lost */
				faults = true;
				continue;
			}
			if (f == 2) {          /* duplicated */
				faults = true;
				times = 2;
			}
			if (f == 3 && k + 1 < nf) {  /* swapped with the next */
				struct frag t = q[k];

				faults = true;
				q[k] = q[k + 1];
				q[k + 1] = t;
			}
			for (unsigned int t = 0; t < times; t++) {
				int r = mp_reasm_feed(&rb, q[k].b, q[k].len, short_seq, 0, TIMEOUT,
						      &out, &out_len, &why, &disc);
				if (r == 1)
					check_out(out, out_len, sent, n_sent, &last_id);
				else if (r < 0 && why >= DROP_MAX)
					abort();
			}
		}
	}
	if (faults)
		return;
	for (uint32_t i = 0; i < n_sent; i++)
		if (sent[i].fits != sent[i].delivered)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bool short_seq, raw;
	uint16_t cap;

	if (size < 2)
		return 0;
	short_seq = data[0] & 1u;
	raw = (data[0] & 2u) != 0;
	cap = (uint16_t)(64u + 4u * data[1]);
	if (raw)
		fuzz_raw(data + 2, size - 2, short_seq, cap);
	else
		fuzz_scripted(data + 2, size - 2, short_seq, cap);
	return 0;
}
