// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for http/http_date.c: IMF-fixdate formatting against the C
 * library's gmtime_r, the three parse formats, strictness, and the clock.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "http/http_date.h"

/* 2025-06-01T00:00:00Z: "now" for the RFC 850 two-digit years. */
#define NOW_2025 ((time_t)1748736000)

static void check_format(time_t t)
{
	static const char *const wd[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const mo[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	char got[HTTP_DATE_LEN + 1], want[64];
	struct tm tm;
	time_t back;

	cr_assert_not_null(gmtime_r(&t, &tm));
	snprintf(want, sizeof(want), "%s, %02d %s %04d %02d:%02d:%02d GMT", wd[tm.tm_wday],
		 tm.tm_mday, mo[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	cr_assert_eq(http_date_format(t, got), HTTP_DATE_LEN);
	cr_assert_str_eq(got, want, "t=%lld", (long long)t);
	cr_assert_eq(http_date_parse(got, HTTP_DATE_LEN, NOW_2025, &back), 0, "%s", got);
	cr_assert_eq(back, t, "%s", got);
}

Test(http_date, rfc_example)
{
	char buf[HTTP_DATE_LEN + 1];

	http_date_format(784111777, buf);
	cr_assert_str_eq(buf, "Sun, 06 Nov 1994 08:49:37 GMT");
}

Test(http_date, format_matches_gmtime_and_round_trips)
{
	/* Every day boundary for 1970..2105 plus odd seconds, and leap days. */
	for (time_t t = 0; t < (time_t)4294967296LL; t += 86400 * 3 + 3601)
		check_format(t);
	check_format(951782400);  /* 2000-02-29 */
	check_format(4107456000); /* 2100-02-28: no leap day in 2100 */
	check_format(4107542399);
	check_format(4107542400); /* 2100-03-01 */
	check_format(253402300799LL);
}

Test(http_date, format_clamps_out_of_range)
{
	char buf[HTTP_DATE_LEN + 1];

	http_date_format(-1, buf);
	cr_assert_str_eq(buf, "Thu, 01 Jan 1970 00:00:00 GMT");
	http_date_format((time_t)253402300800LL, buf);
	cr_assert_str_eq(buf, "Fri, 31 Dec 9999 23:59:59 GMT");
}

struct date_case {
	char s[40];
	long long t; /* -1: must be rejected */
};

ParameterizedTestParameters(http_date, parse)
{
	static struct date_case cases[] = {
		/* the three formats of RFC 9110 §5.6.7 */
		{"Sun, 06 Nov 1994 08:49:37 GMT", 784111777},
		{"Sunday, 06-Nov-94 08:49:37 GMT", 784111777},
		{"Sun Nov  6 08:49:37 1994", 784111777},
		{"Sun Nov 06 08:49:37 1994", 784111777},
		{"Thu, 01 Jan 1970 00:00:00 GMT", 0},
		{"Tue, 29 Feb 2000 12:00:00 GMT", 951825600},
		{"Sat, 31 Dec 2022 23:59:60 GMT", 1672531200}, /* leap second */
		{"Wed, 09 Jun 2021 10:18:14 GMT", 1623233894},
		{"Wednesday, 09-Jun-21 10:18:14 GMT", 1623233894},
		{"Wed Jun  9 10:18:14 2021", 1623233894},
		/* RFC 850 years: more than 50 years ahead of 2025 means 19xx */
		{"Tuesday, 01-Jan-70 00:00:00 GMT", 3155760000},
		{"Monday, 01-Jan-75 00:00:00 GMT", 3313526400},
		{"Saturday, 01-Jan-76 00:00:00 GMT", 189302400},
		{"Friday, 01-Jan-99 00:00:00 GMT", 915148800},
		{"Saturday, 01-Jan-00 00:00:00 GMT", 946684800},
		/* the day name is not checked against the date */
		{"Mon, 06 Nov 1994 08:49:37 GMT", 784111777},
		/* rejected */
		{"", -1},
		{"Sun, 06 Nov 1994 08:49:37 UTC", -1},
		{"Sun, 06 Nov 1994 08:49:37 gmt", -1},
		{"sun, 06 Nov 1994 08:49:37 GMT", -1},
		{"Sun, 06 nov 1994 08:49:37 GMT", -1},
		{"Sun, 6 Nov 1994 08:49:37 GMT", -1},
		{"Sun, 06 Nov 94 08:49:37 GMT", -1},
		{"Sun, 06 Nov 1994 8:49:37 GMT", -1},
		{" Sun, 06 Nov 1994 08:49:37 GMT", -1},
		{"Sun, 06 Nov 1994 08:49:37 GMT ", -1},
		{"Sun,  06 Nov 1994 08:49:37 GMT", -1},
		{"Sun, 06 Nov 1994 08:49:37 +0000", -1},
		{"Sun, 06 Nov 1994 24:00:00 GMT", -1},
		{"Sun, 06 Nov 1994 23:60:00 GMT", -1},
		{"Sun, 06 Nov 1994 23:59:61 GMT", -1},
		{"Sun, 31 Nov 1994 08:49:37 GMT", -1},
		{"Sun, 00 Nov 1994 08:49:37 GMT", -1},
		{"Sun, 29 Feb 1900 08:49:37 GMT", -1},
		{"Sun, 30 Feb 2000 08:49:37 GMT", -1},
		{"Xyz, 06 Nov 1994 08:49:37 GMT", -1},
		{"Sun, 06 Nov 1994 08:49:37 GMTX", -1},
		{"Sun, 06 Nov 1994 08-49-37 GMT", -1},
		{"Sun, 06 Nov 1994 08:49:3x GMT", -1},
		{"Sun, 06 Nov +994 08:49:37 GMT", -1},
		{"Sunday, 06-Nov-1994 08:49:37 GMT", -1},
		{"Sunday, 06-Nov-94 08:49:37 UTC", -1},
		{"Sunday 06-Nov-94 08:49:37 GMT", -1},
		{"Sun, 06-Nov-94 08:49:37 GMT", -1},
		{"Funday, 06-Nov-94 08:49:37 GMT", -1},
		{"Sunday, 6-Nov-94 08:49:37 GMT", -1},
		{"Sun Nov  6 08:49:37 94", -1},
		{"Sun Nov 6 08:49:37 1994", -1},
		{"Sun Nov  6 08:49:37  1994", -1},
		{"Sun Nov 31 08:49:37 1994", -1},
		{"Sun Nov  6 08:49:37 1994 ", -1},
		{"1994-11-06T08:49:37Z", -1},
		{"784111777", -1},
	};
	return cr_make_param_array(struct date_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct date_case *c, http_date, parse)
{
	time_t t = 12345;
	int rc = http_date_parse(c->s, strlen(c->s), NOW_2025, &t);

	if (c->t < 0) {
		cr_assert_eq(rc, -1, "\"%s\" accepted as %lld", c->s, (long long)t);
		return;
	}
	cr_assert_eq(rc, 0, "\"%s\" rejected", c->s);
	cr_assert_eq((long long)t, c->t, "\"%s\": %lld", c->s, (long long)t);
}

Test(http_date, parse_is_bounded_by_len)
{
	const char *s = "Sun, 06 Nov 1994 08:49:37 GMTtrailing";
	time_t t;

	cr_assert_eq(http_date_parse(s, HTTP_DATE_LEN, NOW_2025, &t), 0);
	cr_assert_eq(t, 784111777);
	cr_assert_eq(http_date_parse(s, HTTP_DATE_LEN - 1, NOW_2025, &t), -1);
	cr_assert_eq(http_date_parse(s, strlen(s), NOW_2025, &t), -1);
}

Test(http_date, rfc850_century_follows_now)
{
	time_t t;
	/* In 1990, "20" is 30 years ahead: 2020. */
	cr_assert_eq(http_date_parse("Wednesday, 01-Jan-20 00:00:00 GMT", 33, 631152000, &t), 0);
	cr_assert_eq(t, 1577836800);
	/* In 2080, "31" is 49 years back: 2031; "30" would be 50 back: 2130. */
	cr_assert_eq(http_date_parse("Wednesday, 01-Jan-31 00:00:00 GMT", 33, 3471292800LL, &t), 0);
	cr_assert_eq(t, 1924992000);
	cr_assert_eq(http_date_parse("Sunday, 01-Jan-30 00:00:00 GMT", 30, 3471292800LL, &t), 0);
	cr_assert_eq(t, 5049129600LL);
}

Test(http_date, clock_reformats_only_when_the_second_changes)
{
	struct http_clock c;

	http_clock_init(&c, 784111777);
	cr_assert_str_eq(c.date, "Sun, 06 Nov 1994 08:49:37 GMT");
	memcpy(c.date, "marker", 6);
	cr_assert_eq(http_clock_update(&c, 784111777), false);
	cr_assert_eq(memcmp(c.date, "marker", 6), 0, "rewritten within the same second");
	cr_assert_eq(http_clock_update(&c, 784111778), true);
	cr_assert_str_eq(c.date, "Sun, 06 Nov 1994 08:49:38 GMT");
	cr_assert_eq(c.sec, 784111778);
	cr_assert_eq(http_clock_update(&c, 784111777), true, "a clock step back reformats too");
	cr_assert_str_eq(c.date, "Sun, 06 Nov 1994 08:49:37 GMT");
}
