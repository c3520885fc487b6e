#!/bin/sh
# Build xdpserve and run the whole test suite (unit, BPF and end-to-end)
# twice: a normal build, then one with AddressSanitizer and
# UndefinedBehaviorSanitizer, where any memory error or leak fails its
# test; then, once, the Debian package and its unit under systemd in a
# container (tests/e2e/systemd.sh); then every fuzz target for a short smoke run (tests/fuzz/run.sh,
# FUZZ_SECONDS each, default 15). Installs missing build and test dependencies first (Debian 12, as
# root).
#
# Prints every case and ends with "N passed, N failed, N skipped".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/install-deps.sh" test || exit 1

SAN_FLAGS="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined"
total_pass=0 total_fail=0 total_skip=0 status=0

# run_pass NAME BUILDDIR CONFIGURE-ARGS...
run_pass() {
	name=$1 dir=$2
	shift 2
	echo "== $name"
	if ! "$top/scripts/build.sh" "$dir" "$@"; then
		echo "$name: build failed"
		total_fail=$((total_fail + 1)) status=1
		return
	fi
	cd "$top/$dir" || return
	make -j"$(nproc)" --no-print-directory check >check.out 2>&1 || status=1
	# Every case, as the TAP driver reported it.
	grep -E '^(PASS|FAIL|SKIP|ERROR|XPASS|XFAIL):' check.out | sed "s/^/$name /"
	if [ ! -f test-suite.log ]; then
		tail -40 check.out
		total_fail=$((total_fail + 1)) status=1
		return
	fi
	if grep -qE '^# (FAIL|ERROR|XPASS): *[1-9]' test-suite.log; then
		echo "--- $name: test-suite.log ---"
		head -c 200000 test-suite.log
	fi
	p=$(sed -n 's/^# PASS: *//p' test-suite.log)
	f=$(sed -n 's/^# FAIL: *//p' test-suite.log)
	e=$(sed -n 's/^# ERROR: *//p' test-suite.log)
	x=$(sed -n 's/^# XPASS: *//p' test-suite.log)
	s=$(sed -n 's/^# SKIP: *//p' test-suite.log)
	echo "$name: ${p:-0} passed, $((${f:-0} + ${e:-0} + ${x:-0})) failed, ${s:-0} skipped"
	total_pass=$((total_pass + ${p:-0}))
	total_fail=$((total_fail + ${f:-0} + ${e:-0} + ${x:-0}))
	total_skip=$((total_skip + ${s:-0}))
}

# fuzz_smoke: every libFuzzer target for FUZZ_SECONDS (default 15) from its
# corpus, once (not per pass); a crash, leak or timeout fails it.
fuzz_smoke() {
	echo "== fuzz"
	out=$(FUZZ_SECONDS=${FUZZ_SECONDS:-15} FUZZ_BUILDDIR="$top/_build-fuzz" \
		"$top/tests/fuzz/run.sh" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	p=$(printf '%s\n' "$out" | grep -c ': ok$')
	f=$(printf '%s\n' "$out" | grep -c ': FAILED')
	[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	echo "fuzz: $p passed, $f failed, 0 skipped"
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	[ "$f" -eq 0 ] || status=1
}

# systemd_stage: the Debian package and its unit under a real systemd in a
# container (tests/e2e/systemd.sh), once: it builds its own package.
systemd_stage() {
	echo "== systemd"
	out=$(XDPSERVE_SRCDIR="$top" XDPSERVE_BUILDDIR="$top/_build" \
		bash "$top/tests/e2e/systemd.sh" 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed 's/^/systemd /'
	cases=$(printf '%s\n' "$out" | grep -E '^(ok|not ok) ')
	s=$(printf '%s\n' "$cases" | grep -c '# SKIP')
	p=$(($(printf '%s\n' "$cases" | grep -c '^ok ') - s))
	f=$(printf '%s\n' "$cases" | grep -c '^not ok ')
	# A whole-test skip ("1..0 # SKIP why") is one skipped case.
	printf '%s\n' "$out" | grep -q '^1\.\.0 # SKIP' && s=$((s + 1))
	[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	echo "systemd: $p passed, $f failed, $s skipped"
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	total_skip=$((total_skip + s))
	[ "$f" -eq 0 ] || status=1
}

run_pass build _build
run_pass sanitizers _build-sanitize CFLAGS="$SAN_FLAGS" LDFLAGS="-fsanitize=address,undefined"
systemd_stage
fuzz_smoke

echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[ "$status" -eq 0 ] && [ "$total_fail" -eq 0 ]
