# userspace/net: Ethernet, IPv4, IPv6 input/output and the Internet checksum.
libxdpserve_a_SOURCES += \
	%reldir%/checksum.c \
	%reldir%/checksum.h \
	%reldir%/nic.h

check_PROGRAMS += tests/unit/net/test_checksum
TESTS += tests/unit/net/test_checksum
tests_unit_net_test_checksum_SOURCES = tests/unit/net/test_checksum.c
tests_unit_net_test_checksum_CFLAGS = $(UNIT_CFLAGS)
tests_unit_net_test_checksum_LDADD = $(UNIT_LDADD)
