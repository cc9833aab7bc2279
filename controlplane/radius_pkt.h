/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RADIUS wire format: building and parsing packets (RFC 2865 3, 5), the
 * authenticators of each packet kind (RFC 2865 3, RFC 2866 3, RFC 5176 2.3),
 * Message-Authenticator (RFC 3579 3.2), User-Password hiding (RFC 2865 5.2)
 * and the Microsoft salt encryption of MPPE keys (RFC 2548 2.4.2).
 *
 * Pure functions over buffers: no sockets, no loop, so the unit tests and the
 * fuzz target drive them directly. Parsing never trusts a length it has not
 * checked against the buffer; attributes land in a host-order struct.
 */
#ifndef PPTPGW_RADIUS_PKT_H
#define PPTPGW_RADIUS_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RADIUS_HDR_LEN      20     /* Code, Identifier, Length, Authenticator */
#define RADIUS_AUTH_LEN     16
#define RADIUS_PKT_MAX      4096   /* RFC 2865 3: maximum Length */
#define RADIUS_ATTR_HDR     2
#define RADIUS_ATTR_VAL_MAX 253    /* 255 minus Type and Length */
#define RADIUS_VSA_HDR      6      /* Vendor-Id (4), vendor type, vendor length */
#define RADIUS_ATTRS_MAX    256    /* attributes kept from one packet; more is malformed */
#define RADIUS_MA_LEN       16     /* Message-Authenticator value: HMAC-MD5 */
#define RADIUS_PASSWORD_MAX 128    /* RFC 2865 5.2 */

enum radius_code {
	RADIUS_ACCESS_REQUEST     = 1,
	RADIUS_ACCESS_ACCEPT      = 2,
	RADIUS_ACCESS_REJECT      = 3,
	RADIUS_ACCOUNTING_REQUEST = 4,
	RADIUS_ACCOUNTING_RESPONSE = 5,
	RADIUS_ACCESS_CHALLENGE   = 11,
	RADIUS_DISCONNECT_REQUEST = 40,    /* RFC 5176 2 */
	RADIUS_DISCONNECT_ACK     = 41,
	RADIUS_DISCONNECT_NAK     = 42,
	RADIUS_COA_REQUEST        = 43,
	RADIUS_COA_ACK            = 44,
	RADIUS_COA_NAK            = 45,
};

/* Standard attribute types (RFC 2865 5, RFC 2866 5, RFC 2869, RFC 3579, RFC 5176). */
enum radius_attr_type {
	RADIUS_USER_NAME            = 1,
	RADIUS_USER_PASSWORD        = 2,
	RADIUS_CHAP_PASSWORD        = 3,
	RADIUS_NAS_IP_ADDRESS       = 4,
	RADIUS_NAS_PORT             = 5,
	RADIUS_SERVICE_TYPE         = 6,
	RADIUS_FRAMED_PROTOCOL      = 7,
	RADIUS_FRAMED_IP_ADDRESS    = 8,
	RADIUS_FRAMED_IP_NETMASK    = 9,
	RADIUS_REPLY_MESSAGE        = 18,
	RADIUS_FRAMED_ROUTE         = 22,
	RADIUS_STATE                = 24,
	RADIUS_CLASS                = 25,
	RADIUS_VENDOR_SPECIFIC      = 26,
	RADIUS_SESSION_TIMEOUT      = 27,
	RADIUS_IDLE_TIMEOUT         = 28,
	RADIUS_CALLED_STATION_ID    = 30,
	RADIUS_CALLING_STATION_ID   = 31,
	RADIUS_NAS_IDENTIFIER       = 32,
	RADIUS_PROXY_STATE          = 33,
	RADIUS_ACCT_STATUS_TYPE     = 40,
	RADIUS_ACCT_DELAY_TIME      = 41,
	RADIUS_ACCT_INPUT_OCTETS    = 42,
	RADIUS_ACCT_OUTPUT_OCTETS   = 43,
	RADIUS_ACCT_SESSION_ID      = 44,
	RADIUS_ACCT_AUTHENTIC       = 45,
	RADIUS_ACCT_SESSION_TIME    = 46,
	RADIUS_ACCT_INPUT_PACKETS   = 47,
	RADIUS_ACCT_OUTPUT_PACKETS  = 48,
	RADIUS_ACCT_TERMINATE_CAUSE = 49,
	RADIUS_ACCT_INPUT_GIGAWORDS = 52,
	RADIUS_ACCT_OUTPUT_GIGAWORDS = 53,
	RADIUS_EVENT_TIMESTAMP      = 55,
	RADIUS_CHAP_CHALLENGE       = 60,
	RADIUS_NAS_PORT_TYPE        = 61,
	RADIUS_MESSAGE_AUTHENTICATOR = 80,
	RADIUS_ACCT_INTERIM_INTERVAL = 85,
	RADIUS_NAS_PORT_ID          = 87,
	RADIUS_FRAMED_POOL          = 88,
	RADIUS_ERROR_CAUSE          = 101,
};

/* Vendor-Specific (RFC 2865 5.26) vendors we read and write. */
#define RADIUS_VENDOR_MICROSOFT 311     /* RFC 2548 */
#define RADIUS_VENDOR_MIKROTIK  14988

enum radius_ms_type {                   /* RFC 2548 2 */
	RADIUS_MS_CHAP_RESPONSE          = 1,
	RADIUS_MS_CHAP_ERROR             = 2,
	RADIUS_MS_MPPE_ENCRYPTION_POLICY = 7,
	RADIUS_MS_MPPE_ENCRYPTION_TYPES  = 8,
	RADIUS_MS_CHAP_CHALLENGE         = 11,
	RADIUS_MS_CHAP_MPPE_KEYS         = 12,
	RADIUS_MS_MPPE_SEND_KEY          = 16,
	RADIUS_MS_MPPE_RECV_KEY          = 17,
	RADIUS_MS_CHAP2_RESPONSE         = 25,
	RADIUS_MS_CHAP2_SUCCESS          = 26,
};

enum radius_mikrotik_type {             /* RouterOS dictionary.mikrotik */
	RADIUS_MIKROTIK_GROUP      = 3,
	RADIUS_MIKROTIK_RATE_LIMIT = 8,
};

/* Values. */
#define RADIUS_SERVICE_FRAMED        2  /* RFC 2865 5.6 */
#define RADIUS_FRAMED_PROTOCOL_PPP   1  /* RFC 2865 5.7 */
#define RADIUS_NAS_PORT_TYPE_VIRTUAL 5  /* RFC 2865 5.41 */
#define RADIUS_ACCT_START            1  /* RFC 2866 5.1 */
#define RADIUS_ACCT_STOP             2
#define RADIUS_ACCT_INTERIM          3
#define RADIUS_ACCT_ON               7
#define RADIUS_ACCT_OFF              8
#define RADIUS_ACCT_AUTHENTIC_RADIUS 1  /* RFC 2866 5.6 */
#define RADIUS_ACCT_AUTHENTIC_LOCAL  2

enum radius_terminate_cause {           /* RFC 2866 5.10 */
	RADIUS_TERM_USER_REQUEST    = 1,
	RADIUS_TERM_LOST_CARRIER    = 2,
	RADIUS_TERM_LOST_SERVICE    = 3,
	RADIUS_TERM_IDLE_TIMEOUT    = 4,
	RADIUS_TERM_SESSION_TIMEOUT = 5,
	RADIUS_TERM_ADMIN_RESET     = 6,
	RADIUS_TERM_ADMIN_REBOOT    = 7,
	RADIUS_TERM_PORT_ERROR      = 8,
	RADIUS_TERM_NAS_ERROR       = 9,
	RADIUS_TERM_NAS_REQUEST     = 10,
	RADIUS_TERM_NAS_REBOOT      = 11,
};

enum radius_error_cause {               /* RFC 5176 3.5 */
	RADIUS_ERR_RESIDUAL_REMOVED      = 201,
	RADIUS_ERR_UNSUPPORTED_ATTRIBUTE = 401,
	RADIUS_ERR_MISSING_ATTRIBUTE     = 402,
	RADIUS_ERR_NAS_ID_MISMATCH       = 403,
	RADIUS_ERR_INVALID_REQUEST       = 404,
	RADIUS_ERR_UNSUPPORTED_SERVICE   = 405,
	RADIUS_ERR_UNSUPPORTED_EXTENSION = 406,
	RADIUS_ERR_INVALID_ATTR_VALUE    = 407,
	RADIUS_ERR_ADMIN_PROHIBITED      = 501,
	RADIUS_ERR_SESSION_NOT_FOUND     = 503,
	RADIUS_ERR_RESOURCES_UNAVAILABLE = 506,
};

/* ---- parsing ---- */

/* Why a packet is malformed: one table gives the enum and the counter names. */
#define RADIUS_PARSE_ERR_TABLE(X) \
	X(OK,           "ok") \
	X(SHORT,        "short")          /* fewer octets than the header */ \
	X(BAD_LENGTH,   "bad_length")     /* Length < 20, > 4096 or beyond the datagram */ \
	X(ATTR_SHORT,   "attr_short")     /* attribute Length < 2 */ \
	X(ATTR_TRUNC,   "attr_truncated") /* attribute runs past the packet's Length */ \
	X(VSA_BAD,      "vsa_bad")        /* a known vendor's sub-attributes do not add up */ \
	X(TOO_MANY,     "too_many_attrs") /* more than RADIUS_ATTRS_MAX */ \
	X(MA_BAD_LEN,   "ma_bad_length")  /* Message-Authenticator not 16 octets, or twice */

enum radius_parse_err {
#define RADIUS_PARSE_ENUM(name, str) RADIUS_PARSE_##name,
	RADIUS_PARSE_ERR_TABLE(RADIUS_PARSE_ENUM)
#undef RADIUS_PARSE_ENUM
	RADIUS_PARSE_ERR_COUNT
};

const char *radius_parse_err_name(enum radius_parse_err e);

/* One attribute; vendor 0 for a standard one, else the VSA's vendor and sub-type. */
struct radius_attr {
	uint8_t type;                /* standard Type (26 for a VSA) */
	uint32_t vendor;
	uint8_t vtype;
	uint8_t len;                 /* octets at val */
	const uint8_t *val;          /* points into the parsed buffer */
};

/* A parsed packet: header fields in host order, attributes in wire order. */
struct radius_msg {
	uint8_t code;
	uint8_t id;
	uint16_t len;                /* the Length field: octets beyond are padding */
	uint8_t authenticator[RADIUS_AUTH_LEN];
	unsigned int n_attrs;
	struct radius_attr attrs[RADIUS_ATTRS_MAX];
	int ma_off;                  /* offset of the Message-Authenticator value, -1 none */
};

/*
 * Parse buf (len octets received). The attributes point into buf, which must
 * outlive msg. VSAs of Microsoft and MikroTik are split into their
 * sub-attributes; other vendors' are kept whole (vtype 0).
 */
enum radius_parse_err radius_parse(const uint8_t *buf, size_t len, struct radius_msg *msg);

/* The first attribute of that type (vendor 0: standard), or NULL. */
const struct radius_attr *radius_find(const struct radius_msg *msg, uint32_t vendor, uint8_t type);
/* Integer attributes (RFC 2865 5: 32-bit big endian). 0, or -1 when absent or not 4 octets. */
int radius_get_u32(const struct radius_msg *msg, uint32_t vendor, uint8_t type, uint32_t *out);
/* A text attribute as a NUL-terminated string (truncated to cap - 1). 0, or -1 when absent. */
int radius_get_str(const struct radius_msg *msg, uint32_t vendor, uint8_t type, char *out,
		   size_t cap);

/* ---- building ---- */

struct radius_builder {
	uint8_t buf[RADIUS_PKT_MAX];
	size_t len;
	bool overflow;               /* something did not fit: the packet is unusable */
	int ma_off;                  /* offset of the Message-Authenticator value, -1 none */
};

/* Header with Length filled in by the finishing call; auth may be NULL (zeros). */
void radius_build_init(struct radius_builder *b, uint8_t code, uint8_t id,
		       const uint8_t auth[RADIUS_AUTH_LEN]);
void radius_add(struct radius_builder *b, uint8_t type, const void *val, size_t len);
void radius_add_u32(struct radius_builder *b, uint8_t type, uint32_t v);
void radius_add_str(struct radius_builder *b, uint8_t type, const char *s);
void radius_add_vsa(struct radius_builder *b, uint32_t vendor, uint8_t vtype, const void *val,
		    size_t len);
/* A zeroed Message-Authenticator, filled in by the finishing call (RFC 3579 3.2). */
void radius_add_msg_auth(struct radius_builder *b);

/*
 * Finish a request: Length, then Message-Authenticator if added, then the
 * Request Authenticator. Access-Request keeps the random authenticator given
 * to radius_build_init (RFC 2865 3); Accounting, Disconnect and CoA requests
 * get MD5(Code+Id+Length+16 zero octets+Attributes+Secret) (RFC 2866 3,
 * RFC 5176 2.3). Returns the packet length, or 0 on overflow.
 */
size_t radius_finish_request(struct radius_builder *b, const char *secret);
/*
 * Finish a response to a request with request_auth: Length,
 * Message-Authenticator (computed over the Request Authenticator, RFC 3579
 * 3.2), then the Response Authenticator MD5(Code+Id+Length+RequestAuth+
 * Attributes+Secret) (RFC 2865 3). Returns the packet length, or 0 on overflow.
 */
size_t radius_finish_response(struct radius_builder *b, const uint8_t request_auth[RADIUS_AUTH_LEN],
			      const char *secret);

/* ---- checking ---- */

enum radius_verify {
	RADIUS_VERIFY_OK,
	RADIUS_VERIFY_BAD_AUTHENTICATOR,   /* Response/Request Authenticator wrong */
	RADIUS_VERIFY_NO_MSG_AUTH,         /* Message-Authenticator required but absent */
	RADIUS_VERIFY_BAD_MSG_AUTH,        /* Message-Authenticator wrong */
};

const char *radius_verify_name(enum radius_verify v);

/*
 * A response (buf as received, msg its parse) to our request with
 * request_auth. require_ma: a response without Message-Authenticator fails
 * (BlastRADIUS, RFC 3579 3.2 made mandatory).
 */
enum radius_verify radius_verify_response(const uint8_t *buf, const struct radius_msg *msg,
					  const uint8_t request_auth[RADIUS_AUTH_LEN],
					  const char *secret, bool require_ma);
/*
 * A request whose authenticator is the MD5 of its contents (Accounting,
 * Disconnect, CoA: RFC 2866 3, RFC 5176 2.3); a Message-Authenticator, if
 * present, is checked with the authenticator field zeroed (RFC 5176 3.3).
 */
enum radius_verify radius_verify_request(const uint8_t *buf, const struct radius_msg *msg,
					 const char *secret);

/* ---- hidden values ---- */

/*
 * RFC 2865 5.2 User-Password: pw padded with zeros to a multiple of 16
 * (at most 128), each block XORed with MD5(secret + previous block), the
 * first previous block being the Request Authenticator. 0 on error.
 */
size_t radius_hide_password(const uint8_t *pw, size_t pw_len, const char *secret,
			    const uint8_t request_auth[RADIUS_AUTH_LEN], uint8_t *out,
			    size_t out_cap);
/* The reverse (also MS-CHAP-MPPE-Keys, RFC 2548 2.4.1). out gets in_len octets. -1 on error. */
int radius_unhide_password(const uint8_t *in, size_t in_len, const char *secret,
			   const uint8_t request_auth[RADIUS_AUTH_LEN], uint8_t *out);

/*
 * RFC 2548 2.4.2 salt encryption (MS-MPPE-Send-Key/Recv-Key): Salt (2
 * octets, high bit set) then String = key length (1 octet) + key + zero
 * padding to 16, blocks chained from MD5(secret + request_auth + salt).
 */
size_t radius_salt_encrypt(const uint8_t *key, size_t key_len, const uint8_t salt[2],
			   const char *secret, const uint8_t request_auth[RADIUS_AUTH_LEN],
			   uint8_t *out, size_t out_cap);
/* The reverse: the key into key (cap octets), its length returned; -1 if malformed. */
int radius_salt_decrypt(const uint8_t *in, size_t in_len, const char *secret,
			const uint8_t request_auth[RADIUS_AUTH_LEN], uint8_t *key, size_t cap);

/* HMAC-MD5 (RFC 2104), the Message-Authenticator's function. 0 or -1. */
int radius_hmac_md5(const uint8_t *key, size_t key_len, const uint8_t *data, size_t len,
		    uint8_t out[RADIUS_MA_LEN]);

#endif /* PPTPGW_RADIUS_PKT_H */
