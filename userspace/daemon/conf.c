// SPDX-License-Identifier: GPL-2.0-only
/*
 * conf.c — command-line options of xdpserved. Called once by main()
 * before anything is set up; every error names the option and what to do.
 */
#include "daemon/conf.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_CACHE_BYTES (256ull << 20)
#define DEFAULT_MAX_CONNS   4096
#define DEFAULT_DRAIN_MS    5000

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
		"      --max-conns N       connections per worker (default %u)\n"
		"      --drain-ms MS       on SIGTERM, time connections get to finish (default "
		"%u)\n"
		"      --mode MODE         XDP attach mode: auto, native or skb (default auto)\n"
		"      --bind-mode MODE    auto, copy or zerocopy AF_XDP binding (default auto)\n"
		"      --tx-path PATH      cached payload in TX frames: sg (by reference,\n"
		"                          multi-buffer), copy (copied once), or auto: by\n"
		"                          reference with zero-copy, copied in copy mode\n"
		"      --bpf-obj PATH      steering program object (default %s)\n"
		"  -l, --log-level LEVEL   err, warn, info or debug (default info)\n"
		"  -h, --help              this text\n"
		"  -V, --version           the version\n"
		"\n"
		"SIGTERM/SIGINT drain and detach; SIGUSR1 logs every worker's counters.\n",
		DEFAULT_MAX_CONNS, DEFAULT_DRAIN_MS, XDPSERVE_BPF_OBJ_DIR "/xdpserve.bpf.o");
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
	cfg->max_conns = DEFAULT_MAX_CONNS;
	cfg->drain_ms = DEFAULT_DRAIN_MS;
	cfg->xdp_mode = STEER_MODE_AUTO;
	cfg->bind_mode = XSK_BIND_AUTO;
	cfg->log_level = LOG_LEVEL_INFO;
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
};

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

int conf_parse_args(struct xdpserve_config *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{"iface", required_argument, NULL, 'i'},
		{"addr", required_argument, NULL, 'a'},
		{"root", required_argument, NULL, 'r'},
		{"queues", required_argument, NULL, 'q'},
		{"cache-size", required_argument, NULL, 'c'},
		{"max-conns", required_argument, NULL, OPT_MAX_CONNS},
		{"drain-ms", required_argument, NULL, OPT_DRAIN_MS},
		{"mode", required_argument, NULL, OPT_XDP_MODE},
		{"bind-mode", required_argument, NULL, OPT_BIND_MODE},
		{"tx-path", required_argument, NULL, OPT_TX_PATH},
		{"bpf-obj", required_argument, NULL, OPT_BPF_OBJ},
		{"log-level", required_argument, NULL, 'l'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{0},
	};
	int c;

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
		case 'q':
			if (parse_u32("--queues", optarg, 1, XDPSERVE_MAX_QUEUES, &cfg->queues))
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
		case OPT_MAX_CONNS:
			if (parse_u32("--max-conns", optarg, 1, 1u << 20, &cfg->max_conns))
				return -EINVAL;
			break;
		case OPT_DRAIN_MS:
			if (parse_u32("--drain-ms", optarg, 0, 600000, &cfg->drain_ms))
				return -EINVAL;
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
