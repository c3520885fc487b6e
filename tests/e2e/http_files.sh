#!/usr/bin/env bash
# http_files.sh — which file a request gets, against the real daemon: long
# request lines on both sides of the limit, dot files, index names from the
# configuration, precompressed variants chosen by Accept-Encoding, and
# ETags that do not show the inode.
. "$(dirname "$0")/../helpers/testbed.sh"
# shellcheck source=tests/helpers/daemon.sh
. "$(dirname "$0")/../helpers/daemon.sh"

tb_init
tb_require_root
tb_require_cmd ip ethtool curl python3 stat gzip cmp
tb_require_file "$XDPSERVE_BUILDDIR/xdpserved" "$TB_BPF_OBJ"
TB_QUEUES=2 # two workers: they must agree on ETags
tb_setup

ROOT=$TB_DIR/root
mkdir -p "$ROOT/.git" "$ROOT/.well-known" "$ROOT/sub" "$ROOT/d1" "$ROOT/d2" "$ROOT/d3"
echo "hello" >"$ROOT/hello.txt"
echo "[core]" >"$ROOT/.git/config"
echo "SECRET=1" >"$ROOT/.env"
echo "user:hash" >"$ROOT/sub/.htpasswd"
echo "Contact: mailto:ops@example.test" >"$ROOT/.well-known/security.txt"
echo "htm" >"$ROOT/d1/index.htm"
echo "html" >"$ROOT/d1/index.html"
echo "html2" >"$ROOT/d2/index.html"
seq 1 3000 | sed 's/^/.rule-/; s/$/ { color: red }/' >"$ROOT/app.css"
gzip -9 -k "$ROOT/app.css"
# The server sends a variant's bytes as they are: any bytes do for br and zstd.
printf 'BR-VARIANT-%s' "$(seq 1 50)" >"$ROOT/app.css.br"
printf 'ZSTD-VARIANT-%s' "$(seq 1 40)" >"$ROOT/app.css.zst"
seq 1 100 >"$ROOT/plain.txt"
URL=http://$TB_SRV_IP4

start_daemon() { # start_daemon [FLAGS...]
	xd_start xdpserved --cache-size 64M --max-conns 256 "$@"
}

stop_daemon() {
	kill -TERM "$DAEMON" && wait "$DAEMON"
}

# status_of_line TARGET-LENGTH [PREFIX]: the request-line length and the
# status line (and Location, if any) of a GET whose target is PREFIX
# (default "/") padded with 'a' to that many octets.
status_of_line() {
	tb_cli python3 - "$TB_SRV_IP4" "$1" "${2:-/}" <<'PY'
import socket, sys
host, n, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
target = prefix + "a" * (n - len(prefix))
req = ("GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % target).encode()
s = socket.create_connection((host, 80), timeout=10)
s.sendall(req)
data = b""
while b"\r\n\r\n" not in data:
    chunk = s.recv(4096)
    if not chunk:
        break
    data += chunk
lines = data.split(b"\r\n")
loc = [l.decode() for l in lines if l.lower().startswith(b"location:")]
print(len("GET  HTTP/1.1") + n, lines[0].decode(), *loc)
PY
}

tap_check "xdpserved starts (two workers, --index index.htm,index.html)" \
	start_daemon --index index.htm,index.html

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
long_query_redirect() {
	local out
	out=$(status_of_line 8179 '/d2?') && echo "$out" &&
		grep -q '^8192 HTTP/1.1 301 .* Location: /d2/$' <<<"$out"
}
tap_check "a directory's 301 drops a query too long for the Location instead of a 414" \
	long_query_redirect
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

code_of() { # code_of PATH [CURL-ARGS...]
	local p=$1
	shift
	tb_cli curl -sS -o /dev/null -w '%{http_code}' "$@" "$URL$p"
}

dot_files_hidden() {
	local p c bad=0
	for p in /.git/config /.env /%2egit/config /%2Egit/config /sub/.htpasswd /.git/ \
		/sub/%2ehtpasswd /d1/../.env; do
		c=$(code_of "$p")
		echo "$p: $c"
		[ "$c" = 404 ] || bad=1
	done
	return $bad
}
tap_check "dot files and directories are 404, also percent-encoded" dot_files_hidden
tap_check "/.well-known/ is served" bash -c "
	[ \"\$(ip netns exec '$TB_NS_CLI' curl -sS --fail '$URL/.well-known/security.txt')\" = \
		'Contact: mailto:ops@example.test' ]"

index_names() {
	local a b c d
	a=$(tb_cli curl -sS --fail "$URL/d1/") || return 1
	b=$(tb_cli curl -sS --fail "$URL/d2/") || return 1
	c=$(code_of /d3/)
	d=$(code_of /d1)
	echo "d1: $a, d2: $b, d3: $c, d1 without slash: $d"
	[ "$a" = htm ] && [ "$b" = html2 ] && [ "$c" = 404 ] && [ "$d" = 301 ]
}
tap_check "index names are tried in order; a directory without any is 404" index_names

# fetch_variant ACCEPT-ENCODING [CURL-ARGS...]: body to $TB_DIR/body, head to $TB_DIR/h
fetch_variant() {
	local ae=$1
	shift
	tb_cli curl -sS --fail -D "$TB_DIR/h" -o "$TB_DIR/body" -H "Accept-Encoding: $ae" \
		"$@" "$URL/app.css" && cat "$TB_DIR/h"
}
header() { # header NAME: its value in $TB_DIR/h
	sed -n "s/^$1: \(.*\)\r\$/\1/Ip" "$TB_DIR/h"
}

# A variant is never waited for: the first request that could use it gets
# the file itself and starts the variant's load for later ones. Warm every
# coding on both workers (new connections spread over the queues).
warm_variants() {
	local ae urls=()
	for i in $(seq 24); do urls+=("$URL/app.css"); done
	for ae in br zstd gzip; do
		tb_cli curl -sS --fail -o /dev/null -H 'Connection: close' \
			-H "Accept-Encoding: $ae" "${urls[@]}" || return 1
	done
	sleep 0.5
}
tap_check "the first requests for a file start its variants' loads" warm_variants

variant_br() {
	local etag_id
	tb_cli curl -sS --fail -D "$TB_DIR/h" -o /dev/null "$URL/app.css" || return 1
	etag_id=$(header etag)
	fetch_variant 'gzip, deflate, br, zstd' || return 1
	cmp "$TB_DIR/body" "$ROOT/app.css.br" &&
		[ "$(header content-encoding)" = br ] &&
		[ "$(header vary)" = Accept-Encoding ] &&
		header content-type | grep -q '^text/css' &&
		[ "$(header content-length)" = "$(stat -c %s "$ROOT/app.css.br")" ] &&
		[ -n "$(header etag)" ] && [ "$(header etag)" != "$etag_id" ]
}
tap_check "br is preferred: the .br bytes, Content-Encoding, Vary, the CSS type, its own ETag and length" \
	variant_br
variant_by_q() {
	fetch_variant 'br;q=0, zstd;q=0.5, gzip;q=0.4' || return 1
	cmp "$TB_DIR/body" "$ROOT/app.css.zst" && [ "$(header content-encoding)" = zstd ] || return 1
	fetch_variant 'GZIP;q=0.9, br;q=0.1, identity;q=0.5' || return 1
	cmp "$TB_DIR/body" "$ROOT/app.css.gz" && [ "$(header content-encoding)" = gzip ]
}
tap_check "q-values choose: zstd over a refused br, gzip over br" variant_by_q
tap_check "curl --compressed gets the .gz and decodes it to the file" bash -c "
	ip netns exec '$TB_NS_CLI' curl -sS --fail --compressed -H 'Accept-Encoding: gzip' \
		'$URL/app.css' | cmp - '$ROOT/app.css'"
identity_answer() {
	tb_cli curl -sS --fail -D "$TB_DIR/h" -o "$TB_DIR/body" "$URL/app.css" || return 1
	cat "$TB_DIR/h"
	cmp "$TB_DIR/body" "$ROOT/app.css" && [ -z "$(header content-encoding)" ] &&
		[ "$(header vary)" = Accept-Encoding ] || return 1
	fetch_variant 'br;q=0, zstd;q=0, gzip;q=0' && cmp "$TB_DIR/body" "$ROOT/app.css" || return 1
	tb_cli curl -sS --fail -D "$TB_DIR/h" -o "$TB_DIR/body" -H 'Accept-Encoding: br' \
		"$URL/plain.txt" && cmp "$TB_DIR/body" "$ROOT/plain.txt" &&
		[ -z "$(header content-encoding)" ]
}
tap_check "without Accept-Encoding, or with no variant, the file itself, with Vary" identity_answer
variant_range() {
	fetch_variant br -r 3-9 || return 1
	grep -q '^HTTP/1.1 206' "$TB_DIR/h" &&
		[ "$(header content-encoding)" = br ] &&
		[ "$(header content-range)" = "bytes 3-9/$(stat -c %s "$ROOT/app.css.br")" ] &&
		[ "$(cat "$TB_DIR/body")" = "$(head -c 10 "$ROOT/app.css.br" | tail -c 7)" ]
}
tap_check "a Range applies to the variant's bytes" variant_range
variant_not_modified() {
	local etag code
	fetch_variant br || return 1
	etag=$(header etag)
	code=$(code_of /app.css -H 'Accept-Encoding: br' -H "If-None-Match: $etag")
	echo "etag $etag: $code"
	[ "$code" = 304 ]
}
tap_check "If-None-Match with the variant's ETag is 304" variant_not_modified

etags_agree() {
	# One connection each: flows spread over both queues (checked below).
	local i tags ino
	for i in $(seq 1 12); do
		tb_cli curl -sS --fail -D - -o /dev/null "$URL/hello.txt" |
			sed -n 's/^[Ee][Tt]ag: \(.*\)\r$/\1/p'
	done >"$TB_DIR/etags"
	tags=$(sort -u "$TB_DIR/etags")
	echo "$tags" >"$TB_DIR/first-daemon-tag"
	ino=$(stat -c %i "$ROOT/hello.txt")
	echo "tags: $tags (inode $ino)"
	[ "$(wc -l <"$TB_DIR/etags")" = 12 ] && [ "$(wc -l <<<"$tags")" = 1 ] &&
		grep -qx '"[0-9a-f]\{16\}"' <<<"$tags" &&
		! grep -qi "$(printf '%x' "$ino")" <<<"$tags" && ! grep -q "$ino" <<<"$tags"
}
tap_check "every connection gets the same ETag, and it does not contain the inode" etags_agree
tap_check "both workers answered (so both agreed on the ETag)" tb_queues_served "$DAEMON" "$LOG"

tap_check "SIGTERM stops the daemon" stop_daemon
tap_check "xdpserved starts with --serve-dotfiles --precompressed off" \
	start_daemon --serve-dotfiles --precompressed off
switches() {
	local env
	env=$(tb_cli curl -sS --fail "$URL/.env") || {
		tail -n 20 "$LOG"
		tb_srv ip -d link show dev "$TB_SRV_IF" | grep -i xdp
		return 1
	}
	fetch_variant br || return 1
	echo ".env: $env"
	[ "$env" = SECRET=1 ] && cmp "$TB_DIR/body" "$ROOT/app.css" &&
		[ -z "$(header content-encoding)" ] && [ -z "$(header vary)" ] &&
		[ "$(tb_cli curl -sS --fail "$URL/d1/")" = html ]
}
tap_check "the switches: dot files served, no variants and no Vary, index.html by default" switches
new_key() {
	local tag
	tag=$(tb_cli curl -sS --fail -D - -o /dev/null "$URL/hello.txt" |
		sed -n 's/^[Ee][Tt]ag: \(.*\)\r$/\1/p')
	echo "first daemon $(cat "$TB_DIR/first-daemon-tag"), this one $tag"
	[ -n "$tag" ] && [ "$tag" != "$(cat "$TB_DIR/first-daemon-tag")" ]
}
tap_check "another daemon draws another ETag key" new_key
tap_check "SIGTERM stops the daemon again" stop_daemon

tap_done
