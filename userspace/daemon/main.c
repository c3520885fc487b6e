// SPDX-License-Identifier: GPL-2.0-only
/*
 * main.c — xdpserved: parse the command line, set the log level, run.
 */
#include <stdlib.h>

#include "common/log.h"
#include "daemon/conf.h"
#include "daemon/daemon.h"
#include "steer/steer.h"

int main(int argc, char **argv)
{
	static struct xdpserve_config cfg;
	int ret = conf_parse_args(&cfg, argc, argv);

	if (ret)
		return ret > 0 ? EXIT_SUCCESS : 2;
	log_set_level(cfg.log_level);
	steer_log_libraries();
	return daemon_run(&cfg);
}
