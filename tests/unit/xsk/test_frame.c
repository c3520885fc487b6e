// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for xsk/frame.c: class quotas, the ownership graph (legal moves
 * pass, illegal ones are caught), in-flight counts and the shutdown account.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "xsk/frame.h"

#define NFRAMES 64
#define NFILL	16
#define NTX	8
#define NCACHE	(NFRAMES - NFILL - NTX)
#define FIRST	(4 * (uint64_t)FRAME_SIZE) /* a partition that does not start at 0 */

static uint8_t area[(NFRAMES + 8) * FRAME_SIZE];

static struct frame_pool *new_pool(void)
{
	struct frame_pool *p;

	cr_assert_eq(frame_pool__create(area, FIRST, NFRAMES, NFILL, NTX, &p), 0);
	return p;
}

Test(frame, build_selects_the_violation_policy)
{
#ifdef NDEBUG
	cr_assert_eq(FRAME_VIOLATION_DEFAULT, FRAME_VIOLATION_QUARANTINE, "release builds survive");
#else
	cr_assert_eq(FRAME_VIOLATION_DEFAULT, FRAME_VIOLATION_ABORT,
		     "debug builds stop at the bug");
#endif
}

Test(frame, create_rejects_bad_layout)
{
	struct frame_pool *p = (void *)1;

	cr_assert_eq(frame_pool__create(area, 100, NFRAMES, 1, 1, &p), -EINVAL, "unaligned start");
	cr_assert_null(p);
	cr_assert_eq(frame_pool__create(area, 0, 8, 5, 4, &p), -EINVAL, "quotas exceed frames");
	cr_assert_eq(frame_pool__create(area, 0, 0, 0, 0, &p), -EINVAL, "no frames");
	cr_assert_eq(frame_pool__create(NULL, 0, 8, 0, 0, &p), -EINVAL, "no area");
}

Test(frame, quotas_bound_each_class)
{
	struct frame_pool *p = new_pool();
	static const struct {
		enum frame_class cls;
		uint32_t quota;
		enum frame_owner owner;
		uint64_t lo, hi;
	} classes[] = {
		{FRAME_CLASS_FILL, NFILL, FRAME_FILL, 0, NFILL},
		{FRAME_CLASS_TX, NTX, FRAME_TX, NFILL, NFILL + NTX},
		{FRAME_CLASS_CACHE, NCACHE, FRAME_CACHE, NFILL + NTX, NFRAMES},
	};

	for (size_t c = 0; c < sizeof(classes) / sizeof(classes[0]); c++) {
		cr_assert_eq(frame_pool_quota(p, classes[c].cls), classes[c].quota);
		for (uint32_t i = 0; i < classes[c].quota; i++) {
			uint64_t a = frame_pool_alloc(p, classes[c].cls);

			cr_assert_neq(a, FRAME_ADDR_NONE);
			cr_assert_eq(a % FRAME_SIZE, 0);
			cr_assert_geq(a, FIRST + classes[c].lo * FRAME_SIZE);
			cr_assert_lt(a, FIRST + classes[c].hi * FRAME_SIZE);
			cr_assert_eq(frame_pool_owner(p, a), classes[c].owner);
			cr_assert_eq(frame_pool_class(p, a + 17), classes[c].cls);
		}
		cr_assert_eq(frame_pool_available(p, classes[c].cls), 0);
		cr_assert_eq(frame_pool_alloc(p, classes[c].cls), FRAME_ADDR_NONE,
			     "class %zu gives no more than its quota", c);
	}
	frame_pool__destroy(p);
}

Test(frame, cache_cannot_take_fill_or_tx_frames)
{
	struct frame_pool *p = new_pool();
	uint32_t got = 0;

	while (frame_pool_alloc(p, FRAME_CLASS_CACHE) != FRAME_ADDR_NONE)
		got++;
	cr_assert_eq(got, NCACHE);
	cr_assert_eq(frame_pool_available(p, FRAME_CLASS_FILL), NFILL);
	cr_assert_eq(frame_pool_available(p, FRAME_CLASS_TX), NTX);
	frame_pool__destroy(p);
}

Test(frame, legal_cycles_and_reuse)
{
	struct frame_pool *p = new_pool();
	uint64_t f = frame_pool_alloc(p, FRAME_CLASS_FILL);
	uint64_t t = frame_pool_alloc(p, FRAME_CLASS_TX);
	uint64_t c = frame_pool_alloc(p, FRAME_CLASS_CACHE);

	cr_assert_eq(frame_pool_move(p, f + 256, FRAME_FILL, FRAME_RX), 0,
		     "any address in the frame");
	cr_assert_eq(frame_pool_move(p, f, FRAME_RX, FRAME_FILL), 0);
	cr_assert_eq(frame_pool_move(p, f, FRAME_FILL, FRAME_RX), 0);
	cr_assert_eq(frame_pool_free(p, f, FRAME_RX), 0);
	cr_assert_eq(frame_pool_owner(p, f), FRAME_FREE);
	cr_assert_eq(frame_pool_free(p, t, FRAME_TX), 0);
	cr_assert_eq(frame_pool_free(p, c, FRAME_CACHE), 0);
	/* LIFO: the frame freed last comes back first. */
	cr_assert_eq(frame_pool_alloc(p, FRAME_CLASS_TX), t);
	cr_assert_eq(frame_pool_alloc(p, FRAME_CLASS_FILL), f);
	frame_pool__destroy(p);
}

Test(frame, inflight_counts_block_free)
{
	struct frame_pool *p = new_pool();
	uint64_t c = frame_pool_alloc(p, FRAME_CLASS_CACHE);

	cr_assert_eq(frame_pool_inflight_get(p, c + 100), 0);
	cr_assert_eq(frame_pool_inflight_get(p, c + 3000), 0);
	cr_assert_eq(frame_pool_inflight(p, c), 2);
	cr_assert_eq(frame_pool_inflight_put(p, c), 0);
	cr_assert_eq(frame_pool_inflight(p, c), 1);
	cr_assert_eq(frame_pool_inflight_put(p, c), 0);
	cr_assert_eq(frame_pool_inflight(p, c), 0);
	cr_assert_eq(frame_pool_free(p, c, FRAME_CACHE), 0);
	frame_pool__destroy(p);
}

enum illegal_op { OP_MOVE, OP_GET, OP_PUT };

/* Parameters are copied into the test's process: no pointers in them. */
struct illegal_case {
	char name[40];
	enum frame_class cls;
	enum frame_owner setup; /* reached by legal moves first */
	uint32_t inflight;	/* descriptors in flight, CACHE only */
	enum illegal_op op;
	enum frame_owner from, to;
	bool outside; /* use an address outside the pool */
};

ParameterizedTestParameters(frame, illegal_moves_are_caught)
{
	static struct illegal_case cases[] = {
		{.name = "fill frame to tx",
		 .cls = FRAME_CLASS_FILL,
		 .setup = FRAME_FILL,
		 .op = OP_MOVE,
		 .from = FRAME_FILL,
		 .to = FRAME_TX},
		{.name = "wrong believed owner",
		 .cls = FRAME_CLASS_FILL,
		 .setup = FRAME_RX,
		 .op = OP_MOVE,
		 .from = FRAME_FILL,
		 .to = FRAME_RX},
		{.name = "rx to rx",
		 .cls = FRAME_CLASS_FILL,
		 .setup = FRAME_RX,
		 .op = OP_MOVE,
		 .from = FRAME_RX,
		 .to = FRAME_RX},
		{.name = "tx header to rx",
		 .cls = FRAME_CLASS_TX,
		 .setup = FRAME_TX,
		 .op = OP_MOVE,
		 .from = FRAME_TX,
		 .to = FRAME_RX},
		{.name = "double free",
		 .cls = FRAME_CLASS_TX,
		 .setup = FRAME_FREE,
		 .op = OP_MOVE,
		 .from = FRAME_TX,
		 .to = FRAME_FREE},
		{.name = "bypass the free list",
		 .cls = FRAME_CLASS_FILL,
		 .setup = FRAME_FREE,
		 .op = OP_MOVE,
		 .from = FRAME_FREE,
		 .to = FRAME_FILL},
		{.name = "free cache frame in flight",
		 .cls = FRAME_CLASS_CACHE,
		 .setup = FRAME_CACHE,
		 .inflight = 1,
		 .op = OP_MOVE,
		 .from = FRAME_CACHE,
		 .to = FRAME_FREE},
		{.name = "cache frame to tx",
		 .cls = FRAME_CLASS_CACHE,
		 .setup = FRAME_CACHE,
		 .op = OP_MOVE,
		 .from = FRAME_CACHE,
		 .to = FRAME_TX},
		{.name = "cache frame to fill",
		 .cls = FRAME_CLASS_CACHE,
		 .setup = FRAME_CACHE,
		 .op = OP_MOVE,
		 .from = FRAME_CACHE,
		 .to = FRAME_FILL},
		{.name = "outside the pool",
		 .cls = FRAME_CLASS_TX,
		 .setup = FRAME_TX,
		 .op = OP_MOVE,
		 .from = FRAME_TX,
		 .to = FRAME_FREE,
		 .outside = true},
		{.name = "header frame sent by reference",
		 .cls = FRAME_CLASS_TX,
		 .setup = FRAME_TX,
		 .op = OP_GET},
		{.name = "free frame sent by reference",
		 .cls = FRAME_CLASS_CACHE,
		 .setup = FRAME_FREE,
		 .op = OP_GET},
		{.name = "completion below zero",
		 .cls = FRAME_CLASS_CACHE,
		 .setup = FRAME_CACHE,
		 .op = OP_PUT},
	};

	return cr_make_param_array(struct illegal_case, cases, sizeof(cases) / sizeof(cases[0]));
}

/* Reach the case's setup by legal moves, then make its illegal one. */
static int illegal_case_run(struct frame_pool *p, const struct illegal_case *tc, uint64_t *addr)
{
	uint64_t a = frame_pool_alloc(p, tc->cls);

	cr_assert_neq(a, FRAME_ADDR_NONE);
	if (tc->setup == FRAME_RX)
		cr_assert_eq(frame_pool_move(p, a, FRAME_FILL, FRAME_RX), 0);
	else if (tc->setup == FRAME_FREE)
		cr_assert_eq(frame_pool_free(p, a, frame_pool_owner(p, a)), 0);
	for (uint32_t i = 0; i < tc->inflight; i++)
		cr_assert_eq(frame_pool_inflight_get(p, a), 0);
	if (tc->outside)
		a = FIRST - FRAME_SIZE;
	*addr = a;

	switch (tc->op) {
	case OP_MOVE:
		return frame_pool_move(p, a, tc->from, tc->to);
	case OP_GET:
		return frame_pool_inflight_get(p, a);
	default:
		return frame_pool_inflight_put(p, a);
	}
}

/* Debug and sanitizer builds: the first illegal move stops the program. */
ParameterizedTest(struct illegal_case *tc, frame, illegal_moves_are_caught, .signal = SIGABRT)
{
	struct frame_pool *p = new_pool();
	uint64_t a;

	frame_pool__set_violation_policy(p, FRAME_VIOLATION_ABORT);
	illegal_case_run(p, tc, &a);
	cr_assert_fail("%s: the illegal move returned", tc->name);
}

ParameterizedTestParameters(frame, illegal_moves_are_quarantined)
{
	return frame_illegal_moves_are_caught_param();
}

/*
 * Release builds: the move is refused and counted, the frame is out of
 * circulation for good, and the pool goes on serving with the others.
 */
ParameterizedTest(struct illegal_case *tc, frame, illegal_moves_are_quarantined)
{
	struct frame_pool *p = new_pool();
	struct frame_account acct;
	uint32_t quota = frame_pool_quota(p, tc->cls);
	uint64_t a, got;
	char line[256];

	frame_pool__set_violation_policy(p, FRAME_VIOLATION_QUARANTINE);
	cr_assert_eq(illegal_case_run(p, tc, &a), -EINVAL, "%s", tc->name);
	cr_assert(frame_pool_account(p, &acct) == false);
	cr_assert_eq(acct.illegal_moves, 1, "%s", tc->name);
	cr_assert(acct.consistent, "%s: free lists still agree with the owners", tc->name);
	frame_account_format(&acct, line, sizeof(line));
	cr_assert_not_null(strstr(line, "1 illegal moves refused"), "%s", line);
	if (tc->outside) {
		cr_assert_eq(acct.owner[FRAME_QUARANTINE], 0);
		frame_pool__destroy(p);
		return;
	}
	cr_assert_eq(frame_pool_owner(p, a), FRAME_QUARANTINE, "%s", tc->name);
	cr_assert_eq(acct.owner[FRAME_QUARANTINE], 1, "%s", tc->name);
	cr_assert_eq(frame_pool_available(p, tc->cls), quota - 1, "%s: one frame fewer", tc->name);

	/* Never handed out again: the rest of the class is, and then nothing. */
	for (uint32_t i = 0; i + 1 < quota; i++) {
		got = frame_pool_alloc(p, tc->cls);
		cr_assert_neq(got, FRAME_ADDR_NONE, "%s", tc->name);
		cr_assert_neq(frame_base(got), frame_base(a), "%s: quarantined frame reused",
			      tc->name);
	}
	cr_assert_eq(frame_pool_alloc(p, tc->cls), FRAME_ADDR_NONE, "%s", tc->name);

	/* Later moves of it are refused too; in-flight completions still count down. */
	cr_assert_eq(frame_pool_free(p, a, FRAME_QUARANTINE), -EINVAL, "%s", tc->name);
	for (uint32_t i = 0; i < tc->inflight; i++)
		cr_assert_eq(frame_pool_inflight_put(p, a), 0, "%s", tc->name);
	cr_assert_eq(frame_pool_inflight(p, a), 0);
	frame_pool__destroy(p);
}

Test(frame, account_counts_owners_and_says_when_clean)
{
	struct frame_pool *p = new_pool();
	struct frame_account a;
	uint64_t fill[4], tx, cache[3];
	char line[256];

	for (int i = 0; i < 4; i++)
		fill[i] = frame_pool_alloc(p, FRAME_CLASS_FILL);
	tx = frame_pool_alloc(p, FRAME_CLASS_TX);
	for (int i = 0; i < 3; i++)
		cache[i] = frame_pool_alloc(p, FRAME_CLASS_CACHE);
	frame_pool_move(p, fill[0], FRAME_FILL, FRAME_RX);
	frame_pool_inflight_get(p, cache[1]);
	frame_pool_inflight_get(p, cache[1]);

	cr_assert_not(frame_pool_account(p, &a));
	cr_assert_eq(a.frames, NFRAMES);
	cr_assert_eq(a.owner[FRAME_FILL], 3);
	cr_assert_eq(a.owner[FRAME_RX], 1);
	cr_assert_eq(a.owner[FRAME_TX], 1);
	cr_assert_eq(a.owner[FRAME_CACHE], 3);
	cr_assert_eq(a.owner[FRAME_FREE], NFRAMES - 8);
	cr_assert_eq(a.inflight_frames, 1);
	cr_assert_eq(a.inflight_refs, 2);
	cr_assert(a.consistent);
	cr_assert_eq(a.quota[FRAME_CLASS_CACHE], NCACHE);
	frame_account_format(&a, line, sizeof(line));
	cr_assert_not_null(strstr(line, "rx 1, tx 1"), "%s", line);
	cr_assert_null(strstr(line, "every frame is back"), "%s", line);

	/* Drain: RX back to the fill ring, header completed, references completed. */
	frame_pool_move(p, fill[0], FRAME_RX, FRAME_FILL);
	frame_pool_free(p, tx, FRAME_TX);
	frame_pool_inflight_put(p, cache[1]);
	cr_assert_not(frame_pool_account(p, &a), "one reference still in flight");
	frame_pool_inflight_put(p, cache[1]);
	cr_assert(frame_pool_account(p, &a));
	cr_assert_eq(a.owner[FRAME_FILL], 4, "FILL frames are with their owner, the kernel");
	cr_assert_eq(a.owner[FRAME_CACHE], 3, "CACHE frames are with their owner, the cache");
	frame_account_format(&a, line, sizeof(line));
	cr_assert_not_null(strstr(line, "every frame is back with its owner"), "%s", line);
	frame_pool__destroy(p);
}

Test(frame, contains_and_owner_outside)
{
	struct frame_pool *p = new_pool();

	cr_assert_not(frame_pool_contains(p, FIRST - 1));
	cr_assert(frame_pool_contains(p, FIRST));
	cr_assert(frame_pool_contains(p, FIRST + NFRAMES * (uint64_t)FRAME_SIZE - 1));
	cr_assert_not(frame_pool_contains(p, FIRST + NFRAMES * (uint64_t)FRAME_SIZE));
	cr_assert_eq(frame_pool_owner(p, 0), FRAME__OWNER_MAX);
	cr_assert_eq(frame_pool_inflight(p, 0), 0);
	cr_assert_eq(frame_pool_data(p, FIRST + 5), area + FIRST + 5);
	frame_pool__destroy(p);
}
