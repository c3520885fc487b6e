/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * checksum.h — the Internet checksum (RFC 1071) for IPv4 headers and TCP
 * over IPv4 and IPv6.
 *
 * Sums are kept as 32-bit partial sums in host-native word order (as the
 * Linux kernel does): summing native loads gives the byte-swapped sum on a
 * little-endian machine, and storing the folded result natively puts the
 * right bytes on the wire. A partial sum always treats the first byte of
 * its buffer as sitting at an even offset; a block that lands at an odd
 * offset of the segment is added with csum_block_add(), which swaps it.
 *
 * Written by hand: no well-kept library offers a user-space Internet
 * checksum with partial sums and byte-position handling.
 */
#ifndef XDPSERVE_CHECKSUM_H
#define XDPSERVE_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/* Sum of buf[0..len) added to `sum`; buf[0] counts as an even-offset byte. */
uint32_t csum_partial(const void *buf, size_t len, uint32_t sum);

/* Fold a partial sum to 16 bits (not inverted). */
static inline uint16_t csum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* Ones-complement addition of two partial sums. */
static inline uint32_t csum_add(uint32_t a, uint32_t b)
{
	uint32_t r = a + b;

	return r + (r < a);
}

/* Ones-complement subtraction: a - b. */
static inline uint32_t csum_sub(uint32_t a, uint32_t b)
{
	return csum_add(a, ~b);
}

/* The sum of the same bytes placed one byte further (RFC 1071 §2(B)). */
static inline uint32_t csum_swap(uint32_t sum)
{
	uint16_t s = csum_fold(sum);

	return (uint16_t)((s >> 8) | (s << 8));
}

/* Add a block's sum that starts at byte offset `offset` of the checksummed data. */
static inline uint32_t csum_block_add(uint32_t sum, uint32_t block, uint64_t offset)
{
	return csum_add(sum, (offset & 1) ? csum_swap(block) : block);
}

/* The value to store in a checksum field: the folded sum, inverted. */
static inline uint16_t csum_finish(uint32_t sum)
{
	return (uint16_t)~csum_fold(sum);
}

/* TCP pseudo-header sums; addresses in network order, `len` = TCP header + payload. */
uint32_t csum_pseudo_v4(const void *saddr4, const void *daddr4, uint8_t proto, uint32_t len);
uint32_t csum_pseudo_v6(const void *saddr16, const void *daddr16, uint8_t proto, uint32_t len);

/* Checksum field value of an IPv4 header of `len` bytes whose check field is zero. */
static inline uint16_t csum_ipv4_header(const void *iph, size_t len)
{
	return csum_finish(csum_partial(iph, len, 0));
}

#endif /* XDPSERVE_CHECKSUM_H */
