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
		[FRAME_TX] = "tx",     [FRAME_CACHE] = "cache",
	};

	return (unsigned int)o < FRAME__OWNER_MAX ? names[o] : "outside";
}

static __attribute__((unused)) const char *class_name(enum frame_class c)
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
 * An illegal move is a bug in the caller: stop at once in debug builds, so
 * the test or the developer sees where; count and refuse it otherwise.
 */
static int frame_illegal(struct frame_pool *p, uint64_t addr, uint32_t idx, enum frame_owner from,
			 enum frame_owner to, const char *why)
{
	p->illegal_moves++;
#ifndef NDEBUG
	if (idx == UINT32_MAX)
		pr_err("frame %#llx outside the pool: illegal move %s -> %s",
		       (unsigned long long)addr, frame_owner_name(from), frame_owner_name(to));
	else
		pr_err("frame %#llx (%s class, owner %s, in flight %u): illegal move %s -> %s: %s",
		       (unsigned long long)addr, class_name(index_class(p, idx)),
		       frame_owner_name((enum frame_owner)p->owner[idx]), p->inflight[idx],
		       frame_owner_name(from), frame_owner_name(to), why);
	abort();
#endif
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

	if (idx == UINT32_MAX || p->owner[idx] != FRAME_CACHE || !p->inflight[idx])
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
		else if (o != class_owner[c] && !(c == FRAME_CLASS_FILL && o == FRAME_RX))
			a->consistent = false;
		if (p->inflight[i]) {
			a->inflight_frames++;
			a->inflight_refs += p->inflight[i];
			if (o != FRAME_CACHE)
				a->consistent = false;
		}
	}
	for (int c = 0; c < FRAME__CLASS_MAX; c++) {
		a->quota[c] = frame_pool_quota(p, (enum frame_class)c);
		if (free_by_class[c] != p->free_count[c])
			a->consistent = false;
	}
	a->clean = a->consistent && !a->owner[FRAME_RX] && !a->owner[FRAME_TX] &&
		   !a->inflight_frames && !a->illegal_moves;
	return a->clean;
}

int frame_account_format(const struct frame_account *a, char *buf, size_t len)
{
	return snprintf(buf, len,
			"frames %u: free %u, fill %u, rx %u, tx %u, cache %u; in flight %u (%llu "
			"refs)%s: %s",
			a->frames, a->owner[FRAME_FREE], a->owner[FRAME_FILL], a->owner[FRAME_RX],
			a->owner[FRAME_TX], a->owner[FRAME_CACHE], a->inflight_frames,
			(unsigned long long)a->inflight_refs,
			a->illegal_moves ? "; illegal moves refused" : "",
			a->clean	 ? "every frame is back with its owner"
			: !a->consistent ? "FRAME TABLE INCONSISTENT"
					 : "frames still out (rx, tx or in flight)");
}
