// SPDX-License-Identifier: GPL-2.0-only
/*
 * metrics_http.c — the optional Prometheus endpoint (--metrics-listen):
 * GET /metrics on an ordinary kernel TCP socket, served by libmicrohttpd
 * in the main thread (MHD's own epoll set, polled by daemon.c; no extra
 * thread), the text built by metrics.c from the same stats reply the
 * control socket gives.
 */
#include "daemon/metrics.h"

#include <arpa/inet.h>
#include <errno.h>
#include <json-c/json.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/log.h"

struct metrics_http {
	struct MHD_Daemon *mhd;
	metrics_stats_fn stats;
	void *ctx;
};

/* The exposition text, malloc()ed, or NULL. */
static char *metrics_http_render(struct metrics_http *m, size_t *len)
{
	struct json_object *reply = json_object_new_object();
	char *buf = NULL;
	FILE *out;
	int err;

	if (!reply)
		return NULL;
	out = open_memstream(&buf, len);
	if (!out) {
		json_object_put(reply);
		return NULL;
	}
	err = m->stats(m->ctx, reply);
	if (err)
		fprintf(out, "# stats unavailable: %s\n", strerror(-err));
	else
		err = metrics_format(reply, out);
	fclose(out);
	json_object_put(reply);
	return buf;
}

static enum MHD_Result metrics_http_answer(void *cls, struct MHD_Connection *conn, const char *url,
					   const char *method, const char *version,
					   const char *upload, size_t *upload_size, void **state)
{
	static const char not_found[] = "only /metrics is here\n";
	struct metrics_http *m = cls;
	struct MHD_Response *resp;
	unsigned int status = MHD_HTTP_OK;
	enum MHD_Result ret;
	size_t len = 0;
	char *body = NULL;

	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return MHD_NO;
	if (!strcmp(url, "/metrics"))
		body = metrics_http_render(m, &len);
	if (body) {
		resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	} else {
		status = MHD_HTTP_NOT_FOUND;
		resp = MHD_create_response_from_buffer(sizeof(not_found) - 1, (void *)not_found,
						       MHD_RESPMEM_PERSISTENT);
	}
	if (!resp) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type",
				status == MHD_HTTP_OK ? "text/plain; version=0.0.4; charset=utf-8"
						      : "text/plain");
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

int metrics_http__create(const char *listen, metrics_stats_fn stats, void *ctx,
			 struct metrics_http **out)
{
	struct sockaddr_storage ss;
	struct metrics_http *m;
	unsigned int len;
	unsigned int flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG;

	if (metrics_parse_listen(listen, &ss, &len)) {
		pr_err("--metrics-listen \"%s\": expected ADDR:PORT such as 127.0.0.1:9464 or "
		       "[::1]:9464",
		       listen);
		return -EINVAL;
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->stats = stats;
	m->ctx = ctx;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	m->mhd =
		MHD_start_daemon(flags, 0, NULL, NULL, metrics_http_answer, m, MHD_OPTION_SOCK_ADDR,
				 (struct sockaddr *)&ss, MHD_OPTION_CONNECTION_LIMIT, 16u,
				 MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_END);
	if (!m->mhd) {
		int err = errno ? -errno : -EADDRINUSE;

		pr_err("cannot serve metrics on %s: %s; is the address local and the port free?",
		       listen, strerror(-err));
		free(m);
		return err;
	}
	pr_info("metrics on http://%s/metrics", listen);
	*out = m;
	return 0;
}

void metrics_http__destroy(struct metrics_http *m)
{
	if (!m)
		return;
	MHD_stop_daemon(m->mhd);
	free(m);
}

int metrics_http_fd(const struct metrics_http *m)
{
	const union MHD_DaemonInfo *info;

	if (!m)
		return -1;
	info = MHD_get_daemon_info(m->mhd, MHD_DAEMON_INFO_EPOLL_FD);
	return info ? info->epoll_fd : -1;
}

void metrics_http_process(struct metrics_http *m)
{
	if (m)
		MHD_run(m->mhd);
}
