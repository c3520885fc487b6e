#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""wire_probe.py — packet-level probes of a running xdpserved for
tests/e2e/wire.sh, with scapy from the client namespace.

Frames leave from the client veth with the client's MAC but a source
address the client kernel does not own (--src), so that kernel never
answers the server's SYN-ACKs with a RST; the answers are caught with a
sniffer on the same veth.

  wire_probe.py synack  --ts 0|1     SYN (MSS, WScale 7, SACK-permitted,
                                     Timestamps if --ts) -> prints the
                                     SYN-ACK's options and source MAC as JSON
  wire_probe.py scaled               no-timestamp handshake; the completing
                                     ACK and a GET advertise a window field of
                                     100 with a shift of 7 (12800 bytes):
                                     prints the largest segment and the bytes
                                     the server sent before any further ACK;
                                     ends the connection with a RST
  wire_probe.py exthdr               an IPv6 SYN behind hop-by-hop and
                                     destination-options headers: prints
                                     whether a SYN-ACK came and whether it
                                     carried extension headers
  wire_probe.py foreign-mac          a SYN to the served address and port but
                                     another destination MAC: prints whether
                                     anything came back
"""
import argparse
import json
import random
import sys
import time

from scapy.all import (AsyncSniffer, Ether, IP, IPv6, IPv6ExtHdrDestOpt,  # noqa: E402
                       IPv6ExtHdrHopByHop, TCP, conf, sendp)

conf.verb = 0


def opts_of(pkt):
    out = {}
    for name, val in pkt[TCP].options:
        out[name] = val
    return out


def syn_options(ts):
    opts = [("MSS", 1460), ("SAckOK", b""), ("WScale", 7)]
    if ts:
        opts.insert(2, ("Timestamp", (12345, 0)))
    return opts


class Probe:
    def __init__(self, a):
        self.a = a
        self.sport = random.randint(20000, 60000)
        self.isn = random.randint(0, 2**32 - 1)

    def ether(self, dst=None):
        return Ether(src=self.a.src_mac, dst=dst or self.a.dst_mac)

    def ip(self):
        if ":" in self.a.dst:
            return IPv6(src=self.a.src, dst=self.a.dst)
        return IP(src=self.a.src, dst=self.a.dst)

    def ours(self, p):
        l3 = IPv6 if ":" in self.a.dst else IP
        return (TCP in p and l3 in p and p[l3].src == self.a.dst and
                p[l3].dst == self.a.src and p[TCP].dport == self.sport)

    def sniff(self):
        s = AsyncSniffer(iface=self.a.iface, lfilter=self.ours, store=True)
        s.start()
        time.sleep(0.3)
        return s

    def syn(self, ts, dst_mac=None, ext=None):
        l3 = self.ip() / ext if ext is not None else self.ip()
        return (self.ether(dst_mac) / l3 /
                TCP(sport=self.sport, dport=self.a.dport, flags="S", seq=self.isn,
                    window=65535, options=syn_options(ts)))

    def synack(self, ts, ext=None):
        s = self.sniff()
        sendp(self.syn(ts, ext=ext), iface=self.a.iface)
        deadline = time.time() + 3
        while time.time() < deadline and not s.results:
            time.sleep(0.05)
        res = s.stop()
        sa = [p for p in res if p[TCP].flags & 0x12 == 0x12]
        if not sa:
            return None
        return sa[0]


def cmd_synack(a):
    p = Probe(a)
    sa = p.synack(a.ts)
    if sa is None:
        print(json.dumps({"synack": False}))
        return 1
    o = opts_of(sa)
    print(json.dumps({"synack": True, "src_mac": sa[Ether].src,
                      "mss": o.get("MSS"), "wscale": o.get("WScale"),
                      "sack": "SAckOK" in o, "ts": "Timestamp" in o}))
    # Leave nothing behind: the cookie was never completed, there is no state.
    return 0


def cmd_scaled(a):
    p = Probe(a)
    sa = p.synack(False)
    if sa is None:
        print(json.dumps({"synack": False}))
        return 1
    o = opts_of(sa)
    seq = p.isn + 1
    ack = (sa[TCP].seq + 1) % 2**32
    req = b"GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n"
    s = p.sniff()
    # Window field 100 with our shift of 7: 12800 bytes.
    base = p.ether() / p.ip()
    sendp(base / TCP(sport=p.sport, dport=a.dport, flags="A", seq=seq, ack=ack, window=100),
          iface=a.iface)
    sendp(base / TCP(sport=p.sport, dport=a.dport, flags="PA", seq=seq, ack=ack, window=100) /
          req, iface=a.iface)
    time.sleep(2.0)
    res = s.stop()
    data = [q for q in res if len(q[TCP].payload) > 0]
    first = min((q[TCP].seq for q in data), default=ack)
    top = max(((q[TCP].seq - first) % 2**32 + len(q[TCP].payload) for q in data), default=0)
    largest = max((len(q[TCP].payload) for q in data), default=0)
    sendp(base / TCP(sport=p.sport, dport=a.dport, flags="R", seq=seq + len(req)),
          iface=a.iface)
    print(json.dumps({"synack": True, "wscale": o.get("WScale"), "sack": "SAckOK" in o,
                      "ts": "Timestamp" in o, "segments": len(data), "largest": largest,
                      "bytes_in_flight": top}))
    return 0


def cmd_exthdr(a):
    p = Probe(a)
    sa = p.synack(False, ext=IPv6ExtHdrHopByHop() / IPv6ExtHdrDestOpt())
    if sa is None:
        print(json.dumps({"synack": False}))
        return 0
    print(json.dumps({"synack": True, "nh": sa[IPv6].nh,
                      "wscale": opts_of(sa).get("WScale")}))
    return 0


def cmd_foreign_mac(a):
    p = Probe(a)
    s = p.sniff()
    sendp(p.syn(False, dst_mac="02:00:00:00:00:99"), iface=a.iface)
    time.sleep(1.5)
    res = s.stop()
    print(json.dumps({"answers": len(res)}))
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["synack", "scaled", "exthdr", "foreign-mac"])
    ap.add_argument("--iface", required=True)
    ap.add_argument("--src-mac", required=True)
    ap.add_argument("--dst-mac", required=True)
    ap.add_argument("--src", required=True, help="a source address the client kernel lacks")
    ap.add_argument("--dst", required=True)
    ap.add_argument("--dport", type=int, default=80)
    ap.add_argument("--ts", type=int, default=0)
    a = ap.parse_args()
    cmds = {"synack": cmd_synack, "scaled": cmd_scaled, "exthdr": cmd_exthdr,
            "foreign-mac": cmd_foreign_mac}
    return cmds[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
