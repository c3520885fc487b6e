// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_http_parse.c — the request-head parser (http/http_parse.c).
 *
 * Input: two bytes choose split points, the rest is what a client sends.
 * Property: feeding the bytes incrementally (a prefix, then more, through
 * http_parse_request_resume() as the connection code does) gives the same
 * answer as one call over everything: the same length, status and fields.
 * Also: a positive return never exceeds the input, every non-empty string
 * the request points to lies inside the buffer (or is the documented "/"), and
 * an error carries a status the server can send.
 */
#include "fuzz/fuzz.h"

#include <stdbool.h>
#include <string.h>

#include "http/http_parse.h"

static const char *buf_lo, *buf_hi;

static bool str_inside(const struct http_str *s)
{
	/* A singleton sent twice is present and empty, and may point anywhere. */
	return !s->p || !s->len || (s->p >= buf_lo && s->p + s->len <= buf_hi) ||
	       (s->len == 1 && s->p[0] == '/');
}

static void check_request(int n, size_t len, const struct http_request *r)
{
	FUZZ_CHECK(n == -1 || n == -2 || (n > 0 && (size_t)n <= len), "returned %d for %zu", n,
		   len);
	if (n == -1)
		FUZZ_CHECK(r->status >= 400 && r->status <= 505 && !r->keep_alive, "status %d",
			   r->status);
	if (n <= 0)
		return;
	FUZZ_CHECK(str_inside(&r->method_name) && str_inside(&r->target) && str_inside(&r->host) &&
			   str_inside(&r->range) && str_inside(&r->cond.if_modified_since) &&
			   str_inside(&r->cond.if_range),
		   "a field points outside the buffer");
	FUZZ_CHECK(r->target.p && r->target.len > 0, "no target");
	FUZZ_CHECK(r->version_minor <= 1, "HTTP/1.%u", r->version_minor);
}

/* The same answer: same length, and for a complete head the same fields. */
static void check_same(int n1, const struct http_request *a, int n2, const struct http_request *b,
		       size_t split)
{
	FUZZ_CHECK(n1 == n2, "one feed %d, split at %zu %d", n1, split, n2);
	if (n1 == -1)
		FUZZ_CHECK(a->status == b->status, "status %d vs %d", a->status, b->status);
	if (n1 <= 0)
		return;
	FUZZ_CHECK(a->method == b->method && a->target.len == b->target.len &&
			   a->keep_alive == b->keep_alive && a->version_minor == b->version_minor &&
			   a->content_length == b->content_length && a->nfields == b->nfields &&
			   a->host.len == b->host.len && a->range.len == b->range.len,
		   "fields differ after a split at %zu", split);
}

/*
 * The split feed may still say -2 where one feed says -1: by contract the
 * resume shortcut refuses garbage only once its line ends. Then no line
 * end may have arrived in the last feed, and one more must bring the -1.
 */
static void check_late_refusal(const char *buf, size_t len, size_t last,
			       const struct http_limits *lim)
{
	struct http_request r;
	char *more = malloc(len + 1);
	int n;

	FUZZ_CHECK(!memchr(buf + last, '\n', len - last), "-2 after a line end arrived");
	memcpy(more, buf, len);
	more[len] = '\n';
	n = http_parse_request_resume(more, len + 1, len, &r, lim);
	FUZZ_CHECK(n == -1, "still %d once the bad line ended", n);
	free(more);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_limits lim = HTTP_LIMITS_DEFAULT_INIT;
	struct http_request whole, part;
	size_t len, s1, s2, last;
	char *buf;
	int n1, n2;

	if (size < 2)
		return 0;
	len = size - 2;
	/* Small limits too, so the limit paths are reached with small inputs. */
	if (data[0] & 0x80)
		lim = (struct http_limits){
			.request_line = 64, .fields = 4, .field_line = 48, .head = 160};
	buf = malloc(len ? len : 1);
	memcpy(buf, data + 2, len);
	buf_lo = buf;
	buf_hi = buf + len;

	n1 = http_parse_request_limited(buf, len, &whole, &lim);
	check_request(n1, len, &whole);

	/* Feed s1 bytes, then s2, then all, as a connection would see them arrive. */
	s1 = len ? (data[0] & 0x7f) * len / 128 : 0;
	s2 = s1 + (len - s1) * data[1] / 256;
	n2 = http_parse_request_resume(buf, s1, 0, &part, &lim);
	last = s1;
	if (n2 == -2 && s2 > s1) {
		n2 = http_parse_request_resume(buf, s2, s1, &part, &lim);
		last = s2;
	}
	if (n2 == -2 && len > last) {
		n2 = http_parse_request_resume(buf, len, last, &part, &lim);
	} else if (n2 != -2) {
		/* Decided on a prefix: a complete head there is the same head in one feed. */
		check_request(n2, last, &part);
		if (n2 > 0)
			check_same(n1, &whole, n2, &part, last);
		else
			FUZZ_CHECK(n1 == -1, "a prefix of %zu is refused, the whole gives %d", last,
				   n1);
		free(buf);
		return 0;
	}
	check_request(n2, len, &part);
	if (n2 == -2 && n1 == -1)
		check_late_refusal(buf, len, last, &lim);
	else if (n1 != -1 || n2 != -1)
		check_same(n1, &whole, n2, &part, last);
	free(buf);
	return 0;
}
