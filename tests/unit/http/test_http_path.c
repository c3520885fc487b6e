// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for http/http_path.c: decoding, dot-segment removal,
 * traversal attempts, limits and the redirect Location.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <errno.h>
#include <string.h>

#include "http/http_path.h"

struct path_case {
	char target[80];
	char path[48]; /* expected result when status is 0 */
	bool dir;
	int status;
};

ParameterizedTestParameters(http_path, resolve)
{
	static struct path_case cases[] = {
		{"/", "", true, 0},
		{"/index.html", "index.html", false, 0},
		{"/a/b/c.txt", "a/b/c.txt", false, 0},
		{"/a/b/", "a/b", true, 0},
		{"/a/b?x=1", "a/b", false, 0},
		{"/a/b/?x=/../..", "a/b", true, 0},
		{"/?", "", true, 0},
		{"/a%20b", "a b", false, 0},
		{"/%41%62%63", "Abc", false, 0},
		{"/caf%C3%A9", "caf\xc3\xa9", false, 0},
		{"/a+b", "a+b", false, 0},
		{"/100%25", "100%", false, 0},
		{"/%3F", "?", false, 0},
		{"/%23", "#", false, 0},
		/* collapse and dot segments */
		{"//", "", true, 0},
		{"//a//b//", "a/b", true, 0},
		{"/./", "", true, 0},
		{"/.", "", true, 0},
		{"/a/./b", "a/b", false, 0},
		{"/a/.", "a", true, 0},
		{"/a/b/..", "a", true, 0},
		{"/a/b/../c", "a/c", false, 0},
		{"/a/b/../../c", "c", false, 0},
		{"/a/..", "", true, 0},
		{"/a/../", "", true, 0},
		{"/a/%2e%2e/b", "b", false, 0},
		{"/a/%2E%2E/%2e%2e/b", "", false, 400},
		{"/a/b/%2E%2E/%2e%2e/c", "c", false, 0},
		{"/a/.%2e/b", "b", false, 0},
		{"/a/%2e/b", "a/b", false, 0},
		{"/...", "...", false, 0},
		{"/..a", "..a", false, 0},
		{"/a..", "a..", false, 0},
		{"/a/.../b", "a/.../b", false, 0},
		{"/.well-known/x", ".well-known/x", false, 0},
		/* traversal */
		{"/..", "", false, 400},
		{"/../", "", false, 400},
		{"/../etc/passwd", "", false, 400},
		{"/a/../../etc/passwd", "", false, 400},
		{"/a/../b/../..", "", false, 400},
		{"/%2e%2e/", "", false, 400},
		{"/%2e%2e/etc/passwd", "", false, 400},
		{"/%2E%2e", "", false, 400},
		{"/.%2e/", "", false, 400},
		{"//../", "", false, 400},
		{"/./../", "", false, 400},
		{"/..%2f", "", false, 400},
		{"/..%2fetc%2fpasswd", "", false, 400},
		{"/a%2f..%2f..%2fb", "", false, 400},
		{"/%2f", "", false, 400},
		{"/%2F", "", false, 400},
		{"/a%2Fb", "", false, 400},
		{"/..%5c", "", false, 400},
		{"/%5C", "", false, 400},
		{"/a\\b", "", false, 400},
		{"/%00", "", false, 400},
		{"/a%00.html", "", false, 400},
		{"/%0a", "", false, 400},
		{"/%0D%0ASet-Cookie:x", "", false, 400},
		{"/%7f", "", false, 400},
		{"/%1f", "", false, 400},
		/* invalid escapes */
		{"/%", "", false, 400},
		{"/a%", "", false, 400},
		{"/a%2", "", false, 400},
		{"/a%2/", "", false, 400},
		{"/%zz", "", false, 400},
		{"/%g0", "", false, 400},
		{"/%0g", "", false, 400},
		{"/%%41", "", false, 400},
		{"/a%2?x", "", false, 400},
		/* not origin-form */
		{"", "", false, 400},
		{"a/b", "", false, 400},
		{"*", "", false, 400},
		{"?x", "", false, 400},
	};
	return cr_make_param_array(struct path_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct path_case *c, http_path, resolve)
{
	char out[HTTP_PATH_MAX];
	struct http_path res;
	int rc;

	memset(out, 'Z', sizeof(out));
	rc = http_path_from_target(c->target, strlen(c->target), out, sizeof(out), &res);
	if (c->status) {
		cr_assert_eq(rc, -1, "\"%s\" accepted as \"%s\"", c->target, out);
		cr_assert_eq(res.status, c->status, "\"%s\": %d", c->target, res.status);
		return;
	}
	cr_assert_eq(rc, 0, "\"%s\" refused: %d", c->target, res.status);
	cr_assert_str_eq(out, c->path, "\"%s\"", c->target);
	cr_assert_eq(res.len, strlen(c->path));
	cr_assert_eq(res.dir, c->dir, "\"%s\" dir %d", c->target, res.dir);
	/* Whatever was asked, the result never climbs or is absolute. */
	cr_assert_neq(out[0], '/');
	cr_assert_null(strstr(out, "//"));
	cr_assert(strcmp(out, "..") && strncmp(out, "../", 3) && !strstr(out, "/../"));
}

Test(http_path, query_is_split_off)
{
	char out[64];
	struct http_path res;

	cr_assert_eq(http_path_from_target("/a?b=c/d", 8, out, sizeof(out), &res), 0);
	cr_assert_eq(res.query.len, 5);
	cr_assert_eq(memcmp(res.query.p, "b=c/d", 5), 0);
	cr_assert_eq(http_path_from_target("/a?", 3, out, sizeof(out), &res), 0);
	cr_assert_not_null(res.query.p);
	cr_assert_eq(res.query.len, 0);
	cr_assert_eq(http_path_from_target("/a", 2, out, sizeof(out), &res), 0);
	cr_assert_null(res.query.p);
}

Test(http_path, target_is_counted_not_nul_terminated)
{
	char out[64];
	struct http_path res;

	cr_assert_eq(http_path_from_target("/abc/../../x", 4, out, sizeof(out), &res), 0);
	cr_assert_str_eq(out, "abc");
}

Test(http_path, dotfile_flag)
{
	static const struct {
		const char *t;
		bool dot;
	} t[] = {
		{"/.git/config", true},
		{"/a/.env", true},
		{"/a/b.c", false},
		{"/a./b", false},
		{"/.git/..", false},
		{"/a/%2egit", true},
		{"/", false},
		{"/%2Egit/config", true},
		{"/.well-known/acme-challenge/x", false},
		{"/.well-known", false},
		{"/.well-known/", false},
		{"/.well-known/.x", true},
		{"/a/.well-known/x", true},
		{"/.well-knownx/y", true},
		{"/.", false},
		{"/.well-known/../.env", true},
		{"/x/.%2e/.htpasswd", true},
	};
	char out[64];
	struct http_path res;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		cr_assert_eq(http_path_from_target(t[i].t, strlen(t[i].t), out, sizeof(out), &res),
			     0);
		cr_assert_eq(res.dotfile, t[i].dot, "%s", t[i].t);
	}
}

Test(http_path, output_limit_gives_414)
{
	char out[8];
	struct http_path res;

	/* "abc/def" is 7 bytes and its NUL: fits exactly */
	cr_assert_eq(http_path_from_target("/abc/def", 8, out, sizeof(out), &res), 0);
	cr_assert_str_eq(out, "abc/def");
	cr_assert_eq(http_path_from_target("/abc/defg", 9, out, sizeof(out), &res), -1);
	cr_assert_eq(res.status, 414);
	cr_assert_eq(http_path_from_target("/abcdefgh", 9, out, sizeof(out), &res), -1);
	cr_assert_eq(res.status, 414);
	/* what dot segments remove does not count */
	cr_assert_eq(http_path_from_target("/abcdef/../x", 12, out, sizeof(out), &res), 0);
	cr_assert_str_eq(out, "x");
	cr_assert_eq(http_path_from_target("/", 1, out, 1, &res), 0);
	cr_assert_str_eq(out, "");
	cr_assert_eq(http_path_from_target("/", 1, out, 0, &res), -1);
	cr_assert_eq(res.status, 414);
}

Test(http_path, no_segment_limit_and_room_as_the_target)
{
	static char target[8200], out[8200];
	struct http_path res;

	/* a segment far over NAME_MAX resolves; the lookup will not find it */
	target[0] = '/';
	memset(target + 1, 'a', 8000);
	cr_assert_eq(http_path_from_target(target, 8001, out, sizeof(out), &res), 0);
	cr_assert_eq(res.len, 8000);
	cr_assert_eq(strlen(out), 8000);
	/* an output as long as the target always suffices, escapes and dots included */
	for (size_t i = 0; i + 4 <= 8000; i += 4)
		memcpy(target + 1 + i, i % 8 ? "%41/" : "b/./", 4);
	cr_assert_eq(http_path_from_target(target, 8001, out, 8001, &res), 0);
	cr_assert_lt(res.len, 8000);
	cr_assert_eq(out[0], 'b');
	/* one byte short of the whole decoded result is 414 */
	memset(target + 1, 'a', 8000);
	cr_assert_eq(http_path_from_target(target, 8001, out, 8000, &res), -1);
	cr_assert_eq(res.status, 414);
}

Test(http_path, redirect_location)
{
	char out[64], path[64];
	struct http_path res;
	const char *t = "//a%20b/c%3F%25/./?x=1&y";
	int n;

	cr_assert_eq(http_path_from_target(t, strlen(t), path, sizeof(path), &res), 0);
	cr_assert_str_eq(path, "a b/c?%");
	n = http_path_redirect_location(out, sizeof(out), path, res.len, &res.query);
	cr_assert_str_eq(out, "/a%20b/c%3F%25/?x=1&y");
	cr_assert_eq(n, (int)strlen(out));

	/* no open redirect: "//evil.test/x" becomes "/evil.test/x/" */
	t = "//evil.test/x";
	cr_assert_eq(http_path_from_target(t, strlen(t), path, sizeof(path), &res), 0);
	http_path_redirect_location(out, sizeof(out), path, res.len, &res.query);
	cr_assert_str_eq(out, "/evil.test/x/");

	/* controls in a query given by hand are escaped, never copied */
	struct http_str q = {"a\r\nb", 4};
	http_path_redirect_location(out, sizeof(out), "d", 1, &q);
	cr_assert_str_eq(out, "/d/?a%0D%0Ab");

	cr_assert_eq(http_path_redirect_location(out, sizeof(out), "\xc3\xa9", 2, NULL), 8);
	cr_assert_str_eq(out, "/%C3%A9/");
	cr_assert_eq(http_path_redirect_location(out, 5, "abcd", 4, NULL), -ENOSPC);
	cr_assert_eq(http_path_redirect_location(out, 7, "abcd", 4, NULL), 6);
	cr_assert_eq(http_path_redirect_location(out, 6, "abcd", 4, NULL), -ENOSPC);
}
