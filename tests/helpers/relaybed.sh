# shellcheck shell=bash
# relaybed.sh — the impairment bed (sourced after testbed.sh, bash): three
# network namespaces, client <-> router <-> server, the router's two veths
# joined by the seeded relay (tests/helpers/relay), which bridges them
# transparently — client and server share one L2 segment and the test bed's
# addresses (198.18.0.1/.2, fd00::1/::2) — and impairs what passes. Used by
# tests/e2e/impair*.sh and bench/impair.sh.
#
#   rb_bed NAME         select bed NAME (names below); several beds can live
#                       in one test, each with its own daemon and relay
#   rb_setup            create the selected bed (its namespaces are removed at
#                       exit by testbed.sh's cleanup, even from a subshell)
#   rb_relay_start PROFILE|-- ARGS...
#                       start the relay in the router namespace with a named
#                       profile (rb_profile) or raw relay options; its output
#                       goes to $TB_DIR/relay-NAME.log, pid in RB_RELAY_PID;
#                       RB_SEED=N replays a seed, RB_DURATION bounds it (600 s)
#   rb_relay_stop       SIGTERM; the relay prints its counts
#   rb_relay_count DIR FIELD   a count from the stopped relay's last line for
#                       DIR (a2b = client to server, b2a = server to client):
#                       received forwarded lost duplicated reordered corrupted
#                       delayed tail-dropped icmp-sent mtu-dropped ...
#   rb_profile NAME     the relay options of a named profile (list below)
#   rb_timestamps on|off  the client's TCP timestamps (net.ipv4.tcp_timestamps,
#                       per namespace; covers IPv6 too)
#
# After rb_bed/rb_setup (testbed.sh's names, so daemon.sh works unchanged):
#   TB_NS_CLI, TB_NS_SRV, RB_NS_RTR   xdps-$TB_ID-NAME-{cli,srv,rtr}
#   TB_CLI_IF veth-cli, TB_SRV_IF veth-srv; in the router rtr-cli, rtr-srv
#   TB_BPFFS / LIBXDP_BPFFS / TC_BPF_MNT   $TB_DIR/bpffs-NAME (one per bed:
#                       libxdp pins by ifindex, which repeats across namespaces)
#   RB_ROUTER_IP4 198.18.0.254, RB_ROUTER_IP6 fd00::fe: the source of the
#                       relay's ICMP errors (no interface holds them)
#   RB_RELAY            $XDPSERVE_BUILDDIR/tests/helpers/relay
#
# Checksums are always full: TX offload is off on the client's and the
# server's veth (a kernel sender on veth leaves them partial otherwise), and
# the relay forwards frames as they are.

RB_ROUTER_IP4=198.18.0.254
RB_ROUTER_IP6=fd00::fe
RB_RELAY=$XDPSERVE_BUILDDIR/tests/helpers/relay

# Profiles: name -> relay options. Percentages apply per direction.
rb_profile() {
	case $1 in
	clean) echo "" ;;
	loss2) echo "--loss 2" ;;
	reorder5) echo "--reorder 5" ;;
	dup1) echo "--dup 1" ;;
	corrupt) echo "--corrupt 0.5" ;;
	# Gilbert-Elliott: 0.5 % to the bad state, 25 % back, all lost there:
	# about 2 % lost, in bursts of 4 on average.
	bursty) echo "--ge 0.5,25" ;;
	# Everything at once on a 20 ms (+-10) round trip.
	mixed) echo "--loss 1 --reorder 2 --dup 0.5 --corrupt 0.5 --delay 10 --jitter 5" ;;
	mtu1280) echo "--mtu 1280" ;;
	blackhole) echo "--mtu 1280 --no-icmp" ;;
	# The benchmarks' paths (bench/impair.sh).
	lossy-wan) echo "--loss 1 --delay 10" ;;
	bottleneck) echo "--rate 100M --queue 1M" ;;
	*) return 1 ;;
	esac
}

rb_bed() {
	RB_NAME=$1
	TB_NS_CLI=xdps-$TB_ID-$RB_NAME-cli
	TB_NS_SRV=xdps-$TB_ID-$RB_NAME-srv
	RB_NS_RTR=xdps-$TB_ID-$RB_NAME-rtr
	TB_BPFFS=$TB_DIR/bpffs-$RB_NAME
	LIBXDP_BPFFS=$TB_BPFFS
	TC_BPF_MNT=$TB_BPFFS
	export TB_NS_CLI TB_NS_SRV TB_BPFFS LIBXDP_BPFFS TC_BPF_MNT
}

rb_rtr() {
	ip netns exec "$RB_NS_RTR" "$@"
}

rb__register() { # in the parent's lists, however the bed is created later
	local ns
	for ns in "$TB_NS_CLI" "$RB_NS_RTR" "$TB_NS_SRV"; do
		TB_NAMESPACES+=("$ns")
	done
	TB_MOUNTS+=("$TB_BPFFS")
}

rb_setup() {
	local ns dev
	rb__register
	for ns in "$TB_NS_CLI" "$RB_NS_RTR" "$TB_NS_SRV"; do
		ip netns add "$ns" || tap_bail "cannot create namespace $ns"
		ip netns exec "$ns" ip link set dev lo up || tap_bail "no loopback in $ns"
	done
	ip link add name "$TB_CLI_IF" netns "$TB_NS_CLI" type veth \
		peer name rtr-cli netns "$RB_NS_RTR" &&
		ip link add name "$TB_SRV_IF" netns "$TB_NS_SRV" type veth \
			peer name rtr-srv netns "$RB_NS_RTR" ||
		tap_bail "cannot create the veth pairs"
	# The router's kernel must not take part: no addresses (IPv6 off, so not
	# even link-local ones, and no ND), no forwarding, no offloads that would
	# merge or split frames behind the relay's back.
	rb_rtr sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0 ||
		tap_bail "cannot turn forwarding off in the router namespace"
	for dev in rtr-cli rtr-srv; do
		rb_rtr sysctl -qw "net.ipv6.conf.$dev.disable_ipv6=1" ||
			tap_bail "cannot turn IPv6 off on $dev"
		rb_rtr ethtool -K "$dev" tx off gro off gso off tso off >/dev/null 2>&1
		rb_rtr ip link set dev "$dev" up || tap_bail "cannot bring $dev up"
	done
	tb_cli ip addr add "$TB_CLI_IP4/24" dev "$TB_CLI_IF" &&
		tb_srv ip addr add "$TB_SRV_IP4/24" dev "$TB_SRV_IF" &&
		tb_cli ip addr add "$TB_CLI_IP6/64" dev "$TB_CLI_IF" nodad &&
		tb_srv ip addr add "$TB_SRV_IP6/64" dev "$TB_SRV_IF" nodad &&
		tb_cli ip link set dev "$TB_CLI_IF" up &&
		tb_srv ip link set dev "$TB_SRV_IF" up ||
		tap_bail "cannot configure the endpoints"
	# A kernel sender on veth leaves checksums partial unless TX offload is
	# off: on the client for xdpserve, on the server for the kernel servers.
	tb_cli ethtool -K "$TB_CLI_IF" tx off >/dev/null &&
		tb_srv ethtool -K "$TB_SRV_IF" tx off >/dev/null ||
		tap_bail "cannot turn TX offload off"
	TB_SRV_MAC=$(tb_srv cat "/sys/class/net/$TB_SRV_IF/address")
	TB_CLI_MAC=$(tb_cli cat "/sys/class/net/$TB_CLI_IF/address")
	export TB_SRV_MAC TB_CLI_MAC
	mkdir -p "$TB_BPFFS" && mount -t bpf bpf "$TB_BPFFS" ||
		tap_bail "cannot mount a BPF filesystem at $TB_BPFFS"
	tb_xdp_pass "$RB_NS_RTR" rtr-srv # the server's SYN-ACKs sent with XDP_TX
}

rb_relay_start() {
	local args
	if [ "$1" = -- ]; then
		shift
		args=("$@")
	else
		# shellcheck disable=SC2207 # profiles are plain words
		args=($(rb_profile "$1")) || tap_bail "no relay profile $1"
	fi
	[ -n "${RB_SEED:-}" ] && args+=(--seed "$RB_SEED")
	RB_LOG=$TB_DIR/relay-$RB_NAME.log
	# The background shell truncates the log only once it runs: a previous
	# relay's "forwarding" line must not be taken for this one's.
	rm -f "$RB_LOG"
	tb__bg "$RB_NS_RTR" "relay-$RB_NAME" "$RB_RELAY" --duration "${RB_DURATION:-600}" \
		--router4 "$RB_ROUTER_IP4" --router6 "$RB_ROUTER_IP6" "${args[@]}" rtr-cli rtr-srv
	RB_RELAY_PID=$TB_LAST_PID
	tb_wait_log "$RB_LOG" '^relay: forwarding' 5 || {
		cat "$RB_LOG"
		return 1
	}
	grep '^relay: seed' "$RB_LOG"
}

rb_relay_stop() {
	tb_stop "$RB_RELAY_PID"
	grep -E '^relay: (a2b|b2a) received' "$RB_LOG"
}

rb_relay_count() {
	grep "^relay: $1 received" "$RB_LOG" | tail -1 | sed -n "s/.* $2 \([0-9]*\).*/\1/p"
}

rb_timestamps() {
	local v=1
	[ "$1" = off ] && v=0
	tb_cli sysctl -qw net.ipv4.tcp_timestamps=$v
}

# --- the end-to-end impairment run (tests/e2e/impair*.sh) -------------------
#
#   rb_e2e_files ROOT      the download set (sizes from 1 KiB to 64 MiB, odd
#                          ones among them) and ROOT/SHA256SUMS
#   rb_e2e_profiles P...   each profile in a bed of its own, all at once:
#                          relay, daemon (IPv4 and IPv6), then >= 50 downloads
#                          over IPv4 and IPv6 with the client's timestamps on
#                          and off, sha256-exact within a generous curl
#                          --max-time; then no connection held, the relay's
#                          counts show the profile's impairment happened, and
#                          the daemon exits cleanly with every frame back with
#                          its owner. TAP cases "PROFILE: ..." (needs ROOT)
#   rb_e2e_main P...       the whole test: tb_init, the bed's requirements
#                          (skip when missing), ROOT=$TB_DIR/root with the
#                          download set, rb_e2e_profiles P..., tap_done
# Under the sanitizer build (XDPSERVE_SANITIZE=1, or the daemon links libasan)
# every profile still runs, with fewer and smaller downloads.

rb_sanitizer() {
	[ "${XDPSERVE_SANITIZE:-0}" = 1 ] ||
		ldd "$XDPSERVE_BUILDDIR/xdpserved" 2>/dev/null | grep -q libasan
}

# Per phase (address family x client timestamps), then the two large ones.
if rb_sanitizer; then
	RB_PHASE_SIZES=(1024 16384 100001 1048576 1024 2097153)
	RB_LARGE_BG=8388608 # alongside the phases, from their start
	RB_LARGE_LAST=4194304
else
	RB_PHASE_SIZES=(1024 3001 4096 16384 65536 100001 262144 1048576 1024 2097153 4096 4194304)
	RB_LARGE_BG=67108864
	RB_LARGE_LAST=16777216
fi

rb_e2e_files() {
	local root=$1 s
	mkdir -p "$root" || return 1
	for s in $(printf '%s\n' "${RB_PHASE_SIZES[@]}" "$RB_LARGE_BG" "$RB_LARGE_LAST" | sort -un); do
		head -c "$s" /dev/urandom >"$root/$s.bin" || return 1
	done
	(cd "$root" && sha256sum -- *.bin >SHA256SUMS)
}

# rb__download FAMILY SIZE: one download, sha256-checked; appends
# "family timestamps size seconds" to $RB_TIMES.
rb__download() {
	local fam=$1 size=$2 host=$TB_SRV_IP4 max=120 want got t0 status
	[ "$fam" = 6 ] && host="[$TB_SRV_IP6]"
	[ "$size" -gt 4194304 ] && max=300
	[ "$size" -gt 16777216 ] && max=500
	want=$(grep " $size.bin\$" "$ROOT/SHA256SUMS" | cut -d' ' -f1)
	t0=$EPOCHREALTIME
	got=$(
		set -o pipefail
		tb_cli curl -sS --fail --max-time "$max" "http://$host/$size.bin" | sha256sum | cut -d' ' -f1
	)
	status=$?
	awk -v a="$t0" -v b="$EPOCHREALTIME" -v l="$fam $RB_TS $size" \
		'BEGIN { printf "%s %.3f\n", l, b - a }' >>"$RB_TIMES"
	[ "$got" = "$want" ] && return 0
	echo "IPv$fam timestamps $RB_TS: $size bytes: sha256 $got, want $want (curl exit $status)"
	xd_dump # the daemon's view: resets, timeouts, retransmits
	return 1
}

rb__phase() { # FAMILY: every phase size, one after another; stops at a failure
	local s
	for s in "${RB_PHASE_SIZES[@]}"; do
		rb__download "$1" "$s" || return 1
	done
}

# What the profile must have done (a test of a missing impairment fails).
# rb__no_conns_left PROFILE: every connection gone once the downloads are
# done. Normally at once; one that lingers (seen about once in three
# sanitizer runs of mtu1280, cause not yet known) is shown with its state
# and must still go within 45 s: every state but TIME_WAIT has a deadline
# below that (keep-alive 15 s, send timeout 20 s, FIN_WAIT/LAST_ACK 30 s).
rb__no_conns_left() {
	tb_wait 20 xd_no_conns_left >/dev/null && return 0
	echo "$1: a connection is still held 20 s after the downloads:"
	tb_srv "$TB_XDPSERVECTL" --control-socket "$TB_DIR/xdpserved-$1.sock" conns "$TB_SRV_IF" 2>&1
	xd_dump
	tb_wait 25 xd_no_conns_left
}

rb__impaired() {
	local want
	rb_relay_stop || return 1
	case $1 in
	loss2 | bursty) want="b2a:lost a2b:lost" ;;
	reorder5) want="b2a:reordered a2b:reordered" ;;
	dup1) want="b2a:duplicated a2b:duplicated" ;;
	corrupt) want="b2a:corrupted a2b:corrupted" ;;
	mixed) want="b2a:lost b2a:reordered b2a:duplicated b2a:corrupted b2a:delayed" ;;
	mtu1280) want="b2a:icmp-sent" ;;
	blackhole) want="b2a:mtu-dropped" ;;
	esac
	for w in $want; do
		[ "$(rb_relay_count "${w%%:*}" "${w#*:}")" -gt 0 ] || {
			echo "the relay did not do ${w#*:} in ${w%%:*}"
			return 1
		}
	done
	# Corrupted segments reach the daemon (client to server) and fail its
	# checksum check.
	case $1 in
	corrupt | mixed)
		xd_dump
		[ "$(xd_counter csum)" -gt 0 ] || {
			echo "the daemon counted no checksum failure"
			return 1
		}
		;;
	esac
}

rb__times_summary() { # the slowest download of each size, seconds
	sort -k3,3n -k4,4gr "$RB_TIMES" | awk '$3 != last { printf "%s%s B %.1f s", sep, $3, $4; sep = ", "; last = $3 } END { print "" }'
}

# One profile in the selected bed (rb_bed PROFILE; rb_setup done): TAP lines
# on stdout, numbered from 1.
rb__profile_run() {
	local p=$1 big_pid t0=$SECONDS
	RB_TIMES=$TB_DIR/$p.times
	: >"$RB_TIMES"
	tap_check "$p: relay starts ($(rb_profile "$p"))" rb_relay_start "$p" || return 1
	tap_diag "$p: $(grep '^relay: seed' "$RB_LOG")"
	tap_check "$p: xdpserved starts on IPv4 and IPv6" xd_start "xdpserved-$p" \
		--addr "[$TB_SRV_IP6]:80" --cache-size 64M --drain-ms 2000 || return 1
	RB_TS=on
	rb_timestamps on
	(rb__download 4 "$RB_LARGE_BG" >"$TB_DIR/$p.large" 2>&1) &
	big_pid=$!
	sleep 0.5 # its handshake with timestamps on, before the sysctl moves
	# A failure stops the profile's other downloads: a stalled path would
	# otherwise cost every one of them its whole --max-time.
	for ph in "4 on" "6 on" "4 off" "6 off" "6 off last"; do
		RB_TS=$(cut -d' ' -f2 <<<"$ph")
		local what="IPv${ph%% *}, client timestamps $RB_TS:" fail=${fail:-}
		what="$what ${#RB_PHASE_SIZES[@]} downloads sha256-exact"
		[ "${ph##* }" = last ] && what="IPv6, timestamps off: $RB_LARGE_LAST bytes sha256-exact"
		if [ -n "$fail" ]; then
			tap_not_ok "$p: $what (not run after the failure above)"
			continue
		fi
		rb_timestamps "$RB_TS" || tap_bail "cannot set net.ipv4.tcp_timestamps"
		if [ "${ph##* }" = last ]; then
			tap_check "$p: $what" rb__download 6 "$RB_LARGE_LAST" || fail=1
		else
			tap_check "$p: $what" rb__phase "${ph%% *}" || fail=1
		fi
	done
	[ -n "$fail" ] && kill "$big_pid" 2>/dev/null
	wait "$big_pid"
	tap_result $? "$p: IPv4, timestamps on: $RB_LARGE_BG bytes sha256-exact (alongside the rest)"
	[ -s "$TB_DIR/$p.large" ] && tap_diag - <"$TB_DIR/$p.large"
	tap_diag "$p: $(wc -l <"$RB_TIMES") downloads in $((SECONDS - t0)) s; slowest per size: $(rb__times_summary)"
	tap_check "$p: afterwards no connection held" rb__no_conns_left "$p"
	tap_check "$p: the relay impaired as the profile says" rb__impaired "$p"
	grep -E '^relay: (a2b|b2a) received' "$RB_LOG" | sed "s/^relay:/$p:/" | tap_diag -
	tap_check "$p: SIGTERM: clean exit, every frame back with its owner" xd_stop_clean
}

# Replays a subshell's TAP lines as cases of this test.
rb__tap_merge() {
	local line
	while IFS= read -r line; do
		case $line in
		"ok "*) tap_ok "${line#ok * - }" ;;
		"not ok "*) tap_not_ok "${line#not ok * - }" ;;
		"Bail out!"*) tap_not_ok "$2: ${line#Bail out! }" ;;
		"#"*) echo "$line" ;;
		*) echo "# $line" ;;
		esac
	done <"$1"
}

rb_e2e_profiles() {
	local p pids=() i=0
	for p in "$@"; do
		rb_bed "$p"
		rb_setup
	done
	for p in "$@"; do
		(
			rb_bed "$p"
			TAP_COUNT=0 TAP_FAILED=0
			rb__profile_run "$p"
		) >"$TB_DIR/$p.tap" 2>&1 &
		pids+=($!)
		TB_PIDS+=($!)
	done
	for p in "$@"; do
		wait "${pids[$i]}"
		i=$((i + 1))
		rb__tap_merge "$TB_DIR/$p.tap" "$p"
	done
}

rb_e2e_main() {
	tb_init
	tb_require_root
	tb_require_cmd ip ethtool curl sha256sum sysctl awk
	tb_require_file "$XDPSERVE_BUILDDIR/xdpserved" "$TB_BPF_OBJ" "$RB_RELAY"
	ROOT=$TB_DIR/root
	rb_e2e_files "$ROOT" || tap_bail "cannot write the files to download"
	rb_e2e_profiles "$@"
	tap_done
}
