/* SPDX-License-Identifier: MIT */
/* Tests for cli.c: exit statuses, usage errors, --list, and the pipeline end to end. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
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
		"\n  0  success\n", "\n  1  a profile", "\n  2  usage error\n",
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
	expect_usage_error(&c, "unknown --format 'xml' (text, json or github)");
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

/* The path of the first file 'gwgen -v' reports written with 'suffix'. */
static char *written(const char *out, const char *suffix)
{
	static const char prefix[] = "wrote ";
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

static void test_cli_generate_then_check(void **state)
{
	struct scratch *s = *state;
	char *prof = profile_file("maccoss");
	char *out = gw_xasprintf("%s/out", s->dir);
	struct cap c = {0};
	RUN(&c, "--profile", prof, "-o", out);
	assert_int_equal(c.status, GW_EXIT_OK);
	assert_string_equal(c.out, "");
	/* The profile may have warnings and notes, but no error. */
	assert_null(strstr(c.err, "error:"));
	/* -v names every file, each below OUT/maccoss/; scripts are 0755. */
	RUN(&c, "-v", "--profile", prof, "-o", out);
	assert_int_equal(c.status, GW_EXIT_OK);
	char *script = written(c.out, ".sh");
	char *top = gw_xasprintf("%s/maccoss/", out);
	assert_non_null(script);
	assert_true(gw_has_prefix(script, top));
	free(top);
	struct stat st;
	assert_int_equal(stat(script, &st), 0);
	assert_true(st.st_mode & S_IXUSR);

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

	/* Regenerating replaces the whole directory: fresh again. */
	RUN(&c, "--profile", prof, "-o", out);
	assert_int_equal(c.status, GW_EXIT_OK);
	assert_int_equal(access(extra, F_OK), -1);
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
	char *prof = profile_file("workshop");
	char *out = gw_xasprintf("%s/out", s->dir);
	struct cap c = {0};
	RUN(&c, "verify", "--profile", prof);
	assert_int_equal(c.status, GW_EXIT_OK);
	if (!strstr(c.err, ": warning: ")) {
		skip(); /* the profile has no warning to be strict about */
	}
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cli_help),
		cmocka_unit_test(test_cli_help_matches_man_and_readme),
		cmocka_unit_test(test_cli_version),
		cmocka_unit_test(test_cli_usage_errors),
		cmocka_unit_test(test_cli_no_arguments),
		cmocka_unit_test_setup_teardown(test_cli_missing_profile,
				setup, teardown),
		cmocka_unit_test_setup_teardown(test_cli_color, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cli_list, setup, teardown),
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
