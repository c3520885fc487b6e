# userspace/daemon: xdpserved — configuration, life cycle, per-queue workers.
sbin_PROGRAMS += xdpserved
libxdpserve_a_SOURCES += \
	%reldir%/conf.c \
	%reldir%/conf.h \
	%reldir%/conf_check.c \
	%reldir%/conf_int.h \
	%reldir%/conf_table.c \
	%reldir%/daemon.c \
	%reldir%/daemon.h \
	%reldir%/worker.c \
	%reldir%/worker.h
xdpserved_SOURCES = %reldir%/main.c
xdpserved_LDADD = $(XDPSERVE_LIBS)
xdpserved_CPPFLAGS = $(XDPSERVE_CPPFLAGS)
xdpserved_CFLAGS = $(XDPSERVE_CFLAGS)

UNIT_TESTS += tests/unit/daemon/test_conf
UNIT_TESTS += tests/unit/daemon/test_conf_file

# The key reference of docs/configuration.md and xdpserve.conf(5) comes from
# the option table: `make update-conf-docs` writes it, test_conf_doc checks it.
noinst_PROGRAMS += conf-reference
conf_reference_SOURCES = %reldir%/conf_reference.c
conf_reference_LDADD = $(XDPSERVE_LIBS)
EXTRA_DIST += scripts/conf-docs.sh
update-conf-docs: conf-reference$(EXEEXT)
	$(SHELL) $(top_srcdir)/scripts/conf-docs.sh ./conf-reference$(EXEEXT) $(top_srcdir)
.PHONY: update-conf-docs
UNIT_TESTS += tests/unit/daemon/test_conf_doc
