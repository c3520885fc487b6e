# userspace/io: io_uring reads from disk straight into UMEM frames.
libxdpserve_a_SOURCES += \
	%reldir%/io_reader.c \
	%reldir%/io_reader.h

check_PROGRAMS += tests/unit/io/test_io_reader
TESTS += tests/unit/io/test_io_reader
tests_unit_io_test_io_reader_SOURCES = tests/unit/io/test_io_reader.c
tests_unit_io_test_io_reader_CFLAGS = $(UNIT_CFLAGS)
tests_unit_io_test_io_reader_LDADD = $(UNIT_LDADD)
