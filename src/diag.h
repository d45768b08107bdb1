/* SPDX-License-Identifier: MIT */
/* Source locations and the list of diagnostics every stage reports into. */
#ifndef GW_DIAG_H
#define GW_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * A 1-based position in a file. 'file' is lent by whoever owns the text (the
 * model for profiles, the template table for templates); line 0 means "no
 * location" and prints as "gwgen:".
 */
struct gw_loc {
	const char *file;
	unsigned line; /* 1-based; 0 = unknown */
	unsigned col;  /* 1-based */
};

enum gw_severity {
	GW_SEV_NOTE,
	GW_SEV_WARNING,
	GW_SEV_ERROR,
};

struct gw_diag {
	enum gw_severity sev;
	struct gw_loc loc;
	char *file; /* owned copy of loc.file (loc.file points here) */
	char *rule; /* stable rule ID such as "CE2", or NULL */
	char *msg;  /* lowercase, no trailing period */
	char *hint; /* how to fix it, or NULL */
};

/* Default cap on recorded diagnostics per run (STYLE 4). */
#define GW_DIAGS_DEFAULT_LIMIT 50

struct gw_diags {
	struct gw_diag *v; /* in the order reported */
	size_t n, cap;
	size_t n_errors;   /* counted even past 'limit' */
	size_t n_warnings; /* counted even past 'limit' */
	size_t limit;      /* at most this many are recorded; 0 = default */
	size_t dropped;    /* reported but not recorded because of 'limit' */
};

/* Initialise / free a list. gw_diags_finish accepts a zeroed list. */
void gw_diags_init(struct gw_diags *d);
void gw_diags_finish(struct gw_diags *d);

/*
 * Record a diagnostic. 'rule' and 'hint' may be NULL. The message is
 * printf-formatted. Location strings are copied, so 'loc.file' need not
 * outlive the call.
 */
void gw_diag_add(struct gw_diags *d, enum gw_severity sev, struct gw_loc loc,
		const char *rule, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* Shorthands for gw_diag_add with no rule and no hint. */
void gw_diag_error(struct gw_diags *d, struct gw_loc loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void gw_diag_warning(struct gw_diags *d, struct gw_loc loc,
		const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void gw_diag_note(struct gw_diags *d, struct gw_loc loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* True when at least one error was reported. */
bool gw_diags_has_errors(const struct gw_diags *d);

/* Move every diagnostic of 'from' to the end of 'to'; 'from' ends empty. */
void gw_diags_move(struct gw_diags *to, struct gw_diags *from);

/*
 * Sort by file, line, column, keeping report order for ties (stable). A
 * note without a rule stays right after the diagnostic it follows.
 */
void gw_diags_sort(struct gw_diags *d);

/* The name of a severity: "note", "warning", "error". */
const char *gw_severity_name(enum gw_severity sev);

#endif
