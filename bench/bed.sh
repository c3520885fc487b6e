# shellcheck shell=bash
# bed.sh — the benchmark bed shared by bench/*.sh (sourced, bash): the
# test bed's two namespaces joined by veth, set up so that each side's
# work stays on its own CPU (docs/performance.md, "Set-up"), and the
# servers compared: xdpserve, nginx and lighttpd, each started on the
# server CPU over the same document root.
#
#   ROOT=DIR must be set before start_server; top=the source tree.
#   BED=relay           (before sourcing) the tests' relay bed instead
#                       (tests/helpers/relaybed.sh: client <-> router with
#                       the seeded relay <-> server), named "bench"; only a
#                       queue on each endpoint's veth, no NAPI set-up
#   start_server NAME [XDPSERVED_FLAG...]
#                       -> SERVER_PID, SERVER_URL (warms with /1k.bin if present)
#   stop_server
#   ticks_of PID        CPU ticks of the server's process tree and NAPI thread
#   cpu_ns_of PID       the same in nanoseconds (schedstat: every thread counted)
#   median_spread       numbers on stdin -> "median min max"
#   median_of KEY SERVER COLUMN
#                       the same for column COLUMN of the $RESULTS lines
#                       "KEY SERVER ..."
#   SRV_CPU, CLI_CPU    the two CPUs
#   XDPSERVE_FLAGS      extra flags for xdpserved (default none)
#   XDPSERVE_CACHE      xdpserved's --cache-size (default 128M)
"$top/scripts/install-deps.sh" bench || exit 1
# BENCH_BUILD=DIR: build and run from DIR under the source tree (default _build).
"$top/scripts/build.sh" "${BENCH_BUILD:-_build}" || exit 1
[ "${BED:-}" != relay ] || make -C "$top/${BENCH_BUILD:-_build}" -s tests/helpers/relay || exit 1
export XDPSERVE_SRCDIR=$top XDPSERVE_BUILDDIR=$top/${BENCH_BUILD:-_build}
# shellcheck source=tests/helpers/testbed.sh
. "$top/tests/helpers/testbed.sh"
tb_init
[ "$(id -u)" -eq 0 ] || { echo "run as root" >&2; exit 1; }
SRV_CPU=0
CLI_CPU=1
[ "$(nproc)" -ge 2 ] || CLI_CPU=0

# --- the set-up that keeps the two sides' work apart ----------------------
bed_setup_relay() {
	rb_bed bench
	rb_setup >/dev/null
	# A queue on each endpoint's veth, as on the bench bed: bursts wait, not drop.
	tb_cli tc qdisc replace dev "$TB_CLI_IF" root pfifo limit 10000
	tb_srv tc qdisc replace dev "$TB_SRV_IF" root pfifo limit 10000
}
bed_setup_veth() {
	local side ns dev cpu before new
	tb_setup >/dev/null
	for side in srv cli; do
		ns=$TB_NS_SRV; dev=$TB_SRV_IF; cpu=$SRV_CPU
		[ $side = cli ] && { ns=$TB_NS_CLI; dev=$TB_CLI_IF; cpu=$CLI_CPU; }
		ip netns exec "$ns" tc qdisc replace dev "$dev" root pfifo limit 10000
		# veth has NAPI (and so a NAPI thread) only with GRO or XDP on. TX
		# offload off on both sides: the client must send real checksums to an
		# AF_XDP stack, and without TSO nginx pays per 1500-byte packet like
		# everyone else; veth also hands a frame to the peer's NAPI thread
		# only when the sender has no TSO, so each side's work stays on its CPU.
		before=$(pgrep '^napi/' | sort)
		ip netns exec "$ns" ethtool -K "$dev" gro on tx off >/dev/null
		ip netns exec "$ns" sh -c "echo 1 > /sys/class/net/$dev/threaded" ||
			echo "warning: no threaded NAPI on $dev: server CPU will hide client work" >&2
		# This veth's NAPI threads are the ones that just appeared: every test
		# bed names its veths alike, and a thread's name holds no namespace.
		new=$(comm -13 <(echo "$before") <(pgrep '^napi/' | sort) | tr '\n' ' ')
		[ $side = srv ] && NAPI_SRV=$new || NAPI_CLI=$new
		[ -n "$new" ] || echo "warning: no NAPI thread found for $dev" >&2
	done
}
if [ "${BED:-}" = relay ]; then
	# shellcheck source=tests/helpers/relaybed.sh
	. "$top/tests/helpers/relaybed.sh"
	bed_setup_relay
else
	bed_setup_veth
fi
napi_pids() { # napi_pids DEV: the NAPI kthreads of this bed's veth DEV (none on the relay bed)
	[ "${BED:-}" != relay ] || return 0
	if [ "$1" = "$TB_SRV_IF" ]; then echo "${NAPI_SRV:-}"; else echo "${NAPI_CLI:-}"; fi
}
pin_napi() {
	local p
	for p in $(napi_pids "$TB_SRV_IF"); do taskset -pc $SRV_CPU "$p" >/dev/null; done
	for p in $(napi_pids "$TB_CLI_IF"); do taskset -pc $CLI_CPU "$p" >/dev/null; done
}
pin_napi


# --- servers --------------------------------------------------------------
PORT_NGINX=8081
PORT_LIGHTTPD=8082
write_nginx_conf() {
	cat >"$TB_DIR/nginx.conf" <<CONF
user root;
worker_processes 1;
worker_cpu_affinity 1;
daemon off;
pid $TB_DIR/nginx.pid;
error_log $TB_DIR/nginx-error.log warn;
events { worker_connections 4096; }
http {
	access_log off;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 1000000;
	open_file_cache max=1000 inactive=60s;
	default_type application/octet-stream;
	server {
		listen $TB_SRV_IP4:$PORT_NGINX reuseport;
		root $ROOT;
	}
}
CONF
}
write_lighttpd_conf() {
	cat >"$TB_DIR/lighttpd.conf" <<CONF
server.document-root = "$ROOT"
server.bind = "$TB_SRV_IP4"
server.port = $PORT_LIGHTTPD
server.pid-file = "$TB_DIR/lighttpd.pid"
server.errorlog = "$TB_DIR/lighttpd-error.log"
server.max-keep-alive-requests = 1000000
server.network-backend = "sendfile"
CONF
}

SERVER_PID=
start_server() { # start_server NAME [XDPSERVED_FLAG...] -> SERVER_PID, SERVER_URL
	case $1 in
	xdpserve)
		tb_bg_srv xdpserved taskset -c $SRV_CPU "$XDPSERVE_BUILDDIR/xdpserved" \
			--iface "$TB_SRV_IF" --addr "$TB_SRV_IP4:80" --root "$ROOT" \
			--queues 1 --cache-size "${XDPSERVE_CACHE:-128M}" --bpf-obj "$TB_BPF_OBJ" \
			--log-level warn --max-conns-per-source 0 "${@:2}" ${XDPSERVE_FLAGS:-}
		SERVER_PID=$TB_LAST_PID
		SERVER_URL=http://$TB_SRV_IP4:80
		sleep 1
		;;
	nginx)
		write_nginx_conf
		tb_bg_srv nginx taskset -c $SRV_CPU nginx -c "$TB_DIR/nginx.conf"
		SERVER_PID=$TB_LAST_PID
		SERVER_URL=http://$TB_SRV_IP4:$PORT_NGINX
		tb_wait_listen "$TB_NS_SRV" $PORT_NGINX 5
		;;
	lighttpd)
		write_lighttpd_conf
		tb_bg_srv lighttpd taskset -c $SRV_CPU lighttpd -D -f "$TB_DIR/lighttpd.conf"
		SERVER_PID=$TB_LAST_PID
		SERVER_URL=http://$TB_SRV_IP4:$PORT_LIGHTTPD
		tb_wait_listen "$TB_NS_SRV" $PORT_LIGHTTPD 5
		;;
	esac
	pin_napi
	# Warm the connection path once (and the cache, for the small files).
	[ ! -e "$ROOT/1k.bin" ] || tb_cli curl -s -o /dev/null "$SERVER_URL/1k.bin"
}
stop_server() {
	kill -TERM "$SERVER_PID" 2>/dev/null
	tb_reap "$SERVER_PID"
	# nginx's master forks a worker: make sure nothing is left listening.
	pkill -f "nginx -c $TB_DIR/nginx.conf" 2>/dev/null
	sleep 0.5
}

# CPU ticks (utime + stime) of a process tree rooted at PID, plus the
# server's NAPI threads.
ticks_of() {
	local pid total=0 p
	for p in $(pgrep -P "$1" 2>/dev/null) "$1" $(napi_pids "$TB_SRV_IF"); do
		[ -r /proc/$p/stat ] || continue
		total=$((total + $(awk '{print $14 + $15}' /proc/$p/stat)))
		for c in $(pgrep -P "$p" 2>/dev/null); do
			[ -r /proc/$c/stat ] && total=$((total + $(awk '{print $14 + $15}' /proc/$c/stat)))
		done
	done
	echo $total
}


# Nanoseconds on a CPU of every thread of a process tree rooted at PID, plus
# the server's NAPI threads (/proc/*/task/*/schedstat: finer than ticks).
cpu_ns_of() {
	local p t total=0
	for p in $(pgrep -P "$1" 2>/dev/null) "$1" $(napi_pids "$TB_SRV_IF"); do
		for t in /proc/$p/task/*/schedstat; do
			[ -r "$t" ] && total=$((total + $(cut -d' ' -f1 "$t")))
		done
	done
	echo $total
}

median_spread() { # numbers on stdin -> "median min max"
	sort -g | awk '{ v[NR] = $1 } END { if (!NR) { print "0 0 0"; exit }
		m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; print m, v[1], v[NR] }'
}
median_of() { # KEY SERVER COLUMN -> "median min max" of that column in $RESULTS
	awk -v a="$1" -v b="$2" -v c="$3" '$1 == a && $2 == b { print $c }' "$RESULTS" | median_spread
}
