#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""tcp_probe.py — a scripted TCP client at the packet level, for
tests/e2e/tcp_packets.sh. It speaks from an address of the client
namespace's subnet that the namespace's kernel does not own, so the
kernel stays silent (no RST to segments it never asked for); frames are
built with scapy and sent and received on an AF_PACKET socket.

  reorder   a GET sent as three segments in the order 3, 1, 2: the
            server must hold the first one it gets (a duplicate ACK with
            a SACK block for it), ACK the partial fill at once, and
            answer the request once whole; the body's sha256 is printed.
  rst       a large download ACKed segment by segment until the server's
            window is large, then an ACK for everything received and,
            right behind it, a RST at exactly RCV.NXT (RFC 5961: accepted);
            prints how many data segments with new sequence numbers still
            arrived, and whether a later ACK gets the RST of a server that
            no longer knows the connection.
  rto       a GET for a file of several segments, then silence: nothing
            is ACKed (after a first answer on the same connection that was,
            for RTT samples), so the server's retransmission timer fires
            again and again; prints the gaps between the arrivals of the first data
            segment (the original, then each retransmission of it), until
            --count retransmissions or --timeout, and whether every copy
            carried the same bytes; a RST at the end closes the connection.
  late      the SYN-ACK, then (once the file GO.1 exists: the shell has
            filled the server's table) the handshake's ACK and a GET,
            which nothing may answer; then (once GO.2 exists: a slot is
            free) the GET again, as a retransmission: the whole answer.
  lost      the SYN-ACK, then only the FIN that follows a GET, as if the
            handshake's ACK and the GET were lost on the way: the reply to
            it. Once GO.1 exists (the shell has stopped the server), a
            flood of --flood frames with bad checksums to overrun its RX
            ring; once GO.2 exists (it runs again), the same FIN: the reply;
            then the GET and FIN as the client retransmits them: the answer.

Output: "key value" lines for the shell test; exit 0 unless the protocol
itself went wrong (no SYN-ACK, a timeout), which it says on stderr.
"""
import argparse
import hashlib
import os
import random
import re
import select
import socket
import struct
import sys
import time

from scapy.all import IP, TCP, Ether  # noqa: E402

ETH_P_IP = 0x0800
WSCALE = 7
WINDOW = 65535  # << WSCALE: 8 MiB


class Probe:
    def __init__(self, a):
        self.a = a
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_IP))
        self.sock.bind((a.iface, 0))
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 << 20)
        self.sport = random.randint(20000, 60000)
        self.iss = random.randint(0, 2**32 - 1)
        self.nxt = (self.iss + 1) & 0xFFFFFFFF  # our next sequence number
        self.rcv = 0  # the server's next byte we expect
        self.ts = 0  # the server's last TSval, echoed

    # --- frames ---------------------------------------------------------
    def send(self, flags, seq=None, ack=None, payload=b"", opts=None, wnd=WINDOW):
        if seq is None:
            seq = self.nxt
        if ack is None:
            ack = self.rcv
        if opts is None:
            opts = [("NOP", None), ("NOP", None),
                    ("Timestamp", (int(time.monotonic() * 1000) & 0xFFFFFFFF, self.ts))]
        f = (Ether(src=self.a.src_mac, dst=self.a.dst_mac) /
             IP(src=self.a.src, dst=self.a.dst, flags="DF") /
             TCP(sport=self.sport, dport=80, seq=seq & 0xFFFFFFFF, ack=ack & 0xFFFFFFFF,
                 flags=flags, window=wnd, options=opts) / payload)
        self.sock.send(bytes(f))

    def recv(self, timeout):
        """The next segment from the server to us, parsed, or None on timeout."""
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0 or not select.select([self.sock], [], [], left)[0]:
                return None
            seg = self.parse(self.sock.recv(65536))
            if seg:
                return seg

    def parse(self, b):
        if len(b) < 54 or struct.unpack("!H", b[12:14])[0] != ETH_P_IP:
            return None
        ihl = (b[14] & 15) * 4
        ip = b[14:]
        if ip[9] != 6 or socket.inet_ntoa(ip[12:16]) != self.a.dst or \
                socket.inet_ntoa(ip[16:20]) != self.a.src:
            return None
        total = struct.unpack("!H", ip[2:4])[0]
        t = ip[ihl:total]
        sport, dport, seq, ack = struct.unpack("!HHII", t[:12])
        if sport != 80 or dport != self.sport:
            return None
        doff = (t[12] >> 4) * 4
        s = {"seq": seq, "ack": ack, "flags": t[13], "data": bytes(t[doff:]), "sack": [],
             "tsval": None}
        o, i = t[20:doff], 0
        while i < len(o):
            kind = o[i]
            if kind == 0:
                break
            if kind == 1:
                i += 1
                continue
            ln = o[i + 1]
            if kind == 8:
                s["tsval"] = struct.unpack("!I", o[i + 2:i + 6])[0]
            elif kind == 5:
                for k in range((ln - 2) // 8):
                    s["sack"].append(struct.unpack("!II", o[i + 2 + 8 * k:i + 10 + 8 * k]))
            i += ln
        if s["tsval"] is not None:
            self.ts = s["tsval"]
        return s

    # --- a connection ---------------------------------------------------
    def syn(self):
        """Our SYN, and the server's SYN-ACK taken (not yet ACKed)."""
        ts = int(time.monotonic() * 1000) & 0xFFFFFFFF
        self.send("S", seq=self.iss, ack=0,
                  opts=[("MSS", 1460), ("SAckOK", b""), ("Timestamp", (ts, 0)),
                        ("NOP", None), ("WScale", WSCALE)])
        for _ in range(3):
            s = self.recv(2)
            if s and s["flags"] & 0x12 == 0x12:
                self.rcv = (s["seq"] + 1) & 0xFFFFFFFF
                return
        sys.exit("tcp_probe: no SYN-ACK")

    def connect(self):
        self.syn()
        self.send("A")

    def rel(self, seq):
        """Our sequence number as an offset from our first data byte."""
        return (seq - self.iss - 1) & 0xFFFFFFFF


def reorder(p, a):
    req = ("GET /%s HTTP/1.1\r\nHost: xdpserve-test\r\nConnection: close\r\n\r\n"
           % a.path).encode()
    cut1, cut2 = 9, 27
    parts = [(0, req[:cut1]), (cut1, req[cut1:cut2]), (cut2, req[cut2:])]
    p.connect()
    base = p.nxt
    print("req_len", len(req))
    # Part 3 first: held, a duplicate ACK at once with a SACK block for it.
    p.send("PA", seq=base + cut2, payload=parts[2][1])
    s = p.recv(2)
    print("ooo_ack", p.rel(s["ack"]) if s else -1)
    print("ooo_sack", " ".join("%d-%d" % (p.rel(l), p.rel(r)) for l, r in s["sack"])
          if s and s["sack"] else "none")
    # Part 1: fills part of the hole: ACKed at once, still SACKing part 3.
    p.send("A", seq=base, payload=parts[0][1])
    s = p.recv(2)
    print("fill_ack", p.rel(s["ack"]) if s else -1)
    print("fill_sack", " ".join("%d-%d" % (p.rel(l), p.rel(r)) for l, r in s["sack"])
          if s and s["sack"] else "none")
    # Part 2: the request is whole; the answer follows.
    p.send("A", seq=base + cut1, payload=parts[1][1])
    p.nxt = (base + len(req)) & 0xFFFFFFFF
    body, fin = download(p, a.timeout)
    head, _, content = body.partition(b"\r\n\r\n")
    print("status", head.split(b"\r\n", 1)[0].decode(errors="replace"))
    print("body_sha256", hashlib.sha256(content).hexdigest())
    print("fin", int(fin))


def download(p, timeout, until=None):
    """Receive in order, ACK each segment; stop at FIN, after `until` bytes, or timeout."""
    got = bytearray()
    fin = False
    end = time.monotonic() + timeout
    while time.monotonic() < end and not fin and (until is None or len(got) < until):
        s = p.recv(1)
        if not s:
            continue
        if s["data"] and s["seq"] == p.rcv:
            got += s["data"]
            p.rcv = (p.rcv + len(s["data"])) & 0xFFFFFFFF
        if s["flags"] & 0x01 and (s["seq"] + len(s["data"])) & 0xFFFFFFFF == p.rcv:
            p.rcv = (p.rcv + 1) & 0xFFFFFFFF
            fin = True
        p.send("A")
    if fin:
        p.send("FA")
        p.nxt = (p.nxt + 1) & 0xFFFFFFFF
        p.recv(1)
    return bytes(got), fin


def rst(p, a):
    p.connect()
    req = ("GET /%s HTTP/1.1\r\nHost: xdpserve-test\r\n\r\n" % a.path).encode()
    p.send("PA", payload=req)
    p.nxt = (p.nxt + len(req)) & 0xFFFFFFFF
    got, _ = download(p, a.timeout, until=a.before)
    # Whatever else is in flight arrives; then one ACK opens the window for a
    # large burst, and the RST (at RCV.NXT, accepted) follows right behind it.
    while True:
        s = p.recv(0.3)
        if not s:
            break
        if s["data"] and s["seq"] == p.rcv:
            p.rcv = (p.rcv + len(s["data"])) & 0xFFFFFFFF
    acked = p.rcv
    ack = bytes(Ether(src=a.src_mac, dst=a.dst_mac) /
                IP(src=a.src, dst=a.dst, flags="DF") /
                TCP(sport=p.sport, dport=80, seq=p.nxt, ack=acked, flags="A", window=WINDOW,
                    options=[("NOP", None), ("NOP", None),
                             ("Timestamp", (int(time.monotonic() * 1000) & 0xFFFFFFFF,
                                            p.ts))]))
    reset = bytes(Ether(src=a.src_mac, dst=a.dst_mac) /
                  IP(src=a.src, dst=a.dst, flags="DF") /
                  TCP(sport=p.sport, dport=80, seq=p.nxt, flags="R", window=0))
    p.sock.send(ack)
    p.sock.send(reset)
    after = after_bytes = 0
    while True:
        s = p.recv(1.0)
        if not s:
            break
        if s["data"]:
            after += 1
            after_bytes += len(s["data"])
    # The connection is gone: an ACK for it gets a RST from the server.
    p.send("A", ack=acked)
    s = p.recv(2)
    while s and s["data"]:
        s = p.recv(2)
    print("received_before", len(got))
    print("segments_after", after)
    print("bytes_after", after_bytes)
    print("rst_after", int(bool(s and s["flags"] & 0x04)))


def whole_answer(p, timeout):
    """Receive one answer in order, ACKing each segment; True once its body is whole."""
    got = bytearray()
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        s = p.recv(1)
        if not s:
            continue
        if s["data"] and s["seq"] == p.rcv:
            got += s["data"]
            p.rcv = (p.rcv + len(s["data"])) & 0xFFFFFFFF
        p.send("A")
        head, sep, body = bytes(got).partition(b"\r\n\r\n")
        m = re.search(rb"(?im)^content-length: *(\d+)", head)
        if sep and m and len(body) >= int(m.group(1)):
            return True
    return False


def rto(p, a):
    p.connect()
    req = ("GET /%s HTTP/1.1\r\nHost: xdpserve-test\r\n\r\n" % a.path).encode()
    # A first answer, all ACKed, gives the server RTT samples (its RTO falls
    # to the 200 ms floor); the second one is never ACKed.
    for i in range(2):
        p.send("PA", payload=req)
        p.nxt = (p.nxt + len(req)) & 0xFFFFFFFF
        if i == 0 and not whole_answer(p, a.timeout):
            sys.exit("tcp_probe: the first answer did not arrive")
    first, data = p.rcv, None
    arrivals, lens, seen, others, repeats, same, reset = [], [], set(), 0, 0, True, False
    end = time.monotonic() + a.timeout
    while len(arrivals) <= a.count:
        s = p.recv(end - time.monotonic())
        if not s:
            break
        if s["flags"] & 0x04:
            reset = True
            break
        if not s["data"]:
            continue
        if s["seq"] == first:
            arrivals.append(time.monotonic())
            # The same bytes from the same sequence number (a later copy
            # may be shorter: black-hole probing lowers the MSS).
            data = data or s["data"]
            n = min(len(data), len(s["data"]))
            same = same and s["data"][:n] == data[:n]
            lens.append(len(s["data"]))
        elif len(arrivals) == 1:
            # Before the first timeout: the first flight, and a loss probe
            # (RFC 8985 TLP) that resends its last segment or sends new data.
            others += 1
            repeats += s["seq"] in seen
            seen.add(s["seq"])
    p.send("R", ack=0, opts=[], wnd=0)
    gaps = [b - a_ for a_, b in zip(arrivals, arrivals[1:])]
    print("lengths", " ".join(str(n) for n in lens))
    print("retransmissions", max(len(arrivals) - 1, 0))
    print("gaps_ms", " ".join("%.1f" % (g * 1000) for g in gaps))
    print("before_rto_others", others)
    print("before_rto_repeats", repeats)
    print("same_bytes", int(same))
    print("reset", int(reset))


def wait_file(path, timeout):
    end = time.monotonic() + timeout
    while not os.path.exists(path):
        if time.monotonic() > end:
            sys.exit("tcp_probe: %s never appeared" % path)
        time.sleep(0.05)


def late(p, a):
    """The SYN-ACK, then the handshake's ACK and a GET only once the shell
    has filled the server's table (GO.1): nothing may answer them. Then
    the GET again, as the kernel retransmits it, once a slot is free
    (GO.2): the answer, whole."""
    req = ("GET /%s HTTP/1.1\r\nHost: xdpserve-test\r\n\r\n" % a.path).encode()
    p.syn()
    print("synack 1", flush=True)
    wait_file(a.go + ".1", a.timeout)
    p.send("A")
    p.send("PA", payload=req)
    s = p.recv(1.5)
    print("first", "none" if not s else "rst" if s["flags"] & 0x04 else "other", flush=True)
    wait_file(a.go + ".2", a.timeout)
    p.send("PA", payload=req)
    p.nxt = (p.nxt + len(req)) & 0xFFFFFFFF
    print("second", "answer" if whole_answer(p, 5) else "none", flush=True)
    p.send("R", ack=0, opts=[], wnd=0)


def reply(s):
    return "none" if not s else "rst" if s["flags"] & 0x04 else "other"


def lost(p, a):
    """A FIN past a GET that never arrived, before and after the server's
    RX ring overflowed; then the GET resent with its FIN."""
    req = ("GET /%s HTTP/1.1\r\nHost: xdpserve-test\r\n\r\n" % a.path).encode()
    p.syn()
    p.send("FA", seq=p.nxt + len(req))
    print("fin_before", reply(p.recv(1.5)), flush=True)
    wait_file(a.go + ".1", a.timeout)
    junk = bytes(Ether(src=a.src_mac, dst=a.dst_mac) /
                 IP(src=a.src, dst=a.dst, flags="DF") /
                 TCP(sport=p.sport ^ 1, dport=80, seq=1, ack=1, flags="A", chksum=0xdead))
    for _ in range(a.flood):
        p.sock.send(junk)
    print("flooded", a.flood, flush=True)
    wait_file(a.go + ".2", a.timeout)
    p.send("FA", seq=p.nxt + len(req))
    print("fin_after", reply(p.recv(1.5)), flush=True)
    p.send("FA", payload=req)
    p.nxt = (p.nxt + len(req) + 1) & 0xFFFFFFFF
    print("answer", "whole" if whole_answer(p, 5) else "none", flush=True)
    p.send("R", ack=0, opts=[], wnd=0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["reorder", "rst", "rto", "late", "lost"])
    ap.add_argument("--iface", required=True)
    ap.add_argument("--src-mac", required=True)
    ap.add_argument("--dst-mac", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--dst", required=True)
    ap.add_argument("--path", required=True)
    ap.add_argument("--before", type=int, default=1 << 20, help="rst: bytes before the RST")
    ap.add_argument("--count", type=int, default=5, help="rto: retransmissions to wait for")
    ap.add_argument("--timeout", type=float, default=20)
    ap.add_argument("--go", help="late, lost: the files GO.1 and GO.2 say when to go on")
    ap.add_argument("--flood", type=int, default=8192, help="lost: frames to overrun the ring")
    a = ap.parse_args()
    random.seed(os.getpid())
    p = Probe(a)
    {"reorder": reorder, "rst": rst, "rto": rto, "late": late, "lost": lost}[a.mode](p, a)


if __name__ == "__main__":
    main()
