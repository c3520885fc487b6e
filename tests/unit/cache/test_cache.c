// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for cache/cache.c and cache_load.c over a malloc'd stand-in
 * for the UMEM, with a real io_reader reading real files of a temporary
 * document root: loads, hits, waiters, every refusal (missing, directory,
 * symlinks and ".." leaving the root, too big), eviction that respects
 * references and in-flight frames, staleness, flushing, checksum tables
 * and byte-identical content.
 */
#include "config.h" /* _GNU_SOURCE: O_PATH */

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache/cache.h"
#include "io/io_reader.h"
#include "helpers/pkt.h"
#include "net/checksum.h"
#include "xsk/frame.h"

#define NFRAMES 32
#define NOW	(100 * 1000000000ull)
#define SEC	1000000000ull

static char tmp[64], root[96];
static uint8_t *area;
static struct frame_pool *pool;
static struct io_reader *io;
static int root_fd = -1;

static void write_file(const char *name, const void *data, size_t len)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", root, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	cr_assert_geq(fd, 0, "%s", path);
	cr_assert_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
}

/* `len` pseudo-random bytes, the same for the same seed. */
static uint8_t *pattern(size_t len, unsigned int seed)
{
	uint8_t *p = malloc(len ? len : 1);

	srand(seed);
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)rand();
	return p;
}

static void make_file(const char *name, size_t len, unsigned int seed)
{
	uint8_t *p = pattern(len, seed);

	write_file(name, p, len);
	free(p);
}

static void setup(void)
{
	char path[256];

	snprintf(tmp, sizeof(tmp), "/tmp/xdpserve-cache-XXXXXX");
	cr_assert_not_null(mkdtemp(tmp));
	snprintf(root, sizeof(root), "%s/root", tmp);
	cr_assert_eq(mkdir(root, 0755), 0);
	snprintf(path, sizeof(path), "%s/root/sub", tmp);
	cr_assert_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/outside", tmp);
	cr_assert_eq(close(open(path, O_WRONLY | O_CREAT, 0644)), 0);
	make_file("small.txt", 100, 1);
	make_file("multi.bin", 3 * FRAME_SIZE + 5, 2);
	make_file("four.bin", 4 * FRAME_SIZE, 3);
	make_file("four2.bin", 4 * FRAME_SIZE - 1, 4);
	make_file("four3.bin", 4 * FRAME_SIZE - 2, 5);
	make_file("big.bin", 9 * FRAME_SIZE, 6);
	make_file("empty", 0, 7);
	make_file("sub/inner.txt", 10, 8);
	snprintf(path, sizeof(path), "%s/abs_link", root);
	cr_assert_eq(symlink("/etc/passwd", path), 0);
	snprintf(path, sizeof(path), "%s/up_link", root);
	cr_assert_eq(symlink("../outside", path), 0);
	snprintf(path, sizeof(path), "%s/in_link", root);
	cr_assert_eq(symlink("small.txt", path), 0);
	snprintf(path, sizeof(path), "%s/loop", root);
	cr_assert_eq(symlink("loop", path), 0);
	snprintf(path, sizeof(path), "%s/fifo", root);
	cr_assert_eq(mkfifo(path, 0644), 0);
	root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(root_fd, 0);

	area = aligned_alloc(FRAME_SIZE, NFRAMES * FRAME_SIZE);
	cr_assert_not_null(area);
	cr_assert_eq(frame_pool__create(area, 0, NFRAMES, 0, 0, &pool), 0);
	cr_assert_eq(io_reader__create(16, area, NFRAMES * FRAME_SIZE, &io), 0);
}

static void teardown(void)
{
	char cmd[128];

	io_reader__destroy(io);
	frame_pool__destroy(pool);
	free(area);
	close(root_fd);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
	cr_assert_eq(system(cmd), 0);
}

static struct cache *new_cache(uint32_t frames, uint64_t meta)
{
	struct cache_config cfg = {.budget_bytes = (uint64_t)frames * FRAME_SIZE,
				   .meta_budget_bytes = meta};
	struct cache *c;

	cr_assert_eq(cache__create(&cfg, root_fd, pool, io, &c), 0);
	return c;
}

struct waiter {
	struct cache_waiter w;
	int calls;
	int err;
};

static void on_done(struct cache_waiter *w, int err)
{
	struct waiter *x = (struct waiter *)w;

	x->calls++;
	x->err = err;
}

/* Poll until the waiter ran (bounded: five seconds). */
static void wait_for(struct cache *c, struct waiter *x)
{
	for (int i = 0; i < 500 && !x->calls; i++) {
		poll(&(struct pollfd){.fd = io_reader_fd(io), .events = POLLIN}, 1, 10);
		cache_poll(c);
	}
	cr_assert_eq(x->calls, 1, "the waiter was not woken exactly once");
}

/* Look up, wait for the load if one starts, look up again. */
static int get(struct cache *c, const char *path, uint64_t now, struct cache_obj **o)
{
	struct waiter x = {0};
	int ret;

	cache_waiter_init(&x.w, on_done);
	ret = cache_lookup(c, path, now, &x.w, o);
	if (ret != -EINPROGRESS)
		return ret;
	cr_assert_null(*o);
	wait_for(c, &x);
	if (x.err)
		return x.err;
	ret = cache_lookup(c, path, now, NULL, o);
	cr_assert_neq(ret, -EINPROGRESS);
	return ret;
}

static void assert_content(const struct cache_obj *o, size_t len, unsigned int seed)
{
	uint8_t *want = pattern(len, seed), *got = malloc(len ? len : 1);

	cr_assert_eq(o->size, len);
	cr_assert_eq(o->blob.size, len);
	blob_copy(&o->blob, 0, len, got);
	cr_assert_arr_eq(got, want, len, "%s: content differs", o->path);
	free(want);
	free(got);
}

Test(cache, load_then_hit, .init = setup, .fini = teardown)
{
	struct cache *c = new_cache(16, 0);
	struct cache_obj *o, *again;
	struct cache_stats st;
	struct stat sb;
	char path[256];

	cr_assert_eq(get(c, "small.txt", NOW, &o), 0);
	cr_assert_not_null(o);
	cr_assert_str_eq(o->path, "small.txt");
	cr_assert_eq(o->state, CACHE_OBJ_READY);
	cr_assert_eq(o->head_len, 0, "the HTTP layer fills the header slot");
	assert_content(o, 100, 1);
	snprintf(path, sizeof(path), "%s/small.txt", root);
	cr_assert_eq(stat(path, &sb), 0);
	cr_assert_eq(o->ino, (uint64_t)sb.st_ino);
	cr_assert_eq(o->dev, (uint64_t)sb.st_dev);
	cr_assert_eq(o->mtime_ns, (uint64_t)sb.st_mtim.tv_sec * SEC + (uint64_t)sb.st_mtim.tv_nsec);
	cr_assert_eq(frame_pool_owner(pool, o->blob.frames[0]), FRAME_CACHE);

	cr_assert_eq(cache_lookup(c, "small.txt", NOW + 1, NULL, &again), 0, "a hit, no load");
	cr_assert_eq(again, o);
	cr_assert_eq(o->blob.refs, 2);
	cache_obj_put(again);
	cache_obj_put(o);
	cache_stats(c, &st);
	cr_assert_eq(st.loads, 1);
	cr_assert_eq(st.hits, 2);
	cr_assert_eq(st.misses, 1);
	cr_assert_eq(st.objects, 1);
	cr_assert_eq(st.frames_used, 1);
	cr_assert_eq(st.bytes_used, 100);
	cr_assert_eq(st.loading, 0);
	cache__destroy(c);
	cr_assert_eq(frame_pool_available(pool, FRAME_CLASS_CACHE), NFRAMES, "frames given back");
}

Test(cache, multi_frame_content_and_checksums, .init = setup, .fini = teardown)
{
	const size_t len = 3 * FRAME_SIZE + 5;
	static const uint64_t lens[] = {0, 1, 2, 63, 64, 65, 1447, 1448, 1460, 4095, 4096, 9001};
	struct cache *c = new_cache(16, 0);
	uint8_t *flat = pattern(len, 2);
	struct cache_obj *o;

	cr_assert_eq(get(c, "multi.bin", NOW, &o), 0);
	cr_assert_eq(o->blob.nframes, 4);
	assert_content(o, len, 2);
	for (uint64_t off = 0; off < len; off += 397) {
		for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
			if (off + lens[i] > len)
				continue;
			cr_assert_eq(ntohs(csum_fold(blob_csum(&o->blob, off, lens[i]))),
				     pkt_ref_sum(flat + off, lens[i], 0), "off %lu len %lu",
				     (unsigned long)off, (unsigned long)lens[i]);
		}
	}
	cr_assert_eq(ntohs(csum_fold(blob_csum(&o->blob, 0, len))), pkt_ref_sum(flat, len, 0));
	free(flat);
	cache_obj_put(o);
	cache__destroy(c);
}

Test(cache, concurrent_waiters_share_one_load, .init = setup, .fini = teardown)
{
	struct cache *c = new_cache(16, 0);
	struct waiter a = {0}, b = {0}, gone = {0};
	struct cache_obj *o;
	struct cache_stats st;

	cache_waiter_init(&a.w, on_done);
	cache_waiter_init(&b.w, on_done);
	cache_waiter_init(&gone.w, on_done);
	cr_assert_eq(cache_lookup(c, "four.bin", NOW, &a.w, &o), -EINPROGRESS);
	cr_assert_eq(cache_lookup(c, "four.bin", NOW, &b.w, &o), -EINPROGRESS);
	cr_assert_eq(cache_lookup(c, "four.bin", NOW, &gone.w, &o), -EINPROGRESS);
	cache_waiter_cancel(&gone.w); /* that connection went away */
	cache_waiter_cancel(&gone.w); /* twice is harmless */
	wait_for(c, &a);
	wait_for(c, &b);
	cr_assert_eq(a.err, 0);
	cr_assert_eq(b.err, 0);
	cr_assert_eq(gone.calls, 0, "a cancelled waiter is not called");
	cache_stats(c, &st);
	cr_assert_eq(st.loads, 1);
	cr_assert_eq(st.misses, 3);
	cr_assert_eq(cache_lookup(c, "four.bin", NOW, NULL, &o), 0);
	assert_content(o, 4 * FRAME_SIZE, 3);
	cache_obj_put(o);
	cache__destroy(c);
}

/* Parameters are copied into the test's process: no pointers in them. */
struct refusal {
	char path[32];
	int err;
};

ParameterizedTestParameters(cache, refusals)
{
	static struct refusal cases[] = {
		{"nope.txt", -ENOENT},
		{"small.txt/x", -ENOENT},
		{"sub", -EISDIR},
		{"sub/", -EISDIR},
		{"", -EISDIR},
		{"abs_link", -EXDEV},
		{"up_link", -EXDEV},
		{"../outside", -EXDEV},
		{"sub/../../outside", -EXDEV},
		{"/etc/passwd", -EXDEV},
		{"loop", -ELOOP},
		{"fifo", -EACCES},
		{"big.bin", -EFBIG},
		{"in_link", 0},
		{"sub/inner.txt", 0},
		{"sub/../small.txt", 0},
	};

	return cr_make_param_array(struct refusal, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct refusal *tc, cache, refusals, .init = setup, .fini = teardown)
{
	struct cache *c = new_cache(8, 0);
	struct cache_obj *o = NULL;
	struct cache_stats st;
	int ret = get(c, tc->path, NOW, &o);

	cr_assert_eq(ret, tc->err, "\"%s\": %d, expected %d", tc->path, ret, tc->err);
	if (!ret) {
		cr_assert_not_null(o);
		cache_obj_put(o);
	} else {
		cr_assert_null(o);
		cache_stats(c, &st);
		cr_assert_eq(st.objects, 0, "nothing cached for a refusal");
		cr_assert_eq(st.frames_used, 0);
	}
	cache__destroy(c);
}

/*
 * A woken waiter that answers at once (takes and drops its reference) and
 * then misses on something big enough to evict the object it was woken
 * for: the wake-up must not touch that object again, and every other
 * waiter of the same load is still woken exactly once.
 */
struct evicting_waiter {
	struct cache_waiter w;
	struct cache *c;
	int calls;
};

static void on_done_evict(struct cache_waiter *w, int err)
{
	struct evicting_waiter *x = (struct evicting_waiter *)w;
	struct cache_obj *o;

	x->calls++;
	cr_assert_eq(err, 0);
	cr_assert_eq(cache_lookup(x->c, "four.bin", NOW, NULL, &o), 0);
	cache_obj_put(o);
	/* 7 frames of 8: room only by evicting four.bin, pinned while announced. */
	cr_assert_eq(cache_lookup(x->c, "seven.bin", NOW, NULL, &o), -ENOMEM);
}

Test(cache, waking_waiters_survives_eviction_of_their_object, .init = setup, .fini = teardown)
{
	struct cache *c = new_cache(8, 0);
	struct evicting_waiter first = {.c = c};
	struct waiter second = {0};
	struct cache_obj *o;
	struct cache_stats st;

	make_file("seven.bin", 7 * FRAME_SIZE, 9);
	cache_waiter_init(&first.w, on_done_evict);
	cache_waiter_init(&second.w, on_done);
	cr_assert_eq(cache_lookup(c, "four.bin", NOW, &first.w, &o), -EINPROGRESS);
	cr_assert_eq(cache_lookup(c, "four.bin", NOW, &second.w, &o), -EINPROGRESS);
	wait_for(c, &second);
	cr_assert_eq(first.calls, 1);
	cr_assert_eq(second.err, 0);
	cr_assert_eq(get(c, "seven.bin", NOW, &o), 0);
	cache_stats(c, &st);
	cr_assert_eq(st.evictions, 1, "four.bin made room for seven.bin once announced");
	assert_content(o, 7 * FRAME_SIZE, 9);
	cache_obj_put(o);
	cache__destroy(c);
}

/*
 * Two loads finish in the same cache_poll(). The first one's waiter looks
 * up a file that needs the frames of both, the second still unannounced:
 * it must not be evicted under the announcement (it is pinned until its
 * waiters ran), and its waiter is still woken exactly once.
 */
struct greedy_waiter {
	struct cache_waiter w;
	struct cache *c;
	const char *wants;
	int calls;
	int ret;
};

static void on_done_greedy(struct cache_waiter *w, int err)
{
	struct greedy_waiter *x = (struct greedy_waiter *)w;
	struct cache_obj *o = NULL;

	x->calls++;
	cr_assert_eq(err, 0);
	x->ret = cache_lookup(x->c, x->wants, NOW, NULL, &o);
	if (!x->ret)
		cache_obj_put(o);
}

Test(cache, announcing_survives_eviction_of_other_finished_loads, .init = setup, .fini = teardown)
{
	struct cache *c = new_cache(8, 0);
	struct greedy_waiter first = {.c = c, .wants = "seven.bin"};
	struct waiter second = {0};
	struct cache_obj *o;

	make_file("seven.bin", 7 * FRAME_SIZE, 9);
	cache_waiter_init(&first.w, on_done_greedy);
	cache_waiter_init(&second.w, on_done);
	cr_assert_eq(cache_lookup(c, "four.bin", NOW, &first.w, &o), -EINPROGRESS);
	cr_assert_eq(cache_lookup(c, "four2.bin", NOW, &second.w, &o), -EINPROGRESS);
	/* Both reads complete before anything is announced. */
	cr_assert_eq(io_reader_drain(io, 5000), 0);
	cache_poll(c);
	cr_assert_eq(first.calls, 1);
	cr_assert_eq(second.calls, 1, "the second load's waiter was woken once");
	cr_assert_eq(second.err, 0);
	cr_assert_eq(get(c, "four2.bin", NOW, &o), 0);
	assert_content(o, 4 * FRAME_SIZE - 1, 4);
	cache_obj_put(o);
	cache__destroy(c);
	cr_assert_eq(frame_pool_available(pool, FRAME_CLASS_CACHE), NFRAMES);
}

Test(cache, empty_file_is_ready_at_once, .init = setup, .fini = teardown)
{
	struct cache *c = new_cache(8, 0);
	struct cache_obj *o;

	cr_assert_eq(cache_lookup(c, "empty", NOW, NULL, &o), 0);
	cr_assert_eq(o->size, 0);
	cr_assert_eq(o->blob.nframes, 0);
	cr_assert_eq(blob_csum(&o->blob, 0, 0), 0);
	cache_obj_put(o);
	cache__destroy(c);
}

Test(cache, eviction_spares_referenced_objects, .init = setup, .fini = teardown)
{
	struct cache *c = new_cache(8, 0);
	struct cache_obj *a, *b, *x, *d;
	struct cache_stats st;

	cr_assert_eq(get(c, "four.bin", NOW, &a), 0);
	cr_assert_eq(get(c, "four2.bin", NOW, &b), 0);
	cache_obj_put(b); /* only b may go */
	cr_assert_eq(get(c, "four3.bin", NOW, &x), 0);
	cache_stats(c, &st);
	cr_assert_eq(st.evictions, 1);
	cr_assert_eq(st.frames_used, 8);
	assert_content(a, 4 * FRAME_SIZE, 3);
	assert_content(x, 4 * FRAME_SIZE - 2, 5);
	cr_assert_eq(cache_lookup(c, "four.bin", NOW, NULL, &d), 0, "a is still cached");
	cache_obj_put(d);
	/* Everything referenced: no room. */
	cr_assert_eq(cache_lookup(c, "four2.bin", NOW, NULL, &d), -ENOMEM);
	cache_obj_put(a);
	cache_obj_put(x);
	cache__destroy(c);
}

Test(cache, eviction_spares_frames_in_flight, .init = setup, .fini = teardown)
{
	struct cache *c = new_cache(8, 0);
	struct cache_obj *a, *b, *x;
	uint64_t a_frame, b_frame;
	struct cache_stats st;

	cr_assert_eq(get(c, "four.bin", NOW, &a), 0);
	cr_assert_eq(get(c, "four2.bin", NOW, &b), 0);
	a_frame = a->blob.frames[2];
	b_frame = b->blob.frames[0];
	/* TX descriptors point into both; the send queues already let go. */
	cr_assert_eq(frame_pool_inflight_get(pool, a_frame), 0);
	cr_assert_eq(frame_pool_inflight_get(pool, b_frame), 0);
	cache_obj_put(a);
	cache_obj_put(b);
	cr_assert_eq(cache_lookup(c, "four3.bin", NOW, NULL, &x), -ENOMEM);
	/* b's descriptor completes: b can go, a (released first) cannot. */
	cr_assert_eq(frame_pool_inflight_put(pool, b_frame), 0);
	cr_assert_eq(get(c, "four3.bin", NOW, &x), 0);
	cache_stats(c, &st);
	cr_assert_eq(st.evictions, 1);
	cr_assert_eq(cache_lookup(c, "four.bin", NOW, NULL, &a), 0, "a survived");
	cr_assert_eq(frame_pool_owner(pool, a_frame), FRAME_CACHE);
	cache_obj_put(a);
	cache_obj_put(x);
	cr_assert_eq(frame_pool_inflight_put(pool, a_frame), 0);
	cache__destroy(c);
}

Test(cache, least_recently_released_goes_first, .init = setup, .fini = teardown)
{
	struct cache *c = new_cache(8, 0);
	struct cache_obj *a, *b, *x;

	cr_assert_eq(get(c, "four.bin", NOW, &a), 0);
	cr_assert_eq(get(c, "four2.bin", NOW, &b), 0);
	cache_obj_put(b);
	cache_obj_put(a); /* a released last: b is older */
	cr_assert_eq(get(c, "four3.bin", NOW, &x), 0);
	cache_obj_put(x);
	cr_assert_eq(cache_lookup(c, "four.bin", NOW, NULL, &a), 0, "a kept");
	cache_obj_put(a);
	cr_assert_eq(cache_lookup(c, "four2.bin", NOW, NULL, &b), -EINPROGRESS, "b was evicted");
	cache__destroy(c);
}

Test(cache, stale_objects_are_replaced, .init = setup, .fini = teardown)
{
	struct cache *c = new_cache(16, 0);
	struct cache_obj *old, *o;
	struct cache_stats st;
	struct timespec ts[2];
	uint8_t *p;
	char path[256];

	cr_assert_eq(get(c, "small.txt", NOW, &old), 0);
	/* Same size, other bytes, another mtime. */
	p = pattern(100, 42);
	write_file("small.txt", p, 100);
	free(p);
	snprintf(path, sizeof(path), "%s/small.txt", root);
	ts[0].tv_sec = ts[1].tv_sec = 1000000;
	ts[0].tv_nsec = ts[1].tv_nsec = 5;
	cr_assert_eq(utimensat(AT_FDCWD, path, ts, 0), 0);

	cr_assert_eq(cache_lookup(c, "small.txt", NOW + SEC / 2, NULL, &o), 0,
		     "not checked again within revalidate_ns");
	cr_assert_eq(o, old);
	cache_obj_put(o);
	cr_assert_eq(get(c, "small.txt", NOW + 2 * SEC, &o), 0);
	cr_assert_neq(o, old, "a changed file is loaded again");
	assert_content(o, 100, 42);
	cr_assert_eq(o->mtime_ns, 1000000 * SEC + 5);
	assert_content(old, 100, 1); /* the old content lives while referenced */
	cache_stats(c, &st);
	cr_assert_eq(st.stale, 1);
	cr_assert_eq(st.objects, 1);
	cr_assert_eq(st.frames_used, 2);
	cache_obj_put(old);
	cache_stats(c, &st);
	cr_assert_eq(st.frames_used, 1, "the old object went with its last reference");
	cache_obj_put(o);

	/* A size change alone is noticed too. */
	make_file("small.txt", 120, 43);
	cr_assert_eq(utimensat(AT_FDCWD, path, ts, 0), 0);
	cr_assert_eq(get(c, "small.txt", NOW + 4 * SEC, &o), 0);
	assert_content(o, 120, 43);
	cache_obj_put(o);

	/* A file that went away is gone from the cache. */
	cr_assert_eq(unlink(path), 0);
	cr_assert_eq(cache_lookup(c, "small.txt", NOW + 6 * SEC, NULL, &o), -ENOENT);
	cache_stats(c, &st);
	cr_assert_eq(st.stale, 3);
	cr_assert_eq(st.objects, 0);
	cr_assert_eq(st.frames_used, 0);
	cache__destroy(c);
}

Test(cache, stale_object_waits_for_its_descriptors, .init = setup, .fini = teardown)
{
	struct cache *c = new_cache(16, 0);
	struct cache_obj *old, *o;
	struct cache_stats st;
	uint64_t f;

	cr_assert_eq(get(c, "four.bin", NOW, &old), 0);
	f = old->blob.frames[1];
	cr_assert_eq(frame_pool_inflight_get(pool, f), 0);
	cache_obj_put(old);
	make_file("four.bin", 4 * FRAME_SIZE - 3, 9);
	cr_assert_eq(get(c, "four.bin", NOW + 2 * SEC, &o), 0);
	cache_stats(c, &st);
	cr_assert_eq(st.zombies, 1, "unlinked, unreferenced, but in flight");
	cr_assert_eq(st.frames_used, 8);
	cr_assert_eq(frame_pool_owner(pool, f), FRAME_CACHE);
	cr_assert_eq(frame_pool_inflight_put(pool, f), 0); /* the completion */
	cache_poll(c);
	cache_stats(c, &st);
	cr_assert_eq(st.zombies, 0);
	cr_assert_eq(st.frames_used, 4);
	cr_assert_eq(frame_pool_owner(pool, f), FRAME_FREE);
	cache_obj_put(o);
	cache__destroy(c);
}

Test(cache, flush_drops_everything_unreferenced, .init = setup, .fini = teardown)
{
	struct cache *c = new_cache(16, 0);
	struct cache_obj *a, *b, *again;
	struct cache_stats st;

	cr_assert_eq(get(c, "four.bin", NOW, &a), 0);
	cr_assert_eq(get(c, "small.txt", NOW, &b), 0);
	cache_obj_put(b);
	cr_assert_eq(cache_flush(c), 2);
	cache_stats(c, &st);
	cr_assert_eq(st.objects, 0);
	cr_assert_eq(st.frames_used, 4, "the referenced object lives on");
	assert_content(a, 4 * FRAME_SIZE, 3);
	cr_assert_eq(get(c, "four.bin", NOW, &again), 0);
	cr_assert_neq(again, a, "loaded afresh after a flush");
	cache_obj_put(a);
	cache_obj_put(again);
	cache_stats(c, &st);
	cr_assert_eq(st.frames_used, 4);
	cr_assert_eq(st.loads, 3);
	cache__destroy(c);
}

Test(cache, metadata_budget_bounds_objects, .init = setup, .fini = teardown)
{
	/* Room for the index (64 buckets) and about one small object. */
	struct cache *c =
		new_cache(16, 64 * sizeof(struct list_node) + sizeof(struct cache_obj) + 200);
	struct cache_obj *a, *b;
	struct cache_stats st;

	cr_assert_eq(get(c, "small.txt", NOW, &a), 0);
	cr_assert_eq(cache_lookup(c, "sub/inner.txt", NOW, NULL, &b), -ENOMEM,
		     "metadata full of referenced objects");
	cache_obj_put(a);
	cr_assert_eq(get(c, "sub/inner.txt", NOW, &b), 0, "the idle object makes room");
	cache_stats(c, &st);
	cr_assert_eq(st.evictions, 1);
	cr_assert_leq(st.meta_used, st.meta_budget);
	cache_obj_put(b);
	cache__destroy(c);
}

static void count_obj(const struct cache_obj *o, void *arg)
{
	(*(int *)arg)++;
	cr_assert(o->state == CACHE_OBJ_READY || o->state == CACHE_OBJ_LOADING);
}

Test(cache, for_each_sees_every_object, .init = setup, .fini = teardown)
{
	struct cache *c = new_cache(16, 0);
	struct cache_obj *o;
	int n = 0;

	cr_assert_eq(get(c, "small.txt", NOW, &o), 0);
	cache_obj_put(o);
	cr_assert_eq(get(c, "multi.bin", NOW, &o), 0);
	cache_obj_put(o);
	cr_assert_eq(cache_lookup(c, "four.bin", NOW, NULL, &o), -EINPROGRESS);
	cache_for_each(c, count_obj, &n);
	cr_assert_eq(n, 3);
	cache__destroy(c); /* with a load under way */
	cr_assert_eq(frame_pool_available(pool, FRAME_CLASS_CACHE), NFRAMES);
}
