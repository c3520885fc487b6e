# tests: shared helpers, BPF fixtures and end-to-end scenarios. Unit tests
# are listed by each module's own local.mk next to its sources.

# The steering program on crafted and mutated frames (root; skips otherwise;
# mutated ones against the reference classifier steer_ref.c), and the
# endpoint text parser.
UNIT_TESTS += tests/bpf/test_steer
tests_bpf_test_steer_SOURCES = tests/bpf/test_steer.c tests/bpf/frames.c tests/bpf/frames.h \
	tests/bpf/steer_ref.c tests/bpf/steer_ref.h
EXTRA_tests_bpf_test_steer_DEPENDENCIES = $(BPF_OBJ)

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

dist_check_SCRIPTS += tests/e2e/steer.sh tests/e2e/serve.sh tests/e2e/daemon_errors.sh tests/e2e/multiqueue.sh tests/e2e/http_semantics.sh tests/e2e/crash.sh \
	tests/e2e/flood.sh
EXTRA_DIST += tests/helpers/testbed.sh tests/helpers/tap.sh
if E2E_TESTS
TESTS += tests/e2e/steer.sh tests/e2e/serve.sh tests/e2e/daemon_errors.sh tests/e2e/multiqueue.sh tests/e2e/http_semantics.sh tests/e2e/crash.sh \
	tests/e2e/flood.sh
endif
