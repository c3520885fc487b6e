/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * harness.h — a TCP stack on a fake NIC and a fake clock, an application
 * that records its callbacks, and a scripted client built from pkt.h: the
 * fixture of every tests/unit/tcp test. Every frame the stack sends is
 * parsed with the reference checksum and must be addressed to the client.
 */
#ifndef XDPSERVE_TEST_TCP_HARNESS_H
#define XDPSERVE_TEST_TCP_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

#include "cache/blob.h"
#include "helpers/fake_nic.h"
#include "helpers/pkt.h"
#include "tcp/tcp.h"

#define H_MAX_APPS 128
#define H_RX_MAX   (256 * 1024)
#define MS	   1000000ull
#define SEC	   1000000000ull

struct harness;

/* The application's record of one connection. */
struct h_app {
	struct harness *h;
	struct tcp_conn *c;
	bool closed;
	enum tcp_close_reason why;
	int readable, writable;
	bool eof;
	uint8_t rx[4096]; /* bytes consumed by the default readable handler */
	uint32_t rx_len;
};

/* Options the client puts in its SYN. */
struct h_syn {
	uint16_t mss; /* 0: no MSS option */
	int wscale;   /* < 0: none */
	bool sack;
	bool ts;
};

struct harness {
	struct fake_nic nic;
	struct tcp_config cfg;
	struct tcp_stack *s;
	uint64_t now;

	struct h_app apps[H_MAX_APPS];
	int napps;
	bool refuse;  /* accepted() returns NULL */
	bool consume; /* readable() consumes everything (default true) */
	void (*on_readable)(struct h_app *a);
	void (*on_writable)(struct h_app *a);
	void (*on_accepted)(struct h_app *a);

	/* The client. */
	struct pkt_spec cl; /* addresses, ports, MACs, VLAN of its frames */
	uint32_t c_nxt;	    /* its next sequence number */
	uint32_t s_isn;	    /* the server's ISN (cookie) */
	uint32_t s_nxt;	    /* next byte expected from the server */
	bool ts;	    /* timestamps agreed */
	uint32_t c_ts;	    /* the client's timestamp clock */
	uint32_t echo;	    /* last server TSval to echo */
	uint8_t c_ws;	    /* the client's window shift (for its window field) */
	uint8_t s_ws;	    /* the server's window shift */
	uint16_t s_mss;	    /* MSS the server announced */

	/* A fake UMEM for blobs. */
	uint8_t *umem;
	uint64_t umem_size, umem_used;
};

/* Bring up a stack with cfg (NULL: test defaults), family 4 or 6, NIC mode. */
void h_init(struct harness *h, const struct tcp_config *cfg, uint8_t family, bool sg,
	    uint32_t max_frags);
/* The same with another application (ops and ctx) instead of the recording one. */
void h_init_app(struct harness *h, const struct tcp_config *cfg, uint8_t family, bool sg,
		uint32_t max_frags, const struct tcp_app_ops *ops, void *ctx);
/* Test defaults: tcp_config_default() with small tables and a fixed key. */
void h_default_config(struct tcp_config *cfg);
void h_fini(struct harness *h);

/* A client frame with the current addressing and seq/ack; timestamps filled if agreed. */
struct pkt_spec h_spec(struct harness *h, uint8_t flags);
void h_send(struct harness *h, const struct pkt_spec *sp);
/* ACK with the given ack number and window (bytes, scaled by the client's shift). */
void h_ack(struct harness *h, uint32_t ack, uint32_t wnd);
/* Send payload (PSH|ACK, or flags) at c_nxt and advance c_nxt. */
void h_data(struct harness *h, const void *data, uint32_t len, uint8_t extra_flags);

/* Poll at h->now; returns the next deadline. */
uint64_t h_poll(struct harness *h);
/* Advance the clock to t (if later) and poll. */
uint64_t h_advance(struct harness *h, uint64_t t);

/*
 * The next frame the stack sent, parsed and checked (checksums by the
 * reference, addressed to the client); false when there is none.
 */
bool h_recv(struct harness *h, struct pkt_info *pi);
/* Take every frame sent so far; keep the data (or FIN) segments, in order, at most max. */
int h_recv_data(struct harness *h, struct pkt_info *out, int max);
/* Count and discard every frame sent so far. */
uint32_t h_drain(struct harness *h);

/* SYN with these options; *synack gets the reply. Returns false if none came. */
bool h_syn(struct harness *h, const struct h_syn *o, struct pkt_info *synack);
/* Full handshake (optionally with data in the third ACK); the new connection's record. */
struct h_app *h_connect(struct harness *h, const struct h_syn *o);
/* The same without asking the recording application whether it accepted. */
void h_handshake(struct harness *h, const struct h_syn *o);
/* The record of the most recently accepted connection, or NULL. */
struct h_app *h_last(struct harness *h);

/* A blob of `size` pseudo-random bytes (seed) in frames of 1 << shift, scrambled order. */
struct blob *h_blob(struct harness *h, uint64_t size, uint32_t shift, unsigned int seed);
/* Free a blob made by h_blob (after the stack dropped its references). */
void h_blob_free(struct blob *b);

static inline const struct tcp_stats *h_stats(struct harness *h)
{
	return tcp_stack__stats(h->s);
}

#endif /* XDPSERVE_TEST_TCP_HARNESS_H */
