// SPDX-License-Identifier: GPL-2.0-only
/*
 * tcp_process.c — a segment for an existing connection, in the order of
 * RFC 9293 §3.10.7.4: SYN (RFC 5961 challenge), PAWS (RFC 7323 §5),
 * sequence acceptability (where, with SYNs answered in XDP, a cookie ACK
 * starts a new incarnation of the tuple), RST (RFC 5961 §3), the ACK field (tcp_ack.c),
 * segment text into the linear receive buffer (past a hole: held by
 * tcp_reass.c), FIN, and then the
 * application's readable/writable callbacks.
 *
 * Called by tcp_input.c: tcp_input() -> tcp_process() -> tcp_ack().
 */
#include <string.h>

#include "tcp/tcp_int.h"

bool tcp_process_oow_ack(struct tcp_conn *c, bool challenge)
{
	struct tcp_stack *s = c->s;

	/*
	 * RFC 5961 §7 and Linux's tcp_invalid_ratelimit: one per connection
	 * per interval, so no counter is shared and no ACK loop can form.
	 */
	if (c->last_oow_ack_ns && s->now - c->last_oow_ack_ns < TCP_OOW_ACK_INTERVAL_NS) {
		s->stats.oow_acks_limited++;
		c->reass.dsack = false;
		return false;
	}
	c->last_oow_ack_ns = s->now ? s->now : 1;
	if (challenge)
		s->stats.tx_challenge_acks++;
	s->stats.tx_oow_acks++;
	tcp_output_ack(c);
	return true;
}

/*
 * An ACK for a segment we cannot use. Old data (a retransmission: our ACK
 * was lost) is answered every time, with a D-SACK; a zero-window probe at
 * RCV.NXT too. Anything else — no data, or data past the window's right
 * edge, which no sender puts there — is rate-limited.
 */
static void tcp_reject_ack(struct tcp_conn *c, const struct tcp_seg *seg, uint32_t seg_len)
{
	if (seg->len && seq_le(seg->seq + seg->len, c->rcv_nxt)) {
		tcp_reass_dsack(c, seg->seq, seg->seq + seg->len);
		c->s->stats.tx_oow_acks++;
		tcp_output_ack(c);
	} else if (seg_len && seg->seq == c->rcv_nxt) {
		c->s->stats.tx_oow_acks++;
		tcp_output_ack(c);
	} else {
		tcp_process_oow_ack(c, false);
	}
}

/* RFC 9293 §3.10.7.4, first check: is the segment inside the receive window? */
static bool tcp_seq_acceptable(const struct tcp_conn *c, uint32_t seq, uint32_t seg_len)
{
	uint32_t wnd = seq_gt(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;
	uint32_t end = seq + seg_len - 1;

	/* With a zero window only the next sequence number is acceptable (for its ACK). */
	if (!wnd)
		return seq == c->rcv_nxt;
	if (!seg_len)
		return seq_ge(seq, c->rcv_nxt) && seq_lt(seq, c->rcv_nxt + wnd);
	return (seq_ge(seq, c->rcv_nxt) && seq_lt(seq, c->rcv_nxt + wnd)) ||
	       (seq_ge(end, c->rcv_nxt) && seq_lt(end, c->rcv_nxt + wnd));
}

/*
 * With SYNs answered outside the stack (XDP), a SYN for this tuple never
 * reached us to be challenged (RFC 5961 §4.2): a rebooted client, or a NAT
 * reusing the port, got a cookie SYN-ACK and now sends its ACK. When a
 * segment this connection cannot use is such an ACK with a valid cookie
 * (and TSecr), the peer has started a new connection: the old one ends
 * without a RST (the peer forgot it; the application hears an abort) and
 * the segment opens the new one. True if it did. A segment whose ISN
 * (SEG.SEQ - 1) lies in what this connection received, [IRS, RCV.NXT], is
 * its own: a duplicated or late handshake ACK carries this connection's
 * valid cookie, and must not end it.
 */
static bool tcp_process_new_incarnation(struct tcp_conn *c, const struct tcp_seg *seg)
{
	struct tcp_stack *s = c->s;
	uint32_t isn = seg->seq - 1;
	struct tcp_cookie ck;
	struct tcp_tuple t;
	uint32_t hash;

	if (!s->cfg.syn_answered_outside || !tcp_seg_bare_ack(seg) ||
	    (seq_ge(isn, c->irs) && seq_le(isn, c->rcv_nxt)) ||
	    !tcp_input_cookie_valid(s, seg, &c->tuple, &ck))
		return false;
	t = c->tuple;
	hash = c->tuple_hash;
	tcp_conn_close(c, TCP_CLOSE_ABORTED, false);
	tcp_input_cookie_open(s, seg, &t, hash, &ck);
	return true;
}

/* Append in-order bytes to the linear receive buffer; returns how many fitted. */
static uint32_t tcp_rx_append(struct tcp_conn *c, const uint8_t *data, uint32_t len)
{
	uint32_t size = c->s->cfg.rx_buf_size;
	uint32_t room = size - c->rx_len;

	if (len > room)
		len = room;
	if (!len)
		return 0;
	tcp_reass_make_room(c, len);
	memcpy(c->rx_buf + c->rx_head + c->rx_len, data, len);
	c->rx_len += len;
	c->rcv_nxt += len;
	c->bytes_received += len;
	c->rx_unacked += len;
	return len;
}

/* Out-of-order text: held if a range is free, and an immediate duplicate ACK. */
static void tcp_process_out_of_order(struct tcp_conn *c, uint32_t seq, const uint8_t *data,
				     uint32_t len, bool fin)
{
	struct tcp_stack *s = c->s;

	if (tcp_reass_insert(c, seq, data, len, fin))
		s->stats.rx_out_of_order++;
	else
		s->stats.rx_drop_out_of_order++;
	/* RFC 5681 §4.2: at once, so fast retransmit starts; the SACK blocks say what we hold. */
	tcp_output_ack(c);
}

/* RFC 5681 §4.2: ACK at least every second full-sized segment, else after the delay. */
static void tcp_process_ack_due(struct tcp_conn *c)
{
	struct tcp_stack *s = c->s;

	if (c->rx_unacked >= 2u * (c->rcv_mss - (c->ts_ok ? TCPOLEN_TS_ALIGNED : 0)))
		c->ack_now = true;
	else if (!tcp_ftimer_armed(&c->delack_timer))
		tcp_timer_fifo_arm(&s->delack_fifo, &c->delack_timer, s->now);
}

/* Segment text (seventh check); returns true when a FIN (this one or a held one) is in order. */
static bool tcp_process_text(struct tcp_conn *c, const struct tcp_seg *seg, bool *new_data)
{
	const uint8_t *data = seg->data;
	uint32_t len = seg->len, seq = seg->seq, got;
	bool fin = seg->flags & TCP_FLAG_FIN, held_fin;

	if (seq_lt(seq, c->rcv_nxt)) {
		uint32_t skip = c->rcv_nxt - seq;

		/* Acceptability guarantees the segment ends at or after RCV.NXT. */
		if (skip > len)
			return false;
		tcp_reass_dsack(c, seq, c->rcv_nxt);
		data += skip;
		len -= skip;
		seq = c->rcv_nxt;
	}
	if (seq != c->rcv_nxt) {
		tcp_process_out_of_order(c, seq, data, len, fin);
		return false;
	}
	if (!len)
		return fin;
	got = tcp_rx_append(c, data, len);
	if (got < len) {
		/* The window was full: keep what fits, the rest is retransmitted. */
		fin = false;
		c->ack_now = true;
	}
	if (!got)
		return false;
	*new_data = true;
	tcp_conn_touch(c);
	if (fin) {
		tcp_reass_clear(c); /* nothing can follow a FIN */
	} else if (c->reass.n && tcp_reass_advance(c, &held_fin)) {
		/* RFC 5681 §4.2: a segment that fills a hole is ACKed at once. */
		fin = held_fin;
		c->ack_now = true;
	} else if (c->reass.n) {
		c->ack_now = true; /* part of a hole filled */
	}
	tcp_process_ack_due(c);
	return fin;
}

/* The peer's FIN arrived in order (eighth check). */
static void tcp_process_fin(struct tcp_conn *c)
{
	switch (c->state) {
	case TCP_STATE_ESTABLISHED:
		c->state = TCP_STATE_CLOSE_WAIT;
		break;
	case TCP_STATE_FIN_WAIT_1:
		c->state = TCP_STATE_CLOSING;
		break;
	case TCP_STATE_FIN_WAIT_2:
		break; /* TIME_WAIT once the callbacks ran */
	default:
		return;
	}
	c->rcv_nxt++;
	c->fin_rcvd = true;
	c->ack_now = true;
}

void tcp_process(struct tcp_conn *c, struct tcp_seg *seg)
{
	struct tcp_stack *s = c->s;
	const struct tcp_app_ops *app = s->app;
	uint32_t seg_len = seg->len + !!(seg->flags & TCP_FLAG_SYN) + !!(seg->flags & TCP_FLAG_FIN);
	bool new_data = false, fin = false;

	/* RFC 5961 §4.2: any SYN on a synchronized connection gets a challenge ACK. */
	if (seg->flags & TCP_FLAG_SYN) {
		s->stats.rx_drop_out_of_window++;
		tcp_process_oow_ack(c, true);
		return;
	}
	/* RFC 7323: timestamps on every segment once agreed, and PAWS. */
	if (c->ts_ok && !(seg->flags & TCP_FLAG_RST)) {
		if (!seg->opts.ts_ok) {
			s->stats.rx_drop_out_of_window++;
			return;
		}
		if (seq_lt(seg->opts.tsval, c->ts_recent) &&
		    s->now - c->ts_recent_ns < TCP_PAWS_IDLE_NS) {
			if (tcp_process_new_incarnation(c, seg))
				return;
			s->stats.rx_drop_out_of_window++;
			tcp_reject_ack(c, seg, seg_len);
			return;
		}
	}
	if (!tcp_seq_acceptable(c, seg->seq, seg_len)) {
		if (tcp_process_new_incarnation(c, seg))
			return;
		s->stats.rx_drop_out_of_window++;
		if (!(seg->flags & TCP_FLAG_RST))
			tcp_reject_ack(c, seg, seg_len);
		return;
	}
	/* RFC 5961 §3.2: only an exact RST resets; others in the window are challenged. */
	if (seg->flags & TCP_FLAG_RST) {
		if (seg->seq == c->rcv_nxt) {
			tcp_conn_close(c, TCP_CLOSE_RESET, false);
			return;
		}
		s->stats.rx_drop_out_of_window++;
		tcp_process_oow_ack(c, true);
		return;
	}
	if (!(seg->flags & TCP_FLAG_ACK)) {
		s->stats.rx_drop_out_of_window++;
		return;
	}
	/* RFC 7323 §4.3: remember the timestamp to echo. */
	if (c->ts_ok && seq_ge(seg->opts.tsval, c->ts_recent) &&
	    seq_le(seg->seq, c->last_ack_sent)) {
		c->ts_recent = seg->opts.tsval;
		c->ts_recent_ns = s->now;
	}
	/* Replies go where the peer's frames come from. */
	memcpy(c->path.remote_mac, seg->rx->path.remote_mac, NET_ETH_ALEN);
	memcpy(c->path.local_mac, seg->rx->path.local_mac, NET_ETH_ALEN);

	if (!tcp_ack(c, seg))
		return;
	if (tcp_conn_fin_acked(c)) {
		switch (c->state) {
		case TCP_STATE_FIN_WAIT_1:
			c->state = TCP_STATE_FIN_WAIT_2;
			tcp_timer_fifo_arm(&s->finwait_fifo, &c->life_timer, s->now);
			break;
		case TCP_STATE_CLOSING:
			tcp_time_wait_enter(c);
			return;
		case TCP_STATE_LAST_ACK:
			tcp_conn_close(c, TCP_CLOSE_NORMAL, false);
			return;
		default:
			break;
		}
	}

	if (c->state == TCP_STATE_ESTABLISHED || c->state == TCP_STATE_FIN_WAIT_1 ||
	    c->state == TCP_STATE_FIN_WAIT_2) {
		if (seg->len)
			fin = tcp_process_text(c, seg, &new_data);
		else
			fin = (seg->flags & TCP_FLAG_FIN) && seg->seq == c->rcv_nxt;
		if (fin)
			tcp_process_fin(c);
	} else if (seg->flags & TCP_FLAG_FIN) {
		/* A retransmitted FIN: our ACK was lost. */
		c->ack_now = true;
	}

	if ((new_data || fin) && app->readable) {
		app->readable(s->app_ctx, c);
		if (c->state == TCP_STATE_CLOSED)
			return;
	}
	if (c->notify_writable) {
		c->notify_writable = false;
		if (app->writable) {
			app->writable(s->app_ctx, c);
			if (c->state == TCP_STATE_CLOSED)
				return;
		}
	}
	if (c->state == TCP_STATE_FIN_WAIT_2 && c->fin_rcvd) {
		tcp_time_wait_enter(c);
		return;
	}
	if (c->ack_now)
		tcp_conn_want_output(c);
}
