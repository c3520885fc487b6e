#!/usr/bin/env bash
# config_reload.sh — the configuration file end to end: `xdpserved --check`
# exit codes and messages, a daemon started from --config alone serving a
# per-address root, then SIGHUP with a changed file (roots, index names,
# log level, an endpoint added and one removed) while a keep-alive
# connection stays up and gets the new answer and wrk sees no error, and a
# broken file on reload refused with the old configuration kept.
. "$(dirname "$0")/../helpers/testbed.sh"
. "$(dirname "$0")/../helpers/daemon.sh"

tb_init
tb_require_root
tb_require_cmd ip ethtool curl wrk
tb_require_file "$XDPSERVE_BUILDDIR/xdpserved" "$TB_BPF_OBJ" /usr/bin/python3
tb_setup
tb_srv ip addr add 198.18.0.3/24 dev "$TB_SRV_IF" || tap_bail "cannot add 198.18.0.3"

A=$TB_DIR/a
B=$TB_DIR/b
mkdir -p "$A" "$B"
echo A-index >"$A/index.html"
echo A-home >"$A/home.htm"
echo B-index >"$B/index.html"
echo B-home >"$B/home.htm"
CONF=$TB_DIR/xdpserve.conf
XD=$XDPSERVE_BUILDDIR/xdpserved

write_conf_before() {
	cat >"$CONF" <<EOC
# before the reload
iface = $TB_SRV_IF
addr = $TB_SRV_IP4:80
addr = $TB_SRV_IP4:81
addr = 198.18.0.3:80
root = $A
index = index.html
cache-size = 64M
keepalive-timeout = 120
bpf-obj = $TB_BPF_OBJ
log-level = info

[198.18.0.3:80]
root = $B
EOC
}

write_conf_after() { # LOG-LEVEL
	cat >"$CONF" <<EOC
# after the reload: roots swapped, home.htm first, :81 gone, :8080 new
iface = $TB_SRV_IF
addr = $TB_SRV_IP4:80
addr = 198.18.0.3:80
addr = $TB_SRV_IP4:8080
root = $B
index = home.htm, index.html
cache-size = 64M
keepalive-timeout = 120
bpf-obj = $TB_BPF_OBJ
log-level = $1

[198.18.0.3:80]
root = $A
EOC
}

# ---- --check ----
write_conf_before
check_ok() {
	local out
	out=$(tb_srv "$XD" --check --config "$CONF") || { echo "$out"; return 1; }
	[ "$out" = "configuration OK" ]
}
tap_check "--check: a good file is 'configuration OK', exit 0" check_ok

check_bad() {
	local out rc
	sed '12i queues = 0' "$CONF" >"$TB_DIR/bad.conf" # above the section
	out=$(tb_srv "$XD" --check --config "$TB_DIR/bad.conf" 2>&1)
	rc=$?
	echo "$out"
	[ "$rc" -eq 1 ] &&
		echo "$out" | grep -q "^$TB_DIR/bad.conf:12: queues \"0\" wants a whole number" &&
		! echo "$out" | grep -q "configuration OK"
}
tap_check "--check: a bad key is FILE:LINE: what — what to do, exit 1" check_bad

check_machine() {
	local out rc
	cp "$CONF" "$TB_DIR/bad2.conf"
	printf '[198.18.0.9:80]\nroot = %s/none\n' "$TB_DIR" >>"$TB_DIR/bad2.conf"
	out=$(tb_srv "$XD" --check --config "$TB_DIR/bad2.conf" --iface nosuchif0 2>&1)
	rc=$?
	echo "$out"
	[ "$rc" -eq 1 ] &&
		echo "$out" | grep -q "^$TB_DIR/bad2.conf:16: document root $TB_DIR/none: No such file" &&
		echo "$out" | grep -q "^$TB_DIR/bad2.conf:16: this root's address and port are not served" &&
		echo "$out" | grep -q "^--iface: no such interface nosuchif0 — see ip link show"
}
tap_check "--check: missing root, unserved section, no such interface (a flag), exit 1" \
	check_machine

check_flag() {
	local out rc
	out=$(tb_srv "$XD" --check --config "$CONF" --queues 99 2>&1)
	rc=$?
	echo "$out"
	[ "$rc" -eq 1 ] && echo "$out" | grep -q '^--queues: queues "99" wants a whole number'
}
tap_check "--check: a bad flag names the flag, exit 1" check_flag
tap_check "--check attached nothing" \
	bash -c "! ip netns exec $TB_NS_SRV ip link show dev $TB_SRV_IF | grep -q prog/xdp"

# ---- start from the file alone ----
start() {
	tb_bg_srv xdpserved "$XD" --config "$CONF"
	DAEMON=$TB_LAST_PID
	LOG=$TB_DIR/xdpserved.log
	tb_wait_log "$LOG" 'ready:' 15
}
tap_check "xdpserved --config FILE starts" start

get() { # URL: the body, or "FAILED"
	tb_cli curl -sS --max-time 5 "$1" 2>/dev/null || echo FAILED
}
expect() { # URL BODY
	local got
	got=$(get "$1")
	[ "$got" = "$2" ] || { echo "$1: got '$got', want '$2'"; return 1; }
}
tap_check "the root of every address" expect "http://$TB_SRV_IP4/" A-index
tap_check "a per-address root ([198.18.0.3:80])" expect "http://198.18.0.3/" B-index
tap_check "a second endpoint (:81)" expect "http://$TB_SRV_IP4:81/" A-index

# A keep-alive client: one request now, one after the reload on the same connection.
cat >"$TB_DIR/keepalive.py" <<'EOP'
import os, socket, sys, time
host, go, out = sys.argv[1], sys.argv[2], sys.argv[3]
s = socket.create_connection((host, 80), timeout=30)
def get():
    s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(4096)
        if not chunk:
            raise SystemExit("closed before the answer")
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    length = int([l.split(b":")[1] for l in head.split(b"\r\n")
                  if l.lower().startswith(b"content-length")][0])
    while len(body) < length:
        chunk = s.recv(4096)
        if not chunk:
            raise SystemExit("closed inside the body")
        body += chunk
    return body.decode().strip()
first = get()
with open(out, "w") as f:
    f.write(first + "\n")
for _ in range(300):
    if os.path.exists(go):
        break
    time.sleep(0.1)
second = get()
with open(out, "a") as f:
    f.write(second + "\n")
EOP
tb_bg_cli keepalive /usr/bin/python3 "$TB_DIR/keepalive.py" "$TB_SRV_IP4" "$TB_DIR/go" \
	"$TB_DIR/keepalive.out"
KA=$TB_LAST_PID
tap_check "the keep-alive client got its first answer" \
	tb_wait 10 grep -qx A-index "$TB_DIR/keepalive.out"

# ---- reload ----
reload() { # LOG-PATTERN (one the log does not have yet): SIGHUP, wait for it
	grep -Eq "$1" "$LOG" && { echo "the log already has $1"; return 1; }
	kill -HUP "$DAEMON"
	tb_wait 10 grep -Eq "$1" "$LOG"
}
# Load across the reload: index.html is in both roots, so every answer is a 200.
tb_bg_cli wrk timeout 60 wrk -t1 -c8 -d6s --timeout 30s "http://$TB_SRV_IP4/index.html"
WRK=$TB_LAST_PID
sleep 1
write_conf_after warn
tap_check "SIGHUP with a changed file" reload 'reload: (root|index) changed'
sleep 0.5 # the workers take it at the top of their next loop (they are woken)
tap_check "a changed root and index names" expect "http://$TB_SRV_IP4/" B-home
tap_check "a changed per-address root" expect "http://198.18.0.3/" A-home
tap_check "an added endpoint (:8080)" expect "http://$TB_SRV_IP4:8080/" B-home
tap_check "a removed endpoint (:81) is the kernel's again" expect "http://$TB_SRV_IP4:81/" FAILED
touch "$TB_DIR/go"
keepalive_survived() {
	tb_wait 10 grep -qx B-home "$TB_DIR/keepalive.out" || {
		cat "$TB_DIR/keepalive.out" "$TB_DIR/keepalive.log"
		return 1
	}
	wait "$KA"
}
tap_check "the established keep-alive connection survived and got the new answer" \
	keepalive_survived
wrk_clean() {
	wait "$WRK"
	cat "$TB_DIR/wrk.log"
	grep -q 'requests in' "$TB_DIR/wrk.log" && ! grep -q 'Non-2xx' "$TB_DIR/wrk.log" &&
		! grep -Eq 'Socket errors:.*(connect|read|write) [1-9]' "$TB_DIR/wrk.log"
}
tap_check "wrk across the reload: no non-2xx, no broken connection" wrk_clean
tap_check "log level warn: the reload's info lines are gone" \
	bash -c "! grep -q 'reload: done' '$LOG'"

# A broken file on reload: refused with --check's messages, the old one kept.
cp "$CONF" "$TB_DIR/good.conf"
sed -i '12i queues = 0\nbogus = 1' "$CONF" # above the section
tap_check "a broken file on reload is refused, with FILE:LINE messages" \
	reload "reload: $CONF:12: queues \"0\" wants a whole number"
tap_check "... every problem logged, and the refusal said" \
	bash -c "grep -q 'reload: $CONF:13: unknown key \"bogus\"' '$LOG' && grep -q 'refused; still running with the old one' '$LOG'"
tap_check "... and the old configuration still serves" expect "http://$TB_SRV_IP4/" B-home

# A restart-only key is logged and keeps its value; log level back to info.
write_conf_after info
sed -i 's/^cache-size = 64M/cache-size = 128M/' "$CONF"
tap_check "a key that needs a restart is logged as such; info level again" \
	reload 'reload: done'
tap_check "... cache-size 'needs a restart'" \
	grep -q 'reload: cache-size changed, which needs a restart' "$LOG"
tap_check "... still serving" expect "http://198.18.0.3/" A-home

tap_check "xdpserved stops cleanly after reloads" xd_stop_clean
tap_done
