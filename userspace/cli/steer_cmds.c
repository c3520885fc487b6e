// SPDX-License-Identifier: GPL-2.0-only
/*
 * steer_cmds.c — `xdpservectl attach` and `xdpservectl detach`: put the
 * steering program on an interface through libxdp, or take it off (whoever
 * loaded it, libxdp or ip link). Dispatched from main.c.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "steer/steer.h"

#define CLI_DEFAULT_OBJ XDPSERVE_BPF_OBJ_DIR "/xdpserve.bpf.o"

static int cli_attach(const struct cli_cmd *cmd, const struct cli_env *env, int argc, char **argv)
{
	static const struct option opts[] = {
		{"obj", required_argument, NULL, 'o'},
		{"mode", required_argument, NULL, 'm'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	enum steer_mode mode = STEER_MODE_AUTO;
	const char *obj = getenv("XDPSERVE_BPF_OBJ");
	struct steer *s = NULL;
	int c;

	if (!obj || !*obj)
		obj = CLI_DEFAULT_OBJ;
	while ((c = getopt_long(argc, argv, "o:m:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			obj = optarg;
			break;
		case 'm':
			if (steer_mode_parse(optarg, &mode))
				return cli_usage_error(
					cmd, "unknown mode '%s' (auto, native or skb)", optarg);
			break;
		case 'h':
			cli_cmd_usage(cmd, stdout);
			return CLI_EXIT_OK;
		default:
			cli_cmd_usage(cmd, stderr);
			return CLI_EXIT_USAGE;
		}
	}
	if (argc - optind != 1)
		return cli_usage_error(cmd, "expected one interface");
	/* The library says what it attached, in which mode, at info level. */
	if (steer__attach(argv[optind], obj, mode, &s))
		return CLI_EXIT_FAIL;
	steer__close(s);
	return CLI_EXIT_OK;
}

static int cli_detach(const struct cli_cmd *cmd, const struct cli_env *env, int argc, char **argv)
{
	struct steer *s = NULL;
	int err;

	err = cli_parse_common(cmd, argc, argv, NULL);
	if (err >= 0)
		return err;
	if (argc - optind != 1)
		return cli_usage_error(cmd, "expected one interface");
	if (steer__open(argv[optind], &s))
		return CLI_EXIT_FAIL;
	err = steer__detach(s);
	steer__close(s);
	return err ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

const struct cli_cmd cli_cmd_attach = {
	.name = "attach",
	.args = "IFACE [--obj PATH] [--mode auto|native|skb]",
	.summary = "load the steering program on IFACE through libxdp (auto: native, else skb)",
	.run = cli_attach,
};

const struct cli_cmd cli_cmd_detach = {
	.name = "detach",
	.args = "IFACE",
	.summary = "remove the steering program from IFACE; the kernel gets all traffic back",
	.run = cli_detach,
};
