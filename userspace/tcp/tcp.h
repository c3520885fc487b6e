/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tcp.h — the user-space TCP/IP stack of one worker: the only interface
 * the worker loop and the HTTP layer use.
 *
 * One stack per worker (per RX queue); it shares nothing with other
 * workers and is not thread-safe. It never reads a clock: every entry
 * point gets the time, so tests drive it with a fake clock.
 *
 * Data path:
 *	worker: xsk rx batch -> tcp_stack__input()
 *		-> eth_input -> ipv4_input / ipv6_input -> tcp_input
 *		-> tcp_app_ops.accepted / readable / writable / closed (HTTP)
 *	HTTP:   tcp_conn_send_copy() / tcp_conn_send_blob()   (queue only)
 *	worker: tcp_stack__poll() -> timers, tcp_output -> struct nic (xsk tx)
 *
 * Replies go to the MAC address the peer's last frame came from; the
 * stack keeps no ARP or neighbour table.
 */
#ifndef XDPSERVE_TCP_H
#define XDPSERVE_TCP_H

#include <stdbool.h>
#include <stdint.h>

#include "net/nic.h"

struct blob;
struct tcp_stack;
struct tcp_conn;
struct tcp_cc_ops;

/*
 * Retransmission timeouts in a row before a connection is reset, as
 * Linux's tcp_retries2. With the RTO doubling from 200 ms up to
 * TCP_RTO_MAX_NS that is about 7.7 minutes of silence (the idle and
 * send-rate timeouts usually close such a connection much earlier).
 */
#define TCP_RETRIES_DEFAULT 15
/*
 * Ceiling of the backed-off RTO: RFC 6298 §2.5 asks for at least 60 s.
 * Linux uses 120 s; a shorter one finds a path that came back sooner, and
 * a server's idle timeout (60 s by default) ends longer silences anyway.
 */
#define TCP_RTO_MAX_NS (60ull * 1000000000ull)

struct tcp_config {
	uint32_t max_conns;	       /* connection table size (all states but TIME_WAIT) */
	uint32_t max_time_wait;	       /* TIME_WAIT entries; the oldest is recycled when full */
	uint32_t max_conns_per_source; /* per IPv4 address or IPv6 /64; 0: no cap */
	uint32_t rx_buf_size;	       /* request bytes buffered per connection = receive window */
	uint32_t tx_copy_size;	/* copied bytes (headers, small bodies) queued per connection */
	uint32_t tx_max_pieces; /* send-queue pieces (copied runs and blob ranges) per connection */
	uint16_t mss;		/* largest segment payload we send or accept (IPv4, from MTU) */
	uint32_t tx_quantum_segs; /* data segments per connection per turn of the output rotation */
	uint32_t tx_reserve_frames; /* TX frames data never takes: kept for ACK, RST, SYN-ACK */
	uint32_t tx_limit_min_segs; /* a connection's frames in the NIC, not completed: */
	uint32_t tx_limit_max_segs; /* ~1 ms of data at its rate, within [min, max] */
	bool timestamps;	    /* agree to RFC 7323 timestamps */
	bool sack;		    /* agree to SACK-permitted (RFC 2018) */
	bool window_scale;	    /* agree to window scaling (RFC 7323) */
	/*
	 * SYNs are answered outside the stack (the steering program): a cookie
	 * ACK may then arrive for a tuple that still has a connection or a
	 * TIME_WAIT entry here, and starts a new incarnation of it.
	 */
	bool syn_answered_outside;
	uint32_t init_cwnd_segs;       /* initial window in segments (RFC 6928: 10) */
	uint64_t rto_initial_ns;       /* RFC 6298: 1 s */
	uint64_t rto_min_ns;	       /* RFC 6298 says 1 s; Linux uses 200 ms */
	uint64_t rto_max_ns;	       /* ceiling of the backed-off RTO (>= 60 s per RFC 6298) */
	uint32_t max_retransmits;      /* consecutive RTOs before the connection is reset */
	uint64_t idle_timeout_ns;      /* no progress for this long closes the connection */
	uint64_t header_timeout_ns;    /* TCP_DEADLINE_HEADER: a request head is whole by then */
	uint64_t keepalive_timeout_ns; /* TCP_DEADLINE_KEEPALIVE: idle between requests, then FIN */
	uint64_t send_timeout_ns;      /* while data waits, every this long ... */
	uint32_t min_send_rate;	       /* ... at least this many bytes/s must be acknowledged */
	uint64_t persist_timeout_ns;   /* longest stay behind a zero window (persist probes) */
	uint64_t time_wait_ns;	       /* TIME_WAIT duration */
	uint64_t fin_wait_ns;	       /* FIN_WAIT_2 / LAST_ACK give-up time */
	uint8_t syncookie_key[16];     /* secret for SYN cookies; random in production */
	bool local_mac_set;	       /* local_mac is the source of every frame we send ... */
	uint8_t local_mac[6];	       /* ... else the MAC the peer's frame was sent to */
	const struct tcp_cc_ops *cc;   /* congestion control (tcp_cc_find); NULL: CUBIC */
};

/* Production defaults; the key is left zero for the caller to fill. */
void tcp_config_default(struct tcp_config *cfg);

enum tcp_close_reason {
	TCP_CLOSE_NORMAL = 0, /* both FINs exchanged and acknowledged */
	TCP_CLOSE_RESET,      /* the peer reset the connection */
	TCP_CLOSE_ABORTED,    /* tcp_conn_abort() or the application refused it */
	TCP_CLOSE_TIMEOUT,    /* idle timeout, or retransmissions exhausted */
	TCP_CLOSE_SHUTDOWN,   /* the stack is being destroyed */
};

struct tcp_app_ops {
	/*
	 * A handshake completed. Return the application's state for this
	 * connection (tcp_conn_app()), or NULL to refuse it (the stack resets
	 * it; closed() is not called).
	 */
	void *(*accepted)(void *app, struct tcp_conn *c);
	/* In-order bytes arrived (tcp_conn_rx_peek), or the peer's FIN did. */
	void (*readable)(void *app, struct tcp_conn *c);
	/* Acknowledged data left the send queue: send space grew. */
	void (*writable)(void *app, struct tcp_conn *c);
	/*
	 * The connection is finished; free the application state. `c` is
	 * invalid once this returns. Not called for refused connections.
	 */
	void (*closed)(void *app, struct tcp_conn *c, enum tcp_close_reason why);
};

/* Counters of one stack; gauges are marked. All host order. */
struct tcp_stats {
	uint64_t rx_frames;		/* frames given to tcp_stack__input */
	uint64_t rx_drop_malformed;	/* truncated or invalid Ethernet/IP/TCP */
	uint64_t rx_drop_csum;		/* bad IPv4 header or TCP checksum */
	uint64_t rx_drop_unsupported;	/* fragments, extension headers we do not walk, not TCP */
	uint64_t rx_drop_out_of_window; /* failed sequence/ACK acceptability */
	uint64_t rx_drop_out_of_order;	/* in window but not the next byte, and no range free */
	uint64_t rx_out_of_order;	/* segments held for reassembly (past a hole) */
	uint64_t rx_drop_no_conn;	/* no connection and not a SYN or cookie ACK */
	uint64_t syn_received;
	uint64_t syncookies_sent;
	uint64_t syncookies_accepted;
	uint64_t syncookies_rejected; /* stale or forged cookie ACKs */
	uint64_t syncookies_overflow; /* valid, table full: dropped, the client resends */
	uint64_t conns_accepted;
	uint64_t conns_refused; /* all refusals (RST to the SYN or the cookie ACK); among them: */
	uint64_t conns_refused_source; /* the source had max_conns_per_source already */
	uint64_t conns_refused_full;   /* the table was full and nothing idle to evict */
	uint64_t conns_evicted;	       /* idle keep-alive closed to make room (oldest first) */
	uint64_t conns_closed;	       /* all reasons, see tcp_close_reason */
	uint64_t conns_reset;	       /* by the peer */
	uint64_t conns_timed_out;      /* all timeouts; by reason: */
	uint64_t timeout_idle;	       /* no progress for idle_timeout_ns */
	uint64_t timeout_retransmit;   /* max_retransmits RTOs or probes unanswered */
	uint64_t timeout_fin_wait;     /* FIN_WAIT_2 / LAST_ACK give-up */
	uint64_t timeout_header;       /* a request head took longer than header_timeout_ns */
	uint64_t timeout_keepalive;    /* idle between requests: closed with FIN */
	uint64_t timeout_send;	       /* acknowledged slower than min_send_rate (slow read) */
	uint64_t timeout_persist;      /* zero window for persist_timeout_ns */
	uint64_t tx_frames;
	uint64_t tx_bytes;	 /* payload bytes, retransmissions included */
	uint64_t tx_retransmits; /* segments sent again */
	uint64_t tx_rst;
	uint64_t tx_challenge_acks; /* RFC 5961 */
	uint64_t tx_oow_acks;	    /* ACKs for segments outside the window (challenges included) */
	uint64_t oow_acks_limited;  /* of those, not sent: one per connection per 500 ms */
	uint64_t tx_limit_held;	    /* data deferred: the connection's frames not yet completed */
	uint64_t tx_no_frame;	    /* output deferred: no TX frame or ring slot */
	uint64_t tx_reserve_held;   /* data deferred: only the control reserve was left */
	uint64_t rto_fired;
	uint64_t pmtu_icmp_accepted; /* "packet too big" that lowered a connection's MSS */
	uint64_t pmtu_icmp_ignored;  /* ... for no connection, out of window, or no smaller */
	uint64_t pmtu_blackhole;     /* MSS lowered after repeated RTOs of segments over 1280 B */
	uint64_t loss_rack;	     /* transmissions RACK found lost (RFC 8985) */
	uint64_t tlp_probes;	     /* tail loss probes sent */
	uint64_t tlp_repaired;	     /* probes that repaired a loss (window reduced once) */
	uint64_t dsack_received;     /* D-SACK blocks: duplicates the peer received */
	uint64_t spurious_undone; /* window reductions undone: the retransmissions were spurious */
	uint32_t conns_active;	  /* gauge: connections not in TIME_WAIT */
	uint32_t conns_time_wait; /* gauge */
};

/* A connection's identity and progress, for `xdpservectl connections`. */
struct tcp_conn_info {
	uint8_t family;		/* 4 or 6 */
	uint8_t local_addr[16]; /* network order; IPv4 in the first 4 bytes */
	uint8_t remote_addr[16];
	uint16_t local_port; /* host order */
	uint16_t remote_port;
	const char *state; /* "ESTABLISHED", "FIN_WAIT_1", ... */
	uint32_t mss;	   /* negotiated send MSS */
	uint32_t cwnd;	   /* bytes */
	uint32_t snd_wnd;  /* peer's window, bytes */
	uint64_t srtt_ns;
	uint64_t bytes_acked;
	uint64_t bytes_received;
	uint32_t retransmits;
};

/*
 * Create a stack that transmits through `nic` and reports to `app`.
 * Preallocates every table (no allocation on the packet path).
 * Returns NULL with errno set on failure.
 */
struct tcp_stack *tcp_stack__create(const struct tcp_config *cfg, struct nic *nic,
				    const struct tcp_app_ops *app, void *app_ctx);
/* Close every connection (closed(..., TCP_CLOSE_SHUTDOWN)), drop blob references, free. */
void tcp_stack__destroy(struct tcp_stack *s);

/*
 * Process one received Ethernet frame; the frame is borrowed for the call.
 * Application callbacks run from inside this call.
 */
void tcp_stack__input(struct tcp_stack *s, const uint8_t *frame, uint32_t len, uint64_t now_ns);

/*
 * Run expired timers and transmit whatever is queued and allowed by the
 * windows. Returns the next time (ns) the stack needs a poll, or UINT64_MAX;
 * returns now_ns when output is waiting for TX frames, or for the
 * completions of a connection's frames (its TX limit, nic.tx_done).
 */
uint64_t tcp_stack__poll(struct tcp_stack *s, uint64_t now_ns);

/* Stop (false) or resume (true) accepting new connections; SYNs get no answer while stopped. */
void tcp_stack__set_accepting(struct tcp_stack *s, bool accepting);

/*
 * Would a SYN arriving now be answered with a cookie (accepting, and a
 * free or evictable connection slot), rather than dropped (draining) or
 * refused with a RST (table full)? Per-source limits are not part of it:
 * they are checked again at the completing ACK. A worker mirrors this into
 * the steering program's accept slot for its queue.
 */
bool tcp_stack__accepts_syns(const struct tcp_stack *s);

/*
 * The key of the connection table and of the timestamp offsets, derived
 * from the SYN cookie key (never the secret itself): the same bytes
 * tcp_stack__create() keeps, for an answer made outside the stack (XDP).
 */
void tcp_hash_key_derive(const uint8_t syncookie_key[16], uint8_t out[16]);

/* What the stack puts into a SYN-ACK, for an answer made outside it (XDP). */
struct tcp_synack_params {
	uint16_t mss_v4, mss_v6;	     /* announced MSS: cfg.mss, capped by the NIC's MTU */
	uint16_t window;		     /* the SYN-ACK's window: min(rx_buf_size, 65535) */
	uint8_t wscale;			     /* our window shift, when the peer scales */
	bool timestamps, sack, window_scale; /* the options the stack agrees to */
};
void tcp_stack__synack_params(const struct tcp_stack *s, struct tcp_synack_params *p);
/*
 * A reload's client limits: max_conns_per_source and the header,
 * keep-alive, send and persist timeouts and min_send_rate of cfg (the rest
 * is ignored). Deadlines set before keep theirs; new ones use the new
 * values (after a shortening, no earlier than the old ones still armed).
 */
void tcp_stack__set_limits(struct tcp_stack *s, const struct tcp_config *cfg);

const struct tcp_stats *tcp_stack__stats(const struct tcp_stack *s);

/* The time given to the last input or poll: for callbacks that need "now". */
uint64_t tcp_stack__now(const struct tcp_stack *s);

/* Call fn for every connection, TIME_WAIT included. */
void tcp_stack__for_each_conn(struct tcp_stack *s, void (*fn)(struct tcp_conn *c, void *arg),
			      void *arg);

/* --- one connection ------------------------------------------------------ */

void *tcp_conn_app(const struct tcp_conn *c);
struct tcp_stack *tcp_conn_stack(const struct tcp_conn *c);
void tcp_conn_get_info(const struct tcp_conn *c, struct tcp_conn_info *info);

/*
 * Received in-order bytes not yet consumed, as one contiguous run
 * (the receive buffer is linear). *len gets the count.
 */
const uint8_t *tcp_conn_rx_peek(const struct tcp_conn *c, uint32_t *len);
/* Drop the first n readable bytes; the window opens accordingly. */
void tcp_conn_rx_consume(struct tcp_conn *c, uint32_t n);
/* The peer sent FIN and every byte before it has been consumed. */
bool tcp_conn_rx_eof(const struct tcp_conn *c);
/*
 * The peer sent FIN: nothing more will arrive, though bytes before it may
 * still be buffered (a request cut short by a half-close).
 */
bool tcp_conn_rx_fin(const struct tcp_conn *c);

/* Bytes tcp_conn_send_copy() would accept now (also limited by free pieces). */
uint32_t tcp_conn_tx_copy_space(const struct tcp_conn *c);
/* Send-queue pieces still free (a blob range or a copied run each take one). */
uint32_t tcp_conn_tx_pieces_free(const struct tcp_conn *c);
/* Bytes queued and not yet acknowledged (sent or not). */
uint64_t tcp_conn_tx_queued(const struct tcp_conn *c);

/* Queue a copy of data. 0, or -ENOBUFS with nothing queued. Fails after shutdown (-EPIPE). */
int tcp_conn_send_copy(struct tcp_conn *c, const void *data, uint32_t len);
/*
 * Queue bytes [off, off + len) of a blob by reference; the queue takes its
 * own blob reference until those bytes are acknowledged. 0, -ENOBUFS, -EPIPE.
 */
int tcp_conn_send_blob(struct tcp_conn *c, struct blob *b, uint64_t off, uint64_t len);

/*
 * What the application waits for on this connection; each has its own fixed
 * duration (tcp_config) and its clock starts when it is set, not when it is
 * set again: setting the same deadline twice keeps the first start.
 *  HEADER     a request head: when it expires the connection is reset
 *             (slowloris: trickled bytes do not restart it);
 *  KEEPALIVE  the next request, the connection being idle: when it expires
 *             the stack sends FIN. Idle keep-alive connections are also
 *             the first to go, oldest first, when the table is nearly full.
 *  NONE       a request is being answered (the send-rate check applies).
 */
enum tcp_deadline {
	TCP_DEADLINE_NONE = 0,
	TCP_DEADLINE_HEADER,
	TCP_DEADLINE_KEEPALIVE,
};
void tcp_conn_set_deadline(struct tcp_conn *c, enum tcp_deadline d);

/* Nothing more can be queued: shut down (by us or a deadline) or aborted. */
bool tcp_conn_tx_closed(const struct tcp_conn *c);

/* Send FIN once everything queued is sent; receiving continues until the peer's FIN. */
void tcp_conn_shutdown(struct tcp_conn *c);
/*
 * Reset now: RST to the peer. closed(..., TCP_CLOSE_ABORTED) is never called
 * from inside this function: it follows before the current
 * tcp_stack__input()/tcp_stack__poll() returns, or during the next poll when
 * called outside both. The application must not queue more on c meanwhile.
 */
void tcp_conn_abort(struct tcp_conn *c);

#endif /* XDPSERVE_TCP_H */
