# userspace/xsk: UMEM, frame ownership, per-queue AF_XDP sockets (rx, tx, completions).
libxdpserve_a_SOURCES += \
	%reldir%/xsk_compat.h \
	%reldir%/frame.c \
	%reldir%/frame.h \
	%reldir%/umem.c \
	%reldir%/umem.h \
	%reldir%/xsk_queue.c \
	%reldir%/xsk_queue.h \
	%reldir%/xsk_queue_int.h \
	%reldir%/xsk_rx.c \
	%reldir%/xsk_tx.c

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

# Needs root: skips (Criterion cr_skip_test) otherwise.
check_PROGRAMS += tests/unit/xsk/test_xsk_veth
TESTS += tests/unit/xsk/test_xsk_veth
tests_unit_xsk_test_xsk_veth_SOURCES = tests/unit/xsk/test_xsk_veth.c
tests_unit_xsk_test_xsk_veth_CFLAGS = $(UNIT_CFLAGS)
tests_unit_xsk_test_xsk_veth_LDADD = $(UNIT_LDADD)
