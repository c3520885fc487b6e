// SPDX-License-Identifier: GPL-2.0-only
/*
 * umem.c — map and register the UMEM of an interface, cut it into
 * per-queue partitions and track which queue claimed which.
 *
 * Called by the daemon at start-up (umem__create) and shutdown
 * (umem__destroy), and by xsk_queue__create/__destroy. Registration goes
 * through libxdp (xsk_umem__create); only the memlock check is by hand.
 */
#include "xsk/umem.h"

#include "common/log.h"
#include "common/caps.h"
#include "xsk/frame.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <xdp/xsk.h>

struct umem {
	uint8_t *area;
	uint64_t size;
	struct umem_config cfg;
	uint32_t fill_ring_size;
	struct xsk_umem *xsk;
	/* Rings xsk_umem__create made; the first bound socket uses them. */
	struct xsk_ring_prod fill0;
	struct xsk_ring_cons comp0;
	bool first_rings_used;
	uint32_t bound;	  /* sockets bound on the UMEM */
	uint32_t claimed; /* partitions claimed, bound or not */
	bool zerocopy, sg;
	bool *partition_claimed;
	struct frame_pool **pools;
};

static uint32_t pow2_ceil(uint32_t v)
{
	uint32_t p = 1;

	while (p < v && p < (1u << 31))
		p <<= 1;
	return p;
}

static bool have_cap_ipc_lock(void)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data))
		return false;
	return data[CAP_TO_INDEX(CAP_IPC_LOCK)].effective & CAP_TO_MASK(CAP_IPC_LOCK);
}

int umem_memlock_ensure(uint64_t bytes)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_MEMLOCK, &rl))
		return -errno;
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= bytes)
		return 0;
	/* The soft limit may go up to the hard one without privilege. */
	if (rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= bytes) {
		struct rlimit up = {.rlim_cur = rl.rlim_max, .rlim_max = rl.rlim_max};

		if (!setrlimit(RLIMIT_MEMLOCK, &up))
			return 0;
	}
	/* Raising the hard limit needs CAP_SYS_RESOURCE. */
	{
		struct rlimit inf = {.rlim_cur = RLIM_INFINITY, .rlim_max = RLIM_INFINITY};

		if (!setrlimit(RLIMIT_MEMLOCK, &inf))
			return 0;
	}
	/* With CAP_IPC_LOCK the kernel does not charge the pages at all. */
	if (have_cap_ipc_lock())
		return 0;
	pr_err("RLIMIT_MEMLOCK too low (%llu KiB) for a UMEM of %llu MiB; run with "
	       "LimitMEMLOCK=infinity or ulimit -l unlimited",
	       (unsigned long long)(rl.rlim_cur / 1024),
	       (unsigned long long)((bytes + (1 << 20) - 1) >> 20));
	return -EPERM;
}

static int umem_check_config(const struct umem_config *cfg)
{
	uint64_t frames = (uint64_t)cfg->partitions * cfg->frames_per_partition;

	if (!cfg->partitions || !cfg->frames_per_partition || !cfg->fill_frames ||
	    !cfg->tx_frames ||
	    (uint64_t)cfg->fill_frames + cfg->tx_frames > cfg->frames_per_partition) {
		pr_err("UMEM layout invalid: %u partitions of %u frames with %u fill and %u TX "
		       "frames each (fill + TX must fit in a partition, none may be 0)",
		       cfg->partitions, cfg->frames_per_partition, cfg->fill_frames,
		       cfg->tx_frames);
		return -EINVAL;
	}
	if (frames >= (1ull << 32)) {
		pr_err("UMEM of %llu frames is too large", (unsigned long long)frames);
		return -EINVAL;
	}
	if (cfg->comp_ring_size & (cfg->comp_ring_size - 1)) {
		pr_err("completion ring size %u is not a power of 2", cfg->comp_ring_size);
		return -EINVAL;
	}
	return 0;
}

static void umem_free(struct umem *u)
{
	if (!u)
		return;
	if (u->pools)
		for (uint32_t i = 0; i < u->cfg.partitions; i++)
			frame_pool__destroy(u->pools[i]);
	free(u->pools);
	free(u->partition_claimed);
	if (u->area && u->area != MAP_FAILED)
		munmap(u->area, u->size);
	free(u);
}

int umem__create(const struct umem_config *cfg, struct umem **out)
{
	struct xsk_umem_config ucfg;
	struct umem *u = NULL;
	int err;

	*out = NULL;
	err = umem_check_config(cfg);
	if (err)
		goto out;
	err = -ENOMEM;
	u = calloc(1, sizeof(*u));
	if (!u)
		goto out;
	u->cfg = *cfg;
	u->size = (uint64_t)cfg->partitions * cfg->frames_per_partition * FRAME_SIZE;
	u->fill_ring_size = pow2_ceil(cfg->fill_frames < 2 ? 2 : cfg->fill_frames);
	if (!u->cfg.comp_ring_size) {
		uint32_t want = cfg->tx_frames * 4;

		u->cfg.comp_ring_size = pow2_ceil(want < 2048 ? 2048 : want);
	}
	u->pools = calloc(cfg->partitions, sizeof(*u->pools));
	u->partition_claimed = calloc(cfg->partitions, sizeof(*u->partition_claimed));
	if (!u->pools || !u->partition_claimed)
		goto out;

	err = umem_memlock_ensure(u->size);
	if (err)
		goto out;
	u->area = mmap(NULL, u->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (u->area == MAP_FAILED) {
		err = -errno;
		pr_err("cannot map a UMEM of %llu MiB: %s", (unsigned long long)(u->size >> 20),
		       strerror(-err));
		goto out;
	}
	for (uint32_t i = 0; i < cfg->partitions; i++) {
		err = frame_pool__create(
			u->area, (uint64_t)i * cfg->frames_per_partition * FRAME_SIZE,
			cfg->frames_per_partition, cfg->fill_frames, cfg->tx_frames, &u->pools[i]);
		if (err)
			goto out;
	}

	ucfg = (struct xsk_umem_config){
		.fill_size = u->fill_ring_size,
		.comp_size = u->cfg.comp_ring_size,
		.frame_size = FRAME_SIZE,
		.frame_headroom = 0,
		.flags = 0,
	};
	err = xsk_umem__create(&u->xsk, u->area, u->size, &u->fill0, &u->comp0, &ucfg);
	if (err) {
		if (err == -EPERM || err == -EACCES)
			pr_err("cannot create an AF_XDP socket: %s; " XDPSERVE_CAPS_HINT(
				       XDPSERVE_CAPS_XSK " and " XDPSERVE_CAPS_UMEM),
			       strerror(-err));
		else if (err == -EAFNOSUPPORT)
			pr_err("this kernel has no AF_XDP sockets (CONFIG_XDP_SOCKETS)");
		else if (err == -ENOMEM || err == -ENOBUFS)
			pr_err("cannot register a UMEM of %llu MiB: %s; check RLIMIT_MEMLOCK "
			       "(LimitMEMLOCK=infinity) and free memory",
			       (unsigned long long)(u->size >> 20), strerror(-err));
		else
			pr_err("cannot register a UMEM of %llu MiB: %s",
			       (unsigned long long)(u->size >> 20), strerror(-err));
		u->xsk = NULL;
		goto out;
	}
	*out = u;
	u = NULL;
	err = 0;
out:
	umem_free(u);
	return err;
}

int umem__destroy(struct umem *u)
{
	int err;

	if (!u)
		return 0;
	if (u->claimed) {
		pr_err("UMEM still has %u queues; destroy them first", u->claimed);
		return -EBUSY;
	}
	err = xsk_umem__delete(u->xsk);
	if (err) {
		pr_err("cannot unregister the UMEM: %s", strerror(-err));
		return err;
	}
	umem_free(u);
	return 0;
}

uint8_t *umem_area(const struct umem *u)
{
	return u->area;
}

uint64_t umem_size(const struct umem *u)
{
	return u->size;
}

uint32_t umem_partitions(const struct umem *u)
{
	return u->cfg.partitions;
}

struct frame_pool *umem_pool(const struct umem *u, uint32_t partition)
{
	return partition < u->cfg.partitions ? u->pools[partition] : NULL;
}

uint32_t umem_fill_ring_size(const struct umem *u)
{
	return u->fill_ring_size;
}

struct xsk_umem *umem_xsk(const struct umem *u)
{
	return u->xsk;
}

int umem_claim(struct umem *u, uint32_t partition, bool *first, struct xsk_ring_prod **fill,
	       struct xsk_ring_cons **comp)
{
	if (partition >= u->cfg.partitions)
		return -EINVAL;
	if (u->partition_claimed[partition])
		return -EBUSY;
	/*
	 * libxdp binds the first socket on the UMEM's own fd and cannot bind
	 * a new "first" one once that fd was used: the queues of a UMEM are
	 * created once, at start.
	 */
	if (!u->bound && u->first_rings_used)
		return -EBUSY;
	u->partition_claimed[partition] = true;
	u->claimed++;
	*first = !u->bound;
	*fill = *first ? &u->fill0 : NULL;
	*comp = *first ? &u->comp0 : NULL;
	return 0;
}

void umem_bound(struct umem *u, bool zerocopy, bool sg)
{
	if (!u->bound) {
		u->first_rings_used = true;
		u->zerocopy = zerocopy;
		u->sg = sg;
	}
	u->bound++;
}

void umem_mode(const struct umem *u, bool *zerocopy, bool *sg)
{
	*zerocopy = u->zerocopy;
	*sg = u->sg;
}

void umem_release(struct umem *u, uint32_t partition, bool was_bound)
{
	if (partition >= u->cfg.partitions || !u->partition_claimed[partition])
		return;
	u->partition_claimed[partition] = false;
	u->claimed--;
	if (was_bound)
		u->bound--;
}
