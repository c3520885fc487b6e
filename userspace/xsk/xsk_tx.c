// SPDX-License-Identifier: GPL-2.0-only
/*
 * xsk_tx.c — transmit side of a queue: the struct nic the TCP output path
 * writes frames through, the TX ring kick and the completion ring.
 *
 *	tcp_output -> nic begin / append_ref / commit   (descriptors written)
 *	worker     -> xsk_queue_tx_flush                (submitted, kernel kicked)
 *	worker     -> xsk_queue_complete                (frames back to their owners,
 *	                                                 tagged ones reported: nic.tx_done)
 *
 * A frame's descriptors are written into the ring together at commit and
 * submitted together at flush, so the kernel never sees half a
 * multi-buffer packet. begin() checks for a ring slot as well as a header
 * frame, append_ref() for one more slot per descriptor: commit() never
 * finds the ring full.
 */
#include "xsk/xsk_queue_int.h"

#include "xsk/frame.h"
#include "xsk/xsk_compat.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#define XSK_COMPLETE_BATCH 256
#define XSK_KICK_TRIES	   4

static inline uint32_t xsk_tx_frame_index(const struct xsk_queue *q, uint64_t addr)
{
	return (uint32_t)((frame_base(addr) - frame_pool_first_addr(q->pool)) >> FRAME_SHIFT);
}

static void xsk_tx_abort(void *ctx)
{
	struct xsk_queue *q = ctx;

	if (!q->tx_open)
		return;
	if (q->sg)
		for (uint32_t i = 0; i < q->tx_nrefs; i++)
			frame_pool_inflight_put(q->pool, q->tx_refs[i].addr);
	frame_pool_free(q->pool, q->tx_hdr, FRAME_TX);
	q->tx_open = false;
	q->tx_tag = 0;
	q->tx_nrefs = 0;
	q->tx_ref_bytes = 0;
	q->st.tx_aborted++;
}

/* Takes a header frame (FREE -> TX); the caller borrows it until commit or abort. */
static uint8_t *xsk_tx_begin(void *ctx, uint32_t *cap)
{
	struct xsk_queue *q = ctx;
	uint64_t addr;

	if (q->tx_open) /* a frame left open is given back, not sent */
		xsk_tx_abort(q);
	if (xsk_prod_nb_free(&q->tx, 1) < 1) {
		q->st.tx_ring_full++;
		return NULL;
	}
	addr = frame_pool_alloc(q->pool, FRAME_CLASS_TX);
	if (addr == FRAME_ADDR_NONE) {
		q->st.tx_no_frame++;
		return NULL;
	}
	q->tx_open = true;
	q->tx_hdr = addr;
	q->tx_tag = 0;
	q->tx_nrefs = 0;
	q->tx_ref_bytes = 0;
	*cap = FRAME_SIZE;
	return q->area + addr;
}

/* Borrows [addr, addr + len) of CACHE frames until their completions come back. */
static int xsk_tx_append_ref(void *ctx, uint64_t addr, uint32_t len)
{
	struct xsk_queue *q = ctx;
	uint64_t first, last;
	uint32_t nframes, need;

	if (!q->tx_open)
		return -EINVAL;
	if (!len)
		return 0; /* the kernel rejects empty descriptors without completing them */
	first = frame_base(addr);
	last = frame_base(addr + len - 1);
	nframes = (uint32_t)((last - first) >> FRAME_SHIFT) + 1;
	for (uint64_t f = first; f <= last; f += FRAME_SIZE)
		if (frame_pool_owner(q->pool, f) != FRAME_CACHE)
			return -EINVAL;

	if (!q->sg) {
		/* One-copy fallback: remembered now, copied behind the headers at commit. */
		if (q->tx_nrefs >= XSK_MAX_FRAGS || q->tx_ref_bytes + len > FRAME_SIZE)
			return -ENOSPC;
		q->tx_refs[q->tx_nrefs++] = (struct xsk_tx_ref){addr, len};
		q->tx_ref_bytes += len;
		return 0;
	}

	need = 1 + q->tx_nrefs + nframes;
	if (need > q->nic.max_frags)
		return -ENOSPC;
	if (xsk_prod_nb_free(&q->tx, need) < need) {
		q->st.tx_ring_full++;
		return -ENOSPC;
	}
	/* A descriptor may not cross a frame: one per frame the range touches. */
	while (len) {
		uint32_t in = FRAME_SIZE - (uint32_t)(addr & (FRAME_SIZE - 1));
		uint32_t n = len < in ? len : in;

		frame_pool_inflight_get(q->pool, addr);
		q->tx_refs[q->tx_nrefs++] = (struct xsk_tx_ref){addr, n};
		q->tx_ref_bytes += n;
		addr += n;
		len -= n;
	}
	return 0;
}

/* The header frame and the references go to the TX ring (submitted at flush). */
static void xsk_tx_commit(void *ctx, uint32_t len)
{
	struct xsk_queue *q = ctx;
	uint32_t ndesc, idx, tag;
	struct xdp_desc *d;

	if (!q->tx_open)
		return;
	if (!len || len > FRAME_SIZE)
		goto bad;
	if (!q->sg && q->tx_nrefs) {
		if (len + q->tx_ref_bytes > FRAME_SIZE)
			goto bad;
		for (uint32_t i = 0; i < q->tx_nrefs; i++) {
			memcpy(q->area + q->tx_hdr + len, q->area + q->tx_refs[i].addr,
			       q->tx_refs[i].len);
			len += q->tx_refs[i].len;
		}
		q->st.tx_copied_refs += q->tx_nrefs;
		q->tx_nrefs = 0;
		q->tx_ref_bytes = 0;
	}
	ndesc = 1 + q->tx_nrefs;
	if (xsk_ring_prod__reserve(&q->tx, ndesc, &idx) != ndesc)
		goto bad; /* begin/append_ref checked the room: cannot happen */

	d = xsk_ring_prod__tx_desc(&q->tx, idx);
	d->addr = q->tx_hdr;
	d->len = len;
	d->options = ndesc > 1 ? XDP_PKT_CONTD : 0;
	for (uint32_t i = 0; i < q->tx_nrefs; i++) {
		d = xsk_ring_prod__tx_desc(&q->tx, idx + 1 + i);
		d->addr = q->tx_refs[i].addr;
		d->len = q->tx_refs[i].len;
		d->options = i + 1 < q->tx_nrefs ? XDP_PKT_CONTD : 0;
	}
	q->tx_tags[xsk_tx_frame_index(q, q->tx_hdr)] = q->tx_tag;
	q->tx_tag = 0;
	q->tx_unsubmitted += ndesc;
	q->tx_outstanding += ndesc;
	q->st.tx_packets++;
	q->st.tx_descs += ndesc;
	q->st.tx_bytes += len + q->tx_ref_bytes;
	q->tx_open = false;
	q->tx_nrefs = 0;
	q->tx_ref_bytes = 0;
	return;
bad:
	tag = q->tx_tag;
	xsk_tx_abort(q);
	/* Committed but never sent: as good as completed for whoever waits for it. */
	if (tag && q->nic.tx_done)
		q->nic.tx_done(q->nic.tx_done_arg, tag);
}

/* The open frame's completion is reported to nic.tx_done with this tag. */
static void xsk_tx_tag(void *ctx, uint32_t tag)
{
	struct xsk_queue *q = ctx;

	if (q->tx_open)
		q->tx_tag = tag;
}

static bool xsk_tx_room(void *ctx, uint32_t n)
{
	struct xsk_queue *q = ctx;

	return xsk_prod_nb_free(&q->tx, n) >= n &&
	       frame_pool_available(q->pool, FRAME_CLASS_TX) >= n;
}

const struct nic_ops xsk_queue_nic_ops = {
	.begin = xsk_tx_begin,
	.append_ref = xsk_tx_append_ref,
	.commit = xsk_tx_commit,
	.abort = xsk_tx_abort,
	.tx_room = xsk_tx_room,
	.tag = xsk_tx_tag,
	.rx_lost = xsk_queue_rx_lost,
};

int xsk_queue_tx_flush(struct xsk_queue *q)
{
	int err = 0;

	if (q->tx_unsubmitted) {
		xsk_ring_prod__submit(&q->tx, q->tx_unsubmitted);
		q->tx_unsubmitted = 0;
	}
	for (int i = 0; i < XSK_KICK_TRIES; i++) {
		/* Nothing left in the ring for the kernel to take. */
		if (xsk_prod_nb_free(&q->tx, q->tx.size) >= q->tx.size)
			break;
		if (!xsk_ring_prod__needs_wakeup(&q->tx))
			break;
		q->st.tx_kicks++;
		if (sendto(q->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) >= 0) {
			/* Zero-copy: the driver transmits in its own time. */
			if (q->zerocopy)
				break;
			continue;
		}
		/*
		 * Copy mode transmits inside sendto(): EAGAIN means a budget,
		 * the completion ring or the socket's send buffer ran out;
		 * EBUSY that the device dropped one frame (it still
		 * completes). Reap and go on a few times.
		 */
		if (errno == EAGAIN || errno == EBUSY || errno == ENOBUFS) {
			xsk_queue_complete(q);
			continue;
		}
		err = -errno;
		q->st.tx_kick_errors++;
		break;
	}
	return err;
}

/* A header frame is back: free it, and tell whoever tagged it. */
static void xsk_tx_completed(struct xsk_queue *q, uint64_t addr)
{
	uint32_t *tag = &q->tx_tags[xsk_tx_frame_index(q, addr)];
	uint32_t t = *tag;

	*tag = 0;
	frame_pool_free(q->pool, addr, FRAME_TX);
	if (t && q->nic.tx_done)
		q->nic.tx_done(q->nic.tx_done_arg, t);
}

uint32_t xsk_queue_complete(struct xsk_queue *q)
{
	uint32_t total = 0, idx, n;

	while ((n = xsk_ring_cons__peek(q->comp, XSK_COMPLETE_BATCH, &idx))) {
		for (uint32_t i = 0; i < n; i++) {
			uint64_t addr = *xsk_ring_cons__comp_addr(q->comp, idx + i);

			switch (frame_pool_owner(q->pool, addr)) {
			case FRAME_TX:
				xsk_tx_completed(q, addr);
				break;
			case FRAME_CACHE:
				if (frame_pool_inflight_put(q->pool, addr))
					q->st.bad_completions++;
				break;
			case FRAME_QUARANTINE:
				/* Out of circulation; it still takes the completions it awaited. */
				if (!frame_pool_inflight(q->pool, addr) ||
				    frame_pool_inflight_put(q->pool, addr))
					q->st.bad_completions++;
				break;
			default:
				q->st.bad_completions++;
				break;
			}
		}
		xsk_ring_cons__release(q->comp, n);
		total += n;
	}
	q->tx_outstanding -= total < q->tx_outstanding ? total : q->tx_outstanding;
	q->st.completions += total;
	return total;
}
