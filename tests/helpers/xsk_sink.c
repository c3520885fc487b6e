// SPDX-License-Identifier: GPL-2.0-only
/*
 * xsk_sink.c — test tool for the end-to-end tests: binds an AF_XDP socket
 * (copy mode) to one queue of an interface where the steering program is
 * attached, puts it in the program's XSKMAP through userspace/steer, and
 * counts and drops whatever the program redirects to it. It stands in for
 * the daemon's worker so tests can show that served traffic leaves the
 * kernel path.
 *
 *   xsk_sink IFACE [--queue N] [--count-file PATH] [--duration SEC]
 *
 * Prints "ready" once the socket is in the map, keeps the packet count in
 * --count-file (rewritten after every batch), and on SIGTERM/SIGINT or
 * after --duration prints "received N packets" and exits 0.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <linux/if_link.h>
#include <linux/if_xdp.h>
#include <xdp/xsk.h>

#include "common/log.h"
#include "steer/steer.h"

#define SINK_FRAMES 4096
#define SINK_BATCH  64

struct sink {
	const char *ifname;
	unsigned int queue;
	const char *count_file;
	unsigned int duration_s;
	struct steer *steer;
	void *area;
	size_t area_size;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp;
	struct xsk_ring_cons rx;
	unsigned long long packets;
	unsigned long long bytes;
};

/* Hand `n` frame addresses to the kernel; the fill ring then owns them. */
static void sink_fill(struct sink *k, const __u64 *addrs, unsigned int n)
{
	__u32 idx;

	while (xsk_ring_prod__reserve(&k->fill, n, &idx) != n)
		; /* the ring has room: every frame we give back came out of it */
	for (unsigned int i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&k->fill, idx + i) = addrs[i];
	xsk_ring_prod__submit(&k->fill, n);
}

static int sink_open(struct sink *k)
{
	struct xsk_socket_config cfg = {
		.rx_size = XSK_RING_CONS__DEFAULT_NUM_DESCS,
		.tx_size = 0,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = XDP_COPY,
	};
	struct xsk_umem_config ucfg = {
		.fill_size = SINK_FRAMES,
		.comp_size = XSK_RING_CONS__DEFAULT_NUM_DESCS,
		.frame_size = XSK_UMEM__DEFAULT_FRAME_SIZE,
		.frame_headroom = 0,
	};
	__u64 addrs[SINK_FRAMES];
	int err;

	err = steer__open(k->ifname, &k->steer);
	if (err)
		return err;
	k->area_size = (size_t)SINK_FRAMES * XSK_UMEM__DEFAULT_FRAME_SIZE;
	k->area = mmap(NULL, k->area_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		       0);
	if (k->area == MAP_FAILED) {
		k->area = NULL;
		return -errno;
	}
	err = xsk_umem__create(&k->umem, k->area, k->area_size, &k->fill, &k->comp, &ucfg);
	if (err) {
		pr_err("xsk_umem__create: %s", strerror(-err));
		return err;
	}
	err = xsk_socket__create(&k->xsk, k->ifname, k->queue, k->umem, &k->rx, NULL, &cfg);
	if (err) {
		pr_err("cannot bind an AF_XDP socket to %s queue %u (%s)", k->ifname, k->queue,
		       strerror(-err));
		return err;
	}
	for (unsigned int i = 0; i < SINK_FRAMES; i++)
		addrs[i] = (__u64)i * XSK_UMEM__DEFAULT_FRAME_SIZE;
	sink_fill(k, addrs, SINK_FRAMES);
	return steer_xsk_set(k->steer, k->queue, xsk_socket__fd(k->xsk));
}

static void sink_close(struct sink *k)
{
	if (k->steer && k->xsk)
		steer_xsk_clear(k->steer, k->queue);
	if (k->xsk)
		xsk_socket__delete(k->xsk);
	if (k->umem)
		xsk_umem__delete(k->umem);
	if (k->area)
		munmap(k->area, k->area_size);
	steer__close(k->steer);
}

static void sink_write_count(const struct sink *k)
{
	char tmp[4096];
	FILE *f;

	if (!k->count_file)
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", k->count_file);
	f = fopen(tmp, "w");
	if (!f)
		return;
	fprintf(f, "%llu\n", k->packets);
	if (fclose(f) == 0)
		rename(tmp, k->count_file);
}

/* Take what the rx ring holds (borrowing the frames) and give it straight back. */
static void sink_drain(struct sink *k)
{
	__u64 addrs[SINK_BATCH];
	unsigned int n;
	__u32 idx;

	n = xsk_ring_cons__peek(&k->rx, SINK_BATCH, &idx);
	if (!n)
		return;
	for (unsigned int i = 0; i < n; i++) {
		const struct xdp_desc *d = xsk_ring_cons__rx_desc(&k->rx, idx + i);

		addrs[i] = xsk_umem__extract_addr(d->addr);
		k->bytes += d->len;
	}
	xsk_ring_cons__release(&k->rx, n);
	sink_fill(k, addrs, n);
	k->packets += n;
	sink_write_count(k);
}

static int sink_run(struct sink *k, int sfd)
{
	struct timespec start, now;
	struct pollfd pfd[2] = {
		{.fd = xsk_socket__fd(k->xsk), .events = POLLIN},
		{.fd = sfd, .events = POLLIN},
	};

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		if (poll(pfd, 2, 100) < 0 && errno != EINTR)
			return -errno;
		if (pfd[0].revents & POLLIN)
			sink_drain(k);
		if (pfd[1].revents & POLLIN)
			return 0;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (k->duration_s && now.tv_sec - start.tv_sec >= (time_t)k->duration_s)
			return 0;
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"queue", required_argument, NULL, 'q'},
		{"count-file", required_argument, NULL, 'c'},
		{"duration", required_argument, NULL, 'd'},
		{NULL, 0, NULL, 0},
	};
	struct sink k = {.duration_s = 600};
	sigset_t mask;
	int c, sfd, err;

	while ((c = getopt_long(argc, argv, "q:c:d:", opts, NULL)) != -1) {
		switch (c) {
		case 'q':
			k.queue = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'c':
			k.count_file = optarg;
			break;
		case 'd':
			k.duration_s = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr, "usage: xsk_sink IFACE [--queue N] [--count-file PATH] "
					"[--duration SEC]\n");
			return 2;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "usage: xsk_sink IFACE [--queue N] [--count-file PATH] "
				"[--duration SEC]\n");
		return 2;
	}
	k.ifname = argv[optind];
	log_set_level(LOG_LEVEL_INFO);
	steer_log_libraries();

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sfd < 0) {
		perror("signalfd");
		return 1;
	}

	err = sink_open(&k);
	if (!err) {
		sink_write_count(&k);
		printf("ready\n");
		fflush(stdout);
		err = sink_run(&k, sfd);
		printf("received %llu packets (%llu bytes)\n", k.packets, k.bytes);
	}
	sink_close(&k);
	close(sfd);
	return err ? 1 : 0;
}
