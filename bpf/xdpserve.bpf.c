// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xdpserve.bpf.c — the XDP steering program: first stage of the data path.
 *
 *   NIC RX queue q -> xdpserve_steer()
 *     -> steer_classify(): Ethernet (+ one 802.1Q tag) -> IPv4/IPv6 -> TCP
 *        (bounds-checked cursor, parse.h) -> served-endpoint LPM lookup
 *     -> served: bpf_redirect_map(xsks, q) to the AF_XDP socket of queue q
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

/*
 * Parse the frame and fill `key` with its destination. Returns the counter
 * slot for a packet that is passed, or XDPSERVE_STAT_REDIRECTED for one to
 * a served endpoint (the caller then tries the redirect).
 */
static __always_inline __u32 steer_classify(struct xdp_md *ctx, struct xdpserve_endpoint_key *key)
{
	struct cursor c;
	struct ipv6hdr *ip6;
	struct tcphdr *tcp;
	struct iphdr *ip;
	__be16 proto;

	cursor_init(&c, ctx);
	if (!parse_ethhdr(&c, &proto))
		return XDPSERVE_STAT_PASS_MALFORMED;

	if (proto == bpf_htons(ETH_P_IP)) {
		ip = parse_iphdr(&c);
		if (!ip)
			return XDPSERVE_STAT_PASS_MALFORMED;
		if (ip->protocol != IPPROTO_TCP)
			return XDPSERVE_STAT_PASS_NOT_TCP;
		/* A fragment carries no (or no trustworthy) TCP header. */
		if (parse_ipv4_is_fragment(ip))
			return XDPSERVE_STAT_PASS_FRAGMENT;
		key->family = XDPSERVE_FAMILY_INET;
		__builtin_memcpy(key->addr, &ip->daddr, sizeof(ip->daddr));
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		ip6 = parse_ipv6hdr(&c);
		if (!ip6)
			return XDPSERVE_STAT_PASS_MALFORMED;
		if (ip6->nexthdr != IPPROTO_TCP)
			return parse_ipv6_is_exthdr(ip6->nexthdr) ? XDPSERVE_STAT_PASS_IPV6_EXTHDR
								  : XDPSERVE_STAT_PASS_NOT_TCP;
		key->family = XDPSERVE_FAMILY_INET6;
		__builtin_memcpy(key->addr, &ip6->daddr, sizeof(ip6->daddr));
	} else {
		return XDPSERVE_STAT_PASS_NOT_IP;
	}

	tcp = parse_tcphdr(&c);
	if (!tcp)
		return XDPSERVE_STAT_PASS_MALFORMED;
	key->port = tcp->dest;
	if (!bpf_map_lookup_elem(&XDPSERVE_MAP_ENDPOINTS, key))
		return XDPSERVE_STAT_PASS_NOT_SERVED;
	return XDPSERVE_STAT_REDIRECTED;
}

SEC("xdp")
int xdpserve_steer(struct xdp_md *ctx)
{
	__u64 bytes = ctx->data_end - ctx->data;
	struct xdpserve_endpoint_key key;
	int verdict = XDP_PASS;
	__u32 stat;

	__builtin_memset(&key, 0, sizeof(key));
	key.prefixlen = XDPSERVE_ENDPOINT_MAX_PREFIX;

	stat = steer_classify(ctx, &key);
	if (stat == XDPSERVE_STAT_REDIRECTED) {
		/* Falls back to XDP_PASS when no socket sits in the queue's slot. */
		verdict = bpf_redirect_map(&XDPSERVE_MAP_XSKS, ctx->rx_queue_index, XDP_PASS);
		if (verdict != XDP_REDIRECT)
			stat = XDPSERVE_STAT_REDIRECT_FAILED;
	}
	steer_count(stat, bytes);
	return verdict;
}

char _license[] SEC("license") = "Dual BSD/GPL";
