/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * control.h — the daemon's control socket: a Unix stream socket on which
 * xdpservectl (or anyone allowed to connect) sends JSON lines, one request
 * object per line, {"cmd":"status",...}, and gets one reply object per line;
 * failures are {"error":"..."}. docs/operations.md, "Control socket".
 *
 * control.c owns the socket, the clients and the framing and dispatches a
 * request to a command table; control_cmds.c is the daemon's table. All of
 * it runs in the main thread (daemon.c polls control_fd()); the commands
 * reach the workers only through worker_call().
 */
#ifndef XDPSERVE_CONTROL_H
#define XDPSERVE_CONTROL_H

#include <stddef.h>
#include <stdint.h>

struct json_object;
struct control;
struct steer;
struct worker;
struct xdpserve_config;

/* Longest request line; a longer one gets an error and the client is closed. */
#define CONTROL_LINE_MAX 8192

struct control_cmd {
	const char *name; /* the request's "cmd" */
	/*
	 * Fill `reply` (an empty object) from `req`. Return 0, or -errno after
	 * control_error() put the message in `reply`.
	 */
	int (*run)(void *ctx, struct json_object *req, struct json_object *reply);
};

/*
 * Set `reply`'s "error" to the printf-style message and return -err
 * (err positive or negative), for a command's `return control_error(...)`.
 */
int control_error(struct json_object *reply, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * One request line (without its newline) -> the reply line, newline
 * included, malloc()ed (NULL when out of memory). Unknown commands and
 * malformed JSON get an error reply. Pure: the unit tests drive it with a
 * fake table.
 */
char *control_handle_line(const struct control_cmd *cmds, size_t ncmds, void *ctx,
			  const char *line);

/*
 * The default socket of `ifname` under `dir` (/run/xdpserve):
 * DIR/IFACE.sock in the network namespace of PID 1, else
 * DIR/<netns inode>-IFACE.sock, so that daemons on interfaces of the same
 * name in different namespaces (containers, tests) do not meet, and an
 * xdpservectl in a namespace finds the daemon of that namespace.
 * control_netns_prefix() gives that prefix ("" or "<inode>-").
 */
void control_default_path(const char *dir, const char *ifname, char *buf, size_t len);
void control_netns_prefix(char *buf, size_t len);

/*
 * Listen on `path` (its directory is created; mode 0660, group xdpserve
 * when that group exists). A stale socket there is replaced; a live one
 * (another daemon answers) is -EADDRINUSE. 0 or -errno, logged.
 */
int control__create(const char *path, const struct control_cmd *cmds, size_t ncmds, void *ctx,
		    struct control **out);
/* Close every client and the socket, remove the path. NULL is fine. */
void control__destroy(struct control *c);
/* One fd for the main loop's poll() (POLLIN): -1 for NULL. */
int control_fd(const struct control *c);
/* Accept, read, answer whatever is ready; never blocks. */
void control_process(struct control *c);

/*
 * What the daemon's commands (control_cmds.c) look at; daemon.c fills it
 * and keeps it valid while the control socket is open.
 */
struct control_daemon {
	const struct xdpserve_config *const *cfg; /* the configuration in force */
	struct steer *steer;
	struct worker *const *workers;
	uint32_t nqueues;
	uint64_t start_realtime_s;
	uint64_t start_mono_ns;
	int pid;
	const uint64_t *reloads, *reloads_refused; /* SIGHUPs applied, and refused */
};

extern const struct control_cmd control_daemon_cmds[];
extern const size_t control_daemon_ncmds;

/*
 * The "stats" reply for `d` into `reply`, also what the metrics endpoint
 * formats. 0 or -errno (with an "error" member).
 */
int control_daemon_stats(struct control_daemon *d, struct json_object *reply);

#endif /* XDPSERVE_CONTROL_H */
