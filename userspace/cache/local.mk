# userspace/cache: content objects in UMEM frames, checksum tables, eviction.
libxdpserve_a_SOURCES += \
	%reldir%/blob.c \
	%reldir%/blob.h \
	%reldir%/cache.c \
	%reldir%/cache.h \
	%reldir%/cache_int.h \
	%reldir%/cache_load.c \
	%reldir%/negcache.c \
	%reldir%/negcache.h

UNIT_TESTS += tests/unit/cache/test_blob
UNIT_TESTS += tests/unit/cache/test_negcache

UNIT_TESTS += tests/unit/cache/test_cache
