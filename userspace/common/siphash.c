// SPDX-License-Identifier: GPL-2.0-only
/*
 * siphash.c — SipHash (Aumasson and Bernstein), written by hand from the
 * algorithm's description: no library on the target offers a keyed short-
 * input hash for user space (OpenSSL 3's SIPHASH needs the EVP_MAC layer
 * and allocates per call). Called by syncookie.c, the connection table
 * and the HTTP ETag.
 */
#include "common/siphash.h"

#include <endian.h>
#include <string.h>

static inline uint64_t rotl64(uint64_t x, unsigned int b)
{
	return (x << b) | (x >> (64 - b));
}

/* One load, not a byte loop: GCC does not merge the loop's bytes into a word. */
static inline uint64_t load_le64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return le64toh(v);
}

struct sip_state {
	uint64_t v0, v1, v2, v3;
};

static inline void sip_round(struct sip_state *s)
{
	s->v0 += s->v1;
	s->v1 = rotl64(s->v1, 13);
	s->v1 ^= s->v0;
	s->v0 = rotl64(s->v0, 32);
	s->v2 += s->v3;
	s->v3 = rotl64(s->v3, 16);
	s->v3 ^= s->v2;
	s->v0 += s->v3;
	s->v3 = rotl64(s->v3, 21);
	s->v3 ^= s->v0;
	s->v2 += s->v1;
	s->v1 = rotl64(s->v1, 17);
	s->v1 ^= s->v2;
	s->v2 = rotl64(s->v2, 32);
}

static inline void sip_compress(struct sip_state *s, uint64_t m, unsigned int rounds)
{
	s->v3 ^= m;
	for (unsigned int i = 0; i < rounds; i++)
		sip_round(s);
	s->v0 ^= m;
}

/*
 * Inlined into the fixed-round entries below so that the compiler unrolls
 * the rounds: the connection table hashes every segment with it.
 */
static inline __attribute__((always_inline)) uint64_t
siphash_body(const uint8_t key[SIPHASH_KEY_LEN], const void *data, size_t len,
	     unsigned int c_rounds, unsigned int d_rounds)
{
	const uint8_t *p = data;
	uint64_t k0 = load_le64(key), k1 = load_le64(key + 8);
	struct sip_state s = {
		.v0 = k0 ^ 0x736f6d6570736575ull,
		.v1 = k1 ^ 0x646f72616e646f6dull,
		.v2 = k0 ^ 0x6c7967656e657261ull,
		.v3 = k1 ^ 0x7465646279746573ull,
	};
	uint8_t tail[8] = {0};
	size_t left = len;

	for (; left >= 8; p += 8, left -= 8)
		sip_compress(&s, load_le64(p), c_rounds);
	memcpy(tail, p, left);
	tail[7] = (uint8_t)len;
	sip_compress(&s, load_le64(tail), c_rounds);

	s.v2 ^= 0xff;
	for (unsigned int i = 0; i < d_rounds; i++)
		sip_round(&s);
	return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

uint64_t siphash(const uint8_t key[SIPHASH_KEY_LEN], const void *data, size_t len,
		 unsigned int c_rounds, unsigned int d_rounds)
{
	return siphash_body(key, data, len, c_rounds, d_rounds);
}

uint64_t siphash24(const uint8_t key[SIPHASH_KEY_LEN], const void *data, size_t len)
{
	return siphash_body(key, data, len, 2, 4);
}

uint64_t siphash13(const uint8_t key[SIPHASH_KEY_LEN], const void *data, size_t len)
{
	return siphash_body(key, data, len, 1, 3);
}
