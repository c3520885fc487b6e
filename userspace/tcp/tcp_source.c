// SPDX-License-Identifier: GPL-2.0-only
/*
 * tcp_source.c — connections per source, so that one client cannot take
 * the whole table: a preallocated table of counts keyed by the peer's
 * address (IPv4 address, or IPv6 /64: one host can have a whole /64), one
 * entry per source with live connections, and the admission rules of a new
 * connection (per-source cap, table full, idle keep-alive eviction).
 *
 * Called by tcp_input.c (tcp_source_admit on SYN and cookie ACK) and
 * tcp_conn.c (tcp_source_get when a connection is allocated, _put when it
 * closes).
 */
#include <string.h>

#include "common/siphash.h"
#include "tcp/tcp_int.h"

static void tcp_source_key(const struct tcp_tuple *t, struct tcp_source_key *k)
{
	memset(k, 0, sizeof(*k));
	k->family = t->family;
	memcpy(k->addr, t->raddr, t->family == NET_FAMILY_INET ? 4 : 8);
}

static struct list_node *tcp_source_bucket(struct tcp_stack *s, const struct tcp_source_key *k)
{
	return &s->src_buckets[(uint32_t)siphash13(s->hash_key, k, sizeof(*k)) & s->hash_mask];
}

static struct tcp_source *tcp_source_find(struct tcp_stack *s, const struct tcp_source_key *k)
{
	struct list_node *pos, *head = tcp_source_bucket(s, k);

	list_for_each (pos, head) {
		struct tcp_source *src = list_entry(pos, struct tcp_source, node);

		if (!memcmp(&src->key, k, sizeof(*k)))
			return src;
	}
	return NULL;
}

/* Live connections from t's source. */
static uint32_t tcp_source_count(struct tcp_stack *s, const struct tcp_tuple *t)
{
	struct tcp_source_key k;
	struct tcp_source *src;

	tcp_source_key(t, &k);
	src = tcp_source_find(s, &k);
	return src ? src->count : 0;
}

struct tcp_source *tcp_source_get(struct tcp_stack *s, const struct tcp_tuple *t)
{
	struct tcp_source_key k;
	struct tcp_source *src;

	tcp_source_key(t, &k);
	src = tcp_source_find(s, &k);
	if (!src) {
		/* As many entries as connections: one is always free here. */
		src = list_first(&s->free_srcs, struct tcp_source, node);
		list_del(&src->node);
		src->key = k;
		src->count = 0;
		list_add_tail(tcp_source_bucket(s, &k), &src->node);
	}
	src->count++;
	return src;
}

void tcp_source_put(struct tcp_stack *s, struct tcp_source *src)
{
	if (--src->count)
		return;
	list_del(&src->node);
	list_add_head(&s->free_srcs, &src->node);
}

/*
 * The table is nearly full: the oldest idle keep-alive connection gives
 * its slot up (RST) so that a new client still gets in.
 */
static void tcp_source_evict_idle(struct tcp_stack *s)
{
	struct tcp_ftimer *t = list_first(&s->keepalive_fifo.head, struct tcp_ftimer, node);

	if (!t)
		return;
	s->stats.conns_evicted++;
	tcp_conn_close(container_of(t, struct tcp_conn, deadline_timer), TCP_CLOSE_ABORTED, true);
	tcp_conn_reap(s); /* the slot is free before the caller allocates */
}

enum tcp_admit tcp_source_admit(struct tcp_stack *s, const struct tcp_tuple *t, bool evict)
{
	uint32_t reserve = s->cfg.max_conns / 32 ? s->cfg.max_conns / 32 : 1;

	if (s->cfg.max_conns_per_source && tcp_source_count(s, t) >= s->cfg.max_conns_per_source)
		return TCP_ADMIT_SOURCE_FULL;
	if (s->nfree_conns <= reserve && evict)
		tcp_source_evict_idle(s);
	if (!s->nfree_conns && list_empty(&s->keepalive_fifo.head))
		return TCP_ADMIT_TABLE_FULL;
	return TCP_ADMIT_OK;
}
