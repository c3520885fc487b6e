// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for daemon/control.c (the JSON-lines protocol, with a fake
 * command table standing in for the daemon) and daemon/metrics.c (the
 * Prometheus text from a stats reply, the --metrics-listen parser).
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <json-c/json.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "daemon/control.h"
#include "daemon/metrics.h"

struct fake_daemon {
	int calls;
	char last_path[64];
};

static int fake_status(void *ctx, struct json_object *req, struct json_object *reply)
{
	struct fake_daemon *d = ctx;

	d->calls++;
	json_object_object_add(reply, "pid", json_object_new_int(42));
	json_object_object_add(reply, "interface", json_object_new_string("veth0"));
	return 0;
}

static int fake_warm(void *ctx, struct json_object *req, struct json_object *reply)
{
	struct fake_daemon *d = ctx;
	struct json_object *p;

	if (!json_object_object_get_ex(req, "path", &p))
		return control_error(reply, EINVAL, "no path");
	snprintf(d->last_path, sizeof(d->last_path), "%s", json_object_get_string(p));
	return 0;
}

static const struct control_cmd fake_cmds[] = {
	{"status", fake_status},
	{"cache-warm", fake_warm},
};

/* The reply to one line, parsed; asserts it is one JSON object ending in a newline. */
static struct json_object *ask(struct fake_daemon *d, const char *line)
{
	char *text = control_handle_line(fake_cmds, 2, d, line);
	struct json_object *o;
	size_t len;

	cr_assert_not_null(text);
	len = strlen(text);
	cr_assert(len > 1 && text[len - 1] == '\n' && !memchr(text, '\n', len - 1), "one line: %s",
		  text);
	o = json_tokener_parse(text);
	free(text);
	cr_assert(o && json_object_is_type(o, json_type_object));
	return o;
}

static const char *str(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : NULL;
}

Test(control, dispatches_to_the_named_command)
{
	struct fake_daemon d = {0};
	struct json_object *r = ask(&d, "{\"cmd\":\"status\"}");

	cr_assert_eq(d.calls, 1);
	cr_assert_str_eq(str(r, "interface"), "veth0");
	cr_assert_null(str(r, "error"));
	json_object_put(r);
}

Test(control, passes_arguments_and_reports_command_errors)
{
	struct fake_daemon d = {0};
	struct json_object *r = ask(&d, "{\"cmd\":\"cache-warm\",\"path\":\"/a b\\\"c\"}");

	cr_assert_str_eq(d.last_path, "/a b\"c");
	json_object_put(r);
	r = ask(&d, "{\"cmd\":\"cache-warm\"}");
	cr_assert_str_eq(str(r, "error"), "no path");
	json_object_put(r);
}

Test(control, malformed_requests_get_an_error_object)
{
	static const char *const bad[] = {
		"",
		"garbage",
		"[1,2]",
		"\"status\"",
		"{\"cmd\":1}",
		"{\"nocmd\":\"status\"}",
		"{\"cmd\":\"status\"",
		"{\"cmd\":\"unknown\"}",
		"{\"cmd\":\"Status\"}",
	};
	struct fake_daemon d = {0};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct json_object *r = ask(&d, bad[i]);

		cr_assert_not_null(str(r, "error"), "no error for '%s'", bad[i]);
		json_object_put(r);
	}
	cr_assert_eq(d.calls, 0);
}

Test(control, error_helper_returns_negative_errno)
{
	struct json_object *r = json_object_new_object();

	cr_assert_eq(control_error(r, ENOENT, "x %d", 1), -ENOENT);
	cr_assert_eq(control_error(r, -EINVAL, "y"), -EINVAL);
	cr_assert_str_eq(str(r, "error"), "y");
	json_object_put(r);
}

/* A stats reply as control_cmds.c builds it, two queues. */
static const char fake_stats[] =
	"{\"interface\":\"veth0\",\"source\":\"daemon\",\"start_time\":1700000000,"
	"\"steer\":{\"redirected\":{\"packets\":10,\"bytes\":900},"
	"\"pass_not_ip\":{\"packets\":1,\"bytes\":42}},"
	"\"queues\":[{\"queue\":0,\"tcp\":{\"rx_frames\":5,\"rx_drop_csum\":2,"
	"\"conns_active\":3},\"http\":{\"requests\":7,\"status_2xx\":6,\"status_4xx\":1}},"
	"{\"queue\":1,\"tcp\":{\"rx_frames\":8},\"http\":{\"status_2xx\":4}}]}";

static char *format(const char *json)
{
	struct json_object *st = json_tokener_parse(json);
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	cr_assert_eq(metrics_format(st, out), 0);
	fclose(out);
	json_object_put(st);
	return buf;
}

Test(metrics, samples_carry_queue_reason_and_class_labels)
{
	char *text = format(fake_stats);

	cr_assert(strstr(text, "xdpserve_up 1\n"));
	cr_assert(strstr(text, "xdpserve_tcp_rx_frames_total{queue=\"0\"} 5\n"));
	cr_assert(strstr(text, "xdpserve_tcp_rx_frames_total{queue=\"1\"} 8\n"));
	cr_assert(
		strstr(text, "xdpserve_tcp_rx_dropped_total{queue=\"0\",reason=\"checksum\"} 2\n"));
	cr_assert(strstr(text, "xdpserve_http_responses_total{queue=\"0\",class=\"2xx\"} 6\n"));
	cr_assert(strstr(text, "xdpserve_http_responses_total{queue=\"1\",class=\"2xx\"} 4\n"));
	cr_assert(strstr(text, "xdpserve_tcp_conns_active{queue=\"0\"} 3\n"));
	cr_assert(strstr(text, "xdpserve_xdp_packets_total{reason=\"redirected\"} 10\n"));
	cr_assert(strstr(text, "# TYPE xdpserve_tcp_conns_active gauge\n"));
	free(text);
}

/* Every sample's name has its TYPE line before it, and each TYPE comes once. */
Test(metrics, type_lines_precede_their_samples_once)
{
	char *text = format(fake_stats), *save = NULL, *line;
	char typed[128][80];
	int ntyped = 0;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[80];

		if (!strncmp(line, "# TYPE ", 7)) {
			cr_assert_eq(sscanf(line + 7, "%79s", name), 1);
			for (int i = 0; i < ntyped; i++)
				cr_assert_str_neq(typed[i], name, "TYPE %s twice", name);
			snprintf(typed[ntyped++], sizeof(typed[0]), "%s", name);
			continue;
		}
		if (line[0] == '#')
			continue;
		cr_assert_eq(sscanf(line, "%79[a-z_]", name), 1, "bad sample '%s'", line);
		cr_assert(ntyped > 0 && !strcmp(typed[ntyped - 1], name),
			  "sample '%s' is not under its own TYPE line", line);
	}
	free(text);
}

Test(metrics, pinned_map_view_is_down_with_steering_counters)
{
	char *text = format("{\"interface\":\"veth0\",\"source\":\"pinned-maps\","
			    "\"steer\":{\"redirected\":{\"packets\":3,\"bytes\":9}}}");

	cr_assert(strstr(text, "xdpserve_up 0\n"));
	cr_assert(strstr(text, "xdpserve_xdp_bytes_total{reason=\"redirected\"} 9\n"));
	cr_assert_null(strstr(text, "queue="));
	free(text);
}

Test(metrics, listen_addresses)
{
	struct sockaddr_storage ss;
	unsigned int len;

	cr_assert_eq(metrics_parse_listen("127.0.0.1:9464", &ss, &len), 0);
	cr_assert_eq(ss.ss_family, AF_INET);
	cr_assert_eq(ntohs(((struct sockaddr_in *)&ss)->sin_port), 9464);
	cr_assert_eq(metrics_parse_listen("[::1]:80", &ss, &len), 0);
	cr_assert_eq(ss.ss_family, AF_INET6);
	cr_assert_eq(len, sizeof(struct sockaddr_in6));
	cr_assert_eq(metrics_parse_listen("0.0.0.0:1", &ss, &len), 0);
	static const char *const bad[] = {"127.0.0.1",	     "127.0.0.1:", ":80",     "127.0.0.1:0",
					  "127.0.0.1:65536", "::1:80",	   "[::1]80", "host:80",
					  "1.2.3.4:80x",     "[fd00::1:80"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(metrics_parse_listen(bad[i], &ss, &len), -EINVAL, "%s", bad[i]);
}
