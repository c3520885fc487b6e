// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_http_range.c — Range (http/http_range.c) and the conditional
 * fields (http/http_cond.c, http/http_date.c) on arbitrary values.
 *
 * Input: 8 bytes of representation size, one selector byte, then field
 * values separated by '\n' (Range, If-Match, If-None-Match,
 * If-Modified-Since, If-Unmodified-Since, If-Range).
 * Properties: a 206 has 1..HTTP_RANGES_MAX ranges, each first <= last <
 * size, pairwise disjoint; 200 and 416 have none; every range formats as a
 * Content-Range that fits its buffer, and the multipart length is at least
 * the sum of the parts. The preconditions answer 0, 304 or 412 (304 only
 * for GET and HEAD), the entity-tag matcher 1, 0 or -1, a parsed date
 * formats and parses back to itself.
 */
#include "fuzz/fuzz.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "http/http_cond.h"
#include "http/http_date.h"
#include "http/http_range.h"

#define NOW 1767225600 /* 2026-01-01, fixed: the target must be deterministic */

static void check_ranges(const char *v, size_t len, uint64_t size)
{
	struct http_ranges rs;
	char cr[HTTP_CONTENT_RANGE_MAX], boundary[HTTP_BOUNDARY_MAX];
	uint64_t sum = 0;
	int st = http_range_parse(v, len, size, &rs);

	FUZZ_CHECK(st == 200 || st == 206 || st == 416, "status %d", st);
	FUZZ_CHECK((st == 206) == (rs.n > 0) && rs.n <= HTTP_RANGES_MAX, "%u ranges for %d", rs.n,
		   st);
	for (unsigned int i = 0; i < rs.n; i++) {
		const struct http_byte_range *r = &rs.r[i];

		FUZZ_CHECK(r->first <= r->last && r->last < size, "range %llu-%llu of %llu",
			   (unsigned long long)r->first, (unsigned long long)r->last,
			   (unsigned long long)size);
		for (unsigned int j = 0; j < i; j++)
			FUZZ_CHECK(r->last < rs.r[j].first || r->first > rs.r[j].last,
				   "ranges %u and %u overlap", j, i);
		FUZZ_CHECK(http_content_range_format(cr, sizeof(cr), r, size) > 0,
			   "Content-Range does not fit");
		sum += r->last - r->first + 1;
	}
	FUZZ_CHECK(http_content_range_format(cr, sizeof(cr), NULL, size) > 0, "416 value");
	if (rs.n > 1) {
		int64_t total;

		http_multipart_boundary(boundary, size);
		total = http_multipart_length(&rs, boundary, "text/plain", size);
		/* Only a size near 2^63 may overflow: every part head is under 512 bytes. */
		FUZZ_CHECK(total == -EOVERFLOW ? sum > (uint64_t)INT64_MAX - 512ull * (rs.n + 1)
					       : total >= 0 && (uint64_t)total > sum,
			   "multipart length %lld for %llu", (long long)total,
			   (unsigned long long)sum);
	}
}

static void check_date(const char *v, size_t len)
{
	char out[HTTP_DATE_LEN + 1];
	time_t t, back;

	if (http_date_parse(v, len, NOW, &t))
		return;
	if (t < HTTP_DATE_MIN || t > HTTP_DATE_MAX) /* formatting clamps these */
		return;
	FUZZ_CHECK(http_date_format(t, out) == HTTP_DATE_LEN, "cannot format %lld", (long long)t);
	FUZZ_CHECK(!http_date_parse(out, strlen(out), NOW, &back) && back == t,
		   "\"%s\" does not parse back to %lld", out, (long long)t);
}

/* Split v at '\n' into up to n fields; absent ones stay NULL. */
static void split_fields(const char *v, size_t len, struct http_str *f, int n)
{
	int i = 0;

	for (const char *p = v, *end = v + len; i < n && p <= end; i++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		f[i].p = p;
		f[i].len = (size_t)((nl ? nl : end) - p);
		if (!nl)
			break;
		p = nl + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char etag[] = "\"0123456789abcdef-0000000000001000\"";
	struct http_str f[6] = {{0}};
	struct http_cond_fields cf = {0};
	struct http_validators val = {0};
	uint64_t rsize = 0;
	uint8_t sel;
	char *v;
	size_t len;
	int st;

	if (size < 9)
		return 0;
	for (int i = 0; i < 8; i++)
		rsize = rsize << 8 | data[i];
	if (data[0] & 0x80)
		rsize &= 0xffff; /* small sizes most of the time */
	sel = data[8];
	len = size - 9;
	v = malloc(len ? len : 1);
	memcpy(v, data + 9, len);

	check_ranges(v, len, rsize);
	split_fields(v, len, f, 6);
	check_ranges(f[0].p ? f[0].p : v, f[0].len, rsize);
	for (int i = 1; i < 6; i++)
		if (f[i].p) {
			check_date(f[i].p, f[i].len);
			st = http_etag_list_match(f[i].p, f[i].len, etag, sizeof(etag) - 1,
						  sel & 1);
			FUZZ_CHECK(st >= -1 && st <= 1, "etag match %d", st);
		}

	if (f[1].p)
		cf.if_match = (struct http_str_list){.v = {f[1]}, .n = 1};
	if (f[2].p)
		cf.if_none_match = (struct http_str_list){.v = {f[2]}, .n = 1};
	cf.if_modified_since = f[3];
	cf.if_unmodified_since = f[4];
	cf.if_range = f[5];
	if (sel & 2) {
		val.etag = etag;
		val.etag_len = sizeof(etag) - 1;
	}
	val.has_last_modified = sel & 4;
	val.last_modified = NOW - 86400 * (sel >> 4);
	st = http_cond_evaluate(&cf, (sel & 8) ? HTTP_METHOD_GET : HTTP_METHOD_POST, &val, NOW);
	FUZZ_CHECK(st == 0 || st == 412 || (st == 304 && (sel & 8)), "preconditions %d", st);
	http_if_range_matches(&cf.if_range, &val, NOW);
	free(v);
	return 0;
}
