#!/bin/sh
# Configure and build xdpserve out of tree, reusing an earlier configure.
# Used by demo.sh and test.sh.
#
#   scripts/build.sh [BUILDDIR [CONFIGURE-ARGS...]]    (default BUILDDIR: _build)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-_build}
[ $# -gt 0 ] && shift
cd "$top"
if [ ! -x configure ] || [ configure.ac -nt configure ]; then
	./autogen.sh >autogen.log 2>&1 || { cat autogen.log; exit 1; }
fi
mkdir -p "$dir"
cd "$dir"
if [ ! -f Makefile ]; then
	"$top/configure" --quiet "$@" >configure.out 2>&1 || { cat configure.out; exit 1; }
fi
make -j"$(nproc)" --no-print-directory >build.log 2>&1 || { tail -60 build.log; exit 1; }
