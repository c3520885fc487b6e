// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_steer.c — the XDP steering program (bpf/xdpserve.bpf.o) run on
 * crafted frames through bpf_prog_test_run_opts, plus the endpoint text
 * parser of userspace/steer.
 *
 * Every frame case checks both the verdict and the one counter slot that
 * must move (by one packet and the frame's bytes) while all others stay put:
 * with an empty XSKMAP bpf_redirect_map() returns its XDP_PASS fallback, so
 * only the counters tell a redirect attempt from a plain pass. Cases marked
 * `xsk` first put a real AF_XDP socket (on the loopback of a private network
 * namespace) into the XSKMAP and then expect XDP_REDIRECT.
 *
 * Loading BPF needs root: those cases skip with the reason otherwise.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <arpa/inet.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include <linux/if_xdp.h>
#include <xdp/xsk.h>

#include "frames.h"
#include "steer_ref.h"
#include "steer/steer.h"
#include "steer/steer_internal.h"
#include "xdpserve/shared.h"

#define ETH_HLEN_   14
#define ETH_P_IP_   0x0800
#define ETH_P_ARP_  0x0806
#define ETH_P_IPV6_ 0x86dd
#define TPID_8021Q  0x8100
#define TPID_8021AD 0x88a8
#define SYN	    0x02
#define PSH_ACK	    0x18

/* The interface's MAC the fixture configures: frames.c's default destination. */
static const uint8_t iface_mac[6] = {0x02, 0, 0, 0, 0, 0x01};

/* What the fixture serves; the frame table is written against these. */
static const char *const served[] = {
	"198.18.0.1:80",    /* exact IPv4 */
	"198.18.1.0/24:80", /* IPv4 prefix */
	"0.0.0.0/0:8443",   /* every IPv4 address, one port */
	"[fd00::1]:80",	    /* exact IPv6 */
	"[fd00:1::/64]:80", /* IPv6 prefix */
};

struct steer_fixture {
	struct bpf_object *obj;
	int prog_fd;
	int xsks_fd;
	int endpoints_fd;
	int stats_fd;
	int iface_fd;
	int ncpus;
};

/* An AF_XDP socket bound to queue 0 of the loopback of a new namespace. */
struct xsk_fixture {
	void *area;
	size_t size;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp;
	struct xsk_ring_cons rx;
};

static void skip_unless_root(void)
{
	if (geteuid() != 0)
		cr_skip_test("loading the XDP program needs root (CAP_BPF, CAP_NET_ADMIN)");
}

static int map_fd(struct bpf_object *obj, const char *name)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, name);

	cr_assert_not_null(map, "map %s missing from the object", name);
	return bpf_map__fd(map);
}

/* Load the object without pinning anything and serve the endpoints above. */
static void fixture_load(struct steer_fixture *fx)
{
	const char *builddir = getenv("XDPSERVE_BUILDDIR");
	struct bpf_program *prog;
	struct bpf_map *map;
	char path[4096];
	int err;

	skip_unless_root();
	snprintf(path, sizeof(path), "%s/bpf/xdpserve.bpf.o", builddir ? builddir : ".");
	fx->obj = bpf_object__open_file(path, NULL);
	cr_assert(libbpf_get_error(fx->obj) == 0 && fx->obj, "cannot open %s", path);
	bpf_object__for_each_map(map, fx->obj)
		bpf_map__set_pin_path(map, NULL); /* tests must leave no pins behind */
	err = bpf_object__load(fx->obj);
	cr_assert_eq(err, 0, "loading %s failed: %s", path, strerror(-err));
	prog = bpf_object__find_program_by_name(fx->obj, XDPSERVE_PROG_NAME);
	cr_assert_not_null(prog, "no program %s in %s", XDPSERVE_PROG_NAME, path);
	fx->prog_fd = bpf_program__fd(prog);
	fx->xsks_fd = map_fd(fx->obj, XDPSERVE_MAP_XSKS_NAME);
	fx->endpoints_fd = map_fd(fx->obj, XDPSERVE_MAP_ENDPOINTS_NAME);
	fx->stats_fd = map_fd(fx->obj, XDPSERVE_MAP_STATS_NAME);
	fx->iface_fd = map_fd(fx->obj, XDPSERVE_MAP_IFACE_NAME);
	fx->ncpus = libbpf_num_possible_cpus();
	cr_assert_gt(fx->ncpus, 0);

	{
		struct xdpserve_iface ifc = {.flags = XDPSERVE_IFACE_MAC};
		__u32 zero = 0;

		memcpy(ifc.mac, iface_mac, sizeof(ifc.mac));
		cr_assert_eq(bpf_map_update_elem(fx->iface_fd, &zero, &ifc, BPF_ANY), 0,
			     "interface map: %s", strerror(errno));
	}
	for (size_t i = 0; i < sizeof(served) / sizeof(served[0]); i++) {
		struct xdpserve_endpoint_key key;
		struct xdpserve_endpoint_val val = {0};

		cr_assert_eq(steer_endpoint_parse(served[i], &key), 0, "%s", served[i]);
		cr_assert_eq(bpf_map_update_elem(fx->endpoints_fd, &key, &val, BPF_ANY), 0,
			     "serving %s: %s", served[i], strerror(errno));
	}
}

static void fixture_unload(struct steer_fixture *fx)
{
	bpf_object__close(fx->obj);
}

/* Bind an AF_XDP socket in a private namespace and put it in slot 0. */
static void xsk_fixture_open(struct xsk_fixture *x, struct steer_fixture *fx)
{
	struct xsk_socket_config cfg = {
		.rx_size = XSK_RING_CONS__DEFAULT_NUM_DESCS,
		.tx_size = 0,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = XDP_COPY,
	};
	int err, fd;
	__u32 zero = 0;

	memset(x, 0, sizeof(*x));
	/* This test runs in its own process: the namespace dies with it. */
	if (unshare(CLONE_NEWNET))
		cr_skip_test("cannot create a network namespace (%s)", strerror(errno));
	x->size = (size_t)XSK_RING_PROD__DEFAULT_NUM_DESCS * 2 * XSK_UMEM__DEFAULT_FRAME_SIZE;
	x->area = mmap(NULL, x->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(x->area, MAP_FAILED);
	err = xsk_umem__create(&x->umem, x->area, x->size, &x->fill, &x->comp, NULL);
	cr_assert_eq(err, 0, "xsk_umem__create: %s", strerror(-err));
	err = xsk_socket__create(&x->xsk, "lo", 0, x->umem, &x->rx, NULL, &cfg);
	if (err)
		cr_skip_test("cannot bind an AF_XDP socket to lo (%s)", strerror(-err));
	fd = xsk_socket__fd(x->xsk);
	cr_assert_eq(bpf_map_update_elem(fx->xsks_fd, &zero, &fd, BPF_ANY), 0, "XSKMAP update: %s",
		     strerror(errno));
}

static void xsk_fixture_close(struct xsk_fixture *x)
{
	xsk_socket__delete(x->xsk);
	xsk_umem__delete(x->umem);
	munmap(x->area, x->size);
}

static void stats_read(struct steer_fixture *fx, struct xdpserve_stat_val out[XDPSERVE_STAT__MAX])
{
	struct xdpserve_stat_val percpu[fx->ncpus];

	for (__u32 i = 0; i < XDPSERVE_STAT__MAX; i++) {
		cr_assert_eq(bpf_map_lookup_elem(fx->stats_fd, &i, percpu), 0);
		out[i].packets = 0;
		out[i].bytes = 0;
		for (int c = 0; c < fx->ncpus; c++) {
			out[i].packets += percpu[c].packets;
			out[i].bytes += percpu[c].bytes;
		}
	}
}

/*
 * Run one frame; returns 0 and the verdict in *verdict, or -errno. Frames
 * shorter than an Ethernet header go in behind 16 bytes of XDP metadata:
 * kernels up to 6.x want ETH_HLEN bytes of input but let metadata count;
 * newer ones refuse such frames outright (-EINVAL), as every XDP entry point
 * does, so the program can never see them there.
 */
static int run_frame(struct steer_fixture *fx, const uint8_t *frame, size_t len, __u32 *verdict)
{
	uint8_t data[FRAME_MAX + 16];
	struct xdp_md ctx;
	size_t meta = len < ETH_HLEN_ ? 16 : 0;

	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = data, .repeat = 1);

	memset(data, 0, sizeof(data));
	memcpy(data + meta, frame, len);
	opts.data_size_in = (__u32)(meta + len);
	if (meta) {
		memset(&ctx, 0, sizeof(ctx));
		ctx.data = (__u32)meta;
		ctx.data_end = (__u32)(meta + len);
		opts.ctx_in = &ctx;
		opts.ctx_size_in = sizeof(ctx);
	}
	if (bpf_prog_test_run_opts(fx->prog_fd, &opts))
		return -errno;
	*verdict = opts.retval;
	return 0;
}

struct frame_case {
	char name[48];
	struct frame_spec spec;
	bool xsk;		 /* a socket sits in the queue's XSKMAP slot */
	__u32 verdict;		 /* expected XDP action */
	enum xdpserve_stat stat; /* the one slot that must count the frame */
};

#define V4(d, p)      .ethertype = ETH_P_IP_, .dst = d, .dport = p
#define V6(d, p)      .ethertype = ETH_P_IPV6_, .dst = d, .dport = p
#define PASS(s)	      .verdict = XDP_PASS, .stat = XDPSERVE_STAT_##s
#define SERVED_NO_XSK PASS(REDIRECT_FAILED)
#define SERVED_XSK    .xsk = true, .verdict = XDP_REDIRECT, .stat = XDPSERVE_STAT_REDIRECTED
#define DROPPED_FRAG  .verdict = XDP_DROP, .stat = XDPSERVE_STAT_DROP_FRAGMENT
#define V6EXT(t)      .has_v6_ext = 1, .v6_ext = t
#define PTB(d, p, k)  .l4 = FRAME_L4_ICMP, .ptb = k, .dst = d, .dport = p

static const struct frame_case frame_cases[] = {
	/* Served endpoints: with an empty XSKMAP the redirect falls back to pass. */
	{"v4 SYN to served address", {V4("198.18.0.1", 80), .tcp_flags = SYN}, SERVED_NO_XSK},
	{"v4 data to served address",
	 {V4("198.18.0.1", 80), .tcp_flags = PSH_ACK, .payload = 100},
	 SERVED_NO_XSK},
	{"v6 SYN to served address", {V6("fd00::1", 80), .tcp_flags = SYN}, SERVED_NO_XSK},
	{"v6 data to served address",
	 {V6("fd00::1", 80), .tcp_flags = PSH_ACK, .payload = 100},
	 SERVED_NO_XSK},
	{"v4 inside served prefix", {V4("198.18.1.77", 80), .tcp_flags = SYN}, SERVED_NO_XSK},
	{"v6 inside served prefix", {V6("fd00:1::abcd", 80), .tcp_flags = SYN}, SERVED_NO_XSK},
	{"v4 wildcard prefix", {V4("203.0.113.7", 8443), .tcp_flags = SYN}, SERVED_NO_XSK},
	{"v4 with options (IHL 8)",
	 {V4("198.18.0.1", 80), .ihl = 8, .tcp_flags = SYN},
	 SERVED_NO_XSK},
	{"v4 with 40 option bytes (IHL 15)",
	 {V4("198.18.0.1", 80), .ihl = 15, .tcp_flags = SYN},
	 SERVED_NO_XSK},
	{"v4 DF set is no fragment",
	 {V4("198.18.0.1", 80), .frag = 0x4000, .tcp_flags = SYN},
	 SERVED_NO_XSK},
	{"TCP with options (doff 8)",
	 {V4("198.18.0.1", 80), .doff = 8, .tcp_optlen = 12, .tcp_flags = SYN},
	 SERVED_NO_XSK},
	{"VLAN-tagged v4 served",
	 {V4("198.18.0.1", 80), .vlan_outer = TPID_8021Q, .tcp_flags = SYN},
	 SERVED_NO_XSK},
	{"VLAN-tagged v6 served",
	 {V6("fd00::1", 80), .vlan_outer = TPID_8021Q, .tcp_flags = SYN},
	 SERVED_NO_XSK},

	/* Served, with a socket in the slot: a real redirect. */
	{"v4 SYN redirected to socket", {V4("198.18.0.1", 80), .tcp_flags = SYN}, SERVED_XSK},
	{"v6 data redirected to socket",
	 {V6("fd00::1", 80), .tcp_flags = PSH_ACK, .payload = 200},
	 SERVED_XSK},
	{"VLAN v4 redirected to socket",
	 {V4("198.18.1.5", 80), .vlan_outer = TPID_8021Q, .tcp_flags = SYN},
	 SERVED_XSK},
	{"not served, socket present",
	 {V4("198.18.0.1", 22), .tcp_flags = SYN},
	 .xsk = true,
	 PASS(PASS_NOT_SERVED)},

	/* TCP, but not to a served endpoint. */
	{"v4 other port", {V4("198.18.0.1", 81), .tcp_flags = SYN}, PASS(PASS_NOT_SERVED)},
	{"v4 other address", {V4("198.18.0.9", 80), .tcp_flags = SYN}, PASS(PASS_NOT_SERVED)},
	{"v6 other port", {V6("fd00::1", 443), .tcp_flags = SYN}, PASS(PASS_NOT_SERVED)},
	{"v6 other address", {V6("fd00::9", 80), .tcp_flags = SYN}, PASS(PASS_NOT_SERVED)},
	{"v4 outside served prefix",
	 {V4("198.18.2.1", 80), .tcp_flags = SYN},
	 PASS(PASS_NOT_SERVED)},
	{"v6 outside served prefix",
	 {V6("fd00:2::1", 80), .tcp_flags = SYN},
	 PASS(PASS_NOT_SERVED)},
	{"v6 to the v4-only wildcard port",
	 {V6("fd00::1", 8443), .tcp_flags = SYN},
	 PASS(PASS_NOT_SERVED)},
	{"VLAN-tagged not served",
	 {V4("198.18.0.9", 80), .vlan_outer = TPID_8021Q, .tcp_flags = SYN},
	 PASS(PASS_NOT_SERVED)},

	/* Not TCP, not IP. */
	{"ARP request", {.ethertype = ETH_P_ARP_}, PASS(PASS_NOT_IP)},
	{"VLAN-tagged ARP", {.ethertype = ETH_P_ARP_, .vlan_outer = TPID_8021Q}, PASS(PASS_NOT_IP)},
	{"two 802.1Q tags",
	 {V4("198.18.0.1", 80), .vlan_outer = TPID_8021Q, .vlan_inner = TPID_8021Q,
	  .tcp_flags = SYN},
	 PASS(PASS_NOT_IP)},
	{"802.1ad outer tag",
	 {V4("198.18.0.1", 80), .vlan_outer = TPID_8021AD, .tcp_flags = SYN},
	 PASS(PASS_NOT_IP)},
	{"LLDP", {.ethertype = 0x88cc}, PASS(PASS_NOT_IP)},
	{"ICMP echo to served address",
	 {V4("198.18.0.1", 0), .l4 = FRAME_L4_ICMP, .payload = 56},
	 PASS(PASS_NOT_TCP)},
	{"ICMPv6 echo to served address",
	 {V6("fd00::1", 0), .l4 = FRAME_L4_ICMP, .payload = 56},
	 PASS(PASS_NOT_TCP)},
	{"UDP to served v4 port",
	 {V4("198.18.0.1", 80), .l4 = FRAME_L4_UDP, .payload = 20},
	 PASS(PASS_NOT_TCP)},
	{"UDP to served v6 port",
	 {V6("fd00::1", 80), .l4 = FRAME_L4_UDP, .payload = 20},
	 PASS(PASS_NOT_TCP)},
	{"IPv6 no next header", {V6("fd00::1", 0), .l4 = FRAME_L4_NONE}, PASS(PASS_NOT_TCP)},

	/* Fragments: a first one to a served endpoint is dropped, later ones are passed. */
	{"v4 first fragment (MF)",
	 {V4("198.18.0.1", 80), .frag = 0x2000, .tcp_flags = SYN},
	 DROPPED_FRAG},
	{"v4 first fragment, not served",
	 {V4("198.18.0.9", 80), .frag = 0x2000, .tcp_flags = SYN},
	 PASS(PASS_NOT_SERVED)},
	{"v4 first fragment, too short for TCP",
	 {V4("198.18.0.1", 80), .frag = 0x2000, .cut = FRAME_CUT_IN_TCP},
	 PASS(PASS_FRAGMENT)},
	{"v4 middle fragment",
	 {V4("198.18.0.1", 80), .frag = 0x2000 | 185, .tcp_flags = SYN},
	 PASS(PASS_FRAGMENT)},
	{"v4 last fragment",
	 {V4("198.18.0.1", 80), .frag = 185, .tcp_flags = SYN},
	 PASS(PASS_FRAGMENT)},
	{"v6 first fragment (M)",
	 {V6("fd00::1", 80), .v6_frag_hdr = 1, .v6_frag = 1, .tcp_flags = SYN},
	 DROPPED_FRAG},
	{"v6 later fragment",
	 {V6("fd00::1", 80), .v6_frag_hdr = 1, .v6_frag = 185 << 3, .tcp_flags = SYN},
	 PASS(PASS_FRAGMENT)},
	{"v6 atomic fragment is a whole packet",
	 {V6("fd00::1", 80), V6EXT(44), .tcp_flags = SYN},
	 SERVED_NO_XSK},
	{"v6 first fragment after hop-by-hop",
	 {V6("fd00::1", 80), V6EXT(0), .v6_frag_hdr = 1, .v6_frag = 1, .tcp_flags = SYN},
	 DROPPED_FRAG},

	/* IPv6 extension headers: hop-by-hop and destination options are walked. */
	{"v6 hop-by-hop before TCP",
	 {V6("fd00::1", 80), V6EXT(0), .tcp_flags = SYN},
	 SERVED_NO_XSK},
	{"v6 destination options", {V6("fd00::1", 80), V6EXT(60), .tcp_flags = SYN}, SERVED_NO_XSK},
	{"v6 hop-by-hop then destination options",
	 {V6("fd00::1", 80), V6EXT(0), .v6_dst_after = 1, .tcp_flags = SYN},
	 SERVED_NO_XSK},
	{"v6 hop-by-hop redirected to socket",
	 {V6("fd00::1", 80), V6EXT(0), .tcp_flags = PSH_ACK, .payload = 10},
	 SERVED_XSK},
	{"v6 four destination options",
	 {V6("fd00::1", 80), V6EXT(60), .v6_ext_n = 4, .tcp_flags = SYN},
	 SERVED_NO_XSK},
	{"v6 five destination options: too many",
	 {V6("fd00::1", 80), V6EXT(60), .v6_ext_n = 5, .tcp_flags = SYN},
	 PASS(PASS_IPV6_EXTHDR)},
	{"v6 512 bytes of options",
	 {V6("fd00::1", 80), V6EXT(60), .v6_ext_n = 2, .v6_ext_len = 31, .tcp_flags = SYN},
	 SERVED_NO_XSK},
	{"v6 520 bytes of options: too many",
	 {V6("fd00::1", 80), V6EXT(60), .v6_ext_n = 2, .v6_ext_len = 31, .v6_dst_after = 1,
	  .tcp_flags = SYN},
	 PASS(PASS_IPV6_EXTHDR)},
	{"v6 hop-by-hop twice",
	 {V6("fd00::1", 80), V6EXT(0), .v6_ext_n = 2, .tcp_flags = SYN},
	 PASS(PASS_IPV6_EXTHDR)},
	{"v6 routing header",
	 {V6("fd00::1", 80), V6EXT(43), .tcp_flags = SYN},
	 PASS(PASS_IPV6_EXTHDR)},
	{"v6 destination options, not served",
	 {V6("fd00::9", 80), V6EXT(60), .tcp_flags = SYN},
	 PASS(PASS_NOT_SERVED)},

	/* The link layer: only frames to the interface's own MAC are served. */
	{"v4 served, another unicast MAC",
	 {V4("198.18.0.1", 80), .other_mac = 1, .tcp_flags = SYN},
	 PASS(PASS_OTHER_MAC)},
	{"v4 served, broadcast MAC",
	 {V4("198.18.0.1", 80), .other_mac = 2, .tcp_flags = SYN},
	 PASS(PASS_OTHER_MAC)},
	{"v6 served, another unicast MAC, socket present",
	 {V6("fd00::1", 80), .other_mac = 1, .tcp_flags = SYN},
	 .xsk = true,
	 PASS(PASS_OTHER_MAC)},
	{"v4 not served, another MAC",
	 {V4("198.18.0.9", 80), .other_mac = 1, .tcp_flags = SYN},
	 PASS(PASS_NOT_SERVED)},

	/* ICMP "packet too big" quoting a served flow goes to the flow's socket. */
	{"v4 frag needed quoting a served flow",
	 {.ethertype = ETH_P_IP_, PTB("198.18.0.1", 80, 1)},
	 .verdict = XDP_PASS,
	 .stat = XDPSERVE_STAT_REDIRECT_FAILED},
	{"v4 frag needed redirected to socket",
	 {.ethertype = ETH_P_IP_, PTB("198.18.0.1", 80, 1)},
	 .xsk = true,
	 .verdict = XDP_REDIRECT,
	 .stat = XDPSERVE_STAT_REDIRECTED_ICMP},
	{"v6 packet too big redirected to socket",
	 {.ethertype = ETH_P_IPV6_, PTB("fd00::1", 80, 1)},
	 .xsk = true,
	 .verdict = XDP_REDIRECT,
	 .stat = XDPSERVE_STAT_REDIRECTED_ICMP},
	{"v4 frag needed quoting another port",
	 {.ethertype = ETH_P_IP_, PTB("198.18.0.1", 81, 1)},
	 PASS(PASS_NOT_TCP)},
	{"v6 packet too big quoting another address",
	 {.ethertype = ETH_P_IPV6_, PTB("fd00::9", 80, 1)},
	 PASS(PASS_NOT_TCP)},
	{"v4 host unreachable is the kernel's",
	 {.ethertype = ETH_P_IP_, PTB("198.18.0.1", 80, 2)},
	 PASS(PASS_NOT_TCP)},
	{"v6 destination unreachable is the kernel's",
	 {.ethertype = ETH_P_IPV6_, PTB("fd00::1", 80, 2)},
	 PASS(PASS_NOT_TCP)},
	{"v4 frag needed to another MAC",
	 {.ethertype = ETH_P_IP_, PTB("198.18.0.1", 80, 1), .other_mac = 1},
	 PASS(PASS_OTHER_MAC)},

	/* Malformed headers. */
	{"IPv4 IHL 4", {V4("198.18.0.1", 80), .ihl = 4, .tcp_flags = SYN}, PASS(PASS_MALFORMED)},
	{"IPv4 EtherType, version 6",
	 {V4("198.18.0.1", 80), .ip_version = 6, .tcp_flags = SYN},
	 PASS(PASS_MALFORMED)},
	{"IPv6 EtherType, version 4",
	 {V6("fd00::1", 80), .ip_version = 4, .tcp_flags = SYN},
	 PASS(PASS_MALFORMED)},
	{"TCP data offset 4",
	 {V4("198.18.0.1", 80), .doff = 4, .tcp_flags = SYN},
	 PASS(PASS_MALFORMED)},
	{"TCP data offset past the end",
	 {V4("198.18.0.1", 80), .doff = 15, .tcp_flags = SYN},
	 PASS(PASS_MALFORMED)},
	{"v6 TCP data offset past the end",
	 {V6("fd00::1", 80), .doff = 6, .tcp_flags = SYN},
	 PASS(PASS_MALFORMED)},

	/* Truncated at every header boundary. */
	{"zero-length frame",
	 {.ethertype = ETH_P_IP_, .cut = FRAME_CUT_ZERO},
	 PASS(PASS_MALFORMED)},
	{"1-byte frame", {.ethertype = ETH_P_IP_, .cut = FRAME_CUT_ONE}, PASS(PASS_MALFORMED)},
	{"cut in Ethernet header",
	 {V4("198.18.0.1", 80), .cut = FRAME_CUT_IN_ETH},
	 PASS(PASS_MALFORMED)},
	{"cut in VLAN tag",
	 {V4("198.18.0.1", 80), .vlan_outer = TPID_8021Q, .cut = FRAME_CUT_IN_VLAN},
	 PASS(PASS_MALFORMED)},
	{"cut in IPv4 header",
	 {V4("198.18.0.1", 80), .cut = FRAME_CUT_IN_L3},
	 PASS(PASS_MALFORMED)},
	{"cut in IPv4 options",
	 {V4("198.18.0.1", 80), .ihl = 8, .cut = FRAME_CUT_IN_L3_OPTS},
	 PASS(PASS_MALFORMED)},
	{"cut in IPv6 header", {V6("fd00::1", 80), .cut = FRAME_CUT_IN_L3}, PASS(PASS_MALFORMED)},
	{"cut in TCP header (v4)",
	 {V4("198.18.0.1", 80), .cut = FRAME_CUT_IN_TCP},
	 PASS(PASS_MALFORMED)},
	{"cut in TCP header (v6)",
	 {V6("fd00::1", 80), .cut = FRAME_CUT_IN_TCP},
	 PASS(PASS_MALFORMED)},
	{"cut in TCP header (VLAN)",
	 {V4("198.18.0.1", 80), .vlan_outer = TPID_8021Q, .cut = FRAME_CUT_IN_TCP},
	 PASS(PASS_MALFORMED)},
	{"cut in TCP options",
	 {V4("198.18.0.1", 80), .doff = 8, .tcp_optlen = 12, .cut = FRAME_CUT_IN_TCP_OPTS},
	 PASS(PASS_MALFORMED)},
};

ParameterizedTestParameters(steer_prog, frames)
{
	return cr_make_param_array(struct frame_case, (void *)frame_cases,
				   sizeof(frame_cases) / sizeof(frame_cases[0]));
}

ParameterizedTest(const struct frame_case *fc, steer_prog, frames)
{
	struct xdpserve_stat_val before[XDPSERVE_STAT__MAX], after[XDPSERVE_STAT__MAX];
	struct steer_fixture fx;
	struct xsk_fixture x;
	uint8_t frame[FRAME_MAX];
	size_t len;
	__u32 verdict = 0;
	int err;

	cr_log_info("%s", fc->name);
	fixture_load(&fx);
	if (fc->xsk)
		xsk_fixture_open(&x, &fx);
	len = frame_build(&fc->spec, frame);

	stats_read(&fx, before);
	err = run_frame(&fx, frame, len, &verdict);
	stats_read(&fx, after);

	if (err == -EINVAL && len < ETH_HLEN_) {
		/* This kernel keeps runts away from XDP: nothing may be counted. */
		cr_log_info("%s: the kernel refuses %zu-byte frames before XDP runs", fc->name,
			    len);
		for (int i = 0; i < XDPSERVE_STAT__MAX; i++)
			cr_expect_eq(after[i].packets, before[i].packets, "%s: %s moved", fc->name,
				     steer_stat_name(i));
		goto out;
	}
	cr_assert_eq(err, 0, "%s: bpf_prog_test_run_opts: %s", fc->name, strerror(-err));
	cr_expect_eq(verdict, fc->verdict, "%s: verdict %u, expected %u", fc->name, verdict,
		     fc->verdict);
	for (int i = 0; i < XDPSERVE_STAT__MAX; i++) {
		uint64_t dp = after[i].packets - before[i].packets;
		uint64_t db = after[i].bytes - before[i].bytes;

		if (i == (int)fc->stat) {
			cr_expect_eq(dp, 1, "%s: %s counted %llu packets, expected 1", fc->name,
				     steer_stat_name(i), (unsigned long long)dp);
			cr_expect_eq(db, len, "%s: %s counted %llu bytes, expected %zu", fc->name,
				     steer_stat_name(i), (unsigned long long)db, len);
		} else {
			cr_expect_eq(dp, 0, "%s: %s counted %llu packets, expected none", fc->name,
				     steer_stat_name(i), (unsigned long long)dp);
		}
	}
out:
	if (fc->xsk)
		xsk_fixture_close(&x);
	fixture_unload(&fx);
}

/* Removing an endpoint makes its traffic plain kernel traffic again. */
Test(steer_prog, endpoint_removal_stops_steering)
{
	struct frame_spec spec = {V4("198.18.0.1", 80), .tcp_flags = SYN};
	struct xdpserve_stat_val before[XDPSERVE_STAT__MAX], after[XDPSERVE_STAT__MAX];
	struct xdpserve_endpoint_key key;
	struct steer_fixture fx;
	uint8_t frame[FRAME_MAX];
	__u32 verdict;
	size_t len;

	fixture_load(&fx);
	cr_assert_eq(steer_endpoint_parse("198.18.0.1:80", &key), 0);
	cr_assert_eq(bpf_map_delete_elem(fx.endpoints_fd, &key), 0);
	len = frame_build(&spec, frame);
	stats_read(&fx, before);
	cr_assert_eq(run_frame(&fx, frame, len, &verdict), 0);
	cr_expect_eq(verdict, XDP_PASS);
	stats_read(&fx, after);
	cr_expect_eq(after[XDPSERVE_STAT_PASS_NOT_SERVED].packets -
			     before[XDPSERVE_STAT_PASS_NOT_SERVED].packets,
		     1);
	cr_expect_eq(after[XDPSERVE_STAT_REDIRECT_FAILED].packets,
		     before[XDPSERVE_STAT_REDIRECT_FAILED].packets);
	fixture_unload(&fx);
}

/* The object carries libxdp's run config: a priority and chain call on pass. */
Test(steer_prog, object_has_xdp_run_config)
{
	const char *builddir = getenv("XDPSERVE_BUILDDIR");
	struct bpf_object *obj;
	const struct btf *btf;
	char path[4096];

	snprintf(path, sizeof(path), "%s/bpf/xdpserve.bpf.o", builddir ? builddir : ".");
	obj = bpf_object__open_file(path, NULL);
	cr_assert(libbpf_get_error(obj) == 0 && obj, "cannot open %s", path);
	btf = bpf_object__btf(obj);
	cr_assert_not_null(btf);
	cr_expect_gt(btf__find_by_name(btf, ".xdp_run_config"), 0, "no .xdp_run_config section");
	cr_expect_gt(btf__find_by_name(btf, "_"
					    "xdpserve_steer"),
		     0, "no run config for " XDPSERVE_PROG_NAME);
	bpf_object__close(obj);
}

/* --- endpoint text <-> key (pure, no privileges) --- */

struct endpoint_case {
	char text[56];
	char canonical[56]; /* what format() gives back; "" when parse must fail */
	__u32 plen;	    /* address prefix length */
	__u8 family;
	__u16 port;
};

#define BAD(t)                                                                                     \
	{                                                                                          \
		t, "", 0, 0, 0                                                                     \
	}

static const struct endpoint_case endpoint_cases[] = {
	{"198.18.0.1:80", "198.18.0.1:80", 32, XDPSERVE_FAMILY_INET, 80},
	{"198.18.0.0/24:80", "198.18.0.0/24:80", 24, XDPSERVE_FAMILY_INET, 80},
	{"198.18.0.1/32:80", "198.18.0.1:80", 32, XDPSERVE_FAMILY_INET, 80},
	{"0.0.0.0/0:80", "0.0.0.0/0:80", 0, XDPSERVE_FAMILY_INET, 80},
	{"[fd00::1]:8080", "[fd00::1]:8080", 128, XDPSERVE_FAMILY_INET6, 8080},
	{"[fd00::/64]:80", "[fd00::/64]:80", 64, XDPSERVE_FAMILY_INET6, 80},
	{"[::/0]:443", "[::/0]:443", 0, XDPSERVE_FAMILY_INET6, 443},
	{"[FD00:0:0::1]:65535", "[fd00::1]:65535", 128, XDPSERVE_FAMILY_INET6, 65535},
	{"[fd00::1/128]:1", "[fd00::1]:1", 128, XDPSERVE_FAMILY_INET6, 1},
	BAD("198.18.0.1"),	 /* no port */
	BAD("198.18.0.1:"),	 /* empty port */
	BAD("198.18.0.1:0"),	 /* port 0 */
	BAD("198.18.0.1:65536"), /* port too large */
	BAD("198.18.0.1:080"),	 /* leading zero */
	BAD("198.18.0.1:+80"),	 /* sign */
	BAD("198.18.0.1:80x"),	 /* trailing garbage */
	BAD("198.18.0.1/33:80"), /* prefix too long */
	BAD("198.18.0.1/24:80"), /* host bits set */
	BAD("198.18.0.0/:80"),	 /* empty prefix */
	BAD("198.18.0:80"),	 /* short address */
	BAD("fd00::1:80"),	 /* IPv6 without brackets */
	BAD("[198.18.0.1]:80"),	 /* IPv4 in brackets */
	BAD("[fd00::1:80"),	 /* unclosed bracket */
	BAD("[fd00::1/64]:80"),	 /* host bits set */
	BAD("[fd00::/129]:80"),	 /* prefix too long */
	BAD("[]:80"),		 /* empty address */
	BAD(":80"),		 /* no address */
	BAD(""),		 /* nothing */
	BAD("eth0:80"),		 /* a name, not an address */
};

ParameterizedTestParameters(steer_endpoint, parse_format)
{
	return cr_make_param_array(struct endpoint_case, (void *)endpoint_cases,
				   sizeof(endpoint_cases) / sizeof(endpoint_cases[0]));
}

ParameterizedTest(const struct endpoint_case *ec, steer_endpoint, parse_format)
{
	struct xdpserve_endpoint_key key;
	char out[STEER_ENDPOINT_STRLEN];
	int err, n;

	memset(&key, 0xa5, sizeof(key));
	err = steer_endpoint_parse(ec->text, &key);
	if (!ec->canonical[0]) {
		cr_expect_eq(err, -EINVAL, "'%s' parsed, expected -EINVAL", ec->text);
		return;
	}
	cr_assert_eq(err, 0, "'%s' did not parse", ec->text);
	cr_expect_eq(key.prefixlen, XDPSERVE_ENDPOINT_FIXED_BITS + ec->plen, "'%s'", ec->text);
	cr_expect_eq(key.family, ec->family, "'%s'", ec->text);
	cr_expect_eq(ntohs(key.port), ec->port, "'%s'", ec->text);
	cr_expect_eq(key.pad, 0, "'%s'", ec->text);
	if (ec->family == XDPSERVE_FAMILY_INET)
		for (int i = 4; i < 16; i++)
			cr_expect_eq(key.addr[i], 0, "'%s': addr[%d] not zero", ec->text, i);

	n = steer_endpoint_format(&key, out, sizeof(out));
	cr_assert_gt(n, 0, "'%s' did not format", ec->text);
	cr_expect_str_eq(out, ec->canonical);
	cr_expect_eq((size_t)n, strlen(out));
}

Test(steer_endpoint, parses_address_bytes)
{
	struct xdpserve_endpoint_key key;
	static const __u8 v4[4] = {198, 18, 0, 1};
	static const __u8 v6[16] = {0xfd, 0, [15] = 1};

	cr_assert_eq(steer_endpoint_parse("198.18.0.1:80", &key), 0);
	cr_expect_arr_eq(key.addr, v4, sizeof(v4));
	cr_expect_eq(key.port, htons(80));
	cr_assert_eq(steer_endpoint_parse("[fd00::1]:80", &key), 0);
	cr_expect_arr_eq(key.addr, v6, sizeof(v6));
}

Test(steer_endpoint, format_rejects_bad_keys_and_short_buffers)
{
	struct xdpserve_endpoint_key key;
	char out[STEER_ENDPOINT_STRLEN];

	cr_assert_eq(steer_endpoint_parse("[fd00::/64]:80", &key), 0);
	cr_expect_eq(steer_endpoint_format(&key, out, 5), -ENOSPC);
	key.family = 5;
	cr_expect_eq(steer_endpoint_format(&key, out, sizeof(out)), -EINVAL);
	key.family = XDPSERVE_FAMILY_INET;
	key.prefixlen = XDPSERVE_ENDPOINT_FIXED_BITS + 33;
	cr_expect_eq(steer_endpoint_format(&key, out, sizeof(out)), -EINVAL);
}

Test(steer_endpoint, stat_names_cover_every_slot)
{
	for (int i = 0; i < XDPSERVE_STAT__MAX; i++) {
		cr_expect_not_null(steer_stat_name(i), "slot %d has no name", i);
		for (int j = 0; j < i; j++)
			cr_expect_str_neq(steer_stat_name(i), steer_stat_name(j));
	}
	cr_expect_str_eq(steer_stat_name(XDPSERVE_STAT_REDIRECTED), "redirected");
	cr_expect_null(steer_stat_name(XDPSERVE_STAT__MAX));
}

/*
 * A program built before XDPSERVE_STAT_SYNACK_TX has 11 counter slots: the
 * steer layer reads the slots the map has (max_entries, kept at open) and
 * zero for the rest, instead of failing on slot 11. The steer handle is
 * made here around a real per-CPU array of that size, as steer_open_maps()
 * fills it from an attached program's map.
 */
Test(steer_maps, stats_of_an_older_program_read_its_slots_only)
{
	struct xdpserve_stat_val out[XDPSERVE_STAT__MAX];
	struct xdpserve_stat_val *vals;
	struct steer s;
	int ncpus;

	if (geteuid() != 0)
		cr_skip_test("creating a BPF map needs root (CAP_BPF)");
	ncpus = libbpf_num_possible_cpus();
	cr_assert_gt(ncpus, 0);
	memset(&s, 0, sizeof(s));
	for (int m = 0; m < STEER_MAP__MAX; m++)
		s.map_fd[m] = -1;
	snprintf(s.ifname, sizeof(s.ifname), "old");
	s.nr_cpus = ncpus;
	s.percpu = calloc((size_t)ncpus, sizeof(*s.percpu));
	vals = calloc((size_t)ncpus, sizeof(*vals));
	cr_assert(s.percpu && vals);
	s.map_fd[STEER_MAP_STATS] =
		bpf_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, "old_stats", sizeof(__u32), sizeof(*vals),
			       XDPSERVE_STAT_SYNACK_TX, NULL);
	if (s.map_fd[STEER_MAP_STATS] < 0)
		cr_skip_test("cannot create a per-CPU array (%s)", strerror(errno));
	cr_assert_eq(XDPSERVE_STAT_SYNACK_TX, 11, "the older layout had 11 slots");
	for (__u32 i = 0; i < XDPSERVE_STAT_SYNACK_TX; i++) {
		for (int cpu = 0; cpu < ncpus; cpu++) {
			vals[cpu].packets = i + 1;
			vals[cpu].bytes = 100 * (i + 1);
		}
		cr_assert_eq(bpf_map_update_elem(s.map_fd[STEER_MAP_STATS], &i, vals, BPF_ANY), 0);
	}
	s.stats_entries = XDPSERVE_STAT_SYNACK_TX;
	memset(out, 0xff, sizeof(out));
	cr_assert_eq(steer_stats_read(&s, out), 0, "an 11-slot counter map reads");
	for (__u32 i = 0; i < XDPSERVE_STAT__MAX; i++) {
		uint64_t p = i < XDPSERVE_STAT_SYNACK_TX ? (uint64_t)(i + 1) * ncpus : 0;

		cr_expect_eq(out[i].packets, p, "slot %u: %llu packets", i,
			     (unsigned long long)out[i].packets);
		cr_expect_eq(out[i].bytes, 100 * p, "slot %u", i);
	}
	/* Reading every current slot of that map is what failed before. */
	s.stats_entries = XDPSERVE_STAT__MAX;
	cr_expect_neq(steer_stats_read(&s, out), 0);
	close(s.map_fd[STEER_MAP_STATS]);
	free(s.percpu);
	free(vals);
}

/* xorshift64*: a fixed seed, so a failure names a frame that can be made again. */
static uint64_t mut_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

/* One to four mutations of a well-formed frame; returns the new length (>= ETH_HLEN_). */
static size_t mutate(uint8_t *f, size_t len, uint64_t *rng)
{
	static const uint8_t interesting[] = {0x00, 0x01, 0x04, 0x05, 0x06, 0x08, 0x0f, 0x11,
					      0x2c, 0x3a, 0x40, 0x45, 0x4f, 0x50, 0x60, 0x81,
					      0x86, 0x88, 0xa8, 0xdd, 0xf0, 0xff};
	int n = 1 + (int)(mut_next(rng) % 4);

	for (int i = 0; i < n; i++) {
		uint64_t r = mut_next(rng);
		/* Mostly inside the headers, where the decisions are. */
		size_t at = (r >> 8) % (r & 0x10 ? len : (len < 80 ? len : 80));

		switch (r & 3) {
		case 0:
			f[at] ^= (uint8_t)(1u << ((r >> 40) & 7));
			break;
		case 1:
			f[at] = interesting[(r >> 40) % sizeof(interesting)];
			break;
		case 2:
			len = ETH_HLEN_ + (r >> 40) % (len - ETH_HLEN_ + 1);
			break;
		default:
			while (len < FRAME_MAX && (r >>= 3) & 1)
				f[len++] = (uint8_t)mut_next(rng);
			break;
		}
	}
	return len;
}

/*
 * The steering program's decision, on tens of thousands of mutated frames,
 * against an independent reference (steer_ref.c): a frame is redirected
 * only if it is a well-formed TCP segment to a served endpoint, and every
 * other frame lands in the pass slot the reference names. The budget is
 * XDPSERVE_STEER_MUTATIONS frames (default 20000), seeded from the table.
 */
Test(steer_prog, mutated_frames_match_the_reference, .timeout = 300)
{
	const char *env = getenv("XDPSERVE_STEER_MUTATIONS");
	long budget = env ? strtol(env, NULL, 10) : 20000;
	struct xdpserve_stat_val before[XDPSERVE_STAT__MAX], after[XDPSERVE_STAT__MAX];
	struct xdpserve_endpoint_key keys[sizeof(served) / sizeof(served[0])];
	size_t nseeds = sizeof(frame_cases) / sizeof(frame_cases[0]);
	uint64_t rng = 0x9e3779b97f4a7c15ull, seen[XDPSERVE_STAT__MAX] = {0};
	struct steer_fixture fx;

	fixture_load(&fx);
	for (size_t i = 0; i < sizeof(served) / sizeof(served[0]); i++)
		cr_assert_eq(steer_endpoint_parse(served[i], &keys[i]), 0);
	stats_read(&fx, before);
	for (long i = 0; i < budget; i++) {
		uint8_t frame[FRAME_MAX];
		size_t len = frame_build(&frame_cases[i % nseeds].spec, frame);
		enum xdpserve_stat want;
		__u32 verdict = 0;
		int moved = -1;

		if (len < ETH_HLEN_)
			continue;
		len = mutate(frame, len, &rng);
		want = steer_ref_classify(frame, len, keys, sizeof(keys) / sizeof(keys[0]),
					  iface_mac);
		cr_assert_eq(run_frame(&fx, frame, len, &verdict), 0, "frame %ld refused", i);
		stats_read(&fx, after);
		for (int s = 0; s < XDPSERVE_STAT__MAX; s++) {
			if (after[s].packets == before[s].packets)
				continue;
			cr_assert_eq(moved, -1, "frame %ld counted twice", i);
			cr_assert_eq(after[s].packets, before[s].packets + 1);
			moved = s;
		}
		if (moved != (int)want) {
			char hex[3 * 80 + 1] = "";

			for (size_t b = 0; b < len && b < 80; b++)
				sprintf(hex + 3 * b, "%02x ", frame[b]);
			cr_assert_fail("frame %ld (%zu bytes, from \"%s\"): program says %s, "
				       "reference %s: %s",
				       i, len, frame_cases[i % nseeds].name,
				       moved < 0 ? "nothing" : steer_stat_name(moved),
				       steer_stat_name(want), hex);
		}
		cr_assert_eq(verdict, want == XDPSERVE_STAT_DROP_FRAGMENT ? XDP_DROP : XDP_PASS,
			     "frame %ld: no socket is bound, so nothing can be redirected", i);
		seen[want]++;
		memcpy(before, after, sizeof(before));
	}
	for (int s = 0; s < XDPSERVE_STAT__MAX; s++)
		cr_log_info("%s: %llu frames", steer_stat_name(s), (unsigned long long)seen[s]);
	/* Not vacuous: mutations reach both sides of every decision that matters. */
	cr_expect(seen[XDPSERVE_STAT_REDIRECT_FAILED] && seen[XDPSERVE_STAT_PASS_MALFORMED] &&
			  seen[XDPSERVE_STAT_PASS_NOT_SERVED] && seen[XDPSERVE_STAT_PASS_FRAGMENT],
		  "the mutations missed a decision");
	fixture_unload(&fx);
}
