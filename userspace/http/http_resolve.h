/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * http_resolve.h — from a request to the cached object that answers it, or
 * to the status that does: the static-file part of the HTTP server.
 *
 *	http_conn_process -> http_respond -> http_resolve
 *	  -> http_path_from_target   (decode, normalise, refuse what leaves the root)
 *	  -> dot files: 404 unless serve_dotfiles (".well-known/" always served)
 *	  -> directory: the index names in order; a file: itself, or a 301 to "path/"
 *	  -> precompressed variants the request accepts, best first ("FILE.br" ...)
 *	  each step one ops->lookup (cache_lookup), which may answer -EINPROGRESS:
 *	  then the caller waits, and calls again with the same request and state
 *	  once the load is done; the state says where to go on.
 *
 * Called by http_server.c; one resolver per HTTP server (per worker), with
 * the scratch for the path and the Location, never shared.
 */
#ifndef XDPSERVE_HTTP_RESOLVE_H
#define XDPSERVE_HTTP_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/http_encoding.h"
#include "http/http_parse.h"

struct cache_obj;
struct http_resolver;

#define HTTP_INDEX_NAMES_MAX 8
#define HTTP_INDEX_NAME_MAX  255 /* NAME_MAX */

/* What the operator chose; plain data, copied whole (the daemon keeps one in its config). */
struct http_resolve_config {
	char index_names[HTTP_INDEX_NAMES_MAX][HTTP_INDEX_NAME_MAX + 1];
	uint32_t nindex;
	bool index_is_default; /* the next http_resolve_config_add_index() replaces it */
	bool serve_dotfiles;   /* serve ".git/", ".env"...: off by default */
	uint32_t codings;      /* HTTP_CODING_BIT()s of precompressed variants to look for */
};

/* Index "index.html", no dot files, every precompressed coding. */
void http_resolve_config_default(struct http_resolve_config *cfg);

/*
 * Add index names from `text`, one name or a comma-separated list, after
 * those added before (the first call replaces the default). 0, -EINVAL (an
 * empty name, ".", "..", or one with '/' or a NUL), -ENAMETOOLONG, -E2BIG
 * (more than HTTP_INDEX_NAMES_MAX).
 */
int http_resolve_config_add_index(struct http_resolve_config *cfg, const char *text);

/*
 * The seam to the content cache, so the tests can script it. lookup()
 * answers as cache_lookup() does (0 with *out referenced, -EINPROGRESS,
 * -errno); with `wait` false nobody waits for a load it starts (a
 * precompressed variant: the load goes on for later requests, this one is
 * answered without it). put() drops a reference lookup() gave.
 */
struct http_resolve_ops {
	int (*lookup)(void *ctx, const char *path, bool wait, struct cache_obj **out);
	void (*put)(void *ctx, struct cache_obj *obj);
};

/*
 * Where the resolution of the head request stands, kept by the connection
 * while it waits. Zero it for a new connection; http_resolve() leaves it
 * zero whenever it does not answer -EINPROGRESS.
 */
struct http_resolve_state {
	uint8_t index_at; /* the index name being tried */
	uint8_t awaited;  /* which lookup the wait was for (internal) */
	/* Set by the caller before calling again: how the awaited load ended (0 or -errno). */
	int load_err;
};

/* The answer. */
struct http_resolved {
	/*
	 * status 0: send obj (referenced: the caller puts it), with these
	 * headers. Otherwise answer `status` as an error, with `location` for
	 * a 301, and close the connection after it when `close`.
	 */
	int status;
	bool close;
	const char *location; /* the resolver's scratch: valid until the next call */
	const char *why;      /* the client's mistake, to log (rate-limited); NULL if none */
	struct cache_obj *obj;
	enum http_coding coding;  /* identity, or the variant's Content-Encoding */
	const char *content_type; /* a variant: the original's type; NULL: the object's own */
	bool vary;		  /* say "Vary: Accept-Encoding": variants may exist */
};

/*
 * 0, -ENOMEM, -EINVAL (no index name). `max_target` is the longest
 * request-target that can arrive (the parser's request-line limit): any
 * shorter one resolves without a 414. The resolver copies cfg and ops.
 */
int http_resolver__create(const struct http_resolve_config *cfg, const struct http_resolve_ops *ops,
			  size_t max_target, struct http_resolver **out);
void http_resolver__destroy(struct http_resolver *r);
/* Resolve with new options from now on (a reload); 0, or -EINVAL (no index name). */
int http_resolver_set_config(struct http_resolver *r, const struct http_resolve_config *cfg);

/*
 * Resolve `req` (GET or HEAD) at `st`. Returns 0 with *res filled, or
 * -EINPROGRESS: a lookup waits for a load (ops->lookup queued the
 * caller's waiter); call again with the same request once it is done,
 * st->load_err set to its result. `ctx` goes to every ops call.
 */
int http_resolve(struct http_resolver *r, void *ctx, const struct http_request *req,
		 struct http_resolve_state *st, struct http_resolved *res);

/* The status for a failed lookup (cache_lookup's errno): 403, 404, 500 or 503. */
int http_resolve_status_of(int err);

#endif /* XDPSERVE_HTTP_RESOLVE_H */
