// SPDX-License-Identifier: GPL-2.0-only
/*
 * A tuple's new incarnation when SYNs are answered outside the stack
 * (syn_answered_outside: the steering program sends the cookie SYN-ACK):
 * the stack sees only the completing ACK, while it may still hold a
 * connection for the tuple (a rebooted client, a NAT reusing the port) or
 * its TIME_WAIT entry (RFC 6191). The cookie SYN-ACK comes from a second
 * stack with the same configuration, key and clock: the program's answer
 * is that stack's, byte for byte (tests/bpf/test_synack.c).
 */
#include <criterion/criterion.h>

#include <string.h>

#include "harness.h"

static struct harness H;
static struct h_app *A;

static const char request[] = "GET / HTTP/1.1\r\n\r\n";

static void teardown(void)
{
	h_fini(&H);
}

/* An established connection; `outside`: tcp_config.syn_answered_outside. */
static void setup_conn(bool outside, bool ts)
{
	struct tcp_config cfg;
	struct h_syn o = {1460, 7, true, ts};

	h_default_config(&cfg);
	cfg.syn_answered_outside = outside;
	h_init(&H, &cfg, 4, false, 0);
	A = h_connect(&H, &o);
	h_drain(&H);
}

/* The SYN-ACK the program would send, now, to a SYN with this ISN and TSval. */
static struct pkt_info outside_synack(uint32_t isn, uint32_t tsval, bool ts)
{
	static struct harness G;
	struct h_syn o = {1460, 7, true, ts};
	struct pkt_info sa;

	h_init(&G, &H.cfg, 4, false, 0);
	G.now = H.now;
	G.c_nxt = isn;
	G.c_ts = tsval;
	cr_assert(h_syn(&G, &o, &sa), "no SYN-ACK from the reference stack");
	cr_assert_eq(sa.flags, PKT_SYN | PKT_ACK);
	h_fini(&G);
	return sa;
}

/*
 * The client's ACK completing that SYN-ACK, with the request (or with
 * extra flags and no request); `cookie_delta` spoils the cookie.
 */
static void cookie_ack(uint32_t isn, uint32_t tsval, bool ts, uint32_t cookie_delta, uint8_t flags)
{
	struct pkt_info sa = outside_synack(isn, tsval, ts);
	struct pkt_spec sp;

	H.c_nxt = isn + 1;
	H.s_isn = sa.seq;
	H.s_nxt = sa.seq + 1 + cookie_delta;
	H.ts = sa.ts_ok;
	H.c_ts = tsval;
	if (sa.ts_ok)
		H.echo = sa.tsval;
	H.c_ws = 7;
	H.s_ws = sa.ws_ok ? sa.ws : 0;
	if (flags) {
		sp = h_spec(&H, flags);
		h_send(&H, &sp);
	} else {
		h_data(&H, request, sizeof(request) - 1, 0);
	}
	h_poll(&H);
}

static bool sent_rst(void)
{
	struct pkt_info pi;
	bool rst = false;

	while (h_recv(&H, &pi))
		rst |= (pi.flags & PKT_RST) != 0;
	return rst;
}

/* A new connection replaced A: A ended as an abort, nothing was reset, the request arrived. */
static void expect_new_incarnation(void)
{
	struct h_app *b;

	cr_assert(A->closed, "the old connection is gone");
	cr_assert_eq(A->why, TCP_CLOSE_ABORTED);
	cr_assert_eq(H.napps, 2, "the cookie ACK opened a new connection");
	b = &H.apps[1];
	cr_assert(!b->closed);
	cr_assert_eq(b->rx_len, sizeof(request) - 1);
	cr_assert(!memcmp(b->rx, request, b->rx_len), "the new connection got the request");
	cr_assert_eq(h_stats(&H)->conns_active, 1);
	cr_assert_eq(h_stats(&H)->syncookies_accepted, 2);
	cr_assert(!sent_rst(), "the peer forgot the old connection: no RST");
}

/* The old behaviour: an ACK of the old connection's state, the connection kept. */
static void expect_old_connection_kept(void)
{
	struct pkt_info pi;

	cr_assert(!A->closed, "the old connection is kept");
	cr_assert_eq(H.napps, 1, "no new connection");
	cr_assert_eq(h_stats(&H)->conns_active, 1);
	cr_assert(h_recv(&H, &pi), "the out-of-window segment is answered");
	cr_assert_eq(pi.flags, PKT_ACK);
	cr_assert(!sent_rst());
}

Test(incarnation, cookie_ack_with_a_newer_timestamp_replaces_the_connection, .fini = teardown)
{
	setup_conn(true, true);
	cookie_ack(0x80000000u, H.c_ts + 100, true, 0, 0);
	expect_new_incarnation();
}

Test(incarnation, cookie_ack_failing_paws_replaces_the_connection, .fini = teardown)
{
	/* A rebooted client: its timestamp clock starts again, below ts_recent. */
	setup_conn(true, true);
	cookie_ack(0x80000000u, 7, true, 0, 0);
	expect_new_incarnation();
}

Test(incarnation, cookie_ack_without_timestamps_replaces_the_connection, .fini = teardown)
{
	setup_conn(true, false);
	cookie_ack(0x80000000u, 0, false, 0, 0);
	expect_new_incarnation();
}

Test(incarnation, bad_cookie_keeps_the_connection, .fini = teardown)
{
	setup_conn(true, true);
	cookie_ack(0x80000000u, H.c_ts + 100, true, 1, PKT_ACK);
	expect_old_connection_kept();
}

Test(incarnation, cookie_ack_with_fin_keeps_the_connection, .fini = teardown)
{
	setup_conn(true, true);
	cookie_ack(0x80000000u, H.c_ts + 100, true, 0, PKT_ACK | PKT_FIN);
	expect_old_connection_kept();
}

Test(incarnation, a_late_copy_of_the_handshake_ack_keeps_the_connection, .fini = teardown)
{
	/* The connection's own cookie ACK, duplicated or reordered behind the request. */
	struct pkt_spec third;
	struct pkt_info pi;

	setup_conn(true, true);
	third = h_spec(&H, PKT_ACK | PKT_PSH);
	third.seq = H.c_nxt;
	third.ack = H.s_isn + 1;
	third.payload = (const uint8_t *)request;
	third.len = sizeof(request) - 1;
	h_data(&H, request, sizeof(request) - 1, 0);
	h_poll(&H);
	h_drain(&H);
	cr_assert_eq(A->rx_len, sizeof(request) - 1);
	h_send(&H, &third);
	third.payload = NULL;
	third.len = 0;
	third.flags = PKT_ACK;
	h_send(&H, &third);
	h_poll(&H);
	cr_assert(!A->closed, "the connection is kept");
	cr_assert_eq(H.napps, 1, "no new connection");
	cr_assert_eq(A->rx_len, sizeof(request) - 1, "the request is not taken twice");
	cr_assert(h_recv(&H, &pi), "the old data is answered");
	cr_assert_eq(pi.flags, PKT_ACK);
	cr_assert(!sent_rst());
}

Test(incarnation, flag_off_keeps_the_connection, .fini = teardown)
{
	setup_conn(false, true);
	cookie_ack(0x80000000u, H.c_ts + 100, true, 0, PKT_ACK);
	expect_old_connection_kept();
}

/* The server closes first; the client's FIN puts the tuple in TIME_WAIT. */
static void setup_time_wait(bool outside, bool ts)
{
	struct pkt_info pi;
	bool fin = false;

	setup_conn(outside, ts);
	tcp_conn_shutdown(A->c);
	h_poll(&H);
	while (h_recv(&H, &pi))
		fin |= (pi.flags & PKT_FIN) != 0;
	cr_assert(fin, "the server's FIN");
	H.s_nxt++;
	h_ack(&H, H.s_nxt, 65535u << 7);
	h_data(&H, NULL, 0, PKT_FIN);
	h_poll(&H);
	h_drain(&H);
	cr_assert(A->closed);
	cr_assert_eq(A->why, TCP_CLOSE_NORMAL);
	cr_assert_eq(h_stats(&H)->conns_time_wait, 1);
	cr_assert_eq(h_stats(&H)->conns_active, 0);
}

static void expect_reopened(void)
{
	struct h_app *b;

	cr_assert_eq(h_stats(&H)->conns_time_wait, 0, "the TIME_WAIT entry is gone");
	cr_assert_eq(H.napps, 2, "the cookie ACK opened a new connection");
	b = &H.apps[1];
	cr_assert(!b->closed);
	cr_assert_eq(b->rx_len, sizeof(request) - 1, "the new connection got the request");
	cr_assert_eq(h_stats(&H)->conns_active, 1);
	cr_assert(!sent_rst());
}

static void expect_still_time_wait(void)
{
	cr_assert_eq(h_stats(&H)->conns_time_wait, 1, "the TIME_WAIT entry stays");
	cr_assert_eq(H.napps, 1, "no new connection");
	cr_assert_eq(h_stats(&H)->conns_active, 0);
	cr_assert(!sent_rst());
}

Test(incarnation, time_wait_reopened_by_a_cookie_ack_with_a_newer_isn, .fini = teardown)
{
	setup_time_wait(true, false);
	cookie_ack(H.c_nxt + 100000, 0, false, 0, 0);
	expect_reopened();
}

Test(incarnation, time_wait_reopened_by_a_cookie_ack_with_a_newer_tsval, .fini = teardown)
{
	/* With timestamps on both sides the TSval decides, even for a lower ISN. */
	setup_time_wait(true, true);
	cookie_ack(H.c_nxt - 1000, H.c_ts + 1, true, 0, 0);
	expect_reopened();
}

Test(incarnation, time_wait_kept_for_a_cookie_ack_with_an_old_isn, .fini = teardown)
{
	setup_time_wait(true, false);
	cookie_ack(H.c_nxt - 1000, 0, false, 0, 0);
	expect_still_time_wait();
}

Test(incarnation, time_wait_kept_for_a_cookie_ack_at_rcv_nxt, .fini = teardown)
{
	setup_time_wait(true, false);
	cookie_ack(H.c_nxt, 0, false, 0, 0);
	expect_still_time_wait();
}

Test(incarnation, time_wait_kept_for_a_cookie_ack_with_an_old_tsval, .fini = teardown)
{
	setup_time_wait(true, true);
	cookie_ack(H.c_nxt + 100000, H.c_ts, true, 0, 0);
	expect_still_time_wait();
}

Test(incarnation, time_wait_kept_for_a_bad_cookie, .fini = teardown)
{
	setup_time_wait(true, true);
	cookie_ack(H.c_nxt + 100000, H.c_ts + 1, true, 1, 0);
	expect_still_time_wait();
}

Test(incarnation, time_wait_kept_for_a_cookie_ack_with_fin, .fini = teardown)
{
	setup_time_wait(true, true);
	cookie_ack(H.c_nxt + 100000, H.c_ts + 1, true, 0, PKT_ACK | PKT_FIN);
	expect_still_time_wait();
}

Test(incarnation, time_wait_kept_for_a_cookie_ack_with_rst, .fini = teardown)
{
	setup_time_wait(true, true);
	cookie_ack(H.c_nxt + 100000, H.c_ts + 1, true, 0, PKT_ACK | PKT_RST);
	expect_still_time_wait();
}

Test(incarnation, time_wait_kept_with_the_flag_off, .fini = teardown)
{
	setup_time_wait(false, true);
	cookie_ack(H.c_nxt + 100000, H.c_ts + 1, true, 0, 0);
	expect_still_time_wait();
}
