// SPDX-License-Identifier: GPL-2.0-only
/*
 * tcp_tsq.c — per-connection TX limits, like Linux's TCP small queues: a
 * connection may have only so many frames with payload handed to the NIC
 * and not yet completed by it — about a millisecond of data at its rate
 * (cwnd / SRTT), never fewer than tx_limit_min_segs nor more than
 * tx_limit_max_segs. The rest stays in the send queue and is built when
 * completions come back, so a reset or closed connection has little left
 * in the TX ring to trickle out, and one fast connection cannot fill the
 * ring ahead of everyone else.
 *
 * Each such frame is tagged (nic_ops.tag) with the connection's slot and
 * generation; the NIC reports the tag when the frame completes
 * (nic.tx_done -> tcp_tsq_tx_done), from its completion path, outside any
 * stack entry point. A NIC without tags has no limit.
 *
 *   tcp_output.c -> tcp_tsq_may_send / tcp_tsq_sending
 *   xsk completion (or the fake NIC) -> tcp_tsq_tx_done
 */
#include "tcp/tcp_int.h"

#define TCP_TSQ_IDX_BITS 24 /* max_conns <= 1 << 24 (tcp_config_valid) */
#define TCP_TSQ_IDX_MASK ((1u << TCP_TSQ_IDX_BITS) - 1)

uint32_t tcp_tsq_limit(const struct tcp_conn *c)
{
	const struct tcp_config *cfg = &c->s->cfg;
	uint64_t segs = cfg->tx_limit_min_segs;

	if (c->rtt_valid && c->srtt_ns && c->mss) {
		uint64_t per_ms = (uint64_t)c->cc.cwnd * NSEC_PER_MSEC / c->srtt_ns / c->mss;

		if (per_ms > segs)
			segs = per_ms;
	}
	return (uint32_t)(segs < cfg->tx_limit_max_segs ? segs : cfg->tx_limit_max_segs);
}

static inline uint32_t tcp_tsq_tag(const struct tcp_conn *c)
{
	return (uint32_t)(c - c->s->conns) | (uint32_t)c->tx_gen << TCP_TSQ_IDX_BITS;
}

bool tcp_tsq_may_send(struct tcp_conn *c)
{
	struct tcp_stack *s = c->s;

	if (!s->nic->ops->tag || c->tx_inflight < tcp_tsq_limit(c))
		return true;
	if (!c->tsq_throttled) {
		c->tsq_throttled = true;
		s->tsq_throttled++;
	}
	s->stats.tx_limit_held++;
	return false;
}

void tcp_tsq_sending(struct tcp_conn *c)
{
	struct nic *nic = c->s->nic;

	if (!nic->ops->tag)
		return;
	/* Counted before the commit: a NIC may complete the frame inside it. */
	c->tx_inflight++;
	nic->ops->tag(nic->ctx, tcp_tsq_tag(c));
}

void tcp_tsq_forget(struct tcp_conn *c)
{
	if (c->tsq_throttled) {
		c->tsq_throttled = false;
		c->s->tsq_throttled--;
	}
}

void tcp_tsq_tx_done(void *stack, uint32_t tag)
{
	struct tcp_stack *s = stack;
	uint32_t idx = tag & TCP_TSQ_IDX_MASK;
	struct tcp_conn *c;

	if (idx >= s->cfg.max_conns)
		return;
	c = &s->conns[idx];
	/* A connection that finished (or a later one in its slot) waits for nothing. */
	if (c->tx_gen != tag >> TCP_TSQ_IDX_BITS || c->state == TCP_STATE_FREE ||
	    c->state == TCP_STATE_CLOSED || !c->tx_inflight)
		return;
	c->tx_inflight--;
	/* Resume at half the limit: the next turn then builds a batch, not one frame. */
	if (c->tsq_throttled && c->tx_inflight <= tcp_tsq_limit(c) / 2) {
		tcp_tsq_forget(c);
		tcp_conn_want_output(c);
	}
}
