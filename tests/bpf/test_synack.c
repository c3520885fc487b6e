// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_synack.c — SYNs answered in XDP (bpf/synack.h) against the user-space
 * stack: the same SYN is run through the steering program
 * (bpf_prog_test_run_opts, a real AF_XDP socket in the XSKMAP, the SYN
 * configuration written as the daemon would) and fed to a tcp_stack on the
 * fake NIC built from the same configuration; the two SYN-ACKs must be the
 * same bytes except the IPv4 ID and so the IPv4 header checksum (user
 * space counts IDs, XDP writes 0), whose checksum is then checked on its
 * own. That covers every option combination (MSS around every table edge,
 * every window shift, SACK-permitted, timestamps, the stack's three option
 * switches, IPv4 and IPv6, VLAN, option orders and padding), so the BPF
 * SipHash, cookie tables, cookie and TSval agree bit for bit with
 * syncookie.c. The ACK completing the handshake, built from the XDP
 * SYN-ACK, must create a connection in the stack; frames the program must
 * leave to user space must be redirected untouched.
 *
 * Loading BPF needs root: every case skips with the reason otherwise.
 */
#include "config.h"

#include <criterion/criterion.h>

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include <linux/if_xdp.h>
#include <xdp/xsk.h>

#include "helpers/fake_nic.h"
#include "helpers/pkt.h"
#include "steer/steer.h"
#include "tcp/syncookie.h"
#include "net/net.h"
#include "tcp/tcp.h"
#include "xdpserve/shared.h"

#define FRAME_CAP 256

static const uint8_t server_mac[6] = {0x02, 0, 0, 0, 0, 0x01};
static const uint8_t client_mac[6] = {0x02, 0, 0, 0, 0, 0x02};
static const uint8_t v4_server[4] = {198, 18, 0, 1}, v4_client[4] = {198, 18, 0, 2};
static const uint8_t v6_server[16] = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
static const uint8_t v6_client[16] = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};

/* The steering program with one AF_XDP socket in slot 0 and SYNs on. */
struct prog {
	struct bpf_object *obj;
	int prog_fd, xsks_fd, syn_fd, synq_fd, stats_fd, ncpus;
	void *area;
	size_t size;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp, rx;
};

/* A user-space stack on the fake NIC: the reference. */
struct ref {
	struct fake_nic nic;
	struct tcp_config cfg;
	struct tcp_stack *s;
	int accepted;
};

static int map_fd(struct bpf_object *obj, const char *name)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, name);

	cr_assert_not_null(map, "map %s missing from the object", name);
	return bpf_map__fd(map);
}

static void prog_open(struct prog *p)
{
	const char *builddir = getenv("XDPSERVE_BUILDDIR");
	struct xsk_socket_config xcfg = {
		.rx_size = XSK_RING_CONS__DEFAULT_NUM_DESCS,
		.tx_size = 0,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = XDP_COPY,
	};
	static const char *const served[] = {"198.18.0.1:80", "[fd00::1]:80"};
	struct xdpserve_iface ifc = {.flags = XDPSERVE_IFACE_MAC};
	struct bpf_map *map;
	char path[4096];
	__u32 zero = 0;
	int err, fd;

	memset(p, 0, sizeof(*p));
	if (geteuid() != 0)
		cr_skip_test("loading the XDP program needs root (CAP_BPF, CAP_NET_ADMIN)");
	snprintf(path, sizeof(path), "%s/bpf/xdpserve.bpf.o", builddir ? builddir : ".");
	p->obj = bpf_object__open_file(path, NULL);
	cr_assert(libbpf_get_error(p->obj) == 0 && p->obj, "cannot open %s", path);
	bpf_object__for_each_map(map, p->obj)
		bpf_map__set_pin_path(map, NULL); /* tests must leave no pins behind */
	err = bpf_object__load(p->obj);
	cr_assert_eq(err, 0, "loading %s failed: %s", path, strerror(-err));
	p->prog_fd = bpf_program__fd(bpf_object__find_program_by_name(p->obj, XDPSERVE_PROG_NAME));
	p->xsks_fd = map_fd(p->obj, XDPSERVE_MAP_XSKS_NAME);
	p->syn_fd = map_fd(p->obj, XDPSERVE_MAP_SYN_NAME);
	p->synq_fd = map_fd(p->obj, XDPSERVE_MAP_SYN_QUEUES_NAME);
	p->stats_fd = map_fd(p->obj, XDPSERVE_MAP_STATS_NAME);
	p->ncpus = libbpf_num_possible_cpus();

	memcpy(ifc.mac, server_mac, 6);
	cr_assert_eq(bpf_map_update_elem(map_fd(p->obj, XDPSERVE_MAP_IFACE_NAME), &zero, &ifc, 0),
		     0);
	for (size_t i = 0; i < sizeof(served) / sizeof(served[0]); i++) {
		struct xdpserve_endpoint_key key;
		struct xdpserve_endpoint_val val = {0};

		cr_assert_eq(steer_endpoint_parse(served[i], &key), 0);
		cr_assert_eq(bpf_map_update_elem(map_fd(p->obj, XDPSERVE_MAP_ENDPOINTS_NAME), &key,
						 &val, 0),
			     0);
	}

	/* A socket in slot 0, bound in a namespace that dies with this test's process. */
	if (unshare(CLONE_NEWNET))
		cr_skip_test("cannot create a network namespace (%s)", strerror(errno));
	p->size = (size_t)XSK_RING_PROD__DEFAULT_NUM_DESCS * 2 * XSK_UMEM__DEFAULT_FRAME_SIZE;
	p->area = mmap(NULL, p->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(p->area, MAP_FAILED);
	err = xsk_umem__create(&p->umem, p->area, p->size, &p->fill, &p->comp, NULL);
	cr_assert_eq(err, 0, "xsk_umem__create: %s", strerror(-err));
	err = xsk_socket__create(&p->xsk, "lo", 0, p->umem, &p->rx, NULL, &xcfg);
	if (err)
		cr_skip_test("cannot bind an AF_XDP socket to lo (%s)", strerror(-err));
	fd = xsk_socket__fd(p->xsk);
	cr_assert_eq(bpf_map_update_elem(p->xsks_fd, &zero, &fd, 0), 0);
}

static void prog_close(struct prog *p)
{
	xsk_socket__delete(p->xsk);
	xsk_umem__delete(p->umem);
	munmap(p->area, p->size);
	bpf_object__close(p->obj);
}

/* The queue's accept slot, written through the mmapped array as a worker does. */
static void prog_accept(struct prog *p, __u32 value)
{
	long page = sysconf(_SC_PAGESIZE);
	__u32 *slots = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED, p->synq_fd, 0);

	cr_assert_neq(slots, MAP_FAILED, "XDPSERVE_MAP_SYN_QUEUES not mmapable: %s",
		      strerror(errno));
	slots[0] = value;
	munmap(slots, (size_t)page);
}

static void *ref_accepted(void *app, struct tcp_conn *c)
{
	struct ref *r = app;

	(void)c;
	r->accepted++;
	return r;
}

static void ref_nop(void *app, struct tcp_conn *c)
{
	(void)app;
	(void)c;
}

static void ref_closed(void *app, struct tcp_conn *c, enum tcp_close_reason why)
{
	(void)app;
	(void)c;
	(void)why;
}

static const struct tcp_app_ops ref_ops = {
	.accepted = ref_accepted,
	.readable = ref_nop,
	.writable = ref_nop,
	.closed = ref_closed,
};

/* flags: XDPSERVE_SYN_TIMESTAMPS | _SACK | _WSCALE, the stack's switches. */
static void ref_init(struct ref *r, __u32 flags)
{
	memset(r, 0, sizeof(*r));
	tcp_config_default(&r->cfg);
	r->cfg.max_conns = 16;
	r->cfg.max_time_wait = 4;
	r->cfg.rx_buf_size = 256 * 1024; /* a window shift of 3 */
	for (int i = 0; i < 16; i++)
		r->cfg.syncookie_key[i] = (uint8_t)(0x5b * i + 7);
	r->cfg.timestamps = flags & XDPSERVE_SYN_TIMESTAMPS;
	r->cfg.sack = flags & XDPSERVE_SYN_SACK;
	r->cfg.window_scale = flags & XDPSERVE_SYN_WSCALE;
	fake_nic_init(&r->nic, false, 1, 1500, NULL);
	r->s = tcp_stack__create(&r->cfg, &r->nic.nic, &ref_ops, r);
	cr_assert_not_null(r->s);
}

static void ref_fini(struct ref *r)
{
	tcp_stack__destroy(r->s);
	fake_nic_fini(&r->nic);
}

/*
 * What the daemon writes for this stack (daemon_syn_setup(), the contract
 * in shared.h), from the same public calls, so a stack whose SYN-ACK
 * settings drift from what those calls report fails here.
 */
static void conf_from_stack(struct xdpserve_syn_conf *conf, const struct ref *r, __u32 on)
{
	struct tcp_synack_params sp;

	tcp_stack__synack_params(r->s, &sp);
	memset(conf, 0, sizeof(*conf));
	memcpy(conf->cookie_key, r->cfg.syncookie_key, 16);
	tcp_hash_key_derive(r->cfg.syncookie_key, conf->ts_key);
	conf->flags = on | (sp.timestamps ? XDPSERVE_SYN_TIMESTAMPS : 0) |
		      (sp.sack ? XDPSERVE_SYN_SACK : 0) |
		      (sp.window_scale ? XDPSERVE_SYN_WSCALE : 0);
	conf->mss_v4 = sp.mss_v4;
	conf->mss_v6 = sp.mss_v6;
	conf->window = sp.window;
	conf->wscale = sp.wscale;
	conf->hop_limit = NET_TTL;
}

static void conf_write(struct prog *p, const struct xdpserve_syn_conf *conf)
{
	__u32 zero = 0;

	cr_assert_eq(bpf_map_update_elem(p->syn_fd, &zero, conf, 0), 0);
}

/* The program and a reference stack with every option on, the program accepting. */
static void all_on(struct prog *p, struct ref *r)
{
	struct xdpserve_syn_conf conf;

	prog_open(p);
	prog_accept(p, XDPSERVE_SYNQ_ACCEPT);
	ref_init(r, XDPSERVE_SYN_TIMESTAMPS | XDPSERVE_SYN_SACK | XDPSERVE_SYN_WSCALE);
	conf_from_stack(&conf, r, XDPSERVE_SYN_ON);
	conf_write(p, &conf);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Run one frame; *out gets the frame after the program (its length returned). */
static uint32_t run(struct prog *p, const uint8_t *in, uint32_t len, uint8_t *out, __u32 *verdict)
{
	uint8_t data[FRAME_CAP];

	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = data, .data_size_in = len, .data_out = out,
		    .data_size_out = FRAME_CAP, .repeat = 1);
	memcpy(data, in, len);
	cr_assert_eq(bpf_prog_test_run_opts(p->prog_fd, &opts), 0, "test run: %s", strerror(errno));
	*verdict = opts.retval;
	return opts.data_size_out;
}

static uint64_t stat_packets(struct prog *p, __u32 stat)
{
	struct xdpserve_stat_val v[p->ncpus];
	uint64_t n = 0;

	cr_assert_eq(bpf_map_lookup_elem(p->stats_fd, &stat, v), 0);
	for (int c = 0; c < p->ncpus; c++)
		n += v[c].packets;
	return n;
}

/* The SYN a client sends: options described below, in one of several orders. */
struct syn_case {
	uint8_t family;
	bool vlan;
	int mss;   /* < 0: no MSS option */
	int ws;	   /* < 0: none; the raw byte otherwise (may be > 14) */
	bool sack; /* SACK-permitted */
	bool ts;
	int order; /* 0: MSS, NOP NOP SACK-permitted, NOP NOP TS, NOP WS; 1: Linux's
		    * MSS, SACK-perm, TS, NOP WS; 2: reversed, no padding, EOL-filled */
	uint32_t eth_pad;
	uint8_t flags; /* 0: SYN */
};

static void spec_base(struct pkt_spec *sp, uint8_t family, bool vlan)
{
	memset(sp, 0, sizeof(*sp));
	sp->family = family;
	memcpy(sp->src_mac, client_mac, 6);
	memcpy(sp->dst_mac, server_mac, 6);
	sp->vlan = vlan;
	sp->vlan_tci = 0x2007; /* priority 1, VLAN 7 */
	memcpy(sp->saddr, family == 4 ? v4_client : v6_client, family == 4 ? 4 : 16);
	memcpy(sp->daddr, family == 4 ? v4_server : v6_server, family == 4 ? 4 : 16);
	sp->sport = 40123;
	sp->dport = 80;
	sp->seq = 0x9abcdef0;
	sp->flags = PKT_SYN;
	sp->wnd = 64240;
	sp->wscale = -1;
}

static uint32_t syn_opts(uint8_t *o, const struct syn_case *c)
{
	uint32_t n = 0;

#define PUT_MSS()                                                                                  \
	do {                                                                                       \
		if (c->mss >= 0) {                                                                 \
			o[n++] = 2, o[n++] = 4, o[n++] = (uint8_t)(c->mss >> 8);                   \
			o[n++] = (uint8_t)c->mss;                                                  \
		}                                                                                  \
	} while (0)
#define PUT_TS()                                                                                   \
	do {                                                                                       \
		if (c->ts) {                                                                       \
			o[n++] = 8, o[n++] = 10;                                                   \
			o[n++] = 0x11, o[n++] = 0x22, o[n++] = 0x33, o[n++] = 0x44;                \
			o[n++] = 0, o[n++] = 0, o[n++] = 0, o[n++] = 0;                            \
		}                                                                                  \
	} while (0)
	switch (c->order) {
	case 0:
		PUT_MSS();
		if (c->sack)
			o[n++] = 1, o[n++] = 1, o[n++] = 4, o[n++] = 2;
		if (c->ts)
			o[n++] = 1, o[n++] = 1;
		PUT_TS();
		if (c->ws >= 0)
			o[n++] = 1, o[n++] = 3, o[n++] = 3, o[n++] = (uint8_t)c->ws;
		break;
	case 1:
		PUT_MSS();
		if (c->sack && c->ts)
			o[n++] = 4, o[n++] = 2;
		else if (c->ts)
			o[n++] = 1, o[n++] = 1;
		PUT_TS();
		if (c->sack && !c->ts)
			o[n++] = 1, o[n++] = 1, o[n++] = 4, o[n++] = 2;
		if (c->ws >= 0)
			o[n++] = 1, o[n++] = 3, o[n++] = 3, o[n++] = (uint8_t)c->ws;
		break;
	default:
		if (c->ws >= 0)
			o[n++] = 3, o[n++] = 3, o[n++] = (uint8_t)c->ws;
		PUT_TS();
		if (c->sack)
			o[n++] = 4, o[n++] = 2;
		PUT_MSS();
		break;
	}
#undef PUT_MSS
#undef PUT_TS
	while (n % 4)
		o[n++] = 0; /* EOL */
	return n;
}

static uint32_t syn_build(uint8_t *buf, const struct syn_case *c)
{
	struct pkt_spec sp;
	uint8_t opts[40];

	spec_base(&sp, c->family, c->vlan);
	sp.raw_opts = opts;
	sp.raw_optlen = syn_opts(opts, c);
	sp.eth_pad = c->eth_pad;
	if (c->flags)
		sp.flags = c->flags;
	return pkt_build(buf, FRAME_CAP, &sp);
}

/* Where the IPv4 ID and header checksum sit in a frame (0 for IPv6). */
static uint32_t ipv4_off(const uint8_t *f)
{
	uint32_t l3 = f[12] == 0x81 && f[13] == 0x00 ? 18 : 14;

	return f[l3 - 2] == 0x08 && f[l3 - 1] == 0x00 ? l3 : 0;
}

/*
 * Run the SYN through the program and through the stack; both answers must
 * agree (see the top of the file). The two clocks must read the same
 * millisecond (and so period) or the case is run again.
 */
static void check_same(struct prog *p, struct ref *r, const struct syn_case *c)
{
	uint8_t syn[FRAME_CAP], out[FRAME_CAP];
	char what[160];

	snprintf(what, sizeof(what),
		 "v%u%s mss %d ws %d sack %d ts %d order %d, stack ts %d sack %d ws %d", c->family,
		 c->vlan ? " vlan" : "", c->mss, c->ws, c->sack, c->ts, c->order, r->cfg.timestamps,
		 r->cfg.sack, r->cfg.window_scale);
	for (int attempt = 0;; attempt++) {
		uint32_t len = syn_build(syn, c), out_len, l3;
		const struct fake_frame *f;
		struct pkt_info pi;
		uint64_t t0, t1;
		__u32 verdict;

		cr_assert_gt(len, 0);
		t0 = mono_ns();
		out_len = run(p, syn, len, out, &verdict);
		t1 = mono_ns();
		cr_assert_eq(verdict, XDP_TX, "%s: verdict %u, not XDP_TX", what, verdict);
		tcp_stack__input(r->s, syn, len, t1);
		f = fake_nic_take(&r->nic);
		cr_assert_not_null(f, "%s: the stack sent no SYN-ACK", what);
		cr_assert_eq(pkt_parse(out, out_len, &pi), 0, "%s: XDP's SYN-ACK does not parse",
			     what);
		cr_assert(pi.tcp_csum_ok && pi.ip_csum_ok, "%s: XDP's checksums", what);
		/* The cookie is syncookie_make() over the SYN's tuple, whatever else happens. */
		{
			struct tcp_tuple t = {.family = c->family, .lport = 80, .rport = 40123};
			uint32_t bits = syncookie_opt_bits(
				c->family,
				c->mss >= 0 ? (uint16_t)c->mss : (c->family == 4 ? 536 : 1220),
				r->cfg.window_scale && c->ws >= 0 ? (c->ws > 14 ? 14 : c->ws) : -1,
				r->cfg.sack && c->sack);

			memcpy(t.laddr, c->family == 4 ? v4_server : v6_server,
			       c->family == 4 ? 4 : 16);
			memcpy(t.raddr, c->family == 4 ? v4_client : v6_client,
			       c->family == 4 ? 4 : 16);
			cr_assert(pi.seq == syncookie_make(r->cfg.syncookie_key, &t, 0x9abcdef0,
							   syncookie_period(t0), bits) ||
					  pi.seq == syncookie_make(r->cfg.syncookie_key, &t,
								   0x9abcdef0, syncookie_period(t1),
								   bits),
				  "%s: cookie %#x is not syncookie_make()'s", what, pi.seq);
		}
		if (t0 / 1000000 != t1 / 1000000 && attempt < 1000) {
			fake_nic_clear(&r->nic);
			continue; /* the millisecond moved between the two answers */
		}
		cr_assert_eq(out_len, f->len, "%s: XDP's SYN-ACK has %u bytes, the stack's %u",
			     what, out_len, f->len);
		l3 = ipv4_off(out);
		if (l3) {
			cr_assert_eq(out[l3 + 4] | out[l3 + 5], 0, "%s: IPv4 ID", what);
			memcpy(out + l3 + 4, f->data + l3 + 4, 2);
			memcpy(out + l3 + 10, f->data + l3 + 10, 2);
		}
		for (uint32_t i = 0; i < out_len; i++)
			cr_assert_eq(out[i], f->data[i], "%s: byte %u: XDP %#x, the stack %#x",
				     what, i, out[i], f->data[i]);
		fake_nic_clear(&r->nic);
		return;
	}
}

/* MSS values: absent, each table entry and its neighbours, the extremes. */
static int mss_values(uint8_t family, int *v)
{
	static const uint16_t t4[] = {216, 536, 1200, 1220, 1300, 1400, 1440, 1460};
	static const uint16_t t6[] = {216, 536, 1200, 1220, 1280, 1380, 1420, 1440};
	const uint16_t *t = family == 4 ? t4 : t6;
	int n = 0;

	v[n++] = -1;
	v[n++] = 0;
	v[n++] = 65535;
	for (int i = 0; i < 8; i++) {
		v[n++] = t[i] - 1;
		v[n++] = t[i];
		v[n++] = t[i] + 1;
	}
	return n;
}

/* Every option combination, for every setting of the stack's three switches. */
static void matrix(uint8_t family, bool vlan)
{
	struct prog p;
	int mss[32], nmss = mss_values(family, mss);

	prog_open(&p);
	prog_accept(&p, XDPSERVE_SYNQ_ACCEPT);
	for (__u32 flags = 0; flags < 8; flags++) {
		struct xdpserve_syn_conf conf;
		struct ref r;

		ref_init(&r, flags << 1);
		conf_from_stack(&conf, &r, XDPSERVE_SYN_ON);
		conf_write(&p, &conf);
		for (int m = 0; m < nmss; m++)
			for (int ws = -1; ws <= 16; ws++)
				for (int o = 0; o < 4; o++) {
					struct syn_case c = {
						.family = family,
						.vlan = vlan,
						.mss = mss[m],
						.ws = ws == 16 ? 255 : ws,
						.sack = o & 1,
						.ts = o & 2,
						.order = (m + ws + o) % 3,
					};

					check_same(&p, &r, &c);
				}
		ref_fini(&r);
	}
	prog_close(&p);
}

Test(synack, same_as_user_space_v4)
{
	matrix(4, false);
}

Test(synack, same_as_user_space_v6)
{
	matrix(6, false);
}

Test(synack, same_as_user_space_v4_vlan)
{
	matrix(4, true);
}

Test(synack, same_as_user_space_v6_vlan)
{
	matrix(6, true);
}

/*
 * Every MSS and every window-shift byte: the cookie's option bits equal
 * syncookie_opt_bits(), so the BPF copies of the MSS and window-scale
 * tables equal syncookie.c's (each table edge shows as a change of index).
 */
Test(synack, cookie_tables_equal)
{
	struct prog p;
	struct ref r;
	struct xdpserve_syn_conf conf;

	prog_open(&p);
	prog_accept(&p, XDPSERVE_SYNQ_ACCEPT);
	ref_init(&r, XDPSERVE_SYN_SACK | XDPSERVE_SYN_WSCALE);
	conf_from_stack(&conf, &r, XDPSERVE_SYN_ON);
	conf_write(&p, &conf);
	for (uint8_t family = 4; family <= 6; family += 2)
		for (int v = 0; v < 65536 + 256; v++) {
			struct syn_case c = {.family = family,
					     .mss = v < 65536 ? v : 1460,
					     .ws = v < 65536 ? -1 : v - 65536};
			uint8_t syn[FRAME_CAP], out[FRAME_CAP];
			uint32_t len = syn_build(syn, &c), bits;
			struct pkt_info pi;
			__u32 verdict;

			if (v < 65536 && v > 1500 && v % 7)
				continue; /* every MSS up to 1500, every 7th above */
			len = run(&p, syn, len, out, &verdict);
			cr_assert_eq(verdict, XDP_TX);
			cr_assert_eq(pkt_parse(out, len, &pi), 0);
			bits = syncookie_opt_bits(family, (uint16_t)c.mss,
						  c.ws < 0 ? -1 : (c.ws > 14 ? 14 : c.ws), false);
			cr_assert_eq(pi.seq & SYNCOOKIE_OPT_MASK, bits,
				     "v%u mss %d ws %d: option bits %#x, syncookie.c %#x", family,
				     c.mss, c.ws, pi.seq & SYNCOOKIE_OPT_MASK, bits);
		}
	ref_fini(&r);
	prog_close(&p);
}

/* The ACK completing the handshake, built from XDP's SYN-ACK, creates the connection. */
static void handshake(uint8_t family, bool ts)
{
	uint8_t syn[FRAME_CAP], out[FRAME_CAP], ack[FRAME_CAP];
	struct syn_case c = {.family = family, .mss = 1460, .ws = 7, .sack = true, .ts = ts};
	struct pkt_spec sp;
	struct pkt_info pi;
	struct prog p;
	struct ref r;
	__u32 verdict;
	uint32_t len;

	all_on(&p, &r);
	len = run(&p, syn, syn_build(syn, &c), out, &verdict);
	cr_assert_eq(verdict, XDP_TX);
	cr_assert_eq(stat_packets(&p, XDPSERVE_STAT_SYNACK_TX), 1);
	cr_assert_eq(pkt_parse(out, len, &pi), 0);
	cr_assert_eq(pi.flags, PKT_SYN | PKT_ACK);
	cr_assert_eq(pi.ack, 0x9abcdef0 + 1);
	cr_assert_eq(pi.ts_ok, ts);

	spec_base(&sp, family, false);
	sp.flags = PKT_ACK;
	sp.seq = 0x9abcdef0 + 1;
	sp.ack = pi.seq + 1;
	sp.wnd = 502;
	sp.ts = ts;
	sp.tsval = 0x11223345;
	sp.tsecr = pi.tsval;
	len = pkt_build(ack, FRAME_CAP, &sp);
	tcp_stack__input(r.s, ack, len, mono_ns());
	cr_assert_eq(r.accepted, 1, "the stack did not accept XDP's cookie");
	cr_assert_eq(tcp_stack__stats(r.s)->syncookies_accepted, 1);
	ref_fini(&r);
	prog_close(&p);
}

Test(synack, handshake_completes_v4)
{
	handshake(4, true);
}

Test(synack, handshake_completes_v6)
{
	handshake(6, true);
}

Test(synack, handshake_completes_without_timestamps)
{
	handshake(4, false);
}

/* A SYN with Ethernet padding past the IP packet is answered without it. */
Test(synack, ethernet_padding)
{
	struct syn_case c = {.family = 4, .mss = -1, .ws = -1, .eth_pad = 6};
	struct prog p;
	struct ref r;

	all_on(&p, &r);
	check_same(&p, &r, &c);
	ref_fini(&r);
	prog_close(&p);
}

/* SYN flags user space ignores (ECE and CWR of an ECN setup, PSH, URG): answered the same. */
Test(synack, other_syn_flags)
{
	static const uint8_t flags[] = {0xc2, PKT_SYN | PKT_PSH, PKT_SYN | 0x20};
	struct prog p;
	struct ref r;

	all_on(&p, &r);
	for (size_t i = 0; i < sizeof(flags); i++) {
		struct syn_case c = {.family = i == 1 ? 6 : 4,
				     .mss = 1460,
				     .ws = 7,
				     .ts = true,
				     .flags = flags[i]};

		check_same(&p, &r, &c);
	}
	ref_fini(&r);
	prog_close(&p);
}

/* Frames left to user space: redirected (or passed) untouched, never XDP_TX. */
enum fb_mut {
	FB_UNKNOWN_OPT = 0,
	FB_BAD_OPT_LEN,
	FB_SACK_BLOCK,
	FB_IPV4_OPTIONS,
	FB_IPV6_EXTHDR,
	FB_BAD_TCP_CSUM,
	FB_BAD_IP_CSUM,
	FB_SYN_ACK,
	FB_SYN_RST,
	FB_PAYLOAD,
	FB_ZERO_PORT,
	FB_TRUNCATED_OPT,
	FB_SYN_OFF,
	FB_QUEUE_REFUSES,
	FB_NO_SOCKET,
	/* From here on any verdict but XDP_TX will do, with the frame untouched. */
	FB_SYN_FIN,
	FB_GROUP_SRC_MAC,
	FB_SRC_ZERO,	  /* 0.0.0.0 or :: */
	FB_SRC_BROADCAST, /* 255.255.255.255 (IPv4 only) */
	FB_SRC_MULTICAST, /* 224.0.0.1 or ff02::1 */
	FB_IP_LEN_LONG,	  /* IPv4 tot_len (IPv6 payload length) past the frame */
	FB_QINQ,	  /* 802.1ad outer tag over an 802.1Q one */
	FB_TWO_8021Q,	  /* two 802.1Q tags */
	FB__MAX,
};
#define FB_ANY_NOT_TX FB_SYN_FIN

static const char *const fb_names[FB__MAX] = {
	"unknown option",
	"bad option length",
	"SACK blocks",
	"IPv4 options",
	"IPv6 ext header",
	"bad TCP checksum",
	"bad IP checksum",
	"SYN+ACK",
	"SYN+RST",
	"payload",
	"zero source port",
	"option cut short",
	"SYN_ON off",
	"queue slot 0",
	"no socket",
	"SYN+FIN",
	"group source MAC",
	"zero source",
	"broadcast source",
	"multicast source",
	"IP length past the frame",
	"QinQ",
	"two 802.1Q tags",
};

/* Insert n bytes at off of a frame of *len bytes. */
static void insert(uint8_t *f, uint32_t *len, uint32_t off, const uint8_t *b, uint32_t n)
{
	memmove(f + off + n, f + off, *len - off);
	memcpy(f + off, b, n);
	*len += n;
}

static uint32_t fb_frame(uint8_t *f, enum fb_mut m, uint8_t family)
{
	static const uint8_t unknown[] = {2, 4, 5, 0xb4, 30, 4, 0, 0};
	static const uint8_t badlen[] = {2, 3, 5, 0xb4};
	static const uint8_t sack[] = {2, 4, 5, 0xb4, 1, 1, 5, 10, 0, 0, 0, 1, 0, 0, 0, 2};
	static const uint8_t cut[] = {1, 1, 1, 2};
	static const uint8_t payload[] = "GET";
	struct pkt_spec sp;
	uint32_t len;

	spec_base(&sp, family, false);
	sp.mss = 1460;
	switch (m) {
	case FB_UNKNOWN_OPT:
		sp.raw_opts = unknown, sp.raw_optlen = sizeof(unknown);
		break;
	case FB_BAD_OPT_LEN:
		sp.raw_opts = badlen, sp.raw_optlen = sizeof(badlen);
		break;
	case FB_SACK_BLOCK:
		sp.raw_opts = sack, sp.raw_optlen = sizeof(sack);
		break;
	case FB_TRUNCATED_OPT:
		sp.raw_opts = cut, sp.raw_optlen = sizeof(cut);
		break;
	case FB_BAD_TCP_CSUM:
		sp.bad_tcp_csum = true;
		break;
	case FB_BAD_IP_CSUM:
		sp.bad_ip_csum = true;
		break;
	case FB_SYN_ACK:
		sp.flags = PKT_SYN | PKT_ACK, sp.ack = 5;
		break;
	case FB_SYN_RST:
		sp.flags = PKT_SYN | PKT_RST;
		break;
	case FB_PAYLOAD:
		sp.payload = payload, sp.len = 3;
		break;
	case FB_ZERO_PORT:
		sp.sport = 0;
		break;
	case FB_SYN_FIN:
		sp.flags = PKT_SYN | PKT_FIN;
		break;
	case FB_GROUP_SRC_MAC:
		sp.src_mac[0] |= 1;
		break;
	case FB_SRC_ZERO:
		memset(sp.saddr, 0, sizeof(sp.saddr));
		break;
	case FB_SRC_BROADCAST:
		memset(sp.saddr, 0xff, 4);
		break;
	case FB_SRC_MULTICAST:
		if (family == 4) {
			static const uint8_t all_hosts[4] = {224, 0, 0, 1};

			memcpy(sp.saddr, all_hosts, 4);
		} else {
			static const uint8_t all_nodes[16] = {0xff, 2, 0, 0, 0, 0, 0, 0,
							      0,    0, 0, 0, 0, 0, 0, 1};

			memcpy(sp.saddr, all_nodes, 16);
		}
		break;
	case FB_QINQ:
	case FB_TWO_8021Q:
		sp.vlan = true;
		break;
	default:
		break;
	}
	len = pkt_build(f, FRAME_CAP, &sp);
	if (m == FB_QINQ || m == FB_TWO_8021Q) {
		/* An outer tag before pkt_build's 802.1Q one (VLAN 100). */
		const uint8_t tag[4] = {m == FB_QINQ ? 0x88 : 0x81, m == FB_QINQ ? 0xa8 : 0x00, 0,
					100};

		insert(f, &len, 12, tag, 4);
	}
	if (m == FB_IP_LEN_LONG && family == 4) {
		uint16_t sum, tot = (uint16_t)(f[16] << 8 | f[17]);

		tot = (uint16_t)(tot + 100);
		f[16] = (uint8_t)(tot >> 8), f[17] = (uint8_t)tot;
		f[24] = f[25] = 0;
		sum = (uint16_t)~pkt_ref_sum(f + 14, 20, 0);
		f[24] = (uint8_t)(sum >> 8), f[25] = (uint8_t)sum;
	}
	if (m == FB_IP_LEN_LONG && family == 6)
		f[14 + 4] = (uint8_t)(f[14 + 4] + 1); /* 256 bytes more */
	if (m == FB_IPV4_OPTIONS && family == 4) {
		static const uint8_t nops[4] = {1, 1, 1, 0};
		uint16_t sum;

		insert(f, &len, 14 + 20, nops, 4);
		f[14] = 0x46;
		f[17] = (uint8_t)(f[17] + 4);
		f[24] = f[25] = 0;
		sum = (uint16_t)~pkt_ref_sum(f + 14, 24, 0);
		f[24] = (uint8_t)(sum >> 8), f[25] = (uint8_t)sum;
	}
	if (m == FB_IPV6_EXTHDR && family == 6) {
		/* Destination options, PadN: the TCP checksum does not change. */
		const uint8_t dst[8] = {6, 0, 1, 4, 0, 0, 0, 0};

		insert(f, &len, 14 + 40, dst, 8);
		f[14 + 6] = 60;
		f[14 + 5] = (uint8_t)(f[14 + 5] + 8);
	}
	return len;
}

Test(synack, fallbacks)
{
	for (uint8_t family = 4; family <= 6; family += 2)
		for (int m = 0; m < FB__MAX; m++) {
			uint8_t f[FRAME_CAP], out[FRAME_CAP];
			struct xdpserve_syn_conf conf;
			uint64_t before_tx, before, after;
			__u32 verdict, stat = XDPSERVE_STAT_REDIRECTED, expect = XDP_REDIRECT;
			uint32_t len, out_len;
			struct prog p;
			struct ref r;

			if ((m == FB_IPV4_OPTIONS && family != 4) ||
			    (m == FB_BAD_IP_CSUM && family != 4) ||
			    (m == FB_SRC_BROADCAST && family != 4) ||
			    (m == FB_IPV6_EXTHDR && family != 6))
				continue;
			prog_open(&p);
			prog_accept(&p, m == FB_QUEUE_REFUSES ? 0 : XDPSERVE_SYNQ_ACCEPT);
			ref_init(&r,
				 XDPSERVE_SYN_TIMESTAMPS | XDPSERVE_SYN_SACK | XDPSERVE_SYN_WSCALE);
			conf_from_stack(&conf, &r, m == FB_SYN_OFF ? 0 : XDPSERVE_SYN_ON);
			conf_write(&p, &conf);
			if (m == FB_NO_SOCKET) {
				__u32 zero = 0;

				cr_assert_eq(bpf_map_delete_elem(p.xsks_fd, &zero), 0);
				stat = XDPSERVE_STAT_REDIRECT_FAILED;
				expect = XDP_PASS;
			}
			len = fb_frame(f, (enum fb_mut)m, family);
			before_tx = stat_packets(&p, XDPSERVE_STAT_SYNACK_TX);
			before = stat_packets(&p, stat);
			out_len = run(&p, f, len, out, &verdict);
			after = stat_packets(&p, stat);
			if (m >= FB_ANY_NOT_TX) {
				cr_assert_neq(verdict, XDP_TX, "v%u %s: answered in XDP", family,
					      fb_names[m]);
			} else {
				cr_assert_eq(verdict, expect, "v%u %s: verdict %u, want %u", family,
					     fb_names[m], verdict, expect);
				cr_assert_eq(after, before + 1, "v%u %s: counter", family,
					     fb_names[m]);
			}
			cr_assert_eq(stat_packets(&p, XDPSERVE_STAT_SYNACK_TX), before_tx);
			cr_assert_eq(out_len, len, "v%u %s: frame length changed", family,
				     fb_names[m]);
			cr_assert_eq(memcmp(out, f, len), 0, "v%u %s: frame changed", family,
				     fb_names[m]);
			ref_fini(&r);
			prog_close(&p);
		}
}

/*
 * Not a check: the program's cost per frame for a SYN answered and for the
 * same SYN redirected (SYN_ON off), in the test log for
 * docs/performance.md. The mean of bpf_prog_test_run's own timing of
 * single runs: with `repeat` the program would run again on its own
 * SYN-ACK, as the test run does not restore the frame.
 */
Test(synack, cost_per_syn)
{
	struct syn_case c = {.family = 4, .mss = 1460, .ws = 7, .sack = true, .ts = true};
	uint8_t syn[FRAME_CAP], out[FRAME_CAP];
	struct xdpserve_syn_conf conf;
	const int runs = 20000;
	uint64_t ns[2];
	struct prog p;
	struct ref r;
	uint32_t len;

	prog_open(&p);
	prog_accept(&p, XDPSERVE_SYNQ_ACCEPT);
	ref_init(&r, XDPSERVE_SYN_TIMESTAMPS | XDPSERVE_SYN_SACK | XDPSERVE_SYN_WSCALE);
	len = syn_build(syn, &c);
	for (int on = 1; on >= 0; on--) {
		conf_from_stack(&conf, &r, on ? XDPSERVE_SYN_ON : 0);
		conf_write(&p, &conf);
		ns[on] = 0;
		for (int i = 0; i < runs; i++) {
			LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = syn, .data_size_in = len,
				    .data_out = out, .data_size_out = FRAME_CAP, .repeat = 1);

			cr_assert_eq(bpf_prog_test_run_opts(p.prog_fd, &opts), 0);
			cr_assert_eq(opts.retval, on ? XDP_TX : XDP_REDIRECT);
			ns[on] += opts.duration;
		}
	}
	printf("# synack cost: %.0f ns per SYN answered (XDP_TX), %.0f ns per SYN redirected "
	       "(mean of %d test runs each)\n",
	       (double)ns[1] / runs, (double)ns[0] / runs, runs);
	ref_fini(&r);
	prog_close(&p);
}
