// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for io/io_reader.c: real io_uring reads of real files in a
 * temporary directory into a malloc'd stand-in for the UMEM, through fixed
 * buffers and plain reads; end of file, errors, short reads continued
 * (a pipe gives them), more requests than the ring holds, the pollable fd
 * and destroying with a read still under way.
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/io_reader.h"

#define FRAME	4096u
#define NFRAMES 64

static uint8_t *area;
static char dir[64];

static void setup(void)
{
	area = aligned_alloc(FRAME, NFRAMES * FRAME);
	cr_assert_not_null(area);
	memset(area, 0xee, NFRAMES * FRAME);
	snprintf(dir, sizeof(dir), "/tmp/xdpserve-io-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
	free(area);
}

/* A file of `size` pseudo-random bytes; its content goes to *content (malloc'd). */
static int make_file(const char *name, size_t size, uint8_t **content)
{
	char path[128];
	uint8_t *buf = malloc(size + 1);
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	srand((unsigned int)size);
	for (size_t i = 0; i < size; i++)
		buf[i] = (uint8_t)rand();
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, buf, size), (ssize_t)size);
	*content = buf;
	return fd;
}

struct done {
	struct io_req req;
	int calls;
	int res;
};

static void on_done(struct io_req *req, int res)
{
	struct done *d = (struct done *)req;

	d->calls++;
	d->res = res;
}

/* Poll the reader's fd and reap until `d` finished (bounded: five seconds). */
static void wait_done(struct io_reader *r, struct done *d)
{
	for (int i = 0; i < 500 && !d->calls; i++) {
		struct pollfd pfd = {.fd = io_reader_fd(r), .events = POLLIN};

		poll(&pfd, 1, 10);
		io_reader_complete(r);
	}
	cr_assert_eq(d->calls, 1, "the read did not finish");
}

static void read_file_into_frames(bool fixed)
{
	const size_t size = 3 * FRAME + 123;
	struct done d = {.req.done = on_done};
	struct io_reader_stats st;
	struct io_reader *r;
	uint8_t *content;
	int fd = make_file("a", size, &content);

	cr_assert_eq(io_reader__create(8, area, NFRAMES * FRAME, &r), 0);
	if (fixed) {
		io_reader_stats(r, &st);
		if (!st.fixed)
			cr_skip_test("the UMEM could not be registered (RLIMIT_MEMLOCK?)");
	} else {
		cr_assert_eq(io_reader_use_fixed(r, false), 0);
	}
	cr_assert_eq(io_reader_read(r, fd, 0, 5 * FRAME, (uint32_t)size, &d.req), 0);
	cr_assert_eq(io_reader_pending(r), 1);
	cr_assert_geq(io_reader_submit(r), 1);
	wait_done(r, &d);
	cr_assert_eq(d.res, (int)size);
	cr_assert_arr_eq(area + 5 * FRAME, content, size, "content differs");
	cr_assert_eq(area[5 * FRAME + size], 0xee, "nothing written past the read");

	/* A range of the file to an odd place inside a frame. */
	d.calls = 0;
	cr_assert_eq(io_reader_read(r, fd, 1000, 10 * FRAME + 7, 500, &d.req), 0);
	io_reader_submit(r);
	wait_done(r, &d);
	cr_assert_eq(d.res, 500);
	cr_assert_arr_eq(area + 10 * FRAME + 7, content + 1000, 500);
	io_reader_stats(r, &st);
	cr_assert_eq(st.fixed, fixed);
	cr_assert_eq(st.reads, 2);
	cr_assert_eq(st.bytes, size + 500);
	cr_assert_eq(io_reader_pending(r), 0);
	io_reader__destroy(r);
	close(fd);
	free(content);
}

Test(io_reader, fixed_buffer_reads_are_byte_identical, .init = setup, .fini = teardown)
{
	read_file_into_frames(true);
}

Test(io_reader, plain_reads_are_byte_identical, .init = setup, .fini = teardown)
{
	read_file_into_frames(false);
}

Test(io_reader, end_of_file_ends_the_read, .init = setup, .fini = teardown)
{
	struct done d = {.req.done = on_done};
	struct io_reader *r;
	uint8_t *content;
	int fd = make_file("b", 1000, &content);

	cr_assert_eq(io_reader__create(8, area, NFRAMES * FRAME, &r), 0);
	cr_assert_eq(io_reader_read(r, fd, 200, 0, 4 * FRAME, &d.req), 0);
	io_reader_submit(r);
	wait_done(r, &d);
	cr_assert_eq(d.res, 800, "bytes up to the end of the file");
	cr_assert_arr_eq(area, content + 200, 800);
	io_reader__destroy(r);
	close(fd);
	free(content);
}

Test(io_reader, errors_are_passed_up, .init = setup, .fini = teardown)
{
	struct done d = {.req.done = on_done};
	struct io_reader_stats st;
	struct io_reader *r;
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	cr_assert_eq(io_reader__create(8, area, NFRAMES * FRAME, &r), 0);
	cr_assert_eq(io_reader_read(r, dfd, 0, 0, 100, &d.req), 0);
	io_reader_submit(r);
	wait_done(r, &d);
	cr_assert_eq(d.res, -EISDIR);

	d.calls = 0;
	close(dfd);
	cr_assert_eq(io_reader_read(r, dfd, 0, 0, 100, &d.req), 0);
	io_reader_submit(r);
	wait_done(r, &d);
	cr_assert_eq(d.res, -EBADF);
	io_reader_stats(r, &st);
	cr_assert_eq(st.errors, 2);
	io_reader__destroy(r);
}

Test(io_reader, bad_requests_are_refused, .init = setup, .fini = teardown)
{
	struct done d = {.req.done = on_done}, nocb = {0};
	struct io_reader *r;

	cr_assert_eq(io_reader__create(8, area, NFRAMES * FRAME, &r), 0);
	cr_assert_eq(io_reader_read(r, 0, 0, NFRAMES * FRAME - 10, 11, &d.req), -EINVAL);
	cr_assert_eq(io_reader_read(r, 0, 0, NFRAMES * FRAME, 1, &d.req), -EINVAL);
	cr_assert_eq(io_reader_read(r, 0, 0, 0, 0, &d.req), -EINVAL);
	cr_assert_eq(io_reader_read(r, 0, 0, 0, 10, &nocb.req), -EINVAL);
	cr_assert_eq(io_reader_pending(r), 0);
	io_reader__destroy(r);
	cr_assert_eq(io_reader__create(0, area, NFRAMES * FRAME, &r), -EINVAL);
}

Test(io_reader, short_reads_are_continued, .init = setup, .fini = teardown)
{
	struct done d = {.req.done = on_done};
	struct io_reader_stats st;
	struct io_reader *r;
	uint8_t data[3000];
	int p[2];

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 3);
	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(io_reader__create(8, area, NFRAMES * FRAME, &r), 0);
	/* A pipe returns what it holds: the first read comes back short. */
	cr_assert_eq(write(p[1], data, 1000), 1000);
	cr_assert_eq(io_reader_read(r, p[0], 0, 2 * FRAME, sizeof(data), &d.req), 0);
	io_reader_submit(r);
	for (int i = 0; i < 500; i++) {
		io_reader_stats(r, &st);
		if (st.short_reads)
			break;
		poll(&(struct pollfd){.fd = io_reader_fd(r), .events = POLLIN}, 1, 10);
		io_reader_complete(r);
	}
	cr_assert_eq(st.short_reads, 1);
	cr_assert_eq(d.calls, 0, "not finished after the short read");
	cr_assert_eq(write(p[1], data + 1000, 2000), 2000);
	wait_done(r, &d);
	cr_assert_eq(d.res, (int)sizeof(data));
	cr_assert_arr_eq(area + 2 * FRAME, data, sizeof(data));
	io_reader__destroy(r);
	close(p[0]);
	close(p[1]);
}

Test(io_reader, more_requests_than_the_ring_holds, .init = setup, .fini = teardown)
{
	enum { N = 60 };
	struct done d[N];
	struct io_reader_stats st;
	struct io_reader *r;
	uint8_t *content;
	int fd = make_file("c", N * 100, &content);

	cr_assert_eq(io_reader__create(2, area, NFRAMES * FRAME, &r), 0);
	for (int i = 0; i < N; i++) {
		d[i] = (struct done){.req.done = on_done};
		cr_assert_eq(io_reader_read(r, fd, (uint64_t)i * 100, (uint64_t)i * FRAME, 100,
					    &d[i].req),
			     0);
	}
	io_reader_stats(r, &st);
	cr_assert_gt(st.deferred, 0, "a small ring makes requests wait");
	io_reader_submit(r);
	cr_assert_eq(io_reader_drain(r, 5000), 0);
	for (int i = 0; i < N; i++) {
		cr_assert_eq(d[i].calls, 1, "request %d", i);
		cr_assert_eq(d[i].res, 100);
		cr_assert_arr_eq(area + (uint64_t)i * FRAME, content + i * 100, 100);
	}
	io_reader__destroy(r);
	close(fd);
	free(content);
}

Test(io_reader, fd_turns_readable_on_completion, .init = setup, .fini = teardown)
{
	struct done d = {.req.done = on_done};
	struct pollfd pfd;
	struct io_reader *r;
	uint8_t *content;
	int fd = make_file("d", 5000, &content);

	cr_assert_eq(io_reader__create(8, area, NFRAMES * FRAME, &r), 0);
	pfd = (struct pollfd){.fd = io_reader_fd(r), .events = POLLIN};
	cr_assert_eq(poll(&pfd, 1, 0), 0, "nothing to reap yet");
	cr_assert_eq(io_reader_read(r, fd, 0, 0, 5000, &d.req), 0);
	io_reader_submit(r);
	cr_assert_eq(poll(&pfd, 1, 5000), 1, "completion signalled on the fd");
	cr_assert_eq(io_reader_complete(r), 1);
	cr_assert_eq(d.res, 5000);
	cr_assert_eq(poll(&pfd, 1, 0), 0, "reaping clears the fd");
	io_reader__destroy(r);
	close(fd);
	free(content);
}

Test(io_reader, destroy_cancels_reads_under_way, .init = setup, .fini = teardown)
{
	struct done d = {.req.done = on_done};
	struct io_reader *r;
	int p[2];

	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(io_reader__create(8, area, NFRAMES * FRAME, &r), 0);
	cr_assert_eq(io_reader_read(r, p[0], 0, 0, 100, &d.req), 0);
	io_reader_submit(r);
	io_reader__destroy(r); /* an empty pipe: the read would never finish */
	cr_assert_eq(d.calls, 0, "no callback after destroy");
	close(p[0]);
	close(p[1]);
}

/* Closes need no memory of the caller's: beyond the ring they queue, beyond the queue they are done
 * in place. */
Test(io_reader, closes_never_fail_for_lack_of_room, .init = setup, .fini = teardown)
{
	enum { N = 400 };
	struct io_reader_stats st;
	struct io_reader *r;
	int fds[N];

	cr_assert_eq(io_reader__create(8, area, NFRAMES * FRAME, &r), 0);
	for (int i = 0; i < N; i++) {
		fds[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
		cr_assert_geq(fds[i], 0);
	}
	for (int i = 0; i < N; i++)
		io_reader_close(r, fds[i]);
	io_reader_close(r, -1); /* ignored */
	cr_assert_gt(io_reader_pending(r), 0);
	io_reader_submit(r);
	cr_assert_eq(io_reader_drain(r, 5000), 0);
	io_reader_stats(r, &st);
	cr_assert_eq(st.closes + st.sync_closes, N);
	cr_assert_gt(st.sync_closes, 0, "the queue never filled");
	cr_assert_gt(st.closes, 0, "no close went through the ring");
	for (int i = 0; i < N; i++)
		cr_assert(fcntl(fds[i], F_GETFD) < 0 && errno == EBADF, "fd %d still open", fds[i]);
	io_reader__destroy(r);
}

/* A close queued when the reader goes away is still done. */
Test(io_reader, destroy_closes_what_is_queued, .init = setup, .fini = teardown)
{
	struct io_reader *r;
	int fds[300];

	cr_assert_eq(io_reader__create(8, area, NFRAMES * FRAME, &r), 0);
	for (int i = 0; i < 300; i++) {
		fds[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
		io_reader_close(r, fds[i]);
	}
	io_reader__destroy(r);
	for (int i = 0; i < 300; i++)
		cr_assert(fcntl(fds[i], F_GETFD) < 0 && errno == EBADF, "fd %d still open", fds[i]);
}
