/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * blob.h — an immutable byte string laid out in UMEM frames, with a
 * checksum prefix table: the unit of content the TCP output path sends by
 * reference.
 *
 * The cache builds one blob per cached object; the TCP send queue holds a
 * reference (blob_get/blob_put) for as long as any of its bytes are not yet
 * acknowledged. A blob's frames are read-only and may sit in many TX
 * descriptors of many connections at once; the frame table, not the blob,
 * counts those (see xsk/frame.h), and the cache frees a blob's frames only
 * when both counts are zero.
 *
 * Checksums (the technique of the seeds: precomputed checksums for shared
 * payloads): csum_prefix[i] is the folded RFC 1071 sum of bytes
 * [0, i * BLOB_CSUM_GRAIN), so the sum of any byte range costs one table
 * subtraction plus at most two partial grains summed directly, whatever
 * MSS and stream offset the segment has.
 */
#ifndef XDPSERVE_BLOB_H
#define XDPSERVE_BLOB_H

#include <stdint.h>
#include <stddef.h>

#define BLOB_CSUM_GRAIN 64u

struct blob;

struct blob_ops {
	/* The last reference went away; the owner (the cache) decides what to do. */
	void (*released)(struct blob *b);
};

struct blob {
	uint64_t size;		/* bytes */
	uint32_t frame_shift;	/* log2 of the frame size */
	uint32_t nframes;	/* frames holding the bytes: ceil(size / frame size) */
	uint8_t *umem;		/* base of the UMEM area; frame addresses are offsets */
	const uint64_t *frames; /* UMEM address of each frame, in byte order */
	uint16_t *csum_prefix;	/* blob_csum_entries(size) entries, see above */
	uint32_t refs;		/* holders; one worker only, so not atomic */
	const struct blob_ops *ops;
};

/* Entries the prefix table of a blob of `size` bytes needs. */
static inline size_t blob_csum_entries(uint64_t size)
{
	return (size_t)(size / BLOB_CSUM_GRAIN) + 1;
}

/* Fill b->csum_prefix (allocated by the caller) from the bytes in the frames. */
void blob_csum_build(struct blob *b);

/*
 * UMEM address of byte `off` (off < size); *contig gets how many bytes from
 * there stay inside the same frame (never past the end of the blob).
 */
uint64_t blob_addr(const struct blob *b, uint64_t off, uint32_t *contig);

/* The same byte as a pointer, for copying. */
const uint8_t *blob_ptr(const struct blob *b, uint64_t off, uint32_t *contig);

/*
 * Partial sum (checksum.h) of bytes [off, off + len), as if byte `off` sat
 * at an even offset. O(1) table work plus at most 2 * BLOB_CSUM_GRAIN bytes.
 */
uint32_t blob_csum(const struct blob *b, uint64_t off, uint64_t len);

/* Copy bytes [off, off + len) out of the frames into dst. */
void blob_copy(const struct blob *b, uint64_t off, uint64_t len, void *dst);

static inline void blob_get(struct blob *b)
{
	b->refs++;
}

static inline void blob_put(struct blob *b)
{
	if (--b->refs == 0 && b->ops && b->ops->released)
		b->ops->released(b);
}

#endif /* XDPSERVE_BLOB_H */
