/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fake_nic.h — a struct nic for unit tests: every committed frame is kept as
 * one flat byte copy (header-frame bytes followed by the bytes of each
 * append_ref() descriptor, resolved against a UMEM base the test gives),
 * with its descriptor count. It can run with scatter-gather on or off,
 * refuse begin() to simulate a full ring, and it counts protocol misuse
 * (nested begin, refs without SG, too many descriptors, oversized frames)
 * so tests can assert there was none.
 *
 * Completions: a tagged frame (nic_ops.tag) is reported to nic.tx_done at
 * once inside commit(), like a device that sends instantly — unless `hold`
 * is set: then committed frames are "handed to TX, not completed" until
 * fake_nic_complete() completes the oldest ones, in order.
 *
 * A sink (fake_nic_set_sink) replaces the capture, for the stack benchmark:
 * begin() no longer scribbles over the frame and commit() hands the frame
 * in place (its header bytes and its references into the UMEM) to the sink
 * instead of copying it, so the benchmark does not time the fake NIC's
 * malloc, memset and memcpy. The protocol checks and completions stay.
 */
#ifndef XDPSERVE_TEST_FAKE_NIC_H
#define XDPSERVE_TEST_FAKE_NIC_H

#include <stdbool.h>
#include <stdint.h>

#include "net/nic.h"

#define FAKE_NIC_MAX_REFS 64
#define FAKE_NIC_MAX_HELD 4096

struct fake_frame {
	uint8_t *data;	     /* flat copy, malloc'd */
	uint32_t len;	     /* total bytes */
	uint32_t copied_len; /* bytes written into the header frame */
	uint32_t ndesc;	     /* descriptors: 1 + references */
	uint32_t tag;	     /* nic_ops.tag of the frame, 0 if none */
};

/* A committed frame, in place: valid only during the call. */
typedef void (*fake_nic_sink_fn)(void *arg, const uint8_t *hdr, uint32_t hdr_len,
				 const uint8_t *const *ref, const uint32_t *ref_len,
				 uint32_t nrefs);

struct fake_nic {
	struct nic nic;
	const uint8_t *umem;	/* base that append_ref addresses are offsets into */
	uint32_t frame_size;	/* capacity begin() reports */
	bool refuse;		/* begin() returns NULL */
	int64_t allow;		/* >= 0: begin() succeeds this many more times, then refuses */
	int64_t room;		/* >= 0: what tx_room() counts as free frames (-1: plenty) */
	bool hold;		/* committed frames wait for fake_nic_complete() */
	uint64_t rx_lost;	/* what rx_lost() reports: "frames the device dropped" */
	uint64_t rx_lost_asked; /* how often rx_lost() was called */
	fake_nic_sink_fn sink;	/* set: frames go here, uncopied and not kept */
	void *sink_arg;

	uint8_t *cur; /* the frame being built */
	bool open;
	uint32_t tag;			  /* of the frame being built */
	uint32_t held[FAKE_NIC_MAX_HELD]; /* tags of frames not completed, oldest first */
	uint32_t nheld;
	uint64_t ref_addr[FAKE_NIC_MAX_REFS];
	uint32_t ref_len[FAKE_NIC_MAX_REFS];
	uint32_t nrefs;

	struct fake_frame *frames;
	uint32_t nframes, frames_cap;
	uint32_t next; /* first frame not yet taken by fake_nic_take() */

	uint64_t begun, committed, aborted, refused, refs_appended;
	uint64_t violations; /* misuse of the nic protocol; must stay 0 */
};

/* sg: offer append_ref with max_frags descriptors per frame; mtu: IP MTU. */
void fake_nic_init(struct fake_nic *f, bool sg, uint32_t max_frags, uint32_t mtu,
		   const uint8_t *umem);
void fake_nic_fini(struct fake_nic *f);
/* Hand every committed frame to sink(arg, ...) instead of capturing it. */
void fake_nic_set_sink(struct fake_nic *f, fake_nic_sink_fn sink, void *arg);
/* The next captured frame not yet taken, or NULL. */
const struct fake_frame *fake_nic_take(struct fake_nic *f);
/* Forget every captured frame. */
void fake_nic_clear(struct fake_nic *f);
/* Complete the n oldest held frames (all if n exceeds them); returns how many. */
uint32_t fake_nic_complete(struct fake_nic *f, uint32_t n);

#endif /* XDPSERVE_TEST_FAKE_NIC_H */
