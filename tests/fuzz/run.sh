#!/bin/sh
# Build the libFuzzer targets with clang (ASan + UBSan + coverage) in their
# own tree and run each for FUZZ_SECONDS, one at a time, under nice. Any
# crash, leak or timeout (10 s per input) fails; the input that did it is
# kept in $FUZZ_BUILDDIR/artifacts/<name>/ — turn it into a regression file
# of tests/fuzz/corpus/<name>/ once fixed.
#
#   tests/fuzz/run.sh [NAME...]        (default: every target)
#   FUZZ_SECONDS=60  FUZZ_BUILDDIR=<srcdir>/_build-fuzz  FUZZ_JOBS=1
#
# New inputs the fuzzer finds go to $FUZZ_BUILDDIR/corpus/<name>/, never
# into the source tree. Each run appends one line per target to
# $FUZZ_BUILDDIR/fuzz-history.log (date, target, seconds, executions, result)
# for docs/testing.md.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
bdir=${FUZZ_BUILDDIR:-$top/_build-fuzz}
secs=${FUZZ_SECONDS:-60}
names=${*:-net tcp_options tcp_stack http_parse http_path http_range conf}
flags="-O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined"

command -v clang >/dev/null || { echo "fuzz: clang not found: apt-get install clang libclang-rt-14-dev" >&2; exit 1; }
mkdir -p "$bdir" || exit 1
if ! "$top/scripts/build.sh" "$bdir" CC=clang CFLAGS="$flags" LDFLAGS="-fsanitize=address,undefined" \
	--disable-e2e-tests >/dev/null; then
	echo "fuzz: configuring the clang tree in $bdir failed: see $bdir/configure.out and build.log" >&2
	exit 1
fi
progs=""
for t in $names; do progs="$progs tests/fuzz/fuzz_$t"; done
# shellcheck disable=SC2086
make -C "$bdir" -j"$(nproc)" --no-print-directory $progs >"$bdir/fuzz-build.log" 2>&1 || {
	tail -40 "$bdir/fuzz-build.log"
	echo "fuzz: building the targets failed (a libFuzzer runtime is in libclang-rt-14-dev)" >&2
	exit 1
}

status=0
for t in $names; do
	work=$bdir/corpus/$t art=$bdir/artifacts/$t/ log=$bdir/fuzz-$t.log
	mkdir -p "$work" "$art"
	case $t in
	http_*) extra="-dict=$top/tests/fuzz/dict/http.dict" ;;
	net | tcp_*) extra="-dict=$top/tests/fuzz/dict/tcp.dict" ;;
	*) extra="" ;;
	esac
	# The option parser explains every bad flag on stderr: keep that quiet.
	[ "$t" = conf ] && extra="$extra -close_fd_mask=2"
	t0=$(date +%s)
	# shellcheck disable=SC2086
	nice -n 10 "$bdir/tests/fuzz/fuzz_$t" -max_total_time="$secs" -timeout=10 \
		-rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 -artifact_prefix="$art" \
		$extra "$work" "$top/tests/fuzz/corpus/$t" >"$log" 2>&1
	rc=$?
	ran=$(($(date +%s) - t0))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	if [ "$rc" -eq 0 ]; then
		result=ok
	else
		result="FAILED (exit $rc; see $log and $art)"
		status=1
		grep -E 'ERROR|SUMMARY|property broken|runtime error' "$log" | head -5
	fi
	echo "fuzz $t: ${ran}s, ${execs:-0} executions: $result"
	echo "$(date -u +%FT%TZ) $t ${ran}s ${execs:-0} $result" >>"$bdir/fuzz-history.log"
done
exit "$status"
