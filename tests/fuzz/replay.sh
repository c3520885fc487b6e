#!/bin/bash
# Replay every committed fuzz corpus (tests/fuzz/corpus/<name>/, regression
# inputs included) through its target once: one TAP case per target. The
# replay binaries are built with the normal compiler (and under ASan and
# UBSan in the sanitizer pass), so this is where a fixed crash stays fixed.
srcdir=${XDPSERVE_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${XDPSERVE_BUILDDIR:-$srcdir/_build}
# shellcheck source=tests/helpers/tap.sh
. "$srcdir/tests/helpers/tap.sh"

names="net tcp_options tcp_stack http_parse http_path http_range conf"
tap_plan 7
for t in $names; do
	bin=$builddir/tests/fuzz/replay_$t corpus=$srcdir/tests/fuzz/corpus/$t
	if [ ! -x "$bin" ] || [ ! -d "$corpus" ]; then
		tap_not_ok "$t: replay binary or corpus missing ($bin, $corpus)"
		continue
	fi
	out=$("$bin" "$corpus" 2>&1)
	status=$?
	n=$(printf '%s\n' "$out" | sed -n 's/^replayed \([0-9]*\) inputs$/\1/p')
	if [ "$status" -eq 0 ] && [ "${n:-0}" -gt 0 ]; then
		tap_ok "$t: $n corpus inputs replayed"
	else
		tap_not_ok "$t: corpus replay failed (exit $status)"
		printf '%s\n' "$out" | tail -n 30 | tap_diag -
	fi
done
tap_done
