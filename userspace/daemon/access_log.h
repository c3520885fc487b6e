/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * access_log.h — the access log, off the data path: each worker pushes one
 * fixed-size record per answered request into its own single-producer
 * single-consumer ring (never blocking: a full ring counts the record as
 * dropped); one logger thread drains every ring and writes combined log
 * format or JSON lines to a file (reopened on SIGUSR2) or to the journal.
 *
 * Called by daemon.c (create, start, reopen, destroy), worker.c (the
 * http_server access hook -> access_log_submit, counters for SIGUSR1).
 */
#ifndef XDPSERVE_ACCESS_LOG_H
#define XDPSERVE_ACCESS_LOG_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "http/http_server.h"

enum access_log_format {
	ACCESS_LOG_COMBINED = 0,
	ACCESS_LOG_JSON,
};

/* Records each worker's ring holds (a power of two). */
#define ACCESS_LOG_RING_RECORDS 1024

struct access_log_record {
	uint64_t time_ns;     /* CLOCK_REALTIME when the answer was queued */
	uint64_t bytes;	      /* body bytes of the answer */
	uint64_t duration_ns; /* from the complete request head to the answer */
	uint16_t status;
	uint16_t port;
	uint8_t family; /* 4 or 6 */
	uint8_t version_minor;
	uint8_t addr[16];
	char method[16];
	char target[256]; /* truncated, NUL-terminated */
	char referer[128];
	char user_agent[128];
};

/* One worker's ring: the worker alone pushes, the logger thread alone pops. */
struct access_log_ring {
	_Atomic uint32_t head; /* next slot the producer writes */
	_Atomic uint32_t tail; /* next slot the consumer reads */
	_Atomic uint64_t pushed;
	_Atomic uint64_t dropped;
	struct access_log_record rec[ACCESS_LOG_RING_RECORDS];
};

/* Producer side: copy `rec` in, or count it dropped when full. 0 or -ENOBUFS. */
int access_log_ring_push(struct access_log_ring *r, const struct access_log_record *rec);
/* Consumer side: the oldest record into *out; 0, or -EAGAIN when empty. */
int access_log_ring_pop(struct access_log_ring *r, struct access_log_record *out);

/* One line (with '\n') in `fmt` into buf; the length, or -ENOSPC. */
int access_log_format_record(const struct access_log_record *rec, enum access_log_format fmt,
			     char *buf, size_t len);

/* Fill a record from the HTTP layer's report (head bytes give Referer, User-Agent). */
void access_log_record_fill(struct access_log_record *rec, const struct http_access *a);

struct access_log;

/*
 * `target`: a file path, or "journal". `nrings`: one per worker. Opens the
 * file (append, 0640) now; -errno, logged, on failure.
 */
int access_log__create(const char *target, enum access_log_format fmt, uint32_t nrings,
		       struct access_log **out);
/* Start the logger thread (it keeps no capabilities). */
int access_log_start(struct access_log *al);
/* Ring of worker `i`. */
struct access_log_ring *access_log_ring(struct access_log *al, uint32_t i);
/* Reopen the file at its path at the logger's next pass (SIGUSR2, logrotate). */
void access_log_reopen(struct access_log *al);
/* Stop the thread after a last drain, close, free. NULL is fine. */
void access_log__destroy(struct access_log *al);

/* http_server access hook: `ctx` is the worker's ring. */
void access_log_submit(void *ctx, const struct http_access *a);

#endif /* XDPSERVE_ACCESS_LOG_H */
