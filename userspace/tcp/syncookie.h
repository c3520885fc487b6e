/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * syncookie.h — stateless passive open (RFC 4987 SYN cookies).
 *
 * A SYN is answered with a SYN-ACK whose sequence number (the cookie)
 * encodes everything needed to build the connection later; the stack keeps
 * nothing. The ACK that completes the handshake returns cookie + 1, and the
 * connection is created only if the cookie checks out.
 *
 * Cookie layout (32 bits, after FreeBSD's syncookies; all options ride in
 * the ISN itself, so a client without timestamps keeps them):
 *
 *   [31:8] 24-bit MAC: SipHash-2-4 under the key over struct syncookie_msg
 *          (the 4-tuple, the client's ISN, the option bits, the period)
 *   [7:5]  MSS index (syncookie_mss tables, rounded down)
 *   [4:2]  window-scale index: none, 0, 2, 4, 6, 7, 8, 10 (rounded down)
 *   [1]    SACK-permitted
 *   [0]    parity of the secret period
 *
 * The period counter ticks every SYNCOOKIE_PERIOD_NS. The MAC covers the
 * whole counter, so each period has its own secret: a cookie validates only
 * in the period it was made and the next one (the parity bit picks which),
 * and never again after that.
 *
 * syncookie_make() is a pure function of (key, tuple, client ISN, period,
 * option bits) so the same cookie can be computed elsewhere (the XDP
 * program, later): the message is the 56-byte struct syncookie_msg below,
 * in host byte order, zero padding included.
 *
 * When the SYN carries timestamps, the peer's exact window scale and
 * SACK-permitted also ride in the low SYNCOOKIE_TS_BITS of our TSval (as
 * Linux does) and come back in the TSecr of the ACK; the exact shift is
 * then used instead of the cookie's rounded one.
 *
 * Called by tcp_input.c (SYN and cookie ACK paths).
 */
#ifndef XDPSERVE_SYNCOOKIE_H
#define XDPSERVE_SYNCOOKIE_H

#include <stdbool.h>
#include <stdint.h>

#define SYNCOOKIE_PERIOD_NS (30ull * 1000000000ull)
#define SYNCOOKIE_TS_BITS   6
#define SYNCOOKIE_TS_MASK   ((1u << SYNCOOKIE_TS_BITS) - 1)

#define SYNCOOKIE_MSS_SHIFT 5
#define SYNCOOKIE_WS_SHIFT  2
#define SYNCOOKIE_SACK	    0x2u
#define SYNCOOKIE_PARITY    0x1u
#define SYNCOOKIE_OPT_MASK  0xfeu /* MSS, window scale and SACK bits */

/* A connection's identity; zero-padded so it can be hashed as bytes. */
struct tcp_tuple {
	uint8_t family; /* NET_FAMILY_INET or NET_FAMILY_INET6 */
	uint8_t pad;
	uint16_t lport; /* host order */
	uint16_t rport;
	uint16_t pad2;
	uint8_t laddr[16]; /* network order; IPv4 in the first 4 bytes */
	uint8_t raddr[16];
};

/* What the MAC is computed over (host order, padding zero). */
struct syncookie_msg {
	struct tcp_tuple t;
	uint32_t peer_isn; /* the client's SYN sequence number */
	uint32_t opt_bits; /* cookie & SYNCOOKIE_OPT_MASK */
	uint64_t period;   /* the full period counter */
};
_Static_assert(sizeof(struct syncookie_msg) == 56, "syncookie_msg layout");

/* The options a cookie carries. */
struct syncookie_opts {
	uint16_t mss; /* from the table, at most what the peer announced */
	int wscale;   /* the peer's shift rounded down; < 0: no window scaling */
	bool sack;
};

/* The period counter at time now_ns. */
static inline uint64_t syncookie_period(uint64_t now_ns)
{
	return now_ns / SYNCOOKIE_PERIOD_NS;
}

/* The MSS the cookie will carry for a peer that announced peer_mss. */
uint16_t syncookie_mss(uint8_t family, uint16_t peer_mss);

/* The window shift the cookie will carry for a peer's shift (< 0: none). */
int syncookie_wscale(int peer_wscale);

/* Option bits (SYNCOOKIE_OPT_MASK) for the peer's MSS, window scale (< 0: none), SACK. */
uint32_t syncookie_opt_bits(uint8_t family, uint16_t peer_mss, int peer_wscale, bool sack);

/* The cookie (our ISN): pure, see the layout above. */
uint32_t syncookie_make(const uint8_t key[16], const struct tcp_tuple *t, uint32_t peer_isn,
			uint64_t period, uint32_t opt_bits);

/*
 * Check the cookie an ACK returned (its ack - 1; peer_isn is its seq - 1)
 * in period `now`: true and *o filled when it was made in this period or
 * the previous one under this key for this tuple; false when it is forged
 * or stale.
 */
bool syncookie_check(const uint8_t key[16], const struct tcp_tuple *t, uint32_t peer_isn,
		     uint32_t cookie, uint64_t now, struct syncookie_opts *o);

/*
 * Our SYN-ACK TSval: ts_now rounded down (so later TSvals never go back)
 * with the peer's window scale (wscale < 0: none) and SACK-permitted in the
 * low bits.
 */
uint32_t syncookie_ts_encode(uint32_t ts_now, int wscale, bool sack);

/* Decode the echoed TSecr; false if the bits cannot be ours. */
bool syncookie_ts_decode(uint32_t tsecr, int *wscale, bool *sack);

#endif /* XDPSERVE_SYNCOOKIE_H */
