// SPDX-License-Identifier: GPL-2.0-only
/*
 * ipv6.c — IPv6 input checks (extension headers walked) and output headers
 * (never with extension headers). Called by eth.c on both paths
 * (eth_input -> ipv6_parse / ipv6_ptb_parse, eth_output -> ipv6_write).
 */
#include "net/ip.h"

#include <string.h>

#include "net/checksum.h"

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

#define IPV6_HOPOPTS  0
#define IPV6_FRAGMENT 44
#define IPV6_DSTOPTS  60

/*
 * Walk the extension headers of a packet with payload q[0..plen):
 * hop-by-hop (first only, RFC 8200 §4.1), destination options, and a
 * fragment header that is an atomic fragment (offset 0, M clear, RFC 6946).
 * Returns their length and sets *nh to the upper layer, or -1 (ip->drop).
 */
static int ipv6_ext_walk(const uint8_t *q, uint32_t plen, uint8_t *nh, struct ip_info *ip)
{
	uint32_t off = 0, hlen;

	for (int i = 0; i < NET_IPV6_MAX_EXT; i++) {
		if (*nh != IPV6_DSTOPTS && *nh != IPV6_FRAGMENT && (*nh != IPV6_HOPOPTS || i))
			break;
		if (plen - off < 8) {
			ip->drop = NET_DROP_MALFORMED;
			return -1;
		}
		hlen = *nh == IPV6_FRAGMENT ? 8 : ((uint32_t)q[off + 1] + 1) * 8;
		/* A real fragment (an offset or M): reassembly is not ours to do. */
		if (*nh == IPV6_FRAGMENT && (get_be16(q + off + 2) & 0xfff9))
			return -1;
		if (hlen > plen - off || off + hlen > NET_IPV6_EXT_MAX) {
			ip->drop = hlen > plen - off ? NET_DROP_MALFORMED : NET_DROP_UNSUPPORTED;
			return -1;
		}
		*nh = q[off];
		off += hlen;
	}
	return (int)off;
}

int ipv6_parse(const uint8_t *p, uint32_t len, struct ip_info *ip)
{
	uint32_t plen;
	uint8_t nh;
	int ext;

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
	nh = p[6];
	ip->drop = NET_DROP_UNSUPPORTED;
	ext = ipv6_ext_walk(p + NET_IPV6_HLEN, plen, &nh, ip);
	if (ext < 0)
		return -1;
	/* Anything else before the upper layer (routing, more headers) is not supported. */
	if (nh != NET_PROTO_TCP && nh != NET_PROTO_ICMPV6) {
		ip->drop = NET_DROP_UNSUPPORTED;
		return -1;
	}
	ip->drop = NET_DROP_MALFORMED;
	ip->saddr = p + 8;
	ip->daddr = p + 24;
	if (ipv6_addr_bad(ip->saddr) || ipv6_addr_bad(ip->daddr))
		return -1;
	ip->payload_len = plen - (uint32_t)ext;
	ip->proto = nh;
	ip->drop = NET_OK;
	return NET_IPV6_HLEN + ext;
}

/* ICMPv6 "packet too big" quoting an IPv6 TCP segment (RFC 8201, RFC 4443 §3.2). */
enum net_drop ipv6_ptb_parse(const uint8_t *p, uint32_t len, const struct ip_info *ip,
			     struct net_rx *rx)
{
	const uint8_t *in = p + 8;
	uint32_t sum = csum_pseudo_v6(ip->saddr, ip->daddr, NET_PROTO_ICMPV6, len);

	if (len < 8 + NET_IPV6_HLEN + 8)
		return NET_DROP_MALFORMED;
	if (csum_fold(csum_partial(p, len, sum)) != 0xffff)
		return NET_DROP_CSUM;
	if (p[0] != 2 || p[1] != 0)
		return NET_DROP_UNSUPPORTED;
	if ((in[0] >> 4) != 6 || in[6] != NET_PROTO_TCP || memcmp(in + 8, ip->daddr, 16) ||
	    ipv6_addr_bad(in + 24))
		return NET_DROP_UNSUPPORTED;
	memcpy(rx->path.local_addr, in + 8, 16);
	memcpy(rx->path.remote_addr, in + 24, 16);
	rx->ptb_mtu = (uint32_t)get_be16(p + 4) << 16 | get_be16(p + 6);
	rx->l4 = in + NET_IPV6_HLEN;
	rx->l4_len = len - 8 - NET_IPV6_HLEN;
	return NET_OK;
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
