/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * synack.h — a SYN to a served endpoint answered in XDP: the SYN-ACK with
 * the SYN cookie is written over the SYN and sent back with XDP_TX, so user
 * space sees only the ACK that completes the handshake.
 *
 * Stage: called by xdpserve_steer() (xdpserve.bpf.c) for a pure SYN that
 * steer_classify() found served and addressed to us, before the redirect:
 *
 *   synack_answer(): XDPSERVE_MAP_SYN on, socket in the queue's XSKMAP slot,
 *     queue's XDPSERVE_MAP_SYN_QUEUES slot XDPSERVE_SYNQ_ACCEPT
 *     -> synack_parse(): Ethernet (+ one 802.1Q tag), IPv4 with IHL 5 or
 *        IPv6 without extension headers, TCP without payload; the IPv4
 *        header and TCP checksums verified
 *     -> synack_opt_step() under bpf_loop(): the SYN's options, as
 *        tcp_options_parse()
 *     -> the cookie (synack_cookie) and TSval (synack_tsval), as
 *        tcp_listen_syn() in userspace/tcp/tcp_input.c computes them
 *     -> synack_write(): the reply in place (MACs and addresses swapped,
 *        the VLAN tag kept), bpf_xdp_adjust_tail() to its length
 *
 * It produces the frame tcp_output_synack() would (same options, layout,
 * window, TTL/hop limit; tests/bpf/test_synack.c compares them byte for
 * byte) except the IPv4 ID, which user space takes from a per-stack
 * counter and this leaves 0 (RFC 6864: the ID of an atomic datagram, DF
 * set, has no meaning), and so the IPv4 header checksum.
 *
 * Whatever it is not certain to answer exactly as user space would — an
 * option it does not know, a malformed one, IPv4 options, IPv6 extension
 * headers, payload, a bad checksum, a group MAC or address — it leaves to
 * user space: synack_answer() returns SYNACK_FALLBACK and the frame is
 * redirected as before, untouched.
 *
 * The maps it reads (XDPSERVE_MAP_SYN, _SYN_QUEUES, _XSKS) are defined in
 * xdpserve.bpf.c before this file is included.
 */
#ifndef XDPSERVE_BPF_SYNACK_H
#define XDPSERVE_BPF_SYNACK_H

#include <linux/types.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "xdpserve/shared.h"
#include "siphash.h"

#define SYNACK_FALLBACK (-1)

#define SYNACK_TCP_SYN 0x02
#define SYNACK_TCP_RST 0x04
#define SYNACK_TCP_FIN 0x01
#define SYNACK_TCP_ACK 0x10
#define SYNACK_IP_DF   0x4000
#define SYNACK_IP_MF   0x2000
#define SYNACK_IP_OFF  0x1fff

/* TCP option kinds and lengths (userspace/tcp/tcp_options.h). */
#define SYNACK_OPT_EOL	     0
#define SYNACK_OPT_NOP	     1
#define SYNACK_OPT_MSS	     2
#define SYNACK_OPT_WS	     3
#define SYNACK_OPT_SACK_PERM 4
#define SYNACK_OPT_TS	     8
#define SYNACK_MAX_WSCALE    14

/* From userspace/tcp/syncookie.h: the cookie's layout and clocks. */
#define SYNACK_PERIOD_NS (30ull * 1000000000ull)
#define SYNACK_TS_MASK	 0x3fu /* SYNCOOKIE_TS_BITS = 6 */
#define SYNACK_TS_NO_WS	 0xfu
#define SYNACK_TS_SACK	 0x10u
#define SYNACK_MSS_SHIFT 5
#define SYNACK_WS_SHIFT	 2
#define SYNACK_SACK_BIT	 0x2u

/* The peer's MSS when its SYN has none (RFC 9293 §3.7.1, RFC 8200 §5). */
#define SYNACK_DEFAULT_MSS_V4 536
#define SYNACK_DEFAULT_MSS_V6 1220

/*
 * The tables of userspace/tcp/syncookie.c (mss_v4, mss_v6, ws_tab),
 * duplicated because BPF cannot link that file; test_synack.c checks every
 * MSS and window shift against syncookie_opt_bits(), which proves them
 * equal. Change both together.
 */
static const __u16 synack_mss_v4[8] = {216, 536, 1200, 1220, 1300, 1400, 1440, 1460};
static const __u16 synack_mss_v6[8] = {216, 536, 1200, 1220, 1280, 1380, 1420, 1440};
static const __s8 synack_ws_tab[8] = {-1, 0, 2, 4, 6, 7, 8, 10};

/* What the SYN's options said (struct tcp_opts, the SYN fields). */
struct synack_opts {
	__u32 tsval; /* host order */
	__u16 mss;   /* host order */
	__u8 mss_ok, ws_ok, ws, sack_perm, ts_ok;
};

/* struct syncookie_msg of syncookie.h: host order, padding zero, 56 bytes. */
struct synack_cookie_msg {
	__u8 family;
	__u8 pad;
	__u16 lport;
	__u16 rport;
	__u16 pad2;
	__u8 laddr[16];
	__u8 raddr[16];
	__u32 peer_isn;
	__u32 opt_bits;
	__u64 period;
};
_Static_assert(sizeof(struct synack_cookie_msg) == 56, "syncookie_msg layout");

/* The SYN as synack_parse() found it. */
struct synack_syn {
	union {
		struct synack_cookie_msg msg; /* tuple filled; isn, bits, period later */
		__u64 msg_words[7];
	};
	__u8 th[64];	      /* the TCP header with options, copied out */
	__u32 l3;	      /* offset of the IP header */
	__u32 l4;	      /* offset of the TCP header */
	__u32 tcp_len;	      /* TCP header bytes (no payload) */
	__u32 addr_sum;	      /* one's complement sum of both addresses */
	struct synack_opts o; /* the options, from synack_opt_step() */
	__u32 opt_i;	      /* its position in th */
	int opt_err;	      /* an option it does not handle */
};

static __always_inline __u16 synack_fold(__u64 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

/* The pseudo header's protocol and length, as one 32-bit word in network order. */
static __always_inline __be32 synack_pseudo_word(__u32 tcp_len)
{
	return bpf_htonl((__u32)IPPROTO_TCP << 16 | tcp_len);
}

/*
 * One step of the walk over the SYN's options th[20, tcp_len), as
 * tcp_options_parse() parses a SYN (NOP, EOL, MSS, window scale,
 * SACK-permitted, timestamps; a later copy of an option overrides an
 * earlier one). Anything else: opt_err, and the SYN goes to user space,
 * which drops a malformed one and skips an unknown one. A bpf_loop()
 * callback, so the verifier checks one step instead of every path through
 * 40 bytes; each step takes at least one byte, so 40 steps reach the end.
 * Returns 1 to stop.
 */
static long synack_opt_step(__u64 n, void *arg)
{
	struct synack_syn *s = arg;
	struct synack_opts *o = &s->o;
	__u32 i = s->opt_i, hl = s->tcp_len;
	const __u8 *th = s->th;
	__u8 kind, olen;

	if (i >= hl || i >= 60)
		return 1;
	kind = th[i & 63];
	if (kind == SYNACK_OPT_EOL)
		return 1;
	if (kind == SYNACK_OPT_NOP) {
		s->opt_i = i + 1;
		return 0;
	}
	if (i + 1 >= hl)
		goto bad;
	olen = th[(i + 1) & 63];
	if (olen < 2 || olen > hl - i)
		goto bad;
	switch (kind) {
	case SYNACK_OPT_MSS:
		if (olen != 4)
			goto bad;
		o->mss_ok = 1;
		o->mss = (__u16)(th[(i + 2) & 63] << 8 | th[(i + 3) & 63]);
		break;
	case SYNACK_OPT_WS:
		if (olen != 3)
			goto bad;
		o->ws_ok = 1;
		/* RFC 7323 §2.3: use 14 instead of anything larger. */
		o->ws = th[(i + 2) & 63];
		if (o->ws > SYNACK_MAX_WSCALE)
			o->ws = SYNACK_MAX_WSCALE;
		break;
	case SYNACK_OPT_SACK_PERM:
		if (olen != 2)
			goto bad;
		o->sack_perm = 1;
		break;
	case SYNACK_OPT_TS:
		if (olen != 10)
			goto bad;
		o->ts_ok = 1;
		o->tsval = (__u32)th[(i + 2) & 63] << 24 | (__u32)th[(i + 3) & 63] << 16 |
			   (__u32)th[(i + 4) & 63] << 8 | th[(i + 5) & 63];
		break;
	default:
		goto bad; /* SACK blocks, unknown kinds: user space decides */
	}
	s->opt_i = i + olen;
	return 0;
bad:
	s->opt_err = 1;
	return 1;
}

/* An IPv4 address that is never a TCP endpoint (ipv4.c: ipv4_addr_bad). */
static __always_inline int synack_v4_bad(__be32 a)
{
	__u32 h = bpf_ntohl(a);

	return (h & 0xf0000000) == 0xe0000000 || h == 0 || h == 0xffffffff;
}

/* An IPv6 address that is never a TCP endpoint (ipv6.c: ipv6_addr_bad). */
static __always_inline int synack_v6_bad(const __u8 *a)
{
	const __u32 *w = (const __u32 *)a;

	return a[0] == 0xff || (w[0] | w[1] | w[2] | w[3]) == 0;
}

/*
 * Check the frame is a SYN we answer exactly as user space would, and copy
 * out what the answer needs. 0, or SYNACK_FALLBACK.
 */
static __always_inline int synack_parse(struct xdp_md *ctx, struct synack_syn *s)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u32 frame_len = (__u32)(end - data), tcp_len;
	struct ethhdr *eth = data;
	__be16 proto;
	__s64 sum;

	if ((void *)(eth + 1) > end)
		return SYNACK_FALLBACK;
	/* eth.c: a group source is invalid, a group destination not answered. */
	if ((eth->h_source[0] & 1) || (eth->h_dest[0] & 1))
		return SYNACK_FALLBACK;
	proto = eth->h_proto;
	s->l3 = sizeof(*eth);
	if (proto == bpf_htons(ETH_P_8021Q)) {
		__be16 *inner = data + sizeof(*eth) + 2;

		if ((void *)(inner + 1) > end)
			return SYNACK_FALLBACK;
		proto = *inner;
		s->l3 += 4;
	}
	if (proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = data + s->l3;

		if ((void *)(ip + 1) > end)
			return SYNACK_FALLBACK;
		/* Version 4, IHL 5: IPv4 options go to user space. */
		if (*(__u8 *)ip != 0x45 || ip->protocol != IPPROTO_TCP)
			return SYNACK_FALLBACK;
		if (ip->frag_off & bpf_htons(SYNACK_IP_MF | SYNACK_IP_OFF))
			return SYNACK_FALLBACK;
		tcp_len = bpf_ntohs(ip->tot_len);
		if (tcp_len < sizeof(*ip) || tcp_len > frame_len - s->l3)
			return SYNACK_FALLBACK;
		tcp_len -= sizeof(*ip);
		sum = bpf_csum_diff(0, 0, (__be32 *)ip, sizeof(*ip), 0);
		if (sum < 0 || synack_fold((__u64)sum) != 0xffff)
			return SYNACK_FALLBACK;
		if (synack_v4_bad(ip->saddr) || synack_v4_bad(ip->daddr))
			return SYNACK_FALLBACK;
		s->msg.family = XDPSERVE_FAMILY_INET;
		__builtin_memcpy(s->msg.laddr, &ip->daddr, 4);
		__builtin_memcpy(s->msg.raddr, &ip->saddr, 4);
		sum = bpf_csum_diff(0, 0, (__be32 *)&ip->saddr, 8, 0);
		s->l4 = s->l3 + sizeof(*ip);
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = data + s->l3;

		if ((void *)(ip6 + 1) > end)
			return SYNACK_FALLBACK;
		/* Extension headers (even those user space walks) go to user space. */
		if ((*(__u8 *)ip6 >> 4) != 6 || ip6->nexthdr != IPPROTO_TCP)
			return SYNACK_FALLBACK;
		tcp_len = bpf_ntohs(ip6->payload_len);
		if (tcp_len == 0 || tcp_len > frame_len - s->l3 - sizeof(*ip6))
			return SYNACK_FALLBACK;
		if (synack_v6_bad((__u8 *)&ip6->saddr) || synack_v6_bad((__u8 *)&ip6->daddr))
			return SYNACK_FALLBACK;
		s->msg.family = XDPSERVE_FAMILY_INET6;
		__builtin_memcpy(s->msg.laddr, &ip6->daddr, 16);
		__builtin_memcpy(s->msg.raddr, &ip6->saddr, 16);
		sum = bpf_csum_diff(0, 0, (__be32 *)&ip6->saddr, 32, 0);
		s->l4 = s->l3 + sizeof(*ip6);
	} else {
		return SYNACK_FALLBACK;
	}
	if (sum < 0)
		return SYNACK_FALLBACK;
	s->addr_sum = synack_fold((__u64)sum);

	/* The whole TCP header and no payload (one with payload goes to user space). */
	if (tcp_len < 20 || tcp_len > 60)
		return SYNACK_FALLBACK;
	s->tcp_len = tcp_len;
	if (bpf_xdp_load_bytes(ctx, s->l4, s->th, tcp_len))
		return SYNACK_FALLBACK;
	if ((__u32)(s->th[12] >> 4) * 4 != tcp_len)
		return SYNACK_FALLBACK;
	/* tcp_input.c drops a segment with a bad checksum: it must get no SYN-ACK. */
	{
		__be32 pw = synack_pseudo_word(tcp_len);

		sum = bpf_csum_diff(0, 0, &pw, 4, s->addr_sum);
		if (sum < 0)
			return SYNACK_FALLBACK;
		sum = bpf_csum_diff(0, 0, (__be32 *)s->th, tcp_len & 60, (__u32)sum);
		if (sum < 0 || synack_fold((__u64)sum) != 0xffff)
			return SYNACK_FALLBACK;
	}
	/* tcp_parse(): zero ports are malformed; SYN with ACK, RST or FIN is not ours. */
	if ((s->th[0] | s->th[1]) == 0 || (s->th[2] | s->th[3]) == 0)
		return SYNACK_FALLBACK;
	if ((s->th[13] & (SYNACK_TCP_SYN | SYNACK_TCP_ACK | SYNACK_TCP_RST | SYNACK_TCP_FIN)) !=
	    SYNACK_TCP_SYN)
		return SYNACK_FALLBACK;
	s->msg.lport = (__u16)(s->th[2] << 8 | s->th[3]);
	s->msg.rport = (__u16)(s->th[0] << 8 | s->th[1]);
	s->msg.peer_isn =
		(__u32)s->th[4] << 24 | (__u32)s->th[5] << 16 | (__u32)s->th[6] << 8 | s->th[7];
	return 0;
}

/*
 * syncookie.c mss_index() and ws_index(): the largest entry not above the
 * value, or 0. The tables ascend, so that is how many of entries 1..7 are
 * not above it; counted with constant indices, the loads fold away (BPF
 * object loaders do not take the merged constant sections an indexed
 * table would need).
 */
static __always_inline __u32 synack_mss_index(__u8 family, __u16 peer_mss)
{
	__u32 i = 0;

#pragma unroll
	for (int k = 1; k < 8; k++)
		i += (family == XDPSERVE_FAMILY_INET ? synack_mss_v4[k] : synack_mss_v6[k]) <=
		     peer_mss;
	return i;
}

static __always_inline __u32 synack_ws_index(int peer_ws)
{
	__u32 i = 0;

#pragma unroll
	for (int k = 1; k < 8; k++)
		i += synack_ws_tab[k] <= peer_ws;
	return i;
}

/* syncookie_make(): the 24-bit MAC, the option bits, the period's parity. */
static __always_inline __u32 synack_cookie(const struct xdpserve_syn_conf *conf,
					   struct synack_syn *s, __u32 opt_bits, __u64 period)
{
	__u32 mac;

	s->msg.opt_bits = opt_bits;
	s->msg.period = period;
	mac = (__u32)siphash24_words((const __u64 *)conf->cookie_key, s->msg_words, 7) & 0xffffff;
	return mac << 8 | opt_bits | (__u32)(period & 1);
}

/*
 * Our SYN-ACK's TSval: the millisecond clock plus the per-address-pair
 * offset (tcp_input_ts_offset(): SipHash-2-4 under ts_key over laddr, raddr),
 * with the peer's window shift and SACK-permitted in the low bits
 * (syncookie_ts_encode()).
 */
static __always_inline __u32 synack_tsval(const struct xdpserve_syn_conf *conf,
					  const struct synack_syn *s, __u64 now_ns, int ws,
					  int sack)
{
	__u32 ts_now, ts, bits = ws < 0 ? SYNACK_TS_NO_WS : (__u32)ws;

	ts_now = (__u32)(now_ns / 1000000) + (__u32)siphash24_words((const __u64 *)conf->ts_key,
								    (const __u64 *)s->msg.laddr, 4);
	if (sack)
		bits |= SYNACK_TS_SACK;
	ts = (ts_now & ~SYNACK_TS_MASK) | bits;
	if ((__s32)(ts - ts_now) > 0)
		ts -= SYNACK_TS_MASK + 1;
	return ts;
}

static __always_inline void synack_put32(__u8 *p, __u32 v)
{
	p[0] = (__u8)(v >> 24);
	p[1] = (__u8)(v >> 16);
	p[2] = (__u8)(v >> 8);
	p[3] = (__u8)v;
}

/*
 * The SYN-ACK's TCP header and options into out[] (tcp_output_synack(),
 * tcp_options_write_syn() layout); returns its length (24 to 40).
 */
static __always_inline __u32 synack_build_tcp(__u8 *out, const struct synack_syn *s,
					      const struct xdpserve_syn_conf *conf, __u32 cookie,
					      __u16 mss, int ws, int sack, int ts, __u32 tsval,
					      __u32 tsecr)
{
	__u32 n;

	out[0] = s->th[2]; /* our port: the SYN's destination */
	out[1] = s->th[3];
	out[2] = s->th[0];
	out[3] = s->th[1];
	synack_put32(out + 4, cookie);
	synack_put32(out + 8, s->msg.peer_isn + 1);
	out[13] = SYNACK_TCP_SYN | SYNACK_TCP_ACK;
	out[14] = (__u8)(conf->window >> 8);
	out[15] = (__u8)conf->window;
	out[16] = out[17] = out[18] = out[19] = 0; /* checksum later; urgent pointer */
	out[20] = SYNACK_OPT_MSS;
	out[21] = 4;
	out[22] = (__u8)(mss >> 8);
	out[23] = (__u8)mss;
	n = 24;
	if (ts) {
		/* SACK-permitted fills the two bytes NOPs would take before TS. */
		out[24] = sack ? SYNACK_OPT_SACK_PERM : SYNACK_OPT_NOP;
		out[25] = sack ? 2 : SYNACK_OPT_NOP;
		out[26] = SYNACK_OPT_TS;
		out[27] = 10;
		synack_put32(out + 28, tsval);
		synack_put32(out + 32, tsecr);
		n = 36;
	} else if (sack) {
		out[24] = SYNACK_OPT_NOP;
		out[25] = SYNACK_OPT_NOP;
		out[26] = SYNACK_OPT_SACK_PERM;
		out[27] = 2;
		n = 28;
	}
	if (ws >= 0) {
		/* Each possible place spelled out: constant stack offsets for the verifier. */
		__u8 *w = n == 24 ? out + 24 : n == 28 ? out + 28 : out + 36;

		w[0] = SYNACK_OPT_NOP;
		w[1] = SYNACK_OPT_WS;
		w[2] = 3;
		w[3] = conf->wscale;
		n += 4;
	}
	out[12] = (__u8)((n / 4) << 4);
	return n;
}

/*
 * Turn the frame into the SYN-ACK: tail to the new length, then Ethernet
 * and IP headers in place, the TCP header stored from out[]. 0; -1 when
 * the tail cannot move (the frame is then untouched); 1 when the frame was
 * changed but could not be finished (cannot happen: the checks are for
 * the verifier), and must be dropped.
 */
static __always_inline int synack_write(struct xdp_md *ctx, const struct synack_syn *s,
					const struct xdpserve_syn_conf *conf, const __u8 *out,
					__u32 out_len)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	int delta = (int)(s->l4 + out_len) - (int)(end - data);
	__u8 mac[ETH_ALEN];
	struct ethhdr *eth;

	if (bpf_xdp_adjust_tail(ctx, delta))
		return -1;
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	eth = data;
	if ((void *)(eth + 1) > end)
		return 1;
	__builtin_memcpy(mac, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, mac, ETH_ALEN);

	if (s->msg.family == XDPSERVE_FAMILY_INET) {
		struct iphdr *ip = data + (s->l3 & 31);
		__be32 a;
		__s64 sum;

		if ((void *)(ip + 1) > end)
			return 1;
		ip->tos = 0; /* not ECN-capable */
		ip->tot_len = bpf_htons((__u16)(sizeof(*ip) + out_len));
		ip->id = 0;
		ip->frag_off = bpf_htons(SYNACK_IP_DF);
		ip->ttl = conf->hop_limit;
		a = ip->saddr;
		ip->saddr = ip->daddr;
		ip->daddr = a;
		ip->check = 0;
		sum = bpf_csum_diff(0, 0, (__be32 *)ip, sizeof(*ip), 0);
		ip->check = (__u16)~synack_fold((__u64)sum);
	} else {
		struct ipv6hdr *ip6 = data + (s->l3 & 31);
		struct in6_addr a;

		if ((void *)(ip6 + 1) > end)
			return 1;
		*(__be32 *)ip6 = bpf_htonl(0x60000000); /* traffic class and flow label 0 */
		ip6->payload_len = bpf_htons((__u16)out_len);
		ip6->hop_limit = conf->hop_limit;
		a = ip6->saddr;
		ip6->saddr = ip6->daddr;
		ip6->daddr = a;
	}
	return bpf_xdp_store_bytes(ctx, s->l4, (void *)out, out_len) ? 1 : 0;
}

/*
 * Answer the SYN in ctx with a SYN-ACK (returns XDP_TX) or leave the frame
 * as it was (SYNACK_FALLBACK) when the conditions in shared.h are not met
 * or the SYN is not one this file answers exactly as user space would;
 * XDP_DROP only for a frame synack_write() could not finish.
 */
static __always_inline int synack_answer(struct xdp_md *ctx)
{
	__u32 q = ctx->rx_queue_index, zero = 0, opt_bits, cookie, tsval = 0, out_len;
	const struct xdpserve_syn_conf *conf;
	struct synack_opts o = {};
	struct synack_syn s;
	__u8 out[40] = {};
	__u64 now, period;
	__u32 *accept;
	int ws, sack, ts;
	__u16 peer_mss;

	conf = bpf_map_lookup_elem(&XDPSERVE_MAP_SYN, &zero);
	if (!conf || !(conf->flags & XDPSERVE_SYN_ON))
		return SYNACK_FALLBACK;
	/* No socket: nobody would take the ACK. */
	if (!bpf_map_lookup_elem(&XDPSERVE_MAP_XSKS, &q))
		return SYNACK_FALLBACK;
	/* The worker refuses new connections: its RST comes from user space. */
	accept = bpf_map_lookup_elem(&XDPSERVE_MAP_SYN_QUEUES, &q);
	if (!accept || *accept != XDPSERVE_SYNQ_ACCEPT)
		return SYNACK_FALLBACK;

	__builtin_memset(&s, 0, sizeof(s));
	if (synack_parse(ctx, &s))
		return SYNACK_FALLBACK;
	s.opt_i = 20;
	if (bpf_loop(40, synack_opt_step, &s, 0) < 0 || s.opt_err)
		return SYNACK_FALLBACK;
	o = s.o; /* a copy: reading s.o in place costs the verifier 3x the states */

	/* tcp_listen_syn(), step by step. */
	if (o.mss_ok)
		peer_mss = o.mss;
	else
		peer_mss = s.msg.family == XDPSERVE_FAMILY_INET ? SYNACK_DEFAULT_MSS_V4
								: SYNACK_DEFAULT_MSS_V6;
	ws = (conf->flags & XDPSERVE_SYN_WSCALE) && o.ws_ok ? o.ws : -1;
	sack = (conf->flags & XDPSERVE_SYN_SACK) && o.sack_perm;
	ts = (conf->flags & XDPSERVE_SYN_TIMESTAMPS) && o.ts_ok;
	opt_bits = synack_mss_index(s.msg.family, peer_mss) << SYNACK_MSS_SHIFT |
		   synack_ws_index(ws) << SYNACK_WS_SHIFT | (sack ? SYNACK_SACK_BIT : 0);
	now = bpf_ktime_get_ns(); /* CLOCK_MONOTONIC, as the stack's clock */
	period = now / SYNACK_PERIOD_NS;
	if (ts)
		tsval = synack_tsval(conf, &s, now, ws, sack);
	cookie = synack_cookie(conf, &s, opt_bits, period);

	out_len =
		synack_build_tcp(out, &s, conf, cookie,
				 s.msg.family == XDPSERVE_FAMILY_INET ? conf->mss_v4 : conf->mss_v6,
				 ws >= 0 ? conf->wscale : -1, sack, ts, tsval, o.tsval);
	{
		__be32 pw = synack_pseudo_word(out_len);
		__s64 sum = bpf_csum_diff(0, 0, &pw, 4, s.addr_sum);

		if (sum < 0)
			return SYNACK_FALLBACK;
		sum = bpf_csum_diff(0, 0, (__be32 *)out, out_len & 60, (__u32)sum);
		if (sum < 0)
			return SYNACK_FALLBACK;
		*(__u16 *)(out + 16) = (__u16)~synack_fold((__u64)sum);
	}
	switch (synack_write(ctx, &s, conf, out, out_len & 63)) {
	case 0:
		return XDP_TX;
	case -1:
		return SYNACK_FALLBACK;
	default:
		return XDP_DROP;
	}
}

#endif /* XDPSERVE_BPF_SYNACK_H */
