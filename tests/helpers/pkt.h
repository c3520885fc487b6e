/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pkt.h — client-side packets for unit tests: build Ethernet (+802.1Q) /
 * IPv4 or IPv6 / TCP frames with any options and correct or broken
 * checksums, and parse the frames the stack sends, verifying the IPv4 and
 * TCP checksums with a byte-by-byte reference sum that shares no code with
 * net/checksum.c.
 */
#ifndef XDPSERVE_TEST_PKT_H
#define XDPSERVE_TEST_PKT_H

#include <stdbool.h>
#include <stdint.h>

#define PKT_FIN 0x01
#define PKT_SYN 0x02
#define PKT_RST 0x04
#define PKT_PSH 0x08
#define PKT_ACK 0x10

struct pkt_spec {
	uint8_t family; /* 4 or 6 */
	uint8_t src_mac[6], dst_mac[6];
	bool vlan;
	uint16_t vlan_tci;
	uint8_t saddr[16], daddr[16]; /* IPv4 in the first 4 bytes */
	uint16_t sport, dport;	      /* host order */
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t wnd;
	/* Options, written in this order: MSS, SACK-permitted, TS, NOP+WS, SACK. */
	uint16_t mss; /* 0: none */
	int wscale;   /* < 0: none */
	bool sack_perm;
	bool ts;
	uint32_t tsval, tsecr;
	uint8_t nsack;
	uint32_t sack[4][2];
	const uint8_t *raw_opts; /* if set: these bytes instead (padded to 4 with EOL) */
	uint32_t raw_optlen;
	const void *payload;
	uint32_t len;
	bool bad_tcp_csum, bad_ip_csum;
	uint32_t eth_pad;     /* trailing bytes after the IP packet */
	uint16_t ip_frag_off; /* raw IPv4 flags/fragment field; 0 = DF only */
	uint8_t ip_proto;     /* 0 = TCP */
};

/* Build the frame into buf (cap bytes); returns its length. */
uint32_t pkt_build(uint8_t *buf, uint32_t cap, const struct pkt_spec *sp);

struct pkt_info {
	uint8_t dst_mac[6], src_mac[6];
	bool vlan;
	uint16_t vlan_tci;
	uint8_t family;
	uint8_t saddr[16], daddr[16];
	uint8_t ttl; /* or hop limit */
	bool df;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t wnd;
	bool mss_ok, ws_ok, sack_perm, ts_ok;
	uint16_t mss;
	uint8_t ws;
	uint32_t tsval, tsecr;
	uint8_t nsack;
	uint32_t sack[4][2];
	uint32_t optlen;
	const uint8_t *payload; /* into the parsed frame */
	uint32_t len;
	bool ip_csum_ok, tcp_csum_ok;
};

/* Parse a frame the stack sent; 0, or -1 when it is not well-formed Eth/IP/TCP. */
int pkt_parse(const uint8_t *frame, uint32_t len, struct pkt_info *pi);

/* The reference RFC 1071 sum of p[0..len) as big-endian words (not inverted). */
uint16_t pkt_ref_sum(const uint8_t *p, uint32_t len, uint32_t start);

#endif /* XDPSERVE_TEST_PKT_H */
