#!/usr/bin/env bash
# systemd.sh — the Debian package and its unit under a real systemd: build
# the .deb, install it in a Debian 12 container booted by systemd-nspawn in
# the server namespace, and drive xdpserve@veth-srv with systemctl while a
# client namespace on the veth's peer fetches files: start, serve, reload
# under load (no failed request), stop (no XDP program left), SIGKILL and
# the restart Restart=on-failure makes; then --busy-poll with the drop-in
# docs/operations.md gives for the interrupt deferral (/sys is read-only to
# the daemon under the unit).
#
# scripts/test.sh runs it once (not in each build pass). By hand:
#   tests/e2e/systemd.sh            (builds the package from this tree)
#   XDPSERVE_DEB=path.deb tests/e2e/systemd.sh
# The container root is cached (tests/helpers/nspawn.sh); the first run
# debootstraps it (about a minute, network).
set -u
. "$(dirname "$0")/../helpers/testbed.sh"
. "$(dirname "$0")/../helpers/nspawn.sh"

tb_init
tb_require_root
tb_require_cmd systemd-nspawn systemd-escape debootstrap nsenter dpkg-buildpackage curl wrk pgrep

# The instance is the escaped interface name (a "-" is "\x2d"), as the
# device unit it binds to has it.
UNIT=xdpserve@$(systemd-escape "$TB_SRV_IF")
WWW=/srv/www

# The package, from a copy of the tree (dpkg-buildpackage writes next to it).
build_deb() {
	local src=$TB_DIR/deb/xdpserve
	mkdir -p "$src" || return 1
	if git -C "$XDPSERVE_SRCDIR" rev-parse 2>/dev/null; then
		git -C "$XDPSERVE_SRCDIR" ls-files -co --exclude-standard -z |
			(cd "$XDPSERVE_SRCDIR" && tar --null -T - -cf -) | tar -xf - -C "$src" || return 1
	else
		tar -C "$XDPSERVE_SRCDIR" --exclude='./_build*' --exclude=./autom4te.cache -cf - . |
			tar -xf - -C "$src" || return 1
	fi
	(cd "$src" && dpkg-buildpackage -us -uc -b >"$TB_DIR/deb.log" 2>&1) ||
		{ tail -30 "$TB_DIR/deb.log"; return 1; }
	DEB=$(ls "$TB_DIR"/deb/xdpserve_*.deb)
	[ -f "$DEB" ]
}

# Install it in the container's root (dpkg, no network: the cached root has
# the runtime libraries; a newer one comes from apt-get).
install_deb() {
	cp "$DEB" "$NS_ROOT/root/xdpserve.deb" || return 1
	chroot "$NS_ROOT" dpkg -i /root/xdpserve.deb && return 0
	chroot "$NS_ROOT" sh -c 'apt-get update -q && apt-get install -y -q -f'
}

# Content, the config, and the one change a container needs: no udev, so
# the device unit the vendor drop-in binds to never becomes active.
configure_container() {
	local d=$NS_ROOT/etc/systemd/system/$UNIT.service.d
	mkdir -p "$NS_ROOT$WWW/v2" "$NS_ROOT/etc/systemd/system/xdpserve@.service.d" "$d" || return 1
	head -c 100000 /dev/urandom >"$TB_DIR/file.bin" &&
		cp "$TB_DIR/file.bin" "$NS_ROOT$WWW/file.bin" &&
		echo "index one" >"$NS_ROOT$WWW/index.html" &&
		echo "index two" >"$NS_ROOT$WWW/other.html" &&
		echo "second root" >"$NS_ROOT$WWW/v2/index.html" || return 1
	ln -sf /dev/null "$NS_ROOT/etc/systemd/system/xdpserve@.service.d/device.conf" || return 1
	write_conf index.html
}

# write_conf INDEX [LINE]: the instance's config file, with INDEX as index
# name (and one more line).
write_conf() {
	cat >"$NS_ROOT/etc/xdpserve/$TB_SRV_IF.conf" <<-EOF
		# written by tests/e2e/systemd.sh
		addr = $TB_SRV_IP4:80
		root = $WWW
		index = $1
		queues = 1
		cache-size = 16M
		access-log = journal
		access-log-format = json
		${2:-}
	EOF
}

boot() {
	ns_boot "$TB_NS_SRV" || { tail -20 "$TB_DIR/nspawn.log"; return 1; }
	ns_wait_running 60 || { ns_run systemctl --failed --no-pager; return 1; }
	# The host's systemd mounts the BPF filesystem at boot; a container's
	# does not, and the unit may not mount (SystemCallFilter): do it here.
	ns_run mount -t bpf bpf /sys/fs/bpf
}

active() {
	[ "$(ns_run systemctl is-active "$UNIT")" = active ]
}

unit_status() {
	ns_run systemctl status --no-pager -n 30 "$UNIT"
}

# start_unit: systemctl start returns once READY=1 arrived (Type=notify).
start_unit() {
	ns_run timeout 60 systemctl start "$UNIT" || { unit_status; return 1; }
	active || { unit_status; return 1; }
}

fetch_file() {
	tb_cli curl -sS --max-time 10 -o "$TB_DIR/got.bin" "http://$TB_SRV_IP4/file.bin" &&
		cmp "$TB_DIR/file.bin" "$TB_DIR/got.bin"
}

# body PATH EXPECTED
body_is() {
	local got
	got=$(tb_cli curl -sS --max-time 10 "http://$TB_SRV_IP4$1") || return 1
	echo "GET $1: $got"
	[ "$got" = "$2" ]
}

# The access log's journal target: one JSON line per answer, with its own
# identifier, read back with journalctl inside the container.
access_in_journal() {
	body_is "/index.html?journal-probe" "index one" || return 1
	tb_wait 10 sh -c "nsenter -a -t '$NS_PID' journalctl --no-pager -o cat \
		-t xdpserve-access | grep -F '/index.html?journal-probe' | grep -q '\"status\": *200'" || {
		ns_run journalctl --no-pager -o cat -t xdpserve-access | tail -5
		return 1
	}
}

wait_serving() {
	tb_wait 20 fetch_file || { unit_status; return 1; }
	fetch_file
}

# Reload while wrk keeps 4 connections busy on the file: the unit stays
# active, and wrk saw no socket error and no non-2xx answer.
reload_under_load() {
	local out=$TB_DIR/wrk.log wrk_pid
	tb_bg_cli wrk wrk -t1 -c4 -d4s "http://$TB_SRV_IP4/file.bin"
	wrk_pid=$TB_LAST_PID
	sleep 1
	write_conf other.html
	ns_run systemctl reload "$UNIT" || { unit_status; return 1; }
	wait "$wrk_pid"
	cat "$out"
	grep -q 'Requests/sec' "$out" || return 1
	grep -E 'requests in|Requests/sec' "$out" | tr -s ' ' | paste -sd ';' >"$TB_DIR/wrk.txt"
	! grep -qE 'Socket errors|Non-2xx' "$out" || return 1
	active
}

# The reload read the changed file: "/" now answers with the new index name.
reload_applied() {
	tb_wait 10 body_is / "index two"
	body_is / "index two"
}

# A broken file: ExecStartPre (--check) fails the start with the file and
# line in the journal, before anything is attached.
bad_config_refused() {
	local conf=/etc/xdpserve/$TB_SRV_IF.conf
	printf 'addr = %s:80\nroot = %s\nno-such-key = 1\n' "$TB_SRV_IP4" "$WWW" \
		>"$NS_ROOT$conf"
	! ns_run timeout 60 systemctl start "$UNIT" || return 1
	! active || return 1
	ns_run journalctl --no-pager -u "$UNIT" | grep -F "$conf:3:" || return 1
	no_xdp_left
}

# The workers run as the user the package created, with no capabilities.
workers_unprivileged() {
	local pid uid t n=0
	pid=$(main_pid)
	uid=$(ns_run id -u xdpserve) || return 1
	for t in $(ns_run sh -c "ls -d /proc/$pid/task/*"); do
		ns_run grep -q '^Name:.*xdpserve-q' "$t/status" 2>/dev/null || continue
		ns_run grep -E '^(Name|Uid|CapEff)' "$t/status"
		ns_run grep -q '^CapEff:[[:space:]]*0000000000000000$' "$t/status" || return 1
		ns_run awk -v u="$uid" '$1 == "Uid:" && $5 != u { exit 1 }' "$t/status" || return 1
		n=$((n + 1))
	done
	[ "$n" -gt 0 ]
}

# The control socket: group xdpserve, mode 0660, and xdpservectl gets an
# answer through it inside the sandbox.
control_socket() {
	local sock=/run/xdpserve/$TB_SRV_IF.sock
	ns_run stat -c '%a %G' "$sock" || return 1
	[ "$(ns_run stat -c '%a %G' "$sock")" = "660 xdpserve" ] || return 1
	ns_run xdpservectl status "$TB_SRV_IF"
}

watchdog_stamp() {
	ns_run systemctl show -p WatchdogTimestampMonotonic --value "$UNIT"
}

watchdog__moved() {
	local now
	now=$(watchdog_stamp)
	[ -n "$now" ] && [ "$now" != 0 ] && [ "$now" != "$WD0" ]
}

# systemd saw a WATCHDOG=1 after the one it had at start (one every
# WatchdogSec/2 = 5 s).
watchdog_fed() {
	echo "WatchdogUSec $(ns_run systemctl show -p WatchdogUSec --value "$UNIT"), stamp $WD0"
	tb_wait 15 watchdog__moved && echo "then $(watchdog_stamp)"
}

no_xdp_left() {
	! ip -n "$TB_NS_SRV" link show dev "$TB_SRV_IF" | grep -q 'prog/xdp'
}

stop_unit() {
	ns_run timeout 60 systemctl stop "$UNIT" || return 1
	! active || return 1
	ip -n "$TB_NS_SRV" link show dev "$TB_SRV_IF"
	no_xdp_left
}

main_pid() {
	ns_run systemctl show -p MainPID --value "$UNIT"
}

restarted() {
	local pid
	pid=$(main_pid)
	active && [ -n "$pid" ] && [ "$pid" != 0 ] && [ "$pid" != "$1" ]
}

# SIGKILL the daemon: the unit fails and Restart=on-failure starts it again.
kill_restart() {
	local old n0 n1 t0
	old=$(main_pid)
	n0=$(ns_run systemctl show -p NRestarts --value "$UNIT")
	t0=$(date +%s%N)
	ns_run systemctl kill -s KILL "$UNIT" || return 1
	tb_wait 30 restarted "$old" || { unit_status; return 1; }
	n1=$(ns_run systemctl show -p NRestarts --value "$UNIT")
	echo "MainPID $old -> $(main_pid), NRestarts $n0 -> $n1," \
		"active again after $((($(date +%s%N) - t0) / 1000000)) ms" | tee "$TB_DIR/restart.txt"
	[ "$n1" -gt "$n0" ] && wait_serving
}

# --- --busy-poll under the unit ----------------------------------------------
knobs() { # the server veth's napi_defer_hard_irqs and gro_flush_timeout
	ns_run cat "/sys/class/net/$TB_SRV_IF/napi_defer_hard_irqs" \
		"/sys/class/net/$TB_SRV_IF/gro_flush_timeout" | paste -sd ' '
}

# The container's /sys is the host's, read-only, showing the host's
# interfaces (nspawn with a network namespace path). A sysfs mounted inside
# shows the container's own; its net directories go over /sys's, as the
# /sys of a machine the unit ran on would have them.
container_net_sysfs() {
	ns_run sh -c 'mkdir -p /run/netsys && mount -t sysfs sysfs /run/netsys &&
		mount --bind /run/netsys/class/net /sys/class/net &&
		mount --bind /run/netsys/devices/virtual/net /sys/devices/virtual/net' &&
		[ "$(knobs)" = "0 0" ]
}

# The drop-in of docs/operations.md, word for word: ExecStartPre=+ runs
# as root outside the sandbox, where /sys can be written.
busy_poll_dropin() {
	cat >"$NS_ROOT/etc/systemd/system/$UNIT.service.d/busy-poll.conf" <<-'EOF'
		[Service]
		ExecStartPre=+/bin/sh -c 'echo 2 >/sys/class/net/%I/napi_defer_hard_irqs; echo 200000 >/sys/class/net/%I/gro_flush_timeout'
	EOF
	ns_run systemctl daemon-reload
}

# Without it, the daemon cannot write /sys (ReadOnlyPaths=/sys) and says so.
deferral_refused() {
	local j
	j=$(ns_run journalctl --no-pager -o cat -u "$UNIT" --since "@$BP_T0")
	grep 'napi_defer_hard_irqs' <<<"$j"
	grep -q 'cannot write napi_defer_hard_irqs.*Read-only file system' <<<"$j" &&
		[ "$(knobs)" = "0 0" ]
}

# The deferral was set before the start and the daemon kept it, with no
# warning that it could not write it.
deferral_kept() {
	local j
	echo "knobs: $(knobs)"
	[ "$(knobs)" = "2 200000" ] || return 1
	j=$(ns_run journalctl --no-pager -o cat -u "$UNIT" --since "@$BP_T0")
	grep -E 'napi_defer_hard_irqs|busy poll' <<<"$j"
	grep -q 'are set already: kept' <<<"$j" && ! grep -q 'cannot write' <<<"$j"
}

# Served (a second of wrk, no error), and the worker's busy polls found
# frames (xdpservectl stats).
busy_polls_hit() {
	local hits out
	wait_serving || return 1
	out=$(tb_cli wrk -t1 -c4 -d1s "http://$TB_SRV_IP4/index.html") || return 1
	grep -E 'requests in' <<<"$out"
	! grep -qE 'Socket errors|Non-2xx' <<<"$out" || return 1
	hits=$(ns_run xdpservectl stats "$TB_SRV_IF" --json |
		grep -o '"busy_poll_hits": *[0-9]*' | grep -o '[0-9]*$')
	echo "busy_poll_hits ${hits:-none}"
	[ "${hits:-0}" -gt 0 ]
}

security_score() {
	ns_run systemd-analyze security --no-pager "$UNIT" | tail -1
}

on_exit() {
	local status=$?
	[ -n "$NS_BOOT_PID" ] && [ "$status" -ne 0 ] && [ -n "$NS_PID" ] &&
		ns_run journalctl --no-pager -n 40 -u "$UNIT" 2>/dev/null | tap_diag -
	ns_poweroff
	(exit "$status")
	tb_cleanup
}
trap on_exit EXIT

t0=$SECONDS
if [ -n "${XDPSERVE_DEB:-}" ]; then
	DEB=$XDPSERVE_DEB
	tb_require_file "$DEB"
	tap_ok "the package (given: $DEB)"
else
	tap_check "dpkg-buildpackage -us -uc -b builds the package" build_deb || tap_done
fi
tap_diag "package: $((SECONDS - t0)) s"

root=$(ns_root_cached) || tap_bail "no container root: debootstrap failed (see $NS_CACHE/debootstrap.log)"
tb_setup
ns_root_prepare "$root" || tap_bail "cannot copy the container root $root"
tap_check "the package installs in a Debian 12 root" install_deb || tap_done
configure_container || tap_bail "cannot write the content and config into the container"
# Only where the container cannot boot is this a skip: the rest of the test
# needs it.
if ! boot >"$TB_DIR/boot.log" 2>&1; then
	tail -20 "$TB_DIR/boot.log" "$TB_DIR/nspawn.log" | tap_diag -
	tap_skip "the container boots with systemd" "systemd-nspawn cannot boot a container here"
	tap_done
fi
tap_ok "the container boots with systemd ($((SECONDS - t0)) s so far)"

tap_check "systemctl start $UNIT (Type=notify, --check first)" start_unit
WD0=$(watchdog_stamp)
tap_check "the client fetches a file through it" wait_serving
tap_check "the index name is the configured one" body_is / "index one"
tap_check "access-log = journal: the answer is a JSON line in the journal" access_in_journal
tap_check "workers read files as the package's xdpserve user, no capabilities" \
	workers_unprivileged
tap_check "control socket: 0660, group xdpserve; xdpservectl status answers" control_socket
tap_check "systemctl reload under load: no failed request" reload_under_load
[ -f "$TB_DIR/wrk.txt" ] && tap_diag "wrk during the reload: $(cat "$TB_DIR/wrk.txt")"
tap_check "the reload applies a new index name" reload_applied
tap_check "the daemon feeds the systemd watchdog" watchdog_fed
tap_check "systemctl stop detaches: no XDP program left on $TB_SRV_IF" stop_unit
tap_check "a broken config fails the start at ExecStartPre, FILE:LINE in the journal" \
	bad_config_refused
write_conf index.html
ns_run systemctl reset-failed "$UNIT" >/dev/null 2>&1
tap_check "started again, it serves" start_unit
tap_check "... and serves again" wait_serving
tap_check "systemctl kill -s KILL: Restart=on-failure brings it back" kill_restart
[ -f "$TB_DIR/restart.txt" ] && tap_diag "$(cat "$TB_DIR/restart.txt")"
tap_check "systemctl stop after the restart detaches" stop_unit
container_net_sysfs || tap_bail "cannot show the container's interfaces in its /sys"
write_conf index.html "busy-poll = 50"
BP_T0=$(ns_run date +%s)
tap_check "busy-poll = 50 under the shipped unit: it starts" start_unit
tap_check "... and cannot set the interrupt deferral in the read-only /sys: it says so" \
	deferral_refused
tap_check "... and stops" stop_unit
busy_poll_dropin || tap_bail "cannot write the busy-poll drop-in"
sleep 1
BP_T0=$(ns_run date +%s)
tap_check "with the drop-in that sets the deferral first: it starts" start_unit
tap_check "... the deferral (2, 200000) was set before it, and it kept it" deferral_kept
tap_check "... it serves, and its busy polls find frames" busy_polls_hit
tap_check "... and stops, detaching" stop_unit
tap_diag "systemd-analyze security: $(security_score)"
tap_diag "total: $((SECONDS - t0)) s"
tap_done
