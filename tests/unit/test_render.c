/* SPDX-License-Identifier: MIT */
/* `gwgen render`: output, exit statuses and messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli.h"
#include "render.h"
#include "util.h"

#define MAX_ARGS 16

struct run {
	int status;
	char *out, *err; /* free() */
};

/* Scratch files live in a fresh directory below the working directory. */
struct fixture {
	char dir[64];
};

static void write_file(const struct fixture *f, const char *name,
		const char *text)
{
	char *path = gw_xasprintf("%s/%s", f->dir, name);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	free(path);
}

static int setup(void **state)
{
	struct fixture *f = gw_xcalloc(1, sizeof(*f));
	strcpy(f->dir, "test_render.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	char *partials = gw_xasprintf("%s/partials", f->dir);
	assert_int_equal(mkdir(partials, 0700), 0);
	free(partials);
	write_file(f, "t.mustache", "Hi {{name}}!\n{{#items}}\n  {{> item}}\n"
			"{{/items}}");
	write_file(f, "partials/item.mustache", "- {{.}}\n");
	write_file(f, "data.json",
			"{\"name\": \"<it's>\", \"items\": [\"a\", 1.5]}");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char *cmd = gw_xasprintf("rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(f);
	return 0;
}

/* Run gw_render_main with "render" and the NULL-terminated 'args'; paths
 * starting with '@' are taken relative to the fixture directory. */
static struct run run(const struct fixture *f, const char *const *args)
{
	char *argv[MAX_ARGS] = {"render"};
	int argc = 1;
	for (; *args; args++) {
		assert_true(argc < MAX_ARGS - 1);
		argv[argc++] = (*args)[0] == '@' ?
			gw_xasprintf("%s/%s", f->dir, *args + 1) :
			gw_xstrdup(*args);
	}
	size_t n;
	struct run r = {0};
	FILE *out = open_memstream(&r.out, &n);
	FILE *err = open_memstream(&r.err, &n);
	r.status = gw_render_main(argc, argv, out, err);
	fclose(out);
	fclose(err);
	for (int i = 1; i < argc; i++) {
		free(argv[i]);
	}
	return r;
}

static void expect(const struct fixture *f, const char *const *args,
		int status, const char *out, const char *err)
{
	struct run r = run(f, args);
	assert_string_equal(r.out, out);
	/* messages name files by path: drop the fixture's "DIR/" */
	size_t skip = strlen(f->dir) + 1;
	for (char *at; (at = strstr(r.err, f->dir));) {
		memmove(at, at + skip, strlen(at + skip) + 1);
	}
	assert_string_equal(r.err, err);
	assert_int_equal(r.status, status);
	free(r.out);
	free(r.err);
}

static void test_render_partials_and_html(void **state)
{
	const char *const args[] = {"--partials", "@partials", "@t.mustache",
		"@data.json", NULL};
	expect(*state, args, GW_EXIT_OK,
			"Hi &lt;it's&gt;!\n  - a\n  - 1.5\n", "");
}

static void test_render_escapers(void **state)
{
	const char *const yaml[] = {"-p", "@partials", "--escape", "yaml",
		"@t.mustache", "@data.json", NULL};
	expect(*state, yaml, GW_EXIT_OK,
			"Hi \"<it's>\"!\n  - \"a\"\n  - 1.5\n", "");
	const char *const sh[] = {"-p", "@partials", "-e", "shell",
		"@t.mustache", "@data.json", NULL};
	expect(*state, sh, GW_EXIT_OK,
			"Hi '<it'\\''s>'!\n  - 'a'\n  - 1.5\n", "");
}

static void test_render_missing_partial_lenient_and_strict(void **state)
{
	const char *const lenient[] = {"@t.mustache", "@data.json", NULL};
	expect(*state, lenient, GW_EXIT_OK, "Hi &lt;it's&gt;!\n", "");
	const char *const strict[] = {"--strict", "@t.mustache", "@data.json",
		NULL};
	expect(*state, strict, GW_EXIT_INVALID, "",
			"t.mustache:3:3: error: unknown partial 'item'\n");
}

static void test_render_usage_errors(void **state)
{
	const char *const none[] = {NULL};
	expect(*state, none, GW_EXIT_USAGE, "",
			"gwgen render: expected TEMPLATE and DATA.json\n"
			"try 'gwgen render --help'\n");
	const char *const bad_escape[] = {"--escape", "xml", "@t.mustache",
		"@data.json", NULL};
	expect(*state, bad_escape, GW_EXIT_USAGE, "",
			"gwgen render: unknown escaper 'xml', expected html, "
			"json, yaml, shell or none\n"
			"try 'gwgen render --help'\n");
	const char *const bad_option[] = {"--bogus", NULL};
	expect(*state, bad_option, GW_EXIT_USAGE, "",
			"gwgen render: unknown option '--bogus'\n"
			"try 'gwgen render --help'\n");
}

static void test_render_help(void **state)
{
	const char *const args[] = {"--help", NULL};
	struct run r = run(*state, args);
	assert_int_equal(r.status, GW_EXIT_OK);
	assert_true(gw_has_prefix(r.out, "usage: gwgen render "));
	assert_string_equal(r.err, "");
	free(r.out);
	free(r.err);
}

static void test_render_invalid_inputs(void **state)
{
	write_file(*state, "bad.json", "{\"a\": [1,\n  }");
	const char *const json[] = {"@t.mustache", "@bad.json", NULL};
	expect(*state, json, GW_EXIT_INVALID, "",
			"bad.json:2:3: error: invalid JSON\n");
	write_file(*state, "bad.mustache", "ok\n{{#a}}\n{{/b}}");
	const char *const tmpl[] = {"@bad.mustache", "@data.json", NULL};
	expect(*state, tmpl, GW_EXIT_INVALID, "",
			"bad.mustache:3:1: error: mismatched section close 'b', "
			"expected 'a'\n"
			"bad.mustache:2:1: note: 'a' opened here\n");
	write_file(*state, "escape.mustache", "{{> ../t}}");
	const char *const path[] = {"-p", "@partials", "@escape.mustache",
		"@data.json", NULL};
	expect(*state, path, GW_EXIT_INVALID, "",
			"gwgen: error: partial name '../t' must not contain '/' "
			"or '..'\n");
}

static void test_render_io_error(void **state)
{
	const char *const args[] = {"@t.mustache", "@missing.json", NULL};
	expect(*state, args, GW_EXIT_IO, "",
			"gwgen: error: cannot read 'missing.json': No such file "
			"or directory\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render_partials_and_html),
		cmocka_unit_test(test_render_escapers),
		cmocka_unit_test(test_render_missing_partial_lenient_and_strict),
		cmocka_unit_test(test_render_usage_errors),
		cmocka_unit_test(test_render_help),
		cmocka_unit_test(test_render_invalid_inputs),
		cmocka_unit_test(test_render_io_error),
	};
	gw_cjson_init();
	return cmocka_run_group_tests(tests, setup, teardown);
}
