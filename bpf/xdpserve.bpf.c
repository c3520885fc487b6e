// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Placeholder until the steering program lands in this branch. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "xdpserve/shared.h"
#include "parse.h"

SEC("xdp")
int xdpserve_steer(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char _license[] SEC("license") = "Dual BSD/GPL";
