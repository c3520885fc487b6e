/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cli.h — xdpservectl's subcommand table and the helpers its subcommands
 * share. main.c dispatches argv[1] to one `struct cli_cmd`; each group of
 * subcommands lives in its own file:
 *
 *   steer_cmds.c  attach, detach           (the steering program, libxdp)
 *   addr.c        endpoint (alias addr)    (the served-endpoint map)
 *   status.c      status                   (daemon, else the pinned maps)
 *   stats.c       stats                    (daemon, else the pinned maps)
 *   daemon_cmds.c conns, cache, reload     (daemon only)
 *   doctor.c      doctor                   (the machine, the NIC, the daemon)
 *   client.c      the control socket's client side (JSON lines, json-c)
 */
#ifndef XDPSERVE_CLI_H
#define XDPSERVE_CLI_H

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>

struct json_object;

/* Exit statuses of xdpservectl. */
#define CLI_EXIT_OK    0
#define CLI_EXIT_FAIL  1 /* the command ran and failed; the reason was printed */
#define CLI_EXIT_USAGE 2 /* wrong arguments */

#define CLI_RUNTIME_DIR "/run/xdpserve"

/* Global options, for every subcommand. */
struct cli_env {
	const char *runtime_dir;    /* where daemons put IFACE.sock */
	const char *control_socket; /* this socket instead, whatever the interface */
};

struct cli_cmd {
	const char *name;    /* argv[1] */
	const char *args;    /* synopsis after the name, for --help */
	const char *summary; /* one line for --help */
	/* argv[0] is the subcommand's name; returns a CLI_EXIT_* status. */
	int (*run)(const struct cli_cmd *cmd, const struct cli_env *env, int argc, char **argv);
};

extern const struct cli_cmd cli_cmd_status;
extern const struct cli_cmd cli_cmd_stats;
extern const struct cli_cmd cli_cmd_conns;
extern const struct cli_cmd cli_cmd_cache;
extern const struct cli_cmd cli_cmd_endpoint;
extern const struct cli_cmd cli_cmd_addr;
extern const struct cli_cmd cli_cmd_attach;
extern const struct cli_cmd cli_cmd_detach;
extern const struct cli_cmd cli_cmd_reload;
extern const struct cli_cmd cli_cmd_doctor;

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
/* Write `o` as one line of plain JSON. */
void cli_json_print(FILE *out, struct json_object *o);

/* --- client.c: talking to a daemon -------------------------------------- */

/* The control socket of `ifname` into buf. */
void cli_socket_path(const struct cli_env *env, const char *ifname, char *buf, size_t len);

/*
 * Send `req` to the daemon of `ifname`, read one reply into *reply (the
 * caller puts it). 0; -ENOENT/-ECONNREFUSED when no daemon listens there
 * (nothing printed: callers fall back or say so), -EXDEV when the daemon
 * there serves another network namespace (printed); -EPROTO (printed) when
 * the reply is not JSON; a reply with "error" is printed and -EREMOTEIO.
 */
int cli_daemon_request(const struct cli_env *env, const char *ifname, struct json_object *req,
		       struct json_object **reply);
/* No daemon for this interface here: none listens, or it serves another namespace. */
static inline bool cli_no_daemon(int err)
{
	return err == -ENOENT || err == -ECONNREFUSED || err == -EXDEV;
}

/* The same for {"cmd": cmd}, optionally with one string member key=value. */
int cli_daemon_cmd(const struct cli_env *env, const char *ifname, const char *cmd, const char *key,
		   const char *value, struct json_object **reply);

/*
 * Interfaces with a control socket in the runtime dir, sorted, into
 * names (each IF_NAMESIZE bytes); returns how many (at most max).
 */
int cli_daemon_list(const struct cli_env *env, char (*names)[16], int max);

/*
 * The interface a command applies to: `given`, else the one daemon in the
 * runtime dir. NULL (printed) when none or several.
 */
const char *cli_pick_iface(const struct cli_cmd *cmd, const struct cli_env *env, const char *given,
			   char *buf);

/* Say that the daemon is not there and what is shown instead (stderr). */
void cli_say_fallback(const struct cli_env *env, const char *ifname, int err);

/*
 * What the pinned maps of IFACE tell without the daemon: mode, program,
 * the steering counters ("steer") and, when asked, the endpoints. NULL
 * (printed by userspace/steer) when no program is attached.
 */
struct json_object *cli_pinned_view(const char *ifname, bool endpoints);

#endif /* XDPSERVE_CLI_H */
