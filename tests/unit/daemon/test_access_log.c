// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests for daemon/access_log.c: the ring, record filling, formats. */
#include <criterion/criterion.h>

#include <json-c/json.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/access_log.h"
#include "http/http_parse.h"

static struct access_log_ring ring;

Test(access_log, ring_full_counts_dropped_never_blocks)
{
	struct access_log_record rec = {.status = 200}, out;

	memset(&ring, 0, sizeof(ring));
	for (uint32_t i = 0; i < ACCESS_LOG_RING_RECORDS; i++) {
		rec.bytes = i;
		cr_assert_eq(access_log_ring_push(&ring, &rec), 0);
	}
	cr_assert_eq(access_log_ring_push(&ring, &rec), -ENOBUFS, "full: refused at once");
	cr_assert_eq(access_log_ring_push(&ring, &rec), -ENOBUFS);
	cr_assert_eq(atomic_load(&ring.dropped), 2);
	cr_assert_eq(atomic_load(&ring.pushed), ACCESS_LOG_RING_RECORDS);
	for (uint32_t i = 0; i < ACCESS_LOG_RING_RECORDS; i++) {
		cr_assert_eq(access_log_ring_pop(&ring, &out), 0);
		cr_assert_eq(out.bytes, i, "in order");
	}
	cr_assert_eq(access_log_ring_pop(&ring, &out), -EAGAIN);
	cr_assert_eq(access_log_ring_push(&ring, &rec), 0, "room again after popping");
}

Test(access_log, ring_wraps_around_its_counters)
{
	struct access_log_record rec = {0}, out;

	memset(&ring, 0, sizeof(ring));
	atomic_store(&ring.head, UINT32_MAX - 2);
	atomic_store(&ring.tail, UINT32_MAX - 2);
	for (uint64_t i = 0; i < 8; i++) {
		rec.bytes = i;
		cr_assert_eq(access_log_ring_push(&ring, &rec), 0);
		cr_assert_eq(access_log_ring_pop(&ring, &out), 0);
		cr_assert_eq(out.bytes, i);
	}
}

static void fill(struct access_log_record *rec, const char *head)
{
	struct http_request req;
	static const uint8_t addr[16] = {198, 18, 0, 2};
	struct http_limits limits = HTTP_LIMITS_DEFAULT_INIT;
	int n = http_parse_request_resume(head, strlen(head), 0, &req, &limits);
	struct http_access a = {
		.req = &req,
		.head = head,
		.head_len = (uint32_t)n,
		.status = 200,
		.bytes = 1234,
		.duration_ns = 5000,
		.family = 4,
		.addr = addr,
		.port = 40000,
	};

	cr_assert_gt(n, 0);
	access_log_record_fill(rec, &a);
}

Test(access_log, combined_line)
{
	struct access_log_record rec;
	char line[2048];
	int n;

	fill(&rec, "GET /a%22b HTTP/1.1\r\nHost: x\r\nUser-Agent: curl/7.88 \"q\"\r\n"
		   "Referer: http://r/\r\n\r\n");
	cr_assert_str_eq(rec.user_agent, "curl/7.88 \"q\"");
	cr_assert_str_eq(rec.referer, "http://r/");
	n = access_log_format_record(&rec, ACCESS_LOG_COMBINED, line, sizeof(line));
	cr_assert_gt(n, 0);
	cr_assert(strstr(line, "198.18.0.2 - - ["), "%s", line);
	cr_assert(strstr(line, "] \"GET /a%22b HTTP/1.1\" 200 1234 \"http://r/\" "
			       "\"curl/7.88 \\x22q\\x22\"\n"),
		  "%s", line);
}

Test(access_log, json_line_escapes)
{
	struct access_log_record rec;
	char line[2048];

	fill(&rec, "GET /x?y=1 HTTP/1.0\r\nUser-Agent: a\"b\\c\r\n\r\n");
	cr_assert_gt(access_log_format_record(&rec, ACCESS_LOG_JSON, line, sizeof(line)), 0);
	cr_assert(strstr(line, "\"target\":\"/x?y=1\""), "%s", line);
	cr_assert(strstr(line, "\"user_agent\":\"a\\\"b\\\\c\""), "%s", line);
	cr_assert(strstr(line, "\"status\":200,\"bytes\":1234,\"duration_us\":5"), "%s", line);
	cr_assert(strstr(line, "\"protocol\":\"HTTP/1.0\""), "%s", line);
	cr_assert_eq(access_log_format_record(&rec, ACCESS_LOG_JSON, line, 40), -ENOSPC);
}

/* Text fields full of bytes that all need escaping still make a whole line in either format. */
static void fill_worst(struct access_log_record *rec)
{
	memset(rec, 0, sizeof(*rec));
	rec->time_ns = UINT64_MAX / 2;
	rec->bytes = UINT64_MAX;
	rec->duration_ns = UINT64_MAX;
	rec->status = 65535;
	rec->port = 65535;
	rec->family = 6;
	memset(rec->addr, 0xfe, sizeof(rec->addr));
	rec->version_minor = 255;
	memset(rec->method, '"', sizeof(rec->method) - 1);
	for (size_t i = 0; i + 1 < sizeof(rec->target); i++)
		rec->target[i] = (char)(i % 3 == 0 ? 0x01 : i % 3 == 1 ? 0xc3 : '\\');
	memset(rec->referer, 0x7f, sizeof(rec->referer) - 1);
	memset(rec->user_agent, 0xff, sizeof(rec->user_agent) - 1);
}

Test(access_log, hostile_fields_never_lose_the_line)
{
	struct access_log_record rec;
	char line[ACCESS_LOG_LINE_MAX];
	struct json_object *o, *v;
	int n, quotes = 0;

	fill_worst(&rec);
	n = access_log_format_record(&rec, ACCESS_LOG_COMBINED, line, sizeof(line));
	cr_assert_gt(n, 0, "combined: %d", n);
	cr_assert_eq(line[n - 1], '\n');
	for (int i = 0; i < n - 1; i++) {
		unsigned char c = (unsigned char)line[i];

		cr_assert(c >= 0x20 && c < 0x7f, "raw byte 0x%02x at %d", c, i);
		quotes += c == '"';
	}
	cr_assert_eq(quotes, 6, "only the format's own quotes: %s", line);

	n = access_log_format_record(&rec, ACCESS_LOG_JSON, line, sizeof(line));
	cr_assert_gt(n, 0, "json: %d", n);
	cr_assert_eq(line[n - 1], '\n');
	o = json_tokener_parse(line);
	cr_assert_not_null(o, "not JSON: %s", line);
	cr_assert(json_object_object_get_ex(o, "target", &v));
	cr_assert_eq(json_object_get_string_len(v) > 0, true);
	cr_assert(json_object_object_get_ex(o, "user_agent", &v));
	cr_assert(json_object_object_get_ex(o, "status", &v));
	cr_assert_eq(json_object_get_int(v), 65535);
	json_object_put(o);
}
