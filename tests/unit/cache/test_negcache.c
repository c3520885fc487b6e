// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for cache/negcache.c: entries live exactly their lifetime,
 * forget and clear, a full set gives up the entry closest to expiry, and
 * a flood of distinct keys never grows the table.
 */
#include <criterion/criterion.h>

#include <errno.h>

#include "cache/negcache.h"

#define SEC 1000000000ull

Test(negcache, bad_sizes_are_refused)
{
	struct negcache *nc;

	cr_assert_eq(negcache__create(0, SEC, &nc), -EINVAL);
	cr_assert_eq(negcache__create(16, 0, &nc), -EINVAL);
	cr_assert_null(nc);
}

Test(negcache, an_entry_lives_its_lifetime)
{
	struct negcache *nc;

	cr_assert_eq(negcache__create(64, SEC, &nc), 0);
	cr_assert(!negcache_lookup(nc, 42, 0));
	negcache_insert(nc, 42, 10);
	cr_assert(negcache_lookup(nc, 42, 10));
	cr_assert(negcache_lookup(nc, 42, 10 + SEC - 1));
	cr_assert(!negcache_lookup(nc, 42, 10 + SEC), "expired entries are not hits");
	cr_assert(!negcache_lookup(nc, 42, 10), "an expired entry is gone");
	negcache_insert(nc, 0, 0); /* key 0 is a key like any other */
	cr_assert(negcache_lookup(nc, 0, 1));
	negcache__destroy(nc);
}

Test(negcache, forget_and_clear)
{
	struct negcache *nc;
	struct negcache_stats st;

	cr_assert_eq(negcache__create(64, SEC, &nc), 0);
	negcache_insert(nc, 7, 0);
	negcache_insert(nc, 8, 0);
	negcache_forget(nc, 7);
	cr_assert(!negcache_lookup(nc, 7, 1));
	cr_assert(negcache_lookup(nc, 8, 1));
	negcache_clear(nc);
	cr_assert(!negcache_lookup(nc, 8, 1));
	negcache_stats(nc, &st);
	cr_assert_eq(st.hits, 1);
	cr_assert_eq(st.inserts, 2);
	negcache__destroy(nc);
}

Test(negcache, a_full_set_gives_up_the_entry_closest_to_expiry)
{
	struct negcache *nc;
	struct negcache_stats st;
	uint64_t sets;

	cr_assert_eq(negcache__create(16, 100 * SEC, &nc), 0);
	negcache_stats(nc, &st);
	sets = st.entries / 4;
	/* Five keys of one set, inserted one second apart: the first goes. */
	for (uint64_t i = 0; i < 5; i++)
		negcache_insert(nc, 3 + i * sets, i * SEC);
	cr_assert(!negcache_lookup(nc, 3, 5 * SEC));
	for (uint64_t i = 1; i < 5; i++)
		cr_assert(negcache_lookup(nc, 3 + i * sets, 5 * SEC), "key %llu lost",
			  (unsigned long long)i);
	negcache_stats(nc, &st);
	cr_assert_eq(st.replaced, 1);
	negcache__destroy(nc);
}

Test(negcache, a_flood_of_distinct_keys_keeps_the_table_size)
{
	struct negcache *nc;
	struct negcache_stats st;
	uint64_t x = 0x9e3779b97f4a7c15ull;
	uint32_t live = 0;

	cr_assert_eq(negcache__create(1024, SEC, &nc), 0);
	for (int i = 0; i < 100000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		negcache_insert(nc, x, 0);
	}
	/* The most recent keys are the ones kept; the table never held more than its size. */
	negcache_stats(nc, &st);
	cr_assert_eq(st.entries, 1024);
	cr_assert_eq(st.inserts, 100000);
	x = 0x9e3779b97f4a7c15ull;
	for (int i = 0; i < 100000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		live += negcache_lookup(nc, x, 1);
	}
	cr_assert_leq(live, 1024);
	cr_assert_gt(live, 0);
	negcache__destroy(nc);
}
