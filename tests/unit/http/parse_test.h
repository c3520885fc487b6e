/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * parse_test.h — helpers shared by the two sources of the http_parse
 * unit-test binary (test_http_parse.c, test_http_parse_hostile.c).
 */
#ifndef XDPSERVE_TEST_PARSE_TEST_H
#define XDPSERVE_TEST_PARSE_TEST_H

#include <criterion/criterion.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_parse.h"

#define H "Host: x\r\n"
/* A literal and its length, for cases with embedded NULs. */
#define LIT(s) s, sizeof(s) - 1

/* Parse a copy of exactly len bytes so a read past the end is a real over-read. */
static inline int parse_exact(const char *s, size_t len, struct http_request *req,
			      const struct http_limits *lim)
{
	char *copy = malloc(len ? len : 1);
	int rc;

	cr_assert_not_null(copy);
	memcpy(copy, s, len);
	rc = http_parse_request_limited(copy, len, req, lim);
	/* Fields must point into the buffer (or to constants): rebase them for the caller. */
	if (rc > 0 && req->target.p >= copy && req->target.p < copy + len)
		req->target.p = s + (req->target.p - copy);
	if (rc > 0 && req->host.p >= copy && req->host.p < copy + len)
		req->host.p = s + (req->host.p - copy);
	free(copy);
	return rc;
}

static inline bool str_is(const struct http_str *s, const char *want)
{
	return s->p && s->len == strlen(want) && memcmp(s->p, want, s->len) == 0;
}

#define assert_str(s, want)                                                                        \
	cr_assert(str_is(&(s), (want)), #s " is \"%.*s\", want \"%s\"", (int)(s).len,              \
		  (s).p ? (s).p : "(null)", (want))

#endif /* XDPSERVE_TEST_PARSE_TEST_H */
