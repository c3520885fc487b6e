// SPDX-License-Identifier: GPL-2.0-only
/*
 * tcp_ack.c — the ACK field of an acceptable segment (RFC 9293
 * §3.10.7.4, fifth check): RFC 5961 §5 acceptance, the send window, freeing
 * acknowledged bytes from the send queue, RTT samples and the RTO
 * (RFC 6298), duplicate ACKs and SACK information, loss detection and
 * recovery (NewReno, RFC 5681 §3.2 and RFC 6582, or SACK-driven, RFC 6675,
 * with RFC 3042 limited transmit; with SACK, RACK-TLP decides what is lost,
 * tcp_rack.c) and window growth through the cc ops table.
 *
 * Called by tcp_process.c: tcp_process() -> tcp_ack().
 */
#include "tcp/tcp_int.h"

void tcp_ack_rtt_sample(struct tcp_conn *c, uint64_t rtt_ns)
{
	const struct tcp_config *cfg = &c->s->cfg;
	uint64_t var;

	if (!c->rtt_valid) {
		/* RFC 6298 §2.2 */
		c->srtt_ns = rtt_ns;
		c->rttvar_ns = rtt_ns / 2;
		c->rtt_valid = true;
	} else {
		/* RFC 6298 §2.3, alpha = 1/8, beta = 1/4 */
		uint64_t delta = c->srtt_ns > rtt_ns ? c->srtt_ns - rtt_ns : rtt_ns - c->srtt_ns;

		c->rttvar_ns = (3 * c->rttvar_ns + delta) / 4;
		c->srtt_ns = (7 * c->srtt_ns + rtt_ns) / 8;
	}
	var = 4 * c->rttvar_ns;
	if (var < TCP_CLOCK_GRANULARITY_NS)
		var = TCP_CLOCK_GRANULARITY_NS;
	c->rto_ns = c->srtt_ns + var;
	if (c->rto_ns < cfg->rto_min_ns)
		c->rto_ns = cfg->rto_min_ns;
	if (c->rto_ns > cfg->rto_max_ns)
		c->rto_ns = cfg->rto_max_ns;
	/* A valid sample ends the backoff (Karn). */
	c->backoff = 0;
	c->cc.srtt_ns = c->srtt_ns;
}

/*
 * Congestion window validation (RFC 7661): the window grows only while it
 * is used, the flight this ACK found standing in for pipeACK (at least
 * half of cwnd); after a non-validated period (NVP) of disuse it shrinks to
 * max(cwnd / 2, IW), ssthresh keeping 3/4 of it, and again after every
 * further NVP. A connection silent that long is closed by the idle timeout
 * first; this catches one that stays application- or receiver-limited.
 */
static void tcp_ack_cwnd_validate(struct tcp_conn *c, uint32_t flight, uint32_t acked)
{
	struct tcp_stack *s = c->s;
	uint32_t iw = s->cfg.init_cwnd_segs * c->mss, keep;

	if (2 * flight >= c->cc.cwnd) {
		c->cwnd_valid_ns = s->now;
		s->cc->cong_avoid(&c->cc, acked);
		return;
	}
	if (s->now - c->cwnd_valid_ns < TCP_CWV_NVP_NS)
		return;
	keep = c->cc.cwnd / 4 * 3;
	if (c->cc.ssthresh < keep)
		c->cc.ssthresh = keep;
	c->cc.cwnd = c->cc.cwnd / 2 > iw ? c->cc.cwnd / 2 : iw;
	c->cwnd_valid_ns = s->now;
}

/* New data acknowledged: SND.UNA advances by `acked` sequence numbers. */
static void tcp_ack_new(struct tcp_conn *c, const struct tcp_seg *seg, uint32_t acked)
{
	struct tcp_stack *s = c->s;
	uint32_t flight_before = c->snd_max - c->snd_una;
	uint32_t data_acked = acked;
	uint64_t rtt = UINT64_MAX;

	if (c->fin_sent && seq_gt(seg->ack, c->fin_seq))
		data_acked--; /* the FIN's sequence number carries no byte */
	tcp_sendq_ack(&c->q, data_acked);
	c->snd_una = seg->ack;
	if (seq_lt(c->snd_nxt, c->snd_una))
		c->snd_nxt = c->snd_una;
	tcp_sack_trim(c);
	c->bytes_acked += data_acked;
	c->retransmits = 0;
	c->tlp_sent = false;
	if (data_acked)
		c->notify_writable = true;
	if (!c->q.bytes)
		tcp_ftimer_cancel(&c->rate_timer); /* all sent: the next answer starts afresh */
	tcp_conn_touch(c);

	/* RTT: from the echoed timestamp, or from the one timed segment (Karn). */
	if (c->ts_ok && seg->opts.tsecr) {
		uint32_t d = tcp_conn_ts_now(c) - seg->opts.tsecr;

		if ((int32_t)d >= 0)
			rtt = (uint64_t)d * NSEC_PER_MSEC;
	} else if (c->rtt_timing && seq_ge(seg->ack, c->rtt_seq)) {
		c->rtt_timing = false;
		rtt = s->now - c->rtt_start_ns;
	}
	if (rtt != UINT64_MAX)
		tcp_ack_rtt_sample(c, rtt);

	c->cc.flight = flight_before;
	c->cc.now_ns = s->now;
	c->cc.snd_una = c->snd_una;
	c->cc.snd_max = c->snd_max;
	if (c->in_recovery) {
		if (seq_ge(seg->ack, c->recover)) {
			/* Full ACK (RFC 6582 §3.2 step 3): deflate to ssthresh. */
			uint32_t flight = c->snd_max - c->snd_una;
			uint32_t w = (flight > c->mss ? flight : c->mss) + c->mss;

			c->cc.cwnd = w < c->cc.ssthresh ? w : c->cc.ssthresh;
			c->in_recovery = false;
			c->sack_recovery = false;
			c->dupacks = 0;
			tcp_rack_recovered(c);
			if (s->cc->cwnd_event)
				s->cc->cwnd_event(&c->cc, TCP_CC_EVENT_RECOVERED);
		} else if (!c->sack_recovery) {
			/* Partial ACK (step 4): resend the next hole, deflate by what was acked. */
			c->rexmit_head = true;
			c->cc.cwnd = c->cc.cwnd > acked ? c->cc.cwnd - acked : 0;
			if (acked >= c->mss || c->cc.cwnd < c->mss)
				c->cc.cwnd += c->mss;
		}
		/* With SACK, the pipe decides what the partial ACK lets out. */
	} else {
		c->dupacks = 0;
		tcp_ack_cwnd_validate(c, flight_before, acked);
	}
	if (rtt != UINT64_MAX && s->cc->pkts_acked)
		s->cc->pkts_acked(&c->cc, acked, rtt);

	/* RFC 6298 §5.2/5.3: stop when all is acknowledged, else restart. */
	if (c->snd_una == c->snd_max) {
		tcp_timer_heap_cancel(&s->rexmt_heap, &c->rexmt_timer);
		c->rexmt_mode = TCP_REXMT_NONE;
	} else if (c->rexmt_mode != TCP_REXMT_PERSIST) {
		tcp_timer_arm_outstanding(c);
	}
	tcp_conn_want_output(c);
}

/*
 * Loss detected: fast retransmit and recovery. With SACK information the
 * scoreboard drives it (RFC 6675: cwnd = ssthresh, pipe limits sending);
 * without, NewReno (RFC 6582: cwnd = ssthresh + 3 MSS, inflated per dup ACK).
 */
void tcp_ack_enter_recovery(struct tcp_conn *c)
{
	struct tcp_stack *s = c->s;

	tcp_rack_undo_begin(c, false);
	c->cc.flight = c->snd_max - c->snd_una;
	c->cc.now_ns = s->now;
	c->cc.ssthresh = s->cc->ssthresh(&c->cc);
	c->recover = c->snd_max;
	c->in_recovery = true;
	c->sack_recovery = c->nsack > 0;
	c->rexmit_high = c->snd_una;
	c->cc.cwnd = c->cc.ssthresh + (c->sack_recovery ? 0 : 3 * c->mss);
	c->rexmit_head = true;
	c->rtt_timing = false;
	if (s->cc->cwnd_event)
		s->cc->cwnd_event(&c->cc, TCP_CC_EVENT_FAST_RECOVERY);
	tcp_conn_want_output(c);
}

/* A duplicate ACK (RFC 5681 §2, or RFC 6675 §2 when it carries SACK). */
static void tcp_ack_dup(struct tcp_conn *c)
{
	c->dupacks++;
	if (c->in_recovery) {
		/* NewReno: each further duplicate means a segment left the network. */
		if (!c->sack_recovery)
			c->cc.cwnd += c->mss;
		tcp_conn_want_output(c);
		return;
	}
	if (c->dupacks < 3) {
		/* RFC 3042 limited transmit: tcp_output() allows dupacks * MSS more. */
		tcp_conn_want_output(c);
		return;
	}
	/*
	 * RFC 6582 §3.2 step 2: not again for losses of the same window. With
	 * SACK blocks, RACK's timing decides instead of the count
	 * (tcp_ack_rack_detect); duplicates without any still count.
	 */
	if (c->dupacks == 3 && seq_ge(c->snd_una, c->recover) && !(tcp_rack_active(c) && c->nsack))
		tcp_ack_enter_recovery(c);
}

/*
 * RACK (RFC 8985 §6.2): mark what time says is lost, start a recovery for
 * it or resend within the current one, and keep the reordering timer for
 * what may still arrive.
 */
void tcp_ack_rack_detect(struct tcp_conn *c)
{
	bool lost = tcp_rack_detect(c);

	if (lost && !c->in_recovery && seq_ge(c->snd_una, c->recover))
		tcp_ack_enter_recovery(c);
	else if (lost)
		tcp_conn_want_output(c);
	/* Not while backing off: the RTO must not move with every duplicate. */
	if (c->snd_una != c->snd_max && c->rexmt_mode != TCP_REXMT_PERSIST && !c->backoff &&
	    (c->rack.timeout_ns || c->rexmt_mode == TCP_REXMT_REORDER))
		tcp_timer_arm_outstanding(c);
}

/* SACK-based detection without RACK's timing yet: RFC 6675 IsLost and a reordering window. */
static void tcp_ack_sack_detect(struct tcp_conn *c, uint32_t newly_sacked)
{
	/* RFC 6675 §5 (4.2): enough SACKed above SND.UNA means it was lost. */
	if (!c->in_recovery && c->nsack && seq_ge(c->snd_una, c->recover) && tcp_sack_is_lost(c))
		tcp_ack_enter_recovery(c);
	/* A hole not yet judged lost: give it the reordering window (tcp_timer.c). */
	if (newly_sacked && c->rexmt_mode != TCP_REXMT_REORDER &&
	    c->rexmt_mode != TCP_REXMT_PERSIST)
		tcp_timer_arm_reorder(c);
}

bool tcp_ack(struct tcp_conn *c, const struct tcp_seg *seg)
{
	struct tcp_stack *s = c->s;
	uint32_t ack = seg->ack, newly_sacked = 0, old_una = c->snd_una;
	bool wnd_changed = false, sack_info, advanced;

	/* RFC 5961 §5.2: SND.UNA - MAX.SND.WND <= SEG.ACK <= SND.NXT, else ACK and drop. */
	if (seq_gt(ack, c->snd_max) || seq_lt(ack, c->snd_una - c->max_snd_wnd)) {
		s->stats.rx_drop_out_of_window++;
		tcp_process_oow_ack(c, true);
		return false;
	}
	/* Send window update (RFC 9293 §3.10.7.4, SND.WL1/SND.WL2 rule). */
	if (seq_ge(ack, c->snd_una) &&
	    (seq_lt(c->snd_wl1, seg->seq) || (c->snd_wl1 == seg->seq && seq_le(c->snd_wl2, ack)))) {
		uint32_t wnd = (uint32_t)seg->wnd << c->snd_wscale;

		wnd_changed = wnd != c->snd_wnd;
		c->snd_wnd = wnd;
		c->snd_wl1 = seg->seq;
		c->snd_wl2 = ack;
		if (wnd > c->max_snd_wnd)
			c->max_snd_wnd = wnd;
	}
	/* Any acceptable ACK answers a window probe. */
	if (c->rexmt_mode == TCP_REXMT_PERSIST)
		c->retransmits = 0;

	advanced = seq_gt(ack, c->snd_una);
	if (advanced)
		tcp_ack_new(c, seg, ack - c->snd_una);
	sack_info = c->sack_ok && seg->opts.nsack;
	if (sack_info)
		newly_sacked = tcp_sack_update(c, &seg->opts, ack);
	if (c->sack_ok)
		tcp_rack_ack(c, seg, old_una);
	/*
	 * Duplicate: nothing new acknowledged, no data, data outstanding, and
	 * either new SACK information or (without SACK) the same window.
	 */
	if (!advanced && ack == c->snd_una && !seg->len && !(seg->flags & TCP_FLAG_FIN) &&
	    c->snd_una != c->snd_max && c->rexmt_mode != TCP_REXMT_PERSIST &&
	    (sack_info ? newly_sacked > 0 : !wnd_changed))
		tcp_ack_dup(c);
	if (tcp_rack_active(c))
		tcp_ack_rack_detect(c);
	else
		tcp_ack_sack_detect(c, newly_sacked);

	if (wnd_changed) {
		if (c->snd_wnd && c->rexmt_mode == TCP_REXMT_PERSIST)
			c->backoff = 0;
		tcp_conn_want_output(c);
	}
	return true;
}
