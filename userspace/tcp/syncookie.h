/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * syncookie.h — stateless passive open (RFC 4987 SYN cookies).
 *
 * A SYN is answered with a SYN-ACK whose sequence number (the cookie)
 * encodes everything needed to build the connection later; the stack keeps
 * nothing. The ACK that completes the handshake returns cookie + 1, and the
 * connection is created only if the cookie checks out.
 *
 * Cookie layout (32 bits): [31:30] low bits of the time counter,
 * [29:27] index into the MSS table, [26:0] keyed MAC (SipHash-2-4 over the
 * 4-tuple, the peer's ISN, the full counter and the MSS index). The counter
 * ticks every SYNCOOKIE_PERIOD_NS; cookies of the current and the previous
 * period are accepted, anything older is stale.
 *
 * When the SYN carries timestamps, the peer's window scale and
 * SACK-permitted ride in the low SYNCOOKIE_TS_BITS of our TSval (as Linux
 * does) and come back in the TSecr of the ACK; without timestamps those
 * options are not negotiated.
 *
 * Called by tcp_input.c (SYN and cookie ACK paths).
 */
#ifndef XDPSERVE_SYNCOOKIE_H
#define XDPSERVE_SYNCOOKIE_H

#include <stdbool.h>
#include <stdint.h>

#define SYNCOOKIE_PERIOD_NS (64ull * 1000000000ull)
#define SYNCOOKIE_TS_BITS   6
#define SYNCOOKIE_TS_MASK   ((1u << SYNCOOKIE_TS_BITS) - 1)

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

/* The MSS the cookie will carry for a peer that announced peer_mss. */
uint16_t syncookie_mss(uint8_t family, uint16_t peer_mss);

/* The cookie (our ISN) for a SYN with sequence number peer_isn. */
uint32_t syncookie_make(const uint8_t key[16], const struct tcp_tuple *t, uint32_t peer_isn,
			uint16_t peer_mss, uint64_t now_ns);

/*
 * Check the cookie an ACK returned (its ack - 1; peer_isn is its seq - 1).
 * Returns the MSS the cookie carries, or 0 when it is forged or stale.
 */
uint16_t syncookie_check(const uint8_t key[16], const struct tcp_tuple *t, uint32_t peer_isn,
			 uint32_t cookie, uint64_t now_ns);

/*
 * Our SYN-ACK TSval: ts_now rounded down (so later TSvals never go back)
 * with the peer's window scale (wscale < 0: none) and SACK-permitted in the
 * low bits.
 */
uint32_t syncookie_ts_encode(uint32_t ts_now, int wscale, bool sack);

/* Decode the echoed TSecr; false if the bits cannot be ours. */
bool syncookie_ts_decode(uint32_t tsecr, int *wscale, bool *sack);

#endif /* XDPSERVE_SYNCOOKIE_H */
