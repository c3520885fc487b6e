/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tcp_timer.h — the stack's timers, without any per-tick scan of the
 * connection table:
 *
 *  - fixed-duration timers (delayed ACK, idle, FIN_WAIT_2/LAST_ACK,
 *    TIME_WAIT) sit in FIFO lists, one per duration: a timer is (re)armed by
 *    appending it, so each list stays sorted by expiry (as mTCP does);
 *  - the retransmission/persist timer, whose duration varies per
 *    connection, sits in a binary min-heap. Pushing it later (every ACK
 *    restarts it) only updates the connection's field; the heap catches up
 *    lazily when the old, earlier key comes due.
 *
 * The expiry handlers live in tcp_timer.c (tcp_timer_run); tcp_stack__poll()
 * calls it and returns tcp_timer_next().
 */
#ifndef XDPSERVE_TCP_TIMER_H
#define XDPSERVE_TCP_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#include "common/list.h"

#define TCP_TIMER_NONE UINT64_MAX

/* A fixed-duration timer; linked into one tcp_timer_fifo while armed. */
struct tcp_ftimer {
	struct list_node node;
	uint64_t expires;
};

struct tcp_timer_fifo {
	struct list_node head;
	uint64_t duration_ns;
};

static inline void tcp_ftimer_init(struct tcp_ftimer *t)
{
	list_init(&t->node);
	t->expires = TCP_TIMER_NONE;
}

static inline bool tcp_ftimer_armed(const struct tcp_ftimer *t)
{
	return list_linked(&t->node);
}

static inline void tcp_timer_fifo_init(struct tcp_timer_fifo *f, uint64_t duration_ns)
{
	list_init(&f->head);
	f->duration_ns = duration_ns;
}

/* (Re)arm t to fire duration_ns after now. */
static inline void tcp_timer_fifo_arm(struct tcp_timer_fifo *f, struct tcp_ftimer *t, uint64_t now)
{
	list_del(&t->node);
	t->expires = now + f->duration_ns;
	list_add_tail(&f->head, &t->node);
}

static inline void tcp_ftimer_cancel(struct tcp_ftimer *t)
{
	list_del(&t->node);
	t->expires = TCP_TIMER_NONE;
}

/* Unlink and return the first timer due at now, or NULL. */
static inline struct tcp_ftimer *tcp_timer_fifo_expired(struct tcp_timer_fifo *f, uint64_t now)
{
	struct tcp_ftimer *t = list_first(&f->head, struct tcp_ftimer, node);

	if (!t || t->expires > now)
		return NULL;
	tcp_ftimer_cancel(t);
	return t;
}

static inline uint64_t tcp_timer_fifo_next(const struct tcp_timer_fifo *f)
{
	const struct tcp_ftimer *t = list_first(&f->head, struct tcp_ftimer, node);

	return t ? t->expires : TCP_TIMER_NONE;
}

/* A variable-duration timer in a tcp_timer_heap. */
struct tcp_htimer {
	uint64_t key;  /* position in the heap: never later than `when` */
	uint64_t when; /* the true expiry; TCP_TIMER_NONE when disarmed */
	uint32_t idx;  /* heap slot, or TCP_HEAP_NONE */
};

#define TCP_HEAP_NONE UINT32_MAX

struct tcp_timer_heap {
	struct tcp_htimer **v; /* preallocated, cap entries */
	uint32_t n, cap;
};

static inline void tcp_htimer_init(struct tcp_htimer *t)
{
	t->key = t->when = TCP_TIMER_NONE;
	t->idx = TCP_HEAP_NONE;
}

static inline bool tcp_htimer_armed(const struct tcp_htimer *t)
{
	return t->when != TCP_TIMER_NONE;
}

/* Arm (or move) t to fire at `when`. The heap has room for every timer. */
void tcp_timer_heap_arm(struct tcp_timer_heap *h, struct tcp_htimer *t, uint64_t when);
void tcp_timer_heap_cancel(struct tcp_timer_heap *h, struct tcp_htimer *t);
/* Remove and return one timer due at now, or NULL. */
struct tcp_htimer *tcp_timer_heap_expired(struct tcp_timer_heap *h, uint64_t now);
static inline uint64_t tcp_timer_heap_next(const struct tcp_timer_heap *h)
{
	return h->n ? h->v[0]->key : TCP_TIMER_NONE;
}

struct tcp_stack;
/* Run every expired timer of the stack (tcp_timer.c). */
void tcp_timer_run(struct tcp_stack *s, uint64_t now);
/* The earliest deadline of any timer, or TCP_TIMER_NONE. */
uint64_t tcp_timer_next(const struct tcp_stack *s);

#endif /* XDPSERVE_TCP_TIMER_H */
