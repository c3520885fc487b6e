/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * napi_defer.h — the interface's interrupt deferral (sysfs
 * napi_defer_hard_irqs and gro_flush_timeout), which preferred busy
 * polling needs: while a worker keeps polling its queue, the driver's
 * interrupt stays off and a watchdog timer of gro_flush_timeout takes
 * over if the worker stops. Set at start when busy-poll is on and both
 * are 0, put back at stop; values an administrator set are left alone.
 */
#ifndef XDPSERVE_NET_NAPI_DEFER_H
#define XDPSERVE_NET_NAPI_DEFER_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

struct napi_defer {
	char ifname[IF_NAMESIZE];
	bool applied;		 /* we wrote the values below: put the old ones back */
	uint32_t old_defer;	 /* napi_defer_hard_irqs before */
	uint64_t old_timeout_ns; /* gro_flush_timeout before */
};

/* What busy-poll sets (the kernel's napi.rst example values). */
#define NAPI_DEFER_HARD_IRQS  2
#define NAPI_DEFER_TIMEOUT_NS 200000

/*
 * Read `ifname`'s deferral; if both knobs are 0, write `defer` and
 * `timeout_ns` and remember to undo it. 0 when the interface now defers
 * (set by us or already), or -errno with a message naming the files.
 */
int napi_defer_apply(struct napi_defer *nd, const char *ifname, uint32_t defer,
		     uint64_t timeout_ns);
/* Put back what napi_defer_apply() changed; no-op otherwise. */
void napi_defer_restore(struct napi_defer *nd);

#endif /* XDPSERVE_NET_NAPI_DEFER_H */
