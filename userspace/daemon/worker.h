/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * worker.h — one worker per RX queue: a thread pinned to a CPU that owns
 * the queue's AF_XDP socket, UMEM partition, io_uring, content cache, TCP
 * stack and HTTP server, and shares nothing mutable with other workers.
 *
 * The daemon (daemon.c) creates the workers, starts them, and talks to a
 * running worker only through worker_request() (an atomic command word
 * plus an eventfd that wakes its poll()).
 */
#ifndef XDPSERVE_WORKER_H
#define XDPSERVE_WORKER_H

#include <stdbool.h>
#include <stdint.h>

struct worker;
struct umem;
struct xdpserve_config;

enum worker_cmd {
	WORKER_CMD_DRAIN = 1u << 0, /* stop accepting; report drained when no connection is left */
	WORKER_CMD_STOP = 1u << 1,  /* leave the loop */
	WORKER_CMD_DUMP = 1u << 2,  /* log the counters */
};

/*
 * Set up worker `index` for RX queue `index` of cfg->ifname on UMEM
 * partition `index`, with the document root open at `root_fd`. The TCP
 * stack takes the MSS from the queue's link MTU. `etag_key` (16 bytes,
 * copied) is the daemon's ETag key, the same for every worker. 0 or
 * -errno (logged).
 */
struct access_log_ring;
/* `access`: this worker's access log ring, NULL when the log is off. */
int worker__create(const struct xdpserve_config *cfg, struct umem *umem, uint32_t index,
		   int root_fd, const uint8_t *etag_key, struct access_log_ring *access,
		   struct worker **out);
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

struct privilege_user;
/*
 * Start the thread (pinned to `cpu` when >= 0). The thread names itself
 * xdpserve-qN, takes the file-system identity of `user` and drops every
 * capability before it serves; this returns once it did (or failed, -errno).
 * `user` must outlive the thread.
 */
int worker_start(struct worker *w, int cpu, const struct privilege_user *user);
/* Ask a running worker to do `cmd` (enum worker_cmd bits); returns at once. */
void worker_request(struct worker *w, uint32_t cmd);
/* Wait for the thread to end after WORKER_CMD_STOP. */
void worker_join(struct worker *w);

/* After WORKER_CMD_DRAIN: true once the worker holds no connection. */
bool worker_drained(const struct worker *w);
/* Loop iterations so far: the daemon's liveness check for the watchdog. */
uint64_t worker_heartbeat(const struct worker *w);

#endif /* XDPSERVE_WORKER_H */
