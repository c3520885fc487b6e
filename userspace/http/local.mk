# userspace/http: the HTTP/1.1 protocol layer as pure functions over
# caller-provided buffers (no I/O, no allocation): request parsing, target
# to path, MIME types, dates, conditionals, ranges and response heads.
libxdpserve_a_SOURCES += \
	%reldir%/http_types.h \
	%reldir%/mime.c \
	%reldir%/mime.h

check_PROGRAMS += tests/unit/http/test_mime
TESTS += tests/unit/http/test_mime
tests_unit_http_test_mime_SOURCES = tests/unit/http/test_mime.c
tests_unit_http_test_mime_CFLAGS = $(UNIT_CFLAGS)
tests_unit_http_test_mime_LDADD = $(UNIT_LDADD)

libxdpserve_a_SOURCES += \
	%reldir%/http_date.c \
	%reldir%/http_date.h

check_PROGRAMS += tests/unit/http/test_http_date
TESTS += tests/unit/http/test_http_date
tests_unit_http_test_http_date_SOURCES = tests/unit/http/test_http_date.c
tests_unit_http_test_http_date_CFLAGS = $(UNIT_CFLAGS)
tests_unit_http_test_http_date_LDADD = $(UNIT_LDADD)

libxdpserve_a_SOURCES += \
	%reldir%/http_parse.c \
	%reldir%/http_parse.h

check_PROGRAMS += tests/unit/http/test_http_parse
TESTS += tests/unit/http/test_http_parse
tests_unit_http_test_http_parse_SOURCES = \
	tests/unit/http/parse_test.h \
	tests/unit/http/test_http_parse.c \
	tests/unit/http/test_http_parse_hostile.c
tests_unit_http_test_http_parse_CFLAGS = $(UNIT_CFLAGS)
tests_unit_http_test_http_parse_LDADD = $(UNIT_LDADD)

libxdpserve_a_SOURCES += \
	%reldir%/http_path.c \
	%reldir%/http_path.h

check_PROGRAMS += tests/unit/http/test_http_path
TESTS += tests/unit/http/test_http_path
tests_unit_http_test_http_path_SOURCES = tests/unit/http/test_http_path.c
tests_unit_http_test_http_path_CFLAGS = $(UNIT_CFLAGS)
tests_unit_http_test_http_path_LDADD = $(UNIT_LDADD)

libxdpserve_a_SOURCES += \
	%reldir%/http_cond.c \
	%reldir%/http_cond.h

check_PROGRAMS += tests/unit/http/test_http_cond
TESTS += tests/unit/http/test_http_cond
tests_unit_http_test_http_cond_SOURCES = tests/unit/http/test_http_cond.c
tests_unit_http_test_http_cond_CFLAGS = $(UNIT_CFLAGS)
tests_unit_http_test_http_cond_LDADD = $(UNIT_LDADD)

libxdpserve_a_SOURCES += \
	%reldir%/http_range.c \
	%reldir%/http_range.h \
	%reldir%/http_wbuf.h

check_PROGRAMS += tests/unit/http/test_http_range
TESTS += tests/unit/http/test_http_range
tests_unit_http_test_http_range_SOURCES = tests/unit/http/test_http_range.c
tests_unit_http_test_http_range_CFLAGS = $(UNIT_CFLAGS)
tests_unit_http_test_http_range_LDADD = $(UNIT_LDADD)

libxdpserve_a_SOURCES += \
	%reldir%/http_response.c \
	%reldir%/http_response.h

check_PROGRAMS += tests/unit/http/test_http_response
TESTS += tests/unit/http/test_http_response
tests_unit_http_test_http_response_SOURCES = tests/unit/http/test_http_response.c
tests_unit_http_test_http_response_CFLAGS = $(UNIT_CFLAGS)
tests_unit_http_test_http_response_LDADD = $(UNIT_LDADD)

# The per-connection state machine between the TCP stack and the cache.
libxdpserve_a_SOURCES += \
	%reldir%/http_server.c \
	%reldir%/http_server.h
