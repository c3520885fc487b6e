// SPDX-License-Identifier: GPL-2.0-only
/*
 * replay.c — a main() for the fuzz targets that needs no libFuzzer: feeds
 * every file named on the command line (directories: every regular file in
 * them, sorted) to LLVMFuzzerTestOneInput() once, in a fresh heap copy of
 * exactly its size so the sanitizers see any overread. Used by
 * tests/fuzz/replay.sh in `make check`, with gcc or clang.
 *
 * Prints "replayed N inputs" and exits 0; a broken property aborts.
 */
#include "fuzz/fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

static int replay_file(const char *path, unsigned long *count)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long len;
	int err = -errno;

	if (!f)
		goto out;
	err = -EIO;
	if (fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		goto out;
	buf = malloc(len ? (size_t)len : 1);
	if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len)
		goto out;
	LLVMFuzzerTestOneInput(buf, (size_t)len);
	(*count)++;
	err = 0;
out:
	if (err)
		fprintf(stderr, "replay: cannot read %s: %s\n", path, strerror(-err));
	free(buf);
	if (f)
		fclose(f);
	return err;
}

static int replay_dir(const char *dir, unsigned long *count)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort), err = 0;

	if (n < 0) {
		fprintf(stderr, "replay: cannot list %s: %s\n", dir, strerror(errno));
		return -errno;
	}
	for (int i = 0; i < n; i++) {
		char path[4096];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (!stat(path, &st) && S_ISREG(st.st_mode) && replay_file(path, count))
			err = -EIO;
		free(names[i]);
	}
	free(names);
	return err;
}

int main(int argc, char **argv)
{
	unsigned long count = 0;
	int err = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st)) {
			fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
			err = 1;
		} else if (S_ISDIR(st.st_mode) ? replay_dir(argv[i], &count)
					       : replay_file(argv[i], &count)) {
			err = 1;
		}
	}
	printf("replayed %lu inputs\n", count);
	return err;
}
