// SPDX-License-Identifier: GPL-2.0-only
/*
 * The HTTP/1.1 connection state machine (http_server.c) driven through the
 * TCP harness: a scripted client on the fake NIC and fake clock, the real
 * stack and the real http_server callbacks. Only answers that never reach
 * the content cache are exercised here (the server runs without one).
 */
#include <criterion/criterion.h>

#include <string.h>

#include "http/http_server.h"
#include "unit/tcp/harness.h"

static struct harness H;
static struct http_server *S;
static const struct h_syn O = {1460, 7, true, true};

static void setup_cfg(const struct tcp_config *cfg)
{
	struct http_server_config hc;

	http_server_config_default(&hc, 64);
	cr_assert_eq(http_server__create(&hc, NULL, &S), 0);
	http_server_set_time(S, 1700000000);
	h_init_app(&H, cfg, 4, false, 0, &http_server_tcp_ops, S);
}

static void setup(void)
{
	setup_cfg(NULL);
}

static void teardown(void)
{
	h_fini(&H);
	http_server__destroy(S);
}

TestSuite(http_server, .init = setup, .fini = teardown);

/* Collect what the server sent until now: payload bytes, and whether FIN/RST came. */
static uint32_t collect(char *buf, uint32_t size, bool *fin, bool *rst)
{
	struct pkt_info pi;
	uint32_t n = 0;

	*fin = *rst = false;
	h_poll(&H);
	while (h_recv(&H, &pi)) {
		if (pi.len && n + pi.len < size) {
			memcpy(buf + n, pi.payload, pi.len);
			n += pi.len;
		}
		*fin |= !!(pi.flags & PKT_FIN);
		*rst |= !!(pi.flags & PKT_RST);
	}
	buf[n] = 0;
	return n;
}

Test(http_server, half_closed_partial_head_is_answered_400_at_once)
{
	static const char part[] = "GET /x HTTP/1.1\r\nHost: a";
	char buf[2048];
	bool fin, rst;

	h_handshake(&H, &O);
	h_data(&H, part, sizeof(part) - 1, 0);
	cr_assert_eq(collect(buf, sizeof(buf), &fin, &rst), 0, "nothing before the FIN");
	/* The FIN, with no time passing: a 400 and our FIN come at once. */
	h_data(&H, NULL, 0, PKT_FIN);
	collect(buf, sizeof(buf), &fin, &rst);
	cr_assert(!strncmp(buf, "HTTP/1.1 400 ", 13), "got \"%.40s\"", buf);
	cr_assert(fin, "the server closes its side after the 400");
	cr_assert(!rst);
}

Test(http_server, partial_head_and_fin_in_one_segment_is_answered_400)
{
	static const char part[] = "GET /x HTTP/1.1\r\n";
	char buf[2048];
	bool fin, rst;

	h_handshake(&H, &O);
	h_data(&H, part, sizeof(part) - 1, PKT_FIN);
	collect(buf, sizeof(buf), &fin, &rst);
	cr_assert(!strncmp(buf, "HTTP/1.1 400 ", 13), "got \"%.40s\"", buf);
	cr_assert(fin);
	/* The client's ACK of our FIN ends the connection: the slot is free again. */
	h_ack(&H, H.s_nxt + (uint32_t)strlen(buf) + 1, 65535u << H.c_ws);
	h_poll(&H);
	cr_assert_eq(h_stats(&H)->conns_active, 0);
}

Test(http_server, trickled_head_is_cut_at_the_header_timeout)
{
	uint64_t t0 = H.now;
	char buf[2048];
	bool fin, rst;

	h_handshake(&H, &O);
	/* slowloris: a header line every 5 s, never the empty line. */
	for (int i = 0; i < 4; i++) {
		h_advance(&H, t0 + (uint64_t)i * 5 * SEC);
		h_data(&H, i ? "X-a: b\r\n" : "GET / HTTP/1.1\r\n", i ? 8 : 16, 0);
		collect(buf, sizeof(buf), &fin, &rst);
		cr_assert(!rst, "reset after %d s", i * 5);
	}
	h_advance(&H, t0 + H.cfg.header_timeout_ns);
	collect(buf, sizeof(buf), &fin, &rst);
	cr_assert(rst, "the head timed out");
	cr_assert_eq(h_stats(&H)->timeout_header, 1);
	cr_assert_eq(h_stats(&H)->conns_active, 0);
}

Test(http_server, idle_keepalive_connection_gets_fin_after_the_keepalive_timeout)
{
	static const char req[] = "POST / HTTP/1.1\r\nHost: a\r\n\r\n";
	uint32_t n;
	char buf[2048];
	bool fin, rst;

	h_handshake(&H, &O);
	h_data(&H, req, sizeof(req) - 1, 0);
	n = collect(buf, sizeof(buf), &fin, &rst);
	cr_assert(!strncmp(buf, "HTTP/1.1 405 ", 13), "got \"%.40s\"", buf);
	cr_assert(!fin);
	/* All of it acknowledged: idle between requests from now. */
	h_ack(&H, H.s_nxt + n, 65535u << H.c_ws);
	h_advance(&H, H.now + H.cfg.keepalive_timeout_ns - 1);
	collect(buf, sizeof(buf), &fin, &rst);
	cr_assert(!fin && !rst);
	h_advance(&H, H.now + 1);
	collect(buf, sizeof(buf), &fin, &rst);
	cr_assert(fin && !rst, "keep-alive idle ends with FIN");
	cr_assert_eq(h_stats(&H)->timeout_keepalive, 1);
	/* A request that crosses our FIN is discarded, not answered. */
	h_data(&H, req, sizeof(req) - 1, 0);
	n = collect(buf, sizeof(buf), &fin, &rst);
	cr_assert_eq(n, 0);
}
