/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Messages between the control plane and the workers, carried on rte_ring
 * (one ring control plane -> each worker, one ring all workers -> control
 * plane). A message is a fixed-size object from one mempool; the receiver
 * returns it with dp_msg_free(). PPP control frames travel as an mbuf
 * pointer inside the message.
 *
 * The dataplane never negotiates (STYLE.md): a session is installed with one
 * message that holds everything the fast path needs, and removed with another.
 */
#ifndef PPTPGW_DP_MSG_H
#define PPTPGW_DP_MSG_H

#include <stdint.h>

struct rte_mbuf;

enum dp_msg_type {
	DP_MSG_SESSION_INSTALL = 1, /* cp -> worker: a new call: GRE can flow (LCP, auth), no data yet */
	DP_MSG_SESSION_KEYS,        /* cp -> worker: network up (IPCP/CCP done): address, MTU, MPPE keys; data flows */
	DP_MSG_SESSION_REMOVE,      /* cp -> worker: retire a session */
	DP_MSG_PPP_CTRL_OUT,        /* cp -> worker: a PPP control frame to send on a session */
	DP_MSG_PPP_CTRL_IN,         /* worker -> cp: a PPP control frame received on a session */
	DP_MSG_EVENT,               /* worker -> cp: something happened (see enum dp_event) */
	DP_MSG_SESSION_RATE,        /* cp -> worker: a running session's rate limit changes (RADIUS CoA) */
};

enum dp_event {
	DP_EVENT_SESSION_INSTALLED = 1,
	DP_EVENT_SESSION_REMOVED,
	DP_EVENT_MPPE_RESET_NEEDED,   /* stateful MPPE lost sync: cp sends CCP Reset-Request */
	DP_EVENT_PEER_ACTIVITY,       /* data seen from a quiet session (keepalive bookkeeping) */
	/*
	 * The kernel asked (ARP, through a TAP) for a dial-on-demand placeholder
	 * gateway (dod.h): traffic waits for that pptp-client. No session:
	 * session_id is DP_EVENT_NO_SESSION, arg the placeholder (host order).
	 */
	DP_EVENT_DOD_TRAFFIC,
};
#define DP_EVENT_NO_SESSION UINT32_MAX

#define DP_MPPE_KEY_LEN 16

/*
 * Per-session rate limit (RouterOS rate-limit "rx/tx", router's view), in
 * bit/s of tunnelled IPv4 bytes; 0 is unlimited in that direction. The
 * burst is the bucket depth in bytes (the control plane picks it).
 */
struct dp_session_rate {
	uint64_t rx_bps;           /* client -> us (upstream) */
	uint64_t tx_bps;           /* us -> client (downstream) */
	uint32_t rx_burst;
	uint32_t tx_burst;
};

struct dp_session_params {
	uint32_t peer_ip;          /* outer IPv4 of the peer, host order */
	uint32_t local_ip;         /* our outer IPv4, host order */
	uint16_t our_call_id;      /* GRE key we receive on */
	uint16_t peer_call_id;     /* GRE key we send with */
	uint16_t port;             /* config port index the peer is reached through */
	uint16_t mtu;              /* tunnel MTU (already reduced by 4 with MPPE) */
	uint16_t mru;
	uint16_t peer_window;      /* PPTP receive window of the peer */
	uint32_t client_ip;        /* the address inside the tunnel, host order */
	uint8_t flags;             /* DP_SESSION_F_* */
	uint8_t mppe_bits;         /* 0 (none), 40, 56, 128 */
	uint8_t send_key[DP_MPPE_KEY_LEN];
	uint8_t recv_key[DP_MPPE_KEY_LEN];
};

#define DP_SESSION_F_MPPE_STATELESS (1u << 0)
#define DP_SESSION_F_PFC            (1u << 1) /* peer accepts protocol-field compression */
#define DP_SESSION_F_ACFC           (1u << 2) /* peer accepts address/control compression */
#define DP_SESSION_F_CLIENT_ROLE    (1u << 3) /* we dialled out (pptp-client) */
/* RFC 1990 multilink agreed both ways (MRRU in both LCP directions): data goes in MP fragments. */
#define DP_SESSION_F_MP             (1u << 4)
#define DP_SESSION_F_MP_SSN_TX      (1u << 5) /* the peer asked for short (12-bit) sequence numbers */
#define DP_SESSION_F_MP_SSN_RX      (1u << 6) /* we asked for them: the peer sends 12-bit numbers */

/*
 * SESSION_KEYS: sent when IPCP (and CCP, when encryption was negotiated) are
 * up; sent again to change keys or mode (the address must stay the same).
 * Keys are MPPE start keys named from our side, before reduction: the
 * dataplane reduces them to mppe_bits (crypto/mppe_keys.h).
 */
struct dp_session_keys {
	uint32_t client_ip;     /* address inside the tunnel, host order */
	uint16_t mtu;           /* what we may send (peer's MRU, minus 4 with MPPE) */
	uint16_t mru;
	uint8_t mppe_bits;      /* 0 (none), 40, 56, 128 */
	uint8_t flags;          /* DP_SESSION_F_* */
	uint8_t send_key[DP_MPPE_KEY_LEN];
	uint8_t recv_key[DP_MPPE_KEY_LEN];
	struct dp_session_rate rate;  /* the limit from network up; DP_MSG_SESSION_RATE changes it */
	/*
	 * RFC 1990 multilink, with DP_SESSION_F_MP (else 0). mtu above is then
	 * the IPv4 bound the peer's MRRU sets; frames on the link stay within
	 * mp_link_mtu.
	 */
	uint16_t mp_mrru_tx;    /* the peer's MRRU: largest reassembled packet we may send */
	uint16_t mp_mrru_rx;    /* ours: largest packet we reassemble */
	uint16_t mp_link_mtu;   /* min(max-mtu, peer's MRU): information field of one fragment's frame */
};

/*
 * Largest MRRU the workers reassemble: one mbuf holds a reassembled packet
 * behind the standard headroom (port.c's pool: 2048 octets of data room at
 * least, less the protocol field and a margin). The control plane offers
 * no more than this whatever `mrru` says.
 */
#define DP_MP_MRRU_MAX 2000u

struct dp_msg {
	enum dp_msg_type type;
	uint32_t session_id;       /* control plane's handle, stable for the session's life */
	uint32_t gen;              /* filled by dp_session.c: which life of the slot this is */
	union {
		struct dp_session_params install;           /* SESSION_INSTALL */
		struct dp_session_keys keys;                /* SESSION_KEYS */
		struct dp_session_rate rate;                /* SESSION_RATE */
		/*
		 * PPP_CTRL_OUT: a whole PPP frame (address/control as the control
		 * plane chose, protocol, payload); the worker adds GRE, IPv4 and
		 * Ethernet. PPP_CTRL_IN: the PPP frame as received after GRE (and
		 * MPPE, when the peer encrypted a control protocol).
		 */
		struct rte_mbuf *frame;
		struct {                                    /* EVENT */
			enum dp_event kind;
			uint64_t arg;
		} event;
	} u;
};

/*
 * Allocate a zeroed message (control plane or worker). NULL when the pool is
 * empty: the caller counts the drop.
 */
struct dp_msg *dp_msg_alloc(void);
void dp_msg_free(struct dp_msg *m);

/* cp -> worker. Returns 0, or -1 if the ring is full (message not taken). */
int dp_msg_to_worker(unsigned int worker, struct dp_msg *m);
/* worker -> cp. Returns 0, or -1 if the ring is full (message not taken). */
int dp_msg_to_cp(struct dp_msg *m);
/* cp side: take up to max messages from the workers. */
unsigned int dp_msg_from_workers(struct dp_msg **msgs, unsigned int max);
/* worker side: take up to max messages for this worker. */
unsigned int dp_msg_for_worker(unsigned int worker, struct dp_msg **msgs, unsigned int max);

/*
 * Create the pool and rings (after EAL init); also used by the unit test,
 * which runs EAL with --no-huge and no ports.
 */
int dp_msg_init(unsigned int n_workers, unsigned int ring_size);
void dp_msg_fini(void);

/*
 * Messages the pool holds: ring_size * (n_workers + 1), so every ring can be
 * full at once (a full ring is the normal back-pressure, not an empty pool).
 */
unsigned int dp_msg_pool_capacity(void);

#endif /* PPTPGW_DP_MSG_H */
