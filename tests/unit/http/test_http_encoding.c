// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for http/http_encoding.c: Accept-Encoding q-values into the
 * order of precompressed variants, and the --precompressed values.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <errno.h>
#include <string.h>

#include "http/http_encoding.h"

struct ae_case {
	char field[96];	  /* one Accept-Encoding line; "" for none */
	uint32_t offered; /* 0: every coding */
	char order[24];	  /* the chosen suffixes, best first, e.g. ".br.gz" */
};

ParameterizedTestParameters(http_encoding, order)
{
	static struct ae_case cases[] = {
		{"", 0, ""},
		{"gzip", 0, ".gz"},
		{"gzip, deflate, br, zstd", 0, ".br.zst.gz"}, /* ties: our preference */
		{"GZIP, Br", 0, ".br.gz"},		      /* case-insensitive */
		{"x-gzip", 0, ".gz"},
		{"br;q=0.5, gzip;q=0.8", 0, ".gz.br"},
		{"br;q=0, gzip", 0, ".gz"},	/* q=0 refuses */
		{"br;q=0.000, gzip", 0, ".gz"}, /* so does 0.000 */
		{"br;Q=0.001, gzip;q=0.002", 0, ".gz.br"},
		{"*", 0, ".br.zst.gz"},
		{"*;q=0.5, gzip", 0, ".gz.br.zst"}, /* named beats "*" */
		{"*;q=0, gzip;q=0.1", 0, ".gz"},
		{"*;q=0", 0, ""},
		{"identity", 0, ""},
		{"identity;q=0.5, br;q=0.4, gzip;q=0.6", 0, ".gz"}, /* below identity: not chosen */
		{"identity;q=0.5, br;q=0.5", 0, ".br"}, /* a tie goes to the smaller file */
		{"identity;q=0, gzip", 0, ".gz"},
		{"br;q=1.0, gzip;q=1.000", 0, ".br.gz"},
		{"br;q=1.001, gzip", 0, ".gz"}, /* invalid q: the element is ignored */
		{"br;q=2, gzip", 0, ".gz"},
		{"br;q=.5, gzip", 0, ".gz"},
		{"br;q=0.5555, gzip", 0, ".gz"},
		{"br;q=, gzip", 0, ".gz"},
		{"br ; q=0.5 , gzip ; q=0.7", 0, ".gz.br"}, /* OWS around ';' and ',' */
		{" , ,br,, ", 0, ".br"},		    /* empty elements */
		{"compress, deflate, bzip2", 0, ""},
		{"gzip;level=9", 0, ".gz"}, /* other parameters are ignored */
		{"gzip;q=0, gzip", 0, ""},  /* the first mention counts */
		{"br, zstd, gzip", HTTP_CODING_BIT(HTTP_CODING_GZIP), ".gz"},
		{"br, zstd", HTTP_CODING_BIT(HTTP_CODING_GZIP), ""},
	};

	return cr_make_param_array(struct ae_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct ae_case *c, http_encoding, order)
{
	struct http_str_list ae = {0};
	struct http_coding_order o;
	char got[24] = "";
	unsigned int n;

	if (c->field[0]) {
		ae.v[0] = (struct http_str){c->field, strlen(c->field)};
		ae.n = 1;
	}
	n = http_accept_encoding_order(&ae, c->offered ? c->offered : HTTP_CODINGS_ALL, &o);
	cr_assert_eq(n, o.n);
	for (unsigned int i = 0; i < o.n; i++)
		strcat(got, http_coding_suffix(o.c[i]));
	cr_assert_str_eq(got, c->order, "\"%s\"", c->field);
}

Test(http_encoding, several_field_lines_are_one_list)
{
	struct http_str_list ae = {
		.v = {{"gzip;q=0.5", 10}, {"br;q=0.9", 8}},
		.n = 2,
	};
	struct http_coding_order o;

	cr_assert_eq(http_accept_encoding_order(&ae, HTTP_CODINGS_ALL, &o), 2);
	cr_assert_eq(o.c[0], HTTP_CODING_BR);
	cr_assert_eq(o.c[1], HTTP_CODING_GZIP);
	cr_assert_eq(http_accept_encoding_order(&ae, 0, &o), 0, "nothing offered");
}

Test(http_encoding, tokens_and_suffixes)
{
	cr_assert_null(http_coding_token(HTTP_CODING_IDENTITY));
	cr_assert_str_eq(http_coding_token(HTTP_CODING_BR), "br");
	cr_assert_str_eq(http_coding_token(HTTP_CODING_ZSTD), "zstd");
	cr_assert_str_eq(http_coding_token(HTTP_CODING_GZIP), "gzip");
	cr_assert_str_eq(http_coding_suffix(HTTP_CODING_ZSTD), ".zst");
	cr_assert_str_eq(http_coding_suffix(HTTP_CODING_IDENTITY), "");
	for (int c = 0; c < HTTP_CODING_COUNT; c++)
		cr_assert_leq(strlen(http_coding_suffix(c)), HTTP_CODING_SUFFIX_MAX);
}

Test(http_encoding, option_values)
{
	uint32_t m = 12345;

	cr_assert_eq(http_codings_parse("on", &m), 0);
	cr_assert_eq(m, HTTP_CODINGS_ALL);
	cr_assert_eq(http_codings_parse("off", &m), 0);
	cr_assert_eq(m, 0);
	cr_assert_eq(http_codings_parse("gz", &m), 0);
	cr_assert_eq(m, HTTP_CODING_BIT(HTTP_CODING_GZIP));
	cr_assert_eq(http_codings_parse("br,zstd,gzip", &m), 0);
	cr_assert_eq(m, HTTP_CODINGS_ALL);
	cr_assert_eq(http_codings_parse("zst,br", &m), 0);
	cr_assert_eq(m, HTTP_CODING_BIT(HTTP_CODING_ZSTD) | HTTP_CODING_BIT(HTTP_CODING_BR));
	m = 7;
	cr_assert_eq(http_codings_parse("", &m), -EINVAL);
	cr_assert_eq(http_codings_parse("deflate", &m), -EINVAL);
	cr_assert_eq(http_codings_parse("br,", &m), -EINVAL);
	cr_assert_eq(http_codings_parse("br,,gz", &m), -EINVAL);
	cr_assert_eq(http_codings_parse("yes", &m), -EINVAL);
	cr_assert_eq(m, 7, "untouched on error");
}
