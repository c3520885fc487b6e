# userspace/xsk: UMEM, frame ownership, per-queue AF_XDP sockets (rx, tx, completions).
libxdpserve_a_SOURCES += \
	%reldir%/xsk_compat.h \
	%reldir%/frame.c \
	%reldir%/frame.h

check_PROGRAMS += tests/unit/xsk/test_frame
TESTS += tests/unit/xsk/test_frame
tests_unit_xsk_test_frame_SOURCES = tests/unit/xsk/test_frame.c
tests_unit_xsk_test_frame_CFLAGS = $(UNIT_CFLAGS)
tests_unit_xsk_test_frame_LDADD = $(UNIT_LDADD)
