#!/usr/bin/env bash
# synflood.sh — a bounded SYN flood against xdpserved, with SYNs answered in
# the steering program (XDP_TX) and in user space (--syn-in-xdp=no),
# alternating rounds on the bench bed (bench/bed.sh: server and its NAPI
# thread on CPU 0, client and its NAPI thread on CPU 1). Measurements, not
# tests.
#
#   bench/synflood.sh [-r ROUNDS] [-n SYNS] [-p PPS]
#
# Each round starts the daemon, sends SYNS spoofed SYNs as fast as one
# AF_PACKET socket can, or PPS a second (tests/helpers/flood: every source in
# 198.19.0.0/16, inside 198.18.0.0/15; bounded in count, so in time), and
# prints:
#   SYN-ACKs/s   SYN-ACKs the client's veth received (its XDP program counts
#                every frame), over the flood's duration
#   answered     SYN-ACKs received / SYNs sent
#   ns/SYN       server CPU (xdpserved's threads + the server veth's NAPI
#                thread, bed.sh cpu_ns_of) / SYNs sent
#   napi-ns      of that, the NAPI thread's part (where XDP runs)
#   lost-tx      XDP_TX frames the client veth's ring had no room for, / SYNs
#                sent (the server's rx_queue_N_xdp_tx_errors)
# then the median and spread of each over the rounds. Defaults: 5 rounds of
# 1000000 SYNs. BENCH_BUILD=DIR builds and runs from DIR (default _build).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=5
SYNS=1000000
PPS=()
while getopts "r:n:p:h" o; do
	case $o in
	r) ROUNDS=$OPTARG ;;
	n) SYNS=$OPTARG ;;
	p) PPS=(--pps "$OPTARG") ;;
	*) sed -n '2,26p' "$0"; exit 2 ;;
	esac
done

# shellcheck source=bench/bed.sh
. "$top/bench/bed.sh"
make -C "$XDPSERVE_BUILDDIR" -s tests/helpers/flood || exit 1
FLOOD=$XDPSERVE_BUILDDIR/tests/helpers/flood
ROOT=$TB_DIR/www
mkdir -p "$ROOT"
head -c 1024 /dev/urandom >"$ROOT/1k.bin"
RESULTS=$TB_DIR/results

napi_ns() { # CPU time of the server veth's NAPI threads
	local p t total=0
	for p in $(napi_pids "$TB_SRV_IF"); do
		for t in /proc/$p/task/*/schedstat; do
			[ -r "$t" ] && total=$((total + $(cut -d' ' -f1 "$t")))
		done
	done
	echo $total
}
srv_tx_err() { # XDP_TX frames the client's veth had no room for
	tb_srv ethtool -S "$TB_SRV_IF" | awk '/rx_queue_[0-9]+_xdp_tx_errors:/ { n += $2 } END { print n + 0 }'
}
cli_rx() { # frames the client's veth took in (its XDP program sees every one)
	tb_cli ethtool -S "$TB_CLI_IF" | awk '/rx_queue_[0-9]+_xdp_packets:/ { n += $2 } END { print n + 0 }'
}

# one MODE: "xdp" or "user" -> a line
# "MODE synacks_per_s answered ns_per_syn napi_ns_per_syn tx_err_per_syn"
one() {
	local mode=$1 rx0 rx1 cpu0 cpu1 napi0 napi1 err0 err1 out secs
	if [ "$mode" = xdp ]; then start_server xdpserve; else start_server xdpserve --syn-in-xdp=no; fi
	rx0=$(cli_rx)
	cpu0=$(cpu_ns_of "$SERVER_PID")
	napi0=$(napi_ns)
	err0=$(srv_tx_err)
	out=$(tb_cli taskset -c "$CLI_CPU" "$FLOOD" syn --iface "$TB_CLI_IF" \
		--src-mac "$TB_CLI_MAC" --dst-mac "$TB_SRV_MAC" --dst "$TB_SRV_IP4" --dport 80 \
		--count "$SYNS" --src-net 198.19.0.0/16 --seed $RANDOM "${PPS[@]}")
	sleep 0.5 # the last answers arrive
	rx1=$(cli_rx)
	cpu1=$(cpu_ns_of "$SERVER_PID")
	napi1=$(napi_ns)
	err1=$(srv_tx_err)
	stop_server
	secs=$(sed -n 's/^sent [0-9]* frames in \([0-9.]*\) s.*/\1/p' <<<"$out")
	[ -n "$secs" ] || { echo "flood: $out" >&2; return 1; }
	awk -v m="$mode" -v rx=$((rx1 - rx0)) -v cpu=$((cpu1 - cpu0)) -v napi=$((napi1 - napi0)) \
		-v err=$((err1 - err0)) -v n="$SYNS" -v s="$secs" \
		'BEGIN { printf "%s %.0f %.3f %.0f %.0f %.3f\n", m, rx / s, rx / n, cpu / n, napi / n, err / n }'
}

echo "SYN flood: $SYNS spoofed SYNs per round (${PPS[1]:-unpaced} a second), $ROUNDS rounds (flood on CPU $CLI_CPU, server on CPU $SRV_CPU)"
printf '%-6s %12s %9s %8s %8s %8s\n' mode SYN-ACKs/s answered ns/SYN napi-ns lost-tx
: >"$RESULTS"
for r in $(seq "$ROUNDS"); do
	for mode in xdp user; do
		[ $((r % 2)) = 0 ] && mode=$([ $mode = xdp ] && echo user || echo xdp)
		line=$(one $mode) || continue
		echo "$line" >>"$RESULTS"
		# shellcheck disable=SC2086
		printf '%-6s %12s %9s %8s %8s %8s\n' $line
	done
done
echo "median (min..max) over $ROUNDS rounds:"
for mode in xdp user; do
	printf '%-6s' "$mode"
	for c in 2 3 4 5 6; do
		read -r med lo hi <<<"$(awk -v m="$mode" -v c="$c" '$1 == m { print $c }' "$RESULTS" |
			median_spread)"
		printf ' %s (%s..%s)' "$med" "$lo" "$hi"
	done
	echo
done
