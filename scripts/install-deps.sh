#!/bin/sh
# Install what xdpserve needs to build, test and benchmark on Debian 12.
# Only installs packages that are missing; needs root for that.
#
#   scripts/install-deps.sh [build|test|bench]   (default: test)
set -eu

build_pkgs="build-essential autoconf automake libtool pkg-config clang llvm
	libbpf-dev libxdp-dev xdp-tools liburing-dev libsystemd-dev libinih-dev libcriterion-dev
	linux-libc-dev libjson-c-dev libmicrohttpd-dev bash-completion"
# Least privilege: per-thread capability sets (userspace/daemon/privilege.c).
build_pkgs="$build_pkgs libcap-ng-dev"
test_pkgs="iproute2 ethtool bpftool curl wrk iputils-ping socat procps psmisc
	python3 slowhttptest gzip diffutils fuse3 python3-fusepy libclang-rt-14-dev python3-scapy"
# The cache tests: fast random files (openssl).
test_pkgs="$test_pkgs openssl"
# The package and its unit under systemd in a container (tests/e2e/systemd.sh).
test_pkgs="$test_pkgs debhelper dh-autoreconf help2man dpkg-dev fakeroot debootstrap
	systemd-container util-linux"
# xdpservectl's tests parse Prometheus text with the real parser.
test_pkgs="$test_pkgs python3-prometheus-client"
# Packet-level probes (tests/e2e/wire.sh).
test_pkgs="$test_pkgs python3-scapy"
bench_pkgs="nginx lighttpd"

case "${1:-test}" in
build) want="$build_pkgs" ;;
test) want="$build_pkgs $test_pkgs" ;;
bench) want="$build_pkgs $test_pkgs $bench_pkgs" ;;
*) echo "usage: $0 [build|test|bench]" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "missing packages:$missing" >&2
	echo "run as root, or: apt-get install$missing" >&2
	exit 1
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
