// SPDX-License-Identifier: GPL-2.0-only
/*
 * cc_cubic.c — CUBIC window growth (RFC 9438) with HyStart++ slow start
 * (RFC 9406); the stack's default algorithm. Called through struct
 * tcp_cc_ops by the core (tcp_ack.c: cong_avoid, pkts_acked; tcp_ack.c and
 * tcp_timer.c: ssthresh, cwnd_event); fast recovery itself stays in the core.
 *
 * Windows are in bytes; the RFC's formulas count segments, so C is scaled
 * by the MSS: W_cubic(t) = C * MSS * (t - K)^3 + W_max with t in seconds,
 * K = cbrt((W_max - cwnd_epoch) / (C * MSS)). Time is the core's now_ns:
 * this file reads no clock. Floating point is fine here: it runs once per
 * ACK in user space, and a double keeps the formulas as the RFC writes them.
 *
 *   slow start (HyStart++: +min(acked, 8 MSS), 1/4 of that in CSS)
 *     -> congestion avoidance: max(W_cubic target, Reno-friendly W_est)
 *     -> loss: W_max = cwnd (fast convergence: cwnd * (1 + beta) / 2),
 *        ssthresh = cwnd * beta, a new epoch at the next ACK.
 */
#include <stdbool.h>
#include <string.h>

#include "tcp/cc.h"

#define CUBIC_C	   0.4 /* segments per second^3 (RFC 9438 §5.1) */
#define CUBIC_BETA 0.7 /* multiplicative decrease (§4.6) */
/* Reno-friendly additive increase per RTT while W_est < cwnd_prior (§4.3). */
#define CUBIC_ALPHA (3.0 * (1.0 - CUBIC_BETA) / (1.0 + CUBIC_BETA))

/* HyStart++ constants (RFC 9406 §4.3). */
#define HYSTART_MIN_RTT_THRESH_NS  4000000ull
#define HYSTART_MAX_RTT_THRESH_NS  16000000ull
#define HYSTART_MIN_RTT_DIVISOR	   8
#define HYSTART_N_RTT_SAMPLE	   8
#define HYSTART_CSS_GROWTH_DIVISOR 4
#define HYSTART_CSS_ROUNDS	   5
/* Segments per ACK in slow start: L = 8 for a sender that does not pace. */
#define HYSTART_L 8
/* Slow start after an RTO (no HyStart++): RFC 3465's L = 2. */
#define CUBIC_SS_L 2
/* cwnd stays far below 2^32 (and below any window the peer can offer). */
#define CUBIC_CWND_MAX (1u << 30)

#define RTT_NONE UINT64_MAX

struct cubic {
	double w_max;	   /* bytes: window before the last reduction (fast convergence applied) */
	double cwnd_prior; /* bytes: cwnd when the last congestion event came */
	double k;	   /* seconds from the epoch's start until W_cubic reaches w_max */
	double cwnd_epoch; /* bytes: cwnd when the epoch began */
	double w_est;	   /* bytes: the Reno-friendly estimate */
	double grow;	   /* fractional bytes of increase not yet added */
	uint64_t epoch_ns; /* start of this congestion avoidance stage; 0: none yet */
	uint64_t last_ns;  /* the last ACK that could grow the window */
	/* HyStart++ (initial slow start only). */
	uint64_t last_round_min_rtt, cur_round_min_rtt, css_baseline_min_rtt;
	uint32_t window_end;  /* the round ends when SND.UNA reaches this */
	uint32_t rtt_samples; /* in this round */
	uint8_t css_rounds;
	bool hystart;	  /* HyStart++ still runs */
	bool in_css;	  /* conservative slow start */
	bool round_valid; /* window_end is set */
};

_Static_assert(sizeof(struct cubic) <= sizeof(((struct tcp_cc *)0)->priv),
	       "struct cubic fits tcp_cc.priv");

static struct cubic *cubic(struct tcp_cc *cc)
{
	return (struct cubic *)cc->priv;
}

static uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* Cube root by Newton's method from above (x^3 - v is convex for x > 0). */
static double cubic_cbrt(double v)
{
	double x;

	if (v <= 0)
		return 0;
	x = v > 1 ? v : 1;
	for (int i = 0; i < 200; i++) {
		double next = (2 * x + v / (x * x)) / 3;

		if (next >= x)
			break;
		x = next;
	}
	return x;
}

/* W_cubic(t) in bytes, t in seconds since the epoch began (RFC 9438 eq. 1). */
static double cubic_w(const struct cubic *cb, double mss, double t)
{
	double d = t - cb->k;

	return CUBIC_C * mss * d * d * d + cb->w_max;
}

static void cubic_init(struct tcp_cc *cc)
{
	struct cubic *cb = cubic(cc);

	memset(cb, 0, sizeof(*cb));
	cb->hystart = true;
	cb->last_round_min_rtt = cb->cur_round_min_rtt = RTT_NONE;
	cb->css_baseline_min_rtt = RTT_NONE;
}

/* A congestion event (RFC 9438 §4.6, §4.7): W_max and the new ssthresh. */
static uint32_t cubic_ssthresh(struct tcp_cc *cc)
{
	struct cubic *cb = cubic(cc);
	double cwnd = cc->cwnd;
	uint32_t ss = (uint32_t)(cwnd * CUBIC_BETA);

	cb->hystart = false;
	cb->in_css = false;
	cb->epoch_ns = 0;
	cb->cwnd_prior = cwnd;
	/* Fast convergence: a flow whose window shrank leaves room to newcomers. */
	cb->w_max = cwnd < cb->w_max ? cwnd * (1.0 + CUBIC_BETA) / 2.0 : cwnd;
	return ss > 2 * cc->mss ? ss : 2 * cc->mss;
}

/* The first ACK of a congestion avoidance stage starts its epoch (§4.2). */
static void cubic_epoch_start(struct tcp_cc *cc)
{
	struct cubic *cb = cubic(cc);

	cb->epoch_ns = cc->now_ns ? cc->now_ns : 1;
	cb->last_ns = 0;
	cb->cwnd_epoch = cc->cwnd;
	cb->w_est = cc->cwnd;
	cb->grow = 0;
	if (cb->w_max <= cb->cwnd_epoch) {
		/* Slow start left without a loss (HyStart++), or above W_max: K = 0. */
		cb->w_max = cb->cwnd_epoch;
		cb->k = 0;
	} else {
		cb->k = cubic_cbrt((cb->w_max - cb->cwnd_epoch) / (CUBIC_C * cc->mss));
	}
	if (cb->cwnd_prior < cb->w_max)
		cb->cwnd_prior = cb->w_max;
}

/* Congestion avoidance (§4.2-4.5): the cubic target, or W_est where Reno is faster. */
static void cubic_avoid(struct tcp_cc *cc, uint32_t acked)
{
	struct cubic *cb = cubic(cc);
	double mss = cc->mss, cwnd = cc->cwnd, t, target, alpha;

	if (!cb->epoch_ns)
		cubic_epoch_start(cc);
	/*
	 * Time the window was not in use (idle, or limited by the application
	 * or the receiver: the core does not call this then) does not move
	 * along the curve (RFC 9438 §5.8): shift the epoch past it.
	 */
	if (cb->last_ns && cc->now_ns - cb->last_ns > cc->srtt_ns) {
		cb->epoch_ns += cc->now_ns - cb->last_ns - cc->srtt_ns;
		if (cb->epoch_ns > cc->now_ns)
			cb->epoch_ns = cc->now_ns;
	}
	cb->last_ns = cc->now_ns;
	t = (double)(cc->now_ns - cb->epoch_ns) / 1e9;
	target = cubic_w(cb, mss, t + (double)cc->srtt_ns / 1e9);
	if (target < cwnd)
		target = cwnd;
	else if (target > 1.5 * cwnd)
		target = 1.5 * cwnd;

	alpha = cb->w_est >= cb->cwnd_prior ? 1.0 : CUBIC_ALPHA;
	cb->w_est += alpha * mss * acked / cwnd;
	if (cubic_w(cb, mss, t) < cb->w_est) {
		/* Reno-friendly region (§4.3); an ACK never shrinks the window. */
		if (cb->w_est > cwnd)
			cc->cwnd = min_u32((uint32_t)cb->w_est, CUBIC_CWND_MAX);
		return;
	}
	cb->grow += (target - cwnd) * acked / cwnd;
	if (cb->grow >= 1.0) {
		uint32_t inc = (uint32_t)cb->grow;

		cb->grow -= inc;
		cc->cwnd = min_u32(cc->cwnd + inc, CUBIC_CWND_MAX);
	}
}

static void cubic_slow_start(struct tcp_cc *cc, uint32_t acked)
{
	struct cubic *cb = cubic(cc);
	uint32_t inc = min_u32(acked, (cb->hystart ? HYSTART_L : CUBIC_SS_L) * cc->mss);

	if (cb->in_css)
		inc /= HYSTART_CSS_GROWTH_DIVISOR;
	cc->cwnd = min_u32(cc->cwnd + inc, CUBIC_CWND_MAX);
	if (cc->cwnd > cc->ssthresh)
		cc->cwnd = cc->ssthresh;
}

static void cubic_cong_avoid(struct tcp_cc *cc, uint32_t acked)
{
	if (cc->cwnd < cc->ssthresh)
		cubic_slow_start(cc, acked);
	else
		cubic_avoid(cc, acked);
}

/* HyStart++ rounds (RFC 9406 §4.2): one per window of data, ended by SND.UNA. */
static void hystart_round(struct tcp_cc *cc)
{
	struct cubic *cb = cubic(cc);

	if (cb->round_valid && (int32_t)(cc->snd_una - cb->window_end) < 0)
		return;
	if (cb->round_valid && cb->in_css && ++cb->css_rounds >= HYSTART_CSS_ROUNDS) {
		/* CSS_ROUNDS rounds of CSS: on to congestion avoidance. */
		cc->ssthresh = cc->cwnd;
		cb->hystart = false;
		cb->in_css = false;
		return;
	}
	cb->round_valid = true;
	cb->window_end = cc->snd_max;
	cb->last_round_min_rtt = cb->cur_round_min_rtt;
	cb->cur_round_min_rtt = RTT_NONE;
	cb->rtt_samples = 0;
}

static uint64_t hystart_rtt_thresh(uint64_t last_min)
{
	uint64_t t = last_min / HYSTART_MIN_RTT_DIVISOR;

	if (t > HYSTART_MAX_RTT_THRESH_NS)
		t = HYSTART_MAX_RTT_THRESH_NS;
	return t < HYSTART_MIN_RTT_THRESH_NS ? HYSTART_MIN_RTT_THRESH_NS : t;
}

static void cubic_pkts_acked(struct tcp_cc *cc, uint32_t acked, uint64_t rtt_ns)
{
	struct cubic *cb = cubic(cc);

	(void)acked;
	if (!cb->hystart || cc->cwnd >= cc->ssthresh)
		return;
	hystart_round(cc);
	if (!cb->hystart)
		return;
	if (rtt_ns < cb->cur_round_min_rtt)
		cb->cur_round_min_rtt = rtt_ns;
	cb->rtt_samples++;
	if (cb->rtt_samples < HYSTART_N_RTT_SAMPLE || cb->last_round_min_rtt == RTT_NONE)
		return;
	if (!cb->in_css &&
	    cb->cur_round_min_rtt >=
		    cb->last_round_min_rtt + hystart_rtt_thresh(cb->last_round_min_rtt)) {
		/* The delay grew: the queue fills. Conservative slow start. */
		cb->css_baseline_min_rtt = cb->cur_round_min_rtt;
		cb->in_css = true;
		cb->css_rounds = 0;
	} else if (cb->in_css && cb->cur_round_min_rtt < cb->css_baseline_min_rtt) {
		/* The increase was spurious: back to slow start. */
		cb->css_baseline_min_rtt = RTT_NONE;
		cb->in_css = false;
	}
}

static void cubic_cwnd_event(struct tcp_cc *cc, enum tcp_cc_event ev)
{
	struct cubic *cb = cubic(cc);

	/* After an RTO slow start is the standard one; after an undo, a new epoch. */
	if (ev == TCP_CC_EVENT_RTO || ev == TCP_CC_EVENT_UNDO)
		cb->epoch_ns = 0;
	if (ev == TCP_CC_EVENT_RTO)
		cb->hystart = false;
}

const struct tcp_cc_ops tcp_cc_cubic = {
	.name = "cubic",
	.init = cubic_init,
	.ssthresh = cubic_ssthresh,
	.cong_avoid = cubic_cong_avoid,
	.pkts_acked = cubic_pkts_acked,
	.cwnd_event = cubic_cwnd_event,
};
