/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * umem.h — the one UMEM of an interface: a page-aligned area of 4096-byte
 * frames (aligned mode) registered once with the kernel (libxdp
 * xsk_umem__create) and shared by the AF_XDP socket of every queue
 * (XDP_SHARED_UMEM, each queue with its own fill and completion ring).
 *
 * The area is cut into one contiguous partition per queue; partition i is
 * the frame_pool of worker i (frame.h), so workers never touch each other's
 * frames:
 *
 *	| partition 0: fill | tx | cache ... | partition 1: fill | tx | cache ... | ...
 *
 * Created by the daemon at start, before any worker runs; destroyed after
 * every xsk_queue on it. Not thread-safe: create and destroy queues from
 * one thread.
 */
#ifndef XDPSERVE_UMEM_H
#define XDPSERVE_UMEM_H

#include <stdbool.h>
#include <stdint.h>

struct umem;
struct frame_pool;
struct xsk_umem;
struct xsk_ring_prod;
struct xsk_ring_cons;

struct umem_config {
	uint32_t partitions;	       /* one per queue (worker) */
	uint32_t frames_per_partition; /* fill + tx + cache frames of each */
	uint32_t fill_frames;	       /* per partition: on the fill ring / in RX */
	uint32_t tx_frames;	       /* per partition: TX header frames */
	uint32_t comp_ring_size;       /* completion ring entries, power of 2; 0: derived */
};

/*
 * Map and register the area and build one frame pool per partition.
 * Checks RLIMIT_MEMLOCK first (umem_memlock_ensure). 0 or -errno; every
 * failure is logged with what to do about it.
 */
int umem__create(const struct umem_config *cfg, struct umem **out);
/* Unregister and unmap; every queue on it must be destroyed first (else -EBUSY, nothing freed). */
int umem__destroy(struct umem *u);

uint8_t *umem_area(const struct umem *u);
uint64_t umem_size(const struct umem *u);
uint32_t umem_partitions(const struct umem *u);
/* The frame pool of partition i (owned by the umem, valid until umem__destroy). */
struct frame_pool *umem_pool(const struct umem *u, uint32_t partition);
/* Fill ring entries of each queue: fill_frames rounded up to a power of 2. */
uint32_t umem_fill_ring_size(const struct umem *u);

/*
 * Make sure `bytes` more may be locked (AF_XDP pins the UMEM and charges it
 * to RLIMIT_MEMLOCK unless the process has CAP_IPC_LOCK): raise the soft
 * limit, or both limits when permitted. 0, or -EPERM after logging
 * "RLIMIT_MEMLOCK too low (N KiB) for a UMEM of M MiB; run with
 * LimitMEMLOCK=infinity or ulimit -l unlimited".
 */
int umem_memlock_ensure(uint64_t bytes);

/* --- for xsk_queue.c only -------------------------------------------------- */

struct xsk_umem *umem_xsk(const struct umem *u);
/*
 * Claim partition i for a new queue: -EINVAL out of range, -EBUSY taken.
 * *first is true when no socket is bound on the UMEM yet: that socket must
 * use the fill and completion rings xsk_umem__create made (*fill, *comp),
 * and it decides the mode every later socket inherits.
 */
int umem_claim(struct umem *u, uint32_t partition, bool *first, struct xsk_ring_prod **fill,
	       struct xsk_ring_cons **comp);
/* The claimed queue's socket is bound (zero-copy, sg as negotiated by the first one). */
void umem_bound(struct umem *u, bool zerocopy, bool sg);
/* The mode the first socket negotiated. */
void umem_mode(const struct umem *u, bool *zerocopy, bool *sg);
/* Undo umem_claim (bind failed) or a bound queue went away. */
void umem_release(struct umem *u, uint32_t partition, bool was_bound);

#endif /* XDPSERVE_UMEM_H */
