/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * conf.h — the daemon's configuration: defaults, then the config file
 * (--config FILE, INI, read with libinih), then the flags, which win; all
 * three through one option table (conf_table.c). Validated (conf_check.c),
 * then read-only for every thread: a reload builds a whole new one and
 * swaps it in (daemon.c, worker.c).
 *
 *	main: conf_load(argv) -> conf_check -> daemon_run
 *	SIGHUP: conf_load(same argv) -> conf_check -> conf_reload_diff -> swap
 *
 * Called by main.c (parse), daemon.c (setup, reload) and worker.c (tunables).
 */
#ifndef XDPSERVE_CONF_H
#define XDPSERVE_CONF_H

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/log.h"
#include "http/http_resolve.h"
#include "steer/steer.h"
#include "xdpserve/shared.h"
#include "xsk/xsk_queue.h"

struct tcp_cc_ops;

#define CONFIG_MAX_ENDPOINTS 64
#define CONFIG_MAX_ROOTS     16 /* document roots for single served addresses */
#define CONF_OPTIONS_MAX     48 /* entries of the option table */

/* Where a value came from: 0 its default, CONF_FROM_FLAG a flag, else the file's line. */
#define CONF_FROM_FLAG (-1)

/*
 * "root = DIR" inside a section "[198.18.0.2:80]" (or "--root
 * 198.18.0.2:80=DIR"): connections to that local address and port get DIR.
 */
struct conf_root {
	uint8_t family;	  /* 4 or 6 */
	uint8_t addr[16]; /* network order; IPv4 in the first 4 bytes */
	uint16_t port;	  /* host order */
	int32_t origin;	  /* CONF_FROM_FLAG or the file's line */
	char dir[PATH_MAX];
};

/*
 * --cpus: the CPU of each worker, in order ("0-3,6" gives 0 1 2 3 6);
 * worker i runs on cpu[i % n]. n == 0: round robin over the allowed CPUs.
 */
#define CONF_MAX_CPUS 1024 /* CPU_SETSIZE */
struct conf_cpus {
	uint16_t n;
	uint16_t cpu[CONF_MAX_CPUS];
};

/*
 * Parse a CPU list ("0-3,6": numbers and ascending ranges, comma-separated,
 * each CPU once, below CONF_MAX_CPUS) into *out. 0, or -EINVAL with
 * "what — what to do" in why.
 */
int conf_cpus_parse(const char *text, struct conf_cpus *out, char *why, size_t len);

struct xdpserve_config {
	char ifname[IF_NAMESIZE];
	char root[PATH_MAX];	    /* document root of every address without its own */
	char bpf_obj[PATH_MAX];	    /* the steering program's object file */
	char config_path[PATH_MAX]; /* --config FILE, "" when none */
	struct xdpserve_endpoint_key endpoints[CONFIG_MAX_ENDPOINTS];
	uint32_t nendpoints;
	struct conf_root roots[CONFIG_MAX_ROOTS]; /* per-address roots, in file order */
	uint32_t nroots;
	uint32_t queues;	       /* workers, one per RX queue from 0; 0 = every queue */
	struct conf_cpus cpus;	       /* --cpus; n == 0: round robin */
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
	bool syn_in_xdp;	  /* --syn-in-xdp: the steering program answers SYNs */
	uint32_t busy_poll_us; /* --busy-poll: a worker polls its queue this long before sleeping */
	enum log_level log_level;
	char user[64];			  /* --user: the workers read files as this user */
	char access_log[PATH_MAX];	  /* --access-log: a path, "journal", or "" (off) */
	int access_log_format;		  /* --access-log-format: enum access_log_format */
	struct http_resolve_config files; /* --index, --serve-dotfiles, --precompressed */
	bool check_only;		  /* --check: validate, print, exit */
	int32_t origin[CONF_OPTIONS_MAX]; /* per table entry: default, flag or file line */
	char control_socket[108];	  /* "": CONF_RUNTIME_DIR/IFACE.sock; "off": none */
	char metrics_listen[64];	  /* ADDR:PORT of /metrics; "": none */
};

#define CONF_RUNTIME_DIR "/run/xdpserve"

/*
 * Where problems go: one line each, "FILE:LINE: what — what to do" or
 * "--flag: what — what to do". `line` NULL: stderr. `problems` counts them.
 */
struct conf_report {
	void (*line)(void *arg, const char *text);
	void *arg;
	unsigned int problems;
	bool running; /* a reload: skip what only creating the UMEM needs (memlock) */
};

/*
 * Fill *cfg from defaults, the file named by --config, then the flags of
 * argv. Returns 0, 1 when --help or --version was answered (exit 0), or
 * -EINVAL after reporting every problem found to `r` (NULL: stderr).
 */
int conf_load(struct xdpserve_config *cfg, int argc, char **argv, struct conf_report *r);

/* conf_load() reporting to stderr. */
int conf_parse_args(struct xdpserve_config *cfg, int argc, char **argv);

/*
 * Report a problem at the place option `name` (a table key) got its value
 * in cfg: "FILE:LINE: ", "--name: ", or, for a default, "--name (default): ".
 */
void conf_problem(struct conf_report *r, const struct xdpserve_config *cfg, const char *name,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Report a problem at an explicit origin (CONF_FROM_FLAG or a file line). */
void conf_problem_at(struct conf_report *r, const struct xdpserve_config *cfg, int32_t origin,
		     const char *flag, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* What the checks found out about the machine, for the daemon's set-up. */
struct conf_facts {
	uint32_t mtu;
	uint32_t nqueues;	       /* workers to start */
	uint32_t nic_queues;	       /* RX queues of the interface */
	uint32_t fill_frames;	       /* per partition: fill ring / RX */
	uint32_t tx_frames;	       /* per partition: TX headers */
	uint32_t frames_per_partition; /* fill + tx + this worker's cache share */
	uint64_t umem_bytes;	       /* the UMEM this configuration needs */
};

/*
 * The checks of --check, also run at start and on reload: the roots are
 * directories, the interface exists, its MTU fits a frame, the queues fit
 * the NIC, RLIMIT_MEMLOCK holds the UMEM, the cache fits memory, the BPF
 * object opens. Nothing is attached or changed. Returns the number of
 * problems (each reported to r); fills *facts when not NULL.
 */
unsigned int conf_check(const struct xdpserve_config *cfg, struct conf_report *r,
			struct conf_facts *facts);

/*
 * Which table keys differ between `old` and `cfg`: calls fn for each, with
 * whether the table says it can change on reload. Returns the count.
 */
unsigned int conf_diff(const struct xdpserve_config *old, const struct xdpserve_config *cfg,
		       void (*fn)(void *arg, const char *name, bool reloadable), void *arg);
/* Copy into cfg the values of old for every key that cannot change on reload. */
void conf_keep_restart_only(struct xdpserve_config *cfg, const struct xdpserve_config *old);

/* The document root for a connection to local (family, addr, port). */
const char *conf_root_for(const struct xdpserve_config *cfg, uint8_t family, const uint8_t *addr,
			  uint16_t port);

/* "64M", "1G", "4096", "512K" -> bytes; -EINVAL otherwise. */
int conf_parse_size(const char *text, uint64_t *out);

/* --help text, from the table. */
void conf_usage(FILE *out);
/*
 * The key reference from the table: "md" (docs/configuration.md's section
 * between its markers) or "man" (the KEYS section of xdpserve.conf(5)).
 * 0, or -EINVAL for another format.
 */
int conf_write_reference(FILE *out, const char *format);

#endif /* XDPSERVE_CONF_H */
