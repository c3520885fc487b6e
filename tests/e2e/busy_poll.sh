#!/usr/bin/env bash
# busy_poll.sh — `--busy-poll US` against the real daemon on a real veth:
#   - while it runs, the interface's napi_defer_hard_irqs is 2 and its
#     gro_flush_timeout 200000 (they were 0);
#   - wrk with Connection: close is served with no error and the queue's
#     busy polls find frames (xdpservectl stats: busy_poll_hits > 0);
#   - SIGTERM: a clean exit, and both knobs are 0 again;
#   - a value past 1000 µs is refused at startup with the option's name.
. "$(dirname "$0")/../helpers/testbed.sh"
# shellcheck source=tests/helpers/daemon.sh
. "$(dirname "$0")/../helpers/daemon.sh"

tb_init
tb_require_root
tb_require_cmd ip ethtool curl wrk python3
tb_require_file "$XDPSERVE_BUILDDIR/xdpserved" "$TB_BPF_OBJ" "$TB_XDPSERVECTL"
tb_setup

ROOT=$TB_DIR/root
mkdir -p "$ROOT"
head -c 1000 /dev/urandom >"$ROOT/f1k.bin"
SYS=/sys/class/net/$TB_SRV_IF

knobs() { # knobs: "napi_defer_hard_irqs gro_flush_timeout" of the server veth
	tb_srv cat "$SYS/napi_defer_hard_irqs" "$SYS/gro_flush_timeout" | tr '\n' ' ' | sed 's/ $//'
}
knobs_are() {
	local k
	k=$(knobs)
	echo "napi_defer_hard_irqs gro_flush_timeout: $k"
	[ "$k" = "$1" ]
}

tap_plan 7
tap_check "the interface starts with no deferral" knobs_are "0 0"
tap_check "xdpserved --busy-poll 50 starts" xd_start bp --busy-poll 50 --cache-size 16M
tap_check "while it runs the interface defers its interrupts (2, 200 µs)" \
	knobs_are "2 200000"
load() {
	local out
	out=$(tb_cli wrk -t 2 -c 32 -d 3s --timeout 5s -H 'Connection: close' \
		"http://$TB_SRV_IP4/f1k.bin" 2>&1) || return 1
	echo "$out" | grep -E 'Requests/sec|errors|Non-2xx'
	echo "$out" | grep -q 'Requests/sec' && ! echo "$out" | grep -qE 'Socket errors|Non-2xx'
}
tap_check "wrk with Connection: close for 3 s: no error, no non-2xx" load
hits() {
	tb_srv "$TB_XDPSERVECTL" --control-socket "$TB_DIR/bp.sock" stats "$TB_SRV_IF" --json |
		python3 -c 'import json, sys
q = json.load(sys.stdin)["queues"][0]["xsk"]
print("busy polls", q["busy_polls"], "hits", q["busy_poll_hits"])
sys.exit(0 if q["busy_poll_hits"] > 0 and q["busy_polls"] >= q["busy_poll_hits"] else 1)'
}
tap_check "the worker's busy polls found frames" hits
stopped() {
	xd_stop_clean && knobs_are "0 0"
}
tap_check "SIGTERM: clean exit, and the interface's deferral is back to 0 0" stopped
refused() {
	local out rc
	out=$(tb_srv timeout 10 "$XDPSERVE_BUILDDIR/xdpserved" --iface "$TB_SRV_IF" \
		--addr "$TB_SRV_IP4:80" --root "$ROOT" --bpf-obj "$TB_BPF_OBJ" \
		--control-socket "$TB_DIR/bad.sock" --busy-poll 2000 2>&1)
	rc=$?
	echo "exit $rc: $out" | head -3
	[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && echo "$out" | grep -q 'busy-poll' &&
		knobs_are "0 0"
}
tap_check "--busy-poll 2000 is refused at startup, naming the option" refused
tap_done
