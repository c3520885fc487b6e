// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests for daemon/access_log.c: the ring, record filling, formats. */
#include <criterion/criterion.h>

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
