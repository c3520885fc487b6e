/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * steer_ref.h — a reference for the steering program's decision, written
 * as plain C over a byte array from the header layouts (RFC 791, 8200,
 * 9293, IEEE 802.1Q), sharing no code with bpf/parse.h. test_steer.c runs
 * mutated frames through both and asks for the same counter slot.
 *
 * "Well-formed" here is what the program promises: Ethernet with at most
 * one 802.1Q tag, an IPv4 header (version 4, IHL >= 5, all of it in the
 * frame, not a later fragment) or an IPv6 header (version 6, then at most
 * four hop-by-hop / destination-options / fragment headers), then a whole
 * TCP header (data offset >= 5, options included) inside the frame, sent
 * to `mac` (NULL: any MAC). A first fragment to a served endpoint is
 * dropped; an ICMP "packet too big" quoting a segment from a served
 * endpoint is redirected like the segment's flow. IP length fields and checksums are the user-space
 * stack's to check (net/ipv4.c, net/ipv6.c), which counts what fails.
 */
#ifndef XDPSERVE_TESTS_STEER_REF_H
#define XDPSERVE_TESTS_STEER_REF_H

#include <stddef.h>
#include <stdint.h>

#include "xdpserve/shared.h"

/*
 * The slot a frame must land in when `keys` (nkeys entries, as the loader
 * puts them in the endpoint map) are served and no socket is bound:
 * XDPSERVE_STAT_REDIRECT_FAILED for a frame the program must redirect.
 */
enum xdpserve_stat steer_ref_classify(const uint8_t *f, size_t len,
				      const struct xdpserve_endpoint_key *keys, size_t nkeys,
				      const uint8_t *mac);

#endif /* XDPSERVE_TESTS_STEER_REF_H */
