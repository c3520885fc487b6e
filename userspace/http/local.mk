# userspace/http: the HTTP/1.1 protocol layer as pure functions over
# caller-provided buffers (no I/O, no allocation): request parsing, target
# to path, MIME types, dates, conditionals, ranges and response heads.
libxdpserve_a_SOURCES += \
	%reldir%/http_types.h \
	%reldir%/mime.c \
	%reldir%/mime.h

UNIT_TESTS += tests/unit/http/test_mime

libxdpserve_a_SOURCES += \
	%reldir%/http_date.c \
	%reldir%/http_date.h

UNIT_TESTS += tests/unit/http/test_http_date

libxdpserve_a_SOURCES += \
	%reldir%/http_parse.c \
	%reldir%/http_parse.h

UNIT_TESTS += tests/unit/http/test_http_parse
tests_unit_http_test_http_parse_SOURCES = \
	tests/unit/http/parse_test.h \
	tests/unit/http/test_http_parse.c \
	tests/unit/http/test_http_parse_hostile.c

libxdpserve_a_SOURCES += \
	%reldir%/http_path.c \
	%reldir%/http_path.h

UNIT_TESTS += tests/unit/http/test_http_path

libxdpserve_a_SOURCES += \
	%reldir%/http_cond.c \
	%reldir%/http_cond.h

UNIT_TESTS += tests/unit/http/test_http_cond

libxdpserve_a_SOURCES += \
	%reldir%/http_range.c \
	%reldir%/http_range.h \
	%reldir%/http_wbuf.h

UNIT_TESTS += tests/unit/http/test_http_range

libxdpserve_a_SOURCES += \
	%reldir%/http_response.c \
	%reldir%/http_response.h

UNIT_TESTS += tests/unit/http/test_http_response

libxdpserve_a_SOURCES += \
	%reldir%/http_encoding.c \
	%reldir%/http_encoding.h

UNIT_TESTS += tests/unit/http/test_http_encoding

# Request to object: path, dot files, index names, variants (over a cache seam).
libxdpserve_a_SOURCES += \
	%reldir%/http_resolve.c \
	%reldir%/http_resolve.h

UNIT_TESTS += tests/unit/http/test_http_resolve

# The per-connection state machine between the TCP stack and the cache.
libxdpserve_a_SOURCES += \
	%reldir%/http_file.c \
	%reldir%/http_server.c \
	%reldir%/http_server.h \
	%reldir%/http_server_int.h

UNIT_TESTS += tests/unit/http/test_http_server
