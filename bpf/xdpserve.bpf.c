// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xdpserve.bpf.c — the XDP steering program: first stage of the data path.
 *
 *   NIC RX queue q -> xdpserve_steer()
 *     -> steer_classify(): Ethernet (+ one 802.1Q tag) -> IPv4/IPv6 (IPv6
 *        hop-by-hop, destination options and fragment headers walked) -> TCP
 *        (bounds-checked cursor, parse.h) -> served-endpoint LPM lookup;
 *        or ICMP "fragmentation needed" / ICMPv6 "packet too big" -> the
 *        quoted TCP header's source looked up the same way
 *     -> a pure SYN, served, to the interface's MAC, while user space lets
 *        XDP answer (XDPSERVE_MAP_SYN, queue q's XDPSERVE_MAP_SYN_QUEUES
 *        slot, a socket on q): synack_answer() (synack.h) writes the
 *        SYN-ACK with the SYN cookie over it -> XDP_TX; a SYN it cannot
 *        answer exactly as user space would goes on as any other packet
 *     -> served, to the interface's MAC: bpf_redirect_map(xsks, q) to the
 *        AF_XDP socket of queue q
 *     -> a first fragment to a served endpoint: XDP_DROP (the kernel has no
 *        socket for it and would reset the flow; later fragments, without
 *        their first, die in its reassembly queue)
 *     -> anything else: XDP_PASS to the kernel stack
 *     -> one per-CPU counter slot per packet (enum xdpserve_stat)
 *
 * Loaded by userspace/steer (libxdp, behind the multi-program dispatcher) or
 * by hand with `ip link set dev IF xdp obj xdpserve.bpf.o sec xdp`. Maps are
 * pinned by name, and user space also finds them through the program's map
 * ids. The layout of keys, values and counters is in include/xdpserve/shared.h.
 * The fast path counts and never logs.
 */
#include <linux/bpf.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <xdp/xdp_helpers.h>

#include "xdpserve/shared.h"
#include "parse.h"

/* AF_XDP socket per RX queue, filled by the daemon (or a test's sink). */
struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, XDPSERVE_MAX_QUEUES);
	__type(key, __u32);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} XDPSERVE_MAP_XSKS SEC(".maps");

/* Served endpoints: port and family exact, destination address by prefix. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, XDPSERVE_MAX_ENDPOINTS);
	__type(key, struct xdpserve_endpoint_key);
	__type(value, struct xdpserve_endpoint_val);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} XDPSERVE_MAP_ENDPOINTS SEC(".maps");

/* One slot per outcome, per CPU, so counting needs no atomics. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XDPSERVE_STAT__MAX);
	__type(key, __u32);
	__type(value, struct xdpserve_stat_val);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} XDPSERVE_MAP_STATS SEC(".maps");

/* The interface's own MAC (struct xdpserve_iface), written by the daemon. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpserve_iface);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} XDPSERVE_MAP_IFACE SEC(".maps");

/* What the SYN-ACK carries (struct xdpserve_syn_conf), written by the daemon. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpserve_syn_conf);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} XDPSERVE_MAP_SYN SEC(".maps");

/*
 * Per queue: XDPSERVE_SYNQ_ACCEPT while its worker accepts connections.
 * Mmapable, so each worker flips its slot with a plain store.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XDPSERVE_MAX_QUEUES);
	__type(key, __u32);
	__type(value, __u32);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} XDPSERVE_MAP_SYN_QUEUES SEC(".maps");

#include "synack.h"

/*
 * libxdp dispatcher settings: run before programs of the default priority
 * (50), so served flows are claimed before a generic program can redirect
 * them elsewhere, but after filters that pick low numbers on purpose; on
 * XDP_PASS the dispatcher goes on to the next program.
 */
struct {
	__uint(priority, 40);
	__uint(XDP_PASS, 1);
} XDP_RUN_CONFIG(xdpserve_steer);

static __always_inline void steer_count(__u32 stat, __u64 bytes)
{
	struct xdpserve_stat_val *val = bpf_map_lookup_elem(&XDPSERVE_MAP_STATS, &stat);

	if (val) {
		val->packets++;
		val->bytes += bytes;
	}
}

/* Is the frame addressed to the interface's own MAC (or is that not known)? */
static __always_inline int steer_mac_ok(const struct ethhdr *eth)
{
	__u32 zero = 0;
	struct xdpserve_iface *ifc = bpf_map_lookup_elem(&XDPSERVE_MAP_IFACE, &zero);

	if (!ifc || !(ifc->flags & XDPSERVE_IFACE_MAC))
		return 1;
	/* BPF has no memcmp: compare as a 32-bit and a 16-bit word. */
	return *(__u32 *)eth->h_dest == *(__u32 *)ifc->mac &&
	       *(__u16 *)(eth->h_dest + 4) == *(__u16 *)(ifc->mac + 4);
}

/*
 * An ICMP error about a TCP segment we sent quotes its IP header and at
 * least 8 bytes of TCP: our address and port are its source. The caller
 * set the family and address in `key`; this adds the port.
 */
static __always_inline __u32 steer_quoted_tcp(struct cursor *c, struct xdpserve_endpoint_key *key)
{
	struct parse_tcp_ports *ports = cursor_pull(c, sizeof(*ports));

	if (!ports)
		return XDPSERVE_STAT_PASS_NOT_TCP;
	key->port = ports->source;
	return XDPSERVE_STAT_REDIRECTED_ICMP;
}

/* ICMP: "fragmentation needed" quoting a served flow is ours, the rest the kernel's. */
static __always_inline __u32 steer_icmp4(struct cursor *c, struct xdpserve_endpoint_key *key)
{
	struct parse_icmp_hdr *icmp = cursor_pull(c, sizeof(*icmp));
	struct iphdr *in;

	if (!icmp || icmp->type != PARSE_ICMP_DEST_UNREACH || icmp->code != PARSE_ICMP_FRAG_NEEDED)
		return XDPSERVE_STAT_PASS_NOT_TCP;
	in = parse_iphdr(c);
	if (!in || in->protocol != IPPROTO_TCP)
		return XDPSERVE_STAT_PASS_NOT_TCP;
	key->family = XDPSERVE_FAMILY_INET;
	__builtin_memcpy(key->addr, &in->saddr, sizeof(in->saddr));
	return steer_quoted_tcp(c, key);
}

/* ICMPv6: "packet too big" quoting a served flow (no inner extension headers). */
static __always_inline __u32 steer_icmp6(struct cursor *c, struct xdpserve_endpoint_key *key)
{
	struct parse_icmp_hdr *icmp = cursor_pull(c, sizeof(*icmp));
	struct ipv6hdr *in;

	if (!icmp || icmp->type != PARSE_ICMPV6_PKT_TOOBIG || icmp->code != 0)
		return XDPSERVE_STAT_PASS_NOT_TCP;
	in = parse_ipv6hdr(c);
	if (!in || in->nexthdr != IPPROTO_TCP)
		return XDPSERVE_STAT_PASS_NOT_TCP;
	key->family = XDPSERVE_FAMILY_INET6;
	__builtin_memcpy(key->addr, &in->saddr, sizeof(in->saddr));
	return steer_quoted_tcp(c, key);
}

/*
 * IPv4 up to the TCP header: the counter slot of a packet passed here, or
 * XDPSERVE_STAT_REDIRECTED (*frag set for a first fragment) when the TCP
 * header follows, or XDPSERVE_STAT_REDIRECTED_ICMP when `key` is complete.
 */
static __always_inline __u32 steer_ipv4(struct cursor *c, struct xdpserve_endpoint_key *key,
					int *frag)
{
	struct iphdr *ip = parse_iphdr(c);

	if (!ip)
		return XDPSERVE_STAT_PASS_MALFORMED;
	/* A later fragment carries no TCP header to match. */
	if (ip->frag_off & bpf_htons(PARSE_IP_OFFSET))
		return ip->protocol == IPPROTO_TCP ? XDPSERVE_STAT_PASS_FRAGMENT
						   : XDPSERVE_STAT_PASS_NOT_TCP;
	*frag = !!(ip->frag_off & bpf_htons(PARSE_IP_MF));
	if (ip->protocol == IPPROTO_ICMP && !*frag)
		return steer_icmp4(c, key);
	if (ip->protocol != IPPROTO_TCP)
		return XDPSERVE_STAT_PASS_NOT_TCP;
	key->family = XDPSERVE_FAMILY_INET;
	__builtin_memcpy(key->addr, &ip->daddr, sizeof(ip->daddr));
	return XDPSERVE_STAT_REDIRECTED;
}

/* IPv6 up to the TCP header; the same returns as steer_ipv4(). */
static __always_inline __u32 steer_ipv6(struct cursor *c, struct xdpserve_endpoint_key *key,
					int *frag)
{
	struct ipv6hdr *ip6 = parse_ipv6hdr(c);
	__u8 nexthdr;
	int ext;

	if (!ip6)
		return XDPSERVE_STAT_PASS_MALFORMED;
	nexthdr = ip6->nexthdr;
	ext = parse_ipv6_ext(c, &nexthdr);
	switch (ext) {
	case PARSE_EXT_MALFORMED:
		return XDPSERVE_STAT_PASS_MALFORMED;
	case PARSE_EXT_UNWALKED:
		return XDPSERVE_STAT_PASS_IPV6_EXTHDR;
	case PARSE_EXT_LATER_FRAG:
		return XDPSERVE_STAT_PASS_FRAGMENT;
	}
	*frag = ext == PARSE_EXT_FIRST_FRAG;
	if (nexthdr == IPPROTO_ICMPV6 && !*frag)
		return steer_icmp6(c, key);
	if (nexthdr != IPPROTO_TCP)
		return XDPSERVE_STAT_PASS_NOT_TCP;
	key->family = XDPSERVE_FAMILY_INET6;
	__builtin_memcpy(key->addr, &ip6->daddr, sizeof(ip6->daddr));
	return XDPSERVE_STAT_REDIRECTED;
}

/*
 * Parse the frame and fill `key` with its destination. Returns the counter
 * slot for a packet that is passed or dropped, or XDPSERVE_STAT_REDIRECTED
 * (_ICMP) for one to a served endpoint (the caller then tries the redirect);
 * *syn tells a SYN without ACK.
 */
static __always_inline __u32 steer_classify(struct xdp_md *ctx, struct xdpserve_endpoint_key *key,
					    int *syn)
{
	struct ethhdr *eth;
	struct tcphdr *tcp;
	struct cursor c;
	__be16 proto;
	int frag = 0;
	__u32 stat;

	cursor_init(&c, ctx);
	eth = parse_ethhdr(&c, &proto);
	if (!eth)
		return XDPSERVE_STAT_PASS_MALFORMED;
	if (proto == bpf_htons(ETH_P_IP))
		stat = steer_ipv4(&c, key, &frag);
	else if (proto == bpf_htons(ETH_P_IPV6))
		stat = steer_ipv6(&c, key, &frag);
	else
		return XDPSERVE_STAT_PASS_NOT_IP;
	if (stat == XDPSERVE_STAT_REDIRECTED) {
		tcp = parse_tcphdr(&c);
		if (!tcp)
			return frag ? XDPSERVE_STAT_PASS_FRAGMENT : XDPSERVE_STAT_PASS_MALFORMED;
		key->port = tcp->dest;
		*syn = tcp->syn && !tcp->ack;
	} else if (stat != XDPSERVE_STAT_REDIRECTED_ICMP) {
		return stat;
	}
	if (!bpf_map_lookup_elem(&XDPSERVE_MAP_ENDPOINTS, key))
		return stat == XDPSERVE_STAT_REDIRECTED ? XDPSERVE_STAT_PASS_NOT_SERVED
							: XDPSERVE_STAT_PASS_NOT_TCP;
	if (!steer_mac_ok(eth))
		return XDPSERVE_STAT_PASS_OTHER_MAC;
	return frag ? XDPSERVE_STAT_DROP_FRAGMENT : stat;
}

SEC("xdp")
int xdpserve_steer(struct xdp_md *ctx)
{
	__u64 bytes = ctx->data_end - ctx->data;
	struct xdpserve_endpoint_key key;
	int verdict = XDP_PASS, syn = 0;
	__u32 stat;

	__builtin_memset(&key, 0, sizeof(key));
	key.prefixlen = XDPSERVE_ENDPOINT_MAX_PREFIX;

	stat = steer_classify(ctx, &key, &syn);
	if (stat == XDPSERVE_STAT_DROP_FRAGMENT) {
		verdict = XDP_DROP;
	} else if (stat == XDPSERVE_STAT_REDIRECTED && syn &&
		   (verdict = synack_answer(ctx)) != SYNACK_FALLBACK) {
		stat = verdict == XDP_TX ? XDPSERVE_STAT_SYNACK_TX : XDPSERVE_STAT_PASS_MALFORMED;
	} else if (stat == XDPSERVE_STAT_REDIRECTED || stat == XDPSERVE_STAT_REDIRECTED_ICMP) {
		/*
		 * Falls back to XDP_PASS when no socket sits in the queue's slot.
		 * An ICMP error goes to the queue it arrived on: RSS hashed its
		 * outer header, so with several queues it may reach a worker that
		 * does not hold the connection, which then ignores it (counted);
		 * the connection's black-hole detection still lowers the MSS.
		 */
		verdict = bpf_redirect_map(&XDPSERVE_MAP_XSKS, ctx->rx_queue_index, XDP_PASS);
		if (verdict != XDP_REDIRECT)
			stat = XDPSERVE_STAT_REDIRECT_FAILED;
	}
	steer_count(stat, bytes);
	return verdict;
}

char _license[] SEC("license") = "Dual BSD/GPL";
