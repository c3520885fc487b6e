#!/usr/bin/env bash
# multiqueue.sh — two RX queues, two workers, one UMEM shared by both
# queues' sockets: flows spread over the queues, each worker serves its
# own, every download is byte-exact, and each partition's frames all come
# back at the end.
. "$(dirname "$0")/../helpers/testbed.sh"

tb_init
tb_require_root
tb_require_cmd ip ethtool curl wrk sha256sum
tb_require_file "$XDPSERVE_BUILDDIR/xdpserved" "$TB_BPF_OBJ"
TB_QUEUES=2
tb_setup

ROOT=$TB_DIR/root
mkdir -p "$ROOT"
head -c 1048576 /dev/urandom >"$ROOT/1m.bin"
head -c 3000 /dev/urandom >"$ROOT/3k.bin"
WANT=$(sha256sum "$ROOT/1m.bin" | cut -d' ' -f1)

start_daemon() {
	tb_bg_srv xdpserved "$XDPSERVE_BUILDDIR/xdpserved" --iface "$TB_SRV_IF" \
		--addr "$TB_SRV_IP4:80" --addr "[$TB_SRV_IP6]:80" --root "$ROOT" \
		--cache-size 64M --max-conns 512 --bpf-obj "$TB_BPF_OBJ"
	DAEMON=$TB_LAST_PID
	LOG=$TB_DIR/xdpserved.log
	tb_wait_log "$LOG" 'ready: 2 workers' 15
}
tap_check "xdpserved starts one worker per queue" start_daemon
tap_check "the second queue shares the first one's UMEM" \
	grep -q 'queue 1: AF_XDP .*UMEM shared' "$LOG"

parallel_fetches() {
	local i pids=() bad=0
	for i in $(seq 16); do
		tb_cli curl -sS --fail --max-time 30 -o "$TB_DIR/got.$i" "http://$TB_SRV_IP4/1m.bin" &
		pids+=($!)
	done
	for i in "${pids[@]}"; do wait "$i" || bad=1; done
	for i in $(seq 16); do
		[ "$(sha256sum <"$TB_DIR/got.$i" | cut -d' ' -f1)" = "$WANT" ] || bad=1
	done
	return $bad
}
tap_check "16 parallel downloads are byte-exact" parallel_fetches
tap_check "wrk, 32 connections for 5 s: no errors" bash -c "
	out=\$(ip netns exec '$TB_NS_CLI' wrk -t 2 -c 32 -d 5s --timeout 5s 'http://$TB_SRV_IP4/3k.bin' 2>&1)
	echo \"\$out\"
	! grep -q 'Socket errors\\|Non-2xx' <<<\"\$out\""

tap_check "both workers answered requests" tb_queues_served "$DAEMON" "$LOG"

stop_clean() {
	kill -TERM "$DAEMON"
	wait "$DAEMON"
	local status=$?
	tail -n 6 "$LOG"
	[ "$status" -eq 0 ] &&
		[ "$(grep -c 'every frame is back with its owner' "$LOG")" -eq 2 ]
}
tap_check "SIGTERM: both partitions account for every frame" stop_clean
tap_done
