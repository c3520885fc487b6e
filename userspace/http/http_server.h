/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * http_server.h — the HTTP/1.1 application of one worker: the glue between
 * the TCP stack (tcp.h callbacks), the request parser and the content
 * cache. Each connection reads requests from its linear receive buffer,
 * answers them in order (keep-alive, pipelining, HTTP/1.0), and queues the
 * response head as copied bytes and the body by reference to the cached
 * object's UMEM frames.
 *
 *	tcp_stack__input -> http_server_tcp_ops.readable -> http_conn_process
 *	  -> http_parse_request_resume -> http_resolve (http_resolve.h: path,
 *	     index names, variants; each a cache_lookup, which may answer
 *	     -EINPROGRESS: the connection waits, the worker runs on)
 *	  -> http_cond_evaluate / http_range_parse -> cache_chunk_get (first chunk)
 *	  -> http_response_head -> tcp_conn_send_copy(head) + tcp_conn_send_blob(chunk)
 *	  writable() / cache waiter -> http_body_pump: the body's next chunks
 *
 * Created by the worker (worker.c), one per worker, never shared.
 */
#ifndef XDPSERVE_HTTP_SERVER_H
#define XDPSERVE_HTTP_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "http/http_cond.h"
#include "http/http_parse.h"
#include "http/http_resolve.h"
#include "tcp/tcp.h"

struct cache;
struct http_server;

/*
 * One answered request, for the access log (http_server_config.access):
 * borrowed pointers, valid during the call only.
 */
struct http_access {
	const struct http_request *req; /* NULL for a head that did not parse */
	const char *head;		/* the raw request head */
	uint32_t head_len;
	int status;
	uint64_t bytes;	      /* body bytes of the answer */
	uint64_t duration_ns; /* from the complete head to the queued answer */
	uint8_t family;	      /* the peer: 4 or 6 */
	const uint8_t *addr;
	uint16_t port;
};

struct http_server_config {
	/* Called once per answer when set (off: NULL, one test per answer). */
	void (*access)(void *ctx, const struct http_access *a);
	void *access_ctx;
	struct http_limits limits;	     /* request head limits */
	uint32_t max_conns;		     /* connection states; the TCP stack's max_conns */
	struct http_resolve_config files;    /* index names, dot files, precompressed variants */
	uint8_t etag_key[HTTP_ETAG_KEY_LEN]; /* the daemon's, shared by every worker */
};

/* Bytes of the cache's per-file user area the server needs (cache_config.user_bytes). */
size_t http_server_obj_user_bytes(void);

/* Defaults: HTTP_LIMITS_DEFAULT_INIT, http_resolve_config_default(), max_conns as given. */
void http_server_config_default(struct http_server_config *cfg, uint32_t max_conns);

struct http_stats {
	uint64_t requests; /* request heads answered */
	uint64_t status_2xx;
	uint64_t status_3xx;
	uint64_t status_4xx;
	uint64_t status_5xx;
	uint64_t body_bytes;  /* body bytes queued (headers excluded) */
	uint64_t cache_waits; /* requests that waited for a load */
	uint64_t refused;     /* connections refused: no connection state left */
};

/* The TCP callbacks; their `app` argument is the struct http_server. */
extern const struct tcp_app_ops http_server_tcp_ops;

/* 0 or -errno. The server borrows `cache` for its lifetime. */
int http_server__create(const struct http_server_config *cfg, struct cache *cache,
			struct http_server **out);
/* After tcp_stack__destroy() (which closes every connection). NULL is fine. */
void http_server__destroy(struct http_server *h);

/* Wall-clock seconds, once per loop iteration: the Date header changes once a second. */
void http_server_set_time(struct http_server *h, time_t now);
/* Draining: every answer says "Connection: close" and the connection closes after it. */
void http_server_set_draining(struct http_server *h, bool draining);

/* A local address and port with a document root of its own. */
#define HTTP_ROOTS_MAX 16
struct http_root_addr {
	uint8_t family;	  /* 4 or 6 */
	uint8_t addr[16]; /* network order; IPv4 in the first 4 bytes */
	uint16_t port;	  /* host order */
};

/*
 * Connections to addrs[i] look their files up in the cache's root i + 1,
 * all others in root 0 (cache_lookup_in). Copied; n <= HTTP_ROOTS_MAX.
 * Takes effect at each connection's next lookup.
 */
void http_server_set_roots(struct http_server *h, const struct http_root_addr *addrs, uint32_t n);
/* New index names and file options (a reload), from the next request on. */
void http_server_set_files(struct http_server *h, const struct http_resolve_config *files);

const struct http_stats *http_server_stats(const struct http_server *h);

#endif /* XDPSERVE_HTTP_SERVER_H */
