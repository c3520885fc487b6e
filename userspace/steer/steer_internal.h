/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * steer_internal.h — the inside of `struct steer`, shared by the files of
 * userspace/steer/ only (steer.c: lifecycle; maps.c: map access; bpffs.c:
 * the BPF filesystem and pins). Nothing outside this directory includes it.
 */
#ifndef XDPSERVE_STEER_INTERNAL_H
#define XDPSERVE_STEER_INTERNAL_H

#include <limits.h>
#include <net/if.h>

#include "steer/steer.h"

enum steer_map {
	STEER_MAP_XSKS = 0,
	STEER_MAP_ENDPOINTS,
	STEER_MAP_STATS,
	STEER_MAP_IFACE,
	/* Optional: a program built before SYNs were answered in XDP has neither. */
	STEER_MAP_SYN,
	STEER_MAP_SYN_QUEUES,
	STEER_MAP__MAX,
};

/* Maps before this one must be there; the rest may be missing (fd -1). */
#define STEER_MAP__REQUIRED STEER_MAP_SYN

struct steer {
	char ifname[IF_NAMESIZE];
	int ifindex;
	int attach_mode; /* enum xdp_attach_mode */
	bool dispatched; /* behind the libxdp dispatcher */
	uint32_t prog_id;
	int map_fd[STEER_MAP__MAX];
	uint32_t map_id[STEER_MAP__MAX];
	int nr_cpus;			  /* possible CPUs: per-CPU value count */
	struct xdpserve_stat_val *percpu; /* nr_cpus values, scratch for stats */
	uint32_t synq_entries;		  /* slots of STEER_MAP_SYN_QUEUES */
	uint32_t stats_entries;		  /* slots of STEER_MAP_STATS: fewer in an older program */
};

/* "; run as root ..." for a permission error while not root, else "". */
const char *steer_perm_hint(int err);

/* Full names of the maps as in shared.h, indexed by enum steer_map. */
extern const char *const steer_map_names[STEER_MAP__MAX];

/* The bpffs that libxdp uses ($LIBXDP_BPFFS or /sys/fs/bpf) into buf. */
int steer_bpffs_path(char *buf, size_t len);

/*
 * The same path ($LIBXDP_BPFFS or /sys/fs/bpf) into buf,
 * mounting one there when none is (logged). -errno, logged, on failure.
 */
int steer_bpffs_ensure(char *buf, size_t len);

/* <bpffs>/xdpserve/<ifname> into buf (no checks, no side effects). */
int steer_pin_dir(const char *bpffs, const char *ifname, char *buf, size_t len);

/* mkdir -p of the pin directory. */
int steer_pin_dir_create(const char *dir);

/*
 * Unlink the map pins in `dir`; with `ids`, only pins whose map has one of
 * those STEER_MAP__MAX ids. Then remove `dir` and its parent if empty.
 */
void steer_pins_remove(const char *dir, const uint32_t *ids);

#endif /* XDPSERVE_STEER_INTERNAL_H */
