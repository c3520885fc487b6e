// SPDX-License-Identifier: GPL-2.0-only
/*
 * tcp_reass.c — the receive side's reassembly: request bytes that arrive
 * past a hole are kept in the receive buffer where they belong, as up to
 * TCP_REASS_RANGES ranges; when the hole fills, RCV.NXT jumps over them.
 * The SACK option of our ACKs reports those ranges (RFC 2018 §4: the range
 * of the most recent segment first, then the others by recency) and, once,
 * a duplicate that arrived (D-SACK, RFC 2883 §4: as the first block).
 *
 * No frame is held and nothing is allocated: the bytes live in the
 * connection's receive buffer, inside the window we advertised (which is
 * never larger than the buffer's free room), so the buffer bounds them.
 *
 * Called by tcp_process.c (segment text) and tcp_output.c (the option).
 */
#include <string.h>

#include "tcp/tcp_int.h"

void tcp_reass_clear(struct tcp_conn *c)
{
	c->reass.n = 0;
	c->reass.fin = false;
}

uint32_t tcp_reass_extent(const struct tcp_conn *c)
{
	const struct tcp_reass *r = &c->reass;

	return r->n ? r->r[r->n - 1].end - c->rcv_nxt : 0;
}

void tcp_reass_make_room(struct tcp_conn *c, uint32_t end_off)
{
	/* Every held byte already lies inside the buffer: this never reads past it. */
	uint32_t used = c->rx_len + tcp_reass_extent(c);

	if (c->rx_head + c->rx_len + end_off <= c->s->cfg.rx_buf_size)
		return;
	memmove(c->rx_buf, c->rx_buf + c->rx_head, used);
	c->rx_head = 0;
}

void tcp_reass_dsack(struct tcp_conn *c, uint32_t start, uint32_t end)
{
	if (!c->sack_ok || start == end)
		return;
	c->reass.dsack = true;
	c->reass.dsack_start = start;
	c->reass.dsack_end = end;
}

/* Merge range i with the ranges after it that it now reaches or overlaps. */
static void tcp_reass_merge_next(struct tcp_reass *r, uint32_t i)
{
	while (i + 1 < r->n && seq_ge(r->r[i].end, r->r[i + 1].start)) {
		if (seq_gt(r->r[i + 1].end, r->r[i].end))
			r->r[i].end = r->r[i + 1].end;
		if (r->r[i + 1].stamp > r->r[i].stamp)
			r->r[i].stamp = r->r[i + 1].stamp;
		memmove(&r->r[i + 1], &r->r[i + 2], (r->n - i - 2) * sizeof(r->r[0]));
		r->n--;
	}
}

/*
 * Record [start, end) in the sorted ranges. False when it would need a new
 * range and none is free: the highest range gives way to a lower one (bytes
 * nearer RCV.NXT are worth more), a higher one is dropped.
 */
static bool tcp_reass_add_range(struct tcp_conn *c, uint32_t start, uint32_t end)
{
	struct tcp_reass *r = &c->reass;
	uint32_t i = 0, stamp = ++r->clock;

	while (i < r->n && seq_lt(r->r[i].end, start))
		i++;
	if (i < r->n && seq_le(r->r[i].start, end)) {
		/* Touches or overlaps range i: a duplicate if it adds nothing. */
		if (seq_ge(start, r->r[i].start) && seq_le(end, r->r[i].end))
			tcp_reass_dsack(c, start, end);
		if (seq_lt(start, r->r[i].start))
			r->r[i].start = start;
		if (seq_gt(end, r->r[i].end))
			r->r[i].end = end;
		r->r[i].stamp = stamp;
		tcp_reass_merge_next(r, i);
		return true;
	}
	if (r->n == TCP_REASS_RANGES) {
		if (i == r->n)
			return false;
		r->n--; /* the highest range goes; the peer sends it again */
		r->fin = false;
	}
	memmove(&r->r[i + 1], &r->r[i], (r->n - i) * sizeof(r->r[0]));
	r->r[i].start = start;
	r->r[i].end = end;
	r->r[i].stamp = stamp;
	r->n++;
	return true;
}

uint32_t tcp_reass_insert(struct tcp_conn *c, uint32_t seq, const uint8_t *data, uint32_t len,
			  bool fin)
{
	struct tcp_reass *r = &c->reass;
	uint32_t off = seq - c->rcv_nxt, size = c->s->cfg.rx_buf_size;
	uint32_t room = size - c->rx_len;

	if (off >= room || !len)
		return 0;
	if (len > room - off) {
		len = room - off; /* past the buffer, thus past our window: the peer resends it */
		fin = false;
	}
	/* A FIN never moves: data after the one we hold, or a second FIN elsewhere, is bogus. */
	if (r->fin && (seq_gt(seq + len, r->fin_seq) || (fin && seq + len != r->fin_seq)))
		return 0;
	/* Room first: only the bytes already held move, the new range is not there yet. */
	tcp_reass_make_room(c, off + len);
	if (!tcp_reass_add_range(c, seq, seq + len))
		return 0;
	memcpy(c->rx_buf + c->rx_head + c->rx_len + off, data, len);
	if (fin && r->n && r->r[r->n - 1].end == seq + len) {
		r->fin = true;
		r->fin_seq = seq + len;
	}
	return len;
}

bool tcp_reass_advance(struct tcp_conn *c, bool *fin)
{
	struct tcp_reass *r = &c->reass;
	uint32_t taken = 0;

	*fin = false;
	while (taken < r->n && seq_le(r->r[taken].start, c->rcv_nxt)) {
		if (seq_gt(r->r[taken].end, c->rcv_nxt)) {
			uint32_t n = r->r[taken].end - c->rcv_nxt;

			/* The bytes are in place already: only the counters move. */
			c->rx_len += n;
			c->rcv_nxt += n;
			c->bytes_received += n;
			c->rx_unacked += n;
		}
		taken++;
	}
	if (!taken)
		return false;
	memmove(&r->r[0], &r->r[taken], (r->n - taken) * sizeof(r->r[0]));
	r->n -= taken;
	if (r->fin && c->rcv_nxt == r->fin_seq) {
		r->fin = false;
		*fin = true;
	}
	return true;
}

static inline void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* The index of the most recent range not yet in `done` (a bit per range). */
static uint32_t tcp_reass_most_recent(const struct tcp_reass *r, uint32_t done)
{
	uint32_t best = r->n;

	for (uint32_t i = 0; i < r->n; i++)
		if (!(done & (1u << i)) && (best == r->n || r->r[i].stamp > r->r[best].stamp))
			best = i;
	return best;
}

uint32_t tcp_reass_write_sack(struct tcp_conn *c, uint8_t *p, uint32_t max_blocks)
{
	struct tcp_reass *r = &c->reass;
	uint32_t nb = 0, done = 0;
	uint8_t *b = p + 4;

	if (!c->sack_ok || (!r->n && !r->dsack) || !max_blocks)
		return 0;
	if (r->dsack) {
		put_be32(b, r->dsack_start);
		put_be32(b + 4, r->dsack_end);
		b += 8;
		nb++;
		r->dsack = false; /* reported once (RFC 2883 §4) */
	}
	while (nb < max_blocks) {
		uint32_t i = tcp_reass_most_recent(r, done);

		if (i == r->n)
			break;
		done |= 1u << i;
		put_be32(b, r->r[i].start);
		put_be32(b + 4, r->r[i].end);
		b += 8;
		nb++;
	}
	p[0] = TCPOPT_NOP;
	p[1] = TCPOPT_NOP;
	p[2] = TCPOPT_SACK;
	p[3] = (uint8_t)(2 + 8 * nb);
	return 4 + 8 * nb;
}
