/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cache_int.h — the cache's state, shared by cache.c (index, references,
 * eviction, waiters) and cache_load.c (opening, reading, revalidating).
 * Not for other modules: they use cache.h.
 */
#ifndef XDPSERVE_CACHE_INT_H
#define XDPSERVE_CACHE_INT_H

#include "cache/cache.h"
#include "cache/negcache.h"
#include "io/file_open.h"
#include "io/io_reader.h"

struct cache_obj;

/* One read of a run of contiguous frames of a chunk being loaded. */
struct cache_read {
	struct io_req req;
	struct cache_obj *obj;
	uint32_t expect; /* bytes the run must get */
};

enum cache_kind {
	CACHE_FILE = 0, /* metadata, fd, user area; no frames */
	CACHE_CHUNK,	/* frames of one chunk of one file version */
};

enum cache_obj_state {
	CACHE_OBJ_LOADING = 0, /* file: metadata not known yet; chunk: reads under way */
	CACHE_OBJ_READY,
	CACHE_OBJ_FAILED,
};

struct cache_obj {
	/*
	 * blob.refs counts every holder: lookups, send queues (chunks),
	 * loads of its chunks (a file), the done list while announcing.
	 * A file's blob has no frames.
	 */
	struct blob blob;
	struct cache *cache; /* NULL: left behind by cache__destroy */
	enum cache_kind kind;
	enum cache_obj_state state;
	const char *path;   /* the key, relative to the document root */
	uint32_t root;	    /* file: which of the cache's roots (part of the key) */
	uint32_t roots_gen; /* file: the roots it was opened under (part of the key) */
	struct file_meta v; /* the version: a chunk of another one never matches */
	uint32_t idx;	    /* chunk index (chunks) */
	uint64_t hash;
	uint64_t path_hash;	  /* file: cache_path_hash(path), its chunks' keys start from it */
	bool linked;		  /* in the index (found by lookups) */
	bool visited;		  /* SIEVE: used again since it was loaded or passed */
	bool fresh;		  /* a chunk nobody took yet: its first take is no reuse */
	struct list_node hnode;	  /* index bucket */
	struct list_node queue;	  /* SIEVE queue (linked and ready) or zombie list */
	struct list_node done;	  /* finished loads waiting for cache_poll */
	struct list_node waiters; /* cache_waiter.node while loading */
	uint64_t meta_bytes;	  /* charged to the metadata budget */
	int load_err;		  /* chunk: first read error */
	/* file */
	int fd;		       /* open for the object's whole life */
	uint64_t checked_ns;   /* last look at the path */
	bool revalidating;     /* a statx chain looks at the path (it holds a reference) */
	struct file_open open; /* the open-and-check chain, then revalidations */
	void *user;
	/* chunk */
	struct cache_obj *file;	  /* referenced while loading: its fd is read */
	uint32_t reads_pending;	  /* io requests not finished */
	uint32_t nreads;	  /* entries of reads */
	struct cache_read *reads; /* one per run of contiguous frames, while loading */
	uint64_t *frame_addrs;	  /* blob.frames */
};

struct cache {
	struct frame_pool *pool;
	struct io_reader *io;
	uint8_t *area;
	int root_fds[CACHE_ROOTS_MAX]; /* document roots; a file's key names one */
	uint32_t nroots;
	uint32_t roots_gen; /* cache_set_roots() calls: a file of older roots never matches */
	/*
	 * Open chains (loads, revalidations) in flight under the current roots,
	 * and under roots replaced since: those go on opening relative to their
	 * old root descriptors, which stay open (retired) until the last ends.
	 */
	uint32_t opens, opens_old;
	int *retired;
	uint32_t nretired;
	uint64_t revalidate_ns;
	uint64_t wait_ns;
	uint64_t chunk_bytes;
	uint32_t chunk_frames;
	uint32_t frames_budget;
	uint32_t max_loads;
	uint32_t max_files;
	uint32_t user_bytes;
	uint64_t meta_budget;
	uint8_t key[16];      /* SipHash key of cache_path_hash */
	struct negcache *neg; /* paths recently found missing */
	uint32_t nbuckets;    /* power of 2 */
	struct list_node *buckets;
	struct list_node queue;	  /* SIEVE: linked, ready objects, newest first */
	struct list_node *hand;	  /* SIEVE hand: next candidate (NULL: the oldest) */
	struct list_node zombies; /* out of the index, unreferenced, frames still in flight */
	struct list_node done;	  /* finished loads whose waiters are still to be woken */
	struct list_node waiting; /* cache_waiter: room or a load slot, oldest first */
	struct cache_stats st;
};

/* cache.c */
/* An object's index hash is cache_key_hash(cache_path_hash(path), ...). */
uint64_t cache_path_hash(const struct cache *c, const char *path);
uint64_t cache_key_hash(uint64_t path_hash, enum cache_kind kind, const struct file_meta *v,
			uint32_t idx);
void cache_index_insert(struct cache *c, struct cache_obj *o);
/* Take o out of the index; unreferenced and ready, it is freed (or waits as a zombie). */
void cache_unlink(struct cache *c, struct cache_obj *o);
/* A load finished: join the SIEVE queue (READY) and the done list (pinned). */
void cache_obj_finished(struct cache *c, struct cache_obj *o);
/*
 * Make room for `frames` frames, `meta` metadata bytes and `files` more
 * file objects, evicting. 0 or -ENOMEM (nothing evictable left).
 */
int cache_make_room(struct cache *c, uint32_t frames, uint64_t meta, uint32_t files);
/* Free an object out of the index with no reference and nothing in flight. */
void cache_obj_free(struct cache *c, struct cache_obj *o);
extern const struct blob_ops cache_blob_ops;

/* cache_load.c */
/*
 * The miss of a file: its object enters the index LOADING with w queued,
 * and the open-and-check chain starts on io_uring. -EINPROGRESS, or
 * -ENOMEM.
 */
int cache_file_open(struct cache *c, uint32_t root, const char *path, uint64_t path_hash,
		    uint64_t hash, uint64_t now_ns, struct cache_waiter *w);
/* Start loading chunk idx of f: 0 with *out LOADING and in the index, or -errno. */
int cache_chunk_load(struct cache *c, struct cache_obj *f, uint32_t idx, uint64_t hash,
		     struct cache_obj **out);
/* Look at a ready file object's path again, in the background (no-op while one look runs). */
void cache_revalidate_start(struct cache *c, struct cache_obj *o, uint64_t now_ns);
/* An open chain of o (started under the roots of o->roots_gen) ended. */
void cache_roots_open_done(struct cache *c, const struct cache_obj *o);

#endif /* XDPSERVE_CACHE_INT_H */
