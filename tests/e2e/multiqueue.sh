#!/usr/bin/env bash
# multiqueue.sh — two RX queues, two workers, one UMEM shared by both
# queues' sockets: flows spread over the queues, each worker serves its
# own, every download is byte-exact, and each partition's frames all come
# back at the end. The workers follow --cpus (in reverse order of the
# default round robin when two CPUs are allowed), as `xdpservectl status
# --json` shows; `--check` refuses a CPU outside the allowed set and takes
# a list shorter than the queues (it wraps around; the daemon warns).
. "$(dirname "$0")/../helpers/testbed.sh"

tb_init
tb_require_root
tb_require_cmd ip ethtool curl wrk sha256sum
tb_require_file "$XDPSERVE_BUILDDIR/xdpserved" "$TB_BPF_OBJ" "$TB_XDPSERVECTL"
TB_QUEUES=2
tb_setup

ROOT=$TB_DIR/root
mkdir -p "$ROOT"
head -c 1048576 /dev/urandom >"$ROOT/1m.bin"
head -c 3000 /dev/urandom >"$ROOT/3k.bin"
WANT=$(sha256sum "$ROOT/1m.bin" | cut -d' ' -f1)

RUN=$TB_DIR/run
SOCK=$RUN/$TB_SRV_IF.sock
# The CPUs this test may use: the last two allowed ones, last first, so the
# pinning differs from the default (worker 0 on the first allowed CPU).
mapfile -t ALLOWED < <(/usr/bin/python3 -c 'import os; print(*sorted(os.sched_getaffinity(0)), sep="\n")')
if [ "${#ALLOWED[@]}" -ge 2 ]; then
	CPUS="${ALLOWED[-1]},${ALLOWED[-2]}"
	WANT_CPUS="[${ALLOWED[-1]}, ${ALLOWED[-2]}]"
else
	CPUS=${ALLOWED[0]}
	WANT_CPUS="[${ALLOWED[0]}, ${ALLOWED[0]}]"
fi
OUTSIDE=$((ALLOWED[-1] + 1))
XD_ARGS=(--iface "$TB_SRV_IF" --addr "$TB_SRV_IP4:80" --addr "[$TB_SRV_IP6]:80" --root "$ROOT"
	--cache-size 64M --max-conns 512 --bpf-obj "$TB_BPF_OBJ")

check_outside() {
	local out
	out=$(tb_srv "$XDPSERVE_BUILDDIR/xdpserved" --check "${XD_ARGS[@]}" --cpus "$CPUS,$OUTSIDE" 2>&1)
	local rc=$?
	echo "$out"
	[ $rc -eq 1 ] && grep -q "^--cpus: CPU $OUTSIDE is not one this daemon may run on" <<<"$out"
}
tap_check "--check: a CPU outside the allowed set is a problem, exit 1" check_outside
check_short() {
	local out
	out=$(tb_srv "$XDPSERVE_BUILDDIR/xdpserved" --check "${XD_ARGS[@]}" --cpus "${ALLOWED[0]}" 2>&1)
	local rc=$?
	echo "$out"
	[ $rc -eq 0 ] && grep -q "configuration OK" <<<"$out"
}
tap_check "--check: a list shorter than the queues is no problem (it wraps around)" check_short

start_daemon() {
	tb_bg_srv xdpserved "$XDPSERVE_BUILDDIR/xdpserved" "${XD_ARGS[@]}" --cpus "$CPUS" \
		--control-socket "$SOCK"
	DAEMON=$TB_LAST_PID
	LOG=$TB_DIR/xdpserved.log
	tb_wait_log "$LOG" 'ready: 2 workers' 15
}
tap_check "xdpserved starts one worker per queue" start_daemon
tap_check "the second queue shares the first one's UMEM" \
	grep -q 'queue 1: AF_XDP .*UMEM shared' "$LOG"

pinned_by_list() {
	tb_srv "$TB_XDPSERVECTL" --runtime-dir "$RUN" status "$TB_SRV_IF" --json |
		/usr/bin/python3 -c 'import json, sys
cpus = [q["cpu"] for q in sorted(json.load(sys.stdin)["queues"], key=lambda q: q["queue"])]
print("queues on CPUs", cpus, "want", sys.argv[1])
sys.exit(0 if cpus == json.loads(sys.argv[1]) else 1)' "$WANT_CPUS"
}
tap_check "--cpus $CPUS: worker i runs on the i-th CPU of the list (status --json)" pinned_by_list
# And the kernel agrees: each worker thread may run on its one CPU only.
threads_pinned() {
	local t q got want
	want=$(tr -d '[] ' <<<"$WANT_CPUS")
	for t in /proc/"$DAEMON"/task/*; do
		q=$(sed -n 's/^xdpserve-q//p' "$t/comm")
		[ -n "$q" ] || continue
		got[q]=$(sed -n 's/^Cpus_allowed_list:\s*//p' "$t/status")
	done
	echo "worker threads on CPUs ${got[0]},${got[1]}, want $want"
	[ "${got[0]},${got[1]}" = "$want" ]
}
tap_check "each worker thread's affinity is its CPU of the list" threads_pinned

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
