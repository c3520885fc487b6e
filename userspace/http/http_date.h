/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * http_date.h — HTTP-date (RFC 9110 §5.6.7) formatting and parsing, and the
 * per-worker clock that keeps the current Date header value.
 *
 * Callers: the worker loop refreshes its struct http_clock once per loop
 * iteration (a compare while the second is unchanged); the response code
 * copies clock->date into every response head; the cache formats each
 * object's Last-Modified once; the conditional code parses
 * If-Modified-Since, If-Unmodified-Since and If-Range dates.
 *
 * Written by hand: strftime/strptime depend on the locale and the C
 * library has no parser for the three HTTP formats; the calendar arithmetic
 * (proleptic Gregorian, UTC, no leap seconds) is a few lines.
 */
#ifndef XDPSERVE_HTTP_DATE_H
#define XDPSERVE_HTTP_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* "Sun, 06 Nov 1994 08:49:37 GMT" */
#define HTTP_DATE_LEN 29

/* The range IMF-fixdate can express (four-digit years); others are clamped. */
#define HTTP_DATE_MIN ((time_t)0)	       /* 1970-01-01T00:00:00Z */
#define HTTP_DATE_MAX ((time_t)253402300799LL) /* 9999-12-31T23:59:59Z */

/*
 * Write t as an IMF-fixdate into out: HTTP_DATE_LEN characters and a NUL.
 * t is clamped to [HTTP_DATE_MIN, HTTP_DATE_MAX]. Returns HTTP_DATE_LEN.
 */
size_t http_date_format(time_t t, char out[HTTP_DATE_LEN + 1]);

/*
 * Parse an HTTP-date in any of its three formats (IMF-fixdate, RFC 850,
 * asctime), exactly: no leading/trailing whitespace, case-sensitive names,
 * fields in range (a second of 60 is accepted and counts as the next
 * minute). The day name is checked to be a day name but not to match the
 * date. `now` resolves the two-digit RFC 850 year to the one in the
 * window (now - 50 years, now + 50 years]: more than 50 years ahead means
 * the century before (RFC 9110 §5.6.7).
 * Returns 0 and sets *out, or -1 when s is not an HTTP-date.
 */
int http_date_parse(const char *s, size_t len, time_t now, time_t *out);

/*
 * The Date header value for the current second. One per worker; not
 * thread-safe. `sec` is the second `date` shows.
 */
struct http_clock {
	time_t sec;
	char date[HTTP_DATE_LEN + 1];
};

/* Set the clock to `now` (formats unconditionally). */
void http_clock_init(struct http_clock *c, time_t now);

/*
 * Move the clock to `now`: reformats only when the second changed.
 * Returns true when date was rewritten.
 */
bool http_clock_update(struct http_clock *c, time_t now);

#endif /* XDPSERVE_HTTP_DATE_H */
