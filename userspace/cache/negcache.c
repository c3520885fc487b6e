// SPDX-License-Identifier: GPL-2.0-only
/*
 * negcache.c — a fixed table of recently missing paths (negcache.h),
 * consulted by cache_lookup before it starts a miss and filled when a
 * miss ends with -ENOENT. Set-associative so a lookup touches one cache
 * line; replacement by earliest expiry.
 */
#include "cache/negcache.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define NEGCACHE_WAYS 4

struct negcache_entry {
	uint64_t key;	     /* 0: empty */
	uint64_t expires_ns; /* live while now < expires_ns */
};

struct negcache {
	uint64_t ttl_ns;
	uint32_t set_mask; /* sets - 1 */
	struct negcache_stats st;
	struct negcache_entry *e; /* sets * NEGCACHE_WAYS */
};

int negcache__create(uint32_t entries, uint64_t ttl_ns, struct negcache **out)
{
	struct negcache *nc;
	uint32_t sets = 1;

	*out = NULL;
	if (!entries || !ttl_ns || entries > (1u << 24))
		return -EINVAL;
	while (sets * NEGCACHE_WAYS < entries)
		sets <<= 1;
	nc = calloc(1, sizeof(*nc));
	if (!nc)
		return -ENOMEM;
	nc->e = calloc((size_t)sets * NEGCACHE_WAYS, sizeof(*nc->e));
	if (!nc->e) {
		free(nc);
		return -ENOMEM;
	}
	nc->ttl_ns = ttl_ns;
	nc->set_mask = sets - 1;
	nc->st.entries = sets * NEGCACHE_WAYS;
	*out = nc;
	return 0;
}

void negcache__destroy(struct negcache *nc)
{
	if (!nc)
		return;
	free(nc->e);
	free(nc);
}

static uint64_t negcache_key(uint64_t key)
{
	return key ? key : 1; /* 0 marks an empty slot */
}

static struct negcache_entry *negcache_set(const struct negcache *nc, uint64_t key)
{
	/* The low bits pick the set; the key is a keyed hash already. */
	return &nc->e[(size_t)(key & nc->set_mask) * NEGCACHE_WAYS];
}

static struct negcache_entry *negcache_find(const struct negcache *nc, uint64_t key)
{
	struct negcache_entry *set = negcache_set(nc, key);

	for (int i = 0; i < NEGCACHE_WAYS; i++)
		if (set[i].key == key)
			return &set[i];
	return NULL;
}

bool negcache_lookup(struct negcache *nc, uint64_t key, uint64_t now_ns)
{
	struct negcache_entry *e = negcache_find(nc, negcache_key(key));

	if (!e)
		return false;
	if (now_ns >= e->expires_ns) {
		e->key = 0;
		return false;
	}
	nc->st.hits++;
	return true;
}

void negcache_insert(struct negcache *nc, uint64_t key, uint64_t now_ns)
{
	struct negcache_entry *set, *e;

	key = negcache_key(key);
	e = negcache_find(nc, key);
	if (!e) {
		set = negcache_set(nc, key);
		e = &set[0];
		for (int i = 0; i < NEGCACHE_WAYS; i++) {
			if (!set[i].key || now_ns >= set[i].expires_ns) {
				e = &set[i];
				break;
			}
			if (set[i].expires_ns < e->expires_ns)
				e = &set[i];
		}
		if (e->key && now_ns < e->expires_ns)
			nc->st.replaced++;
	}
	e->key = key;
	e->expires_ns = now_ns + nc->ttl_ns;
	nc->st.inserts++;
}

void negcache_forget(struct negcache *nc, uint64_t key)
{
	struct negcache_entry *e = negcache_find(nc, negcache_key(key));

	if (e)
		e->key = 0;
}

void negcache_clear(struct negcache *nc)
{
	memset(nc->e, 0, (size_t)nc->st.entries * sizeof(*nc->e));
}

void negcache_stats(const struct negcache *nc, struct negcache_stats *out)
{
	*out = nc->st;
}
