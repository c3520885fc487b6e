// SPDX-License-Identifier: GPL-2.0-only
/*
 * checksum.c — RFC 1071 sums. Called by the TCP/IP output path for headers
 * and copied bytes, by the input path to verify, and by blob.c to build the
 * per-object prefix tables.
 */
#include "net/checksum.h"

#include <arpa/inet.h>
#include <string.h>

/*
 * Hand-written because it runs over every header and copied byte: 64-bit
 * loads with the carries counted separately (an add and an add-with-carry
 * each), four per turn while 32 bytes remain.
 */
uint32_t csum_partial(const void *buf, size_t len, uint32_t sum)
{
	const uint8_t *p = buf;
	uint64_t acc = sum;
	uint64_t carry = 0;

	while (len >= 32) {
		uint64_t w0, w1, w2, w3;

		memcpy(&w0, p, 8);
		memcpy(&w1, p + 8, 8);
		memcpy(&w2, p + 16, 8);
		memcpy(&w3, p + 24, 8);
		acc += w0;
		carry += acc < w0;
		acc += w1;
		carry += acc < w1;
		acc += w2;
		carry += acc < w2;
		acc += w3;
		carry += acc < w3;
		p += 32;
		len -= 32;
	}
	while (len >= 8) {
		uint64_t w;

		memcpy(&w, p, 8);
		acc += w;
		carry += acc < w;
		p += 8;
		len -= 8;
	}
	if (len >= 4) {
		uint32_t w;

		memcpy(&w, p, 4);
		acc += w;
		carry += acc < w;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		uint16_t w;

		memcpy(&w, p, 2);
		acc += w;
		carry += acc < w;
		p += 2;
		len -= 2;
	}
	if (len) {
		/* A last odd byte is the first byte of a word padded with zero. */
		uint8_t pad[2] = {p[0], 0};
		uint16_t w;

		memcpy(&w, pad, 2);
		acc += w;
		carry += acc < w;
	}

	/* Fold 64 bits plus carries into 32 with end-around carry. */
	acc = (acc & 0xffffffffu) + (acc >> 32) + carry;
	acc = (acc & 0xffffffffu) + (acc >> 32);
	acc = (acc & 0xffffffffu) + (acc >> 32);
	return (uint32_t)acc;
}

uint32_t csum_pseudo_v4(const void *saddr4, const void *daddr4, uint8_t proto, uint32_t len)
{
	uint32_t sa, da;
	uint64_t s;

	/* Two 32-bit words in network order sum like their four 16-bit halves. */
	memcpy(&sa, saddr4, 4);
	memcpy(&da, daddr4, 4);
	s = (uint64_t)sa + da + htons(proto) + htons((uint16_t)len);
	return (uint32_t)((s & 0xffffffffu) + (s >> 32));
}

uint32_t csum_pseudo_v6(const void *saddr16, const void *daddr16, uint8_t proto, uint32_t len)
{
	uint32_t sum = csum_partial(saddr16, 16, 0);
	uint32_t be_len = htonl(len);
	uint32_t be_proto = htonl(proto);

	sum = csum_partial(daddr16, 16, sum);
	sum = csum_partial(&be_len, 4, sum);
	return csum_partial(&be_proto, 4, sum);
}
