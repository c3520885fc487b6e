/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * parse.h — bounds-checked header cursor for the XDP steering program.
 *
 * Stage: packet parsing, called only by xdpserve_steer() in xdpserve.bpf.c.
 * Every header read goes through cursor_pull(), which hands out a pointer to
 * `len` bytes only after checking them against the end of the packet, so the
 * verifier sees a range check before each access. The helpers return the
 * header they consumed, or NULL when the packet is too short for it; they
 * never write to the packet.
 *
 * Written by hand because the checks are a few lines and the verifier wants
 * them inline where the pointer is used; the shape follows the usual
 * "cursor + protocol step" pattern of XDP parsers.
 */
#ifndef XDPSERVE_BPF_PARSE_H
#define XDPSERVE_BPF_PARSE_H

#include <linux/types.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/* Position in the packet: [pos, end) is what is left to parse. */
struct cursor {
	void *pos;
	void *end;
};

/* An 802.1Q tag as it sits between the MAC addresses and the EtherType. */
struct vlan_tag {
	__be16 tci;
	__be16 proto; /* EtherType of what follows */
};

#define PARSE_IPV4_MIN_HLEN 20
#define PARSE_IPV4_MAX_HLEN 60
#define PARSE_TCP_MIN_HLEN  20
#define PARSE_TCP_MAX_HLEN  60
#define PARSE_IP_MF	    0x2000 /* more fragments, in host order of frag_off */
#define PARSE_IP_OFFSET	    0x1fff /* fragment offset, in 8-byte units */
#define PARSE_IPV6_MAX_EXT  4	   /* extension headers walked before TCP */
#define PARSE_IPV6_EXT_MAX  512	   /* ... and at most this many bytes of them */
#define PARSE_IP6_OFFSET    0xfff8 /* fragment header: offset bits of its third word */
#define PARSE_IP6_MF	    0x0001 /* fragment header: more fragments */

#define PARSE_ICMP_DEST_UNREACH 3
#define PARSE_ICMP_FRAG_NEEDED	4
#define PARSE_ICMPV6_PKT_TOOBIG 2

/* The first 8 bytes of an ICMP or ICMPv6 message. */
struct parse_icmp_hdr {
	__u8 type;
	__u8 code;
	__be16 checksum;
	__be32 rest; /* ICMP: unused + next-hop MTU; ICMPv6 PTB: the MTU */
};

/* The start of a quoted TCP header: what an ICMP error carries at least. */
struct parse_tcp_ports {
	__be16 source;
	__be16 dest;
	__be32 seq;
};

/* What parse_ipv6_ext() found after the extension headers. */
enum parse_ext {
	PARSE_EXT_OK = 0,     /* *nexthdr is the upper-layer protocol */
	PARSE_EXT_FIRST_FRAG, /* the same, in a first fragment */
	PARSE_EXT_LATER_FRAG, /* a later fragment: no upper-layer header here */
	PARSE_EXT_UNWALKED,   /* a header we do not walk, or more than the bound */
	PARSE_EXT_MALFORMED,  /* truncated */
};

/* The 8 bytes of an IPv6 fragment header. */
struct ipv6_frag_hdr {
	__u8 nexthdr;
	__u8 reserved;
	__be16 off_m; /* offset << 3 | M */
	__be32 id;
};

static __always_inline void cursor_init(struct cursor *c, struct xdp_md *ctx)
{
	c->pos = (void *)(long)ctx->data;
	c->end = (void *)(long)ctx->data_end;
}

/* Consume `len` bytes; NULL (and the cursor unchanged) if fewer are left. */
static __always_inline void *cursor_pull(struct cursor *c, __u32 len)
{
	void *p = c->pos;

	if (p + len > c->end)
		return NULL;
	c->pos = p + len;
	return p;
}

/*
 * Ethernet header plus at most one 802.1Q tag. On success *proto is the
 * EtherType of the payload (network order); a second tag is left for the
 * caller to see as an EtherType it does not handle.
 */
static __always_inline struct ethhdr *parse_ethhdr(struct cursor *c, __be16 *proto)
{
	struct ethhdr *eth = cursor_pull(c, sizeof(*eth));
	struct vlan_tag *tag;

	if (!eth)
		return NULL;
	*proto = eth->h_proto;
	if (*proto == bpf_htons(ETH_P_8021Q)) {
		tag = cursor_pull(c, sizeof(*tag));
		if (!tag)
			return NULL;
		*proto = tag->proto;
	}
	return eth;
}

/*
 * IPv4 header with its options. NULL when truncated, when the version is
 * not 4 or when IHL < 5; the caller checks fragments and the protocol.
 */
static __always_inline struct iphdr *parse_iphdr(struct cursor *c)
{
	struct iphdr *ip = cursor_pull(c, PARSE_IPV4_MIN_HLEN);
	__u32 hlen;

	if (!ip || ip->version != 4)
		return NULL;
	hlen = ip->ihl * 4;
	if (hlen < PARSE_IPV4_MIN_HLEN)
		return NULL;
	/* Options: hlen - 20 is at most 40, which bounds the pull for the verifier. */
	if (hlen > PARSE_IPV4_MIN_HLEN && !cursor_pull(c, hlen - PARSE_IPV4_MIN_HLEN))
		return NULL;
	return ip;
}

/* True for a first or later IPv4 fragment. */
static __always_inline int parse_ipv4_is_fragment(const struct iphdr *ip)
{
	return (ip->frag_off & bpf_htons(PARSE_IP_MF | PARSE_IP_OFFSET)) != 0;
}

/* IPv6 fixed header; NULL when truncated or the version is not 6. */
static __always_inline struct ipv6hdr *parse_ipv6hdr(struct cursor *c)
{
	struct ipv6hdr *ip6 = cursor_pull(c, sizeof(*ip6));

	if (!ip6 || ip6->version != 6)
		return NULL;
	return ip6;
}

/*
 * True when `nexthdr` is an IPv6 extension header (RFC 8200 section 4 and
 * the IANA "IPv6 Extension Header Types" registry), i.e. something that may
 * stand between the fixed header and TCP.
 */
static __always_inline int parse_ipv6_is_exthdr(__u8 nexthdr)
{
	switch (nexthdr) {
	case 0:	  /* hop-by-hop options */
	case 43:  /* routing */
	case 44:  /* fragment */
	case 50:  /* ESP */
	case 51:  /* AH */
	case 60:  /* destination options */
	case 135: /* mobility */
	case 139: /* HIP */
	case 140: /* shim6 */
	case 253: /* experimental */
	case 254: /* experimental */
		return 1;
	default:
		return 0;
	}
}

/* One hop-by-hop or destination-options header; 0 or a parse_ext failure. */
static __always_inline int parse_ipv6_opts_hdr(struct cursor *c, __u8 *nexthdr, __u32 *bytes)
{
	__u8 *h = cursor_pull(c, 2);
	__u32 len;

	if (!h)
		return PARSE_EXT_MALFORMED;
	len = ((__u32)h[1] + 1) * 8;
	*bytes += len;
	if (*bytes > PARSE_IPV6_EXT_MAX)
		return PARSE_EXT_UNWALKED;
	*nexthdr = h[0];
	/* len - 2 is at most 2046: a bounded pull the verifier accepts. */
	return cursor_pull(c, len - 2) ? 0 : PARSE_EXT_MALFORMED;
}

/*
 * Walk the IPv6 extension headers before the upper layer: hop-by-hop
 * (first only, RFC 8200 section 4.1), destination options and a fragment
 * header, at most PARSE_IPV6_MAX_EXT of them and PARSE_IPV6_EXT_MAX bytes.
 * *nexthdr starts as the fixed header's and ends as the upper layer's.
 */
static __always_inline int parse_ipv6_ext(struct cursor *c, __u8 *nexthdr)
{
	struct ipv6_frag_hdr *fh;
	int ret = PARSE_EXT_OK, err;
	__u32 bytes = 0;

#pragma unroll
	for (int i = 0; i < PARSE_IPV6_MAX_EXT; i++) {
		if (*nexthdr == 0 && i == 0) {
			err = parse_ipv6_opts_hdr(c, nexthdr, &bytes);
		} else if (*nexthdr == 60) {
			err = parse_ipv6_opts_hdr(c, nexthdr, &bytes);
		} else if (*nexthdr == 44 && ret == PARSE_EXT_OK) {
			fh = cursor_pull(c, sizeof(*fh));
			if (!fh)
				return PARSE_EXT_MALFORMED;
			bytes += sizeof(*fh);
			if (fh->off_m & bpf_htons(PARSE_IP6_OFFSET))
				return PARSE_EXT_LATER_FRAG;
			/* M clear with offset 0 is a whole packet (RFC 6946 atomic fragment). */
			if (fh->off_m & bpf_htons(PARSE_IP6_MF))
				ret = PARSE_EXT_FIRST_FRAG;
			*nexthdr = fh->nexthdr;
			err = 0;
		} else {
			break;
		}
		if (err)
			return err;
	}
	return parse_ipv6_is_exthdr(*nexthdr) ? PARSE_EXT_UNWALKED : ret;
}

/*
 * TCP header with its options. NULL when truncated, when the data offset is
 * below 5 words or when the options run past the end of the packet.
 */
static __always_inline struct tcphdr *parse_tcphdr(struct cursor *c)
{
	struct tcphdr *tcp = cursor_pull(c, PARSE_TCP_MIN_HLEN);
	__u32 hlen;

	if (!tcp)
		return NULL;
	hlen = tcp->doff * 4;
	if (hlen < PARSE_TCP_MIN_HLEN)
		return NULL;
	if (hlen > PARSE_TCP_MIN_HLEN && !cursor_pull(c, hlen - PARSE_TCP_MIN_HLEN))
		return NULL;
	return tcp;
}

#endif /* XDPSERVE_BPF_PARSE_H */
