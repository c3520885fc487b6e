// SPDX-License-Identifier: GPL-2.0-only
/*
 * tcp_input.c — the TCP input stage: tcp_stack__input() -> eth_input() ->
 * tcp_input(). Checks the header and checksum, parses options, and hands
 * the segment to its connection (tcp_process.c), its TIME_WAIT entry
 * (tcp_time_wait.c), or the passive-open path here: SYNs are answered with
 * a SYN cookie and no state; an ACK whose cookie validates creates the
 * connection. Anything else gets a RST (RFC 9293 §3.10.7.1).
 */
#include <arpa/inet.h>
#include <string.h>

#include "net/checksum.h"
#include "common/siphash.h"
#include "tcp/tcp_int.h"

/* A cookie ACK must echo a TSval we sent at most this long ago (two cookie periods). */
#define COOKIE_TS_MAX_AGE_MS (2 * SYNCOOKIE_PERIOD_NS / NSEC_PER_MSEC)

static inline uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

uint32_t tcp_input_ts_offset(const struct tcp_stack *s, const struct tcp_tuple *t)
{
	/* Per address pair, as RFC 7323 §7.1 suggests; needs no state. */
	struct {
		uint8_t laddr[16], raddr[16];
	} m;

	memcpy(m.laddr, t->laddr, 16);
	memcpy(m.raddr, t->raddr, 16);
	return (uint32_t)siphash24(s->hash_key, &m, sizeof(m));
}

/* Parse and verify the TCP header; false (and counted) when the segment is dropped. */
static bool tcp_parse(struct tcp_stack *s, const struct net_rx *rx, struct tcp_seg *seg)
{
	const uint8_t *th = rx->l4;
	uint32_t doff;

	if (rx->l4_len < TCP_HLEN)
		goto malformed;
	doff = (uint32_t)(th[12] >> 4) * 4;
	if (doff < TCP_HLEN || doff > rx->l4_len)
		goto malformed;
	if (csum_fold(csum_partial(th, rx->l4_len, rx->pseudo_sum)) != 0xffff) {
		s->stats.rx_drop_csum++;
		return false;
	}
	seg->rx = rx;
	seg->sport = get_be16(th);
	seg->dport = get_be16(th + 2);
	seg->seq = get_be32(th + 4);
	seg->ack = get_be32(th + 8);
	seg->flags = th[13] & 0x3f; /* ECE and CWR are ignored: no ECN */
	seg->wnd = get_be16(th + 14);
	seg->data = th + doff;
	seg->len = rx->l4_len - doff;
	if (!seg->sport || !seg->dport)
		goto malformed;
	if ((seg->flags & TCP_FLAG_SYN) && (seg->flags & (TCP_FLAG_RST | TCP_FLAG_FIN)))
		goto malformed;
	if (tcp_options_parse(th + TCP_HLEN, doff - TCP_HLEN, seg->flags & TCP_FLAG_SYN,
			      &seg->opts) < 0)
		goto malformed;
	return true;
malformed:
	s->stats.rx_drop_malformed++;
	return false;
}

/* Count a refusal by its reason, and say so (rate-limited); true if refused. */
static bool tcp_listen_refused(struct tcp_stack *s, const struct tcp_tuple *t, enum tcp_admit why)
{
	char addr[INET6_ADDRSTRLEN];

	if (why == TCP_ADMIT_OK)
		return false;
	s->stats.conns_refused++;
	if (why == TCP_ADMIT_SOURCE_FULL) {
		s->stats.conns_refused_source++;
		if (log_level_current >= LOG_LEVEL_INFO &&
		    log_ratelimit_allow(&s->rl_source, s->now))
			pr_info("tcp: %s%s has %u connections: refusing more; raise "
				"--max-conns-per-source if it is a NAT or a proxy",
				inet_ntop(t->family == NET_FAMILY_INET ? AF_INET : AF_INET6,
					  t->raddr, addr, sizeof(addr)),
				t->family == NET_FAMILY_INET ? "" : " (its /64)",
				s->cfg.max_conns_per_source);
		return true;
	}
	s->stats.conns_refused_full++;
	pr_ratelimited(&s->rl_full, s->now, LOG_LEVEL_WARN,
		       "tcp: connection table full (%u), none idle: refusing new connections; "
		       "raise --max-conns",
		       s->cfg.max_conns);
	return true;
}

/* A SYN for no connection: answer with a cookie, keep nothing. */
static void tcp_listen_syn(struct tcp_stack *s, const struct tcp_seg *seg,
			   const struct tcp_tuple *t)
{
	const struct tcp_opts *o = &seg->opts;
	struct tcp_syn_opts so = {.wscale = -1};
	struct tcp_source_id src;
	uint16_t peer_mss;
	uint32_t cookie;
	int peer_ws;
	bool sack;

	if (!s->accepting || (seg->flags & TCP_FLAG_ACK)) {
		s->stats.rx_drop_no_conn++;
		if (seg->flags & TCP_FLAG_ACK)
			tcp_output_reset_reply(s, seg);
		return;
	}
	s->stats.syn_received++;
	/* No room for this source (or anyone): refuse now, the client hears at once. */
	tcp_source_id(s, t, &src);
	if (tcp_listen_refused(s, t, tcp_source_admit(s, &src, false))) {
		tcp_output_reset_reply(s, seg);
		return;
	}
	peer_mss = o->mss_ok ? o->mss : (t->family == NET_FAMILY_INET ? 536 : 1220);
	peer_ws = s->cfg.window_scale && o->wscale_ok ? o->wscale : -1;
	sack = s->cfg.sack && o->sack_perm;
	cookie = syncookie_make(s->cfg.syncookie_key, t, seg->seq, syncookie_period(s->now),
				syncookie_opt_bits(t->family, peer_mss, peer_ws, sack));

	/* Window scale and SACK ride in the cookie; with timestamps, also in the TSval. */
	so.mss = t->family == NET_FAMILY_INET ? s->rcv_mss_v4 : s->rcv_mss_v6;
	so.wscale = peer_ws >= 0 ? s->rcv_wscale : -1;
	so.sack_perm = sack;
	if (s->cfg.timestamps && o->ts_ok) {
		so.ts = true;
		so.tsval = syncookie_ts_encode(tcp_ts_clock(s->now) + tcp_input_ts_offset(s, t),
					       peer_ws, sack);
		so.tsecr = o->tsval;
	}
	tcp_output_synack(s, seg, cookie, &so,
			  (uint16_t)(s->cfg.rx_buf_size > 65535 ? 65535 : s->cfg.rx_buf_size));
	s->stats.syncookies_sent++;
}

/*
 * A valid cookie ACK found the table full: the SYN-ACK went out while
 * there was room, and a burst took it before the ACK came. Drop the ACK,
 * as Linux does when a listener's accept queue overflows
 * (tcp_abort_on_overflow = 0): the client is retransmitting what it sent
 * with it, and each retransmission is the same cookie ACK again, opened
 * once a slot is free (or refused with an RST once the cookie is older
 * than its two periods). A RST here would fail a request the client was
 * told it could send.
 */
static void tcp_listen_overflow(struct tcp_stack *s)
{
	s->stats.syncookies_overflow++;
	s->ack_loss_until = s->now + NSEC_PER_SEC;
	pr_ratelimited(&s->rl_full, s->now, LOG_LEVEL_WARN,
		       "tcp: connection table full (%u), none idle: dropping completed handshakes "
		       "(clients retransmit) and refusing new ones; raise --max-conns",
		       s->cfg.max_conns);
}

/*
 * Within a second of losing a cookie ACK, an ACK for no connection whose
 * cookie does not check is most likely what followed the lost one (a FIN,
 * more data: their sequence numbers are past the cookie's), not a stale
 * segment: a RST would end the connection the client is about to
 * retransmit. It is dropped (counted as rejected) instead.
 *
 * A cookie ACK is lost when it finds the table full (tcp_listen_overflow)
 * or when the device drops it before the stack sees it: a burst overran
 * the RX ring, and of a client's ACK, request and FIN only the FIN came
 * through. The device is asked once per input batch (one `now`), and
 * that is enough: every frame of the batch was queued after any drop the
 * answer could miss.
 */
static bool tcp_listen_ack_lost(struct tcp_stack *s)
{
	const struct nic *n = s->nic;
	uint64_t lost;

	if (s->now < s->ack_loss_until)
		return true;
	if (!n->ops->rx_lost || s->rx_lost_asked == s->now)
		return false;
	s->rx_lost_asked = s->now;
	lost = n->ops->rx_lost(n->ctx);
	if (lost <= s->rx_lost) /* a running count: only a rise is a loss */
		return false;
	s->rx_lost = lost;
	s->ack_loss_until = s->now + NSEC_PER_SEC;
	return true;
}

/* Refuse a completed handshake: RST, counted. */
static void tcp_listen_refuse(struct tcp_stack *s, const struct tcp_seg *seg)
{
	s->stats.conns_refused++;
	tcp_output_reset_reply(s, seg);
}

/*
 * The TSecr of a cookie ACK must be a TSval we could have sent, carrying
 * option bits that agree with the cookie's; then its exact window shift
 * replaces the cookie's rounded one.
 */
static bool tcp_listen_ts_check(const struct tcp_stack *s, uint32_t tsecr, uint32_t ts_off,
				struct syncookie_opts *co)
{
	uint32_t ts_now = tcp_ts_clock(s->now) + ts_off;
	bool sack;
	int ws;

	if (seq_gt(tsecr, ts_now) || ts_now - tsecr > COOKIE_TS_MAX_AGE_MS ||
	    !syncookie_ts_decode(tsecr, &ws, &sack))
		return false;
	if (sack != co->sack || syncookie_wscale(ws) != co->wscale)
		return false;
	co->wscale = ws;
	return true;
}

bool tcp_input_cookie_valid(const struct tcp_stack *s, const struct tcp_seg *seg,
			    const struct tcp_tuple *t, struct tcp_cookie *ck)
{
	ck->ts_off = 0;
	if (!syncookie_check(s->cfg.syncookie_key, t, seg->seq - 1, seg->ack - 1,
			     syncookie_period(s->now), &ck->co))
		return false;
	if (!s->cfg.timestamps || !seg->opts.ts_ok)
		return true;
	ck->ts_off = tcp_input_ts_offset(s, t);
	return tcp_listen_ts_check(s, seg->opts.tsecr, ck->ts_off, &ck->co);
}

/* An ACK for no connection: it must carry a valid cookie. */
static void tcp_listen_ack(struct tcp_stack *s, const struct tcp_seg *seg,
			   const struct tcp_tuple *t, uint32_t hash)
{
	struct tcp_cookie ck;

	if (!tcp_input_cookie_valid(s, seg, t, &ck)) {
		s->stats.syncookies_rejected++;
		if (!tcp_listen_ack_lost(s))
			tcp_output_reset_reply(s, seg);
		return;
	}
	tcp_input_cookie_open(s, seg, t, hash, &ck);
}

void tcp_input_cookie_open(struct tcp_stack *s, const struct tcp_seg *seg,
			   const struct tcp_tuple *t, uint32_t hash, const struct tcp_cookie *ck)
{
	const struct syncookie_opts *co = &ck->co;
	const struct tcp_opts *o = &seg->opts;
	bool ts_ok = s->cfg.timestamps && o->ts_ok;
	struct tcp_source_id src;
	enum tcp_admit why;
	struct tcp_conn *c;
	uint16_t lim;
	void *app;

	s->stats.syncookies_accepted++;
	if (!s->accepting) {
		tcp_listen_refuse(s, seg);
		return;
	}
	tcp_source_id(s, t, &src);
	why = tcp_source_admit(s, &src, true);
	if (why == TCP_ADMIT_SOURCE_FULL) {
		tcp_listen_refused(s, t, why);
		tcp_output_reset_reply(s, seg);
		return;
	}
	c = why == TCP_ADMIT_OK ? tcp_conn_alloc(s, t, hash, &src) : NULL;
	if (!c) {
		tcp_listen_overflow(s);
		return;
	}

	c->path = seg->rx->path;
	c->iss = seg->ack - 1;
	c->snd_una = c->snd_nxt = c->snd_max = seg->ack;
	c->recover = c->iss;
	c->irs = seg->seq - 1;
	c->rcv_nxt = c->last_ack_sent = seg->seq;
	c->rcv_adv = seg->seq + (s->cfg.rx_buf_size > 65535 ? 65535 : s->cfg.rx_buf_size);
	c->ts_ok = ts_ok;
	if (ts_ok) {
		c->ts_off = ck->ts_off;
		c->ts_recent = o->tsval;
		c->ts_recent_ns = s->now;
	}
	c->sack_ok = s->cfg.sack && co->sack;
	if (s->cfg.window_scale && co->wscale >= 0) {
		c->snd_wscale = (uint8_t)co->wscale;
		c->rcv_wscale = s->rcv_wscale;
	}
	c->snd_wnd = (uint32_t)seg->wnd << c->snd_wscale;
	c->max_snd_wnd = c->snd_wnd;
	c->snd_wl1 = seg->seq;
	c->snd_wl2 = seg->ack;
	c->rcv_mss = t->family == NET_FAMILY_INET ? s->rcv_mss_v4 : s->rcv_mss_v6;
	lim = co->mss < c->rcv_mss ? co->mss : c->rcv_mss;
	c->mss = (uint16_t)(lim - (ts_ok ? TCPOLEN_TS_ALIGNED : 0));
	c->rto_ns = s->cfg.rto_initial_ns;
	c->cc.mss = c->mss;
	c->cc.cwnd = s->cfg.init_cwnd_segs * c->mss;
	c->cc.ssthresh = UINT32_MAX;
	c->cc.now_ns = s->now;
	if (s->cc->init)
		s->cc->init(&c->cc);
	tcp_conn_touch(c);

	app = s->app->accepted ? s->app->accepted(s->app_ctx, c) : NULL;
	if (!app) {
		/* Refused by the application: reset, no closed() callback. */
		if (c->state != TCP_STATE_CLOSED)
			s->stats.conns_refused++;
		c->refused = true;
		tcp_conn_close(c, TCP_CLOSE_ABORTED, true);
		return;
	}
	c->app = app;
	s->stats.conns_accepted++;
	if (c->state == TCP_STATE_CLOSED)
		return; /* aborted from inside accepted() */
	/* The ACK may carry the request, even a FIN. */
	tcp_process(c, (struct tcp_seg *)seg);
}

void tcp_input(struct tcp_stack *s, const struct net_rx *rx)
{
	struct tcp_seg seg;
	struct tcp_tuple t;
	struct tcp_conn *c;
	struct tcp_tw *tw;
	uint32_t hash;

	if (!tcp_parse(s, rx, &seg))
		return;
	tcp_conn_tuple_from_rx(&t, rx, seg.dport, seg.sport);

	/* One hash per segment: the connection, TIME_WAIT and a new connection's bucket. */
	hash = tcp_conn_tuple_hash(s, &t);
	c = tcp_conn_lookup_hashed(s, &t, hash);
	if (c) {
		tcp_process(c, &seg);
		return;
	}
	tw = tcp_time_wait_lookup(s, &t, hash);
	if (tw) {
		struct tcp_cookie ck;
		enum tcp_tw_verdict v = tcp_time_wait_input(s, tw, &seg, &ck);

		if (v == TCP_TW_KEEP)
			return;
		/* A new incarnation reopens the tuple (RFC 6191): forget the old one. */
		tcp_time_wait_free(s, tw);
		if (v == TCP_TW_REOPEN_COOKIE) {
			tcp_input_cookie_open(s, &seg, &t, hash, &ck);
			return;
		}
	}

	if (seg.flags & TCP_FLAG_RST) {
		s->stats.rx_drop_no_conn++;
		return;
	}
	if (seg.flags & TCP_FLAG_SYN)
		tcp_listen_syn(s, &seg, &t);
	else if (seg.flags & TCP_FLAG_ACK)
		tcp_listen_ack(s, &seg, &t, hash);
	else {
		s->stats.rx_drop_no_conn++;
		tcp_output_reset_reply(s, &seg);
	}
}
