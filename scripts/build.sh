#!/bin/sh
# Configure and build xdpserve in _build/ (out of tree), reusing an earlier
# configure when nothing changed. Used by demo.sh and test.sh.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
if [ ! -x configure ] || [ configure.ac -nt configure ]; then
	./autogen.sh >autogen.log 2>&1 || { cat autogen.log; exit 1; }
fi
mkdir -p _build
cd _build
if [ ! -f Makefile ]; then
	../configure --quiet >configure.out 2>&1 || { cat configure.out; exit 1; }
fi
make -j"$(nproc)" --no-print-directory >build.log 2>&1 || { tail -60 build.log; exit 1; }
