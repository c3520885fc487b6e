// SPDX-License-Identifier: GPL-2.0-only
/*
 * access_log.c — the access log behind the workers:
 *
 *	http_server (answer queued) -> access_log_submit (worker thread)
 *	  -> access_log_record_fill -> access_log_ring_push (SPSC, never blocks)
 *	logger thread, every ACCESS_LOG_PERIOD_MS or sooner:
 *	  access_log_ring_pop (every ring) -> access_log_format_record
 *	  -> write(2) to the file, or sd_journal_send()
 *
 * Called by daemon.c (life cycle, SIGUSR2 reopen) and worker.c (hook,
 * counters). The ring is the only thing a worker and the logger share:
 * head is written by the producer, tail by the consumer, each published
 * with release and read with acquire.
 */
#include "daemon/access_log.h"

#include <arpa/inet.h>
#include <cap-ng.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <systemd/sd-journal.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "http/http_parse.h"

#define ACCESS_LOG_PERIOD_MS 100
#define ACCESS_LOG_LINE_MAX  2048

struct access_log {
	char path[4096]; /* "" for the journal */
	enum access_log_format fmt;
	int fd;
	uint32_t nrings;
	struct access_log_ring *rings;
	pthread_t thread;
	bool started;
	_Atomic bool stop;
	_Atomic bool reopen;
	char out[64 * 1024]; /* the logger's write buffer */
};

int access_log_ring_push(struct access_log_ring *r, const struct access_log_record *rec)
{
	uint32_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	uint32_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);

	if (head - tail >= ACCESS_LOG_RING_RECORDS) {
		atomic_fetch_add_explicit(&r->dropped, 1, memory_order_relaxed);
		return -ENOBUFS;
	}
	r->rec[head & (ACCESS_LOG_RING_RECORDS - 1)] = *rec;
	atomic_store_explicit(&r->head, head + 1, memory_order_release);
	atomic_fetch_add_explicit(&r->pushed, 1, memory_order_relaxed);
	return 0;
}

int access_log_ring_pop(struct access_log_ring *r, struct access_log_record *out)
{
	uint32_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
	uint32_t head = atomic_load_explicit(&r->head, memory_order_acquire);

	if (head == tail)
		return -EAGAIN;
	*out = r->rec[tail & (ACCESS_LOG_RING_RECORDS - 1)];
	atomic_store_explicit(&r->tail, tail + 1, memory_order_release);
	return 0;
}

/* Copy at most size-1 bytes of p[0..len) and terminate. */
static void access_copy(char *dst, size_t size, const char *p, size_t len)
{
	if (!p)
		len = 0;
	if (len >= size)
		len = size - 1;
	if (len)
		memcpy(dst, p, len);
	dst[len] = '\0';
}

/* The value of header `name` in the raw head, or NULL. */
static const char *access_header(const char *head, uint32_t len, const char *name, size_t *vlen)
{
	size_t nlen = strlen(name);
	const char *end = head + len, *p = head;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *lend = eol ? eol : end;

		if ((size_t)(lend - p) > nlen && p[nlen] == ':' && !strncasecmp(p, name, nlen)) {
			const char *v = p + nlen + 1;

			while (v < lend && (*v == ' ' || *v == '\t'))
				v++;
			while (lend > v &&
			       (lend[-1] == '\r' || lend[-1] == ' ' || lend[-1] == '\t'))
				lend--;
			*vlen = (size_t)(lend - v);
			return v;
		}
		if (!eol)
			break;
		p = eol + 1;
	}
	return NULL;
}

void access_log_record_fill(struct access_log_record *rec, const struct http_access *a)
{
	struct timespec ts;
	const char *v;
	size_t vlen = 0;

	clock_gettime(CLOCK_REALTIME, &ts);
	rec->time_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	rec->bytes = a->bytes;
	rec->duration_ns = a->duration_ns;
	rec->status = (uint16_t)a->status;
	rec->port = a->port;
	rec->family = a->family;
	memcpy(rec->addr, a->addr, sizeof(rec->addr));
	if (a->req) {
		rec->version_minor = a->req->version_minor;
		access_copy(rec->method, sizeof(rec->method), a->req->method_name.p,
			    a->req->method_name.len);
		access_copy(rec->target, sizeof(rec->target), a->req->target.p, a->req->target.len);
	} else {
		rec->version_minor = 1;
		rec->method[0] = rec->target[0] = '\0';
	}
	v = access_header(a->head, a->head_len, "Referer", &vlen);
	access_copy(rec->referer, sizeof(rec->referer), v, vlen);
	vlen = 0;
	v = access_header(a->head, a->head_len, "User-Agent", &vlen);
	access_copy(rec->user_agent, sizeof(rec->user_agent), v, vlen);
}

void access_log_submit(void *ctx, const struct http_access *a)
{
	struct access_log_record rec;

	access_log_record_fill(&rec, a);
	access_log_ring_push(ctx, &rec);
}

/*
 * Append `s` escaped: '"', '\\' and bytes outside printable ASCII become
 * \xHH (combined) or \", \\ and \u00HH (JSON). Returns the new length or
 * len + 1 when out of room.
 */
static size_t access_escape(char *buf, size_t pos, size_t len, const char *s, bool json)
{
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		int n;

		if (*c >= 0x20 && *c < 0x7f && *c != '"' && *c != '\\')
			n = pos + 1 < len ? (buf[pos] = (char)*c, 1) : -1;
		else if (json && (*c == '"' || *c == '\\'))
			n = snprintf(buf + pos, len - pos, "\\%c", *c);
		else
			n = snprintf(buf + pos, len - pos, json ? "\\u%04x" : "\\x%02x", *c);
		if (n < 0 || pos + (size_t)n >= len)
			return len + 1;
		pos += (size_t)n;
	}
	buf[pos] = '\0';
	return pos;
}

#define ACCESS_APPEND(buf, pos, len, ...)                                                          \
	do {                                                                                       \
		int n_ = snprintf((buf) + (pos), (pos) < (len) ? (len) - (pos) : 0, __VA_ARGS__);  \
		(pos) = n_ < 0 ? (len) + 1 : (pos) + (size_t)n_;                                   \
	} while (0)

int access_log_format_record(const struct access_log_record *rec, enum access_log_format fmt,
			     char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN] = "-", when[64];
	time_t secs = (time_t)(rec->time_ns / 1000000000ull);
	bool json = fmt == ACCESS_LOG_JSON;
	struct tm tm;
	size_t pos = 0;

	inet_ntop(rec->family == 6 ? AF_INET6 : AF_INET, rec->addr, addr, sizeof(addr));
	if (json) {
		gmtime_r(&secs, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
		ACCESS_APPEND(buf, pos, len, "{\"time\":\"%s.%03uZ\",\"remote_addr\":\"%s\",", when,
			      (unsigned int)(rec->time_ns / 1000000 % 1000), addr);
		ACCESS_APPEND(buf, pos, len, "\"remote_port\":%u,\"method\":\"", rec->port);
	} else {
		localtime_r(&secs, &tm);
		strftime(when, sizeof(when), "%d/%b/%Y:%H:%M:%S %z", &tm);
		ACCESS_APPEND(buf, pos, len, "%s - - [%s] \"", addr, when);
	}
	if (pos < len)
		pos = access_escape(buf, pos, len, rec->method, json);
	ACCESS_APPEND(buf, pos, len, json ? "\",\"target\":\"" : " ");
	if (pos < len)
		pos = access_escape(buf, pos, len, rec->target, json);
	if (json)
		ACCESS_APPEND(buf, pos, len,
			      "\",\"protocol\":\"HTTP/1.%u\",\"status\":%u,\"bytes\":%llu,"
			      "\"duration_us\":%llu,\"referer\":\"",
			      rec->version_minor, rec->status, (unsigned long long)rec->bytes,
			      (unsigned long long)(rec->duration_ns / 1000));
	else
		ACCESS_APPEND(buf, pos, len, " HTTP/1.%u\" %u %llu \"", rec->version_minor,
			      rec->status, (unsigned long long)rec->bytes);
	if (pos < len)
		pos = access_escape(buf, pos, len, rec->referer, json);
	ACCESS_APPEND(buf, pos, len, json ? "\",\"user_agent\":\"" : "\" \"");
	if (pos < len)
		pos = access_escape(buf, pos, len, rec->user_agent, json);
	ACCESS_APPEND(buf, pos, len, json ? "\"}\n" : "\"\n");
	return pos < len ? (int)pos : -ENOSPC;
}

static int access_log_open(struct access_log *al)
{
	int fd = open(al->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);

	if (fd < 0) {
		pr_err("cannot open the access log %s: %s; give a writable path with --access-log",
		       al->path, strerror(errno));
		return -errno;
	}
	if (al->fd >= 0)
		close(al->fd);
	al->fd = fd;
	return 0;
}

static void access_log_emit(struct access_log *al, const struct access_log_record *rec, char *out,
			    size_t *used, size_t cap)
{
	char line[ACCESS_LOG_LINE_MAX];
	int n = access_log_format_record(rec, al->fmt, line, sizeof(line));

	if (n < 0)
		return;
	if (!al->path[0]) {
		line[n - 1] = '\0';
		sd_journal_send("MESSAGE=%s", line, "SYSLOG_IDENTIFIER=xdpserve-access",
				"PRIORITY=6", "HTTP_STATUS=%u", rec->status, NULL);
		return;
	}
	if (*used + (size_t)n > cap) {
		if (write(al->fd, out, *used) < 0)
			pr_debug("access log write: %s", strerror(errno));
		*used = 0;
	}
	memcpy(out + *used, line, (size_t)n);
	*used += (size_t)n;
}

/* Drain every ring once; returns how many records went out. */
static uint64_t access_log_drain(struct access_log *al)
{
	struct access_log_record rec;
	size_t used = 0, cap = sizeof(al->out);
	char *out = al->out;
	uint64_t n = 0;

	for (uint32_t i = 0; i < al->nrings; i++)
		while (!access_log_ring_pop(&al->rings[i], &rec)) {
			access_log_emit(al, &rec, out, &used, cap);
			n++;
		}
	if (used && write(al->fd, out, used) < 0)
		pr_debug("access log write: %s", strerror(errno));
	return n;
}

static void *access_log_main(void *arg)
{
	struct access_log *al = arg;
	struct timespec period = {.tv_nsec = ACCESS_LOG_PERIOD_MS * 1000000L};

	pthread_setname_np(pthread_self(), "xdpserve-log");
	capng_clear(CAPNG_SELECT_CAPS);
	if (capng_apply(CAPNG_SELECT_CAPS))
		pr_warn("access log thread: cannot drop its capabilities");
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	while (!atomic_load(&al->stop)) {
		if (atomic_exchange(&al->reopen, false) && al->path[0] && !access_log_open(al))
			pr_info("access log %s reopened", al->path);
		access_log_drain(al);
		nanosleep(&period, NULL);
	}
	access_log_drain(al);
	return NULL;
}

int access_log__create(const char *target, enum access_log_format fmt, uint32_t nrings,
		       struct access_log **out)
{
	struct access_log *al = calloc(1, sizeof(*al));
	int err = 0;

	if (!al)
		return -ENOMEM;
	al->fd = -1;
	al->fmt = fmt;
	al->nrings = nrings;
	al->rings = calloc(nrings, sizeof(*al->rings));
	if (!al->rings) {
		err = -ENOMEM;
		goto out;
	}
	if (strcmp(target, "journal")) {
		snprintf(al->path, sizeof(al->path), "%s", target);
		err = access_log_open(al);
	}
out:
	if (err)
		access_log__destroy(al);
	else
		*out = al;
	return err;
}

int access_log_start(struct access_log *al)
{
	int err = pthread_create(&al->thread, NULL, access_log_main, al);

	if (err) {
		pr_err("cannot start the access log thread: %s", strerror(err));
		return -err;
	}
	al->started = true;
	return 0;
}

struct access_log_ring *access_log_ring(struct access_log *al, uint32_t i)
{
	return &al->rings[i];
}

void access_log_reopen(struct access_log *al)
{
	atomic_store(&al->reopen, true);
}

void access_log__destroy(struct access_log *al)
{
	if (!al)
		return;
	if (al->started) {
		atomic_store(&al->stop, true);
		pthread_join(al->thread, NULL);
	}
	if (al->fd >= 0)
		close(al->fd);
	free(al->rings);
	free(al);
}
