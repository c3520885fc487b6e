# userspace/daemon: xdpserved — configuration, life cycle, per-queue workers.
sbin_PROGRAMS += xdpserved
libxdpserve_a_SOURCES += \
	%reldir%/access_log.c \
	%reldir%/access_log.h \
	%reldir%/conf.c \
	%reldir%/conf.h \
	%reldir%/daemon.c \
	%reldir%/daemon.h \
	%reldir%/privilege.c \
	%reldir%/privilege.h \
	%reldir%/worker.c \
	%reldir%/worker.h
xdpserved_SOURCES = %reldir%/main.c
xdpserved_LDADD = $(XDPSERVE_LIBS)

UNIT_TESTS += tests/unit/daemon/test_conf
UNIT_TESTS += tests/unit/daemon/test_access_log

# Least privilege after set-up (privilege.c): per-thread capability sets.
AM_CFLAGS += $(LIBCAPNG_CFLAGS)
XDPSERVE_LIBS += $(LIBCAPNG_LIBS)
