// SPDX-License-Identifier: GPL-2.0-only
/*
 * http_range.c — Range parsing and resolution against a size, and the
 * Content-Range and multipart/byteranges formatting. Called by the HTTP
 * connection code; see http_range.h.
 */
#include "http/http_range.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "http/http_types.h"
#include "http/http_wbuf.h"

/* 1*DIGIT at v[*i], saturating at UINT64_MAX. False when no digit. */
static bool parse_pos(const char *v, size_t len, size_t *i, uint64_t *out)
{
	size_t s = *i;
	uint64_t n = 0;

	for (; *i < len && http_is_digit(v[*i]); (*i)++) {
		unsigned int d = (unsigned int)(v[*i] - '0');

		n = n > (UINT64_MAX - d) / 10 ? UINT64_MAX : n * 10 + d;
	}
	*out = n;
	return *i > s;
}

static int range_resolve(const char *v, size_t len, uint64_t size, struct http_ranges *out)
{
	const char *eq = memchr(v, '=', len);
	size_t i, specs = 0;
	bool empty_suffix = false;

	out->n = 0;
	if (!eq || !HTTP_EQ_CI(v, (size_t)(eq - v), "bytes"))
		return 200;
	i = (size_t)(eq - v) + 1;

	while (i < len) {
		uint64_t first, last = UINT64_MAX, n;
		bool suffix = false;

		/* OWS and empty list elements */
		if (http_is_ows(v[i]) || v[i] == ',') {
			i++;
			continue;
		}
		if (++specs > HTTP_RANGES_MAX)
			return 200;
		if (v[i] == '-') {
			i++;
			if (!parse_pos(v, len, &i, &n))
				return 200;
			suffix = true;
		} else {
			if (!parse_pos(v, len, &i, &first) || i == len || v[i] != '-')
				return 200;
			i++;
			if (i < len && http_is_digit(v[i])) {
				parse_pos(v, len, &i, &last);
				if (last < first)
					return 200;
			}
		}
		while (i < len && http_is_ows(v[i]))
			i++;
		if (i < len && v[i] != ',')
			return 200;

		/* resolve against the size; unsatisfiable ones are dropped */
		if (suffix) {
			if (n == 0)
				continue;
			if (size == 0) {
				empty_suffix = true;
				continue;
			}
			first = n >= size ? 0 : size - n;
			last = size - 1;
		} else {
			if (first >= size)
				continue;
			if (last > size - 1)
				last = size - 1;
		}
		out->r[out->n].first = first;
		out->r[out->n].last = last;
		out->n++;
	}
	if (specs == 0)
		return 200;
	if (out->n == 0)
		return empty_suffix ? 200 : 416;
	for (unsigned int a = 0; a < out->n; a++)
		for (unsigned int b = a + 1; b < out->n; b++)
			if (out->r[a].first <= out->r[b].last && out->r[b].first <= out->r[a].last)
				return 200;
	return 206;
}

int http_range_parse(const char *v, size_t len, uint64_t size, struct http_ranges *out)
{
	int st = range_resolve(v, len, size, out);

	if (st != 206)
		out->n = 0;
	return st;
}

static void content_range_put(struct wbuf *w, const struct http_byte_range *r, uint64_t total)
{
	wbuf_str(w, "bytes ");
	if (r) {
		wbuf_u64(w, r->first);
		wbuf_mem(w, "-", 1);
		wbuf_u64(w, r->last);
	} else {
		wbuf_mem(w, "*", 1);
	}
	wbuf_mem(w, "/", 1);
	wbuf_u64(w, total);
}

int http_content_range_format(char *out, size_t size, const struct http_byte_range *r,
			      uint64_t total)
{
	struct wbuf w = WBUF_INIT(out, size);

	content_range_put(&w, r, total);
	return wbuf_end(&w);
}

size_t http_multipart_boundary(char out[HTTP_BOUNDARY_MAX], uint64_t seed)
{
	static const char hex[] = "0123456789abcdef";
	uint64_t x = http_mix64(seed ^ 0x7864707365727665ULL);
	size_t n = 0;

	memcpy(out, "xdpserve-", 9);
	n = 9;
	for (int shift = 60; shift >= 0; shift -= 4)
		out[n++] = hex[(x >> shift) & 15];
	out[n] = '\0';
	return n;
}

int http_multipart_content_type(char *out, size_t size, const char *boundary)
{
	struct wbuf w = WBUF_INIT(out, size);

	wbuf_str(&w, "multipart/byteranges; boundary=");
	wbuf_str(&w, boundary);
	return wbuf_end(&w);
}

int http_multipart_part_head(char *out, size_t size, const char *boundary, const char *content_type,
			     const struct http_byte_range *r, uint64_t total)
{
	struct wbuf w = WBUF_INIT(out, size);

	wbuf_str(&w, "\r\n--");
	wbuf_str(&w, boundary);
	wbuf_str(&w, "\r\n");
	if (content_type) {
		wbuf_str(&w, "Content-Type: ");
		wbuf_str(&w, content_type);
		wbuf_str(&w, "\r\n");
	}
	wbuf_str(&w, "Content-Range: ");
	content_range_put(&w, r, total);
	wbuf_str(&w, "\r\n\r\n");
	return wbuf_end(&w);
}

int http_multipart_tail(char *out, size_t size, const char *boundary)
{
	struct wbuf w = WBUF_INIT(out, size);

	wbuf_str(&w, "\r\n--");
	wbuf_str(&w, boundary);
	wbuf_str(&w, "--\r\n");
	return wbuf_end(&w);
}

int64_t http_multipart_length(const struct http_ranges *rs, const char *boundary,
			      const char *content_type, uint64_t total)
{
	char scratch[512];
	uint64_t sum = 0, part;
	int n;

	for (unsigned int i = 0; i < rs->n; i++) {
		n = http_multipart_part_head(scratch, sizeof(scratch), boundary, content_type,
					     &rs->r[i], total);
		if (n < 0)
			return n;
		part = (uint64_t)n + (rs->r[i].last - rs->r[i].first + 1);
		if (part > (uint64_t)INT64_MAX - sum)
			return -EOVERFLOW;
		sum += part;
	}
	n = http_multipart_tail(scratch, sizeof(scratch), boundary);
	if (n < 0)
		return n;
	if ((uint64_t)n > (uint64_t)INT64_MAX - sum)
		return -EOVERFLOW;
	return (int64_t)(sum + (uint64_t)n);
}
