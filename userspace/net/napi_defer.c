// SPDX-License-Identifier: GPL-2.0-only
/*
 * napi_defer.c — see napi_defer.h. Plain sysfs reads and writes: these
 * two knobs are per interface in sysfs on every kernel that has preferred
 * busy polling (5.11+); the per-NAPI netlink form (6.13+) is not needed.
 */
#include "net/napi_defer.h"

#include "common/log.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* /sys/class/net/IFNAME/KNOB opened with `mode`, or NULL with errno set. */
static FILE *napi_knob_open(const char *ifname, const char *knob, const char *mode)
{
	char path[96];
	int n = snprintf(path, sizeof(path), "/sys/class/net/%s/%s", ifname, knob);

	if (n < 0 || (size_t)n >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	return fopen(path, mode);
}

static int napi_knob_read(const char *ifname, const char *knob, uint64_t *val)
{
	FILE *f = napi_knob_open(ifname, knob, "re");
	int err;

	if (!f)
		return -errno;
	err = fscanf(f, "%" SCNu64, val) == 1 ? 0 : -EINVAL;
	fclose(f);
	return err;
}

static int napi_knob_write(const char *ifname, const char *knob, uint64_t val)
{
	FILE *f = napi_knob_open(ifname, knob, "we");

	if (!f)
		return -errno;
	fprintf(f, "%" PRIu64 "\n", val);
	return fclose(f) ? -errno : 0;
}

int napi_defer_apply(struct napi_defer *nd, const char *ifname, uint32_t defer, uint64_t timeout_ns)
{
	uint64_t old_defer, old_timeout;
	int err;

	memset(nd, 0, sizeof(*nd));
	snprintf(nd->ifname, sizeof(nd->ifname), "%s", ifname);
	err = napi_knob_read(ifname, "napi_defer_hard_irqs", &old_defer);
	if (!err)
		err = napi_knob_read(ifname, "gro_flush_timeout", &old_timeout);
	if (err) {
		pr_warn("%s: cannot read napi_defer_hard_irqs/gro_flush_timeout in "
			"/sys/class/net/%s (%s): busy polling works without interrupt deferral, "
			"and saves little",
			ifname, ifname, strerror(-err));
		return err;
	}
	if (old_defer || old_timeout) { /* the administrator's choice */
		pr_info("%s: napi_defer_hard_irqs %" PRIu64 ", gro_flush_timeout %" PRIu64
			" ns are set already: kept",
			ifname, old_defer, old_timeout);
		return 0;
	}
	err = napi_knob_write(ifname, "gro_flush_timeout", timeout_ns);
	if (!err)
		err = napi_knob_write(ifname, "napi_defer_hard_irqs", defer);
	if (err) {
		napi_knob_write(ifname, "gro_flush_timeout", old_timeout);
		pr_warn("%s: cannot write napi_defer_hard_irqs/gro_flush_timeout (%s): busy "
			"polling works without interrupt deferral, and saves little",
			ifname, strerror(-err));
		return err;
	}
	nd->applied = true;
	nd->old_defer = (uint32_t)old_defer;
	nd->old_timeout_ns = old_timeout;
	pr_info("%s: napi_defer_hard_irqs %u, gro_flush_timeout %" PRIu64
		" ns while busy polling (put back at stop)",
		ifname, defer, timeout_ns);
	return 0;
}

void napi_defer_restore(struct napi_defer *nd)
{
	if (!nd->applied)
		return;
	nd->applied = false;
	if (napi_knob_write(nd->ifname, "napi_defer_hard_irqs", nd->old_defer) ||
	    napi_knob_write(nd->ifname, "gro_flush_timeout", nd->old_timeout_ns))
		pr_warn("%s: could not put napi_defer_hard_irqs/gro_flush_timeout back to "
			"%u/%" PRIu64,
			nd->ifname, nd->old_defer, nd->old_timeout_ns);
}
