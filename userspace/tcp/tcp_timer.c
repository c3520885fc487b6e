// SPDX-License-Identifier: GPL-2.0-only
/*
 * tcp_timer.c — timer structures (see tcp_timer.h) and what happens when
 * a timer fires: retransmission timeout (RFC 6298 §5.4-5.7, go-back to
 * SND.UNA, loss window, backoff up to rto_max and a reset after
 * max_retransmits), tail loss probe and RACK reordering timer (RFC 8985;
 * tcp_rack.c decides), persist probe
 * (RFC 9293 §3.8.6.1), delayed ACK, idle timeout, FIN_WAIT_2/LAST_ACK
 * give-up, TIME_WAIT expiry.
 *
 * Called by tcp_stack__poll() -> tcp_timer_run().
 */
#include "tcp/tcp_int.h"

static void heap_set(struct tcp_timer_heap *h, uint32_t i, struct tcp_htimer *t)
{
	h->v[i] = t;
	t->idx = i;
}

static void heap_sift_up(struct tcp_timer_heap *h, uint32_t i)
{
	struct tcp_htimer *t = h->v[i];

	while (i > 0) {
		uint32_t parent = (i - 1) / 2;

		if (h->v[parent]->key <= t->key)
			break;
		heap_set(h, i, h->v[parent]);
		i = parent;
	}
	heap_set(h, i, t);
}

static void heap_sift_down(struct tcp_timer_heap *h, uint32_t i)
{
	struct tcp_htimer *t = h->v[i];

	for (;;) {
		uint32_t l = 2 * i + 1, m = i;
		uint64_t key = t->key;

		if (l < h->n && h->v[l]->key < key) {
			m = l;
			key = h->v[l]->key;
		}
		if (l + 1 < h->n && h->v[l + 1]->key < key)
			m = l + 1;
		if (m == i)
			break;
		heap_set(h, i, h->v[m]);
		i = m;
	}
	heap_set(h, i, t);
}

void tcp_timer_heap_arm(struct tcp_timer_heap *h, struct tcp_htimer *t, uint64_t when)
{
	t->when = when;
	if (t->idx == TCP_HEAP_NONE) {
		t->key = when;
		h->v[h->n] = t;
		t->idx = h->n++;
		heap_sift_up(h, t->idx);
	} else if (when < t->key) {
		t->key = when;
		heap_sift_up(h, t->idx);
	}
	/* Later than the key: only `when` moves; tcp_timer_heap_expired() catches up. */
}

void tcp_timer_heap_cancel(struct tcp_timer_heap *h, struct tcp_htimer *t)
{
	struct tcp_htimer *moved;
	uint32_t i = t->idx;

	t->when = t->key = TCP_TIMER_NONE;
	if (i == TCP_HEAP_NONE)
		return;
	t->idx = TCP_HEAP_NONE;
	if (i == --h->n)
		return;
	moved = h->v[h->n];
	heap_set(h, i, moved);
	heap_sift_down(h, i);
	heap_sift_up(h, moved->idx);
}

struct tcp_htimer *tcp_timer_heap_expired(struct tcp_timer_heap *h, uint64_t now)
{
	while (h->n && h->v[0]->key <= now) {
		struct tcp_htimer *t = h->v[0];

		if (t->when <= now) {
			tcp_timer_heap_cancel(h, t);
			return t;
		}
		t->key = t->when;
		heap_sift_down(h, 0);
	}
	return NULL;
}

/* The RTO with the backoff in force, within [rto_min, rto_max] (RFC 6298 §5.5). */
uint64_t tcp_timer_rto(const struct tcp_conn *c)
{
	const struct tcp_config *cfg = &c->s->cfg;
	uint64_t rto = c->rto_ns;

	for (uint8_t i = 0; i < c->backoff && rto < cfg->rto_max_ns; i++)
		rto *= 2;
	if (rto > cfg->rto_max_ns)
		rto = cfg->rto_max_ns;
	if (rto < cfg->rto_min_ns)
		rto = cfg->rto_min_ns;
	return rto;
}

bool tcp_timer_arm_reorder(struct tcp_conn *c)
{
	struct tcp_stack *s = c->s;
	uint64_t wnd;

	/* RACK's reordering timer: when the oldest segment not yet judged lost would be. */
	if (tcp_rack_active(c)) {
		uint64_t when = c->rack.timeout_ns;

		if (!when || c->backoff || when >= s->now + tcp_timer_rto(c))
			return false;
		c->rexmt_mode = TCP_REXMT_REORDER;
		tcp_timer_heap_arm(&s->rexmt_heap, &c->rexmt_timer, when);
		return true;
	}
	/*
	 * Before RACK has timed a delivery: SACK shows a hole at SND.UNA that
	 * is not yet judged lost; if it is not repaired within SRTT / 4
	 * (counted from the SACK that showed it), it is lost.
	 */
	if (!c->rtt_valid || c->in_recovery || c->backoff || !c->nsack ||
	    !seq_ge(c->snd_una, c->recover))
		return false;
	wnd = c->srtt_ns / 4 + TCP_TLP_MARGIN_NS;
	if (wnd >= tcp_timer_rto(c))
		return false;
	c->rexmt_mode = TCP_REXMT_REORDER;
	tcp_timer_heap_arm(&s->rexmt_heap, &c->rexmt_timer, s->now + wnd);
	return true;
}

void tcp_timer_arm_outstanding(struct tcp_conn *c)
{
	struct tcp_stack *s = c->s;
	uint64_t rto = tcp_timer_rto(c), pto;

	if (tcp_timer_arm_reorder(c))
		return;
	/* A probe needs an RTT, no loss recovery or backoff going on, and one per flight. */
	if (c->rtt_valid && !c->in_recovery && !c->backoff && !c->tlp_sent) {
		pto = 2 * c->srtt_ns +
		      (c->snd_max - c->snd_una <= c->mss ? TCP_TLP_DELACK_NS : TCP_TLP_MARGIN_NS);
		/* RFC 8985 §7.2: never later than the RTO would be; the probe goes first. */
		c->rexmt_mode = TCP_REXMT_TLP;
		tcp_timer_heap_arm(&s->rexmt_heap, &c->rexmt_timer,
				   s->now + (pto < rto ? pto : rto));
		return;
	}
	c->rexmt_mode = TCP_REXMT_RTO;
	tcp_timer_heap_arm(&s->rexmt_heap, &c->rexmt_timer, s->now + rto);
}

/* Retransmission timeout, loss probe, or persist probe. */
static void tcp_timer_rexmt(struct tcp_conn *c)
{
	struct tcp_stack *s = c->s;
	uint8_t mode = c->rexmt_mode;

	c->rexmt_mode = TCP_REXMT_NONE;
	if (mode == TCP_REXMT_NONE)
		return;
	/* Everything was acknowledged meanwhile: nothing to recover (persist aside). */
	if (mode != TCP_REXMT_PERSIST && c->snd_una == c->snd_max)
		return;
	if (mode == TCP_REXMT_REORDER && tcp_rack_active(c)) {
		tcp_ack_rack_detect(c);
		if (c->rexmt_mode == TCP_REXMT_NONE)
			tcp_timer_arm_outstanding(c);
		return;
	}
	if (mode == TCP_REXMT_REORDER) {
		if (c->nsack && !c->in_recovery && seq_ge(c->snd_una, c->recover))
			tcp_ack_enter_recovery(c);
		tcp_timer_arm_outstanding(c);
		return;
	}
	if (mode == TCP_REXMT_TLP) {
		/*
		 * Nothing heard for 2 SRTT: the tail of the flight or its ACKs may
		 * be lost. One probe makes the receiver speak (RFC 8985 §7.3);
		 * the RTO stays armed behind it.
		 */
		s->stats.tlp_probes++;
		c->tlp_sent = true;
		c->tlp_probe = true;
		c->rexmt_mode = TCP_REXMT_RTO;
		tcp_timer_heap_arm(&s->rexmt_heap, &c->rexmt_timer, s->now + tcp_timer_rto(c));
		tcp_conn_want_output(c);
		return;
	}
	/* A window that stays shut: the peer reads nothing (or pretends to). */
	if (mode == TCP_REXMT_PERSIST &&
	    s->now - c->persist_since_ns >= s->cfg.persist_timeout_ns) {
		tcp_timer_timeout(c, &s->stats.timeout_persist);
		return;
	}
	/* Unanswered RTOs or probes in a row: the peer is gone. */
	if (c->retransmits >= s->cfg.max_retransmits) {
		tcp_timer_timeout(c, &s->stats.timeout_retransmit);
		return;
	}
	c->retransmits++;
	if (c->backoff < 63)
		c->backoff++;
	if (mode == TCP_REXMT_PERSIST) {
		c->snd_nxt = c->snd_una;
		c->force_probe = true;
	} else {
		s->stats.rto_fired++;
		tcp_pmtu_rto(c);
		/* The first RTO of a series: the window may come back (spurious RTO). */
		if (c->retransmits == 1)
			tcp_rack_undo_begin(c, true);
		tcp_rack_on_rto(c);
		c->cc.flight = c->snd_max - c->snd_una;
		c->cc.now_ns = s->now;
		/* RFC 5681 §3.1: ssthresh from the flight, one segment of loss window. */
		c->cc.ssthresh = s->cc->ssthresh(&c->cc);
		c->cc.cwnd = c->mss;
		c->in_recovery = false;
		c->sack_recovery = false;
		/* The receiver may have dropped what it SACKed (RFC 2018 §8). */
		tcp_sack_clear(c);
		c->dupacks = 0;
		c->recover = c->snd_max;
		c->rexmit_head = false;
		c->rtt_timing = false;
		c->snd_nxt = c->snd_una; /* go back: resend from the queue */
		if (s->cc->cwnd_event)
			s->cc->cwnd_event(&c->cc, TCP_CC_EVENT_RTO);
	}
	c->rexmt_mode = mode;
	tcp_timer_heap_arm(&s->rexmt_heap, &c->rexmt_timer, s->now + tcp_timer_rto(c));
	tcp_conn_want_output(c);
}

void tcp_timer_timeout(struct tcp_conn *c, uint64_t *reason)
{
	(*reason)++;
	tcp_conn_close(c, TCP_CLOSE_TIMEOUT, true);
}

/* Bytes the peer must acknowledge per send-rate interval. */
static uint64_t tcp_timer_send_need(const struct tcp_config *cfg)
{
	uint64_t need =
		(uint64_t)cfg->min_send_rate * (cfg->send_timeout_ns / NSEC_PER_MSEC) / 1000;

	return need ? need : 1;
}

/*
 * A send-rate interval ended with data still queued: too little of it was
 * acknowledged (a slow reader, a tiny window) closes the connection.
 */
static void tcp_timer_send_rate(struct tcp_conn *c)
{
	struct tcp_stack *s = c->s;

	if (!c->q.bytes)
		return;
	if (c->bytes_acked - c->rate_mark < tcp_timer_send_need(&s->cfg)) {
		tcp_timer_timeout(c, &s->stats.timeout_send);
		return;
	}
	tcp_conn_rate_start(c);
}

/* The application's deadline passed: a head too slow, or keep-alive idle. */
static void tcp_timer_deadline(struct tcp_conn *c)
{
	struct tcp_stack *s = c->s;
	uint8_t d = c->deadline;

	c->deadline = TCP_DEADLINE_NONE;
	if (d == TCP_DEADLINE_HEADER) {
		tcp_timer_timeout(c, &s->stats.timeout_header);
	} else if (d == TCP_DEADLINE_KEEPALIVE) {
		s->stats.timeout_keepalive++;
		tcp_conn_shutdown(c);
	}
}

void tcp_timer_run(struct tcp_stack *s, uint64_t now)
{
	struct tcp_htimer *ht;
	struct tcp_ftimer *ft;

	while ((ht = tcp_timer_heap_expired(&s->rexmt_heap, now)))
		tcp_timer_rexmt(container_of(ht, struct tcp_conn, rexmt_timer));
	while ((ft = tcp_timer_fifo_expired(&s->delack_fifo, now))) {
		struct tcp_conn *c = container_of(ft, struct tcp_conn, delack_timer);

		c->ack_now = true;
		tcp_conn_want_output(c);
	}
	/* No progress for idle_timeout_ns: reset (the peer or the application is stuck). */
	while ((ft = tcp_timer_fifo_expired(&s->idle_fifo, now)))
		tcp_timer_timeout(container_of(ft, struct tcp_conn, life_timer),
				  &s->stats.timeout_idle);
	while ((ft = tcp_timer_fifo_expired(&s->finwait_fifo, now)))
		tcp_timer_timeout(container_of(ft, struct tcp_conn, life_timer),
				  &s->stats.timeout_fin_wait);
	while ((ft = tcp_timer_fifo_expired(&s->header_fifo, now)))
		tcp_timer_deadline(container_of(ft, struct tcp_conn, deadline_timer));
	while ((ft = tcp_timer_fifo_expired(&s->keepalive_fifo, now)))
		tcp_timer_deadline(container_of(ft, struct tcp_conn, deadline_timer));
	while ((ft = tcp_timer_fifo_expired(&s->rate_fifo, now)))
		tcp_timer_send_rate(container_of(ft, struct tcp_conn, rate_timer));
	while ((ft = tcp_timer_fifo_expired(&s->tw_fifo, now)))
		tcp_time_wait_free(s, container_of(ft, struct tcp_tw, timer));
}

uint64_t tcp_timer_next(const struct tcp_stack *s)
{
	const struct tcp_timer_fifo *const fifos[] = {
		&s->delack_fifo,    &s->idle_fifo, &s->finwait_fifo, &s->header_fifo,
		&s->keepalive_fifo, &s->rate_fifo, &s->tw_fifo,
	};
	uint64_t next = tcp_timer_heap_next(&s->rexmt_heap);

	for (size_t i = 0; i < sizeof(fifos) / sizeof(fifos[0]); i++) {
		uint64_t t = tcp_timer_fifo_next(fifos[i]);

		next = t < next ? t : next;
	}
	return next;
}
