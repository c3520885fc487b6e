// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for http/http_resolve.c over a scripted cache: dot files,
 * index names in order, redirects, precompressed variants, lookups that
 * wait for a load (and loads that fail) at every step, long targets, the
 * errno-to-status mapping and the index-name option.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "http/http_resolve.h"

struct fake_file {
	const char *path;
	int err;     /* the lookup's answer when not 0 */
	int pending; /* answer -EINPROGRESS this many times first */
};

struct fake_cache {
	struct fake_file files[16];
	char log[16384]; /* every path looked up, each followed by '|' */
	int refs;	 /* references given and not put */
	int nowait;	 /* lookups nobody waits for */
};

static struct fake_cache fc;
static struct http_resolver *rv;
static struct http_resolve_state st;

static int fake_lookup(void *ctx, const char *path, bool wait, struct cache_obj **out)
{
	struct fake_cache *f = ctx;

	if (!wait)
		f->nowait++;

	strcat(f->log, path);
	strcat(f->log, "|");
	for (size_t i = 0; i < sizeof(f->files) / sizeof(f->files[0]) && f->files[i].path; i++) {
		struct fake_file *ff = &f->files[i];

		if (strcmp(ff->path, path))
			continue;
		if (ff->pending) {
			ff->pending--;
			return -EINPROGRESS;
		}
		if (ff->err)
			return ff->err;
		*out = (struct cache_obj *)ff; /* opaque to the resolver */
		f->refs++;
		return 0;
	}
	return -ENOENT;
}

static void fake_put(void *ctx, struct cache_obj *obj)
{
	struct fake_cache *f = ctx;

	cr_assert_not_null(obj);
	f->refs--;
}

static const struct http_resolve_ops fake_ops = {.lookup = fake_lookup, .put = fake_put};

static void setup_with(const struct http_resolve_config *cfg)
{
	http_resolver__destroy(rv); /* a test may set up again with another config */
	rv = NULL;
	memset(&fc, 0, sizeof(fc));
	memset(&st, 0, sizeof(st));
	cr_assert_eq(http_resolver__create(cfg, &fake_ops, 8192, &rv), 0);
}

static void setup(void)
{
	struct http_resolve_config cfg;

	http_resolve_config_default(&cfg);
	setup_with(&cfg);
}

static void teardown(void)
{
	http_resolver__destroy(rv);
	rv = NULL;
}

static void add_files(const struct fake_file *files, size_t n)
{
	memcpy(fc.files, files, n * sizeof(*files));
}

#define ADD_FILES(...)                                                                             \
	do {                                                                                       \
		static const struct fake_file f_[] = {__VA_ARGS__};                                \
		add_files(f_, sizeof(f_) / sizeof(f_[0]));                                         \
	} while (0)

/* GET target with an optional Accept-Encoding line; returns http_resolve's result. */
static int resolve(const char *target, const char *ae, struct http_resolved *res)
{
	struct http_request req = {.method = HTTP_METHOD_GET, .keep_alive = true};

	req.target = (struct http_str){target, strlen(target)};
	if (ae) {
		req.accept_encoding.v[0] = (struct http_str){ae, strlen(ae)};
		req.accept_encoding.n = 1;
	}
	return http_resolve(rv, &fc, &req, &st, res);
}

static const char *found_path(const struct http_resolved *res)
{
	cr_assert_eq(res->status, 0);
	cr_assert_not_null(res->obj);
	return ((const struct fake_file *)res->obj)->path;
}

TestSuite(http_resolve, .init = setup, .fini = teardown);

Test(http_resolve, a_file_is_found_with_no_variant_lookups_without_accept_encoding)
{
	struct http_resolved res;

	ADD_FILES({"a/b.css"}, {"a/b.css.br"});
	cr_assert_eq(resolve("/a/./b.css?x", NULL, &res), 0);
	cr_assert_str_eq(found_path(&res), "a/b.css");
	cr_assert_str_eq(fc.log, "a/b.css|");
	cr_assert_eq(res.coding, HTTP_CODING_IDENTITY);
	cr_assert_null(res.content_type);
	cr_assert(res.vary, "variants may exist: the identity answer says Vary too");
	cr_assert_eq(fc.refs, 1);
}

Test(http_resolve, missing_and_bad_targets)
{
	struct http_resolved res;

	cr_assert_eq(resolve("/nope", NULL, &res), 0);
	cr_assert_eq(res.status, 404);
	cr_assert_not(res.close);
	cr_assert_eq(resolve("/../etc/passwd", NULL, &res), 0);
	cr_assert_eq(res.status, 400);
	cr_assert(res.close);
	cr_assert_not_null(res.why);
	cr_assert_str_eq(fc.log, "nope|", "a bad target is refused before any lookup");
	cr_assert_eq(fc.refs, 0);
}

struct dot_case {
	char target[64];
	bool looked_up; /* with dot files refused */
};

ParameterizedTestParameters(http_resolve, dot_files)
{
	static struct dot_case cases[] = {
		{"/.git/config", false},
		{"/.env", false},
		{"/a/.htpasswd", false},
		{"/%2egit/config", false},
		{"/%2Egit/HEAD", false},
		{"/.git/", false},
		{"/a/.ssh/id", false},
		{"/.well-known/security.txt", true},
		{"/.well-known/acme-challenge/tok", true},
		{"/.well-known/.secret", false},
		{"/x/.well-known/y", false},
		{"/a.b/c", true},
		{"/.git/../ok", true}, /* normalised first: "ok" */
	};

	return cr_make_param_array(struct dot_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct dot_case *c, http_resolve, dot_files)
{
	struct http_resolved res;
	struct http_resolve_config cfg;

	cr_assert_eq(resolve(c->target, NULL, &res), 0);
	cr_assert_eq(res.status, 404, "%s", c->target);
	cr_assert_eq(fc.log[0] != '\0', c->looked_up, "%s: \"%s\"", c->target, fc.log);

	/* --serve-dotfiles: everything is looked up */
	teardown();
	http_resolve_config_default(&cfg);
	cfg.serve_dotfiles = true;
	setup_with(&cfg);
	cr_assert_eq(resolve(c->target, NULL, &res), 0);
	cr_assert_neq(fc.log[0], '\0', "%s", c->target);
}

static void setup_two_index_names(void)
{
	struct http_resolve_config cfg;

	http_resolve_config_default(&cfg);
	cr_assert_eq(http_resolve_config_add_index(&cfg, "index.htm,index.html"), 0);
	cr_assert_eq(http_resolve_config_add_index(&cfg, "default.txt"), 0);
	cfg.codings = 0;
	setup_with(&cfg);
}

Test(http_resolve, index_names_in_order, .init = setup_two_index_names)
{
	struct http_resolved res;

	ADD_FILES({"d/index.html"}, {"d/default.txt"}, {"index.htm"});
	cr_assert_eq(resolve("/d/", NULL, &res), 0);
	cr_assert_str_eq(found_path(&res), "d/index.html");
	cr_assert_str_eq(fc.log, "d/index.htm|d/index.html|");
	cr_assert_not(res.vary, "no variants offered: no Vary");
	fake_put(&fc, res.obj);

	fc.log[0] = '\0';
	cr_assert_eq(resolve("/", NULL, &res), 0);
	cr_assert_str_eq(found_path(&res), "index.htm");
	cr_assert_str_eq(fc.log, "index.htm|");
	fake_put(&fc, res.obj);

	fc.log[0] = '\0';
	cr_assert_eq(resolve("/e/", NULL, &res), 0);
	cr_assert_eq(res.status, 404, "a directory without any index name");
	cr_assert_str_eq(fc.log, "e/index.htm|e/index.html|e/default.txt|");
	cr_assert_eq(fc.refs, 0);
}

Test(http_resolve, index_name_that_is_a_directory_is_403_not_the_next)
{
	struct http_resolved res;

	ADD_FILES({"d/index.html", -EISDIR});
	cr_assert_eq(resolve("/d/", NULL, &res), 0);
	cr_assert_eq(res.status, 403);
	cr_assert_eq(resolve("/f.txt/", NULL, &res), 0); /* a file named as a directory */
	cr_assert_eq(res.status, 404);
}

Test(http_resolve, waiting_index_lookup_resumes_at_the_same_name, .init = setup_two_index_names)
{
	struct http_resolved res;

	ADD_FILES({"d/index.html", 0, 1});
	cr_assert_eq(resolve("/d/", NULL, &res), -EINPROGRESS);
	cr_assert_eq(st.index_at, 1);
	/* the load finished: the same request again */
	cr_assert_eq(resolve("/d/", NULL, &res), 0);
	cr_assert_str_eq(found_path(&res), "d/index.html");
	cr_assert_str_eq(fc.log, "d/index.htm|d/index.html|d/index.html|",
			 "the first name is not tried again");
	cr_assert_eq(st.index_at, 0, "the state is spent");
	fake_put(&fc, res.obj);
}

Test(http_resolve, failed_index_load_goes_on_to_the_next_name, .init = setup_two_index_names)
{
	struct http_resolved res;

	ADD_FILES({"d/index.htm", 0, 1}, {"d/default.txt"});
	cr_assert_eq(resolve("/d/", NULL, &res), -EINPROGRESS);
	st.load_err = -ENOENT; /* gone while it loaded */
	cr_assert_eq(resolve("/d/", NULL, &res), 0);
	cr_assert_str_eq(found_path(&res), "d/default.txt");
	cr_assert_str_eq(fc.log, "d/index.htm|d/index.html|d/default.txt|");
	fake_put(&fc, res.obj);

	/* another failure is answered */
	memset(fc.files, 0, sizeof(fc.files));
	ADD_FILES({"x", 0, 1});
	cr_assert_eq(resolve("/x", NULL, &res), -EINPROGRESS);
	st.load_err = -EIO;
	cr_assert_eq(resolve("/x", NULL, &res), 0);
	cr_assert_eq(res.status, 500);
	cr_assert_eq(fc.refs, 0);
}

Test(http_resolve, directory_without_slash_is_301)
{
	struct http_resolved res;

	ADD_FILES({"a b", -EISDIR});
	cr_assert_eq(resolve("/a%20b?x=1", NULL, &res), 0);
	cr_assert_eq(res.status, 301);
	cr_assert_not(res.close);
	cr_assert_str_eq(res.location, "/a%20b/?x=1");
}

Test(http_resolve, redirect_drops_a_query_too_long_for_the_location)
{
	static char target[8200];
	struct http_resolved res;
	size_t n;

	ADD_FILES({"dir", -EISDIR});
	n = (size_t)snprintf(target, sizeof(target), "/dir?");
	memset(target + n, 'q', 8000);
	cr_assert_eq(resolve(target, NULL, &res), 0);
	cr_assert_eq(res.status, 301, "never 414 for a request line within the limit");
	cr_assert_str_eq(res.location, "/dir/");
}

Test(http_resolve, the_best_accepted_variant)
{
	struct http_resolved res;

	ADD_FILES({"s/app.js"}, {"s/app.js.br"}, {"s/app.js.gz"});
	cr_assert_eq(resolve("/s/app.js", "gzip, deflate, br, zstd", &res), 0);
	cr_assert_str_eq(found_path(&res), "s/app.js.br");
	cr_assert_eq(res.coding, HTTP_CODING_BR);
	cr_assert_not_null(res.content_type);
	cr_assert(strstr(res.content_type, "javascript"), "%s", res.content_type);
	cr_assert(res.vary);
	cr_assert_eq(fc.refs, 1, "the original is put when a variant wins");
	cr_assert_str_eq(fc.log, "s/app.js|s/app.js.br|");
	fake_put(&fc, res.obj);

	/* zstd is preferred but missing: the next acceptable one */
	fc.log[0] = '\0';
	cr_assert_eq(resolve("/s/app.js", "zstd, gzip;q=0.5, br;q=0.1", &res), 0);
	cr_assert_str_eq(found_path(&res), "s/app.js.gz");
	cr_assert_eq(res.coding, HTTP_CODING_GZIP);
	cr_assert_str_eq(fc.log, "s/app.js|s/app.js.zst|s/app.js.gz|");
	fake_put(&fc, res.obj);

	/* nothing acceptable exists: the file itself */
	fc.log[0] = '\0';
	cr_assert_eq(resolve("/s/app.js", "zstd, br;q=0", &res), 0);
	cr_assert_str_eq(found_path(&res), "s/app.js");
	cr_assert_eq(res.coding, HTTP_CODING_IDENTITY);
	cr_assert_null(res.content_type);
	fake_put(&fc, res.obj);
	cr_assert_eq(fc.refs, 0);
}

Test(http_resolve, variants_of_an_index_file)
{
	struct http_resolved res;

	ADD_FILES({"index.html"}, {"index.html.gz"});
	cr_assert_eq(resolve("/", "gzip", &res), 0);
	cr_assert_str_eq(found_path(&res), "index.html.gz");
	cr_assert(strstr(res.content_type, "text/html"), "%s", res.content_type);
	fake_put(&fc, res.obj);
}

Test(http_resolve, variants_off_means_no_lookups_and_no_vary)
{
	struct http_resolve_config cfg;
	struct http_resolved res;

	teardown();
	http_resolve_config_default(&cfg);
	cfg.codings = 0;
	setup_with(&cfg);
	ADD_FILES({"a.txt"}, {"a.txt.br"});
	cr_assert_eq(resolve("/a.txt", "br", &res), 0);
	cr_assert_str_eq(found_path(&res), "a.txt");
	cr_assert_not(res.vary);
	cr_assert_str_eq(fc.log, "a.txt|");
	fake_put(&fc, res.obj);
}

Test(http_resolve, a_variant_still_loading_is_not_waited_for)
{
	struct http_resolved res;

	ADD_FILES({"a.txt"}, {"a.txt.br", 0, 1}, {"a.txt.gz", 0, 1});
	/* Neither variant known yet: the file itself, at once. */
	cr_assert_eq(resolve("/a.txt", "br, gzip", &res), 0);
	cr_assert_str_eq(found_path(&res), "a.txt");
	cr_assert_eq(res.coding, HTTP_CODING_IDENTITY);
	cr_assert(res.vary);
	cr_assert_eq(fc.nowait, 2, "variant lookups must not wait");
	fake_put(&fc, res.obj);
	/* Their loads went on: the next request gets the best one. */
	cr_assert_eq(resolve("/a.txt", "br, gzip", &res), 0);
	cr_assert_str_eq(found_path(&res), "a.txt.br");
	cr_assert_str_eq(fc.log, "a.txt|a.txt.br|a.txt.gz|a.txt|a.txt.br|");
	fake_put(&fc, res.obj);
	cr_assert_eq(fc.refs, 0);
}

Test(http_resolve, a_failed_variant_is_not_taken_for_the_file)
{
	struct http_resolved res;

	ADD_FILES({"a.txt"}, {"a.txt.br", -EIO}, {"a.txt.gz"});
	cr_assert_eq(resolve("/a.txt", "br, gzip", &res), 0);
	cr_assert_str_eq(found_path(&res), "a.txt.gz");
	cr_assert_str_eq(fc.log, "a.txt|a.txt.br|a.txt.gz|");
	fake_put(&fc, res.obj);
	cr_assert_eq(fc.refs, 0);
}

Test(http_resolve, long_targets_reach_the_lookup)
{
	static char target[8200];
	struct http_resolved res;

	/* a request line of 8192 octets holds a target of 8179 */
	target[0] = '/';
	memset(target + 1, 'a', 8178);
	cr_assert_eq(resolve(target, "gzip", &res), 0);
	cr_assert_eq(res.status, 404, "not found, never 414");
	cr_assert_eq(strlen(fc.log), 8178 + 1);
	/* the longest directory target still gets its longest index name tried */
	target[8178] = '/';
	fc.log[0] = '\0';
	cr_assert_eq(resolve(target, NULL, &res), 0);
	cr_assert_eq(res.status, 404);
	cr_assert_eq(strlen(fc.log), 8177 + strlen("/index.html") + 1);
}

struct errno_case {
	int err;
	int status;
};

ParameterizedTestParameters(http_resolve, errno_to_status)
{
	static struct errno_case cases[] = {
		{-ENOENT, 404},	      {-ENOTDIR, 404}, {-ELOOP, 404}, {-EXDEV, 404},
		{-ENAMETOOLONG, 404}, {-EACCES, 403},  {-EPERM, 403}, {-EISDIR, 403},
		{-EFBIG, 503},	      {-ENOMEM, 503},  {-EIO, 500},   {-EMFILE, 500},
	};

	return cr_make_param_array(struct errno_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct errno_case *c, http_resolve, errno_to_status)
{
	cr_assert_eq(http_resolve_status_of(c->err), c->status, "%d", c->err);
}

Test(http_resolve, index_option)
{
	struct http_resolve_config cfg;
	char many[64] = "a";

	http_resolve_config_default(&cfg);
	cr_assert_eq(cfg.nindex, 1);
	cr_assert_str_eq(cfg.index_names[0], "index.html");
	cr_assert_eq(http_resolve_config_add_index(&cfg, "index.htm"), 0);
	cr_assert_eq(cfg.nindex, 1, "the first one replaces the default");
	cr_assert_eq(http_resolve_config_add_index(&cfg, "a.html,b.txt"), 0);
	cr_assert_eq(cfg.nindex, 3);
	cr_assert_str_eq(cfg.index_names[2], "b.txt");

	http_resolve_config_default(&cfg);
	cr_assert_eq(http_resolve_config_add_index(&cfg, ""), -EINVAL);
	cr_assert_eq(http_resolve_config_add_index(&cfg, "a,,b"), -EINVAL);
	cr_assert_eq(http_resolve_config_add_index(&cfg, "a,"), -EINVAL);
	cr_assert_eq(http_resolve_config_add_index(&cfg, "x/index.html"), -EINVAL);
	cr_assert_eq(http_resolve_config_add_index(&cfg, ".."), -EINVAL);
	cr_assert_eq(http_resolve_config_add_index(&cfg, "."), -EINVAL);
	http_resolve_config_default(&cfg);
	for (int i = 1; i < HTTP_INDEX_NAMES_MAX; i++)
		strcat(many, ",a");
	cr_assert_eq(http_resolve_config_add_index(&cfg, many), 0);
	cr_assert_eq(http_resolve_config_add_index(&cfg, "one-more"), -E2BIG);
	http_resolve_config_default(&cfg);
	{
		char longname[HTTP_INDEX_NAME_MAX + 2];

		memset(longname, 'n', sizeof(longname) - 1);
		longname[sizeof(longname) - 1] = '\0';
		cr_assert_eq(http_resolve_config_add_index(&cfg, longname), -ENAMETOOLONG);
		longname[HTTP_INDEX_NAME_MAX] = '\0';
		cr_assert_eq(http_resolve_config_add_index(&cfg, longname), 0);
	}
}
