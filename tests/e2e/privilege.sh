#!/usr/bin/env bash
# privilege.sh — least privilege after set-up: started as root, the daemon's
# worker threads read files as the configured user (the default: xdpserve
# where the package created it, else "nobody") and hold no capability, so a
# mode-000 file and another user's 0600 file are 403 while a file only that
# user may read is 200; the main thread keeps only what detaching needs.
. "$(dirname "$0")/../helpers/testbed.sh"
. "$(dirname "$0")/../helpers/daemon.sh"

tb_init
tb_require_root
tb_require_cmd ip ethtool curl getent
tb_require_file "$XDPSERVE_BUILDDIR/xdpserved" "$TB_BPF_OBJ"
# The default user: xdpserve where the package created it, else nobody.
WORKER_USER=nobody
getent passwd xdpserve >/dev/null && WORKER_USER=xdpserve
getent passwd "$WORKER_USER" >/dev/null || tap_skip_all "no user $WORKER_USER"
tb_setup

WORKER_UID=$(id -u "$WORKER_USER")
WORKER_GID=$(id -g "$WORKER_USER")
WORKER_GROUPS=$(id -G "$WORKER_USER" | tr ' ' '\n' | sort -n | xargs)
OTHER_UID=$((WORKER_UID + 7)) # neither root nor the worker user; need not exist
ROOT=$TB_DIR/root
mkdir -p "$ROOT/dir"
echo public >"$ROOT/public.txt"
echo secret >"$ROOT/mode000.txt" && chmod 000 "$ROOT/mode000.txt"
echo other >"$ROOT/other0600.txt" && chown "$OTHER_UID" "$ROOT/other0600.txt" &&
	chmod 600 "$ROOT/other0600.txt"
echo mine >"$ROOT/user0600.txt" && chown "$WORKER_USER" "$ROOT/user0600.txt" &&
	chmod 600 "$ROOT/user0600.txt"
echo closed >"$ROOT/dir/inside.txt" && chmod 700 "$ROOT/dir"

tap_check "xdpserved starts as root" xd_start xdpserved --queues 1 --access-log "$TB_DIR/access.log"
tap_check "it says the workers read files as $WORKER_USER" \
	grep -q "workers read files as $WORKER_USER (uid $WORKER_UID, gid $WORKER_GID)" "$LOG"

status_of() { # status_of PATH WANT
	local got
	got=$(tb_cli curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://$TB_SRV_IP4/$1")
	echo "$1: $got, want $2"
	[ "$got" = "$2" ]
}
tap_check "a world-readable file is 200" status_of public.txt 200
tap_check "a mode-000 file is 403 (root could read it)" status_of mode000.txt 403
tap_check "another user's 0600 file is 403" status_of other0600.txt 403
tap_check "the configured user's own 0600 file is 200" status_of user0600.txt 200
tap_check "a file in a directory only root may enter is 403" status_of dir/inside.txt 403
tap_check "a mode-000 file is still 403 when asked again" status_of mode000.txt 403

# Each worker thread (named xdpserve-qN): no capabilities, fsuid/fsgid the user's.
workers_dropped() {
	local st n=0 name capeff fsuid fsgid
	for st in /proc/"$DAEMON"/task/*/status; do
		name=$(sed -n 's/^Name:\t//p' "$st")
		case $name in xdpserve-q*) ;; *) continue ;; esac
		capeff=$(sed -n 's/^CapEff:\t//p' "$st")
		fsuid=$(awk '/^Uid:/ {print $5}' "$st")
		fsgid=$(awk '/^Gid:/ {print $5}' "$st")
		groups=$(sed -n 's/^Groups:\t*//p' "$st" | xargs)
		echo "$name: CapEff $capeff fsuid $fsuid fsgid $fsgid groups $groups"
		[ "$capeff" = 0000000000000000 ] && [ "$fsuid" = "$WORKER_UID" ] &&
			[ "$fsgid" = "$WORKER_GID" ] && [ "$groups" = "$WORKER_GROUPS" ] || return 1
		n=$((n + 1))
	done
	[ "$n" -ge 1 ]
}
tap_check "every worker thread has CapEff 0 and fsuid, fsgid and groups of $WORKER_USER" workers_dropped
tap_check "the main thread keeps root's groups" \
	bash -c "grep -q '^Groups:.*\b0\b' /proc/$DAEMON/status || grep -q '^Groups:\s*$' /proc/$DAEMON/status"

# The opens above went through the worker's io_uring (its "opens" counter),
# so the 403s show io_uring checking them as the worker's fsuid.
uring_opened() {
	kill -USR1 "$DAEMON"
	sleep 0.3
	grep 'disk: opens' "$LOG" | tail -1
	[ "$(grep 'disk: opens' "$LOG" | tail -1 | sed -n 's/.*opens \([0-9]*\),.*/\1/p')" -ge 1 ]
}
tap_check "the files were opened through io_uring" uring_opened
# Every thread but the main one (io_uring's iou-wrk threads, the access
# log thread) has no capabilities either.
others_dropped() {
	local st
	for st in /proc/"$DAEMON"/task/*/status; do
		[ "$st" = "/proc/$DAEMON/task/$DAEMON/status" ] && continue
		sed -n 's/^Name:\t//p' "$st" | tr '\n' ' '
		grep '^CapEff:' "$st"
		grep -q '^CapEff:.0000000000000000$' "$st" || return 1
	done
}
tap_check "every other thread has CapEff 0 too" others_dropped
tap_diag "threads: $(cat /proc/"$DAEMON"/task/*/comm | sort | uniq -c | tr -s ' \n' ' ')"

# The main thread: CAP_NET_ADMIN (12), CAP_SYS_ADMIN (21), CAP_PERFMON (38),
# CAP_BPF (39) and nothing else; its file-system identity stays root's.
main_kept() {
	local capeff
	capeff=$(sed -n 's/^CapEff:\t//p' "/proc/$DAEMON/status")
	echo "main thread CapEff $capeff"
	[ "$capeff" = 000000c000201000 ]
}
tap_check "the main thread keeps CAP_NET_ADMIN CAP_SYS_ADMIN CAP_PERFMON CAP_BPF only" main_kept
tap_check "every thread has NoNewPrivs" \
	bash -c "! grep -h '^NoNewPrivs:' /proc/$DAEMON/task/*/status | grep -qv '1\$'"
tap_check "it still stops cleanly, detaching" xd_stop_clean
tap_check "and said it detached" grep -q "detached" "$LOG"

unknown_user() {
	local out status
	out=$(tb_srv timeout 20 "$XDPSERVE_BUILDDIR/xdpserved" --iface "$TB_SRV_IF" \
		--addr "$TB_SRV_IP4:80" --root "$ROOT" --bpf-obj "$TB_BPF_OBJ" --user no-such-user-7 2>&1)
	status=$?
	echo "exit $status: $out"
	[ "$status" -ne 0 ] && grep -q -- "--user no-such-user-7: no such user" <<<"$out" &&
		! grep -q 'attached' <<<"$out"
}
tap_check "an unknown --user is refused before anything is attached" unknown_user
tap_check "--user root starts, with a warning" xd_start asroot --user root
tap_check "(the warning)" grep -q "warning: --user root: workers read files as root" "$LOG"
tap_check "as root without capabilities a mode-000 file is still 403" status_of mode000.txt 403
tap_check "so is another user's 0600 file" status_of other0600.txt 403
tap_check "it stops cleanly" xd_stop_clean
tap_done
