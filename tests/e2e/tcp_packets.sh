#!/usr/bin/env bash
# tcp_packets.sh — the receive side and RST behaviour at the packet level,
# against the real daemon on a real veth, from a scripted client
# (tests/helpers/tcp_probe.py, python3-scapy) in the client namespace:
#   - a GET sent as three segments in the order 3, 1, 2 is answered
#     byte-exact: the first segment is held (a duplicate ACK with a SACK
#     block for it), the partial fill is ACKed at once, the whole request
#     answered; the daemon counts the held segments;
#   - after a large part of a download, an ACK that opens a large window
#     followed at once by a RST at exactly RCV.NXT (RFC 5961: accepted):
#     the connection is gone (a later ACK gets a RST, none held), and at
#     most two TX limits' worth of data segments (2 x 64) still arrive
#     instead of the whole window; the daemon exits cleanly. (In copy mode
#     one sendto() sends the whole TX ring, so this passes without the TX
#     limits too: tests/unit/tcp/test_txlimit.c is the test that needs them.)
#   - a large download by curl is byte-exact while the TX limit holds its
#     output back (counted): completions always bring the connection back.
#   - a GET for a 14-segment file, answered and ACKed (RTT samples: the
#     RTO falls to its 200 ms floor), then the same GET again and silence
#     (nothing ACKed): the answer's first data segment comes again and
#     again, the same bytes from the same sequence number each time, and
#     each gap between two retransmissions is roughly double the one
#     before (RTO backoff, RFC 6298 5.5: ratios from 1.4 to 2.8; constant
#     timeouts give 1.0). The gap from the original to the first
#     retransmission is left out: a loss probe (RFC 8985 TLP, which sends
#     new data or the flight's last segment, never this one) re-arms the
#     timer, so that gap is PTO + RTO. 5 retransmissions from a 200 ms RTO
#     take about 6 s; the probe gives up after 20 s.
#   - a SYN-ACK sent while the table (--max-conns 2) had room, its ACK and
#     GET arriving once two kernel clients hold both slots: nothing answers
#     them (no RST: the daemon counts a cookie overflow), and the GET
#     resent once a slot is free is answered whole.
#   - a SYN-ACK, then only the FIN that follows a GET (the handshake's ACK
#     and the GET lost): with nothing lost at the server it gets a RST;
#     after a flood overran the server's RX ring (the daemon stopped with
#     SIGSTOP meanwhile, the kernel counting the drops) the same FIN gets
#     nothing, since it may follow a cookie ACK lost in that ring, and the
#     GET and FIN resent are answered whole.
. "$(dirname "$0")/../helpers/testbed.sh"
# shellcheck source=tests/helpers/daemon.sh
. "$(dirname "$0")/../helpers/daemon.sh"

tb_init
tb_require_root
tb_require_cmd ip ethtool sha256sum curl
PY=/usr/bin/python3
PROBE=$XDPSERVE_SRCDIR/tests/helpers/tcp_probe.py
tb_require_file "$XDPSERVE_BUILDDIR/xdpserved" "$TB_BPF_OBJ" "$PROBE"
if ! "$PY" -c 'import scapy.all' 2>/dev/null; then
	tap_skip_all "python3-scapy is not installed (apt-get install python3-scapy)"
fi
tb_setup

SAN=${XDPSERVE_SANITIZE:-0}
ldd "$XDPSERVE_BUILDDIR/xdpserved" 2>/dev/null | grep -q libasan && SAN=1
BIG_MIB=16
BEFORE=$((1 << 20))
[ "$SAN" = 1 ] && BIG_MIB=8

ROOT=$TB_DIR/root
mkdir -p "$ROOT"
head -c 20000 /dev/urandom >"$ROOT/small.bin"
head -c $((BIG_MIB << 20)) /dev/urandom >"$ROOT/big.bin"
SMALL_SHA=$(sha256sum "$ROOT/small.bin" | cut -d' ' -f1)
BIG_SHA=$(sha256sum "$ROOT/big.bin" | cut -d' ' -f1)
# An address of the client subnet its kernel does not own: it stays silent.
SRC=198.18.0.77

probe() { # probe MODE ARGS...: key value lines in $OUT
	local mode=$1
	shift
	OUT=$(tb_cli "$PY" "$PROBE" "$mode" --iface "$TB_CLI_IF" --src-mac "$TB_CLI_MAC" \
		--dst-mac "$TB_SRV_MAC" --src "$SRC" --dst "$TB_SRV_IP4" "$@" 2>&1)
	echo "$OUT"
}
val() { # val KEY: from $OUT
	sed -n "s/^$1 //p" <<<"$OUT"
}

tap_plan 22
tap_check "xdpserved starts" xd_start xdpserved --cache-size 64M

reorder_ok() {
	probe reorder --path small.bin || return 1
	[ "$(val ooo_ack)" = 0 ] && [ "$(val ooo_sack)" = "27-$(val req_len)" ] &&
		[ "$(val fill_ack)" = 9 ] && [ "$(val fill_sack)" = "$(val ooo_sack)" ] &&
		[ "$(val status)" = "HTTP/1.1 200 OK" ] && [ "$(val body_sha256)" = "$SMALL_SHA" ] &&
		[ "$(val fin)" = 1 ]
}
tap_check "a request in three segments, out of order: held, SACKed, answered byte-exact" \
	reorder_ok

held_counted() {
	xd_dump
	grep 'tcp: ' "$LOG" | tail -1 | grep -q 'held out-of-order [1-9]'
}
tap_check "the daemon counts the held segments" held_counted

rst_ok() {
	probe rst --path big.bin --before "$BEFORE" || return 1
	[ "$(val received_before)" -ge "$BEFORE" ] && [ "$(val rst_after)" = 1 ] &&
		[ "$(val segments_after)" -le 128 ]
}
tap_check "after an accepted RST: at most two TX limits of data, then the connection is gone" \
	rst_ok
tap_diag "data segments after the RST: $(val segments_after) ($(val bytes_after) bytes)"
# A kernel client downloads fast enough for the TX limit to hold output back:
# completions must bring the connection back every time, to the last byte.
limited_download() {
	local got
	got=$(tb_cli curl -s --max-time 60 "http://$TB_SRV_IP4/big.bin" | sha256sum | cut -d' ' -f1)
	[ "$got" = "$BIG_SHA" ] || return 1
	xd_dump
	[ "$(xd_counter tx-limit-held)" -gt 0 ]
}
tap_check "a $BIG_MIB MiB download is byte-exact while the TX limit holds output back" \
	limited_download
rto_backoff() {
	probe rto --path small.bin --count 5 --timeout 20 || return 1
	[ "$(val retransmissions)" -ge 4 ] && [ "$(val same_bytes)" = 1 ] &&
		[ -n "$(val lengths)" ] &&
		awk '{
			if (NF < 4) exit 1
			for (i = 3; i <= NF; i++) {
				r = $i / $(i - 1)
				printf "retransmission gap %d / gap %d: %.2f\n", i - 1, i - 2, r
				if (r < 1.4 || r > 2.8) bad = 1
			}
			exit bad
		}' <<<"$(val gaps_ms)"
}
tap_check "no ACK: the first segment is resent, each timeout about double the last" rto_backoff
tap_diag "gaps between the first segment's copies (ms): $(val gaps_ms); their lengths:" \
	"$(val lengths); before the first timeout $(val before_rto_others) other data segments" \
	"($(val before_rto_repeats) resent)"
tap_check "no connection is left" tb_wait 5 xd_no_conns_left
tap_check "SIGTERM: clean exit, every frame back with its owner" xd_stop_clean

# --- a completed handshake that finds the table full -------------------------
tap_check "xdpserved starts (2 connections)" xd_start late --max-conns 2 \
	--max-conns-per-source 0
HOLD_PY='import socket, time
s = socket.create_connection(("'$TB_SRV_IP4'", 80))
print("connected", flush=True)
time.sleep(60)'
GO=$TB_DIR/late.go
active_is() { # active_is N: the daemon holds N connections
	xd_dump >/dev/null
	[ "$(xd_counter 'conns active')" = "$1" ]
}
late_ack() {
	local hold1 hold2 lp
	tb_bg_cli hold1 "$PY" -c "$HOLD_PY"
	hold1=$TB_LAST_PID
	tb_wait_log "$TB_DIR/hold1.log" connected 5 || return 1
	tb_bg_cli late "$PY" "$PROBE" late --iface "$TB_CLI_IF" --src-mac "$TB_CLI_MAC" \
		--dst-mac "$TB_SRV_MAC" --src "$SRC" --dst "$TB_SRV_IP4" --path small.bin \
		--go "$GO" --timeout 20
	lp=$TB_LAST_PID
	tb_wait_log "$TB_DIR/late.log" '^synack 1' 5 || return 1
	# The SYN-ACK is out; now a second client takes the last slot.
	tb_bg_cli hold2 "$PY" -c "$HOLD_PY"
	hold2=$TB_LAST_PID
	tb_wait_log "$TB_DIR/hold2.log" connected 5 && tb_wait 5 active_is 2 || return 1
	touch "$GO.1"
	tb_wait_log "$TB_DIR/late.log" '^first ' 10 || return 1
	OVERFLOW=$(xd_dump >/dev/null; xd_counter overflow)
	REFUSED=$(xd_counter refused)
	# The second client leaves; the probe's retransmission gets the slot.
	tb_stop "$hold2"
	tb_wait 5 active_is 1 || return 1
	touch "$GO.2"
	tb_wait_log "$TB_DIR/late.log" '^second ' 10
	tb_reap "$lp"
	tb_stop "$hold1"
	cat "$TB_DIR/late.log"
	OUT=$(cat "$TB_DIR/late.log")
}
tap_check "a late cookie ACK and GET, the table full since the SYN-ACK: run" late_ack
late_dropped() {
	echo "first reply: $(val first); overflow $OVERFLOW, refused $REFUSED"
	[ "$(val first)" = none ] && [ "${OVERFLOW:-0}" -ge 1 ] && [ "$REFUSED" = 0 ]
}
tap_check "... nothing answers them; counted as an overflow, not a refusal" late_dropped
tap_check "... and the GET resent once a slot is free is answered whole" \
	test "$(val second)" = answer
tap_check "no connection is left" tb_wait 5 xd_no_conns_left
tap_check "SIGTERM: clean exit, every frame back with its owner" xd_stop_clean

# --- a FIN behind a cookie ACK lost in the RX ring ---------------------------
tap_check "xdpserved starts (lost frames)" xd_start lost
LGO=$TB_DIR/lost.go
lost_fin() {
	local lp rc
	tb_bg_cli lost "$PY" "$PROBE" lost --iface "$TB_CLI_IF" --src-mac "$TB_CLI_MAC" \
		--dst-mac "$TB_SRV_MAC" --src "$SRC" --dst "$TB_SRV_IP4" --path small.bin \
		--go "$LGO" --timeout 20
	lp=$TB_LAST_PID
	tb_wait_log "$TB_DIR/lost.log" '^fin_before ' 10 || return 1
	# Stopped, the daemon reads nothing: the flood overruns its RX ring.
	kill -STOP "$DAEMON"
	touch "$LGO.1"
	tb_wait_log "$TB_DIR/lost.log" '^flooded ' 10
	rc=$?
	kill -CONT "$DAEMON"
	[ "$rc" = 0 ] || return 1
	touch "$LGO.2"
	tb_wait_log "$TB_DIR/lost.log" '^answer ' 15
	tb_reap "$lp"
	cat "$TB_DIR/lost.log"
	OUT=$(cat "$TB_DIR/lost.log")
	xd_dump >/dev/null
	RING=$(grep 'xsk (' "$LOG" | tail -1)
	CSUM=$(xd_counter csum)
}
tap_check "a FIN past a lost GET, before and after an RX ring overflow: run" lost_fin
tap_check "... with nothing lost at the server, it gets a RST" test "$(val fin_before)" = rst
ring_overran() {
	echo "$RING; bad checksums dropped by the stack: $CSUM"
	local kd rf
	kd=$(sed -n 's/.*kernel rx-dropped \([0-9]*\).*/\1/p' <<<"$RING")
	rf=$(sed -n 's/.*rx-ring-full \([0-9]*\).*/\1/p' <<<"$RING")
	[ $((${kd:-0} + ${rf:-0})) -gt 0 ] && [ "${CSUM:-0}" -gt 0 ]
}
tap_check "... the flood overran the RX ring (the kernel counted drops)" ring_overran
tap_check "... after it, the same FIN gets nothing: it may follow a lost cookie ACK" \
	test "$(val fin_after)" = none
tap_check "... and the GET and FIN resent are answered whole" test "$(val answer)" = whole
tap_check "no connection is left" tb_wait 5 xd_no_conns_left
tap_check "SIGTERM: clean exit, every frame back with its owner" xd_stop_clean
tap_done
