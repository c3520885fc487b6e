// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests for http/mime.c: the extension table and path handling. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <string.h>

#include "http/mime.h"

/* Arrays, not pointers: Criterion runs each case in a re-executed child. */
struct mime_case {
	char path[40];
	char type[48];
};

ParameterizedTestParameters(mime, path_to_type)
{
	static struct mime_case cases[] = {
		{"index.html", "text/html; charset=utf-8"},
		{"a/b/page.htm", "text/html; charset=utf-8"},
		{"INDEX.HTML", "text/html; charset=utf-8"},
		{"style.CsS", "text/css; charset=utf-8"},
		{"app.js", "text/javascript; charset=utf-8"},
		{"mod.mjs", "text/javascript; charset=utf-8"},
		{"data.json", "application/json"},
		{"readme.txt", "text/plain; charset=utf-8"},
		{"feed.xml", "application/xml"},
		{"logo.svg", "image/svg+xml"},
		{"a.png", "image/png"},
		{"a.jpg", "image/jpeg"},
		{"a.JPEG", "image/jpeg"},
		{"a.gif", "image/gif"},
		{"a.webp", "image/webp"},
		{"a.avif", "image/avif"},
		{"favicon.ico", "image/x-icon"},
		{"f.woff", "font/woff"},
		{"f.woff2", "font/woff2"},
		{"f.ttf", "font/ttf"},
		{"f.otf", "font/otf"},
		{"doc.pdf", "application/pdf"},
		{"a.zip", "application/zip"},
		{"src.tar.gz", "application/gzip"},
		{"src.tar", "application/x-tar"},
		{"src.tar.bz2", "application/x-bzip2"},
		{"src.tar.xz", "application/x-xz"},
		{"src.tar.zst", "application/zstd"},
		{"m.wasm", "application/wasm"},
		{"v.mp4", "video/mp4"},
		{"v.webm", "video/webm"},
		{"s.mp3", "audio/mpeg"},
		{"s.ogg", "audio/ogg"},
		{"s.wav", "audio/wav"},
		{"t.csv", "text/csv; charset=utf-8"},
		{"README.md", "text/markdown; charset=utf-8"},
		{"pool/main/x/x_1.0_amd64.deb", "application/vnd.debian.binary-package"},
		{"x-1.0.x86_64.rpm", "application/x-rpm"},
		{"debian-12.iso", "application/x-iso9660-image"},
		{"firmware.bin", "application/octet-stream"},
		/* no or unknown extension */
		{"Makefile", "application/octet-stream"},
		{"archive.unknownext", "application/octet-stream"},
		{"a.verylongextensionname", "application/octet-stream"},
		{".profile", "application/octet-stream"},
		{"dir/.hidden", "application/octet-stream"},
		{"dir/.hidden.css", "text/css; charset=utf-8"},
		{"trailing.", "application/octet-stream"},
		{"dir.d/file", "application/octet-stream"},
		{"dir.html/", "application/octet-stream"},
		{"", "application/octet-stream"},
	};
	return cr_make_param_array(struct mime_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct mime_case *c, mime, path_to_type)
{
	const char *t = mime_type_for_path(c->path, strlen(c->path));

	cr_assert_str_eq(t, c->type, "path \"%s\"", c->path);
}

Test(mime, table_is_sorted_and_every_entry_is_found)
{
	const char *prev = NULL, *ext, *type;
	size_t i;

	for (i = 0; (ext = mime_table_ext(i, &type)) != NULL; i++) {
		if (prev)
			cr_assert_lt(strcmp(prev, ext), 0, "\"%s\" before \"%s\"", prev, ext);
		cr_assert_str_eq(mime_type_for_ext(ext, strlen(ext)), type, "ext %s", ext);
		for (const char *c = ext; *c; c++)
			cr_assert(*c < 'A' || *c > 'Z', "table key %s not lower case", ext);
		prev = ext;
	}
	cr_assert_gt(i, 40);
}

Test(mime, text_types_declare_utf8_and_others_do_not)
{
	const char *ext, *type;

	for (size_t i = 0; (ext = mime_table_ext(i, &type)) != NULL; i++) {
		bool text = strncmp(type, "text/", 5) == 0;

		cr_assert_eq(strstr(type, "; charset=utf-8") != NULL, text, "%s -> %s", ext, type);
	}
}

Test(mime, ext_is_counted_not_nul_terminated)
{
	cr_assert_str_eq(mime_type_for_ext("htmlX", 4), "text/html; charset=utf-8");
	cr_assert_str_eq(mime_type_for_ext("ht\0ml", 5), MIME_TYPE_DEFAULT);
	cr_assert_str_eq(mime_type_for_ext("", 0), MIME_TYPE_DEFAULT);
}
