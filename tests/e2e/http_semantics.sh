#!/usr/bin/env bash
# http_semantics.sh — HTTP behaviour of the real daemon that unit tests of
# the parser cannot show: ranges, conditionals, Expect, bodies, directory
# handling, pipelining, draining and one daemon per interface.
. "$(dirname "$0")/../helpers/testbed.sh"

tb_init
tb_require_root
tb_require_cmd ip ethtool curl socat sha256sum
tb_require_file "$XDPSERVE_BUILDDIR/xdpserved" "$TB_BPF_OBJ"
tb_setup

ROOT=$TB_DIR/root
mkdir -p "$ROOT/d/index.html" "$ROOT/e"
seq 1 20000 >"$ROOT/n.txt" # 108894 bytes of known text
echo "in e" >"$ROOT/e/index.html"
URL=http://$TB_SRV_IP4

start_daemon() {
	tb_bg_srv xdpserved "$XDPSERVE_BUILDDIR/xdpserved" --iface "$TB_SRV_IF" \
		--addr "$TB_SRV_IP4:80" --root "$ROOT" --cache-size 64M --max-conns 256 \
		--bpf-obj "$TB_BPF_OBJ" --drain-ms 20000
	DAEMON=$TB_LAST_PID
	LOG=$TB_DIR/xdpserved.log
	tb_wait_log "$LOG" 'ready:' 15
}
tap_check "xdpserved starts" start_daemon

raw() { # raw REQUEST-BYTES: send over one connection, print the answer
	printf "$1" | tb_cli socat -T 5 - "TCP:$TB_SRV_IP4:80"
}

single_range() {
	local out
	out=$(tb_cli curl -sS -D "$TB_DIR/h" -r 10-19 "$URL/n.txt") || return 1
	cat "$TB_DIR/h"
	[ "$out" = "$(head -c 20 "$ROOT/n.txt" | tail -c 10)" ] &&
		grep -q '^HTTP/1.1 206' "$TB_DIR/h" &&
		grep -qi '^content-range: bytes 10-19/108894' "$TB_DIR/h"
}
tap_check "a single range is 206 with exactly those bytes" single_range

multi_range() {
	local out
	out=$(tb_cli curl -sS -D "$TB_DIR/h" -r 0-4,100-104 "$URL/n.txt") || return 1
	cat "$TB_DIR/h"
	echo "$out"
	grep -q '^HTTP/1.1 206' "$TB_DIR/h" &&
		grep -qi '^content-type: multipart/byteranges; boundary=' "$TB_DIR/h" &&
		grep -q "^Content-Range: bytes 0-4/108894" <<<"$out" &&
		grep -q "^Content-Range: bytes 100-104/108894" <<<"$out" &&
		grep -q "^$(head -c 105 "$ROOT/n.txt" | tail -c 5 | head -1)" <<<"$out"
}
tap_check "two ranges are one multipart/byteranges answer" multi_range

tap_check "an unsatisfiable range is 416" bash -c "
	tb() { ip netns exec '$TB_NS_CLI' \"\$@\"; }
	tb curl -sS -o /dev/null -w '%{http_code}' -r 200000-300000 '$URL/n.txt' | grep -qx 416"

head_range() {
	local out
	out=$(raw 'HEAD /n.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=0-1\r\nConnection: close\r\n\r\n')
	echo "$out"
	grep -q '^HTTP/1.1 200' <<<"$out" && ! grep -qi '^content-range' <<<"$out" &&
		grep -qi '^content-length: 108894' <<<"$out"
}
tap_check "HEAD ignores Range: 200 with the full length" head_range

not_modified() {
	local etag code
	etag=$(tb_cli curl -sS -D - -o /dev/null "$URL/n.txt" | sed -n 's/^[Ee][Tt]ag: \(.*\)\r$/\1/p')
	echo "etag $etag"
	code=$(tb_cli curl -sS -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$URL/n.txt")
	[ -n "$etag" ] && [ "$code" = 304 ]
}
tap_check "If-None-Match with the ETag is 304" not_modified
not_modified_since() {
	local lm code
	lm=$(tb_cli curl -sS -D - -o /dev/null "$URL/n.txt" |
		sed -n 's/^[Ll]ast-[Mm]odified: \(.*\)\r$/\1/p')
	echo "last-modified $lm"
	code=$(tb_cli curl -sS -o /dev/null -w '%{http_code}' -H "If-Modified-Since: $lm" "$URL/n.txt")
	[ -n "$lm" ] && [ "$code" = 304 ]
}
tap_check "If-Modified-Since with the Last-Modified date is 304" not_modified_since

expect_once() {
	local out
	# A cold file: the answer waits for a load, and the request is parsed twice.
	cp "$ROOT/n.txt" "$ROOT/cold.txt"
	out=$(raw 'GET /cold.txt HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc')
	head -c 300 <<<"$out"
	[ "$(grep -c '^HTTP/1.1 100' <<<"$out")" -eq 1 ] && grep -q '^HTTP/1.1 200' <<<"$out"
}
tap_check "Expect: 100-continue gets exactly one 100, then the answer" expect_once

body_skipped() {
	local out
	out=$(raw 'POST /n.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET /e/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
	echo "$out"
	grep -q '^HTTP/1.1 405' <<<"$out" && grep -qi '^allow: GET, HEAD' <<<"$out" &&
		grep -q '^in e' <<<"$out"
}
tap_check "a request body is skipped and the next pipelined request answered" body_skipped

half_close_in_body() {
	# 3 of 100 body bytes, then the client's FIN: the server answers and closes
	# (socat returns) long before its 60 s idle timeout.
	local start=$SECONDS out
	out=$(printf 'POST /n.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc' |
		tb_cli timeout 20 socat -t 20 -T 20 - "TCP:$TB_SRV_IP4:80")
	echo "$out; after $((SECONDS - start)) s"
	grep -q '^HTTP/1.1 405' <<<"$out" && [ $((SECONDS - start)) -lt 15 ]
}
tap_check "a client that half-closes inside a body is closed, not left to idle out" \
	half_close_in_body

tap_check "a directory without index.html is 404" bash -c "
	ip netns exec '$TB_NS_CLI' curl -sS -o /dev/null -w '%{http_code}' '$URL/nope/' | grep -qx 404"
tap_check "an index name that is itself a directory is 403, not a redirect loop" bash -c "
	ip netns exec '$TB_NS_CLI' curl -sS -o /dev/null -w '%{http_code}' '$URL/d/' | grep -qx 403"
redirect() {
	local out
	out=$(tb_cli curl -sS -D - -o /dev/null "$URL/e?x=1")
	echo "$out"
	grep -q '^HTTP/1.1 301' <<<"$out" && grep -qi '^location: /e/?x=1' <<<"$out"
}
tap_check "a directory without its slash is 301 to path/ with the query" redirect

pipelined() {
	local req='' i out
	for i in $(seq 20); do req="${req}GET /e/index.html HTTP/1.1\r\nHost: x\r\n\r\n"; done
	req="${req}GET /e/index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
	out=$(raw "$req")
	[ "$(grep -c '^HTTP/1.1 200' <<<"$out")" -eq 21 ] && [ "$(grep -c '^in e' <<<"$out")" -eq 21 ]
}
tap_check "21 pipelined requests in one segment get 21 answers in order" pipelined

second_daemon() {
	local out status
	out=$(tb_srv timeout 20 "$XDPSERVE_BUILDDIR/xdpserved" --iface "$TB_SRV_IF" \
		--addr "$TB_SRV_IP4:80" --root "$ROOT" --bpf-obj "$TB_BPF_OBJ" 2>&1)
	status=$?
	echo "exit $status: $out"
	[ "$status" -ne 0 ] && grep -q "another xdpserved already serves $TB_SRV_IF" <<<"$out"
}
tap_check "a second daemon on the same interface is refused" second_daemon
tap_check "the first daemon still serves" bash -c "
	ip netns exec '$TB_NS_CLI' curl -sS --fail -o /dev/null '$URL/e/'"

drain_idle() {
	# An idle keep-alive connection must not hold SIGTERM for --drain-ms (20 s).
	local start status
	tb_bg_cli idle socat -T 30 - "TCP:$TB_SRV_IP4:80" </dev/null
	sleep 1
	start=$SECONDS
	kill -TERM "$DAEMON"
	wait "$DAEMON"
	status=$?
	tail -n 4 "$LOG"
	echo "exit $status after $((SECONDS - start)) s"
	[ "$status" -eq 0 ] && [ $((SECONDS - start)) -lt 10 ] &&
		! grep -q 'connections still open' "$LOG"
}
tap_check "SIGTERM closes idle keep-alive connections instead of waiting them out" drain_idle
tap_done
