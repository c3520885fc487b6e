// SPDX-License-Identifier: GPL-2.0-only
/*
 * Segments on an established connection: in-order delivery and ACK timing,
 * RFC 9293 acceptability (out-of-window data, ACK, RST, SYN) with RFC 5961
 * challenge ACKs and their rate limit, PAWS, out-of-order segments held
 * with duplicate ACKs, the out-of-window ACK rate limit, and the receive window.
 */
#include <criterion/criterion.h>

#include <string.h>

#include "harness.h"

static struct harness H;
static struct h_app *A;

static void teardown(void)
{
	h_fini(&H);
}

/* An established IPv4 connection; timestamps as asked, 4 KiB receive buffer. */
static void setup_conn(bool ts)
{
	struct tcp_config cfg;
	struct h_syn o = {1460, 7, true, ts};

	h_default_config(&cfg);
	cfg.rx_buf_size = 4096;
	h_init(&H, &cfg, 4, false, 0);
	A = h_connect(&H, &o);
	cr_assert(!h_recv(&H, &(struct pkt_info){0}), "nothing sent after the handshake");
}

static void setup_ts(void)
{
	setup_conn(true);
}

static void setup_plain(void)
{
	setup_conn(false);
}

TestSuite(input, .init = setup_ts, .fini = teardown);

Test(input, in_order_data_delivered_and_ack_delayed)
{
	struct pkt_info pi;
	uint64_t next;

	h_data(&H, "GET / HTTP/1.1\r\n\r\n", 18, 0);
	cr_assert_eq(A->readable, 1);
	cr_assert_eq(A->rx_len, 18);
	next = h_poll(&H);
	cr_assert(!h_recv(&H, &pi), "no pure ACK before the delayed-ACK timer");
	cr_assert_leq(next, H.now + 40 * MS);
	h_advance(&H, next);
	cr_assert(h_recv(&H, &pi), "the delayed ACK");
	cr_assert_eq(pi.flags, PKT_ACK);
	cr_assert_eq(pi.ack, H.c_nxt);
	cr_assert_eq(pi.len, 0);
}

Test(input, second_full_segment_acked_at_once)
{
	static uint8_t seg[1448];
	struct pkt_info pi;

	memset(seg, 'a', sizeof(seg));
	h_data(&H, seg, sizeof(seg), 0);
	h_poll(&H);
	cr_assert(!h_recv(&H, &pi));
	h_data(&H, seg, sizeof(seg), 0);
	h_poll(&H);
	cr_assert(h_recv(&H, &pi), "RFC 5681: at least every second full segment");
	cr_assert_eq(pi.ack, H.c_nxt);
}

Test(input, out_of_window_data_answered_with_ack)
{
	struct pkt_spec sp = h_spec(&H, PKT_ACK | PKT_PSH);
	struct pkt_info pi;

	sp.seq = H.c_nxt + 100000;
	sp.payload = "zzz";
	sp.len = 3;
	h_send(&H, &sp);
	cr_assert(h_recv(&H, &pi), "an unacceptable segment is answered with an ACK");
	cr_assert_eq(pi.ack, H.c_nxt);
	cr_assert_eq(pi.seq, H.s_nxt);
	cr_assert_eq(h_stats(&H)->rx_drop_out_of_window, 1);
	cr_assert_eq(A->readable, 0);
	/* Old data (a retransmission of bytes already received) too, every time. */
	h_data(&H, "abcd", 4, 0);
	sp = h_spec(&H, PKT_ACK | PKT_PSH);
	sp.seq = H.c_nxt - 4;
	sp.payload = "abcd";
	sp.len = 4;
	h_send(&H, &sp);
	h_send(&H, &sp);
	cr_assert(h_recv(&H, &pi));
	cr_assert(h_recv(&H, &pi), "data segments are never rate-limited");
	cr_assert_eq(pi.ack, H.c_nxt);
	cr_assert_eq(A->rx_len, 4);
}

Test(input, partly_old_segment_delivers_the_new_part)
{
	struct pkt_spec sp;

	h_data(&H, "abcd", 4, 0);
	sp = h_spec(&H, PKT_ACK | PKT_PSH);
	sp.seq = H.c_nxt - 2;
	sp.payload = "cdef";
	sp.len = 4;
	h_send(&H, &sp);
	cr_assert_eq(A->rx_len, 6);
	cr_assert_arr_eq(A->rx, "abcdef", 6);
}

Test(input, out_of_order_held_with_duplicate_ack)
{
	struct pkt_spec sp = h_spec(&H, PKT_ACK | PKT_PSH);
	struct pkt_info pi;

	sp.seq = H.c_nxt + 10;
	sp.payload = "later";
	sp.len = 5;
	h_send(&H, &sp);
	cr_assert_eq(h_stats(&H)->rx_out_of_order, 1);
	cr_assert_eq(A->readable, 0);
	cr_assert(h_recv(&H, &pi), "an immediate duplicate ACK");
	cr_assert_eq(pi.ack, H.c_nxt);
	cr_assert_eq(pi.nsack, 1, "SACK for what is held");
	h_send(&H, &sp);
	cr_assert(h_recv(&H, &pi), "every out-of-order segment gets one");
	cr_assert_eq(pi.nsack, 2, "the duplicate reported (D-SACK) before the range");
}

/* Linux's tcp_invalid_ratelimit: one ACK per 500 ms for segments outside the window. */
Test(input, out_of_window_acks_rate_limited_and_counted)
{
	struct pkt_spec sp = h_spec(&H, PKT_ACK);
	struct pkt_info pi;
	uint64_t t0 = H.now;

	sp.seq = H.c_nxt + 100000; /* a pure ACK far outside the window */
	for (int i = 0; i < 5; i++)
		h_send(&H, &sp);
	cr_assert_eq(h_drain(&H), 1, "one ACK for five");
	/* Data past the right edge: no sender puts it there, limited too. */
	sp.payload = "zz";
	sp.len = 2;
	h_send(&H, &sp);
	cr_assert(!h_recv(&H, &pi));
	cr_assert_eq(h_stats(&H)->tx_oow_acks, 1);
	cr_assert_eq(h_stats(&H)->oow_acks_limited, 5);
	H.now = t0 + 500 * MS;
	h_send(&H, &sp);
	cr_assert(h_recv(&H, &pi), "the next interval gets one again");
	cr_assert_eq(pi.ack, H.c_nxt);
	cr_assert_eq(h_stats(&H)->tx_oow_acks, 2);
	/* Old data (our ACK was lost) is answered whatever the limit says. */
	h_data(&H, "ab", 2, 0);
	sp = h_spec(&H, PKT_ACK | PKT_PSH);
	sp.seq = H.c_nxt - 2;
	sp.payload = "ab";
	sp.len = 2;
	h_send(&H, &sp);
	cr_assert(h_recv(&H, &pi));
	cr_assert_eq(pi.ack, H.c_nxt);
}

Test(input, rst_in_window_challenged_exact_rst_resets)
{
	struct pkt_spec sp = h_spec(&H, PKT_RST);
	struct pkt_info pi;

	sp.seq = H.c_nxt + 5;
	h_send(&H, &sp);
	cr_assert(!A->closed);
	cr_assert(h_recv(&H, &pi), "RFC 5961 §3.2 challenge ACK");
	cr_assert_eq(pi.flags, PKT_ACK);
	cr_assert_eq(pi.ack, H.c_nxt);
	cr_assert_eq(h_stats(&H)->tx_challenge_acks, 1);

	sp.seq = H.c_nxt;
	h_send(&H, &sp);
	cr_assert(A->closed);
	cr_assert_eq(A->why, TCP_CLOSE_RESET);
	cr_assert_eq(h_stats(&H)->conns_reset, 1);
	cr_assert_eq(h_stats(&H)->conns_active, 0);
	cr_assert(!h_recv(&H, &pi), "a RST is never answered");
}

Test(input, rst_out_of_window_ignored)
{
	struct pkt_spec sp = h_spec(&H, PKT_RST);
	struct pkt_info pi;

	sp.seq = H.c_nxt + 1000000;
	h_send(&H, &sp);
	sp.seq = H.c_nxt - 1;
	h_send(&H, &sp);
	cr_assert(!A->closed);
	cr_assert(!h_recv(&H, &pi));
	cr_assert_eq(h_stats(&H)->rx_drop_out_of_window, 2);
}

Test(input, syn_on_connection_gets_rate_limited_challenge_ack)
{
	struct pkt_spec sp = h_spec(&H, PKT_SYN);
	struct pkt_info pi;

	sp.seq = H.c_nxt + 3; /* in the window */
	h_send(&H, &sp);
	cr_assert(h_recv(&H, &pi));
	cr_assert_eq(pi.flags, PKT_ACK);
	cr_assert_eq(pi.ack, H.c_nxt);
	sp.seq = H.c_nxt + 999999; /* and outside */
	h_send(&H, &sp);
	cr_assert(!h_recv(&H, &pi), "rate-limited");
	H.now += 600 * MS;
	h_send(&H, &sp);
	cr_assert(h_recv(&H, &pi));
	cr_assert_eq(h_stats(&H)->tx_challenge_acks, 2);
	cr_assert(!A->closed);
}

Test(input, ack_of_unsent_data_answered_and_dropped)
{
	struct pkt_spec sp = h_spec(&H, PKT_ACK | PKT_PSH);
	struct pkt_info pi;

	sp.ack = H.s_nxt + 1000;
	sp.payload = "data";
	sp.len = 4;
	h_send(&H, &sp);
	cr_assert(h_recv(&H, &pi));
	cr_assert_eq(pi.ack, H.c_nxt, "the data was not taken");
	cr_assert_eq(A->readable, 0);
	cr_assert_eq(h_stats(&H)->rx_drop_out_of_window, 1);
}

Test(input, too_old_ack_challenged)
{
	struct pkt_spec sp = h_spec(&H, PKT_ACK);
	struct pkt_info pi;

	sp.ack = H.s_nxt - 0x10000000; /* below SND.UNA - MAX.SND.WND */
	h_send(&H, &sp);
	cr_assert(h_recv(&H, &pi));
	cr_assert_eq(h_stats(&H)->tx_challenge_acks, 1);
	cr_assert_eq(h_stats(&H)->rx_drop_out_of_window, 1);
}

Test(input, pure_ack_in_window_not_answered)
{
	struct pkt_info pi;

	h_ack(&H, H.s_nxt, 65535 << 7);
	h_poll(&H);
	cr_assert(!h_recv(&H, &pi));
}

Test(input, paws_drops_old_timestamps)
{
	struct pkt_spec sp;
	struct pkt_info pi;

	H.c_ts += 100;
	h_data(&H, "new", 3, 0);
	sp = h_spec(&H, PKT_ACK | PKT_PSH);
	sp.tsval = H.c_ts - 50; /* older than TS.Recent */
	sp.payload = "old";
	sp.len = 3;
	h_send(&H, &sp);
	cr_assert_eq(A->rx_len, 3);
	cr_assert_eq(h_stats(&H)->rx_drop_out_of_window, 1);
	cr_assert(h_recv(&H, &pi), "PAWS failure answered with an ACK");
	cr_assert_eq(pi.tsecr, H.c_ts, "TS.Recent was updated by the valid segment");
}

Test(input, segment_without_timestamp_dropped_once_agreed)
{
	struct pkt_spec sp = h_spec(&H, PKT_ACK | PKT_PSH);

	sp.ts = false;
	sp.payload = "x";
	sp.len = 1;
	h_send(&H, &sp);
	cr_assert_eq(A->readable, 0);
	cr_assert_eq(h_stats(&H)->rx_drop_out_of_window, 1);
}

Test(input, receive_window_closes_and_reopens)
{
	static uint8_t blk[1024];
	struct pkt_info pi;
	uint32_t len, i;

	H.consume = false;
	for (i = 0; i < 4; i++)
		h_data(&H, blk, sizeof(blk), 0);
	tcp_conn_rx_peek(A->c, &len);
	cr_assert_eq(len, 4096);
	h_drain(&H);
	h_advance(&H, H.now + 50 * MS);
	while (h_recv(&H, &pi))
		;
	cr_assert_eq(pi.wnd, 0, "the buffer is full: window 0");
	cr_assert_eq(pi.ack, H.c_nxt);
	/* More data is not accepted, only acknowledged. */
	h_data(&H, blk, 10, 0);
	H.c_nxt -= 10;
	h_poll(&H);
	cr_assert(h_recv(&H, &pi));
	cr_assert_eq(pi.ack, H.c_nxt);
	cr_assert_eq(pi.wnd, 0);
	tcp_conn_rx_peek(A->c, &len);
	cr_assert_eq(len, 4096);
	/* The application reads: a window update goes out at the next poll. */
	tcp_conn_rx_consume(A->c, 3000);
	h_poll(&H);
	cr_assert(h_recv(&H, &pi), "window update");
	cr_assert_eq(pi.wnd, 3000, "a 4 KiB buffer needs no window shift");
	h_data(&H, blk, 1000, 0);
	tcp_conn_rx_peek(A->c, &len);
	cr_assert_eq(len, 4096 - 3000 + 1000);
}

Test(input, plain_connection_window_is_bytes, .init = setup_plain)
{
	struct pkt_info pi;

	H.consume = false;
	h_data(&H, "0123456789", 10, 0);
	h_advance(&H, H.now + 50 * MS);
	cr_assert(h_recv(&H, &pi));
	cr_assert(!pi.ts_ok);
	cr_assert_eq(pi.wnd, 4096 - 10);
}
