// SPDX-License-Identifier: GPL-2.0-only
/*
 * Ending connections: FIN and RST in every server-side state, TIME_WAIT
 * (expiry, re-ACK, recycling when full, reopening by a new SYN), idle and
 * FIN_WAIT/LAST_ACK timeouts, abort from inside and outside callbacks, and
 * stack destruction.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <errno.h>
#include <string.h>

#include "harness.h"

static struct harness H;
static struct h_app *A;

static void teardown(void)
{
	h_fini(&H);
}

static void setup_cfg(const struct tcp_config *cfg)
{
	struct h_syn o = {1460, 7, true, true};

	h_init(&H, cfg, 4, false, 0);
	A = h_connect(&H, &o);
}

static void setup(void)
{
	setup_cfg(NULL);
}

TestSuite(close, .init = setup, .fini = teardown);

static const char *state(void)
{
	static struct tcp_conn_info info;

	tcp_conn_get_info(A->c, &info);
	return info.state;
}

/* Receive one segment and check its flags and payload length. */
static struct pkt_info expect(uint8_t flags, uint32_t len)
{
	struct pkt_info pi;

	h_poll(&H);
	cr_assert(h_recv(&H, &pi), "expected a segment");
	cr_assert_eq(pi.flags & ~PKT_PSH, flags, "flags %#x, expected %#x", pi.flags, flags);
	cr_assert_eq(pi.len, len);
	return pi;
}

static void expect_nothing(void)
{
	struct pkt_info pi;

	h_poll(&H);
	cr_assert(!h_recv(&H, &pi), "unexpected segment flags %#x", pi.flags);
}

Test(close, server_closes_first_through_time_wait)
{
	struct pkt_info pi;

	tcp_conn_send_copy(A->c, "bye", 3);
	tcp_conn_shutdown(A->c);
	cr_assert_str_eq(state(), "FIN_WAIT_1");
	cr_assert_eq(tcp_conn_send_copy(A->c, "more", 4), -EPIPE);
	cr_assert_eq(tcp_conn_tx_copy_space(A->c), 0);
	pi = expect(PKT_ACK | PKT_FIN, 3);
	cr_assert_eq(pi.seq, H.s_nxt);
	H.s_nxt += 4;
	h_ack(&H, H.s_nxt, 65535 << 7);
	cr_assert_str_eq(state(), "FIN_WAIT_2");
	/* Receiving continues until the peer's FIN. */
	h_data(&H, "late", 4, 0);
	cr_assert_eq(A->rx_len, 4);
	h_data(&H, NULL, 0, PKT_FIN);
	cr_assert(A->eof);
	cr_assert(A->closed);
	cr_assert_eq(A->why, TCP_CLOSE_NORMAL);
	pi = expect(PKT_ACK, 0);
	cr_assert_eq(pi.ack, H.c_nxt, "the FIN is acknowledged");
	cr_assert_eq(h_stats(&H)->conns_time_wait, 1);
	cr_assert_eq(h_stats(&H)->conns_active, 0);
	cr_assert_eq(h_stats(&H)->conns_closed, 1);
	/* It expires after time_wait_ns. */
	h_advance(&H, H.now + H.cfg.time_wait_ns - 1);
	cr_assert_eq(h_stats(&H)->conns_time_wait, 1);
	h_advance(&H, H.now + 1);
	cr_assert_eq(h_stats(&H)->conns_time_wait, 0);
	cr_assert_eq(h_poll(&H), UINT64_MAX, "no timer left");
}

Test(close, client_closes_first_through_last_ack)
{
	struct pkt_info pi;

	h_data(&H, "GET", 3, PKT_FIN);
	cr_assert(A->eof);
	cr_assert(tcp_conn_rx_eof(A->c));
	cr_assert_str_eq(state(), "CLOSE_WAIT");
	pi = expect(PKT_ACK, 0);
	cr_assert_eq(pi.ack, H.c_nxt);
	/* The application answers and closes. */
	cr_assert_eq(tcp_conn_send_copy(A->c, "resp", 4), 0);
	tcp_conn_shutdown(A->c);
	cr_assert_str_eq(state(), "LAST_ACK");
	pi = expect(PKT_ACK | PKT_FIN, 4);
	h_ack(&H, H.s_nxt + 5, 65535 << 7);
	cr_assert(A->closed);
	cr_assert_eq(A->why, TCP_CLOSE_NORMAL);
	cr_assert_eq(h_stats(&H)->conns_time_wait, 0, "the passive closer has no TIME_WAIT");
}

Test(close, simultaneous_close_through_closing)
{
	tcp_conn_shutdown(A->c);
	expect(PKT_ACK | PKT_FIN, 0);
	/* The client's FIN crosses ours. */
	h_data(&H, NULL, 0, PKT_FIN);
	cr_assert_str_eq(state(), "CLOSING");
	expect(PKT_ACK, 0);
	h_ack(&H, H.s_nxt + 1, 65535 << 7);
	cr_assert(A->closed);
	cr_assert_eq(A->why, TCP_CLOSE_NORMAL);
	cr_assert_eq(h_stats(&H)->conns_time_wait, 1);
}

Test(close, fin_with_ack_of_our_fin_goes_to_time_wait)
{
	tcp_conn_shutdown(A->c);
	expect(PKT_ACK | PKT_FIN, 0);
	H.s_nxt++;
	h_data(&H, NULL, 0, PKT_FIN);
	cr_assert(A->closed);
	cr_assert_eq(h_stats(&H)->conns_time_wait, 1);
}

Test(close, lost_fin_is_retransmitted)
{
	struct pkt_info pi;
	uint64_t next;

	tcp_conn_send_copy(A->c, "abc", 3);
	tcp_conn_shutdown(A->c);
	next = h_poll(&H);
	h_drain(&H);
	/* Only the data is acknowledged: the FIN goes again on RTO. */
	h_ack(&H, H.s_nxt + 3, 65535 << 7);
	next = h_poll(&H);
	h_advance(&H, next);
	cr_assert(h_recv(&H, &pi));
	cr_assert_eq(pi.flags & PKT_FIN, PKT_FIN);
	cr_assert_eq(pi.seq, H.s_nxt + 3);
	cr_assert_eq(pi.len, 0);
}

enum st { ST_EST, ST_FW1, ST_FW2, ST_CLOSING, ST_CW, ST_LA, ST_TW };

/* Drive the connection into a state. */
static void reach(enum st st)
{
	switch (st) {
	case ST_EST:
		break;
	case ST_FW1:
		tcp_conn_shutdown(A->c);
		expect(PKT_ACK | PKT_FIN, 0);
		break;
	case ST_FW2:
		tcp_conn_shutdown(A->c);
		expect(PKT_ACK | PKT_FIN, 0);
		H.s_nxt++;
		h_ack(&H, H.s_nxt, 65535 << 7);
		break;
	case ST_CLOSING:
		tcp_conn_shutdown(A->c);
		expect(PKT_ACK | PKT_FIN, 0);
		h_data(&H, NULL, 0, PKT_FIN);
		expect(PKT_ACK, 0);
		break;
	case ST_CW:
		h_data(&H, NULL, 0, PKT_FIN);
		expect(PKT_ACK, 0);
		break;
	case ST_LA:
		h_data(&H, NULL, 0, PKT_FIN);
		expect(PKT_ACK, 0);
		tcp_conn_shutdown(A->c);
		expect(PKT_ACK | PKT_FIN, 0);
		break;
	case ST_TW:
		tcp_conn_shutdown(A->c);
		expect(PKT_ACK | PKT_FIN, 0);
		H.s_nxt++;
		h_data(&H, NULL, 0, PKT_FIN);
		expect(PKT_ACK, 0);
		break;
	}
}

struct state_case {
	enum st st;
	char name[16];
};

static const struct state_case states[] = {
	{ST_EST, "ESTABLISHED"}, {ST_FW1, "FIN_WAIT_1"}, {ST_FW2, "FIN_WAIT_2"},
	{ST_CLOSING, "CLOSING"}, {ST_CW, "CLOSE_WAIT"},	 {ST_LA, "LAST_ACK"},
};

ParameterizedTestParameters(close, rst_in_each_state)
{
	return cr_make_param_array(struct state_case, states, sizeof(states) / sizeof(states[0]));
}

ParameterizedTest(const struct state_case *sc, close, rst_in_each_state)
{
	struct pkt_spec sp;

	reach(sc->st);
	cr_assert_str_eq(state(), sc->name);
	/* In the window but not exact: challenged, kept. */
	sp = h_spec(&H, PKT_RST);
	sp.seq = H.c_nxt + 1;
	h_send(&H, &sp);
	cr_assert(!A->closed, "%s", sc->name);
	expect(PKT_ACK, 0);
	/* Exact: reset. */
	sp.seq = H.c_nxt;
	h_send(&H, &sp);
	cr_assert(A->closed, "%s", sc->name);
	cr_assert_eq(A->why, TCP_CLOSE_RESET);
	expect_nothing();
}

ParameterizedTestParameters(close, fin_retransmission_reacked_in_each_state)
{
	return cr_make_param_array(struct state_case, states + 4, 2);
}

ParameterizedTest(const struct state_case *sc, close, fin_retransmission_reacked_in_each_state)
{
	struct pkt_spec sp;
	struct pkt_info pi;

	reach(sc->st);
	/* The client did not see our ACK of its FIN and sends it again. */
	sp = h_spec(&H, PKT_ACK | PKT_FIN);
	sp.seq = H.c_nxt - 1;
	h_send(&H, &sp);
	pi = expect(sc->st == ST_LA ? (PKT_ACK) : PKT_ACK, 0);
	cr_assert_eq(pi.ack, H.c_nxt);
	cr_assert(!A->closed);
}

Test(close, time_wait_ignores_rst_and_reacks_fin)
{
	struct pkt_spec sp;
	struct pkt_info pi;
	uint64_t t0;

	reach(ST_TW);
	cr_assert(A->closed);
	t0 = H.now;
	sp = h_spec(&H, PKT_RST);
	h_send(&H, &sp);
	cr_assert_eq(h_stats(&H)->conns_time_wait, 1, "RFC 1337: no TIME_WAIT assassination");
	expect_nothing();
	H.now += 10 * SEC;
	sp = h_spec(&H, PKT_ACK | PKT_FIN);
	sp.seq = H.c_nxt - 1;
	h_send(&H, &sp);
	cr_assert(h_recv(&H, &pi));
	cr_assert_eq(pi.flags, PKT_ACK);
	cr_assert_eq(pi.ack, H.c_nxt);
	cr_assert(pi.ts_ok, "the entry keeps timestamps");
	/* The FIN restarted the 2 MSL wait. */
	h_advance(&H, t0 + H.cfg.time_wait_ns);
	cr_assert_eq(h_stats(&H)->conns_time_wait, 1);
	h_advance(&H, t0 + 10 * SEC + H.cfg.time_wait_ns);
	cr_assert_eq(h_stats(&H)->conns_time_wait, 0);
}

Test(close, time_wait_reopened_by_a_newer_syn)
{
	struct h_syn o = {1460, 7, true, true};
	struct pkt_spec sp;
	struct pkt_info pi;

	reach(ST_TW);
	/* An old SYN (timestamp not newer): answered by the TIME_WAIT entry's ACK. */
	sp = h_spec(&H, PKT_SYN);
	sp.seq = H.c_nxt - 1000;
	sp.tsval = H.c_ts - 1;
	sp.ack = 0;
	h_send(&H, &sp);
	cr_assert(h_recv(&H, &pi));
	cr_assert_eq(pi.flags, PKT_ACK);
	cr_assert_eq(h_stats(&H)->conns_time_wait, 1);
	/* A newer one reopens the tuple. */
	H.c_ts += 1000;
	H.c_nxt += 100000;
	A = h_connect(&H, &o);
	cr_assert_eq(h_stats(&H)->conns_time_wait, 0);
	cr_assert_eq(h_stats(&H)->conns_active, 1);
}

Test(close, time_wait_table_full_recycles_the_oldest, .init = NULL)
{
	struct tcp_config cfg;
	struct h_syn o = {1460, 7, true, true};
	struct pkt_spec sp;
	struct pkt_info pi;

	h_default_config(&cfg);
	cfg.max_time_wait = 2;
	setup_cfg(&cfg);
	reach(ST_TW);
	for (int i = 1; i < 4; i++) {
		H.now += SEC;
		H.cl.sport = (uint16_t)(40000 + i);
		A = h_connect(&H, &o);
		reach(ST_TW);
		cr_assert_eq(h_stats(&H)->conns_time_wait, i < 2 ? i + 1 : 2);
	}
	/* The first tuple is forgotten: its FIN now gets a RST. */
	H.cl.sport = 40000;
	sp = h_spec(&H, PKT_ACK | PKT_FIN);
	h_send(&H, &sp);
	cr_assert(h_recv(&H, &pi));
	cr_assert(pi.flags & PKT_RST);
	/* The newest is still there. */
	H.cl.sport = 40003;
	sp = h_spec(&H, PKT_ACK | PKT_FIN);
	sp.seq = H.c_nxt - 1;
	h_send(&H, &sp);
	cr_assert(h_recv(&H, &pi));
	cr_assert_eq(pi.flags, PKT_ACK);
}

Test(close, idle_timeout_resets)
{
	struct pkt_info pi;
	uint64_t t0 = H.now;

	h_data(&H, "x", 1, 0);
	h_advance(&H, t0 + 30 * SEC);
	h_drain(&H);
	cr_assert(!A->closed);
	h_advance(&H, t0 + H.cfg.idle_timeout_ns);
	cr_assert(A->closed);
	cr_assert_eq(A->why, TCP_CLOSE_TIMEOUT);
	cr_assert(h_recv(&H, &pi));
	cr_assert(pi.flags & PKT_RST);
	cr_assert_eq(pi.seq, H.s_nxt);
	cr_assert_eq(h_stats(&H)->conns_timed_out, 1);
}

Test(close, progress_postpones_the_idle_timeout)
{
	uint64_t t0 = H.now;

	h_advance(&H, t0 + 50 * SEC);
	h_data(&H, "x", 1, 0);
	h_advance(&H, t0 + H.cfg.idle_timeout_ns + 1);
	cr_assert(!A->closed);
	h_advance(&H, t0 + 50 * SEC + H.cfg.idle_timeout_ns);
	cr_assert(A->closed);
}

Test(close, fin_wait_2_gives_up)
{
	struct pkt_info pi;

	reach(ST_FW2);
	h_advance(&H, H.now + H.cfg.fin_wait_ns - 1);
	cr_assert(!A->closed);
	h_advance(&H, H.now + 1);
	cr_assert(A->closed);
	cr_assert_eq(A->why, TCP_CLOSE_TIMEOUT);
	cr_assert(h_recv(&H, &pi));
	cr_assert(pi.flags & PKT_RST);
}

Test(close, last_ack_gives_up)
{
	reach(ST_LA);
	for (int i = 0; i < 40 && !A->closed; i++)
		h_advance(&H, H.now + SEC);
	cr_assert(A->closed);
	cr_assert_eq(A->why, TCP_CLOSE_TIMEOUT);
}

static bool closed_inside_abort;

static void abort_on_read(struct h_app *a)
{
	tcp_conn_abort(a->c);
	closed_inside_abort = a->closed;
}

Test(close, abort_from_inside_a_callback)
{
	struct pkt_info pi;

	H.on_readable = abort_on_read;
	h_data(&H, "GET", 3, 0);
	cr_assert(!closed_inside_abort, "closed() must not run inside tcp_conn_abort()");
	cr_assert(A->closed, "closed() runs before tcp_stack__input() returns");
	cr_assert_eq(A->why, TCP_CLOSE_ABORTED);
	cr_assert(h_recv(&H, &pi));
	cr_assert_eq(pi.flags & PKT_RST, PKT_RST);
	cr_assert_eq(pi.seq, H.s_nxt);
	/* Later segments of the tuple find no connection. */
	h_data(&H, "more", 4, 0);
	cr_assert(h_recv(&H, &pi));
	cr_assert(pi.flags & PKT_RST);
}

Test(close, abort_outside_callbacks_closes_at_next_poll)
{
	struct pkt_info pi;
	struct blob *b = h_blob(&H, 100000, 12, 1);

	cr_assert_eq(tcp_conn_send_blob(A->c, b, 0, 100000), 0);
	cr_assert_eq(b->refs, 2);
	tcp_conn_abort(A->c);
	cr_assert(!A->closed);
	cr_assert_eq(b->refs, 1, "the blob reference is dropped with the queue");
	cr_assert(h_recv(&H, &pi));
	cr_assert(pi.flags & PKT_RST);
	h_poll(&H);
	cr_assert(A->closed);
	cr_assert_eq(A->why, TCP_CLOSE_ABORTED);
	cr_assert(!h_recv(&H, &pi), "nothing of the queue is sent");
	h_blob_free(b);
}

Test(close, destroy_closes_everything_with_shutdown)
{
	struct h_syn o = {1460, 7, true, true};
	static const struct tcp_app_ops none;
	struct blob *b = h_blob(&H, 50000, 12, 2);
	struct h_app *a2;

	tcp_conn_send_blob(A->c, b, 0, 50000);
	H.cl.sport++;
	a2 = h_connect(&H, &o);
	tcp_conn_send_blob(a2->c, b, 100, 500);
	cr_assert_eq(b->refs, 3);
	tcp_stack__destroy(H.s);
	H.s = tcp_stack__create(&H.cfg, &H.nic.nic, &none, NULL);
	cr_assert(A->closed && a2->closed);
	cr_assert_eq(A->why, TCP_CLOSE_SHUTDOWN);
	cr_assert_eq(a2->why, TCP_CLOSE_SHUTDOWN);
	cr_assert_eq(b->refs, 1);
	h_blob_free(b);
}

static void count_conn(struct tcp_conn *c, void *arg)
{
	struct tcp_conn_info info;
	int *n = arg;

	tcp_conn_get_info(c, &info);
	if (!strcmp(info.state, "TIME_WAIT")) {
		cr_assert_null(tcp_conn_app(c));
		n[1]++;
	} else {
		n[0]++;
	}
	cr_assert_eq(info.remote_port >= 40000, true);
}

Test(close, for_each_sees_time_wait_entries)
{
	struct h_syn o = {1460, 7, true, true};
	int n[2] = {0, 0};

	reach(ST_TW);
	H.cl.sport++;
	h_connect(&H, &o);
	tcp_stack__for_each_conn(H.s, count_conn, n);
	cr_assert_eq(n[0], 1);
	cr_assert_eq(n[1], 1);
}
