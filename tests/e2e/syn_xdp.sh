#!/usr/bin/env bash
# syn_xdp.sh — SYNs answered in the steering program (XDP_TX, a SYN cookie
# with the workers' key), against the real daemon on a real veth:
#   - `xdpservectl status` says whether SYNs are answered in XDP;
#   - curl over IPv4 and IPv6 (the kernel's TCP) gets files byte-exact
#     while the program's synack_tx counts each SYN and the workers'
#     "cookies sent" stays 0: user space sees only the completing ACK,
#     and checks the cookie the program made;
#   - a client that reuses its port while the server holds the old
#     connection in TIME_WAIT gets in: the ACK completing the SYN the
#     program answered reopens the tuple;
#   - a scripted SYN (tests/helpers/syn_probe.py, python3-scapy) gets a
#     SYN-ACK with the options the user-space stack would send; one with
#     an unknown TCP option is answered by user space (cookies sent +1),
#     one over IPv6 with a destination-options header is not answered by
#     the program either;
#   - after kill -9 the program is still attached but its socket slot is
#     empty: curl's SYN reaches the kernel (nothing listens: refused), none
#     is answered in XDP;
#   - with --syn-in-xdp=no user space answers every SYN, with the same
#     options;
#   - a worker whose table is full takes its SYNs back (RST from user
#     space), and so does a draining one (no answer);
#   - a daemon on a program attached by hand leaves it answering no SYN
#     after SIGTERM: the settings' flags and key are 0 (bpftool, pinned map).
. "$(dirname "$0")/../helpers/testbed.sh"
# shellcheck source=tests/helpers/daemon.sh
. "$(dirname "$0")/../helpers/daemon.sh"

tb_init
tb_require_root
tb_require_cmd ip ethtool sha256sum curl bpftool
PY=/usr/bin/python3
PROBE=$XDPSERVE_SRCDIR/tests/helpers/syn_probe.py
tb_require_file "$XDPSERVE_BUILDDIR/xdpserved" "$TB_BPF_OBJ" "$TB_XDPSERVECTL" "$PROBE"
if ! "$PY" -c 'import scapy.all' 2>/dev/null; then
	tap_skip_all "python3-scapy is not installed (apt-get install python3-scapy)"
fi
tb_setup

ROOT=$TB_DIR/root
mkdir -p "$ROOT"
head -c 100000 /dev/urandom >"$ROOT/file.bin"
SHA=$(sha256sum "$ROOT/file.bin" | cut -d' ' -f1)
# Addresses of the client subnets its kernel does not own: it stays silent.
SRC4=198.18.0.77
SRC6=fd00::77
V6ADDR=(--addr "[$TB_SRV_IP6]:80")

# A runtime directory of our own: `stats` reads the pinned maps, daemon or not.
ctl() { tb_srv "$TB_XDPSERVECTL" --runtime-dir "$TB_DIR/run" "$@"; }
stat() { # stat SLOT: packets counted in a steering outcome slot
	ctl stats "$TB_SRV_IF" --json 2>/dev/null |
		sed -n "s/.*\"$1\":{\"packets\":\([0-9]*\),.*/\1/p"
}
probe() { # probe KIND SRC DST: key value lines in $OUT
	OUT=$(tb_cli "$PY" "$PROBE" --iface "$TB_CLI_IF" --src-mac "$TB_CLI_MAC" \
		--dst-mac "$TB_SRV_MAC" --kind "$1" --src "$2" --dst "$3" 2>&1)
	echo "$OUT"
}
val() { sed -n "s/^$1 //p" <<<"$OUT"; }
synack_opts() { # the options of the SYN-ACK in $OUT, one line
	echo "mss $(val mss) wscale $(val wscale) sack $(val sack) ts $(val ts)" \
		"window $(val window)"
}
cookies_sent() {
	xd_dump >/dev/null
	xd_counter 'cookies sent'
}
fetch() { # fetch URL: the body's sha256 is the file's
	[ "$(tb_cli curl -gsS --max-time 5 "$1" | sha256sum | cut -d' ' -f1)" = "$SHA" ]
}

tap_plan 22

# --- SYNs answered in XDP -------------------------------------------------
tap_check "xdpserved starts (SYNs in XDP by default)" xd_start on "${V6ADDR[@]}"
status_says() { # status_says NAME WORD: the daemon NAME's status, JSON and text
	local json text
	json=$(ctl --control-socket "$TB_DIR/$1.sock" status "$TB_SRV_IF" --json 2>&1)
	text=$(ctl --control-socket "$TB_DIR/$1.sock" status "$TB_SRV_IF" 2>&1)
	echo "$json" | grep -o '"syn_in_xdp":"[a-z]*"'
	echo "$text" | grep SYNs
	echo "$json" | grep -q "\"syn_in_xdp\":\"$2\"" &&
		echo "$text" | grep -q "SYNs *answered in XDP: $2"
}
tap_check "status: SYNs are answered in XDP" status_says on on

N=10
kernel_clients() {
	local before after i
	before=$(stat synack_tx)
	for i in $(seq $N); do
		fetch "http://$TB_SRV_IP4/file.bin" || return 1
		fetch "http://[$TB_SRV_IP6]/file.bin" || return 1
	done
	after=$(stat synack_tx)
	echo "synack_tx $before -> $after for $((2 * N)) connections"
	[ $((after - before)) -ge $((2 * N)) ]
}
tap_check "curl over IPv4 and IPv6 gets files; synack_tx counts each SYN" kernel_clients
no_user_cookies() {
	local n
	n=$(cookies_sent)
	echo "cookies sent by the workers: $n"
	[ "$n" = 0 ] && [ "$(xd_counter 'accepted')" -ge $((2 * N)) ]
}
tap_check "the workers sent no cookie and accepted every completing ACK" no_user_cookies

# The server closes first (Connection: close) and keeps TIME_WAIT; the same
# client port again: the program answers the SYN without seeing the entry, the
# completing ACK must reopen the tuple (RFC 6191), not meet an old duplicate.
reuse_port() {
	local i code
	for i in 1 2; do
		code=$(tb_cli curl -sS --max-time 5 --local-port 45123 -H 'Connection: close' \
			-o /dev/null -w '%{http_code}' "http://$TB_SRV_IP4/file.bin")
		echo "connection $i from port 45123: $code"
		[ "$code" = 200 ] || return 1
	done
}
tap_check "a client port reused while the server holds its TIME_WAIT gets in" reuse_port

synack_xdp() { # synack_xdp SRC DST: a SYN-ACK, counted by the program
	local before after
	before=$(stat synack_tx)
	probe plain "$1" "$2" || return 1
	after=$(stat synack_tx)
	[ "$(val reply)" = synack ] && [ "$(val ack_ok)" = 1 ] && [ "$(val tsecr_ok)" = 1 ] &&
		[ "$after" = $((before + 1)) ]
}
tap_check "a scripted IPv4 SYN gets its SYN-ACK from the program" synack_xdp "$SRC4" "$TB_SRV_IP4"
XDP_OPTS4=$(synack_opts)
tap_check "a scripted IPv6 SYN gets its SYN-ACK from the program" synack_xdp "$SRC6" "$TB_SRV_IP6"
XDP_OPTS6=$(synack_opts)

unknown_to_user() {
	local before after c_before c_after
	before=$(stat synack_tx)
	c_before=$(cookies_sent)
	probe unknown "$SRC4" "$TB_SRV_IP4" || return 1
	after=$(stat synack_tx)
	c_after=$(cookies_sent)
	echo "synack_tx $before -> $after, cookies sent $c_before -> $c_after"
	[ "$(val reply)" = synack ] && [ "$after" = "$before" ] &&
		[ "$c_after" = $((c_before + 1)) ]
}
tap_check "a SYN with an unknown option is answered by user space" unknown_to_user
destopts_not_xdp() {
	local before after
	before=$(stat synack_tx)
	probe destopts "$SRC6" "$TB_SRV_IP6" || return 1
	after=$(stat synack_tx)
	DESTOPTS_ON=$(val reply)
	[ "$after" = "$before" ]
}
tap_check "an IPv6 SYN with a destination-options header is not answered by the program" \
	destopts_not_xdp

after_kill() {
	local before after rc
	kill -KILL "$DAEMON"
	wait "$DAEMON" 2>/dev/null
	before=$(stat synack_tx)
	tb_cli curl -sS --max-time 5 -o /dev/null "http://$TB_SRV_IP4/file.bin"
	rc=$?
	after=$(stat synack_tx)
	echo "curl exit $rc (7: refused), synack_tx $before -> $after"
	[ "$rc" = 7 ] && [ "$after" = "$before" ]
}
tap_check "after kill -9 a SYN reaches the kernel (refused), none is answered in XDP" after_kill

# --- SYNs in user space ---------------------------------------------------
tap_check "xdpserved --syn-in-xdp=no starts (adopting the program)" \
	xd_start off --syn-in-xdp=no "${V6ADDR[@]}"
tap_check "status: SYNs are not answered in XDP" status_says off off
user_answers() {
	local before after c_before c_after
	before=$(stat synack_tx)
	c_before=$(cookies_sent)
	fetch "http://$TB_SRV_IP4/file.bin" && fetch "http://[$TB_SRV_IP6]/file.bin" || return 1
	probe plain "$SRC4" "$TB_SRV_IP4" || return 1
	USER_OPTS4=$(synack_opts)
	[ "$(val reply)" = synack ] || return 1
	probe plain "$SRC6" "$TB_SRV_IP6" || return 1
	USER_OPTS6=$(synack_opts)
	[ "$(val reply)" = synack ] || return 1
	probe destopts "$SRC6" "$TB_SRV_IP6" || return 1
	DESTOPTS_OFF=$(val reply)
	after=$(stat synack_tx)
	c_after=$(cookies_sent)
	echo "synack_tx $before -> $after, cookies sent $c_before -> $c_after"
	[ "$after" = "$before" ] && [ "$c_after" -ge $((c_before + 4)) ]
}
tap_check "user space answers every SYN (curl, scripted IPv4 and IPv6)" user_answers
same_opts() {
	echo "XDP  v4: $XDP_OPTS4; v6: $XDP_OPTS6"
	echo "user v4: $USER_OPTS4; v6: $USER_OPTS6"
	echo "destopts SYN: with SYNs in XDP $DESTOPTS_ON, without $DESTOPTS_OFF"
	[ "$XDP_OPTS4" = "$USER_OPTS4" ] && [ "$XDP_OPTS6" = "$USER_OPTS6" ] &&
		[ "$DESTOPTS_ON" = "$DESTOPTS_OFF" ]
}
tap_check "the program's SYN-ACKs carry the user-space stack's options" same_opts
tap_check "it stops cleanly" xd_stop_clean

# --- a worker that refuses takes its SYNs back ------------------------------
tap_check "xdpserved --max-conns 1 starts" xd_start full --max-conns 1 --drain-ms 20000
HOLD_PY='import socket, time
s = socket.create_connection(("'$TB_SRV_IP4'", 80))
print("connected", flush=True)
time.sleep(30)'
table_full() {
	local before after
	tb_bg_cli hold "$PY" -c "$HOLD_PY"
	HOLD=$TB_LAST_PID
	tb_wait_log "$TB_DIR/hold.log" connected 5 || return 1
	sleep 0.2 # the worker's next loop turn clears its slot
	before=$(stat synack_tx)
	probe plain "$SRC4" "$TB_SRV_IP4" || return 1
	after=$(stat synack_tx)
	echo "synack_tx $before -> $after"
	[ "$(val reply)" = rst ] && [ "$after" = "$before" ] &&
		[ "$(xd_dump >/dev/null; xd_counter 'full')" -ge 1 ]
}
tap_check "table full: the SYN is refused with a RST from user space" table_full
draining() {
	local before after
	kill -TERM "$DAEMON"
	tb_wait_log "$LOG" 'drain' 5
	sleep 0.2
	before=$(stat synack_tx)
	probe plain "$SRC4" "$TB_SRV_IP4" || return 1
	after=$(stat synack_tx)
	echo "synack_tx $before -> $after"
	[ "$(val reply)" = none ] && [ "$after" = "$before" ]
}
tap_check "draining: the SYN is not answered in XDP" draining
tb_stop "$HOLD"
wait "$DAEMON" 2>/dev/null

# --- a program left attached answers no SYN once the daemon is gone --------
SYN_PIN=$TB_BPFFS/xdpserve/$TB_SRV_IF/xdpserve_syn
syn_conf() { # syn_conf: "flags F key K" of the pinned SYN settings
	tb_srv bpftool -j map dump pinned "$SYN_PIN" | "$PY" -c '
import json, sys
e = json.load(sys.stdin)[0]
v = e["formatted"]["value"]
print("flags", v["flags"], "key", sum(int(b) for b in v["cookie_key"]))'
}
tap_check "xdpservectl attach attaches the program by hand" \
	ctl attach "$TB_SRV_IF" --obj "$TB_BPF_OBJ" --mode skb
syn_on() {
	xd_start byhand || return 1
	syn_conf
	[ $(($(syn_conf | cut -d' ' -f2) & 1)) = 1 ]
}
tap_check "a daemon on it answers SYNs in XDP (XDPSERVE_SYN_ON)" syn_on
syn_off_after_stop() {
	local conf
	kill -TERM "$DAEMON"
	wait "$DAEMON" || return 1
	conf=$(syn_conf)
	echo "after SIGTERM: $conf"
	[ "$conf" = "flags 0 key 0" ]
}
tap_check "after SIGTERM the program stays, its SYN settings off and the key gone" \
	syn_off_after_stop
tap_check "xdpservectl detach removes it" ctl detach "$TB_SRV_IF"

tap_done
