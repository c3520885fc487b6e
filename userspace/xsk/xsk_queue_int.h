/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xsk_queue_int.h — the state of one queue, shared by xsk_queue.c
 * (lifecycle, stats), xsk_rx.c (RX, fill) and xsk_tx.c (TX, completions).
 * Not for other modules: they use xsk_queue.h.
 */
#ifndef XDPSERVE_XSK_QUEUE_INT_H
#define XDPSERVE_XSK_QUEUE_INT_H

#include "xsk/xsk_queue.h"

#include <xdp/xsk.h>

struct xsk_tx_ref {
	uint64_t addr;
	uint32_t len;
};

struct xsk_queue {
	struct umem *umem;
	struct frame_pool *pool;
	uint8_t *area;
	struct xsk_socket *xsk;
	int fd;
	uint32_t queue_id;
	uint32_t partition;
	bool zerocopy;
	bool sg;
	bool busy_poll; /* SO_PREFER_BUSY_POLL is on (xsk_busy_poll.c) */

	struct xsk_ring_cons rx;
	struct xsk_ring_prod tx;
	struct xsk_ring_prod *fill; /* the umem's own rings for the first queue */
	struct xsk_ring_cons *comp;
	struct xsk_ring_prod fill_own;
	struct xsk_ring_cons comp_own;

	bool rx_in_multibuf; /* dropping the rest of a multi-buffer packet */

	/* The frame between begin() and commit()/abort(). */
	bool tx_open;
	uint64_t tx_hdr;
	uint32_t tx_nrefs;
	uint32_t tx_ref_bytes;
	struct xsk_tx_ref tx_refs[XSK_MAX_FRAGS];
	uint32_t tx_tag;	 /* nic_ops.tag of the open frame, 0 when none */
	uint32_t *tx_tags;	 /* per pool frame: tag of the header frame in flight */
	uint32_t tx_unsubmitted; /* descriptors written into the ring, not yet submitted */
	uint32_t tx_outstanding; /* descriptors written and not yet completed */

	struct nic nic;
	struct xsk_queue_stats st;
};

/* xsk_rx.c */
void xsk_queue_refill(struct xsk_queue *q);

/* xsk_busy_poll.c: SO_PREFER_BUSY_POLL, SO_BUSY_POLL, SO_BUSY_POLL_BUDGET */
int xsk_queue_busy_poll_setup(struct xsk_queue *q, uint32_t usecs, uint32_t budget);

/* xsk_tx.c */
extern const struct nic_ops xsk_queue_nic_ops;

/* xsk_queue.c: nic_ops.rx_lost, the socket's kernel RX drop counters (XDP_STATISTICS) */
uint64_t xsk_queue_rx_lost(void *ctx);

#endif /* XDPSERVE_XSK_QUEUE_INT_H */
