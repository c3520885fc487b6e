#!/usr/bin/env bash
# cache_pipeline.sh — pipelined requests for many distinct large files
# through a cache far smaller than them (64 files of 2 MiB, an 8 MiB
# cache): every connection woken by a finished load starts its next
# request, whose load must make room while other finished loads still wait
# to be announced. The daemon answers every request, stays responsive and
# exits cleanly (under ASan in the sanitizer pass: no use after free).
. "$(dirname "$0")/../helpers/testbed.sh"
. "$(dirname "$0")/../helpers/daemon.sh"

tb_init
tb_require_root
tb_require_cmd ip ethtool curl python3 sha256sum
tb_require_file "$XDPSERVE_BUILDDIR/xdpserved" "$TB_BPF_OBJ"
tb_setup

ROOT=$TB_DIR/root
LOG=$TB_DIR/xdpserved.log
PIPE="python3 $TB_HELPERS/http_pipeline.py"
mkdir -p "$ROOT/big"
for i in $(seq 0 63); do
	head -c $((2 << 20)) /dev/urandom >"$ROOT/big/f$i.bin"
done

start_daemon() {
	xd_start xdpserved --cache-size 8M --drain-ms 2000
}
tap_check "xdpserved starts with an 8 MiB cache" start_daemon

# pipelined DESC EXPECTED-STATUS ARGS...: 4 connections x 16 distinct files.
pipelined() {
	local want=$1 out
	shift
	out=$(tb_cli timeout 120 $PIPE "$TB_SRV_IP4" 80 --conns 4 --per-conn 16 --files 64 \
		--path '/big/f{}.bin' --timeout 60 "$@") || { echo "$out"; return 1; }
	echo "$out"
	[ "$out" = "status $want 64" ]
}
tap_check "64 pipelined HEADs of distinct files: 64 x 200" pipelined 200 --method HEAD
tap_check "64 pipelined GETs of distinct files: 64 x 200, byte-exact" \
	pipelined 200 --method GET --root "$ROOT"
tap_check "64 pipelined 'Range: bytes=0-0': 64 x 206, byte-exact" \
	pipelined 206 --method GET --range bytes=0-0 --root "$ROOT"
tap_check "the same again, HEAD after the GETs: 64 x 200" pipelined 200 --method HEAD

responsive() {
	local got want
	got=$(tb_cli curl -sS --fail --max-time 20 "http://$TB_SRV_IP4/big/f7.bin" |
		sha256sum | cut -d' ' -f1) || return 1
	want=$(sha256sum "$ROOT/big/f7.bin" | cut -d' ' -f1)
	[ "$got" = "$want" ]
}
tap_check "the daemon still answers a plain curl afterwards" responsive

tap_check "SIGTERM: clean exit, every frame back with its owner" xd_stop_clean
tap_done
