#!/bin/sh
# Build xdpserve and run the whole test suite (unit, BPF and end-to-end).
# Installs missing build and test dependencies first (Debian 12, as root).
#
# Prints every case and ends with a line "N passed, N failed, N skipped".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/install-deps.sh" test || exit 1
"$top/scripts/build.sh" || exit 1
cd "$top/_build"
make -j"$(nproc)" --no-print-directory check >check.out 2>&1
status=$?
# Every case, as the TAP driver reported it.
grep -E '^(PASS|FAIL|SKIP|ERROR|XPASS|XFAIL):' check.out || true
if [ "$status" -ne 0 ]; then
	echo "--- test-suite.log ---"
	head -c 200000 test-suite.log 2>/dev/null || tail -50 check.out
fi
sum() { sed -n "s/^# $1: *//p" test-suite.log | head -1; }
pass=$(sum PASS); fail=$(sum FAIL); err=$(sum ERROR); skip=$(sum SKIP); xpass=$(sum XPASS)
pass=${pass:-0}; fail=$(( ${fail:-0} + ${err:-0} + ${xpass:-0} )); skip=${skip:-0}
[ -f test-suite.log ] || fail=$((fail + 1))
echo "$pass passed, $fail failed, $skip skipped"
[ "$status" -eq 0 ] && [ "$fail" -eq 0 ]
