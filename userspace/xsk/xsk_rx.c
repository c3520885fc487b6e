// SPDX-License-Identifier: GPL-2.0-only
/*
 * xsk_rx.c — receive side of a queue: RX ring -> worker batch -> fill ring.
 *
 * Called by the worker loop on every iteration (xsk_queue_rx_batch, then
 * xsk_queue_rx_release once the stack is done with the frames). FILL-class
 * frames cycle FILL -> RX -> FILL; a frame that cannot go straight back to
 * the fill ring rests FREE in its class and the next refill puts it there.
 */
#include "xsk/xsk_queue_int.h"

#include "xsk/frame.h"
#include "xsk/xsk_compat.h"

#include <sys/socket.h>

/* Put every FREE fill-class frame on the fill ring, as far as it has room. */
void xsk_queue_refill(struct xsk_queue *q)
{
	uint32_t avail = frame_pool_available(q->pool, FRAME_CLASS_FILL);
	uint32_t room, idx, n;

	/* A fully free ring means the kernel holds no frame to receive into. */
	room = xsk_prod_nb_free(q->fill, q->fill->size);
	if (room >= q->fill->size)
		q->st.fill_ring_empty++;
	if (!avail)
		return;
	n = avail < room ? avail : room;
	if (!n || xsk_ring_prod__reserve(q->fill, n, &idx) != n)
		return;
	for (uint32_t i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(q->fill, idx + i) =
			frame_pool_alloc(q->pool, FRAME_CLASS_FILL);
	xsk_ring_prod__submit(q->fill, n);
}

uint32_t xsk_queue_rx_batch(struct xsk_queue *q, struct xsk_rx_desc *out, uint32_t max)
{
	uint32_t idx, n, got = 0;
	bool dropped = false;

	if (max > XSK_RX_BATCH_MAX)
		max = XSK_RX_BATCH_MAX;
	n = xsk_ring_cons__peek(&q->rx, max, &idx);
	if (!n) {
		if (frame_pool_available(q->pool, FRAME_CLASS_FILL))
			xsk_queue_refill(q);
		/* A driver that ran out of fill frames sleeps until woken. */
		if (xsk_ring_prod__needs_wakeup(q->fill)) {
			q->st.rx_wakeups++;
			recvfrom(q->fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
		}
		return 0;
	}
	for (uint32_t i = 0; i < n; i++) {
		const struct xdp_desc *d = xsk_ring_cons__rx_desc(&q->rx, idx + i);
		bool part = q->rx_in_multibuf || (d->options & XDP_PKT_CONTD);

		if (frame_pool_move(q->pool, d->addr, FRAME_FILL, FRAME_RX)) {
			/* Not a frame we put on the fill ring: never hand it on. */
			q->st.rx_bad_descs++;
			continue;
		}
		if (part) {
			/*
			 * Frames are sized for the MTU; a packet spread over
			 * several is not ours to serve. Count it at its first
			 * piece, drop every piece.
			 */
			if (!q->rx_in_multibuf)
				q->st.rx_multibuf_dropped++;
			q->rx_in_multibuf = d->options & XDP_PKT_CONTD;
			frame_pool_free(q->pool, d->addr, FRAME_RX);
			dropped = true;
			continue;
		}
		out[got].addr = d->addr;
		out[got].data = q->area + d->addr;
		out[got].len = d->len;
		q->st.rx_bytes += d->len;
		got++;
	}
	xsk_ring_cons__release(&q->rx, n);
	q->st.rx_packets += got;
	if (dropped)
		xsk_queue_refill(q);
	return got;
}

void xsk_queue_rx_release(struct xsk_queue *q, const struct xsk_rx_desc *descs, uint32_t n)
{
	uint32_t idx, ok = 0, j = 0;

	/* A frame the pool refuses to take back is quarantined: never refill with it. */
	for (uint32_t i = 0; i < n; i++)
		if (!frame_pool_move(q->pool, descs[i].addr, FRAME_RX, FRAME_FILL))
			ok++;
	if (!ok)
		return;
	/*
	 * The ring holds every fill-class frame, so there is always room for
	 * the ones coming back; if not, they wait FREE for the next refill.
	 */
	if (xsk_ring_prod__reserve(q->fill, ok, &idx) != ok) {
		for (uint32_t i = 0; i < n; i++)
			if (frame_pool_owner(q->pool, descs[i].addr) == FRAME_FILL)
				frame_pool_free(q->pool, descs[i].addr, FRAME_FILL);
		xsk_queue_refill(q);
		return;
	}
	for (uint32_t i = 0; i < n && j < ok; i++)
		if (frame_pool_owner(q->pool, descs[i].addr) == FRAME_FILL)
			*xsk_ring_prod__fill_addr(q->fill, idx + j++) = frame_base(descs[i].addr);
	xsk_ring_prod__submit(q->fill, ok);
}
