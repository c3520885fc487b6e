# userspace/cli: xdpservectl, one file per group of subcommands.
sbin_PROGRAMS += xdpservectl
xdpservectl_SOURCES = \
	%reldir%/cli.h \
	%reldir%/main.c \
	%reldir%/steer_cmds.c \
	%reldir%/addr.c \
	%reldir%/stats.c
xdpservectl_LDADD = $(XDPSERVE_LIBS)
xdpservectl_CPPFLAGS = $(XDPSERVE_CPPFLAGS)
xdpservectl_CFLAGS = $(XDPSERVE_CFLAGS)
