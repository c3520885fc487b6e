/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * frames.h — a builder of crafted Ethernet frames for the steering program's
 * tests (tests/bpf/test_steer.c): one plain-data description per frame, so
 * a test table can list them, and a function that lays the bytes out.
 * Checksums are left zero: the steering program never reads them.
 */
#ifndef XDPSERVE_TESTS_FRAMES_H
#define XDPSERVE_TESTS_FRAMES_H

#include <stddef.h>
#include <stdint.h>

/* Where a frame is cut short, relative to the headers it carries. */
enum frame_cut {
	FRAME_CUT_NONE = 0,
	FRAME_CUT_IN_ETH,      /* one byte short of the Ethernet header */
	FRAME_CUT_IN_VLAN,     /* inside the 802.1Q tag */
	FRAME_CUT_IN_L3,       /* one byte short of the IPv4/IPv6 fixed header */
	FRAME_CUT_IN_L3_OPTS,  /* inside the IPv4 options */
	FRAME_CUT_IN_TCP,      /* one byte short of the 20-byte TCP header */
	FRAME_CUT_IN_TCP_OPTS, /* inside the TCP options */
	FRAME_CUT_ZERO,	       /* empty frame */
	FRAME_CUT_ONE,	       /* a single byte */
};

enum frame_l4 {
	FRAME_L4_TCP = 0,
	FRAME_L4_UDP,
	FRAME_L4_ICMP, /* ICMP echo for IPv4, ICMPv6 echo for IPv6 */
	FRAME_L4_NONE, /* IPv6 "no next header" */
};

struct frame_spec {
	uint16_t ethertype;  /* after the tags: ETH_P_IP, ETH_P_IPV6, ETH_P_ARP, ... */
	uint16_t vlan_outer; /* 0, or the TPID of a tag (0x8100, 0x88a8) */
	uint16_t vlan_inner; /* 0, or the TPID of a second tag */
	char dst[40];	     /* destination address text; "" for non-IP */
	enum frame_l4 l4;
	uint16_t dport;
	uint8_t tcp_flags;    /* TH_* style bits; 0x02 is SYN */
	uint8_t payload;      /* payload bytes after the L4 header */
	uint8_t ihl;	      /* IPv4 header words; 0 means 5 */
	uint8_t ip_version;   /* version nibble written; 0 means the right one */
	uint16_t frag;	      /* IPv4 frag_off field, host order (MF 0x2000 | offset) */
	uint8_t has_v6_ext;   /* an IPv6 extension header sits before L4 */
	uint8_t v6_ext;	      /* its type (0 hop-by-hop, 44 fragment, ...) */
	uint8_t v6_ext_n;     /* that many of them (0 means 1) */
	uint8_t v6_ext_len;   /* their Hdr Ext Len: 8 * (1 + this) bytes each (not for 44) */
	uint8_t v6_dst_after; /* then one 8-byte destination-options header */
	uint8_t v6_frag_hdr;  /* then a fragment header ... */
	uint16_t v6_frag;     /* ... with this offset << 3 | M field */
	uint8_t other_mac;    /* destination MAC: 1 another unicast one, 2 broadcast */
	uint8_t ptb;	      /* with FRAME_L4_ICMP: 1 a "packet too big" quoting TCP from
			       * dst:dport, 2 the same ICMP type with another code */
	uint8_t doff;	      /* TCP data offset words; 0 means 5 */
	uint8_t tcp_optlen;   /* TCP option bytes actually present (<= 40) */
	enum frame_cut cut;
};

#define FRAME_MAX 1024

/* Lay the frame out in buf (FRAME_MAX bytes); returns its length. */
size_t frame_build(const struct frame_spec *spec, uint8_t *buf);

#endif /* XDPSERVE_TESTS_FRAMES_H */
