#!/usr/bin/env bash
# disk.sh — no disk call runs on the worker: a slow or failing file system
# (tests/helpers/slowfs.py, FUSE) makes only the requests for its files
# slow or 500 while everyone else is served; FIFOs and device nodes under
# the root are refused without being opened; a flood of requests for
# missing paths costs one disk call per path, not one per request.
. "$(dirname "$0")/../helpers/testbed.sh"
# shellcheck source=tests/helpers/daemon.sh
. "$(dirname "$0")/../helpers/daemon.sh"

tb_init
tb_require_root
tb_require_cmd ip ethtool curl sha256sum fusermount
[ -e /dev/fuse ] || tap_skip_all "no /dev/fuse"
/usr/bin/python3 -c 'import fusepy' 2>/dev/null || tap_skip_all "python3-fusepy is not installed"
tb_require_file "$XDPSERVE_BUILDDIR/xdpserved" "$TB_BPF_OBJ"
tb_setup

DELAY=6 # seconds a slow FUSE call sleeps: far above any answer from memory
ROOT=$TB_DIR/root
BACKING=$TB_DIR/backing
mkdir -p "$ROOT/fuse" "$BACKING"
echo "hello from the root" >"$ROOT/ok.txt"
mkfifo "$ROOT/fifo"
mknod "$ROOT/null" c 1 3
for f in ok slow-open slow-read fail-open fail-read; do
	head -c 300000 /dev/urandom >"$BACKING/$f.bin"
done
URL=http://$TB_SRV_IP4

# The FUSE process runs in this mount namespace, so the daemon's
# `ip netns exec` (which copies it) sees the mount.
/usr/bin/python3 "$TB_HELPERS/slowfs.py" "$BACKING" "$ROOT/fuse" "$DELAY" \
	>"$TB_DIR/slowfs.log" 2>&1 &
TB_PIDS+=($!)
TB_MOUNTS+=("$ROOT/fuse")
tap_check "the FUSE file system mounts" tb_wait 10 test -e "$ROOT/fuse/ok.bin"

start_daemon() {
	xd_start xdpserved --cache-size 64M --max-conns 1024 --negative-ttl-ms 600000
}
tap_check "xdpserved starts" start_daemon

status_of() { # PATH: the status code of a GET
	tb_cli curl -sS -o /dev/null -m 20 -w '%{http_code}' "$URL$1"
}
expect_status() { # CODE PATH
	local got
	got=$(status_of "$2")
	echo "GET $2: $got"
	[ "$got" = "$1" ]
}
same_as() { # PATH FILE
	tb_cli curl -sS -m 30 "$URL$1" | sha256sum | cut -d' ' -f1 >"$TB_DIR/got.sum"
	[ "$(cat "$TB_DIR/got.sum")" = "$(sha256sum <"$2" | cut -d' ' -f1)" ]
}

tap_check "a file on the FUSE file system is served byte-exact" \
	same_as /fuse/ok.bin "$BACKING/ok.bin"
tap_check "a FIFO under the root is 403, and the daemon does not hang on it" \
	expect_status 403 /fifo
tap_check "a device node under the root is 403" expect_status 403 /null
tap_check "a file whose open fails is 500" expect_status 500 /fuse/fail-open.bin
tap_check "a file whose reads fail is 500" expect_status 500 /fuse/fail-read.bin
tap_check "a failed load is tried again, not remembered as content" \
	expect_status 500 /fuse/fail-read.bin

# Slow files in the background; everyone else must be served meanwhile.
slow_disk_stalls_nobody() {
	local pids=() p ok=0 t0=$SECONDS
	for p in /fuse/slow-open.bin /fuse/slow-read.bin; do
		tb_cli curl -sS -m 60 -o "$TB_DIR/$(basename "$p")" "$URL$p" &
		pids+=($!)
	done
	sleep 0.3
	# One client process, 20 requests: little for a loaded machine to delay.
	ok=$(tb_cli curl -sS -m 20 -o /dev/null -w '%{http_code}\n' \
		$(for i in $(seq 20); do echo "$URL/ok.txt"; done) | grep -c '^200$')
	echo "fast answers: $ok of 20 in $((SECONDS - t0)) s"
	# Every fast answer came while the slow ones were still on the disk.
	for p in "${pids[@]}"; do
		kill -0 "$p" 2>/dev/null || {
			echo "a slow download ended first"
			ls -l "$TB_DIR"/slow-*.bin
			grep -E 'slow|error|warn' "$LOG" | tail -5
			return 1
		}
	done
	for p in "${pids[@]}"; do
		wait "$p" || return 1
	done
	[ "$ok" = 20 ] &&
		cmp "$TB_DIR/slow-open.bin" "$BACKING/slow-open.bin" &&
		cmp "$TB_DIR/slow-read.bin" "$BACKING/slow-read.bin"
}
tap_check "a slow disk delays only its own files; they still arrive byte-exact" \
	slow_disk_stalls_nobody

# The disk line of the SIGUSR1 dump: "opens N, statx N, ... negative cache N".
disk_counter() { # FIELD-REGEX
	kill -USR1 "$DAEMON"
	sleep 0.5
	grep ' disk: ' "$LOG" | tail -1 | sed -n "s/.*$1 \([0-9]*\).*/\1/p"
}

# 20 000 requests over 2 000 missing paths, on keep-alive connections,
# while another client fetches a real file every 100 ms. A request for a
# path whose first look is still on the disk waits for that one, so the
# negative cache answers most, not all, of the other 18 000.
missing_flood() {
	local opens0 opens1 neg0 neg1 i j n404 probe floods=()
	opens0=$(disk_counter 'opens')
	neg0=$(disk_counter 'negative cache')
	for j in 0 1 2 3; do
		for i in $(seq $((j * 5000)) $((j * 5000 + 4999))); do
			echo "url = \"$URL/missing/$((i % 2000)).html\""
			echo 'output = "/dev/null"'
		done >"$TB_DIR/urls.$j"
	done
	(
		while [ ! -e "$TB_DIR/flood.done" ]; do
			status_of /ok.txt
			echo
			sleep 0.1
		done
	) >"$TB_DIR/probe.out" &
	probe=$!
	for j in 0 1 2 3; do
		tb_cli curl -s -m 120 -w '%{http_code}\n' -K "$TB_DIR/urls.$j" >"$TB_DIR/flood.$j" &
		floods+=($!)
	done
	wait "${floods[@]}"
	touch "$TB_DIR/flood.done"
	wait "$probe"
	n404=$(cat "$TB_DIR"/flood.? | grep -c '^404$')
	opens1=$(disk_counter 'opens')
	neg1=$(disk_counter 'negative cache')
	echo "404s: $n404 of 20000; opens: $((opens1 - opens0)); from the negative cache: $((neg1 - neg0))"
	echo "probe: $(grep -c '^200$' "$TB_DIR/probe.out") of $(grep -c . "$TB_DIR/probe.out") answered 200"
	[ "$n404" = 20000 ] &&
		[ $((opens1 - opens0)) -le 2100 ] &&
		[ $((neg1 - neg0)) -ge 15000 ] &&
		[ "$(grep -c . "$TB_DIR/probe.out")" -ge 1 ] &&
		! grep -qv '^200$' "$TB_DIR/probe.out"
}
tap_check "20 000 requests for 2 000 missing paths: about one disk call per path, others served" \
	missing_flood

tap_check "SIGTERM: clean exit, every frame back with its owner" xd_stop_clean
tap_done
