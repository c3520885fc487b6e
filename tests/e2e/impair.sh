#!/usr/bin/env bash
# impair.sh — every download stays byte-exact on a bad path: the real daemon
# and real curl through the seeded impairment relay (tests/helpers/relaybed.sh,
# tests/helpers/relay.c), one bed per profile, all at once:
#   loss2     2 % random loss            reorder5  5 % reordered
#   dup1      1 % duplicated             corrupt   0.5 % with one byte flipped
#   bursty    Gilbert-Elliott bursts (about 2 %, 4 frames on average)
#   mixed     1 % loss, 2 % reorder, 0.5 % duplicates, 0.5 % corruption,
#             10 ms +- 5 ms delay each way
# Per profile 50 downloads from 1 KiB to 64 MiB over IPv4 and IPv6 with the
# client's TCP timestamps on and off, each sha256-exact within a generous
# curl --max-time; afterwards no connection held, the relay's counts show
# the impairment happened, and the daemon exits cleanly with every frame
# back with its owner. The sanitizer pass runs 26 smaller downloads per
# profile. The MTU profiles are in impair_mtu.sh. A failing run prints each
# profile's seed: RB_SEED=N replays it (docs/testing.md).
. "$(dirname "$0")/../helpers/testbed.sh"
# shellcheck source=tests/helpers/daemon.sh
. "$(dirname "$0")/../helpers/daemon.sh"
# shellcheck source=tests/helpers/relaybed.sh
. "$(dirname "$0")/../helpers/relaybed.sh"

# shellcheck disable=SC2086 # IMPAIR_PROFILES is a list
rb_e2e_main ${IMPAIR_PROFILES:-loss2 reorder5 dup1 corrupt bursty mixed}
