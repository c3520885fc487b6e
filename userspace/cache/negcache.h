/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * negcache.h — the paths a worker recently found missing, so that a flood
 * of requests for the same missing files costs no disk call per request.
 *
 *	cache_lookup: negcache_lookup(nc, key, now)  true -> answer 404 at once
 *	miss ended -ENOENT: negcache_insert(nc, key, now)
 *	reload, flush: negcache_clear(nc)
 *
 * An entry lives `ttl_ns` (a file that appears is served at most that
 * late). Keys are 64-bit keyed hashes of the path (SipHash under a
 * per-cache random key, so nobody outside can aim at another path's
 * slot); two paths sharing a key — odds of 2^-64 a pair — would only make
 * the second one 404 for one lifetime. A fixed table of 4-way sets made
 * at create: nothing is allocated afterwards, and when a set is full the
 * entry closest to expiry makes room, so a flood of distinct missing
 * paths only churns the table.
 */
#ifndef XDPSERVE_NEGCACHE_H
#define XDPSERVE_NEGCACHE_H

#include <stdbool.h>
#include <stdint.h>

struct negcache;

struct negcache_stats {
	uint64_t hits;	   /* lookups answered "missing" */
	uint64_t inserts;  /* paths recorded */
	uint64_t replaced; /* live entries pushed out by others */
	uint32_t entries;  /* capacity */
};

/* `entries` rounded up to a power of two (at least 4). 0, -EINVAL or -ENOMEM. */
int negcache__create(uint32_t entries, uint64_t ttl_ns, struct negcache **out);
void negcache__destroy(struct negcache *nc);

/* Whether `key` was found missing less than ttl_ns before `now_ns`. */
bool negcache_lookup(struct negcache *nc, uint64_t key, uint64_t now_ns);
void negcache_insert(struct negcache *nc, uint64_t key, uint64_t now_ns);
/* The path exists after all (it was loaded): forget it. */
void negcache_forget(struct negcache *nc, uint64_t key);
void negcache_clear(struct negcache *nc);

void negcache_stats(const struct negcache *nc, struct negcache_stats *out);

#endif /* XDPSERVE_NEGCACHE_H */
