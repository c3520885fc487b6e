// SPDX-License-Identifier: GPL-2.0-only
/*
 * frames.c — builds the crafted frames described by struct frame_spec for
 * tests/bpf/test_steer.c. Written by hand: a few dozen lines of header
 * layout, and the tests need frames no well-formed packet library emits
 * (IHL 4, data offset past the end, cuts at every header boundary).
 */
#include "frames.h"

#include <arpa/inet.h>
#include <string.h>

#define ETH_ALEN_   6
#define ETH_P_IP_   0x0800
#define ETH_P_ARP_  0x0806
#define ETH_P_IPV6_ 0x86dd

static size_t put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return 2;
}

static size_t put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
	return 4;
}

/*
 * ICMP "fragmentation needed" / ICMPv6 "packet too big" (ptb 1), or the
 * same type with another code (ptb 2), quoting an IP header from dst and 8
 * bytes of TCP from dport.
 */
static size_t frame_ptb(const struct frame_spec *spec, int v6, uint8_t *p)
{
	uint8_t *in = p + 8;
	size_t n;

	memset(p, 0, 8);
	if (v6) {
		p[0] = spec->ptb == 1 ? 2 : 1; /* too big, or destination unreachable */
		put32(p + 4, 1280);
		memset(in, 0, 40);
		in[0] = 0x60;
		put16(in + 4, 20);
		in[6] = 6;
		in[7] = 64;
		inet_pton(AF_INET6, spec->dst, in + 8);
		inet_pton(AF_INET6, "fd00::2", in + 24);
		n = 40;
	} else {
		p[0] = 3;
		p[1] = spec->ptb == 1 ? 4 : 1;
		put16(p + 6, 1280);
		memset(in, 0, 20);
		in[0] = 0x45;
		put16(in + 2, 1500);
		in[8] = 64;
		in[9] = 6;
		inet_pton(AF_INET, spec->dst, in + 12);
		inet_pton(AF_INET, "198.18.0.2", in + 16);
		n = 20;
	}
	put16(in + n, spec->dport);
	put16(in + n + 2, 40000);
	put32(in + n + 4, 12345);
	return 8 + n + 8;
}

/* ICMP/ICMPv6 echo or UDP: 8 bytes, then the payload. */
static size_t frame_l4_short(const struct frame_spec *spec, int v6, uint8_t *p)
{
	memset(p, 0, 8);
	if (spec->l4 == FRAME_L4_UDP) {
		put16(p, 40000);
		put16(p + 2, spec->dport);
		put16(p + 4, (uint16_t)(8 + spec->payload));
	} else {
		p[0] = v6 ? 128 : 8; /* echo request */
	}
	memset(p + 8, 'x', spec->payload);
	return 8 + (size_t)spec->payload;
}

/* TCP header with its option bytes and payload; *opts_at is the options' offset. */
static size_t frame_tcp(const struct frame_spec *spec, uint8_t *p)
{
	uint8_t doff = spec->doff ? spec->doff : 5;

	memset(p, 0, 20);
	put16(p, 40000);
	put16(p + 2, spec->dport);
	put32(p + 4, 1000);
	put32(p + 8, spec->tcp_flags & 0x10 ? 2000 : 0);
	p[12] = (uint8_t)(doff << 4);
	p[13] = spec->tcp_flags;
	put16(p + 14, 65535);
	memset(p + 20, 1, spec->tcp_optlen); /* NOP options */
	memset(p + 20 + spec->tcp_optlen, 'y', spec->payload);
	return 20 + (size_t)spec->tcp_optlen + spec->payload;
}

static uint8_t frame_l4_proto(const struct frame_spec *spec, int v6)
{
	switch (spec->l4) {
	case FRAME_L4_TCP:
		return 6;
	case FRAME_L4_UDP:
		return 17;
	case FRAME_L4_ICMP:
		return v6 ? 58 : 1;
	default:
		return 59;
	}
}

static size_t frame_l4(const struct frame_spec *spec, int v6, uint8_t *p)
{
	if (spec->l4 == FRAME_L4_ICMP && spec->ptb)
		return frame_ptb(spec, v6, p);
	if (spec->l4 == FRAME_L4_TCP)
		return frame_tcp(spec, p);
	if (spec->l4 == FRAME_L4_NONE)
		return 0;
	return frame_l4_short(spec, v6, p);
}

/* Start a header of type `type` at p, linked from *link; returns where its link is. */
static uint8_t *frame_v6_link(uint8_t *link, uint8_t type, uint8_t *p)
{
	*link = type;
	return p;
}

/*
 * The IPv6 extension headers of spec at p, the fixed header's next-header
 * field at *link; returns their length. Options are all padding (zeros:
 * Pad1), which every parser accepts.
 */
static size_t frame_v6_ext(const struct frame_spec *spec, uint8_t *link, uint8_t *p)
{
	size_t off = 0, hlen;
	int n = spec->v6_ext_n ? spec->v6_ext_n : 1;

	for (int i = 0; spec->has_v6_ext && i < n; i++) {
		hlen = spec->v6_ext == 44 ? 8 : 8 * (1 + (size_t)spec->v6_ext_len);
		memset(p + off, 0, hlen);
		link = frame_v6_link(link, spec->v6_ext, p + off);
		if (spec->v6_ext != 44)
			p[off + 1] = spec->v6_ext_len;
		off += hlen;
	}
	if (spec->v6_dst_after) {
		memset(p + off, 0, 8);
		link = frame_v6_link(link, 60, p + off);
		off += 8;
	}
	if (spec->v6_frag_hdr) {
		memset(p + off, 0, 8);
		link = frame_v6_link(link, 44, p + off);
		put16(p + off + 2, spec->v6_frag);
		off += 8;
	}
	*link = frame_l4_proto(spec, 1);
	return off;
}

size_t frame_build(const struct frame_spec *spec, uint8_t *buf)
{
	static const uint8_t dmac[3][ETH_ALEN_] = {{0x02, 0, 0, 0, 0, 0x01},
						   {0x02, 0, 0, 0, 0, 0x09},
						   {0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};
	static const uint8_t smac[ETH_ALEN_] = {0x02, 0, 0, 0, 0, 0x02};
	size_t off = 0, l3 = 0, l4 = 0, l3_hlen = 0, len;
	uint8_t *ip;

	memset(buf, 0, FRAME_MAX);
	memcpy(buf, dmac[spec->other_mac % 3], ETH_ALEN_);
	memcpy(buf + ETH_ALEN_, smac, ETH_ALEN_);
	off = 2 * ETH_ALEN_;
	if (spec->vlan_outer) {
		off += put16(buf + off, spec->vlan_outer);
		off += put16(buf + off, 100); /* VLAN id */
	}
	if (spec->vlan_inner) {
		off += put16(buf + off, spec->vlan_inner);
		off += put16(buf + off, 200);
	}
	off += put16(buf + off, spec->ethertype);
	l3 = off;

	if (spec->ethertype == ETH_P_IP_) {
		uint8_t ihl = spec->ihl ? spec->ihl : 5;
		size_t opts = ihl > 5 ? (size_t)(ihl - 5) * 4 : 0;

		ip = buf + l3;
		ip[0] = (uint8_t)((spec->ip_version ? spec->ip_version : 4) << 4 | ihl);
		put16(ip + 4, 0x1234);
		put16(ip + 6, spec->frag);
		ip[8] = 64;
		ip[9] = frame_l4_proto(spec, 0);
		inet_pton(AF_INET, "198.18.0.2", ip + 12);
		inet_pton(AF_INET, spec->dst, ip + 16);
		memset(ip + 20, 1, opts); /* NOP options */
		l3_hlen = 20 + opts;
		l4 = l3 + l3_hlen;
		len = l4 + frame_l4(spec, 0, buf + l4);
		put16(ip + 2, (uint16_t)(len - l3));
	} else if (spec->ethertype == ETH_P_IPV6_) {
		ip = buf + l3;
		ip[0] = (uint8_t)((spec->ip_version ? spec->ip_version : 6) << 4);
		ip[7] = 64;
		inet_pton(AF_INET6, "fd00::2", ip + 8);
		inet_pton(AF_INET6, spec->dst, ip + 24);
		l3_hlen = 40 + frame_v6_ext(spec, ip + 6, ip + 40);
		l4 = l3 + l3_hlen;
		len = l4 + frame_l4(spec, 1, buf + l4);
		put16(ip + 4, (uint16_t)(len - l3 - 40));
	} else if (spec->ethertype == ETH_P_ARP_) {
		uint8_t *arp = buf + l3;

		put16(arp, 1); /* Ethernet */
		put16(arp + 2, ETH_P_IP_);
		arp[4] = 6;
		arp[5] = 4;
		put16(arp + 6, 1); /* request */
		memcpy(arp + 8, smac, ETH_ALEN_);
		inet_pton(AF_INET, "198.18.0.2", arp + 14);
		inet_pton(AF_INET, "198.18.0.1", arp + 24);
		len = l3 + 28;
	} else {
		memset(buf + l3, 0xab, 46);
		len = l3 + 46;
	}

	switch (spec->cut) {
	case FRAME_CUT_IN_ETH:
		return 13;
	case FRAME_CUT_IN_VLAN:
		return 2 * ETH_ALEN_ + 4 + 1; /* the tag's EtherType half missing */
	case FRAME_CUT_IN_L3:
		return l3 + (spec->ethertype == ETH_P_IPV6_ ? 39 : 19);
	case FRAME_CUT_IN_L3_OPTS:
		return l3 + 21;
	case FRAME_CUT_IN_TCP:
		return l4 + 19;
	case FRAME_CUT_IN_TCP_OPTS:
		return l4 + 21;
	case FRAME_CUT_ZERO:
		return 0;
	case FRAME_CUT_ONE:
		return 1;
	default:
		return len;
	}
}
