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
 * The answer for a found file, its body included, is http_file.c's; the
 * next request waits until that body is queued whole.
 */
#include "http/http_server_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "cache/cache.h"
#include "common/list.h"
#include "common/log.h"
#include "http/http_date.h"
#include "http/http_resolve.h"
#include "http/http_response.h"

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

/* Root 1 + i for the i-th address with a root of its own, else 0: at most 16 compares. */
static uint32_t http_root_of(const struct http_server *h, const struct http_root_addr *a)
{
	for (uint32_t i = 0; i < h->nroots; i++) {
		const struct http_root_addr *r = &h->roots[i];

		if (r->port == a->port && r->family == a->family &&
		    !memcmp(r->addr, a->addr, a->family == 4 ? 4 : 16))
			return i + 1;
	}
	return 0;
}

void http_server_set_roots(struct http_server *h, const struct http_root_addr *addrs, uint32_t n)
{
	h->nroots = n < HTTP_ROOTS_MAX ? n : HTTP_ROOTS_MAX;
	memcpy(h->roots, addrs, h->nroots * sizeof(*addrs));
	h->root_gen++;
}

void http_server_set_files(struct http_server *h, const struct http_resolve_config *files)
{
	if (!http_resolver_set_config(h->resolver, files))
		h->cfg.files = *files;
}

/* The resolver's seam to the cache: ctx is the connection, whose waiter a miss queues. */
static int http_cache_lookup(void *ctx, const char *path, bool wait, struct cache_obj **out)
{
	struct http_conn *hc = ctx;
	struct http_server *h = hc->srv;

	if (hc->root_gen != h->root_gen) {
		hc->root = http_root_of(h, &hc->local);
		hc->root_gen = h->root_gen;
	}
	return cache_lookup_in(h->cache, hc->root, path, tcp_stack__now(tcp_conn_stack(hc->tcp)),
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

void http_count_status(struct http_server *h, int status)
{
	h->last_status = status;
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
int http_queue(struct http_conn *hc, const char *buf, int len)
{
	if (len < 0)
		return -EPIPE;
	if ((uint32_t)len > tcp_conn_tx_copy_space(hc->tcp) || !tcp_conn_tx_pieces_free(hc->tcp))
		return -EAGAIN;
	return tcp_conn_send_copy(hc->tcp, buf, (uint32_t)len) ? -EPIPE : 0;
}

/* After the last answer of a connection is queued: FIN, and discard what follows. */
void http_conn_finish(struct http_conn *hc)
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

	ret = http_file_send(hc, req, &res);
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

/*
 * The access log's one hook: after an answer for the head request is
 * queued. `body0` is stats.body_bytes before it; a body still streaming
 * adds what is left to queue.
 */
static void http_access_report(struct http_conn *hc, const struct http_request *req,
			       const char *head, uint32_t head_len, uint64_t body0)
{
	struct http_server *h = hc->srv;
	uint64_t now = tcp_stack__now(tcp_conn_stack(hc->tcp));
	struct tcp_conn_info info;
	struct http_access a = {
		.req = req,
		.head = head,
		.head_len = head_len,
		.status = h->last_status,
		.bytes = h->stats.body_bytes - body0,
		.duration_ns = hc->head_ns && now > hc->head_ns ? now - hc->head_ns : 0,
	};

	if (hc->body.obj)
		a.bytes += hc->body.end - hc->body.off;
	tcp_conn_get_info(hc->tcp, &info);
	a.family = info.family;
	a.addr = info.remote_addr;
	a.port = info.remote_port;
	h->cfg.access(h->cfg.access_ctx, &a);
	hc->head_ns = 0;
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
		uint64_t body0;
		int n, ret;

		/* A body still streaming comes first: answers leave in order. */
		if (hc->body.obj && http_file_pump(hc))
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
		if (h->cfg.access && !hc->head_ns)
			hc->head_ns = tcp_stack__now(tcp_conn_stack(c));
		if (n < 0) {
			body0 = h->stats.body_bytes;
			http_log_client_error(hc, req.status, "malformed request head");
			if (http_send_error(hc, NULL, req.status, false, NULL))
				http_conn_fail(hc);
			else if (h->cfg.access)
				http_access_report(hc, NULL, data, len, body0);
			break;
		}
		if (req.expect_continue && req.content_length && !hc->continue_sent) {
			if (http_queue(hc, HTTP_100_CONTINUE, sizeof(HTTP_100_CONTINUE) - 1))
				break;
			hc->continue_sent = true;
		}
		body0 = h->stats.body_bytes;
		h->last_status = 0; /* an aborted answer counts no status: nothing to log */
		ret = http_respond(hc, &req);
		if (ret == 0 && h->cfg.access && h->last_status)
			http_access_report(hc, &req, data, (uint32_t)n, body0);
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

/* Which root: looked up at the connection's first lookup, and again after a reload. */
static void http_conn_local(struct http_conn *hc, struct tcp_conn *c)
{
	struct tcp_conn_info info;

	tcp_conn_get_info(c, &info);
	hc->local.family = info.family;
	memcpy(hc->local.addr, info.local_addr, sizeof(hc->local.addr));
	hc->local.port = info.local_port;
	hc->root_gen = hc->srv->root_gen - 1; /* none yet */
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
	http_conn_local(hc, c);
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
	http_file_body_end(hc);
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
