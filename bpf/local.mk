# bpf: the XDP steering program, built with clang for the bpf target and
# installed under $(libdir)/bpf.
BPF_OBJ = bpf/xdpserve.bpf.o
bpf_DATA += $(BPF_OBJ)
noinst_HEADERS += %reldir%/parse.h %reldir%/siphash.h %reldir%/synack.h include/xdpserve/shared.h
EXTRA_DIST += %reldir%/xdpserve.bpf.c
CLEANFILES += $(BPF_OBJ)

$(BPF_OBJ): $(srcdir)/bpf/xdpserve.bpf.c $(srcdir)/bpf/parse.h \
		$(srcdir)/bpf/siphash.h $(srcdir)/bpf/synack.h $(srcdir)/include/xdpserve/shared.h
	@$(MKDIR_P) bpf
	$(AM_V_GEN)$(CLANG) $(BPF_CFLAGS) -I$(srcdir)/include -c $(srcdir)/bpf/xdpserve.bpf.c -o $@
