/* SPDX-License-Identifier: MIT */
/* Source locations and the list of diagnostics every stage reports into. */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "util.h"

static const char *const severity_names[] = {
	[GW_SEV_NOTE] = "note",
	[GW_SEV_WARNING] = "warning",
	[GW_SEV_ERROR] = "error",
};
_Static_assert(GW_ARRAY_LEN(severity_names) == GW_SEV_ERROR + 1,
		"severity_names must name every severity");

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
