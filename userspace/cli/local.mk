# userspace/cli: xdpservectl, one file per group of subcommands (cli.h).
sbin_PROGRAMS += xdpservectl
xdpservectl_SOURCES = \
	%reldir%/cli.h \
	%reldir%/main.c \
	%reldir%/client.c \
	%reldir%/status.c \
	%reldir%/stats.c \
	%reldir%/daemon_cmds.c \
	%reldir%/doctor.c \
	%reldir%/doctor.h \
	%reldir%/doctor_probe.c \
	%reldir%/steer_cmds.c \
	%reldir%/addr.c
xdpservectl_LDADD = $(XDPSERVE_LIBS)
xdpservectl_CPPFLAGS = $(XDPSERVE_CPPFLAGS)
xdpservectl_CFLAGS = $(XDPSERVE_CFLAGS)
