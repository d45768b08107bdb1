/* SPDX-License-Identifier: MIT */
/* Tests for templates.c: the embedded set, --templates DIR, and partial lookup. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "templates.h"
#include "util.h"

#include "scratch.h"

/* Set by tests/unit/meson.build: the source tree's templates/. */
#define SOURCE_TEMPLATES_ENV "GW_TEST_TEMPLATES_DIR"

static void test_templates_builtin_sorted_and_findable(void **state)
{
	(void)state;
	const struct gw_templates *t = gw_templates_builtin();
	size_t n = gw_templates_count(t);
	for (size_t i = 0; i < n; i++) {
		const struct gw_template_file *f = gw_templates_at(t, i);
		assert_non_null(f);
		if (i > 0) {
			assert_true(strcmp(gw_templates_at(t, i - 1)->name,
					f->name) < 0);
		}
		assert_ptr_equal(gw_templates_find(t, f->name), f);
		assert_int_equal(strlen(f->text), f->len);
		char *path = gw_xasprintf("templates/%s", f->name);
		assert_string_equal(f->path, path);
		free(path);
	}
	assert_null(gw_templates_at(t, n));
	assert_null(gw_templates_find(t, "no/such.mustache"));
	/* The builtin set is lent: destroying it does nothing. */
	gw_templates_destroy(t);
	assert_int_equal(gw_templates_count(gw_templates_builtin()), n);
}

static void test_templates_builtin_matches_source_tree(void **state)
{
	(void)state;
	const char *dir = getenv(SOURCE_TEMPLATES_ENV);
	if (!dir) {
		skip();
	}
	struct gw_diags d;
	gw_diags_init(&d);
	struct gw_templates *src = gw_templates_load_dir(dir, &d);
	assert_non_null(src);
	const struct gw_templates *bin = gw_templates_builtin();
	assert_int_equal(gw_templates_count(src), gw_templates_count(bin));
	for (size_t i = 0; i < gw_templates_count(src); i++) {
		const struct gw_template_file *a = gw_templates_at(src, i);
		const struct gw_template_file *b = gw_templates_at(bin, i);
		assert_string_equal(a->name, b->name);
		assert_int_equal(a->len, b->len);
		assert_memory_equal(a->text, b->text, a->len);
	}
	gw_templates_destroy(src);
	gw_diags_finish(&d);
}

static void put(const char *dir, const char *name, const char *text)
{
	char *path = gw_xasprintf("%s/%s", dir, name);
	char *slash = strrchr(path, '/');
	*slash = '\0';
	mkdir(path, 0755);
	*slash = '/';
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	free(path);
}

static int setup_tree(void **state)
{
	struct scratch *t = scratch_create("templates");
	if (!t) {
		return -1;
	}
	put(t->dir, "cfn/stack.yaml.mustache", "{{> header}}\n");
	put(t->dir, "cfn/header.mustache", "cfn header\n");
	put(t->dir, "common/header.mustache", "common header\n");
	put(t->dir, "common/footer.mustache", "common footer\n");
	put(t->dir, "iam/policy.json.mustache", "{}\n");
	put(t->dir, "secret.mustache", "outside any kind\n");
	put(t->dir, ".hidden.swp", "editor junk\n");
	*state = t;
	return 0;
}

static int teardown_tree(void **state)
{
	scratch_destroy(*state);
	return 0;
}

static void test_templates_load_dir(void **state)
{
	struct scratch *tr = *state;
	struct gw_diags d;
	gw_diags_init(&d);
	struct gw_templates *t = gw_templates_load_dir(tr->dir, &d);
	assert_non_null(t);
	assert_int_equal(d.n, 0);
	static const char *const want[] = {
		"cfn/header.mustache", "cfn/stack.yaml.mustache",
		"common/footer.mustache", "common/header.mustache",
		"iam/policy.json.mustache", "secret.mustache",
	};
	assert_int_equal(gw_templates_count(t), GW_ARRAY_LEN(want));
	for (size_t i = 0; i < GW_ARRAY_LEN(want); i++) {
		const struct gw_template_file *f = gw_templates_at(t, i);
		assert_string_equal(f->name, want[i]);
		char *path = gw_xasprintf("%s/%s", tr->dir, want[i]);
		assert_string_equal(f->path, path);
		free(path);
	}
	const struct gw_template_file *f =
		gw_templates_find(t, "cfn/stack.yaml.mustache");
	assert_non_null(f);
	assert_string_equal(f->text, "{{> header}}\n");
	assert_int_equal(f->len, strlen("{{> header}}\n"));
	gw_templates_destroy(t);
	gw_diags_finish(&d);
}

static void test_templates_load_dir_missing(void **state)
{
	(void)state;
	struct gw_diags d;
	gw_diags_init(&d);
	assert_null(gw_templates_load_dir("gwtest-no-such-dir", &d));
	assert_int_equal(d.n_errors, 1);
	assert_string_equal(d.v[0].msg, "cannot read 'gwtest-no-such-dir': "
			"No such file or directory");
	gw_diags_finish(&d);
}

/* Load partial 'name' for 'kind'; returns its text or NULL. */
static const char *load(const struct gw_templates *t, const char *kind,
		const char *name, const char **file)
{
	struct gw_templates_loader l;
	gw_templates_loader_init(&l, t, kind);
	const char *text = NULL;
	size_t len = 0;
	if (!l.loader.load(l.loader.ud, name, &text, &len, file)) {
		return NULL;
	}
	assert_int_equal(strlen(text), len);
	return text;
}

static void test_templates_loader_kind_then_common(void **state)
{
	struct scratch *tr = *state;
	struct gw_diags d;
	gw_diags_init(&d);
	struct gw_templates *t = gw_templates_load_dir(tr->dir, &d);
	assert_non_null(t);
	const char *file = NULL;
	assert_string_equal(load(t, "cfn", "header", &file), "cfn header\n");
	char *want = gw_xasprintf("%s/cfn/header.mustache", tr->dir);
	assert_string_equal(file, want);
	free(want);
	assert_string_equal(load(t, "iam", "header", &file),
			"common header\n");
	assert_string_equal(load(t, "cfn", "footer", &file),
			"common footer\n");
	assert_null(load(t, "cfn", "nothing", &file));
	gw_templates_destroy(t);
	gw_diags_finish(&d);
}

static void test_templates_loader_refuses_escapes(void **state)
{
	struct scratch *tr = *state;
	struct gw_diags d;
	gw_diags_init(&d);
	struct gw_templates *t = gw_templates_load_dir(tr->dir, &d);
	assert_non_null(t);
	const char *file = NULL;
	/* "../secret" would be cfn/../secret.mustache: outside the kind. */
	assert_null(load(t, "cfn", "../secret", &file));
	assert_null(load(t, "cfn", "..", &file));
	assert_null(load(t, "cfn", "a/../../secret", &file));
	assert_null(load(t, "cfn", "/etc/passwd", &file));
	assert_null(load(t, "cfn", "", &file));
	gw_templates_destroy(t);
	gw_diags_finish(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_templates_builtin_sorted_and_findable),
		cmocka_unit_test(test_templates_builtin_matches_source_tree),
		cmocka_unit_test_setup_teardown(test_templates_load_dir,
				setup_tree, teardown_tree),
		cmocka_unit_test(test_templates_load_dir_missing),
		cmocka_unit_test_setup_teardown(
				test_templates_loader_kind_then_common,
				setup_tree, teardown_tree),
		cmocka_unit_test_setup_teardown(
				test_templates_loader_refuses_escapes,
				setup_tree, teardown_tree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
