/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * frame.h — ownership of the UMEM frames of one worker.
 *
 * The UMEM (umem.h) is cut into one contiguous partition per queue; each
 * worker's frame_pool owns its partition, so workers share nothing mutable.
 * Inside a pool every frame belongs for life to one class, which fixes the
 * owners it can have and puts a quota on it, so the cache can never starve
 * RX or TX:
 */
// clang-format off
/*
 *	class  frames                 owners it moves through
 *	FILL   [0, fill)              FREE -> FILL (fill ring, kernel RX) -> RX (worker's batch) -> FILL
 *	TX     [fill, fill + tx)      FREE -> TX (header frame in the TX ring / kernel) -> FREE
 *	CACHE  [fill + tx, nframes)   FREE -> CACHE (holds cached content) -> FREE
 */
// clang-format on
/*
 * Every frame has exactly one owner at a time. A move names the owner the
 * caller believes the frame has; an illegal move (wrong owner, wrong class,
 * freeing a frame still in flight) is a bug in the caller. What happens then
 * is the pool's violation policy:
 *   abort       debug and sanitizer builds (the default unless NDEBUG):
 *               print the frame and its owners and abort(), so the test or
 *               the developer sees where;
 *   quarantine  release builds (NDEBUG, `./configure --enable-release`):
 *               refuse the move, count it, log it at a rate limit with the
 *               frame and its owners, and move the frame to QUARANTINE,
 *               where it stays for the pool's life: nobody can be sure who
 *               holds it, so it is never handed out again. The daemon keeps
 *               serving with one frame fewer.
 *
 * Cached content frames can in addition sit in any number of TX descriptors
 * at once (multi-buffer TX sends them by reference): a per-frame in-flight
 * count goes up when a descriptor pointing into the frame is submitted and
 * down when its completion comes back. A CACHE frame is freed only at zero.
 *
 * Callers: xsk_queue (fill/RX/TX/completions), the cache (CACHE frames), the
 * daemon (frame_pool_account at shutdown). One worker only: not thread-safe.
 */
#ifndef XDPSERVE_FRAME_H
#define XDPSERVE_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FRAME_SHIFT	12u /* aligned mode, one page per frame */
#define FRAME_SIZE	(1u << FRAME_SHIFT)
#define FRAME_ADDR_NONE UINT64_MAX

enum frame_owner {
	FRAME_FREE = 0,	  /* in its class's free list */
	FRAME_FILL,	  /* on the fill ring or in the kernel's RX path */
	FRAME_RX,	  /* in the worker's RX batch, borrowed by the stack */
	FRAME_TX,	  /* header frame in the TX ring or the kernel */
	FRAME_CACHE,	  /* holds cached content (may also be in flight) */
	FRAME_QUARANTINE, /* an illegal move touched it: never reused (release builds) */
	FRAME__OWNER_MAX,
};

enum frame_class {
	FRAME_CLASS_FILL = 0,
	FRAME_CLASS_TX,
	FRAME_CLASS_CACHE,
	FRAME__CLASS_MAX,
};

struct frame_pool;

enum frame_violation_policy {
	FRAME_VIOLATION_ABORT = 0,
	FRAME_VIOLATION_QUARANTINE,
};

/* The policy a new pool gets: quarantine in release (NDEBUG) builds, abort otherwise. */
#ifdef NDEBUG
#define FRAME_VIOLATION_DEFAULT FRAME_VIOLATION_QUARANTINE
#else
#define FRAME_VIOLATION_DEFAULT FRAME_VIOLATION_ABORT
#endif

/*
 * Create the pool of `nframes` frames starting at UMEM address `first_addr`
 * (frame aligned) of the area at `umem_area`; `fill_frames` and `tx_frames`
 * are the FILL and TX quotas, the rest is the CACHE quota. Every frame
 * starts FREE. 0, -EINVAL or -ENOMEM.
 */
int frame_pool__create(uint8_t *umem_area, uint64_t first_addr, uint32_t nframes,
		       uint32_t fill_frames, uint32_t tx_frames, struct frame_pool **out);
void frame_pool__destroy(struct frame_pool *p);
/* Override the build's policy (tests force both). */
void frame_pool__set_violation_policy(struct frame_pool *p, enum frame_violation_policy policy);

uint8_t *frame_pool_area(const struct frame_pool *p);
uint64_t frame_pool_first_addr(const struct frame_pool *p);
uint32_t frame_pool_nframes(const struct frame_pool *p);
/* Frames of a class (its quota) and how many of them are FREE now. */
uint32_t frame_pool_quota(const struct frame_pool *p, enum frame_class cls);
uint32_t frame_pool_available(const struct frame_pool *p, enum frame_class cls);

/* The address lies inside one of the pool's frames. */
bool frame_pool_contains(const struct frame_pool *p, uint64_t addr);
/* Owner of the frame holding `addr`; FRAME__OWNER_MAX when outside the pool. */
enum frame_owner frame_pool_owner(const struct frame_pool *p, uint64_t addr);
enum frame_class frame_pool_class(const struct frame_pool *p, uint64_t addr);

static inline uint8_t *frame_pool_data(const struct frame_pool *p, uint64_t addr)
{
	return frame_pool_area(p) + addr;
}

static inline uint64_t frame_base(uint64_t addr)
{
	return addr & ~(uint64_t)(FRAME_SIZE - 1);
}

/*
 * Take a FREE frame of `cls`; it moves to the class's owner (FILL, TX or
 * CACHE) and the caller owns it. FRAME_ADDR_NONE when the quota is used up.
 */
uint64_t frame_pool_alloc(struct frame_pool *p, enum frame_class cls);

/*
 * Move the frame holding `addr` from owner `from` to `to` (any address
 * inside the frame). 0, or -EINVAL for an illegal move (see above: the
 * caller must then forget the frame, it is quarantined).
 */
int frame_pool_move(struct frame_pool *p, uint64_t addr, enum frame_owner from,
		    enum frame_owner to);

/* Give the frame back to its class's free list: frame_pool_move(.., from, FRAME_FREE). */
int frame_pool_free(struct frame_pool *p, uint64_t addr, enum frame_owner from);

/*
 * A TX descriptor pointing into the CACHE frame holding `addr` was queued
 * (get) or completed (put). -EINVAL when the frame is not CACHE or the count
 * would go below zero. A quarantined frame still takes the completions of
 * descriptors that were in flight when it was quarantined.
 */
int frame_pool_inflight_get(struct frame_pool *p, uint64_t addr);
int frame_pool_inflight_put(struct frame_pool *p, uint64_t addr);
uint32_t frame_pool_inflight(const struct frame_pool *p, uint64_t addr);

/* Frames per owner, for `status` and the shutdown check. */
struct frame_account {
	uint32_t frames;
	uint32_t owner[FRAME__OWNER_MAX];
	uint32_t quota[FRAME__CLASS_MAX];
	uint32_t inflight_frames; /* frames with a non-zero in-flight count */
	uint64_t inflight_refs;	  /* sum of the in-flight counts */
	uint64_t illegal_moves;	  /* refused since creation (release builds) */
	bool consistent;	  /* free lists agree with the owners */
	/*
	 * Every frame is back with its owner: each is FREE, FILL or CACHE,
	 * none RX, TX or QUARANTINE, no in-flight count, no illegal move,
	 * consistent.
	 */
	bool clean;
};

/* Count; returns a->clean. Walks every frame: not for the packet path. */
bool frame_pool_account(const struct frame_pool *p, struct frame_account *a);

/*
 * One line for the log, e.g. "frames 4096: free 10, fill 2048, rx 0, tx 0,
 * cache 2038; in flight 0 (0 refs): every frame is back with its owner"
 * (with "; N illegal moves refused, N frames quarantined" after a violation).
 * Returns what snprintf returns.
 */
int frame_account_format(const struct frame_account *a, char *buf, size_t len);

const char *frame_owner_name(enum frame_owner o);

#endif /* XDPSERVE_FRAME_H */
