// SPDX-License-Identifier: GPL-2.0-only
/*
 * cache.c — index, references, eviction and waiters of a worker's content
 * cache. Called by the HTTP layer (cache_lookup, cache_chunk_get,
 * cache_obj_put and blob_put) and by the worker loop (cache_poll); opening
 * and loading live in cache_load.c.
 *
 * Object life: LOADING (in the index, waiters queued) -> READY (in the
 * index and on the SIEVE queue) -> out of the index (evicted, stale,
 * flushed) -> freed once unreferenced and no TX descriptor points into its
 * frames (until then a zombie). A failed load leaves the index at once and
 * is freed after its waiters are told.
 *
 * Eviction is SIEVE (Zhang et al., NSDI '24): one FIFO queue, newest at
 * the head, a "visited" bit set when an object is used again, and a hand
 * that walks from the oldest end toward the newest, clearing visited bits
 * and evicting the first unvisited object nothing references. Chosen over
 * LRU because a scan — one download of a file far larger than the budget,
 * each chunk used once — inserts only unvisited objects, and the hand
 * takes those before any small object that was asked for twice; over
 * S3-FIFO because it needs no second queue or ghost list, and a hit costs
 * one store (no list move), which matters on the packet path. Objects
 * referenced by a lookup or a send queue, pinned for announcement, or
 * with frames in a TX descriptor are passed over, never freed.
 */
#include "cache/cache_int.h"

#include "common/log.h"
#include "common/siphash.h"
#include "xsk/frame.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#define CACHE_REVALIDATE_DEFAULT_NS 1000000000ull
#define CACHE_WAIT_DEFAULT_NS	    5000000000ull
#define CACHE_MAX_LOADS_DEFAULT	    64
#define CACHE_MAX_FILES_DEFAULT	    1024
#define CACHE_NEG_ENTRIES_DEFAULT   16384
#define CACHE_NEG_TTL_DEFAULT_NS    1000000000ull

static uint32_t pow2_ceil(uint64_t v)
{
	uint32_t p = 1;

	while (p < v && p < (1u << 31))
		p <<= 1;
	return p;
}

static uint64_t mix64(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	return h * 0xff51afd7ed558ccdull;
}

/*
 * SipHash-1-3 of the path under a per-cache random key (neither the index
 * buckets nor the negative cache's slots can be aimed at from outside).
 */
uint64_t cache_path_hash(const struct cache *c, const char *path)
{
	return siphash13(c->key, path, strlen(path));
}

/* The key's hash from its path's: a chunk's version and index mixed in. */
uint64_t cache_key_hash(uint64_t path_hash, enum cache_kind kind, const struct file_meta *v,
			uint32_t idx)
{
	uint64_t h = path_hash;

	if (kind == CACHE_CHUNK)
		h = mix64(mix64(mix64(mix64(h, v->ino), v->mtime_ns), v->size), idx + 1);
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

static bool cache_key_equal(const struct cache_obj *o, uint64_t hash, enum cache_kind kind,
			    const char *path, const struct file_meta *v, uint32_t idx)
{
	if (o->hash != hash || o->kind != kind || strcmp(o->path, path))
		return false;
	if (kind == CACHE_FILE) /* idx is the root then: see cache_lookup_in */
		return o->root == idx && o->roots_gen == o->cache->roots_gen;
	return kind == CACHE_FILE || (o->idx == idx && file_meta_same(&o->v, v));
}

static struct cache_obj *cache_index_find(const struct cache *c, uint64_t hash,
					  enum cache_kind kind, const char *path,
					  const struct file_meta *v, uint32_t idx)
{
	struct list_node *head = bucket(c, hash), *pos;

	list_for_each (pos, head) {
		struct cache_obj *o = list_entry(pos, struct cache_obj, hnode);

		if (cache_key_equal(o, hash, kind, path, v, idx))
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
	c->st.bytes_used -= o->kind == CACHE_CHUNK ? o->blob.size : 0;
	c->st.meta_used -= o->meta_bytes;
	if (o->kind == CACHE_FILE) {
		io_reader_close(c->io, o->fd); /* through the ring, never on the worker */
		c->st.files--;
	}
	free(o);
}

/* An unreferenced object out of the index: free it, or wait for its descriptors. */
static void cache_obj_retire(struct cache *c, struct cache_obj *o)
{
	if (cache_obj_in_flight(c, o)) {
		list_add_tail(&c->zombies, &o->queue);
		c->st.zombies++;
		return;
	}
	cache_obj_free(c, o);
}

/* The SIEVE hand's next candidate after `n`: toward the newest, wrapping to the oldest. */
static struct list_node *sieve_step(struct cache *c, struct list_node *n)
{
	n = n->prev;
	return n == &c->queue ? c->queue.prev : n;
}

static void sieve_del(struct cache *c, struct cache_obj *o)
{
	if (c->hand == &o->queue) {
		c->hand = sieve_step(c, &o->queue);
		if (c->hand == &o->queue)
			c->hand = NULL; /* it was the only one */
	}
	list_del(&o->queue);
}

void cache_unlink(struct cache *c, struct cache_obj *o)
{
	if (!o->linked)
		return;
	list_del(&o->hnode);
	o->linked = false;
	c->st.objects--;
	if (o->state != CACHE_OBJ_READY)
		return; /* a load under way: retired once finished and announced */
	sieve_del(c, o);
	if (o->blob.refs == 0)
		cache_obj_retire(c, o);
}

/* The last reference went: an object out of the index goes (or waits as a zombie). */
static void cache_blob_released(struct blob *b)
{
	struct cache_obj *o = container_of(b, struct cache_obj, blob);
	struct cache *c = o->cache;

	if (!c)
		return; /* left behind by cache__destroy */
	if (!o->linked)
		cache_obj_retire(c, o);
}

const struct blob_ops cache_blob_ops = {.released = cache_blob_released};

void cache_obj_get(struct cache_obj *o)
{
	blob_get(&o->blob);
}

void cache_obj_put(struct cache_obj *o)
{
	blob_put(&o->blob);
}

void cache_obj_finished(struct cache *c, struct cache_obj *o)
{
	if (o->state == CACHE_OBJ_READY && o->linked)
		list_add_head(&c->queue, &o->queue);
	/*
	 * The done list pins what it holds (one reference, so no eviction)
	 * until cache_announce() pops the object and lets go.
	 */
	blob_get(&o->blob);
	list_add_tail(&c->done, &o->done);
}

static void cache_reap_zombies(struct cache *c)
{
	struct list_node *pos, *tmp;

	list_for_each_safe (pos, tmp, &c->zombies) {
		struct cache_obj *o = list_entry(pos, struct cache_obj, queue);

		if (cache_obj_in_flight(c, o))
			continue;
		list_del(&o->queue);
		c->st.zombies--;
		cache_obj_free(c, o);
	}
}

/*
 * One SIEVE step at a time from the hand: pass referenced and in-flight
 * objects, clear visited bits, evict the first object left. File objects
 * only when `files_too` (they hold no frames). Two rounds at most.
 */
static bool cache_evict_one(struct cache *c, bool files_too)
{
	uint64_t steps = 2 * (uint64_t)c->st.objects + 2;
	struct list_node *n;

	if (list_empty(&c->queue))
		return false;
	n = c->hand ? c->hand : c->queue.prev;
	while (steps--) {
		struct cache_obj *o = list_entry(n, struct cache_obj, queue);
		struct list_node *next = sieve_step(c, n);

		if ((!files_too && o->kind == CACHE_FILE) || o->blob.refs ||
		    cache_obj_in_flight(c, o)) {
			n = next;
			continue;
		}
		if (o->visited) {
			o->visited = false;
			n = next;
			continue;
		}
		c->hand = next == n ? NULL : next;
		c->st.evictions++;
		cache_unlink(c, o);
		return true;
	}
	c->hand = n;
	return false;
}

static bool cache_over(const struct cache *c, uint32_t frames, uint64_t meta, uint32_t files,
		       bool *files_too)
{
	*files_too = c->st.meta_used + meta > c->meta_budget || c->st.files + files > c->max_files;
	return *files_too || c->st.frames_used + frames > c->frames_budget ||
	       frame_pool_available(c->pool, FRAME_CLASS_CACHE) < frames;
}

int cache_make_room(struct cache *c, uint32_t frames, uint64_t meta, uint32_t files)
{
	bool files_too;

	cache_reap_zombies(c);
	while (cache_over(c, frames, meta, files, &files_too))
		if (!cache_evict_one(c, files_too))
			return -ENOMEM;
	return 0;
}

/* Metadata a full chunk costs (the object, a path, frame list, checksum table, reads). */
static uint64_t cache_chunk_meta_max(const struct cache *c)
{
	return sizeof(struct cache_obj) + 256 + (uint64_t)c->chunk_frames * sizeof(uint64_t) +
	       blob_csum_entries(c->chunk_bytes) * sizeof(uint16_t) +
	       (uint64_t)c->chunk_frames * sizeof(struct cache_read);
}

static int cache_config_apply(struct cache *c, const struct cache_config *cfg)
{
	uint64_t frames = cfg->budget_bytes >> FRAME_SHIFT;
	uint32_t quota = frame_pool_quota(c->pool, FRAME_CLASS_CACHE);
	uint64_t chunk = cfg->chunk_bytes ? cfg->chunk_bytes : CACHE_CHUNK_DEFAULT;

	c->frames_budget = (uint32_t)(frames < quota ? frames : quota);
	c->meta_budget = cfg->meta_budget_bytes ? cfg->meta_budget_bytes
						: cfg->budget_bytes / 16 + (1u << 20);
	c->revalidate_ns = cfg->revalidate_ns ? cfg->revalidate_ns : CACHE_REVALIDATE_DEFAULT_NS;
	c->wait_ns = cfg->wait_ns ? cfg->wait_ns : CACHE_WAIT_DEFAULT_NS;
	c->max_loads = cfg->max_loads ? cfg->max_loads : CACHE_MAX_LOADS_DEFAULT;
	c->max_files = cfg->max_files ? cfg->max_files : CACHE_MAX_FILES_DEFAULT;
	c->user_bytes = (cfg->user_bytes + 7) & ~7u;
	/* At least eight chunks in the budget, whole frames, at least one. */
	if (chunk > ((uint64_t)c->frames_budget << FRAME_SHIFT) / 8)
		chunk = ((uint64_t)c->frames_budget << FRAME_SHIFT) / 8;
	c->chunk_frames = (uint32_t)(chunk >> FRAME_SHIFT);
	if (!c->chunk_frames)
		c->chunk_frames = 1;
	c->chunk_bytes = (uint64_t)c->chunk_frames << FRAME_SHIFT;
	if (c->chunk_frames > c->frames_budget) {
		pr_err("cache budget of %u frames is too small for even one chunk",
		       c->frames_budget);
		return -EINVAL;
	}
	return 0;
}

static int cache_index_create(struct cache *c)
{
	c->nbuckets = pow2_ceil(c->frames_budget / 4);
	if (c->nbuckets < 64)
		c->nbuckets = 64;
	if (c->nbuckets > (1u << 18))
		c->nbuckets = 1u << 18;
	c->buckets = malloc(c->nbuckets * sizeof(*c->buckets));
	if (!c->buckets)
		return -ENOMEM;
	for (uint32_t i = 0; i < c->nbuckets; i++)
		list_init(&c->buckets[i]);
	c->st.meta_used = c->nbuckets * sizeof(*c->buckets);
	if (c->st.meta_used + cache_chunk_meta_max(c) > c->meta_budget) {
		pr_err("cache metadata budget of %llu bytes is below its index and one chunk "
		       "(%llu bytes)",
		       (unsigned long long)c->meta_budget,
		       (unsigned long long)(c->st.meta_used + cache_chunk_meta_max(c)));
		return -EINVAL;
	}
	return 0;
}

int cache__create(const struct cache_config *cfg, int root_fd, struct frame_pool *pool,
		  struct io_reader *io, struct cache **out)
{
	struct cache *c;
	int err;

	*out = NULL;
	if (!io || root_fd < 0)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->root_fds[0] = -1;
	c->pool = pool;
	c->io = io;
	c->area = frame_pool_area(pool);
	if (getrandom(c->key, sizeof(c->key), 0) != sizeof(c->key)) {
		err = -errno;
		pr_err("cannot get random bytes for the cache's hash key: %s", strerror(errno));
		free(c);
		return err;
	}
	list_init(&c->queue);
	list_init(&c->zombies);
	list_init(&c->done);
	list_init(&c->waiting);
	err = cache_config_apply(c, cfg);
	if (!err)
		err = cache_index_create(c);
	if (!err)
		err = negcache__create(
			cfg->neg_entries ? cfg->neg_entries : CACHE_NEG_ENTRIES_DEFAULT,
			cfg->neg_ttl_ns ? cfg->neg_ttl_ns : CACHE_NEG_TTL_DEFAULT_NS, &c->neg);
	if (err)
		goto out;
	c->root_fds[0] = fcntl(root_fd, F_DUPFD_CLOEXEC, 3);
	c->nroots = 1;
	if (c->root_fds[0] < 0) {
		err = -errno;
		pr_err("cannot duplicate the document root fd: %s", strerror(-err));
		goto out;
	}
	*out = c;
	return 0;
out:
	negcache__destroy(c->neg);
	free(c->buckets);
	free(c);
	return err;
}

/*
 * Wake the waiters of finished loads. No callback runs while a list of the
 * cache is walked: an object is popped off the done list first, and the
 * done list's reference (taken in cache_obj_finished) pins it while its
 * waiters run, so a done() that looks up, answers, releases and starts
 * loads whose room-making evicts can never free it, nor any object still
 * queued behind it. The pin goes last: a FAILED object is freed then.
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

/* Queue w for room or a load slot; its first wait's start counts for the bound. */
static int cache_wait(struct cache *c, struct cache_waiter *w, uint64_t now_ns)
{
	if (!w)
		return -ENOMEM;
	list_del(&w->node);
	if (!w->since_ns) {
		w->since_ns = now_ns ? now_ns : 1;
		c->st.waits++;
	}
	list_add_tail(&c->waiting, &w->node);
	return -EINPROGRESS;
}

/* w got what it asked for: a later wait is a new one. */
static void cache_waited(struct cache_waiter *w)
{
	if (w)
		w->since_ns = 0;
}

static struct cache_waiter *cache_first_expired(struct cache *c, uint64_t now_ns)
{
	struct list_node *pos;

	list_for_each (pos, &c->waiting) {
		struct cache_waiter *w = list_entry(pos, struct cache_waiter, node);

		if (now_ns - w->since_ns >= c->wait_ns)
			return w;
	}
	return NULL;
}

/*
 * Waiters for room or a load slot: give up on those that waited wait_ns
 * (-ENOMEM), then wake the oldest ones while a full chunk fits and a load
 * slot is free. Each is popped before its done() runs; a woken waiter
 * that still finds no room queues again, so the pass is bounded.
 */
static int cache_wake_waiting(struct cache *c, uint64_t now_ns)
{
	struct cache_waiter *w;
	uint32_t n = 0;
	int woken = 0;

	while ((w = cache_first_expired(c, now_ns))) {
		list_del(&w->node);
		w->since_ns = 0;
		c->st.wait_timeouts++;
		w->done(w, -ENOMEM);
		woken++;
	}
	for (struct list_node *pos = c->waiting.next; pos != &c->waiting; pos = pos->next)
		n++;
	while (n-- && !list_empty(&c->waiting)) {
		if (c->st.loading >= c->max_loads ||
		    cache_make_room(c, c->chunk_frames, cache_chunk_meta_max(c), 1))
			break;
		w = list_first(&c->waiting, struct cache_waiter, node);
		list_del(&w->node);
		w->done(w, 0);
		woken++;
	}
	return woken;
}

bool cache_needs_poll(const struct cache *c)
{
	return !list_empty(&c->done) || !list_empty(&c->zombies) || !list_empty(&c->waiting) ||
	       io_reader_pending(c->io);
}

int cache_poll(struct cache *c, uint64_t now_ns)
{
	int woken;

	io_reader_complete(c->io);
	cache_reap_zombies(c);
	woken = cache_announce(c);
	woken += cache_wake_waiting(c, now_ns);
	io_reader_submit(c->io);
	return woken;
}

static void cache_destroy_objects(struct cache *c, uint32_t *left)
{
	for (uint32_t b = 0; b < c->nbuckets; b++) {
		struct list_node *pos, *tmp;

		list_for_each_safe (pos, tmp, &c->buckets[b]) {
			struct cache_obj *o = list_entry(pos, struct cache_obj, hnode);

			list_del(&o->hnode);
			o->linked = false;
			if (o->state == CACHE_OBJ_READY && !o->blob.refs &&
			    !cache_obj_in_flight(c, o)) {
				sieve_del(c, o);
				cache_obj_free(c, o);
			} else {
				/* Still used, or still being read into: never free under a user. */
				o->cache = NULL;
				(*left)++;
			}
		}
	}
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
	/* A file held by a load still under way is left with that load. */
	cache_destroy_objects(c, &left);
	left += c->st.zombies; /* TX descriptors still point into them */
	if (left)
		pr_warn("cache: %u objects still referenced, loading or in flight at shutdown; "
			"left allocated",
			left);
	for (uint32_t i = 0; i < c->nroots; i++)
		close(c->root_fds[i]);
	for (uint32_t i = 0; i < c->nretired; i++)
		close(c->retired[i]);
	free(c->retired);
	negcache__destroy(c->neg);
	free(c->buckets);
	free(c);
}

/* Close the retired roots once no open chain started under them is left. */
static void cache_roots_close_retired(struct cache *c)
{
	if (c->opens_old)
		return;
	for (uint32_t i = 0; i < c->nretired; i++)
		close(c->retired[i]);
	c->nretired = 0;
}

void cache_roots_open_done(struct cache *c, const struct cache_obj *o)
{
	if (o->roots_gen == c->roots_gen) {
		c->opens--;
		return;
	}
	c->opens_old--;
	cache_roots_close_retired(c);
}

/* The current roots give way: closed now, or retired while chains still open under them. */
static int cache_roots_retire(struct cache *c)
{
	int *grown = realloc(c->retired, (c->nretired + c->nroots) * sizeof(*grown));

	if (!grown)
		return -ENOMEM;
	c->retired = grown;
	memcpy(c->retired + c->nretired, c->root_fds, c->nroots * sizeof(*grown));
	c->nretired += c->nroots;
	c->opens_old += c->opens;
	c->opens = 0;
	cache_roots_close_retired(c);
	return 0;
}

int cache_set_roots(struct cache *c, const int *fds, uint32_t n)
{
	int dup[CACHE_ROOTS_MAX];
	int err = 0;
	uint32_t i;

	if (!n || n > CACHE_ROOTS_MAX)
		return -EINVAL;
	for (i = 0; i < n && !err; i++) {
		dup[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 3);
		if (dup[i] < 0)
			err = -errno;
	}
	if (err) {
		for (uint32_t j = 0; j + 1 < i; j++)
			close(dup[j]);
		return err;
	}
	err = cache_roots_retire(c);
	if (err) {
		for (i = 0; i < n; i++)
			close(dup[i]);
		return err;
	}
	memcpy(c->root_fds, dup, n * sizeof(dup[0]));
	c->nroots = n;
	c->roots_gen++;
	cache_flush(c);
	return 0;
}

int cache_lookup(struct cache *c, const char *path, uint64_t now_ns, struct cache_waiter *w,
		 struct cache_obj **out)
{
	return cache_lookup_in(c, 0, path, now_ns, w, out);
}

int cache_lookup_in(struct cache *c, uint32_t root, const char *path, uint64_t now_ns,
		    struct cache_waiter *w, struct cache_obj **out)
{
	struct cache_obj *o;
	uint64_t path_hash, hash;

	*out = NULL;
	if (strlen(path) > CACHE_PATH_MAX || root >= c->nroots)
		return -ENOENT;
	/* The root and its generation are part of a file's key, so of its hash. */
	path_hash = cache_path_hash(c, path);
	hash = cache_key_hash(path_hash, CACHE_FILE, NULL, 0) ^
	       (((uint64_t)c->roots_gen << 8 | root) * 0x9e3779b97f4a7c15ull);
	o = cache_index_find(c, hash, CACHE_FILE, path, NULL, root);
	if (o && o->state == CACHE_OBJ_LOADING) {
		if (w) {
			list_del(&w->node); /* a waiter queued twice moves, never corrupts */
			list_add_tail(&o->waiters, &w->node);
		}
		return -EINPROGRESS;
	}
	if (o) {
		/* Served meanwhile: a changed file leaves the index when the look comes back. */
		if (now_ns - o->checked_ns >= c->revalidate_ns)
			cache_revalidate_start(c, o, now_ns);
		c->st.file_hits++;
		o->visited = true;
		blob_get(&o->blob);
		*out = o;
		cache_waited(w);
		return 0;
	}
	if (negcache_lookup(c->neg, hash, now_ns)) {
		c->st.neg_hits++;
		return -ENOENT;
	}
	if (cache_make_room(c, 0, sizeof(*o) + strlen(path) + 8 + c->user_bytes, 1))
		return cache_wait(c, w, now_ns);
	c->st.file_opens++;
	cache_waited(w);
	return cache_file_open(c, root, path, path_hash, hash, now_ns, w);
}

/* Start a chunk load (room made first, or wait for it); w joins the load. */
static int cache_chunk_miss(struct cache *c, struct cache_obj *f, uint32_t idx, uint64_t hash,
			    uint64_t now_ns, struct cache_waiter *w)
{
	struct cache_obj *o;
	int err;

	if (c->st.loading >= c->max_loads)
		return cache_wait(c, w, now_ns);
	err = cache_chunk_load(c, f, idx, hash, &o);
	if (err == -ENOMEM)
		return cache_wait(c, w, now_ns);
	if (err)
		return err;
	cache_waited(w);
	if (w) {
		list_del(&w->node);
		list_add_tail(&o->waiters, &w->node);
	}
	return -EINPROGRESS;
}

int cache_chunk_get(struct cache *c, struct cache_obj *f, uint32_t idx, uint64_t now_ns,
		    struct cache_waiter *w, struct blob **out)
{
	uint64_t hash = cache_key_hash(f->path_hash, CACHE_CHUNK, &f->v, idx);
	struct cache_obj *o = cache_index_find(c, hash, CACHE_CHUNK, f->path, &f->v, idx);

	*out = NULL;
	if (f->kind != CACHE_FILE || f->state != CACHE_OBJ_READY || idx >= cache_obj_chunks(f))
		return -EINVAL;
	if (!o) {
		c->st.misses++;
		return cache_chunk_miss(c, f, idx, hash, now_ns, w);
	}
	if (o->state == CACHE_OBJ_LOADING) {
		c->st.misses++;
		if (w) {
			list_del(&w->node);
			list_add_tail(&o->waiters, &w->node);
		}
		return -EINPROGRESS;
	}
	c->st.hits++;
	if (o->fresh)
		o->fresh = false; /* the take its load was for: no reuse yet */
	else
		o->visited = true;
	blob_get(&o->blob);
	*out = &o->blob;
	cache_waited(w);
	return 0;
}

void cache_chunk_prefetch(struct cache *c, struct cache_obj *f, uint32_t idx, uint64_t now_ns)
{
	struct cache_obj *o;
	uint64_t hash;

	(void)now_ns;
	if (idx >= cache_obj_chunks(f) || c->st.loading >= c->max_loads || !list_empty(&c->waiting))
		return; /* never ahead of someone who waits */
	hash = cache_key_hash(f->path_hash, CACHE_CHUNK, &f->v, idx);
	if (cache_index_find(c, hash, CACHE_CHUNK, f->path, &f->v, idx))
		return;
	if (!cache_chunk_load(c, f, idx, hash, &o))
		c->st.readaheads++;
}

void cache_waiter_init(struct cache_waiter *w, void (*done)(struct cache_waiter *w, int err))
{
	w->done = done;
	w->since_ns = 0;
	list_init(&w->node);
}

void cache_waiter_cancel(struct cache_waiter *w)
{
	list_del(&w->node);
	w->since_ns = 0;
}

uint32_t cache_flush(struct cache *c)
{
	uint32_t dropped = 0;

	negcache_clear(c->neg);
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

void cache_for_each_file(const struct cache *c, void (*fn)(const struct cache_obj *f, void *arg),
			 void *arg)
{
	for (uint32_t b = 0; b < c->nbuckets; b++) {
		const struct list_node *pos;

		list_for_each (pos, &c->buckets[b]) {
			const struct cache_obj *o = list_entry(pos, struct cache_obj, hnode);

			if (o->kind == CACHE_FILE && o->state == CACHE_OBJ_READY)
				fn(o, arg);
		}
	}
}

void cache_stats(const struct cache *c, struct cache_stats *out)
{
	const struct list_node *pos;
	struct negcache_stats ns;

	*out = c->st;
	negcache_stats(c->neg, &ns);
	out->neg_inserts = ns.inserts;
	out->neg_replaced = ns.replaced;
	out->frames_budget = c->frames_budget;
	out->bytes_budget = (uint64_t)c->frames_budget << FRAME_SHIFT;
	out->meta_budget = c->meta_budget;
	out->chunk_bytes = c->chunk_bytes;
	out->waiting = 0;
	for (pos = c->waiting.next; pos != &c->waiting; pos = pos->next)
		out->waiting++;
}

uint64_t cache_chunk_bytes(const struct cache *c)
{
	return c->chunk_bytes;
}

const char *cache_obj_path(const struct cache_obj *o)
{
	return o->path;
}

uint64_t cache_obj_size(const struct cache_obj *o)
{
	return o->v.size;
}

uint64_t cache_obj_mtime_ns(const struct cache_obj *o)
{
	return o->v.mtime_ns;
}

uint64_t cache_obj_ino(const struct cache_obj *o)
{
	return o->v.ino;
}

uint64_t cache_obj_dev(const struct cache_obj *o)
{
	return o->v.dev;
}

void *cache_obj_user(struct cache_obj *o)
{
	return o->user;
}

uint32_t cache_obj_chunks(const struct cache_obj *o)
{
	uint64_t chunk = o->cache ? o->cache->chunk_bytes : CACHE_CHUNK_DEFAULT;

	return (uint32_t)((o->v.size + chunk - 1) / chunk);
}
