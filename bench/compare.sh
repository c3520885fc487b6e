#!/usr/bin/env bash
# compare.sh — xdpserve against nginx (and lighttpd) on one machine, side
# by side: server and client in two network namespaces joined by veth, the
# same files, the same clients, alternating A/B rounds; prints the median
# and spread of each, the medium's floor for each scenario, and the ratios.
# Measurements, not tests.
#
#   bench/compare.sh [-r ROUNDS] [-d SECONDS] [-c CONNS] [-s SCENARIO]... [-S SERVER]...
#
# Scenarios: ka-1k (keep-alive, 1 KiB), pipe-16 (keep-alive 1 KiB, 16
# requests pipelined per connection, wrk with bench/pipeline.lua), close-1k
# (a new connection per request), ka-64k (64 KiB), big-10m (10 MiB,
# throughput), rate-5k (1 KiB at a fixed 5000 req/s over 64 keep-alive
# connections, open loop: bench/ratecli; its p99 is the figure). Servers:
# xdpserve, xdpserve-sg (--tx-path sg: payload by reference, multi-buffer),
# xdpserve-bp (--busy-poll 50: the worker polls its queue's NAPI), nginx,
# lighttpd. Defaults: 5 rounds of 10 s, 64 connections, every
# scenario, servers xdpserve nginx lighttpd. For a quick check:
# `-r 1 -d 3`.
#
# The floor: in every round of every scenario, before its servers,
# bench/reflector (an AF_XDP copy-mode socket on the same server veth
# answering each UDP frame with N full-size frames) measures the server
# CPU of one frame in (a) and one 1514-byte frame out (b), from runs with
# N = 1 and N = 8; a scenario's floor is
# a × its frames in per request + b × its frames out per request, counted
# on the client's veth during xdpserve's rounds.
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
	*) sed -n '2,33p' "$0"; exit 2 ;;
	esac
done
[ ${#SCENARIOS[@]} -gt 0 ] || SCENARIOS=(ka-1k pipe-16 close-1k ka-64k big-10m rate-5k)
[ ${#SERVERS[@]} -gt 0 ] || SERVERS=(xdpserve nginx lighttpd)

# shellcheck source=bench/bed.sh
. "$top/bench/bed.sh"
REFLECTOR=$XDPSERVE_BUILDDIR/bench/reflector/reflector
RATECLI=$XDPSERVE_BUILDDIR/bench/ratecli/ratecli

ROOT=$TB_DIR/www
mkdir -p "$ROOT"
head -c 1024 /dev/urandom >"$ROOT/1k.bin"
head -c 65536 /dev/urandom >"$ROOT/64k.bin"
head -c 10485760 /dev/urandom >"$ROOT/10m.bin"

cli_frames() { # -> "frames_to_server frames_from_server" so far, on the client's veth
	tb_cli cat "/sys/class/net/$TB_CLI_IF/statistics/tx_packets" \
		"/sys/class/net/$TB_CLI_IF/statistics/rx_packets" | paste -sd' '
}

# --- the medium's floor ---------------------------------------------------
# probe N -> "server_ns_per_request_frame frames_in frames_out"
probe() {
	local n=$1 c0 c1 out pid
	tb_bg_srv reflector taskset -c $SRV_CPU "$REFLECTOR" serve "$TB_SRV_IF" --replies "$n"
	pid=$TB_LAST_PID
	tb_wait_log "$TB_DIR/reflector.log" ready 5 || sleep 1
	pin_napi
	c0=$(cpu_ns_of "$pid")
	out=$(tb_cli taskset -c $CLI_CPU "$REFLECTOR" drive "$TB_SRV_IP4" --replies "$n" --seconds "$DURATION")
	c1=$(cpu_ns_of "$pid")
	tb_stop "$pid"
	awk -v dt="$((c1 - c0))" '/^rx / { rx = $2; tx = $4 } END { printf "%.1f %d %d\n", rx ? dt / rx : 0, rx, tx }' \
		"$TB_DIR/reflector.log"
	: "$out" # the driver's own counts; the reflector's are the ones used
}

# --- one measurement ------------------------------------------------------
# run_one SCENARIO -> "reqs_per_s mbit_per_s server_us_per_req client_cpu_pct p50 p99 errors frames_in/req frames_out/req"
run_one() {
	local file=1k.bin conns=$CONNS args=() out t0 t1 f0 f1 port
	case $1 in
	ka-1k) ;;
	pipe-16) args=(-s "$top/bench/pipeline.lua") ;;
	close-1k) args=(-H "Connection: close") ;;
	ka-64k) file=64k.bin ;;
	big-10m) file=10m.bin; conns=8 ;;
	esac
	f0=$(cli_frames)
	t0=$(cpu_ns_of "$SERVER_PID")
	if [ "$1" = rate-5k ]; then
		port=${SERVER_URL##*:}; [ "$port" = "$SERVER_URL" ] && port=80
		out=$(tb_cli taskset -c $CLI_CPU bash -c 'time -p "$@" 2>&1' _ \
			"$RATECLI" -r 5000 -c "$conns" -d "$DURATION" "$TB_SRV_IP4" "${port#*//}" "/$file" 2>&1)
	else
		out=$(tb_cli taskset -c $CLI_CPU bash -c 'time -p wrk -t 1 -c '"$conns"' -d '"$DURATION"'s --latency --timeout 5s "$@" 2>&1' \
			_ "${args[@]}" "$SERVER_URL/$file" 2>&1)
	fi
	t1=$(cpu_ns_of "$SERVER_PID")
	f1=$(cli_frames)
	awk -v dt="$((t1 - t0))" -v dur="$DURATION" -v f0="$f0" -v f1="$f1" '
		/requests in/ { n = $1 }
		/Requests\/sec:/ { rps = $2 }
		/Transfer\/sec:/ { v = $2; u = substr(v, length(v) - 1); x = v + 0;
			if (u == "GB") x *= 1024; if (u == "KB") x /= 1024; if (u ~ /B$/ && u !~ /[KMG]B/) x /= 1048576;
			mbit = x * 8 * 1.048576 }
		/^ +50%/ { p50 = $2 } /^ +99%/ { p99 = $2 }
		/^requests [0-9]+ errors/ { n = $2; rps = $6; p50 = sprintf("%.0fus", $8); p99 = sprintf("%.0fus", $10);
			if ($4 > 0) err = err "errors " $4 }
		/^user / { cu = $2 } /^sys / { cs = $2 }
		/Socket errors|Non-2xx/ { err = err $0 "; " }
		END {
			if (!n) n = rps * dur
			split(f0, a, " "); split(f1, b, " ")
			us = n > 0 ? dt / 1e3 / n : 0
			printf "%.0f %.0f %.2f %.0f %s %s %s %.2f %.2f\n", rps, mbit, us, (cu + cs) * 100 / dur, p50, p99,
				(err == "" ? "-" : "errors"), n ? (b[1] - a[1]) / n : 0, n ? (b[2] - a[2]) / n : 0
		}' <<<"$out"
}

echo "# xdpserve vs ${SERVERS[*]:1}: $ROUNDS rounds x ${DURATION}s, $CONNS connections, wrk -t 1 / ratecli"
echo "# $(uname -r), $(nproc) CPUs; server on CPU $SRV_CPU, client on CPU $CLI_CPU; $(date -u '+%F %H:%M UTC')"
RESULTS=$TB_DIR/results
: >"$RESULTS"
for sc in "${SCENARIOS[@]}"; do
	for r in $(seq "$ROUNDS"); do
		# The floor probe runs in every round, beside the servers it is
		# compared with: on a busy machine a probe run apart measures
		# another minute.
		for n in 1 8; do
			line=$(probe $n)
			echo "probe-$n reflector $sc-$r $line" >>"$RESULTS"
			echo "  floor probe 1:$n $sc round $r: $line" >&2
		done
		# Alternate the order each round so drift hurts both alike.
		order=("${SERVERS[@]}")
		[ $((r % 2)) -eq 0 ] && order=($(printf '%s\n' "${SERVERS[@]}" | tac))
		for s in "${order[@]}"; do
			case $s in
			xdpserve-sg) start_server xdpserve --tx-path sg ;;
			xdpserve-bp) start_server xdpserve --busy-poll 50 ;;
			*) start_server "$s" ;;
			esac
			line=$(run_one "$sc")
			stop_server
			# A round that served nothing (a server that did not come up
			# in time on a busy machine) is reported, not counted.
			if [ "${line%% *}" = 0 ]; then
				echo "  $sc round $r $s: no requests served, round left out" >&2
				continue
			fi
			echo "$sc $s $r $line" >>"$RESULTS"
			echo "  $sc round $r $s: $line" >&2
		done
	done
done
cp "$RESULTS" "${COMPARE_RESULTS:-/dev/null}" 2>/dev/null

# The floor's two costs, in µs: a per frame in, b per full frame out.
# The probe's CPU per request frame is a + N b for N = 1 and N = 8.
c1=$(median_of probe-1 reflector 4 | cut -d' ' -f1)
c8=$(median_of probe-8 reflector 4 | cut -d' ' -f1)
read -r FA FB < <(awk -v c1="$c1" -v c8="$c8" 'BEGIN { b = (c8 - c1) / 7; a = c1 - b; printf "%.3f %.3f\n", a / 1e3, b / 1e3 }')
printf '\nThe medium (reflector, median of %s rounds): 1 frame in + 1 out = %.2f µs of server CPU (%.2f µs per frame); one frame in a = %s µs, one 1514-byte frame out b = %s µs\n' \
	"$((ROUNDS * ${#SCENARIOS[@]}))" "$(awk -v c="$c1" 'BEGIN { print c / 1e3 }')" "$(awk -v c="$c1" 'BEGIN { print c / 2e3 }')" "$FA" "$FB"

floor_of() { # SCENARIO -> floor µs/req from xdpserve's frames per request
	local fin fout
	fin=$(median_of "$1" xdpserve 11 | cut -d' ' -f1)
	fout=$(median_of "$1" xdpserve 12 | cut -d' ' -f1)
	awk -v i="$fin" -v o="$fout" -v a="$FA" -v b="$FB" 'BEGIN { printf "%.2f\n", i * a + o * b }'
}

printf '\n| scenario | server | req/s (median, min–max) | Mbit/s | server CPU µs/req (median, min–max) | floor µs/req | frames in/out per req | client CPU %% | p50 | p99 |\n'
printf '|---|---|---|---|---|---|---|---|---|---|\n'
for sc in "${SCENARIOS[@]}"; do
	fl=$(floor_of "$sc")
	for s in "${SERVERS[@]}"; do
		read -r med lo hi < <(median_of "$sc" "$s" 4)
		mbit=$(median_of "$sc" "$s" 5 | cut -d' ' -f1)
		read -r us uslo ushi < <(median_of "$sc" "$s" 6)
		ccpu=$(median_of "$sc" "$s" 7 | cut -d' ' -f1)
		fin=$(median_of "$sc" "$s" 11 | cut -d' ' -f1)
		fout=$(median_of "$sc" "$s" 12 | cut -d' ' -f1)
		p50=$(awk -v a="$sc" -v b="$s" '$1 == a && $2 == b { print $8 }' "$RESULTS" | tail -1)
		p99=$(awk -v a="$sc" -v b="$s" '$1 == a && $2 == b { print $9 }' "$RESULTS" | tail -1)
		printf '| %s | %s | %s (%s–%s) | %s | %s (%s–%s) | %s | %s / %s | %s | %s | %s |\n' "$sc" "$s" "$med" "$lo" "$hi" \
			"$mbit" "$us" "$uslo" "$ushi" "$fl" "$fin" "$fout" "$ccpu" "$p50" "$p99"
	done
done

to_us() { # wrk's latency ("1.23ms", "456.00us", "1.2s") -> µs
	awk -v v="$1" 'BEGIN { x = v + 0; if (v ~ /ms$/) x *= 1e3; else if (v ~ /us$/) x *= 1; else if (v ~ /s$/) x *= 1e6; print x }'
}
printf '\nRatios (medians; "best peer" is the lowest server CPU per request, or p99, among %s):\n' "$(printf '%s\n' "${SERVERS[@]}" | grep -v '^xdpserve' | paste -sd' ')"
for sc in "${SCENARIOS[@]}"; do
	x=$(median_of "$sc" xdpserve 6 | cut -d' ' -f1)
	best="" bs=""
	for s in "${SERVERS[@]}"; do
		case $s in xdpserve*) continue ;; esac
		v=$(median_of "$sc" "$s" 6 | cut -d' ' -f1)
		if [ -z "$best" ] || awk -v a="$v" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$v bs=$s; fi
	done
	fl=$(floor_of "$sc")
	awk -v sc="$sc" -v x="$x" -v b="${best:-0}" -v bs="${bs:--}" -v f="$fl" 'BEGIN {
		printf "  %s: server CPU/req xdpserve / best peer (%s) = %.2f, xdpserve / floor = %.2f\n", sc, bs, (b > 0 ? x / b : 0), (f > 0 ? x / f : 0) }'
	for s in "${SERVERS[@]}"; do
		[ "$s" = xdpserve-sg ] || continue
		v=$(median_of "$sc" "$s" 6 | cut -d' ' -f1)
		awk -v sc="$sc" -v x="$x" -v v="$v" 'BEGIN { printf "  %s: server CPU/req xdpserve-sg / xdpserve = %.2f\n", sc, (x > 0 ? v / x : 0) }'
	done
	if [ "$sc" = rate-5k ]; then
		# p99 of each server: the median over the rounds.
		bp="" bps=""
		xp=$(awk -v a="$sc" '$1 == a && $2 == "xdpserve" { print $9 + 0 }' "$RESULTS" | median_spread | cut -d' ' -f1)
		for s in "${SERVERS[@]}"; do
			case $s in xdpserve*) continue ;; esac
			v=$(awk -v a="$sc" -v b="$s" '$1 == a && $2 == b { print $9 + 0 }' "$RESULTS" | median_spread | cut -d' ' -f1)
			if [ -z "$bp" ] || awk -v a="$v" -v b="$bp" 'BEGIN { exit !(a < b) }'; then bp=$v bps=$s; fi
		done
		awk -v x="$xp" -v b="${bp:-0}" -v bs="${bps:--}" 'BEGIN {
			printf "  rate-5k: p99 (median of rounds) xdpserve %.0f µs, best peer (%s) %.0f µs, ratio %.2f\n", x, bs, b, (b > 0 ? x / b : 0) }'
	fi
done
