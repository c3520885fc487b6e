/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ip.h — IPv4 and IPv6 header parsing and writing (ipv4.c, ipv6.c).
 *
 * Called by eth.c: the parsers on input, the writers on output. Only TCP is
 * carried; fragments and IPv6 extension headers are not supported.
 */
#ifndef XDPSERVE_IP_H
#define XDPSERVE_IP_H

#include <stdint.h>

#include "net/net.h"

struct ip_info {
	const uint8_t *saddr; /* in the packet */
	const uint8_t *daddr;
	uint32_t payload_len; /* bytes after the IP header, padding excluded */
	enum net_drop drop;   /* why, when the parser returns -1 */
};

/*
 * Parse and verify an IPv4 header at p[0..len) (len = bytes to the end of
 * the frame): version, IHL, header checksum, total length, no fragment,
 * protocol TCP, unicast addresses. Returns the header length, -1 invalid
 * (ip->drop says why), -2 incomplete.
 */
int ipv4_parse(const uint8_t *p, uint32_t len, struct ip_info *ip);

/* The same for IPv6: version, payload length, next header TCP. */
int ipv6_parse(const uint8_t *p, uint32_t len, struct ip_info *ip);

/*
 * Write a 20-byte IPv4 header (DF, TTL 64, protocol TCP, checksum filled)
 * for payload_len bytes of TCP. Returns 20.
 */
uint32_t ipv4_write(uint8_t *buf, const uint8_t *saddr, const uint8_t *daddr, uint32_t payload_len,
		    uint16_t id);

/* Write a 40-byte IPv6 header (hop limit 64, next header TCP). Returns 40. */
uint32_t ipv6_write(uint8_t *buf, const uint8_t *saddr, const uint8_t *daddr, uint32_t payload_len);

#endif /* XDPSERVE_IP_H */
