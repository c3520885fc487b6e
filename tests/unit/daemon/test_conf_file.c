// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for daemon/conf.c and conf_table.c: the config file. Every
 * table key is set from a file and checked in struct xdpserve_config (and
 * the test fails when a key has no case here); a table of broken files,
 * each with the message and line it must get; flags winning over the file;
 * per-address roots; what a reload may change.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <criterion/redirect.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/access_log.h"
#include "daemon/conf_int.h"
#include "tcp/cc.h"

static struct xdpserve_config cfg;
static char messages[8192];
static char path[64];

static void collect(void *arg, const char *text)
{
	size_t n = strlen(messages);

	(void)arg;
	snprintf(messages + n, sizeof(messages) - n, "%s\n", text);
}

/* Write `text` to a fresh file, then conf_load --config it plus extra flags. */
static int load(const char *text, int nextra, char **extra)
{
	struct conf_report r = {.line = collect};
	char *argv[16] = {"xdpserved", "--config", path};
	int fd, err;

	strcpy(path, "/tmp/test_conf_XXXXXX");
	fd = mkstemp(path);
	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	for (int i = 0; i < nextra; i++)
		argv[3 + i] = extra[i];
	messages[0] = '\0';
	err = conf_load(&cfg, 3 + nextra, argv, &r);
	unlink(path);
	return err;
}

#define BASE "iface = veth0\naddr = 198.18.0.1:80\nroot = /srv\n"

/* ---- every key ---- */

struct key_case {
	const char *key;
	const char *line; /* appended to BASE (or the whole file when it sets a BASE key) */
	void (*check)(void);
};

static void k_iface(void)
{
	cr_assert_str_eq(cfg.ifname, "eth7");
}
static void k_addr(void)
{
	cr_assert_eq(cfg.nendpoints, 2, "a file's addr keys add up");
	cr_assert_eq(cfg.endpoints[1].family, 6);
}
static void k_root(void)
{
	cr_assert_str_eq(cfg.root, "/var/www");
	cr_assert_eq(cfg.nroots, 1);
	cr_assert_str_eq(cfg.roots[0].dir, "/srv/b");
	cr_assert_eq(cfg.roots[0].port, 80);
	cr_assert_eq(cfg.roots[0].origin, 5, "line of the root inside its section");
}
static void k_index(void)
{
	cr_assert_eq(cfg.files.nindex, 3);
	cr_assert_str_eq(cfg.files.index_names[0], "a.html");
	cr_assert_str_eq(cfg.files.index_names[2], "c.txt");
}
static void k_dotfiles(void)
{
	cr_assert(cfg.files.serve_dotfiles);
}
static void k_syn_in_xdp(void)
{
	cr_assert(!cfg.syn_in_xdp);
}
static void k_busy_poll(void)
{
	cr_assert_eq(cfg.busy_poll_us, 50);
}
static void k_precompressed(void)
{
	cr_assert_eq(cfg.files.codings, HTTP_CODING_BIT(HTTP_CODING_BR));
}
static void k_queues(void)
{
	cr_assert_eq(cfg.queues, 3);
}
static void k_cpus(void)
{
	static const uint16_t want[] = {0, 1, 2, 5};

	cr_assert_eq(cfg.cpus.n, 4);
	cr_assert_arr_eq(cfg.cpus.cpu, want, sizeof(want));
}
static void k_cache(void)
{
	cr_assert_eq(cfg.cache_bytes, 1ull << 30);
}
static void k_chunk(void)
{
	cr_assert_eq(cfg.cache_chunk_bytes, 512u << 10);
}
static void k_loads(void)
{
	cr_assert_eq(cfg.max_loads, 7);
}
static void k_conns(void)
{
	cr_assert_eq(cfg.max_conns, 99);
}
static void k_per_source(void)
{
	cr_assert_eq(cfg.max_conns_per_source, 0);
}
static void k_drain(void)
{
	cr_assert_eq(cfg.drain_ms, 250);
}
static void k_header(void)
{
	cr_assert_eq(cfg.header_timeout_s, 3);
}
static void k_keepalive(void)
{
	cr_assert_eq(cfg.keepalive_timeout_s, 4);
}
static void k_send(void)
{
	cr_assert_eq(cfg.send_timeout_s, 5);
}
static void k_rate(void)
{
	cr_assert_eq(cfg.min_send_rate, 1000);
}
static void k_persist(void)
{
	cr_assert_eq(cfg.persist_timeout_s, 6);
}
static void k_negttl(void)
{
	cr_assert_eq(cfg.neg_ttl_ms, 77);
}
static void k_mode(void)
{
	cr_assert_eq(cfg.xdp_mode, STEER_MODE_NATIVE);
}
static void k_bind(void)
{
	cr_assert_eq(cfg.bind_mode, XSK_BIND_ZEROCOPY);
}
static void k_tx(void)
{
	cr_assert_eq(cfg.tx_path, XSK_TX_SG);
}
static void k_bpf(void)
{
	cr_assert_str_eq(cfg.bpf_obj, "/opt/x.bpf.o");
}
static void k_log(void)
{
	cr_assert_eq(cfg.log_level, LOG_LEVEL_WARN);
}

static void k_user(void)
{
	cr_assert_str_eq(cfg.user, "www-data");
}
static void k_access_log(void)
{
	cr_assert_str_eq(cfg.access_log, "/var/log/xdpserve/access.log");
}
static void k_access_format(void)
{
	cr_assert_eq(cfg.access_log_format, ACCESS_LOG_JSON);
}

static void k_control(void)
{
	cr_assert_str_eq(cfg.control_socket, "/run/x/ctl.sock");
}
static void k_metrics(void)
{
	cr_assert_str_eq(cfg.metrics_listen, "127.0.0.1:9464");
}

static void k_congestion(void)
{
	cr_assert_eq(cfg.cc, &tcp_cc_newreno);
}
static void k_retries(void)
{
	cr_assert_eq(cfg.tcp_retries, 7);
}

static struct key_case key_cases[] = {
	{"iface", "iface = eth7\naddr = 198.18.0.1:80\nroot = /srv\n", k_iface},
	{"addr", "addr = [fd00::/64]:8080\n", k_addr},
	{"root",
	 "iface = v\naddr = 198.18.0.0/24:80\nroot = /var/www\n[198.18.0.2:80]\nroot = /srv/b\n",
	 k_root},
	{"index", "index = a.html, b.htm\nindex = c.txt\n", k_index},
	{"serve-dotfiles", "serve-dotfiles = yes\n", k_dotfiles},
	{"precompressed", "precompressed = br\n", k_precompressed},
	{"syn-in-xdp", "syn-in-xdp = no\n", k_syn_in_xdp},
	{"busy-poll", "busy-poll = 50\n", k_busy_poll},
	{"queues", "queues = 3\n", k_queues},
	{"cpus", "cpus = 0-2,5\n", k_cpus},
	{"cache-size", "cache-size = 1G\n", k_cache},
	{"cache-chunk-size", "cache-chunk-size = 512K\n", k_chunk},
	{"max-loads", "max-loads = 7\n", k_loads},
	{"max-conns", "max-conns = 99\n", k_conns},
	{"max-conns-per-source", "max-conns-per-source = 0\n", k_per_source},
	{"drain-ms", "drain-ms = 250\n", k_drain},
	{"header-timeout", "header-timeout = 3\n", k_header},
	{"keepalive-timeout", "keepalive-timeout = 4\n", k_keepalive},
	{"send-timeout", "send-timeout = 5\n", k_send},
	{"min-send-rate", "min-send-rate = 1000\n", k_rate},
	{"persist-timeout", "persist-timeout = 6\n", k_persist},
	{"negative-ttl-ms", "negative-ttl-ms = 77\n", k_negttl},
	{"mode", "mode = native\n", k_mode},
	{"bind-mode", "bind-mode = zerocopy\n", k_bind},
	{"tx-path", "tx-path = sg\n", k_tx},
	{"bpf-obj", "bpf-obj = /opt/x.bpf.o\n", k_bpf},
	{"log-level", "log-level = warn ; inline comment\n", k_log},
	{"user", "user = www-data\n", k_user},
	{"congestion", "congestion = newreno\n", k_congestion},
	{"tcp-retries", "tcp-retries = 7\n", k_retries},
	{"control-socket", "control-socket = /run/x/ctl.sock\n", k_control},
	{"metrics-listen", "metrics-listen = 127.0.0.1:9464\n", k_metrics},
	{"access-log", "access-log = /var/log/xdpserve/access.log\n", k_access_log},
	{"access-log-format", "access-log-format = json\n", k_access_format},
};

/*
 * The parameters are indexes: Criterion copies a parameter into the test's
 * process, where pointers in it would point nowhere; the tables themselves
 * are in every process.
 */
#define NKEY_CASES (sizeof(key_cases) / sizeof(key_cases[0]))
static int case_index[64] = {0,	 1,  2,	 3,  4,	 5,  6,	 7,  8,	 9,  10, 11, 12, 13, 14, 15,
			     16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31,
			     32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47,
			     48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63};

ParameterizedTestParameters(conf_file, every_key)
{
	return cr_make_param_array(int, case_index, NKEY_CASES);
}

ParameterizedTest(int *i, conf_file, every_key)
{
	const struct key_case *kc = &key_cases[*i];
	char text[512];

	if (!strncmp(kc->line, "iface", 5))
		snprintf(text, sizeof(text), "%s", kc->line);
	else
		snprintf(text, sizeof(text), BASE "%s", kc->line);
	cr_assert_eq(load(text, 0, NULL), 0, "%s: %s", kc->key, messages);
	kc->check();
}

Test(conf_file, per_address_root)
{
	cr_assert_eq(load("iface = v\naddr = 198.18.0.0/24:80\nroot = /var/www\n[198.18.0.2:80]\n"
			  "root = /srv/b\n",
			  0, NULL),
		     0, "%s", messages);
	k_root();
	/* the lookup a connection does */
	{
		uint8_t a2[16] = {198, 18, 0, 2}, a3[16] = {198, 18, 0, 3};

		cr_assert_str_eq(conf_root_for(&cfg, 4, a2, 80), "/srv/b");
		cr_assert_str_eq(conf_root_for(&cfg, 4, a3, 80), "/var/www");
		cr_assert_str_eq(conf_root_for(&cfg, 4, a2, 81), "/var/www");
	}
	cr_assert_eq(load("iface = v\naddr = [fd00::2]:80\n[fd00::2 80]\nroot = /srv/6\n", 0, NULL),
		     0, "an IPv6 section, and no root for every address: %s", messages);
	cr_assert_eq(cfg.roots[0].family, 6);
	cr_assert_str_eq(cfg.root, "");
	cr_assert_eq(
		load("iface = v\naddr = 198.18.0.2:80\nroot = 198.18.0.2:80=/srv/c\n", 0, NULL), 0,
		"%s", messages);
	cr_assert_str_eq(cfg.roots[0].dir, "/srv/c");
}

/* Every key of the table (but the flag-only ones) has a case above. */
Test(conf_file, every_table_key_has_a_case)
{
	for (unsigned int i = 0; i < conf_noptions; i++) {
		bool found = false;

		if (conf_options[i].flags & CONF_FLAG_ONLY)
			continue;
		for (size_t j = 0; j < sizeof(key_cases) / sizeof(key_cases[0]); j++)
			found |= !strcmp(key_cases[j].key, conf_options[i].name);
		cr_expect(found, "key %s has no test case", conf_options[i].name);
	}
}

/* ---- broken files: each its own message, naming the file and the line ---- */

struct broken_case {
	const char *text;
	int line; /* 0: a --flag: message */
	const char *says;
};

static struct broken_case broken_cases[] = {
	{BASE "bogus = 1\n", 4, "unknown key \"bogus\""},
	{BASE "queues = 0\n", 4, "queues \"0\" wants a whole number from 1 to 64"},
	{BASE "queues = 65\n", 4, "from 1 to 64"},
	{BASE "queues = two\n", 4, "queues \"two\" wants a whole number"},
	{BASE "queues = 1\nqueues = 2\n", 5, "queues is given twice (first at line 4)"},
	{BASE "cpus = 3-1\n", 4, "cpus \"3-1\" is not a CPU list — write CPU numbers"},
	{BASE "cpus = 0,2,1-2\n", 4, "cpus \"0,2,1-2\" lists CPU 2 twice"},
	{BASE "cache-size = 10K\n", 4, "cache-size \"10K\" wants a size from 1M"},
	{BASE "cache-size = 1GB\n", 4, "write e.g. 512K, 64M or 2G"},
	{BASE "cache-chunk-size = 1G\n", 4, "from 64K to 256M"},
	{BASE "mode = fast\n", 4, "mode \"fast\" is one of auto, native, skb"},
	{BASE "bind-mode = zero\n", 4, "is one of auto, copy, zerocopy"},
	{BASE "tx-path = dma\n", 4, "is one of auto, sg, copy"},
	{BASE "busy-poll = 2000\n", 4, "busy-poll \"2000\" wants a whole number from 0 to 1000"},
	{BASE "log-level = loud\n", 4, "is one of err, warn, info, debug"},
	{BASE "serve-dotfiles = maybe\n", 4, "is yes or no"},
	{BASE "precompressed = deflate\n", 4, "br, zst and gz"},
	{BASE "index = ../x\n", 4, "each name must be a file name"},
	{BASE "index = a,,b\n", 4, "index \"a,,b\" each name must be a file name"},
	{BASE "addr = 198.18.0.1\n", 4, "addr \"198.18.0.1\" is not an endpoint"},
	{BASE "addr = 198.18.0.1:80\n", 4, "is served twice"},
	{BASE "root = /other\n", 4, "a second root for every address"},
	{BASE "[198.18.0.0/24:80]\nroot = /x\n", 5, "is not one address and port"},
	{BASE "[198.18.0.1:80]\nroot = /x\nroot = /y\n", 6, "gives that address a second root"},
	{BASE "[198.18.0.1:80]\nqueues = 2\n", 5, "queues cannot be set per address"},
	{BASE "this line has no equals sign\n", 4, "not \"key = value\", a [section]"},
	{BASE "check = yes\n", 4, "flag only, not a key"},
	{BASE "max-conns = 0\n", 4, "max-conns \"0\" wants a whole number from 1"},
	{BASE "keepalive-timeout = -1\n", 4, "keepalive-timeout \"-1\" wants a whole number"},
	{BASE "drain-ms = 600001\n", 4, "from 0 to 600000"},
	{BASE "iface = an-interface-name-too-long\n", 4, "iface is given twice"},
	{"iface = an-interface-name-too-long\naddr = 198.18.0.1:80\nroot = /s\n", 1,
	 "iface \"an-interface-name-too-long\" wants 1 to 15 bytes"},
	{"iface = v\nroot = /srv\n", 0, "--addr: nothing to serve"},
	{"addr = 198.18.0.1:80\nroot = /srv\n", 0, "--iface: no interface"},
	{"iface = v\naddr = 198.18.0.0/24:80\n[198.18.0.2:80]\nroot = /b\n", 0,
	 "--root: no document root for every served address"},
};

#define NBROKEN_CASES (sizeof(broken_cases) / sizeof(broken_cases[0]))
_Static_assert(NBROKEN_CASES <= 64 && NKEY_CASES <= 64, "case_index covers the tables");

ParameterizedTestParameters(conf_file, broken)
{
	return cr_make_param_array(int, case_index, NBROKEN_CASES);
}

ParameterizedTest(int *i, conf_file, broken)
{
	const struct broken_case *bc = &broken_cases[*i];
	char want[512];

	cr_assert_eq(load(bc->text, 0, NULL), -EINVAL, "%s", bc->text);
	const char *at, *end;

	if (bc->line)
		snprintf(want, sizeof(want), "%s:%d: ", path, bc->line);
	else
		snprintf(want, sizeof(want), "--");
	at = strstr(messages, want);
	cr_assert(at, "wanted a line starting \"%s\", got:\n%s", want, messages);
	end = strchr(at, '\n');
	cr_assert(strstr(at, bc->says) && strstr(at, bc->says) < end,
		  "wanted \"%s\" on that line, got:\n%s", bc->says, messages);
	cr_assert(strstr(messages, " — "), "says what to do: %s", messages);
}

Test(conf_file, broken_cases_are_many_and_distinct)
{
	size_t n = sizeof(broken_cases) / sizeof(broken_cases[0]);

	cr_assert_geq(n, 20);
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			cr_expect(strcmp(broken_cases[i].says, broken_cases[j].says) ||
					  broken_cases[i].line != broken_cases[j].line,
				  "cases %zu and %zu say the same", i, j);
}

/* The CPU list parser on its own: what it takes, in order, and what it refuses. */
Test(conf_file, cpu_lists)
{
	static const char *const bad[] = {"",	 ",",	"0,",  ",0",   "1-",	 "-1",	"a",
					  "0 1", "0;1", "2-1", "1024", "0-1024", "0x1", "+1"};
	struct conf_cpus c;
	char why[256];

	cr_assert_eq(conf_cpus_parse("6", &c, why, sizeof(why)), 0);
	cr_assert(c.n == 1 && c.cpu[0] == 6);
	cr_assert_eq(conf_cpus_parse("7, 0 - 1 ,4-4", &c, why, sizeof(why)), 0, "%s", why);
	cr_assert(c.n == 4 && c.cpu[0] == 7 && c.cpu[1] == 0 && c.cpu[2] == 1 && c.cpu[3] == 4,
		  "the list's order is the workers' order");
	cr_assert_eq(conf_cpus_parse("0-1023", &c, why, sizeof(why)), 0);
	cr_assert(c.n == 1024 && c.cpu[1023] == 1023);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		cr_expect_eq(conf_cpus_parse(bad[i], &c, why, sizeof(why)), -EINVAL, "\"%s\"",
			     bad[i]);
		cr_expect(strstr(why, " — "), "\"%s\" says what to do: %s", bad[i], why);
	}
}

Test(conf_file, every_problem_is_reported_not_just_the_first)
{
	cr_assert_eq(load(BASE "queues = 0\nmode = x\nbogus = 1\n", 0, NULL), -EINVAL);
	cr_assert(strstr(messages, ":4: queues"));
	cr_assert(strstr(messages, ":5: mode"));
	cr_assert(strstr(messages, ":6: unknown key"));
}

Test(conf_file, a_missing_file)
{
	char *argv[] = {"xdpserved", "--config", "/nonexistent/x.conf", NULL};
	struct conf_report r = {.line = collect};

	messages[0] = '\0';
	cr_assert_eq(conf_load(&cfg, 3, argv, &r), -EINVAL);
	cr_assert(strstr(messages, "--config: cannot read /nonexistent/x.conf"), "%s", messages);
}

/* ---- flags and the file ---- */

Test(conf_file, flags_win)
{
	char *extra[] = {"--queues", "2",     "--addr", "198.18.0.9:81",
			 "--index",  "f.htm", "-l",	"debug"};

	cr_assert_eq(load(BASE "queues = 4\naddr = 198.18.0.2:80\nindex = g.htm\nlog-level = err\n",
			  8, extra),
		     0, "%s", messages);
	cr_assert_eq(cfg.queues, 2);
	cr_assert_eq(cfg.nendpoints, 1, "the flags' addr replace the file's");
	cr_assert_eq(ntohs(cfg.endpoints[0].port), 81);
	cr_assert_eq(cfg.files.nindex, 1);
	cr_assert_str_eq(cfg.files.index_names[0], "f.htm");
	cr_assert_eq(cfg.log_level, LOG_LEVEL_DEBUG);
	cr_assert_eq(cfg.origin[conf_option_index(conf_option_find("queues"))], CONF_FROM_FLAG);
	cr_assert_eq(cfg.origin[conf_option_index(conf_option_find("mode"))], 0, "a default");
}

Test(conf_file, a_bad_flag_names_the_flag)
{
	char *extra[] = {"--max-conns", "x"};

	cr_assert_eq(load(BASE, 2, extra), -EINVAL);
	cr_assert(strstr(messages, "--max-conns: max-conns \"x\" wants a whole number"), "%s",
		  messages);
}

/* ---- the table itself ---- */

Test(conf_file, table_is_sound)
{
	for (unsigned int i = 0; i < conf_noptions; i++) {
		const struct conf_option *o = &conf_options[i];

		cr_expect(o->help && strlen(o->help) > 10, "%s has help", o->name);
		cr_expect(conf_option_find(o->name) == o, "%s is unique", o->name);
		if (!(o->flags & CONF_FLAG_ONLY))
			cr_expect(o->type && o->parse, "%s has a type and a parser", o->name);
		if (!(o->flags & (CONF_FLAG_ONLY | CONF_RELOAD)))
			cr_expect(o->size, "%s: a restart-only key needs its size", o->name);
	}
}

static void note(void *arg, const char *name, bool reloadable)
{
	char *out = arg;

	strcat(out, name);
	strcat(out, reloadable ? "+ " : "- ");
}

Test(conf_file, diff_says_what_changed_and_what_needs_a_restart)
{
	static struct xdpserve_config old;
	char changed[256] = "";

	cr_assert_eq(load(BASE "index = a.html\nqueues = 1\n", 0, NULL), 0);
	old = cfg;
	cr_assert_eq(load(BASE "index = b.html\nqueues = 2\nlog-level = debug\n"
			       "addr = 198.18.0.3:80\n",
			  0, NULL),
		     0);
	cr_assert_eq(conf_diff(&old, &cfg, note, changed), 4, "%s", changed);
	cr_assert(strstr(changed, "index+ "), "%s", changed);
	cr_assert(strstr(changed, "queues- "), "%s", changed);
	cr_assert(strstr(changed, "log-level+ "), "%s", changed);
	cr_assert(strstr(changed, "addr+ "), "%s", changed);
	conf_keep_restart_only(&cfg, &old);
	cr_assert_eq(cfg.queues, 1, "a restart-only key keeps its running value");
	cr_assert_str_eq(cfg.files.index_names[0], "b.html");
	cr_assert_eq(conf_diff(&old, &cfg, NULL, NULL), 3);
}

Test(conf_file, help_comes_from_the_table)
{
	char buf[16384];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	conf_usage(f);
	fclose(f);
	for (unsigned int i = 0; i < conf_noptions; i++) {
		char flag[64];

		snprintf(flag, sizeof(flag), "--%s", conf_options[i].name);
		cr_expect(strstr(buf, flag), "--help names %s", flag);
	}
}
