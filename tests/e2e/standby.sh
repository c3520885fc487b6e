#!/usr/bin/env bash
# standby.sh — warm standby and restarts: a kernel web server (python's
# http.server) listens on the served address and port; while xdpserved runs
# it sees nothing, after kill -9 the next connection reaches it. A daemon
# started right after a kill -9 waits for the dying one's lock instead of
# failing, adopts the program left attached without an error, stops serving
# endpoints it was not given, and detaches that program on SIGTERM.
. "$(dirname "$0")/../helpers/testbed.sh"

tb_init
tb_require_root
tb_require_cmd ip ethtool curl flock stat
tb_require_file "$XDPSERVE_BUILDDIR/xdpserved" "$TB_BPF_OBJ" "$TB_XDPSERVECTL" /usr/bin/python3
tb_setup

ROOT=$TB_DIR/root
STANDBY=$TB_DIR/standby
mkdir -p "$ROOT" "$STANDBY"
echo "from xdpserve" >"$ROOT/index.html"
echo "from the kernel" >"$STANDBY/index.html"
tb_bg_srv standby /usr/bin/python3 -u -m http.server --bind "$TB_SRV_IP4" --directory "$STANDBY" 80
STANDBY_LOG=$TB_DIR/standby.log
tb_wait_listen "$TB_NS_SRV" 80 || tap_bail "the standby http.server did not start"

start_daemon() { # start_daemon NAME
	tb_bg_srv "$1" "$XDPSERVE_BUILDDIR/xdpserved" --iface "$TB_SRV_IF" \
		--addr "$TB_SRV_IP4:80" --root "$ROOT" --bpf-obj "$TB_BPF_OBJ" --drain-ms 500
	DAEMON=$TB_LAST_PID
	LOG=$TB_DIR/$1.log
	tb_wait_log "$LOG" 'ready:' 20
}
served_by() { # served_by WHAT
	local out
	out=$(tb_cli curl -sS --max-time 3 "http://$TB_SRV_IP4/" 2>&1)
	echo "$out"
	grep -q "$1" <<<"$out"
}
standby_requests() { grep -c '"GET ' "$STANDBY_LOG"; }
ctl() { tb_srv "$TB_XDPSERVECTL" "$@"; }

tap_check "the standby answers before xdpserved runs" served_by "from the kernel"
before=$(standby_requests)
tap_check "the first daemon starts" start_daemon first
twenty_from_xdpserve() {
	for _ in $(seq 20); do served_by "from xdpserve" >/dev/null || return 1; done
}
tap_check "20 requests are answered by xdpserve" twenty_from_xdpserve
tap_check "and the standby saw none of them" test "$(standby_requests)" = "$before"

# An endpoint the next daemon is not given: it must stop being served.
ctl addr add "$TB_SRV_IF" "$TB_SRV_IP4:8080" >/dev/null
listed() { ctl addr list "$TB_SRV_IF"; }
has_8080() { listed | grep -q ':8080'; }
tap_check "an extra endpoint :8080 is served" has_8080

kill -KILL "$DAEMON"
wait "$DAEMON" 2>/dev/null
tap_check "after kill -9 the next connection reaches the standby" tb_wait 5 served_by "from the kernel"

tap_check "a new daemon adopts the program left attached" start_daemon second
tap_check "it logged no error on the way" bash -c "! grep -E '^error:|already attached' '$LOG'"
tap_check "it says it adopted the program of its predecessor" \
	grep -q 'attached by the previous xdpserved' "$LOG"
only_80() {
	local out
	out=$(listed) || return 1
	echo "$out"
	grep -q ':80$' <<<"$out" && ! grep -q ':8080' <<<"$out"
}
tap_check "the stale endpoint :8080 is no longer served, :80 still is" only_80
tap_check "and :80 is served by xdpserve again" tb_wait 5 served_by "from xdpserve"

# Restart right after a crash: no pause between kill -9 and the new start.
t0=$(date +%s%N)
kill -KILL "$DAEMON"
tap_check "a daemon started right after kill -9 starts" start_daemon third
tap_diag "kill -9 to the next daemon's ready: $((($(date +%s%N) - t0) / 1000000)) ms"
tap_check "without 'another xdpserved already serves'" bash -c "! grep -q 'already serves' '$LOG'"
tap_check "and serves" tb_wait 5 served_by "from xdpserve"
grep -h 'waiting up to' "$LOG" | sed 's/^/# /'

refused_while_running() {
	local out status
	out=$(tb_srv timeout 30 "$XDPSERVE_BUILDDIR/xdpserved" --iface "$TB_SRV_IF" \
		--addr "$TB_SRV_IP4:80" --root "$ROOT" --bpf-obj "$TB_BPF_OBJ" 2>&1)
	status=$?
	echo "exit $status: $out"
	[ "$status" -ne 0 ] && grep -q "another xdpserved already serves $TB_SRV_IF (PID $DAEMON .* and is running)" <<<"$out"
}
tap_check "a daemon started beside a running one gives up: it is running" refused_while_running

stop_clean() {
	kill -TERM "$DAEMON"
	wait "$DAEMON"
	local status=$?
	tail -n 3 "$LOG"
	[ "$status" -eq 0 ] && grep -q 'detaching from' "$LOG" && grep -q 'detached' "$LOG"
}
tap_check "SIGTERM stops the adopting daemon, detaching" stop_clean
tap_check "no xdpserve program is left on the interface" \
	bash -c "! ip netns exec '$TB_NS_SRV' '$TB_XDPSERVECTL' stats '$TB_SRV_IF' >/dev/null 2>&1"
tap_check "the standby answers again" tb_wait 5 served_by "from the kernel"

# A program attached by hand is used, and left attached on stop.
tap_check "xdpservectl attach attaches the program by hand" \
	bash -c "ip netns exec '$TB_NS_SRV' '$TB_XDPSERVECTL' attach '$TB_SRV_IF' --obj '$TB_BPF_OBJ' --mode skb"
tap_check "a daemon starts on it" start_daemon byhand
tap_check "it says the program stays attached when it stops" grep -q 'attached by hand' "$LOG"
tap_check "and serves" tb_wait 5 served_by "from xdpserve"
kill -TERM "$DAEMON"
wait "$DAEMON"
tap_check "after SIGTERM the program is still attached" \
	bash -c "ip netns exec '$TB_NS_SRV' '$TB_XDPSERVECTL' stats '$TB_SRV_IF' >/dev/null"
tap_check "without the daemon's endpoint: the standby answers" tb_wait 5 served_by "from the kernel"
tap_check "xdpservectl detach removes it" \
	bash -c "ip netns exec '$TB_NS_SRV' '$TB_XDPSERVECTL' detach '$TB_SRV_IF'"

# The lock's wait, deterministic: hold the lock 2 s from the shell.
NETNS_INO=$(tb_srv stat -L -c %i /proc/self/ns/net)
LOCK=/run/xdpserve/$NETNS_INO-$TB_SRV_IF.lock
mkdir -p /run/xdpserve
flock "$LOCK" sleep 2 &
HOLDER=$!
TB_PIDS+=("$HOLDER")
sleep 0.2
tap_check "with the lock held, a new daemon waits for it" start_daemon fourth
tap_check "saying for whom it waited" grep -q "waiting up to 10 s for the xdpserved that holds" "$LOG"
wait "$HOLDER"
kill -TERM "$DAEMON"
wait "$DAEMON"
tap_done
