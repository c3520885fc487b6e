// SPDX-License-Identifier: GPL-2.0-only
/*
 * Whole transfers: responses of a copied header (odd length, so blob bytes
 * sit at odd checksum offsets) and a multi-megabyte blob, sent through a
 * scatter-gather NIC (blob bytes by reference) and a copy-only NIC, across
 * MSS values, to a client model that reassembles the stream, ACKs every
 * second segment and can lose segments. The received stream must be
 * byte-identical, and every frame's checksums pass the reference.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static struct harness H;

static void teardown(void)
{
	h_fini(&H);
}

/* The client: a reassembly buffer of the expected stream. */
#define CLIENT_RANGES 64

struct client {
	uint8_t *buf;  /* received bytes at their stream offsets */
	uint8_t *have; /* 1 where received */
	uint64_t total;
	uint64_t cum; /* cumulative ACK point */
	/* Out-of-order ranges above cum, sorted: what its SACK blocks report. */
	uint64_t range[CLIENT_RANGES][2];
	int nranges;
	bool sack;    /* put SACK blocks in ACKs */
	uint32_t wnd; /* advertised window, bytes */
	uint32_t loss_every;
	uint64_t segs, lost, max_seq_seen;
	uint64_t frames, ref_frames, max_desc;
	uint32_t max_len;
	bool fin; /* a FIN right after the last byte was seen */
};

/* Remember [a, b) as received above the cumulative point. */
static void client_note(struct client *cl, uint64_t a, uint64_t b)
{
	int i = 0, j;

	while (i < cl->nranges && cl->range[i][1] < a)
		i++;
	j = i;
	while (j < cl->nranges && cl->range[j][0] <= b) {
		a = cl->range[j][0] < a ? cl->range[j][0] : a;
		b = cl->range[j][1] > b ? cl->range[j][1] : b;
		j++;
	}
	if (j == i) {
		cr_assert_lt(cl->nranges, CLIENT_RANGES);
		memmove(cl->range[i + 1], cl->range[i], (size_t)(cl->nranges - i) * 16);
		cl->nranges++;
	} else {
		memmove(cl->range[i + 1], cl->range[j], (size_t)(cl->nranges - j) * 16);
		cl->nranges -= j - i - 1;
	}
	cl->range[i][0] = a;
	cl->range[i][1] = b;
	while (cl->nranges && cl->range[0][0] <= cl->cum) {
		if (cl->range[0][1] > cl->cum)
			cl->cum = cl->range[0][1];
		memmove(cl->range[0], cl->range[1], (size_t)(cl->nranges - 1) * 16);
		cl->nranges--;
	}
}

/* ACK the cumulative point, with up to three SACK blocks when enabled. */
static void client_ack(struct client *cl)
{
	struct pkt_spec sp = h_spec(&H, PKT_ACK);
	uint32_t wnd = cl->wnd >> H.c_ws;

	sp.ack = H.s_nxt + (uint32_t)cl->cum;
	sp.wnd = (uint16_t)(wnd > 65535 ? 65535 : wnd);
	if (cl->sack && H.ts) {
		for (int i = 0; i < cl->nranges && i < 3; i++) {
			sp.sack[i][0] = H.s_nxt + (uint32_t)cl->range[i][0];
			sp.sack[i][1] = H.s_nxt + (uint32_t)cl->range[i][1];
			sp.nsack++;
		}
	}
	h_send(&H, &sp);
}

static void client_init(struct client *cl, uint64_t total, uint32_t wnd, uint32_t loss_every)
{
	memset(cl, 0, sizeof(*cl));
	cl->buf = calloc(1, total);
	cl->have = calloc(1, total);
	cr_assert(cl->buf && cl->have);
	cl->total = total;
	cl->wnd = wnd;
	cl->loss_every = loss_every;
}

static void client_fini(struct client *cl)
{
	free(cl->buf);
	free(cl->have);
}

/* Take every frame sent; returns the number of data segments. */
static int client_receive(struct client *cl)
{
	const struct fake_frame *f;
	int n = 0;

	while ((f = fake_nic_take(&H.nic))) {
		struct pkt_info pi;
		uint64_t off;

		cr_assert_eq(pkt_parse(f->data, f->len, &pi), 0);
		cr_assert(pi.ip_csum_ok, "IPv4 header checksum");
		cr_assert(pi.tcp_csum_ok, "TCP checksum of seq %u len %u (%u descriptors)", pi.seq,
			  pi.len, f->ndesc);
		cr_assert_leq(f->len, 1500 + 14, "frame larger than the MTU");
		cr_assert_leq(pi.len, H.s_mss - (pi.ts_ok ? 12 : 0), "segment larger than the MSS");
		cr_assert_leq(f->ndesc, H.nic.nic.sg ? H.nic.nic.max_frags : 1);
		cr_assert_eq(pi.flags & PKT_RST, 0, "unexpected RST");
		cl->frames++;
		if (f->ndesc > 1)
			cl->ref_frames++;
		if (f->ndesc > cl->max_desc)
			cl->max_desc = f->ndesc;
		if (pi.ts_ok)
			H.echo = pi.tsval;
		if ((pi.flags & PKT_FIN) && pi.seq + pi.len == (uint32_t)(H.s_nxt + cl->total))
			cl->fin = true;
		if (!pi.len)
			continue;
		n++;
		off = (uint32_t)(pi.seq - H.s_nxt);
		cr_assert_leq(off + pi.len, cl->total, "data beyond the stream");
		/* Lose some first transmissions. */
		if (cl->loss_every && off >= cl->max_seq_seen && ++cl->segs % cl->loss_every == 0) {
			cl->max_seq_seen = off + pi.len;
			cl->lost++;
			continue;
		}
		if (off + pi.len > cl->max_seq_seen)
			cl->max_seq_seen = off + pi.len;
		memcpy(cl->buf + off, pi.payload, pi.len);
		memset(cl->have + off, 1, pi.len);
		client_note(cl, off, off + pi.len);
		if (pi.len > cl->max_len)
			cl->max_len = pi.len;
	}
	return n;
}

/* Run the transfer until the client has everything; returns the rounds used. */
static int run(struct client *cl)
{
	int rounds, since_ack = 0;

	for (rounds = 0; rounds < 200000 && cl->cum < cl->total; rounds++) {
		uint64_t next = h_poll(&H);
		int n = client_receive(cl);

		if (!n) {
			cr_assert_neq(next, UINT64_MAX, "stalled with %lu of %lu bytes",
				      (unsigned long)cl->cum, (unsigned long)cl->total);
			h_advance(&H, next);
			continue;
		}
		/*
		 * ACK every second segment (and whatever is left at the end of a
		 * burst); a SACK client compresses: one ACK per burst.
		 */
		since_ack += n;
		for (; since_ack >= 2 && !cl->sack; since_ack -= 2)
			client_ack(cl);
		if (since_ack) {
			client_ack(cl);
			since_ack = 0;
		}
		H.now += 50000; /* 50 us per round */
		H.c_ts++;
	}
	return rounds;
}

struct xfer_case {
	bool sg;
	uint32_t max_frags;
	uint8_t family;
	uint16_t mss;
	uint32_t hdr_len;
	uint64_t size;
	uint32_t frame_shift;
	uint32_t loss_every;
	bool ts;
	bool sack; /* the client reports SACK blocks and compresses ACKs */
};

static const struct xfer_case xfer_cases[] = {
	/* SG and copy mode across MSS values, odd header in front */
	{true, 4, 4, 1460, 117, 3 << 20, 12, 0, true, false},
	{false, 0, 4, 1460, 117, 3 << 20, 12, 0, true, false},
	{true, 4, 4, 1220, 117, 3 << 20, 12, 0, true, false},
	{false, 0, 4, 1220, 117, 3 << 20, 12, 0, true, false},
	{true, 4, 4, 536, 117, 3 << 20, 12, 0, true, false},
	{false, 0, 4, 536, 117, 3 << 20, 12, 0, true, false},
	{true, 4, 4, 1460, 118, 2 << 20, 12, 0, false, false},
	{false, 0, 4, 1460, 1, 2 << 20, 12, 0, false, false},
	/* IPv6 */
	{true, 4, 6, 1440, 117, 3 << 20, 12, 0, true, false},
	{false, 0, 6, 1220, 117, 3 << 20, 12, 0, true, false},
	/* small frames and one reference per frame: runs must be split or copied */
	{true, 2, 4, 1460, 117, 1 << 20, 11, 0, true, false},
	{true, 3, 4, 1460, 33, 1 << 20, 10, 0, true, false},
	/* loss: fast retransmit and RTO rebuild segments from the blob */
	{true, 4, 4, 1460, 117, 2 << 20, 12, 23, true, false},
	{false, 0, 4, 1460, 117, 2 << 20, 12, 23, true, false},
	{true, 4, 6, 1220, 117, 1 << 20, 12, 7, false, false},
	/* a SACK client that compresses its ACKs (as Linux does) */
	{true, 4, 4, 1460, 117, 3 << 20, 12, 0, true, true},
	{true, 4, 4, 1460, 117, 3 << 20, 12, 19, true, true},
	{false, 0, 6, 1220, 117, 2 << 20, 12, 7, true, true},
};

ParameterizedTestParameters(transfer, blob_stream_is_byte_identical)
{
	return cr_make_param_array(struct xfer_case, xfer_cases,
				   sizeof(xfer_cases) / sizeof(xfer_cases[0]));
}

ParameterizedTest(const struct xfer_case *xc, transfer, blob_stream_is_byte_identical,
		  .fini = teardown, .timeout = 60)
{
	struct h_syn o = {xc->mss, 7, true, xc->ts};
	struct client cl;
	struct h_app *a;
	struct blob *b;
	uint8_t hdr[1024], *expect;
	uint64_t total = xc->hdr_len + xc->size;

	h_init(&H, NULL, xc->family, xc->sg, xc->max_frags);
	a = h_connect(&H, &o);
	b = h_blob(&H, xc->size, xc->frame_shift, 42);
	for (uint32_t i = 0; i < xc->hdr_len; i++)
		hdr[i] = (uint8_t)('A' + i % 26);
	cr_assert_eq(tcp_conn_send_copy(a->c, hdr, xc->hdr_len), 0);
	cr_assert_eq(tcp_conn_send_blob(a->c, b, 0, xc->size), 0);
	cr_assert_eq(tcp_conn_tx_queued(a->c), total);
	cr_assert_eq(b->refs, 2);

	client_init(&cl, total, 1 << 20, xc->loss_every);
	cl.sack = xc->sack;
	run(&cl);
	cr_assert_eq(cl.cum, total, "incomplete transfer");
	expect = malloc(total);
	memcpy(expect, hdr, xc->hdr_len);
	blob_copy(b, 0, xc->size, expect + xc->hdr_len);
	cr_assert(!memcmp(cl.buf, expect, total), "received stream differs from the blob");
	free(expect);
	cr_assert_eq(cl.max_len, (uint32_t)(xc->mss - (xc->ts ? 12 : 0)), "full-sized segments");
	if (xc->sg)
		cr_assert_gt(cl.ref_frames, cl.frames / 2, "SG mode sends blob bytes by reference");
	else
		cr_assert_eq(cl.ref_frames, 0, "copy mode never appends references");
	if (xc->loss_every)
		cr_assert_gt(h_stats(&H)->tx_retransmits, 0);
	/* Only a lone lost last segment may need the timer (nothing can report it). */
	if (xc->sack)
		cr_assert_leq(h_stats(&H)->rto_fired, 1,
			      "SACK recovery needs no timeout (%lu, loss 1/%u, v%u)",
			      (unsigned long)h_stats(&H)->rto_fired, xc->loss_every, xc->family);
	/* Everything acknowledged: the blob reference is back. */
	h_poll(&H);
	cr_assert_eq(tcp_conn_tx_queued(a->c), 0);
	cr_assert_eq(b->refs, 1);
	cr_assert_geq(a->writable, 1);
	h_blob_free(b);
	client_fini(&cl);
}

/* Pipelined responses: header, small blob, header, large blob, copied body... */
Test(transfer, pipelined_responses_in_order, .fini = teardown)
{
	struct h_syn o = {1460, 7, true, true};
	struct client cl;
	struct h_app *a;
	struct blob *b;
	uint8_t *expect;
	uint64_t total = 0;
	char hdr[64];

	h_init(&H, NULL, 4, true, 4);
	a = h_connect(&H, &o);
	b = h_blob(&H, 300000, 12, 9);
	expect = malloc(1 << 20);
	for (int i = 0; i < 20; i++) {
		uint64_t off = (uint64_t)i * 13001 % 200000, len = i % 3 ? 100 + i * 977u : 50;
		int n = snprintf(hdr, sizeof(hdr), "HTTP/1.1 200 OK\r\nContent-Length: %lu\r\n\r\n",
				 (unsigned long)len);

		cr_assert_eq(tcp_conn_send_copy(a->c, hdr, (uint32_t)n), 0);
		memcpy(expect + total, hdr, (size_t)n);
		total += (uint64_t)n;
		cr_assert_eq(tcp_conn_send_blob(a->c, b, off, len), 0);
		blob_copy(b, off, len, expect + total);
		total += len;
		if (i % 5 == 4) {
			/* let some of it go before queueing more */
			h_poll(&H);
		}
	}
	client_init(&cl, total, 1 << 20, 0);
	run(&cl);
	cr_assert_eq(cl.cum, total);
	cr_assert(!memcmp(cl.buf, expect, total));
	free(expect);
	h_poll(&H);
	cr_assert_eq(b->refs, 1);
	h_blob_free(b);
	client_fini(&cl);
}

/* The application refills the queue from writable(), as the HTTP layer streams. */
static struct blob *stream_blob;
static uint64_t stream_off;

static void refill(struct h_app *a)
{
	while (stream_off < stream_blob->size && tcp_conn_tx_queued(a->c) < 256 * 1024) {
		uint64_t len = stream_blob->size - stream_off < 65536
				       ? stream_blob->size - stream_off
				       : 65536;

		if (tcp_conn_send_blob(a->c, stream_blob, stream_off, len) < 0)
			break;
		if (tcp_conn_send_copy(a->c, "|", 1) < 0)
			break;
		stream_off += len;
	}
	if (stream_off == stream_blob->size)
		tcp_conn_shutdown(a->c);
}

Test(transfer, refill_from_writable_then_fin, .fini = teardown)
{
	struct h_syn o = {1460, 7, true, true};
	struct client cl;
	struct h_app *a;
	uint64_t chunks, total;
	uint8_t *expect;
	struct pkt_info pi;
	struct tcp_conn_info info;

	h_init(&H, NULL, 4, true, 4);
	a = h_connect(&H, &o);
	stream_blob = h_blob(&H, 4 << 20, 12, 5);
	chunks = (stream_blob->size + 65535) / 65536;
	total = stream_blob->size + chunks;
	H.on_writable = refill;
	refill(a);
	client_init(&cl, total, 1 << 20, 0);
	run(&cl);
	cr_assert_eq(cl.cum, total);
	expect = malloc(total);
	for (uint64_t i = 0, at = 0; i < chunks; i++) {
		uint64_t len = stream_blob->size - i * 65536 < 65536 ? stream_blob->size - i * 65536
								     : 65536;

		blob_copy(stream_blob, i * 65536, len, expect + at);
		at += len;
		expect[at++] = '|';
	}
	cr_assert(!memcmp(cl.buf, expect, total));
	free(expect);
	/* The FIN follows the last byte; once it is acknowledged, FIN_WAIT_2. */
	h_poll(&H);
	client_receive(&cl);
	tcp_conn_get_info(a->c, &info);
	cr_assert(cl.fin, "no FIN after the stream: %s off %lu queued %lu", info.state,
		  (unsigned long)stream_off, (unsigned long)tcp_conn_tx_queued(a->c));
	h_ack(&H, H.s_nxt + (uint32_t)total + 1, 1 << 20);
	h_poll(&H);
	while (h_recv(&H, &pi))
		;
	tcp_conn_get_info(a->c, &info);
	cr_assert_str_eq(info.state, "FIN_WAIT_2");
	cr_assert_eq(stream_blob->refs, 1);
	h_blob_free(stream_blob);
	client_fini(&cl);
}

/* A queue longer than the 32-bit sequence space (as one huge file would be). */
Test(transfer, queue_beyond_the_sequence_space, .fini = teardown, .timeout = 60)
{
	struct tcp_config cfg;
	struct h_syn o = {1460, 7, true, true};
	const uint64_t bsz = 16 << 20, want = 40 << 20;
	uint64_t got = 0;
	struct h_app *a;
	struct blob *b;

	h_default_config(&cfg);
	cfg.tx_max_pieces = 300;
	h_init(&H, &cfg, 4, true, 4);
	a = h_connect(&H, &o);
	b = h_blob(&H, bsz, 12, 3);
	/* 256 separate ranges of 16 MiB: exactly 2^32 bytes. */
	for (int i = 0; i < 256; i++)
		cr_assert_eq(tcp_conn_send_blob(a->c, b, 0, bsz), 0);
	cr_assert_eq(tcp_conn_tx_queued(a->c), 1ull << 32);
	tcp_conn_shutdown(a->c);
	for (int round = 0; round < 100000 && got < want; round++) {
		const struct fake_frame *f;
		uint64_t next = h_poll(&H);
		int n = 0;

		while ((f = fake_nic_take(&H.nic))) {
			struct pkt_info pi;
			uint32_t c;

			cr_assert_eq(pkt_parse(f->data, f->len, &pi), 0);
			cr_assert(pi.tcp_csum_ok);
			cr_assert_eq(pi.flags & (PKT_FIN | PKT_RST), 0, "no FIN before the end");
			if (!pi.len)
				continue;
			cr_assert_eq(pi.seq, (uint32_t)(H.s_nxt + got), "in order, no loss");
			for (uint32_t i = 0; i < pi.len; i++)
				cr_assert_eq(pi.payload[i], *blob_ptr(b, (got + i) % bsz, &c));
			got += pi.len;
			H.echo = pi.tsval;
			n++;
		}
		if (n)
			h_ack(&H, (uint32_t)(H.s_nxt + got), 1 << 20);
		else
			h_advance(&H, next);
	}
	cr_assert_geq(got, want);
	tcp_conn_abort(a->c);
	h_poll(&H);
	cr_assert_eq(b->refs, 1);
	h_blob_free(b);
}

/* Tiny blob ranges are cheaper copied than referenced, even with scatter-gather. */
Test(transfer, small_blob_ranges_are_copied, .fini = teardown)
{
	struct h_syn o = {1460, 7, true, true};
	const struct fake_frame *f;
	struct pkt_info pi;
	struct h_app *a;
	struct blob *b;
	uint32_t c;

	h_init(&H, NULL, 4, true, 8);
	a = h_connect(&H, &o);
	b = h_blob(&H, 100000, 12, 4);
	tcp_conn_send_copy(a->c, "HDR", 3);
	tcp_conn_send_blob(a->c, b, 10, 100);
	h_poll(&H);
	f = fake_nic_take(&H.nic);
	cr_assert_not_null(f);
	cr_assert_eq(f->ndesc, 1, "100 blob bytes go copied");
	cr_assert_eq(pkt_parse(f->data, f->len, &pi), 0);
	cr_assert(pi.tcp_csum_ok);
	cr_assert_eq(pi.len, 103);
	cr_assert_eq(pi.payload[3], *blob_ptr(b, 10, &c));
	/* A large range after it goes by reference. */
	tcp_conn_send_blob(a->c, b, 5000, 1000);
	h_poll(&H);
	f = fake_nic_take(&H.nic);
	cr_assert_not_null(f);
	cr_assert_eq(f->ndesc, 2);
	cr_assert_eq(f->copied_len, f->len - 1000, "only headers in the header frame");
	cr_assert_eq(pkt_parse(f->data, f->len, &pi), 0);
	cr_assert(pi.tcp_csum_ok);
	tcp_conn_abort(a->c);
	h_poll(&H);
	h_blob_free(b);
}
