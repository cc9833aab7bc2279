/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PPTP control message codec (RFC 2637 section 2).
 *
 * Wire bytes are never read through a cast: pptp_msg_parse() checks every
 * length first and fills a separate host-order struct; pptp_msg_build() writes
 * the wire bytes from one. Nothing here allocates, logs or keeps state, so the
 * codec is shared by the server and client roles, the tests and the fuzzer.
 */
#ifndef PPTPGW_PPTP_MSG_H
#define PPTPGW_PPTP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* RFC 2637 2: the 12-octet header every control message starts with. */
#define PPTP_MSG_HDR_LEN        12
/*
 * Largest length field we frame. The longest RFC message (ICRQ) is 220 octets;
 * anything between that and this limit is framed and dropped as one bad
 * message, anything beyond cannot be a PPTP peer and closes the connection.
 */
#define PPTP_MSG_MAX_LEN        1024

#define PPTP_MSG_TYPE_CONTROL   1           /* PPTP Message Type: control */
#define PPTP_MSG_TYPE_MGMT      2           /* management: defined, never used */
#define PPTP_MAGIC_COOKIE       0x1A2B3C4Du
#define PPTP_PROTOCOL_VERSION   0x0100u     /* 1.0, RFC 2637 2.1 */
#define PPTP_TCP_PORT           1723

#define PPTP_STRING_LEN         64          /* host name, vendor, phone numbers, subaddress */
#define PPTP_CALL_STATS_LEN     128         /* CDN Call Statistics */

/* RFC 2637 2: Control Message Type. */
enum pptp_ctrl_type {
	PPTP_SCCRQ    = 1,   /* Start-Control-Connection-Request */
	PPTP_SCCRP    = 2,   /* Start-Control-Connection-Reply */
	PPTP_StopCCRQ = 3,   /* Stop-Control-Connection-Request */
	PPTP_StopCCRP = 4,   /* Stop-Control-Connection-Reply */
	PPTP_ECHORQ   = 5,   /* Echo-Request */
	PPTP_ECHORP   = 6,   /* Echo-Reply */
	PPTP_OCRQ     = 7,   /* Outgoing-Call-Request */
	PPTP_OCRP     = 8,   /* Outgoing-Call-Reply */
	PPTP_ICRQ     = 9,   /* Incoming-Call-Request */
	PPTP_ICRP     = 10,  /* Incoming-Call-Reply */
	PPTP_ICCN     = 11,  /* Incoming-Call-Connected */
	PPTP_CCRQ     = 12,  /* Call-Clear-Request */
	PPTP_CDN      = 13,  /* Call-Disconnect-Notify */
	PPTP_WEN      = 14,  /* WAN-Error-Notify */
	PPTP_SLI      = 15,  /* Set-Link-Info */
};
#define PPTP_CTRL_TYPE_MAX 15

/* Exact total lengths, header included (RFC 2637 2.1 - 2.15). */
#define PPTP_SCCRQ_LEN    156
#define PPTP_SCCRP_LEN    156
#define PPTP_StopCCRQ_LEN 16
#define PPTP_StopCCRP_LEN 16
#define PPTP_ECHORQ_LEN   16
#define PPTP_ECHORP_LEN   20
#define PPTP_OCRQ_LEN     168
#define PPTP_OCRP_LEN     32
#define PPTP_ICRQ_LEN     220
#define PPTP_ICRP_LEN     24
#define PPTP_ICCN_LEN     28
#define PPTP_CCRQ_LEN     16
#define PPTP_CDN_LEN      148
#define PPTP_WEN_LEN      40
#define PPTP_SLI_LEN      24

/* RFC 2637 2.1: Framing / Bearer Capabilities (bit sets). */
#define PPTP_FRAMING_CAP_ASYNC  0x1u
#define PPTP_FRAMING_CAP_SYNC   0x2u
#define PPTP_BEARER_CAP_ANALOG  0x1u
#define PPTP_BEARER_CAP_DIGITAL 0x2u

/* RFC 2637 2.7, 2.9, 2.11: Bearer Type and Framing Type of one call. */
#define PPTP_BEARER_TYPE_ANALOG  1
#define PPTP_BEARER_TYPE_DIGITAL 2
#define PPTP_BEARER_TYPE_ANY     3
#define PPTP_FRAMING_TYPE_ASYNC  1
#define PPTP_FRAMING_TYPE_SYNC   2
#define PPTP_FRAMING_TYPE_ANY    3

/* RFC 2637 2.2: SCCRP Result Code. */
#define PPTP_SCCRP_OK               1  /* Successful channel establishment */
#define PPTP_SCCRP_GENERAL_ERROR    2  /* General error -- Error Code indicates the problem */
#define PPTP_SCCRP_CHANNEL_EXISTS   3  /* Command channel already exists */
#define PPTP_SCCRP_NOT_AUTHORIZED   4  /* Requester is not authorized to establish a command channel */
#define PPTP_SCCRP_BAD_VERSION      5  /* The protocol version of the requester is not supported */

/* RFC 2637 2.3: StopCCRQ Reason. */
#define PPTP_StopCCRQ_NONE           1  /* General request to clear control connection */
#define PPTP_StopCCRQ_STOP_PROTOCOL  2  /* Can't support peer's version of the protocol */
#define PPTP_StopCCRQ_LOCAL_SHUTDOWN 3  /* Requester is being shut down */

/* RFC 2637 2.4: StopCCRP Result Code. */
#define PPTP_StopCCRP_OK            1  /* Control connection closed */
#define PPTP_StopCCRP_GENERAL_ERROR 2  /* Control connection not closed, see Error Code */

/* RFC 2637 2.6: Echo-Reply Result Code. */
#define PPTP_ECHORP_OK              1
#define PPTP_ECHORP_GENERAL_ERROR   2

/* RFC 2637 2.8: OCRP Result Code. */
#define PPTP_OCRP_CONNECTED         1
#define PPTP_OCRP_GENERAL_ERROR     2
#define PPTP_OCRP_NO_CARRIER        3
#define PPTP_OCRP_BUSY              4
#define PPTP_OCRP_NO_DIAL_TONE      5
#define PPTP_OCRP_TIMEOUT           6
#define PPTP_OCRP_DO_NOT_ACCEPT     7

/* RFC 2637 2.10: ICRP Result Code. */
#define PPTP_ICRP_CONNECT           1
#define PPTP_ICRP_GENERAL_ERROR     2
#define PPTP_ICRP_DO_NOT_ACCEPT     3

/* RFC 2637 2.13: CDN Result Code. */
#define PPTP_CDN_LOST_CARRIER       1
#define PPTP_CDN_GENERAL_ERROR      2
#define PPTP_CDN_ADMIN_SHUTDOWN     3
#define PPTP_CDN_REQUEST            4  /* disconnected because of a CCRQ */

/* RFC 2637 2.16: General Error Codes (the Error Code of any reply). */
#define PPTP_ERR_NONE           0
#define PPTP_ERR_NOT_CONNECTED  1  /* No control connection exists yet for this PAC-PNS pair */
#define PPTP_ERR_BAD_FORMAT     2  /* Length is wrong or Magic Cookie value is incorrect */
#define PPTP_ERR_BAD_VALUE      3  /* A field value was out of range or a reserved field was non-zero */
#define PPTP_ERR_NO_RESOURCE    4  /* Insufficient resources to handle this command now */
#define PPTP_ERR_BAD_CALL_ID    5  /* The Call ID is invalid in this context */
#define PPTP_ERR_PAC_ERROR      6  /* A generic vendor-specific error occurred in the PAC */

/*
 * Host-order messages. Strings are the wire's fixed fields copied up to the
 * first NUL and always NUL-terminated here; the builder pads them with zeros.
 * Reserved fields are not kept: the builder writes zeros.
 */
struct pptp_sccrq {
	uint16_t protocol_version;
	uint32_t framing_caps;
	uint32_t bearer_caps;
	uint16_t max_channels;
	uint16_t firmware_revision;
	char host_name[PPTP_STRING_LEN + 1];
	char vendor[PPTP_STRING_LEN + 1];
};

struct pptp_sccrp {
	uint16_t protocol_version;
	uint8_t result;
	uint8_t error;
	uint32_t framing_caps;
	uint32_t bearer_caps;
	uint16_t max_channels;
	uint16_t firmware_revision;
	char host_name[PPTP_STRING_LEN + 1];
	char vendor[PPTP_STRING_LEN + 1];
};

struct pptp_stopccrq {
	uint8_t reason;
};

struct pptp_stopccrp {
	uint8_t result;
	uint8_t error;
};

struct pptp_echorq {
	uint32_t id;
};

struct pptp_echorp {
	uint32_t id;
	uint8_t result;
	uint8_t error;
};

struct pptp_ocrq {
	uint16_t call_id;
	uint16_t call_serial;
	uint32_t min_bps;
	uint32_t max_bps;
	uint32_t bearer_type;
	uint32_t framing_type;
	uint16_t recv_window;
	uint16_t processing_delay;
	uint16_t phone_number_len;
	char phone_number[PPTP_STRING_LEN + 1];
	char subaddress[PPTP_STRING_LEN + 1];
};

struct pptp_ocrp {
	uint16_t call_id;
	uint16_t peer_call_id;
	uint8_t result;
	uint8_t error;
	uint16_t cause;
	uint32_t connect_speed;
	uint16_t recv_window;
	uint16_t processing_delay;
	uint32_t physical_channel_id;
};

struct pptp_icrq {
	uint16_t call_id;
	uint16_t call_serial;
	uint32_t bearer_type;
	uint32_t physical_channel_id;
	uint16_t dialed_number_len;
	uint16_t dialing_number_len;
	char dialed_number[PPTP_STRING_LEN + 1];
	char dialing_number[PPTP_STRING_LEN + 1];
	char subaddress[PPTP_STRING_LEN + 1];
};

struct pptp_icrp {
	uint16_t call_id;
	uint16_t peer_call_id;
	uint8_t result;
	uint8_t error;
	uint16_t recv_window;
	uint16_t transmit_delay;
};

struct pptp_iccn {
	uint16_t peer_call_id;
	uint32_t connect_speed;
	uint16_t recv_window;
	uint16_t transmit_delay;
	uint32_t framing_type;
};

struct pptp_ccrq {
	uint16_t call_id;
};

struct pptp_cdn {
	uint16_t call_id;
	uint8_t result;
	uint8_t error;
	uint16_t cause;
	char call_stats[PPTP_CALL_STATS_LEN + 1];
};

struct pptp_wen {
	uint16_t peer_call_id;
	uint32_t crc_errors;
	uint32_t framing_errors;
	uint32_t hardware_overruns;
	uint32_t buffer_overruns;
	uint32_t timeout_errors;
	uint32_t alignment_errors;
};

struct pptp_sli {
	uint16_t peer_call_id;
	uint32_t send_accm;
	uint32_t recv_accm;
};

struct pptp_msg {
	uint16_t type;                 /* enum pptp_ctrl_type */
	/*
	 * Set by the parser when a reserved field after the header (Reserved1,
	 * Reserved2) was not zero. Reserved0 in the header is checked strictly;
	 * the others are only reported, so a peer that leaves junk there still
	 * connects (robustness over RFC 2.16 Bad-Value, which no peer acts on).
	 */
	bool reserved_nonzero;
	union {
		struct pptp_sccrq sccrq;
		struct pptp_sccrp sccrp;
		struct pptp_stopccrq stopccrq;
		struct pptp_stopccrp stopccrp;
		struct pptp_echorq echorq;
		struct pptp_echorp echorp;
		struct pptp_ocrq ocrq;
		struct pptp_ocrp ocrp;
		struct pptp_icrq icrq;
		struct pptp_icrp icrp;
		struct pptp_iccn iccn;
		struct pptp_ccrq ccrq;
		struct pptp_cdn cdn;
		struct pptp_wen wen;
		struct pptp_sli sli;
	} u;
};

/* pptp_msg_parse() results. */
enum pptp_msg_status {
	PPTP_MSG_OK = 0,
	/*
	 * The header cannot be trusted (length field out of range or disagreeing
	 * with the buffer, not a control message, bad magic cookie): on a TCP
	 * stream the framing is lost, so the connection should be closed.
	 */
	PPTP_MSG_ERR_HEADER = -1,
	/*
	 * The header is sound but the message is not (unknown control type,
	 * wrong length for its type, Reserved0 set): drop it, the stream is
	 * still in step.
	 */
	PPTP_MSG_ERR_BODY = -2,
};

/*
 * Parse exactly one control message: buf holds len bytes, which must equal
 * the message's length field. Returns PPTP_MSG_OK and fills *out, or a
 * negative enum pptp_msg_status with *why (if why is not NULL) set to a
 * static string naming the problem. *out is zeroed first in every case.
 */
int pptp_msg_parse(const uint8_t *buf, size_t len, struct pptp_msg *out, const char **why);

/*
 * Write m as wire bytes into buf. Returns the number of bytes written (the
 * RFC length of m->type), or 0 if the type is unknown or cap is too small.
 * Strings longer than their field are cut at the field size.
 */
size_t pptp_msg_build(const struct pptp_msg *m, uint8_t *buf, size_t cap);

/* RFC length of a control message type, 0 for an unknown type. */
size_t pptp_msg_len(uint16_t type);

/* "SCCRQ", "OCRP", ...; "unknown" for anything else. */
const char *pptp_msg_name(uint16_t type);

#endif /* PPTPGW_PPTP_MSG_H */
