/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tcp_options.h — TCP options (RFC 9293 MSS, RFC 7323 window scale and
 * timestamps, RFC 2018 SACK): strict parsing on input, layout on output.
 * Called by tcp_input.c for every segment and by tcp_output.c.
 */
#ifndef XDPSERVE_TCP_OPTIONS_H
#define XDPSERVE_TCP_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#define TCPOPT_EOL	 0
#define TCPOPT_NOP	 1
#define TCPOPT_MSS	 2
#define TCPOPT_WSCALE	 3
#define TCPOPT_SACK_PERM 4
#define TCPOPT_SACK	 5
#define TCPOPT_TS	 8

#define TCPOLEN_MSS	   4
#define TCPOLEN_WSCALE	   3
#define TCPOLEN_SACK_PERM  2
#define TCPOLEN_TS	   10
#define TCPOLEN_TS_ALIGNED 12 /* NOP NOP TS: what every timestamped segment carries */

#define TCP_MAX_WSCALE	14 /* RFC 7323 §2.3 */
#define TCP_MAX_SACK	4
#define TCP_MAX_OPT_LEN 40

struct tcp_opts {
	bool mss_ok, wscale_ok, sack_perm, ts_ok;
	uint16_t mss;
	uint8_t wscale; /* clamped to 14 */
	uint32_t tsval, tsecr;
	uint8_t nsack;
	uint32_t sack[TCP_MAX_SACK][2]; /* left, right edges, host order */
};

/*
 * Parse the options area p[0..len) of a segment (syn: MSS, window scale and
 * SACK-permitted count only there). Returns len, or -1 when an option has a
 * bad length or runs past the area. Never allocates; o is filled.
 */
int tcp_options_parse(const uint8_t *p, uint32_t len, bool syn, struct tcp_opts *o);

/* What a SYN-ACK says; wscale < 0 leaves the option out. */
struct tcp_syn_opts {
	uint16_t mss;
	int wscale;
	bool sack_perm;
	bool ts;
	uint32_t tsval, tsecr;
};

/* Write SYN-ACK options; returns their length (a multiple of 4, <= 40). */
uint32_t tcp_options_write_syn(uint8_t *p, const struct tcp_syn_opts *so);

/* Write NOP NOP TS (TCPOLEN_TS_ALIGNED bytes). */
uint32_t tcp_options_write_ts(uint8_t *p, uint32_t tsval, uint32_t tsecr);

#endif /* XDPSERVE_TCP_OPTIONS_H */
