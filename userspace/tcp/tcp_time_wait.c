// SPDX-License-Identifier: GPL-2.0-only
/*
 * tcp_time_wait.c — TIME_WAIT without exhausting memory: a connection that
 * reaches TIME_WAIT gives its slot back and leaves a small entry here (a
 * preallocated table of max_time_wait). Entries sit in one FIFO that is both
 * their expiry order (fixed time_wait_ns) and their age order, so a full
 * table recycles the oldest. An entry re-ACKs a retransmitted FIN, and a
 * SYN with a higher sequence number or timestamp may reopen the tuple
 * (RFC 6191), as may the ACK completing a SYN the steering program
 * answered (it cannot see this table; only with syn_answered_outside).
 *
 * Called by tcp_process.c (tcp_time_wait_enter), tcp_input.c (lookup, input) and
 * tcp_timer.c (expiry).
 */
#include <string.h>

#include "tcp/tcp_int.h"

/* hash: the tuple's tcp_conn_tuple_hash(), computed once per segment. */
static struct list_node *tw_bucket(struct tcp_stack *s, uint32_t hash)
{
	return &s->tw_buckets[hash & s->tw_hash_mask];
}

struct tcp_tw *tcp_time_wait_lookup(struct tcp_stack *s, const struct tcp_tuple *t, uint32_t hash)
{
	struct list_node *head, *pos;

	if (!s->cfg.max_time_wait)
		return NULL;
	head = tw_bucket(s, hash);
	list_for_each (pos, head) {
		struct tcp_tw *tw = list_entry(pos, struct tcp_tw, hash_node);

		if (!memcmp(&tw->tuple, t, sizeof(*t)))
			return tw;
	}
	return NULL;
}

void tcp_time_wait_free(struct tcp_stack *s, struct tcp_tw *tw)
{
	list_del(&tw->hash_node);
	tcp_ftimer_cancel(&tw->timer);
	list_add_head(&s->free_tws, &tw->hash_node);
	s->stats.conns_time_wait--;
}

static void tcp_time_wait_send_ack(struct tcp_stack *s, struct tcp_tw *tw)
{
	uint8_t opts[TCPOLEN_TS_ALIGNED];
	uint32_t optlen = 0;

	if (tw->ts_ok)
		optlen = tcp_options_write_ts(opts, tcp_ts_clock(s->now) + tw->ts_off,
					      tw->ts_recent);
	tcp_output_bare(s, &tw->path, tw->tuple.lport, tw->tuple.rport, tw->snd_nxt, tw->rcv_nxt,
			TCP_FLAG_ACK, tw->wnd, opts, optlen);
}

void tcp_time_wait_enter(struct tcp_conn *c)
{
	struct tcp_stack *s = c->s;
	struct tcp_tw *tw;

	/* The ACK of the peer's FIN goes now; a retransmitted FIN gets it from the entry. */
	if (c->ack_now)
		tcp_output_ack(c);
	if (s->cfg.max_time_wait) {
		if (list_empty(&s->free_tws)) {
			struct tcp_ftimer *oldest =
				list_first(&s->tw_fifo.head, struct tcp_ftimer, node);

			tcp_time_wait_free(s, container_of(oldest, struct tcp_tw, timer));
		}
		tw = list_entry(s->free_tws.next, struct tcp_tw, hash_node);
		list_del(&tw->hash_node);
		tw->tuple = c->tuple;
		tw->path = c->path;
		tw->snd_nxt = c->snd_max;
		tw->rcv_nxt = c->rcv_nxt;
		tw->wnd = tcp_output_window(c);
		tw->ts_ok = c->ts_ok;
		tw->ts_off = c->ts_off;
		tw->ts_recent = c->ts_recent;
		tw->last_oow_ack_ns = 0;
		list_add_tail(tw_bucket(s, c->tuple_hash), &tw->hash_node);
		tcp_timer_fifo_arm(&s->tw_fifo, &tw->timer, s->now);
		s->stats.conns_time_wait++;
	}
	tcp_conn_close(c, TCP_CLOSE_NORMAL, false);
}

/* RFC 6191: a new incarnation whose ISN is `isn` starts beyond the old one. */
static bool tcp_time_wait_newer(const struct tcp_tw *tw, const struct tcp_seg *seg, uint32_t isn)
{
	return tw->ts_ok && seg->opts.ts_ok ? seq_gt(seg->opts.tsval, tw->ts_recent)
					    : seq_gt(isn, tw->rcv_nxt);
}

/*
 * A SYN the steering program answered (syn_answered_outside) never met
 * this entry: the ACK completing it is the first we see of the new
 * incarnation. It reopens the tuple under the SYN's rule when it is a bare
 * ACK with a valid cookie (and TSecr), filled into *ck for the caller to
 * open the connection with. Without SYNs answered outside, every SYN met
 * this entry and no cookie ACK can be a new incarnation.
 */
static bool tcp_time_wait_cookie_ack(const struct tcp_stack *s, const struct tcp_tw *tw,
				     const struct tcp_seg *seg, struct tcp_cookie *ck)
{
	if (!s->cfg.syn_answered_outside || !tcp_seg_bare_ack(seg) ||
	    !tcp_time_wait_newer(tw, seg, seg->seq - 1))
		return false;
	return tcp_input_cookie_valid(s, seg, &tw->tuple, ck);
}

enum tcp_tw_verdict tcp_time_wait_input(struct tcp_stack *s, struct tcp_tw *tw,
					const struct tcp_seg *seg, struct tcp_cookie *ck)
{
	uint32_t seg_len = seg->len + !!(seg->flags & TCP_FLAG_FIN);

	/* RFC 1337: a RST must not cut TIME_WAIT short. */
	if (seg->flags & TCP_FLAG_RST) {
		s->stats.rx_drop_out_of_window++;
		return TCP_TW_KEEP;
	}
	if ((seg->flags & TCP_FLAG_SYN) && !(seg->flags & TCP_FLAG_ACK)) {
		/* A new incarnation must start beyond the old one (RFC 6191, RFC 9293 §3.10.7.4).
		 */
		if (tcp_time_wait_newer(tw, seg, seg->seq))
			return TCP_TW_REOPEN_SYN;
	}
	if (tcp_time_wait_cookie_ack(s, tw, seg, ck))
		return TCP_TW_REOPEN_COOKIE;
	s->stats.rx_drop_out_of_window++;
	if (seg->flags & TCP_FLAG_FIN) {
		/* Our last ACK was lost: send it again and wait 2 MSL afresh. */
		tcp_timer_fifo_arm(&s->tw_fifo, &tw->timer, s->now);
		tcp_time_wait_send_ack(s, tw);
		return TCP_TW_KEEP;
	}
	if (!seg_len && !(seg->flags & TCP_FLAG_SYN) && seg->seq == tw->rcv_nxt)
		return TCP_TW_KEEP; /* a duplicate of the last ACK */
	/* Anything else: a rate-limited ACK tells the peer where we are. */
	if (seg_len || !tw->last_oow_ack_ns ||
	    s->now - tw->last_oow_ack_ns >= TCP_OOW_ACK_INTERVAL_NS) {
		tw->last_oow_ack_ns = s->now ? s->now : 1;
		tcp_time_wait_send_ack(s, tw);
	}
	return TCP_TW_KEEP;
}

void tcp_time_wait_fill_view(struct tcp_stack *s, const struct tcp_tw *tw, struct tcp_conn *view)
{
	memset(view, 0, sizeof(*view));
	view->s = s;
	list_init(&view->hash_node);
	list_init(&view->list_node);
	list_init(&view->out_node);
	tcp_ftimer_init(&view->life_timer);
	tcp_ftimer_init(&view->delack_timer);
	tcp_htimer_init(&view->rexmt_timer);
	view->tuple = tw->tuple;
	view->path = tw->path;
	view->state = TCP_STATE_TIME_WAIT;
	view->snd_una = view->snd_nxt = view->snd_max = tw->snd_nxt;
	view->rcv_nxt = tw->rcv_nxt;
}
