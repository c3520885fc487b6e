// SPDX-License-Identifier: GPL-2.0-only
/*
 * ipv6.c — IPv6 input checks and output headers. Called by eth.c on both
 * paths (eth_input -> ipv6_parse, eth_output -> ipv6_write).
 */
#include "net/ip.h"

#include <string.h>

static inline uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Multicast (ff00::/8) and the unspecified address are never a TCP endpoint. */
static bool ipv6_addr_bad(const uint8_t *a)
{
	static const uint8_t zero[16];

	return a[0] == 0xff || !memcmp(a, zero, 16);
}

int ipv6_parse(const uint8_t *p, uint32_t len, struct ip_info *ip)
{
	uint32_t plen;

	ip->drop = NET_DROP_MALFORMED;
	if (len < NET_IPV6_HLEN)
		return -2;
	if ((p[0] >> 4) != 6)
		return -1;
	plen = get_be16(p + 4);
	/* Zero means a jumbogram (hop-by-hop option): not supported here. */
	if (plen == 0) {
		ip->drop = NET_DROP_UNSUPPORTED;
		return -1;
	}
	if (plen > len - NET_IPV6_HLEN)
		return -2;
	/* Extension headers, fragments included, are not supported. */
	if (p[6] != NET_PROTO_TCP) {
		ip->drop = NET_DROP_UNSUPPORTED;
		return -1;
	}
	ip->saddr = p + 8;
	ip->daddr = p + 24;
	if (ipv6_addr_bad(ip->saddr) || ipv6_addr_bad(ip->daddr))
		return -1;
	ip->payload_len = plen;
	ip->drop = NET_OK;
	return NET_IPV6_HLEN;
}

uint32_t ipv6_write(uint8_t *buf, const uint8_t *saddr, const uint8_t *daddr, uint32_t payload_len)
{
	buf[0] = 0x60; /* version 6, traffic class 0, flow label 0 */
	buf[1] = buf[2] = buf[3] = 0;
	buf[4] = (uint8_t)(payload_len >> 8);
	buf[5] = (uint8_t)payload_len;
	buf[6] = NET_PROTO_TCP;
	buf[7] = NET_TTL;
	memcpy(buf + 8, saddr, 16);
	memcpy(buf + 24, daddr, 16);
	return NET_IPV6_HLEN;
}
