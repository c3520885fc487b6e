/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * http_response.h — status lines, response heads and small error bodies.
 *
 * Two callers. The content cache builds, once per object, the header
 * lines that never change for it (struct http_object_head: Content-Type,
 * Accept-Ranges, Last-Modified, ETag). The HTTP connection code then
 * writes each response head into a small copy buffer with
 * http_response_head(): status line, Date (from the worker's http_clock),
 * Server, the object's block copied whole, Content-Length or
 * Content-Range, Connection. The body is not written here: it goes out by
 * reference to the cached blob. Error answers are small enough to be
 * written head and body together (http_response_error).
 *
 * Nothing allocates or formats through printf: a head is a few memcpy()s
 * and one or two integer conversions.
 */
#ifndef XDPSERVE_HTTP_RESPONSE_H
#define XDPSERVE_HTTP_RESPONSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "http/http_range.h"
#include "http/http_types.h"

#define HTTP_SERVER_NAME "xdpserve"

/* The interim answer to "Expect: 100-continue". */
#define HTTP_100_CONTINUE "HTTP/1.1 100 Continue\r\n\r\n"

/* The reason phrase of a status ("Not Found"), or NULL for one we do not know. */
const char *http_status_reason(int status);

/*
 * The constant header lines of one cached object, rendered once, in this
 * order so that every kind of response uses one contiguous slice:
 *
 *   Content-Type: <type>\r\n          [0, ctype_end)
 *   Accept-Ranges: bytes\r\n          [ctype_end, validators)
 *   Last-Modified: <date>\r\n         [validators, len)
 *   ETag: <tag>\r\n
 *
 * 200 and 206 copy all of it; a multipart 206 writes its own Content-Type
 * and copies from ctype_end; a 304 copies only the validators.
 */
#define HTTP_OBJECT_HEAD_MAX 256

struct http_object_head {
	uint16_t len;
	uint16_t ctype_end;
	uint16_t validators;
	char buf[HTTP_OBJECT_HEAD_MAX];
};

/*
 * Render an object's block. content_type and etag may be NULL (line left
 * out); last_modified is formatted as an IMF-fixdate. Returns 0, or
 * -ENOSPC when it does not fit HTTP_OBJECT_HEAD_MAX.
 */
int http_object_head_build(struct http_object_head *oh, const char *content_type,
			   time_t last_modified, const char *etag);

/* What one response head says. Zero-initialise, then set what applies. */
struct http_response {
	int status;	       /* 100..999 */
	bool keep_alive;       /* false: "Connection: close" */
	uint8_t version_minor; /* of the request: 0 and keep_alive -> "Connection: keep-alive" */
	const char *date;      /* HTTP_DATE_LEN characters (http_clock.date); NULL: no Date */
	/*
	 * The object's block, used for 200, 206 and 304 only (other statuses
	 * describe an error, not the object).
	 */
	const struct http_object_head *object;
	/*
	 * Content-Type without an object; with one, it replaces the object's
	 * type (multipart/byteranges). NULL: none.
	 */
	const char *content_type;
	/*
	 * Body bytes, sent as Content-Length for every status except 1xx,
	 * 204 and 304. For a single-range 206 (range set) it is the range's
	 * length whatever this says.
	 */
	uint64_t content_length;
	const struct http_byte_range *range; /* 206: "Content-Range: bytes a-b/total" */
	uint64_t total;			     /* representation size: 206 with range, and 416 */
	struct http_str location;	     /* Location, for 3xx; not sent when p is NULL */
	const char *allow;		     /* Allow for 405; NULL: "GET, HEAD" */
	uint32_t retry_after;		     /* 503: "Retry-After: <seconds>"; 0: none */
	/* With an object: "Content-Encoding: <this>" on 200 and 206 (a precompressed variant). */
	const char *content_encoding;
	/* With an object: "Vary: Accept-Encoding" on 200, 206 and 304 (variants may exist). */
	bool vary_accept_encoding;
};

/*
 * Write the status line and header block of `r`, ending with the empty
 * line, into out. Returns the length (out is NUL-terminated after it),
 * -ENOSPC when it does not fit, -EINVAL for a status outside 100..999.
 * For a HEAD request write the same head and send no body.
 */
int http_response_head(char *out, size_t size, const struct http_response *r);

/*
 * The small HTML body of an error or redirect status (301 400 403 404 405
 * 408 412 413 414 416 417 431 500 501 503 505); *len gets its length.
 * NULL for other statuses. Constant storage.
 */
const char *http_error_body(int status, size_t *len);

/*
 * A complete error (or redirect) response: the head of `r` with
 * Content-Type text/html and the body's Content-Length, then, unless
 * head_only (HEAD requests), the body, all in out. r->object,
 * r->content_type and r->content_length are ignored; statuses without a
 * built-in body get an empty one. Returns the total length or -ENOSPC /
 * -EINVAL.
 */
int http_response_error(char *out, size_t size, const struct http_response *r, bool head_only);

#endif /* XDPSERVE_HTTP_RESPONSE_H */
