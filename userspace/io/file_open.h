/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * file_open.h — find, check and open a file beneath the document root
 * without blocking the worker: the first stage of every cache miss and of
 * every revalidation, as a short chain of io_uring calls.
 *
 *	cache miss:   file_open_start(fo, io, root_fd, "dir/f.css", true)
 *	revalidation: file_open_start(fo, io, root_fd, "dir/f.css", false)
 *	    -> io_reader_complete -> ... -> fo->done(fo, err)
 *	       err 0: fo->meta is the file's (and fo->fd its read fd, the
 *	              caller's: io_reader_close() it); else -errno as below
 *
 * The chain: openat2(O_PATH, RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS) —
 * neither ".." nor a symlink can leave the root, and an O_PATH open of a
 * FIFO or a device node opens nothing — then statx of that fd; only a
 * regular file is then opened for reading (O_NONBLOCK | O_NOCTTY, beneath
 * the root again) and that fd is statx'd too, so what is read is what was
 * checked: were the path swapped for something else in between, the
 * second statx sees it.
 *
 * Errors, in the cache's terms: -ENOENT (no such file, a component that is
 * not a directory, a name too long), -EACCES (not readable, or not a
 * regular file), -EISDIR, -ELOOP (a symlink loop), -EXDEV (the path would
 * leave the root), -EIO (anything else: a failing disk, too many open
 * files).
 *
 * `fo`, and the path it names, are the caller's memory and must stay valid
 * until done() has run; nothing is allocated. One worker only.
 */
#ifndef XDPSERVE_IO_FILE_OPEN_H
#define XDPSERVE_IO_FILE_OPEN_H

#include <linux/openat2.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "io/io_reader.h"

/* What identifies one version of a file's content. */
struct file_meta {
	uint64_t size;	   /* bytes */
	uint64_t mtime_ns; /* modification time */
	uint64_t ino;
	uint64_t dev;
};

struct file_open {
	void (*done)(struct file_open *fo, int err); /* set by the caller */
	int fd;					     /* result: the read fd (want_fd), else -1 */
	struct file_meta meta;			     /* result, when err is 0 */
	/* The opener's, while the chain runs. */
	struct io_reader *io;
	const char *path;
	int root_fd;
	int path_fd; /* the O_PATH fd */
	uint8_t stage;
	bool want_fd;
	struct open_how how;
	struct statx stx;
	struct io_req req;
};

/*
 * Start the chain for `path` (relative to `root_fd`, as the HTTP layer
 * normalises it; "" is the root itself). Always asynchronous: done() runs
 * from io_reader_complete(), never from here. 0, or -EINVAL (no done
 * callback).
 */
int file_open_start(struct file_open *fo, struct io_reader *io, int root_fd, const char *path,
		    bool want_fd);

/* The metadata of a statx result. */
void file_meta_from_statx(struct file_meta *m, const struct statx *stx);

static inline bool file_meta_same(const struct file_meta *a, const struct file_meta *b)
{
	return a->size == b->size && a->mtime_ns == b->mtime_ns && a->ino == b->ino &&
	       a->dev == b->dev;
}

#endif /* XDPSERVE_IO_FILE_OPEN_H */
