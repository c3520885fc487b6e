# userspace/daemon: xdpserved — configuration, life cycle, per-queue workers.
sbin_PROGRAMS += xdpserved
libxdpserve_a_SOURCES += \
	%reldir%/conf.c \
	%reldir%/conf.h \
	%reldir%/daemon.c \
	%reldir%/daemon.h \
	%reldir%/worker.c \
	%reldir%/worker.h
xdpserved_SOURCES = %reldir%/main.c
xdpserved_LDADD = $(XDPSERVE_LIBS)

check_PROGRAMS += tests/unit/daemon/test_conf
TESTS += tests/unit/daemon/test_conf
tests_unit_daemon_test_conf_SOURCES = tests/unit/daemon/test_conf.c
tests_unit_daemon_test_conf_CFLAGS = $(UNIT_CFLAGS)
tests_unit_daemon_test_conf_LDADD = $(UNIT_LDADD)
