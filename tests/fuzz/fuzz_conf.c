// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_conf.c — the daemon's option parser (daemon/conf.c) on arbitrary
 * command lines: the input is split at NUL bytes into argv[1..] (at most
 * 32 arguments). Properties: the parser returns 0, 1 or -EINVAL; after 0
 * the configuration is one the daemon can run — an interface name and a
 * document root that are NUL-terminated inside their arrays, at least one
 * and at most CONFIG_MAX_ENDPOINTS endpoints. (The parser's complaints go
 * to stderr: `make fuzz` runs this target with -close_fd_mask=2.)
 */
#include "fuzz/fuzz.h"

#include <errno.h>
#include <string.h>

#include "daemon/conf.h"

#define MAX_ARGS 32

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct xdpserve_config cfg;
	char *args[MAX_ARGS + 2], *copy = malloc(size + 1);
	int argc = 1, ret;

	memcpy(copy, data, size);
	copy[size] = '\0';
	args[0] = "xdpserved";
	for (char *p = copy; argc <= MAX_ARGS && p < copy + size; p += strlen(p) + 1)
		args[argc++] = p;
	args[argc] = NULL;

	ret = conf_parse_args(&cfg, argc, args);
	FUZZ_CHECK(ret == 0 || ret == 1 || ret == -EINVAL, "returned %d", ret);
	if (ret == 0) {
		FUZZ_CHECK(memchr(cfg.ifname, '\0', sizeof(cfg.ifname)) && cfg.ifname[0],
			   "interface name not terminated or empty");
		FUZZ_CHECK(memchr(cfg.root, '\0', sizeof(cfg.root)) && cfg.root[0],
			   "document root not terminated or empty");
		FUZZ_CHECK(cfg.nendpoints >= 1 && cfg.nendpoints <= CONFIG_MAX_ENDPOINTS,
			   "%u endpoints", cfg.nendpoints);
	}
	free(copy);
	return 0;
}
