// SPDX-License-Identifier: GPL-2.0-only
/*
 * ipv4.c — IPv4 input checks and output headers. Called by eth.c on both
 * paths (eth_input -> ipv4_parse, eth_output -> ipv4_write).
 */
#include "net/ip.h"

#include <string.h>

#include "net/checksum.h"

#define IPV4_DF	       0x4000
#define IPV4_MF	       0x2000
#define IPV4_FRAG_MASK 0x1fff

static inline uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Multicast (224/4), limited broadcast and 0.0.0.0 are never a TCP endpoint. */
static bool ipv4_addr_bad(const uint8_t *a)
{
	static const uint8_t zero[4], bcast[4] = {255, 255, 255, 255};

	return (a[0] & 0xf0) == 0xe0 || !memcmp(a, zero, 4) || !memcmp(a, bcast, 4);
}

int ipv4_parse(const uint8_t *p, uint32_t len, struct ip_info *ip)
{
	uint32_t hl, tot;
	uint16_t frag;

	ip->drop = NET_DROP_MALFORMED;
	if (len < NET_IPV4_HLEN)
		return -2;
	if ((p[0] >> 4) != 4)
		return -1;
	hl = (uint32_t)(p[0] & 0xf) * 4;
	if (hl < NET_IPV4_HLEN)
		return -1;
	if (hl > len)
		return -2;
	tot = get_be16(p + 2);
	/* Bytes past the total length are Ethernet padding and ignored. */
	if (tot < hl)
		return -1;
	if (tot > len)
		return -2;
	if (csum_fold(csum_partial(p, hl, 0)) != 0xffff) {
		ip->drop = NET_DROP_CSUM;
		return -1;
	}
	frag = get_be16(p + 6);
	if (frag & (IPV4_MF | IPV4_FRAG_MASK)) {
		ip->drop = NET_DROP_UNSUPPORTED;
		return -1;
	}
	if (p[9] != NET_PROTO_TCP && p[9] != NET_PROTO_ICMP) {
		ip->drop = NET_DROP_UNSUPPORTED;
		return -1;
	}
	ip->saddr = p + 12;
	ip->daddr = p + 16;
	if (ipv4_addr_bad(ip->saddr) || ipv4_addr_bad(ip->daddr))
		return -1;
	ip->payload_len = tot - hl;
	ip->proto = p[9];
	ip->drop = NET_OK;
	return (int)hl;
}

uint32_t ipv4_write(uint8_t *buf, const uint8_t *saddr, const uint8_t *daddr, uint32_t payload_len,
		    uint16_t id)
{
	uint16_t check;

	buf[0] = 0x45;
	buf[1] = 0; /* DSCP/ECN: not ECN-capable */
	put_be16(buf + 2, (uint16_t)(NET_IPV4_HLEN + payload_len));
	put_be16(buf + 4, id);
	put_be16(buf + 6, IPV4_DF);
	buf[8] = NET_TTL;
	buf[9] = NET_PROTO_TCP;
	buf[10] = buf[11] = 0;
	memcpy(buf + 12, saddr, 4);
	memcpy(buf + 16, daddr, 4);
	/* Stored natively: the folded native-order sum is already wire order. */
	check = csum_ipv4_header(buf, NET_IPV4_HLEN);
	memcpy(buf + 10, &check, 2);
	return NET_IPV4_HLEN;
}

/* ICMP "fragmentation needed" quoting an IPv4 TCP segment (RFC 1191). */
enum net_drop ipv4_ptb_parse(const uint8_t *p, uint32_t len, const struct ip_info *ip,
			     struct net_rx *rx)
{
	const uint8_t *in = p + 8;
	uint32_t ihl;

	if (len < 8 + NET_IPV4_HLEN + 8)
		return NET_DROP_MALFORMED;
	if (csum_fold(csum_partial(p, len, 0)) != 0xffff)
		return NET_DROP_CSUM;
	if (p[0] != 3 || p[1] != 4)
		return NET_DROP_UNSUPPORTED;
	ihl = (uint32_t)(in[0] & 0xf) * 4;
	if ((in[0] >> 4) != 4 || ihl < NET_IPV4_HLEN || len < 8 + ihl + 8)
		return NET_DROP_MALFORMED;
	if (in[9] != NET_PROTO_TCP || memcmp(in + 12, ip->daddr, 4) || ipv4_addr_bad(in + 16))
		return NET_DROP_UNSUPPORTED;
	memset(rx->path.local_addr, 0, sizeof(rx->path.local_addr));
	memset(rx->path.remote_addr, 0, sizeof(rx->path.remote_addr));
	memcpy(rx->path.local_addr, in + 12, 4);
	memcpy(rx->path.remote_addr, in + 16, 4);
	rx->ptb_mtu = get_be16(p + 6);
	rx->l4 = in + ihl;
	rx->l4_len = len - 8 - ihl;
	return NET_OK;
}
