/* SPDX-License-Identifier: MIT */
/* Tests for cli.c: exit statuses, usage errors, --list, and the pipeline end to end. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "templates.h"
#include "util.h"

#include "scratch.h"

/* Set by tests/unit/meson.build. */
#define SOURCE_PROFILES_ENV "GW_TEST_PROFILES_DIR"
#define SOURCE_TEMPLATES_ENV "GW_TEST_TEMPLATES_DIR"
#define PROFILE_PATH_ENV "GWGEN_PROFILE_PATH"
#define SOURCE_ROOT_ENV "GW_TEST_SOURCE_ROOT"

/* What one gw_cli_run wrote. */
struct cap {
	char *out, *err;
	size_t outlen, errlen;
	int status;
};

static void cap_free(struct cap *c)
{
	free(c->out);
	free(c->err);
	*c = (struct cap){0};
}

static void run_argv(struct cap *c, int argc, char **argv)
{
	cap_free(c);
	FILE *out = open_memstream(&c->out, &c->outlen);
	FILE *err = open_memstream(&c->err, &c->errlen);
	assert_non_null(out);
	assert_non_null(err);
	c->status = gw_cli_run(argc, argv, out, err);
	fclose(out);
	fclose(err);
}

/* Run gwgen with 'argv' on the streams 'out' and 'err' (left open). */
static int run_on(FILE *out, FILE *err, int argc, char **argv)
{
	return gw_cli_run(argc, argv, out, err);
}

/* Run gwgen with the given arguments (string literals). */
#define RUN(c, ...) \
	do { \
		char *argv_[] = {"gwgen", __VA_ARGS__, NULL}; \
		run_argv((c), (int)GW_ARRAY_LEN(argv_) - 1, argv_); \
	} while (0)

static void expect_usage_error(struct cap *c, const char *line)
{
	char *want = gw_xasprintf("gwgen: error: %s\ntry 'gwgen --help'\n",
			line);
	assert_int_equal(c->status, GW_EXIT_USAGE);
	assert_string_equal(c->err, want);
	assert_string_equal(c->out, "");
	free(want);
}

static void test_cli_help(void **state)
{
	(void)state;
	struct cap c = {0};
	RUN(&c, "--help");
	assert_int_equal(c.status, GW_EXIT_OK);
	assert_string_equal(c.err, "");
	assert_true(gw_has_prefix(c.out, "usage: gwgen "));
	/* Every exit status of enum gw_exit is documented. */
	static const char *const statuses[] = {
		"\n  0  success\n", "\n  1  a profile", "\n  2  usage error",
		"\n  3  reading or writing", "\n  4  check:",
	};
	for (size_t i = 0; i < GW_ARRAY_LEN(statuses); i++) {
		assert_non_null(strstr(c.out, statuses[i]));
	}
	/* Every command and long option is documented. */
	static const char *const words[] = {
		"--profile", "--out", "--templates", "--all", "--template",
		"--diff", "--strict", "--format", "--color", "--verbose",
		"--help", "--version", "--verify-only", "--check", "--list",
		"generate", "verify", "check", "list", "render",
		"GWGEN_PROFILE_PATH",
	};
	for (size_t i = 0; i < GW_ARRAY_LEN(words); i++) {
		assert_non_null(strstr(c.out, words[i]));
	}
	RUN(&c, "-h");
	assert_int_equal(c.status, GW_EXIT_OK);
	cap_free(&c);
}

/* 's' with every '-' written as roff's "\-". */
static char *roff_dashes(const char *s)
{
	char *r = gw_xmalloc(2 * strlen(s) + 1), *p = r;
	for (; *s; s++) {
		if (*s == '-') {
			*p++ = '\\';
		}
		*p++ = *s;
	}
	*p = '\0';
	return r;
}

static void test_cli_help_matches_man_and_readme(void **state)
{
	(void)state;
	const char *root = getenv(SOURCE_ROOT_ENV);
	if (!root) {
		skip();
	}
	char *path = gw_xasprintf("%s/docs/gwgen.1", root);
	size_t len = 0;
	char *man = gw_read_file(path, 1 << 20, &len);
	assert_non_null(man);
	free(path);
	path = gw_xasprintf("%s/README.md", root);
	char *readme = gw_read_file(path, 1 << 20, &len);
	assert_non_null(readme);
	free(path);

	struct cap c = {0};
	RUN(&c, "--help");
	/* Every long option --help names is in the manual and the README. */
	size_t n = 0;
	for (const char *p = strstr(c.out, "--"); p; p = strstr(p, "--")) {
		size_t w = 2 + strspn(p + 2, "abcdefghijklmnopqrstuvwxyz-");
		char *word = gw_xstrndup(p, w);
		char *rword = roff_dashes(word);
		if (!strstr(man, rword) || !strstr(readme, word)) {
			fail_msg("'%s' is in --help but not in docs/gwgen.1 "
					"or README.md", word);
		}
		free(rword);
		free(word);
		p += w;
		n++;
	}
	assert_true(n > 10);
	/* Every exit status, and no other, in all three, in that order. */
	const char *h = c.out, *mp = man, *rp = readme;
	for (int k = GW_EXIT_OK; k <= GW_EXIT_STALE + 1; k++) {
		char *hk = gw_xasprintf("\n  %d  ", k);
		char *mk = gw_xasprintf("\n.TP\n.B %d\n", k);
		char *rk = gw_xasprintf("\n| %d | ", k);
		const char *hf = strstr(h, hk), *mf = strstr(mp, mk);
		const char *rf = strstr(rp, rk);
		if (k <= GW_EXIT_STALE) {
			if (!hf || !mf || !rf) {
				fail_msg("exit status %d missing from --help "
						"(%d), gwgen.1 (%d) or README "
						"(%d)", k, !!hf, !!mf, !!rf);
			}
			h = hf;
			mp = mf;
			rp = rf;
		} else {
			assert_null(hf);
			assert_null(mf);
			assert_null(rf);
		}
		free(hk);
		free(mk);
		free(rk);
	}
	cap_free(&c);
	free(man);
	free(readme);
}

static void test_cli_version(void **state)
{
	(void)state;
	struct cap c = {0};
	RUN(&c, "--version");
	assert_int_equal(c.status, GW_EXIT_OK);
	assert_string_equal(c.out, "gwgen " GW_VERSION "\n");
	assert_string_equal(c.err, "");
	RUN(&c, "-V");
	assert_string_equal(c.out, "gwgen " GW_VERSION "\n");
	cap_free(&c);
}

static void test_cli_usage_errors(void **state)
{
	(void)state;
	struct cap c = {0};
	RUN(&c, "--bogus");
	expect_usage_error(&c, "unknown option '--bogus'");
	RUN(&c, "--bogus=1", "--profile", "x");
	expect_usage_error(&c, "unknown option '--bogus'");
	RUN(&c, "-x");
	expect_usage_error(&c, "unknown option '-x'");
	RUN(&c, "--profile");
	expect_usage_error(&c, "option '--profile' needs an argument");
	RUN(&c, "--profile", "x", "-o");
	expect_usage_error(&c, "option '-o' needs an argument");
	RUN(&c, "--format", "xml", "--profile", "x");
	expect_usage_error(&c, "unknown --format 'xml' (text, json, github or sarif)");
	RUN(&c, "--color", "sometimes", "--profile", "x");
	expect_usage_error(&c, "unknown --color 'sometimes' "
			"(auto, always or never)");
	RUN(&c, "--profile", "x", "stray");
	expect_usage_error(&c, "unexpected argument 'stray'");
	RUN(&c, "--profile", "x", "--diff");
	expect_usage_error(&c, "--diff only goes with 'check'");
	RUN(&c, "--template", "t.yaml");
	expect_usage_error(&c, "--template only goes with 'verify'");
	RUN(&c, "--check", "--verify-only", "--profile", "x");
	expect_usage_error(&c, "'check' and 'verify' cannot be combined");
	RUN(&c, "list", "--profile", "x");
	expect_usage_error(&c, "list takes no profile");
	cap_free(&c);
}

/* The usage error of an option given an empty value. */
static void expect_empty_value(struct cap *c, const char *option)
{
	char *line = gw_xasprintf("option '%s' needs a non-empty value",
			option);
	expect_usage_error(c, line);
	free(line);
}

/* Every option with a value refuses an empty one, written either way. */
static void test_cli_empty_values(void **state)
{
	(void)state;
	struct cap c = {0};
	RUN(&c, "--profile=");
	expect_empty_value(&c, "--profile");
	RUN(&c, "-p", "");
	expect_empty_value(&c, "-p");
	RUN(&c, "--profile", "", "-o", "out");
	expect_empty_value(&c, "--profile");
	RUN(&c, "-p", "x", "-o", "");
	expect_empty_value(&c, "-o");
	RUN(&c, "-p", "x", "--out=");
	expect_empty_value(&c, "--out");
	RUN(&c, "--all=");
	expect_empty_value(&c, "--all");
	RUN(&c, "--all", "");
	expect_empty_value(&c, "--all");
	RUN(&c, "-p", "x", "--templates", "");
	expect_empty_value(&c, "--templates");
	RUN(&c, "-p", "x", "-T", "");
	expect_empty_value(&c, "-T");
	RUN(&c, "verify", "--template", "");
	expect_empty_value(&c, "--template");
	RUN(&c, "-p", "x", "--format=");
	expect_empty_value(&c, "--format");
	RUN(&c, "-p", "x", "--color", "");
	expect_empty_value(&c, "--color");
	/* There is no --output: an unknown option, not an empty value. */
	RUN(&c, "-p", "x", "--output=");
	expect_usage_error(&c, "unknown option '--output'");
	/* gwgen render's own options and operands. */
	static const char render_hint[] = "\ntry 'gwgen render --help'\n";
	RUN(&c, "render", "-p", "", "t.mustache", "d.json");
	assert_int_equal(c.status, GW_EXIT_USAGE);
	assert_string_equal(c.err, "gwgen render: option '--partials' needs "
			"a non-empty value\ntry 'gwgen render --help'\n");
	RUN(&c, "render", "--escape=", "t.mustache", "d.json");
	assert_int_equal(c.status, GW_EXIT_USAGE);
	assert_true(gw_has_suffix(c.err, render_hint));
	RUN(&c, "render", "", "d.json");
	assert_int_equal(c.status, GW_EXIT_USAGE);
	assert_string_equal(c.err, "gwgen render: TEMPLATE is an empty file "
			"name\ntry 'gwgen render --help'\n");
	RUN(&c, "render", "t.mustache", "");
	assert_int_equal(c.status, GW_EXIT_USAGE);
	assert_true(gw_has_suffix(c.err, render_hint));
	cap_free(&c);
}

static void test_cli_no_arguments(void **state)
{
	(void)state;
	struct cap c = {0};
	char *argv[] = {"gwgen", NULL};
	run_argv(&c, 1, argv);
	expect_usage_error(&c, "no profile given (use --profile NAME or --all)");
	RUN(&c, "verify");
	expect_usage_error(&c, "no profile given (use --profile NAME or --all)");
	cap_free(&c);
}

/* The text of file 'path' ('len' bytes), which the test must be able to read. */
static char *slurp(const char *path)
{
	size_t len = 0;
	char *text = gw_read_file(path, 1 << 22, &len);
	assert_non_null(text);
	return text;
}

/* Write 'len' bytes of 'text' to 'path'. */
static void put_bytes(const char *path, const char *text, size_t len)
{
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

static int setup(void **state)
{
	*state = scratch_create("cli");
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	scratch_destroy(*state);
	unsetenv(PROFILE_PATH_ENV);
	return 0;
}

static void put(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void test_cli_missing_profile(void **state)
{
	struct scratch *s = *state;
	setenv(PROFILE_PATH_ENV, s->dir, 1);
	struct cap c = {0};
	RUN(&c, "--profile", "gwtest-no-such-profile", "-o", s->dir);
	/* Documented in --help: no such profile is status 3. */
	assert_int_equal(c.status, GW_EXIT_IO);
	assert_true(gw_has_prefix(c.err, "gwgen: error: "));
	assert_non_null(strstr(c.err, "gwtest-no-such-profile"));
	assert_string_equal(c.out, "");
	RUN(&c, "--profile", "gwtest-missing/file.yaml");
	assert_int_equal(c.status, GW_EXIT_IO);
	RUN(&c, "--format", "json", "--profile", "gwtest-no-such-profile");
	assert_int_equal(c.status, GW_EXIT_IO);
	assert_true(gw_has_prefix(c.err, "{"));
	RUN(&c, "--format", "github", "--profile", "gwtest-no-such-profile");
	assert_true(gw_has_prefix(c.err, "::error"));
	cap_free(&c);
}

static void test_cli_color(void **state)
{
	struct scratch *s = *state;
	setenv(PROFILE_PATH_ENV, s->dir, 1);
	struct cap c = {0};
	/* ANSI SGR sequences start with ESC '['. */
	static const char esc[] = "\033[";
	RUN(&c, "--color", "always", "--profile", "gwtest-none");
	assert_int_equal(c.status, GW_EXIT_IO);
	assert_non_null(strstr(c.err, esc));
	RUN(&c, "--color", "never", "--profile", "gwtest-none");
	assert_null(strstr(c.err, esc));
	/* auto: the captured stream is no terminal. */
	RUN(&c, "--profile", "gwtest-none");
	assert_null(strstr(c.err, esc));
	cap_free(&c);
}

static void test_cli_list(void **state)
{
	struct scratch *s = *state;
	char *first = gw_xasprintf("%s/first", s->dir);
	char *second = gw_xasprintf("%s/second", s->dir);
	assert_int_equal(mkdir(first, 0755), 0);
	assert_int_equal(mkdir(second, 0755), 0);
	char *p = gw_xasprintf("%s/zeta.yaml", first);
	put(p, "name: zeta\ndescription: the last one\nregion: us-east-1\n");
	free(p);
	p = gw_xasprintf("%s/alpha.yaml", second);
	put(p, "name: alpha\ndescription: the first one\nregion: eu-west-1\n");
	free(p);
	/* Shadowed by first/zeta.yaml: the earlier directory wins. */
	p = gw_xasprintf("%s/zeta.yaml", second);
	put(p, "name: zeta\ndescription: shadowed\nregion: us-east-1\n");
	free(p);
	p = gw_xasprintf("%s/notes.txt", second);
	put(p, "not a profile\n");
	free(p);
	char *broken = gw_xasprintf("%s/broken.yaml", second);
	put(broken, "name: [unclosed\n");
	char *path = gw_xasprintf("%s:%s", first, second);
	setenv(PROFILE_PATH_ENV, path, 1);

	struct cap c = {0};
	RUN(&c, "--list");
	assert_int_equal(c.status, GW_EXIT_OK);
	assert_string_equal(c.err, "");
	/* ./profiles (the source tree's) is not searched from the build
	 * tree, so these are all; an invalid one is listed, not reported. */
	char *want = gw_xasprintf("alpha   the first one\n"
			"broken  (invalid: run 'gwgen verify --profile %s')\n"
			"zeta    the last one\n", broken);
	assert_string_equal(c.out, want);
	RUN(&c, "list");
	assert_int_equal(c.status, GW_EXIT_OK);
	assert_string_equal(c.out, want);
	free(want);
	free(broken);
	cap_free(&c);
	free(path);
	free(first);
	free(second);
}

/* Run with standard output on /dev/full, where every write fails. */
static void run_full(struct cap *c, int argc, char **argv)
{
	cap_free(c);
	FILE *out = fopen("/dev/full", "w");
	if (!out) {
		skip();
	}
	FILE *err = open_memstream(&c->err, &c->errlen);
	assert_non_null(err);
	c->status = run_on(out, err, argc, argv);
	fclose(out);
	fclose(err);
	c->out = gw_xstrdup("");
}

#define RUN_FULL(c, ...) \
	do { \
		char *argv_[] = {"gwgen", __VA_ARGS__, NULL}; \
		run_full((c), (int)GW_ARRAY_LEN(argv_) - 1, argv_); \
	} while (0)

/* A failed write to standard output is an I/O error (status 3), said once. */
static void expect_stdout_error(const struct cap *c)
{
	char *want = gw_xasprintf("gwgen: error: cannot write to standard "
			"output: %s\n", strerror(ENOSPC));
	assert_int_equal(c->status, GW_EXIT_IO);
	assert_true(gw_has_suffix(c->err, want));
	assert_non_null(strstr(c->err, want));
	assert_null(strstr(strstr(c->err, want) + strlen(want),
				"standard output"));
	free(want);
}

static void test_cli_stdout_write_errors(void **state)
{
	struct scratch *s = *state;
	struct cap c = {0};
	RUN_FULL(&c, "--help");
	expect_stdout_error(&c);
	RUN_FULL(&c, "-h");
	expect_stdout_error(&c);
	RUN_FULL(&c, "--version");
	expect_stdout_error(&c);
	RUN_FULL(&c, "render", "--help");
	expect_stdout_error(&c);

	char *p = gw_xasprintf("%s/solo.yaml", s->dir);
	put(p, "name: solo\ndescription: listed\nregion: us-east-1\n");
	free(p);
	setenv(PROFILE_PATH_ENV, s->dir, 1);
	RUN_FULL(&c, "list");
	expect_stdout_error(&c);
	RUN_FULL(&c, "--list");
	expect_stdout_error(&c);

	char *t = gw_xasprintf("%s/t.mustache", s->dir);
	char *data = gw_xasprintf("%s/d.json", s->dir);
	put(t, "hello {{who}}\n");
	put(data, "{\"who\": \"world\"}\n");
	RUN_FULL(&c, "render", t, data);
	assert_int_equal(c.status, GW_EXIT_IO);
	/* render's own message, once. */
	char *want = gw_xasprintf("gwgen: error: cannot write the output: "
			"%s\n", strerror(ENOSPC));
	assert_string_equal(c.err, want);
	free(want);
	/* The same render on a good stream is fine. */
	RUN(&c, "render", t, data);
	assert_int_equal(c.status, GW_EXIT_OK);
	assert_string_equal(c.out, "hello world\n");
	free(t);
	free(data);
	cap_free(&c);
}

/* A failed write to standard error cannot be told, but the status says it. */
static void test_cli_stderr_write_error(void **state)
{
	struct scratch *s = *state;
	char *prof = gw_xasprintf("%s/bucket.yaml", s->dir);
	put(prof, "name: bucket\ndescription: a bucket\nregion: us-east-1\n"
			"bucket:\n  name: example-gwgen-test-bucket\n");
	struct cap c = {0};
	/* JSON always prints a document, here to a full stream. */
	RUN(&c, "verify", "--format", "json", "--profile", prof);
	assert_int_equal(c.status, GW_EXIT_OK);
	assert_true(gw_has_prefix(c.err, "{"));
	cap_free(&c);
	FILE *full = fopen("/dev/full", "w");
	if (!full) {
		skip();
	}
	FILE *out = open_memstream(&c.out, &c.outlen);
	assert_non_null(out);
	char *argv[] = {"gwgen", "verify", "--format", "json", "--profile",
		prof, NULL};
	c.status = run_on(out, full, (int)GW_ARRAY_LEN(argv) - 1, argv);
	fclose(out);
	fclose(full);
	assert_int_equal(c.status, GW_EXIT_IO);
	free(prof);
	cap_free(&c);
}

/* A profile that verifies and generates; 'name' is on line 1, column 7. */
static char *small_profile(const char *name)
{
	return gw_xasprintf("name: %s\ndescription: a bucket\n"
			"region: us-east-1\nbucket:\n"
			"  name: example-gwgen-%s-bucket\n", name, name);
}

static void put_profile(const char *dir, const char *file, const char *name)
{
	char *path = gw_xasprintf("%s/%s", dir, file);
	char *text = small_profile(name);
	put(path, text);
	free(text);
	free(path);
}

/*
 * Two profiles of one run with the same name: would write the same
 * DIR/NAME/. An error at the second one's name: (in the file that set it),
 * a note at the first's, status 1, and nothing written at all.
 */
static void test_cli_duplicate_names(void **state)
{
	struct scratch *s = *state;
	char *dir = gw_xasprintf("%s/dup", s->dir);
	char *out = gw_xasprintf("%s/out", s->dir);
	assert_int_equal(mkdir(dir, 0755), 0);
	put_profile(dir, "a.yaml", "lab");
	put_profile(dir, "b.yaml", "lab");
	put_profile(dir, "c.yaml", "other");
	char *want = gw_xasprintf("%s/b.yaml:1:7: error: profile '%s/b.yaml' "
			"has the same name 'lab' as '%s/a.yaml': both would "
			"write '%s/lab/'\n%s/a.yaml:1:7: note: '%s/a.yaml' "
			"takes the name 'lab' here\n", dir, dir, dir, out, dir,
			dir);
	struct cap c = {0};
	RUN(&c, "--all", dir, "-o", out);
	assert_int_equal(c.status, GW_EXIT_INVALID);
	assert_string_equal(c.err, want);
	assert_int_equal(access(out, F_OK), -1);
	RUN(&c, "check", "--all", dir, "-o", out);
	assert_int_equal(c.status, GW_EXIT_INVALID);
	assert_string_equal(c.err, want);
	RUN(&c, "verify", "--all", dir, "-o", out);
	assert_int_equal(c.status, GW_EXIT_INVALID);
	assert_string_equal(c.err, want);

	/* The same through --profile, and through a DIR/. */
	char *a = gw_xasprintf("%s/a.yaml", dir);
	char *b = gw_xasprintf("%s/b.yaml", dir);
	RUN(&c, "-p", a, "-p", b, "-o", out);
	assert_int_equal(c.status, GW_EXIT_INVALID);
	assert_string_equal(c.err, want);
	char *slash = gw_xasprintf("%s/", dir);
	RUN(&c, "-p", slash, "-o", out);
	assert_int_equal(c.status, GW_EXIT_INVALID);
	assert_non_null(strstr(c.err, "b.yaml:1:7: error: profile '"));
	assert_int_equal(access(out, F_OK), -1);
	free(slash);

	/* One file named twice. */
	char *again = gw_xasprintf("%s/./a.yaml", dir);
	RUN(&c, "-p", a, "-p", again, "-o", out);
	assert_int_equal(c.status, GW_EXIT_INVALID);
	free(want);
	want = gw_xasprintf("%s:1:7: error: profile '%s' is given twice (also "
			"as '%s'), and would write '%s/lab/' twice\n", again,
			again, a, out);
	assert_true(gw_has_prefix(c.err, want));
	assert_int_equal(access(out, F_OK), -1);
	free(again);

	/* Different names: fine. */
	char *cpath = gw_xasprintf("%s/c.yaml", dir);
	RUN(&c, "-p", a, "-p", cpath, "-o", out);
	assert_int_equal(c.status, GW_EXIT_OK);
	assert_string_equal(c.err, "");
	free(cpath);

	/* A name set in a common base: the error is in the base, where it
	 * is set, and names both profiles. */
	char *kids = gw_xasprintf("%s/kids", s->dir);
	assert_int_equal(mkdir(kids, 0755), 0);
	put_profile(kids, "_base.yaml", "shared");
	char *k1 = gw_xasprintf("%s/one.yaml", kids);
	char *k2 = gw_xasprintf("%s/two.yaml", kids);
	put(k1, "extends: _base\ndescription: one\n");
	put(k2, "extends: _base\ndescription: two\n");
	RUN(&c, "--all", kids, "-o", out);
	assert_int_equal(c.status, GW_EXIT_INVALID);
	free(want);
	want = gw_xasprintf("%s/_base.yaml:1:7: error: profile '%s' has the "
			"same name 'shared' as '%s': both would write "
			"'%s/shared/'\n%s/_base.yaml:1:7: note: '%s' takes the "
			"name 'shared' here\n", kids, k2, k1, out, kids, k1);
	assert_string_equal(c.err, want);
	free(k1);
	free(k2);
	free(kids);
	free(want);
	free(a);
	free(b);
	cap_free(&c);
	free(out);
	free(dir);
}

/* The line of 'err' that has 'needle', without its newline; free() it. */
static char *line_with(const char *err, const char *needle)
{
	const char *at = strstr(err, needle);
	assert_non_null(at);
	const char *start = at;
	while (start > err && start[-1] != '\n') {
		start--;
	}
	return gw_xstrndup(start, strcspn(start, "\n"));
}

/*
 * The note of a stale check names a command that regenerates the output:
 * the bare name only when --profile NAME finds that file, else its path;
 * with -T, the templates too. Running that command makes it fresh.
 */
static void test_cli_stale_hint_works(void **state)
{
	struct scratch *s = *state;
	char *dir = gw_xasprintf("%s/elsewhere", s->dir);
	char *out = gw_xasprintf("%s/out", s->dir);
	assert_int_equal(mkdir(dir, 0755), 0);
	put_profile(dir, "lab-file.yaml", "lab");
	char *prof = gw_xasprintf("%s/lab-file.yaml", dir);
	char *readme = gw_xasprintf("%s/lab/README.md", out);
	/* Not on the search path, and not named after the profile. */
	setenv(PROFILE_PATH_ENV, s->dir, 1);
	struct cap c = {0};
	RUN(&c, "--profile", prof, "-o", out);
	assert_int_equal(c.status, GW_EXIT_OK);
	put(readme, "edited\n");
	RUN(&c, "check", "--profile", prof, "-o", out);
	assert_int_equal(c.status, GW_EXIT_STALE);
	char *line = line_with(c.err, "regenerate it with");
	char *want = gw_xasprintf("gwgen: note: '%s/lab' is out of date; "
			"regenerate it with 'gwgen --profile %s -o %s'", out,
			prof, out);
	assert_string_equal(line, want);
	free(line);
	free(want);
	/* The command as the note gives it. */
	RUN(&c, "--profile", prof, "-o", out);
	assert_int_equal(c.status, GW_EXIT_OK);
	RUN(&c, "check", "--profile", prof, "-o", out);
	assert_int_equal(c.status, GW_EXIT_OK);

	/* Found by its name on the search path: the name is enough. */
	setenv(PROFILE_PATH_ENV, dir, 1);
	put_profile(dir, "lab.yaml", "lab");
	char *named = gw_xasprintf("%s/lab.yaml", dir);
	put(readme, "edited\n");
	RUN(&c, "check", "--all", dir, "-o", out);
	assert_int_equal(c.status, GW_EXIT_INVALID); /* two named lab */
	unlink(prof);
	RUN(&c, "check", "--all", dir, "-o", out);
	assert_int_equal(c.status, GW_EXIT_STALE);
	line = line_with(c.err, "regenerate it with");
	want = gw_xasprintf("gwgen: note: '%s/lab' is out of date; "
			"regenerate it with 'gwgen --profile lab -o %s'", out,
			out);
	assert_string_equal(line, want);
	free(line);
	free(want);
	RUN(&c, "--profile", "lab", "-o", out);
	assert_int_equal(c.status, GW_EXIT_OK);
	RUN(&c, "check", "--profile", named, "-o", out);
	assert_int_equal(c.status, GW_EXIT_OK);

	/* Words the shell would split or expand are quoted; -T is kept. */
	const char *tdir = getenv(SOURCE_TEMPLATES_ENV);
	char *odd = gw_xasprintf("%s/it's here", s->dir);
	RUN(&c, "--profile", named, "-o", odd);
	assert_int_equal(c.status, GW_EXIT_OK);
	char *oddme = gw_xasprintf("%s/lab/README.md", odd);
	put(oddme, "edited\n");
	if (tdir) {
		RUN(&c, "check", "-T", (char *)tdir, "--profile", named, "-o",
				odd);
		assert_int_equal(c.status, GW_EXIT_STALE);
		line = line_with(c.err, "regenerate it with");
		want = gw_xasprintf("regenerate it with 'gwgen --profile lab "
				"-T %s -o '%s/it'\\''s here''", tdir, s->dir);
		assert_true(gw_has_suffix(line, want));
		free(line);
		free(want);
	}
	free(oddme);
	free(odd);
	free(named);
	free(readme);
	free(prof);
	cap_free(&c);
	free(out);
	free(dir);
}

/*
 * --diff headers are a/PATH and b/PATH for every -o: PATH as -o gave it,
 * an absolute one without its leading '/', as 'git diff --no-index' shows
 * it (patch -p1, run in / for an absolute -o).
 */
static void test_cli_diff_headers(void **state)
{
	struct scratch *s = *state;
	char *cwd = getcwd(NULL, 0);
	assert_non_null(cwd);
	char *rel = gw_xasprintf("%s/out", s->dir);
	char *abs = gw_xasprintf("%s/%s/out", cwd, s->dir);
	put_profile(s->dir, "lab.yaml", "lab");
	char *prof = gw_xasprintf("%s/lab.yaml", s->dir);
	struct cap c = {0};
	for (int i = 0; i < 2; i++) {
		char *o = i ? abs : rel;
		RUN(&c, "--profile", prof, "-o", o);
		assert_int_equal(c.status, GW_EXIT_OK);
		char *readme = gw_xasprintf("%s/lab/README.md", o);
		char *extra = gw_xasprintf("%s/lab/extra.txt", o);
		char *gone = gw_xasprintf("%s/lab/cloudformation.yaml", o);
		put(readme, "edited\n");
		put(extra, "mine\n");
		assert_int_equal(unlink(gone), 0);
		RUN(&c, "check", "--diff", "--profile", prof, "-o", o);
		assert_int_equal(c.status, GW_EXIT_STALE);
		const char *p = o + (o[0] == '/');
		char *want = gw_xasprintf("--- a/%s/lab/README.md\n"
				"+++ b/%s/lab/README.md\n", p, p);
		assert_non_null(strstr(c.out, want));
		free(want);
		want = gw_xasprintf("--- /dev/null\n"
				"+++ b/%s/lab/cloudformation.yaml\n", p);
		assert_non_null(strstr(c.out, want));
		free(want);
		want = gw_xasprintf("--- a/%s/lab/extra.txt\n+++ /dev/null\n",
				p);
		assert_non_null(strstr(c.out, want));
		free(want);
		/* No header lacks its prefix. */
		for (const char *l = c.out; (l = strstr(l, "\n--- "));) {
			l += strlen("\n--- ");
			assert_true(gw_has_prefix(l, "a/")
					|| gw_has_prefix(l, "/dev/null\n"));
		}
		for (const char *l = c.out; (l = strstr(l, "\n+++ "));) {
			l += strlen("\n+++ ");
			assert_true(gw_has_prefix(l, "b/")
					|| gw_has_prefix(l, "/dev/null\n"));
		}
		/* Ours, not gwgen's: the next run would refuse it. */
		assert_int_equal(unlink(extra), 0);
		free(gone);
		free(extra);
		free(readme);
	}
	free(prof);
	free(abs);
	free(rel);
	free(cwd);
	cap_free(&c);
}

static const char *source_profile_dir(void)
{
	const char *dir = getenv(SOURCE_PROFILES_ENV);
	if (!dir) {
		skip();
	}
	return dir;
}

static char *profile_file(const char *name)
{
	return gw_xasprintf("%s/%s.yaml", source_profile_dir(), name);
}

static void test_cli_verify_only_writes_nothing(void **state)
{
	struct scratch *s = *state;
	char *prof = profile_file("maccoss");
	char *out = gw_xasprintf("%s/out", s->dir);
	struct cap c = {0};
	RUN(&c, "verify", "--profile", prof, "-o", out);
	assert_int_equal(c.status, GW_EXIT_OK);
	assert_int_equal(access(out, F_OK), -1);
	RUN(&c, "--verify-only", "--profile", prof, "-o", out);
	assert_int_equal(c.status, GW_EXIT_OK);
	assert_int_equal(access(out, F_OK), -1);
	cap_free(&c);
	free(out);
	free(prof);
}

/* The path of the first file 'gwgen -v' reports with 'prefix' ("wrote ",
 * "up to date: ") and 'suffix'. */
static char *reported(const char *out, const char *prefix, const char *suffix)
{
	for (const char *l = out; l && *l; l = strchr(l, '\n') + 1) {
		size_t n = strcspn(l, "\n");
		char *line = gw_xstrndup(l, n);
		if (gw_has_prefix(line, prefix) && gw_has_suffix(line, suffix)) {
			char *path = gw_xstrdup(line + strlen(prefix));
			free(line);
			return path;
		}
		free(line);
		if (!l[n]) {
			break;
		}
	}
	return NULL;
}

/* The number of lines of 'text' that hold 'needle' ("": every line). */
static size_t lines_with(const char *text, const char *needle)
{
	size_t n = 0;
	for (const char *l = text; *l;) {
		size_t len = strcspn(l, "\n");
		char *line = gw_xstrndup(l, len);
		n += strstr(line, needle) != NULL;
		free(line);
		l += len + (l[len] == '\n');
	}
	return n;
}

/* The number of regular files below directory 'dir', recursively. */
static size_t count_files(const char *dir)
{
	DIR *dp = opendir(dir);
	assert_non_null(dp);
	size_t n = 0;
	for (struct dirent *e; (e = readdir(dp));) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
			continue;
		}
		char *path = gw_xasprintf("%s/%s", dir, e->d_name);
		struct stat st;
		assert_int_equal(lstat(path, &st), 0);
		n += S_ISDIR(st.st_mode) ? count_files(path)
			: S_ISREG(st.st_mode);
		free(path);
	}
	closedir(dp);
	return n;
}

/* The number of files gwgen wrote for maccoss below 'out'. */
static size_t n_files(const char *out)
{
	char *top = gw_xasprintf("%s/maccoss", out);
	size_t n = count_files(top);
	free(top);
	return n;
}

static void test_cli_generate_then_check(void **state)
{
	struct scratch *s = *state;
	char *prof = profile_file("maccoss");
	char *out = gw_xasprintf("%s/out", s->dir);
	struct cap c = {0};
	/* -v names every file, each below OUT/maccoss/; scripts are 0755. */
	RUN(&c, "-v", "--profile", prof, "-o", out);
	assert_int_equal(c.status, GW_EXIT_OK);
	/* The profile may have warnings and notes, but no error. */
	assert_null(strstr(c.err, "error:"));
	char *script = reported(c.out, "wrote ", ".sh");
	char *top = gw_xasprintf("%s/maccoss/", out);
	assert_non_null(script);
	assert_true(gw_has_prefix(script, top));
	free(top);
	struct stat st;
	assert_int_equal(stat(script, &st), 0);
	assert_true(st.st_mode & S_IXUSR);
	/* Without -v one closing line (issue 19): every file is there
	 * already, so none written; -q leaves even that out. */
	RUN(&c, "--profile", prof, "-o", out);
	assert_int_equal(c.status, GW_EXIT_OK);
	/* maccoss generates with no warning (its user policies are scoped
	 * to the stack's resources). */
	assert_null(strstr(c.err, "warning: "));
	char *line = gw_xasprintf("%s/maccoss/: %zu files (0 written, %zu up "
			"to date), no warnings", out, n_files(out),
			n_files(out));
	assert_true(gw_has_prefix(c.out, line));
	assert_int_equal(lines_with(c.out, ""), 1);
	free(line);
	RUN(&c, "-q", "--profile", prof, "-o", out);
	assert_int_equal(c.status, GW_EXIT_OK);
	assert_string_equal(c.out, "");
	RUN(&c, "-q", "-v", "--profile", prof, "-o", out);
	expect_usage_error(&c, "--quiet and --verbose cannot be combined");
	/* Run again, every file is there already: -v says so for each, and
	 * the script is the same file as before. */
	RUN(&c, "-v", "--profile", prof, "-o", out);
	assert_int_equal(c.status, GW_EXIT_OK);
	assert_null(reported(c.out, "wrote ", ""));
	char *again = reported(c.out, "up to date: ", ".sh");
	assert_non_null(again);
	assert_string_equal(again, script);
	free(again);
	struct stat st2;
	assert_int_equal(stat(script, &st2), 0);
	assert_int_equal(st2.st_ino, st.st_ino);

	RUN(&c, "check", "--profile", prof, "-o", out);
	assert_int_equal(c.status, GW_EXIT_OK);
	assert_null(strstr(c.err, "error:"));
	assert_string_equal(c.out, "");

	/* A changed file is stale, with a diff that patch -p1 applies. */
	put(script, "#!/bin/sh\necho edited by hand\n");
	RUN(&c, "check", "--diff", "--profile", prof, "-o", out);
	assert_int_equal(c.status, GW_EXIT_STALE);
	char *want = gw_xasprintf("%s: error: stale: differs from what "
			"gwgen generates\n", script);
	assert_non_null(strstr(c.err, want));
	free(want);
	want = gw_xasprintf("--- a/%s\n+++ b/%s\n", script, script);
	assert_true(gw_has_prefix(c.out, want));
	free(want);
	assert_non_null(strstr(c.out, "\n-echo edited by hand\n"));

	/* Missing and extra files. */
	unlink(script);
	char *extra = gw_xasprintf("%s/maccoss/notes.txt", out);
	put(extra, "mine\n");
	RUN(&c, "--check", "--profile", prof, "-o", out);
	assert_int_equal(c.status, GW_EXIT_STALE);
	want = gw_xasprintf("%s: error: missing: gwgen generates this file\n",
			script);
	assert_non_null(strstr(c.err, want));
	free(want);
	want = gw_xasprintf("%s: error: extra: gwgen does not generate this "
			"file\n", extra);
	assert_non_null(strstr(c.err, want));
	free(want);

	/* Regenerating does not delete a file of the user's (issue 20): it
	 * is refused, naming it, and changes nothing. */
	RUN(&c, "--profile", prof, "-o", out);
	assert_int_equal(c.status, GW_EXIT_IO);
	want = gw_xasprintf("gwgen: error: cannot write '%s/maccoss': it "
			"holds 'notes.txt', which gwgen did not write; move "
			"it out of '%s/maccoss' (nothing was changed)\n", out,
			out);
	assert_non_null(strstr(c.err, want));
	free(want);
	assert_int_equal(access(extra, F_OK), 0);
	assert_int_equal(access(script, F_OK), -1);

	/* Moved away, it no longer stops the run, which replaces the whole
	 * directory: fresh again. */
	assert_int_equal(unlink(extra), 0);
	RUN(&c, "--profile", prof, "-o", out);
	assert_int_equal(c.status, GW_EXIT_OK);
	assert_int_equal(access(script, F_OK), 0);
	RUN(&c, "check", "--profile", prof, "-o", out);
	assert_int_equal(c.status, GW_EXIT_OK);
	free(extra);
	free(script);
	cap_free(&c);
	free(out);
	free(prof);
}

static void test_cli_strict(void **state)
{
	struct scratch *s = *state;
	/* A profile that verifies with one warning (Q11: a queue without a
	 * RUNNABLE guard); every shipped profile is free of warnings. */
	const char *root = getenv("GW_TEST_SOURCE_ROOT");
	assert_non_null(root);
	char *prof = gw_xasprintf("%s/tests/diag/runnable-guard-off.yaml", root);
	char *out = gw_xasprintf("%s/out", s->dir);
	struct cap c = {0};
	RUN(&c, "verify", "--profile", prof);
	assert_int_equal(c.status, GW_EXIT_OK);
	assert_non_null(strstr(c.err, ": warning: "));
	RUN(&c, "--strict", "--profile", prof, "-o", out);
	assert_int_equal(c.status, GW_EXIT_INVALID);
	assert_non_null(strstr(c.err, "gwgen: error: "));
	assert_non_null(strstr(c.err, "--strict is on"));
	assert_int_equal(access(out, F_OK), -1);
	cap_free(&c);
	free(out);
	free(prof);
}

static void test_cli_json_is_one_document(void **state)
{
	(void)state;
	char *a = profile_file("workshop");
	char *b = profile_file("maccoss");
	struct cap c = {0};
	RUN(&c, "verify", "--format", "json", "--profile", a, "--profile", b,
			"--profile", "gwtest-no-such-profile");
	assert_int_equal(c.status, GW_EXIT_IO);
	assert_true(gw_has_prefix(c.err, "{"));
	const char *first = strstr(c.err, "\"diagnostics\"");
	assert_non_null(first);
	assert_null(strstr(first + 1, "\"diagnostics\""));
	assert_non_null(strstr(c.err, "gwtest-no-such-profile"));
	cap_free(&c);
	free(a);
	free(b);
}

static void test_cli_render_dispatch(void **state)
{
	(void)state;
	struct cap c = {0};
	RUN(&c, "render", "--help");
	assert_int_equal(c.status, GW_EXIT_OK);
	assert_non_null(strstr(c.out, "render"));
	cap_free(&c);
}

static void test_cli_all_and_several(void **state)
{
	struct scratch *s = *state;
	const char *dir = source_profile_dir();
	char *out = gw_xasprintf("%s/out", s->dir);
	struct cap c = {0};
	RUN(&c, "--all", (char *)dir, "-o", out);
	assert_int_equal(c.status, GW_EXIT_OK);
	DIR *dp = opendir(dir);
	assert_non_null(dp);
	size_t n = 0;
	for (struct dirent *e; (e = readdir(dp));) {
		if (e->d_name[0] == '.' || !gw_has_suffix(e->d_name, ".yaml")) {
			continue;
		}
		char *name = gw_xstrndup(e->d_name, strlen(e->d_name) - 5);
		char *top = gw_xasprintf("%s/%s", out, name);
		assert_int_equal(access(top, F_OK), 0);
		free(top);
		free(name);
		n++;
	}
	closedir(dp);
	assert_true(n >= 2);
	RUN(&c, "check", "--all", (char *)dir, "-o", out);
	assert_int_equal(c.status, GW_EXIT_OK);

	char *a = profile_file("maccoss");
	char *b = profile_file("workshop");
	char *out2 = gw_xasprintf("%s/out2", s->dir);
	RUN(&c, "--profile", a, "--profile", b, "-o", out2);
	assert_int_equal(c.status, GW_EXIT_OK);
	char *p = gw_xasprintf("%s/workshop", out2);
	assert_int_equal(access(p, F_OK), 0);
	free(p);
	free(out2);
	free(a);
	free(b);
	cap_free(&c);
	free(out);
}

static void test_cli_templates_dir(void **state)
{
	struct scratch *s = *state;
	const char *tdir = getenv(SOURCE_TEMPLATES_ENV);
	if (!tdir) {
		skip();
	}
	char *prof = profile_file("maccoss");
	char *out = gw_xasprintf("%s/out", s->dir);
	struct cap c = {0};
	RUN(&c, "--templates", "gwtest-no-such-dir", "--profile", prof,
			"-o", out);
	assert_int_equal(c.status, GW_EXIT_IO);
	assert_string_equal(c.err, "gwgen: error: cannot read "
			"'gwtest-no-such-dir': No such file or directory\n");
	assert_int_equal(access(out, F_OK), -1);

	/* The source templates give the same output as the built-in ones. */
	RUN(&c, "--profile", prof, "-o", out);
	assert_int_equal(c.status, GW_EXIT_OK);
	RUN(&c, "check", "-T", (char *)tdir, "--profile", prof, "-o", out);
	assert_int_equal(c.status, GW_EXIT_OK);

	/* An empty template directory cannot render anything. */
	char *empty = gw_xasprintf("%s/empty", s->dir);
	assert_int_equal(mkdir(empty, 0755), 0);
	RUN(&c, "--templates", empty, "--profile", prof, "-o", out);
	assert_int_equal(c.status, GW_EXIT_INVALID);
	free(empty);
	cap_free(&c);
	free(out);
	free(prof);
}

/* mkdir -p the directories of 'path' (the last component is a file). */
static void make_parents(const char *path)
{
	char *p = gw_xstrdup(path);
	for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(p, 0755) != 0) {
			struct stat st;
			assert_int_equal(stat(p, &st), 0);
		}
		*s = '/';
	}
	free(p);
}

/* Copy gwgen's built-in templates to 'dir', as --templates DIR takes them. */
static void copy_builtin_templates(const char *dir)
{
	const struct gw_templates *t = gw_templates_builtin();
	for (size_t i = 0; i < gw_templates_count(t); i++) {
		const struct gw_template_file *f = gw_templates_at(t, i);
		char *path = gw_xasprintf("%s/%s", dir, f->name);
		make_parents(path);
		put_bytes(path, f->text, f->len);
		free(path);
	}
}

/* Lines in 'text': the line a byte appended to it is on is this plus 1. */
static unsigned count_lines(const char *text)
{
	unsigned n = 0;
	for (; *text; text++) {
		n += *text == '\n';
	}
	return n;
}

/*
 * A template from --templates DIR is input: a syntax error in it is an
 * error at its own FILE:LINE:COL, a missing file an error naming it; the
 * status is 1, nothing is written, and nothing says "internal error".
 */
static void test_cli_templates_dir_errors(void **state)
{
	struct scratch *s = *state;
	char *tdir = gw_xasprintf("%s/tpl", s->dir);
	char *out = gw_xasprintf("%s/out", s->dir);
	put_profile(s->dir, "lab.yaml", "lab");
	char *prof = gw_xasprintf("%s/lab.yaml", s->dir);
	copy_builtin_templates(tdir);
	struct cap c = {0};
	RUN(&c, "-T", tdir, "--profile", prof, "-o", out);
	assert_int_equal(c.status, GW_EXIT_OK);
	scratch_rm_rf(out);

	static const struct {
		const char *file, *append, *message;
	} broken[] = {
		{"cfn/stack.yaml.mustache", "{{unclosed\n",
			"error: unclosed tag, expected '}}'"},
		{"cfn/stack.yaml.mustache", "{{> no-such-partial}}\n",
			"error: unknown partial 'no-such-partial'"},
		{"summary/README.md.mustache", "{{#open}}\n",
			"error: unclosed section 'open'"},
	};
	for (size_t i = 0; i < GW_ARRAY_LEN(broken); i++) {
		char *path = gw_xasprintf("%s/%s", tdir, broken[i].file);
		char *text = slurp(path);
		char *bad = gw_xasprintf("%s%s", text, broken[i].append);
		put(path, bad);
		RUN(&c, "-T", tdir, "--profile", prof, "-o", out);
		assert_int_equal(c.status, GW_EXIT_INVALID);
		char *want = gw_xasprintf("%s:%u:1: %s\n", path,
				count_lines(text) + 1, broken[i].message);
		assert_string_equal(c.err, want);
		assert_int_equal(access(out, F_OK), -1);
		put(path, text);
		free(want);
		free(bad);
		free(text);
		free(path);
	}

	/* A template that renders what its output kind cannot be: an error
	 * at the user's template, not an internal error of gwgen's. */
	static const struct {
		const char *append, *what;
	} renders_bad[] = {
		{"---\nsecond: document\n", "that "},
		{"# no newline at the end", "that has no final newline\n"},
	};
	for (size_t i = 0; i < GW_ARRAY_LEN(renders_bad); i++) {
		char *path = gw_xasprintf("%s/cfn/stack.yaml.mustache", tdir);
		char *text = slurp(path);
		char *bad = gw_xasprintf("%s%s", text, renders_bad[i].append);
		put(path, bad);
		RUN(&c, "-T", tdir, "--profile", prof, "-o", out);
		assert_int_equal(c.status, GW_EXIT_INVALID);
		char *want = gw_xasprintf("%s: error: this template rendered "
				"'cloudformation.yaml' ", path);
		if (strncmp(c.err, want, strlen(want)) != 0 ||
				!strstr(c.err, renders_bad[i].what)) {
			fail_msg("case %zu: %s", i, c.err);
		}
		assert_null(strstr(c.err, "internal error"));
		assert_int_equal(access(out, F_OK), -1);
		put(path, text);
		free(want);
		free(bad);
		free(text);
		free(path);
	}

	/* A missing template: named, before any profile is looked at. */
	char *gone = gw_xasprintf("%s/cfn/stack.yaml.mustache", tdir);
	assert_int_equal(unlink(gone), 0);
	RUN(&c, "-T", tdir, "--profile", prof, "-o", out);
	assert_int_equal(c.status, GW_EXIT_INVALID);
	char *want = gw_xasprintf("%s: error: missing template (--templates "
			"DIR must hold every file of templates/, "
			"'cfn/stack.yaml.mustache' too)\n", gone);
	assert_string_equal(c.err, want);
	assert_null(strstr(c.err, "internal error"));
	assert_int_equal(access(out, F_OK), -1);
	RUN(&c, "check", "-T", tdir, "--profile", prof, "-o", out);
	assert_int_equal(c.status, GW_EXIT_INVALID);
	assert_string_equal(c.err, want);
	free(want);
	free(gone);
	free(prof);
	cap_free(&c);
	free(out);
	free(tdir);
}

/*
 * A base profile (_NAME.yaml) need not be complete: --all, a DIR/ and
 * 'list' skip it, and profiles extend it by name.
 */
static void test_cli_base_profiles(void **state)
{
	struct scratch *s = *state;
	char *dir = gw_xasprintf("%s/profiles", s->dir);
	char *out = gw_xasprintf("%s/out", s->dir);
	assert_int_equal(mkdir(dir, 0755), 0);
	char *base = gw_xasprintf("%s/_institute.yaml", dir);
	/* No name: or description:, so not a profile on its own. */
	put(base, "region: us-east-1\ntags:\n  owner: institute\n");
	char *lab = gw_xasprintf("%s/lab.yaml", dir);
	put(lab, "extends: _institute\nname: lab\ndescription: the lab\n"
			"bucket:\n  name: example-gwgen-lab-bucket\n");
	struct cap c = {0};
	RUN(&c, "--all", dir, "-o", out);
	assert_int_equal(c.status, GW_EXIT_OK);
	assert_string_equal(c.err, "");
	char *top = gw_xasprintf("%s/lab", out);
	assert_int_equal(access(top, F_OK), 0);
	free(top);
	char *slash = gw_xasprintf("%s/", dir);
	RUN(&c, "check", "-p", slash, "-o", out);
	assert_int_equal(c.status, GW_EXIT_OK);
	free(slash);
	setenv(PROFILE_PATH_ENV, dir, 1);
	RUN(&c, "list");
	assert_int_equal(c.status, GW_EXIT_OK);
	assert_string_equal(c.out, "lab  the lab\n");
	RUN(&c, "verify", "--all");
	assert_int_equal(c.status, GW_EXIT_OK);
	/* Named on purpose, it is loaded like any profile. */
	RUN(&c, "verify", "--profile", "_institute");
	assert_int_equal(c.status, GW_EXIT_INVALID);
	assert_non_null(strstr(c.err, "missing required key 'name'"));
	free(lab);
	free(base);
	cap_free(&c);
	free(out);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cli_help),
		cmocka_unit_test(test_cli_help_matches_man_and_readme),
		cmocka_unit_test(test_cli_version),
		cmocka_unit_test(test_cli_usage_errors),
		cmocka_unit_test(test_cli_empty_values),
		cmocka_unit_test(test_cli_no_arguments),
		cmocka_unit_test_setup_teardown(test_cli_missing_profile,
				setup, teardown),
		cmocka_unit_test_setup_teardown(test_cli_color, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cli_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cli_stdout_write_errors,
				setup, teardown),
		cmocka_unit_test_setup_teardown(test_cli_duplicate_names,
				setup, teardown),
		cmocka_unit_test_setup_teardown(test_cli_stale_hint_works,
				setup, teardown),
		cmocka_unit_test_setup_teardown(test_cli_diff_headers, setup,
				teardown),
		cmocka_unit_test_setup_teardown(test_cli_stderr_write_error,
				setup, teardown),
		cmocka_unit_test_setup_teardown(
				test_cli_verify_only_writes_nothing, setup,
				teardown),
		cmocka_unit_test_setup_teardown(test_cli_generate_then_check,
				setup, teardown),
		cmocka_unit_test_setup_teardown(test_cli_strict, setup,
				teardown),
		cmocka_unit_test(test_cli_json_is_one_document),
		cmocka_unit_test(test_cli_render_dispatch),
		cmocka_unit_test_setup_teardown(test_cli_all_and_several,
				setup, teardown),
		cmocka_unit_test_setup_teardown(test_cli_templates_dir, setup,
				teardown),
		cmocka_unit_test_setup_teardown(test_cli_templates_dir_errors,
				setup, teardown),
		cmocka_unit_test_setup_teardown(test_cli_base_profiles, setup,
				teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
