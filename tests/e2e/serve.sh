#!/usr/bin/env bash
# serve.sh — first light, end to end: the real xdpserved on a real veth in
# two namespaces, with the steering program attached, serving real clients
# (curl, wrk, the kernel's TCP) byte-exact files over IPv4 and IPv6, while
# the rest of the interface stays with the kernel.
. "$(dirname "$0")/../helpers/testbed.sh"

tb_init
tb_require_root
tb_require_cmd ip ethtool curl wrk socat sha256sum ping
tb_require_file "$XDPSERVE_BUILDDIR/xdpserved" "$TB_BPF_OBJ"
tb_setup

ROOT=$TB_DIR/root
LOG=$TB_DIR/xdpserved.log
mkdir -p "$ROOT/dir"
# Sizes around one MSS (1460; 1448 with timestamps) and bigger objects.
SIZES="0 1 1447 1448 1449 1459 1460 1461 65536 1048576 52428800"
for s in $SIZES; do
	head -c "$s" /dev/urandom >"$ROOT/f$s.bin"
done
echo "<h1>index</h1>" >"$ROOT/dir/index.html"
echo "hello" >"$ROOT/hello.txt"

# A kernel listener on the served port: it must see nothing while the
# daemon runs, and answer again once the daemon has detached.
tb_bg_srv kernel80 socat -d -d -T 2 TCP-LISTEN:80,fork,reuseaddr SYSTEM:'echo kernel80'
tb_wait_listen "$TB_NS_SRV" 80 || tap_bail "socat on port 80 did not start"
tb_bg_srv kernel8080 socat -T 2 TCP-LISTEN:8080,fork,reuseaddr SYSTEM:'echo kernel8080'
tb_wait_listen "$TB_NS_SRV" 8080 || tap_bail "socat on port 8080 did not start"

start_daemon() {
	tb_bg_srv xdpserved "$XDPSERVE_BUILDDIR/xdpserved" --iface "$TB_SRV_IF" \
		--addr "$TB_SRV_IP4:80" --addr "[$TB_SRV_IP6]:80" --root "$ROOT" \
		--cache-size 256M --max-conns 1024 --bpf-obj "$TB_BPF_OBJ" --drain-ms 2000 \
		--tx-path sg
	DAEMON=$TB_LAST_PID
	LOG=$TB_DIR/xdpserved.log
	tb_wait_log "$LOG" 'ready:' 15 && grep -q 'TX payload by reference' "$LOG"
}
tap_check "xdpserved starts, sending payload by reference (multi-buffer TX)" start_daemon

url4() { echo "http://$TB_SRV_IP4/$1"; }
url6() { echo "http://[$TB_SRV_IP6]/$1"; }

fetch_same() { # fetch_same URL FILE
	local got want
	got=$(tb_cli curl -sS --fail --max-time 60 "$1" | sha256sum | cut -d' ' -f1) || return 1
	want=$(sha256sum "$2" | cut -d' ' -f1)
	[ "$got" = "$want" ] || { echo "sha256 $got, want $want"; return 1; }
}
for s in $SIZES; do
	tap_check "IPv4 GET of $s bytes is byte-exact" fetch_same "$(url4 f$s.bin)" "$ROOT/f$s.bin"
done
for s in $SIZES; do
	tap_check "IPv6 GET of $s bytes is byte-exact" fetch_same "$(url6 f$s.bin)" "$ROOT/f$s.bin"
done

head_only() {
	local out
	out=$(tb_cli curl -sS --fail --max-time 10 -I "$(url4 f65536.bin)") || return 1
	echo "$out"
	grep -qi '^content-length: 65536' <<<"$out" || return 1
	# The raw exchange: headers end, and not a byte follows them.
	out=$(printf 'HEAD /f65536.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' |
		tb_cli socat -T 5 - "TCP:$TB_SRV_IP4:80" | wc -c)
	local hdr
	hdr=$(printf 'HEAD /f65536.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' |
		tb_cli socat -T 5 - "TCP:$TB_SRV_IP4:80" | sed -n '1,/^\r$/p' | wc -c)
	[ "$out" -eq "$hdr" ] && [ "$out" -gt 0 ]
}
tap_check "HEAD returns the headers and no body" head_only

headers_right() {
	local out
	out=$(tb_cli curl -sS --fail --max-time 10 -D - -o /dev/null "$(url4 hello.txt)") || return 1
	echo "$out"
	grep -qi '^content-type: text/plain' <<<"$out" &&
		grep -qi '^last-modified: ' <<<"$out" &&
		grep -qi '^etag: "' <<<"$out" &&
		grep -qi '^date: ' <<<"$out" &&
		grep -qi '^content-length: 6' <<<"$out"
}
tap_check "a 200 carries Content-Type, Content-Length, Last-Modified, ETag and Date" headers_right

keepalive_ten() {
	local urls=() i out
	for i in $(seq 10); do urls+=("$(url4 f1448.bin)"); done
	out=$(tb_cli curl -sS --fail --max-time 20 -o /dev/null -o /dev/null -o /dev/null \
		-o /dev/null -o /dev/null -o /dev/null -o /dev/null -o /dev/null -o /dev/null \
		-o /dev/null -w '%{http_code} %{num_connects}\n' "${urls[@]}") || return 1
	echo "$out"
	[ "$(grep -c '^200 ' <<<"$out")" -eq 10 ] &&
		[ "$(awk '{s += $2} END {print s}' <<<"$out")" -eq 1 ]
}
tap_check "ten requests on one keep-alive connection" keepalive_ten

conn_close() {
	local out
	out=$(printf 'GET /hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' |
		tb_cli socat -T 5 - "TCP:$TB_SRV_IP4:80") || return 1
	echo "$out"
	# socat returns once the server closed its side: the whole answer came.
	grep -q '^HTTP/1.1 200' <<<"$out" && grep -qi '^connection: close' <<<"$out" &&
		grep -q '^hello' <<<"$out"
}
tap_check "Connection: close answers, then the server closes" conn_close

http10() {
	local out
	out=$(printf 'GET /hello.txt HTTP/1.0\r\n\r\n' | tb_cli socat -T 5 - "TCP:$TB_SRV_IP4:80") ||
		return 1
	echo "$out"
	grep -q '^HTTP/1.1 200' <<<"$out" && grep -q '^hello' <<<"$out"
}
tap_check "an HTTP/1.0 request is answered and closed" http10

status_of() { # status_of METHOD PATH
	tb_cli curl -sS --max-time 10 -o /dev/null -w '%{http_code}' -X "$1" --path-as-is \
		"http://$TB_SRV_IP4$2"
}
expect_status() { # expect_status WANT METHOD PATH
	local got
	got=$(status_of "$2" "$3")
	echo "$2 $3 -> $got"
	[ "$got" = "$1" ]
}
tap_check "a missing file is 404" expect_status 404 GET /nope.bin
tap_check "POST is 405" expect_status 405 POST /hello.txt
tap_check "a directory with index.html serves it" expect_status 200 GET /dir/
tap_check "a directory without the slash is 301" expect_status 301 GET /dir
tap_check "/../ never leaves the root" expect_status 400 GET /../etc/passwd
tap_check "%2e%2e never leaves the root" expect_status 400 GET /%2e%2e/%2e%2e/etc/passwd
malformed() {
	local out
	out=$(printf 'GET /hello.txt HTTP/1.1\r\nHost : x\r\n\r\n' |
		tb_cli socat -T 5 - "TCP:$TB_SRV_IP4:80")
	echo "$out"
	grep -q '^HTTP/1.1 400' <<<"$out"
}
tap_check "a malformed request is 400" malformed

load() {
	local out
	out=$(tb_cli wrk -t 2 -c 64 -d 10s --timeout 5s "$(url4 f1448.bin)" 2>&1) || return 1
	echo "$out"
	! grep -q 'Socket errors' <<<"$out" && ! grep -q 'Non-2xx' <<<"$out" &&
		grep -q 'Requests/sec' <<<"$out"
}
tap_check "wrk, 64 connections for 10 s: no socket errors, no non-2xx" load

no_conns_left() {
	local n
	kill -USR1 "$DAEMON"
	sleep 0.5
	n=$(grep 'tcp: ' "$LOG" | tail -1 | sed -n 's/.*conns active \([0-9]*\).*/\1/p')
	echo "conns active: ${n:-?}"
	[ "$n" = 0 ]
}
tap_check "after the load the daemon holds no connections" tb_wait 10 no_conns_left

# Idle, the workers sleep in poll(): far below a spinning CPU's 3 s in 3 s.
idle_sleeps() {
	local t0 t1 hz
	hz=$(getconf CLK_TCK)
	t0=$(awk '{print $14 + $15}' "/proc/$DAEMON/stat")
	sleep 3
	t1=$(awk '{print $14 + $15}' "/proc/$DAEMON/stat")
	echo "CPU while idle: $((t1 - t0)) ticks of $((3 * hz))"
	[ $((t1 - t0)) -lt $((hz / 2)) ]
}
tap_check "an idle daemon sleeps instead of spinning" idle_sleeps

tap_check "a kernel listener on another port still answers" \
	tb_cli socat -T 3 - "TCP:$TB_SRV_IP4:8080"
tap_check "ICMP echo still answers" tb_cli ping -c 2 -W 2 "$TB_SRV_IP4"
tap_check "ICMPv6 echo still answers" tb_cli ping -6 -c 2 -W 2 "$TB_SRV_IP6"

tap_check "while the daemon runs, the kernel's port-80 listener gets nothing" \
	bash -c "! grep -q 'accepting connection' '$TB_DIR/kernel80.log'"

stop_clean() {
	kill -TERM "$DAEMON"
	local i
	for i in $(seq 100); do kill -0 "$DAEMON" 2>/dev/null || break; sleep 0.1; done
	wait "$DAEMON"
	local status=$?
	tail -n 15 "$LOG"
	[ "$status" -eq 0 ] && grep -q 'every frame is back with its owner' "$LOG"
}
tap_check "SIGTERM: clean exit, every frame back with its owner" stop_clean

kernel_again() {
	local out
	out=$(tb_cli socat -T 3 - "TCP:$TB_SRV_IP4:80") || return 1
	echo "$out"
	[ "$out" = kernel80 ]
}
tap_check "after the daemon stops the kernel answers port 80 again" tb_wait 5 kernel_again

# The one-copy TX path (the default in copy mode): payload copied into
# each frame instead of descriptors pointing at the cached frames.
start_nosg() {
	tb_bg_srv xdpserved-nosg "$XDPSERVE_BUILDDIR/xdpserved" --iface "$TB_SRV_IF" \
		--addr "$TB_SRV_IP4:80" --addr "[$TB_SRV_IP6]:80" --root "$ROOT" \
		--cache-size 256M --max-conns 1024 --bpf-obj "$TB_BPF_OBJ"
	DAEMON=$TB_LAST_PID
	LOG=$TB_DIR/xdpserved-nosg.log
	tb_wait_log "$LOG" 'ready:' 15 && grep -q 'TX payload copied into each frame' "$LOG"
}
tap_check "by default in copy mode the daemon copies payload once" start_nosg
for s in 1449 1048576 52428800; do
	tap_check "one-copy path: IPv4 GET of $s bytes is byte-exact" \
		fetch_same "$(url4 f$s.bin)" "$ROOT/f$s.bin"
	tap_check "one-copy path: IPv6 GET of $s bytes is byte-exact" \
		fetch_same "$(url6 f$s.bin)" "$ROOT/f$s.bin"
done
tap_check "one-copy path: SIGTERM, every frame back with its owner" stop_clean
tap_done
