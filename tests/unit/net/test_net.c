// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests for net/eth.c, net/ipv4.c and net/ipv6.c: input checks and output headers. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <arpa/inet.h>
#include <string.h>

#include "helpers/pkt.h"
#include "net/checksum.h"
#include "net/eth.h"
#include "net/ip.h"

static struct pkt_spec spec(uint8_t family)
{
	struct pkt_spec sp;

	memset(&sp, 0, sizeof(sp));
	sp.family = family;
	memcpy(sp.src_mac, "\x02\x00\x00\x00\x00\x01", 6);
	memcpy(sp.dst_mac, "\x02\x00\x00\x00\x00\x02", 6);
	if (family == 4) {
		memcpy(sp.saddr, "\xc6\x12\x00\x02", 4);
		memcpy(sp.daddr, "\xc6\x12\x00\x01", 4);
	} else {
		memcpy(sp.saddr, "\xfd\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x02", 16);
		memcpy(sp.daddr, "\xfd\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
	}
	sp.sport = 1234;
	sp.dport = 80;
	sp.flags = PKT_ACK;
	sp.wscale = -1;
	sp.payload = "hello";
	sp.len = 5;
	return sp;
}

struct in_case {
	uint8_t family;
	bool vlan;
	uint32_t pad;
};

static const struct in_case in_cases[] = {
	{4, false, 0}, {4, true, 0}, {4, false, 7}, {6, false, 0}, {6, true, 3},
};

ParameterizedTestParameters(net, input_fills_the_reply_path)
{
	return cr_make_param_array(struct in_case, in_cases,
				   sizeof(in_cases) / sizeof(in_cases[0]));
}

ParameterizedTest(const struct in_case *ic, net, input_fills_the_reply_path)
{
	struct pkt_spec sp = spec(ic->family);
	uint8_t frame[200];
	struct net_rx rx;
	uint32_t len, alen = ic->family == 4 ? 4 : 16;

	sp.vlan = ic->vlan;
	sp.vlan_tci = 0xe00a;
	sp.eth_pad = ic->pad;
	len = pkt_build(frame, sizeof(frame), &sp);
	cr_assert_eq(eth_input(frame, len, &rx), NET_OK);
	cr_assert_arr_eq(rx.path.remote_mac, sp.src_mac, 6);
	cr_assert_arr_eq(rx.path.local_mac, sp.dst_mac, 6);
	cr_assert_eq(rx.path.vlan, ic->vlan);
	if (ic->vlan)
		cr_assert_eq(rx.path.vlan_tci, 0xe00a);
	cr_assert_eq(rx.path.family, ic->family);
	cr_assert_arr_eq(rx.path.remote_addr, sp.saddr, alen);
	cr_assert_arr_eq(rx.path.local_addr, sp.daddr, alen);
	cr_assert_eq(rx.l4_len, 20 + 5, "padding is not part of the segment");
	cr_assert_eq(rx.l4, frame + len - ic->pad - 25);
	/* With the pseudo-header, the whole segment sums to all ones. */
	cr_assert_eq(csum_fold(csum_partial(rx.l4, rx.l4_len, rx.pseudo_sum)), 0xffff);
}

struct out_case {
	uint8_t family;
	bool vlan;
};

static const struct out_case out_cases[] = {{4, false}, {4, true}, {6, false}, {6, true}};

ParameterizedTestParameters(net, output_headers_parse_back)
{
	return cr_make_param_array(struct out_case, out_cases,
				   sizeof(out_cases) / sizeof(out_cases[0]));
}

ParameterizedTest(const struct out_case *oc, net, output_headers_parse_back)
{
	struct net_path p;
	struct pkt_info pi;
	uint8_t frame[200];
	uint32_t hl, pseudo, sum;
	uint16_t check;

	memset(&p, 0, sizeof(p));
	memcpy(p.local_mac, "\x02\0\0\0\0\x02", 6);
	memcpy(p.remote_mac, "\x02\0\0\0\0\x01", 6);
	p.vlan = oc->vlan;
	p.vlan_tci = 0x0123;
	p.family = oc->family;
	p.local_addr[0] = oc->family == 4 ? 198 : 0xfd;
	p.local_addr[oc->family == 4 ? 3 : 15] = 1;
	p.remote_addr[0] = oc->family == 4 ? 198 : 0xfd;
	p.remote_addr[oc->family == 4 ? 3 : 15] = 2;
	hl = eth_output(frame, &p, 20, 0x4242, &pseudo);
	cr_assert_eq(hl, eth_output_hdr_len(&p));
	/* A bare TCP header behind it, checksummed with the returned pseudo sum. */
	memset(frame + hl, 0, 20);
	frame[hl + 1] = 80;
	frame[hl + 3] = 99;
	frame[hl + 12] = 0x50;
	frame[hl + 13] = PKT_ACK;
	sum = csum_partial(frame + hl, 20, pseudo);
	check = csum_finish(sum);
	memcpy(frame + hl + 16, &check, 2);
	cr_assert_eq(pkt_parse(frame, hl + 20, &pi), 0);
	cr_assert(pi.ip_csum_ok);
	cr_assert(pi.tcp_csum_ok, "pseudo-header sum disagrees with the reference");
	cr_assert_eq(pi.vlan, oc->vlan);
	if (oc->vlan)
		cr_assert_eq(pi.vlan_tci, 0x0123);
	cr_assert_eq(pi.ttl, 64);
	if (oc->family == 4)
		cr_assert(pi.df);
	cr_assert_arr_eq(pi.dst_mac, p.remote_mac, 6);
	cr_assert_arr_eq(pi.src_mac, p.local_mac, 6);
	cr_assert_arr_eq(pi.daddr, p.remote_addr, oc->family == 4 ? 4 : 16);
}

struct drop_case {
	uint8_t family;
	int what;
	enum net_drop expect;
};

enum {
	SHORT_ETH,
	SHORT_VLAN,
	QINQ,
	ARP,
	IP_VER,
	IHL,
	SHORT_IP,
	CSUM,
	FRAG,
	UDP,
	V6_EXT,
	V6_PLEN,
	V4_MCAST_SRC,
	V6_MCAST_DST,
	V6_JUMBO,
	BCAST_DST_MAC,
	MCAST_DST_MAC
};

static const struct drop_case drops[] = {
	{4, SHORT_ETH, NET_DROP_MALFORMED},	  {4, SHORT_VLAN, NET_DROP_MALFORMED},
	{4, QINQ, NET_DROP_UNSUPPORTED},	  {4, ARP, NET_DROP_UNSUPPORTED},
	{4, IP_VER, NET_DROP_MALFORMED},	  {4, IHL, NET_DROP_MALFORMED},
	{4, SHORT_IP, NET_DROP_MALFORMED},	  {4, CSUM, NET_DROP_CSUM},
	{4, FRAG, NET_DROP_UNSUPPORTED},	  {4, UDP, NET_DROP_UNSUPPORTED},
	{6, V6_EXT, NET_DROP_UNSUPPORTED},	  {6, V6_PLEN, NET_DROP_MALFORMED},
	{4, V4_MCAST_SRC, NET_DROP_MALFORMED},	  {6, V6_MCAST_DST, NET_DROP_MALFORMED},
	{6, V6_JUMBO, NET_DROP_UNSUPPORTED},	  {4, BCAST_DST_MAC, NET_DROP_UNSUPPORTED},
	{6, MCAST_DST_MAC, NET_DROP_UNSUPPORTED},
};

ParameterizedTestParameters(net, input_drops)
{
	return cr_make_param_array(struct drop_case, drops, sizeof(drops) / sizeof(drops[0]));
}

ParameterizedTest(const struct drop_case *dc, net, input_drops)
{
	struct pkt_spec sp = spec(dc->family);
	uint8_t frame[200];
	struct net_rx rx;
	uint32_t len;

	switch (dc->what) {
	case QINQ:
	case SHORT_VLAN:
		sp.vlan = true;
		break;
	case CSUM:
		sp.bad_ip_csum = true;
		break;
	case FRAG:
		sp.ip_frag_off = 0x2000;
		break;
	case UDP:
		sp.ip_proto = 17;
		break;
	case V6_EXT:
		sp.ip_proto = 43;
		break;
	case V4_MCAST_SRC:
		sp.saddr[0] = 224;
		break;
	case V6_MCAST_DST:
		sp.daddr[0] = 0xff;
		break;
	case BCAST_DST_MAC: /* found by fuzz_net: the reply had a group source MAC */
		memset(sp.dst_mac, 0xff, 6);
		break;
	case MCAST_DST_MAC:
		sp.dst_mac[0] = 0x33, sp.dst_mac[1] = 0x33;
		break;
	default:
		break;
	}
	len = pkt_build(frame, sizeof(frame), &sp);
	switch (dc->what) {
	case SHORT_ETH:
		len = 13;
		break;
	case SHORT_VLAN:
		len = 16;
		break;
	case QINQ:
		frame[16] = 0x81, frame[17] = 0x00;
		break;
	case ARP:
		frame[12] = 0x08, frame[13] = 0x06;
		break;
	case IP_VER:
		frame[14] = 0x65;
		break;
	case IHL:
		frame[14] = 0x43;
		break;
	case SHORT_IP:
		len = 14 + 19;
		break;
	case V6_PLEN:
		frame[14 + 5] += 1;
		break;
	case V6_JUMBO:
		frame[14 + 4] = frame[14 + 5] = 0;
		break;
	default:
		break;
	}
	cr_assert_eq(eth_input(frame, len, &rx), dc->expect, "case %d", dc->what);
}

/* --- IPv6 extension headers before TCP (ipv6_parse walks them) --- */

struct ext_hdr {
	uint8_t type;  /* 0 hop-by-hop, 60 destination options, 44 fragment, 43 routing */
	uint8_t len;   /* Hdr Ext Len (not for 44) */
	uint16_t frag; /* offset << 3 | M, for 44 */
};

struct ext_case {
	char name[48];
	struct ext_hdr h[6];
	int n;
	enum net_drop expect;
};

static const struct ext_case ext_cases[] = {
	{"hop-by-hop", {{0, 0, 0}}, 1, NET_OK},
	{"destination options, 16 bytes", {{60, 1, 0}}, 1, NET_OK},
	{"hop-by-hop then destination options", {{0, 0, 0}, {60, 0, 0}}, 2, NET_OK},
	{"four headers", {{0, 0, 0}, {60, 0, 0}, {60, 2, 0}, {60, 0, 0}}, 4, NET_OK},
	{"five headers: more than walked",
	 {{0, 0, 0}, {60, 0, 0}, {60, 0, 0}, {60, 0, 0}, {60, 0, 0}},
	 5,
	 NET_DROP_UNSUPPORTED},
	{"512 bytes", {{60, 31, 0}, {60, 31, 0}}, 2, NET_OK},
	{"520 bytes: more than walked",
	 {{60, 31, 0}, {60, 31, 0}, {60, 0, 0}},
	 3,
	 NET_DROP_UNSUPPORTED},
	{"hop-by-hop not first", {{60, 0, 0}, {0, 0, 0}}, 2, NET_DROP_UNSUPPORTED},
	{"routing header", {{43, 0, 0}}, 1, NET_DROP_UNSUPPORTED},
	{"atomic fragment", {{44, 0, 0}}, 1, NET_OK},
	{"first fragment", {{44, 0, 1}}, 1, NET_DROP_UNSUPPORTED},
	{"later fragment", {{44, 0, 185 << 3}}, 1, NET_DROP_UNSUPPORTED},
};

ParameterizedTestParameters(net, ipv6_extension_headers)
{
	return cr_make_param_array(struct ext_case, ext_cases,
				   sizeof(ext_cases) / sizeof(ext_cases[0]));
}

/* A v6 segment with the headers of ec inserted between the fixed header and TCP. */
static uint32_t ext_frame(const struct ext_case *ec, uint8_t *frame, uint32_t cap)
{
	struct pkt_spec sp = spec(6);
	uint8_t seg[200], *ip = frame + 14, *p;
	uint32_t len = pkt_build(seg, sizeof(seg), &sp), tcp_len = len - 54, off = 0;
	uint8_t *link = ip + 6;

	cr_assert_lt(len + 6 * 256, cap);
	memcpy(frame, seg, 54);
	p = frame + 54;
	for (int i = 0; i < ec->n; i++) {
		uint32_t hl = ec->h[i].type == 44 ? 8 : 8 * (1u + ec->h[i].len);

		memset(p + off, 0, hl); /* Pad1 options */
		*link = ec->h[i].type;
		link = p + off;
		if (ec->h[i].type == 44) {
			p[off + 2] = (uint8_t)(ec->h[i].frag >> 8);
			p[off + 3] = (uint8_t)ec->h[i].frag;
		} else {
			p[off + 1] = ec->h[i].len;
		}
		off += hl;
	}
	*link = NET_PROTO_TCP;
	memcpy(p + off, seg + 54, tcp_len);
	ip[4] = (uint8_t)((off + tcp_len) >> 8);
	ip[5] = (uint8_t)(off + tcp_len);
	return 54 + off + tcp_len;
}

ParameterizedTest(const struct ext_case *ec, net, ipv6_extension_headers)
{
	static uint8_t frame[4096];
	struct net_rx rx;
	uint32_t len = ext_frame(ec, frame, sizeof(frame));

	cr_log_info("%s", ec->name);
	cr_assert_eq(eth_input(frame, len, &rx), ec->expect, "%s", ec->name);
	if (ec->expect != NET_OK)
		return;
	cr_assert(!rx.ptb);
	cr_assert_eq(rx.l4_len, 20 + 5, "%s: the TCP segment, headers skipped", ec->name);
	cr_assert_eq(rx.l4, frame + len - 25);
	/* The pseudo-header counts the upper layer only (RFC 8200 §8.1). */
	cr_assert_eq(csum_fold(csum_partial(rx.l4, rx.l4_len, rx.pseudo_sum)), 0xffff);
}

Test(net, ipv6_extension_header_past_the_payload)
{
	static const struct ext_case ec = {"", {{60, 1, 0}}, 1, NET_OK};
	static uint8_t frame[4096];
	struct net_rx rx;
	uint32_t len = ext_frame(&ec, frame, sizeof(frame));

	frame[54 + 1] = 200; /* 1608 bytes claimed */
	cr_assert_eq(eth_input(frame, len, &rx), NET_DROP_MALFORMED);
}

/* Our own headers never carry extension headers. */
Test(net, ipv6_output_has_no_extension_headers)
{
	uint8_t buf[100];

	cr_assert_eq(ipv6_write(buf, (const uint8_t *)"\xfd\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x01",
				(const uint8_t *)"\xfd\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x02", 20),
		     NET_IPV6_HLEN);
	cr_assert_eq(buf[6], NET_PROTO_TCP);
}
