#!/usr/bin/env bash
# http_files.sh — which file a request gets, against the real daemon: long
# request lines on both sides of the limit, dot files, index names from the
# configuration, precompressed variants chosen by Accept-Encoding, and
# ETags that do not show the inode.
. "$(dirname "$0")/../helpers/testbed.sh"

tb_init
tb_require_root
tb_require_cmd ip ethtool curl python3 stat
tb_require_file "$XDPSERVE_BUILDDIR/xdpserved" "$TB_BPF_OBJ"
tb_setup

ROOT=$TB_DIR/root
mkdir -p "$ROOT"
echo "hello" >"$ROOT/hello.txt"
URL=http://$TB_SRV_IP4

start_daemon() { # start_daemon [FLAGS...]
	tb_bg_srv xdpserved "$XDPSERVE_BUILDDIR/xdpserved" --iface "$TB_SRV_IF" \
		--addr "$TB_SRV_IP4:80" --root "$ROOT" --cache-size 64M --max-conns 256 \
		--bpf-obj "$TB_BPF_OBJ" "$@"
	DAEMON=$TB_LAST_PID
	LOG=$TB_DIR/xdpserved.log
	tb_wait_log "$LOG" 'ready:' 15
}

stop_daemon() {
	kill -TERM "$DAEMON" && wait "$DAEMON"
}

# status_of_line TARGET-LENGTH: the status of a GET whose request line is
# "GET /aaa... HTTP/1.1" with a target of that many octets.
status_of_line() {
	tb_cli python3 - "$TB_SRV_IP4" "$1" <<'PY'
import socket, sys
host, n = sys.argv[1], int(sys.argv[2])
target = "/" + "a" * (n - 1)
req = ("GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % target).encode()
s = socket.create_connection((host, 80), timeout=10)
s.sendall(req)
data = b""
while b"\r\n" not in data:
    chunk = s.recv(4096)
    if not chunk:
        break
    data += chunk
print(len("GET  HTTP/1.1") + n, data.split(b"\r\n")[0].decode())
PY
}

tap_check "xdpserved starts" start_daemon

# The request-line limit is 8192 octets: "GET " + target + " HTTP/1.1".
long_line_served() {
	local out
	out=$(status_of_line 8100) && echo "$out" && grep -q ' 404 ' <<<"$out" || return 1
	out=$(status_of_line 8179) && echo "$out" && grep -q '^8192 HTTP/1.1 404 ' <<<"$out"
}
tap_check "request lines up to the 8192-octet limit are served (404 here), never 414" \
	long_line_served
long_line_refused() {
	local out
	out=$(status_of_line 8180) && echo "$out" && grep -q '^8193 HTTP/1.1 414 ' <<<"$out"
}
tap_check "a request line one octet over the limit is 414" long_line_refused
long_existing_path() {
	# A real file under a long path: 16 directories of 250 octets (4016 in all).
	local d=$ROOT i t=""
	for i in $(seq 1 15); do
		d=$d/$(printf 'd%.0s' $(seq 1 250))
		t=$t/$(printf 'd%.0s' $(seq 1 250))
	done
	mkdir -p "$d" && echo deep >"$d/f" || return 1
	[ "$(tb_cli curl -sS --fail "$URL$t/f")" = deep ]
}
tap_check "a file under a 3.8 KB path is served" long_existing_path

tap_done
