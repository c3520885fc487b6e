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

#include <limits.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "daemon/conf.h"
#include "cache/cache.h"
#include "http/http_server.h"
#include "io/io_reader.h"
#include "tcp/tcp.h"
#include "xsk/xsk_queue.h"

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
	uint64_t roots_gen; /* +1 each time the roots change: a worker that sees another
			     * than its own (even after skipping one) takes the new roots */
};

enum worker_cmd {
	WORKER_CMD_DRAIN = 1u << 0, /* stop accepting; report drained when no connection is left */
	WORKER_CMD_STOP = 1u << 1,  /* leave the loop */
	WORKER_CMD_DUMP = 1u << 2,  /* log the counters */
	WORKER_CMD_CALL = 1u << 3,  /* answer the pending worker_call() */
};

/*
 * Set up worker `index` for RX queue `index` of cfg->ifname on UMEM
 * partition `index`, with wc (borrowed until the worker moves on to
 * another). The TCP stack takes the MSS from the queue's link MTU.
 * `etag_key` (16 bytes, copied) is the daemon's ETag key and `syn_key`
 * (16 bytes, copied) its SYN cookie key, each the same for every worker
 * (and, for the cookie key, for the steering program). `syn_outside`: the
 * steering program answers SYNs (tcp_config.syn_answered_outside). 0 or
 * -errno (logged).
 */
struct access_log_ring;
/* `access`: this worker's access log ring, NULL when the log is off. */
int worker__create(const struct worker_conf *wc, struct umem *umem, uint32_t index,
		   const uint8_t *etag_key, const uint8_t *syn_key, bool syn_outside,
		   struct access_log_ring *access, struct worker **out);

/* What this worker's stack puts into a SYN-ACK (the same for every worker of a daemon). */
void worker_synack_params(const struct worker *w, struct tcp_synack_params *p);

/*
 * Before worker_start(): the steering program's accept slot for this
 * queue (steer_syn_queues()), or NULL for none. The slot is cleared here;
 * the running worker writes XDPSERVE_SYNQ_ACCEPT while its stack would
 * answer a SYN (tcp_stack__accepts_syns: accepting, room in the table),
 * 0 otherwise, on each change only, and clears it when the thread ends.
 */
void worker_set_syn_slot(struct worker *w, _Atomic uint32_t *slot);
/*
 * Tear down a stopped (or never started) worker: drain TX completions,
 * close connections, free the cache, and check that every UMEM frame of
 * its partition is back with its owner. Returns 0, or -EUCLEAN (logged)
 * when frames are unaccounted for.
 */
int worker__destroy(struct worker *w);

/* The AF_XDP socket, for the steering program's XSKMAP. */
int worker_xsk_fd(const struct worker *w);
/* busy-poll is on and the socket took it. */
bool worker_busy_polling(const struct worker *w);
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

/* Where the thread runs: the CPU given to worker_start(), -1 when unpinned. */
int worker_cpu(const struct worker *w);
/* "zero-copy" or "copy"; whether TX sends cached payload by reference (sg). */
const char *worker_bind_mode(const struct worker *w);
bool worker_tx_sg(const struct worker *w);

/*
 * Calls from the main thread (control socket, metrics) into a running
 * worker, without a lock on the data path: the main thread fills the
 * worker's call slot and bumps a request generation; the worker answers at
 * its next loop turn and publishes the answer by setting its done
 * generation to the same value (release/acquire). The main thread reads the
 * answer only while no call is pending, the worker writes it only while one
 * is, so they never touch the slot at the same time. A call that times out
 * stays pending; the next one first waits for it (bounded).
 */
enum worker_call_kind {
	WORKER_CALL_COUNTERS = 0, /* struct worker_counters */
	WORKER_CALL_CONNS,	  /* struct tcp_conn_info entries */
	WORKER_CALL_CACHE_LIST,	  /* struct worker_cache_file entries */
	WORKER_CALL_CACHE_FLUSH,  /* result: objects dropped */
	WORKER_CALL_CACHE_WARM,	  /* result: 0 cached, 1 loading, or -errno of the lookup */
};

/* Every counter of one worker, copied at one loop turn. */
struct worker_counters {
	struct tcp_stats tcp;
	struct http_stats http;
	struct cache_stats cache;
	struct io_reader_stats io;
	struct xsk_queue_stats xsk;
	bool xsk_ok; /* xsk holds the kernel's XDP_STATISTICS too */
};

/* One file object of a worker's cache, for `xdpservectl cache list`. */
struct worker_cache_file {
	char path[256]; /* relative to the root; cut short when longer */
	uint64_t size;
	uint64_t mtime_ns;
	uint32_t chunks;
};

/* Entries an answer holds at most (conns, cache files), per worker. */
#define WORKER_CALL_MAX_ENTRIES 4096

struct worker_call {
	enum worker_call_kind kind;
	char path[PATH_MAX]; /* CACHE_WARM: the path as the HTTP layer normalises it */
	/* answer */
	int result;
	struct worker_counters counters;
	uint32_t nentries; /* filled in entries */
	uint32_t total;	   /* there were this many (more than nentries when cut) */
	union {
		struct tcp_conn_info conns[WORKER_CALL_MAX_ENTRIES];
		struct worker_cache_file files[WORKER_CALL_MAX_ENTRIES];
	} e;
};

/*
 * Run `kind` (with `path` for CACHE_WARM, else NULL) on the worker; wait at
 * most timeout_ms. On 0 the answer is the returned slot, valid until the
 * next call on this worker. -ETIMEDOUT when the worker did not answer,
 * -ENOMEM. Main thread only.
 */
int worker_call(struct worker *w, enum worker_call_kind kind, const char *path, int timeout_ms,
		const struct worker_call **answer);

#endif /* XDPSERVE_WORKER_H */
