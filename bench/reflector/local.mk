# bench/reflector: the medium's floor probe (reflector.c): an AF_XDP copy-mode
# socket that answers each UDP frame with N frames, and its UDP driver.
# bench/compare.sh runs it; built with the daemon so the bench finds it.
noinst_PROGRAMS += bench/reflector/reflector
bench_reflector_reflector_SOURCES = bench/reflector/reflector.c
bench_reflector_reflector_LDADD = $(LIBXDP_LIBS) $(LIBBPF_LIBS)
