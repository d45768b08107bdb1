/* SPDX-License-Identifier: MIT */
/* Runs the mustache spec files in tests/spec/mustache against the engine. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "diag.h"
#include "report.h"
#include "escape.h"
#include "mustache.h"
#include "mustache_cjson.h"
#include "util.h"

/* Spec files are small; this only guards against reading the wrong file. */
#define MAX_SPEC_BYTES (16u << 20)
#define SKIP_ALL_CASES "*"

/* One line of skip.txt: "FILE | CASE | REASON", CASE "*" for every case. */
struct skip {
	char *file, *name, *reason;
};

struct options {
	const char *file_filter; /* run only files whose name contains this */
	const char *name_filter; /* run only cases whose name contains this */
	bool verbose;            /* list every case */
	struct skip *skips;
	size_t n_skips, cap_skips;
};

struct totals {
	size_t passed, failed, skipped;
};

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t') {
		s++;
	}
	size_t n = strlen(s);
	while (n > 0 && strchr(" \t\r\n", s[n - 1])) {
		s[--n] = '\0';
	}
	return s;
}

static bool load_skips(struct options *o, const char *path)
{
	size_t len;
	char *text = gw_read_file(path, MAX_SPEC_BYTES, &len);
	if (!text) {
		perror(path);
		return false;
	}
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (line[0] == '#' || trim(line)[0] == '\0') {
			continue;
		}
		char *bar1 = strchr(line, '|');
		char *bar2 = bar1 ? strchr(bar1 + 1, '|') : NULL;
		if (!bar2) {
			fprintf(stderr, "%s: bad line '%s'\n", path, line);
			free(text);
			return false;
		}
		*bar1 = *bar2 = '\0';
		gw_grow((void **)&o->skips, &o->cap_skips, o->n_skips + 1,
				sizeof(*o->skips));
		o->skips[o->n_skips++] = (struct skip){
			gw_xstrdup(trim(line)),
			gw_xstrdup(trim(bar1 + 1)),
			gw_xstrdup(trim(bar2 + 1)),
		};
	}
	free(text);
	return true;
}

static const struct skip *find_skip(const struct options *o,
		const char *file, const char *name)
{
	for (size_t i = 0; i < o->n_skips; i++) {
		const struct skip *s = &o->skips[i];
		if (strcmp(s->file, file) == 0 &&
				(strcmp(s->name, SKIP_ALL_CASES) == 0 ||
				 strcmp(s->name, name) == 0)) {
			return s;
		}
	}
	return NULL;
}

/* Print 's' with whitespace made visible, one output line per line. */
static void print_visible(const char *label, const char *s)
{
	printf("  %s:\n    ", label);
	for (; *s; s++) {
		switch (*s) {
		case ' ':
			fputs("\u00b7", stdout);
			break;
		case '\t':
			fputs("\u2192", stdout);
			break;
		case '\r':
			fputs("\u240d", stdout);
			break;
		case '\n':
			fputs("\u21b5\n    ", stdout);
			break;
		default:
			putchar(*s);
			break;
		}
	}
	fputs("\u2403\n", stdout); /* end of text */
}

/* Partials come from the test's "partials" object. */
static bool load_partial(void *ud, const char *name, const char **text,
		size_t *len, const char **file)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(ud, name);
	if (!cJSON_IsString(item)) {
		return false;
	}
	*text = item->valuestring;
	*len = strlen(item->valuestring);
	*file = item->string;
	return true;
}

/* Render one test case; returns whether the output is the expected one. */
static bool run_case(const cJSON *test, const char *file)
{
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(test, "name");
	const cJSON *desc = cJSON_GetObjectItemCaseSensitive(test, "desc");
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(test, "data");
	const cJSON *tmpl = cJSON_GetObjectItemCaseSensitive(test, "template");
	const cJSON *want = cJSON_GetObjectItemCaseSensitive(test, "expected");
	const cJSON *partials =
		cJSON_GetObjectItemCaseSensitive(test, "partials");
	struct gw_mustache_loader loader = {load_partial, (void *)partials};
	struct gw_diags d;
	struct gw_buf out;
	gw_diags_init(&d);
	gw_buf_init(&out);

	struct gw_mustache *t = gw_mustache_compile(tmpl->valuestring,
			strlen(tmpl->valuestring), "template", &loader, &d);
	bool ok = t && gw_mustache_render_cjson(t, data, gw_escape_html, 0,
			&out, &d);
	bool pass = ok && strcmp(gw_buf_str(&out), want->valuestring) == 0;
	if (!pass) {
		printf("FAIL %s: %s\n  %s\n", file, name->valuestring,
				cJSON_IsString(desc) ? desc->valuestring : "");
		print_visible("template", tmpl->valuestring);
		print_visible("expected", want->valuestring);
		print_visible("actual", gw_buf_str(&out));
		gw_diags_print(&d, stdout, GW_DIAG_TEXT, false);
	}
	gw_mustache_destroy(t);
	gw_buf_finish(&out);
	gw_diags_finish(&d);
	return pass;
}

static bool run_file(const struct options *o, const char *path,
		struct totals *all)
{
	const char *file = base_name(path);
	if (o->file_filter && !strstr(file, o->file_filter)) {
		return true;
	}
	size_t len;
	char *text = gw_read_file(path, MAX_SPEC_BYTES, &len);
	if (!text) {
		perror(path);
		return false;
	}
	cJSON *spec = cJSON_ParseWithLength(text, len);
	free(text);
	const cJSON *tests = cJSON_GetObjectItemCaseSensitive(spec, "tests");
	if (!cJSON_IsArray(tests)) {
		fprintf(stderr, "%s: not a mustache spec file\n", path);
		cJSON_Delete(spec);
		return false;
	}
	struct totals t = {0};
	const cJSON *test;
	cJSON_ArrayForEach(test, tests) {
		const char *name = cJSON_GetObjectItemCaseSensitive(test,
				"name")->valuestring;
		if (o->name_filter && !strstr(name, o->name_filter)) {
			continue;
		}
		const struct skip *skip = find_skip(o, file, name);
		if (skip) {
			t.skipped++;
			if (o->verbose) {
				printf("skip %s: %s (%s)\n", file, name,
						skip->reason);
			}
		} else if (run_case(test, file)) {
			t.passed++;
			if (o->verbose) {
				printf("ok   %s: %s\n", file, name);
			}
		} else {
			t.failed++;
		}
	}
	printf("%-22s %3zu passed, %3zu failed, %3zu skipped\n", file,
			t.passed, t.failed, t.skipped);
	all->passed += t.passed;
	all->failed += t.failed;
	all->skipped += t.skipped;
	cJSON_Delete(spec);
	return true;
}

static void usage(FILE *out)
{
	fputs("usage: run_spec [-s SKIP.txt] [-f FILE] [-n CASE] [-v] "
			"SPEC.json...\n"
			"  -s, --skip FILE  skip the cases listed in FILE\n"
			"  -f, --file TEXT  only spec files whose name contains TEXT\n"
			"  -n, --name TEXT  only cases whose name contains TEXT\n"
			"  -v, --verbose    list every case\n", out);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"skip", required_argument, NULL, 's'},
		{"file", required_argument, NULL, 'f'},
		{"name", required_argument, NULL, 'n'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct options o = {0};
	gw_cjson_init();
	int c;
	bool ok = true;
	while ((c = getopt_long(argc, argv, "s:f:n:vh", longopts, NULL)) !=
			-1) {
		switch (c) {
		case 's':
			ok = ok && load_skips(&o, optarg);
			break;
		case 'f':
			o.file_filter = optarg;
			break;
		case 'n':
			o.name_filter = optarg;
			break;
		case 'v':
			o.verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind == argc) {
		usage(stderr);
		return 2;
	}
	struct totals all = {0};
	for (int i = optind; ok && i < argc; i++) {
		ok = run_file(&o, argv[i], &all);
	}
	printf("total: %zu passed, %zu failed, %zu skipped\n", all.passed,
			all.failed, all.skipped);
	for (size_t i = 0; i < o.n_skips; i++) {
		free(o.skips[i].file);
		free(o.skips[i].name);
		free(o.skips[i].reason);
	}
	free(o.skips);
	return ok && all.failed == 0 ? 0 : 1;
}
