// SPDX-License-Identifier: GPL-2.0-only
/*
 * http_server.c — per-connection HTTP/1.1 state machine on top of the TCP
 * stack's callbacks (see http_server.h for the call chain).
 *
 * A connection answers the request at the head of its receive buffer and
 * consumes it only once the answer is queued, so a request that waits for
 * a cache load simply stays in the buffer and is parsed again when the
 * load completes; requests behind it wait their turn (responses leave in
 * request order). The TCP window shrinks while requests wait, which is the
 * back-pressure on a pipelining client.
 *
 * A body goes out chunk by chunk (cache.h): the first chunk is in the
 * cache before the head is queued, the rest follow from a per-connection
 * cursor (struct http_body) whenever less than a chunk is unacknowledged,
 * with the chunk after read ahead; the next request waits until the body
 * is queued whole.
 */
#include "http/http_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "cache/cache.h"
#include "common/list.h"
#include "common/log.h"
#include "http/http_cond.h"
#include "http/http_date.h"
#include "http/http_resolve.h"
#include "http/http_range.h"
#include "http/http_response.h"
#include "http/mime.h"

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
	bool chunk_wait; /* the waiter is queued for the first chunk of the head request's body */
	int chunk_err;	 /* that chunk's load failed with this */
	struct http_conn *next_free;
	/* Where the head request's resolution stands (index name, variant). */
	struct http_resolve_state resolve;
};

struct http_server {
	struct http_server_config cfg;
	struct cache *cache;
	struct http_clock clock;
	bool draining;
	struct http_conn *conns;
	struct http_conn *free_list;
	struct http_stats stats;
	struct log_ratelimit rl_client_error;
	uint64_t boundary_key; /* random: multipart boundaries reveal nothing */
	uint64_t boundaries;
	struct http_resolver *resolver;
	char answer[HTTP_ANSWER_MAX];
};

size_t http_server_obj_user_bytes(void)
{
	return sizeof(struct http_obj_meta);
}

void http_server_config_default(struct http_server_config *cfg, uint32_t max_conns)
{
	const struct http_limits limits = HTTP_LIMITS_DEFAULT_INIT;

	memset(cfg, 0, sizeof(*cfg));
	cfg->limits = limits;
	cfg->max_conns = max_conns;
	http_resolve_config_default(&cfg->files);
}

/* The resolver's seam to the cache: ctx is the connection, whose waiter a miss queues. */
static int http_cache_lookup(void *ctx, const char *path, bool wait, struct cache_obj **out)
{
	struct http_conn *hc = ctx;

	return cache_lookup(hc->srv->cache, path, tcp_stack__now(tcp_conn_stack(hc->tcp)),
			    wait ? &hc->waiter : NULL, out);
}

static void http_cache_put(void *ctx, struct cache_obj *obj)
{
	cache_obj_put(obj);
}

static const struct http_resolve_ops http_resolve_cache_ops = {
	.lookup = http_cache_lookup,
	.put = http_cache_put,
};

int http_server__create(const struct http_server_config *cfg, struct cache *cache,
			struct http_server **out)
{
	struct http_server *h = calloc(1, sizeof(*h));
	int err = -ENOMEM;

	if (!h)
		return -ENOMEM;
	h->cfg = *cfg;
	h->cache = cache;
	h->conns = calloc(cfg->max_conns, sizeof(*h->conns));
	if (!h->conns)
		goto err;
	err = http_resolver__create(&cfg->files, &http_resolve_cache_ops, cfg->limits.request_line,
				    &h->resolver);
	if (err)
		goto err;
	for (uint32_t i = cfg->max_conns; i-- > 0;) {
		h->conns[i].next_free = h->free_list;
		h->free_list = &h->conns[i];
	}
	if (getrandom(&h->boundary_key, sizeof(h->boundary_key), 0) != sizeof(h->boundary_key)) {
		err = -EIO;
		goto err;
	}
	http_clock_init(&h->clock, time(NULL));
	h->rl_client_error = (struct log_ratelimit)LOG_RATELIMIT_INIT(1000000000ull /* 1 s */, 10);
	*out = h;
	return 0;

err:
	http_server__destroy(h);
	return err;
}

void http_server__destroy(struct http_server *h)
{
	if (!h)
		return;
	http_resolver__destroy(h->resolver);
	free(h->conns);
	free(h);
}

void http_server_set_time(struct http_server *h, time_t now)
{
	http_clock_update(&h->clock, now);
}

void http_server_set_draining(struct http_server *h, bool draining)
{
	h->draining = draining;
	if (!draining)
		return;
	/*
	 * Idle keep-alive connections would hold the drain for its whole
	 * length: close those with nothing buffered, awaited or unsent now;
	 * busy ones close after their current answer.
	 */
	for (uint32_t i = 0; i < h->cfg.max_conns; i++) {
		struct http_conn *hc = &h->conns[i];
		uint32_t len;

		if (!hc->tcp || hc->closing || hc->waiting || hc->body.obj)
			continue;
		tcp_conn_rx_peek(hc->tcp, &len);
		if (!len && !tcp_conn_tx_queued(hc->tcp)) {
			tcp_conn_shutdown(hc->tcp);
			hc->closing = true;
		}
	}
}

const struct http_stats *http_server_stats(const struct http_server *h)
{
	return &h->stats;
}

static void http_count_status(struct http_server *h, int status)
{
	h->stats.requests++;
	if (status < 300)
		h->stats.status_2xx++;
	else if (status < 400)
		h->stats.status_3xx++;
	else if (status < 500)
		h->stats.status_4xx++;
	else
		h->stats.status_5xx++;
}

static void http_log_client_error(struct http_conn *hc, int status, const char *why)
{
	struct http_server *h = hc->srv;
	uint64_t now = tcp_stack__now(tcp_conn_stack(hc->tcp));
	struct tcp_conn_info info;
	char addr[INET6_ADDRSTRLEN];

	if (log_level_current < LOG_LEVEL_INFO || !log_ratelimit_allow(&h->rl_client_error, now))
		return;
	tcp_conn_get_info(hc->tcp, &info);
	inet_ntop(info.family == 4 ? AF_INET : AF_INET6, info.remote_addr, addr, sizeof(addr));
	pr_info(info.family == 4 ? "client %s:%u: %d %s" : "client [%s]:%u: %d %s", addr,
		info.remote_port, status, why);
}

/*
 * Queue `len` rendered bytes as one copied piece. 0, -EAGAIN when the
 * connection has no room now (nothing queued: try again on writable()),
 * or -EPIPE when the connection cannot take it at all.
 */
static int http_queue(struct http_conn *hc, const char *buf, int len)
{
	if (len < 0)
		return -EPIPE;
	if ((uint32_t)len > tcp_conn_tx_copy_space(hc->tcp) || !tcp_conn_tx_pieces_free(hc->tcp))
		return -EAGAIN;
	return tcp_conn_send_copy(hc->tcp, buf, (uint32_t)len) ? -EPIPE : 0;
}

/* After the last answer of a connection is queued: FIN, and discard what follows. */
static void http_conn_finish(struct http_conn *hc)
{
	tcp_conn_shutdown(hc->tcp);
	tcp_conn_set_deadline(hc->tcp, TCP_DEADLINE_NONE);
	hc->closing = true;
}

/*
 * Nothing buffered: between requests. Keep-alive idle once the last answer
 * is all acknowledged; a new connection keeps the head deadline it got.
 */
static void http_conn_idle(struct http_conn *hc)
{
	if (hc->answered && !tcp_conn_tx_queued(hc->tcp))
		tcp_conn_set_deadline(hc->tcp, TCP_DEADLINE_KEEPALIVE);
}

/*
 * Queue an error (or redirect) answer, head and small body together.
 * 0, -EAGAIN (nothing queued) or -EPIPE.
 */
static int http_send_error(struct http_conn *hc, const struct http_request *req, int status,
			   bool keep_alive, const char *location)
{
	struct http_server *h = hc->srv;
	struct http_response r = {
		.status = status,
		.keep_alive = keep_alive && !h->draining,
		.version_minor = req ? req->version_minor : 1,
		.date = h->clock.date,
		.retry_after = status == 503 ? HTTP_RETRY_AFTER_S : 0,
	};
	bool head_only = req && req->method == HTTP_METHOD_HEAD;
	int err;

	if (location) {
		r.location.p = location;
		r.location.len = strlen(location);
	}
	err = http_queue(hc, h->answer,
			 http_response_error(h->answer, sizeof(h->answer), &r, head_only));
	if (err)
		return err;
	http_count_status(h, status);
	if (!r.keep_alive)
		http_conn_finish(hc);
	return 0;
}

/* Render the object's constant header block once; it lives in the object's user area. */
static struct http_obj_meta *http_obj_meta(const struct http_server *h, struct cache_obj *obj)
{
	struct http_obj_meta *m = cache_obj_user(obj);
	const char *path = cache_obj_path(obj);
	uint64_t mtime_ns = cache_obj_mtime_ns(obj);
	const struct http_file_version fv = {cache_obj_dev(obj), cache_obj_ino(obj),
					     cache_obj_size(obj), mtime_ns};

	if (m->oh.len)
		return m;
	m->etag_len = (uint8_t)http_etag_format(m->etag, h->cfg.etag_key, &fv);
	if (http_object_head_build(&m->oh, mime_type_for_path(path, strlen(path)),
				   (time_t)(mtime_ns / 1000000000ull), m->etag)) {
		m->oh.len = 0;
		return NULL;
	}
	return m;
}

static uint64_t http_conn_now(const struct http_conn *hc)
{
	return tcp_stack__now(tcp_conn_stack(hc->tcp));
}

/*
 * Chunk `idx` of obj for this connection: 0 (*out referenced), -EINPROGRESS
 * (the waiter is queued), or the status to answer with.
 */
static int http_chunk(struct http_conn *hc, struct cache_obj *obj, uint32_t idx, struct blob **out)
{
	int err = hc->chunk_err;

	*out = NULL;
	hc->chunk_err = 0;
	if (!err)
		err = cache_chunk_get(hc->srv->cache, obj, idx, http_conn_now(hc), &hc->waiter,
				      out);
	if (err == -EINPROGRESS)
		hc->chunk_wait = true;
	return err && err != -EINPROGRESS ? http_resolve_status_of(err) : err;
}

static void http_body_end(struct http_conn *hc)
{
	if (hc->body.obj)
		cache_obj_put(hc->body.obj);
	memset(&hc->body, 0, sizeof(hc->body));
}

/* Queue the body bytes chunk `b` (file offset `base`) holds. 0 or -EPIPE. */
static int http_body_queue(struct http_conn *hc, struct blob *b, uint64_t base)
{
	struct http_body *body = &hc->body;
	uint64_t end = base + b->size < body->end ? base + b->size : body->end;

	if (tcp_conn_send_blob(hc->tcp, b, body->off - base, end - body->off))
		return -EPIPE;
	hc->srv->stats.body_bytes += end - body->off;
	body->off = end;
	return 0;
}

/*
 * Queue more of the body in progress: the next chunk once less than a
 * chunk is unacknowledged (so a stream holds about two chunks), and read
 * the one after ahead. 0 when the body is all queued (and the connection
 * free for its next request), -EAGAIN while it waits for acknowledgements
 * (writable()), -EINPROGRESS while it waits for the cache, -EPIPE when the
 * connection was given up (a chunk failed after the head went out).
 */
static int http_body_pump(struct http_conn *hc)
{
	struct http_server *h = hc->srv;
	struct http_body *b = &hc->body;
	uint64_t chunk = cache_chunk_bytes(h->cache);
	bool finish;

	while (b->off < b->end) {
		uint32_t idx = (uint32_t)(b->off / chunk);
		struct blob *blob;
		int err = hc->load_err;

		if (tcp_conn_tx_queued(hc->tcp) >= chunk || !tcp_conn_tx_pieces_free(hc->tcp))
			return -EAGAIN;
		hc->load_err = 0;
		if (!err)
			err = cache_chunk_get(h->cache, b->obj, idx, http_conn_now(hc), &hc->waiter,
					      &blob);
		if (err == -EINPROGRESS) {
			hc->waiting = true;
			return -EINPROGRESS;
		}
		if (!err) {
			err = http_body_queue(hc, blob, (uint64_t)idx * chunk);
			blob_put(blob);
		}
		if (err) {
			/* Half a body is out: only closing tells the client. */
			http_body_end(hc);
			tcp_conn_abort(hc->tcp);
			hc->closing = true;
			return -EPIPE;
		}
		cache_chunk_prefetch(h->cache, b->obj, idx + 1, http_conn_now(hc));
	}
	finish = b->finish || h->draining; /* a drain that began mid-body closes after it */
	http_body_end(hc);
	if (finish)
		http_conn_finish(hc);
	return 0;
}

/*
 * The head is queued: queue the first chunk's part of the body [off, end)
 * and keep the rest (obj referenced) for http_body_pump().
 */
static int http_body_start(struct http_conn *hc, struct cache_obj *obj, struct blob *first,
			   uint64_t off, uint64_t end)
{
	uint64_t chunk = cache_chunk_bytes(hc->srv->cache);
	int err;

	cache_obj_get(obj);
	hc->body = (struct http_body){.obj = obj, .off = off, .end = end};
	err = http_body_queue(hc, first, off / chunk * chunk);
	if (err)
		return err;
	if (hc->body.off < end)
		cache_chunk_prefetch(hc->srv->cache, obj, (uint32_t)(off / chunk) + 1,
				     http_conn_now(hc));
	else
		http_body_end(hc);
	return 0;
}

/*
 * multipart/byteranges: one head, then per range a part head and the
 * bytes, then the tail. Room for all of it is checked first, so it is
 * queued whole or not at all. 0, -EAGAIN, -EPIPE or an error status.
 */
static int http_send_multipart(struct http_conn *hc, const struct http_request *req,
			       struct cache_obj *obj, struct blob *blob,
			       const struct http_ranges *ranges, struct http_response *r)
{
	struct http_server *h = hc->srv;
	const char *path = cache_obj_path(obj);
	const char *ctype =
		r->content_type ? r->content_type : mime_type_for_path(path, strlen(path));
	uint64_t size = cache_obj_size(obj);
	char boundary[HTTP_BOUNDARY_MAX];
	char mtype[HTTP_BOUNDARY_MAX + 64];
	bool body = req->method == HTTP_METHOD_GET;
	uint32_t pieces = 1 + (body ? 2 * ranges->n + 1 : 0);
	int64_t total;
	int len;

	if (tcp_conn_tx_pieces_free(hc->tcp) < pieces ||
	    tcp_conn_tx_copy_space(hc->tcp) <
		    HTTP_ANSWER_MIN + HTTP_PART_HEAD_MAX * (ranges->n + 1))
		return -EAGAIN;
	http_multipart_boundary(boundary, http_mix64(h->boundary_key + h->boundaries++));
	if (http_multipart_content_type(mtype, sizeof(mtype), boundary) < 0)
		return 500;
	total = http_multipart_length(ranges, boundary, ctype, size);
	if (total < 0)
		return 500;
	r->status = 206;
	r->content_type = mtype;
	r->content_length = (uint64_t)total;
	len = http_response_head(h->answer, sizeof(h->answer), r);
	if (len < 0 || tcp_conn_send_copy(hc->tcp, h->answer, (uint32_t)len))
		return -EPIPE;
	http_count_status(h, 206);
	if (!body)
		return 0;
	for (unsigned int i = 0; i < ranges->n; i++) {
		const struct http_byte_range *br = &ranges->r[i];

		len = http_multipart_part_head(h->answer, sizeof(h->answer), boundary, ctype, br,
					       size);
		if (len < 0 || tcp_conn_send_copy(hc->tcp, h->answer, (uint32_t)len) ||
		    tcp_conn_send_blob(hc->tcp, blob, br->first, br->last - br->first + 1))
			return -EPIPE;
	}
	len = http_multipart_tail(h->answer, sizeof(h->answer), boundary);
	if (len < 0 || tcp_conn_send_copy(hc->tcp, h->answer, (uint32_t)len))
		return -EPIPE;
	h->stats.body_bytes += r->content_length;
	return 0;
}

/*
 * A multipart answer for a file of one chunk; a larger file gets 200 and
 * the whole body instead (RFC 9110 §14.2 lets a server ignore Range), so
 * a multipart body never spans chunks.
 */
static int http_send_ranges(struct http_conn *hc, const struct http_request *req,
			    struct cache_obj *obj, const struct http_ranges *ranges,
			    struct http_response *r)
{
	struct blob *blob;
	int ret = http_chunk(hc, obj, 0, &blob);

	if (ret)
		return ret;
	ret = http_send_multipart(hc, req, obj, blob, ranges, r);
	blob_put(blob);
	return ret;
}

/*
 * Queue the answer for a found object: 200, 206 (single or multipart), 304
 * or 416. The first chunk of a body is in the cache before the head goes
 * out, so a load that fails still gets an error status. Returns 0,
 * -EAGAIN (nothing queued), -EINPROGRESS (waiting for the cache, nothing
 * queued), -EPIPE (the stream cannot be mended), or a status (412, 500,
 * 503) to answer as an error instead.
 */
static int http_send_object(struct http_conn *hc, const struct http_request *req,
			    const struct http_resolved *res)
{
	struct http_server *h = hc->srv;
	struct cache_obj *obj = res->obj;
	struct http_obj_meta *m = http_obj_meta(h, obj);
	uint64_t size = cache_obj_size(obj), chunk = cache_chunk_bytes(h->cache);
	struct http_validators v;
	struct http_ranges ranges = {0};
	struct http_response r = {
		.status = 200,
		.keep_alive = req->keep_alive && !h->draining,
		.version_minor = req->version_minor,
		.date = h->clock.date,
		.content_length = size,
		.total = size,
		.content_type = res->content_type,
		.content_encoding = http_coding_token(res->coding),
		.vary_accept_encoding = res->vary,
	};
	bool body = req->method == HTTP_METHOD_GET;
	struct blob *first = NULL;
	uint64_t off = 0;
	int len, cond, err;

	if (!m)
		return 500;
	r.object = &m->oh;
	v = (struct http_validators){
		.etag = m->etag,
		.etag_len = m->etag_len,
		.has_last_modified = true,
		.last_modified = (time_t)(cache_obj_mtime_ns(obj) / 1000000000ull),
	};
	cond = http_cond_evaluate(&req->cond, req->method, &v, h->clock.sec);
	if (cond == 304) {
		r.status = 304;
		body = false;
	} else if (cond) {
		return cond; /* 412: an error answer */
	} else if (req->method == HTTP_METHOD_GET && http_str_present(&req->range) &&
		   (!http_str_present(&req->cond.if_range) ||
		    http_if_range_matches(&req->cond.if_range, &v, h->clock.sec))) {
		/* Range is for GET only (RFC 9110 §14.2); HEAD and others get the whole. */
		int rs = http_range_parse(req->range.p, req->range.len, size, &ranges);

		if (rs == 416) {
			r.status = 416;
			r.object = NULL;
			err = http_queue(
				hc, h->answer,
				http_response_error(h->answer, sizeof(h->answer), &r, false));
			if (!err)
				http_count_status(h, 416);
			return err;
		}
		/*
		 * Parts of an encoded variant would read as an encoded multipart
		 * body: several ranges of a variant get the whole variant (200).
		 */
		if (rs == 206 && ranges.n > 1 && res->coding != HTTP_CODING_IDENTITY)
			rs = 200;
		if (rs == 206 && ranges.n > 1 && cache_obj_chunks(obj) <= 1)
			return http_send_ranges(hc, req, obj, &ranges, &r);
		if (rs == 206 && ranges.n == 1) {
			r.status = 206;
			r.range = &ranges.r[0];
			r.content_length = ranges.r[0].last - ranges.r[0].first + 1;
			off = ranges.r[0].first;
		}
	}
	body = body && r.content_length;
	if (body) {
		/*
		 * A pipelining client that does not read must not pin chunk
		 * after chunk: a new body starts only once less than a chunk
		 * is unacknowledged, as the next chunk of a body does.
		 */
		if (tcp_conn_tx_queued(hc->tcp) >= chunk)
			return -EAGAIN;
		err = http_chunk(hc, obj, (uint32_t)(off / chunk), &first);
		if (err)
			return err;
	}

	len = http_response_head(h->answer, sizeof(h->answer), &r);
	err = http_queue(hc, h->answer, len);
	if (!err) {
		http_count_status(h, r.status);
		if (body)
			err = http_body_start(hc, obj, first, off, off + r.content_length);
	}
	if (first)
		blob_put(first);
	return err;
}

/*
 * Answer one parsed request. 0 when its answer is queued (or the
 * connection is being torn down), -EINPROGRESS when it waits for a load,
 * -EAGAIN when the answer does not fit the send queue yet.
 */
static int http_respond(struct http_conn *hc, const struct http_request *req)
{
	struct http_server *h = hc->srv;
	struct http_resolved res;
	int ret;

	if (req->method != HTTP_METHOD_GET && req->method != HTTP_METHOD_HEAD) {
		int status = req->method == HTTP_METHOD_UNKNOWN ? 501 : 405;

		return http_send_error(hc, req, status, req->keep_alive, NULL);
	}
	if (hc->chunk_wait) {
		/* What we waited for was a chunk, not a lookup of the resolution. */
		hc->chunk_err = hc->load_err;
		hc->load_err = 0;
		hc->chunk_wait = false;
	}
	hc->resolve.load_err = hc->load_err;
	hc->load_err = 0;
	if (http_resolve(h->resolver, hc, req, &hc->resolve, &res) == -EINPROGRESS) {
		h->stats.cache_waits++;
		return -EINPROGRESS;
	}
	if (res.status) {
		hc->chunk_err = 0; /* no body for this answer: nothing to fail with */
		if (res.why)
			http_log_client_error(hc, res.status, res.why);
		else if (res.status == 503)
			http_log_client_error(hc, 503,
					      "the content cache had no room in time (raise "
					      "--cache-size or lower --max-conns)");
		return http_send_error(hc, req, res.status, req->keep_alive && !res.close,
				       res.location);
	}

	ret = http_send_object(hc, req, &res);
	cache_obj_put(res.obj);
	if (ret == -EINPROGRESS) {
		h->stats.cache_waits++;
		return -EINPROGRESS;
	}
	if (ret > 0)
		return http_send_error(hc, req, ret, req->keep_alive, NULL);
	if (ret == -EAGAIN)
		return -EAGAIN;
	if (ret < 0) {
		/* Part of an answer may be queued: the stream cannot be mended. */
		tcp_conn_abort(hc->tcp);
		hc->closing = true;
		return 0;
	}
	if (!req->keep_alive || h->draining) {
		if (hc->body.obj)
			hc->body.finish = true; /* FIN after the last chunk */
		else
			http_conn_finish(hc);
	}
	return 0;
}

/* An answer that cannot be queued at all (not for lack of room): give up on the connection. */
static void http_conn_fail(struct http_conn *hc)
{
	tcp_conn_abort(hc->tcp);
	hc->closing = true;
}

static void http_conn_process(struct http_conn *hc)
{
	struct http_server *h = hc->srv;
	struct tcp_conn *c = hc->tcp;

	/* A deadline (keep-alive) shut the connection down: discard what comes. */
	if (!hc->closing && tcp_conn_tx_closed(c))
		hc->closing = true;
	while (!hc->waiting) {
		struct http_request req;
		uint32_t len;
		const char *data;
		int n, ret;

		/* A body still streaming comes first: answers leave in order. */
		if (hc->body.obj && http_body_pump(hc))
			break;
		data = (const char *)tcp_conn_rx_peek(c, &len);
		if (hc->closing || hc->skip) {
			/* Discard a request body, or whatever follows the last answer. */
			uint32_t n_skip = hc->closing || hc->skip > len ? len : (uint32_t)hc->skip;

			if (!n_skip) {
				/* The peer half-closed inside a body: nothing more will come. */
				if (!hc->closing && tcp_conn_rx_eof(c))
					http_conn_finish(hc);
				break;
			}
			tcp_conn_rx_consume(c, n_skip);
			if (!hc->closing)
				hc->skip -= n_skip;
			continue;
		}
		if (!len) {
			if (tcp_conn_rx_eof(c))
				http_conn_finish(hc);
			else
				http_conn_idle(hc);
			break;
		}
		/* Only start when a typical answer fits; writable() brings us back. */
		if (tcp_conn_tx_copy_space(c) < HTTP_ANSWER_MIN || tcp_conn_tx_pieces_free(c) < 2)
			break;

		n = http_parse_request_resume(data, len, hc->parsed_len, &req, &h->cfg.limits);
		if (n == -2) {
			/* A head under way: its clock runs from the first byte seen (slowloris). */
			tcp_conn_set_deadline(c, TCP_DEADLINE_HEADER);
			hc->parsed_len = len;
			/* Half-closed inside a head: it can never complete, answer now. */
			if (tcp_conn_rx_fin(c)) {
				http_log_client_error(hc, 400,
						      "connection closed inside a request");
				if (http_send_error(hc, NULL, 400, false, NULL))
					http_conn_fail(hc);
			}
			break;
		}
		hc->parsed_len = 0; /* a complete head: parse it whole if it must wait */
		tcp_conn_set_deadline(c, TCP_DEADLINE_NONE);
		if (n < 0) {
			http_log_client_error(hc, req.status, "malformed request head");
			if (http_send_error(hc, NULL, req.status, false, NULL))
				http_conn_fail(hc);
			break;
		}
		if (req.expect_continue && req.content_length && !hc->continue_sent) {
			if (http_queue(hc, HTTP_100_CONTINUE, sizeof(HTTP_100_CONTINUE) - 1))
				break;
			hc->continue_sent = true;
		}
		ret = http_respond(hc, &req);
		if (ret == -EINPROGRESS) {
			hc->waiting = true;
			break;
		}
		if (ret == -EAGAIN)
			break; /* parsed again when writable() says there is room */
		if (ret < 0)
			http_conn_fail(hc);
		hc->continue_sent = false;
		hc->answered = true;
		tcp_conn_rx_consume(c, (uint32_t)n);
		hc->skip = req.content_length;
	}
}

/* The cache finished (or failed) the load this connection waited for. */
static void http_conn_loaded(struct cache_waiter *w, int err)
{
	struct http_conn *hc = container_of(w, struct http_conn, waiter);

	hc->waiting = false;
	hc->load_err = err;
	http_conn_process(hc);
}

static void *http_accepted(void *app, struct tcp_conn *c)
{
	struct http_server *h = app;
	struct http_conn *hc = h->free_list;

	if (!hc) {
		h->stats.refused++;
		return NULL;
	}
	h->free_list = hc->next_free;
	memset(hc, 0, sizeof(*hc));
	hc->srv = h;
	hc->tcp = c;
	cache_waiter_init(&hc->waiter, http_conn_loaded);
	/* The first request head is due within the head timeout of the handshake. */
	tcp_conn_set_deadline(c, TCP_DEADLINE_HEADER);
	return hc;
}

static void http_readable(void *app, struct tcp_conn *c)
{
	http_conn_process(tcp_conn_app(c));
}

static void http_writable(void *app, struct tcp_conn *c)
{
	http_conn_process(tcp_conn_app(c));
}

static void http_closed(void *app, struct tcp_conn *c, enum tcp_close_reason why)
{
	struct http_server *h = app;
	struct http_conn *hc = tcp_conn_app(c);

	if (hc->waiting)
		cache_waiter_cancel(&hc->waiter);
	http_body_end(hc);
	hc->tcp = NULL;
	hc->next_free = h->free_list;
	h->free_list = hc;
}

const struct tcp_app_ops http_server_tcp_ops = {
	.accepted = http_accepted,
	.readable = http_readable,
	.writable = http_writable,
	.closed = http_closed,
};
