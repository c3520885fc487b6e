#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Well-behaved HTTP/1.1 clients on the kernel's TCP for tests/e2e/flood.sh,
the load that must keep working while the server is flooded.

    http_many.py HOST PORT PATH COUNT [EXPECTED_BODY_BYTES]
        COUNT GETs, each on a new connection closed by the client (so the
        server keeps no TIME_WAIT). Prints "ok N failed M" (and the first
        few failures); a request is ok with a 200 and its whole body
        within 10 s.

    http_many.py --live HOST PORT PATH FILE PORTFILE DONEFILE
        One connection kept alive through a flood: writes its local port
        to PORTFILE, reads PATH slowly (a small receive buffer, so the
        server's sending spans the flood), waits for DONEFILE to appear,
        then GETs PATH again on the same connection. Both bodies must equal
        FILE. Prints "live ok" or what went wrong; exit 1 on failure.
"""
import os
import socket
import sys
import time


def get(s, host, path, pace=0.0):
    """One GET on socket s; returns the body. pace: seconds between reads."""
    s.sendall(b"GET %s HTTP/1.1\r\nHost: %s\r\n\r\n" % (path.encode(), host.encode()))
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = s.recv(65536)
        if not chunk:
            raise OSError("closed before the head ended")
        buf += chunk
    head, body = buf.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    if not lines[0].startswith("HTTP/1.1 200"):
        raise OSError(lines[0])
    length = next(int(l.split(":", 1)[1]) for l in lines if l.lower().startswith("content-length:"))
    while len(body) < length:
        chunk = s.recv(min(65536, length - len(body)))
        if not chunk:
            raise OSError("closed after %d of %d body bytes" % (len(body), length))
        body += chunk
        if pace:
            time.sleep(pace)
    return body


def many(host, port, path, count, want):
    ok, errors = 0, []
    for _ in range(count):
        try:
            with socket.create_connection((host, port), timeout=10) as s:
                body = get(s, host, path)
            if want is not None and len(body) != want:
                raise OSError("body of %d bytes, want %d" % (len(body), want))
            ok += 1
        except (OSError, StopIteration, ValueError) as e:
            errors.append(str(e) or type(e).__name__)
    print("ok %d failed %d" % (ok, len(errors)))
    for e in errors[:5]:
        print("  " + e)
    return 0


def live(host, port, path, file, portfile, donefile):
    with open(file, "rb") as f:
        want = f.read()
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32768)
    s.settimeout(20)
    s.connect((host, port))
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % s.getsockname()[1])
    os.rename(portfile + ".tmp", portfile)
    try:
        first = get(s, host, path, pace=0.1)
        for _ in range(600):
            if os.path.exists(donefile):
                break
            time.sleep(0.05)
        second = get(s, host, path)
    except (OSError, StopIteration, ValueError) as e:
        print("live connection failed: %s" % (str(e) or type(e).__name__))
        return 1
    if first != want or second != want:
        print("live connection: body differs (%d and %d bytes, want %d)" % (len(first), len(second), len(want)))
        return 1
    print("live ok")
    return 0


def main():
    if sys.argv[1] == "--live":
        host, port, path, file, portfile, donefile = sys.argv[2:8]
        return live(host, int(port), path, file, portfile, donefile)
    want = int(sys.argv[5]) if len(sys.argv) > 5 else None
    return many(sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), want)


if __name__ == "__main__":
    sys.exit(main())
