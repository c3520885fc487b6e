// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for http/http_range.c: Range resolution (the examples of
 * RFC 9110 §14.1.2 and the edge cases around them), Content-Range and
 * the multipart/byteranges pieces.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <errno.h>
#include <string.h>

#include "http/http_range.h"

struct range_case {
	char v[96];
	unsigned long long size;
	int status;
	unsigned int n;
	unsigned long long r[4][2];
};

#define R10K 10000ULL

ParameterizedTestParameters(http_range, parse)
{
	static struct range_case cases[] = {
		/* RFC 9110 §14.1.2 examples, representation of 10000 bytes */
		{"bytes=0-499", R10K, 206, 1, {{0, 499}}},
		{"bytes=500-999", R10K, 206, 1, {{500, 999}}},
		{"bytes=-500", R10K, 206, 1, {{9500, 9999}}},
		{"bytes=9500-", R10K, 206, 1, {{9500, 9999}}},
		{"bytes=0-0,-1", R10K, 206, 2, {{0, 0}, {9999, 9999}}},
		{"bytes=500-600,601-999", R10K, 206, 2, {{500, 600}, {601, 999}}},
		{"bytes=500-700,601-999", R10K, 200, 0, {{0}}}, /* overlap */
		/* single ranges */
		{"bytes=0-", R10K, 206, 1, {{0, 9999}}},
		{"bytes=0-9999", R10K, 206, 1, {{0, 9999}}},
		{"bytes=0-99999", R10K, 206, 1, {{0, 9999}}},
		{"bytes=9999-9999", R10K, 206, 1, {{9999, 9999}}},
		{"bytes=-10000", R10K, 206, 1, {{0, 9999}}},
		{"bytes=-20000", R10K, 206, 1, {{0, 9999}}},
		{"bytes=-1", 1, 206, 1, {{0, 0}}},
		{"Bytes=1-2", R10K, 206, 1, {{1, 2}}},
		{"BYTES=1-2", R10K, 206, 1, {{1, 2}}},
		{"bytes=5-5", R10K, 206, 1, {{5, 5}}},
		{"bytes=0-18446744073709551615", R10K, 206, 1, {{0, 9999}}},
		{"bytes=0-99999999999999999999999", R10K, 206, 1, {{0, 9999}}},
		{"bytes=-99999999999999999999999", R10K, 206, 1, {{0, 9999}}},
		/* lists: OWS, empty elements, order kept, unsatisfiable dropped */
		{"bytes=0-1, 5-6", R10K, 206, 2, {{0, 1}, {5, 6}}},
		{"bytes=5-6 ,\t0-1", R10K, 206, 2, {{5, 6}, {0, 1}}},
		{"bytes=,0-1,,5-6,", R10K, 206, 2, {{0, 1}, {5, 6}}},
		{"bytes=20000-,0-1", R10K, 206, 1, {{0, 1}}},
		{"bytes=0-1,-0,4-5", R10K, 206, 2, {{0, 1}, {4, 5}}},
		{"bytes=1-1,2-2,3-3,4-4,5-5,6-6,7-7,8-8",
		 R10K,
		 206,
		 4,
		 {{1, 1}, {2, 2}, {3, 3}, {4, 4}}},
		{"bytes=1-1,2-2,3-3,4-4,5-5,6-6,7-7,8-8,9-9", R10K, 200, 0, {{0}}}, /* too many */
		{"bytes=0-5,5-9", R10K, 200, 0, {{0}}},				    /* overlap */
		{"bytes=0-,-1", R10K, 200, 0, {{0}}},				    /* overlap */
		{"bytes=-5,0-", 10, 200, 0, {{0}}},				    /* overlap */
		/* unsatisfiable */
		{"bytes=10000-", R10K, 416, 0, {{0}}},
		{"bytes=10000-10001", R10K, 416, 0, {{0}}},
		{"bytes=-0", R10K, 416, 0, {{0}}},
		{"bytes=20000-,30000-", R10K, 416, 0, {{0}}},
		{"bytes=99999999999999999999999-", R10K, 416, 0, {{0}}},
		{"bytes=0-", 0, 416, 0, {{0}}},
		{"bytes=0-0", 0, 416, 0, {{0}}},
		{"bytes=-0", 0, 416, 0, {{0}}},
		{"bytes=-5", 0, 200, 0, {{0}}}, /* empty representation, suffix: send it whole */
		/* invalid: ignored, whole 200 */
		{"bytes=5-4", R10K, 200, 0, {{0}}},
		{"bytes=0-1,5-4", R10K, 200, 0, {{0}}},
		{"bytes=", R10K, 200, 0, {{0}}},
		{"bytes=,", R10K, 200, 0, {{0}}},
		{"bytes=-", R10K, 200, 0, {{0}}},
		{"bytes=a-b", R10K, 200, 0, {{0}}},
		{"bytes=1", R10K, 200, 0, {{0}}},
		{"bytes=1-2-3", R10K, 200, 0, {{0}}},
		{"bytes=1 -2", R10K, 200, 0, {{0}}},
		{"bytes=1- 2", R10K, 200, 0, {{0}}},
		{"bytes=0-1 5-6", R10K, 200, 0, {{0}}},
		{"bytes=+1-2", R10K, 200, 0, {{0}}},
		{"bytes=--1", R10K, 200, 0, {{0}}},
		{"bytes=0x1-2", R10K, 200, 0, {{0}}},
		{"bytes =0-1", R10K, 200, 0, {{0}}},
		{"bytes= 0-1", R10K, 206, 1, {{0, 1}}}, /* OWS before a list element */
		{"items=0-1", R10K, 200, 0, {{0}}},
		{"byte=0-1", R10K, 200, 0, {{0}}},
		{"0-1", R10K, 200, 0, {{0}}},
		{"", R10K, 200, 0, {{0}}},
	};
	return cr_make_param_array(struct range_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct range_case *c, http_range, parse)
{
	struct http_ranges rs;
	int st = http_range_parse(c->v, strlen(c->v), c->size, &rs);

	cr_assert_eq(st, c->status, "'%s' size %llu: %d", c->v, c->size, st);
	if (st != 206) {
		cr_assert_eq(rs.n, 0);
		return;
	}
	if (c->n < 4)
		cr_assert_eq(rs.n, c->n, "'%s': %u ranges", c->v, rs.n);
	for (unsigned int i = 0; i < c->n && i < 4; i++) {
		cr_assert_eq(rs.r[i].first, c->r[i][0], "'%s' range %u first", c->v, i);
		cr_assert_eq(rs.r[i].last, c->r[i][1], "'%s' range %u last", c->v, i);
	}
	for (unsigned int i = 0; i < rs.n; i++)
		cr_assert(rs.r[i].first <= rs.r[i].last && rs.r[i].last < c->size);
}

Test(http_range, value_is_counted_not_nul_terminated)
{
	struct http_ranges rs;

	cr_assert_eq(http_range_parse("bytes=1-23", 9, 100, &rs), 206);
	cr_assert_eq(rs.r[0].last, 2);
}

Test(http_range, content_range)
{
	struct http_byte_range r = {0, 499};
	char buf[HTTP_CONTENT_RANGE_MAX];

	cr_assert_eq(http_content_range_format(buf, sizeof(buf), &r, 1234), 16);
	cr_assert_str_eq(buf, "bytes 0-499/1234");
	cr_assert_eq(http_content_range_format(buf, sizeof(buf), NULL, 1234), 12);
	cr_assert_str_eq(buf, "bytes */1234");
	r.first = r.last = UINT64_MAX - 1;
	cr_assert_gt(http_content_range_format(buf, sizeof(buf), &r, UINT64_MAX), 0);
	cr_assert_str_eq(buf,
			 "bytes 18446744073709551614-18446744073709551614/18446744073709551615");
	cr_assert_eq(http_content_range_format(buf, 12, NULL, 1234), -ENOSPC);
	cr_assert_eq(http_content_range_format(buf, 13, NULL, 1234), 12);
}

Test(http_range, boundary)
{
	char a[HTTP_BOUNDARY_MAX], b[HTTP_BOUNDARY_MAX];

	cr_assert_eq(http_multipart_boundary(a, 1), 25);
	cr_assert_eq(strlen(a), 25);
	cr_assert_eq(strncmp(a, "xdpserve-", 9), 0);
	http_multipart_boundary(b, 1);
	cr_assert_str_eq(a, b);
	http_multipart_boundary(b, 2);
	cr_assert_str_neq(a, b);
}

Test(http_range, multipart_body_is_exact)
{
	const char *content = "0123456789abcdefghij";
	const char *type = "text/plain; charset=utf-8";
	const char *want = "\r\n--B\r\nContent-Type: text/plain; charset=utf-8\r\n"
			   "Content-Range: bytes 0-1/20\r\n\r\n01"
			   "\r\n--B\r\nContent-Type: text/plain; charset=utf-8\r\n"
			   "Content-Range: bytes 15-19/20\r\n\r\nfghij"
			   "\r\n--B--\r\n";
	char body[512], ct[64];
	struct http_ranges rs;
	size_t o = 0;
	int n;

	cr_assert_eq(http_range_parse("bytes=0-1,-5", 12, 20, &rs), 206);
	for (unsigned int i = 0; i < rs.n; i++) {
		n = http_multipart_part_head(body + o, sizeof(body) - o, "B", type, &rs.r[i], 20);
		cr_assert_gt(n, 0);
		o += (size_t)n;
		memcpy(body + o, content + rs.r[i].first, rs.r[i].last - rs.r[i].first + 1);
		o += rs.r[i].last - rs.r[i].first + 1;
	}
	n = http_multipart_tail(body + o, sizeof(body) - o, "B");
	cr_assert_gt(n, 0);
	o += (size_t)n;
	cr_assert_eq(o, strlen(want));
	cr_assert_eq(memcmp(body, want, o), 0, "%.*s", (int)o, body);
	cr_assert_eq(http_multipart_length(&rs, "B", type, 20), (int64_t)o);

	cr_assert_eq(http_multipart_content_type(ct, sizeof(ct), "B"), 32);
	cr_assert_str_eq(ct, "multipart/byteranges; boundary=B");
}

Test(http_range, multipart_without_part_type_and_limits)
{
	struct http_byte_range r = {3, 4};
	struct http_ranges rs = {.n = 1, .r = {{3, 4}}};
	char buf[128];
	int n = http_multipart_part_head(buf, sizeof(buf), "B", NULL, &r, 9);

	cr_assert_eq(n, (int)strlen("\r\n--B\r\nContent-Range: bytes 3-4/9\r\n\r\n"));
	cr_assert_str_eq(buf, "\r\n--B\r\nContent-Range: bytes 3-4/9\r\n\r\n");
	cr_assert_eq(http_multipart_part_head(buf, (size_t)n, "B", NULL, &r, 9), -ENOSPC);
	cr_assert_eq(http_multipart_part_head(buf, (size_t)n + 1, "B", NULL, &r, 9), n);
	cr_assert_eq(http_multipart_tail(buf, 9, "B"), -ENOSPC);
	cr_assert_eq(http_multipart_tail(buf, 10, "B"), 9);
	cr_assert_eq(http_multipart_content_type(buf, 5, "B"), -ENOSPC);
	cr_assert_eq(http_multipart_length(&rs, "B", NULL, 9), n + 2 + 9);
}
