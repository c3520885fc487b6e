// SPDX-License-Identifier: GPL-2.0-only
/*
 * tcp_options.c — TCP option parsing and writing. Input: tcp_input.c calls
 * tcp_options_parse() on every segment before anything else looks at it.
 * Output: tcp_output.c writes SYN-ACK options and per-segment timestamps.
 */
#include "tcp/tcp_options.h"

#include <string.h>

static inline uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

int tcp_options_parse(const uint8_t *p, uint32_t len, bool syn, struct tcp_opts *o)
{
	uint32_t i = 0;

	memset(o, 0, sizeof(*o));
	while (i < len) {
		uint8_t kind = p[i], olen;

		if (kind == TCPOPT_EOL)
			break;
		if (kind == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len)
			return -1;
		olen = p[i + 1];
		if (olen < 2 || olen > len - i)
			return -1;
		switch (kind) {
		case TCPOPT_MSS:
			if (olen != TCPOLEN_MSS)
				return -1;
			if (syn) {
				o->mss_ok = true;
				o->mss = get_be16(p + i + 2);
			}
			break;
		case TCPOPT_WSCALE:
			if (olen != TCPOLEN_WSCALE)
				return -1;
			if (syn) {
				o->wscale_ok = true;
				/* RFC 7323 §2.3: use 14 instead of anything larger. */
				o->wscale = p[i + 2] > TCP_MAX_WSCALE ? TCP_MAX_WSCALE : p[i + 2];
			}
			break;
		case TCPOPT_SACK_PERM:
			if (olen != TCPOLEN_SACK_PERM)
				return -1;
			if (syn)
				o->sack_perm = true;
			break;
		case TCPOPT_SACK:
			if (olen < 2 + 8 || (olen - 2) % 8 || (olen - 2) / 8 > TCP_MAX_SACK)
				return -1;
			o->nsack = (uint8_t)((olen - 2) / 8);
			for (uint8_t b = 0; b < o->nsack; b++) {
				o->sack[b][0] = get_be32(p + i + 2 + 8 * b);
				o->sack[b][1] = get_be32(p + i + 6 + 8 * b);
			}
			break;
		case TCPOPT_TS:
			if (olen != TCPOLEN_TS)
				return -1;
			o->ts_ok = true;
			o->tsval = get_be32(p + i + 2);
			o->tsecr = get_be32(p + i + 6);
			break;
		default:
			/* Unknown options are skipped by their length. */
			break;
		}
		i += olen;
	}
	return (int)len;
}

uint32_t tcp_options_write_ts(uint8_t *p, uint32_t tsval, uint32_t tsecr)
{
	p[0] = TCPOPT_NOP;
	p[1] = TCPOPT_NOP;
	p[2] = TCPOPT_TS;
	p[3] = TCPOLEN_TS;
	put_be32(p + 4, tsval);
	put_be32(p + 8, tsecr);
	return TCPOLEN_TS_ALIGNED;
}

uint32_t tcp_options_write_syn(uint8_t *p, const struct tcp_syn_opts *so)
{
	uint32_t n = 0;

	p[n++] = TCPOPT_MSS;
	p[n++] = TCPOLEN_MSS;
	p[n++] = (uint8_t)(so->mss >> 8);
	p[n++] = (uint8_t)so->mss;
	if (so->ts) {
		/* SACK-permitted fills the two bytes NOPs would take before TS. */
		if (so->sack_perm) {
			p[n++] = TCPOPT_SACK_PERM;
			p[n++] = TCPOLEN_SACK_PERM;
		} else {
			p[n++] = TCPOPT_NOP;
			p[n++] = TCPOPT_NOP;
		}
		p[n++] = TCPOPT_TS;
		p[n++] = TCPOLEN_TS;
		put_be32(p + n, so->tsval);
		put_be32(p + n + 4, so->tsecr);
		n += 8;
	} else if (so->sack_perm) {
		p[n++] = TCPOPT_NOP;
		p[n++] = TCPOPT_NOP;
		p[n++] = TCPOPT_SACK_PERM;
		p[n++] = TCPOLEN_SACK_PERM;
	}
	if (so->wscale >= 0) {
		p[n++] = TCPOPT_NOP;
		p[n++] = TCPOPT_WSCALE;
		p[n++] = TCPOLEN_WSCALE;
		p[n++] = (uint8_t)so->wscale;
	}
	return n;
}
