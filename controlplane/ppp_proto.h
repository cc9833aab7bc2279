/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PPP wire constants: protocol numbers, control-protocol codes, option types
 * and option bits, by their RFC names. Nothing here depends on the transport.
 */
#ifndef PPTPGW_PPP_PROTO_H
#define PPTPGW_PPP_PROTO_H

/* RFC 1662 3.1: HDLC-like framing, Address and Control fields. */
#define PPP_ADDRESS             0xff
#define PPP_CONTROL             0x03
#define PPP_ADDR_CTRL_LEN       2
#define PPP_PROTO_LEN           2
#define PPP_PROTO_COMPRESSED_LEN 1
/* Largest frame header: address, control, 2-byte protocol. */
#define PPP_FRAME_HDR_MAX       (PPP_ADDR_CTRL_LEN + PPP_PROTO_LEN)

/* RFC 1661 2: protocol field values (assigned numbers, RFC 1700 / IANA). */
#define PPP_PROTO_IP            0x0021
#define PPP_PROTO_MP            0x003d  /* RFC 1990 multilink fragment */
#define PPP_PROTO_IPV6          0x0057
#define PPP_PROTO_COMP          0x00fd  /* RFC 1962 compressed datagram (MPPE) */
#define PPP_PROTO_IPCP          0x8021
#define PPP_PROTO_IPV6CP        0x8057
#define PPP_PROTO_CCP           0x80fd
#define PPP_PROTO_LCP           0xc021
#define PPP_PROTO_PAP           0xc023
#define PPP_PROTO_LQR           0xc025
#define PPP_PROTO_CBCP          0xc029  /* Microsoft callback control */
#define PPP_PROTO_CHAP          0xc223
/* RFC 1661 2: protocol values below this are network-layer datagrams. */
#define PPP_PROTO_NCP_BASE      0x8000
/* RFC 1661 2 (PFC): a value fits one octet when its high octet is zero. */
#define PPP_PROTO_PFC_MAX       0x00ff

/* RFC 1661 5: control packet header (Code, Identifier, Length). */
#define PPP_CP_HDR_LEN          4
#define PPP_OPT_HDR_LEN         2

/* RFC 1661 5: codes shared by LCP, IPCP (RFC 1332) and CCP (RFC 1962). */
#define PPP_CODE_CONF_REQ       1
#define PPP_CODE_CONF_ACK       2
#define PPP_CODE_CONF_NAK       3
#define PPP_CODE_CONF_REJ       4
#define PPP_CODE_TERM_REQ       5
#define PPP_CODE_TERM_ACK       6
#define PPP_CODE_CODE_REJ       7
/* RFC 1661 5.7-5.9: LCP only. */
#define PPP_CODE_PROTO_REJ      8
#define PPP_CODE_ECHO_REQ       9
#define PPP_CODE_ECHO_REPLY     10
#define PPP_CODE_DISCARD_REQ    11
/* RFC 1570 2.1, 2.2: LCP only. */
#define PPP_CODE_IDENTIFICATION 12
#define PPP_CODE_TIME_REMAINING 13
/* RFC 1962 3: CCP only. */
#define PPP_CODE_RESET_REQ      14
#define PPP_CODE_RESET_ACK      15

/* RFC 1661 6: LCP configuration options. */
#define LCP_OPT_MRU             1
#define LCP_OPT_ACCM            2   /* RFC 1662 7.1 */
#define LCP_OPT_AUTH            3
#define LCP_OPT_QUALITY         4
#define LCP_OPT_MAGIC           5
#define LCP_OPT_PFC             7
#define LCP_OPT_ACFC            8
#define LCP_OPT_CALLBACK        13  /* RFC 1570 2.3; Windows asks for CBCP */
#define LCP_OPT_MRRU            17  /* RFC 1990 5.1.1 */
#define LCP_OPT_SSNHF           18  /* RFC 1990 5.1.2 short sequence numbers */
#define LCP_OPT_EPDISC          19  /* RFC 1990 5.1.3 endpoint discriminator */

#define LCP_OPT_MRU_LEN         4
#define LCP_OPT_ACCM_LEN        6
#define LCP_OPT_AUTH_PAP_LEN    4
#define LCP_OPT_AUTH_CHAP_LEN   5
#define LCP_OPT_MAGIC_LEN       6
#define LCP_OPT_FLAG_LEN        2   /* PFC, ACFC, SSNHF: no data */
#define LCP_OPT_MRRU_LEN        4
#define LCP_OPT_EPDISC_MIN_LEN  3   /* class octet, then the address */
#define LCP_OPT_EPDISC_MAX_LEN  23  /* RFC 1990 5.1.3: addresses up to 20 octets */

/* RFC 1990 3: the multilink header after protocol 0x003D. */
#define PPP_MP_FLAG_B           0x80  /* first fragment of a packet */
#define PPP_MP_FLAG_E           0x40  /* last fragment */
#define PPP_MP_LONG_HDR_LEN     4     /* flags, 24-bit sequence number */
#define PPP_MP_SHORT_HDR_LEN    2     /* flags and 12-bit number (option 18 agreed) */

/* RFC 1661 6.1: MRU. 1500 is the default; we refuse to send below 64. */
#define PPP_MRU_DEFAULT         1500
#define PPP_MRU_MIN             64
/* RFC 1661 6.4: Magic-Number 0 is illegal. */
#define LCP_MAGIC_NONE          0

/* RFC 1994 2 / RFC 2433 / RFC 2759: CHAP algorithm octet. */
#define CHAP_ALG_MD5            0x05
#define CHAP_ALG_MSCHAP         0x80
#define CHAP_ALG_MSCHAP2        0x81
#define PPP_AUTH_ALG_NONE       0x00  /* PAP carries no algorithm */

/* RFC 1332 3 and RFC 1877 1: IPCP configuration options. */
#define IPCP_OPT_ADDRESSES      1   /* deprecated IP-Addresses */
#define IPCP_OPT_COMP           2   /* IP-Compression-Protocol (VJ) */
#define IPCP_OPT_ADDRESS        3
#define IPCP_OPT_DNS1           129
#define IPCP_OPT_NBNS1          130
#define IPCP_OPT_DNS2           131
#define IPCP_OPT_NBNS2          132
#define IPCP_OPT_ADDR_LEN       6   /* address-carrying options: type, len, 4 octets */

/* RFC 1962 / RFC 3078 2: CCP options. */
#define CCP_OPT_MPPE            18
#define CCP_OPT_MPPE_LEN        6

/*
 * RFC 3078 2: MPPE "Supported Bits", a 32-bit big-endian field. In network
 * order the octets read "H . . ." then ". . . ." twice then "M S L D . . . C":
 * H is the low bit of the first octet, the rest sit in the last one.
 */
#define MPPE_BIT_H              0x01000000u  /* stateless mode */
#define MPPE_BIT_M              0x00000080u  /* 56-bit keys */
#define MPPE_BIT_S              0x00000040u  /* 128-bit keys */
#define MPPE_BIT_L              0x00000020u  /* 40-bit keys */
#define MPPE_BIT_D              0x00000010u  /* obsolete, never negotiated */
#define MPPE_BIT_C              0x00000001u  /* MPPC compression (RFC 2118), refused */
#define MPPE_KEY_BITS           (MPPE_BIT_M | MPPE_BIT_S | MPPE_BIT_L)

/* RFC 1661 4.6: counters and timer defaults. */
#define PPP_RESTART_MS_DEFAULT  3000
#define PPP_MAX_CONFIGURE       10
#define PPP_MAX_TERMINATE       2
#define PPP_MAX_FAILURE         5

/* Largest control packet we build or accept into a buffer (fits any sane MRU). */
#define PPP_CTRL_MAX            1500

#endif /* PPTPGW_PPP_PROTO_H */
