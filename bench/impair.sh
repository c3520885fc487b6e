#!/usr/bin/env bash
# impair.sh — goodput on impaired paths, xdpserve against nginx (kernel TCP),
# through the seeded relay of the tests (tests/helpers/relaybed.sh): client
# namespace <-> router namespace (relay) <-> server namespace. Measurements,
# not tests. Paths (relay profiles):
#   lossy-wan   1 % random loss each way, 10 ms delay each way (20 ms RTT)
#   bottleneck  0 % loss, 100 Mbit/s each way in front of a 1 MiB queue
#               (tail drop): bufferbloat
# Per path and server: one 64 MiB download (goodput, Mbit/s), then 64
# concurrent 1 MiB downloads on 64 connections (completion time p50 and p99,
# nearest rank: p99 of 64 is the slowest). Prints a markdown table.
#
#   bench/impair.sh [-r ROUNDS] [-p PATH]... [-S SERVER]... [-s SEED]
#
# SERVER: xdpserve, xdpserve-newreno (when xdpserved has --congestion),
# nginx (the server namespace's default congestion control, printed),
# nginx-reno, nginx-cubic (only where the namespace allows cubic: this VM's
# allow reno and bbr). Defaults: 1 round, both paths, xdpserve (and
# xdpserve-newreno when available), nginx, nginx-reno. The relay's seed is
# printed; -s replays it.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=1
PATHS=()
SERVERS=()
SEED=
while getopts "r:p:S:s:h" o; do
	case $o in
	r) ROUNDS=$OPTARG ;;
	p) PATHS+=("$OPTARG") ;;
	S) SERVERS+=("$OPTARG") ;;
	s) SEED=$OPTARG ;;
	*) sed -n '2,22p' "$0"; exit 2 ;;
	esac
done

BED=relay
# shellcheck source=bench/bed.sh
. "$top/bench/bed.sh"
HAS_CC=0
"$XDPSERVE_BUILDDIR/xdpserved" --help 2>&1 | grep -q -- '--congestion' && HAS_CC=1
[ ${#PATHS[@]} -gt 0 ] || PATHS=(lossy-wan bottleneck)
if [ ${#SERVERS[@]} -eq 0 ]; then
	SERVERS=(xdpserve nginx nginx-reno)
	[ $HAS_CC = 1 ] && SERVERS=(xdpserve xdpserve-newreno nginx nginx-reno)
fi
KERNEL_CC=$(tb_srv sysctl -n net.ipv4.tcp_congestion_control)
# No cached ssthresh or RTT from the clean warm-up for the kernel's next
# connections.
tb_srv sysctl -qw net.ipv4.tcp_no_metrics_save=1
tb_cli sysctl -qw net.ipv4.tcp_no_metrics_save=1

ROOT=$TB_DIR/www
mkdir -p "$ROOT"
head -c 64M /dev/urandom >"$ROOT/64m.bin"
head -c 1M /dev/urandom >"$ROOT/1m.bin"

XDPSERVE_CACHE=256M
# start_impaired NAME -> SERVER_PID, SERVER_URL (bed.sh's start_server with
# the congestion control NAME asks for), its cache warm.
start_impaired() {
	local cc=$KERNEL_CC
	case $1 in
	xdpserve) start_server xdpserve ;;
	xdpserve-newreno) start_server xdpserve --congestion newreno ;;
	nginx*)
		[ "$1" = nginx-cubic ] && cc=cubic
		[ "$1" = nginx-reno ] && cc=reno
		# A namespace may only pick from tcp_allowed_congestion_control
		# (here reno and bbr; cubic is available but not allowed).
		tb_srv sysctl -qw net.ipv4.tcp_congestion_control="$cc" 2>/dev/null
		[ "$(tb_srv sysctl -n net.ipv4.tcp_congestion_control)" = "$cc" ] || {
			echo "cannot use $cc in the server namespace (allowed:" \
				"$(tb_srv sysctl -n net.ipv4.tcp_allowed_congestion_control))" >&2
			exit 1
		}
		start_server nginx
		;;
	esac
	# Warm the cache with both files through a clean relay, so the
	# measurement is the path, not the disk.
	rb_relay_start clean >/dev/null || exit 1
	tb_cli curl -s -o /dev/null -o /dev/null "$SERVER_URL/64m.bin" "$SERVER_URL/1m.bin"
	rb_relay_stop >/dev/null
}
stop_impaired() {
	stop_server
	tb_srv sysctl -qw net.ipv4.tcp_congestion_control="$KERNEL_CC"
}

# one_large -> Mbit/s of one 64 MiB download ("0" when short)
one_large() {
	tb_cli taskset -c "$CLI_CPU" curl -sS -o /dev/null -m 900 \
		-w '%{size_download} %{time_total}\n' "$SERVER_URL/64m.bin" |
		awk '{ if ($1 != 67108864) print 0; else printf "%.1f\n", $1 * 8 / $2 / 1e6 }'
}

# many_small -> "p50 p99" seconds of 64 concurrent 1 MiB downloads
many_small() {
	local args=() i
	for i in $(seq 64); do
		args+=(-o /dev/null "$SERVER_URL/1m.bin")
	done
	tb_cli taskset -c "$CLI_CPU" curl -sS --no-progress-meter -Z --parallel-immediate --parallel-max 64 -m 900 \
		-w '%{size_download} %{time_total}\n' "${args[@]}" |
		awk '$1 != 1048576 { short++ } { print $2 } END { if (short) print "short", short > "/dev/stderr" }' |
		sort -g | awk '{ v[NR] = $1 } END { if (NR < 64) { print "0 0"; exit }
			printf "%.2f %.2f\n", v[int(NR * 0.5 + 0.999)], v[int(NR * 0.99 + 0.999)] }'
}

echo "# impaired paths: ${PATHS[*]}; servers ${SERVERS[*]}; $ROUNDS round(s)"
echo "# $(uname -r), $(nproc) CPUs; server on CPU $SRV_CPU, client on CPU $CLI_CPU;" \
	"kernel congestion control in the server namespace: $KERNEL_CC" \
	"(available: $(tb_srv sysctl -n net.ipv4.tcp_available_congestion_control))"
RESULTS=$TB_DIR/results
: >"$RESULTS"
for r in $(seq "$ROUNDS"); do
	order=("${SERVERS[@]}")
	[ $((r % 2)) -eq 0 ] && mapfile -t order < <(printf '%s\n' "${SERVERS[@]}" | tac)
	for path in "${PATHS[@]}"; do
		for s in "${order[@]}"; do
			start_impaired "$s"
			RB_SEED=$SEED rb_relay_start "$path" >"$TB_DIR/seed" || exit 1
			g=$(one_large)
			read -r p50 p99 < <(many_small)
			rb_relay_stop >/dev/null
			drops=$(($(rb_relay_count b2a lost) + $(rb_relay_count b2a tail-dropped)))
			stop_impaired
			echo "$path $s $r $g $p50 $p99 $drops" >>"$RESULTS"
			echo "  round $r $path $s: 64 MiB at $g Mbit/s; 64 x 1 MiB p50 $p50 s," \
				"p99 $p99 s; server->client frames dropped $drops; $(cat "$TB_DIR/seed")" >&2
		done
	done
done

cc_of() {
	case $1 in
	xdpserve) [ $HAS_CC = 1 ] && echo "cubic (default)" || echo "newreno (the only one)" ;;
	xdpserve-newreno) echo newreno ;;
	nginx) echo "$KERNEL_CC (kernel default)" ;;
	nginx-cubic) echo "cubic (kernel)" ;;
	nginx-reno) echo "reno (kernel)" ;;
	esac
}
printf '\n| path | server | congestion control | 64 MiB goodput Mbit/s (median, min–max) | 64 × 1 MiB p50 s | p99 s | frames dropped on the way to the client |\n'
printf '|---|---|---|---|---|---|---|\n'
for path in "${PATHS[@]}"; do
	for s in "${SERVERS[@]}"; do
		read -r g glo ghi < <(median_of "$path" "$s" 4)
		read -r p50 _ _ < <(median_of "$path" "$s" 5)
		read -r p99 _ _ < <(median_of "$path" "$s" 6)
		read -r d _ _ < <(median_of "$path" "$s" 7)
		printf '| %s | %s | %s | %s (%s–%s) | %s | %s | %s |\n' "$path" "$s" "$(cc_of "$s")" \
			"$g" "$glo" "$ghi" "$p50" "$p99" "$d"
	done
done
