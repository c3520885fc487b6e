// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for http/http_parse.c: valid heads and what they yield,
 * invalid heads and the status they get (smuggling attempts included),
 * pipelining, and "incomplete" at every byte boundary. Limits and hostile
 * input are in test_http_parse_hostile.c (same binary).
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_parse.h"
#include "parse_test.h"

/* ---- table: every head here is complete; status 0 means accepted ---- */

struct parse_case {
	char name[48];
	char req[320];
	unsigned int len; /* 0: strlen(req) */
	int status;	  /* 0: accepted and consumed whole; else -1 with this status */
};

ParameterizedTestParameters(http_parse, table)
{
	static struct parse_case cases[] = {
		/* accepted */
		{"minimal 1.1", "GET / HTTP/1.1\r\n" H "\r\n", 0, 0},
		{"minimal 1.0", "GET / HTTP/1.0\r\n\r\n", 0, 0},
		{"bare LF endings", "GET / HTTP/1.1\n" H "\n", 0, 0},
		{"mixed endings", "GET / HTTP/1.1\r\nHost: x\n\r\n", 0, 0},
		{"leading empty lines", "\r\n\r\nGET / HTTP/1.1\r\n" H "\r\n", 0, 0},
		{"leading bare LF", "\nGET / HTTP/1.1\r\n" H "\r\n", 0, 0},
		{"query", "GET /a/b?x=1&y=%20 HTTP/1.1\r\n" H "\r\n", 0, 0},
		{"lenient target chars", "GET /a[1]{2}|^` HTTP/1.1\r\n" H "\r\n", 0, 0},
		{"sub-delims and @:", "GET /!$&'()*+,;=:@ HTTP/1.1\r\n" H "\r\n", 0, 0},
		{"absolute-form", "GET http://x/a?b HTTP/1.1\r\n" H "\r\n", 0, 0},
		{"absolute-form https upper", "GET HTTPS://x:8443/ HTTP/1.1\r\n" H "\r\n", 0, 0},
		{"absolute-form no path", "GET http://x HTTP/1.1\r\n" H "\r\n", 0, 0},
		{"unknown method token", "BREW /pot HTTP/1.1\r\n" H "\r\n", 0, 0},
		{"method with tchars", "M-1.x_~! / HTTP/1.1\r\n" H "\r\n", 0, 0},
		{"HTTP/1.9 read as 1.1", "GET / HTTP/1.9\r\n" H "\r\n", 0, 0},
		{"empty field value", "GET / HTTP/1.1\r\n" H "X-Empty:\r\n\r\n", 0, 0},
		{"obs-text in value", "GET / HTTP/1.1\r\n" H "X: caf\xc3\xa9\r\n\r\n", 0, 0},
		{"tab in value", "GET / HTTP/1.1\r\n" H "X: a\tb\r\n\r\n", 0, 0},
		{"empty Host in 1.1", "GET / HTTP/1.1\r\nHost:\r\n\r\n", 0, 0},
		{"IPv6 Host", "GET / HTTP/1.1\r\nHost: [fd00::1]:8080\r\n\r\n", 0, 0},
		{"CL list of equal values", "GET / HTTP/1.1\r\n" H "Content-Length: 0, 0\r\n\r\n",
		 0, 0},
		{"CL twice, same",
		 "GET / HTTP/1.1\r\n" H "Content-Length: 0\r\nContent-Length: 0\r\n\r\n", 0, 0},
		{"Expect 100-continue", "GET / HTTP/1.1\r\n" H "Expect: 100-Continue\r\n\r\n", 0,
		 0},
		{"empty Expect", "GET / HTTP/1.1\r\n" H "Expect:\r\n\r\n", 0, 0},
		{"four If-None-Match lines",
		 "GET / HTTP/1.1\r\n" H "If-None-Match: \"a\"\r\nIf-None-Match: \"b\"\r\n"
		 "If-None-Match: \"c\"\r\nIf-None-Match: \"d\"\r\n\r\n",
		 0, 0},
		{"HTTP2 upgrade ignored", "GET / HTTP/1.1\r\n" H "Upgrade: h2c\r\n\r\n", 0, 0},

		/* request line */
		{"empty", "\r\n", 0, -2},
		{"double SP after method", "GET  / HTTP/1.1\r\n" H "\r\n", 0, 400},
		{"double SP after target", "GET /  HTTP/1.1\r\n" H "\r\n", 0, 400},
		{"trailing SP", "GET / HTTP/1.1 \r\n" H "\r\n", 0, 400},
		{"tab separator", "GET\t/ HTTP/1.1\r\n" H "\r\n", 0, 400},
		{"leading SP", " GET / HTTP/1.1\r\n" H "\r\n", 0, 400},
		{"no target", "GET HTTP/1.1\r\n" H "\r\n", 0, 400},
		{"HTTP/0.9 request", "GET /\r\n\r\n", 0, 400},
		{"lowercase version", "GET / http/1.1\r\n" H "\r\n", 0, 400},
		{"version junk", "GET / HTTP/1.1x\r\n" H "\r\n", 0, 400},
		{"version two digits", "GET / HTTP/1.10\r\n" H "\r\n", 0, 400},
		{"version short", "GET / HTTP/1\r\n" H "\r\n", 0, 400},
		{"HTTP/2.0", "GET / HTTP/2.0\r\n" H "\r\n", 0, 505},
		{"HTTP/0.9 version", "GET / HTTP/0.9\r\n" H "\r\n", 0, 505},
		{"HTTP/3.0", "GET / HTTP/3.0\r\n\r\n", 0, 505},
		{"asterisk-form", "OPTIONS * HTTP/1.1\r\n" H "\r\n", 0, 400},
		{"authority-form", "CONNECT x:443 HTTP/1.1\r\n" H "\r\n", 0, 400},
		{"relative target", "GET a/b HTTP/1.1\r\n" H "\r\n", 0, 400},
		{"other scheme", "GET ftp://x/ HTTP/1.1\r\n" H "\r\n", 0, 400},
		{"userinfo", "GET http://u@x/ HTTP/1.1\r\n" H "\r\n", 0, 400},
		{"empty authority", "GET http:///a HTTP/1.1\r\n" H "\r\n", 0, 400},
		{"space in target", "GET /a b HTTP/1.1\r\n" H "\r\n", 0, 400},
		{"quote in target", "GET /a\"b HTTP/1.1\r\n" H "\r\n", 0, 400},
		{"backslash in target", "GET /a\\..\\b HTTP/1.1\r\n" H "\r\n", 0, 400},
		{"fragment in target", "GET /a#b HTTP/1.1\r\n" H "\r\n", 0, 400},
		{"angle in target", "GET /<script> HTTP/1.1\r\n" H "\r\n", 0, 400},
		{"non-ASCII in target", "GET /caf\xc3\xa9 HTTP/1.1\r\n" H "\r\n", 0, 400},
		{"DEL in target", "GET /\x7f HTTP/1.1\r\n" H "\r\n", 0, 400},
		{"NUL in target", LIT("GET /a\0b HTTP/1.1\r\n" H "\r\n"), 400},
		{"NUL in method", LIT("G\0T / HTTP/1.1\r\n" H "\r\n"), 400},
		{"bare CR ends request line", "GET / HTTP/1.1\r" H "\r\n", 0, 400},
		{"bare CR before request line", "\rGET / HTTP/1.1\r\n" H "\r\n", 0, 400},
		{"TLS ClientHello", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 0, 400},

		/* field lines */
		{"no Host in 1.1", "GET / HTTP/1.1\r\n\r\n", 0, 400},
		{"two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 0, 400},
		{"two equal Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", 0, 400},
		{"two Hosts in 1.0", "GET / HTTP/1.0\r\nHost: a\r\nhost: b\r\n\r\n", 0, 400},
		{"Host with space", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 0, 400},
		{"Host with slash", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 0, 400},
		{"Host with userinfo", "GET / HTTP/1.1\r\nHost: u@a\r\n\r\n", 0, 400},
		{"space before colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", 0, 400},
		{"tab before colon", "GET / HTTP/1.1\r\n" H "X\t: y\r\n\r\n", 0, 400},
		{"no colon", "GET / HTTP/1.1\r\n" H "Xy\r\n\r\n", 0, 400},
		{"empty name", "GET / HTTP/1.1\r\n" H ": y\r\n\r\n", 0, 400},
		{"bad name char", "GET / HTTP/1.1\r\n" H "X(y): z\r\n\r\n", 0, 400},
		{"obs-fold", "GET / HTTP/1.1\r\n" H "X: a\r\n b\r\n\r\n", 0, 400},
		{"obs-fold tab", "GET / HTTP/1.1\r\n" H "X: a\r\n\tb\r\n\r\n", 0, 400},
		{"space before first field", "GET / HTTP/1.1\r\n " H "\r\n", 0, 400},
		{"bare CR inside value", "GET / HTTP/1.1\r\n" H "X: a\rb\r\n\r\n", 0, 400},
		{"bare CR as line end", "GET / HTTP/1.1\r\nX: a\r" H "\r\n", 0, 400},
		{"CR CR LF", "GET / HTTP/1.1\r\n" H "X: a\r\r\n\r\n", 0, 400},
		{"bare CR empty line", "GET / HTTP/1.1\r\n" H "\r\r\n", 0, 400},
		{"NUL in value", LIT("GET / HTTP/1.1\r\n" H "X: a\0b\r\n\r\n"), 400},
		{"SOH in value", "GET / HTTP/1.1\r\n" H "X: a\x01\r\n\r\n", 0, 400},
		{"VT in value", "GET / HTTP/1.1\r\n" H "X: a\x0b\r\n\r\n", 0, 400},
		{"DEL in value", "GET / HTTP/1.1\r\n" H "X: a\x7f\r\n\r\n", 0, 400},
		{"ESC in Host", "GET / HTTP/1.1\r\nHost: a\x1b\r\n\r\n", 0, 400},
		{"Expect other", "GET / HTTP/1.1\r\n" H "Expect: 200-ok\r\n\r\n", 0, 417},
		{"Expect list", "GET / HTTP/1.1\r\n" H "Expect: 100-continue, x\r\n\r\n", 0, 417},
		{"Expect other in 1.0", "GET / HTTP/1.0\r\nExpect: x\r\n\r\n", 0, 417},
		{"five If-Match lines",
		 "GET / HTTP/1.1\r\n" H "If-Match: *\r\nIf-Match: *\r\nIf-Match: *\r\n"
		 "If-Match: *\r\nIf-Match: *\r\n\r\n",
		 0, 400},

		/* framing: the smuggling vectors */
		{"CL then TE",
		 "POST / HTTP/1.1\r\n" H "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n",
		 0, 501},
		{"TE then CL",
		 "POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n",
		 0, 501},
		{"TE identity", "GET / HTTP/1.1\r\n" H "Transfer-Encoding: identity\r\n\r\n", 0,
		 501},
		{"TE in 1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 0, 501},
		{"TE mixed case tab", "GET / HTTP/1.1\r\n" H "tRANSFER-eNCODING:\tchunked\r\n\r\n",
		 0, 501},
		{"TE space before colon",
		 "GET / HTTP/1.1\r\n" H "Transfer-Encoding : chunked\r\n\r\n", 0, 400},
		{"TE obs-folded",
		 "GET / HTTP/1.1\r\n" H
		 "Content-Length: 0\r\nX: y\r\n Transfer-Encoding: chunked\r\n\r\n",
		 0, 400},
		{"TE with VT",
		 "GET / HTTP/1.1\r\n" H "Transfer-Encoding:\x0b"
		 "chunked\r\n\r\n",
		 0, 400},
		{"CL twice, different",
		 "POST / HTTP/1.1\r\n" H "Content-Length: 4\r\nContent-Length: 5\r\n\r\n", 0, 400},
		{"CL list, different", "POST / HTTP/1.1\r\n" H "Content-Length: 4, 5\r\n\r\n", 0,
		 400},
		{"CL list then other",
		 "POST / HTTP/1.1\r\n" H "Content-Length: 4, 4\r\nContent-Length: 5\r\n\r\n", 0,
		 400},
		{"CL empty", "POST / HTTP/1.1\r\n" H "Content-Length:\r\n\r\n", 0, 400},
		{"CL negative", "POST / HTTP/1.1\r\n" H "Content-Length: -1\r\n\r\n", 0, 400},
		{"CL plus", "POST / HTTP/1.1\r\n" H "Content-Length: +4\r\n\r\n", 0, 400},
		{"CL hex", "POST / HTTP/1.1\r\n" H "Content-Length: 0x10\r\n\r\n", 0, 400},
		{"CL junk", "POST / HTTP/1.1\r\n" H "Content-Length: 4a\r\n\r\n", 0, 400},
		{"CL two numbers", "POST / HTTP/1.1\r\n" H "Content-Length: 4 4\r\n\r\n", 0, 400},
		{"CL trailing comma", "POST / HTTP/1.1\r\n" H "Content-Length: 4,\r\n\r\n", 0, 400},
		{"CL overflow",
		 "POST / HTTP/1.1\r\n" H "Content-Length: 18446744073709551616\r\n\r\n", 0, 400},
		{"CL space before colon", "POST / HTTP/1.1\r\n" H "Content-Length : 4\r\n\r\n", 0,
		 400},
	};
	return cr_make_param_array(struct parse_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct parse_case *c, http_parse, table)
{
	size_t len = c->len ? c->len : strlen(c->req);
	struct http_request req;
	int rc = parse_exact(c->req, len, &req, NULL);

	if (c->status == 0) {
		cr_assert_eq(rc, (int)len, "%s: rc %d status %d", c->name, rc, req.status);
		return;
	}
	if (c->status == -2) {
		cr_assert_eq(rc, -2, "%s: rc %d", c->name, rc);
		return;
	}
	cr_assert_eq(rc, -1, "%s: rc %d", c->name, rc);
	cr_assert_eq(req.status, c->status, "%s: status %d", c->name, req.status);
	cr_assert_not(req.keep_alive, "%s: an error must close", c->name);
	/* No prefix of an invalid head may be taken for a complete request. */
	for (size_t k = 0; k < len; k++) {
		int r = parse_exact(c->req, k, &req, NULL);

		cr_assert(r == -1 || r == -2, "%s: prefix %zu gave %d", c->name, k, r);
	}
}

/* ---- every proper prefix of a valid head is incomplete ---- */

struct prefix_case {
	char req[320];
};

ParameterizedTestParameters(http_parse, every_prefix_is_incomplete)
{
	static struct prefix_case cases[] = {
		{"GET / HTTP/1.1\r\n" H "\r\n"},
		{"GET / HTTP/1.1\n" H "\n"},
		{"\r\n\r\nGET /a?b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"},
		{"HEAD http://x:80/p HTTP/1.1\r\nHost: x\r\nRange: bytes=0-1\r\n"
		 "If-None-Match: \"a\", W/\"b\"\r\nIf-Modified-Since: Sun, 06 Nov 1994 08:49:37 "
		 "GMT\r\n"
		 "Content-Length: 10\r\nExpect: 100-continue\r\n\r\n"},
	};
	return cr_make_param_array(struct prefix_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct prefix_case *c, http_parse, every_prefix_is_incomplete)
{
	size_t len = strlen(c->req);
	struct http_request req;

	for (size_t k = 0; k < len; k++)
		cr_assert_eq(parse_exact(c->req, k, &req, NULL), -2, "prefix %zu of %zu", k, len);
	cr_assert_eq(parse_exact(c->req, len, &req, NULL), (int)len);
}

/* ---- what an accepted head yields ---- */

Test(http_parse, fields_of_a_full_request)
{
	const char *s = "GET /a/b.html?q=1 HTTP/1.1\r\n"
			"Host: example.test:8080\r\n"
			"User-Agent: test\r\n"
			"Range: bytes=0-99\r\n"
			"If-Range: \"abc\"\r\n"
			"If-Match: \"m1\"\r\n"
			"if-none-match: \"n1\", W/\"n2\"\r\n"
			"If-None-Match: \"n3\"\r\n"
			"If-Modified-Since:  Sun, 06 Nov 1994 08:49:37 GMT \t\r\n"
			"If-Unmodified-Since: Mon, 07 Nov 1994 08:49:37 GMT\r\n"
			"\r\n";
	struct http_request req;
	int rc = http_parse_request(s, strlen(s), &req);

	cr_assert_eq(rc, (int)strlen(s));
	cr_assert_eq(req.status, 0);
	cr_assert_eq(req.method, HTTP_METHOD_GET);
	assert_str(req.method_name, "GET");
	assert_str(req.target, "/a/b.html?q=1");
	cr_assert_eq(req.version_minor, 1);
	cr_assert(req.keep_alive);
	cr_assert_not(req.absolute_form);
	cr_assert_not(req.expect_continue);
	cr_assert_not(req.has_content_length);
	cr_assert_eq(req.content_length, 0);
	cr_assert_eq(req.nfields, 9);
	assert_str(req.host, "example.test:8080");
	assert_str(req.range, "bytes=0-99");
	assert_str(req.cond.if_range, "\"abc\"");
	cr_assert_eq(req.cond.if_match.n, 1);
	assert_str(req.cond.if_match.v[0], "\"m1\"");
	cr_assert_eq(req.cond.if_none_match.n, 2);
	assert_str(req.cond.if_none_match.v[0], "\"n1\", W/\"n2\"");
	assert_str(req.cond.if_none_match.v[1], "\"n3\"");
	assert_str(req.cond.if_modified_since, "Sun, 06 Nov 1994 08:49:37 GMT");
	assert_str(req.cond.if_unmodified_since, "Mon, 07 Nov 1994 08:49:37 GMT");
	/* Borrowed: the views point into the caller's buffer. */
	cr_assert(req.target.p > s && req.target.p < s + rc);
	cr_assert(req.host.p > s && req.host.p < s + rc);
}

Test(http_parse, absent_fields_are_null)
{
	const char *s = "GET / HTTP/1.0\r\n\r\n";
	struct http_request req;

	cr_assert_eq(http_parse_request(s, strlen(s), &req), (int)strlen(s));
	cr_assert_null(req.host.p);
	cr_assert_null(req.range.p);
	cr_assert_null(req.cond.if_range.p);
	cr_assert_null(req.cond.if_modified_since.p);
	cr_assert_null(req.cond.if_unmodified_since.p);
	cr_assert_eq(req.cond.if_match.n, 0);
	cr_assert_eq(req.cond.if_none_match.n, 0);
	cr_assert_eq(req.nfields, 0);
}

Test(http_parse, accept_encoding_lines_are_kept_in_order)
{
	const char *s = "GET / HTTP/1.1\r\nHost: h\r\nAccept-Encoding: gzip, br\r\n"
			"accept-encoding:  zstd;q=0.5 \r\nAccept-Encoding: a\r\n"
			"Accept-Encoding: b\r\nAccept-Encoding: c\r\n\r\n";
	struct http_request req;

	cr_assert_eq(http_parse_request(s, strlen(s), &req), (int)strlen(s));
	cr_assert_eq(req.accept_encoding.n, HTTP_STR_LIST_MAX, "lines past the list are ignored");
	assert_str(req.accept_encoding.v[0], "gzip, br");
	assert_str(req.accept_encoding.v[1], "zstd;q=0.5");
	assert_str(req.accept_encoding.v[3], "b");
	s = "GET / HTTP/1.1\r\nHost: h\r\n\r\n";
	cr_assert_eq(http_parse_request(s, strlen(s), &req), (int)strlen(s));
	cr_assert_eq(req.accept_encoding.n, 0);
}

Test(http_parse, methods)
{
	static const struct {
		const char *line;
		enum http_method m;
	} t[] = {
		{"GET / HTTP/1.0\r\n\r\n", HTTP_METHOD_GET},
		{"HEAD / HTTP/1.0\r\n\r\n", HTTP_METHOD_HEAD},
		{"POST / HTTP/1.0\r\n\r\n", HTTP_METHOD_POST},
		{"PUT / HTTP/1.0\r\n\r\n", HTTP_METHOD_PUT},
		{"DELETE / HTTP/1.0\r\n\r\n", HTTP_METHOD_DELETE},
		{"OPTIONS / HTTP/1.0\r\n\r\n", HTTP_METHOD_OPTIONS},
		{"TRACE / HTTP/1.0\r\n\r\n", HTTP_METHOD_TRACE},
		{"PATCH / HTTP/1.0\r\n\r\n", HTTP_METHOD_PATCH},
		{"get / HTTP/1.0\r\n\r\n", HTTP_METHOD_UNKNOWN}, /* methods are case-sensitive */
		{"GETS / HTTP/1.0\r\n\r\n", HTTP_METHOD_UNKNOWN},
		{"GE / HTTP/1.0\r\n\r\n", HTTP_METHOD_UNKNOWN},
	};
	struct http_request req;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		cr_assert_gt(http_parse_request(t[i].line, strlen(t[i].line), &req), 0);
		cr_assert_eq(req.method, t[i].m, "%s", t[i].line);
	}
}

struct ka_case {
	char req[120];
	bool keep_alive;
};

ParameterizedTestParameters(http_parse, keep_alive)
{
	static struct ka_case cases[] = {
		{"GET / HTTP/1.1\r\n" H "\r\n", true},
		{"GET / HTTP/1.1\r\n" H "Connection: close\r\n\r\n", false},
		{"GET / HTTP/1.1\r\n" H "Connection:close\r\n\r\n", false},
		{"GET / HTTP/1.1\r\n" H "Connection:\tclose\t\r\n\r\n", false},
		{"GET / HTTP/1.1\r\n" H "Connection: CLOSE\r\n\r\n", false},
		{"GET / HTTP/1.1\r\n" H "Connection: keep-alive, close\r\n\r\n", false},
		{"GET / HTTP/1.1\r\n" H "Connection: upgrade,,  Close \r\n\r\n", false},
		{"GET / HTTP/1.1\r\n" H "Connection: x\r\nConnection: close\r\n\r\n", false},
		{"GET / HTTP/1.1\r\n" H "Connection: keep-alive\r\n\r\n", true},
		{"GET / HTTP/1.1\r\n" H "Connection: closed\r\n\r\n", true},
		{"GET / HTTP/1.0\r\n\r\n", false},
		{"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true},
		{"GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", true},
		{"GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n", false},
		{"GET / HTTP/1.0\r\nConnection: keep-alive-x\r\n\r\n", false},
		{"GET / HTTP/1.2\r\n" H "\r\n", true},
	};
	return cr_make_param_array(struct ka_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct ka_case *c, http_parse, keep_alive)
{
	struct http_request req;

	cr_assert_eq(http_parse_request(c->req, strlen(c->req), &req), (int)strlen(c->req));
	cr_assert_eq(req.keep_alive, c->keep_alive, "%s", c->req);
}

Test(http_parse, absolute_form_takes_path_and_authority)
{
	const char *s = "GET http://Example.test:81/a/b?c HTTP/1.1\r\nHost: other\r\n\r\n";
	const char *n = "GET http://example.test HTTP/1.1\r\nHost: example.test\r\n\r\n";
	const char *q = "GET https://example.test?x HTTP/1.1\r\nHost: example.test\r\n\r\n";
	struct http_request req;

	cr_assert_eq(http_parse_request(s, strlen(s), &req), (int)strlen(s));
	cr_assert(req.absolute_form);
	assert_str(req.target, "/a/b?c");
	assert_str(req.host, "Example.test:81");
	cr_assert_eq(http_parse_request(n, strlen(n), &req), (int)strlen(n));
	assert_str(req.target, "/");
	cr_assert_eq(http_parse_request(q, strlen(q), &req), (int)strlen(q));
	assert_str(req.target, "/");
}

Test(http_parse, content_length_is_reported_for_skipping)
{
	const char *s = "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 007\r\n\r\nbodyGET";
	const char *big =
		"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 18446744073709551615\r\n\r\n";
	struct http_request req;
	int rc = http_parse_request(s, strlen(s), &req);

	cr_assert_eq(rc, (int)strlen(s) - 7);
	cr_assert(req.has_content_length);
	cr_assert_eq(req.content_length, 7);
	cr_assert_eq(http_parse_request(big, strlen(big), &req), (int)strlen(big));
	cr_assert_eq(req.content_length, UINT64_MAX);
}

Test(http_parse, expect_continue)
{
	const char *s11 = "PUT /x HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
			  "Content-Length: 10\r\n\r\n";
	const char *s10 = "PUT /x HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n";
	struct http_request req;

	cr_assert_gt(http_parse_request(s11, strlen(s11), &req), 0);
	cr_assert(req.expect_continue);
	cr_assert_gt(http_parse_request(s10, strlen(s10), &req), 0);
	cr_assert_not(req.expect_continue, "HTTP/1.0 must ignore 100-continue");
}

Test(http_parse, duplicate_singletons_become_empty)
{
	const char *s = "GET / HTTP/1.1\r\nHost: x\r\nRange: bytes=0-1\r\nRange: bytes=2-3\r\n"
			"If-Range: \"a\"\r\nIf-Range: \"a\"\r\n"
			"If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
			"If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
			"If-Unmodified-Since: x\r\nIf-Unmodified-Since: y\r\n\r\n";
	struct http_request req;

	cr_assert_eq(http_parse_request(s, strlen(s), &req), (int)strlen(s));
	cr_assert_not_null(req.range.p);
	cr_assert_eq(req.range.len, 0);
	cr_assert_not_null(req.cond.if_range.p);
	cr_assert_eq(req.cond.if_range.len, 0);
	cr_assert_eq(req.cond.if_modified_since.len, 0);
	cr_assert_not_null(req.cond.if_unmodified_since.p);
	cr_assert_eq(req.cond.if_unmodified_since.len, 0);
}

Test(http_parse, pipelined_requests_in_one_buffer)
{
	const char *s = "GET /1 HTTP/1.1\r\nHost: x\r\n\r\n"
			"POST /2 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
			"\r\n" /* a stray CRLF after a body is tolerated */
			"HEAD /3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
			"GET /4 HTTP/1.1\r\nHo";
	const char *want[] = {"/1", "/2", "/3"};
	struct http_request req;
	size_t off = 0, len = strlen(s);

	for (int i = 0; i < 3; i++) {
		int rc = http_parse_request(s + off, len - off, &req);

		cr_assert_gt(rc, 0, "request %d", i);
		assert_str(req.target, want[i]);
		off += (size_t)rc + req.content_length;
	}
	cr_assert_not(req.keep_alive);
	cr_assert_eq(http_parse_request(s + off, len - off, &req), -2);
	cr_assert_eq(strncmp(s + off, "GET /4", 6), 0);
}

Test(http_parse, consumed_length_is_exact)
{
	const char *a = "GET / HTTP/1.1\r\nHost: x\r\n\r\nXYZ";
	const char *b = "\r\n\nGET / HTTP/1.1\nHost: x\n\nXYZ";
	struct http_request req;

	cr_assert_eq(http_parse_request(a, strlen(a), &req), (int)strlen(a) - 3);
	cr_assert_eq(http_parse_request(b, strlen(b), &req), (int)strlen(b) - 3);
}

/* ---- find_field ---- */

Test(http_parse, find_field)
{
	const char *s = "\r\nGET / HTTP/1.1\r\nHost: x\r\nAccept-Encoding:  gzip, br \r\n"
			"X-A: 1\nX-A: 2\r\n\r\nX-B: body";
	struct http_request req;
	struct http_str v;
	int rc = http_parse_request(s, strlen(s), &req);

	cr_assert_gt(rc, 0);
	cr_assert_eq(http_request_find_field(s, (size_t)rc, "accept-encoding", 15, &v), 0);
	assert_str(v, "gzip, br");
	cr_assert_eq(http_request_find_field(s, (size_t)rc, "X-A", 3, &v), 0);
	assert_str(v, "1");
	cr_assert_eq(http_request_find_field(s, (size_t)rc, "HOST", 4, &v), 0);
	assert_str(v, "x");
	cr_assert_eq(http_request_find_field(s, (size_t)rc, "X-B", 3, &v), -1);
	cr_assert_eq(http_request_find_field(s, (size_t)rc, "GET / HTTP/1.1", 14, &v), -1);
}
