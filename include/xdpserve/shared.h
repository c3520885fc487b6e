/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * shared.h — the only contract between the XDP steering program (bpf/) and
 * user space (userspace/). Map names, key and value layouts and counter
 * indices live here and nowhere else; both sides include this file.
 *
 * Byte order is stated on every field: "be" fields are network order,
 * everything else is host order.
 */
#ifndef XDPSERVE_SHARED_H
#define XDPSERVE_SHARED_H

#include <linux/types.h>

/* Map names; the maps are pinned by name (LIBBPF_PIN_BY_NAME). */
#define XDPSERVE_MAP_XSKS	xdpserve_xsks
#define XDPSERVE_MAP_ENDPOINTS	xdpserve_endpoints
#define XDPSERVE_MAP_STATS	xdpserve_stats
#define XDPSERVE_MAP_IFACE	xdpserve_iface
#define XDPSERVE_MAP_SYN	xdpserve_syn
#define XDPSERVE_MAP_SYN_QUEUES xdpserve_synq

/* The same names as strings, for bpf_object__find_map_by_name() and pins. */
#define XDPSERVE__STR(x)	     #x
#define XDPSERVE_STR(x)		     XDPSERVE__STR(x)
#define XDPSERVE_MAP_XSKS_NAME	     XDPSERVE_STR(XDPSERVE_MAP_XSKS)
#define XDPSERVE_MAP_ENDPOINTS_NAME  XDPSERVE_STR(XDPSERVE_MAP_ENDPOINTS)
#define XDPSERVE_MAP_STATS_NAME	     XDPSERVE_STR(XDPSERVE_MAP_STATS)
#define XDPSERVE_MAP_IFACE_NAME	     XDPSERVE_STR(XDPSERVE_MAP_IFACE)
#define XDPSERVE_MAP_SYN_NAME	     XDPSERVE_STR(XDPSERVE_MAP_SYN)
#define XDPSERVE_MAP_SYN_QUEUES_NAME XDPSERVE_STR(XDPSERVE_MAP_SYN_QUEUES)

/* Name of the XDP program function (SEC("xdp")) in the object. */
#define XDPSERVE_PROG_NAME "xdpserve_steer"

#define XDPSERVE_MAX_QUEUES    64   /* XSKMAP slots: one per RX queue */
#define XDPSERVE_MAX_ENDPOINTS 1024 /* LPM trie capacity */

#define XDPSERVE_FAMILY_INET  4
#define XDPSERVE_FAMILY_INET6 6

/*
 * Served endpoint: an address prefix plus one TCP port, stored in an LPM
 * trie. The trie matches bits of `port`, `family`, `pad` and `addr` in that
 * order, so `prefixlen` = XDPSERVE_ENDPOINT_FIXED_BITS + address prefix
 * length: the port and family always match exactly, the address by prefix.
 * An IPv4 address uses addr[0..3] and leaves the rest zero, so a single
 * IPv4 address is stored with prefixlen 32 + 32 = 64 and IPv6 with 32 + 128.
 * A lookup uses the full length (XDPSERVE_ENDPOINT_MAX_PREFIX).
 *
 * The kernel keeps only 15 characters of a map's name (BPF_OBJ_NAME_LEN),
 * so "xdpserve_endpoints" shows as "xdpserve_endpoi" in map info; pins use
 * the full names.
 */
struct xdpserve_endpoint_key {
	__u32 prefixlen; /* host order, in bits, counted from `port` */
	__be16 port;	 /* network order */
	__u8 family;	 /* XDPSERVE_FAMILY_INET or XDPSERVE_FAMILY_INET6 */
	__u8 pad;	 /* always 0 */
	__u8 addr[16];	 /* network order */
};

#define XDPSERVE_ENDPOINT_FIXED_BITS 32 /* port + family + pad */
#define XDPSERVE_ENDPOINT_MAX_PREFIX (XDPSERVE_ENDPOINT_FIXED_BITS + 128)

/* Value of an endpoint entry; flags are reserved and must be 0. */
struct xdpserve_endpoint_val {
	__u32 flags; /* host order */
};

/*
 * The interface the program is attached to: one slot (key 0) of an array
 * the daemon writes at start. With XDPSERVE_IFACE_MAC set, a frame to a
 * served endpoint is redirected only when its destination MAC is `mac`
 * (others are passed: the kernel decides what a broadcast, multicast or
 * foreign unicast frame means); without it (a program loaded by hand, no
 * daemon yet) the MAC is not looked at.
 */
#define XDPSERVE_IFACE_MAC 0x1u

struct xdpserve_iface {
	__u8 mac[6];  /* the interface's own unicast address */
	__u16 flags;  /* host order: XDPSERVE_IFACE_* */
	__u32 pad[3]; /* always 0 */
};

/*
 * SYNs answered in XDP. Key 0 of XDPSERVE_MAP_SYN (an array of one) holds
 * what the user-space stack would put into its SYN-ACK; the daemon writes it
 * at start, before any worker's socket enters the XSKMAP. The program
 * answers a SYN to a served endpoint itself (XDP_TX, a SYN cookie made with
 * the same key and encoding as userspace/tcp/syncookie.c) only when
 * XDPSERVE_SYN_ON is set, the queue's socket is in the XSKMAP and the
 * queue's slot of XDPSERVE_MAP_SYN_QUEUES (an mmapable array of __u32, one
 * per queue, written by that queue's worker) is XDPSERVE_SYNQ_ACCEPT: a
 * worker clears its slot while it refuses new connections, so a refusal
 * still gets its RST from user space. Everything else is redirected as
 * before.
 */
#define XDPSERVE_SYN_ON		0x1u /* answer SYNs in XDP */
#define XDPSERVE_SYN_TIMESTAMPS 0x2u /* the stack uses RFC 7323 timestamps */
#define XDPSERVE_SYN_SACK	0x4u /* the stack uses RFC 2018 SACK */
#define XDPSERVE_SYN_WSCALE	0x8u /* the stack uses RFC 7323 window scaling */

#define XDPSERVE_SYNQ_ACCEPT 1u /* a XDPSERVE_MAP_SYN_QUEUES slot: this queue's worker accepts */

struct xdpserve_syn_conf {
	__u8 cookie_key[16]; /* the SipHash-2-4 key of syncookie_make() */
	__u8 ts_key[16];     /* the SipHash-2-4 key of the timestamp offset */
	__u32 flags;	     /* host order: XDPSERVE_SYN_* */
	__u16 mss_v4;	     /* host order: the MSS announced over IPv4 */
	__u16 mss_v6;	     /* host order: ... over IPv6 */
	__u16 window;	     /* host order: the SYN-ACK's (unscaled) window */
	__u8 wscale;	     /* our window shift, when the peer scales */
	__u8 hop_limit;	     /* IPv4 TTL and IPv6 hop limit of our packets */
	__u32 pad;	     /* always 0 */
};

/*
 * Per-CPU counters, one array slot per outcome. Every packet the program
 * sees lands in exactly one slot.
 */
enum xdpserve_stat {
	XDPSERVE_STAT_REDIRECTED = 0,	/* handed to the AF_XDP socket of its queue */
	XDPSERVE_STAT_REDIRECT_FAILED,	/* served, but no socket on that queue: passed */
	XDPSERVE_STAT_PASS_NOT_SERVED,	/* TCP, but not to a served address and port */
	XDPSERVE_STAT_PASS_NOT_TCP,	/* IPv4/IPv6 carrying something other than TCP */
	XDPSERVE_STAT_PASS_NOT_IP,	/* ARP, LLDP and every other EtherType */
	XDPSERVE_STAT_PASS_MALFORMED,	/* truncated or invalid header */
	XDPSERVE_STAT_PASS_FRAGMENT,	/* a later fragment (or a first too short for TCP) */
	XDPSERVE_STAT_PASS_IPV6_EXTHDR, /* IPv6 extension header we do not walk (or too many) */
	XDPSERVE_STAT_PASS_OTHER_MAC,	/* served endpoint, but not to the interface's MAC */
	XDPSERVE_STAT_DROP_FRAGMENT,	/* first fragment to a served endpoint: dropped */
	XDPSERVE_STAT_REDIRECTED_ICMP,	/* "packet too big" quoting a served flow, redirected */
	XDPSERVE_STAT_SYNACK_TX,	/* a SYN to a served endpoint answered in XDP (XDP_TX) */
	XDPSERVE_STAT__MAX,
};

/* Value of one XDPSERVE_MAP_STATS slot on one CPU. */
struct xdpserve_stat_val {
	__u64 packets; /* host order */
	__u64 bytes;   /* host order, frame bytes as the program saw them */
};

_Static_assert(sizeof(struct xdpserve_endpoint_key) == 24, "endpoint key layout");
_Static_assert(sizeof(struct xdpserve_endpoint_val) == 4, "endpoint value layout");
_Static_assert(sizeof(struct xdpserve_stat_val) == 16, "stat value layout");
_Static_assert(sizeof(struct xdpserve_iface) == 20, "interface value layout");
_Static_assert(sizeof(struct xdpserve_syn_conf) == 48, "SYN answer configuration layout");
_Static_assert(__builtin_offsetof(struct xdpserve_endpoint_key, addr) == 8,
	       "the trie's data starts at port; addr follows 4 bytes later");

#endif /* XDPSERVE_SHARED_H */
