// SPDX-License-Identifier: GPL-2.0-only
/*
 * NewReno: window growth through its ops table (RFC 5681 §3.1 slow start
 * and congestion avoidance, ssthresh = max(FlightSize / 2, 2 SMSS)), and
 * the core's fast recovery on a real connection without SACK (RFC 6582:
 * halving, inflation by duplicate ACKs, partial-ACK deflation, the full
 * ACK, and a new recovery right after the last one), and RFC 7661
 * validation of an unused window.
 */
#include <criterion/criterion.h>

#include "harness.h"
#include "tcp/cc.h"

#define SEG 1000u

static const struct tcp_cc_ops *ops = &tcp_cc_newreno;

Test(newreno_ops, slow_start_one_segment_per_ack)
{
	struct tcp_cc cc = {.cwnd = 10 * SEG, .ssthresh = UINT32_MAX, .mss = SEG};

	ops->init(&cc);
	for (int i = 0; i < 10; i++)
		ops->cong_avoid(&cc, SEG);
	cr_assert_eq(cc.cwnd, 20 * SEG, "a round of ACKs doubles the window");
	ops->cong_avoid(&cc, 4 * SEG);
	cr_assert_eq(cc.cwnd, 21 * SEG, "RFC 5681: at most one SMSS per ACK");
	ops->cong_avoid(&cc, 300);
	cr_assert_eq(cc.cwnd, 21 * SEG + 300, "and no more than acknowledged");
}

Test(newreno_ops, congestion_avoidance_one_segment_per_window)
{
	struct tcp_cc cc = {.cwnd = 20 * SEG, .ssthresh = 10 * SEG, .mss = SEG};

	ops->init(&cc);
	for (int i = 0; i < 19; i++)
		ops->cong_avoid(&cc, SEG);
	cr_assert_eq(cc.cwnd, 20 * SEG);
	ops->cong_avoid(&cc, SEG);
	cr_assert_eq(cc.cwnd, 21 * SEG, "one SMSS per cwnd of acknowledged bytes");
}

Test(newreno_ops, ssthresh_halves_the_flight)
{
	struct tcp_cc cc = {.cwnd = 40 * SEG, .ssthresh = UINT32_MAX, .mss = SEG};

	ops->init(&cc);
	cc.flight = 30 * SEG;
	cr_assert_eq(ops->ssthresh(&cc), 15 * SEG, "FlightSize / 2, not cwnd / 2");
	cc.flight = 3 * SEG;
	cr_assert_eq(ops->ssthresh(&cc), 2 * SEG, "at least two segments");
}

/* --- fast recovery in the core, a client without SACK ------------------- */

static struct harness H;
static struct h_app *A;
static uint8_t data[256 * 1024];
static const uint32_t mss = 1448;

static void setup(void)
{
	struct tcp_config cfg;
	struct h_syn o = {1460, 7, false, true};

	h_default_config(&cfg);
	cfg.cc = &tcp_cc_newreno;
	cfg.tx_copy_size = sizeof(data);
	h_init(&H, &cfg, 4, false, 0);
	A = h_connect(&H, &o);
	for (uint32_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 13 + i / 257);
}

static void teardown(void)
{
	h_fini(&H);
}

TestSuite(newreno, .init = setup, .fini = teardown);

static uint32_t cwnd(void)
{
	struct tcp_conn_info info;

	tcp_conn_get_info(A->c, &info);
	return info.cwnd;
}

/* Data segments sent now: how many, and the first one's offset from the ISN + 1. */
static int sent(uint32_t *first)
{
	struct pkt_info pi;
	int n = 0;

	while (h_recv(&H, &pi))
		if (pi.len) {
			if (!n && first)
				*first = pi.seq - H.s_nxt;
			n++;
		}
	return n;
}

static void ack(uint32_t off)
{
	h_ack(&H, H.s_nxt + off, 65535 << 7);
	h_poll(&H);
}

Test(newreno, halving_inflation_partial_and_full_ack)
{
	uint32_t first = 0;

	tcp_conn_send_copy(A->c, data, 40 * mss);
	h_poll(&H);
	cr_assert_eq(sent(NULL), 10);
	/* Segments 0 and 4 lost: three duplicates from 1, 2, 3 (limited transmit sends two). */
	for (int i = 0; i < 3; i++)
		ack(0);
	cr_assert_eq(sent(&first), 3, "two limited-transmit segments, then segment 0 again");
	/* Flight 12 segments: ssthresh 6, cwnd 6 + 3. */
	cr_assert_eq(cwnd(), 6 * mss + 3 * mss);
	/* Each further duplicate inflates by one segment (RFC 6582 step 3). */
	for (int i = 0; i < 4; i++)
		ack(0);
	cr_assert_eq(cwnd(), 13 * mss);
	sent(NULL);
	/* Partial ACK up to the hole at 4: deflate by 4 segments, add one back (step 4). */
	ack(4 * mss);
	cr_assert_eq(cwnd(), 13 * mss - 4 * mss + mss);
	cr_assert_geq(sent(&first), 1);
	cr_assert_eq(first, 4 * mss, "the next hole goes at once");
	/* Full ACK: cwnd = min(ssthresh, max(FlightSize, SMSS) + SMSS) (step 3 of exit). */
	ack(12 * mss);
	cr_assert_leq(cwnd(), 6 * mss);
	cr_assert_eq(h_stats(&H)->rto_fired, 0);
}

Test(newreno, a_new_loss_right_after_recovery_is_fast_retransmitted)
{
	uint32_t first = 0;

	tcp_conn_send_copy(A->c, data, 80 * mss);
	h_poll(&H);
	cr_assert_eq(sent(NULL), 10);
	for (int i = 0; i < 3; i++)
		ack(0);
	sent(NULL);
	/* Full ACK of everything sent so far: SND.UNA == recover. */
	ack(12 * mss);
	sent(NULL);
	/* The first segment after recover is lost: three duplicates at exactly recover. */
	for (int i = 0; i < 2; i++) {
		ack(12 * mss);
		sent(NULL); /* limited transmit */
	}
	ack(12 * mss);
	cr_assert_geq(sent(&first), 1);
	cr_assert_eq(first, 12 * mss, "RFC 6582 §3.2: the ACK covers recover, a new recovery");
	cr_assert_eq(h_stats(&H)->rto_fired, 0);
}

/* RFC 7661: a window left unused for the non-validated period (5 min) is halved. */
Test(newreno, unused_window_is_halved_after_the_non_validated_period)
{
	struct pkt_info pi;
	uint32_t acked = 0, grown, queued = 120 * mss;

	/* Grow the window: a long answer, each segment acknowledged. */
	tcp_conn_send_copy(A->c, data, queued);
	while (acked < queued) {
		uint32_t top = acked;

		h_poll(&H);
		while (h_recv(&H, &pi))
			if (pi.len)
				top = pi.seq - H.s_nxt + pi.len;
		H.now += 10 * MS;
		for (uint32_t a = acked + mss; a <= top; a += mss)
			ack(a);
		acked = top;
		ack(acked);
	}
	grown = cwnd();
	cr_assert_gt(grown, 40 * mss, "slow start grew it (%u)", grown);
	/* Then the application sends a little every 10 s: the window is not in use. */
	for (int i = 1; i <= 31; i++) {
		H.now += 10 * SEC;
		tcp_conn_send_copy(A->c, data, 100);
		h_poll(&H);
		h_drain(&H);
		ack(acked + 100);
		acked += 100;
		if (i == 29)
			cr_assert_eq(cwnd(), grown, "kept through the non-validated period");
	}
	cr_assert_eq(cwnd(), grown / 2, "halved after 5 minutes unused");
	cr_assert(!A->closed);
}
