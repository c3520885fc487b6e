# userspace/xsk: UMEM, frame ownership, per-queue AF_XDP sockets (rx, tx, completions).
libxdpserve_a_SOURCES += \
	%reldir%/xsk_compat.h \
	%reldir%/frame.c \
	%reldir%/frame.h \
	%reldir%/umem.c \
	%reldir%/umem.h

check_PROGRAMS += tests/unit/xsk/test_frame
TESTS += tests/unit/xsk/test_frame
tests_unit_xsk_test_frame_SOURCES = tests/unit/xsk/test_frame.c
tests_unit_xsk_test_frame_CFLAGS = $(UNIT_CFLAGS)
tests_unit_xsk_test_frame_LDADD = $(UNIT_LDADD)

check_PROGRAMS += tests/unit/xsk/test_umem
TESTS += tests/unit/xsk/test_umem
tests_unit_xsk_test_umem_SOURCES = tests/unit/xsk/test_umem.c
tests_unit_xsk_test_umem_CFLAGS = $(UNIT_CFLAGS)
tests_unit_xsk_test_umem_LDADD = $(UNIT_LDADD)
