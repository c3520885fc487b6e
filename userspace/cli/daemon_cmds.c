// SPDX-License-Identifier: GPL-2.0-only
/*
 * daemon_cmds.c — the subcommands only a running daemon can answer:
 * `conns` (its connections, like ss -tn), `cache list|flush|warm` and
 * `reload`. Each is one request on the control socket (client.c).
 * Dispatched from main.c.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h> /* optind */

#include "cli/cli.h"

static uint64_t cli_u64(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? (uint64_t)json_object_get_uint64(v) : 0;
}

static const char *cli_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : "";
}

/* Ask `cmd` of the daemon; a daemon that is not there is an error here (no fallback). */
static int cli_ask(const struct cli_env *env, const char *ifname, const char *cmd, const char *key,
		   const char *value, struct json_object **reply)
{
	int err = cli_daemon_cmd(env, ifname, cmd, key, value, reply);
	char path[256];

	if (cli_no_daemon(err)) {
		cli_socket_path(env, ifname, path, sizeof(path));
		fprintf(stderr,
			"xdpservectl: no daemon answers on %s (%s); is xdpserved running on %s? "
			"(systemctl status xdpserve@%s)\n",
			path, strerror(-err), ifname, ifname);
	}
	return err ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

/* How a subcommand shows a reply in words; `arg` is its own (a verb, the interface). */
typedef void cli_text_fn(struct json_object *r, const char *arg);

/* Ask, then print the reply as JSON or through `text`; a CLI_EXIT_* status. */
static int cli_ask_print(const struct cli_env *env, const char *ifname, const char *name,
			 const char *key, const char *value, bool json, cli_text_fn *text,
			 const char *arg)
{
	struct json_object *r = NULL;
	int ret = cli_ask(env, ifname, name, key, value, &r);

	if (ret)
		return ret;
	if (json)
		cli_json_print(stdout, r);
	else
		text(r, arg);
	json_object_put(r);
	return CLI_EXIT_OK;
}

/*
 * Options, then at most one operand, the interface (else the one daemon);
 * *ifname points into buf or argv. -1 to go on, else the status to return.
 */
static int cli_parse_iface(const struct cli_cmd *cmd, const struct cli_env *env, int argc,
			   char **argv, bool *json, char *buf, const char **ifname)
{
	int ret = cli_parse_common(cmd, argc, argv, json);

	if (ret >= 0)
		return ret;
	if (argc - optind > 1)
		return cli_usage_error(cmd, "expected at most one interface");
	*ifname = cli_pick_iface(cmd, env, argc - optind ? argv[optind] : NULL, buf);
	return *ifname ? -1 : CLI_EXIT_USAGE;
}

/* --- conns --------------------------------------------------------------- */

static void cli_conns_text(struct json_object *r, const char *arg)
{
	struct json_object *a = json_object_object_get(r, "conns");

	printf("%-12s %5s %12s %12s %-26s %-26s %8s %9s\n", "State", "Queue", "Bytes-In",
	       "Bytes-Out", "Local Address:Port", "Peer Address:Port", "Cwnd", "RTT(ms)");
	for (size_t i = 0; a && i < json_object_array_length(a); i++) {
		struct json_object *c = json_object_array_get_idx(a, i);

		printf("%-12s %5" PRIu64 " %12" PRIu64 " %12" PRIu64 " %-26s %-26s %8" PRIu64
		       " %9.3f\n",
		       cli_str(c, "state"), cli_u64(c, "queue"), cli_u64(c, "bytes_in"),
		       cli_u64(c, "bytes_out"), cli_str(c, "local"), cli_str(c, "peer"),
		       cli_u64(c, "cwnd"), (double)cli_u64(c, "rtt_us") / 1000.0);
	}
	if (json_object_get_boolean(json_object_object_get(r, "truncated")))
		printf("(%" PRIu64 " connections in all; the list is cut short)\n",
		       cli_u64(r, "total"));
}

static int cli_conns(const struct cli_cmd *cmd, const struct cli_env *env, int argc, char **argv)
{
	char buf[IF_NAMESIZE];
	const char *ifname = NULL;
	bool json = false;
	int ret = cli_parse_iface(cmd, env, argc, argv, &json, buf, &ifname);

	if (ret >= 0)
		return ret;
	return cli_ask_print(env, ifname, "conns", NULL, NULL, json, cli_conns_text, NULL);
}

const struct cli_cmd cli_cmd_conns = {
	.name = "conns",
	.args = "[IFACE] [--json]",
	.summary = "the daemon's connections, like ss -tn: state, peer, bytes in/out, cwnd, rtt",
	.run = cli_conns,
};

/* --- cache --------------------------------------------------------------- */

static void cli_cache_text(struct json_object *r, const char *verb)
{
	struct json_object *a;

	if (!strcmp(verb, "flush")) {
		printf("%" PRIu64 " objects dropped\n", cli_u64(r, "dropped"));
		return;
	}
	if (!strcmp(verb, "warm")) {
		a = json_object_object_get(r, "queues");
		for (size_t i = 0; a && i < json_object_array_length(a); i++) {
			struct json_object *q = json_object_array_get_idx(a, i);

			printf("queue %" PRIu64 ": /%s %s\n", cli_u64(q, "queue"),
			       cli_str(r, "path"), cli_str(q, "result"));
		}
		return;
	}
	a = json_object_object_get(r, "files");
	printf("%5s %12s %6s %-20s %s\n", "Queue", "Size", "Chunks", "Modified", "Path");
	for (size_t i = 0; a && i < json_object_array_length(a); i++) {
		struct json_object *f = json_object_array_get_idx(a, i);
		time_t t = (time_t)cli_u64(f, "mtime");
		char when[32];
		struct tm tm;

		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", localtime_r(&t, &tm));
		printf("%5" PRIu64 " %12" PRIu64 " %6" PRIu64 " %-20s /%s\n", cli_u64(f, "queue"),
		       cli_u64(f, "size"), cli_u64(f, "chunks"), when, cli_str(f, "path"));
	}
}

static int cli_cache(const struct cli_cmd *cmd, const struct cli_env *env, int argc, char **argv)
{
	const char *verb, *path = NULL, *ifname;
	char buf[IF_NAMESIZE], name[32];
	bool json = false;
	int ret = cli_parse_common(cmd, argc, argv, &json), ops;

	if (ret >= 0)
		return ret;
	if (argc - optind < 1)
		return cli_usage_error(cmd, "expected list, flush or warm");
	verb = argv[optind];
	ops = argc - optind - 1;
	if (!strcmp(verb, "warm")) {
		if (ops < 1 || ops > 2)
			return cli_usage_error(cmd, "warm takes a PATH and, optionally, IFACE");
		path = argv[optind + 1];
		if (path[0] != '/')
			return cli_usage_error(cmd, "PATH is the URL path, such as /index.html");
		ifname = ops == 2 ? argv[optind + 2] : NULL;
	} else if (!strcmp(verb, "list") || !strcmp(verb, "flush")) {
		if (ops > 1)
			return cli_usage_error(cmd, "%s takes at most an interface", verb);
		ifname = ops ? argv[optind + 1] : NULL;
	} else {
		return cli_usage_error(cmd, "unknown action '%s' (list, flush or warm)", verb);
	}
	ifname = cli_pick_iface(cmd, env, ifname, buf);
	if (!ifname)
		return CLI_EXIT_USAGE;
	snprintf(name, sizeof(name), "cache-%s", verb);
	return cli_ask_print(env, ifname, name, path ? "path" : NULL, path, json, cli_cache_text,
			     verb);
}

const struct cli_cmd cli_cmd_cache = {
	.name = "cache",
	.args = "list [IFACE] | flush [IFACE] | warm PATH [IFACE]  [--json]",
	.summary = "the files in the daemon's content cache; drop them all; load PATH ahead",
	.run = cli_cache,
};

/* --- reload -------------------------------------------------------------- */

static void cli_reload_text(struct json_object *r, const char *ifname)
{
	printf("%s: reload %s (the daemon's log says how it went)\n", ifname, cli_str(r, "reload"));
}

static int cli_reload(const struct cli_cmd *cmd, const struct cli_env *env, int argc, char **argv)
{
	char buf[IF_NAMESIZE];
	const char *ifname = NULL;
	int ret = cli_parse_iface(cmd, env, argc, argv, NULL, buf, &ifname);

	if (ret >= 0)
		return ret;
	return cli_ask_print(env, ifname, "reload", NULL, NULL, false, cli_reload_text, ifname);
}

const struct cli_cmd cli_cmd_reload = {
	.name = "reload",
	.args = "[IFACE]",
	.summary = "make the daemon read its configuration again (as SIGHUP does)",
	.run = cli_reload,
};
