// SPDX-License-Identifier: GPL-2.0-only
/*
 * file_open.c — the open-and-check chain of a cache miss or a
 * revalidation, one io_uring call at a time (see file_open.h):
 *
 *	file_open_start -> openat2(O_PATH) -> statx(path fd)
 *	    [regular, want_fd] -> openat2(O_RDONLY) -> statx(read fd) -> done()
 *	    [otherwise]        -> done()
 *
 * Each step's completion (file_open_step, the io_req's done callback, run
 * by io_reader_complete) starts the next one. Closes go through the
 * io_reader too, so no step ever blocks the worker, not even on a slow or
 * failing file system.
 */
#include "config.h" /* _GNU_SOURCE: O_PATH, statx */

#include "io/file_open.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/sysmacros.h>

enum file_open_stage {
	FO_PATH_OPEN = 0, /* openat2(O_PATH) */
	FO_PATH_STAT,	  /* statx(path fd) */
	FO_READ_OPEN,	  /* openat2(O_RDONLY) */
	FO_READ_STAT,	  /* statx(read fd) */
};

#define FO_RESOLVE (RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS)

/* An openat2 errno in the cache's terms (file_open.h). */
static int file_open_errno(int err)
{
	switch (err) {
	case -ENOENT:
	case -ENOTDIR:
	case -ENAMETOOLONG:
		return -ENOENT;
	case -EACCES:
	case -EPERM:
	case -ENXIO: /* a socket */
		return -EACCES;
	case -ELOOP:
		return -ELOOP;
	case -EXDEV: /* ".." or a symlink would leave the root */
		return -EXDEV;
	default:
		return -EIO;
	}
}

void file_meta_from_statx(struct file_meta *m, const struct statx *stx)
{
	m->size = stx->stx_size;
	m->mtime_ns = (uint64_t)stx->stx_mtime.tv_sec * 1000000000ull + stx->stx_mtime.tv_nsec;
	m->ino = stx->stx_ino;
	m->dev = makedev(stx->stx_dev_major, stx->stx_dev_minor); /* as stat's st_dev */
}

/* 0 for a regular file, else what to answer. */
static int file_open_check_type(const struct statx *stx)
{
	if (S_ISDIR(stx->stx_mode))
		return -EISDIR;
	return S_ISREG(stx->stx_mode) ? 0 : -EACCES;
}

static void file_open_finish(struct file_open *fo, int err)
{
	io_reader_close(fo->io, fo->path_fd);
	fo->path_fd = -1;
	if (err) {
		io_reader_close(fo->io, fo->fd);
		fo->fd = -1;
	}
	fo->done(fo, err);
}

/* Queue the step fo->stage. */
static void file_open_issue(struct file_open *fo)
{
	int dirfd = fo->root_fd, err = 0;
	const char *path = *fo->path ? fo->path : ".";

	switch (fo->stage) {
	case FO_PATH_OPEN:
	case FO_READ_OPEN:
		fo->how = (struct open_how){
			.flags = (fo->stage == FO_PATH_OPEN ? O_PATH
							    : O_RDONLY | O_NONBLOCK | O_NOCTTY) |
				 O_CLOEXEC,
			.resolve = FO_RESOLVE,
		};
		err = io_reader_openat2(fo->io, dirfd, path, &fo->how, &fo->req);
		break;
	case FO_PATH_STAT:
	case FO_READ_STAT:
		dirfd = fo->stage == FO_PATH_STAT ? fo->path_fd : fo->fd;
		err = io_reader_statx(fo->io, dirfd, "", AT_EMPTY_PATH, &fo->stx, &fo->req);
		break;
	}
	if (err) /* only a caller's mistake makes this fail */
		file_open_finish(fo, -EIO);
}

/*
 * One step finished with `res`: 1 to go on with the next step, 0 when the
 * chain is complete, or -errno.
 */
static int file_open_check(struct file_open *fo, int res)
{
	int err;

	switch (fo->stage) {
	case FO_PATH_OPEN:
	case FO_READ_OPEN:
		if (res < 0)
			return file_open_errno(res);
		if (fo->stage == FO_PATH_OPEN)
			fo->path_fd = res;
		else
			fo->fd = res;
		return 1;
	default: /* FO_PATH_STAT, FO_READ_STAT */
		if (res < 0)
			return -EIO;
		err = file_open_check_type(&fo->stx);
		if (err)
			return err;
		file_meta_from_statx(&fo->meta, &fo->stx);
		return fo->want_fd && fo->stage == FO_PATH_STAT;
	}
}

/* The io_req's callback: start the next step or finish. */
static void file_open_step(struct io_req *req, int res)
{
	struct file_open *fo = container_of(req, struct file_open, req);
	int ret = file_open_check(fo, res);

	if (ret <= 0) {
		file_open_finish(fo, ret);
		return;
	}
	fo->stage++;
	file_open_issue(fo);
}

int file_open_start(struct file_open *fo, struct io_reader *io, int root_fd, const char *path,
		    bool want_fd)
{
	if (!fo->done || !path)
		return -EINVAL;
	fo->io = io;
	fo->path = path;
	fo->root_fd = root_fd;
	fo->path_fd = -1;
	fo->fd = -1;
	fo->want_fd = want_fd;
	fo->stage = FO_PATH_OPEN;
	memset(&fo->meta, 0, sizeof(fo->meta));
	memset(&fo->req, 0, sizeof(fo->req));
	fo->req.done = file_open_step;
	file_open_issue(fo);
	return 0;
}
