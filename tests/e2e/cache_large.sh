#!/usr/bin/env bash
# cache_large.sh — files far larger than the cache stream through it in
# chunks: a 2 GiB file of random bytes through a 64 MiB cache, two whole
# downloads at once and a range from the middle, all sha256-exact, while
# the daemon's resident memory stays under the budget plus a fixed
# overhead; and a file renamed over during a download gives the client one
# version whole (or a closed connection), never a mix.
#
# Under the sanitizer build (detected from the binary, or XDPSERVE_SANITIZE=1)
# the big file is 512 MiB and the memory bound is not checked (ASan's shadow
# memory and quarantine are not ours).
. "$(dirname "$0")/../helpers/testbed.sh"
. "$(dirname "$0")/../helpers/daemon.sh"

tb_init
tb_require_root
tb_require_cmd ip ethtool curl sha256sum openssl ps
tb_require_file "$XDPSERVE_BUILDDIR/xdpserved" "$TB_BPF_OBJ"
tb_setup

SAN=${XDPSERVE_SANITIZE:-0}
ldd "$XDPSERVE_BUILDDIR/xdpserved" 2>/dev/null | grep -q libasan && SAN=1
BIG_MIB=2048
[ "$SAN" = 1 ] && BIG_MIB=512
CACHE_MIB=64
# What the daemon holds besides the cache: the UMEM's RX and TX frames
# (6144 x 4 KiB = 24 MiB, touched as traffic flows), the per-connection
# receive and copy buffers actually used, the BPF objects, libraries and
# stacks. Measured near 40 MiB on this bed; 64 MiB leaves room.
OVERHEAD_MIB=64

ROOT=$TB_DIR/root
LOG=$TB_DIR/xdpserved.log
mkdir -p "$ROOT"
mount -t tmpfs -o size=$((BIG_MIB * 2 + 1024))m tmpfs "$ROOT" || tap_bail "cannot mount a tmpfs"
TB_MOUNTS+=("$ROOT")
# random_file PATH MIB: AES-CTR of zeros, seeded afresh: random enough, at GB/s.
random_file() {
	openssl enc -aes-128-ctr -nosalt -pass "pass:$RANDOM$RANDOM$1" -pbkdf2 </dev/zero 2>/dev/null |
		head -c $(($2 << 20)) >"$1"
	[ "$(stat -c %s "$1")" -eq $(($2 << 20)) ]
}
random_file "$ROOT/big.bin" "$BIG_MIB" || tap_bail "cannot write the big file"
BIG_SHA=$(sha256sum "$ROOT/big.bin" | cut -d' ' -f1)
# Two versions of a 256 MiB file for the replacement.
random_file "$ROOT/v.bin" 256 && random_file "$ROOT/v.next" 256 ||
	tap_bail "cannot write the versions"
V1_SHA=$(sha256sum "$ROOT/v.bin" | cut -d' ' -f1)
V2_SHA=$(sha256sum "$ROOT/v.next" | cut -d' ' -f1)

start_daemon() {
	xd_start xdpserved --cache-size ${CACHE_MIB}M --max-conns 256 --drain-ms 2000
}
tap_check "xdpserved starts with a $CACHE_MIB MiB cache" start_daemon
# The daemon itself (ip netns exec may stay its parent).
XPID=$(pgrep -P "$DAEMON" -x xdpserved || echo "$DAEMON")

url() { echo "http://$TB_SRV_IP4/$1"; }

# Sample the daemon's RSS (KiB) every 0.2 s into $TB_DIR/rss until told to stop.
sample_rss() {
	while [ ! -e "$TB_DIR/rss.stop" ]; do
		ps -o rss= -p "$XPID" >>"$TB_DIR/rss" 2>/dev/null || break
		sleep 0.2
	done
}

two_downloads_and_a_range() {
	local a b r mid=$(((BIG_MIB / 2) << 20)) len=$((8 << 20)) want_r
	sample_rss &
	local sampler=$!
	tb_cli curl -sS --fail --max-time 300 -o "$TB_DIR/dl1" -w '%{speed_download}\n' "$(url big.bin)" >"$TB_DIR/speed" &
	a=$!
	tb_cli curl -sS --fail --max-time 300 -o "$TB_DIR/dl2" "$(url big.bin)" &
	b=$!
	tb_cli curl -sS --fail --max-time 300 -r "$mid-$((mid + len - 1))" -o "$TB_DIR/dl3" \
		"$(url big.bin)" || r=1
	wait "$a" || r=1
	wait "$b" || r=1
	touch "$TB_DIR/rss.stop"
	wait "$sampler"
	[ -z "${r:-}" ] || { echo "a download failed"; return 1; }
	want_r=$(tail -c +$((mid + 1)) "$ROOT/big.bin" | head -c "$len" | sha256sum | cut -d' ' -f1)
	[ "$(sha256sum <"$TB_DIR/dl1" | cut -d' ' -f1)" = "$BIG_SHA" ] || { echo "dl1 differs"; return 1; }
	[ "$(sha256sum <"$TB_DIR/dl2" | cut -d' ' -f1)" = "$BIG_SHA" ] || { echo "dl2 differs"; return 1; }
	[ "$(sha256sum <"$TB_DIR/dl3" | cut -d' ' -f1)" = "$want_r" ] || { echo "range differs"; return 1; }
	rm -f "$TB_DIR/dl1" "$TB_DIR/dl2" "$TB_DIR/dl3"
}
T0=$SECONDS
tap_check "a $BIG_MIB MiB file, two downloads at once and a middle range: sha256-exact" \
	two_downloads_and_a_range
tap_diag "downloads and checks took $((SECONDS - T0)) s;" \
	"one download ran at $(($(cut -d. -f1 "$TB_DIR/speed" 2>/dev/null || echo 0) >> 20)) MiB/s"

rss_bounded() {
	local max
	max=$(sort -n "$TB_DIR/rss" | tail -1)
	echo "max RSS $((max / 1024)) MiB over $(wc -l <"$TB_DIR/rss") samples;" \
		"bound $((CACHE_MIB + OVERHEAD_MIB)) MiB"
	[ -n "$max" ] && [ "$max" -le $(((CACHE_MIB + OVERHEAD_MIB) << 10)) ]
}
if [ "$SAN" = 1 ]; then
	tap_skip "RSS stays under the cache budget plus $OVERHEAD_MIB MiB" "sanitizer build"
else
	tap_check "RSS stays under the cache budget plus $OVERHEAD_MIB MiB" rss_bounded
	tap_diag "max RSS $(($(sort -n "$TB_DIR/rss" | tail -1) / 1024)) MiB"
fi

stats_say_chunks() {
	kill -USR1 "$XPID"
	tb_wait_log "$LOG" 'cache: objects' 5 || return 1
	grep 'cache: objects' "$LOG" | tail -1
	grep 'cache: objects' "$LOG" | tail -1 | grep -q 'wait timeouts (503) 0,'
}
tap_check "SIGUSR1: cache counters, no request gave up waiting" stats_say_chunks

# A slow download (1 MiB/s would take minutes; 32 MiB/s about 8 s) while the
# path is renamed over: the body is one version whole, or the transfer fails.
replaced_during_download() {
	local got status
	tb_cli curl -sS --fail --max-time 120 --limit-rate 32M -o "$TB_DIR/vdl" "$(url v.bin)" &
	local pid=$!
	sleep 1.5
	mv "$ROOT/v.next" "$ROOT/v.bin"
	wait "$pid"
	status=$?
	got=$(sha256sum <"$TB_DIR/vdl" | cut -d' ' -f1)
	echo "curl exit $status, sha256 $got (old $V1_SHA, new $V2_SHA)"
	if [ "$status" -eq 0 ]; then
		[ "$got" = "$V1_SHA" ] || [ "$got" = "$V2_SHA" ]
	else
		[ "$got" != "$V2_SHA" ] # cut short, never completed from the other version
	fi
}
tap_check "a file renamed over during its download: one version whole" replaced_during_download

is_new_version() {
	[ "$(tb_cli curl -sS --fail --max-time 60 "$(url v.bin)" | sha256sum | cut -d' ' -f1)" = "$V2_SHA" ]
}
# Revalidation looks at the path at most once a second, in the background:
# the request that starts the look is still served the cached version.
tap_check "after the rename a new request gets the new version" tb_wait 20 is_new_version

tap_check "SIGTERM: clean exit, every frame back with its owner" xd_stop_clean
tap_done
