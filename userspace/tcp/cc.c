// SPDX-License-Identifier: GPL-2.0-only
/*
 * cc.c — the list of congestion control algorithms, for configuration code
 * that picks one by name before tcp_stack__create().
 */
#include "tcp/cc.h"

#include <string.h>

const struct tcp_cc_ops *tcp_cc_find(const char *name)
{
	static const struct tcp_cc_ops *const all[] = {&tcp_cc_cubic, &tcp_cc_newreno};

	for (unsigned int i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (!strcmp(all[i]->name, name))
			return all[i];
	return NULL;
}
