// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests for tcp/tcp_options.c: strict parsing and SYN-ACK layout. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <string.h>

#include "tcp/tcp_options.h"

Test(options, parses_a_full_syn)
{
	static const uint8_t o[] = {2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0,
				    0, 1, 0,	0,    0, 2, 1, 3,  3, 7};
	struct tcp_opts p;

	cr_assert_eq(tcp_options_parse(o, sizeof(o), true, &p), (int)sizeof(o));
	cr_assert(p.mss_ok && p.mss == 1460);
	cr_assert(p.sack_perm);
	cr_assert(p.ts_ok && p.tsval == 1 && p.tsecr == 2);
	cr_assert(p.wscale_ok && p.wscale == 7);
}

Test(options, syn_only_options_ignored_elsewhere)
{
	static const uint8_t o[] = {2, 4, 0x05, 0xb4, 1, 3, 3, 7, 4, 2, 0, 0};
	struct tcp_opts p;

	cr_assert_eq(tcp_options_parse(o, sizeof(o), false, &p), (int)sizeof(o));
	cr_assert(!p.mss_ok && !p.wscale_ok && !p.sack_perm);
}

Test(options, window_scale_clamped_to_14)
{
	static const uint8_t o[] = {1, 3, 3, 15};
	struct tcp_opts p;

	cr_assert_eq(tcp_options_parse(o, sizeof(o), true, &p), 4);
	cr_assert_eq(p.wscale, 14);
}

Test(options, sack_blocks)
{
	static const uint8_t o[] = {1, 1, 5, 18, 0, 0, 0, 10, 0, 0, 0, 20, 0, 0, 1, 0, 0, 0, 2, 0};
	struct tcp_opts p;

	cr_assert_eq(tcp_options_parse(o, sizeof(o), false, &p), (int)sizeof(o));
	cr_assert_eq(p.nsack, 2);
	cr_assert_eq(p.sack[0][0], 10);
	cr_assert_eq(p.sack[0][1], 20);
	cr_assert_eq(p.sack[1][0], 256);
	cr_assert_eq(p.sack[1][1], 512);
}

Test(options, eol_stops_and_unknown_is_skipped)
{
	static const uint8_t o[] = {30, 4, 0xff, 0xff, 0, 2, 1, 0};
	struct tcp_opts p;

	cr_assert_eq(tcp_options_parse(o, sizeof(o), true, &p), (int)sizeof(o));
	cr_assert(!p.mss_ok && !p.ts_ok);
}

struct bad_opt {
	const char *what;
	uint8_t bytes[12];
	uint32_t len;
};

static const struct bad_opt bad_opts[] = {
	{"MSS length 3", {2, 3, 5, 0}, 4},
	{"MSS length 5", {2, 5, 5, 0xb4, 0, 0, 0, 0}, 8},
	{"WS length 4", {3, 4, 7, 0}, 4},
	{"SACK-permitted length 3", {4, 3, 0, 0}, 4},
	{"TS length 8", {8, 8, 0, 0, 0, 1, 0, 0}, 8},
	{"SACK length 9", {5, 9, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0}, 12},
	{"SACK without blocks", {5, 2, 0, 0}, 4},
	{"length 0", {30, 0, 0, 0}, 4},
	{"length 1", {30, 1, 0, 0}, 4},
	{"runs past the header", {1, 1, 8, 10}, 4},
	{"kind without length", {1, 1, 1, 2}, 4},
};

ParameterizedTestParameters(options, bad_lengths_rejected)
{
	return cr_make_param_array(struct bad_opt, bad_opts,
				   sizeof(bad_opts) / sizeof(bad_opts[0]));
}

ParameterizedTest(const struct bad_opt *b, options, bad_lengths_rejected)
{
	struct tcp_opts p;

	cr_assert_eq(tcp_options_parse(b->bytes, b->len, true, &p), -1, "%s", b->what);
}

Test(options, synack_layout)
{
	struct tcp_syn_opts so = {.mss = 1460,
				  .wscale = 3,
				  .sack_perm = true,
				  .ts = true,
				  .tsval = 0x01020304,
				  .tsecr = 0x05060708};
	uint8_t out[40];
	struct tcp_opts p;
	uint32_t n = tcp_options_write_syn(out, &so);

	cr_assert_eq(n % 4, 0);
	cr_assert_eq(n, 4 + 12 + 4);
	cr_assert_eq(tcp_options_parse(out, n, true, &p), (int)n);
	cr_assert(p.mss_ok && p.mss == 1460 && p.wscale_ok && p.wscale == 3 && p.sack_perm);
	cr_assert(p.ts_ok && p.tsval == 0x01020304 && p.tsecr == 0x05060708);

	so = (struct tcp_syn_opts){.mss = 536, .wscale = -1};
	n = tcp_options_write_syn(out, &so);
	cr_assert_eq(n, 4);
	cr_assert_eq(tcp_options_parse(out, n, true, &p), 4);
	cr_assert(p.mss_ok && !p.wscale_ok && !p.sack_perm && !p.ts_ok);
}

Test(options, timestamp_option_is_12_aligned_bytes)
{
	uint8_t out[12];
	struct tcp_opts p;

	cr_assert_eq(tcp_options_write_ts(out, 1, 2), 12);
	cr_assert_eq(out[0], 1);
	cr_assert_eq(out[1], 1);
	cr_assert_eq(tcp_options_parse(out, 12, false, &p), 12);
	cr_assert(p.ts_ok && p.tsval == 1 && p.tsecr == 2);
}
