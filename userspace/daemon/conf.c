// SPDX-License-Identifier: GPL-2.0-only
/*
 * conf.c — command-line options of xdpserved. Called once by main()
 * before anything is set up; every error names the option and what to do.
 */
#include "daemon/conf.h"

#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcp/cc.h"
#include "tcp/tcp.h"

#define DEFAULT_CACHE_BYTES (256ull << 20)
#define DEFAULT_MAX_CONNS   4096
#define DEFAULT_DRAIN_MS    5000
/* Why these: docs/configuration.md, "Slow and idle clients". */
#define DEFAULT_HEADER_TIMEOUT_S     20
#define DEFAULT_KEEPALIVE_TIMEOUT_S  15
#define DEFAULT_SEND_TIMEOUT_S	     20
#define DEFAULT_MIN_SEND_RATE	     256
#define DEFAULT_PERSIST_TIMEOUT_S    60
#define DEFAULT_MAX_CONNS_PER_SOURCE 256
#define DEFAULT_NEG_TTL_MS	     1000
#define DEFAULT_CHUNK_BYTES	     (2u << 20)
#define DEFAULT_MAX_LOADS	     64

static void conf_usage(FILE *out)
{
	fprintf(out,
		"Usage: xdpserved --iface IF --addr ADDR:PORT [--addr ...] --root DIR [options]\n"
		"\n"
		"Serve the files under DIR over HTTP/1.1 to the given addresses on IF,\n"
		"with a user-space TCP/IP stack behind AF_XDP; all other traffic on IF\n"
		"stays with the kernel.\n"
		"\n"
		"  -i, --iface IF          network interface to attach to\n"
		"  -a, --addr ENDPOINT     served endpoint, repeatable: 198.18.0.1:80,\n"
		"                          198.18.0.0/24:80, [fd00::1]:80, [fd00::/64]:8080\n"
		"  -r, --root DIR          document root\n"
		"  -q, --queues N          workers for RX queues 0..N-1 (default: every queue)\n"
		"  -c, --cache-size SIZE   content cache, split over the workers (default 256M)\n"
		"      --cache-chunk-size SIZE  files larger than this are cached and sent\n"
		"                          in chunks of it (default 2M; at most 1/8 of a\n"
		"                          worker's cache)\n"
		"      --max-loads N       chunk loads under way per worker (default %u)\n"
		"      --max-conns N       connections per worker (default %u)\n"
		"      --max-conns-per-source N  connections per worker from one IPv4\n"
		"                          address or IPv6 /64; 0: no cap (default %u)\n"
		"      --drain-ms MS       on SIGTERM, time connections get to finish (default "
		"%u)\n"
		"      --header-timeout S  a request head must arrive within S seconds of its\n"
		"                          first byte (default %u)\n"
		"      --keepalive-timeout S  close a connection idle between requests (default\n"
		"                          %u)\n"
		"      --send-timeout S    while an answer is being sent, every S seconds ...\n"
		"      --min-send-rate B   ... the client must take B bytes/s (defaults %u, %u)\n"
		"      --persist-timeout S longest the client's window may stay shut (default %u)\n"
		"      --congestion ALG    congestion control: cubic or newreno (default cubic)\n"
		"      --tcp-retries N     retransmission timeouts in a row before a connection\n"
		"                          is reset (default %u)\n"
		"      --negative-ttl-ms MS  how long a missing path is answered 404 without\n"
		"                          looking at the disk again (default %u)\n"
		"      --mode MODE         XDP attach mode: auto, native or skb (default auto)\n"
		"      --bind-mode MODE    auto, copy or zerocopy AF_XDP binding (default auto)\n"
		"      --tx-path PATH      cached payload in TX frames: sg (by reference,\n"
		"                          multi-buffer), copy (copied once), or auto: by\n"
		"                          reference with zero-copy, copied in copy mode\n"
		"      --index NAMES       index file names for a directory, tried in order;\n"
		"                          repeatable or comma-separated (default index.html)\n"
		"      --serve-dotfiles    serve names starting with '.' (.git/, .env ...);\n"
		"                          by default they are 404, except /.well-known/\n"
		"      --precompressed CODINGS\n"
		"                          serve FILE.br, FILE.zst or FILE.gz beside FILE to\n"
		"                          clients that accept them: on (br,zst,gz), off, or\n"
		"                          a comma-separated list of br, zst, gz (default on)\n"
		"      --bpf-obj PATH      steering program object (default %s)\n"
		"  -l, --log-level LEVEL   err, warn, info or debug (default info)\n"
		"  -h, --help              this text\n"
		"  -V, --version           the version\n"
		"\n"
		"SIGTERM/SIGINT drain and detach; SIGUSR1 logs every worker's counters.\n",
		DEFAULT_MAX_LOADS, DEFAULT_MAX_CONNS, DEFAULT_MAX_CONNS_PER_SOURCE,
		DEFAULT_DRAIN_MS, DEFAULT_HEADER_TIMEOUT_S, DEFAULT_KEEPALIVE_TIMEOUT_S,
		DEFAULT_SEND_TIMEOUT_S, DEFAULT_MIN_SEND_RATE, DEFAULT_PERSIST_TIMEOUT_S,
		TCP_RETRIES_DEFAULT, DEFAULT_NEG_TTL_MS, XDPSERVE_BPF_OBJ_DIR "/xdpserve.bpf.o");
}

int conf_parse_size(const char *text, uint64_t *out)
{
	char *end;
	unsigned long long v;
	unsigned int shift = 0;

	if (*text < '0' || *text > '9') /* strtoull would take "-1" and " 1" */
		return -EINVAL;
	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno || end == text)
		return -EINVAL;
	switch (*end) {
	case 'k':
	case 'K':
		shift = 10;
		end++;
		break;
	case 'm':
	case 'M':
		shift = 20;
		end++;
		break;
	case 'g':
	case 'G':
		shift = 30;
		end++;
		break;
	default:
		break;
	}
	if (*end || (shift && v > (UINT64_MAX >> shift)))
		return -EINVAL;
	*out = (uint64_t)v << shift;
	return 0;
}

static int parse_u32(const char *opt, const char *text, uint32_t min, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno || end == text || *end || v < min || v > max) {
		fprintf(stderr, "xdpserved: %s wants a number from %u to %u, not \"%s\"\n", opt,
			min, max, text);
		return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

static void conf_defaults(struct xdpserve_config *cfg)
{
	const char *obj = getenv("XDPSERVE_BPF_OBJ");

	memset(cfg, 0, sizeof(*cfg));
	cfg->cache_bytes = DEFAULT_CACHE_BYTES;
	cfg->cache_chunk_bytes = DEFAULT_CHUNK_BYTES;
	cfg->max_loads = DEFAULT_MAX_LOADS;
	cfg->max_conns = DEFAULT_MAX_CONNS;
	cfg->max_conns_per_source = DEFAULT_MAX_CONNS_PER_SOURCE;
	cfg->drain_ms = DEFAULT_DRAIN_MS;
	cfg->header_timeout_s = DEFAULT_HEADER_TIMEOUT_S;
	cfg->keepalive_timeout_s = DEFAULT_KEEPALIVE_TIMEOUT_S;
	cfg->send_timeout_s = DEFAULT_SEND_TIMEOUT_S;
	cfg->min_send_rate = DEFAULT_MIN_SEND_RATE;
	cfg->persist_timeout_s = DEFAULT_PERSIST_TIMEOUT_S;
	cfg->cc = &tcp_cc_cubic;
	cfg->tcp_retries = TCP_RETRIES_DEFAULT;
	cfg->neg_ttl_ms = DEFAULT_NEG_TTL_MS;
	cfg->xdp_mode = STEER_MODE_AUTO;
	cfg->bind_mode = XSK_BIND_AUTO;
	cfg->log_level = LOG_LEVEL_INFO;
	http_resolve_config_default(&cfg->files);
	snprintf(cfg->bpf_obj, sizeof(cfg->bpf_obj), "%s",
		 obj && *obj ? obj : XDPSERVE_BPF_OBJ_DIR "/xdpserve.bpf.o");
}

enum {
	OPT_MAX_CONNS = 256,
	OPT_DRAIN_MS,
	OPT_XDP_MODE,
	OPT_BIND_MODE,
	OPT_TX_PATH,
	OPT_BPF_OBJ,
	OPT_HEADER_TIMEOUT,
	OPT_KEEPALIVE_TIMEOUT,
	OPT_SEND_TIMEOUT,
	OPT_MIN_SEND_RATE,
	OPT_PERSIST_TIMEOUT,
	OPT_MAX_CONNS_PER_SOURCE,
	OPT_INDEX,
	OPT_SERVE_DOTFILES,
	OPT_PRECOMPRESSED,
	OPT_NEG_TTL_MS,
	OPT_CHUNK_SIZE,
	OPT_MAX_LOADS,
	OPT_CONGESTION,
	OPT_TCP_RETRIES,
};

/* Numeric options: the flag, its field, its range. */
#define U32_OPTION(id, name, field, min, max)                                                      \
	{                                                                                          \
		id, name, offsetof(struct xdpserve_config, field), min, max                        \
	}
static const struct conf_u32_option {
	int id;
	const char *name;
	size_t off;
	uint32_t min, max;
} conf_u32_options[] = {
	U32_OPTION('q', "--queues", queues, 1, XDPSERVE_MAX_QUEUES),
	U32_OPTION(OPT_MAX_CONNS, "--max-conns", max_conns, 1, 1u << 20),
	U32_OPTION(OPT_MAX_CONNS_PER_SOURCE, "--max-conns-per-source", max_conns_per_source, 0,
		   1u << 20),
	U32_OPTION(OPT_DRAIN_MS, "--drain-ms", drain_ms, 0, 600000),
	U32_OPTION(OPT_MAX_LOADS, "--max-loads", max_loads, 1, 65536),
	U32_OPTION(OPT_NEG_TTL_MS, "--negative-ttl-ms", neg_ttl_ms, 1, 3600000),
	U32_OPTION(OPT_HEADER_TIMEOUT, "--header-timeout", header_timeout_s, 1, 3600),
	U32_OPTION(OPT_KEEPALIVE_TIMEOUT, "--keepalive-timeout", keepalive_timeout_s, 1, 3600),
	U32_OPTION(OPT_SEND_TIMEOUT, "--send-timeout", send_timeout_s, 1, 3600),
	U32_OPTION(OPT_MIN_SEND_RATE, "--min-send-rate", min_send_rate, 0, 1u << 30),
	U32_OPTION(OPT_PERSIST_TIMEOUT, "--persist-timeout", persist_timeout_s, 1, 3600),
	U32_OPTION(OPT_TCP_RETRIES, "--tcp-retries", tcp_retries, 1, 255),
};

/* 1 if c is none of the table's options, else 0 or -EINVAL. */
static int conf_parse_u32_option(struct xdpserve_config *cfg, int c, const char *text)
{
	for (size_t i = 0; i < sizeof(conf_u32_options) / sizeof(conf_u32_options[0]); i++) {
		const struct conf_u32_option *o = &conf_u32_options[i];

		if (o->id == c)
			return parse_u32(o->name, text, o->min, o->max,
					 (uint32_t *)((char *)cfg + o->off));
	}
	return 1;
}

static int copy_string(const char *opt, char *dst, size_t size, const char *src)
{
	if (strlen(src) >= size) {
		fprintf(stderr, "xdpserved: %s value is too long\n", opt);
		return -EINVAL;
	}
	strcpy(dst, src);
	return 0;
}

static int parse_bind_mode(const char *text, enum xsk_bind_mode *out)
{
	if (!strcmp(text, "auto"))
		*out = XSK_BIND_AUTO;
	else if (!strcmp(text, "copy"))
		*out = XSK_BIND_COPY;
	else if (!strcmp(text, "zerocopy"))
		*out = XSK_BIND_ZEROCOPY;
	else
		return -EINVAL;
	return 0;
}

static int parse_tx_path(const char *text, enum xsk_tx_path *out)
{
	if (!strcmp(text, "auto"))
		*out = XSK_TX_AUTO;
	else if (!strcmp(text, "sg"))
		*out = XSK_TX_SG;
	else if (!strcmp(text, "copy"))
		*out = XSK_TX_COPY;
	else
		return -EINVAL;
	return 0;
}

static int parse_index(const char *text, struct http_resolve_config *files)
{
	int err = http_resolve_config_add_index(files, text);

	if (err == -E2BIG)
		fprintf(stderr, "xdpserved: at most %d --index names\n", HTTP_INDEX_NAMES_MAX);
	else if (err)
		fprintf(stderr,
			"xdpserved: --index \"%s\": each name must be a file name of 1 to %d "
			"bytes, without '/', and not \".\" or \"..\"\n",
			text, HTTP_INDEX_NAME_MAX);
	return err;
}

int conf_parse_args(struct xdpserve_config *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{"iface", required_argument, NULL, 'i'},
		{"addr", required_argument, NULL, 'a'},
		{"root", required_argument, NULL, 'r'},
		{"queues", required_argument, NULL, 'q'},
		{"cache-size", required_argument, NULL, 'c'},
		{"cache-chunk-size", required_argument, NULL, OPT_CHUNK_SIZE},
		{"max-loads", required_argument, NULL, OPT_MAX_LOADS},
		{"max-conns", required_argument, NULL, OPT_MAX_CONNS},
		{"drain-ms", required_argument, NULL, OPT_DRAIN_MS},
		{"mode", required_argument, NULL, OPT_XDP_MODE},
		{"bind-mode", required_argument, NULL, OPT_BIND_MODE},
		{"tx-path", required_argument, NULL, OPT_TX_PATH},
		{"bpf-obj", required_argument, NULL, OPT_BPF_OBJ},
		{"header-timeout", required_argument, NULL, OPT_HEADER_TIMEOUT},
		{"keepalive-timeout", required_argument, NULL, OPT_KEEPALIVE_TIMEOUT},
		{"send-timeout", required_argument, NULL, OPT_SEND_TIMEOUT},
		{"min-send-rate", required_argument, NULL, OPT_MIN_SEND_RATE},
		{"persist-timeout", required_argument, NULL, OPT_PERSIST_TIMEOUT},
		{"max-conns-per-source", required_argument, NULL, OPT_MAX_CONNS_PER_SOURCE},
		{"index", required_argument, NULL, OPT_INDEX},
		{"serve-dotfiles", no_argument, NULL, OPT_SERVE_DOTFILES},
		{"precompressed", required_argument, NULL, OPT_PRECOMPRESSED},
		{"negative-ttl-ms", required_argument, NULL, OPT_NEG_TTL_MS},
		{"congestion", required_argument, NULL, OPT_CONGESTION},
		{"tcp-retries", required_argument, NULL, OPT_TCP_RETRIES},
		{"log-level", required_argument, NULL, 'l'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{0},
	};
	int c, err;

	conf_defaults(cfg);
	/*
	 * 0, not 1: glibc then forgets where it was inside the previous argv
	 * (a cluster like "-hV" left half read), which a second parse would
	 * otherwise read after its owner freed it.
	 */
	optind = 0;
	while ((c = getopt_long(argc, argv, "i:a:r:q:c:l:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (copy_string("--iface", cfg->ifname, sizeof(cfg->ifname), optarg))
				return -EINVAL;
			break;
		case 'a':
			if (cfg->nendpoints == CONFIG_MAX_ENDPOINTS) {
				fprintf(stderr, "xdpserved: at most %d --addr\n",
					CONFIG_MAX_ENDPOINTS);
				return -EINVAL;
			}
			if (steer_endpoint_parse(optarg, &cfg->endpoints[cfg->nendpoints])) {
				fprintf(stderr,
					"xdpserved: --addr \"%s\" is not an endpoint; write "
					"198.18.0.1:80, 198.18.0.0/24:80 or [fd00::1]:80\n",
					optarg);
				return -EINVAL;
			}
			cfg->nendpoints++;
			break;
		case 'r':
			if (copy_string("--root", cfg->root, sizeof(cfg->root), optarg))
				return -EINVAL;
			break;
		case 'c':
			if (conf_parse_size(optarg, &cfg->cache_bytes) ||
			    cfg->cache_bytes < (1u << 20)) {
				fprintf(stderr,
					"xdpserved: --cache-size wants a size of at least 1M "
					"(e.g. 512M, 2G), not \"%s\"\n",
					optarg);
				return -EINVAL;
			}
			break;
		case OPT_CHUNK_SIZE:
			if (conf_parse_size(optarg, &cfg->cache_chunk_bytes) ||
			    cfg->cache_chunk_bytes < (64u << 10) ||
			    cfg->cache_chunk_bytes > (256u << 20)) {
				fprintf(stderr,
					"xdpserved: --cache-chunk-size wants a size from "
					"64K to 256M (e.g. 2M), not \"%s\"\n",
					optarg);
				return -EINVAL;
			}
			break;
		case OPT_XDP_MODE:
			if (steer_mode_parse(optarg, &cfg->xdp_mode)) {
				fprintf(stderr, "xdpserved: --mode is auto, native or skb\n");
				return -EINVAL;
			}
			break;
		case OPT_BIND_MODE:
			if (parse_bind_mode(optarg, &cfg->bind_mode)) {
				fprintf(stderr,
					"xdpserved: --bind-mode is auto, copy or zerocopy\n");
				return -EINVAL;
			}
			break;
		case OPT_TX_PATH:
			if (parse_tx_path(optarg, &cfg->tx_path)) {
				fprintf(stderr, "xdpserved: --tx-path is auto, sg or copy\n");
				return -EINVAL;
			}
			break;
		case OPT_BPF_OBJ:
			if (copy_string("--bpf-obj", cfg->bpf_obj, sizeof(cfg->bpf_obj), optarg))
				return -EINVAL;
			break;
		case OPT_INDEX:
			if (parse_index(optarg, &cfg->files))
				return -EINVAL;
			break;
		case OPT_SERVE_DOTFILES:
			cfg->files.serve_dotfiles = true;
			break;
		case OPT_PRECOMPRESSED:
			if (http_codings_parse(optarg, &cfg->files.codings)) {
				fprintf(stderr, "xdpserved: --precompressed is on, off, or a "
						"comma-separated list of br, zst and gz\n");
				return -EINVAL;
			}
			break;
		case OPT_CONGESTION:
			cfg->cc = tcp_cc_find(optarg);
			if (!cfg->cc) {
				fprintf(stderr, "xdpserved: --congestion is cubic or newreno\n");
				return -EINVAL;
			}
			break;
		case 'l':
			if (log_level_parse(optarg, &cfg->log_level)) {
				fprintf(stderr,
					"xdpserved: --log-level is err, warn, info or debug\n");
				return -EINVAL;
			}
			break;
		case 'h':
			conf_usage(stdout);
			return 1;
		case 'V':
			printf("xdpserved %s\n", PACKAGE_VERSION);
			return 1;
		default:
			err = conf_parse_u32_option(cfg, c, optarg);
			if (err == 0)
				break;
			if (err < 0)
				return err;
			conf_usage(stderr);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "xdpserved: unexpected argument \"%s\"; see --help\n",
			argv[optind]);
		return -EINVAL;
	}
	if (!cfg->ifname[0] || !cfg->root[0] || !cfg->nendpoints) {
		fprintf(stderr, "xdpserved: --iface, --root and at least one --addr are needed; "
				"see --help\n");
		return -EINVAL;
	}
	return 0;
}
