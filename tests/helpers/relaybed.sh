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
	rb_rtr sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0 &&
		for dev in rtr-cli rtr-srv; do
			rb_rtr sysctl -qw "net.ipv6.conf.$dev.disable_ipv6=1" &&
				rb_rtr ethtool -K "$dev" tx off gro off gso off tso off >/dev/null 2>&1
			rb_rtr ip link set dev "$dev" up || return 1
		done || tap_bail "cannot configure the router namespace"
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
