# userspace/tcp: the user-space TCP stack (tcp.h is its whole interface).
libxdpserve_a_SOURCES += \
	%reldir%/tcp.h \
	%reldir%/tcp_int.h \
	%reldir%/tcp_stack.c \
	%reldir%/tcp_input.c \
	%reldir%/tcp_process.c \
	%reldir%/tcp_ack.c \
	%reldir%/tcp_sack.c \
	%reldir%/tcp_output.c \
	%reldir%/tcp_timer.c \
	%reldir%/tcp_timer.h \
	%reldir%/tcp_conn.c \
	%reldir%/tcp_time_wait.c \
	%reldir%/tcp_sendq.c \
	%reldir%/tcp_sendq.h \
	%reldir%/tcp_options.c \
	%reldir%/tcp_options.h \
	%reldir%/syncookie.c \
	%reldir%/syncookie.h \
	%reldir%/siphash.c \
	%reldir%/siphash.h \
	%reldir%/cc.h \
	%reldir%/cc.c \
	%reldir%/cc_newreno.c

# Test helpers: a capturing fake NIC and client packet builders/parsers
# (and, for tests/unit/tcp, the stack fixture).
check_LIBRARIES += tests/helpers/libtesthelpers.a
tests_helpers_libtesthelpers_a_SOURCES = \
	tests/helpers/fake_nic.c \
	tests/helpers/fake_nic.h \
	tests/helpers/pkt.c \
	tests/helpers/pkt.h \
	tests/unit/tcp/harness.c \
	tests/unit/tcp/harness.h
tests_helpers_libtesthelpers_a_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_helpers_libtesthelpers_a_CFLAGS = $(UNIT_CFLAGS)

TCP_TEST_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests -I$(top_srcdir)/tests/unit/tcp
TCP_TEST_LDADD = tests/helpers/libtesthelpers.a $(UNIT_LDADD)

TCP_TESTS = \
	tests/unit/tcp/test_options \
	tests/unit/tcp/test_syncookie \
	tests/unit/tcp/test_sendq \
	tests/unit/tcp/test_timer \
	tests/unit/tcp/test_handshake \
	tests/unit/tcp/test_input \
	tests/unit/tcp/test_retransmit \
	tests/unit/tcp/test_close \
	tests/unit/tcp/test_transfer \
	tests/unit/tcp/test_robustness
check_PROGRAMS += $(TCP_TESTS)
TESTS += $(TCP_TESTS)

tests_unit_tcp_test_options_SOURCES = tests/unit/tcp/test_options.c
tests_unit_tcp_test_options_CPPFLAGS = $(TCP_TEST_CPPFLAGS)
tests_unit_tcp_test_options_CFLAGS = $(UNIT_CFLAGS)
tests_unit_tcp_test_options_LDADD = $(TCP_TEST_LDADD)

tests_unit_tcp_test_syncookie_SOURCES = tests/unit/tcp/test_syncookie.c
tests_unit_tcp_test_syncookie_CPPFLAGS = $(TCP_TEST_CPPFLAGS)
tests_unit_tcp_test_syncookie_CFLAGS = $(UNIT_CFLAGS)
tests_unit_tcp_test_syncookie_LDADD = $(TCP_TEST_LDADD)

tests_unit_tcp_test_sendq_SOURCES = tests/unit/tcp/test_sendq.c
tests_unit_tcp_test_sendq_CPPFLAGS = $(TCP_TEST_CPPFLAGS)
tests_unit_tcp_test_sendq_CFLAGS = $(UNIT_CFLAGS)
tests_unit_tcp_test_sendq_LDADD = $(TCP_TEST_LDADD)

tests_unit_tcp_test_timer_SOURCES = tests/unit/tcp/test_timer.c
tests_unit_tcp_test_timer_CPPFLAGS = $(TCP_TEST_CPPFLAGS)
tests_unit_tcp_test_timer_CFLAGS = $(UNIT_CFLAGS)
tests_unit_tcp_test_timer_LDADD = $(TCP_TEST_LDADD)

tests_unit_tcp_test_handshake_SOURCES = tests/unit/tcp/test_handshake.c
tests_unit_tcp_test_handshake_CPPFLAGS = $(TCP_TEST_CPPFLAGS)
tests_unit_tcp_test_handshake_CFLAGS = $(UNIT_CFLAGS)
tests_unit_tcp_test_handshake_LDADD = $(TCP_TEST_LDADD)

tests_unit_tcp_test_input_SOURCES = tests/unit/tcp/test_input.c
tests_unit_tcp_test_input_CPPFLAGS = $(TCP_TEST_CPPFLAGS)
tests_unit_tcp_test_input_CFLAGS = $(UNIT_CFLAGS)
tests_unit_tcp_test_input_LDADD = $(TCP_TEST_LDADD)

tests_unit_tcp_test_retransmit_SOURCES = tests/unit/tcp/test_retransmit.c
tests_unit_tcp_test_retransmit_CPPFLAGS = $(TCP_TEST_CPPFLAGS)
tests_unit_tcp_test_retransmit_CFLAGS = $(UNIT_CFLAGS)
tests_unit_tcp_test_retransmit_LDADD = $(TCP_TEST_LDADD)

tests_unit_tcp_test_close_SOURCES = tests/unit/tcp/test_close.c
tests_unit_tcp_test_close_CPPFLAGS = $(TCP_TEST_CPPFLAGS)
tests_unit_tcp_test_close_CFLAGS = $(UNIT_CFLAGS)
tests_unit_tcp_test_close_LDADD = $(TCP_TEST_LDADD)

tests_unit_tcp_test_transfer_SOURCES = tests/unit/tcp/test_transfer.c
tests_unit_tcp_test_transfer_CPPFLAGS = $(TCP_TEST_CPPFLAGS)
tests_unit_tcp_test_transfer_CFLAGS = $(UNIT_CFLAGS)
tests_unit_tcp_test_transfer_LDADD = $(TCP_TEST_LDADD)

tests_unit_tcp_test_robustness_SOURCES = tests/unit/tcp/test_robustness.c
tests_unit_tcp_test_robustness_CPPFLAGS = $(TCP_TEST_CPPFLAGS)
tests_unit_tcp_test_robustness_CFLAGS = $(UNIT_CFLAGS)
tests_unit_tcp_test_robustness_LDADD = $(TCP_TEST_LDADD)
