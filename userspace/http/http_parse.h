/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * http_parse.h — strict HTTP/1.1 request-head parser (RFC 9110, RFC 9112).
 *
 * Called by the HTTP connection code (http_server.c) whenever bytes arrive
 * in a connection's linear receive buffer: it parses the request head that
 * starts at the buffer's first unconsumed byte, or says it needs more. It
 * never allocates and keeps no state between calls (a partial head is
 * parsed again from its start when more bytes arrive; the head limit
 * bounds that work). Every struct http_str in the result borrows from the
 * caller's buffer (two documented exceptions point to constant strings).
 *
 * Strictness is the point: one parse of the head must be the only possible
 * one, so that no front-end can disagree with us about where a request
 * ends (request smuggling). Anything ambiguous is refused with the status
 * to answer, after which the connection must be closed.
 */
#ifndef XDPSERVE_HTTP_PARSE_H
#define XDPSERVE_HTTP_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/http_types.h"

/* Methods are case-sensitive tokens (RFC 9110 §9.1). */
enum http_method {
	HTTP_METHOD_UNKNOWN = 0, /* any other token: answer 501 */
	HTTP_METHOD_GET,
	HTTP_METHOD_HEAD,
	HTTP_METHOD_POST,
	HTTP_METHOD_PUT,
	HTTP_METHOD_DELETE,
	HTTP_METHOD_CONNECT,
	HTTP_METHOD_OPTIONS,
	HTTP_METHOD_TRACE,
	HTTP_METHOD_PATCH,
};

/*
 * Size limits of a request head. Byte counts exclude nothing but what is
 * said: `request_line` and `field_line` exclude the line ending, `head`
 * is the whole head from the buffer start (empty lines before the request
 * line included) through the empty line that ends it.
 */
struct http_limits {
	uint32_t request_line; /* longer request line -> 414 */
	uint32_t fields;       /* more field lines -> 431 */
	uint32_t field_line;   /* longer field line -> 431 */
	uint32_t head;	       /* larger head -> 431 */
};

#define HTTP_LIMITS_DEFAULT_INIT                                                                   \
	{                                                                                          \
		.request_line = 8192, .fields = 100, .field_line = 8192, .head = 16384             \
	}

/*
 * Validator and precondition fields, for http_cond_evaluate() and
 * http_if_range_matches(). Absent fields have p == NULL. A singleton field
 * sent twice is kept as present and empty, which no evaluator accepts (so
 * it counts as invalid and is ignored, or as a failed If-Range).
 */
struct http_cond_fields {
	struct http_str_list if_match;	    /* one entry per field line */
	struct http_str_list if_none_match; /* one entry per field line */
	struct http_str if_modified_since;
	struct http_str if_unmodified_since;
	struct http_str if_range;
};

struct http_request {
	int status; /* after -1: the status to answer (400 414 417 431 501 505) */
	enum http_method method;
	struct http_str method_name;
	/*
	 * Origin-form path and query as sent ("/a/b?x"). For an absolute-form
	 * target ("http://h/a/b?x") the path and query part; when it has no
	 * path this points to the constant "/" (and a query is dropped).
	 */
	struct http_str target;
	/* absolute-form: the authority of the target, which replaces Host. */
	bool absolute_form;
	uint8_t version_minor; /* 0 or 1; HTTP/1.2..1.9 are read as 1.1 */
	/* Keep the connection open after the response (RFC 9112 §9.3). */
	bool keep_alive;
	/* Expect: 100-continue in an HTTP/1.1 request: send 100 before reading the body. */
	bool expect_continue;
	/*
	 * Content-Length of a body that follows the head (0 when absent). A
	 * static server reads no body but must skip exactly this many bytes
	 * before the next pipelined request.
	 */
	bool has_content_length;
	uint64_t content_length;
	uint32_t nfields; /* field lines in the head */
	/* Host value, or the target's authority in absolute-form. */
	struct http_str host;
	struct http_str range; /* Range value; see http_range_parse() */
	/* Accept-Encoding, one entry per field line (see http_encoding.h); extra lines ignored. */
	struct http_str_list accept_encoding;
	struct http_cond_fields cond;
};

/*
 * Parse the request head at buf[0..len) with the default limits.
 *
 * Returns the bytes the head occupies (request line, fields and the empty
 * line; any empty lines before the request line included): the body, if
 * content_length says there is one, starts there, and after it the next
 * pipelined request.
 * Returns -2 when the head is incomplete and still within the limits: call
 * again with more bytes (from the same start).
 * Returns -1 when the head is invalid or over a limit: req->status is the
 * answer (400, 414, 417, 431, 501 for Transfer-Encoding, 505), and
 * req->keep_alive is false: send the answer and close the connection.
 * The other fields of *req are meaningful only after a return > 0.
 */
int http_parse_request(const char *buf, size_t len, struct http_request *req);

/* The same with explicit limits (NULL: the defaults). */
int http_parse_request_limited(const char *buf, size_t len, struct http_request *req,
			       const struct http_limits *limits);

/*
 * For a caller that got -2 for buf[0..last_len) and now has buf[0..len)
 * (same head, more bytes): returns -2 at once, without parsing again,
 * when none of the new bytes is a line end (so the head cannot be
 * complete) and the head and request-line limits still hold; otherwise
 * the same as http_parse_request_limited(). This keeps a client that
 * trickles its head a byte per segment from costing a full re-parse per
 * byte. A field line over its limit is then refused when it ends or when
 * the head limit is passed (431 either way), and garbage arriving after
 * the first call is refused when its line ends; pass last_len 0 for a
 * first call. *req is meaningful only as for http_parse_request().
 */
int http_parse_request_resume(const char *buf, size_t len, size_t last_len,
			      struct http_request *req, const struct http_limits *limits);

/*
 * Find the first field named `name` (case-insensitive) in a head that
 * http_parse_request() accepted (head = buf, head_len = its return value)
 * and set *value to its trimmed value. For fields the parser does not
 * interpret (User-Agent, Referer...). Returns 0, or -1 when absent.
 */
int http_request_find_field(const char *head, size_t head_len, const char *name, size_t name_len,
			    struct http_str *value);

#endif /* XDPSERVE_HTTP_PARSE_H */
