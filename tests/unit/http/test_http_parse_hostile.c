// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for http/http_parse.c against hostile input: size limits
 * (414, 431), heads trickled a byte at a time (resume), every control
 * byte at every position of a value, and random mutations checked for
 * consistent answers together with http/http_path.c.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_parse.h"
#include "http/http_path.h"
#include "parse_test.h"

/* A scratch buffer for heads too big for a literal. */
static char big[65536];

/* big = head + fill bytes of c + tail; returns the length. */
static size_t build(const char *head, size_t fill, char c, const char *tail)
{
	size_t n = strlen(head);

	memcpy(big, head, n);
	memset(big + n, c, fill);
	n += fill;
	memcpy(big + n, tail, strlen(tail));
	return n + strlen(tail);
}

/* ---- limits ---- */

Test(http_parse, request_line_limit_gives_414)
{
	struct http_limits lim = HTTP_LIMITS_DEFAULT_INIT;
	struct http_request req;
	size_t len;

	lim.request_line = 100;
	/* "GET /" + 81 + " HTTP/1.1" = 95 bytes: fits */
	len = build("GET /", 86, 'a', " HTTP/1.1\r\nHost: x\r\n\r\n");
	cr_assert_eq(http_parse_request_limited(big, len, &req, &lim), (int)len);
	len = build("GET /", 87, 'a', " HTTP/1.1\r\nHost: x\r\n\r\n");
	cr_assert_eq(http_parse_request_limited(big, len, &req, &lim), -1);
	cr_assert_eq(req.status, 414);
	/* over the limit before the line even ends: no waiting for more */
	len = build("GET /", 200, 'a', "");
	cr_assert_eq(http_parse_request_limited(big, len, &req, &lim), -1);
	cr_assert_eq(req.status, 414);
	len = build("GET /", 90, 'a', "");
	cr_assert_eq(http_parse_request_limited(big, len, &req, &lim), -2);
	/* the default is 8 KiB */
	len = build("GET /", 9000, 'a', " HTTP/1.1\r\nHost: x\r\n\r\n");
	cr_assert_eq(http_parse_request(big, len, &req), -1);
	cr_assert_eq(req.status, 414);
}

Test(http_parse, field_count_limit_gives_431)
{
	struct http_limits lim = HTTP_LIMITS_DEFAULT_INIT;
	struct http_request req;
	size_t n = 0;

	lim.fields = 5;
	n += (size_t)sprintf(big + n, "GET / HTTP/1.1\r\nHost: x\r\n");
	for (int i = 0; i < 4; i++)
		n += (size_t)sprintf(big + n, "X-%d: y\r\n", i);
	n += (size_t)sprintf(big + n, "\r\n");
	cr_assert_eq(http_parse_request_limited(big, n, &req, &lim), (int)n);
	n -= 2;
	n += (size_t)sprintf(big + n, "X-5: y\r\n\r\n");
	cr_assert_eq(http_parse_request_limited(big, n, &req, &lim), -1);
	cr_assert_eq(req.status, 431);
	/* default: 100 fields */
	n = (size_t)sprintf(big, "GET / HTTP/1.1\r\nHost: x\r\n");
	for (int i = 0; i < 100; i++)
		n += (size_t)sprintf(big + n, "X-%d: y\r\n", i);
	n += (size_t)sprintf(big + n, "\r\n");
	cr_assert_eq(http_parse_request(big, n, &req), -1);
	cr_assert_eq(req.status, 431);
}

Test(http_parse, field_line_and_head_limits_give_431)
{
	struct http_limits lim = HTTP_LIMITS_DEFAULT_INIT;
	struct http_request req;
	size_t len;

	lim.field_line = 64;
	len = build("GET / HTTP/1.1\r\nHost: x\r\nX: ", 61, 'v', "\r\n\r\n");
	cr_assert_eq(http_parse_request_limited(big, len, &req, &lim), (int)len);
	len = build("GET / HTTP/1.1\r\nHost: x\r\nX: ", 62, 'v', "\r\n\r\n");
	cr_assert_eq(http_parse_request_limited(big, len, &req, &lim), -1);
	cr_assert_eq(req.status, 431);
	len = build("GET / HTTP/1.1\r\nHost: x\r\nX: ", 100, 'v', "");
	cr_assert_eq(http_parse_request_limited(big, len, &req, &lim), -1,
		     "incomplete but too long");
	cr_assert_eq(req.status, 431);

	lim = (struct http_limits)HTTP_LIMITS_DEFAULT_INIT;
	lim.head = 200;
	/* 16 + 9 + 3 + v + 2 + 2 = 200 with v = 168 */
	len = build("GET / HTTP/1.1\r\nHost: x\r\nX: ", 168, 'v', "\r\n\r\n");
	cr_assert_eq(len, 200);
	cr_assert_eq(http_parse_request_limited(big, len, &req, &lim), 200);
	len = build("GET / HTTP/1.1\r\nHost: x\r\nX: ", 169, 'v', "\r\n\r\n");
	cr_assert_eq(http_parse_request_limited(big, len, &req, &lim), -1);
	cr_assert_eq(req.status, 431);
	/* many small fields, never complete: refused once the head limit is passed */
	len = build("GET / HTTP/1.1\r\nHost: x\r\n", 0, 0, "");
	while (len < 300)
		len += (size_t)sprintf(big + len, "A: b\r\n");
	cr_assert_eq(http_parse_request_limited(big, len, &req, &lim), -1);
	cr_assert_eq(req.status, 431);
	/* the default head limit is 16 KiB */
	len = build("GET / HTTP/1.1\r\nHost: x\r\n", 0, 0, "");
	for (int i = 0; i < 4; i++)
		len += (size_t)sprintf(big + len, "X-%d: %05000d\r\n", i, 0);
	len += (size_t)sprintf(big + len, "\r\n");
	cr_assert_eq(http_parse_request(big, len, &req), -1);
	cr_assert_eq(req.status, 431);
}

/* ---- resume: same answers as a full parse, fed a byte at a time ---- */

struct resume_case {
	char req[200];
	unsigned int len; /* 0: strlen */
};

ParameterizedTestParameters(http_parse, resume_agrees_with_full_parse)
{
	static struct resume_case cases[] = {
		{"GET / HTTP/1.1\r\n" H "\r\n", 0},
		{"\r\n\nGET /a?b HTTP/1.0\nConnection: keep-alive\n\nNEXT", 0},
		{"GET / HTTP/1.1\r\n" H "X: a\r\n b\r\n\r\n", 0},
		{"GET / HTTP/1.1\r\n" H "X: a\rb\r\n\r\n", 0},
		{"GET / HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\n\r\n", 0},
		{"GET / HTTP/1.1\r\nHost : x\r\n\r\n", 0},
		{"GET / HTTP/1.1\r" H "\r\n", 0},
		{"GET /\x01 HTTP/1.1\r\n" H "\r\n", 0},
		{"\x16\x03\x01\x02\x00\x01\x00", 0},
		{LIT("GET / HTTP/1.1\r\n" H "X: \0\r\n\r\n")},
	};
	return cr_make_param_array(struct resume_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct resume_case *c, http_parse, resume_agrees_with_full_parse)
{
	size_t len = c->len ? c->len : strlen(c->req), last = 0;
	struct http_request a, b;
	int ra = -2, rb;

	for (size_t k = 1; k <= len && ra == -2; k++) {
		ra = http_parse_request_resume(c->req, k, last, &a, NULL);
		rb = http_parse_request_limited(c->req, k, &b, NULL);
		if (ra != -2) {
			cr_assert_eq(ra, rb, "k %zu", k);
			cr_assert_eq(a.status, b.status, "k %zu", k);
		}
		if (rb > 0)
			cr_assert_eq(ra, rb, "completion missed at %zu", k);
		last = k;
	}
	rb = http_parse_request_limited(c->req, len, &b, NULL);
	cr_assert_eq(ra, rb, "final: resume %d full %d", ra, rb);
	if (rb == -1)
		cr_assert_eq(a.status, b.status);
}

Test(http_parse, resume_keeps_the_limits)
{
	struct http_limits lim = HTTP_LIMITS_DEFAULT_INIT;
	struct http_request req;
	size_t len, k, last = 0;
	int rc = -2;

	/* a request line trickled past its limit still gets 414 */
	lim.request_line = 64;
	len = build("GET /", 200, 'a', "");
	for (k = 1; k <= len && rc == -2; k++) {
		rc = http_parse_request_resume(big, k, last, &req, &lim);
		last = k;
	}
	cr_assert_eq(rc, -1);
	cr_assert_eq(req.status, 414);
	cr_assert_eq(k - 1, 65, "refused as soon as the line passed the limit");

	/* a field line trickled forever stops at the head limit */
	lim = (struct http_limits)HTTP_LIMITS_DEFAULT_INIT;
	lim.head = 300;
	len = build("GET / HTTP/1.1\r\nHost: x\r\nX: ", 400, 'v', "");
	rc = -2;
	last = 0;
	for (k = 1; k <= len && rc == -2; k++) {
		rc = http_parse_request_resume(big, k, last, &req, &lim);
		last = k;
	}
	cr_assert_eq(rc, -1);
	cr_assert_eq(req.status, 431);
	cr_assert_eq(k - 1, 301);
}

/* ---- mutations: whatever the bytes, the answers stay consistent ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)rng_state;
}

static void check_consistent(const char *buf, size_t len)
{
	struct http_request req, again;
	int rc = parse_exact(buf, len, &req, NULL);

	if (rc == -2)
		return;
	if (rc == -1) {
		cr_assert(req.status == 400 || req.status == 414 || req.status == 417 ||
				  req.status == 431 || req.status == 501 || req.status == 505,
			  "status %d", req.status);
		cr_assert_not(req.keep_alive);
		return;
	}
	cr_assert(rc > 0 && (size_t)rc <= len, "rc %d len %zu", rc, len);
	/* the head delimits itself */
	cr_assert_eq(http_parse_request(buf, (size_t)rc, &again), rc);
	{
		char path[HTTP_PATH_MAX];
		struct http_path res;

		cr_assert_gt(again.target.len, 0);
		cr_assert_eq(again.target.p[0], '/');
		if (http_path_from_target(again.target.p, again.target.len, path, sizeof(path),
					  &res) < 0) {
			cr_assert(res.status == 400 || res.status == 414);
			return;
		}
		cr_assert_neq(path[0], '/');
		cr_assert(strcmp(path, "..") && strncmp(path, "../", 3) && !strstr(path, "/../") &&
			  (res.len < 3 || strcmp(path + res.len - 3, "/..")));
		cr_assert_null(memchr(path, '\0', res.len));
	}
}

Test(http_parse, random_mutations_stay_consistent)
{
	static const char *const seeds[] = {
		"GET /a/b.html?x=1 HTTP/1.1\r\nHost: x\r\nRange: bytes=0-1\r\n"
		"If-None-Match: \"a\"\r\nConnection: keep-alive\r\n\r\n",
		"HEAD http://h:1/%2e%2e/a/../b/./c HTTP/1.0\nContent-Length: 3\n\nabc",
		"\r\nGET /..%2f%2e%2E/x//y HTTP/1.1\r\nHost: [::1]\r\nExpect: 100-continue\r\n\r\n",
	};
	static const char alphabet[] = "\r\n :/.%2eE0fF\\\t\"?#-,;=Host\x00\x7f\x80";
	char buf[256];

	for (int iter = 0; iter < 30000; iter++) {
		const char *s = seeds[rng() % 3];
		size_t len = strlen(s);
		int muts = 1 + (int)(rng() % 4);

		memcpy(buf, s, len);
		for (int m = 0; m < muts; m++) {
			size_t at = rng() % len;

			switch (rng() % 4) {
			case 0: /* replace with an interesting byte */
				buf[at] = alphabet[rng() % (sizeof(alphabet) - 1)];
				break;
			case 1: /* random byte */
				buf[at] = (char)rng();
				break;
			case 2: /* delete */
				memmove(buf + at, buf + at + 1, len - at - 1);
				len--;
				break;
			default: /* insert */
				if (len < sizeof(buf)) {
					memmove(buf + at + 1, buf + at, len - at);
					buf[at] = alphabet[rng() % (sizeof(alphabet) - 1)];
					len++;
				}
			}
			if (len == 0)
				break;
		}
		check_consistent(buf, len);
		check_consistent(buf, rng() % (len + 1));
	}
}

Test(http_parse, every_control_byte_at_every_value_position)
{
	char buf[256];
	struct http_request req;

	for (int bad = 0; bad < 256; bad++) {
		bool ok = bad == '\t' || (bad >= 0x20 && bad != 0x7f);

		if (bad == '\r' || bad == '\n')
			continue; /* line structure, tested elsewhere */
		for (size_t vlen = 1; vlen <= 40; vlen++) {
			for (size_t at = 0; at < vlen; at++) {
				size_t n = (size_t)sprintf(buf, "GET / HTTP/1.1\r\nHost: x\r\nX: ");

				memset(buf + n, 'v', vlen);
				buf[n + at] = (char)bad;
				n += vlen;
				memcpy(buf + n, "\r\n\r\n", 4);
				n += 4;
				int rc = http_parse_request(buf, n, &req);

				if (ok) {
					cr_assert_eq(rc, (int)n, "byte %#x at %zu of %zu", bad, at,
						     vlen);
				} else {
					cr_assert_eq(rc, -1, "byte %#x at %zu of %zu", bad, at,
						     vlen);
					cr_assert_eq(req.status, 400);
				}
			}
		}
	}
}
