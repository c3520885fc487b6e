// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_conf.c — the daemon's configuration (daemon/conf.c) on arbitrary
 * input, two ways:
 *  - an input starting "INI\n": the rest is a config file, read through
 *    --config (libinih, the option table, sections and per-address roots);
 *  - any other: split at NUL bytes into argv[1..] (at most 32 arguments).
 * Properties: conf_load returns 0, 1 or -EINVAL and reports a problem
 * whenever it says -EINVAL; after 0 the configuration is one the daemon
 * can run — an interface name and roots NUL-terminated inside their
 * arrays, at least one and at most CONFIG_MAX_ENDPOINTS endpoints, a root
 * for every exactly served address. (Problems go to a silent report;
 * `make fuzz` runs this target with -close_fd_mask=2 for what is left.)
 */
#include "fuzz/fuzz.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "daemon/conf.h"

#define MAX_ARGS 32

static void quiet(void *arg, const char *text)
{
	(void)arg, (void)text;
}

static void check_config(const struct xdpserve_config *cfg)
{
	FUZZ_CHECK(memchr(cfg->ifname, '\0', sizeof(cfg->ifname)) && cfg->ifname[0],
		   "interface name not terminated or empty");
	FUZZ_CHECK(memchr(cfg->root, '\0', sizeof(cfg->root)), "document root not terminated");
	FUZZ_CHECK(cfg->nendpoints >= 1 && cfg->nendpoints <= CONFIG_MAX_ENDPOINTS, "%u endpoints",
		   cfg->nendpoints);
	FUZZ_CHECK(cfg->nroots <= CONFIG_MAX_ROOTS, "%u roots", cfg->nroots);
	for (uint32_t i = 0; i < cfg->nroots; i++)
		FUZZ_CHECK(memchr(cfg->roots[i].dir, '\0', sizeof(cfg->roots[i].dir)) &&
				   cfg->roots[i].dir[0],
			   "root %u not terminated or empty", i);
	for (uint32_t i = 0; i < cfg->nendpoints; i++) {
		const struct xdpserve_endpoint_key *e = &cfg->endpoints[i];

		if (e->prefixlen == XDPSERVE_ENDPOINT_FIXED_BITS + (e->family == 4 ? 32u : 128u))
			FUZZ_CHECK(conf_root_for(cfg, e->family, e->addr, ntohs(e->port)),
				   "endpoint %u has no root", i);
	}
}

/* The file through a memfd, named by /proc/self/fd/N as --config takes it. */
static int load_file(struct xdpserve_config *cfg, const uint8_t *data, size_t size,
		     struct conf_report *r)
{
	char path[64], *args[] = {"xdpserved", "--config", path, NULL};
	int fd = memfd_create("fuzz_conf", MFD_CLOEXEC), ret;

	if (fd < 0)
		return -EINVAL; /* not the parser's fault: treated as refused */
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return -EINVAL;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ret = conf_load(cfg, 3, args, r);
	close(fd);
	return ret;
}

static int load_argv(struct xdpserve_config *cfg, const uint8_t *data, size_t size,
		     struct conf_report *r)
{
	char *args[MAX_ARGS + 2], *copy = malloc(size + 1);
	int argc = 1, ret;

	memcpy(copy, data, size);
	copy[size] = '\0';
	args[0] = "xdpserved";
	for (char *p = copy; argc <= MAX_ARGS && p < copy + size; p += strlen(p) + 1)
		args[argc++] = p;
	args[argc] = NULL;
	ret = conf_load(cfg, argc, args, r);
	free(copy);
	return ret;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct xdpserve_config cfg;
	struct conf_report r = {.line = quiet};
	int ret;

	if (size >= 4 && !memcmp(data, "INI\n", 4))
		ret = load_file(&cfg, data + 4, size - 4, &r);
	else
		ret = load_argv(&cfg, data, size, &r);
	FUZZ_CHECK(ret == 0 || ret == 1 || ret == -EINVAL, "returned %d", ret);
	FUZZ_CHECK(ret != -EINVAL || r.problems, "refused without saying why");
	if (ret == 0)
		check_config(&cfg);
	return 0;
}
