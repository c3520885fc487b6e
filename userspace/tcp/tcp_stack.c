// SPDX-License-Identifier: GPL-2.0-only
/*
 * tcp_stack.c — one worker's TCP/IP stack as the worker loop sees it:
 * create/destroy (every table preallocated here), tcp_stack__input() (the
 * entry of the receive path: eth_input -> tcp_input), tcp_stack__poll()
 * (timers, then output of every connection with something to send), and
 * the read-only views (stats, for_each).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "net/eth.h"
#include "common/siphash.h"
#include "tcp/tcp_int.h"

void tcp_config_default(struct tcp_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->max_conns = 16384;
	cfg->max_time_wait = 16384;
	cfg->max_conns_per_source = 256;
	cfg->rx_buf_size = 16384;
	cfg->tx_copy_size = 8192;
	cfg->tx_max_pieces = 64;
	cfg->mss = 1460;
	cfg->tx_quantum_segs = 16;
	cfg->tx_reserve_frames = 16;
	cfg->tx_limit_min_segs = 4;
	cfg->tx_limit_max_segs = 64;
	cfg->timestamps = true;
	cfg->sack = true;
	cfg->window_scale = true;
	cfg->init_cwnd_segs = 10;
	cfg->rto_initial_ns = 1 * NSEC_PER_SEC;
	cfg->rto_min_ns = 200 * NSEC_PER_MSEC;
	cfg->rto_max_ns = TCP_RTO_MAX_NS;
	cfg->max_retransmits = TCP_RETRIES_DEFAULT;
	cfg->idle_timeout_ns = 60 * NSEC_PER_SEC;
	cfg->header_timeout_ns = 20 * NSEC_PER_SEC;
	cfg->keepalive_timeout_ns = 15 * NSEC_PER_SEC;
	cfg->send_timeout_ns = 20 * NSEC_PER_SEC;
	cfg->min_send_rate = 256;
	cfg->persist_timeout_ns = 60 * NSEC_PER_SEC;
	cfg->time_wait_ns = 60 * NSEC_PER_SEC;
	cfg->fin_wait_ns = 30 * NSEC_PER_SEC;
	cfg->cc = &tcp_cc_cubic;
}

static bool tcp_config_valid(const struct tcp_config *cfg)
{
	return cfg->max_conns >= 1 && cfg->max_conns <= (1u << 24) &&
	       cfg->max_time_wait <= (1u << 24) && cfg->rx_buf_size >= 64 &&
	       cfg->rx_buf_size <= (1u << 30) && cfg->tx_copy_size >= 64 &&
	       cfg->tx_copy_size <= (1u << 30) && cfg->tx_max_pieces >= 2 &&
	       cfg->tx_max_pieces <= 65536 && cfg->mss >= 236 && cfg->mss <= 65495 &&
	       cfg->tx_quantum_segs >= 1 && cfg->tx_limit_min_segs >= 1 &&
	       cfg->tx_limit_max_segs >= cfg->tx_limit_min_segs &&
	       cfg->tx_limit_max_segs <= 65535 && cfg->init_cwnd_segs >= 1 &&
	       cfg->init_cwnd_segs <= 1000 && cfg->rto_min_ns &&
	       cfg->rto_min_ns <= cfg->rto_initial_ns && cfg->rto_initial_ns <= cfg->rto_max_ns &&
	       cfg->max_retransmits >= 1 && cfg->idle_timeout_ns && cfg->time_wait_ns &&
	       cfg->fin_wait_ns && cfg->header_timeout_ns && cfg->keepalive_timeout_ns &&
	       cfg->send_timeout_ns && cfg->persist_timeout_ns &&
	       (!cfg->cc || (cfg->cc->ssthresh && cfg->cc->cong_avoid));
}

static uint32_t pow2_at_least(uint32_t n)
{
	uint32_t p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

static void *calloc_checked(uint64_t n, uint64_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return calloc(n ? n : 1, size ? size : 1);
}

static void tcp_stack_free(struct tcp_stack *s)
{
	free(s->conns);
	free(s->rx_mem);
	free(s->tx_mem);
	free(s->piece_mem);
	free(s->buckets);
	free(s->srcs);
	free(s->src_buckets);
	free(s->tws);
	free(s->tw_buckets);
	free(s->rexmt_heap.v);
	free(s);
}

void tcp_hash_key_derive(const uint8_t syncookie_key[16], uint8_t out[16])
{
	static const char label_a[] = "xdpserve tcp table a", label_b[] = "xdpserve tcp table b";
	uint64_t h;

	h = siphash24(syncookie_key, label_a, sizeof(label_a));
	memcpy(out, &h, 8);
	h = siphash24(syncookie_key, label_b, sizeof(label_b));
	memcpy(out + 8, &h, 8);
}

struct tcp_stack *tcp_stack__create(const struct tcp_config *cfg, struct nic *nic,
				    const struct tcp_app_ops *app, void *app_ctx)
{
	struct tcp_stack *s = NULL;
	uint32_t nb, i, mtu_mss;
	int err = -EINVAL;

	if (!cfg || !nic || !nic->ops || !app || !tcp_config_valid(cfg))
		goto out;
	err = -ENOMEM;
	s = calloc(1, sizeof(*s));
	if (!s)
		goto out;
	s->cfg = *cfg;
	s->nic = nic;
	s->app = app;
	s->app_ctx = app_ctx;
	s->cc = cfg->cc ? cfg->cc : &tcp_cc_cubic;
	s->accepting = true;

	/* Connections and their buffers. Large blocks come from mmap and stay untouched until used.
	 */
	s->conns = calloc_checked(cfg->max_conns, sizeof(*s->conns));
	s->rx_mem = calloc_checked(cfg->max_conns, cfg->rx_buf_size);
	s->tx_mem = calloc_checked(cfg->max_conns, cfg->tx_copy_size);
	s->piece_mem = calloc_checked((uint64_t)cfg->max_conns * cfg->tx_max_pieces,
				      sizeof(*s->piece_mem));
	nb = pow2_at_least(cfg->max_conns);
	s->buckets = calloc_checked(nb, sizeof(*s->buckets));
	s->hash_mask = nb - 1;
	s->srcs = calloc_checked(cfg->max_conns, sizeof(*s->srcs));
	s->src_buckets = calloc_checked(nb, sizeof(*s->src_buckets));
	s->rexmt_heap.v = calloc_checked(cfg->max_conns, sizeof(*s->rexmt_heap.v));
	s->rexmt_heap.cap = cfg->max_conns;
	nb = pow2_at_least(cfg->max_time_wait ? cfg->max_time_wait : 1);
	s->tws = calloc_checked(cfg->max_time_wait, sizeof(*s->tws));
	s->tw_buckets = calloc_checked(nb, sizeof(*s->tw_buckets));
	s->tw_hash_mask = nb - 1;
	if (!s->conns || !s->rx_mem || !s->tx_mem || !s->piece_mem || !s->buckets || !s->srcs ||
	    !s->src_buckets || !s->rexmt_heap.v || !s->tws || !s->tw_buckets)
		goto out;

	list_init(&s->free_conns);
	list_init(&s->active);
	list_init(&s->reap);
	list_init(&s->out_list);
	list_init(&s->free_tws);
	list_init(&s->free_srcs);
	for (i = 0; i <= s->hash_mask; i++) {
		list_init(&s->buckets[i]);
		list_init(&s->src_buckets[i]);
	}
	for (i = 0; i <= s->tw_hash_mask; i++)
		list_init(&s->tw_buckets[i]);
	/* LIFO free lists: recently used (already touched) memory is reused first. */
	for (i = cfg->max_conns; i-- > 0;) {
		list_add_head(&s->free_conns, &s->conns[i].list_node);
		list_add_head(&s->free_srcs, &s->srcs[i].node);
	}
	s->nfree_conns = cfg->max_conns;
	for (i = cfg->max_time_wait; i-- > 0;) {
		tcp_ftimer_init(&s->tws[i].timer);
		list_add_head(&s->free_tws, &s->tws[i].hash_node);
	}
	tcp_timer_fifo_init(&s->delack_fifo, TCP_DELACK_NS);
	tcp_timer_fifo_init(&s->idle_fifo, cfg->idle_timeout_ns);
	tcp_timer_fifo_init(&s->finwait_fifo, cfg->fin_wait_ns);
	tcp_timer_fifo_init(&s->tw_fifo, cfg->time_wait_ns);
	tcp_timer_fifo_init(&s->header_fifo, cfg->header_timeout_ns);
	tcp_timer_fifo_init(&s->keepalive_fifo, cfg->keepalive_timeout_ns);
	tcp_timer_fifo_init(&s->rate_fifo, cfg->send_timeout_ns);

	/* The table and timestamp-offset key is derived from the secret, never the secret itself.
	 */
	tcp_hash_key_derive(cfg->syncookie_key, s->hash_key);

	/* Our window shift: the smallest that lets the whole buffer be advertised. */
	while ((cfg->rx_buf_size >> s->rcv_wscale) > 65535 && s->rcv_wscale < TCP_MAX_WSCALE)
		s->rcv_wscale++;
	/* cfg->mss is the IPv4 figure; IPv6 headers take 20 bytes more. */
	s->rcv_mss_v4 = cfg->mss;
	s->rcv_mss_v6 = (uint16_t)(cfg->mss - 20);
	if (nic->mtu) {
		mtu_mss = nic->mtu > 40 ? nic->mtu - 40 : 0;
		if (mtu_mss < s->rcv_mss_v4)
			s->rcv_mss_v4 = (uint16_t)(mtu_mss > 216 ? mtu_mss : 216);
		mtu_mss = nic->mtu > 60 ? nic->mtu - 60 : 0;
		if (mtu_mss < s->rcv_mss_v6)
			s->rcv_mss_v6 = (uint16_t)(mtu_mss > 216 ? mtu_mss : 216);
	}
	s->rl_full = (struct log_ratelimit)LOG_RATELIMIT_INIT(10 * NSEC_PER_SEC, 1);
	s->rl_source = (struct log_ratelimit)LOG_RATELIMIT_INIT(10 * NSEC_PER_SEC, 1);
	/* Completions of our frames come back to the TX limits (tcp_tsq.c). */
	nic->tx_done = tcp_tsq_tx_done;
	nic->tx_done_arg = s;
	return s;
out:
	if (s)
		tcp_stack_free(s);
	errno = -err;
	return NULL;
}

void tcp_stack__destroy(struct tcp_stack *s)
{
	struct tcp_conn *c;

	if (!s)
		return;
	/* Connections already finished get their own reason first. */
	tcp_conn_reap(s);
	while ((c = list_first(&s->active, struct tcp_conn, list_node)))
		tcp_conn_close(c, TCP_CLOSE_SHUTDOWN, false);
	tcp_conn_reap(s);
	if (s->nic->tx_done_arg == s) {
		s->nic->tx_done = NULL;
		s->nic->tx_done_arg = NULL;
	}
	tcp_stack_free(s);
}

void tcp_stack__input(struct tcp_stack *s, const uint8_t *frame, uint32_t len, uint64_t now_ns)
{
	struct net_rx rx;

	s->now = now_ns;
	s->stats.rx_frames++;
	switch (eth_input(frame, len, &rx)) {
	case NET_OK:
		if (s->cfg.local_mac_set)
			memcpy(rx.path.local_mac, s->cfg.local_mac, NET_ETH_ALEN);
		if (rx.ptb)
			tcp_pmtu_input(s, &rx);
		else
			tcp_input(s, &rx);
		break;
	case NET_DROP_CSUM:
		s->stats.rx_drop_csum++;
		break;
	case NET_DROP_UNSUPPORTED:
		s->stats.rx_drop_unsupported++;
		break;
	case NET_DROP_MALFORMED:
	default:
		s->stats.rx_drop_malformed++;
		break;
	}
	tcp_conn_reap(s);
}

/*
 * One turn of the output rotation: every connection waiting to send gets
 * up to tx_quantum_segs data segments, in order; one with more to send
 * goes to the back for the next turn, so no connection takes every frame.
 * Returns true when the NIC ran out of frames: the others still had their
 * try, and control segments still go out from the reserve.
 */
static bool tcp_stack_output_turn(struct tcp_stack *s)
{
	struct list_node turn;
	struct tcp_conn *c;
	bool blocked = false;

	list_move_all(&turn, &s->out_list);
	while ((c = list_first(&turn, struct tcp_conn, out_node))) {
		int err;

		list_del(&c->out_node);
		s->turn_left = s->cfg.tx_quantum_segs;
		err = tcp_output(c);
		if (err == -ENOBUFS) {
			s->stats.tx_no_frame++;
			blocked = true;
		}
		if (err)
			tcp_conn_want_output(c);
	}
	return blocked;
}

uint64_t tcp_stack__poll(struct tcp_stack *s, uint64_t now_ns)
{
	bool blocked;
	uint64_t next;

	s->now = now_ns;
	tcp_timer_run(s, now_ns);
	do
		blocked = tcp_stack_output_turn(s);
	while (!blocked && !list_empty(&s->out_list));
	tcp_conn_reap(s);
	/* Waiting for frames, or for completions that let a connection send more. */
	if (blocked || !list_empty(&s->out_list) || s->tsq_throttled)
		return now_ns;
	next = tcp_timer_next(s);
	return next < now_ns ? now_ns : next;
}

void tcp_stack__set_accepting(struct tcp_stack *s, bool accepting)
{
	s->accepting = accepting;
}

bool tcp_stack__accepts_syns(const struct tcp_stack *s)
{
	/* As tcp_source_admit() decides for a SYN, less the per-source count. */
	return s->accepting && (s->nfree_conns || !list_empty(&s->keepalive_fifo.head));
}

void tcp_stack__synack_params(const struct tcp_stack *s, struct tcp_synack_params *p)
{
	p->mss_v4 = s->rcv_mss_v4;
	p->mss_v6 = s->rcv_mss_v6;
	p->window = (uint16_t)(s->cfg.rx_buf_size > 65535 ? 65535 : s->cfg.rx_buf_size);
	p->wscale = s->rcv_wscale;
	p->timestamps = s->cfg.timestamps;
	p->sack = s->cfg.sack;
	p->window_scale = s->cfg.window_scale;
}

void tcp_stack__set_limits(struct tcp_stack *s, const struct tcp_config *cfg)
{
	s->cfg.max_conns_per_source = cfg->max_conns_per_source;
	s->cfg.header_timeout_ns = cfg->header_timeout_ns;
	s->cfg.keepalive_timeout_ns = cfg->keepalive_timeout_ns;
	s->cfg.send_timeout_ns = cfg->send_timeout_ns;
	s->cfg.min_send_rate = cfg->min_send_rate;
	s->cfg.persist_timeout_ns = cfg->persist_timeout_ns;
	/*
	 * The FIFOs stay ordered while durations only grow; a shorter one
	 * lets a new timer wait behind older ones, at most the old duration.
	 */
	s->header_fifo.duration_ns = cfg->header_timeout_ns;
	s->keepalive_fifo.duration_ns = cfg->keepalive_timeout_ns;
	s->rate_fifo.duration_ns = cfg->send_timeout_ns;
}

const struct tcp_stats *tcp_stack__stats(const struct tcp_stack *s)
{
	return &s->stats;
}

uint64_t tcp_stack__now(const struct tcp_stack *s)
{
	return s->now;
}

void tcp_stack__for_each_conn(struct tcp_stack *s, void (*fn)(struct tcp_conn *c, void *arg),
			      void *arg)
{
	struct list_node *pos, *tmp;

	list_for_each_safe (pos, tmp, &s->active)
		fn(list_entry(pos, struct tcp_conn, list_node), arg);
	list_for_each_safe (pos, tmp, &s->tw_fifo.head) {
		struct tcp_ftimer *t = list_entry(pos, struct tcp_ftimer, node);

		tcp_time_wait_fill_view(s, container_of(t, struct tcp_tw, timer), &s->tw_view);
		fn(&s->tw_view, arg);
	}
}
