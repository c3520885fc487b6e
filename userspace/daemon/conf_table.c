// SPDX-License-Identifier: GPL-2.0-only
/*
 * conf_table.c — every option of xdpserved, once: its flag (= its config
 * file key), type, default, help text, field of struct xdpserve_config, and
 * whether a reload applies it. The flags (getopt_long), the file keys,
 * --help, docs/configuration.md and xdpserve.conf(5) all come from here.
 *
 * Called by conf.c (parse), conf_check.c (where a value came from) and the
 * reference writer (tools/conf-reference, the doc test).
 */
#include "daemon/conf_int.h"
#include "daemon/metrics.h"
#include "tcp/cc.h"
#include "daemon/access_log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define FIELD(f)	offsetof(struct xdpserve_config, f), sizeof(((struct xdpserve_config *)0)->f)
#define FIELD_MEMBER(f) offsetof(struct xdpserve_config, f), 0

static void *conf_field(const struct conf_option *o, struct xdpserve_config *cfg)
{
	return (char *)cfg + o->off;
}

static int conf_parse_u32(const struct conf_option *o, struct xdpserve_config *cfg,
			  const char *text, const char *section, bool first, char *why, size_t len)
{
	char *end;
	unsigned long v;

	(void)section, (void)first;
	errno = 0;
	v = strtoul(text, &end, 10);
	if (*text < '0' || *text > '9' || errno || *end || v < o->min || v > o->max) {
		snprintf(why, len,
			 "wants a whole number from %llu to %llu — give one in that range",
			 (unsigned long long)o->min, (unsigned long long)o->max);
		return -EINVAL;
	}
	*(uint32_t *)conf_field(o, cfg) = (uint32_t)v;
	return 0;
}

static void conf_size_text(uint64_t v, char *buf, size_t len)
{
	if (v && !(v & ((1ull << 30) - 1)))
		snprintf(buf, len, "%lluG", (unsigned long long)(v >> 30));
	else if (v && !(v & ((1ull << 20) - 1)))
		snprintf(buf, len, "%lluM", (unsigned long long)(v >> 20));
	else if (v && !(v & ((1ull << 10) - 1)))
		snprintf(buf, len, "%lluK", (unsigned long long)(v >> 10));
	else
		snprintf(buf, len, "%llu", (unsigned long long)v);
}

static int conf_parse_size_opt(const struct conf_option *o, struct xdpserve_config *cfg,
			       const char *text, const char *section, bool first, char *why,
			       size_t len)
{
	char lo[24], hi[24];
	uint64_t v;

	(void)section, (void)first;
	if (conf_parse_size(text, &v) || v < o->min || v > o->max) {
		conf_size_text(o->min, lo, sizeof(lo));
		conf_size_text(o->max, hi, sizeof(hi));
		snprintf(why, len, "wants a size from %s to %s — write e.g. 512K, 64M or 2G", lo,
			 hi);
		return -EINVAL;
	}
	*(uint64_t *)conf_field(o, cfg) = v;
	return 0;
}

static int conf_parse_bool(const struct conf_option *o, struct xdpserve_config *cfg,
			   const char *text, const char *section, bool first, char *why, size_t len)
{
	static const char *const yes[] = {"yes", "true", "on", "1"}, *const no[] = {"no", "false",
										    "off", "0"};
	bool *field = conf_field(o, cfg);

	(void)section, (void)first;
	for (size_t i = 0; i < 4; i++) {
		if (!strcmp(text, yes[i])) {
			*field = true;
			return 0;
		}
		if (!strcmp(text, no[i])) {
			*field = false;
			return 0;
		}
	}
	snprintf(why, len, "is yes or no — write one of those (or true/false, on/off, 1/0)");
	return -EINVAL;
}

static int conf_parse_string(const struct conf_option *o, struct xdpserve_config *cfg,
			     const char *text, const char *section, bool first, char *why,
			     size_t len)
{
	(void)section, (void)first;
	if (!*text || strlen(text) >= o->size) {
		snprintf(why, len, "wants 1 to %zu bytes — give a shorter value", o->size - 1);
		return -EINVAL;
	}
	strcpy(conf_field(o, cfg), text);
	return 0;
}

static void conf_enum_names(const struct conf_enum_val *v, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	for (; v->name && at < len; v++)
		at += (size_t)snprintf(buf + at, len - at, "%s%s", at ? ", " : "", v->name);
}

static int conf_parse_enum(const struct conf_option *o, struct xdpserve_config *cfg,
			   const char *text, const char *section, bool first, char *why, size_t len)
{
	char names[96];

	(void)section, (void)first;
	for (const struct conf_enum_val *v = o->values; v->name; v++) {
		if (!strcmp(v->name, text)) {
			*(int *)conf_field(o, cfg) = v->value;
			return 0;
		}
	}
	conf_enum_names(o->values, names, sizeof(names));
	snprintf(why, len, "is one of %s — write one of those", names);
	return -EINVAL;
}

static int conf_parse_endpoint(const struct conf_option *o, struct xdpserve_config *cfg,
			       const char *text, const char *section, bool first, char *why,
			       size_t len)
{
	(void)o, (void)section;
	if (first)
		cfg->nendpoints = 0;
	if (cfg->nendpoints == CONFIG_MAX_ENDPOINTS) {
		snprintf(why, len,
			 "more than %d endpoints — serve a prefix instead (198.18.0.0/24:80)",
			 CONFIG_MAX_ENDPOINTS);
		return -EINVAL;
	}
	if (steer_endpoint_parse(text, &cfg->endpoints[cfg->nendpoints])) {
		snprintf(why, len,
			 "is not an endpoint — write 198.18.0.1:80, 198.18.0.0/24:80, [fd00::1]:80 "
			 "or [fd00::/64]:8080");
		return -EINVAL;
	}
	for (uint32_t i = 0; i < cfg->nendpoints; i++) {
		if (!memcmp(&cfg->endpoints[i], &cfg->endpoints[cfg->nendpoints],
			    sizeof(cfg->endpoints[i]))) {
			snprintf(why, len, "is served twice — remove one of them");
			return -EINVAL;
		}
	}
	cfg->nendpoints++;
	return 0;
}

/* "198.18.0.2:80", "198.18.0.2 80", "[fd00::2]:80" or "fd00::2 80": one address and port. */
static int conf_parse_address(const char *text, struct conf_root *r)
{
	struct xdpserve_endpoint_key key;
	char buf[INET6_ADDRSTRLEN + 16];
	const char *sp = strchr(text, ' ');

	if (sp) {
		if (strlen(text) >= sizeof(buf) - 2)
			return -EINVAL;
		if (strchr(text, ':') && strchr(text, ':') < sp)
			snprintf(buf, sizeof(buf), "[%.*s]:%s", (int)(sp - text), text, sp + 1);
		else
			snprintf(buf, sizeof(buf), "%.*s:%s", (int)(sp - text), text, sp + 1);
		text = buf;
	}
	if (steer_endpoint_parse(text, &key))
		return -EINVAL;
	if (key.prefixlen != XDPSERVE_ENDPOINT_FIXED_BITS + (key.family == 4 ? 32u : 128u))
		return -EINVAL; /* a prefix: roots are per address */
	r->family = key.family;
	memcpy(r->addr, key.addr, sizeof(r->addr));
	r->port = ntohs(key.port);
	return 0;
}

static bool conf_root_same_address(const struct conf_root *a, const struct conf_root *b)
{
	return a->family == b->family && a->port == b->port && !memcmp(a->addr, b->addr, 16);
}

static int conf_add_root(struct xdpserve_config *cfg, const struct conf_root *r, const char *dir,
			 char *why, size_t len)
{
	struct conf_root *slot;

	if (!*dir || strlen(dir) >= sizeof(slot->dir)) {
		snprintf(why, len, "wants a directory of 1 to %d bytes — give a shorter path",
			 PATH_MAX - 1);
		return -EINVAL;
	}
	for (uint32_t i = 0; i < cfg->nroots; i++) {
		if (conf_root_same_address(&cfg->roots[i], r)) {
			snprintf(why, len, "gives that address a second root — keep one");
			return -EINVAL;
		}
	}
	if (cfg->nroots == CONFIG_MAX_ROOTS) {
		snprintf(why, len, "more than %d per-address roots — merge some trees",
			 CONFIG_MAX_ROOTS);
		return -EINVAL;
	}
	slot = &cfg->roots[cfg->nroots++];
	*slot = *r;
	strcpy(slot->dir, dir);
	return 0;
}

/*
 * root = DIR (every address), root = ADDR:PORT=DIR, or root = DIR inside
 * a section [ADDR:PORT]. The first root of a source replaces all roots of
 * the sources before it.
 */
static int conf_parse_root(const struct conf_option *o, struct xdpserve_config *cfg,
			   const char *text, const char *section, bool first, char *why, size_t len)
{
	struct conf_root r = {0};
	const char *eq = strchr(text, '=');
	char addr[INET6_ADDRSTRLEN + 16];

	(void)o;
	if (first) {
		cfg->root[0] = '\0';
		cfg->nroots = 0;
	}
	if (section && *section) {
		if (conf_parse_address(section, &r)) {
			snprintf(why, len,
				 "section [%s] is not one address and port — write "
				 "[198.18.0.2:80] or [fd00::2 80]",
				 section);
			return -EINVAL;
		}
		return conf_add_root(cfg, &r, text, why, len);
	}
	if (eq && (size_t)(eq - text) < sizeof(addr)) {
		snprintf(addr, sizeof(addr), "%.*s", (int)(eq - text), text);
		if (!conf_parse_address(addr, &r))
			return conf_add_root(cfg, &r, eq + 1, why, len);
	}
	if (cfg->root[0] && !first) {
		snprintf(why, len, "a second root for every address — give one, or ADDR:PORT=DIR");
		return -EINVAL;
	}
	if (!*text || strlen(text) >= sizeof(cfg->root)) {
		snprintf(why, len, "wants a directory of 1 to %d bytes — give a shorter path",
			 PATH_MAX - 1);
		return -EINVAL;
	}
	strcpy(cfg->root, text);
	return 0;
}

static int conf_parse_index(const struct conf_option *o, struct xdpserve_config *cfg,
			    const char *text, const char *section, bool first, char *why,
			    size_t len)
{
	int err;

	(void)o, (void)section;
	if (first)
		cfg->files.index_is_default = true;
	err = http_resolve_config_add_index(&cfg->files, text);
	if (err == -E2BIG)
		snprintf(why, len, "more than %d index names — keep the ones you use",
			 HTTP_INDEX_NAMES_MAX);
	else if (err)
		snprintf(why, len,
			 "each name must be a file name of 1 to %d bytes, without '/', and not "
			 "\".\" or \"..\" — write e.g. index.html,index.htm",
			 HTTP_INDEX_NAME_MAX);
	return err ? -EINVAL : 0;
}

static int conf_parse_codings(const struct conf_option *o, struct xdpserve_config *cfg,
			      const char *text, const char *section, bool first, char *why,
			      size_t len)
{
	(void)o, (void)section, (void)first;
	if (http_codings_parse(text, &cfg->files.codings)) {
		snprintf(why, len,
			 "is on, off, or a comma-separated list of br, zst and gz — "
			 "write one of those");
		return -EINVAL;
	}
	return 0;
}

/*
 * One CPU number of a list at *p, spaces around it allowed, advancing *p;
 * -1 when there is none or it is too big.
 */
static long conf_cpu_number(const char **p)
{
	char *end;
	long v;

	while (**p == ' ')
		(*p)++;
	if (**p < '0' || **p > '9')
		return -1;
	errno = 0;
	v = strtol(*p, &end, 10);
	for (*p = end; **p == ' ';)
		(*p)++;
	return errno || v >= CONF_MAX_CPUS ? -1 : v;
}

/* Append CPUs lo..hi to out; -EINVAL when one is listed already. */
static int conf_cpus_add(struct conf_cpus *out, long lo, long hi, char *why, size_t len)
{
	for (long c = lo; c <= hi; c++) {
		for (uint16_t i = 0; i < out->n; i++) {
			if (out->cpu[i] == c) {
				snprintf(why, len, "lists CPU %ld twice — give each CPU once", c);
				return -EINVAL;
			}
		}
		out->cpu[out->n++] = (uint16_t)c;
	}
	return 0;
}

int conf_cpus_parse(const char *text, struct conf_cpus *out, char *why, size_t len)
{
	const char *p = text;

	memset(out, 0, sizeof(*out));
	do {
		long lo = conf_cpu_number(&p), hi = lo;

		if (lo >= 0 && *p == '-') {
			p++;
			hi = conf_cpu_number(&p);
		}
		if (lo < 0 || hi < lo || (*p && *p != ',')) {
			snprintf(why, len,
				 "is not a CPU list — write CPU numbers below %d and ranges, "
				 "e.g. 0-3,6 (see lscpu)",
				 CONF_MAX_CPUS);
			return -EINVAL;
		}
		if (conf_cpus_add(out, lo, hi, why, len))
			return -EINVAL;
	} while (*p++ == ',');
	return 0;
}

static int conf_parse_cpus(const struct conf_option *o, struct xdpserve_config *cfg,
			   const char *text, const char *section, bool first, char *why, size_t len)
{
	(void)o, (void)section, (void)first;
	return conf_cpus_parse(text, &cfg->cpus, why, len);
}

/* A congestion control algorithm by name (tcp_cc_find): its ops table. */
static int conf_parse_congestion(const struct conf_option *o, struct xdpserve_config *cfg,
				 const char *text, const char *section, bool first, char *why,
				 size_t len)
{
	const struct tcp_cc_ops *cc = tcp_cc_find(text);

	(void)o, (void)section, (void)first;
	if (!cc) {
		snprintf(why, len, "is cubic or newreno — write one of those");
		return -EINVAL;
	}
	cfg->cc = cc;
	return 0;
}

/* ADDR:PORT for /metrics, checked by the listener's own parser. */
static int conf_parse_metrics_listen(const struct conf_option *o, struct xdpserve_config *cfg,
				     const char *text, const char *section, bool first, char *why,
				     size_t len)
{
	struct sockaddr_storage ss;
	unsigned int sslen;

	if (metrics_parse_listen(text, &ss, &sslen)) {
		snprintf(why, len, "wants ADDR:PORT — write e.g. 127.0.0.1:9464 or [::1]:9464");
		return -EINVAL;
	}
	return conf_parse_string(o, cfg, text, section, first, why, len);
}

/* The access log's target: a path or "journal"; "off" (stored as "") for none. */
static int conf_parse_access_log(const struct conf_option *o, struct xdpserve_config *cfg,
				 const char *text, const char *section, bool first, char *why,
				 size_t len)
{
	if (!strcmp(text, "off")) {
		cfg->access_log[0] = '\0';
		return 0;
	}
	return conf_parse_string(o, cfg, text, section, first, why, len);
}

static const struct conf_enum_val conf_xdp_modes[] = {
	{"auto", STEER_MODE_AUTO}, {"native", STEER_MODE_NATIVE}, {"skb", STEER_MODE_SKB}, {0}};
static const struct conf_enum_val conf_bind_modes[] = {
	{"auto", XSK_BIND_AUTO}, {"copy", XSK_BIND_COPY}, {"zerocopy", XSK_BIND_ZEROCOPY}, {0}};
static const struct conf_enum_val conf_tx_paths[] = {
	{"auto", XSK_TX_AUTO}, {"sg", XSK_TX_SG}, {"copy", XSK_TX_COPY}, {0}};
static const struct conf_enum_val conf_log_levels[] = {{"err", LOG_LEVEL_ERR},
						       {"warn", LOG_LEVEL_WARN},
						       {"info", LOG_LEVEL_INFO},
						       {"debug", LOG_LEVEL_DEBUG},
						       {0}};
static const struct conf_enum_val conf_access_formats[] = {
	{"combined", ACCESS_LOG_COMBINED}, {"json", ACCESS_LOG_JSON}, {0}};

_Static_assert(sizeof(enum steer_mode) == sizeof(int) &&
		       sizeof(enum xsk_bind_mode) == sizeof(int) &&
		       sizeof(enum xsk_tx_path) == sizeof(int) &&
		       sizeof(enum log_level) == sizeof(int),
	       "enum options are stored as int");

#define U32(f, lo, hi) .type = "u32", .parse = conf_parse_u32, FIELD(f), .min = (lo), .max = (hi)
#define SIZE(f, lo, hi)                                                                            \
	.type = "size", .parse = conf_parse_size_opt, FIELD(f), .min = (lo), .max = (hi)
#define ENUM(f, v) .type = "enum", .parse = conf_parse_enum, FIELD(f), .values = (v)
#define STRING(f)  .type = "string", .parse = conf_parse_string, FIELD(f)
#define BOOL(f)	   .type = "bool", .parse = conf_parse_bool, FIELD(f)

/*
 * Adding an option is one entry: a field in struct xdpserve_config, then
 * e.g. {.name = "user", .arg = "NAME", .def = "xdpserve", STRING(user),
 * .help = "..."} (add .flags = CONF_RELOAD if a reload may change it, and
 * an enum_val table for ENUM()), a case in test_conf_file.c's key_cases,
 * and `make update-conf-docs`. The flag, the file key, --help, the docs and
 * the man page follow.
 */
/* clang-format off */
const struct conf_option conf_options[] = {
	/* Where and what to serve. */
	{.name = "config", .arg = "FILE", STRING(config_path), .flags = CONF_FLAG_ONLY,
	 .help = "Read this configuration file first; flags given beside it win over its keys. "
		 "A reload (SIGHUP) reads it again."},
	{.name = "check", BOOL(check_only), .flags = CONF_FLAG_ONLY | CONF_NO_ARG,
	 .help = "Check the configuration and the machine (roots, interface, MTU, queues, "
		 "memlock, BPF object) without attaching anything; print \"configuration OK\" "
		 "or one line per problem, and exit 0 or 1."},
	{.name = "iface", .short_opt = 'i', .arg = "IF", STRING(ifname),
	 .help = "Network interface to attach to. Required."},
	{.name = "addr", .short_opt = 'a', .arg = "ENDPOINT", .type = "endpoint",
	 .parse = conf_parse_endpoint, FIELD_MEMBER(endpoints),
	 .flags = CONF_REPEAT | CONF_RELOAD,
	 .help = "A served endpoint: an address or prefix and a port, IPv4 or IPv6 "
		 "(198.18.0.1:80, 198.18.0.0/24:80, [fd00::1]:80, [fd00::/64]:8080). "
		 "Repeatable; at least one is required. Traffic to anything else stays with "
		 "the kernel.",
	 .doc = "Up to 64. `0.0.0.0/0:80` serves every IPv4 address. A reload adds and removes "
		"endpoints in the steering map without touching established connections."},
	{.name = "root", .short_opt = 'r', .arg = "[ADDR:PORT=]DIR", .type = "root",
	 .parse = conf_parse_root, FIELD_MEMBER(root),
	 .flags = CONF_REPEAT | CONF_RELOAD | CONF_SECTION,
	 .help = "Document root. DIR alone serves every address; ADDR:PORT=DIR (or root = DIR "
		 "in a section [ADDR:PORT]) serves connections to that one local address and "
		 "port from DIR. Repeatable for different addresses; a root for every address "
		 "is required unless each served address has its own.",
	 .doc = "Paths never resolve outside a root: `..` and encoded dots are refused by the "
		"parser, and files are opened with `openat2(RESOLVE_BENEATH)`, so symlinks "
		"cannot leave it either. Only regular files are opened for reading: a FIFO or "
		"device node under the root is looked at through an `O_PATH` descriptor and "
		"answered 403. In the file, a section `[198.18.0.2:80]` (IPv6: `[fd00::2 80]`, "
		"address and port separated by a space) holds `root = DIR` for connections to "
		"that address and port; it must be an address, not a prefix, and an `addr` must "
		"cover it. The first `--root` flag replaces every root of the file. A reload "
		"with a changed root drops the cached objects of the old one; a root reached "
		"through a symlink counts as changed when the link now leads to another "
		"directory (`ln -sfn release-2 current` and reload)."},
	{.name = "index", .arg = "NAMES", .type = "names", .def = "index.html",
	 .parse = conf_parse_index, FIELD_MEMBER(files.index_names),
	 .flags = CONF_REPEAT | CONF_RELOAD,
	 .help = "Index file names for a directory, tried in order; repeatable or "
		 "comma-separated.",
	 .doc = "Up to 8 names of at most 255 bytes, no `/`. The first `index` of the file, and "
		"then the first `--index` flag, replace what came before. A directory with none "
		"of them is 404 (see [Files](#files))."},
	{.name = "serve-dotfiles", BOOL(files.serve_dotfiles), .def = "no",
	 .flags = CONF_NO_ARG | CONF_RELOAD,
	 .help = "Serve names starting with '.' (.git/, .env ...); otherwise they are 404, "
		 "except /.well-known/.",
	 .doc = "Decided on the decoded, normalised path, so `/%2egit/config` is 404 too. In "
		"the file: `serve-dotfiles = yes` (or no, true/false, on/off, 1/0)."},
	{.name = "precompressed", .arg = "CODINGS", .type = "codings", .def = "on",
	 .parse = conf_parse_codings, FIELD(files.codings), .flags = CONF_RELOAD,
	 .help = "Serve FILE.br, FILE.zst or FILE.gz beside FILE to clients that accept them: "
		 "on (br,zst,gz), off, or a comma-separated list of br, zst, gz.",
	 .doc = "See [Files](#files)."},
	/* Workers, memory, the data path. */
	{.name = "queues", .short_opt = 'q', .arg = "N", U32(queues, 1, XDPSERVE_MAX_QUEUES),
	 .def_doc = "every RX queue",
	 .help = "Workers for RX queues 0..N-1, one thread each, at most 64. Default: every "
		 "RX queue of the interface (the first 64 of more).",
	 .doc = "Worker *i* is pinned to the *i*-th allowed CPU (round robin), or to the *i*-th "
		"CPU of `cpus`. Served traffic on queues without a worker passes to the kernel "
		"(logged at start)."},
	{.name = "cpus", .arg = "LIST", .type = "cpu list", .parse = conf_parse_cpus, FIELD(cpus),
	 .def_doc = "round robin over the allowed CPUs",
	 .help = "The CPUs to pin the workers to, in order: worker i runs on the i-th CPU of "
		 "LIST, e.g. 0-3,6.",
	 .doc = "Numbers and ascending ranges, comma-separated, each CPU once. A list shorter "
		"than the queues wraps around (worker *i* on CPU *i* mod its length; a warning at "
		"start); a CPU outside the daemon's allowed set (`taskset`, cpuset, "
		"`CPUAffinity=`) is a problem for `--check`. A change needs a restart."},
	{.name = "cache-size", .short_opt = 'c', .arg = "SIZE", .def = "256M",
	 SIZE(cache_bytes, 1ull << 20, 1ull << 50),
	 .help = "Content cache, pinned memory split evenly over the workers.",
	 .doc = "`K`, `M`, `G` suffixes. Files of any size are served: larger ones stream "
		"through it in chunks. See [Memory](#memory)."},
	{.name = "cache-chunk-size", .arg = "SIZE", .def = "2M",
	 SIZE(cache_chunk_bytes, 64ull << 10, 256ull << 20),
	 .help = "Files larger than this are cached and sent in chunks of it (at most 1/8 of a "
		 "worker's cache).",
	 .doc = "See docs/architecture.md for why 2 MiB."},
	{.name = "max-loads", .arg = "N", .def = "64", U32(max_loads, 1, 65536),
	 .help = "Chunk loads from disk under way at once, per worker.",
	 .doc = "A miss beyond it waits for a slot (a request waits at most 5 s for a slot or "
		"for room, then gets 503 with `Retry-After`)."},
	{.name = "max-conns", .arg = "N", .def = "4096", U32(max_conns, 1, 1u << 20),
	 .help = "Connections per worker.",
	 .doc = "The TCP table and HTTP state, preallocated."},
	{.name = "max-conns-per-source", .arg = "N", .def = "256",
	 U32(max_conns_per_source, 0, 1u << 20), .flags = CONF_RELOAD,
	 .help = "Connections per worker from one IPv4 address or IPv6 /64; 0: no cap.",
	 .doc = "One host can hold a whole IPv6 /64. Past the cap a SYN is answered with RST "
		"(the client sees \"connection refused\" at once). See [Slow and idle "
		"clients](#slow-and-idle-clients)."},
	{.name = "drain-ms", .arg = "MS", .def = "5000", U32(drain_ms, 0, 600000),
	 .flags = CONF_RELOAD,
	 .help = "On SIGTERM, how long established connections get to finish.",
	 .doc = "After it the steering program is detached and the remaining connections "
		"closed."},
	{.name = "header-timeout", .arg = "S", .def = "20", U32(header_timeout_s, 1, 3600),
	 .flags = CONF_RELOAD,
	 .help = "A request head must arrive within S seconds of its first byte.",
	 .doc = "Counted from the head's first byte (from the handshake for a connection's "
		"first request) and not restarted by later bytes; then RST."},
	{.name = "keepalive-timeout", .arg = "S", .def = "15", U32(keepalive_timeout_s, 1, 3600),
	 .flags = CONF_RELOAD,
	 .help = "Close a connection idle for S seconds between requests.",
	 .doc = "Idle means the last answer is all acknowledged; then FIN."},
	{.name = "send-timeout", .arg = "S", .def = "20", U32(send_timeout_s, 1, 3600),
	 .flags = CONF_RELOAD,
	 .help = "While an answer is being sent, every S seconds the client must have taken "
		 "min-send-rate bytes per second.",
	 .doc = "Every S seconds the client must have acknowledged at least min-send-rate × S "
		"bytes (0: at least one byte), else RST."},
	{.name = "min-send-rate", .arg = "B", .def = "256", U32(min_send_rate, 0, 1u << 30),
	 .flags = CONF_RELOAD,
	 .help = "Bytes per second a client must acknowledge while an answer is sent."},
	{.name = "persist-timeout", .arg = "S", .def = "60", U32(persist_timeout_s, 1, 3600),
	 .flags = CONF_RELOAD,
	 .help = "Longest time the client's receive window may stay shut.",
	 .doc = "Zero-window probes are answered, nothing is taken; then RST."},
	{.name = "congestion", .arg = "ALG", .def = "cubic", .type = "enum",
	 .parse = conf_parse_congestion, FIELD(cc),
	 .help = "Congestion control: cubic (RFC 9438, with HyStart++) or newreno (RFC 6582).",
	 .doc = "Both start from a window of 10 segments (RFC 6928); loss is found by RACK-TLP "
		"(RFC 8985) where the client sends SACK. A change needs a restart."},
	{.name = "tcp-retries", .arg = "N", .def = "15", U32(tcp_retries, 1, 255),
	 .help = "Retransmission timeouts in a row before a connection is reset.",
	 .doc = "Like Linux's tcp_retries2: the timeout doubles from the RTT estimate up to 60 s, "
		"so 15 retries give up after about 15 minutes. A change needs a restart."},
	{.name = "negative-ttl-ms", .arg = "MS", .def = "1000", U32(neg_ttl_ms, 1, 3600000),
	 .help = "How long a missing path is answered 404 without looking at the disk again.",
	 .doc = "A file that appears is served at most this late; each worker remembers up to "
		"16384 such paths (256 KiB)."},
	{.name = "mode", .arg = "MODE", .def = "auto", ENUM(xdp_mode, conf_xdp_modes),
	 .help = "XDP attach mode: native (driver), skb (generic), or auto: native, falling "
		 "back to skb."},
	{.name = "bind-mode", .arg = "MODE", .def = "auto", ENUM(bind_mode, conf_bind_modes),
	 .help = "AF_XDP binding: zerocopy, copy, or auto: zero-copy where the driver has it."},
	{.name = "tx-path", .arg = "PATH", .def = "auto", ENUM(tx_path, conf_tx_paths),
	 .help = "Cached payload in TX frames: sg (by reference, multi-buffer), copy (copied "
		 "once), or auto: by reference with zero-copy, copied in copy mode.",
	 .doc = "In copy mode the kernel copies every extra descriptor into a newly allocated "
		"page, which measured about 25% slower than one copy (see docs/performance.md)."},
	{.name = "syn-in-xdp", BOOL(syn_in_xdp), .def = "yes", .flags = CONF_NO_ARG,
	 .help = "Answer SYNs in the XDP program (a SYN cookie, sent back with XDP_TX); no: "
		 "every SYN goes to its worker as before.",
	 .doc = "The program makes the same cookie with the same key as the workers, so the "
		"completing ACK is checked in user space as always. A worker whose table is full, "
		"or that drains, takes its queue's SYNs back (refused with a RST, or dropped). "
		"Per-source limits (`max-conns-per-source`) then apply at the completing ACK, not "
		"the SYN. A SYN with options the program does not parse goes to user space. A "
		"steering program built before this feature answers none. A change needs a "
		"restart. In the file: `syn-in-xdp = no`."},
	{.name = "busy-poll", .arg = "US", .def = "0", U32(busy_poll_us, 0, 1000),
	 .help = "After its last packet a worker polls its queue for US microseconds before "
		 "it sleeps, running the queue's NAPI itself (preferred busy polling); 0: off.",
	 .doc = "The interrupt (or NAPI thread) then stays off while packets keep coming, which "
		"saves a wake-up and a context switch per burst: about 40% of the server CPU per "
		"new connection on the lab bed, little for keep-alive (docs/performance.md). The "
		"price is up to US µs of spinning after every burst, so a lightly loaded server "
		"uses more CPU per request. The daemon sets the interface's "
		"napi_defer_hard_irqs to 2 and gro_flush_timeout to 200 µs while it runs (when "
		"both are 0; values already set are kept) and puts them back at stop; this "
		"deferral holds for the interface's kernel traffic too. Needs kernel 5.11+. A "
		"change needs a restart."},
	{.name = "bpf-obj", .arg = "PATH", .def = XDPSERVE_BPF_OBJ_DIR "/xdpserve.bpf.o",
	 .def_doc = "$(libdir)/bpf/xdpserve.bpf.o",
	 STRING(bpf_obj),
	 .help = "The steering program's object file (the environment variable "
		 "XDPSERVE_BPF_OBJ overrides the default)."},
	{.name = "user", .arg = "NAME", .def = "xdpserve", STRING(user),
	 .help = "Worker threads read files as this user, with no capabilities.",
	 .doc = "When the user does not exist, nobody (with a notice); root is allowed but "
		"warned about. Files the user cannot read are 403 (docs/operations.md, "
		"\"Privileges\"). A change needs a restart."},
	{.name = "access-log", .arg = "TARGET", .def = "off", .type = "string",
	 .parse = conf_parse_access_log, FIELD(access_log),
	 .help = "One line per answer: a file path, journal, or off.",
	 .doc = "Records never make a worker wait: when the logger falls behind they are counted "
		"as dropped. SIGUSR2 reopens the file (logrotate). A change needs a restart."},
	{.name = "access-log-format", .arg = "FORMAT", .def = "combined",
	 ENUM(access_log_format, conf_access_formats),
	 .help = "combined (the combined log format) or json (one object a line).",
	 .doc = "json fields: time, remote_addr, remote_port, method, target, protocol, status, "
		"bytes (body bytes), duration_us (complete request head to answer queued), "
		"referer, user_agent. The target (255 bytes), referer and user agent (127) are "
		"truncated, control bytes escaped. journal lines carry "
		"SYSLOG_IDENTIFIER=xdpserve-access."},
	{.name = "control-socket", .arg = "PATH", STRING(control_socket),
	 .def_doc = "/run/xdpserve/IFACE.sock",
	 .help = "The control socket xdpservectl talks to, or off for none.",
	 .doc = "Mode 0660, group xdpserve when that group exists. A daemon in another network "
		"namespace than PID 1's uses /run/xdpserve/NETNS-IFACE.sock. A change needs a "
		"restart."},
	{.name = "metrics-listen", .arg = "ADDR:PORT", .type = "string",
	 .parse = conf_parse_metrics_listen, FIELD(metrics_listen),
	 .help = "Serve Prometheus metrics at http://ADDR:PORT/metrics (default: off).",
	 .doc = "An ordinary kernel socket served by the main thread; the metric names are in "
		"docs/operations.md, \"Metrics\". A change needs a restart."},
	{.name = "log-level", .short_opt = 'l', .arg = "LEVEL", .def = "info",
	 ENUM(log_level, conf_log_levels), .flags = CONF_RELOAD,
	 .help = "Messages to log: err, warn, info or debug.",
	 .doc = "A reload applies a new level at once."},
	{.name = "help", .short_opt = 'h', .flags = CONF_FLAG_ONLY | CONF_NO_ARG,
	 .help = "Print this text and exit."},
	{.name = "version", .short_opt = 'V', .flags = CONF_FLAG_ONLY | CONF_NO_ARG,
	 .help = "Print the version and exit."},
};
/* clang-format on */

const unsigned int conf_noptions = sizeof(conf_options) / sizeof(conf_options[0]);
_Static_assert(sizeof(conf_options) / sizeof(conf_options[0]) <= CONF_OPTIONS_MAX,
	       "CONF_OPTIONS_MAX holds the table");

const struct conf_option *conf_option_find(const char *name)
{
	for (unsigned int i = 0; i < conf_noptions; i++)
		if (!strcmp(conf_options[i].name, name))
			return &conf_options[i];
	return NULL;
}

unsigned int conf_option_index(const struct conf_option *o)
{
	return (unsigned int)(o - conf_options);
}

/* Write `text` wrapped at `width`, every line after the first indented by `indent`. */
static void conf_wrap(FILE *out, const char *text, int col, int indent, int width)
{
	while (*text) {
		int word = (int)strcspn(text, " ");

		if (col > indent && col + 1 + word > width) {
			fprintf(out, "\n%*s", indent, "");
			col = indent;
		} else if (col > indent) {
			fputc(' ', out);
			col++;
		}
		fprintf(out, "%.*s", word, text);
		col += word;
		text += word;
		while (*text == ' ')
			text++;
	}
	fputc('\n', out);
}

static const char *conf_reload_text(const struct conf_option *o)
{
	return (o->flags & CONF_RELOAD) ? "yes" : "no, needs a restart";
}

void conf_usage(FILE *out)
{
	fprintf(out, "Usage: xdpserved [--config FILE] --iface IF --addr ADDR:PORT [--addr ...] "
		     "--root DIR [options]\n"
		     "\n"
		     "Serve the files under DIR over HTTP/1.1 to the given addresses on IF,\n"
		     "with a user-space TCP/IP stack behind AF_XDP; all other traffic on IF\n"
		     "stays with the kernel. Every option is also a key of the config file\n"
		     "(the name without \"--\"); flags win. See xdpserve.conf(5).\n\n");
	for (unsigned int i = 0; i < conf_noptions; i++) {
		const struct conf_option *o = &conf_options[i];
		char head[64], help[640];
		int n;

		if (o->short_opt)
			n = snprintf(head, sizeof(head), "  -%c, --%s%s%s", o->short_opt, o->name,
				     o->arg ? " " : "", o->arg ? o->arg : "");
		else
			n = snprintf(head, sizeof(head), "      --%s%s%s", o->name,
				     o->arg ? " " : "", o->arg ? o->arg : "");
		snprintf(help, sizeof(help), "%s%s%s%s", o->help, o->def ? " Default: " : "",
			 o->def ? o->def : "", o->def ? "." : "");
		fputs(head, out);
		if (n >= 28) {
			fprintf(out, "\n%*s", 28, "");
			n = 28;
		} else {
			fprintf(out, "%*s", 28 - n, "");
			n = 28;
		}
		conf_wrap(out, help, n, 28, 79);
	}
	fprintf(out, "\nSIGHUP reloads the configuration; SIGTERM/SIGINT drain and detach;\n"
		     "SIGUSR1 logs every worker's counters.\n");
}

static const char *conf_default_text(const struct conf_option *o)
{
	return o->def_doc ? o->def_doc : o->def ? o->def : "none";
}

/* A key the reference lists: every file key, and the flags about the file. */
static bool conf_in_reference(const struct conf_option *o)
{
	return !(o->flags & CONF_FLAG_ONLY) || !strcmp(o->name, "config") ||
	       !strcmp(o->name, "check");
}

static void conf_write_md(FILE *out)
{
	for (unsigned int i = 0; i < conf_noptions; i++) {
		const struct conf_option *o = &conf_options[i];

		if (!conf_in_reference(o))
			continue;
		fprintf(out, "### `%s`\n\n", o->name);
		if (o->flags & CONF_FLAG_ONLY)
			fprintf(out, "Flag only: `--%s%s%s`.", o->name, o->arg ? " " : "",
				o->arg ? o->arg : "");
		else if (o->short_opt)
			fprintf(out, "Flag: `--%s%s%s` (`-%c`).", o->name, o->arg ? " " : "",
				o->arg ? o->arg : "", o->short_opt);
		else
			fprintf(out, "Flag: `--%s%s%s`.", o->name, o->arg ? " " : "",
				o->arg ? o->arg : "");
		if (!(o->flags & CONF_FLAG_ONLY))
			fprintf(out, " Type: %s%s. Default: %s. Reload: %s.", o->type,
				o->flags & CONF_REPEAT ? ", repeatable" : "", conf_default_text(o),
				conf_reload_text(o));
		fprintf(out, "\n\n%s%s%s\n\n", o->help, o->doc ? " " : "", o->doc ? o->doc : "");
	}
}

/*
 * Markdown-ish text to roff: `code` in bold, [text](#anchor) as text,
 * *word* as is; '\' and '-' escaped, a leading '.' or '\'' protected.
 */
static void conf_roff(FILE *out, const char *text)
{
	bool bold = false;

	for (const char *p = text; *p; p++) {
		if (*p == '`') {
			fputs(bold ? "\\fR" : "\\fB", out);
			bold = !bold;
		} else if (*p == '[' && strstr(p, "](#")) {
			continue;
		} else if (*p == ']' && !strncmp(p, "](#", 3)) {
			p = strchr(p, ')');
			if (!p)
				return;
		} else if (*p == '*') {
			continue;
		} else if (*p == '\\') {
			fputs("\\e", out);
		} else if (*p == '-') {
			fputs("\\-", out);
		} else if ((*p == '.' || *p == '\'') && p == text) {
			fprintf(out, "\\&%c", *p);
		} else {
			fputc(*p, out);
		}
	}
}

static void conf_write_man(FILE *out)
{
	for (unsigned int i = 0; i < conf_noptions; i++) {
		const struct conf_option *o = &conf_options[i];

		if (o->flags & CONF_FLAG_ONLY)
			continue;
		fputs(".TP\n.B ", out);
		conf_roff(out, o->name);
		fputs("\n", out);
		conf_roff(out, o->help);
		if (o->doc) {
			fputs(" ", out);
			conf_roff(out, o->doc);
		}
		fputs("\n.br\nFlag: \\fB\\-\\-", out);
		conf_roff(out, o->name);
		fputs("\\fR", out);
		if (o->arg) {
			fputs(" \\fI", out);
			conf_roff(out, o->arg);
			fputs("\\fR", out);
		}
		fputs(". Type: ", out);
		conf_roff(out, o->type);
		fputs(o->flags & CONF_REPEAT ? ", repeatable" : "", out);
		fputs(". Default: ", out);
		conf_roff(out, conf_default_text(o));
		fputs(". Reload: ", out);
		conf_roff(out, conf_reload_text(o));
		fputs(".\n", out);
	}
}

int conf_write_reference(FILE *out, const char *format)
{
	if (!strcmp(format, "md"))
		conf_write_md(out);
	else if (!strcmp(format, "man"))
		conf_write_man(out);
	else
		return -EINVAL;
	return 0;
}
