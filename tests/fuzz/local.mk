# tests/fuzz: libFuzzer targets for every parser and for the TCP state
# machine (see docs/testing.md). Each fuzz_<name>.c is linked twice:
#  - tests/fuzz/replay_<name> (any compiler, make check): replays the
#    committed corpus tests/fuzz/corpus/<name>/ once (tests/fuzz/replay.sh);
#  - tests/fuzz/fuzz_<name> (clang, libFuzzer): built and run by `make fuzz`
#    (tests/fuzz/run.sh) in its own clang tree, FUZZ_SECONDS per target.
FUZZ_NAMES = net tcp_options tcp_stack http_parse http_path http_range conf

fuzz_replay_bins = \
	tests/fuzz/replay_net tests/fuzz/replay_tcp_options tests/fuzz/replay_tcp_stack \
	tests/fuzz/replay_http_parse tests/fuzz/replay_http_path tests/fuzz/replay_http_range \
	tests/fuzz/replay_conf
fuzz_bins = \
	tests/fuzz/fuzz_net tests/fuzz/fuzz_tcp_options tests/fuzz/fuzz_tcp_stack \
	tests/fuzz/fuzz_http_parse tests/fuzz/fuzz_http_path tests/fuzz/fuzz_http_range \
	tests/fuzz/fuzz_conf
check_PROGRAMS += $(fuzz_replay_bins)
# Not built by default: they need clang's -fsanitize=fuzzer.
EXTRA_PROGRAMS = $(fuzz_bins)
noinst_HEADERS += tests/fuzz/fuzz.h

fuzz_replay_common = tests/fuzz/replay.c tests/fuzz/fuzz.h
tests_fuzz_replay_net_SOURCES = tests/fuzz/fuzz_net.c $(fuzz_replay_common)
tests_fuzz_replay_tcp_options_SOURCES = tests/fuzz/fuzz_tcp_options.c $(fuzz_replay_common)
tests_fuzz_replay_tcp_stack_SOURCES = tests/fuzz/fuzz_tcp_stack.c $(fuzz_replay_common)
tests_fuzz_replay_http_parse_SOURCES = tests/fuzz/fuzz_http_parse.c $(fuzz_replay_common)
tests_fuzz_replay_http_path_SOURCES = tests/fuzz/fuzz_http_path.c $(fuzz_replay_common)
tests_fuzz_replay_http_range_SOURCES = tests/fuzz/fuzz_http_range.c $(fuzz_replay_common)
tests_fuzz_replay_conf_SOURCES = tests/fuzz/fuzz_conf.c $(fuzz_replay_common)

tests_fuzz_fuzz_net_SOURCES = tests/fuzz/fuzz_net.c
tests_fuzz_fuzz_tcp_options_SOURCES = tests/fuzz/fuzz_tcp_options.c
tests_fuzz_fuzz_tcp_stack_SOURCES = tests/fuzz/fuzz_tcp_stack.c
tests_fuzz_fuzz_http_parse_SOURCES = tests/fuzz/fuzz_http_parse.c
tests_fuzz_fuzz_http_path_SOURCES = tests/fuzz/fuzz_http_path.c
tests_fuzz_fuzz_http_range_SOURCES = tests/fuzz/fuzz_http_range.c
tests_fuzz_fuzz_conf_SOURCES = tests/fuzz/fuzz_conf.c
fuzz_link_flags = -fsanitize=fuzzer
tests_fuzz_fuzz_net_LDFLAGS = $(fuzz_link_flags)
tests_fuzz_fuzz_tcp_options_LDFLAGS = $(fuzz_link_flags)
tests_fuzz_fuzz_tcp_stack_LDFLAGS = $(fuzz_link_flags)
tests_fuzz_fuzz_http_parse_LDFLAGS = $(fuzz_link_flags)
tests_fuzz_fuzz_http_path_LDFLAGS = $(fuzz_link_flags)
tests_fuzz_fuzz_http_range_LDFLAGS = $(fuzz_link_flags)
tests_fuzz_fuzz_conf_LDFLAGS = $(fuzz_link_flags)

dist_check_SCRIPTS += tests/fuzz/replay.sh
TESTS += tests/fuzz/replay.sh
EXTRA_DIST += tests/fuzz/run.sh tests/fuzz/make_corpus.py tests/fuzz/corpus tests/fuzz/dict

# make fuzz [FUZZ_SECONDS=N] [FUZZ_TARGETS="net conf"]: search, not replay.
FUZZ_SECONDS = 60
FUZZ_TARGETS = $(FUZZ_NAMES)
fuzz:
	FUZZ_SECONDS='$(FUZZ_SECONDS)' FUZZ_BUILDDIR='$(abs_top_builddir)/fuzz-build' \
		$(SHELL) '$(abs_top_srcdir)/tests/fuzz/run.sh' $(FUZZ_TARGETS)
.PHONY: fuzz
