// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests for net/checksum.c against a plain RFC 1071 reference. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/pkt.h"
#include "net/checksum.h"

/* The folded sum as big-endian bytes, independent of host order. */
static uint16_t wire(uint32_t partial)
{
	return ntohs(csum_fold(partial));
}

static void fill(uint8_t *p, size_t n, unsigned int seed)
{
	srand(seed);
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rand();
}

Test(checksum, matches_reference_for_every_length_and_alignment)
{
	uint8_t buf[600];

	fill(buf, sizeof(buf), 1);
	for (size_t start = 0; start < 9; start++)
		for (size_t len = 0; len + start <= sizeof(buf); len += 7)
			cr_assert_eq(wire(csum_partial(buf + start, len, 0)),
				     pkt_ref_sum(buf + start, len, 0), "start %zu len %zu", start,
				     len);
}

Test(checksum, all_ones_and_zero)
{
	uint8_t ff[64], zero[64];

	memset(ff, 0xff, sizeof(ff));
	memset(zero, 0, sizeof(zero));
	cr_assert_eq(wire(csum_partial(zero, sizeof(zero), 0)), 0);
	cr_assert_eq(wire(csum_partial(ff, sizeof(ff), 0)), 0xffff);
}

Test(checksum, blocks_at_odd_offsets_combine)
{
	uint8_t buf[1001];

	fill(buf, sizeof(buf), 2);
	for (size_t cut = 0; cut <= sizeof(buf); cut += 13) {
		uint32_t s = csum_partial(buf, cut, 0);

		s = csum_block_add(s, csum_partial(buf + cut, sizeof(buf) - cut, 0), cut);
		cr_assert_eq(wire(s), pkt_ref_sum(buf, sizeof(buf), 0), "cut %zu", cut);
	}
}

Test(checksum, subtraction_undoes_addition)
{
	uint8_t buf[256];

	fill(buf, sizeof(buf), 3);
	uint32_t whole = csum_partial(buf, sizeof(buf), 0);
	uint32_t head = csum_partial(buf, 100, 0);

	cr_assert_eq(csum_fold(csum_sub(whole, head)), csum_fold(csum_partial(buf + 100, 156, 0)));
}

Test(checksum, ipv4_header_known_value)
{
	/* RFC 1071-style example header; checksum field zeroed. */
	uint8_t h[20] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
			 0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
	uint16_t c = csum_ipv4_header(h, sizeof(h));

	memcpy(h + 10, &c, 2);
	cr_assert_eq(h[10], 0xb8);
	cr_assert_eq(h[11], 0x61);
	cr_assert_eq(csum_fold(csum_partial(h, sizeof(h), 0)), 0xffff);
}

Test(checksum, pseudo_headers_match_reference)
{
	uint8_t v4[12] = {198, 18, 0, 1, 198, 18, 0, 2, 0, 6, 0x05, 0xdc};
	uint8_t v6[40] = {0};

	cr_assert_eq(wire(csum_pseudo_v4(v4, v4 + 4, 6, 1500)), pkt_ref_sum(v4, sizeof(v4), 0));
	v6[0] = 0xfd;
	v6[15] = 1;
	v6[16] = 0xfd;
	v6[31] = 2;
	v6[34] = 0x05;
	v6[35] = 0xdc;
	v6[39] = 6;
	cr_assert_eq(wire(csum_pseudo_v6(v6, v6 + 16, 6, 1500)), pkt_ref_sum(v6, sizeof(v6), 0));
}

Test(checksum, carries_of_long_buffers_and_a_starting_sum)
{
	static uint8_t ff[4099];
	uint8_t buf[1500];

	/* All ones: every 64-bit add carries, in the 32-byte turns and after. */
	memset(ff, 0xff, sizeof(ff));
	for (size_t len = 0; len <= sizeof(ff); len += 61)
		cr_assert_eq(wire(csum_partial(ff, len, 0xffffffffu)),
			     pkt_ref_sum(ff, (uint32_t)len, 0xffffffffu), "len %zu", len);
	fill(buf, sizeof(buf), 4);
	for (size_t len = 0; len <= sizeof(buf); len += 33)
		cr_assert_eq(wire(csum_partial(buf, len, 0x89abcdefu)),
			     pkt_ref_sum(buf, (uint32_t)len, wire(0x89abcdefu)), "len %zu", len);
}

Test(checksum, ipv4_pseudo_header_of_any_addresses)
{
	uint8_t ph[12];

	fill(ph, sizeof(ph), 5);
	for (unsigned int i = 0; i < 1000; i++) {
		uint32_t len = (uint32_t)rand() & 0xffff;

		fill(ph, 8, i);
		if (i % 10 == 0)
			memset(ph, 0xff, 8); /* the largest words: carries out of 32 bits */
		ph[8] = 0;
		ph[9] = (uint8_t)i;
		ph[10] = (uint8_t)(len >> 8);
		ph[11] = (uint8_t)len;
		cr_assert_eq(wire(csum_pseudo_v4(ph, ph + 4, (uint8_t)i, len)),
			     pkt_ref_sum(ph, sizeof(ph), 0), "round %u", i);
	}
}
