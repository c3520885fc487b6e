#!/bin/sh
# conf-docs.sh CONF-REFERENCE SRCDIR — put the key reference generated from
# the option table (userspace/daemon/conf_table.c) between the markers of
# docs/configuration.md and man/xdpserve.conf.5. Run by `make
# update-conf-docs`; tests/unit/daemon/test_conf_doc fails while they differ.
set -eu
ref=$1
src=$2
tmp=$(mktemp)
trap 'rm -f "$tmp" "$tmp.gen"' EXIT

splice() { # FILE FORMAT
	"$ref" "$2" >"$tmp.gen"
	awk -v gen="$tmp.gen" '
		/BEGIN KEYS/ { print; while ((getline l < gen) > 0) print l; skip = 1; next }
		/END KEYS/ { skip = 0 }
		!skip { print }' "$1" >"$tmp"
	cat "$tmp" >"$1"
}
splice "$src/docs/configuration.md" md
splice "$src/man/xdpserve.conf.5" man
