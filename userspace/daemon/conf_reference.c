// SPDX-License-Identifier: GPL-2.0-only
/*
 * conf_reference.c — conf-reference md|man: print the key reference from
 * the option table, for `make update-conf-docs` (scripts/conf-docs.sh),
 * which puts it into docs/configuration.md and man/xdpserve.conf.5.
 * tests/unit/daemon/test_conf_doc checks that both are up to date.
 */
#include <stdio.h>
#include <stdlib.h>

#include "daemon/conf.h"

int main(int argc, char **argv)
{
	if (argc != 2 || conf_write_reference(stdout, argv[1])) {
		fprintf(stderr, "usage: conf-reference md|man\n");
		return 2;
	}
	return EXIT_SUCCESS;
}
