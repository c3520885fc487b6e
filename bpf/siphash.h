/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * siphash.h — SipHash-2-4 for the XDP program, over whole 64-bit words.
 *
 * Stage: SYN answer (synack.h), for the SYN cookie's MAC and the timestamp
 * offset. It must give the same value as userspace/common/siphash.c bit for
 * bit (tests/bpf/test_synack.c checks it through the cookies). Written by
 * hand: BPF has no SipHash helper, and the messages here are fixed-size
 * structs of whole 8-byte words, so the byte-tail handling of the general
 * version reduces to the length byte in the last block. Words are loaded in
 * the host's order, which on the little-endian targets we run on is the
 * little-endian load SipHash specifies.
 */
#ifndef XDPSERVE_BPF_SIPHASH_H
#define XDPSERVE_BPF_SIPHASH_H

#include <linux/types.h>
#include <bpf/bpf_helpers.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "siphash.h loads message words natively: little-endian targets only"
#endif

struct siphash_state {
	__u64 v0, v1, v2, v3;
};

static __always_inline __u64 siphash_rotl(__u64 x, int b)
{
	return (x << b) | (x >> (64 - b));
}

static __always_inline void siphash_round(struct siphash_state *s)
{
	s->v0 += s->v1;
	s->v1 = siphash_rotl(s->v1, 13);
	s->v1 ^= s->v0;
	s->v0 = siphash_rotl(s->v0, 32);
	s->v2 += s->v3;
	s->v3 = siphash_rotl(s->v3, 16);
	s->v3 ^= s->v2;
	s->v0 += s->v3;
	s->v3 = siphash_rotl(s->v3, 21);
	s->v3 ^= s->v0;
	s->v2 += s->v1;
	s->v1 = siphash_rotl(s->v1, 17);
	s->v1 ^= s->v2;
	s->v2 = siphash_rotl(s->v2, 32);
}

static __always_inline void siphash_compress(struct siphash_state *s, __u64 m)
{
	s->v3 ^= m;
	siphash_round(s);
	siphash_round(s);
	s->v0 ^= m;
}

/*
 * SipHash-2-4 under key[0..1] (the 16 key bytes as two little-endian words)
 * of `nwords` 8-byte words: the same as siphash24(key, m, 8 * nwords).
 */
static __always_inline __u64 siphash24_words(const __u64 key[2], const __u64 *m, int nwords)
{
	struct siphash_state s = {
		.v0 = key[0] ^ 0x736f6d6570736575ull,
		.v1 = key[1] ^ 0x646f72616e646f6dull,
		.v2 = key[0] ^ 0x6c7967656e657261ull,
		.v3 = key[1] ^ 0x7465646279746573ull,
	};

#pragma unroll
	for (int i = 0; i < nwords; i++)
		siphash_compress(&s, m[i]);
	/* No tail bytes: the last block is only the length in its top byte. */
	siphash_compress(&s, (__u64)(8 * nwords) << 56);
	s.v2 ^= 0xff;
	siphash_round(&s);
	siphash_round(&s);
	siphash_round(&s);
	siphash_round(&s);
	return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

#endif /* XDPSERVE_BPF_SIPHASH_H */
