// SPDX-License-Identifier: GPL-2.0-only
/*
 * stats.c — `xdpservectl stats [IFACE] [--json|--prometheus] [--watch
 * [SECS] [--count N]]`: the daemon's counters per queue and per reason
 * (TCP, HTTP by status class, cache, disk, AF_XDP rings) and the steering
 * program's outcomes; with the daemon down, only the latter, read from the
 * pinned per-CPU map (and said so). Dispatched from main.c; status.c uses
 * the pinned-map view too.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <math.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "daemon/metrics.h"
#include "steer/steer.h"

#define CLI_MAX_DAEMONS 64

struct json_object *cli_pinned_view(const char *ifname, bool endpoints)
{
	struct xdpserve_stat_val v[XDPSERVE_STAT__MAX];
	struct json_object *o, *steer;
	struct steer *s = NULL;

	if (steer__open(ifname, &s))
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "interface", json_object_new_string(ifname));
	json_object_object_add(o, "xdp_mode", json_object_new_string(steer_mode_name(s)));
	json_object_object_add(o, "program_id", json_object_new_int64(steer_prog_id(s)));
	json_object_object_add(o, "dispatched", json_object_new_boolean(steer_is_dispatched(s)));
	json_object_object_add(o, "source", json_object_new_string("pinned-maps"));
	if (!steer_stats_read(s, v)) {
		steer = json_object_new_object();
		for (int i = 0; i < XDPSERVE_STAT__MAX; i++) {
			struct json_object *e = json_object_new_object();

			json_object_object_add(e, "packets", json_object_new_uint64(v[i].packets));
			json_object_object_add(e, "bytes", json_object_new_uint64(v[i].bytes));
			json_object_object_add(steer, steer_stat_name(i), e);
		}
		json_object_object_add(o, "steer", steer);
	}
	if (endpoints) {
		struct xdpserve_endpoint_key keys[64];
		struct json_object *a = json_object_new_array();
		char text[STEER_ENDPOINT_STRLEN];
		int n = steer_endpoint_list(s, keys, 64);

		for (int i = 0; i < n && i < 64; i++)
			if (steer_endpoint_format(&keys[i], text, sizeof(text)) > 0)
				json_object_array_add(a, json_object_new_string(text));
		json_object_object_add(o, "endpoints", a);
	}
	steer__close(s);
	return o;
}

/* The daemon's "stats" reply, else the pinned view (and a word on stderr); NULL: failed. */
static struct json_object *cli_stats_fetch(const struct cli_env *env, const char *ifname)
{
	struct json_object *reply = NULL;
	int err = cli_daemon_cmd(env, ifname, "stats", NULL, NULL, &reply);

	if (!err)
		return reply;
	if (!cli_no_daemon(err))
		return NULL;
	cli_say_fallback(env, ifname, err);
	return cli_pinned_view(ifname, false);
}

/* "  name: k v, k v, ..." wrapped at 100 columns. */
static void cli_print_section(const char *name, struct json_object *sec)
{
	int col = printf("  %-6s", name);

	json_object_object_foreach(sec, key, val)
	{
		char item[96];
		int len = snprintf(item, sizeof(item), " %s %" PRIu64, key,
				   (uint64_t)json_object_get_uint64(val));

		if (col + len > 100) {
			printf("\n        ");
			col = 8;
		}
		col += printf("%s", item);
	}
	printf("\n");
}

static void cli_stats_text(struct json_object *st)
{
	struct json_object *v, *qs;

	json_object_object_get_ex(st, "source", &v);
	if (strcmp(json_object_get_string(v), "daemon"))
		printf("%s: steering program only (pinned maps), %s mode, program id %s%s\n",
		       json_object_get_string(json_object_object_get(st, "interface")),
		       json_object_get_string(json_object_object_get(st, "xdp_mode")),
		       json_object_get_string(json_object_object_get(st, "program_id")),
		       json_object_get_boolean(json_object_object_get(st, "dispatched"))
			       ? " (libxdp dispatcher)"
			       : "");
	else
		printf("%s: daemon\n",
		       json_object_get_string(json_object_object_get(st, "interface")));
	if (json_object_object_get_ex(st, "steer", &v)) {
		int col = printf("  %-6s", "xdp");

		json_object_object_foreach(v, reason, e)
		{
			char item[96];
			int len =
				snprintf(item, sizeof(item), " %s %" PRIu64 "/%" PRIu64 "B", reason,
					 (uint64_t)json_object_get_uint64(
						 json_object_object_get(e, "packets")),
					 (uint64_t)json_object_get_uint64(
						 json_object_object_get(e, "bytes")));

			if (col + len > 100) {
				printf("\n        ");
				col = 8;
			}
			col += printf("%s", item);
		}
		printf("\n");
	}
	if (!json_object_object_get_ex(st, "queues", &qs))
		return;
	for (size_t i = 0; i < json_object_array_length(qs); i++) {
		struct json_object *q = json_object_array_get_idx(qs, i);

		printf("queue %d\n", json_object_get_int(json_object_object_get(q, "queue")));
		json_object_object_foreach(q, name,
					   sec) if (json_object_is_type(sec, json_type_object))
			cli_print_section(name, sec);
	}
}

/* --- --watch: rates between two samples ---------------------------------- */

struct cli_sample {
	size_t n, cap;
	char **keys;
	uint64_t *vals;
};

static void cli_sample_add(struct cli_sample *s, const char *key, uint64_t v)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		s->keys = realloc(s->keys, s->cap * sizeof(*s->keys));
		s->vals = realloc(s->vals, s->cap * sizeof(*s->vals));
		if (!s->keys || !s->vals) {
			fprintf(stderr, "xdpservectl: out of memory\n");
			exit(CLI_EXIT_FAIL);
		}
	}
	s->keys[s->n] = strdup(key);
	s->vals[s->n++] = v;
}

/* Every number under `o`, named by its path: queue0.http.status_2xx, steer.redirected.packets. */
static void cli_sample_walk(struct cli_sample *s, const char *prefix, struct json_object *o)
{
	char key[256];

	if (json_object_is_type(o, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(o); i++) {
			snprintf(key, sizeof(key), "%s%zu", prefix, i);
			cli_sample_walk(s, key, json_object_array_get_idx(o, i));
		}
		return;
	}
	json_object_object_foreach(o, name, val)
	{
		if (!strcmp(name, "start_time") || !strcmp(name, "queue"))
			continue;
		snprintf(key, sizeof(key), "%s%s%s", prefix, *prefix ? "." : "",
			 !strcmp(name, "queues") ? "queue" : name);
		if (json_object_is_type(val, json_type_int))
			cli_sample_add(s, key, (uint64_t)json_object_get_uint64(val));
		else if (json_object_is_type(val, json_type_object) ||
			 json_object_is_type(val, json_type_array))
			cli_sample_walk(s, key, val);
	}
}

static void cli_sample_free(struct cli_sample *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->keys[i]);
	free(s->keys);
	free(s->vals);
	memset(s, 0, sizeof(*s));
}

static double cli_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Rates of the counters that moved, per second. */
static void cli_rates_print(const char *ifname, const struct cli_sample *a,
			    const struct cli_sample *b, double secs, bool json)
{
	struct json_object *o = json_object_new_object(), *rates = json_object_new_object();
	bool any = false;

	for (size_t i = 0; i < b->n; i++) {
		for (size_t k = 0; k < a->n; k++) {
			double r;

			if (strcmp(a->keys[k], b->keys[i]) || b->vals[i] == a->vals[k])
				continue;
			r = ((double)b->vals[i] - (double)a->vals[k]) / secs;
			json_object_object_add(rates, b->keys[i], json_object_new_double(r));
			if (!json)
				printf("  %-48s %12.1f/s\n", b->keys[i], r);
			any = true;
			break;
		}
	}
	if (json) {
		json_object_object_add(o, "interface", json_object_new_string(ifname));
		json_object_object_add(o, "interval_s", json_object_new_double(secs));
		json_object_object_add(o, "rates", rates);
		cli_json_print(stdout, o);
	} else if (!any) {
		printf("  (nothing moved)\n");
	}
	if (!json)
		json_object_put(rates);
	json_object_put(o);
	fflush(stdout);
}

static int cli_stats_watch(const struct cli_env *env, const char *ifname, double secs, long count,
			   bool json)
{
	struct cli_sample prev = {0}, cur = {0};
	struct json_object *st = cli_stats_fetch(env, ifname);
	double t0 = cli_now(), t1;

	if (!st)
		return CLI_EXIT_FAIL;
	cli_sample_walk(&prev, "", st);
	json_object_put(st);
	for (long i = 0; count <= 0 || i < count; i++) {
		usleep((useconds_t)(secs * 1e6));
		st = cli_stats_fetch(env, ifname);
		if (!st)
			break;
		t1 = cli_now();
		cli_sample_walk(&cur, "", st);
		json_object_put(st);
		if (!json)
			printf("%s, the last %.1f s:\n", ifname, t1 - t0);
		cli_rates_print(ifname, &prev, &cur, t1 - t0, json);
		cli_sample_free(&prev);
		prev = cur;
		memset(&cur, 0, sizeof(cur));
		t0 = t1;
	}
	cli_sample_free(&prev);
	return st ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}

/* --- the command --------------------------------------------------------- */

enum cli_stats_format { CLI_FMT_TEXT, CLI_FMT_JSON, CLI_FMT_PROMETHEUS };

static int cli_stats_one(const struct cli_env *env, const char *ifname, enum cli_stats_format f)
{
	struct json_object *st = cli_stats_fetch(env, ifname);

	if (!st)
		return CLI_EXIT_FAIL;
	if (f == CLI_FMT_JSON)
		cli_json_print(stdout, st);
	else if (f == CLI_FMT_PROMETHEUS)
		metrics_format(st, stdout);
	else
		cli_stats_text(st);
	json_object_put(st);
	return CLI_EXIT_OK;
}

struct cli_stats_opts {
	enum cli_stats_format format;
	double watch; /* seconds between samples, 0: one reading */
	long count;   /* samples with --watch, 0: no end */
};

/* "--watch 2" as well as "--watch=2": take a number that follows. */
static int cli_stats_watch_arg(const struct cli_cmd *cmd, int argc, char **argv,
			       struct cli_stats_opts *o)
{
	const char *arg = optarg;

	if (!arg && optind < argc && strspn(argv[optind], "0123456789.") == strlen(argv[optind]))
		arg = argv[optind++];
	o->watch = arg ? strtod(arg, NULL) : 1.0;
	if (!(o->watch >= 0.1) || o->watch > 3600)
		return cli_usage_error(cmd, "--watch wants seconds from 0.1 to 3600");
	return -1;
}

/* -1 to go on (optind at the operands), else the CLI_EXIT_* status. */
static int cli_stats_parse(const struct cli_cmd *cmd, int argc, char **argv,
			   struct cli_stats_opts *o)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},	 {"prometheus", no_argument, NULL, 'p'},
		{"watch", optional_argument, NULL, 'w'}, {"count", required_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},	 {NULL, 0, NULL, 0},
	};
	int c, ret;

	while ((c = getopt_long(argc, argv, "jpw::n:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o->format = CLI_FMT_JSON;
			break;
		case 'p':
			o->format = CLI_FMT_PROMETHEUS;
			break;
		case 'w':
			ret = cli_stats_watch_arg(cmd, argc, argv, o);
			if (ret >= 0)
				return ret;
			break;
		case 'n':
			o->count = strtol(optarg, NULL, 10);
			if (o->count <= 0)
				return cli_usage_error(cmd, "--count wants a positive number");
			break;
		case 'h':
			cli_cmd_usage(cmd, stdout);
			return CLI_EXIT_OK;
		default:
			cli_cmd_usage(cmd, stderr);
			return CLI_EXIT_USAGE;
		}
	}
	if (argc - optind > 1)
		return cli_usage_error(cmd, "expected at most one interface");
	if (o->watch && o->format == CLI_FMT_PROMETHEUS)
		return cli_usage_error(cmd, "--watch shows rates: use it with text or --json");
	return -1;
}

static int cli_stats(const struct cli_cmd *cmd, const struct cli_env *env, int argc, char **argv)
{
	struct cli_stats_opts o = {.format = CLI_FMT_TEXT};
	char names[CLI_MAX_DAEMONS][16];
	int n, ret = cli_stats_parse(cmd, argc, argv, &o);

	if (ret >= 0)
		return ret;
	if (argc - optind == 1) {
		snprintf(names[0], sizeof(names[0]), "%s", argv[optind]);
		n = 1;
	} else {
		n = cli_daemon_list(env, names, CLI_MAX_DAEMONS);
		if (!n)
			return cli_usage_error(cmd,
					       "no daemon answers in %s; name the interface "
					       "to read its pinned maps",
					       env->runtime_dir);
	}
	ret = CLI_EXIT_OK;
	for (int i = 0; i < n; i++) {
		int r = o.watch ? cli_stats_watch(env, names[i], o.watch, o.count,
						  o.format == CLI_FMT_JSON)
				: cli_stats_one(env, names[i], o.format);

		if (r)
			ret = r;
	}
	return ret;
}

const struct cli_cmd cli_cmd_stats = {
	.name = "stats",
	.args = "[IFACE] [--json | --prometheus] [--watch [SECS] [--count N]]",
	.summary = "counters per queue and per reason; --watch: rates per second every SECS "
		   "(default 1), N times",
	.run = cli_stats,
};
