#!/bin/bash
# Smoke run of bench/ratecli: one second at 200 requests/s over two
# keep-alive connections against a tiny local HTTP/1.1 server (Python's,
# on loopback, port chosen by the kernel). No timed assertion: it passes
# when the client ran to the end, counted answers and saw no error.
srcdir=${XDPSERVE_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${XDPSERVE_BUILDDIR:-$srcdir/_build}
# shellcheck source=tests/helpers/tap.sh
. "$srcdir/tests/helpers/tap.sh"

bin=$builddir/bench/ratecli/ratecli
[ -x "$bin" ] || tap_bail "$bin is not built (make builds it)"
command -v python3 >/dev/null || tap_skip_all "python3 is not installed"
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
head -c 1024 /dev/zero >"$dir/1k.bin"
python3 -c '
import http.server, sys, functools
class H(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(H, directory=sys.argv[1]))
print(s.server_address[1], flush=True)
s.serve_forever()' "$dir" >"$dir/port" 2>/dev/null &
pid=$!
for _ in $(seq 50); do [ -s "$dir/port" ] && break; sleep 0.1; done
port=$(cat "$dir/port")
[ -n "$port" ] || tap_bail "the local server did not start"

tap_plan 2
out=$("$bin" -r 200 -c 2 -d 1 127.0.0.1 "$port" /1k.bin 2>&1)
status=$?
printf '%s\n' "$out" | tap_diag -
read -r _ n _ e _ < <(printf '%s\n' "$out" | grep '^requests ')
if [ "$status" -eq 0 ] && [ "${n:-0}" -gt 0 ]; then
	tap_ok "ratecli ran for a second and counted $n answers"
else
	tap_not_ok "ratecli failed (exit $status) or counted no answer"
fi
if [ "${e:-1}" -eq 0 ]; then
	tap_ok "no errors against a keep-alive server"
else
	tap_not_ok "ratecli counted ${e:-?} errors"
fi
tap_done
