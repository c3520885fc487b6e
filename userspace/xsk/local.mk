# userspace/xsk: UMEM, frame ownership, per-queue AF_XDP sockets (rx, tx, completions).
libxdpserve_a_SOURCES += \
	%reldir%/xsk_compat.h \
	%reldir%/frame.c \
	%reldir%/frame.h \
	%reldir%/umem.c \
	%reldir%/umem.h \
	%reldir%/xsk_busy_poll.c \
	%reldir%/xsk_queue.c \
	%reldir%/xsk_queue.h \
	%reldir%/xsk_queue_int.h \
	%reldir%/xsk_rx.c \
	%reldir%/xsk_tx.c

UNIT_TESTS += tests/unit/xsk/test_frame

UNIT_TESTS += tests/unit/xsk/test_umem

# Needs root: skips (Criterion cr_skip_test) otherwise.
UNIT_TESTS += tests/unit/xsk/test_xsk_veth
