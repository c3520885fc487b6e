// SPDX-License-Identifier: GPL-2.0-only
/*
 * ratecli.c — an open-loop HTTP/1.1 load generator for bench/compare.sh's
 * rate-5k scenario: wrk sends the next request when the last answer came
 * (a closed loop, which hides queueing: a stalled server is simply asked
 * less), this one sends on a fixed schedule.
 *
 *   ratecli ADDR PORT PATH [-r RATE] [-c CONNS] [-d SECONDS] [-t TIMEOUT_MS]
 *
 * CONNS keep-alive connections (default 64) share RATE requests/s (default
 * 5000): connection c owns the slots c, c + CONNS, c + 2 CONNS… of the
 * schedule t0 + i / RATE. A connection sends its next request at its next
 * slot, or as soon as its previous answer is complete if that slot has
 * passed; every latency is measured from the slot's time, not from the
 * send, so time spent waiting behind a slow answer counts (no coordinated
 * omission). At the end it prints one line:
 *
 *   requests N errors E rate R p50_us X p99_us Y p999_us Z max_us M
 *
 * (errors: connections lost or refused, answers that are not 200, answers
 * later than TIMEOUT_MS (default 5000): those are counted, not timed).
 * Responses must carry Content-Length (static files do).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define RBUF 65536

struct conn {
	int fd;
	uint64_t slot;	   /* the schedule index of the next (or current) request */
	uint64_t sched_ns; /* its time */
	int busy;	   /* a request is out */
	size_t have;	   /* bytes of the current answer's head buffered */
	long long body_left;
	int in_body;
	int status;
	char head[8192];
};

static struct sockaddr_in dst;
static char request[1024];
static size_t request_len;
static uint64_t t0, period_ns, timeout_ns;
static unsigned int nconns;
static uint64_t *lat;
static size_t nlat, caplat;
static unsigned long long errors;

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void record(uint64_t ns)
{
	if (nlat == caplat) {
		caplat = caplat ? caplat * 2 : 65536;
		lat = realloc(lat, caplat * sizeof(*lat));
		if (!lat) {
			perror("realloc");
			exit(1);
		}
	}
	lat[nlat++] = ns;
}

static int conn_open(int ep, struct conn *c)
{
	int one = 1;
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};

	c->fd = socket(AF_INET, SOCK_STREAM, 0);
	if (c->fd < 0)
		return -1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	/* Blocking connect, once per connection at the start or after a loss. */
	if (connect(c->fd, (struct sockaddr *)&dst, sizeof(dst)) < 0) {
		close(c->fd);
		c->fd = -1;
		return -1;
	}
	epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
	c->busy = 0;
	c->have = 0;
	c->in_body = 0;
	return 0;
}

static void conn_lost(int ep, struct conn *c)
{
	errors++;
	if (c->fd >= 0) {
		epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
		close(c->fd);
	}
	c->fd = -1;
	c->busy = 0;
	c->slot += nconns; /* the lost request is not retried */
	c->sched_ns = t0 + c->slot * period_ns;
}

static void conn_send(int ep, struct conn *c)
{
	if (c->fd < 0 && conn_open(ep, c) < 0) {
		conn_lost(ep, c);
		return;
	}
	if (send(c->fd, request, request_len, MSG_NOSIGNAL) != (ssize_t)request_len) {
		conn_lost(ep, c);
		return;
	}
	c->busy = 1;
}

/* One answer complete: time it from its slot, move to the next slot. */
static void conn_done(struct conn *c, uint64_t now)
{
	uint64_t d = now - c->sched_ns;

	if (c->status != 200 || d > timeout_ns)
		errors++;
	else
		record(d);
	c->busy = 0;
	c->in_body = 0;
	c->slot += nconns;
	c->sched_ns = t0 + c->slot * period_ns;
}

/* Parse what arrived: a head up to CRLFCRLF, then Content-Length bytes. */
static int conn_read(int ep, struct conn *c, uint64_t now)
{
	char buf[RBUF];
	ssize_t n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
	size_t off = 0;

	if (n == 0 || (n < 0 && errno != EAGAIN)) {
		conn_lost(ep, c);
		return -1;
	}
	if (n < 0)
		return 0;
	while (off < (size_t)n) {
		if (c->in_body) {
			size_t take = (size_t)n - off;

			if ((long long)take > c->body_left)
				take = (size_t)c->body_left;
			c->body_left -= (long long)take;
			off += take;
		} else {
			size_t take = (size_t)n - off;
			char *end;

			if (take > sizeof(c->head) - 1 - c->have)
				take = sizeof(c->head) - 1 - c->have;
			memcpy(c->head + c->have, buf + off, take);
			c->have += take;
			c->head[c->have] = 0;
			end = strstr(c->head, "\r\n\r\n");
			if (!end) {
				if (c->have == sizeof(c->head) - 1) {
					conn_lost(ep, c);
					return -1;
				}
				off += take;
				continue;
			}
			size_t used = (size_t)(end + 4 - c->head) - (c->have - take);
			const char *cl = strcasestr(c->head, "\r\ncontent-length:");

			c->status = atoi(c->head + 9);
			c->body_left = cl ? atoll(cl + 17) : 0;
			c->in_body = 1;
			c->have = 0;
			off += used;
		}
		if (c->in_body && c->body_left == 0) {
			if (!c->busy) { /* an answer nobody asked for */
				conn_lost(ep, c);
				return -1;
			}
			conn_done(c, now);
		}
	}
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static double pct(double p)
{
	size_t i;

	if (!nlat)
		return 0;
	i = (size_t)(p * (double)nlat);
	if (i >= nlat)
		i = nlat - 1;
	return (double)lat[i] / 1e3;
}

int main(int argc, char **argv)
{
	double rate = 5000, seconds = 10;
	unsigned long timeout_ms = 5000;
	int opt, ep;

	nconns = 64;
	while ((opt = getopt(argc, argv, "r:c:d:t:")) != -1) {
		switch (opt) {
		case 'r':
			rate = atof(optarg);
			break;
		case 'c':
			nconns = (unsigned int)atoi(optarg);
			break;
		case 'd':
			seconds = atof(optarg);
			break;
		case 't':
			timeout_ms = strtoul(optarg, NULL, 10);
			break;
		default:
			goto usage;
		}
	}
	if (argc - optind != 3 || rate <= 0 || nconns == 0 || seconds <= 0)
		goto usage;
	dst.sin_family = AF_INET;
	dst.sin_port = htons((uint16_t)atoi(argv[optind + 1]));
	if (inet_pton(AF_INET, argv[optind], &dst.sin_addr) != 1)
		goto usage;
	request_len =
		(size_t)snprintf(request, sizeof(request), "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n",
				 argv[optind + 2], argv[optind]);
	period_ns = (uint64_t)(1e9 / rate);
	timeout_ns = (uint64_t)timeout_ms * 1000000u;

	struct conn *cs = calloc(nconns, sizeof(*cs));
	ep = epoll_create1(0);
	if (!cs || ep < 0)
		return perror("ratecli"), 1;
	for (unsigned int i = 0; i < nconns; i++) {
		cs[i].fd = -1;
		if (conn_open(ep, &cs[i]) < 0) {
			fprintf(stderr, "ratecli: cannot connect to %s:%s\n", argv[optind],
				argv[optind + 1]);
			return 1;
		}
	}
	t0 = now_ns() + 10000000u; /* 10 ms from now: every connection is up */
	for (unsigned int i = 0; i < nconns; i++) {
		cs[i].slot = i;
		cs[i].sched_ns = t0 + i * period_ns;
	}
	uint64_t end = t0 + (uint64_t)(seconds * 1e9), now;
	unsigned long long total = 0;
	while ((now = now_ns()) < end) {
		uint64_t next = end;
		struct epoll_event evs[64];

		/* Send every request whose slot has come; find the next slot. */
		for (unsigned int i = 0; i < nconns; i++) {
			struct conn *c = &cs[i];

			if (!c->busy && c->sched_ns <= now && c->sched_ns < end) {
				conn_send(ep, c);
				total++;
			}
			if (!c->busy && c->sched_ns < next)
				next = c->sched_ns;
			if (c->busy && now - c->sched_ns > timeout_ns)
				conn_lost(ep, c);
		}
		struct timespec to = {0, 0};
		if (next > now) {
			uint64_t w = next - now;

			if (w > 100000000u)
				w = 100000000u;
			to.tv_sec = (time_t)(w / 1000000000u);
			to.tv_nsec = (long)(w % 1000000000u);
		}
		int n = epoll_pwait2(ep, evs, 64, &to, NULL);

		now = now_ns();
		for (int i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;

			if (c->fd >= 0)
				conn_read(ep, c, now);
		}
	}
	/* Answers still out at the end are neither timed nor errors. */
	qsort(lat, nlat, sizeof(*lat), cmp_u64);
	printf("requests %zu errors %llu rate %.0f p50_us %.0f p99_us %.0f p999_us %.0f max_us "
	       "%.0f\n",
	       nlat, errors, (double)nlat / seconds, pct(0.50), pct(0.99), pct(0.999),
	       nlat ? (double)lat[nlat - 1] / 1e3 : 0.0);
	(void)total;
	for (unsigned int i = 0; i < nconns; i++)
		if (cs[i].fd >= 0)
			close(cs[i].fd);
	close(ep);
	free(cs);
	free(lat);
	return 0;
usage:
	fprintf(stderr, "usage: ratecli ADDR PORT PATH [-r RATE] [-c CONNS] [-d SECONDS] "
			"[-t TIMEOUT_MS]\n");
	return 2;
}
