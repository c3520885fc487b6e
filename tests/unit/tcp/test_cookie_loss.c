// SPDX-License-Identifier: GPL-2.0-only
/*
 * A cookie ACK that never reaches a connection: it found the table full,
 * or the device dropped it (and the request with it) before the stack saw
 * it. Either way the client retransmits it; what follows it (a FIN, more
 * data) fails the cookie and must not be answered with a RST that would
 * end the connection the retransmission is about to open.
 */
#include <criterion/criterion.h>

#include "harness.h"

static struct harness H;

static void teardown(void)
{
	h_fini(&H);
}

/*
 * A SYN-ACK went out while a slot was free, and the slot was taken before
 * the ACK came: the ACK is dropped (the client retransmits it), and the
 * same ACK opens the connection once a slot is free again. A SYN that
 * finds the table full is refused at once.
 */
Test(cookie_loss, table_full_drops_the_cookie_ack_until_a_slot_frees, .fini = teardown)
{
	struct tcp_config cfg;
	struct h_syn o = {1460, -1, false, false};
	struct pkt_info sa, pi;
	struct pkt_spec sp, fin;
	struct h_app *first;
	uint16_t late, first_port;
	uint32_t late_seq;

	h_default_config(&cfg);
	cfg.max_conns = 2;
	h_init(&H, &cfg, 4, false, 0);
	first = h_connect(&H, &o);
	first_port = H.cl.sport;
	/* A SYN while a slot is free gets its cookie ... */
	late = ++H.cl.sport;
	late_seq = H.c_nxt;
	cr_assert(h_syn(&H, &o, &sa));
	cr_assert_eq(sa.flags, PKT_SYN | PKT_ACK);
	/* ... but another client takes the slot before its ACK comes. */
	H.cl.sport++;
	h_connect(&H, &o);
	H.cl.sport = late;
	H.s_nxt = sa.seq + 1;
	H.c_nxt = late_seq + 1;
	sp = h_spec(&H, PKT_ACK);
	h_send(&H, &sp);
	cr_assert_eq(H.napps, 2);
	cr_assert_eq(h_stats(&H)->syncookies_overflow, 1);
	cr_assert_eq(h_stats(&H)->conns_refused, 0);
	cr_assert_eq(h_stats(&H)->conns_active, 2);
	cr_assert_not(h_recv(&H, &pi), "no RST: the client is told nothing and resends");
	/* What followed it (a FIN past 10 lost bytes) fails the cookie: dropped too (for 1 s). */
	fin = sp;
	fin.seq += 10;
	fin.flags |= PKT_FIN;
	h_send(&H, &fin);
	cr_assert_eq(h_stats(&H)->syncookies_rejected, 1);
	cr_assert_not(h_recv(&H, &pi), "no RST for the rest of a dropped handshake");
	h_advance(&H, H.now + 1100 * MS);
	h_drain(&H);
	h_send(&H, &fin);
	cr_assert(h_recv(&H, &pi), "a second on, a bad cookie ACK gets its RST again");
	cr_assert_eq(pi.flags, PKT_RST);
	/* The retransmission, once a slot is free, is the connection. */
	H.cl.sport = first_port;
	tcp_conn_abort(first->c);
	h_poll(&H);
	h_drain(&H);
	cr_assert(first->closed);
	H.cl.sport = late;
	h_send(&H, &sp);
	cr_assert_eq(H.napps, 3);
	cr_assert_eq(h_stats(&H)->conns_active, 2);
	cr_assert_eq(h_stats(&H)->syncookies_overflow, 1);
	/* With the table full, a SYN is refused at once (RST|ACK: "connection refused"). */
	H.cl.sport += 10;
	cr_assert(h_syn(&H, &o, &pi));
	cr_assert_eq(pi.flags, PKT_RST | PKT_ACK);
	cr_assert_eq(pi.ack, H.c_nxt + 1);
	cr_assert_eq(h_stats(&H)->conns_refused_full, 1);
}

/*
 * The device dropped a client's handshake ACK and request (a burst
 * overran the RX ring) and only its FIN came through: the FIN fails the
 * cookie, and with no loss it gets its RST; with a loss counted it is
 * dropped for a second, the device asked once per input batch, and the
 * retransmitted request opens the connection.
 */
Test(cookie_loss, device_loss_withholds_the_rst_for_a_second, .fini = teardown)
{
	static const char req[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	struct h_syn o = {1460, -1, false, false};
	struct pkt_info sa, pi;
	struct pkt_spec fin, get;
	struct h_app *a;

	h_init(&H, NULL, 4, false, 0);
	H.now = 1 * SEC;
	cr_assert(h_syn(&H, &o, &sa));
	H.s_nxt = sa.seq + 1;
	H.c_nxt++;
	get = h_spec(&H, PKT_ACK | PKT_PSH | PKT_FIN);
	get.payload = req;
	get.len = sizeof(req) - 1;
	fin = h_spec(&H, PKT_ACK | PKT_FIN);
	fin.seq += sizeof(req) - 1;

	/* No loss: a FIN past the cookie is a stale segment, reset. */
	h_send(&H, &fin);
	cr_assert(h_recv(&H, &pi));
	cr_assert_eq(pi.flags, PKT_RST);
	cr_assert_eq(H.nic.rx_lost_asked, 1);

	/* The next batch: the device lost frames since, so no RST ... */
	H.now += MS;
	H.nic.rx_lost = 3;
	h_send(&H, &fin);
	cr_assert_not(h_recv(&H, &pi), "no RST after a loss at the device");
	cr_assert_eq(h_stats(&H)->syncookies_rejected, 2);
	cr_assert_eq(H.nic.rx_lost_asked, 2);
	/* ... for a second, without asking again. */
	H.now += 500 * MS;
	h_send(&H, &fin);
	cr_assert_not(h_recv(&H, &pi));
	cr_assert_eq(H.nic.rx_lost_asked, 2);

	/* The client's retransmission (request and FIN from the cookie's sequence) opens it. */
	h_send(&H, &get);
	cr_assert_eq(H.napps, 1);
	a = h_last(&H);
	cr_assert_eq(a->rx_len, sizeof(req) - 1);
	cr_assert(a->eof);
	h_drain(&H);

	/* A second on and no new loss: a bad cookie ACK is reset again, asked once per batch. */
	H.now += 600 * MS;
	H.cl.sport++;
	fin = h_spec(&H, PKT_ACK | PKT_FIN);
	h_send(&H, &fin);
	cr_assert(h_recv(&H, &pi));
	cr_assert_eq(pi.flags, PKT_RST);
	cr_assert_eq(H.nic.rx_lost_asked, 3);
	h_send(&H, &fin);
	cr_assert(h_recv(&H, &pi));
	cr_assert_eq(H.nic.rx_lost_asked, 3, "one question per batch");
}
