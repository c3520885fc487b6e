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
