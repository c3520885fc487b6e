// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for xsk/umem.c: layout checks, the RLIMIT_MEMLOCK check and
 * its message, and (as root) the partition layout of a registered UMEM.
 * Criterion runs each test in its own process, so limits and capabilities
 * changed here do not leak.
 */
#include "config.h"

#include <criterion/criterion.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "xsk/frame.h"
#include "xsk/umem.h"

/* Drop CAP_IPC_LOCK and CAP_SYS_RESOURCE from the effective set (no-op without them). */
static void drop_memlock_caps(void)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	memset(data, 0, sizeof(data));
	cr_assert_eq(syscall(SYS_capget, &hdr, data), 0);
	data[CAP_TO_INDEX(CAP_IPC_LOCK)].effective &= ~CAP_TO_MASK(CAP_IPC_LOCK);
	data[CAP_TO_INDEX(CAP_SYS_RESOURCE)].effective &= ~CAP_TO_MASK(CAP_SYS_RESOURCE);
	cr_assert_eq(syscall(SYS_capset, &hdr, data), 0);
}

/* Run fn with stderr captured into buf. */
static int with_stderr(int (*fn)(uint64_t), uint64_t arg, char *buf, size_t len)
{
	char path[] = "/tmp/xdpserve-umem-XXXXXX";
	int fd = mkstemp(path), saved = dup(2), ret;
	ssize_t n;

	cr_assert_geq(fd, 0);
	unlink(path);
	fflush(stderr);
	dup2(fd, 2);
	ret = fn(arg);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = pread(fd, buf, len - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
	return ret;
}

/* A hard limit the test may set without privilege: the current one, or 64 MiB. */
static rlim_t hard_limit(void)
{
	struct rlimit rl;

	cr_assert_eq(getrlimit(RLIMIT_MEMLOCK, &rl), 0);
	if (rl.rlim_max == RLIM_INFINITY || rl.rlim_max > (64 << 20))
		return 64 << 20;
	if (rl.rlim_max < (1 << 20))
		cr_skip_test("hard RLIMIT_MEMLOCK below 1 MiB");
	return rl.rlim_max;
}

Test(umem, memlock_soft_limit_is_raised_to_the_hard_one)
{
	rlim_t hard = hard_limit();
	struct rlimit rl = {.rlim_cur = 64 << 10, .rlim_max = hard};

	cr_assert_eq(setrlimit(RLIMIT_MEMLOCK, &rl), 0);
	drop_memlock_caps();
	cr_assert_eq(umem_memlock_ensure(hard / 2), 0);
	cr_assert_eq(getrlimit(RLIMIT_MEMLOCK, &rl), 0);
	cr_assert_eq(rl.rlim_cur, hard);
}

Test(umem, memlock_too_low_says_what_to_do)
{
	struct rlimit rl = {.rlim_cur = 64 << 10, .rlim_max = 64 << 10};
	char msg[512];

	cr_assert_eq(setrlimit(RLIMIT_MEMLOCK, &rl), 0);
	drop_memlock_caps();
	cr_assert_eq(with_stderr(umem_memlock_ensure, 32 << 20, msg, sizeof(msg)), -EPERM);
	cr_assert_not_null(strstr(msg, "RLIMIT_MEMLOCK too low (64 KiB) for a UMEM of 32 MiB; run "
				       "with LimitMEMLOCK=infinity or ulimit -l unlimited"),
			   "%s", msg);
}

Test(umem, memlock_enough_is_left_alone)
{
	rlim_t hard = hard_limit();
	struct rlimit rl = {.rlim_cur = hard / 2, .rlim_max = hard};

	cr_assert_eq(setrlimit(RLIMIT_MEMLOCK, &rl), 0);
	drop_memlock_caps();
	cr_assert_eq(umem_memlock_ensure(hard / 4), 0);
	cr_assert_eq(getrlimit(RLIMIT_MEMLOCK, &rl), 0);
	cr_assert_eq(rl.rlim_cur, hard / 2, "not raised when not needed");
}

Test(umem, layout_is_checked_before_anything_is_mapped)
{
	static const struct umem_config bad[] = {
		{.partitions = 0, .frames_per_partition = 64, .fill_frames = 8, .tx_frames = 8},
		{.partitions = 1, .frames_per_partition = 16, .fill_frames = 8, .tx_frames = 9},
		{.partitions = 1, .frames_per_partition = 64, .fill_frames = 0, .tx_frames = 8},
		{.partitions = 1, .frames_per_partition = 64, .fill_frames = 8, .tx_frames = 0},
		{.partitions = 1,
		 .frames_per_partition = 64,
		 .fill_frames = 8,
		 .tx_frames = 8,
		 .comp_ring_size = 1000},
	};
	struct umem *u;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(umem__create(&bad[i], &u), -EINVAL, "config %zu", i);
		cr_assert_null(u);
	}
}

Test(umem, partitions_are_contiguous_frame_pools)
{
	const struct umem_config cfg = {
		.partitions = 3, .frames_per_partition = 100, .fill_frames = 30, .tx_frames = 20};
	struct umem *u;
	int err;

	if (geteuid() != 0)
		cr_skip_test("needs root: registering a UMEM needs an AF_XDP socket (CAP_NET_RAW)");
	err = umem__create(&cfg, &u);
	cr_assert_eq(err, 0, "%s", strerror(-err));
	cr_assert_eq(umem_size(u), 3 * 100 * (uint64_t)FRAME_SIZE);
	cr_assert_eq((uintptr_t)umem_area(u) % 4096, 0, "page aligned");
	cr_assert_eq(umem_partitions(u), 3);
	cr_assert_eq(umem_fill_ring_size(u), 32);
	for (uint32_t i = 0; i < 3; i++) {
		struct frame_pool *p = umem_pool(u, i);

		cr_assert_eq(frame_pool_first_addr(p), i * 100 * (uint64_t)FRAME_SIZE);
		cr_assert_eq(frame_pool_nframes(p), 100);
		cr_assert_eq(frame_pool_quota(p, FRAME_CLASS_FILL), 30);
		cr_assert_eq(frame_pool_quota(p, FRAME_CLASS_TX), 20);
		cr_assert_eq(frame_pool_quota(p, FRAME_CLASS_CACHE), 50);
		cr_assert_eq(frame_pool_area(p), umem_area(u));
	}
	cr_assert_null(umem_pool(u, 3));
	cr_assert_eq(umem__destroy(u), 0);
}
