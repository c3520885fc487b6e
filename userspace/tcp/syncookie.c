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

#define TS_NO_WSCALE 0xf
#define TS_SACK	     0x10

/*
 * Payload sizes the cookie can carry (3 bits). The common Ethernet, PPPoE,
 * tunnel and minimum values, and the 536/1220 defaults of RFC 9293 and
 * RFC 8200, are present so the usual peers keep their exact MSS.
 */
static const uint16_t mss_v4[8] = {216, 536, 1200, 1220, 1300, 1400, 1440, 1460};
static const uint16_t mss_v6[8] = {216, 536, 1200, 1220, 1280, 1380, 1420, 1440};

/*
 * Window shifts the cookie can carry (3 bits; index 0: the peer does not
 * scale). macOS and the BSDs announce 6, Linux 7 to 9, Windows 8; a shift
 * is rounded down, so the peer's window is never overestimated.
 */
static const int8_t ws_tab[8] = {-1, 0, 2, 4, 6, 7, 8, 10};

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

static uint32_t ws_index(int peer_wscale)
{
	uint32_t i = 7;

	while (i > 0 && ws_tab[i] > peer_wscale)
		i--;
	return i;
}

uint16_t syncookie_mss(uint8_t family, uint16_t peer_mss)
{
	return mss_table(family)[mss_index(family, peer_mss)];
}

int syncookie_wscale(int peer_wscale)
{
	return ws_tab[ws_index(peer_wscale)];
}

uint32_t syncookie_opt_bits(uint8_t family, uint16_t peer_mss, int peer_wscale, bool sack)
{
	return mss_index(family, peer_mss) << SYNCOOKIE_MSS_SHIFT |
	       ws_index(peer_wscale) << SYNCOOKIE_WS_SHIFT | (sack ? SYNCOOKIE_SACK : 0);
}

uint32_t syncookie_make(const uint8_t key[16], const struct tcp_tuple *t, uint32_t peer_isn,
			uint64_t period, uint32_t opt_bits)
{
	struct syncookie_msg msg;
	uint32_t mac;

	memset(&msg, 0, sizeof(msg));
	msg.t = *t;
	msg.peer_isn = peer_isn;
	msg.opt_bits = opt_bits & SYNCOOKIE_OPT_MASK;
	msg.period = period;
	mac = (uint32_t)siphash24(key, &msg, sizeof(msg)) & 0xffffffu;
	return mac << 8 | msg.opt_bits | (uint32_t)(period & 1);
}

bool syncookie_check(const uint8_t key[16], const struct tcp_tuple *t, uint32_t peer_isn,
		     uint32_t cookie, uint64_t now, struct syncookie_opts *o)
{
	uint64_t period = now;
	uint32_t bits = cookie & SYNCOOKIE_OPT_MASK;

	/* The parity names the period: this one, or the one before. */
	if ((now & 1) != (cookie & SYNCOOKIE_PARITY)) {
		if (now == 0)
			return false;
		period = now - 1;
	}
	if (syncookie_make(key, t, peer_isn, period, bits) != cookie)
		return false;
	o->mss = mss_table(t->family)[bits >> SYNCOOKIE_MSS_SHIFT];
	o->wscale = ws_tab[(bits >> SYNCOOKIE_WS_SHIFT) & 7];
	o->sack = bits & SYNCOOKIE_SACK;
	return true;
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
