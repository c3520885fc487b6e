// SPDX-License-Identifier: GPL-2.0-only
/*
 * xsk_busy_poll.c — preferred busy polling on a queue's AF_XDP socket
 * (the kernel's SO_PREFER_BUSY_POLL, Documentation/networking/napi.rst):
 * the worker runs its queue's NAPI itself, from recvfrom()/sendto() on the
 * socket, instead of the driver's interrupt (or NAPI thread) waking it.
 * With the interface's napi_defer_hard_irqs and gro_flush_timeout set
 * (net/napi_defer.c), interrupts stay off while the worker keeps polling,
 * so a burst costs neither an interrupt nor a context switch.
 */
#include "xsk/xsk_queue_int.h"

#include "common/log.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#ifndef SO_PREFER_BUSY_POLL
#define SO_PREFER_BUSY_POLL 69
#endif
#ifndef SO_BUSY_POLL_BUDGET
#define SO_BUSY_POLL_BUDGET 70
#endif

int xsk_queue_busy_poll_setup(struct xsk_queue *q, uint32_t usecs, uint32_t budget)
{
	int one = 1, us = (int)usecs, b = (int)budget;

	/*
	 * SO_BUSY_POLL makes every recvfrom()/sendto() on the socket run one
	 * NAPI poll; SO_PREFER_BUSY_POLL keeps the interrupt deferred after it.
	 * Values above net.core.busy_read and the default budget need
	 * CAP_NET_ADMIN, which the main thread that creates the sockets has.
	 */
	if (setsockopt(q->fd, SOL_SOCKET, SO_PREFER_BUSY_POLL, &one, sizeof(one)) ||
	    setsockopt(q->fd, SOL_SOCKET, SO_BUSY_POLL, &us, sizeof(us)) ||
	    setsockopt(q->fd, SOL_SOCKET, SO_BUSY_POLL_BUDGET, &b, sizeof(b))) {
		int err = -errno;

		pr_warn("queue %u: busy polling not available (%s): the queue is woken by its "
			"interrupt as without busy-poll",
			q->queue_id, strerror(errno));
		return err;
	}
	q->busy_poll = true;
	return 0;
}

bool xsk_queue_busy_polling(const struct xsk_queue *q)
{
	return q->busy_poll;
}

bool xsk_queue_busy_poll(struct xsk_queue *q)
{
	if (!q->busy_poll)
		return false;
	q->st.busy_polls++;
	/* One NAPI poll of the queue, in this thread (MSG_DONTWAIT: never sleeps). */
	recvfrom(q->fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
	if (!xsk_cons_nb_avail(&q->rx, 1))
		return false;
	q->st.busy_poll_hits++;
	return true;
}
