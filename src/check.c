/* SPDX-License-Identifier: MIT */
/* The check stage: what only the rendered bundle shows (check.h). */
#include "check.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <yaml.h>

#include "buf.h"
#include "util.h"
#include "lt.h"
#include "verify.h"
#include "yaml_doc.h"

/* The CloudFormation short forms (CFN "Intrinsic function reference"). */
static const char *const cfn_tags[] = {
	"!And", "!Base64", "!Cidr", "!Condition", "!Equals", "!FindInMap",
	"!GetAtt", "!GetAZs", "!If", "!ImportValue", "!Join", "!Not", "!Or",
	"!Ref", "!Select", "!Split", "!Sub", "!Transform",
};

#define SHEBANG "#!/usr/bin/env bash\n"
#define STRICT_MODE "set -euo pipefail\n"
/* Nesting of braces and brackets in a HOCON file gwgen writes (its
 * cromwell.conf nests 6 deep); deeper is refused as malformed. */
#define GW_HOCON_MAX_DEPTH 32

void gw_check_failed(struct gw_diags *d, const struct gw_check_ctx *c,
		const char *what)
{
	if (c->builtin) {
		gw_diag_error(d, (struct gw_loc){ 0 }, "internal error: "
				"template '%s' rendered '%s' that %s",
				c->template, c->path, what);
		return;
	}
	/* A --templates DIR file is the user's input: point at it. */
	gw_diag_error(d, (struct gw_loc){ .file = c->template },
			"this template rendered '%s' that %s", c->path, what);
}

bool gw_check_json(const struct gw_check_ctx *c, const char *text, size_t len,
		struct gw_diags *d)
{
	const char *end = NULL;
	cJSON *j = cJSON_ParseWithLengthOpts(text, len, &end, false);
	bool ok = j && cJSON_IsObject(j);
	/* Only whitespace may follow the value. */
	for (const char *p = end; ok && p < text + len; p++) {
		ok = *p == ' ' || *p == '\n' || *p == '\t' || *p == '\r';
	}
	cJSON_Delete(j);
	if (!ok) {
		gw_check_failed(d, c, "is not one JSON object");
	}
	return ok;
}

/* ---- CloudFormation ------------------------------------------------------ */

static yaml_node_t *map_get(yaml_document_t *doc, yaml_node_t *map,
		const char *key)
{
	if (!map || map->type != YAML_MAPPING_NODE) {
		return NULL;
	}
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
			p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key);
		if (k && k->type == YAML_SCALAR_NODE &&
				strlen(key) == k->data.scalar.length &&
				memcmp(k->data.scalar.value, key,
					k->data.scalar.length) == 0) {
			return yaml_document_get_node(doc, p->value);
		}
	}
	return NULL;
}

static bool scalar_is(const yaml_node_t *n, const char *s)
{
	return n && n->type == YAML_SCALAR_NODE &&
		n->data.scalar.length == strlen(s) &&
		memcmp(n->data.scalar.value, s, n->data.scalar.length) == 0;
}

static bool tags_known(yaml_document_t *doc, struct gw_buf *why)
{
	for (yaml_node_t *n = doc->nodes.start; n < doc->nodes.top; n++) {
		const char *tag = (const char *)n->tag;
		if (!tag || tag[0] != '!' || tag[1] == '!') {
			continue;
		}
		bool known = false;
		for (size_t i = 0; i < GW_ARRAY_LEN(cfn_tags); i++) {
			known = known || strcmp(tag, cfn_tags[i]) == 0;
		}
		if (!known) {
			gw_buf_printf(why, "has the unknown tag '%s' at line %lu",
					tag, (unsigned long)n->start_mark.line + 1);
			return false;
		}
	}
	return true;
}

/* Every launch template's UserData equals its standalone MIME file. */
static bool user_data_matches(yaml_document_t *doc, yaml_node_t *resources,
		const struct gw_files *files, struct gw_buf *why)
{
	for (yaml_node_pair_t *p = resources->data.mapping.pairs.start;
			p < resources->data.mapping.pairs.top; p++) {
		yaml_node_t *res = yaml_document_get_node(doc, p->value);
		if (!scalar_is(map_get(doc, res, "Type"),
					"AWS::EC2::LaunchTemplate")) {
			continue;
		}
		yaml_node_t *props = map_get(doc, res, "Properties");
		yaml_node_t *name = map_get(doc, props, "LaunchTemplateName");
		yaml_node_t *ud = map_get(doc, map_get(doc, props,
					"LaunchTemplateData"), "UserData");
		if (!ud) {
			continue;
		}
		if (!name || name->type != YAML_SCALAR_NODE ||
				ud->type != YAML_SCALAR_NODE || !ud->tag ||
				strcmp((const char *)ud->tag, "!Base64") != 0) {
			gw_buf_puts(why, "has a UserData that is not a !Base64 "
					"scalar of a named launch template");
			return false;
		}
		char *path = gw_xasprintf("userdata/%.*s.mime",
				(int)name->data.scalar.length,
				(const char *)name->data.scalar.value);
		const struct gw_file *f = gw_files_find(files, path);
		bool same = f && f->len == ud->data.scalar.length &&
			memcmp(f->data, ud->data.scalar.value, f->len) == 0;
		if (!same) {
			gw_buf_printf(why, "embeds user data that differs from "
					"'%s'", path);
		}
		free(path);
		if (!same) {
			return false;
		}
	}
	return true;
}

void gw_cfn_doc_finish(struct gw_cfn_doc *c)
{
	if (c && c->loaded) {
		gw_yaml_doc_finish(&c->doc);
	}
	if (c) {
		*c = (struct gw_cfn_doc){ 0 };
	}
}

/*
 * Load the first YAML document of 'text' into 'doc' with 'l' (initialised
 * here; the caller finishes it). Returns 1 with a document, 0 with why it
 * is not YAML in 'why', -1 when the loader could not start (reported).
 */
static int load_first(const struct gw_check_ctx *c, struct gw_yaml_loader *l,
		const char *text, size_t len, yaml_document_t *doc,
		struct gw_buf *why, struct gw_diags *d)
{
	if (!gw_yaml_loader_init(l, text, len, 0)) {
		gw_check_failed(d, c, "could not be parsed (libyaml out of "
				"memory)");
		return -1;
	}
	if (!gw_yaml_loader_next(l, doc)) {
		gw_buf_printf(why, "is not YAML: %s at line %lu column %lu",
				l->problem ? l->problem : "error",
				(unsigned long)l->mark.line + 1,
				(unsigned long)l->mark.column + 1);
		return 0;
	}
	return 1;
}

/* Whether 'l' ends after the document it gave: a stray '---' would make a
 * second one. Says why not in 'why'. */
static bool ends_after_one(struct gw_yaml_loader *l, struct gw_buf *why)
{
	yaml_document_t next;
	if (!gw_yaml_loader_next(l, &next)) {
		gw_buf_puts(why, "does not end cleanly after its document");
		return false;
	}
	bool more = yaml_document_get_root_node(&next) != NULL;
	gw_yaml_doc_finish(&next);
	if (more) {
		gw_buf_puts(why, "holds more than one YAML document");
		return false;
	}
	return true;
}

bool gw_check_cfn(const struct gw_check_ctx *c, const char *text, size_t len,
		struct gw_diags *d)
{
	/* gw_yaml_loader: libyaml's loader without a copy of the default tag
	 * per node; no depth bound here (the template verifier applies it
	 * to the loaded document). */
	struct gw_yaml_loader l;
	yaml_document_t doc;
	struct gw_buf why;
	gw_buf_init(&why);
	bool ok = false;
	int loaded = load_first(c, &l, text, len, &doc, &why, d);
	if (loaded < 0) {
		gw_buf_finish(&why);
		return false;
	}
	if (!loaded) {
		goto out_parser;
	}
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	yaml_node_t *resources = map_get(&doc, root, "Resources");
	if (!resources || resources->type != YAML_MAPPING_NODE) {
		gw_buf_puts(&why, "has no Resources mapping");
		goto out_doc;
	}
	if (!tags_known(&doc, &why) ||
			!user_data_matches(&doc, resources, c->files, &why)) {
		goto out_doc;
	}
	if (!ends_after_one(&l, &why)) {
		goto out_doc;
	}
	ok = true;
	if (c->keep && !c->keep->loaded) {
		c->keep->doc = doc;
		c->keep->loaded = true;
		goto out_parser;
	}
out_doc:
	gw_yaml_doc_finish(&doc);
out_parser:
	gw_yaml_loader_finish(&l);
	if (!ok) {
		gw_check_failed(d, c, gw_buf_str(&why));
	}
	gw_buf_finish(&why);
	return ok;
}

/* ---- scripts and client configuration ------------------------------------- */

bool gw_check_yaml(const struct gw_check_ctx *c, const char *text, size_t len,
		struct gw_diags *d)
{
	struct gw_yaml_loader l;
	yaml_document_t doc;
	struct gw_buf why;
	gw_buf_init(&why);
	bool ok = false;
	int loaded = load_first(c, &l, text, len, &doc, &why, d);
	if (loaded < 0) {
		gw_buf_finish(&why);
		return false;
	}
	if (!loaded) {
		goto out_parser;
	}
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	if (!root || root->type != YAML_MAPPING_NODE) {
		gw_buf_puts(&why, "is not one YAML mapping");
		goto out_doc;
	}
	if (!ends_after_one(&l, &why)) {
		goto out_doc;
	}
	ok = true;
out_doc:
	gw_yaml_doc_finish(&doc);
out_parser:
	gw_yaml_loader_finish(&l);
	if (!ok) {
		gw_check_failed(d, c, gw_buf_str(&why));
	}
	gw_buf_finish(&why);
	return ok;
}

bool gw_check_bash(const struct gw_check_ctx *c, const char *text, size_t len,
		struct gw_diags *d)
{
	const char *strict = strstr(text, "\n" STRICT_MODE);
	if (len < strlen(SHEBANG) || memcmp(text, SHEBANG, strlen(SHEBANG)) ||
			!strict) {
		gw_check_failed(d, c, "lacks the bash shebang or 'set -euo "
				"pipefail'");
		return false;
	}
	/* Nothing but comments and blank lines before the strict mode. */
	for (const char *p = text; p <= strict; p = strchr(p, '\n') + 1) {
		if (p[0] != '#' && p[0] != '\n') {
			gw_check_failed(d, c, "runs a command before 'set "
					"-euo pipefail'");
			return false;
		}
	}
	return true;
}

bool gw_check_ini(const struct gw_check_ctx *c, const char *text, size_t len,
		struct gw_diags *d)
{
	size_t line = 1;
	for (const char *p = text; p < text + len; line++) {
		const char *nl = memchr(p, '\n', (size_t)(text + len - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(text + len - p);
		bool ok = n == 0 || p[0] == '#' || p[0] == ';' ||
			(p[0] == '[' && p[n - 1] == ']') ||
			(p[0] != ' ' && memchr(p, '=', n) != NULL);
		for (size_t i = 0; ok && i < n; i++) {
			ok = (unsigned char)p[i] >= ' ' || p[i] == '\t';
		}
		if (!ok) {
			struct gw_buf why;
			gw_buf_init(&why);
			gw_buf_printf(&why, "has a malformed INI line %zu", line);
			gw_check_failed(d, c, gw_buf_str(&why));
			gw_buf_finish(&why);
			return false;
		}
		p += n + 1;
	}
	return true;
}

bool gw_check_hocon(const struct gw_check_ctx *c, const char *text,
		size_t len, struct gw_diags *d)
{
	/* Open brackets, innermost last; bounded by what gwgen writes. */
	char stack[GW_HOCON_MAX_DEPTH];
	size_t depth = 0;
	bool ok = true;
	for (size_t i = 0; ok && i < len; i++) {
		char ch = text[i];
		bool comment = ch == '#' ||
			(ch == '/' && i + 1 < len && text[i + 1] == '/');
		if (comment) {
			while (i < len && text[i] != '\n') {
				i++;
			}
		} else if (ch == '"') {
			for (i++; i < len && text[i] != '"'; i++) {
				if (text[i] == '\n') {
					ok = false;
					break;
				}
				if (text[i] == '\\') {
					i++;
				}
			}
			ok = ok && i < len;
		} else if (ch == '{' || ch == '[') {
			ok = depth < sizeof(stack);
			if (ok) {
				stack[depth++] = ch == '{' ? '}' : ']';
			}
		} else if (ch == '}' || ch == ']') {
			ok = depth > 0 && stack[--depth] == ch;
		}
	}
	if (!ok || depth != 0) {
		gw_check_failed(d, c, "has unclosed strings or unbalanced "
				"braces or brackets");
		return false;
	}
	return true;
}

bool gw_check_groovy(const struct gw_check_ctx *c, const char *text,
		size_t len, struct gw_diags *d)
{
	long depth = 0;
	bool ok = true;
	for (size_t i = 0; ok && i < len; i++) {
		char ch = text[i];
		if (ch == '/' && i + 1 < len && text[i + 1] == '/') {
			while (i < len && text[i] != '\n') {
				i++;
			}
		} else if (ch == '\'') {
			/* A single-quoted string ends at an unescaped quote
			 * and never spans lines. */
			for (i++; i < len && text[i] != '\''; i++) {
				if (text[i] == '\n') {
					ok = false;
					break;
				}
				if (text[i] == '\\') {
					i++;
				}
			}
			ok = ok && i < len;
		} else if (ch == '{') {
			depth++;
		} else if (ch == '}') {
			ok = --depth >= 0;
		}
	}
	if (!ok || depth != 0) {
		gw_check_failed(d, c, "has unbalanced quotes or braces");
		return false;
	}
	return true;
}

/* The re-parse of each kind of file (GW_FILE_TEXT: none). */
static const gw_check_fn checks[] = {
	[GW_FILE_TEXT] = NULL,
	[GW_FILE_CFN] = gw_check_cfn,
	[GW_FILE_JSON] = gw_check_json,
	[GW_FILE_BASH] = gw_check_bash,
	[GW_FILE_INI] = gw_check_ini,
	[GW_FILE_GROOVY] = gw_check_groovy,
	[GW_FILE_YAML] = gw_check_yaml,
	[GW_FILE_HOCON] = gw_check_hocon,
	[GW_FILE_MIME] = NULL,
};
_Static_assert(GW_ARRAY_LEN(checks) == GW_FILE_MIME + 1,
		"one re-parse per file kind");

/* The launch template whose user data is 'path' ("userdata/NAME.mime"). */
static const struct gw_launch_template *user_data_owner(
		const struct gw_model *m, const char *path)
{
	const char *name = path + strlen("userdata/");
	size_t n = strlen(name) - strlen(".mime");
	for (size_t i = 0; i < m->n_launch_templates; i++) {
		const char *lt = m->launch_templates[i].name.s;
		if (lt && strlen(lt) == n && strncmp(lt, name, n) == 0) {
			return &m->launch_templates[i];
		}
	}
	return NULL;
}

bool gw_check_bundle(const struct gw_model *m, const struct gw_files *files,
		struct gw_diags *d)
{
	bool ok = true;
	for (size_t i = 0; i < files->n; i++) {
		const struct gw_file *f = &files->v[i];
		if (f->len == 0 || f->data[f->len - 1] != '\n') {
			struct gw_check_ctx c = { .template = f->source,
				.path = f->path, .files = files,
				.builtin = f->builtin };
			gw_check_failed(d, &c, "has no final newline");
			ok = false;
			continue;
		}
		if (f->kind == GW_FILE_MIME) {
			const struct gw_launch_template *lt =
				user_data_owner(m, f->path);
			struct gw_loc at = lt ? lt->user_data.loc :
				(struct gw_loc){ 0 };
			ok = gw_verify_user_data(f->data, f->len, at, d) && ok;
			continue;
		}
		gw_check_fn check = checks[f->kind];
		if (!check) {
			continue;
		}
		struct gw_cfn_doc cfn = { 0 };
		struct gw_check_ctx c = { .template = f->source,
			.path = f->path, .files = files,
			.keep = f->kind == GW_FILE_CFN ? &cfn : NULL,
			.builtin = f->builtin };
		if (!check(&c, f->data, f->len, d)) {
			ok = false;
		} else if (cfn.loaded) {
			/* Named as the user reads it, not where -o points. */
			char *name = gw_xasprintf("out/%s/%s", m->name.s,
					f->path);
			ok = gw_verify_template_limits(&cfn.doc, f->data,
					f->len, name, d) && ok;
			free(name);
		}
		gw_cfn_doc_finish(&cfn);
	}
	return ok;
}
