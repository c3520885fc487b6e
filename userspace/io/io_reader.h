/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * io_reader.h — every disk call of a worker, through one io_uring, without
 * ever blocking the worker: reads straight into UMEM frames, and the
 * openat2, statx and close calls of a cache miss or a revalidation.
 *
 * The UMEM area is registered with the ring as fixed buffers, so a read
 * lands in the frames with no per-read page walk (IORING_OP_READ_FIXED);
 * if registration fails (RLIMIT_MEMLOCK, old kernel) the reader says so
 * once and uses plain reads into the same memory.
 *
 *	cache miss: io_reader_read(r, fd, off, frame addr, len, &req)   queued
 *	worker:     io_reader_submit(r)                                  one syscall per batch
 *	worker:     poll(io_reader_fd(r)) readable -> io_reader_complete(r)
 *	            -> req->done(req, bytes or -errno)
 *
 *	miss:       io_reader_statx / io_reader_openat2 (req->done gets 0 / the
 *	            fd, or -errno), io_reader_close (nobody waits for it)
 *
 * Short reads are continued by the reader itself; a read stops early only
 * at end of file (done() gets the bytes read) or on an error (-errno).
 * Requests beyond the ring's capacity wait in a list inside the reader and
 * go out as earlier ones complete: no call fails for lack of room. The
 * io_req, and the path, open_how and statx buffer a request names, are
 * the caller's memory (no allocation here) and must stay valid until
 * done() has run. A close needs no memory of the caller's: it waits in a
 * small queue of the reader's (and is done synchronously when even that
 * is full, counted in sync_closes).
 *
 * Callers: the cache (loads), the daemon (create, poll, destroy).
 * One worker only: not thread-safe.
 */
#ifndef XDPSERVE_IO_READER_H
#define XDPSERVE_IO_READER_H

#include <stdbool.h>
#include <stdint.h>

#include "common/list.h"

struct open_how;
struct statx;

struct io_reader;
struct io_req;

/*
 * `res`: for a read, bytes read (== len unless end of file came first);
 * for a statx 0; for an openat2 the new fd (the caller's to close); or
 * -errno.
 */
typedef void (*io_req_done_fn)(struct io_req *req, int res);

enum io_op {
	IO_OP_READ = 0,
	IO_OP_STATX,
	IO_OP_OPENAT2,
};

struct io_req {
	io_req_done_fn done; /* set by the caller before io_reader_read() and the others */
	/* The reader's, while the request is under way. */
	enum io_op op;
	int fd; /* read: the file; statx, openat2: the directory the path is relative to */
	uint32_t len;
	uint32_t got;
	uint64_t file_off;
	uint64_t umem_addr;
	const char *path;	    /* statx, openat2 */
	const struct open_how *how; /* openat2 */
	struct statx *stx;	    /* statx: the result */
	uint32_t flags;		    /* statx: AT_* flags */
	struct list_node node;	    /* in the reader's wait list while the ring is full */
};

struct io_reader_stats {
	uint64_t reads;	      /* requests finished (done() called) */
	uint64_t bytes;	      /* bytes they read */
	uint64_t sqes;	      /* reads handed to the kernel, continuations included */
	uint64_t short_reads; /* reads that came back short and were continued */
	uint64_t errors;      /* requests finished with an error */
	uint64_t deferred;    /* requests that waited for room in the ring */
	uint64_t statx;	      /* statx calls finished */
	uint64_t opens;	      /* openat2 calls finished */
	uint64_t closes;      /* closes handed to the kernel */
	uint64_t sync_closes; /* closes done on the worker: the close queue was full */
	uint32_t inflight;    /* gauge: reads in the kernel */
	uint32_t waiting;     /* gauge: requests waiting for room */
	bool fixed;	      /* reading into registered buffers */
};

#define IO_READER_MAX_LEN (1u << 30) /* one request reads at most this much */

/*
 * A ring of `entries` submission slots (power of 2 recommended) reading
 * into the `umem_size` bytes at `umem_area`; UMEM addresses given to
 * io_reader_read() are offsets into that area. 0 or -errno (logged).
 */
int io_reader__create(uint32_t entries, void *umem_area, uint64_t umem_size,
		      struct io_reader **out);
/*
 * Cancel what is still under way, wait (bounded) for the kernel to let go
 * of the memory, and free the ring. No done() callback runs.
 */
void io_reader__destroy(struct io_reader *r);

/*
 * Queue a read of `len` (1 .. IO_READER_MAX_LEN) bytes at `file_off` of
 * `fd` into UMEM [umem_addr, umem_addr + len). The frames are borrowed by
 * the kernel until done() runs; `fd` must stay open until then. 0, or
 * -EINVAL (range outside the UMEM, len 0 or too large, no done callback).
 */
int io_reader_read(struct io_reader *r, int fd, uint64_t file_off, uint64_t umem_addr, uint32_t len,
		   struct io_req *req);

/*
 * statx(dirfd, path, flags, STATX_BASIC_STATS, stx) on the ring; done()
 * gets 0 or -errno. Always asynchronous: done() runs from
 * io_reader_complete(). 0, or -EINVAL (no done callback, path or buffer).
 */
int io_reader_statx(struct io_reader *r, int dirfd, const char *path, uint32_t flags,
		    struct statx *stx, struct io_req *req);

/*
 * openat2(dirfd, path, how) on the ring; done() gets the fd or -errno.
 * Always asynchronous. 0, or -EINVAL.
 */
int io_reader_openat2(struct io_reader *r, int dirfd, const char *path, const struct open_how *how,
		      struct io_req *req);

/*
 * Close `fd` without waiting for it: the fd is the reader's from now on
 * (a negative fd is ignored). An error of the close itself is counted,
 * not reported: a file opened for reading loses nothing.
 */
void io_reader_close(struct io_reader *r, int fd);

/* Hand queued reads to the kernel (one io_uring_enter). Returns the count, or -errno. */
int io_reader_submit(struct io_reader *r);

/* Readable (eventfd) when completions wait: poll it with POLLIN. */
int io_reader_fd(const struct io_reader *r);

/*
 * Reap completions without blocking: continue short reads, run done() for
 * finished requests, start waiting ones, submit. Returns how many requests
 * finished.
 */
int io_reader_complete(struct io_reader *r);

/*
 * Shutdown and tests: io_reader_complete() until nothing is under way,
 * sleeping in the kernel for completions. 0, or -ETIMEDOUT after
 * `timeout_ms`.
 */
int io_reader_drain(struct io_reader *r, uint32_t timeout_ms);

/* Requests not finished yet (in the kernel or waiting for room), closes included. */
uint32_t io_reader_pending(const struct io_reader *r);

/*
 * Read into registered buffers (true) or with plain reads (false); -ENOTSUP
 * when asked for fixed buffers that could not be registered. For tests and
 * diagnostics.
 */
int io_reader_use_fixed(struct io_reader *r, bool fixed);

void io_reader_stats(const struct io_reader *r, struct io_reader_stats *out);

#endif /* XDPSERVE_IO_READER_H */
