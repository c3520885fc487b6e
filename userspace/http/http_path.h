/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * http_path.h — from a request-target to a path relative to the document
 * root, and back to a redirect Location.
 *
 * Called by the HTTP connection code after http_parse_request() accepted a
 * head: it turns req->target into the path the cache looks up (and the
 * disk code opens with openat2(RESOLVE_BENEATH) under the root, which also
 * stops symlinks from leaving it). The path never climbs above the root:
 * anything that would is refused here, before any lookup.
 */
#ifndef XDPSERVE_HTTP_PATH_H
#define XDPSERVE_HTTP_PATH_H

#include <stdbool.h>
#include <stddef.h>

#include "http/http_types.h"

/*
 * The longest path a file can have (Linux PATH_MAX). Decoding never makes
 * a path longer than its target, so an output buffer as large as the
 * request-line limit holds any accepted target; a longer path than this
 * is then simply not found.
 */
#define HTTP_PATH_MAX 4096

struct http_path {
	size_t len; /* bytes written to out, the NUL excluded */
	bool dir;   /* the path ended in "/" ("/", "/a/", "/a/." ...): a directory request */
	/*
	 * A segment of the result starts with '.' (".git", "a/.env", after
	 * decoding: "%2egit" too), other than a leading ".well-known".
	 */
	bool dotfile;
	struct http_str query; /* what follows '?', borrowed from the target; p NULL without '?' */
	int status;	       /* after -1: 400 or 414 */
};

/*
 * Resolve an origin-form target ("/a/b%20c/../d?x") into out (out_size
 * bytes, NUL-terminated): the query is split off; percent-escapes are
 * decoded; "//" collapses; "." and ".." segments are removed after
 * decoding (RFC 3986 §5.2.4, so "%2e%2e" is ".."). The result has no
 * leading or trailing '/' and is "" for the root.
 *
 * Returns 0, or -1 with res->status set:
 * 400: not starting with '/', a '%' not followed by two hex digits, an
 *      encoded '/' (%2F), '\' (%5C) or NUL (%00), any other decoded control
 *      character, a raw '\' or NUL, or a ".." that would leave the root;
 * 414: the result does not fit (never when out_size > len). There is no
 *      limit per segment: one longer than NAME_MAX is left to the lookup.
 * out must not overlap target.
 */
int http_path_from_target(const char *target, size_t len, char *out, size_t out_size,
			  struct http_path *res);

/*
 * Write the Location for the redirect that adds the missing slash to a
 * directory: "/" + path percent-encoded + "/" + ("?" query when present).
 * `path` is a result of http_path_from_target (so it has no empty
 * segments and the Location cannot start with "//"). Returns the length
 * written (NUL-terminated), or -ENOSPC.
 */
int http_path_redirect_location(char *out, size_t size, const char *path, size_t len,
				const struct http_str *query);

#endif /* XDPSERVE_HTTP_PATH_H */
