#!/bin/bash
# steer.sh — end-to-end test of the XDP steering program on a veth pair
# between two namespaces (tests/helpers/testbed.sh):
#   part 1, loaded by hand with `ip link set dev … xdp obj … sec xdp`;
#   part 2, loaded with `xdpservectl attach` (libxdp).
# In both, 198.18.0.1:80 and [fd00::1]:80 are served and an AF_XDP socket
# (tests/helpers/xsk_sink) sits in the queue's XSKMAP slot; the checks show
# that other TCP, ICMP and ARP/ND still reach the kernel, that SYNs to the
# served endpoint are redirected and never reach the kernel's listener on
# port 80, and that after detaching the kernel answers port 80 again.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"

. "$(dirname "$0")/../helpers/testbed.sh"

tb_init
tb_require_root
tb_require_cmd ip ethtool socat ping ss bpftool timeout
tb_require_file "$TB_XDPSERVECTL" "$TB_BPF_OBJ" "$TB_XSK_SINK"
tb_setup

HITS80=$TB_DIR/hits80
SINK_COUNT=$TB_DIR/sink.count

ctl() {
	tb_srv "$TB_XDPSERVECTL" "$@"
}

# Packets counted in one outcome slot, from `xdpservectl stats --json`.
stat() {
	ctl stats "$TB_SRV_IF" --json |
		sed -n "s/.*\"$1\":{\"packets\":\([0-9]*\),.*/\1/p"
}

# A kernel listener: answers "pong-PORT" and, on port 80, notes each connection.
start_listener() {
	local port=$1 cmd="echo pong-$1"
	[ "$port" = 80 ] && cmd="echo hit >> $HITS80; echo pong-80"
	tb_bg_srv "listen$port" socat "TCP6-LISTEN:$port,reuseaddr,fork,ipv6only=0" \
		"SYSTEM:$cmd"
	tb_wait_listen "$TB_NS_SRV" "$port" || tap_bail "no listener on port $port"
}

# The client fetches from ADDR (socat syntax) and expects "pong-PORT".
answers() {
	local addr=$1 port=$2 out
	out=$(tb_cli timeout 5 socat -u "TCP:$addr:$port,connect-timeout=3" - 2>&1)
	[ "$out" = "pong-$port" ] || {
		echo "got: $out"
		return 1
	}
}

# Neither v4 nor v6 handshake to ADDR:80 completes, and port 80 sees nothing.
syn_is_steered() {
	local addr=$1 before after sunk_before sunk_after
	before=$(stat redirected)
	sunk_before=$(cat "$SINK_COUNT")
	if tb_cli timeout 4 socat -u "TCP:$addr:80,connect-timeout=2" - >/dev/null 2>&1; then
		echo "the handshake with $addr:80 completed"
		return 1
	fi
	after=$(stat redirected)
	sunk_after=$(cat "$SINK_COUNT")
	echo "redirected $before -> $after, sink $sunk_before -> $sunk_after"
	[ -s "$HITS80" ] && {
		echo "the kernel's port-80 listener saw a connection"
		return 1
	}
	[ "${after:-0}" -gt "${before:-0}" ] && [ "${sunk_after:-0}" -gt "${sunk_before:-0}" ]
}

neighbour_resolves() {
	local addr=$1 family=$2
	tb_cli ip neigh flush dev "$TB_CLI_IF" &&
		tb_cli ping "-$family" -c 1 -W 2 "$addr" &&
		tb_cli ip neigh show "$addr" dev "$TB_CLI_IF" | grep -q "lladdr $TB_SRV_MAC"
}

start_sink() {
	rm -f "$SINK_COUNT"
	tb_bg_srv "sink$1" "$TB_XSK_SINK" "$TB_SRV_IF" --count-file "$SINK_COUNT" --duration 120
	SINK_PID=$TB_LAST_PID
	tb_wait_log "$TB_DIR/sink$1.log" '^ready' 10
}

kernel_answers_port80() {
	answers "$TB_SRV_IP4" 80 && answers "[$TB_SRV_IP6]" 80 && [ -s "$HITS80" ]
}

pins_by_name_in_tc_globals() {
	local m
	for m in xdpserve_endpoints xdpserve_xsks xdpserve_stats xdpserve_iface; do
		test -e "$TC_BPF_MNT/tc/globals/$m" || return 1
	done
}

# 198.18.0.1:80 straight into the pinned trie, bytes as in shared.h: prefixlen
# 32 + 32 = 64 (host order), port 80 (network order), family 4, pad, address.
serve_by_hand() {
	bpftool map update pinned "$TC_BPF_MNT/tc/globals/xdpserve_endpoints" \
		key hex 40 00 00 00 00 50 04 00 c6 12 00 01 00 00 00 00 00 00 00 00 00 00 00 00 \
		value hex 00 00 00 00 &&
		ctl addr add "$TB_SRV_IF" "[fd00::1]:80" &&
		test "$(ctl addr list "$TB_SRV_IF" | sort)" = "$(printf '198.18.0.1:80\n[fd00::1]:80')"
}

serve_with_ctl() {
	ctl addr add "$TB_SRV_IF" 198.18.0.1:80 && ctl addr add "$TB_SRV_IF" "[fd00::1]:80"
}

other_port_answers() {
	answers "$TB_SRV_IP4" 8080 && answers "[$TB_SRV_IP6]" 8080
}

neighbours_resolve() {
	neighbour_resolves "$TB_SRV_IP4" 4 && neighbour_resolves "$TB_SRV_IP6" 6
}

passed_traffic_counted() {
	echo "pass_not_ip $(stat pass_not_ip), pass_not_tcp $(stat pass_not_tcp)," \
		"pass_not_served $(stat pass_not_served)"
	[ "$(stat pass_not_ip)" -gt 0 ] && [ "$(stat pass_not_tcp)" -gt 0 ] &&
		[ "$(stat pass_not_served)" -gt 0 ]
}

detach_by_hand() {
	tb_srv ip link set dev "$TB_SRV_IF" xdp off && kernel_answers_port80
}

attach_with_ctl() {
	local out
	out=$(ctl attach "$TB_SRV_IF" "$@" 2>&1)
	echo "$out"
	echo "$out" | grep -q "in ${MODE:-native} mode"
}

pins_per_interface() {
	test -e "$LIBXDP_BPFFS/xdpserve/$TB_SRV_IF/xdpserve_endpoints" &&
		test -e "$LIBXDP_BPFFS/xdpserve/$TB_SRV_IF/xdpserve_xsks" &&
		test -e "$LIBXDP_BPFFS/xdpserve/$TB_SRV_IF/xdpserve_stats"
}

stats_json_complete() {
	local json k
	json=$(ctl stats "$TB_SRV_IF" --json) || return 1
	echo "$json"
	for k in redirected redirect_failed pass_not_served pass_not_tcp pass_not_ip \
		pass_malformed pass_fragment pass_ipv6_exthdr pass_other_mac drop_fragment \
		redirected_icmp; do
		echo "$json" | grep -q "\"$k\":{\"packets\":[0-9]*,\"bytes\":[0-9]*}" || return 1
	done
	echo "$json" | grep -q "^{\"interface\":\"$TB_SRV_IF\",\"xdp_mode\":\"native\"" &&
		[ "$(stat redirected)" -ge 2 ]
}

detach_with_ctl() {
	ctl detach "$TB_SRV_IF" &&
		! tb_srv ip link show dev "$TB_SRV_IF" | grep -q prog/xdp &&
		! test -e "$LIBXDP_BPFFS/xdpserve/$TB_SRV_IF"
}

skb_mode() {
	MODE=skb attach_with_ctl --mode skb &&
		tb_srv ip link show dev "$TB_SRV_IF" | grep -q xdpgeneric &&
		ctl detach "$TB_SRV_IF"
}

# lo has no native XDP: a forced native attach must say what to do instead,
# and auto mode must fall back to skb.
native_unsupported() {
	local out
	out=$(ctl attach lo --mode native 2>&1) && return 1
	echo "$out"
	echo "$out" | grep -q "lo in native mode failed (Operation not supported).*use --mode skb"
}

auto_falls_back() {
	local out
	out=$(ctl attach lo 2>&1) || return 1
	echo "$out"
	echo "$out" | grep -q "falling back to skb mode" && echo "$out" | grep -q "lo in skb mode" &&
		ctl detach lo
}

ctl_detaches_hand_loaded() {
	tb_srv ip link set dev "$TB_SRV_IF" xdp obj "$TB_BPF_OBJ" sec xdp &&
		ctl stats "$TB_SRV_IF" | grep -q "native mode" &&
		ctl detach "$TB_SRV_IF" &&
		! tb_srv ip link show dev "$TB_SRV_IF" | grep -q prog/xdp
}

start_listener 8080
start_listener 80
rm -f "$HITS80"

# --- part 1: loaded by hand with ip link ---------------------------------
tap_check "ip link attaches the program (sec xdp)" \
	tb_srv ip link set dev "$TB_SRV_IF" xdp obj "$TB_BPF_OBJ" sec xdp
tap_check "ip link pins the maps by name under \$TC_BPF_MNT/tc/globals" \
	pins_by_name_in_tc_globals
tap_check "serve 198.18.0.1:80 through the pinned map, [fd00::1]:80 with xdpservectl" \
	serve_by_hand
tap_check "an AF_XDP socket is bound to queue 0 and in the XSKMAP" start_sink 1
tap_check "a kernel listener on port 8080 answers over IPv4 and IPv6" other_port_answers
tap_check "ARP resolves and ICMP echo answers" neighbour_resolves "$TB_SRV_IP4" 4
tap_check "ND resolves and ICMPv6 echo answers" neighbour_resolves "$TB_SRV_IP6" 6
tap_check "SYNs to 198.18.0.1:80 are redirected, none reaches the kernel" \
	syn_is_steered "$TB_SRV_IP4"
tap_check "SYNs to [fd00::1]:80 are redirected, none reaches the kernel" \
	syn_is_steered "[$TB_SRV_IP6]"
tap_check "ARP, ICMP and port 8080 were counted as passed" passed_traffic_counted
tb_stop "$SINK_PID"
tap_check "after ip link ... xdp off the kernel answers port 80 again" detach_by_hand
rm -f "$HITS80"

# --- part 2: loaded with xdpservectl (libxdp) ----------------------------
tap_check "xdpservectl attach loads the program in native mode" attach_with_ctl
tap_check "its maps are pinned under \$LIBXDP_BPFFS/xdpserve/$TB_SRV_IF" pins_per_interface
tap_check "xdpservectl serves 198.18.0.1:80 and [fd00::1]:80" serve_with_ctl
tap_check "an AF_XDP socket is bound to queue 0 and in the new XSKMAP" start_sink 2
tap_check "a kernel listener on port 8080 still answers (libxdp path)" other_port_answers
tap_check "ARP/ICMP and ND/ICMPv6 still work (libxdp path)" neighbours_resolve
tap_check "SYNs to 198.18.0.1:80 are redirected (libxdp path)" syn_is_steered "$TB_SRV_IP4"
tap_check "SYNs to [fd00::1]:80 are redirected (libxdp path)" syn_is_steered "[$TB_SRV_IP6]"
tap_check "xdpservectl stats --json lists every outcome and the redirected SYNs" \
	stats_json_complete
tb_stop "$SINK_PID"
tap_check "xdpservectl detach removes the program and its pins" detach_with_ctl
tap_check "after xdpservectl detach the kernel answers port 80 again" kernel_answers_port80
tap_check "xdpservectl attach --mode skb uses generic XDP" skb_mode
tap_check "xdpservectl detach also removes a program loaded by ip link" ctl_detaches_hand_loaded
tap_check "native mode on a device without native XDP says: use --mode skb" native_unsupported
tap_check "auto mode falls back to skb where native XDP is missing" auto_falls_back

tap_done
