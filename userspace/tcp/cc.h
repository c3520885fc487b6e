/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cc.h — pluggable congestion control, in the shape of Linux's
 * struct tcp_congestion_ops: the core (tcp_ack.c, tcp_timer.c) runs loss
 * detection and NewReno fast recovery (RFC 5681, RFC 6582) and asks the
 * algorithm only how the window grows and where ssthresh goes after a loss.
 * One algorithm per file: cc_newreno.c, cc_cubic.c (the default).
 *
 * The algorithm sees a struct tcp_cc, not the connection: the core keeps
 * cwnd/ssthresh/mss/flight current before every hook, and `priv` is scratch
 * space the algorithm owns.
 */
#ifndef XDPSERVE_TCP_CC_H
#define XDPSERVE_TCP_CC_H

#include <stdint.h>

enum tcp_cc_event {
	TCP_CC_EVENT_FAST_RECOVERY, /* three duplicate ACKs: recovery starts */
	TCP_CC_EVENT_RECOVERED,	    /* recovery ended with a full ACK */
	TCP_CC_EVENT_RTO,	    /* retransmission timeout */
	/*
	 * The reduction was spurious (D-SACK or timestamps said so): the core
	 * restored cwnd, ssthresh and priv as they were before it.
	 */
	TCP_CC_EVENT_UNDO,
};

struct tcp_cc {
	uint32_t cwnd;	   /* bytes */
	uint32_t ssthresh; /* bytes; UINT32_MAX until the first loss */
	uint32_t mss;	   /* sender MSS, bytes */
	uint32_t flight;   /* bytes sent and not acknowledged, when the hook runs */
	uint64_t now_ns;   /* time of the hook */
	uint64_t srtt_ns;  /* smoothed RTT, 0 before the first sample */
	uint32_t snd_una;  /* oldest unacknowledged sequence number */
	uint32_t snd_max;  /* highest sequence number sent + 1 (round ends) */
	uint64_t priv[14]; /* the algorithm's own state */
};

struct tcp_cc_ops {
	const char *name;
	/* New connection: cwnd/ssthresh/mss are set; initialise priv. Optional. */
	void (*init)(struct tcp_cc *cc);
	/* ssthresh after a loss (fast retransmit or RTO). Required. */
	uint32_t (*ssthresh)(struct tcp_cc *cc);
	/* `acked` new bytes were acknowledged outside recovery: grow cwnd. Required. */
	void (*cong_avoid)(struct tcp_cc *cc, uint32_t acked);
	/* An RTT sample came in. Optional. */
	void (*pkts_acked)(struct tcp_cc *cc, uint32_t acked, uint64_t rtt_ns);
	/* Loss and recovery events, after the core adjusted cwnd. Optional. */
	void (*cwnd_event)(struct tcp_cc *cc, enum tcp_cc_event ev);
};

/* RFC 5681 / RFC 6582 NewReno (cc_newreno.c). */
extern const struct tcp_cc_ops tcp_cc_newreno;
/* RFC 9438 CUBIC with RFC 9406 HyStart++ slow start (cc_cubic.c); the default. */
extern const struct tcp_cc_ops tcp_cc_cubic;

/* Look an algorithm up by name ("cubic", "newreno"); NULL when unknown. */
const struct tcp_cc_ops *tcp_cc_find(const char *name);

#endif /* XDPSERVE_TCP_CC_H */
