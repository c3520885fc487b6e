// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for http/http_cond.c: ETag format, strong and weak list
 * comparison (RFC 9110 §8.8.3.2), the precondition order of §13.2.2 and
 * If-Range.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <string.h>

#include "http/http_cond.h"

#define LM	784111777 /* Sun, 06 Nov 1994 08:49:37 GMT */
#define LM_S	"Sun, 06 Nov 1994 08:49:37 GMT"
#define LM_M1_S "Sun, 06 Nov 1994 08:49:36 GMT"
#define LM_P1_S "Sun, 06 Nov 1994 08:49:38 GMT"
#define NOW	((time_t)LM + 86400)
#define TAG	"\"abc\""

static const struct http_validators val = {
	.etag = TAG,
	.etag_len = sizeof(TAG) - 1,
	.has_last_modified = true,
	.last_modified = LM,
};

static const uint8_t etag_key[HTTP_ETAG_KEY_LEN] = "0123456789abcdef";

static void etag_of(char out[HTTP_ETAG_MAX], const uint8_t *key, uint64_t dev, uint64_t ino,
		    uint64_t size, uint64_t mtime_ns)
{
	const struct http_file_version v = {dev, ino, size, mtime_ns};
	size_t n = http_etag_format(out, key, &v);

	cr_assert_eq(n, 18);
	cr_assert_eq(n, strlen(out));
}

Test(http_cond, etag_format)
{
	char a[HTTP_ETAG_MAX], b[HTTP_ETAG_MAX];

	etag_of(a, etag_key, 2049, 1234, 5678, 1700000000123456789ULL);
	cr_assert_eq(a[0], '"');
	cr_assert_eq(a[17], '"');
	for (size_t i = 1; i < 17; i++)
		cr_assert(strchr("0123456789abcdef", a[i]), "%s", a);

	/* deterministic under one key, and every input changes it */
	etag_of(b, etag_key, 2049, 1234, 5678, 1700000000123456789ULL);
	cr_assert_str_eq(a, b);
	etag_of(b, etag_key, 2050, 1234, 5678, 1700000000123456789ULL);
	cr_assert_str_neq(a, b);
	etag_of(b, etag_key, 2049, 1235, 5678, 1700000000123456789ULL);
	cr_assert_str_neq(a, b);
	etag_of(b, etag_key, 2049, 1234, 5679, 1700000000123456789ULL);
	cr_assert_str_neq(a, b);
	etag_of(b, etag_key, 2049, 1234, 5678, 1700000000123456790ULL);
	cr_assert_str_neq(a, b);
	etag_of(b, etag_key, UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX);
	etag_of(b, etag_key, 0, 0, 0, 0);
}

Test(http_cond, etag_is_keyed_and_hides_the_inode)
{
	static const uint8_t other_key[HTTP_ETAG_KEY_LEN] = "fedcba9876543210";
	char a[HTTP_ETAG_MAX], b[HTTP_ETAG_MAX], hex[32];

	etag_of(a, etag_key, 2049, 0x1234abcd, 5678, 1700000000123456789ULL);
	etag_of(b, other_key, 2049, 0x1234abcd, 5678, 1700000000123456789ULL);
	cr_assert_str_neq(a, b, "another daemon's key gives other tags");
	/* neither the inode, the size nor the mtime shows in hex or decimal */
	snprintf(hex, sizeof(hex), "%x", 0x1234abcd);
	cr_assert_null(strstr(a, hex), "%s", a);
	snprintf(hex, sizeof(hex), "%llx", 1700000000123456789ULL);
	cr_assert_null(strstr(a, hex), "%s", a);
	/* neighbouring inodes give unrelated tags: no prefix in common beyond chance */
	etag_of(b, etag_key, 2049, 0x1234abce, 5678, 1700000000123456789ULL);
	cr_assert(memcmp(a, b, 6) != 0, "%s %s", a, b);
}

struct match_case {
	char list[64];
	char etag[16];
	int strong; /* expected with strong comparison */
	int weak;   /* expected with weak comparison */
};

ParameterizedTestParameters(http_cond, list_match)
{
	static struct match_case cases[] = {
		/* RFC 9110 §8.8.3.2 */
		{"W/\"1\"", "W/\"1\"", 0, 1},
		{"W/\"1\"", "W/\"2\"", 0, 0},
		{"W/\"1\"", "\"1\"", 0, 1},
		{"\"1\"", "\"1\"", 1, 1},
		/* lists */
		{"*", "\"1\"", 1, 1},
		{"\"a\", \"1\"", "\"1\"", 1, 1},
		{"\"a\",\"1\"", "\"1\"", 1, 1},
		{"\"a\" ,\t\"b\"", "\"1\"", 0, 0},
		{", ,\"1\",", "\"1\"", 1, 1},
		{"W/\"a\", W/\"1\"", "\"1\"", 0, 1},
		{"\"\"", "\"\"", 1, 1},
		{"\"1\"", "\"12\"", 0, 0},
		{"\"12\"", "\"1\"", 0, 0},
		{"\"\xc3\xa9\"", "\"\xc3\xa9\"", 1, 1},
		/* invalid lists */
		{"1", "\"1\"", -1, -1},
		{"\"1", "\"1\"", -1, -1},
		{"\"1\" \"2\"", "\"1\"", -1, -1},
		{"\"1\"x", "\"1\"", -1, -1},
		{"w/\"1\"", "\"1\"", -1, -1},
		{"W/ \"1\"", "\"1\"", -1, -1},
		{"\"a b\"", "\"1\"", -1, -1},
		{"*, \"1\"", "\"1\"", -1, -1},
		{"", "\"1\"", -1, -1},
		{",", "\"1\"", -1, -1},
	};
	return cr_make_param_array(struct match_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct match_case *c, http_cond, list_match)
{
	size_t l = strlen(c->list), e = strlen(c->etag);

	cr_assert_eq(http_etag_list_match(c->list, l, c->etag, e, true), c->strong,
		     "strong: '%s' vs '%s'", c->list, c->etag);
	cr_assert_eq(http_etag_list_match(c->list, l, c->etag, e, false), c->weak,
		     "weak: '%s' vs '%s'", c->list, c->etag);
}

/* Empty strings mean "absent"; the validators are `val`. */
struct cond_case {
	char name[48];
	char im[48], inm[48], ims[48], ius[48];
	enum http_method method;
	int want;
};

ParameterizedTestParameters(http_cond, evaluate)
{
	static struct cond_case cases[] = {
		{"no preconditions", "", "", "", "", HTTP_METHOD_GET, 0},
		/* If-None-Match */
		{"INM match GET", "", TAG, "", "", HTTP_METHOD_GET, 304},
		{"INM match HEAD", "", TAG, "", "", HTTP_METHOD_HEAD, 304},
		{"INM match POST", "", TAG, "", "", HTTP_METHOD_POST, 412},
		{"INM weak match", "", "W/" TAG, "", "", HTTP_METHOD_GET, 304},
		{"INM star", "", "*", "", "", HTTP_METHOD_GET, 304},
		{"INM in list", "", "\"x\", " TAG, "", "", HTTP_METHOD_GET, 304},
		{"INM other", "", "\"x\"", "", "", HTTP_METHOD_GET, 0},
		{"INM invalid", "", "abc", "", "", HTTP_METHOD_GET, 0},
		/* If-Match */
		{"IM match", TAG, "", "", "", HTTP_METHOD_GET, 0},
		{"IM star", "*", "", "", "", HTTP_METHOD_GET, 0},
		{"IM weak fails", "W/" TAG, "", "", "", HTTP_METHOD_GET, 412},
		{"IM other", "\"x\"", "", "", "", HTTP_METHOD_GET, 412},
		{"IM invalid", "abc", "", "", "", HTTP_METHOD_GET, 412},
		/* If-Modified-Since */
		{"IMS equal", "", "", LM_S, "", HTTP_METHOD_GET, 304},
		{"IMS later", "", "", LM_P1_S, "", HTTP_METHOD_GET, 304},
		{"IMS earlier", "", "", LM_M1_S, "", HTTP_METHOD_GET, 0},
		{"IMS HEAD", "", "", LM_S, "", HTTP_METHOD_HEAD, 304},
		{"IMS POST ignored", "", "", LM_S, "", HTTP_METHOD_POST, 0},
		{"IMS invalid", "", "", "yesterday", "", HTTP_METHOD_GET, 0},
		{"IMS rfc850", "", "", "Sunday, 06-Nov-94 08:49:37 GMT", "", HTTP_METHOD_GET, 304},
		{"IMS asctime", "", "", "Sun Nov  6 08:49:37 1994", "", HTTP_METHOD_GET, 304},
		/* If-Unmodified-Since */
		{"IUS equal", "", "", "", LM_S, HTTP_METHOD_GET, 0},
		{"IUS later", "", "", "", LM_P1_S, HTTP_METHOD_GET, 0},
		{"IUS earlier", "", "", "", LM_M1_S, HTTP_METHOD_GET, 412},
		{"IUS invalid", "", "", "", "x", HTTP_METHOD_GET, 0},
		/* precedence, RFC 9110 §13.2.2 */
		{"INM no match beats IMS", "", "\"x\"", LM_S, "", HTTP_METHOD_GET, 0},
		{"INM match, IMS older", "", TAG, LM_M1_S, "", HTTP_METHOD_GET, 304},
		{"IM fails before INM", "\"x\"", TAG, "", "", HTTP_METHOD_GET, 412},
		{"IM fails before IMS", "\"x\"", "", LM_S, "", HTTP_METHOD_GET, 412},
		{"IM passes, INM matches", TAG, TAG, "", "", HTTP_METHOD_GET, 304},
		{"IM passes, IUS ignored", TAG, "", "", LM_M1_S, HTTP_METHOD_GET, 0},
		{"IM fails, IUS would pass", "\"x\"", "", "", LM_S, HTTP_METHOD_GET, 412},
		{"IUS fails before INM", "", TAG, "", LM_M1_S, HTTP_METHOD_GET, 412},
		{"IUS passes, INM matches", "", TAG, "", LM_S, HTTP_METHOD_GET, 304},
		{"IUS passes, IMS equal", "", "", LM_S, LM_S, HTTP_METHOD_GET, 304},
		{"all pass", TAG, "\"x\"", LM_M1_S, LM_S, HTTP_METHOD_GET, 0},
	};
	return cr_make_param_array(struct cond_case, cases, sizeof(cases) / sizeof(cases[0]));
}

static void set_str(struct http_str *s, const char *v)
{
	s->p = *v ? v : NULL;
	s->len = strlen(v);
}

static void set_list(struct http_str_list *l, const char *v)
{
	l->n = 0;
	if (*v) {
		l->v[0].p = v;
		l->v[0].len = strlen(v);
		l->n = 1;
	}
}

ParameterizedTest(struct cond_case *c, http_cond, evaluate)
{
	struct http_cond_fields f;

	memset(&f, 0, sizeof(f));
	set_list(&f.if_match, c->im);
	set_list(&f.if_none_match, c->inm);
	set_str(&f.if_modified_since, c->ims);
	set_str(&f.if_unmodified_since, c->ius);
	cr_assert_eq(http_cond_evaluate(&f, c->method, &val, NOW), c->want, "%s", c->name);
}

Test(http_cond, several_lines_form_one_list)
{
	struct http_cond_fields f;

	memset(&f, 0, sizeof(f));
	f.if_none_match.v[0] = (struct http_str){"\"x\"", 3};
	f.if_none_match.v[1] = (struct http_str){"\"y\", " TAG, 10};
	f.if_none_match.n = 2;
	cr_assert_eq(http_cond_evaluate(&f, HTTP_METHOD_GET, &val, NOW), 304);
	f.if_none_match.n = 1;
	cr_assert_eq(http_cond_evaluate(&f, HTTP_METHOD_GET, &val, NOW), 0);

	f.if_none_match.n = 0;
	f.if_match.v[0] = (struct http_str){TAG, 5};
	f.if_match.v[1] = (struct http_str){"junk", 4};
	f.if_match.n = 2;
	cr_assert_eq(http_cond_evaluate(&f, HTTP_METHOD_GET, &val, NOW), 412,
		     "an invalid line spoils If-Match");
}

Test(http_cond, without_validators)
{
	struct http_validators none = {0};
	struct http_cond_fields f;

	memset(&f, 0, sizeof(f));
	set_str(&f.if_modified_since, LM_P1_S);
	cr_assert_eq(http_cond_evaluate(&f, HTTP_METHOD_GET, &none, NOW), 0);
	memset(&f, 0, sizeof(f));
	set_list(&f.if_match, TAG);
	cr_assert_eq(http_cond_evaluate(&f, HTTP_METHOD_GET, &none, NOW), 412);
	set_list(&f.if_match, "*");
	cr_assert_eq(http_cond_evaluate(&f, HTTP_METHOD_GET, &none, NOW), 0);
}

Test(http_cond, duplicate_date_field_is_ignored)
{
	struct http_cond_fields f;

	memset(&f, 0, sizeof(f));
	f.if_modified_since = (struct http_str){"", 0}; /* what the parser leaves for two */
	cr_assert_eq(http_cond_evaluate(&f, HTTP_METHOD_GET, &val, NOW), 0);
	f.if_modified_since.p = NULL;
	f.if_unmodified_since = (struct http_str){"", 0};
	cr_assert_eq(http_cond_evaluate(&f, HTTP_METHOD_GET, &val, NOW), 0);
}

Test(http_cond, evaluates_what_the_parser_found)
{
	const char *s = "GET / HTTP/1.1\r\nHost: x\r\nIf-None-Match: W/\"q\"\r\n"
			"If-None-Match: " TAG "\r\nIf-Modified-Since: " LM_M1_S "\r\n\r\n";
	struct http_request req;

	cr_assert_gt(http_parse_request(s, strlen(s), &req), 0);
	cr_assert_eq(http_cond_evaluate(&req.cond, req.method, &val, NOW), 304);
}

struct ifrange_case {
	char v[48];
	bool present;
	long long now_off; /* now = LM + now_off */
	bool want;
};

ParameterizedTestParameters(http_cond, if_range)
{
	static struct ifrange_case cases[] = {
		{"", false, 10, true},
		{TAG, true, 10, true},
		{"W/" TAG, true, 10, false},
		{"\"x\"", true, 10, false},
		{"\"abc", true, 10, false},
		{TAG ", \"x\"", true, 10, false},
		{"\"a\"bc\"", true, 10, false},
		{LM_S, true, 10, true},
		{LM_S, true, 1, true},
		{LM_S, true, 0, false}, /* Last-Modified not older than Date: weak */
		{LM_P1_S, true, 10, false},
		{LM_M1_S, true, 10, false},
		{"Sunday, 06-Nov-94 08:49:37 GMT", true, 10, true},
		{"tomorrow", true, 10, false},
		{"", true, 10, false}, /* sent twice */
	};
	return cr_make_param_array(struct ifrange_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct ifrange_case *c, http_cond, if_range)
{
	struct http_str ir = {c->present ? c->v : NULL, strlen(c->v)};

	cr_assert_eq(http_if_range_matches(&ir, &val, (time_t)(LM + c->now_off)), c->want,
		     "'%s' now+%lld", c->v, c->now_off);
}

Test(http_cond, if_range_date_on_a_wednesday_is_a_date)
{
	struct http_validators wed = {.has_last_modified = true, .last_modified = 1623233894};
	struct http_str d = {"Wed, 09 Jun 2021 10:18:14 GMT", 29};
	struct http_str d850 = {"Wednesday, 09-Jun-21 10:18:14 GMT", 33};

	cr_assert(http_if_range_matches(&d, &wed, 1623233894 + 5));
	cr_assert(http_if_range_matches(&d850, &wed, 1623233894 + 5));
}

Test(http_cond, if_range_without_validators)
{
	struct http_validators none = {0};
	struct http_str tag = {TAG, 5}, date = {LM_S, 29};

	cr_assert_not(http_if_range_matches(&tag, &none, NOW));
	cr_assert_not(http_if_range_matches(&date, &none, NOW));
}
