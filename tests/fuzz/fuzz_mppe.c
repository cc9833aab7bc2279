/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for MPPE: the input scripts a sender and a receiver
 * (our TX into our RX) through a lossy, replaying, corrupting link, and a
 * model says what must happen to every packet:
 *   - stateless: any packet after fewer than 0xF00 losses decrypts to the
 *     plaintext sent; a replay is DUPLICATE or REORDERED;
 *   - stateful: a gap makes the next unflushed packet LOST_SYNC (once),
 *     later ones RESYNC_WAIT, and the first flushed packet decrypts again,
 *     unless a flushed packet that answered a Reset-Request was itself lost:
 *     with Linux's rule (MPPE_STATEFUL_FLUSH_REKEY) it changed the key in a
 *     way no receiver can count, and from then on only memory safety and
 *     result ranges are checked (docs/dataplane.md);
 *   - garbage goes to a copy of the receiver: exact-size buffers (ASan sees
 *     overreads), results in range, and a rejected packet is left as it was.
 *
 * Input: byte 0 picks the mode (bit 0 stateless, bits 1-2 strength); then
 * one op per byte, low 2 bits the op, the rest its argument:
 *   0 send n+1 bytes and deliver them     1 send, lose it on the wire
 *   2 CCP Reset-Request to the sender     3 n bytes of garbage to a copy
 *                                           (or a replay of the last packet)
 *
 *   clang -g -fsanitize=fuzzer,address,undefined -Idataplane -Icrypto \
 *         tests/fuzz/fuzz_mppe.c dataplane/mppe.c <crypto objects> -lcrypto
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mppe.h"

#define OP_DELIVER 0u
#define OP_LOSE    1u
#define OP_RESET   2u
#define OP_RAW     3u
#define OP_MASK    3u
#define ARG_SHIFT  2u
#define PLAIN_MAX  64u
#define MAX_OPS    512u   /* bounds the run time of one input */
/*
 * Stay clear of the reorder limit (beyond it loss looks like reordering),
 * with room for up to 255 stateful packets dropped while waiting for the
 * next flag packet.
 */
#define LOSS_MAX   (MPPE_REORDER_LIMIT - 0x100u)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const enum mppe_bits strengths[] = { MPPE_BITS_40, MPPE_BITS_56, MPPE_BITS_128, MPPE_BITS_128 };
static const uint8_t start_key[MPPE_KEY_MAX_LEN] = {
	0x8B, 0x7C, 0xDC, 0x14, 0x9B, 0x99, 0x3A, 0x1B,
	0xA1, 0x18, 0xCB, 0x15, 0x3F, 0x56, 0xDC, 0xCB,
};

struct model {
	struct mppe_tx_state tx;
	struct mppe_rx_state rx;
	bool stateless;
	unsigned int lost;      /* packets lost since the last one accepted */
	bool discarding;        /* stateful: LOST_SYNC reported, waiting for A */
	uint8_t last[MPPE_HDR_LEN + PLAIN_MAX];  /* last packet on the wire */
	uint16_t last_len;
	bool have_last;
	bool desynced;          /* stateful: a reset's flushed packet was lost (see above) */
};

/* Send one packet of n plaintext bytes; the copy for replays goes to m->last. */
static void send(struct model *m, uint8_t *buf, uint8_t *plain, uint16_t n, uint8_t fill)
{
	for (uint16_t i = 0; i < n; i++)
		plain[i] = (uint8_t)(fill + i * 31u);
	memcpy(buf + MPPE_HDR_LEN, plain, n);
	if (mppe_tx_encrypt(&m->tx, buf, n) != 0)
		abort();
	memcpy(m->last, buf, MPPE_HDR_LEN + n);
	m->last_len = (uint16_t)(MPPE_HDR_LEN + n);
	m->have_last = true;
}

static void deliver(struct model *m, uint16_t n, uint8_t fill)
{
	uint8_t buf[MPPE_HDR_LEN + PLAIN_MAX], plain[PLAIN_MAX];

	send(m, buf, plain, n, fill);
	bool flushed = (buf[0] & 0x80) != 0;
	enum mppe_rx_result r = mppe_rx_decrypt(&m->rx, buf, (uint16_t)(MPPE_HDR_LEN + n));

	if (m->desynced) {
		if (r > MPPE_RX_E_RESYNC_WAIT)
			abort();
		return;
	}
	bool must_decrypt = m->stateless || flushed || (m->lost == 0 && !m->discarding);

	if (must_decrypt) {
		if (r != MPPE_RX_OK || memcmp(buf + MPPE_HDR_LEN, plain, n) != 0)
			abort();
		m->lost = 0;
		m->discarding = false;
		return;
	}
	if (r != (m->discarding ? MPPE_RX_E_RESYNC_WAIT : MPPE_RX_E_LOST_SYNC))
		abort();
	m->discarding = true;
	m->lost++;  /* from the model's view this one is lost too */
}

static void garbage(struct model *m, const uint8_t *bytes, uint16_t n)
{
	struct mppe_rx_state copy;
	uint8_t *buf = malloc(n ? n : 1);
	enum mppe_rx_result r;

	if (buf == NULL)
		return;
	memcpy(buf, bytes, n);
	memcpy(&copy, &m->rx, sizeof(copy));
	r = mppe_rx_decrypt(&copy, buf, n);
	if (r > MPPE_RX_E_RESYNC_WAIT || (r != MPPE_RX_OK && r != MPPE_RX_E_LOST_SYNC &&
					  (memcmp(buf, bytes, n) != 0 ||
					   memcmp(&copy, &m->rx, sizeof(copy)) != 0)))
		abort();
	if (r != MPPE_RX_OK && mppe_rx_drop_reason(r) >= DROP_MAX)
		abort();
	free(buf);
}

/* A replay of the last packet sent, once it has been accepted or lost. */
static void replay(struct model *m)
{
	uint8_t buf[MPPE_HDR_LEN + PLAIN_MAX];
	struct mppe_rx_state before;
	enum mppe_rx_result r;

	memcpy(buf, m->last, m->last_len);
	memcpy(&before, &m->rx, sizeof(before));
	r = mppe_rx_decrypt(&m->rx, buf, m->last_len);
	if (m->desynced) {
		if (r > MPPE_RX_E_RESYNC_WAIT)
			abort();
		return;
	}
	if (m->lost == 0 && !m->discarding) {
		/* It was the last packet accepted: the same count again. */
		if (r != MPPE_RX_E_DUPLICATE)
			abort();
	} else if (r == MPPE_RX_OK) {
		/* A lost packet showing up late but in order: fine. */
		m->lost = 0;
		m->discarding = false;
		return;
	}
	if (r != MPPE_RX_OK && memcmp(&before, &m->rx, sizeof(before)) != 0 &&
	    r != MPPE_RX_E_LOST_SYNC)
		abort();
	if (r == MPPE_RX_E_LOST_SYNC)
		m->discarding = true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct model m;
	struct mppe_key key;
	size_t i;

	if (size < 1)
		return 0;
	memset(&m, 0, sizeof(m));
	m.stateless = data[0] & 1u;
	if (mppe_key_init(&key, start_key, sizeof(start_key), strengths[(data[0] >> 1) & 3u]) != 0)
		abort();
	mppe_tx_init(&m.tx, &key, m.stateless);
	mppe_rx_init(&m.rx, &key, m.stateless);

	for (i = 1; i < size && i <= MAX_OPS; i++) {
		uint8_t op = data[i] & OP_MASK;
		uint8_t arg = (uint8_t)(data[i] >> ARG_SHIFT);

		switch (op) {
		case OP_DELIVER:
			deliver(&m, (uint16_t)(1u + arg), data[i]);
			break;
		case OP_LOSE:
			if (m.lost >= LOSS_MAX) {
				deliver(&m, (uint16_t)(1u + arg), data[i]);
				break;
			}
			{
				uint8_t buf[MPPE_HDR_LEN + PLAIN_MAX], plain[PLAIN_MAX];

				send(&m, buf, plain, (uint16_t)(1u + arg), data[i]);
				m.lost++;
				/* A reset's flushed packet (A, not a flag count) lost for good. */
				if (MPPE_STATEFUL_FLUSH_REKEY && !m.stateless && (buf[0] & 0x80) &&
				    buf[1] != MPPE_FLAG_MASK)
					m.desynced = true;
			}
			break;
		case OP_RESET:
			mppe_tx_reset_request(&m.tx);
			break;
		case OP_RAW:
			if (arg == 0 && m.have_last) {
				replay(&m);
				break;
			}
			if (arg > size - i - 1)
				arg = (uint8_t)(size - i - 1);
			garbage(&m, data + i + 1, arg);
			i += arg;
			break;
		default:
			abort();
		}
	}
	return 0;
}
