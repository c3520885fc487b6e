#!/usr/bin/env bash
# slow_clients.sh — slowloris and slow read at once, 1000 connections each
# (slowhttptest -H and -X), against the real daemon with its limits lowered
# by flag so the test stays short, while curl fetches a file every 100 ms
# from the same client address: every fetch succeeds, the slow clients are
# cut by the head deadline and the send-rate check (counted by reason),
# afterwards no connection is left, every frame is back with its owner,
# and the daemon's memory stayed within its fixed budget.
. "$(dirname "$0")/../helpers/testbed.sh"
. "$(dirname "$0")/../helpers/daemon.sh"

tb_init
tb_require_root
tb_require_cmd ip ethtool curl slowhttptest
tb_require_file "$XDPSERVE_BUILDDIR/xdpserved" "$TB_BPF_OBJ"
tb_setup
ulimit -n 16384

ROOT=$TB_DIR/root
mkdir -p "$ROOT"
echo hello >"$ROOT/hello.txt"
head -c 1048576 /dev/urandom >"$ROOT/big.bin"
LOAD_S=30
CACHE_MB=64
MAX_CONNS=4096

# No per-source cap: all the slow clients share curl's address, and the
# deadlines alone must keep the table open.
start_daemon() {
	xd_start xdpserved --cache-size "${CACHE_MB}M" --max-conns "$MAX_CONNS" \
		--max-conns-per-source 0 --drain-ms 1000 --header-timeout 5 --keepalive-timeout 5 \
		--send-timeout 5 --min-send-rate 1024 --persist-timeout 10
}
tap_check "xdpserved starts (limits lowered: 5 s heads, 5 s at 1 KiB/s)" start_daemon

attack() {
	tb_bg_cli slowloris slowhttptest -H -c 1000 -r 250 -i 2 -x 10 -l "$LOAD_S" -p 3 \
		-u "http://$TB_SRV_IP4/hello.txt"
	LORIS=$TB_LAST_PID
	tb_bg_cli slowread slowhttptest -X -c 1000 -r 250 -l "$LOAD_S" -n 1 -z 32 -w 16 -y 64 \
		-k 2 -p 3 -u "http://$TB_SRV_IP4/big.bin"
	READ=$TB_LAST_PID
}
tap_check "slowhttptest slowloris and slow read start, 1000 connections each" attack

# A fetch every 100 ms for the length of the attack; every one must succeed.
fetch_all() {
	local end=$((SECONDS + LOAD_S)) ok=0 bad=0
	while [ "$SECONDS" -lt "$end" ]; do
		if tb_cli curl -sS --fail --max-time 5 -o /dev/null "http://$TB_SRV_IP4/hello.txt"; then
			ok=$((ok + 1))
		else
			bad=$((bad + 1))
		fi
		sleep 0.1
	done
	echo "fetches: $ok ok, $bad failed"
	[ "$bad" -eq 0 ] && [ "$ok" -gt 0 ]
}
tap_check "curl every 100 ms during the attack: every fetch succeeds" fetch_all

peak_rss_kb() {
	awk '/^VmHWM:/ {print $2}' "/proc/$DAEMON/status"
}
attack_over() {
	! kill -0 "$LORIS" 2>/dev/null && ! kill -0 "$READ" 2>/dev/null
}
tap_check "the attack ends by itself" tb_wait 30 attack_over
grep -ah 'Test ended\|Exit status' "$TB_DIR/slowloris.log" "$TB_DIR/slowread.log" |
	sed 's/\x1b\[[0-9;]*m//g' | tap_diag -

cut_by_reason() {
	xd_dump
	[ "$(xd_counter header)" -ge 100 ] &&
		[ $(($(xd_counter send) + $(xd_counter persist))) -ge 100 ]
}
tap_check "slow heads and slow readers were cut, counted by reason" tb_wait 20 cut_by_reason
tap_check "afterwards the daemon holds no connection" tb_wait 30 xd_no_conns_left

# Memory (docs/architecture.md): the cache budget, the fill and TX frames
# (32 MiB), about 26.6 KiB per connection slot, and 32 MiB for the program,
# its libraries and stacks. Under AddressSanitizer the shadow memory and
# quarantine make RSS meaningless: skipped there.
memory_bounded() {
	PEAK=$(peak_rss_kb)
	LIMIT=$((CACHE_MB * 1024 + 32 * 1024 + MAX_CONNS * 27 + 32 * 1024))
	echo "peak RSS ${PEAK} KiB, bound ${LIMIT} KiB"
	[ -n "$PEAK" ] && [ "$PEAK" -le "$LIMIT" ]
}
if ldd "$XDPSERVE_BUILDDIR/xdpserved" | grep -q libasan; then
	tap_skip "peak RSS within cache + frames + connection tables + fixed" \
		"AddressSanitizer build"
else
	tap_check "peak RSS within cache + frames + connection tables + fixed" memory_bounded
	tap_diag "peak RSS ${PEAK:-?} KiB of a bound of ${LIMIT:-?} KiB"
fi

tap_check "SIGTERM: clean exit, every frame back with its owner" xd_stop_clean
tap_done
