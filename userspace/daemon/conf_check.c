// SPDX-License-Identifier: GPL-2.0-only
/*
 * conf_check.c — does this configuration fit this machine? The checks of
 * `xdpserved --check`, run again at start (daemon_setup) and on every
 * reload: roots, interface, MTU, queues, memory, memlock, BPF object. Only
 * reads: nothing is attached, created or raised. Every problem names the
 * place its value came from (conf_problem) and what to do.
 */
#include "daemon/conf_int.h"

#include <arpa/inet.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/net.h"
#include "xsk/frame.h"

/* Frames per partition for the fill ring and for TX headers (ring sizes). */
#define CONF_FILL_FRAMES    4096
#define CONF_TX_FRAMES	    4096
#define CONF_FRAME_HEADROOM 256 /* UMEM frame headroom the MTU must leave */
#define CONF_ETH_OVERHEAD   18	/* Ethernet header + one VLAN tag */

static void conf_check_dir(struct conf_report *r, const struct xdpserve_config *cfg, int32_t origin,
			   const char *dir)
{
	int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		close(fd);
		return;
	}
	conf_problem_at(r, cfg, origin, "root", "document root %s: %s — give an existing directory",
			dir, strerror(errno));
}

/* Is `a` inside endpoint e (address within its prefix, same port)? */
static bool conf_endpoint_covers(const struct xdpserve_endpoint_key *e, const struct conf_root *a)
{
	uint32_t bits = e->prefixlen - XDPSERVE_ENDPOINT_FIXED_BITS;

	if (e->family != a->family || ntohs(e->port) != a->port)
		return false;
	for (uint32_t i = 0; i < bits; i++) {
		uint8_t m = (uint8_t)(0x80u >> (i % 8));

		if ((e->addr[i / 8] & m) != (a->addr[i / 8] & m))
			return false;
	}
	return true;
}

static void conf_check_roots(const struct xdpserve_config *cfg, struct conf_report *r)
{
	const struct conf_option *root = conf_option_find("root");

	if (cfg->root[0])
		conf_check_dir(r, cfg, cfg->origin[conf_option_index(root)], cfg->root);
	for (uint32_t i = 0; i < cfg->nroots; i++) {
		const struct conf_root *a = &cfg->roots[i];
		bool served = false;

		conf_check_dir(r, cfg, a->origin, a->dir);
		for (uint32_t j = 0; j < cfg->nendpoints && !served; j++)
			served = conf_endpoint_covers(&cfg->endpoints[j], a);
		if (!served)
			conf_problem_at(r, cfg, a->origin, "root",
					"this root's address and port are not served — add an addr "
					"that covers them, or remove the root");
	}
}

/* The CPUs of `set` as a list ("0-3,6"), for messages. */
static void conf_cpu_set_text(const cpu_set_t *set, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	for (int c = 0; c < CPU_SETSIZE && at < len; c++) {
		int hi = c;

		if (!CPU_ISSET(c, set))
			continue;
		while (hi + 1 < CPU_SETSIZE && CPU_ISSET(hi + 1, set))
			hi++;
		if (hi > c)
			at += (size_t)snprintf(buf + at, len - at, "%s%d-%d", at ? "," : "", c, hi);
		else
			at += (size_t)snprintf(buf + at, len - at, "%s%d", at ? "," : "", c);
		c = hi;
	}
}

/* --cpus: every CPU is one the daemon may run on; a short list wraps around. */
static void conf_check_cpus(const struct xdpserve_config *cfg, struct conf_report *r,
			    const cpu_set_t *allowed, uint32_t nqueues)
{
	const struct conf_cpus *c = &cfg->cpus;
	char text[256];

	conf_cpu_set_text(allowed, text, sizeof(text));
	for (uint16_t i = 0; i < c->n; i++)
		if (!CPU_ISSET(c->cpu[i], allowed))
			conf_problem(r, cfg, "cpus",
				     "CPU %u is not one this daemon may run on (allowed: %s, from "
				     "its affinity or cpuset) — list only those CPUs",
				     c->cpu[i], text);
	if (c->n && c->n < nqueues)
		pr_warn("cpus lists %u CPU%s for %u workers: the list wraps around (worker i on "
			"its CPU i mod %u); list %u CPUs to give each worker its own",
			c->n, c->n == 1 ? "" : "s", nqueues, c->n, nqueues);
}

static void conf_check_queues(const struct xdpserve_config *cfg, struct conf_report *r,
			      struct conf_facts *f)
{
	cpu_set_t allowed = {0};
	long cpus = sched_getaffinity(0, sizeof(allowed), &allowed) ? sysconf(_SC_NPROCESSORS_ONLN)
								    : CPU_COUNT(&allowed);

	f->nic_queues = net_iface_rx_queues(cfg->ifname);
	f->nqueues = cfg->queues ? cfg->queues : f->nic_queues;
	if (f->nqueues > XDPSERVE_MAX_QUEUES)
		f->nqueues = XDPSERVE_MAX_QUEUES;
	if (f->nqueues > f->nic_queues) {
		conf_problem(r, cfg, "queues",
			     "%s has %u RX queue%s but queues asks for %u — give queues = %u or "
			     "add queues (ethtool -L %s combined %u)",
			     cfg->ifname, f->nic_queues, f->nic_queues == 1 ? "" : "s", f->nqueues,
			     f->nic_queues, cfg->ifname, f->nqueues);
		return;
	}
	if (f->nqueues < f->nic_queues && f->nic_queues > XDPSERVE_MAX_QUEUES)
		pr_warn("%s has %u RX queues but at most %u workers can serve it (queues = 1..%u): "
			"served traffic arriving on queues %u-%u goes to the kernel; reduce the "
			"queues (ethtool -L %s combined %u)",
			cfg->ifname, f->nic_queues, XDPSERVE_MAX_QUEUES, XDPSERVE_MAX_QUEUES,
			f->nqueues, f->nic_queues - 1, cfg->ifname, f->nqueues);
	else if (f->nqueues < f->nic_queues)
		pr_warn("%s has %u RX queues but only %u workers: served traffic arriving on "
			"queues %u-%u goes to the kernel; run with --queues %u or reduce the "
			"queues (ethtool -L %s combined %u)",
			cfg->ifname, f->nic_queues, f->nqueues, f->nqueues, f->nic_queues - 1,
			f->nic_queues, cfg->ifname, f->nqueues);
	if (cfg->cpus.n) {
		if (CPU_COUNT(&allowed) > 0)
			conf_check_cpus(cfg, r, &allowed, f->nqueues);
	} else if (cpus > 0 && f->nqueues > (uint32_t)cpus)
		pr_warn("%u workers but only %ld CPUs to run on: workers will share CPUs; "
			"use --queues %ld",
			f->nqueues, cpus, cpus);
}

static bool conf_check_iface(const struct xdpserve_config *cfg, struct conf_report *r,
			     struct conf_facts *f)
{
	int err;

	if (!if_nametoindex(cfg->ifname)) {
		conf_problem(r, cfg, "iface", "no such interface %s — see ip link show",
			     cfg->ifname);
		return false;
	}
	err = net_iface_mtu(cfg->ifname, &f->mtu);
	if (err) {
		conf_problem(r, cfg, "iface", "cannot read the MTU of %s: %s — check the interface",
			     cfg->ifname, strerror(-err));
		return false;
	}
	if (f->mtu + CONF_ETH_OVERHEAD > FRAME_SIZE - CONF_FRAME_HEADROOM)
		conf_problem(r, cfg, "iface",
			     "MTU %u of %s does not fit a %u-byte UMEM frame — set an MTU of at "
			     "most %u (ip link set dev %s mtu %u)",
			     f->mtu, cfg->ifname, FRAME_SIZE,
			     FRAME_SIZE - CONF_FRAME_HEADROOM - CONF_ETH_OVERHEAD, cfg->ifname,
			     FRAME_SIZE - CONF_FRAME_HEADROOM - CONF_ETH_OVERHEAD);
	conf_check_queues(cfg, r, f);
	return true;
}

/* Effective capability `cap`, from /proc/self/status (no library, no side effect). */
static bool conf_have_cap(unsigned int cap)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	bool have = false;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "CapEff:", 7))
			have = (strtoull(line + 7, NULL, 16) >> cap) & 1;
	fclose(f);
	return have;
}

static void conf_check_memory(const struct xdpserve_config *cfg, struct conf_report *r,
			      struct conf_facts *f)
{
	uint64_t mem = (uint64_t)sysconf(_SC_PHYS_PAGES) * (uint64_t)sysconf(_SC_PAGESIZE);
	uint64_t per = f->nqueues ? cfg->cache_bytes / f->nqueues / FRAME_SIZE : 0;
	struct rlimit rl;

	f->fill_frames = CONF_FILL_FRAMES;
	f->tx_frames = CONF_TX_FRAMES;
	f->frames_per_partition = (uint32_t)(CONF_FILL_FRAMES + CONF_TX_FRAMES + per);
	f->umem_bytes = (uint64_t)f->frames_per_partition * f->nqueues * FRAME_SIZE;
	/* The cache is pinned memory: refuse what the machine cannot hold. */
	if (cfg->cache_bytes > mem / 2)
		conf_problem(r, cfg, "cache-size",
			     "%llu MiB is more than half of this machine's memory (%llu MiB), and "
			     "the cache is pinned — give a smaller cache-size",
			     (unsigned long long)(cfg->cache_bytes >> 20),
			     (unsigned long long)(mem >> 20));
	/* A running daemon pinned its UMEM at start and dropped CAP_IPC_LOCK since. */
	if (r->running || getrlimit(RLIMIT_MEMLOCK, &rl) || rl.rlim_max == RLIM_INFINITY ||
	    rl.rlim_max >= f->umem_bytes || conf_have_cap(CAP_IPC_LOCK) ||
	    conf_have_cap(CAP_SYS_RESOURCE))
		return;
	conf_problem(r, cfg, "cache-size",
		     "RLIMIT_MEMLOCK too low (%llu KiB) for a UMEM of %llu MiB — run with "
		     "LimitMEMLOCK=infinity or ulimit -l unlimited, or a smaller cache-size",
		     (unsigned long long)(rl.rlim_max / 1024),
		     (unsigned long long)(f->umem_bytes >> 20));
}

static int conf_libbpf_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level, (void)fmt, (void)ap;
	return 0;
}

static void conf_check_bpf_obj(const struct xdpserve_config *cfg, struct conf_report *r)
{
	libbpf_print_fn_t old;
	struct bpf_object *obj;
	long err;

	if (access(cfg->bpf_obj, R_OK)) {
		conf_problem(r, cfg, "bpf-obj",
			     "%s: %s — install the package's BPF object or give "
			     "bpf-obj = PATH",
			     cfg->bpf_obj, strerror(errno));
		return;
	}
	old = libbpf_set_print(conf_libbpf_quiet);
	obj = bpf_object__open_file(cfg->bpf_obj, NULL);
	err = libbpf_get_error(obj);
	libbpf_set_print(old);
	if (err) {
		conf_problem(r, cfg, "bpf-obj",
			     "%s is not a BPF object libbpf can open (%s) — "
			     "give the xdpserve.bpf.o this build installed",
			     cfg->bpf_obj, strerror((int)-err));
		return;
	}
	if (!bpf_object__find_program_by_name(obj, "xdpserve_steer"))
		conf_problem(r, cfg, "bpf-obj",
			     "%s holds no xdpserve_steer program — give xdpserve.bpf.o",
			     cfg->bpf_obj);
	bpf_object__close(obj);
}

unsigned int conf_check(const struct xdpserve_config *cfg, struct conf_report *r,
			struct conf_facts *facts)
{
	struct conf_facts local, *f = facts ? facts : &local;
	unsigned int before = r->problems;

	memset(f, 0, sizeof(*f));
	conf_check_roots(cfg, r);
	if (conf_check_iface(cfg, r, f))
		conf_check_memory(cfg, r, f);
	conf_check_bpf_obj(cfg, r);
	return r->problems - before;
}
