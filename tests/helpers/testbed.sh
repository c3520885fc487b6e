# shellcheck shell=bash
# testbed.sh — the end-to-end test bed (sourced, bash): two network
# namespaces joined by a veth pair, a private BPF filesystem, background
# processes that are always cleaned up, and bounded waits. Sources tap.sh.
#
#   tb_init                 run id, temp dir, cleanup trap (call first)
#   tb_require_root         skip the whole test (TAP "1..0 # SKIP") unless root
#   tb_require_cmd CMD...   skip unless every command is installed
#   tb_require_file PATH... bail out (a build problem, not a skip) when missing
#   tb_setup                namespaces, veth, addresses, private bpffs
#                           (TB_QUEUES=N before it: N RX and TX queues per veth)
#   tb_srv CMD... / tb_cli CMD...     run in the server / client namespace
#   tb_bg_srv NAME CMD... / tb_bg_cli NAME CMD...
#                           start CMD in the background in that namespace,
#                           output in $TB_DIR/NAME.log, pid in TB_LAST_PID,
#                           killed at cleanup
#   tb_stop PID             SIGTERM, wait (bounded), then SIGKILL
#   tb_check_sanitizers     1 when a sanitizer report is in a background log;
#                           cleanup runs it and fails the test on a report
#   tb_wait SECONDS CMD...  poll CMD every 0.1 s until it succeeds; 1 on timeout
#   tb_wait_listen NS PORT [SECONDS]    a TCP listener on PORT in namespace NS
#   tb_wait_log FILE REGEX [SECONDS]    a line matching REGEX in FILE
#   tb_queues_served PID LOG   SIGUSR1 the daemon PID (logging to LOG); print
#                           each worker's request count; 0 when both of
#                           queues 0 and 1 answered requests
#
# After tb_init/tb_setup these are exported (names fixed, values per run):
#   TB_ID          unique run id (hex)
#   TB_DIR         per-run temp dir (removed at exit unless TB_KEEP=1)
#   TB_NS_SRV      server namespace, "xdps-$TB_ID-srv"
#   TB_NS_CLI      client namespace, "xdps-$TB_ID-cli"
#   TB_SRV_IF      server veth, "veth-srv" (inside TB_NS_SRV)
#   TB_CLI_IF      client veth, "veth-cli" (inside TB_NS_CLI; TX offload off)
#   TB_SRV_IP4 198.18.0.1  TB_CLI_IP4 198.18.0.2  (/24)
#   TB_SRV_IP6 fd00::1     TB_CLI_IP6 fd00::2     (/64, nodad)
#   TB_SRV_MAC / TB_CLI_MAC  the veths' MAC addresses
#   TB_BPFFS       private bpffs, "$TB_DIR/bpffs"; also exported as
#   LIBXDP_BPFFS   (libxdp and userspace/steer pin under it) and
#   TC_BPF_MNT     (iproute2 pins under $TC_BPF_MNT/tc/globals)
#   XDPSERVE_BUILDDIR / XDPSERVE_SRCDIR   as make check sets them, else
#                  guessed from this file's place (srcdir/_build)
#   TB_XDPSERVECTL $XDPSERVE_BUILDDIR/xdpservectl
#   TB_BPF_OBJ     $XDPSERVE_BUILDDIR/bpf/xdpserve.bpf.o (also XDPSERVE_BPF_OBJ)
#   TB_XSK_SINK    $XDPSERVE_BUILDDIR/tests/helpers/xsk_sink

[ -n "$BASH_VERSION" ] || {
	echo "Bail out! testbed.sh needs bash"
	exit 1
}

TB_HELPERS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/helpers/tap.sh
. "$TB_HELPERS/tap.sh"

TB_PIDS=()
TB_NAMESPACES=()
TB_MOUNTS=()

tb_cleanup() {
	local status=$? pid ns m
	trap - EXIT INT TERM HUP
	for pid in "${TB_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${TB_PIDS[@]}"; do
		tb_reap "$pid"
	done
	# Reports come when a process exits, after the cases: fail the test here.
	if ! tb_check_sanitizers; then
		echo "Bail out! sanitizer report in a background process's log (see above)"
		[ "$status" -eq 0 ] && status=1
	fi
	for ns in "${TB_NAMESPACES[@]}"; do
		# Anything still running in our own namespace was started by this test.
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$pid" 2>/dev/null
		done
		ip netns del "$ns" 2>/dev/null
	done
	for m in "${TB_MOUNTS[@]}"; do
		umount "$m" 2>/dev/null
	done
	if [ -n "$TB_DIR" ] && [ -d "$TB_DIR" ]; then
		if [ "${TB_KEEP:-0}" = 1 ]; then
			echo "# kept $TB_DIR"
		else
			rm -rf "$TB_DIR"
		fi
	fi
	exit "$status"
}

# 1 when an ASan/LSan/UBSan report is in any background process's log
# ($TB_DIR/NAME.log, the daemon's stderr among them); the report as diagnostics.
tb_check_sanitizers() {
	local f found=0 re='ERROR: [A-Za-z]+Sanitizer|runtime error:'
	for f in "$TB_DIR"/*.log; do
		[ -f "$f" ] && grep -qE "$re" "$f" || continue
		echo "# sanitizer report in $(basename "$f"):"
		grep -E -A15 "$re" "$f" | head -60 | sed 's/^/# /'
		found=1
	done
	return "$found"
}

# Wait up to 2 s for PID to go, then SIGKILL it.
tb_reap() {
	local pid=$1 i
	for i in $(seq 20); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

tb_init() {
	TB_ID=$(printf '%04x%04x' $(($$ & 0xffff)) $((RANDOM & 0xffff)))
	TB_DIR=$(mktemp -d "${TMPDIR:-/tmp}/xdpserve-tb.$TB_ID.XXXXXX") ||
		tap_bail "cannot create a temp dir"
	# The daemon's workers read files as an unprivileged user (--user):
	# document roots under TB_DIR must be reachable for it.
	chmod 755 "$TB_DIR"
	trap tb_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
	: "${XDPSERVE_SRCDIR:=$(cd "$TB_HELPERS/../.." && pwd)}"
	: "${XDPSERVE_BUILDDIR:=$XDPSERVE_SRCDIR/_build}"
	TB_XDPSERVECTL=$XDPSERVE_BUILDDIR/xdpservectl
	TB_BPF_OBJ=$XDPSERVE_BUILDDIR/bpf/xdpserve.bpf.o
	TB_XSK_SINK=$XDPSERVE_BUILDDIR/tests/helpers/xsk_sink
	XDPSERVE_BPF_OBJ=$TB_BPF_OBJ
	TB_NS_SRV=xdps-$TB_ID-srv
	TB_NS_CLI=xdps-$TB_ID-cli
	TB_SRV_IF=veth-srv
	TB_CLI_IF=veth-cli
	TB_SRV_IP4=198.18.0.1
	TB_CLI_IP4=198.18.0.2
	TB_SRV_IP6=fd00::1
	TB_CLI_IP6=fd00::2
	export TB_ID TB_DIR XDPSERVE_SRCDIR XDPSERVE_BUILDDIR TB_XDPSERVECTL TB_BPF_OBJ \
		TB_XSK_SINK XDPSERVE_BPF_OBJ TB_NS_SRV TB_NS_CLI TB_SRV_IF TB_CLI_IF \
		TB_SRV_IP4 TB_CLI_IP4 TB_SRV_IP6 TB_CLI_IP6
}

tb_require_root() {
	[ "$(id -u)" -eq 0 ] || tap_skip_all "needs root (network namespaces, XDP, AF_XDP)"
}

tb_require_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || tap_skip_all "$c is not installed"
	done
}

tb_require_file() {
	local f
	for f in "$@"; do
		[ -e "$f" ] || tap_bail "$f is missing: build first (make check builds it)"
	done
}

tb_setup() {
	ip netns add "$TB_NS_SRV" || tap_bail "cannot create namespace $TB_NS_SRV"
	TB_NAMESPACES+=("$TB_NS_SRV")
	ip netns add "$TB_NS_CLI" || tap_bail "cannot create namespace $TB_NS_CLI"
	TB_NAMESPACES+=("$TB_NS_CLI")
	local q=()
	[ -n "${TB_QUEUES:-}" ] && q=(numtxqueues "$TB_QUEUES" numrxqueues "$TB_QUEUES")
	ip link add name "$TB_SRV_IF" netns "$TB_NS_SRV" "${q[@]}" type veth \
		peer name "$TB_CLI_IF" netns "$TB_NS_CLI" "${q[@]}" ||
		tap_bail "cannot create the veth pair"
	tb_srv ip link set dev lo up &&
		tb_cli ip link set dev lo up &&
		tb_srv ip addr add "$TB_SRV_IP4/24" dev "$TB_SRV_IF" &&
		tb_cli ip addr add "$TB_CLI_IP4/24" dev "$TB_CLI_IF" &&
		tb_srv ip addr add "$TB_SRV_IP6/64" dev "$TB_SRV_IF" nodad &&
		tb_cli ip addr add "$TB_CLI_IP6/64" dev "$TB_CLI_IF" nodad &&
		tb_srv ip link set dev "$TB_SRV_IF" up &&
		tb_cli ip link set dev "$TB_CLI_IF" up ||
		tap_bail "cannot configure the veth pair"
	# A kernel client on veth sends partial checksums unless TX offload is off.
	tb_cli ethtool -K "$TB_CLI_IF" tx off >/dev/null ||
		tap_bail "cannot turn TX offload off on $TB_CLI_IF"
	TB_SRV_MAC=$(tb_srv cat "/sys/class/net/$TB_SRV_IF/address")
	TB_CLI_MAC=$(tb_cli cat "/sys/class/net/$TB_CLI_IF/address")

	# ip netns exec remounts /sys, so pins must live in a bpffs of our own.
	TB_BPFFS=$TB_DIR/bpffs
	mkdir -p "$TB_BPFFS" && mount -t bpf bpf "$TB_BPFFS" ||
		tap_bail "cannot mount a BPF filesystem at $TB_BPFFS"
	TB_MOUNTS+=("$TB_BPFFS")
	LIBXDP_BPFFS=$TB_BPFFS
	TC_BPF_MNT=$TB_BPFFS
	export TB_SRV_MAC TB_CLI_MAC TB_BPFFS LIBXDP_BPFFS TC_BPF_MNT
	tb_xdp_pass "$TB_NS_CLI" "$TB_CLI_IF"
}

# Frames the steering program sends back with XDP_TX (SYN-ACKs) reach a veth
# peer only when the peer runs an XDP program itself: veth queues them on the
# peer's XDP ring and wakes its NAPI only then (GRO alone gives the ring, not
# the wake-up). libxdp's default AF_XDP program passes every frame while no
# socket is bound, and an XDP program keeps GRO off, as on a plain veth.
TB_XDP_PASS_OBJ=
for d in /usr/lib/"$(uname -m)"-linux-gnu/bpf /usr/lib64/bpf /usr/lib/bpf /usr/local/lib/bpf; do
	[ -e "$d/xsk_def_xdp_prog.o" ] && TB_XDP_PASS_OBJ=$d/xsk_def_xdp_prog.o && break
done
tb_xdp_pass() { # tb_xdp_pass NS DEV: the server's veth peer DEV in namespace NS
	if [ -z "$TB_XDP_PASS_OBJ" ]; then
		echo "# no xsk_def_xdp_prog.o (libxdp): SYN-ACKs sent in XDP will not reach $2"
		return 0
	fi
	ip netns exec "$1" ip link set dev "$2" xdpdrv obj "$TB_XDP_PASS_OBJ" sec xdp ||
		tap_bail "cannot attach $TB_XDP_PASS_OBJ to $2"
}

tb_srv() {
	ip netns exec "$TB_NS_SRV" "$@"
}

tb_cli() {
	ip netns exec "$TB_NS_CLI" "$@"
}

tb__bg() {
	local ns=$1 name=$2
	shift 2
	# Empty the log here, not in the child: a caller waiting for a line must
	# never read the last run's log before the child gets to truncate it.
	: >"$TB_DIR/$name.log"
	ip netns exec "$ns" "$@" >>"$TB_DIR/$name.log" 2>&1 &
	TB_LAST_PID=$!
	TB_PIDS+=("$TB_LAST_PID")
}

tb_bg_srv() {
	tb__bg "$TB_NS_SRV" "$@"
}

tb_bg_cli() {
	tb__bg "$TB_NS_CLI" "$@"
}

tb_stop() {
	kill -TERM "$1" 2>/dev/null
	tb_reap "$1"
}

tb_wait() {
	local secs=$1 deadline
	shift
	deadline=$((SECONDS + secs))
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.1
	done
}

tb__listening() {
	ip netns exec "$1" ss -Hltn "sport = :$2" | grep -q .
}

tb_wait_listen() {
	tb_wait "${3:-5}" tb__listening "$1" "$2"
}

tb_wait_log() {
	tb_wait "${3:-5}" grep -Eq "$2" "$1"
}

tb_queues_served() {
	local q0 q1
	kill -USR1 "$1"
	sleep 0.5
	q0=$(grep 'queue 0 http: ' "$2" | tail -1 | sed -n 's/.*requests \([0-9]*\),.*/\1/p')
	q1=$(grep 'queue 1 http: ' "$2" | tail -1 | sed -n 's/.*requests \([0-9]*\),.*/\1/p')
	echo "requests: queue 0 ${q0:-?}, queue 1 ${q1:-?}"
	[ "${q0:-0}" -gt 0 ] && [ "${q1:-0}" -gt 0 ]
}
