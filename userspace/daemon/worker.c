// SPDX-License-Identifier: GPL-2.0-only
/*
 * worker.c — the per-queue event loop, the top of the data path:
 *
 *	poll(xsk, io_uring, wake) -> xsk_queue_rx_batch
 *	  -> tcp_stack__input (eth/ip/tcp -> http_server callbacks -> cache)
 *	  -> xsk_queue_rx_release (frames back on the fill ring)
 *	-> xsk_queue_complete (header frames freed, content refs dropped)
 *	-> io_reader_complete (cache loads finish, waiting requests resume)
 *	-> tcp_stack__poll (timers, segments out through the queue's nic)
 *	-> xsk_queue_tx_flush (submit + kick)
 *	-> busy-poll on: xsk_queue_busy_poll (the queue's NAPI, here) until
 *	   frames come or busy-poll µs pass, then poll()
 *
 * Called by daemon.c (create/start/request/reconfigure/join/destroy) and,
 * through worker_call(), by the control socket and the metrics endpoint in
 * the main thread. Everything the loop touches belongs to this worker
 * alone; the only shared words are the command, drained and heartbeat
 * atomics, the configuration pointer and the call generations (worker.h
 * says how a call's slot changes hands). A new configuration is taken
 * whole at the top of the loop.
 */
#include "daemon/worker.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "cache/cache.h"
#include "common/log.h"
#include "daemon/access_log.h"
#include "daemon/conf.h"
#include "daemon/privilege.h"
#include "http/http_server.h"
#include "io/io_reader.h"
#include "net/net.h"
#include "tcp/tcp.h"
#include "xsk/frame.h"
#include "xsk/umem.h"
#include "xsk/xsk_queue.h"
#include "xdpserve/shared.h"

#define WORKER_IO_ENTRIES   256
#define WORKER_MAX_SLEEP_MS 1000 /* poll at least once a second: heartbeat, Date */

struct worker {
	const struct xdpserve_config *cfg;	  /* conf->cfg */
	const struct worker_conf *conf;		  /* the one the loop runs with */
	_Atomic(const struct worker_conf *) next; /* the daemon's latest */
	_Atomic(const struct worker_conf *) seen; /* the loop took it */
	uint32_t index;
	struct umem *umem;
	struct xsk_queue *q;
	struct io_reader *io;
	struct cache *cache;
	struct http_server *http;
	struct tcp_stack *stack;
	struct access_log_ring *access; /* NULL: access log off */
	_Atomic uint32_t *syn_slot;	/* the program's accept slot for this queue, or NULL */
	bool syn_accept;		/* what syn_slot says now */
	int wake_fd;
	pthread_t thread;
	bool started;
	const struct privilege_user *user;
	_Atomic int entered; /* 0 while the thread sets itself up, 1 serving, -errno failed */
	bool draining;
	int cpu;
	struct worker_call *call;   /* allocated by the main thread at its first call */
	_Atomic uint64_t call_req;  /* written by the main thread */
	_Atomic uint64_t call_done; /* written by the worker: the last call answered */
	_Atomic uint32_t cmd;
	_Atomic bool drained;
	_Atomic uint64_t heartbeat;
};

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

bool worker_busy_polling(const struct worker *w)
{
	return xsk_queue_busy_polling(w->q);
}

int worker_xsk_fd(const struct worker *w)
{
	return xsk_queue_fd(w->q);
}

uint32_t worker_queue_id(const struct worker *w)
{
	return w->index;
}

bool worker_drained(const struct worker *w)
{
	return atomic_load(&w->drained);
}

uint64_t worker_heartbeat(const struct worker *w)
{
	return atomic_load(&w->heartbeat);
}

/*
 * SIGUSR1 asked for the counters: they are printed whatever the log level.
 * Inside the two dump functions pr_info() is unconditional (restored after
 * worker_dump()).
 */
#undef pr_info
#define pr_info(...) log_print(LOG_LEVEL_INFO, __VA_ARGS__)

/* Every disk call the worker's io_uring made, and the 404s that needed none. */
static void worker_dump_disk(struct worker *w, const struct cache_stats *c)
{
	struct io_reader_stats io;

	io_reader_stats(w->io, &io);
	pr_info("queue %u disk: opens %llu, statx %llu, reads %llu, closes %llu (in place %llu), "
		"errors %llu, in flight %u, waiting %u; 404 from the negative cache %llu "
		"(paths %llu, pushed out %llu)",
		w->index, (unsigned long long)io.opens, (unsigned long long)io.statx,
		(unsigned long long)io.reads, (unsigned long long)io.closes,
		(unsigned long long)io.sync_closes, (unsigned long long)io.errors, io.inflight,
		io.waiting, (unsigned long long)c->neg_hits, (unsigned long long)c->neg_inserts,
		(unsigned long long)c->neg_replaced);
}

static void worker_dump(struct worker *w)
{
	const struct tcp_stats *t = tcp_stack__stats(w->stack);
	const struct http_stats *h = http_server_stats(w->http);
	struct xsk_queue_stats x;
	struct cache_stats c;

	pr_info("queue %u tcp: rx %llu, drop malformed %llu csum %llu unsupported %llu "
		"out-of-window %llu out-of-order %llu no-conn %llu; syn %llu, cookies sent %llu "
		"accepted %llu rejected %llu overflow %llu; conns active %u time-wait %u "
		"accepted %llu refused %llu (per-source %llu, full %llu) evicted %llu closed %llu "
		"reset %llu timed-out %llu; tx %llu frames %llu bytes, "
		"retransmits %llu, rst %llu, no-frame %llu, reserve-held %llu; timeouts idle %llu "
		"retransmit %llu "
		"fin-wait %llu header %llu keepalive %llu send %llu persist %llu; "
		"held out-of-order %llu, oow-acks %llu limited %llu, tx-limit-held %llu",
		w->index, (unsigned long long)t->rx_frames,
		(unsigned long long)t->rx_drop_malformed, (unsigned long long)t->rx_drop_csum,
		(unsigned long long)t->rx_drop_unsupported,
		(unsigned long long)t->rx_drop_out_of_window,
		(unsigned long long)t->rx_drop_out_of_order, (unsigned long long)t->rx_drop_no_conn,
		(unsigned long long)t->syn_received, (unsigned long long)t->syncookies_sent,
		(unsigned long long)t->syncookies_accepted,
		(unsigned long long)t->syncookies_rejected,
		(unsigned long long)t->syncookies_overflow, t->conns_active, t->conns_time_wait,
		(unsigned long long)t->conns_accepted, (unsigned long long)t->conns_refused,
		(unsigned long long)t->conns_refused_source,
		(unsigned long long)t->conns_refused_full, (unsigned long long)t->conns_evicted,
		(unsigned long long)t->conns_closed, (unsigned long long)t->conns_reset,
		(unsigned long long)t->conns_timed_out, (unsigned long long)t->tx_frames,
		(unsigned long long)t->tx_bytes, (unsigned long long)t->tx_retransmits,
		(unsigned long long)t->tx_rst, (unsigned long long)t->tx_no_frame,
		(unsigned long long)t->tx_reserve_held, (unsigned long long)t->timeout_idle,
		(unsigned long long)t->timeout_retransmit, (unsigned long long)t->timeout_fin_wait,
		(unsigned long long)t->timeout_header, (unsigned long long)t->timeout_keepalive,
		(unsigned long long)t->timeout_send, (unsigned long long)t->timeout_persist,
		(unsigned long long)t->rx_out_of_order, (unsigned long long)t->tx_oow_acks,
		(unsigned long long)t->oow_acks_limited, (unsigned long long)t->tx_limit_held);
	pr_info("queue %u pmtu: icmp accepted %llu ignored %llu, black holes %llu", w->index,
		(unsigned long long)t->pmtu_icmp_accepted, (unsigned long long)t->pmtu_icmp_ignored,
		(unsigned long long)t->pmtu_blackhole);
	pr_info("queue %u loss recovery: rto %llu, rack-lost %llu, tlp %llu (repaired %llu), "
		"dsack %llu, spurious undone %llu",
		w->index, (unsigned long long)t->rto_fired, (unsigned long long)t->loss_rack,
		(unsigned long long)t->tlp_probes, (unsigned long long)t->tlp_repaired,
		(unsigned long long)t->dsack_received, (unsigned long long)t->spurious_undone);
	pr_info("queue %u http: requests %llu, 2xx %llu, 3xx %llu, 4xx %llu, 5xx %llu, "
		"body bytes %llu",
		w->index, (unsigned long long)h->requests, (unsigned long long)h->status_2xx,
		(unsigned long long)h->status_3xx, (unsigned long long)h->status_4xx,
		(unsigned long long)h->status_5xx, (unsigned long long)h->body_bytes);
	cache_stats(w->cache, &c);
	pr_info("queue %u cache: objects %u (files %u), bytes %llu of %llu, chunk %llu; hits %llu, "
		"misses %llu, file hits %llu opens %llu; loads %llu (read-ahead %llu), load errors "
		"%llu, evictions %llu, stale %llu; waits %llu, wait timeouts (503) %llu, waiting "
		"%u, loading %u, zombies %u",
		w->index, c.objects, c.files, (unsigned long long)c.bytes_used,
		(unsigned long long)c.bytes_budget, (unsigned long long)c.chunk_bytes,
		(unsigned long long)c.hits, (unsigned long long)c.misses,
		(unsigned long long)c.file_hits, (unsigned long long)c.file_opens,
		(unsigned long long)c.loads, (unsigned long long)c.readaheads,
		(unsigned long long)c.load_errors, (unsigned long long)c.evictions,
		(unsigned long long)c.stale, (unsigned long long)c.waits,
		(unsigned long long)c.wait_timeouts, c.waiting, c.loading, c.zombies);
	worker_dump_disk(w, &c);
	if (w->access)
		pr_info("queue %u access log: records %llu, dropped %llu (ring full)", w->index,
			(unsigned long long)atomic_load(&w->access->pushed),
			(unsigned long long)atomic_load(&w->access->dropped));
	if (!xsk_queue_stats(w->q, &x))
		pr_info("queue %u xsk (%s%s): rx %llu, tx %llu frames %llu descs, tx outstanding "
			"%u, no-frame %llu, ring-full %llu, kernel rx-dropped %llu "
			"rx-ring-full %llu fill-empty %llu tx-invalid %llu",
			w->index, xsk_queue_mode(w->q), xsk_queue_sg(w->q) ? ", sg" : ", no sg",
			(unsigned long long)x.rx_packets, (unsigned long long)x.tx_packets,
			(unsigned long long)x.tx_descs, x.tx_outstanding,
			(unsigned long long)x.tx_no_frame, (unsigned long long)x.tx_ring_full,
			(unsigned long long)x.k_rx_dropped, (unsigned long long)x.k_rx_ring_full,
			(unsigned long long)x.k_fill_ring_empty_descs,
			(unsigned long long)x.k_tx_invalid_descs);
}

#undef pr_info
#define pr_info(...) __pr(LOG_LEVEL_INFO, __VA_ARGS__)

/* Milliseconds until `deadline`, for poll(), capped. */
static int worker_timeout_ms(uint64_t now, uint64_t deadline)
{
	uint64_t ms;

	if (deadline <= now)
		return 0;
	ms = (deadline - now + 999999) / 1000000;
	return ms > WORKER_MAX_SLEEP_MS ? WORKER_MAX_SLEEP_MS : (int)ms;
}

/*
 * busy-poll: before sleeping, run the queue's NAPI from this thread until
 * frames arrive, busy-poll µs pass or a timer is due. True: go round the
 * loop again now. Not while disk reads are under way (their completions
 * wake poll(), which a spin would delay) or a command waits.
 */
static bool worker_busy_poll(struct worker *w, uint64_t deadline)
{
	uint64_t end;

	/* A socket that refused busy polling would make this a spin with no poll in it. */
	if (!xsk_queue_busy_polling(w->q) || cache_needs_poll(w->cache))
		return false;
	end = clock_ns(CLOCK_MONOTONIC) + (uint64_t)w->cfg->busy_poll_us * 1000u;
	if (deadline < end)
		end = deadline;
	do {
		if (xsk_queue_busy_poll(w->q) ||
		    atomic_load_explicit(&w->cmd, memory_order_relaxed))
			return true;
	} while (clock_ns(CLOCK_MONOTONIC) < end);
	return false;
}

static void worker_call_answer(struct worker *w);

static void worker_handle_cmd(struct worker *w, uint32_t cmd)
{
	if (cmd & WORKER_CMD_DUMP)
		worker_dump(w);
	if (cmd & WORKER_CMD_CALL)
		worker_call_answer(w);
	if ((cmd & WORKER_CMD_DRAIN) && !w->draining) {
		w->draining = true;
		tcp_stack__set_accepting(w->stack, false);
		http_server_set_draining(w->http, true);
	}
}

/* The thread's first act: a name tests and ps can find, then no privileges. */
static int worker_enter(struct worker *w)
{
	char name[16];

	snprintf(name, sizeof(name), "xdpserve-q%u", w->index);
	pthread_setname_np(pthread_self(), name);
	return privilege_drop_worker(w->user);
}

/* The http server's table of addresses with a root of their own, from cfg. */
static void worker_apply_roots(struct worker *w, const struct xdpserve_config *cfg)
{
	struct http_root_addr addrs[HTTP_ROOTS_MAX];
	uint32_t n = cfg->nroots < HTTP_ROOTS_MAX ? cfg->nroots : HTTP_ROOTS_MAX;

	for (uint32_t i = 0; i < n; i++) {
		addrs[i].family = cfg->roots[i].family;
		memcpy(addrs[i].addr, cfg->roots[i].addr, sizeof(addrs[i].addr));
		addrs[i].port = cfg->roots[i].port;
	}
	http_server_set_roots(w->http, addrs, n);
}

static void worker_tcp_limits(const struct xdpserve_config *cfg, struct tcp_config *tc)
{
	tc->max_conns_per_source = cfg->max_conns_per_source;
	tc->header_timeout_ns = (uint64_t)cfg->header_timeout_s * 1000000000ull;
	tc->keepalive_timeout_ns = (uint64_t)cfg->keepalive_timeout_s * 1000000000ull;
	tc->send_timeout_ns = (uint64_t)cfg->send_timeout_s * 1000000000ull;
	tc->min_send_rate = cfg->min_send_rate;
	tc->persist_timeout_ns = (uint64_t)cfg->persist_timeout_s * 1000000000ull;
}

/* Take the daemon's newest configuration, whole (the loop's first step). */
static void worker_take_conf(struct worker *w)
{
	const struct worker_conf *wc = atomic_load_explicit(&w->next, memory_order_acquire);
	struct tcp_config tc;
	int err;

	if (wc == w->conf)
		return;
	if (wc->roots_gen != w->conf->roots_gen) {
		err = cache_set_roots(w->cache, wc->root_fds, wc->nroot_fds);
		if (err)
			pr_warn("queue %u: reload: keeping the old document roots: %s", w->index,
				strerror(-err));
	}
	worker_apply_roots(w, wc->cfg);
	http_server_set_files(w->http, &wc->cfg->files);
	tcp_config_default(&tc);
	worker_tcp_limits(wc->cfg, &tc);
	tcp_stack__set_limits(w->stack, &tc);
	w->conf = wc;
	w->cfg = wc->cfg;
	atomic_store_explicit(&w->seen, wc, memory_order_release);
}

void worker_reconfigure(struct worker *w, const struct worker_conf *wc)
{
	atomic_store_explicit(&w->next, wc, memory_order_release);
	worker_request(w, 0); /* wake it */
}

bool worker_conf_in_use(const struct worker *w, const struct worker_conf *wc)
{
	return atomic_load_explicit(&w->seen, memory_order_acquire) == wc;
}

/*
 * Mirror "would the stack answer a SYN" into the steering program's slot.
 * Written on a change only: the loop pays one comparison per turn.
 */
static void worker_syn_slot_update(struct worker *w)
{
	bool accept;

	if (!w->syn_slot)
		return;
	accept = tcp_stack__accepts_syns(w->stack);
	if (accept == w->syn_accept)
		return;
	w->syn_accept = accept;
	atomic_store_explicit(w->syn_slot, accept ? XDPSERVE_SYNQ_ACCEPT : 0, memory_order_relaxed);
}

static void worker_syn_slot_clear(struct worker *w)
{
	if (w->syn_slot)
		atomic_store_explicit(w->syn_slot, 0, memory_order_relaxed);
	w->syn_accept = false;
}

void worker_set_syn_slot(struct worker *w, _Atomic uint32_t *slot)
{
	worker_syn_slot_clear(w);
	w->syn_slot = slot;
	worker_syn_slot_clear(w);
}

void worker_synack_params(const struct worker *w, struct tcp_synack_params *p)
{
	tcp_stack__synack_params(w->stack, p);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct xsk_rx_desc rx[XSK_RX_BATCH_MAX];
	struct pollfd pfd[3] = {
		{.fd = xsk_queue_fd(w->q), .events = POLLIN},
		{.fd = io_reader_fd(w->io), .events = POLLIN},
		{.fd = w->wake_fd, .events = POLLIN},
	};
	int err = worker_enter(w);

	atomic_store(&w->entered, err ? err : 1);
	if (err)
		return NULL;
	for (;;) {
		uint64_t now;
		uint64_t deadline;
		uint32_t cmd, n;
		int timeout;

		atomic_fetch_add_explicit(&w->heartbeat, 1, memory_order_relaxed);
		worker_take_conf(w);
		http_server_set_time(w->http,
				     (time_t)(clock_ns(CLOCK_REALTIME_COARSE) / 1000000000ull));

		n = xsk_queue_rx_batch(w->q, rx, XSK_RX_BATCH_MAX);
		/*
		 * The clock is read after the ring: the steering program stamps
		 * a SYN-ACK's cookie period and TSval with bpf_ktime_get_ns() (the
		 * same CLOCK_MONOTONIC) when it answers, so a `now` read before
		 * the batch could be older than the program's and fail the
		 * completing ACK's TSecr or period check across a boundary.
		 */
		now = clock_ns(CLOCK_MONOTONIC);
		for (uint32_t i = 0; i < n; i++)
			tcp_stack__input(w->stack, rx[i].data, rx[i].len, now);
		xsk_queue_rx_release(w->q, rx, n);

		xsk_queue_complete(w->q);
		/* Only with disk work: an idle cache would cost an eventfd read per loop. */
		if ((pfd[1].revents & POLLIN) || cache_needs_poll(w->cache))
			cache_poll(w->cache, now);
		deadline = tcp_stack__poll(w->stack, now);
		xsk_queue_tx_flush(w->q);

		/* Drain the wake eventfd whenever it fired, or poll() would never sleep again. */
		if (pfd[2].revents & POLLIN) {
			uint64_t v;

			if (read(w->wake_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
				pr_debug("queue %u: wake eventfd: %s", w->index, strerror(errno));
		}
		pfd[1].revents = pfd[2].revents = 0;
		cmd = atomic_exchange(&w->cmd, 0);
		if (cmd) {
			worker_handle_cmd(w, cmd);
			if (cmd & WORKER_CMD_STOP)
				break;
		}
		worker_syn_slot_update(w);
		if (w->draining && !atomic_load(&w->drained) &&
		    tcp_stack__stats(w->stack)->conns_active == 0)
			atomic_store(&w->drained, true);

		if (n == XSK_RX_BATCH_MAX)
			continue; /* more may be waiting: no sleep */
		timeout = worker_timeout_ms(now, deadline);
		if (deadline <= now) {
			/*
			 * Output waits for TX frames or ring slots. In copy mode
			 * the kick above often completed them already: go again
			 * at once then; otherwise wait a little, never spin.
			 */
			if (xsk_queue_complete(w->q))
				continue;
			timeout = 1;
		}
		if (xsk_queue_tx_outstanding(w->q) && timeout > 1)
			timeout = 1; /* completions are not signalled through poll() */
		if (n && timeout)
			timeout = 0;
		if (timeout && worker_busy_poll(w, deadline))
			continue;
		if (poll(pfd, 3, timeout) < 0) {
			if (errno != EINTR)
				pr_warn("queue %u: poll: %s", w->index, strerror(errno));
			pfd[1].revents = pfd[2].revents = 0;
		}
	}
	worker_syn_slot_clear(w);
	return NULL;
}

/* Wait (bounded) for the thread to have dropped its privileges. */
static int worker_wait_entered(struct worker *w)
{
	for (int ms = 0; ms < 10000; ms++) {
		int state = atomic_load(&w->entered);

		if (state)
			return state < 0 ? state : 0;
		usleep(1000);
	}
	pr_err("queue %u: the worker thread did not start within 10 s", w->index);
	return -ETIMEDOUT;
}

int worker_start(struct worker *w, int cpu, const struct privilege_user *user)
{
	pthread_attr_t attr;
	cpu_set_t set;
	int err;

	w->user = user;
	pthread_attr_init(&attr);
	if (cpu >= 0) {
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		err = pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
		if (err) {
			pr_warn("queue %u: cannot pin to CPU %d (%s); running unpinned", w->index,
				cpu, strerror(err));
			cpu = -1;
		}
	}
	err = pthread_create(&w->thread, &attr, worker_main, w);
	if (err == EINVAL && cpu >= 0) {
		pr_warn("queue %u: CPU %d is not allowed here (cpuset or affinity); running "
			"unpinned",
			w->index, cpu);
		pthread_attr_destroy(&attr);
		pthread_attr_init(&attr);
		err = pthread_create(&w->thread, &attr, worker_main, w);
		cpu = -1; /* status says "unpinned", not the CPU it did not get */
	}
	pthread_attr_destroy(&attr);
	if (err) {
		pr_err("queue %u: cannot start the worker thread: %s", w->index, strerror(err));
		return -err;
	}
	w->started = true;
	w->cpu = cpu;
	return worker_wait_entered(w);
}

void worker_request(struct worker *w, uint32_t cmd)
{
	uint64_t one = 1;

	atomic_fetch_or(&w->cmd, cmd);
	if (write(w->wake_fd, &one, sizeof(one)) < 0)
		pr_debug("queue %u: wake: %s", w->index, strerror(errno));
}

void worker_join(struct worker *w)
{
	if (w->started)
		pthread_join(w->thread, NULL);
	w->started = false;
}

/* The MSS is the stack's to derive, from the NIC's MTU (tcp_stack__create). */
static void worker_tcp_config(const struct worker *w, struct tcp_config *tc)
{
	tcp_config_default(tc);
	tc->max_conns = w->cfg->max_conns;
	tc->max_time_wait = w->cfg->max_conns;
	worker_tcp_limits(w->cfg, tc);
	/* Our frames leave from the interface's own MAC, whatever the peer sent to. */
	tc->local_mac_set = net_iface_mac(w->cfg->ifname, tc->local_mac) == 0;
	tc->cc = w->cfg->cc;
	tc->max_retransmits = w->cfg->tcp_retries;
}

int worker__create(const struct worker_conf *wc, struct umem *umem, uint32_t index,
		   const uint8_t *etag_key, const uint8_t *syn_key, bool syn_outside,
		   struct access_log_ring *access, struct worker **out)
{
	const struct xdpserve_config *cfg = wc->cfg;
	struct xsk_queue_opts qopts = {
		.partition = index,
		.bind_mode = cfg->bind_mode,
		.tx_path = cfg->tx_path,
		.busy_poll_us = cfg->busy_poll_us,
	};
	struct http_server_config hcfg;
	struct cache_config ccfg;
	struct tcp_config tc;
	struct worker *w;
	int err;

	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->cfg = cfg;
	w->conf = wc;
	atomic_init(&w->next, wc);
	atomic_init(&w->seen, wc);
	w->index = index;
	w->umem = umem;
	w->access = access;
	w->cpu = -1;
	w->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (w->wake_fd < 0) {
		err = -errno;
		pr_err("queue %u: eventfd: %s", index, strerror(errno));
		goto err_free;
	}

	err = xsk_queue__create(umem, cfg->ifname, index, &qopts, &w->q);
	if (err)
		goto err_free;
	err = io_reader__create(WORKER_IO_ENTRIES, umem_area(umem), umem_size(umem), &w->io);
	if (err) {
		pr_err("queue %u: io_uring setup failed: %s", index, strerror(-err));
		goto err_free;
	}
	memset(&ccfg, 0, sizeof(ccfg));
	ccfg.budget_bytes = cfg->cache_bytes / umem_partitions(umem);
	ccfg.chunk_bytes = cfg->cache_chunk_bytes;
	ccfg.max_loads = cfg->max_loads;
	ccfg.user_bytes = (uint32_t)http_server_obj_user_bytes();
	ccfg.neg_ttl_ns = (uint64_t)cfg->neg_ttl_ms * 1000000;
	err = cache__create(&ccfg, wc->root_fds[0], umem_pool(umem, index), w->io, &w->cache);
	if (!err && wc->nroot_fds > 1)
		err = cache_set_roots(w->cache, wc->root_fds, wc->nroot_fds);
	if (err) {
		pr_err("queue %u: content cache setup failed: %s", index, strerror(-err));
		goto err_free;
	}
	worker_tcp_config(w, &tc);
	/* A head must fit the receive buffer, or a full buffer would stall instead of a 431. */
	http_server_config_default(&hcfg, tc.max_conns);
	if (hcfg.limits.head >= tc.rx_buf_size)
		hcfg.limits.head = tc.rx_buf_size - 1;
	memcpy(hcfg.etag_key, etag_key, sizeof(hcfg.etag_key));
	hcfg.files = cfg->files;
	if (access) {
		hcfg.access = access_log_submit;
		hcfg.access_ctx = access;
	}
	err = http_server__create(&hcfg, w->cache, &w->http);
	if (err) {
		pr_err("queue %u: HTTP server setup failed (%u connections): %s", index,
		       hcfg.max_conns, strerror(-err));
		goto err_free;
	}
	worker_apply_roots(w, cfg);

	memcpy(tc.syncookie_key, syn_key, sizeof(tc.syncookie_key));
	tc.syn_answered_outside = syn_outside;
	w->stack = tcp_stack__create(&tc, xsk_queue_nic(w->q), &http_server_tcp_ops, w->http);
	if (!w->stack) {
		err = -errno;
		pr_err("queue %u: TCP stack setup failed (%u connections): %s", index, tc.max_conns,
		       strerror(errno));
		goto err_free;
	}
	*out = w;
	return 0;

err_free:
	worker__destroy(w);
	return err;
}

int worker__destroy(struct worker *w)
{
	struct frame_account acct;
	char line[256];
	int err = 0;

	if (!w)
		return 0;
	worker_join(w);
	worker_syn_slot_clear(w);
	/* Connections first: they hold blob references the cache waits for. */
	if (w->stack) {
		tcp_stack__poll(w->stack, clock_ns(CLOCK_MONOTONIC));
		xsk_queue_tx_flush(w->q);
		tcp_stack__destroy(w->stack);
	}
	if (w->q && xsk_queue_drain(w->q, 1000))
		pr_warn("queue %u: TX completions still outstanding after 1 s", w->index);
	http_server__destroy(w->http);
	cache__destroy(w->cache);
	io_reader__destroy(w->io);
	if (w->q) {
		struct frame_pool *pool = xsk_queue_pool(w->q);

		if (!frame_pool_account(pool, &acct)) {
			frame_account_format(&acct, line, sizeof(line));
			pr_err("queue %u: %s", w->index, line);
			err = -EUCLEAN;
		} else {
			frame_account_format(&acct, line, sizeof(line));
			pr_info("queue %u: %s", w->index, line);
		}
		xsk_queue__destroy(w->q);
	}
	if (w->wake_fd >= 0)
		close(w->wake_fd);
	free(w->call);
	free(w);
	return err;
}

int worker_cpu(const struct worker *w)
{
	return w->cpu;
}

const char *worker_bind_mode(const struct worker *w)
{
	return xsk_queue_mode(w->q);
}

bool worker_tx_sg(const struct worker *w)
{
	return xsk_queue_sg(w->q);
}

/* --- calls from the main thread (worker.h) ------------------------------- */

static void worker_call_counters(struct worker *w, struct worker_counters *c)
{
	c->tcp = *tcp_stack__stats(w->stack);
	c->http = *http_server_stats(w->http);
	cache_stats(w->cache, &c->cache);
	io_reader_stats(w->io, &c->io);
	c->xsk_ok = !xsk_queue_stats(w->q, &c->xsk);
}

static void worker_call_conn(struct tcp_conn *c, void *arg)
{
	struct worker_call *call = arg;

	if (call->nentries < WORKER_CALL_MAX_ENTRIES)
		tcp_conn_get_info(c, &call->e.conns[call->nentries++]);
	call->total++;
}

static void worker_call_file(const struct cache_obj *f, void *arg)
{
	struct worker_call *call = arg;
	struct worker_cache_file *e;

	call->total++;
	if (call->nentries == WORKER_CALL_MAX_ENTRIES)
		return;
	e = &call->e.files[call->nentries++];
	snprintf(e->path, sizeof(e->path), "%s", cache_obj_path(f));
	e->size = cache_obj_size(f);
	e->mtime_ns = cache_obj_mtime_ns(f);
	e->chunks = cache_obj_chunks(f);
}

/* Start loading a file and its chunks (as far as load slots allow); never waits. */
static int worker_call_warm(struct worker *w, const char *path)
{
	uint64_t now = clock_ns(CLOCK_MONOTONIC);
	struct cache_obj *f;
	int err = cache_lookup(w->cache, path, now, NULL, &f);

	if (err == -EINPROGRESS)
		return 1;
	if (err)
		return err;
	for (uint32_t i = 0; i < cache_obj_chunks(f); i++)
		cache_chunk_prefetch(w->cache, f, i, now);
	cache_obj_put(f);
	return 0;
}

static void worker_call_answer(struct worker *w)
{
	uint64_t req = atomic_load_explicit(&w->call_req, memory_order_acquire);
	struct worker_call *call = w->call;

	if (req == atomic_load_explicit(&w->call_done, memory_order_relaxed))
		return; /* answered already (a repeated wake-up) */
	call->result = 0;
	call->nentries = call->total = 0;
	switch (call->kind) {
	case WORKER_CALL_COUNTERS:
		worker_call_counters(w, &call->counters);
		break;
	case WORKER_CALL_CONNS:
		tcp_stack__for_each_conn(w->stack, worker_call_conn, call);
		break;
	case WORKER_CALL_CACHE_LIST:
		cache_for_each_file(w->cache, worker_call_file, call);
		break;
	case WORKER_CALL_CACHE_FLUSH:
		call->result = (int)cache_flush(w->cache);
		break;
	case WORKER_CALL_CACHE_WARM:
		call->result = worker_call_warm(w, call->path);
		break;
	}
	atomic_store_explicit(&w->call_done, req, memory_order_release);
}

/* Wait (at most until `until_ms` of CLOCK_MONOTONIC) for the pending call to be answered. */
static bool worker_call_wait(struct worker *w, uint64_t until_ns)
{
	uint64_t req = atomic_load_explicit(&w->call_req, memory_order_relaxed);

	while (atomic_load_explicit(&w->call_done, memory_order_acquire) != req) {
		if (clock_ns(CLOCK_MONOTONIC) >= until_ns)
			return false;
		usleep(500);
	}
	return true;
}

int worker_call(struct worker *w, enum worker_call_kind kind, const char *path, int timeout_ms,
		const struct worker_call **answer)
{
	uint64_t until = clock_ns(CLOCK_MONOTONIC) + (uint64_t)timeout_ms * 1000000ull;

	if (!w->call) {
		w->call = calloc(1, sizeof(*w->call));
		if (!w->call)
			return -ENOMEM;
	}
	if (!w->started || !worker_call_wait(w, until))
		return -ETIMEDOUT;
	w->call->kind = kind;
	snprintf(w->call->path, sizeof(w->call->path), "%s", path ? path : "");
	atomic_fetch_add_explicit(&w->call_req, 1, memory_order_release);
	worker_request(w, WORKER_CMD_CALL);
	if (!worker_call_wait(w, until))
		return -ETIMEDOUT;
	*answer = w->call;
	return 0;
}
