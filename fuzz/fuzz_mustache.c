/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the mustache compiler and renderer, template and data from one input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "diag.h"
#include "escape.h"
#include "mustache.h"
#include "mustache_cjson.h"
#include "util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Input layout: one flag byte, then the template, then a NUL byte and the
 * JSON data (make_seeds.py writes the spec's tests this way). Without a
 * NUL the whole rest is the template and the data is FALLBACK_DATA. The
 * flag byte picks the escaper (low bits) and strict mode (FLAG_STRICT).
 */
#define FLAG_STRICT 0x80u
#define FALLBACK_DATA "{\"a\":{\"b\":[1,\"<&>\",{\"c\":true}]},\"x\":\"'$\\\"\"}"

static gw_escape_fn const escapers[] = {
	gw_escape_html, gw_escape_json, gw_escape_yaml, gw_escape_sh,
	gw_escape_none,
};

/* Partials: the template itself (recursion) and two fixed ones. */
struct partials {
	const char *self;
	size_t self_len;
};

static const char partial_list[] = "{{#.}}[{{>item}}]{{/.}}";
static const char partial_item[] = "{{.}}{{>self}}";

static bool load(void *ud, const char *name, const char **text, size_t *len,
		const char **file)
{
	const struct partials *p = ud;
	if (strcmp(name, "self") == 0) {
		*text = p->self;
		*len = p->self_len;
	} else if (strcmp(name, "list") == 0) {
		*text = partial_list;
		*len = sizeof(partial_list) - 1;
	} else if (strcmp(name, "item") == 0) {
		*text = partial_item;
		*len = sizeof(partial_item) - 1;
	} else {
		return false;
	}
	*file = name;
	return true;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	gw_cjson_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1) {
		return 0;
	}
	unsigned flags = data[0];
	const char *rest = (const char *)data + 1;
	size_t n = size - 1;
	const char *nul = memchr(rest, '\0', n);
	size_t tlen = nul ? (size_t)(nul - rest) : n;

	/* Exact-size copy of the template: the compiler takes a length. */
	char *tmpl = gw_xmalloc(tlen ? tlen : 1);
	if (tlen) {
		memcpy(tmpl, rest, tlen);
	}
	cJSON *json = NULL;
	if (nul) {
		json = cJSON_ParseWithLength(nul + 1, n - tlen - 1);
	}
	if (!json) {
		json = cJSON_Parse(FALLBACK_DATA);
	}

	struct partials p = {.self = tmpl, .self_len = tlen};
	struct gw_mustache_loader loader = {.load = load, .ud = &p};
	struct gw_diags d;
	gw_diags_init(&d);
	struct gw_mustache *t = gw_mustache_compile(tmpl, tlen, "fuzz",
			&loader, &d);
	if (t) {
		struct gw_buf out;
		gw_buf_init(&out);
		gw_escape_fn esc = escapers[(flags & ~FLAG_STRICT)
				% GW_ARRAY_LEN(escapers)];
		gw_mustache_render_cjson(t, json, esc,
				(flags & FLAG_STRICT) ? GW_MUSTACHE_STRICT : 0,
				&out, &d);
		/* Render twice: partials cached by the first run are reused. */
		gw_buf_clear(&out);
		gw_mustache_render_cjson(t, json, esc, 0, &out, &d);
		gw_buf_finish(&out);
		gw_mustache_destroy(t);
	}
	gw_diags_finish(&d);
	cJSON_Delete(json);
	free(tmpl);
	return 0;
}
