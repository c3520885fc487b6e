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

Test(syncookie, roundtrip_in_the_same_period)
{
	struct tcp_tuple t = tuple4();
	uint32_t c = syncookie_make(key, &t, 0xdeadbeef, 1460, T0);

	cr_assert_eq(syncookie_check(key, &t, 0xdeadbeef, c, T0 + PERIOD / 3), 1460);
}

Test(syncookie, previous_period_accepted_two_periods_stale)
{
	struct tcp_tuple t = tuple4();
	uint32_t c = syncookie_make(key, &t, 7, 1460, T0);

	cr_assert_eq(syncookie_check(key, &t, 7, c, T0 + PERIOD), 1460);
	cr_assert_eq(syncookie_check(key, &t, 7, c, T0 + 2 * PERIOD), 0);
	cr_assert_eq(syncookie_check(key, &t, 7, c, T0 + 4 * PERIOD), 0,
		     "a counter that wrapped its low bits must still fail");
}

Test(syncookie, forged_or_altered_cookies_fail)
{
	struct tcp_tuple t = tuple4(), u;
	uint32_t c = syncookie_make(key, &t, 7, 1460, T0);
	uint8_t other_key[16] = {0};

	for (int bit = 0; bit < 32; bit++)
		cr_assert_eq(syncookie_check(key, &t, 7, c ^ (1u << bit), T0), 0, "bit %d", bit);
	cr_assert_eq(syncookie_check(key, &t, 8, c, T0), 0, "other peer ISN");
	u = t;
	u.rport++;
	cr_assert_eq(syncookie_check(key, &u, 7, c, T0), 0, "other port");
	u = t;
	u.raddr[3]++;
	cr_assert_eq(syncookie_check(key, &u, 7, c, T0), 0, "other address");
	cr_assert_eq(syncookie_check(other_key, &t, 7, c, T0), 0, "other key");
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
	uint32_t c;

	t.family = m->family;
	cr_assert_eq(syncookie_mss(m->family, m->peer), m->expect);
	c = syncookie_make(key, &t, 99, m->peer, T0);
	cr_assert_eq(syncookie_check(key, &t, 99, c, T0), m->expect);
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
