/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MPPE packets (RFC 3078) as a user of the tunnel sees them:
 *   - known answers: RFC 3079 3.5's session keys encrypt the first stateful
 *     packet to the RFC's own "test message" bytes; every packet's header
 *     and ciphertext equal an independent model of the RFC 3078 7.3 key
 *     schedule built from OpenSSL's EVP SHA-1 and RC4 only;
 *   - our TX into our RX for 40/56/128-bit x stateless/stateful, both
 *     directions, past the 12-bit count wrap;
 *   - loss of 1, 2, 255 and 256 packets (stateless recovers at once;
 *     stateful drops until a flushed packet, then recovers), reordering,
 *     duplicates, CCP Reset-Request handling, the first packet's count;
 *   - a table of named bad inputs, each leaving the state usable.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/evp.h>

#include "crypto_init.h"
#include "gre.h"
#include "mppe.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define PKT_MAX      1600
#define HEX_MAX      32
#define SHA1_LEN     20
#define REF_PAD_LEN  40    /* RFC 3079 SHSpad1 / SHSpad2 */
#define REF_PAD2_OCT 0xF2
#define WRAP_PACKETS 4500  /* past one 4096 count wrap */
#define FLAG_PERIOD  256

/* RFC 3079 3.5 (from the RFC 2759 9.2 example). */
#define RFC3079_START_128 "8B 7C DC 14 9B 99 3A 1B A1 18 CB 15 3F 56 DC CB"
#define RFC3079_START_64  "8B 7C DC 14 9B 99 3A 1B"
#define RFC3079_MESSAGE   "test message"
/* RFC 2759 9.2: the inputs of mppe_keys_from_mschapv2. */
#define RFC2759_PW_HASH_HASH "41 C0 0C 58 4B D2 D9 1C 40 17 A2 A1 2F A5 9F 3F"
#define RFC2759_NT_RESPONSE \
	"82 30 9E CD 8D 70 8B 5E A0 8F AA 39 81 CD 83 54 42 33 11 4A 3D 85 D6 DF"

static const enum mppe_bits strengths[] = { MPPE_BITS_40, MPPE_BITS_56, MPPE_BITS_128 };

static size_t hex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;

	while (*s != '\0') {
		unsigned int v;

		if (*s == ' ') {
			s++;
			continue;
		}
		assert_true(n < cap);
		assert_int_equal(sscanf(s, "%2x", &v), 1);
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

static void fill_pattern(uint8_t *buf, size_t len, uint32_t seed)
{
	for (size_t i = 0; i < len; i++) {
		seed = seed * 1103515245u + 12345u;
		buf[i] = (uint8_t)(seed >> 16);
	}
}

static int setup(void **state)
{
	(void)state;
	return crypto_init();
}

/* ---------------------------------------------------------------------- */
/* An independent model of RFC 3078's sender from EVP SHA-1 and RC4.        */

struct ref_tx {
	uint8_t start[MPPE_KEY_MAX_LEN];
	uint8_t session[MPPE_KEY_MAX_LEN];
	size_t len;
	enum mppe_bits bits;
	bool stateless;
	uint16_t ccount;
	EVP_CIPHER_CTX *rc4;
};

static void ref_reduce(uint8_t *k, enum mppe_bits bits)
{
	if (bits == MPPE_BITS_40) {
		k[0] = 0xD1;
		k[1] = 0x26;
		k[2] = 0x9E;
	} else if (bits == MPPE_BITS_56) {
		k[0] = 0xD1;
	}
}

/* GetNewKeyFromSHA (RFC 3079 2.4 / 3.4) with EVP. */
static void ref_sha(const uint8_t *start, const uint8_t *session, size_t len, uint8_t *out)
{
	uint8_t buf[2 * MPPE_KEY_MAX_LEN + 2 * REF_PAD_LEN], digest[SHA1_LEN];
	unsigned int dlen;
	size_t n = 0;

	memcpy(buf + n, start, len);
	n += len;
	memset(buf + n, 0, REF_PAD_LEN);
	n += REF_PAD_LEN;
	memcpy(buf + n, session, len);
	n += len;
	memset(buf + n, REF_PAD2_OCT, REF_PAD_LEN);
	n += REF_PAD_LEN;
	assert_int_equal(EVP_Digest(buf, n, digest, &dlen, crypto_sha1(), NULL), 1);
	memcpy(out, digest, len);
}

static void ref_rc4_key(EVP_CIPHER_CTX *ctx, const uint8_t *key, size_t len)
{
	assert_int_equal(EVP_EncryptInit_ex2(ctx, crypto_rc4(), NULL, NULL, NULL), 1);
	assert_int_equal(EVP_CIPHER_CTX_set_key_length(ctx, (int)len), 1);
	assert_int_equal(EVP_EncryptInit_ex2(ctx, NULL, key, NULL, NULL), 1);
}

static void ref_rc4_run(EVP_CIPHER_CTX *ctx, const uint8_t *in, uint8_t *out, size_t len)
{
	int n = 0;

	assert_int_equal(EVP_EncryptUpdate(ctx, out, &n, in, (int)len), 1);
	assert_int_equal((size_t)n, len);
}

/* One-shot RC4 with a fresh key: out = RC4(key, in). */
static void evp_rc4(const uint8_t *key, size_t key_len, const uint8_t *in, uint8_t *out, size_t len)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();

	assert_non_null(ctx);
	ref_rc4_key(ctx, key, key_len);
	ref_rc4_run(ctx, in, out, len);
	EVP_CIPHER_CTX_free(ctx);
}

/* RFC 3078 7.3: interim = GetNewKeyFromSHA; session = RC4(interim, interim). */
static void ref_rekey(struct ref_tx *r)
{
	uint8_t interim[MPPE_KEY_MAX_LEN];

	ref_sha(r->start, r->session, r->len, interim);
	evp_rc4(interim, r->len, interim, r->session, r->len);
	ref_reduce(r->session, r->bits);
}

static void ref_init(struct ref_tx *r, const uint8_t *start, enum mppe_bits bits, bool stateless)
{
	memset(r, 0, sizeof(*r));
	r->len = bits == MPPE_BITS_128 ? 16 : 8;
	r->bits = bits;
	r->stateless = stateless;
	memcpy(r->start, start, r->len);
	/* RFC 3079 3.x: the initial session key is not RC4-encrypted. */
	ref_sha(r->start, r->start, r->len, r->session);
	ref_reduce(r->session, bits);
	r->ccount = 0xFFF;
	r->rc4 = EVP_CIPHER_CTX_new();
	assert_non_null(r->rc4);
	ref_rc4_key(r->rc4, r->session, r->len);
}

static void ref_fini(struct ref_tx *r)
{
	EVP_CIPHER_CTX_free(r->rc4);
}

/* The sender of RFC 3078 3 and 7.3: returns the 16-bit header. */
static uint16_t ref_encrypt(struct ref_tx *r, const uint8_t *in, uint8_t *out, size_t len)
{
	uint16_t hdr;

	r->ccount = (r->ccount + 1) & 0xFFF;
	hdr = 0x1000 | r->ccount;
	if (r->stateless || (r->ccount & 0xFF) == 0xFF) {
		ref_rekey(r);
		ref_rc4_key(r->rc4, r->session, r->len);
		hdr |= 0x8000;
	}
	ref_rc4_run(r->rc4, in, out, len);
	return hdr;
}

/* ---------------------------------------------------------------------- */
/* Helpers over our own states.                                            */

struct pair {
	struct mppe_tx_state tx;
	struct mppe_rx_state rx;
};

static void pair_init(struct pair *p, const uint8_t *start, enum mppe_bits bits, bool stateless)
{
	struct mppe_key k;

	assert_int_equal(mppe_key_init(&k, start, MPPE_KEY_MAX_LEN, bits), 0);
	mppe_tx_init(&p->tx, &k, stateless);
	mppe_rx_init(&p->rx, &k, stateless);
}

static void load_start(uint8_t start[MPPE_KEY_MAX_LEN])
{
	hex(RFC3079_START_128, start, MPPE_KEY_MAX_LEN);
}

/* A packet as the worker hands it over: 2 bytes of room, then proto + payload. */
struct pkt {
	uint8_t buf[MPPE_HDR_LEN + PKT_MAX];
	uint8_t plain[PKT_MAX];
	uint16_t len;  /* plaintext bytes */
};

static void pkt_make(struct pkt *k, uint32_t seed)
{
	k->len = (uint16_t)(1 + seed * 7919u % (PKT_MAX - 1));
	fill_pattern(k->plain, k->len, seed);
	/* Protocol field: alternate PFC-compressed and full IPv4. */
	if (seed & 1) {
		k->plain[0] = 0x21;
	} else if (k->len >= 2) {
		k->plain[0] = 0x00;
		k->plain[1] = 0x21;
	}
	memcpy(k->buf + MPPE_HDR_LEN, k->plain, k->len);
}

static void pkt_send(struct mppe_tx_state *tx, struct pkt *k, uint32_t seed)
{
	pkt_make(k, seed);
	assert_int_equal(mppe_tx_encrypt(tx, k->buf, k->len), 0);
}

static uint16_t pkt_hdr(const struct pkt *k)
{
	return (uint16_t)(k->buf[0] << 8 | k->buf[1]);
}

static enum mppe_rx_result pkt_recv(struct mppe_rx_state *rx, struct pkt *k)
{
	return mppe_rx_decrypt(rx, k->buf, (uint16_t)(k->len + MPPE_HDR_LEN));
}

static void pkt_recv_ok(struct mppe_rx_state *rx, struct pkt *k, const char *what)
{
	enum mppe_rx_result r = pkt_recv(rx, k);

	if (r != MPPE_RX_OK)
		fail_msg("%s: count %03x: rx result %d", what, pkt_hdr(k) & 0xFFF, r);
	if (memcmp(k->buf + MPPE_HDR_LEN, k->plain, k->len) != 0)
		fail_msg("%s: count %03x: plaintext differs", what, pkt_hdr(k) & 0xFFF);
}

/* ---------------------------------------------------------------------- */
/* Known answers.                                                          */

/*
 * RFC 3079 3.5: RC4 under each initial session key turns "test message"
 * into the printed bytes. The first stateful packet is encrypted under the
 * initial session key with a fresh RC4, so our TX must produce exactly them.
 */
static void test_kat_rfc3079_first_stateful_packet(void **state)
{
	static const struct {
		enum mppe_bits bits;
		const char *start;
		const char *cipher;
	} cases[] = {
		{ MPPE_BITS_40, RFC3079_START_64, "92 91 37 91 7E 58 03 D6 68 D7 58 98" },
		/* The RFC prints the last octet as 58; B8 is right (see test_crypto.c). */
		{ MPPE_BITS_56, RFC3079_START_64, "3F 10 68 33 FA 44 8D A8 42 BC 57 B8" },
		{ MPPE_BITS_128, RFC3079_START_128, "81 84 83 17 DF 68 84 62 72 FB 5A BE" },
	};
	uint8_t start[MPPE_KEY_MAX_LEN], want[HEX_MAX];
	uint8_t buf[MPPE_HDR_LEN + sizeof(RFC3079_MESSAGE) - 1];
	struct mppe_tx_state tx;
	struct mppe_key k;

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		size_t slen = hex(cases[i].start, start, sizeof(start));
		size_t n = hex(cases[i].cipher, want, sizeof(want));

		assert_int_equal(mppe_key_init(&k, start, slen, cases[i].bits), 0);
		mppe_tx_init(&tx, &k, false);
		memcpy(buf + MPPE_HDR_LEN, RFC3079_MESSAGE, n);
		assert_int_equal(mppe_tx_encrypt(&tx, buf, (uint16_t)n), 0);
		/* D set, count 0, no A on the first packet (as Linux). */
		assert_int_equal(buf[0], 0x10);
		assert_int_equal(buf[1], 0x00);
		assert_memory_equal(buf + MPPE_HDR_LEN, want, n);
	}
}

/*
 * The RFC 3079 3.5 128-bit session key encrypts a real first packet
 * (protocol 0x0021 + an IPv4 header) to RC4(session key, protocol+payload)
 * as OpenSSL computes it; stateless, the first packet is under one key
 * change of it (built here from EVP SHA-1 and RC4).
 */
static void test_kat_first_packet_vs_openssl(void **state)
{
	static const uint8_t session_128[] = {
		0x40, 0x5C, 0xB2, 0x24, 0x7A, 0x79, 0x56, 0xE6,
		0xE2, 0x11, 0x00, 0x7A, 0xE2, 0x7B, 0x22, 0xD4,
	};
	static const uint8_t plain[] = {
		0x00, 0x21,  /* PPP protocol: IPv4 */
		0x45, 0x00, 0x00, 0x54, 0x12, 0x34, 0x40, 0x00, 0x40, 0x01, 0x00, 0x00,
		10, 0, 0, 5, 10, 0, 0, 1, 0x08, 0x00, 0xF7, 0xFF, 0x00, 0x00, 0x00, 0x00,
	};
	uint8_t start[MPPE_KEY_MAX_LEN], want[sizeof(plain)], buf[MPPE_HDR_LEN + sizeof(plain)];
	struct mppe_tx_state tx;
	struct mppe_key k;
	struct ref_tx ref;

	(void)state;
	load_start(start);
	assert_int_equal(mppe_key_init(&k, start, sizeof(start), MPPE_BITS_128), 0);
	assert_memory_equal(k.session, session_128, sizeof(session_128));

	/* Stateful: the initial session key itself. */
	mppe_tx_init(&tx, &k, false);
	memcpy(buf + MPPE_HDR_LEN, plain, sizeof(plain));
	assert_int_equal(mppe_tx_encrypt(&tx, buf, sizeof(plain)), 0);
	evp_rc4(session_128, sizeof(session_128), plain, want, sizeof(plain));
	assert_memory_equal(buf + MPPE_HDR_LEN, want, sizeof(plain));

	/* Stateless: one key change first, A and D set, count 0. */
	mppe_tx_init(&tx, &k, true);
	memcpy(buf + MPPE_HDR_LEN, plain, sizeof(plain));
	assert_int_equal(mppe_tx_encrypt(&tx, buf, sizeof(plain)), 0);
	ref_init(&ref, start, MPPE_BITS_128, true);
	assert_memory_equal(ref.session, session_128, sizeof(session_128));
	ref_rekey(&ref);
	evp_rc4(ref.session, ref.len, plain, want, sizeof(plain));
	assert_int_equal(buf[0], 0x90);
	assert_int_equal(buf[1], 0x00);
	assert_memory_equal(buf + MPPE_HDR_LEN, want, sizeof(plain));
	ref_fini(&ref);
}

/*
 * Every packet's header and ciphertext against the model, over two flag
 * packets (stateful) and many key changes (stateless), for all strengths.
 */
static void test_tx_matches_reference_schedule(void **state)
{
	uint8_t start[MPPE_KEY_MAX_LEN], want[PKT_MAX];
	struct pkt k;

	(void)state;
	load_start(start);
	for (int stateless = 0; stateless < 2; stateless++) {
		for (size_t s = 0; s < ARRAY_LEN(strengths); s++) {
			struct mppe_tx_state tx;
			struct mppe_key key;
			struct ref_tx ref;
			int n = stateless ? 300 : 2 * FLAG_PERIOD + 20;

			assert_int_equal(mppe_key_init(&key, start, sizeof(start), strengths[s]), 0);
			mppe_tx_init(&tx, &key, stateless);
			ref_init(&ref, start, strengths[s], stateless);
			assert_memory_equal(ref.session, key.session, key.len);
			for (int i = 0; i < n; i++) {
				pkt_make(&k, (uint32_t)i);
				uint16_t want_hdr = ref_encrypt(&ref, k.plain, want, k.len);

				assert_int_equal(mppe_tx_encrypt(&tx, k.buf, k.len), 0);
				if (pkt_hdr(&k) != want_hdr || memcmp(k.buf + 2, want, k.len) != 0)
					fail_msg("%d-bit %s packet %d: header %04x want %04x%s",
						 strengths[s], stateless ? "stateless" : "stateful",
						 i, pkt_hdr(&k), want_hdr,
						 memcmp(k.buf + 2, want, k.len) ? ", ciphertext differs" : "");
			}
			ref_fini(&ref);
		}
	}
}

/* ---------------------------------------------------------------------- */
/* Round trips.                                                            */

/*
 * Server and client ends from one MS-CHAPv2 exchange (RFC 2759 9.2), each
 * sending WRAP_PACKETS to the other: the count wraps past 0xFFF in both
 * directions and every packet decrypts. Checks the header bits as it goes.
 */
static void test_roundtrip_both_ways_past_wrap(void **state)
{
	uint8_t phh[MPPE_HASH_LEN], nt[MPPE_NT_RESPONSE_LEN];
	static struct pkt k;

	(void)state;
	hex(RFC2759_PW_HASH_HASH, phh, sizeof(phh));
	hex(RFC2759_NT_RESPONSE, nt, sizeof(nt));
	for (int stateless = 0; stateless < 2; stateless++) {
		for (size_t s = 0; s < ARRAY_LEN(strengths); s++) {
			struct mppe_key ss, sr, cs, cr;
			struct mppe_tx_state s_tx, c_tx;
			struct mppe_rx_state s_rx, c_rx;

			assert_int_equal(mppe_keys_from_mschapv2(phh, nt, strengths[s],
								 MPPE_ROLE_SERVER, &ss, &sr), 0);
			assert_int_equal(mppe_keys_from_mschapv2(phh, nt, strengths[s],
								 MPPE_ROLE_CLIENT, &cs, &cr), 0);
			mppe_tx_init(&s_tx, &ss, stateless);
			mppe_rx_init(&c_rx, &cr, stateless);
			mppe_tx_init(&c_tx, &cs, stateless);
			mppe_rx_init(&s_rx, &sr, stateless);
			for (uint32_t i = 0; i < WRAP_PACKETS; i++) {
				uint16_t cc = (uint16_t)(i & 0xFFF);
				bool want_a = stateless || (cc & 0xFF) == 0xFF;

				pkt_send(&s_tx, &k, i);
				assert_int_equal(pkt_hdr(&k), (want_a ? 0x8000 : 0) | 0x1000 | cc);
				assert_memory_not_equal(k.buf + 2, k.plain, k.len < 8 ? k.len : 8);
				pkt_recv_ok(&c_rx, &k, "server to client");
				pkt_send(&c_tx, &k, i ^ 0x5A5A5A5Au);
				assert_int_equal(pkt_hdr(&k) & 0xFFF, cc);
				pkt_recv_ok(&s_rx, &k, "client to server");
			}
			/* The two directions use different keys. */
			assert_memory_not_equal(s_tx.key.session, c_tx.key.session, ss.len);
		}
	}
}

/* ---------------------------------------------------------------------- */
/* Loss.                                                                   */

static const unsigned int losses[] = { 1, 2, 255, 256 };
/* Where the loss starts: away from a flag packet, and just before one. */
static const unsigned int loss_starts[] = { 0x10, 0xF0, 0xFFE };

static void test_loss_stateless_recovers(void **state)
{
	uint8_t start[MPPE_KEY_MAX_LEN];
	static struct pkt k;

	(void)state;
	load_start(start);
	for (size_t s = 0; s < ARRAY_LEN(strengths); s++)
		for (size_t l = 0; l < ARRAY_LEN(losses); l++)
			for (size_t a = 0; a < ARRAY_LEN(loss_starts); a++) {
				struct pair p;
				uint32_t seq = 0;

				pair_init(&p, start, strengths[s], true);
				for (; seq < loss_starts[a]; seq++) {
					pkt_send(&p.tx, &k, seq);
					pkt_recv_ok(&p.rx, &k, "before loss");
				}
				for (unsigned int i = 0; i < losses[l]; i++)
					pkt_send(&p.tx, &k, seq++);  /* lost on the wire */
				for (int i = 0; i < 3; i++) {
					pkt_send(&p.tx, &k, seq++);
					pkt_recv_ok(&p.rx, &k, "stateless after loss");
				}
			}
}

/*
 * Stateful: the first packet after the gap is LOST_SYNC (reported once),
 * later ones RESYNC_WAIT, until a flushed packet. Recovery either through a
 * CCP Reset-Request answered by the sender, or (a peer that ignores it) at
 * the next flag packet.
 */
static void test_loss_stateful_resyncs(void **state)
{
	uint8_t start[MPPE_KEY_MAX_LEN];
	static struct pkt k;

	(void)state;
	load_start(start);
	for (size_t s = 0; s < ARRAY_LEN(strengths); s++)
		for (size_t l = 0; l < ARRAY_LEN(losses); l++)
			for (size_t a = 0; a < ARRAY_LEN(loss_starts); a++)
				for (int via_reset = 0; via_reset < 2; via_reset++) {
					struct pair p;
					uint32_t seq = 0;
					int waits = 0;

					pair_init(&p, start, strengths[s], false);
					for (; seq < loss_starts[a]; seq++) {
						pkt_send(&p.tx, &k, seq);
						pkt_recv_ok(&p.rx, &k, "before loss");
					}
					for (unsigned int i = 0; i < losses[l]; i++)
						pkt_send(&p.tx, &k, seq++);
					pkt_send(&p.tx, &k, seq++);
					if ((pkt_hdr(&k) & 0x8000) != 0) {
						/* The gap ended on a flag packet: it resyncs by itself. */
						pkt_recv_ok(&p.rx, &k, "flag packet after loss");
						continue;
					}
					assert_int_equal(pkt_recv(&p.rx, &k), MPPE_RX_E_LOST_SYNC);
					if (via_reset)
						mppe_tx_reset_request(&p.tx);  /* the CP's Reset-Request */
					for (;;) {
						pkt_send(&p.tx, &k, seq++);
						if (pkt_hdr(&k) & 0x8000)
							break;
						assert_int_equal(pkt_recv(&p.rx, &k), MPPE_RX_E_RESYNC_WAIT);
						waits++;
					}
					if (via_reset)
						assert_int_equal(waits, 0);  /* the very next packet */
					else
						assert_int_equal(pkt_hdr(&k) & 0xFF, 0xFF);
					pkt_recv_ok(&p.rx, &k, "flushed packet");
					for (int i = 0; i < FLAG_PERIOD + 3; i++) {
						pkt_send(&p.tx, &k, seq++);
						pkt_recv_ok(&p.rx, &k, "stateful after resync");
					}
				}
}

/* ---------------------------------------------------------------------- */
/* Reordering and duplicates.                                              */

static void test_reorder_late_packet_dropped_without_desync(void **state)
{
	uint8_t start[MPPE_KEY_MAX_LEN];
	static struct pkt k[8];

	(void)state;
	load_start(start);
	for (int stateless = 0; stateless < 2; stateless++) {
		struct pair p;
		uint32_t seq = 0;

		pair_init(&p, start, MPPE_BITS_128, stateless);
		for (int i = 0; i < 5; i++) {
			pkt_send(&p.tx, &k[i], seq++);
			pkt_recv_ok(&p.rx, &k[i], "in order");
		}
		/* 5 and 6 sent; 6 arrives first. */
		pkt_send(&p.tx, &k[5], seq++);
		pkt_send(&p.tx, &k[6], seq++);
		if (stateless) {
			pkt_recv_ok(&p.rx, &k[6], "ahead of a late one");
			/* 5 now looks 0xFFF ahead: late, dropped, nothing rekeyed. */
			assert_int_equal(pkt_recv(&p.rx, &k[5]), MPPE_RX_E_REORDERED);
		} else {
			/* Stateful cannot skip: the gap asks for a reset ... */
			assert_int_equal(pkt_recv(&p.rx, &k[6]), MPPE_RX_E_LOST_SYNC);
			/* ... and the late 5 is not taken as in sequence. */
			assert_int_equal(pkt_recv(&p.rx, &k[5]), MPPE_RX_E_RESYNC_WAIT);
			mppe_tx_reset_request(&p.tx);
		}
		pkt_send(&p.tx, &k[7], seq++);
		pkt_recv_ok(&p.rx, &k[7], "next in order after the late one");
		pkt_send(&p.tx, &k[0], seq++);
		pkt_recv_ok(&p.rx, &k[0], "and the one after");
	}
}

/*
 * A replay from further back, in sync (stateless and stateful): up to 255
 * behind, MPPE itself recognises it (its count is more than 0xF00 ahead).
 */
static void test_reorder_far_late(void **state)
{
	static const unsigned int behind[] = { 2, 64, 200, 255 };
	uint8_t start[MPPE_KEY_MAX_LEN];
	static struct pkt k, late, copy;

	(void)state;
	load_start(start);
	for (int stateless = 0; stateless < 2; stateless++)
		for (size_t b = 0; b < ARRAY_LEN(behind); b++) {
			struct pair p;
			uint32_t seq = 0;

			pair_init(&p, start, MPPE_BITS_56, stateless);
			for (int i = 0; i < 10; i++) {
				pkt_send(&p.tx, &k, seq++);
				pkt_recv_ok(&p.rx, &k, "warm-up");
			}
			pkt_send(&p.tx, &late, seq++);
			copy = late;
			pkt_recv_ok(&p.rx, &late, "original");
			for (unsigned int i = 0; i + 1 < behind[b]; i++) {
				pkt_send(&p.tx, &k, seq++);
				pkt_recv_ok(&p.rx, &k, "between");
			}
			assert_int_equal(pkt_recv(&p.rx, &copy), MPPE_RX_E_REORDERED);
			pkt_send(&p.tx, &k, seq++);
			pkt_recv_ok(&p.rx, &k, "after the late one");
		}
}

/*
 * Further back than 255 the 12-bit count cannot tell a late packet from
 * 3840+ lost ones; the GRE sequence number (32 bits) can: the worker runs
 * the GRE window first, which drops anything over 63 behind as stale, so
 * MPPE never sees it. The two layers together, 300 and 5000 behind.
 */
static void test_gre_window_shields_mppe(void **state)
{
	static const unsigned int behind[] = { 300, 5000 };
	uint8_t start[MPPE_KEY_MAX_LEN];
	static struct pkt k, late;

	(void)state;
	load_start(start);
	for (int stateless = 0; stateless < 2; stateless++)
		for (size_t b = 0; b < ARRAY_LEN(behind); b++) {
			struct gre_rx_seq w;
			struct pair p;
			uint32_t seq = 100, late_seq;

			gre_rx_seq_init(&w);
			pair_init(&p, start, MPPE_BITS_128, stateless);
			late_seq = seq;
			pkt_send(&p.tx, &late, seq++);  /* delayed in the network */
			if (!stateless)
				mppe_tx_reset_request(&p.tx);  /* the next one is flushed */
			for (unsigned int i = 0; i < behind[b]; i++) {
				pkt_send(&p.tx, &k, seq);
				assert_int_equal(gre_rx_seq_check(&w, seq++), GRE_SEQ_NEW);
				pkt_recv_ok(&p.rx, &k, "in order");
			}
			assert_int_equal(gre_rx_seq_check(&w, late_seq), GRE_SEQ_STALE);
			pkt_send(&p.tx, &k, seq);
			assert_int_equal(gre_rx_seq_check(&w, seq++), GRE_SEQ_NEW);
			pkt_recv_ok(&p.rx, &k, "after the stale one");
		}
}

static void test_duplicate(void **state)
{
	uint8_t start[MPPE_KEY_MAX_LEN];
	static struct pkt k;

	(void)state;
	load_start(start);
	for (int stateless = 0; stateless < 2; stateless++) {
		struct pair p;
		uint32_t seq = 0;

		pair_init(&p, start, MPPE_BITS_40, stateless);
		for (int i = 0; i < 3; i++) {
			pkt_send(&p.tx, &k, seq++);
			pkt_recv_ok(&p.rx, &k, "before");
		}
		pkt_send(&p.tx, &k, seq++);
		struct pkt dup = k;
		pkt_recv_ok(&p.rx, &k, "original");
		assert_int_equal(pkt_recv(&p.rx, &dup), MPPE_RX_E_DUPLICATE);
		/* Untouched: still the ciphertext. */
		assert_memory_not_equal(dup.buf + 2, dup.plain, dup.len < 8 ? dup.len : 8);
		pkt_send(&p.tx, &k, seq++);
		pkt_recv_ok(&p.rx, &k, "after the duplicate");
	}
}

/* The exact reorder limit: 0xF00 ahead is loss, 0xF01 ahead is a late packet. */
static void test_reorder_limit_edge(void **state)
{
	uint8_t start[MPPE_KEY_MAX_LEN];
	static struct pkt k;

	(void)state;
	load_start(start);
	for (unsigned int ahead = MPPE_REORDER_LIMIT; ahead <= MPPE_REORDER_LIMIT + 1; ahead++) {
		struct pair p;
		uint32_t seq = 0;

		pair_init(&p, start, MPPE_BITS_128, true);
		pkt_send(&p.tx, &k, seq++);
		pkt_recv_ok(&p.rx, &k, "first");
		for (unsigned int i = 0; i + 1 < ahead; i++)
			pkt_send(&p.tx, &k, seq++);
		pkt_send(&p.tx, &k, seq++);
		if (ahead <= MPPE_REORDER_LIMIT)
			pkt_recv_ok(&p.rx, &k, "0xF00 ahead: loss");
		else
			assert_int_equal(pkt_recv(&p.rx, &k), MPPE_RX_E_REORDERED);
	}
}

/* ---------------------------------------------------------------------- */
/* CCP Reset-Request and the first packet.                                 */

static void test_reset_request_sets_a_once(void **state)
{
	uint8_t start[MPPE_KEY_MAX_LEN];
	static struct pkt k;
	struct pair p;
	uint32_t seq = 0;
	struct mppe_key key_after;

	(void)state;
	load_start(start);
	pair_init(&p, start, MPPE_BITS_128, false);
	for (int i = 0; i < 10; i++) {
		pkt_send(&p.tx, &k, seq++);
		assert_int_equal(pkt_hdr(&k) & 0x8000, 0);
		pkt_recv_ok(&p.rx, &k, "before");
	}
	/* Three Reset-Requests (our Reset-Acks got lost): one flush. */
	key_after = p.tx.key;
	mppe_rekey(&key_after);
	mppe_tx_reset_request(&p.tx);
	mppe_tx_reset_request(&p.tx);
	mppe_tx_reset_request(&p.tx);
	pkt_send(&p.tx, &k, seq++);
	assert_int_equal(pkt_hdr(&k), 0x8000 | 0x1000 | 10);
	/*
	 * The RC4 tables restart and, as Linux ppp_mppe does it
	 * (MPPE_STATEFUL_FLUSH_REKEY), the key changes once: the stateful
	 * interop case with loss fails with the other reading.
	 */
	assert_memory_equal(p.tx.key.session, key_after.session, p.tx.key.len);
	pkt_recv_ok(&p.rx, &k, "flushed");
	for (int i = 0; i < 5; i++) {
		pkt_send(&p.tx, &k, seq++);
		assert_int_equal(pkt_hdr(&k) & 0x8000, 0);
		pkt_recv_ok(&p.rx, &k, "after");
	}
	/* Stateless ignores it: A is on every packet anyway. */
	pair_init(&p, start, MPPE_BITS_128, true);
	mppe_tx_reset_request(&p.tx);
	assert_false(p.tx.reset_pending);
	pkt_send(&p.tx, &k, 0);
	pkt_recv_ok(&p.rx, &k, "stateless after a reset request");
}

/* A reset requested just before a flag packet: one flush, one key change. */
static void test_reset_request_on_flag_packet(void **state)
{
	uint8_t start[MPPE_KEY_MAX_LEN];
	static struct pkt k;
	struct pair p;
	uint32_t seq = 0;

	(void)state;
	load_start(start);
	pair_init(&p, start, MPPE_BITS_128, false);
	for (; seq < 0xFF; seq++) {
		pkt_send(&p.tx, &k, seq);
		pkt_recv_ok(&p.rx, &k, "before");
	}
	mppe_tx_reset_request(&p.tx);
	pkt_send(&p.tx, &k, seq++);
	assert_int_equal(pkt_hdr(&k), 0x90FF);
	pkt_recv_ok(&p.rx, &k, "flag packet");
	pkt_send(&p.tx, &k, seq++);
	assert_int_equal(pkt_hdr(&k), 0x1100);
	pkt_recv_ok(&p.rx, &k, "after");
}

/*
 * The receiver takes the first packet's count as it comes: count 0 (the
 * usual first packet: Linux counts from 0xFFF and increments first), a
 * first packet after early loss, one far into the count space, and 0xFFF.
 */
static void test_first_packet_any_count(void **state)
{
	/* 0xF80: further than the reorder limit, still taken as the first. */
	static const unsigned int skip[] = { 0, 1, 5, 0xF80 };
	uint8_t start[MPPE_KEY_MAX_LEN];
	static struct pkt k;

	(void)state;
	load_start(start);
	for (size_t i = 0; i < ARRAY_LEN(skip); i++) {
		struct pair p;
		uint32_t seq = 0;

		pair_init(&p, start, MPPE_BITS_128, true);
		for (unsigned int n = 0; n < skip[i]; n++)
			pkt_send(&p.tx, &k, seq++);
		pkt_send(&p.tx, &k, seq++);
		assert_int_equal(pkt_hdr(&k) & 0xFFF, skip[i]);
		pkt_recv_ok(&p.rx, &k, "first packet");
		pkt_send(&p.tx, &k, seq++);
		pkt_recv_ok(&p.rx, &k, "second packet");
	}

	/* Stateful: a first packet other than count 0 without A is a loss. */
	struct pair p;
	pair_init(&p, start, MPPE_BITS_128, false);
	pkt_send(&p.tx, &k, 0);
	pkt_send(&p.tx, &k, 1);
	assert_int_equal(pkt_recv(&p.rx, &k), MPPE_RX_E_LOST_SYNC);
	mppe_tx_reset_request(&p.tx);
	pkt_send(&p.tx, &k, 2);
	pkt_recv_ok(&p.rx, &k, "stateful first flushed packet");
}

/* A flag packet that arrives without A (a lax sender) still changes the key. */
static void test_stateful_flag_packet_without_a(void **state)
{
	uint8_t start[MPPE_KEY_MAX_LEN];
	static struct pkt k;
	struct pair p;
	uint32_t seq = 0;

	(void)state;
	load_start(start);
	pair_init(&p, start, MPPE_BITS_128, false);
	for (; seq < 0x200; seq++) {
		pkt_send(&p.tx, &k, seq);
		if ((pkt_hdr(&k) & 0xFF) == 0xFF)
			k.buf[0] &= 0x7F;  /* strip A */
		pkt_recv_ok(&p.rx, &k, "flag without A");
	}
}

/* ---------------------------------------------------------------------- */
/* Bad input.                                                              */

enum bad_edit { B_LEN, B_SET_BITS, B_CLEAR_BITS, B_COUNT_BACK };

struct bad_case {
	const char *name;
	enum bad_edit edit;
	uint16_t arg;
	enum mppe_rx_result want;
};

static const struct bad_case bad_cases[] = {
	{ "length 0", B_LEN, 0, MPPE_RX_E_SHORT },
	{ "1 byte", B_LEN, 1, MPPE_RX_E_SHORT },
	{ "header only", B_LEN, 2, MPPE_RX_E_SHORT },
	{ "C set (MPPC)", B_SET_BITS, 0x2000, MPPE_RX_E_COMPRESSED },
	{ "C set with A and D", B_SET_BITS, 0xA000, MPPE_RX_E_COMPRESSED },
	{ "D clear", B_CLEAR_BITS, 0x1000, MPPE_RX_E_NOT_ENCRYPTED },
	{ "count jump 0xF01 (late)", B_COUNT_BACK, 0xFF, MPPE_RX_E_REORDERED },
	{ "count one behind", B_COUNT_BACK, 1, MPPE_RX_E_REORDERED },
	{ "count equal (duplicate)", B_COUNT_BACK, 0, MPPE_RX_E_DUPLICATE },
};

static void test_bad_inputs(void **state)
{
	uint8_t start[MPPE_KEY_MAX_LEN];
	static struct pkt k;

	(void)state;
	load_start(start);
	for (int stateless = 0; stateless < 2; stateless++)
		for (size_t i = 0; i < ARRAY_LEN(bad_cases); i++) {
			const struct bad_case *c = &bad_cases[i];
			struct pair p;
			uint32_t seq = 0;
			uint16_t len;

			pair_init(&p, start, MPPE_BITS_128, stateless);
			/* Accept 0x100 packets so that the count is at 0x0FF. */
			for (; seq < 0x100; seq++) {
				pkt_send(&p.tx, &k, seq);
				pkt_recv_ok(&p.rx, &k, "setup");
			}
			struct mppe_rx_state before;

			memcpy(&before, &p.rx, sizeof(before));
			struct pkt bad = k;
			uint16_t hdr = pkt_hdr(&bad);

			len = (uint16_t)(bad.len + MPPE_HDR_LEN);
			switch (c->edit) {
			case B_LEN:
				len = c->arg;
				break;
			case B_SET_BITS:
				hdr |= c->arg;
				break;
			case B_CLEAR_BITS:
				hdr &= (uint16_t)~c->arg;
				break;
			case B_COUNT_BACK:
				hdr = (uint16_t)((hdr & 0xF000) | ((0x0FF - c->arg) & 0xFFF));
				break;
			}
			bad.buf[0] = (uint8_t)(hdr >> 8);
			bad.buf[1] = (uint8_t)hdr;
			/* Exactly len bytes: ASan sees any overread. */
			uint8_t *buf = test_malloc(len ? len : 1);
			memcpy(buf, bad.buf, len);
			enum mppe_rx_result r = mppe_rx_decrypt(&p.rx, buf, len);
			if (r != c->want)
				fail_msg("%s (%s): got %d want %d", c->name,
					 stateless ? "stateless" : "stateful", r, c->want);
			assert_true(mppe_rx_drop_reason(r) < DROP_MAX);
			/* Nothing decrypted, nothing changed. */
			assert_memory_equal(buf, bad.buf, len);
			assert_memory_equal(&p.rx, &before, sizeof(before));
			test_free(buf);
			/* And the next good packet still decrypts. */
			pkt_send(&p.tx, &k, seq++);
			pkt_recv_ok(&p.rx, &k, c->name);
		}
}

static void test_minimum_and_empty(void **state)
{
	uint8_t start[MPPE_KEY_MAX_LEN], buf[8];
	struct pair p;

	(void)state;
	load_start(start);
	pair_init(&p, start, MPPE_BITS_128, true);
	/* TX refuses an empty plaintext and leaves its state alone. */
	assert_int_equal(mppe_tx_encrypt(&p.tx, buf, 0), -1);
	assert_int_equal(p.tx.ccount, 0xFFF);
	/* The smallest packet: a one-octet (PFC) protocol field. */
	buf[2] = 0x21;
	assert_int_equal(mppe_tx_encrypt(&p.tx, buf, 1), 0);
	assert_int_equal(mppe_rx_decrypt(&p.rx, buf, 3), MPPE_RX_OK);
	assert_int_equal(buf[2], 0x21);
}

static void test_specialised_entries_agree(void **state)
{
	uint8_t start[MPPE_KEY_MAX_LEN];
	static struct pkt a, b;

	(void)state;
	load_start(start);
	for (int stateless = 0; stateless < 2; stateless++) {
		struct pair p1, p2;

		pair_init(&p1, start, MPPE_BITS_128, stateless);
		pair_init(&p2, start, MPPE_BITS_128, stateless);
		for (uint32_t i = 0; i < 600; i++) {
			pkt_make(&a, i);
			pkt_make(&b, i);
			mppe_tx_encrypt(&p1.tx, a.buf, a.len);
			if (stateless)
				mppe_tx_encrypt_stateless(&p2.tx, b.buf, b.len);
			else
				mppe_tx_encrypt_stateful(&p2.tx, b.buf, b.len);
			assert_memory_equal(a.buf, b.buf, a.len + MPPE_HDR_LEN);
			assert_int_equal(mppe_rx_decrypt(&p1.rx, a.buf, (uint16_t)(a.len + 2)), MPPE_RX_OK);
			assert_int_equal(stateless ?
					 mppe_rx_decrypt_stateless(&p2.rx, b.buf, (uint16_t)(b.len + 2)) :
					 mppe_rx_decrypt_stateful(&p2.rx, b.buf, (uint16_t)(b.len + 2)),
					 MPPE_RX_OK);
			assert_memory_equal(a.buf, b.buf, a.len + MPPE_HDR_LEN);
		}
	}
}

static void test_drop_reasons(void **state)
{
	static const struct { enum mppe_rx_result r; enum drop_reason d; } map[] = {
		{ MPPE_RX_OK, DROP_MAX },
		{ MPPE_RX_E_SHORT, DROP_MPPE_SHORT },
		{ MPPE_RX_E_COMPRESSED, DROP_MPPE_COMPRESSED },
		{ MPPE_RX_E_NOT_ENCRYPTED, DROP_MPPE_NOT_ENCRYPTED },
		{ MPPE_RX_E_DUPLICATE, DROP_MPPE_DUPLICATE },
		{ MPPE_RX_E_REORDERED, DROP_MPPE_REORDERED },
		{ MPPE_RX_E_LOST_SYNC, DROP_MPPE_LOST_SYNC },
		{ MPPE_RX_E_RESYNC_WAIT, DROP_MPPE_RESYNC_WAIT },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(map); i++)
		assert_int_equal(mppe_rx_drop_reason(map[i].r), map[i].d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kat_rfc3079_first_stateful_packet),
		cmocka_unit_test(test_kat_first_packet_vs_openssl),
		cmocka_unit_test(test_tx_matches_reference_schedule),
		cmocka_unit_test(test_roundtrip_both_ways_past_wrap),
		cmocka_unit_test(test_loss_stateless_recovers),
		cmocka_unit_test(test_loss_stateful_resyncs),
		cmocka_unit_test(test_reorder_late_packet_dropped_without_desync),
		cmocka_unit_test(test_reorder_far_late),
		cmocka_unit_test(test_gre_window_shields_mppe),
		cmocka_unit_test(test_duplicate),
		cmocka_unit_test(test_reorder_limit_edge),
		cmocka_unit_test(test_reset_request_sets_a_once),
		cmocka_unit_test(test_reset_request_on_flag_packet),
		cmocka_unit_test(test_first_packet_any_count),
		cmocka_unit_test(test_stateful_flag_packet_without_a),
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_minimum_and_empty),
		cmocka_unit_test(test_specialised_entries_agree),
		cmocka_unit_test(test_drop_reasons),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
