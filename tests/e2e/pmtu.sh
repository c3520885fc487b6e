#!/usr/bin/env bash
# pmtu.sh — a smaller MTU in the middle of the path, with and without ICMP.
# The client namespace of the test bed becomes a router (forwarding on) and
# the curl client sits behind it in a third namespace:
#
#   server (xdpserved, MTU 1500) ── router ── rtr-end (MTU 1280) ── client (MTU 1500)
#
#   - ICMP: the router answers the server's 1500-byte DF packets with ICMP
#     "fragmentation needed" / ICMPv6 "packet too big"; the XDP program
#     steers it to the worker, which lowers the connection's MSS: 1 MiB
#     downloads over IPv4 and IPv6 are byte-exact and the errors are counted
#     as accepted (the kernel would have no socket for them);
#   - black hole: the router's server-facing veth gets MTU 1280 too, so the
#     server's big frames vanish at the veth without any ICMP; two RTOs of
#     full-sized segments lower the MSS and the downloads still complete.
# Afterwards no connection is held and the daemon exits with every frame
# back with its owner.
. "$(dirname "$0")/../helpers/testbed.sh"
# shellcheck source=tests/helpers/daemon.sh
. "$(dirname "$0")/../helpers/daemon.sh"

tb_init
tb_require_root
tb_require_cmd ip ethtool curl sha256sum sysctl
tb_require_file "$XDPSERVE_BUILDDIR/xdpserved" "$TB_BPF_OBJ"
tb_setup

NS_END=xdps-$TB_ID-end
END_IP4=198.18.1.2
END_IP6=fd00:1::2
ip netns add "$NS_END" || tap_bail "cannot create namespace $NS_END"
TB_NAMESPACES+=("$NS_END")
end() {
	ip netns exec "$NS_END" "$@"
}
ip link add name rtr-end netns "$TB_NS_CLI" mtu 1280 type veth peer name veth-end \
	netns "$NS_END" || tap_bail "cannot create the router's second veth pair"
{
	tb_cli ip addr add 198.18.1.1/24 dev rtr-end &&
		tb_cli ip addr add fd00:1::1/64 dev rtr-end nodad &&
		tb_cli ip link set dev rtr-end up &&
		tb_cli sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 &&
		end ip link set dev lo up &&
		end ip addr add "$END_IP4/24" dev veth-end &&
		end ip addr add "$END_IP6/64" dev veth-end nodad &&
		end ip link set dev veth-end up &&
		end ip route add default via 198.18.1.1 &&
		end ip -6 route add default via fd00:1::1 &&
		end ethtool -K veth-end tx off >/dev/null &&
		tb_srv ip route add 198.18.1.0/24 via "$TB_CLI_IP4" &&
		tb_srv ip -6 route add fd00:1::/64 via "$TB_CLI_IP6"
} || tap_bail "cannot configure the router and the client behind it"

# The router has resolved the server's addresses (the server's kernel, which
# answers ARP and ND, has routes back only for these pings).
tb_wait 10 end ping -c 1 -W 1 "$TB_SRV_IP4" && tb_wait 10 end ping -6 -c 1 -W 1 "$TB_SRV_IP6" ||
	tap_bail "the client cannot reach the server through the router"

ROOT=$TB_DIR/root
mkdir -p "$ROOT"
head -c 1048576 /dev/urandom >"$ROOT/big.bin"
WANT=$(sha256sum "$ROOT/big.bin" | cut -d' ' -f1)

fetch() { # fetch URL-HOST: 1 MiB byte-exact from behind the router
	local got
	got=$(end curl -sS --fail --max-time 40 "http://$1/big.bin" | sha256sum | cut -d' ' -f1)
	[ "$got" = "$WANT" ] || {
		echo "sha256 $got, want $WANT"
		return 1
	}
}
# pmtu NAME: the last dump's value of a "pmtu:" counter ("icmp accepted", "black holes")
pmtu() {
	grep ' pmtu: ' "$LOG" | tail -1 | sed -n "s/.*$1 \([0-9]*\).*/\1/p"
}
pmtu_at_least() { # pmtu_at_least NAME N
	xd_dump >/dev/null
	grep ' pmtu: ' "$LOG" | tail -1
	[ "$(pmtu "$1")" -ge "$2" ]
}

tap_check "daemon starts" xd_start xdpserved --addr "[$TB_SRV_IP6]:80" --cache-size 32M \
	--drain-ms 500
tap_check "ICMP: a 1 MiB IPv4 download through the 1280-byte link is byte-exact" \
	fetch "$TB_SRV_IP4"
tap_check "ICMP: the router's 'fragmentation needed' reached the worker and lowered the MSS" \
	pmtu_at_least 'icmp accepted' 1
tap_check "ICMP: a 1 MiB IPv6 download through the 1280-byte link is byte-exact" \
	fetch "[$TB_SRV_IP6]"
tap_check "ICMP: the router's 'packet too big' was accepted too" pmtu_at_least 'icmp accepted' 2
tap_check "ICMP: no black hole was needed" bash -c "[ \"\$(grep ' pmtu: ' '$LOG' | tail -1 |
	sed -n 's/.*black holes \([0-9]*\).*/\1/p')\" = 0 ]"

tb_cli ip link set dev "$TB_CLI_IF" mtu 1280 || tap_bail "cannot lower the router's MTU"
tap_check "black hole: a 1 MiB IPv4 download without any ICMP is byte-exact" fetch "$TB_SRV_IP4"
tap_check "black hole: detected after repeated RTOs of full-sized segments" \
	pmtu_at_least 'black holes' 1
tap_check "black hole: a 1 MiB IPv6 download without any ICMP is byte-exact" \
	fetch "[$TB_SRV_IP6]"
tap_check "black hole: detected over IPv6 too" pmtu_at_least 'black holes' 2
tap_diag "$(grep ' pmtu: ' "$LOG" | tail -1)"
tap_check "no connection held once the downloads are done" tb_wait 10 xd_no_conns_left
tap_check "clean exit, every UMEM frame back with its owner" xd_stop_clean

tap_done
