// SPDX-License-Identifier: GPL-2.0-only
/*
 * steer_ref.c — the reference classifier of steer_ref.h, used by
 * tests/bpf/test_steer.c.
 */
#include "steer_ref.h"

#include <stdbool.h>
#include <string.h>

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* IPv6 extension headers (IANA "IPv6 Extension Header Types"). */
static bool ipv6_is_extension(uint8_t nh)
{
	static const uint8_t ext[] = {0, 43, 44, 50, 51, 60, 135, 139, 140, 253, 254};

	return memchr(ext, nh, sizeof(ext)) != NULL;
}

/* Do the first `bits` bits of a and b agree? */
static bool prefix_match(const uint8_t *a, const uint8_t *b, uint32_t bits)
{
	uint32_t bytes = bits / 8, rest = bits % 8;

	if (memcmp(a, b, bytes))
		return false;
	return !rest || !((a[bytes] ^ b[bytes]) & (uint8_t)(0xff << (8 - rest)));
}

static bool served(const struct xdpserve_endpoint_key *keys, size_t nkeys, uint8_t family,
		   const uint8_t *addr, const uint8_t *port)
{
	for (size_t i = 0; i < nkeys; i++) {
		const struct xdpserve_endpoint_key *k = &keys[i];

		if (k->family == family && !memcmp(&k->port, port, 2) &&
		    prefix_match(k->addr, addr, k->prefixlen - XDPSERVE_ENDPOINT_FIXED_BITS))
			return true;
	}
	return false;
}

/* What a frame is addressed to, once its headers are read. */
struct ref_dst {
	uint8_t family;
	const uint8_t *addr;
	const uint8_t *port; /* network order, in the frame */
	bool icmp;	     /* a "packet too big" naming this source */
	bool first_frag;
};

/* An IPv4 header at f+off of IHL >= 5, all in the frame; its length or 0. */
static size_t ref_ipv4_hlen(const uint8_t *f, size_t len, size_t off)
{
	size_t hl;

	if (len < off || len - off < 20 || f[off] >> 4 != 4)
		return 0;
	hl = (size_t)(f[off] & 0xf) * 4;
	return hl >= 20 && len - off >= hl ? hl : 0;
}

/*
 * ICMP type 3 code 4 (v4) or ICMPv6 type 2 code 0 at f+off, quoting an IP
 * header and 8 bytes of TCP: fill d with the quoted source; else NOT_TCP.
 */
static enum xdpserve_stat ref_ptb(const uint8_t *f, size_t len, size_t off, bool v6,
				  struct ref_dst *d)
{
	size_t in = off + 8, hl;

	if (len - off < 8 || f[off] != (v6 ? 2 : 3) || f[off + 1] != (v6 ? 0 : 4))
		return XDPSERVE_STAT_PASS_NOT_TCP;
	if (v6) {
		if (len - in < 40 || f[in] >> 4 != 6 || f[in + 6] != 6)
			return XDPSERVE_STAT_PASS_NOT_TCP;
		hl = 40;
		d->addr = f + in + 8;
	} else {
		hl = ref_ipv4_hlen(f, len, in);
		if (!hl || f[in + 9] != 6)
			return XDPSERVE_STAT_PASS_NOT_TCP;
		d->addr = f + in + 12;
	}
	if (len - in - hl < 8)
		return XDPSERVE_STAT_PASS_NOT_TCP;
	d->family = v6 ? XDPSERVE_FAMILY_INET6 : XDPSERVE_FAMILY_INET;
	d->port = f + in + hl; /* the quoted source port */
	d->icmp = true;
	return XDPSERVE_STAT_REDIRECTED;
}

/* A whole TCP header at f+off; fills d->port. */
static enum xdpserve_stat ref_tcp(const uint8_t *f, size_t len, size_t off, struct ref_dst *d)
{
	size_t doff;

	if (len - off < 20)
		goto bad;
	doff = (size_t)(f[off + 12] >> 4) * 4;
	if (doff < 20 || len - off < doff)
		goto bad;
	d->port = f + off + 2;
	return XDPSERVE_STAT_REDIRECTED;
bad:
	return d->first_frag ? XDPSERVE_STAT_PASS_FRAGMENT : XDPSERVE_STAT_PASS_MALFORMED;
}

static enum xdpserve_stat ref_ipv4(const uint8_t *f, size_t len, size_t off, struct ref_dst *d)
{
	size_t hl = ref_ipv4_hlen(f, len, off);
	uint16_t frag;
	uint8_t proto;

	if (!hl)
		return XDPSERVE_STAT_PASS_MALFORMED;
	frag = be16(f + off + 6);
	proto = f[off + 9];
	if (frag & 0x1fff) /* an offset: a later fragment */
		return proto == 6 ? XDPSERVE_STAT_PASS_FRAGMENT : XDPSERVE_STAT_PASS_NOT_TCP;
	d->first_frag = frag & 0x2000;
	if (proto == 1 && !d->first_frag)
		return ref_ptb(f, len, off + hl, false, d);
	if (proto != 6)
		return XDPSERVE_STAT_PASS_NOT_TCP;
	d->family = XDPSERVE_FAMILY_INET;
	d->addr = f + off + 16;
	return ref_tcp(f, len, off + hl, d);
}

/*
 * IPv6: up to 4 extension headers are read — hop-by-hop only first,
 * destination options (at most 512 bytes of those headers counted as they
 * come), one fragment header (a second one, or any other extension, is
 * not walked).
 */
static enum xdpserve_stat ref_ipv6(const uint8_t *f, size_t len, size_t off, struct ref_dst *d)
{
	size_t p = off + 40, total = 0, hl;
	uint8_t nh;
	bool frag_seen = false;

	if (len - off < 40 || f[off] >> 4 != 6)
		return XDPSERVE_STAT_PASS_MALFORMED;
	nh = f[off + 6];
	for (int i = 0; i < 4; i++) {
		if ((nh == 0 && i == 0) || nh == 60) {
			if (len - p < 2)
				return XDPSERVE_STAT_PASS_MALFORMED;
			hl = ((size_t)f[p + 1] + 1) * 8;
			total += hl;
			if (total > 512)
				return XDPSERVE_STAT_PASS_IPV6_EXTHDR;
			if (len - p < hl)
				return XDPSERVE_STAT_PASS_MALFORMED;
		} else if (nh == 44 && !frag_seen) {
			if (len - p < 8)
				return XDPSERVE_STAT_PASS_MALFORMED;
			hl = 8;
			total += 8;
			if (be16(f + p + 2) & 0xfff8)
				return XDPSERVE_STAT_PASS_FRAGMENT;
			if (be16(f + p + 2) & 1) {
				frag_seen = true;
				d->first_frag = true;
			}
		} else {
			break;
		}
		nh = f[p];
		p += hl;
	}
	if (ipv6_is_extension(nh))
		return XDPSERVE_STAT_PASS_IPV6_EXTHDR;
	if (nh == 58 && !d->first_frag)
		return ref_ptb(f, len, p, true, d);
	if (nh != 6)
		return XDPSERVE_STAT_PASS_NOT_TCP;
	d->family = XDPSERVE_FAMILY_INET6;
	d->addr = f + off + 24;
	return ref_tcp(f, len, p, d);
}

enum xdpserve_stat steer_ref_classify(const uint8_t *f, size_t len,
				      const struct xdpserve_endpoint_key *keys, size_t nkeys,
				      const uint8_t *mac)
{
	struct ref_dst d = {0};
	enum xdpserve_stat st;
	size_t off = 14;
	uint16_t type;

	if (len < 14)
		return XDPSERVE_STAT_PASS_MALFORMED;
	type = be16(f + 12);
	if (type == 0x8100) {
		if (len < 18)
			return XDPSERVE_STAT_PASS_MALFORMED;
		type = be16(f + 16);
		off = 18;
	}
	if (type == 0x0800)
		st = ref_ipv4(f, len, off, &d);
	else if (type == 0x86dd)
		st = ref_ipv6(f, len, off, &d);
	else
		return XDPSERVE_STAT_PASS_NOT_IP;
	if (st != XDPSERVE_STAT_REDIRECTED)
		return st;
	if (!served(keys, nkeys, d.family, d.addr, d.port))
		return d.icmp ? XDPSERVE_STAT_PASS_NOT_TCP : XDPSERVE_STAT_PASS_NOT_SERVED;
	if (mac && memcmp(f, mac, 6))
		return XDPSERVE_STAT_PASS_OTHER_MAC;
	return d.first_frag ? XDPSERVE_STAT_DROP_FRAGMENT : XDPSERVE_STAT_REDIRECT_FAILED;
}
