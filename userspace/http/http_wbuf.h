/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * http_wbuf.h — a bounded writer over a caller's buffer, private to the
 * HTTP formatting code (http_range.c, http_response.c). Appends never
 * write past the end: the first one that does not fit (with room for a
 * final NUL) marks the writer overflowed and every later append is a
 * no-op, so callers check once, at the end (wbuf_end).
 */
#ifndef XDPSERVE_HTTP_WBUF_H
#define XDPSERVE_HTTP_WBUF_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "http/http_types.h"

struct wbuf {
	char *p;
	size_t size, len;
	bool overflow;
};

#define WBUF_INIT(buf, size_)                                                                      \
	{                                                                                          \
		.p = (buf), .size = (size_), .len = 0, .overflow = false                           \
	}

static inline void wbuf_mem(struct wbuf *w, const char *s, size_t n)
{
	if (w->overflow || n >= w->size - w->len) {
		w->overflow = true;
		return;
	}
	memcpy(w->p + w->len, s, n);
	w->len += n;
}

static inline void wbuf_str(struct wbuf *w, const char *s)
{
	wbuf_mem(w, s, strlen(s));
}

/* A string literal, its length known at compile time. */
#define WBUF_LIT(w, lit) wbuf_mem((w), (lit), sizeof(lit) - 1)

static inline void wbuf_u64(struct wbuf *w, uint64_t v)
{
	char tmp[HTTP_U64_DIGITS];

	wbuf_mem(w, tmp, http_put_u64(tmp, v));
}

/* NUL-terminate; the length written, or -ENOSPC if anything did not fit. */
static inline int wbuf_end(struct wbuf *w)
{
	if (w->overflow || w->size == 0)
		return -ENOSPC;
	w->p[w->len] = '\0';
	return (int)w->len;
}

#endif /* XDPSERVE_HTTP_WBUF_H */
