/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MPPE keys: the initial keys of each direction derived from MS-CHAPv1 or
 * MS-CHAPv2 credentials (RFC 3079), and the key change that follows them
 * (RFC 3078 7.3). The dataplane keeps one struct mppe_key per direction and
 * calls mppe_rekey() on its own schedule (every packet when stateless, on
 * flag packets when stateful); mppe_rekey() does not allocate and cannot fail.
 *
 * Directions are named from OUR side: "send" encrypts what we transmit,
 * "recv" decrypts what we receive, for either role.
 */
#ifndef PPTPGW_MPPE_KEYS_H
#define PPTPGW_MPPE_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MPPE_KEY_MAX_LEN      16 /* octets of a 128-bit key */
#define MPPE_KEY_LEN_64       8  /* octets carrying a 40- or 56-bit key */
#define MPPE_KEY_LEN_128      16
#define MPPE_MASTER_KEY_LEN   16 /* RFC 3079 3.4 GetMasterKey */
#define MPPE_HASH_LEN         16 /* NT PasswordHashHash, LM PasswordHash */
#define MPPE_CHALLENGE_LEN    8  /* MS-CHAPv1 authenticator challenge */
#define MPPE_NT_RESPONSE_LEN  24 /* MS-CHAPv2 NT-Response */

/* Effective key strength, as negotiated in CCP (RFC 3078 2). */
enum mppe_bits {
	MPPE_BITS_40 = 40,
	MPPE_BITS_56 = 56,
	MPPE_BITS_128 = 128,
};

/* Which end of the PPP link we are: picks the MS-CHAPv2 key per direction. */
enum mppe_role {
	MPPE_ROLE_SERVER, /* the authenticator */
	MPPE_ROLE_CLIENT, /* the peer */
};

/* One direction's key state. */
struct mppe_key {
	uint8_t start[MPPE_KEY_MAX_LEN];   /* RFC 3079 start (master) key */
	uint8_t session[MPPE_KEY_MAX_LEN]; /* current session key, reduced */
	uint8_t len;                       /* key octets: 8 or 16 */
	enum mppe_bits bits;               /* 40, 56 or 128 */
};

/* Key octets for a strength: 8 for 40/56-bit, 16 for 128-bit, 0 if invalid. */
size_t mppe_key_len(enum mppe_bits bits);

/*
 * Initialise one direction from its start key (the first mppe_key_len(bits)
 * octets of start_key are used; start_len must be at least that): the
 * initial session key is GetNewKeyFromSHA(start, start) reduced to `bits`
 * (RFC 3079 2.x and 3.x "initial session keys"). This is also the entry for
 * keys received over RADIUS (MS-MPPE-Send-Key / MS-MPPE-Recv-Key).
 * Returns 0, or -1 on a bad strength or a short start key.
 */
int mppe_key_init(struct mppe_key *k, const uint8_t *start_key,
		  size_t start_len, enum mppe_bits bits);

/*
 * MS-CHAPv1 (RFC 3079 2.3, 2.4): start key = GetStartKey(Challenge,
 * NtPasswordHashHash), truncated to 8 octets for 40/56-bit, and the same key
 * in both directions. This is what pppd and accel-ppp do for every strength;
 * RFC 3079 2.1/2.2 derive 40/56-bit keys from the LM hash instead, see
 * mppe_keys_from_mschapv1_lm(). challenge is the authenticator's 8 octets.
 */
int mppe_keys_from_mschapv1(const uint8_t password_hash_hash[MPPE_HASH_LEN],
			    const uint8_t challenge[MPPE_CHALLENGE_LEN],
			    enum mppe_bits bits, struct mppe_key *send,
			    struct mppe_key *recv);

/*
 * MS-CHAPv1 40/56-bit keys from the LAN Manager hash (RFC 3079 2.1, 2.2):
 * start key = first 8 octets of LmPasswordHash, both directions. 128-bit is
 * refused (-1): RFC 3079 2.3 uses the NT hash for it.
 */
int mppe_keys_from_mschapv1_lm(const uint8_t lm_password_hash[MPPE_HASH_LEN],
			       enum mppe_bits bits, struct mppe_key *send,
			       struct mppe_key *recv);

/*
 * MS-CHAPv2 (RFC 3079 3.3, 3.4): MasterKey = GetMasterKey(PasswordHashHash,
 * NT-Response); each direction's start key = GetAsymmetricStartKey(MasterKey,
 * IsSend, IsServer) with IsServer taken from role. The server's send key is
 * the client's receive key and the other way round.
 */
int mppe_keys_from_mschapv2(const uint8_t password_hash_hash[MPPE_HASH_LEN],
			    const uint8_t nt_response[MPPE_NT_RESPONSE_LEN],
			    enum mppe_bits bits, enum mppe_role role,
			    struct mppe_key *send, struct mppe_key *recv);

/*
 * RFC 3078 7.3 key change: interim = GetNewKeyFromSHA(start, session);
 * session = RC4(interim, interim); then the 40/56-bit reduction.
 * Allocation-free; for the fast path.
 */
void mppe_rekey(struct mppe_key *k);

/* --- RFC 3079 building blocks (exposed for tests) --- */

/* RFC 3079 2.4: first 16 octets of SHA1(PHH || PHH || Challenge). */
int mppe_GetStartKey(const uint8_t challenge[MPPE_CHALLENGE_LEN],
		     const uint8_t password_hash_hash[MPPE_HASH_LEN],
		     uint8_t initial_session_key[MPPE_KEY_MAX_LEN]);

/* RFC 3079 3.4: first 16 octets of SHA1(PHH || NT-Response || Magic1). */
int mppe_GetMasterKey(const uint8_t password_hash_hash[MPPE_HASH_LEN],
		      const uint8_t nt_response[MPPE_NT_RESPONSE_LEN],
		      uint8_t master_key[MPPE_MASTER_KEY_LEN]);

/*
 * RFC 3079 3.4: first len octets (8 or 16) of SHA1(MasterKey || SHSpad1 ||
 * Magic2/3 || SHSpad2); Magic2 for the client's send and the server's
 * receive key, Magic3 for the other two.
 */
int mppe_GetAsymmetricStartKey(const uint8_t master_key[MPPE_MASTER_KEY_LEN],
			       uint8_t *session_key, size_t len, bool is_send,
			       bool is_server);

/*
 * RFC 3079 2.4 / 3.4 (RFC 3078 7.3): first len octets (8 or 16) of
 * SHA1(StartKey || SHSpad1 || SessionKey || SHSpad2). interim may alias
 * session_key.
 */
void mppe_GetNewKeyFromSHA(const uint8_t *start_key, const uint8_t *session_key,
			   size_t len, uint8_t *interim_key);

/*
 * RFC 3079 2.1, 2.2, 3.1, 3.2: 40-bit keys start D1 26 9E, 56-bit keys D1;
 * 128-bit keys are unchanged.
 */
void mppe_key_reduce(uint8_t *key, enum mppe_bits bits);

#endif /* PPTPGW_MPPE_KEYS_H */
