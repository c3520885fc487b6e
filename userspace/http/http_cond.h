/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * http_cond.h — validators (ETag, Last-Modified) and the evaluation of
 * conditional requests (RFC 9110 §13).
 *
 * Callers: the content cache formats an object's ETag once when it loads
 * the object (http_etag_format); the HTTP connection code, once it has
 * found the object a request names, asks http_cond_evaluate() whether to
 * send it, 304 or 412, and http_if_range_matches() whether a Range may be
 * honoured. Pure functions; nothing here allocates.
 */
#ifndef XDPSERVE_HTTP_COND_H
#define XDPSERVE_HTTP_COND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "http/http_parse.h"

/* '"' + 16 hex + '-' + 16 hex + '"' + NUL */
#define HTTP_ETAG_MAX 36

/*
 * Write the strong ETag of a file version, quotes included:
 * "<mtime_ns hex>-<hex of a mix of inode and size>". A new mtime always
 * gives a new tag; a replaced (new inode) or resized file with the same
 * mtime does too, unless 64-bit mixes collide. Deterministic, so every
 * worker and every restart agrees. Returns the length (NUL excluded).
 */
size_t http_etag_format(char out[HTTP_ETAG_MAX], uint64_t ino, uint64_t size, uint64_t mtime_ns);

/* What the selected representation offers to compare against. */
struct http_validators {
	const char *etag; /* strong entity-tag with its quotes; NULL: none */
	size_t etag_len;
	bool has_last_modified;
	time_t last_modified; /* seconds */
};

/*
 * Does the entity-tag list `list` ("*" or #entity-tag, RFC 9110 §8.8.3)
 * match `etag`? `strong` selects strong comparison (If-Match: both tags
 * strong and equal) or weak comparison (If-None-Match: opaque tags equal,
 * "W/" ignored). "*" matches any tag. Returns 1 (match), 0 (no match) or
 * -1 (not a valid list).
 */
int http_etag_list_match(const char *list, size_t len, const char *etag, size_t etag_len,
			 bool strong);

/*
 * Evaluate the preconditions of a request for an existing representation
 * in the order of RFC 9110 §13.2.2:
 *   1. If-Match: false -> 412;
 *   2. otherwise If-Unmodified-Since (valid date): modified after it -> 412;
 *   3. If-None-Match: a tag matches -> 304 for GET/HEAD, 412 otherwise;
 *   4. otherwise If-Modified-Since (valid date, GET/HEAD only): not
 *      modified after it -> 304;
 *   5. 0: proceed (If-Range and Range are the caller's next step).
 * Invalid dates are ignored (as are fields sent twice, see
 * http_cond_fields); an invalid If-Match list fails, an invalid
 * If-None-Match list does not match. Date comparisons are in whole
 * seconds. `now` resolves two-digit years (http_date_parse).
 * Returns 0, 304 or 412.
 */
int http_cond_evaluate(const struct http_cond_fields *f, enum http_method method,
		       const struct http_validators *v, time_t now);

/*
 * If-Range (RFC 9110 §13.1.5): may the Range be honoured? True when
 * If-Range is absent, or it is a strong entity-tag equal to the ETag, or
 * it is an HTTP-date equal to Last-Modified and that Last-Modified is
 * strong (at least one second before `now`). False otherwise, including a
 * weak tag or an invalid value: then send the whole representation (200).
 */
bool http_if_range_matches(const struct http_str *if_range, const struct http_validators *v,
			   time_t now);

#endif /* XDPSERVE_HTTP_COND_H */
