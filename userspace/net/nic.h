/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * nic.h — the transmit seam between the TCP/IP output path and a device.
 *
 * The worker's AF_XDP queue implements it (xsk/xsk_tx.c); unit tests use a
 * fake NIC that captures frames (tests/helpers/fake_nic.c). The output path
 * builds one frame at a time:
 *
 *	buf = nic->ops->begin(nic->ctx, &cap);        borrow a header frame
 *	write Eth/IP/TCP headers and copied payload into buf[0..len)
 *	nic->ops->append_ref(nic->ctx, addr, n) ...   zero or more, only if nic->sg
 *	nic->ops->commit(nic->ctx, len);              the frame goes to the device
 *
 * or abort() instead of commit() to give the frame back untouched; tag() any
 * time before commit() asks for word of the frame's completion (tx_done). Between
 * begin() and commit()/abort() no other frame may be started. Payload
 * appended by reference always follows every copied byte of the frame.
 *
 * One question is about receive: rx_lost(), what the device dropped before
 * the stack saw it.
 */
#ifndef XDPSERVE_NIC_H
#define XDPSERVE_NIC_H

#include <stdbool.h>
#include <stdint.h>

struct nic_ops {
	/*
	 * Borrow a frame buffer for headers and copied bytes; *cap receives its
	 * usable size. NULL when no frame or TX ring slot is free: the caller
	 * keeps its data queued and tries again on a later poll.
	 */
	uint8_t *(*begin)(void *ctx, uint32_t *cap);
	/*
	 * Add `len` bytes of shared read-only UMEM content at `addr` as a further
	 * descriptor of the frame begun last (multi-buffer TX). The bytes are
	 * not copied and must stay unchanged until the device completes the
	 * frame; the NIC counts them as in flight in the frame table.
	 * Returns 0, or -ENOSPC when the frame has no room for another
	 * descriptor (the caller then aborts or commits what it has).
	 */
	int (*append_ref)(void *ctx, uint64_t addr, uint32_t len);
	/* Send the frame begun last; `len` bytes of buf were written. */
	void (*commit)(void *ctx, uint32_t len);
	/* Give the frame begun last back unused, with any appended references. */
	void (*abort)(void *ctx);
	/*
	 * Optional: true when n more frames (a header frame and a ring slot
	 * each) could be begun now. The TCP output path keeps a few back for
	 * control segments (ACK, RST, SYN-ACK) with it. NULL: no limit known.
	 */
	bool (*tx_room)(void *ctx, uint32_t n);
	/*
	 * Optional: the frame begun last carries `tag` (any value but 0);
	 * when the device completes it, the NIC calls tx_done with the tag.
	 * A frame aborted instead, or never tagged, reports nothing; one the
	 * NIC could not send after all is reported at once, from commit().
	 */
	void (*tag)(void *ctx, uint32_t tag);
	/*
	 * Optional: a running count of the frames for this queue the device
	 * dropped before they reached the stack (RX ring full, no fill
	 * buffer). It may cost a system call: the stack asks only on rare
	 * paths, once per input batch at most. NULL: losses are never known.
	 */
	uint64_t (*rx_lost)(void *ctx);
};

struct nic {
	const struct nic_ops *ops;
	void *ctx;
	bool sg;	    /* append_ref() is available (XDP_USE_SG bound) */
	uint32_t max_frags; /* descriptors per frame when sg, header frame included */
	uint32_t mtu;	    /* IP MTU of the link; frames are at most mtu + 18 bytes */
	/*
	 * Set by the frames' producer (the TCP stack): called from the NIC's
	 * completion path for every completed tagged frame. NULL: nobody asks.
	 */
	void (*tx_done)(void *arg, uint32_t tag);
	void *tx_done_arg;
};

#endif /* XDPSERVE_NIC_H */
