// SPDX-License-Identifier: GPL-2.0-only
/*
 * endpoint.c — served endpoints as text ("198.18.0.0/24:80",
 * "[fd00::1]:8080") and as XDPSERVE_MAP_ENDPOINTS keys, plus the names of
 * the counter slots.
 *
 * Called by xdpservectl (addr add/del/list, stats) and by the daemon when it
 * reads served addresses from its configuration. Pure: no maps, no
 * allocation, no privileges.
 */
#include "config.h"

#include "steer/steer.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest address part we accept: "[" IPv6 "/128" "]". */
#define ENDPOINT_ADDR_MAX (INET6_ADDRSTRLEN + 8)

/* Decimal in [lo, hi] spanning exactly [s, end); -1 otherwise. */
static long endpoint_number(const char *s, const char *end, long lo, long hi)
{
	long v = 0;

	if (s == end || end - s > 5)
		return -1;
	/* No sign, no leading zeros except "0" itself, digits only. */
	if (*s == '0' && end - s > 1)
		return -1;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v >= lo && v <= hi ? v : -1;
}

/* True when every bit of addr past the first `plen` bits is zero. */
static bool endpoint_host_bits_zero(const __u8 *addr, unsigned int bytes, unsigned int plen)
{
	for (unsigned int i = 0; i < bytes; i++) {
		unsigned int first = i * 8;
		__u8 mask;

		if (first + 8 <= plen)
			continue;
		mask = first >= plen ? 0xff : (__u8)(0xff >> (plen - first));
		if (addr[i] & mask)
			return false;
	}
	return true;
}

int steer_endpoint_parse(const char *text, struct xdpserve_endpoint_key *key)
{
	char addr[ENDPOINT_ADDR_MAX];
	const char *colon, *a, *a_end, *slash;
	unsigned int max_plen, bytes;
	long port, plen;
	int family;

	if (!text || !key)
		return -EINVAL;
	colon = strrchr(text, ':');
	if (!colon)
		return -EINVAL;
	port = endpoint_number(colon + 1, colon + strlen(colon), 1, 65535);
	if (port < 0)
		return -EINVAL;

	/* The address part is [v6[/len]] or v4[/len]; inside the brackets for v6. */
	a = text;
	a_end = colon;
	if (*a == '[') {
		if (a_end - a < 2 || a_end[-1] != ']')
			return -EINVAL;
		a++;
		a_end--;
		family = XDPSERVE_FAMILY_INET6;
	} else {
		family = XDPSERVE_FAMILY_INET;
	}
	if (memchr(a, ']', (size_t)(a_end - a)) || memchr(a, '[', (size_t)(a_end - a)))
		return -EINVAL;
	if (family == XDPSERVE_FAMILY_INET && memchr(a, ':', (size_t)(a_end - a)))
		return -EINVAL; /* a bare IPv6 address needs brackets */

	max_plen = family == XDPSERVE_FAMILY_INET ? 32 : 128;
	bytes = max_plen / 8;
	slash = memchr(a, '/', (size_t)(a_end - a));
	if (slash) {
		plen = endpoint_number(slash + 1, a_end, 0, max_plen);
		if (plen < 0)
			return -EINVAL;
	} else {
		plen = max_plen;
		slash = a_end;
	}
	if (slash - a <= 0 || (size_t)(slash - a) >= sizeof(addr))
		return -EINVAL;
	memcpy(addr, a, (size_t)(slash - a));
	addr[slash - a] = '\0';

	memset(key, 0, sizeof(*key));
	if (inet_pton(family == XDPSERVE_FAMILY_INET ? AF_INET : AF_INET6, addr, key->addr) != 1)
		return -EINVAL;
	if (!endpoint_host_bits_zero(key->addr, bytes, (unsigned int)plen))
		return -EINVAL;
	key->prefixlen = XDPSERVE_ENDPOINT_FIXED_BITS + (__u32)plen;
	key->port = htons((uint16_t)port);
	key->family = (__u8)family;
	return 0;
}

int steer_endpoint_format(const struct xdpserve_endpoint_key *key, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN];
	unsigned int max_plen, plen;
	int n;

	if (!key || !buf || key->prefixlen < XDPSERVE_ENDPOINT_FIXED_BITS || key->pad)
		return -EINVAL;
	if (key->family == XDPSERVE_FAMILY_INET)
		max_plen = 32;
	else if (key->family == XDPSERVE_FAMILY_INET6)
		max_plen = 128;
	else
		return -EINVAL;
	plen = key->prefixlen - XDPSERVE_ENDPOINT_FIXED_BITS;
	if (plen > max_plen)
		return -EINVAL;
	if (!inet_ntop(max_plen == 32 ? AF_INET : AF_INET6, key->addr, addr, sizeof(addr)))
		return -EINVAL;

	if (max_plen == 32)
		n = plen == max_plen ? snprintf(buf, len, "%s:%u", addr, ntohs(key->port))
				     : snprintf(buf, len, "%s/%u:%u", addr, plen, ntohs(key->port));
	else
		n = plen == max_plen
			    ? snprintf(buf, len, "[%s]:%u", addr, ntohs(key->port))
			    : snprintf(buf, len, "[%s/%u]:%u", addr, plen, ntohs(key->port));
	if (n < 0 || (size_t)n >= len)
		return -ENOSPC;
	return n;
}

const char *steer_stat_name(enum xdpserve_stat stat)
{
	static const char *const names[XDPSERVE_STAT__MAX] = {
		[XDPSERVE_STAT_REDIRECTED] = "redirected",
		[XDPSERVE_STAT_REDIRECT_FAILED] = "redirect_failed",
		[XDPSERVE_STAT_PASS_NOT_SERVED] = "pass_not_served",
		[XDPSERVE_STAT_PASS_NOT_TCP] = "pass_not_tcp",
		[XDPSERVE_STAT_PASS_NOT_IP] = "pass_not_ip",
		[XDPSERVE_STAT_PASS_MALFORMED] = "pass_malformed",
		[XDPSERVE_STAT_PASS_FRAGMENT] = "pass_fragment",
		[XDPSERVE_STAT_PASS_IPV6_EXTHDR] = "pass_ipv6_exthdr",
		[XDPSERVE_STAT_PASS_OTHER_MAC] = "pass_other_mac",
		[XDPSERVE_STAT_DROP_FRAGMENT] = "drop_fragment",
		[XDPSERVE_STAT_REDIRECTED_ICMP] = "redirected_icmp",
		[XDPSERVE_STAT_SYNACK_TX] = "synack_tx",
	};

	if ((unsigned int)stat >= XDPSERVE_STAT__MAX)
		return NULL;
	return names[stat];
}
