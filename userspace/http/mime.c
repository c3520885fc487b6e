// SPDX-License-Identifier: GPL-2.0-only
/*
 * mime.c — the built-in extension -> media type table and its lookup.
 * Called by the content cache when an object is loaded (see mime.h).
 *
 * The table is sorted by extension (lower case, strcmp order) so lookup is
 * a binary search; tests/unit/http/test_mime.c checks the order.
 */
#include "http/mime.h"

#include <stdlib.h>
#include <string.h>

#include "http/http_types.h"

#define UTF8 "; charset=utf-8"

struct mime_entry {
	const char *ext;
	const char *type;
};

static const struct mime_entry mime_table[] = {
	{"7z", "application/x-7z-compressed"},
	{"aac", "audio/aac"},
	{"apk", "application/vnd.android.package-archive"},
	{"atom", "application/atom+xml"},
	{"avi", "video/x-msvideo"},
	{"avif", "image/avif"},
	{"bin", "application/octet-stream"},
	{"bmp", "image/bmp"},
	{"bz2", "application/x-bzip2"},
	{"css", "text/css" UTF8},
	{"csv", "text/csv" UTF8},
	{"deb", "application/vnd.debian.binary-package"},
	{"dmg", "application/x-apple-diskimage"},
	{"epub", "application/epub+zip"},
	{"flac", "audio/flac"},
	{"gif", "image/gif"},
	{"gz", "application/gzip"},
	{"heic", "image/heic"},
	{"htm", "text/html" UTF8},
	{"html", "text/html" UTF8},
	{"ico", "image/x-icon"},
	{"ics", "text/calendar" UTF8},
	{"iso", "application/x-iso9660-image"},
	{"jar", "application/java-archive"},
	{"jpeg", "image/jpeg"},
	{"jpg", "image/jpeg"},
	{"js", "text/javascript" UTF8},
	{"json", "application/json"},
	{"jsonld", "application/ld+json"},
	{"jxl", "image/jxl"},
	{"log", "text/plain" UTF8},
	{"lz4", "application/x-lz4"},
	{"lzma", "application/x-lzma"},
	{"m3u8", "application/vnd.apple.mpegurl"},
	{"m4a", "audio/mp4"},
	{"m4v", "video/mp4"},
	{"map", "application/json"},
	{"md", "text/markdown" UTF8},
	{"mjs", "text/javascript" UTF8},
	{"mkv", "video/x-matroska"},
	{"mov", "video/quicktime"},
	{"mp3", "audio/mpeg"},
	{"mp4", "video/mp4"},
	{"mpd", "application/dash+xml"},
	{"mpeg", "video/mpeg"},
	{"mpg", "video/mpeg"},
	{"oga", "audio/ogg"},
	{"ogg", "audio/ogg"},
	{"ogv", "video/ogg"},
	{"opus", "audio/ogg"},
	{"otf", "font/otf"},
	{"pdf", "application/pdf"},
	{"png", "image/png"},
	{"rpm", "application/x-rpm"},
	{"rss", "application/rss+xml"},
	{"sig", "application/pgp-signature"},
	{"svg", "image/svg+xml"},
	{"tar", "application/x-tar"},
	{"tgz", "application/gzip"},
	{"tif", "image/tiff"},
	{"tiff", "image/tiff"},
	{"torrent", "application/x-bittorrent"},
	{"ts", "video/mp2t"},
	{"ttf", "font/ttf"},
	{"txt", "text/plain" UTF8},
	{"wasm", "application/wasm"},
	{"wav", "audio/wav"},
	{"weba", "audio/webm"},
	{"webm", "video/webm"},
	{"webmanifest", "application/manifest+json"},
	{"webp", "image/webp"},
	{"woff", "font/woff"},
	{"woff2", "font/woff2"},
	{"xhtml", "application/xhtml+xml"},
	{"xml", "application/xml"},
	{"xz", "application/x-xz"},
	{"yaml", "application/yaml"},
	{"yml", "application/yaml"},
	{"zip", "application/zip"},
	{"zst", "application/zstd"},
};

/* Longer than any extension in the table; longer ones cannot match. */
#define MIME_EXT_MAX 16

static int mime_entry_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct mime_entry *)elem)->ext);
}

const char *mime_type_for_ext(const char *ext, size_t len)
{
	char lower[MIME_EXT_MAX];
	const struct mime_entry *e;

	if (len == 0 || len >= sizeof(lower))
		return MIME_TYPE_DEFAULT;
	for (size_t i = 0; i < len; i++) {
		if (ext[i] == '\0')
			return MIME_TYPE_DEFAULT;
		lower[i] = http_lower(ext[i]);
	}
	lower[len] = '\0';
	e = bsearch(lower, mime_table, sizeof(mime_table) / sizeof(mime_table[0]),
		    sizeof(mime_table[0]), mime_entry_cmp);
	return e ? e->type : MIME_TYPE_DEFAULT;
}

const char *mime_table_ext(size_t i, const char **type)
{
	if (i >= sizeof(mime_table) / sizeof(mime_table[0]))
		return NULL;
	if (type)
		*type = mime_table[i].type;
	return mime_table[i].ext;
}

const char *mime_type_for_path(const char *path, size_t len)
{
	size_t name = 0, dot = len;

	for (size_t i = 0; i < len; i++) {
		if (path[i] == '/') {
			name = i + 1;
			dot = len;
		} else if (path[i] == '.') {
			dot = i;
		}
	}
	if (dot == len || dot == name)
		return MIME_TYPE_DEFAULT;
	return mime_type_for_ext(path + dot + 1, len - dot - 1);
}
