#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Write the seed corpora of the fuzz targets: tests/fuzz/corpus/<name>/.

Seeds are small, well-formed examples of each input (frames like the unit
tests', requests from the HTTP parser's tables, typical option lists) so the
fuzzer starts from inputs that already reach deep. Regression inputs (files
named crash-* for bugs in the code, regress-* for properties the target had
wrong) are committed next to them by hand and never rewritten here.

    tests/fuzz/make_corpus.py [OUTDIR]     (default: tests/fuzz/corpus)
"""
import os
import struct
import sys

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus")
CMAC, SMAC = bytes.fromhex("020000000001"), bytes.fromhex("020000000002")
CA4, SA4 = bytes([198, 18, 0, 2]), bytes([198, 18, 0, 1])
CA6, SA6 = bytes.fromhex("fd00" + "00" * 13 + "02"), bytes.fromhex("fd00" + "00" * 13 + "01")


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def tcp(src, dst, sport, dport, seq, ack, flags, opts=b"", payload=b"", wnd=65535, v6=False):
    opts += b"\0" * (-len(opts) % 4)
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, (5 + len(opts) // 4) << 4, flags, wnd, 0, 0)
    seg = hdr + opts + payload
    if v6:
        pseudo = src + dst + struct.pack("!IxxxB", len(seg), 6)
    else:
        pseudo = src + dst + struct.pack("!xBH", 6, len(seg))
    c = csum(pseudo + seg)
    return seg[:16] + struct.pack("!H", c) + seg[18:]


def ipv4(src, dst, l4, proto=6, frag=0x4000, opts=b""):
    ihl = 5 + len(opts) // 4
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, ihl * 4 + len(l4), 1, frag, 64, proto, 0, src, dst) + opts
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + l4


def ipv6(src, dst, l4, nh=6):
    return struct.pack("!IHBB", 0x60000000, len(l4), nh, 64) + src + dst + l4


def eth(payload, etype=0x0800, vlan=None):
    tag = struct.pack("!HH", 0x8100, vlan) if vlan is not None else b""
    return SMAC + CMAC + tag + struct.pack("!H", etype) + payload


SYN_OPTS = bytes.fromhex("020405b4") + bytes.fromhex("0402080a000003e800000000") + bytes.fromhex("01030307")
TS_OPTS = bytes.fromhex("0101080a000003e9deadbeef")
SACK_OPTS = bytes.fromhex("0101050a") + struct.pack("!II", 1000, 2000)
GET = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n"


def frames():
    s4 = lambda *a, **k: eth(ipv4(CA4, SA4, tcp(CA4, SA4, *a, **k)))
    s6 = lambda *a, **k: eth(ipv6(CA6, SA6, tcp(CA6, SA6, *a, v6=True, **k)), 0x86DD)
    yield "ipv4-syn", s4(40000, 80, 1, 0, 0x02, SYN_OPTS)
    yield "ipv4-ack-data", s4(40000, 80, 2, 100, 0x18, TS_OPTS, GET)
    yield "ipv4-fin", s4(40000, 80, 2, 100, 0x11)
    yield "ipv4-rst", s4(40000, 80, 2, 0, 0x04)
    yield "ipv4-sack", s4(40000, 80, 2, 100, 0x10, SACK_OPTS)
    yield "ipv6-syn", s6(40000, 80, 1, 0, 0x02, SYN_OPTS)
    yield "ipv6-data", s6(40000, 80, 2, 100, 0x18, TS_OPTS, GET)
    yield "vlan-ipv4-syn", eth(ipv4(CA4, SA4, tcp(CA4, SA4, 40000, 80, 1, 0, 0x02)), 0x0800, 5)
    yield "ipv4-options", eth(ipv4(CA4, SA4, tcp(CA4, SA4, 40000, 80, 1, 0, 0x02), opts=b"\x01\x01\x01\x00"))
    yield "ipv4-fragment", eth(ipv4(CA4, SA4, tcp(CA4, SA4, 40000, 80, 1, 0, 0x02), frag=0x2000))
    yield "ipv4-udp", eth(ipv4(CA4, SA4, struct.pack("!HHHH", 53, 53, 8, 0), proto=17))
    yield "ipv6-hopopts", eth(ipv6(CA6, SA6, b"\x06\0" + b"\0" * 6 + tcp(CA6, SA6, 1, 80, 1, 0, 2, v6=True), nh=0), 0x86DD)
    yield "arp", eth(bytes(28), 0x0806)
    yield "padded-ipv4", s4(40000, 80, 2, 100, 0x10) + bytes(12)


def tcp_options():
    yield "syn-linux", b"\x01" + SYN_OPTS
    yield "syn-mss-only", b"\x01" + bytes.fromhex("020405b4")
    yield "ts", b"\x00" + TS_OPTS
    yield "sack-4", b"\x00" + bytes.fromhex("0101" + "0522") + bytes(32)
    yield "eol-nop", b"\x01" + bytes.fromhex("0101010100")
    yield "unknown-kind", b"\x00" + bytes.fromhex("fe04abcd")
    yield "bad-length", b"\x01" + bytes.fromhex("0205")


def tcp_stack():
    # sel, then records: op | port << 3 (see fuzz_tcp_stack.c)
    connect = lambda port, o=0x0F, isn=0x01000000: bytes([6 | port << 3, o]) + struct.pack("!I", isn)
    delay = lambda unit, n: bytes([0]) + struct.pack("!H", unit << 14 | n)
    # segment: op, mode, delta, flags, wnd, plen, payload...
    seg = lambda port, mode, flags, payload=b"", delta=0, wnd=65535: \
        bytes([1 | port << 3, mode]) + struct.pack("!HBHB", delta, flags, wnd, len(payload)) + payload
    yield "connect-get", b"\x02" + connect(0)
    yield "connect-get-v6", b"\x03" + connect(0)
    yield "connect-ack-fin", b"\x08" + connect(1) + seg(1, 0x00, 0x10) + seg(1, 0x40, 0x11) + delay(1, 10)
    yield "connect-then-idle", b"\x10" + connect(2) + delay(2, 100) + delay(3, 7)
    yield "two-conns-rst", b"\x04" + connect(0) + connect(1, 0x8F) + seg(1, 0x01, 0x04, delta=5) + seg(0, 0x00, 0x04)
    yield "syn-segment", b"\x00" + seg(0, 0x10, 0x02) + delay(1, 1)
    yield "zero-window", b"\x06" + connect(3) + seg(3, 0x20, 0x10, wnd=0) + delay(3, 50)
    yield "tx-ring-full", b"\x0a" + bytes([4, 1]) + connect(0) + delay(1, 300) + bytes([4, 255]) + delay(1, 300)
    yield "mutated", b"\x02" + connect(0) + bytes([3, 0x00]) + struct.pack("!HBHB", 0, 0x10, 1000, 0) + b"\x01\x00\x20\x40"
    yield "app-abort", b"\x02" + connect(0) + bytes([5, 1])
    yield "sack", b"\x20" + connect(0) + seg(0, 0x30, 0x10) + b"\x00\x10\x00\x20\x00\x08\x00\x08"


HTTP_REQUESTS = [
    b"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
    b"GET / HTTP/1.0\r\n\r\n",
    b"HEAD /index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    b"GET /a/b?x=1&y=%20 HTTP/1.1\r\nHost: a\r\n\r\n",
    b"GET http://x/a?b HTTP/1.1\r\nHost: a\r\n\r\n",
    b"GET / HTTP/1.1\nHost: a\n\n",
    b"GET / HTTP/1.1\r\nHost: a\r\nRange: bytes=0-99,-500\r\nIf-None-Match: \"a\", W/\"b\"\r\n"
    b"If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\nIf-Range: \"x\"\r\n\r\n",
    b"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
    b"GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n",
    b"GET / HTTP/1.1\r\n Host: a\r\n\r\n",
    b"\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n",
    b"GET /  HTTP/1.1\r\nHost: a\r\n\r\n",
    b"GET / HTTP/2.0\r\n\r\n",
]


def http_parse():
    for i, r in enumerate(HTTP_REQUESTS):
        yield "req-%02d" % i, bytes([0x40, 0x80]) + r
        yield "req-%02d-small-limits" % i, bytes([0xC0 | (i % 64), 0x20]) + r


def http_path():
    for i, t in enumerate([b"/", b"/index.html", b"/a/b/../c/./d", b"/%2e%2e/etc/passwd", b"/a%2Fb",
                           b"//a///b/", b"/caf%C3%A9.txt?x=1", b"/.git/config", b"/a/..", b"/../",
                           b"/a%00b", b"/a\\b", b"/%41%42/", b"/" + b"x" * 300]):
        yield "target-%02d" % i, t


def http_range():
    fields = [
        b"bytes=0-99\n\"a\"\n\"b\"\nSun, 06 Nov 1994 08:49:37 GMT\nSunday, 06-Nov-94 08:49:37 GMT\n\"x\"",
        b"bytes=-500\n*\nW/\"0123456789abcdef-0000000000001000\"\nSun Nov  6 08:49:37 1994\n\n",
        b"bytes=0-0,2-3,5-\n\"0123456789abcdef-0000000000001000\"",
        b"bytes=100-50",
        b"items=0-1",
        b"bytes=0-1,0-1",
        b"bytes=99999999999999999999999-",
    ]
    for i, f in enumerate(fields):
        yield "fields-%02d" % i, struct.pack("!Q", 0x8000000000001000) + bytes([0x0E | (i << 4)]) + f


def conf():
    argvs = [
        ["--iface", "veth0", "--addr", "198.18.0.1:80", "--root", "/srv/www"],
        ["-i", "eth0", "-a", "[fd00::1]:8080", "-a", "198.18.0.0/24:80", "-r", "/w", "-q", "2", "-c", "64M"],
        ["--iface=eth0", "--addr=198.18.0.1:80", "--root=/", "--max-conns", "1024", "--drain-ms", "500",
         "--mode", "skb", "--bind-mode", "copy", "--tx-path", "copy", "--log-level", "debug"],
        ["--help"],
        ["--version"],
        ["-hV"],
        ["--iface", "eth0", "--addr", "bad", "--root", "/"],
    ]
    for i, a in enumerate(argvs):
        yield "argv-%02d" % i, b"\0".join(x.encode() for x in a)
    # "INI\n" then a config file (fuzz_conf.c reads it through --config).
    files = [
        b"iface = veth0\naddr = 198.18.0.1:80\nroot = /srv\n",
        b"# c\niface=eth0\naddr = [fd00::1]:80\naddr = 198.18.0.0/24:80 ; x\nroot = /w\n"
        b"index = a.html, b.htm\nqueues = 2\ncache-size = 64M\nserve-dotfiles = yes\n"
        b"[198.18.0.7:80]\nroot = /b\n[fd00::1 80]\nroot = /c\n",
        b"iface = e\naddr = 198.18.0.2:80\nroot = 198.18.0.2:80=/x\nlog-level = debug\n"
        b"mode = skb\nbind-mode = copy\ntx-path = sg\nprecompressed = br,gz\n",
        b"iface = e\nqueues = 0\nqueues = 1\nbogus\n[x]\nroot = /\n  continued\n",
    ]
    for i, f in enumerate(files):
        yield "ini-%02d" % i, b"INI\n" + f


def main():
    for name, gen in [("net", frames), ("tcp_options", tcp_options), ("tcp_stack", tcp_stack),
                      ("http_parse", http_parse), ("http_path", http_path),
                      ("http_range", http_range), ("conf", conf)]:
        d = os.path.join(OUT, name)
        os.makedirs(d, exist_ok=True)
        for f in os.listdir(d):
            if f.startswith("seed-"):
                os.remove(os.path.join(d, f))
        for seed, data in gen():
            with open(os.path.join(d, "seed-" + seed), "wb") as f:
                f.write(data)


if __name__ == "__main__":
    main()
