/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ip.h — IPv4 and IPv6 header parsing and writing (ipv4.c, ipv6.c).
 *
 * Called by eth.c: the parsers on input, the writers on output. TCP is
 * carried, and ICMP/ICMPv6 "packet too big" errors about it are parsed
 * (ipv4_ptb_parse, ipv6_ptb_parse); fragments are not supported. IPv6 hop-by-hop and
 * destination-options headers before the upper layer are walked (at most
 * NET_IPV6_MAX_EXT of them, NET_IPV6_EXT_MAX bytes) and skipped; we never
 * send extension headers.
 */
#ifndef XDPSERVE_IP_H
#define XDPSERVE_IP_H

#include <stdint.h>

#include "net/net.h"

struct ip_info {
	const uint8_t *saddr; /* in the packet */
	const uint8_t *daddr;
	uint32_t payload_len; /* bytes after the IP header(s), padding excluded */
	uint8_t proto;	      /* NET_PROTO_TCP, NET_PROTO_ICMP or NET_PROTO_ICMPV6 */
	enum net_drop drop;   /* why, when the parser returns -1 */
};

/*
 * Parse and verify an IPv4 header at p[0..len) (len = bytes to the end of
 * the frame): version, IHL, header checksum, total length, no fragment,
 * protocol TCP or ICMP, unicast addresses. Returns the header length, -1 invalid
 * (ip->drop says why), -2 incomplete.
 */
int ipv4_parse(const uint8_t *p, uint32_t len, struct ip_info *ip);

/*
 * The same for IPv6: version, payload length, extension headers walked,
 * upper layer TCP or ICMPv6. Returns the length of the fixed header plus
 * the extension headers.
 */
int ipv6_parse(const uint8_t *p, uint32_t len, struct ip_info *ip);

/*
 * Write a 20-byte IPv4 header (DF, TTL 64, protocol TCP, checksum filled)
 * for payload_len bytes of TCP. Returns 20.
 */
uint32_t ipv4_write(uint8_t *buf, const uint8_t *saddr, const uint8_t *daddr, uint32_t payload_len,
		    uint16_t id);

/* Write a 40-byte IPv6 header (hop limit 64, next header TCP). Returns 40. */
uint32_t ipv6_write(uint8_t *buf, const uint8_t *saddr, const uint8_t *daddr, uint32_t payload_len);

/*
 * An ICMP "fragmentation needed" (type 3 code 4) or ICMPv6 "packet too
 * big" at p[0..len) (the IP payload of a packet that ip described), about a
 * TCP segment we sent: checksum verified, the quoted packet's source must
 * be the address the error was sent to. Fills rx: path addresses are the
 * quoted packet's (local = its source), l4 the quoted TCP header (at least
 * its first 8 bytes), ptb_mtu the MTU the error names (0 if it names none).
 * Returns NET_OK or why it is not one.
 */
enum net_drop ipv4_ptb_parse(const uint8_t *p, uint32_t len, const struct ip_info *ip,
			     struct net_rx *rx);
enum net_drop ipv6_ptb_parse(const uint8_t *p, uint32_t len, const struct ip_info *ip,
			     struct net_rx *rx);

#endif /* XDPSERVE_IP_H */
