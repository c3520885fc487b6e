// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_http_path.c — request-target to path (http/http_path.c), then the
 * redirect Location built from the result.
 *
 * Properties of an accepted target: the result never leaves the root — no
 * ".." or "." segment, no empty segment, never starts or ends with '/',
 * never contains NUL, '\' or a control character; res->len is its length.
 * The redirect Location for it (percent-encoded) starts with one '/' and
 * resolves back to the same path: the result is already normal. A refused
 * target carries 400 or 414.
 */
#include "fuzz/fuzz.h"

#include <stdbool.h>
#include <string.h>

#include "http/http_path.h"

static void check_normal(const char *out, size_t len)
{
	size_t seg = 0;

	FUZZ_CHECK(strlen(out) == len, "NUL inside the path or wrong length (%zu vs %zu)",
		   strlen(out), len);
	if (!len)
		return;
	FUZZ_CHECK(out[0] != '/' && out[len - 1] != '/', "path \"%s\" starts or ends with /", out);
	for (size_t i = 0; i <= len; i++) {
		if (i < len && out[i] != '/') {
			FUZZ_CHECK((unsigned char)out[i] >= 0x20 && out[i] != 0x7f &&
					   out[i] != '\\',
				   "control character or backslash in \"%s\"", out);
			continue;
		}
		FUZZ_CHECK(i > seg, "empty segment in \"%s\"", out);
		FUZZ_CHECK(!(i - seg == 2 && out[seg] == '.' && out[seg + 1] == '.'),
			   "\"..\" segment in \"%s\"", out);
		FUZZ_CHECK(!(i - seg == 1 && out[seg] == '.'), "\".\" segment in \"%s\"", out);
		seg = i + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char out[HTTP_PATH_MAX], again[HTTP_PATH_MAX], loc[3 * HTTP_PATH_MAX + 16];
	struct http_path res, res3;
	char *t = malloc(size ? size : 1);
	int n;

	memcpy(t, data, size);
	if (http_path_from_target(t, size, out, sizeof(out), &res)) {
		FUZZ_CHECK(res.status == 400 || res.status == 414, "status %d", res.status);
		free(t);
		return 0;
	}
	FUZZ_CHECK(size && t[0] == '/', "accepted a target not starting with /");
	FUZZ_CHECK(res.len < sizeof(out), "length %zu", res.len);
	check_normal(out, res.len);

	/* The redirect Location resolves back to the same path. */
	n = http_path_redirect_location(loc, sizeof(loc), out, res.len, NULL);
	if (n > 0) {
		FUZZ_CHECK(loc[0] == '/' && loc[1] != '/', "Location \"%s\"", loc);
		FUZZ_CHECK(!http_path_from_target(loc, (size_t)n, again, sizeof(again), &res3),
			   "Location \"%s\" is refused (%d)", loc, res3.status);
		FUZZ_CHECK(res3.len == res.len && !memcmp(again, out, res.len) && res3.dir,
			   "Location \"%s\" resolves to \"%s\", not \"%s\"/", loc, again, out);
	}
	free(t);
	return 0;
}
