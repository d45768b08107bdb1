/* SPDX-License-Identifier: MIT */
/* Escapers: exact forms, and round trips through real JSON, YAML, sh parsers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>
#include <yaml.h>

#include "buf.h"
#include "escape.h"
#include "util.h"

/* Inputs that break naive quoting in one language or another. */
static const char *const nasty[] = {
	"",
	"plain",
	"it's",
	"a\"b",
	"back\\slash",
	"line1\nline2\n",
	"crlf\r\nend",
	"tab\there",
	"$(rm -rf /)",
	"`id`",
	"${AWS::Region}",
	"$HOME and $$",
	"!Ref Foo",
	"!!binary x",
	"# not a comment",
	"---",
	"...",
	"- item",
	"key: value",
	"{a: b}",
	"[1, 2]",
	"&anchor",
	"*alias",
	"%TAG ! x",
	"@at",
	"|literal",
	">folded",
	"? complex",
	"null",
	"true",
	"0x1F",
	"1e3",
	" leading and trailing ",
	"'single' \"double\"",
	"\x01\x02\x07\x08\x0b\x0c\x1b\x1f\x7f",
	"caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80",
	"\xc2\x85 nel \xe2\x80\xa8 ls \xe2\x80\xa9 ps",
	"\xef\xbb\xbf bom",
	"<script>&amp;</script>",
};

static char *escape(gw_escape_fn fn, const char *s, size_t len)
{
	struct gw_buf b;
	gw_buf_init(&b);
	fn(&b, s, len);
	return gw_buf_detach(&b, NULL);
}

static void assert_escapes(gw_escape_fn fn, const char *in, size_t len,
		const char *want)
{
	char *got = escape(fn, in, len);
	assert_string_equal(got, want);
	free(got);
}

static void test_escape_html_spec(void **state)
{
	(void)state;
	assert_escapes(gw_escape_html, "& \" < >", 7, "&amp; &quot; &lt; &gt;");
	assert_escapes(gw_escape_html, "it's", 4, "it's");
	assert_escapes(gw_escape_html, "", 0, "");
}

static void test_escape_none_keeps_bytes(void **state)
{
	(void)state;
	assert_escapes(gw_escape_none, "a\"b\n$x", 6, "a\"b\n$x");
}

static void test_escape_json_forms(void **state)
{
	(void)state;
	assert_escapes(gw_escape_json, "", 0, "\"\"");
	assert_escapes(gw_escape_json, "a\"b\\c", 5, "\"a\\\"b\\\\c\"");
	assert_escapes(gw_escape_json, "\n\t\x01\x7f", 4,
			"\"\\n\\t\\u0001\\u007f\"");
	assert_escapes(gw_escape_json, "nul\0x", 5, "\"nul\\u0000x\"");
	assert_escapes(gw_escape_json, "\xe2\x80\xa8", 3, "\"\\u2028\"");
	/* invalid UTF-8 cannot be JSON text: U+FFFD instead */
	assert_escapes(gw_escape_json, "a\xff" "b", 3, "\"a\\ufffdb\"");
	assert_escapes(gw_escape_json, "\xc0\xaf", 2, "\"\\ufffd\\ufffd\"");
	assert_escapes(gw_escape_json, "caf\xc3\xa9", 5, "\"caf\xc3\xa9\"");
}

static void test_escape_json_round_trip(void **state)
{
	(void)state;
	for (size_t i = 0; i < GW_ARRAY_LEN(nasty); i++) {
		char *json = escape(gw_escape_json, nasty[i], strlen(nasty[i]));
		cJSON *v = cJSON_Parse(json);
		assert_non_null(v);
		assert_true(cJSON_IsString(v));
		assert_string_equal(v->valuestring, nasty[i]);
		cJSON_Delete(v);
		free(json);
	}
}

static void test_escape_yaml_forms(void **state)
{
	(void)state;
	assert_escapes(gw_escape_yaml, "", 0, "\"\"");
	assert_escapes(gw_escape_yaml, "a\"b\\c", 5, "\"a\\\"b\\\\c\"");
	assert_escapes(gw_escape_yaml, "\n\t\r\x1b\x01\x7f", 6,
			"\"\\n\\t\\r\\e\\x01\\x7f\"");
	assert_escapes(gw_escape_yaml, "\xc2\x85\xe2\x80\xa8\xe2\x80\xa9", 8,
			"\"\\N\\L\\P\"");
	assert_escapes(gw_escape_yaml, "\xc2\x9f", 2, "\"\\x9f\"");
	assert_escapes(gw_escape_yaml, "\xef\xbb\xbf", 3, "\"\\ufeff\"");
	assert_escapes(gw_escape_yaml, "\xef\xbf\xbf", 3, "\"\\uffff\"");
	/* each invalid byte on its own */
	assert_escapes(gw_escape_yaml, "a\xff\xc3", 3, "\"a\\xff\\xc3\"");
	assert_escapes(gw_escape_yaml, "!Ref x # y", 10, "\"!Ref x # y\"");
	assert_escapes(gw_escape_yaml, "\xf0\x9f\x98\x80", 4,
			"\"\xf0\x9f\x98\x80\"");
}

/*
 * Parse 'doc' with libyaml and return a copy of the first scalar that is a
 * value (after 'skip' other scalars), checking it is double-quoted and
 * untagged, so no YAML type or CloudFormation tag can apply to it.
 */
static char *yaml_scalar(const char *doc, int skip, size_t *len)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	char *value = NULL;
	assert_true(yaml_parser_initialize(&parser));
	yaml_parser_set_input_string(&parser, (const unsigned char *)doc,
			strlen(doc));
	for (bool done = false; !done;) {
		if (!yaml_parser_parse(&parser, &ev)) {
			fail_msg("libyaml: %s in %s", parser.problem, doc);
		}
		if (ev.type == YAML_SCALAR_EVENT && skip-- == 0) {
			assert_int_equal(ev.data.scalar.style,
					YAML_DOUBLE_QUOTED_SCALAR_STYLE);
			assert_null(ev.data.scalar.tag);
			*len = ev.data.scalar.length;
			value = gw_xstrndup((const char *)ev.data.scalar.value,
					*len);
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	assert_non_null(value);
	return value;
}

/* A YAML document with the escaped value between 'before' and 'after'. */
struct yaml_doc {
	const char *before, *after;
};

static void check_yaml(const struct yaml_doc *fmt, int skip, const char *in,
		size_t in_len, const char *want, size_t want_len)
{
	char *q = escape(gw_escape_yaml, in, in_len);
	char *doc = gw_xasprintf("%s%s%s", fmt->before, q, fmt->after);
	size_t len;
	char *got = yaml_scalar(doc, skip, &len);
	assert_int_equal(len, want_len);
	assert_memory_equal(got, want, len);
	free(got);
	free(doc);
	free(q);
}

static void test_escape_yaml_round_trip(void **state)
{
	(void)state;
	/* as a block mapping value, a block sequence item and in flow */
	static const struct yaml_doc docs[] = {
		{"key: ", "\n"},
		{"list:\n  - ", "\n  - after\n"},
		{"{k: [", ", x]}\n"},
	};
	for (size_t d = 0; d < GW_ARRAY_LEN(docs); d++) {
		for (size_t i = 0; i < GW_ARRAY_LEN(nasty); i++) {
			size_t n = strlen(nasty[i]);
			check_yaml(&docs[d], 1, nasty[i], n, nasty[i], n);
		}
	}
	/* NUL survives; an invalid byte 0xff reads back as U+00FF */
	check_yaml(&docs[0], 1, "a\0b", 3, "a\0b", 3);
	check_yaml(&docs[0], 1, "\xff", 1, "\xc3\xbf", 2);
}

static void test_escape_sh_forms(void **state)
{
	(void)state;
	assert_escapes(gw_escape_sh, "", 0, "''");
	assert_escapes(gw_escape_sh, "it's", 4, "'it'\\''s'");
	assert_escapes(gw_escape_sh, "$(x) `y` \\", 10, "'$(x) `y` \\'");
	assert_escapes(gw_escape_sh, "a\0b", 3, "'ab'"); /* NUL dropped */
}

/* What /bin/sh makes of the word: run `printf %s WORD` and capture it. */
static char *sh_value(const char *word, size_t *len)
{
	char *cmd = gw_xasprintf("printf %%s %s", word);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	struct gw_buf b;
	gw_buf_init(&b);
	char chunk[256];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0) {
		gw_buf_append(&b, chunk, n);
	}
	assert_int_equal(pclose(p), 0);
	free(cmd);
	return gw_buf_detach(&b, len);
}

static void test_escape_sh_round_trip(void **state)
{
	(void)state;
	for (size_t i = 0; i < GW_ARRAY_LEN(nasty); i++) {
		size_t n = strlen(nasty[i]), len;
		char *word = escape(gw_escape_sh, nasty[i], n);
		char *got = sh_value(word, &len);
		assert_int_equal(len, n);
		assert_memory_equal(got, nasty[i], n);
		free(got);
		free(word);
	}
}

static void test_escape_by_name(void **state)
{
	(void)state;
	assert_ptr_equal(gw_escape_by_name("none"), gw_escape_none);
	assert_ptr_equal(gw_escape_by_name("html"), gw_escape_html);
	assert_ptr_equal(gw_escape_by_name("json"), gw_escape_json);
	assert_ptr_equal(gw_escape_by_name("yaml"), gw_escape_yaml);
	assert_ptr_equal(gw_escape_by_name("sh"), gw_escape_sh);
	assert_ptr_equal(gw_escape_by_name("shell"), gw_escape_sh);
	assert_null(gw_escape_by_name("HTML"));
	assert_null(gw_escape_by_name(""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_html_spec),
		cmocka_unit_test(test_escape_none_keeps_bytes),
		cmocka_unit_test(test_escape_json_forms),
		cmocka_unit_test(test_escape_json_round_trip),
		cmocka_unit_test(test_escape_yaml_forms),
		cmocka_unit_test(test_escape_yaml_round_trip),
		cmocka_unit_test(test_escape_sh_forms),
		cmocka_unit_test(test_escape_sh_round_trip),
		cmocka_unit_test(test_escape_by_name),
	};
	gw_cjson_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
