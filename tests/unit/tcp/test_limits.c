// SPDX-License-Identifier: GPL-2.0-only
/*
 * Limits that keep one client from hurting the others: the request-head
 * and keep-alive deadlines, the minimum send rate (slow readers), the
 * longest zero-window persist, each closing the connection and counted by
 * reason.
 */
#include <criterion/criterion.h>

#include <string.h>

#include "harness.h"

static struct harness H;
static struct h_app *A;
static const struct h_syn O = {1460, 7, true, true};

static void teardown(void)
{
	h_fini(&H);
}

static void limits_config(struct tcp_config *cfg)
{
	h_default_config(cfg);
	cfg->idle_timeout_ns = 600 * SEC; /* out of the way of the limits under test */
	cfg->header_timeout_ns = 20 * SEC;
	cfg->keepalive_timeout_ns = 15 * SEC;
	cfg->send_timeout_ns = 10 * SEC;
	cfg->min_send_rate = 1000;
	cfg->persist_timeout_ns = 30 * SEC;
}

static void setup_cfg(const struct tcp_config *cfg)
{
	h_init(&H, cfg, 4, false, 0);
	A = h_connect(&H, &O);
	h_drain(&H);
}

static void setup(void)
{
	struct tcp_config cfg;

	limits_config(&cfg);
	setup_cfg(&cfg);
}

TestSuite(limits, .init = setup, .fini = teardown);

/* Every frame sent so far; true if one was a RST (or a FIN, when fin). */
static bool sent_flag(uint8_t flag)
{
	struct pkt_info pi;
	bool seen = false;

	while (h_recv(&H, &pi))
		seen |= !!(pi.flags & flag);
	return seen;
}

Test(limits, header_deadline_is_not_restarted_by_trickled_bytes)
{
	uint64_t t0 = H.now;

	tcp_conn_set_deadline(A->c, TCP_DEADLINE_HEADER);
	/* slowloris: a byte a second, and the deadline set again each time. */
	for (int i = 1; i < 20; i++) {
		h_advance(&H, t0 + (uint64_t)i * SEC);
		h_data(&H, "x", 1, 0);
		tcp_conn_set_deadline(A->c, TCP_DEADLINE_HEADER);
		cr_assert(!A->closed, "closed after %d s", i);
	}
	h_drain(&H);
	h_advance(&H, t0 + 20 * SEC);
	cr_assert(A->closed);
	cr_assert_eq(A->why, TCP_CLOSE_TIMEOUT);
	cr_assert(sent_flag(PKT_RST), "the peer is told with a RST");
	cr_assert_eq(h_stats(&H)->timeout_header, 1);
	cr_assert_eq(h_stats(&H)->conns_timed_out, 1);
	cr_assert_eq(h_stats(&H)->conns_active, 0);
}

Test(limits, cleared_header_deadline_does_not_fire)
{
	tcp_conn_set_deadline(A->c, TCP_DEADLINE_HEADER);
	h_advance(&H, H.now + 10 * SEC);
	tcp_conn_set_deadline(A->c, TCP_DEADLINE_NONE);
	h_advance(&H, H.now + 100 * SEC);
	cr_assert(!A->closed);
	cr_assert_eq(h_stats(&H)->timeout_header, 0);
}

Test(limits, keepalive_deadline_closes_with_fin)
{
	uint64_t t0 = H.now;

	tcp_conn_set_deadline(A->c, TCP_DEADLINE_KEEPALIVE);
	h_advance(&H, t0 + 10 * SEC);
	tcp_conn_set_deadline(A->c, TCP_DEADLINE_KEEPALIVE); /* keeps the first start */
	h_advance(&H, t0 + 15 * SEC - 1);
	cr_assert(!sent_flag(PKT_FIN));
	cr_assert(!tcp_conn_tx_closed(A->c));
	h_advance(&H, t0 + 15 * SEC);
	cr_assert(sent_flag(PKT_FIN), "idle keep-alive ends with FIN");
	cr_assert(tcp_conn_tx_closed(A->c));
	cr_assert_eq(h_stats(&H)->timeout_keepalive, 1);
	/* The client closes too: a normal end. */
	h_data(&H, NULL, 0, PKT_FIN);
	h_ack(&H, H.s_nxt + 1, 65535u << H.c_ws);
	cr_assert(A->closed);
	cr_assert_eq(A->why, TCP_CLOSE_NORMAL);
}

/*
 * A reader that acknowledges `per_sec` bytes a second with a window of as
 * much, for up to `secs` seconds; returns the seconds until it was closed,
 * or 0 if it never was.
 */
static int slow_reader(uint32_t per_sec, int secs)
{
	struct blob *b = h_blob(&H, 1 << 20, 12, 7);
	uint32_t acked = H.s_nxt, sent = H.s_nxt;
	struct pkt_info pi;
	int closed_at = 0;

	/* The client's window is tiny from the start. */
	h_ack(&H, acked, per_sec);
	cr_assert_eq(tcp_conn_send_blob(A->c, b, 0, 1 << 20), 0);
	for (int i = 1; i <= secs && !closed_at; i++) {
		h_advance(&H, H.now + SEC);
		while (h_recv(&H, &pi))
			if (pi.len && (int32_t)(pi.seq + pi.len - sent) > 0)
				sent = pi.seq + pi.len;
		if (A->closed) {
			closed_at = i;
			break;
		}
		acked = sent - acked > per_sec ? acked + per_sec : sent;
		h_ack(&H, acked, per_sec);
	}
	h_fini(&H);
	h_blob_free(b);
	/* teardown runs h_fini again: give it a fresh, empty stack. */
	h_init(&H, NULL, 4, false, 0);
	return closed_at;
}

Test(limits, slow_reader_is_closed_by_the_send_rate)
{
	int at = slow_reader(100, 60);

	cr_assert(at >= 10 && at <= 11, "closed after %d s", at);
}

Test(limits, reader_above_the_send_rate_stays)
{
	cr_assert_eq(slow_reader(4000, 45), 0);
}

Test(limits, send_rate_is_counted_by_reason)
{
	struct blob *b = h_blob(&H, 100000, 12, 3);

	/* Nothing is ever acknowledged, though the window is open. */
	cr_assert_eq(tcp_conn_send_blob(A->c, b, 0, 100000), 0);
	h_advance(&H, H.now + 10 * SEC);
	cr_assert(A->closed);
	cr_assert_eq(A->why, TCP_CLOSE_TIMEOUT);
	/* The first RTOs came before; the rate check closed it. */
	cr_assert_eq(h_stats(&H)->timeout_send, 1);
	cr_assert_eq(h_stats(&H)->timeout_retransmit, 0);
	h_fini(&H);
	h_blob_free(b);
	h_init(&H, NULL, 4, false, 0);
}

Test(limits, zero_window_is_closed_after_the_persist_timeout)
{
	struct tcp_config cfg;
	struct pkt_info pi;
	uint64_t t0;
	int i;

	h_fini(&H);
	limits_config(&cfg);
	cfg.send_timeout_ns = 1000 * SEC; /* only persist may close it */
	cfg.max_retransmits = 100;
	setup_cfg(&cfg);
	h_ack(&H, H.s_nxt, 0);
	cr_assert_eq(tcp_conn_send_copy(A->c, "hello", 5), 0);
	t0 = H.now;
	for (i = 1; i < 200 && !A->closed; i++) {
		h_advance(&H, t0 + (uint64_t)i * SEC);
		/* Every probe is answered, the window still shut. */
		while (h_recv(&H, &pi))
			;
		if (!A->closed)
			h_ack(&H, H.s_nxt, 0);
	}
	cr_assert(A->closed);
	cr_assert(i - 1 >= 30 && i - 1 <= 30 + 64, "closed after %d s", i - 1);
	cr_assert_eq(h_stats(&H)->timeout_persist, 1);
	cr_assert_eq(h_stats(&H)->timeout_retransmit, 0);
}

/* A SYN from the current client address and port; true if it was refused (RST|ACK). */
static bool syn_refused(void)
{
	struct pkt_info pi;

	cr_assert(h_syn(&H, &O, &pi), "the SYN got no answer");
	return pi.flags == (PKT_RST | PKT_ACK);
}

/* Frames for earlier ports (RSTs of closed connections) are not the new client's. */
static void next_port(void)
{
	fake_nic_clear(&H.nic);
	H.cl.sport++;
}

static void restart(uint32_t max_conns, uint32_t per_source, uint8_t family)
{
	struct tcp_config cfg;

	h_fini(&H);
	limits_config(&cfg);
	cfg.max_conns = max_conns;
	cfg.max_conns_per_source = per_source;
	h_init(&H, &cfg, family, false, 0);
}

Test(limits, per_source_cap_refuses_that_source_only)
{
	struct h_app *first;

	restart(64, 3, 4);
	first = h_connect(&H, &O);
	for (int i = 0; i < 2; i++) {
		next_port();
		h_connect(&H, &O);
	}
	next_port();
	cr_assert(syn_refused(), "a fourth connection from one address is refused");
	cr_assert_eq(h_stats(&H)->conns_refused_source, 1);
	cr_assert_eq(h_stats(&H)->conns_active, 3);
	/* Another address is served. */
	H.cl.saddr[3] = 3;
	h_connect(&H, &O);
	cr_assert_eq(h_stats(&H)->conns_active, 4);
	/* When one of the first address's connections ends, that address may open one again. */
	H.cl.saddr[3] = 2;
	tcp_conn_abort(first->c);
	h_poll(&H);
	cr_assert(first->closed);
	next_port();
	h_connect(&H, &O);
	cr_assert_eq(h_stats(&H)->conns_refused_source, 1);
}

Test(limits, per_source_cap_counts_an_ipv6_slash_64_as_one_source)
{
	restart(64, 2, 6);
	h_connect(&H, &O);
	H.cl.saddr[15] = 3; /* same /64 */
	next_port();
	h_connect(&H, &O);
	H.cl.saddr[15] = 4;
	next_port();
	cr_assert(syn_refused());
	H.cl.saddr[7] = 1; /* another /64 */
	cr_assert(!syn_refused());
	cr_assert_eq(h_stats(&H)->conns_refused_source, 1);
}

Test(limits, nearly_full_table_evicts_idle_keepalive_oldest_first)
{
	struct h_app *c[3];

	restart(4, 0, 4); /* a reserve of one slot */
	for (int i = 0; i < 3; i++) {
		next_port();
		c[i] = h_connect(&H, &O);
	}
	/* c[1] went idle first, then c[0]; c[2] is busy. */
	tcp_conn_set_deadline(c[1]->c, TCP_DEADLINE_KEEPALIVE);
	h_advance(&H, H.now + SEC);
	tcp_conn_set_deadline(c[0]->c, TCP_DEADLINE_KEEPALIVE);
	h_drain(&H);
	next_port();
	h_connect(&H, &O);
	cr_assert(c[1]->closed, "the oldest idle connection made room");
	cr_assert_eq(c[1]->why, TCP_CLOSE_ABORTED);
	cr_assert(!c[0]->closed);
	cr_assert_eq(h_stats(&H)->conns_evicted, 1);
	next_port();
	h_connect(&H, &O);
	cr_assert(c[0]->closed);
	cr_assert(!c[2]->closed, "a busy connection is never evicted");
	/* No idle one left: the reserve slot, then refusal. */
	next_port();
	h_connect(&H, &O);
	cr_assert_eq(h_stats(&H)->conns_active, 4);
	next_port();
	cr_assert(syn_refused());
	cr_assert_eq(h_stats(&H)->conns_refused_full, 1);
	cr_assert_eq(h_stats(&H)->conns_evicted, 2);
}

/* The next frame sent, whoever it is for: its client port and payload length. */
static bool take_any(uint16_t *dport, uint32_t *len, uint8_t *flags)
{
	const struct fake_frame *f = fake_nic_take(&H.nic);
	struct pkt_info pi;

	if (!f)
		return false;
	cr_assert_eq(pkt_parse(f->data, f->len, &pi), 0);
	*dport = pi.dport;
	*len = pi.len;
	*flags = pi.flags;
	return true;
}

/* Two connections on ports 40001 and 40002, each with 200 KB queued. */
static void two_senders(struct blob **b, uint32_t quantum)
{
	struct tcp_config cfg;
	struct h_app *c[2];

	h_fini(&H);
	limits_config(&cfg);
	cfg.tx_quantum_segs = quantum;
	h_init(&H, &cfg, 4, false, 0);
	for (int i = 0; i < 2; i++) {
		next_port();
		c[i] = h_connect(&H, &O);
	}
	fake_nic_clear(&H.nic);
	*b = h_blob(&H, 200000, 12, 11);
	for (int i = 0; i < 2; i++)
		cr_assert_eq(tcp_conn_send_blob(c[i]->c, *b, 0, 200000), 0);
}

Test(limits, output_rotates_between_connections_by_quantum)
{
	uint16_t want[] = {40001, 40001, 40002, 40002, 40001, 40001, 40002, 40002};
	uint16_t port;
	uint32_t len;
	uint8_t flags;
	struct blob *b;

	two_senders(&b, 2);
	h_poll(&H);
	for (unsigned int i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		cr_assert(take_any(&port, &len, &flags));
		cr_assert_eq(port, want[i], "frame %u went to %u", i, port);
		cr_assert_gt(len, 0);
	}
	h_fini(&H);
	h_blob_free(b);
	h_init(&H, NULL, 4, false, 0);
}

Test(limits, few_tx_frames_are_shared_not_taken_by_one)
{
	uint32_t n[2] = {0, 0}, len;
	uint16_t port;
	uint8_t flags;
	struct blob *b;

	two_senders(&b, 2);
	H.nic.allow = 6; /* the ring takes six frames this round */
	h_poll(&H);
	while (take_any(&port, &len, &flags))
		n[port - 40001]++;
	cr_assert_eq(n[0] + n[1], 6);
	cr_assert(n[0] >= 2 && n[1] >= 2, "frames %u and %u", n[0], n[1]);
	h_fini(&H);
	h_blob_free(b);
	h_init(&H, NULL, 4, false, 0);
}

Test(limits, control_segments_go_out_from_the_reserve)
{
	struct pkt_info pi;
	struct blob *b = h_blob(&H, 100000, 12, 5);
	char seg[1448];

	/* Only the reserve is left: data waits ... */
	H.nic.room = (int64_t)H.cfg.tx_reserve_frames;
	cr_assert_eq(tcp_conn_send_blob(A->c, b, 0, 100000), 0);
	h_poll(&H);
	cr_assert(!h_recv(&H, &pi), "data took a reserved frame");
	cr_assert_gt(h_stats(&H)->tx_reserve_held, 0);
	/* ... while the ACK of the client's data goes. */
	memset(seg, 'a', sizeof(seg));
	h_data(&H, seg, sizeof(seg), 0);
	h_data(&H, seg, sizeof(seg), 0);
	h_poll(&H);
	cr_assert(h_recv(&H, &pi), "no ACK");
	cr_assert_eq(pi.len, 0);
	cr_assert_eq(pi.ack, H.c_nxt);
	/* So does a SYN-ACK for a new client. */
	next_port();
	cr_assert(h_syn(&H, &O, &pi));
	cr_assert_eq(pi.flags, PKT_SYN | PKT_ACK);
	/* Frames free again: the data flows. */
	H.nic.room = -1;
	fake_nic_clear(&H.nic);
	H.cl.sport--;
	h_poll(&H);
	cr_assert(h_recv(&H, &pi));
	cr_assert_gt(pi.len, 0);
	h_fini(&H);
	h_blob_free(b);
	h_init(&H, NULL, 4, false, 0);
}
