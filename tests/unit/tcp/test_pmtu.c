// SPDX-License-Identifier: GPL-2.0-only
/*
 * Path MTU (tcp_pmtu.c): an ICMP "fragmentation needed" / ICMPv6 "packet
 * too big" quoting a segment in flight lowers the connection's MSS and the
 * lost data goes again in segments that fit; forged or stale errors are
 * ignored; without any ICMP, two RTOs of segments over 1280 bytes lower the MSS
 * (black-hole detection). The errors are built from the frames the stack
 * sent, as a router would.
 */
#include <criterion/criterion.h>

#include <string.h>

#include "harness.h"
#include "net/checksum.h"
#include "net/net.h"

static struct harness H;
static struct h_app *A;
static uint8_t data[64 * 1024];

static void teardown(void)
{
	h_fini(&H);
}

static void setup_family(uint8_t family, bool ts)
{
	struct tcp_config cfg;
	struct h_syn o = {family == 4 ? 1460 : 1440, 7, true, ts};

	h_default_config(&cfg);
	cfg.tx_copy_size = sizeof(data);
	h_init(&H, &cfg, family, false, 0);
	A = h_connect(&H, &o);
	for (uint32_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + i / 251);
}

static uint32_t conn_mss(void)
{
	struct tcp_conn_info info;

	tcp_conn_get_info(A->c, &info);
	return info.mss;
}

/* Queue n bytes of data and send what the window allows; returns a copy of the first data frame. */
static uint32_t send_and_capture(uint32_t n, uint8_t *raw, uint32_t cap)
{
	uint32_t len = 0;

	cr_assert_eq(tcp_conn_send_copy(A->c, data, n), 0);
	h_poll(&H);
	for (uint32_t i = H.nic.next; i < H.nic.nframes && !len; i++) {
		struct pkt_info pi;

		cr_assert_eq(pkt_parse(H.nic.frames[i].data, H.nic.frames[i].len, &pi), 0);
		if (pi.len) {
			len = H.nic.frames[i].len < cap ? H.nic.frames[i].len : cap;
			memcpy(raw, H.nic.frames[i].data, len);
		}
	}
	cr_assert_gt(len, 0, "no data segment went out");
	h_drain(&H);
	return len;
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/*
 * The error a router sends about the segment `seg` (a frame we sent, no
 * VLAN): to our MAC and address, quoting the IP header and `quote` bytes of
 * TCP, naming `mtu`. seq_delta shifts the quoted sequence number.
 */
static uint32_t make_ptb(const uint8_t *seg, uint32_t mtu, uint32_t quote, int32_t seq_delta,
			 uint8_t *out)
{
	bool v6 = seg[12] == 0x86;
	uint32_t ihl = v6 ? 40 : 20, outer = v6 ? 40 : 20, msg = 8 + ihl + quote, sum;
	uint8_t *ip = out + 14, *icmp = ip + outer, *q = icmp + 8;
	uint32_t seq;
	uint16_t c;

	memset(out, 0, 14 + outer + msg);
	memcpy(out, seg + 6, 6); /* to the MAC our segment came from */
	memcpy(out + 6, seg, 6);
	out[12] = seg[12], out[13] = seg[13];
	memcpy(q, seg + 14, ihl + quote);
	seq = (uint32_t)q[ihl + 4] << 24 | (uint32_t)q[ihl + 5] << 16 | (uint32_t)q[ihl + 6] << 8 |
	      q[ihl + 7];
	seq += (uint32_t)seq_delta;
	q[ihl + 4] = (uint8_t)(seq >> 24), q[ihl + 5] = (uint8_t)(seq >> 16);
	q[ihl + 6] = (uint8_t)(seq >> 8), q[ihl + 7] = (uint8_t)seq;
	if (v6) {
		ip[0] = 0x60;
		put16(ip + 4, msg);
		ip[6] = NET_PROTO_ICMPV6;
		ip[7] = 64;
		memcpy(ip + 8, seg + 14 + 8, 16);
		ip[8 + 15] = 0xfe; /* a router on our prefix */
		memcpy(ip + 24, seg + 14 + 8, 16);
		icmp[0] = 2;
		put16(icmp + 4, mtu >> 16);
		put16(icmp + 6, mtu);
		sum = csum_pseudo_v6(ip + 8, ip + 24, NET_PROTO_ICMPV6, msg);
	} else {
		ip[0] = 0x45;
		put16(ip + 2, outer + msg);
		ip[8] = 64;
		ip[9] = NET_PROTO_ICMP;
		memcpy(ip + 12, seg + 14 + 12, 4);
		ip[15] = 0xfe;
		memcpy(ip + 16, seg + 14 + 12, 4);
		c = csum_ipv4_header(ip, 20);
		memcpy(ip + 10, &c, 2);
		icmp[0] = 3;
		icmp[1] = 4;
		put16(icmp + 6, mtu);
		sum = 0;
	}
	c = csum_finish(csum_partial(icmp, msg, sum));
	memcpy(icmp + 2, &c, 2);
	return 14 + outer + msg;
}

/* Every data segment sent now fits the new MSS and carries the right bytes; returns bytes seen. */
static uint32_t expect_fit(uint32_t mss, uint32_t from_seq)
{
	struct pkt_info pi;
	uint32_t bytes = 0, n = 0;

	while (h_recv(&H, &pi)) {
		if (!pi.len)
			continue;
		cr_assert_leq(pi.len, mss, "segment of %u bytes after the MSS fell to %u", pi.len,
			      mss);
		cr_assert_arr_eq(pi.payload, data + (pi.seq - from_seq), pi.len);
		if (n++ == 0)
			cr_assert_eq(pi.seq, from_seq, "the lost segment goes first");
		bytes += pi.len;
	}
	return bytes;
}

static void too_big_lowers_the_mss(uint8_t family, bool ts, uint32_t mtu, uint32_t want)
{
	uint8_t raw[2048], ptb[2048];
	uint32_t len, first = 0;

	setup_family(family, ts);
	cr_assert_eq(conn_mss(), (family == 4 ? 1460u : 1440u) - (ts ? 12 : 0));
	first = H.s_nxt;
	len = send_and_capture(16 * 1024, raw, sizeof(raw));
	len = make_ptb(raw, mtu, 8, 0, ptb);
	tcp_stack__input(H.s, ptb, len, H.now);
	cr_assert_eq(h_stats(&H)->pmtu_icmp_accepted, 1);
	cr_assert_eq(h_stats(&H)->pmtu_icmp_ignored, 0);
	cr_assert_eq(conn_mss(), want);
	h_poll(&H);
	cr_assert_gt(expect_fit(want, first), 0, "nothing was sent again at the new size");
	/* The rest of the transfer keeps the new size, and all of it arrives. */
	h_ack(&H, first + 16 * 1024, 65535);
	cr_assert_eq(h_stats(&H)->conns_active, 1);
}

Test(pmtu, v4_frag_needed_lowers_the_mss_and_resends, .fini = teardown)
{
	too_big_lowers_the_mss(4, true, 1280, 1280 - 20 - 20 - 12);
}

Test(pmtu, v4_without_timestamps, .fini = teardown)
{
	too_big_lowers_the_mss(4, false, 1400, 1400 - 40);
}

Test(pmtu, v6_packet_too_big_lowers_the_mss_and_resends, .fini = teardown)
{
	too_big_lowers_the_mss(6, true, 1300, 1300 - 40 - 20 - 12);
}

/* Below the floors: 576-byte IPv4 datagrams (RFC 1122), the IPv6 minimum MTU (RFC 8201). */
Test(pmtu, v4_floor, .fini = teardown)
{
	too_big_lowers_the_mss(4, true, 300, 536 - 12);
}

Test(pmtu, v6_floor, .fini = teardown)
{
	too_big_lowers_the_mss(6, false, 1000, 1220);
}

/* An old router names no MTU (RFC 1191 §5): the floor. */
Test(pmtu, v4_no_mtu_named, .fini = teardown)
{
	too_big_lowers_the_mss(4, false, 0, 536);
}

/* RFC 5927 §4.1: the quoted sequence number must be in flight. */
Test(pmtu, forged_errors_are_ignored, .fini = teardown)
{
	uint8_t raw[2048], ptb[2048];
	uint32_t len, mss;

	setup_family(4, true);
	mss = conn_mss();
	len = send_and_capture(8 * 1024, raw, sizeof(raw));
	/* Below SND.UNA, at SND.MAX, far beyond: all out of window. */
	len = make_ptb(raw, 1280, 8, -1, ptb);
	tcp_stack__input(H.s, ptb, len, H.now);
	len = make_ptb(raw, 1280, 8, 8 * 1024, ptb);
	tcp_stack__input(H.s, ptb, len, H.now);
	len = make_ptb(raw, 1280, 8, 0x40000000, ptb);
	tcp_stack__input(H.s, ptb, len, H.now);
	cr_assert_eq(h_stats(&H)->pmtu_icmp_ignored, 3);
	/* A larger MTU than ours lowers nothing. */
	len = make_ptb(raw, 9000, 8, 0, ptb);
	tcp_stack__input(H.s, ptb, len, H.now);
	cr_assert_eq(h_stats(&H)->pmtu_icmp_ignored, 4);
	/* Another flow (port) is nobody's. */
	len = make_ptb(raw, 1280, 8, 0, ptb);
	ptb[14 + 20 + 8 + 20 + 3] ^= 1; /* the quoted destination port */
	{
		/* fix the ICMP checksum after the change */
		uint16_t c;
		uint8_t *icmp = ptb + 14 + 20;

		icmp[2] = icmp[3] = 0;
		c = csum_finish(csum_partial(icmp, 8 + 20 + 8, 0));
		memcpy(icmp + 2, &c, 2);
	}
	tcp_stack__input(H.s, ptb, len, H.now);
	cr_assert_eq(h_stats(&H)->pmtu_icmp_ignored, 5);
	/* A bad checksum never reaches TCP. */
	len = make_ptb(raw, 1280, 8, 0, ptb);
	ptb[14 + 20 + 7] ^= 1;
	tcp_stack__input(H.s, ptb, len, H.now);
	cr_assert_eq(h_stats(&H)->pmtu_icmp_ignored, 5);
	cr_assert_eq(h_stats(&H)->pmtu_icmp_accepted, 0);
	cr_assert_eq(conn_mss(), mss, "the MSS did not move");
	h_poll(&H);
	cr_assert_eq(h_drain(&H), 0, "nothing was sent again");
}

/* An error whose quote claims another source than the address it was sent to is not ours. */
Test(pmtu, quote_from_another_source_is_refused, .fini = teardown)
{
	uint8_t raw[2048], ptb[2048];
	uint32_t len, mss;
	uint16_t c;

	setup_family(4, false);
	mss = conn_mss();
	send_and_capture(4 * 1024, raw, sizeof(raw));
	len = make_ptb(raw, 1280, 8, 0, ptb);
	ptb[14 + 20 + 8 + 15] ^= 1; /* the quoted source address */
	ptb[14 + 20 + 2] = ptb[14 + 20 + 3] = 0;
	c = csum_finish(csum_partial(ptb + 14 + 20, 8 + 20 + 8, 0));
	memcpy(ptb + 14 + 20 + 2, &c, 2);
	tcp_stack__input(H.s, ptb, len, H.now);
	cr_assert_eq(h_stats(&H)->pmtu_icmp_accepted, 0);
	cr_assert_eq(conn_mss(), mss);
}

/*
 * RFC 4821-style black hole: no ICMP, `bytes` of answer (one or more
 * segments over the fallback size) time out twice, the MSS falls to `want`
 * (0: it must stay as it was).
 */
static void black_hole_of(uint8_t family, uint32_t bytes, uint32_t want)
{
	uint8_t raw[2048];
	uint32_t first, before;

	setup_family(family, true);
	before = conn_mss();
	first = H.s_nxt;
	send_and_capture(bytes, raw, sizeof(raw));
	for (int i = 0; i < 200 && h_stats(&H)->rto_fired < 1; i++) {
		h_advance(&H, H.now + 100 * MS);
		h_drain(&H);
	}
	cr_assert_eq(h_stats(&H)->rto_fired, 1);
	cr_assert_eq(conn_mss(), before, "one RTO is not a black hole");
	cr_assert_eq(h_stats(&H)->pmtu_blackhole, 0);
	for (int i = 0; i < 200 && h_stats(&H)->rto_fired < 2; i++) {
		h_advance(&H, H.now + 100 * MS);
		if (h_stats(&H)->rto_fired < 2)
			h_drain(&H);
	}
	cr_assert_eq(h_stats(&H)->rto_fired, 2);
	if (!want) {
		cr_assert_eq(h_stats(&H)->pmtu_blackhole, 0,
			     "a segment that fits 1280 was not lost to the MTU");
		cr_assert_eq(conn_mss(), before);
		return;
	}
	cr_assert_eq(h_stats(&H)->pmtu_blackhole, 1);
	cr_assert_eq(conn_mss(), want);
	cr_assert_gt(expect_fit(want, first), 0, "the retransmission fits the lowered MSS");
}

static void black_hole(uint8_t family, uint32_t want)
{
	black_hole_of(family, 16 * 1024, want);
}

/* A short answer in one segment over 1280 bytes (a small file and its head) gets through too. */
Test(pmtu, v4_black_hole_of_one_short_segment, .fini = teardown)
{
	black_hole_of(4, 1300, 1280 - 20 - 20 - 12);
}

Test(pmtu, v6_black_hole_of_one_short_segment, .fini = teardown)
{
	black_hole_of(6, 1250, 1280 - 40 - 20 - 12);
}

/* An answer that fits a 1280-byte path timing out is loss, not the MTU. */
Test(pmtu, no_black_hole_for_a_segment_that_fits, .fini = teardown)
{
	black_hole_of(4, 1000, 0);
}

Test(pmtu, v4_black_hole_after_two_rtos, .fini = teardown)
{
	black_hole(4, 1280 - 20 - 20 - 12);
}

Test(pmtu, v6_black_hole_after_two_rtos, .fini = teardown)
{
	black_hole(6, 1280 - 40 - 20 - 12);
}
