/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * http_server_int.h — the state http_server.c (the connection state
 * machine) and http_file.c (the answer for a found file: conditionals,
 * ranges, multipart, the chunk-by-chunk body) share. Not for other
 * modules: they use http_server.h.
 */
#ifndef XDPSERVE_HTTP_SERVER_INT_H
#define XDPSERVE_HTTP_SERVER_INT_H

#include "cache/cache.h"
#include "common/log.h"
#include "http/http_date.h"
#include "http/http_resolve.h"
#include "http/http_response.h"
#include "http/http_server.h"

/*
 * Scratch for one answer's copied bytes: a head with a long Location plus
 * an error body. An answer is rendered first and queued only if it fits
 * the connection's copy space; otherwise the request waits for writable().
 */
#define HTTP_ANSWER_MAX 6144
/* Copy space to even try a request: a typical head is 250-400 bytes. */
#define HTTP_ANSWER_MIN 512
/* Copied bytes per multipart part head, and for the tail. */
#define HTTP_PART_HEAD_MAX 256

/* Seconds a 503 (the cache had no room in time) tells the client to wait. */
#define HTTP_RETRY_AFTER_S 1

/*
 * What the server keeps per cached file, in the file object's user area
 * (http_server_obj_user_bytes() of it): the pre-rendered header block and
 * the validators. Built on first use (oh.len is 0 until then).
 */
struct http_obj_meta {
	struct http_object_head oh;
	char etag[HTTP_ETAG_MAX];
	uint8_t etag_len;
};

/*
 * A response body still to queue, chunk by chunk: the head is queued, the
 * file referenced; writable() and the cache waiter bring it forward.
 */
struct http_body {
	struct cache_obj *obj; /* NULL: no body in progress */
	uint64_t off;	       /* next file byte to queue */
	uint64_t end;	       /* one past the last */
	bool finish;	       /* the connection's last answer: FIN once all is queued */
};

struct http_conn {
	struct http_server *srv;
	struct tcp_conn *tcp;
	struct cache_waiter waiter;
	bool waiting;	     /* a load for the head request is under way */
	bool closing;	     /* the last answer is queued; read and discard the rest */
	bool continue_sent;  /* "100 Continue" queued for the head request */
	bool answered;	     /* an answer was queued: idle now is keep-alive idle */
	int load_err;	     /* the load we waited for failed with this */
	uint32_t parsed_len; /* bytes the last incomplete parse saw (resume) */
	uint64_t skip;	     /* request body bytes still to discard */
	struct http_body body;
	bool chunk_wait;  /* the waiter is queued for the first chunk of the head request's body */
	int chunk_err;	  /* that chunk's load failed with this */
	uint64_t head_ns; /* when the head request was complete (access log), 0: none */
	struct http_conn *next_free;
	/* Where the head request's resolution stands (index name, variant). */
	struct http_resolve_state resolve;
	struct http_root_addr local; /* the address the client connected to */
	uint32_t root;		     /* the cache root for it ... */
	uint32_t root_gen;	     /* ... as of this http_server_set_roots() */
};

struct http_server {
	struct http_server_config cfg;
	struct cache *cache;
	struct http_clock clock;
	bool draining;
	struct http_conn *conns;
	struct http_conn *free_list;
	struct http_stats stats;
	int last_status; /* of the last answer counted (access log) */
	struct log_ratelimit rl_client_error;
	uint64_t boundary_key; /* random: multipart boundaries reveal nothing */
	uint64_t boundaries;
	struct http_resolver *resolver;
	struct http_root_addr roots[HTTP_ROOTS_MAX]; /* addresses with their own root */
	uint32_t nroots;
	uint32_t root_gen; /* http_server_set_roots() calls, from 1 */
	char answer[HTTP_ANSWER_MAX];
};

/* http_server.c */
/* Queue len copied bytes of buf: 0, -EAGAIN (no room yet) or -EPIPE. */
int http_queue(struct http_conn *hc, const char *buf, int len);
void http_count_status(struct http_server *h, int status);
/* The last answer is queued: FIN once it is sent, discard what follows. */
void http_conn_finish(struct http_conn *hc);

/* http_file.c */
/*
 * Queue the answer for a found file: 200, 206 (single or multipart), 304
 * or 416, the body chunk by chunk. 0, -EINPROGRESS (the first chunk is
 * loading), -EAGAIN (nothing queued), -EPIPE (the stream cannot be
 * mended), or a status to answer as an error instead.
 */
int http_file_send(struct http_conn *hc, const struct http_request *req,
		   const struct http_resolved *res);
/* Queue more of the body under way; 0, -EINPROGRESS or -EPIPE. */
int http_file_pump(struct http_conn *hc);
/* Let go of the body under way (the connection closes). */
void http_file_body_end(struct http_conn *hc);

#endif /* XDPSERVE_HTTP_SERVER_INT_H */
