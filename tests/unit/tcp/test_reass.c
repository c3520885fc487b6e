// SPDX-License-Identifier: GPL-2.0-only
/*
 * The receive side past a hole (tcp_reass.c): out-of-order request bytes
 * held and delivered once the hole fills, overlaps and duplicates, the
 * bound on held ranges, a FIN held behind a hole; the SACK blocks of our
 * ACKs (RFC 2018: most recent first, 3 beside timestamps, 4 without) and
 * D-SACK (RFC 2883); when ACKs go: immediate past a hole and when it
 * fills, every second full segment, else after the delayed-ACK timer.
 */
#include <criterion/criterion.h>

#include <string.h>

#include "harness.h"

static struct harness H;
static struct h_app *A;
static uint32_t BASE; /* the client's first data sequence number */

static void setup_conn(bool ts, uint32_t rx_buf)
{
	struct tcp_config cfg;
	struct h_syn o = {1460, 7, true, ts};

	h_default_config(&cfg);
	cfg.rx_buf_size = rx_buf;
	h_init(&H, &cfg, 4, false, 0);
	A = h_connect(&H, &o);
	cr_assert(!h_recv(&H, &(struct pkt_info){0}), "nothing sent after the handshake");
	BASE = H.c_nxt;
}

static void setup_ts(void)
{
	setup_conn(true, 16384);
}

static void teardown(void)
{
	h_fini(&H);
}

/* Client bytes at BASE + off, whatever c_nxt says; flags beside ACK. */
static void send_at(uint32_t off, const void *data, uint32_t len, uint8_t flags)
{
	struct pkt_spec sp = h_spec(&H, PKT_ACK | flags);

	sp.seq = BASE + off;
	sp.payload = data;
	sp.len = len;
	h_send(&H, &sp);
}

/* The one frame the stack sent now: an immediate pure ACK. */
static void expect_ack(struct pkt_info *pi, uint32_t ack_off)
{
	cr_assert(h_recv(&H, pi), "an immediate ACK");
	cr_assert_eq(pi->flags, PKT_ACK);
	cr_assert_eq(pi->len, 0);
	cr_assert_eq(pi->ack, BASE + ack_off, "ack %u, expected BASE + %u", pi->ack - BASE,
		     ack_off);
	cr_assert(!h_recv(&H, &(struct pkt_info){0}), "one ACK, not more");
}

static void expect_sack(const struct pkt_info *pi, uint32_t i, uint32_t start, uint32_t end)
{
	cr_assert_gt(pi->nsack, i, "%u SACK blocks, block %u missing", pi->nsack, i);
	cr_assert_eq(pi->sack[i][0], BASE + start, "block %u starts at %u, expected %u", i,
		     pi->sack[i][0] - BASE, start);
	cr_assert_eq(pi->sack[i][1], BASE + end, "block %u ends at %u, expected %u", i,
		     pi->sack[i][1] - BASE, end);
}

TestSuite(reass, .init = setup_ts, .fini = teardown);

Test(reass, request_in_three_parts_out_of_order)
{
	static const char req[] = "GET /index.html HTTP/1.1\r\nHost: example\r\n\r\n";
	uint32_t n = sizeof(req) - 1, a = 10, b = 25;
	struct pkt_info pi;

	send_at(b, req + b, n - b, PKT_PSH);
	cr_assert_eq(A->readable, 0, "nothing readable past a hole");
	expect_ack(&pi, 0);
	cr_assert_eq(pi.nsack, 1);
	expect_sack(&pi, 0, b, n);

	send_at(a, req + a, b - a, 0);
	cr_assert_eq(A->readable, 0);
	expect_ack(&pi, 0);
	cr_assert_eq(pi.nsack, 1, "adjacent ranges are one block");
	expect_sack(&pi, 0, a, n);

	send_at(0, req, a, 0);
	cr_assert_eq(A->readable, 1);
	cr_assert_eq(A->rx_len, n);
	cr_assert_arr_eq(A->rx, req, n);
	h_poll(&H);
	expect_ack(&pi, n);
	cr_assert_eq(pi.nsack, 0, "nothing held: no SACK option");
	cr_assert_eq(h_stats(&H)->rx_out_of_order, 2);
	cr_assert_eq(h_stats(&H)->rx_drop_out_of_order, 0);
}

Test(reass, sack_blocks_most_recent_first)
{
	static uint8_t d[64];
	struct pkt_info pi;

	memset(d, 'x', sizeof(d));
	send_at(100, d, 50, 0);
	expect_ack(&pi, 0);
	send_at(300, d, 50, 0);
	expect_ack(&pi, 0);
	send_at(500, d, 50, 0);
	expect_ack(&pi, 0);
	cr_assert_eq(pi.nsack, 3);
	expect_sack(&pi, 0, 500, 550);
	expect_sack(&pi, 1, 300, 350);
	expect_sack(&pi, 2, 100, 150);

	/* Growing an older range makes it the most recent. */
	send_at(150, d, 20, 0);
	expect_ack(&pi, 0);
	expect_sack(&pi, 0, 100, 170);
	expect_sack(&pi, 1, 500, 550);
	expect_sack(&pi, 2, 300, 350);

	/* A fourth range: three fit beside timestamps, the oldest is left out. */
	send_at(700, d, 10, 0);
	expect_ack(&pi, 0);
	cr_assert_eq(pi.nsack, 3);
	expect_sack(&pi, 0, 700, 710);
	expect_sack(&pi, 1, 100, 170);
	expect_sack(&pi, 2, 500, 550);
}

Test(reass, duplicate_reported_first_as_dsack)
{
	static uint8_t d[64];
	struct pkt_info pi;

	memset(d, 'y', sizeof(d));
	send_at(100, d, 50, 0);
	expect_ack(&pi, 0);
	send_at(300, d, 50, 0);
	expect_ack(&pi, 0);
	/* RFC 2883 §4: the duplicate first, then the range holding it. */
	send_at(110, d, 20, 0);
	expect_ack(&pi, 0);
	cr_assert_eq(pi.nsack, 3);
	expect_sack(&pi, 0, 110, 130);
	expect_sack(&pi, 1, 100, 150);
	expect_sack(&pi, 2, 300, 350);
	/* Only once. */
	send_at(400, d, 10, 0);
	expect_ack(&pi, 0);
	expect_sack(&pi, 0, 400, 410);

	/* Old data below RCV.NXT: an ACK with its D-SACK, every time. */
	send_at(0, d, 40, 0);
	h_poll(&H);
	expect_ack(&pi, 40); /* a part of the hole filled: at once */
	send_at(0, d, 40, 0);
	expect_ack(&pi, 40);
	expect_sack(&pi, 0, 0, 40);
	send_at(0, d, 40, 0);
	expect_ack(&pi, 40);
	expect_sack(&pi, 0, 0, 40);
}

Test(reass, overlapping_retransmissions_merge)
{
	static char d[200];
	struct pkt_info pi;

	for (uint32_t i = 0; i < sizeof(d); i++)
		d[i] = (char)('a' + i % 26);
	send_at(50, d + 50, 40, 0);   /* [50, 90) */
	send_at(70, d + 70, 60, 0);   /* [70, 130) overlaps its end */
	send_at(40, d + 40, 20, 0);   /* [40, 60) overlaps its start */
	send_at(140, d + 140, 10, 0); /* [140, 150) apart */
	send_at(120, d + 120, 25, 0); /* [120, 145) bridges the two */
	while (h_recv(&H, &pi))
		;
	cr_assert_eq(pi.nsack, 1, "one range [40, 150): %u blocks", pi.nsack);
	expect_sack(&pi, 0, 40, 150);
	cr_assert_eq(A->readable, 0);

	/* A first segment that overlaps the held range delivers everything once. */
	send_at(0, d, 45, 0);
	cr_assert_eq(A->rx_len, 150);
	cr_assert_arr_eq(A->rx, d, 150);
	cr_assert_eq(h_stats(&H)->rx_drop_out_of_order, 0);
}

Test(reass, ranges_beyond_the_bound_are_dropped)
{
	static char d[1000];
	struct pkt_info pi;

	for (uint32_t i = 0; i < sizeof(d); i++)
		d[i] = (char)('A' + i % 23);
	/* Four ranges fill the table. */
	for (uint32_t k = 1; k <= 4; k++) {
		send_at(k * 100, d + k * 100, 10, 0);
		expect_ack(&pi, 0);
	}
	/* A fifth, higher: dropped, still a duplicate ACK. */
	send_at(600, d + 600, 10, 0);
	expect_ack(&pi, 0);
	cr_assert_eq(h_stats(&H)->rx_drop_out_of_order, 1);
	cr_assert_eq(h_stats(&H)->rx_out_of_order, 4);
	/* A lower one takes the place of the highest. */
	send_at(50, d + 50, 10, 0);
	expect_ack(&pi, 0);
	cr_assert_eq(h_stats(&H)->rx_out_of_order, 5);
	expect_sack(&pi, 0, 50, 60);
	for (uint32_t i = 0; i < pi.nsack; i++)
		cr_assert_neq(pi.sack[i][0], BASE + 400, "the highest range was given up");

	/* Filling from 0 to 110 delivers [0, 110) and takes [100, 110) along. */
	send_at(0, d, 105, 0);
	cr_assert_eq(A->rx_len, 110);
	cr_assert_arr_eq(A->rx, d, 110);
	send_at(110, d + 110, 500, 0);
	cr_assert_eq(A->rx_len, 610, "the rest in order: %u", A->rx_len);
	cr_assert_arr_eq(A->rx, d, 610);
}

Test(reass, held_bytes_bounded_by_the_window)
{
	static uint8_t big[1400];
	struct pkt_info pi;

	h_fini(&H);
	setup_conn(true, 4096);
	memset(big, 'w', sizeof(big));
	/* [3000, 4400) reaches past the 4 KiB buffer: only [3000, 4096) is kept. */
	send_at(3000, big, 1400, 0);
	expect_ack(&pi, 0);
	expect_sack(&pi, 0, 3000, 4096);
	/* Wholly past the window: not acceptable at all. */
	send_at(5000, big, 100, 0);
	cr_assert_eq(h_stats(&H)->rx_drop_out_of_window, 1);
}

Test(reass, held_bytes_move_with_the_buffer)
{
	static char d[5000];
	struct pkt_info pi;

	struct tcp_config cfg;

	/* One slot: its buffer ends the allocation, so a read past it is caught (ASan). */
	h_fini(&H);
	h_default_config(&cfg);
	cfg.rx_buf_size = 4096;
	cfg.max_conns = 1;
	h_init(&H, &cfg, 4, false, 0);
	A = h_connect(&H, &(struct h_syn){1460, 7, true, true});
	BASE = H.c_nxt;
	for (uint32_t i = 0; i < sizeof(d); i++)
		d[i] = (char)(i * 7 + i / 251);
	send_at(1100, d + 1100, 50, 0);
	/* In order, consumed: the buffer's head moves on, the held range keeps its place. */
	send_at(0, d, 1000, 0);
	cr_assert_eq(A->rx_len, 1000);
	A->rx_len = 0;
	h_poll(&H);
	while (h_recv(&H, &pi))
		;
	/* Reaches past the buffer's end from its head: the held bytes move to the front. */
	send_at(4000, d + 4000, 900, 0);
	expect_ack(&pi, 1000);
	expect_sack(&pi, 0, 4000, 4900);
	expect_sack(&pi, 1, 1100, 1150);
	send_at(1000, d + 1000, 100, 0);
	send_at(1150, d + 1150, 1400, 0);
	send_at(2550, d + 2550, 1450, 0);
	cr_assert_eq(A->rx_len, 3900);
	cr_assert_arr_eq(A->rx, d + 1000, 3900);
}

Test(reass, fin_behind_a_hole_held)
{
	struct pkt_info pi;

	send_at(5, "world", 5, PKT_FIN);
	expect_ack(&pi, 0);
	expect_sack(&pi, 0, 5, 10);
	cr_assert(!A->eof);
	send_at(0, "hello", 5, 0);
	cr_assert_eq(A->rx_len, 10);
	cr_assert_arr_eq(A->rx, "helloworld", 10);
	cr_assert(A->eof, "the held FIN is in order now");
	h_poll(&H);
	cr_assert(h_recv(&H, &pi));
	cr_assert_eq(pi.ack, BASE + 11, "the FIN is acknowledged");
}

Test(reass, no_timestamps_four_blocks)
{
	static uint8_t d[16];
	struct pkt_info pi;

	h_fini(&H);
	setup_conn(false, 16384);
	memset(d, 'z', sizeof(d));
	send_at(100, d, 10, 0);
	expect_ack(&pi, 0);
	/* Until SYN cookies keep SACK-permitted without timestamps (issue 8). */
	if (!pi.nsack)
		cr_skip_test("SACK is not agreed without timestamps in this build");
	for (uint32_t k = 2; k <= 4; k++) {
		send_at(k * 100, d, 10, 0);
		expect_ack(&pi, 0);
	}
	cr_assert_eq(pi.nsack, 4);
	expect_sack(&pi, 0, 400, 410);
	expect_sack(&pi, 3, 100, 110);
}

Test(reass, data_segments_carry_sack_within_the_mss)
{
	static uint8_t resp[4000];
	struct pkt_info pi;
	uint32_t seen = 0;

	send_at(100, "later", 5, 0);
	expect_ack(&pi, 0);
	memset(resp, 'r', sizeof(resp));
	cr_assert_eq(tcp_conn_send_copy(A->c, resp, sizeof(resp)), 0);
	h_poll(&H);
	while (h_recv(&H, &pi)) {
		cr_assert_eq(pi.nsack, 1);
		cr_assert_leq(pi.len + pi.optlen, H.s_mss, "payload %u + options %u > MSS %u",
			      pi.len, pi.optlen, H.s_mss);
		seen += pi.len;
	}
	cr_assert_eq(seen, sizeof(resp));
}

TestSuite(delack, .init = setup_ts, .fini = teardown);

Test(delack, one_segment_acked_after_the_delay)
{
	struct pkt_info pi;
	uint64_t t0 = H.now, next;

	h_data(&H, "x", 1, 0);
	next = h_poll(&H);
	cr_assert(!h_recv(&H, &pi));
	cr_assert_eq(next, t0 + 40 * MS, "the delayed-ACK deadline");
	h_advance(&H, t0 + 39 * MS);
	cr_assert(!h_recv(&H, &pi), "not before 40 ms");
	h_advance(&H, t0 + 40 * MS);
	expect_ack(&pi, 1);
}

Test(delack, two_full_segments_acked_at_once)
{
	static uint8_t seg[1448];
	struct pkt_info pi;

	memset(seg, 's', sizeof(seg));
	h_data(&H, seg, sizeof(seg), 0);
	h_poll(&H);
	cr_assert(!h_recv(&H, &pi));
	h_data(&H, seg, sizeof(seg), 0);
	h_poll(&H);
	expect_ack(&pi, 2 * sizeof(seg));
}

Test(delack, out_of_order_and_hole_fill_acked_at_once)
{
	struct pkt_info pi;

	send_at(3, "def", 3, 0);
	expect_ack(&pi, 0); /* inside tcp_stack__input, no poll needed */
	send_at(0, "abc", 3, 0);
	h_poll(&H);
	expect_ack(&pi, 6);
}

Test(delack, response_carries_the_ack)
{
	struct pkt_info pi;

	h_data(&H, "GET", 3, 0);
	cr_assert_eq(tcp_conn_send_copy(A->c, "200", 3), 0);
	h_poll(&H);
	cr_assert(h_recv(&H, &pi));
	cr_assert_eq(pi.len, 3);
	cr_assert_eq(pi.ack, BASE + 3);
	h_advance(&H, H.now + 100 * MS);
	cr_assert(!h_recv(&H, &pi), "no separate delayed ACK after the response");
}
