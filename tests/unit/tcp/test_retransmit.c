// SPDX-License-Identifier: GPL-2.0-only
/*
 * Loss recovery on the sending side: RFC 6298 retransmission timeout with
 * exponential backoff and Karn's rule, giving up after max_retransmits,
 * NewReno fast retransmit / fast recovery (RFC 5681, RFC 6582), limited
 * transmit (RFC 3042), zero-window probing, small peer windows, and a full
 * TX ring.
 */
#include <criterion/criterion.h>

#include <string.h>

#include "harness.h"
#include "tcp/cc.h"

static struct harness H;
static struct h_app *A;
static uint8_t data[64 * 1024];

static void teardown(void)
{
	h_fini(&H);
}

static void setup_cc(bool ts, uint32_t max_retransmits, const struct tcp_cc_ops *cc)
{
	struct tcp_config cfg;
	struct h_syn o = {1460, 7, true, ts};

	h_default_config(&cfg);
	cfg.max_retransmits = max_retransmits;
	cfg.cc = cc;
	cfg.tx_copy_size = sizeof(data);
	h_init(&H, &cfg, 4, false, 0);
	A = h_connect(&H, &o);
	for (uint32_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + i / 251);
}

static void setup_with(bool ts, uint32_t max_retransmits)
{
	setup_cc(ts, max_retransmits, NULL);
}

static void setup_ts(void)
{
	setup_with(true, 8);
}

/* The window arithmetic of RFC 6582 fast recovery. */
static void setup_newreno(void)
{
	setup_cc(true, 8, &tcp_cc_newreno);
}

TestSuite(retransmit, .init = setup_ts, .fini = teardown);

/* The data (or FIN) segments sent now, in order; returns how many. */
static int collect(struct pkt_info *out, int max)
{
	return h_recv_data(&H, out, max);
}

/* Check a segment carries the right stream bytes. */
static void expect_bytes(const struct pkt_info *pi)
{
	uint32_t off = pi->seq - H.s_nxt;

	cr_assert_arr_eq(pi->payload, data + off, pi->len, "payload of seq %u differs", pi->seq);
}

Test(retransmit, rto_fires_backoff_doubles_bytes_identical)
{
	struct pkt_info seg[16], re[4];
	uint64_t t0, next;
	int n;

	cr_assert_eq(tcp_conn_send_copy(A->c, data, 3000), 0);
	t0 = H.now;
	next = h_poll(&H);
	n = collect(seg, 16);
	cr_assert_eq(n, 3);
	cr_assert_eq(seg[0].len, 1448);
	cr_assert_eq(next, t0 + 1 * SEC, "initial RTO is 1 s");

	h_advance(&H, next - 1);
	cr_assert_eq(collect(re, 4), 0, "not before the RTO");
	next = h_advance(&H, next);
	cr_assert_eq(h_stats(&H)->rto_fired, 1);
	cr_assert_eq(collect(re, 4), 1, "loss window: one segment");
	cr_assert_eq(re[0].seq, seg[0].seq);
	cr_assert_eq(re[0].len, seg[0].len);
	cr_assert_arr_eq(re[0].payload, data, re[0].len, "rebuilt from the queue, same bytes");
	cr_assert_eq(next, H.now + 2 * SEC, "backoff doubles the RTO");

	next = h_advance(&H, next);
	cr_assert_eq(collect(re, 4), 1);
	cr_assert_eq(re[0].seq, seg[0].seq);
	cr_assert_eq(next, H.now + 4 * SEC);
	cr_assert_eq(h_stats(&H)->tx_retransmits, 2);

	/* The peer comes back: everything is acknowledged, the timer stops. */
	h_ack(&H, H.s_nxt + 1448, 65535 << 7);
	next = h_poll(&H);
	n = collect(seg, 16);
	cr_assert_eq(n, 2, "slow start after the loss: two segments");
	cr_assert_eq(seg[0].seq, H.s_nxt + 1448);
	expect_bytes(&seg[0]);
	expect_bytes(&seg[1]);
	h_ack(&H, H.s_nxt + 3000, 65535 << 7);
	next = h_poll(&H);
	cr_assert_gt(next, H.now + 30 * SEC, "only the idle timer is left");
	cr_assert_eq(tcp_conn_tx_queued(A->c), 0);
	cr_assert_geq(A->writable, 1);
}

Test(retransmit, rto_follows_the_measured_rtt)
{
	struct pkt_info seg[4];
	struct tcp_conn_info info;
	uint64_t next;

	tcp_conn_send_copy(A->c, data, 100);
	h_poll(&H);
	collect(seg, 4);
	H.now += 100 * MS;
	H.c_ts += 100;
	h_ack(&H, H.s_nxt + 100, 65535 << 7);
	tcp_conn_get_info(A->c, &info);
	cr_assert_eq(info.srtt_ns, 100 * MS);
	tcp_conn_send_copy(A->c, data, 100);
	next = h_poll(&H);
	/* RFC 6298: SRTT 100 ms, RTTVAR 50 ms -> RTO 300 ms. */
	cr_assert_eq(next, H.now + 300 * MS);
}

Test(retransmit, rto_clamped_to_the_minimum)
{
	struct pkt_info seg[4];
	uint64_t next;

	tcp_conn_send_copy(A->c, data, 100);
	h_poll(&H);
	collect(seg, 4);
	H.now += 1 * MS;
	H.c_ts += 1;
	h_ack(&H, H.s_nxt + 100, 65535 << 7);
	tcp_conn_send_copy(A->c, data, 100);
	next = h_poll(&H);
	cr_assert_eq(next, H.now + 200 * MS, "rto_min");
}

Test(retransmit, karn_no_sample_from_retransmission, .init = NULL)
{
	struct pkt_info seg[4];
	struct tcp_conn_info info;
	uint64_t next;

	setup_with(false, 8);
	tcp_conn_send_copy(A->c, data, 100);
	next = h_poll(&H);
	collect(seg, 4);
	next = h_advance(&H, next);
	cr_assert_eq(collect(seg, 4), 1);
	H.now += 10 * MS;
	h_ack(&H, H.s_nxt + 100, 65535 << 7);
	tcp_conn_get_info(A->c, &info);
	cr_assert_eq(info.srtt_ns, 0, "an ambiguous ACK gives no RTT sample");
	/* A clean exchange does. */
	tcp_conn_send_copy(A->c, data, 100);
	h_poll(&H);
	collect(seg, 4);
	H.now += 30 * MS;
	h_ack(&H, H.s_nxt + 200, 65535 << 7);
	tcp_conn_get_info(A->c, &info);
	cr_assert_eq(info.srtt_ns, 30 * MS);
	cr_assert_eq(info.retransmits, 1);
}

Test(retransmit, gives_up_after_max_retransmits, .init = NULL)
{
	struct pkt_info pi;
	uint64_t next;
	int rexmits = 0, rsts = 0;

	setup_with(true, 3);
	tcp_conn_send_copy(A->c, data, 100);
	next = h_poll(&H);
	h_drain(&H);
	for (int i = 0; i < 10 && !A->closed; i++) {
		next = h_advance(&H, next);
		while (h_recv(&H, &pi)) {
			if (pi.flags & PKT_RST)
				rsts++;
			else if (pi.len)
				rexmits++;
		}
	}
	cr_assert(A->closed);
	cr_assert_eq(A->why, TCP_CLOSE_TIMEOUT);
	cr_assert_eq(rexmits, 3);
	cr_assert_eq(rsts, 1, "the connection is reset");
	cr_assert_eq(h_stats(&H)->conns_timed_out, 1);
	cr_assert_eq(h_stats(&H)->conns_active, 0);
}

Test(retransmit, backoff_doubles_up_to_the_cap_then_resets_after_the_retries, .init = NULL)
{
	struct tcp_config cfg;
	struct h_syn o = {1460, 7, true, true};
	struct pkt_info pi;
	uint64_t next, last, gap[TCP_RETRIES_DEFAULT + 1];
	uint32_t rexmits = 0, rsts = 0;

	h_default_config(&cfg);
	cr_assert_eq(cfg.max_retransmits, TCP_RETRIES_DEFAULT);
	cr_assert_eq(cfg.rto_max_ns, TCP_RTO_MAX_NS);
	/* Only the retransmission limit may end it. */
	cfg.idle_timeout_ns = 3600 * SEC;
	cfg.send_timeout_ns = 3600 * SEC;
	h_init(&H, &cfg, 4, false, 0);
	A = h_connect(&H, &o);
	tcp_conn_send_copy(A->c, data, 100);
	next = h_poll(&H);
	h_drain(&H);
	last = H.now;
	while (!A->closed && H.now < last + 3600 * SEC) {
		next = h_advance(&H, next);
		while (h_recv(&H, &pi)) {
			if (pi.flags & PKT_RST) {
				rsts++;
			} else if (pi.len) {
				cr_assert_lt(rexmits, TCP_RETRIES_DEFAULT);
				gap[rexmits++] = H.now - last;
				last = H.now;
			}
		}
	}
	cr_assert(A->closed);
	cr_assert_eq(A->why, TCP_CLOSE_TIMEOUT);
	cr_assert_eq(rexmits, TCP_RETRIES_DEFAULT, "tcp_retries2-like: %u", rexmits);
	cr_assert_eq(rsts, 1, "then the connection is reset");
	cr_assert_eq(h_stats(&H)->timeout_retransmit, 1, "counted for the SIGUSR1 dump");
	/* No RTT sample: 1 s, then doubling (RFC 6298 §5.5) up to the 60 s ceiling. */
	cr_assert_eq(gap[0], 1 * SEC);
	for (uint32_t i = 1; i < rexmits; i++) {
		uint64_t want = gap[i - 1] * 2 < TCP_RTO_MAX_NS ? gap[i - 1] * 2 : TCP_RTO_MAX_NS;

		cr_assert_eq(gap[i], want, "retransmission %u after %llu ms", i,
			     (unsigned long long)(gap[i] / MS));
	}
	cr_assert_eq(gap[rexmits - 1], TCP_RTO_MAX_NS);
}

Test(retransmit, fast_retransmit_on_three_duplicate_acks, .init = setup_newreno)
{
	struct pkt_info seg[32], re[8];
	struct tcp_conn_info info;
	uint32_t base = H.s_nxt, mss = 1448;
	int n;

	cr_assert_eq(tcp_conn_send_copy(A->c, data, 20 * mss), 0);
	h_poll(&H);
	n = collect(seg, 32);
	cr_assert_eq(n, 10, "initial window of 10 segments");
	/* Segment 1 is lost; 2.. arrive, each bringing a duplicate ACK. */
	h_ack(&H, base + mss, 65535 << 7);
	h_poll(&H);
	n = collect(re, 8);
	cr_assert_eq(n, 2, "slow start: the ACK of one segment releases two, got %d", n);
	h_ack(&H, base + mss, 65535 << 7);
	h_poll(&H);
	cr_assert_eq(collect(re, 8), 1, "RFC 3042: first duplicate sends one new segment");
	h_ack(&H, base + mss, 65535 << 7);
	h_poll(&H);
	cr_assert_eq(collect(re, 8), 1, "second duplicate: one more");
	h_ack(&H, base + mss, 65535 << 7);
	h_poll(&H);
	n = collect(re, 8);
	cr_assert_geq(n, 1);
	cr_assert_eq(re[0].seq, base + mss, "third duplicate: the lost segment again");
	cr_assert_eq(re[0].len, mss);
	expect_bytes(&re[0]);
	cr_assert_eq(h_stats(&H)->rto_fired, 0);
	tcp_conn_get_info(A->c, &info);
	/* flight 13 segments: ssthresh 6.5 segments, cwnd = ssthresh + 3 segments */
	cr_assert_eq(info.cwnd, 13 * mss / 2 + 3 * mss);
	/*
	 * The full ACK ends recovery (RFC 6582 §3.2 step 3, first choice):
	 * cwnd = min(ssthresh, max(FlightSize, SMSS) + SMSS), no burst.
	 */
	h_ack(&H, base + 14 * mss, 65535 << 7);
	tcp_conn_get_info(A->c, &info);
	cr_assert_eq(info.cwnd, 2 * mss);
}

Test(retransmit, partial_ack_retransmits_the_next_hole)
{
	struct pkt_info seg[32], re[8];
	uint32_t base = H.s_nxt, mss = 1448;
	int n;

	tcp_conn_send_copy(A->c, data, 10 * mss);
	h_poll(&H);
	cr_assert_eq(collect(seg, 32), 10);
	/* Segments 0 and 3 lost. */
	for (int i = 0; i < 3; i++) {
		h_ack(&H, base, 65535 << 7);
		h_poll(&H);
		n = collect(re, 8);
	}
	cr_assert_geq(n, 1);
	cr_assert_eq(re[0].seq, base);
	/* The retransmission fills hole 0: partial ACK up to hole 3. */
	h_ack(&H, base + 3 * mss, 65535 << 7);
	h_poll(&H);
	n = collect(re, 8);
	cr_assert_geq(n, 1);
	cr_assert_eq(re[0].seq, base + 3 * mss, "RFC 6582: the next hole at once");
	expect_bytes(&re[0]);
	cr_assert_eq(h_stats(&H)->rto_fired, 0);
}

/* An ACK that SACKs [from, to) (offsets from the ISN + 1), acknowledging `ack`. */
static void sack_ack(uint32_t ack, uint32_t from1, uint32_t to1, uint32_t from2, uint32_t to2)
{
	struct pkt_spec sp = h_spec(&H, PKT_ACK);

	sp.ack = H.s_nxt + ack;
	sp.wnd = 65535;
	sp.nsack = 1;
	sp.sack[0][0] = H.s_nxt + from1;
	sp.sack[0][1] = H.s_nxt + to1;
	if (to2) {
		sp.nsack = 2;
		sp.sack[1][0] = H.s_nxt + from2;
		sp.sack[1][1] = H.s_nxt + to2;
	}
	h_send(&H, &sp);
}

Test(retransmit, one_compressed_sack_ack_repairs_every_hole)
{
	struct pkt_info seg[64];
	uint32_t mss = 1448;
	int n;

	/* A measured RTT first, as on any real connection. */
	tcp_conn_send_copy(A->c, data, 100);
	h_poll(&H);
	collect(seg, 64);
	H.now += 1 * MS;
	H.c_ts += 1;
	h_ack(&H, H.s_nxt + 100, 65535 << 7);
	H.s_nxt += 100;
	cr_assert_eq(tcp_conn_send_copy(A->c, data + 100, 10 * mss), 0);
	h_poll(&H);
	cr_assert_eq(collect(seg, 64), 10);
	/*
	 * Segments 1-2 and 5 are lost. A receiver that compresses its ACKs
	 * sends just one, SACKing 3-4 and 6-9: no three duplicates ever come.
	 */
	sack_ack(mss, 3 * mss, 5 * mss, 6 * mss, 10 * mss);
	h_poll(&H);
	n = collect(seg, 64);
	cr_assert_eq(n, 3, "both holes are retransmitted at once (%d segments)", n);
	cr_assert_eq(seg[0].seq, H.s_nxt + mss);
	cr_assert_eq(seg[1].seq, H.s_nxt + 2 * mss);
	cr_assert_eq(seg[2].seq, H.s_nxt + 5 * mss);
	for (int i = 0; i < n; i++) {
		cr_assert_eq(seg[i].len, mss);
		cr_assert_arr_eq(seg[i].payload, data + 100 + (seg[i].seq - H.s_nxt), mss);
	}
	cr_assert_eq(h_stats(&H)->rto_fired, 0);
	/* Everything repaired: recovery ends, new data flows. */
	tcp_conn_send_copy(A->c, data, 4 * mss);
	h_ack(&H, H.s_nxt + 10 * mss, 65535 << 7);
	h_poll(&H);
	n = collect(seg, 64);
	cr_assert_geq(n, 2);
	cr_assert_eq(seg[0].seq, H.s_nxt + 10 * mss);
	cr_assert_eq(h_stats(&H)->rto_fired, 0);
}

Test(retransmit, lost_retransmission_found_by_later_sacks)
{
	struct pkt_info seg[64];
	uint32_t mss = 1448;
	int n, again = 0;

	tcp_conn_send_copy(A->c, data, 100);
	h_poll(&H);
	collect(seg, 64);
	H.now += 1 * MS;
	H.c_ts += 1;
	h_ack(&H, H.s_nxt + 100, 65535 << 7);
	H.s_nxt += 100;
	cr_assert_eq(tcp_conn_send_copy(A->c, data + 100, 20 * mss), 0);
	h_poll(&H);
	cr_assert_eq(collect(seg, 64), 10);
	/* Segment 0 lost; 1-9 SACKed: recovery retransmits 0 and sends new data. */
	sack_ack(0, mss, 10 * mss, 0, 0);
	h_poll(&H);
	n = collect(seg, 64);
	cr_assert_geq(n, 2);
	cr_assert_eq(seg[0].seq, H.s_nxt);
	cr_assert_gt(seg[n - 1].seq, H.s_nxt + 9 * mss, "new data behind the repair");
	/* The repair is lost too; the new data arrives and is SACKed. */
	sack_ack(0, mss, seg[n - 1].seq + seg[n - 1].len - H.s_nxt, 0, 0);
	h_poll(&H);
	n = collect(seg, 64);
	for (int i = 0; i < n; i++)
		again += seg[i].seq == H.s_nxt;
	cr_assert_eq(again, 1, "the lost retransmission is sent again without waiting for the RTO");
	cr_assert_eq(h_stats(&H)->rto_fired, 0);
}

Test(retransmit, sacked_data_is_not_sent_again)
{
	struct pkt_info seg[64];
	uint32_t mss = 1448;
	int n;

	cr_assert_eq(tcp_conn_send_copy(A->c, data, 10 * mss), 0);
	h_poll(&H);
	cr_assert_eq(collect(seg, 64), 10);
	/* 0 is lost; 1-9 are SACKed; the repair goes, then the timer must not resend 1-9. */
	sack_ack(0, mss, 10 * mss, 0, 0);
	h_poll(&H);
	n = collect(seg, 64);
	cr_assert_eq(n, 1);
	cr_assert_eq(seg[0].seq, H.s_nxt);
	h_ack(&H, H.s_nxt + 10 * mss, 65535 << 7);
	h_poll(&H);
	cr_assert_eq(collect(seg, 64), 0);
	cr_assert_eq(h_stats(&H)->tx_retransmits, 1);
}

Test(retransmit, loss_probe_recovers_a_lost_last_ack)
{
	struct pkt_info seg[64];
	uint32_t mss = 1448;
	uint64_t next, t0;
	int n;

	/* A measured RTT of 1 ms. */
	tcp_conn_send_copy(A->c, data, 100);
	h_poll(&H);
	collect(seg, 64);
	H.now += 1 * MS;
	H.c_ts += 1;
	h_ack(&H, H.s_nxt + 100, 65535 << 7);
	H.s_nxt += 100;
	cr_assert_eq(tcp_conn_send_copy(A->c, data, 4 * mss), 0);
	t0 = H.now;
	next = h_poll(&H);
	cr_assert_eq(collect(seg, 64), 4);
	/* The receiver got all four, but its ACK is lost: nothing comes back. */
	cr_assert_lt(next, t0 + 10 * MS, "a loss probe after about 2 SRTT, not the 200 ms RTO");
	h_advance(&H, next);
	n = collect(seg, 64);
	cr_assert_eq(n, 1, "one probe");
	cr_assert_eq(seg[0].seq, H.s_nxt + 3 * mss, "the last segment again");
	cr_assert_eq(seg[0].len, mss);
	/* Its ACK settles everything: no RTO. */
	h_ack(&H, H.s_nxt + 4 * mss, 65535 << 7);
	next = h_poll(&H);
	cr_assert_eq(h_stats(&H)->rto_fired, 0);
	cr_assert_gt(next, H.now + SEC);
}

Test(retransmit, zero_window_probe_then_window_opens)
{
	struct pkt_info seg[32];
	uint64_t next, first_gap, second_gap, t;
	int n;

	/* The client's window is closed before anything is sent. */
	h_ack(&H, H.s_nxt, 0);
	tcp_conn_send_copy(A->c, data, 5000);
	next = h_poll(&H);
	cr_assert_eq(collect(seg, 32), 0, "nothing fits a zero window");
	t = H.now;
	next = h_advance(&H, next);
	first_gap = H.now - t;
	n = collect(seg, 32);
	cr_assert_eq(n, 1, "one probe");
	cr_assert_eq(seg[0].len, 1);
	cr_assert_eq(seg[0].seq, H.s_nxt);
	expect_bytes(&seg[0]);
	/* The probe is answered but the window stays closed: the interval doubles. */
	h_ack(&H, H.s_nxt, 0);
	next = h_poll(&H);
	t = H.now;
	next = h_advance(&H, next);
	second_gap = H.now - t;
	cr_assert_eq(collect(seg, 32), 1);
	cr_assert_eq(second_gap, 2 * first_gap);
	cr_assert(!A->closed, "answered probes keep the connection");
	/* The window opens: data flows from the next byte. */
	h_ack(&H, H.s_nxt, 65535 << 7);
	h_poll(&H);
	n = collect(seg, 32);
	cr_assert_geq(n, 2);
	for (int i = 0; i < n; i++)
		expect_bytes(&seg[i]);
	h_ack(&H, H.s_nxt + 5000, 65535 << 7);
	h_poll(&H);
	collect(seg, 32);
	cr_assert_eq(tcp_conn_tx_queued(A->c), 0);
}

Test(retransmit, fin_not_sent_into_a_zero_window)
{
	struct pkt_info seg[8];
	uint64_t next;

	h_ack(&H, H.s_nxt, 0);
	tcp_conn_shutdown(A->c);
	next = h_poll(&H);
	cr_assert_eq(collect(seg, 8), 0, "the FIN needs window like a byte");
	cr_assert_lt(next, H.now + 2 * SEC, "the persist timer runs");
	/* The window opens: the FIN goes. */
	h_ack(&H, H.s_nxt, 65535 << 7);
	h_poll(&H);
	cr_assert_eq(collect(seg, 8), 1);
	cr_assert(seg[0].flags & PKT_FIN);
	cr_assert_eq(seg[0].seq, H.s_nxt);
}

Test(retransmit, fin_probes_a_window_that_stays_closed)
{
	struct pkt_info seg[8];
	uint64_t next;

	h_ack(&H, H.s_nxt, 0);
	tcp_conn_shutdown(A->c);
	next = h_poll(&H);
	h_advance(&H, next);
	cr_assert_eq(collect(seg, 8), 1, "the persist timer sends the FIN as a probe");
	cr_assert(seg[0].flags & PKT_FIN);
	h_ack(&H, H.s_nxt + 1, 0);
	cr_assert_eq(h_poll(&H) > H.now + 10 * SEC, true, "FIN_WAIT_2: nothing to retransmit");
}

Test(retransmit, unanswered_probes_give_up, .init = NULL)
{
	uint64_t next;

	setup_with(true, 4);
	h_ack(&H, H.s_nxt, 0);
	tcp_conn_send_copy(A->c, data, 100);
	next = h_poll(&H);
	for (int i = 0; i < 10 && !A->closed; i++)
		next = h_advance(&H, next);
	cr_assert(A->closed);
	cr_assert_eq(A->why, TCP_CLOSE_TIMEOUT);
}

Test(retransmit, peer_window_smaller_than_mss)
{
	struct pkt_info seg[64];
	uint32_t got = 0;
	int n;

	/* The client's window is 512 bytes (4 << 7); it acknowledges each segment. */
	h_ack(&H, H.s_nxt, 512);
	tcp_conn_send_copy(A->c, data, 3000);
	for (int round = 0; round < 20 && got < 3000; round++) {
		uint64_t next = h_poll(&H);

		n = collect(seg, 64);
		if (!n) {
			h_advance(&H, next);
			continue;
		}
		for (int i = 0; i < n; i++) {
			cr_assert_leq(seg[i].len, 512, "never beyond the peer's window");
			expect_bytes(&seg[i]);
			got = seg[i].seq + seg[i].len - H.s_nxt;
		}
		h_ack(&H, H.s_nxt + got, 512);
	}
	cr_assert_eq(got, 3000);
}

Test(retransmit, full_tx_ring_defers_output)
{
	struct pkt_info seg[32];
	uint64_t next;

	tcp_conn_send_copy(A->c, data, 4000);
	H.nic.refuse = true;
	next = h_poll(&H);
	cr_assert_eq(next, H.now, "waiting for TX frames: poll again now");
	cr_assert_geq(h_stats(&H)->tx_no_frame, 1);
	cr_assert_eq(collect(seg, 32), 0);
	H.nic.refuse = false;
	H.nic.allow = 1; /* room for one frame only */
	next = h_poll(&H);
	cr_assert_eq(next, H.now);
	cr_assert_eq(collect(seg, 32), 1);
	H.nic.allow = -1;
	h_poll(&H);
	cr_assert_eq(collect(seg, 32), 2);
	cr_assert_eq(seg[1].seq + seg[1].len, H.s_nxt + 4000);
}
