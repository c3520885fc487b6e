/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * conf.h — the daemon's configuration: built once from the command line
 * at start, validated, then read-only for every thread (a reload will swap
 * it whole).
 *
 * Called by main.c (parse), daemon.c (setup) and worker.c (tunables).
 */
#ifndef XDPSERVE_CONF_H
#define XDPSERVE_CONF_H

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/log.h"
#include "http/http_resolve.h"
#include "steer/steer.h"
#include "xdpserve/shared.h"
#include "xsk/xsk_queue.h"

struct tcp_cc_ops;

#define CONFIG_MAX_ENDPOINTS 64

struct xdpserve_config {
	char ifname[IF_NAMESIZE];
	char root[PATH_MAX];	/* document root, as given */
	char bpf_obj[PATH_MAX]; /* the steering program's object file */
	struct xdpserve_endpoint_key endpoints[CONFIG_MAX_ENDPOINTS];
	uint32_t nendpoints;
	uint32_t queues;	       /* workers, one per RX queue from 0; 0 = every queue */
	uint64_t cache_bytes;	       /* content cache, split evenly over the workers */
	uint64_t cache_chunk_bytes;    /* large files are cached in chunks of this size */
	uint32_t max_loads;	       /* chunk loads under way per worker */
	uint32_t max_conns;	       /* per worker */
	uint32_t max_conns_per_source; /* per worker, per IPv4 address or IPv6 /64; 0: none */
	uint32_t drain_ms;	       /* on SIGTERM: how long connections may finish */
	/* Limits on slow or idle clients (seconds; docs/configuration.md says why). */
	uint32_t header_timeout_s;    /* a request head must be whole within this */
	uint32_t keepalive_timeout_s; /* idle between requests, then FIN */
	uint32_t send_timeout_s;      /* while an answer waits, every this long ... */
	uint32_t min_send_rate;	      /* ... this many bytes/s must be acknowledged */
	uint32_t persist_timeout_s;   /* longest zero window */
	const struct tcp_cc_ops *cc;  /* --congestion */
	uint32_t tcp_retries;	      /* RTOs in a row before a reset */
	uint32_t neg_ttl_ms;	      /* how long a missing path is known missing */
	enum steer_mode xdp_mode;
	enum xsk_bind_mode bind_mode;
	enum xsk_tx_path tx_path; /* payload by reference or copied */
	enum log_level log_level;
	struct http_resolve_config files; /* --index, --serve-dotfiles, --precompressed */
};

/*
 * Fill *cfg from argv (defaults first). Returns 0, 1 when --help or
 * --version was answered (exit 0), or -EINVAL after printing what is wrong.
 */
int conf_parse_args(struct xdpserve_config *cfg, int argc, char **argv);

/* "64M", "1G", "4096", "512K" -> bytes; -EINVAL otherwise. */
int conf_parse_size(const char *text, uint64_t *out);

#endif /* XDPSERVE_CONF_H */
