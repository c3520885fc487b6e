// SPDX-License-Identifier: GPL-2.0-only
/*
 * client.c — xdpservectl's side of the control socket (docs/operations.md,
 * "Control socket"): one JSON request line out, one reply line back, with
 * json-c. Used by every subcommand that asks the daemon.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli/cli.h"
#include "daemon/control.h"

/* A daemon busy with a large answer still replies well within this. */
#define CLI_REPLY_TIMEOUT_S 10

void cli_socket_path(const struct cli_env *env, const char *ifname, char *buf, size_t len)
{
	if (env->control_socket)
		snprintf(buf, len, "%s", env->control_socket);
	else
		control_default_path(env->runtime_dir, ifname, buf, len);
}

static int cli_connect(const char *path)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	struct timeval tv = {.tv_sec = CLI_REPLY_TIMEOUT_S};
	int fd, err;
	size_t len = strlen(path);

	if (len >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	memcpy(addr.sun_path, path, len + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

static int cli_send_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Read up to the first newline into a malloc()ed string. */
static int cli_read_line(int fd, char **out)
{
	size_t len = 0, cap = 0;
	char *buf = NULL;

	for (;;) {
		ssize_t n;
		char *grown;

		if (len + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 16384;
			grown = realloc(buf, cap);
			if (!grown) {
				free(buf);
				return -ENOMEM;
			}
			buf = grown;
		}
		n = recv(fd, buf + len, cap - len - 1, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(buf);
			return n < 0 ? -errno : -ECONNRESET;
		}
		len += (size_t)n;
		if (memchr(buf + len - n, '\n', (size_t)n))
			break;
	}
	buf[len] = '\0';
	*out = buf;
	return 0;
}

/*
 * A daemon in another network namespace may own the same path (the same
 * interface name there): its answers would be about another interface.
 */
static bool cli_other_netns(const char *path, struct json_object *reply)
{
	struct json_object *v;
	struct stat self;

	if (!json_object_object_get_ex(reply, "netns", &v) || stat("/proc/self/ns/net", &self) ||
	    (uint64_t)json_object_get_uint64(v) == (uint64_t)self.st_ino)
		return false;
	fprintf(stderr,
		"xdpservectl: the daemon on %s serves an interface of another network namespace "
		"(netns %" PRIu64 ", this is %llu); run xdpservectl in its namespace (ip netns "
		"exec) or give --control-socket\n",
		path, (uint64_t)json_object_get_uint64(v), (unsigned long long)self.st_ino);
	return true;
}

int cli_daemon_request(const struct cli_env *env, const char *ifname, struct json_object *req,
		       struct json_object **reply)
{
	char path[sizeof(((struct sockaddr_un *)0)->sun_path) + 64];
	const char *text = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
	struct json_object *err_obj;
	char *line = NULL;
	int fd, err;

	cli_socket_path(env, ifname, path, sizeof(path));
	fd = cli_connect(path);
	if (fd < 0)
		return fd;
	err = cli_send_all(fd, text, strlen(text));
	if (!err)
		err = cli_send_all(fd, "\n", 1);
	if (!err)
		err = cli_read_line(fd, &line);
	close(fd);
	if (err) {
		fprintf(stderr, "xdpservectl: no answer on %s: %s\n", path, strerror(-err));
		return err == -ENOENT || err == -ECONNREFUSED ? -EIO : err;
	}
	*reply = json_tokener_parse(line);
	free(line);
	if (!*reply || !json_object_is_type(*reply, json_type_object)) {
		fprintf(stderr, "xdpservectl: %s answered something that is not a JSON object\n",
			path);
		json_object_put(*reply);
		return -EPROTO;
	}
	if (cli_other_netns(path, *reply)) {
		json_object_put(*reply);
		*reply = NULL;
		return -EXDEV;
	}
	if (json_object_object_get_ex(*reply, "error", &err_obj)) {
		fprintf(stderr, "xdpservectl: %s: %s\n", ifname, json_object_get_string(err_obj));
		json_object_put(*reply);
		*reply = NULL;
		return -EREMOTEIO;
	}
	return 0;
}

int cli_daemon_cmd(const struct cli_env *env, const char *ifname, const char *cmd, const char *key,
		   const char *value, struct json_object **reply)
{
	struct json_object *req = json_object_new_object();
	int err;

	if (!req)
		return -ENOMEM;
	json_object_object_add(req, "cmd", json_object_new_string(cmd));
	if (key)
		json_object_object_add(req, key, json_object_new_string(value));
	err = cli_daemon_request(env, ifname, req, reply);
	json_object_put(req);
	return err;
}

static int cli_name_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* NAME.sock of our namespace (control_default_path) -> the interface name, or NULL. */
static const char *cli_socket_iface(const char *name, const char *prefix, char *buf)
{
	size_t len = strlen(name), plen = strlen(prefix);

	if (len <= 5 || strcmp(name + len - 5, ".sock"))
		return NULL;
	if (plen ? strncmp(name, prefix, plen)
		 : strspn(name, "0123456789") && name[strspn(name, "0123456789")] == '-')
		return NULL; /* another namespace's */
	len -= 5 + plen;
	if (!len || len >= IF_NAMESIZE)
		return NULL;
	memcpy(buf, name + plen, len);
	buf[len] = '\0';
	return buf;
}

int cli_daemon_list(const struct cli_env *env, char (*names)[16], int max)
{
	char prefix[32];
	DIR *dir;
	struct dirent *de;
	int n = 0;

	if (env->control_socket)
		return 0;
	dir = opendir(env->runtime_dir);
	if (!dir)
		return 0;
	control_netns_prefix(prefix, sizeof(prefix));
	while ((de = readdir(dir)) && n < max)
		if (cli_socket_iface(de->d_name, prefix, names[n]))
			n++;
	closedir(dir);
	qsort(names, (size_t)n, sizeof(names[0]), cli_name_cmp);
	return n;
}

const char *cli_pick_iface(const struct cli_cmd *cmd, const struct cli_env *env, const char *given,
			   char *buf)
{
	char names[2][16];
	int n;

	if (given)
		return given;
	n = cli_daemon_list(env, names, 2);
	if (n == 1) {
		snprintf(buf, IF_NAMESIZE, "%s", names[0]);
		return buf;
	}
	if (env->control_socket) {
		fprintf(stderr, "xdpservectl %s: name the interface (IFACE)\n", cmd->name);
		return NULL;
	}
	fprintf(stderr, "xdpservectl %s: %s; name the interface (IFACE)\n", cmd->name,
		n ? "several daemons run" : "no daemon answers in the runtime directory");
	return NULL;
}

void cli_say_fallback(const struct cli_env *env, const char *ifname, int err)
{
	char path[sizeof(((struct sockaddr_un *)0)->sun_path) + 64];

	cli_socket_path(env, ifname, path, sizeof(path));
	fprintf(stderr,
		"xdpservectl: no daemon answers on %s (%s); showing the steering program's "
		"pinned maps only\n",
		path, strerror(-err));
}
