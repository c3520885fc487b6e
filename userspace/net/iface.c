// SPDX-License-Identifier: GPL-2.0-only
/*
 * iface.c — questions to the kernel about one network interface, asked
 * through an AF_INET datagram socket (it answers the interface ioctls an
 * AF_XDP one refuses): hardware address, MTU, driver, RX queue count. Not
 * on the packet path: called at start and on reload by the daemon
 * (daemon.c, worker.c, conf_check.c, xsk_queue.c) and by `xdpservectl
 * doctor` (doctor_probe.c).
 */
#include "net/net.h"

#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

int net_iface_ioctl(const char *ifname, unsigned long req, struct ifreq *ifr)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int err = 0;

	if (fd < 0)
		return -errno;
	snprintf(ifr->ifr_name, sizeof(ifr->ifr_name), "%s", ifname);
	if (ioctl(fd, req, ifr) < 0)
		err = -errno;
	close(fd);
	return err;
}

int net_iface_mac(const char *ifname, uint8_t mac[NET_ETH_ALEN])
{
	struct ifreq ifr = {0};
	int err = net_iface_ioctl(ifname, SIOCGIFHWADDR, &ifr);

	if (!err)
		memcpy(mac, ifr.ifr_hwaddr.sa_data, NET_ETH_ALEN);
	return err;
}

int net_iface_mtu(const char *ifname, uint32_t *mtu)
{
	struct ifreq ifr = {0};
	int err = net_iface_ioctl(ifname, SIOCGIFMTU, &ifr);

	if (!err)
		*mtu = ifr.ifr_mtu > 0 ? (uint32_t)ifr.ifr_mtu : 0;
	return err;
}

int net_iface_driver(const char *ifname, char *buf, size_t len)
{
	struct ethtool_drvinfo info = {.cmd = ETHTOOL_GDRVINFO};
	struct ifreq ifr = {.ifr_data = (void *)&info};
	int err = net_iface_ioctl(ifname, SIOCETHTOOL, &ifr);

	if (!err)
		snprintf(buf, len, "%s", info.driver);
	return err;
}

uint32_t net_iface_rx_queues(const char *ifname)
{
	struct ethtool_channels ch = {.cmd = ETHTOOL_GCHANNELS};
	struct ifreq ifr = {.ifr_data = (void *)&ch};
	uint32_t n;

	if (net_iface_ioctl(ifname, SIOCETHTOOL, &ifr))
		return 1;
	n = ch.combined_count + ch.rx_count;
	return n ? n : 1;
}
