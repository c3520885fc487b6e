# userspace/cache: content objects in UMEM frames, checksum tables, eviction.
libxdpserve_a_SOURCES += \
	%reldir%/blob.c \
	%reldir%/blob.h \
	%reldir%/cache.c \
	%reldir%/cache.h \
	%reldir%/cache_int.h \
	%reldir%/cache_load.c

check_PROGRAMS += tests/unit/cache/test_blob
TESTS += tests/unit/cache/test_blob
tests_unit_cache_test_blob_SOURCES = tests/unit/cache/test_blob.c
tests_unit_cache_test_blob_CFLAGS = $(UNIT_CFLAGS)
tests_unit_cache_test_blob_LDADD = $(UNIT_LDADD)

check_PROGRAMS += tests/unit/cache/test_cache
TESTS += tests/unit/cache/test_cache
tests_unit_cache_test_cache_SOURCES = tests/unit/cache/test_cache.c
tests_unit_cache_test_cache_CFLAGS = $(UNIT_CFLAGS)
tests_unit_cache_test_cache_LDADD = $(UNIT_LDADD)
