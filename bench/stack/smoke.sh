#!/bin/bash
# Smoke run of bench/stack/stack_bench: a few thousand requests of every
# scenario (fewer under the sanitizer build). No timed assertion: it passes
# when every response arrived complete, every connection closed and every
# frame went back to its owner (the bench's exit status says so).
srcdir=${XDPSERVE_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${XDPSERVE_BUILDDIR:-$srcdir/_build}
# shellcheck source=tests/helpers/tap.sh
. "$srcdir/tests/helpers/tap.sh"

bin=$builddir/bench/stack/stack_bench
[ -x "$bin" ] || tap_bail "$bin is not built (make check builds it)"
n=4000
ldd "$bin" 2>/dev/null | grep -q libasan && n=1000
[ "${XDPSERVE_SANITIZE:-0}" = 1 ] && n=1000

tap_plan 4
for sc in keepalive-1k pipeline16-1k newconn-1k keepalive-64k; do
	out=$("$bin" --requests "$n" --scenario "$sc" 2>&1)
	status=$?
	if [ "$status" -eq 0 ] && printf '%s\n' "$out" | grep -q "^$sc "; then
		tap_ok "$sc: $n requests, every response complete, no frame leaked"
	else
		tap_not_ok "$sc: stack_bench failed (exit $status)"
	fi
	printf '%s\n' "$out" | tap_diag -
done
tap_done
