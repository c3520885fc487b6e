/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * http_types.h — small types and character helpers shared by the HTTP
 * modules (parse, path, cond, range, response, mime). No state, no I/O.
 *
 * A struct http_str is a borrowed view: it points into a buffer somebody
 * else owns (usually the connection's receive buffer) and is valid only as
 * long as that buffer is not changed or reused.
 */
#ifndef XDPSERVE_HTTP_TYPES_H
#define XDPSERVE_HTTP_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct http_str {
	const char *p; /* NULL when the field is absent */
	size_t len;
};

/* Field lines of a list-valued header (If-Match, If-None-Match) in order. */
#define HTTP_STR_LIST_MAX 4

struct http_str_list {
	struct http_str v[HTTP_STR_LIST_MAX];
	uint8_t n;
};

static inline bool http_str_present(const struct http_str *s)
{
	return s->p != NULL;
}

static inline char http_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + ('a' - 'A')) : c;
}

static inline bool http_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Optional whitespace (RFC 9110 §5.6.3): SP or HTAB. */
static inline bool http_is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* ASCII case-insensitive equality of a counted string and a literal. */
static inline bool http_eq_ci(const char *a, size_t alen, const char *lit, size_t litlen)
{
	if (alen != litlen)
		return false;
	for (size_t i = 0; i < alen; i++)
		if (http_lower(a[i]) != http_lower(lit[i]))
			return false;
	return true;
}

#define HTTP_EQ_CI(p, len, lit) http_eq_ci((p), (len), (lit), sizeof(lit) - 1)

/* Longest decimal uint64_t. */
#define HTTP_U64_DIGITS 20

/* Write v in decimal at out (no NUL); returns the digits written. */
static inline size_t http_put_u64(char *out, uint64_t v)
{
	char tmp[HTTP_U64_DIGITS];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return n;
}

/* A 64-bit finalizer (multiply-xorshift) that spreads every input bit. */
static inline uint64_t http_mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

#endif /* XDPSERVE_HTTP_TYPES_H */
