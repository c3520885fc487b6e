// SPDX-License-Identifier: GPL-2.0-only
/*
 * harness.c — the fixture of the TCP unit tests (see harness.h).
 */
#include "harness.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

static const uint8_t client_mac[6] = {0x02, 0, 0, 0, 0, 0x01};
static const uint8_t server_mac[6] = {0x02, 0, 0, 0, 0, 0x02};

static void *app_accepted(void *ctx, struct tcp_conn *c)
{
	struct harness *h = ctx;
	struct h_app *a;

	if (h->refuse)
		return NULL;
	cr_assert_lt(h->napps, H_MAX_APPS, "too many connections for the harness");
	a = &h->apps[h->napps++];
	memset(a, 0, sizeof(*a));
	a->h = h;
	a->c = c;
	if (h->on_accepted)
		h->on_accepted(a);
	return a;
}

static void app_readable(void *ctx, struct tcp_conn *c)
{
	struct harness *h = ctx;
	struct h_app *a = tcp_conn_app(c);
	uint32_t len;
	const uint8_t *p = tcp_conn_rx_peek(c, &len);

	cr_assert_not_null(a);
	cr_assert_eq(a->c, c);
	a->readable++;
	if (h->consume && len) {
		uint32_t n = len < sizeof(a->rx) - a->rx_len ? len : sizeof(a->rx) - a->rx_len;

		memcpy(a->rx + a->rx_len, p, n);
		a->rx_len += n;
		tcp_conn_rx_consume(c, len);
	}
	if (tcp_conn_rx_eof(c))
		a->eof = true;
	if (h->on_readable)
		h->on_readable(a);
}

static void app_writable(void *ctx, struct tcp_conn *c)
{
	struct harness *h = ctx;
	struct h_app *a = tcp_conn_app(c);

	a->writable++;
	if (h->on_writable)
		h->on_writable(a);
}

static void app_closed(void *ctx, struct tcp_conn *c, enum tcp_close_reason why)
{
	struct h_app *a = tcp_conn_app(c);

	cr_assert_not_null(a);
	cr_assert(!a->closed, "closed() called twice");
	a->closed = true;
	a->why = why;
	a->c = NULL;
}

static const struct tcp_app_ops app_ops = {
	.accepted = app_accepted,
	.readable = app_readable,
	.writable = app_writable,
	.closed = app_closed,
};

void h_default_config(struct tcp_config *cfg)
{
	tcp_config_default(cfg);
	cfg->max_conns = 64;
	cfg->max_time_wait = 16;
	for (int i = 0; i < 16; i++)
		cfg->syncookie_key[i] = (uint8_t)(0x11 * i + 3);
}

void h_init(struct harness *h, const struct tcp_config *cfg, uint8_t family, bool sg,
	    uint32_t max_frags)
{
	h_init_app(h, cfg, family, sg, max_frags, NULL, NULL);
}

void h_init_app(struct harness *h, const struct tcp_config *cfg, uint8_t family, bool sg,
		uint32_t max_frags, const struct tcp_app_ops *ops, void *ctx)
{
	memset(h, 0, sizeof(*h));
	if (cfg)
		h->cfg = *cfg;
	else
		h_default_config(&h->cfg);
	h->umem_size = 64ull << 20;
	h->umem = calloc(1, h->umem_size);
	cr_assert_not_null(h->umem);
	fake_nic_init(&h->nic, sg, max_frags, 1500, h->umem);
	h->consume = true;
	h->now = 1000 * SEC; /* far from zero, like a monotonic clock */
	h->s = tcp_stack__create(&h->cfg, &h->nic.nic, ops ? ops : &app_ops, ops ? ctx : h);
	cr_assert_not_null(h->s, "tcp_stack__create failed");

	h->cl.family = family;
	memcpy(h->cl.src_mac, client_mac, 6);
	memcpy(h->cl.dst_mac, server_mac, 6);
	if (family == 4) {
		static const uint8_t ca[4] = {198, 18, 0, 2}, sa[4] = {198, 18, 0, 1};

		memcpy(h->cl.saddr, ca, 4);
		memcpy(h->cl.daddr, sa, 4);
	} else {
		static const uint8_t ca[16] = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
		static const uint8_t sa[16] = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

		memcpy(h->cl.saddr, ca, 16);
		memcpy(h->cl.daddr, sa, 16);
	}
	h->cl.sport = 40000;
	h->cl.dport = 80;
	h->cl.wscale = -1;
	h->c_nxt = 0x10000000;
	h->c_ts = 5000;
}

void h_fini(struct harness *h)
{
	tcp_stack__destroy(h->s);
	h->s = NULL;
	cr_expect_eq(h->nic.violations, 0, "the stack misused the NIC interface");
	fake_nic_fini(&h->nic);
	free(h->umem);
}

struct pkt_spec h_spec(struct harness *h, uint8_t flags)
{
	struct pkt_spec sp = h->cl;

	sp.flags = flags;
	sp.seq = h->c_nxt;
	sp.ack = h->s_nxt;
	sp.wnd = 65535;
	sp.wscale = -1;
	if (h->ts) {
		sp.ts = true;
		sp.tsval = h->c_ts;
		sp.tsecr = h->echo;
	}
	return sp;
}

void h_send(struct harness *h, const struct pkt_spec *sp)
{
	static uint8_t frame[70000];
	uint32_t len = pkt_build(frame, sizeof(frame), sp);

	cr_assert_gt(len, 0);
	tcp_stack__input(h->s, frame, len, h->now);
}

void h_ack(struct harness *h, uint32_t ack, uint32_t wnd)
{
	struct pkt_spec sp = h_spec(h, PKT_ACK);

	sp.ack = ack;
	wnd >>= h->c_ws;
	sp.wnd = (uint16_t)(wnd > 65535 ? 65535 : wnd);
	h_send(h, &sp);
}

void h_data(struct harness *h, const void *data, uint32_t len, uint8_t extra_flags)
{
	struct pkt_spec sp = h_spec(h, PKT_ACK | PKT_PSH | extra_flags);

	sp.payload = data;
	sp.len = len;
	h_send(h, &sp);
	h->c_nxt += len + !!(extra_flags & PKT_FIN);
}

uint64_t h_poll(struct harness *h)
{
	return tcp_stack__poll(h->s, h->now);
}

uint64_t h_advance(struct harness *h, uint64_t t)
{
	if (t > h->now)
		h->now = t;
	return h_poll(h);
}

bool h_recv(struct harness *h, struct pkt_info *pi)
{
	const struct fake_frame *f = fake_nic_take(&h->nic);
	uint32_t alen = h->cl.family == 4 ? 4 : 16;

	if (!f)
		return false;
	cr_assert_eq(pkt_parse(f->data, f->len, pi), 0, "the stack sent a malformed frame");
	cr_assert(pi->ip_csum_ok, "bad IPv4 header checksum");
	cr_assert(pi->tcp_csum_ok, "bad TCP checksum (seq %u len %u)", pi->seq, pi->len);
	cr_assert_eq(pi->family, h->cl.family);
	cr_assert_arr_eq(pi->dst_mac, h->cl.src_mac, 6, "not sent to the client's MAC");
	cr_assert_arr_eq(pi->src_mac, h->cfg.local_mac_set ? h->cfg.local_mac : h->cl.dst_mac, 6,
			 "not sent from the interface's MAC (or, unset, the MAC it was sent to)");
	cr_assert_arr_eq(pi->daddr, h->cl.saddr, alen);
	cr_assert_arr_eq(pi->saddr, h->cl.daddr, alen);
	cr_assert_eq(pi->dport, h->cl.sport);
	cr_assert_eq(pi->sport, h->cl.dport);
	cr_assert_eq(pi->vlan, h->cl.vlan, "VLAN tag not mirrored");
	if (pi->vlan)
		cr_assert_eq(pi->vlan_tci, h->cl.vlan_tci);
	cr_assert_eq(pi->ttl, 64);
	if (pi->family == 4)
		cr_assert(pi->df, "DF not set");
	if (pi->ts_ok && !(pi->flags & PKT_RST))
		h->echo = pi->tsval;
	return true;
}

int h_recv_data(struct harness *h, struct pkt_info *out, int max)
{
	struct pkt_info pi;
	int n = 0;

	while (h_recv(h, &pi))
		if (pi.len || (pi.flags & PKT_FIN)) {
			cr_assert_lt(n, max, "more than %d data segments", max);
			out[n++] = pi;
		}
	return n;
}

uint32_t h_drain(struct harness *h)
{
	struct pkt_info pi;
	uint32_t n = 0;

	while (h_recv(h, &pi))
		n++;
	return n;
}

bool h_syn(struct harness *h, const struct h_syn *o, struct pkt_info *synack)
{
	struct pkt_spec sp = h_spec(h, PKT_SYN);

	sp.ack = 0;
	sp.mss = o->mss;
	sp.wscale = o->wscale;
	sp.sack_perm = o->sack;
	sp.ts = o->ts;
	sp.tsval = h->c_ts;
	sp.tsecr = 0;
	h_send(h, &sp);
	if (!h_recv(h, synack))
		return false;
	return true;
}

struct h_app *h_connect(struct harness *h, const struct h_syn *o)
{
	int before = h->napps;

	h_handshake(h, o);
	cr_assert_eq(h->napps, before + 1, "handshake did not create a connection (rejected %d)",
		     (int)h_stats(h)->syncookies_rejected);
	return &h->apps[h->napps - 1];
}

void h_handshake(struct harness *h, const struct h_syn *o)
{
	struct pkt_info sa;

	h->ts = false;
	cr_assert(h_syn(h, o, &sa), "no SYN-ACK");
	cr_assert_eq(sa.flags, PKT_SYN | PKT_ACK);
	cr_assert_eq(sa.ack, h->c_nxt + 1);
	h->s_isn = sa.seq;
	h->s_nxt = sa.seq + 1;
	h->c_nxt++;
	h->ts = sa.ts_ok;
	h->c_ws = sa.ws_ok && o->wscale >= 0 ? (uint8_t)o->wscale : 0;
	h->s_ws = sa.ws_ok ? sa.ws : 0;
	h->s_mss = sa.mss;
	if (sa.ts_ok)
		h->echo = sa.tsval;
	h_ack(h, h->s_nxt, 65535u << h->c_ws);
}

struct h_app *h_last(struct harness *h)
{
	return h->napps ? &h->apps[h->napps - 1] : NULL;
}

static void blob_released(struct blob *b)
{
	(void)b;
}

static const struct blob_ops h_blob_ops = {.released = blob_released};

static uint64_t gcd(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

struct blob *h_blob(struct harness *h, uint64_t size, uint32_t shift, unsigned int seed)
{
	uint64_t fs = 1ull << shift, nframes = (size + fs - 1) / fs;
	struct blob *b = calloc(1, sizeof(*b));
	uint64_t *frames = calloc(nframes ? nframes : 1, sizeof(*frames));
	uint64_t base, step = 7;

	cr_assert(b && frames);
	base = (h->umem_used + fs - 1) & ~(fs - 1);
	cr_assert_leq(base + nframes * fs, h->umem_size, "fake UMEM too small");
	h->umem_used = base + nframes * fs;
	b->size = size;
	b->frame_shift = shift;
	b->nframes = (uint32_t)nframes;
	b->umem = h->umem;
	/* Frames in a scrambled order: neighbours in the blob are not neighbours in UMEM. */
	while (gcd(step, nframes) != 1)
		step += 2;
	for (uint64_t i = 0; i < nframes; i++)
		frames[i] = base + ((i * step + 3) % nframes) * fs;
	b->frames = frames;
	srand(seed);
	for (uint64_t off = 0; off < size;) {
		uint32_t contig;
		uint8_t *p = (uint8_t *)blob_ptr(b, off, &contig);

		for (uint32_t i = 0; i < contig; i++)
			p[i] = (uint8_t)rand();
		off += contig;
	}
	b->csum_prefix = calloc(blob_csum_entries(size), sizeof(uint16_t));
	cr_assert_not_null(b->csum_prefix);
	blob_csum_build(b);
	b->refs = 1;
	b->ops = &h_blob_ops;
	return b;
}

void h_blob_free(struct blob *b)
{
	free((void *)b->frames);
	free(b->csum_prefix);
	free(b);
}
