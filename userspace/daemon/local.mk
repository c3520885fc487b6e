# userspace/daemon: xdpserved — configuration, life cycle, per-queue workers.
sbin_PROGRAMS += xdpserved
libxdpserve_a_SOURCES += \
	%reldir%/access_log.c \
	%reldir%/access_log.h \
	%reldir%/conf.c \
	%reldir%/conf.h \
	%reldir%/conf_check.c \
	%reldir%/conf_int.h \
	%reldir%/conf_table.c \
	%reldir%/control.c \
	%reldir%/control.h \
	%reldir%/control_cmds.c \
	%reldir%/metrics.c \
	%reldir%/metrics.h \
	%reldir%/metrics_http.c \
	%reldir%/daemon.c \
	%reldir%/daemon.h \
	%reldir%/privilege.c \
	%reldir%/privilege.h \
	%reldir%/worker.c \
	%reldir%/worker.h
xdpserved_SOURCES = %reldir%/main.c
xdpserved_LDADD = $(XDPSERVE_LIBS)
xdpserved_CPPFLAGS = $(XDPSERVE_CPPFLAGS)
xdpserved_CFLAGS = $(XDPSERVE_CFLAGS)

UNIT_TESTS += tests/unit/daemon/test_conf
UNIT_TESTS += tests/unit/daemon/test_access_log

# Least privilege after set-up (privilege.c): per-thread capability sets.
XDPSERVE_CFLAGS += $(LIBCAPNG_CFLAGS)
XDPSERVE_LIBS += $(LIBCAPNG_LIBS)
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
# The control socket's protocol with a fake daemon, and the Prometheus text.
UNIT_TESTS += tests/unit/daemon/test_control
