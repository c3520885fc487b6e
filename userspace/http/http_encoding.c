// SPDX-License-Identifier: GPL-2.0-only
/*
 * http_encoding.c — Accept-Encoding q-values into an order of precompressed
 * variants to look for, and the --precompressed option. Written by hand:
 * a list of at most a few dozen bytes per request, no library parses
 * Accept-Encoding without allocating. See http_encoding.h.
 */
#include "http/http_encoding.h"

#include <errno.h>
#include <string.h>

static const struct {
	const char *token;
	const char *suffix;
} codings[HTTP_CODING_COUNT] = {
	[HTTP_CODING_IDENTITY] = {NULL, ""},
	[HTTP_CODING_BR] = {"br", ".br"},
	[HTTP_CODING_ZSTD] = {"zstd", ".zst"},
	[HTTP_CODING_GZIP] = {"gzip", ".gz"},
};

const char *http_coding_token(enum http_coding c)
{
	return c < HTTP_CODING_COUNT ? codings[c].token : NULL;
}

const char *http_coding_suffix(enum http_coding c)
{
	return c < HTTP_CODING_COUNT ? codings[c].suffix : "";
}

/* q-values in thousandths; NOT_NAMED for a coding the field does not mention. */
#define NOT_NAMED (-1)
#define STAR	  HTTP_CODING_COUNT

struct ae_weights {
	int q[HTTP_CODING_COUNT + 1]; /* per coding, and [STAR] for "*" */
};

/* qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ); -1 when invalid. */
static int parse_qvalue(const char *p, size_t n)
{
	int v, scale = 100;

	if (n == 0 || (p[0] != '0' && p[0] != '1') || (n > 1 && p[1] != '.') || n > 5)
		return -1;
	v = (p[0] - '0') * 1000;
	for (size_t i = 2; i < n; i++, scale /= 10) {
		if (!http_is_digit(p[i]))
			return -1;
		v += (p[i] - '0') * scale;
	}
	return v > 1000 ? -1 : v;
}

static int coding_of(const char *t, size_t n)
{
	if (HTTP_EQ_CI(t, n, "br"))
		return HTTP_CODING_BR;
	if (HTTP_EQ_CI(t, n, "zstd"))
		return HTTP_CODING_ZSTD;
	if (HTTP_EQ_CI(t, n, "gzip") || HTTP_EQ_CI(t, n, "x-gzip"))
		return HTTP_CODING_GZIP;
	if (HTTP_EQ_CI(t, n, "identity"))
		return HTTP_CODING_IDENTITY;
	if (n == 1 && t[0] == '*')
		return STAR;
	return -1;
}

static size_t trim(const char **p, size_t n)
{
	while (n && http_is_ows(**p)) {
		(*p)++;
		n--;
	}
	while (n && http_is_ows((*p)[n - 1]))
		n--;
	return n;
}

/*
 * One list element: a coding and its parameters. Only "q" means anything
 * for Accept-Encoding; an element with a bad q-value is ignored whole.
 */
static void parse_element(const char *e, size_t n, struct ae_weights *w)
{
	const char *end = e + n, *semi = memchr(e, ';', n);
	size_t tlen = trim(&e, semi ? (size_t)(semi - e) : n);
	int c = coding_of(e, tlen), q = 1000;

	while (semi && c >= 0) {
		const char *p = semi + 1;
		size_t plen;

		semi = memchr(p, ';', (size_t)(end - p));
		plen = trim(&p, (size_t)((semi ? semi : end) - p));
		if (plen >= 2 && http_lower(p[0]) == 'q' && p[1] == '=')
			q = parse_qvalue(p + 2, plen - 2);
		if (q < 0)
			return;
	}
	if (c >= 0 && w->q[c] == NOT_NAMED) /* the first mention counts */
		w->q[c] = q;
}

static void parse_line(const char *v, size_t len, struct ae_weights *w)
{
	while (len) {
		const char *comma = memchr(v, ',', len);
		size_t n = comma ? (size_t)(comma - v) : len;

		parse_element(v, n, w);
		if (!comma)
			break;
		v += n + 1;
		len -= n + 1;
	}
}

unsigned int http_accept_encoding_order(const struct http_str_list *ae, uint32_t offered,
					struct http_coding_order *out)
{
	struct ae_weights w;
	int q_of[HTTP_CODING_COUNT];

	out->n = 0;
	if (!ae->n || !offered)
		return 0;
	for (size_t i = 0; i <= HTTP_CODING_COUNT; i++)
		w.q[i] = NOT_NAMED;
	for (size_t i = 0; i < ae->n; i++)
		parse_line(ae->v[i].p, ae->v[i].len, &w);

	/* Candidates in preference order, then a stable insertion sort by q. */
	for (int c = HTTP_CODING_BR; c < HTTP_CODING_COUNT; c++) {
		int q = w.q[c] != NOT_NAMED ? w.q[c] : (w.q[STAR] != NOT_NAMED ? w.q[STAR] : 0);
		unsigned int k = out->n;

		if (!(offered & HTTP_CODING_BIT(c)) || q == 0 ||
		    (w.q[HTTP_CODING_IDENTITY] != NOT_NAMED && q < w.q[HTTP_CODING_IDENTITY]))
			continue;
		q_of[c] = q;
		while (k > 0 && q_of[out->c[k - 1]] < q) {
			out->c[k] = out->c[k - 1];
			k--;
		}
		out->c[k] = (uint8_t)c;
		out->n++;
	}
	return out->n;
}

int http_codings_parse(const char *text, uint32_t *mask)
{
	uint32_t m = 0;

	if (!strcmp(text, "on")) {
		*mask = HTTP_CODINGS_ALL;
		return 0;
	}
	if (!strcmp(text, "off")) {
		*mask = 0;
		return 0;
	}
	while (*text) {
		size_t n = strcspn(text, ",");

		if (HTTP_EQ_CI(text, n, "br"))
			m |= HTTP_CODING_BIT(HTTP_CODING_BR);
		else if (HTTP_EQ_CI(text, n, "zst") || HTTP_EQ_CI(text, n, "zstd"))
			m |= HTTP_CODING_BIT(HTTP_CODING_ZSTD);
		else if (HTTP_EQ_CI(text, n, "gz") || HTTP_EQ_CI(text, n, "gzip"))
			m |= HTTP_CODING_BIT(HTTP_CODING_GZIP);
		else
			return -EINVAL;
		text += n;
		if (*text == ',' && *++text == '\0')
			return -EINVAL; /* a trailing comma */
	}
	if (!m)
		return -EINVAL;
	*mask = m;
	return 0;
}
