// SPDX-License-Identifier: GPL-2.0-only
/*
 * http_path.c — percent-decoding and dot-segment removal of a request
 * target into a root-relative path, and the encoded Location of a
 * directory redirect. Called by the HTTP connection code; see http_path.h.
 */
#include "http/http_path.h"

#include <errno.h>
#include <string.h>

static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = http_lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The longest raw form of a dot segment: "%2e%2e". */
#define DOT_SEGMENT_RAW_MAX 6

static int path_fail(struct http_path *res, int status)
{
	res->status = status;
	res->len = 0;
	return -1;
}

/*
 * Decode raw[0..n) (one segment, no raw '/') into dst (room bytes).
 * Returns the decoded length, -400 or -414 when it does not fit.
 */
static long decode_segment(const char *raw, size_t n, char *dst, size_t room)
{
	size_t o = 0;

	for (size_t k = 0; k < n; k++) {
		unsigned char c = (unsigned char)raw[k];

		if (c == '%') {
			int hi, lo;

			if (k + 2 >= n)
				return -400;
			hi = hex_val(raw[k + 1]);
			lo = hex_val(raw[k + 2]);
			if (hi < 0 || lo < 0)
				return -400;
			c = (unsigned char)(hi << 4 | lo);
			k += 2;
			if (c == '/')
				return -400;
		}
		if (c < 0x20 || c == 0x7f || c == '\\')
			return -400;
		if (o == room)
			return -414;
		dst[o++] = (char)c;
	}
	return (long)o;
}

/*
 * A segment starting with '.' (".git", ".env", "a/.htpasswd"), other than
 * a leading ".well-known" (RFC 8615), whose contents are meant for anyone.
 */
static bool has_hidden_segment(const char *p, size_t len)
{
	static const char wk[] = ".well-known";
	size_t i = 0;

	if (len >= sizeof(wk) - 1 && !memcmp(p, wk, sizeof(wk) - 1) &&
	    (len == sizeof(wk) - 1 || p[sizeof(wk) - 1] == '/'))
		i = sizeof(wk) - 1;
	for (; i < len; i++)
		if (p[i] == '.' && (i == 0 || p[i - 1] == '/'))
			return true;
	return false;
}

int http_path_from_target(const char *target, size_t len, char *out, size_t out_size,
			  struct http_path *res)
{
	const char *q;
	size_t plen, i, w = 0;

	memset(res, 0, sizeof(*res));
	if (len == 0 || target[0] != '/')
		return path_fail(res, 400);
	if (out_size == 0)
		return path_fail(res, 414);
	q = memchr(target, '?', len);
	plen = q ? (size_t)(q - target) : len;
	if (q) {
		res->query.p = q + 1;
		res->query.len = len - plen - 1;
	}

	/*
	 * Each segment after a '/'; the first '/' is the root. A segment is
	 * decoded in place after its separator: no segment buffer, so no
	 * segment limit of our own (one longer than NAME_MAX is simply not
	 * found). Only a short one (up to "%2e%2e") can be "." or "..": it is
	 * decoded aside first, so that removing it needs no room.
	 */
	for (i = 1; i <= plen;) {
		const char *seg = target + i, *slash = memchr(seg, '/', plen - i);
		size_t n = slash ? (size_t)(slash - seg) : plen - i;
		size_t at = w + (w != 0); /* where the segment goes, after its separator */
		char dot[DOT_SEGMENT_RAW_MAX];
		long d;

		if (n <= sizeof(dot))
			d = decode_segment(seg, n, dot, sizeof(dot));
		else
			d = at < out_size ? decode_segment(seg, n, out + at, out_size - 1 - at)
					  : -414;
		if (d < 0)
			return path_fail(res, (int)-d);
		res->dir = true;
		if (n <= sizeof(dot) && (d == 0 || (d == 1 && dot[0] == '.'))) {
			/* empty ("//", trailing '/') or "." */
		} else if (n <= sizeof(dot) && d == 2 && dot[0] == '.' && dot[1] == '.') {
			if (w == 0)
				return path_fail(res, 400); /* above the root */
			while (w > 0 && out[w - 1] != '/')
				w--;
			if (w > 0)
				w--; /* the separator before the removed segment */
		} else {
			if (n <= sizeof(dot)) {
				if (at + (size_t)d + 1 > out_size)
					return path_fail(res, 414);
				memcpy(out + at, dot, (size_t)d);
			}
			if (w)
				out[w] = '/';
			w = at + (size_t)d;
			res->dir = false;
		}
		i += n + 1;
	}
	out[w] = '\0';
	res->len = w;
	res->dotfile = has_hidden_segment(out, w);
	return 0;
}

/* Bytes a Location path may carry unescaped: RFC 3986 pchar minus '%'. */
static bool location_plain(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	return c && strchr("-._~!$&'()*+,;=:@/", c) != NULL;
}

int http_path_redirect_location(char *out, size_t size, const char *path, size_t len,
				const struct http_str *query)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

#define PUT(ch)                                                                                    \
	do {                                                                                       \
		if (o + 1 >= size)                                                                 \
			return -ENOSPC;                                                            \
		out[o++] = (ch);                                                                   \
	} while (0)

	PUT('/');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)path[i];

		if (location_plain(c)) {
			PUT((char)c);
		} else {
			PUT('%');
			PUT(hex[c >> 4]);
			PUT(hex[c & 15]);
		}
	}
	if (len)
		PUT('/');
	if (query && query->p) {
		PUT('?');
		for (size_t i = 0; i < query->len; i++) {
			unsigned char c = (unsigned char)query->p[i];

			/* the parser let only visible ASCII through; stay safe anyway */
			if (c > 0x20 && c < 0x7f && c != '#') {
				PUT((char)c);
			} else {
				PUT('%');
				PUT(hex[c >> 4]);
				PUT(hex[c & 15]);
			}
		}
	}
#undef PUT
	out[o] = '\0';
	return (int)o;
}
