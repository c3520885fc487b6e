// SPDX-License-Identifier: GPL-2.0-only
/*
 * http_response.c — status reasons, per-object header blocks, response
 * heads and error bodies. Called by the content cache (object blocks) and
 * the HTTP connection code (every response); see http_response.h.
 */
#include "http/http_response.h"

#include <errno.h>
#include <string.h>

#include "http/http_date.h"
#include "http/http_wbuf.h"

struct status_entry {
	int code;
	const char *reason;
	const char *line; /* the whole status line with its CRLF */
	size_t line_len;
};

#define S(code, reason)                                                                            \
	{                                                                                          \
		code, reason, "HTTP/1.1 " #code " " reason "\r\n",                                 \
			sizeof("HTTP/1.1 " #code " " reason "\r\n") - 1                            \
	}

/* Sorted by code. */
static const struct status_entry statuses[] = {
	S(100, "Continue"),
	S(200, "OK"),
	S(204, "No Content"),
	S(206, "Partial Content"),
	S(301, "Moved Permanently"),
	S(302, "Found"),
	S(304, "Not Modified"),
	S(307, "Temporary Redirect"),
	S(308, "Permanent Redirect"),
	S(400, "Bad Request"),
	S(403, "Forbidden"),
	S(404, "Not Found"),
	S(405, "Method Not Allowed"),
	S(408, "Request Timeout"),
	S(411, "Length Required"),
	S(412, "Precondition Failed"),
	S(413, "Content Too Large"),
	S(414, "URI Too Long"),
	S(416, "Range Not Satisfiable"),
	S(417, "Expectation Failed"),
	S(431, "Request Header Fields Too Large"),
	S(500, "Internal Server Error"),
	S(501, "Not Implemented"),
	S(503, "Service Unavailable"),
	S(505, "HTTP Version Not Supported"),
};
#undef S

static const struct status_entry *status_lookup(int code)
{
	size_t lo = 0, hi = sizeof(statuses) / sizeof(statuses[0]);

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (statuses[mid].code == code)
			return &statuses[mid];
		if (statuses[mid].code < code)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *http_status_reason(int status)
{
	const struct status_entry *e = status_lookup(status);

	return e ? e->reason : NULL;
}

int http_object_head_build(struct http_object_head *oh, const char *content_type,
			   time_t last_modified, const char *etag)
{
	struct wbuf w = WBUF_INIT(oh->buf, sizeof(oh->buf));
	char date[HTTP_DATE_LEN + 1];
	int n;

	if (content_type) {
		WBUF_LIT(&w, "Content-Type: ");
		wbuf_str(&w, content_type);
		WBUF_LIT(&w, "\r\n");
	}
	oh->ctype_end = (uint16_t)w.len;
	WBUF_LIT(&w, "Accept-Ranges: bytes\r\n");
	oh->validators = (uint16_t)w.len;
	http_date_format(last_modified, date);
	WBUF_LIT(&w, "Last-Modified: ");
	wbuf_mem(&w, date, HTTP_DATE_LEN);
	WBUF_LIT(&w, "\r\n");
	if (etag) {
		WBUF_LIT(&w, "ETag: ");
		wbuf_str(&w, etag);
		WBUF_LIT(&w, "\r\n");
	}
	n = wbuf_end(&w);
	if (n < 0) {
		oh->len = oh->ctype_end = oh->validators = 0;
		return n;
	}
	oh->len = (uint16_t)n;
	return 0;
}

static bool status_has_body(int status)
{
	return status >= 200 && status != 204 && status != 304;
}

static void put_status_line(struct wbuf *w, int status)
{
	const struct status_entry *e = status_lookup(status);
	char code[3] = {(char)('0' + status / 100), (char)('0' + status / 10 % 10),
			(char)('0' + status % 10)};

	if (e) {
		wbuf_mem(w, e->line, e->line_len);
		return;
	}
	WBUF_LIT(w, "HTTP/1.1 ");
	wbuf_mem(w, code, 3);
	WBUF_LIT(w, " \r\n"); /* reason-phrase may be empty (RFC 9112 §4) */
}

/* Everything up to and including the empty line; object use is up to the caller. */
static void put_head(struct wbuf *w, const struct http_response *r, bool use_object)
{
	const struct http_object_head *oh = use_object ? r->object : NULL;
	char cr[HTTP_CONTENT_RANGE_MAX];
	int n;

	put_status_line(w, r->status);
	if (r->date) {
		WBUF_LIT(w, "Date: ");
		wbuf_mem(w, r->date, HTTP_DATE_LEN);
		WBUF_LIT(w, "\r\n");
	}
	WBUF_LIT(w, "Server: " HTTP_SERVER_NAME "\r\n");

	if (oh && r->status == 304) {
		wbuf_mem(w, oh->buf + oh->validators, (size_t)(oh->len - oh->validators));
	} else if (oh && !r->content_type) {
		wbuf_mem(w, oh->buf, oh->len);
	} else {
		if (r->content_type) {
			WBUF_LIT(w, "Content-Type: ");
			wbuf_str(w, r->content_type);
			WBUF_LIT(w, "\r\n");
		}
		if (oh)
			wbuf_mem(w, oh->buf + oh->ctype_end, (size_t)(oh->len - oh->ctype_end));
	}
	if (oh && r->content_encoding && r->status != 304) {
		WBUF_LIT(w, "Content-Encoding: ");
		wbuf_str(w, r->content_encoding);
		WBUF_LIT(w, "\r\n");
	}
	if (oh && r->vary_accept_encoding)
		WBUF_LIT(w, "Vary: Accept-Encoding\r\n");

	if (status_has_body(r->status)) {
		uint64_t cl = r->content_length;

		if (r->status == 206 && r->range)
			cl = r->range->last - r->range->first + 1;
		WBUF_LIT(w, "Content-Length: ");
		wbuf_u64(w, cl);
		WBUF_LIT(w, "\r\n");
	}
	if ((r->status == 206 && r->range) || r->status == 416) {
		n = http_content_range_format(cr, sizeof(cr), r->status == 206 ? r->range : NULL,
					      r->total);
		WBUF_LIT(w, "Content-Range: ");
		wbuf_mem(w, cr, n > 0 ? (size_t)n : 0);
		WBUF_LIT(w, "\r\n");
	}
	if (r->location.p && r->status >= 300 && r->status < 400) {
		WBUF_LIT(w, "Location: ");
		wbuf_mem(w, r->location.p, r->location.len);
		WBUF_LIT(w, "\r\n");
	}
	if (r->status == 503 && r->retry_after) {
		WBUF_LIT(w, "Retry-After: ");
		wbuf_u64(w, r->retry_after);
		WBUF_LIT(w, "\r\n");
	}
	if (r->status == 405) {
		WBUF_LIT(w, "Allow: ");
		wbuf_str(w, r->allow ? r->allow : "GET, HEAD");
		WBUF_LIT(w, "\r\n");
	}
	if (!r->keep_alive)
		WBUF_LIT(w, "Connection: close\r\n");
	else if (r->version_minor == 0)
		WBUF_LIT(w, "Connection: keep-alive\r\n");
	WBUF_LIT(w, "\r\n");
}

int http_response_head(char *out, size_t size, const struct http_response *r)
{
	struct wbuf w = WBUF_INIT(out, size);
	bool use_object = r->status == 200 || r->status == 206 || r->status == 304;

	if (r->status < 100 || r->status > 999)
		return -EINVAL;
	put_head(&w, r, use_object);
	return wbuf_end(&w);
}

#define BODY(code, reason)                                                                         \
	"<!DOCTYPE html>\n<html><head><title>" #code " " reason "</title></head>\n"                \
	"<body><h1>" #code " " reason "</h1><hr>" HTTP_SERVER_NAME "</body></html>\n"

struct error_body {
	int code;
	const char *body;
	size_t len;
};

#define E(code, reason)                                                                            \
	{                                                                                          \
		code, BODY(code, reason), sizeof(BODY(code, reason)) - 1                           \
	}
static const struct error_body error_bodies[] = {
	E(301, "Moved Permanently"),
	E(400, "Bad Request"),
	E(403, "Forbidden"),
	E(404, "Not Found"),
	E(405, "Method Not Allowed"),
	E(408, "Request Timeout"),
	E(412, "Precondition Failed"),
	E(413, "Content Too Large"),
	E(414, "URI Too Long"),
	E(416, "Range Not Satisfiable"),
	E(417, "Expectation Failed"),
	E(431, "Request Header Fields Too Large"),
	E(500, "Internal Server Error"),
	E(501, "Not Implemented"),
	E(503, "Service Unavailable"),
	E(505, "HTTP Version Not Supported"),
};
#undef E
#undef BODY

const char *http_error_body(int status, size_t *len)
{
	for (size_t i = 0; i < sizeof(error_bodies) / sizeof(error_bodies[0]); i++) {
		if (error_bodies[i].code == status) {
			*len = error_bodies[i].len;
			return error_bodies[i].body;
		}
	}
	*len = 0;
	return NULL;
}

int http_response_error(char *out, size_t size, const struct http_response *r, bool head_only)
{
	struct wbuf w = WBUF_INIT(out, size);
	struct http_response e = *r;
	size_t blen;
	const char *body = http_error_body(r->status, &blen);

	if (r->status < 100 || r->status > 999)
		return -EINVAL;
	e.object = NULL;
	e.content_type = "text/html; charset=utf-8";
	e.content_length = blen;
	put_head(&w, &e, false);
	if (!head_only && body && status_has_body(r->status))
		wbuf_mem(&w, body, blen);
	return wbuf_end(&w);
}
