// SPDX-License-Identifier: GPL-2.0-only
/*
 * maps.c — reading and writing the steering program's maps through a
 * `struct steer`: served endpoints (LPM trie), the per-queue AF_XDP sockets
 * (XSKMAP) and the per-CPU counters.
 *
 * Called by the daemon (XSKMAP slots as workers start and stop, endpoints
 * from the configuration) and by xdpservectl (addr, stats). Control path
 * only: these are syscalls, never called per packet.
 */
#include "config.h"

#include "steer/steer_internal.h"
#include "common/log.h"

#include <bpf/bpf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Text of a key for messages; "?" when it does not format. */
static const char *steer_key_text(const struct xdpserve_endpoint_key *key, char *buf, size_t len)
{
	if (steer_endpoint_format(key, buf, len) < 0)
		snprintf(buf, len, "?");
	return buf;
}

int steer_endpoint_add(struct steer *s, const struct xdpserve_endpoint_key *key)
{
	struct xdpserve_endpoint_val val = {.flags = 0};
	char text[STEER_ENDPOINT_STRLEN];
	int err;

	if (bpf_map_update_elem(s->map_fd[STEER_MAP_ENDPOINTS], key, &val, BPF_ANY) == 0)
		return 0;
	err = -errno;
	if (err == -ENOSPC || err == -E2BIG)
		pr_err("cannot serve %s on %s: the endpoint table is full (%d entries)",
		       steer_key_text(key, text, sizeof(text)), s->ifname, XDPSERVE_MAX_ENDPOINTS);
	else
		pr_err("cannot serve %s on %s (%s)", steer_key_text(key, text, sizeof(text)),
		       s->ifname, strerror(-err));
	return err;
}

int steer_endpoint_del(struct steer *s, const struct xdpserve_endpoint_key *key)
{
	char text[STEER_ENDPOINT_STRLEN];
	int err;

	if (bpf_map_delete_elem(s->map_fd[STEER_MAP_ENDPOINTS], key) == 0)
		return 0;
	err = -errno;
	if (err == -ENOENT)
		pr_err("%s is not served on %s; see xdpservectl addr list %s",
		       steer_key_text(key, text, sizeof(text)), s->ifname, s->ifname);
	else
		pr_err("cannot stop serving %s on %s (%s)", steer_key_text(key, text, sizeof(text)),
		       s->ifname, strerror(-err));
	return err;
}

int steer_endpoint_list(struct steer *s, struct xdpserve_endpoint_key *keys, size_t max)
{
	struct xdpserve_endpoint_key cur, next;
	const void *prev = NULL;
	size_t n = 0;
	int err;

	/* Bounded by the trie's capacity even if entries change under us. */
	while (n <= XDPSERVE_MAX_ENDPOINTS) {
		if (bpf_map_get_next_key(s->map_fd[STEER_MAP_ENDPOINTS], prev, &next)) {
			err = -errno;
			if (err == -ENOENT)
				break;
			pr_err("cannot list the endpoints of %s (%s)", s->ifname, strerror(-err));
			return err;
		}
		if (n < max)
			keys[n] = next;
		n++;
		cur = next;
		prev = &cur;
	}
	return (int)n;
}

static bool steer_endpoint_among(const struct xdpserve_endpoint_key *key,
				 const struct xdpserve_endpoint_key *keep, size_t nkeep)
{
	for (size_t i = 0; i < nkeep; i++)
		if (!memcmp(key, &keep[i], sizeof(*key)))
			return true;
	return false;
}

int steer_endpoint_keep_only(struct steer *s, const struct xdpserve_endpoint_key *keep,
			     size_t nkeep)
{
	struct xdpserve_endpoint_key have[XDPSERVE_MAX_ENDPOINTS];
	char text[STEER_ENDPOINT_STRLEN];
	int n, removed = 0, err;

	n = steer_endpoint_list(s, have, XDPSERVE_MAX_ENDPOINTS);
	if (n < 0)
		return n;
	if (n > XDPSERVE_MAX_ENDPOINTS)
		n = XDPSERVE_MAX_ENDPOINTS;
	for (int i = 0; i < n; i++) {
		if (steer_endpoint_among(&have[i], keep, nkeep))
			continue;
		err = steer_endpoint_del(s, &have[i]);
		if (err && err != -ENOENT)
			return err;
		steer_key_text(&have[i], text, sizeof(text));
		pr_info("%s: no longer serving %s (left by an earlier daemon or xdpservectl)",
			s->ifname, text);
		removed++;
	}
	return removed;
}

int steer_xsk_set(struct steer *s, uint32_t queue, int xsk_fd)
{
	int err;

	if (bpf_map_update_elem(s->map_fd[STEER_MAP_XSKS], &queue, &xsk_fd, BPF_ANY) == 0)
		return 0;
	err = -errno;
	if (err == -E2BIG)
		pr_err("queue %u of %s is beyond the %d AF_XDP socket slots", queue, s->ifname,
		       XDPSERVE_MAX_QUEUES);
	else
		pr_err("cannot put the AF_XDP socket of queue %u of %s in the map (%s)", queue,
		       s->ifname, strerror(-err));
	return err;
}

int steer_xsk_clear(struct steer *s, uint32_t queue)
{
	int err;

	if (bpf_map_delete_elem(s->map_fd[STEER_MAP_XSKS], &queue) == 0)
		return 0;
	err = -errno;
	if (err == -ENOENT)
		return 0;
	if (err == -E2BIG || err == -EINVAL)
		pr_err("queue %u of %s is beyond the %d AF_XDP socket slots", queue, s->ifname,
		       XDPSERVE_MAX_QUEUES);
	else
		pr_err("cannot clear the AF_XDP socket of queue %u of %s (%s)", queue, s->ifname,
		       strerror(-err));
	return err;
}

int steer_iface_set_mac(struct steer *s, const uint8_t mac[6])
{
	struct xdpserve_iface val;
	__u32 zero = 0;
	int err;

	memset(&val, 0, sizeof(val));
	memcpy(val.mac, mac, sizeof(val.mac));
	val.flags = XDPSERVE_IFACE_MAC;
	if (bpf_map_update_elem(s->map_fd[STEER_MAP_IFACE], &zero, &val, BPF_ANY) == 0)
		return 0;
	err = -errno;
	pr_err("cannot write the MAC of %s into the steering program's map (%s)", s->ifname,
	       strerror(-err));
	return err;
}

int steer_stats_read(struct steer *s, struct xdpserve_stat_val out[XDPSERVE_STAT__MAX])
{
	/* A program built before the later counters has fewer slots: those read 0. */
	__u32 n = s->stats_entries < XDPSERVE_STAT__MAX ? s->stats_entries : XDPSERVE_STAT__MAX;
	int err;

	for (__u32 i = 0; i < XDPSERVE_STAT__MAX; i++) {
		out[i].packets = 0;
		out[i].bytes = 0;
		if (i >= n)
			continue;
		if (bpf_map_lookup_elem(s->map_fd[STEER_MAP_STATS], &i, s->percpu)) {
			err = -errno;
			pr_err("cannot read the counters of %s (%s)", s->ifname, strerror(-err));
			return err;
		}
		for (int cpu = 0; cpu < s->nr_cpus; cpu++) {
			out[i].packets += s->percpu[cpu].packets;
			out[i].bytes += s->percpu[cpu].bytes;
		}
	}
	return 0;
}

bool steer_syn_supported(const struct steer *s)
{
	return s->map_fd[STEER_MAP_SYN] >= 0 && s->map_fd[STEER_MAP_SYN_QUEUES] >= 0;
}

int steer_syn_set(struct steer *s, const struct xdpserve_syn_conf *conf)
{
	__u32 zero = 0;
	int err;

	if (!steer_syn_supported(s))
		return -EOPNOTSUPP;
	if (bpf_map_update_elem(s->map_fd[STEER_MAP_SYN], &zero, conf, BPF_ANY) == 0)
		return 0;
	err = -errno;
	pr_err("cannot write the SYN answer settings of %s into the steering program's map (%s)",
	       s->ifname, strerror(-err));
	return err;
}

int steer_syn_get(struct steer *s, struct xdpserve_syn_conf *conf)
{
	__u32 zero = 0;
	int err;

	if (!steer_syn_supported(s))
		return -EOPNOTSUPP;
	if (bpf_map_lookup_elem(s->map_fd[STEER_MAP_SYN], &zero, conf) == 0)
		return 0;
	err = -errno;
	pr_err("cannot read the SYN answer settings of %s (%s)", s->ifname, strerror(-err));
	return err;
}

/* Bytes of a mapping of n slots: whole pages. */
static size_t steer_syn_queues_len(uint32_t n)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	return ((size_t)n * sizeof(__u32) + page - 1) & ~(page - 1);
}

int steer_syn_queues_map(struct steer *s, _Atomic uint32_t **slots, uint32_t *n)
{
	void *p;
	int err;

	if (!steer_syn_supported(s) || !s->synq_entries)
		return -EOPNOTSUPP;
	p = mmap(NULL, steer_syn_queues_len(s->synq_entries), PROT_READ | PROT_WRITE, MAP_SHARED,
		 s->map_fd[STEER_MAP_SYN_QUEUES], 0);
	if (p == MAP_FAILED) {
		err = -errno;
		pr_err("cannot map the SYN accept slots of %s (%s)", s->ifname, strerror(-err));
		return err;
	}
	*slots = p;
	*n = s->synq_entries;
	return 0;
}

void steer_syn_queues_unmap(_Atomic uint32_t *slots, uint32_t n)
{
	if (slots)
		munmap((void *)slots, steer_syn_queues_len(n));
}
