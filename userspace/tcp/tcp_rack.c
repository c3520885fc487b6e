// SPDX-License-Identifier: GPL-2.0-only
/*
 * tcp_rack.c — loss detection by time (RFC 8985 RACK-TLP) on top of the
 * SACK scoreboard, D-SACK reactions (RFC 2883) and undo of spurious window
 * reductions.
 *
 * RACK: a segment is lost when a segment sent after it was delivered and
 * more than a reordering window has passed since then; reordering shorter
 * than the window (min RTT / 4, widened by D-SACKs) is not a loss, however
 * many segments overtake. Send times come from a short list of transmission
 * records (tcp_rack.h), so retransmissions that are lost again are found
 * the same way. Lost bytes are everything unSACKed below rack.lost_end;
 * tcp_sack.c hands them to tcp_output.c as holes.
 *
 * Undo: a recovery or RTO keeps the window it reduced. When every
 * retransmission of it comes back D-SACKed, or (with timestamps, RFC 3522)
 * the first ACK covering the retransmitted data echoes a TSval older than
 * the retransmission, the originals had arrived: the window comes back.
 *
 * Called by tcp_ack.c (tcp_rack_ack, _detect, _undo_begin, _recovered),
 * tcp_sack.c (tcp_rack_dsack), tcp_output.c (tcp_rack_sent) and
 * tcp_timer.c (_detect from the reordering timer, _on_rto).
 */
#include <string.h>

#include "tcp/tcp_int.h"

/* Recoveries a widened reordering window lasts (RFC 8985 §6.2 step 4). */
#define TCP_RACK_REO_PERSIST 16
/* Widest reordering window, in quarters of the min RTT (and never over SRTT). */
#define TCP_RACK_REO_STEPS_MAX 15
/* RFC 6675 DupThresh: SACKed segments that make RACK strict before reordering is seen. */
#define TCP_RACK_DUPTHRESH 3

bool tcp_rack_active(const struct tcp_conn *c)
{
	return c->sack_ok && c->rack.xmit_ns;
}

static void rack_drop(struct tcp_rack *r, uint8_t i)
{
	memmove(&r->x[i], &r->x[i + 1], (size_t)(r->n - i - 1) * sizeof(r->x[0]));
	r->n--;
}

/*
 * The end of what was delivered of x (cumulatively acknowledged or
 * SACKed), x->start when nothing was.
 */
static uint32_t rack_delivered_end(const struct tcp_conn *c, const struct tcp_rack_xmit *x)
{
	uint32_t e = x->start;

	if (seq_gt(c->snd_una, x->start))
		e = seq_lt(c->snd_una, x->end) ? c->snd_una : x->end;
	for (uint8_t i = 0; i < c->nsack; i++) {
		uint32_t be = seq_lt(c->sack_blk[i].end, x->end) ? c->sack_blk[i].end : x->end;

		if (seq_lt(c->sack_blk[i].start, x->end) && seq_gt(be, e))
			e = be;
	}
	return e;
}

/* Every byte of [start, end) is acknowledged or SACKed. */
static bool rack_all_delivered(const struct tcp_conn *c, uint32_t start, uint32_t end)
{
	uint32_t seq = seq_gt(start, c->snd_una) ? start : c->snd_una;

	while (seq_lt(seq, end)) {
		uint32_t next = tcp_sack_skip(c, seq);

		if (next == seq)
			return false;
		seq = next;
	}
	return true;
}

/* The newest record holding seq, or NULL. */
static const struct tcp_rack_xmit *rack_find(const struct tcp_rack *r, uint32_t seq)
{
	for (int i = r->n - 1; i >= 0; i--)
		if (seq_ge(seq, r->x[i].start) && seq_lt(seq, r->x[i].end))
			return &r->x[i];
	return NULL;
}

void tcp_rack_sent(struct tcp_conn *c, uint32_t seq, uint32_t len, bool rexmit)
{
	struct tcp_rack *r = &c->rack;
	struct tcp_rack_xmit *t = r->n ? &r->x[r->n - 1] : NULL;
	uint64_t now = c->s->now;

	if (!len)
		return;
	if (rexmit && r->undo_valid && seq_lt(seq, r->undo_high)) {
		r->undo_retrans += (len + c->mss - 1) / c->mss;
		/*
		 * Only the first: after Eifel's one look a later retransmission
		 * must not become the reference, or the ACK of an earlier one
		 * would look like an original's and undo a real loss.
		 */
		if (!r->undo_ts_taken && c->ts_ok) {
			r->undo_tsval = tcp_conn_ts_now(c);
			r->undo_ts_valid = true;
			r->undo_ts_taken = true;
		}
	}
	if (c->tlp_probe) {
		/* This is the loss probe (RFC 8985 §7.3): remember what it was. */
		r->tlp_out = true;
		r->tlp_high = seq + len;
		r->tlp_rexmit = rexmit;
		r->tlp_dsack = false;
	}
	if (t && t->ns == now && t->end == seq && t->rexmit == rexmit) {
		t->end = seq + len;
		return;
	}
	if (r->n == TCP_RACK_XMITS) {
		/* Full: the two oldest become one, under the later time. */
		if (r->x[0].end == r->x[1].start)
			r->x[1].start = r->x[0].start;
		rack_drop(r, 0);
	}
	r->x[r->n++] =
		(struct tcp_rack_xmit){.ns = now, .start = seq, .end = seq + len, .rexmit = rexmit};
}

/*
 * RFC 8985 §6.2 step 3: a segment sent once and delivered below the
 * highest delivered sequence was overtaken: the path reorders.
 */
static void rack_note_reordering(struct tcp_conn *c, const struct tcp_seg *seg, uint32_t old_una)
{
	struct tcp_rack *r = &c->rack;
	const struct tcp_rack_xmit *x;

	if (!r->xmit_ns)
		return; /* nothing delivered before: no RACK.fack yet */
	if (seq_gt(c->snd_una, old_una) && seq_lt(old_una, r->fack)) {
		x = rack_find(r, old_una);
		if (x && !x->rexmit)
			r->reord = true;
	}
	for (uint8_t b = 0; b < seg->opts.nsack; b++) {
		uint32_t start = seg->opts.sack[b][0], end = seg->opts.sack[b][1];

		if (seq_gt(start, c->snd_una) && seq_lt(end, r->fack)) {
			x = rack_find(r, start);
			if (x && !x->rexmit)
				r->reord = true;
		}
	}
}

/* RFC 8985 §6.2 step 2: the newest delivered transmission sets RACK.xmit_ts and RACK.rtt. */
static void rack_advance(struct tcp_conn *c)
{
	struct tcp_rack *r = &c->rack;
	uint64_t now = c->s->now;

	for (int i = r->n - 1; i >= 0; i--) {
		const struct tcp_rack_xmit *x = &r->x[i];
		uint64_t rtt = now - x->ns;
		uint32_t end;

		if (x->ns < r->xmit_ns)
			break; /* records are in send order: nothing newer below */
		end = rack_delivered_end(c, x);
		if (end == x->start || (x->ns == r->xmit_ns && seq_le(end, r->end_seq)))
			continue;
		/* A retransmission answered faster than any RTT: the original's ACK (ambiguous). */
		if (x->rexmit && rtt < r->min_rtt_ns)
			continue;
		r->rtt_ns = rtt;
		if (!r->min_rtt_ns || rtt < r->min_rtt_ns)
			r->min_rtt_ns = rtt;
		r->xmit_ns = x->ns ? x->ns : 1;
		r->end_seq = end;
		return;
	}
}

/* Forget what is wholly acknowledged. */
static void rack_trim(struct tcp_conn *c)
{
	struct tcp_rack *r = &c->rack;
	uint8_t k = 0;

	for (uint8_t i = 0; i < r->n; i++)
		if (seq_gt(r->x[i].end, c->snd_una))
			r->x[k++] = r->x[i];
	r->n = k;
	if (r->lost_valid && seq_le(r->lost_end, c->snd_una))
		r->lost_valid = false;
}

/* The window goes back to what it was before the reduction. */
static void rack_undo(struct tcp_conn *c)
{
	struct tcp_rack *r = &c->rack;
	struct tcp_stack *s = c->s;

	memcpy(c->cc.priv, r->undo_cc.priv, sizeof(c->cc.priv));
	if (c->cc.cwnd < r->undo_cc.cwnd)
		c->cc.cwnd = r->undo_cc.cwnd;
	if (c->cc.ssthresh < r->undo_cc.ssthresh)
		c->cc.ssthresh = r->undo_cc.ssthresh;
	r->undo_valid = false;
	r->lost_valid = false;
	c->in_recovery = false;
	c->sack_recovery = false;
	c->rexmit_head = false;
	c->dupacks = 0;
	c->recover = c->snd_una; /* a real loss may start a recovery at once */
	c->rexmit_high = c->snd_una;
	/* After a spurious RTO the rest of the flight was not lost either: no more go-back. */
	if (seq_lt(c->snd_nxt, c->snd_max))
		c->snd_nxt = c->snd_max;
	s->stats.spurious_undone++;
	if (s->cc->cwnd_event)
		s->cc->cwnd_event(&c->cc, TCP_CC_EVENT_UNDO);
	tcp_conn_want_output(c);
}

void tcp_rack_undo_cancel(struct tcp_conn *c)
{
	/* As Linux's tcp_simple_retransmit() clears undo_marker. */
	c->rack.undo_valid = false;
	c->rack.undo_ts_valid = false;
}

void tcp_rack_undo_begin(struct tcp_conn *c, bool rto)
{
	struct tcp_rack *r = &c->rack;

	/* An RTO inside a recovery keeps the window from before the recovery. */
	if (r->undo_valid && seq_lt(c->snd_una, r->undo_high)) {
		r->undo_high = c->snd_max;
		r->undo_rto = r->undo_rto || rto;
		return;
	}
	r->undo_rto = rto;
	r->undo_valid = true;
	r->undo_start = c->snd_una;
	r->undo_high = c->snd_max;
	r->undo_retrans = 0;
	r->undo_ts_valid = false;
	r->undo_ts_taken = false;
	r->undo_cc = c->cc;
}

/*
 * RFC 3522 Eifel detection: an ACK of the retransmitted data echoes a
 * timestamp from before the first retransmission, so an original came
 * through. After an RTO the first ACK past the retransmitted byte decides;
 * in a recovery the ACK that ends it (as Linux does), since an earlier one
 * may reflect one delayed segment among real losses: the holes' last
 * retransmission sets the echo of the final ACK.
 */
static void rack_eifel(struct tcp_conn *c, const struct tcp_seg *seg)
{
	struct tcp_rack *r = &c->rack;

	if (!r->undo_valid || !r->undo_ts_valid || !seq_gt(c->snd_una, r->undo_start))
		return;
	if (!r->undo_rto && seq_lt(c->snd_una, r->undo_high))
		return;
	if (c->ts_ok && seg->opts.tsecr && (int32_t)(seg->opts.tsecr - r->undo_tsval) < 0) {
		rack_undo(c);
		return;
	}
	r->undo_ts_valid = false; /* one look only: later ACKs echo later timestamps */
}

void tcp_rack_dsack(struct tcp_conn *c, uint32_t start, uint32_t end)
{
	struct tcp_rack *r = &c->rack;
	struct tcp_stack *s = c->s;

	s->stats.dsack_received++;
	/* A duplicate arrived: the path reorders or we resent too early. Widen, once per RTT. */
	r->reord = true;
	if (!r->dsack_round_valid || seq_ge(c->snd_una, r->dsack_round)) {
		if (r->reo_wnd_steps < TCP_RACK_REO_STEPS_MAX)
			r->reo_wnd_steps++;
		r->dsack_round = c->snd_max;
		r->dsack_round_valid = true;
		r->reo_wnd_persist = TCP_RACK_REO_PERSIST;
	}
	if (r->tlp_out && seq_lt(start, r->tlp_high) && seq_ge(end, r->tlp_high))
		r->tlp_dsack = true;
	if (r->undo_valid && r->undo_retrans && seq_ge(start, r->undo_start) &&
	    seq_le(end, r->undo_high)) {
		uint32_t segs = (end - start + c->mss - 1) / c->mss;

		r->undo_retrans -= segs < r->undo_retrans ? segs : r->undo_retrans;
		if (!r->undo_retrans)
			rack_undo(c); /* every retransmission was a duplicate */
	}
}

/*
 * RFC 8985 §7.4: the probe is acknowledged. If it resent data and no
 * D-SACK says the original had arrived, it repaired a loss: reduce once.
 */
static void rack_tlp_acked(struct tcp_conn *c, uint32_t old_una)
{
	struct tcp_rack *r = &c->rack;
	struct tcp_stack *s = c->s;

	if (!r->tlp_out || seq_lt(c->snd_una, r->tlp_high))
		return;
	r->tlp_out = false;
	if (!r->tlp_rexmit || r->tlp_dsack || c->in_recovery)
		return;
	s->stats.tlp_repaired++;
	c->cc.flight = c->snd_max - old_una;
	c->cc.now_ns = s->now;
	c->cc.ssthresh = s->cc->ssthresh(&c->cc);
	if (c->cc.cwnd > c->cc.ssthresh)
		c->cc.cwnd = c->cc.ssthresh;
}

void tcp_rack_ack(struct tcp_conn *c, const struct tcp_seg *seg, uint32_t old_una)
{
	struct tcp_rack *r = &c->rack;
	uint32_t fack = c->nsack ? c->sack_blk[c->nsack - 1].end : c->snd_una;

	bool first = !r->xmit_ns;

	rack_note_reordering(c, seg, old_una);
	rack_advance(c);
	if (first || seq_gt(fack, r->fack))
		r->fack = fack;
	if (seq_lt(r->fack, c->snd_una))
		r->fack = c->snd_una;
	if (seq_gt(c->snd_una, old_una)) {
		rack_eifel(c, seg);
		rack_tlp_acked(c, old_una);
	}
	rack_trim(c);
}

/* RFC 8985 §6.2 step 4. */
static uint64_t rack_reo_wnd(const struct tcp_conn *c)
{
	const struct tcp_rack *r = &c->rack;
	uint64_t w;

	/* Before any reordering is seen, act at once in recovery or past DupThresh. */
	if (!r->reord && (c->in_recovery || c->sack_bytes >= TCP_RACK_DUPTHRESH * c->mss))
		return 0;
	w = (uint64_t)(r->reo_wnd_steps + 1) * r->min_rtt_ns / 4;
	return c->rtt_valid && w > c->srtt_ns ? c->srtt_ns : w;
}

bool tcp_rack_detect(struct tcp_conn *c)
{
	struct tcp_rack *r = &c->rack;
	struct tcp_stack *s = c->s;
	uint64_t now = s->now, reo = rack_reo_wnd(c), wait = 0;
	bool lost = false;

	r->timeout_ns = 0;
	if (!tcp_rack_active(c))
		return false;
	for (uint8_t i = 0; i < r->n;) {
		struct tcp_rack_xmit *x = &r->x[i];
		uint32_t end = x->end;
		int64_t left;

		/* Only what left before the newest delivered segment (ties: lower sequence). */
		if (x->ns > r->xmit_ns)
			break;
		if (x->ns == r->xmit_ns && seq_gt(end, r->end_seq))
			end = seq_gt(r->end_seq, x->start) ? r->end_seq : x->start;
		if (end == x->start || rack_all_delivered(c, x->start, end)) {
			i++;
			continue;
		}
		left = (int64_t)(x->ns + r->rtt_ns + reo - now);
		if (left > 0) {
			wait = (uint64_t)left > wait ? (uint64_t)left : wait;
			i++;
			continue;
		}
		/* Lost (step 5): its holes go again; a lost retransmission goes again too. */
		if (!r->lost_valid || seq_gt(end, r->lost_end))
			r->lost_end = end;
		r->lost_valid = true;
		if (x->rexmit && seq_lt(x->start, c->rexmit_high))
			c->rexmit_high = seq_gt(x->start, c->snd_una) ? x->start : c->snd_una;
		s->stats.loss_rack++;
		lost = true;
		if (end == x->end) {
			rack_drop(r, i);
		} else {
			x->start = end; /* the rest is not judged yet */
			i++;
		}
	}
	if (wait)
		r->timeout_ns = now + wait;
	return lost;
}

void tcp_rack_recovered(struct tcp_conn *c)
{
	struct tcp_rack *r = &c->rack;

	if (r->reo_wnd_persist && !--r->reo_wnd_persist)
		r->reo_wnd_steps = 0;
}

void tcp_rack_on_rto(struct tcp_conn *c)
{
	struct tcp_rack *r = &c->rack;

	/* Everything outstanding goes again from SND.UNA: no record says anything now. */
	r->n = 0;
	r->lost_valid = false;
	r->timeout_ns = 0;
	r->tlp_out = false;
}
