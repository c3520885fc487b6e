/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * worker.h — one worker per RX queue: a thread pinned to a CPU that owns
 * the queue's AF_XDP socket, UMEM partition, io_uring, content cache, TCP
 * stack and HTTP server, and shares nothing mutable with other workers.
 *
 * The daemon (daemon.c) creates the workers, starts them, and talks to a
 * running worker only through worker_request() (an atomic command word
 * plus an eventfd that wakes its poll()) and worker_reconfigure() (an
 * atomic pointer to the next configuration).
 */
#ifndef XDPSERVE_WORKER_H
#define XDPSERVE_WORKER_H

#include <stdbool.h>
#include <stdint.h>

#include "daemon/conf.h"

struct worker;
struct umem;

/*
 * What a worker runs with: a configuration and its open document roots.
 * Immutable once given to a worker; the daemon frees it when no worker
 * uses it any more (worker_conf_in_use).
 */
struct worker_conf {
	const struct xdpserve_config *cfg;
	int root_fds[1 + CONFIG_MAX_ROOTS]; /* [0]: cfg->root; [1 + i]: cfg->roots[i] */
	uint32_t nroot_fds;		    /* 1 + cfg->nroots */
	bool roots_changed;		    /* since the one before: the cache drops its files */
};

enum worker_cmd {
	WORKER_CMD_DRAIN = 1u << 0, /* stop accepting; report drained when no connection is left */
	WORKER_CMD_STOP = 1u << 1,  /* leave the loop */
	WORKER_CMD_DUMP = 1u << 2,  /* log the counters */
};

/*
 * Set up worker `index` for RX queue `index` of cfg->ifname on UMEM
 * partition `index`, with wc (borrowed until the worker moves on to
 * another). The TCP stack takes the MSS from the queue's link MTU.
 * `etag_key` (16 bytes, copied) is the daemon's ETag key, the same for
 * every worker. 0 or -errno (logged).
 */
int worker__create(const struct worker_conf *wc, struct umem *umem, uint32_t index,
		   const uint8_t *etag_key, struct worker **out);
/*
 * Tear down a stopped (or never started) worker: drain TX completions,
 * close connections, free the cache, and check that every UMEM frame of
 * its partition is back with its owner. Returns 0, or -EUCLEAN (logged)
 * when frames are unaccounted for.
 */
int worker__destroy(struct worker *w);

/* The AF_XDP socket, for the steering program's XSKMAP. */
int worker_xsk_fd(const struct worker *w);
uint32_t worker_queue_id(const struct worker *w);

/* Start the thread, pinned to `cpu` (-1: not pinned). 0 or -errno. */
int worker_start(struct worker *w, int cpu);
/* Ask a running worker to do `cmd` (enum worker_cmd bits); returns at once. */
void worker_request(struct worker *w, uint32_t cmd);
/* Wait for the thread to end after WORKER_CMD_STOP. */
void worker_join(struct worker *w);

/*
 * Run with wc from the top of the next loop iteration on: roots, index
 * names, file options and client limits (the keys conf_table.c marks
 * reload-able). Returns at once.
 */
void worker_reconfigure(struct worker *w, const struct worker_conf *wc);
/* Has the worker moved on to wc (so the one before is no longer used by it)? */
bool worker_conf_in_use(const struct worker *w, const struct worker_conf *wc);

/* After WORKER_CMD_DRAIN: true once the worker holds no connection. */
bool worker_drained(const struct worker *w);
/* Loop iterations so far: the daemon's liveness check for the watchdog. */
uint64_t worker_heartbeat(const struct worker *w);

#endif /* XDPSERVE_WORKER_H */
