/* SPDX-License-Identifier: MIT */
/* The mustache engine: error locations, strict mode, limits, escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "buf.h"
#include "diag.h"
#include "report.h"
#include "escape.h"
#include "mustache.h"
#include "mustache_cjson.h"
#include "util.h"

/* Deeper than any limit, as in the issue: 100,000 nested sections. */
#define HUGE_DEPTH 100000

/* Partials from a NULL-terminated list of name/text pairs; counts loads. */
struct pairs_loader {
	const char *const *pairs;
	unsigned loads;
};

static bool load_pair(void *ud, const char *name, const char **text,
		size_t *len, const char **file)
{
	struct pairs_loader *l = ud;
	for (const char *const *p = l->pairs; *p; p += 2) {
		if (strcmp(p[0], name) == 0) {
			l->loads++;
			*text = p[1];
			*len = strlen(p[1]);
			*file = p[0];
			return true;
		}
	}
	return false;
}

struct result {
	bool ok;
	char *out;   /* rendered text (free) */
	char *diags; /* diagnostics as printed (free) */
};

static char *print_diags(const struct gw_diags *d)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	gw_diags_print(d, f, GW_DIAG_TEXT, false);
	fclose(f);
	return text;
}

/* Compile 'tmpl' (named "t.mustache"), render it with the JSON 'data'. */
static struct result render_with(const char *tmpl, const char *data,
		const char *const *partials, gw_escape_fn escape,
		unsigned flags)
{
	struct pairs_loader pl = {partials, 0};
	struct gw_mustache_loader loader = {load_pair, &pl};
	struct gw_diags d;
	struct gw_buf out;
	gw_diags_init(&d);
	gw_buf_init(&out);
	cJSON *json = cJSON_Parse(data);
	assert_non_null(json);
	struct gw_mustache *t = gw_mustache_compile(tmpl, strlen(tmpl),
			"t.mustache", partials ? &loader : NULL, &d);
	struct result r;
	r.ok = t && gw_mustache_render_cjson(t, json, escape, flags, &out,
			&d);
	r.out = gw_buf_detach(&out, NULL);
	r.diags = print_diags(&d);
	gw_mustache_destroy(t);
	cJSON_Delete(json);
	gw_diags_finish(&d);
	return r;
}

static void result_finish(struct result *r)
{
	free(r->out);
	free(r->diags);
}

static void expect_ok(const char *tmpl, const char *data, gw_escape_fn escape,
		const char *want)
{
	struct result r = render_with(tmpl, data, NULL, escape,
			GW_MUSTACHE_STRICT);
	assert_string_equal(r.diags, "");
	assert_true(r.ok);
	assert_string_equal(r.out, want);
	result_finish(&r);
}

/* Rendering fails with exactly the diagnostics 'want'. */
static void expect_error(const char *tmpl, const char *data,
		const char *const *partials, unsigned flags, const char *want)
{
	struct result r = render_with(tmpl, data, partials, gw_escape_html,
			flags);
	assert_false(r.ok);
	assert_string_equal(r.diags, want);
	result_finish(&r);
}

static void test_mustache_error_unclosed_tag(void **state)
{
	(void)state;
	expect_error("ab\n  {{name", "{}", NULL, 0,
			"t.mustache:2:3: error: unclosed tag, expected '}}'\n");
	expect_error("x {{{name}}", "{}", NULL, 0,
			"t.mustache:1:3: error: unclosed tag, expected '}}}'\n");
	expect_error("{{=<% %>=}}\n\n<%a", "{}", NULL, 0,
			"t.mustache:3:1: error: unclosed tag, expected '%>'\n");
}

static void test_mustache_error_unclosed_section(void **state)
{
	(void)state;
	expect_error("x\n {{#a}}\n{{^b}}{{/b}}body", "{}", NULL, 0,
			"t.mustache:2:2: error: unclosed section 'a'\n");
}

static void test_mustache_error_mismatched_close(void **state)
{
	(void)state;
	expect_error("{{#a}}\n  {{#b}}\n{{/a}}", "{}", NULL, 0,
			"t.mustache:3:1: error: mismatched section close 'a', "
			"expected 'b'\n"
			"t.mustache:2:3: note: 'b' opened here\n");
	expect_error("text {{/a}}", "{}", NULL, 0,
			"t.mustache:1:6: error: unexpected section close 'a'\n");
}

static void test_mustache_error_bad_delimiters(void **state)
{
	(void)state;
	expect_error("\n {{=<%=}}", "{}", NULL, 0,
			"t.mustache:2:2: error: bad delimiter change, expected "
			"two delimiters, got '<%'\n");
	expect_error("{{=a b c=}}", "{}", NULL, 0,
			"t.mustache:1:1: error: bad delimiter change, expected "
			"two delimiters, got 'a b c'\n");
}

static void test_mustache_error_bad_names(void **state)
{
	(void)state;
	expect_error("x{{}}", "{}", NULL, 0,
			"t.mustache:1:2: error: empty tag name\n");
	expect_error("{{a b}}", "{}", NULL, 0,
			"t.mustache:1:1: error: invalid name 'a b'\n");
	expect_error("{{#a..b}}{{/a..b}}", "{}", NULL, 0,
			"t.mustache:1:1: error: invalid name 'a..b'\n");
	expect_error("\n  {{$ }}{{/ }}", "{}", NULL, 0,
			"t.mustache:2:3: error: empty tag name\n");
	expect_error("{{> * }}", "{}", NULL, 0,
			"t.mustache:1:1: error: empty tag name\n");
	expect_error("{{<p}}{{$a b}}{{/a b}}{{/p}}", "{}", NULL, 0,
			"t.mustache:1:7: error: invalid name 'a b'\n");
	expect_error("{{<*p}}\n{{/p}}", "{}", NULL, 0,
			"t.mustache:2:1: error: mismatched section close 'p', "
			"expected '*p'\n"
			"t.mustache:1:1: note: '*p' opened here\n");
}

static void test_mustache_strict_undefined(void **state)
{
	(void)state;
	const char *tmpl = "x\n  {{#a}}{{b.c}}{{/a}}";
	/* lenient: the spec's empty string */
	struct result r = render_with(tmpl, "{\"a\": {\"b\": {}}}", NULL,
			gw_escape_html, 0);
	assert_true(r.ok);
	assert_string_equal(r.out, "x\n  ");
	result_finish(&r);
	expect_error(tmpl, "{\"a\": {\"b\": {}}}", NULL, GW_MUSTACHE_STRICT,
			"t.mustache:2:9: error: undefined name 'b.c'\n");
	expect_error("{{^missing}}x{{/missing}}", "{}", NULL,
			GW_MUSTACHE_STRICT,
			"t.mustache:1:1: error: undefined name 'missing'\n");
	/* null and false are defined */
	expect_ok("[{{n}}{{^f}}no{{/f}}]", "{\"n\": null, \"f\": false}",
			gw_escape_html, "[no]");
	expect_error("{{m}}", "{\"m\": {}}", NULL, GW_MUSTACHE_STRICT,
			"t.mustache:1:1: error: cannot interpolate 'm': not a "
			"string, number or boolean\n");
}

static void test_mustache_strict_partials(void **state)
{
	(void)state;
	static const char *const partials[] = {
		"bad", "ok\n{{#x}}", NULL,
	};
	expect_error("a {{> nope}}", "{}", partials, GW_MUSTACHE_STRICT,
			"t.mustache:1:3: error: unknown partial 'nope'\n");
	/* a syntax error in a partial is reported in the partial */
	expect_error("\n{{>bad}}", "{}", partials, 0,
			"bad:2:1: error: unclosed section 'x'\n"
			"t.mustache:2:1: note: in partial 'bad' used here\n");
	struct result r = render_with("a{{>nope}}b", "{}", partials,
			gw_escape_html, 0);
	assert_true(r.ok);
	assert_string_equal(r.out, "ab");
	result_finish(&r);
}

static void test_mustache_depth_sections(void **state)
{
	(void)state;
	struct gw_buf b;
	gw_buf_init(&b);
	for (int i = 0; i < HUGE_DEPTH; i++) {
		gw_buf_puts(&b, "{{#a}}");
	}
	for (int i = 0; i < HUGE_DEPTH; i++) {
		gw_buf_puts(&b, "{{/a}}");
	}
	char *want = gw_xasprintf("t.mustache:1:%d: error: sections nested "
			"deeper than %d\n", GW_MUSTACHE_MAX_DEPTH * 6 + 1,
			GW_MUSTACHE_MAX_DEPTH);
	expect_error(gw_buf_str(&b), "{\"a\": true}", NULL, 0, want);
	free(want);
	gw_buf_finish(&b);
	/* the limit itself is fine */
	gw_buf_init(&b);
	for (int i = 0; i < GW_MUSTACHE_MAX_DEPTH; i++) {
		gw_buf_puts(&b, "{{#a}}");
	}
	gw_buf_puts(&b, "x");
	for (int i = 0; i < GW_MUSTACHE_MAX_DEPTH; i++) {
		gw_buf_puts(&b, "{{/a}}");
	}
	expect_ok(gw_buf_str(&b), "{\"a\": true}", gw_escape_html, "x");
	gw_buf_finish(&b);
}

static void test_mustache_depth_recursive_partial(void **state)
{
	(void)state;
	static const char *const partials[] = {
		"self", "x{{>self}}",
		"parent", "{{<parent}}{{/parent}}",
		"p", "{{$a}}{{/a}}",
		NULL,
	};
	char *want = gw_xasprintf("self:1:2: error: partials, parents and "
			"blocks nested deeper than %d at 'self'\n",
			GW_MUSTACHE_MAX_PARTIAL_DEPTH);
	expect_error("{{>self}}", "{}", partials, 0, want);
	free(want);
	want = gw_xasprintf("parent:1:1: error: partials, parents and "
			"blocks nested deeper than %d at 'parent'\n",
			GW_MUSTACHE_MAX_PARTIAL_DEPTH);
	expect_error("{{<parent}}{{/parent}}", "{}", partials, 0, want);
	free(want);
	/* an argument that fills itself in */
	want = gw_xasprintf("t.mustache:1:14: error: partials, parents and "
			"blocks nested deeper than %d at 'a'\n",
			GW_MUSTACHE_MAX_PARTIAL_DEPTH);
	expect_error("{{<p}}{{$a}}[{{$a}}{{/a}}]{{/a}}{{/p}}", "{}", partials,
			0, want);
	free(want);
}

/* The deepest C recursion the limits allow: every partial level full of
 * sections. It must end in an error, not a stack overflow. */
static void test_mustache_depth_worst_case(void **state)
{
	(void)state;
	struct gw_buf p;
	gw_buf_init(&p);
	for (int i = 0; i < GW_MUSTACHE_MAX_DEPTH; i++) {
		gw_buf_puts(&p, "{{#a}}");
	}
	gw_buf_puts(&p, "{{>p}}");
	for (int i = 0; i < GW_MUSTACHE_MAX_DEPTH; i++) {
		gw_buf_puts(&p, "{{/a}}");
	}
	const char *const partials[] = {"p", gw_buf_str(&p), NULL};
	char *want = gw_xasprintf("p:1:%d: error: partials, parents and "
			"blocks nested deeper than %d at 'p'\n",
			GW_MUSTACHE_MAX_DEPTH * 6 + 1,
			GW_MUSTACHE_MAX_PARTIAL_DEPTH);
	expect_error("{{>p}}", "{\"a\": [true]}", partials, 0, want);
	free(want);
	gw_buf_finish(&p);
}

/* The output bound (issue 20): the render stops just past
 * GW_MUSTACHE_MAX_OUTPUT with an error at the text op that crossed it. */
static void test_mustache_output_limit(void **state)
{
	(void)state;
	/* Four sections over 100 items: 10^8 copies of 11 bytes; the text
	 * inside them starts after four 6-byte tags, at 1:25. */
	struct gw_buf data;
	gw_buf_init(&data);
	gw_buf_puts(&data, "{\"a\": [");
	for (int i = 0; i < 100; i++) {
		gw_buf_puts(&data, i ? ", 1" : "1");
	}
	gw_buf_puts(&data, "]}");
	char *want = gw_xasprintf("t.mustache:1:25: error: the rendered "
			"output exceeds the limit of %u bytes (32 MiB)\n",
			GW_MUSTACHE_MAX_OUTPUT);
	struct result r = render_with("{{#a}}{{#a}}{{#a}}{{#a}}0123456789\n"
			"{{/a}}{{/a}}{{/a}}{{/a}}", gw_buf_str(&data), NULL,
			gw_escape_html, GW_MUSTACHE_STRICT);
	assert_false(r.ok);
	assert_string_equal(r.diags, want);
	/* It overshoots by less than one op's text. */
	assert_true(strlen(r.out) > GW_MUSTACHE_MAX_OUTPUT);
	assert_true(strlen(r.out) <= GW_MUSTACHE_MAX_OUTPUT + 11);
	result_finish(&r);

	/* A partial that includes the next one twice, 30 deep, in a
	 * partial's own file and line: p30.mustache is text on line 2. */
	const char *partials[2 * 32 + 1];
	char *names[32], *texts[32];
	for (int i = 0; i <= 30; i++) {
		names[i] = gw_xasprintf("p%d", i);
		texts[i] = i < 30 ? gw_xasprintf("{{>p%d}}{{>p%d}}", i + 1,
				i + 1) : gw_xstrdup("\n0123456789abcdef\n");
		partials[2 * i] = names[i];
		partials[2 * i + 1] = texts[i];
	}
	partials[2 * 31] = NULL;
	free(want);
	want = gw_xasprintf("p30:2:1: error: the rendered output exceeds the "
			"limit of %u bytes (32 MiB)\n", GW_MUSTACHE_MAX_OUTPUT);
	r = render_with("{{>p0}}", "{}", partials, gw_escape_html,
			GW_MUSTACHE_STRICT);
	assert_false(r.ok);
	assert_string_equal(r.diags, want);
	result_finish(&r);
	for (int i = 0; i <= 30; i++) {
		free(names[i]);
		free(texts[i]);
	}
	free(want);
	gw_buf_finish(&data);
}

static void test_mustache_recursion_ends_by_data(void **state)
{
	(void)state;
	static const char *const partials[] = {
		"node", "{{name}}({{#kids}}{{>node}}{{/kids}})", NULL,
	};
	struct result r = render_with("{{>node}}",
			"{\"name\": \"a\", \"kids\": [{\"name\": \"b\", "
			"\"kids\": [{\"name\": \"c\", \"kids\": []}]}]}",
			partials, gw_escape_html, GW_MUSTACHE_STRICT);
	assert_string_equal(r.diags, "");
	assert_string_equal(r.out, "a(b(c()))");
	result_finish(&r);
}

static void test_mustache_escaper_selection(void **state)
{
	(void)state;
	const char *data = "{\"s\": \"a\\\"b'c\", \"n\": 1.21, \"i\": 85, "
		"\"t\": true, \"f\": false}";
	const char *tmpl = "{{s}} {{n}} {{i}} {{t}} {{f}} {{{s}}} {{&s}}";
	expect_ok(tmpl, data, gw_escape_yaml,
			"\"a\\\"b'c\" 1.21 85 true false a\"b'c a\"b'c");
	expect_ok(tmpl, data, gw_escape_json,
			"\"a\\\"b'c\" 1.21 85 true false a\"b'c a\"b'c");
	expect_ok(tmpl, data, gw_escape_sh,
			"'a\"b'\\''c' 1.21 85 true false a\"b'c a\"b'c");
	expect_ok(tmpl, data, gw_escape_html,
			"a&quot;b'c 1.21 85 true false a\"b'c a\"b'c");
	expect_ok(tmpl, data, gw_escape_none,
			"a\"b'c 1.21 85 true false a\"b'c a\"b'c");
}

static void test_mustache_numbers_shortest(void **state)
{
	(void)state;
	expect_ok("{{#l}}{{.}} {{/l}}",
			"{\"l\": [0, -0.5, 1e21, 0.30000000000000004, "
			"4294967296, 1.5e-7, 100]}",
			gw_escape_html,
			"0 -0.5 1e+21 0.30000000000000004 4294967296 1.5e-07 100 ");
}

static void test_mustache_partials_cached(void **state)
{
	(void)state;
	static const char *const pairs[] = {"p", "<{{.}}>", NULL};
	struct pairs_loader pl = {pairs, 0};
	struct gw_mustache_loader loader = {load_pair, &pl};
	struct gw_diags d;
	gw_diags_init(&d);
	const char *tmpl = "{{#l}}{{>p}}{{/l}}";
	struct gw_mustache *t = gw_mustache_compile(tmpl, strlen(tmpl),
			"t.mustache", &loader, &d);
	assert_non_null(t);
	cJSON *data = cJSON_Parse("{\"l\": [1, 2, 3]}");
	for (int i = 0; i < 3; i++) {
		struct gw_buf out;
		gw_buf_init(&out);
		assert_true(gw_mustache_render_cjson(t, data, gw_escape_html,
				GW_MUSTACHE_STRICT, &out, &d));
		assert_string_equal(gw_buf_str(&out), "<1><2><3>");
		gw_buf_finish(&out);
	}
	assert_int_equal(pl.loads, 1);
	cJSON_Delete(data);
	gw_mustache_destroy(t);
	gw_diags_finish(&d);
}

static void test_mustache_standalone_partial_indentation(void **state)
{
	(void)state;
	static const char *const partials[] = {
		"list", "{{#items}}\n- {{.}}\n{{/items}}\n", NULL,
	};
	struct result r = render_with("items:\n  {{>list}}\nend\n",
			"{\"items\": [\"a\", \"b\"]}", partials, gw_escape_yaml,
			GW_MUSTACHE_STRICT);
	assert_string_equal(r.out, "items:\n  - \"a\"\n  - \"b\"\nend\n");
	result_finish(&r);
}

/* Regression: closing a section after indentation read its op after the
 * op array had grown (heap-use-after-free under ASan). */
static void test_mustache_close_after_indentation(void **state)
{
	(void)state;
	enum { REPEAT = 100 };
	struct gw_buf tmpl, want;
	gw_buf_init(&tmpl);
	gw_buf_init(&want);
	for (int i = 0; i < REPEAT; i++) {
		gw_buf_puts(&tmpl, "{{#a}}\n {{/a}}y\n");
		gw_buf_puts(&want, " y\n");
	}
	expect_ok(gw_buf_str(&tmpl), "{\"a\": true}", gw_escape_html,
			gw_buf_str(&want));
	gw_buf_finish(&tmpl);
	gw_buf_finish(&want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mustache_error_unclosed_tag),
		cmocka_unit_test(test_mustache_error_unclosed_section),
		cmocka_unit_test(test_mustache_error_mismatched_close),
		cmocka_unit_test(test_mustache_error_bad_delimiters),
		cmocka_unit_test(test_mustache_error_bad_names),
		cmocka_unit_test(test_mustache_strict_undefined),
		cmocka_unit_test(test_mustache_strict_partials),
		cmocka_unit_test(test_mustache_depth_sections),
		cmocka_unit_test(test_mustache_depth_recursive_partial),
		cmocka_unit_test(test_mustache_depth_worst_case),
		cmocka_unit_test(test_mustache_recursion_ends_by_data),
		cmocka_unit_test(test_mustache_output_limit),
		cmocka_unit_test(test_mustache_escaper_selection),
		cmocka_unit_test(test_mustache_numbers_shortest),
		cmocka_unit_test(test_mustache_partials_cached),
		cmocka_unit_test(test_mustache_standalone_partial_indentation),
		cmocka_unit_test(test_mustache_close_after_indentation),
	};
	gw_cjson_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
