# userspace/io: every disk call through io_uring: reads straight into UMEM
# frames, and the open-and-check chain of a cache miss.
libxdpserve_a_SOURCES += \
	%reldir%/file_open.c \
	%reldir%/file_open.h \
	%reldir%/io_reader.c \
	%reldir%/io_reader.h

UNIT_TESTS += tests/unit/io/test_io_reader
UNIT_TESTS += tests/unit/io/test_file_open
