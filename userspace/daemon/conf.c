// SPDX-License-Identifier: GPL-2.0-only
/*
 * conf.c — build a configuration from the option table (conf_table.c):
 * defaults, then the INI file of --config (libinih), then the flags, which
 * win. Called by main() at start and by the daemon on SIGHUP with the same
 * argv; every problem is reported as "FILE:LINE: what — what to do" or
 * "--flag: what — what to do", all of them, not just the first.
 */
#include "daemon/conf_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONF_LINE_MAX 1024 /* longest file line (a path of about 1000 bytes) */

int conf_parse_size(const char *text, uint64_t *out)
{
	char *end;
	unsigned long long v;
	unsigned int shift = 0;

	if (*text < '0' || *text > '9') /* strtoull would take "-1" and " 1" */
		return -EINVAL;
	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno || end == text)
		return -EINVAL;
	switch (*end) {
	case 'k':
	case 'K':
		shift = 10;
		end++;
		break;
	case 'm':
	case 'M':
		shift = 20;
		end++;
		break;
	case 'g':
	case 'G':
		shift = 30;
		end++;
		break;
	default:
		break;
	}
	if (*end || (shift && v > (UINT64_MAX >> shift)))
		return -EINVAL;
	*out = (uint64_t)v << shift;
	return 0;
}

static void conf_vreport(struct conf_report *r, const char *fmt, va_list ap)
{
	char text[1536];

	vsnprintf(text, sizeof(text), fmt, ap);
	if (r && r->line)
		r->line(r->arg, text);
	else
		fprintf(stderr, "%s\n", text);
	if (r)
		r->problems++;
}

static void conf_report(struct conf_report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void conf_report(struct conf_report *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_vreport(r, fmt, ap);
	va_end(ap);
}

static void conf_vproblem_at(struct conf_report *r, const struct xdpserve_config *cfg,
			     int32_t origin, const char *flag, const char *fmt, va_list ap)
{
	char text[1280], where[PATH_MAX + 64];

	vsnprintf(text, sizeof(text), fmt, ap);
	if (origin > 0)
		snprintf(where, sizeof(where), "%s:%d", cfg->config_path, origin);
	else
		snprintf(where, sizeof(where), "--%s%s", flag, origin ? "" : " (default)");
	conf_report(r, "%s: %s", where, text);
}

void conf_problem_at(struct conf_report *r, const struct xdpserve_config *cfg, int32_t origin,
		     const char *flag, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_vproblem_at(r, cfg, origin, flag, fmt, ap);
	va_end(ap);
}

void conf_problem(struct conf_report *r, const struct xdpserve_config *cfg, const char *name,
		  const char *fmt, ...)
{
	const struct conf_option *o = conf_option_find(name);
	va_list ap;

	va_start(ap, fmt);
	conf_vproblem_at(r, cfg, o ? cfg->origin[conf_option_index(o)] : CONF_FROM_FLAG, name, fmt,
			 ap);
	va_end(ap);
}

/* Every table default through its own parser: one text, one meaning. */
static void conf_defaults(struct xdpserve_config *cfg)
{
	const char *obj = getenv("XDPSERVE_BPF_OBJ");
	char why[256];

	memset(cfg, 0, sizeof(*cfg));
	http_resolve_config_default(&cfg->files);
	for (unsigned int i = 0; i < conf_noptions; i++) {
		const struct conf_option *o = &conf_options[i];

		if (o->def && o->parse(o, cfg, o->def, NULL, true, why, sizeof(why)))
			abort(); /* a table bug: test_conf catches it */
	}
	cfg->files.index_is_default = true;
	if (obj && *obj && strlen(obj) < sizeof(cfg->bpf_obj))
		strcpy(cfg->bpf_obj, obj);
}

/* One source's values (the file, or the flags): what it has seen so far. */
struct conf_source {
	struct xdpserve_config *cfg;
	struct conf_report *r;
	int32_t line; /* the file line being read; CONF_FROM_FLAG for flags */
	bool seen[CONF_OPTIONS_MAX];
	bool failed;
};

static void conf_apply(struct conf_source *s, const struct conf_option *o, const char *section,
		       const char *value)
{
	unsigned int i = conf_option_index(o);
	uint32_t nroots = s->cfg->nroots;
	char why[512];

	if (!value)
		value = "yes"; /* a flag without a value */
	if (s->line > 0 && s->seen[i] && !(o->flags & CONF_REPEAT)) {
		conf_problem_at(s->r, s->cfg, s->line, o->name,
				"%s is given twice (first at line %d) — keep one", o->name,
				s->cfg->origin[i]);
		s->failed = true;
		return;
	}
	if (o->parse(o, s->cfg, value, section, !s->seen[i], why, sizeof(why))) {
		conf_problem_at(s->r, s->cfg, s->line, o->name, "%s \"%s\" %s", o->name, value,
				why);
		s->failed = true;
	} else if (s->cfg->nroots > nroots) {
		s->cfg->roots[nroots].origin = s->line; /* where --check points at it */
	}
	if (!s->seen[i] || s->line > 0)
		s->cfg->origin[i] = s->line;
	s->seen[i] = true;
}

static int conf_ini_handler(void *arg, const char *section, const char *name, const char *value)
{
	struct conf_source *s = arg;
	const struct conf_option *o = conf_option_find(name);

	if (!o || (o->flags & CONF_FLAG_ONLY)) {
		conf_problem_at(s->r, s->cfg, s->line, name,
				"%s \"%s\" — see xdpserve.conf(5) for the keys",
				o ? "flag only, not a key:" : "unknown key", name);
		s->failed = true;
		return 1;
	}
	if (*section && !(o->flags & CONF_SECTION)) {
		conf_problem_at(s->r, s->cfg, s->line, name,
				"%s cannot be set per address in [%s] — move it above the first "
				"section",
				name, section);
		s->failed = true;
		return 1;
	}
	conf_apply(s, o, section, value);
	return 1;
}

/* The file, a line at a time, so that every handler call knows its line. */
struct conf_reader {
	FILE *f;
	struct conf_source *s;
};

static char *conf_ini_read(char *str, int num, void *stream)
{
	struct conf_reader *rd = stream;
	char line[CONF_LINE_MAX + 2];
	size_t n;

	if (!fgets(line, sizeof(line), rd->f))
		return NULL;
	rd->s->line++;
	n = strlen(line);
	if (n == sizeof(line) - 1 && line[n - 1] != '\n') {
		int c;

		while ((c = fgetc(rd->f)) != EOF && c != '\n')
			;
		conf_problem_at(rd->s->r, rd->s->cfg, rd->s->line, "config",
				"line longer than %d bytes — shorten it", CONF_LINE_MAX);
		rd->s->failed = true;
		line[0] = '\0';
	} else if (n && memchr(line, '\0', n - 1 + (line[n - 1] != '\n'))) {
		line[0] = '\0';
	}
	if (line[0] && (int)strlen(line) >= num) {
		conf_problem_at(rd->s->r, rd->s->cfg, rd->s->line, "config",
				"line longer than %d bytes — shorten it", num - 2);
		rd->s->failed = true;
		line[0] = '\0';
	}
	snprintf(str, (size_t)num, "%s", line);
	return str;
}

static int conf_read_file(struct xdpserve_config *cfg, struct conf_report *r)
{
	struct conf_source s = {.cfg = cfg, .r = r};
	struct conf_reader rd = {.s = &s};
	int bad;

	rd.f = fopen(cfg->config_path, "re");
	if (!rd.f) {
		conf_problem_at(r, cfg, CONF_FROM_FLAG, "config",
				"cannot read %s: %s — give an existing file", cfg->config_path,
				strerror(errno));
		return -EINVAL;
	}
	bad = ini_parse_stream(conf_ini_read, &rd, conf_ini_handler, &s);
	fclose(rd.f);
	if (bad > 0) {
		conf_problem_at(r, cfg, bad, "config",
				"not \"key = value\", a [section] or a comment — fix the line");
		s.failed = true;
	}
	return s.failed ? -EINVAL : 0;
}

/* getopt_long's table and short options, from the option table. */
static void conf_getopt_table(struct option *longs, char *shorts)
{
	unsigned int n = 0;

	*shorts++ = ':'; /* a missing value answers ':' */
	for (unsigned int i = 0; i < conf_noptions; i++) {
		const struct conf_option *o = &conf_options[i];

		longs[i] = (struct option){
			o->name, o->flags & CONF_NO_ARG ? optional_argument : required_argument,
			NULL, (int)(256 + i)};
		if (o->short_opt) {
			shorts[n++] = o->short_opt;
			if (!(o->flags & CONF_NO_ARG))
				shorts[n++] = ':';
		}
	}
	longs[conf_noptions] = (struct option){0};
	shorts[n] = '\0';
}

static const struct conf_option *conf_option_of(int c)
{
	if (c >= 256 && c < 256 + (int)conf_noptions)
		return &conf_options[c - 256];
	for (unsigned int i = 0; i < conf_noptions; i++)
		if (conf_options[i].short_opt && conf_options[i].short_opt == c)
			return &conf_options[i];
	return NULL;
}

struct conf_flag {
	const struct conf_option *o;
	const char *value;
};

/* Read argv into flags[] (in order); 0, 1 for --help/--version, -EINVAL. */
static int conf_scan_flags(int argc, char **argv, struct conf_flag *flags, int *nflags,
			   struct conf_report *r)
{
	struct option longs[CONF_OPTIONS_MAX + 1];
	char shorts[2 * CONF_OPTIONS_MAX + 2];
	int c;

	conf_getopt_table(longs, shorts);
	*nflags = 0;
	/*
	 * 0, not 1: glibc then forgets where it was inside the previous argv
	 * (a cluster like "-hV" left half read), which a second parse would
	 * otherwise read after its owner freed it.
	 */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		const struct conf_option *o = conf_option_of(c);

		if (c == '?' || c == ':' || !o) {
			conf_report(r, "%s: %s — see --help",
				    optind > 0 && optind <= argc ? argv[optind - 1] : "?",
				    c == ':' ? "wants a value" : "unknown option");
			return -EINVAL;
		}
		if (o->short_opt == 'h') {
			conf_usage(stdout);
			return 1;
		}
		if (o->short_opt == 'V') {
			printf("xdpserved %s\n", PACKAGE_VERSION);
			return 1;
		}
		flags[(*nflags)++] = (struct conf_flag){o, optarg};
	}
	if (optind < argc) {
		conf_report(r, "%s: unexpected argument — see --help", argv[optind]);
		return -EINVAL;
	}
	return 0;
}

static void conf_required(struct xdpserve_config *cfg, struct conf_report *r)
{
	bool every_root = true;

	if (!cfg->ifname[0])
		conf_problem_at(r, cfg, CONF_FROM_FLAG, "iface",
				"no interface — give --iface IF or iface = IF");
	if (!cfg->nendpoints)
		conf_problem_at(r, cfg, CONF_FROM_FLAG, "addr",
				"nothing to serve — give --addr ADDR:PORT or addr = ADDR:PORT");
	for (uint32_t i = 0; i < cfg->nendpoints && !cfg->root[0]; i++) {
		const struct xdpserve_endpoint_key *e = &cfg->endpoints[i];
		bool exact = e->prefixlen ==
			     XDPSERVE_ENDPOINT_FIXED_BITS + (e->family == 4 ? 32u : 128u);

		every_root &= exact && conf_root_for(cfg, e->family, e->addr, ntohs(e->port));
	}
	if (!cfg->root[0] && (!every_root || !cfg->nendpoints))
		conf_problem_at(r, cfg, CONF_FROM_FLAG, "root",
				"no document root for every served address — give --root DIR or "
				"root = DIR");
}

int conf_load(struct xdpserve_config *cfg, int argc, char **argv, struct conf_report *report)
{
	struct conf_report to_stderr = {0}, *r = report ? report : &to_stderr;
	struct conf_flag *flags = calloc((size_t)argc + 1, sizeof(*flags));
	struct conf_source s = {.cfg = cfg, .r = r, .line = CONF_FROM_FLAG};
	unsigned int before = r->problems;
	int nflags, err;

	if (!flags)
		return -ENOMEM;
	conf_defaults(cfg);
	err = conf_scan_flags(argc, argv, flags, &nflags, r);
	if (err)
		goto out;
	for (int i = 0; i < nflags; i++)
		if (!strcmp(flags[i].o->name, "config"))
			conf_apply(&s, flags[i].o, NULL, flags[i].value);
	if (s.failed) {
		err = -EINVAL;
		goto out;
	}
	if (cfg->config_path[0] && conf_read_file(cfg, r))
		err = -EINVAL;
	for (int i = 0; i < nflags; i++)
		if (strcmp(flags[i].o->name, "config"))
			conf_apply(&s, flags[i].o, NULL, flags[i].value);
	if (s.failed)
		err = -EINVAL;
	if (!err)
		conf_required(cfg, r);
	if (r->problems != before)
		err = -EINVAL;
out:
	free(flags);
	return err;
}

int conf_parse_args(struct xdpserve_config *cfg, int argc, char **argv)
{
	struct conf_report r = {0};
	int err = conf_load(cfg, argc, argv, &r);

	return err < 0 ? -EINVAL : err;
}

const char *conf_root_for(const struct xdpserve_config *cfg, uint8_t family, const uint8_t *addr,
			  uint16_t port)
{
	size_t n = family == 4 ? 4 : 16;

	for (uint32_t i = 0; i < cfg->nroots; i++) {
		const struct conf_root *r = &cfg->roots[i];

		if (r->family == family && r->port == port && !memcmp(r->addr, addr, n))
			return r->dir;
	}
	return cfg->root[0] ? cfg->root : NULL;
}

static bool conf_same(const struct conf_option *o, const struct xdpserve_config *a,
		      const struct xdpserve_config *b)
{
	const char *pa = (const char *)a + o->off, *pb = (const char *)b + o->off;

	if (!strcmp(o->type, "endpoint"))
		return a->nendpoints == b->nendpoints &&
		       !memcmp(a->endpoints, b->endpoints, a->nendpoints * sizeof(a->endpoints[0]));
	if (!strcmp(o->type, "names")) {
		if (a->files.nindex != b->files.nindex)
			return false;
		for (uint32_t i = 0; i < a->files.nindex; i++)
			if (strcmp(a->files.index_names[i], b->files.index_names[i]))
				return false;
		return true;
	}
	if (!strcmp(o->type, "root")) {
		if (strcmp(a->root, b->root) || a->nroots != b->nroots)
			return false;
		for (uint32_t i = 0; i < a->nroots; i++)
			if (strcmp(a->roots[i].dir, b->roots[i].dir) ||
			    !conf_root_for(b, a->roots[i].family, a->roots[i].addr,
					   a->roots[i].port) ||
			    strcmp(conf_root_for(b, a->roots[i].family, a->roots[i].addr,
						 a->roots[i].port),
				   a->roots[i].dir))
				return false;
		return true;
	}
	if (!strcmp(o->type, "string"))
		return !strcmp(pa, pb);
	return !memcmp(pa, pb, o->size);
}

unsigned int conf_diff(const struct xdpserve_config *old, const struct xdpserve_config *cfg,
		       void (*fn)(void *arg, const char *name, bool reloadable), void *arg)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < conf_noptions; i++) {
		const struct conf_option *o = &conf_options[i];

		if (o->flags & CONF_FLAG_ONLY || conf_same(o, old, cfg))
			continue;
		n++;
		if (fn)
			fn(arg, o->name, o->flags & CONF_RELOAD);
	}
	return n;
}

void conf_keep_restart_only(struct xdpserve_config *cfg, const struct xdpserve_config *old)
{
	for (unsigned int i = 0; i < conf_noptions; i++) {
		const struct conf_option *o = &conf_options[i];

		if (o->flags & (CONF_FLAG_ONLY | CONF_RELOAD))
			continue;
		memcpy((char *)cfg + o->off, (const char *)old + o->off, o->size);
		cfg->origin[i] = old->origin[i];
	}
}
