// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests for the timer structures of tcp/tcp_timer.h (heap and FIFO lists). */
#include <criterion/criterion.h>

#include <stdlib.h>

#include "tcp/tcp_timer.h"

#define N 500

static struct tcp_htimer timers[N];
static struct tcp_htimer *slots[N];
static uint64_t deadline[N];

static void arm(struct tcp_timer_heap *h, int i, uint64_t when)
{
	deadline[i] = when;
	tcp_timer_heap_arm(h, &timers[i], when);
}

Test(timer_heap, expires_in_order_with_moves_and_cancels)
{
	struct tcp_timer_heap h = {.v = slots, .cap = N};
	uint64_t last = 0;
	int fired = 0, cancelled = 0;

	srand(3);
	for (int i = 0; i < N; i++) {
		tcp_htimer_init(&timers[i]);
		arm(&h, i, 1000 + (uint64_t)(rand() % 100000));
	}
	/* Move some later (lazy) and some earlier, cancel some. */
	for (int i = 0; i < N; i += 3)
		arm(&h, i, deadline[i] + 5000);
	for (int i = 1; i < N; i += 7)
		arm(&h, i, 500 + (uint64_t)i);
	for (int i = 2; i < N; i += 11) {
		tcp_timer_heap_cancel(&h, &timers[i]);
		cancelled++;
	}
	for (uint64_t now = 0; now < 200000; now += 97) {
		struct tcp_htimer *t;

		while ((t = tcp_timer_heap_expired(&h, now))) {
			cr_assert_leq(deadline[t - timers], now);
			cr_assert_gt(deadline[t - timers], last, "fired late");
			cr_assert(!tcp_htimer_armed(t));
			fired++;
		}
		cr_assert(tcp_timer_heap_next(&h) > now || h.n == 0);
		last = now;
	}
	cr_assert_eq(fired + cancelled, N);
	cr_assert_eq(h.n, 0);
}

Test(timer_heap, lazy_move_does_not_fire_early)
{
	struct tcp_timer_heap h = {.v = slots, .cap = N};
	struct tcp_htimer *t = &timers[0];

	tcp_htimer_init(t);
	tcp_timer_heap_arm(&h, t, 100);
	tcp_timer_heap_arm(&h, t, 300);
	cr_assert_eq(tcp_timer_heap_next(&h), 100, "the key stays until it comes due");
	cr_assert_null(tcp_timer_heap_expired(&h, 150));
	cr_assert_eq(tcp_timer_heap_next(&h), 300);
	cr_assert_eq(tcp_timer_heap_expired(&h, 300), t);
}

struct ft {
	struct tcp_ftimer t;
	int id;
};

Test(timer_fifo, rearm_moves_to_the_back)
{
	struct tcp_timer_fifo f;
	struct ft a = {.id = 1}, b = {.id = 2}, c = {.id = 3};
	struct tcp_ftimer *x;

	tcp_timer_fifo_init(&f, 50);
	tcp_ftimer_init(&a.t);
	tcp_ftimer_init(&b.t);
	tcp_ftimer_init(&c.t);
	tcp_timer_fifo_arm(&f, &a.t, 0);
	tcp_timer_fifo_arm(&f, &b.t, 10);
	tcp_timer_fifo_arm(&f, &c.t, 20);
	tcp_timer_fifo_arm(&f, &a.t, 30); /* progress: a goes last */
	cr_assert_eq(tcp_timer_fifo_next(&f), 60);
	cr_assert_null(tcp_timer_fifo_expired(&f, 59));
	x = tcp_timer_fifo_expired(&f, 75);
	cr_assert_eq(container_of(x, struct ft, t)->id, 2);
	x = tcp_timer_fifo_expired(&f, 75);
	cr_assert_eq(container_of(x, struct ft, t)->id, 3);
	cr_assert_null(tcp_timer_fifo_expired(&f, 75));
	tcp_ftimer_cancel(&a.t);
	cr_assert_eq(tcp_timer_fifo_next(&f), TCP_TIMER_NONE);
}
