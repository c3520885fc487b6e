// SPDX-License-Identifier: GPL-2.0-only
/*
 * cache_load.c — bring a file of the document root into UMEM frames, and
 * notice when it changed, without a disk call on the worker's path.
 *
 *	cache_lookup (miss) -> cache_load_start: the object enters the index
 *	    LOADING, file_open_start (openat2 O_PATH, statx, read open, statx:
 *	    io/file_open.h)
 *	cache_poll -> io_reader_complete -> cache_opened: make room, take
 *	    frames, one io_reader read per run of contiguous frames
 *	    (or FAILED: -ENOENT also goes into the negative cache)
 *	cache_poll -> io_reader_complete -> cache_read_done (per run)
 *	    -> cache_load_finish: checksum table, READY (or FAILED), waiters
 *	    woken by cache_poll
 *
 *	cache_lookup (hit, due) -> cache_revalidate_start: the object stays
 *	    served while a statx chain looks at the file; cache_revalidated
 *	    drops it from the index if the file changed or went
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

static void cache_load_finish(struct cache *c, struct cache_obj *o)
{
	io_reader_close(c->io, o->fd);
	o->fd = -1;
	free(o->reads);
	o->reads = NULL;
	c->st.meta_used -= (uint64_t)o->nreads * sizeof(struct cache_read);
	o->nreads = 0;
	c->st.loading--;
	if (o->load_err) {
		o->state = CACHE_OBJ_FAILED;
		if (o->load_err == -EIO)
			c->st.load_errors++;
		list_del(&o->hnode);
		o->linked = false;
		c->st.objects--;
	} else {
		blob_csum_build(&o->blob);
		o->state = CACHE_OBJ_READY;
		list_add_tail(&c->idle, &o->lru);
	}
	list_add_tail(&c->done, &o->done);
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
	if (!o->cache) {      /* left behind by cache__destroy: only the fd is still ours */
		close(o->fd); /* the reader goes next: no ring to queue it on */
		o->fd = -1;
		return;
	}
	cache_load_finish(o->cache, o);
}

/* Runs of frames that follow each other in the UMEM, one read each. */
static uint32_t cache_count_runs(const struct cache_obj *o)
{
	uint32_t runs = 0, run_frames = 0;

	for (uint32_t i = 0; i < o->blob.nframes; i++) {
		if (i && o->frame_addrs[i] == o->frame_addrs[i - 1] + FRAME_SIZE &&
		    (run_frames + 1) * FRAME_SIZE <= CACHE_READ_RUN) {
			run_frames++;
			continue;
		}
		runs++;
		run_frames = 1;
	}
	return runs;
}

static void cache_issue_reads(struct cache *c, struct cache_obj *o)
{
	uint32_t i = 0, k = 0;

	while (i < o->blob.nframes) {
		uint32_t n = 1;
		uint64_t off = (uint64_t)i << FRAME_SHIFT, len;
		int err;

		while (i + n < o->blob.nframes &&
		       o->frame_addrs[i + n] == o->frame_addrs[i + n - 1] + FRAME_SIZE &&
		       (n + 1) * FRAME_SIZE <= CACHE_READ_RUN)
			n++;
		len = (uint64_t)n << FRAME_SHIFT;
		if (len > o->size - off)
			len = o->size - off;
		o->reads[k] = (struct cache_read){
			.req.done = cache_read_done,
			.obj = o,
			.expect = (uint32_t)len,
		};
		err = io_reader_read(c->io, o->fd, off, o->frame_addrs[i], (uint32_t)len,
				     &o->reads[k].req);
		if (err)
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

/*
 * The file is open and checked: size the object, make room, take frames
 * and start the reads (an empty file is ready at once). 0 or -errno
 * (-EFBIG: bigger than the whole budget, -ENOMEM: no room).
 */
static int cache_obj_fill(struct cache *c, struct cache_obj *o, const struct file_open *fo)
{
	uint64_t nframes64 = (fo->meta.size + FRAME_SIZE - 1) >> FRAME_SHIFT;
	size_t csum_off, total;
	uint32_t nframes;
	void *mem;
	int err;

	o->fd = fo->fd;
	if (nframes64 > c->frames_budget)
		return -EFBIG;
	nframes = (uint32_t)nframes64;
	/* One more allocation: the frame list and the checksum table. */
	csum_off = (size_t)nframes * sizeof(uint64_t);
	total = csum_off + blob_csum_entries(fo->meta.size) * sizeof(uint16_t);
	err = cache_make_room(c, nframes, total);
	if (err)
		return err;
	mem = calloc(1, total ? total : 1);
	if (!mem)
		return -ENOMEM;
	o->frame_addrs = mem;
	for (uint32_t i = 0; i < nframes; i++)
		o->frame_addrs[i] = frame_pool_alloc(c->pool, FRAME_CLASS_CACHE);
	o->blob = (struct blob){
		.size = fo->meta.size,
		.frame_shift = FRAME_SHIFT,
		.nframes = nframes,
		.umem = c->area,
		.frames = o->frame_addrs,
		.csum_prefix = (uint16_t *)((char *)mem + csum_off),
		.ops = &cache_blob_ops,
	};
	o->size = fo->meta.size;
	o->mtime_ns = fo->meta.mtime_ns;
	o->ino = fo->meta.ino;
	o->dev = fo->meta.dev;
	o->meta_bytes += total;
	c->st.frames_used += nframes;
	c->st.bytes_used += o->size;
	c->st.meta_used += total;
	negcache_forget(c->neg, o->hash);
	if (!o->size) {
		cache_load_finish(c, o); /* nothing to read: ready through cache_poll */
		return 0;
	}
	o->nreads = cache_count_runs(o);
	o->reads = calloc(o->nreads, sizeof(*o->reads));
	if (!o->reads) {
		o->nreads = 0;
		return -ENOMEM;
	}
	c->st.meta_used += (uint64_t)o->nreads * sizeof(*o->reads);
	cache_issue_reads(c, o);
	return 0;
}

/*
 * The open-and-check chain of a load ended: on success give the object its
 * frames and start the reads; otherwise it fails (through cache_poll).
 */
static void cache_opened(struct file_open *fo, int err)
{
	struct cache_obj *o = container_of(fo, struct cache_obj, open);
	struct cache *c = o->cache;

	if (!c) { /* left behind by cache__destroy */
		if (!err)
			close(fo->fd);
		return;
	}
	if (!err)
		err = cache_obj_fill(c, o, fo);
	if (!err)
		return;
	if (err == -ENOENT)
		negcache_insert(c->neg, o->hash, o->checked_ns);
	o->load_err = err;
	cache_load_finish(c, o);
}

int cache_load_start(struct cache *c, const char *path, uint64_t hash, uint64_t now_ns,
		     struct cache_waiter *w)
{
	size_t plen = strlen(path);
	struct cache_obj *o;

	if (c->st.meta_used + sizeof(*o) + plen + 1 > c->meta_budget &&
	    cache_make_room(c, 0, sizeof(*o) + plen + 1))
		return -ENOMEM;
	o = calloc(1, sizeof(*o) + plen + 1);
	if (!o)
		return -ENOMEM;
	memcpy((char *)o + sizeof(*o), path, plen + 1);
	o->path = (char *)o + sizeof(*o);
	o->blob.ops = &cache_blob_ops;
	o->cache = c;
	o->hash = hash;
	o->checked_ns = now_ns;
	o->meta_bytes = sizeof(*o) + plen + 1;
	o->fd = -1;
	o->state = CACHE_OBJ_LOADING;
	list_init(&o->lru);
	list_init(&o->done);
	list_init(&o->waiters);
	c->st.meta_used += o->meta_bytes;
	c->st.loads++;
	c->st.loading++;
	cache_index_insert(c, o);
	if (w) {
		list_del(&w->node);
		list_add_tail(&o->waiters, &w->node);
	}
	o->open.done = cache_opened;
	file_open_start(&o->open, c->io, c->root_fd, o->path, true);
	io_reader_submit(c->io); /* the miss waits for it: do not leave it for the next loop */
	return -EINPROGRESS;
}

/* The statx chain of a revalidation ended: drop the object if its file changed. */
static void cache_revalidated(struct file_open *fo, int err)
{
	struct cache_obj *o = container_of(fo, struct cache_obj, open);
	struct cache *c = o->cache;

	o->revalidating = false;
	struct file_meta loaded = {
		.size = o->size, .mtime_ns = o->mtime_ns, .ino = o->ino, .dev = o->dev};

	if (c && o->linked && (err || !file_meta_same(&fo->meta, &loaded))) {
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
	cache_obj_get(o); /* nobody frees it under the chain */
	o->open.done = cache_revalidated;
	file_open_start(&o->open, c->io, c->root_fd, o->path, false);
	io_reader_submit(c->io);
}
