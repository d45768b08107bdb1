/* SPDX-License-Identifier: MIT */
/* Source locations and the list of diagnostics every stage reports into. */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "config.h"
#include "rules.h"
#include "util.h"

static const char *const severity_names[] = {
	[GW_SEV_NOTE] = "note",
	[GW_SEV_WARNING] = "warning",
	[GW_SEV_ERROR] = "error",
};
_Static_assert(GW_ARRAY_LEN(severity_names) == GW_SEV_ERROR + 1,
		"severity_names must name every severity");

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

const char *gw_severity_name(enum gw_severity sev)
{
	return severity_names[sev];
}

void gw_diags_init(struct gw_diags *d)
{
	memset(d, 0, sizeof(*d));
}

static void diag_finish(struct gw_diag *g)
{
	free(g->file);
	free(g->rule);
	free(g->msg);
	free(g->hint);
}

void gw_diags_finish(struct gw_diags *d)
{
	if (!d) {
		return;
	}
	for (size_t i = 0; i < d->n; i++) {
		diag_finish(&d->v[i]);
	}
	free(d->v);
	size_t limit = d->limit;
	gw_diags_init(d);
	d->limit = limit;
}

/* (The format attribute keeps clang's -Wformat-nonliteral quiet.) */
static void vadd(struct gw_diags *d, enum gw_severity sev, struct gw_loc loc,
		const char *rule, const char *hint, const char *fmt, va_list ap)
	__attribute__((format(printf, 6, 0)));

static void vadd(struct gw_diags *d, enum gw_severity sev, struct gw_loc loc,
		const char *rule, const char *hint, const char *fmt, va_list ap)
{
	if (sev == GW_SEV_ERROR) {
		d->n_errors++;
	} else if (sev == GW_SEV_WARNING) {
		d->n_warnings++;
	}
	size_t limit = d->limit ? d->limit : GW_DIAGS_DEFAULT_LIMIT;
	if (d->n >= limit) {
		d->dropped++;
		return;
	}
	struct gw_buf msg;
	gw_buf_init(&msg);
	gw_buf_vprintf(&msg, fmt, ap);

	gw_grow((void **)&d->v, &d->cap, d->n + 1, sizeof(*d->v));
	struct gw_diag *g = &d->v[d->n++];
	g->sev = sev;
	g->file = loc.file ? gw_xstrdup(loc.file) : NULL;
	g->loc = loc;
	g->loc.file = g->file;
	g->rule = rule ? gw_xstrdup(rule) : NULL;
	g->hint = hint ? gw_xstrdup(hint) : NULL;
	g->msg = gw_buf_detach(&msg, NULL);
}

void gw_diag_add(struct gw_diags *d, enum gw_severity sev, struct gw_loc loc,
		const char *rule, const char *hint, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vadd(d, sev, loc, rule, hint, fmt, ap);
	va_end(ap);
}

void gw_diag_error(struct gw_diags *d, struct gw_loc loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vadd(d, GW_SEV_ERROR, loc, NULL, NULL, fmt, ap);
	va_end(ap);
}

void gw_diag_warning(struct gw_diags *d, struct gw_loc loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vadd(d, GW_SEV_WARNING, loc, NULL, NULL, fmt, ap);
	va_end(ap);
}

void gw_diag_note(struct gw_diags *d, struct gw_loc loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vadd(d, GW_SEV_NOTE, loc, NULL, NULL, fmt, ap);
	va_end(ap);
}

bool gw_diags_has_errors(const struct gw_diags *d)
{
	return d->n_errors > 0;
}

void gw_diags_move(struct gw_diags *to, struct gw_diags *from)
{
	size_t limit = to->limit ? to->limit : GW_DIAGS_DEFAULT_LIMIT;
	for (size_t i = 0; i < from->n; i++) {
		struct gw_diag *g = &from->v[i];
		if (g->sev == GW_SEV_ERROR) {
			to->n_errors++;
		} else if (g->sev == GW_SEV_WARNING) {
			to->n_warnings++;
		}
		if (to->n >= limit) {
			to->dropped++;
			diag_finish(g);
			continue;
		}
		gw_grow((void **)&to->v, &to->cap, to->n + 1, sizeof(*to->v));
		to->v[to->n++] = *g;
	}
	/* Diagnostics that 'from' itself dropped still count in 'to'. */
	to->dropped += from->dropped;
	free(from->v);
	size_t flimit = from->limit;
	gw_diags_init(from);
	from->limit = flimit;
}

static int compare_loc(const struct gw_diag *a, const struct gw_diag *b)
{
	const char *fa = a->file ? a->file : "";
	const char *fb = b->file ? b->file : "";
	int c = strcmp(fa, fb);
	if (c) {
		return c;
	}
	if (a->loc.line != b->loc.line) {
		return a->loc.line < b->loc.line ? -1 : 1;
	}
	if (a->loc.col != b->loc.col) {
		return a->loc.col < b->loc.col ? -1 : 1;
	}
	return 0;
}

void gw_diags_sort(struct gw_diags *d)
{
	/*
	 * A note without a rule belongs to the diagnostic before it (a
	 * duplicate key's "first set here", libyaml's context), so each
	 * diagnostic moves with its notes: sort the groups by their first
	 * entry's location. A note with a rule is a finding of its own.
	 * Insertion sort: stable, and lists are capped at a few dozen.
	 */
	size_t *start = gw_xcalloc(d->n + 1, sizeof(*start));
	size_t n_groups = 0;
	for (size_t i = 0; i < d->n; i++) {
		if (i == 0 || d->v[i].sev != GW_SEV_NOTE || d->v[i].rule) {
			start[n_groups++] = i;
		}
	}
	size_t *order = gw_xcalloc(n_groups + 1, sizeof(*order));
	for (size_t g = 0; g < n_groups; g++) {
		size_t j = g;
		while (j > 0 && compare_loc(&d->v[start[order[j - 1]]],
				&d->v[start[g]]) > 0) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = g;
	}
	struct gw_diag *v = gw_xcalloc(d->cap ? d->cap : 1, sizeof(*v));
	size_t n = 0;
	for (size_t k = 0; k < n_groups; k++) {
		size_t g = order[k];
		size_t end = g + 1 < n_groups ? start[g + 1] : d->n;
		for (size_t i = start[g]; i < end; i++) {
			v[n++] = d->v[i];
		}
	}
	free(d->v);
	d->v = v;
	free(order);
	free(start);
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
			severity_names[g->sev], color ? "\033[0m" : "", g->msg);
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
		cJSON_AddStringToObject(o, "severity", severity_names[g->sev]);
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
		cJSON_AddStringToObject(r, "level", severity_names[g->sev]);
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
