# userspace/common: logging, small containers and the keyed hash shared by
# every module.
libxdpserve_a_SOURCES += \
	%reldir%/log.c \
	%reldir%/log.h \
	%reldir%/caps.h \
	%reldir%/list.h \
	%reldir%/siphash.c \
	%reldir%/siphash.h
