#!/usr/bin/env bash
# impair_mtu.sh — a path with a smaller MTU than the endpoints': the relay
# (tests/helpers/relay.c) forwards no IP packet longer than 1280 bytes, so
# every full-sized segment of the server is too big for it.
#   mtu1280    each such packet is answered with ICMP "fragmentation needed"
#              (IPv4) / ICMPv6 "packet too big" from the router's address:
#              the daemon must lower that connection's MSS
#   blackhole  they are dropped silently: the daemon must find the smaller
#              MSS by itself (RFC 4821-style probing after repeated RTOs)
# Each profile: 50 downloads from 1 KiB to 64 MiB, IPv4 and IPv6, client
# timestamps on and off, sha256-exact, then no connection held and a clean
# exit (the same run as impair.sh; tests/helpers/relaybed.sh).
. "$(dirname "$0")/../helpers/testbed.sh"
# shellcheck source=tests/helpers/daemon.sh
. "$(dirname "$0")/../helpers/daemon.sh"
# shellcheck source=tests/helpers/relaybed.sh
. "$(dirname "$0")/../helpers/relaybed.sh"

# shellcheck disable=SC2086 # IMPAIR_PROFILES is a list
rb_e2e_main ${IMPAIR_PROFILES:-mtu1280 blackhole}
