// SPDX-License-Identifier: GPL-2.0-only
/*
 * main.c — xdpserved: read the configuration (file + flags), answer
 * --check, or set the log level and run the daemon with it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "daemon/conf.h"
#include "daemon/daemon.h"
#include "steer/steer.h"

/* --check is looked for before parsing, so a parse error still exits 1. */
static bool main_wants_check(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--check"))
			return true;
	return false;
}

static int main_check(const struct xdpserve_config *cfg)
{
	struct conf_report r = {0};

	if (conf_check(cfg, &r, NULL))
		return EXIT_FAILURE;
	printf("configuration OK\n");
	return EXIT_SUCCESS;
}

int main(int argc, char **argv)
{
	struct xdpserve_config *cfg = malloc(sizeof(*cfg));
	bool check = main_wants_check(argc, argv);
	int ret;

	if (!cfg) {
		fprintf(stderr, "xdpserved: out of memory\n");
		return EXIT_FAILURE;
	}
	ret = conf_load(cfg, argc, argv, NULL);
	if (ret) {
		free(cfg);
		return ret > 0 ? EXIT_SUCCESS : check ? EXIT_FAILURE : 2;
	}
	if (check) {
		log_set_level(LOG_LEVEL_ERR); /* warnings are not problems */
		ret = main_check(cfg);
		free(cfg);
		return ret;
	}
	log_set_level(cfg->log_level);
	steer_log_libraries();
	return daemon_run(cfg, argc, argv);
}
