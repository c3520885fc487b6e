/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * steer.h — load, find and drive the XDP steering program (bpf/) on one
 * interface: the control side of the first data-path stage.
 *
 * Called by the daemon (attach at start, XSKMAP slots per worker, detach at
 * stop) and by xdpservectl (attach/detach, served addresses, counters,
 * also while the daemon is down). A `struct steer` is one interface's
 * program plus open handles on its three maps; it is found from the
 * interface itself (the attached program named XDPSERVE_PROG_NAME and its
 * map ids), never from pins alone, so it works the same for a program loaded
 * by this library through libxdp and for one loaded by hand with
 * `ip link set dev IF xdp obj xdpserve.bpf.o sec xdp`.
 *
 * Every function returns 0 (or a count) on success and -errno on failure.
 * Failures that a person can act on are logged by the library itself with
 * pr_err() in words that say what to do, so callers need not print again.
 * A `struct steer` is not thread-safe; the per-queue calls
 * (steer_xsk_set/clear) only touch the kernel map and may be issued from
 * one control thread for all workers.
 */
#ifndef XDPSERVE_STEER_H
#define XDPSERVE_STEER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xdpserve/shared.h"

enum steer_mode {
	STEER_MODE_AUTO = 0, /* native, falling back to skb (logged) */
	STEER_MODE_NATIVE,   /* driver XDP */
	STEER_MODE_SKB,	     /* generic XDP, works on every device */
};

struct steer;

/* Longest text steer_endpoint_format() writes, NUL included. */
#define STEER_ENDPOINT_STRLEN 56

/*
 * Route libbpf's and libxdp's own messages into pr_debug(), so they show
 * with a debug log level only. Process-wide (both libraries keep one print
 * hook); call once at start-up.
 */
void steer_log_libraries(void);

/* "native", "skb" or "auto" -> mode; -EINVAL otherwise. */
int steer_mode_parse(const char *name, enum steer_mode *out);

/*
 * Load the object at `obj_path` and attach its XDPSERVE_PROG_NAME program to
 * `ifname` through libxdp (behind the multi-program dispatcher, so other XDP
 * programs keep running after ours on XDP_PASS). Maps are pinned in
 * <bpffs>/xdpserve/<ifname>/ (<bpffs> is $LIBXDP_BPFFS or /sys/fs/bpf, mounted
 * here when missing); stale pins there from an earlier crash are replaced,
 * so the endpoint set starts empty. Raises RLIMIT_MEMLOCK when allowed.
 * -EEXIST when our program is already attached to `ifname`.
 * On success *out is a new handle the caller owns (steer__close()).
 */
int steer__attach(const char *ifname, const char *obj_path, enum steer_mode mode,
		  struct steer **out);

/*
 * The daemon's way in: open our program when one is attached to `ifname`
 * already (*adopted = true; nothing is logged as an error, that is the
 * normal path after a crash or with a program attached by hand), else
 * steer__attach() it (*adopted = false).
 */
int steer__attach_or_adopt(const char *ifname, const char *obj_path, enum steer_mode mode,
			   struct steer **out, bool *adopted);

/*
 * Find our program already attached to `ifname` (by libxdp or by ip link)
 * and open its maps. -ENOENT (logged) when none is attached.
 * On success *out is a new handle the caller owns (steer__close()).
 */
int steer__open(const char *ifname, struct steer **out);

/*
 * Remove our program from the interface (other programs behind the
 * dispatcher stay) and delete the per-interface pins that point at its maps.
 * Pins made by iproute2 ($TC_BPF_MNT/tc/globals) are left alone. The handle
 * stays valid for steer__close() only.
 */
int steer__detach(struct steer *s);

/* Free the handle; the program stays attached. NULL is fine. */
void steer__close(struct steer *s);

/* Accessors: "native", "skb" or "hw"; the interface; the program's id. */
const char *steer_mode_name(const struct steer *s);
const char *steer_ifname(const struct steer *s);
uint32_t steer_prog_id(const struct steer *s);
/* True when attached behind the libxdp dispatcher, false for a lone program. */
bool steer_is_dispatched(const struct steer *s);

/*
 * Endpoint text <-> key. Accepted forms: "198.18.0.1:80", "198.18.0.0/24:80",
 * "0.0.0.0/0:80", "[fd00::1]:8080", "[fd00::/64]:80". The port is 1..65535;
 * bits past the prefix must be zero. Parse returns 0 or -EINVAL and never
 * allocates; format returns the length written or -ENOSPC (-EINVAL for a
 * key that is not a valid endpoint). Pure functions, no privileges needed.
 */
int steer_endpoint_parse(const char *text, struct xdpserve_endpoint_key *key);
int steer_endpoint_format(const struct xdpserve_endpoint_key *key, char *buf, size_t len);

/* Serve / stop serving an endpoint (add is idempotent; del: -ENOENT if absent). */
int steer_endpoint_add(struct steer *s, const struct xdpserve_endpoint_key *key);
int steer_endpoint_del(struct steer *s, const struct xdpserve_endpoint_key *key);

/*
 * Copy up to `max` served endpoints into `keys`; returns how many there are
 * in all (which may exceed `max`, like snprintf) or -errno.
 */
int steer_endpoint_list(struct steer *s, struct xdpserve_endpoint_key *keys, size_t max);

/*
 * Remove every served endpoint that is not one of the `nkeep` in `keep`
 * (each removal logged); returns how many went, or -errno.
 */
int steer_endpoint_keep_only(struct steer *s, const struct xdpserve_endpoint_key *keep,
			     size_t nkeep);

/*
 * Put the AF_XDP socket `xsk_fd` (bound to `queue` of this interface) in the
 * queue's XSKMAP slot / empty the slot. The kernel also empties a slot by
 * itself when its socket closes. Clearing an empty slot is not an error.
 */
int steer_xsk_set(struct steer *s, uint32_t queue, int xsk_fd);
int steer_xsk_clear(struct steer *s, uint32_t queue);

/*
 * Tell the program the interface's own MAC: frames to served endpoints
 * with another destination MAC are then passed to the kernel.
 */
int steer_iface_set_mac(struct steer *s, const uint8_t mac[6]);

/*
 * SYNs answered in XDP (shared.h). True when the attached program has the
 * two maps for it; a program built before it has not, and then every SYN
 * goes to user space as always.
 */
bool steer_syn_supported(const struct steer *s);

/*
 * Write / read what the program puts into its SYN-ACKs (key 0 of
 * XDPSERVE_MAP_SYN). -EOPNOTSUPP (not logged) without the maps.
 */
int steer_syn_set(struct steer *s, const struct xdpserve_syn_conf *conf);
int steer_syn_get(struct steer *s, struct xdpserve_syn_conf *conf);

/*
 * Map the per-queue accept slots of XDPSERVE_MAP_SYN_QUEUES into this
 * process: *slots points at *n words, one per queue, each
 * XDPSERVE_SYNQ_ACCEPT or 0; a worker writes its own slot with a plain
 * atomic store, no syscall. The mapping is the caller's, to undo with
 * steer_syn_queues_unmap(); it holds the map, so it stays valid after
 * steer__close() and steer__detach(). -EOPNOTSUPP (not logged) without
 * the maps.
 */
int steer_syn_queues_map(struct steer *s, _Atomic uint32_t **slots, uint32_t *n);
void steer_syn_queues_unmap(_Atomic uint32_t *slots, uint32_t n);

/* Counters summed over all CPUs, one per enum xdpserve_stat (0 for a slot the program lacks). */
int steer_stats_read(struct steer *s, struct xdpserve_stat_val out[XDPSERVE_STAT__MAX]);

/* "redirected", "redirect_failed", "pass_not_served", ...; NULL if out of range. */
const char *steer_stat_name(enum xdpserve_stat stat);

#endif /* XDPSERVE_STEER_H */
