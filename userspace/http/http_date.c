// SPDX-License-Identifier: GPL-2.0-only
/*
 * http_date.c — HTTP-date formatting and the three-format parser
 * (RFC 9110 §5.6.7), and the per-worker Date clock. See http_date.h for
 * the callers.
 */
#include "http/http_date.h"

#include <stdint.h>
#include <string.h>

#include "http/http_types.h"

static const char day_short[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char *const day_long[7] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
					"Thursday", "Friday", "Saturday"};
static const char month_short[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

#define SECS_PER_DAY 86400

/*
 * Days since 1970-01-01 of a proleptic Gregorian date (m 1..12). The year
 * is shifted to start in March so the leap day is the year's last day;
 * then whole 400-year eras (146097 days) and the day within the era.
 */
static int64_t days_from_civil(int64_t y, unsigned int m, unsigned int d)
{
	int64_t era;
	unsigned int yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned int)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* The inverse of days_from_civil. */
static void civil_from_days(int64_t z, int64_t *y, unsigned int *m, unsigned int *d)
{
	int64_t era;
	unsigned int doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned int)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static bool is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned int days_in_month(int64_t y, unsigned int m)
{
	static const unsigned char dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return dim[m - 1] + (m == 2 && is_leap(y));
}

static void put2(char *p, unsigned int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

size_t http_date_format(time_t t, char out[HTTP_DATE_LEN + 1])
{
	int64_t days, secs, y;
	unsigned int m, d, wday;

	if (t < HTTP_DATE_MIN)
		t = HTTP_DATE_MIN;
	if (t > HTTP_DATE_MAX)
		t = HTTP_DATE_MAX;
	days = (int64_t)t / SECS_PER_DAY;
	secs = (int64_t)t % SECS_PER_DAY;
	civil_from_days(days, &y, &m, &d);
	wday = (unsigned int)((days + 4) % 7); /* 1970-01-01 was a Thursday */

	memcpy(out, day_short[wday], 3);
	memcpy(out + 3, ", ", 2);
	put2(out + 5, d);
	out[7] = ' ';
	memcpy(out + 8, month_short[m - 1], 3);
	out[11] = ' ';
	put2(out + 12, (unsigned int)(y / 100));
	put2(out + 14, (unsigned int)(y % 100));
	out[16] = ' ';
	put2(out + 17, (unsigned int)(secs / 3600));
	out[19] = ':';
	put2(out + 20, (unsigned int)(secs / 60 % 60));
	out[22] = ':';
	put2(out + 23, (unsigned int)(secs % 60));
	memcpy(out + 25, " GMT", 4);
	out[HTTP_DATE_LEN] = '\0';
	return HTTP_DATE_LEN;
}

/* n decimal digits at p; -1 if any is not a digit. */
static int digits(const char *p, unsigned int n)
{
	int v = 0;

	for (unsigned int i = 0; i < n; i++) {
		if (!http_is_digit(p[i]))
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

static int month_index(const char *p)
{
	for (int i = 0; i < 12; i++)
		if (memcmp(p, month_short[i], 3) == 0)
			return i + 1;
	return -1;
}

static bool is_day_short(const char *p)
{
	for (int i = 0; i < 7; i++)
		if (memcmp(p, day_short[i], 3) == 0)
			return true;
	return false;
}

/* "HH:MM:SS" at p into seconds of the day (60 allowed for a leap second). */
static int64_t time_of_day(const char *p)
{
	int h = digits(p, 2), mi = digits(p + 3, 2), s = digits(p + 6, 2);

	if (p[2] != ':' || p[5] != ':' || h < 0 || mi < 0 || s < 0)
		return -1;
	if (h > 23 || mi > 59 || s > 60)
		return -1;
	return (int64_t)h * 3600 + mi * 60 + s;
}

static int make_time(int64_t y, int m, int d, int64_t tod, time_t *out)
{
	if (y < 0 || m < 1 || d < 1 || tod < 0 ||
	    (unsigned int)d > days_in_month(y, (unsigned int)m))
		return -1;
	*out = (time_t)(days_from_civil(y, (unsigned int)m, (unsigned int)d) * SECS_PER_DAY + tod);
	return 0;
}

/* "Sun, 06 Nov 1994 08:49:37 GMT" */
static int parse_imf_fixdate(const char *s, time_t *out)
{
	if (!is_day_short(s) || memcmp(s + 3, ", ", 2) != 0 || s[7] != ' ' || s[11] != ' ' ||
	    s[16] != ' ' || memcmp(s + 25, " GMT", 4) != 0)
		return -1;
	return make_time(digits(s + 12, 4), month_index(s + 8), digits(s + 5, 2),
			 time_of_day(s + 17), out);
}

/* "Sun Nov  6 08:49:37 1994" (the day also as two digits) */
static int parse_asctime(const char *s, time_t *out)
{
	int d;

	if (!is_day_short(s) || s[3] != ' ' || s[7] != ' ' || s[10] != ' ' || s[19] != ' ')
		return -1;
	d = s[8] == ' ' ? digits(s + 9, 1) : digits(s + 8, 2);
	return make_time(digits(s + 20, 4), month_index(s + 4), d, time_of_day(s + 11), out);
}

/* "Sunday, 06-Nov-94 08:49:37 GMT" */
static int parse_rfc850(const char *s, size_t len, time_t now, time_t *out)
{
	size_t n = 0;
	int yy, i;
	int64_t now_year, year;
	unsigned int m, d;

	for (i = 0; i < 7; i++) {
		n = strlen(day_long[i]);
		if (len > n && memcmp(s, day_long[i], n) == 0 && s[n] == ',')
			break;
	}
	if (i == 7 || len != n + 24)
		return -1;
	s += n + 1;
	if (s[0] != ' ' || s[3] != '-' || s[7] != '-' || s[10] != ' ' ||
	    memcmp(s + 19, " GMT", 4) != 0)
		return -1;
	yy = digits(s + 8, 2);
	if (yy < 0)
		return -1;
	civil_from_days((int64_t)now / SECS_PER_DAY - ((int64_t)now % SECS_PER_DAY < 0), &now_year,
			&m, &d);
	year = now_year - now_year % 100 + yy;
	if (year > now_year + 50)
		year -= 100;
	else if (year <= now_year - 50)
		year += 100;
	return make_time(year, month_index(s + 4), digits(s + 1, 2), time_of_day(s + 11), out);
}

int http_date_parse(const char *s, size_t len, time_t now, time_t *out)
{
	if (len == HTTP_DATE_LEN && s[3] == ',')
		return parse_imf_fixdate(s, out);
	if (len == 24 && s[3] == ' ')
		return parse_asctime(s, out);
	if (len > 4)
		return parse_rfc850(s, len, now, out);
	return -1;
}

void http_clock_init(struct http_clock *c, time_t now)
{
	c->sec = now;
	http_date_format(now, c->date);
}

bool http_clock_update(struct http_clock *c, time_t now)
{
	if (now == c->sec)
		return false;
	http_clock_init(c, now);
	return true;
}
