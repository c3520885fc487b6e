#!/usr/bin/env bash
# daemon_errors.sh — xdpserved's fatal set-up problems: each prints one
# line that says what to do and exits non-zero, and leaves nothing
# attached behind.
. "$(dirname "$0")/../helpers/testbed.sh"

tb_init
tb_require_root
tb_require_cmd ip ethtool setpriv
tb_require_file "$XDPSERVE_BUILDDIR/xdpserved" "$TB_BPF_OBJ"
tb_setup

ROOT=$TB_DIR/root
mkdir -p "$ROOT"

# expect_fail REGEX ARGS...: xdpserved exits non-zero and says REGEX.
expect_fail() {
	local want=$1 out status
	shift
	out=$(tb_srv timeout 20 "$XDPSERVE_BUILDDIR/xdpserved" --bpf-obj "$TB_BPF_OBJ" "$@" 2>&1)
	status=$?
	echo "exit $status: $out"
	[ "$status" -ne 0 ] && [ "$status" -ne 124 ] && grep -Eq -- "$want" <<<"$out"
}
base=(--addr "$TB_SRV_IP4:80")

tap_check "no such interface" \
	expect_fail 'no such interface eth9' --iface eth9 "${base[@]}" --root "$ROOT"
tap_check "missing document root" \
	expect_fail "document root $ROOT/nope: No such file" \
	--iface "$TB_SRV_IF" "${base[@]}" --root "$ROOT/nope"
tap_check "a bad endpoint" \
	expect_fail 'is not an endpoint' --iface "$TB_SRV_IF" --addr 198.18.0.1 --root "$ROOT"
tap_check "missing required options" expect_fail 'nothing to serve' --iface "$TB_SRV_IF"
tap_check "a cache bigger than the machine's memory" \
	expect_fail "--cache-size: .* is more than half of this machine's memory" \
	--iface "$TB_SRV_IF" "${base[@]}" --root "$ROOT" --cache-size 100000G
tap_check "more queues than the interface has" \
	expect_fail 'RX queue.* but queues asks for 4' \
	--iface "$TB_SRV_IF" "${base[@]}" --root "$ROOT" --queues 4
# Loopback has no native XDP (and a 64 KiB MTU, which a frame cannot hold).
tb_srv ip link set dev lo mtu 1500
tap_check "native XDP refused says to use skb mode" \
	expect_fail 'native mode failed \(Operation not supported\).*use --mode skb' \
	--iface lo --addr 127.0.0.1:80 --root "$ROOT" --mode native
tap_check "the steering program is not left attached after a failure" \
	bash -c "! ip netns exec '$TB_NS_SRV' ip link show dev '$TB_SRV_IF' | grep -q 'prog/xdp'"

# Without CAP_IPC_LOCK (and CAP_SYS_RESOURCE to raise it), the UMEM is
# charged to RLIMIT_MEMLOCK, which 64 KiB cannot hold.
memlock() {
	local out status
	out=$(tb_srv bash -c "ulimit -l 64; exec setpriv --inh-caps=-ipc_lock,-sys_resource \
		--bounding-set=-ipc_lock,-sys_resource timeout 20 '$XDPSERVE_BUILDDIR/xdpserved' \
		--bpf-obj '$TB_BPF_OBJ' --iface '$TB_SRV_IF' --addr '$TB_SRV_IP4:80' \
		--root '$ROOT' --cache-size 16M" 2>&1)
	status=$?
	echo "exit $status: $out"
	[ "$status" -ne 0 ] && grep -q 'RLIMIT_MEMLOCK too low (64 KiB).*LimitMEMLOCK=infinity' <<<"$out"
}
tap_check "RLIMIT_MEMLOCK too low says LimitMEMLOCK=infinity" memlock
tap_check "nothing left attached after the memlock failure" \
	bash -c "! ip netns exec '$TB_NS_SRV' ip link show dev '$TB_SRV_IF' | grep -q 'prog/xdp'"
tap_done
