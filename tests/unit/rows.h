/* SPDX-License-Identifier: MIT */
/* Test helpers for table-driven verifier tests: edit a base text by
 * replacement, count the findings of a rule. Include after cmocka.h. */
#ifndef GW_TEST_ROWS_H
#define GW_TEST_ROWS_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "model.h"
#include "profile.h"
#include "report.h"
#include "util.h"
#include "verify.h"

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

/*
 * Verify 'text' into 'd': as a profile (loaded, then gw_verify_model) when
 * 'profile', else as a CloudFormation template. Returns whether no error
 * was found; the test ('name') fails when the loader refuses a profile.
 */
static inline bool rows_verify(const char *name, const char *text,
                               bool profile, struct gw_diags *d)
{
	if (!profile) {
		return gw_verify_template_text(text, strlen(text), "t.yaml", d);
	}
	struct gw_model *m = gw_profile_load_string(text, strlen(text),
	                                            "t.yaml", d);
	if (!m) {
		gw_diags_print(d, stderr, GW_DIAG_TEXT, false);
		fail_msg("%s: the loader refused the profile", name);
		return false;
	}
	bool ok = gw_verify_model(m, d);
	gw_model_destroy(m);
	return ok;
}

/*
 * The test ('name') passes when 'd' holds 'want' findings of 'rule' at
 * 'sev', one of them saying 'msg' when set; 'ok' is what rows_verify
 * returned. A passing row at the error level must pass every rule.
 */
static inline void rows_expect(const char *name, const struct gw_diags *d,
                               bool ok, const char *rule,
                               enum gw_severity sev, size_t want,
                               const char *msg)
{
	assert_true(ok == (d->n_errors == 0));
	if (want == 0 && sev == GW_SEV_ERROR && !ok) {
		gw_diags_print(d, stderr, GW_DIAG_TEXT, false);
		fail_msg("%s: errors on a passing row", name);
	}
	size_t n = rows_count(d, rule, sev, NULL);
	bool said = !msg || rows_count(d, rule, sev, msg) > 0;
	if (n != want || !said) {
		gw_diags_print(d, stderr, GW_DIAG_TEXT, false);
		fail_msg("%s: %zu findings of %s, want %zu%s%s", name, n, rule,
		         want, msg ? " saying: " : "", msg ? msg : "");
	}
}

/* 'pre', then 'each' 'count' times (a "%zu" in it is the repetition's
 * index), then 'post' (free() it). */
static inline char *rows_repeat(const char *pre, const char *each,
                                size_t count, const char *post)
{
	struct gw_buf b;
	gw_buf_init(&b);
	gw_buf_puts(&b, pre);
	for (size_t i = 0; i < count; i++) {
		const char *at = strstr(each, "%zu");
		if (!at) {
			gw_buf_puts(&b, each);
			continue;
		}
		char *item = gw_xasprintf("%.*s%zu%s", (int)(at - each), each, i,
		                          at + strlen("%zu"));
		gw_buf_puts(&b, item);
		free(item);
	}
	gw_buf_puts(&b, post);
	return gw_buf_detach(&b, NULL);
}

/* One row: 'find' in 'base' replaced by 'repl', verified as a profile or
 * a template (rows_verify), held to its expectations (rows_expect). */
static inline void rows_run(const char *name, const char *base, bool profile,
                            const char *find, const char *repl,
                            const char *rule, enum gw_severity sev,
                            size_t want, const char *msg)
{
	char *text = rows_patch(base, find, repl);
	struct gw_diags d;
	gw_diags_init(&d);
	d.limit = 1000;
	bool ok = rows_verify(name, text, profile, &d);
	rows_expect(name, &d, ok, rule, sev, want, msg);
	gw_diags_finish(&d);
	free(text);
}

/* The base profile and template verify without an error or a warning
 * (and without a note unless 'notes_ok'), so each row's finding is its
 * own. */
static inline void rows_bases_clean(const char *profile, const char *tpl,
                                    bool notes_ok)
{
	struct gw_diags d;
	gw_diags_init(&d);
	struct gw_model *m =
	        gw_profile_load_string(profile, strlen(profile), "t.yaml", &d);
	assert_non_null(m);
	assert_true(gw_verify_model(m, &d));
	gw_model_destroy(m);
	assert_true(gw_verify_template_text(tpl, strlen(tpl), "t.yaml", &d));
	size_t findings = notes_ok ? d.n_errors + d.n_warnings : d.n;
	if (findings != 0) {
		gw_diags_print(&d, stderr, GW_DIAG_TEXT, false);
		fail_msg("the bases have findings");
	}
	gw_diags_finish(&d);
}

#endif
