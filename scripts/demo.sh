#!/usr/bin/env bash
# Build xdpserve and show it serving: two network namespaces joined by a
# veth pair (the test bed of the end-to-end tests), xdpserved attached to
# the server side serving a sample tree, curl fetching from the client
# side, then the steering program's and the daemon's counters.
# Installs missing dependencies first (Debian 12, as root). Leaves nothing
# behind: namespaces, mounts and processes go when it ends.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/install-deps.sh" test || exit 1
echo "== building"
"$top/scripts/build.sh" || exit 1

export XDPSERVE_SRCDIR=$top XDPSERVE_BUILDDIR=$top/_build
# shellcheck source=tests/helpers/testbed.sh
. "$top/tests/helpers/testbed.sh"
tb_init
[ "$(id -u)" -eq 0 ] || { echo "run as root: namespaces, XDP and AF_XDP need it" >&2; exit 1; }
tb_setup >/dev/null

root=$TB_DIR/www
mkdir -p "$root/assets"
cat >"$root/index.html" <<'HTML'
<!doctype html><title>xdpserve</title><h1>Served by xdpserve over AF_XDP</h1>
HTML
head -c 1048576 /dev/urandom >"$root/assets/blob-1M.bin"
echo "body { color: #333 }" >"$root/assets/site.css"

echo "== namespaces $TB_NS_SRV ($TB_SRV_IP4, $TB_SRV_IP6) <-> $TB_NS_CLI ($TB_CLI_IP4)"
tb_bg_srv xdpserved "$XDPSERVE_BUILDDIR/xdpserved" --iface "$TB_SRV_IF" \
	--addr "$TB_SRV_IP4:80" --addr "[$TB_SRV_IP6]:80" --root "$root" --cache-size 64M \
	--bpf-obj "$TB_BPF_OBJ"
daemon=$TB_LAST_PID
log=$TB_DIR/xdpserved.log
if ! tb_wait_log "$log" 'ready:' 15; then
	echo "xdpserved did not start:"; cat "$log"; exit 1
fi
sed 's/^/  xdpserved: /' "$log"

echo "== curl http://$TB_SRV_IP4/"
tb_cli curl -sS -i "http://$TB_SRV_IP4/" | sed 's/^/  /'
echo "== curl http://[$TB_SRV_IP6]/assets/site.css (IPv6)"
tb_cli curl -sS -i "http://[$TB_SRV_IP6]/assets/site.css" | sed 's/^/  /'
echo "== 1 MiB download, checked against the file"
got=$(tb_cli curl -sS "http://$TB_SRV_IP4/assets/blob-1M.bin" | sha256sum | cut -d' ' -f1)
want=$(sha256sum "$root/assets/blob-1M.bin" | cut -d' ' -f1)
echo "  sha256 $got ($([ "$got" = "$want" ] && echo identical || echo DIFFERENT))"
echo "== ping still answered by the kernel"
tb_cli ping -c 1 -W 2 "$TB_SRV_IP4" | sed -n 2p | sed 's/^/  /'

echo "== steering program counters (xdpservectl stats $TB_SRV_IF)"
tb_srv "$TB_XDPSERVECTL" stats "$TB_SRV_IF" | sed 's/^/  /'
echo "== daemon counters (SIGUSR1)"
lines=$(wc -l <"$log")
kill -USR1 "$daemon"
sleep 0.5
tail -n +"$((lines + 1))" "$log" | sed 's/^/  /'
echo "== stopping (SIGTERM: drain, detach, account for every frame)"
kill -TERM "$daemon"
wait "$daemon"
echo "  exit status $?"
tail -n 3 "$log" | sed 's/^/  /'
