# bench/ratecli: an open-loop HTTP/1.1 client (ratecli.c) for the rate-5k
# scenario of bench/compare.sh; smoke.sh runs it for a second against a
# local server in `make check` (it runs and counts; nothing about time).
noinst_PROGRAMS += bench/ratecli/ratecli
bench_ratecli_ratecli_SOURCES = bench/ratecli/ratecli.c
bench_ratecli_ratecli_LDADD =

dist_check_SCRIPTS += bench/ratecli/smoke.sh
TESTS += bench/ratecli/smoke.sh
