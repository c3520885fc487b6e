// SPDX-License-Identifier: GPL-2.0-only
/*
 * http_parse.c — the request-head parser: request line (RFC 9112 §3),
 * field lines (RFC 9112 §5) and the fields a static server interprets
 * (Host, Connection, Content-Length, Transfer-Encoding, Expect, Range and
 * the preconditions). Called by http_server.c on every receive; see
 * http_parse.h for the contract.
 *
 * Written by hand: the well-kept C parsers either allocate, keep state
 * across calls or accept what RFC 9112 asks a server to reject.
 */
#include "http/http_parse.h"

#include <limits.h>
#include <string.h>

/* Character classes for the request line and field names. */
#define CT_TCHAR  0x1 /* token (RFC 9110 §5.6.2) */
#define CT_TARGET 0x2 /* request-target (origin-form and absolute-form) */
#define CT_HOST	  0x4 /* uri-host [":" port] (RFC 3986 §3.2.2) */

#define CT_ALL (CT_TCHAR | CT_TARGET | CT_HOST)

/*
 * The target class is RFC 3986's pchar, "/" and "?" (percent-escapes are
 * checked by http_path.c), plus "[ ] { } | ^ `", which browsers and curl
 * send unescaped. Space, '"', '<', '>', '\', '#', controls, DEL and
 * non-ASCII bytes are refused.
 */
static const unsigned char ctype[256] = {
	['0' ... '9'] = CT_ALL,
	['A' ... 'Z'] = CT_ALL,
	['a' ... 'z'] = CT_ALL,
	['-'] = CT_ALL,
	['.'] = CT_ALL,
	['_'] = CT_ALL,
	['~'] = CT_ALL,
	['!'] = CT_ALL,
	['$'] = CT_ALL,
	['&'] = CT_ALL,
	['\''] = CT_ALL,
	['*'] = CT_ALL,
	['+'] = CT_ALL,
	['%'] = CT_ALL,
	['('] = CT_TARGET | CT_HOST,
	[')'] = CT_TARGET | CT_HOST,
	[','] = CT_TARGET | CT_HOST,
	[';'] = CT_TARGET | CT_HOST,
	['='] = CT_TARGET | CT_HOST,
	[':'] = CT_TARGET | CT_HOST,
	['['] = CT_TARGET | CT_HOST,
	[']'] = CT_TARGET | CT_HOST,
	['@'] = CT_TARGET,
	['/'] = CT_TARGET,
	['?'] = CT_TARGET,
	['{'] = CT_TARGET,
	['}'] = CT_TARGET,
	['|'] = CT_TCHAR | CT_TARGET,
	['^'] = CT_TCHAR | CT_TARGET,
	['`'] = CT_TCHAR | CT_TARGET,
	['#'] = CT_TCHAR,
};

static inline bool is_class(char c, unsigned char cls)
{
	return ctype[(unsigned char)c] & cls;
}

/*
 * Field value octets (RFC 9110 §5.5): HTAB, SP, VCHAR, obs-text; i.e.
 * everything but the other controls and DEL. Checked 8 bytes at a time:
 * a word with no byte below 0x20 and no 0x7f is valid whole, and only
 * words that fail that test are looked at byte by byte.
 */
static inline bool is_field_vchar(char c)
{
	unsigned char u = (unsigned char)c;

	return u == '\t' || (u >= 0x20 && u != 0x7f);
}

static bool valid_field_value(const char *v, size_t len)
{
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		uint64_t x;

		memcpy(&x, v + i, 8);
		/* a byte < 0x20 (clear high bit, and x - 0x20 borrows), or a byte == 0x7f */
		uint64_t lt20 = (x - ones * 0x20) & ~x & highs;
		uint64_t y = x ^ (ones * 0x7f);
		uint64_t eq7f = (y - ones) & ~y & highs;

		if (lt20 | eq7f) {
			for (size_t k = i; k < i + 8; k++)
				if (!is_field_vchar(v[k]))
					return false;
		}
	}
	for (; i < len; i++)
		if (!is_field_vchar(v[i]))
			return false;
	return true;
}

static const struct http_limits limits_default = HTTP_LIMITS_DEFAULT_INIT;

static int fail(struct http_request *req, int status)
{
	req->status = status;
	req->keep_alive = false;
	return -1;
}

struct method_name {
	const char *name;
	size_t len;
	enum http_method m;
};

#define M(s, m)                                                                                    \
	{                                                                                          \
		s, sizeof(s) - 1, m                                                                \
	}
static const struct method_name methods[] = {
	M("GET", HTTP_METHOD_GET),	   M("HEAD", HTTP_METHOD_HEAD),
	M("POST", HTTP_METHOD_POST),	   M("PUT", HTTP_METHOD_PUT),
	M("DELETE", HTTP_METHOD_DELETE),   M("CONNECT", HTTP_METHOD_CONNECT),
	M("OPTIONS", HTTP_METHOD_OPTIONS), M("TRACE", HTTP_METHOD_TRACE),
	M("PATCH", HTTP_METHOD_PATCH),
};
#undef M

static enum http_method method_lookup(const char *p, size_t len)
{
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (len == methods[i].len && memcmp(p, methods[i].name, len) == 0)
			return methods[i].m;
	return HTTP_METHOD_UNKNOWN;
}

/*
 * Split an absolute-form target ("http://authority/path?query") into the
 * authority and the path part. Only http and https URIs; no userinfo.
 * Returns 0 or -1 (400).
 */
static int parse_absolute_form(struct http_request *req, const char *t, size_t len)
{
	size_t i, a;

	if (len > 7 && HTTP_EQ_CI(t, 7, "http://"))
		a = 7;
	else if (len > 8 && HTTP_EQ_CI(t, 8, "https://"))
		a = 8;
	else
		return -1;
	for (i = a; i < len && t[i] != '/' && t[i] != '?'; i++)
		if (!is_class(t[i], CT_HOST))
			return -1; /* '@' (userinfo) lands here */
	if (i == a)
		return -1;
	req->absolute_form = true;
	req->host.p = t + a;
	req->host.len = i - a;
	if (i < len && t[i] == '/') {
		req->target.p = t + i;
		req->target.len = len - i;
	} else {
		req->target.p = "/";
		req->target.len = 1;
	}
	return 0;
}

/*
 * The request line, validated byte by byte as far as it has arrived, so
 * that garbage (a TLS handshake, a binary protocol) is refused at once
 * instead of waiting for a line end that may never come.
 * Returns the offset after the line ending, -1 (req->status set) or -2.
 */
/*
 * Length of a line that has no line end yet, for its limit: a trailing CR
 * may be the start of the line ending, so it is not counted (a line of
 * exactly the limit must not be refused because its CRLF was split).
 */
static size_t partial_line_len(const char *buf, size_t start, size_t len)
{
	return len > start && buf[len - 1] == '\r' ? len - start - 1 : len - start;
}

static int parse_request_line(const char *buf, size_t len, size_t start, struct http_request *req,
			      const struct http_limits *lim)
{
	static const char proto[] = "HTTP/";
	size_t pos = start, m, t, v, eol;

	for (m = pos; pos < len && is_class(buf[pos], CT_TCHAR); pos++)
		;
	if (pos == len)
		goto incomplete;
	if (buf[pos] != ' ' || pos == m)
		return fail(req, 400);
	req->method_name.p = buf + m;
	req->method_name.len = pos - m;
	pos++;

	for (t = pos; pos < len && is_class(buf[pos], CT_TARGET); pos++)
		;
	if (pos == len)
		goto incomplete;
	if (buf[pos] != ' ' || pos == t)
		return fail(req, 400);
	req->target.p = buf + t;
	req->target.len = pos - t;
	pos++;

	/* HTTP-version = "HTTP/" DIGIT "." DIGIT, case-sensitive; the usual one at once. */
	v = pos;
	if (len - pos >= 8 && !memcmp(buf + pos, "HTTP/1.1", 8))
		pos += 8;
	for (; pos < len && pos - v < 8; pos++) {
		size_t i = pos - v;
		char c = buf[pos];

		if (i < 5 ? c != proto[i] : i == 6 ? c != '.' : !http_is_digit(c))
			return fail(req, 400);
	}
	if (pos == len)
		goto incomplete;
	eol = pos;
	if (buf[pos] == '\r') {
		if (pos + 1 == len)
			goto incomplete;
		if (buf[pos + 1] != '\n')
			return fail(req, 400);
		pos += 2;
	} else if (buf[pos] == '\n') {
		pos += 1;
	} else {
		return fail(req, 400);
	}
	if (eol - start > lim->request_line)
		return fail(req, 414);
	if (buf[v + 5] != '1')
		return fail(req, 505);
	req->version_minor = buf[v + 7] == '0' ? 0 : 1;

	req->method = method_lookup(req->method_name.p, req->method_name.len);
	if (req->target.p[0] != '/' && parse_absolute_form(req, req->target.p, req->target.len) < 0)
		return fail(req, 400); /* "*", authority-form, other schemes */
	return (int)pos;

incomplete:
	if (partial_line_len(buf, start, len) > lim->request_line)
		return fail(req, 414);
	return -2;
}

/* Content-Length = 1*DIGIT, or a list of identical values (RFC 9110 §8.6). */
static int parse_content_length(struct http_request *req, const char *v, size_t len)
{
	uint64_t val = 0, first = 0;
	size_t i = 0;
	bool have = false;

	for (;;) {
		size_t d = i;

		val = 0;
		for (; i < len && http_is_digit(v[i]); i++) {
			unsigned int dig = (unsigned int)(v[i] - '0');

			if (val > (UINT64_MAX - dig) / 10)
				return -1;
			val = val * 10 + dig;
		}
		if (i == d)
			return -1;
		if (have && val != first)
			return -1;
		first = val;
		have = true;
		while (i < len && http_is_ows(v[i]))
			i++;
		if (i == len)
			break;
		if (v[i] != ',')
			return -1;
		i++;
		while (i < len && http_is_ows(v[i]))
			i++;
	}
	if (req->has_content_length && req->content_length != first)
		return -1;
	req->has_content_length = true;
	req->content_length = first;
	return 0;
}

/* Connection and Expect tokens; one element at a time. */
struct list_cursor {
	const char *v;
	size_t len, pos;
};

static bool list_next(struct list_cursor *c, const char **e, size_t *elen)
{
	while (c->pos < c->len) {
		size_t s, end;

		while (c->pos < c->len && (http_is_ows(c->v[c->pos]) || c->v[c->pos] == ','))
			c->pos++;
		s = c->pos;
		while (c->pos < c->len && c->v[c->pos] != ',')
			c->pos++;
		end = c->pos;
		while (end > s && http_is_ows(c->v[end - 1]))
			end--;
		if (end > s) {
			*e = c->v + s;
			*elen = end - s;
			return true;
		}
	}
	return false;
}

static void parse_connection(const char *v, size_t len, bool *close, bool *keep_alive)
{
	struct list_cursor c = {v, len, 0};
	const char *e;
	size_t elen;

	while (list_next(&c, &e, &elen)) {
		if (HTTP_EQ_CI(e, elen, "close"))
			*close = true;
		else if (HTTP_EQ_CI(e, elen, "keep-alive"))
			*keep_alive = true;
	}
}

/* 0, or 417 for an expectation other than 100-continue. */
static int parse_expect(struct http_request *req, const char *v, size_t len)
{
	struct list_cursor c = {v, len, 0};
	const char *e;
	size_t elen;

	while (list_next(&c, &e, &elen)) {
		if (!HTTP_EQ_CI(e, elen, "100-continue"))
			return 417;
		req->expect_continue = true;
	}
	return 0;
}

/* A singleton field sent twice becomes present-and-empty (see header). */
static void set_single(struct http_str *f, const char *v, size_t len)
{
	if (f->p) {
		f->p = "";
		f->len = 0;
		return;
	}
	f->p = v;
	f->len = len;
}

static int add_list_line(struct http_str_list *l, const char *v, size_t len)
{
	if (l->n == HTTP_STR_LIST_MAX)
		return -1;
	l->v[l->n].p = v;
	l->v[l->n].len = len;
	l->n++;
	return 0;
}

static bool valid_host(const char *v, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!is_class(v[i], CT_HOST))
			return false;
	return true;
}

struct field_state {
	unsigned int hosts;
	bool conn_close, conn_keep_alive;
};

#define NAME_IS(lit) HTTP_EQ_CI(name, nlen, lit)

/* Interpret one field. Returns 0 or the status to fail with. */
static int interpret_field(struct http_request *req, struct field_state *st, const char *name,
			   size_t nlen, const char *v, size_t vlen)
{
	switch (nlen) {
	case 4:
		if (NAME_IS("host")) {
			if (++st->hosts > 1 || !valid_host(v, vlen))
				return 400;
			if (!req->absolute_form) { /* the target's authority wins (RFC 9112 §3.2.2)
						    */
				req->host.p = v;
				req->host.len = vlen;
			}
		}
		break;
	case 5:
		if (NAME_IS("range"))
			set_single(&req->range, v, vlen);
		break;
	case 6:
		if (NAME_IS("expect"))
			return parse_expect(req, v, vlen);
		break;
	case 8:
		if (NAME_IS("if-match"))
			return add_list_line(&req->cond.if_match, v, vlen) ? 400 : 0;
		if (NAME_IS("if-range"))
			set_single(&req->cond.if_range, v, vlen);
		break;
	case 10:
		if (NAME_IS("connection"))
			parse_connection(v, vlen, &st->conn_close, &st->conn_keep_alive);
		break;
	case 13:
		if (NAME_IS("if-none-match"))
			return add_list_line(&req->cond.if_none_match, v, vlen) ? 400 : 0;
		break;
	case 14:
		if (NAME_IS("content-length"))
			return parse_content_length(req, v, vlen) ? 400 : 0;
		break;
	case 15:
		/* List-valued; lines past HTTP_STR_LIST_MAX are ignored, not refused. */
		if (NAME_IS("accept-encoding"))
			add_list_line(&req->accept_encoding, v, vlen);
		break;
	case 17:
		/* Any transfer coding: we do not read chunked bodies (RFC 9112 §6.1). */
		if (NAME_IS("transfer-encoding"))
			return 501;
		if (NAME_IS("if-modified-since"))
			set_single(&req->cond.if_modified_since, v, vlen);
		break;
	case 19:
		if (NAME_IS("if-unmodified-since"))
			set_single(&req->cond.if_unmodified_since, v, vlen);
		break;
	}
	return 0;
}

#undef NAME_IS

/*
 * Split a complete field line (line ending removed) into name and value.
 * Returns 0, or 400 for leading whitespace (obs-fold, RFC 9112 §5.2), a
 * name that is not a token or whitespace before the colon (§5.1), or a
 * control character in the value.
 */
static int split_field(const char *line, size_t len, const char **name, size_t *nlen,
		       const char **value, size_t *vlen)
{
	size_t n = 0, s, e;

	while (n < len && is_class(line[n], CT_TCHAR))
		n++;
	if (n == 0 || n == len || line[n] != ':')
		return 400;
	for (s = n + 1; s < len && http_is_ows(line[s]); s++)
		;
	for (e = len; e > s && http_is_ows(line[e - 1]); e--)
		;
	if (!valid_field_value(line + s, e - s))
		return 400;
	*name = line;
	*nlen = n;
	*value = line + s;
	*vlen = e - s;
	return 0;
}

int http_parse_request_limited(const char *buf, size_t len, struct http_request *req,
			       const struct http_limits *lim)
{
	struct field_state st = {0};
	size_t pos = 0;
	int rc;

	if (!lim)
		lim = &limits_default;
	memset(req, 0, sizeof(*req));
	if (lim->head > INT_MAX)
		return fail(req, 500); /* the return value could not say how much */

	/* Empty lines before the request line are ignored (RFC 9112 §2.2). */
	while (pos < len && (buf[pos] == '\r' || buf[pos] == '\n')) {
		if (buf[pos] == '\r') {
			if (pos + 1 == len)
				return -2;
			if (buf[pos + 1] != '\n')
				return fail(req, 400);
			pos++;
		}
		pos++;
		if (pos > lim->head)
			return fail(req, 400);
	}
	if (pos == len)
		return -2;

	rc = parse_request_line(buf, len, pos, req, lim);
	if (rc < 0)
		return rc;
	pos = (size_t)rc;

	for (;;) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		const char *name, *value;
		size_t nlen, vlen, start = pos, end;

		if (!nl) {
			if (partial_line_len(buf, start, len) > lim->field_line || len > lim->head)
				return fail(req, 431);
			return -2;
		}
		end = (size_t)(nl - buf);
		pos = end + 1;
		if (end > start && buf[end - 1] == '\r')
			end--;
		if (pos > lim->head)
			return fail(req, 431);
		if (end == start)
			break; /* the empty line: end of the head */
		if (end - start > lim->field_line || ++req->nfields > lim->fields)
			return fail(req, 431);
		rc = split_field(buf + start, end - start, &name, &nlen, &value, &vlen);
		if (!rc)
			rc = interpret_field(req, &st, name, nlen, value, vlen);
		if (rc)
			return fail(req, rc);
	}

	if (req->version_minor == 1 && st.hosts == 0)
		return fail(req, 400); /* RFC 9112 §3.2 */
	if (req->version_minor == 0)
		req->expect_continue = false; /* RFC 9110 §10.1.1 */
	req->keep_alive = !st.conn_close && (req->version_minor == 1 || st.conn_keep_alive);
	return (int)pos;
}

int http_parse_request(const char *buf, size_t len, struct http_request *req)
{
	return http_parse_request_limited(buf, len, req, NULL);
}

int http_parse_request_resume(const char *buf, size_t len, size_t last_len,
			      struct http_request *req, const struct http_limits *lim)
{
	size_t s = 0;

	if (!lim)
		lim = &limits_default;
	if (last_len == 0 || last_len >= len || len > lim->head ||
	    memchr(buf + last_len, '\n', len - last_len))
		return http_parse_request_limited(buf, len, req, lim);
	/* The request line must be complete already, or still within its limit. */
	while (s < last_len && (buf[s] == '\r' || buf[s] == '\n'))
		s++;
	if (len - s > lim->request_line && !memchr(buf + s, '\n', last_len - s))
		return http_parse_request_limited(buf, len, req, lim);
	req->status = 0;
	return -2;
}

int http_request_find_field(const char *head, size_t head_len, const char *name, size_t name_len,
			    struct http_str *value)
{
	const char *p = head, *end = head + head_len, *nl;
	bool request_line = true;

	for (; p < end; p = nl + 1) {
		const char *fname, *v;
		size_t flen, vlen, llen;

		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			break;
		llen = (size_t)(nl - p);
		if (llen && p[llen - 1] == '\r')
			llen--;
		if (request_line) {
			request_line = llen == 0; /* skip leading empty lines */
			continue;
		}
		if (llen == 0)
			break;
		if (split_field(p, llen, &fname, &flen, &v, &vlen))
			continue;
		if (http_eq_ci(fname, flen, name, name_len)) {
			value->p = v;
			value->len = vlen;
			return 0;
		}
	}
	return -1;
}
