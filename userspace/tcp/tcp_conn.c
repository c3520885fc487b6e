// SPDX-License-Identifier: GPL-2.0-only
/*
 * tcp_conn.c — the connection table and a connection's life: allocation
 * from the preallocated pool when a cookie ACK validates (tcp_input.c),
 * lookup for every segment, close and reap (closed() callback, slot back to
 * the pool), and the per-connection API of tcp.h that the HTTP layer calls
 * (receive buffer, send queue, shutdown, abort).
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "net/net.h"
#include "common/siphash.h"
#include "tcp/tcp_int.h"

const char *tcp_conn_state_name(uint8_t state)
{
	static const char *const names[] = {
		[TCP_STATE_FREE] = "FREE",
		[TCP_STATE_ESTABLISHED] = "ESTABLISHED",
		[TCP_STATE_FIN_WAIT_1] = "FIN_WAIT_1",
		[TCP_STATE_FIN_WAIT_2] = "FIN_WAIT_2",
		[TCP_STATE_CLOSING] = "CLOSING",
		[TCP_STATE_TIME_WAIT] = "TIME_WAIT",
		[TCP_STATE_CLOSE_WAIT] = "CLOSE_WAIT",
		[TCP_STATE_LAST_ACK] = "LAST_ACK",
		[TCP_STATE_CLOSED] = "CLOSED",
	};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : "?";
}

void tcp_conn_tuple_from_rx(struct tcp_tuple *t, const struct net_rx *rx, uint16_t lport,
			    uint16_t rport)
{
	memset(t, 0, sizeof(*t));
	t->family = rx->path.family;
	t->lport = lport;
	t->rport = rport;
	memcpy(t->laddr, rx->path.local_addr, 16);
	memcpy(t->raddr, rx->path.remote_addr, 16);
}

_Static_assert(offsetof(struct tcp_tuple, laddr) == 8, "family and ports in the first 8 bytes");

uint32_t tcp_conn_tuple_hash(const struct tcp_stack *s, const struct tcp_tuple *t)
{
	uint8_t m[16];

	if (t->family != NET_FAMILY_INET)
		return (uint32_t)siphash13(s->hash_key, t, sizeof(*t));
	/* IPv4: family, ports and the two addresses, without the 24 zero bytes. */
	memcpy(m, t, 8);
	memcpy(m + 8, t->laddr, 4);
	memcpy(m + 12, t->raddr, 4);
	return (uint32_t)siphash13(s->hash_key, m, sizeof(m));
}

static bool tuple_eq(const struct tcp_tuple *a, const struct tcp_tuple *b)
{
	return !memcmp(a, b, sizeof(*a));
}

struct tcp_conn *tcp_conn_lookup(struct tcp_stack *s, const struct tcp_tuple *t)
{
	return tcp_conn_lookup_hashed(s, t, tcp_conn_tuple_hash(s, t));
}

struct tcp_conn *tcp_conn_lookup_hashed(struct tcp_stack *s, const struct tcp_tuple *t,
					uint32_t hash)
{
	struct list_node *head = &s->buckets[hash & s->hash_mask], *pos;

	list_for_each (pos, head) {
		struct tcp_conn *c = list_entry(pos, struct tcp_conn, hash_node);

		if (tuple_eq(&c->tuple, t))
			return c;
	}
	return NULL;
}

#define RACK_X_START offsetof(struct tcp_conn, rack.x)
#define RACK_X_END   offsetof(struct tcp_conn, rack.n)
_Static_assert(RACK_X_END - RACK_X_START == sizeof(((struct tcp_rack *)0)->x),
	       "rack.n follows the send records");

/*
 * A new connection is all zero but for the RACK send records, about half
 * of it: they are read only below rack.n (tcp_rack.c), which is zeroed.
 */
static void tcp_conn_clear(struct tcp_conn *c)
{
	memset(c, 0, RACK_X_START);
	memset((uint8_t *)c + RACK_X_END, 0, sizeof(*c) - RACK_X_END);
}

struct tcp_conn *tcp_conn_alloc(struct tcp_stack *s, const struct tcp_tuple *t, uint32_t hash,
				const struct tcp_source_id *src)
{
	struct tcp_conn *c = list_first(&s->free_conns, struct tcp_conn, list_node);
	uint32_t idx;
	uint8_t gen;

	if (!c)
		return NULL;
	list_del(&c->list_node);
	s->nfree_conns--;
	idx = (uint32_t)(c - s->conns);
	/* A new generation: completions of the slot's last connection are not ours. */
	gen = (uint8_t)(c->tx_gen + 1) ? (uint8_t)(c->tx_gen + 1) : 1;

	tcp_conn_clear(c);
	c->s = s;
	c->tx_gen = gen;
	list_init(&c->hash_node);
	list_init(&c->out_node);
	tcp_ftimer_init(&c->life_timer);
	tcp_ftimer_init(&c->delack_timer);
	tcp_htimer_init(&c->rexmt_timer);
	tcp_ftimer_init(&c->deadline_timer);
	tcp_ftimer_init(&c->rate_timer);
	c->tuple = *t;
	c->tuple_hash = hash;
	c->src = tcp_source_get(s, src);
	c->rx_buf = s->rx_mem + (uint64_t)idx * s->cfg.rx_buf_size;
	tcp_sendq_init(&c->q, s->piece_mem + (uint64_t)idx * s->cfg.tx_max_pieces,
		       s->cfg.tx_max_pieces, s->tx_mem + (uint64_t)idx * s->cfg.tx_copy_size,
		       s->cfg.tx_copy_size);
	c->state = TCP_STATE_ESTABLISHED;
	list_add_tail(&s->buckets[hash & s->hash_mask], &c->hash_node);
	list_add_tail(&s->active, &c->list_node);
	s->stats.conns_active++;
	return c;
}

void tcp_conn_want_output(struct tcp_conn *c)
{
	if (c->state != TCP_STATE_CLOSED && !list_linked(&c->out_node))
		list_add_tail(&c->s->out_list, &c->out_node);
}

void tcp_conn_touch(struct tcp_conn *c)
{
	/* FIN_WAIT_2, and LAST_ACK once the FIN is out, have their own give-up timer. */
	if (c->state == TCP_STATE_FIN_WAIT_2 || (c->state == TCP_STATE_LAST_ACK && c->fin_sent))
		return;
	tcp_timer_fifo_arm(&c->s->idle_fifo, &c->life_timer, c->s->now);
}

void tcp_conn_rate_start(struct tcp_conn *c)
{
	if (tcp_ftimer_armed(&c->rate_timer))
		return;
	c->rate_mark = c->bytes_acked;
	tcp_timer_fifo_arm(&c->s->rate_fifo, &c->rate_timer, c->s->now);
}

void tcp_conn_set_deadline(struct tcp_conn *c, enum tcp_deadline d)
{
	struct tcp_stack *s = c->s;

	if (c->state == TCP_STATE_CLOSED || c->state == TCP_STATE_TIME_WAIT || c->deadline == d)
		return;
	c->deadline = (uint8_t)d;
	if (d == TCP_DEADLINE_HEADER)
		tcp_timer_fifo_arm(&s->header_fifo, &c->deadline_timer, s->now);
	else if (d == TCP_DEADLINE_KEEPALIVE)
		tcp_timer_fifo_arm(&s->keepalive_fifo, &c->deadline_timer, s->now);
	else
		tcp_ftimer_cancel(&c->deadline_timer);
}

void tcp_conn_close(struct tcp_conn *c, enum tcp_close_reason why, bool send_rst)
{
	struct tcp_stack *s = c->s;

	/* TIME_WAIT only appears in the for_each view, which owns nothing. */
	if (c->state == TCP_STATE_CLOSED || c->state == TCP_STATE_FREE ||
	    c->state == TCP_STATE_TIME_WAIT)
		return;
	if (send_rst)
		tcp_output_rst(c);
	c->state = TCP_STATE_CLOSED;
	c->close_reason = (uint8_t)why;
	list_del(&c->hash_node);
	list_del(&c->out_node);
	tcp_ftimer_cancel(&c->life_timer);
	tcp_ftimer_cancel(&c->delack_timer);
	tcp_ftimer_cancel(&c->deadline_timer);
	tcp_ftimer_cancel(&c->rate_timer);
	tcp_timer_heap_cancel(&s->rexmt_heap, &c->rexmt_timer);
	tcp_tsq_forget(c);
	tcp_sendq_release(&c->q);
	tcp_source_put(s, c->src);
	list_del(&c->list_node);
	list_add_tail(&s->reap, &c->list_node);
	s->stats.conns_active--;
	if (c->refused)
		return;
	s->stats.conns_closed++;
	if (why == TCP_CLOSE_RESET)
		s->stats.conns_reset++;
	else if (why == TCP_CLOSE_TIMEOUT)
		s->stats.conns_timed_out++;
}

void tcp_conn_reap(struct tcp_stack *s)
{
	struct tcp_conn *c;

	while ((c = list_first(&s->reap, struct tcp_conn, list_node))) {
		list_del(&c->list_node);
		if (!c->refused && s->app->closed)
			s->app->closed(s->app_ctx, c, (enum tcp_close_reason)c->close_reason);
		c->state = TCP_STATE_FREE;
		list_add_head(&s->free_conns, &c->list_node);
		s->nfree_conns++;
	}
}

/* --- the per-connection API (tcp.h) ------------------------------------- */

void *tcp_conn_app(const struct tcp_conn *c)
{
	return c->app;
}

struct tcp_stack *tcp_conn_stack(const struct tcp_conn *c)
{
	return c->s;
}

void tcp_conn_get_info(const struct tcp_conn *c, struct tcp_conn_info *info)
{
	memset(info, 0, sizeof(*info));
	info->family = c->tuple.family;
	memcpy(info->local_addr, c->tuple.laddr, 16);
	memcpy(info->remote_addr, c->tuple.raddr, 16);
	info->local_port = c->tuple.lport;
	info->remote_port = c->tuple.rport;
	info->state = tcp_conn_state_name(c->state);
	info->mss = c->mss;
	info->cwnd = c->cc.cwnd;
	info->snd_wnd = c->snd_wnd;
	info->srtt_ns = c->srtt_ns;
	info->bytes_acked = c->bytes_acked;
	info->bytes_received = c->bytes_received;
	info->retransmits = c->total_retrans;
}

const uint8_t *tcp_conn_rx_peek(const struct tcp_conn *c, uint32_t *len)
{
	*len = c->rx_len;
	return c->rx_buf + c->rx_head;
}

void tcp_conn_rx_consume(struct tcp_conn *c, uint32_t n)
{
	uint32_t before, after;

	if (n > c->rx_len)
		n = c->rx_len;
	if (!n)
		return;
	before = c->s->cfg.rx_buf_size - c->rx_len;
	c->rx_head += n;
	c->rx_len -= n;
	if (!c->rx_len && !c->reass.n)
		c->rx_head = 0; /* held out-of-order bytes keep their place */
	after = c->s->cfg.rx_buf_size - c->rx_len;
	if (c->state == TCP_STATE_CLOSED || c->state == TCP_STATE_TIME_WAIT || c->fin_rcvd)
		return;
	/*
	 * Tell the peer when the window opens enough to matter (RFC 9293
	 * §3.8.6.2.2): from (nearly) closed to a full segment or more, or by
	 * half the buffer.
	 */
	if ((before < c->rcv_mss && after >= c->rcv_mss) ||
	    after - before >= c->s->cfg.rx_buf_size / 2) {
		c->ack_now = true;
		tcp_conn_want_output(c);
	}
}

bool tcp_conn_rx_eof(const struct tcp_conn *c)
{
	return c->fin_rcvd && c->rx_len == 0;
}

bool tcp_conn_rx_fin(const struct tcp_conn *c)
{
	return c->fin_rcvd;
}

static bool tcp_conn_can_send(const struct tcp_conn *c)
{
	return !c->shutdown &&
	       (c->state == TCP_STATE_ESTABLISHED || c->state == TCP_STATE_CLOSE_WAIT);
}

bool tcp_conn_tx_closed(const struct tcp_conn *c)
{
	return !tcp_conn_can_send(c);
}

uint32_t tcp_conn_tx_copy_space(const struct tcp_conn *c)
{
	return tcp_conn_can_send(c) ? tcp_sendq_copy_space(&c->q) : 0;
}

uint32_t tcp_conn_tx_pieces_free(const struct tcp_conn *c)
{
	return tcp_conn_can_send(c) ? tcp_sendq_pieces_free(&c->q) : 0;
}

uint64_t tcp_conn_tx_queued(const struct tcp_conn *c)
{
	return c->q.bytes;
}

int tcp_conn_send_copy(struct tcp_conn *c, const void *data, uint32_t len)
{
	int err;

	if (!tcp_conn_can_send(c))
		return -EPIPE;
	err = tcp_sendq_copy(&c->q, data, len);
	if (!err) {
		tcp_conn_rate_start(c);
		tcp_conn_want_output(c);
	}
	return err;
}

int tcp_conn_send_blob(struct tcp_conn *c, struct blob *b, uint64_t off, uint64_t len)
{
	int err;

	if (!tcp_conn_can_send(c))
		return -EPIPE;
	err = tcp_sendq_blob(&c->q, b, off, len);
	if (!err) {
		tcp_conn_rate_start(c);
		tcp_conn_want_output(c);
	}
	return err;
}

void tcp_conn_shutdown(struct tcp_conn *c)
{
	if (c->shutdown || (c->state != TCP_STATE_ESTABLISHED && c->state != TCP_STATE_CLOSE_WAIT))
		return;
	c->shutdown = true;
	/* The FIN_WAIT/LAST_ACK give-up timer starts when the FIN is sent (tcp_output.c). */
	c->state = c->state == TCP_STATE_ESTABLISHED ? TCP_STATE_FIN_WAIT_1 : TCP_STATE_LAST_ACK;
	tcp_conn_want_output(c);
}

void tcp_conn_abort(struct tcp_conn *c)
{
	/* closed() follows from tcp_conn_reap() at the end of input or poll. */
	tcp_conn_close(c, TCP_CLOSE_ABORTED, true);
}
