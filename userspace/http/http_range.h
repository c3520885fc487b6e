/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * http_range.h — byte ranges (RFC 9110 §14): parsing a Range field
 * against a representation of known size, Content-Range values, and the
 * pieces of a multipart/byteranges body.
 *
 * Called by the HTTP connection code after the preconditions passed and
 * http_if_range_matches() allowed the Range (GET only: RFC 9110 §14.2 says
 * to ignore Range for other methods, HEAD included). For one range it
 * sends a 206 whose body is that slice of the cached blob; for several it
 * either sends a 206 multipart/byteranges body made of the part heads
 * below (copied) and blob slices (by reference), or simply the whole 200.
 */
#ifndef XDPSERVE_HTTP_RANGE_H
#define XDPSERVE_HTTP_RANGE_H

#include <stddef.h>
#include <stdint.h>

/* Ranges honoured in one request; more are answered with the whole 200. */
#define HTTP_RANGES_MAX 8

struct http_byte_range {
	uint64_t first; /* inclusive */
	uint64_t last;	/* inclusive, < the representation size */
};

struct http_ranges {
	unsigned int n;
	struct http_byte_range r[HTTP_RANGES_MAX];
};

/*
 * Resolve the Range value `v` ("bytes=0-99,-500") for a representation
 * of `size` bytes. Returns:
 *   206: out->n >= 1 satisfiable ranges, in request order (n == 1: a
 *        single-part 206 with Content-Range; n > 1: multipart/byteranges);
 *        unsatisfiable ranges in a list with satisfiable ones are dropped;
 *   416: none is satisfiable: answer with "Content-Range: bytes *" "/size";
 *   200: ignore the Range and send everything: a unit other than bytes,
 *        a syntax error (the whole field is then invalid, §14.2), more
 *        than HTTP_RANGES_MAX ranges, overlapping ranges (§15.3.7.3 lets a
 *        server refuse those), or an empty representation asked for a
 *        suffix (a zero-length 206 cannot be expressed).
 * out->n is 0 unless 206. Numbers too large for 64 bits saturate (a huge
 * first-pos is simply unsatisfiable).
 */
int http_range_parse(const char *v, size_t len, uint64_t size, struct http_ranges *out);

/* "bytes " + 3 numbers + "-/" */
#define HTTP_CONTENT_RANGE_MAX (6 + 3 * 20 + 2 + 1)

/*
 * The Content-Range value: "bytes first-last/size", or "bytes *" then
 * "/size" when r is NULL (416). NUL-terminated; returns the length or -ENOSPC.
 */
int http_content_range_format(char *out, size_t size, const struct http_byte_range *r,
			      uint64_t total);

/* "xdpserve-" + 16 hex digits + NUL */
#define HTTP_BOUNDARY_MAX 26

/*
 * A multipart boundary derived from `seed` (say, a per-worker counter):
 * 25 characters that do not occur by chance in content. NUL-terminated;
 * returns the length.
 */
size_t http_multipart_boundary(char out[HTTP_BOUNDARY_MAX], uint64_t seed);

/*
 * "multipart/byteranges; boundary=<boundary>", the response's
 * Content-Type. Returns the length (NUL-terminated) or -ENOSPC.
 */
int http_multipart_content_type(char *out, size_t size, const char *boundary);

/*
 * The head of one part, written before the part's bytes:
 * "\r\n--B\r\nContent-Type: T\r\nContent-Range: bytes a-b/total\r\n\r\n"
 * (no Content-Type line when content_type is NULL). The body is: part
 * head, bytes, part head, bytes, ..., then the tail. Returns the length
 * (NUL-terminated) or -ENOSPC.
 */
int http_multipart_part_head(char *out, size_t size, const char *boundary, const char *content_type,
			     const struct http_byte_range *r, uint64_t total);

/* The closing delimiter "\r\n--B--\r\n". Returns the length or -ENOSPC. */
int http_multipart_tail(char *out, size_t size, const char *boundary);

/*
 * Content-Length of the whole multipart body the helpers above produce
 * for `rs`; -ENOSPC if a part head would exceed 512 bytes, -EOVERFLOW if the
 * body would be longer than INT64_MAX (only for a "file" near 2^63 bytes).
 */
int64_t http_multipart_length(const struct http_ranges *rs, const char *boundary,
			      const char *content_type, uint64_t total);

#endif /* XDPSERVE_HTTP_RANGE_H */
