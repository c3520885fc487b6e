// SPDX-License-Identifier: GPL-2.0-only
/*
 * steer_ref.c — the reference classifier of steer_ref.h, used by
 * tests/bpf/test_steer.c.
 */
#include "steer_ref.h"

#include <stdbool.h>
#include <string.h>

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* IPv6 extension headers (IANA "IPv6 Extension Header Types"). */
static bool ipv6_is_extension(uint8_t nh)
{
	static const uint8_t ext[] = {0, 43, 44, 50, 51, 60, 135, 139, 140, 253, 254};

	return memchr(ext, nh, sizeof(ext)) != NULL;
}

/* Do the first `bits` bits of a and b agree? */
static bool prefix_match(const uint8_t *a, const uint8_t *b, uint32_t bits)
{
	uint32_t bytes = bits / 8, rest = bits % 8;

	if (memcmp(a, b, bytes))
		return false;
	return !rest || !((a[bytes] ^ b[bytes]) & (uint8_t)(0xff << (8 - rest)));
}

static bool served(const struct xdpserve_endpoint_key *keys, size_t nkeys, uint8_t family,
		   const uint8_t *addr, const uint8_t *port)
{
	for (size_t i = 0; i < nkeys; i++) {
		const struct xdpserve_endpoint_key *k = &keys[i];

		if (k->family == family && !memcmp(&k->port, port, 2) &&
		    prefix_match(k->addr, addr, k->prefixlen - XDPSERVE_ENDPOINT_FIXED_BITS))
			return true;
	}
	return false;
}

enum xdpserve_stat steer_ref_classify(const uint8_t *f, size_t len,
				      const struct xdpserve_endpoint_key *keys, size_t nkeys)
{
	size_t off = 14, hl;
	uint16_t type;
	const uint8_t *daddr;
	uint8_t family;

	if (len < 14)
		return XDPSERVE_STAT_PASS_MALFORMED;
	type = be16(f + 12);
	if (type == 0x8100) {
		if (len < 18)
			return XDPSERVE_STAT_PASS_MALFORMED;
		type = be16(f + 16);
		off = 18;
	}
	if (type == 0x0800) {
		if (len - off < 20 || f[off] >> 4 != 4)
			return XDPSERVE_STAT_PASS_MALFORMED;
		hl = (size_t)(f[off] & 0xf) * 4;
		if (hl < 20 || len - off < hl)
			return XDPSERVE_STAT_PASS_MALFORMED;
		if (f[off + 9] != 6)
			return XDPSERVE_STAT_PASS_NOT_TCP;
		if (be16(f + off + 6) & 0x3fff) /* MF or an offset */
			return XDPSERVE_STAT_PASS_FRAGMENT;
		family = XDPSERVE_FAMILY_INET;
		daddr = f + off + 16;
	} else if (type == 0x86dd) {
		if (len - off < 40 || f[off] >> 4 != 6)
			return XDPSERVE_STAT_PASS_MALFORMED;
		if (f[off + 6] != 6)
			return ipv6_is_extension(f[off + 6]) ? XDPSERVE_STAT_PASS_IPV6_EXTHDR
							     : XDPSERVE_STAT_PASS_NOT_TCP;
		hl = 40;
		family = XDPSERVE_FAMILY_INET6;
		daddr = f + off + 24;
	} else {
		return XDPSERVE_STAT_PASS_NOT_IP;
	}
	off += hl;
	if (len - off < 20 || (size_t)(f[off + 12] >> 4) * 4 < 20 ||
	    len - off < (size_t)(f[off + 12] >> 4) * 4)
		return XDPSERVE_STAT_PASS_MALFORMED;
	return served(keys, nkeys, family, daddr, f + off + 2) ? XDPSERVE_STAT_REDIRECT_FAILED
							       : XDPSERVE_STAT_PASS_NOT_SERVED;
}
