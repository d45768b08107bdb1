/* SPDX-License-Identifier: MIT */
/*
 * The rule book (src/verify/rules.def) and docs/rules.md say the same: every
 * rule the table has is a row of the document with the same severities,
 * the same places it is checked (where the document has that column), the
 * same "What" and the same source; every row of the document that names a
 * severity is a rule of the table (rows marked "—" are documented as not
 * checked, and must not be in it).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rules.h"
#include "util.h"

/* Cells of one table row: at most this many columns. */
#define CELLS_MAX 8

struct row {
	char *cell[CELLS_MAX];
	size_t n;
};

/* Split "| a | b |" into its cells (a '|' after a backslash is text). */
static void split_row(char *line, struct row *r)
{
	r->n = 0;
	char *p = line + 1; /* after the first '|' */
	while (*p && r->n < CELLS_MAX) {
		char *start = p;
		while (*p && !(*p == '|' && p[-1] != '\\')) {
			p++;
		}
		if (!*p) {
			break;
		}
		*p = '\0';
		char *end = p;
		while (start < end && *start == ' ') {
			start++;
		}
		while (end > start && end[-1] == ' ') {
			*--end = '\0';
		}
		r->cell[r->n++] = start;
		p++;
	}
}

/* The set of GW_RS_* a "Sev" cell names ("E/W" -> E|W). */
static unsigned sevs_of(const char *cell)
{
	unsigned s = 0;
	for (const char *p = cell; *p; p++) {
		s |= *p == 'E' ? GW_RS_E : *p == 'W' ? GW_RS_W
		   : *p == 'N' ? GW_RS_N : 0;
	}
	return s;
}

/* The set of GW_RW_* a "Where" cell names ("P T" -> P|T). */
static unsigned where_of(const char *cell)
{
	unsigned s = 0;
	for (const char *p = cell; *p; p++) {
		s |= *p == 'P' ? GW_RW_P : *p == 'T' ? GW_RW_T
		   : *p == 'U' ? GW_RW_U : 0;
	}
	return s;
}

static int column(const struct row *head, const char *name)
{
	for (size_t i = 0; i < head->n; i++) {
		if (strcmp(head->cell[i], name) == 0) {
			return (int)i;
		}
	}
	return -1;
}

static void test_rules_doc_agrees(void **state)
{
	(void)state;
	const char *root = getenv("GW_TEST_SOURCE_ROOT");
	assert_non_null(root);
	char *path = gw_xasprintf("%s/docs/rules.md", root);
	size_t len;
	char *text = gw_read_file(path, 1u << 20, &len);
	assert_non_null(text);
	bool seen[GW_RULE_COUNT] = {false};
	struct row head = {0};
	unsigned problems = 0;
	for (char *save = NULL, *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] != '|') {
			head.n = 0;
			continue;
		}
		struct row r;
		split_row(line, &r);
		if (r.n && r.cell[0][0] == '-') {
			continue; /* the separator under the header */
		}
		if (r.n && strcmp(r.cell[0], "ID") == 0) {
			head = r;
			continue;
		}
		int sev = column(&head, "Sev"), where = column(&head, "Where");
		int what = column(&head, "What is checked");
		if (what < 0) {
			what = column(&head, "What");
		}
		int source = column(&head, "Source");
		if (!head.n || sev < 0 || what < 0 || (size_t)what >= r.n) {
			continue; /* not a rule table, or its separator row */
		}
		enum gw_rule rule = gw_rule_find(r.cell[0]);
		bool checked = strcmp(r.cell[sev], "—") != 0;
		if (rule == GW_RULE_NONE) {
			if (checked) {
				printf("%s: documented, not in rules.def\n",
				       r.cell[0]);
				problems++;
			}
			continue;
		}
		const struct gw_rule_info *info = gw_rule_info(rule);
		seen[rule] = true;
		if (!checked) {
			printf("%s: documented as not checked, but in "
			       "rules.def\n", info->id);
			problems++;
			continue;
		}
		if (sevs_of(r.cell[sev]) != info->sevs) {
			printf("%s: severities '%s' in docs/rules.md differ "
			       "from rules.def\n", info->id, r.cell[sev]);
			problems++;
		}
		if (where >= 0 && where_of(r.cell[where]) != info->where) {
			printf("%s: where '%s' in docs/rules.md differs from "
			       "rules.def\n", info->id, r.cell[where]);
			problems++;
		}
		if (strcmp(r.cell[what], info->what) != 0) {
			printf("%s: what differs:\n  docs:      %s\n  "
			       "rules.def: %s\n", info->id, r.cell[what],
			       info->what);
			problems++;
		}
		if (source >= 0 && (size_t)source < r.n &&
		    strcmp(r.cell[source], info->source) != 0) {
			printf("%s: source differs:\n  docs:      %s\n  "
			       "rules.def: %s\n", info->id, r.cell[source],
			       info->source);
			problems++;
		}
	}
	for (size_t i = 1; i < GW_RULE_COUNT; i++) {
		if (!seen[i]) {
			printf("%s: in rules.def, not in docs/rules.md\n",
			       gw_rule_info((enum gw_rule)i)->id);
			problems++;
		}
	}
	free(text);
	free(path);
	assert_int_equal(problems, 0);
}

/* Every rule has an ID, at least one severity and one place it is
 * checked, and a family; IDs are unique and found by name. */
static void test_rules_table_is_whole(void **state)
{
	(void)state;
	assert_null(gw_rule_id(GW_RULE_NONE));
	for (size_t i = 1; i < GW_RULE_COUNT; i++) {
		const struct gw_rule_info *r = gw_rule_info((enum gw_rule)i);
		assert_non_null(r->id);
		assert_true(r->sevs != 0);
		assert_true(r->where != 0);
		assert_true(r->family < GW_FAM_COUNT);
		assert_true(r->what[0] != '\0');
		assert_int_equal(gw_rule_find(r->id), (enum gw_rule)i);
	}
	assert_int_equal(gw_rule_find("CE99"), GW_RULE_NONE);
	assert_int_equal(gw_rule_find(NULL), GW_RULE_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules_doc_agrees),
		cmocka_unit_test(test_rules_table_is_whole),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
