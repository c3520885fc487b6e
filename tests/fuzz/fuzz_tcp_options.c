// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_tcp_options.c — TCP option parsing (tcp/tcp_options.c) on arbitrary
 * option areas. The first byte picks SYN or not; the rest (at most the 40
 * bytes a header can carry, and beyond to test the bound) is the area.
 * Properties: the parser returns len or -1; what it accepts is in range
 * (window scale <= 14, at most 4 SACK blocks, SYN-only options only on a
 * SYN); and the SYN-ACK options we write from what was parsed parse back to
 * the same values.
 */
#include "fuzz/fuzz.h"

#include <string.h>

#include "tcp/tcp_options.h"

static void check_syn_roundtrip(const struct tcp_opts *o)
{
	struct tcp_syn_opts so = {
		.mss = o->mss_ok ? o->mss : 536,
		.wscale = o->wscale_ok ? o->wscale : -1,
		.sack_perm = o->sack_perm,
		.ts = o->ts_ok,
		.tsval = o->tsval,
		.tsecr = o->tsecr,
	};
	uint8_t area[TCP_MAX_OPT_LEN];
	struct tcp_opts back;
	uint32_t n = tcp_options_write_syn(area, &so);

	FUZZ_CHECK(n <= TCP_MAX_OPT_LEN && n % 4 == 0, "SYN-ACK options of %u bytes", n);
	FUZZ_CHECK(tcp_options_parse(area, n, true, &back) == (int)n,
		   "our SYN-ACK options refused");
	FUZZ_CHECK(back.mss_ok && back.mss == so.mss, "MSS %u -> %u", so.mss, back.mss);
	FUZZ_CHECK(back.wscale_ok == (so.wscale >= 0) &&
			   (!back.wscale_ok || back.wscale == so.wscale),
		   "window scale %d -> %u", so.wscale, back.wscale);
	FUZZ_CHECK(back.sack_perm == so.sack_perm, "SACK-permitted lost");
	FUZZ_CHECK(back.ts_ok == so.ts &&
			   (!so.ts || (back.tsval == so.tsval && back.tsecr == so.tsecr)),
		   "timestamps lost");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tcp_opts o;
	bool syn;
	uint32_t len;
	int n;

	if (!size)
		return 0;
	syn = data[0] & 1;
	len = size - 1 > 64 ? 64 : (uint32_t)(size - 1);
	memset(&o, 0xa5, sizeof(o)); /* the parser must fill what it reports */
	n = tcp_options_parse(data + 1, len, syn, &o);
	FUZZ_CHECK(n == -1 || n == (int)len, "returned %d for %u bytes", n, len);
	if (n < 0)
		return 0;
	FUZZ_CHECK(!o.wscale_ok || o.wscale <= TCP_MAX_WSCALE, "window scale %u", o.wscale);
	FUZZ_CHECK(o.nsack <= TCP_MAX_SACK, "%u SACK blocks", o.nsack);
	FUZZ_CHECK(syn || (!o.mss_ok && !o.wscale_ok && !o.sack_perm),
		   "SYN-only options accepted on a non-SYN segment");
	if (syn)
		check_syn_roundtrip(&o);
	return 0;
}
