// SPDX-License-Identifier: GPL-2.0-only
/*
 * cc_newreno.c — NewReno window growth (RFC 5681 §3.1): slow start adds up
 * to one MSS per ACK (appropriate byte counting, RFC 3465 with L = 1 MSS),
 * congestion avoidance one MSS per window of acknowledged bytes; after a
 * loss ssthresh = max(FlightSize / 2, 2 * MSS). Fast recovery itself is in
 * the core (tcp_ack.c). Called through struct tcp_cc_ops.
 */
#include "tcp/cc.h"

/* priv[0]: bytes acknowledged in congestion avoidance since the last increase. */
#define NEWRENO_ACKED(cc) ((cc)->priv[0])

static void newreno_init(struct tcp_cc *cc)
{
	NEWRENO_ACKED(cc) = 0;
}

static uint32_t newreno_ssthresh(struct tcp_cc *cc)
{
	uint32_t half = cc->flight / 2;

	NEWRENO_ACKED(cc) = 0;
	return half > 2 * cc->mss ? half : 2 * cc->mss;
}

static void newreno_cong_avoid(struct tcp_cc *cc, uint32_t acked)
{
	if (cc->cwnd < cc->ssthresh) {
		cc->cwnd += acked < cc->mss ? acked : cc->mss;
		return;
	}
	NEWRENO_ACKED(cc) += acked;
	if (NEWRENO_ACKED(cc) >= cc->cwnd) {
		NEWRENO_ACKED(cc) -= cc->cwnd;
		cc->cwnd += cc->mss;
	}
}

const struct tcp_cc_ops tcp_cc_newreno = {
	.name = "newreno",
	.init = newreno_init,
	.ssthresh = newreno_ssthresh,
	.cong_avoid = newreno_cong_avoid,
};
