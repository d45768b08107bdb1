/* SPDX-License-Identifier: MIT */
/* Tests for diff.c: unified diffs as GNU diff -u prints them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "buf.h"
#include "diff.h"

static void expect_diff(const char *a, const char *b, const char *want)
{
	struct gw_buf out;
	gw_buf_init(&out);
	gw_diff_unified(&out, "a/f", a, a ? strlen(a) : 0, "b/f", b,
			b ? strlen(b) : 0);
	assert_string_equal(gw_buf_str(&out), want);
	gw_buf_finish(&out);
}

static void test_diff_equal_is_empty(void **state)
{
	(void)state;
	expect_diff("x\ny\n", "x\ny\n", "");
	expect_diff("", "", "");
}

static void test_diff_one_changed_line(void **state)
{
	(void)state;
	/* Expected output as printed by GNU diffutils 3.8 'diff -u'. */
	expect_diff("1\n2\n3\n4\n5\n6\n7\n8\n9\n",
			"1\n2\n3\n4\nfive\n6\n7\n8\n9\n",
			"--- a/f\n+++ b/f\n"
			"@@ -2,7 +2,7 @@\n"
			" 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
}

static void test_diff_separate_hunks(void **state)
{
	(void)state;
	expect_diff("a\n1\n2\n3\n4\n5\n6\n7\n8\nb\n",
			"A\n1\n2\n3\n4\n5\n6\n7\n8\nB\n",
			"--- a/f\n+++ b/f\n"
			"@@ -1,4 +1,4 @@\n-a\n+A\n 1\n 2\n 3\n"
			"@@ -7,4 +7,4 @@\n 6\n 7\n 8\n-b\n+B\n");
}

static void test_diff_close_changes_merge(void **state)
{
	(void)state;
	expect_diff("a\n1\n2\n3\n4\n5\n6\nb\n",
			"A\n1\n2\n3\n4\n5\n6\nB\n",
			"--- a/f\n+++ b/f\n"
			"@@ -1,8 +1,8 @@\n-a\n+A\n 1\n 2\n 3\n 4\n 5\n 6\n"
			"-b\n+B\n");
}

static void test_diff_insert_and_delete(void **state)
{
	(void)state;
	expect_diff("x\n", "x\ny\n", "--- a/f\n+++ b/f\n@@ -1 +1,2 @@\n x\n+y\n");
	expect_diff("x\ny\n", "y\n", "--- a/f\n+++ b/f\n@@ -1,2 +1 @@\n-x\n y\n");
}

static void test_diff_absent_file(void **state)
{
	(void)state;
	struct gw_buf out;
	gw_buf_init(&out);
	gw_diff_unified(&out, "/dev/null", NULL, 0, "b/f", "p\nq\n", 4);
	assert_string_equal(gw_buf_str(&out),
			"--- /dev/null\n+++ b/f\n@@ -0,0 +1,2 @@\n+p\n+q\n");
	gw_buf_finish(&out);
}

static void test_diff_no_final_newline(void **state)
{
	(void)state;
	expect_diff("x\ny", "x\ny\n",
			"--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n x\n-y\n"
			"\\ No newline at end of file\n+y\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diff_equal_is_empty),
		cmocka_unit_test(test_diff_one_changed_line),
		cmocka_unit_test(test_diff_separate_hunks),
		cmocka_unit_test(test_diff_close_changes_merge),
		cmocka_unit_test(test_diff_insert_and_delete),
		cmocka_unit_test(test_diff_absent_file),
		cmocka_unit_test(test_diff_no_final_newline),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
