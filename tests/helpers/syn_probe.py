#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""syn_probe.py — one SYN at the packet level and what answers it, for
tests/e2e/syn_xdp.sh. Like tcp_probe.py it speaks from an address of the
client subnet that the client namespace's kernel does not own, so that
kernel stays silent; frames are built with scapy and sent and received on
an AF_PACKET socket.

  --kind plain      MSS, SACK-permitted, timestamps, window scale
  --kind unknown    the same plus an option of kind 253 (RFC 4727
                    experimental) that a SYN-ACK builder does not know
  --kind destopts   IPv6 only: a destination-options header (a PadN)
                    between the IPv6 header and TCP

Output: "key value" lines: reply (synack, rst or none), and for a SYN-ACK
its mss, wscale (-1: none), sack, ts (0/1), tsecr_ok (the TSecr echoes our
TSval) and ack_ok (it acknowledges our SYN). Exit 0 unless sending failed.
"""
import argparse
import random
import select
import socket
import sys
import time

from scapy.all import IP, TCP, Ether, IPv6, IPv6ExtHdrDestOpt, PadN  # noqa: E402

ETH_P_ALL = 0x0003


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iface", required=True)
    ap.add_argument("--src-mac", required=True)
    ap.add_argument("--dst-mac", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--dst", required=True)
    ap.add_argument("--port", type=int, default=80)
    ap.add_argument("--kind", choices=["plain", "unknown", "destopts"], default="plain")
    ap.add_argument("--timeout", type=float, default=2.0)
    a = ap.parse_args()

    v6 = ":" in a.dst
    sport = random.randint(20000, 60000)
    iss = random.randint(0, 2**32 - 1)
    tsval = random.randint(1, 2**31)
    opts = [("MSS", 1400), ("SAckOK", b""), ("Timestamp", (tsval, 0)), ("NOP", None),
            ("WScale", 7)]
    if a.kind == "unknown":
        opts.append((253, b"\x00\x00"))
    tcp = TCP(sport=sport, dport=a.port, seq=iss, flags="S", window=65535, options=opts)
    if v6:
        ip = IPv6(src=a.src, dst=a.dst, hlim=64)
        if a.kind == "destopts":
            ip = ip / IPv6ExtHdrDestOpt(options=[PadN(optdata=b"\x00\x00\x00\x00")])
    else:
        if a.kind == "destopts":
            sys.exit("destopts is IPv6 only")
        ip = IP(src=a.src, dst=a.dst, flags="DF")
    frame = Ether(src=a.src_mac, dst=a.dst_mac) / ip / tcp

    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    sock.bind((a.iface, 0))
    sock.send(bytes(frame))
    end = time.monotonic() + a.timeout
    reply = None
    while reply is None:
        left = end - time.monotonic()
        if left <= 0 or not select.select([sock], [], [], left)[0]:
            break
        data, addr = sock.recvfrom(65535)
        if addr[2] == socket.PACKET_OUTGOING:
            continue
        e = Ether(data)
        if TCP not in e:
            continue
        t = e[TCP]
        l3 = e[IPv6] if v6 and IPv6 in e else (e[IP] if IP in e else None)
        if l3 is None or l3.src != a.dst or l3.dst != a.src or t.dport != sport:
            continue
        reply = t
    if reply is None:
        print("reply none")
        return
    flags = str(reply.flags)
    if "R" in flags:
        print("reply rst")
        return
    if "S" not in flags or "A" not in flags:
        print("reply other", flags)
        return
    o = {k: v for k, v in reply.options}
    print("reply synack")
    print("ack_ok", int(reply.ack == (iss + 1) & 0xFFFFFFFF))
    print("mss", o.get("MSS", 0))
    print("wscale", o.get("WScale", -1))
    print("sack", int("SAckOK" in o))
    print("ts", int("Timestamp" in o))
    print("tsecr_ok", int("Timestamp" in o and o["Timestamp"][1] == tsval))
    print("window", reply.window)
    # No state to clean up: a cookie SYN-ACK leaves none on the server.


if __name__ == "__main__":
    main()
