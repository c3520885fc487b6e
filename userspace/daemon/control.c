// SPDX-License-Identifier: GPL-2.0-only
/*
 * control.c — the control socket's transport: a Unix stream listener, its
 * clients, JSON-lines framing (json-c) and the dispatch of one request to
 * a command table (control.h). Runs in the main thread: daemon.c polls
 * control_fd() and calls control_process(); every socket is non-blocking,
 * so a slow or stuck client never holds the main thread up.
 */
#include "daemon/control.h"

#include <errno.h>
#include <grp.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/log.h"

#define CONTROL_MAX_CLIENTS 16
#define CONTROL_GROUP	    "xdpserve"

struct control_client {
	int fd; /* -1: slot free */
	size_t in_len;
	char in[CONTROL_LINE_MAX];
	char *out; /* replies not yet written */
	size_t out_len, out_off;
	bool closing; /* close once out is written */
};

struct control {
	int listen_fd;
	int epoll_fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	dev_t dev; /* the socket file we made: remove only that one */
	ino_t ino;
	const struct control_cmd *cmds;
	size_t ncmds;
	void *ctx;
	struct control_client clients[CONTROL_MAX_CLIENTS];
};

int control_error(struct json_object *reply, int err, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_object_object_add(reply, "error", json_object_new_string(msg));
	return err > 0 ? -err : (err ? err : -EINVAL);
}

static const struct control_cmd *control_find(const struct control_cmd *cmds, size_t ncmds,
					      const char *name)
{
	for (size_t i = 0; i < ncmds; i++)
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
	return NULL;
}

/* "netns": the namespace this daemon serves in, so a client in another one can tell. */
static void control_add_netns(struct json_object *reply)
{
	struct stat st;

	if (!stat("/proc/self/ns/net", &st))
		json_object_object_add(reply, "netns", json_object_new_uint64(st.st_ino));
}

/* The reply object for one request line. */
static struct json_object *control_dispatch(const struct control_cmd *cmds, size_t ncmds, void *ctx,
					    const char *line)
{
	struct json_object *reply = json_object_new_object();
	struct json_object *req = json_tokener_parse(line);
	struct json_object *name;
	const struct control_cmd *cmd;

	if (!reply)
		goto out;
	if (!req || !json_object_is_type(req, json_type_object)) {
		control_error(reply, EINVAL,
			      "a request is one JSON object per line, "
			      "such as {\"cmd\":\"status\"}");
		goto out;
	}
	if (!json_object_object_get_ex(req, "cmd", &name) ||
	    !json_object_is_type(name, json_type_string)) {
		control_error(reply, EINVAL, "the request has no \"cmd\" string");
		goto out;
	}
	cmd = control_find(cmds, ncmds, json_object_get_string(name));
	if (!cmd) {
		control_error(reply, ENOENT, "unknown command \"%s\"",
			      json_object_get_string(name));
		goto out;
	}
	cmd->run(ctx, req, reply);
	control_add_netns(reply);
out:
	json_object_put(req);
	return reply;
}

char *control_handle_line(const struct control_cmd *cmds, size_t ncmds, void *ctx, const char *line)
{
	struct json_object *reply = control_dispatch(cmds, ncmds, ctx, line);
	const char *text;
	char *out = NULL;

	if (!reply)
		return NULL;
	text = json_object_to_json_string_ext(reply, JSON_C_TO_STRING_PLAIN);
	if (text && asprintf(&out, "%s\n", text) < 0)
		out = NULL;
	json_object_put(reply);
	return out;
}

/* --- clients ------------------------------------------------------------- */

static void control_client_close(struct control *c, struct control_client *cl)
{
	epoll_ctl(c->epoll_fd, EPOLL_CTL_DEL, cl->fd, NULL);
	close(cl->fd);
	free(cl->out);
	memset(cl, 0, sizeof(*cl));
	cl->fd = -1;
}

static int control_client_queue(struct control_client *cl, const char *text)
{
	size_t len = strlen(text);
	char *grown;

	grown = realloc(cl->out, cl->out_len + len);
	if (!grown)
		return -ENOMEM;
	memcpy(grown + cl->out_len, text, len);
	cl->out = grown;
	cl->out_len += len;
	return 0;
}

/* Write what is queued; 0 when all went, -EAGAIN when the peer is slow, or -errno. */
static int control_client_flush(struct control *c, struct control_client *cl)
{
	struct epoll_event ev = {.data.ptr = cl};

	while (cl->out_off < cl->out_len) {
		ssize_t n = send(cl->fd, cl->out + cl->out_off, cl->out_len - cl->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			ev.events = EPOLLOUT;
			epoll_ctl(c->epoll_fd, EPOLL_CTL_MOD, cl->fd, &ev);
			return -EAGAIN;
		}
		if (n < 0)
			return -errno;
		cl->out_off += (size_t)n;
	}
	free(cl->out);
	cl->out = NULL;
	cl->out_len = cl->out_off = 0;
	ev.events = EPOLLIN;
	epoll_ctl(c->epoll_fd, EPOLL_CTL_MOD, cl->fd, &ev);
	return 0;
}

/* Answer every whole line in the input buffer. */
static int control_client_lines(struct control *c, struct control_client *cl)
{
	char *nl;

	while ((nl = memchr(cl->in, '\n', cl->in_len))) {
		size_t used = (size_t)(nl - cl->in) + 1;
		char *reply;
		int err;

		*nl = '\0';
		reply = control_handle_line(c->cmds, c->ncmds, c->ctx, cl->in);
		if (!reply)
			return -ENOMEM;
		err = control_client_queue(cl, reply);
		free(reply);
		if (err)
			return err;
		memmove(cl->in, cl->in + used, cl->in_len - used);
		cl->in_len -= used;
	}
	if (cl->in_len == sizeof(cl->in)) {
		cl->closing = true;
		return control_client_queue(cl, "{\"error\":\"request line too long\"}\n");
	}
	return 0;
}

static void control_client_ready(struct control *c, struct control_client *cl, uint32_t events)
{
	int err = 0;

	if (cl->out_len && control_client_flush(c, cl) == -EAGAIN)
		return;
	while (!cl->closing && !err) {
		ssize_t n = recv(cl->fd, cl->in + cl->in_len, sizeof(cl->in) - cl->in_len,
				 MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {
			cl->closing = true; /* EOF: answer what came, then close */
			err = control_client_lines(c, cl);
			break;
		}
		cl->in_len += (size_t)n;
		err = control_client_lines(c, cl);
	}
	if (!err)
		err = control_client_flush(c, cl);
	if (err == -EAGAIN)
		return;
	if (err || cl->closing || (events & (EPOLLERR | EPOLLHUP)))
		control_client_close(c, cl);
}

static void control_accept(struct control *c)
{
	for (;;) {
		int fd = accept4(c->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct control_client *cl = NULL;
		struct epoll_event ev = {.events = EPOLLIN};

		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR)
				pr_warn("control socket %s: accept: %s", c->path, strerror(errno));
			return;
		}
		for (int i = 0; i < CONTROL_MAX_CLIENTS && !cl; i++)
			if (c->clients[i].fd < 0)
				cl = &c->clients[i];
		if (!cl) {
			static const char busy[] = "{\"error\":\"too many control clients\"}\n";

			if (send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
				pr_debug("control socket: %s", strerror(errno));
			close(fd);
			continue;
		}
		cl->fd = fd;
		ev.data.ptr = cl;
		if (epoll_ctl(c->epoll_fd, EPOLL_CTL_ADD, fd, &ev)) {
			close(fd);
			cl->fd = -1;
		}
	}
}

void control_process(struct control *c)
{
	struct epoll_event ev[CONTROL_MAX_CLIENTS + 1];
	int n;

	if (!c)
		return;
	n = epoll_wait(c->epoll_fd, ev, CONTROL_MAX_CLIENTS + 1, 0);
	for (int i = 0; i < n; i++) {
		if (ev[i].data.ptr == c)
			control_accept(c);
		else
			control_client_ready(c, ev[i].data.ptr, ev[i].events);
	}
}

int control_fd(const struct control *c)
{
	return c ? c->epoll_fd : -1;
}

/* --- the listener -------------------------------------------------------- */

void control_netns_prefix(char *buf, size_t len)
{
	struct stat init, self;

	/* Unreadable /proc/1 (not root): take it for the same namespace. */
	if (stat("/proc/1/ns/net", &init) || stat("/proc/self/ns/net", &self) ||
	    (init.st_ino == self.st_ino && init.st_dev == self.st_dev))
		snprintf(buf, len, "%s", "");
	else
		snprintf(buf, len, "%llu-", (unsigned long long)self.st_ino);
}

void control_default_path(const char *dir, const char *ifname, char *buf, size_t len)
{
	char prefix[32];

	control_netns_prefix(prefix, sizeof(prefix));
	snprintf(buf, len, "%s/%s%s.sock", dir, prefix, ifname);
}

/* Is a daemon answering on `addr`? Then its socket must not be taken over. */
static bool control_path_alive(const struct sockaddr_un *addr)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool alive;

	if (fd < 0)
		return false;
	alive = !connect(fd, (const struct sockaddr *)addr, sizeof(*addr));
	close(fd);
	return alive;
}

static int control_mkdir_parent(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0755) && errno != EEXIST) {
		int err = -errno;

		pr_err("cannot create %s for the control socket: %s", dir, strerror(-err));
		return err;
	}
	return 0;
}

/* Mode 0660 and, when the group exists, group xdpserve: its members may use xdpservectl. */
static void control_set_owner(const char *path)
{
	struct group *gr = getgrnam(CONTROL_GROUP);

	if (chmod(path, 0660))
		pr_warn("control socket %s: chmod: %s", path, strerror(errno));
	if (gr && chown(path, (uid_t)-1, gr->gr_gid))
		pr_warn("control socket %s: cannot give it to group %s: %s", path, CONTROL_GROUP,
			strerror(errno));
}

static int control_listen(struct control *c, const char *path)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	struct stat st;
	int err;

	if (strlen(path) >= sizeof(addr.sun_path)) {
		pr_err("control socket path %s is longer than %zu bytes; give a shorter "
		       "--control-socket",
		       path, sizeof(addr.sun_path) - 1);
		return -ENAMETOOLONG;
	}
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	snprintf(c->path, sizeof(c->path), "%s", path);
	err = control_mkdir_parent(path);
	if (err)
		return err;
	if (control_path_alive(&addr)) {
		pr_warn("control socket %s is in use by another xdpserved (perhaps on an interface "
			"of the same name in another network namespace); give each its own "
			"--control-socket",
			path);
		return -EADDRINUSE;
	}
	unlink(path);
	c->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->listen_fd < 0 || bind(c->listen_fd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    listen(c->listen_fd, 16)) {
		err = -errno;
		pr_err("control socket %s: %s", path, strerror(-err));
		return err;
	}
	control_set_owner(path);
	if (!stat(path, &st)) {
		c->dev = st.st_dev;
		c->ino = st.st_ino;
	}
	return 0;
}

int control__create(const char *path, const struct control_cmd *cmds, size_t ncmds, void *ctx,
		    struct control **out)
{
	struct epoll_event ev = {.events = EPOLLIN};
	struct control *c = calloc(1, sizeof(*c));
	int err;

	if (!c)
		return -ENOMEM;
	c->listen_fd = c->epoll_fd = -1;
	for (int i = 0; i < CONTROL_MAX_CLIENTS; i++)
		c->clients[i].fd = -1;
	c->cmds = cmds;
	c->ncmds = ncmds;
	c->ctx = ctx;
	err = control_listen(c, path);
	if (err)
		goto out;
	c->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	ev.data.ptr = c;
	if (c->epoll_fd < 0 || epoll_ctl(c->epoll_fd, EPOLL_CTL_ADD, c->listen_fd, &ev)) {
		err = -errno;
		pr_err("control socket %s: epoll: %s", path, strerror(errno));
		goto out;
	}
	*out = c;
	return 0;
out:
	control__destroy(c);
	return err;
}

void control__destroy(struct control *c)
{
	struct stat st;

	if (!c)
		return;
	for (int i = 0; i < CONTROL_MAX_CLIENTS; i++)
		if (c->clients[i].fd >= 0)
			control_client_close(c, &c->clients[i]);
	if (c->listen_fd >= 0) {
		close(c->listen_fd);
		/* Only our own socket: a successor may have put its own there. */
		if (!stat(c->path, &st) && st.st_dev == c->dev && st.st_ino == c->ino)
			unlink(c->path);
	}
	if (c->epoll_fd >= 0)
		close(c->epoll_fd);
	free(c);
}
