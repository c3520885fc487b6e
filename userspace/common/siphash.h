/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * siphash.h — SipHash, the keyed hash behind SYN cookies, timestamp offsets,
 * the connection hash table (so a peer cannot aim at one bucket) and the
 * HTTP ETag (so it does not reveal the inode).
 */
#ifndef XDPSERVE_SIPHASH_H
#define XDPSERVE_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

#define SIPHASH_KEY_LEN 16

/* SipHash-c-d of data[0..len) under a 128-bit key (2-4 is the standard one). */
uint64_t siphash(const uint8_t key[SIPHASH_KEY_LEN], const void *data, size_t len,
		 unsigned int c_rounds, unsigned int d_rounds);

/* The same as siphash(.., 2, 4) and siphash(.., 1, 3), with the rounds unrolled. */
uint64_t siphash24(const uint8_t key[SIPHASH_KEY_LEN], const void *data, size_t len);
/* The lighter SipHash-1-3, for hash-table buckets. */
uint64_t siphash13(const uint8_t key[SIPHASH_KEY_LEN], const void *data, size_t len);

#endif /* XDPSERVE_SIPHASH_H */
