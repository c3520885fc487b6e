// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for io/file_open.c: the open-and-check chain through a real
 * io_uring on a real temporary tree — regular files (with and without a
 * read fd), directories, FIFOs and device nodes (never opened for
 * reading: the reader counts one open, the O_PATH one), symlinks inside
 * and leaving the root, loops, missing paths and components that are not
 * directories; done() never runs from file_open_start().
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "io/file_open.h"

#define AREA 65536u

static uint8_t *area;
static struct io_reader *io;
static char dir[64];
static int root_fd;

struct result {
	struct file_open fo;
	bool done;
	int err;
};

static void on_done(struct file_open *fo, int err)
{
	struct result *r = container_of(fo, struct result, fo);

	r->done = true;
	r->err = err;
}

static void put(const char *name, const char *content)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(content, f);
	fclose(f);
}

static void setup(void)
{
	char path[160];

	area = aligned_alloc(4096, AREA);
	cr_assert_not_null(area);
	cr_assert_eq(io_reader__create(8, area, AREA, &io), 0);
	snprintf(dir, sizeof(dir), "/tmp/xdpserve-fo-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	put("hello.txt", "hello, world\n");
	snprintf(path, sizeof(path), "%s/sub", dir);
	cr_assert_eq(mkdir(path, 0755), 0);
	put("sub/inner.css", "body{}");
	snprintf(path, sizeof(path), "%s/fifo", dir);
	cr_assert_eq(mkfifo(path, 0644), 0);
	snprintf(path, sizeof(path), "%s/link-in", dir);
	cr_assert_eq(symlink("hello.txt", path), 0);
	snprintf(path, sizeof(path), "%s/link-out", dir);
	cr_assert_eq(symlink("/etc/hostname", path), 0);
	snprintf(path, sizeof(path), "%s/loop", dir);
	cr_assert_eq(symlink("loop", path), 0);
	root_fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(root_fd, 0);
}

static void teardown(void)
{
	char cmd[128];

	close(root_fd);
	io_reader__destroy(io);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
	free(area);
}

/* Run the chain for `path` to its end; the reader's open count in *opens. */
static struct result run(const char *path, bool want_fd, uint64_t *opens)
{
	struct result r = {.fo.done = on_done};
	struct io_reader_stats st;

	cr_assert_eq(file_open_start(&r.fo, io, root_fd, path, want_fd), 0);
	cr_assert(!r.done, "done() ran from file_open_start()");
	for (int i = 0; i < 100 && !r.done; i++)
		io_reader_drain(io, 20);
	cr_assert(r.done, "the chain for %s never finished", path);
	cr_assert_eq(io_reader_drain(io, 1000), 0, "closes still pending");
	io_reader_stats(io, &st);
	if (opens)
		*opens = st.opens;
	return r;
}

TestSuite(file_open, .init = setup, .fini = teardown);

Test(file_open, regular_file_with_a_read_fd)
{
	struct result r = run("hello.txt", true, NULL);
	struct stat st;
	char buf[32] = {0};
	char path[128];

	cr_assert_eq(r.err, 0);
	cr_assert_geq(r.fo.fd, 0);
	cr_assert_eq(pread(r.fo.fd, buf, sizeof(buf) - 1, 0), 13);
	cr_assert_str_eq(buf, "hello, world\n");
	snprintf(path, sizeof(path), "%s/hello.txt", dir);
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(r.fo.meta.size, 13);
	cr_assert_eq(r.fo.meta.ino, st.st_ino);
	cr_assert_eq(r.fo.meta.mtime_ns,
		     (uint64_t)st.st_mtim.tv_sec * 1000000000ull + (uint64_t)st.st_mtim.tv_nsec);
	cr_assert_eq(r.fo.meta.dev, (uint64_t)st.st_dev);
	close(r.fo.fd);
}

Test(file_open, metadata_only_opens_nothing_for_reading)
{
	uint64_t opens;
	struct result r = run("sub/inner.css", false, &opens);

	cr_assert_eq(r.err, 0);
	cr_assert_eq(r.fo.fd, -1);
	cr_assert_eq(r.fo.meta.size, 6);
	cr_assert_eq(opens, 1, "only the O_PATH open");
}

Test(file_open, symlink_inside_the_root_is_followed)
{
	struct result r = run("link-in", true, NULL);

	cr_assert_eq(r.err, 0);
	cr_assert_eq(r.fo.meta.size, 13);
	close(r.fo.fd);
}

Test(file_open, fifo_is_refused_and_never_opened_for_reading)
{
	uint64_t opens;
	struct result r = run("fifo", true, &opens);

	cr_assert_eq(r.err, -EACCES);
	cr_assert_eq(r.fo.fd, -1);
	cr_assert_eq(opens, 1, "a FIFO was opened for reading");
}

Test(file_open, device_node_is_refused_and_never_opened_for_reading)
{
	char path[128];
	uint64_t opens;
	struct result r;

	snprintf(path, sizeof(path), "%s/null", dir);
	if (mknod(path, S_IFCHR | 0644, makedev(1, 3)))
		cr_skip_test("mknod needs CAP_MKNOD: %s", strerror(errno));
	r = run("null", true, &opens);
	cr_assert_eq(r.err, -EACCES);
	cr_assert_eq(opens, 1, "a device node was opened for reading");
}

Test(file_open, directories_and_the_root_itself)
{
	cr_assert_eq(run("sub", true, NULL).err, -EISDIR);
	cr_assert_eq(run("", true, NULL).err, -EISDIR);
}

Test(file_open, paths_that_are_not_there)
{
	cr_assert_eq(run("missing.html", true, NULL).err, -ENOENT);
	cr_assert_eq(run("hello.txt/x", true, NULL).err, -ENOENT);
	cr_assert_eq(run("nodir/x", false, NULL).err, -ENOENT);
}

Test(file_open, symlinks_leaving_the_root_or_looping)
{
	cr_assert_eq(run("link-out", true, NULL).err, -EXDEV);
	cr_assert_eq(run("link-out", false, NULL).err, -EXDEV);
	cr_assert_eq(run("loop", true, NULL).err, -ELOOP);
	cr_assert_eq(run("../etc/passwd", true, NULL).err, -EXDEV);
}

Test(file_open, many_at_once_beyond_the_ring)
{
	struct result r[40];
	int done = 0;

	for (int i = 0; i < 40; i++) {
		r[i] = (struct result){.fo.done = on_done};
		cr_assert_eq(
			file_open_start(&r[i].fo, io, root_fd, i % 2 ? "hello.txt" : "nope", true),
			0);
	}
	for (int t = 0; t < 200 && done < 40; t++) {
		io_reader_drain(io, 20);
		done = 0;
		for (int i = 0; i < 40; i++)
			done += r[i].done;
	}
	cr_assert_eq(done, 40);
	for (int i = 0; i < 40; i++) {
		cr_assert_eq(r[i].err, i % 2 ? 0 : -ENOENT);
		if (i % 2)
			close(r[i].fo.fd);
	}
}
