# userspace/tcp: the user-space TCP stack (tcp.h is its whole interface).

# Test helpers: a capturing fake NIC and client packet builders/parsers
# (and, for tests/unit/tcp, the stack fixture). The top-level Makefile.am
# does not define check_LIBRARIES, so it is set here; once it does
# (check_LIBRARIES =), this becomes +=.
check_LIBRARIES = tests/helpers/libtesthelpers.a
tests_helpers_libtesthelpers_a_SOURCES = \
	tests/helpers/fake_nic.c \
	tests/helpers/fake_nic.h \
	tests/helpers/pkt.c \
	tests/helpers/pkt.h
tests_helpers_libtesthelpers_a_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_helpers_libtesthelpers_a_CFLAGS = $(UNIT_CFLAGS)
