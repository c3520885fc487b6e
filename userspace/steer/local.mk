# userspace/steer: load, find and drive the XDP steering program (bpf/) on an
# interface; used by the daemon and by xdpservectl.
libxdpserve_a_SOURCES += \
	%reldir%/steer.h \
	%reldir%/steer_internal.h \
	%reldir%/steer.c \
	%reldir%/maps.c \
	%reldir%/bpffs.c \
	%reldir%/endpoint.c
