// SPDX-License-Identifier: GPL-2.0-only
/*
 * The key reference in docs/configuration.md and man/xdpserve.conf.5 is
 * what the option table says today (conf_write_reference): the docs cannot
 * drift from the flags. On a difference: make update-conf-docs.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/conf.h"

/* The text between the lines holding "BEGIN KEYS" and "END KEYS" of FILE. */
static char *between_markers(const char *rel)
{
	const char *src = getenv("XDPSERVE_SRCDIR");
	char path[4096], *text, *begin, *end;
	size_t n = 0, cap = 1 << 20;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", src ? src : ".", rel);
	f = fopen(path, "r");
	cr_assert(f, "cannot open %s (XDPSERVE_SRCDIR)", path);
	text = calloc(1, cap);
	n = fread(text, 1, cap - 1, f);
	fclose(f);
	text[n] = '\0';
	begin = strstr(text, "BEGIN KEYS");
	cr_assert(begin, "%s has no BEGIN KEYS marker", rel);
	begin = strchr(begin, '\n') + 1;
	end = strstr(begin, "END KEYS");
	cr_assert(end, "%s has no END KEYS marker", rel);
	while (end > begin && end[-1] != '\n')
		end--;
	*end = '\0';
	memmove(text, begin, strlen(begin) + 1);
	return text;
}

static void check(const char *rel, const char *format)
{
	char *want = NULL, *have = between_markers(rel);
	size_t len = 0;
	FILE *f = open_memstream(&want, &len);

	cr_assert_eq(conf_write_reference(f, format), 0);
	fclose(f);
	cr_assert_str_eq(have, want, "%s is out of date: run make update-conf-docs", rel);
	free(want);
	free(have);
}

Test(conf_doc, configuration_md_matches_the_table)
{
	check("docs/configuration.md", "md");
}

Test(conf_doc, man_page_matches_the_table)
{
	check("man/xdpserve.conf.5", "man");
}
