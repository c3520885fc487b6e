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
 */
#include "http/http_server.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cache/cache.h"
#include "common/list.h"
#include "common/log.h"
#include "http/http_cond.h"
#include "http/http_date.h"
#include "http/http_path.h"
#include "http/http_range.h"
#include "http/http_response.h"
#include "http/mime.h"

/* Copied bytes one answer may need at most: a head with a long Location plus an error body. */
#define HTTP_ANSWER_MAX	  6144
#define HTTP_LOCATION_MAX 4096
/* Send-queue pieces one answer may need: multipart head + per range (part head, body) + tail. */
#define HTTP_PIECES_MAX (2 + 2 * HTTP_RANGES_MAX)

/*
 * What the server keeps per cached object, in the object's head slot:
 * the pre-rendered header block and the validators. Built on first use.
 */
struct http_obj_meta {
	struct http_object_head oh;
	char etag[HTTP_ETAG_MAX];
	uint8_t etag_len;
};
_Static_assert(sizeof(struct http_obj_meta) <= CACHE_HEAD_MAX, "fits the cache's head slot");

struct http_conn {
	struct http_server *srv;
	struct tcp_conn *tcp;
	struct cache_waiter waiter;
	bool waiting;	     /* a load for the head request is under way */
	bool closing;	     /* the last answer is queued; read and discard the rest */
	int load_err;	     /* the load we waited for failed with this */
	uint32_t parsed_len; /* bytes the last incomplete parse saw (resume) */
	uint64_t skip;	     /* request body bytes still to discard */
	struct http_conn *next_free;
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
	char path[HTTP_PATH_MAX];
	char location[HTTP_LOCATION_MAX];
	char answer[HTTP_ANSWER_MAX];
};

void http_server_config_default(struct http_server_config *cfg, uint32_t max_conns)
{
	const struct http_limits limits = HTTP_LIMITS_DEFAULT_INIT;

	memset(cfg, 0, sizeof(*cfg));
	cfg->limits = limits;
	cfg->max_conns = max_conns;
	cfg->index_name = "index.html";
}

int http_server__create(const struct http_server_config *cfg, struct cache *cache,
			struct http_server **out)
{
	struct http_server *h = calloc(1, sizeof(*h));

	if (!h)
		return -ENOMEM;
	h->cfg = *cfg;
	h->cache = cache;
	h->conns = calloc(cfg->max_conns, sizeof(*h->conns));
	if (!h->conns) {
		free(h);
		return -ENOMEM;
	}
	for (uint32_t i = cfg->max_conns; i-- > 0;) {
		h->conns[i].next_free = h->free_list;
		h->free_list = &h->conns[i];
	}
	http_clock_init(&h->clock, time(NULL));
	h->rl_client_error = (struct log_ratelimit)LOG_RATELIMIT_INIT(1000000000ull /* 1 s */, 10);
	*out = h;
	return 0;
}

void http_server__destroy(struct http_server *h)
{
	if (!h)
		return;
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

	if (!log_ratelimit_allow(&h->rl_client_error, now) || log_level_current < LOG_LEVEL_INFO)
		return;
	tcp_conn_get_info(hc->tcp, &info);
	if (info.family == 4)
		pr_info("client %u.%u.%u.%u:%u: %d %s", info.remote_addr[0], info.remote_addr[1],
			info.remote_addr[2], info.remote_addr[3], info.remote_port, status, why);
	else
		pr_info("client [%02x%02x:...:%02x%02x]:%u: %d %s", info.remote_addr[0],
			info.remote_addr[1], info.remote_addr[14], info.remote_addr[15],
			info.remote_port, status, why);
}

/* Queue an error (or redirect) answer, head and small body together. */
static void http_send_error(struct http_conn *hc, const struct http_request *req, int status,
			    bool keep_alive, const char *location)
{
	struct http_server *h = hc->srv;
	struct http_response r = {
		.status = status,
		.keep_alive = keep_alive && !h->draining,
		.version_minor = req ? req->version_minor : 1,
		.date = h->clock.date,
	};
	bool head_only = req && req->method == HTTP_METHOD_HEAD;
	int len;

	if (location) {
		r.location.p = location;
		r.location.len = strlen(location);
	}
	len = http_response_error(h->answer, sizeof(h->answer), &r, head_only);
	if (len < 0 || tcp_conn_send_copy(hc->tcp, h->answer, (uint32_t)len)) {
		tcp_conn_abort(hc->tcp);
		hc->closing = true;
		return;
	}
	http_count_status(h, status);
	if (!r.keep_alive) {
		tcp_conn_shutdown(hc->tcp);
		hc->closing = true;
	}
}

/* Render the object's constant header block once; it lives in the object's head slot. */
static struct http_obj_meta *http_obj_meta(struct cache_obj *obj)
{
	struct http_obj_meta *m = (struct http_obj_meta *)obj->head;

	if (obj->head_len)
		return m;
	m->etag_len = (uint8_t)http_etag_format(m->etag, obj->ino, obj->size, obj->mtime_ns);
	if (http_object_head_build(&m->oh, mime_type_for_path(obj->path, strlen(obj->path)),
				   (time_t)(obj->mtime_ns / 1000000000ull), m->etag))
		return NULL;
	obj->head_len = sizeof(*m);
	return m;
}

/* Queue the answer for a found object: 200, 206 (single or multipart), 304, 412 or 416. */
static int http_send_object(struct http_conn *hc, const struct http_request *req,
			    struct cache_obj *obj)
{
	struct http_server *h = hc->srv;
	struct http_obj_meta *m = http_obj_meta(obj);
	struct http_validators v;
	struct http_ranges ranges = {0};
	struct http_response r = {
		.status = 200,
		.keep_alive = req->keep_alive && !h->draining,
		.version_minor = req->version_minor,
		.date = h->clock.date,
		.content_length = obj->size,
		.total = obj->size,
	};
	bool body = req->method == HTTP_METHOD_GET;
	int len, cond;

	if (!m)
		return 500;
	r.object = &m->oh;
	v = (struct http_validators){
		.etag = m->etag,
		.etag_len = m->etag_len,
		.has_last_modified = true,
		.last_modified = (time_t)(obj->mtime_ns / 1000000000ull),
	};
	cond = http_cond_evaluate(&req->cond, req->method, &v, h->clock.sec);
	if (cond == 304) {
		r.status = 304;
		body = false;
	} else if (cond) {
		return cond; /* 412: an error answer */
	} else if (http_str_present(&req->range) &&
		   (!http_str_present(&req->cond.if_range) ||
		    http_if_range_matches(&req->cond.if_range, &v, h->clock.sec))) {
		int rs = http_range_parse(req->range.p, req->range.len, obj->size, &ranges);

		if (rs == 416) {
			r.status = 416;
			r.object = NULL;
			len = http_response_error(h->answer, sizeof(h->answer), &r,
						  req->method == HTTP_METHOD_HEAD);
			if (len < 0 || tcp_conn_send_copy(hc->tcp, h->answer, (uint32_t)len))
				return 500;
			http_count_status(h, 416);
			return 0;
		}
		if (rs == 206 && ranges.n == 1) {
			r.status = 206;
			r.range = &ranges.r[0];
			r.content_length = ranges.r[0].last - ranges.r[0].first + 1;
		} else if (rs == 206) {
			return -EMLINK; /* multipart: the caller's next step */
		}
	}

	len = http_response_head(h->answer, sizeof(h->answer), &r);
	if (len < 0 || tcp_conn_send_copy(hc->tcp, h->answer, (uint32_t)len))
		return 500;
	if (body && r.content_length) {
		uint64_t off = r.range ? r.range->first : 0;

		if (tcp_conn_send_blob(hc->tcp, &obj->blob, off, r.content_length))
			return -EPIPE;
		h->stats.body_bytes += r.content_length;
	}
	http_count_status(h, r.status);
	return 0;
}

/* multipart/byteranges: one head, then per range a part head and the bytes, then the tail. */
static int http_send_multipart(struct http_conn *hc, const struct http_request *req,
			       struct cache_obj *obj, const struct http_ranges *ranges)
{
	struct http_server *h = hc->srv;
	struct http_obj_meta *m = (struct http_obj_meta *)obj->head;
	const char *ctype = mime_type_for_path(obj->path, strlen(obj->path));
	char boundary[HTTP_BOUNDARY_MAX];
	char mtype[HTTP_BOUNDARY_MAX + 64];
	struct http_response r = {
		.status = 206,
		.keep_alive = req->keep_alive && !h->draining,
		.version_minor = req->version_minor,
		.date = h->clock.date,
		.object = &m->oh,
		.content_type = mtype,
	};
	int64_t total;
	int len;

	http_multipart_boundary(boundary, obj->ino ^ obj->mtime_ns ^ (uint64_t)(uintptr_t)hc);
	if (http_multipart_content_type(mtype, sizeof(mtype), boundary) < 0)
		return 500;
	total = http_multipart_length(ranges, boundary, ctype, obj->size);
	if (total < 0)
		return 500;
	r.content_length = (uint64_t)total;
	len = http_response_head(h->answer, sizeof(h->answer), &r);
	if (len < 0 || tcp_conn_send_copy(hc->tcp, h->answer, (uint32_t)len))
		return 500;
	http_count_status(h, 206);
	if (req->method != HTTP_METHOD_GET)
		return 0;
	for (unsigned int i = 0; i < ranges->n; i++) {
		const struct http_byte_range *br = &ranges->r[i];

		len = http_multipart_part_head(h->answer, sizeof(h->answer), boundary, ctype, br,
					       obj->size);
		if (len < 0 || tcp_conn_send_copy(hc->tcp, h->answer, (uint32_t)len) ||
		    tcp_conn_send_blob(hc->tcp, &obj->blob, br->first, br->last - br->first + 1))
			return -EPIPE;
	}
	len = http_multipart_tail(h->answer, sizeof(h->answer), boundary);
	if (len < 0 || tcp_conn_send_copy(hc->tcp, h->answer, (uint32_t)len))
		return -EPIPE;
	h->stats.body_bytes += r.content_length;
	return 0;
}

/*
 * Answer one parsed request. 0 when an answer is queued (or the
 * connection is being torn down), -EINPROGRESS when it waits for a load.
 */
static int http_respond(struct http_conn *hc, const struct http_request *req)
{
	struct http_server *h = hc->srv;
	struct http_path pres;
	struct cache_obj *obj;
	size_t plen;
	int err, ret;

	if (req->method != HTTP_METHOD_GET && req->method != HTTP_METHOD_HEAD) {
		int status = req->method == HTTP_METHOD_UNKNOWN ? 501 : 405;

		http_send_error(hc, req, status, req->keep_alive, NULL);
		return 0;
	}
	if (http_path_from_target(req->target.p, req->target.len, h->path, sizeof(h->path),
				  &pres)) {
		http_log_client_error(hc, pres.status, "bad request-target");
		http_send_error(hc, req, pres.status, false, NULL);
		return 0;
	}
	plen = pres.len;
	if (pres.dir || plen == 0) {
		size_t ilen = strlen(h->cfg.index_name);

		if (plen + 1 + ilen + 1 > sizeof(h->path)) {
			http_send_error(hc, req, 414, false, NULL);
			return 0;
		}
		if (plen)
			h->path[plen++] = '/';
		memcpy(h->path + plen, h->cfg.index_name, ilen + 1);
	}

	if (hc->load_err) {
		err = hc->load_err;
		hc->load_err = 0;
	} else {
		err = cache_lookup(h->cache, h->path, tcp_stack__now(tcp_conn_stack(hc->tcp)),
				   &hc->waiter, &obj);
	}
	switch (err) {
	case 0:
		break;
	case -EINPROGRESS:
		h->stats.cache_waits++;
		return -EINPROGRESS;
	case -EISDIR: {
		int l = http_path_redirect_location(h->location, sizeof(h->location), h->path,
						    pres.len, &pres.query);

		http_send_error(hc, req, l < 0 ? 414 : 301, req->keep_alive,
				l < 0 ? NULL : h->location);
		return 0;
	}
	case -ENOENT:
	case -ENOTDIR:
	case -ELOOP:
	case -EXDEV:
	case -ENAMETOOLONG:
		http_send_error(hc, req, 404, req->keep_alive, NULL);
		return 0;
	case -EACCES:
	case -EPERM:
		http_send_error(hc, req, 403, req->keep_alive, NULL);
		return 0;
	case -EFBIG:
	case -ENOMEM:
		http_send_error(hc, req, 503, req->keep_alive, NULL);
		return 0;
	default:
		http_send_error(hc, req, 500, req->keep_alive, NULL);
		return 0;
	}

	ret = http_send_object(hc, req, obj);
	if (ret == -EMLINK) {
		struct http_ranges ranges;

		http_range_parse(req->range.p, req->range.len, obj->size, &ranges);
		ret = http_send_multipart(hc, req, obj, &ranges);
	}
	cache_obj_put(obj);
	if (ret > 0) {
		http_send_error(hc, req, ret, req->keep_alive, NULL);
	} else if (ret < 0) {
		/* Part of an answer is queued: the stream cannot be mended. */
		tcp_conn_abort(hc->tcp);
		hc->closing = true;
	} else if (!req->keep_alive || h->draining) {
		tcp_conn_shutdown(hc->tcp);
		hc->closing = true;
	}
	return 0;
}

static void http_conn_process(struct http_conn *hc)
{
	struct http_server *h = hc->srv;
	struct tcp_conn *c = hc->tcp;

	while (!hc->waiting) {
		struct http_request req;
		uint32_t len;
		const char *data = (const char *)tcp_conn_rx_peek(c, &len);
		int n;

		if (hc->closing || hc->skip) {
			/* Discard a request body, or whatever follows the last answer. */
			uint32_t n_skip = hc->closing || hc->skip > len ? len : (uint32_t)hc->skip;

			if (!n_skip)
				break;
			tcp_conn_rx_consume(c, n_skip);
			if (!hc->closing)
				hc->skip -= n_skip;
			continue;
		}
		if (!len) {
			if (tcp_conn_rx_eof(c)) {
				tcp_conn_shutdown(c);
				hc->closing = true;
			}
			break;
		}
		/* Only start an answer that surely fits; writable() brings us back. */
		if (tcp_conn_tx_copy_space(c) < HTTP_ANSWER_MAX ||
		    tcp_conn_tx_pieces_free(c) < HTTP_PIECES_MAX)
			break;

		n = http_parse_request_resume(data, len, hc->parsed_len, &req, &h->cfg.limits);
		if (n == -2) {
			hc->parsed_len = len;
			if (tcp_conn_rx_eof(c)) {
				http_send_error(hc, NULL, 400, false, NULL);
				http_log_client_error(hc, 400,
						      "connection closed inside a request");
			}
			break;
		}
		hc->parsed_len = 0;
		if (n < 0) {
			http_log_client_error(hc, req.status, "malformed request head");
			http_send_error(hc, NULL, req.status, false, NULL);
			break;
		}
		if (req.expect_continue && req.content_length &&
		    tcp_conn_send_copy(c, HTTP_100_CONTINUE, sizeof(HTTP_100_CONTINUE) - 1)) {
			tcp_conn_abort(c);
			hc->closing = true;
			break;
		}
		if (http_respond(hc, &req) == -EINPROGRESS) {
			hc->waiting = true;
			break;
		}
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
