#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""http_pipeline.py — a real HTTP/1.1 client for end-to-end tests that
pipelines: every connection writes all of its requests in one send, then
reads the responses in order (status line, headers, Content-Length body).

  http_pipeline.py HOST PORT --conns N --per-conn M --path /big/f{}.bin
                   [--files K] [--method HEAD|GET] [--range bytes=0-0]
                   [--root DIR] [--timeout S]

Connection i asks for files (i * M + j) % K, j = 0..M-1 (distinct files
per connection). With --root, every GET body is compared with the file
(the part a Range names). Prints "status COUNT" lines and exits 0 when
every response arrived whole (and matched), 1 otherwise.
"""
import argparse
import collections
import socket
import sys
import time


def read_response(f, method):
    line = f.readline()
    if not line:
        raise EOFError("connection closed before a response")
    status = int(line.split()[1])
    length = 0
    while True:
        h = f.readline()
        if not h:
            raise EOFError("connection closed inside a head")
        if h in (b"\r\n", b"\n"):
            break
        name, _, value = h.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    body = b""
    if method != "HEAD" and status not in (204, 304):
        body = f.read(length)
        if len(body) != length:
            raise EOFError("connection closed inside a body")
    return status, body


def expected(root, path, rng):
    with open(root + path, "rb") as fh:
        data = fh.read()
    if not rng:
        return data
    first, last = rng.split("=", 1)[1].split("-")
    return data[int(first):int(last) + 1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("--conns", type=int, default=4)
    ap.add_argument("--per-conn", type=int, default=16)
    ap.add_argument("--files", type=int, default=64)
    ap.add_argument("--path", default="/f{}.bin")
    ap.add_argument("--method", default="HEAD")
    ap.add_argument("--range")
    ap.add_argument("--root")
    ap.add_argument("--timeout", type=float, default=60)
    a = ap.parse_args()

    family = socket.AF_INET6 if ":" in a.host else socket.AF_INET
    socks, plans = [], []
    for i in range(a.conns):
        s = socket.socket(family, socket.SOCK_STREAM)
        s.settimeout(a.timeout)
        s.connect((a.host, a.port))
        paths = [a.path.format((i * a.per_conn + j) % a.files) for j in range(a.per_conn)]
        socks.append(s)
        plans.append(paths)
    for s, paths in zip(socks, plans):
        s.sendall(b"".join(
            (f"{a.method} {p} HTTP/1.1\r\nHost: x\r\n"
             + (f"Range: {a.range}\r\n" if a.range else "") + "\r\n").encode()
            for p in paths))
    counts = collections.Counter()
    ok = True
    deadline = time.monotonic() + a.timeout
    for s, paths in zip(socks, plans):
        f = s.makefile("rb")
        for p in paths:
            try:
                status, body = read_response(f, a.method)
            except (EOFError, OSError, ValueError, IndexError) as e:
                print(f"{p}: {e}")
                ok = False
                break
            counts[status] += 1
            if a.root and a.method == "GET" and status in (200, 206):
                if body != expected(a.root, p, a.range if status == 206 else None):
                    print(f"{p}: body differs from the file")
                    ok = False
            if time.monotonic() > deadline:
                print("out of time")
                ok = False
                break
        s.close()
    for status in sorted(counts):
        print(f"status {status} {counts[status]}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
