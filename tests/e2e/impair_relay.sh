#!/usr/bin/env bash
# impair_relay.sh — the impairment relay itself (tests/helpers/relay.c), with
# the kernel at both ends of its bed (tests/helpers/relaybed.sh):
#   - it bridges transparently: ARP, ND, ping and a kernel download pass;
#   - the same seed and the same frames give the same decisions (--trace),
#     another seed other ones;
#   - --mtu 1280 answers over-size IPv4 (DF) and IPv6 packets with ICMP the
#     kernel accepts: its route to the client learns MTU 1280 and the
#     download completes; --no-icmp drops them silently instead;
#   - --rate is a real bottleneck (a download cannot beat it) with tail drop;
#   - --corrupt is caught by the receiver's checksum (TcpInCsumErrors).
. "$(dirname "$0")/../helpers/testbed.sh"
# shellcheck source=tests/helpers/relaybed.sh
. "$(dirname "$0")/../helpers/relaybed.sh"

tb_init
tb_require_root
tb_require_cmd ip ethtool curl ping nstat awk
PY=/usr/bin/python3
FLOOD=$XDPSERVE_BUILDDIR/tests/helpers/flood
tb_require_file "$RB_RELAY" "$FLOOD" "$PY"
rb_bed relay
rb_setup

ROOT=$TB_DIR/root
mkdir -p "$ROOT"
head -c $((8 << 20)) /dev/urandom >"$ROOT/8m.bin"
WANT=$(sha256sum <"$ROOT/8m.bin" | cut -d' ' -f1)
tb_bg_srv http4 "$PY" -m http.server --bind "$TB_SRV_IP4" --directory "$ROOT" 8080
tb_bg_srv http6 "$PY" -m http.server --bind "$TB_SRV_IP6" --directory "$ROOT" 8086
tb_wait_listen "$TB_NS_SRV" 8080 10 && tb_wait_listen "$TB_NS_SRV" 8086 10 ||
	tap_bail "the kernel's HTTP servers did not start"

download() { # download 4|6 -> sha256-exact, in $SECS seconds
	local url=http://$TB_SRV_IP4:8080/8m.bin got t0=$EPOCHREALTIME
	[ "$1" = 6 ] && url=http://[$TB_SRV_IP6]:8086/8m.bin
	got=$(tb_cli curl -sS --fail --max-time 60 "$url" | sha256sum | cut -d' ' -f1)
	SECS=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
	echo "IPv$1: $SECS s, sha256 $got"
	[ "$got" = "$WANT" ]
}

bridge() {
	rb_relay_start clean &&
		tb_cli ping -c 2 -W 2 "$TB_SRV_IP4" && tb_cli ping -6 -c 2 -W 2 "$TB_SRV_IP6" &&
		download 4 && download 6 && rb_relay_stop &&
		[ "$(rb_relay_count a2b lost)" = 0 ] && [ "$(rb_relay_count b2a forwarded)" -gt 5000 ]
}
tap_check "a transparent bridge: ARP, ND, ping, kernel downloads over IPv4 and IPv6" bridge

# The decisions the relay traced for a flood of 3000 SYNs (identical frames
# for one flood seed), client to server.
decisions() { # SEED -> $TB_DIR/trace-SEED
	local mac_s mac_c
	mac_s=$TB_SRV_MAC mac_c=$TB_CLI_MAC
	RB_SEED=$1 rb_relay_start -- --trace --dir a2b --loss 10 --dup 10 --reorder 10 \
		--corrupt 10 --jitter 1 >/dev/null || return 1
	tb_cli "$FLOOD" syn --iface "$TB_CLI_IF" --src-mac "$mac_c" --dst-mac "$mac_s" \
		--dst "$TB_SRV_IP4" --dport 9 --count 3000 --pps 20000 --seed 7 \
		--src-net 198.19.0.0/16 >/dev/null || return 1
	sleep 0.5
	rb_relay_stop >/dev/null
	grep '^relay: a2b #' "$RB_LOG" | sort >"$TB_DIR/trace-$1"
	wc -l <"$TB_DIR/trace-$1"
}
replay() {
	decisions 1234 && decisions 1234 && mv "$TB_DIR/trace-1234" "$TB_DIR/trace-first" &&
		decisions 1234 && decisions 99 || return 1
	[ "$(wc -l <"$TB_DIR/trace-1234")" -gt 500 ] &&
		cmp "$TB_DIR/trace-first" "$TB_DIR/trace-1234" &&
		! cmp -s "$TB_DIR/trace-1234" "$TB_DIR/trace-99"
}
tap_check "the same seed gives the same decisions, another seed other ones" replay

learned_mtu() { # 4|6: the server's route to the client says mtu 1280
	if [ "$1" = 4 ]; then
		tb_srv ip route get "$TB_CLI_IP4"
	else
		tb_srv ip -6 route get "$TB_CLI_IP6"
	fi | grep -q 'mtu 1280'
}
with_icmp() {
	tb_srv ip route flush cache
	rb_relay_start mtu1280 && download 4 && download 6 && rb_relay_stop || return 1
	learned_mtu 4 && learned_mtu 6 && [ "$(rb_relay_count b2a icmp-sent)" -gt 0 ]
}
tap_check "--mtu 1280: ICMP and ICMPv6 the kernel accepts; the download completes" with_icmp

black_hole() {
	tb_srv ip route flush cache
	tb_srv ip -6 route flush cache
	rb_relay_start blackhole || return 1
	tb_cli ping -c 1 -W 2 -s 1000 -M do "$TB_SRV_IP4" &&
		! tb_cli ping -c 2 -W 1 -s 1400 -M do "$TB_SRV_IP4" &&
		! tb_cli ping -6 -c 2 -W 1 -s 1400 -M do "$TB_SRV_IP6"
	local status=$?
	rb_relay_stop
	[ $status -eq 0 ] && [ "$(rb_relay_count a2b mtu-dropped)" -ge 4 ] &&
		[ "$(rb_relay_count a2b icmp-sent)" = 0 ]
}
tap_check "--mtu 1280 --no-icmp: over-size packets vanish, small ones pass" black_hole

bottleneck() {
	rb_relay_start -- --rate 20M --queue 64k && download 4 && rb_relay_stop || return 1
	# 8 MiB cannot cross 20 Mbit/s in less than 3.4 s; a queue of 64 KiB
	# overflows under a kernel sender's bursts.
	awk -v s="$SECS" 'BEGIN { exit !(s >= 3.0) }' && [ "$(rb_relay_count b2a tail-dropped)" -gt 0 ]
}
tap_check "--rate 20M --queue 64k: no faster than the bottleneck, tail drop" bottleneck

csum_errors() { # TcpInCsumErrors of the server's kernel so far
	tb_srv nstat -az TcpInCsumErrors | awk '$1 == "TcpInCsumErrors" { print $2 }'
}
corrupted() {
	local before
	before=$(csum_errors)
	rb_relay_start -- --dir a2b --corrupt 5 && download 4 && rb_relay_stop || return 1
	echo "TcpInCsumErrors $before -> $(csum_errors); corrupted $(rb_relay_count a2b corrupted)"
	[ "$(rb_relay_count a2b corrupted)" -gt 0 ] && [ "$(csum_errors)" -gt "$before" ]
}
tap_check "--corrupt: the receiver's checksum catches it, the download is exact" corrupted
tap_done
