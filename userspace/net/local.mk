# userspace/net: Ethernet, IPv4, IPv6 input/output and the Internet checksum.
libxdpserve_a_SOURCES += \
	%reldir%/checksum.c \
	%reldir%/checksum.h \
	%reldir%/nic.h \
	%reldir%/net.h \
	%reldir%/eth.c \
	%reldir%/eth.h \
	%reldir%/ip.h \
	%reldir%/ipv4.c \
	%reldir%/ipv6.c

check_PROGRAMS += tests/unit/net/test_checksum
TESTS += tests/unit/net/test_checksum
tests_unit_net_test_checksum_SOURCES = tests/unit/net/test_checksum.c
tests_unit_net_test_checksum_CFLAGS = $(UNIT_CFLAGS)
tests_unit_net_test_checksum_LDADD = $(UNIT_LDADD)

check_PROGRAMS += tests/unit/net/test_net
TESTS += tests/unit/net/test_net
tests_unit_net_test_net_SOURCES = tests/unit/net/test_net.c
tests_unit_net_test_net_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_unit_net_test_net_CFLAGS = $(UNIT_CFLAGS)
tests_unit_net_test_net_LDADD = tests/helpers/libtesthelpers.a $(UNIT_LDADD)
