# shellcheck shell=bash
# daemon.sh — checks on a running xdpserved for end-to-end tests (sourced
# after testbed.sh). They use $DAEMON (its pid) and $LOG (its log file).
#
#   xd_start NAME FLAGS...  xdpserved in the server namespace serving $ROOT at
#                       $TB_SRV_IP4:80 (FLAGS add to that), its control socket
#                       $TB_DIR/NAME.sock; sets DAEMON and LOG
#                       ($TB_DIR/NAME.log); true once it is ready
#   xd_dump             SIGUSR1, a moment for the counters to reach the log,
#                       and the TCP line printed (diagnostics on failure)
#   xd_counter NAME     the last dump's value of a tcp counter: "conns active",
#                       "header", "send", "per-source", "full" ...
#   xd_no_conns_left    dump; true when the daemon holds no connection
#   xd_stop_clean       SIGTERM; true when it exits 0 with every frame back
#                       with its owner

xd_start() {
	local name=$1
	shift
	tb_bg_srv "$name" "$XDPSERVE_BUILDDIR/xdpserved" --iface "$TB_SRV_IF" \
		--addr "$TB_SRV_IP4:80" --root "$ROOT" --bpf-obj "$TB_BPF_OBJ" \
		--control-socket "$TB_DIR/$name.sock" "$@"
	DAEMON=$TB_LAST_PID
	LOG=$TB_DIR/$name.log
	tb_wait_log "$LOG" 'ready:' 15 && return 0
	echo "xd_start: $name not ready within 15 s; its log ends:"
	tail -n 15 "$LOG"
	return 1
}

xd_dump() {
	kill -USR1 "$DAEMON"
	sleep 0.3
	grep 'tcp: ' "$LOG" | tail -1
}

xd_counter() {
	grep 'tcp: ' "$LOG" | tail -1 | sed -n "s/.*$1 \([0-9]*\).*/\1/p"
}

xd_no_conns_left() {
	xd_dump
	[ "$(xd_counter 'conns active')" = 0 ]
}

xd_stop_clean() {
	kill -TERM "$DAEMON"
	wait "$DAEMON"
	local status=$?
	tail -n 3 "$LOG"
	[ "$status" -eq 0 ] && grep -q 'every frame is back with its owner' "$LOG"
}
