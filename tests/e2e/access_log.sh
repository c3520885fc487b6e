#!/usr/bin/env bash
# access_log.sh — the access log: off by default; with --access-log FILE
# --access-log-format json, N answers give N JSON lines (parsed with
# python's json) with the right status and bytes; after the file is moved
# away, SIGUSR2 makes the daemon reopen FILE and the next lines go there;
# the combined format gives one line per answer too.
. "$(dirname "$0")/../helpers/testbed.sh"
. "$(dirname "$0")/../helpers/daemon.sh"

tb_init
tb_require_root
tb_require_cmd ip ethtool curl
tb_require_file "$XDPSERVE_BUILDDIR/xdpserved" "$TB_BPF_OBJ" /usr/bin/python3
tb_setup

ROOT=$TB_DIR/root
mkdir -p "$ROOT"
head -c 1000 /dev/urandom >"$ROOT/k1.bin"
head -c 100000 /dev/urandom >"$ROOT/k100.bin"
ALOG=$TB_DIR/access.log

get() { tb_cli curl -s -o /dev/null -A "probe/1 \"x\"" -e "http://ref/" --max-time 5 "http://$TB_SRV_IP4/$1"; }

tap_check "xdpserved starts with --access-log FILE --access-log-format json" \
	xd_start first --access-log "$ALOG" --access-log-format json
for _ in $(seq 10); do get k1.bin; done
for _ in $(seq 5); do get k100.bin; done
for _ in $(seq 5); do get missing; done

check_json() { # check_json FILE LINES: every line JSON, statuses/bytes as sent
	/usr/bin/python3 - "$1" "$2" "$TB_CLI_IP4" <<'PY'
import json, sys
path, want, peer = sys.argv[1], int(sys.argv[2]), sys.argv[3]
recs = [json.loads(l) for l in open(path)]
print(f"{len(recs)} lines, want {want}")
assert len(recs) == want
seen = {}
for r in recs:
    assert r["remote_addr"] == peer, r
    assert r["method"] == "GET" and r["protocol"] == "HTTP/1.1", r
    assert r["user_agent"] == 'probe/1 "x"' and r["referer"] == "http://ref/", r
    seen.setdefault((r["target"], r["status"], r["bytes"]), 0)
    seen[(r["target"], r["status"], r["bytes"])] += 1
print(seen)
expect = {"/k1.bin": (200, 1000), "/k100.bin": (200, 100000)}
for (target, status, nbytes), n in seen.items():
    if target in expect:
        assert (status, nbytes) == expect[target], (target, status, nbytes)
    else:
        assert target == "/missing" and status == 404, (target, status)
PY
}
tap_check "20 answers give 20 JSON lines with the right status and bytes" \
	tb_wait 5 check_json "$ALOG" 20

mv "$ALOG" "$ALOG.1"
kill -USR2 "$DAEMON"
tap_check "SIGUSR2 reopens the file" tb_wait 5 grep -q 'access log .* reopened' "$LOG"
for _ in $(seq 3); do get k1.bin; done
tap_check "the next 3 answers go to the new file" tb_wait 5 check_json "$ALOG" 3
tap_check "the moved file kept its 20" check_json "$ALOG.1" 20
dropped_zero() {
	xd_dump >/dev/null
	grep 'access log: records' "$LOG" | tail -1
	grep 'access log: records' "$LOG" | tail -1 | grep -q 'records 23, dropped 0'
}
tap_check "SIGUSR1 counts 23 records, none dropped" dropped_zero
tap_check "it stops cleanly" xd_stop_clean

ALOG2=$TB_DIR/combined.log
tap_check "with --access-log-format combined" xd_start second --access-log "$ALOG2"
get k1.bin
get missing
combined_ok() {
	cat "$ALOG2"
	[ "$(wc -l <"$ALOG2")" = 2 ] &&
		grep -q "^$TB_CLI_IP4 - - \[.*\] \"GET /k1.bin HTTP/1.1\" 200 1000 \"http://ref/\" \"probe/1 \\\\x22x\\\\x22\"\$" "$ALOG2" &&
		grep -q "\"GET /missing HTTP/1.1\" 404 " "$ALOG2"
}
tap_check "two answers give two combined lines" tb_wait 5 combined_ok
tap_check "it stops cleanly" xd_stop_clean

tap_check "without --access-log no file is written" xd_start third
get k1.bin
tap_check "(nothing new appeared in the directory)" bash -c "[ \$(ls '$TB_DIR' | grep -c 'access\\|combined') = 3 ]"
tap_check "it stops cleanly" xd_stop_clean
tap_done
