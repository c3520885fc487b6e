/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * metrics.h — Prometheus text exposition of the daemon's counters.
 *
 * metrics.c turns a "stats" reply of the control socket (control.h) into
 * the text format; xdpservectl (stats --prometheus) and the daemon's own
 * /metrics endpoint (metrics_http.c, --metrics-listen) both call it, so the
 * names are the same everywhere (docs/operations.md, "Metrics").
 * metrics_http.c serves /metrics with libmicrohttpd from the main thread:
 * daemon.c polls metrics_http_fd() and calls metrics_http_process().
 */
#ifndef XDPSERVE_METRICS_H
#define XDPSERVE_METRICS_H

#include <stdio.h>

struct json_object;
struct metrics_http;

/* Write `stats` (a stats reply) as Prometheus text to `out`. 0 or -errno. */
int metrics_format(struct json_object *stats, FILE *out);

/*
 * The stats reply to format at each scrape: fill `reply` (an empty
 * object), 0 or -errno.
 */
typedef int (*metrics_stats_fn)(void *ctx, struct json_object *reply);

/* Listen on "ADDR:PORT" ("127.0.0.1:9464", "[::1]:9464"). 0 or -errno, logged. */
int metrics_http__create(const char *listen, metrics_stats_fn stats, void *ctx,
			 struct metrics_http **out);
void metrics_http__destroy(struct metrics_http *m);
/* One fd for poll() (POLLIN), -1 for NULL. */
int metrics_http_fd(const struct metrics_http *m);
/* Serve whatever is ready; never blocks for long (answers are built in memory). */
void metrics_http_process(struct metrics_http *m);

/* "ADDR:PORT" -> socket address; 0 or -EINVAL. For conf.c's check too. */
struct sockaddr_storage;
int metrics_parse_listen(const char *text, struct sockaddr_storage *ss, unsigned int *len);

#endif /* XDPSERVE_METRICS_H */
