/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tcp_int.h — the TCP stack's own structures, shared by its files and by
 * nothing else (the rest of the program sees only tcp.h).
 *
 *   tcp_stack.c    create/destroy, tcp_stack__input/poll, stats
 *   tcp_input.c    header checks, demultiplexing, SYN cookie open, RST replies
 *   tcp_process.c  synchronized states: sequence checks, RST/SYN, text, FIN
 *   tcp_ack.c      the ACK field: send queue, RTT, loss detection, congestion control
 *   tcp_sack.c     the SACK scoreboard (RFC 6675 recovery), D-SACK blocks
 *   tcp_rack.c     RACK-TLP loss detection by send time, spurious-retransmission undo
 *   tcp_reass.c    out-of-order request bytes, the SACK blocks we send (RFC 2018, 2883)
 *   tcp_tsq.c      per-connection limit on frames handed to the NIC, not yet completed
 *   tcp_output.c   segments from the send queue, pure ACKs, RST, SYN-ACK
 *   tcp_timer.c    RTO, loss probe, persist, delayed ACK, idle, FIN_WAIT, TIME_WAIT
 *   tcp_conn.c     connection table, lifecycle, the per-connection API
 *   tcp_time_wait.c the bounded TIME_WAIT table
 *   tcp_source.c   connections per source address, admission of new ones
 *   tcp_pmtu.c     ICMP "packet too big" and black-hole detection lower the MSS
 *   tcp_sendq.c, tcp_options.c, syncookie.c, cc*.c: building blocks
 */
#ifndef XDPSERVE_TCP_INT_H
#define XDPSERVE_TCP_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "common/list.h"
#include "common/log.h"
#include "net/net.h"
#include "tcp/cc.h"
#include "tcp/syncookie.h"
#include "tcp/tcp.h"
#include "tcp/tcp_options.h"
#include "tcp/tcp_rack.h"
#include "tcp/tcp_sendq.h"
#include "tcp/tcp_timer.h"

#define NSEC_PER_MSEC 1000000ull
#define NSEC_PER_SEC  1000000000ull

#define TCP_HLEN 20

#define TCP_FLAG_FIN 0x01
#define TCP_FLAG_SYN 0x02
#define TCP_FLAG_RST 0x04
#define TCP_FLAG_PSH 0x08
#define TCP_FLAG_ACK 0x10
#define TCP_FLAG_URG 0x20

/* A delayed ACK waits at most this long (RFC 9293 allows up to 500 ms). */
#define TCP_DELACK_NS (40 * NSEC_PER_MSEC)
/* Out-of-window and challenge ACKs: at most one per connection per interval (RFC 5961 §7). */
#define TCP_OOW_ACK_INTERVAL_NS (500 * NSEC_PER_MSEC)
/* RFC 7323 §5.5: a TS.Recent older than this is invalid for PAWS. */
#define TCP_PAWS_IDLE_NS (24ull * 24 * 3600 * NSEC_PER_SEC)
/*
 * Tail loss probe (RFC 8985 §7.2): PTO = 2 * SRTT plus the peer's
 * worst-case delayed ACK when a single segment is in flight, or a small
 * margin otherwise (as Linux does).
 */
#define TCP_TLP_DELACK_NS (200 * NSEC_PER_MSEC)
#define TCP_TLP_MARGIN_NS (2 * NSEC_PER_MSEC)
/* RFC 7661 non-validated period: an unused window is halved after this. */
#define TCP_CWV_NVP_NS (300 * NSEC_PER_SEC)
/* Clock granularity G of RFC 6298 (the timestamp clock ticks in ms). */
#define TCP_CLOCK_GRANULARITY_NS NSEC_PER_MSEC
/*
 * Blob runs shorter than this are copied into the header frame even when
 * the NIC can append references: a descriptor costs more than the copy.
 */
#define TCP_SG_MIN_REF 256
/* SACKed ranges a connection remembers (RFC 6675 scoreboard). */
#define TCP_SACK_BLOCKS 8
/* Out-of-order ranges of received bytes a connection holds (tcp_reass.c). */
#define TCP_REASS_RANGES 4

static inline bool seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}
static inline bool seq_le(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) <= 0;
}
static inline bool seq_gt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}
static inline bool seq_ge(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) >= 0;
}

enum tcp_state {
	TCP_STATE_FREE = 0, /* slot unused */
	TCP_STATE_ESTABLISHED,
	TCP_STATE_FIN_WAIT_1,
	TCP_STATE_FIN_WAIT_2,
	TCP_STATE_CLOSING,
	TCP_STATE_TIME_WAIT, /* only in the for_each view of a TIME_WAIT entry */
	TCP_STATE_CLOSE_WAIT,
	TCP_STATE_LAST_ACK,
	TCP_STATE_CLOSED, /* finished; closed() is due (tcp_conn_reap) */
};

/* What the retransmission timer currently times. */
enum tcp_rexmt_mode {
	TCP_REXMT_NONE = 0,
	TCP_REXMT_RTO,	   /* data or FIN outstanding */
	TCP_REXMT_PERSIST, /* data waiting behind a zero (or too small) window */
	TCP_REXMT_TLP,	   /* tail loss probe before the RTO (RFC 8985 §7) */
	TCP_REXMT_REORDER, /* a SACK hole: lost unless repaired within the reordering window */
};

/* A parsed, checksum-verified segment; points into the borrowed frame. */
struct tcp_seg {
	const struct net_rx *rx;
	uint16_t sport, dport; /* host order */
	uint32_t seq, ack;
	uint16_t wnd; /* as received (not scaled) */
	uint8_t flags;
	const uint8_t *data;
	uint32_t len; /* payload bytes */
	struct tcp_opts opts;
};

/* An ACK with no SYN, RST or FIN: what completes a cookie handshake. */
static inline bool tcp_seg_bare_ack(const struct tcp_seg *seg)
{
	return (seg->flags & (TCP_FLAG_SYN | TCP_FLAG_RST | TCP_FLAG_FIN | TCP_FLAG_ACK)) ==
	       TCP_FLAG_ACK;
}

/*
 * Out-of-order bytes held in the receive buffer where they belong (the
 * byte with sequence x sits rx_len + (x - RCV.NXT) past rx_head): no frame
 * is kept and the receive window bounds the bytes; at most
 * TCP_REASS_RANGES ranges, sorted by sequence.
 */
struct tcp_reass {
	uint8_t n;
	bool fin;   /* a FIN came right after fin_seq - 1 */
	bool dsack; /* report [dsack_start, dsack_end) first in the next ACK (RFC 2883) */
	uint32_t fin_seq;
	uint32_t dsack_start, dsack_end;
	uint32_t clock; /* arrival counter: the most recent range is reported first */
	struct {
		uint32_t start, end, stamp;
	} r[TCP_REASS_RANGES];
};

struct tcp_conn {
	struct tcp_stack *s;
	void *app;
	struct list_node hash_node;   /* stack bucket */
	uint32_t tuple_hash;	      /* tcp_conn_tuple_hash(tuple), for TIME_WAIT too */
	struct list_node list_node;   /* stack->active, ->reap or ->free */
	struct list_node out_node;    /* stack->out_list while output may be possible */
	struct tcp_ftimer life_timer; /* idle, or FIN_WAIT_2/LAST_ACK give-up */
	struct tcp_ftimer delack_timer;
	struct tcp_htimer rexmt_timer;	  /* RTO or persist */
	struct tcp_ftimer deadline_timer; /* enum tcp_deadline: header or keep-alive */
	struct tcp_ftimer rate_timer;	  /* send-rate check while data is queued */
	uint64_t rate_mark;		  /* bytes_acked when the rate interval began */
	uint64_t persist_since_ns;	  /* when the persist timer took over */
	uint8_t deadline;		  /* enum tcp_deadline */

	struct tcp_tuple tuple;
	struct net_path path;
	struct tcp_source *src; /* counts this connection against its source */
	uint8_t state;		/* enum tcp_state */
	uint8_t close_reason;	/* enum tcp_close_reason, once CLOSED */
	uint8_t rexmt_mode;	/* enum tcp_rexmt_mode */
	bool refused;		/* never accepted: no closed() callback */

	/* Options agreed in the handshake. */
	bool ts_ok, sack_ok;
	uint8_t snd_wscale; /* the peer's shift: its windows are << this */
	uint8_t rcv_wscale; /* ours: our windows are >> this */
	uint16_t mss;	    /* payload bytes per segment we send, options excluded */
	uint16_t rcv_mss;   /* largest segment we told the peer we accept */

	/* Send side (RFC 9293 names). */
	uint32_t iss, snd_una, snd_nxt;
	uint32_t snd_max; /* highest sequence sent + 1 (SND.NXT before any go-back) */
	uint32_t snd_wnd, max_snd_wnd;
	uint32_t snd_wl1, snd_wl2;
	bool shutdown; /* FIN goes after the queue */
	bool fin_sent; /* FIN has been sent at least once; fin_seq is its number */
	uint32_t fin_seq;
	bool rexmit_head; /* fast retransmit: resend the first unacknowledged segment */
	bool tlp_probe;	  /* the loss probe timer fired: send one probe segment */
	bool tlp_sent;	  /* a probe went since SND.UNA last advanced */
	bool force_probe; /* persist timer fired: send even if the window says no */
	bool notify_writable;

	/* Receive side. */
	uint32_t irs, rcv_nxt;
	uint32_t rcv_adv;	/* right edge of the window we advertised */
	uint32_t last_ack_sent; /* RCV.NXT in the last segment we sent */
	uint32_t rx_unacked;	/* bytes received since our last ACK */
	bool fin_rcvd;
	bool ack_now; /* send an ACK at the next output */
	uint8_t *rx_buf;
	uint32_t rx_head, rx_len;
	struct tcp_reass reass;

	/* Timestamps (RFC 7323). */
	uint32_t ts_off; /* added to our millisecond clock */
	uint32_t ts_recent;
	uint64_t ts_recent_ns;

	/* RTT and retransmission (RFC 6298). */
	uint64_t srtt_ns, rttvar_ns, rto_ns;
	bool rtt_valid;
	uint8_t backoff;      /* RTO doublings in force */
	uint32_t retransmits; /* consecutive RTOs or unanswered probes */
	bool rtt_timing;      /* Karn: timing rtt_seq without timestamps */
	uint32_t rtt_seq;
	uint64_t rtt_start_ns;
	uint64_t last_oow_ack_ns;

	/* Frames with payload handed to the NIC and not yet completed (tcp_tsq.c). */
	uint8_t tx_gen; /* slot generation: completions of an earlier connection are ignored */
	bool tsq_throttled;
	uint16_t tx_inflight;

	/* Congestion control and loss recovery. */
	struct tcp_cc cc;
	uint32_t dupacks;
	uint32_t recover;
	bool in_recovery;
	bool sack_recovery;   /* recovery driven by the scoreboard (RFC 6675) */
	uint32_t rexmit_high; /* holes below this were retransmitted in this recovery */
	uint32_t rexmit_mark; /* SND.MAX at the last retransmission */
	uint8_t nsack;
	uint32_t sack_bytes;
	struct {
		uint32_t start, end;
	} sack_blk[TCP_SACK_BLOCKS]; /* SACKed ranges above SND.UNA, sorted */
	struct tcp_rack rack;	     /* RFC 8985 send times, D-SACK, undo (tcp_rack.c) */
	uint64_t cwnd_valid_ns;	     /* RFC 7661: the window was last in use then */

	struct tcp_sendq q;

	uint64_t bytes_acked, bytes_received;
	uint32_t total_retrans;
};

/* A source: IPv4 address or IPv6 /64, the rest zero. */
struct tcp_source_key {
	uint8_t family;
	uint8_t addr[16];
};

/* A source and its table hash (tcp_source_id): one SipHash per packet. */
struct tcp_source_id {
	struct tcp_source_key key;
	uint32_t hash;
};

/* Live connections of one source (tcp_source.c). */
struct tcp_source {
	struct list_node node; /* hash bucket, or the free list */
	struct tcp_source_key key;
	uint32_t count;
};

enum tcp_admit {
	TCP_ADMIT_OK = 0,
	TCP_ADMIT_SOURCE_FULL, /* the source has max_conns_per_source */
	TCP_ADMIT_TABLE_FULL,  /* no slot, and no idle keep-alive connection to evict */
};

/* A TIME_WAIT entry: just enough to answer a retransmitted FIN. */
struct tcp_tw {
	struct list_node hash_node;
	struct tcp_ftimer timer; /* in stack->tw_fifo; also the age order */
	struct tcp_tuple tuple;
	struct net_path path;
	uint32_t snd_nxt, rcv_nxt;
	uint16_t wnd; /* window field of our ACKs */
	bool ts_ok;
	uint32_t ts_off, ts_recent;
	uint64_t last_oow_ack_ns;
};

struct tcp_stack {
	struct tcp_config cfg;
	struct nic *nic;
	const struct tcp_app_ops *app;
	void *app_ctx;
	const struct tcp_cc_ops *cc;
	struct tcp_stats stats;
	uint64_t now;
	uint32_t turn_left;	/* data segments the connection being output may still send */
	uint32_t tsq_throttled; /* connections waiting for their frames' completions */
	bool accepting;
	uint16_t ip_id;
	/*
	 * A second after a cookie ACK may have been lost: one found the table
	 * full, or the device dropped frames (rx_lost, asked once per batch).
	 */
	uint64_t ack_loss_until;
	uint64_t rx_lost;	/* the device's count of lost frames when last asked */
	uint64_t rx_lost_asked; /* the `now` (input batch) it was asked in */
	uint8_t hash_key[16];	/* connection table and timestamp offsets */
	uint8_t rcv_wscale;	/* our window shift when the peer scales */
	uint16_t rcv_mss_v4;	/* the MSS we announce, IPv4 and IPv6 */
	uint16_t rcv_mss_v6;

	/* Connections: one preallocated array, LIFO free list. */
	struct tcp_conn *conns;
	uint8_t *rx_mem, *tx_mem;
	struct tcp_piece *piece_mem;
	struct list_node free_conns, active, reap;
	uint32_t nfree_conns;
	struct tcp_source *srcs; /* max_conns entries, hashed like the connections */
	struct list_node free_srcs;
	struct list_node *src_buckets;
	struct list_node *buckets;
	uint32_t hash_mask;
	struct list_node out_list;

	/* TIME_WAIT entries: preallocated, FIFO by age. */
	struct tcp_tw *tws;
	struct list_node free_tws;
	struct list_node *tw_buckets;
	uint32_t tw_hash_mask;
	struct tcp_timer_fifo tw_fifo;

	/* Timers. */
	struct tcp_timer_heap rexmt_heap;
	struct tcp_timer_fifo delack_fifo, idle_fifo, finwait_fifo;
	struct tcp_timer_fifo header_fifo, keepalive_fifo, rate_fifo;

	struct tcp_conn tw_view; /* what for_each shows for a TIME_WAIT entry */
	struct log_ratelimit rl_full, rl_source;
};

/* Our millisecond timestamp clock (RFC 7323), before the per-peer offset. */
static inline uint32_t tcp_ts_clock(uint64_t now_ns)
{
	return (uint32_t)(now_ns / NSEC_PER_MSEC);
}

static inline uint32_t tcp_conn_ts_now(const struct tcp_conn *c)
{
	return tcp_ts_clock(c->s->now) + c->ts_off;
}

/*
 * Sequence numbers are 32 bits but a queue (one large blob) may hold more:
 * only the first TCP_QUEUE_SEQ_SPAN bytes past SND.UNA are visible to the
 * sequence space at any time (more than any window, RFC 7323 §2.3: 2^30).
 */
#define TCP_QUEUE_SEQ_SPAN (1u << 30)

/* Sequence number right after the last sendable queued byte (FIN not counted). */
static inline uint32_t tcp_conn_queue_end(const struct tcp_conn *c)
{
	uint32_t n = c->q.bytes < TCP_QUEUE_SEQ_SPAN ? (uint32_t)c->q.bytes : TCP_QUEUE_SEQ_SPAN;

	return c->snd_una + n - (c->fin_sent && seq_gt(c->snd_una, c->fin_seq));
}

/* The FIN is due after the queue: shut down and the whole queue is in sequence space. */
static inline bool tcp_conn_fin_queued(const struct tcp_conn *c)
{
	return c->shutdown && c->q.bytes <= TCP_QUEUE_SEQ_SPAN;
}

static inline bool tcp_conn_fin_acked(const struct tcp_conn *c)
{
	return c->fin_sent && seq_gt(c->snd_una, c->fin_seq);
}

/* tcp_conn.c */
void tcp_conn_tuple_from_rx(struct tcp_tuple *t, const struct net_rx *rx, uint16_t lport,
			    uint16_t rport);
struct tcp_conn *tcp_conn_lookup(struct tcp_stack *s, const struct tcp_tuple *t);
/* The same, with t's tcp_conn_tuple_hash() already computed (once per segment). */
struct tcp_conn *tcp_conn_lookup_hashed(struct tcp_stack *s, const struct tcp_tuple *t,
					uint32_t hash);
/* hash is t's tcp_conn_tuple_hash(), src its source (tcp_source_id). */
struct tcp_conn *tcp_conn_alloc(struct tcp_stack *s, const struct tcp_tuple *t, uint32_t hash,
				const struct tcp_source_id *src);
/* Finish c: RST to the peer if asked, timers off, closed() queued for tcp_conn_reap(). */
void tcp_conn_close(struct tcp_conn *c, enum tcp_close_reason why, bool send_rst);
/* Call closed() for finished connections and free their slots. */
void tcp_conn_reap(struct tcp_stack *s);
void tcp_conn_want_output(struct tcp_conn *c);
void tcp_conn_touch(struct tcp_conn *c); /* progress: restart the idle timer */
/* Data was queued: start the send-rate interval unless one runs. */
void tcp_conn_rate_start(struct tcp_conn *c);
const char *tcp_conn_state_name(uint8_t state);
uint32_t tcp_conn_tuple_hash(const struct tcp_stack *s, const struct tcp_tuple *t);

/* tcp_input.c */
void tcp_input(struct tcp_stack *s, const struct net_rx *rx);
uint32_t tcp_input_ts_offset(const struct tcp_stack *s, const struct tcp_tuple *t);
/* What a valid cookie ACK carried: the cookie's options and the tuple's timestamp offset. */
struct tcp_cookie {
	struct syncookie_opts co;
	uint32_t ts_off;
};
/*
 * Does seg, an ACK for tuple t, complete a SYN we (or the steering program)
 * answered: a valid cookie, and with timestamps a TSecr we could have sent?
 * *ck is filled when it does.
 */
bool tcp_input_cookie_valid(const struct tcp_stack *s, const struct tcp_seg *seg,
			    const struct tcp_tuple *t, struct tcp_cookie *ck);
/*
 * Open the connection a cookie ACK that tcp_input_cookie_valid() accepted
 * completes (or refuse it with a RST); hash: t's table hash.
 */
void tcp_input_cookie_open(struct tcp_stack *s, const struct tcp_seg *seg,
			   const struct tcp_tuple *t, uint32_t hash, const struct tcp_cookie *ck);

/* tcp_process.c */
void tcp_process(struct tcp_conn *c, struct tcp_seg *seg);
/* An out-of-window or challenge ACK, rate-limited; true if sent. */
bool tcp_process_oow_ack(struct tcp_conn *c, bool challenge);

/* tcp_reass.c */
/*
 * Hold out-of-order bytes [seq, seq + len) (seq past RCV.NXT, inside the
 * window) and a FIN after them; returns the bytes held, 0 when no range was free.
 */
uint32_t tcp_reass_insert(struct tcp_conn *c, uint32_t seq, const uint8_t *data, uint32_t len,
			  bool fin);
/* RCV.NXT advanced: take the held ranges it reached; true if any. *fin: their FIN is in order. */
bool tcp_reass_advance(struct tcp_conn *c, bool *fin);
/* Bytes past the in-order ones that the held ranges occupy in the receive buffer. */
uint32_t tcp_reass_extent(const struct tcp_conn *c);
/* Make [rx_head, rx_head + rx_len + end_off) contiguous in the buffer (moves held bytes too). */
void tcp_reass_make_room(struct tcp_conn *c, uint32_t end_off);
/* A duplicate [start, end) arrived: report it in the next ACK (RFC 2883), if SACK is on. */
void tcp_reass_dsack(struct tcp_conn *c, uint32_t start, uint32_t end);
void tcp_reass_clear(struct tcp_conn *c);
/* Write NOP NOP SACK with up to max_blocks blocks (D-SACK first); 0 when none is due. */
uint32_t tcp_reass_write_sack(struct tcp_conn *c, uint8_t *p, uint32_t max_blocks);

/* tcp_tsq.c */
/* May c hand another frame with payload to the NIC? If not, it waits for completions. */
bool tcp_tsq_may_send(struct tcp_conn *c);
/* The frame being built carries c's payload: tag it for its completion. */
void tcp_tsq_sending(struct tcp_conn *c);
/* The NIC completed a tagged frame (struct nic tx_done). */
void tcp_tsq_tx_done(void *stack, uint32_t tag);
/* c is closing: it waits for nothing any more. */
void tcp_tsq_forget(struct tcp_conn *c);
/* Frames c may have in flight at its rate (segments). */
uint32_t tcp_tsq_limit(const struct tcp_conn *c);

/* tcp_ack.c */
/* Process the ACK field; false when the segment must be dropped. */
bool tcp_ack(struct tcp_conn *c, const struct tcp_seg *seg);
void tcp_ack_rtt_sample(struct tcp_conn *c, uint64_t rtt_ns);
/* Loss detected: fast retransmit and recovery (SACK-driven or NewReno). */
void tcp_ack_enter_recovery(struct tcp_conn *c);
/* RACK's verdict (tcp_rack_detect) acted on: recovery, output, reordering timer. */
void tcp_ack_rack_detect(struct tcp_conn *c);

/* tcp_timer.c */
uint64_t tcp_timer_rto(const struct tcp_conn *c);
/* Data is outstanding: arm the reordering window, loss probe or RTO (restarting it). */
void tcp_timer_arm_outstanding(struct tcp_conn *c);
/* Close c for a timeout, counted under *reason (a tcp_stats field). */
void tcp_timer_timeout(struct tcp_conn *c, uint64_t *reason);
/* Arm the SACK reordering window if a hole calls for it; false leaves the timer alone. */
bool tcp_timer_arm_reorder(struct tcp_conn *c);

/* tcp_sack.c */
void tcp_sack_clear(struct tcp_conn *c);
/* Add the SACK blocks of an ACK (cumulative point ack); returns the bytes newly SACKed. */
uint32_t tcp_sack_update(struct tcp_conn *c, const struct tcp_opts *o, uint32_t ack);
/* SND.UNA advanced: drop what it covers. */
void tcp_sack_trim(struct tcp_conn *c);
/* RFC 6675 IsLost(SND.UNA): enough SACKed above the first hole (or RFC 5827 tail). */
bool tcp_sack_is_lost(const struct tcp_conn *c);
/* The next lost, not yet retransmitted range (at most one MSS). */
bool tcp_sack_next_hole(const struct tcp_conn *c, uint32_t *seq, uint32_t *len);
/* RFC 6675 pipe: bytes presumed in the network. */
uint32_t tcp_sack_pipe(const struct tcp_conn *c);
/* seq, or the end of the SACKed range holding it. */
uint32_t tcp_sack_skip(const struct tcp_conn *c, uint32_t seq);

/* tcp_rack.c */
/* RACK runs: SACK agreed and some segment's delivery timed. */
bool tcp_rack_active(const struct tcp_conn *c);
/* A segment [seq, seq + len) left now (len counts the FIN); rexmit if sent before. */
void tcp_rack_sent(struct tcp_conn *c, uint32_t seq, uint32_t len, bool rexmit);
/* An acceptable ACK was processed (SND.UNA was old_una before it). */
void tcp_rack_ack(struct tcp_conn *c, const struct tcp_seg *seg, uint32_t old_una);
/* Mark lost what RACK says is; true if something new was. Sets rack.timeout_ns. */
bool tcp_rack_detect(struct tcp_conn *c);
/* A D-SACK block (RFC 2883) arrived for [start, end). */
void tcp_rack_dsack(struct tcp_conn *c, uint32_t start, uint32_t end);
/* The window is about to be reduced (recovery or RTO): keep it for an undo. */
void tcp_rack_undo_begin(struct tcp_conn *c, bool rto);
void tcp_rack_recovered(struct tcp_conn *c);
/* The flight was really lost (too big for the path): no undo may skip its resend. */
void tcp_rack_undo_cancel(struct tcp_conn *c);
void tcp_rack_on_rto(struct tcp_conn *c);

/* tcp_output.c */
/*
 * Send what windows allow, at most stack->turn_left data segments: 0 (also
 * when the TX limit holds it: completions call again), -EAGAIN when that
 * quantum ran out with more to send, -ENOBUFS when the NIC had no frame
 * (or only the control reserve).
 */
int tcp_output(struct tcp_conn *c);
/* A pure ACK now; -ENOBUFS when no frame (then ack_now stays set). */
int tcp_output_ack(struct tcp_conn *c);
/* RST (and ACK) in answer to a segment matching no connection (RFC 9293 §3.10.7.1). */
void tcp_output_reset_reply(struct tcp_stack *s, const struct tcp_seg *seg);
/* RST for a connection being aborted. */
void tcp_output_rst(struct tcp_conn *c);
/* SYN-ACK carrying a cookie. */
void tcp_output_synack(struct tcp_stack *s, const struct tcp_seg *seg, uint32_t cookie,
		       const struct tcp_syn_opts *so, uint16_t wnd);
/* A segment without payload along a path (RST, SYN-ACK, TIME_WAIT ACK); 0 or -ENOBUFS. */
int tcp_output_bare(struct tcp_stack *s, const struct net_path *p, uint16_t lport, uint16_t rport,
		    uint32_t seq, uint32_t ack, uint8_t flags, uint16_t wnd, const uint8_t *opts,
		    uint32_t optlen);
/* The window field for a segment of c now (receiver SWS avoidance included). */
uint16_t tcp_output_window(struct tcp_conn *c);
void tcp_output_rexmt_update(struct tcp_conn *c);

/* tcp_pmtu.c */
/* An ICMP "packet too big" (rx->ptb): lower the connection's MSS if it checks out. */
void tcp_pmtu_input(struct tcp_stack *s, const struct net_rx *rx);
/* An RTO fired (c->retransmits counts it): black-hole detection. */
void tcp_pmtu_rto(struct tcp_conn *c);

/* tcp_source.c */
/*
 * May a connection from t's source open now? With evict, an idle
 * keep-alive connection may be closed to make room (the cookie ACK; a SYN
 * only asks).
 */
void tcp_source_id(struct tcp_stack *s, const struct tcp_tuple *t, struct tcp_source_id *id);
enum tcp_admit tcp_source_admit(struct tcp_stack *s, const struct tcp_source_id *id, bool evict);
struct tcp_source *tcp_source_get(struct tcp_stack *s, const struct tcp_source_id *id);
void tcp_source_put(struct tcp_stack *s, struct tcp_source *src);

/* tcp_time_wait.c */
void tcp_time_wait_enter(struct tcp_conn *c);
struct tcp_tw *tcp_time_wait_lookup(struct tcp_stack *s, const struct tcp_tuple *t, uint32_t hash);
/* What a segment for a TIME_WAIT entry does to it. */
enum tcp_tw_verdict {
	TCP_TW_KEEP,	      /* handled by the entry */
	TCP_TW_REOPEN_SYN,    /* a SYN may reopen the tuple */
	TCP_TW_REOPEN_COOKIE, /* a cookie ACK (checked, *ck filled) reopens it */
};
enum tcp_tw_verdict tcp_time_wait_input(struct tcp_stack *s, struct tcp_tw *tw,
					const struct tcp_seg *seg, struct tcp_cookie *ck);
void tcp_time_wait_free(struct tcp_stack *s, struct tcp_tw *tw);
void tcp_time_wait_fill_view(struct tcp_stack *s, const struct tcp_tw *tw, struct tcp_conn *view);

#endif /* XDPSERVE_TCP_INT_H */
