// SPDX-License-Identifier: GPL-2.0-only
/*
 * main.c — xdpservectl: global options and the dispatch of argv[1] to a
 * subcommand (cli.h). The subcommands ask the daemon over its control
 * socket (client.c) or drive the steering program through userspace/steer.
 */
#include "config.h"

#include <getopt.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/log.h"
#include "steer/steer.h"

static const struct cli_cmd *const cli_cmds[] = {
	&cli_cmd_status, &cli_cmd_stats,  &cli_cmd_conns,  &cli_cmd_cache,  &cli_cmd_endpoint,
	&cli_cmd_addr,	 &cli_cmd_attach, &cli_cmd_detach, &cli_cmd_reload, &cli_cmd_doctor,
};

#define CLI_NCMDS (sizeof(cli_cmds) / sizeof(cli_cmds[0]))

void cli_cmd_usage(const struct cli_cmd *cmd, FILE *out)
{
	fprintf(out, "usage: xdpservectl %s %s\n", cmd->name, cmd->args);
}

int cli_usage_error(const struct cli_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "xdpservectl %s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	cli_cmd_usage(cmd, stderr);
	return CLI_EXIT_USAGE;
}

int cli_parse_common(const struct cli_cmd *cmd, int argc, char **argv, bool *json)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	while ((c = getopt_long(argc, argv, json ? "jh" : "h", json ? opts : opts + 1, NULL)) !=
	       -1) {
		if (c == 'j') {
			*json = true;
			continue;
		}
		cli_cmd_usage(cmd, c == 'h' ? stdout : stderr);
		return c == 'h' ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	}
	return -1;
}

void cli_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

void cli_json_print(FILE *out, struct json_object *o)
{
	fprintf(out, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
}

static void cli_help(FILE *out)
{
	fprintf(out, "usage: xdpservectl [OPTIONS] COMMAND [ARGS]\n"
		     "\n"
		     "Inspect and control xdpserved and its XDP steering program, in the\n"
		     "manner of ip and ss. Commands ask the daemon over its control socket;\n"
		     "status and stats read the steering program's pinned maps when no\n"
		     "daemon answers, and endpoint, attach and detach always work on the maps.\n"
		     "IFACE may be left out when one daemon runs.\n"
		     "\n"
		     "Commands:\n");
	for (size_t i = 0; i < CLI_NCMDS; i++) {
		char left[160];

		snprintf(left, sizeof(left), "%s %s", cli_cmds[i]->name, cli_cmds[i]->args);
		fprintf(out, "  %s\n      %s\n", left, cli_cmds[i]->summary);
	}
	fprintf(out,
		"\n"
		"Options:\n"
		"  -v, --verbose  also print debug messages (libbpf and libxdp included)\n"
		"  -q, --quiet    print errors and warnings only\n"
		"  -R, --runtime-dir DIR  where daemons put their control sockets, IFACE.sock\n"
		"                 (default $XDPSERVE_RUNTIME_DIR, else " CLI_RUNTIME_DIR ")\n"
		"  -S, --control-socket PATH  talk to the daemon on this socket\n"
		"  -h, --help     this text (COMMAND --help: that command's usage)\n"
		"  -V, --version  print the version\n"
		"\n"
		"ENDPOINT is ADDR[/PREFIX]:PORT, IPv6 in brackets: 198.18.0.1:80,\n"
		"198.18.0.0/24:80, 0.0.0.0/0:80, [fd00::1]:8080, [fd00::/64]:80.\n"
		"The BPF object is $XDPSERVE_BPF_OBJ if set, else %s.\n"
		"Exit status: 0 done, 1 failed (the reason is printed), 2 wrong arguments.\n",
		XDPSERVE_BPF_OBJ_DIR "/xdpserve.bpf.o");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"verbose", no_argument, NULL, 'v'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{"runtime-dir", required_argument, NULL, 'R'},
		{"control-socket", required_argument, NULL, 'S'},
		{NULL, 0, NULL, 0},
	};
	enum log_level level = LOG_LEVEL_INFO;
	struct cli_env env = {.runtime_dir = getenv("XDPSERVE_RUNTIME_DIR")};
	int c;

	if (!env.runtime_dir || !*env.runtime_dir)
		env.runtime_dir = CLI_RUNTIME_DIR;
	/* '+': stop at the first non-option, which is the subcommand. */
	while ((c = getopt_long(argc, argv, "+vqhVR:S:", opts, NULL)) != -1) {
		switch (c) {
		case 'R':
			env.runtime_dir = optarg;
			break;
		case 'S':
			env.control_socket = optarg;
			break;
		case 'v':
			level = LOG_LEVEL_DEBUG;
			break;
		case 'q':
			level = LOG_LEVEL_WARN;
			break;
		case 'h':
			cli_help(stdout);
			return CLI_EXIT_OK;
		case 'V':
			printf("xdpservectl %s\n", PACKAGE_VERSION);
			return CLI_EXIT_OK;
		default:
			cli_help(stderr);
			return CLI_EXIT_USAGE;
		}
	}
	log_set_level(level);
	steer_log_libraries();

	if (optind >= argc) {
		cli_help(stderr);
		return CLI_EXIT_USAGE;
	}
	for (size_t i = 0; i < CLI_NCMDS; i++) {
		if (!strcmp(argv[optind], cli_cmds[i]->name)) {
			int sub_argc = argc - optind;
			char **sub_argv = argv + optind;

			/* 0, not 1: glibc then forgets the "+" of the loop above. */
			optind = 0;
			return cli_cmds[i]->run(cli_cmds[i], &env, sub_argc, sub_argv);
		}
	}
	fprintf(stderr, "xdpservectl: unknown command '%s'; see xdpservectl --help\n",
		argv[optind]);
	return CLI_EXIT_USAGE;
}
