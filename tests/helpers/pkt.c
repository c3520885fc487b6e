// SPDX-License-Identifier: GPL-2.0-only
/*
 * pkt.c — packet builders and parsers for the unit tests (see pkt.h). The
 * checksum here is a deliberately naive byte loop, independent of the code
 * under test.
 */
#include "helpers/pkt.h"

#include <string.h>

static void be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

uint16_t pkt_ref_sum(const uint8_t *p, uint32_t len, uint32_t start)
{
	uint64_t s = start;

	for (uint32_t i = 0; i < len; i++)
		s += (i & 1) ? p[i] : (uint32_t)p[i] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* Reference pseudo-header sum (big-endian words). */
static uint32_t ref_pseudo(uint8_t family, const uint8_t *sa, const uint8_t *da, uint32_t len)
{
	uint32_t alen = family == 4 ? 4 : 16;
	uint32_t s = pkt_ref_sum(sa, alen, 0);

	s = pkt_ref_sum(da, alen, s);
	s += 6;
	s += len & 0xffff;
	s += len >> 16;
	return s;
}

static uint32_t write_opts(uint8_t *o, const struct pkt_spec *sp)
{
	uint32_t n = 0;

	if (sp->raw_opts) {
		memcpy(o, sp->raw_opts, sp->raw_optlen);
		n = sp->raw_optlen;
	} else {
		if (sp->mss) {
			o[n++] = 2;
			o[n++] = 4;
			be16(o + n, sp->mss);
			n += 2;
		}
		if (sp->sack_perm) {
			o[n++] = 1;
			o[n++] = 1;
			o[n++] = 4;
			o[n++] = 2;
		}
		if (sp->ts) {
			o[n++] = 1;
			o[n++] = 1;
			o[n++] = 8;
			o[n++] = 10;
			be32(o + n, sp->tsval);
			be32(o + n + 4, sp->tsecr);
			n += 8;
		}
		if (sp->wscale >= 0) {
			o[n++] = 1;
			o[n++] = 3;
			o[n++] = 3;
			o[n++] = (uint8_t)sp->wscale;
		}
		if (sp->nsack) {
			o[n++] = 1;
			o[n++] = 1;
			o[n++] = 5;
			o[n++] = (uint8_t)(2 + 8 * sp->nsack);
			for (int i = 0; i < sp->nsack; i++) {
				be32(o + n, sp->sack[i][0]);
				be32(o + n + 4, sp->sack[i][1]);
				n += 8;
			}
		}
	}
	while (n % 4)
		o[n++] = 0;
	return n;
}

uint32_t pkt_build(uint8_t *buf, uint32_t cap, const struct pkt_spec *sp)
{
	uint8_t opts[64];
	uint32_t optlen = write_opts(opts, sp);
	uint32_t thl = 20 + optlen, l4 = thl + sp->len, off = 12, ipoff;
	uint8_t *ip, *th;
	uint16_t sum;

	if (cap < 18 + 40 + l4 + sp->eth_pad)
		return 0;
	memcpy(buf, sp->dst_mac, 6);
	memcpy(buf + 6, sp->src_mac, 6);
	if (sp->vlan) {
		be16(buf + off, 0x8100);
		be16(buf + off + 2, sp->vlan_tci);
		off += 4;
	}
	be16(buf + off, sp->family == 4 ? 0x0800 : 0x86dd);
	off += 2;
	ipoff = off;
	ip = buf + ipoff;
	if (sp->family == 4) {
		memset(ip, 0, 20);
		ip[0] = 0x45;
		be16(ip + 2, (uint16_t)(20 + l4));
		be16(ip + 4, 0x1234);
		be16(ip + 6, sp->ip_frag_off ? sp->ip_frag_off : 0x4000);
		ip[8] = 64;
		ip[9] = sp->ip_proto ? sp->ip_proto : 6;
		memcpy(ip + 12, sp->saddr, 4);
		memcpy(ip + 16, sp->daddr, 4);
		sum = (uint16_t)~pkt_ref_sum(ip, 20, 0);
		if (sp->bad_ip_csum)
			sum ^= 0x0101;
		be16(ip + 10, sum);
		th = ip + 20;
	} else {
		memset(ip, 0, 40);
		ip[0] = 0x60;
		be16(ip + 4, (uint16_t)l4);
		ip[6] = sp->ip_proto ? sp->ip_proto : 6;
		ip[7] = 64;
		memcpy(ip + 8, sp->saddr, 16);
		memcpy(ip + 24, sp->daddr, 16);
		th = ip + 40;
	}
	be16(th, sp->sport);
	be16(th + 2, sp->dport);
	be32(th + 4, sp->seq);
	be32(th + 8, sp->ack);
	th[12] = (uint8_t)((thl / 4) << 4);
	th[13] = sp->flags;
	be16(th + 14, sp->wnd);
	memset(th + 16, 0, 4);
	memcpy(th + 20, opts, optlen);
	if (sp->len)
		memcpy(th + thl, sp->payload, sp->len);
	sum = (uint16_t)~pkt_ref_sum(th, l4, ref_pseudo(sp->family, sp->saddr, sp->daddr, l4));
	if (sp->bad_tcp_csum)
		sum ^= 0x0404;
	be16(th + 16, sum);
	off = (uint32_t)(th - buf) + l4;
	memset(buf + off, 0, sp->eth_pad);
	return off + sp->eth_pad;
}

static int parse_opts(const uint8_t *o, uint32_t len, struct pkt_info *pi)
{
	uint32_t i = 0;

	while (i < len) {
		if (o[i] == 0)
			break;
		if (o[i] == 1) {
			i++;
			continue;
		}
		if (i + 1 >= len || o[i + 1] < 2 || i + o[i + 1] > len)
			return -1;
		switch (o[i]) {
		case 2:
			if (o[i + 1] != 4)
				return -1;
			pi->mss_ok = true;
			pi->mss = rd16(o + i + 2);
			break;
		case 3:
			if (o[i + 1] != 3)
				return -1;
			pi->ws_ok = true;
			pi->ws = o[i + 2];
			break;
		case 4:
			if (o[i + 1] != 2)
				return -1;
			pi->sack_perm = true;
			break;
		case 5:
			if ((o[i + 1] - 2) % 8 || o[i + 1] < 10)
				return -1;
			pi->nsack = (uint8_t)((o[i + 1] - 2) / 8);
			for (int b = 0; b < pi->nsack && b < 4; b++) {
				pi->sack[b][0] = rd32(o + i + 2 + 8 * b);
				pi->sack[b][1] = rd32(o + i + 6 + 8 * b);
			}
			break;
		case 8:
			if (o[i + 1] != 10)
				return -1;
			pi->ts_ok = true;
			pi->tsval = rd32(o + i + 2);
			pi->tsecr = rd32(o + i + 6);
			break;
		default:
			break;
		}
		i += o[i + 1];
	}
	return 0;
}

int pkt_parse(const uint8_t *f, uint32_t len, struct pkt_info *pi)
{
	uint32_t off = 12, l4, thl;
	const uint8_t *ip, *th;
	uint16_t type;

	memset(pi, 0, sizeof(*pi));
	if (len < 14)
		return -1;
	memcpy(pi->dst_mac, f, 6);
	memcpy(pi->src_mac, f + 6, 6);
	type = rd16(f + off);
	if (type == 0x8100) {
		pi->vlan = true;
		pi->vlan_tci = rd16(f + 14);
		off += 4;
		type = rd16(f + off);
	}
	off += 2;
	ip = f + off;
	if (type == 0x0800) {
		if (len < off + 20 || ip[0] != 0x45 || ip[9] != 6)
			return -1;
		pi->family = 4;
		if (rd16(ip + 2) != len - off)
			return -1; /* the stack never pads */
		pi->ip_csum_ok = pkt_ref_sum(ip, 20, 0) == 0xffff;
		pi->df = rd16(ip + 6) == 0x4000;
		pi->ttl = ip[8];
		memcpy(pi->saddr, ip + 12, 4);
		memcpy(pi->daddr, ip + 16, 4);
		th = ip + 20;
		l4 = len - off - 20;
	} else if (type == 0x86dd) {
		if (len < off + 40 || (ip[0] >> 4) != 6 || ip[6] != 6)
			return -1;
		pi->family = 6;
		if (rd16(ip + 4) != len - off - 40)
			return -1;
		pi->ip_csum_ok = true;
		pi->ttl = ip[7];
		memcpy(pi->saddr, ip + 8, 16);
		memcpy(pi->daddr, ip + 24, 16);
		th = ip + 40;
		l4 = len - off - 40;
	} else {
		return -1;
	}
	if (l4 < 20)
		return -1;
	thl = (uint32_t)(th[12] >> 4) * 4;
	if (thl < 20 || thl > l4)
		return -1;
	pi->sport = rd16(th);
	pi->dport = rd16(th + 2);
	pi->seq = rd32(th + 4);
	pi->ack = rd32(th + 8);
	pi->flags = th[13];
	pi->wnd = rd16(th + 14);
	pi->optlen = thl - 20;
	if (parse_opts(th + 20, thl - 20, pi) < 0)
		return -1;
	pi->payload = th + thl;
	pi->len = l4 - thl;
	pi->tcp_csum_ok =
		pkt_ref_sum(th, l4, ref_pseudo(pi->family, pi->saddr, pi->daddr, l4)) == 0xffff;
	return 0;
}
