// SPDX-License-Identifier: GPL-2.0-only
/*
 * reflector.c — the medium's floor probe for bench/compare.sh: what one
 * frame in and one frame out cost on the bench bed (AF_XDP copy mode on
 * veth) when the user-space side does next to nothing, so that a
 * scenario's server CPU per request can be set beside "its packets per
 * request × the medium's cost per packet".
 *
 *   reflector serve IFACE [--port P] [--replies N] [--size BYTES] [--queue Q]
 *       (server side) attaches a tiny XDP program that redirects IPv4 UDP to
 *       port P (default 9) to an AF_XDP socket in copy mode, and answers
 *       each such frame with N frames of BYTES (default 1, 1514: a full
 *       segment's frame), addresses and ports swapped; everything else
 *       (ARP) goes to the kernel. On SIGTERM/SIGINT it prints
 *       "rx R tx T dropped D" and exits.
 *   reflector drive ADDR [--port P] [--replies N] [--window W] [--seconds S]
 *       (client side) keeps W requests in flight over a UDP socket, one new
 *       request per N replies received, for S seconds (default 5), and
 *       prints "requests R replies P".
 *
 * The frame handling is written by hand (a 42-byte header swap) because the
 * point is to measure the medium, not a stack; the XDP program is a dozen
 * instructions assembled here so that the probe needs no BPF toolchain and
 * no bpffs (libxdp's default program wants one; `ip netns exec` hides it).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <linux/if_link.h>
#include <linux/if_xdp.h>
#include <xdp/xsk.h>

#define FRAME_SIZE  XSK_UMEM__DEFAULT_FRAME_SIZE
#define RX_FRAMES   4096
#define TX_FRAMES   4096
#define RING_SIZE   4096
#define BATCH	    64
#define HDR_LEN	    42 /* Ethernet 14 + IPv4 20 + UDP 8 */
#define REQ_PAYLOAD 64

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

struct opts {
	unsigned int port, replies, size, queue, window, seconds;
};

/* --- the XDP program ----------------------------------------------------- */

#define INSN(c, d, s, o, i)                                                                        \
	((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})

/* Redirect IPv4/UDP to `port` (IHL 5 assumed: the driver sends no options)
 * to the XSKMAP entry of the receiving queue; pass everything else. */
static int load_prog(int map_fd, unsigned int port)
{
	const int pass = 18;
	struct bpf_insn p[] = {
		INSN(BPF_ALU64 | BPF_MOV | BPF_X, 6, 1, 0, 0),	    /* 0: r6 = ctx */
		INSN(BPF_LDX | BPF_MEM | BPF_W, 2, 1, 0, 0),	    /* 1: r2 = data */
		INSN(BPF_LDX | BPF_MEM | BPF_W, 3, 1, 4, 0),	    /* 2: r3 = data_end */
		INSN(BPF_ALU64 | BPF_MOV | BPF_X, 4, 2, 0, 0),	    /* 3: r4 = r2 */
		INSN(BPF_ALU64 | BPF_ADD | BPF_K, 4, 0, 0, 38),	    /* 4: r4 += 38 */
		INSN(BPF_JMP | BPF_JGT | BPF_X, 4, 3, pass - 6, 0), /* 5: short frame */
		INSN(BPF_LDX | BPF_MEM | BPF_H, 5, 2, 12, 0),	    /* 6: ethertype */
		INSN(BPF_JMP | BPF_JNE | BPF_K, 5, 0, pass - 8, htons(0x0800)), /* 7 */
		INSN(BPF_LDX | BPF_MEM | BPF_B, 5, 2, 23, 0),			/* 8: IP protocol */
		INSN(BPF_JMP | BPF_JNE | BPF_K, 5, 0, pass - 10, IPPROTO_UDP),	/* 9 */
		INSN(BPF_LDX | BPF_MEM | BPF_H, 5, 2, 36, 0),			/* 10: UDP dport */
		INSN(BPF_JMP | BPF_JNE | BPF_K, 5, 0, pass - 12, htons((uint16_t)port)), /* 11 */
		INSN(BPF_LDX | BPF_MEM | BPF_W, 2, 6, 16, 0), /* 12: rx_queue_index */
		INSN(BPF_LD | BPF_DW | BPF_IMM, 1, BPF_PSEUDO_MAP_FD, 0, map_fd), /* 13 */
		INSN(0, 0, 0, 0, 0),						  /* 14 */
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, 3, 0, 0, XDP_PASS),		  /* 15: fallback */
		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_redirect_map),	  /* 16 */
		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),				  /* 17 */
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, XDP_PASS),		  /* 18: pass */
		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),				  /* 19 */
	};

	return bpf_prog_load(BPF_PROG_TYPE_XDP, "reflector", "GPL", p, sizeof(p) / sizeof(p[0]),
			     NULL);
}

/* --- serve --------------------------------------------------------------- */

struct refl {
	void *area;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fill, tx;
	struct xsk_ring_cons comp, rx;
	uint64_t free_tx[TX_FRAMES];
	unsigned int n_free;
	unsigned long long rx_n, tx_n, dropped;
};

static uint16_t ip_csum(const uint8_t *h)
{
	uint32_t s = 0;

	for (int i = 0; i < 20; i += 2)
		s += (uint32_t)(h[i] << 8 | h[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void reclaim(struct refl *r)
{
	uint32_t idx;
	unsigned int n = xsk_ring_cons__peek(&r->comp, RING_SIZE, &idx);

	for (unsigned int i = 0; i < n; i++)
		r->free_tx[r->n_free++] = *xsk_ring_cons__comp_addr(&r->comp, idx + i);
	xsk_ring_cons__release(&r->comp, n);
}

static void kick(struct refl *r)
{
	if (sendto(xsk_socket__fd(r->xsk), NULL, 0, MSG_DONTWAIT, NULL, 0) < 0 && errno != EAGAIN &&
	    errno != EBUSY && errno != ENOBUFS)
		perror("sendto");
}

/* Write the reply header for request frame `q` into `f`. */
static void build_reply(uint8_t *f, const uint8_t *q, unsigned int size)
{
	memcpy(f, q + 6, 6);
	memcpy(f + 6, q, 6);
	f[12] = 0x08;
	f[13] = 0x00;
	uint8_t *ip = f + 14;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	ip[2] = (uint8_t)((size - 14) >> 8);
	ip[3] = (uint8_t)(size - 14);
	ip[8] = 64;
	ip[9] = IPPROTO_UDP;
	memcpy(ip + 12, q + 30, 4); /* source = the request's destination */
	memcpy(ip + 16, q + 26, 4);
	uint16_t c = ip_csum(ip);
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
	uint8_t *udp = ip + 20;
	memcpy(udp, q + 36, 2);
	memcpy(udp + 2, q + 34, 2);
	udp[4] = (uint8_t)((size - 34) >> 8);
	udp[5] = (uint8_t)(size - 34);
	udp[6] = udp[7] = 0; /* no UDP checksum (IPv4 allows it) */
}

static void serve_batch(struct refl *r, const struct opts *o)
{
	uint64_t addrs[BATCH];
	uint32_t idx, tidx;
	unsigned int n = xsk_ring_cons__peek(&r->rx, BATCH, &idx);

	if (!n)
		return;
	for (unsigned int i = 0; i < n; i++) {
		const struct xdp_desc *d = xsk_ring_cons__rx_desc(&r->rx, idx + i);
		const uint8_t *q = xsk_umem__get_data(r->area, d->addr);

		addrs[i] = xsk_umem__extract_addr(d->addr);
		r->rx_n++;
		if (d->len < HDR_LEN)
			continue;
		for (unsigned int k = 0; k < o->replies; k++) {
			if (!r->n_free)
				reclaim(r);
			if (!r->n_free || xsk_ring_prod__reserve(&r->tx, 1, &tidx) != 1) {
				r->dropped++;
				continue;
			}
			uint64_t a = r->free_tx[--r->n_free];
			struct xdp_desc *t = xsk_ring_prod__tx_desc(&r->tx, tidx);

			build_reply(xsk_umem__get_data(r->area, a), q, o->size);
			t->addr = a;
			t->len = o->size;
			t->options = 0;
			xsk_ring_prod__submit(&r->tx, 1);
			r->tx_n++;
		}
	}
	xsk_ring_cons__release(&r->rx, n);
	/* One wake-up per batch, as the daemon's worker does. */
	kick(r);
	reclaim(r);
	while (xsk_ring_prod__reserve(&r->fill, n, &idx) != n)
		; /* room: every frame given back came out of the fill ring */
	for (unsigned int i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&r->fill, idx + i) = addrs[i];
	xsk_ring_prod__submit(&r->fill, n);
}

static int serve(const char *ifname, const struct opts *o)
{
	struct xsk_umem_config ucfg = {
		.fill_size = RING_SIZE,
		.comp_size = RING_SIZE,
		.frame_size = FRAME_SIZE,
	};
	struct xsk_socket_config cfg = {
		.rx_size = RING_SIZE,
		.tx_size = RING_SIZE,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = XDP_COPY | XDP_USE_NEED_WAKEUP,
	};
	static struct refl r;
	size_t len = (size_t)(RX_FRAMES + TX_FRAMES) * FRAME_SIZE;
	unsigned int ifindex = if_nametoindex(ifname);
	int map_fd, prog_fd, err;
	uint32_t idx = 0, key = o->queue;

	if (!ifindex || o->size < HDR_LEN || o->size > FRAME_SIZE) {
		fprintf(stderr, "reflector: bad interface or size\n");
		return 1;
	}
	r.area = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (r.area == MAP_FAILED)
		return perror("mmap"), 1;
	err = xsk_umem__create(&r.umem, r.area, len, &r.fill, &r.comp, &ucfg);
	if (!err)
		err = xsk_socket__create(&r.xsk, ifname, o->queue, r.umem, &r.rx, &r.tx, &cfg);
	if (err) {
		fprintf(stderr, "reflector: AF_XDP socket on %s: %s\n", ifname, strerror(-err));
		return 1;
	}
	map_fd = bpf_map_create(BPF_MAP_TYPE_XSKMAP, "reflector_xsk", 4, 4, 64, NULL);
	prog_fd = map_fd < 0 ? map_fd : load_prog(map_fd, o->port);
	if (prog_fd < 0 || bpf_map_update_elem(map_fd, &key, &(int){xsk_socket__fd(r.xsk)}, 0) ||
	    bpf_xdp_attach((int)ifindex, prog_fd, XDP_FLAGS_DRV_MODE, NULL)) {
		fprintf(stderr, "reflector: XDP program on %s: %s\n", ifname, strerror(errno));
		return 1;
	}
	xsk_ring_prod__reserve(&r.fill, RX_FRAMES, &idx);
	for (unsigned int i = 0; i < RX_FRAMES; i++)
		*xsk_ring_prod__fill_addr(&r.fill, idx + i) = (uint64_t)i * FRAME_SIZE;
	xsk_ring_prod__submit(&r.fill, RX_FRAMES);
	for (unsigned int i = 0; i < TX_FRAMES; i++)
		r.free_tx[r.n_free++] = (uint64_t)(RX_FRAMES + i) * FRAME_SIZE;

	printf("ready\n");
	fflush(stdout);
	struct pollfd pfd = {.fd = xsk_socket__fd(r.xsk), .events = POLLIN};
	while (!stop) {
		if (poll(&pfd, 1, 100) < 0 && errno != EINTR)
			break;
		serve_batch(&r, o);
	}
	bpf_xdp_detach((int)ifindex, XDP_FLAGS_DRV_MODE, NULL);
	printf("rx %llu tx %llu dropped %llu\n", r.rx_n, r.tx_n, r.dropped);
	xsk_socket__delete(r.xsk);
	xsk_umem__delete(r.umem);
	return 0;
}

/* --- drive --------------------------------------------------------------- */

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int drive(const char *addr, const struct opts *o)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)o->port)};
	static char rbuf[BATCH][2048];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	char req[REQ_PAYLOAD] = {0};
	unsigned long long requests = 0, replies = 0, pending = 0;
	int fd, bufsz = 8 << 20;
	double end;

	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1)
		return fprintf(stderr, "reflector: bad address %s\n", addr), 1;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return perror("reflector: socket"), 1;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof(bufsz));
	for (int i = 0; i < BATCH; i++) {
		iov[i] = (struct iovec){rbuf[i], sizeof(rbuf[i])};
		msgs[i] = (struct mmsghdr){.msg_hdr = {.msg_iov = &iov[i], .msg_iovlen = 1}};
	}
	end = now_s() + o->seconds;
	while (now_s() < end) {
		/* Keep the window full: one request per `replies` frames back. */
		while (pending < (unsigned long long)o->window * o->replies) {
			if (send(fd, req, sizeof(req), MSG_DONTWAIT) < 0)
				break;
			requests++;
			pending += o->replies;
		}
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		if (poll(&pfd, 1, 50) == 0) {
			pending = 0; /* frames lost: open the window again */
			continue;
		}
		int n = recvmmsg(fd, msgs, BATCH, MSG_DONTWAIT, NULL);
		if (n > 0) {
			replies += (unsigned long long)n;
			pending = pending > (unsigned long long)n ? pending - (unsigned long long)n
								  : 0;
		}
	}
	printf("requests %llu replies %llu\n", requests, replies);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{"port", required_argument, NULL, 'p'},
		{"replies", required_argument, NULL, 'n'},
		{"size", required_argument, NULL, 's'},
		{"queue", required_argument, NULL, 'q'},
		{"window", required_argument, NULL, 'w'},
		{"seconds", required_argument, NULL, 'd'},
		{NULL, 0, NULL, 0},
	};
	struct opts o = {.port = 9, .replies = 1, .size = 1514, .window = 64, .seconds = 5};
	int c;

	if (argc < 3) {
		fprintf(stderr, "usage: reflector serve IFACE | drive ADDR [options]\n");
		return 2;
	}
	optind = 3;
	while ((c = getopt_long(argc, argv, "p:n:s:q:w:d:", lopts, NULL)) != -1) {
		unsigned int v = (unsigned int)strtoul(optarg, NULL, 0);

		switch (c) {
		case 'p':
			o.port = v;
			break;
		case 'n':
			o.replies = v;
			break;
		case 's':
			o.size = v;
			break;
		case 'q':
			o.queue = v;
			break;
		case 'w':
			o.window = v ? v : 1;
			break;
		case 'd':
			o.seconds = v;
			break;
		default:
			return 2;
		}
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	if (!strcmp(argv[1], "serve"))
		return serve(argv[2], &o);
	if (!strcmp(argv[1], "drive"))
		return drive(argv[2], &o);
	fprintf(stderr, "reflector: unknown mode %s\n", argv[1]);
	return 2;
}
