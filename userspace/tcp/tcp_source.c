// SPDX-License-Identifier: GPL-2.0-only
/*
 * tcp_source.c — connections per source, so that one client cannot take
 * the whole table: a preallocated table of counts keyed by the peer's
 * address (IPv4 address, or IPv6 /64: one host can have a whole /64), one
 * entry per source with live connections, and the admission rules of a new
 * connection (per-source cap, table full, idle keep-alive eviction).
 *
 * Called by tcp_input.c (tcp_source_id and tcp_source_admit on SYN and
 * cookie ACK) and tcp_conn.c (tcp_source_get when a connection is
 * allocated, _put when it closes). A cookie ACK hashes its source once,
 * for both admission and the entry.
 */
#include <string.h>

#include "common/siphash.h"
#include "tcp/tcp_int.h"

void tcp_source_id(struct tcp_stack *s, const struct tcp_tuple *t, struct tcp_source_id *id)
{
	memset(&id->key, 0, sizeof(id->key));
	id->key.family = t->family;
	memcpy(id->key.addr, t->raddr, t->family == NET_FAMILY_INET ? 4 : 8);
	id->hash = (uint32_t)siphash13(s->hash_key, &id->key, sizeof(id->key));
}

static struct tcp_source *tcp_source_find(struct tcp_stack *s, const struct tcp_source_id *id)
{
	struct list_node *pos, *head = &s->src_buckets[id->hash & s->hash_mask];

	list_for_each (pos, head) {
		struct tcp_source *src = list_entry(pos, struct tcp_source, node);

		if (!memcmp(&src->key, &id->key, sizeof(id->key)))
			return src;
	}
	return NULL;
}

struct tcp_source *tcp_source_get(struct tcp_stack *s, const struct tcp_source_id *id)
{
	struct tcp_source *src = tcp_source_find(s, id);

	if (!src) {
		/* As many entries as connections: one is always free here. */
		src = list_first(&s->free_srcs, struct tcp_source, node);
		list_del(&src->node);
		src->key = id->key;
		src->count = 0;
		list_add_tail(&s->src_buckets[id->hash & s->hash_mask], &src->node);
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

enum tcp_admit tcp_source_admit(struct tcp_stack *s, const struct tcp_source_id *id, bool evict)
{
	uint32_t reserve = s->cfg.max_conns / 32 ? s->cfg.max_conns / 32 : 1;

	if (s->cfg.max_conns_per_source) {
		const struct tcp_source *src = tcp_source_find(s, id);

		if (src && src->count >= s->cfg.max_conns_per_source)
			return TCP_ADMIT_SOURCE_FULL;
	}
	if (s->nfree_conns <= reserve && evict)
		tcp_source_evict_idle(s);
	if (!s->nfree_conns && list_empty(&s->keepalive_fifo.head))
		return TCP_ADMIT_TABLE_FULL;
	return TCP_ADMIT_OK;
}
