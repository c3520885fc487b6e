#!/usr/bin/env bash
# limits.sh — no client hurts the others, against the real daemon on a real
# veth: a head cut short by a half-close gets 400 at once (and a burst of
# them does not fill the table), a source past its connection cap is
# refused while another address is served, idle keep-alive connections
# make room for new clients when the table is nearly full, and a table full
# of idle handshakes refuses new clients cleanly and serves them again once
# the load is gone.
. "$(dirname "$0")/../helpers/testbed.sh"
. "$(dirname "$0")/../helpers/daemon.sh"

tb_init
tb_require_root
tb_require_cmd ip ethtool curl python3
tb_require_file "$XDPSERVE_BUILDDIR/xdpserved" "$TB_BPF_OBJ"
tb_setup
ulimit -n 16384

ROOT=$TB_DIR/root
mkdir -p "$ROOT"
echo hello >"$ROOT/hello.txt"
# More client addresses on the client veth, inside 198.18.0.0/15.
for i in 3 4 5 6; do
	tb_cli ip addr add "198.18.0.$i/24" dev "$TB_CLI_IF" || tap_bail "cannot add 198.18.0.$i"
done

# The client side, in Python: half-closed heads, held connections, probes.
CL=$TB_DIR/client.py
cat >"$CL" <<'PY'
import signal, socket, sys, time

def half_closed(dst, n):
    """n connections, each a partial head then SHUT_WR; every answer read."""
    socks = []
    for _ in range(n):
        s = socket.create_connection((dst, 80), timeout=10)
        s.sendall(b"GET /hello.txt HTTP/1.1\r\nHost: x")
        s.shutdown(socket.SHUT_WR)
        socks.append(s)
    bad = 0
    for s in socks:
        data = b""
        try:
            while True:
                d = s.recv(4096)
                if not d:
                    break
                data += d
        except OSError as e:
            data += repr(e).encode()
        if not data.startswith(b"HTTP/1.1 400 "):
            bad += 1
            if bad < 5:
                print("answer:", data[:60])
        s.close()
    print("400s", n - bad, "of", n)
    return bad == 0

def hold(dst, src, n):
    """Hold n connections from src (handshake only) until SIGTERM."""
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    socks = []
    for _ in range(n):
        s = socket.socket()
        s.bind((src, 0))
        s.settimeout(10)
        s.connect((dst, 80))
        socks.append(s)
    print("holding", len(socks), flush=True)
    while True:
        time.sleep(1)

def keepalive(dst, n):
    """n keep-alive connections in a row, one request each, all kept open."""
    socks, ok = [], 0
    for _ in range(n):
        s = socket.create_connection((dst, 80), timeout=10)
        s.sendall(b"GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n")
        ok += s.recv(4096).startswith(b"HTTP/1.1 200 ")
        socks.append(s)
        time.sleep(0.05)  # pacing: our ACK of the answer reaches the server first
    print("served", ok, "of", n)
    return ok == n

if sys.argv[1] == "half":
    sys.exit(0 if half_closed(sys.argv[2], int(sys.argv[3])) else 1)
if sys.argv[1] == "keepalive":
    sys.exit(0 if keepalive(sys.argv[2], int(sys.argv[3])) else 1)
hold(sys.argv[2], sys.argv[3], int(sys.argv[4]))
PY

start_daemon() { # start_daemon NAME FLAGS...
	local name=$1
	shift
	xd_start "$name" --cache-size 16M --drain-ms 1000 "$@"
}

client() { # client MODE N: the Python client against the server, bounded
	tb_cli timeout 60 python3 "$CL" "$1" "$TB_SRV_IP4" "$2"
}
fetch() { # fetch SRC: curl from that client address, must get the file
	local out
	out=$(tb_cli curl -sS --fail --max-time 5 --interface "$1" "http://$TB_SRV_IP4/hello.txt") ||
		return 1
	[ "$out" = hello ]
}
refused() { # refused SRC: curl from SRC is refused at once (not a timeout)
	local rc
	tb_cli curl -sS --max-time 5 --interface "$1" -o /dev/null "http://$TB_SRV_IP4/hello.txt"
	rc=$?
	echo "curl exit $rc"
	[ "$rc" -eq 7 ] || [ "$rc" -eq 56 ]
}

# --- 1. half-closed incomplete heads ----------------------------------------
# A table of 512 and 3000 such connections in a burst: if each held its
# slot until a timeout, the table would fill and lock everyone out.
tap_check "xdpserved starts (512 connections)" start_daemon xdpserved-half \
	--max-conns 512 --max-conns-per-source 0

tap_check "a partial head then SHUT_WR gets a 400 at once" client half 1
burst() { # burst N: N half-closed heads; the counters on failure
	client half "$1" && return 0
	xd_dump
	grep -E 'queue [0-9]+ (xsk|http)' "$LOG" | tail -2
	return 1
}
tap_check "3000 half-closed partial heads in a burst: each gets its 400" burst 3000
tap_check "right after the burst a normal curl is served" fetch "$TB_CLI_IP4"
tap_check "and the daemon holds no connection" tb_wait 10 xd_no_conns_left
tap_check "SIGTERM: clean exit, every frame back with its owner" xd_stop_clean

# --- 2. idle keep-alive connections make room -------------------------------
# 48 clients in a row through a 32-slot table, each keeping its connection
# open after one answer: the oldest idle ones are closed to let the next in.
tap_check "xdpserved starts (32 connections)" start_daemon xdpserved-ka \
	--max-conns 32 --max-conns-per-source 0
tap_check "48 keep-alive clients through 32 slots are all served" client keepalive 48
evicted_counted() {
	xd_dump
	[ "$(xd_counter evicted)" -ge 16 ] && [ "$(xd_counter full)" -eq 0 ]
}
tap_check "idle keep-alive connections were evicted to make room, none refused" \
	tb_wait 5 evicted_counted
tap_check "SIGTERM: clean exit, every frame back with its owner" xd_stop_clean

# --- 3. the per-source cap and a full table ---------------------------------
# The held connections send no request: a long head timeout keeps them.
tap_check "xdpserved starts (32 connections, 8 per source)" start_daemon xdpserved-cap \
	--max-conns 32 --max-conns-per-source 8 --header-timeout 120

hold() { # hold NAME SRC N: N connections from SRC, held in the background
	tb_bg_cli "$1" python3 "$CL" hold "$TB_SRV_IP4" "$2" "$3"
	eval "HOLD_$1=\$TB_LAST_PID"
	tb_wait_log "$TB_DIR/$1.log" "holding $3" 15
}
tap_check "8 connections from 198.18.0.2 are held" hold h2 198.18.0.2 8
tap_check "the 9th from 198.18.0.2 is refused cleanly" refused 198.18.0.2
tap_check "198.18.0.3 is still served" fetch 198.18.0.3
per_source_counted() {
	xd_dump
	[ "$(xd_counter 'per-source')" -ge 1 ] && [ "$(xd_counter 'conns active')" -eq 8 ]
}
tap_check "the refusal is counted per source" tb_wait 5 per_source_counted

fill_table() {
	hold h3 198.18.0.3 8 && hold h4 198.18.0.4 8 && hold h5 198.18.0.5 8
}
tap_check "three more sources fill the table (32 handshakes, no requests)" fill_table
tap_check "a new client past the table size is refused cleanly" refused 198.18.0.6
full_counted() {
	xd_dump
	[ "$(xd_counter 'full')" -ge 1 ] && [ "$(xd_counter 'conns active')" -eq 32 ]
}
tap_check "the refusal is counted as table full" tb_wait 5 full_counted
release() {
	local p
	for p in "$HOLD_h2" "$HOLD_h3" "$HOLD_h4" "$HOLD_h5"; do
		tb_stop "$p"
	done
}
tap_check "the load stops" release
tap_check "new clients are served again" tb_wait 10 fetch 198.18.0.6
tap_check "and the daemon holds no connection" tb_wait 10 xd_no_conns_left
tap_check "SIGTERM: clean exit, every frame back with its owner" xd_stop_clean
tap_done
