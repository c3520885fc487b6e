# shellcheck shell=bash
# tap.sh — TAP output for shell tests (sourced, bash). Every end-to-end test
# prints its cases through these functions so the Automake TAP driver counts
# each one.
#
#   tap_plan N                   print "1..N" up front (optional: tap_done
#                                prints the plan at the end when none was given)
#   tap_ok DESC / tap_not_ok DESC
#   tap_result STATUS DESC       ok when STATUS is 0
#   tap_check DESC CMD...        run CMD (in this shell, so it may be a function
#                                that starts processes or sets variables), ok when
#                                it exits 0; on failure its output becomes
#                                diagnostics
#   tap_skip DESC REASON         a case that could not run here
#   tap_diag MSG...              "# MSG" lines (stdin with "-")
#   tap_skip_all REASON          "1..0 # SKIP REASON" and exit 0 (before any case)
#   tap_bail REASON              "Bail out! REASON" and exit 1
#   tap_done                     plan if needed, a summary, and exit 1 when any
#                                case failed (or the plan was not met), else 0

TAP_COUNT=0
TAP_FAILED=0
TAP_SKIPPED=0
TAP_PLANNED=

tap_plan() {
	TAP_PLANNED=$1
	echo "1..$1"
}

tap_diag() {
	if [ "$1" = - ]; then
		sed 's/^/# /'
	else
		printf '%s\n' "$*" | sed 's/^/# /'
	fi
}

tap_ok() {
	TAP_COUNT=$((TAP_COUNT + 1))
	echo "ok $TAP_COUNT - $*"
}

tap_not_ok() {
	TAP_COUNT=$((TAP_COUNT + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_COUNT - $*"
}

tap_result() {
	local status=$1
	shift
	if [ "$status" -eq 0 ]; then
		tap_ok "$@"
	else
		tap_not_ok "$@"
	fi
}

tap_check() {
	local desc=$1 out status
	shift
	# In this shell, not a subshell: CMD may start background processes or
	# set variables that later cases use. The output goes to $TB_DIR when the
	# test bed is in use, so an interrupted run leaves nothing behind.
	out=$(mktemp "${TB_DIR:-${TMPDIR:-/tmp}}/tap-check.XXXXXX") || return 1
	"$@" >"$out" 2>&1
	status=$?
	if [ "$status" -eq 0 ]; then
		tap_ok "$desc"
	else
		tap_not_ok "$desc"
		tap_diag "command: $* (exit $status)"
		tail -n 30 "$out" | tap_diag -
	fi
	rm -f "$out"
	return "$status"
}

tap_skip() {
	TAP_COUNT=$((TAP_COUNT + 1))
	TAP_SKIPPED=$((TAP_SKIPPED + 1))
	echo "ok $TAP_COUNT - $1 # SKIP $2"
}

tap_skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

tap_bail() {
	echo "Bail out! $*"
	exit 1
}

tap_done() {
	local status=0
	if [ -z "$TAP_PLANNED" ]; then
		echo "1..$TAP_COUNT"
	elif [ "$TAP_PLANNED" -ne "$TAP_COUNT" ]; then
		tap_diag "planned $TAP_PLANNED cases but ran $TAP_COUNT"
		status=1
	fi
	tap_diag "$TAP_COUNT cases: $((TAP_COUNT - TAP_FAILED - TAP_SKIPPED)) passed," \
		"$TAP_FAILED failed, $TAP_SKIPPED skipped"
	[ "$TAP_FAILED" -eq 0 ] || status=1
	exit "$status"
}
