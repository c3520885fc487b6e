#!/usr/bin/env bash
# crash.sh — the daemon dying (SIGKILL, no clean-up at all) gives the
# served port back to the kernel, and a new daemon starts on the program
# the dead one left attached and serves again.
. "$(dirname "$0")/../helpers/testbed.sh"

tb_init
tb_require_root
tb_require_cmd ip ethtool curl socat
tb_require_file "$XDPSERVE_BUILDDIR/xdpserved" "$TB_BPF_OBJ" "$TB_XDPSERVECTL"
tb_setup

ROOT=$TB_DIR/root
mkdir -p "$ROOT"
echo "from xdpserve" >"$ROOT/index.html"
tb_bg_srv kernel80 socat -T 2 TCP-LISTEN:80,fork,reuseaddr SYSTEM:'echo kernel80'
tb_wait_listen "$TB_NS_SRV" 80 || tap_bail "socat on port 80 did not start"

start_daemon() { # start_daemon NAME
	tb_bg_srv "$1" "$XDPSERVE_BUILDDIR/xdpserved" --iface "$TB_SRV_IF" \
		--addr "$TB_SRV_IP4:80" --root "$ROOT" --cache-size 16M --bpf-obj "$TB_BPF_OBJ"
	DAEMON=$TB_LAST_PID
	LOG=$TB_DIR/$1.log
	tb_wait_log "$LOG" 'ready:' 15
}
served_by() { # served_by WHAT: the answer on port 80 contains WHAT
	local out
	out=$(tb_cli curl -sS --max-time 3 "http://$TB_SRV_IP4/" 2>&1 ||
		printf 'GET / HTTP/1.0\r\n\r\n' | tb_cli socat -T 2 - "TCP:$TB_SRV_IP4:80")
	echo "$out"
	grep -q "$1" <<<"$out"
}

tap_check "the first daemon starts" start_daemon first
tap_check "and serves port 80" tb_wait 5 served_by "from xdpserve"

kill -KILL "$DAEMON"
wait "$DAEMON" 2>/dev/null
tap_check "after SIGKILL the kernel answers port 80 again" tb_wait 5 served_by kernel80
tap_check "the dead daemon's program is still attached" \
	bash -c "ip netns exec '$TB_NS_SRV' '$TB_XDPSERVECTL' stats '$TB_SRV_IF' >/dev/null"

tap_check "a new daemon starts on the program left behind" start_daemon second
tap_check "and serves port 80 again" tb_wait 5 served_by "from xdpserve"
stop_clean() {
	kill -TERM "$DAEMON"
	wait "$DAEMON"
	local status=$?
	tail -n 3 "$LOG"
	[ "$status" -eq 0 ] && grep -q 'every frame is back with its owner' "$LOG"
}
tap_check "it stops cleanly" stop_clean
tap_check "the port is the kernel's after that clean stop" tb_wait 5 served_by kernel80
tap_done
