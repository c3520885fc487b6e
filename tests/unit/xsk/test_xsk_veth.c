// SPDX-License-Identifier: GPL-2.0-only
/*
 * Root-only tests for xsk/xsk_queue.c on a veth pair: TX through the
 * struct nic (multi-buffer with references, then the one-copy fallback),
 * received on the peer with an AF_PACKET socket and compared byte for byte;
 * RX through a tiny XDP program that redirects to the XSKMAP. After
 * draining, every frame must be back with its owner.
 *
 * Each test runs in its own process (Criterion forks) and first moves it
 * into a new, anonymous network namespace: the veth pair lives and dies
 * with the process, whatever happens. Frames carry the local experimental
 * EtherType 0x88b5 and never leave that namespace. Skips without root.
 */
#include "config.h" /* _GNU_SOURCE for unshare() */

#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cache/cache.h"
#include "io/io_reader.h"
#include "net/nic.h"
#include "xsk/frame.h"
#include "xsk/umem.h"
#include "xsk/xsk_queue.h"

#define ETH_P_TEST 0x88b5 /* IEEE local experimental */
#define NFRAMES	   48
#define MAXFRAME   1514

static void enter_netns_with_veth(int queues)
{
	char cmd[512];

	if (geteuid() != 0)
		cr_skip_test("needs root: AF_XDP, veth and XDP need CAP_NET_ADMIN, CAP_NET_RAW, "
			     "CAP_BPF");
	if (unshare(CLONE_NEWNET))
		cr_skip_test("cannot create a network namespace: %s", strerror(errno));
	snprintf(cmd, sizeof(cmd),
		 "ip link add xa numtxqueues %d numrxqueues %d type veth peer name xb "
		 "numtxqueues %d numrxqueues %d && ip link set xa up && ip link set xb up",
		 queues, queues, queues, queues);
	if (system(cmd))
		cr_skip_test("cannot create a veth pair with iproute2");
}

static void if_mac(const char *ifname, uint8_t mac[6])
{
	struct ifreq ifr = {0};
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	cr_assert_eq(ioctl(fd, SIOCGIFHWADDR, &ifr), 0);
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	close(fd);
}

static int packet_socket(const char *ifname)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_TEST),
		.sll_ifindex = (int)if_nametoindex(ifname),
	};
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_TEST));
	int rcvbuf = 4 << 20;

	cr_assert_geq(fd, 0, "AF_PACKET socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	cr_assert_eq(bind(fd, (struct sockaddr *)&sll, sizeof(sll)), 0);
	return fd;
}

/* One frame off the peer, or 0 after two seconds of silence. */
static ssize_t packet_recv(int fd, uint8_t *buf, size_t len)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};

	if (poll(&pfd, 1, 2000) != 1)
		return 0;
	return recv(fd, buf, len, 0);
}

/* Content the "cache" holds: `n` consecutive CACHE frames with a pattern. */
static uint64_t make_content(struct frame_pool *p, uint32_t n)
{
	uint64_t first = FRAME_ADDR_NONE;

	for (uint32_t i = 0; i < n; i++) {
		uint64_t a = frame_pool_alloc(p, FRAME_CLASS_CACHE);

		cr_assert_neq(a, FRAME_ADDR_NONE);
		if (i == 0)
			first = a;
		cr_assert_eq(a, first + (uint64_t)i * FRAME_SIZE, "fresh pools hand out runs");
		for (uint32_t b = 0; b < FRAME_SIZE; b++)
			frame_pool_data(p, a)[b] = (uint8_t)(b * 7 + i * 13 + (b >> 8));
	}
	return first;
}

struct ref {
	uint64_t off; /* from the start of the content */
	uint32_t len;
};

/* Frame i's references: none, one, one across a frame boundary, two. */
static int frame_refs(int i, struct ref refs[2])
{
	switch (i % 4) {
	case 0:
		return 0;
	case 1:
		refs[0] = (struct ref){100 + (uint64_t)i, 200};
		return 1;
	case 2:
		refs[0] = (struct ref){FRAME_SIZE - 50 - (uint64_t)i, 300};
		return 1;
	default:
		refs[0] = (struct ref){2 * (uint64_t)FRAME_SIZE + 7, 500 + (uint32_t)i};
		refs[1] = (struct ref){10, 33};
		return 2;
	}
}

/*
 * Send NFRAMES frames through `q`'s nic, alternating `q2` when given, and
 * check each arrives intact on the peer. `manual_copy` writes every other
 * frame's payload by hand instead of appending references.
 */
static void send_and_compare(struct xsk_queue *q, struct xsk_queue *q2, uint64_t content,
			     uint64_t content2, bool manual_copy)
{
	uint8_t mac_a[6], mac_b[6], expect[NFRAMES][MAXFRAME], got[2048];
	uint32_t expect_len[NFRAMES];
	int rx = packet_socket("xb");

	if_mac("xa", mac_a);
	if_mac("xb", mac_b);
	for (int i = 0; i < NFRAMES; i++) {
		struct xsk_queue *cur = (q2 && (i & 1)) ? q2 : q;
		uint64_t base = cur == q ? content : content2;
		struct nic *nic = xsk_queue_nic(cur);
		uint8_t *area = frame_pool_data(xsk_queue_pool(cur), 0);
		struct ref refs[2];
		int nrefs = frame_refs(i, refs);
		uint32_t cap, hlen = 18 + (uint32_t)(i % 7), len;
		uint8_t *buf = nic->ops->begin(nic->ctx, &cap);

		cr_assert_not_null(buf, "frame %d: begin", i);
		cr_assert_geq(cap, MAXFRAME);
		memcpy(buf, mac_b, 6);
		memcpy(buf + 6, mac_a, 6);
		buf[12] = ETH_P_TEST >> 8;
		buf[13] = ETH_P_TEST & 0xff;
		for (uint32_t b = 14; b < hlen; b++)
			buf[b] = (uint8_t)(i + b);
		memcpy(expect[i], buf, hlen);
		len = hlen;
		for (int r = 0; r < nrefs; r++) {
			memcpy(expect[i] + len, area + base + refs[r].off, refs[r].len);
			if (manual_copy && (i & 2)) {
				memcpy(buf + hlen, area + base + refs[r].off, refs[r].len);
				hlen += refs[r].len;
			} else {
				cr_assert_eq(nic->ops->append_ref(nic->ctx, base + refs[r].off,
								  refs[r].len),
					     0, "frame %d ref %d", i, r);
			}
			len += refs[r].len;
		}
		expect_len[i] = len;
		nic->ops->commit(nic->ctx, hlen);
		if (i % 8 == 7) {
			cr_assert_eq(xsk_queue_tx_flush(q), 0);
			if (q2)
				cr_assert_eq(xsk_queue_tx_flush(q2), 0);
		}
	}
	cr_assert_eq(xsk_queue_tx_flush(q), 0);
	if (q2)
		cr_assert_eq(xsk_queue_tx_flush(q2), 0);

	/* veth keeps the order of one queue; two queues may interleave. */
	for (int n = 0; n < NFRAMES; n++) {
		ssize_t r = packet_recv(rx, got, sizeof(got));
		int i;

		cr_assert_geq(r, 18, "frame %d of %d did not arrive", n, NFRAMES);
		i = (uint8_t)(got[14] - 14);
		cr_assert_lt(i, NFRAMES);
		cr_assert_eq((uint32_t)r, expect_len[i], "frame %d length", i);
		cr_assert_arr_eq(got, expect[i], expect_len[i], "frame %d bytes differ", i);
	}
	close(rx);
}

static void assert_clean(struct xsk_queue *q, uint64_t content, uint32_t content_frames)
{
	struct frame_account a;
	char line[256];

	cr_assert_eq(xsk_queue_drain(q, 3000), 0, "completions did not come back");
	for (uint32_t i = 0; i < content_frames; i++)
		cr_assert_eq(frame_pool_inflight(xsk_queue_pool(q), content + i * FRAME_SIZE), 0);
	frame_pool_account(xsk_queue_pool(q), &a);
	frame_account_format(&a, line, sizeof(line));
	cr_assert(a.clean, "%s", line);
	cr_assert_eq(a.owner[FRAME_TX], 0);
	cr_assert_eq(a.owner[FRAME_RX], 0);
	cr_assert_eq(a.owner[FRAME_CACHE], content_frames);
}

static const struct umem_config ucfg = {
	.partitions = 2,
	.frames_per_partition = 512,
	.fill_frames = 64,
	.tx_frames = 64,
};

Test(xsk_veth, tx_multibuffer_on_shared_umem_reaches_the_peer)
{
	struct xsk_queue_opts o0 = {.partition = 0, .tx_path = XSK_TX_SG},
			      o1 = {.partition = 1, .tx_path = XSK_TX_SG};
	struct xsk_queue *q0, *q1, *dup;
	struct xsk_queue_stats st;
	uint64_t c0, c1;
	struct umem *u;

	enter_netns_with_veth(2);
	cr_assert_eq(umem__create(&ucfg, &u), 0);
	/* Auto mode: veth has no zero-copy, so this also walks the fallback. */
	cr_assert_eq(xsk_queue__create(u, "xa", 0, &o0, &q0), 0);
	cr_assert_str_eq(xsk_queue_mode(q0), "copy");
	if (!xsk_queue_sg(q0))
		cr_skip_test("this kernel refuses XDP_USE_SG (before 6.6)");
	cr_assert_eq(xsk_queue__create(u, "xa", 1, &o1, &q1), 0, "second queue on the shared UMEM");
	cr_assert(xsk_queue_sg(q1), "the shared socket inherits multi-buffer");
	cr_assert(xsk_queue_nic(q0)->sg);
	cr_assert_geq(xsk_queue_nic(q0)->max_frags, 3);
	cr_assert_eq(xsk_queue_nic(q0)->mtu, 1500);
	cr_assert_eq(xsk_queue__create(u, "xa", 1, &o1, &dup), -EBUSY, "partition taken");
	cr_assert_null(dup);

	c0 = make_content(xsk_queue_pool(q0), 3);
	c1 = make_content(xsk_queue_pool(q1), 3);
	send_and_compare(q0, q1, c0, c1, false);

	assert_clean(q0, c0, 3);
	assert_clean(q1, c1, 3);
	cr_assert_eq(xsk_queue_stats(q0, &st), 0);
	cr_assert_eq(st.tx_packets, NFRAMES / 2);
	cr_assert_gt(st.tx_descs, st.tx_packets, "references went out as descriptors");
	cr_assert_eq(st.tx_copied_refs, 0);
	cr_assert_eq(st.k_tx_invalid_descs, 0);
	cr_assert_eq(st.bad_completions, 0);
	cr_assert_eq(st.completions, st.tx_descs);
	xsk_queue__destroy(q1);
	xsk_queue__destroy(q0);
	cr_assert_eq(umem__destroy(u), 0);
}

/* A copy-mode queue on the one-copy path: payload copied behind the headers. */
static void assert_copy_path_reaches_the_peer(enum xsk_tx_path path)
{
	struct xsk_queue_opts o = {.partition = 0, .bind_mode = XSK_BIND_COPY, .tx_path = path};
	struct xsk_queue_stats st;
	struct xsk_queue *q;
	struct umem *u;
	uint64_t c;

	enter_netns_with_veth(1);
	cr_assert_eq(umem__create(&ucfg, &u), 0);
	cr_assert_eq(xsk_queue__create(u, "xa", 0, &o, &q), 0);
	cr_assert_str_eq(xsk_queue_mode(q), "copy");
	cr_assert_not(xsk_queue_sg(q));
	cr_assert_not(xsk_queue_nic(q)->sg);
	cr_assert_eq(xsk_queue_nic(q)->max_frags, 1);

	c = make_content(xsk_queue_pool(q), 3);
	send_and_compare(q, NULL, c, 0, true);

	assert_clean(q, c, 3);
	cr_assert_eq(xsk_queue_stats(q, &st), 0);
	cr_assert_eq(st.tx_packets, NFRAMES);
	cr_assert_eq(st.tx_descs, NFRAMES, "one descriptor per frame without SG");
	cr_assert_gt(st.tx_copied_refs, 0);
	xsk_queue__destroy(q);
	cr_assert_eq(umem__destroy(u), 0);
}

/* AUTO in copy mode binds with SG but copies payload: faster there (see xsk_queue.h). */
Test(xsk_veth, auto_tx_path_copies_in_copy_mode)
{
	assert_copy_path_reaches_the_peer(XSK_TX_AUTO);
}

Test(xsk_veth, tx_copy_fallback_reaches_the_peer)
{
	assert_copy_path_reaches_the_peer(XSK_TX_COPY);
}

Test(xsk_veth, tx_begin_stops_at_the_header_quota)
{
	struct xsk_queue_opts o = {
		.partition = 0, .bind_mode = XSK_BIND_COPY, .tx_path = XSK_TX_SG};
	struct xsk_queue_stats st;
	struct xsk_queue *q;
	struct umem *u;
	struct nic *nic;
	uint32_t cap, n = 0;
	uint64_t c;

	enter_netns_with_veth(1);
	cr_assert_eq(umem__create(&ucfg, &u), 0);
	cr_assert_eq(xsk_queue__create(u, "xa", 0, &o, &q), 0);
	nic = xsk_queue_nic(q);
	c = make_content(xsk_queue_pool(q), 1);
	/* Commit without flushing: header frames run out before ring slots do. */
	for (;;) {
		uint8_t *buf = nic->ops->begin(nic->ctx, &cap);

		if (!buf)
			break;
		memset(buf, 0xff, 12);
		buf[12] = ETH_P_TEST >> 8;
		buf[13] = ETH_P_TEST & 0xff;
		if (n % 2)
			cr_assert_eq(nic->ops->append_ref(nic->ctx, c, 64), 0);
		nic->ops->commit(nic->ctx, 60);
		n++;
	}
	cr_assert_eq(n, ucfg.tx_frames);
	cr_assert_eq(frame_pool_available(xsk_queue_pool(q), FRAME_CLASS_TX), 0);
	cr_assert_eq(frame_pool_inflight(xsk_queue_pool(q), c), n / 2);
	/* An aborted frame gives its header and its references back. */
	xsk_queue_drain(q, 3000);
	cr_assert_not_null(nic->ops->begin(nic->ctx, &cap));
	cr_assert_eq(nic->ops->append_ref(nic->ctx, c + 10, 100), 0);
	cr_assert_eq(nic->ops->append_ref(nic->ctx, c + 5000, 10), -EINVAL, "not a CACHE frame");
	nic->ops->abort(nic->ctx);
	assert_clean(q, c, 1);
	xsk_queue_stats(q, &st);
	cr_assert_geq(st.tx_no_frame, 1);
	xsk_queue__destroy(q);
	cr_assert_eq(umem__destroy(u), 0);
}

/* What nic.tx_done heard: the tags, in completion order. */
struct tag_log {
	uint32_t tags[64];
	uint32_t n;
};

static void log_tx_done(void *arg, uint32_t tag)
{
	struct tag_log *l = arg;

	if (l->n < 64)
		l->tags[l->n++] = tag;
}

Test(xsk_veth, tagged_frames_are_reported_on_completion)
{
	struct xsk_queue_opts o = {.partition = 0, .bind_mode = XSK_BIND_COPY};
	struct tag_log log = {0};
	struct xsk_queue *q;
	struct umem *u;
	struct nic *nic;
	uint32_t cap;

	enter_netns_with_veth(1);
	cr_assert_eq(umem__create(&ucfg, &u), 0);
	cr_assert_eq(xsk_queue__create(u, "xa", 0, &o, &q), 0);
	nic = xsk_queue_nic(q);
	cr_assert_not_null(nic->ops->tag);
	nic->tx_done = log_tx_done;
	nic->tx_done_arg = &log;
	/* Tagged, untagged, tagged then aborted, tagged. */
	for (uint32_t i = 0; i < 4; i++) {
		uint8_t *buf = nic->ops->begin(nic->ctx, &cap);

		cr_assert_not_null(buf);
		memset(buf, 0xff, 12);
		buf[12] = ETH_P_TEST >> 8;
		buf[13] = ETH_P_TEST & 0xff;
		if (i != 1)
			nic->ops->tag(nic->ctx, 100 + i);
		if (i == 2)
			nic->ops->abort(nic->ctx);
		else
			nic->ops->commit(nic->ctx, 60);
	}
	cr_assert_eq(log.n, 0, "nothing is reported before the completions");
	xsk_queue_drain(q, 3000);
	cr_assert_eq(log.n, 2, "%u tags reported", log.n);
	cr_assert_eq(log.tags[0], 100);
	cr_assert_eq(log.tags[1], 103);
	assert_clean(q, 0, 0);
	xsk_queue__destroy(q);
	cr_assert_eq(umem__destroy(u), 0);
}

/* XDP: return bpf_redirect_map(&xsks, ctx->rx_queue_index, XDP_PASS). */
static int load_redirect_prog(int map_fd)
{
	struct bpf_insn insns[] = {
		{.code = BPF_LDX | BPF_W | BPF_MEM,
		 .dst_reg = BPF_REG_2,
		 .src_reg = BPF_REG_1,
		 .off = offsetof(struct xdp_md, rx_queue_index)},
		{.code = BPF_LD | BPF_DW | BPF_IMM,
		 .dst_reg = BPF_REG_1,
		 .src_reg = BPF_PSEUDO_MAP_FD,
		 .imm = map_fd},
		{0},
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_3, .imm = XDP_PASS},
		{.code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_redirect_map},
		{.code = BPF_JMP | BPF_EXIT},
	};

	return bpf_prog_load(BPF_PROG_TYPE_XDP, "xsk_test_redir", "GPL", insns,
			     sizeof(insns) / sizeof(insns[0]), NULL);
}

Test(xsk_veth, rx_batch_receives_redirected_frames)
{
	struct xsk_queue_opts o = {.partition = 0, .bind_mode = XSK_BIND_COPY};
	struct sockaddr_ll to = {.sll_family = AF_PACKET, .sll_halen = 6};
	uint8_t mac_a[6], mac_b[6], frame[NFRAMES][256];
	struct xsk_rx_desc descs[XSK_RX_BATCH_MAX];
	struct xsk_queue_stats st;
	struct frame_account a;
	int map_fd, prog_fd, tx, ifindex, got = 0, polls = 0;
	uint32_t key = 0, fd;
	struct xsk_queue *q;
	struct umem *u;

	enter_netns_with_veth(1);
	cr_assert_eq(umem__create(&ucfg, &u), 0);
	cr_assert_eq(xsk_queue__create(u, "xa", 0, &o, &q), 0);
	map_fd = bpf_map_create(BPF_MAP_TYPE_XSKMAP, "xsk_test", 4, 4, 1, NULL);
	cr_assert_geq(map_fd, 0, "XSKMAP: %s", strerror(errno));
	fd = (uint32_t)xsk_queue_fd(q);
	cr_assert_eq(bpf_map_update_elem(map_fd, &key, &fd, 0), 0);
	prog_fd = load_redirect_prog(map_fd);
	cr_assert_geq(prog_fd, 0, "XDP program: %s", strerror(errno));
	ifindex = (int)if_nametoindex("xa");
	if (bpf_xdp_attach(ifindex, prog_fd, XDP_FLAGS_DRV_MODE, NULL))
		cr_assert_eq(bpf_xdp_attach(ifindex, prog_fd, XDP_FLAGS_SKB_MODE, NULL), 0);

	if_mac("xa", mac_a);
	if_mac("xb", mac_b);
	tx = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	cr_assert_geq(tx, 0);
	to.sll_ifindex = (int)if_nametoindex("xb");
	memcpy(to.sll_addr, mac_a, 6);
	for (int i = 0; i < NFRAMES; i++) {
		memcpy(frame[i], mac_a, 6);
		memcpy(frame[i] + 6, mac_b, 6);
		frame[i][12] = ETH_P_TEST >> 8;
		frame[i][13] = ETH_P_TEST & 0xff;
		frame[i][14] = (uint8_t)i;
		for (int b = 15; b < 60 + i; b++)
			frame[i][b] = (uint8_t)(b ^ (i * 31));
		cr_assert_eq(sendto(tx, frame[i], 60 + i, 0, (struct sockaddr *)&to, sizeof(to)),
			     60 + i);
	}

	/* Other traffic (IPv6 neighbour discovery) may be redirected too: skip it. */
	while (got < NFRAMES && polls < 300) {
		struct pollfd pfd = {.fd = xsk_queue_fd(q), .events = POLLIN};
		uint32_t n = xsk_queue_rx_batch(q, descs, XSK_RX_BATCH_MAX);

		if (!n) {
			poll(&pfd, 1, 10);
			polls++;
			continue;
		}
		for (uint32_t k = 0; k < n; k++) {
			const uint8_t *p = descs[k].data;
			int i = p[14];

			cr_assert_eq(frame_pool_owner(xsk_queue_pool(q), descs[k].addr), FRAME_RX);
			if (descs[k].len < 15 || p[12] != (ETH_P_TEST >> 8) ||
			    p[13] != (ETH_P_TEST & 0xff))
				continue;
			cr_assert_lt(i, NFRAMES);
			cr_assert_eq(descs[k].len, (uint32_t)(60 + i));
			cr_assert_arr_eq(p, frame[i], descs[k].len, "frame %d bytes differ", i);
			got++;
		}
		xsk_queue_rx_release(q, descs, n);
	}
	cr_assert_eq(got, NFRAMES, "received %d of %d frames", got, NFRAMES);

	frame_pool_account(xsk_queue_pool(q), &a);
	cr_assert(a.clean);
	cr_assert_eq(a.owner[FRAME_RX], 0);
	cr_assert_eq(a.owner[FRAME_FILL], ucfg.fill_frames, "every fill frame is back on the ring");
	cr_assert_eq(xsk_queue_stats(q, &st), 0);
	cr_assert_geq(st.rx_packets, NFRAMES);
	cr_assert_eq(st.rx_bad_descs, 0);
	cr_assert_eq(st.fill_ring_empty, 0, "the fill ring never ran dry");
	bpf_xdp_detach(ifindex, 0, NULL);
	close(tx);
	close(prog_fd);
	close(map_fd);
	xsk_queue__destroy(q);
	cr_assert_eq(umem__destroy(u), 0);
}

struct load_wait {
	struct cache_waiter w;
	int state; /* 0 waiting, 1 loaded, else err + 1 */
};

static void on_loaded(struct cache_waiter *w, int err)
{
	((struct load_wait *)w)->state = err + 1;
}

/*
 * The whole path the server takes: a file loaded by the cache into the
 * queue's own partition through io_uring, sent by reference in
 * MTU-sized frames, reassembled on the peer; flushed while in flight, the
 * object waits for its completions and then every frame is free again.
 */
Test(xsk_veth, cached_file_goes_out_by_reference)
{
	struct xsk_queue_opts o = {
		.partition = 1, .bind_mode = XSK_BIND_COPY, .tx_path = XSK_TX_SG};
	struct cache_config ccfg = {.budget_bytes = 64 * FRAME_SIZE};
	struct load_wait wait = {.state = 0};
	char dir[] = "/tmp/xdpserve-veth-XXXXXX", path[64], cmd[96];
	const uint32_t size = 3 * FRAME_SIZE + 1234, seg = 1400;
	uint8_t *file = malloc(size), *seen = calloc(1, size), mac_a[6], mac_b[6], got[2048];
	uint32_t nseg = (size + seg - 1) / seg;
	struct frame_account a;
	struct cache_stats cst;
	struct cache_obj *obj;
	struct blob *blob;
	struct io_reader *io;
	struct xsk_queue *q;
	struct cache *c;
	struct nic *nic;
	struct umem *u;
	int fd, root, rx;

	enter_netns_with_veth(1);
	cr_assert_eq(umem__create(&ucfg, &u), 0);
	cr_assert_eq(xsk_queue__create(u, "xa", 0, &o, &q), 0);
	if (!xsk_queue_sg(q))
		cr_skip_test("this kernel refuses XDP_USE_SG (before 6.6)");
	nic = xsk_queue_nic(q);
	cr_assert_eq(io_reader__create(64, umem_area(u), umem_size(u), &io), 0);

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/f", dir);
	for (uint32_t i = 0; i < size; i++)
		file[i] = (uint8_t)(i * 131 + (i >> 9));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert_eq(write(fd, file, size), (ssize_t)size);
	close(fd);
	root = open(dir, O_RDONLY | O_DIRECTORY);
	cr_assert_eq(cache__create(&ccfg, root, xsk_queue_pool(q), io, &c), 0);

	cache_waiter_init(&wait.w, on_loaded);
	cr_assert_eq(cache_lookup(c, "f", 1, &wait.w, &obj), -EINPROGRESS, "a miss opens first");
	for (int i = 0; i < 500 && !wait.state; i++) {
		poll(&(struct pollfd){.fd = io_reader_fd(io), .events = POLLIN}, 1, 10);
		cache_poll(c, 1);
	}
	cr_assert_eq(wait.state, 1, "opened");
	wait.state = 0;
	cr_assert_eq(cache_lookup(c, "f", 1, NULL, &obj), 0);
	cr_assert_eq(cache_chunk_get(c, obj, 0, 1, &wait.w, &blob), -EINPROGRESS);
	for (int i = 0; i < 500 && !wait.state; i++) {
		poll(&(struct pollfd){.fd = io_reader_fd(io), .events = POLLIN}, 1, 10);
		cache_poll(c, 1);
	}
	cr_assert_eq(wait.state, 1, "loaded");
	cr_assert_eq(cache_chunk_get(c, obj, 0, 1, NULL, &blob), 0);
	cr_assert(frame_pool_contains(xsk_queue_pool(q), blob->frames[0]),
		  "content lives in the queue's own partition");

	rx = packet_socket("xb");
	if_mac("xa", mac_a);
	if_mac("xb", mac_b);
	for (uint32_t s = 0; s < nseg; s++) {
		uint64_t off = (uint64_t)s * seg, left = size - off < seg ? size - off : seg;
		uint32_t cap;
		uint8_t *buf = nic->ops->begin(nic->ctx, &cap);

		cr_assert_not_null(buf);
		memcpy(buf, mac_b, 6);
		memcpy(buf + 6, mac_a, 6);
		buf[12] = ETH_P_TEST >> 8;
		buf[13] = ETH_P_TEST & 0xff;
		memcpy(buf + 14, &off, sizeof(off));
		while (left) {
			uint32_t contig;
			uint64_t addr = blob_addr(blob, off, &contig);

			if (contig > left)
				contig = (uint32_t)left;
			cr_assert_eq(nic->ops->append_ref(nic->ctx, addr, contig), 0);
			off += contig;
			left -= contig;
		}
		nic->ops->commit(nic->ctx, 14 + sizeof(off));
	}
	cr_assert_eq(xsk_queue_tx_flush(q), 0);

	/* Flushed and released while descriptors may still point into it. */
	cr_assert_eq(cache_flush(c), 2, "the file and its one chunk");
	blob_put(blob);
	cache_obj_put(obj);

	for (uint32_t n = 0; n < nseg; n++) {
		ssize_t r = packet_recv(rx, got, sizeof(got));
		uint64_t off;

		cr_assert_gt(r, 22, "segment %u of %u did not arrive", n, nseg);
		memcpy(&off, got + 14, sizeof(off));
		cr_assert_leq(off + (uint64_t)(r - 22), size);
		memcpy(seen + off, got + 22, (size_t)(r - 22));
	}
	cr_assert_arr_eq(seen, file, size, "the peer got other bytes than the file");

	cr_assert_eq(xsk_queue_drain(q, 3000), 0);
	cache_poll(c, 1);
	cache_stats(c, &cst);
	cr_assert_eq(cst.zombies, 0);
	cr_assert_eq(cst.frames_used, 0, "the flushed object went after its completions");
	frame_pool_account(xsk_queue_pool(q), &a);
	cr_assert(a.clean);
	cr_assert_eq(a.owner[FRAME_CACHE], 0);

	cache__destroy(c);
	io_reader__destroy(io);
	xsk_queue__destroy(q);
	cr_assert_eq(umem__destroy(u), 0);
	close(root);
	close(rx);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
	free(file);
	free(seen);
}
