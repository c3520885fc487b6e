// SPDX-License-Identifier: GPL-2.0-only
/*
 * http_file.c — the answer for a file the resolver found: validators and
 * conditionals (304/412), Range (206, multipart/byteranges, 416), and the
 * body, chunk by chunk from the cache (cache.h): the first chunk is in the
 * cache before the head is queued, the rest follow from a per-connection
 * cursor (struct http_body) whenever less than a chunk is unacknowledged,
 * with the chunk after read ahead.
 *
 *	http_respond (http_server.c) -> http_file_send -> http_body_start
 *	writable() / the cache waiter -> http_file_pump -> http_body_queue
 */
#include "http/http_server_int.h"

#include <errno.h>
#include <string.h>

#include "cache/cache.h"
#include "http/http_cond.h"
#include "http/http_range.h"
#include "http/mime.h"

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

void http_file_body_end(struct http_conn *hc)
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
int http_file_pump(struct http_conn *hc)
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
			http_file_body_end(hc);
			tcp_conn_abort(hc->tcp);
			hc->closing = true;
			return -EPIPE;
		}
		cache_chunk_prefetch(h->cache, b->obj, idx + 1, http_conn_now(hc));
	}
	finish = b->finish || h->draining; /* a drain that began mid-body closes after it */
	http_file_body_end(hc);
	if (finish)
		http_conn_finish(hc);
	return 0;
}

/*
 * The head is queued: queue the first chunk's part of the body [off, end)
 * and keep the rest (obj referenced) for http_file_pump().
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
		http_file_body_end(hc);
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
int http_file_send(struct http_conn *hc, const struct http_request *req,
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
