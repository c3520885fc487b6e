# userspace/net: Ethernet, IPv4, IPv6 input/output and the Internet checksum.
libxdpserve_a_SOURCES += \
	%reldir%/checksum.c \
	%reldir%/checksum.h \
	%reldir%/nic.h \
	%reldir%/net.h \
	%reldir%/eth.c \
	%reldir%/eth.h \
	%reldir%/iface.c \
	%reldir%/napi_defer.c \
	%reldir%/napi_defer.h \
	%reldir%/ip.h \
	%reldir%/ipv4.c \
	%reldir%/ipv6.c

UNIT_TESTS += tests/unit/net/test_checksum

UNIT_TESTS += tests/unit/net/test_net
