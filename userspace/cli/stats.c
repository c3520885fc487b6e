// SPDX-License-Identifier: GPL-2.0-only
/*
 * stats.c — `xdpservectl stats IFACE [--json]`: the steering program's
 * per-outcome counters (packets and bytes, summed over CPUs), read straight
 * from its per-CPU map. Dispatched from main.c.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <unistd.h> /* optind */

#include "cli/cli.h"
#include "steer/steer.h"

static void cli_stats_text(struct steer *s, const struct xdpserve_stat_val *v)
{
	printf("interface %s, %s mode, program id %u%s\n", steer_ifname(s), steer_mode_name(s),
	       steer_prog_id(s), steer_is_dispatched(s) ? " (libxdp dispatcher)" : "");
	printf("%-20s %20s %20s\n", "outcome", "packets", "bytes");
	for (int i = 0; i < XDPSERVE_STAT__MAX; i++)
		printf("%-20s %20" PRIu64 " %20" PRIu64 "\n", steer_stat_name(i),
		       (uint64_t)v[i].packets, (uint64_t)v[i].bytes);
}

static void cli_stats_json(struct steer *s, const struct xdpserve_stat_val *v)
{
	printf("{\"interface\":");
	cli_json_string(stdout, steer_ifname(s));
	printf(",\"mode\":\"%s\",\"program_id\":%u,\"dispatched\":%s,\"stats\":{",
	       steer_mode_name(s), steer_prog_id(s), steer_is_dispatched(s) ? "true" : "false");
	for (int i = 0; i < XDPSERVE_STAT__MAX; i++)
		printf("%s\"%s\":{\"packets\":%" PRIu64 ",\"bytes\":%" PRIu64 "}", i ? "," : "",
		       steer_stat_name(i), (uint64_t)v[i].packets, (uint64_t)v[i].bytes);
	printf("}}\n");
}

static int cli_stats(const struct cli_cmd *cmd, int argc, char **argv)
{
	struct xdpserve_stat_val v[XDPSERVE_STAT__MAX];
	struct steer *s = NULL;
	bool json = false;
	int err;

	err = cli_parse_common(cmd, argc, argv, &json);
	if (err >= 0)
		return err;
	if (argc - optind != 1)
		return cli_usage_error(cmd, "expected one interface");
	if (steer__open(argv[optind], &s))
		return CLI_EXIT_FAIL;
	err = steer_stats_read(s, v);
	if (!err) {
		if (json)
			cli_stats_json(s, v);
		else
			cli_stats_text(s, v);
	}
	steer__close(s);
	return err ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

const struct cli_cmd cli_cmd_stats = {
	.name = "stats",
	.args = "IFACE [--json]",
	.summary = "per-outcome packet and byte counters of the steering program on IFACE",
	.run = cli_stats,
};
