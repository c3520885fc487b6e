/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * net.h — what the Ethernet and IP layers hand to TCP and get back from it.
 *
 * Input:  tcp_stack__input() -> eth_input() -> ipv4_parse()/ipv6_parse()
 *         fills a struct net_rx; the TCP layer takes it from there.
 * Output: the TCP output path writes Ethernet + IP headers for a reply with
 *         eth_output() from a struct net_path (kept per connection, or taken
 *         from the frame being answered).
 *
 * A reply path is the received frame turned around: our MAC and address are
 * the ones the peer sent to, the peer's are the ones it sent from, and the
 * VLAN tag (if any) is kept. No ARP or neighbour table is involved.
 */
#ifndef XDPSERVE_NET_H
#define XDPSERVE_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NET_FAMILY_INET	 4
#define NET_FAMILY_INET6 6

#define NET_ETH_ALEN	 6
#define NET_ETH_HLEN	 14
#define NET_VLAN_HLEN	 4
#define NET_IPV4_HLEN	 20
#define NET_IPV6_HLEN	 40
#define NET_PROTO_TCP	 6
#define NET_PROTO_ICMP	 1
#define NET_PROTO_ICMPV6 58
#define NET_IPV6_MAX_EXT 4   /* extension headers walked before the upper layer */
#define NET_IPV6_EXT_MAX 512 /* ... and their bytes at most */
#define NET_TTL		 64  /* TTL and hop limit of every packet we send */

/* Why a received frame was not handed to TCP. */
enum net_drop {
	NET_OK = 0,
	NET_DROP_MALFORMED,   /* truncated, bad version/lengths, bad addresses */
	NET_DROP_CSUM,	      /* IPv4 header checksum */
	NET_DROP_UNSUPPORTED, /* not IP, not TCP, fragments, extension headers, stacked VLANs */
};

/* How to send to a peer: everything below TCP. Addresses in network order. */
struct net_path {
	uint8_t local_mac[NET_ETH_ALEN];  /* source of our frames */
	uint8_t remote_mac[NET_ETH_ALEN]; /* destination of our frames */
	bool vlan;			  /* add an 802.1Q tag */
	uint16_t vlan_tci;		  /* host order: PCP, DEI and VID as received */
	uint8_t family;			  /* NET_FAMILY_INET or NET_FAMILY_INET6 */
	uint8_t local_addr[16];		  /* IPv4 uses the first 4 bytes, rest zero */
	uint8_t remote_addr[16];
};

/* One received frame after the Ethernet and IP layers; points into the frame. */
struct net_rx {
	struct net_path path; /* the reply path */
	const uint8_t *l4;    /* TCP header */
	uint32_t l4_len;      /* TCP header + payload, Ethernet padding excluded */
	uint32_t pseudo_sum;  /* pseudo-header partial sum (checksum.h) for l4_len */
	bool ptb;	      /* an ICMP "packet too big": l4 is the quoted TCP header */
	uint32_t ptb_mtu;     /* the MTU it names */
};

/*
 * Interface facts (iface.c), read at start, not per packet. Each returns 0
 * or -errno and writes its result only on success.
 */
struct ifreq;
/* One interface ioctl (ifr_name filled in from `ifname`). */
int net_iface_ioctl(const char *ifname, unsigned long req, struct ifreq *ifr);
/* The hardware address (SIOCGIFHWADDR). */
int net_iface_mac(const char *ifname, uint8_t mac[NET_ETH_ALEN]);
/* The MTU (SIOCGIFMTU); 0 if the kernel reports none. */
int net_iface_mtu(const char *ifname, uint32_t *mtu);
/* The driver's name (ethtool drvinfo), possibly empty. */
int net_iface_driver(const char *ifname, char *buf, size_t len);
/* RX queues: ethtool channels (combined + rx), else 1. */
uint32_t net_iface_rx_queues(const char *ifname);

static inline uint32_t net_addr_len(uint8_t family)
{
	return family == NET_FAMILY_INET ? 4 : 16;
}

#endif /* XDPSERVE_NET_H */
