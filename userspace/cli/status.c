// SPDX-License-Identifier: GPL-2.0-only
/*
 * status.c — `xdpservectl status [IFACE] [--json]`: what each daemon runs
 * (PID, uptime, XDP mode, bind mode, TX path, queues -> CPUs, endpoints,
 * roots, cache use); when no IFACE is named, every daemon in the runtime
 * directory and every interface running the steering program. With the
 * daemon down, what the pinned maps say (and so).
 * Dispatched from main.c.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h> /* optind */

#include "cli/cli.h"
#include "cli/doctor.h"

#define CLI_MAX_DAEMONS 64

static const char *cli_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : "?";
}

static uint64_t cli_u64(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? (uint64_t)json_object_get_uint64(v) : 0;
}

static void cli_print_list(const char *label, struct json_object *a)
{
	printf("  %-10s", label);
	for (size_t i = 0; a && i < json_object_array_length(a); i++)
		printf("%s%s", i ? ", " : "",
		       json_object_get_string(json_object_array_get_idx(a, i)));
	printf("\n");
}

/* "roots  DIR (every endpoint), DIR (for 198.18.0.2:80)" */
static void cli_print_roots(struct json_object *a)
{
	printf("  %-10s", "roots");
	for (size_t i = 0; a && i < json_object_array_length(a); i++) {
		struct json_object *r = json_object_array_get_idx(a, i);
		const char *at = cli_str(r, "endpoint");

		printf("%s%s (%s%s)", i ? ", " : "", cli_str(r, "dir"),
		       strcmp(at, "*") ? "for " : "",
		       strcmp(at, "*") ? at : "every other endpoint");
	}
	printf("\n");
}

static void cli_status_text(struct json_object *st)
{
	struct json_object *qs = NULL, *cache = NULL;
	uint64_t up = cli_u64(st, "uptime_s");

	if (strcmp(cli_str(st, "source"), "daemon")) {
		printf("%s: no daemon; steering program %s in %s mode%s\n",
		       cli_str(st, "interface"), cli_str(st, "program_id"), cli_str(st, "xdp_mode"),
		       json_object_get_boolean(json_object_object_get(st, "dispatched"))
			       ? " (libxdp dispatcher)"
			       : "");
		cli_print_list("endpoints", json_object_object_get(st, "endpoints"));
		return;
	}
	printf("%s: xdpserved %s, pid %s, up %" PRIu64 "d %02" PRIu64 ":%02" PRIu64 ":%02" PRIu64
	       "\n",
	       cli_str(st, "interface"), cli_str(st, "version"), cli_str(st, "pid"), up / 86400,
	       up / 3600 % 24, up / 60 % 60, up % 60);
	printf("  %-10sXDP %s (program %s%s), AF_XDP %s (asked: %s), TX path %s (asked: %s)\n",
	       "modes", cli_str(st, "xdp_mode"), cli_str(st, "program_id"),
	       json_object_get_boolean(json_object_object_get(st, "dispatched"))
		       ? ", libxdp dispatcher"
		       : "",
	       cli_str(st, "bind_mode"), cli_str(st, "bind_mode_config"), cli_str(st, "tx_path"),
	       cli_str(st, "tx_path_config"));
	printf("  %-10sanswered in XDP: %s\n", "SYNs", cli_str(st, "syn_in_xdp"));
	json_object_object_get_ex(st, "queues", &qs);
	printf("  %-10s", "queues");
	for (size_t i = 0; qs && i < json_object_array_length(qs); i++) {
		struct json_object *q = json_object_array_get_idx(qs, i);
		int cpu = json_object_get_int(json_object_object_get(q, "cpu"));

		if (cpu < 0)
			printf("%s%d -> unpinned", i ? ", " : "",
			       json_object_get_int(json_object_object_get(q, "queue")));
		else
			printf("%s%d -> cpu %d", i ? ", " : "",
			       json_object_get_int(json_object_object_get(q, "queue")), cpu);
		printf(" (%" PRIu64 " conns)", cli_u64(q, "conns_active"));
	}
	printf("\n");
	cli_print_list("endpoints", json_object_object_get(st, "endpoints"));
	cli_print_roots(json_object_object_get(st, "roots"));
	if (json_object_object_get_ex(st, "cache", &cache))
		printf("  %-10s%" PRIu64 " objects, %" PRIu64 " of %" PRIu64 " MiB\n", "cache",
		       cli_u64(cache, "objects"), cli_u64(cache, "bytes_used") >> 20,
		       cli_u64(cache, "bytes_budget") >> 20);
}

static int cli_status_one(const struct cli_env *env, const char *ifname, bool json)
{
	struct json_object *st = NULL;
	int err = cli_daemon_cmd(env, ifname, "status", NULL, NULL, &st);

	if (cli_no_daemon(err)) {
		cli_say_fallback(env, ifname, err);
		st = cli_pinned_view(ifname, true);
	}
	if (!st)
		return CLI_EXIT_FAIL;
	if (json)
		cli_json_print(stdout, st);
	else
		cli_status_text(st);
	json_object_put(st);
	return CLI_EXIT_OK;
}

/* Interfaces that run our steering program without a daemon answering: add to names. */
static int cli_status_add_attached(char (*names)[16], int n, int max)
{
	struct if_nameindex *ifs = if_nameindex(), *i;
	char others[8];
	bool ours;

	for (i = ifs; i && i->if_index && n < max; i++) {
		bool known = false;

		for (int k = 0; k < n; k++)
			known |= !strcmp(names[k], i->if_name);
		if (!known && doctor_xdp_programs(i->if_name, &ours, others, sizeof(others)) > 0 &&
		    ours)
			snprintf(names[n++], sizeof(names[0]), "%s", i->if_name);
	}
	if (ifs)
		if_freenameindex(ifs);
	return n;
}

static int cli_status(const struct cli_cmd *cmd, const struct cli_env *env, int argc, char **argv)
{
	char names[CLI_MAX_DAEMONS][16];
	bool json = false;
	int ret, n;

	ret = cli_parse_common(cmd, argc, argv, &json);
	if (ret >= 0)
		return ret;
	if (argc - optind > 1)
		return cli_usage_error(cmd, "expected at most one interface");
	if (argc - optind == 1)
		return cli_status_one(env, argv[optind], json);
	n = cli_daemon_list(env, names, CLI_MAX_DAEMONS);
	n = cli_status_add_attached(names, n, CLI_MAX_DAEMONS);
	if (!n) {
		fprintf(stderr,
			"xdpservectl: no daemon answers in %s and no interface runs the steering "
			"program\n",
			env->runtime_dir);
		return CLI_EXIT_FAIL;
	}
	ret = CLI_EXIT_OK;
	for (int i = 0; i < n; i++)
		if (cli_status_one(env, names[i], json))
			ret = CLI_EXIT_FAIL;
	return ret;
}

const struct cli_cmd cli_cmd_status = {
	.name = "status",
	.args = "[IFACE] [--json]",
	.summary = "PID, uptime, XDP/AF_XDP modes, TX path, queues -> CPUs, endpoints, roots, "
		   "cache; every daemon and steered interface when no IFACE",
	.run = cli_status,
};
