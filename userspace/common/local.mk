# userspace/common: logging and small containers shared by every module.
libxdpserve_a_SOURCES += \
	%reldir%/log.c \
	%reldir%/log.h \
	%reldir%/list.h
