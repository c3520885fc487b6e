# userspace/tcp: the user-space TCP stack (tcp.h is its whole interface).
libxdpserve_a_SOURCES += \
	%reldir%/tcp.h \
	%reldir%/tcp_int.h \
	%reldir%/tcp_stack.c \
	%reldir%/tcp_input.c \
	%reldir%/tcp_process.c \
	%reldir%/tcp_ack.c \
	%reldir%/tcp_sack.c \
	%reldir%/tcp_reass.c \
	%reldir%/tcp_tsq.c \
	%reldir%/tcp_rack.c \
	%reldir%/tcp_rack.h \
	%reldir%/tcp_output.c \
	%reldir%/tcp_timer.c \
	%reldir%/tcp_timer.h \
	%reldir%/tcp_conn.c \
	%reldir%/tcp_time_wait.c \
	%reldir%/tcp_source.c \
	%reldir%/tcp_pmtu.c \
	%reldir%/tcp_sendq.c \
	%reldir%/tcp_sendq.h \
	%reldir%/tcp_options.c \
	%reldir%/tcp_options.h \
	%reldir%/syncookie.c \
	%reldir%/syncookie.h \
	%reldir%/cc.h \
	%reldir%/cc.c \
	%reldir%/cc_newreno.c \
	%reldir%/cc_cubic.c

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

UNIT_TESTS += \
	tests/unit/tcp/test_options \
	tests/unit/tcp/test_syncookie \
	tests/unit/tcp/test_sendq \
	tests/unit/tcp/test_timer \
	tests/unit/tcp/test_handshake \
	tests/unit/tcp/test_cookie_loss \
	tests/unit/tcp/test_input \
	tests/unit/tcp/test_retransmit \
	tests/unit/tcp/test_close \
	tests/unit/tcp/test_incarnation \
	tests/unit/tcp/test_transfer \
	tests/unit/tcp/test_robustness \
	tests/unit/tcp/test_limits \
	tests/unit/tcp/test_pmtu \
	tests/unit/tcp/test_reass \
	tests/unit/tcp/test_txlimit \
	tests/unit/tcp/test_cc_newreno \
	tests/unit/tcp/test_cc_cubic \
	tests/unit/tcp/test_rack
# The CUBIC test checks the window against the RFC's formulas (cbrt, pow).
tests_unit_tcp_test_cc_cubic_LDADD = $(LDADD) -lm
