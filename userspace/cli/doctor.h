/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * doctor.h — what `xdpservectl doctor` asks the kernel about one
 * interface (doctor_probe.c), for doctor.c's verdicts.
 */
#ifndef XDPSERVE_CLI_DOCTOR_H
#define XDPSERVE_CLI_DOCTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct doctor_nic {
	char driver[32]; /* ethtool's driver name, "?" when unknown */
	uint32_t mtu;
	uint32_t rx_queues;  /* ethtool channels, 1 when the driver has none */
	bool features_known; /* the netdev netlink family answered */
	bool xdp_basic;	     /* native XDP */
	bool xdp_redirect;
	bool xsk_zerocopy;
	bool rx_sg; /* multi-buffer XDP on receive */
	uint32_t zc_max_segs;
};

/* Fill *nic for `ifname`. 0, or -ENODEV when there is no such interface. */
int doctor_nic_probe(const char *ifname, struct doctor_nic *nic);

/*
 * The XDP programs on `ifname`: *ours when ours is among them, the names
 * of the others (comma-separated) in `others`. Returns how many programs,
 * or -errno.
 */
int doctor_xdp_programs(const char *ifname, bool *ours, char *others, size_t len);

#endif /* XDPSERVE_CLI_DOCTOR_H */
