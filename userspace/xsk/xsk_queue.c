// SPDX-License-Identifier: GPL-2.0-only
/*
 * xsk_queue.c — create, describe and destroy the AF_XDP socket of one
 * queue. Called by the daemon at start-up and shutdown; the packet path
 * lives in xsk_rx.c and xsk_tx.c.
 *
 * The first socket on a UMEM negotiates the mode, in this order:
 * zero-copy with SG, zero-copy, copy with SG, copy (XSK_BIND_* narrows the
 * list, XSK_TX_COPY drops the SG tries). A failed bind() leaves the socket ready
 * for another try (the kernel undoes it), and libxdp reuses the UMEM's
 * socket for every try of the first queue. Later sockets share the UMEM
 * and the kernel gives them the first one's mode.
 */
#include "xsk/xsk_queue_int.h"

#include "common/log.h"
#include "common/caps.h"
#include "net/net.h"
#include "xsk/frame.h"
#include "xsk/umem.h"
#include "xsk/xsk_compat.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef SOL_XDP
#define SOL_XDP 283
#endif

#define XSK_DEFAULT_RING      2048
#define XSK_DEFAULT_MAX_FRAGS 8
/*
 * Zero-copy drivers announce how many descriptors a packet may have
 * (xdp_zc_max_segs, readable only over the netdev netlink family); a packet
 * with more is dropped without a completion, which would leak its frames.
 * Stay at a count the multi-buffer zero-copy drivers all accept.
 */
#define XSK_ZC_MAX_FRAGS 4

static void driver_name(const char *ifname, char *buf, size_t len)
{
	if (net_iface_driver(ifname, buf, len) || !buf[0])
		snprintf(buf, len, "(unknown)");
}

static uint32_t link_mtu(const char *ifname)
{
	uint32_t mtu = 0;

	if (net_iface_mtu(ifname, &mtu) || !mtu)
		return 1500;
	return mtu;
}

/* Descriptors per packet copy mode accepts: MAX_SKB_FRAGS, seen through its sysctl. */
static uint32_t copy_mode_max_frags(void)
{
	FILE *f = fopen("/proc/sys/net/core/max_skb_frags", "re");
	unsigned int v = 17;

	if (f) {
		if (fscanf(f, "%u", &v) != 1)
			v = 17;
		fclose(f);
	}
	return v ? v : 1;
}

static bool is_pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

static bool fatal_bind_error(int err)
{
	return err == -ENODEV || err == -ENOMEM || err == -EPERM || err == -EFAULT ||
	       err == -EACCES;
}

static const char *bind_hint(int err)
{
	switch (err) {
	case -ENODEV:
		return "; no such interface";
	case -EBUSY:
		return "; another AF_XDP socket is bound to this queue";
	case -EINVAL:
		return "; is the queue id beyond the interface's queues (ethtool -l)?";
	case -EPERM:
	case -EACCES:
		return "; " XDPSERVE_CAPS_HINT(XDPSERVE_CAPS_XSK);
	default:
		return "";
	}
}

/* The first socket of the UMEM: try the modes in order of preference. */
static int xsk_bind_first(struct xsk_queue *q, const char *ifname, const struct xsk_queue_opts *o,
			  struct xsk_socket_config *cfg)
{
	int zc_err = 0, sg_err = 0, err = -EINVAL;
	char drv[32];

	for (int zc = 1; zc >= 0; zc--) {
		if ((zc && o->bind_mode == XSK_BIND_COPY) ||
		    (!zc && o->bind_mode == XSK_BIND_ZEROCOPY))
			continue;
		for (int sg = o->tx_path != XSK_TX_COPY; sg >= 0; sg--) {
			cfg->bind_flags = (uint16_t)((zc ? XDP_ZEROCOPY : XDP_COPY) |
						     XDP_USE_NEED_WAKEUP | (sg ? XDP_USE_SG : 0));
			err = xsk_socket__create_shared(&q->xsk, ifname, q->queue_id,
							umem_xsk(q->umem), &q->rx, &q->tx, q->fill,
							q->comp, cfg);
			if (!err) {
				q->zerocopy = zc;
				q->sg = sg;
				goto bound;
			}
			q->xsk = NULL;
			if (zc)
				zc_err = err;
			if (sg)
				sg_err = err;
			if (fatal_bind_error(err))
				goto failed;
		}
	}
failed:
	driver_name(ifname, drv, sizeof(drv));
	if (o->bind_mode == XSK_BIND_ZEROCOPY && zc_err)
		pr_err("%s queue %u: zero-copy not supported by driver %s (%s); allow copy mode",
		       ifname, q->queue_id, drv, strerror(-zc_err));
	else
		pr_err("%s queue %u: cannot bind an AF_XDP socket: %s%s", ifname, q->queue_id,
		       strerror(-err), bind_hint(err));
	return err;

bound:
	if (!q->zerocopy && zc_err) {
		driver_name(ifname, drv, sizeof(drv));
		pr_warn("%s queue %u: zero-copy not supported by driver %s (%s); falling back to "
			"copy mode",
			ifname, q->queue_id, drv, strerror(-zc_err));
	}
	if (!q->sg && o->tx_path != XSK_TX_COPY && sg_err)
		pr_info("%s queue %u: multi-buffer TX (XDP_USE_SG) refused (%s); payload is "
			"copied into each frame",
			ifname, q->queue_id, strerror(-sg_err));
	return 0;
}

static void xsk_check_zerocopy(struct xsk_queue *q)
{
	struct xdp_options opts = {0};
	socklen_t len = sizeof(opts);

	/* The kernel's word is final: a socket bound "zero-copy" that is not says so here. */
	if (!getsockopt(q->fd, SOL_XDP, XDP_OPTIONS, &opts, &len))
		q->zerocopy = opts.flags & XDP_OPTIONS_ZEROCOPY;
}

int xsk_queue__create(struct umem *umem, const char *ifname, uint32_t queue_id,
		      const struct xsk_queue_opts *opts, struct xsk_queue **out)
{
	struct xsk_queue_opts o = opts ? *opts : (struct xsk_queue_opts){0};
	struct xsk_socket_config cfg = {0};
	struct xsk_queue *q = NULL;
	bool first, claimed = false;
	uint32_t frags;
	int err;

	*out = NULL;
	if (!o.rx_size)
		o.rx_size = XSK_DEFAULT_RING;
	if (!o.tx_size)
		o.tx_size = XSK_DEFAULT_RING;
	if (!is_pow2(o.rx_size) || !is_pow2(o.tx_size)) {
		pr_err("%s queue %u: ring sizes must be powers of 2 (rx %u, tx %u)", ifname,
		       queue_id, o.rx_size, o.tx_size);
		return -EINVAL;
	}
	q = calloc(1, sizeof(*q));
	if (!q)
		return -ENOMEM;
	q->umem = umem;
	q->queue_id = queue_id;
	q->partition = o.partition;
	q->fd = -1;
	err = umem_claim(umem, o.partition, &first, &q->fill, &q->comp);
	if (err) {
		pr_err("%s queue %u: UMEM partition %u %s", ifname, queue_id, o.partition,
		       err == -EBUSY ? "is already in use (or the UMEM's queues were torn down)"
				     : "does not exist");
		goto out;
	}
	claimed = true;
	q->pool = umem_pool(umem, o.partition);
	q->area = umem_area(umem);
	q->tx_tags = calloc(frame_pool_nframes(q->pool), sizeof(*q->tx_tags));
	if (!q->tx_tags) {
		err = -ENOMEM;
		goto out;
	}
	if (!first) {
		q->fill = &q->fill_own;
		q->comp = &q->comp_own;
	}

	cfg.rx_size = o.rx_size;
	cfg.tx_size = o.tx_size;
	cfg.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD; /* our XSKMAP, our program */
	cfg.xdp_flags = 0;
	if (first) {
		err = xsk_bind_first(q, ifname, &o, &cfg);
	} else {
		cfg.bind_flags = 0; /* libxdp binds XDP_SHARED_UMEM; the mode is inherited */
		err = xsk_socket__create_shared(&q->xsk, ifname, queue_id, umem_xsk(umem), &q->rx,
						&q->tx, q->fill, q->comp, &cfg);
		if (err) {
			q->xsk = NULL;
			pr_err("%s queue %u: cannot bind an AF_XDP socket on the shared UMEM: %s%s",
			       ifname, queue_id, strerror(-err), bind_hint(err));
		} else {
			umem_mode(umem, &q->zerocopy, &q->sg);
		}
	}
	if (err)
		goto out;
	q->fd = xsk_socket__fd(q->xsk);
	xsk_check_zerocopy(q);
	umem_bound(umem, q->zerocopy, q->sg);
	/* Bound with SG or not, the TX path decides whether payload goes by reference. */
	q->sg = q->sg && (o.tx_path == XSK_TX_SG || (o.tx_path == XSK_TX_AUTO && q->zerocopy));

	if (!q->zerocopy) {
		/* Let one sendto() turn the whole TX ring into skbs (6.17+; else 32). */
		uint32_t budget = o.tx_size;

		setsockopt(q->fd, SOL_XDP, XDP_MAX_TX_SKB_BUDGET, &budget, sizeof(budget));
	}

	if (o.busy_poll_us)
		xsk_queue_busy_poll_setup(q, o.busy_poll_us, XSK_RX_BATCH_MAX);
	frags = o.max_frags ? o.max_frags : XSK_DEFAULT_MAX_FRAGS;
	if (frags > XSK_MAX_FRAGS)
		frags = XSK_MAX_FRAGS;
	if (q->zerocopy && frags > XSK_ZC_MAX_FRAGS)
		frags = XSK_ZC_MAX_FRAGS;
	if (!q->zerocopy && frags > copy_mode_max_frags())
		frags = copy_mode_max_frags();
	q->nic = (struct nic){
		.ops = &xsk_queue_nic_ops,
		.ctx = q,
		.sg = q->sg,
		.max_frags = q->sg ? frags : 1,
		.mtu = link_mtu(ifname),
	};
	xsk_queue_refill(q);
	q->st.fill_ring_empty = 0; /* the ring starts empty: not a drought */
	pr_info("%s queue %u: AF_XDP %s, TX payload %s, partition %u (%u frames)%s", ifname,
		queue_id, xsk_queue_mode(q),
		q->sg ? "by reference (multi-buffer)" : "copied into each frame", o.partition,
		frame_pool_nframes(q->pool), first ? "" : ", UMEM shared (XDP_SHARED_UMEM)");
	*out = q;
	q = NULL;
	err = 0;
out:
	if (q) {
		if (claimed)
			umem_release(umem, o.partition, false);
		free(q->tx_tags);
		free(q);
	}
	return err;
}

void xsk_queue__destroy(struct xsk_queue *q)
{
	if (!q)
		return;
	xsk_socket__delete(q->xsk);
	umem_release(q->umem, q->partition, true);
	free(q->tx_tags);
	free(q);
}

int xsk_queue_fd(const struct xsk_queue *q)
{
	return q->fd;
}

uint32_t xsk_queue_id(const struct xsk_queue *q)
{
	return q->queue_id;
}

struct frame_pool *xsk_queue_pool(const struct xsk_queue *q)
{
	return q->pool;
}

const char *xsk_queue_mode(const struct xsk_queue *q)
{
	return q->zerocopy ? "zero-copy" : "copy";
}

bool xsk_queue_zerocopy(const struct xsk_queue *q)
{
	return q->zerocopy;
}

bool xsk_queue_sg(const struct xsk_queue *q)
{
	return q->sg;
}

struct nic *xsk_queue_nic(struct xsk_queue *q)
{
	return &q->nic;
}

uint32_t xsk_queue_tx_outstanding(const struct xsk_queue *q)
{
	return q->tx_outstanding;
}

/* The kernel's counters of the socket; the 5.9+ ones stay 0 on older kernels. */
static int xsk_queue_kstats(const struct xsk_queue *q, struct xdp_statistics *ks)
{
	socklen_t len = sizeof(*ks);

	memset(ks, 0, sizeof(*ks));
	return getsockopt(q->fd, SOL_XDP, XDP_STATISTICS, ks, &len) ? -errno : 0;
}

uint64_t xsk_queue_rx_lost(void *ctx)
{
	struct xdp_statistics ks;

	/* No fill buffer counts as rx_dropped; a full RX ring as rx_ring_full. */
	if (xsk_queue_kstats(ctx, &ks))
		return 0; /* counts only rising matter: no answer is no loss */
	return ks.rx_dropped + ks.rx_ring_full;
}

int xsk_queue_stats(const struct xsk_queue *q, struct xsk_queue_stats *out)
{
	struct xdp_statistics ks;
	int err;

	*out = q->st;
	out->tx_outstanding = q->tx_outstanding;
	err = xsk_queue_kstats(q, &ks);
	if (err)
		return err;
	out->k_rx_dropped = ks.rx_dropped;
	out->k_rx_invalid_descs = ks.rx_invalid_descs;
	out->k_tx_invalid_descs = ks.tx_invalid_descs;
	out->k_rx_ring_full = ks.rx_ring_full;
	out->k_fill_ring_empty_descs = ks.rx_fill_ring_empty_descs;
	out->k_tx_ring_empty_descs = ks.tx_ring_empty_descs;
	return 0;
}

int xsk_queue_drain(struct xsk_queue *q, uint32_t timeout_ms)
{
	const struct timespec ms = {.tv_sec = 0, .tv_nsec = 1000000};

	for (uint32_t waited = 0;; waited++) {
		xsk_queue_tx_flush(q);
		xsk_queue_complete(q);
		if (!q->tx_outstanding)
			return 0;
		if (waited >= timeout_ms)
			return -ETIMEDOUT;
		nanosleep(&ms, NULL);
	}
}
