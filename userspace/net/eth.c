// SPDX-License-Identifier: GPL-2.0-only
/*
 * eth.c — Ethernet input and output, the first and last stage of the TCP/IP
 * path: tcp_stack__input() -> eth_input() -> ipv4_parse()/ipv6_parse(), and
 * the TCP output path -> eth_output() -> ipv4_write()/ipv6_write().
 * The interface's own MAC, the source of every frame we send, is read at
 * start by net_iface_mac() (iface.c).
 */
#include "net/eth.h"

#include <string.h>

#include "net/checksum.h"
#include "net/ip.h"

static inline uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

int eth_parse(const uint8_t *frame, uint32_t len, struct eth_info *e)
{
	uint32_t off = NET_ETH_HLEN;

	e->drop = NET_DROP_MALFORMED;
	if (len < NET_ETH_HLEN)
		return -2;
	e->dst = frame;
	e->src = frame + NET_ETH_ALEN;
	e->type = get_be16(frame + 12);
	e->vlan = false;
	e->vlan_tci = 0;
	/* A group address is never the source of a frame. */
	if (e->src[0] & 1)
		return -1;
	if (e->type == ETH_P_8021Q) {
		if (len < NET_ETH_HLEN + NET_VLAN_HLEN)
			return -2;
		e->vlan = true;
		e->vlan_tci = get_be16(frame + 14);
		e->type = get_be16(frame + 16);
		off += NET_VLAN_HLEN;
	}
	/* Stacked tags (QinQ) are not supported. */
	if (e->type == ETH_P_8021Q || e->type == ETH_P_8021AD) {
		e->drop = NET_DROP_UNSUPPORTED;
		return -1;
	}
	e->drop = NET_OK;
	return (int)off;
}

enum net_drop eth_input(const uint8_t *frame, uint32_t len, struct net_rx *rx)
{
	struct eth_info e;
	struct ip_info ip;
	struct net_path *p = &rx->path;
	int off, hl;

	off = eth_parse(frame, len, &e);
	if (off < 0)
		return off == -2 ? NET_DROP_MALFORMED : e.drop;
	/*
	 * TCP is unicast: a frame sent to a group (broadcast or multicast) MAC
	 * is not answered (Linux drops it too: PACKET_HOST only), and a reply
	 * would carry that group address as its source.
	 */
	if (e.dst[0] & 1)
		return NET_DROP_UNSUPPORTED;
	frame += off;
	len -= (uint32_t)off;

	switch (e.type) {
	case ETH_P_IPV4:
		hl = ipv4_parse(frame, len, &ip);
		p->family = NET_FAMILY_INET;
		break;
	case ETH_P_IPV6:
		hl = ipv6_parse(frame, len, &ip);
		p->family = NET_FAMILY_INET6;
		break;
	default:
		return NET_DROP_UNSUPPORTED;
	}
	if (hl < 0)
		return hl == -2 ? NET_DROP_MALFORMED : ip.drop;

	memcpy(p->local_mac, e.dst, NET_ETH_ALEN);
	memcpy(p->remote_mac, e.src, NET_ETH_ALEN);
	p->vlan = e.vlan;
	p->vlan_tci = e.vlan_tci;
	rx->ptb = false;
	if (ip.proto != NET_PROTO_TCP) {
		rx->ptb = true;
		return p->family == NET_FAMILY_INET
			       ? ipv4_ptb_parse(frame + hl, ip.payload_len, &ip, rx)
			       : ipv6_ptb_parse(frame + hl, ip.payload_len, &ip, rx);
	}
	if (p->family == NET_FAMILY_INET) {
		memset(p->local_addr, 0, sizeof(p->local_addr));
		memset(p->remote_addr, 0, sizeof(p->remote_addr));
		memcpy(p->local_addr, ip.daddr, 4);
		memcpy(p->remote_addr, ip.saddr, 4);
		rx->pseudo_sum = csum_pseudo_v4(ip.saddr, ip.daddr, NET_PROTO_TCP, ip.payload_len);
	} else {
		memcpy(p->local_addr, ip.daddr, 16);
		memcpy(p->remote_addr, ip.saddr, 16);
		rx->pseudo_sum = csum_pseudo_v6(ip.saddr, ip.daddr, NET_PROTO_TCP, ip.payload_len);
	}
	rx->l4 = frame + hl;
	rx->l4_len = ip.payload_len;
	return NET_OK;
}

uint32_t eth_output(uint8_t *buf, const struct net_path *p, uint32_t l4_len, uint16_t ip_id,
		    uint32_t *pseudo_sum)
{
	uint32_t off = 12;
	uint16_t type = p->family == NET_FAMILY_INET ? ETH_P_IPV4 : ETH_P_IPV6;

	memcpy(buf, p->remote_mac, NET_ETH_ALEN);
	memcpy(buf + NET_ETH_ALEN, p->local_mac, NET_ETH_ALEN);
	if (p->vlan) {
		put_be16(buf + off, ETH_P_8021Q);
		put_be16(buf + off + 2, p->vlan_tci);
		off += NET_VLAN_HLEN;
	}
	put_be16(buf + off, type);
	off += 2;

	if (p->family == NET_FAMILY_INET) {
		off += ipv4_write(buf + off, p->local_addr, p->remote_addr, l4_len, ip_id);
		*pseudo_sum = csum_pseudo_v4(p->local_addr, p->remote_addr, NET_PROTO_TCP, l4_len);
	} else {
		off += ipv6_write(buf + off, p->local_addr, p->remote_addr, l4_len);
		*pseudo_sum = csum_pseudo_v6(p->local_addr, p->remote_addr, NET_PROTO_TCP, l4_len);
	}
	return off;
}
