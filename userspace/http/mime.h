/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mime.h — Content-Type from a file name's extension.
 *
 * Called by the HTTP server once per cached object when it builds the
 * object's constant response headers (http_object_head_build), and by the
 * request resolution for a precompressed variant, which is sent with the
 * original's type (a table lookup per such request).
 * The returned strings are constants with static storage: keep the pointer.
 */
#ifndef XDPSERVE_MIME_H
#define XDPSERVE_MIME_H

#include <stddef.h>

#define MIME_TYPE_DEFAULT "application/octet-stream"

/*
 * Media type for an extension given without the dot ("html", "TAR"...),
 * compared case-insensitively; MIME_TYPE_DEFAULT when unknown. Textual
 * types carry "; charset=utf-8".
 */
const char *mime_type_for_ext(const char *ext, size_t len);

/*
 * Media type for a path ("dir/a.b/file.tar.gz" -> the type of "gz"): the
 * extension is what follows the last dot of the last path segment. A name
 * whose only dot is its first character (".profile") has no extension.
 */
const char *mime_type_for_path(const char *path, size_t len);

/*
 * The i-th entry of the built-in table (its type in *type when type is not
 * NULL), or NULL past the end: for listings and for the tests.
 */
const char *mime_table_ext(size_t i, const char **type);

#endif /* XDPSERVE_MIME_H */
