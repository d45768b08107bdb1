/* SPDX-License-Identifier: MIT */
/* Test helpers for table-driven verifier tests: edit a base text by
 * replacement, count the findings of a rule. Include after cmocka.h. */
#ifndef GW_TEST_ROWS_H
#define GW_TEST_ROWS_H

#include <stdbool.h>
#include <string.h>

#include "diag.h"
#include "util.h"

/* 'text' with the first 'find' replaced by 'repl' (free() it); the test
 * fails when 'find' is absent. */
static inline char *rows_patch(const char *text, const char *find,
                               const char *repl)
{
	const char *at = strstr(text, find);
	if (!at) {
		/* fail_msg returns only where cmocka cannot longjmp. */
		fail_msg("'%s' is not in the base text", find);
		return NULL;
	}
	return gw_xasprintf("%.*s%s%s", (int)(at - text), text, repl,
	                    at + strlen(find));
}

/* Findings in 'd' of 'rule' (NULL: those without a rule) at 'sev', and
 * with 'msg' set, saying exactly that. */
static inline size_t rows_count(const struct gw_diags *d, const char *rule,
                                enum gw_severity sev, const char *msg)
{
	size_t n = 0;
	for (size_t i = 0; i < d->n; i++) {
		const struct gw_diag *g = &d->v[i];
		bool same_rule = rule ? g->rule && strcmp(g->rule, rule) == 0
		                      : g->rule == NULL;
		if (same_rule && g->sev == sev &&
		    (!msg || strcmp(g->msg, msg) == 0)) {
			n++;
		}
	}
	return n;
}

#endif
