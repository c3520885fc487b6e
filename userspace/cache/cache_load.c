// SPDX-License-Identifier: GPL-2.0-only
/*
 * cache_load.c — bring a file of the document root into UMEM frames.
 *
 *	cache_lookup (miss) -> cache_file_open: the file object enters the
 *	    index LOADING, file_open_start (openat2 O_PATH, statx, read open,
 *	    statx: io/file_open.h)
 *	cache_poll -> io_reader_complete -> cache_file_opened: READY with its
 *	    version and fd, or FAILED (-ENOENT also into the negative cache);
 *	    announced to its waiters through the done list
 *	cache_chunk_get (miss) -> cache_chunk_load: make room, take frames,
 *	    one io_reader read per run of contiguous frames from the file
 *	    object's fd (referenced until the load ends)
 *	cache_poll -> io_reader_complete -> cache_read_done (per run)
 *	    -> cache_load_finish: checksum table, READY (or FAILED), waiters
 *	    woken by cache_poll
 *	cache_lookup (hit, due) -> cache_revalidate_start: the file object is
 *	    served while a statx chain looks at the path; cache_revalidated
 *	    drops it from the index if the file changed or went
 *
 * No disk call runs on the worker thread.
 */
#include "config.h" /* _GNU_SOURCE: O_PATH */

#include "cache/cache_int.h"

#include "common/log.h"
#include "xsk/frame.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* One read covers at most this much, so big files load with reads in parallel. */
#define CACHE_READ_RUN (1u << 20)

/* Take a file object out of the index before it was ever READY. */
static void cache_obj_drop_unready(struct cache *c, struct cache_obj *o)
{
	list_del(&o->hnode);
	o->linked = false;
	c->st.objects--;
}

/*
 * The open-and-check chain of a file object ended: READY with the version
 * and read fd it checked, or FAILED (-ENOENT also goes into the negative
 * cache). Either way the done list announces it to its waiters.
 */
static void cache_file_opened(struct file_open *fo, int err)
{
	struct cache_obj *o = container_of(fo, struct cache_obj, open);
	struct cache *c = o->cache;

	if (!c) { /* left behind by cache__destroy */
		if (!err)
			close(fo->fd);
		return;
	}
	cache_roots_open_done(c, o);
	if (err) {
		if (err == -ENOENT)
			negcache_insert(c->neg, o->hash, o->checked_ns);
		o->load_err = err;
		o->state = CACHE_OBJ_FAILED;
		cache_obj_drop_unready(c, o);
	} else {
		o->fd = fo->fd;
		o->v = fo->meta;
		o->state = CACHE_OBJ_READY;
		negcache_forget(c->neg, o->hash);
	}
	cache_obj_finished(c, o);
}

/*
 * Allocate an object of `total` bytes with `path` right behind the struct,
 * LOADING, charged to the metadata budget. The caller fills in the rest
 * and puts it in the index.
 */
static struct cache_obj *cache_obj_new(struct cache *c, enum cache_kind kind, const char *path,
				       uint64_t hash, size_t total)
{
	struct cache_obj *o = calloc(1, total);

	if (!o)
		return NULL;
	memcpy((char *)o + sizeof(*o), path, strlen(path) + 1);
	o->path = (char *)o + sizeof(*o);
	o->kind = kind;
	o->state = CACHE_OBJ_LOADING;
	o->cache = c;
	o->hash = hash;
	o->fd = -1;
	o->meta_bytes = total;
	list_init(&o->queue);
	list_init(&o->done);
	list_init(&o->waiters);
	c->st.meta_used += total;
	return o;
}

int cache_file_open(struct cache *c, uint32_t root, const char *path, uint64_t path_hash,
		    uint64_t hash, uint64_t now_ns, struct cache_waiter *w)
{
	size_t plen = strlen(path),
	       off_user = (sizeof(struct cache_obj) + plen + 1 + 7) & ~(size_t)7;
	struct cache_obj *o = cache_obj_new(c, CACHE_FILE, path, hash, off_user + c->user_bytes);

	if (!o)
		return -ENOMEM;
	o->user = (char *)o + off_user;
	o->path_hash = path_hash;
	o->root = root;
	o->roots_gen = c->roots_gen;
	o->checked_ns = now_ns;
	o->blob =
		(struct blob){.frame_shift = FRAME_SHIFT, .umem = c->area, .ops = &cache_blob_ops};
	c->st.files++;
	cache_index_insert(c, o);
	if (w) {
		list_del(&w->node);
		list_add_tail(&o->waiters, &w->node);
	}
	o->open.done = cache_file_opened;
	c->opens++;
	file_open_start(&o->open, c->io, c->root_fds[o->root], o->path, true);
	io_reader_submit(c->io); /* the miss waits for it: do not leave it for the next loop */
	return -EINPROGRESS;
}

/*
 * The statx chain of a revalidation ended: drop the file object if its
 * file changed or went. -EIO means we could not look (no fd left, no
 * memory, a disk hiccup), not that the file changed: keep serving what is
 * cached and look again at the next due hit.
 */
static void cache_revalidated(struct file_open *fo, int err)
{
	struct cache_obj *o = container_of(fo, struct cache_obj, open);
	struct cache *c = o->cache;

	o->revalidating = false;
	if (c)
		cache_roots_open_done(c, o);
	if (c && o->linked && err != -EIO && (err || !file_meta_same(&fo->meta, &o->v))) {
		c->st.stale++;
		cache_unlink(c, o);
	}
	blob_put(&o->blob); /* the chain's reference */
}

void cache_revalidate_start(struct cache *c, struct cache_obj *o, uint64_t now_ns)
{
	if (o->revalidating)
		return;
	o->checked_ns = now_ns;
	o->revalidating = true;
	blob_get(&o->blob); /* nobody frees it under the chain */
	o->open.done = cache_revalidated;
	c->opens++;
	file_open_start(&o->open, c->io, c->root_fds[o->root], o->path, false);
	io_reader_submit(c->io);
}

static void cache_load_finish(struct cache *c, struct cache_obj *o)
{
	struct cache_obj *f = o->file;

	free(o->reads);
	o->reads = NULL;
	c->st.meta_used -= (uint64_t)o->nreads * sizeof(struct cache_read);
	o->nreads = 0;
	c->st.loading--;
	if (o->load_err) {
		o->state = CACHE_OBJ_FAILED;
		c->st.load_errors++;
		if (o->linked)
			cache_obj_drop_unready(c, o);
	} else {
		blob_csum_build(&o->blob);
		o->state = CACHE_OBJ_READY;
	}
	o->file = NULL;
	cache_obj_finished(c, o);
	cache_obj_put(f); /* the version's fd is no longer read for this chunk */
}

/* One run of frames is in (or failed); the frames go back to the cache. */
static void cache_read_done(struct io_req *req, int res)
{
	struct cache_read *rd = container_of(req, struct cache_read, req);
	struct cache_obj *o = rd->obj;

	if (res < 0 || (uint32_t)res != rd->expect) {
		/* An error, or the file shrank while it was read. */
		if (!o->load_err) {
			pr_debug("cache: reading %s: %s", o->path,
				 res < 0 ? strerror(-res) : "file shrank");
			o->load_err = -EIO;
		}
	}
	if (--o->reads_pending)
		return;
	if (!o->cache)
		return; /* left behind by cache__destroy */
	cache_load_finish(o->cache, o);
}

/* Frames [i, i + n) follow each other in the UMEM and fit one read. */
static uint32_t cache_run_frames(const struct cache_obj *o, uint32_t i)
{
	uint32_t n = 1;

	while (i + n < o->blob.nframes &&
	       o->frame_addrs[i + n] == o->frame_addrs[i + n - 1] + FRAME_SIZE &&
	       (n + 1) * FRAME_SIZE <= CACHE_READ_RUN)
		n++;
	return n;
}

/* Runs of frames that follow each other in the UMEM, one read each. */
static uint32_t cache_count_runs(const struct cache_obj *o)
{
	uint32_t runs = 0;

	for (uint32_t i = 0; i < o->blob.nframes; i += cache_run_frames(o, i))
		runs++;
	return runs;
}

static void cache_issue_reads(struct cache *c, struct cache_obj *o)
{
	uint64_t base = (uint64_t)o->idx * c->chunk_bytes;
	uint32_t i = 0, k = 0;

	while (i < o->blob.nframes) {
		uint32_t n = cache_run_frames(o, i);
		uint64_t off = (uint64_t)i << FRAME_SHIFT, len = (uint64_t)n << FRAME_SHIFT;

		if (len > o->blob.size - off)
			len = o->blob.size - off;
		o->reads[k] = (struct cache_read){
			.req.done = cache_read_done,
			.obj = o,
			.expect = (uint32_t)len,
		};
		if (io_reader_read(c->io, o->file->fd, base + off, o->frame_addrs[i], (uint32_t)len,
				   &o->reads[k].req))
			o->load_err = -EIO;
		else
			o->reads_pending++;
		k++;
		i += n;
	}
	if (!o->reads_pending) /* nothing could be queued: fail through cache_poll */
		cache_load_finish(c, o);
	io_reader_submit(c->io);
}

/* Bytes of chunk idx of f, and the frames they take. */
static uint64_t cache_chunk_len(const struct cache *c, const struct cache_obj *f, uint32_t idx,
				uint32_t *nframes)
{
	uint64_t off = (uint64_t)idx * c->chunk_bytes;
	uint64_t len = f->v.size - off < c->chunk_bytes ? f->v.size - off : c->chunk_bytes;

	*nframes = (uint32_t)((len + FRAME_SIZE - 1) >> FRAME_SHIFT);
	return len;
}

/* The chunk object: frames taken, in the index, LOADING, its file referenced. */
static struct cache_obj *cache_chunk_new(struct cache *c, struct cache_obj *f, uint32_t idx,
					 uint64_t hash, uint64_t len, uint32_t nframes,
					 size_t off_frames, size_t off_csum, size_t total)
{
	struct cache_obj *o = cache_obj_new(c, CACHE_CHUNK, f->path, hash, total);

	if (!o)
		return NULL;
	o->frame_addrs = (uint64_t *)((char *)o + off_frames);
	for (uint32_t i = 0; i < nframes; i++)
		o->frame_addrs[i] = frame_pool_alloc(c->pool, FRAME_CLASS_CACHE);
	o->blob = (struct blob){
		.size = len,
		.frame_shift = FRAME_SHIFT,
		.nframes = nframes,
		.umem = c->area,
		.frames = o->frame_addrs,
		.csum_prefix = (uint16_t *)((char *)o + off_csum),
		.ops = &cache_blob_ops,
	};
	o->v = f->v;
	o->idx = idx;
	o->fresh = true;
	o->file = f;
	blob_get(&f->blob);
	c->st.frames_used += nframes;
	c->st.bytes_used += len;
	cache_index_insert(c, o);
	return o;
}

int cache_chunk_load(struct cache *c, struct cache_obj *f, uint32_t idx, uint64_t hash,
		     struct cache_obj **out)
{
	size_t plen = strlen(f->path), off_frames, off_csum, total;
	struct cache_obj *o;
	uint32_t nframes;
	uint64_t len = cache_chunk_len(c, f, idx, &nframes);
	int err;

	/* One allocation: the object, its path, its frame list, its checksum table. */
	off_frames = (sizeof(*o) + plen + 1 + 7) & ~(size_t)7;
	off_csum = off_frames + (size_t)nframes * sizeof(uint64_t);
	total = off_csum + blob_csum_entries(len) * sizeof(uint16_t);
	err = cache_make_room(c, nframes, total + (uint64_t)nframes * sizeof(struct cache_read), 0);
	if (err)
		return err;
	o = cache_chunk_new(c, f, idx, hash, len, nframes, off_frames, off_csum, total);
	if (!o)
		return -ENOMEM;
	o->nreads = cache_count_runs(o);
	o->reads = calloc(o->nreads, sizeof(*o->reads));
	if (!o->reads) {
		o->nreads = 0;
		o->load_err = -ENOMEM;
	} else {
		c->st.meta_used += (uint64_t)o->nreads * sizeof(*o->reads);
	}
	c->st.loads++;
	c->st.loading++;
	if (o->load_err)
		cache_load_finish(c, o); /* fails through cache_poll */
	else
		cache_issue_reads(c, o);
	*out = o;
	return 0;
}
