// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-connection TX limits (tcp_tsq.c) on a fake NIC that holds frames
 * "handed to TX, not completed" until the test completes them: a
 * connection never has more than its limit in the NIC, the rest goes as
 * completions come back, other connections still get their share, nothing
 * more leaves after an accepted RST; and a zero window held for a
 * simulated minute keeps the connection alive with persist probes.
 */
#include <criterion/criterion.h>

#include <string.h>

#include "harness.h"

#define LIMIT 4

static struct harness H;
static struct h_app *A;
static struct blob *B;

static void setup_limit(uint32_t min, uint32_t max)
{
	struct tcp_config cfg;
	struct h_syn o = {1460, 7, true, true};

	h_default_config(&cfg);
	cfg.tx_limit_min_segs = min;
	cfg.tx_limit_max_segs = max;
	cfg.init_cwnd_segs = 10;
	h_init(&H, &cfg, 4, false, 0);
	A = h_connect(&H, &o);
	H.nic.hold = true;
	B = NULL;
}

static void setup(void)
{
	setup_limit(LIMIT, LIMIT);
}

static void teardown(void)
{
	h_fini(&H);
	if (B)
		h_blob_free(B);
}

static inline bool seq_after(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

/* Queue `size` bytes of a blob on c. */
static void queue_blob(struct tcp_conn *c, uint64_t size)
{
	if (!B)
		B = h_blob(&H, 1 << 20, 12, 7);
	cr_assert_eq(tcp_conn_send_blob(c, B, 0, size), 0);
}

/* Take the frames sent so far; returns the data segments, *end the highest byte + 1. */
static uint32_t take_data(uint32_t *end)
{
	struct pkt_info pi;
	uint32_t n = 0;

	while (h_recv(&H, &pi)) {
		if (!pi.len)
			continue;
		n++;
		if (!end)
			continue;
		if (seq_after(pi.seq + pi.len, *end))
			*end = pi.seq + pi.len;
	}
	return n;
}

TestSuite(txlimit, .init = setup, .fini = teardown);

Test(txlimit, no_more_than_the_limit_in_the_nic)
{
	uint32_t end = H.s_nxt;

	queue_blob(A->c, 200000);
	cr_assert_eq(h_poll(&H), H.now, "waiting for completions: poll again at once");
	cr_assert_eq(take_data(&end), LIMIT, "cwnd allows 10, the TX limit 4");
	cr_assert_eq(H.nic.nheld, LIMIT);
	cr_assert_gt(h_stats(&H)->tx_limit_held, 0);
	h_poll(&H);
	cr_assert_eq(take_data(&end), 0, "nothing without completions");

	/* Half the limit completed: the connection resumes and fills it again. */
	fake_nic_complete(&H.nic, LIMIT / 2);
	h_poll(&H);
	cr_assert_eq(take_data(&end), LIMIT / 2);
	cr_assert_eq(H.nic.nheld, LIMIT);
	fake_nic_complete(&H.nic, 1);
	h_poll(&H);
	cr_assert_eq(take_data(&end), 0, "not at every completion: at half the limit");

	/* Everything completed: the rest of the congestion window goes. */
	fake_nic_complete(&H.nic, LIMIT);
	h_poll(&H);
	cr_assert_eq(take_data(&end), LIMIT);
	fake_nic_complete(&H.nic, LIMIT);
	h_poll(&H);
	cr_assert_eq(take_data(&end), 0, "10 segments: the congestion window is full");
	cr_assert_eq(end - H.s_nxt, 10u * (H.s_mss - 12));
	cr_assert_eq(H.nic.violations, 0);
}

/* Poll, complete, repeat until nothing more goes; segment ends and TSvals into ends[]. */
static void send_round(uint32_t (*ends)[2], uint32_t *nends, uint32_t cap, uint32_t *most)
{
	struct pkt_info pi;

	do {
		h_poll(&H);
		*most = H.nic.nheld > *most ? H.nic.nheld : *most;
		while (h_recv(&H, &pi))
			if (pi.len && *nends < cap) {
				ends[*nends][0] = pi.seq + pi.len;
				ends[(*nends)++][1] = pi.tsval;
			}
	} while (fake_nic_complete(&H.nic, UINT32_MAX));
}

Test(txlimit, the_limit_follows_the_rate)
{
	static uint32_t ends[2][4096][2];
	uint32_t n[2] = {0, 0}, most = 0, cur = 0, per_ms;
	struct tcp_conn_info ci;

	h_fini(&H);
	setup_limit(2, 1000);
	queue_blob(A->c, 1 << 20);
	send_round(ends[cur], &n[cur], 4096, &most);
	/* Every segment acknowledged 10 ms later: slow start doubles cwnd per round. */
	for (int round = 0; round < 4; round++) {
		uint32_t nxt = cur ^ 1;

		H.now += 10 * MS;
		most = 0;
		n[nxt] = 0;
		for (uint32_t i = 0; i < n[cur]; i++) {
			H.echo = ends[cur][i][1]; /* each ACK echoes its segment's TSval */
			h_ack(&H, ends[cur][i][0], 65535u << 7);
			send_round(ends[nxt], &n[nxt], 4096, &most);
		}
		cur = nxt;
	}
	cr_assert_geq(n[cur], 150, "%u segments in the last round", n[cur]);
	/* One ACK for the whole round: the limit is what the rate sends in a millisecond. */
	H.now += 10 * MS;
	h_ack(&H, ends[cur][n[cur] - 1][0], 65535u << 7);
	tcp_conn_get_info(A->c, &ci);
	per_ms = (uint32_t)((uint64_t)ci.cwnd * MS / ci.srtt_ns / ci.mss);
	cr_assert_geq(per_ms, 16, "cwnd %u srtt %lu", ci.cwnd, (unsigned long)ci.srtt_ns);
	h_poll(&H);
	cr_assert_eq(H.nic.nheld, per_ms, "%u in the NIC, %u segments a millisecond", H.nic.nheld,
		     per_ms);
	h_drain(&H);
}

Test(txlimit, nothing_leaves_after_an_accepted_rst)
{
	struct pkt_spec sp;
	uint32_t end = H.s_nxt, held;

	queue_blob(A->c, 500000);
	h_poll(&H);
	take_data(&end);
	held = H.nic.nheld;
	cr_assert_leq(held, LIMIT, "%u frames in the NIC", held);

	/* RFC 5961 §3.2: a RST exactly at RCV.NXT is accepted. */
	sp = h_spec(&H, PKT_RST);
	h_send(&H, &sp);
	cr_assert(A->closed);
	cr_assert_eq(A->why, TCP_CLOSE_RESET);

	/* The held frames complete; timers run; nothing more is built. */
	fake_nic_complete(&H.nic, UINT32_MAX);
	cr_assert_gt(h_poll(&H), H.now, "nothing waits for completions any more");
	for (int i = 1; i <= 10; i++)
		h_advance(&H, H.now + i * 200 * MS);
	cr_assert_eq(take_data(NULL), 0, "a data segment after the RST");
	cr_assert_eq(h_stats(&H)->conns_active, 0);
}

Test(txlimit, completions_of_a_closed_connection_are_ignored)
{
	uint32_t end = H.s_nxt, old;

	queue_blob(A->c, 100000);
	h_poll(&H);
	take_data(&end);
	old = H.nic.nheld;
	tcp_conn_abort(A->c);
	h_poll(&H);
	h_drain(&H);
	/* A new connection (in the same slot, the free list is LIFO) fills its share... */
	H.cl.sport++;
	A = h_connect(&H, &(struct h_syn){1460, 7, true, true});
	cr_assert_not_null(A);
	queue_blob(A->c, 100000);
	end = H.s_nxt;
	h_poll(&H);
	cr_assert_eq(take_data(&end), LIMIT);
	/* ...and the old connection's completions do not count as its own. */
	cr_assert_eq(fake_nic_complete(&H.nic, old), old);
	h_poll(&H);
	cr_assert_eq(take_data(&end), 0, "an old frame's completion let the new one send");
	fake_nic_complete(&H.nic, UINT32_MAX);
	h_poll(&H);
	cr_assert_eq(take_data(&end), LIMIT);
}

Test(txlimit, one_connection_does_not_take_every_frame)
{
	uint32_t end = H.s_nxt;

	queue_blob(A->c, 100000);
	h_poll(&H);
	cr_assert_eq(take_data(&end), LIMIT);
	H.cl.sport++;
	A = h_connect(&H, &(struct h_syn){1460, 7, true, true});
	queue_blob(A->c, 100000);
	end = H.s_nxt;
	h_poll(&H);
	cr_assert_eq(take_data(&end), LIMIT, "the second connection has its own share");
	cr_assert_eq(H.nic.nheld, 2 * LIMIT);
}

/* Issue 8: a zero window held for a simulated 60 s; probes, and the connection stays. */
Test(txlimit, zero_window_held_for_a_minute)
{
	struct tcp_config cfg;
	struct pkt_info pi;
	uint64_t t0;
	uint32_t probes = 0;

	h_fini(&H);
	h_default_config(&cfg);
	cfg.persist_timeout_ns = 120 * SEC;
	cfg.send_timeout_ns = 1000 * SEC;
	cfg.idle_timeout_ns = 1000 * SEC;
	cfg.max_retransmits = 100;
	h_init(&H, &cfg, 4, false, 0);
	A = h_connect(&H, &(struct h_syn){1460, 7, true, true});
	B = NULL;
	h_ack(&H, H.s_nxt, 0);
	cr_assert_eq(tcp_conn_send_copy(A->c, "hello", 5), 0);
	t0 = H.now;
	while (H.now < t0 + 60 * SEC) {
		h_advance(&H, H.now + 100 * MS);
		while (h_recv(&H, &pi)) {
			if (pi.len)
				probes++;
			/* Each probe answered, the window still shut. */
			h_ack(&H, H.s_nxt, 0);
		}
	}
	cr_assert(!A->closed, "closed behind a zero window after 60 s");
	cr_assert_geq(probes, 5, "%u probes in 60 s", probes);
	cr_assert_leq(probes, 60, "%u probes in 60 s: no backoff?", probes);
	/* The window opens: the data goes (a probe's byte may come first). */
	h_ack(&H, H.s_nxt, 65535u << 7);
	t0 = H.now;
	while (H.now < t0 + 5 * SEC) {
		h_advance(&H, H.now + 100 * MS);
		while (h_recv(&H, &pi))
			if (pi.len && pi.seq - H.s_nxt + pi.len == 5)
				H.now = t0 + 5 * SEC; /* the last byte arrived */
	}
	cr_assert_eq(H.now, t0 + 5 * SEC, "the data never came after the window opened");
	cr_assert(!A->closed);
	cr_assert_eq(h_stats(&H)->timeout_persist, 0);
}
