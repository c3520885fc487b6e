/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tcp_sendq.h — a connection's send queue: an ordered list of pieces, each
 * either a run of copied bytes (kept in a per-connection byte ring) or a
 * range of a blob (kept by reference). Bytes leave the queue only when the
 * peer acknowledges them; until then output and retransmission read them
 * from here, so no sent frame is ever kept.
 *
 * Offsets are relative to the first unacknowledged byte (SND.UNA).
 *
 * Called by the application through tcp_conn_send_copy()/_blob() (append),
 * by tcp_output.c (walk) and by tcp_ack.c (acknowledge).
 */
#ifndef XDPSERVE_TCP_SENDQ_H
#define XDPSERVE_TCP_SENDQ_H

#include <stdbool.h>
#include <stdint.h>

struct blob;

struct tcp_piece {
	struct blob *blob; /* NULL: copied bytes at ring position `off` */
	uint64_t off;	   /* blob offset, or absolute ring position */
	uint64_t len;
};

struct tcp_sendq {
	struct tcp_piece *pieces; /* ring of max_pieces (preallocated) */
	uint32_t max_pieces;
	uint32_t head; /* index of the first piece */
	uint32_t count;
	uint8_t *ring; /* copied bytes (preallocated) */
	uint32_t ring_size;
	uint64_t ring_head; /* absolute position of the first unacknowledged copied byte */
	uint64_t ring_tail; /* absolute position after the last copied byte */
	uint64_t bytes;	    /* queued and not acknowledged */
};

/* A run of the queue inside one piece, as tcp_sendq_next() returns it. */
struct tcp_slice {
	struct blob *blob; /* NULL: copied bytes */
	uint64_t off;	   /* blob offset or absolute ring position */
	uint32_t len;
};

struct tcp_sendq_iter {
	uint32_t idx;	 /* piece count from the head */
	uint64_t in_off; /* offset inside that piece */
};

void tcp_sendq_init(struct tcp_sendq *q, struct tcp_piece *pieces, uint32_t max_pieces,
		    uint8_t *ring, uint32_t ring_size);

uint32_t tcp_sendq_pieces_free(const struct tcp_sendq *q);
/* Copied bytes that fit now (0 when no piece is free and none can grow). */
uint32_t tcp_sendq_copy_space(const struct tcp_sendq *q);

/* Append a copy of data. 0 or -ENOBUFS (nothing queued). */
int tcp_sendq_copy(struct tcp_sendq *q, const void *data, uint32_t len);
/* Append blob bytes [off, off + len); takes a blob reference. 0, -ENOBUFS, -EINVAL. */
int tcp_sendq_blob(struct tcp_sendq *q, struct blob *b, uint64_t off, uint64_t len);

/* The first n bytes were acknowledged: drop them, putting finished blobs. */
void tcp_sendq_ack(struct tcp_sendq *q, uint64_t n);
/* Drop everything (connection gone). */
void tcp_sendq_release(struct tcp_sendq *q);

/* Position an iterator at queue offset off (off <= q->bytes). */
void tcp_sendq_seek(const struct tcp_sendq *q, uint64_t off, struct tcp_sendq_iter *it);
/* The next slice of at most max bytes; returns its length (0 at the end). */
uint32_t tcp_sendq_next(const struct tcp_sendq *q, struct tcp_sendq_iter *it, uint32_t max,
			struct tcp_slice *sl);

/* Copy / sum copied bytes at absolute ring position pos (they may wrap). */
void tcp_sendq_ring_read(const struct tcp_sendq *q, uint64_t pos, uint32_t len, void *dst);
uint32_t tcp_sendq_ring_csum(const struct tcp_sendq *q, uint64_t pos, uint32_t len);

#endif /* XDPSERVE_TCP_SENDQ_H */
