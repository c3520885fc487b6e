// SPDX-License-Identifier: GPL-2.0-only
/*
 * blob.c — address, copy and checksum arithmetic over a blob's frames.
 * Called by the TCP output path for every segment that carries content and
 * by the cache when it finishes loading an object.
 */
#include "cache/blob.h"

#include "net/checksum.h"

#include <string.h>

static inline uint64_t frame_size(const struct blob *b)
{
	return (uint64_t)1 << b->frame_shift;
}

uint64_t blob_addr(const struct blob *b, uint64_t off, uint32_t *contig)
{
	uint64_t fs = frame_size(b);
	uint64_t in = off & (fs - 1);
	uint64_t left = fs - in;

	if (left > b->size - off)
		left = b->size - off;
	*contig = (uint32_t)left;
	return b->frames[off >> b->frame_shift] + in;
}

const uint8_t *blob_ptr(const struct blob *b, uint64_t off, uint32_t *contig)
{
	return b->umem + blob_addr(b, off, contig);
}

void blob_copy(const struct blob *b, uint64_t off, uint64_t len, void *dst)
{
	uint8_t *out = dst;

	while (len) {
		uint32_t n;
		const uint8_t *p = blob_ptr(b, off, &n);

		if (n > len)
			n = (uint32_t)len;
		memcpy(out, p, n);
		out += n;
		off += n;
		len -= n;
	}
}

/* Direct sum of [off, off + len), first byte at an even offset. */
static uint32_t blob_sum_direct(const struct blob *b, uint64_t off, uint64_t len)
{
	uint32_t sum = 0;
	uint64_t rel = 0;

	while (len) {
		uint32_t n;
		const uint8_t *p = blob_ptr(b, off, &n);

		if (n > len)
			n = (uint32_t)len;
		sum = csum_block_add(sum, csum_partial(p, n, 0), rel);
		rel += n;
		off += n;
		len -= n;
	}
	return sum;
}

void blob_csum_build(struct blob *b)
{
	uint32_t sum = 0;
	uint64_t off = 0;
	size_t i = 0;

	b->csum_prefix[i++] = 0;
	while (off + BLOB_CSUM_GRAIN <= b->size) {
		/* Grains are even-sized and start at even offsets: no swap needed. */
		sum = csum_add(sum, blob_sum_direct(b, off, BLOB_CSUM_GRAIN));
		sum = csum_fold(sum);
		b->csum_prefix[i++] = (uint16_t)sum;
		off += BLOB_CSUM_GRAIN;
	}
}

uint32_t blob_csum(const struct blob *b, uint64_t off, uint64_t len)
{
	uint64_t end = off + len;
	uint64_t lo = (off + BLOB_CSUM_GRAIN - 1) / BLOB_CSUM_GRAIN;
	uint64_t hi = end / BLOB_CSUM_GRAIN;
	uint32_t sum, mid;

	if (lo >= hi)
		return blob_sum_direct(b, off, len);

	/* [off, lo*G) directly, [lo*G, hi*G) from the table, [hi*G, end) directly. */
	sum = blob_sum_direct(b, off, lo * BLOB_CSUM_GRAIN - off);
	mid = csum_sub(b->csum_prefix[hi], b->csum_prefix[lo]);
	sum = csum_block_add(sum, mid, lo * BLOB_CSUM_GRAIN - off);
	sum = csum_block_add(sum,
			     blob_sum_direct(b, hi * BLOB_CSUM_GRAIN, end - hi * BLOB_CSUM_GRAIN),
			     hi * BLOB_CSUM_GRAIN - off);
	return sum;
}
