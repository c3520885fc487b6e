# shellcheck shell=bash
# nspawn.sh — a Debian 12 container booted with its own systemd, for the
# end-to-end test of the unit (sourced after testbed.sh). This machine's
# PID 1 need not be systemd: systemd-nspawn boots one inside.
#
#   ns_root_cached          print the cached debootstrap root (building it,
#                           about 40 s and network, when missing); 1 on failure
#   ns_root_prepare ROOT    a writable copy of ROOT for this run (overlayfs,
#                           else cp -a) in $NS_ROOT; undone at cleanup
#   ns_boot NETNS           boot $NS_ROOT in network namespace NETNS; sets
#                           NS_PID (the container's systemd) once it runs
#   ns_run CMD...           run CMD inside the container (nsenter)
#   ns_wait_running [SECONDS]  systemd inside reports running or degraded
#   ns_poweroff             stop the container (bounded), then kill it
#
# The cache is /var/cache/xdpserve-test/bookworm-HASH (XDPSERVE_NSPAWN_CACHE
# overrides the directory); HASH covers the suite, the mirror and the
# package list, so changing any of them builds a new root. The runtime
# libraries of the package are in that list, so installing the .deb needs
# no network; a newer dependency falls back to apt-get inside.

NS_SUITE=bookworm
NS_MIRROR=${XDPSERVE_NSPAWN_MIRROR:-http://deb.debian.org/debian}
NS_INCLUDE=systemd,systemd-sysv,dbus,iproute2,procps,libbpf1,libxdp1,liburing2,libsystemd0,libinih1,libcap-ng0,libjson-c5,libmicrohttpd12
NS_CACHE=${XDPSERVE_NSPAWN_CACHE:-/var/cache/xdpserve-test}
NS_ROOT=
NS_PID=
NS_MACHINE=
NS_BOOT_PID=

ns_root_cached() {
	local hash dir tmp old
	hash=$(printf '%s %s %s\n' "$NS_SUITE" "$NS_MIRROR" "$NS_INCLUDE" | sha256sum | cut -c1-12)
	dir=$NS_CACHE/$NS_SUITE-$hash
	mkdir -p "$NS_CACHE" || return 1
	(
		# One builder at a time; a second run waits for the first.
		flock 9 || exit 1
		[ -x "$dir/bin/systemctl" ] && exit 0
		tmp=$dir.tmp.$$
		rm -rf "$tmp"
		debootstrap --variant=minbase --include="$NS_INCLUDE" "$NS_SUITE" "$tmp" \
			"$NS_MIRROR" >"$NS_CACHE/debootstrap.log" 2>&1 || {
			tail -20 "$NS_CACHE/debootstrap.log" >&2
			rm -rf "$tmp"
			exit 1
		}
		# Nothing in the container needs a login or the network to boot.
		chroot "$tmp" systemctl mask -q console-getty.service getty@.service \
			systemd-networkd-wait-online.service systemd-timesyncd.service \
			apt-daily.timer apt-daily-upgrade.timer 2>/dev/null
		rm -f "$tmp/etc/machine-id" && : >"$tmp/etc/machine-id"
		mv "$tmp" "$dir" || exit 1
		# Roots for other package lists are stale now (a few hundred MB each).
		for old in "$NS_CACHE/$NS_SUITE"-*; do
			[ "$old" = "$dir" ] || rm -rf "$old"
		done
	) 9>"$NS_CACHE/.lock" || return 1
	echo "$dir"
}

ns_root_prepare() {
	local lower=$1 d=$TB_DIR/nspawn
	mkdir -p "$d/upper" "$d/work" "$d/root" || return 1
	if mount -t overlay overlay -o "lowerdir=$lower,upperdir=$d/upper,workdir=$d/work" \
		"$d/root" 2>/dev/null; then
		TB_MOUNTS+=("$d/root")
	else
		rmdir "$d/root" && cp -a "$lower" "$d/root" || return 1
	fi
	NS_ROOT=$d/root
}

ns_boot() {
	local netns=$1 i c
	NS_MACHINE=xdps-$TB_ID
	# nspawn wants /run/systemd/nspawn on a tmpfs it may write (this VM's /run is not one).
	if ! mountpoint -q /run/systemd/nspawn; then
		mkdir -p /run/systemd/nspawn && mount -t tmpfs -o mode=0755 tmpfs /run/systemd/nspawn ||
			return 1
		TB_MOUNTS+=(/run/systemd/nspawn)
	fi
	# --system-call-filter=bpf: nspawn's own seccomp filter refuses bpf()
	# otherwise and XDP attach fails with EPERM. --register=no and
	# --keep-unit: no machined or systemd outside to register with.
	systemd-nspawn --quiet --register=no --keep-unit -M "$NS_MACHINE" -D "$NS_ROOT" \
		--capability=all --system-call-filter=bpf \
		--network-namespace-path="/run/netns/$netns" -b \
		>"$TB_DIR/nspawn.log" 2>&1 </dev/null &
	NS_BOOT_PID=$!
	TB_PIDS+=("$NS_BOOT_PID")
	# The container's PID 1 is the child of nspawn that runs systemd (an
	# intermediate child comes and goes first).
	for i in $(seq 150); do
		for c in $(pgrep -P "$NS_BOOT_PID" 2>/dev/null); do
			[ "$(cat "/proc/$c/comm" 2>/dev/null)" = systemd ] || continue
			NS_PID=$c
			return 0
		done
		kill -0 "$NS_BOOT_PID" 2>/dev/null || break
		sleep 0.1
	done
	return 1
}

ns_run() {
	nsenter -a -t "$NS_PID" "$@"
}

ns__running() {
	local s
	s=$(ns_run systemctl is-system-running 2>/dev/null)
	[ "$s" = running ] || [ "$s" = degraded ]
}

ns_wait_running() {
	tb_wait "${1:-60}" ns__running
}

ns_poweroff() {
	[ -n "$NS_BOOT_PID" ] || return 0
	ns_run systemctl poweroff --no-block >/dev/null 2>&1
	tb_wait 20 bash -c "! kill -0 $NS_BOOT_PID" || kill -KILL "$NS_BOOT_PID" 2>/dev/null
	wait "$NS_BOOT_PID" 2>/dev/null
	NS_BOOT_PID=
}
