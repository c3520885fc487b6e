/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * http_encoding.h — content codings of precompressed variants and the
 * request's Accept-Encoding (RFC 9110 §8.4.1, §12.5.3).
 *
 * Called by the request resolution (http_resolve.c) once per request for
 * a regular file when precompressed variants are on: which variants
 * ("FILE.br", "FILE.zst", "FILE.gz") to look for, best first. And by the
 * daemon's option parser for --precompressed. Pure functions, no
 * allocation.
 */
#ifndef XDPSERVE_HTTP_ENCODING_H
#define XDPSERVE_HTTP_ENCODING_H

#include <stdint.h>

#include "http/http_types.h"

/* In our order of preference among equal q-values: smallest files first. */
enum http_coding {
	HTTP_CODING_IDENTITY = 0,
	HTTP_CODING_BR,
	HTTP_CODING_ZSTD,
	HTTP_CODING_GZIP,
	HTTP_CODING_COUNT,
};

#define HTTP_CODING_BIT(c) (1u << (c))
/* Every coding a variant may have: the --precompressed default. */
#define HTTP_CODINGS_ALL                                                                           \
	(HTTP_CODING_BIT(HTTP_CODING_BR) | HTTP_CODING_BIT(HTTP_CODING_ZSTD) |                     \
	 HTTP_CODING_BIT(HTTP_CODING_GZIP))
/* The longest variant suffix (".zst"). */
#define HTTP_CODING_SUFFIX_MAX 4

/* The Content-Encoding token ("br", "zstd", "gzip"); NULL for identity. */
const char *http_coding_token(enum http_coding c);
/* The variant's file-name suffix (".br", ".zst", ".gz"); "" for identity. */
const char *http_coding_suffix(enum http_coding c);

/* Codings to try, best first. */
struct http_coding_order {
	uint8_t n;
	uint8_t c[HTTP_CODING_COUNT - 1]; /* enum http_coding, never identity */
};

/*
 * Which of the `offered` codings (HTTP_CODING_BIT set) the Accept-Encoding
 * field lines `ae` accept, best first: by q-value, then br > zstd > gzip.
 * Tokens are case-insensitive; "x-gzip" is gzip; a coding not named takes
 * the q-value of "*" if present; q=0 refuses; a coding ranked below an
 * explicit "identity;q=" is not chosen (the file itself is preferred).
 * Without the field nothing is chosen (every client gets the file itself
 * unless it asks). Elements that do not parse are ignored, as are codings
 * we do not know. Returns out->n.
 */
unsigned int http_accept_encoding_order(const struct http_str_list *ae, uint32_t offered,
					struct http_coding_order *out);

/*
 * Parse a --precompressed value: "on" (every coding), "off", or a
 * comma-separated list of "br", "zst", "gz" (also "zstd", "gzip") into
 * *mask. 0, or -EINVAL.
 */
int http_codings_parse(const char *text, uint32_t *mask);

#endif /* XDPSERVE_HTTP_ENCODING_H */
