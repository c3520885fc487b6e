// SPDX-License-Identifier: GPL-2.0-only
/*
 * doctor_probe.c — `xdpservectl doctor`'s questions to the kernel about one
 * interface: driver, MTU and channels (net_iface_*, net/iface.c), XDP features (the
 * "netdev" generic netlink family, Linux 6.3+), and the attached XDP
 * programs (libxdp). Called by doctor.c only.
 */
#include "config.h"

#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <xdp/libxdp.h>

#include "cli/doctor.h"
#include "net/net.h"
#include "xdpserve/shared.h"

/* From <linux/netdev.h> (not in Debian 12's kernel headers). */
#define NETDEV_CMD_DEV_GET	     1
#define NETDEV_A_DEV_IFINDEX	     1
#define NETDEV_A_DEV_XDP_FEATURES    3
#define NETDEV_A_DEV_XDP_ZC_MAX_SEGS 4
#define NETDEV_XDP_ACT_BASIC	     (1u << 0)
#define NETDEV_XDP_ACT_REDIRECT	     (1u << 1)
#define NETDEV_XDP_ACT_XSK_ZEROCOPY  (1u << 3)
#define NETDEV_XDP_ACT_RX_SG	     (1u << 5)

/* --- generic netlink ----------------------------------------------------- */

struct doctor_nlmsg {
	struct nlmsghdr nh;
	struct genlmsghdr gh;
	char attrs[256];
};

static void doctor_nl_put(struct doctor_nlmsg *m, uint16_t type, const void *data, uint16_t len)
{
	struct nlattr *a = (struct nlattr *)((char *)m + NLMSG_ALIGN(m->nh.nlmsg_len));

	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	memcpy((char *)a + NLA_HDRLEN, data, len);
	m->nh.nlmsg_len = NLMSG_ALIGN(m->nh.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

/* Send `m`, read the answer into buf; its attributes' start and length. */
static int doctor_nl_ask(int fd, struct doctor_nlmsg *m, char *buf, size_t size,
			 struct nlattr **attrs, int *len)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)buf;
	ssize_t n;

	if (send(fd, m, m->nh.nlmsg_len, 0) < 0)
		return -errno;
	n = recv(fd, buf, size, 0);
	if (n < 0)
		return -errno;
	if (!NLMSG_OK(nh, (size_t)n))
		return -EPROTO;
	if (nh->nlmsg_type == NLMSG_ERROR)
		return ((struct nlmsgerr *)NLMSG_DATA(nh))->error ?: -EPROTO;
	*attrs = (struct nlattr *)((char *)NLMSG_DATA(nh) + GENL_HDRLEN);
	*len = (int)nh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	return 0;
}

static struct nlattr *doctor_nl_find(struct nlattr *a, int len, uint16_t type)
{
	while (len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= len) {
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
		len -= NLA_ALIGN(a->nla_len);
		a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len));
	}
	return NULL;
}

static void doctor_nl_init(struct doctor_nlmsg *m, uint16_t family, uint8_t cmd)
{
	memset(m, 0, sizeof(*m));
	m->nh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	m->nh.nlmsg_type = family;
	m->nh.nlmsg_flags = NLM_F_REQUEST;
	m->gh.cmd = cmd;
	m->gh.version = 1;
}

/* The kernel's XDP feature bits for ifindex. */
static int doctor_xdp_features(int ifindex, uint64_t *features, uint32_t *zc_segs)
{
	struct doctor_nlmsg m;
	char buf[8192];
	struct nlattr *attrs, *a;
	uint32_t idx = (uint32_t)ifindex;
	uint16_t family;
	int fd, len, err;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -errno;
	doctor_nl_init(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	doctor_nl_put(&m, CTRL_ATTR_FAMILY_NAME, "netdev", sizeof("netdev"));
	err = doctor_nl_ask(fd, &m, buf, sizeof(buf), &attrs, &len);
	if (err)
		goto out;
	a = doctor_nl_find(attrs, len, CTRL_ATTR_FAMILY_ID);
	if (!a) {
		err = -ENOENT;
		goto out;
	}
	memcpy(&family, (char *)a + NLA_HDRLEN, sizeof(family));
	doctor_nl_init(&m, family, NETDEV_CMD_DEV_GET);
	doctor_nl_put(&m, NETDEV_A_DEV_IFINDEX, &idx, sizeof(idx));
	err = doctor_nl_ask(fd, &m, buf, sizeof(buf), &attrs, &len);
	if (err)
		goto out;
	a = doctor_nl_find(attrs, len, NETDEV_A_DEV_XDP_FEATURES);
	if (!a) {
		err = -ENOENT;
		goto out;
	}
	memcpy(features, (char *)a + NLA_HDRLEN, sizeof(*features));
	a = doctor_nl_find(attrs, len, NETDEV_A_DEV_XDP_ZC_MAX_SEGS);
	*zc_segs = 1;
	if (a)
		memcpy(zc_segs, (char *)a + NLA_HDRLEN, sizeof(*zc_segs));
out:
	close(fd);
	return err;
}

int doctor_nic_probe(const char *ifname, struct doctor_nic *nic)
{
	int ifindex = (int)if_nametoindex(ifname);
	uint64_t f = 0;

	memset(nic, 0, sizeof(*nic));
	if (!ifindex)
		return -ENODEV;
	snprintf(nic->driver, sizeof(nic->driver), "?");
	net_iface_driver(ifname, nic->driver, sizeof(nic->driver));
	net_iface_mtu(ifname, &nic->mtu);
	nic->rx_queues = net_iface_rx_queues(ifname);
	if (!doctor_xdp_features(ifindex, &f, &nic->zc_max_segs)) {
		nic->features_known = true;
		nic->xdp_basic = f & NETDEV_XDP_ACT_BASIC;
		nic->xdp_redirect = f & NETDEV_XDP_ACT_REDIRECT;
		nic->xsk_zerocopy = f & NETDEV_XDP_ACT_XSK_ZEROCOPY;
		nic->rx_sg = f & NETDEV_XDP_ACT_RX_SG;
	}
	return 0;
}

static void doctor_note_prog(struct xdp_program *p, bool *ours, char *others, size_t len)
{
	const char *name = xdp_program__name(p);
	size_t used = strlen(others);

	if (name && !strcmp(name, XDPSERVE_PROG_NAME)) {
		*ours = true;
		return;
	}
	snprintf(others + used, len - used, "%s%s id %u", used ? ", " : "", name ? name : "?",
		 xdp_program__id(p));
}

int doctor_xdp_programs(const char *ifname, bool *ours, char *others, size_t len)
{
	int ifindex = (int)if_nametoindex(ifname);
	struct xdp_multiprog *mp;
	struct xdp_program *p;
	int n = 0, err;

	*ours = false;
	others[0] = '\0';
	if (!ifindex)
		return -ENODEV;
	mp = xdp_multiprog__get_from_ifindex(ifindex);
	err = libxdp_get_error(mp);
	if (err == -ENOENT || !mp)
		return 0;
	if (err)
		return err;
	if (xdp_multiprog__is_legacy(mp)) {
		p = xdp_multiprog__main_prog(mp);
		if (p) {
			doctor_note_prog(p, ours, others, len);
			n++;
		}
	} else {
		for (p = xdp_multiprog__next_prog(NULL, mp); p;
		     p = xdp_multiprog__next_prog(p, mp)) {
			doctor_note_prog(p, ours, others, len);
			n++;
		}
	}
	xdp_multiprog__close(mp);
	return n;
}
