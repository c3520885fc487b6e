#!/usr/bin/env bash
# cache_pressure.sh — a working set four times the cache: 200 files of
# 2 MiB through a 64 MiB cache under wrk, random files, 48 connections
# (more streams than the budget holds at once), then a flood of
# "Range: bytes=0-0" for the same files. Requests that find the budget
# full of referenced content wait for room instead of failing: zero 5xx,
# and afterwards a sample of 50 files is byte-exact.
. "$(dirname "$0")/../helpers/testbed.sh"
. "$(dirname "$0")/../helpers/daemon.sh"

tb_init
tb_require_root
tb_require_cmd ip ethtool curl wrk sha256sum
tb_require_file "$XDPSERVE_BUILDDIR/xdpserved" "$TB_BPF_OBJ"
tb_setup

ROOT=$TB_DIR/root
LOG=$TB_DIR/xdpserved.log
mkdir -p "$ROOT"
for i in $(seq 0 199); do
	head -c $((2 << 20)) /dev/urandom >"$ROOT/f$i.bin"
done
# wrk picks a random file per request.
cat >"$TB_DIR/random.lua" <<'LUA'
math.randomseed(os.time())
request = function()
	return wrk.format(nil, "/f" .. math.random(0, 199) .. ".bin")
end
LUA

start_daemon() {
	xd_start xdpserved --cache-size 64M --drain-ms 2000
}
tap_check "xdpserved starts with a 64 MiB cache" start_daemon
XPID=$(pgrep -P "$DAEMON" -x xdpserved || echo "$DAEMON")

# wrk_clean SECONDS ARGS...: wrk ran, answered requests, none of them
# non-2xx, no connection broke. wrk's own latency timeout is not a verdict
# (the machine is shared and the sanitizer build slow): it is only reported.
wrk_clean() {
	local CONNS=${CONNS:-32}
	local secs=$1 out
	shift
	out=$(tb_cli timeout $((secs + 60)) wrk -t1 -c"$CONNS" -d"${secs}s" --timeout 30s \
		-s "$TB_DIR/random.lua" "$@" "http://$TB_SRV_IP4/") || { echo "$out"; return 1; }
	echo "$out"
	grep -q 'requests in' <<<"$out" && ! grep -q 'Non-2xx' <<<"$out" &&
		! grep -Eq 'Socket errors:.*(read|write) [1-9]' <<<"$out"
}
# 48 streams of 2 MiB want more than 64 MiB at once: some requests wait for room.
CONNS=48 tap_check "wrk, 48 connections, 15 s of random 2 MiB files: no non-2xx, no errors" \
	wrk_clean 15
tap_check "wrk, 32 connections, 5 s of 'Range: bytes=0-0': no non-2xx, no errors" \
	wrk_clean 5 -H 'Range: bytes=0-0'

no_5xx() {
	kill -USR1 "$XPID"
	tb_wait_log "$LOG" 'http: requests' 5 || return 1
	grep -E 'http: requests|cache: objects' "$LOG" | tail -2
	grep 'http: requests' "$LOG" | tail -1 | grep -q ', 5xx 0,'
}
tap_check "the daemon counted zero 5xx" no_5xx
tap_diag "$(grep 'cache: objects' "$LOG" | tail -1 | grep -o 'waits [0-9]*, wait timeouts (503) [0-9]*')"

sample_exact() {
	local i got want bad=0
	for i in $(seq 0 4 199); do
		got=$(tb_cli curl -sS --fail --max-time 20 "http://$TB_SRV_IP4/f$i.bin" |
			sha256sum | cut -d' ' -f1)
		want=$(sha256sum "$ROOT/f$i.bin" | cut -d' ' -f1)
		[ "$got" = "$want" ] || { echo "f$i.bin differs"; bad=$((bad + 1)); }
	done
	[ "$bad" -eq 0 ]
}
tap_check "a sample of 50 files afterwards: byte-exact" sample_exact

tap_check "SIGTERM: clean exit, every frame back with its owner" xd_stop_clean
tap_done
