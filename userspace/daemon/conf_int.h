/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * conf_int.h — the option table shared by conf.c (flags, file), conf_table.c
 * (the entries, their parsers, --help and the key reference) and
 * conf_check.c. Not for use outside userspace/daemon/conf*.c.
 */
#ifndef XDPSERVE_CONF_INT_H
#define XDPSERVE_CONF_INT_H

#include "daemon/conf.h"

struct conf_option;

/*
 * Parse `text` into the option's field of cfg. `first` is true for the
 * first value of a repeatable option from this source (the file, or the
 * flags): it replaces what an earlier source set. `section` is the file's
 * section ("" outside one, NULL for flags). On error write "what — what to
 * do" into why and return -EINVAL.
 */
typedef int (*conf_parse_fn)(const struct conf_option *o, struct xdpserve_config *cfg,
			     const char *text, const char *section, bool first, char *why,
			     size_t len);

struct conf_enum_val {
	const char *name;
	int value;
};

enum conf_flags {
	CONF_RELOAD = 1u << 0,	  /* a reload applies a new value */
	CONF_REPEAT = 1u << 1,	  /* may be given more than once */
	CONF_NO_ARG = 1u << 2,	  /* a flag without a value (a bool in the file) */
	CONF_FLAG_ONLY = 1u << 3, /* not a file key (--config, --check, --help, --version) */
	CONF_SECTION = 1u << 4,	  /* also allowed inside an [ADDR:PORT] section */
};

struct conf_option {
	const char *name;    /* the long flag without "--", and the file key */
	char short_opt;	     /* 0: none */
	const char *arg;     /* what the value is, for --help: "N", "SIZE", "DIR" ... */
	const char *type;    /* for the reference: "u32", "size", "enum" ... */
	const char *def;     /* the default, as text the parser takes; NULL: none */
	const char *def_doc; /* the default as the docs say it, when not def */
	const char *help;    /* one or more sentences: --help, the docs, the man page */
	const char *doc;     /* more for the docs and the man page only; NULL: none */
	conf_parse_fn parse;
	size_t off;			    /* field in struct xdpserve_config */
	size_t size;			    /* its size: strings, and what conf_diff compares */
	uint64_t min, max;		    /* u32, size */
	const struct conf_enum_val *values; /* enum */
	unsigned int flags;
};

extern const struct conf_option conf_options[];
extern const unsigned int conf_noptions;

/* The table entry named `name`, or NULL. */
const struct conf_option *conf_option_find(const char *name);
unsigned int conf_option_index(const struct conf_option *o);

#endif /* XDPSERVE_CONF_INT_H */
