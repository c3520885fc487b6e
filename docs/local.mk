# docs: installed with the package; scripts and benchmarks travel in the tarball.
dist_doc_DATA += README.md docs/architecture.md docs/configuration.md docs/operations.md docs/performance.md \
	docs/testing.md
EXTRA_DIST += scripts/install-deps.sh scripts/build.sh scripts/test.sh scripts/demo.sh \
	bench/bed.sh bench/compare.sh bench/large.sh bench/impair.sh bench/synflood.sh .ci/run
dist_man5_MANS = man/xdpserve.conf.5
