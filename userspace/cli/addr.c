// SPDX-License-Identifier: GPL-2.0-only
/*
 * addr.c — `xdpservectl endpoint add|del|list IFACE [ENDPOINT]` (the old
 * name `addr` stays as an alias): the served endpoints in the steering
 * program's LPM trie, read and written directly (works whether or not the
 * daemon runs; a running daemon serves from the same map at once).
 * Dispatched from main.c.
 */
#include "config.h"

#include <stdio.h>
#include <unistd.h> /* optind */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "steer/steer.h"

static int cli_addr_list(struct steer *s, bool json)
{
	struct xdpserve_endpoint_key *keys;
	char text[STEER_ENDPOINT_STRLEN];
	int n;

	keys = calloc(XDPSERVE_MAX_ENDPOINTS, sizeof(*keys));
	if (!keys) {
		fprintf(stderr, "xdpservectl: out of memory\n");
		return CLI_EXIT_FAIL;
	}
	n = steer_endpoint_list(s, keys, XDPSERVE_MAX_ENDPOINTS);
	if (n < 0) {
		free(keys);
		return CLI_EXIT_FAIL;
	}
	if (n > XDPSERVE_MAX_ENDPOINTS)
		n = XDPSERVE_MAX_ENDPOINTS;
	if (json) {
		printf("{\"interface\":");
		cli_json_string(stdout, steer_ifname(s));
		printf(",\"endpoints\":[");
	}
	for (int i = 0; i < n; i++) {
		if (steer_endpoint_format(&keys[i], text, sizeof(text)) < 0)
			snprintf(text, sizeof(text), "(invalid key: prefixlen %u family %u)",
				 keys[i].prefixlen, keys[i].family);
		if (json) {
			printf("%s", i ? "," : "");
			cli_json_string(stdout, text);
		} else {
			printf("%s\n", text);
		}
	}
	if (json)
		printf("]}\n");
	free(keys);
	return CLI_EXIT_OK;
}

static int cli_addr(const struct cli_cmd *cmd, const struct cli_env *env, int argc, char **argv)
{
	struct xdpserve_endpoint_key key;
	const char *verb, *ifname;
	struct steer *s = NULL;
	bool json = false;
	int ret;

	ret = cli_parse_common(cmd, argc, argv, &json);
	if (ret >= 0)
		return ret;
	if (argc - optind < 2)
		return cli_usage_error(cmd, "expected add, del or list and an interface");
	verb = argv[optind];
	ifname = argv[optind + 1];
	if (!strcmp(verb, "list")) {
		if (argc - optind != 2)
			return cli_usage_error(cmd, "list takes only an interface");
	} else if (!strcmp(verb, "add") || !strcmp(verb, "del")) {
		if (argc - optind != 3)
			return cli_usage_error(cmd, "%s takes an interface and one endpoint", verb);
		if (steer_endpoint_parse(argv[optind + 2], &key))
			return cli_usage_error(cmd,
					       "invalid endpoint '%s': expected ADDR[/PREFIX]:PORT "
					       "with zero host bits, IPv6 in brackets "
					       "(198.18.0.0/24:80, [fd00::1]:8080)",
					       argv[optind + 2]);
	} else {
		return cli_usage_error(cmd, "unknown action '%s' (add, del or list)", verb);
	}

	if (steer__open(ifname, &s))
		return CLI_EXIT_FAIL;
	if (!strcmp(verb, "list"))
		ret = cli_addr_list(s, json);
	else if (!strcmp(verb, "add"))
		ret = steer_endpoint_add(s, &key) ? CLI_EXIT_FAIL : CLI_EXIT_OK;
	else
		ret = steer_endpoint_del(s, &key) ? CLI_EXIT_FAIL : CLI_EXIT_OK;
	steer__close(s);
	return ret;
}

const struct cli_cmd cli_cmd_endpoint = {
	.name = "endpoint",
	.args = "add|del IFACE ENDPOINT | list IFACE [--json]",
	.summary = "serve, stop serving or list the endpoints steered to AF_XDP on IFACE",
	.run = cli_addr,
};

const struct cli_cmd cli_cmd_addr = {
	.name = "addr",
	.args = "add|del IFACE ENDPOINT | list IFACE [--json]",
	.summary = "the same as endpoint (the older name)",
	.run = cli_addr,
};
