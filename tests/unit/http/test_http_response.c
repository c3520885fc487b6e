// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for http/http_response.c: exact heads for each kind of
 * response, the object block slices, Connection rules, error bodies,
 * and -ENOSPC at every buffer size without writing past the end.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "http/http_response.h"

#define DATE "Sun, 06 Nov 1994 08:49:37 GMT"
#define LMOD "Sat, 05 Nov 1994 08:49:37 GMT" /* 784025377 */

static struct http_object_head oh;

static void build_object(void)
{
	cr_assert_eq(http_object_head_build(&oh, "text/html; charset=utf-8", 784025377, "\"abc\""),
		     0);
}

static void check_head(const struct http_response *r, const char *want)
{
	char out[1024];
	int n;

	memset(out, 'Z', sizeof(out));
	n = http_response_head(out, sizeof(out), r);
	cr_assert_eq(n, (int)strlen(want), "got %d:\n%s\nwant:\n%s", n, n > 0 ? out : "", want);
	cr_assert_str_eq(out, want);
}

Test(http_response, object_block_layout)
{
	build_object();
	cr_assert_eq(oh.len, strlen(oh.buf));
	cr_assert_str_eq(oh.buf, "Content-Type: text/html; charset=utf-8\r\n"
				 "Accept-Ranges: bytes\r\n"
				 "Last-Modified: " LMOD "\r\n"
				 "ETag: \"abc\"\r\n");
	cr_assert_eq(strncmp(oh.buf + oh.ctype_end, "Accept-Ranges:", 14), 0);
	cr_assert_eq(strncmp(oh.buf + oh.validators, "Last-Modified:", 14), 0);
}

Test(http_response, object_block_optional_lines_and_overflow)
{
	char big[300];

	cr_assert_eq(http_object_head_build(&oh, NULL, 0, NULL), 0);
	cr_assert_eq(oh.ctype_end, 0);
	cr_assert_str_eq(
		oh.buf, "Accept-Ranges: bytes\r\nLast-Modified: Thu, 01 Jan 1970 00:00:00 GMT\r\n");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	cr_assert_eq(http_object_head_build(&oh, big, 0, "\"t\""), -ENOSPC);
	cr_assert_eq(oh.len, 0);
}

Test(http_response, ok_with_object)
{
	struct http_response r = {.status = 200,
				  .keep_alive = true,
				  .version_minor = 1,
				  .date = DATE,
				  .content_length = 1234};

	build_object();
	r.object = &oh;
	check_head(&r, "HTTP/1.1 200 OK\r\n"
		       "Date: " DATE "\r\n"
		       "Server: xdpserve\r\n"
		       "Content-Type: text/html; charset=utf-8\r\n"
		       "Accept-Ranges: bytes\r\n"
		       "Last-Modified: " LMOD "\r\n"
		       "ETag: \"abc\"\r\n"
		       "Content-Length: 1234\r\n"
		       "\r\n");
}

Test(http_response, partial_single_range)
{
	struct http_byte_range rg = {500, 999};
	struct http_response r = {.status = 206,
				  .keep_alive = true,
				  .version_minor = 1,
				  .date = DATE,
				  .content_length = 777,
				  .range = &rg,
				  .total = 10000};

	build_object();
	r.object = &oh;
	check_head(&r, "HTTP/1.1 206 Partial Content\r\n"
		       "Date: " DATE "\r\n"
		       "Server: xdpserve\r\n"
		       "Content-Type: text/html; charset=utf-8\r\n"
		       "Accept-Ranges: bytes\r\n"
		       "Last-Modified: " LMOD "\r\n"
		       "ETag: \"abc\"\r\n"
		       "Content-Length: 500\r\n"
		       "Content-Range: bytes 500-999/10000\r\n"
		       "\r\n");
}

Test(http_response, partial_multipart_replaces_the_type)
{
	struct http_response r = {.status = 206,
				  .keep_alive = true,
				  .version_minor = 1,
				  .date = DATE,
				  .content_length = 321,
				  .content_type = "multipart/byteranges; boundary=B"};

	build_object();
	r.object = &oh;
	check_head(&r, "HTTP/1.1 206 Partial Content\r\n"
		       "Date: " DATE "\r\n"
		       "Server: xdpserve\r\n"
		       "Content-Type: multipart/byteranges; boundary=B\r\n"
		       "Accept-Ranges: bytes\r\n"
		       "Last-Modified: " LMOD "\r\n"
		       "ETag: \"abc\"\r\n"
		       "Content-Length: 321\r\n"
		       "\r\n");
}

Test(http_response, not_modified_repeats_only_validators)
{
	struct http_response r = {.status = 304,
				  .keep_alive = true,
				  .version_minor = 1,
				  .date = DATE,
				  .content_length = 1234};

	build_object();
	r.object = &oh;
	check_head(&r, "HTTP/1.1 304 Not Modified\r\n"
		       "Date: " DATE "\r\n"
		       "Server: xdpserve\r\n"
		       "Last-Modified: " LMOD "\r\n"
		       "ETag: \"abc\"\r\n"
		       "\r\n");
}

Test(http_response, variant_says_its_encoding_and_vary)
{
	struct http_byte_range rg = {0, 9};
	struct http_response r = {.status = 206,
				  .keep_alive = true,
				  .version_minor = 1,
				  .date = DATE,
				  .range = &rg,
				  .total = 100,
				  .content_type = "text/css; charset=utf-8",
				  .content_encoding = "br",
				  .vary_accept_encoding = true};

	build_object();
	r.object = &oh;
	check_head(&r, "HTTP/1.1 206 Partial Content\r\n"
		       "Date: " DATE "\r\n"
		       "Server: xdpserve\r\n"
		       "Content-Type: text/css; charset=utf-8\r\n"
		       "Accept-Ranges: bytes\r\n"
		       "Last-Modified: " LMOD "\r\n"
		       "ETag: \"abc\"\r\n"
		       "Content-Encoding: br\r\n"
		       "Vary: Accept-Encoding\r\n"
		       "Content-Length: 10\r\n"
		       "Content-Range: bytes 0-9/100\r\n"
		       "\r\n");
	/* a 304 repeats Vary but not the encoding */
	r.status = 304;
	check_head(&r, "HTTP/1.1 304 Not Modified\r\n"
		       "Date: " DATE "\r\n"
		       "Server: xdpserve\r\n"
		       "Last-Modified: " LMOD "\r\n"
		       "ETag: \"abc\"\r\n"
		       "Vary: Accept-Encoding\r\n"
		       "\r\n");
	/* the identity answer of a file that may have variants says Vary only */
	r.status = 200;
	r.range = NULL;
	r.content_type = NULL;
	r.content_encoding = NULL;
	r.content_length = 100;
	check_head(&r, "HTTP/1.1 200 OK\r\n"
		       "Date: " DATE "\r\n"
		       "Server: xdpserve\r\n"
		       "Content-Type: text/html; charset=utf-8\r\n"
		       "Accept-Ranges: bytes\r\n"
		       "Last-Modified: " LMOD "\r\n"
		       "ETag: \"abc\"\r\n"
		       "Vary: Accept-Encoding\r\n"
		       "Content-Length: 100\r\n"
		       "\r\n");
	/* an error describes no object: neither line */
	r.status = 404;
	check_head(&r, "HTTP/1.1 404 Not Found\r\n"
		       "Date: " DATE "\r\n"
		       "Server: xdpserve\r\n"
		       "Content-Length: 100\r\n"
		       "\r\n");
}

Test(http_response, object_is_ignored_for_errors)
{
	struct http_response r = {.status = 404,
				  .keep_alive = true,
				  .version_minor = 1,
				  .date = DATE,
				  .content_length = 0};

	build_object();
	r.object = &oh;
	check_head(&r, "HTTP/1.1 404 Not Found\r\n"
		       "Date: " DATE "\r\n"
		       "Server: xdpserve\r\n"
		       "Content-Length: 0\r\n"
		       "\r\n");
}

struct conn_case {
	bool keep_alive;
	unsigned char minor;
	char line[32];
};

ParameterizedTestParameters(http_response, connection_header)
{
	static struct conn_case cases[] = {
		{true, 1, ""},
		{false, 1, "Connection: close\r\n"},
		{true, 0, "Connection: keep-alive\r\n"},
		{false, 0, "Connection: close\r\n"},
	};
	return cr_make_param_array(struct conn_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct conn_case *c, http_response, connection_header)
{
	struct http_response r = {.status = 200,
				  .keep_alive = c->keep_alive,
				  .version_minor = c->minor,
				  .date = DATE,
				  .content_length = 5};
	char want[256];

	snprintf(want, sizeof(want),
		 "HTTP/1.1 200 OK\r\nDate: " DATE "\r\nServer: xdpserve\r\n"
		 "Content-Length: 5\r\n%s\r\n",
		 c->line);
	check_head(&r, want);
}

Test(http_response, no_content_and_continue_have_no_length)
{
	struct http_response r = {
		.status = 204, .keep_alive = true, .version_minor = 1, .content_length = 9};

	check_head(&r, "HTTP/1.1 204 No Content\r\nServer: xdpserve\r\n\r\n");
	r.status = 100;
	check_head(&r, "HTTP/1.1 100 Continue\r\nServer: xdpserve\r\n\r\n");
	cr_assert_str_eq(HTTP_100_CONTINUE, "HTTP/1.1 100 Continue\r\n\r\n");
}

Test(http_response, unknown_and_invalid_status)
{
	struct http_response r = {.status = 299, .keep_alive = true, .version_minor = 1};
	char out[256];

	check_head(&r, "HTTP/1.1 299 \r\nServer: xdpserve\r\nContent-Length: 0\r\n\r\n");
	r.status = 99;
	cr_assert_eq(http_response_head(out, sizeof(out), &r), -EINVAL);
	cr_assert_eq(http_response_error(out, sizeof(out), &r, false), -EINVAL);
	r.status = 1000;
	cr_assert_eq(http_response_head(out, sizeof(out), &r), -EINVAL);
}

Test(http_response, redirect_with_location_and_body)
{
	struct http_response r = {.status = 301,
				  .keep_alive = true,
				  .version_minor = 1,
				  .date = DATE,
				  .location = {"/docs/?x=1", 10}};
	char out[1024];
	size_t blen;
	const char *body = http_error_body(301, &blen);
	char want[1024];
	int n;

	cr_assert_not_null(body);
	snprintf(want, sizeof(want),
		 "HTTP/1.1 301 Moved Permanently\r\n"
		 "Date: " DATE "\r\n"
		 "Server: xdpserve\r\n"
		 "Content-Type: text/html; charset=utf-8\r\n"
		 "Content-Length: %zu\r\n"
		 "Location: /docs/?x=1\r\n"
		 "\r\n%s",
		 blen, body);
	n = http_response_error(out, sizeof(out), &r, false);
	cr_assert_eq(n, (int)strlen(want));
	cr_assert_str_eq(out, want);
}

Test(http_response, method_not_allowed_has_allow)
{
	struct http_response r = {.status = 405, .keep_alive = false, .version_minor = 1};
	char out[1024];

	cr_assert_gt(http_response_error(out, sizeof(out), &r, true), 0);
	cr_assert_not_null(strstr(out, "\r\nAllow: GET, HEAD\r\n"));
	cr_assert_not_null(strstr(out, "\r\nConnection: close\r\n\r\n"));
	r.allow = "GET, HEAD, OPTIONS";
	cr_assert_gt(http_response_error(out, sizeof(out), &r, true), 0);
	cr_assert_not_null(strstr(out, "\r\nAllow: GET, HEAD, OPTIONS\r\n"));
	r.status = 404;
	cr_assert_gt(http_response_error(out, sizeof(out), &r, true), 0);
	cr_assert_null(strstr(out, "Allow:"));
}

Test(http_response, unsatisfiable_range)
{
	struct http_response r = {.status = 416,
				  .keep_alive = true,
				  .version_minor = 1,
				  .date = DATE,
				  .total = 10000};
	char out[1024];
	size_t blen;

	http_error_body(416, &blen);
	cr_assert_gt(http_response_error(out, sizeof(out), &r, false), 0);
	cr_assert_not_null(strstr(out, "\r\nContent-Range: bytes */10000\r\n"));
	cr_assert_not_null(strstr(out, "416 Range Not Satisfiable</h1>"));
}

Test(http_response, head_only_keeps_the_length_and_drops_the_body)
{
	struct http_response r = {
		.status = 404, .keep_alive = true, .version_minor = 1, .date = DATE};
	char full[1024], head[1024], want_cl[64];
	size_t blen;
	int nf, nh;

	http_error_body(404, &blen);
	nf = http_response_error(full, sizeof(full), &r, false);
	nh = http_response_error(head, sizeof(head), &r, true);
	cr_assert_eq((size_t)nf, (size_t)nh + blen);
	cr_assert_eq(memcmp(full, head, (size_t)nh), 0);
	snprintf(want_cl, sizeof(want_cl), "\r\nContent-Length: %zu\r\n", blen);
	cr_assert_not_null(strstr(head, want_cl));
	cr_assert_eq(strcmp(head + nh - 4, "\r\n\r\n"), 0);
}

struct body_case {
	int status;
	char reason[40];
};

ParameterizedTestParameters(http_response, error_bodies)
{
	static struct body_case cases[] = {
		{301, "Moved Permanently"},
		{400, "Bad Request"},
		{403, "Forbidden"},
		{404, "Not Found"},
		{405, "Method Not Allowed"},
		{408, "Request Timeout"},
		{412, "Precondition Failed"},
		{413, "Content Too Large"},
		{414, "URI Too Long"},
		{416, "Range Not Satisfiable"},
		{417, "Expectation Failed"},
		{431, "Request Header Fields Too Large"},
		{500, "Internal Server Error"},
		{501, "Not Implemented"},
		{503, "Service Unavailable"},
		{505, "HTTP Version Not Supported"},
	};
	return cr_make_param_array(struct body_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct body_case *c, http_response, error_bodies)
{
	struct http_response r = {
		.status = c->status, .keep_alive = false, .version_minor = 1, .date = DATE};
	char title[64], line[64], cl[64], out[2048];
	size_t blen;
	const char *body = http_error_body(c->status, &blen);
	int n;

	cr_assert_not_null(body, "%d", c->status);
	cr_assert_eq(blen, strlen(body));
	cr_assert_lt(blen, 512, "error bodies stay small");
	snprintf(title, sizeof(title), "<title>%d %s</title>", c->status, c->reason);
	cr_assert_not_null(strstr(body, title), "%s", body);
	cr_assert_str_eq(http_status_reason(c->status), c->reason);

	n = http_response_error(out, sizeof(out), &r, false);
	cr_assert_gt(n, 0);
	snprintf(line, sizeof(line), "HTTP/1.1 %d %s\r\n", c->status, c->reason);
	cr_assert_eq(strncmp(out, line, strlen(line)), 0, "%s", out);
	snprintf(cl, sizeof(cl), "\r\nContent-Length: %zu\r\n", blen);
	cr_assert_not_null(strstr(out, cl));
	cr_assert_str_eq(out + n - blen, body);
}

Test(http_response, reasons)
{
	cr_assert_str_eq(http_status_reason(200), "OK");
	cr_assert_str_eq(http_status_reason(206), "Partial Content");
	cr_assert_str_eq(http_status_reason(304), "Not Modified");
	cr_assert_null(http_status_reason(299));
	cr_assert_null(http_status_reason(0));
	size_t len = 99;
	cr_assert_null(http_error_body(200, &len));
	cr_assert_eq(len, 0);
}

/* Every head is well-formed: CRLF lines, "Token: value" fields, one final empty line. */
static void check_well_formed(const char *s, size_t n)
{
	const char *p = s, *end = s + n, *nl;
	bool first = true;

	for (; p < end; p = nl + 1) {
		nl = strstr(p, "\r\n");
		cr_assert_not_null(nl);
		if (nl == p) {
			cr_assert_eq(nl + 2, end, "empty line before the end");
			return;
		}
		if (!first) {
			const char *colon = memchr(p, ':', (size_t)(nl - p));

			cr_assert_not_null(colon);
			cr_assert_eq(colon[1], ' ');
			for (const char *c = p; c < colon; c++)
				cr_assert(*c > ' ' && *c < 127);
		}
		for (const char *c = p; c < nl; c++)
			cr_assert(*c != '\r' && *c != '\n');
		first = false;
		nl++;
	}
	cr_assert_fail("no final empty line");
}

Test(http_response, nospc_at_every_size_and_no_overrun)
{
	struct http_byte_range rg = {0, 9};
	struct http_response r = {.status = 206,
				  .keep_alive = true,
				  .version_minor = 0,
				  .date = DATE,
				  .range = &rg,
				  .total = 100,
				  .location = {"/x/", 3}};
	char out[1024];
	int full;

	build_object();
	r.object = &oh;
	full = http_response_head(out, sizeof(out), &r);
	cr_assert_gt(full, 0);
	check_well_formed(out, (size_t)full);
	for (size_t size = 0; size <= (size_t)full; size++) {
		memset(out, 'Z', sizeof(out));
		cr_assert_eq(http_response_head(out, size, &r), -ENOSPC, "size %zu", size);
		for (size_t i = size; i < sizeof(out); i++)
			cr_assert_eq(out[i], 'Z', "size %zu wrote at %zu", size, i);
	}
	cr_assert_eq(http_response_head(out, (size_t)full + 1, &r), full);

	r.status = 404;
	full = http_response_error(out, sizeof(out), &r, false);
	cr_assert_gt(full, 0);
	for (size_t size = 0; size <= (size_t)full; size++) {
		memset(out, 'Z', sizeof(out));
		cr_assert_eq(http_response_error(out, size, &r, false), -ENOSPC, "size %zu", size);
		for (size_t i = size; i < sizeof(out); i++)
			cr_assert_eq(out[i], 'Z', "size %zu wrote at %zu", size, i);
	}
}

Test(http_response, heads_are_well_formed)
{
	static const int codes[] = {200, 206, 301, 304, 400, 404, 405, 412, 416, 431, 500, 505};
	struct http_byte_range rg = {1, 2};
	char out[2048];

	build_object();
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		struct http_response r = {.status = codes[i],
					  .keep_alive = i & 1,
					  .version_minor = i & 2 ? 1 : 0,
					  .date = DATE,
					  .object = &oh,
					  .range = &rg,
					  .total = 3,
					  .location = {"/a/", 3}};
		int n = http_response_head(out, sizeof(out), &r);

		cr_assert_gt(n, 0);
		check_well_formed(out, (size_t)n);
		n = http_response_error(out, sizeof(out), &r, true);
		cr_assert_gt(n, 0);
		check_well_formed(out, (size_t)n);
	}
}

Test(http_response, unavailable_says_when_to_retry)
{
	struct http_response r = {.status = 503, .keep_alive = true, .version_minor = 1};
	char out[1024];

	cr_assert_gt(http_response_error(out, sizeof(out), &r, false), 0);
	cr_assert_null(strstr(out, "Retry-After:"), "only when asked for");
	r.retry_after = 1;
	cr_assert_gt(http_response_error(out, sizeof(out), &r, false), 0);
	cr_assert_not_null(strstr(out, "\r\nRetry-After: 1\r\n"));
	r.status = 500;
	cr_assert_gt(http_response_error(out, sizeof(out), &r, false), 0);
	cr_assert_null(strstr(out, "Retry-After:"), "503 only");
}
