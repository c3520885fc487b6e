// SPDX-License-Identifier: GPL-2.0-only
/*
 * http_cond.c — ETag formatting, entity-tag list matching and the
 * precondition order of RFC 9110 §13.2.2. Called by the HTTP server (ETag
 * once per object, evaluation per request); see http_cond.h.
 */
#include "http/http_cond.h"

#include <string.h>

#include "common/siphash.h"
#include "http/http_date.h"

_Static_assert(HTTP_ETAG_KEY_LEN == SIPHASH_KEY_LEN, "the ETag key is a SipHash key");

/* 16 lower-case hex digits, the fixed width keeping every tag the same length. */
static void put_hex16(char *out, uint64_t v)
{
	static const char hex[] = "0123456789abcdef";

	for (int i = 15; i >= 0; i--, v >>= 4)
		out[i] = hex[v & 15];
}

size_t http_etag_format(char out[HTTP_ETAG_MAX], const uint8_t key[HTTP_ETAG_KEY_LEN],
			const struct http_file_version *v)
{
	/* Explicit little-endian bytes: the tag does not depend on struct padding. */
	const uint64_t f[4] = {v->dev, v->ino, v->size, v->mtime_ns};
	uint8_t msg[sizeof(f)];

	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(f[i / 8] >> (8 * (i % 8)));
	out[0] = '"';
	put_hex16(out + 1, siphash24(key, msg, sizeof(msg)));
	out[17] = '"';
	out[18] = '\0';
	return 18;
}

/* etagc = %x21 / %x23-7E / obs-text */
static bool is_etagc(unsigned char c)
{
	return c == 0x21 || (c >= 0x23 && c != 0x7f);
}

int http_etag_list_match(const char *list, size_t len, const char *etag, size_t etag_len,
			 bool strong)
{
	bool ours_weak = etag_len >= 2 && etag[0] == 'W' && etag[1] == '/';
	const char *our_opaque = ours_weak ? etag + 2 : etag;
	size_t our_len = ours_weak ? etag_len - 2 : etag_len;
	size_t i = 0, elements = 0;
	int match = 0;

	if (len == 1 && list[0] == '*')
		return 1;
	while (i < len) {
		bool weak = false;
		size_t s;

		/* OWS and empty list elements */
		if (http_is_ows(list[i]) || list[i] == ',') {
			i++;
			continue;
		}
		if (list[i] == 'W' && i + 1 < len && list[i + 1] == '/') {
			weak = true;
			i += 2;
		}
		if (i == len || list[i] != '"')
			return -1;
		s = i++;
		while (i < len && is_etagc((unsigned char)list[i]))
			i++;
		if (i == len || list[i] != '"')
			return -1;
		i++;
		elements++;
		if (etag && i - s == our_len && memcmp(list + s, our_opaque, our_len) == 0 &&
		    (!strong || (!weak && !ours_weak)))
			match = 1;
		/* after an element: OWS then ',' or the end */
		while (i < len && http_is_ows(list[i]))
			i++;
		if (i < len && list[i] != ',')
			return -1;
	}
	return elements ? match : -1;
}

/* Any line of a list field matches; "*" only as a whole line. */
static int list_lines_match(const struct http_str_list *l, const struct http_validators *v,
			    bool strong)
{
	int rc = 0;

	for (unsigned int i = 0; i < l->n; i++) {
		int m = http_etag_list_match(l->v[i].p, l->v[i].len, v->etag, v->etag_len, strong);

		if (m < 0)
			return -1;
		rc |= m;
	}
	return rc;
}

/* A valid date field value, or false (absent, invalid, sent twice). */
static bool field_date(const struct http_str *f, time_t now, time_t *t)
{
	return f->p && http_date_parse(f->p, f->len, now, t) == 0;
}

int http_cond_evaluate(const struct http_cond_fields *f, enum http_method method,
		       const struct http_validators *v, time_t now)
{
	bool safe = method == HTTP_METHOD_GET || method == HTTP_METHOD_HEAD;
	time_t t;

	if (f->if_match.n) {
		if (list_lines_match(&f->if_match, v, true) != 1)
			return 412;
	} else if (v->has_last_modified && field_date(&f->if_unmodified_since, now, &t)) {
		if (v->last_modified > t)
			return 412;
	}

	if (f->if_none_match.n) {
		if (list_lines_match(&f->if_none_match, v, false) == 1)
			return safe ? 304 : 412;
	} else if (safe && v->has_last_modified && field_date(&f->if_modified_since, now, &t)) {
		if (v->last_modified <= t)
			return 304;
	}
	return 0;
}

bool http_if_range_matches(const struct http_str *if_range, const struct http_validators *v,
			   time_t now)
{
	const char *p = if_range->p;
	size_t len = if_range->len;
	time_t t;

	if (!p)
		return true;
	if ((len >= 1 && p[0] == '"') || (len >= 2 && p[0] == 'W' && p[1] == '/')) {
		/* exactly one strong entity-tag, compared strongly */
		if (!v->etag || p[0] != '"' || len < 2 || p[len - 1] != '"')
			return false;
		for (size_t i = 1; i + 1 < len; i++)
			if (!is_etagc((unsigned char)p[i]))
				return false;
		return len == v->etag_len && memcmp(p, v->etag, len) == 0 && v->etag[0] == '"';
	}
	if (!v->has_last_modified || http_date_parse(p, len, now, &t) < 0)
		return false;
	return t == v->last_modified && v->last_modified < now;
}
