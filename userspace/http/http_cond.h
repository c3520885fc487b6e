/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * http_cond.h — validators (ETag, Last-Modified) and the evaluation of
 * conditional requests (RFC 9110 §13).
 *
 * Callers: the HTTP server formats an object's ETag once per cached object
 * (http_etag_format); the HTTP connection code, once it has
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

/* '"' + 16 hex + '"' + NUL, with room to spare for older, longer tags */
#define HTTP_ETAG_MAX 36
/* The ETag key: SipHash's 128 bits. */
#define HTTP_ETAG_KEY_LEN 16

/* What identifies one version of a file: its stat(2) fields. */
struct http_file_version {
	uint64_t dev;
	uint64_t ino;
	uint64_t size;
	uint64_t mtime_ns;
};

/*
 * Write the strong ETag of a file version, quotes included: '"' and the
 * 16 hex digits of SipHash-2-4 over (dev, ino, size, mtime_ns) under
 * `key`. Any change of the four gives a new tag (but for 64-bit
 * collisions), and without the key the tag reveals nothing of them (no
 * inode numbers for a client to see). The key is made once per daemon and
 * shared by its workers, so they all agree for the daemon's lifetime; a
 * restart changes every tag, which costs clients one full download each.
 * Returns the length (NUL excluded): always 18.
 */
size_t http_etag_format(char out[HTTP_ETAG_MAX], const uint8_t key[HTTP_ETAG_KEY_LEN],
			const struct http_file_version *v);

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
