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
#include "io/io_reader.h"

/* One read of a run of contiguous frames of an object being loaded. */
struct cache_read {
	struct io_req req;
	struct cache_obj *obj;
	uint32_t expect; /* bytes the run must get */
};

struct cache {
	struct frame_pool *pool;
	struct io_reader *io;
	uint8_t *area;
	int root_fd;
	uint64_t revalidate_ns;
	uint32_t frames_budget;
	uint64_t meta_budget;
	uint8_t key[16];   /* SipHash key of cache_hash */
	uint32_t nbuckets; /* power of 2 */
	struct list_node *buckets;
	struct list_node idle;	  /* ready, in the index, unreferenced: oldest release first */
	struct list_node zombies; /* out of the index, unreferenced, frames still in flight */
	struct list_node done;	  /* finished loads whose waiters are still to be woken */
	struct negcache *neg;	  /* paths recently found missing */
	struct cache_stats st;
};

/* cache.c */
uint64_t cache_hash(const struct cache *c, const char *path);
void cache_index_insert(struct cache *c, struct cache_obj *o);
/* Take o out of the index; unreferenced, it is freed (or waits as a zombie). */
void cache_unlink(struct cache *c, struct cache_obj *o);
/* Evict until `frames` frames and `meta` metadata bytes fit. 0 or -ENOMEM. */
int cache_make_room(struct cache *c, uint32_t frames, uint64_t meta);
/* Take a reference (off the idle list if it was the first). */
void cache_obj_get(struct cache_obj *o);
/* Free an object out of the index with no reference and nothing in flight. */
void cache_obj_free(struct cache *c, struct cache_obj *o);
extern const struct blob_ops cache_blob_ops;

/* cache_load.c */
/*
 * Start loading `path`: the object enters the index LOADING, `w` (may be
 * NULL) is queued. -EINPROGRESS, or -ENOMEM when not even the object's
 * metadata fits.
 */
int cache_load_start(struct cache *c, const char *path, uint64_t hash, uint64_t now_ns,
		     struct cache_waiter *w);
/* Look at a ready object's file again, in the background (a no-op while one look is under way). */
void cache_revalidate_start(struct cache *c, struct cache_obj *o, uint64_t now_ns);

#endif /* XDPSERVE_CACHE_INT_H */
