#!/usr/bin/env bash
# wire.sh — what the real xdpserved puts on the wire, probed packet by
# packet with scapy from the client namespace (tests/helpers/wire_probe.py):
#   - a SYN with window scale and SACK-permitted but no timestamps (as
#     Windows sends) gets a SYN-ACK with both: the SYN cookie keeps them;
#   - with timestamps, the SYN-ACK carries all four options;
#   - the handshake completed from such a no-timestamp cookie uses the
#     window scale: behind an advertised window of 100 << 7 bytes the server
#     sends full-sized segments, more than 100 bytes in flight;
#   - the SYN-ACK leaves from the interface's own MAC;
#   - an IPv6 SYN behind hop-by-hop and destination-options headers is
#     answered, with no extension header in the SYN-ACK;
#   - a SYN to the served address and port but another destination MAC is
#     passed to the kernel (counted pass_other_mac), not answered by us.
# Afterwards no connection is held and the daemon exits with every frame
# back with its owner.
. "$(dirname "$0")/../helpers/testbed.sh"
# shellcheck source=tests/helpers/daemon.sh
. "$(dirname "$0")/../helpers/daemon.sh"

tb_init
tb_require_root
tb_require_cmd ip ethtool
PY=/usr/bin/python3
PROBE=$XDPSERVE_SRCDIR/tests/helpers/wire_probe.py
[ -x "$PY" ] && "$PY" -c 'import scapy.all' 2>/dev/null ||
	tap_skip_all "python3-scapy is not installed (scripts/install-deps.sh installs it)"
tb_require_file "$XDPSERVE_BUILDDIR/xdpserved" "$TB_BPF_OBJ" "$PROBE"
tb_setup

ROOT=$TB_DIR/root
mkdir -p "$ROOT"
head -c 1048576 /dev/urandom >"$ROOT/big.bin"
# Not the client kernel's address: it never answers the server's SYN-ACKs.
PROBE_SRC=198.18.0.77
PROBE_SRC6=fd00::77

probe() { # probe CMD [ARGS...]: JSON on stdout, in $OUT (PROBE_V6=1: over IPv6)
	local src=$PROBE_SRC dst=$TB_SRV_IP4
	[ "${PROBE_V6:-0}" = 1 ] && src=$PROBE_SRC6 dst=$TB_SRV_IP6
	OUT=$(tb_cli "$PY" "$PROBE" "$@" --iface "$TB_CLI_IF" --src-mac "$TB_CLI_MAC" \
		--dst-mac "$TB_SRV_MAC" --src "$src" --dst "$dst" --dport 80)
	local status=$?
	echo "$OUT"
	return "$status"
}
# jget KEY: a value of $OUT
jget() {
	"$PY" -c 'import json,sys; v=json.loads(sys.argv[1]).get(sys.argv[2]); print(str(v).lower())' \
		"$OUT" "$1"
}
xdp_stat() { # xdp_stat SLOT: packets counted in that XDP slot
	tb_srv "$TB_XDPSERVECTL" stats "$TB_SRV_IF" --json |
		sed -n "s/.*\"$1\":{\"packets\":\([0-9]*\),.*/\1/p"
}

synack_no_ts() {
	probe synack --ts 0 || return 1
	[ "$(jget synack)" = true ] && [ "$(jget wscale)" != none ] &&
		[ "$(jget sack)" = true ] && [ "$(jget ts)" = false ]
}
synack_ts() {
	probe synack --ts 1 || return 1
	[ "$(jget synack)" = true ] && [ "$(jget wscale)" != none ] &&
		[ "$(jget sack)" = true ] && [ "$(jget ts)" = true ] && [ "$(jget mss)" = 1460 ]
}
synack_own_mac() {
	probe synack --ts 0 || return 1
	echo "interface MAC $TB_SRV_MAC"
	[ "$(jget src_mac)" = "$TB_SRV_MAC" ]
}
# Without the shift the server would see a 100-byte window: nothing above 100 bytes.
scaled_window() {
	probe scaled || return 1
	[ "$(jget wscale)" != none ] && [ "$(jget largest)" -ge 1000 ] &&
		[ "$(jget bytes_in_flight)" -gt 6400 ] && [ "$(jget bytes_in_flight)" -le 12800 ]
}
# nh 6: TCP straight after the fixed header, no extension header of ours.
exthdr_served() {
	PROBE_V6=1 probe exthdr || return 1
	[ "$(jget synack)" = true ] && [ "$(jget nh)" = 6 ]
}
foreign_mac_passed() {
	local before after
	before=$(xdp_stat pass_other_mac)
	probe foreign-mac || return 1
	after=$(xdp_stat pass_other_mac)
	echo "pass_other_mac $before -> $after"
	[ "$(jget answers)" = 0 ] && [ "$after" -gt "${before:-0}" ]
}

tap_check "daemon starts" xd_start xdpserved --addr "[$TB_SRV_IP6]:80" --cache-size 32M \
	--drain-ms 500
tap_check "no timestamps: the SYN-ACK keeps window scale and SACK-permitted" synack_no_ts
tap_check "timestamps: the SYN-ACK carries MSS, window scale, SACK-permitted, timestamps" \
	synack_ts
tap_check "the SYN-ACK leaves from the interface's own MAC" synack_own_mac
tap_check "a no-timestamp cookie connection uses the window scale" scaled_window
tap_diag "scaled: $OUT"
tap_check "an IPv6 SYN behind hop-by-hop and destination options is served, answered without" \
	exthdr_served
tap_check "a SYN to another destination MAC goes to the kernel, not answered" \
	foreign_mac_passed
tap_check "cookies were completed and counted" \
	bash -c "kill -USR1 $DAEMON; sleep 0.5; grep ' tcp: ' '$TB_DIR/xdpserved.log' | tail -1 | grep -q 'accepted [1-9]'"
tap_check "no connection held once the probes are done" tb_wait 10 xd_no_conns_left
tap_check "clean exit, every UMEM frame back with its owner" xd_stop_clean

tap_done
