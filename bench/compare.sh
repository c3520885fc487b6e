#!/usr/bin/env bash
# compare.sh — xdpserve against nginx (and lighttpd) on one machine, side
# by side: server and client in two network namespaces joined by veth, the
# same files, the same client (wrk), alternating A/B rounds; prints the
# median and spread of each and the ratios. Measurements, not tests.
#
#   bench/compare.sh [-r ROUNDS] [-d SECONDS] [-c CONNS] [-s SCENARIO]... [-S SERVER]...
#
# Scenarios: ka-1k (keep-alive, 1 KiB), close-1k (a new connection per
# request), ka-64k (64 KiB), big-10m (10 MiB, throughput). Servers:
# xdpserve, nginx, lighttpd. Defaults: 5 rounds of 10 s, 64 connections,
# scenarios ka-1k close-1k ka-64k big-10m, servers xdpserve nginx lighttpd.
#
# Set-up, as docs/performance.md explains: threaded NAPI on both veths,
# each side's NAPI thread and process pinned to its own CPU (server CPU 0,
# client CPU 1), a pfifo qdisc (limit 10000) on both veths, TX checksum
# offload (and so TSO) off on both veths: nginx pays per packet like
# everyone else. Server CPU per request = (server process + server NAPI
# thread CPU time) / requests.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=5
DURATION=10
CONNS=64
SCENARIOS=()
SERVERS=()
while getopts "r:d:c:s:S:h" o; do
	case $o in
	r) ROUNDS=$OPTARG ;;
	d) DURATION=$OPTARG ;;
	c) CONNS=$OPTARG ;;
	s) SCENARIOS+=("$OPTARG") ;;
	S) SERVERS+=("$OPTARG") ;;
	*) sed -n '2,22p' "$0"; exit 2 ;;
	esac
done
[ ${#SCENARIOS[@]} -gt 0 ] || SCENARIOS=(ka-1k close-1k ka-64k big-10m)
[ ${#SERVERS[@]} -gt 0 ] || SERVERS=(xdpserve nginx lighttpd)

# shellcheck source=bench/bed.sh
. "$top/bench/bed.sh"

ROOT=$TB_DIR/www
mkdir -p "$ROOT"
head -c 1024 /dev/urandom >"$ROOT/1k.bin"
head -c 65536 /dev/urandom >"$ROOT/64k.bin"
head -c 10485760 /dev/urandom >"$ROOT/10m.bin"

# --- one measurement ------------------------------------------------------
# run_wrk SCENARIO -> "reqs_per_s mbit_per_s server_us_per_req client_cpu_pct p50_ms p99_ms"
run_wrk() {
	local file=1k.bin conns=$CONNS hdr=() out t0 t1 c0 c1 hz
	case $1 in
	ka-1k) ;;
	close-1k) hdr=(-H "Connection: close") ;;
	ka-64k) file=64k.bin ;;
	big-10m) file=10m.bin; conns=8 ;;
	esac
	hz=$(getconf CLK_TCK)
	t0=$(ticks_of "$SERVER_PID")
	out=$(tb_cli taskset -c $CLI_CPU bash -c 'time -p wrk -t 1 -c '"$conns"' -d '"$DURATION"'s --latency --timeout 5s "$@" 2>&1' \
		_ "${hdr[@]}" "$SERVER_URL/$file" 2>&1)
	t1=$(ticks_of "$SERVER_PID")
	awk -v hz="$hz" -v dt="$((t1 - t0))" -v dur="$DURATION" '
		/Requests\/sec:/ { rps = $2 }
		/Transfer\/sec:/ { v = $2; u = substr(v, length(v) - 1); n = v + 0;
			if (u == "GB") n *= 1024; if (u == "KB") n /= 1024; if (u ~ /B$/ && u !~ /[KMG]B/) n /= 1048576;
			mbit = n * 8 * 1.048576 }
		/^ +50%/ { p50 = $2 } /^ +99%/ { p99 = $2 }
		/^user / { cu = $2 } /^sys / { cs = $2 }
		/Socket errors|Non-2xx/ { err = err $0 "; " }
		END {
			us = rps > 0 ? (dt / hz) * 1e6 / (rps * dur) : 0
			printf "%.0f %.0f %.1f %.0f %s %s %s\n", rps, mbit, us, (cu + cs) * 100 / dur, p50, p99, (err == "" ? "-" : "errors")
		}' <<<"$out"
}

echo "# xdpserve vs ${SERVERS[*]:1}: $ROUNDS rounds x ${DURATION}s, $CONNS connections, wrk -t 1"
echo "# $(uname -r), $(nproc) CPUs; server on CPU $SRV_CPU, client on CPU $CLI_CPU"
RESULTS=$TB_DIR/results
: >"$RESULTS"
for sc in "${SCENARIOS[@]}"; do
	for r in $(seq "$ROUNDS"); do
		# Alternate the order each round so drift hurts both alike.
		order=("${SERVERS[@]}")
		[ $((r % 2)) -eq 0 ] && order=($(printf '%s\n' "${SERVERS[@]}" | tac))
		for s in "${order[@]}"; do
			start_server "$s"
			line=$(run_wrk "$sc")
			stop_server
			echo "$sc $s $r $line" >>"$RESULTS"
			echo "  $sc round $r $s: $line" >&2
		done
	done
done

printf '\n| scenario | server | req/s (median, min–max) | Mbit/s | server CPU µs/req | client CPU %% | p50 | p99 |\n'
printf '|---|---|---|---|---|---|---|---|\n'
for sc in "${SCENARIOS[@]}"; do
	base=
	for s in "${SERVERS[@]}"; do
		read -r med lo hi < <(median_of "$sc" "$s" 4)
		mbit=$(median_of "$sc" "$s" 5 | cut -d' ' -f1)
		us=$(median_of "$sc" "$s" 6 | cut -d' ' -f1)
		ccpu=$(median_of "$sc" "$s" 7 | cut -d' ' -f1)
		p50=$(awk -v a="$sc" -v b="$s" '$1 == a && $2 == b { print $8 }' "$RESULTS" | tail -1)
		p99=$(awk -v a="$sc" -v b="$s" '$1 == a && $2 == b { print $9 }' "$RESULTS" | tail -1)
		printf '| %s | %s | %s (%s–%s) | %s | %s | %s | %s | %s |\n' "$sc" "$s" "$med" "$lo" "$hi" "$mbit" "$us" "$ccpu" "$p50" "$p99"
		[ -z "$base" ] && base=$med
	done
done
printf '\nRatios against %s (median req/s):\n' "${SERVERS[0]}"
for sc in "${SCENARIOS[@]}"; do
	a=$(median_of "$sc" "${SERVERS[0]}" 4 | cut -d' ' -f1)
	for s in "${SERVERS[@]:1}"; do
		b=$(median_of "$sc" "$s" 4 | cut -d' ' -f1)
		awk -v sc="$sc" -v s="$s" -v a="$a" -v b="$b" -v x="${SERVERS[0]}" \
			'BEGIN { printf "  %s: %s / %s = %.2f\n", sc, x, s, (b > 0 ? a / b : 0) }'
	done
done
