# tests: shared helpers, BPF fixtures and end-to-end scenarios. Unit tests
# are listed by each module's own local.mk next to its sources.

# The steering program on crafted frames (root; skips otherwise) and the
# endpoint text parser.
check_PROGRAMS += tests/bpf/test_steer
TESTS += tests/bpf/test_steer
tests_bpf_test_steer_SOURCES = tests/bpf/test_steer.c tests/bpf/frames.c tests/bpf/frames.h
tests_bpf_test_steer_CFLAGS = $(UNIT_CFLAGS)
tests_bpf_test_steer_LDADD = $(UNIT_LDADD)
EXTRA_tests_bpf_test_steer_DEPENDENCIES = $(BPF_OBJ)
