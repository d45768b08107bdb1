/* SPDX-License-Identifier: MIT */
/* Unit tests for yaml_doc.c: the same documents and problems as libyaml's loader. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <yaml.h>

#include "util.h"
#include "yaml_doc.h"

static void assert_same_mark(yaml_mark_t a, yaml_mark_t b)
{
	assert_int_equal(a.index, b.index);
	assert_int_equal(a.line, b.line);
	assert_int_equal(a.column, b.column);
}

/* Every document of 'text' loads as libyaml's loader loads it: the same
 * nodes, in the same order, with the same tags, values and marks; and a
 * text libyaml refuses is refused with its problem, at its mark. */
static void assert_loads_as_libyaml(const char *text)
{
	size_t len = strlen(text);
	yaml_parser_t p;
	struct gw_yaml_loader l;
	assert_true(yaml_parser_initialize(&p));
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	assert_true(gw_yaml_loader_init(&l, text, len, 0));
	for (;;) {
		yaml_document_t a, b;
		int ok_a = yaml_parser_load(&p, &a);
		bool ok_b = gw_yaml_loader_next(&l, &b);
		assert_int_equal(ok_a != 0, ok_b);
		if (!ok_a) {
			assert_string_equal(p.problem, l.problem);
			assert_same_mark(p.problem_mark, l.mark);
			break;
		}
		size_t n = (size_t)(a.nodes.top - a.nodes.start);
		assert_int_equal(n, (size_t)(b.nodes.top - b.nodes.start));
		assert_same_mark(a.start_mark, b.start_mark);
		assert_same_mark(a.end_mark, b.end_mark);
		assert_int_equal(a.start_implicit, b.start_implicit);
		assert_int_equal(a.end_implicit, b.end_implicit);
		for (size_t i = 0; i < n; i++) {
			yaml_node_t *x = &a.nodes.start[i], *y = &b.nodes.start[i];
			assert_int_equal(x->type, y->type);
			assert_string_equal(x->tag, y->tag);
			assert_same_mark(x->start_mark, y->start_mark);
			assert_same_mark(x->end_mark, y->end_mark);
			if (x->type == YAML_SCALAR_NODE) {
				assert_int_equal(x->data.scalar.length,
						y->data.scalar.length);
				assert_memory_equal(x->data.scalar.value,
						y->data.scalar.value,
						x->data.scalar.length + 1);
				assert_int_equal(x->data.scalar.style,
						y->data.scalar.style);
			} else if (x->type == YAML_SEQUENCE_NODE) {
				size_t m = (size_t)(x->data.sequence.items.top
						- x->data.sequence.items.start);
				assert_int_equal(m, (size_t)(
						y->data.sequence.items.top -
						y->data.sequence.items.start));
				for (size_t j = 0; j < m; j++) {
					assert_int_equal(
						x->data.sequence.items.start[j],
						y->data.sequence.items.start[j]);
				}
			} else {
				size_t m = (size_t)(x->data.mapping.pairs.top
						- x->data.mapping.pairs.start);
				assert_int_equal(m, (size_t)(
						y->data.mapping.pairs.top -
						y->data.mapping.pairs.start));
				for (size_t j = 0; j < m; j++) {
					yaml_node_pair_t *q =
						&x->data.mapping.pairs.start[j];
					yaml_node_pair_t *r =
						&y->data.mapping.pairs.start[j];
					assert_int_equal(q->key, r->key);
					assert_int_equal(q->value, r->value);
				}
			}
		}
		bool end = yaml_document_get_root_node(&a) == NULL;
		assert_int_equal(end, yaml_document_get_root_node(&b) == NULL);
		yaml_document_delete(&a);
		gw_yaml_doc_finish(&b);
		if (end) {
			break;
		}
	}
	gw_yaml_loader_finish(&l);
	yaml_parser_delete(&p);
}

static void test_yaml_doc_same_as_libyaml(void **state)
{
	(void)state;
	static const char *const texts[] = {
		"",
		"a\n",
		"a: 1\nb: [x, {y: z}, !Ref q]\nc:\n  - !!str 1\n  - ! 2\n",
		"%TAG !e! tag:example.com,2000:\n--- !e!m\nk: !e!v w\n",
		"x: &a {p: 1}\ny: *a\n*a : z\n",
		"- &s [1, 2]\n- *s\n- &k k\n- {*k : v}\n",
		"one\n---\ntwo\n...\n--- [3]\n",
		"a: *nope\n",
		"a: &x 1\nb: &x 2\n",
		"a: [1, 2\n",
		"a: b: c\n",
		"k: v\n---\n[unclosed\n",
		"Resources:\n  R:\n    Type: AWS::S3::Bucket\n"
		"    Properties: !If [c, {A: !Sub '${X}'}, !Ref "
		"AWS::NoValue]\n",
	};
	for (size_t i = 0; i < GW_ARRAY_LEN(texts); i++) {
		assert_loads_as_libyaml(texts[i]);
	}
	/* Collections that outgrow their first capacity. */
	char big[8192] = "[";
	char map[8192] = "{";
	for (int i = 0; i < 100; i++) {
		snprintf(big + strlen(big), 16, "%d, ", i);
		snprintf(map + strlen(map), 32, "k%d: [%d], ", i, i);
	}
	strcat(big, "x]\n");
	strcat(map, "x: y}\n");
	assert_loads_as_libyaml(big);
	assert_loads_as_libyaml(map);
}

/* The depth bound stops the load at the first collection past it. */
static void test_yaml_doc_depth(void **state)
{
	(void)state;
	char deep[256] = "a:\n  b: ";
	for (int i = 0; i < 5; i++) {
		strcat(deep, "[");
	}
	for (int i = 0; i < 5; i++) {
		strcat(deep, "]");
	}
	strcat(deep, "\n");
	struct gw_yaml_loader l;
	yaml_document_t doc;
	/* Six levels: the top mapping, a's mapping... then five '['. */
	assert_true(gw_yaml_loader_init(&l, deep, strlen(deep), 7));
	assert_true(gw_yaml_loader_next(&l, &doc));
	gw_yaml_doc_finish(&doc);
	assert_true(gw_yaml_loader_depth_rest(&l));
	gw_yaml_loader_finish(&l);

	assert_true(gw_yaml_loader_init(&l, deep, strlen(deep), 6));
	assert_false(gw_yaml_loader_next(&l, &doc));
	assert_true(l.too_deep);
	assert_int_equal(l.mark.line, 1);
	assert_int_equal(l.mark.column, 9); /* the fifth '[' */
	gw_yaml_loader_finish(&l);

	/* Past the bound in a later document, or after a composer
	 * problem: gw_yaml_loader_depth_rest finds it. */
	const char *later = "a: 1\n---\n[[[[[[[[]]]]]]]]\n";
	assert_true(gw_yaml_loader_init(&l, later, strlen(later), 4));
	assert_true(gw_yaml_loader_next(&l, &doc));
	gw_yaml_doc_finish(&doc);
	assert_false(gw_yaml_loader_depth_rest(&l));
	assert_int_equal(l.mark.line, 2);
	assert_int_equal(l.mark.column, 4);
	gw_yaml_loader_finish(&l);

	const char *alias = "a: *x\nb: [[[[[[]]]]]]\n";
	assert_true(gw_yaml_loader_init(&l, alias, strlen(alias), 4));
	assert_false(gw_yaml_loader_next(&l, &doc));
	assert_true(l.composer_error);
	assert_false(gw_yaml_loader_depth_rest(&l));
	assert_true(l.too_deep);
	gw_yaml_loader_finish(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_yaml_doc_same_as_libyaml),
		cmocka_unit_test(test_yaml_doc_depth),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
