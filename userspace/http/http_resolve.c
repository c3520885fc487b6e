// SPDX-License-Identifier: GPL-2.0-only
/*
 * http_resolve.c — request to object: path, dot files, index names,
 * redirects, precompressed variants, and the errno-to-status mapping of a
 * failed lookup. Called by http_server.c; see http_resolve.h.
 */
#include "http/http_resolve.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_path.h"
#include "http/mime.h"

/* A Location: "/" + an encoded path of at most PATH_MAX + "/" + a query; longer is 414. */
#define HTTP_LOCATION_MAX 4096

/* Which lookup a wait was for (struct http_resolve_state.awaited). */
enum {
	AWAIT_NONE = 0,
	AWAIT_FILE, /* the file, or the index name at index_at */
};

struct http_resolver {
	struct http_resolve_config cfg;
	struct http_resolve_ops ops;
	size_t path_size;
	char *path;
	char location[HTTP_LOCATION_MAX];
};

void http_resolve_config_default(struct http_resolve_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	strcpy(cfg->index_names[0], "index.html");
	cfg->nindex = 1;
	cfg->index_is_default = true;
	cfg->codings = HTTP_CODINGS_ALL;
}

static int index_name_check(const char *name, size_t n)
{
	if (n == 0 || (n == 1 && name[0] == '.') || (n == 2 && !memcmp(name, "..", 2)) ||
	    memchr(name, '/', n))
		return -EINVAL;
	return n > HTTP_INDEX_NAME_MAX ? -ENAMETOOLONG : 0;
}

int http_resolve_config_add_index(struct http_resolve_config *cfg, const char *text)
{
	if (cfg->index_is_default) {
		cfg->nindex = 0;
		cfg->index_is_default = false;
	}
	for (;;) {
		size_t n = strcspn(text, ",");
		int err = index_name_check(text, n);

		if (err)
			return err;
		if (cfg->nindex == HTTP_INDEX_NAMES_MAX)
			return -E2BIG;
		memcpy(cfg->index_names[cfg->nindex], text, n);
		cfg->index_names[cfg->nindex++][n] = '\0';
		if (!text[n])
			return 0;
		text += n + 1;
	}
}

int http_resolver_set_config(struct http_resolver *r, const struct http_resolve_config *cfg)
{
	if (!cfg->nindex || cfg->nindex > HTTP_INDEX_NAMES_MAX)
		return -EINVAL;
	r->cfg = *cfg; /* a waiting request's index_at past the new names finds none: 404 */
	return 0;
}

int http_resolver__create(const struct http_resolve_config *cfg, const struct http_resolve_ops *ops,
			  size_t max_target, struct http_resolver **out)
{
	struct http_resolver *r;

	if (!cfg->nindex || cfg->nindex > HTTP_INDEX_NAMES_MAX)
		return -EINVAL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->cfg = *cfg;
	r->ops = *ops;
	/*
	 * A decoded path is never longer than its target: room for that, "/"
	 * and an index name, a variant suffix and the NUL, so that no target
	 * the parser accepts gets a 414.
	 */
	r->path_size = max_target + 1 + HTTP_INDEX_NAME_MAX + HTTP_CODING_SUFFIX_MAX + 1;
	r->path = malloc(r->path_size);
	if (!r->path) {
		free(r);
		return -ENOMEM;
	}
	*out = r;
	return 0;
}

void http_resolver__destroy(struct http_resolver *r)
{
	if (!r)
		return;
	free(r->path);
	free(r);
}

int http_resolve_status_of(int err)
{
	switch (err) {
	case -ENOENT:
	case -ENOTDIR:
	case -ELOOP: /* a symlink leaving the root */
	case -EXDEV:
	case -ENAMETOOLONG:
		return 404;
	case -EACCES:
	case -EPERM:
	case -EISDIR: /* the index name is itself a directory */
		return 403;
	case -EFBIG:
	case -ENOMEM:
		return 503;
	default:
		return 500;
	}
}

/* Finish with an error answer; the state is spent. */
static int resolve_answer(struct http_resolve_state *st, struct http_resolved *res, int status,
			  bool close, const char *why)
{
	memset(st, 0, sizeof(*st));
	res->status = status;
	res->close = close;
	res->why = why;
	return 0;
}

/*
 * Look r->path up. The first lookup of the kind the wait was for gets the
 * load's result instead, when the load failed; when it succeeded, the
 * object is found by looking again.
 */
static int resolve_lookup(struct http_resolver *r, void *ctx, struct http_resolve_state *st,
			  uint8_t kind, struct cache_obj **obj)
{
	int err;

	if (st->awaited == kind) {
		err = st->load_err;
		st->awaited = AWAIT_NONE;
		st->load_err = 0;
		if (err)
			return err;
	}
	err = r->ops.lookup(ctx, r->path, true, obj);
	if (err == -EINPROGRESS)
		st->awaited = kind;
	return err;
}

/* The index names of directory r->path[0..len), in order, from st->index_at. */
static int resolve_index(struct http_resolver *r, void *ctx, struct http_resolve_state *st,
			 size_t *len, struct cache_obj **obj)
{
	size_t base = *len ? *len + 1 : 0;

	if (*len)
		r->path[*len] = '/';
	for (; st->index_at < r->cfg.nindex; st->index_at++) {
		const char *name = r->cfg.index_names[st->index_at];
		size_t n = strlen(name);
		int err;

		memcpy(r->path + base, name, n + 1);
		err = resolve_lookup(r, ctx, st, AWAIT_FILE, obj);
		if (err != -ENOENT) {
			*len = base + n;
			return err;
		}
	}
	return -ENOENT;
}

/*
 * The first precompressed variant of r->path[0..len) that is at hand, in
 * the order the request accepts. Any failure of one variant, or one still
 * loading, only means trying the next: the file itself is always there.
 */
static int resolve_variant(struct http_resolver *r, void *ctx, const struct http_request *req,
			   size_t len, struct http_resolved *res)
{
	struct http_coding_order order;

	http_accept_encoding_order(&req->accept_encoding, r->cfg.codings, &order);
	for (unsigned int i = 0; i < order.n; i++) {
		enum http_coding c = order.c[i];
		struct cache_obj *v;
		int err;

		/*
		 * Never wait for a variant: the file itself is at hand, and a
		 * variant not known yet (a first look, or the negative cache's
		 * entry expired) would make a hit wait for the disk. Its load
		 * goes on; later requests find it.
		 */
		strcpy(r->path + len, http_coding_suffix(c));
		err = r->ops.lookup(ctx, r->path, false, &v);
		r->path[len] = '\0';
		if (!err) {
			res->obj = v;
			res->coding = c;
			res->content_type = mime_type_for_path(r->path, len);
			return 0;
		}
	}
	return -ENOENT;
}

/* Found `obj` at r->path[0..len): serve it, or a variant of it. */
static int resolve_found(struct http_resolver *r, void *ctx, const struct http_request *req,
			 struct http_resolve_state *st, size_t len, struct cache_obj *obj,
			 struct http_resolved *res)
{
	int err = r->cfg.codings ? resolve_variant(r, ctx, req, len, res) : -ENOENT;

	if (!err)
		r->ops.put(ctx, obj);
	else
		res->obj = obj;
	memset(st, 0, sizeof(*st));
	return 0;
}

/*
 * A directory named without its slash: send the client to "/path/" with
 * the query. A query too long for the Location is dropped (a static file
 * does not depend on it) rather than answered 414; only a directory whose
 * escaped path alone does not fit is.
 */
static int resolve_redirect(struct http_resolver *r, struct http_resolve_state *st,
			    const struct http_path *pres, struct http_resolved *res)
{
	int l = http_path_redirect_location(r->location, sizeof(r->location), r->path, pres->len,
					    &pres->query);

	if (l < 0)
		l = http_path_redirect_location(r->location, sizeof(r->location), r->path,
						pres->len, NULL);
	res->location = l < 0 ? NULL : r->location;
	return resolve_answer(st, res, l < 0 ? 414 : 301, false, NULL);
}

int http_resolve(struct http_resolver *r, void *ctx, const struct http_request *req,
		 struct http_resolve_state *st, struct http_resolved *res)
{
	struct http_path pres;
	struct cache_obj *obj;
	size_t len;
	int err;

	memset(res, 0, sizeof(*res));
	res->vary = r->cfg.codings != 0;
	if (http_path_from_target(req->target.p, req->target.len, r->path, r->path_size, &pres))
		return resolve_answer(st, res, pres.status, true, "bad request-target");
	if (pres.dotfile && !r->cfg.serve_dotfiles)
		return resolve_answer(st, res, 404, false, NULL);
	len = pres.len;
	if (pres.dir || len == 0) {
		err = resolve_index(r, ctx, st, &len, &obj);
	} else {
		err = resolve_lookup(r, ctx, st, AWAIT_FILE, &obj);
		if (err == -EISDIR)
			return resolve_redirect(r, st, &pres, res);
	}
	if (err == -EINPROGRESS)
		return err;
	if (err)
		return resolve_answer(st, res, http_resolve_status_of(err), false, NULL);
	return resolve_found(r, ctx, req, st, len, obj, res);
}
