# tests: shared helpers, BPF fixtures and end-to-end scenarios. Unit tests
# are listed by each module's own local.mk next to its sources.

# The steering program on crafted and mutated frames (root; skips otherwise;
# mutated ones against the reference classifier steer_ref.c), and the
# endpoint text parser.
UNIT_TESTS += tests/bpf/test_steer
tests_bpf_test_steer_SOURCES = tests/bpf/test_steer.c tests/bpf/frames.c tests/bpf/frames.h \
	tests/bpf/steer_ref.c tests/bpf/steer_ref.h
EXTRA_tests_bpf_test_steer_DEPENDENCIES = $(BPF_OBJ)

# SYNs answered in XDP against the user-space stack on the fake NIC: the
# same SYN-ACK bytes, cookies and handshakes (root; skips otherwise).
UNIT_TESTS += tests/bpf/test_synack
EXTRA_tests_bpf_test_synack_DEPENDENCIES = $(BPF_OBJ)

# End-to-end tests: two namespaces joined by veth (tests/helpers/testbed.sh);
# they skip by themselves without root or a needed tool. xsk_sink stands in
# for a worker: an AF_XDP socket that counts and drops what is steered to it.
check_PROGRAMS += tests/helpers/xsk_sink
tests_helpers_xsk_sink_SOURCES = tests/helpers/xsk_sink.c
tests_helpers_xsk_sink_LDADD = $(XDPSERVE_LIBS)
# flood: bounded AF_PACKET floods for tests/e2e/flood.sh; http_many.py: the
# legitimate clients meanwhile.
check_PROGRAMS += tests/helpers/flood
tests_helpers_flood_SOURCES = tests/helpers/flood.c
tests_helpers_flood_LDADD =
EXTRA_DIST += tests/helpers/http_many.py
# relay: the seeded impairment relay (loss, bursts, duplicates, reordering,
# corruption, delay, a bottleneck, a smaller MTU) between client and server
# namespaces (tests/helpers/relaybed.sh) for the impairment tests and bench.
check_PROGRAMS += tests/helpers/relay
tests_helpers_relay_SOURCES = tests/helpers/relay.c
tests_helpers_relay_LDADD =
EXTRA_DIST += tests/helpers/relaybed.sh

dist_check_SCRIPTS += tests/e2e/steer.sh tests/e2e/serve.sh tests/e2e/daemon_errors.sh tests/e2e/multiqueue.sh tests/e2e/http_semantics.sh tests/e2e/http_files.sh tests/e2e/crash.sh tests/e2e/config_reload.sh
EXTRA_DIST += tests/helpers/testbed.sh tests/helpers/tap.sh
if E2E_TESTS
TESTS += tests/e2e/steer.sh tests/e2e/serve.sh tests/e2e/daemon_errors.sh tests/e2e/multiqueue.sh tests/e2e/http_semantics.sh tests/e2e/http_files.sh tests/e2e/crash.sh tests/e2e/config_reload.sh
endif

# Limits that keep one client from hurting the others (half-closed heads,
# per-source cap, full table; slowloris and slow read with slowhttptest).
dist_check_SCRIPTS += tests/e2e/limits.sh tests/e2e/slow_clients.sh
EXTRA_DIST += tests/helpers/daemon.sh
if E2E_TESTS
TESTS += tests/e2e/limits.sh tests/e2e/slow_clients.sh
endif

# Slow and failing disks (a FUSE file system of our own), FIFOs and device
# nodes under the root, and a flood of requests for missing paths.
dist_check_SCRIPTS += tests/e2e/disk.sh
EXTRA_DIST += tests/helpers/slowfs.py
if E2E_TESTS
TESTS += tests/e2e/disk.sh
endif

# The content cache under pressure: pipelined loads, large files as chunks,
# files replaced while they are sent (http_pipeline.py is their client).
EXTRA_DIST += tests/helpers/http_pipeline.py
dist_check_SCRIPTS += tests/e2e/cache_pipeline.sh tests/e2e/cache_large.sh \
	tests/e2e/cache_pressure.sh
if E2E_TESTS
TESTS += tests/e2e/cache_pipeline.sh tests/e2e/cache_large.sh tests/e2e/cache_pressure.sh
endif

# Floods from spoofed sources inside 198.18.0.0/15: SYN, forged-cookie ACK,
# RST, bad checksums (tests/helpers/flood.c is the sender).
dist_check_SCRIPTS += tests/e2e/flood.sh
if E2E_TESTS
TESTS += tests/e2e/flood.sh
endif

# The package and its unit under a real systemd in a container: run once by
# scripts/test.sh (its own stage, not in each build pass), or by hand.
dist_check_SCRIPTS += tests/e2e/systemd.sh
EXTRA_DIST += tests/helpers/nspawn.sh
# Least privilege (worker threads without capabilities, files read as the
# configured user), warm standby and restart after a crash, the access log.
dist_check_SCRIPTS += tests/e2e/privilege.sh tests/e2e/standby.sh tests/e2e/access_log.sh
EXTRA_DIST += logrotate/xdpserve
if E2E_TESTS
TESTS += tests/e2e/privilege.sh tests/e2e/standby.sh tests/e2e/access_log.sh
endif

# xdpservectl against a running daemon: every subcommand, --json parsed,
# Prometheus text parsed (prom_check.py, python3-prometheus-client).
dist_check_SCRIPTS += tests/e2e/ctl.sh
EXTRA_DIST += tests/helpers/prom_check.py
if E2E_TESTS
TESTS += tests/e2e/ctl.sh
endif

# Packet-level probes with scapy: SYN cookie options, window scale without
# timestamps, the interface's own MAC (tests/helpers/wire_probe.py).
dist_check_SCRIPTS += tests/e2e/wire.sh tests/helpers/wire_probe.py
if E2E_TESTS
TESTS += tests/e2e/wire.sh
endif

# A 1280-byte link in the middle, with ICMP and as a black hole (PMTU).
dist_check_SCRIPTS += tests/e2e/pmtu.sh
if E2E_TESTS
TESTS += tests/e2e/pmtu.sh
endif

# The receive side and RST behaviour at the packet level (tcp_probe.py,
# python3-scapy, is the client).
dist_check_SCRIPTS += tests/e2e/tcp_packets.sh
EXTRA_DIST += tests/helpers/tcp_probe.py
if E2E_TESTS
TESTS += tests/e2e/tcp_packets.sh
endif

# Preferred busy polling (--busy-poll): the interface's deferral set and
# put back, busy polls that find frames.
dist_check_SCRIPTS += tests/e2e/busy_poll.sh
if E2E_TESTS
TESTS += tests/e2e/busy_poll.sh
endif

# SYNs answered in the steering program (syn_probe.py, python3-scapy, sends
# the scripted ones).
dist_check_SCRIPTS += tests/e2e/syn_xdp.sh
EXTRA_DIST += tests/helpers/syn_probe.py
if E2E_TESTS
TESTS += tests/e2e/syn_xdp.sh
endif

# Impaired paths through the seeded relay (tests/helpers/relaybed.sh): loss,
# bursts, reordering, duplicates, corruption, delay, a 1280-byte MTU with
# ICMP and as a black hole (impair_mtu.sh).
dist_check_SCRIPTS += tests/e2e/impair_relay.sh tests/e2e/impair.sh tests/e2e/impair_mtu.sh
if E2E_TESTS
TESTS += tests/e2e/impair_relay.sh tests/e2e/impair.sh tests/e2e/impair_mtu.sh
endif
