# userspace/cache: content objects in UMEM frames, checksum tables, eviction.
libxdpserve_a_SOURCES += \
	%reldir%/blob.c \
	%reldir%/blob.h

check_PROGRAMS += tests/unit/cache/test_blob
TESTS += tests/unit/cache/test_blob
tests_unit_cache_test_blob_SOURCES = tests/unit/cache/test_blob.c
tests_unit_cache_test_blob_CFLAGS = $(UNIT_CFLAGS)
tests_unit_cache_test_blob_LDADD = $(UNIT_LDADD)
