// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests for daemon/conf.c: xdpserved's command line. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include <errno.h>
#include <string.h>

#include "daemon/conf.h"
#include "tcp/cc.h"
#include "tcp/tcp.h"

#define ARGV(...)	((char *[]){"xdpserved", __VA_ARGS__, NULL})
#define ARGC(...)	((int)(sizeof((char *[]){"xdpserved", __VA_ARGS__}) / sizeof(char *)))
#define PARSE(cfg, ...) conf_parse_args((cfg), ARGC(__VA_ARGS__), ARGV(__VA_ARGS__))

static struct xdpserve_config cfg;

static void quiet(void)
{
	cr_redirect_stderr();
	cr_redirect_stdout();
}

Test(conf, minimal_command_line_and_defaults, .init = quiet)
{
	cr_assert_eq(PARSE(&cfg, "--iface", "veth0", "--addr", "198.18.0.1:80", "--root", "/srv"),
		     0);
	cr_assert_str_eq(cfg.ifname, "veth0");
	cr_assert_str_eq(cfg.root, "/srv");
	cr_assert_eq(cfg.nendpoints, 1);
	cr_assert_eq(cfg.endpoints[0].family, 4);
	cr_assert_eq(cfg.queues, 0, "every queue by default");
	cr_assert_eq(cfg.cache_bytes, 256ull << 20);
	cr_assert_eq(cfg.xdp_mode, STEER_MODE_AUTO);
	cr_assert_eq(cfg.bind_mode, XSK_BIND_AUTO);
	cr_assert_eq(cfg.tx_path, XSK_TX_AUTO);
}

Test(conf, every_option, .init = quiet)
{
	cr_assert_eq(PARSE(&cfg, "-i", "eth1", "-a", "198.18.0.0/24:8080", "-a", "[fd00::1]:80",
			   "-r", "/var/www", "-q", "2", "-c", "1G", "--max-conns", "100",
			   "--drain-ms", "0", "--mode", "skb", "--bind-mode", "copy", "--tx-path",
			   "copy", "--bpf-obj", "/x.o", "-l", "debug"),
		     0);
	cr_assert_eq(cfg.nendpoints, 2);
	cr_assert_eq(cfg.endpoints[1].family, 6);
	cr_assert_eq(cfg.queues, 2);
	cr_assert_eq(cfg.cache_bytes, 1ull << 30);
	cr_assert_eq(cfg.max_conns, 100);
	cr_assert_eq(cfg.drain_ms, 0);
	cr_assert_eq(cfg.xdp_mode, STEER_MODE_SKB);
	cr_assert_eq(cfg.bind_mode, XSK_BIND_COPY);
	cr_assert_eq(cfg.tx_path, XSK_TX_COPY);
	cr_assert_str_eq(cfg.bpf_obj, "/x.o");
	cr_assert_eq(cfg.log_level, LOG_LEVEL_DEBUG);
}

Test(conf, help_and_version_answer_and_stop, .init = quiet)
{
	cr_assert_eq(PARSE(&cfg, "--help"), 1);
	cr_assert_eq(PARSE(&cfg, "-V"), 1);
}

Test(conf, refuses_bad_input, .init = quiet)
{
	cr_assert_eq(PARSE(&cfg, "--iface", "veth0"), -EINVAL, "root and addr missing");
	cr_assert_eq(PARSE(&cfg, "-i", "v", "-r", "/", "-a", "198.18.0.1"), -EINVAL, "no port");
	cr_assert_eq(PARSE(&cfg, "-i", "v", "-r", "/", "-a", "x:80"), -EINVAL);
	cr_assert_eq(PARSE(&cfg, "-i", "v", "-r", "/", "-a", "198.18.0.1:80", "-q", "0"), -EINVAL);
	cr_assert_eq(PARSE(&cfg, "-i", "v", "-r", "/", "-a", "198.18.0.1:80", "-q", "65"), -EINVAL);
	cr_assert_eq(PARSE(&cfg, "-i", "v", "-r", "/", "-a", "198.18.0.1:80", "-c", "10K"), -EINVAL,
		     "a cache under 1M");
	cr_assert_eq(PARSE(&cfg, "-i", "v", "-r", "/", "-a", "198.18.0.1:80", "--mode", "x"),
		     -EINVAL);
	cr_assert_eq(PARSE(&cfg, "-i", "v", "-r", "/", "-a", "198.18.0.1:80", "extra"), -EINVAL);
	cr_assert_eq(
		PARSE(&cfg, "-i", "an-interface-name-too-long", "-r", "/", "-a", "198.18.0.1:80"),
		-EINVAL);
}

Test(conf, sizes)
{
	uint64_t v;

	cr_assert_eq(conf_parse_size("4096", &v), 0);
	cr_assert_eq(v, 4096);
	cr_assert_eq(conf_parse_size("512K", &v), 0);
	cr_assert_eq(v, 512 << 10);
	cr_assert_eq(conf_parse_size("64m", &v), 0);
	cr_assert_eq(v, 64 << 20);
	cr_assert_eq(conf_parse_size("2G", &v), 0);
	cr_assert_eq(v, 2ull << 30);
	cr_assert_eq(conf_parse_size("", &v), -EINVAL);
	cr_assert_eq(conf_parse_size("-1", &v), -EINVAL, "strtoull would wrap it around");
	cr_assert_eq(conf_parse_size(" 1M", &v), -EINVAL);
	cr_assert_eq(conf_parse_size("12X", &v), -EINVAL);
	cr_assert_eq(conf_parse_size("1GB", &v), -EINVAL);
	cr_assert_eq(conf_parse_size("99999999999999999999G", &v), -EINVAL);
}

Test(conf, cache_chunk_size_and_max_loads, .init = quiet)
{
	cr_assert_eq(PARSE(&cfg, "-i", "v", "-r", "/", "-a", "198.18.0.1:80"), 0);
	cr_assert_eq(cfg.cache_chunk_bytes, 2u << 20, "2 MiB chunks by default");
	cr_assert_eq(cfg.max_loads, 64);
	cr_assert_eq(PARSE(&cfg, "-i", "v", "-r", "/", "-a", "198.18.0.1:80", "--cache-chunk-size",
			   "4M", "--max-loads", "8"),
		     0);
	cr_assert_eq(cfg.cache_chunk_bytes, 4u << 20);
	cr_assert_eq(cfg.max_loads, 8);
	cr_assert_eq(PARSE(&cfg, "-i", "v", "-r", "/", "-a", "198.18.0.1:80", "--cache-chunk-size",
			   "4K"),
		     -EINVAL, "below 64K");
	cr_assert_eq(PARSE(&cfg, "-i", "v", "-r", "/", "-a", "198.18.0.1:80", "--cache-chunk-size",
			   "1G"),
		     -EINVAL, "above 256M");
	cr_assert_eq(PARSE(&cfg, "-i", "v", "-r", "/", "-a", "198.18.0.1:80", "--max-loads", "0"),
		     -EINVAL);
}

Test(conf, client_limits, .init = quiet)
{
	cr_assert_eq(PARSE(&cfg, "-i", "v", "-r", "/", "-a", "198.18.0.1:80"), 0);
	cr_assert_eq(cfg.header_timeout_s, 20);
	cr_assert_eq(cfg.keepalive_timeout_s, 15);
	cr_assert_eq(cfg.send_timeout_s, 20);
	cr_assert_eq(cfg.min_send_rate, 256);
	cr_assert_eq(cfg.persist_timeout_s, 60);
	cr_assert_eq(cfg.max_conns_per_source, 256);
	cr_assert_eq(PARSE(&cfg, "-i", "v", "-r", "/", "-a", "198.18.0.1:80", "--header-timeout",
			   "5", "--keepalive-timeout", "6", "--send-timeout", "7",
			   "--min-send-rate", "0", "--persist-timeout", "8",
			   "--max-conns-per-source", "0"),
		     0);
	cr_assert_eq(cfg.header_timeout_s, 5);
	cr_assert_eq(cfg.keepalive_timeout_s, 6);
	cr_assert_eq(cfg.send_timeout_s, 7);
	cr_assert_eq(cfg.min_send_rate, 0);
	cr_assert_eq(cfg.persist_timeout_s, 8);
	cr_assert_eq(cfg.max_conns_per_source, 0);
	cr_assert_eq(
		PARSE(&cfg, "-i", "v", "-r", "/", "-a", "198.18.0.1:80", "--header-timeout", "0"),
		-EINVAL, "a zero timeout");
	cr_assert_eq(
		PARSE(&cfg, "-i", "v", "-r", "/", "-a", "198.18.0.1:80", "--send-timeout", "x"),
		-EINVAL);
}

Test(conf, file_options, .init = quiet)
{
	cr_assert_eq(PARSE(&cfg, "-i", "e", "-a", "198.18.0.1:80", "-r", "/srv"), 0);
	cr_assert_eq(cfg.files.nindex, 1);
	cr_assert_str_eq(cfg.files.index_names[0], "index.html");
	cr_assert_not(cfg.files.serve_dotfiles);
	cr_assert_eq(cfg.files.codings, HTTP_CODINGS_ALL, "precompressed variants on by default");

	cr_assert_eq(PARSE(&cfg, "-i", "e", "-a", "198.18.0.1:80", "-r", "/srv", "--index",
			   "index.htm,index.html", "--index", "default.txt", "--serve-dotfiles",
			   "--precompressed", "gz"),
		     0);
	cr_assert_eq(cfg.files.nindex, 3);
	cr_assert_str_eq(cfg.files.index_names[0], "index.htm");
	cr_assert_str_eq(cfg.files.index_names[2], "default.txt");
	cr_assert(cfg.files.serve_dotfiles);
	cr_assert_eq(cfg.files.codings, HTTP_CODING_BIT(HTTP_CODING_GZIP));
	cr_assert_eq(PARSE(&cfg, "-i", "e", "-a", "198.18.0.1:80", "-r", "/srv", "--precompressed",
			   "off"),
		     0);
	cr_assert_eq(cfg.files.codings, 0);

	cr_assert_eq(PARSE(&cfg, "-i", "e", "-a", "198.18.0.1:80", "-r", "/srv", "--index", "../x"),
		     -EINVAL);
	cr_assert_eq(PARSE(&cfg, "-i", "e", "-a", "198.18.0.1:80", "-r", "/srv", "--index", ""),
		     -EINVAL);
	cr_assert_eq(PARSE(&cfg, "-i", "e", "-a", "198.18.0.1:80", "-r", "/srv", "--precompressed",
			   "deflate"),
		     -EINVAL);
}

Test(conf, user_to_read_files_as, .init = quiet)
{
	cr_assert_eq(PARSE(&cfg, "-i", "veth0", "-a", "198.18.0.1:80", "-r", "/srv"), 0);
	cr_assert_str_eq(cfg.user, "xdpserve", "the package's system user by default");
	cr_assert_eq(PARSE(&cfg, "-i", "veth0", "-a", "198.18.0.1:80", "-r", "/srv", "--user",
			   "www-data"),
		     0);
	cr_assert_str_eq(cfg.user, "www-data");
	cr_assert_eq(PARSE(&cfg, "-i", "veth0", "-a", "198.18.0.1:80", "-r", "/srv", "--user", ""),
		     -EINVAL);
}

Test(conf, congestion_control_and_retries, .init = quiet)
{
	cr_assert_eq(PARSE(&cfg, "-i", "v", "-r", "/", "-a", "198.18.0.1:80"), 0);
	cr_assert_eq(cfg.cc, &tcp_cc_cubic, "CUBIC by default");
	cr_assert_eq(cfg.tcp_retries, TCP_RETRIES_DEFAULT);
	cr_assert_eq(PARSE(&cfg, "-i", "v", "-r", "/", "-a", "198.18.0.1:80", "--congestion",
			   "newreno", "--tcp-retries", "5"),
		     0);
	cr_assert_eq(cfg.cc, &tcp_cc_newreno);
	cr_assert_eq(cfg.tcp_retries, 5);
	cr_assert_eq(
		PARSE(&cfg, "-i", "v", "-r", "/", "-a", "198.18.0.1:80", "--congestion", "bbr"),
		-EINVAL);
	cr_assert_eq(PARSE(&cfg, "-i", "v", "-r", "/", "-a", "198.18.0.1:80", "--tcp-retries", "0"),
		     -EINVAL);
}
