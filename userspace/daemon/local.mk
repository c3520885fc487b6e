# userspace/daemon: xdpserved — configuration, life cycle, per-queue workers.
sbin_PROGRAMS += xdpserved
libxdpserve_a_SOURCES += \
	%reldir%/conf.c \
	%reldir%/conf.h \
	%reldir%/control.c \
	%reldir%/control.h \
	%reldir%/control_cmds.c \
	%reldir%/metrics.c \
	%reldir%/metrics.h \
	%reldir%/metrics_http.c \
	%reldir%/daemon.c \
	%reldir%/daemon.h \
	%reldir%/worker.c \
	%reldir%/worker.h
xdpserved_SOURCES = %reldir%/main.c
xdpserved_LDADD = $(XDPSERVE_LIBS)

UNIT_TESTS += tests/unit/daemon/test_conf
# The control socket's protocol with a fake daemon, and the Prometheus text.
UNIT_TESTS += tests/unit/daemon/test_control
