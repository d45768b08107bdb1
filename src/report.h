/* SPDX-License-Identifier: MIT */
/* How diagnostics are shown: text, GitHub workflow commands, JSON, SARIF. */
#ifndef GW_REPORT_H
#define GW_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "diag.h"

enum gw_diag_format {
	GW_DIAG_TEXT,   /* FILE:LINE:COL: error: MESSAGE [RULE] */
	GW_DIAG_JSON,   /* one JSON document: {"diagnostics": [...]} */
	GW_DIAG_GITHUB, /* ::error file=F,line=L,col=C,title=RULE::MESSAGE */
	GW_DIAG_SARIF,  /* one SARIF 2.1.0 log, for GitHub code scanning */
};

/* The name of each format, as --format takes it ("sarif"). */
extern const char *const gw_diag_format_names[GW_DIAG_SARIF + 1];

/* The format named 'name' into 'out'; false when there is none. */
bool gw_diag_format_parse(const char *name, enum gw_diag_format *out);

/*
 * Print all diagnostics to 'out' in 'format'. With 'color', TEXT output uses
 * ANSI colours for the severity. Nothing is printed for an empty list in the
 * TEXT and GITHUB formats; JSON always prints a document.
 */
void gw_diags_print(const struct gw_diags *d, FILE *out,
		enum gw_diag_format format, bool color);

/* Whether colour should be used on 'stream': a terminal and no NO_COLOR. */
bool gw_diag_want_color(FILE *stream);

#endif
