// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests for tcp/tcp_sendq.c: pieces, the copy ring and blob references. */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "cache/blob.h"
#include "net/checksum.h"
#include "tcp/tcp_sendq.h"

#define RING 64
#define NP   4

static struct tcp_piece pieces[NP];
static uint8_t ring[RING];
static uint8_t umem[8192];
static uint64_t frames[2] = {4096, 0};
static uint16_t prefix[8192 / BLOB_CSUM_GRAIN + 1];
static int released;

static void on_release(struct blob *b)
{
	released++;
}

static const struct blob_ops ops = {.released = on_release};

static void make_blob(struct blob *b)
{
	memset(b, 0, sizeof(*b));
	for (int i = 0; i < 8192; i++)
		umem[i] = (uint8_t)(i * 13 + 1);
	b->size = 8192;
	b->frame_shift = 12;
	b->nframes = 2;
	b->umem = umem;
	b->frames = frames;
	b->csum_prefix = prefix;
	b->refs = 1;
	b->ops = &ops;
	blob_csum_build(b);
}

/* Read queue bytes [off, off + len) through the iterator. */
static void read_queue(struct tcp_sendq *q, uint64_t off, uint32_t len, uint8_t *out)
{
	struct tcp_sendq_iter it;
	struct tcp_slice sl;
	uint32_t pos = 0;

	tcp_sendq_seek(q, off, &it);
	while (pos < len && tcp_sendq_next(q, &it, len - pos, &sl)) {
		if (sl.blob)
			blob_copy(sl.blob, sl.off, sl.len, out + pos);
		else
			tcp_sendq_ring_read(q, sl.off, sl.len, out + pos);
		pos += sl.len;
	}
	cr_assert_eq(pos, len);
}

Test(sendq, copies_coalesce_and_wrap)
{
	struct tcp_sendq q;
	uint8_t data[40], out[60];

	for (int i = 0; i < 40; i++)
		data[i] = (uint8_t)i;
	tcp_sendq_init(&q, pieces, NP, ring, RING);
	cr_assert_eq(tcp_sendq_copy_space(&q), RING);
	cr_assert_eq(tcp_sendq_copy(&q, data, 40), 0);
	cr_assert_eq(tcp_sendq_copy(&q, data, 20), 0);
	cr_assert_eq(q.count, 1, "adjacent copies share a piece");
	cr_assert_eq(tcp_sendq_copy(&q, data, 5), -ENOBUFS);
	tcp_sendq_ack(&q, 30);
	cr_assert_eq(tcp_sendq_copy_space(&q), RING - 30);
	cr_assert_eq(tcp_sendq_copy(&q, data, 30), 0); /* wraps */
	read_queue(&q, 0, 60, out);
	cr_assert_arr_eq(out, data + 30, 10);
	cr_assert_arr_eq(out + 10, data, 20);
	cr_assert_arr_eq(out + 30, data, 30);
	cr_assert_eq(ntohs(csum_fold(tcp_sendq_ring_csum(&q, q.pieces[q.head].off + 30, 30))),
		     ntohs(csum_fold(csum_partial(data, 30, 0))));
}

Test(sendq, blob_references_held_until_acknowledged)
{
	struct tcp_sendq q;
	struct blob b;
	uint8_t out[200];

	released = 0;
	make_blob(&b);
	tcp_sendq_init(&q, pieces, NP, ring, RING);
	cr_assert_eq(tcp_sendq_copy(&q, "HDR", 3), 0);
	cr_assert_eq(tcp_sendq_blob(&q, &b, 4000, 100), 0);
	cr_assert_eq(b.refs, 2);
	cr_assert_eq(tcp_sendq_blob(&q, &b, 4100, 100), 0);
	cr_assert_eq(b.refs, 2, "a contiguous range extends the piece");
	cr_assert_eq(q.count, 2);
	read_queue(&q, 0, 200, out);
	cr_assert_arr_eq(out, "HDR", 3);
	for (int i = 0; i < 197; i++) {
		uint32_t c;

		cr_assert_eq(out[3 + i], *blob_ptr(&b, 4000 + i, &c));
	}
	tcp_sendq_ack(&q, 150);
	cr_assert_eq(b.refs, 2);
	tcp_sendq_ack(&q, 53);
	cr_assert_eq(b.refs, 1);
	cr_assert_eq(q.count, 0);
	cr_assert_eq(q.bytes, 0);
	cr_assert_eq(tcp_sendq_blob(&q, &b, 8000, 193), -EINVAL, "past the end of the blob");
}

Test(sendq, piece_limit)
{
	struct tcp_sendq q;
	struct blob b;

	make_blob(&b);
	tcp_sendq_init(&q, pieces, NP, ring, RING);
	for (int i = 0; i < NP / 2; i++) {
		cr_assert_eq(tcp_sendq_copy(&q, "x", 1), 0);
		cr_assert_eq(tcp_sendq_blob(&q, &b, 0, 10), 0);
	}
	cr_assert_eq(tcp_sendq_pieces_free(&q), 0);
	cr_assert_eq(tcp_sendq_copy_space(&q), 0, "no piece for a copy after a blob");
	cr_assert_eq(tcp_sendq_copy(&q, "x", 1), -ENOBUFS);
	cr_assert_eq(tcp_sendq_blob(&q, &b, 100, 10), -ENOBUFS);
	cr_assert_eq(tcp_sendq_blob(&q, &b, 10, 10), 0, "extends the last piece");
	tcp_sendq_release(&q);
	cr_assert_eq(b.refs, 1);
}

Test(sendq, seek_lands_inside_pieces)
{
	struct tcp_sendq q;
	struct tcp_sendq_iter it;
	struct tcp_slice sl;
	struct blob b;

	make_blob(&b);
	tcp_sendq_init(&q, pieces, NP, ring, RING);
	tcp_sendq_copy(&q, "abcdef", 6);
	tcp_sendq_blob(&q, &b, 100, 50);
	tcp_sendq_seek(&q, 10, &it);
	cr_assert_eq(tcp_sendq_next(&q, &it, 1000, &sl), 46);
	cr_assert_eq(sl.blob, &b);
	cr_assert_eq(sl.off, 104);
	cr_assert_eq(tcp_sendq_next(&q, &it, 1000, &sl), 0);
	tcp_sendq_release(&q);
}
