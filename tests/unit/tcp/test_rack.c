// SPDX-License-Identifier: GPL-2.0-only
/*
 * RACK-TLP (RFC 8985) on the SACK scoreboard, with a 50 ms path on the
 * fake clock: each loss pattern (first, middle, last segment, a burst,
 * the FIN, the SYN-ACK) repaired without an RTO, the reordering window
 * (reordering shorter than it is not a loss), the tail loss probe, lost
 * retransmissions, and undo of a spurious reduction by D-SACK (RFC 2883)
 * and by timestamps (RFC 3522).
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "harness.h"
#include "tcp/cc.h"

#define MSS 1448u
#define RTT (50 * MS)

static struct harness H;
static struct h_app *A;
static uint8_t data[256 * 1024];
static uint32_t base; /* sequence number of data[0] */

static void setup_client(const struct tcp_cc_ops *cc, bool ts)
{
	struct tcp_config cfg;
	struct h_syn o = {1460, 7, true, ts};

	h_default_config(&cfg);
	cfg.tx_copy_size = sizeof(data);
	cfg.cc = cc;
	h_init(&H, &cfg, 4, false, 0);
	A = h_connect(&H, &o);
	for (uint32_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 11 + i / 263);
	/* One exchange measures the 50 ms path. */
	cr_assert_eq(tcp_conn_send_copy(A->c, data, 100), 0);
	h_poll(&H);
	h_drain(&H);
	H.now += RTT;
	H.c_ts += 50;
	h_ack(&H, H.s_nxt + 100, 65535u << 7);
	h_poll(&H);
	base = H.s_nxt + 100;
}

static void setup(void)
{
	setup_client(NULL, true);
}

/*
 * A client without timestamps (Windows' default): RTTs by Karn's rule only.
 * Until SYN cookies keep SACK-permitted without timestamps, such a client
 * also gets no SACK: then this is NewReno's (RFC 6582) recovery.
 */
static void setup_no_ts(void)
{
	setup_client(NULL, false);
}

static void teardown(void)
{
	h_fini(&H);
}

TestSuite(rack, .init = setup, .fini = teardown);

/* The data (or FIN) segments sent now, in order; returns how many. */
static int sent(struct pkt_info *out, int max)
{
	return h_recv_data(&H, out, max);
}

/* Segment index of a sent segment. */
static uint32_t idx(const struct pkt_info *pi)
{
	return (pi->seq - base) / MSS;
}

/* The bytes of a (re)sent segment are the stream's. */
static void expect_bytes(const struct pkt_info *pi)
{
	cr_assert_arr_eq(pi->payload, data + (pi->seq - base), pi->len);
}

/* An ACK of segments [0, ack) with nblk SACK blocks of segment ranges (a D-SACK first). */
static void ack_segs(uint32_t ack, int nblk, const uint32_t blk[][2])
{
	struct pkt_spec sp = h_spec(&H, PKT_ACK);

	sp.ack = base + ack * MSS;
	sp.nsack = (uint8_t)nblk;
	for (int i = 0; i < nblk; i++) {
		sp.sack[i][0] = base + blk[i][0] * MSS;
		sp.sack[i][1] = base + blk[i][1] * MSS;
	}
	h_send(&H, &sp);
	h_poll(&H);
}

/* Queue n segments and send the first flight; 50 ms later the first ACKs arrive. */
static int flight(uint32_t nsegs, struct pkt_info *out, int max)
{
	int n;

	cr_assert_eq(tcp_conn_send_copy(A->c, data, nsegs * MSS), 0);
	h_poll(&H);
	n = sent(out, max);
	H.now += RTT;
	H.c_ts += 50;
	return n;
}

/*
 * Run the clock timer by timer (a deadline may be a stale, earlier one)
 * until something is sent or `limit` passes; returns when that was sent.
 */
static uint64_t run_until_sent(uint64_t limit, struct pkt_info *out, int max, int *n)
{
	for (;;) {
		uint64_t next = h_poll(&H);

		*n = sent(out, max);
		if (*n || next > limit)
			return H.now;
		h_advance(&H, next);
	}
}

static uint32_t cwnd(void)
{
	struct tcp_conn_info info;

	tcp_conn_get_info(A->c, &info);
	return info.cwnd;
}

Test(rack, first_segment_lost)
{
	struct pkt_info seg[64];

	cr_assert_eq(flight(10, seg, 64), 10);
	/* 1 and 2 arrive: below DupThresh, the reordering window still holds. */
	ack_segs(0, 1, (const uint32_t[][2]){{1, 3}});
	sent(seg, 64);
	cr_assert_eq(h_stats(&H)->tx_retransmits, 0, "two SACKed: 0 may still be on its way");
	/* 3 arrives too: three SACKed, no reordering seen yet: 0 is lost now. */
	ack_segs(0, 1, (const uint32_t[][2]){{1, 4}});
	cr_assert_geq(sent(seg, 64), 1);
	cr_assert_eq(seg[0].seq, base, "segment 0 again");
	expect_bytes(&seg[0]);
	cr_assert_eq(h_stats(&H)->rto_fired, 0);
	cr_assert_geq(h_stats(&H)->loss_rack, 1);
}

Test(rack, middle_segment_lost)
{
	struct pkt_info seg[64];

	cr_assert_eq(flight(10, seg, 64), 10);
	ack_segs(4, 1, (const uint32_t[][2]){{5, 10}});
	cr_assert_geq(sent(seg, 64), 1);
	cr_assert_eq(idx(&seg[0]), 4, "segment 4 again first");
	cr_assert_eq(seg[0].seq, base + 4 * MSS);
	expect_bytes(&seg[0]);
	H.now += RTT;
	ack_segs(10, 0, NULL);
	cr_assert_eq(h_stats(&H)->rto_fired, 0);
	cr_assert_eq(h_stats(&H)->tx_retransmits, 1, "only the lost one");
}

Test(rack, burst_lost_in_one_recovery)
{
	struct pkt_info seg[64];
	bool again[10] = {0};
	int n;

	cr_assert_eq(flight(10, seg, 64), 10);
	/* 3..6 lost, 7..9 arrive. */
	ack_segs(3, 1, (const uint32_t[][2]){{7, 10}});
	n = sent(seg, 64);
	for (int i = 0; i < n; i++)
		if (seg[i].seq < base + 10 * MSS) {
			again[idx(&seg[i])] = true;
			expect_bytes(&seg[i]);
		}
	for (int i = 3; i < 7; i++)
		cr_assert(again[i], "segment %d resent in the first round", i);
	cr_assert_eq(h_stats(&H)->tx_retransmits, 4);
	cr_assert_eq(h_stats(&H)->rto_fired, 0);
}

Test(rack, last_segment_lost_probe_repairs_it)
{
	struct pkt_info seg[64];
	uint32_t before;
	uint64_t next, t;
	int n;

	cr_assert_eq(flight(10, seg, 64), 10);
	/* Everything but the last segment arrives; nothing more comes back. */
	t = H.now;
	ack_segs(9, 0, NULL);
	cr_assert_eq(sent(seg, 64), 0, "all queued data was sent");
	before = cwnd();
	next = run_until_sent(t + SEC, seg, 64, &n);
	cr_assert_lt(next, t + 2 * RTT + 250 * MS, "a probe by the RTO at the latest");
	cr_assert_eq(n, 1, "one probe");
	cr_assert_eq(idx(&seg[0]), 9, "the last segment again");
	expect_bytes(&seg[0]);
	cr_assert_eq(h_stats(&H)->rto_fired, 0, "a probe, not an RTO");
	/* It repairs the loss (no D-SACK): one window reduction (RFC 8985 §7.4). */
	h_advance(&H, H.now + RTT);
	ack_segs(10, 0, NULL);
	cr_assert_eq(h_stats(&H)->tlp_repaired, 1);
	cr_assert_lt(cwnd(), before);
	cr_assert_eq(h_stats(&H)->rto_fired, 0);
}

Test(rack, two_tail_segments_lost_probe_then_rack)
{
	struct pkt_info seg[64];
	uint64_t next, t;
	int n;

	cr_assert_eq(flight(10, seg, 64), 10);
	t = H.now;
	ack_segs(8, 0, NULL);
	cr_assert_eq(sent(seg, 64), 0);
	/* The loss probe: about 2 SRTT later, well before the RTO. */
	next = run_until_sent(t + SEC, seg, 64, &n);
	cr_assert_lt(next, t + 2 * RTT + 10 * MS);
	cr_assert_eq(n, 1, "one probe");
	cr_assert_eq(idx(&seg[0]), 9, "the last segment again");
	cr_assert_eq(h_stats(&H)->tlp_probes, 1);
	/* It arrives; its SACK shows segment 8 missing: RACK resends it. */
	h_advance(&H, H.now + RTT);
	ack_segs(8, 1, (const uint32_t[][2]){{9, 10}});
	cr_assert_geq(sent(seg, 64), 1);
	cr_assert_eq(idx(&seg[0]), 8);
	expect_bytes(&seg[0]);
	h_advance(&H, H.now + RTT);
	ack_segs(10, 0, NULL);
	cr_assert_eq(h_stats(&H)->rto_fired, 0, "repaired by the probe and RACK, not the RTO");
}

Test(rack, fin_lost_probe_resends_it)
{
	struct pkt_info seg[64];
	uint64_t next, t;
	int n;

	cr_assert_eq(flight(4, seg, 64), 4);
	ack_segs(4, 0, NULL);
	tcp_conn_shutdown(A->c);
	h_poll(&H);
	n = sent(seg, 64);
	cr_assert_eq(n, 1);
	cr_assert(seg[0].flags & PKT_FIN);
	/* The FIN is lost. */
	t = H.now;
	next = run_until_sent(t + 2 * SEC, seg, 64, &n);
	cr_assert_lt(next, t + SEC / 2, "a probe, not the RTO");
	cr_assert_eq(n, 1);
	cr_assert(seg[0].flags & PKT_FIN, "the probe is the FIN again");
	cr_assert_eq(seg[0].seq, base + 4 * MSS);
	cr_assert_eq(h_stats(&H)->rto_fired, 0);
}

Test(rack, synack_lost_answered_again, .init = NULL)
{
	struct h_syn o = {1460, 7, true, true};
	struct pkt_info sa1, sa2;
	struct h_app *a;

	h_init(&H, NULL, 4, false, 0);
	/* No state is kept for a SYN (cookies): the client's retransmitted SYN is answered again.
	 */
	cr_assert(h_syn(&H, &o, &sa1));
	H.now += 1 * SEC;
	cr_assert(h_syn(&H, &o, &sa2));
	cr_assert_eq(h_stats(&H)->conns_active, 0, "a lost SYN-ACK costs no state");
	h_handshake(&H, &o);
	a = h_last(&H);
	cr_assert_not_null(a);
	cr_assert_eq(h_stats(&H)->conns_accepted, 1);
}

/* Reordering seen once widens nothing yet, but makes RACK wait min_RTT / 4 before a loss. */
static void see_reordering(void)
{
	struct pkt_info seg[64];

	cr_assert_eq(flight(4, seg, 64), 4);
	/* 1 overtakes 0; 0 arrives 1 ms later: reordering, not a loss. */
	ack_segs(0, 1, (const uint32_t[][2]){{1, 2}});
	H.now += 1 * MS;
	ack_segs(4, 0, NULL);
	sent(seg, 64);
	cr_assert_eq(h_stats(&H)->tx_retransmits, 0);
	base += 4 * MSS; /* the next flight sends data[] from its start again */
}

Test(rack, reordering_below_the_window_is_not_a_loss)
{
	struct pkt_info seg[64];

	see_reordering();
	cr_assert_eq(flight(10, seg, 64), 10);
	/* 0 is late; 1..9 arrive first: with reordering seen, RACK gives 0 min_RTT / 4. */
	ack_segs(0, 1, (const uint32_t[][2]){{1, 10}});
	sent(seg, 64);
	cr_assert_eq(h_stats(&H)->tx_retransmits, 0, "no retransmission yet");
	/* 5 ms later (under 12.5 ms), 0 arrives. */
	H.now += 5 * MS;
	ack_segs(10, 0, NULL);
	h_advance(&H, H.now + 20 * MS);
	cr_assert_eq(h_stats(&H)->tx_retransmits, 0, "reordering within the window");
	cr_assert_eq(h_stats(&H)->rto_fired, 0);
}

Test(rack, reordering_beyond_the_window_is_a_loss_by_timer)
{
	struct pkt_info seg[64];
	uint64_t next, t;
	int n;

	see_reordering();
	cr_assert_eq(flight(10, seg, 64), 10);
	ack_segs(0, 1, (const uint32_t[][2]){{1, 10}});
	sent(seg, 64);
	t = H.now;
	next = run_until_sent(t + 2 * SEC, seg, 64, &n);
	cr_assert_leq(next, t + RTT / 4 + MS, "the reordering timer, not the RTO");
	cr_assert_geq(n, 1);
	cr_assert_eq(seg[0].seq, base, "segment 0 again after the window");
	cr_assert_eq(h_stats(&H)->rto_fired, 0);
}

Test(rack, lost_retransmission_is_found_by_time)
{
	struct pkt_info seg[64];
	int n;

	/* 20 queued: new data follows the retransmission in recovery. */
	cr_assert_eq(flight(20, seg, 64), 10);
	ack_segs(0, 1, (const uint32_t[][2]){{1, 10}});
	n = sent(seg, 64);
	cr_assert_geq(n, 1);
	cr_assert_eq(seg[0].seq, base);
	/* The retransmission is lost too; later new data is SACKed, an RTT on. */
	H.now += RTT + 20 * MS;
	ack_segs(0, 1, (const uint32_t[][2]){{1, 12}});
	n = sent(seg, 64);
	cr_assert_geq(n, 1);
	cr_assert_eq(seg[0].seq, base, "segment 0 a third time, without an RTO");
	cr_assert_eq(h_stats(&H)->rto_fired, 0);
}

Test(rack, dsack_undoes_a_spurious_recovery)
{
	struct pkt_info seg[64];
	uint32_t before;

	cr_assert_eq(flight(10, seg, 64), 10);
	before = cwnd();
	/* 0 looks lost (three SACKed above it, no reordering seen yet): recovery. */
	ack_segs(0, 1, (const uint32_t[][2]){{1, 10}});
	sent(seg, 64);
	cr_assert_lt(cwnd(), before, "the window was reduced");
	/* 0 was only late: the original arrives, then the copy, reported by D-SACK. */
	H.now += 2 * MS;
	ack_segs(10, 0, NULL);
	H.now += RTT;
	ack_segs(10, 1, (const uint32_t[][2]){{0, 1}});
	cr_assert_eq(h_stats(&H)->dsack_received, 1);
	cr_assert_eq(h_stats(&H)->spurious_undone, 1);
	cr_assert_geq(cwnd(), before, "the window is back");
}

Test(rack, timestamps_undo_a_spurious_recovery)
{
	struct pkt_info seg[64];
	struct pkt_spec sp;
	uint32_t before, ts_orig;

	cr_assert_eq(flight(10, seg, 64), 10);
	ts_orig = seg[0].tsval;
	before = cwnd();
	ack_segs(0, 1, (const uint32_t[][2]){{1, 10}});
	sent(seg, 64);
	cr_assert_lt(cwnd(), before);
	/* The ACK for 0 echoes the original's TSval: the original arrived (Eifel). */
	H.now += 5 * MS;
	sp = h_spec(&H, PKT_ACK);
	sp.ack = base + 10 * MSS;
	sp.tsecr = ts_orig;
	h_send(&H, &sp);
	h_poll(&H);
	cr_assert_eq(h_stats(&H)->spurious_undone, 1);
	cr_assert_geq(cwnd(), before);
}

Test(rack, real_loss_is_not_undone)
{
	struct pkt_info seg[64];
	uint32_t reduced;

	cr_assert_eq(flight(10, seg, 64), 10);
	ack_segs(0, 1, (const uint32_t[][2]){{1, 10}});
	sent(seg, 64);
	reduced = cwnd();
	/* The retransmission fills the hole: its ACK echoes the retransmission's TSval. */
	H.now += RTT;
	ack_segs(10, 0, NULL);
	cr_assert_eq(h_stats(&H)->spurious_undone, 0);
	cr_assert_leq(cwnd(), reduced + 2 * MSS);
}

/*
 * --- a seeded lossy, reordering path -------------------------------------
 *
 * The client is a SACK receiver 25 ms away each way that ACKs every segment
 * at once: SACK blocks newest first, a D-SACK for a duplicate, TS.Recent
 * per RFC 7323 §4.3. The path drops or delays segments by a seeded
 * generator. Every byte must arrive, checked as it leaves the server.
 */
#define PATH_Q	     4096
#define PATH_ONE_WAY (25 * MS)

struct path_seg {
	uint64_t t;
	uint32_t seq, len, tsval; /* seq as an offset from base */
};

struct path_ack {
	uint64_t t;
	uint32_t ack, tsecr;
	uint8_t nsack;
	uint32_t sack[3][2];
};

struct path {
	uint32_t seed;
	unsigned int loss_pct, reorder_pct; /* reordered: 3 ms later than the rest */
	struct path_seg to_client[PATH_Q];
	int n_client;
	struct path_ack to_server[PATH_Q];
	int n_server;
	/* The receiver. */
	uint32_t rcv_nxt, ts_recent;
	uint32_t ooo[64][2];
	int n_ooo;
	uint32_t lost, reordered;
};

static unsigned int path_rand(struct path *p)
{
	p->seed = p->seed * 1103515245u + 12345u;
	return (p->seed >> 16) % 100;
}

static void path_push_seg(struct path *p, struct path_seg s)
{
	int i = p->n_client++;

	cr_assert_lt(p->n_client, PATH_Q);
	while (i > 0 && p->to_client[i - 1].t > s.t) {
		p->to_client[i] = p->to_client[i - 1];
		i--;
	}
	p->to_client[i] = s;
}

/* Add [s, e) to the receiver's out-of-order ranges; 1 if all of it was there. */
static bool path_ooo_add(struct path *p, uint32_t s, uint32_t e)
{
	int i;

	for (i = 0; i < p->n_ooo; i++)
		if (s >= p->ooo[i][0] && e <= p->ooo[i][1])
			return true;
	cr_assert_lt(p->n_ooo, 64);
	p->ooo[p->n_ooo][0] = s;
	p->ooo[p->n_ooo][1] = e;
	p->n_ooo++;
	/* Merge touching ranges (simple and quadratic: the list is short). */
	for (bool again = true; again;) {
		again = false;
		for (i = 0; i < p->n_ooo && !again; i++)
			for (int j = 0; j < p->n_ooo && !again; j++)
				if (i != j && p->ooo[j][0] <= p->ooo[i][1] &&
				    p->ooo[j][1] >= p->ooo[i][0]) {
					p->ooo[i][0] = p->ooo[i][0] < p->ooo[j][0] ? p->ooo[i][0]
										   : p->ooo[j][0];
					p->ooo[i][1] = p->ooo[i][1] > p->ooo[j][1] ? p->ooo[i][1]
										   : p->ooo[j][1];
					p->ooo[j][0] = p->ooo[p->n_ooo - 1][0];
					p->ooo[j][1] = p->ooo[p->n_ooo - 1][1];
					p->n_ooo--;
					again = true;
				}
	}
	return false;
}

/* A segment reaches the receiver: the ACK it sends back. */
static void path_receive(struct path *p, const struct path_seg *s)
{
	struct path_ack a = {.t = s->t + PATH_ONE_WAY};
	uint32_t end = s->seq + s->len;
	bool dup = end <= p->rcv_nxt;
	int newest = -1;

	if (s->seq <= p->rcv_nxt)
		p->ts_recent = s->tsval; /* RFC 7323 §4.3: the segment at or before RCV.NXT */
	if (!dup && s->seq <= p->rcv_nxt) {
		p->rcv_nxt = end;
	} else if (!dup) {
		dup = path_ooo_add(p, s->seq, end);
	}
	/* Out-of-order ranges the in-order point reached. */
	for (bool moved = true; moved;) {
		moved = false;
		for (int i = 0; i < p->n_ooo; i++)
			if (p->ooo[i][0] <= p->rcv_nxt) {
				if (p->ooo[i][1] > p->rcv_nxt)
					p->rcv_nxt = p->ooo[i][1];
				p->ooo[i][0] = p->ooo[p->n_ooo - 1][0];
				p->ooo[i][1] = p->ooo[p->n_ooo - 1][1];
				p->n_ooo--;
				moved = true;
				break;
			}
	}
	a.ack = p->rcv_nxt;
	a.tsecr = p->ts_recent;
	if (dup) {
		a.sack[a.nsack][0] = s->seq;
		a.sack[a.nsack++][1] = end;
	}
	for (int i = 0; i < p->n_ooo; i++)
		if (s->seq >= p->ooo[i][0] && s->seq < p->ooo[i][1])
			newest = i;
	if (newest >= 0) {
		a.sack[a.nsack][0] = p->ooo[newest][0];
		a.sack[a.nsack++][1] = p->ooo[newest][1];
	}
	for (int i = p->n_ooo - 1; i >= 0 && a.nsack < 3; i--)
		if (i != newest) {
			a.sack[a.nsack][0] = p->ooo[i][0];
			a.sack[a.nsack++][1] = p->ooo[i][1];
		}
	cr_assert_lt(p->n_server, PATH_Q);
	p->to_server[p->n_server++] = a; /* same one-way delay: already in time order */
}

/* Take what the server sent: check its bytes and put it on the path. */
static void path_capture(struct path *p)
{
	struct pkt_info pi;

	while (h_recv(&H, &pi)) {
		struct path_seg s = {.t = H.now + PATH_ONE_WAY, .tsval = pi.tsval};

		if (!pi.len)
			continue;
		s.seq = pi.seq - base;
		s.len = pi.len;
		cr_assert_arr_eq(pi.payload, data + s.seq, pi.len, "bytes at %u", s.seq);
		if (path_rand(p) < p->loss_pct) {
			p->lost++;
			continue;
		}
		if (path_rand(p) < p->reorder_pct) {
			s.t += 3 * MS;
			p->reordered++;
		}
		path_push_seg(p, s);
	}
}

static void path_deliver_ack(struct path *p)
{
	struct path_ack a = p->to_server[0];
	struct pkt_spec sp = h_spec(&H, PKT_ACK);

	memmove(p->to_server, p->to_server + 1, (size_t)(--p->n_server) * sizeof(a));
	sp.ack = base + a.ack;
	sp.tsecr = a.tsecr;
	sp.nsack = a.nsack;
	for (int i = 0; i < a.nsack; i++) {
		sp.sack[i][0] = base + a.sack[i][0];
		sp.sack[i][1] = base + a.sack[i][1];
	}
	h_send(&H, &sp);
}

/* Run until the receiver has `total` bytes or 60 simulated seconds passed. */
static void path_run(struct path *p, uint32_t total)
{
	uint64_t limit = H.now + 60 * SEC;

	cr_assert_eq(tcp_conn_send_copy(A->c, data, total), 0);
	while (p->rcv_nxt < total && H.now < limit) {
		uint64_t next = h_poll(&H);

		path_capture(p);
		if (p->n_client && p->to_client[0].t < next)
			next = p->to_client[0].t;
		if (p->n_server && p->to_server[0].t < next)
			next = p->to_server[0].t;
		H.now = next > H.now ? next : H.now;
		H.c_ts = (uint32_t)(H.now / MS);
		while (p->n_client && p->to_client[0].t <= H.now) {
			path_receive(p, &p->to_client[0]);
			memmove(p->to_client, p->to_client + 1,
				(size_t)(--p->n_client) * sizeof(p->to_client[0]));
		}
		while (p->n_server && p->to_server[0].t <= H.now)
			path_deliver_ack(p);
	}
	cr_assert_eq(p->rcv_nxt, total, "every byte arrived (%u of %u)", p->rcv_nxt, total);
	cr_log_info("%u bytes in %llu ms: lost %u, reordered %u; retransmits %llu, rto %llu, "
		    "rack-lost %llu, tlp %llu, dsack %llu, undone %llu",
		    total, (unsigned long long)((H.now - (limit - 60 * SEC)) / MS), p->lost,
		    p->reordered, (unsigned long long)h_stats(&H)->tx_retransmits,
		    (unsigned long long)h_stats(&H)->rto_fired,
		    (unsigned long long)h_stats(&H)->loss_rack,
		    (unsigned long long)h_stats(&H)->tlp_probes,
		    (unsigned long long)h_stats(&H)->dsack_received,
		    (unsigned long long)h_stats(&H)->spurious_undone);
}

static struct path P;

Test(rack, reordering_path_costs_no_retransmission_storm)
{
	uint32_t total = 170 * MSS;

	P = (struct path){.seed = 7, .reorder_pct = 5};
	path_run(&P, total);
	cr_assert_gt(P.reordered, 5, "the path reordered (%u)", P.reordered);
	/* The first reordering may cost one or two before RACK has seen any (then undone). */
	cr_assert_leq(h_stats(&H)->tx_retransmits, 3, "%llu retransmissions for %u reorderings",
		      (unsigned long long)h_stats(&H)->tx_retransmits, P.reordered);
	cr_assert_eq(h_stats(&H)->rto_fired, 0);
}

struct lossy_case {
	uint32_t seed;
	unsigned int loss_pct, reorder_pct;
};

ParameterizedTestParameters(rack, lossy_path_every_byte_arrives_without_rto_storms)
{
	static struct lossy_case cases[] = {
		{11, 3, 2},
		{23, 3, 2},
		{42, 2, 5},
		{5, 10, 0},
	};

	return cr_make_param_array(struct lossy_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct lossy_case *lc, rack, lossy_path_every_byte_arrives_without_rto_storms)
{
	uint32_t total = 160 * 1024;

	P = (struct path){
		.seed = lc->seed, .loss_pct = lc->loss_pct, .reorder_pct = lc->reorder_pct};
	path_run(&P, total);
	cr_assert_gt(P.lost, 2, "the path lost segments (%u)", P.lost);
	cr_assert_leq(h_stats(&H)->tx_retransmits, 2 * P.lost + 4, "%llu retransmissions, %u lost",
		      (unsigned long long)h_stats(&H)->tx_retransmits, P.lost);
	cr_assert_leq(h_stats(&H)->rto_fired, 1 + P.lost / 8, "losses repaired by RACK and TLP");
	/* Nothing here is a spurious RTO: an undo needs a D-SACK'd retransmission. */
	cr_assert_leq(h_stats(&H)->spurious_undone, h_stats(&H)->dsack_received);
}

Test(rack, lossy_path_without_timestamps, .init = setup_no_ts)
{
	uint32_t total = 160 * 1024;

	P = (struct path){.seed = 11, .loss_pct = 3, .reorder_pct = 2};
	path_run(&P, total);
	cr_assert_gt(P.lost, 2);
	cr_assert_leq(h_stats(&H)->tx_retransmits, 2 * P.lost + 4);
	cr_assert_leq(h_stats(&H)->rto_fired, 1);
}

Test(rack, spurious_rto_undone_by_timestamps)
{
	struct pkt_info seg[64];
	struct pkt_spec sp;
	uint32_t before, ts_orig;
	uint64_t t;
	int n;

	cr_assert_eq(flight(10, seg, 64), 10);
	ts_orig = seg[0].tsval;
	before = cwnd();
	/* The ACKs are only late: the RTO fires first and resends segment 0. */
	t = H.now;
	run_until_sent(t + 5 * SEC, seg, 64, &n);
	while (!h_stats(&H)->rto_fired && H.now < t + 5 * SEC)
		run_until_sent(t + 5 * SEC, seg, 64, &n);
	cr_assert_eq(h_stats(&H)->rto_fired, 1);
	cr_assert_lt(cwnd(), before, "the loss window");
	/* Then the late ACK of the originals: it echoes their TSval (RFC 3522). */
	sp = h_spec(&H, PKT_ACK);
	sp.ack = base + 10 * MSS;
	sp.tsecr = ts_orig;
	h_send(&H, &sp);
	h_poll(&H);
	cr_assert_eq(h_stats(&H)->spurious_undone, 1);
	cr_assert_geq(cwnd(), before, "the window is back");
}

/* An ACK of segments [0, ack) echoing `tsecr`, without SACK blocks. */
static void ack_segs_echo(uint32_t ack, uint32_t tsecr)
{
	struct pkt_spec sp = h_spec(&H, PKT_ACK);

	sp.ack = base + ack * MSS;
	sp.tsecr = tsecr;
	h_send(&H, &sp);
	h_poll(&H);
}

/*
 * A real RTO: the whole flight was lost, the retransmissions go back over
 * it in slow start, more than one per RTT. Eifel looks once, at the first
 * ACK past the first retransmission; a later retransmission must not become
 * the reference, or the ACK of an earlier one (sent before it) looks like an
 * original's and undoes a real loss (then the go-back stops with holes left).
 */
Test(rack, rto_go_back_is_not_undone_by_its_own_retransmissions)
{
	struct pkt_info seg[64];
	uint32_t ts2;
	uint64_t t;
	int n;

	cr_assert_eq(flight(10, seg, 64), 10);
	t = H.now;
	while (!h_stats(&H)->rto_fired && H.now < t + 5 * SEC)
		run_until_sent(t + 5 * SEC, seg, 64, &n);
	cr_assert_eq(h_stats(&H)->rto_fired, 1);
	cr_assert_eq(idx(&seg[0]), 0);
	/* The first retransmission's ACK: the one look, an echo of the retransmission. */
	H.now += RTT;
	ack_segs_echo(1, seg[0].tsval);
	n = sent(seg, 64);
	cr_assert_geq(n, 2, "slow start resends 1 and 2");
	cr_assert_eq(idx(&seg[0]), 1);
	ts2 = seg[1].tsval;
	/* 1 and 2 arrive one after the other; 1's ACK lets 3 and 4 go, later. */
	H.now += RTT;
	ack_segs_echo(2, seg[0].tsval);
	cr_assert_geq(sent(seg, 64), 1);
	ack_segs_echo(3, ts2);
	cr_assert_eq(h_stats(&H)->spurious_undone, 0, "a real loss was undone");
	cr_assert_lt(cwnd(), 10 * MSS, "the window after the RTO stays small");
}
