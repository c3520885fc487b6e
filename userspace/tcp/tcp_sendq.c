// SPDX-License-Identifier: GPL-2.0-only
/*
 * tcp_sendq.c — the per-connection send queue (see tcp_sendq.h). Appended
 * to by the application, walked by tcp_output.c, trimmed by tcp_ack.c.
 */
#include "tcp/tcp_sendq.h"

#include <errno.h>
#include <string.h>

#include "cache/blob.h"
#include "net/checksum.h"

void tcp_sendq_init(struct tcp_sendq *q, struct tcp_piece *pieces, uint32_t max_pieces,
		    uint8_t *ring, uint32_t ring_size)
{
	memset(q, 0, sizeof(*q));
	q->pieces = pieces;
	q->max_pieces = max_pieces;
	q->ring = ring;
	q->ring_size = ring_size;
}

static inline struct tcp_piece *piece_at(const struct tcp_sendq *q, uint32_t i)
{
	return &q->pieces[(q->head + i) % q->max_pieces];
}

static struct tcp_piece *last_piece(const struct tcp_sendq *q)
{
	return q->count ? piece_at(q, q->count - 1) : NULL;
}

uint32_t tcp_sendq_pieces_free(const struct tcp_sendq *q)
{
	return q->max_pieces - q->count;
}

uint32_t tcp_sendq_copy_space(const struct tcp_sendq *q)
{
	const struct tcp_piece *last = last_piece(q);

	/* A copied run at the tail grows in place and needs no new piece. */
	if (q->count == q->max_pieces && !(last && !last->blob))
		return 0;
	return q->ring_size - (uint32_t)(q->ring_tail - q->ring_head);
}

static void ring_write(struct tcp_sendq *q, const uint8_t *src, uint32_t len)
{
	uint32_t at = (uint32_t)(q->ring_tail % q->ring_size);
	uint32_t first = q->ring_size - at;

	if (first > len)
		first = len;
	memcpy(q->ring + at, src, first);
	memcpy(q->ring, src + first, len - first);
	q->ring_tail += len;
}

int tcp_sendq_copy(struct tcp_sendq *q, const void *data, uint32_t len)
{
	struct tcp_piece *last = last_piece(q);

	if (!len)
		return 0;
	if (len > tcp_sendq_copy_space(q))
		return -ENOBUFS;
	if (last && !last->blob) {
		last->len += len;
	} else {
		struct tcp_piece *p = piece_at(q, q->count++);

		p->blob = NULL;
		p->off = q->ring_tail;
		p->len = len;
	}
	ring_write(q, data, len);
	q->bytes += len;
	return 0;
}

int tcp_sendq_blob(struct tcp_sendq *q, struct blob *b, uint64_t off, uint64_t len)
{
	struct tcp_piece *last = last_piece(q);
	struct tcp_piece *p;

	if (off > b->size || len > b->size - off)
		return -EINVAL;
	if (!len)
		return 0;
	/* The next range of the blob just queued extends that piece. */
	if (last && last->blob == b && last->off + last->len == off) {
		last->len += len;
		q->bytes += len;
		return 0;
	}
	if (q->count == q->max_pieces)
		return -ENOBUFS;
	p = piece_at(q, q->count++);
	p->blob = b;
	p->off = off;
	p->len = len;
	blob_get(b);
	q->bytes += len;
	return 0;
}

void tcp_sendq_ack(struct tcp_sendq *q, uint64_t n)
{
	if (n > q->bytes)
		n = q->bytes;
	q->bytes -= n;
	while (n) {
		struct tcp_piece *p = piece_at(q, 0);
		uint64_t take = p->len < n ? p->len : n;

		if (!p->blob)
			q->ring_head += take;
		p->off += take;
		p->len -= take;
		n -= take;
		if (p->len)
			break;
		if (p->blob)
			blob_put(p->blob);
		q->head = (q->head + 1) % q->max_pieces;
		q->count--;
	}
	/* An empty ring starts over, so later copies do not wrap needlessly. */
	if (q->ring_head == q->ring_tail)
		q->ring_head = q->ring_tail = 0;
}

void tcp_sendq_release(struct tcp_sendq *q)
{
	for (uint32_t i = 0; i < q->count; i++) {
		struct tcp_piece *p = piece_at(q, i);

		if (p->blob)
			blob_put(p->blob);
	}
	q->head = q->count = 0;
	q->ring_head = q->ring_tail = 0;
	q->bytes = 0;
}

void tcp_sendq_seek(const struct tcp_sendq *q, uint64_t off, struct tcp_sendq_iter *it)
{
	it->idx = 0;
	while (it->idx < q->count && off >= piece_at(q, it->idx)->len) {
		off -= piece_at(q, it->idx)->len;
		it->idx++;
	}
	it->in_off = off;
}

uint32_t tcp_sendq_next(const struct tcp_sendq *q, struct tcp_sendq_iter *it, uint32_t max,
			struct tcp_slice *sl)
{
	const struct tcp_piece *p;
	uint64_t left;

	while (it->idx < q->count) {
		p = piece_at(q, it->idx);
		left = p->len - it->in_off;
		if (left) {
			sl->blob = p->blob;
			sl->off = p->off + it->in_off;
			sl->len = left < max ? (uint32_t)left : max;
			it->in_off += sl->len;
			return sl->len;
		}
		it->idx++;
		it->in_off = 0;
	}
	sl->len = 0;
	return 0;
}

void tcp_sendq_ring_read(const struct tcp_sendq *q, uint64_t pos, uint32_t len, void *dst)
{
	uint32_t at = (uint32_t)(pos % q->ring_size);
	uint32_t first = q->ring_size - at;

	if (first > len)
		first = len;
	memcpy(dst, q->ring + at, first);
	memcpy((uint8_t *)dst + first, q->ring, len - first);
}

uint32_t tcp_sendq_ring_csum(const struct tcp_sendq *q, uint64_t pos, uint32_t len)
{
	uint32_t at = (uint32_t)(pos % q->ring_size);
	uint32_t first = q->ring_size - at;
	uint32_t sum;

	if (first > len)
		first = len;
	sum = csum_partial(q->ring + at, first, 0);
	if (len > first)
		sum = csum_block_add(sum, csum_partial(q->ring, len - first, 0), first);
	return sum;
}
