/* SPDX-License-Identifier: MIT */
/* Unit tests of schema.c: the JSON Schema built from the loader's key tables. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "profile_keys.h"
#include "schema.h"
#include "util.h"

/* The object at 'path' ("properties", "engine", ...; NULL-ended) in 's'. */
static const cJSON *at(const cJSON *s, ...)
{
	va_list ap;
	va_start(ap, s);
	for (const char *k; (k = va_arg(ap, const char *));) {
		s = cJSON_GetObjectItemCaseSensitive(s, k);
		assert_non_null(s);
	}
	va_end(ap);
	return s;
}

/* 'a' is a JSON array of exactly the strings 'want' (NULL-ended). */
static void expect_strings(const cJSON *a, const char *const *want)
{
	assert_true(cJSON_IsArray(a));
	int n = 0;
	for (; want[n]; n++) {
		const cJSON *it = cJSON_GetArrayItem(a, n);
		assert_non_null(it);
		assert_string_equal(cJSON_GetStringValue(it), want[n]);
	}
	assert_int_equal(cJSON_GetArraySize(a), n);
}

static cJSON *create(void)
{
	gw_cjson_init();
	struct gw_diags d;
	gw_diags_init(&d);
	cJSON *s = gw_schema_create(&d);
	/* Every key has a description, every description a key. */
	assert_int_equal(d.n_errors, 0);
	assert_non_null(s);
	gw_diags_finish(&d);
	return s;
}

/* Values from docs/profile.md, "Top level" and "job_queues[]". */
static void test_schema_top_level(void **state)
{
	(void)state;
	cJSON *s = create();
	assert_string_equal(cJSON_GetStringValue(at(s, "$schema", NULL)),
			"http://json-schema.org/draft-07/schema#");
	assert_true(cJSON_IsFalse(at(s, "additionalProperties", NULL)));
	static const char *const engines[] = {
		"nextflow", "nextstrain", "snakemake", "cromwell", "miniwdl",
		"none", NULL,
	};
	expect_strings(at(s, "properties", "engine", "enum", NULL), engines);
	assert_string_equal(cJSON_GetStringValue(at(s, "properties", "engine",
			"default", NULL)), "none");
	assert_non_null(cJSON_GetStringValue(at(s, "properties", "region",
			"description", NULL)));
	/* name, description and region are required without extends:. */
	static const char *const extends[] = {"extends", NULL};
	expect_strings(at(s, "if", "required", NULL), extends);
	static const char *const required[] = {
		"name", "description", "region", NULL,
	};
	expect_strings(at(s, "else", "required", NULL), required);
	static const char *const bucket[] = {"name", NULL};
	expect_strings(at(s, "else", "properties", "bucket", "required", NULL),
			bucket);
	assert_null(cJSON_GetObjectItem(at(s, "properties", "bucket", NULL),
				"required"));
	cJSON_Delete(s);
}

static void test_schema_ranges_and_defaults(void **state)
{
	(void)state;
	cJSON *s = create();
	const cJSON *q = at(s, "properties", "job_queues", "items", NULL);
	static const char *const qreq[] = {
		"name", "compute_environments", NULL,
	};
	expect_strings(at(q, "required", NULL), qreq);
	/* priority: int 0..1000, default 1. */
	const cJSON *prio = at(q, "properties", "priority", NULL);
	assert_string_equal(cJSON_GetStringValue(at(prio, "type", NULL)),
			"integer");
	assert_true(at(prio, "minimum", NULL)->valuedouble == 0);
	assert_true(at(prio, "maximum", NULL)->valuedouble == 1000);
	assert_true(at(prio, "default", NULL)->valuedouble == 1);
	/* runnable_timeout: 0 or 600..86400. */
	const cJSON *any = at(q, "properties", "runnable_timeout", "anyOf",
			NULL);
	assert_true(at(cJSON_GetArrayItem(any, 0), "const", NULL)->valuedouble
			== 0);
	assert_true(at(cJSON_GetArrayItem(any, 1), "minimum", NULL)
			->valuedouble == 600);
	assert_true(at(cJSON_GetArrayItem(any, 1), "maximum", NULL)
			->valuedouble == 86400);
	/* compute_environments: a name or {name, order}. */
	const cJSON *ce = at(q, "properties", "compute_environments", "items",
			"anyOf", NULL);
	assert_int_equal(cJSON_GetArraySize(ce), 2);
	assert_non_null(at(cJSON_GetArrayItem(ce, 1), "properties", "order",
				NULL));
	/* retention_days: CloudWatch's values, default 30. */
	const cJSON *rd = at(s, "properties", "log_groups", "items",
			"properties", "retention_days", NULL);
	assert_int_equal(cJSON_GetArraySize(at(rd, "enum", NULL)), 22);
	assert_true(cJSON_GetArrayItem(at(rd, "enum", NULL), 21)->valuedouble
			== 3653);
	assert_true(at(rd, "default", NULL)->valuedouble == 30);
	/* bucket.retain: bool, default true; bid_percentage has none. */
	assert_true(cJSON_IsTrue(at(s, "properties", "bucket", "properties",
				"retain", "default", NULL)));
	assert_null(cJSON_GetObjectItem(at(s, "properties",
				"compute_environments", "items", "properties",
				"bid_percentage", NULL), "default"));
	/* An unbounded integer stops at the 64-bit limit the loader has. */
	const cJSON *maxv = at(s, "properties", "compute_environments", "items",
			"properties", "max_vcpus", "maximum", NULL);
	assert_true(cJSON_IsRaw(maxv));
	assert_string_equal(maxv->valuestring, "9223372036854775807");
	cJSON_Delete(s);
}

/* Resource references: '*', 'bucket', or a prefix with text after it. */
static void test_schema_resources(void **state)
{
	(void)state;
	cJSON *s = create();
	const cJSON *r = at(s, "properties", "policies", "items", "properties",
			"statements", "items", "properties", "resources",
			"items", "anyOf", NULL);
	static const char *const words[] = {"*", "bucket", NULL};
	expect_strings(at(cJSON_GetArrayItem(r, 0), "enum", NULL), words);
	assert_string_equal(cJSON_GetStringValue(at(cJSON_GetArrayItem(r, 1),
			"pattern", NULL)), "^bucket\\/.");
	assert_string_equal(cJSON_GetStringValue(at(cJSON_GetArrayItem(r, 2),
			"pattern", NULL)), "^secret:.");
	cJSON_Delete(s);
}

/* The view of the tables the schema reads matches the loader's format. */
static void test_schema_key_view(void **state)
{
	(void)state;
	const struct gw_pschema *root = gw_pschema_root();
	assert_string_equal(gw_pschema_what(root), "profile");
	bool seen_queues = false;
	for (size_t i = 0; i < gw_pschema_count(root); i++) {
		struct gw_pkey k;
		gw_pschema_key(root, i, &k);
		if (strcmp(k.key, "job_queues") != 0) {
			continue;
		}
		seen_queues = true;
		assert_int_equal(k.type, GW_PKEY_LIST);
		assert_int_equal(k.elem, GW_PKEY_ELEM_MAP);
		assert_string_equal(gw_pschema_what(k.sub), "job queue");
	}
	assert_true(seen_queues);
	assert_string_equal(gw_pschema_resource_prefix(0), "bucket/");
	assert_null(gw_pschema_resource_word(2));
}

static void test_schema_render(void **state)
{
	(void)state;
	struct gw_diags d;
	gw_diags_init(&d);
	char *text = gw_schema_render(&d);
	assert_non_null(text);
	assert_true(gw_has_suffix(text, "}\n"));
	cJSON *back = cJSON_Parse(text);
	assert_non_null(back);
	cJSON_Delete(back);
	free(text);
	gw_diags_finish(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schema_top_level),
		cmocka_unit_test(test_schema_ranges_and_defaults),
		cmocka_unit_test(test_schema_resources),
		cmocka_unit_test(test_schema_key_view),
		cmocka_unit_test(test_schema_render),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
