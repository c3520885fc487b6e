/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xsk_queue.h — the AF_XDP socket of one NIC queue: the worker's only
 * packet I/O. The worker loop drives it:
 *
 *	n = xsk_queue_rx_batch(q, descs, 64);       frames become FRAME_RX, borrowed
 *	for each: tcp_stack__input(s, descs[i].data, descs[i].len, now);
 *	xsk_queue_rx_release(q, descs, n);          back to the fill ring
 *	xsk_queue_complete(q);                      header frames FREE, in-flight counts down
 *	tcp_stack__poll(s, now);                    transmits through xsk_queue_nic(q)
 *	xsk_queue_tx_flush(q);                      submit + kick
 *	poll(xsk_queue_fd(q), POLLIN, ...)
 *
 * The socket binds zero-copy when the driver offers it and copy mode
 * otherwise, always with XDP_USE_NEED_WAKEUP, and with XDP_USE_SG when the
 * kernel takes it (multi-buffer TX: a header frame plus descriptors that
 * point at cached content). Without SG the struct nic says so (nic.sg =
 * false) and payload is copied into the header frame: the one-copy
 * fallback. libxdp never loads an XDP program here; the caller inserts
 * xsk_queue_fd() into the steering program's XSKMAP at the queue's index.
 *
 * Frames come from the partition's frame_pool (frame.h): FILL frames for
 * the fill ring, TX frames for headers; content frames appended by
 * reference must be CACHE frames of the same pool.
 *
 * One worker per queue; nothing here is thread-safe.
 */
#ifndef XDPSERVE_XSK_QUEUE_H
#define XDPSERVE_XSK_QUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include "net/nic.h"

struct umem;
struct frame_pool;
struct xsk_queue;

#define XSK_RX_BATCH_MAX 64 /* descriptors one xsk_queue_rx_batch() returns at most */
#define XSK_MAX_FRAGS	 16 /* descriptors per TX frame we ever chain, header included */

enum xsk_bind_mode {
	XSK_BIND_AUTO = 0, /* zero-copy if the driver has it, else copy */
	XSK_BIND_COPY,	   /* copy mode only */
	XSK_BIND_ZEROCOPY, /* zero-copy or fail */
};

/*
 * How TX frames carry cached payload. By reference (a header frame plus
 * descriptors pointing at the content frames, XDP_USE_SG) avoids every
 * copy with a zero-copy driver. In copy mode the kernel copies each
 * extra descriptor into a freshly allocated page, which measured ~25%
 * slower than copying the payload into the header frame once, so AUTO
 * uses references only with zero-copy.
 */
enum xsk_tx_path {
	XSK_TX_AUTO = 0, /* by reference with zero-copy, one copy in copy mode */
	XSK_TX_SG,	 /* by reference whenever the socket takes XDP_USE_SG */
	XSK_TX_COPY,	 /* always one copy; XDP_USE_SG is not even tried */
};

struct xsk_queue_opts {
	uint32_t partition; /* UMEM partition whose frames this queue uses: the worker's index */
	uint32_t rx_size;   /* RX ring entries, power of 2; 0: 2048 */
	uint32_t tx_size;   /* TX ring entries, power of 2; 0: 2048 */
	enum xsk_bind_mode bind_mode;
	enum xsk_tx_path tx_path;
	uint32_t max_frags;    /* TX descriptors per frame with SG, header included; 0: default */
	uint32_t busy_poll_us; /* preferred busy polling: SO_BUSY_POLL µs; 0: off */
};

/* One received frame, borrowed until xsk_queue_rx_release(). */
struct xsk_rx_desc {
	uint64_t addr; /* UMEM address of the first byte (inside a FILL-class frame) */
	uint8_t *data; /* the same byte as a pointer */
	uint32_t len;
};

struct xsk_queue_stats {
	/* counted by us */
	uint64_t rx_packets;
	uint64_t rx_bytes;
	uint64_t rx_multibuf_dropped; /* packets spread over several frames: not served */
	uint64_t rx_bad_descs;	      /* descriptors for frames not on our fill ring (bug) */
	uint64_t rx_wakeups;	      /* recvfrom() kicks for an empty fill ring */
	uint64_t busy_polls;	      /* recvfrom() busy polls (busy-poll on) */
	uint64_t busy_poll_hits;      /* ... that found frames on the RX ring */
	uint64_t fill_ring_empty;     /* refills that found the fill ring drained */
	uint64_t tx_packets;	      /* frames committed */
	uint64_t tx_descs;	      /* descriptors committed (header + references) */
	uint64_t tx_bytes;	      /* frame bytes committed */
	uint64_t tx_copied_refs;      /* references copied into the header frame (no SG) */
	uint64_t tx_no_frame;	      /* begin(): no free header frame */
	uint64_t tx_ring_full;	      /* begin()/append_ref(): no TX ring slot */
	uint64_t tx_aborted;	      /* abort(), or a bad commit */
	uint64_t tx_kicks;	      /* sendto() wakeups */
	uint64_t tx_kick_errors;      /* sendto() failures other than EAGAIN */
	uint64_t completions;	      /* completion ring entries reaped */
	uint64_t bad_completions;     /* entries for frames we did not send (bug) */
	uint32_t tx_outstanding;      /* gauge: descriptors submitted and not completed */
	/* the kernel's XDP_STATISTICS */
	uint64_t k_rx_dropped;
	uint64_t k_rx_invalid_descs;
	uint64_t k_tx_invalid_descs;
	uint64_t k_rx_ring_full;
	uint64_t k_fill_ring_empty_descs;
	uint64_t k_tx_ring_empty_descs;
};

/*
 * Create the socket for `ifname` queue `queue_id` on `umem`, using UMEM
 * partition opts->partition (NULL opts: partition 0, defaults). The first
 * queue of a UMEM negotiates the mode (zero-copy first, then copy; SG
 * first, then without) and logs it; later queues share the UMEM and inherit
 * it. Fills the fill ring. 0 or -errno, with a message a person can act on.
 */
int xsk_queue__create(struct umem *umem, const char *ifname, uint32_t queue_id,
		      const struct xsk_queue_opts *opts, struct xsk_queue **out);
/*
 * Close the socket and release the partition. Frames still in the kernel
 * stay FILL/TX in the frame table (drain first for a clean account).
 */
void xsk_queue__destroy(struct xsk_queue *q);

/* The socket: for poll() (POLLIN = RX ring not empty) and the XSKMAP. */
int xsk_queue_fd(const struct xsk_queue *q);
uint32_t xsk_queue_id(const struct xsk_queue *q);
struct frame_pool *xsk_queue_pool(const struct xsk_queue *q);

/* "zero-copy" or "copy". */
const char *xsk_queue_mode(const struct xsk_queue *q);
bool xsk_queue_zerocopy(const struct xsk_queue *q);
/* TX sends payload by reference (nic.sg); false means the one-copy path. */
bool xsk_queue_sg(const struct xsk_queue *q);

/*
 * Take up to `max` (<= XSK_RX_BATCH_MAX) received frames: each moves
 * FILL -> RX and is borrowed by the caller until xsk_queue_rx_release().
 * Multi-buffer packets are dropped here. Refills the fill ring and wakes
 * the driver when it asks for it. Returns the count.
 */
uint32_t xsk_queue_rx_batch(struct xsk_queue *q, struct xsk_rx_desc *out, uint32_t max);
/*
 * Preferred busy polling (opts->busy_poll_us): run one NAPI poll of the
 * queue in this thread; true if frames are now waiting on the RX ring.
 * Always false (and no syscall) when the queue has no busy polling.
 */
bool xsk_queue_busy_poll(struct xsk_queue *q);
/* Whether the socket took busy polling (an old kernel may refuse it). */
bool xsk_queue_busy_polling(const struct xsk_queue *q);
/* Give borrowed frames back: RX -> FILL, straight onto the fill ring. */
void xsk_queue_rx_release(struct xsk_queue *q, const struct xsk_rx_desc *descs, uint32_t n);

/*
 * The TX seam (net/nic.h) of this queue, valid for the queue's lifetime:
 *  begin()      takes a FREE header frame (-> TX) if a TX ring slot is
 *               free too, so it never hands out what it cannot send;
 *  append_ref() with SG: adds a descriptor chained with XDP_PKT_CONTD on
 *               the previous one and bumps the content frame's in-flight
 *               count (a range crossing a frame boundary takes one
 *               descriptor per frame); without SG: the bytes are copied
 *               into the header frame after the `len` written, at commit;
 *               -ENOSPC when out of descriptors, ring slots or frame room;
 *  commit()     writes the descriptors into the TX ring (submitted by the
 *               next xsk_queue_tx_flush());
 *  abort()      frees the header frame and drops the in-flight counts.
 */
struct nic *xsk_queue_nic(struct xsk_queue *q);

/*
 * Submit the committed descriptors and kick the kernel (sendto) when the
 * TX ring asks for a wakeup; in copy mode a kick transmits, so it is
 * repeated a few times while the kernel says EAGAIN, reaping completions
 * in between. 0, or the last kick error (-ENETDOWN, -ENXIO ...).
 */
int xsk_queue_tx_flush(struct xsk_queue *q);

/*
 * Reap the completion ring: a header frame goes TX -> FREE, a content
 * frame's in-flight count goes down (one entry per descriptor of a
 * multi-buffer frame). Returns the entries reaped.
 */
uint32_t xsk_queue_complete(struct xsk_queue *q);

/* Descriptors submitted or committed and not yet completed. */
uint32_t xsk_queue_tx_outstanding(const struct xsk_queue *q);

/*
 * Shutdown helper: flush and reap until nothing is outstanding or
 * `timeout_ms` passed (sleeps 1 ms between rounds; never on the packet
 * path). 0, or -ETIMEDOUT.
 */
int xsk_queue_drain(struct xsk_queue *q, uint32_t timeout_ms);

/* Our counters plus the kernel's XDP_STATISTICS (one getsockopt). 0 or -errno. */
int xsk_queue_stats(const struct xsk_queue *q, struct xsk_queue_stats *out);

#endif /* XDPSERVE_XSK_QUEUE_H */
