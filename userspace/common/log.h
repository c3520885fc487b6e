/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * log.h — leveled logging for the daemon and the CLI.
 *
 * pr_warn()/pr_info()/pr_debug() check the level before their arguments are
 * evaluated, so a disabled pr_debug() on the packet path costs one compare.
 * Anything a remote peer can trigger goes through pr_ratelimited(), which
 * allows a burst and then one message per interval, and says how many it
 * suppressed.
 *
 * The level is process-wide and set once at start-up (log_set_level) before
 * any worker thread runs; it is the one global the project allows.
 */
#ifndef XDPSERVE_LOG_H
#define XDPSERVE_LOG_H

#include <stdbool.h>
#include <stdint.h>

enum log_level {
	LOG_LEVEL_ERR = 0,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
};

extern enum log_level log_level_current;

void log_set_level(enum log_level level);
/* Parse "err", "warn", "info" or "debug"; -EINVAL otherwise. */
int log_level_parse(const char *name, enum log_level *out);
void log_print(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define __pr(level, ...)                                                                           \
	do {                                                                                       \
		if ((level) <= log_level_current)                                                  \
			log_print((level), __VA_ARGS__);                                           \
	} while (0)

#define pr_err(...)   __pr(LOG_LEVEL_ERR, __VA_ARGS__)
#define pr_warn(...)  __pr(LOG_LEVEL_WARN, __VA_ARGS__)
#define pr_info(...)  __pr(LOG_LEVEL_INFO, __VA_ARGS__)
#define pr_debug(...) __pr(LOG_LEVEL_DEBUG, __VA_ARGS__)

/*
 * A token bucket for messages; one per message site and per worker (it is
 * not thread-safe, so never share one between workers).
 */
struct log_ratelimit {
	uint64_t interval_ns; /* one token per interval */
	uint32_t burst;	      /* tokens when full */
	uint32_t tokens;
	uint64_t last_ns;
	uint64_t suppressed;
};

#define LOG_RATELIMIT_INIT(interval_ns_, burst_)                                                   \
	{                                                                                          \
		.interval_ns = (interval_ns_), .burst = (burst_), .tokens = (burst_)               \
	}

/* True when a message may be printed now; counts it as suppressed otherwise. */
bool log_ratelimit_allow(struct log_ratelimit *rl, uint64_t now_ns);

#define pr_ratelimited(rl, now_ns, level, fmt, ...)                                                \
	do {                                                                                       \
		if ((level) <= log_level_current && log_ratelimit_allow((rl), (now_ns))) {         \
			if ((rl)->suppressed)                                                      \
				log_print((level), fmt " (%llu similar suppressed)",               \
					  ##__VA_ARGS__, (unsigned long long)(rl)->suppressed);    \
			else                                                                       \
				log_print((level), fmt, ##__VA_ARGS__);                            \
			(rl)->suppressed = 0;                                                      \
		}                                                                                  \
	} while (0)

#endif /* XDPSERVE_LOG_H */
