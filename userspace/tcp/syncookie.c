// SPDX-License-Identifier: GPL-2.0-only
/*
 * syncookie.c — SYN cookie generation and validation (see syncookie.h).
 * Called by tcp_input.c: syncookie_make() for every accepted SYN,
 * syncookie_check() for every ACK that matches no connection.
 */
#include "tcp/syncookie.h"

#include <string.h>

#include "net/net.h"
#include "common/siphash.h"

#define COOKIE_T_SHIFT	 30
#define COOKIE_MSS_SHIFT 27
#define COOKIE_MAC_MASK	 ((1u << COOKIE_MSS_SHIFT) - 1)
#define TS_NO_WSCALE	 0xf
#define TS_SACK		 0x10

/*
 * Payload sizes the cookie can carry (3 bits). The common Ethernet, PPPoE,
 * tunnel and minimum values, and the 536/1220 defaults of RFC 9293 and
 * RFC 8200, are present so the usual peers keep their exact MSS.
 */
static const uint16_t mss_v4[8] = {216, 536, 1200, 1220, 1300, 1400, 1440, 1460};
static const uint16_t mss_v6[8] = {216, 536, 1200, 1220, 1280, 1380, 1420, 1440};

static const uint16_t *mss_table(uint8_t family)
{
	return family == NET_FAMILY_INET ? mss_v4 : mss_v6;
}

static uint32_t mss_index(uint8_t family, uint16_t peer_mss)
{
	const uint16_t *tab = mss_table(family);
	uint32_t i = 7;

	while (i > 0 && tab[i] > peer_mss)
		i--;
	return i;
}

uint16_t syncookie_mss(uint8_t family, uint16_t peer_mss)
{
	return mss_table(family)[mss_index(family, peer_mss)];
}

static uint32_t cookie_mac(const uint8_t key[16], const struct tcp_tuple *t, uint32_t peer_isn,
			   uint64_t counter, uint32_t mss_idx)
{
	struct {
		struct tcp_tuple t;
		uint32_t isn;
		uint32_t idx;
		uint64_t counter;
	} msg;

	memset(&msg, 0, sizeof(msg));
	msg.t = *t;
	msg.isn = peer_isn;
	msg.idx = mss_idx;
	msg.counter = counter;
	return (uint32_t)siphash24(key, &msg, sizeof(msg)) & COOKIE_MAC_MASK;
}

uint32_t syncookie_make(const uint8_t key[16], const struct tcp_tuple *t, uint32_t peer_isn,
			uint16_t peer_mss, uint64_t now_ns)
{
	uint64_t counter = now_ns / SYNCOOKIE_PERIOD_NS;
	uint32_t idx = mss_index(t->family, peer_mss);

	return (uint32_t)(counter & 3) << COOKIE_T_SHIFT | idx << COOKIE_MSS_SHIFT |
	       cookie_mac(key, t, peer_isn, counter, idx);
}

uint16_t syncookie_check(const uint8_t key[16], const struct tcp_tuple *t, uint32_t peer_isn,
			 uint32_t cookie, uint64_t now_ns)
{
	uint64_t now = now_ns / SYNCOOKIE_PERIOD_NS, counter;
	uint32_t low = cookie >> COOKIE_T_SHIFT;
	uint32_t idx = (cookie >> COOKIE_MSS_SHIFT) & 7;

	/* Only the current and the previous period: older cookies are stale. */
	if ((now & 3) == low)
		counter = now;
	else if (now > 0 && ((now - 1) & 3) == low)
		counter = now - 1;
	else
		return 0;
	if (cookie_mac(key, t, peer_isn, counter, idx) != (cookie & COOKIE_MAC_MASK))
		return 0;
	return mss_table(t->family)[idx];
}

uint32_t syncookie_ts_encode(uint32_t ts_now, int wscale, bool sack)
{
	uint32_t bits = wscale < 0 ? TS_NO_WSCALE : (uint32_t)wscale;
	uint32_t ts;

	if (sack)
		bits |= TS_SACK;
	ts = (ts_now & ~SYNCOOKIE_TS_MASK) | bits;
	/* Never ahead of the clock, so later TSvals of the connection are larger. */
	if ((int32_t)(ts - ts_now) > 0)
		ts -= SYNCOOKIE_TS_MASK + 1;
	return ts;
}

bool syncookie_ts_decode(uint32_t tsecr, int *wscale, bool *sack)
{
	uint32_t ws = tsecr & TS_NO_WSCALE;

	if (tsecr & ~(TS_NO_WSCALE | TS_SACK) & SYNCOOKIE_TS_MASK)
		return false;
	if (ws != TS_NO_WSCALE && ws > 14)
		return false;
	*wscale = ws == TS_NO_WSCALE ? -1 : (int)ws;
	*sack = tsecr & TS_SACK;
	return true;
}
