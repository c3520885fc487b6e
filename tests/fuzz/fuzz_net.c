// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_net.c — Ethernet (+802.1Q), IPv4 and IPv6 input (userspace/net) on
 * arbitrary frames. Properties: eth_input() accepts only what it can
 * describe — the TCP area it hands on lies inside the frame, the family is
 * 4 or 6, the received headers are at least as long as the reply's, and
 * eth_output() of the reply path round-trips through eth_input().
 */
#include "fuzz/fuzz.h"

#include <string.h>

#include "net/eth.h"

static void check_roundtrip(const struct net_rx *rx)
{
	uint8_t out[128], frame[128 + 64] = {0};
	uint32_t sum, n, l4_len = 20;
	struct net_rx back;
	struct net_path p = rx->path;

	n = eth_output(out, &p, l4_len, 1, &sum);
	FUZZ_CHECK(n == eth_output_hdr_len(&p), "eth_output wrote %u bytes", n);
	memcpy(frame, out, n);
	frame[n + 12] = 5 << 4; /* a bare TCP header after it */
	FUZZ_CHECK(eth_input(frame, n + l4_len, &back) == NET_OK, "our own headers are refused");
	FUZZ_CHECK(back.l4 == frame + n && back.l4_len == l4_len, "l4 at %td len %u",
		   back.l4 - frame, back.l4_len);
	FUZZ_CHECK(back.path.family == p.family && back.path.vlan == p.vlan, "path changed");
	/* What we send comes back with local and remote swapped. */
	FUZZ_CHECK(!memcmp(back.path.remote_addr, p.local_addr, 16) &&
			   !memcmp(back.path.local_addr, p.remote_addr, 16),
		   "addresses do not round-trip");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eth_info e;
	struct net_rx rx;
	uint32_t len = size > UINT32_MAX ? UINT32_MAX : (uint32_t)size;
	int n;

	n = eth_parse(data, len, &e);
	FUZZ_CHECK(n == -1 || n == -2 || (n >= NET_ETH_HLEN && (uint32_t)n <= len), "eth_parse %d",
		   n);
	if (eth_input(data, len, &rx) != NET_OK)
		return 0;
	FUZZ_CHECK(rx.l4 >= data && rx.l4 + rx.l4_len <= data + len, "TCP area outside the frame");
	FUZZ_CHECK(rx.path.family == NET_FAMILY_INET || rx.path.family == NET_FAMILY_INET6,
		   "family %u", rx.path.family);
	/* IPv4 options make the received header longer than ours, never shorter. */
	FUZZ_CHECK((uint32_t)(rx.l4 - data) >= eth_output_hdr_len(&rx.path),
		   "header length %td, reply headers %u", rx.l4 - data,
		   eth_output_hdr_len(&rx.path));
	check_roundtrip(&rx);
	return 0;
}
