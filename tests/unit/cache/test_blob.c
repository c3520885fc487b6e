// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests for cache/blob.c: addressing across frames and range checksums. */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "cache/blob.h"
#include "helpers/pkt.h"
#include "net/checksum.h"

#define FRAME_SHIFT 12
#define FRAME_SIZE  (1u << FRAME_SHIFT)
#define NFRAMES	    8

static uint8_t umem[NFRAMES * FRAME_SIZE];
static uint8_t flat[NFRAMES * FRAME_SIZE];
static uint64_t frames[NFRAMES];
static uint16_t table[NFRAMES * FRAME_SIZE / BLOB_CSUM_GRAIN + 1];

/* Lay `size` random bytes into the frames in a scrambled frame order. */
static void make_blob(struct blob *b, uint64_t size)
{
	static const int order[NFRAMES] = {5, 2, 7, 0, 3, 6, 1, 4};

	srand(7);
	for (uint64_t i = 0; i < size; i++)
		flat[i] = (uint8_t)rand();
	memset(b, 0, sizeof(*b));
	b->size = size;
	b->frame_shift = FRAME_SHIFT;
	b->nframes = (uint32_t)((size + FRAME_SIZE - 1) / FRAME_SIZE);
	b->umem = umem;
	b->frames = frames;
	b->csum_prefix = table;
	for (uint32_t f = 0; f < b->nframes; f++) {
		frames[f] = (uint64_t)order[f] * FRAME_SIZE;
		memcpy(umem + frames[f], flat + (uint64_t)f * FRAME_SIZE,
		       size - f * FRAME_SIZE < FRAME_SIZE ? size - f * FRAME_SIZE : FRAME_SIZE);
	}
	blob_csum_build(b);
}

Test(blob, addr_and_contig_follow_frames)
{
	struct blob b;
	uint32_t contig;

	make_blob(&b, 3 * FRAME_SIZE + 100);
	cr_assert_eq(blob_addr(&b, 0, &contig), 5 * FRAME_SIZE);
	cr_assert_eq(contig, FRAME_SIZE);
	cr_assert_eq(blob_addr(&b, FRAME_SIZE + 10, &contig), 2 * FRAME_SIZE + 10);
	cr_assert_eq(contig, FRAME_SIZE - 10);
	cr_assert_eq(blob_addr(&b, 3 * FRAME_SIZE + 40, &contig), 0 * FRAME_SIZE + 40);
	cr_assert_eq(contig, 60, "the last frame stops at the blob's end");
}

Test(blob, copy_reassembles_bytes)
{
	struct blob b;
	uint8_t out[3 * FRAME_SIZE];

	make_blob(&b, 5 * FRAME_SIZE - 3);
	blob_copy(&b, FRAME_SIZE - 7, sizeof(out), out);
	cr_assert_arr_eq(out, flat + FRAME_SIZE - 7, sizeof(out));
}

Test(blob, range_checksums_match_reference)
{
	struct blob b;
	const uint64_t size = 6 * FRAME_SIZE + 333;
	static const uint64_t lens[] = {0,   1,	  2,	3,    63,   64,	  65,	127,  128, 129,
					535, 536, 1447, 1448, 1449, 4095, 4096, 8960, 9001};

	make_blob(&b, size);
	for (uint64_t off = 0; off < size; off += 251) {
		for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
			uint64_t len = lens[i];

			if (off + len > size)
				continue;
			cr_assert_eq(ntohs(csum_fold(blob_csum(&b, off, len))),
				     pkt_ref_sum(flat + off, len, 0), "off %lu len %lu",
				     (unsigned long)off, (unsigned long)len);
		}
	}
}

Test(blob, whole_blob_checksum_and_tail)
{
	struct blob b;

	for (uint64_t size = 1; size < 300; size += 37) {
		make_blob(&b, size);
		cr_assert_eq(ntohs(csum_fold(blob_csum(&b, 0, size))), pkt_ref_sum(flat, size, 0));
	}
}

static int released;
static void on_release(struct blob *b)
{
	released++;
}

Test(blob, last_put_calls_release)
{
	static const struct blob_ops ops = {.released = on_release};
	struct blob b;

	make_blob(&b, 10);
	b.ops = &ops;
	blob_get(&b);
	blob_get(&b);
	blob_put(&b);
	cr_assert_eq(released, 0);
	blob_put(&b);
	cr_assert_eq(released, 1);
}
