/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * eth.h — Ethernet input and output (with at most one 802.1Q tag).
 *
 * Called by the TCP stack: eth_input() for every received frame, and
 * eth_output() for the headers of every frame it sends.
 */
#ifndef XDPSERVE_ETH_H
#define XDPSERVE_ETH_H

#include <stdint.h>

#include "net/net.h"

#define ETH_P_IPV4   0x0800
#define ETH_P_IPV6   0x86dd
#define ETH_P_8021Q  0x8100
#define ETH_P_8021AD 0x88a8

struct eth_info {
	const uint8_t *dst; /* destination MAC, in the frame */
	const uint8_t *src; /* source MAC, in the frame */
	uint16_t type;	    /* ethertype after the tag, host order */
	bool vlan;
	uint16_t vlan_tci;  /* host order */
	enum net_drop drop; /* why, when eth_parse() returns -1 */
};

/*
 * Parse the Ethernet header (and one 802.1Q tag) of frame[0..len).
 * Returns the header bytes consumed, -1 invalid (e->drop says why),
 * -2 incomplete. Borrows the frame; e points into it.
 */
int eth_parse(const uint8_t *frame, uint32_t len, struct eth_info *e);

/*
 * Ethernet, then IPv4 or IPv6: verify everything below TCP and fill rx
 * (which points into the borrowed frame). NET_OK or the reason to drop.
 */
enum net_drop eth_input(const uint8_t *frame, uint32_t len, struct net_rx *rx);

/* Bytes of Ethernet + IP header eth_output() writes for path p. */
static inline uint32_t eth_output_hdr_len(const struct net_path *p)
{
	return NET_ETH_HLEN + (p->vlan ? NET_VLAN_HLEN : 0) +
	       (p->family == NET_FAMILY_INET ? NET_IPV4_HLEN : NET_IPV6_HLEN);
}

/*
 * Write the Ethernet (+ tag) and IP headers of a packet along p carrying
 * l4_len bytes of TCP into buf; *pseudo_sum gets the TCP pseudo-header sum.
 * ip_id is the IPv4 identification (ignored for IPv6). Returns the bytes
 * written (eth_output_hdr_len(p)).
 */
uint32_t eth_output(uint8_t *buf, const struct net_path *p, uint32_t l4_len, uint16_t ip_id,
		    uint32_t *pseudo_sum);

#endif /* XDPSERVE_ETH_H */
