// SPDX-License-Identifier: GPL-2.0-only
/*
 * io_reader.c — io_uring disk calls for one worker: reads into UMEM
 * frames, and the statx/openat2/close of cache misses and revalidations.
 *
 * Called by the cache when it looks up, opens and loads an object
 * (io_reader_statx, io_reader_openat2, io_reader_read, io_reader_close)
 * and by the worker loop when io_reader_fd() turns readable
 * (io_reader_complete). liburing does the ring work; this file adds
 * registration of the UMEM in chunks the kernel accepts, continuation of
 * short reads, and a wait list (a close queue for closes) so the
 * completion queue can never overflow.
 */
#include "io/io_reader.h"

#include "common/log.h"

#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/uio.h>
#include <unistd.h>

/* The kernel registers one fixed buffer of at most 1 GiB. */
#define IO_FIXED_CHUNK_SHIFT 30
#define IO_FIXED_CHUNK	     (1ull << IO_FIXED_CHUNK_SHIFT)
/* Closes waiting for room in the ring; past this a close is done in place. */
#define IO_CLOSE_QUEUE 256

struct io_reader {
	struct io_uring ring;
	bool ring_ok;
	int efd;
	uint8_t *area;
	uint64_t size;
	bool fixed_ok;	/* the area is registered */
	bool use_fixed; /* and reads use it */
	uint32_t cap;	/* reads in the kernel at most: the CQ size */
	uint32_t inflight;
	uint32_t waiting;
	uint32_t cancels; /* cancel requests in the kernel (destroy) */
	struct list_node wait_list;
	char close_tag; /* the user_data of a close: its address */
	uint32_t close_head;
	uint32_t close_n;
	int close_q[IO_CLOSE_QUEUE];
	struct io_reader_stats st;
};

static int io_register_area(struct io_reader *r)
{
	uint32_t n = (uint32_t)((r->size + IO_FIXED_CHUNK - 1) >> IO_FIXED_CHUNK_SHIFT);
	struct iovec *iov = calloc(n, sizeof(*iov));
	int err;

	if (!iov)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++) {
		uint64_t off = (uint64_t)i << IO_FIXED_CHUNK_SHIFT;

		iov[i].iov_base = r->area + off;
		iov[i].iov_len = r->size - off < IO_FIXED_CHUNK ? r->size - off : IO_FIXED_CHUNK;
	}
	err = io_uring_register_buffers(&r->ring, iov, n);
	free(iov);
	return err;
}

int io_reader__create(uint32_t entries, void *umem_area, uint64_t umem_size, struct io_reader **out)
{
	struct io_uring_params params;
	struct io_reader *r;
	int err;

	*out = NULL;
	if (!entries || !umem_area || !umem_size)
		return -EINVAL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->efd = -1;
	r->area = umem_area;
	r->size = umem_size;
	list_init(&r->wait_list);

	memset(&params, 0, sizeof(params));
	err = io_uring_queue_init_params(entries, &r->ring, &params);
	if (err) {
		pr_err("cannot set up an io_uring of %u entries: %s%s", entries, strerror(-err),
		       err == -ENOMEM ? "; check RLIMIT_MEMLOCK (LimitMEMLOCK=infinity)" : "");
		goto out;
	}
	r->ring_ok = true;
	r->cap = params.cq_entries;

	r->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (r->efd < 0) {
		err = -errno;
		pr_err("cannot create an eventfd for io_uring completions: %s", strerror(-err));
		goto out;
	}
	err = io_uring_register_eventfd(&r->ring, r->efd);
	if (err) {
		pr_err("cannot register an eventfd with io_uring: %s", strerror(-err));
		goto out;
	}

	err = io_register_area(r);
	if (err) {
		pr_warn("io_uring cannot register the UMEM (%llu MiB) as fixed buffers: %s%s; "
			"reading with plain reads",
			(unsigned long long)(umem_size >> 20), strerror(-err),
			err == -ENOMEM ? " (RLIMIT_MEMLOCK counts the UMEM again here; "
					 "LimitMEMLOCK=infinity lifts it)"
				       : "");
	} else {
		r->fixed_ok = true;
		r->use_fixed = true;
	}
	r->st.fixed = r->use_fixed;
	*out = r;
	return 0;
out:
	io_reader__destroy(r);
	return err;
}

void io_reader__destroy(struct io_reader *r)
{
	if (!r)
		return;
	if (r->ring_ok) {
		if (r->inflight) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(&r->ring);

			if (sqe) {
				io_uring_prep_cancel64(sqe, 0, IORING_ASYNC_CANCEL_ANY);
				io_uring_sqe_set_data(sqe, NULL);
				r->cancels++;
			}
			io_uring_submit(&r->ring);
		}
		/* Wait (bounded) until the kernel no longer writes into the frames. */
		for (int tries = 0; (r->inflight || r->cancels) && tries < 100; tries++) {
			struct __kernel_timespec ts = {.tv_sec = 0, .tv_nsec = 10 * 1000 * 1000};
			struct io_uring_cqe *cqe;

			if (io_uring_wait_cqe_timeout(&r->ring, &cqe, &ts))
				continue;
			if (io_uring_cqe_get_data(cqe))
				r->inflight--;
			else
				r->cancels--;
			io_uring_cqe_seen(&r->ring, cqe);
		}
		if (r->inflight)
			pr_warn("io_uring: %u reads still under way at shutdown", r->inflight);
		io_uring_queue_exit(&r->ring);
	}
	for (; r->close_n; r->close_n--, r->close_head = (r->close_head + 1) % IO_CLOSE_QUEUE)
		close(r->close_q[r->close_head]);
	if (r->efd >= 0)
		close(r->efd);
	free(r);
}

/* An SQE, flushing prepared ones once if the submission queue is full. */
static struct io_uring_sqe *io_get_sqe(struct io_reader *r)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&r->ring);

	if (!sqe && io_uring_submit(&r->ring) >= 0)
		sqe = io_uring_get_sqe(&r->ring);
	return sqe;
}

static void io_prep_read(struct io_reader *r, struct io_uring_sqe *sqe, struct io_req *req)
{
	uint64_t addr = req->umem_addr + req->got;
	uint32_t len = req->len - req->got;
	uint64_t off = req->file_off + req->got;

	if (r->use_fixed &&
	    addr >> IO_FIXED_CHUNK_SHIFT == (addr + len - 1) >> IO_FIXED_CHUNK_SHIFT)
		io_uring_prep_read_fixed(sqe, req->fd, r->area + addr, len, off,
					 (int)(addr >> IO_FIXED_CHUNK_SHIFT));
	else
		io_uring_prep_read(sqe, req->fd, r->area + addr, len, off);
}

/* Put (the rest of) req into an SQE; false when the submission queue is full. */
static bool io_prep(struct io_reader *r, struct io_req *req)
{
	struct io_uring_sqe *sqe = io_get_sqe(r);

	if (!sqe)
		return false;
	switch (req->op) {
	case IO_OP_READ:
		io_prep_read(r, sqe, req);
		break;
	case IO_OP_STATX:
		io_uring_prep_statx(sqe, req->fd, req->path, (int)req->flags, STATX_BASIC_STATS,
				    req->stx);
		break;
	case IO_OP_OPENAT2:
		/* liburing 2.3 takes a non-const how; the kernel only reads it. */
		io_uring_prep_openat2(sqe, req->fd, req->path, (struct open_how *)req->how);
		break;
	}
	/*
	 * Straight to an io-wq worker, never tried inline: a "nonblocking"
	 * attempt can still sleep inside io_uring_enter on the worker thread
	 * — a cached path walk goes on into the file system's open, and some
	 * file systems (FUSE was seen to) block in a read they accepted as
	 * nonblocking. Every disk call here is a cache miss, so the hop to
	 * io-wq costs little next to a stalled worker.
	 */
	io_uring_sqe_set_flags(sqe, IOSQE_ASYNC);
	io_uring_sqe_set_data(sqe, req);
	r->inflight++;
	r->st.sqes++;
	return true;
}

/* Hand the oldest queued close to the kernel; false when there is no room. */
static bool io_prep_close(struct io_reader *r)
{
	struct io_uring_sqe *sqe;

	if (r->inflight >= r->cap || !(sqe = io_get_sqe(r)))
		return false;
	io_uring_prep_close(sqe, r->close_q[r->close_head]);
	io_uring_sqe_set_flags(sqe, IOSQE_ASYNC); /* a FUSE or NFS flush may sleep */
	io_uring_sqe_set_data(sqe, &r->close_tag);
	r->close_head = (r->close_head + 1) % IO_CLOSE_QUEUE;
	r->close_n--;
	r->inflight++;
	r->st.closes++;
	return true;
}

static void io_start(struct io_reader *r, struct io_req *req)
{
	if (r->inflight < r->cap && list_empty(&r->wait_list) && io_prep(r, req))
		return;
	list_add_tail(&r->wait_list, &req->node);
	r->waiting++;
	r->st.deferred++;
}

/* Move waiting requests into the ring as far as it has room. */
static void io_start_waiting(struct io_reader *r)
{
	while (r->close_n && io_prep_close(r))
		;
	while (r->inflight < r->cap && !list_empty(&r->wait_list)) {
		struct io_req *req = list_first(&r->wait_list, struct io_req, node);

		if (!io_prep(r, req))
			break;
		list_del(&req->node);
		r->waiting--;
	}
}

int io_reader_read(struct io_reader *r, int fd, uint64_t file_off, uint64_t umem_addr, uint32_t len,
		   struct io_req *req)
{
	if (!req->done || !len || len > IO_READER_MAX_LEN || umem_addr >= r->size ||
	    len > r->size - umem_addr)
		return -EINVAL;
	req->op = IO_OP_READ;
	req->fd = fd;
	req->file_off = file_off;
	req->umem_addr = umem_addr;
	req->len = len;
	req->got = 0;
	list_init(&req->node);
	io_start(r, req);
	return 0;
}

/* Queue a call on `path` relative to `dirfd`; the op's own fields are set. */
static void io_start_path_op(struct io_reader *r, struct io_req *req, enum io_op op, int dirfd,
			     const char *path)
{
	req->op = op;
	req->fd = dirfd;
	req->path = path;
	list_init(&req->node);
	io_start(r, req);
}

int io_reader_statx(struct io_reader *r, int dirfd, const char *path, uint32_t flags,
		    struct statx *stx, struct io_req *req)
{
	if (!req->done || !path || !stx)
		return -EINVAL;
	req->flags = flags;
	req->stx = stx;
	io_start_path_op(r, req, IO_OP_STATX, dirfd, path);
	return 0;
}

int io_reader_openat2(struct io_reader *r, int dirfd, const char *path, const struct open_how *how,
		      struct io_req *req)
{
	if (!req->done || !path || !how)
		return -EINVAL;
	req->how = how;
	io_start_path_op(r, req, IO_OP_OPENAT2, dirfd, path);
	return 0;
}

void io_reader_close(struct io_reader *r, int fd)
{
	if (fd < 0)
		return;
	if (r->close_n == IO_CLOSE_QUEUE) {
		close(fd);
		r->st.sync_closes++;
		return;
	}
	r->close_q[(r->close_head + r->close_n) % IO_CLOSE_QUEUE] = fd;
	r->close_n++;
	if (list_empty(&r->wait_list))
		io_prep_close(r);
}

int io_reader_submit(struct io_reader *r)
{
	int ret;

	if (!io_uring_sq_ready(&r->ring))
		return 0;
	ret = io_uring_submit(&r->ring);
	/* EBUSY/EAGAIN: the kernel is short of room; the SQEs stay for the next try. */
	if (ret == -EBUSY || ret == -EAGAIN || ret == -EINTR)
		return 0;
	return ret;
}

int io_reader_fd(const struct io_reader *r)
{
	return r->efd;
}

static void io_finish(struct io_reader *r, struct io_req *req, int res)
{
	if (res < 0)
		r->st.errors++;
	switch (req->op) {
	case IO_OP_READ:
		r->st.reads++;
		if (res >= 0)
			r->st.bytes += (uint64_t)res;
		break;
	case IO_OP_STATX:
		r->st.statx++;
		break;
	case IO_OP_OPENAT2:
		r->st.opens++;
		break;
	}
	req->done(req, res);
}

int io_reader_complete(struct io_reader *r)
{
	struct io_uring_cqe *cqe;
	uint64_t counter;
	int finished = 0;

	/* Clear the eventfd first: a completion posted after this wakes poll() again. */
	if (read(r->efd, &counter, sizeof(counter)) < 0 && errno != EAGAIN)
		pr_debug("io_uring eventfd read: %s", strerror(errno));

	while (!io_uring_peek_cqe(&r->ring, &cqe)) {
		struct io_req *req = io_uring_cqe_get_data(cqe);
		int res = cqe->res;

		io_uring_cqe_seen(&r->ring, cqe);
		if (!req) {
			r->cancels--;
			continue;
		}
		r->inflight--;
		if ((void *)req == &r->close_tag) {
			if (res < 0)
				r->st.errors++;
			continue;
		}
		if (req->op != IO_OP_READ) {
			if (res == -EAGAIN || res == -EINTR) {
				io_start(r, req);
				continue;
			}
		} else if (res > 0) {
			req->got += (uint32_t)res;
			if (req->got < req->len) {
				r->st.short_reads++;
				io_start(r, req);
				continue;
			}
			res = (int)req->got;
		} else if (res == 0) {
			res = (int)req->got; /* end of file */
		} else if (res == -EAGAIN || res == -EINTR) {
			io_start(r, req);
			continue;
		}
		io_finish(r, req, res);
		finished++;
	}
	io_start_waiting(r);
	io_reader_submit(r);
	return finished;
}

int io_reader_drain(struct io_reader *r, uint32_t timeout_ms)
{
	for (uint32_t waited = 0;; waited += 10) {
		struct __kernel_timespec ts = {.tv_sec = 0, .tv_nsec = 10 * 1000 * 1000};
		struct io_uring_cqe *cqe;

		io_reader_complete(r);
		if (!r->inflight && !r->waiting && !r->close_n)
			return 0;
		if (waited >= timeout_ms)
			return -ETIMEDOUT;
		io_reader_submit(r);
		io_uring_wait_cqe_timeout(&r->ring, &cqe, &ts);
	}
}

uint32_t io_reader_pending(const struct io_reader *r)
{
	return r->inflight + r->waiting + r->close_n;
}

int io_reader_use_fixed(struct io_reader *r, bool fixed)
{
	if (fixed && !r->fixed_ok)
		return -ENOTSUP;
	r->use_fixed = fixed;
	r->st.fixed = fixed;
	return 0;
}

void io_reader_stats(const struct io_reader *r, struct io_reader_stats *out)
{
	*out = r->st;
	out->inflight = r->inflight;
	out->waiting = r->waiting;
}
