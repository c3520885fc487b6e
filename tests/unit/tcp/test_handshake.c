// SPDX-License-Identifier: GPL-2.0-only
/*
 * Passive open through SYN cookies: option negotiation (IPv4 and IPv6),
 * stale and forged cookies, data in the third ACK, refusal, and what the
 * input path drops before any connection is looked at.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <string.h>

#include "harness.h"
#include "tcp/syncookie.h"

static struct harness H;

static void teardown(void)
{
	h_fini(&H);
}

struct opt_case {
	uint8_t family;
	struct h_syn syn;
	bool ts, ws, sack; /* expected in the SYN-ACK */
	uint16_t mss;	   /* the connection's send MSS, options excluded */
};

#define V4 4
#define V6 6
static const struct opt_case opt_cases[] = {
	/* MSS only */
	{V4, {1460, -1, false, false}, false, false, false, 1460},
	{V6, {1440, -1, false, false}, false, false, false, 1440},
	/* no options at all: RFC 9293 defaults */
	{V4, {0, -1, false, false}, false, false, false, 536},
	{V6, {0, -1, false, false}, false, false, false, 1220},
	/* timestamps */
	{V4, {1460, -1, false, true}, true, false, false, 1448},
	{V6, {1440, -1, false, true}, true, false, false, 1428},
	/* window scale without timestamps rides in the cookie */
	{V4, {1460, 7, false, false}, false, true, false, 1460},
	{V6, {1440, 7, false, false}, false, true, false, 1440},
	{V4, {1460, 0, false, false}, false, true, false, 1460},
	{V4, {1460, 8, true, false}, false, true, true, 1460},
	/* rounded down to a shift the cookie can carry */
	{V4, {1460, 14, true, false}, false, true, true, 1460},
	{V6, {1440, 9, true, false}, false, true, true, 1440},
	/* window scale with timestamps */
	{V4, {1460, 7, false, true}, true, true, false, 1448},
	{V6, {1440, 7, false, true}, true, true, false, 1428},
	/* SACK-permitted without and with timestamps */
	{V4, {1460, -1, true, false}, false, false, true, 1460},
	{V6, {1440, -1, true, false}, false, false, true, 1440},
	{V4, {1460, -1, true, true}, true, false, true, 1448},
	{V6, {1440, -1, true, true}, true, false, true, 1428},
	/* everything */
	{V4, {1460, 7, true, true}, true, true, true, 1448},
	{V6, {1440, 7, true, true}, true, true, true, 1428},
	{V4, {1220, 14, true, true}, true, true, true, 1208},
	{V4, {536, 0, true, true}, true, true, true, 524},
};

ParameterizedTestParameters(handshake, options)
{
	return cr_make_param_array(struct opt_case, opt_cases,
				   sizeof(opt_cases) / sizeof(opt_cases[0]));
}

ParameterizedTest(const struct opt_case *oc, handshake, options, .fini = teardown)
{
	struct tcp_config cfg;
	struct pkt_info sa, pi;
	struct tcp_conn_info info;
	struct h_app *a;

	h_default_config(&cfg);
	cfg.rx_buf_size = 256 * 1024; /* needs a window shift of 3 */
	h_init(&H, &cfg, oc->family, false, 0);
	cr_log_info("case v%d mss %d ws %d sack %d ts %d", oc->family, oc->syn.mss, oc->syn.wscale,
		    oc->syn.sack, oc->syn.ts);
	cr_assert(h_syn(&H, &oc->syn, &sa));
	cr_assert_eq(sa.flags, PKT_SYN | PKT_ACK);
	cr_assert_eq(sa.ack, H.c_nxt + 1);
	cr_assert(sa.mss_ok, "the SYN-ACK always carries MSS");
	cr_assert_eq(sa.mss, oc->family == 4 ? 1460 : 1440);
	cr_assert_eq(sa.ts_ok, oc->ts);
	cr_assert_eq(sa.ws_ok, oc->ws);
	cr_assert_eq(sa.sack_perm, oc->sack);
	cr_assert_eq(sa.wnd, 65535, "the SYN-ACK window is never scaled");
	if (oc->ts) {
		cr_assert_eq(sa.tsecr, H.c_ts);
		cr_assert_eq(sa.optlen, oc->ws ? 20u : 16u);
	}
	if (oc->ws)
		cr_assert_eq(sa.ws, 3);
	cr_assert_eq(h_stats(&H)->syncookies_sent, 1);
	cr_assert_eq(h_stats(&H)->conns_active, 0, "a SYN creates no state");

	/* Complete it (h_connect repeats the SYN with the same ISN). */
	H.nic.next = H.nic.nframes;
	a = h_connect(&H, &oc->syn);
	cr_assert_eq(h_stats(&H)->syncookies_accepted, 1);
	cr_assert_eq(h_stats(&H)->conns_accepted, 1);
	cr_assert_eq(h_stats(&H)->conns_active, 1);
	tcp_conn_get_info(a->c, &info);
	cr_assert_str_eq(info.state, "ESTABLISHED");
	cr_assert_eq(info.family, oc->family);
	cr_assert_eq(info.local_port, 80);
	cr_assert_eq(info.remote_port, 40000);
	cr_assert_eq(info.mss, oc->mss);
	cr_assert_eq(info.snd_wnd,
		     65535u << (!oc->ws	 ? 0
				: oc->ts ? oc->syn.wscale
					 : syncookie_wscale(oc->syn.wscale)),
		     "the peer's window is scaled by its shift (rounded down without timestamps)");
	cr_assert_eq(info.cwnd, 10 * oc->mss, "RFC 6928 initial window");

	/* A response: every segment carries timestamps iff agreed, our window is scaled. */
	cr_assert_eq(tcp_conn_send_copy(a->c, "HTTP/1.1 200 OK\r\n\r\n", 19), 0);
	h_poll(&H);
	cr_assert(h_recv(&H, &pi));
	cr_assert_eq(pi.seq, H.s_nxt);
	cr_assert_eq(pi.len, 19);
	cr_assert_arr_eq(pi.payload, "HTTP/1.1 200 OK\r\n\r\n", 19);
	cr_assert_eq(pi.ts_ok, oc->ts);
	cr_assert_eq(pi.optlen, oc->ts ? 12u : 0u);
	if (oc->ts) {
		cr_assert_eq(pi.tsecr, H.c_ts);
		cr_assert_geq(pi.tsval, sa.tsval, "TSval never goes back");
	}
	cr_assert_eq(pi.wnd, oc->ws ? (256 * 1024) >> 3 : 65535);
	cr_assert(!h_recv(&H, &pi));
}

Test(handshake, data_in_the_third_ack, .fini = teardown)
{
	struct h_syn o = {1460, 7, true, true};
	struct pkt_info sa, pi;
	struct pkt_spec sp;
	struct h_app *a;

	h_init(&H, NULL, 4, false, 0);
	cr_assert(h_syn(&H, &o, &sa));
	H.s_nxt = sa.seq + 1;
	H.c_nxt++;
	H.ts = true;
	H.echo = sa.tsval;
	sp = h_spec(&H, PKT_ACK | PKT_PSH);
	sp.payload = "GET / HTTP/1.1\r\n\r\n";
	sp.len = 18;
	h_send(&H, &sp);
	a = h_last(&H);
	cr_assert_not_null(a, "the data-bearing ACK completes the handshake");
	cr_assert_eq(a->readable, 1);
	cr_assert_eq(a->rx_len, 18);
	cr_assert_arr_eq(a->rx, "GET / HTTP/1.1\r\n\r\n", 18);
	/* The answer carries the ACK of the request. */
	tcp_conn_send_copy(a->c, "HTTP/1.1 204 No Content\r\n\r\n", 27);
	h_poll(&H);
	cr_assert(h_recv(&H, &pi));
	cr_assert_eq(pi.ack, H.c_nxt + 18);
	cr_assert_eq(pi.len, 27);
}

Test(handshake, fin_in_the_third_ack, .fini = teardown)
{
	struct h_syn o = {1460, -1, false, false};
	struct pkt_info sa, pi;
	struct pkt_spec sp;
	struct h_app *a;

	h_init(&H, NULL, 6, false, 0);
	cr_assert(h_syn(&H, &o, &sa));
	H.s_nxt = sa.seq + 1;
	H.c_nxt++;
	sp = h_spec(&H, PKT_ACK | PKT_FIN);
	h_send(&H, &sp);
	a = h_last(&H);
	cr_assert_not_null(a);
	cr_assert(a->eof);
	h_poll(&H);
	cr_assert(h_recv(&H, &pi));
	cr_assert_eq(pi.ack, H.c_nxt + 1, "the FIN is acknowledged");
}

/* The application answers the request at once and closes, as HTTP does after a FIN. */
static void answer_and_close(struct h_app *a)
{
	if (!a->eof || tcp_conn_tx_closed(a->c))
		return;
	cr_assert_eq(tcp_conn_send_copy(a->c, "HTTP/1.1 204 No Content\r\n\r\n", 27), 0);
	tcp_conn_shutdown(a->c);
}

/*
 * A connection per request, as stack_bench's newconn-1k: SYN, SYN-ACK,
 * ACK+request+FIN, then one segment from the server: the response with
 * the ACK of request and FIN and its own FIN riding on it; no pure ACK
 * before it, no bare FIN after it. The client's last ACK gets nothing and
 * ends the connection (LAST_ACK: no TIME_WAIT entry on our side).
 */
Test(handshake, request_and_fin_in_the_third_ack_get_one_segment, .fini = teardown)
{
	struct h_syn o = {1460, 7, true, false};
	struct pkt_info sa, pi;
	struct pkt_spec sp;
	struct h_app *a;

	h_init(&H, NULL, 4, false, 0);
	H.on_readable = answer_and_close;
	cr_assert(h_syn(&H, &o, &sa));
	H.s_nxt = sa.seq + 1;
	H.c_nxt++;
	sp = h_spec(&H, PKT_ACK | PKT_PSH | PKT_FIN);
	sp.payload = "GET / HTTP/1.1\r\n\r\n";
	sp.len = 18;
	h_send(&H, &sp);
	H.c_nxt += 18 + 1;
	a = h_last(&H);
	cr_assert_not_null(a);
	cr_assert(a->eof);
	h_poll(&H);
	cr_assert(h_recv(&H, &pi), "the response");
	cr_assert_eq(pi.flags & ~PKT_PSH, PKT_ACK | PKT_FIN, "flags %#x: the FIN rides on the data",
		     pi.flags);
	cr_assert_eq(pi.seq, H.s_nxt);
	cr_assert_eq(pi.len, 27);
	cr_assert_eq(pi.ack, H.c_nxt, "request and FIN acknowledged by the response");
	cr_assert(!h_recv(&H, &pi), "a second segment, flags %#x len %u", pi.flags, pi.len);
	cr_assert_eq(h_stats(&H)->tx_rst, 0);
	H.s_nxt += 27 + 1;
	h_ack(&H, H.s_nxt, 65535 << 7);
	h_poll(&H);
	cr_assert(!h_recv(&H, &pi), "the last ACK answered with flags %#x", pi.flags);
	cr_assert_eq(h_stats(&H)->conns_active, 0);
	cr_assert_eq(h_stats(&H)->conns_time_wait, 0,
		     "the client closed first: LAST_ACK, no TIME_WAIT");
	cr_assert(a->closed);
	cr_assert_eq(a->why, TCP_CLOSE_NORMAL);
}

static void cookie_ack_after(uint64_t delay, bool expect_ok)
{
	struct h_syn o = {1460, -1, false, false};
	struct pkt_info sa, pi;
	struct pkt_spec sp;

	h_init(&H, NULL, 4, false, 0);
	cr_assert(h_syn(&H, &o, &sa));
	H.now += delay;
	H.s_nxt = sa.seq + 1;
	H.c_nxt++;
	sp = h_spec(&H, PKT_ACK);
	h_send(&H, &sp);
	if (expect_ok) {
		cr_assert_eq(H.napps, 1);
		cr_assert_eq(h_stats(&H)->syncookies_accepted, 1);
		cr_assert(!h_recv(&H, &pi));
		return;
	}
	cr_assert_eq(H.napps, 0);
	cr_assert_eq(h_stats(&H)->syncookies_rejected, 1);
	cr_assert_eq(h_stats(&H)->conns_active, 0);
	cr_assert(h_recv(&H, &pi), "a rejected cookie ACK is answered");
	cr_assert_eq(pi.flags, PKT_RST);
	cr_assert_eq(pi.seq, sp.ack, "RFC 9293: <SEQ=SEG.ACK><CTL=RST>");
	cr_assert_eq(h_stats(&H)->tx_rst, 1);
}

Test(handshake, cookie_from_previous_period_accepted, .fini = teardown)
{
	cookie_ack_after(SYNCOOKIE_PERIOD_NS, true);
}

Test(handshake, stale_cookie_rejected_with_rst, .fini = teardown)
{
	cookie_ack_after(2 * SYNCOOKIE_PERIOD_NS, false);
}

Test(handshake, forged_cookie_rejected_with_rst, .fini = teardown)
{
	struct pkt_spec sp;
	struct pkt_info pi;

	h_init(&H, NULL, 4, false, 0);
	for (uint32_t i = 0; i < 50; i++) {
		sp = h_spec(&H, PKT_ACK);
		sp.ack = 0x9e3779b9u * (i + 1);
		h_send(&H, &sp);
		cr_assert(h_recv(&H, &pi));
		cr_assert_eq(pi.flags, PKT_RST);
		cr_assert_eq(pi.seq, sp.ack);
	}
	cr_assert_eq(h_stats(&H)->syncookies_rejected, 50);
	cr_assert_eq(H.napps, 0);
}

Test(handshake, forged_timestamp_echo_rejected, .fini = teardown)
{
	struct h_syn o = {1460, 7, true, true};
	struct pkt_info sa, pi;
	struct pkt_spec sp;

	h_init(&H, NULL, 4, false, 0);
	cr_assert(h_syn(&H, &o, &sa));
	H.s_nxt = sa.seq + 1;
	H.c_nxt++;
	H.ts = true;
	H.echo = sa.tsval + 1000000; /* a TSval from the future */
	sp = h_spec(&H, PKT_ACK);
	h_send(&H, &sp);
	cr_assert_eq(H.napps, 0);
	cr_assert_eq(h_stats(&H)->syncookies_rejected, 1);
	cr_assert(h_recv(&H, &pi));
	cr_assert_eq(pi.flags, PKT_RST);
}

/*
 * The steering program stamps a SYN-ACK's cookie period and TSval with the
 * clock at the SYN; the worker reads its `now` after taking the RX batch,
 * so the completing ACK is checked at that instant or later. On a period
 * and millisecond boundary, an ACK checked at the same instant passes; one
 * checked a nanosecond earlier (a clock read before the ring) would not.
 */
static void cookie_ack_at_boundary(uint64_t check_before, bool expect_ok)
{
	struct h_syn o = {1460, 7, true, true};
	struct pkt_info sa;
	struct pkt_spec sp;
	uint64_t boundary;

	h_init(&H, NULL, 4, false, 0);
	boundary = (H.now / SYNCOOKIE_PERIOD_NS + 1) * SYNCOOKIE_PERIOD_NS;
	H.now = boundary;
	cr_assert(h_syn(&H, &o, &sa));
	H.now = boundary - check_before;
	H.s_nxt = sa.seq + 1;
	H.c_nxt++;
	H.ts = true;
	H.echo = sa.tsval;
	sp = h_spec(&H, PKT_ACK);
	h_send(&H, &sp);
	cr_assert_eq(H.napps, expect_ok ? 1 : 0);
	cr_assert_eq(h_stats(&H)->syncookies_accepted, expect_ok ? 1 : 0);
	cr_assert_eq(h_stats(&H)->syncookies_rejected, expect_ok ? 0 : 1);
}

Test(handshake, cookie_ack_checked_at_its_syn_instant_accepted, .fini = teardown)
{
	cookie_ack_at_boundary(0, true);
}

Test(handshake, cookie_ack_checked_before_its_syn_instant_rejected, .fini = teardown)
{
	cookie_ack_at_boundary(1, false);
}

Test(handshake, syns_ignored_while_not_accepting, .fini = teardown)
{
	struct h_syn o = {1460, -1, false, false};
	struct pkt_info sa;

	h_init(&H, NULL, 4, false, 0);
	tcp_stack__set_accepting(H.s, false);
	cr_assert(!h_syn(&H, &o, &sa), "no answer while stopped");
	tcp_stack__set_accepting(H.s, true);
	cr_assert(h_syn(&H, &o, &sa));
	cr_assert_eq(h_stats(&H)->syncookies_sent, 1);
}

Test(handshake, application_refusal_resets, .fini = teardown)
{
	struct h_syn o = {1460, -1, false, false};
	struct pkt_info sa, pi;
	struct pkt_spec sp;

	h_init(&H, NULL, 4, false, 0);
	H.refuse = true;
	cr_assert(h_syn(&H, &o, &sa));
	H.s_nxt = sa.seq + 1;
	H.c_nxt++;
	sp = h_spec(&H, PKT_ACK);
	h_send(&H, &sp);
	cr_assert_eq(h_stats(&H)->conns_refused, 1);
	cr_assert_eq(h_stats(&H)->conns_active, 0);
	cr_assert_eq(h_stats(&H)->conns_closed, 0);
	cr_assert(h_recv(&H, &pi));
	cr_assert(pi.flags & PKT_RST);
	cr_assert_eq(pi.seq, sa.seq + 1);
}

Test(handshake, vlan_tag_mirrored, .fini = teardown)
{
	struct h_syn o = {1460, -1, false, true};
	struct pkt_info pi;
	struct h_app *a;

	h_init(&H, NULL, 6, false, 0);
	H.cl.vlan = true;
	H.cl.vlan_tci = 0x2005; /* PCP 1, VID 5 */
	a = h_connect(&H, &o);
	tcp_conn_send_copy(a->c, "x", 1);
	h_poll(&H);
	cr_assert(h_recv(&H, &pi)); /* h_recv checks the tag */
	cr_assert_eq(pi.vlan_tci, 0x2005);
}

Test(handshake, replies_follow_the_source_mac, .fini = teardown)
{
	struct h_syn o = {1460, -1, false, false};
	struct pkt_info pi;
	struct h_app *a;

	h_init(&H, NULL, 4, false, 0);
	a = h_connect(&H, &o);
	H.cl.src_mac[5] = 0x77; /* the peer's frames now come from another router */
	h_data(&H, "GET /", 5, 0);
	tcp_conn_send_copy(a->c, "y", 1);
	h_poll(&H);
	cr_assert(h_recv(&H, &pi)); /* h_recv checks dst == the client's current MAC */
	cr_assert_eq(pi.dst_mac[5], 0x77);
}

/* Our frames leave from the interface's MAC, whatever MAC the peer's frame was sent to. */
Test(handshake, replies_come_from_the_interface_mac, .fini = teardown)
{
	static const uint8_t own[6] = {0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee};
	struct h_syn o = {1460, 7, true, false};
	struct tcp_config cfg;
	struct pkt_info pi;
	struct pkt_spec sp;
	struct h_app *a;

	h_default_config(&cfg);
	cfg.local_mac_set = true;
	memcpy(cfg.local_mac, own, 6);
	h_init(&H, &cfg, 4, false, 0);
	cr_assert_neq(memcmp(H.cl.dst_mac, own, 6), 0, "the client sends to another MAC");
	sp = h_spec(&H, PKT_SYN);
	sp.mss = 1460;
	h_send(&H, &sp);
	cr_assert(h_recv(&H, &pi));
	cr_assert_eq(pi.flags, PKT_SYN | PKT_ACK);
	cr_assert_arr_eq(pi.src_mac, own, 6, "the SYN-ACK's source is the interface's MAC");
	h_drain(&H);
	a = h_connect(&H, &o);
	tcp_conn_send_copy(a->c, "y", 1);
	h_poll(&H);
	cr_assert(h_recv(&H, &pi));
	cr_assert_arr_eq(pi.src_mac, own, 6, "data too");
}

Test(handshake, ethernet_padding_ignored, .fini = teardown)
{
	struct pkt_spec sp;
	struct pkt_info pi;

	h_init(&H, NULL, 4, false, 0);
	sp = h_spec(&H, PKT_SYN);
	sp.mss = 1460;
	sp.eth_pad = 6;
	h_send(&H, &sp);
	cr_assert(h_recv(&H, &pi));
	cr_assert_eq(pi.flags, PKT_SYN | PKT_ACK);
	cr_assert_eq(h_stats(&H)->rx_drop_malformed, 0);
}

Test(handshake, segments_without_connection_get_rst, .fini = teardown)
{
	struct pkt_spec sp;
	struct pkt_info pi;

	h_init(&H, NULL, 4, false, 0);
	/* Data without ACK: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> */
	sp = h_spec(&H, PKT_PSH);
	sp.payload = "abc";
	sp.len = 3;
	h_send(&H, &sp);
	cr_assert(h_recv(&H, &pi));
	cr_assert_eq(pi.flags, PKT_RST | PKT_ACK);
	cr_assert_eq(pi.seq, 0);
	cr_assert_eq(pi.ack, sp.seq + 3);
	/* A RST is never answered. */
	sp = h_spec(&H, PKT_RST);
	h_send(&H, &sp);
	cr_assert(!h_recv(&H, &pi));
	/* A SYN-ACK to a server: RST with its ACK as sequence. */
	sp = h_spec(&H, PKT_SYN | PKT_ACK);
	sp.ack = 12345;
	h_send(&H, &sp);
	cr_assert(h_recv(&H, &pi));
	cr_assert_eq(pi.flags, PKT_RST);
	cr_assert_eq(pi.seq, 12345);
	cr_assert_eq(h_stats(&H)->rx_drop_no_conn, 3);
}

/* Frames that never reach a connection, and the counter each must bump. */
enum drop_counter { D_MALFORMED, D_CSUM, D_UNSUPPORTED };

struct drop_case {
	char what[40]; /* not a pointer: parameters cross into a re-executed process */
	uint8_t family;
	enum drop_counter counter;
	int defect;
};

enum {
	BAD_TCP_CSUM,
	BAD_IP_CSUM,
	IP_FRAGMENT,
	IP_MORE_FRAGMENTS,
	NOT_TCP,
	BAD_OPTION_LEN,
	TRUNCATED_TCP,
	TRUNCATED_IP,
	BAD_IHL,
	BAD_VERSION,
	QINQ,
	ARP,
	MULTICAST_SOURCE,
	SYN_FIN,
	ZERO_PORT,
	DOFF_TOO_BIG,
	IP_LEN_PAST_FRAME,
};

static const struct drop_case drop_cases[] = {
	{"bad TCP checksum v4", 4, D_CSUM, BAD_TCP_CSUM},
	{"bad TCP checksum v6", 6, D_CSUM, BAD_TCP_CSUM},
	{"bad IPv4 header checksum", 4, D_CSUM, BAD_IP_CSUM},
	{"IPv4 fragment offset", 4, D_UNSUPPORTED, IP_FRAGMENT},
	{"IPv4 more fragments", 4, D_UNSUPPORTED, IP_MORE_FRAGMENTS},
	{"UDP over IPv4", 4, D_UNSUPPORTED, NOT_TCP},
	{"IPv6 routing header", 6, D_UNSUPPORTED, NOT_TCP},
	{"bad option length", 4, D_MALFORMED, BAD_OPTION_LEN},
	{"truncated TCP header", 4, D_MALFORMED, TRUNCATED_TCP},
	{"truncated IPv4 header", 4, D_MALFORMED, TRUNCATED_IP},
	{"IHL below 5", 4, D_MALFORMED, BAD_IHL},
	{"IP version 5", 4, D_MALFORMED, BAD_VERSION},
	{"two VLAN tags", 4, D_UNSUPPORTED, QINQ},
	{"ARP", 4, D_UNSUPPORTED, ARP},
	{"multicast source MAC", 4, D_MALFORMED, MULTICAST_SOURCE},
	{"SYN and FIN", 4, D_MALFORMED, SYN_FIN},
	{"port zero", 6, D_MALFORMED, ZERO_PORT},
	{"data offset past the segment", 4, D_MALFORMED, DOFF_TOO_BIG},
	{"IPv4 total length past the frame", 4, D_MALFORMED, IP_LEN_PAST_FRAME},
	{"IPv6 payload length past the frame", 6, D_MALFORMED, IP_LEN_PAST_FRAME},
};

ParameterizedTestParameters(handshake, input_drops)
{
	return cr_make_param_array(struct drop_case, drop_cases,
				   sizeof(drop_cases) / sizeof(drop_cases[0]));
}

ParameterizedTest(const struct drop_case *dc, handshake, input_drops, .fini = teardown)
{
	static const uint8_t bad_opt[] = {2, 5, 5, 0xb4};
	uint8_t frame[256];
	struct pkt_spec sp;
	struct pkt_info pi;
	uint32_t len, ipoff = 14;
	const struct tcp_stats *st;

	h_init(&H, NULL, dc->family, false, 0);
	sp = h_spec(&H, PKT_SYN);
	sp.mss = 1460;
	switch (dc->defect) {
	case BAD_TCP_CSUM:
		sp.bad_tcp_csum = true;
		break;
	case BAD_IP_CSUM:
		sp.bad_ip_csum = true;
		break;
	case IP_FRAGMENT:
		sp.ip_frag_off = 0x0010;
		break;
	case IP_MORE_FRAGMENTS:
		sp.ip_frag_off = 0x2000;
		break;
	case NOT_TCP:
		sp.ip_proto = dc->family == 4 ? 17 : 43; /* UDP; a routing header (not walked) */
		break;
	case BAD_OPTION_LEN:
		sp.raw_opts = bad_opt;
		sp.raw_optlen = sizeof(bad_opt);
		break;
	case SYN_FIN:
		sp.flags |= PKT_FIN;
		break;
	case ZERO_PORT:
		sp.sport = 0;
		break;
	case MULTICAST_SOURCE:
		sp.src_mac[0] = 0x01;
		break;
	default:
		break;
	}
	len = pkt_build(frame, sizeof(frame), &sp);
	switch (dc->defect) {
	case TRUNCATED_TCP:
		frame[ipoff + 3] = 20 + 10; /* total length: 10 bytes of TCP */
		frame[ipoff + 10] = frame[ipoff + 11] = 0;
		{
			uint16_t s = (uint16_t)~pkt_ref_sum(frame + ipoff, 20, 0);

			frame[ipoff + 10] = (uint8_t)(s >> 8);
			frame[ipoff + 11] = (uint8_t)s;
		}
		break;
	case TRUNCATED_IP:
		len = ipoff + 12;
		break;
	case BAD_IHL:
		frame[ipoff] = 0x44;
		break;
	case BAD_VERSION:
		frame[ipoff] = 0x55;
		break;
	case QINQ:
		memmove(frame + 16, frame + 12, len - 12);
		frame[12] = 0x81, frame[13] = 0x00, frame[14] = 0, frame[15] = 1;
		memmove(frame + 20, frame + 16, len - 12);
		frame[16] = 0x81, frame[17] = 0x00, frame[18] = 0, frame[19] = 2;
		len += 8;
		break;
	case ARP:
		frame[12] = 0x08, frame[13] = 0x06;
		break;
	case DOFF_TOO_BIG:
		frame[ipoff + 20 + 12] = 0xf0;
		break;
	case IP_LEN_PAST_FRAME:
		len -= 4;
		break;
	default:
		break;
	}
	tcp_stack__input(H.s, frame, len, H.now);
	st = h_stats(&H);
	cr_assert_eq(st->rx_frames, 1);
	cr_assert_eq(st->rx_drop_malformed, dc->counter == D_MALFORMED, "%s", dc->what);
	cr_assert_eq(st->rx_drop_csum, dc->counter == D_CSUM, "%s", dc->what);
	cr_assert_eq(st->rx_drop_unsupported, dc->counter == D_UNSUPPORTED, "%s", dc->what);
	cr_assert_eq(st->syn_received, 0);
	cr_assert(!h_recv(&H, &pi), "%s: no answer", dc->what);
}
