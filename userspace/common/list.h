/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * list.h — intrusive doubly linked lists (the kernel's list_head shape).
 * Nodes live inside the objects they link, so linking never allocates.
 */
#ifndef XDPSERVE_LIST_H
#define XDPSERVE_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct list_node {
	struct list_node *next, *prev;
};

#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))

static inline void list_init(struct list_node *head)
{
	head->next = head->prev = head;
}

static inline bool list_empty(const struct list_node *head)
{
	return head->next == head;
}

static inline void __list_insert(struct list_node *n, struct list_node *prev,
				 struct list_node *next)
{
	n->next = next;
	n->prev = prev;
	prev->next = n;
	next->prev = n;
}

static inline void list_add_head(struct list_node *head, struct list_node *n)
{
	__list_insert(n, head, head->next);
}

static inline void list_add_tail(struct list_node *head, struct list_node *n)
{
	__list_insert(n, head->prev, head);
}

/* Unlink n and leave it pointing at itself, so a second unlink is harmless. */
static inline void list_del(struct list_node *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n->prev = n;
}

/* Move every node of `from` onto the empty head `to`; `from` is left empty. */
static inline void list_move_all(struct list_node *to, struct list_node *from)
{
	list_init(to);
	if (list_empty(from))
		return;
	to->next = from->next;
	to->prev = from->prev;
	to->next->prev = to;
	to->prev->next = to;
	list_init(from);
}

static inline bool list_linked(const struct list_node *n)
{
	return n->next != n;
}

#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_first(head, type, member)                                                             \
	(list_empty(head) ? NULL : list_entry((head)->next, type, member))

#define list_for_each(pos, head) for ((pos) = (head)->next; (pos) != (head); (pos) = (pos)->next)
#define list_for_each_safe(pos, tmp, head)                                                         \
	for ((pos) = (head)->next, (tmp) = (pos)->next; (pos) != (head);                           \
	     (pos) = (tmp), (tmp) = (pos)->next)

#endif /* XDPSERVE_LIST_H */
