# bench/stack: the stack's own cost (stack_bench.c), one worker's TCP, HTTP
# and cache in-process on the fake NIC. Built with the tests; smoke.sh runs
# it small in `make check` (every response whole, every frame back).
check_PROGRAMS += bench/stack/stack_bench
bench_stack_stack_bench_SOURCES = bench/stack/stack_bench.c
bench_stack_stack_bench_LDADD = tests/helpers/libtesthelpers.a $(XDPSERVE_LIBS)

dist_check_SCRIPTS += bench/stack/smoke.sh
TESTS += bench/stack/smoke.sh
