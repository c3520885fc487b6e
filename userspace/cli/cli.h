/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cli.h — xdpservectl's subcommand table and the helpers its subcommands
 * share. main.c dispatches argv[1] to one `struct cli_cmd`; each group of
 * subcommands lives in its own file (steer_cmds.c: attach/detach, addr.c,
 * stats.c), so later groups (status, connections, cache, doctor, talking to
 * the daemon over its control socket) are one more file and one more table
 * entry.
 */
#ifndef XDPSERVE_CLI_H
#define XDPSERVE_CLI_H

#include <stdbool.h>
#include <stdio.h>

/* Exit statuses of xdpservectl. */
#define CLI_EXIT_OK    0
#define CLI_EXIT_FAIL  1 /* the command ran and failed; the reason was printed */
#define CLI_EXIT_USAGE 2 /* wrong arguments */

struct cli_cmd {
	const char *name;    /* argv[1] */
	const char *args;    /* synopsis after the name, for --help */
	const char *summary; /* one line for --help */
	/* argv[0] is the subcommand's name; returns a CLI_EXIT_* status. */
	int (*run)(const struct cli_cmd *cmd, int argc, char **argv);
};

extern const struct cli_cmd cli_cmd_attach;
extern const struct cli_cmd cli_cmd_detach;
extern const struct cli_cmd cli_cmd_addr;
extern const struct cli_cmd cli_cmd_stats;

/* "usage: xdpservectl NAME ARGS" on `out`. */
void cli_cmd_usage(const struct cli_cmd *cmd, FILE *out);

/* Print "xdpservectl NAME: <message>" and the usage; returns CLI_EXIT_USAGE. */
int cli_usage_error(const struct cli_cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Parse the options query commands share: --help, and --json when `json`
 * is not NULL. Returns -1 to go on (optind at the first operand), else the
 * CLI_EXIT_* status to return at once.
 */
int cli_parse_common(const struct cli_cmd *cmd, int argc, char **argv, bool *json);

/* Write `s` as a JSON string, quotes included. */
void cli_json_string(FILE *out, const char *s);

#endif /* XDPSERVE_CLI_H */
