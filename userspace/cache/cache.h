/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cache.h — the content cache of one worker: files of the document root
 * loaded on demand into UMEM frames (the CACHE class of the worker's frame
 * pool) with their checksum tables, shared read-only by every connection
 * that sends them.
 *
 * Two kinds of object, both opaque:
 *   file   what a path is now: its version (dev, ino, size, mtime), an open
 *          fd of that version, and a user area of a size fixed at
 *          cache__create (the HTTP layer keeps its pre-rendered head there).
 *          Holds no content: a HEAD or a 304 loads nothing. A miss always
 *          waits: the file is opened beneath the root and checked through
 *          the worker's io_uring (io/file_open.h), and a path found missing
 *          is remembered for neg_ttl_ns (cache/negcache.h).
 *   chunk  bytes [i * chunk, (i + 1) * chunk) of one file version, as a blob
 *          (blob.h). A file no bigger than a chunk is one chunk; larger files
 *          are a sequence of chunks loaded when a response needs them and
 *          dropped by eviction, so a file of any size streams through a
 *          budget of any size.
 *
 *	HTTP:   cache_lookup(c, "dir/file.css", now, &conn->waiter, &file)
 *	          0             file referenced: cache_obj_size(), _user() ...
 *	        cache_chunk_get(c, file, i, now, &conn->waiter, &blob)
 *	          0             blob referenced: send it (tcp_conn_send_blob), blob_put()
 *	        -EINPROGRESS    waiter->done(waiter, err) runs later from
 *	                        cache_poll(), then ask again (err < 0: give up with err)
 *	        cache_obj_put(file) when the response is queued whole
 *	worker: cache_poll(c, now) once per loop iteration while
 *	        cache_needs_poll(), and when io_reader_fd() is readable
 *
 * A chunk is keyed by the file version it was read from and read through
 * that version's fd, which its load keeps open: a response that holds its
 * file object gets every chunk from the version it started with, even when
 * the path is renamed over meanwhile.
 *
 * Waiting instead of failing: a request that finds the budget full of
 * referenced or in-flight content, or the worker's loads at their limit,
 * waits on a FIFO woken as room or a load slot comes back; only after
 * wait_ns does done() get -ENOMEM (answer 503 with Retry-After).
 *
 * One cache per worker, no locks, nothing allocated per packet: objects,
 * paths, frame lists and checksum tables are malloc'd when a file is opened
 * or a chunk loaded, and counted against a metadata budget. Errors are
 * returned (-errno), never logged here, except at create.
 */
#ifndef XDPSERVE_CACHE_H
#define XDPSERVE_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "cache/blob.h"
#include "common/list.h"

struct cache;
struct cache_obj;
struct frame_pool;
struct io_reader;

#define CACHE_PATH_MAX	4095 /* longer paths are not found (-ENOENT) */
#define CACHE_ROOTS_MAX 17   /* document roots of one cache (cache_set_roots) */

/*
 * Chunk size: 2 MiB by default. Big enough that a chunk is two 1 MiB
 * io_uring reads and its frame list and checksum table (4 KiB + 64 KiB)
 * stay small beside it; small enough that a stream holds about two at a
 * time (the one being sent and the one read ahead), so 16 streams fit a
 * 64 MiB budget, and a Range in the middle of a huge file reads at most
 * 2 MiB it does not need. Clamped to an eighth of the budget.
 */
#define CACHE_CHUNK_DEFAULT (2u << 20)

/* Someone waiting: embed it in the connection. */
struct cache_waiter {
	/* err 0: ask again; err < 0: give up with err. */
	void (*done)(struct cache_waiter *w, int err);
	struct list_node node; /* the cache's */
	uint64_t since_ns;     /* the cache's: waiting for room or a load slot since */
};

struct cache_config {
	uint64_t budget_bytes;	    /* content; whole frames, at most the pool's cache quota */
	uint64_t meta_budget_bytes; /* objects, paths, frame lists, checksum tables; 0: budget/16 +
				       1 MiB */
	uint64_t revalidate_ns;	    /* 0: 1 s */
	uint64_t chunk_bytes;	    /* 0: CACHE_CHUNK_DEFAULT; rounded to frames, clamped */
	uint32_t max_loads;	    /* chunk loads under way at once; 0: 64 */
	uint32_t max_files;	    /* file objects (each holds an open fd); 0: 1024 */
	uint64_t wait_ns;	    /* longest wait for room or a load slot; 0: 5 s */
	uint32_t user_bytes;	    /* user area per file object (zeroed when opened) */
	uint32_t neg_entries;	    /* missing paths remembered; 0: 16384 (256 KiB) */
	uint64_t neg_ttl_ns;	    /* for how long; 0: 1 s */
};

struct cache_stats {
	uint64_t hits;		/* chunk lookups answered from a ready chunk */
	uint64_t misses;	/* chunk lookups that started or joined a load */
	uint64_t file_hits;	/* file lookups answered without opening */
	uint64_t file_opens;	/* file lookups that opened the file */
	uint64_t loads;		/* chunk loads started (read-ahead included) */
	uint64_t readaheads;	/* of those, started by cache_chunk_prefetch */
	uint64_t load_errors;	/* loads that failed after the file was opened */
	uint64_t evictions;	/* objects dropped for room */
	uint64_t stale;		/* file objects dropped because the file changed or went */
	uint64_t neg_hits;	/* lookups answered 404 from the negative cache */
	uint64_t neg_inserts;	/* paths it recorded */
	uint64_t neg_replaced;	/* live entries it gave up for room */
	uint64_t waits;		/* requests that waited for room or a load slot */
	uint64_t wait_timeouts; /* of those, given up with -ENOMEM (503) */
	uint64_t bytes_used;	/* content bytes of chunks holding frames */
	uint64_t bytes_budget;
	uint64_t chunk_bytes;
	uint32_t frames_used;
	uint32_t frames_budget;
	uint32_t objects; /* in the index: files and chunks, loading ones included */
	uint32_t files;	  /* file objects alive (each holds an fd) */
	uint32_t loading;
	uint32_t waiting; /* waiters for room or a load slot now */
	uint32_t zombies; /* out of the index, waiting for references or TX completions */
	uint64_t meta_used;
	uint64_t meta_budget;
};

/*
 * Create the cache of one worker over `pool`'s CACHE frames, reading with
 * `io` (whose area must be the pool's UMEM area). `root_fd` is the
 * document root directory (duplicated: the caller keeps its own).
 * 0, -EINVAL or -ENOMEM (logged: the only messages of this module).
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
 * Find the file `path` (relative to the root as the HTTP layer normalises
 * it: no leading '/', no "..", "" is the root itself) at time `now_ns`.
 *   0            *out is referenced (cache_obj_put() when done with it)
 *   -EINPROGRESS `w` (may be NULL) is queued: the file is being opened,
 *                or there is no room for another file object
 *   -ENOENT      no such file (also a path component that is not a directory)
 *   -EACCES      not readable, or not a regular file
 *   -EISDIR      a directory: the caller decides on index.html or a 301
 *   -ELOOP, -EXDEV  a symlink loop, or a path leaving the root: answer 404/403
 *   -ENOMEM      no room and no waiter (or the wait ran out)
 *   -EIO         anything else (too many open files, ...)
 */
int cache_lookup(struct cache *c, const char *path, uint64_t now_ns, struct cache_waiter *w,
		 struct cache_obj **out);

/*
 * cache_lookup() in document root `root` of those cache_set_roots() gave
 * (0 is the one cache__create got). A root it does not have: -ENOENT.
 */
int cache_lookup_in(struct cache *c, uint32_t root, const char *path, uint64_t now_ns,
		    struct cache_waiter *w, struct cache_obj **out);

/*
 * Serve from these document roots from now on (fds duplicated: the caller
 * keeps its own; fds[0] is root 0). Every file object of the roots before
 * leaves the index (a response under way keeps the one it holds), so no
 * object of an old root is found again. 0, -EINVAL (n is 0 or too many),
 * or -errno of the duplication (nothing changed then).
 */
int cache_set_roots(struct cache *c, const int *fds, uint32_t n);

/* Take another reference / drop one (from cache_lookup() or cache_obj_get()). */
void cache_obj_get(struct cache_obj *o);
void cache_obj_put(struct cache_obj *o);

/* What a file object says (the version it was opened as). */
const char *cache_obj_path(const struct cache_obj *o);
uint64_t cache_obj_size(const struct cache_obj *o);
uint64_t cache_obj_mtime_ns(const struct cache_obj *o);
uint64_t cache_obj_ino(const struct cache_obj *o);
uint64_t cache_obj_dev(const struct cache_obj *o);
/* The caller's area of cache_config.user_bytes bytes, 8-aligned, zeroed at open. */
void *cache_obj_user(struct cache_obj *o);
/* Chunks of the file: ceil(size / chunk bytes), 0 for an empty file. */
uint32_t cache_obj_chunks(const struct cache_obj *o);

/* The chunk size in use (after rounding and clamping). */
uint64_t cache_chunk_bytes(const struct cache *c);

/*
 * Chunk `idx` of file `f` (idx < cache_obj_chunks(f)): its bytes are file
 * bytes [idx * chunk, ...) at blob offset 0.
 *   0            *out referenced (blob_put() when done; a send queue takes its own)
 *   -EINPROGRESS `w` queued (the load, room or a load slot)
 *   -ENOMEM      no room and no waiter
 *   -EIO         the load could not start
 * A waiter's done() reports a failed load (-EIO) or a wait that ran out (-ENOMEM).
 */
int cache_chunk_get(struct cache *c, struct cache_obj *f, uint32_t idx, uint64_t now_ns,
		    struct cache_waiter *w, struct blob **out);

/*
 * Read ahead: start loading chunk `idx` of `f` when it is not cached, the
 * budget has room without waiting and a load slot is free. Never waits.
 */
void cache_chunk_prefetch(struct cache *c, struct cache_obj *f, uint32_t idx, uint64_t now_ns);

void cache_waiter_init(struct cache_waiter *w, void (*done)(struct cache_waiter *w, int err));
/* The waiting connection goes away: its done() will not run. Harmless if not queued. */
void cache_waiter_cancel(struct cache_waiter *w);

/*
 * Reap read completions, finish loads and wake their waiters, free
 * unlinked objects whose last TX descriptor completed, wake waiters for
 * room or a load slot (or give up on those older than wait_ns), submit
 * queued reads. Returns the number of waiters woken.
 */
int cache_poll(struct cache *c, uint64_t now_ns);

/*
 * Whether cache_poll() has anything to do besides a readable io_reader_fd():
 * reads in flight, loads to announce, waiters, or unlinked objects waiting
 * for TX completions. Lets the worker skip the eventfd read when idle.
 */
bool cache_needs_poll(const struct cache *c);

/*
 * Drop every object: unreferenced ones are freed now, referenced ones
 * leave the index and go with their last reference. Loads under way are
 * kept. Returns the number of objects dropped from the index.
 */
uint32_t cache_flush(struct cache *c);

/* Call fn for every ready file object in the index (xdpservectl cache list). */
void cache_for_each_file(const struct cache *c, void (*fn)(const struct cache_obj *f, void *arg),
			 void *arg);

void cache_stats(const struct cache *c, struct cache_stats *out);

#endif /* XDPSERVE_CACHE_H */
