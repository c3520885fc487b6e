// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hostile input: a seeded stream of plausible segments (handshakes, data,
 * FIN, RST, SYN, SACK blocks, odd windows and timestamps) for a few
 * tuples, with random bit flips and truncations, fed to one stack while
 * an application reads, answers, shuts down and aborts at random. The
 * stack must not crash (run it under ASan/UBSan too), every frame it
 * sends must parse and carry correct checksums, the NIC protocol must be
 * respected, and every received frame must be counted once.
 */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "helpers/fake_nic.h"
#include "helpers/pkt.h"
#include "tcp/tcp.h"

#define TUPLES 8

static unsigned int rng;

static unsigned int rnd(void)
{
	rng = rng * 1103515245u + 12345u;
	return rng >> 8;
}

static void *fz_accepted(void *app, struct tcp_conn *c)
{
	return (void *)1;
}

static void fz_readable(void *app, struct tcp_conn *c)
{
	uint32_t len;

	tcp_conn_rx_peek(c, &len);
	tcp_conn_rx_consume(c, len / 2 + (len & 1));
	if (rnd() % 3 == 0)
		tcp_conn_send_copy(c, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 43);
	if (rnd() % 50 == 0)
		tcp_conn_shutdown(c);
	if (rnd() % 80 == 0)
		tcp_conn_abort(c);
}

static void fz_writable(void *app, struct tcp_conn *c)
{
}

static int closed_calls;

static void fz_closed(void *app, struct tcp_conn *c, enum tcp_close_reason why)
{
	closed_calls++;
}

static const struct tcp_app_ops fz_ops = {fz_accepted, fz_readable, fz_writable, fz_closed};

Test(robustness, mutated_segments_never_break_the_stack, .timeout = 120)
{
	static uint8_t frame[2048], payload[1400];
	struct fake_nic nic;
	struct tcp_config cfg;
	struct tcp_stack *s;
	uint32_t isn[TUPLES] = {0}, snxt[TUPLES] = {0};
	uint64_t now = 1000 * 1000000000ull, frames_out = 0, accepted;
	const struct tcp_stats *st;
	uint8_t *umem = calloc(1, 1 << 16);

	rng = 12345;
	fake_nic_init(&nic, true, 4, 1500, umem);
	tcp_config_default(&cfg);
	cfg.max_conns = 6;
	cfg.max_time_wait = 3;
	cfg.rx_buf_size = 2048;
	s = tcp_stack__create(&cfg, &nic.nic, &fz_ops, NULL);
	cr_assert_not_null(s);
	for (long it = 0; it < 300000; it++) {
		struct pkt_spec sp;
		const struct fake_frame *f;
		int fam = rnd() % 2 ? 4 : 6;
		unsigned int t = rnd() % TUPLES, flips;
		uint32_t len;

		memset(&sp, 0, sizeof(sp));
		sp.family = (uint8_t)fam;
		memcpy(sp.src_mac, "\x02\0\0\0\0\x01", 6);
		memcpy(sp.dst_mac, "\x02\0\0\0\0\x02", 6);
		sp.saddr[0] = sp.daddr[0] = fam == 4 ? 198 : 0xfd;
		sp.saddr[fam == 4 ? 3 : 15] = 2;
		sp.daddr[fam == 4 ? 3 : 15] = 1;
		sp.sport = (uint16_t)(40000 + t);
		sp.dport = 80;
		sp.wscale = -1;
		sp.vlan = rnd() % 10 == 0;
		sp.wnd = rnd() % 4 ? 65535 : (uint16_t)(rnd() % 100);
		sp.ts = rnd() % 3 != 0;
		sp.tsval = (uint32_t)it;
		if (rnd() % 10 == 0) {
			sp.flags = PKT_SYN;
			sp.mss = (uint16_t)(rnd() % 1600);
			sp.wscale = rnd() % 2 ? (int)(rnd() % 16) : -1;
			sp.sack_perm = rnd() % 2;
			isn[t] = sp.seq = rnd();
		} else {
			sp.flags = PKT_ACK | (rnd() % 8 == 0 ? PKT_FIN : 0) |
				   (rnd() % 40 == 0 ? PKT_RST : 0) |
				   (rnd() % 50 == 0 ? PKT_SYN : 0);
			sp.seq = isn[t] + 1 + (rnd() % 4 ? 0 : rnd() % 5000);
			sp.ack = snxt[t] + (rnd() % 4 ? 0 : rnd() % 5000 - 2500);
			sp.tsecr = rnd() % 2 ? 0 : rnd();
			if (rnd() % 3 == 0) {
				sp.nsack = (uint8_t)(1 + rnd() % 3);
				for (int b = 0; b < sp.nsack; b++) {
					sp.sack[b][0] = snxt[t] + rnd() % 5000;
					sp.sack[b][1] = sp.sack[b][0] + rnd() % 3000;
				}
			}
			if (rnd() % 2) {
				sp.payload = payload;
				sp.len = rnd() % sizeof(payload);
				if (rnd() % 2)
					isn[t] += sp.len;
			}
		}
		len = pkt_build(frame, sizeof(frame), &sp);
		flips = rnd() % 4 == 0 ? rnd() % 4 : 0;
		for (unsigned int m = 0; m < flips; m++)
			frame[rnd() % len] ^= (uint8_t)(1u << (rnd() % 8));
		if (rnd() % 20 == 0)
			len = rnd() % (len + 1);
		now += rnd() % 3000000;
		tcp_stack__input(s, frame, len, now);
		if (rnd() % 8 == 0) {
			uint64_t next = tcp_stack__poll(s, now);

			cr_assert_geq(next, now);
			if (rnd() % 4 == 0 && next != UINT64_MAX)
				now = next;
		}
		if (rnd() % 1000 == 0)
			nic.nic.sg = !nic.nic.sg;
		while ((f = fake_nic_take(&nic))) {
			struct pkt_info pi;
			unsigned int idx;

			cr_assert_eq(pkt_parse(f->data, f->len, &pi), 0, "malformed output frame");
			cr_assert(pi.tcp_csum_ok && pi.ip_csum_ok, "bad checksum in output");
			idx = pi.dport - 40000u;
			if (idx < TUPLES && !(pi.flags & PKT_RST))
				snxt[idx] = pi.seq + pi.len + !!(pi.flags & PKT_SYN);
			frames_out++;
		}
		if (nic.nframes > 10000)
			fake_nic_clear(&nic);
	}
	st = tcp_stack__stats(s);
	cr_assert_eq(st->rx_frames, 300000);
	cr_assert_gt(st->conns_accepted, 100, "the stream must reach established states");
	cr_assert_gt(st->rx_drop_malformed + st->rx_drop_csum, 1000);
	cr_assert_eq(st->tx_frames, frames_out);
	cr_assert_leq(st->conns_active, cfg.max_conns);
	cr_assert_leq(st->conns_time_wait, cfg.max_time_wait);
	accepted = st->conns_accepted;
	tcp_stack__destroy(s);
	cr_assert_eq(closed_calls, (int)accepted, "closed() once per accepted connection");
	cr_assert_eq(nic.violations, 0);
	fake_nic_fini(&nic);
	free(umem);
}
