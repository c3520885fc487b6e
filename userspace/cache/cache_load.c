// SPDX-License-Identifier: GPL-2.0-only
/*
 * cache_load.c — bring a file of the document root into UMEM frames.
 *
 *	cache_lookup (miss) -> cache_load_start: openat2 beneath the root,
 *	    fstat, make room, take frames, one io_reader read per run of
 *	    contiguous frames
 *	cache_poll -> io_reader_complete -> cache_read_done (per run)
 *	    -> cache_load_finish: checksum table, READY (or FAILED), waiters
 *	    woken by cache_poll
 *
 * The open and the stat are synchronous (cheap on a local file system with
 * a warm dentry cache); the reads never block the worker. openat2 has no
 * glibc 2.36 wrapper: it is called through syscall().
 */
#include "config.h" /* _GNU_SOURCE: O_PATH */

#include "cache/cache_int.h"

#include "common/log.h"
#include "xsk/frame.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* One read covers at most this much, so big files load with reads in parallel. */
#define CACHE_READ_RUN (1u << 20)

int cache_open_beneath(const struct cache *c, const char *path, uint64_t flags)
{
	struct open_how how = {
		.flags = flags | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(SYS_openat2, c->root_fd, *path ? path : ".", &how, sizeof(how));

	if (fd >= 0)
		return (int)fd;
	switch (errno) {
	case ENOENT:
	case ENOTDIR:
	case ENAMETOOLONG:
		return -ENOENT;
	case EACCES:
	case EPERM:
	case ENXIO: /* a socket */
		return -EACCES;
	case ELOOP:
		return -ELOOP;
	case EXDEV: /* ".." or a symlink would leave the root */
		return -EXDEV;
	default:
		return -EIO;
	}
}

static uint64_t stat_mtime_ns(const struct stat *st)
{
	return (uint64_t)st->st_mtim.tv_sec * 1000000000ull + (uint64_t)st->st_mtim.tv_nsec;
}

bool cache_revalidate(const struct cache *c, const struct cache_obj *o)
{
	int fd = cache_open_beneath(c, o->path, O_PATH);
	struct stat st;
	bool same;

	if (fd < 0)
		return false;
	same = !fstat(fd, &st) && S_ISREG(st.st_mode) && (uint64_t)st.st_ino == o->ino &&
	       (uint64_t)st.st_dev == o->dev && (uint64_t)st.st_size == o->size &&
	       stat_mtime_ns(&st) == o->mtime_ns;
	close(fd);
	return same;
}

static void cache_load_finish(struct cache *c, struct cache_obj *o)
{
	close(o->fd);
	o->fd = -1;
	free(o->reads);
	o->reads = NULL;
	c->st.meta_used -= (uint64_t)o->nreads * sizeof(struct cache_read);
	o->nreads = 0;
	c->st.loading--;
	if (o->load_err) {
		o->state = CACHE_OBJ_FAILED;
		c->st.load_errors++;
		list_del(&o->hnode);
		o->linked = false;
		c->st.objects--;
	} else {
		blob_csum_build(&o->blob);
		o->state = CACHE_OBJ_READY;
	}
	/*
	 * The done list pins what it holds (one reference, so no eviction and
	 * no idle list) until cache_announce() pops the object and lets go.
	 */
	blob_get(&o->blob);
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
	if (!o->cache) { /* left behind by cache__destroy: only the fd is still ours */
		close(o->fd);
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

int cache_load_start(struct cache *c, const char *path, uint64_t hash, uint64_t now_ns,
		     struct cache_waiter *w, struct cache_obj **out)
{
	size_t plen = strlen(path), off_frames, off_csum, total;
	uint64_t nframes64;
	struct cache_obj *o;
	struct stat st;
	uint32_t nframes;
	int fd, err;

	fd = cache_open_beneath(c, path, O_RDONLY | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st)) {
		err = -EIO;
		goto out_close;
	}
	if (S_ISDIR(st.st_mode)) {
		err = -EISDIR;
		goto out_close;
	}
	if (!S_ISREG(st.st_mode)) {
		err = -EACCES;
		goto out_close;
	}
	nframes64 = ((uint64_t)st.st_size + FRAME_SIZE - 1) >> FRAME_SHIFT;
	if (nframes64 > c->frames_budget) {
		err = -EFBIG;
		goto out_close;
	}
	nframes = (uint32_t)nframes64;

	/* One allocation: the object, its path, its frame list, its checksum table. */
	off_frames = (sizeof(*o) + plen + 1 + 7) & ~(size_t)7;
	off_csum = off_frames + (size_t)nframes * sizeof(uint64_t);
	total = off_csum + blob_csum_entries((uint64_t)st.st_size) * sizeof(uint16_t);
	err = cache_make_room(c, nframes, total);
	if (err)
		goto out_close;
	o = calloc(1, total);
	if (!o) {
		err = -ENOMEM;
		goto out_close;
	}
	memcpy((char *)o + sizeof(*o), path, plen + 1);
	o->path = (char *)o + sizeof(*o);
	o->frame_addrs = (uint64_t *)((char *)o + off_frames);
	for (uint32_t i = 0; i < nframes; i++)
		o->frame_addrs[i] = frame_pool_alloc(c->pool, FRAME_CLASS_CACHE);
	o->blob = (struct blob){
		.size = (uint64_t)st.st_size,
		.frame_shift = FRAME_SHIFT,
		.nframes = nframes,
		.umem = c->area,
		.frames = o->frame_addrs,
		.csum_prefix = (uint16_t *)((char *)o + off_csum),
		.ops = &cache_blob_ops,
	};
	o->size = (uint64_t)st.st_size;
	o->mtime_ns = stat_mtime_ns(&st);
	o->ino = (uint64_t)st.st_ino;
	o->dev = (uint64_t)st.st_dev;
	o->cache = c;
	o->hash = hash;
	o->checked_ns = now_ns;
	o->meta_bytes = total;
	o->fd = -1;
	list_init(&o->lru);
	list_init(&o->done);
	list_init(&o->waiters);
	c->st.frames_used += nframes;
	c->st.bytes_used += o->size;
	c->st.meta_used += total;
	c->st.loads++;
	cache_index_insert(c, o);

	if (!o->size) {
		/* Nothing to read: ready now, and referenced by the caller. */
		close(fd);
		blob_csum_build(&o->blob);
		o->state = CACHE_OBJ_READY;
		blob_get(&o->blob);
		*out = o;
		return 0;
	}

	o->nreads = cache_count_runs(o);
	o->reads = calloc(o->nreads, sizeof(*o->reads));
	if (!o->reads) {
		o->nreads = 0;
		list_del(&o->hnode);
		o->linked = false;
		c->st.objects--;
		cache_obj_free(c, o);
		err = -ENOMEM;
		goto out_close;
	}
	c->st.meta_used += (uint64_t)o->nreads * sizeof(*o->reads);
	o->fd = fd;
	o->state = CACHE_OBJ_LOADING;
	c->st.loading++;
	if (w) {
		list_del(&w->node);
		list_add_tail(&o->waiters, &w->node);
	}
	cache_issue_reads(c, o);
	return -EINPROGRESS;

out_close:
	close(fd);
	return err;
}
