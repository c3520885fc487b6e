#!/bin/bash
# ctl.sh — xdpservectl against a real daemon on the veth test bed: every
# subcommand over the control socket (status, stats with --json, --watch and
# --prometheus, conns, cache list/flush/warm, endpoint and its alias addr,
# reload, doctor), every --json output parsed with Python's json and checked
# for content, the Prometheus text parsed with prometheus_client both from
# `stats --prometheus` and scraped from --metrics-listen with curl, the
# socket's mode, malformed requests, SIGUSR1 at log level warn, and, after a
# kill -9, the fall-back to the steering program's pinned maps.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"

. "$(dirname "$0")/../helpers/testbed.sh"
. "$(dirname "$0")/../helpers/daemon.sh"

tb_init
tb_require_root
tb_require_cmd ip ethtool curl socat timeout
tb_require_file "$TB_XDPSERVECTL" "$TB_BPF_OBJ" "$XDPSERVE_BUILDDIR/xdpserved"
PY=/usr/bin/python3
PROM_CHECK=$XDPSERVE_SRCDIR/tests/helpers/prom_check.py
[ -x "$PY" ] || tap_skip_all "no $PY (Debian's python3)"
"$PY" -c 'import prometheus_client.parser' 2>/dev/null ||
	tap_skip_all "no prometheus_client for $PY (apt-get install python3-prometheus-client)"
tb_setup

ROOT=$TB_DIR/root
RUN=$TB_DIR/run
SOCK=$RUN/$TB_SRV_IF.sock
METRICS=127.0.0.1:9464
mkdir -p "$ROOT"
echo "hello from ctl.sh" >"$ROOT/index.html"
head -c 100000 /dev/zero >"$ROOT/big.bin"

ctl() {
	tb_srv "$TB_XDPSERVECTL" --runtime-dir "$RUN" "$@"
}

# JSON on stdin holds when the Python expression over j is true.
json_true() {
	"$PY" -c 'import json, sys
j = json.load(sys.stdin)
ok = eval(sys.argv[1])
print("json check:", sys.argv[1], "->", ok)
sys.exit(0 if ok else 1)' "$1"
}

fetch() {
	tb_cli curl -sf --max-time 5 -o /dev/null "$@"
}

started() {
	# Log level warn: the counter dump must still appear (case "SIGUSR1 ...").
	tb_bg_srv xdpserved "$XDPSERVE_BUILDDIR/xdpserved" --iface "$TB_SRV_IF" \
		--addr "$TB_SRV_IP4:80" --root "$ROOT" --bpf-obj "$TB_BPF_OBJ" \
		--control-socket "$SOCK" --metrics-listen "$METRICS" --log-level warn
	DAEMON=$TB_LAST_PID
	LOG=$TB_DIR/xdpserved.log
	tb_wait 15 test -S "$SOCK" && ctl status "$TB_SRV_IF" --json | json_true "j['source'] == 'daemon'"
}
tap_check "the daemon answers on its control socket" started || tap_bail "no daemon"

socket_mode() {
	[ "$(stat -c %a "$SOCK")" = 660 ] && [ "$(stat -c %F "$SOCK")" = socket ]
}
tap_check "the control socket is a socket with mode 0660" socket_mode

ten_requests() {
	for i in $(seq 10); do fetch "http://$TB_SRV_IP4/" || return 1; done
}
tap_check "10 requests served" ten_requests

status_json() {
	ctl status "$TB_SRV_IF" --json | tee "$TB_DIR/status.json" &&
		json_true "j['source'] == 'daemon' and j['pid'] == $DAEMON and \
j['interface'] == '$TB_SRV_IF' and j['bind_mode'] == 'copy' and j['tx_path'] == 'copy' and \
j['xdp_mode'] in ('native', 'skb') and '$TB_SRV_IP4:80' in j['endpoints'] and \
'$ROOT' in [r['dir'] for r in j['roots']] and len(j['queues']) == 1 and j['queues'][0]['cpu'] >= -1 and \
j['cache']['objects'] >= 1 and j['uptime_s'] >= 0" <"$TB_DIR/status.json"
}
tap_check "status --json: pid, modes, endpoints, roots, queues, cache" status_json

status_text() {
	local out
	out=$(ctl status) || return 1
	echo "$out"
	grep -q "^$TB_SRV_IF: xdpserved .*pid $DAEMON" <<<"$out" &&
		grep -q "AF_XDP copy" <<<"$out" && grep -q "0 -> " <<<"$out"
}
tap_check "status without IFACE lists every daemon, in words" status_text

stats_json() {
	ctl stats "$TB_SRV_IF" --json >"$TB_DIR/stats.json" || return 1
	json_true "j['source'] == 'daemon' and \
sum(q['http']['status_2xx'] for q in j['queues']) >= 10 and \
sum(q['http']['requests'] for q in j['queues']) >= 10 and \
j['steer']['redirected']['packets'] > 0 and \
all(k in j['queues'][0] for k in ('tcp', 'http', 'cache', 'disk', 'xsk')) and \
j['queues'][0]['tcp']['conns_accepted'] >= 10 and j['queues'][0]['xsk']['rx_packets'] > 0" \
		<"$TB_DIR/stats.json"
}
tap_check "stats --json: the 2xx counter after 10 requests is at least 10" stats_json

stats_text() {
	local out
	out=$(ctl stats "$TB_SRV_IF") || return 1
	echo "$out" | head -20
	grep -q "^queue 0" <<<"$out" && grep -q "status_2xx" <<<"$out" && grep -q "xdp .*redirected" <<<"$out"
}
tap_check "stats in words: per queue and per reason" stats_text

# A keep-alive connection held open while conns looks.
hold_conn() {
	tb_bg_cli hold "$PY" -c '
import socket, time
s = socket.create_connection(("'"$TB_SRV_IP4"'", 80), timeout=5)
s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
s.recv(4096)
print("held", s.getsockname()[0], s.getsockname()[1], flush=True)
time.sleep(12)'
	tb_wait_log "$TB_DIR/hold.log" '^held' 5
}
conns_json() {
	local port
	port=$(awk '/^held/ {print $3}' "$TB_DIR/hold.log")
	ctl conns "$TB_SRV_IF" --json | tee "$TB_DIR/conns.json" >/dev/null &&
		json_true "any(c['peer'] == '$TB_CLI_IP4:$port' and c['state'] == 'ESTABLISHED' and \
c['local'] == '$TB_SRV_IP4:80' and c['bytes_in'] > 0 and c['bytes_out'] > 0 and c['cwnd'] > 0 \
for c in j['conns']) and j['total'] >= 1" <"$TB_DIR/conns.json"
}
conns_text() {
	local out
	out=$(ctl conns) || return 1
	echo "$out"
	grep -q "^ESTABLISHED .* $TB_SRV_IP4:80 *$TB_CLI_IP4:" <<<"$out"
}
if tap_check "a keep-alive connection is held open" hold_conn; then
	tap_check "conns --json shows the held connection with its peer address" conns_json
	tap_check "conns in words, like ss -tn" conns_text
else
	tap_skip "conns --json" "no held connection"
	tap_skip "conns in words" "no held connection"
fi

cache_list_flush_warm() {
	fetch "http://$TB_SRV_IP4/big.bin" || return 1
	ctl cache list --json | tee "$TB_DIR/cache.json" | head -c 600
	echo
	json_true "{f['path'] for f in j['files']} >= {'index.html', 'big.bin'} and \
[f['size'] for f in j['files'] if f['path'] == 'big.bin'] == [100000]" <"$TB_DIR/cache.json" ||
		return 1
	ctl cache flush --json | json_true "j['dropped'] >= 2" || return 1
	ctl cache list --json | json_true "j['files'] == []" || return 1
	ctl cache warm /big.bin --json | json_true "j['path'] == 'big.bin' and \
j['queues'][0]['result'] == 'cached'" || return 1
	ctl cache list --json | json_true "[f['path'] for f in j['files']] == ['big.bin']" ||
		return 1
	! ctl cache warm /../etc/passwd 2>&1 && ! ctl cache warm /nonexistent 2>&1
}
tap_check "cache list, flush and warm (and warm refuses .. and missing files)" \
	cache_list_flush_warm

endpoints() {
	ctl endpoint add "$TB_SRV_IF" "[$TB_SRV_IP6]:80" || return 1
	ctl endpoint list "$TB_SRV_IF" --json | json_true "set(j['endpoints']) == \
{'$TB_SRV_IP4:80', '[$TB_SRV_IP6]:80'}" || return 1
	ctl status "$TB_SRV_IF" --json | json_true "'[$TB_SRV_IP6]:80' in j['endpoints']" ||
		return 1
	fetch -g "http://[$TB_SRV_IP6]/" || return 1
	ctl addr del "$TB_SRV_IF" "[$TB_SRV_IP6]:80" || return 1
	ctl addr list "$TB_SRV_IF" --json | json_true "j['endpoints'] == ['$TB_SRV_IP4:80']"
}
tap_check "endpoint add/list/del (addr is its alias), served at once" endpoints

watch_rates() {
	# Requests all through the samples (bounded): from the first answer to the last sample.
	(for i in $(seq 300); do
		[ -e "$TB_DIR/watch.stop" ] && break
		fetch "http://$TB_SRV_IP4/" && touch "$TB_DIR/watch.go"
		sleep 0.05
	done) &
	local load=$!
	tb_wait 10 test -e "$TB_DIR/watch.go"
	ctl stats "$TB_SRV_IF" --json --watch 0.5 --count 3 >"$TB_DIR/watch.json"
	local status=$?
	touch "$TB_DIR/watch.stop"
	wait "$load"
	cat "$TB_DIR/watch.json"
	[ "$status" -eq 0 ] && [ "$(wc -l <"$TB_DIR/watch.json")" -eq 3 ] &&
		"$PY" -c 'import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert all(l["interval_s"] > 0.3 and isinstance(l["rates"], dict) for l in lines)
assert any(l["rates"].get("queue0.http.status_2xx", 0) > 0 for l in lines)' "$TB_DIR/watch.json" &&
		ctl stats "$TB_SRV_IF" --watch 0.2 --count 1 | grep -q "the last"
}
tap_check "stats --watch --count: bounded samples of rates per second" watch_rates

prometheus_cli() {
	ctl stats "$TB_SRV_IF" --prometheus >"$TB_DIR/prom.txt" || return 1
	"$PY" "$PROM_CHECK" 'xdpserve_up==1' 'xdpserve_http_responses_total{class=2xx}>=10' \
		'xdpserve_http_responses_total{queue=0,class=2xx}>=10' \
		'xdpserve_xdp_packets_total{reason=redirected}>0' \
		'xdpserve_tcp_rx_frames_total{queue=0}>0' 'xdpserve_tcp_conns_active>=0' \
		<"$TB_DIR/prom.txt"
}
tap_check "stats --prometheus parses (prometheus_client) with the expected samples" \
	prometheus_cli

prometheus_scrape() {
	tb_srv curl -sf --max-time 5 "http://$METRICS/metrics" >"$TB_DIR/scrape.txt" || return 1
	tb_srv curl -s --max-time 5 -D - -o /dev/null "http://$METRICS/metrics" |
		grep -qi '^content-type: text/plain; version=0.0.4' || return 1
	[ "$(tb_srv curl -s --max-time 5 -o /dev/null -w '%{http_code}' "http://$METRICS/x")" = 404 ] ||
		return 1
	"$PY" "$PROM_CHECK" 'xdpserve_up==1' 'xdpserve_http_requests_total>=10' \
		'xdpserve_http_responses_total{class=2xx}>=10' \
		'xdpserve_cache_objects{queue=0}>0' <"$TB_DIR/scrape.txt"
}
tap_check "--metrics-listen: curl scrapes /metrics, which parses" prometheus_scrape

malformed() {
	local out
	out=$(printf 'not json\n{"cmd":"nope"}\n{"cmd":"status"}\n' |
		timeout 5 socat -t 3 - "UNIX-CONNECT:$SOCK") || return 1
	echo "$out"
	"$PY" -c 'import json, sys
r = [json.loads(l) for l in sys.stdin.read().splitlines()]
assert len(r) == 3 and "error" in r[0] and "unknown command" in r[1]["error"]
assert r[2]["pid"] > 0' <<<"$out"
}
tap_check "malformed requests get {\"error\":...}; the connection goes on" malformed

other_netns() {
	local out
	out=$(tb_cli "$TB_XDPSERVECTL" --control-socket "$SOCK" conns "$TB_SRV_IF" 2>&1)
	local status=$?
	echo "$out"
	[ "$status" -ne 0 ] && grep -q 'another network namespace' <<<"$out"
}
tap_check "a client in another network namespace is told, not given that daemon's answers" \
	other_netns

reloads() { # the daemon's count of applied reloads
	ctl status "$TB_SRV_IF" --json | "$PY" -c 'import json, sys; print(json.load(sys.stdin)["reloads"])'
}
reload() {
	before=$(reloads) || return 1
	ctl reload "$TB_SRV_IF" || return 1
	for _ in $(seq 50); do
		[ "$(reloads)" = $((before + 1)) ] && kill -0 "$DAEMON" && return 0
		sleep 0.1
	done
	echo "reloads stayed at $(reloads) (was $before)"
	return 1
}
tap_check "reload reaches the daemon as SIGHUP" reload

usr1_at_warn() {
	kill -USR1 "$DAEMON"
	tb_wait_log "$LOG" 'queue 0 http: requests' 5
}
tap_check "SIGUSR1 dumps the counters at log level warn" usr1_at_warn

doctor() {
	local out
	out=$(ctl doctor "$TB_SRV_IF")
	echo "$out"
	grep -q '^ok *kernel' <<<"$out" && grep -q '^ok *daemon .*AF_XDP copy' <<<"$out" &&
		grep -q '^note *zero-copy .*driver veth.*copy mode' <<<"$out" &&
		grep -q '^note *checksum .*veth' <<<"$out" && grep -q '^ok *mtu' <<<"$out" &&
		grep -q '^ok *programs .*our steering program' <<<"$out" &&
		grep -q 'things\? to fix$' <<<"$out"
}
tap_check "doctor names veth's copy-mode and checksum limits" doctor

completion() {
	bash -c '. /usr/share/bash-completion/bash_completion && . "$1" || exit 1
complete_to() {
	COMP_WORDS=("${@:2}"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}
	_xdpservectl
	echo "${COMP_WORDS[*]} -> ${COMPREPLY[*]}"
	[ "${COMPREPLY[*]}" = "$1" ]
}
complete_to "status stats" xdpservectl st &&
complete_to "list flush warm" xdpservectl cache "" &&
complete_to "add del list" xdpservectl endpoint "" &&
complete_to "--watch" xdpservectl stats --wat &&
complete_to "auto native skb" xdpservectl attach lo --mode "" &&
complete_to "$2" xdpservectl --runtime-dir "$3" conns ""' _ \
		"$XDPSERVE_SRCDIR/completion/xdpservectl" "$TB_SRV_IF" "$RUN"
}
if [ -r /usr/share/bash-completion/bash_completion ]; then
	tap_check "bash completion: subcommands, actions, options, daemons' interfaces" completion
else
	tap_skip "bash completion" "bash-completion is not installed (apt-get install bash-completion)"
fi

fallback() {
	kill -KILL "$DAEMON"
	wait "$DAEMON" 2>/dev/null
	ctl stats "$TB_SRV_IF" --json 2>"$TB_DIR/fallback.err" >"$TB_DIR/fallback.json" ||
		return 1
	cat "$TB_DIR/fallback.err"
	grep -q 'no daemon answers.*pinned maps' "$TB_DIR/fallback.err" &&
		json_true "j['source'] == 'pinned-maps' and j['steer']['redirected']['packets'] > 0 \
and 'queues' not in j" <"$TB_DIR/fallback.json" || return 1
	ctl status "$TB_SRV_IF" 2>&1 | tee /dev/stderr | grep -q "no daemon; steering program" ||
		return 1
	# Without the stale socket, status finds the interface by its program.
	rm -f "$SOCK"
	ctl status 2>&1 | grep -q "^$TB_SRV_IF: no daemon; steering program" || return 1
	ctl stats "$TB_SRV_IF" --prometheus 2>/dev/null | "$PY" "$PROM_CHECK" 'xdpserve_up==0' \
		'xdpserve_xdp_packets_total{reason=redirected}>0' || return 1
	! ctl conns "$TB_SRV_IF" 2>&1
}
tap_check "after kill -9: status and stats fall back to the pinned maps, and say so" fallback
ctl detach "$TB_SRV_IF" >/dev/null 2>&1

tap_done
