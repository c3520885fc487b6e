// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests for common/siphash.c and tcp/syncookie.c. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <string.h>

#include "net/net.h"
#include "common/siphash.h"
#include "tcp/syncookie.h"

/* Reference vectors of SipHash-2-4: key 00..0f, message 00..len-1. */
struct sip_vec {
	size_t len;
	uint64_t out;
};

static const struct sip_vec sip_vectors[] = {
	{0, 0x726fdb47dd0e0e31ull},  {1, 0x74f839c593dc67fdull},  {8, 0x93f5f5799a932462ull},
	{15, 0xa129ca6149be45e5ull}, {63, 0x958a324ceb064572ull},
};

ParameterizedTestParameters(siphash, reference_vectors)
{
	return cr_make_param_array(struct sip_vec, sip_vectors,
				   sizeof(sip_vectors) / sizeof(sip_vectors[0]));
}

ParameterizedTest(const struct sip_vec *v, siphash, reference_vectors)
{
	uint8_t key[16], msg[64];

	for (int i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	for (int i = 0; i < 64; i++)
		msg[i] = (uint8_t)i;
	cr_assert_eq(siphash24(key, msg, v->len), v->out, "len %zu", v->len);
}

/* The unrolled fixed-round entries agree with the generic one, unaligned input too. */
Test(siphash, fixed_rounds_match_generic)
{
	uint8_t key[16], msg[72];

	for (int i = 0; i < 16; i++)
		key[i] = (uint8_t)(7 * i + 1);
	for (int i = 0; i < 72; i++)
		msg[i] = (uint8_t)(31 * i + 5);
	for (size_t off = 0; off < 3; off++)
		for (size_t len = 0; len <= 64; len++) {
			cr_assert_eq(siphash24(key, msg + off, len),
				     siphash(key, msg + off, len, 2, 4), "len %zu", len);
			cr_assert_eq(siphash13(key, msg + off, len),
				     siphash(key, msg + off, len, 1, 3), "len %zu", len);
		}
}

static const uint8_t key[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
#define PERIOD SYNCOOKIE_PERIOD_NS
#define T0     (1000 * PERIOD + 12345)

static struct tcp_tuple tuple4(void)
{
	struct tcp_tuple t;

	memset(&t, 0, sizeof(t));
	t.family = NET_FAMILY_INET;
	t.lport = 80;
	t.rport = 40000;
	t.laddr[0] = 198, t.laddr[1] = 18, t.laddr[3] = 1;
	t.raddr[0] = 198, t.raddr[1] = 18, t.raddr[3] = 2;
	return t;
}

#define P0 syncookie_period(T0)

static uint32_t make(const struct tcp_tuple *t, uint32_t isn, uint64_t period, uint16_t mss)
{
	return syncookie_make(key, t, isn, period, syncookie_opt_bits(t->family, mss, 7, true));
}

static bool check(const struct tcp_tuple *t, uint32_t isn, uint32_t c, uint64_t period)
{
	struct syncookie_opts o;

	return syncookie_check(key, t, isn, c, period, &o);
}

Test(syncookie, roundtrip_in_the_same_period)
{
	struct tcp_tuple t = tuple4();
	struct syncookie_opts o;
	uint32_t c = make(&t, 0xdeadbeef, P0, 1460);

	cr_assert(syncookie_check(key, &t, 0xdeadbeef, c, syncookie_period(T0 + PERIOD / 3), &o));
	cr_assert_eq(o.mss, 1460);
	cr_assert_eq(o.wscale, 7);
	cr_assert(o.sack);
}

Test(syncookie, two_periods_valid_the_third_rejected)
{
	struct tcp_tuple t = tuple4();
	uint32_t c = make(&t, 7, P0, 1460);

	cr_assert(check(&t, 7, c, P0));
	cr_assert(check(&t, 7, c, P0 + 1), "the previous period's secret is still valid");
	cr_assert(!check(&t, 7, c, P0 + 2), "two rotations later the cookie is stale");
	cr_assert(!check(&t, 7, c, P0 + 4), "a counter that wrapped its parity must still fail");
	cr_assert(!check(&t, 7, c, P0 - 1), "a cookie from the future is rejected");
	/* A cookie of the new period right after the rotation, checked in it and after. */
	c = make(&t, 7, P0 + 1, 1460);
	cr_assert(check(&t, 7, c, P0 + 1));
	cr_assert(check(&t, 7, c, P0 + 2));
	cr_assert(!check(&t, 7, c, P0 + 3));
	/* Period 0 has no predecessor. */
	c = make(&t, 7, 1, 1460);
	cr_assert(check(&t, 7, c, 1));
	cr_assert(!check(&t, 7, make(&t, 7, 1, 1460) ^ 1, 0));
}

Test(syncookie, the_period_is_what_the_clock_says)
{
	cr_assert_eq(syncookie_period(0), 0);
	cr_assert_eq(syncookie_period(PERIOD - 1), 0);
	cr_assert_eq(syncookie_period(PERIOD), 1);
	cr_assert_eq(SYNCOOKIE_PERIOD_NS, 30ull * 1000000000ull);
}

Test(syncookie, forged_or_altered_cookies_fail)
{
	struct tcp_tuple t = tuple4(), u;
	uint32_t c = make(&t, 7, P0, 1460);
	uint8_t other_key[16] = {0};
	struct syncookie_opts o;

	for (int bit = 0; bit < 32; bit++)
		cr_assert(!check(&t, 7, c ^ (1u << bit), P0), "bit %d", bit);
	cr_assert(!check(&t, 8, c, P0), "other peer ISN");
	u = t;
	u.rport++;
	cr_assert(!check(&u, 7, c, P0), "other port");
	u = t;
	u.lport++;
	cr_assert(!check(&u, 7, c, P0), "other local port");
	u = t;
	u.raddr[3]++;
	cr_assert(!check(&u, 7, c, P0), "other address");
	u = t;
	u.family = NET_FAMILY_INET6;
	cr_assert(!check(&u, 7, c, P0), "other family");
	cr_assert(!syncookie_check(other_key, &t, 7, c, P0, &o), "other key");
}

/* The layout is fixed (another implementation must compute the same cookie). */
Test(syncookie, layout)
{
	struct tcp_tuple t = tuple4();
	struct syncookie_msg msg;
	uint32_t bits = syncookie_opt_bits(NET_FAMILY_INET, 1460, 7, true);
	uint32_t c = syncookie_make(key, &t, 7, P0 | 1, bits);

	cr_assert_eq(bits, 7u << 5 | 5u << 2 | 2u, "MSS index 7, wscale index 5, SACK");
	cr_assert_eq(c & 0xff, bits | 1, "option bits and the parity in the low byte");
	memset(&msg, 0, sizeof(msg));
	msg.t = t;
	msg.peer_isn = 7;
	msg.opt_bits = bits;
	msg.period = P0 | 1;
	cr_assert_eq(c >> 8, (uint32_t)siphash24(key, &msg, sizeof(msg)) & 0xffffff,
		     "the MAC is the low 24 bits of SipHash-2-4 over struct syncookie_msg");
}

struct mss_case {
	uint8_t family;
	uint16_t peer, expect;
};

static const struct mss_case mss_cases[] = {
	{4, 1460, 1460}, {4, 9000, 1460}, {4, 1459, 1440}, {4, 1220, 1220}, {4, 536, 536},
	{4, 100, 216},	 {6, 1440, 1440}, {6, 1460, 1440}, {6, 1220, 1220}, {6, 536, 536},
};

ParameterizedTestParameters(syncookie, mss_is_carried)
{
	return cr_make_param_array(struct mss_case, mss_cases,
				   sizeof(mss_cases) / sizeof(mss_cases[0]));
}

ParameterizedTest(const struct mss_case *m, syncookie, mss_is_carried)
{
	struct tcp_tuple t = tuple4();
	struct syncookie_opts o;
	uint32_t c;

	t.family = m->family;
	cr_assert_eq(syncookie_mss(m->family, m->peer), m->expect);
	c = make(&t, 99, P0, m->peer);
	cr_assert(syncookie_check(key, &t, 99, c, P0, &o));
	cr_assert_eq(o.mss, m->expect);
}

/* The shift a cookie carries: the peer's, rounded down to the table. */
static int ws_expect(int ws)
{
	static const int tab[] = {-1, 0, 2, 4, 6, 7, 8, 10};
	int best = -1;

	for (int i = 0; i < 8; i++)
		if (tab[i] <= ws)
			best = tab[i];
	return best;
}

/*
 * Every (MSS, window scale, SACK, timestamps) combination, both families,
 * through make/check (and the TSval when timestamps are on), in the
 * period the cookie was made and the next.
 */
Test(syncookie, every_option_combination)
{
	static const uint16_t mss[] = {0,    100,  216,	 536,  537,  1200, 1220, 1280,
				       1300, 1380, 1400, 1420, 1440, 1459, 1460, 9000};
	struct tcp_tuple t = tuple4();
	unsigned int n = 0;

	for (int fam = 0; fam < 2; fam++)
		for (size_t m = 0; m < sizeof(mss) / sizeof(mss[0]); m++)
			for (int ws = -1; ws <= 14; ws++)
				for (int bits = 0; bits < 4; bits++) {
					bool sack = bits & 1, ts = bits & 2;
					struct syncookie_opts o;
					uint32_t c, tsval;
					int tws;
					bool tsack;

					t.family = fam ? NET_FAMILY_INET6 : NET_FAMILY_INET;
					c = syncookie_make(
						key, &t, 1000 + n, P0,
						syncookie_opt_bits(t.family, mss[m], ws, sack));
					for (uint64_t p = P0; p <= P0 + 1; p++) {
						cr_assert(syncookie_check(key, &t, 1000 + n, c, p,
									  &o));
						cr_assert_eq(o.mss,
							     syncookie_mss(t.family, mss[m]));
						cr_assert_leq(o.mss, mss[m] < 216 ? 216 : mss[m]);
						cr_assert_eq(o.wscale, ws_expect(ws), "ws %d", ws);
						cr_assert_eq(o.sack, sack);
					}
					if (ts) {
						tsval = syncookie_ts_encode(0x1234567 + n, ws,
									    sack);
						cr_assert(syncookie_ts_decode(tsval, &tws, &tsack));
						cr_assert_eq(tws, ws,
							     "the TSval keeps the exact shift");
						cr_assert_eq(tsack, sack);
						cr_assert_eq(syncookie_wscale(tws), o.wscale);
					}
					n++;
				}
	cr_assert_eq(n, 2 * 16 * 16 * 4);
}

Test(syncookie, timestamp_carries_options)
{
	int ws;
	bool sack;
	uint32_t ts = syncookie_ts_encode(0x12345678, 7, true);

	cr_assert_leq(ts, 0x12345678u, "TSval must not run ahead of the clock");
	cr_assert(syncookie_ts_decode(ts, &ws, &sack));
	cr_assert_eq(ws, 7);
	cr_assert(sack);
	ts = syncookie_ts_encode(0x12345678, -1, false);
	cr_assert(syncookie_ts_decode(ts, &ws, &sack));
	cr_assert_eq(ws, -1);
	cr_assert(!sack);
	cr_assert(!syncookie_ts_decode(0x12345620 | 0x20, &ws, &sack), "reserved bit set");
	for (uint32_t now = 0x10000; now < 0x10000 + 128; now++) {
		ts = syncookie_ts_encode(now, -1, true);
		cr_assert_leq(ts, now, "TSval %#x ahead of the clock %#x", ts, now);
		cr_assert_gt(ts + 128, now);
	}
}
