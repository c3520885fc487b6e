// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for cache/cache.c and cache_load.c over a malloc'd stand-in
 * for the UMEM, with a real io_reader reading real files of a temporary
 * document root: file objects and chunks, hits, waiters, every refusal
 * (missing, directory, symlinks and ".." leaving the root), files far
 * larger than the budget, versions kept apart across a rename, SIEVE
 * eviction that respects references and in-flight frames and resists a
 * scan, waiting for room and for a load slot (bounded), staleness noticed
 * in the background, the negative cache,
 * flushing, checksum tables and byte-identical content.
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
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache/cache.h"
#include "cache/cache_int.h" /* the index hashes */
#include "io/io_reader.h"
#include "helpers/pkt.h"
#include "net/checksum.h"
#include "xsk/frame.h"

#define NFRAMES 64
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

static struct cache *new_cache_cfg(struct cache_config cfg)
{
	struct cache *c;

	cfg.user_bytes = cfg.user_bytes ? cfg.user_bytes : 64;
	cr_assert_eq(cache__create(&cfg, root_fd, pool, io, &c), 0);
	return c;
}

/* A budget of `frames` frames, chunks of a quarter of it at most (1/8 clamps). */
static struct cache *new_cache(uint32_t frames, uint64_t chunk_frames)
{
	return new_cache_cfg((struct cache_config){
		.budget_bytes = (uint64_t)frames * FRAME_SIZE,
		.chunk_bytes = chunk_frames * FRAME_SIZE,
	});
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
		cache_poll(c, NOW);
	}
	cr_assert_eq(x->calls, 1, "the waiter was not woken exactly once");
}

/* The file object of path: wait for its open if one starts, then take it. */
static int open_file(struct cache *c, const char *path, uint64_t now, struct cache_obj **f)
{
	struct waiter x = {0};
	int ret;

	cache_waiter_init(&x.w, on_done);
	ret = cache_lookup(c, path, now, &x.w, f);
	if (ret != -EINPROGRESS)
		return ret;
	cr_assert_null(*f);
	wait_for(c, &x);
	if (x.err)
		return x.err;
	ret = cache_lookup(c, path, now, NULL, f);
	cr_assert_neq(ret, -EINPROGRESS);
	return ret;
}

/* Look at path at time now (due for revalidation) and let the look come back. */
static void revalidate(struct cache *c, const char *path, uint64_t now)
{
	struct cache_obj *f;

	if (cache_lookup(c, path, now, NULL, &f) == 0)
		cache_obj_put(f); /* served meanwhile */
	cr_assert_eq(io_reader_drain(io, 5000), 0);
	cache_poll(c, now);
}

/* Chunk idx of f: wait for its load if one starts, then take it. */
static int chunk(struct cache *c, struct cache_obj *f, uint32_t idx, struct blob **b)
{
	struct waiter x = {0};
	int ret;

	cache_waiter_init(&x.w, on_done);
	ret = cache_chunk_get(c, f, idx, NOW, &x.w, b);
	if (ret != -EINPROGRESS)
		return ret;
	cr_assert_null(*b);
	wait_for(c, &x);
	if (x.err)
		return x.err;
	ret = cache_chunk_get(c, f, idx, NOW, NULL, b);
	cr_assert_neq(ret, -EINPROGRESS);
	return ret;
}

/* The file and, for a small one, its only chunk. */
static int get(struct cache *c, const char *path, uint64_t now, struct cache_obj **f,
	       struct blob **b)
{
	int ret = open_file(c, path, now, f);

	*b = NULL;
	if (ret || !cache_obj_chunks(*f))
		return ret;
	ret = chunk(c, *f, 0, b);
	if (ret) {
		cache_obj_put(*f);
		*f = NULL;
	}
	return ret;
}

static void put(struct cache_obj *f, struct blob *b)
{
	if (b)
		blob_put(b);
	cache_obj_put(f);
}

static void assert_bytes(const struct blob *b, uint64_t file_off, size_t len, unsigned int seed,
			 size_t file_len)
{
	uint8_t *want = pattern(file_len, seed), *got = malloc(len ? len : 1);

	cr_assert_eq(b->size, len);
	blob_copy(b, 0, len, got);
	cr_assert_arr_eq(got, want + file_off, len, "content differs at %lu",
			 (unsigned long)file_off);
	free(want);
	free(got);
}

static void assert_content(const struct blob *b, size_t len, unsigned int seed)
{
	assert_bytes(b, 0, len, seed, len);
}

static struct cache_stats stats(const struct cache *c)
{
	struct cache_stats st;

	cache_stats(c, &st);
	return st;
}

Test(cache, load_then_hit, .init = setup, .fini = teardown)
{
	struct cache *c = new_cache(16, 0);
	struct cache_obj *f, *again;
	struct blob *b, *b2;
	struct cache_stats st;
	struct stat sb;
	char path[256];

	cr_assert_eq(open_file(c, "small.txt", NOW, &f), 0, "metadata at once");
	cr_assert_str_eq(cache_obj_path(f), "small.txt");
	cr_assert_eq(cache_obj_size(f), 100);
	cr_assert_eq(cache_obj_chunks(f), 1);
	cr_assert_eq(((const char *)cache_obj_user(f))[0], 0, "the user area starts zeroed");
	snprintf(path, sizeof(path), "%s/small.txt", root);
	cr_assert_eq(stat(path, &sb), 0);
	cr_assert_eq(cache_obj_ino(f), (uint64_t)sb.st_ino);
	cr_assert_eq(cache_obj_dev(f), (uint64_t)sb.st_dev);
	cr_assert_eq(cache_obj_mtime_ns(f),
		     (uint64_t)sb.st_mtim.tv_sec * SEC + (uint64_t)sb.st_mtim.tv_nsec);
	st = stats(c);
	cr_assert_eq(st.loads, 0, "a file object loads no content (HEAD)");
	cr_assert_eq(st.frames_used, 0);

	cr_assert_eq(chunk(c, f, 0, &b), 0);
	assert_content(b, 100, 1);
	cr_assert_eq(frame_pool_owner(pool, b->frames[0]), FRAME_CACHE);
	cr_assert_eq(open_file(c, "small.txt", NOW + 1, &again), 0);
	cr_assert_eq(again, f);
	cr_assert_eq(cache_chunk_get(c, f, 0, NOW, NULL, &b2), 0, "a hit, no load");
	cr_assert_eq(b2, b);
	put(again, b2);
	put(f, b);
	st = stats(c);
	cr_assert_eq(st.loads, 1);
	cr_assert_eq(st.file_opens, 1);
	cr_assert_eq(st.file_hits, 2, "the look after the open, and one more");
	cr_assert_eq(st.hits, 2);
	cr_assert_eq(st.misses, 1);
	cr_assert_eq(st.objects, 2, "the file and its chunk");
	cr_assert_eq(st.files, 1);
	cr_assert_eq(st.frames_used, 1);
	cr_assert_eq(st.bytes_used, 100);
	cr_assert_eq(st.loading, 0);
	cache__destroy(c);
	cr_assert_eq(frame_pool_available(pool, FRAME_CLASS_CACHE), NFRAMES, "frames given back");
}

Test(cache, a_chunk_key_starts_from_its_file_path_hash, .init = setup, .fini = teardown)
{
	struct cache *c = new_cache(16, 0);
	struct cache_obj *f, *o;
	struct blob *b;

	cr_assert_eq(get(c, "small.txt", NOW, &f, &b), 0);
	o = container_of(b, struct cache_obj, blob);
	/* The path is hashed once per request: the chunk's key reuses the file's. */
	cr_assert_eq(f->path_hash, cache_path_hash(c, "small.txt"));
	cr_assert_eq(o->hash, cache_key_hash(f->path_hash, CACHE_CHUNK, &f->v, 0));
	cr_assert_neq(o->hash,
		      cache_key_hash(cache_path_hash(c, "large.bin"), CACHE_CHUNK, &f->v, 0));
	put(f, b);
	cache__destroy(c);
}

Test(cache, multi_frame_content_and_checksums, .init = setup, .fini = teardown)
{
	const size_t len = 3 * FRAME_SIZE + 5;
	static const uint64_t lens[] = {0, 1, 2, 63, 64, 65, 1447, 1448, 1460, 4095, 4096, 9001};
	struct cache *c = new_cache(32, 4);
	uint8_t *flat = pattern(len, 2);
	struct cache_obj *f;
	struct blob *b;

	cr_assert_eq(get(c, "multi.bin", NOW, &f, &b), 0);
	cr_assert_eq(b->nframes, 4);
	assert_content(b, len, 2);
	for (uint64_t off = 0; off < len; off += 397) {
		for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
			if (off + lens[i] > len)
				continue;
			cr_assert_eq(ntohs(csum_fold(blob_csum(b, off, lens[i]))),
				     pkt_ref_sum(flat + off, lens[i], 0), "off %lu len %lu",
				     (unsigned long)off, (unsigned long)lens[i]);
		}
	}
	cr_assert_eq(ntohs(csum_fold(blob_csum(b, 0, len))), pkt_ref_sum(flat, len, 0));
	free(flat);
	put(f, b);
	cache__destroy(c);
}

Test(cache, concurrent_waiters_share_one_load, .init = setup, .fini = teardown)
{
	struct cache *c = new_cache(32, 4);
	struct waiter a = {0}, b = {0}, gone = {0};
	struct cache_obj *f;
	struct blob *blob;
	struct cache_stats st;

	cache_waiter_init(&a.w, on_done);
	cache_waiter_init(&b.w, on_done);
	cache_waiter_init(&gone.w, on_done);
	cr_assert_eq(open_file(c, "four.bin", NOW, &f), 0);
	cr_assert_eq(cache_chunk_get(c, f, 0, NOW, &a.w, &blob), -EINPROGRESS);
	cr_assert_eq(cache_chunk_get(c, f, 0, NOW, &b.w, &blob), -EINPROGRESS);
	cr_assert_eq(cache_chunk_get(c, f, 0, NOW, &gone.w, &blob), -EINPROGRESS);
	cache_waiter_cancel(&gone.w); /* that connection went away */
	cache_waiter_cancel(&gone.w); /* twice is harmless */
	wait_for(c, &a);
	wait_for(c, &b);
	cr_assert_eq(a.err, 0);
	cr_assert_eq(b.err, 0);
	cr_assert_eq(gone.calls, 0, "a cancelled waiter is not called");
	st = stats(c);
	cr_assert_eq(st.loads, 1);
	cr_assert_eq(st.misses, 3);
	cr_assert_eq(cache_chunk_get(c, f, 0, NOW, NULL, &blob), 0);
	assert_content(blob, 4 * FRAME_SIZE, 3);
	put(f, blob);
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
		{"big.bin", 0}, /* bigger than the budget: it streams */
		{"in_link", 0},
		{"sub/inner.txt", 0},
		{"sub/../small.txt", 0},
	};

	return cr_make_param_array(struct refusal, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct refusal *tc, cache, refusals, .init = setup, .fini = teardown)
{
	struct cache *c = new_cache(8, 0);
	struct cache_obj *f = NULL;
	struct cache_stats st;
	int ret = open_file(c, tc->path, NOW, &f);

	cr_assert_eq(ret, tc->err, "\"%s\": %d, expected %d", tc->path, ret, tc->err);
	if (!ret) {
		cr_assert_not_null(f);
		cache_obj_put(f);
	} else {
		cr_assert_null(f);
		st = stats(c);
		cr_assert_eq(st.objects, 0, "nothing cached for a refusal");
		cr_assert_eq(st.files, 0, "no fd kept for a refusal");
		cr_assert_eq(st.frames_used, 0);
	}
	cache__destroy(c);
}

/* prefix0.bin .. prefix<n-1>.bin of `frames` frames each, loaded and referenced. */
static void fill_files(struct cache *c, const char *prefix, int n, uint32_t frames,
		       unsigned int seed, struct cache_obj **f, struct blob **b)
{
	char name[32];

	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%s%d.bin", prefix, i);
		make_file(name, frames * FRAME_SIZE, seed + (unsigned int)i);
		cr_assert_eq(get(c, name, NOW, &f[i], &b[i]), 0);
	}
}

/*
 * A woken waiter that answers at once (takes and drops its reference) and
 * then misses on something big enough to evict the chunk it was woken
 * for: that chunk is pinned while announced, so the miss waits for room,
 * and gets it once the announcement let go.
 */
struct evicting_waiter {
	struct cache_waiter w;
	struct cache *c;
	struct cache_obj *f, *seven;
	struct waiter later;
	int calls;
};

static void on_done_evict(struct cache_waiter *w, int err)
{
	struct evicting_waiter *x = (struct evicting_waiter *)w;
	struct blob *b;

	x->calls++;
	cr_assert_eq(err, 0);
	cr_assert_eq(cache_chunk_get(x->c, x->f, 0, NOW, NULL, &b), 0);
	blob_put(b);
	/* 7 frames of 8: room only by evicting four.bin, pinned while announced. */
	cache_waiter_init(&x->later.w, on_done);
	cr_assert_eq(cache_chunk_get(x->c, x->seven, 0, NOW, &x->later.w, &b), -EINPROGRESS);
	cr_assert_eq(stats(x->c).waiting, 1, "waits for room, not refused");
}

Test(cache, waking_waiters_survives_eviction_of_their_object, .init = setup, .fini = teardown)
{
	struct cache *c = new_cache_cfg((struct cache_config){.budget_bytes = 64 * FRAME_SIZE,
							      .chunk_bytes = 8 * FRAME_SIZE});
	struct evicting_waiter first = {.c = c};
	struct waiter second = {0};
	struct blob *b;

	make_file("seven.bin", 7 * FRAME_SIZE, 9);
	/* 56 of the 64 frames go to referenced chunks: 8 left, as in a small cache. */
	cr_assert_eq(open_file(c, "four.bin", NOW, &first.f), 0);
	cr_assert_eq(open_file(c, "seven.bin", NOW, &first.seven), 0);
	{
		struct cache_obj *held[7];
		struct blob *fb[7];

		fill_files(c, "fill", 7, 8, 20, held, fb);
		cache_waiter_init(&first.w, on_done_evict);
		cache_waiter_init(&second.w, on_done);
		cr_assert_eq(cache_chunk_get(c, first.f, 0, NOW, &first.w, &b), -EINPROGRESS);
		cr_assert_eq(cache_chunk_get(c, first.f, 0, NOW, &second.w, &b), -EINPROGRESS);
		wait_for(c, &second);
		cr_assert_eq(first.calls, 1);
		cr_assert_eq(second.err, 0);
		/* The same poll, once the announcement let go of four.bin. */
		cr_assert_eq(first.later.calls, 1, "woken once four.bin could go");
		cr_assert_eq(first.later.err, 0);
		for (int i = 0; i < 7; i++)
			put(held[i], fb[i]);
	}
	cr_assert_eq(chunk(c, first.seven, 0, &b), 0);
	assert_content(b, 7 * FRAME_SIZE, 9);
	cr_assert_geq(stats(c).evictions, 1, "four.bin made room for seven.bin");
	blob_put(b);
	cache_obj_put(first.seven);
	cache_obj_put(first.f);
	cache__destroy(c);
}

/*
 * Two loads finish in the same cache_poll(). The first one's waiter asks
 * for a chunk that needs the frames of both, the second still unannounced:
 * it must not be evicted under the announcement (it is pinned until its
 * waiters ran), and its waiter is still woken exactly once. Before the
 * pin, this was a use after free and a worker spinning on a corrupt list.
 */
struct greedy_waiter {
	struct cache_waiter w;
	struct cache *c;
	struct cache_obj *wants;
	struct waiter later;
	int calls;
};

static void on_done_greedy(struct cache_waiter *w, int err)
{
	struct greedy_waiter *x = (struct greedy_waiter *)w;
	struct blob *b = NULL;

	x->calls++;
	cr_assert_eq(err, 0);
	cache_waiter_init(&x->later.w, on_done);
	if (!cache_chunk_get(x->c, x->wants, 0, NOW, &x->later.w, &b))
		blob_put(b);
}

Test(cache, announcing_survives_eviction_of_other_finished_loads, .init = setup, .fini = teardown)
{
	struct cache *c = new_cache_cfg((struct cache_config){.budget_bytes = 64 * FRAME_SIZE,
							      .chunk_bytes = 8 * FRAME_SIZE});
	struct greedy_waiter first = {.c = c};
	struct waiter second = {0};
	struct cache_obj *a, *b2, *held[6];
	struct blob *b, *fb[6];

	make_file("seven.bin", 7 * FRAME_SIZE, 9);
	/* 48 of 64 frames referenced: the two loads below take the other 16. */
	fill_files(c, "fill", 6, 8, 20, held, fb);
	make_file("eight.bin", 8 * FRAME_SIZE, 10);
	make_file("eight2.bin", 8 * FRAME_SIZE, 11);
	cr_assert_eq(open_file(c, "seven.bin", NOW, &first.wants), 0);
	cr_assert_eq(open_file(c, "eight.bin", NOW, &a), 0);
	cr_assert_eq(open_file(c, "eight2.bin", NOW, &b2), 0);
	cache_waiter_init(&first.w, on_done_greedy);
	cache_waiter_init(&second.w, on_done);
	cr_assert_eq(cache_chunk_get(c, a, 0, NOW, &first.w, &b), -EINPROGRESS);
	cr_assert_eq(cache_chunk_get(c, b2, 0, NOW, &second.w, &b), -EINPROGRESS);
	/* Both reads complete before anything is announced. */
	cr_assert_eq(io_reader_drain(io, 5000), 0);
	cache_poll(c, NOW);
	cr_assert_eq(first.calls, 1);
	cr_assert_eq(second.calls, 1, "the second load's waiter was woken once");
	cr_assert_eq(second.err, 0);
	cr_assert_eq(chunk(c, b2, 0, &b), 0);
	assert_content(b, 8 * FRAME_SIZE, 11);
	blob_put(b);
	for (int i = 0; i < 6; i++)
		put(held[i], fb[i]);
	cache_poll(c, NOW);
	cache_waiter_cancel(&first.later.w);
	cache_obj_put(a);
	cache_obj_put(b2);
	cache_obj_put(first.wants);
	cache__destroy(c);
	cr_assert_eq(frame_pool_available(pool, FRAME_CLASS_CACHE), NFRAMES);
}

Test(cache, empty_file_has_no_chunk, .init = setup, .fini = teardown)
{
	struct cache *c = new_cache(8, 0);
	struct cache_obj *f;
	struct blob *b;

	cr_assert_eq(open_file(c, "empty", NOW, &f), 0);
	cr_assert_eq(cache_obj_size(f), 0);
	cr_assert_eq(cache_obj_chunks(f), 0);
	cr_assert_eq(cache_chunk_get(c, f, 0, NOW, NULL, &b), -EINVAL);
	cache_obj_put(f);
	cache__destroy(c);
}

/* A file of 100 frames through a budget of 16: every chunk exact, the budget never exceeded. */
Test(cache, file_larger_than_the_budget_streams_in_chunks, .init = setup, .fini = teardown)
{
	const size_t len = 100 * FRAME_SIZE + 77;
	struct cache *c = new_cache(16, 2);
	struct cache_obj *f;
	struct cache_stats st;
	struct blob *b;

	make_file("huge.bin", len, 12);
	cr_assert_eq(open_file(c, "huge.bin", NOW, &f), 0);
	cr_assert_eq(cache_chunk_bytes(c), 2 * FRAME_SIZE);
	cr_assert_eq(cache_obj_chunks(f), 51);
	for (uint32_t i = 0; i < cache_obj_chunks(f); i++) {
		uint64_t off = (uint64_t)i * 2 * FRAME_SIZE;

		cr_assert_eq(chunk(c, f, i, &b), 0, "chunk %u", i);
		assert_bytes(b, off, len - off < 2 * FRAME_SIZE ? len - off : 2 * FRAME_SIZE, 12,
			     len);
		cache_chunk_prefetch(c, f, i + 1, NOW);
		blob_put(b);
		st = stats(c);
		cr_assert_leq(st.frames_used, st.frames_budget);
	}
	st = stats(c);
	cr_assert_geq(st.loads, 51);
	cr_assert_gt(st.readaheads, 0);
	cr_assert_gt(st.evictions, 30);
	cache_obj_put(f);
	cache__destroy(c);
}

/* The middle of a file loads only the chunk it needs. */
Test(cache, a_range_in_the_middle_loads_one_chunk, .init = setup, .fini = teardown)
{
	const size_t len = 100 * FRAME_SIZE;
	struct cache *c = new_cache(16, 2);
	struct cache_obj *f;
	struct blob *b;

	make_file("huge.bin", len, 13);
	cr_assert_eq(open_file(c, "huge.bin", NOW, &f), 0);
	cr_assert_eq(chunk(c, f, 25, &b), 0);
	assert_bytes(b, 50 * FRAME_SIZE, 2 * FRAME_SIZE, 13, len);
	cr_assert_eq(stats(c).loads, 1);
	put(f, b);
	cache__destroy(c);
}

/*
 * A response holds the file object of the version it started with: after
 * the path is renamed over, its chunks still come from the old version
 * (the old fd), while new lookups get the new one. Never a mix.
 */
Test(cache, a_replaced_file_keeps_its_versions_apart, .init = setup, .fini = teardown)
{
	const size_t len = 20 * FRAME_SIZE;
	struct cache *c = new_cache(16, 2);
	struct cache_obj *old, *cur;
	char from[256], to[256];
	struct blob *b;

	make_file("v.bin", len, 14);
	make_file("v.new", len, 15);
	cr_assert_eq(open_file(c, "v.bin", NOW, &old), 0);
	cr_assert_eq(chunk(c, old, 0, &b), 0);
	assert_bytes(b, 0, 2 * FRAME_SIZE, 14, len);
	blob_put(b);
	snprintf(from, sizeof(from), "%s/v.new", root);
	snprintf(to, sizeof(to), "%s/v.bin", root);
	cr_assert_eq(rename(from, to), 0);
	revalidate(c, "v.bin", NOW + 2 * SEC);
	cr_assert_eq(open_file(c, "v.bin", NOW + 2 * SEC, &cur), 0);
	cr_assert_neq(cur, old, "the new version is a new file object");
	for (uint32_t i = 0; i < 10; i++) {
		cr_assert_eq(chunk(c, old, i, &b), 0);
		assert_bytes(b, (uint64_t)i * 2 * FRAME_SIZE, 2 * FRAME_SIZE, 14, len);
		blob_put(b);
		cr_assert_eq(chunk(c, cur, i, &b), 0);
		assert_bytes(b, (uint64_t)i * 2 * FRAME_SIZE, 2 * FRAME_SIZE, 15, len);
		blob_put(b);
	}
	cr_assert_eq(stats(c).stale, 1);
	cache_obj_put(old);
	cr_assert_eq(stats(c).files, 1, "the old version's fd went with its last reference");
	cache_obj_put(cur);
	cache__destroy(c);
}

Test(cache, eviction_spares_referenced_objects, .init = setup, .fini = teardown)
{
	struct cache *c = new_cache_cfg((struct cache_config){.budget_bytes = 32 * FRAME_SIZE,
							      .chunk_bytes = 4 * FRAME_SIZE});
	struct cache_obj *f[8], *x;
	struct blob *b[8], *d;

	fill_files(c, "q", 8, 4, 30, f, b);
	put(f[3], b[3]); /* only q3 may go */
	make_file("x.bin", 4 * FRAME_SIZE, 40);
	cr_assert_eq(get(c, "x.bin", NOW, &x, &d), 0);
	cr_assert_eq(stats(c).evictions, 1);
	cr_assert_leq(stats(c).frames_used, 32);
	for (int i = 0; i < 8; i++)
		if (i != 3)
			assert_content(b[i], 4 * FRAME_SIZE, 30 + i);
	/* Everything referenced: no room, and without a waiter no wait. */
	cr_assert_eq(open_file(c, "q3.bin", NOW, &f[3]), 0);
	cr_assert_eq(cache_chunk_get(c, f[3], 0, NOW, NULL, &b[3]), -ENOMEM);
	b[3] = NULL;
	for (int i = 0; i < 8; i++)
		put(f[i], b[i]);
	put(x, d);
	cache__destroy(c);
}

Test(cache, eviction_spares_frames_in_flight, .init = setup, .fini = teardown)
{
	struct cache *c = new_cache_cfg((struct cache_config){.budget_bytes = 32 * FRAME_SIZE,
							      .chunk_bytes = 4 * FRAME_SIZE});
	struct cache_obj *f[8], *x;
	struct blob *b[8], *d;
	uint64_t fr[8];

	make_file("x.bin", 4 * FRAME_SIZE, 40);
	fill_files(c, "q", 8, 4, 30, f, b);
	for (int i = 0; i < 8; i++) {
		/* A TX descriptor points into each; the send queues already let go. */
		fr[i] = b[i]->frames[i % 4];
		cr_assert_eq(frame_pool_inflight_get(pool, fr[i]), 0);
		put(f[i], b[i]);
	}
	cr_assert_eq(open_file(c, "x.bin", NOW, &x), 0);
	cr_assert_eq(cache_chunk_get(c, x, 0, NOW, NULL, &d), -ENOMEM);
	/* q5's descriptor completes: q5 can go, the others cannot. */
	cr_assert_eq(frame_pool_inflight_put(pool, fr[5]), 0);
	cr_assert_eq(chunk(c, x, 0, &d), 0);
	cr_assert_eq(stats(c).evictions, 1);
	for (int i = 0; i < 8; i++) {
		if (i == 5)
			continue; /* freed, and maybe x.bin's now */
		cr_assert_eq(frame_pool_owner(pool, fr[i]), FRAME_CACHE);
		cr_assert_eq(frame_pool_inflight_put(pool, fr[i]), 0);
	}
	put(x, d);
	cache__destroy(c);
}

/*
 * SIEVE: a small object asked for again is passed over by the hand, while
 * one scan through a file far larger than the budget (each chunk used
 * once) evicts only its own chunks and the cold objects.
 */
Test(cache, a_scan_does_not_flush_hot_objects, .init = setup, .fini = teardown)
{
	const size_t len = 200 * FRAME_SIZE;
	struct cache *c = new_cache(32, 4);
	struct cache_obj *hot, *cold, *scan;
	struct blob *b;
	uint64_t loads;

	make_file("scan.bin", len, 16);
	cr_assert_eq(get(c, "small.txt", NOW, &hot, &b), 0);
	put(hot, b);
	cr_assert_eq(get(c, "small.txt", NOW, &hot, &b), 0, "used twice: hot");
	put(hot, b);
	cr_assert_eq(get(c, "multi.bin", NOW, &cold, &b), 0, "used once: cold");
	put(cold, b);
	cr_assert_eq(open_file(c, "scan.bin", NOW, &scan), 0);
	for (uint32_t i = 0; i < cache_obj_chunks(scan); i++) {
		cr_assert_eq(chunk(c, scan, i, &b), 0);
		blob_put(b);
	}
	cache_obj_put(scan);
	loads = stats(c).loads;
	cr_assert_eq(get(c, "small.txt", NOW, &hot, &b), 0);
	cr_assert_eq(stats(c).loads, loads, "the hot object survived the scan");
	assert_content(b, 100, 1);
	put(hot, b);
	cr_assert_eq(get(c, "multi.bin", NOW, &cold, &b), 0);
	cr_assert_eq(stats(c).loads, loads + 1, "the cold one did not");
	put(cold, b);
	cache__destroy(c);
}

/* The budget full of referenced chunks: a request waits and is woken when one goes. */
Test(cache, a_full_budget_makes_requests_wait, .init = setup, .fini = teardown)
{
	struct cache *c = new_cache_cfg((struct cache_config){.budget_bytes = 32 * FRAME_SIZE,
							      .chunk_bytes = 4 * FRAME_SIZE});
	struct waiter x = {0}, late = {0};
	struct cache_obj *f[8], *xf;
	struct blob *b[8], *d;
	struct cache_stats st;

	fill_files(c, "q", 8, 4, 30, f, b);
	make_file("x.bin", 4 * FRAME_SIZE, 40);
	cr_assert_eq(open_file(c, "x.bin", NOW, &xf), 0);
	cache_waiter_init(&x.w, on_done);
	cr_assert_eq(cache_chunk_get(c, xf, 0, NOW, &x.w, &d), -EINPROGRESS);
	cache_poll(c, NOW + SEC);
	cr_assert_eq(x.calls, 0, "nothing freed yet");
	put(f[2], b[2]); /* a response finished */
	cache_poll(c, NOW + SEC);
	cr_assert_eq(x.calls, 1, "woken when room came back");
	cr_assert_eq(x.err, 0);
	cr_assert_eq(chunk(c, xf, 0, &d), 0);
	assert_content(d, 4 * FRAME_SIZE, 40);

	/* Nothing comes back: the wait is bounded and ends in -ENOMEM (503). */
	cr_assert_eq(open_file(c, "q2.bin", NOW, &f[2]), 0);
	cache_waiter_init(&late.w, on_done);
	cr_assert_eq(cache_chunk_get(c, f[2], 0, NOW + SEC, &late.w, &b[2]), -EINPROGRESS);
	cache_poll(c, NOW + 2 * SEC);
	cr_assert_eq(late.calls, 0);
	cache_poll(c, NOW + 7 * SEC);
	cr_assert_eq(late.calls, 1);
	cr_assert_eq(late.err, -ENOMEM);
	st = stats(c);
	cr_assert_eq(st.waits, 2);
	cr_assert_eq(st.wait_timeouts, 1);
	cr_assert_eq(st.waiting, 0);
	b[2] = NULL;
	for (int i = 0; i < 8; i++)
		put(f[i], b[i]);
	put(xf, d);
	cache__destroy(c);
}

/* At most max_loads loads at once: the next miss waits for a slot. */
Test(cache, loads_per_worker_are_bounded, .init = setup, .fini = teardown)
{
	struct cache *c = new_cache_cfg((struct cache_config){
		.budget_bytes = 32 * FRAME_SIZE, .chunk_bytes = 4 * FRAME_SIZE, .max_loads = 1});
	struct waiter a = {0}, b = {0}, gone = {0};
	struct cache_obj *fa, *fb;
	struct blob *blob;

	cr_assert_eq(open_file(c, "four.bin", NOW, &fa), 0);
	cr_assert_eq(open_file(c, "four2.bin", NOW, &fb), 0);
	cache_waiter_init(&a.w, on_done);
	cache_waiter_init(&b.w, on_done);
	cache_waiter_init(&gone.w, on_done);
	cr_assert_eq(cache_chunk_get(c, fa, 0, NOW, &a.w, &blob), -EINPROGRESS);
	cr_assert_eq(cache_chunk_get(c, fb, 0, NOW, &b.w, &blob), -EINPROGRESS);
	cr_assert_eq(cache_chunk_get(c, fb, 0, NOW, &gone.w, &blob), -EINPROGRESS);
	cache_waiter_cancel(&gone.w); /* a client went away while waiting for a slot */
	cr_assert_eq(stats(c).loading, 1);
	cr_assert_eq(stats(c).waiting, 1);
	wait_for(c, &a);
	cr_assert_eq(b.calls, 1, "woken for the slot the first load gave back");
	cr_assert_eq(gone.calls, 0);
	cr_assert_eq(chunk(c, fb, 0, &blob), 0);
	assert_content(blob, 4 * FRAME_SIZE - 1, 4);
	put(fb, blob);
	cache_obj_put(fa);
	cache__destroy(c);
}

Test(cache, stale_objects_are_replaced, .init = setup, .fini = teardown)
{
	struct cache *c = new_cache(16, 0);
	struct cache_obj *old, *o;
	struct blob *ob, *b;
	struct cache_stats st;
	struct timespec ts[2];
	uint8_t *p;
	char path[256];

	cr_assert_eq(get(c, "small.txt", NOW, &old, &ob), 0);
	/* Same size, other bytes, another mtime. */
	p = pattern(100, 42);
	write_file("small.txt", p, 100);
	free(p);
	snprintf(path, sizeof(path), "%s/small.txt", root);
	ts[0].tv_sec = ts[1].tv_sec = 1000000;
	ts[0].tv_nsec = ts[1].tv_nsec = 5;
	cr_assert_eq(utimensat(AT_FDCWD, path, ts, 0), 0);

	cr_assert_eq(open_file(c, "small.txt", NOW + SEC / 2, &o), 0,
		     "not checked again within revalidate_ns");
	cr_assert_eq(o, old);
	cache_obj_put(o);
	revalidate(c, "small.txt", NOW + 2 * SEC);
	cr_assert_eq(get(c, "small.txt", NOW + 2 * SEC, &o, &b), 0);
	cr_assert_neq(o, old, "a changed file is opened again");
	cr_assert_neq(b, ob, "and its content loaded again");
	assert_content(b, 100, 42);
	cr_assert_eq(cache_obj_mtime_ns(o), 1000000 * SEC + 5);
	assert_content(ob, 100, 1); /* the old content lives while referenced */
	st = stats(c);
	cr_assert_eq(st.stale, 1);
	cr_assert_eq(st.files, 2);
	cr_assert_eq(st.frames_used, 2);
	put(old, ob);
	put(o, b);

	/* A size change alone is noticed too. */
	make_file("small.txt", 120, 43);
	cr_assert_eq(utimensat(AT_FDCWD, path, ts, 0), 0);
	revalidate(c, "small.txt", NOW + 4 * SEC);
	cr_assert_eq(get(c, "small.txt", NOW + 4 * SEC, &o, &b), 0);
	assert_content(b, 120, 43);
	put(o, b);

	/* A file that went away is gone from the cache. */
	cr_assert_eq(unlink(path), 0);
	revalidate(c, "small.txt", NOW + 6 * SEC);
	cr_assert_eq(open_file(c, "small.txt", NOW + 6 * SEC, &o), -ENOENT);
	st = stats(c);
	cr_assert_eq(st.stale, 3);
	cr_assert_eq(st.files, 0);
	cache__destroy(c);
}

Test(cache, unlinked_chunk_waits_for_its_descriptors, .init = setup, .fini = teardown)
{
	struct cache *c = new_cache(32, 4);
	struct cache_obj *f;
	struct cache_stats st;
	struct blob *b;
	uint64_t fr;

	cr_assert_eq(get(c, "four.bin", NOW, &f, &b), 0);
	fr = b->frames[1];
	cr_assert_eq(frame_pool_inflight_get(pool, fr), 0);
	put(f, b);
	cr_assert_eq(cache_flush(c), 2);
	st = stats(c);
	cr_assert_eq(st.zombies, 1, "unlinked, unreferenced, but in flight");
	cr_assert_eq(st.frames_used, 4);
	cr_assert_eq(frame_pool_owner(pool, fr), FRAME_CACHE);
	cr_assert_eq(frame_pool_inflight_put(pool, fr), 0); /* the completion */
	cache_poll(c, NOW);
	st = stats(c);
	cr_assert_eq(st.zombies, 0);
	cr_assert_eq(st.frames_used, 0);
	cr_assert_eq(frame_pool_owner(pool, fr), FRAME_FREE);
	cache__destroy(c);
}

Test(cache, flush_drops_everything_unreferenced, .init = setup, .fini = teardown)
{
	struct cache *c = new_cache(32, 4);
	struct cache_obj *a, *s, *again;
	struct blob *ab, *sb, *b;
	struct cache_stats st;

	cr_assert_eq(get(c, "four.bin", NOW, &a, &ab), 0);
	cr_assert_eq(get(c, "small.txt", NOW, &s, &sb), 0);
	put(s, sb);
	cr_assert_eq(cache_flush(c), 4);
	st = stats(c);
	cr_assert_eq(st.objects, 0);
	cr_assert_eq(st.frames_used, 4, "the referenced chunk lives on");
	assert_content(ab, 4 * FRAME_SIZE, 3);
	cr_assert_eq(get(c, "four.bin", NOW, &again, &b), 0);
	cr_assert_neq(b, ab, "loaded afresh after a flush");
	put(a, ab);
	put(again, b);
	st = stats(c);
	cr_assert_eq(st.frames_used, 4);
	cr_assert_eq(st.loads, 3);
	cache__destroy(c);
}

Test(cache, open_files_are_bounded, .init = setup, .fini = teardown)
{
	struct cache *c = new_cache_cfg(
		(struct cache_config){.budget_bytes = 16 * FRAME_SIZE, .max_files = 2});
	struct waiter x = {0};
	struct cache_obj *a, *b, *d;

	cr_assert_eq(open_file(c, "small.txt", NOW, &a), 0);
	cr_assert_eq(open_file(c, "multi.bin", NOW, &b), 0);
	cache_waiter_init(&x.w, on_done);
	cr_assert_eq(cache_lookup(c, "four.bin", NOW, &x.w, &d), -EINPROGRESS,
		     "both open files in use: wait");
	cache_obj_put(a);
	cache_poll(c, NOW);
	cr_assert_eq(x.calls, 1);
	cr_assert_eq(open_file(c, "four.bin", NOW, &d), 0, "the idle one made room");
	cr_assert_eq(stats(c).files, 2);
	cr_assert_eq(stats(c).evictions, 1);
	cache_obj_put(b);
	cache_obj_put(d);
	cache__destroy(c);
}

Test(cache, destroy_with_a_load_under_way, .init = setup, .fini = teardown)
{
	struct cache *c = new_cache(32, 4);
	struct cache_obj *f;
	struct blob *b;

	cr_assert_eq(open_file(c, "four.bin", NOW, &f), 0);
	cr_assert_eq(cache_chunk_get(c, f, 0, NOW, NULL, &b), -EINPROGRESS);
	cache_obj_put(f);
	cache__destroy(c);
	cr_assert_eq(frame_pool_available(pool, FRAME_CLASS_CACHE), NFRAMES);
}

/* Disk calls of every kind the reader made so far. */
static uint64_t disk_calls(void)
{
	struct io_reader_stats st;

	io_reader_stats(io, &st);
	return st.opens + st.statx + st.reads;
}

Test(cache, missing_paths_cost_one_disk_call_per_lifetime, .init = setup, .fini = teardown)
{
	struct cache *c = new_cache(8, 0);
	struct cache_obj *o;
	struct blob *b;
	uint64_t before;

	cr_assert_eq(open_file(c, "later.txt", NOW, &o), -ENOENT);
	before = disk_calls();
	for (int i = 0; i < 1000; i++)
		cr_assert_eq(cache_lookup(c, "later.txt", NOW + i, NULL, &o), -ENOENT,
			     "known missing: answered at once");
	cr_assert_eq(disk_calls(), before, "a remembered 404 went to the disk");
	cr_assert_eq(stats(c).neg_hits, 1000);

	/* The file appears: served once the entry's lifetime is over. */
	make_file("later.txt", 10, 7);
	cr_assert_eq(cache_lookup(c, "later.txt", NOW + SEC / 2, NULL, &o), -ENOENT);
	cr_assert_eq(get(c, "later.txt", NOW + 2 * SEC, &o, &b), 0);
	assert_content(b, 10, 7);
	put(o, b);

	/* A flush forgets what was missing too. */
	cr_assert_eq(open_file(c, "gone.txt", NOW + 2 * SEC, &o), -ENOENT);
	make_file("gone.txt", 5, 8);
	cache_flush(c);
	cr_assert_eq(open_file(c, "gone.txt", NOW + 2 * SEC, &o), 0);
	cache_obj_put(o);
	cache__destroy(c);
}

Test(cache, errors_other_than_missing_are_not_remembered, .init = setup, .fini = teardown)
{
	struct cache *c = new_cache(8, 0);
	struct cache_obj *o;
	uint64_t before;

	cr_assert_eq(open_file(c, "sub", NOW, &o), -EISDIR);
	before = disk_calls();
	cr_assert_eq(open_file(c, "sub", NOW, &o), -EISDIR);
	cr_assert_gt(disk_calls(), before);
	cache__destroy(c);
}

Test(cache, a_hit_never_waits_for_its_revalidation, .init = setup, .fini = teardown)
{
	struct cache *c = new_cache(8, 0);
	struct cache_obj *o, *again;
	struct cache_stats st;

	cr_assert_eq(open_file(c, "small.txt", NOW, &o), 0);
	/* Due for a look: answered from the cache, the look runs behind it. */
	cr_assert_eq(cache_lookup(c, "small.txt", NOW + 2 * SEC, NULL, &again), 0);
	cr_assert_eq(again, o);
	cr_assert_gt(io_reader_pending(io), 0, "no look at the file was started");
	cache_obj_put(again);
	/* One look at a time. */
	cr_assert_eq(cache_lookup(c, "small.txt", NOW + 3 * SEC, NULL, &again), 0);
	cache_obj_put(again);
	cr_assert_eq(io_reader_drain(io, 5000), 0);
	cache_poll(c, NOW + 3 * SEC);
	st = stats(c);
	cr_assert_eq(st.stale, 0, "an unchanged file stays");
	cr_assert_eq(st.objects, 1);
	cache_obj_put(o);
	cache__destroy(c);
}

/* A look that fails on our side (no fd left) says nothing about the file: it stays. */
Test(cache, a_failed_look_keeps_the_object, .init = setup, .fini = teardown)
{
	struct cache *c = new_cache(8, 0);
	struct cache_obj *o, *again;
	struct io_reader_stats ist;
	struct rlimit old, low;
	struct cache_stats st;
	int fds[256], n = 0;

	cr_assert_eq(open_file(c, "small.txt", NOW, &o), 0);
	cr_assert_eq(io_reader_drain(io, 5000), 0); /* no close still under way */
	/* Every fd the limit allows in use: the look's openat2 gets EMFILE. */
	cr_assert_eq(getrlimit(RLIMIT_NOFILE, &old), 0);
	low = (struct rlimit){.rlim_cur = 200, .rlim_max = old.rlim_max};
	cr_assert_eq(setrlimit(RLIMIT_NOFILE, &low), 0);
	while (n < 256 && (fds[n] = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0)
		n++;
	cr_assert_eq(errno, EMFILE);
	cr_assert_eq(cache_lookup(c, "small.txt", NOW + 2 * SEC, NULL, &again), 0);
	cache_obj_put(again);
	cr_assert_eq(io_reader_drain(io, 5000), 0);
	cache_poll(c, NOW + 2 * SEC);
	while (n)
		close(fds[--n]);
	cr_assert_eq(setrlimit(RLIMIT_NOFILE, &old), 0);
	io_reader_stats(io, &ist);
	cr_assert_gt(ist.errors, 0, "the look did not fail");
	st = stats(c);
	cr_assert_eq(st.stale, 0, "an unchanged file was dropped because we could not look");
	cr_assert_eq(st.objects, 1);
	cr_assert_eq(cache_lookup(c, "small.txt", NOW + 2 * SEC, NULL, &again), 0, "still cached");
	cache_obj_put(again);
	cache_obj_put(o);
	cache__destroy(c);
}

Test(cache, two_thousand_missing_paths_fit_the_negative_cache, .init = setup, .fini = teardown)
{
	struct cache *c = new_cache(8, 0);
	struct cache_obj *o;
	struct cache_stats st;
	char path[64];

	for (int round = 0; round < 2; round++)
		for (int i = 0; i < 2000; i++) {
			snprintf(path, sizeof(path), "missing/%d.html", i);
			cr_assert_eq(open_file(c, path, NOW, &o), -ENOENT);
		}
	st = stats(c);
	cr_assert_geq(st.neg_hits, 1950, "inserts %llu replaced %llu hits %llu",
		      (unsigned long long)st.neg_inserts, (unsigned long long)st.neg_replaced,
		      (unsigned long long)st.neg_hits);
	cache__destroy(c);
}

/* open_file() in root `r` of those cache_set_roots() gave. */
static int open_file_in(struct cache *c, uint32_t r, const char *path, struct cache_obj **f)
{
	struct waiter x = {0};
	int ret;

	cache_waiter_init(&x.w, on_done);
	ret = cache_lookup_in(c, r, path, NOW, &x.w, f);
	if (ret != -EINPROGRESS)
		return ret;
	wait_for(c, &x);
	if (x.err)
		return x.err;
	return cache_lookup_in(c, r, path, NOW, NULL, f);
}

Test(cache, roots_are_part_of_the_key_and_new_roots_drop_old_files, .init = setup, .fini = teardown)
{
	struct cache *c = new_cache(16, 0);
	struct cache_obj *f, *g;
	char sub[300];
	int sub_fd, fds[2];

	snprintf(sub, sizeof(sub), "%s/sub", root);
	sub_fd = open(sub, O_PATH | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(sub_fd, 0);
	fds[0] = root_fd;
	fds[1] = sub_fd;
	cr_assert_eq(cache_set_roots(c, fds, 2), 0);
	cr_assert_eq(open_file_in(c, 1, "inner.txt", &f), 0, "root 1 is sub/");
	cr_assert_eq(cache_obj_size(f), 10);
	cr_assert_eq(open_file_in(c, 0, "inner.txt", &g), -ENOENT, "not in root 0");
	cr_assert_eq(open_file_in(c, 2, "inner.txt", &g), -ENOENT, "no root 2");
	cr_assert_eq(open_file(c, "small.txt", NOW, &g), 0, "cache_lookup is root 0");
	cache_obj_put(g);

	/* Swapped: nothing of the old roots is found again; a held object stays valid. */
	fds[0] = sub_fd;
	fds[1] = root_fd;
	cr_assert_eq(cache_set_roots(c, fds, 2), 0);
	cr_assert_eq(open_file_in(c, 0, "inner.txt", &g), 0);
	cr_assert_neq(g, f, "a new object, not the one of the old roots");
	cache_obj_put(g);
	cr_assert_eq(open_file_in(c, 1, "small.txt", &g), 0);
	cache_obj_put(g);
	cr_assert_eq(open_file_in(c, 1, "inner.txt", &g), -ENOENT);
	cr_assert_eq(cache_obj_size(f), 10);
	cache_obj_put(f);
	cr_assert_eq(cache_set_roots(c, fds, 0), -EINVAL);
	cr_assert_eq(cache_set_roots(c, fds, CACHE_ROOTS_MAX + 1), -EINVAL);
	close(sub_fd);
	cache__destroy(c);
	cr_assert_eq(frame_pool_available(pool, FRAME_CLASS_CACHE), NFRAMES);
}

/*
 * A reload while a miss is being opened: the open chain goes on under the
 * roots it started with (their descriptors stay open until it ends), so
 * the request waiting for it gets its file, not EBADF or a file of some
 * other directory that took the descriptor's number.
 */
Test(cache, new_roots_do_not_close_the_root_of_an_open_under_way, .init = setup, .fini = teardown)
{
	struct cache *c = new_cache(16, 0);
	struct waiter x = {0};
	struct cache_obj *f;
	char sub[300];
	int sub_fd, other;

	snprintf(sub, sizeof(sub), "%s/sub", root);
	sub_fd = open(sub, O_PATH | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(sub_fd, 0);
	cache_waiter_init(&x.w, on_done);
	cr_assert_eq(cache_lookup(c, "small.txt", NOW, &x.w, &f), -EINPROGRESS);
	cr_assert_eq(cache_set_roots(c, &sub_fd, 1), 0);
	/* Whatever takes a freed number next must not become the chain's directory. */
	other = open(sub, O_PATH | O_DIRECTORY | O_CLOEXEC);
	wait_for(c, &x);
	cr_assert_eq(x.err, 0, "the open under the old root failed: %s", strerror(-x.err));
	cr_assert_eq(cache_lookup(c, "inner.txt", NOW, NULL, &f), -EINPROGRESS,
		     "the new root serves");
	cr_assert_eq(io_reader_drain(io, 5000), 0);
	cache_poll(c, NOW);
	close(other);
	close(sub_fd);
	cache__destroy(c);
}
