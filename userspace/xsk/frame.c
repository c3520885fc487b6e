// SPDX-License-Identifier: GPL-2.0-only
/*
 * frame.c — the per-worker frame table: owner and in-flight count of every
 * frame of one UMEM partition, with a LIFO free list per class.
 *
 * Called on the packet path by xsk_queue (rx batch, fill refill, TX begin,
 * completions) and at load time by the cache; frame_pool_account() by the
 * daemon at shutdown. All lists are arrays sized at creation: nothing here
 * allocates after frame_pool__create().
 */
#include "xsk/frame.h"

#include "common/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct frame_pool {
	uint8_t *area;
	uint64_t first_addr;
	uint32_t nframes;
	uint32_t class_start[FRAME__CLASS_MAX + 1]; /* frame index where each class begins */
	uint32_t *free_list[FRAME__CLASS_MAX];	    /* stacks of frame indices */
	uint32_t free_count[FRAME__CLASS_MAX];
	uint8_t *owner;	    /* enum frame_owner per frame */
	uint32_t *inflight; /* TX descriptors pointing into each frame */
	uint64_t illegal_moves;
	enum frame_violation_policy policy;
	struct log_ratelimit violation_rl; /* release builds log violations at this rate */
};

/* The owner a class's frames have when they are not FREE. */
static const enum frame_owner class_owner[FRAME__CLASS_MAX] = {
	[FRAME_CLASS_FILL] = FRAME_FILL,
	[FRAME_CLASS_TX] = FRAME_TX,
	[FRAME_CLASS_CACHE] = FRAME_CACHE,
};

const char *frame_owner_name(enum frame_owner o)
{
	static const char *const names[FRAME__OWNER_MAX] = {
		[FRAME_FREE] = "free", [FRAME_FILL] = "fill",	[FRAME_RX] = "rx",
		[FRAME_TX] = "tx",     [FRAME_CACHE] = "cache", [FRAME_QUARANTINE] = "quarantine",
	};

	return (unsigned int)o < FRAME__OWNER_MAX ? names[o] : "outside";
}

static const char *class_name(enum frame_class c)
{
	static const char *const names[FRAME__CLASS_MAX] = {"fill", "tx", "cache"};

	return names[c];
}

int frame_pool__create(uint8_t *umem_area, uint64_t first_addr, uint32_t nframes,
		       uint32_t fill_frames, uint32_t tx_frames, struct frame_pool **out)
{
	struct frame_pool *p = NULL;
	int err = -EINVAL;

	*out = NULL;
	if (!umem_area || !nframes || (first_addr & (FRAME_SIZE - 1)) ||
	    (uint64_t)fill_frames + tx_frames > nframes)
		goto out;

	err = -ENOMEM;
	p = calloc(1, sizeof(*p));
	if (!p)
		goto out;
	p->area = umem_area;
	p->first_addr = first_addr;
	p->nframes = nframes;
	p->class_start[FRAME_CLASS_FILL] = 0;
	p->class_start[FRAME_CLASS_TX] = fill_frames;
	p->class_start[FRAME_CLASS_CACHE] = fill_frames + tx_frames;
	p->class_start[FRAME__CLASS_MAX] = nframes;
	p->policy = FRAME_VIOLATION_DEFAULT;
	p->violation_rl = (struct log_ratelimit)LOG_RATELIMIT_INIT(1000000000ull, 10);
	p->owner = calloc(nframes, sizeof(*p->owner));
	p->inflight = calloc(nframes, sizeof(*p->inflight));
	if (!p->owner || !p->inflight)
		goto out;
	for (int c = 0; c < FRAME__CLASS_MAX; c++) {
		uint32_t lo = p->class_start[c], hi = p->class_start[c + 1];

		p->free_list[c] = malloc(((size_t)(hi - lo) + 1) * sizeof(uint32_t));
		if (!p->free_list[c])
			goto out;
		/* Pushed high to low so that allocation starts with ascending addresses. */
		for (uint32_t i = hi; i > lo; i--)
			p->free_list[c][p->free_count[c]++] = i - 1;
	}
	*out = p;
	p = NULL;
	err = 0;
out:
	frame_pool__destroy(p);
	return err;
}

void frame_pool__destroy(struct frame_pool *p)
{
	if (!p)
		return;
	for (int c = 0; c < FRAME__CLASS_MAX; c++)
		free(p->free_list[c]);
	free(p->owner);
	free(p->inflight);
	free(p);
}

void frame_pool__set_violation_policy(struct frame_pool *p, enum frame_violation_policy policy)
{
	p->policy = policy;
}

uint8_t *frame_pool_area(const struct frame_pool *p)
{
	return p->area;
}

uint64_t frame_pool_first_addr(const struct frame_pool *p)
{
	return p->first_addr;
}

uint32_t frame_pool_nframes(const struct frame_pool *p)
{
	return p->nframes;
}

uint32_t frame_pool_quota(const struct frame_pool *p, enum frame_class cls)
{
	return p->class_start[cls + 1] - p->class_start[cls];
}

uint32_t frame_pool_available(const struct frame_pool *p, enum frame_class cls)
{
	return p->free_count[cls];
}

/* Frame index of addr, or UINT32_MAX when outside the pool. */
static inline uint32_t frame_index(const struct frame_pool *p, uint64_t addr)
{
	uint64_t rel = addr - p->first_addr; /* wraps for addr < first_addr */

	if (rel >> FRAME_SHIFT >= p->nframes)
		return UINT32_MAX;
	return (uint32_t)(rel >> FRAME_SHIFT);
}

static inline enum frame_class index_class(const struct frame_pool *p, uint32_t idx)
{
	if (idx >= p->class_start[FRAME_CLASS_CACHE])
		return FRAME_CLASS_CACHE;
	if (idx >= p->class_start[FRAME_CLASS_TX])
		return FRAME_CLASS_TX;
	return FRAME_CLASS_FILL;
}

static inline uint64_t index_addr(const struct frame_pool *p, uint32_t idx)
{
	return p->first_addr + ((uint64_t)idx << FRAME_SHIFT);
}

bool frame_pool_contains(const struct frame_pool *p, uint64_t addr)
{
	return frame_index(p, addr) != UINT32_MAX;
}

enum frame_owner frame_pool_owner(const struct frame_pool *p, uint64_t addr)
{
	uint32_t idx = frame_index(p, addr);

	return idx == UINT32_MAX ? FRAME__OWNER_MAX : (enum frame_owner)p->owner[idx];
}

enum frame_class frame_pool_class(const struct frame_pool *p, uint64_t addr)
{
	uint32_t idx = frame_index(p, addr);

	return idx == UINT32_MAX ? FRAME__CLASS_MAX : index_class(p, idx);
}

/*
 * Take a frame out of circulation for good. A FREE frame leaves its free
 * list (a linear search: this runs only after a bug, never per packet).
 */
static void frame_quarantine(struct frame_pool *p, uint32_t idx)
{
	enum frame_class cls = index_class(p, idx);

	if (p->owner[idx] == FRAME_FREE) {
		for (uint32_t i = 0; i < p->free_count[cls]; i++) {
			if (p->free_list[cls][i] == idx) {
				p->free_list[cls][i] = p->free_list[cls][--p->free_count[cls]];
				break;
			}
		}
	}
	p->owner[idx] = FRAME_QUARANTINE;
}

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* "frame 0x5000 (tx class, owner free, in flight 0): illegal move tx -> free: why" */
static void frame_illegal_describe(const struct frame_pool *p, uint64_t addr, uint32_t idx,
				   enum frame_owner from, enum frame_owner to, const char *why,
				   char *buf, size_t len)
{
	if (idx == UINT32_MAX)
		snprintf(buf, len, "frame %#llx outside the pool: illegal move %s -> %s",
			 (unsigned long long)addr, frame_owner_name(from), frame_owner_name(to));
	else
		snprintf(
			buf, len,
			"frame %#llx (%s class, owner %s, in flight %u): illegal move %s -> %s: %s",
			(unsigned long long)addr, class_name(index_class(p, idx)),
			frame_owner_name((enum frame_owner)p->owner[idx]), p->inflight[idx],
			frame_owner_name(from), frame_owner_name(to), why);
}

/*
 * An illegal move is a bug in the caller. Abort policy: stop at once, so
 * the test or the developer sees where. Quarantine policy: count, log at a
 * rate limit, quarantine the frame and refuse the move.
 */
static int frame_illegal(struct frame_pool *p, uint64_t addr, uint32_t idx, enum frame_owner from,
			 enum frame_owner to, const char *why)
{
	char what[192];

	p->illegal_moves++;
	frame_illegal_describe(p, addr, idx, from, to, why, what, sizeof(what));
	if (p->policy == FRAME_VIOLATION_ABORT) {
		pr_err("%s", what);
		abort();
	}
	pr_ratelimited(&p->violation_rl, monotonic_ns(), LOG_LEVEL_WARN,
		       "%s; %s (a bug: please report this line)", what,
		       idx == UINT32_MAX ? "refused" : "frame quarantined, never reused");
	if (idx != UINT32_MAX)
		frame_quarantine(p, idx);
	return -EINVAL;
}

/* The legal edges of the ownership graph, beyond the owner check. */
static bool move_allowed(enum frame_class cls, enum frame_owner from, enum frame_owner to)
{
	switch (cls) {
	case FRAME_CLASS_FILL:
		return (from == FRAME_FILL && (to == FRAME_RX || to == FRAME_FREE)) ||
		       (from == FRAME_RX && (to == FRAME_FILL || to == FRAME_FREE));
	case FRAME_CLASS_TX:
		return from == FRAME_TX && to == FRAME_FREE;
	case FRAME_CLASS_CACHE:
		return from == FRAME_CACHE && to == FRAME_FREE;
	default:
		return false;
	}
}

uint64_t frame_pool_alloc(struct frame_pool *p, enum frame_class cls)
{
	uint32_t idx;

	if ((unsigned int)cls >= FRAME__CLASS_MAX || !p->free_count[cls])
		return FRAME_ADDR_NONE;
	idx = p->free_list[cls][--p->free_count[cls]];
	if (p->owner[idx] != FRAME_FREE) {
		frame_illegal(p, index_addr(p, idx), idx, FRAME_FREE, class_owner[cls],
			      "free list holds a frame that is not free");
		return FRAME_ADDR_NONE;
	}
	p->owner[idx] = (uint8_t)class_owner[cls];
	return index_addr(p, idx);
}

int frame_pool_move(struct frame_pool *p, uint64_t addr, enum frame_owner from, enum frame_owner to)
{
	uint32_t idx = frame_index(p, addr);
	enum frame_class cls;

	if (idx == UINT32_MAX)
		return frame_illegal(p, addr, idx, from, to, "outside the pool");
	if (p->owner[idx] != from)
		return frame_illegal(p, addr, idx, from, to, "the frame has another owner");
	cls = index_class(p, idx);
	if (!move_allowed(cls, from, to))
		return frame_illegal(p, addr, idx, from, to, "not a move this class makes");
	if (to == FRAME_FREE && p->inflight[idx])
		return frame_illegal(p, addr, idx, from, to, "still in flight");
	p->owner[idx] = (uint8_t)to;
	if (to == FRAME_FREE)
		p->free_list[cls][p->free_count[cls]++] = idx;
	return 0;
}

int frame_pool_free(struct frame_pool *p, uint64_t addr, enum frame_owner from)
{
	return frame_pool_move(p, addr, from, FRAME_FREE);
}

int frame_pool_inflight_get(struct frame_pool *p, uint64_t addr)
{
	uint32_t idx = frame_index(p, addr);

	if (idx == UINT32_MAX || p->owner[idx] != FRAME_CACHE)
		return frame_illegal(p, addr, idx, FRAME_CACHE, FRAME_CACHE,
				     "only cached content goes out by reference");
	p->inflight[idx]++;
	return 0;
}

int frame_pool_inflight_put(struct frame_pool *p, uint64_t addr)
{
	uint32_t idx = frame_index(p, addr);

	if (idx == UINT32_MAX ||
	    (p->owner[idx] != FRAME_CACHE && p->owner[idx] != FRAME_QUARANTINE) ||
	    !p->inflight[idx])
		return frame_illegal(p, addr, idx, FRAME_CACHE, FRAME_CACHE,
				     "completion for a frame not in flight");
	p->inflight[idx]--;
	return 0;
}

uint32_t frame_pool_inflight(const struct frame_pool *p, uint64_t addr)
{
	uint32_t idx = frame_index(p, addr);

	return idx == UINT32_MAX ? 0 : p->inflight[idx];
}

bool frame_pool_account(const struct frame_pool *p, struct frame_account *a)
{
	uint32_t free_by_class[FRAME__CLASS_MAX] = {0};

	*a = (struct frame_account){.frames = p->nframes, .illegal_moves = p->illegal_moves};
	a->consistent = true;
	for (uint32_t i = 0; i < p->nframes; i++) {
		enum frame_owner o = (enum frame_owner)p->owner[i];
		enum frame_class c = index_class(p, i);

		a->owner[o]++;
		if (o == FRAME_FREE)
			free_by_class[c]++;
		else if (o != class_owner[c] && o != FRAME_QUARANTINE &&
			 !(c == FRAME_CLASS_FILL && o == FRAME_RX))
			a->consistent = false;
		if (p->inflight[i]) {
			a->inflight_frames++;
			a->inflight_refs += p->inflight[i];
			if (o != FRAME_CACHE && o != FRAME_QUARANTINE)
				a->consistent = false;
		}
	}
	for (int c = 0; c < FRAME__CLASS_MAX; c++) {
		a->quota[c] = frame_pool_quota(p, (enum frame_class)c);
		if (free_by_class[c] != p->free_count[c])
			a->consistent = false;
	}
	a->clean = a->consistent && !a->owner[FRAME_RX] && !a->owner[FRAME_TX] &&
		   !a->owner[FRAME_QUARANTINE] && !a->inflight_frames && !a->illegal_moves;
	return a->clean;
}

int frame_account_format(const struct frame_account *a, char *buf, size_t len)
{
	char illegal[96] = "";

	if (a->illegal_moves)
		snprintf(illegal, sizeof(illegal),
			 "; %llu illegal moves refused, %u frames quarantined",
			 (unsigned long long)a->illegal_moves, a->owner[FRAME_QUARANTINE]);
	return snprintf(buf, len,
			"frames %u: free %u, fill %u, rx %u, tx %u, cache %u; in flight %u (%llu "
			"refs)%s: %s",
			a->frames, a->owner[FRAME_FREE], a->owner[FRAME_FILL], a->owner[FRAME_RX],
			a->owner[FRAME_TX], a->owner[FRAME_CACHE], a->inflight_frames,
			(unsigned long long)a->inflight_refs, illegal,
			a->clean	 ? "every frame is back with its owner"
			: !a->consistent ? "FRAME TABLE INCONSISTENT"
					 : "frames still out (rx, tx, quarantined or in flight)");
}
