// SPDX-License-Identifier: GPL-2.0-only
/*
 * cache.c — index, references, eviction and waiters of a worker's content
 * cache. Called by the HTTP layer (cache_lookup, cache_obj_put through
 * blob_put) and by the worker loop (cache_poll); loading lives in
 * cache_load.c.
 *
 * Object life: LOADING (in the index, waiters queued) -> READY (in the
 * index; on the idle list while nobody references it) -> out of the index
 * (evicted, stale, flushed) -> freed once unreferenced and no TX descriptor
 * points into its frames (until then a zombie). A failed load leaves the
 * index at once and is freed after its waiters are told.
 */
#include "cache/cache_int.h"

#include "common/log.h"
#include "xsk/frame.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#define CACHE_REVALIDATE_DEFAULT_NS 1000000000ull

static uint32_t pow2_ceil(uint64_t v)
{
	uint32_t p = 1;

	while (p < v && p < (1u << 31))
		p <<= 1;
	return p;
}

/* FNV-1a, seeded per cache so bucket chains are not predictable from outside. */
uint64_t cache_hash(const struct cache *c, const char *path)
{
	uint64_t h = 0xcbf29ce484222325ull ^ c->seed;

	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		h ^= *p;
		h *= 0x100000001b3ull;
	}
	return h ^ (h >> 29);
}

static struct list_node *bucket(const struct cache *c, uint64_t hash)
{
	return &c->buckets[hash & (c->nbuckets - 1)];
}

void cache_index_insert(struct cache *c, struct cache_obj *o)
{
	list_add_head(bucket(c, o->hash), &o->hnode);
	o->linked = true;
	c->st.objects++;
}

static struct cache_obj *cache_index_find(const struct cache *c, uint64_t hash, const char *path)
{
	struct list_node *head = bucket(c, hash), *pos;

	list_for_each (pos, head) {
		struct cache_obj *o = list_entry(pos, struct cache_obj, hnode);

		if (o->hash == hash && !strcmp(o->path, path))
			return o;
	}
	return NULL;
}

static bool cache_obj_in_flight(const struct cache *c, const struct cache_obj *o)
{
	for (uint32_t i = 0; i < o->blob.nframes; i++)
		if (frame_pool_inflight(c->pool, o->frame_addrs[i]))
			return true;
	return false;
}

void cache_obj_free(struct cache *c, struct cache_obj *o)
{
	for (uint32_t i = 0; i < o->blob.nframes; i++)
		frame_pool_free(c->pool, o->frame_addrs[i], FRAME_CACHE);
	c->st.frames_used -= o->blob.nframes;
	c->st.bytes_used -= o->size;
	c->st.meta_used -= o->meta_bytes;
	free(o);
}

/* An unreferenced object out of the index: free it, or wait for its descriptors. */
static void cache_obj_retire(struct cache *c, struct cache_obj *o)
{
	if (cache_obj_in_flight(c, o)) {
		list_add_tail(&c->zombies, &o->lru);
		c->st.zombies++;
		return;
	}
	cache_obj_free(c, o);
}

void cache_unlink(struct cache *c, struct cache_obj *o)
{
	if (!o->linked)
		return;
	list_del(&o->hnode);
	o->linked = false;
	c->st.objects--;
	if (o->state == CACHE_OBJ_READY && o->blob.refs == 0) {
		list_del(&o->lru); /* off the idle list */
		cache_obj_retire(c, o);
	}
}

/* The last reference went: back on the idle list, or retire an unlinked object. */
static void cache_blob_released(struct blob *b)
{
	struct cache_obj *o = container_of(b, struct cache_obj, blob);
	struct cache *c = o->cache;

	if (!c)
		return; /* left behind by cache__destroy */
	if (o->linked && o->state == CACHE_OBJ_READY)
		list_add_tail(&c->idle, &o->lru);
	else
		cache_obj_retire(c, o);
}

const struct blob_ops cache_blob_ops = {.released = cache_blob_released};

static void cache_obj_get(struct cache_obj *o)
{
	if (o->blob.refs == 0)
		list_del(&o->lru); /* off the idle list while in use */
	blob_get(&o->blob);
}

static void cache_reap_zombies(struct cache *c)
{
	struct list_node *pos, *tmp;

	list_for_each_safe (pos, tmp, &c->zombies) {
		struct cache_obj *o = list_entry(pos, struct cache_obj, lru);

		if (cache_obj_in_flight(c, o))
			continue;
		list_del(&o->lru);
		c->st.zombies--;
		cache_obj_free(c, o);
	}
}

/* Free the least recently released object that nothing points into. */
static bool cache_evict_one(struct cache *c)
{
	struct list_node *pos;

	list_for_each (pos, &c->idle) {
		struct cache_obj *o = list_entry(pos, struct cache_obj, lru);

		if (cache_obj_in_flight(c, o))
			continue;
		c->st.evictions++;
		cache_unlink(c, o);
		return true;
	}
	return false;
}

int cache_make_room(struct cache *c, uint32_t frames, uint64_t meta)
{
	cache_reap_zombies(c);
	while (c->st.frames_used + frames > c->frames_budget ||
	       frame_pool_available(c->pool, FRAME_CLASS_CACHE) < frames ||
	       c->st.meta_used + meta > c->meta_budget) {
		if (!cache_evict_one(c))
			return -ENOMEM;
	}
	return 0;
}

int cache__create(const struct cache_config *cfg, int root_fd, struct frame_pool *pool,
		  struct io_reader *io, struct cache **out)
{
	uint64_t frames = cfg->budget_bytes >> FRAME_SHIFT;
	uint32_t quota = frame_pool_quota(pool, FRAME_CLASS_CACHE);
	struct cache *c;
	int err = -ENOMEM;

	*out = NULL;
	if (!io || root_fd < 0)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->root_fd = -1;
	c->pool = pool;
	c->io = io;
	c->area = frame_pool_area(pool);
	c->frames_budget = (uint32_t)(frames < quota ? frames : quota);
	c->meta_budget = cfg->meta_budget_bytes ? cfg->meta_budget_bytes
						: cfg->budget_bytes / 16 + (1u << 20);
	c->revalidate_ns = cfg->revalidate_ns ? cfg->revalidate_ns : CACHE_REVALIDATE_DEFAULT_NS;
	if (getrandom(&c->seed, sizeof(c->seed), GRND_NONBLOCK) != sizeof(c->seed))
		c->seed = (uint64_t)(uintptr_t)c ^ 0x9e3779b97f4a7c15ull;
	list_init(&c->idle);
	list_init(&c->zombies);
	list_init(&c->done);

	c->nbuckets = pow2_ceil(c->frames_budget / 4);
	if (c->nbuckets < 64)
		c->nbuckets = 64;
	if (c->nbuckets > (1u << 18))
		c->nbuckets = 1u << 18;
	c->buckets = malloc(c->nbuckets * sizeof(*c->buckets));
	if (!c->buckets)
		goto out;
	for (uint32_t i = 0; i < c->nbuckets; i++)
		list_init(&c->buckets[i]);
	c->st.meta_used = c->nbuckets * sizeof(*c->buckets);
	if (c->st.meta_used > c->meta_budget) {
		pr_err("cache metadata budget of %llu bytes is below its index (%llu bytes)",
		       (unsigned long long)c->meta_budget, (unsigned long long)c->st.meta_used);
		err = -EINVAL;
		goto out;
	}

	c->root_fd = fcntl(root_fd, F_DUPFD_CLOEXEC, 3);
	if (c->root_fd < 0) {
		err = -errno;
		pr_err("cannot duplicate the document root fd: %s", strerror(-err));
		goto out;
	}
	*out = c;
	return 0;
out:
	if (c->root_fd >= 0)
		close(c->root_fd);
	free(c->buckets);
	free(c);
	return err;
}

/*
 * Wake the waiters of finished loads. No callback runs while a list of the
 * cache is walked: an object is popped off the done list first, and the
 * done list's reference (taken in cache_load_finish) pins it while its
 * waiters run, so a done() that looks up, answers, releases and starts
 * loads whose room-making evicts can never free it, nor any object still
 * queued behind it. The pin goes last: a READY object then lands on the
 * idle list, a FAILED one is freed.
 */
static int cache_announce(struct cache *c)
{
	int woken = 0;

	while (!list_empty(&c->done)) {
		struct cache_obj *o = list_first(&c->done, struct cache_obj, done);
		int err = o->state == CACHE_OBJ_READY ? 0 : (o->load_err ? o->load_err : -EIO);
		struct list_node waiters;

		list_del(&o->done);
		list_move_all(&waiters, &o->waiters);
		/* Pop one at a time: a done() may cancel another waiter of this list. */
		while (!list_empty(&waiters)) {
			struct cache_waiter *w = list_first(&waiters, struct cache_waiter, node);

			list_del(&w->node);
			w->done(w, err);
			woken++;
		}
		blob_put(&o->blob);
	}
	return woken;
}

bool cache_needs_poll(const struct cache *c)
{
	return !list_empty(&c->done) || !list_empty(&c->zombies) || io_reader_pending(c->io);
}

int cache_poll(struct cache *c)
{
	io_reader_complete(c->io);
	cache_reap_zombies(c);
	io_reader_submit(c->io);
	return cache_announce(c);
}

void cache__destroy(struct cache *c)
{
	uint32_t left = 0;

	if (!c)
		return;
	if (c->st.loading && io_reader_drain(c->io, 5000))
		pr_warn("cache: %u loads still reading at shutdown", c->st.loading);
	cache_announce(c);
	cache_reap_zombies(c);
	for (uint32_t b = 0; b < c->nbuckets; b++) {
		struct list_node *pos, *tmp;

		list_for_each_safe (pos, tmp, &c->buckets[b]) {
			struct cache_obj *o = list_entry(pos, struct cache_obj, hnode);

			list_del(&o->hnode);
			o->linked = false;
			if (o->state == CACHE_OBJ_READY && !o->blob.refs &&
			    !cache_obj_in_flight(c, o)) {
				list_del(&o->lru);
				cache_obj_free(c, o);
			} else {
				/* Still used, or still being read into: never free under a user. */
				o->cache = NULL;
				left++;
			}
		}
	}
	left += c->st.zombies; /* TX descriptors still point into them */
	if (left)
		pr_warn("cache: %u objects still referenced, loading or in flight at shutdown; "
			"left allocated",
			left);
	close(c->root_fd);
	free(c->buckets);
	free(c);
}

int cache_lookup(struct cache *c, const char *path, uint64_t now_ns, struct cache_waiter *w,
		 struct cache_obj **out)
{
	struct cache_obj *o;
	uint64_t hash;

	*out = NULL;
	if (strlen(path) > CACHE_PATH_MAX)
		return -ENOENT;
	hash = cache_hash(c, path);
	o = cache_index_find(c, hash, path);
	if (o && o->state == CACHE_OBJ_LOADING) {
		c->st.misses++;
		if (w) {
			list_del(&w->node); /* a waiter queued twice moves, never corrupts */
			list_add_tail(&o->waiters, &w->node);
		}
		return -EINPROGRESS;
	}
	if (o && now_ns - o->checked_ns >= c->revalidate_ns) {
		o->checked_ns = now_ns;
		if (!cache_revalidate(c, o)) {
			c->st.stale++;
			cache_unlink(c, o);
			o = NULL;
		}
	}
	if (o) {
		c->st.hits++;
		cache_obj_get(o);
		*out = o;
		return 0;
	}
	c->st.misses++;
	return cache_load_start(c, path, hash, now_ns, w, out);
}

void cache_waiter_init(struct cache_waiter *w, void (*done)(struct cache_waiter *w, int err))
{
	w->done = done;
	list_init(&w->node);
}

void cache_waiter_cancel(struct cache_waiter *w)
{
	list_del(&w->node);
}

uint32_t cache_flush(struct cache *c)
{
	uint32_t dropped = 0;

	for (uint32_t b = 0; b < c->nbuckets; b++) {
		struct list_node *pos, *tmp;

		list_for_each_safe (pos, tmp, &c->buckets[b]) {
			struct cache_obj *o = list_entry(pos, struct cache_obj, hnode);

			if (o->state != CACHE_OBJ_READY)
				continue;
			cache_unlink(c, o);
			dropped++;
		}
	}
	return dropped;
}

void cache_stats(const struct cache *c, struct cache_stats *out)
{
	*out = c->st;
	out->frames_budget = c->frames_budget;
	out->bytes_budget = (uint64_t)c->frames_budget << FRAME_SHIFT;
	out->meta_budget = c->meta_budget;
}

void cache_for_each(const struct cache *c, void (*fn)(const struct cache_obj *o, void *arg),
		    void *arg)
{
	for (uint32_t b = 0; b < c->nbuckets; b++) {
		struct list_node *pos;

		list_for_each (pos, &c->buckets[b])
			fn(list_entry(pos, struct cache_obj, hnode), arg);
	}
}
