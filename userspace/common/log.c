// SPDX-License-Identifier: GPL-2.0-only
/*
 * log.c — leveled logging to stderr (journald picks it up under systemd).
 * Called by every module through the pr_*() macros in log.h.
 */
#include "common/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum log_level log_level_current = LOG_LEVEL_INFO;
static bool log_to_journal;

void log_set_level(enum log_level level)
{
	log_level_current = level;
	/* systemd sets JOURNAL_STREAM when stderr is the journal. */
	log_to_journal = getenv("JOURNAL_STREAM") != NULL;
}

int log_level_parse(const char *name, enum log_level *out)
{
	static const char *const names[] = {"err", "warn", "info", "debug"};

	for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(name, names[i])) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -EINVAL;
}

void log_print(enum log_level level, const char *fmt, ...)
{
	/* sd-daemon(3) priority prefixes, so journald keeps the level. */
	static const char *const prefix[] = {"<3>", "<4>", "<6>", "<7>"};
	static const char *const word[] = {"error: ", "warning: ", "", "debug: "};
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* One write per line keeps lines from different workers whole. */
	fprintf(stderr, "%s%s\n", log_to_journal ? prefix[level] : word[level], line);
}

bool log_ratelimit_allow(struct log_ratelimit *rl, uint64_t now_ns)
{
	if (rl->interval_ns && now_ns > rl->last_ns) {
		uint64_t add = (now_ns - rl->last_ns) / rl->interval_ns;

		if (add) {
			rl->tokens = add >= rl->burst ? rl->burst : rl->tokens + (uint32_t)add;
			if (rl->tokens > rl->burst)
				rl->tokens = rl->burst;
			rl->last_ns = now_ns;
		}
	}
	if (!rl->tokens) {
		rl->suppressed++;
		return false;
	}
	rl->tokens--;
	return true;
}
