/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cache.h — the content cache of one worker: files of the document root
 * loaded once into UMEM frames (the CACHE class of the worker's frame pool)
 * with their checksum tables, shared read-only by every connection that
 * sends them.
 *
 *	HTTP:   cache_lookup(c, "dir/file.css", now, &conn->waiter, &obj)
 *	          0             obj referenced: send obj->blob, then cache_obj_put(obj)
 *	          -EINPROGRESS  loading; waiter->done(waiter, err) runs later from
 *	                        cache_poll(), then look up again (err < 0: the load failed)
 *	          -errno        answer with an error (see cache_lookup)
 *	worker: cache_poll(c) once per loop iteration and when io_reader_fd() is readable
 *
 * A miss always waits (-EINPROGRESS): the file is opened beneath the root
 * and checked through the worker's io_uring (io/file_open.h: neither ".."
 * nor a symlink can leave the root, only a regular file is opened for
 * reading), frames are taken (evicting the least recently released
 * objects nobody references and no TX descriptor points into), the file
 * is read into them through the io_reader and the blob's checksum table
 * is built. A path found missing is remembered for neg_ttl_ns
 * (cache/negcache.h), so repeated 404s cost no disk call.
 *
 * Freshness: a hit re-checks the file (inode, size, mtime) at most once per
 * revalidate_ns, in the background (a statx chain; the object is served
 * meanwhile); a changed file's object leaves the index then (new lookups
 * load the new content) and lives until its last reference and its last
 * in-flight descriptor are gone.
 *
 * One cache per worker, no locks, nothing allocated per packet: object
 * structs, paths, frame lists and checksum tables are malloc'd when a file
 * is loaded and counted against a metadata budget.
 */
#ifndef XDPSERVE_CACHE_H
#define XDPSERVE_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "cache/blob.h"
#include "common/list.h"
#include "io/file_open.h"

struct cache;
struct cache_read;
struct frame_pool;
struct io_reader;

#define CACHE_HEAD_MAX 384
#define CACHE_PATH_MAX 4095 /* longer paths are not found (-ENOENT) */

enum cache_obj_state {
	CACHE_OBJ_LOADING = 0,
	CACHE_OBJ_READY,
	CACHE_OBJ_FAILED,
};

struct cache_obj {
	/*
	 * The content: frames, size, checksum prefix table. blob.refs counts
	 * the holders (lookups and TCP send queues); blob_get()/blob_put() or
	 * cache_obj_put().
	 */
	struct blob blob;
	/* Read-only for users. */
	const char *path;  /* the key, relative to the document root */
	uint64_t size;	   /* bytes */
	uint64_t mtime_ns; /* st_mtim of the loaded content */
	uint64_t ino;	   /* st_ino */
	uint64_t dev;	   /* st_dev */
	enum cache_obj_state state;
	/*
	 * Pre-rendered response header lines, written by the HTTP layer once
	 * per object (head_len is 0 until then) and reused for every request.
	 */
	_Alignas(8) char head[CACHE_HEAD_MAX];
	uint16_t head_len;

	/* --- the cache's own ------------------------------------------------ */
	struct cache *cache;
	uint64_t hash;
	uint64_t checked_ns;	  /* last look at the file */
	bool linked;		  /* in the index (found by lookups) */
	struct list_node hnode;	  /* index bucket */
	struct list_node lru;	  /* idle list (unreferenced) or zombie list */
	struct list_node done;	  /* finished loads waiting for cache_poll */
	struct list_node waiters; /* cache_waiter.node while loading */
	uint64_t meta_bytes;	  /* charged to the metadata budget */
	int fd;			  /* open while loading */
	bool revalidating;	  /* a statx chain is looking at the file */
	struct file_open open;	  /* the open chain of a load, or a revalidation */
	int load_err;		  /* first read error */
	uint32_t reads_pending;	  /* io requests not finished */
	uint32_t nreads;	  /* entries of reads */
	struct cache_read *reads; /* one per run of contiguous frames, while loading */
	uint64_t *frame_addrs;	  /* blob.frames */
};

/* Someone waiting for a load: embed it in the connection. */
struct cache_waiter {
	/* err 0: loaded, look up again; err < 0: the load failed with err. */
	void (*done)(struct cache_waiter *w, int err);
	struct list_node node; /* the cache's */
};

struct cache_config {
	uint64_t budget_bytes;	    /* content; whole frames, at most the pool's cache quota */
	uint64_t meta_budget_bytes; /* structs, paths, frame lists, checksum tables; 0: budget/16 +
				       1 MiB */
	uint64_t revalidate_ns;	    /* 0: 1 s */
	uint32_t neg_entries;	    /* missing paths remembered; 0: 16384 (256 KiB) */
	uint64_t neg_ttl_ns;	    /* for how long; 0: 1 s */
};

struct cache_stats {
	uint64_t hits;	       /* lookups answered from a ready object */
	uint64_t misses;       /* lookups that started or joined a load */
	uint64_t loads;	       /* loads started */
	uint64_t load_errors;  /* loads that failed after the file was opened */
	uint64_t evictions;    /* objects dropped for room */
	uint64_t stale;	       /* objects dropped because the file changed or went */
	uint64_t neg_hits;     /* lookups answered 404 from the negative cache */
	uint64_t neg_inserts;  /* paths it recorded */
	uint64_t neg_replaced; /* live entries it gave up for room */
	uint64_t bytes_used;   /* content bytes of objects holding frames */
	uint64_t bytes_budget;
	uint32_t frames_used;
	uint32_t frames_budget;
	uint32_t objects; /* in the index, loading ones included */
	uint32_t loading;
	uint32_t zombies; /* out of the index, waiting for references or TX completions */
	uint64_t meta_used;
	uint64_t meta_budget;
};

/*
 * Create the cache of one worker over `pool`'s CACHE frames, reading with
 * `io` (whose area must be the pool's UMEM area). `root_fd` is the
 * document root directory (duplicated: the caller keeps its own).
 * 0, -EINVAL or -ENOMEM.
 */
int cache__create(const struct cache_config *cfg, int root_fd, struct frame_pool *pool,
		  struct io_reader *io, struct cache **out);
/*
 * Finish loads under way (bounded wait), free every object. Destroy the
 * TCP stack first: an object still referenced, or with frames in flight,
 * is left alone (logged) rather than freed under a user.
 */
void cache__destroy(struct cache *c);

/*
 * Find `path` (relative to the root as the HTTP layer normalises it: no
 * leading '/', no "..", "" is the root itself) at time `now_ns`.
 *   0            *out is referenced (cache_obj_put() when done with it)
 *   -EINPROGRESS a load is under way; `w` (may be NULL) is queued and its
 *                done() runs from cache_poll(), with 0 (look up again) or
 *                one of the errors below
 *   -ENOENT      no such file (also a path component that is not a directory);
 *                known at once for a path found missing within neg_ttl_ns
 *   -EACCES      not readable, or not a regular file
 *   -EISDIR      a directory: the caller decides on index.html or a 301
 *   -ELOOP, -EXDEV  a symlink loop, or a path leaving the root: answer 404/403
 *   -EFBIG       bigger than the whole budget (streaming comes later)
 *   -ENOMEM      the budget is full of referenced or in-flight objects
 *   -EIO         anything else (too many open files, ...)
 */
int cache_lookup(struct cache *c, const char *path, uint64_t now_ns, struct cache_waiter *w,
		 struct cache_obj **out);

void cache_waiter_init(struct cache_waiter *w, void (*done)(struct cache_waiter *w, int err));
/* The waiting connection goes away: its done() will not run. Harmless if not queued. */
void cache_waiter_cancel(struct cache_waiter *w);

/* Drop a reference from cache_lookup() (the same as blob_put(&o->blob)). */
static inline void cache_obj_put(struct cache_obj *o)
{
	blob_put(&o->blob);
}

/*
 * Reap read completions, finish loads and wake their waiters, free
 * unlinked objects whose last TX descriptor completed, submit queued
 * reads. Returns the number of waiters woken.
 */
int cache_poll(struct cache *c);

/*
 * Whether cache_poll() has anything to do besides a readable io_reader_fd():
 * reads in flight, loads to announce, or unlinked objects waiting for TX
 * completions. Lets the worker skip the eventfd read when idle.
 */
bool cache_needs_poll(const struct cache *c);

/*
 * Drop every object: unreferenced ones are freed now, referenced ones
 * leave the index and go with their last reference. Loads under way are
 * kept. Returns the number of objects dropped from the index.
 */
uint32_t cache_flush(struct cache *c);

void cache_stats(const struct cache *c, struct cache_stats *out);

/* Call fn for every object in the index (loading ones included). */
void cache_for_each(const struct cache *c, void (*fn)(const struct cache_obj *o, void *arg),
		    void *arg);

#endif /* XDPSERVE_CACHE_H */
