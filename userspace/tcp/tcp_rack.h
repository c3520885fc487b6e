/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tcp_rack.h — per-connection state of RACK-TLP loss detection (RFC 8985),
 * D-SACK reactions (RFC 2883, RFC 8985 §6.2 step 4) and spurious
 * retransmission undo (D-SACK counting, and RFC 3522 Eifel with
 * timestamps). Included by tcp_int.h; the code is tcp_rack.c.
 */
#ifndef XDPSERVE_TCP_RACK_H
#define XDPSERVE_TCP_RACK_H

#include <stdbool.h>
#include <stdint.h>

#include "tcp/cc.h"

/*
 * Send times remembered per connection. Segments sent in the same poll
 * share one record (the stack sends in bursts), so this is the number of
 * distinct send times in flight, not of segments. When it overflows the
 * two oldest records merge under the later time: a loss is then found a
 * little later, never too early.
 */
#define TCP_RACK_XMITS 32

/* One transmission: [start, end) left at `ns`. */
struct tcp_rack_xmit {
	uint64_t ns;
	uint32_t start, end;
	bool rexmit; /* sent before: a retransmission */
};

struct tcp_rack {
	struct tcp_rack_xmit x[TCP_RACK_XMITS]; /* oldest first */
	uint8_t n;
	bool reord;		 /* reordering seen (RACK.reord) */
	uint8_t reo_wnd_steps;	 /* RACK.reo_wnd_mult - 1: raised by D-SACKs */
	uint8_t reo_wnd_persist; /* recoveries until reo_wnd_steps falls back to 0 */
	uint64_t xmit_ns;    /* RACK.xmit_ts: send time of the newest delivered segment; 0 none */
	uint32_t end_seq;    /* RACK.end_seq */
	uint32_t fack;	     /* highest delivered sequence (SACKed or acknowledged) */
	uint64_t rtt_ns;     /* RACK.rtt */
	uint64_t min_rtt_ns; /* smallest RACK.rtt seen */
	uint64_t timeout_ns; /* the reordering timer is due then; 0 none */
	uint32_t lost_end;   /* with lost_valid: unSACKed bytes below this are lost */
	bool lost_valid;
	uint32_t dsack_round;	/* SND.MAX when a D-SACK last raised reo_wnd_steps */
	bool dsack_round_valid; /* dsack_round is set */

	/* Tail loss probe (RFC 8985 §7.4): the probe's end and whether it was resent data. */
	uint32_t tlp_high;
	bool tlp_out, tlp_rexmit, tlp_dsack;

	/* Undo of the last window reduction. */
	bool undo_valid;
	bool undo_rto;			/* the reduction was an RTO's (else a recovery's) */
	uint32_t undo_start, undo_high; /* the episode retransmitted within [start, high) */
	uint32_t undo_retrans;		/* its retransmissions not yet D-SACKed */
	uint32_t undo_tsval;		/* our TSval on its first retransmission, ... */
	bool undo_ts_valid;		/* ... if one went with timestamps, not yet looked at */
	bool undo_ts_taken;		/* the episode's first retransmission set undo_tsval */
	struct tcp_cc undo_cc;		/* the window before the reduction */
};

#endif /* XDPSERVE_TCP_RACK_H */
