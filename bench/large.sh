#!/usr/bin/env bash
# large.sh — large-file downloads, xdpserve against nginx (and lighttpd) on
# the bench bed (bench/bed.sh): one client, one connection, the whole file,
# from a cold cache (page cache dropped, server freshly started) and then
# warm (the same download again). Prints Gbit/s and server CPU per byte,
# median and spread over alternating rounds. Measurements, not tests.
#
#   bench/large.sh [-r ROUNDS] [-f SIZE]... [-S SERVER]...
#
# Sizes as head -c takes them (default 10M and 1G); the files live on the
# disk under the bed's temp dir (not a tmpfs), so "cold" reads the disk.
# Dropping the page cache needs root and touches the whole machine.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=3
SIZES=()
SERVERS=()
while getopts "r:f:S:h" o; do
	case $o in
	r) ROUNDS=$OPTARG ;;
	f) SIZES+=("$OPTARG") ;;
	S) SERVERS+=("$OPTARG") ;;
	*) sed -n '2,14p' "$0"; exit 2 ;;
	esac
done
[ ${#SIZES[@]} -gt 0 ] || SIZES=(10M 1G)
[ ${#SERVERS[@]} -gt 0 ] || SERVERS=(xdpserve nginx)

# shellcheck source=bench/bed.sh
. "$top/bench/bed.sh"

ROOT=$TB_DIR/www
mkdir -p "$ROOT"
for s in "${SIZES[@]}"; do
	head -c "$s" /dev/urandom >"$ROOT/$s.bin"
done
sync

# download NAME -> "gbit_per_s server_ns_per_byte seconds"
download() {
	local bytes t0 t1 out
	bytes=$(stat -c %s "$ROOT/$1.bin")
	t0=$(cpu_ns_of "$SERVER_PID")
	out=$(tb_cli taskset -c "$CLI_CPU" curl -sS -o /dev/null -m 600 \
		-w '%{size_download} %{time_total}' "$SERVER_URL/$1.bin")
	t1=$(cpu_ns_of "$SERVER_PID")
	awk -v out="$out" -v want="$bytes" -v dt="$((t1 - t0))" 'BEGIN {
		split(out, f, " ")
		if (f[1] != want) { print "0 0 0 short"; exit }
		printf "%.2f %.3f %.2f\n", f[1] * 8 / f[2] / 1e9, dt / f[1], f[2] }'
}

echo "# large files: ${SERVERS[*]}; $ROUNDS rounds; sizes ${SIZES[*]}"
echo "# $(uname -r), $(nproc) CPUs; server on CPU $SRV_CPU, client on CPU $CLI_CPU"
RESULTS=$TB_DIR/results
: >"$RESULTS"
for r in $(seq "$ROUNDS"); do
	order=("${SERVERS[@]}")
	[ $((r % 2)) -eq 0 ] && order=($(printf '%s\n' "${SERVERS[@]}" | tac))
	for s in "${order[@]}"; do
		for sz in "${SIZES[@]}"; do
			sync
			echo 3 >/proc/sys/vm/drop_caches
			start_server "$s"
			cold=$(download "$sz")
			warm=$(download "$sz")
			stop_server
			echo "$sz-cold $s $r $cold" >>"$RESULTS"
			echo "$sz-warm $s $r $warm" >>"$RESULTS"
			echo "  round $r $s $sz: cold $cold, warm $warm" >&2
		done
	done
done

printf '\n| download | server | Gbit/s (median, min–max) | server CPU ns/byte (median) |\n'
printf '|---|---|---|---|\n'
for sz in "${SIZES[@]}"; do
	for t in cold warm; do
		for s in "${SERVERS[@]}"; do
			read -r g glo ghi < <(median_of "$sz-$t" "$s" 4)
			read -r c _ _ < <(median_of "$sz-$t" "$s" 5)
			printf '| %s %s | %s | %s (%s–%s) | %s |\n' "$sz" "$t" "$s" "$g" "$glo" "$ghi" "$c"
		done
	done
done
