/* SPDX-License-Identifier: MIT */
/*
 * How diagnostics are shown (report.h): text for a terminal, GitHub
 * workflow commands, JSON and SARIF, which names each rule from the rule
 * book. Apart from diag.c so that the list every stage reports into does
 * not depend on the rules that report into it.
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "config.h"
#include "rules.h"
#include "util.h"

const char *const gw_diag_format_names[GW_DIAG_SARIF + 1] = {
	[GW_DIAG_TEXT] = "text",
	[GW_DIAG_JSON] = "json",
	[GW_DIAG_GITHUB] = "github",
	[GW_DIAG_SARIF] = "sarif",
};

bool gw_diag_format_parse(const char *name, enum gw_diag_format *out)
{
	for (size_t i = 0; i < GW_ARRAY_LEN(gw_diag_format_names); i++) {
		if (strcmp(name, gw_diag_format_names[i]) == 0) {
			*out = (enum gw_diag_format)i;
			return true;
		}
	}
	return false;
}

bool gw_diag_want_color(FILE *stream)
{
	const char *no = getenv("NO_COLOR");
	if (no && *no) {
		return false;
	}
	const char *term = getenv("TERM");
	if (term && strcmp(term, "dumb") == 0) {
		return false;
	}
	return isatty(fileno(stream)) == 1;
}

static const char *const severity_colors[] = {
	[GW_SEV_NOTE] = "\033[1;36m",
	[GW_SEV_WARNING] = "\033[1;35m",
	[GW_SEV_ERROR] = "\033[1;31m",
};

static void print_text(const struct gw_diag *g, FILE *out, bool color)
{
	if (g->file && g->loc.line) {
		fprintf(out, "%s%s:%u:%u:%s ", color ? "\033[1m" : "", g->file,
				g->loc.line, g->loc.col, color ? "\033[0m" : "");
	} else if (g->file) {
		fprintf(out, "%s%s:%s ", color ? "\033[1m" : "", g->file,
				color ? "\033[0m" : "");
	} else {
		fputs("gwgen: ", out);
	}
	fprintf(out, "%s%s:%s %s", color ? severity_colors[g->sev] : "",
			gw_severity_name(g->sev), color ? "\033[0m" : "", g->msg);
	if (g->rule) {
		fprintf(out, " [%s]", g->rule);
	}
	fputc('\n', out);
	if (g->hint) {
		if (g->file && g->loc.line) {
			fprintf(out, "%s:%u:%u: ", g->file, g->loc.line,
					g->loc.col);
		} else {
			fputs("gwgen: ", out);
		}
		fprintf(out, "%snote:%s %s\n", color ? severity_colors[0] : "",
				color ? "\033[0m" : "", g->hint);
	}
}

/* GitHub workflow commands need '%', CR and LF escaped in the message. */
static void print_github_escaped(FILE *out, const char *s, bool property)
{
	for (; *s; s++) {
		switch (*s) {
		case '%':
			fputs("%25", out);
			break;
		case '\r':
			fputs("%0D", out);
			break;
		case '\n':
			fputs("%0A", out);
			break;
		case ':':
			fputs(property ? "%3A" : ":", out);
			break;
		case ',':
			fputs(property ? "%2C" : ",", out);
			break;
		default:
			fputc(*s, out);
		}
	}
}

static void print_github(const struct gw_diag *g, FILE *out)
{
	static const char *const kinds[] = {
		[GW_SEV_NOTE] = "notice",
		[GW_SEV_WARNING] = "warning",
		[GW_SEV_ERROR] = "error",
	};
	fprintf(out, "::%s", kinds[g->sev]);
	const char *sep = " ";
	if (g->file) {
		fputs(" file=", out);
		print_github_escaped(out, g->file, true);
		sep = ",";
		if (g->loc.line) {
			fprintf(out, ",line=%u,col=%u", g->loc.line, g->loc.col);
		}
	}
	if (g->rule) {
		fprintf(out, "%stitle=", sep);
		print_github_escaped(out, g->rule, true);
	}
	fputs("::", out);
	print_github_escaped(out, g->msg, false);
	if (g->hint) {
		fputs("%0A", out);
		print_github_escaped(out, g->hint, false);
	}
	fputc('\n', out);
}

static void print_json(const struct gw_diags *d, FILE *out)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(root, "diagnostics");
	for (size_t i = 0; i < d->n; i++) {
		const struct gw_diag *g = &d->v[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "severity", gw_severity_name(g->sev));
		if (g->rule) {
			cJSON_AddStringToObject(o, "rule", g->rule);
		} else {
			cJSON_AddNullToObject(o, "rule");
		}
		if (g->file) {
			cJSON_AddStringToObject(o, "file", g->file);
		} else {
			cJSON_AddNullToObject(o, "file");
		}
		cJSON_AddNumberToObject(o, "line", g->loc.line);
		cJSON_AddNumberToObject(o, "column", g->loc.col);
		cJSON_AddStringToObject(o, "message", g->msg);
		if (g->hint) {
			cJSON_AddStringToObject(o, "hint", g->hint);
		} else {
			cJSON_AddNullToObject(o, "hint");
		}
		cJSON_AddItemToArray(arr, o);
	}
	cJSON_AddNumberToObject(root, "errors", (double)d->n_errors);
	cJSON_AddNumberToObject(root, "warnings", (double)d->n_warnings);
	cJSON_AddNumberToObject(root, "dropped", (double)d->dropped);
	char *text = cJSON_Print(root);
	fputs(text, out);
	fputc('\n', out);
	free(text);
	cJSON_Delete(root);
}

/* A relative path as a URI reference (RFC 3986): every byte but the
 * unreserved ones and '/' percent-encoded; an absolute path as file://. */
static char *path_uri(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	struct gw_buf b;
	gw_buf_init(&b);
	if (path[0] == '/') {
		gw_buf_puts(&b, "file://");
	}
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p)) {
			gw_buf_putc(&b, (char)*p);
		} else {
			gw_buf_putc(&b, '%');
			gw_buf_putc(&b, hex[*p >> 4]);
			gw_buf_putc(&b, hex[*p & 15]);
		}
	}
	return gw_buf_detach(&b, NULL);
}

/*
 * The rules the results name, once each, as the tool's reportingDescriptor
 * objects: code scanning shows a rule's shortDescription (what it checks)
 * and fullDescription (with its source) at the top of an alert.
 */
static void add_sarif_rules(cJSON *driver, const struct gw_diags *d)
{
	cJSON *rules = cJSON_AddArrayToObject(driver, "rules");
	bool seen[GW_RULE_COUNT] = {false};
	for (size_t i = 0; i < d->n; i++) {
		enum gw_rule r = gw_rule_find(d->v[i].rule);
		if (r == GW_RULE_NONE || seen[r]) {
			continue;
		}
		seen[r] = true;
		const struct gw_rule_info *info = gw_rule_info(r);
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "id", info->id);
		cJSON_AddStringToObject(cJSON_AddObjectToObject(o,
				"shortDescription"), "text", info->what);
		char *full = gw_xasprintf("%s (source: %s)", info->what,
				info->source);
		cJSON_AddStringToObject(cJSON_AddObjectToObject(o,
				"fullDescription"), "text", full);
		free(full);
		cJSON_AddItemToArray(rules, o);
	}
}

/*
 * SARIF 2.1.0 (OASIS, sarif-schema-2.1.0.json): one run of the tool
 * "gwgen", a result per diagnostic with its ruleId, level (error, warning,
 * note, as SARIF names them) and the message with its hint, located at
 * FILE:LINE:COL when the diagnostic has a position. GitHub code scanning
 * shows them on those lines (github/codeql-action/upload-sarif).
 */
static void print_sarif(const struct gw_diags *d, FILE *out)
{
	cJSON *root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "$schema",
		"https://json.schemastore.org/sarif-2.1.0.json");
	cJSON_AddStringToObject(root, "version", "2.1.0");
	cJSON *runs = cJSON_AddArrayToObject(root, "runs");
	cJSON *run = cJSON_CreateObject();
	cJSON_AddItemToArray(runs, run);
	cJSON *driver = cJSON_AddObjectToObject(
		cJSON_AddObjectToObject(run, "tool"), "driver");
	cJSON_AddStringToObject(driver, "name", "gwgen");
	cJSON_AddStringToObject(driver, "version", GW_VERSION);
	add_sarif_rules(driver, d);
	cJSON *results = cJSON_AddArrayToObject(run, "results");
	for (size_t i = 0; i < d->n; i++) {
		const struct gw_diag *g = &d->v[i];
		cJSON *r = cJSON_CreateObject();
		if (g->rule) {
			cJSON_AddStringToObject(r, "ruleId", g->rule);
		}
		cJSON_AddStringToObject(r, "level", gw_severity_name(g->sev));
		char *text = g->hint ? gw_xasprintf("%s (%s)", g->msg, g->hint)
			: gw_xstrdup(g->msg);
		cJSON_AddStringToObject(cJSON_AddObjectToObject(r, "message"),
				"text", text);
		free(text);
		if (g->file && g->file[0]) {
			cJSON *loc = cJSON_CreateObject();
			cJSON *phys = cJSON_AddObjectToObject(loc,
					"physicalLocation");
			char *uri = path_uri(g->file);
			cJSON_AddStringToObject(cJSON_AddObjectToObject(phys,
					"artifactLocation"), "uri", uri);
			free(uri);
			if (g->loc.line > 0) {
				cJSON *region = cJSON_AddObjectToObject(phys,
						"region");
				cJSON_AddNumberToObject(region, "startLine",
						g->loc.line);
				if (g->loc.col > 0) {
					cJSON_AddNumberToObject(region,
						"startColumn", g->loc.col);
				}
			}
			cJSON_AddItemToArray(cJSON_AddArrayToObject(r,
					"locations"), loc);
		}
		cJSON_AddItemToArray(results, r);
	}
	char *text = cJSON_Print(root);
	fputs(text, out);
	fputc('\n', out);
	free(text);
	cJSON_Delete(root);
}

void gw_diags_print(const struct gw_diags *d, FILE *out,
		enum gw_diag_format format, bool color)
{
	if (format == GW_DIAG_JSON) {
		print_json(d, out);
		return;
	}
	if (format == GW_DIAG_SARIF) {
		print_sarif(d, out);
		return;
	}
	for (size_t i = 0; i < d->n; i++) {
		if (format == GW_DIAG_GITHUB) {
			print_github(&d->v[i], out);
		} else {
			print_text(&d->v[i], out, color);
		}
	}
	if (d->dropped && format == GW_DIAG_TEXT) {
		fprintf(out, "gwgen: note: %zu more diagnostics not shown\n",
				d->dropped);
	}
}
