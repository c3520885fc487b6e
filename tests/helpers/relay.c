// SPDX-License-Identifier: GPL-2.0-only
/*
 * relay.c — the seeded impairment relay of the end-to-end tests and the
 * benchmarks (tests/helpers/relaybed.sh starts it; tests/e2e/impair*.sh and
 * bench/impair.sh use it). This kernel has no netem, so the faults of a real
 * path come from here: a transparent L2 bridge between two interfaces of a
 * router namespace (client ns <-> A [relay] B <-> server ns) that forwards
 * every frame unchanged (ARP and ND included, so client and server share one
 * segment), and on the way impairs it, per direction:
 *
 *   --loss PCT            random loss
 *   --ge P,R[,BAD[,GOOD]] Gilbert-Elliott bursty loss: P(good->bad) and
 *                         P(bad->good) per frame, loss in the bad state
 *                         (default 100) and in the good state (default 0), %;
 *                         a bad state lasts at most --ge-ms T (100) ms
 *   --dup PCT             a second copy right behind the frame
 *   --reorder PCT         hold the frame back until --reorder-gap N (3) later
 *                         frames went out, or --reorder-ms T (10) passed
 *   --corrupt PCT         XOR one byte of the IP payload (the TCP header or
 *                         data) with a nonzero value: the checksum then fails
 *   --delay MS --jitter MS  fixed delay plus a uniform +-jitter; jitter never
 *                         reorders (a frame never leaves before the one ahead)
 *   --rate BITS --queue BYTES  a bottleneck of BITS/s (k/M/G) in front of a
 *                         queue of BYTES (k/M; default 1M): tail drop beyond it
 *   --mtu N [--no-icmp]   IP packets longer than N bytes are not forwarded;
 *                         the sender gets ICMP "fragmentation needed" (IPv4
 *                         with DF; without DF the packet is dropped) or ICMPv6
 *                         "packet too big" from --router4/--router6, sent
 *                         straight back out of the interface it came in on;
 *                         --no-icmp drops them silently (a PMTU black hole)
 *
 * Options apply to both directions until --dir a2b|b2a|both says otherwise
 * (a2b: received on A, sent out of B). Loss, duplication, reordering and
 * corruption touch only TCP segments (so ARP, ND and ICMP stay reliable);
 * the MTU applies to every IP packet, delay and rate to every frame.
 *
 *   relay [OPTIONS] IF_A IF_B [--seed N] [--duration S] [--trace]
 *
 * Deterministic: the seed (random unless given) is printed first; every
 * decision about the k-th TCP segment of a direction comes from a
 * counter-based generator keyed by (seed, direction, k), so the same seed and
 * the same segments give the same losses, copies, holds, corrupted bytes and
 * jitter, whatever other frames come in between.
 * Only what depends on the clock (the rate limit's queue, a hold's timeout,
 * the end of a long burst) can differ between runs. --trace prints every
 * decision. It stops by itself after --duration seconds (default 600) or on
 * SIGTERM/SIGINT and prints one line of counts per direction.
 *
 * Why AF_PACKET: the relay must see and send whole Ethernet frames of any
 * protocol on two plain veths, which a raw packet socket per interface does
 * with nothing attached to the interfaces and no UMEM to manage; AF_XDP
 * would be faster, but it needs an XDP program on both veths and, in copy
 * mode on veth, gains little. The rate (a few hundred thousand frames per
 * second with recvmmsg/sendmmsg) is well above what the impaired paths
 * carry. The router namespace's kernel must not forward too: the relay's
 * interfaces carry no address (relaybed.sh also disables IPv6 on them), and
 * PACKET_IGNORE_OUTGOING keeps the relay from seeing its own frames.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* recvmmsg, sendmmsg */
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SLOT_SIZE   2048 /* one frame: MTU 1500 + Ethernet, with room */
#define BATCH	    64
#define MAX_HELD    64
#define ICMP4_QUOTE 548	 /* RFC 1812: the ICMP datagram stays within 576 bytes */
#define ICMP6_QUOTE 1232 /* RFC 4443: within the IPv6 minimum MTU of 1280 */
#define NS	    1000000000ull

enum { A2B, B2A, NDIR };

/* The impairments of one direction (fractions, nanoseconds, bytes). */
struct impair {
	double loss, dup, reorder, corrupt;
	double ge_p, ge_r, ge_bad, ge_good; /* ge_p == 0: no Gilbert-Elliott */
	uint32_t reorder_gap;
	uint64_t reorder_ns, delay_ns, jitter_ns;
	uint64_t ge_ns; /* longest stay in the bad state */
	uint64_t rate;	/* bits/s, 0 = unlimited */
	uint64_t queue;
	uint32_t mtu; /* 0 = none */
	bool no_icmp;
};

struct counts {
	uint64_t received, forwarded, lost, duplicated, reordered, corrupted, delayed;
	uint64_t tail_dropped, icmp_sent, mtu_dropped, no_slot, send_errors;
};

struct pending {
	uint32_t slot;
	uint64_t release_ns;
};

struct held {
	uint32_t slot;
	uint32_t after;	   /* released after this many more frames went out */
	uint64_t deadline; /* or at this time */
};

struct direction {
	const char *name;
	int in_fd, out_fd; /* receive on in_fd, forward through out_fd */
	struct impair imp;
	struct pending *fifo; /* ring of pool slots, release times ascending */
	uint32_t head, count;
	struct held held[MAX_HELD];
	uint32_t n_held;
	uint64_t frame_no;
	bool ge_bad_state;
	uint64_t ge_bad_since;
	uint64_t last_depart_ns, last_release_ns;
	struct counts c;
};

struct relay {
	uint64_t seed;
	uint64_t end_ns;
	bool trace;
	uint8_t router4[4];
	uint8_t router6[16];
	int fd[2], sig_fd;
	uint8_t *pool;
	uint16_t *len;
	uint32_t *free_slots, n_free, n_slots;
	struct direction dir[NDIR];
};

/* Where a frame's headers are (offsets into the frame; l3 == 0: not IP). */
struct frame_info {
	uint32_t l3, l4, l3_len;
	uint8_t version, proto;
	bool df;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS + (uint64_t)ts.tv_nsec;
}

static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* The j-th random number for the current frame of direction d. */
static uint64_t draw(const struct relay *r, int d, uint32_t j)
{
	uint64_t k = mix64(r->seed ^ (0x632be59bd9b4e019ull * (uint64_t)(d + 1)));

	return mix64(mix64(k ^ r->dir[d].frame_no) + j);
}

/* Uniform in [0, 1). */
static double draw_unit(const struct relay *r, int d, uint32_t j)
{
	return (double)(draw(r, d, j) >> 11) * 0x1.0p-53;
}

/* The draws every frame makes, whatever the outcome, so that the k-th segment's
 * decisions never depend on what happened to the frames before it. */
enum {
	D_LOSS,
	D_GE_MOVE,
	D_GE_LOSS,
	D_CORRUPT,
	D_CORRUPT_AT,
	D_CORRUPT_XOR,
	D_DUP,
	D_REORDER,
	D_JITTER
};

static uint8_t *slot_data(struct relay *r, uint32_t slot)
{
	return r->pool + (size_t)slot * SLOT_SIZE;
}

static int slot_get(struct relay *r, uint32_t *slot)
{
	if (!r->n_free)
		return -ENOBUFS;
	*slot = r->free_slots[--r->n_free];
	return 0;
}

static void slot_put(struct relay *r, uint32_t slot)
{
	r->free_slots[r->n_free++] = slot;
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint32_t csum_add(const uint8_t *p, size_t len, uint32_t s)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		s += rd16(p + i);
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	return s;
}

static uint16_t csum_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Fills fi from an Ethernet frame; fi->l3 stays 0 for what is not IPv4/IPv6
 * (or is too short to be). No 802.1Q: the beds use untagged veths. */
static void frame_parse(const uint8_t *f, uint32_t len, struct frame_info *fi)
{
	memset(fi, 0, sizeof(*fi));
	if (len < 14)
		return;
	uint16_t type = rd16(f + 12);

	if (type == ETHERTYPE_IP && len >= 14 + 20 && (f[14] >> 4) == 4) {
		uint32_t ihl = (f[14] & 0xfu) * 4;

		if (ihl < 20 || 14 + ihl > len)
			return;
		fi->version = 4;
		fi->l3 = 14;
		fi->l4 = 14 + ihl;
		fi->l3_len = rd16(f + 16);
		fi->proto = f[23];
		fi->df = f[20] & 0x40;
	} else if (type == ETHERTYPE_IPV6 && len >= 14 + 40 && (f[14] >> 4) == 6) {
		fi->version = 6;
		fi->l3 = 14;
		fi->l4 = 14 + 40;
		fi->l3_len = 40u + rd16(f + 18);
		fi->proto = f[20]; /* extension headers: not TCP, not impaired */
	}
	if (fi->l3 && (fi->l3_len > len - 14 || fi->l3_len < fi->l4 - fi->l3))
		fi->l3 = 0; /* lengths that lie: forward it untouched */
}

/* Builds, in out, the ICMP(v6) error telling the sender of frame f that the
 * path's MTU is mtu; returns its length, 0 when it cannot be built. */
static uint32_t icmp_build(const struct relay *r, const uint8_t *f, const struct frame_info *fi,
			   uint32_t mtu, uint8_t *out)
{
	uint32_t quote, l4, len;

	memcpy(out, f + 6, 6); /* back to the sender, from the MAC it sent to */
	memcpy(out + 6, f, 6);
	memcpy(out + 12, f + 12, 2);
	if (fi->version == 4) {
		quote = fi->l3_len < ICMP4_QUOTE ? fi->l3_len : ICMP4_QUOTE;
		l4 = 14 + 20;
		len = l4 + 8 + quote;
		memset(out + 14, 0, 20 + 8);
		out[14] = 0x45;
		wr16(out + 16, (uint16_t)(len - 14));
		out[22] = 64; /* TTL */
		out[23] = IPPROTO_ICMP;
		memcpy(out + 26, r->router4, 4);
		memcpy(out + 30, f + fi->l3 + 12, 4);
		wr16(out + 24, csum_fold(csum_add(out + 14, 20, 0)));
		out[l4] = 3;	 /* destination unreachable */
		out[l4 + 1] = 4; /* fragmentation needed and DF set */
		wr16(out + l4 + 6, (uint16_t)mtu);
		memcpy(out + l4 + 8, f + fi->l3, quote);
		wr16(out + l4 + 2, csum_fold(csum_add(out + l4, 8 + quote, 0)));
		return len;
	}
	quote = fi->l3_len < ICMP6_QUOTE ? fi->l3_len : ICMP6_QUOTE;
	l4 = 14 + 40;
	len = l4 + 8 + quote;
	memset(out + 14, 0, 40 + 8);
	out[14] = 0x60;
	wr16(out + 18, (uint16_t)(8 + quote));
	out[20] = IPPROTO_ICMPV6;
	out[21] = 64; /* hop limit */
	memcpy(out + 22, r->router6, 16);
	memcpy(out + 38, f + fi->l3 + 8, 16);
	out[l4] = 2; /* packet too big */
	out[l4 + 4] = (uint8_t)(mtu >> 24);
	out[l4 + 5] = (uint8_t)(mtu >> 16);
	out[l4 + 6] = (uint8_t)(mtu >> 8);
	out[l4 + 7] = (uint8_t)mtu;
	memcpy(out + l4 + 8, f + fi->l3, quote);
	uint32_t s = csum_add(out + 22, 32, 0); /* pseudo-header: addresses */

	s += 8 + quote;
	s += IPPROTO_ICMPV6;
	wr16(out + l4 + 2, csum_fold(csum_add(out + l4, 8 + quote, s)));
	return len;
}

static void trace(const struct relay *r, int d, const char *what, uint64_t arg)
{
	if (r->trace)
		fprintf(stderr, "relay: %s #%llu %s %llu\n", r->dir[d].name,
			(unsigned long long)r->dir[d].frame_no, what, (unsigned long long)arg);
}

/* A frame longer than the path's MTU: answered with an ICMP error out of the
 * interface it came from, or dropped. Returns true when it was over-size. */
static bool mtu_exceeded(struct relay *r, int d, const uint8_t *f, const struct frame_info *fi)
{
	struct direction *dir = &r->dir[d];
	uint8_t out[14 + 48 + ICMP6_QUOTE];
	uint32_t len;

	if (!dir->imp.mtu || !fi->l3 || fi->l3_len <= dir->imp.mtu)
		return false;
	if (dir->imp.no_icmp || (fi->version == 4 && !fi->df)) {
		dir->c.mtu_dropped++;
		trace(r, d, "mtu-dropped", fi->l3_len);
		return true;
	}
	len = icmp_build(r, f, fi, dir->imp.mtu, out);
	if (send(dir->in_fd, out, len, MSG_DONTWAIT) == (ssize_t)len)
		dir->c.icmp_sent++;
	else
		dir->c.send_errors++;
	trace(r, d, "icmp-sent", fi->l3_len);
	return true;
}

/* Random and Gilbert-Elliott loss for the current frame. The chain moves per
 * segment, but a bad state also ends --ge-ms after it began: a burst is a
 * moment of the path, and a sender down to one retransmission per RTO must
 * not meet the same burst for seconds. */
static bool lost(struct relay *r, int d, uint64_t now)
{
	struct direction *dir = &r->dir[d];
	const struct impair *imp = &dir->imp;
	bool was_bad;
	double p;

	if (draw_unit(r, d, D_LOSS) < imp->loss)
		return true;
	if (imp->ge_p <= 0)
		return false;
	p = draw_unit(r, d, D_GE_MOVE);
	was_bad = dir->ge_bad_state;
	if (was_bad && now - dir->ge_bad_since > imp->ge_ns)
		dir->ge_bad_state = false;
	else if (was_bad ? p < imp->ge_r : p < imp->ge_p)
		dir->ge_bad_state = !was_bad;
	if (dir->ge_bad_state && !was_bad)
		dir->ge_bad_since = now;
	return draw_unit(r, d, D_GE_LOSS) < (dir->ge_bad_state ? imp->ge_bad : imp->ge_good);
}

static void corrupt(struct relay *r, int d, uint8_t *f, uint32_t len, const struct frame_info *fi)
{
	uint32_t end = fi->l3 + fi->l3_len < len ? fi->l3 + fi->l3_len : len;
	uint32_t at = fi->l4 + (uint32_t)(draw(r, d, D_CORRUPT_AT) % (end - fi->l4));

	f[at] ^= (uint8_t)(1 + draw(r, d, D_CORRUPT_XOR) % 255);
	r->dir[d].c.corrupted++;
	trace(r, d, "corrupted-at", at);
}

/* When a frame of len bytes arriving now leaves the bottleneck, or 0 when the
 * bottleneck's queue is full (tail drop). */
static uint64_t bottleneck(struct direction *dir, uint64_t now, uint32_t len)
{
	const struct impair *imp = &dir->imp;
	uint64_t start, backlog = 0;

	if (!imp->rate)
		return now;
	start = dir->last_depart_ns > now ? dir->last_depart_ns : now;
	if (start > now)
		backlog = (start - now) * imp->rate / 8 / NS;
	if (backlog + len > imp->queue)
		return 0;
	dir->last_depart_ns = start + (uint64_t)len * 8 * NS / imp->rate;
	return dir->last_depart_ns;
}

/* Puts slot on the direction's way out: through the bottleneck, the delay
 * line, and (hold) aside for reordering. Takes the slot. */
static void enqueue(struct relay *r, int d, uint32_t slot, uint64_t now, bool hold)
{
	struct direction *dir = &r->dir[d];
	const struct impair *imp = &dir->imp;
	uint64_t t = bottleneck(dir, now, r->len[slot]);

	if (!t) {
		dir->c.tail_dropped++;
		trace(r, d, "tail-dropped", r->len[slot]);
		slot_put(r, slot);
		return;
	}
	if (imp->delay_ns || imp->jitter_ns) {
		int64_t j = 0;

		if (imp->jitter_ns)
			j = (int64_t)(draw(r, d, D_JITTER) % (2 * imp->jitter_ns + 1)) -
			    (int64_t)imp->jitter_ns;
		t = (int64_t)imp->delay_ns + j > 0 ? t + (uint64_t)((int64_t)imp->delay_ns + j) : t;
	}
	if (t < dir->last_release_ns)
		t = dir->last_release_ns;
	if (t > now)
		dir->c.delayed++;
	if (hold && dir->n_held < MAX_HELD) {
		dir->held[dir->n_held++] = (struct held){
			.slot = slot, .after = imp->reorder_gap, .deadline = t + imp->reorder_ns};
		dir->c.reordered++;
		trace(r, d, "held", imp->reorder_gap);
		return;
	}
	dir->last_release_ns = t;
	dir->fifo[(dir->head + dir->count++) % r->n_slots] = (struct pending){slot, t};
}

/* One received frame of direction d (in slot, length already set): decide,
 * then queue it, or drop it. Takes the slot. */
static void frame_input(struct relay *r, int d, uint32_t slot, uint64_t now)
{
	struct direction *dir = &r->dir[d];
	const struct impair *imp = &dir->imp;
	uint8_t *f = slot_data(r, slot);
	uint32_t dup_slot, len = r->len[slot];
	struct frame_info fi;
	bool tcp, dup, hold;

	dir->c.received++;
	frame_parse(f, len, &fi);
	if (mtu_exceeded(r, d, f, &fi)) {
		slot_put(r, slot);
		return;
	}
	tcp = fi.l3 && fi.proto == IPPROTO_TCP && fi.l3 + fi.l3_len > fi.l4;
	/* Decisions are numbered by TCP segment: ARP, ND or an ICMP error
	 * arriving at another moment does not shift them. */
	dir->frame_no += tcp;
	if (tcp && lost(r, d, now)) {
		dir->c.lost++;
		trace(r, d, "lost", len);
		slot_put(r, slot);
		return;
	}
	if (tcp && draw_unit(r, d, D_CORRUPT) < imp->corrupt)
		corrupt(r, d, f, len, &fi);
	dup = tcp && draw_unit(r, d, D_DUP) < imp->dup;
	hold = tcp && draw_unit(r, d, D_REORDER) < imp->reorder;
	enqueue(r, d, slot, now, hold);
	if (!dup)
		return;
	if (slot_get(r, &dup_slot)) {
		dir->c.no_slot++;
		return;
	}
	memcpy(slot_data(r, dup_slot), f, len);
	r->len[dup_slot] = (uint16_t)len;
	dir->c.duplicated++;
	trace(r, d, "duplicated", len);
	enqueue(r, d, dup_slot, now, false);
}

struct out_batch {
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];
	uint32_t slot[BATCH];
	unsigned int n;
};

static void batch_flush(struct relay *r, struct direction *dir, struct out_batch *b)
{
	unsigned int done = 0;

	while (done < b->n) {
		int n = sendmmsg(dir->out_fd, b->msg + done, b->n - done, 0);

		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			dir->c.send_errors++; /* the peer's queue is full: lost */
			done++;
			continue;
		}
		dir->c.forwarded += (uint64_t)n;
		done += (unsigned int)n;
	}
	for (unsigned int i = 0; i < b->n; i++)
		slot_put(r, b->slot[i]);
	b->n = 0;
}

static void batch_add(struct relay *r, struct direction *dir, struct out_batch *b, uint32_t slot)
{
	if (b->n == BATCH)
		batch_flush(r, dir, b);
	b->iov[b->n] = (struct iovec){slot_data(r, slot), r->len[slot]};
	b->msg[b->n] = (struct mmsghdr){.msg_hdr = {.msg_iov = &b->iov[b->n], .msg_iovlen = 1}};
	b->slot[b->n++] = slot;
}

/* A frame went out: the held ones count it; those due follow it. */
static void held_release(struct relay *r, struct direction *dir, struct out_batch *b, uint64_t now,
			 bool counted)
{
	for (uint32_t i = 0; i < dir->n_held;) {
		struct held *h = &dir->held[i];

		if (counted && h->after)
			h->after--;
		if (h->after && now < h->deadline) {
			i++;
			continue;
		}
		batch_add(r, dir, b, h->slot);
		*h = dir->held[--dir->n_held];
	}
}

/* Sends what is due in direction d; returns when the next frame is due
 * (UINT64_MAX: nothing waits). */
static uint64_t direction_output(struct relay *r, int d, uint64_t now)
{
	struct direction *dir = &r->dir[d];
	struct out_batch b;
	uint64_t next = UINT64_MAX;

	b.n = 0;
	held_release(r, dir, &b, now, false);
	while (dir->count && dir->fifo[dir->head].release_ns <= now) {
		batch_add(r, dir, &b, dir->fifo[dir->head].slot);
		dir->head = (dir->head + 1) % r->n_slots;
		dir->count--;
		held_release(r, dir, &b, now, true);
	}
	batch_flush(r, dir, &b);
	if (dir->count)
		next = dir->fifo[dir->head].release_ns;
	for (uint32_t i = 0; i < dir->n_held; i++)
		if (dir->held[i].deadline < next)
			next = dir->held[i].deadline;
	return next;
}

/* Receives a batch on the direction's input and feeds it through. */
static int direction_input(struct relay *r, int d)
{
	struct direction *dir = &r->dir[d];
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_ll from[BATCH];
	uint32_t slot[BATCH];
	unsigned int want = 0;
	uint64_t now;
	int n;

	while (want < BATCH && !slot_get(r, &slot[want])) {
		iov[want] = (struct iovec){slot_data(r, slot[want]), SLOT_SIZE};
		msg[want] = (struct mmsghdr){.msg_hdr = {.msg_name = &from[want],
							 .msg_namelen = sizeof(from[want]),
							 .msg_iov = &iov[want],
							 .msg_iovlen = 1}};
		want++;
	}
	n = want ? recvmmsg(dir->in_fd, msg, want, MSG_DONTWAIT | MSG_TRUNC, NULL) : 0;
	now = now_ns();
	for (int i = 0; i < n; i++) {
		if (from[i].sll_pkttype == PACKET_OUTGOING || msg[i].msg_len > SLOT_SIZE) {
			slot_put(r, slot[i]);
			dir->c.mtu_dropped += msg[i].msg_len > SLOT_SIZE;
			continue;
		}
		r->len[slot[i]] = (uint16_t)msg[i].msg_len;
		frame_input(r, d, slot[i], now);
	}
	for (unsigned int i = n > 0 ? (unsigned int)n : 0; i < want; i++)
		slot_put(r, slot[i]);
	if (!want)
		dir->c.no_slot++;
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	return n;
}

static int socket_open(const char *ifname, int *fd_out)
{
	int one = 1, buf = 8 << 20, fd, err = 0;
	struct packet_mreq mr = {.mr_type = PACKET_MR_PROMISC};
	struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL)};

	sll.sll_ifindex = (int)if_nametoindex(ifname);
	mr.mr_ifindex = sll.sll_ifindex;
	if (!sll.sll_ifindex) {
		fprintf(stderr, "relay: no interface %s\n", ifname);
		return -ENODEV;
	}
	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (fd < 0 || bind(fd, (struct sockaddr *)&sll, sizeof(sll)) ||
	    setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr))) {
		err = -errno;
		fprintf(stderr, "relay: AF_PACKET socket on %s: %s (needs CAP_NET_RAW)\n", ifname,
			strerror(errno));
		goto out;
	}
	/* Room for bursts while the relay is busy with the other direction. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	*fd_out = fd;
	return 0;
out:
	if (fd >= 0)
		close(fd);
	return err;
}

static void counts_print(const struct direction *dir)
{
	const struct counts *c = &dir->c;

	printf("relay: %s received %llu forwarded %llu lost %llu duplicated %llu reordered %llu "
	       "corrupted %llu delayed %llu tail-dropped %llu icmp-sent %llu mtu-dropped %llu "
	       "no-slot %llu send-errors %llu\n",
	       dir->name, (unsigned long long)c->received, (unsigned long long)c->forwarded,
	       (unsigned long long)c->lost, (unsigned long long)c->duplicated,
	       (unsigned long long)c->reordered, (unsigned long long)c->corrupted,
	       (unsigned long long)c->delayed, (unsigned long long)c->tail_dropped,
	       (unsigned long long)c->icmp_sent, (unsigned long long)c->mtu_dropped,
	       (unsigned long long)c->no_slot, (unsigned long long)c->send_errors);
}

/* The poll loop: both interfaces, the signals, the next due frame. */
static int relay_run(struct relay *r)
{
	struct pollfd pfd[3] = {{.fd = r->fd[0], .events = POLLIN},
				{.fd = r->fd[1], .events = POLLIN},
				{.fd = r->sig_fd, .events = POLLIN}};
	int err = 0;

	for (;;) {
		uint64_t now = now_ns(), next = r->end_ns;

		for (int d = 0; d < NDIR; d++) {
			uint64_t t = direction_output(r, d, now);

			next = t < next ? t : next;
		}
		if (now >= r->end_ns)
			break;
		uint64_t wait = next > now ? next - now : 0;
		struct timespec ts = {.tv_sec = (time_t)(wait / NS), .tv_nsec = (long)(wait % NS)};

		if (ppoll(pfd, 3, &ts, NULL) < 0 && errno != EINTR) {
			err = -errno;
			goto out;
		}
		if (pfd[2].revents)
			break;
		for (int d = 0; d < NDIR; d++) {
			if (!(pfd[d].revents & POLLIN))
				continue;
			/* fd[0] (A) feeds a2b, fd[1] (B) feeds b2a */
			err = direction_input(r, d);
			if (err < 0)
				goto out;
			err = 0;
		}
	}
out:
	return err;
}

/* "100M", "1.5G", "64k" -> 100000000 ... (mult: 1000 for rates, 1024 for sizes) */
static int parse_size(const char *s, uint64_t mult, uint64_t *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || v < 0)
		return -EINVAL;
	switch (*end) {
	case 'k':
	case 'K':
		v *= (double)mult;
		end++;
		break;
	case 'm':
	case 'M':
		v *= (double)(mult * mult);
		end++;
		break;
	case 'g':
	case 'G':
		v *= (double)(mult * mult * mult);
		end++;
		break;
	}
	if (*end)
		return -EINVAL;
	*out = (uint64_t)v;
	return 0;
}

static int parse_pct(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || (*end && *end != ',') || v < 0 || v > 100)
		return -EINVAL;
	*out = v / 100;
	return 0;
}

static int parse_ge(const char *s, struct impair *imp)
{
	double v[4] = {0, 0, 1, 0};
	int n = 0;

	for (const char *p = s; p && n < 4; n++) {
		if (parse_pct(p, &v[n]))
			return -EINVAL;
		p = strchr(p, ',');
		p = p ? p + 1 : NULL;
	}
	if (n < 2 || v[0] <= 0)
		return -EINVAL;
	imp->ge_p = v[0];
	imp->ge_r = v[1];
	imp->ge_bad = v[2];
	imp->ge_good = v[3];
	return 0;
}

static int parse_ms(const char *s, uint64_t *ns)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || v < 0)
		return -EINVAL;
	*ns = (uint64_t)(v * 1e6);
	return 0;
}

enum {
	O_LOSS = 256,
	O_GE,
	O_DUP,
	O_REORDER,
	O_REORDER_GAP,
	O_REORDER_MS,
	O_CORRUPT,
	O_DELAY,
	O_JITTER,
	O_RATE,
	O_QUEUE,
	O_MTU,
	O_NO_ICMP,
	O_DIR,
	O_SEED,
	O_DURATION,
	O_ROUTER4,
	O_ROUTER6,
	O_FRAMES,
	O_TRACE,
	O_GE_MS
};

static const struct option options[] = {{"loss", 1, NULL, O_LOSS},
					{"ge", 1, NULL, O_GE},
					{"dup", 1, NULL, O_DUP},
					{"reorder", 1, NULL, O_REORDER},
					{"reorder-gap", 1, NULL, O_REORDER_GAP},
					{"reorder-ms", 1, NULL, O_REORDER_MS},
					{"corrupt", 1, NULL, O_CORRUPT},
					{"delay", 1, NULL, O_DELAY},
					{"jitter", 1, NULL, O_JITTER},
					{"rate", 1, NULL, O_RATE},
					{"queue", 1, NULL, O_QUEUE},
					{"mtu", 1, NULL, O_MTU},
					{"no-icmp", 0, NULL, O_NO_ICMP},
					{"ge-ms", 1, NULL, O_GE_MS},
					{"dir", 1, NULL, O_DIR},
					{"seed", 1, NULL, O_SEED},
					{"duration", 1, NULL, O_DURATION},
					{"router4", 1, NULL, O_ROUTER4},
					{"router6", 1, NULL, O_ROUTER6},
					{"frames", 1, NULL, O_FRAMES},
					{"trace", 0, NULL, O_TRACE},
					{NULL, 0, NULL, 0}};

/* One per-direction option into imp. */
static int parse_impair(int c, const char *arg, struct impair *imp)
{
	uint64_t v;

	switch (c) {
	case O_LOSS:
		return parse_pct(arg, &imp->loss);
	case O_GE:
		return parse_ge(arg, imp);
	case O_DUP:
		return parse_pct(arg, &imp->dup);
	case O_REORDER:
		return parse_pct(arg, &imp->reorder);
	case O_CORRUPT:
		return parse_pct(arg, &imp->corrupt);
	case O_REORDER_MS:
		return parse_ms(arg, &imp->reorder_ns);
	case O_GE_MS:
		return parse_ms(arg, &imp->ge_ns);
	case O_DELAY:
		return parse_ms(arg, &imp->delay_ns);
	case O_JITTER:
		return parse_ms(arg, &imp->jitter_ns);
	case O_RATE:
		return parse_size(arg, 1000, &imp->rate);
	case O_QUEUE:
		return parse_size(arg, 1024, &imp->queue);
	case O_NO_ICMP:
		imp->no_icmp = true;
		return 0;
	case O_REORDER_GAP:
	case O_MTU:
		if (parse_size(arg, 1, &v) || v > 65535)
			return -EINVAL;
		if (c == O_MTU)
			imp->mtu = (uint32_t)v;
		else
			imp->reorder_gap = (uint32_t)v;
		return 0;
	}
	return -EINVAL;
}

static int parse_global(int c, const char *arg, struct relay *r, uint64_t *duration)
{
	char *end;

	switch (c) {
	case O_SEED:
		r->seed = strtoull(arg, &end, 0);
		return *end ? -EINVAL : 0;
	case O_DURATION:
		*duration = strtoull(arg, &end, 0);
		return *end || !*duration ? -EINVAL : 0;
	case O_FRAMES:
		r->n_slots = (uint32_t)strtoul(arg, &end, 0);
		return *end || r->n_slots < 2 * BATCH ? -EINVAL : 0;
	case O_ROUTER4:
		return inet_pton(AF_INET, arg, r->router4) == 1 ? 0 : -EINVAL;
	case O_ROUTER6:
		return inet_pton(AF_INET6, arg, r->router6) == 1 ? 0 : -EINVAL;
	case O_TRACE:
		r->trace = true;
		return 0;
	}
	return -EINVAL;
}

static int parse_args(int argc, char **argv, struct relay *r, uint64_t *duration)
{
	bool scope[NDIR] = {true, true};
	int c;

	r->seed = mix64((uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32));
	for (int d = 0; d < NDIR; d++)
		r->dir[d].imp = (struct impair){.reorder_gap = 3,
						.reorder_ns = 10 * 1000000ull,
						.ge_ns = 100 * 1000000ull,
						.queue = 1 << 20};
	optind = 0;
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		int err = -EINVAL;

		if (c == O_DIR) {
			scope[A2B] = !strcmp(optarg, "a2b") || !strcmp(optarg, "both");
			scope[B2A] = !strcmp(optarg, "b2a") || !strcmp(optarg, "both");
			err = scope[A2B] || scope[B2A] ? 0 : -EINVAL;
		} else if ((c >= O_LOSS && c < O_DIR) || c == O_GE_MS) {
			for (int d = 0; d < NDIR; d++)
				if (scope[d] && (err = parse_impair(c, optarg, &r->dir[d].imp)))
					break;
		} else if (c != '?') {
			err = parse_global(c, optarg, r, duration);
		}
		if (err) {
			fprintf(stderr, "relay: bad option %s%s%s\n", argv[optind - 1],
				optarg ? " " : "", optarg ? optarg : "");
			return -EINVAL;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "usage: relay [OPTIONS] IF_A IF_B (see tests/helpers/relay.c)\n");
		return -EINVAL;
	}
	return 0;
}

static int relay_setup(struct relay *r, const char *if_a, const char *if_b)
{
	size_t pool = (size_t)r->n_slots * SLOT_SIZE;
	sigset_t mask;
	int err;

	r->pool = mmap(NULL, pool, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	r->len = calloc(r->n_slots, sizeof(*r->len));
	r->free_slots = calloc(r->n_slots, sizeof(*r->free_slots));
	for (int d = 0; d < NDIR; d++)
		r->dir[d].fifo = calloc(r->n_slots, sizeof(*r->dir[d].fifo));
	if (r->pool == MAP_FAILED || !r->len || !r->free_slots || !r->dir[A2B].fifo ||
	    !r->dir[B2A].fifo) {
		r->pool = r->pool == MAP_FAILED ? NULL : r->pool;
		fprintf(stderr, "relay: cannot allocate %u frames\n", r->n_slots);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < r->n_slots; i++)
		r->free_slots[r->n_free++] = r->n_slots - 1 - i;
	err = socket_open(if_a, &r->fd[0]);
	if (!err)
		err = socket_open(if_b, &r->fd[1]);
	if (err)
		return err;
	r->dir[A2B] = (struct direction){.name = "a2b",
					 .in_fd = r->fd[0],
					 .out_fd = r->fd[1],
					 .imp = r->dir[A2B].imp,
					 .fifo = r->dir[A2B].fifo};
	r->dir[B2A] = (struct direction){.name = "b2a",
					 .in_fd = r->fd[1],
					 .out_fd = r->fd[0],
					 .imp = r->dir[B2A].imp,
					 .fifo = r->dir[B2A].fifo};
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	r->sig_fd = signalfd(-1, &mask, SFD_CLOEXEC);
	return r->sig_fd < 0 ? -errno : 0;
}

static void relay_teardown(struct relay *r)
{
	for (int i = 0; i < 2; i++)
		if (r->fd[i] >= 0)
			close(r->fd[i]);
	if (r->sig_fd >= 0)
		close(r->sig_fd);
	if (r->pool)
		munmap(r->pool, (size_t)r->n_slots * SLOT_SIZE);
	free(r->len);
	free(r->free_slots);
	free(r->dir[A2B].fifo);
	free(r->dir[B2A].fifo);
}

static void impair_print(const struct direction *dir)
{
	const struct impair *m = &dir->imp;

	printf("relay: %s loss %g%% ge %g%%,%g%%,%g%%,%g%% (%llu ms) dup %g%% reorder %g%% (gap "
	       "%u, %llu ms) "
	       "corrupt %g%% delay %llu us jitter %llu us rate %llu bit/s queue %llu B mtu %u%s\n",
	       dir->name, m->loss * 100, m->ge_p * 100, m->ge_r * 100, m->ge_bad * 100,
	       m->ge_good * 100, (unsigned long long)(m->ge_ns / 1000000), m->dup * 100,
	       m->reorder * 100, m->reorder_gap, (unsigned long long)(m->reorder_ns / 1000000),
	       m->corrupt * 100, (unsigned long long)(m->delay_ns / 1000),
	       (unsigned long long)(m->jitter_ns / 1000), (unsigned long long)m->rate,
	       (unsigned long long)m->queue, m->mtu, m->no_icmp ? " (no icmp)" : "");
}

int main(int argc, char **argv)
{
	uint64_t duration = 600;
	int err;
	struct relay r = {
		.fd = {-1, -1}, .sig_fd = -1, .n_slots = 16384, .router4 = {198, 18, 0, 254}};
	inet_pton(AF_INET6, "fd00::fe", r.router6);
	if (parse_args(argc, argv, &r, &duration))
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("relay: seed %llu\n", (unsigned long long)r.seed);
	err = relay_setup(&r, argv[optind], argv[optind + 1]);
	if (err)
		goto out;
	for (int d = 0; d < NDIR; d++)
		impair_print(&r.dir[d]);
	r.end_ns = now_ns() + duration * NS;
	printf("relay: forwarding %s <-> %s for at most %llu s\n", argv[optind], argv[optind + 1],
	       (unsigned long long)duration);
	err = relay_run(&r);
	for (int d = 0; d < NDIR; d++)
		counts_print(&r.dir[d]);
out:
	relay_teardown(&r);
	if (err)
		fprintf(stderr, "relay: %s\n", strerror(-err));
	return err ? 1 : 0;
}
