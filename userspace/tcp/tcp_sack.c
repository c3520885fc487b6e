// SPDX-License-Identifier: GPL-2.0-only
/*
 * tcp_sack.c — the SACK scoreboard of a sending connection (RFC 2018
 * blocks, RFC 6675 loss recovery). Modern receivers compress duplicate
 * ACKs and report reordering and loss through SACK blocks, so loss is
 * recognised from the bytes SACKed above a hole (IsLost) rather than from
 * counting three duplicate ACKs, and every lost hole is retransmitted as
 * the pipe allows instead of one per round trip.
 *
 * The scoreboard is a short sorted list of SACKed ranges above SND.UNA; if
 * it overflows, the highest range is forgotten (that only makes the sender
 * more conservative). Which holes are lost is RACK's call (tcp_rack.c)
 * once it has timed a delivery; before that, and without SACK, RFC 6675's
 * IsLost. A D-SACK block (RFC 2883) goes to tcp_rack.c. Called by
 * tcp_ack.c (update, trim, loss detection) and tcp_output.c (next hole,
 * pipe, skipping SACKed data).
 */
#include "tcp/tcp_int.h"

void tcp_sack_clear(struct tcp_conn *c)
{
	c->nsack = 0;
	c->sack_bytes = 0;
}

static void tcp_sack_recount(struct tcp_conn *c)
{
	c->sack_bytes = 0;
	for (uint8_t i = 0; i < c->nsack; i++)
		c->sack_bytes += c->sack_blk[i].end - c->sack_blk[i].start;
}

/* Add [start, end) to the sorted, disjoint list, merging neighbours. */
static void tcp_sack_insert(struct tcp_conn *c, uint32_t start, uint32_t end)
{
	uint8_t i = 0, j;

	while (i < c->nsack && seq_lt(c->sack_blk[i].end, start))
		i++;
	/* Blocks i.. that touch [start, end) merge into one. */
	j = i;
	while (j < c->nsack && seq_le(c->sack_blk[j].start, end)) {
		if (seq_lt(c->sack_blk[j].start, start))
			start = c->sack_blk[j].start;
		if (seq_gt(c->sack_blk[j].end, end))
			end = c->sack_blk[j].end;
		j++;
	}
	if (j > i) {
		/* Replace blocks i..j-1 by one. */
		c->sack_blk[i].start = start;
		c->sack_blk[i].end = end;
		for (uint8_t k = j; k < c->nsack; k++)
			c->sack_blk[i + 1 + k - j] = c->sack_blk[k];
		c->nsack = (uint8_t)(c->nsack - (j - i - 1));
		return;
	}
	if (c->nsack == TCP_SACK_BLOCKS) {
		if (i == TCP_SACK_BLOCKS)
			return; /* above everything we track: forget it */
		c->nsack--;	/* forget the highest */
	}
	for (uint8_t k = c->nsack; k > i; k--)
		c->sack_blk[k] = c->sack_blk[k - 1];
	c->sack_blk[i].start = start;
	c->sack_blk[i].end = end;
	c->nsack++;
}

/*
 * RFC 2883 §4: the first block reports a duplicate segment (D-SACK) when
 * it lies below the ACK's cumulative point or inside the second block.
 */
static bool tcp_sack_is_dsack(const struct tcp_conn *c, const struct tcp_opts *o, uint32_t ack)
{
	uint32_t start = o->sack[0][0], end = o->sack[0][1];

	if (!seq_lt(start, end) || seq_gt(end, c->snd_max) ||
	    seq_lt(start, c->snd_una - c->max_snd_wnd))
		return false;
	if (seq_le(end, ack))
		return true;
	return o->nsack > 1 && seq_ge(start, o->sack[1][0]) && seq_le(end, o->sack[1][1]);
}

uint32_t tcp_sack_update(struct tcp_conn *c, const struct tcp_opts *o, uint32_t ack)
{
	uint32_t before = c->sack_bytes;
	uint8_t first = 0;

	if (o->nsack && tcp_sack_is_dsack(c, o, ack)) {
		tcp_rack_dsack(c, o->sack[0][0], o->sack[0][1]);
		first = 1;
	}
	for (uint8_t b = first; b < o->nsack; b++) {
		uint32_t start = o->sack[b][0], end = o->sack[b][1];

		/* Only blocks of data sent and not cumulatively acknowledged. */
		if (!seq_lt(start, end) || seq_le(end, c->snd_una) || seq_gt(end, c->snd_max))
			continue;
		if (seq_lt(start, c->snd_una))
			start = c->snd_una;
		tcp_sack_insert(c, start, end);
	}
	tcp_sack_recount(c);
	/*
	 * Without RACK's send times: data sent after our last retransmission
	 * arrived while retransmitted holes are still open, so those
	 * retransmissions were lost too (RACK's idea by send order). Send
	 * them again.
	 */
	if (!tcp_rack_active(c) && c->sack_recovery && c->nsack &&
	    seq_gt(c->rexmit_high, c->snd_una) &&
	    seq_gt(c->sack_blk[c->nsack - 1].end, c->rexmit_mark)) {
		c->rexmit_high = c->snd_una;
		c->rexmit_mark = c->snd_max;
	}
	return c->sack_bytes > before ? c->sack_bytes - before : 0;
}

void tcp_sack_trim(struct tcp_conn *c)
{
	uint8_t drop = 0;

	while (drop < c->nsack && seq_le(c->sack_blk[drop].end, c->snd_una))
		drop++;
	for (uint8_t k = drop; k < c->nsack; k++)
		c->sack_blk[k - drop] = c->sack_blk[k];
	c->nsack = (uint8_t)(c->nsack - drop);
	if (c->nsack && seq_lt(c->sack_blk[0].start, c->snd_una))
		c->sack_blk[0].start = c->snd_una;
	tcp_sack_recount(c);
}

/*
 * RFC 6675 IsLost() for the hole before block i: DupThresh (3) blocks or
 * more than two segments' worth of bytes SACKed above it.
 */
static bool tcp_sack_hole_lost(const struct tcp_conn *c, uint8_t i, uint32_t sacked_above)
{
	return c->nsack - i >= 3 || sacked_above > 2u * c->mss;
}

bool tcp_sack_is_lost(const struct tcp_conn *c)
{
	uint32_t flight = c->snd_max - c->snd_una;

	if (!c->nsack)
		return false;
	if (tcp_sack_hole_lost(c, 0, c->sack_bytes))
		return true;
	/*
	 * Early retransmit (RFC 5827) for a short tail: fewer than four
	 * segments out, nothing new to send, and everything after the first
	 * hole has arrived. Three duplicates can never come here.
	 */
	return flight < 4u * c->mss && c->sack_blk[c->nsack - 1].end == c->snd_max &&
	       !seq_gt(tcp_conn_queue_end(c), c->snd_max);
}

/*
 * Walk the holes below the highest SACKed byte; for each lost one, fn-like
 * results: the next lost byte at or after `from`, and the lost bytes at or
 * after `from` (for the pipe).
 */
static bool tcp_sack_scan(const struct tcp_conn *c, uint32_t from, uint32_t *seq, uint32_t *len,
			  uint32_t *lost_after)
{
	uint32_t start = c->snd_una, above = c->sack_bytes;
	bool found = false, rack = tcp_rack_active(c);

	*lost_after = 0;
	if (seq_lt(from, c->snd_una))
		from = c->snd_una;
	for (uint8_t i = 0; i < c->nsack; i++) {
		uint32_t end = c->sack_blk[i].start;
		bool lost;

		if (rack) {
			/* RACK (tcp_rack.c): lost is what lies below rack.lost_end. */
			lost = c->rack.lost_valid && seq_lt(start, c->rack.lost_end);
			if (lost && seq_gt(end, c->rack.lost_end))
				end = c->rack.lost_end;
		} else {
			/* In recovery the first hole is lost by definition (RFC 6675 step 4). */
			lost = (i == 0 && c->in_recovery) || tcp_sack_hole_lost(c, i, above);
		}

		if (lost && seq_lt(from, end)) {
			uint32_t a = seq_gt(from, start) ? from : start;

			*lost_after += end - a;
			if (!found) {
				found = true;
				*seq = a;
				*len = end - a < c->mss ? end - a : c->mss;
			}
		}
		above -= c->sack_blk[i].end - c->sack_blk[i].start;
		start = c->sack_blk[i].end;
	}
	return found;
}

bool tcp_sack_next_hole(const struct tcp_conn *c, uint32_t *seq, uint32_t *len)
{
	uint32_t lost;

	return tcp_sack_scan(c, c->rexmit_high, seq, len, &lost);
}

uint32_t tcp_sack_pipe(const struct tcp_conn *c)
{
	uint32_t seq, len, lost, out = c->snd_max - c->snd_una;

	/* RFC 6675 SetPipe(): neither SACKed nor lost-and-not-yet-retransmitted. */
	tcp_sack_scan(c, c->rexmit_high, &seq, &len, &lost);
	return out - c->sack_bytes - lost;
}

uint32_t tcp_sack_skip(const struct tcp_conn *c, uint32_t seq)
{
	for (uint8_t i = 0; i < c->nsack; i++)
		if (seq_ge(seq, c->sack_blk[i].start) && seq_lt(seq, c->sack_blk[i].end))
			return c->sack_blk[i].end;
	return seq;
}
