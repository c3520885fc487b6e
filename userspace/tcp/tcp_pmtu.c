// SPDX-License-Identifier: GPL-2.0-only
/*
 * tcp_pmtu.c — path MTU for the TCP stack: a connection's send MSS comes
 * down when the path says so, and never below the floors of RFC 1191 /
 * RFC 8201.
 *
 *   tcp_stack__input() -> eth_input() (ICMP "fragmentation needed" or
 *     ICMPv6 "packet too big", parsed in net/) -> tcp_pmtu_input(): the
 *     quoted segment's connection, its sequence number within
 *     SND.UNA..SND.MAX (RFC 5927 §4.1), then the MSS is lowered and what
 *     is in flight is sent again at the new size (the send queue refers to
 *     content by offset, so the go-back rebuilds smaller segments).
 *   tcp_timer_rexmt() (RTO) -> tcp_pmtu_rto(): black-hole detection in the
 *     spirit of RFC 4821 — where no ICMP arrives, two RTOs in a row of a
 *     segment larger than that lower the MSS to what a 1280-byte MTU carries,
 *     then by halves toward the floor. The MSS is not raised again for the
 *     connection's life (no probing upwards).
 *
 * The XDP program sends an ICMP error to the AF_XDP socket of the queue it
 * arrived on; with several queues that need not be the connection's
 * worker, which then counts it as ignored (no connection) — black-hole
 * detection still covers that connection.
 */
#include <string.h>

#include "tcp/tcp_int.h"

/* Payload floors: a 576-byte IPv4 datagram (RFC 1122 §3.3.3) and the IPv6 minimum MTU. */
#define PMTU_MSS_MIN_V4 (576 - NET_IPV4_HLEN - TCP_HLEN)
#define PMTU_MSS_MIN_V6 (1280 - NET_IPV6_HLEN - TCP_HLEN)
/* The MTU black-hole detection falls back to first: nearly every path carries it. */
#define PMTU_BLACKHOLE_MTU 1280
/* Consecutive RTOs of a segment over the fallback size that count as a black hole. */
#define PMTU_BLACKHOLE_RTOS 2

static inline uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t pmtu_ip_hlen(const struct tcp_conn *c)
{
	return c->tuple.family == NET_FAMILY_INET ? NET_IPV4_HLEN : NET_IPV6_HLEN;
}

static uint32_t pmtu_mss_floor(const struct tcp_conn *c)
{
	uint32_t opts = c->ts_ok ? TCPOLEN_TS_ALIGNED : 0;

	return (c->tuple.family == NET_FAMILY_INET ? PMTU_MSS_MIN_V4 : PMTU_MSS_MIN_V6) - opts;
}

/* The payload a segment of c carries on a path of `mtu` bytes, floor included. */
static uint32_t tcp_pmtu_mss_for(const struct tcp_conn *c, uint32_t mtu)
{
	uint32_t hdrs = pmtu_ip_hlen(c) + TCP_HLEN + (c->ts_ok ? TCPOLEN_TS_ALIGNED : 0);
	uint32_t floor = pmtu_mss_floor(c);

	return mtu > hdrs && mtu - hdrs > floor ? mtu - hdrs : floor;
}

/* Lower c's MSS to mss (smaller than now): congestion state follows, nothing is lost. */
static void tcp_pmtu_lower(struct tcp_conn *c, uint32_t mss)
{
	uint32_t segs = c->cc.cwnd / c->mss;

	c->mss = (uint16_t)mss;
	c->cc.mss = (uint16_t)mss;
	/* The same number of segments in the window, as a cwnd counted in packets would keep. */
	c->cc.cwnd = (segs ? segs : 1) * mss;
}

void tcp_pmtu_input(struct tcp_stack *s, const struct net_rx *rx)
{
	struct tcp_tuple t;
	struct tcp_conn *c;
	uint32_t seq, mss;

	if (rx->l4_len < 8)
		goto ignore;
	/* The quoted segment went from us: its source port is ours. */
	tcp_conn_tuple_from_rx(&t, rx, (uint16_t)(rx->l4[0] << 8 | rx->l4[1]),
			       (uint16_t)(rx->l4[2] << 8 | rx->l4[3]));
	c = tcp_conn_lookup(s, &t);
	if (!c)
		goto ignore;
	/* RFC 5927 §4.1: only a segment in flight can be too big; anything else is forged or old.
	 */
	seq = get_be32(rx->l4 + 4);
	if (seq_lt(seq, c->snd_una) || !seq_lt(seq, c->snd_max))
		goto ignore;
	mss = tcp_pmtu_mss_for(c, rx->ptb_mtu);
	if (mss >= c->mss)
		goto ignore;
	s->stats.pmtu_icmp_accepted++;
	tcp_pmtu_lower(c, mss);
	/*
	 * Everything in flight was at least as large as the packet that did not
	 * fit: resend. Those losses are real, so an undo of an earlier
	 * reduction must not move SND.NXT past them again.
	 */
	tcp_rack_undo_cancel(c);
	c->snd_nxt = c->snd_una;
	c->rtt_timing = false;
	tcp_conn_want_output(c);
	return;
ignore:
	s->stats.pmtu_icmp_ignored++;
}

void tcp_pmtu_rto(struct tcp_conn *c)
{
	uint32_t floor = pmtu_mss_floor(c), out = c->snd_max - c->snd_una, mss;
	/* The head of the queue: what the timed-out retransmission carried. */
	uint32_t head = out < c->mss ? out : c->mss;

	if (c->retransmits < PMTU_BLACKHOLE_RTOS || c->retransmits % PMTU_BLACKHOLE_RTOS ||
	    c->mss <= floor)
		return;
	mss = tcp_pmtu_mss_for(c, PMTU_BLACKHOLE_MTU);
	if (mss >= c->mss)
		mss = c->mss / 2 > floor ? c->mss / 2 : floor;
	/*
	 * A segment too big for the smaller size timed out PMTU_BLACKHOLE_RTOS
	 * times in a row (no ICMP came). Not only a full-sized one: a short
	 * answer of one segment over 1280 bytes must get through too. A head
	 * that already fits the smaller size was not lost to the MTU.
	 */
	if (head <= mss)
		return;
	c->s->stats.pmtu_blackhole++;
	tcp_pmtu_lower(c, mss);
}
