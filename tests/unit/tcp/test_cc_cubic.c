// SPDX-License-Identifier: GPL-2.0-only
/*
 * CUBIC (RFC 9438) and HyStart++ (RFC 9406) through their ops table, on a
 * simulated ACK clock: the window after a loss against W_cubic(t) =
 * C (t - K)^3 + W_max with K = cbrt(W_max (1 - beta) / C) and beta = 0.7,
 * the Reno-friendly region, fast convergence, and slow start leaving for
 * conservative slow start when the RTT grows. Plus the initial window of a
 * real connection (RFC 6928) and the default algorithm.
 */
#include <criterion/criterion.h>

#include <math.h>

#include "harness.h"
#include "tcp/cc.h"

#define SEG 1000u

static const struct tcp_cc_ops *ops = &tcp_cc_cubic;

static void cc_new(struct tcp_cc *cc, uint32_t cwnd_segs, uint32_t ssthresh)
{
	*cc = (struct tcp_cc){.cwnd = cwnd_segs * SEG, .ssthresh = ssthresh, .mss = SEG};
	ops->init(cc);
}

/*
 * One round trip: a window's worth of ACKs of one segment each, evenly
 * spread over `rtt`, each with that RTT as its sample.
 */
static void cc_round(struct tcp_cc *cc, uint64_t *now, uint64_t rtt)
{
	uint32_t n = cc->cwnd / SEG;

	for (uint32_t i = 0; i < n; i++) {
		cc->now_ns = *now + rtt * (i + 1) / n;
		/* The window was full when this ACK left the receiver. */
		cc->snd_max = cc->snd_una + cc->cwnd;
		cc->snd_una += SEG;
		cc->srtt_ns = rtt;
		ops->cong_avoid(cc, SEG);
		ops->pkts_acked(cc, SEG, rtt);
	}
	*now += rtt;
}

/* W_cubic(t) in segments (RFC 9438 eq. 1). */
static double w_cubic(double t, double w_max, double k)
{
	return 0.4 * pow(t - k, 3) + w_max;
}

/* A loss at w_max segments, then congestion avoidance from there. */
static void cc_after_loss(struct tcp_cc *cc, uint32_t w_max, uint64_t now)
{
	cc_new(cc, w_max, w_max * SEG / 2); /* in congestion avoidance */
	cc->now_ns = now;
	cc->ssthresh = ops->ssthresh(cc);
	cc->cwnd = cc->ssthresh; /* what the core does when recovery ends */
}

Test(cubic, loss_multiplies_by_beta)
{
	struct tcp_cc cc;

	cc_after_loss(&cc, 100, 1);
	cr_assert_eq(cc.ssthresh, 70 * SEG, "ssthresh = 0.7 * cwnd, got %u", cc.ssthresh);
	cc_after_loss(&cc, 2, 1);
	cr_assert_eq(cc.ssthresh, 2 * SEG, "never below two segments");
}

Test(cubic, window_follows_w_cubic_and_reaches_w_max_at_k)
{
	const double w_max = 200, k = cbrt(w_max * (1 - 0.7) / 0.4); /* 5.31 s */
	const uint64_t rtt = 100 * MS, t0 = 10 * SEC;
	struct tcp_cc cc;
	uint64_t now = t0;
	bool at_k = false;

	cc_after_loss(&cc, (uint32_t)w_max, now);
	while (now - t0 < 8 * SEC) {
		double t, w, lo, hi;

		cc_round(&cc, &now, rtt);
		t = (double)(now - t0) / 1e9;
		w = (double)cc.cwnd / SEG;
		/* The per-ACK target is W_cubic(t + RTT); the window trails it by under an RTT. */
		lo = w_cubic(t - 0.1, w_max, k) - 1;
		hi = w_cubic(t + 0.1, w_max, k) + 1;
		cr_assert(w >= lo && w <= hi, "t=%.1f s: cwnd %.1f segments, W_cubic %.1f", t, w,
			  w_cubic(t, w_max, k));
		if (fabs(t - k) < 0.05 + 1e-9) {
			cr_assert(fabs(w - w_max) <= 2, "at t = K cwnd %.1f, W_max %.0f", w, w_max);
			at_k = true;
		}
	}
	cr_assert(at_k);
	cr_assert_gt(cc.cwnd, (w_max + 5) * SEG, "convex region after K");
}

Test(cubic, time_without_use_does_not_count)
{
	const uint64_t rtt = 100 * MS;
	struct tcp_cc cc;
	uint64_t now = 10 * SEC;
	uint32_t before;

	cc_after_loss(&cc, 200, now);
	for (int r = 0; r < 10; r++)
		cc_round(&cc, &now, rtt);
	before = cc.cwnd;
	/* 20 s in which the window is not used (no growth-eligible ACK), then on. */
	now += 20 * SEC;
	cc_round(&cc, &now, rtt);
	cr_assert_lt(cc.cwnd, before + before / 20, "cwnd %u after the pause, %u before", cc.cwnd,
		     before);
}

Test(cubic, reno_friendly_region_on_short_rtt)
{
	/* Small W_max, 10 ms RTT: Reno's one-segment-per-RTT line beats the cubic curve. */
	const double alpha = 3 * (1 - 0.7) / (1 + 0.7);
	const uint64_t rtt = 10 * MS;
	struct tcp_cc cc;
	uint64_t now = SEC;

	cc_after_loss(&cc, 20, now);
	for (int r = 1; r <= 10; r++) {
		double w_est = 14 + alpha * r, k = cbrt(20 * 0.3 / 0.4);

		cc_round(&cc, &now, rtt);
		cr_assert(fabs((double)cc.cwnd / SEG - w_est) < 0.6,
			  "round %d: cwnd %.2f, W_est %.2f (W_cubic %.2f)", r,
			  (double)cc.cwnd / SEG, w_est, w_cubic(r * 0.01, 20, k));
	}
}

Test(cubic, fast_convergence_lowers_w_max)
{
	const double w_max2 = 100 * (1 + 0.7) / 2, k = cbrt((w_max2 - 70) / 0.4);
	struct tcp_cc cc;
	uint64_t now = SEC;

	/* Loss at 150, then again at 100: the flow yields, W_max = 100 (1 + beta) / 2. */
	cc_after_loss(&cc, 150, now);
	cc.cwnd = 100 * SEG;
	cc.ssthresh = ops->ssthresh(&cc);
	cc.cwnd = cc.ssthresh;
	cr_assert_eq(cc.ssthresh, 70 * SEG);
	while (now < SEC + (uint64_t)(k * 1e9))
		cc_round(&cc, &now, 200 * MS); /* long RTT: W_est stays below the curve */
	cr_assert(fabs((double)cc.cwnd / SEG - w_max2) <= 2, "at K: cwnd %.1f, W_max %.1f",
		  (double)cc.cwnd / SEG, w_max2);
}

Test(cubic, slow_start_grows_by_acked_bytes)
{
	struct tcp_cc cc;
	uint64_t now = SEC;

	cc_new(&cc, 10, UINT32_MAX);
	cc_round(&cc, &now, 20 * MS);
	cr_assert_eq(cc.cwnd, 20 * SEG, "one round doubles the window");
	/* A stretch ACK of 16 segments counts for at most L = 8 (RFC 9406). */
	ops->cong_avoid(&cc, 16 * SEG);
	cr_assert_eq(cc.cwnd, 28 * SEG);
}

Test(cubic, hystart_leaves_slow_start_when_the_rtt_grows)
{
	struct tcp_cc cc;
	uint64_t now = SEC, rtt = 20 * MS;
	uint32_t before;

	cc_new(&cc, 10, UINT32_MAX);
	cc_round(&cc, &now, rtt);
	cc_round(&cc, &now, rtt);
	/* The queue builds: RTT up by more than max(4 ms, RTT / 8); a round to notice. */
	cc_round(&cc, &now, rtt + 6 * MS);
	before = cc.cwnd;
	cc_round(&cc, &now, rtt + 6 * MS);
	cr_assert_lt(cc.cwnd, before + before / 2, "conservative slow start: growth / 4");
	cr_assert_gt(cc.cwnd, before + before / 8);
	cr_assert_eq(cc.ssthresh, UINT32_MAX, "still (conservative) slow start");
	for (int r = 0; r < 5; r++)
		cc_round(&cc, &now, rtt + 6 * MS);
	/* After CSS_ROUNDS rounds: ssthresh = cwnd, then (slower) congestion avoidance. */
	cr_assert_neq(cc.ssthresh, UINT32_MAX);
	cr_assert(cc.cwnd >= cc.ssthresh && cc.cwnd < cc.ssthresh + cc.ssthresh / 10,
		  "cwnd %u ssthresh %u", cc.cwnd, cc.ssthresh);
}

Test(cubic, hystart_keeps_slow_start_on_a_steady_rtt)
{
	struct tcp_cc cc;
	uint64_t now = SEC;

	cc_new(&cc, 10, UINT32_MAX);
	for (int r = 0; r < 6; r++)
		cc_round(&cc, &now, 20 * MS);
	cr_assert_eq(cc.cwnd, 640 * SEG, "six doublings");
	cr_assert_eq(cc.ssthresh, UINT32_MAX);
}

/* A real connection: the default algorithm, and ten segments in the first flight. */
Test(cubic, default_with_an_initial_window_of_ten)
{
	static uint8_t data[64 * 1024];
	struct harness h;
	struct tcp_config cfg;
	struct h_syn o = {1460, 7, true, true};
	struct pkt_info pi;
	struct h_app *a;
	int n = 0;

	tcp_config_default(&cfg);
	cr_assert_eq(cfg.cc, &tcp_cc_cubic);
	cr_assert_eq(tcp_cc_find("cubic"), &tcp_cc_cubic);
	cr_assert_eq(tcp_cc_find("newreno"), &tcp_cc_newreno);
	cr_assert_null(tcp_cc_find("bbr"));
	h_default_config(&cfg);
	cfg.tx_copy_size = sizeof(data);
	h_init(&h, &cfg, 4, false, 0);
	a = h_connect(&h, &o);
	cr_assert_eq(tcp_conn_send_copy(a->c, data, sizeof(data)), 0);
	h_poll(&h);
	while (h_recv(&h, &pi))
		n += pi.len > 0;
	cr_assert_eq(n, 10, "RFC 6928: IW = 10 segments, got %d", n);
	h_fini(&h);
}
