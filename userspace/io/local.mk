# userspace/io: io_uring reads from disk straight into UMEM frames.
libxdpserve_a_SOURCES += \
	%reldir%/io_reader.c \
	%reldir%/io_reader.h

UNIT_TESTS += tests/unit/io/test_io_reader
